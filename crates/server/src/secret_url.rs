//! URLs that may carry credentials (a key in the path or query, `user:password@`): shown redacted.

use std::fmt;

use url::Url;

/// What replaces a hidden part.
const HIDDEN: &str = "***";

/// A URL whose `Debug` and `Display` hide anything that may be a credential (use [`SecretUrl::expose`]
/// to connect).
#[derive(Clone, PartialEq, Eq)]
pub struct SecretUrl(Url);

impl SecretUrl {
    pub fn new(url: Url) -> Self {
        Self(url)
    }

    /// The full URL, credentials included: for connecting only, never for printing.
    pub fn expose(&self) -> &Url {
        &self.0
    }
}

impl fmt::Debug for SecretUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", redact(&self.0))
    }
}

impl fmt::Display for SecretUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redact(&self.0))
    }
}

/// The URL with its password (and a user name standing alone, often an API key), every query value,
/// the fragment and every path segment that could be a key (longer than 12 characters or with
/// more than two digits) replaced by `***`. Scheme, host, port and short path words stay readable.
pub fn redact(url: &Url) -> String {
    let mut out = format!("{}://", url.scheme());
    match (url.username(), url.password()) {
        ("", None) => {}
        (user, Some(_)) => out.push_str(&format!("{user}:{HIDDEN}@")),
        (_, None) => out.push_str(&format!("{HIDDEN}@")),
    }
    if let Some(host) = url.host_str() {
        out.push_str(host);
    }
    if let Some(port) = url.port() {
        out.push_str(&format!(":{port}"));
    }
    let path: Vec<&str> =
        url.path().split('/').map(|segment| if readable(segment) { segment } else { HIDDEN }).collect();
    out.push_str(&path.join("/"));
    if let Some(query) = url.query() {
        let pairs: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((name, _)) if readable(name) => format!("{name}={HIDDEN}"),
                _ => HIDDEN.to_owned(),
            })
            .collect();
        out.push('?');
        out.push_str(&pairs.join("&"));
    }
    if url.fragment().is_some() {
        out.push('#');
        out.push_str(HIDDEN);
    }
    out
}

/// A configured value for an error message: the redacted URL when it parses, nothing of it otherwise.
pub fn redact_raw(raw: &str) -> String {
    match Url::parse(raw) {
        Ok(url) => format!("`{}`", redact(&url)),
        Err(_) => "the value".to_owned(),
    }
}

fn readable(segment: &str) -> bool {
    segment.len() <= 12 && segment.chars().filter(char::is_ascii_digit).count() <= 2
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(raw: &str) -> String {
        redact(&Url::parse(raw).unwrap())
    }

    #[test]
    fn keys_in_the_path_query_and_user_info_are_hidden_and_the_rest_stays_readable() {
        assert_eq!(
            shown("https://mainnet.infura.io/v3/0123456789abcdef0123456789abcdef"),
            "https://mainnet.infura.io/v3/***"
        );
        assert_eq!(
            shown("https://eth.example.org/rpc?apikey=s3cr3t&x=1"),
            "https://eth.example.org/rpc?apikey=***&x=***"
        );
        assert_eq!(
            shown("postgres://paygate:hunter2@db.internal:5432/paygate"),
            "postgres://paygate:***@db.internal:5432/paygate"
        );
        assert_eq!(shown("https://KEY123456@rpc.example.org/"), "https://***@rpc.example.org/");
        assert_eq!(shown("http://127.0.0.1:8545"), "http://127.0.0.1:8545/");
        assert_eq!(shown("https://x.org/a#token=abc"), "https://x.org/a#***");
    }

    #[test]
    fn debug_and_display_never_show_the_secret_and_unparseable_values_are_not_echoed() {
        let url = SecretUrl::new(
            Url::parse("https://u:pw-secret@rpc.example.org/v2/alchemy-key-abcdefgh").unwrap(),
        );
        for text in [format!("{url:?}"), format!("{url:#?}"), url.to_string()] {
            assert!(!text.contains("pw-secret") && !text.contains("alchemy-key"), "{text}");
        }
        assert_eq!(url.expose().password(), Some("pw-secret"));
        assert_eq!(redact_raw("https://user:pw-secret@[::1"), "the value");
    }
}
