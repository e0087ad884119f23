//! A channel's donation and owner-notification settings, each with its "required when on" rule.

use super::{DonationMessage, TelegramUserId};

/// Whether a channel takes donations, and the message shown with them (required when enabled).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DonationSettings {
    enabled: bool,
    message: Option<DonationMessage>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("is required when donations are enabled")]
pub struct DonationMessageRequired;

impl DonationSettings {
    pub fn new(enabled: bool, message: Option<DonationMessage>) -> Result<Self, DonationMessageRequired> {
        if enabled && message.is_none() {
            Err(DonationMessageRequired)
        } else {
            Ok(DonationSettings { enabled, message })
        }
    }

    pub fn disabled() -> Self {
        DonationSettings { enabled: false, message: None }
    }

    pub fn enabled(&self) -> bool {
        self.enabled
    }

    pub fn message(&self) -> Option<&DonationMessage> {
        self.message.as_ref()
    }
}

/// Whether the owner is told about payments and payouts in Telegram, and which account is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NotificationSettings {
    telegram_user_id: Option<TelegramUserId>,
    enabled: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("is required when notifications are enabled")]
pub struct NotificationUserRequired;

impl NotificationSettings {
    pub fn new(
        enabled: bool,
        telegram_user_id: Option<TelegramUserId>,
    ) -> Result<Self, NotificationUserRequired> {
        if enabled && telegram_user_id.is_none() {
            Err(NotificationUserRequired)
        } else {
            Ok(NotificationSettings { telegram_user_id, enabled })
        }
    }

    pub fn disabled() -> Self {
        NotificationSettings { telegram_user_id: None, enabled: false }
    }

    pub fn enabled(&self) -> bool {
        self.enabled
    }

    pub fn telegram_user_id(&self) -> Option<TelegramUserId> {
        self.telegram_user_id
    }

    /// The account to notify, when notifications are on.
    pub fn recipient(&self) -> Option<TelegramUserId> {
        self.telegram_user_id.filter(|_| self.enabled)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enabled_donations_without_a_message_are_rejected() {
        assert_eq!(DonationSettings::new(true, None), Err(DonationMessageRequired));
    }

    #[test]
    fn donations_may_be_disabled_with_or_without_a_message() {
        let message = DonationMessage::parse("Thanks for the support!").ok();
        assert!(DonationSettings::new(false, None).is_ok());
        assert!(DonationSettings::new(false, message.clone()).is_ok());
        let enabled = DonationSettings::new(true, message.clone());
        assert_eq!(enabled.as_ref().map(|d| d.message().cloned()), Ok(message));
        assert!(!DonationSettings::disabled().enabled());
    }

    #[test]
    fn enabled_notifications_without_a_user_id_are_rejected() {
        assert_eq!(NotificationSettings::new(true, None), Err(NotificationUserRequired));
    }

    #[test]
    fn notifications_reach_their_user_only_when_enabled() {
        let user = TelegramUserId::parse(123456789).ok();
        assert_eq!(NotificationSettings::new(true, user).map(|n| n.recipient()), Ok(user));
        assert_eq!(NotificationSettings::new(false, user).map(|n| n.recipient()), Ok(None));
        assert_eq!(NotificationSettings::disabled().recipient(), None);
    }
}
