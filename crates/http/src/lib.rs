//! Paygate's HTTP front door: the axum router with its middleware, health, readiness and metrics.

mod health;
mod layers;
pub mod metrics_recorder;

use axum::{Router, routing::get};
use metrics_exporter_prometheus::PrometheusHandle;
use paygate_app::App;

/// Shared state of every handler.
#[derive(Clone)]
pub struct HttpState {
    pub app: App,
    pub metrics: PrometheusHandle,
}

/// The complete router with middleware.
pub fn router(state: HttpState) -> Router {
    let routes = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics))
        .with_state(state);
    layers::apply(routes)
}

/// Serves the router on `listener` until `shutdown` is cancelled, finishing in-flight requests.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: HttpState,
    shutdown: tokio_util::sync::CancellationToken,
) -> std::io::Result<()> {
    axum::serve(listener, router(state)).with_graceful_shutdown(shutdown.cancelled_owned()).await
}
