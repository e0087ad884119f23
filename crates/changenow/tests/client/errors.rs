//! Failure classes: rate limits, server errors, timeouts, a bad key; and the key never leaks.

use std::time::Duration;

use paygate_domain::swap::{ExchangeId, RateFlow, SwapError, SwapProvider};
use paygate_test_support::fake_changenow::FakeChangeNow;
use rust_decimal_macros::dec;

use crate::common::*;

#[tokio::test]
async fn a_rate_limit_is_retryable_after_the_time_the_provider_asks_or_five_seconds() {
    let (fake, api) = fake_and_client().await;
    fake.rate_limit_next("/exchange/estimated-amount", 1, 30);
    fake.fail_next("/exchange/estimated-amount", 1, 429);

    let told = api.estimate(eth(dec!(0.1)), xmr(), RateFlow::Standard).await.unwrap_err();
    let untold = api.estimate(eth(dec!(0.1)), xmr(), RateFlow::Standard).await.unwrap_err();

    assert_eq!(told, SwapError::RateLimited { retry_after_secs: 30 });
    assert_eq!(untold, SwapError::RateLimited { retry_after_secs: 5 });
    assert!(told.is_retryable() && !told.outcome_unknown());
    assert!(api.estimate(eth(dec!(0.1)), xmr(), RateFlow::Standard).await.is_ok());
}

#[tokio::test]
async fn a_server_error_is_unavailable_and_retryable_and_the_next_call_succeeds() {
    let (fake, api) = fake_and_client().await;
    fake.fail_next("/exchange/min-amount", 1, 502);

    let error = api.min_amount(eth_to_xmr(), RateFlow::Standard).await.unwrap_err();

    assert!(matches!(&error, SwapError::Unavailable(text) if text.contains("502")), "{error:?}");
    assert!(error.is_retryable());
    assert!(api.min_amount(eth_to_xmr(), RateFlow::Standard).await.is_ok());
}

#[tokio::test]
async fn a_create_that_times_out_is_unavailable_retryable_and_of_unknown_outcome() {
    let fake = FakeChangeNow::start(API_KEY).await;
    fake.stall_next_create();

    let error = impatient_client(fake.base_url(), Duration::from_millis(300))
        .create_exchange(&xmr_exchange(dec!(0.05)))
        .await
        .unwrap_err();

    assert!(matches!(&error, SwapError::Unavailable(text) if text.starts_with("timed out")), "{error:?}");
    assert!(error.is_retryable() && error.outcome_unknown());
    assert_eq!(fake.exchanges().len(), 1, "the provider did the work before the answer was lost");
}

#[tokio::test]
async fn an_unreachable_server_is_unavailable_and_retryable() {
    let api = client(url::Url::parse("http://127.0.0.1:9/v2").unwrap(), API_KEY);

    let error = api.min_amount(eth_to_xmr(), RateFlow::Standard).await.unwrap_err();

    assert!(matches!(error, SwapError::Unavailable(_)), "{error:?}");
    assert!(error.is_retryable());
}

#[tokio::test]
async fn a_wrong_api_key_is_unauthorized_and_fatal_on_every_call() {
    let fake = FakeChangeNow::start(API_KEY).await;
    let api = client(fake.base_url(), "wrong-key");

    let errors = [
        api.min_amount(eth_to_xmr(), RateFlow::Standard).await.unwrap_err(),
        api.estimate(eth(dec!(0.1)), xmr(), RateFlow::FixedRate).await.unwrap_err(),
        api.create_exchange(&xmr_exchange(dec!(0.05))).await.unwrap_err(),
        api.exchange_by_id(&ExchangeId::parse("abc").unwrap()).await.unwrap_err(),
    ];

    for error in errors {
        assert_eq!(error, SwapError::Unauthorized);
        assert!(!error.is_retryable());
    }
    assert!(fake.exchanges().is_empty());
}

#[tokio::test]
async fn the_api_key_never_appears_in_errors_or_debug_output() {
    let (fake, api) = fake_and_client().await;
    fake.fail_next("/exchange", 1, 500);
    fake.fail_next("/exchange", 1, 400);
    fake.refuse_address(XMR_ADDRESS);
    let mut errors = vec![
        api.create_exchange(&xmr_exchange(dec!(0.05))).await.unwrap_err(),
        api.create_exchange(&xmr_exchange(dec!(0.05))).await.unwrap_err(),
        api.create_exchange(&xmr_exchange(dec!(0.05))).await.unwrap_err(),
        api.exchange_by_id(&ExchangeId::parse("missing").unwrap()).await.unwrap_err(),
        client(fake.base_url(), "wrong").min_amount(eth_to_xmr(), RateFlow::Standard).await.unwrap_err(),
    ];
    let with_key_in_url = url::Url::parse(&format!("http://{API_KEY}:{API_KEY}@127.0.0.1:9/v2")).unwrap();
    errors.push(
        client(with_key_in_url, API_KEY).min_amount(eth_to_xmr(), RateFlow::Standard).await.unwrap_err(),
    );
    fake.stall_next_create();
    let impatient = impatient_client(fake.base_url(), Duration::from_millis(300));
    errors.push(impatient.create_exchange(&xmr_exchange(dec!(0.05))).await.unwrap_err());

    for error in &errors {
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains(API_KEY), "{shown}");
    }
    assert!(!format!("{api:?} {impatient:?}").contains(API_KEY));
}
