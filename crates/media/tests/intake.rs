//! `process` through the public API, on fixtures built in code.

use std::io::Cursor;
use std::time::{Duration, Instant};

use image::{DynamicImage, ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};
use nb_media::{
    BlobStore, Limits, MediaError, Processed, SourceFormat, VariantKind, phash_distance, process,
    sniff,
};

// ---------- fixtures ----------

/// A picture with structure: a gradient sky, a dark disc and a bright bar.
fn scene(w: u32, h: u32) -> RgbImage {
    RgbImage::from_fn(w, h, |x, y| {
        let (fx, fy) = (x as f32 / w as f32, y as f32 / h as f32);
        let (dx, dy) = (fx - 0.35, fy - 0.45);
        if dx * dx + dy * dy < 0.04 {
            Rgb([30, 40, 60])
        } else if (0.65..0.8).contains(&fx) && fy > 0.2 {
            Rgb([240, 220, 40])
        } else {
            Rgb([(90.0 + 120.0 * fy) as u8, (140.0 + 80.0 * fy) as u8, 230])
        }
    })
}

/// A different picture: diagonal stripes.
fn stripes(w: u32, h: u32) -> RgbImage {
    RgbImage::from_fn(
        w,
        h,
        |x, y| if (x + 2 * y) / 37 % 2 == 0 { Rgb([250; 3]) } else { Rgb([10; 3]) },
    )
}

fn encode(image: DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, format).expect("encode fixture");
    out.into_inner()
}

fn jpeg(image: RgbImage) -> Vec<u8> {
    encode(DynamicImage::ImageRgb8(image), ImageFormat::Jpeg)
}

fn png(image: DynamicImage) -> Vec<u8> {
    encode(image, ImageFormat::Png)
}

fn ok(bytes: &[u8]) -> Processed {
    process(bytes, &Limits::default()).expect("image accepted")
}

