//! Errors of the core. Each says what went wrong in words a user can act on.

use serde::Serialize;

/// A value refused by validation: which field, and what is allowed there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[error("{field}: {message}")]
pub struct FieldError {
    /// Path of the field, e.g. `outcomes/o1/outputs/p1/activities/a1/budget`.
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> FieldError {
        FieldError { field: field.into(), message: message.into() }
    }
}

/// Everything that can go wrong in the core.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The edit was refused; nothing was written.
    #[error("{0}")]
    Invalid(FieldError),
    /// The document comes from a newer app; it can be read but not edited.
    #[error(
        "this {kind} was saved by a newer version of CD4MM Field (document schema {found}; this app knows up to {supported}). It is open read-only: update the app to edit it"
    )]
    ReadOnly { kind: String, found: u64, supported: u64 },
    /// The bytes or the content are not a CD4MM document.
    #[error("not a CD4MM Field document: {0}")]
    NotADocument(String),
    /// A template or toolbox data file is wrong.
    #[error("{file}: {problem}")]
    Data { file: String, problem: String },
    /// Automerge refused an operation; a bug, not a user error.
    #[error("document engine error: {0}")]
    Automerge(#[from] automerge::AutomergeError),
}

impl From<FieldError> for Error {
    fn from(e: FieldError) -> Error {
        Error::Invalid(e)
    }
}

/// Collects validation problems while walking a typed document.
/// The largest amount or count a document may hold: far above any budget,
/// and small enough that a region's sums stay finite.
pub const MAX_AMOUNT: f64 = 1e15;

#[derive(Debug, Default)]
pub struct Problems(pub Vec<FieldError>);

impl Problems {
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError::new(field, message));
    }

    /// Check `lo <= value <= hi`.
    pub fn range(&mut self, field: &str, value: f64, lo: f64, hi: f64) {
        if !(lo..=hi).contains(&value) || value.is_nan() {
            self.add(field, format!("{value} is out of range; allowed from {lo} to {hi}"));
        }
    }

    /// Check that an amount of money or a count is not negative, and not so
    /// large that adding such amounts up would stop being a number (a
    /// plan's total over its lines, a region's over its plans).
    pub fn non_negative(&mut self, field: &str, value: f64) {
        if value < 0.0 || value.is_nan() {
            self.add(field, format!("{value} is negative; enter zero or more"));
        } else if value > MAX_AMOUNT {
            self.add(field, format!("{value} is larger than any amount this app keeps (at most {MAX_AMOUNT:e})"));
        }
    }

    /// Check that a period does not end before it starts.
    pub fn period(&mut self, field: &str, start: Option<crate::Date>, end: Option<crate::Date>) {
        if let (Some(s), Some(e)) = (start, end)
            && e < s
        {
            self.add(field, format!("ends on {e}, before it starts on {s}"));
        }
    }

    /// Check that a name or title is not blank.
    pub fn required(&mut self, field: &str, value: &str) {
        if value.trim().is_empty() {
            self.add(field, "is required; it cannot be blank");
        }
    }
}
