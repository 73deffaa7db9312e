//! A 64-bit DCT perceptual hash ("pHash"), small enough to keep here rather than take a crate.
//!
//! The picture is reduced to 32×32 grey pixels, transformed with a 2-D DCT-II, and the 8×8
//! lowest frequencies are kept: bit `8·u + v` is set when coefficient `(u, v)` is above the median
//! of the 63 non-DC coefficients. Low frequencies describe the picture's overall shape, which
//! survives resizing, re-compression and mild colour changes; a different picture lands about
//! 32 bits away. Rule of thumb: distance ≤ 10 is "the same picture".
//!
//! A difference hash (dHash) was the other candidate; it is cheaper but less robust to
//! re-compression, and the 32×32 DCT costs well under a millisecond.

use image::{GrayImage, imageops::FilterType};

const N: usize = 32;
const K: usize = 8;

/// The number of differing bits between two perceptual hashes (0 = identical, 64 = opposite).
pub fn phash_distance(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

/// Perceptual hash of a grey picture of any size.
pub(crate) fn phash(grey: &GrayImage) -> u64 {
    let small = image::imageops::resize(grey, N as u32, N as u32, FilterType::Triangle);
    let pixel = |x: usize, y: usize| f64::from(small.get_pixel(x as u32, y as u32).0[0]);

    // basis[u][x] = a(u)·cos((2x + 1)uπ / 2N), orthonormal DCT-II.
    let mut basis = [[0.0f64; N]; K];
    for (u, row) in basis.iter_mut().enumerate() {
        let scale = if u == 0 { (1.0 / N as f64).sqrt() } else { (2.0 / N as f64).sqrt() };
        for (x, b) in row.iter_mut().enumerate() {
            *b = scale
                * ((2 * x + 1) as f64 * u as f64 * std::f64::consts::PI / (2 * N) as f64).cos();
        }
    }

    // Rows first (only the K lowest horizontal frequencies), then columns.
    let mut rows = [[0.0f64; K]; N];
    for (y, out) in rows.iter_mut().enumerate() {
        for (v, o) in out.iter_mut().enumerate() {
            *o = (0..N).map(|x| basis[v][x] * pixel(x, y)).sum();
        }
    }
    let mut coeffs = [0.0f64; K * K];
    for u in 0..K {
        for v in 0..K {
            coeffs[u * K + v] = (0..N).map(|y| basis[u][y] * rows[y][v]).sum();
        }
    }

    let mut ac = coeffs[1..].to_vec();
    ac.sort_by(f64::total_cmp);
    let median = ac[ac.len() / 2];
    coeffs
        .iter()
        .enumerate()
        .fold(0u64, |hash, (i, &c)| if c > median { hash | 1 << i } else { hash })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_counts_differing_bits() {
        assert_eq!(phash_distance(0, 0), 0);
        assert_eq!(phash_distance(0b1011, 0b0001), 2);
        assert_eq!(phash_distance(0, u64::MAX), 64);
    }

    #[test]
    fn flat_picture_hashes_without_panicking() {
        let flat = GrayImage::from_pixel(5, 3, image::Luma([128]));
        let tiny = GrayImage::from_pixel(1, 1, image::Luma([0]));
        assert_eq!(phash(&flat), phash(&flat));
        let _ = phash(&tiny);
    }

    #[test]
    fn mirrored_picture_is_far() {
        let img = GrayImage::from_fn(64, 64, |x, y| image::Luma([((x * 4) ^ (y / 8 * 30)) as u8]));
        let flipped = image::imageops::flip_horizontal(&img);
        assert!(phash_distance(phash(&img), phash(&flipped)) > 10);
    }
}
