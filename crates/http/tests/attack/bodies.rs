//! Huge bodies, invalid UTF-8 and wrong content types to every public POST door: 4xx, never 500.

use paygate_test_support::spawn_app;
use reqwest::{Method, StatusCode};

use crate::support::{count, post_ipn, survives};

/// Every JSON endpoint of the API that takes a body, plus the channel PATCH.
fn json_endpoints(channel_path: &str) -> Vec<(Method, String)> {
    let mut endpoints: Vec<(Method, String)> = [
        "signup",
        "login",
        "refresh",
        "logout",
        "verify-email",
        "forgot-password",
        "reset-password",
        "change-password",
    ]
    .iter()
    .map(|name| (Method::POST, format!("/api/v1/auth/{name}")))
    .collect();
    endpoints.push((Method::POST, "/api/v1/channels".to_owned()));
    endpoints.push((Method::PATCH, channel_path.to_owned()));
    endpoints
}

#[tokio::test]
async fn huge_broken_and_mislabelled_bodies_get_a_4xx_from_every_json_endpoint() {
    let app = spawn_app().await;
    let token = app.owner_token("bodies").await;
    let channel = crate::support::create_channel(&app, &token, -1001000000011, -1001000000012).await;
    let channel_path = format!("/api/v1/channels/{}", channel["id"].as_str().unwrap());
    let too_large = format!("{{\"username\": \"{}\"}}", "x".repeat(2 * 1024 * 1024));
    let wide = format!("[{}]", vec!["\"aaaaaaaaaa\""; 60_000].join(","));
    let cases: Vec<(&str, &str, Vec<u8>, &[u16])> = vec![
        ("over the body limit", "application/json", too_large.into_bytes(), &[413]),
        ("a wide array of the wrong shape", "application/json", wide.into_bytes(), &[400, 422]),
        (
            "invalid UTF-8 in a string",
            "application/json",
            b"{\"login\": \"\xff\xfe\xfd\"}".to_vec(),
            &[400, 422],
        ),
        ("truncated JSON", "application/json", b"{\"login\": ".to_vec(), &[400]),
        ("a form body", "application/x-www-form-urlencoded", b"login=a&password=b".to_vec(), &[415]),
        ("plain text", "text/plain", b"{\"login\": \"a\"}".to_vec(), &[415]),
    ];
    for (method, path) in json_endpoints(&channel_path) {
        for (what, content_type, body, expected) in &cases {
            let response = app
                .http
                .request(method.clone(), app.url(&path))
                .bearer_auth(&token)
                .header("content-type", *content_type)
                .body(body.clone())
                .send()
                .await
                .expect("the app stopped answering");
            let status = response.status().as_u16();
            assert!(expected.contains(&status), "{method} {path} with {what}: {status}");
        }
    }
    let unchanged: serde_json::Value = app.get_as(&token, &channel_path).await.json().await.unwrap();
    assert_eq!(unchanged, channel);
    survives(&app).await;
}

#[tokio::test]
async fn form_pages_and_the_sandbox_checkout_shrug_off_garbage() {
    let app = spawn_app().await;
    let garbage: Vec<(&str, Vec<u8>)> = vec![
        ("application/x-www-form-urlencoded", b"token=\xff\xfe&new_password=%ZZ".to_vec()),
        ("application/json", "[".repeat(100_000).into_bytes()),
        ("application/x-www-form-urlencoded", vec![b'a'; 2 * 1024 * 1024]),
    ];
    let unknown = uuid::Uuid::now_v7();
    let paths = [
        "/verify-email".to_owned(),
        "/reset-password".to_owned(),
        format!("/sandbox/checkout/{unknown}/pay"),
        "/sandbox/checkout/not-a-uuid/pay".to_owned(),
    ];
    for path in &paths {
        for (content_type, body) in &garbage {
            let response = app
                .http
                .post(app.url(path))
                .header("content-type", *content_type)
                .body(body.clone())
                .send()
                .await
                .expect("the app stopped answering");
            let status = response.status();
            assert!(
                status.is_client_error() || status == StatusCode::OK,
                "{path} with {content_type}: {status}"
            );
        }
    }
    survives(&app).await;
}

#[tokio::test]
async fn unsigned_garbage_to_the_ipn_webhook_is_401_and_stores_nothing() {
    let app = spawn_app().await;
    let bodies: Vec<Vec<u8>> = vec![
        b"\xff\xfe\x00garbage".to_vec(),
        b"{\"payment_id\": \"\xff\"}".to_vec(),
        Vec::new(),
        b"null".to_vec(),
        format!("[{}]", vec!["1"; 200_000].join(",")).into_bytes(),
    ];
    for body in bodies {
        for signature in [None, Some("not hex"), Some("00")] {
            let response = post_ipn(&app, body.clone(), signature).await;
            assert!(matches!(response.status().as_u16(), 401 | 429), "{}", response.status());
        }
    }
    let oversized = post_ipn(&app, vec![b' '; 2 * 1024 * 1024], Some("00")).await;
    assert_eq!(oversized.status(), 413);
    assert_eq!(count(&app, "SELECT count(*) FROM payment_events").await, 0);
    survives(&app).await;
}
