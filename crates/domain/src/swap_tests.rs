//! Tests of the swap port's types: what each rejects, status finality, error classes.

#![allow(clippy::unwrap_used)]

use rust_decimal_macros::dec;

use super::*;

const ETH_ADDRESS: &str = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
const XMR_ADDRESS: &str =
    "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A";

fn xmr() -> Asset {
    Asset::parse("xmr", "xmr").unwrap()
}

fn eth_amount(value: rust_decimal::Decimal) -> Amount {
    Amount::new(value, Asset::ETH).unwrap()
}

fn address(network: Network, raw: &str) -> WalletAddress {
    WalletAddress::parse(network, raw).unwrap()
}

#[test]
fn a_pair_of_one_asset_with_itself_is_not_a_swap() {
    assert!(SwapPair::new(Asset::ETH, Asset::ETH).is_none());
    let pair = SwapPair::new(Asset::ETH, xmr()).unwrap();
    assert_eq!((pair.from(), pair.to()), (Asset::ETH, xmr()));
}

#[test]
fn exchange_ids_reject_empty_long_and_url_unsafe_text() {
    for raw in ["", "../by-id", "a b", "id?x=1", "ä", &"a".repeat(65)] {
        assert!(ExchangeId::parse(raw).is_none(), "{raw}");
    }
    assert_eq!(ExchangeId::parse("a1b2c3d4e5f6a7").unwrap().as_str(), "a1b2c3d4e5f6a7");
}

#[test]
fn rate_ids_reject_blank_and_unprintable_text() {
    for raw in ["", "   ", "a\nb", "ü", &"r".repeat(257)] {
        assert!(RateId::parse(raw).is_none(), "{raw:?}");
    }
    assert_eq!(RateId::parse(" rate-1 ").unwrap().as_str(), "rate-1");
}

#[test]
fn a_new_exchange_needs_addresses_on_the_right_networks_and_a_real_amount() {
    let payout = address(Network::Xmr, XMR_ADDRESS);
    let refund = address(Network::Eth, ETH_ADDRESS);
    let ok = NewExchange::new(eth_amount(dec!(0.05)), xmr(), payout.clone(), None, refund.clone(), None);
    assert_eq!(ok.unwrap().pair(), SwapPair::new(Asset::ETH, xmr()).unwrap());

    let swapped = NewExchange::new(eth_amount(dec!(0.05)), xmr(), refund.clone(), None, payout.clone(), None);
    assert!(matches!(swapped, Err(SwapError::InvalidAddress(_))));
    let zero = NewExchange::new(eth_amount(dec!(0)), xmr(), payout.clone(), None, refund.clone(), None);
    assert!(matches!(zero, Err(SwapError::AmountOutOfRange(_))));
    let same = NewExchange::new(eth_amount(dec!(1)), Asset::ETH, refund.clone(), None, refund, None);
    assert!(matches!(same, Err(SwapError::PairUnavailable(_))));
}

#[test]
fn only_finished_failed_refunded_and_expired_are_final_and_unknown_stays_open() {
    let finals =
        [ExchangeStatus::Finished, ExchangeStatus::Failed, ExchangeStatus::Refunded, ExchangeStatus::Expired];
    assert!(finals.iter().all(ExchangeStatus::is_final));
    let open = [
        ExchangeStatus::New,
        ExchangeStatus::Waiting,
        ExchangeStatus::Confirming,
        ExchangeStatus::Exchanging,
        ExchangeStatus::Sending,
        ExchangeStatus::Verifying,
        ExchangeStatus::Unknown("halted".into()),
    ];
    assert!(!open.iter().any(ExchangeStatus::is_final));
}

#[test]
fn transient_failures_are_retryable_and_refusals_are_not() {
    let retryable = [
        SwapError::Unavailable("timed out".into()),
        SwapError::RateLimited { retry_after_secs: 1 },
        SwapError::BadResponse("x".into()),
    ];
    assert!(retryable.iter().all(SwapError::is_retryable));
    let fatal = [
        SwapError::Unauthorized,
        SwapError::InvalidAddress("x".into()),
        SwapError::AmountOutOfRange("x".into()),
        SwapError::PairUnavailable("x".into()),
        SwapError::FixedRateUnavailable("x".into()),
        SwapError::Rejected("x".into()),
        SwapError::NotFound,
    ];
    assert!(!fatal.iter().any(SwapError::is_retryable));
    assert!(SwapError::Unavailable("timed out".into()).outcome_unknown());
    assert!(!SwapError::RateLimited { retry_after_secs: 1 }.outcome_unknown());
}
