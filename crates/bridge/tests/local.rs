//! The `local` engine end to end on a tiny Marian model written by the test: files on disk,
//! tokenizer, generation, detokenizer, the Translator trait, the chain and the doctor.

use std::path::Path;
use std::sync::atomic::AtomicBool;

use nb_bridge::engines::local::doctor::doctor;
use nb_bridge::engines::local::tiny::{self, Direction, TinySpec};
use nb_bridge::engines::local::{LocalEngine, PairModel};
use nb_bridge::{
    Bridge, Kind, LocalConfig, Rejection, TranslateConfig, TranslateError, Translator,
};
use nb_text::Lang;

fn models(data: &Path, spec: &TinySpec) {
    let root = data.join("models/translate");
    tiny::write(&root.join("zh-en"), Direction::ZhEn, spec).expect("write zh-en");
    tiny::write(&root.join("en-zh"), Direction::EnZh, spec).expect("write en-zh");
}

fn vocab_id(spec: &TinySpec, piece: &str) -> u32 {
    tiny::vocab(spec).iter().position(|p| p == piece).expect("in the vocabulary") as u32
}

fn load(data: &Path, pair: &str) -> PairModel {
    PairModel::load(&data.join("models/translate").join(pair)).expect("the tiny model loads")
}

#[test]
fn tokenizer_segments_and_takes_ids_from_vocab_json() {
    let data = tempfile::tempdir().expect("temp dir");
    let spec = TinySpec::default();
    models(data.path(), &spec);
    let en_zh = load(data.path(), "en-zh");
    let t = &en_zh.tokenizer;

    assert_eq!(t.pieces("hello world"), ["▁hello", "▁world"]);
    // Viterbi over scores, not longest match; the map turns full-width letters into ASCII.
    assert_eq!(t.pieces("abc"), ["▁a", "bc"]);
    assert_eq!(t.pieces("ｈｅｌｌｏ\u{3000} world!"), ["▁hello", "▁world", "!"]);
    // Unknown characters: one fused piece, `<unk>` in the vocabulary.
    assert_eq!(t.pieces("hello ☃☃ world"), ["▁hello", "▁", "☃☃", "▁world"]);

    let id = |p| vocab_id(&spec, p);
    assert_eq!(t.encode("hello world", None), [id("▁hello"), id("▁world"), 0]);
    let hans = id(">>cmn_Hans<<");
    assert_eq!(t.encode("hello ☃☃", Some(hans)), [hans, id("▁hello"), id("▁"), 1, 0]);
    // The ids are vocab.json's, not positions in source.spm (`<unk>`, `<s>`, `</s>` first).
    let spm_position = 3 + tiny::ENGLISH.iter().position(|(p, _)| *p == "▁hello").unwrap_or(0);
    assert_ne!(id("▁hello") as usize, spm_position);
    assert_eq!((id("▁hello"), id("▁world"), id("你好")), (19, 17, 9));

    // Decoding: specials and language tokens dropped, `▁` a space, the dummy prefix gone.
    let zh_en = load(data.path(), "zh-en");
    let pad = tiny::vocab(&spec).len() as u32 - 1;
    let ids = [id("▁hello"), id(","), id("▁world"), 1, pad, id("!"), 0];
    assert_eq!(zh_en.tokenizer.decode(&ids), "hello, world!");
    assert_eq!(t.decode(&[hans, id("你好"), id("▁"), id("世界"), id("。")]), "你好 世界。");
}

#[test]
fn an_old_config_json_loads_with_marians_defaults() {
    let data = tempfile::tempdir().expect("temp dir");
    let spec = TinySpec { old_config: true, ..TinySpec::default() };
    models(data.path(), &spec);
    let m = load(data.path(), "zh-en");
    let pad = tiny::vocab(&spec).len() as u32 - 1;
    let c = m.model.config();
    assert_eq!((c.pad_token_id, c.decoder_start_token_id, c.forced_eos_token_id), (pad, pad, 0));
    let ids = m.generate("你好", None, 100, &AtomicBool::new(false)).expect("generates");
    assert!(!ids.is_empty());
}

