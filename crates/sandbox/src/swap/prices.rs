//! The swap simulator's market: a USD price and a payout network fee per asset, the provider fee and pair minimums.

use paygate_domain::{
    money::{Amount, Asset},
    swap::{SwapError, SwapPair},
};
use rust_decimal::{Decimal, RoundingStrategy};

/// Share of the exchanged value the simulated provider keeps (0.5 %).
pub(crate) const PROVIDER_FEE: Decimal = Decimal::from_parts(5, 0, 0, false, 3);

/// Smallest deposit, in USD worth of the `from` asset ($15).
const MIN_USD: Decimal = Decimal::from_parts(15, 0, 0, false, 0);

/// One asset's market: its USD price and the network fee taken from a payout in it (in its own units).
struct Market {
    code: &'static str,
    network: &'static str,
    usd: &'static str,
    withdrawal_fee: &'static str,
}

const fn market(code: &'static str, network: &'static str, usd: &'static str, fee: &'static str) -> Market {
    Market { code, network, usd, withdrawal_fee: fee }
}

/// Every asset of the domain's asset table (a test checks none is missing).
const MARKETS: &[Market] = &[
    market("btc", "btc", "60000", "0.00002"),
    market("eth", "eth", "3000", "0.0005"),
    market("usdt", "eth", "1", "2"),
    market("usdt", "trx", "1", "1"),
    market("usdt", "bsc", "1", "0.3"),
    market("usdc", "eth", "1", "2"),
    market("ltc", "ltc", "80", "0.001"),
    market("xmr", "xmr", "150", "0.0005"),
    market("trx", "trx", "0.12", "1"),
    market("doge", "doge", "0.15", "2"),
    market("sol", "sol", "150", "0.001"),
    market("bnb", "bsc", "600", "0.0005"),
    market("xrp", "xrp", "0.5", "0.2"),
    market("bch", "bch", "400", "0.0005"),
    market("matic", "matic", "0.5", "0.1"),
    market("ton", "ton", "5", "0.05"),
    market("shib", "eth", "0.00002", "50000"),
    market("xlm", "xlm", "0.1", "0.1"),
];

/// What the sandbox wallet can send, so what the simulator accepts as a deposit.
pub(crate) fn is_deposit_asset(asset: Asset) -> bool {
    asset == Asset::ETH || asset == Asset::USDT_ERC20
}

fn market_of(asset: Asset) -> Result<(Decimal, Decimal), SwapError> {
    let unknown = || SwapError::PairUnavailable(format!("the sandbox has no price for {asset:?}"));
    let row = MARKETS
        .iter()
        .find(|m| m.code == asset.code() && m.network == asset.network())
        .ok_or_else(unknown)?;
    let usd = row.usd.parse::<Decimal>().map_err(|_| unknown())?;
    let fee = row.withdrawal_fee.parse::<Decimal>().map_err(|_| unknown())?;
    Ok((usd, fee))
}

/// A pair the simulator exchanges: from ETH or USDT-ERC20 to any priced asset.
pub(crate) fn check_pair(pair: SwapPair) -> Result<(), SwapError> {
    if !is_deposit_asset(pair.from()) {
        return Err(SwapError::PairUnavailable(format!(
            "the sandbox exchanges only from ETH or USDT-ERC20, not {:?}",
            pair.from()
        )));
    }
    market_of(pair.from())?;
    market_of(pair.to()).map(drop)
}

/// Units of `to` per unit of `from`, before fees.
pub(crate) fn rate(pair: SwapPair) -> Result<Decimal, SwapError> {
    let (from_usd, _) = market_of(pair.from())?;
    let (to_usd, _) = market_of(pair.to())?;
    from_usd.checked_div(to_usd).ok_or_else(|| SwapError::PairUnavailable(format!("no rate for {pair:?}")))
}

/// The network fee taken from a payout in `asset`.
pub(crate) fn withdrawal_fee(asset: Asset) -> Result<Amount, SwapError> {
    let (_, fee) = market_of(asset)?;
    Amount::floor_to_asset(fee, asset).map_err(|e| SwapError::PairUnavailable(e.to_string()))
}

/// The pair minimum: $15 worth of `from`, rounded up to its decimals.
pub(crate) fn min_from(pair: SwapPair) -> Result<Amount, SwapError> {
    let (from_usd, _) = market_of(pair.from())?;
    let min = MIN_USD
        .checked_div(from_usd)
        .ok_or_else(|| SwapError::PairUnavailable(format!("no minimum for {pair:?}")))?
        .round_dp_with_strategy(pair.from().decimals(), RoundingStrategy::AwayFromZero);
    Amount::new(min, pair.from()).map_err(|e| SwapError::PairUnavailable(e.to_string()))
}

