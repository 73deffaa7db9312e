//! A tiny Marian model of the real architecture, with deterministic random weights, written as
//! the files a published OPUS-MT directory has. For tests and the speed example: nothing can be
//! downloaded where they run, and a real model is 300 MB.
//!
//! The vocabulary is a few dozen pieces. `vocab.json` numbers them in an order unlike either
//! `.spm` file's, as real models do, so a tokenizer that took `.spm` positions for ids would
//! give different ids (and tests check the exact ids).

use std::collections::HashMap;
use std::io;
use std::path::Path;

use candle_core::{Device, Tensor};

use super::spm::{Normalizer, Piece, PieceKind, SpmModel};
use super::{charsmap, pth};

/// English pieces with their scores. `▁a` + `bc` beats `▁ab` + `c`: a greedy longest-match
/// segmenter would get `abc` wrong.
pub const ENGLISH: &[(&str, f32)] = &[
    ("▁", -2.0),
    ("▁hello", -3.0),
    ("▁he", -4.0),
    ("llo", -4.5),
    ("▁world", -3.5),
    ("▁good", -3.5),
    ("▁morning", -4.0),
    ("▁a", -3.0),
    ("▁ab", -3.0),
    ("bc", -2.5),
    ("c", -3.0),
    ("h", -5.0),
    ("e", -5.0),
    ("l", -5.0),
    ("o", -5.0),
    ("w", -5.0),
    ("r", -5.0),
    ("d", -5.0),
    ("a", -5.0),
    ("b", -5.0),
    (".", -3.0),
    ("!", -3.0),
    (",", -3.0),
];

/// Chinese pieces with their scores.
pub const CHINESE: &[(&str, f32)] = &[
    ("▁", -2.0),
    ("你好", -3.0),
    ("你", -4.0),
    ("好", -4.0),
    ("世界", -3.5),
    ("世", -5.0),
    ("界", -5.0),
    ("今天", -3.0),
    ("今", -5.0),
    ("天", -4.5),
    ("早上", -3.5),
    ("早", -5.0),
    ("上", -5.0),
    ("。", -2.5),
    ("！", -2.5),
    ("，", -2.5),
];

/// Target-language tokens of a multi-target en→zh model.
pub const LANG_TOKENS: &[&str] = &[">>cmn_Hans<<", ">>cmn_Hant<<"];

/// The model's size and how its files are written.
#[derive(Debug, Clone)]
pub struct TinySpec {
    pub d_model: usize,
    pub layers: usize,
    pub heads: usize,
    pub ffn: usize,
    /// Extra filler pieces in the vocabulary (to reach a real model's size in benchmarks).
    pub extra_vocab: usize,
    pub seed: u64,
    /// Write a `config.json` without the fields older published ones lack.
    pub old_config: bool,
    /// Give the `.spm` files a precompiled normalisation map (full-width letters to ASCII).
    pub charsmap: bool,
    /// Write the weights as `pytorch_model.bin` (zip format) instead of `model.safetensors`.
    pub pytorch: bool,
}

impl Default for TinySpec {
    fn default() -> Self {
        TinySpec {
            d_model: 16,
            layers: 1,
            heads: 2,
            ffn: 32,
            extra_vocab: 0,
            seed: 3,
            old_config: false,
            charsmap: true,
            pytorch: false,
        }
    }
}

/// Which way the model translates: it decides the source and target pieces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    ZhEn,
    EnZh,
}

/// `vocab.json`'s numbering: `</s>` 0, `<unk>` 1, then the pieces of both sides (and the
/// language tokens) in reverse alphabetical order, then filler, `<pad>` last.
pub fn vocab(spec: &TinySpec) -> Vec<String> {
    let mut pieces: Vec<String> = ENGLISH
        .iter()
        .chain(CHINESE)
        .map(|(p, _)| (*p).to_owned())
        .chain(LANG_TOKENS.iter().map(|t| (*t).to_owned()))
        .collect();
    pieces.sort_unstable_by(|a, b| b.cmp(a));
    pieces.dedup();
    let mut out = vec!["</s>".to_owned(), "<unk>".to_owned()];
    out.extend(pieces);
    out.extend((0..spec.extra_vocab).map(|i| format!("▁x{i}")));
    out.push("<pad>".to_owned());
    out
}

/// The SentencePiece model of one side: `<unk>`, `<s>`, `</s>`, then `pieces` in order.
pub fn spm_model(pieces: &[(&str, f32)], spec: &TinySpec) -> io::Result<SpmModel> {
    let mut all = vec![
        Piece::new("<unk>", 0.0, PieceKind::Unknown),
        Piece::new("<s>", 0.0, PieceKind::Control),
        Piece::new("</s>", 0.0, PieceKind::Control),
    ];
    all.extend(pieces.iter().map(|(p, s)| Piece::new(p, *s, PieceKind::Normal)));
    let normalizer = if spec.charsmap {
        Normalizer {
            name: "nmt_nfkc".into(),
            charsmap: charsmap::build(&[
                ("ｈ", "h"),
                ("ｅ", "e"),
                ("ｌ", "l"),
                ("ｏ", "o"),
                ("\u{3000}", " "),
            ]),
            ..Normalizer::default()
        }
    } else {
        Normalizer::default()
    };
    SpmModel::new(all, normalizer, false).map_err(io::Error::other)
}

/// SplitMix64: deterministic weights without a dependency.
struct Rng(u64);

impl Rng {
    fn next_f32(&mut self) -> f32 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        // Uniform in [-1, 1).
        (z >> 40) as f32 / (1u64 << 23) as f32 - 1.0
    }
}

