//! The fake's checks, as ChangeNOW makes them: API key and injected faults, pair names and offers,
//! exact amounts, minimums, payouts after fees, addresses.

use std::collections::HashMap;

use axum::{
    http::{HeaderMap, Uri},
    response::Response,
};
use paygate_domain::{
    money::Asset,
    wallet::{Network, WalletAddress},
};
use rust_decimal::{Decimal, RoundingStrategy};

use super::{FakeState, PairTerms, json::error};

/// Logs the request, then answers for a wrong API key or an injected fault.
pub(super) fn refuse(
    state: &mut FakeState,
    method: &str,
    uri: &Uri,
    headers: &HeaderMap,
) -> Option<Response> {
    state.requests.push(format!("{method} {uri}"));
    let key = headers.get("x-changenow-api-key").and_then(|value| value.to_str().ok());
    if key != Some(state.api_key.as_str()) {
        return Some(error(401, "unauthorized", "Unauthorized"));
    }
    let index = state.faults.iter().position(|fault| uri.path().contains(&fault.path_contains))?;
    let fault = state.faults[index].clone();
    state.faults[index].times = fault.times.saturating_sub(1);
    if state.faults[index].times == 0 {
        state.faults.remove(index);
    }
    if fault.times == 0 {
        return None;
    }
    let mut response = match fault.status {
        429 => error(429, "too_many_requests", "Too many requests"),
        400..=499 => error(fault.status, "not_valid_params", "Injected failure"),
        _ => error(fault.status, "internal_error", "Internal server error"),
    };
    if let Some(after) = fault.retry_after {
        response.headers_mut().insert("retry-after", after.into());
    }
    Some(response)
}

/// The pair named by four parameters: lower-case names only, and only a pair the fake offers.
pub(super) fn pair(
    state: &FakeState,
    params: &HashMap<String, String>,
    names: [&str; 4],
) -> Result<(Asset, Asset, PairTerms), Box<Response>> {
    let [from_code, from_network, to_code, to_network] =
        names.map(|name| params.get(name).map(String::as_str).unwrap_or_default());
    let all = [from_code, from_network, to_code, to_network];
    if all.iter().any(|name| name.is_empty() || name.to_ascii_lowercase() != *name) {
        return Err(Box::new(error(
            400,
            "not_valid_params",
            "currencies and networks must be given in lower case",
        )));
    }
    let inactive = || Box::new(error(400, "pair_is_inactive", "This pair is currently unavailable"));
    let (Ok(from), Ok(to)) = (Asset::parse(from_code, from_network), Asset::parse(to_code, to_network))
    else {
        return Err(inactive());
    };
    let terms =
        state.pairs.get(&(from.code(), from.network(), to.code(), to.network())).ok_or_else(inactive)?;
    Ok((from, to, *terms))
}

/// A positive amount from number text, exactly (`0.05`, `1e-3`).
pub(super) fn exact(text: &str) -> Option<Decimal> {
    let text = text.trim_matches('"');
    let value = if text.contains(['e', 'E']) {
        Decimal::from_scientific(text)
    } else {
        Decimal::from_str_exact(text)
    };
    value.ok().filter(|value| *value > Decimal::ZERO)
}

pub(super) fn below_minimum(code: &str, min: Decimal, from: Asset) -> Response {
    let message = format!("Amount is less then minimal: {min} {}", from.code().to_ascii_uppercase());
    error(400, code, &message)
}

/// `amount × rate − fee`, cut to the payout asset's decimals, never negative.
pub(super) fn payout(amount: Decimal, to: Asset, terms: PairTerms) -> Decimal {
    let value = (amount * terms.rate - terms.withdrawal_fee).max(Decimal::ZERO);
    value.round_dp_with_strategy(to.decimals(), RoundingStrategy::ToZero).normalize()
}

/// ChangeNOW checks addresses against the network's format; so does the fake (with Paygate's parser).
pub(super) fn valid_address(asset: Asset, address: &str) -> bool {
    Network::from_code(asset.network()).is_some_and(|network| WalletAddress::parse(network, address).is_ok())
}
