//! A fake NOWPayments API on 127.0.0.1:0: real wire format, invoice log, payments, faults, signed IPNs.

use std::{
    collections::{HashMap, VecDeque},
    net::SocketAddr,
    sync::{Arc, Mutex, MutexGuard, PoisonError},
};

use axum::{
    Json, Router,
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, StatusCode, Uri},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use paygate_domain::payment_gateway::PaymentStatus;
use rust_decimal::{Decimal, prelude::ToPrimitive};
use secrecy::SecretString;
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;
use url::Url;

/// The first invoice id a fresh fake hands out; later ones count up.
pub const FIRST_INVOICE_ID: u64 = 4_522_625_843;

/// A running fake NOWPayments API; stops when dropped.
pub struct FakeNowPayments {
    addr: SocketAddr,
    ipn_secret: SecretString,
    state: Arc<Mutex<FakeState>>,
    shutdown: CancellationToken,
}

struct FakeState {
    api_key: String,
    next_invoice_id: u64,
    invoices: Vec<Value>,
    payments: HashMap<String, Value>,
    /// Path substring → errors to return before answering normally again.
    faults: VecDeque<Fault>,
    requests: Vec<String>,
    /// Account login, JWTs, stalls and the invoice gate (see `listing`).
    listing: listing::ListingState,
}

#[derive(Debug, Clone)]
struct Fault {
    path_contains: String,
    times: u32,
    status: u16,
    retry_after: Option<u32>,
}

type Shared = Arc<Mutex<FakeState>>;

mod listing;
pub use listing::{FAKE_ACCOUNT_EMAIL, FAKE_ACCOUNT_PASSWORD};

impl FakeNowPayments {
    /// Starts a fake that accepts only `api_key` (header `x-api-key`); `ipn_secret` signs `signed` IPNs.
    pub async fn start(api_key: &str, ipn_secret: &str) -> FakeNowPayments {
        let state = Arc::new(Mutex::new(FakeState {
            api_key: api_key.to_owned(),
            next_invoice_id: FIRST_INVOICE_ID,
            invoices: Vec::new(),
            payments: HashMap::new(),
            faults: VecDeque::new(),
            requests: Vec::new(),
            listing: listing::ListingState::default(),
        }));
        let router = Router::new()
            .route("/v1/invoice", post(create_invoice))
            .route("/v1/payment/{id}", get(payment))
            .route("/v1/payment/", get(listing::list_payments))
            .route("/v1/auth", post(listing::auth))
            .route("/v1/status", get(status))
            .with_state(state.clone());
        let (addr, shutdown) = crate::fake_server::serve(router, "NOWPayments").await;
        FakeNowPayments { addr, ipn_secret: ipn_secret.to_owned().into(), state, shutdown }
    }

    /// Where to point the client: `http://127.0.0.1:{port}/v1`.
    pub fn base_url(&self) -> Url {
        Url::parse(&format!("http://{}/v1", self.addr)).expect("valid URL")
    }

    /// Every `POST /v1/invoice` body received, in order, refused ones included.
    pub fn invoices(&self) -> Vec<Value> {
        self.lock().invoices.clone()
    }

    /// Every request received, as `METHOD /path`.
    pub fn requests(&self) -> Vec<String> {
        self.lock().requests.clone()
    }

    /// `GET /v1/payment/{id}` answers `payment` from now on (other ids: 404).
    pub fn set_payment(&self, id: &str, payment: Value) {
        self.lock().payments.insert(id.to_owned(), payment);
    }

    /// The next `times` requests whose path contains `path_contains` fail with `status`.
    pub fn fail_next(&self, path_contains: &str, times: u32, status: u16) {
        self.push_fault(path_contains, times, status, None);
    }

    /// The next `times` matching requests get 429 with `Retry-After: retry_after_secs`.
    pub fn rate_limit_next(&self, path_contains: &str, times: u32, retry_after_secs: u32) {
        self.push_fault(path_contains, times, 429, Some(retry_after_secs));
    }

    fn push_fault(&self, path_contains: &str, times: u32, status: u16, retry_after: Option<u32>) {
        let fault = Fault { path_contains: path_contains.to_owned(), times, status, retry_after };
        self.lock().faults.push_back(fault);
    }