fn weights(spec: &TinySpec, vocab_size: usize) -> candle_core::Result<HashMap<String, Tensor>> {
    let dev = Device::Cpu;
    let d = spec.d_model;
    let mut rng = Rng(spec.seed);
    let mut t = HashMap::new();
    let mut random =
        |t: &mut HashMap<String, Tensor>, name: String, shape: &[usize], scale: f32| {
            let n: usize = shape.iter().product();
            let v: Vec<f32> = (0..n).map(|_| rng.next_f32() * scale).collect();
            t.insert(name, Tensor::from_vec(v, shape, &dev)?);
            candle_core::Result::Ok(())
        };
    let scale = 1.0 / (d as f32).sqrt();
    random(&mut t, "final_logits_bias".into(), &[1, vocab_size], 0.1)?;
    random(&mut t, "model.shared.weight".into(), &[vocab_size, d], 1.0)?;
    let mut layers = Vec::new();
    for i in 0..spec.layers {
        layers.push((format!("model.encoder.layers.{i}"), false));
        layers.push((format!("model.decoder.layers.{i}"), true));
    }
    for (prefix, decoder) in layers {
        let mut attns = vec!["self_attn"];
        if decoder {
            attns.push("encoder_attn");
        }
        for a in attns {
            for proj in ["q_proj", "k_proj", "v_proj", "out_proj"] {
                random(&mut t, format!("{prefix}.{a}.{proj}.weight"), &[d, d], scale)?;
                random(&mut t, format!("{prefix}.{a}.{proj}.bias"), &[d], 0.02)?;
            }
        }
        random(&mut t, format!("{prefix}.fc1.weight"), &[spec.ffn, d], scale)?;
        random(&mut t, format!("{prefix}.fc1.bias"), &[spec.ffn], 0.02)?;
        random(
            &mut t,
            format!("{prefix}.fc2.weight"),
            &[d, spec.ffn],
            1.0 / (spec.ffn as f32).sqrt(),
        )?;
        random(&mut t, format!("{prefix}.fc2.bias"), &[d], 0.02)?;
        let mut norms = vec!["self_attn_layer_norm", "final_layer_norm"];
        if decoder {
            norms.push("encoder_attn_layer_norm");
        }
        for n in norms {
            t.insert(
                format!("{prefix}.{n}.weight"),
                Tensor::ones(d, candle_core::DType::F32, &dev)?,
            );
            t.insert(
                format!("{prefix}.{n}.bias"),
                Tensor::zeros(d, candle_core::DType::F32, &dev)?,
            );
        }
    }
    Ok(t)
}

fn config_json(spec: &TinySpec, vocab_size: usize) -> serde_json::Value {
    let pad = vocab_size - 1;
    let mut c = serde_json::json!({
        "vocab_size": vocab_size,
        "d_model": spec.d_model,
        "encoder_layers": spec.layers,
        "decoder_layers": spec.layers,
        "encoder_attention_heads": spec.heads,
        "decoder_attention_heads": spec.heads,
        "encoder_ffn_dim": spec.ffn,
        "decoder_ffn_dim": spec.ffn,
        "max_position_embeddings": 512,
        "activation_function": "swish",
        "scale_embedding": true,
        "pad_token_id": pad,
        "eos_token_id": 0,
        "model_type": "marian",
        "architectures": ["MarianMTModel"]
    });
    if !spec.old_config {
        let extra = serde_json::json!({
            "decoder_start_token_id": pad,
            "forced_eos_token_id": 0,
            "decoder_vocab_size": vocab_size,
            "share_encoder_decoder_embeddings": true,
            "use_cache": true,
            "is_encoder_decoder": true
        });
        if let (Some(c), Some(extra)) = (c.as_object_mut(), extra.as_object()) {
            c.extend(extra.clone());
        }
    }
    c
}

/// Write a complete model directory for `direction` into `dir` (created if needed).
pub fn write(dir: &Path, direction: Direction, spec: &TinySpec) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let vocab = vocab(spec);
    let (source, target) = match direction {
        Direction::ZhEn => (CHINESE, ENGLISH),
        Direction::EnZh => (ENGLISH, CHINESE),
    };
    std::fs::write(dir.join("source.spm"), spm_model(source, spec)?.to_bytes())?;
    std::fs::write(dir.join("target.spm"), spm_model(target, spec)?.to_bytes())?;
    let ids: serde_json::Map<String, serde_json::Value> =
        vocab.iter().enumerate().map(|(i, p)| (p.clone(), i.into())).collect();
    std::fs::write(dir.join("vocab.json"), serde_json::to_vec_pretty(&ids)?)?;
    std::fs::write(
        dir.join("config.json"),
        serde_json::to_vec_pretty(&config_json(spec, vocab.len()))?,
    )?;
    let tensors = weights(spec, vocab.len()).map_err(io::Error::other)?;
    if !spec.pytorch {
        let path = dir.join("model.safetensors");
        return candle_core::safetensors::save(&tensors, path).map_err(io::Error::other);
    }
    let mut named: Vec<(&String, Vec<usize>, Vec<f32>)> = Vec::new();
    for (name, t) in &tensors {
        let values = t.flatten_all().and_then(|t| t.to_vec1()).map_err(io::Error::other)?;
        named.push((name, t.dims().to_vec(), values));
    }
    named.sort_by(|a, b| a.0.cmp(b.0));
    let entries: Vec<pth::Entry<'_>> =
        named.iter().map(|(name, shape, values)| pth::Entry { name, shape, values }).collect();
    pth::write(&dir.join("pytorch_model.bin"), &entries)
}
