//! Tests of `Amount`, `Asset` and the fee split, with property tests per asset decimals.

use proptest::prelude::*;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use super::*;

#[test]
fn the_asset_table_knows_the_decimals_of_every_settlement_and_payout_asset() {
    let cases = [
        ("eth", "eth", 18),
        ("usdt", "eth", 6),
        ("btc", "btc", 8),
        ("xmr", "xmr", 12),
        ("trx", "trx", 6),
        ("sol", "sol", 9),
        ("usdt", "trx", 6),
        ("xlm", "xlm", 7),
    ];
    for (code, network, decimals) in cases {
        assert_eq!(Asset::parse(code, network).unwrap().decimals(), decimals, "{code}/{network}");
    }
    assert_eq!(Asset::parse("USDT", " ETH ").unwrap(), Asset::USDT_ERC20);
    assert_eq!(Asset::parse("eth", "eth").unwrap(), Asset::ETH);
}

#[test]
fn unknown_assets_and_unknown_settlement_currencies_are_rejected() {
    assert!(matches!(Asset::parse("usdt", "sol"), Err(MoneyError::UnknownAsset { .. })));
    assert!(matches!(Asset::parse("", ""), Err(MoneyError::UnknownAsset { .. })));
    assert!(matches!(Asset::settlement("unknown"), Err(MoneyError::UnknownAsset { .. })));
    assert_eq!(Asset::settlement("ETH").unwrap(), Asset::ETH);
    assert_eq!(Asset::settlement("usdterc20").unwrap(), Asset::USDT_ERC20);
}

#[test]
fn the_table_has_one_row_per_asset() {
    let all: Vec<_> = Asset::all().collect();
    for (i, a) in all.iter().enumerate() {
        for b in &all[i + 1..] {
            assert!(a.code() != b.code() || a.network() != b.network(), "{a:?} twice");
        }
    }
}

#[test]
fn amounts_reject_more_decimals_than_the_chain_carries_and_negative_values() {
    assert!(matches!(Amount::new(dec!(0.0000001), Asset::USDT_ERC20), Err(MoneyError::TooPrecise { .. })));
    assert!(Amount::new(dec!(0.000001), Asset::USDT_ERC20).is_ok());
    assert!(Amount::new(dec!(1.500000000), Asset::USDT_ERC20).is_ok(), "trailing zeros are not precision");
    assert!(matches!(Amount::new(dec!(-1), Asset::ETH), Err(MoneyError::Negative)));
    assert_eq!(Amount::floor_to_asset(dec!(1.2345679), Asset::USDT_ERC20).unwrap().value(), dec!(1.234567));
}

#[test]
fn arithmetic_only_combines_equal_assets() {
    let eth = Amount::new(dec!(1), Asset::ETH).unwrap();
    let usdt = Amount::new(dec!(1), Asset::USDT_ERC20).unwrap();
    assert!(matches!(eth.checked_add(usdt), Err(MoneyError::AssetMismatch { .. })));
    assert!(matches!(eth.checked_sub(usdt), Err(MoneyError::AssetMismatch { .. })));
    assert_eq!(eth.checked_add(eth).unwrap().value(), dec!(2));
    assert!(matches!(Amount::zero(Asset::ETH).checked_sub(eth), Err(MoneyError::Negative)));
}

#[test]
fn a_usdt_settlement_never_produces_an_eighteen_decimal_share() {
    let settled = Amount::new(dec!(4.850001), Asset::USDT_ERC20).unwrap();
    let split = split_fee(settled, dec!(3)).unwrap();
    assert_eq!(split.fee.value(), dec!(0.1455));
    assert_eq!(split.owner_share.value(), dec!(4.704501));
    let tiny = Amount::new(dec!(0.000001), Asset::USDT_ERC20).unwrap();
    let split = split_fee(tiny, dec!(3)).unwrap();
    assert_eq!((split.fee.value(), split.owner_share.value()), (dec!(0), dec!(0.000001)));
}

fn asset() -> impl Strategy<Value = Asset> {
    prop_oneof![Just(Asset::ETH), Just(Asset::USDT_ERC20), Just(Asset::parse("btc", "btc").unwrap())]
}

/// A settled amount of up to 10^9 whole units with at most the asset's decimals.
fn settled() -> impl Strategy<Value = Amount> {
    (asset(), 0u64..1_000_000_000, 0u64..=u64::MAX).prop_map(|(asset, whole, frac)| {
        let scale = asset.decimals();
        let frac = Decimal::from(frac % 10u64.pow(scale.min(19))) / Decimal::from(10u64.pow(scale.min(19)));
        Amount::floor_to_asset(Decimal::from(whole) + frac, asset).unwrap()
    })
}

proptest! {
    #[test]
    fn fee_plus_share_is_the_settled_amount_and_both_fit_the_asset(
        settled in settled(),
        percent_hundredths in 0u32..=5_000,
    ) {
        let percent = Decimal::new(i64::from(percent_hundredths), 2);
        let split = split_fee(settled, percent).unwrap();
        prop_assert_eq!(split.fee.checked_add(split.owner_share).unwrap(), settled);
        prop_assert!(split.fee.value().normalize().scale() <= settled.asset().decimals());
        prop_assert!(split.owner_share.value().normalize().scale() <= settled.asset().decimals());
        prop_assert!(split.fee.value() <= settled.value() * percent / Decimal::ONE_HUNDRED);
        prop_assert_eq!(split.fee.asset(), settled.asset());
    }

    #[test]
    fn addition_and_subtraction_are_inverse_for_equal_assets(a in settled(), b in settled()) {
        prop_assume!(a.asset() == b.asset());
        let sum = a.checked_add(b).unwrap();
        prop_assert_eq!(sum.checked_sub(b).unwrap(), a);
        prop_assert_eq!(sum.checked_sub(a).unwrap(), b);
    }
}
