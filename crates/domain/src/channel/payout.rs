//! Payout settings: wallet, currency and network (a supported pair), optional extra id, strategy.

use std::fmt;

use crate::limits::{CURRENCY_CODE_MAX, CURRENCY_CODE_MIN};
use crate::validation::ValidationErrors;
use crate::wallet::{ExtraId, Network, WalletAddress};

use super::{ChannelRules, PayoutInput, ThresholdUsd};

/// A currency ticker such as `usdt`, lower-case `[a-z0-9]`, 2–10 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CurrencyCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be a currency ticker of {CURRENCY_CODE_MIN} to {CURRENCY_CODE_MAX} letters or digits")]
pub struct CurrencyCodeError;

impl CurrencyCode {
    /// Accepts any case (`"USDT"`) and keeps the lower-case form.
    pub fn parse(raw: &str) -> Result<CurrencyCode, CurrencyCodeError> {
        let code = raw.trim().to_ascii_lowercase();
        let valid_chars = code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
        if valid_chars && (CURRENCY_CODE_MIN..=CURRENCY_CODE_MAX).contains(&code.len()) {
            Ok(CurrencyCode(code))
        } else {
            Err(CurrencyCodeError)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CurrencyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// When an owner is paid: after every payment, or once a USD amount has accumulated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PayoutStrategy {
    Instant,
    Threshold(ThresholdUsd),
}

impl PayoutStrategy {
    /// `"instant"` or `"threshold"`, as in the API and the database.
    pub fn kind(self) -> &'static str {
        match self {
            PayoutStrategy::Instant => "instant",
            PayoutStrategy::Threshold(_) => "threshold",
        }
    }

    pub fn threshold(self) -> Option<ThresholdUsd> {
        match self {
            PayoutStrategy::Instant => None,
            PayoutStrategy::Threshold(threshold) => Some(threshold),
        }
    }
}

/// Where and how an owner is paid; the wallet is valid for the network and the pair is supported.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PayoutSettings {
    wallet: WalletAddress,
    currency: CurrencyCode,
    network: Network,
    extra_id: Option<ExtraId>,
    strategy: PayoutStrategy,
}

impl PayoutSettings {
    /// Parses on its own, with errors under `payout.*`.
    pub fn parse(input: &PayoutInput, rules: &ChannelRules) -> Result<PayoutSettings, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let settings = Self::parse_collecting(input, rules, &mut errors);
        match settings {
            Some(settings) if errors.is_empty() => Ok(settings),
            _ => Err(errors),
        }
    }

    /// Records every problem under `payout.*` in `errors`; `Some` only when there was none.
    pub(super) fn parse_collecting(
        input: &PayoutInput,
        rules: &ChannelRules,
        errors: &mut ValidationErrors,
    ) -> Option<PayoutSettings> {
        let network = Network::from_code(&input.network);
        if network.is_none() {
            let codes: Vec<&str> = Network::ALL.iter().map(|n| n.code()).collect();
            errors.push("payout.network", format!("must be one of {}", codes.join(", ")));
        }
        let mut currency = errors.check("payout.currency", CurrencyCode::parse(&input.currency));
        if let (Some(code), Some(network)) = (&currency, network)
            && !rules.supports(code, network)
        {
            let message = format!(
                "{} is not a supported payout currency on network {}",
                code.as_str().to_ascii_uppercase(),
                network.code().to_ascii_uppercase()
            );
            errors.push("payout.currency", message);
            currency = None;
        }
        let wallet = match network {
            Some(network) => {
                errors.check("payout.wallet_address", WalletAddress::parse(network, &input.wallet_address))
            }
            None if input.wallet_address.trim().is_empty() => {
                errors.push("payout.wallet_address", "is required");
                None
            }
            None => None,
        };
        // `None` when the extra id was given and rejected; `Some(None)` when there is none.
        let extra_id = match (non_empty(input.extra_id.as_deref()), network) {
            (Some(raw), Some(network)) => {
                errors.check("payout.extra_id", ExtraId::parse(network, raw)).map(Some)
            }
            _ => Some(None),
        };
        let strategy = parse_strategy(input, errors);
        Some(PayoutSettings {
            wallet: wallet?,
            currency: currency?,
            network: network?,
            extra_id: extra_id?,
            strategy: strategy?,
        })
    }

    pub fn wallet(&self) -> &WalletAddress {
        &self.wallet
    }

    pub fn currency(&self) -> &CurrencyCode {
        &self.currency
    }

    pub fn network(&self) -> Network {
        self.network
    }

    pub fn extra_id(&self) -> Option<&ExtraId> {
        self.extra_id.as_ref()
    }

    pub fn strategy(&self) -> PayoutStrategy {
        self.strategy
    }

    /// The API form of these settings (for responses and for merging a PATCH).
    pub fn to_input(&self) -> PayoutInput {
        PayoutInput {
            wallet_address: self.wallet.as_str().to_owned(),
            currency: self.currency.as_str().to_owned(),
            network: self.network.code().to_owned(),
            extra_id: self.extra_id.as_ref().map(|id| id.as_str().to_owned()),
            strategy: self.strategy.kind().to_owned(),
            threshold_usd: self.strategy.threshold().map(|t| t.to_string()),
        }
    }
}

pub(super) fn non_empty(raw: Option<&str>) -> Option<&str> {
    raw.map(str::trim).filter(|s| !s.is_empty())
}

fn parse_strategy(input: &PayoutInput, errors: &mut ValidationErrors) -> Option<PayoutStrategy> {
    let threshold = non_empty(input.threshold_usd.as_deref());
    match input.strategy.trim() {
        "instant" => match threshold {
            None => Some(PayoutStrategy::Instant),
            Some(_) => {
                errors.push("payout.threshold_usd", "must be null for the instant strategy");
                None
            }
        },
        "threshold" => match threshold {
            Some(raw) => {
                errors.check("payout.threshold_usd", ThresholdUsd::parse(raw)).map(PayoutStrategy::Threshold)
            }
            None => {
                errors.push("payout.threshold_usd", "is required for the threshold strategy");
                None
            }
        },
        _ => {
            errors.push("payout.strategy", "must be \"instant\" or \"threshold\"");
            None
        }
    }
}

#[cfg(test)]
#[path = "payout_tests.rs"]
mod tests;
