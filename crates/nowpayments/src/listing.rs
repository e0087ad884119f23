//! NOWPayments list look-ups: the account login (`POST /auth` → JWT, cached) and the payments of one
//! invoice (`GET /payment/?invoiceId=`), read leniently but never guessed.

use std::{
    sync::PoisonError,
    time::{Duration, Instant},
};

use paygate_domain::payment_gateway::{GatewayError, PaymentUpdate};
use reqwest::header::CONTENT_TYPE;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::{NowPayments, error::redact, wire::Payment};

/// NOWPayments documents a JWT lifetime of five minutes; a token is renewed a minute before that.
const TOKEN_FRESH_FOR: Duration = Duration::from_secs(240);
/// Payments asked for per page, and the most pages read for one invoice.
const PAGE_SIZE: u32 = 100;
const MAX_PAGES: u32 = 10;

/// The merchant account login that list endpoints require besides the API key.
pub(crate) struct Account {
    pub email: String,
    pub password: SecretString,
}

/// A JWT from `POST /auth` and until when it is used without asking again.
pub(crate) struct CachedToken {
    token: SecretString,
    fresh_until: Instant,
}

#[derive(Serialize)]
struct AuthRequest<'a> {
    email: &'a str,
    password: &'a str,
}

#[derive(Deserialize)]
struct AuthAnswer {
    token: String,
}

/// One page of `GET /payment/`: `{"data":[…],"limit":…,"page":…,"pagesCount":…,"total":…}`. Only
/// `data` is required; the paging fields may be numbers or strings, or absent.
#[derive(Deserialize)]
struct Page<'a> {
    #[serde(borrow)]
    data: Vec<&'a RawValue>,
    #[serde(default, borrow, rename = "pagesCount")]
    pages_count: Option<&'a RawValue>,
}

fn not_configured() -> GatewayError {
    GatewayError::NotConfigured(
        "listing an invoice's payments needs the NOWPayments account login: set PAYGATE_NOWPAYMENTS_EMAIL \
         and PAYGATE_NOWPAYMENTS_PASSWORD"
            .to_owned(),
    )
}

impl NowPayments {
    /// Every payment of the provider invoice `invoice_id`, each as a status report.
    pub(crate) async fn list_invoice_payments(
        &self,
        invoice_id: &str,
    ) -> Result<Vec<PaymentUpdate>, GatewayError> {
        let plain = |byte: u8| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_';
        if invoice_id.is_empty() || !invoice_id.bytes().all(plain) {
            return Err(GatewayError::Rejected("invalid invoice id".to_owned()));
        }
        let mut updates = Vec::new();
        let mut page = 0;
        loop {
            let body = self.list_page(invoice_id, page).await?;
            let (items, pages) = parse_page(&body)?;
            for item in items {
                // A payment of another invoice is not ours to act on (the filter was ignored?).
                if item.provider_invoice_id.as_deref().is_none_or(|id| id == invoice_id) {
                    updates.push(item);
                }
            }
            page += 1;
            if page >= pages.min(MAX_PAGES) {
                return Ok(updates);
            }
        }
    }

    /// One page, with a cached token; a 401 renews the token once and asks again.
    async fn list_page(&self, invoice_id: &str, page: u32) -> Result<Vec<u8>, GatewayError> {
        let token = self.bearer(false).await?;
        match self.call("list_payments", self.list_request(invoice_id, page, &token)).await {
            Err(GatewayError::Unauthorized) => {
                let token = self.bearer(true).await?;
                self.call("list_payments", self.list_request(invoice_id, page, &token)).await
            }
            other => other,
        }
    }

    fn list_request(&self, invoice_id: &str, page: u32, token: &SecretString) -> reqwest::RequestBuilder {
        let url = format!("{}?invoiceId={invoice_id}&limit={PAGE_SIZE}&page={page}", self.url("payment/"));
        self.http.get(url).bearer_auth(token.expose_secret())
    }

