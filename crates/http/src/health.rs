//! `/healthz`, `/readyz` and `/metrics`.

use axum::{Json, extract::State, http::StatusCode, response::IntoResponse};
use paygate_app::AdapterStatus;
use serde::Serialize;

use crate::HttpState;

/// Liveness: the process answers.
pub async fn healthz() -> impl IntoResponse {
    Json(serde_json::json!({"status": "ok"}))
}

#[derive(Serialize)]
struct Check {
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'static str>,
}

#[derive(Serialize)]
struct QueueCheck {
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'static str>,
    pending: i64,
    running: i64,
    needs_attention: i64,
}

#[derive(Serialize)]
struct Readiness {
    status: &'static str,
    database: Check,
    job_queue: QueueCheck,
    adapters: Vec<AdapterStatus>,
}

/// Job counts in `/readyz` stop at this value (meaning "at least"), so the probe never scans the queue.
pub const READYZ_COUNT_CAP: i64 = 10_000;

/// Readiness: database reachable, job queue readable, and which adapters are live or sandbox. Every
/// query is bounded: a ping, and capped counts over the partial indexes of unfinished jobs.
pub async fn readyz(State(state): State<HttpState>) -> impl IntoResponse {
    let pool = &state.app.pool;
    let database = match paygate_db::ping(pool).await {
        Ok(()) => Check { ok: true, error: None },
        Err(error) => {
            tracing::warn!(kind = "db", %error, "readiness: database unreachable");
            Check { ok: false, error: Some("database unreachable") }
        }
    };
    let job_queue = match paygate_jobs::count_unfinished_capped(pool, READYZ_COUNT_CAP).await {
        Ok(counts) => QueueCheck {
            ok: true,
            error: None,
            pending: counts.pending,
            running: counts.running,
            needs_attention: counts.needs_attention,
        },
        Err(error) => {
            tracing::warn!(kind = "db", %error, "readiness: job queue unreadable");
            QueueCheck {
                ok: false,
                error: Some("job queue unreadable"),
                pending: 0,
                running: 0,
                needs_attention: 0,
            }
        }
    };
    let ready = database.ok && job_queue.ok;
    let body = Readiness {
        status: if ready { "ready" } else { "not_ready" },
        database,
        job_queue,
        adapters: state.app.adapters.clone(),
    };
    let code = if ready { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (code, Json(body))
}

/// Prometheus text exposition.
pub async fn metrics(State(state): State<HttpState>) -> impl IntoResponse {
    paygate_app::payouts::operator::refresh_gauges(&state.app).await;
    ([(axum::http::header::CONTENT_TYPE, "text/plain; version=0.0.4")], state.metrics.render())
}
