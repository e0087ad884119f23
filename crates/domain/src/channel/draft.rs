//! `ChannelDraft`: a whole channel body parsed at once, reporting every wrong field by its path.

use rust_decimal::Decimal;

use crate::limits::{TIERS_MAX, TIERS_MIN};
use crate::validation::ValidationErrors;
use crate::wallet::Network;

use super::payout::non_empty;
use super::{
    ChannelInput, CurrencyCode, Description, DonationMessage, DonationSettings, DonationsInput, DurationDays,
    NotificationSettings, NotificationsInput, PayoutSettings, TelegramChatId, TelegramUserId, Tier,
    TierCountError, TierInput, Tiers, Title, UsdPrice,
};

/// Platform settings a channel body is checked against (they live in the database).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelRules {
    /// Lowest tier price the payment provider accepts, in USD.
    pub provider_min_price_usd: Decimal,
    /// Enabled payout pairs: currency ticker (any case) and network.
    pub supported_pairs: Vec<(String, Network)>,
}

impl ChannelRules {
    pub fn supports(&self, currency: &CurrencyCode, network: Network) -> bool {
        self.supported_pairs.iter().any(|(code, pair_network)| {
            *pair_network == network && code.eq_ignore_ascii_case(currency.as_str())
        })
    }
}

/// A channel whose every value obeys its rules; open and closed ids differ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelDraft {
    open_channel_id: TelegramChatId,
    open_channel_title: Title,
    open_channel_description: Description,
    closed_channel_id: TelegramChatId,
    closed_channel_title: Title,
    closed_channel_description: Description,
    tiers: Tiers,
    payout: PayoutSettings,
    donations: DonationSettings,
    notifications: NotificationSettings,
}

impl ChannelDraft {
    /// Checks every field, collecting all errors (paths like `tiers[1].price_usd`), not just the first.
    pub fn parse(input: &ChannelInput, rules: &ChannelRules) -> Result<ChannelDraft, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let open_id = errors.check("open_channel_id", TelegramChatId::parse(input.open_channel_id));
        let closed_id = errors.check("closed_channel_id", TelegramChatId::parse(input.closed_channel_id));
        if open_id.is_some() && open_id == closed_id {
            errors.push("closed_channel_id", "must differ from open_channel_id");
        }
        let open_title = errors.check("open_channel_title", Title::parse(&input.open_channel_title));
        let open_description =
            errors.check("open_channel_description", Description::parse(&input.open_channel_description));
        let closed_title = errors.check("closed_channel_title", Title::parse(&input.closed_channel_title));
        let closed_description =
            errors.check("closed_channel_description", Description::parse(&input.closed_channel_description));
        let tiers = parse_tiers(&input.tiers, rules.provider_min_price_usd, &mut errors);
        let payout = PayoutSettings::parse_collecting(&input.payout, rules, &mut errors);
        let donations = parse_donations(&input.donations, &mut errors);
        let notifications = parse_notifications(&input.notifications, &mut errors);

        let draft = (|| {
            Some(ChannelDraft {
                open_channel_id: open_id?,
                open_channel_title: open_title?,
                open_channel_description: open_description?,
                closed_channel_id: closed_id?,
                closed_channel_title: closed_title?,
                closed_channel_description: closed_description?,
                tiers: tiers?,
                payout: payout?,
                donations: donations?,
                notifications: notifications?,
            })
        })();
        match draft {
            Some(draft) if errors.is_empty() => Ok(draft),
            _ => Err(errors),
        }
    }

    pub fn open_channel_id(&self) -> TelegramChatId {
        self.open_channel_id
    }

    pub fn open_channel_title(&self) -> &Title {
        &self.open_channel_title
    }

    pub fn open_channel_description(&self) -> &Description {
        &self.open_channel_description
    }

    pub fn closed_channel_id(&self) -> TelegramChatId {
        self.closed_channel_id
    }

    pub fn closed_channel_title(&self) -> &Title {
        &self.closed_channel_title
    }

    pub fn closed_channel_description(&self) -> &Description {
        &self.closed_channel_description
    }

    pub fn tiers(&self) -> &Tiers {
        &self.tiers
    }

    pub fn payout(&self) -> &PayoutSettings {
        &self.payout
    }

    pub fn donations(&self) -> &DonationSettings {
        &self.donations
    }

    pub fn notifications(&self) -> &NotificationSettings {
        &self.notifications
    }

    /// The API body of this channel, normalised (e.g. prices as `"5.00"`, currency lower-case).
    pub fn to_input(&self) -> ChannelInput {
        ChannelInput {
            open_channel_id: self.open_channel_id.get(),
            open_channel_title: self.open_channel_title.to_string(),
            open_channel_description: self.open_channel_description.to_string(),
            closed_channel_id: self.closed_channel_id.get(),
            closed_channel_title: self.closed_channel_title.to_string(),
            closed_channel_description: self.closed_channel_description.to_string(),
            tiers: self
                .tiers
                .as_slice()
                .iter()
                .map(|tier| TierInput {
                    price_usd: tier.price.to_string(),
                    duration_days: tier.duration.into(),
                })
                .collect(),
            payout: self.payout.to_input(),
            donations: DonationsInput {
                enabled: self.donations.enabled(),
                message: self.donations.message().map(|m| m.to_string()),
            },
            notifications: NotificationsInput {
                telegram_user_id: self.notifications.telegram_user_id().map(TelegramUserId::get),
                enabled: self.notifications.enabled(),
            },
        }
    }
}

/// Checks the count and every tier, so one body reports all bad tiers at once.
fn parse_tiers(inputs: &[TierInput], provider_min: Decimal, errors: &mut ValidationErrors) -> Option<Tiers> {
    if !(TIERS_MIN..=TIERS_MAX).contains(&inputs.len()) {
        errors.push("tiers", TierCountError.to_string());
    }
    let mut tiers = Vec::with_capacity(inputs.len());
    for (index, input) in inputs.iter().enumerate() {
        let price = UsdPrice::parse(&input.price_usd, provider_min);
        let price = errors.check(&format!("tiers[{index}].price_usd"), price);
        let duration = DurationDays::parse(input.duration_days);
        let duration = errors.check(&format!("tiers[{index}].duration_days"), duration);
        if let (Some(price), Some(duration)) = (price, duration) {
            tiers.push(Tier { price, duration });
        }
    }
    // Fewer valid tiers than inputs means an error was recorded above.
    if tiers.len() == inputs.len() { Tiers::parse(tiers).ok() } else { None }
}

fn parse_donations(input: &DonationsInput, errors: &mut ValidationErrors) -> Option<DonationSettings> {
    let message = match non_empty(input.message.as_deref()) {
        Some(raw) => Some(errors.check("donations.message", DonationMessage::parse(raw))?),
        None => None,
    };
    errors.check("donations.message", DonationSettings::new(input.enabled, message))
}

fn parse_notifications(
    input: &NotificationsInput,
    errors: &mut ValidationErrors,
) -> Option<NotificationSettings> {
    const FIELD: &str = "notifications.telegram_user_id";
    let user = match input.telegram_user_id {
        Some(raw) => Some(errors.check(FIELD, TelegramUserId::parse(raw))?),
        None => None,
    };
    errors.check(FIELD, NotificationSettings::new(input.enabled, user))
}

#[cfg(test)]
#[path = "draft_tests.rs"]
mod tests;
