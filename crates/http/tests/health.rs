//! Health, readiness and metrics endpoints of the real app.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failing test should fail loudly

use paygate_test_support::spawn_app;

#[tokio::test]
async fn healthz_answers_ok() {
    let app = spawn_app().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
}

#[tokio::test]
async fn readyz_reports_database_and_job_queue() {
    let app = spawn_app().await;
    let response = app.get("/readyz").await;
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ready");
    assert_eq!(body["database"]["ok"], true);
    assert_eq!(body["job_queue"]["ok"], true);
    assert_eq!(body["job_queue"]["needs_attention"], 0);
}

#[tokio::test]
async fn readyz_answers_503_when_the_database_is_gone() {
    let app = spawn_app().await;
    app.pool.close().await;
    let response = app.get("/readyz").await;
    assert_eq!(response.status(), 503);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "not_ready");
    assert_eq!(body["database"]["ok"], false);
}

#[tokio::test]
async fn every_response_carries_a_request_id_and_an_incoming_one_is_kept() {
    let app = spawn_app().await;
    let generated = app.get("/healthz").await;
    let id = generated.headers().get("x-request-id").expect("request id").to_str().unwrap().to_owned();
    assert_eq!(id.len(), 36, "a UUID: {id}");
    let kept = app.http.get(app.url("/healthz")).header("x-request-id", "abc-123").send().await.unwrap();
    assert_eq!(kept.headers()["x-request-id"], "abc-123");
}

#[tokio::test]
async fn metrics_expose_http_requests_by_route_and_status_with_latency() {
    let app = spawn_app().await;
    app.get("/healthz").await;
    app.get("/no/such/route").await;
    let text = app.get("/metrics").await.text().await.unwrap();
    assert!(
        text.contains(r#"paygate_http_requests_total{method="GET",route="/healthz",status="200"}"#),
        "{text}"
    );
    assert!(text.contains("paygate_http_request_duration_seconds_bucket"), "{text}");
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let app = spawn_app().await;
    let body = vec![b'x'; 2 * 1024 * 1024];
    let response = app.http.post(app.url("/healthz")).body(body).send().await.unwrap();
    assert!(response.status() == 413 || response.status() == 405, "{}", response.status());
}

#[tokio::test]
async fn responses_carry_security_headers() {
    let app = spawn_app().await;
    let response = app.get("/healthz").await;
    let headers = response.headers();
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert!(headers["content-security-policy"].to_str().unwrap().contains("frame-ancestors 'none'"));
    // Served over plain http in tests: no HSTS.
    assert!(!headers.contains_key("strict-transport-security"));
}

#[tokio::test]
async fn the_openapi_document_and_the_offline_swagger_ui_are_served() {
    let app = spawn_app().await;
    let doc: serde_json::Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
    assert_eq!(doc["info"]["title"], "Paygate API");
    assert!(doc["paths"]["/api/v1/auth/signup"]["post"].is_object());
    let ui = app.get("/api/docs/").await;
    assert_eq!(ui.status(), 200);
    assert!(ui.text().await.unwrap().contains("swagger-ui"));
    let bundle = app.get("/api/docs/swagger-ui-bundle.js").await;
    assert_eq!(bundle.status(), 200, "the vendored assets are embedded (no CDN)");
}

#[tokio::test]
async fn readyz_counts_stop_at_ten_thousand_instead_of_scanning_the_whole_queue() {
    let app = spawn_app().await;
    sqlx::query(
        "INSERT INTO jobs (kind, payload, state, max_attempts)
         SELECT 'test', '{}'::jsonb, 'pending'::job_state, 1 FROM generate_series(1, 10005)
         UNION ALL SELECT 'test', '{}'::jsonb, 'succeeded'::job_state, 1 FROM generate_series(1, 500)
         UNION ALL SELECT 'test', '{}'::jsonb, 'needs_attention'::job_state, 1 FROM generate_series(1, 3)",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let body: serde_json::Value = app.get("/readyz").await.json().await.unwrap();
    assert_eq!(body["job_queue"]["pending"], 10_000, "a capped count means 'at least'");
    assert_eq!(body["job_queue"]["needs_attention"], 3);
    assert_eq!(body["job_queue"]["running"], 0);
}
