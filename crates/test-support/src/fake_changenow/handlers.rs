//! The fake ChangeNOW endpoints: min amount, estimate, create (or create and stall), by id, list.

use std::collections::HashMap;

use axum::{
    body::Bytes,
    extract::{Query, State},
    http::{HeaderMap, Uri},
    response::Response,
};
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use serde_json::{json, value::RawValue};
use tokio_util::sync::CancellationToken;

use super::{
    FakeExchange, Shared,
    json::{error, list_item, num, respond, time},
    lock,
    rules::{below_minimum, exact, pair, payout, refuse, valid_address},
};

type Params = Query<HashMap<String, String>>;

const PAIR_PARAMS: [&str; 4] = ["fromCurrency", "fromNetwork", "toCurrency", "toNetwork"];

/// How long a fixed rate holds.
const FIXED_RATE_FOR: Duration = Duration::minutes(20);

pub(super) async fn min_amount(
    State(state): State<Shared>,
    uri: Uri,
    headers: HeaderMap,
    params: Params,
) -> Response {
    let mut state = lock(&state);
    if let Some(refusal) = refuse(&mut state, "GET", &uri, &headers) {
        return refusal;
    }
    let (from, to, terms) = match pair(&state, &params, PAIR_PARAMS) {
        Ok(found) => found,
        Err(refusal) => return *refusal,
    };
    let flow = params.get("flow").map_or("standard", String::as_str);
    respond(
        200,
        &json!({"fromCurrency": from.code(), "fromNetwork": from.network(), "toCurrency": to.code(),
                "toNetwork": to.network(), "flow": flow, "minAmount": num(terms.min)}),
    )
}

pub(super) async fn estimate(
    State(state): State<Shared>,
    uri: Uri,
    headers: HeaderMap,
    params: Params,
) -> Response {
    let mut state = lock(&state);
    if let Some(refusal) = refuse(&mut state, "GET", &uri, &headers) {
        return refusal;
    }
    let (from, to, terms) = match pair(&state, &params, PAIR_PARAMS) {
        Ok(found) => found,
        Err(refusal) => return *refusal,
    };
    let Some(amount) = params.get("fromAmount").and_then(|text| exact(text)) else {
        return error(400, "not_valid_params", "fromAmount must be a positive number");
    };
    if amount < terms.min {
        return below_minimum("deposit_too_small", terms.min, from);
    }
    let fixed = params.get("flow").is_some_and(|flow| flow == "fixed-rate");
    if fixed && !state.fixed_rate_enabled {
        return error(400, "fixed_rate_not_enabled", "Fixed-rate flow is not enabled for this api key");
    }
    let rate_id = (fixed && params.get("useRateId").is_some_and(|v| v == "true"))
        .then(|| format!("rate-{}", state.next_id));
    let valid_until = fixed.then(|| time(Utc::now() + FIXED_RATE_FOR));
    respond(
        200,
        &json!({"fromCurrency": from.code(), "fromNetwork": from.network(), "toCurrency": to.code(),
                "toNetwork": to.network(), "flow": if fixed { "fixed-rate" } else { "standard" }, "type": "direct",
                "rateId": rate_id, "validUntil": valid_until, "transactionSpeedForecast": "10-60",
                "warningMessage": null, "depositFee": 0, "withdrawalFee": num(terms.withdrawal_fee),
                "userId": null, "fromAmount": num(amount), "toAmount": num(payout(amount, to, terms))}),
    )
}

/// The `POST /exchange` fields the fake reads; the amount as its number text.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateBody {
    from_currency: String,
    from_network: String,
    to_currency: String,
    to_network: String,
    from_amount: Box<RawValue>,
    address: String,
    #[serde(default)]
    extra_id: Option<String>,
    refund_address: String,
    #[serde(default)]
    flow: Option<String>,
    #[serde(default)]
    rate_id: Option<String>,
}

/// What a create call does after recording: answer, or stall until the fake stops.
enum Created {
    Answer(Response),
    Stall(CancellationToken),
}

pub(super) async fn create(
    State(shared): State<Shared>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match record(&shared, &uri, &headers, &body) {
        Created::Answer(response) => response,
        Created::Stall(stop) => {
            stop.cancelled().await;
            error(504, "gateway_timeout", "Gateway timeout")
        }
    }
}

