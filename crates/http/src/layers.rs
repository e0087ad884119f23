//! Middleware shared by every route: request ids, tracing spans, HTTP metrics, body limits.

use std::time::{Duration, Instant};

use axum::http::{HeaderValue, header};
use axum::{
    Router,
    extract::{MatchedPath, Request, State},
    http::HeaderName,
    middleware::{self, Next},
    response::{IntoResponse, Response},
};
use tower::ServiceBuilder;

use crate::ip_limits::IpLimiter;
use tower_http::{
    limit::RequestBodyLimitLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer},
    set_header::SetResponseHeaderLayer,
    trace::TraceLayer,
};

/// Largest accepted request body.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The generous per-IP limit on every route but the provider callbacks (per instance; login and
/// sign-up have stricter, database-backed limits shared by all instances): 30 requests per second
/// per IP with bursts of 120.
pub fn default_ip_limiter() -> IpLimiter {
    IpLimiter::new(30, 120)
}

/// Provider callbacks (`/webhooks/…`) skip the generic limit: a provider delivers bursts from a few
/// addresses. Only callbacks that fail verification count, against this limit: 10 per second per IP
/// with bursts of 60, then 429 instead of 401.
pub fn callback_failure_limiter() -> IpLimiter {
    IpLimiter::new(10, 60)
}

/// Paths exempt from the generic per-IP limit (they are verified and limited by their handlers).
const CALLBACK_PREFIX: &str = "/webhooks/";

const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
                   script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

/// Security headers on every response; HSTS only when the public URL is https.
fn security_headers(router: Router, https: bool) -> Router {
    let router = router
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ));
    if https {
        router.layer(SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        ))
    } else {
        router
    }
}

pub fn apply(router: Router, state: crate::HttpState) -> Router {
    let https = state.app.settings.public_url.scheme() == "https";
    let trace = TraceLayer::new_for_http()
        .make_span_with(|request: &Request| {
            let request_id = request
                .extensions()
                .get::<RequestId>()
                .and_then(|id| id.header_value().to_str().ok())
                .unwrap_or("-");
            tracing::info_span!("request", method = %request.method(), uri = %request.uri().path(), request_id)
        })
        .on_request(())
        .on_response(log_response);
    let router = security_headers(router, https);
    router
        .layer(middleware::from_fn(record_metrics))
        .layer(middleware::from_fn_with_state(state, limit_per_ip))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(trace)
                .layer(PropagateRequestIdLayer::new(REQUEST_ID))
                .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES)),
        )
}

fn log_response<B>(response: &axum::http::Response<B>, latency: Duration, _span: &tracing::Span) {
    let latency_ms = u64::try_from(latency.as_millis()).unwrap_or(u64::MAX);
    tracing::info!(kind = "endpoint", status = response.status().as_u16(), latency_ms, "request served");
}

/// Counts requests by route template and status, with a latency histogram.
async fn record_metrics(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = request.method().to_string();
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("paygate_http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("paygate_http_request_duration_seconds", "method" => method, "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}

/// Answers 429 with `Retry-After` when one IP exceeds the generous per-IP quota (provider callbacks
/// excepted, see [`callback_failure_limiter`]).
async fn limit_per_ip(State(state): State<crate::HttpState>, request: Request, next: Next) -> Response {
    if request.uri().path().starts_with(CALLBACK_PREFIX) {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let ip = crate::api::extract::client_ip(&parts, state.app.settings.trust_forwarded_for)
        .map(paygate_app::ip_key::rate_limit_key); // IPv6: one bucket per /64
    if let Some(ip) = ip
        && let Err(retry_after) = state.ip_limiter.check(&ip)
    {
        let error = paygate_app::AppError::RateLimited { retry_after };
        return crate::api::error::ApiError(error).into_response();
    }
    next.run(Request::from_parts(parts, body)).await
}