#[tokio::test]
async fn the_engine_translates_deterministically_with_vocabulary_pieces() {
    let data = tempfile::tempdir().expect("temp dir");
    let spec = TinySpec::default();
    models(data.path(), &spec);
    let engine = LocalEngine::load(&LocalConfig::default(), data.path());
    assert!(engine.supports(Lang::ZhHans, Lang::En) && engine.supports(Lang::ZhHant, Lang::En));
    assert!(engine.supports(Lang::En, Lang::ZhHans) && engine.supports(Lang::En, Lang::ZhHant));
    assert!(!engine.supports(Lang::En, Lang::Ja) && !engine.supports(Lang::Ja, Lang::En));

    let texts = vec!["你好世界。".to_string(), "今天早上好！".to_string()];
    let first = engine.translate(&texts, Lang::ZhHans, Lang::En).await.expect("a call");
    let again = engine.translate(&texts, Lang::ZhHans, Lang::En).await.expect("a call");
    assert_eq!(first, again, "greedy decoding is deterministic");
    assert_eq!(first.len(), 2);

    // The same text through the lower layers: the engine adds nothing of its own.
    let zh_en = load(data.path(), "zh-en");
    let ids = zh_en.generate("你好世界。", None, 200, &AtomicBool::new(false)).expect("generates");
    let vocab = tiny::vocab(&spec);
    assert!(ids.iter().all(|&i| (i as usize) < vocab.len() - 1), "no <pad> ever: {ids:?}");
    let expected = zh_en.tokenizer.decode(&ids);
    let got = first[0].as_ref().expect("translated");
    assert_eq!(
        (got.text.as_str(), got.engine.as_str(), got.kind),
        (expected.as_str(), "local", Kind::Translation)
    );
    assert!(!got.text.is_empty() && got.text.len() <= 4 * (2 * 6 + 16) * 10);

    // Traditional Chinese is converted before tokenizing: same ids as its Simplified form.
    let hant =
        engine.translate(&["你好世界。".into()], Lang::ZhHant, Lang::En).await.expect("call");
    assert_eq!(hant[0], first[0]);

    // en→zh: the target token goes first, so the two targets may differ but both work.
    let out =
        engine.translate(&["hello world".into()], Lang::En, Lang::ZhHans).await.expect("call");
    assert!(out[0].is_ok());

    // Placeholders are kept out of the model and put back in place.
    let out =
        engine.translate(&["你好⟦0⟧世界".into()], Lang::ZhHans, Lang::En).await.expect("call");
    let text = &out[0].as_ref().expect("translated").text;
    assert_eq!(text.matches("⟦0⟧").count(), 1, "{text}");

    let err = engine.translate(&texts, Lang::En, Lang::Ja).await;
    assert!(matches!(err, Err(TranslateError::Unsupported { .. })));
}

#[tokio::test]
async fn an_answer_of_special_tokens_only_is_rejected_as_empty() {
    // With seed 7 the random model answers `世界` with `<unk>` until the length bound; those
    // are dropped when decoding, which leaves nothing.
    let data = tempfile::tempdir().expect("temp dir");
    models(data.path(), &TinySpec { seed: 7, ..TinySpec::default() });
    let engine = LocalEngine::load(&LocalConfig::default(), data.path());
    let out = engine.translate(&["世界".into()], Lang::ZhHans, Lang::En).await.expect("call");
    assert!(matches!(&out[0], Err(TranslateError::Rejected { reason: Rejection::Empty, .. })));
}

#[test]
fn pytorch_model_bin_loads_and_generates_like_safetensors() {
    let data = tempfile::tempdir().expect("temp dir");
    let st = data.path().join("st");
    let pt = data.path().join("pt");
    tiny::write(&st, Direction::ZhEn, &TinySpec::default()).expect("write");
    tiny::write(&pt, Direction::ZhEn, &TinySpec { pytorch: true, ..TinySpec::default() })
        .expect("write");
    assert!(!pt.join("model.safetensors").exists());
    let cancel = AtomicBool::new(false);
    let a = PairModel::load(&st).expect("safetensors").generate("你好世界", None, 99, &cancel);
    let b =
        PairModel::load(&pt).expect("pytorch_model.bin").generate("你好世界", None, 99, &cancel);
    assert_eq!(a.expect("generates"), b.expect("generates"));
}

