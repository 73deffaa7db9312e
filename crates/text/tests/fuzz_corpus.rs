//! Replays the committed fuzz corpus of `status_text` (fuzz/corpus/status_text) as an ordinary
//! test, with the fuzz target's own check: segments give the input back.

use std::path::PathBuf;

#[test]
fn status_text_corpus_replays_cleanly() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/status_text");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("fuzz corpus directory") {
        let bytes = std::fs::read(entry.expect("entry").path()).expect("read corpus file");
        let Ok(text) = std::str::from_utf8(&bytes) else { continue };
        let joined: String = nb_text::parse_status(text).iter().map(|s| s.source()).collect();
        assert_eq!(joined, text);
        let _ = nb_text::render_status("t", text, "http://x", |_| None);
        n += 1;
    }
    assert!(n > 0, "the corpus at {} is empty", dir.display());
}