    /// The cached JWT while fresh, else a new one from `POST /auth` (always a new one when `renew`).
    async fn bearer(&self, renew: bool) -> Result<SecretString, GatewayError> {
        let account = self.account.as_ref().ok_or_else(not_configured)?;
        if !renew {
            let cached = self.token.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(cached) = cached.as_ref().filter(|cached| Instant::now() < cached.fresh_until) {
                return Ok(cached.token.clone());
            }
        }
        let password = account.password.expose_secret();
        let body = serde_json::to_vec(&AuthRequest { email: &account.email, password })
            .map_err(|error| GatewayError::Rejected(format!("cannot encode the login: {error}")))?;
        let request = self.http.post(self.url("auth")).header(CONTENT_TYPE, "application/json").body(body);
        let asked_at = Instant::now();
        let answer = self.call("auth", request).await.map_err(|error| redact(error, password))?;
        let token = serde_json::from_slice::<AuthAnswer>(&answer)
            .ok()
            .map(|answer| answer.token)
            .filter(|token| !token.is_empty())
            .ok_or_else(|| GatewayError::BadResponse("login response without a token".to_owned()))?;
        let token = SecretString::from(token);
        let fresh = CachedToken { token: token.clone(), fresh_until: asked_at + TOKEN_FRESH_FOR };
        *self.token.lock().unwrap_or_else(PoisonError::into_inner) = Some(fresh);
        Ok(token)
    }
}

/// The payments of one page and the page count (1 when not told). Any payment that does not parse
/// fails the whole answer: an invoice must never be expired past a payment we could not read.
fn parse_page(body: &[u8]) -> Result<(Vec<PaymentUpdate>, u32), GatewayError> {
    let bad =
        |error: serde_json::Error| GatewayError::BadResponse(format!("unexpected payment list: {error}"));
    let page: Page<'_> = serde_json::from_slice(body).map_err(bad)?;
    let pages = page.pages_count.map_or(Some(1), |raw| {
        let text = raw.get().trim_matches('"');
        if text == "null" { Some(1) } else { text.parse::<u32>().ok() }
    });
    let pages = pages.ok_or_else(|| GatewayError::BadResponse("unexpected pagesCount".to_owned()))?;
    let mut updates = Vec::with_capacity(page.data.len());
    for item in page.data {
        let payment: Payment = serde_json::from_str(item.get()).map_err(bad)?;
        updates.push(payment.into_update(item.get().as_bytes()));
    }
    Ok((updates, pages.max(1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_read_with_or_without_paging_fields() {
        let item = r#"{"payment_id":5077125051,"invoice_id":4591254910,"payment_status":"finished",
            "price_amount":5,"price_currency":"usd","pay_amount":0.0017,"actually_paid":0.0017,
            "actually_paid_at_fiat":0,"pay_currency":"eth","order_id":"o-1","outcome_amount":0.00161,
            "outcome_currency":"eth"}"#;
        let full = format!(r#"{{"data":[{item}],"limit":10,"page":0,"pagesCount":3,"total":21}}"#);
        let (updates, pages) = parse_page(full.as_bytes()).unwrap_or_else(|error| panic!("{error}"));
        assert_eq!((updates.len(), pages), (1, 3));
        assert_eq!(updates[0].provider_payment_id, "5077125051");
        assert_eq!(updates[0].provider_invoice_id.as_deref(), Some("4591254910"));
        let bare = format!(r#"{{"data":[{item}],"pagesCount":"2"}}"#);
        assert_eq!(parse_page(bare.as_bytes()).map(|(u, p)| (u.len(), p)), Ok((1, 2)));
        assert_eq!(parse_page(br#"{"data":[]}"#).map(|(u, p)| (u.len(), p)), Ok((0, 1)));
    }

    #[test]
    fn an_answer_without_data_or_with_an_unreadable_payment_is_refused() {
        assert!(matches!(parse_page(br#"{"total":0}"#), Err(GatewayError::BadResponse(_))));
        let unknown =
            br#"{"data":[{"payment_id":1,"payment_status":"paid","price_amount":5,"price_currency":"usd"}]}"#;
        assert!(matches!(parse_page(unknown), Err(GatewayError::BadResponse(_))));
        assert!(parse_page(br#"{"data":[],"pagesCount":"many"}"#).is_err());
    }
}
