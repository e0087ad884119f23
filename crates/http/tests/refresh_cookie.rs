//! The dashboard's refresh cookie: set on sign-up, login and refresh, accepted by refresh and logout,
//! rotated like the body token, and refused from a form post.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failing test should fail loudly

use paygate_test_support::{TestApp, spawn_app};
use serde_json::{Value, json};

/// The `paygate_refresh` cookie a response sets (name=value only) and its full header.
fn set_cookie(response: &reqwest::Response) -> (String, String) {
    let header = response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("paygate_refresh="))
        .expect("a paygate_refresh cookie")
        .to_owned();
    (header.split(';').next().unwrap().to_owned(), header)
}

async fn post_with_cookie(app: &TestApp, path: &str, cookie: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(app.url(path))
        .header(reqwest::header::COOKIE, cookie)
        .json(&json!({}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn signup_sets_an_http_only_strict_cookie_holding_the_refresh_token_of_the_body() {
    let app = spawn_app().await;
    let body = json!({"username": "carol", "email": "carol@example.org", "password": "correct-horse-9"});
    let response = app.post("/api/v1/auth/signup", &body).await;
    assert_eq!(response.status(), 201);
    let (cookie, header) = set_cookie(&response);
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/api/v1/auth", "Max-Age=2592000"] {
        assert!(header.contains(attribute), "{header} lacks {attribute}");
    }
    assert!(!header.contains("Secure"), "plain http must not set Secure: {header}");
    let session: Value = response.json().await.unwrap();
    assert_eq!(cookie, format!("paygate_refresh={}", session["refresh_token"].as_str().unwrap()));
}

#[tokio::test]
async fn the_cookie_alone_refreshes_rotates_and_a_reused_cookie_ends_the_session() {
    let app = spawn_app().await;
    app.signup("dave").await;
    let login =
        app.post("/api/v1/auth/login", &json!({"login": "dave", "password": "correct-horse-9"})).await;
    let (first, _) = set_cookie(&login);

    let refreshed = post_with_cookie(&app, "/api/v1/auth/refresh", &first).await;
    assert_eq!(refreshed.status(), 200);
    let (second, _) = set_cookie(&refreshed);
    assert_ne!(first, second, "the cookie rotates with the token");

    let reuse = post_with_cookie(&app, "/api/v1/auth/refresh", &first).await;
    assert_eq!(reuse.status(), 401);
    let error: Value = reuse.json().await.unwrap();
    assert_eq!(error["error"]["code"], "refresh_token_reused");
    assert_eq!(post_with_cookie(&app, "/api/v1/auth/refresh", &second).await.status(), 401);
}

#[tokio::test]
async fn logout_with_the_cookie_revokes_it_and_clears_it() {
    let app = spawn_app().await;
    let signup = app
        .post(
            "/api/v1/auth/signup",
            &json!({"username": "erin", "email": "erin@example.org", "password": "correct-horse-9"}),
        )
        .await;
    let (cookie, _) = set_cookie(&signup);
    let logout = post_with_cookie(&app, "/api/v1/auth/logout", &cookie).await;
    assert_eq!(logout.status(), 204);
    let (cleared, header) = set_cookie(&logout);
    assert_eq!(cleared, "paygate_refresh=");
    assert!(header.contains("Max-Age=0"));
    assert_eq!(post_with_cookie(&app, "/api/v1/auth/refresh", &cookie).await.status(), 401);
}

#[tokio::test]
async fn a_refresh_without_body_token_or_cookie_is_422_and_a_form_post_with_the_cookie_is_refused() {
    let app = spawn_app().await;
    for path in ["/api/v1/auth/refresh", "/api/v1/auth/logout"] {
        let response = app.post(path, &json!({})).await;
        assert_eq!(response.status(), 422, "{path}");
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["error"]["fields"][0]["field"], "refresh_token", "{path}");
    }
    let signup = app
        .post(
            "/api/v1/auth/signup",
            &json!({"username": "frank", "email": "frank@example.org", "password": "correct-horse-9"}),
        )
        .await;
    let (cookie, _) = set_cookie(&signup);
    // What a cross-site form could send: not JSON, so nothing is refreshed.
    let form = reqwest::Client::new()
        .post(app.url("/api/v1/auth/refresh"))
        .header(reqwest::header::COOKIE, &cookie)
        .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body("x=1")
        .send()
        .await
        .unwrap();
    assert!(form.status().is_client_error() && form.headers().get(reqwest::header::SET_COOKIE).is_none());
    assert_eq!(post_with_cookie(&app, "/api/v1/auth/refresh", &cookie).await.status(), 200);
}
