//! `ChangeNow`: the v2 REST client (min amount, estimate, create, exchange by id) as the `SwapProvider` port.

use std::{fmt, time::Duration};

use async_trait::async_trait;
use paygate_domain::{
    money::{Amount, Asset},
    swap::{
        CreatedExchange, Exchange, ExchangeId, ExchangeQuery, MinAmount, NewExchange, Quote, RateFlow,
        RateId, SwapError, SwapPair, SwapProvider,
    },
};
use reqwest::{
    RequestBuilder,
    header::{CONTENT_TYPE, HeaderValue, RETRY_AFTER},
};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use url::Url;

use crate::{
    convert::{Round, amount, bad, same_address, time},
    error::{classify, redact, transport},
    wire::{CreateExchange, CreatedAnswer, EstimateAnswer, MinAmountAnswer, WireExchange, flow},
};

/// Longest wait for one API call, connection included.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);

/// The header carrying the API key.
const API_KEY_HEADER: &str = "x-changenow-api-key";

/// The ChangeNOW API client. `Debug` never prints the API key.
pub struct ChangeNow {
    base_url: Url,
    api_key: SecretString,
    pub(crate) http: reqwest::Client,
    timeout: Duration,
}

impl fmt::Debug for ChangeNow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChangeNow")
            .field("base_url", &self.base_url.as_str())
            .field("api_key", &"[REDACTED]")
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl ChangeNow {
    /// A client for the API at `base_url` (`https://api.changenow.io/v2` in production; its path is kept).
    pub fn new(base_url: Url, api_key: SecretString, http: reqwest::Client) -> Self {
        Self { base_url, api_key, http, timeout: REQUEST_TIMEOUT }
    }

    /// Longest wait for one API call (default 15 s).
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// `{base}/{path}?{query}` by concatenation, so the base's own path (`/v2`) is never dropped.
    pub(crate) fn url(&self, path: &str, query: &[(&str, &str)]) -> Result<Url, SwapError> {
        let text = format!("{}/{path}", self.base_url.as_str().trim_end_matches('/'));
        let mut url =
            Url::parse(&text).map_err(|error| SwapError::Rejected(format!("bad API URL: {error}")))?;
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        Ok(url)
    }

    /// GETs `path` with `query` and parses the 2xx body as `T`.
    pub(crate) async fn get<T: DeserializeOwned>(
        &self,
        operation: &'static str,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<T, SwapError> {
        let body = self.call(operation, self.http.get(self.url(path, query)?)).await?;
        parse(operation, &body)
    }

    /// Sends one authenticated call and returns the 2xx body; logs the outcome, never the key.
    pub(crate) async fn call(
        &self,
        operation: &'static str,
        request: RequestBuilder,
    ) -> Result<Vec<u8>, SwapError> {
        let started = std::time::Instant::now();
        let result = self.send(request).await.map_err(|error| redact(error, self.api_key.expose_secret()));
        let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        match &result {
            Ok(_) => tracing::debug!(kind = "external", operation, elapsed_ms, "changenow call succeeded"),
            Err(error) => {
                tracing::warn!(kind = "external", operation, elapsed_ms, %error, "changenow call failed")
            }
        }
        result
    }

    async fn send(&self, request: RequestBuilder) -> Result<Vec<u8>, SwapError> {
        let mut api_key =
            HeaderValue::from_str(self.api_key.expose_secret()).map_err(|_| SwapError::Unauthorized)?;
        api_key.set_sensitive(true);
        let response =
            request.header(API_KEY_HEADER, api_key).timeout(self.timeout).send().await.map_err(transport)?;
        let status = response.status();
        let retry_after = response.headers().get(RETRY_AFTER).and_then(|value| value.to_str().ok());
        let retry_after = retry_after.map(str::to_owned);
        let body = response.bytes().await.map_err(transport)?;
        if status.is_success() {
            Ok(body.to_vec())
        } else {
            Err(classify(status.as_u16(), &body, retry_after.as_deref()))
        }
    }

    /// One estimate in exactly `rate_flow` (no fallback).
    async fn estimate_in(
        &self,
        from: Amount,
        pair: SwapPair,
        rate_flow: RateFlow,
    ) -> Result<Quote, SwapError> {
        let from_amount = from.value().to_string();
        let mut query = pair_query(pair);
        query.extend([("fromAmount", from_amount.as_str()), ("flow", flow(rate_flow)), ("type", "direct")]);
        if rate_flow == RateFlow::FixedRate {
            query.push(("useRateId", "true"));
        }
        let answer: EstimateAnswer = self.get("estimate", "exchange/estimated-amount", &query).await?;
        let rate_id = answer.rate_id.as_deref().and_then(RateId::parse);
        if rate_flow == RateFlow::FixedRate && rate_id.is_none() {
            return Err(bad("fixed-rate estimate without a rateId"));
        }
        let fee = |value: Option<rust_decimal::Decimal>, asset: Asset| {
            value.map(|value| amount(value, asset, Round::Down)).transpose()
        };
        Ok(Quote {
            from,
            to: amount(answer.to_amount, pair.to(), Round::Down)?,
            flow: rate_flow,
            rate_id,
            valid_until: time(answer.valid_until.as_deref()),
            deposit_fee: fee(answer.deposit_fee, pair.from())?,
            withdrawal_fee: fee(answer.withdrawal_fee, pair.to())?,
            warning: answer.warning_message,
        })
    }
}

