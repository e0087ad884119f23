//! Money with its asset: the assets Paygate moves, their decimals, and exact arithmetic between equal assets.

use std::fmt;

use rust_decimal::{Decimal, RoundingStrategy};

/// One row of the asset table: ticker, network, decimals on that network.
struct AssetInfo {
    code: &'static str,
    network: &'static str,
    decimals: u32,
}

/// Every asset Paygate settles in or pays out (all payout pairs of the `payout_pairs` migration).
/// The one place decimals live; `db/tests` checks every seeded pair has a row here.
const ASSETS: &[AssetInfo] = &[
    AssetInfo { code: "btc", network: "btc", decimals: 8 },
    AssetInfo { code: "eth", network: "eth", decimals: 18 },
    AssetInfo { code: "usdt", network: "eth", decimals: 6 },
    AssetInfo { code: "usdt", network: "trx", decimals: 6 },
    AssetInfo { code: "usdt", network: "bsc", decimals: 18 },
    AssetInfo { code: "usdc", network: "eth", decimals: 6 },
    AssetInfo { code: "ltc", network: "ltc", decimals: 8 },
    AssetInfo { code: "xmr", network: "xmr", decimals: 12 },
    AssetInfo { code: "trx", network: "trx", decimals: 6 },
    AssetInfo { code: "doge", network: "doge", decimals: 8 },
    AssetInfo { code: "sol", network: "sol", decimals: 9 },
    AssetInfo { code: "bnb", network: "bsc", decimals: 18 },
    AssetInfo { code: "xrp", network: "xrp", decimals: 6 },
    AssetInfo { code: "bch", network: "bch", decimals: 8 },
    AssetInfo { code: "matic", network: "matic", decimals: 18 },
    AssetInfo { code: "ton", network: "ton", decimals: 9 },
    AssetInfo { code: "shib", network: "eth", decimals: 18 },
    AssetInfo { code: "xlm", network: "xlm", decimals: 7 },
];

/// A known asset: a lower-case ticker on a lower-case network (`usdt` on `eth` is USDT-ERC20).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Asset {
    index: usize,
}

impl Asset {
    /// Ether on Ethereum (18 decimals).
    pub const ETH: Self = Self { index: 1 };
    /// Tether on Ethereum, ERC-20 (6 decimals).
    pub const USDT_ERC20: Self = Self { index: 2 };

    /// The asset named by `code` and `network` (case-insensitive), if Paygate knows it.
    pub fn parse(code: &str, network: &str) -> Result<Self, MoneyError> {
        let (code, network) = (code.trim().to_ascii_lowercase(), network.trim().to_ascii_lowercase());
        ASSETS
            .iter()
            .position(|info| info.code == code && info.network == network)
            .map(|index| Self { index })
            .ok_or(MoneyError::UnknownAsset { code, network })
    }

    /// The settlement currency of a payment provider report, which names only the ticker: the
    /// ticker's native network, or Ethereum for tokens (`usdt` settles as USDT-ERC20).
    pub fn settlement(code: &str) -> Result<Self, MoneyError> {
        let code = code.trim().to_ascii_lowercase();
        match code.as_str() {
            "eth" => Ok(Self::ETH),
            "usdt" | "usdterc20" => Ok(Self::USDT_ERC20),
            _ => Err(MoneyError::UnknownAsset { network: String::new(), code }),
        }
    }

    /// Every asset of the table, for listings and tests.
    pub fn all() -> impl Iterator<Item = Self> {
        (0..ASSETS.len()).map(|index| Self { index })
    }

    fn info(self) -> &'static AssetInfo {
        &ASSETS[self.index]
    }

    pub fn code(self) -> &'static str {
        self.info().code
    }

    pub fn network(self) -> &'static str {
        self.info().network
    }

    /// Smallest unit on chain: 18 for ETH, 6 for USDT-ERC20, 8 for BTC, 12 for XMR.
    pub fn decimals(self) -> u32 {
        self.info().decimals
    }
}

