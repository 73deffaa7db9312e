//! Text handling for Notebridge. This slice holds what the platform core needs: parsing a note's
//! text into tags, mentions and links, and rendering it to HTML that is safe to show.
//! Normalisation, language identification and segmentation arrive with the language bridge.

pub mod html;
pub mod status;

pub use html::{escape, render_status};
pub use status::{Segment, parse_status, tag_key};
