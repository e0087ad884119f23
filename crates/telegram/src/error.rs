//! Classifies Bot API failures (error envelopes and transport errors) into `MessengerError`.

use std::time::Duration;

use paygate_domain::messenger::MessengerError;

/// Wait this long after a 429 that did not say how long to wait.
const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(1);

/// Descriptions of 400 errors that mean "no such chat, or the member is not in it".
const NOT_FOUND_MARKERS: [&str; 3] = ["chat not found", "member not found", "user not found"];

/// Maps a Bot API error (`error_code`, `description`, `parameters.retry_after`) to a port error.
pub(crate) fn classify(code: u16, description: String, retry_after: Option<u64>) -> MessengerError {
    match code {
        429 => MessengerError::RateLimited {
            retry_after: retry_after.map_or(DEFAULT_RETRY_AFTER, Duration::from_secs),
        },
        401 => MessengerError::Unauthorized,
        403 => MessengerError::Forbidden,
        400 if is_not_found(&description) => MessengerError::ChatNotFound,
        500.. => MessengerError::Unavailable(format!("HTTP {code}: {description}")),
        _ => MessengerError::Rejected { code, description },
    }
}

fn is_not_found(description: &str) -> bool {
    let description = description.to_ascii_lowercase();
    NOT_FOUND_MARKERS.iter().any(|marker| description.contains(marker))
}

/// Maps a transport failure (timeout, refused connection, broken body) to a port error.
///
/// The URL is stripped because it contains the bot token; the source chain is kept for diagnosis.
pub(crate) fn transport(error: reqwest::Error) -> MessengerError {
    MessengerError::Unavailable(paygate_provider_http::describe_transport(error))
}

/// Replaces every occurrence of `secret` in the error's text, as a last line of defence.
pub(crate) fn redact(error: MessengerError, secret: &str) -> MessengerError {
    let scrub = |text: String| paygate_provider_http::scrub(text, secret);
    match error {
        MessengerError::Unavailable(message) => MessengerError::Unavailable(scrub(message)),
        MessengerError::Rejected { code, description } => {
            MessengerError::Rejected { code, description: scrub(description) }
        }
        other @ (MessengerError::NotConfigured
        | MessengerError::ChatNotFound
        | MessengerError::Unauthorized
        | MessengerError::Forbidden
        | MessengerError::RateLimited { .. }) => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limits_use_retry_after_or_one_second() {
        let limited = |after| classify(429, "Too Many Requests".into(), after);
        assert_eq!(limited(Some(7)), MessengerError::RateLimited { retry_after: Duration::from_secs(7) });
        assert_eq!(limited(None), MessengerError::RateLimited { retry_after: Duration::from_secs(1) });
    }

    #[test]
    fn not_found_descriptions_of_bad_requests_mean_chat_not_found() {
        for description in
            ["Bad Request: chat not found", "Bad Request: member not found", "Bad Request: USER NOT FOUND"]
        {
            assert_eq!(classify(400, description.into(), None), MessengerError::ChatNotFound);
        }
    }

    #[test]
    fn other_client_errors_are_rejections_and_server_errors_are_unavailable() {
        assert_eq!(
            classify(400, "Bad Request: message is too long".into(), None),
            MessengerError::Rejected { code: 400, description: "Bad Request: message is too long".into() }
        );
        assert_eq!(classify(401, "Unauthorized".into(), None), MessengerError::Unauthorized);
        assert_eq!(classify(403, "Forbidden: bot was kicked".into(), None), MessengerError::Forbidden);
        assert!(matches!(
            classify(404, "Not Found".into(), None),
            MessengerError::Rejected { code: 404, .. }
        ));
        assert!(classify(502, "Bad Gateway".into(), None).is_retryable());
    }

    #[test]
    fn redaction_removes_the_secret_from_messages() {
        let error = redact(MessengerError::Unavailable("GET /bot123:abc/getMe".into()), "123:abc");
        assert_eq!(error, MessengerError::Unavailable("GET /bot[REDACTED]/getMe".into()));
    }
}
