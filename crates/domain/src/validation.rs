//! Field-level validation errors shared by every boundary (API, bot, database).

use std::fmt;

/// One rejected input field, addressed by a path such as `tiers[0].price_usd`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}

/// Every field error found while parsing one input; empty means valid.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValidationErrors(Vec<FieldError>);

impl ValidationErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError::new(field, message));
    }

    /// Records the error of `result` under `field` and returns its value when it was valid.
    pub fn check<T, E: fmt::Display>(&mut self, field: &str, result: Result<T, E>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.push(field, error.to_string());
                None
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn fields(&self) -> &[FieldError] {
        &self.0
    }

    pub fn into_fields(self) -> Vec<FieldError> {
        self.0
    }

    /// `Ok(())` when nothing was recorded, otherwise the collected errors.
    pub fn into_result(self) -> Result<(), ValidationErrors> {
        if self.0.is_empty() { Ok(()) } else { Err(self) }
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|e| format!("{}: {}", e.field, e.message)).collect();
        write!(f, "{}", parts.join("; "))
    }
}

impl std::error::Error for ValidationErrors {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_records_errors_under_their_field_and_passes_values_through() {
        let mut errors = ValidationErrors::new();
        let ok: Option<u8> = errors.check("a", Ok::<u8, String>(1));
        let bad: Option<u8> = errors.check("tiers[0].price_usd", Err::<u8, _>("too high"));
        assert_eq!(ok, Some(1));
        assert_eq!(bad, None);
        assert_eq!(errors.fields(), &[FieldError::new("tiers[0].price_usd", "too high")]);
        assert!(errors.into_result().is_err());
    }

    #[test]
    fn empty_errors_are_ok() {
        assert!(ValidationErrors::new().into_result().is_ok());
    }
}
