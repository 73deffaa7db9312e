//! The Marian model: `config.json` read into candle's `marian::Config`, the weights loaded on the
//! CPU, and greedy decoding.
//!
//! Older published `config.json` files lack fields candle's `Config` requires
//! (`decoder_start_token_id`, `forced_eos_token_id`, `share_encoder_decoder_embeddings`, …).
//! They are read into a mirror struct whose serde defaults are Marian's (those of Hugging Face's
//! `MarianConfig`); token ids a file leaves out follow Marian's convention instead of a fixed
//! number: `<pad>` is the last id and decoding starts from it, `forced_eos` is `eos`.
//!
//! Weights: `model.safetensors` (read into memory; memory-mapping needs `unsafe`, which the
//! crate forbids) or the zip-format `pytorch_model.bin`. Checkpoints that store the shared
//! embeddings only as `model.encoder.embed_tokens.weight` are renamed on the fly.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::marian::{Config, MTModel};
use serde::Deserialize;
use thiserror::Error;

/// Why the model cannot be loaded or run.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ModelError {
    #[error("config.json: {0}")]
    Config(String),
    #[error("{file}: {reason}")]
    Weights { file: String, reason: String },
    #[error("generation failed: {0}")]
    Generate(String),
    #[error("cancelled")]
    Cancelled,
}

fn default_max_positions() -> usize {
    1024
}
fn default_layers() -> usize {
    12
}
fn default_ffn() -> usize {
    4096
}
fn default_heads() -> usize {
    16
}
fn default_activation() -> String {
    "gelu".into()
}
fn yes() -> bool {
    true
}

/// `config.json` as published, with Marian's defaults for what it leaves out. `vocab_size` and
/// `d_model` have no default: every published file has them, and Marian's defaults (58,101 and
/// 1,024) are wrong for OPUS-MT, so a file without them is not a model's config.
#[derive(Debug, Clone, Deserialize)]
pub struct ConfigFile {
    #[serde(default)]
    pub model_type: Option<String>,
    pub vocab_size: usize,
    #[serde(default)]
    pub decoder_vocab_size: Option<usize>,
    #[serde(default = "default_max_positions")]
    pub max_position_embeddings: usize,
    #[serde(default = "default_layers")]
    pub encoder_layers: usize,
    #[serde(default = "default_ffn")]
    pub encoder_ffn_dim: usize,
    #[serde(default = "default_heads")]
    pub encoder_attention_heads: usize,
    #[serde(default = "default_layers")]
    pub decoder_layers: usize,
    #[serde(default = "default_ffn")]
    pub decoder_ffn_dim: usize,
    #[serde(default = "default_heads")]
    pub decoder_attention_heads: usize,
    #[serde(default = "yes")]
    pub use_cache: bool,
    #[serde(default = "yes")]
    pub is_encoder_decoder: bool,
    #[serde(default = "default_activation")]
    pub activation_function: String,
    pub d_model: usize,
    #[serde(default)]
    pub decoder_start_token_id: Option<u32>,
    #[serde(default)]
    pub scale_embedding: bool,
    #[serde(default)]
    pub pad_token_id: Option<u32>,
    #[serde(default)]
    pub eos_token_id: u32,
    #[serde(default)]
    pub forced_eos_token_id: Option<u32>,
    #[serde(default = "yes")]
    pub share_encoder_decoder_embeddings: bool,
}

/// Sizes beyond these are not a Marian model anyone publishes; refusing them keeps a corrupt
/// file from asking for terabytes.
const MAX_DIM: usize = 1 << 16;
pub const MAX_VOCAB: usize = 1 << 20;
const MAX_LAYERS: usize = 64;

impl ConfigFile {
    /// Read and check `config.json`, and build candle's config from it.
    pub fn parse(json: &[u8]) -> Result<Config, ModelError> {
        let f: ConfigFile =
            serde_json::from_slice(json).map_err(|e| ModelError::Config(e.to_string()))?;
        f.to_candle()
    }

