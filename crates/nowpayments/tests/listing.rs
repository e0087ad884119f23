//! Listing an invoice's payments against the fake: account login, token reuse and renewal, paging,
//! and the failures reconciliation must tell apart (not configured, refused, rate limited, timed out).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use paygate_domain::payment_gateway::{GatewayError, PaymentGateway, PaymentStatus};
use paygate_nowpayments::NowPayments;
use paygate_test_support::fake_nowpayments::{FAKE_ACCOUNT_EMAIL, FAKE_ACCOUNT_PASSWORD, FakeNowPayments};
use rust_decimal_macros::dec;

const API_KEY: &str = "NP-KEY-listing-0123456789";
const IPN_SECRET: &str = "ipn-secret-for-listing-tests";
const INVOICE: &str = "4591254910";

async fn fake() -> FakeNowPayments {
    let fake = FakeNowPayments::start(API_KEY, IPN_SECRET).await;
    let body = fake.ipn_body(
        INVOICE,
        "order-1",
        "5077125051",
        PaymentStatus::Finished,
        dec!(5),
        dec!(0.00161),
        Some("eth"),
    );
    fake.set_payment("5077125051", body);
    let other = fake.ipn_body(
        "999",
        "order-2",
        "5077125052",
        PaymentStatus::Finished,
        dec!(5),
        dec!(0.00161),
        Some("eth"),
    );
    fake.set_payment("5077125052", other);
    fake
}

fn client(fake: &FakeNowPayments) -> NowPayments {
    NowPayments::new(fake.base_url(), API_KEY.to_owned().into(), reqwest::Client::new())
        .with_account(FAKE_ACCOUNT_EMAIL.to_owned(), FAKE_ACCOUNT_PASSWORD.to_owned().into())
}

#[tokio::test]
async fn the_payments_of_an_invoice_are_listed_after_one_login_that_later_calls_reuse() {
    let fake = fake().await;
    let api = client(&fake);

    let found = api.payments_of_invoice(INVOICE).await.unwrap();
    assert_eq!(found.len(), 1, "only the payment of this invoice: {found:?}");
    assert_eq!(found[0].provider_payment_id, "5077125051");
    assert_eq!(found[0].status, PaymentStatus::Finished);
    assert_eq!(found[0].order_id.as_deref(), Some("order-1"));
    assert_eq!(api.payments_of_invoice(INVOICE).await.unwrap().len(), 1);
    assert_eq!(api.payments_of_invoice("12345").await.unwrap(), vec![]);

    assert_eq!(fake.logins(), 1, "the token is cached");
    let listed = fake.requests().into_iter().filter(|r| r.contains("invoiceId=")).count();
    assert_eq!(listed, 3);
}

#[tokio::test]
async fn an_expired_token_is_renewed_once_and_the_call_succeeds() {
    let fake = fake().await;
    let api = client(&fake);
    api.payments_of_invoice(INVOICE).await.unwrap();

    fake.expire_tokens();
    assert_eq!(api.payments_of_invoice(INVOICE).await.unwrap().len(), 1);
    assert_eq!(fake.logins(), 2);
}

#[tokio::test]
async fn without_an_account_login_listing_is_not_configured_and_nothing_is_sent() {
    let fake = fake().await;
    let api = NowPayments::new(fake.base_url(), API_KEY.to_owned().into(), reqwest::Client::new());

    let error = api.payments_of_invoice(INVOICE).await.unwrap_err();
    assert!(
        matches!(&error, GatewayError::NotConfigured(text) if text.contains("PAYGATE_NOWPAYMENTS_EMAIL"))
    );
    assert!(!error.is_retryable());
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());
}

#[tokio::test]
async fn a_wrong_password_is_unauthorized_and_never_echoed() {
    let fake = fake().await;
    let api = NowPayments::new(fake.base_url(), API_KEY.to_owned().into(), reqwest::Client::new())
        .with_account(FAKE_ACCOUNT_EMAIL.to_owned(), "wrong-password-xyz".to_owned().into());

    let error = api.payments_of_invoice(INVOICE).await.unwrap_err();
    assert_eq!(error, GatewayError::Unauthorized);
    assert!(!format!("{api:?}").contains("wrong-password-xyz"));
}

#[tokio::test]
async fn rate_limits_server_errors_and_timeouts_are_retryable_and_the_next_call_works() {
    let fake = fake().await;
    let api = client(&fake).with_timeout(Duration::from_secs(2));

    fake.rate_limit_next("invoiceId", 1, 7);
    assert_eq!(
        api.payments_of_invoice(INVOICE).await.unwrap_err(),
        GatewayError::RateLimited { retry_after_secs: 7 }
    );
    fake.fail_next("invoiceId", 1, 503);
    assert!(api.payments_of_invoice(INVOICE).await.unwrap_err().is_retryable());
    fake.stall_next("invoiceId", 1);
    let error = api.payments_of_invoice(INVOICE).await.unwrap_err();
    assert!(matches!(error, GatewayError::Unavailable(_)), "{error:?}");
    fake.stall_next("/v1/auth", 1);
    fake.expire_tokens();
    assert!(api.payments_of_invoice(INVOICE).await.unwrap_err().is_retryable(), "a login that times out");

    assert_eq!(api.payments_of_invoice(INVOICE).await.unwrap().len(), 1);
}

#[tokio::test]
async fn every_page_of_a_long_list_is_read() {
    let fake = FakeNowPayments::start(API_KEY, IPN_SECRET).await;
    for n in 0..150 {
        let id = format!("60000{n:03}");
        let body =
            fake.ipn_body(INVOICE, "order-1", &id, PaymentStatus::Waiting, dec!(5), dec!(0), Some("eth"));
        fake.set_payment(&id, body);
    }
    let found = client(&fake).payments_of_invoice(INVOICE).await.unwrap();
    assert_eq!(found.len(), 150);
    let pages = fake.requests().into_iter().filter(|r| r.contains("invoiceId=")).count();
    assert_eq!(pages, 2);
}
