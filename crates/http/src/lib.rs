//! Paygate's HTTP front door: the axum router with its middleware, API, health, readiness and metrics.

mod account_pages;
pub mod api;
mod health;
mod ip_limits;
mod layers;
pub mod metrics_recorder;
mod pages;
mod sandbox_telegram_page;
mod webhooks;

use std::{net::SocketAddr, sync::Arc};

use axum::{
    Router,
    routing::{get, post},
};
use metrics_exporter_prometheus::PrometheusHandle;
use paygate_app::App;
use utoipa_swagger_ui::SwaggerUi;

pub use ip_limits::IpLimiter;

/// Shared state of every handler.
#[derive(Clone)]
pub struct HttpState {
    pub app: App,
    pub metrics: PrometheusHandle,
    /// The generic per-IP limit (every route but `/webhooks/…`).
    pub ip_limiter: Arc<IpLimiter>,
    /// Provider callbacks that failed verification, per IP.
    pub callback_failures: Arc<IpLimiter>,
    /// The sandbox payment provider, when it is the one configured (serves the checkout page).
    pub sandbox: Option<Arc<paygate_sandbox::SandboxPayments>>,
    /// The sandbox Telegram, when it stands in for Telegram (serves the sandbox chat page).
    pub sandbox_telegram: Option<paygate_sandbox::SandboxTelegram>,
}

impl HttpState {
    pub fn new(app: App, sandbox: Option<Arc<paygate_sandbox::SandboxPayments>>) -> Self {
        Self {
            app,
            metrics: metrics_recorder::install(),
            ip_limiter: Arc::new(layers::default_ip_limiter()),
            callback_failures: Arc::new(layers::callback_failure_limiter()),
            sandbox,
            sandbox_telegram: None,
        }
    }

    /// With the sandbox Telegram's chat page (`/sandbox/telegram`), when it is the Telegram in use.
    pub fn with_sandbox_telegram(
        mut self,
        sandbox_telegram: Option<paygate_sandbox::SandboxTelegram>,
    ) -> Self {
        self.sandbox_telegram = sandbox_telegram;
        self
    }
}

/// The OpenAPI document of the API.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut openapi = api::router().into_openapi();
    api::document_body_errors(&mut openapi);
    openapi
}

/// The complete router with middleware.
pub fn router(state: HttpState) -> Router {
    let (api, mut openapi) = api::router().split_for_parts();
    api::document_body_errors(&mut openapi);
    let routes = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics))
        .route("/webhooks/nowpayments", post(webhooks::nowpayments))
        .route("/webhooks/telegram", post(webhooks::telegram))
        .route("/verify-email", get(account_pages::verify_form).post(account_pages::verify))
        .route("/reset-password", get(account_pages::reset_form).post(account_pages::reset))
        .route("/pay/{id}", get(pages::payment_page))
        .route("/pay/{id}/status", get(pages::payment_status))
        .route("/sandbox/checkout/{id}", get(pages::checkout_page))
        .route("/sandbox/checkout/{id}/{action}", post(pages::checkout_action))
        // The sandbox Telegram's chat page (issue 13).
        .merge(sandbox_telegram_page::routes())
        .merge(api)
        .with_state(state.clone());
    let docs = SwaggerUi::new("/api/docs").url("/api/v1/openapi.json", openapi);
    // Every other GET is the dashboard: a built file, or index.html for a client route (ADR 0005).
    layers::apply(routes.merge(docs).fallback(paygate_web::serve), state)
}

/// Health, readiness and metrics only (for processes that serve no API: workers, the bot).
pub fn ops_router(state: HttpState) -> Router {
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics))
        .with_state(state)
}

/// Serves the router on `listener` until `shutdown` is cancelled, finishing in-flight requests.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: HttpState,
    shutdown: tokio_util::sync::CancellationToken,
) -> std::io::Result<()> {
    axum::serve(listener, router(state).into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown.cancelled_owned())
        .await
}
