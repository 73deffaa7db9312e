//! A SentencePiece unigram model read from its `.spm` file (a protobuf `ModelProto`), in pure
//! Rust: normalise, segment by Viterbi over the piece scores, and join pieces back into text.
//!
//! What is implemented is what OPUS-MT's models use: the unigram model type, the precompiled
//! normalisation map, the `▁` whitespace convention (dummy prefix, collapsed spaces), unknown
//! characters (consecutive ones fused into one piece, as SentencePiece does) and, for models
//! trained with it, byte fallback (`<0xE2>` pieces). Not implemented: BPE/word/char models and
//! `treat_whitespace_as_suffix`; such files are refused with a clear error.
//!
//! The pieces' order in the file is SentencePiece's own id order. Marian does not use it: ids
//! come from `vocab.json` (see [`super::tokenizer`]), so this module works with piece strings.

use std::collections::HashMap;

use thiserror::Error;

use super::charsmap::{CharsMap, CharsMapError};
use super::proto::{ProtoError, Reader, Writer};

/// The whitespace meta symbol.
pub const SPACE: char = '▁';
/// SentencePiece's penalty below the lowest piece score for an unknown character.
const UNK_PENALTY: f32 = 10.0;

/// Why a `.spm` file cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SpmError {
    #[error("not a SentencePiece model: {0}")]
    Proto(#[from] ProtoError),
    #[error("not a SentencePiece model: {0}")]
    Invalid(&'static str),
    #[error("unsupported SentencePiece model: {0}")]
    Unsupported(String),
    #[error("bad normalisation map: {0}")]
    CharsMap(#[from] CharsMapError),
}

/// What a piece is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PieceKind {
    Normal,
    Unknown,
    Control,
    UserDefined,
    Unused,
    Byte,
}

impl PieceKind {
    fn from_proto(v: u64) -> Option<PieceKind> {
        Some(match v {
            1 => PieceKind::Normal,
            2 => PieceKind::Unknown,
            3 => PieceKind::Control,
            4 => PieceKind::UserDefined,
            5 => PieceKind::Unused,
            6 => PieceKind::Byte,
            _ => return None,
        })
    }

    fn to_proto(self) -> i64 {
        match self {
            PieceKind::Normal => 1,
            PieceKind::Unknown => 2,
            PieceKind::Control => 3,
            PieceKind::UserDefined => 4,
            PieceKind::Unused => 5,
            PieceKind::Byte => 6,
        }
    }
}

/// One entry of the model.
#[derive(Debug, Clone, PartialEq)]
pub struct Piece {
    pub text: String,
    pub score: f32,
    pub kind: PieceKind,
}

impl Piece {
    pub fn new(text: &str, score: f32, kind: PieceKind) -> Piece {
        Piece { text: text.to_owned(), score, kind }
    }
}

/// The normaliser settings (`NormalizerSpec`).
#[derive(Debug, Clone)]
pub struct Normalizer {
    pub name: String,
    /// The serialised map; empty means identity.
    pub charsmap: Vec<u8>,
    pub add_dummy_prefix: bool,
    pub remove_extra_whitespaces: bool,
    pub escape_whitespaces: bool,
}

impl Default for Normalizer {
    fn default() -> Self {
        Normalizer {
            name: "identity".into(),
            charsmap: Vec::new(),
            add_dummy_prefix: true,
            remove_extra_whitespaces: true,
            escape_whitespaces: true,
        }
    }
}

/// A SentencePiece unigram model.
#[derive(Debug, Clone)]
pub struct SpmModel {
    pieces: Vec<Piece>,
    normalizer: Normalizer,
    byte_fallback: bool,
    charsmap: Option<CharsMap>,
    /// Normal and user-defined pieces by text: what segmentation may use.
    index: HashMap<String, usize>,
    kinds: HashMap<String, PieceKind>,
    max_chars: usize,
    min_score: f32,
    max_score: f32,
}

impl SpmModel {
    /// A model from its parts (the reader and the tiny test model both end here).
    pub fn new(
        pieces: Vec<Piece>,
        normalizer: Normalizer,
        byte_fallback: bool,
    ) -> Result<SpmModel, SpmError> {
        let charsmap = if normalizer.charsmap.is_empty() {
            None
        } else {
            Some(CharsMap::parse(&normalizer.charsmap)?)
        };
        let mut index = HashMap::new();
        let mut kinds = HashMap::new();
        let (mut min_score, mut max_score) = (f32::INFINITY, f32::NEG_INFINITY);
        let mut max_chars = 1;
        for (i, p) in pieces.iter().enumerate() {
            if p.text.is_empty() {
                return Err(SpmError::Invalid("a piece is empty"));
            }
            if !p.score.is_finite() {
                return Err(SpmError::Invalid("a piece's score is not a finite number"));
            }
            kinds.entry(p.text.clone()).or_insert(p.kind);
            if matches!(p.kind, PieceKind::Normal | PieceKind::UserDefined) {
                index.entry(p.text.clone()).or_insert(i);
                max_chars = max_chars.max(p.text.chars().count());
            }
            if p.kind == PieceKind::Normal {
                min_score = min_score.min(p.score);
                max_score = max_score.max(p.score);
            }
        }
        if index.is_empty() {
            return Err(SpmError::Invalid("no normal pieces"));
        }
        if !min_score.is_finite() {
            (min_score, max_score) = (0.0, 0.0);
        }
        Ok(SpmModel {
            pieces,
            normalizer,
            byte_fallback,
            charsmap,
            index,
            kinds,
            max_chars,
            min_score,
            max_score,
        })
    }

    /// Read a serialised `ModelProto`.
    pub fn parse(bytes: &[u8]) -> Result<SpmModel, SpmError> {
        let mut pieces = Vec::new();
        let mut normalizer = Normalizer::default();
        let mut byte_fallback = false;
        let mut r = Reader::new(bytes);
        let mut seen_trainer = false;
        while let Some((field, v)) = r.next_field()? {
            match field {
                1 => pieces.push(parse_piece(v.bytes().ok_or(SpmError::Invalid("piece"))?)?),
                2 => {
                    seen_trainer = true;
                    byte_fallback =
                        parse_trainer(v.bytes().ok_or(SpmError::Invalid("trainer_spec"))?)?;
                }
                3 => {
                    normalizer =
                        parse_normalizer(v.bytes().ok_or(SpmError::Invalid("normalizer_spec"))?)?
                }
                _ => {}
            }
        }
        if pieces.is_empty() || !seen_trainer {
            return Err(SpmError::Invalid("no pieces or no trainer_spec"));
        }
        SpmModel::new(pieces, normalizer, byte_fallback)
    }

    /// Serialise as a `ModelProto` (unigram), as the `.spm` files are.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer::new();
        for p in &self.pieces {
            let piece = Writer::new()
                .bytes(1, p.text.as_bytes())
                .float(2, p.score)
                .varint(3, p.kind.to_proto())
                .finish();
            w.bytes(1, &piece);
        }
        let unk = self.pieces.iter().position(|p| p.kind == PieceKind::Unknown).unwrap_or(0);
        let trainer = Writer::new()
            .varint(3, 1)
            .varint(4, self.pieces.len() as i64)
            .varint(35, i64::from(self.byte_fallback))
            .varint(40, unk as i64)
            .finish();
        w.bytes(2, &trainer);
        let n = &self.normalizer;
        let mut nw = Writer::new();
        nw.bytes(1, n.name.as_bytes());
        if !n.charsmap.is_empty() {
            nw.bytes(2, &n.charsmap);
        }
        nw.varint(3, i64::from(n.add_dummy_prefix))
            .varint(4, i64::from(n.remove_extra_whitespaces))
            .varint(5, i64::from(n.escape_whitespaces));
        w.bytes(3, &nw.finish());
        w.finish()
    }

    /// The pieces in file order.
    pub fn pieces(&self) -> &[Piece] {
        &self.pieces
    }

    /// The kind of a piece, if the model has it.
    pub fn kind(&self, piece: &str) -> Option<PieceKind> {
        self.kinds.get(piece).copied()
    }

    /// Normalise as SentencePiece does before segmenting: the map, then spaces (leading and
    /// trailing ones dropped and runs collapsed, a dummy prefix, `▁` for each).
    pub fn normalize(&self, text: &str) -> String {
        let n = &self.normalizer;
        let mapped = match &self.charsmap {
            Some(map) => map.apply(text),
            None => text.to_owned(),
        };
        let mut s = if n.remove_extra_whitespaces {
            mapped.split(' ').filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
        } else {
            mapped
        };
        if s.is_empty() {
            return s;
        }
        if n.add_dummy_prefix {
            s.insert(0, ' ');
        }
        if n.escape_whitespaces {
            s = s.replace(' ', &SPACE.to_string());
        }
        s
    }

    /// Segment `text` into pieces: the best-scoring path through every way of covering the
    /// normalised text with pieces. Unknown characters become `<0xNN>` byte pieces under byte
    /// fallback, otherwise pieces of their own text (consecutive ones fused).
    pub fn encode(&self, text: &str) -> Vec<String> {
        let norm = self.normalize(text);
        let bounds: Vec<usize> =
            norm.char_indices().map(|(i, _)| i).chain(std::iter::once(norm.len())).collect();
        let n = bounds.len() - 1;
        // best[i]: score of the best path to char i, and the start of its last piece.
        let mut best: Vec<(f32, usize, bool)> = vec![(f32::NEG_INFINITY, 0, false); n + 1];
        best[0].0 = 0.0;
        let unk_score = self.min_score - UNK_PENALTY;
        for start in 0..n {
            let base = best[start].0;
            if base == f32::NEG_INFINITY {
                continue;
            }
            let mut single = false;
            for len in 1..=self.max_chars.min(n - start) {
                let end = start + len;
                let Some(&ix) = self.index.get(&norm[bounds[start]..bounds[end]]) else {
                    continue;
                };
                let p = &self.pieces[ix];
                let score = if p.kind == PieceKind::UserDefined {
                    len as f32 * self.max_score - 0.1
                } else {
                    p.score
                };
                single |= len == 1;
                if base + score > best[end].0 {
                    best[end] = (base + score, start, false);
                }
            }
            if !single && base + unk_score > best[start + 1].0 {
                best[start + 1] = (base + unk_score, start, true);
            }
        }
        let mut spans = Vec::new();
        let mut end = n;
        while end > 0 {
            let (_, start, unknown) = best[end];
            spans.push((start, end, unknown));
            end = start;
        }
        spans.reverse();

        let mut out: Vec<String> = Vec::with_capacity(spans.len());
        let mut last_unknown = false;
        for (start, end, unknown) in spans {
            let s = &norm[bounds[start]..bounds[end]];
            if unknown && self.byte_fallback {
                out.extend(s.bytes().map(|b| format!("<0x{b:02X}>")));
            } else if unknown && last_unknown {
                if let Some(prev) = out.last_mut() {
                    prev.push_str(s);
                }
            } else {
                out.push(s.to_owned());
            }
            last_unknown = unknown;
        }
        out
    }

    /// Join pieces into text: byte pieces become their bytes, control pieces nothing, `▁` a
    /// space; the dummy prefix's space is dropped.
    pub fn decode<S: AsRef<str>>(&self, pieces: &[S]) -> String {
        let mut bytes: Vec<u8> = Vec::new();
        for p in pieces {
            let p = p.as_ref();
            match self.kind(p) {
                Some(PieceKind::Control) => {}
                Some(PieceKind::Byte) => {
                    if let Some(b) = byte_piece(p) {
                        bytes.push(b);
                    }
                }
                _ => bytes.extend_from_slice(p.as_bytes()),
            }
        }
        let text = String::from_utf8_lossy(&bytes).replace(SPACE, " ");
        match text.strip_prefix(' ') {
            Some(t) if self.normalizer.add_dummy_prefix => t.to_owned(),
            _ => text,
        }
    }
}