/// A 2xx body as `T`, or a bad response naming the operation.
pub(crate) fn parse<T: DeserializeOwned>(operation: &str, body: &[u8]) -> Result<T, SwapError> {
    serde_json::from_slice(body).map_err(|error| bad(format!("unexpected {operation} answer: {error}")))
}

/// `fromCurrency`, `toCurrency`, `fromNetwork`, `toNetwork`, lower-case as the asset table keeps them.
pub(crate) fn pair_query(pair: SwapPair) -> Vec<(&'static str, &'static str)> {
    vec![
        ("fromCurrency", pair.from().code()),
        ("toCurrency", pair.to().code()),
        ("fromNetwork", pair.from().network()),
        ("toNetwork", pair.to().network()),
    ]
}

fn not_a_swap(from: Asset, to: Asset) -> SwapError {
    SwapError::PairUnavailable(format!("{from:?} to {to:?} is not a swap"))
}

#[async_trait]
impl SwapProvider for ChangeNow {
    #[tracing::instrument(skip(self))]
    async fn min_amount(&self, pair: SwapPair, rate_flow: RateFlow) -> Result<MinAmount, SwapError> {
        let mut query = pair_query(pair);
        query.push(("flow", flow(rate_flow)));
        let answer: MinAmountAnswer = self.get("min_amount", "exchange/min-amount", &query).await?;
        Ok(MinAmount { pair, flow: rate_flow, min: amount(answer.min_amount, pair.from(), Round::Up)? })
    }

    #[tracing::instrument(skip(self))]
    async fn estimate(&self, from: Amount, to: Asset, rate_flow: RateFlow) -> Result<Quote, SwapError> {
        let pair = SwapPair::new(from.asset(), to).ok_or_else(|| not_a_swap(from.asset(), to))?;
        match (rate_flow, self.estimate_in(from, pair, rate_flow).await) {
            (
                RateFlow::FixedRate,
                Err(error @ (SwapError::FixedRateUnavailable(_) | SwapError::Unauthorized)),
            ) => {
                tracing::info!(kind = "external", %error, "fixed rate not offered, estimating the standard flow");
                self.estimate_in(from, pair, RateFlow::Standard).await
            }
            (_, result) => result,
        }
    }

    #[tracing::instrument(skip_all, fields(pair = ?request.pair(), from_amount = %request.from_amount()))]
    async fn create_exchange(&self, request: &NewExchange) -> Result<CreatedExchange, SwapError> {
        let pair = request.pair();
        let from_amount = RawValue::from_string(request.from_amount().value().to_string())
            .map_err(|error| SwapError::Rejected(format!("cannot encode the amount: {error}")))?;
        let body = CreateExchange {
            from_currency: pair.from().code(),
            from_network: pair.from().network(),
            to_currency: pair.to().code(),
            to_network: pair.to().network(),
            from_amount,
            address: request.payout_address().as_str(),
            extra_id: request.payout_extra_id().map(|extra_id| extra_id.as_str()),
            refund_address: request.refund_address().as_str(),
            flow: flow(if request.rate_id().is_some() { RateFlow::FixedRate } else { RateFlow::Standard }),
            kind: "direct",
            rate_id: request.rate_id().map(RateId::as_str),
        };
        let body = serde_json::to_vec(&body)
            .map_err(|error| SwapError::Rejected(format!("cannot encode the exchange: {error}")))?;
        let http =
            self.http.post(self.url("exchange", &[])?).header(CONTENT_TYPE, "application/json").body(body);
        let answer: CreatedAnswer = parse("create_exchange", &self.call("create_exchange", http).await?)?;
        let id = answer
            .id
            .as_deref()
            .and_then(ExchangeId::parse)
            .ok_or_else(|| bad("exchange answer without a usable id"))?;
        let payin_address =
            answer.payin_address.ok_or_else(|| bad(format!("exchange {id} without payinAddress")))?;
        let payout_address =
            answer.payout_address.unwrap_or_else(|| request.payout_address().as_str().to_owned());
        if !same_address(&payout_address, request.payout_address().as_str()) {
            return Err(bad(format!("exchange {id} pays out to another address than asked: never fund it")));
        }
        let to_amount = answer.to_amount.map(|value| amount(value, pair.to(), Round::Down)).transpose()?;
        let from_amount = match answer.from_amount {
            Some(value) => amount(value, pair.from(), Round::Down)?,
            None => request.from_amount(),
        };
        tracing::info!(kind = "external", exchange_id = %id, "💰 changenow exchange created");
        Ok(CreatedExchange {
            id,
            pair,
            from_amount,
            to_amount,
            payin_address,
            payin_extra_id: answer.payin_extra_id,
            payout_address,
            payout_extra_id: answer.payout_extra_id,
            valid_until: time(answer.valid_until.as_deref()),
        })
    }

    #[tracing::instrument(skip(self), fields(exchange_id = %id))]
    async fn exchange_by_id(&self, id: &ExchangeId) -> Result<Exchange, SwapError> {
        let answer: WireExchange =
            self.get("exchange_by_id", "exchange/by-id", &[("id", id.as_str())]).await?;
        let exchange = answer.into_exchange(None)?.ok_or_else(|| bad("exchange of an unexpected pair"))?;
        if exchange.id != *id {
            return Err(bad(format!("asked for exchange {id}, got {}", exchange.id)));
        }
        Ok(exchange)
    }

    #[tracing::instrument(skip_all, fields(pair = ?query.pair))]
    async fn find_exchanges(&self, query: &ExchangeQuery) -> Result<Vec<Exchange>, SwapError> {
        self.list_exchanges(query).await
    }

    fn is_live(&self) -> bool {
        true
    }
}