    fn to_candle(&self) -> Result<Config, ModelError> {
        let bad = |s: String| Err(ModelError::Config(s));
        if let Some(t) = self.model_type.as_deref().filter(|t| *t != "marian") {
            return bad(format!("model_type {t:?} is not a Marian model"));
        }
        if self.vocab_size == 0 || self.vocab_size > MAX_VOCAB {
            return bad(format!("vocab_size {} is out of range", self.vocab_size));
        }
        if let Some(d) = self.decoder_vocab_size.filter(|&d| d != self.vocab_size) {
            return bad(format!("decoder_vocab_size {d} differs from vocab_size (unsupported)"));
        }
        if !self.share_encoder_decoder_embeddings {
            return bad("separate encoder and decoder embeddings are not supported".into());
        }
        for (name, v) in [
            ("d_model", self.d_model),
            ("encoder_ffn_dim", self.encoder_ffn_dim),
            ("decoder_ffn_dim", self.decoder_ffn_dim),
            ("max_position_embeddings", self.max_position_embeddings),
        ] {
            if v == 0 || v > MAX_DIM {
                return bad(format!("{name} {v} is out of range"));
            }
        }
        for (name, v) in
            [("encoder_layers", self.encoder_layers), ("decoder_layers", self.decoder_layers)]
        {
            if v > MAX_LAYERS {
                return bad(format!("{name} {v} is out of range"));
            }
        }
        for (name, h) in [
            ("encoder_attention_heads", self.encoder_attention_heads),
            ("decoder_attention_heads", self.decoder_attention_heads),
        ] {
            if h == 0 || !self.d_model.is_multiple_of(h) {
                return bad(format!("{name} {h} does not divide d_model {}", self.d_model));
            }
        }
        if !self.d_model.is_multiple_of(2) {
            return bad("d_model must be even (sinusoidal positions)".into());
        }
        let activation_function: candle_nn::Activation =
            serde_json::from_value(serde_json::Value::String(self.activation_function.clone()))
                .map_err(|_| {
                    ModelError::Config(format!(
                        "unknown activation_function {:?}",
                        self.activation_function
                    ))
                })?;
        let last = u32::try_from(self.vocab_size - 1).unwrap_or(u32::MAX);
        let pad = self.pad_token_id.unwrap_or(last);
        let start = self.decoder_start_token_id.unwrap_or(pad);
        let eos = self.eos_token_id;
        for (name, id) in
            [("pad_token_id", pad), ("decoder_start_token_id", start), ("eos_token_id", eos)]
        {
            if id as usize >= self.vocab_size {
                return bad(format!("{name} {id} is not below vocab_size {}", self.vocab_size));
            }
        }
        Ok(Config {
            vocab_size: self.vocab_size,
            decoder_vocab_size: Some(self.vocab_size),
            max_position_embeddings: self.max_position_embeddings,
            encoder_layers: self.encoder_layers,
            encoder_ffn_dim: self.encoder_ffn_dim,
            encoder_attention_heads: self.encoder_attention_heads,
            decoder_layers: self.decoder_layers,
            decoder_ffn_dim: self.decoder_ffn_dim,
            decoder_attention_heads: self.decoder_attention_heads,
            use_cache: self.use_cache,
            is_encoder_decoder: self.is_encoder_decoder,
            activation_function,
            d_model: self.d_model,
            decoder_start_token_id: start,
            scale_embedding: self.scale_embedding,
            pad_token_id: pad,
            eos_token_id: eos,
            forced_eos_token_id: self.forced_eos_token_id.unwrap_or(eos),
            share_encoder_decoder_embeddings: true,
        })
    }
}

/// The weights file of a model directory: `model.safetensors` if present, else
/// `pytorch_model.bin`.
pub fn weights_file(dir: &Path) -> Option<PathBuf> {
    ["model.safetensors", "pytorch_model.bin"].iter().map(|f| dir.join(f)).find(|p| p.is_file())
}

/// A loaded model, ready to generate.
#[derive(Clone)]
pub struct Marian {
    /// Never run: each generation runs on a clone (tensors are shared), so the key/value caches
    /// of concurrent calls cannot mix.
    model: MTModel,
    config: Config,
}

impl std::fmt::Debug for Marian {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Marian").field("config", &self.config).finish_non_exhaustive()
    }
}

fn weights_error(path: &Path, e: impl std::fmt::Display) -> ModelError {
    let file = path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
    ModelError::Weights { file, reason: e.to_string() }
}

/// Whether `path` is a Git LFS pointer file (a clone without `git lfs` leaves these).
fn is_lfs_pointer(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 24];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|()| head.starts_with(b"version https://git-lfs"))
}