fn decode(bytes: &[u8]) -> DynamicImage {
    image::load_from_memory(bytes).expect("variant decodes")
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// A JPEG APP1 Exif segment (big-endian TIFF) with an orientation and an image description.
fn exif_segment(orientation: u16, description: &str) -> Vec<u8> {
    let mut tiff = b"MM\x00\x2a\x00\x00\x00\x08".to_vec();
    let desc = [description.as_bytes(), b"\0"].concat();
    let data_offset = 8 + 2 + 2 * 12 + 4;
    tiff.extend_from_slice(&2u16.to_be_bytes());
    // 0x010E ImageDescription, ASCII.
    tiff.extend_from_slice(&0x010Eu16.to_be_bytes());
    tiff.extend_from_slice(&2u16.to_be_bytes());
    tiff.extend_from_slice(&(desc.len() as u32).to_be_bytes());
    tiff.extend_from_slice(&(data_offset as u32).to_be_bytes());
    // 0x0112 Orientation, SHORT.
    tiff.extend_from_slice(&0x0112u16.to_be_bytes());
    tiff.extend_from_slice(&3u16.to_be_bytes());
    tiff.extend_from_slice(&1u32.to_be_bytes());
    tiff.extend_from_slice(&orientation.to_be_bytes());
    tiff.extend_from_slice(&[0, 0]);
    tiff.extend_from_slice(&0u32.to_be_bytes());
    tiff.extend_from_slice(&desc);
    app_segment(0xE1, &[b"Exif\0\0".as_slice(), &tiff].concat())
}

fn app_segment(marker: u8, payload: &[u8]) -> Vec<u8> {
    let len = u16::try_from(payload.len() + 2).expect("segment fits");
    [&[0xFF, marker][..], &len.to_be_bytes(), payload].concat()
}

/// Insert segments right after a JPEG's SOI marker.
fn with_segments(jpeg: &[u8], segments: &[Vec<u8>]) -> Vec<u8> {
    let mut out = jpeg[..2].to_vec();
    for s in segments {
        out.extend_from_slice(s);
    }
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// The markers of a JPEG's header segments, up to the start of scan.
fn jpeg_markers(jpeg: &[u8]) -> Vec<u8> {
    let mut markers = Vec::new();
    let mut i = 2;
    while i + 4 <= jpeg.len() && jpeg[i] == 0xFF {
        let marker = jpeg[i + 1];
        markers.push(marker);
        if marker == 0xDA {
            break;
        }
        i += 2 + usize::from(u16::from_be_bytes([jpeg[i + 2], jpeg[i + 3]]));
    }
    markers
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let body = [kind.as_slice(), data].concat();
    [&(data.len() as u32).to_be_bytes()[..], &body, &crc32(&body).to_be_bytes()].concat()
}

/// PNG chunk types in order.
fn png_chunks(png: &[u8]) -> Vec<String> {
    let mut kinds = Vec::new();
    let mut i = 8;
    while i + 8 <= png.len() {
        let len = u32::from_be_bytes([png[i], png[i + 1], png[i + 2], png[i + 3]]) as usize;
        kinds.push(String::from_utf8_lossy(&png[i + 4..i + 8]).into_owned());
        i += 12 + len;
    }
    kinds
}

/// Insert extra chunks right after IHDR (which is 8 + 25 bytes in).
fn png_with_chunks(png: &[u8], chunks: &[Vec<u8>]) -> Vec<u8> {
    let mut out = png[..33].to_vec();
    for c in chunks {
        out.extend_from_slice(c);
    }
    out.extend_from_slice(&png[33..]);
    out
}

fn assert_quick_refusal(bytes: &[u8], width: u32, height: u32) {
    let started = Instant::now();
    let err = process(bytes, &Limits::default()).expect_err("bomb refused");
    let elapsed = started.elapsed();
    match err {
        MediaError::TooManyPixels { width: w, height: h, .. } => {
            assert_eq!((w, h), (width, height))
        }
        other => panic!("expected TooManyPixels, got {other:?}"),
    }
    // Decoding 50000×50000 would allocate 7.5 GB and take minutes; the header alone takes µs.
    assert!(elapsed < Duration::from_secs(2), "refusal took {elapsed:?}");
}

// ---------- formats ----------

#[test]
fn accepts_each_format_by_its_bytes() {
    let picture = DynamicImage::ImageRgb8(scene(64, 48));
    let cases = [
        (ImageFormat::Jpeg, SourceFormat::Jpeg),
        (ImageFormat::Png, SourceFormat::Png),
        (ImageFormat::WebP, SourceFormat::Webp),
        (ImageFormat::Gif, SourceFormat::Gif),
    ];
    for (format, expected) in cases {
        let bytes = encode(picture.clone(), format);
        assert_eq!(sniff(&bytes), Some(expected));
        let processed = ok(&bytes);
        assert_eq!(processed.source, expected);
        assert_eq!((processed.width, processed.height), (64, 48), "{expected:?}");
        assert_eq!(processed.variants.len(), 2);
        for v in &processed.variants {
            assert_eq!(v.mime, "image/jpeg", "opaque pictures become JPEG");
            assert_eq!(sniff(&v.bytes), Some(SourceFormat::Jpeg));
        }
    }
}

#[test]
fn text_file_named_jpg_is_not_an_image() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("holiday.jpg");
    std::fs::write(&path, "Dear diary, this is not a picture.\n").expect("write");
    let bytes = std::fs::read(&path).expect("read");
    let err = process(&bytes, &Limits::default()).expect_err("refused");
    assert!(matches!(err, MediaError::NotAnImage), "{err:?}");
    assert_eq!(err.to_string(), "the file is not a JPEG, PNG, WebP or GIF image");

    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#;
    assert!(matches!(process(svg, &Limits::default()), Err(MediaError::NotAnImage)));
    let bmp = encode(DynamicImage::ImageRgb8(scene(8, 8)), ImageFormat::Png);
    let bmp_like = [b"BM".as_slice(), &bmp[2..]].concat();
    assert!(matches!(process(&bmp_like, &Limits::default()), Err(MediaError::NotAnImage)));
    assert!(matches!(process(&[], &Limits::default()), Err(MediaError::NotAnImage)));
}

#[test]
fn truncated_and_corrupt_files_are_refused_without_panic() {
    let picture = DynamicImage::ImageRgb8(scene(64, 48));
    let png = png(picture.clone());
    let err = process(&png[..png.len() / 2], &Limits::default()).expect_err("truncated PNG");
    assert!(matches!(err, MediaError::Corrupt { .. }), "{err:?}");
    assert_eq!(err.to_string(), "the image file is damaged or incomplete");

    // Magic bytes followed by garbage, for each format.
    for magic in [&b"\xFF\xD8\xFF\xE0"[..], b"\x89PNG\r\n\x1a\n", b"GIF89a", b"RIFF\0\0\0\0WEBP"] {
        let bytes = [magic, &[0x5Au8; 64][..]].concat();
        let err = process(&bytes, &Limits::default()).expect_err("garbage refused");
        // (GIF garbage reads as a 23130×23130 screen: refused as too big, which is fine too.)
        assert!(
            matches!(
                err,
                MediaError::Corrupt { .. }
                    | MediaError::Unsupported { .. }
                    | MediaError::TooManyPixels { .. }
            ),
            "{magic:?}: {err:?}"
        );
    }

    // Every cut of each format either fails cleanly or (lenient JPEG) yields a picture.
    for format in [ImageFormat::Jpeg, ImageFormat::Png, ImageFormat::WebP, ImageFormat::Gif] {
        let bytes = encode(picture.clone(), format);
        for cut in (0..bytes.len()).step_by(bytes.len() / 16 + 1) {
            match process(&bytes[..cut], &Limits::default()) {
                Ok(p) => assert_eq!((p.width, p.height), (64, 48)),
                Err(e) => assert!(e.is_user_error(), "{format:?} cut at {cut}: {e:?}"),
            }
        }
    }
}

// ---------- limits ----------

#[test]
fn png_bomb_is_refused_from_its_header() {
    // A real 1×1 PNG whose IHDR is rewritten to claim 50000×50000 (CRC fixed up): decoding would
    // need 7.5 GB.
    let mut bytes = png(DynamicImage::ImageRgb8(RgbImage::new(1, 1)));
    bytes[16..20].copy_from_slice(&50_000u32.to_be_bytes());
    bytes[20..24].copy_from_slice(&50_000u32.to_be_bytes());
    let crc = crc32(&bytes[12..29]);
    bytes[29..33].copy_from_slice(&crc.to_be_bytes());
    assert!(bytes.len() < 100);
    assert_quick_refusal(&bytes, 50_000, 50_000);

    // Within the side limit but over the pixel budget: 10000×10000 = 100 megapixels.
    bytes[16..20].copy_from_slice(&10_000u32.to_be_bytes());
    bytes[20..24].copy_from_slice(&10_000u32.to_be_bytes());
    let crc = crc32(&bytes[12..29]);
    bytes[29..33].copy_from_slice(&crc.to_be_bytes());
    assert_quick_refusal(&bytes, 10_000, 10_000);
}

#[test]
fn jpeg_and_gif_bombs_are_refused_from_their_headers() {
    let mut bytes = jpeg(RgbImage::new(8, 8));
    let sof = bytes.windows(2).position(|w| w == [0xFF, 0xC0]).expect("baseline SOF0");
    bytes[sof + 5..sof + 7].copy_from_slice(&50_000u16.to_be_bytes());
    bytes[sof + 7..sof + 9].copy_from_slice(&50_000u16.to_be_bytes());
    assert_quick_refusal(&bytes, 50_000, 50_000);

    let mut bytes = encode(DynamicImage::ImageRgb8(RgbImage::new(8, 8)), ImageFormat::Gif);
    bytes[6..8].copy_from_slice(&65_000u16.to_le_bytes());
    bytes[8..10].copy_from_slice(&65_000u16.to_le_bytes());
    assert_quick_refusal(&bytes, 65_000, 65_000);
}

#[test]
fn oversized_files_are_refused_before_sniffing() {
    let bytes = jpeg(scene(64, 48));
    let limits = Limits { max_bytes: bytes.len() - 1, ..Limits::default() };
    let err = process(&bytes, &limits).expect_err("too large");
    assert!(
        matches!(err, MediaError::TooLarge { size, max } if size == bytes.len() && max == bytes.len() - 1)
    );

    let huge = [bytes.as_slice(), &vec![0u8; 16 * 1024 * 1024]].concat();
    let err = process(&huge, &Limits::default()).expect_err("too large");
    assert!(matches!(err, MediaError::TooLarge { .. }), "{err:?}");
    assert!(err.to_string().starts_with("the file is too large (16.0 MiB)"), "{err}");
}

#[test]
fn pixel_limits_are_configurable() {
    let bytes = jpeg(scene(300, 200));
    let limits = Limits { max_side: 299, ..Limits::default() };
    assert!(matches!(process(&bytes, &limits), Err(MediaError::TooManyPixels { width: 300, .. })));
    let limits = Limits { max_pixels: 300 * 200 - 1, ..Limits::default() };
    assert!(matches!(process(&bytes, &limits), Err(MediaError::TooManyPixels { .. })));
    let limits = Limits { max_pixels: 300 * 200, max_side: 300, ..Limits::default() };
    assert!(process(&bytes, &limits).is_ok());
}

// ---------- pixels ----------

#[test]
fn animated_gif_keeps_its_first_frame() {
    use image::codecs::gif::GifEncoder;
    use image::{Delay, Frame};
    let red = RgbaImage::from_pixel(40, 30, Rgba([220, 20, 20, 255]));
    let blue = RgbaImage::from_pixel(40, 30, Rgba([20, 20, 220, 255]));
    let mut bytes = Vec::new();
    {
        let mut encoder = GifEncoder::new(&mut bytes);
        let delay = Delay::from_numer_denom_ms(100, 1);
        encoder
            .encode_frames([
                Frame::from_parts(red, 0, 0, delay),
                Frame::from_parts(blue, 0, 0, delay),
            ])
            .expect("encode GIF");
    }
    let processed = ok(&bytes);
    assert_eq!(processed.source, SourceFormat::Gif);
    assert_eq!((processed.width, processed.height), (40, 30));
    let shown = decode(&processed.variants[0].bytes).to_rgb8();
    let [r, _, b] = shown.get_pixel(20, 15).0;
    assert!(r > 180 && b < 60, "first frame is red, got {:?}", shown.get_pixel(20, 15));
}

#[test]
fn exif_orientation_is_applied() {
    // Left half red, right half blue, stored landscape with "rotate 90° clockwise to view".
    let stored =
        RgbImage::from_fn(
            40,
            20,
            |x, _| {
                if x < 20 { Rgb([230, 20, 20]) } else { Rgb([20, 20, 230]) }
            },
        );
    let bytes = with_segments(&jpeg(stored), &[exif_segment(6, "rotated")]);
    let processed = ok(&bytes);
    assert_eq!((processed.width, processed.height), (20, 40), "width and height swap");
    let original = &processed.variants[0];
    assert_eq!((original.width, original.height), (20, 40));
    let shown = decode(&original.bytes).to_rgb8();
    assert_eq!(shown.dimensions(), (20, 40));
    // After a clockwise quarter turn the left (red) half is on top.
    assert!(shown.get_pixel(10, 5).0[0] > 180, "top is red: {:?}", shown.get_pixel(10, 5));
    assert!(shown.get_pixel(10, 35).0[2] > 180, "bottom is blue: {:?}", shown.get_pixel(10, 35));

    // Orientation 1 leaves the picture alone.
    let upright = with_segments(&jpeg(scene(40, 20)), &[exif_segment(1, "upright")]);
    let processed = ok(&upright);
    assert_eq!((processed.width, processed.height), (40, 20));
}

#[test]
fn jpeg_metadata_is_stripped() {
    let secret = "GPS 47.6062N 122.3321W home";
    let bytes = with_segments(
        &jpeg(scene(120, 90)),
        &[
            exif_segment(1, secret),
            app_segment(0xE1, b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>secret-xmp</x:xmpmeta>"),
            app_segment(0xE2, b"ICC_PROFILE\0\x01\x01secret-icc"),
            app_segment(0xFE, b"secret comment"),
        ],
    );
    assert!(contains(&bytes, b"Exif") && contains(&bytes, secret.as_bytes()));
    let processed = ok(&bytes);
    for v in &processed.variants {
        let markers = jpeg_markers(&v.bytes);
        assert!(!markers.contains(&0xE1), "no APP1 (Exif/XMP) in {:?}: {markers:x?}", v.kind);
        assert!(!markers.contains(&0xE2), "no APP2 (ICC) in {:?}", v.kind);
        assert!(!markers.contains(&0xFE), "no comment in {:?}", v.kind);
        for needle in [&b"Exif"[..], b"GPS", b"secret", b"xmpmeta", b"ICC_PROFILE"] {
            assert!(
                !contains(&v.bytes, needle),
                "{:?} leaks {:?}",
                v.kind,
                String::from_utf8_lossy(needle)
            );
        }
    }
}

#[test]
fn png_metadata_is_stripped_and_transparency_kept() {
    let mut sticker = RgbaImage::from_pixel(50, 50, Rgba([0, 0, 0, 0]));
    for x in 10..40 {
        for y in 10..40 {
            sticker.put_pixel(x, y, Rgba([250, 120, 0, 255]));
        }
    }
    let exif_payload = &exif_segment(1, "GPS 1.2N 3.4E")[10..]; // the TIFF part
    let bytes = png_with_chunks(
        &png(DynamicImage::ImageRgba8(sticker)),
        &[
            png_chunk(b"tEXt", b"Comment\0secret text"),
            png_chunk(b"eXIf", exif_payload),
            png_chunk(b"iTXt", b"XML:com.adobe.xmp\0\0\0\0\0<x:xmpmeta>secret</x:xmpmeta>"),
        ],
    );
    assert!(png_chunks(&bytes).contains(&"eXIf".to_owned()));
    let processed = ok(&bytes);
    for v in &processed.variants {
        assert_eq!(v.mime, "image/png", "transparency needs PNG");
        assert_eq!(v.extension(), "png");
        let chunks = png_chunks(&v.bytes);
        assert!(
            chunks.iter().all(|c| ["IHDR", "PLTE", "tRNS", "IDAT", "IEND"].contains(&c.as_str())),
            "only pixel chunks remain: {chunks:?}"
        );
        assert!(!contains(&v.bytes, b"secret") && !contains(&v.bytes, b"GPS"));
        let shown = decode(&v.bytes).to_rgba8();
        assert_eq!(shown.get_pixel(0, 0).0[3], 0, "corner stays transparent");
    }
}

#[test]
fn opaque_rgba_png_becomes_jpeg() {
    let opaque = DynamicImage::ImageRgba8(DynamicImage::ImageRgb8(scene(64, 48)).to_rgba8());
    let processed = ok(&png(opaque));
    assert!(processed.variants.iter().all(|v| v.mime == "image/jpeg" && v.extension() == "jpg"));
}

#[test]
fn variants_are_sized_and_never_upscaled() {
    let wide = ok(&jpeg(scene(3000, 1000)));
    let sizes: Vec<_> = wide.variants.iter().map(|v| (v.kind, v.width, v.height)).collect();
    assert_eq!(sizes, [(VariantKind::Original, 2048, 683), (VariantKind::Small, 480, 160)]);
    for v in &wide.variants {
        let shown = decode(&v.bytes);
        assert_eq!((shown.width(), shown.height()), (v.width, v.height), "{:?}", v.kind);
    }

    let tall = ok(&png(DynamicImage::ImageRgb8(scene(500, 1500))));
    let sizes: Vec<_> = tall.variants.iter().map(|v| (v.width, v.height)).collect();
    assert_eq!(sizes, [(500, 1500), (160, 480)]);

    let small = ok(&jpeg(scene(300, 200)));
    let [original, thumb] = &small.variants[..] else { panic!("two variants") };
    assert_eq!((original.width, original.height), (300, 200));
    assert_eq!((thumb.width, thumb.height), (300, 200));
    assert_eq!(original.bytes, thumb.bytes, "same pixels, same bytes, one blob");
}

// ---------- fingerprints ----------

#[test]
fn processing_is_deterministic_and_blurhash_is_sane() {
    let bytes = jpeg(scene(320, 240));
    let first = ok(&bytes);
    let second = ok(&bytes);
    assert_eq!(first, second);
    // 4×4 components: size flag 'U' ((4-1) + (4-1)·9 = 30), then 1 + 4 + 15·2 characters.
    assert_eq!(first.blurhash.len(), 36, "{}", first.blurhash);
    assert!(first.blurhash.starts_with('U'), "{}", first.blurhash);
    let other = ok(&jpeg(stripes(320, 240)));
    assert_ne!(first.blurhash, other.blurhash);
}

#[test]
fn perceptual_hash_survives_resizing_and_recompression() {
    let picture = scene(640, 480);
    let original = ok(&png(DynamicImage::ImageRgb8(picture.clone())));

    let resized =
        image::imageops::resize(&picture, 300, 225, image::imageops::FilterType::Triangle);
    let mut recompressed = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut recompressed, 40)
        .encode_image(&resized)
        .expect("encode");
    let copy = ok(&recompressed);
    let near = phash_distance(original.phash, copy.phash);
    assert!(near <= 10, "resized copy is {near} bits away");

    let different = ok(&png(DynamicImage::ImageRgb8(stripes(640, 480))));
    let far = phash_distance(original.phash, different.phash);
    assert!(far > 20, "different picture is only {far} bits away");
}

// ---------- with storage ----------

#[tokio::test]
async fn variants_store_under_content_keys() {
    let store = BlobStore::in_memory();
    let processed = ok(&jpeg(scene(800, 600)));
    let mut keys = Vec::new();
    for v in &processed.variants {
        keys.push(store.put(&v.bytes, v.extension()).await.expect("put"));
    }
    assert_ne!(keys[0], keys[1]);
    assert!(keys.iter().all(|k| k.ends_with(".jpg") && k.len() == 2 + 1 + 2 + 1 + 64 + 4));

    // The same upload again (deterministic processing) lands on the same keys.
    let again = ok(&jpeg(scene(800, 600)));
    for (v, key) in again.variants.iter().zip(&keys) {
        assert_eq!(&store.put(&v.bytes, v.extension()).await.expect("put"), key);
        assert_eq!(store.get(key).await.expect("get").as_deref(), Some(v.bytes.as_slice()));
    }
}
