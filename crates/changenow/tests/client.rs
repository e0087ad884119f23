//! The ChangeNOW client against the fake server: every call's good path, pair rules, statuses, amounts.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use paygate_domain::{
    money::{Amount, Asset},
    swap::{RateFlow, SwapError, SwapProvider},
};
use rust_decimal_macros::dec;

#[tokio::test]
async fn min_amount_asks_with_lower_case_names_and_returns_the_minimum_in_the_from_asset() {
    let (fake, api) = fake_and_client().await;

    let min = api.min_amount(eth_to_xmr(), RateFlow::Standard).await.unwrap();

    assert_eq!(min.min, Amount::new(dec!(0.01), Asset::ETH).unwrap());
    assert_eq!((min.pair, min.flow), (eth_to_xmr(), RateFlow::Standard));
    assert_eq!(
        fake.requests(),
        [
            "GET /v2/exchange/min-amount?fromCurrency=eth&toCurrency=xmr&fromNetwork=eth&toNetwork=xmr&flow=standard"
        ]
    );
}

#[tokio::test]
async fn a_standard_estimate_returns_the_payout_and_fees_each_in_its_asset() {
    let (fake, api) = fake_and_client().await;

    let quote = api.estimate(eth(dec!(0.1)), xmr(), RateFlow::Standard).await.unwrap();

    assert_eq!(quote.from, eth(dec!(0.1)));
    assert_eq!(quote.to, Amount::new(dec!(1.0499), xmr()).unwrap(), "0.1 × 10.5 − 0.0001");
    assert_eq!(quote.withdrawal_fee, Some(Amount::new(dec!(0.0001), xmr()).unwrap()));
    assert_eq!(quote.deposit_fee, Some(Amount::zero(Asset::ETH)));
    assert_eq!((quote.flow, quote.rate_id, quote.valid_until), (RateFlow::Standard, None, None));
    assert!(fake.requests()[0].contains("flow=standard"), "{:?}", fake.requests());
}

#[tokio::test]
async fn a_fixed_rate_estimate_carries_a_rate_id_and_how_long_it_holds() {
    let (fake, api) = fake_and_client().await;

    let quote = api.estimate(eth(dec!(0.1)), xmr(), RateFlow::FixedRate).await.unwrap();

    assert_eq!(quote.flow, RateFlow::FixedRate);
    assert!(quote.rate_id.is_some());
    assert!(quote.valid_until.is_some_and(|until| until > chrono::Utc::now()));
    let asked = &fake.requests()[0];
    assert!(asked.contains("flow=fixed-rate") && asked.contains("useRateId=true"), "{asked}");
}

#[tokio::test]
async fn a_fixed_rate_estimate_falls_back_to_the_standard_flow_when_the_key_may_not_use_it() {
    let (fake, api) = fake_and_client().await;
    fake.disable_fixed_rate();

    let quote = api.estimate(eth(dec!(0.1)), xmr(), RateFlow::FixedRate).await.unwrap();

    assert_eq!((quote.flow, quote.rate_id), (RateFlow::Standard, None));
    assert_eq!(quote.to, Amount::new(dec!(1.0499), xmr()).unwrap());
    let requests = fake.requests();
    assert_eq!(requests.len(), 2, "{requests:?}");
    assert!(requests[1].contains("flow=standard"), "{requests:?}");
}

#[tokio::test]
async fn below_the_pair_minimum_the_estimate_and_the_create_are_out_of_range_and_fatal() {
    let (fake, api) = fake_and_client().await;

    let estimate = api.estimate(eth(dec!(0.009)), xmr(), RateFlow::Standard).await.unwrap_err();
    let create = api.create_exchange(&xmr_exchange(dec!(0.009))).await.unwrap_err();

    for error in [estimate, create] {
        assert!(matches!(&error, SwapError::AmountOutOfRange(text) if text.contains("0.01")), "{error:?}");
        assert!(!error.is_retryable());
    }
    assert!(fake.exchanges().is_empty());
}

