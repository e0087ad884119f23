//! A `SwapProvider` decorator recording each call's latency and classified errors as metrics.

use std::{sync::Arc, time::Instant};

use async_trait::async_trait;
use paygate_domain::{
    money::{Amount, Asset},
    swap::{
        CreatedExchange, Exchange, ExchangeId, ExchangeQuery, MinAmount, NewExchange, Quote, RateFlow,
        SwapError, SwapPair, SwapProvider,
    },
};

/// Wraps the swap provider: `paygate_swap_request_duration_seconds{operation}` and
/// `paygate_swap_errors_total{operation, error}`.
pub struct MeteredSwap(pub Arc<dyn SwapProvider>);

fn error_kind(error: &SwapError) -> &'static str {
    match error {
        SwapError::Unavailable(_) => "unavailable",
        SwapError::RateLimited { .. } => "rate_limited",
        SwapError::Unauthorized => "unauthorized",
        SwapError::InvalidAddress(_) => "invalid_address",
        SwapError::AmountOutOfRange(_) => "amount_out_of_range",
        SwapError::PairUnavailable(_) => "pair_unavailable",
        SwapError::FixedRateUnavailable(_) => "fixed_rate_unavailable",
        SwapError::Rejected(_) => "rejected",
        SwapError::NotFound => "not_found",
        SwapError::BadResponse(_) => "bad_response",
    }
}

fn record<T>(operation: &'static str, started: Instant, result: &Result<T, SwapError>) {
    metrics::histogram!("paygate_swap_request_duration_seconds", "operation" => operation)
        .record(started.elapsed().as_secs_f64());
    if let Err(error) = result {
        metrics::counter!("paygate_swap_errors_total", "operation" => operation, "error" => error_kind(error))
            .increment(1);
        tracing::warn!(kind = "external", operation, %error, "🌐 swap provider call failed");
    }
}

#[async_trait]
impl SwapProvider for MeteredSwap {
    async fn min_amount(&self, pair: SwapPair, flow: RateFlow) -> Result<MinAmount, SwapError> {
        let started = Instant::now();
        let result = self.0.min_amount(pair, flow).await;
        record("min_amount", started, &result);
        result
    }

    async fn estimate(&self, from: Amount, to: Asset, flow: RateFlow) -> Result<Quote, SwapError> {
        let started = Instant::now();
        let result = self.0.estimate(from, to, flow).await;
        record("estimate", started, &result);
        result
    }

    async fn create_exchange(&self, request: &NewExchange) -> Result<CreatedExchange, SwapError> {
        let started = Instant::now();
        let result = self.0.create_exchange(request).await;
        record("create_exchange", started, &result);
        result
    }

    async fn exchange_by_id(&self, id: &ExchangeId) -> Result<Exchange, SwapError> {
        let started = Instant::now();
        let result = self.0.exchange_by_id(id).await;
        record("exchange_by_id", started, &result);
        result
    }

    async fn find_exchanges(&self, query: &ExchangeQuery) -> Result<Vec<Exchange>, SwapError> {
        let started = Instant::now();
        let result = self.0.find_exchanges(query).await;
        record("find_exchanges", started, &result);
        result
    }

    fn is_live(&self) -> bool {
        self.0.is_live()
    }
}
