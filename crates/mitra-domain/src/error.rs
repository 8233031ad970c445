//! The validation error shared by every parser in the domain: it names the field that was wrong and why.

use std::fmt;

/// A value that could not be accepted, with the field it came from and a reason a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ValidationError {
    /// The name of the field or parameter, as the user wrote it (`country`, `cursor`, `lang`).
    pub field: String,
    /// Why the value was refused, in plain English.
    pub reason: String,
}

impl ValidationError {
    /// Builds an error for `field` with `reason`.
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.reason)
    }
}
