//! Classifies ChangeNOW failures (HTTP statuses, `{"error","message"}` bodies, transport errors) into `SwapError`.

use std::time::Duration;

use paygate_domain::swap::SwapError;

use crate::wire::ApiError;

/// Wait this long after a 429 that did not say how long to wait.
const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(5);

/// Longest error text kept from a response body.
const MAX_MESSAGE_CHARS: usize = 300;

/// Maps a non-2xx answer (status, body, `Retry-After` header) to a port error. The error code in
/// the body decides for client errors; the HTTP status for the rest.
pub(crate) fn classify(status: u16, body: &[u8], retry_after: Option<&str>) -> SwapError {
    let parsed = serde_json::from_slice::<ApiError>(body).ok();
    let code = parsed.as_ref().and_then(|error| error.error.as_deref()).unwrap_or_default();
    let text = message(parsed.as_ref(), body);
    match status {
        429 => SwapError::RateLimited {
            retry_after_secs: retry_after
                .and_then(|value| value.trim().parse().ok())
                .unwrap_or(DEFAULT_RETRY_AFTER.as_secs()),
        },
        408 | 500.. => SwapError::Unavailable(format!("HTTP {status}: {text}")),
        401 | 403 => SwapError::Unauthorized,
        400..=499 => by_code(status, code, text),
        _ => SwapError::BadResponse(format!("unexpected HTTP {status}")),
    }
}

/// A client error by ChangeNOW's error code.
fn by_code(status: u16, code: &str, text: String) -> SwapError {
    match code {
        "not_valid_address" | "not_valid_refund_address" | "not_valid_extra_id" => {
            SwapError::InvalidAddress(text)
        }
        "out_of_range" | "deposit_too_small" | "amount_too_small" | "amount_too_big" => {
            SwapError::AmountOutOfRange(text)
        }
        "pair_is_inactive" | "not_valid_pair" | "pair_is_not_available" => SwapError::PairUnavailable(text),
        "fixed_rate_not_enabled" => SwapError::FixedRateUnavailable(text),
        "invalid_api_key" | "unauthorized" => SwapError::Unauthorized,
        "not_found" => SwapError::NotFound,
        _ if status == 404 => SwapError::NotFound,
        _ => SwapError::Rejected(text),
    }
}

/// The `error: message` of an error body, or the start of the body when it is not one.
fn message(parsed: Option<&ApiError>, body: &[u8]) -> String {
    let text = match parsed {
        Some(ApiError { error: Some(code), message: Some(message) }) => format!("{code}: {message}"),
        Some(
            ApiError { error: Some(text), message: None } | ApiError { error: None, message: Some(text) },
        ) => text.clone(),
        _ if body.is_empty() => "empty body".to_owned(),
        _ => String::from_utf8_lossy(body).into_owned(),
    };
    text.chars().take(MAX_MESSAGE_CHARS).collect()
}

/// Maps a transport failure (timeout, refused connection, broken body) to a port error.
pub(crate) fn transport(error: reqwest::Error) -> SwapError {
    SwapError::Unavailable(paygate_provider_http::describe_transport(error))
}

/// Replaces every occurrence of `secret` in the error's text, as a last line of defence.
pub(crate) fn redact(error: SwapError, secret: &str) -> SwapError {
    let scrub = |text: String| paygate_provider_http::scrub(text, secret);
    match error {
        SwapError::Unavailable(text) => SwapError::Unavailable(scrub(text)),
        SwapError::InvalidAddress(text) => SwapError::InvalidAddress(scrub(text)),
        SwapError::AmountOutOfRange(text) => SwapError::AmountOutOfRange(scrub(text)),
        SwapError::PairUnavailable(text) => SwapError::PairUnavailable(scrub(text)),
        SwapError::FixedRateUnavailable(text) => SwapError::FixedRateUnavailable(scrub(text)),
        SwapError::Rejected(text) => SwapError::Rejected(scrub(text)),
        SwapError::BadResponse(text) => SwapError::BadResponse(scrub(text)),
        other @ (SwapError::RateLimited { .. } | SwapError::Unauthorized | SwapError::NotFound) => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(code: &str, message: &str) -> Vec<u8> {
        format!(r#"{{"error":"{code}","message":"{message}"}}"#).into_bytes()
    }

    #[test]
    fn rate_limits_use_retry_after_or_five_seconds() {
        assert_eq!(classify(429, b"", Some("12")), SwapError::RateLimited { retry_after_secs: 12 });
        assert_eq!(classify(429, b"", None), SwapError::RateLimited { retry_after_secs: 5 });
    }

    #[test]
    fn error_codes_decide_the_class_of_a_client_error() {
        let cases = [
            ("not_valid_address", SwapError::InvalidAddress("not_valid_address: m".into())),
            ("not_valid_refund_address", SwapError::InvalidAddress("not_valid_refund_address: m".into())),
            ("out_of_range", SwapError::AmountOutOfRange("out_of_range: m".into())),
            ("deposit_too_small", SwapError::AmountOutOfRange("deposit_too_small: m".into())),
            ("pair_is_inactive", SwapError::PairUnavailable("pair_is_inactive: m".into())),
            ("fixed_rate_not_enabled", SwapError::FixedRateUnavailable("fixed_rate_not_enabled: m".into())),
            ("invalid_api_key", SwapError::Unauthorized),
            ("not_found", SwapError::NotFound),
            ("not_valid_params", SwapError::Rejected("not_valid_params: m".into())),
        ];
        for (code, expected) in cases {
            assert_eq!(classify(400, &body(code, "m"), None), expected, "{code}");
        }
    }

    #[test]
    fn statuses_decide_without_a_code() {
        assert_eq!(classify(401, br#"{"message":"Unauthorized"}"#, None), SwapError::Unauthorized);
        assert_eq!(classify(403, b"", None), SwapError::Unauthorized);
        assert_eq!(classify(404, b"<html>", None), SwapError::NotFound);
        assert!(matches!(classify(502, b"<html>", None), SwapError::Unavailable(_)));
        assert!(classify(500, &body("internal", "x"), None).is_retryable());
        assert!(matches!(classify(302, b"", None), SwapError::BadResponse(_)));
        assert_eq!(classify(422, b"not json", None), SwapError::Rejected("not json".into()));
    }

    #[test]
    fn long_bodies_are_cut_and_secrets_scrubbed() {
        let SwapError::Rejected(text) = classify(400, "x".repeat(5000).as_bytes(), None) else {
            panic!("not a rejection");
        };
        assert_eq!(text.len(), MAX_MESSAGE_CHARS);
        let error = redact(SwapError::InvalidAddress("key k-123 bad".into()), "k-123");
        assert_eq!(error, SwapError::InvalidAddress("key [REDACTED] bad".into()));
    }
}
