//! Exact amounts from provider JSON: numbers (or strings holding one) parsed from their text into `Decimal`.

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, de::Error as _};
use serde_json::value::RawValue;

/// `deserialize_with` for a required amount: a JSON number or a string holding one, never via `f64`.
pub fn decimal<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
    optional_decimal(deserializer)?.ok_or_else(|| D::Error::custom("amount is null"))
}

/// `deserialize_with` for an optional amount; `null` is `None`. The body must be parsed with
/// `serde_json::from_slice`/`from_str` (not `from_value`) so the number text is still there.
pub fn optional_decimal<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Decimal>, D::Error> {
    let raw = Box::<RawValue>::deserialize(deserializer)?;
    let text = raw.get();
    if text == "null" {
        return Ok(None);
    }
    let unquoted: String;
    let number = if text.starts_with('"') {
        unquoted = serde_json::from_str(text).map_err(D::Error::custom)?;
        unquoted.trim()
    } else {
        text
    };
    parse_decimal(number).map(Some).ok_or_else(|| D::Error::custom(format!("invalid amount {text}")))
}

/// Exact decimal from number text (`5`, `0.10000000`, `1e-7`); `None` if it does not fit exactly.
pub fn parse_decimal(text: &str) -> Option<Decimal> {
    let allowed = |c: char| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E');
    if text.is_empty() || !text.chars().all(allowed) {
        return None;
    }
    let parsed = match text.split_once(['e', 'E']) {
        Some((mantissa, _)) => {
            Decimal::from_str_exact(mantissa).ok()?;
            Decimal::from_scientific(text)
        }
        None => Decimal::from_str_exact(text),
    };
    parsed.ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_text_parses_to_exact_decimals_keeping_the_scale() {
        for (text, expected) in [
            ("5", "5"),
            ("5.00", "5.00"),
            ("0.10000000", "0.10000000"),
            ("1e-7", "0.0000001"),
            ("1.5E+3", "1500"),
            ("-2.25", "-2.25"),
            ("12345678901234567890.123", "12345678901234567890.123"),
        ] {
            assert_eq!(parse_decimal(text).map(|d| d.to_string()).as_deref(), Some(expected), "{text}");
        }
    }

    #[test]
    fn text_that_is_not_an_exact_number_is_refused() {
        for text in ["", "abc", "1_000", "1e", "0x10", "NaN", "1e400", "1.00000000000000000000000000000001"] {
            assert_eq!(parse_decimal(text), None, "{text}");
        }
    }

    #[derive(Debug, Deserialize)]
    struct Body {
        #[serde(deserialize_with = "decimal")]
        required: Decimal,
        #[serde(default, deserialize_with = "optional_decimal")]
        optional: Option<Decimal>,
    }

    #[test]
    fn numbers_and_numeric_strings_are_read_exactly_and_null_is_none() {
        let body: Body =
            serde_json::from_str(r#"{"required":0.000000000000000001,"optional":" 2.50 "}"#).unwrap();
        assert_eq!(body.required.to_string(), "0.000000000000000001");
        assert_eq!(body.optional.map(|d| d.to_string()).as_deref(), Some("2.50"));
        let body: Body = serde_json::from_str(r#"{"required":"7","optional":null}"#).unwrap();
        assert_eq!(body.optional, None);
        assert!(serde_json::from_str::<Body>(r#"{"required":null}"#).is_err());
        assert!(serde_json::from_str::<Body>(r#"{"required":"seven"}"#).is_err());
    }
}
