//! Arbitrary bytes through the whole intake pipeline: it must answer Ok or a MediaError, never
//! panic, and never allocate past libFuzzer's RSS limit.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = nb_media::process(data, &nb_media::Limits::default());
});
