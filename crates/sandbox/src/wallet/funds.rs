//! Whether the sandbox wallet can pay a transfer: the amount plus a fixed gas fee in ETH.

use paygate_domain::{
    host_wallet::WalletError,
    money::{Amount, Asset},
};
use rust_decimal::Decimal;

use super::store::BalanceRow;

/// ETH charged for the gas of every sandbox transfer, ETH or token (0.0005 ETH).
pub const SANDBOX_GAS_FEE: Decimal = Decimal::from_parts(5, 0, 0, false, 4);

#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Funds {
    /// What to take from each balance.
    Enough {
        eth_debit: Decimal,
        usdt_debit: Decimal,
    },
    Short {
        needed: Amount,
        available: Amount,
    },
}

/// ETH transfers need amount + gas in ETH; USDT transfers need the amount in USDT and the gas in ETH.
pub(crate) fn check_funds(amount: Amount, wallet: &BalanceRow) -> Result<Funds, WalletError> {
    let money = |value: Decimal, asset: Asset| {
        Amount::new(value, asset).map_err(|e| WalletError::BadResponse(format!("sandbox balance: {e}")))
    };
    let overflow = || WalletError::Rejected("amount too large".into());
    if amount.asset() == Asset::ETH {
        let needed = amount.value().checked_add(SANDBOX_GAS_FEE).ok_or_else(overflow)?;
        if wallet.eth < needed {
            return Ok(Funds::Short {
                needed: money(needed, Asset::ETH)?,
                available: money(wallet.eth, Asset::ETH)?,
            });
        }
        return Ok(Funds::Enough { eth_debit: needed, usdt_debit: Decimal::ZERO });
    }
    if wallet.usdt < amount.value() {
        return Ok(Funds::Short { needed: amount, available: money(wallet.usdt, amount.asset())? });
    }
    if wallet.eth < SANDBOX_GAS_FEE {
        return Ok(Funds::Short {
            needed: money(SANDBOX_GAS_FEE, Asset::ETH)?,
            available: money(wallet.eth, Asset::ETH)?,
        });
    }
    Ok(Funds::Enough { eth_debit: SANDBOX_GAS_FEE, usdt_debit: amount.value() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    fn wallet(eth: Decimal, usdt: Decimal) -> BalanceRow {
        BalanceRow { eth, usdt, next_nonce: 0 }
    }

    fn eth(value: Decimal) -> Amount {
        Amount::new(value, Asset::ETH).unwrap()
    }

    fn usdt(value: Decimal) -> Amount {
        Amount::new(value, Asset::USDT_ERC20).unwrap()
    }

    #[test]
    fn an_eth_transfer_needs_the_amount_plus_gas() {
        assert_eq!(
            check_funds(eth(dec("1")), &wallet(dec("1.0005"), dec("0"))).unwrap(),
            Funds::Enough { eth_debit: dec("1.0005"), usdt_debit: dec("0") }
        );
        assert_eq!(
            check_funds(eth(dec("1")), &wallet(dec("1"), dec("100"))).unwrap(),
            Funds::Short { needed: eth(dec("1.0005")), available: eth(dec("1")) }
        );
    }

    #[test]
    fn a_token_transfer_needs_the_tokens_and_gas_in_eth() {
        assert_eq!(
            check_funds(usdt(dec("10")), &wallet(dec("0.0005"), dec("10"))).unwrap(),
            Funds::Enough { eth_debit: dec("0.0005"), usdt_debit: dec("10") }
        );
        assert_eq!(
            check_funds(usdt(dec("10")), &wallet(dec("1"), dec("9.99"))).unwrap(),
            Funds::Short { needed: usdt(dec("10")), available: usdt(dec("9.99")) }
        );
        assert_eq!(
            check_funds(usdt(dec("10")), &wallet(dec("0.0004"), dec("10"))).unwrap(),
            Funds::Short { needed: eth(dec("0.0005")), available: eth(dec("0.0004")) }
        );
    }
}
