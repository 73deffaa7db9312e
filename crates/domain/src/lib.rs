//! Notebridge domain types: ids, the clock, and values validated at the edge.
//!
//! Nothing here does I/O. Every value that comes from outside (a handle, an email, a password,
//! note text) has a newtype whose only constructor validates it, so code that holds one never
//! checks again.

pub mod clock;
pub mod error;
pub mod id;
pub mod scope;
pub mod values;

pub use clock::{Clock, ManualClock, SystemClock};
pub use error::ValidationError;
pub use id::{Id, IdGenerator};
pub use scope::{Scope, Scopes};
pub use values::{
    AccountState, DisplayName, Email, Handle, LanguageTag, NoteText, NoteTitle, Password,
    RegionCode, RegistrationMode, Role, Visibility,
};
