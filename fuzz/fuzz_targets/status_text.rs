//! Arbitrary text through status parsing and rendering: no panic, and the segments' sources
//! concatenate back to the input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let segments = nb_text::parse_status(text);
    let rebuilt: String = segments.iter().map(|s| s.source()).collect();
    assert_eq!(rebuilt, text, "segments must cover the input exactly: {segments:?}");
    let _ = nb_text::render_status("t", text, "http://x", |_| None);
});
