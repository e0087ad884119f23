//! From ChangeNOW's wire values to the port's types: assets, amounts at the asset's decimals, times.

use chrono::{DateTime, NaiveDateTime, Utc};
use paygate_domain::{
    money::{Amount, Asset},
    swap::{Exchange, ExchangeId, SwapError, SwapPair},
};
use rust_decimal::{Decimal, RoundingStrategy};

use crate::wire::{Side, WireExchange};

pub(crate) fn bad(what: impl Into<String>) -> SwapError {
    SwapError::BadResponse(what.into())
}

/// Digits beyond the asset's decimals (a JavaScript float artefact such as `1.2000000000000002`)
/// are cut toward safety: `Down` for amounts received or expected, `Up` for minimums.
#[derive(Clone, Copy)]
pub(crate) enum Round {
    Down,
    Up,
}

/// `value` of `asset` at the asset's decimals; a negative amount is a bad response.
pub(crate) fn amount(value: Decimal, asset: Asset, round: Round) -> Result<Amount, SwapError> {
    let strategy = match round {
        Round::Down => RoundingStrategy::ToZero,
        Round::Up => RoundingStrategy::AwayFromZero,
    };
    let value = value.round_dp_with_strategy(asset.decimals(), strategy);
    Amount::new(value, asset).map_err(|error| bad(format!("amount {value} of {asset:?}: {error}")))
}

fn optional_amount(value: Option<Decimal>, asset: Asset) -> Result<Option<Amount>, SwapError> {
    value.map(|value| amount(value, asset, Round::Down)).transpose()
}

/// An RFC 3339 time, or one without offset (read as UTC, as ChangeNOW sometimes sends it). Any
/// other text is dropped with a warning: times are informational.
pub(crate) fn time(text: Option<&str>) -> Option<DateTime<Utc>> {
    let text = text?;
    let parsed = DateTime::parse_from_rfc3339(text)
        .map(|time| time.with_timezone(&Utc))
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f").map(|time| time.and_utc()));
    match parsed {
        Ok(time) => Some(time),
        Err(_) => {
            tracing::warn!(kind = "external", time = %text.chars().take(40).collect::<String>(), "unreadable changenow time");
            None
        }
    }
}

/// The asset named by `currency` and `network` (a missing network is the ticker's own, `xmr`/`xmr`).
pub(crate) fn asset(currency: Option<&str>, network: Option<&str>) -> Result<Asset, SwapError> {
    let currency = currency.ok_or_else(|| bad("exchange without its currency"))?;
    Asset::parse(currency, network.unwrap_or(currency))
        .map_err(|error| bad(format!("exchange of an asset Paygate does not know: {error}")))
}

/// Whether `currency`/`network` as sent name `asset` (a missing network matches any).
fn names(asset: Asset, currency: Option<&str>, network: Option<&str>) -> bool {
    currency.is_some_and(|currency| currency.eq_ignore_ascii_case(asset.code()))
        && network.is_none_or(|network| network.eq_ignore_ascii_case(asset.network()))
}

/// Two addresses as the same one: exact, or case-insensitive for hex (`0x…`) addresses.
pub(crate) fn same_address(left: &str, right: &str) -> bool {
    let hex = |address: &str| address.starts_with("0x") || address.starts_with("0X");
    left == right || (hex(left) && hex(right) && left.eq_ignore_ascii_case(right))
}

impl WireExchange {
    /// The exchange's id: `id` (by-id), else `requestId` (the transaction id in list items), else `exchangeId`.
    fn exchange_id(&self) -> Option<&str> {
        self.id.as_deref().or(self.request_id.as_deref()).or(self.exchange_id.as_deref())
    }

    /// The port's view. With `expected` (a list look-up) an exchange of another pair is `None`;
    /// without it the pair is read from the currencies and networks.
    pub(crate) fn into_exchange(self, expected: Option<SwapPair>) -> Result<Option<Exchange>, SwapError> {
        let id = self.exchange_id().map(str::to_owned);
        let payin = self.payin.unwrap_or_default();
        let payout = self.payout.unwrap_or_default();
        let refund = self.refund.unwrap_or_default();
        let from_currency = payin.currency.as_deref().or(self.from_currency.as_deref());
        let from_network = payin.network.as_deref().or(self.from_network.as_deref());
        let to_currency = payout.currency.as_deref().or(self.to_currency.as_deref());
        let to_network = payout.network.as_deref().or(self.to_network.as_deref());
        let pair = match expected {
            Some(pair) => {
                let ours = names(pair.from(), from_currency, from_network)
                    && names(pair.to(), to_currency, to_network);
                if !ours {
                    return Ok(None);
                }
                pair
            }
            None => {
                let from = asset(from_currency, from_network)?;
                let to = asset(to_currency, to_network)?;
                SwapPair::new(from, to).ok_or_else(|| bad("exchange of an asset to itself"))?
            }
        };
        let id =
            id.as_deref().and_then(ExchangeId::parse).ok_or_else(|| bad("exchange without a usable id"))?;
        let (from, to) = (pair.from(), pair.to());
        let Side { address: payin_address, extra_id: payin_extra_id, hash: payin_hash, .. } = payin;
        let payin_address =
            payin_address.or(self.payin_address).ok_or_else(|| bad("exchange without payinAddress"))?;
        Ok(Some(Exchange {
            id,
            status: self.status.into(),
            pair,
            payin_address,
            payin_extra_id: payin_extra_id.or(self.payin_extra_id),
            payout_address: payout.address.or(self.payout_address).unwrap_or_default(),
            payout_extra_id: payout.extra_id.or(self.payout_extra_id),
            refund_address: refund.address.or(self.refund_address),
            expected_from: optional_amount(payin.expected_amount.or(self.expected_amount_from), from)?,
            expected_to: optional_amount(payout.expected_amount.or(self.expected_amount_to), to)?,
            amount_from: optional_amount(payin.amount.or(self.amount_from), from)?,
            amount_to: optional_amount(payout.amount.or(self.amount_to), to)?,
            payin_hash: payin_hash.or(self.payin_hash),
            payout_hash: payout.hash.or(self.payout_hash),
            refund_hash: refund.hash.or(self.refund_hash),
            refund_amount: optional_amount(refund.amount.or(self.refund_amount), from)?,
            created_at: time(self.created_at.as_deref()),
            updated_at: time(self.updated_at.as_deref()),
            valid_until: time(self.valid_until.as_deref()),
        }))
    }
}
