//! SentencePiece's precompiled normalisation map (`precompiled_charsmap`, e.g. `nmt_nfkc`).
//!
//! The map is a darts-clone double-array trie over UTF-8 keys, followed by a blob of
//! NUL-terminated replacement strings: a little-endian `u32` byte length of the trie, the trie's
//! 32-bit units, then the blob. At each position of the input the longest key that matches
//! wins, as in SentencePiece's normaliser; where none matches one character is copied.
//!
//! Every index is checked: a corrupt map is an error when read or a non-match when used, never
//! a panic. (The `spm_precompiled` crate reads the same format but indexes unchecked and picks
//! the first match rather than the longest, so it is not used.)

use thiserror::Error;

/// Why a charsmap cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CharsMapError {
    #[error("precompiled_charsmap is shorter than its header")]
    Short,
    #[error("precompiled_charsmap's trie ({0} bytes) does not fit in the map")]
    TrieSize(usize),
}

/// A precompiled normalisation map.
#[derive(Debug, Clone)]
pub struct CharsMap {
    units: Vec<u32>,
    normalized: Vec<u8>,
}

fn has_leaf(unit: u32) -> bool {
    (unit >> 8) & 1 == 1
}

fn value(unit: u32) -> usize {
    (unit & 0x7fff_ffff) as usize
}

fn label(unit: u32) -> u32 {
    unit & (0x8000_0000 | 0xff)
}

fn offset(unit: u32) -> usize {
    ((unit >> 10) << ((unit & (1 << 9)) >> 6)) as usize
}

impl CharsMap {
    /// Read a map from its serialised bytes.
    pub fn parse(bytes: &[u8]) -> Result<CharsMap, CharsMapError> {
        let header: [u8; 4] =
            bytes.get(..4).and_then(|h| h.try_into().ok()).ok_or(CharsMapError::Short)?;
        let trie_len = u32::from_le_bytes(header) as usize;
        let rest = &bytes[4..];
        if !trie_len.is_multiple_of(4) || trie_len > rest.len() || trie_len == 0 {
            return Err(CharsMapError::TrieSize(trie_len));
        }
        let units = rest[..trie_len]
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        Ok(CharsMap { units, normalized: rest[trie_len..].to_vec() })
    }

    /// The longest rule matching a prefix of `key`: (bytes consumed, replacement).
    fn longest(&self, key: &[u8]) -> Option<(usize, &str)> {
        let mut pos = 0usize;
        let mut unit = *self.units.first()?;
        pos ^= offset(unit);
        let mut best = None;
        for (i, &c) in key.iter().enumerate() {
            if c == 0 {
                break;
            }
            pos ^= usize::from(c);
            unit = *self.units.get(pos)?;
            if label(unit) != u32::from(c) {
                break;
            }
            pos ^= offset(unit);
            if has_leaf(unit) {
                let leaf = *self.units.get(pos)?;
                best = Some((i + 1, value(leaf)));
            }
        }
        let (len, at) = best?;
        let tail = self.normalized.get(at..)?;
        let end = tail.iter().position(|&b| b == 0).unwrap_or(tail.len());
        let text = std::str::from_utf8(&tail[..end]).ok()?;
        Some((len, text))
    }

    /// Normalise `text`.
    pub fn apply(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut i = 0;
        while i < text.len() {
            let rest = &text[i..];
            match self.longest(rest.as_bytes()) {
                Some((len, rep)) if rest.is_char_boundary(len) => {
                    out.push_str(rep);
                    i += len;
                }
                _ => {
                    let c = rest.chars().next().map_or(1, char::len_utf8);
                    out.push_str(&rest[..c]);
                    i += c;
                }
            }
        }
        out
    }
}

/// Build a map from `(key, replacement)` rules, in the same format (for tests and the tiny
/// model). Each trie node gets its own block of 256 units, which is wasteful but simple.
pub fn build(rules: &[(&str, &str)]) -> Vec<u8> {
    let mut units: Vec<u32> = vec![0; 256];
    let mut blob: Vec<u8> = Vec::new();
    // Node: (unit index, base of its children block).
    let new_block = |units: &mut Vec<u32>| {
        let base = units.len();
        units.resize(base + 256, 0);
        base
    };
    let root_base = new_block(&mut units);
    units[0] = ((root_base as u32) << 10) & !(1 << 9);
    let mut bases: std::collections::HashMap<usize, usize> = [(0, root_base)].into();
    for (key, rep) in rules.iter().filter(|(k, _)| !k.is_empty()) {
        let at = blob.len();
        blob.extend_from_slice(rep.as_bytes());
        blob.push(0);
        let mut node = 0usize;
        for &c in key.as_bytes() {
            let base = bases.get(&node).copied().unwrap_or(root_base);
            let child = base ^ usize::from(c);
            if let std::collections::hash_map::Entry::Vacant(slot) = bases.entry(child) {
                let child_base = new_block(&mut units);
                slot.insert(child_base);
                let off = (child ^ child_base) as u32;
                units[child] = (off << 10) | u32::from(c);
            }
            node = child;
        }
        units[node] |= 1 << 8;
        let leaf = bases.get(&node).copied().unwrap_or(root_base);
        units[leaf] = 0x8000_0000 | at as u32;
    }
    let mut out = ((units.len() * 4) as u32).to_le_bytes().to_vec();
    for u in &units {
        out.extend_from_slice(&u.to_le_bytes());
    }
    out.extend_from_slice(&blob);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applies_the_longest_rule() {
        let map = CharsMap::parse(&build(&[("Ａ", "A"), ("ﬁ", "fi"), ("ｶﾞ", "ガ"), ("ｶ", "カ")]))
            .expect("a valid map");
        assert_eq!(map.apply("ＡﬁxｶﾞｶＡ"), "AfixガカA");
        assert_eq!(map.apply(""), "");
    }

    #[test]
    fn corrupt_maps_do_not_panic() {
        assert_eq!(CharsMap::parse(&[1, 0]).err(), Some(CharsMapError::Short));
        assert_eq!(CharsMap::parse(&[8, 0, 0, 0, 1]).err(), Some(CharsMapError::TrieSize(8)));
        // A trie whose offsets point outside it: every lookup is a non-match.
        let mut junk = 16u32.to_le_bytes().to_vec();
        junk.extend([0xff; 16]);
        let map = CharsMap::parse(&junk).expect("the header is fine");
        assert_eq!(map.apply("abc"), "abc");
    }
}
