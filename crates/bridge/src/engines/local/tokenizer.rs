//! Marian's tokenizer: text → SentencePiece pieces (`source.spm`) → ids through `vocab.json`,
//! and back: ids → pieces through the same `vocab.json` → text (`target.spm`).
//!
//! The ids are those of `vocab.json`, not the `.spm` files' piece order: OPUS-MT models share
//! one vocabulary between both sides, built by Marian, whose order differs from either `.spm`.
//! A piece missing from the vocabulary is `<unk>`. A source text ends with `</s>`; a
//! multi-target model (en→zh) also wants a target-language token such as `>>cmn_Hans<<` first.

use std::collections::HashMap;

use thiserror::Error;

use super::spm::{SpmError, SpmModel};

/// Why the tokenizer's files cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum VocabError {
    #[error("vocab.json is not a JSON object of piece to id: {0}")]
    Json(String),
    #[error("vocab.json has no {0:?}")]
    Missing(&'static str),
    #[error("vocab.json gives id {id} to {piece:?}, past the model's vocabulary of {size}")]
    OutOfRange { piece: String, id: u32, size: usize },
    #[error("vocab.json gives id {0} to more than one piece")]
    Duplicate(u32),
}

/// Either side's problem, for the loader's error.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TokenizerError {
    #[error("source.spm: {0}")]
    Source(SpmError),
    #[error("target.spm: {0}")]
    Target(SpmError),
    #[error("{0}")]
    Vocab(#[from] VocabError),
}

/// The shared vocabulary.
#[derive(Debug, Clone)]
pub struct Vocab {
    ids: HashMap<String, u32>,
    pieces: Vec<Option<String>>,
}

impl Vocab {
    /// Read `vocab.json`; every id must be below `size` (the model's vocabulary size).
    pub fn parse(json: &[u8], size: usize) -> Result<Vocab, VocabError> {
        let ids: HashMap<String, u32> =
            serde_json::from_slice(json).map_err(|e| VocabError::Json(e.to_string()))?;
        if let Some((piece, &id)) = ids.iter().find(|(_, id)| **id as usize >= size) {
            return Err(VocabError::OutOfRange { piece: piece.clone(), id, size });
        }
        // Sized by the ids present, not by `size`, which the doctor may not know.
        let top = ids.values().max().map_or(0, |&m| m as usize + 1);
        let mut pieces = vec![None; top];
        for (piece, &id) in &ids {
            let Some(slot) = pieces.get_mut(id as usize) else { continue };
            if slot.is_some() {
                return Err(VocabError::Duplicate(id));
            }
            *slot = Some(piece.clone());
        }
        Ok(Vocab { ids, pieces })
    }

    pub fn id(&self, piece: &str) -> Option<u32> {
        self.ids.get(piece).copied()
    }

    pub fn piece(&self, id: u32) -> Option<&str> {
        self.pieces.get(id as usize).and_then(Option::as_deref)
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

/// Source and target SentencePiece models with the shared vocabulary.
#[derive(Debug, Clone)]
pub struct MarianTokenizer {
    source: SpmModel,
    target: SpmModel,
    vocab: Vocab,
    unk: u32,
    eos: u32,
    pad: u32,
}

impl MarianTokenizer {
    /// A tokenizer from the files' bytes. `eos` and `pad` are the model's (from `config.json`).
    pub fn new(
        source_spm: &[u8],
        target_spm: &[u8],
        vocab_json: &[u8],
        vocab_size: usize,
        eos: u32,
        pad: u32,
    ) -> Result<MarianTokenizer, TokenizerError> {
        let source = SpmModel::parse(source_spm).map_err(TokenizerError::Source)?;
        let target = SpmModel::parse(target_spm).map_err(TokenizerError::Target)?;
        let vocab = Vocab::parse(vocab_json, vocab_size)?;
        let unk = vocab.id("<unk>").ok_or(VocabError::Missing("<unk>"))?;
        Ok(MarianTokenizer { source, target, vocab, unk, eos, pad })
    }

    pub fn vocab(&self) -> &Vocab {
        &self.vocab
    }

    /// The source pieces of `text` (no ids, no `</s>`).
    pub fn pieces(&self, text: &str) -> Vec<String> {
        self.source.encode(text)
    }

    /// The encoder's input: `[lang]` + piece ids + `</s>`.
    pub fn encode(&self, text: &str, lang: Option<u32>) -> Vec<u32> {
        let mut ids: Vec<u32> = lang.into_iter().collect();
        ids.extend(self.pieces(text).iter().map(|p| self.vocab.id(p).unwrap_or(self.unk)));
        ids.push(self.eos);
        ids
    }

    /// The text of generated ids. Special tokens (`</s>`, `<pad>`, `<unk>`) and language
    /// tokens (`>>xx<<`) are left out, as Marian's decoder does with `skip_special_tokens`.
    pub fn decode(&self, ids: &[u32]) -> String {
        let pieces: Vec<&str> = ids
            .iter()
            .filter(|&&id| id != self.eos && id != self.pad && id != self.unk)
            .filter_map(|&id| self.vocab.piece(id))
            .filter(|p| !(p.starts_with(">>") && p.ends_with("<<")))
            .collect();
        self.target.decode(&pieces).trim().to_owned()
    }
}