#[test]
fn a_cancelled_generation_stops() {
    // The engine sets this flag when the chain drops a call (timeout); the loop checks it
    // before every token.
    let data = tempfile::tempdir().expect("temp dir");
    models(data.path(), &TinySpec::default());
    let m = load(data.path(), "zh-en");
    let err = m.generate("你好", None, 100, &AtomicBool::new(true)).err();
    assert_eq!(err.map(|e| e.to_string()), Some("local: unavailable: cancelled".into()));
}

#[tokio::test]
async fn a_batch_keeps_what_it_translated_within_its_time_budget() {
    let data = tempfile::tempdir().expect("temp dir");
    models(data.path(), &TinySpec::default());
    // A budget of 0 ms (80 % of 1 ms): texts not started in time fail on their own.
    let config = LocalConfig { timeout_ms: Some(1), ..LocalConfig::default() };
    let engine = LocalEngine::load(&config, data.path());
    let texts = vec!["你好".to_string(); 3];
    let out = engine.translate(&texts, Lang::ZhHans, Lang::En).await.expect("call");
    let errors: Vec<String> =
        out.iter().filter_map(|o| o.as_ref().err()).map(ToString::to_string).collect();
    assert!(!errors.is_empty(), "the budget stops the batch");
    assert!(errors.iter().all(|e| e.contains("time budget")), "{errors:?}");
}

#[tokio::test]
async fn over_long_sentences_are_refused_per_text() {
    let data = tempfile::tempdir().expect("temp dir");
    models(data.path(), &TinySpec::default());
    let config = LocalConfig { max_input_tokens: 8, ..LocalConfig::default() };
    let engine = LocalEngine::load(&config, data.path());
    let long = "你好世界今天早上好你好世界今天早上好".to_string();
    let out = engine.translate(&[long, "你好".into()], Lang::ZhHans, Lang::En).await.expect("call");
    let err = out[0].as_ref().err().map(ToString::to_string).unwrap_or_default();
    assert!(err.contains("over the limit of 8"), "{err}");
    assert!(out[1].is_ok());
}

#[tokio::test]
async fn the_chain_prefers_local_and_skips_it_without_a_model() {
    let data = tempfile::tempdir().expect("temp dir");
    let client = reqwest::Client::new();
    let cfg = TranslateConfig::default();

    let bridge = Bridge::from_config(&cfg, data.path(), client.clone()).expect("no model is fine");
    assert_eq!(bridge.engines_for(Lang::ZhHans, Lang::En), ["gloss"]);

    // Only zh-en present: en→zh does not list local.
    tiny::write(&data.path().join("models/translate/zh-en"), Direction::ZhEn, &TinySpec::default())
        .expect("write");
    let bridge = Bridge::from_config(&cfg, data.path(), client.clone()).expect("valid");
    assert_eq!(bridge.engines_for(Lang::ZhHans, Lang::En), ["local", "gloss"]);
    assert_eq!(bridge.engines_for(Lang::En, Lang::ZhHans), ["gloss"]);

    let texts = vec!["你好世界 https://example.com/a 今天早上好".to_string()];
    let out = bridge.translate_each(&texts, Lang::ZhHans, Lang::En).await;
    let t = out[0].as_ref().expect("translated");
    assert_eq!((t.engine.as_str(), t.kind), ("local", Kind::Translation));
    assert_eq!(t.text.matches("https://example.com/a").count(), 1, "{}", t.text);
    let direct = LocalEngine::load(&cfg.local, data.path());
    let plain = direct.translate(&["你好世界".into()], Lang::ZhHans, Lang::En).await.expect("call");
    let again = bridge.translate_each(&["你好世界".into()], Lang::ZhHans, Lang::En).await;
    assert_eq!(again[0], plain[0]);
}

