//! Conversions between `Amount` (exact decimals) and on-chain base units (wei, 6-decimal token units).

use alloy::primitives::U256;
use paygate_domain::money::{Amount, Asset};
use rust_decimal::Decimal;

/// The amount in the asset's smallest unit (`Amount` already fits the asset's decimals).
pub fn to_base_units(amount: Amount) -> U256 {
    let value = amount.value();
    let mantissa = U256::from(value.mantissa().unsigned_abs());
    let shift = amount.asset().decimals().saturating_sub(value.scale());
    mantissa * U256::from(10u8).pow(U256::from(shift))
}

/// `value` base units of `asset` as an exact amount; `None` beyond what a `Decimal` holds (~7.9e28 units).
pub fn from_base_units(value: U256, asset: Asset) -> Option<Amount> {
    let units = i128::try_from(value).ok()?;
    let decimal = Decimal::try_from_i128_with_scale(units, asset.decimals()).ok()?;
    Amount::new(decimal, asset).ok()
}

/// Gwei to wei.
pub fn gwei(value: u64) -> u128 {
    u128::from(value) * 1_000_000_000
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn amount(value: Decimal, asset: Asset) -> Amount {
        Amount::new(value, asset).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn eth_converts_to_wei_and_back_exactly() {
        let one_and_a_bit = amount(dec!(1.000000000000000001), Asset::ETH);
        assert_eq!(to_base_units(one_and_a_bit), U256::from(1_000_000_000_000_000_001u128));
        assert_eq!(
            from_base_units(U256::from(1_000_000_000_000_000_001u128), Asset::ETH),
            Some(one_and_a_bit)
        );
        assert_eq!(to_base_units(amount(dec!(2), Asset::ETH)), U256::from(2_000_000_000_000_000_000u128));
    }

    #[test]
    fn usdt_uses_six_decimals() {
        assert_eq!(to_base_units(amount(dec!(12.5), Asset::USDT_ERC20)), U256::from(12_500_000u64));
        assert_eq!(
            from_base_units(U256::from(1u8), Asset::USDT_ERC20),
            Some(amount(dec!(0.000001), Asset::USDT_ERC20))
        );
        assert_eq!(to_base_units(Amount::zero(Asset::USDT_ERC20)), U256::ZERO);
    }

    #[test]
    fn base_units_beyond_a_decimal_are_refused_not_truncated() {
        assert_eq!(from_base_units(U256::MAX, Asset::ETH), None);
        assert_eq!(from_base_units(U256::from(u128::MAX), Asset::ETH), None);
    }
}
