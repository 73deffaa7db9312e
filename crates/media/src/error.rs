//! The crate's one error type. `Display` is a reason a user can read (it becomes an HTTP 4xx
//! body); the decoder's own words stay in `detail` fields, for the log.

/// Why an image was refused, or why storage failed.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("the file is too large ({} MiB); images may be at most {} MiB", mib(*size), mib(*max))]
    TooLarge { size: usize, max: usize },
    #[error("the file is not a JPEG, PNG, WebP or GIF image")]
    NotAnImage,
    #[error(
        "the image is {width}×{height} pixels; images may be at most {max_side} pixels a side \
         and {} megapixels",
        *max_pixels as f64 / 1e6
    )]
    TooManyPixels { width: u32, height: u32, max_pixels: u64, max_side: u32 },
    #[error("the image uses a feature that is not supported; save it again as a plain JPEG or PNG")]
    Unsupported { detail: String },
    #[error("the image file is damaged or incomplete")]
    Corrupt { detail: String },
    /// A bug or resource failure on our side, not the uploader's fault.
    #[error("the image could not be processed")]
    Internal { detail: String },
    #[error("the media store is unavailable")]
    Storage(#[from] object_store::Error),
}

impl MediaError {
    /// True when the upload itself is at fault (a 4xx), false for our own failures (a 5xx).
    pub fn is_user_error(&self) -> bool {
        !matches!(self, MediaError::Internal { .. } | MediaError::Storage(_))
    }
}

fn mib(bytes: usize) -> String {
    format!("{:.1}", bytes as f64 / (1024.0 * 1024.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_readable() {
        let e = MediaError::TooLarge { size: 20 * 1024 * 1024, max: 16 * 1024 * 1024 };
        assert_eq!(
            e.to_string(),
            "the file is too large (20.0 MiB); images may be at most 16.0 MiB"
        );
        let e = MediaError::TooManyPixels {
            width: 50_000,
            height: 50_000,
            max_pixels: 40_000_000,
            max_side: 12_000,
        };
        assert_eq!(
            e.to_string(),
            "the image is 50000×50000 pixels; images may be at most 12000 pixels a side and 40 \
             megapixels"
        );
        let e = MediaError::Corrupt { detail: "Format error decoding Png: CRC".into() };
        assert!(!e.to_string().contains("CRC"), "internals stay out of the message");
        assert!(e.is_user_error());
        assert!(!MediaError::Internal { detail: String::new() }.is_user_error());
    }
}