#[test]
fn doctor_reports_missing_partial_and_complete_directories() {
    let data = tempfile::tempdir().expect("temp dir");
    let cfg = LocalConfig::default();
    let report = doctor(&cfg, data.path());
    assert!(!report.all_ready());
    let text = report.to_string();
    assert!(text.contains("zh-en") && text.contains("directory: missing"), "{text}");
    assert!(
        text.contains("Helsinki-NLP/opus-mt-zh-en") && text.contains("Helsinki-NLP/opus-mt-en-zh")
    );

    let spec = TinySpec::default();
    models(data.path(), &spec);
    let en_zh = data.path().join("models/translate/en-zh");
    std::fs::remove_file(en_zh.join("model.safetensors")).expect("rm");
    std::fs::remove_file(en_zh.join("source.spm")).expect("rm");
    std::fs::remove_file(en_zh.join("config.json")).expect("rm");
    let report = doctor(&cfg, data.path());
    let text = report.to_string();
    assert!(text.contains("config.json: missing"), "{text}");
    assert!(report.pairs[0].ready && !report.pairs[1].ready, "{text}");
    assert!(text.contains("source.spm: missing"), "{text}");
    assert!(
        text.contains("weights: missing: neither model.safetensors nor pytorch_model.bin"),
        "{text}"
    );
    assert!(text.contains("vocab.json: 43 pieces"), "{text}");
    assert!(text.contains("model loads: yes"), "{text}");
    assert!(text.contains("sample: \"你好，世界。\" -> \""), "{text}");

    models(data.path(), &spec);
    let report = doctor(&cfg, data.path());
    assert!(report.all_ready(), "{report}");
    assert!(!report.to_string().contains("To install"));
}

#[test]
fn broken_files_are_clear_errors() {
    let data = tempfile::tempdir().expect("temp dir");
    let spec = TinySpec::default();
    let dir = data.path().join("m");
    let broken = |file: &str, bytes: &[u8]| -> String {
        tiny::write(&dir, Direction::ZhEn, &spec).expect("write");
        std::fs::write(dir.join(file), bytes).expect("write");
        PairModel::load(&dir).err().map(|e| e.to_string()).unwrap_or_default()
    };
    assert!(
        broken("source.spm", b"\xff\xff junk").starts_with("source.spm: not a SentencePiece model")
    );
    assert!(broken("target.spm", b"").starts_with("target.spm: not a SentencePiece model"));
    assert!(broken("config.json", b"{ nope").starts_with("config.json:"));
    assert!(broken("vocab.json", b"[1, 2]").starts_with("vocab.json is not a JSON object"));
    assert!(
        broken("vocab.json", br#"{"<unk>": 1, "x": 9999}"#).contains("past the model's vocabulary")
    );
    let weights = std::fs::read(dir.join("model.safetensors")).expect("read");
    let e = broken("model.safetensors", &weights[..weights.len() / 2]);
    assert!(e.starts_with("model.safetensors:"), "{e}");
    let e =
        broken("model.safetensors", b"version https://git-lfs.github.com/spec/v1\noid sha256:0\n");
    assert!(e.contains("Git LFS pointer"), "{e}");
    // A wrong architecture: weights of another size.
    let other = data.path().join("other");
    tiny::write(&other, Direction::ZhEn, &TinySpec { d_model: 8, ..TinySpec::default() })
        .expect("write");
    let e =
        broken("model.safetensors", &std::fs::read(other.join("model.safetensors")).expect("read"));
    assert!(e.starts_with("model.safetensors:") && e.contains("shape"), "{e}");
    // pytorch_model.bin is used when there is no safetensors file.
    tiny::write(&dir, Direction::ZhEn, &spec).expect("write");
    std::fs::remove_file(dir.join("model.safetensors")).expect("rm");
    std::fs::write(dir.join("pytorch_model.bin"), b"PK\x03\x04 not really a zip").expect("write");
    let e = PairModel::load(&dir).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(e.starts_with("pytorch_model.bin:"), "{e}");
    std::fs::write(dir.join("pytorch_model.bin"), b"version https://git-lfs.github.com/spec/v1\n")
        .expect("write");
    let e = PairModel::load(&dir).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(e.starts_with("pytorch_model.bin: a Git LFS pointer"), "{e}");
    std::fs::remove_file(dir.join("pytorch_model.bin")).expect("rm");
    let e = PairModel::load(&dir).err().map(|e| e.to_string()).unwrap_or_default();
    assert_eq!(e, "model.safetensors or pytorch_model.bin: missing");
}
