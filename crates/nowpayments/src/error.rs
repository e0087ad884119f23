//! Classifies NOWPayments failures (HTTP statuses, error bodies, transport errors) into `GatewayError`.

use std::time::Duration;

use paygate_domain::payment_gateway::GatewayError;

use crate::wire::ApiError;

/// Wait this long after a 429 that did not say how long to wait.
const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(5);

/// Longest error text kept from a response body.
const MAX_MESSAGE_CHARS: usize = 300;

/// Maps a non-2xx answer (status, body, `Retry-After` header) to a port error.
pub(crate) fn classify(status: u16, body: &[u8], retry_after: Option<&str>) -> GatewayError {
    match status {
        429 => GatewayError::RateLimited {
            retry_after_secs: retry_after
                .and_then(|value| value.trim().parse().ok())
                .unwrap_or(DEFAULT_RETRY_AFTER.as_secs()),
        },
        401 | 403 => GatewayError::Unauthorized,
        404 => GatewayError::NotFound,
        408 | 500.. => GatewayError::Unavailable(format!("HTTP {status}: {}", message(body))),
        400..=499 => GatewayError::Rejected(message(body)),
        _ => GatewayError::BadResponse(format!("unexpected HTTP {status}")),
    }
}

/// The `code: message` of an error body, or the start of the body when it is not one.
fn message(body: &[u8]) -> String {
    let text = match serde_json::from_slice::<ApiError>(body) {
        Ok(ApiError { code, message: Some(message) }) => {
            let message = message.as_str().map_or_else(|| message.to_string(), str::to_owned);
            code.map_or_else(|| message.clone(), |code| format!("{code}: {message}"))
        }
        Ok(ApiError { code: Some(code), message: None }) => code,
        _ if body.is_empty() => "empty body".to_owned(),
        _ => String::from_utf8_lossy(body).into_owned(),
    };
    text.chars().take(MAX_MESSAGE_CHARS).collect()
}

/// Maps a transport failure (timeout, refused connection, broken body) to a port error.
pub(crate) fn transport(error: reqwest::Error) -> GatewayError {
    GatewayError::Unavailable(paygate_provider_http::describe_transport(error))
}

/// Replaces every occurrence of `secret` in the error's text, as a last line of defence.
pub(crate) fn redact(error: GatewayError, secret: &str) -> GatewayError {
    let scrub = |text: String| paygate_provider_http::scrub(text, secret);
    match error {
        GatewayError::Unavailable(message) => GatewayError::Unavailable(scrub(message)),
        GatewayError::Rejected(message) => GatewayError::Rejected(scrub(message)),
        GatewayError::BadResponse(message) => GatewayError::BadResponse(scrub(message)),
        GatewayError::NotConfigured(message) => GatewayError::NotConfigured(scrub(message)),
        other @ (GatewayError::RateLimited { .. } | GatewayError::Unauthorized | GatewayError::NotFound) => {
            other
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limits_use_retry_after_or_five_seconds() {
        assert_eq!(classify(429, b"", Some("12")), GatewayError::RateLimited { retry_after_secs: 12 });
        assert_eq!(classify(429, b"", None), GatewayError::RateLimited { retry_after_secs: 5 });
        let http_date = Some("Wed, 21 Oct 2015 07:28:00 GMT");
        assert_eq!(classify(429, b"", http_date), GatewayError::RateLimited { retry_after_secs: 5 });
    }

    #[test]
    fn auth_failures_missing_things_and_server_errors_are_told_apart() {
        assert_eq!(classify(401, b"{}", None), GatewayError::Unauthorized);
        assert_eq!(classify(403, b"{}", None), GatewayError::Unauthorized);
        assert_eq!(classify(404, b"{}", None), GatewayError::NotFound);
        assert!(matches!(classify(502, b"<html>", None), GatewayError::Unavailable(_)));
        assert!(classify(503, b"", None).is_retryable());
        assert!(matches!(classify(302, b"", None), GatewayError::BadResponse(_)));
    }

    #[test]
    fn other_client_errors_are_rejections_carrying_the_body_message() {
        let body = br#"{"status":false,"statusCode":400,"code":"INVALID_REQUEST_PARAMS","message":"\"price_amount\" must be a number"}"#;
        assert_eq!(
            classify(400, body, None),
            GatewayError::Rejected("INVALID_REQUEST_PARAMS: \"price_amount\" must be a number".into())
        );
        assert_eq!(classify(422, b"not json", None), GatewayError::Rejected("not json".into()));
        assert!(!classify(400, b"", None).is_retryable());
    }

    #[test]
    fn long_bodies_are_cut() {
        let GatewayError::Rejected(message) = classify(400, "x".repeat(5000).as_bytes(), None) else {
            panic!("not a rejection");
        };
        assert_eq!(message.len(), MAX_MESSAGE_CHARS);
    }

    #[test]
    fn redaction_removes_the_secret_from_messages() {
        let error = redact(GatewayError::Rejected("bad key k-123 sent".into()), "k-123");
        assert_eq!(error, GatewayError::Rejected("bad key [REDACTED] sent".into()));
    }
}
