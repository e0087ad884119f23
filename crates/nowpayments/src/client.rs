//! `NowPayments`: the REST client (`POST /invoice`, `GET /payment/{id}`, `GET /payment/?invoiceId=`) as the
//! `PaymentGateway` port.

use std::{fmt, sync::Mutex, time::Duration};

use async_trait::async_trait;
use paygate_domain::payment_gateway::{
    CreatedInvoice, GatewayError, InvoiceRequest, PaymentGateway, PaymentUpdate,
};
use reqwest::{
    RequestBuilder,
    header::{HeaderValue, RETRY_AFTER},
};
use secrecy::{ExposeSecret, SecretString};
use url::Url;

use crate::{
    error::{classify, redact, transport},
    listing::{Account, CachedToken},
    wire::{CreateInvoice, Invoice, Payment},
};

/// Longest wait for one API call, connection included.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);

/// The NOWPayments API client. `Debug` never prints the API key.
pub struct NowPayments {
    base_url: Url,
    api_key: SecretString,
    pub(crate) http: reqwest::Client,
    /// The account login for list look-ups (`POST /auth`); without it they answer `NotConfigured`.
    pub(crate) account: Option<Account>,
    pub(crate) token: Mutex<Option<CachedToken>>,
    timeout: Duration,
}

impl fmt::Debug for NowPayments {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NowPayments")
            .field("base_url", &self.base_url.as_str())
            .field("api_key", &"[REDACTED]")
            .field("account", &self.account.as_ref().map(|_| "[REDACTED]"))
            .finish_non_exhaustive()
    }
}

impl NowPayments {
    /// A client for the API at `base_url` (`https://api.nowpayments.io/v1` in production; its path is kept).
    pub fn new(base_url: Url, api_key: SecretString, http: reqwest::Client) -> Self {
        Self { base_url, api_key, http, account: None, token: Mutex::new(None), timeout: REQUEST_TIMEOUT }
    }

    /// Enables list look-ups (`payments_of_invoice`) with the NOWPayments account's e-mail and password.
    #[must_use]
    pub fn with_account(mut self, email: String, password: SecretString) -> Self {
        self.account = Some(Account { email, password });
        self
    }

    /// Longest wait for one API call (default 15 s).
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// `{base}/{path}` by concatenation, so the base's own path (`/v1`) is never dropped.
    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}/{path}", self.base_url.as_str().trim_end_matches('/'))
    }

    /// Sends one authenticated call and returns the 2xx body; logs the outcome, never the key.
    pub(crate) async fn call(
        &self,
        operation: &'static str,
        request: RequestBuilder,
    ) -> Result<Vec<u8>, GatewayError> {
        let result = self.send(request).await.map_err(|error| redact(error, self.api_key.expose_secret()));
        match &result {
            Ok(_) => tracing::debug!(kind = "external", operation, "nowpayments call succeeded"),
            Err(error) => tracing::warn!(kind = "external", operation, %error, "nowpayments call failed"),
        }
        result
    }

    async fn send(&self, request: RequestBuilder) -> Result<Vec<u8>, GatewayError> {
        let mut api_key = HeaderValue::from_str(self.api_key.expose_secret())
            .map_err(|_| GatewayError::Rejected("the API key is not a valid header value".to_owned()))?;
        api_key.set_sensitive(true);
        let response =
            request.header("x-api-key", api_key).timeout(self.timeout).send().await.map_err(transport)?;
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
}

/// A 2xx body that does not parse as expected.
fn bad_response(what: &str, error: &serde_json::Error) -> GatewayError {
    GatewayError::BadResponse(format!("unexpected {what}: {error}"))
}

#[async_trait]
impl PaymentGateway for NowPayments {
    #[tracing::instrument(skip_all, fields(order_id = %request.order_id))]
    async fn create_invoice(&self, request: &InvoiceRequest) -> Result<CreatedInvoice, GatewayError> {
        let body = CreateInvoice::new(request)
            .and_then(|body| serde_json::to_vec(&body))
            .map_err(|error| GatewayError::Rejected(format!("cannot encode the invoice: {error}")))?;
        let request = self
            .http
            .post(self.url("invoice"))
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body);
        let body = self.call("create_invoice", request).await?;
        let invoice: Invoice =
            serde_json::from_slice(&body).map_err(|error| bad_response("invoice response", &error))?;
        if invoice.invoice_url.is_empty() {
            return Err(GatewayError::BadResponse("invoice response without invoice_url".to_owned()));
        }
        Ok(CreatedInvoice { provider_invoice_id: invoice.id, invoice_url: invoice.invoice_url })
    }

    #[tracing::instrument(skip(self))]
    async fn payment_status(&self, provider_payment_id: &str) -> Result<PaymentUpdate, GatewayError> {
        let plain = |byte: u8| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_';
        if provider_payment_id.is_empty() || !provider_payment_id.bytes().all(plain) {
            return Err(GatewayError::Rejected("invalid payment id".to_owned()));
        }
        let request = self.http.get(self.url(&format!("payment/{provider_payment_id}")));
        let body = self.call("payment_status", request).await?;
        let payment: Payment =
            serde_json::from_slice(&body).map_err(|error| bad_response("payment response", &error))?;
        Ok(payment.into_update(&body))
    }

    #[tracing::instrument(skip(self))]
    async fn payments_of_invoice(
        &self,
        provider_invoice_id: &str,
    ) -> Result<Vec<PaymentUpdate>, GatewayError> {
        self.list_invoice_payments(provider_invoice_id).await
    }

    fn is_live(&self) -> bool {
        true
    }
}