#[tokio::test]
async fn an_inactive_pair_is_unavailable_and_fatal() {
    let (fake, api) = fake_and_client().await;
    fake.disable_pair(Asset::ETH, xmr());

    let error = api.min_amount(eth_to_xmr(), RateFlow::Standard).await.unwrap_err();

    assert!(matches!(error, SwapError::PairUnavailable(_)), "{error:?}");
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn creating_an_exchange_sends_the_owner_address_and_the_refund_address_and_returns_where_to_deposit() {
    let (fake, api) = fake_and_client().await;

    let created = api.create_exchange(&xmr_exchange(dec!(0.05))).await.unwrap();

    let recorded = fake.exchanges().pop().unwrap();
    assert_eq!(created.id.as_str(), recorded["id"].as_str().unwrap());
    assert_eq!(created.payin_address, recorded["payinAddress"].as_str().unwrap());
    assert_eq!((created.pair, created.from_amount), (eth_to_xmr(), eth(dec!(0.05))));
    assert_eq!(created.to_amount, Some(Amount::new(dec!(0.5249), xmr()).unwrap()));
    assert_eq!(recorded["payoutAddress"], XMR_ADDRESS);
    assert_eq!(recorded["refundAddress"], ETH_ADDRESS);
    assert_eq!((recorded["status"].as_str(), recorded["toNetwork"].as_str()), (Some("new"), Some("xmr")));
    assert_eq!(fake.requests(), ["POST /v2/exchange"]);
}

#[tokio::test]
async fn a_fixed_rate_exchange_is_created_with_the_rate_id_of_its_quote() {
    let (fake, api) = fake_and_client().await;
    let quote = api.estimate(eth(dec!(0.05)), xmr(), RateFlow::FixedRate).await.unwrap();

    let created = api.create_exchange(&fixed_xmr_exchange(dec!(0.05), quote.rate_id.unwrap())).await.unwrap();

    assert!(created.id.as_str().len() > 4);
    let exchange = api.exchange_by_id(&created.id).await.unwrap();
    assert!(exchange.valid_until.is_some(), "a fixed-rate exchange must be funded in time");
    assert_eq!(fake.exchanges().len(), 1);
}

#[tokio::test]
async fn a_created_exchange_that_pays_out_to_another_address_is_refused_so_it_is_never_funded() {
    let (fake, api) = fake_and_client().await;
    fake.misreport_next_payout_address(
        "46BeWrHpwXmHDpDEUmZBWZfoQpdc6HaERCNmx1pEYL2rAcuwufPN9rXHHtyUA4QVy66qeFQkn6sfK8aHYjA3jk3o1Bv16em",
    );

    let error = api.create_exchange(&xmr_exchange(dec!(0.05))).await.unwrap_err();

    assert!(matches!(&error, SwapError::BadResponse(text) if text.contains("never fund")), "{error:?}");
    assert!(error.outcome_unknown(), "look it up: only an exchange paying the owner may be funded");
    assert_eq!(fake.exchanges().len(), 1);
}

#[tokio::test]
async fn an_address_the_provider_refuses_is_an_invalid_address_and_fatal() {
    let (fake, api) = fake_and_client().await;
    fake.refuse_address(XMR_ADDRESS);

    let error = api.create_exchange(&xmr_exchange(dec!(0.05))).await.unwrap_err();

    assert!(matches!(error, SwapError::InvalidAddress(_)), "{error:?}");
    assert!(!error.is_retryable() && !error.outcome_unknown());
    assert!(fake.exchanges().is_empty());
}

#[tokio::test]
async fn amounts_with_eighteen_decimals_are_kept_exact_both_ways() {
    let (fake, api) = fake_and_client().await;
    let exact = dec!(0.123456789012345678);

    let created = api.create_exchange(&xmr_exchange(exact)).await.unwrap();
    fake.finish(created.id.as_str());
    let exchange = api.exchange_by_id(&created.id).await.unwrap();

    assert_eq!(fake.deposit_asked(created.id.as_str()).to_string(), "0.123456789012345678");
    assert_eq!(created.from_amount.value().to_string(), "0.123456789012345678");
    assert_eq!(exchange.expected_from, Some(eth(exact)));
    assert_eq!(exchange.amount_from, Some(eth(exact)));
    // 0.123456789012345678 × 10.5 − 0.0001, cut to Monero's 12 decimals.
    assert_eq!(exchange.amount_to, Some(Amount::new(dec!(1.296196284629), xmr()).unwrap()));
}

#[path = "client/statuses.rs"]
mod statuses;

#[path = "client/errors.rs"]
mod errors;

#[path = "client/lookup.rs"]
mod lookup;
