//! Channel values: Telegram ids, texts, tiers, payout/donation/notification settings, the draft.

mod draft;
mod input;
pub mod offer;
mod payout;
mod settings;
mod telegram_id;
mod text;
mod tier;
mod usd;

#[cfg(test)]
mod test_fixtures;

pub use draft::{ChannelDraft, ChannelRules};
pub use input::{ChannelInput, DonationsInput, NotificationsInput, PayoutInput, TierInput};
pub use payout::{CurrencyCode, CurrencyCodeError, PayoutSettings, PayoutStrategy};
pub use settings::{
    DonationMessageRequired, DonationSettings, NotificationSettings, NotificationUserRequired,
};
pub use telegram_id::{TelegramChatId, TelegramChatIdError, TelegramUserId, TelegramUserIdError};
pub use text::{Description, DonationMessage, TextError, Title};
pub use tier::{DurationDays, DurationDaysError, Tier, TierCountError, TierLevel, Tiers};
pub use usd::{DonationAmount, ThresholdUsd, UsdAmountError, UsdPrice};
