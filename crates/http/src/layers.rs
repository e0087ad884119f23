//! Middleware shared by every route: request ids, tracing spans, HTTP metrics, body limits.

use std::{
    net::IpAddr,
    num::NonZeroU32,
    time::{Duration, Instant},
};

use axum::http::{HeaderValue, header};
use axum::{
    Router,
    extract::{MatchedPath, Request, State},
    http::HeaderName,
    middleware::{self, Next},
    response::{IntoResponse, Response},
};
use governor::{DefaultKeyedRateLimiter, Quota, clock::Clock};
use tower::ServiceBuilder;
use tower_http::{
    limit::RequestBodyLimitLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer},
    set_header::SetResponseHeaderLayer,
    trace::TraceLayer,
};

/// Largest accepted request body.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The generous per-IP limit on every route (per instance; login and sign-up have stricter,
/// database-backed limits shared by all instances).
pub type IpRateLimiter = DefaultKeyedRateLimiter<IpAddr>;

/// 30 requests per second per IP with bursts of 120.
pub fn default_ip_limiter() -> IpRateLimiter {
    let per_second = NonZeroU32::new(30).unwrap_or(NonZeroU32::MIN);
    let burst = NonZeroU32::new(120).unwrap_or(NonZeroU32::MIN);
    IpRateLimiter::keyed(Quota::per_second(per_second).allow_burst(burst))
}

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

/// Answers 429 with `Retry-After` when one IP exceeds the generous per-IP quota.
async fn limit_per_ip(State(state): State<crate::HttpState>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let ip = crate::api::extract::client_ip(&parts, state.app.settings.trust_forwarded_for);
    if let Some(ip) = ip
        && let Err(not_until) = state.ip_limiter.check_key(&ip)
    {
        let wait = not_until.wait_time_from(governor::clock::DefaultClock::default().now());
        let error = paygate_app::AppError::RateLimited { retry_after: wait.max(Duration::from_secs(1)) };
        return crate::api::error::ApiError(error).into_response();
    }
    next.run(Request::from_parts(parts, body)).await
}