fn record(shared: &Shared, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> Created {
    let mut state = lock(shared);
    if let Some(refusal) = refuse(&mut state, "POST", uri, headers) {
        return Created::Answer(refusal);
    }
    let Ok(body) = serde_json::from_slice::<CreateBody>(body) else {
        return Created::Answer(error(400, "not_valid_params", "Invalid request parameters"));
    };
    let names = HashMap::from([
        ("fromCurrency".to_owned(), body.from_currency.clone()),
        ("fromNetwork".to_owned(), body.from_network.clone()),
        ("toCurrency".to_owned(), body.to_currency.clone()),
        ("toNetwork".to_owned(), body.to_network.clone()),
    ]);
    let (from, to, terms) = match pair(&state, &names, PAIR_PARAMS) {
        Ok(found) => found,
        Err(refusal) => return Created::Answer(*refusal),
    };
    let Some(amount) = exact(body.from_amount.get()) else {
        return Created::Answer(error(400, "not_valid_params", "fromAmount must be a positive number"));
    };
    if amount < terms.min {
        return Created::Answer(below_minimum("out_of_range", terms.min, from));
    }
    if !valid_address(to, &body.address) || state.refused_addresses.contains(&body.address) {
        return Created::Answer(error(400, "not_valid_address", "Invalid address"));
    }
    if !valid_address(from, &body.refund_address) || state.refused_addresses.contains(&body.refund_address) {
        return Created::Answer(error(400, "not_valid_refund_address", "Invalid refund address"));
    }
    let fixed = body.flow.as_deref() == Some("fixed-rate");
    if fixed
        && (!state.fixed_rate_enabled || body.rate_id.as_deref().is_none_or(|id| !id.starts_with("rate-")))
    {
        return Created::Answer(error(400, "not_valid_params", "rateId is invalid or expired"));
    }
    let number = state.next_id;
    state.next_id += 1;
    let now = Utc::now();
    let exchange = FakeExchange {
        id: format!("{:014x}", 0x00a1_b2c3_d4e5_f600_u64 + number),
        status: "new".to_owned(),
        flow: if fixed { "fixed-rate" } else { "standard" },
        from,
        to,
        expected_from: amount,
        expected_to: payout(amount, to, terms),
        amount_from: None,
        amount_to: None,
        payin_address: format!("0x{}{number:08x}", state.payin_prefix),
        payout_address: body.address,
        payout_extra_id: body.extra_id.filter(|extra_id| !extra_id.is_empty()),
        refund_address: body.refund_address,
        payin_hash: None,
        payout_hash: None,
        refund_hash: None,
        refund_amount: None,
        created_at: now,
        updated_at: now,
        valid_until: fixed.then(|| now + FIXED_RATE_FOR),
        terms,
        outcome: state.next_outcomes.pop_front().unwrap_or_default(),
        received: None,
        auto_status: None,
    };
    let reported_payout = state.misreported_payout.take().unwrap_or_else(|| exchange.payout_address.clone());
    let answer = json!({
        "id": exchange.id, "fromAmount": num(amount), "toAmount": num(exchange.expected_to),
        "flow": exchange.flow, "type": "direct", "payinAddress": exchange.payin_address,
        "payoutAddress": reported_payout, "payinExtraId": null, "payoutExtraId": exchange.payout_extra_id,
        "fromCurrency": from.code(), "fromNetwork": from.network(), "toCurrency": to.code(),
        "toNetwork": to.network(), "refundAddress": exchange.refund_address, "refundExtraId": null,
    });
    state.exchanges.push(exchange);
    if state.stalled_creates > 0 {
        state.stalled_creates -= 1;
        return Created::Stall(state.stop.clone());
    }
    Created::Answer(respond(200, &answer))
}

pub(super) async fn by_id(
    State(state): State<Shared>,
    uri: Uri,
    headers: HeaderMap,
    params: Params,
) -> Response {
    let mut state = lock(&state);
    if let Some(refusal) = refuse(&mut state, "GET", &uri, &headers) {
        return refusal;
    }
    let id = params.get("id").map(String::as_str).unwrap_or_default();
    match state.exchanges.iter().find(|exchange| exchange.id == id) {
        Some(exchange) => respond(200, &super::json::by_id(exchange)),
        None => error(404, "not_found", "Transaction not found"),
    }
}

pub(super) async fn list(
    State(state): State<Shared>,
    uri: Uri,
    headers: HeaderMap,
    params: Params,
) -> Response {
    let mut state = lock(&state);
    if let Some(refusal) = refuse(&mut state, "GET", &uri, &headers) {
        return refusal;
    }
    let date =
        |name: &str| params.get(name).map(|text| DateTime::parse_from_rfc3339(text).map(|t| t.to_utc()));
    let (Ok(from), Ok(to)) = (date("dateFrom").transpose(), date("dateTo").transpose()) else {
        return error(400, "not_valid_params", "dateFrom and dateTo must be YYYY-MM-DDTHH:mm:ss.sssZ");
    };
    let number =
        |name: &str, default: usize| params.get(name).map_or(Some(default), |text| text.parse().ok());
    // The strict reading of the documentation: "limit bigger than 0 and less than 100", "offset bigger than 0".
    let (Some(limit @ 1..=99), Some(offset)) = (number("limit", 99), number("offset", 0)) else {
        return error(400, "not_valid_params", "limit must be bigger than 0 and less than 100");
    };
    if params.contains_key("offset") && offset == 0 {
        return error(400, "not_valid_params", "offset must be bigger than 0");
    }
    let mut found: Vec<&FakeExchange> = state
        .exchanges
        .iter()
        .filter(|exchange| {
            params.get("payoutAddress").is_none_or(|address| *address == exchange.payout_address)
        })
        .filter(|exchange| from.is_none_or(|from| exchange.created_at >= from))
        .filter(|exchange| to.is_none_or(|to| exchange.created_at <= to))
        .collect();
    found.sort_by_key(|exchange| std::cmp::Reverse(exchange.created_at));
    let page: Vec<_> = found.iter().skip(offset).take(limit).map(|exchange| list_item(exchange)).collect();
    respond(200, &json!({"count": found.len(), "exchanges": page}))
}