impl fmt::Debug for Asset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.code(), self.network())
    }
}

impl fmt::Display for Asset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.code().to_ascii_uppercase(), self.network().to_ascii_uppercase())
    }
}

/// Why an amount could not be formed or combined.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("unknown asset {code} on network {network:?}")]
    UnknownAsset { code: String, network: String },
    #[error("cannot combine {left:?} with {right:?}")]
    AssetMismatch { left: Asset, right: Asset },
    #[error("{value} has more decimals than {asset:?} allows ({decimals})")]
    TooPrecise { value: Decimal, asset: Asset, decimals: u32 },
    #[error("amounts must not be negative")]
    Negative,
    #[error("amount overflow")]
    Overflow,
}

/// A non-negative quantity of one asset, exactly representable on its chain.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Amount {
    value: Decimal,
    asset: Asset,
}

impl Amount {
    /// An amount that already fits the asset's decimals; more precision is an error, not rounded.
    pub fn new(value: Decimal, asset: Asset) -> Result<Self, MoneyError> {
        if value.is_sign_negative() && !value.is_zero() {
            return Err(MoneyError::Negative);
        }
        if value.normalize().scale() > asset.decimals() {
            return Err(MoneyError::TooPrecise { value, asset, decimals: asset.decimals() });
        }
        Ok(Self { value: value.normalize(), asset })
    }

    /// Rounds down to the asset's decimals (never pays out a fraction the chain cannot carry).
    pub fn floor_to_asset(value: Decimal, asset: Asset) -> Result<Self, MoneyError> {
        let floored = value.round_dp_with_strategy(asset.decimals(), RoundingStrategy::ToZero);
        Self::new(floored, asset)
    }

    pub fn zero(asset: Asset) -> Self {
        Self { value: Decimal::ZERO, asset }
    }

    pub fn value(self) -> Decimal {
        self.value
    }

    pub fn asset(self) -> Asset {
        self.asset
    }

    pub fn is_zero(self) -> bool {
        self.value.is_zero()
    }

    fn same_asset(self, other: Self) -> Result<(), MoneyError> {
        if self.asset == other.asset {
            Ok(())
        } else {
            Err(MoneyError::AssetMismatch { left: self.asset, right: other.asset })
        }
    }

    pub fn checked_add(self, other: Self) -> Result<Self, MoneyError> {
        self.same_asset(other)?;
        let value = self.value.checked_add(other.value).ok_or(MoneyError::Overflow)?;
        Self::new(value, self.asset)
    }

    /// `self - other`; a negative result is an error.
    pub fn checked_sub(self, other: Self) -> Result<Self, MoneyError> {
        self.same_asset(other)?;
        let value = self.value.checked_sub(other.value).ok_or(MoneyError::Overflow)?;
        Self::new(value, self.asset)
    }

    /// The share `percent` of this amount, rounded down to the asset's decimals.
    pub fn percent_floor(self, percent: Decimal) -> Result<Self, MoneyError> {
        let part = self
            .value
            .checked_mul(percent)
            .and_then(|v| v.checked_div(Decimal::ONE_HUNDRED))
            .ok_or(MoneyError::Overflow)?;
        Self::floor_to_asset(part, self.asset)
    }
}

impl fmt::Debug for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {:?}", self.value, self.asset)
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.value, self.asset.code().to_ascii_uppercase())
    }
}

/// A settled payment split into the platform fee and the owner's share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeeSplit {
    pub fee: Amount,
    pub owner_share: Amount,
}

/// fee = floor(settled × fee%) at the asset's decimals; share = settled − fee. Both are exactly
/// representable on chain and add up to `settled`; rounding favours the owner.
pub fn split_fee(settled: Amount, fee_percent: Decimal) -> Result<FeeSplit, MoneyError> {
    let fee = settled.percent_floor(fee_percent)?;
    let owner_share = settled.checked_sub(fee)?;
    Ok(FeeSplit { fee, owner_share })
}

#[cfg(test)]
#[path = "money_tests.rs"]
mod tests;