/// The byte of a `<0xNN>` piece.
fn byte_piece(p: &str) -> Option<u8> {
    let hex = p.strip_prefix("<0x")?.strip_suffix('>')?;
    if hex.len() != 2 {
        return None;
    }
    u8::from_str_radix(hex, 16).ok()
}

fn parse_piece(bytes: &[u8]) -> Result<Piece, SpmError> {
    let mut r = Reader::new(bytes);
    let mut piece = Piece::new("", 0.0, PieceKind::Normal);
    while let Some((field, v)) = r.next_field()? {
        match field {
            1 => {
                let b = v.bytes().ok_or(SpmError::Invalid("piece text"))?;
                piece.text = String::from_utf8(b.to_vec())
                    .map_err(|_| SpmError::Invalid("a piece is not UTF-8"))?;
            }
            2 => piece.score = v.float().ok_or(SpmError::Invalid("piece score"))?,
            3 => {
                piece.kind = v
                    .varint()
                    .and_then(PieceKind::from_proto)
                    .ok_or(SpmError::Invalid("piece type"))?;
            }
            _ => {}
        }
    }
    Ok(piece)
}

/// Check the trainer spec; returns `byte_fallback`.
fn parse_trainer(bytes: &[u8]) -> Result<bool, SpmError> {
    let mut r = Reader::new(bytes);
    let mut byte_fallback = false;
    while let Some((field, v)) = r.next_field()? {
        match (field, v.varint()) {
            (3, Some(1)) => {}
            (3, Some(t)) => {
                let name = match t {
                    2 => "BPE",
                    3 => "word",
                    4 => "char",
                    _ => "unknown",
                };
                return Err(SpmError::Unsupported(format!("model type {name} (only unigram)")));
            }
            (24, Some(1)) => {
                return Err(SpmError::Unsupported("treat_whitespace_as_suffix".into()));
            }
            (35, Some(b)) => byte_fallback = b != 0,
            _ => {}
        }
    }
    Ok(byte_fallback)
}

