//! The `SwapProvider` port: pair minimums, quotes, creating and following exchanges (ChangeNOW or a simulator).

use std::fmt;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::{
    money::{Amount, Asset},
    wallet::{ExtraId, Network, WalletAddress},
};

/// Two different assets: what is sent to the provider and what it pays out.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct SwapPair {
    from: Asset,
    to: Asset,
}

impl SwapPair {
    /// `None` when both are the same asset: that is a direct transfer, not a swap.
    pub fn new(from: Asset, to: Asset) -> Option<Self> {
        (from != to).then_some(Self { from, to })
    }

    pub fn from(self) -> Asset {
        self.from
    }

    pub fn to(self) -> Asset {
        self.to
    }
}

impl fmt::Debug for SwapPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} → {:?}", self.from, self.to)
    }
}

/// How the rate is set: floating (`standard`) or locked for a while (`fixed-rate`, with a rate id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RateFlow {
    Standard,
    FixedRate,
}

/// The provider's id of a locked rate, sent back when creating a fixed-rate exchange.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RateId(String);

impl RateId {
    /// Any non-blank text of at most 256 printable ASCII characters (surrounding whitespace ignored).
    pub fn parse(raw: &str) -> Option<Self> {
        let raw = raw.trim();
        let printable = raw.bytes().all(|byte| byte.is_ascii_graphic());
        (!raw.is_empty() && raw.len() <= 256 && printable).then(|| Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The provider's id of one exchange: 1–64 ASCII letters, digits, `-` or `_` (safe in a URL).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ExchangeId(String);

impl ExchangeId {
    pub fn parse(raw: &str) -> Option<Self> {
        let plain = |byte: u8| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_';
        (!raw.is_empty() && raw.len() <= 64 && raw.bytes().all(plain)).then(|| Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ExchangeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The smallest amount the provider exchanges for a pair; less may be lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MinAmount {
    pub pair: SwapPair,
    pub flow: RateFlow,
    /// In the pair's `from` asset.
    pub min: Amount,
}

/// An estimate of what sending `from` yields. A fixed-rate quote carries the rate id to create with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    pub from: Amount,
    /// Estimated amount paid out, after the provider's fees.
    pub to: Amount,
    /// The flow actually quoted: `Standard` when fixed-rate was asked but is not offered.
    pub flow: RateFlow,
    pub rate_id: Option<RateId>,
    pub valid_until: Option<DateTime<Utc>>,
    /// Network fee on the deposit, in the `from` asset.
    pub deposit_fee: Option<Amount>,
    /// Network fee on the payout, in the `to` asset.
    pub withdrawal_fee: Option<Amount>,
    pub warning: Option<String>,
}

/// A request to create an exchange, checked at construction: the payout address is on the `to`
/// asset's network and the refund address on the `from` asset's network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewExchange {
    pair: SwapPair,
    from_amount: Amount,
    payout_address: WalletAddress,
    payout_extra_id: Option<ExtraId>,
    refund_address: WalletAddress,
    rate_id: Option<RateId>,
}

impl NewExchange {
    /// `rate_id` (from a fixed-rate quote) makes it a fixed-rate exchange.
    pub fn new(
        from_amount: Amount,
        to: Asset,
        payout_address: WalletAddress,
        payout_extra_id: Option<ExtraId>,
        refund_address: WalletAddress,
        rate_id: Option<RateId>,
    ) -> Result<Self, SwapError> {
        let pair = SwapPair::new(from_amount.asset(), to)
            .ok_or_else(|| SwapError::PairUnavailable(format!("{to:?} to itself is not a swap")))?;
        let on = |address: &WalletAddress, asset: Asset| {
            Network::from_code(asset.network()) == Some(address.network())
        };
        if !on(&payout_address, to) {
            return Err(SwapError::InvalidAddress(format!(
                "the payout address is on {}, the payout asset on {}",
                payout_address.network(),
                to.network()
            )));
        }
        if !on(&refund_address, pair.from()) {
            return Err(SwapError::InvalidAddress(format!(
                "the refund address is on {}, the deposit asset on {}",
                refund_address.network(),
                pair.from().network()
            )));
        }
        if from_amount.is_zero() {
            return Err(SwapError::AmountOutOfRange("nothing to exchange".to_owned()));
        }
        Ok(Self { pair, from_amount, payout_address, payout_extra_id, refund_address, rate_id })
    }

    pub fn pair(&self) -> SwapPair {
        self.pair
    }
    pub fn from_amount(&self) -> Amount {
        self.from_amount
    }
    pub fn payout_address(&self) -> &WalletAddress {
        &self.payout_address
    }
    pub fn payout_extra_id(&self) -> Option<&ExtraId> {
        self.payout_extra_id.as_ref()
    }
    pub fn refund_address(&self) -> &WalletAddress {
        &self.refund_address
    }
    pub fn rate_id(&self) -> Option<&RateId> {
        self.rate_id.as_ref()
    }
}

/// What the provider answered to a create call: where to send the deposit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedExchange {
    pub id: ExchangeId,
    pub pair: SwapPair,
    pub from_amount: Amount,
    /// Estimated payout at creation (final only for fixed-rate).
    pub to_amount: Option<Amount>,
    pub payin_address: String,
    pub payin_extra_id: Option<String>,
    pub payout_address: String,
    pub payout_extra_id: Option<String>,
    pub valid_until: Option<DateTime<Utc>>,
}

/// Every exchange status the provider reports, and any other kept as received.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ExchangeStatus {
    New,
    /// Awaiting the deposit.
    Waiting,
    Confirming,
    Exchanging,
    Sending,
    Finished,
    Failed,
    Refunded,
    /// On hold for an AML check.
    Verifying,
    /// A fixed-rate deposit not sent in time.
    Expired,
    /// A status Paygate does not know: still open, alert the operator; never guessed.
    Unknown(String),
}

impl ExchangeStatus {
    /// No further change is expected. `Unknown` is never final.
    pub fn is_final(&self) -> bool {
        match self {
            Self::Finished | Self::Failed | Self::Refunded | Self::Expired => true,
            Self::New
            | Self::Waiting
            | Self::Confirming
            | Self::Exchanging
            | Self::Sending
            | Self::Verifying
            | Self::Unknown(_) => false,
        }
    }
}

/// One exchange as the provider reports it now. Amounts carry their asset; `amount_to` is `None`
/// until the exchange has finished.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exchange {
    pub id: ExchangeId,
    pub status: ExchangeStatus,
    pub pair: SwapPair,
    pub payin_address: String,
    pub payin_extra_id: Option<String>,
    pub payout_address: String,
    pub payout_extra_id: Option<String>,
    pub refund_address: Option<String>,
    pub expected_from: Option<Amount>,
    pub expected_to: Option<Amount>,
    pub amount_from: Option<Amount>,
    pub amount_to: Option<Amount>,
    pub payin_hash: Option<String>,
    pub payout_hash: Option<String>,
    pub refund_hash: Option<String>,
    /// In the `from` asset.
    pub refund_amount: Option<Amount>,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    pub valid_until: Option<DateTime<Utc>>,
}

/// Which exchanges to look for: one pair, paying to one address, created within a time window (pad it
/// by a few minutes on both sides: the provider's clock is not ours).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExchangeQuery {
    pub pair: SwapPair,
    pub payout_address: WalletAddress,
    pub created_after: DateTime<Utc>,
    pub created_before: DateTime<Utc>,
}

