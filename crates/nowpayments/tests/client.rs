//! The NOWPayments client against the fake server: invoice fields, status mapping, error classification.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::str::FromStr;

use paygate_domain::payment_gateway::{GatewayError, InvoiceRequest, PaymentGateway, PaymentStatus};
use paygate_nowpayments::{NowPayments, verify_ipn};
use paygate_test_support::fake_nowpayments::{FIRST_INVOICE_ID, FakeNowPayments};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde_json::json;

const API_KEY: &str = "NP-KEY-0123456789-secret";
const IPN_SECRET: &str = "ipn-secret-for-client-tests";

fn client(base_url: url::Url, api_key: &str) -> NowPayments {
    NowPayments::new(base_url, api_key.to_owned().into(), reqwest::Client::new())
}

async fn fake_and_client() -> (FakeNowPayments, NowPayments) {
    let fake = FakeNowPayments::start(API_KEY, IPN_SECRET).await;
    let api = client(fake.base_url(), API_KEY);
    (fake, api)
}

fn request() -> InvoiceRequest {
    InvoiceRequest {
        order_id: "0195f1c2-7a3b-7c41-9d2e-4b5a6c7d8e9f".into(),
        price_usd: dec!(5.00),
        description: "Gold tier, 30 days".into(),
        ipn_callback_url: "https://paygate.example/webhooks/nowpayments".into(),
        success_url: "https://paygate.example/paid?invoice=0195f1c2%7Cx".into(),
        cancel_url: "https://paygate.example/cancelled".into(),
    }
}

fn as_decimal(value: &serde_json::Value) -> Decimal {
    assert!(value.is_number(), "{value} is not a JSON number");
    Decimal::from_str(&value.to_string()).unwrap()
}

#[tokio::test]
async fn creating_an_invoice_sends_the_documented_fields_and_returns_the_hosted_page() {
    let (fake, api) = fake_and_client().await;

    let created = api.create_invoice(&request()).await.unwrap();

    assert_eq!(created.provider_invoice_id, FIRST_INVOICE_ID.to_string());
    assert_eq!(created.invoice_url, format!("https://nowpayments.test/payment/?iid={FIRST_INVOICE_ID}"));
    let sent = fake.invoices().pop().unwrap();
    assert_eq!(as_decimal(&sent["price_amount"]), dec!(5));
    let mut rest = sent.clone();
    rest.as_object_mut().unwrap().remove("price_amount");
    assert_eq!(
        rest,
        json!({
            "price_currency": "usd", "order_id": "0195f1c2-7a3b-7c41-9d2e-4b5a6c7d8e9f",
            "order_description": "Gold tier, 30 days",
            "ipn_callback_url": "https://paygate.example/webhooks/nowpayments",
            "success_url": "https://paygate.example/paid?invoice=0195f1c2%7Cx",
            "cancel_url": "https://paygate.example/cancelled", "is_fixed_rate": true,
            "is_fee_paid_by_user": false,
        })
    );
    assert_eq!(fake.requests(), ["POST /v1/invoice"]);
}

#[tokio::test]
async fn a_fractional_price_is_sent_as_the_same_number() {
    let (fake, api) = fake_and_client().await;
    api.create_invoice(&InvoiceRequest { price_usd: dec!(12.34), ..request() }).await.unwrap();
    assert_eq!(as_decimal(&fake.invoices()[0]["price_amount"]), dec!(12.34));
}

#[tokio::test]
async fn a_base_url_with_a_trailing_slash_keeps_its_path() {
    let fake = FakeNowPayments::start(API_KEY, IPN_SECRET).await;
    let with_slash = url::Url::parse(&format!("{}/", fake.base_url())).unwrap();
    client(with_slash, API_KEY).create_invoice(&request()).await.unwrap();
    assert_eq!(fake.requests(), ["POST /v1/invoice"]);
}

