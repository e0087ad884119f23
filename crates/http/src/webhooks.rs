//! Provider callbacks: the NOWPayments IPN (signature verified before anything is read or stored).

use std::net::IpAddr;

use axum::{
    body::Bytes,
    extract::{FromRequestParts, State},
    http::{HeaderMap, StatusCode, request::Parts},
};
use paygate_app::subscribers::payment_intake::{self, Source};
use secrecy::ExposeSecret;

use crate::{HttpState, api::error::ApiError};

/// `POST /webhooks/nowpayments`: 401 and no change when the signature is missing or wrong; 200 once
/// the notification is stored (repeats and out-of-order deliveries are harmless).
pub async fn nowpayments(
    State(state): State<HttpState>,
    PeerIp(ip): PeerIp,
    headers: HeaderMap,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let signature = headers.get(paygate_nowpayments::IPN_SIGNATURE_HEADER).and_then(|v| v.to_str().ok());
    let update = match paygate_nowpayments::verify_ipn(&state.app.settings.ipn_secret, &body, signature) {
        Ok(verified) => verified.into_payment(),
        Err(error) => {
            tracing::warn!(kind = "warning", %error, "rejected a payment notification");
            metrics::counter!("paygate_ipn_rejected_total").increment(1);
            return Err(refused(&state, ip));
        }
    };
    // Signed but unreadable: the provider sent it, so it is kept and acknowledged (no retry storm).
    let update = match update {
        Ok(update) => update,
        Err(report) => {
            payment_intake::record_unreadable(&state.app, &report).await?;
            metrics::counter!("paygate_ipn_unreadable_total").increment(1);
            return Ok(StatusCode::OK);
        }
    };
    let outcome = payment_intake::apply_update(&state.app, &update, Source::Ipn).await?;
    metrics::counter!("paygate_payments_total", "status" => update.status.as_str(), "outcome" => format!("{outcome:?}"))
        .increment(1);
    Ok(StatusCode::OK)
}

/// `POST /webhooks/telegram` (webhook mode): only Telegram knows the secret token; the update is
/// handled before answering, so a crash makes Telegram deliver it again.
pub async fn telegram(
    State(state): State<HttpState>,
    PeerIp(ip): PeerIp,
    headers: HeaderMap,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let Some(expected) = &state.app.settings.telegram_webhook_secret else {
        return Err(paygate_app::AppError::NotFound.into());
    };
    let given = headers.get("x-telegram-bot-api-secret-token").map(|v| v.as_bytes()).unwrap_or_default();
    let matches: bool = subtle::ConstantTimeEq::ct_eq(given, expected.expose_secret().as_bytes()).into();
    if !matches {
        tracing::warn!(kind = "warning", "rejected a Telegram webhook call without the secret token");
        return Err(refused(&state, ip));
    }
    match paygate_telegram::parse_update(&body) {
        Ok(update) => paygate_bot::handle_update(&state.app, update).await,
        Err(error) => tracing::warn!(kind = "telegram", %error, "unreadable Telegram update ignored"),
    }
    Ok(StatusCode::OK)
}

/// 401 for a callback that failed verification, or 429 once its address has failed too often
/// (callbacks skip the generic per-IP limit; only failures are limited).
fn refused(state: &HttpState, ip: Option<IpAddr>) -> ApiError {
    if let Some(ip) = ip
        && let Err(retry_after) = state.callback_failures.check(&ip)
    {
        return paygate_app::AppError::RateLimited { retry_after }.into();
    }
    paygate_app::AppError::Unauthorized("invalid_signature").into()
}

/// The caller's address, as the rate limits see it.
pub struct PeerIp(pub Option<IpAddr>);

impl FromRequestParts<HttpState> for PeerIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &HttpState) -> Result<Self, Self::Rejection> {
        Ok(Self(crate::api::extract::client_ip(parts, state.app.settings.trust_forwarded_for)))
    }
}
