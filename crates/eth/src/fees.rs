//! EIP-1559 fee policy: priority from the last block's median reward, max fee 2 × base fee + priority, a hard cap, and +12.5 % bumps.

/// Priority fee when the last block shows no reward (empty block, or a node without rewards).
pub const FALLBACK_PRIORITY_WEI: u128 = 2_000_000_000;

/// The two fee fields of one EIP-1559 transaction, in wei per gas.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fees {
    pub max_fee_per_gas: u128,
    pub max_priority_fee_per_gas: u128,
}

/// Fees for a new transaction: priority = the median reward (fallback 2 gwei), max fee =
/// 2 × next base fee + priority, both capped at `cap` (a priority above the max fee is invalid).
pub fn initial(next_base_fee: u128, median_reward: Option<u128>, cap: u128) -> Fees {
    let priority = median_reward.filter(|reward| *reward > 0).unwrap_or(FALLBACK_PRIORITY_WEI);
    let max_fee = next_base_fee.saturating_mul(2).saturating_add(priority).min(cap);
    Fees { max_fee_per_gas: max_fee, max_priority_fee_per_gas: priority.min(max_fee) }
}

/// `value` × 1.125, rounded up.
fn plus_an_eighth(value: u128) -> u128 {
    value.saturating_add(value.div_ceil(8))
}

/// Fees for a replacement at the same nonce: each field at least 12.5 % above `previous` (nodes
/// refuse less; geth wants 10 %) and at least what the market asks now. `None` when that would
/// exceed `cap`: the transaction keeps waiting rather than breaking the operator's cap.
pub fn bump(previous: Fees, now: Fees, cap: u128) -> Option<Fees> {
    let max_fee = plus_an_eighth(previous.max_fee_per_gas).max(now.max_fee_per_gas);
    let priority = plus_an_eighth(previous.max_priority_fee_per_gas).max(now.max_priority_fee_per_gas);
    if max_fee > cap {
        return None;
    }
    Some(Fees { max_fee_per_gas: max_fee, max_priority_fee_per_gas: priority.min(max_fee) })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GWEI: u128 = 1_000_000_000;

    #[test]
    fn max_fee_is_twice_the_base_fee_plus_the_median_reward() {
        let fees = initial(10 * GWEI, Some(3 * GWEI), 200 * GWEI);
        assert_eq!(fees, Fees { max_fee_per_gas: 23 * GWEI, max_priority_fee_per_gas: 3 * GWEI });
    }

    #[test]
    fn no_reward_falls_back_to_two_gwei() {
        for reward in [None, Some(0)] {
            assert_eq!(initial(GWEI, reward, 200 * GWEI).max_priority_fee_per_gas, 2 * GWEI);
        }
    }

    #[test]
    fn the_cap_bounds_both_fields() {
        let fees = initial(100 * GWEI, Some(50 * GWEI), 30 * GWEI);
        assert_eq!(fees, Fees { max_fee_per_gas: 30 * GWEI, max_priority_fee_per_gas: 30 * GWEI });
    }

    #[test]
    fn a_bump_raises_both_fields_by_at_least_an_eighth() {
        let previous = Fees { max_fee_per_gas: 8 * GWEI + 1, max_priority_fee_per_gas: 1 };
        let low_market = Fees { max_fee_per_gas: GWEI, max_priority_fee_per_gas: 0 };
        let bumped = bump(previous, low_market, 200 * GWEI).unwrap_or_else(|| unreachable!());
        assert!(bumped.max_fee_per_gas * 8 >= previous.max_fee_per_gas * 9);
        assert!(bumped.max_priority_fee_per_gas * 8 >= previous.max_priority_fee_per_gas * 9);
        assert_eq!(bumped.max_priority_fee_per_gas, 2);
    }

    #[test]
    fn a_bump_follows_a_market_that_rose_more() {
        let previous = Fees { max_fee_per_gas: 10 * GWEI, max_priority_fee_per_gas: GWEI };
        let market = Fees { max_fee_per_gas: 40 * GWEI, max_priority_fee_per_gas: 5 * GWEI };
        assert_eq!(bump(previous, market, 200 * GWEI), Some(market));
    }

    #[test]
    fn no_bump_beyond_the_cap() {
        let previous = Fees { max_fee_per_gas: 190 * GWEI, max_priority_fee_per_gas: GWEI };
        assert_eq!(bump(previous, previous, 200 * GWEI), None);
    }
}
