//! Offer references in bot deep links: which channel and which tier (or donation), never a price.

use std::fmt;

use uuid::Uuid;

use crate::ids::ChannelId;

use super::TierLevel;

/// Length of a payload: 32 hex digits of the channel UUID, `_`, one offer letter.
const PAYLOAD_LEN: usize = 34;

/// What a subscriber is offered in one channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Offer {
    Tier(TierLevel),
    Donation,
}

impl Offer {
    fn letter(self) -> char {
        match self {
            Offer::Tier(TierLevel::Gold) => 'g',
            Offer::Tier(TierLevel::Silver) => 's',
            Offer::Tier(TierLevel::Bronze) => 'b',
            Offer::Donation => 'd',
        }
    }

    fn from_letter(letter: &str) -> Option<Offer> {
        match letter {
            "g" => Some(Offer::Tier(TierLevel::Gold)),
            "s" => Some(Offer::Tier(TierLevel::Silver)),
            "b" => Some(Offer::Tier(TierLevel::Bronze)),
            "d" => Some(Offer::Donation),
            _ => None,
        }
    }
}

/// A channel's offer as named by a `/start` payload; prices always come from the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OfferRef {
    pub channel: ChannelId,
    pub offer: Offer,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OfferParseError {
    #[error("an offer payload is {PAYLOAD_LEN} characters long")]
    Length,
    #[error("an offer payload starts with a channel id of 32 lower-case hex digits")]
    ChannelId,
    #[error("an offer payload ends with `_g`, `_s`, `_b` or `_d`")]
    Offer,
}

impl OfferRef {
    pub fn tier(channel: ChannelId, level: TierLevel) -> OfferRef {
        OfferRef { channel, offer: Offer::Tier(level) }
    }

    pub fn donation(channel: ChannelId) -> OfferRef {
        OfferRef { channel, offer: Offer::Donation }
    }

    /// The deep-link payload: `<32 lower-case hex>_<g|s|b|d>` (34 characters of `[0-9a-f_gsbd]`).
    pub fn to_payload(&self) -> String {
        format!("{}_{}", self.channel.as_uuid().simple(), self.offer.letter())
    }

    /// Parses exactly the form `to_payload` writes; anything else is rejected (one payload per offer).
    pub fn parse(payload: &str) -> Result<OfferRef, OfferParseError> {
        if payload.len() != PAYLOAD_LEN || !payload.is_ascii() {
            return Err(OfferParseError::Length);
        }
        let (hex, rest) = payload.split_at(32);
        let canonical_hex = hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        let uuid = Uuid::try_parse(hex).ok().filter(|_| canonical_hex).ok_or(OfferParseError::ChannelId)?;
        let offer = rest.strip_prefix('_').and_then(Offer::from_letter).ok_or(OfferParseError::Offer)?;
        Ok(OfferRef { channel: ChannelId::from_uuid(uuid), offer })
    }
}

impl fmt::Display for OfferRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_payload())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHANNEL: &str = "0192f3a4b5c67d8e9fa0b1c2d3e4f5a6";

    fn channel() -> ChannelId {
        ChannelId::from_uuid(Uuid::try_parse(CHANNEL).unwrap_or_default())
    }

    #[test]
    fn payloads_are_the_channel_hex_and_an_offer_letter() {
        let gold = OfferRef::tier(channel(), TierLevel::Gold);
        assert_eq!(gold.to_payload(), format!("{CHANNEL}_g"));
        assert_eq!(OfferRef::donation(channel()).to_payload(), format!("{CHANNEL}_d"));
    }

    #[test]
    fn every_offer_round_trips_through_its_payload_within_telegram_limits() {
        let offers = TierLevel::ALL.into_iter().map(Offer::Tier).chain([Offer::Donation]);
        for offer in offers {
            let reference = OfferRef { channel: ChannelId::new(), offer };
            let payload = reference.to_payload();
            assert!(payload.len() <= 64);
            assert!(payload.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'));
            assert_eq!(OfferRef::parse(&payload), Ok(reference));
        }
    }

    #[test]
    fn malformed_payloads_are_rejected() {
        let upper = format!("{}_g", CHANNEL.to_ascii_uppercase());
        let cases = [
            (String::new(), OfferParseError::Length),
            (CHANNEL.to_owned(), OfferParseError::Length),
            (format!("{CHANNEL}_gg"), OfferParseError::Length),
            (format!("{CHANNEL}_x"), OfferParseError::Offer),
            (format!("{CHANNEL}-g"), OfferParseError::Offer),
            (format!("{CHANNEL}__"), OfferParseError::Offer),
            (upper, OfferParseError::ChannelId),
            (format!("{}z_g", &CHANNEL[..31]), OfferParseError::ChannelId),
            ("0192f3a4-b5c6-7d8e-9fa0-b1c2d3e4f5a6_g".to_owned(), OfferParseError::Length),
            (format!("{}é_g", &CHANNEL[..30]), OfferParseError::Length),
            (format!("{CHANNEL}_5.00"), OfferParseError::Length),
        ];
        for (payload, expected) in cases {
            assert_eq!(OfferRef::parse(&payload), Err(expected), "{payload:?}");
        }
    }
}
