//! Reading typed domain values out of stored text: an unknown value is a decode error, never a default.

use paygate_domain::status::UnknownValue;

/// Turns a failed parse of a stored value into the error of the query that read it.
pub(crate) fn decoded<T>(parsed: Result<T, UnknownValue>) -> Result<T, sqlx::Error> {
    parsed.map_err(|error| sqlx::Error::Decode(Box::new(error)))
}

/// Parses every raw row with `convert`, failing the whole read on the first corrupt row.
pub(crate) fn all<R, T>(
    rows: Vec<R>,
    convert: impl Fn(R) -> Result<T, sqlx::Error>,
) -> Result<Vec<T>, sqlx::Error> {
    rows.into_iter().map(convert).collect()
}