impl Marian {
    /// Load the weights at `path` for `config`.
    pub fn load(config: Config, path: &Path) -> Result<Marian, ModelError> {
        let dev = Device::Cpu;
        if is_lfs_pointer(path) {
            return Err(weights_error(
                path,
                "a Git LFS pointer, not the weights (fetch the file itself)",
            ));
        }
        let is_pth = path.extension().is_some_and(|e| e == "bin");
        let vb = if is_pth {
            VarBuilder::from_pth(path, DType::F32, &dev).map_err(|e| weights_error(path, e))?
        } else {
            let bytes = std::fs::read(path).map_err(|e| weights_error(path, e))?;
            VarBuilder::from_buffered_safetensors(bytes, DType::F32, &dev)
                .map_err(|e| weights_error(path, e))?
        };
        let vb = if !vb.contains_tensor("model.shared.weight")
            && vb.contains_tensor("model.encoder.embed_tokens.weight")
        {
            vb.rename_f(|n| {
                if n == "model.shared.weight" {
                    "model.encoder.embed_tokens.weight".to_owned()
                } else {
                    n.to_owned()
                }
            })
        } else {
            vb
        };
        let model = MTModel::new(&config, vb).map_err(|e| weights_error(path, e))?;
        Ok(Marian { model, config })
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The longest input the positional embeddings allow.
    pub fn max_positions(&self) -> usize {
        self.config.max_position_embeddings
    }

    /// Greedy decoding of the encoder input `ids`, at most `max_new` tokens. Returns the
    /// generated ids without the start token and without `</s>`. `cancel` is checked before
    /// every step.
    pub fn generate(
        &self,
        ids: &[u32],
        max_new: usize,
        cancel: &AtomicBool,
    ) -> Result<Vec<u32>, ModelError> {
        let g = |e: candle_core::Error| ModelError::Generate(e.to_string());
        let cfg = &self.config;
        let max_new = max_new.min(cfg.max_position_embeddings.saturating_sub(1));
        if ids.is_empty() || ids.len() > cfg.max_position_embeddings {
            return Err(ModelError::Generate(format!("input of {} tokens", ids.len())));
        }
        let mut model = self.model.clone();
        model.reset_kv_cache();
        let dev = Device::Cpu;
        let input = Tensor::new(ids, &dev).and_then(|t| t.unsqueeze(0)).map_err(g)?;
        let encoded = model.encoder().forward(&input, 0).map_err(g)?;
        let mut out = vec![cfg.decoder_start_token_id];
        for step in 0..max_new {
            if cancel.load(Ordering::Relaxed) {
                return Err(ModelError::Cancelled);
            }
            // The first step feeds the start token; later ones only the newest token, the
            // earlier ones being in the decoder's key/value cache.
            let pos = if step == 0 { 0 } else { out.len() - 1 };
            let step_ids =
                Tensor::new(&out[pos..], &dev).and_then(|t| t.unsqueeze(0)).map_err(g)?;
            let logits = model.decode(&step_ids, &encoded, pos).map_err(g)?;
            let last = logits
                .squeeze(0)
                .and_then(|l| l.get(l.dim(0)? - 1))
                .and_then(|l| l.to_vec1::<f32>())
                .map_err(g)?;
            let next = argmax(&last, cfg.pad_token_id)
                .ok_or_else(|| ModelError::Generate("no finite logit".into()))?;
            if next == cfg.eos_token_id || next == cfg.forced_eos_token_id {
                break;
            }
            out.push(next);
        }
        out.remove(0);
        Ok(out)
    }
}

/// The id of the highest finite logit, never `<pad>` (Marian forbids generating it).
fn argmax(logits: &[f32], pad: u32) -> Option<u32> {
    let mut best: Option<(usize, f32)> = None;
    for (i, &v) in logits.iter().enumerate() {
        if i == pad as usize || !v.is_finite() {
            continue;
        }
        if best.is_none_or(|(_, b)| v > b) {
            best = Some((i, v));
        }
    }
    best.and_then(|(i, _)| u32::try_from(i).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_old_config_gets_marians_defaults() {
        let old = br#"{"vocab_size": 50, "d_model": 16, "encoder_layers": 1, "decoder_layers": 1,
            "encoder_attention_heads": 2, "decoder_attention_heads": 2, "encoder_ffn_dim": 32,
            "decoder_ffn_dim": 32, "max_position_embeddings": 64, "activation_function": "swish",
            "scale_embedding": true}"#;
        let c = ConfigFile::parse(old).expect("an old config reads");
        assert_eq!((c.pad_token_id, c.decoder_start_token_id, c.eos_token_id), (49, 49, 0));
        assert_eq!(c.forced_eos_token_id, 0);
        assert!(c.share_encoder_decoder_embeddings && c.use_cache);
        assert_eq!(c.activation_function, candle_nn::Activation::Swish);
    }

    #[test]
    fn bad_configs_are_errors() {
        for (json, says) in [
            (&b"{"[..], "EOF"),
            (b"{}", "missing field `vocab_size`"),
            (
                br#"{"vocab_size": 10, "d_model": 16, "encoder_attention_heads": 3}"#,
                "does not divide",
            ),
            (
                br#"{"vocab_size": 10, "d_model": 16, "activation_function": "sparkle"}"#,
                "unknown activation_function",
            ),
            (br#"{"vocab_size": 10, "d_model": 16, "pad_token_id": 10}"#, "not below vocab_size"),
            (br#"{"vocab_size": 0, "d_model": 16}"#, "out of range"),
            (br#"{"vocab_size": 10, "d_model": 16, "model_type": "bart"}"#, "not a Marian model"),
        ] {
            let err = ConfigFile::parse(json).err().map(|e| e.to_string()).unwrap_or_default();
            assert!(err.contains(says), "{err}");
        }
    }

    #[test]
    fn argmax_skips_pad_and_nan() {
        assert_eq!(argmax(&[0.1, 5.0, f32::NAN, 1.0], 1), Some(3));
        assert_eq!(argmax(&[f32::NAN], 7), None);
    }
}
