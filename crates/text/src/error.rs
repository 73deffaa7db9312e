//! The crate's error type.

/// What can go wrong in `nb-text`. Functions that take user text do not fail; only setting up
/// the converters can.
#[derive(Debug, thiserror::Error)]
pub enum TextError {
    /// OpenCC's embedded configuration or dictionaries could not be loaded.
    #[error("loading the Traditional-to-Simplified converter: {0}")]
    Opencc(String),
}
