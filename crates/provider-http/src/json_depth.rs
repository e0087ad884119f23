//! A linear pre-scan that bounds JSON nesting before any recursive parser or walker sees the text.

/// Nesting allowed in provider callbacks and API bodies: real payloads use fewer than 10 levels.
pub const MAX_JSON_DEPTH: usize = 32;

/// `text` opens more than `max` arrays/objects inside each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("JSON nested deeper than {max} levels")]
pub struct TooDeep {
    pub max: usize,
}

/// Checks in one pass, without recursion or allocation, that no `[`/`{` outside a string literal
/// nests deeper than `max`. Everything else (syntax, UTF-8) is left to the real parser: the scan only
/// tracks string literals and their backslash escapes so that brackets inside strings do not count.
pub fn check_depth(text: &[u8], max: usize) -> Result<(), TooDeep> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for &byte in text {
        if in_string {
            if escaped {
                escaped = false;
            } else if byte == b'\\' {
                escaped = true;
            } else if byte == b'"' {
                in_string = false;
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    return Err(TooDeep { max });
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(levels: usize, open: &str, close: &str) -> String {
        format!("{}1{}", open.repeat(levels), close.repeat(levels))
    }

    #[test]
    fn nesting_up_to_the_limit_passes_and_one_more_level_fails() {
        assert_eq!(check_depth(nested(4, "[", "]").as_bytes(), 4), Ok(()));
        assert_eq!(check_depth(nested(5, "[", "]").as_bytes(), 4), Err(TooDeep { max: 4 }));
        assert_eq!(check_depth(nested(4, r#"{"a":"#, "}").as_bytes(), 4), Ok(()));
        assert_eq!(check_depth(nested(5, r#"{"a":"#, "}").as_bytes(), 4), Err(TooDeep { max: 4 }));
    }

    #[test]
    fn siblings_do_not_add_up() {
        let wide = format!("[{}]", vec!["[[1]]"; 1000].join(","));
        assert_eq!(check_depth(wide.as_bytes(), 3), Ok(()));
    }

    #[test]
    fn brackets_inside_strings_do_not_count_and_escaped_quotes_do_not_end_them() {
        let body = r#"{"a":"[[[[{{{{ \" [[[[ \\","b":["x"]}"#;
        assert_eq!(check_depth(body.as_bytes(), 2), Ok(()));
        // After `\\` the string ends, so the brackets that follow count again.
        let body = r#"["\\",[[1]]]"#;
        assert_eq!(check_depth(body.as_bytes(), 2), Err(TooDeep { max: 2 }));
    }

    #[test]
    fn a_hundred_thousand_open_brackets_fail_fast_without_recursion() {
        let body = "[".repeat(100_000);
        assert_eq!(check_depth(body.as_bytes(), MAX_JSON_DEPTH), Err(TooDeep { max: MAX_JSON_DEPTH }));
        let body = r#"{"a":"#.repeat(100_000);
        assert!(check_depth(body.as_bytes(), MAX_JSON_DEPTH).is_err());
    }

    #[test]
    fn unbalanced_closers_and_invalid_utf8_are_left_to_the_parser() {
        assert_eq!(check_depth(b"]]]]}}}}[1]", 1), Ok(()));
        assert_eq!(check_depth(&[0xff, 0xfe, b'[', 0xc0, b']'], 1), Ok(()));
    }
}
