//! What the dashboard handler answers for files, client routes and server paths.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::{
    Router,
    body::{Body, to_bytes},
    http::{Request, StatusCode, header},
};
use tower::ServiceExt;

use super::{CSP, Dist, serve};

async fn get(path: &str) -> axum::response::Response {
    let app = Router::new().fallback(serve);
    app.oneshot(Request::get(path).body(Body::empty()).unwrap()).await.unwrap()
}

fn header(response: &axum::response::Response, name: header::HeaderName) -> &str {
    response.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
}

async fn text(response: axum::response::Response) -> String {
    String::from_utf8(to_bytes(response.into_body(), 10 << 20).await.unwrap().to_vec()).unwrap()
}

#[tokio::test]
async fn the_root_and_client_routes_serve_index_html_revalidated_with_the_csp() {
    for path in ["/", "/channels", "/channels/0b1c/payouts", "/operator/attention"] {
        let response = get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(header(&response, header::CACHE_CONTROL), "no-cache", "{path}");
        assert_eq!(header(&response, header::CONTENT_SECURITY_POLICY), CSP, "{path}");
        assert!(header(&response, header::CONTENT_TYPE).starts_with("text/html"), "{path}");
        assert!(text(response).await.contains("<div id=\"root\">"), "{path}");
    }
}

#[tokio::test]
async fn hashed_assets_are_cached_for_a_year_with_their_content_type() {
    let script =
        Dist::iter().find(|f| f.starts_with("assets/") && f.ends_with(".js")).expect("a built script");
    let response = get(&format!("/{script}")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, header::CACHE_CONTROL), "public, max-age=31536000, immutable");
    assert!(header(&response, header::CONTENT_TYPE).contains("javascript"));
}

#[tokio::test]
async fn a_matching_etag_answers_not_modified() {
    let first = get("/").await;
    let etag = header(&first, header::ETAG).to_owned();
    assert!(!etag.is_empty());
    let app = Router::new().fallback(serve);
    let request = Request::get("/").header(header::IF_NONE_MATCH, &etag).body(Body::empty()).unwrap();
    let second = app.oneshot(request).await.unwrap();
    assert_eq!(second.status(), StatusCode::NOT_MODIFIED);
}

#[tokio::test]
async fn missing_files_and_server_paths_are_404_not_the_dashboard() {
    for path in [
        "/assets/missing-abc123.js",
        "/favicon.ico",
        "/api/v1/nothing",
        "/api",
        "/webhooks/x",
        "/sandbox/nope",
        "/pay/x/y",
    ] {
        let response = get(path).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(text(response).await.contains("not_found"), "{path}");
    }
}

#[tokio::test]
async fn other_methods_than_get_are_404() {
    let app = Router::new().fallback(serve);
    let response = app.oneshot(Request::post("/channels").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}
