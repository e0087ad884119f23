//! The refresh token as an `HttpOnly; SameSite=Strict` cookie scoped to `/api/v1/auth`, for the dashboard.
//!
//! CSRF: the cookie is sent only by same-site requests (`SameSite=Strict`) and only to the auth routes;
//! refresh and logout also need a JSON body (`Content-Type: application/json`), which a cross-site form
//! cannot send and a cross-site `fetch` cannot send without a CORS preflight that Paygate never grants.

use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue, header};

pub const NAME: &str = "paygate_refresh";
const PATH: &str = "/api/v1/auth";

/// `Set-Cookie` carrying `token` for `ttl`; `Secure` when the public URL is https.
pub fn set(token: &str, ttl: Duration, https: bool) -> Option<HeaderValue> {
    let secure = if https { "; Secure" } else { "" };
    let value =
        format!("{NAME}={token}; Path={PATH}; HttpOnly; SameSite=Strict; Max-Age={}{secure}", ttl.as_secs());
    HeaderValue::from_str(&value).ok()
}

/// `Set-Cookie` that removes the cookie.
pub fn clear(https: bool) -> HeaderValue {
    if https {
        HeaderValue::from_static(
            "paygate_refresh=; Path=/api/v1/auth; HttpOnly; SameSite=Strict; Max-Age=0; Secure",
        )
    } else {
        HeaderValue::from_static("paygate_refresh=; Path=/api/v1/auth; HttpOnly; SameSite=Strict; Max-Age=0")
    }
}

/// The refresh token from the request's `Cookie` headers, if any.
pub fn read(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| *name == NAME && !value.is_empty())
        .map(|(_, value)| value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_is_http_only_strict_scoped_to_auth_and_secure_only_on_https() {
        let plain =
            set("abc", Duration::from_secs(60), false).unwrap_or_else(|| HeaderValue::from_static(""));
        assert_eq!(plain, "paygate_refresh=abc; Path=/api/v1/auth; HttpOnly; SameSite=Strict; Max-Age=60");
        let secure =
            set("abc", Duration::from_secs(60), true).unwrap_or_else(|| HeaderValue::from_static(""));
        assert!(secure.to_str().is_ok_and(|v| v.ends_with("; Secure")));
        assert!(clear(true).to_str().is_ok_and(|v| v.contains("Max-Age=0") && v.ends_with("; Secure")));
    }

    #[test]
    fn the_token_is_read_among_other_cookies_and_an_empty_one_is_none() {
        let mut headers = HeaderMap::new();
        headers.append(header::COOKIE, HeaderValue::from_static("a=1; paygate_refresh=tok.en; b=2"));
        assert_eq!(read(&headers).as_deref(), Some("tok.en"));
        let mut empty = HeaderMap::new();
        empty.append(header::COOKIE, HeaderValue::from_static("paygate_refresh="));
        assert_eq!(read(&empty), None);
        assert_eq!(read(&HeaderMap::new()), None);
    }

    #[test]
    fn a_token_that_cannot_be_a_header_value_sets_no_cookie() {
        assert!(set("bad\ntoken", Duration::from_secs(60), false).is_none());
    }
}
