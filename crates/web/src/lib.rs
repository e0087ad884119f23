//! The dashboard's built files, embedded in the binary and served with an `index.html` fallback.

use axum::{
    body::Body,
    http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header},
    response::{IntoResponse, Response},
};

#[derive(rust_embed::RustEmbed)]
#[folder = "$PAYGATE_WEB_DIST"]
struct Dist;

/// Only what the dashboard uses: its own scripts, styles (Mantine sets inline styles and injects
/// its CSS variables in a `<style>` element), QR codes as `data:` images, and the API on this origin.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
                       img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; \
                       frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

/// Hashed build output: the name changes with the content, so it can be cached for a year.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Everything else (`index.html`): revalidated on every load so a new release is picked up.
const REVALIDATE: &str = "no-cache";

/// Paths that belong to the server: an unknown one there is a 404, never the dashboard.
const SERVER_PREFIXES: &[&str] =
    &["/api/", "/webhooks/", "/sandbox/", "/pay/", "/verify-email", "/reset-password"];
const SERVER_PATHS: &[&str] = &["/api", "/healthz", "/readyz", "/metrics"];

/// Fallback handler of the router: a built file, or `index.html` for a client route.
pub async fn serve(method: Method, uri: Uri, headers: HeaderMap) -> Response {
    let path = uri.path();
    if method != Method::GET && method != Method::HEAD {
        return not_found();
    }
    if SERVER_PATHS.contains(&path) || SERVER_PREFIXES.iter().any(|prefix| path.starts_with(prefix)) {
        return not_found();
    }
    let file = path.trim_start_matches('/');
    if !file.is_empty()
        && let Some(content) = Dist::get(file)
    {
        let cache = if file.starts_with("assets/") { IMMUTABLE } else { REVALIDATE };
        return respond(content, cache, &headers);
    }
    // A missing asset or file (anything with an extension) is a 404; other paths are client routes.
    let last = file.rsplit('/').next().unwrap_or_default();
    if file.starts_with("assets/") || last.contains('.') {
        return not_found();
    }
    match Dist::get("index.html") {
        Some(index) => respond(index, REVALIDATE, &headers),
        None => not_found(),
    }
}

fn respond(content: rust_embed::EmbeddedFile, cache: &'static str, request: &HeaderMap) -> Response {
    let etag = format!("\"{}\"", hex(&content.metadata.sha256_hash()[..16]));
    let mut response =
        if request.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(etag.as_str()) {
            StatusCode::NOT_MODIFIED.into_response()
        } else {
            Response::new(Body::from(content.data.into_owned()))
        };
    let headers = response.headers_mut();
    if let Ok(mime) = HeaderValue::from_str(content.metadata.mimetype()) {
        headers.insert(header::CONTENT_TYPE, mime);
    }
    if let Ok(etag) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, etag);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    response
}

fn not_found() -> Response {
    let body = r#"{"error":{"code":"not_found","message":"not found"}}"#;
    (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests;
