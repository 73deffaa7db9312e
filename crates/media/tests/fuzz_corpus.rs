//! Replays the committed fuzz corpus of `media_intake` (fuzz/corpus/media_intake) as an
//! ordinary test: every input is processed or refused with an error, never a panic.

use std::path::PathBuf;

#[test]
fn media_intake_corpus_replays_cleanly() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/media_intake");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("fuzz corpus directory") {
        let bytes = std::fs::read(entry.expect("entry").path()).expect("read corpus file");
        let _ = nb_media::process(&bytes, &nb_media::Limits::default());
        n += 1;
    }
    assert!(n > 0, "the corpus at {} is empty", dir.display());
}