/// What sending `from` pays out at `rate`: from × rate × (1 − fee) − withdrawal fee, rounded down to
/// the target's decimals (never below zero).
pub(crate) fn payout(from: Amount, rate: Decimal, to: Asset) -> Result<Amount, SwapError> {
    let too_large = || SwapError::AmountOutOfRange(format!("{from} is too large to exchange"));
    let gross = from
        .value()
        .checked_mul(rate)
        .and_then(|value| value.checked_mul(Decimal::ONE - PROVIDER_FEE))
        .ok_or_else(too_large)?;
    let net = gross.checked_sub(withdrawal_fee(to)?.value()).ok_or_else(too_large)?.max(Decimal::ZERO);
    Amount::floor_to_asset(net, to).map_err(|_| too_large())
}

/// `AmountOutOfRange` when `from` is below the pair minimum.
pub(crate) fn check_minimum(from: Amount, pair: SwapPair) -> Result<Amount, SwapError> {
    let min = min_from(pair)?;
    if from.value() < min.value() {
        return Err(SwapError::AmountOutOfRange(format!("{from} is below the pair minimum {min}")));
    }
    Ok(min)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn amount(text: &str, asset: Asset) -> Amount {
        Amount::new(text.parse().unwrap(), asset).unwrap()
    }

    fn pair(from: Asset, to: &str, network: &str) -> SwapPair {
        SwapPair::new(from, Asset::parse(to, network).unwrap()).unwrap()
    }

    #[test]
    fn every_asset_of_the_domain_has_a_market() {
        for asset in Asset::all() {
            assert!(market_of(asset).is_ok(), "{asset:?}");
            assert_eq!(withdrawal_fee(asset).unwrap().asset(), asset);
        }
    }

    #[test]
    fn eth_and_usdt_erc20_swap_to_every_other_asset_and_nothing_else_is_a_deposit() {
        for to in Asset::all() {
            for from in [Asset::ETH, Asset::USDT_ERC20] {
                if let Some(pair) = SwapPair::new(from, to) {
                    assert!(check_pair(pair).is_ok(), "{pair:?}");
                    assert!(!min_from(pair).unwrap().is_zero());
                }
            }
        }
        let xmr = Asset::parse("xmr", "xmr").unwrap();
        assert!(matches!(
            check_pair(SwapPair::new(xmr, Asset::ETH).unwrap()),
            Err(SwapError::PairUnavailable(_))
        ));
    }

    #[test]
    fn the_minimum_is_fifteen_dollars_of_the_deposit() {
        assert_eq!(min_from(pair(Asset::ETH, "xmr", "xmr")).unwrap(), amount("0.005", Asset::ETH));
        assert_eq!(min_from(pair(Asset::USDT_ERC20, "btc", "btc")).unwrap(), amount("15", Asset::USDT_ERC20));
        let below = amount("0.004999", Asset::ETH);
        assert!(matches!(
            check_minimum(below, pair(Asset::ETH, "xmr", "xmr")),
            Err(SwapError::AmountOutOfRange(_))
        ));
    }

    #[test]
    fn the_payout_takes_the_provider_fee_and_the_network_fee_and_rounds_down() {
        let eth_xmr = pair(Asset::ETH, "xmr", "xmr");
        let eth_xmr_rate = rate(eth_xmr).unwrap();
        assert_eq!(eth_xmr_rate, Decimal::from(20));
        // 0.01 × 20 × 0.995 − 0.0005
        assert_eq!(
            payout(amount("0.01", Asset::ETH), eth_xmr_rate, eth_xmr.to()).unwrap().value(),
            "0.1985".parse().unwrap()
        );
        let eth_btc = pair(Asset::ETH, "btc", "btc");
        // 0.0123456789 × 0.05 × 0.995 − 0.00002 = 0.000594197…, floored to 8 decimals
        let paid = payout(amount("0.0123456789", Asset::ETH), rate(eth_btc).unwrap(), eth_btc.to()).unwrap();
        assert_eq!(paid.value(), "0.00059419".parse().unwrap());
        assert!(payout(amount("0.000001", Asset::ETH), eth_xmr_rate, eth_xmr.to()).unwrap().is_zero());
    }
}
