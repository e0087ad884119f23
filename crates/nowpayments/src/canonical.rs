//! The canonical JSON NOWPayments signs: keys sorted recursively, compact, number text kept as received.

use std::{cmp::Ordering, collections::BTreeMap};

use paygate_provider_http::{MAX_JSON_DEPTH, check_depth};
use serde_json::value::RawValue;

/// Re-serialises `body` the way `JSON.stringify` prints a key-sorted copy of it.
///
/// Numbers keep their exact text (`1e-7`, `0.10000000`), because the signer hashed the text it sent;
/// strings are re-escaped as JavaScript does (only `"`, `\` and control characters).
///
/// Nesting is bounded by a linear pre-scan ([`MAX_JSON_DEPTH`] levels) before anything is parsed, so
/// the walk below (which re-reads each level once) stays linear in the body size and cannot
/// overflow the stack, whatever an unauthenticated sender posts.
pub(crate) fn canonical_json(body: &[u8]) -> Result<String, serde_json::Error> {
    check_depth(body, MAX_JSON_DEPTH).map_err(<serde_json::Error as serde::de::Error>::custom)?;
    let root: &RawValue = serde_json::from_slice(body)?;
    let mut out = String::with_capacity(body.len());
    write_value(root, &mut out)?;
    Ok(out)
}

/// Appends one value; nesting depth was bounded by the pre-scan in [`canonical_json`].
fn write_value(raw: &RawValue, out: &mut String) -> Result<(), serde_json::Error> {
    let text = raw.get();
    match text.as_bytes().first() {
        Some(b'{') => {
            let fields: BTreeMap<String, &RawValue> = serde_json::from_str(text)?;
            let mut fields: Vec<_> = fields.into_iter().collect();
            fields.sort_by(|(a, _), (b, _)| js_key_order(a, b));
            out.push('{');
            for (index, (key, value)) in fields.into_iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write_string(&key, out)?;
                out.push(':');
                write_value(value, out)?;
            }
            out.push('}');
        }
        Some(b'[') => {
            let items: Vec<&RawValue> = serde_json::from_str(text)?;
            out.push('[');
            for (index, item) in items.into_iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write_value(item, out)?;
            }
            out.push(']');
        }
        Some(b'"') => write_string(&serde_json::from_str::<String>(text)?, out)?,
        // Numbers, `true`, `false` and `null`: already validated, kept verbatim.
        _ => out.push_str(text),
    }
    Ok(())
}

/// `serde_json` escapes strings exactly like `JSON.stringify`: `\"`, `\\`, `\b\f\n\r\t`, other
/// control characters as lower-case `\u00xx`, everything else (`/`, non-ASCII, U+2028) as is.
fn write_string(text: &str, out: &mut String) -> Result<(), serde_json::Error> {
    out.push_str(&serde_json::to_string(text)?);
    Ok(())
}

/// The order of `Object.keys(...).sort()` as a JavaScript object then prints it: array-index keys
/// (`"0"`, `"7"`, `"10"`) first in numeric order, then the rest by UTF-16 code units.
fn js_key_order(a: &str, b: &str) -> Ordering {
    match (array_index(a), array_index(b)) {
        (Some(a), Some(b)) => a.cmp(&b),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => a.encode_utf16().cmp(b.encode_utf16()),
    }
}

/// A key JavaScript treats as an array index: canonical decimal digits below 2^32 - 1.
fn array_index(key: &str) -> Option<u32> {
    let index: u32 = key.parse().ok()?;
    (index != u32::MAX && index.to_string() == key).then_some(index)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical(body: &str) -> String {
        canonical_json(body.as_bytes()).unwrap_or_else(|error| panic!("{error}"))
    }

    #[test]
    fn keys_are_sorted_and_whitespace_removed() {
        assert_eq!(canonical(r#" { "b" : 1 , "a" : true, "c": null } "#), r#"{"a":true,"b":1,"c":null}"#);
    }

    #[test]
    fn nested_objects_are_sorted_too_and_arrays_keep_their_order() {
        let body =
            r#"{"fee":{"serviceFee":0.1,"currency":"btc","depositFee":0},"z":[3,{"y":1,"x":2},1],"a":{}}"#;
        assert_eq!(
            canonical(body),
            r#"{"a":{},"fee":{"currency":"btc","depositFee":0,"serviceFee":0.1},"z":[3,{"x":2,"y":1},1]}"#
        );
    }

    #[test]
    fn numbers_keep_the_exact_text_they_arrived_with() {
        let body = r#"{"a":1e-7,"b":0.10000000,"c":12345678901234567890.123,"d":-0,"e":5,"f":1E+21,"g":5.0}"#;
        assert_eq!(canonical(body), body);
    }

    #[test]
    fn strings_are_escaped_like_javascript_json_stringify() {
        let body = "{\"s\": \"quote \\\" backslash \\\\ slash \\/ tab \\t nl \\n bell \\u0007 del \\u007f\"}";
        assert_eq!(
            canonical(body),
            "{\"s\":\"quote \\\" backslash \\\\ slash / tab \\t nl \\n bell \\u0007 del \u{7f}\"}"
        );
    }

    #[test]
    fn unicode_is_written_as_plain_utf8() {
        let body = r#"{"name":"\u00e9t\u00e9 ☕ \ud83d\ude80 \u2028 Канал"}"#;
        assert_eq!(canonical(body), "{\"name\":\"été ☕ 🚀 \u{2028} Канал\"}");
    }

    #[test]
    fn keys_are_unescaped_before_sorting_and_escaped_again() {
        assert_eq!(canonical(r#"{"\u0062":1,"a\"q":2}"#), r#"{"a\"q":2,"b":1}"#);
    }

    #[test]
    fn array_index_keys_come_first_in_numeric_order_as_in_javascript() {
        assert_eq!(canonical(r#"{"b":1,"10":2,"9":3,"01":4,"A":5}"#), r#"{"9":3,"10":2,"01":4,"A":5,"b":1}"#);
    }

    #[test]
    fn keys_sort_by_utf16_code_units() {
        // U+FF21 (one unit 0xFF21) sorts after U+1F600 (surrogates 0xD83D...) in JavaScript.
        assert_eq!(canonical("{\"\u{ff21}\":1,\"\u{1f600}\":2}"), "{\"\u{1f600}\":2,\"\u{ff21}\":1}");
    }

    #[test]
    fn a_repeated_key_keeps_its_last_value() {
        assert_eq!(canonical(r#"{"a":1,"a":2}"#), r#"{"a":2}"#);
    }

    #[test]
    fn malformed_json_is_an_error() {
        for body in ["", "{", r#"{"a":}"#, r#"{"a":1} x"#, r#"{"a":"\ud800"}"#, "NaN"] {
            assert!(canonical_json(body.as_bytes()).is_err(), "{body:?} was accepted");
        }
    }

    #[test]
    fn nesting_is_kept_up_to_the_limit() {
        let body = format!("{}1{}", "[".repeat(MAX_JSON_DEPTH), "]".repeat(MAX_JSON_DEPTH));
        assert_eq!(canonical(&body), body);
    }

    #[test]
    fn a_hundred_thousand_nested_levels_are_an_error_not_a_stack_overflow() {
        for (open, close) in [("[", "]"), ("{\"a\":", "}")] {
            assert!(canonical_json(open.repeat(100_000).as_bytes()).is_err());
            let balanced = format!("{}1{}", open.repeat(100_000), close.repeat(100_000));
            assert!(canonical_json(balanced.as_bytes()).is_err());
        }
    }
}