#[tokio::test]
async fn a_wrong_api_key_is_unauthorized_and_not_retryable() {
    let fake = FakeNowPayments::start(API_KEY, IPN_SECRET).await;
    let error = client(fake.base_url(), "wrong-key").create_invoice(&request()).await.unwrap_err();
    assert_eq!(error, GatewayError::Unauthorized);
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn a_server_error_is_unavailable_and_retryable_and_the_next_call_succeeds() {
    let (fake, api) = fake_and_client().await;
    fake.fail_next("/invoice", 1, 500);

    let error = api.create_invoice(&request()).await.unwrap_err();

    assert!(matches!(error, GatewayError::Unavailable(_)), "{error:?}");
    assert!(error.is_retryable());
    assert!(api.create_invoice(&request()).await.is_ok());
}

#[tokio::test]
async fn a_rate_limit_waits_as_told_or_five_seconds() {
    let (fake, api) = fake_and_client().await;
    fake.rate_limit_next("/invoice", 1, 30);
    fake.fail_next("/invoice", 1, 429);

    let told = api.create_invoice(&request()).await.unwrap_err();
    let untold = api.create_invoice(&request()).await.unwrap_err();

    assert_eq!(told, GatewayError::RateLimited { retry_after_secs: 30 });
    assert_eq!(untold, GatewayError::RateLimited { retry_after_secs: 5 });
}

#[tokio::test]
async fn a_refused_invoice_is_rejected_with_the_providers_message() {
    let (fake, api) = fake_and_client().await;
    fake.fail_next("/invoice", 1, 400);
    let error = api.create_invoice(&request()).await.unwrap_err();
    assert_eq!(error, GatewayError::Rejected("BAD_REQUEST: Injected failure".into()));
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn payment_status_maps_the_status_and_amounts_exactly() {
    let (fake, api) = fake_and_client().await;
    let body = fake.ipn_body(
        "4522625843",
        "order-1",
        "5077125051",
        PaymentStatus::Finished,
        dec!(5),
        dec!(4.1824),
        Some("usdttrc20"),
    );
    fake.set_payment("5077125051", body.clone());

    let update = api.payment_status("5077125051").await.unwrap();

    assert_eq!(update.provider_payment_id, "5077125051");
    assert_eq!(update.provider_invoice_id.as_deref(), Some("4522625843"));
    assert_eq!(update.order_id.as_deref(), Some("order-1"));
    assert_eq!(update.status, PaymentStatus::Finished);
    assert_eq!((update.price_amount, update.price_currency.as_str()), (dec!(5), "usd"));
    assert_eq!(update.actually_paid, update.pay_amount, "paid in full");
    assert_eq!(update.outcome_amount, Some(dec!(4.1824)));
    assert_eq!(update.outcome_currency.as_deref(), Some("usdttrc20"));
    assert_eq!(serde_json::from_str::<serde_json::Value>(&update.raw).unwrap(), body, "kept as received");
    assert_eq!(fake.requests(), ["GET /v1/payment/5077125051"]);
}

#[tokio::test]
async fn every_provider_status_maps_to_the_same_port_status_and_tiny_floats_stay_exact() {
    let (fake, api) = fake_and_client().await;
    let statuses = [
        "waiting",
        "confirming",
        "confirmed",
        "sending",
        "partially_paid",
        "finished",
        "failed",
        "refunded",
        "expired",
    ];
    for (id, raw) in (100..).zip(statuses) {
        let id = id.to_string();
        // 0.00000001 reaches the client as `1e-8`: the exponent form must parse exactly too.
        fake.set_payment(
            &id,
            json!({
                "payment_id": id, "payment_status": raw, "price_amount": "10.00", "price_currency": "usd",
                "actually_paid": 0.00000001, "outcome_amount": null,
            }),
        );
        let update = api.payment_status(&id).await.unwrap();
        assert_eq!(update.status.as_str(), raw);
        assert_eq!(update.price_amount.to_string(), "10.00");
        assert_eq!(update.actually_paid, Some(dec!(0.00000001)));
        assert_eq!(update.outcome_amount, None);
    }
}

#[tokio::test]
async fn an_unknown_status_is_a_bad_response() {
    let (fake, api) = fake_and_client().await;
    fake.set_payment(
        "9",
        json!({"payment_id": 9, "payment_status": "teleported", "price_amount": 1, "price_currency": "usd"}),
    );
    let error = api.payment_status("9").await.unwrap_err();
    assert!(matches!(error, GatewayError::BadResponse(_)), "{error:?}");
}

#[tokio::test]
async fn an_unknown_payment_is_not_found_and_a_strange_id_is_never_sent() {
    let (fake, api) = fake_and_client().await;
    assert_eq!(api.payment_status("404404").await.unwrap_err(), GatewayError::NotFound);
    assert!(matches!(api.payment_status("../invoice").await, Err(GatewayError::Rejected(_))));
    assert_eq!(fake.requests(), ["GET /v1/payment/404404"]);
}

#[tokio::test]
async fn an_unreachable_server_is_unavailable() {
    let fake = FakeNowPayments::start(API_KEY, IPN_SECRET).await;
    let base_url = fake.base_url();
    drop(fake);
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let api = client(url::Url::parse("http://127.0.0.1:9/v1").unwrap(), API_KEY);

    let error = api.payment_status("1").await.unwrap_err();
    let after_shutdown = client(base_url, API_KEY).payment_status("1").await.unwrap_err();

    assert!(matches!(error, GatewayError::Unavailable(_)), "{error:?}");
    assert!(after_shutdown.is_retryable(), "{after_shutdown:?}");
}

#[tokio::test]
async fn the_api_key_never_appears_in_errors_or_debug_output() {
    let (fake, api) = fake_and_client().await;
    fake.fail_next("/invoice", 1, 500);
    fake.fail_next("/invoice", 1, 400);
    let mut errors = vec![
        api.create_invoice(&request()).await.unwrap_err(),
        api.create_invoice(&request()).await.unwrap_err(),
        api.payment_status("1").await.unwrap_err(),
        client(fake.base_url(), "wrong").payment_status("1").await.unwrap_err(),
    ];
    let unreachable =
        client(url::Url::parse(&format!("http://{API_KEY}:{API_KEY}@127.0.0.1:9/v1")).unwrap(), API_KEY);
    errors.push(unreachable.payment_status("1").await.unwrap_err());
    for error in &errors {
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains(API_KEY), "{shown}");
    }
    assert!(!format!("{api:?}").contains(API_KEY));
}

#[tokio::test]
async fn a_signed_ipn_from_the_fake_verifies_with_the_same_secret() {
    let fake = FakeNowPayments::start(API_KEY, IPN_SECRET).await;
    let body = fake.ipn_body("1", "order-2", "2", PaymentStatus::Finished, dec!(3.5), dec!(2.9), None);
    let (bytes, signature) = fake.signed(&body);

    let update =
        verify_ipn(&IPN_SECRET.to_owned().into(), &bytes, Some(&signature)).unwrap().into_payment().unwrap();

    assert_eq!((update.price_amount, update.outcome_amount), (dec!(3.5), Some(dec!(2.9))));
    assert_eq!((update.outcome_currency, update.pay_currency.as_deref()), (None, Some("usdttrc20")));
    assert!(verify_ipn(&"other".to_owned().into(), &bytes, Some(&signature)).is_err());
}