/// Swap provider failures, classified where they happen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SwapError {
    /// Timeout, transport failure or a 5xx: the call may be repeated.
    #[error("swap provider unavailable: {0}")]
    Unavailable(String),
    #[error("swap provider rate limit, retry after {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    #[error("swap provider rejected the API key")]
    Unauthorized,
    #[error("swap provider refused the address: {0}")]
    InvalidAddress(String),
    /// Below the pair minimum or above its maximum.
    #[error("amount out of the pair's range: {0}")]
    AmountOutOfRange(String),
    #[error("pair not available: {0}")]
    PairUnavailable(String),
    /// The key may not use the fixed-rate flow (the standard flow still works).
    #[error("fixed rate not available: {0}")]
    FixedRateUnavailable(String),
    #[error("swap provider refused the request: {0}")]
    Rejected(String),
    #[error("no such exchange at the swap provider")]
    NotFound,
    #[error("unexpected answer from the swap provider: {0}")]
    BadResponse(String),
}

impl SwapError {
    /// Worth trying again later (after `retry_after_secs` for a rate limit).
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Unavailable(_) | Self::RateLimited { .. } | Self::BadResponse(_) => true,
            Self::Unauthorized
            | Self::InvalidAddress(_)
            | Self::AmountOutOfRange(_)
            | Self::PairUnavailable(_)
            | Self::FixedRateUnavailable(_)
            | Self::Rejected(_)
            | Self::NotFound => false,
        }
    }

    /// After a failed create call: the provider may have created the exchange anyway (timeout,
    /// server error, unreadable answer), so look it up before creating another.
    pub fn outcome_unknown(&self) -> bool {
        matches!(self, Self::Unavailable(_) | Self::BadResponse(_))
    }
}

#[async_trait]
pub trait SwapProvider: Send + Sync {
    async fn min_amount(&self, pair: SwapPair, flow: RateFlow) -> Result<MinAmount, SwapError>;
    /// Estimate for sending `from`; `FixedRate` falls back to `Standard` where fixed rates are not offered.
    async fn estimate(&self, from: Amount, to: Asset, flow: RateFlow) -> Result<Quote, SwapError>;
    async fn create_exchange(&self, request: &NewExchange) -> Result<CreatedExchange, SwapError>;
    async fn exchange_by_id(&self, id: &ExchangeId) -> Result<Exchange, SwapError>;
    /// Exchanges matching `query` (to find one whose create call timed out), newest state of each.
    async fn find_exchanges(&self, query: &ExchangeQuery) -> Result<Vec<Exchange>, SwapError>;
    /// `true` for the real provider, `false` for a simulator.
    fn is_live(&self) -> bool;
}

#[cfg(test)]
#[path = "swap_tests.rs"]
mod tests;
