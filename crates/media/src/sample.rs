//! Procedural photos: the demo community's pictures and test fixtures. Deterministic from a
//! seed: a soft two-colour gradient with a few discs, encoded as JPEG, so they exercise the real
//! intake path (decode, resize, re-encode) like a phone photo would.

use image::codecs::jpeg::JpegEncoder;
use image::{Rgb, RgbImage};

use crate::MediaError;

/// A `width`×`height` JPEG for `seed`.
pub fn sample_photo(seed: u64, width: u32, height: u32) -> Result<Vec<u8>, MediaError> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = move || {
        // xorshift64*: tiny, deterministic, good enough for colours.
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    };
    let colour = |v: u64| [(v & 0xff) as u8, ((v >> 8) & 0xff) as u8, ((v >> 16) & 0xff) as u8];
    let (top, bottom) = (colour(next()), colour(next()));
    let discs: Vec<(f32, f32, f32, [u8; 3])> = (0..3 + next() % 4)
        .map(|_| {
            let w = width.max(1) as f32;
            let h = height.max(1) as f32;
            let x = (next() % 1000) as f32 / 1000.0 * w;
            let y = (next() % 1000) as f32 / 1000.0 * h;
            let r = (0.08 + (next() % 1000) as f32 / 1000.0 * 0.25) * w.min(h);
            (x, y, r, colour(next()))
        })
        .collect();
    let img = RgbImage::from_fn(width, height, |x, y| {
        let t = y as f32 / height.max(1) as f32;
        let mut px = [0u8; 3];
        for i in 0..3 {
            px[i] = (f32::from(top[i]) * (1.0 - t) + f32::from(bottom[i]) * t) as u8;
        }
        for (cx, cy, r, c) in &discs {
            let (dx, dy) = (x as f32 - cx, y as f32 - cy);
            if dx * dx + dy * dy < r * r {
                px = *c;
            }
        }
        Rgb(px)
    });
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&img)
        .map_err(|e| MediaError::Internal { detail: format!("encoding a sample photo: {e}") })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_accepted_by_intake() {
        let a = sample_photo(7, 640, 480).unwrap();
        assert_eq!(a, sample_photo(7, 640, 480).unwrap());
        assert_ne!(a, sample_photo(8, 640, 480).unwrap());
        let p = crate::process(&a, &crate::Limits::default()).unwrap();
        assert_eq!((p.width, p.height), (640, 480));
    }
}
