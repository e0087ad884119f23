//! No secret reaches the logs: passwords, access and refresh tokens, one-time mail tokens.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failing test should fail loudly

use std::{
    io::Write,
    sync::{Arc, Mutex},
};

use paygate_test_support::{TEST_JWT_SECRET, spawn_app_with_worker};
use serde_json::{Value, json};
use tracing_subscriber::{EnvFilter, fmt::MakeWriter};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test]
async fn account_flows_never_log_passwords_or_tokens() {
    let captured = Captured::default();
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(EnvFilter::new("trace,hyper=info,hyper_util=info,reqwest=info,h2=info"))
        .with_writer(captured.clone())
        .init();

    let app = spawn_app_with_worker().await;
    let password = "Sup3r-Secret-Horse!";
    let signup: Value = app
        .post(
            "/api/v1/auth/signup",
            &json!({"username": "quinn", "email": "quinn@example.org", "password": password}),
        )
        .await
        .json()
        .await
        .unwrap();
    let wrong = "Wr0ng-Secret-Horse!";
    app.post("/api/v1/auth/login", &json!({"login": "quinn", "password": wrong})).await;
    let refresh = signup["refresh_token"].as_str().unwrap();
    let rotated: Value =
        app.post("/api/v1/auth/refresh", &json!({"refresh_token": refresh})).await.json().await.unwrap();
    let access = rotated["access_token"].as_str().unwrap();
    app.get_as(access, "/api/v1/auth/me").await;
    app.post("/api/v1/auth/forgot-password", &json!({"login": "quinn"})).await;
    let mut reset_token = None;
    for _ in 0..1200 {
        // up to a minute: a loaded machine is slow, not wrong
        if let Some((_, _, body)) =
            app.sandbox_mails().await.into_iter().find(|(_, s, _)| s.contains("Reset"))
        {
            reset_token =
                body.split("token=").nth(1).map(|t| t.split_whitespace().next().unwrap_or("").to_owned());
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let reset_token = reset_token.expect("reset mail");
    let new_password = "N3w-Secret-Horse!";
    app.post("/api/v1/auth/reset-password", &json!({"token": reset_token, "new_password": new_password}))
        .await;

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("request served"), "logging was captured");
    for secret in [password, wrong, new_password, refresh, access, &reset_token, TEST_JWT_SECRET] {
        assert!(!logs.contains(secret), "a secret appeared in the logs");
    }
}
