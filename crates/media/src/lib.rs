//! Image intake and blob storage for Notebridge.
//!
//! Every uploaded picture goes through [`process`] before anything is stored:
//!
//! 1. **Sniff**: the format is decided by the file's first bytes ([`sniff`]), never by its name
//!    or declared MIME type. Only JPEG, PNG, WebP and GIF are accepted.
//! 2. **Bounded decode**: the byte size is checked first, then the decoder reads only the header
//!    and the declared width and height are checked against [`Limits`] *before* a pixel buffer is
//!    allocated. A decompression bomb (a small file whose header claims 50000×50000) is refused
//!    in microseconds. `image`'s own allocation limit stays on as a backstop.
//! 3. **Orientation, then re-encode**: the EXIF orientation is applied to the pixels, and the
//!    image is re-encoded from pixels alone, so EXIF (GPS!), XMP, ICC and text chunks are gone.
//! 4. **Variants**: a full view (`Original`, at most 2048 px a side) and a thumbnail (`Small`, at
//!    most 480 px), never upscaled; the names match Mastodon's `meta.original`/`meta.small`.
//! 5. **Fingerprints**: a blurhash (what clients paint while loading) and a 64-bit perceptual
//!    hash ([`Processed::phash`]) that survives resizing and re-compression, for near-duplicate detection.
//!
//! [`process`] is pure, synchronous and CPU-bound: async callers run it on a blocking thread.
//! Its output is deterministic on a given machine, so the same upload yields the same bytes and,
//! through [`BlobStore`], the same content-addressed keys.
//!
//! Rejected: shelling out to ImageMagick/libvips (a C attack surface and a system dependency);
//! keeping the original bytes (they carry the metadata we promise to remove); colour management
//! (ICC profiles are dropped, not converted: wide-gamut photos look slightly duller).

mod blob;
mod error;
mod intake;
mod phash;
mod sample;
mod sniff;

pub use blob::{BlobStore, content_key};
pub use error::MediaError;
pub use intake::{Limits, Processed, Variant, VariantKind, process};
pub use phash::phash_distance;
pub use sample::sample_photo;
pub use sniff::{SourceFormat, sniff};