    /// A realistic IPN body (see [`ipn_body`]).
    #[allow(clippy::too_many_arguments)]
    pub fn ipn_body(
        &self,
        invoice_id: &str,
        order_id: &str,
        payment_id: &str,
        status: PaymentStatus,
        price_usd: Decimal,
        outcome_amount: Decimal,
        outcome_currency: Option<&str>,
    ) -> Value {
        ipn_body(invoice_id, order_id, payment_id, status, price_usd, outcome_amount, outcome_currency)
    }

    /// The bytes to POST and the `x-nowpayments-sig` header value NOWPayments would send with them.
    pub fn signed(&self, body: &Value) -> (Vec<u8>, String) {
        let bytes = serde_json::to_vec(body).expect("a JSON value always serialises");
        (bytes, paygate_nowpayments::sign_ipn(&self.ipn_secret, body))
    }

    fn lock(&self) -> MutexGuard<'_, FakeState> {
        lock(&self.state)
    }
}

impl Drop for FakeNowPayments {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

/// An IPN shaped like a real `finished` one (see `shared/PROVIDERS.md`): every documented field,
/// numbers as JSON numbers, ids of digits as numbers (`invoice_id` `""` → `null`), no fiat value
/// (`actually_paid_at_fiat: 0`, as NOWPayments sends it), `parent_payment_id`, `payin_extra_id` and
/// `payment_extra_ids` null, a `fee` object and `purchase_id` as a string. The amount paid is
/// `actually_paid` against `pay_amount` in `pay_currency`: in full, except half for `partially_paid`
/// and nothing yet for `waiting`/`expired`. With `outcome_currency` `None` the field is left out
/// (then it equals `pay_currency`).
pub fn ipn_body(
    invoice_id: &str,
    order_id: &str,
    payment_id: &str,
    status: PaymentStatus,
    price_usd: Decimal,
    outcome_amount: Decimal,
    outcome_currency: Option<&str>,
) -> Value {
    let pay_currency = outcome_currency.unwrap_or("usdttrc20");
    // The provider keeps 0.5 % of what is paid: pay_amount = outcome + service fee.
    let service_fee = (outcome_amount / Decimal::new(199, 0)).round_dp(8);
    let pay_amount = if outcome_amount > Decimal::ZERO { outcome_amount + service_fee } else { price_usd };
    let paid = match status {
        PaymentStatus::Waiting | PaymentStatus::Expired => Decimal::ZERO,
        PaymentStatus::PartiallyPaid => pay_amount / Decimal::TWO,
        _ => pay_amount,
    };
    let invoice_id = if invoice_id.is_empty() { Value::Null } else { id(invoice_id) };
    let mut body = json!({
        "payment_id": id(payment_id), "parent_payment_id": null, "invoice_id": invoice_id,
        "payment_status": status.as_str(), "pay_address": "TNDFkiSmBQorNFacb3735q8MnT29sn8BLn",
        "payin_extra_id": null, "price_amount": number(price_usd), "price_currency": "usd",
        "pay_amount": number(pay_amount), "actually_paid": number(paid), "actually_paid_at_fiat": 0,
        "pay_currency": pay_currency, "order_id": order_id, "order_description": format!("Paygate order {order_id}"),
        "purchase_id": "5837122679", "outcome_amount": number(outcome_amount), "payment_extra_ids": null,
        "fee": {"currency": pay_currency, "depositFee": 0, "withdrawalFee": 0, "serviceFee": number(service_fee)},
        "created_at": "2025-03-01T10:00:00.000Z", "updated_at": "2025-03-01T10:12:31.000Z",
    });
    if let Some(currency) = outcome_currency {
        body["outcome_currency"] = json!(currency);
    }
    body
}

/// A JSON number for an id of digits, else the string.
fn id(text: &str) -> Value {
    text.parse::<u64>().map_or_else(|_| json!(text), |number| json!(number))
}

/// A JSON number as JavaScript would print it (`5`, not `5.0`).
fn number(amount: Decimal) -> Value {
    let amount = amount.normalize();
    match amount.to_i64() {
        Some(integer) if amount.fract().is_zero() => json!(integer),
        _ => json!(amount.to_f64().expect("a decimal always has an f64 approximation")),
    }
}

async fn create_invoice(State(state): State<Shared>, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    listing::invoice_gate(&state).await;
    let mut state = lock(&state);
    let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    state.invoices.push(request.clone());
    if let Some(refusal) = refuse(&mut state, "POST", &uri, &headers) {
        return refusal;
    }
    let missing = ["price_amount", "price_currency", "order_id", "ipn_callback_url"]
        .into_iter()
        .find(|field| request.get(field).is_none_or(Value::is_null));
    if let Some(field) = missing {
        return error(400, "INVALID_REQUEST_PARAMS", &format!("\"{field}\" is required"));
    }
    if !request["price_amount"].is_number() {
        return error(400, "INVALID_REQUEST_PARAMS", "\"price_amount\" must be a number");
    }
    let id = state.next_invoice_id;
    state.next_invoice_id += 1;
    let now = "2025-03-01T10:00:00.000Z";
    let field = |name: &str| request.get(name).cloned().unwrap_or(Value::Null);
    Json(json!({
        "id": id.to_string(), "token_id": format!("tok{id}"), "order_id": field("order_id"),
        "order_description": field("order_description"), "price_amount": field("price_amount").to_string(),
        "price_currency": field("price_currency"), "pay_currency": null,
        "ipn_callback_url": field("ipn_callback_url"),
        "invoice_url": format!("https://nowpayments.test/payment/?iid={id}"),
        "success_url": field("success_url"), "cancel_url": field("cancel_url"), "created_at": now,
        "updated_at": now, "is_fixed_rate": field("is_fixed_rate"),
        "is_fee_paid_by_user": field("is_fee_paid_by_user"),
    }))
    .into_response()
}

async fn payment(
    State(state): State<Shared>,
    Path(id): Path<String>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let mut state = lock(&state);
    if let Some(refusal) = refuse(&mut state, "GET", &uri, &headers) {
        return refusal;
    }
    match state.payments.get(&id) {
        Some(payment) => Json(payment.clone()).into_response(),
        None => error(404, "PAYMENT_NOT_FOUND", "Payment not found"),
    }
}

async fn status(State(state): State<Shared>, uri: Uri) -> Response {
    let mut state = lock(&state);
    state.requests.push(format!("GET {}", uri.path()));
    if let Some(fault) = take_fault(&mut state, uri.path()) {
        return fault_response(&fault);
    }
    Json(json!({"message": "OK"})).into_response()
}

/// Logs the request, then answers for a wrong API key or an injected fault.
fn refuse(state: &mut FakeState, method: &str, uri: &Uri, headers: &HeaderMap) -> Option<Response> {
    state.requests.push(format!("{method} {}", uri.path()));
    let key = headers.get("x-api-key").and_then(|value| value.to_str().ok());
    if key != Some(state.api_key.as_str()) {
        return Some(error(401, "INVALID_API_KEY", "Invalid api key"));
    }
    take_fault(state, uri.path()).map(|fault| fault_response(&fault))
}

fn take_fault(state: &mut FakeState, path: &str) -> Option<Fault> {
    let index = state.faults.iter().position(|fault| path.contains(&fault.path_contains))?;
    let fault = state.faults[index].clone();
    state.faults[index].times = fault.times.saturating_sub(1);
    if state.faults[index].times == 0 {
        state.faults.remove(index);
    }
    (fault.times > 0).then_some(fault)
}

fn fault_response(fault: &Fault) -> Response {
    let mut response = match fault.status {
        429 => error(429, "TOO_MANY_REQUESTS", "Too many requests"),
        400..=499 => error(fault.status, "BAD_REQUEST", "Injected failure"),
        _ => error(fault.status, "INTERNAL_ERROR", "Internal server error"),
    };
    if let Some(after) = fault.retry_after {
        response.headers_mut().insert("retry-after", after.into());
    }
    response
}

/// NOWPayments' error body: `{"status":false,"statusCode":401,"code":"INVALID_API_KEY","message":"..."}`.
fn error(status: u16, code: &str, message: &str) -> Response {
    let body = json!({"status": false, "statusCode": status, "code": code, "message": message});
    (StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), Json(body)).into_response()
}

fn lock(state: &Shared) -> MutexGuard<'_, FakeState> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}
