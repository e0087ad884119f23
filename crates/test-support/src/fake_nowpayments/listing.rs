//! The fake's account login and list look-up: `POST /v1/auth` (e-mail + password → JWT) and
//! `GET /v1/payment/?invoiceId=` (Bearer JWT + key), with expired tokens, stalls and an invoice gate.

use std::{
    collections::{HashMap, HashSet, VecDeque},
    time::Duration,
};

use axum::{
    Json,
    body::Bytes,
    extract::{Query, State},
    http::{HeaderMap, Uri},
    response::{IntoResponse, Response},
};
use serde_json::{Value, json};
use tokio::sync::watch;

use super::{FakeNowPayments, Shared, error, fault_response, lock, take_fault};

/// The account e-mail a fresh fake accepts at `POST /v1/auth`.
pub const FAKE_ACCOUNT_EMAIL: &str = "merchant@paygate.test";
/// The account password a fresh fake accepts at `POST /v1/auth`.
pub const FAKE_ACCOUNT_PASSWORD: &str = "np-account-password";

/// How long a stalled request waits before answering (longer than any client timeout in tests).
const STALL: Duration = Duration::from_secs(60);

pub(super) struct ListingState {
    account: Option<(String, String)>,
    tokens: HashSet<String>,
    issued: u64,
    /// Path-and-query substring → how many more requests to leave unanswered for a long time.
    stalls: VecDeque<(String, u32)>,
    /// `true` while invoice creation is held (requests wait until released).
    gate: watch::Sender<bool>,
    held: usize,
}

impl Default for ListingState {
    fn default() -> Self {
        Self {
            account: Some((FAKE_ACCOUNT_EMAIL.to_owned(), FAKE_ACCOUNT_PASSWORD.to_owned())),
            tokens: HashSet::new(),
            issued: 0,
            stalls: VecDeque::new(),
            gate: watch::Sender::new(false),
            held: 0,
        }
    }
}

impl FakeNowPayments {
    /// The account login the fake accepts (`None` after [`Self::remove_account`]); test apps configure
    /// their live adapter with it.
    pub fn account(&self) -> Option<(String, String)> {
        self.lock().listing.account.clone()
    }

    /// No account login works any more (for apps configured without PAYGATE_NOWPAYMENTS_EMAIL/PASSWORD).
    pub fn remove_account(&self) {
        self.lock().listing.account = None;
    }

    /// Every JWT handed out so far stops working (401 until the client logs in again).
    pub fn expire_tokens(&self) {
        self.lock().listing.tokens.clear();
    }

    /// How many logins (`POST /v1/auth`) succeeded.
    pub fn logins(&self) -> u64 {
        self.lock().listing.issued
    }

    /// The next `times` requests whose path and query contain `contains` get no answer for a minute.
    pub fn stall_next(&self, contains: &str, times: u32) {
        self.lock().listing.stalls.push_back((contains.to_owned(), times));
    }

    /// Holds every `POST /v1/invoice` (recorded first) until [`Self::release_invoices`].
    pub fn hold_invoices(&self) {
        self.lock().listing.gate.send_replace(true);
    }

    /// Lets held and later invoice requests through.
    pub fn release_invoices(&self) {
        self.lock().listing.gate.send_replace(false);
    }

    /// How many invoice requests reached the gate while it was held.
    pub fn held_invoice_requests(&self) -> usize {
        self.lock().listing.held
    }
}

/// Waits at the invoice gate while it is held.
pub(super) async fn invoice_gate(state: &Shared) {
    let mut gate = {
        let mut state = lock(state);
        if *state.listing.gate.borrow() {
            state.listing.held += 1;
        }
        state.listing.gate.subscribe()
    };
    let _ = gate.wait_for(|held| !held).await;
}

/// Stalls for a long time when a stall matches `target`.
async fn stall(state: &Shared, target: &str) {
    let stalled = {
        let mut state = lock(state);
        let stalls = &mut state.listing.stalls;
        match stalls.iter().position(|(contains, _)| target.contains(contains.as_str())) {
            Some(index) => {
                stalls[index].1 = stalls[index].1.saturating_sub(1);
                if stalls[index].1 == 0 {
                    stalls.remove(index);
                }
                true
            }
            None => false,
        }
    };
    if stalled {
        tokio::time::sleep(STALL).await;
    }
}

/// `POST /v1/auth` `{"email","password"}` → `{"token": "<JWT>"}`.
pub(super) async fn auth(State(state): State<Shared>, uri: Uri, body: Bytes) -> Response {
    stall(&state, uri.path()).await;
    let mut state = lock(&state);
    state.requests.push(format!("POST {}", uri.path()));
    if let Some(fault) = take_fault(&mut state, uri.path()) {
        return fault_response(&fault);
    }
    let login: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let given = (login["email"].as_str(), login["password"].as_str());
    let matches = state
        .listing
        .account
        .as_ref()
        .is_some_and(|(email, password)| given == (Some(email.as_str()), Some(password.as_str())));
    if !matches {
        return error(401, "INVALID_CREDENTIALS", "Invalid email or password");
    }
    state.listing.issued += 1;
    let token = format!("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.fake{}.signature", state.listing.issued);
    state.listing.tokens.insert(token.clone());
    Json(json!({"token": token})).into_response()
}

/// `GET /v1/payment/?invoiceId=&limit=&page=`: the payments whose `invoice_id` matches, paged.
pub(super) async fn list_payments(
    State(state): State<Shared>,
    Query(query): Query<HashMap<String, String>>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let target = uri.path_and_query().map_or_else(|| uri.path().to_owned(), |pq| pq.as_str().to_owned());
    stall(&state, &target).await;
    let mut state = lock(&state);
    state.requests.push(format!("GET {target}"));
    let key = headers.get("x-api-key").and_then(|value| value.to_str().ok());
    if key != Some(state.api_key.as_str()) {
        return error(401, "INVALID_API_KEY", "Invalid api key");
    }
    let bearer = headers.get("authorization").and_then(|value| value.to_str().ok());
    match bearer.and_then(|value| value.strip_prefix("Bearer ")) {
        None => {
            return error(
                401,
                "AUTH_REQUIRED",
                "Authorization header is empty (Bearer JWTtoken is required)",
            );
        }
        Some(token) if !state.listing.tokens.contains(token) => {
            return error(401, "INVALID_TOKEN", "jwt expired");
        }
        Some(_) => {}
    }
    if let Some(fault) = take_fault(&mut state, &target) {
        return fault_response(&fault);
    }
    let number = |name: &str, default: usize| query.get(name).and_then(|v| v.parse().ok()).unwrap_or(default);
    let (limit, page) = (number("limit", 10).clamp(1, 500), number("page", 0));
    let wanted = query.get("invoiceId").cloned();
    let id_text = |value: &Value| value.as_str().map_or_else(|| value.to_string(), str::to_owned);
    let mut matching: Vec<Value> = state
        .payments
        .values()
        .filter(|payment| wanted.as_ref().is_none_or(|wanted| id_text(&payment["invoice_id"]) == *wanted))
        .cloned()
        .collect();
    matching.sort_by_key(|payment| id_text(&payment["payment_id"]));
    let total = matching.len();
    let data: Vec<Value> = matching.into_iter().skip(page * limit).take(limit).collect();
    Json(json!({"data": data, "limit": limit, "page": page, "pagesCount": total.div_ceil(limit), "total": total}))
        .into_response()
}
