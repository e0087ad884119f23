//! HTTP helpers shared by provider connectors: describing transport failures without leaking URLs
//! (which may carry credentials), scrubbing a secret out of any text as a last line of defence, and
//! bounding the nesting of untrusted JSON before it is parsed.

pub mod amounts;
mod json_depth;

pub use json_depth::{MAX_JSON_DEPTH, TooDeep, check_depth};

/// "timed out: …", "cannot connect: …" or "transport error: …", with the cause chain, never the URL.
pub fn describe_transport(error: reqwest::Error) -> String {
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "cannot connect"
    } else {
        "transport error"
    };
    let error = error.without_url();
    let mut message = format!("{kind}: {error}");
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

/// Replaces every occurrence of `secret` in `text` with `[REDACTED]`.
pub fn scrub(text: String, secret: &str) -> String {
    if secret.is_empty() { text } else { text.replace(secret, "[REDACTED]") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_is_scrubbed_everywhere_and_an_empty_one_changes_nothing() {
        assert_eq!(scrub("k=abc and abc".into(), "abc"), "k=[REDACTED] and [REDACTED]");
        assert_eq!(scrub("plain".into(), ""), "plain");
    }

    #[tokio::test]
    async fn a_refused_connection_is_described_without_its_url() {
        let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port());
        let url = format!("http://127.0.0.1:{}/botSECRET-TOKEN/getMe", port.unwrap_or(9));
        let Err(error) = reqwest::get(&url).await else { panic!("connected to a closed port") };
        let text = describe_transport(error);
        assert!(text.starts_with("cannot connect"), "{text}");
        assert!(!text.contains("SECRET-TOKEN"), "{text}");
    }
}