fn parse_normalizer(bytes: &[u8]) -> Result<Normalizer, SpmError> {
    let mut r = Reader::new(bytes);
    let mut n = Normalizer { name: String::new(), ..Normalizer::default() };
    while let Some((field, v)) = r.next_field()? {
        let flag = || v.varint().map(|b| b != 0).ok_or(SpmError::Invalid("normalizer flag"));
        match field {
            1 => n.name = String::from_utf8_lossy(v.bytes().unwrap_or_default()).into_owned(),
            2 => n.charsmap = v.bytes().ok_or(SpmError::Invalid("charsmap"))?.to_vec(),
            3 => n.add_dummy_prefix = flag()?,
            4 => n.remove_extra_whitespaces = flag()?,
            5 => n.escape_whitespaces = flag()?,
            _ => {}
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(pieces: &[(&str, f32, PieceKind)], byte_fallback: bool) -> SpmModel {
        let mut all = vec![Piece::new("<unk>", 0.0, PieceKind::Unknown)];
        all.extend(pieces.iter().map(|(p, s, k)| Piece::new(p, *s, *k)));
        SpmModel::new(all, Normalizer::default(), byte_fallback).expect("a valid model")
    }

    #[test]
    fn viterbi_beats_longest_match() {
        let n = PieceKind::Normal;
        let m = model(
            &[("▁", -2.0, n), ("▁ab", -3.0, n), ("c", -3.0, n), ("▁a", -3.0, n), ("bc", -2.5, n)],
            false,
        );
        assert_eq!(m.encode("abc"), ["▁a", "bc"]);
        assert_eq!(m.encode("  abc   c "), ["▁a", "bc", "▁", "c"]);
        assert!(m.encode(" \u{20} ").is_empty());
    }

    #[test]
    fn unknown_characters_fuse_or_fall_back_to_bytes() {
        let n = PieceKind::Normal;
        let m = model(&[("▁", -2.0, n), ("a", -1.0, n)], false);
        assert_eq!(m.encode("a☃☃a"), ["▁", "a", "☃☃", "a"]);
        let mut bytes = vec![("▁", -2.0, n), ("a", -1.0, n)];
        bytes.extend([
            ("<0xE2>", 0.0, PieceKind::Byte),
            ("<0x98>", 0.0, PieceKind::Byte),
            ("<0x83>", 0.0, PieceKind::Byte),
        ]);
        let m = model(&bytes, true);
        let pieces = m.encode("a☃");
        assert_eq!(pieces, ["▁", "a", "<0xE2>", "<0x98>", "<0x83>"]);
        assert_eq!(m.decode(&pieces), "a☃");
    }

    #[test]
    fn user_defined_pieces_win_and_control_pieces_vanish() {
        let n = PieceKind::Normal;
        let m = model(
            &[
                ("▁", -2.0, n),
                ("a", -1.0, n),
                ("b", -1.5, n),
                ("ab", -50.0, PieceKind::UserDefined),
                ("</s>", 0.0, PieceKind::Control),
            ],
            false,
        );
        // Its own score does not count: it scores as two of the best pieces, less 0.1.
        assert_eq!(m.encode("aab"), ["▁", "a", "ab"]);
        assert_eq!(m.decode(&["▁a", "b", "</s>", "▁b"]), "ab b");
    }

    #[test]
    fn mutated_files_are_errors_or_models_never_panics() {
        let n = PieceKind::Normal;
        let normalizer = Normalizer {
            charsmap: crate::engines::local::charsmap::build(&[("ａ", "a"), ("ｂ", "b")]),
            ..Normalizer::default()
        };
        let pieces = [("▁", -2.0), ("a", -1.0), ("ab", -1.5), ("b", -1.0)];
        let mut all = vec![Piece::new("<unk>", 0.0, PieceKind::Unknown)];
        all.extend(pieces.iter().map(|(p, s)| Piece::new(p, *s, n)));
        let good = SpmModel::new(all, normalizer, false).expect("valid").to_bytes();
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..3000 {
            let mut bytes = good.clone();
            for _ in 0..1 + next() % 4 {
                let i = (next() % bytes.len() as u64) as usize;
                match next() % 3 {
                    0 => bytes[i] = next() as u8,
                    1 => bytes.truncate(i),
                    _ => bytes.insert(i, next() as u8),
                }
                if bytes.is_empty() {
                    break;
                }
            }
            if let Ok(m) = SpmModel::parse(&bytes) {
                let pieces = m.encode("ａb ab\u{3000}☃ x");
                let _ = m.decode(&pieces);
            }
        }
    }

    #[test]
    fn reads_what_it_writes_and_refuses_other_models() {
        let n = PieceKind::Normal;
        let m = model(&[("▁", -2.0, n), ("a", -1.0, n)], true);
        let back = SpmModel::parse(&m.to_bytes()).expect("round trip");
        assert_eq!(back.pieces(), m.pieces());
        assert_eq!(back.encode("a a"), ["▁", "a", "▁", "a"]);

        let bpe = Writer::new().varint(3, 2).finish();
        let piece = Writer::new().bytes(1, b"a").float(2, -1.0).finish();
        let file = Writer::new().bytes(1, &piece).bytes(2, &bpe).finish();
        assert_eq!(
            SpmModel::parse(&file).err().map(|e| e.to_string()),
            Some("unsupported SentencePiece model: model type BPE (only unigram)".into())
        );
        assert!(SpmModel::parse(b"\x0a\xff\xff\xff").is_err());
        assert!(SpmModel::parse(b"not a model at all").is_err());
        assert!(SpmModel::parse(&[]).is_err());
    }
}
