//! Where a subscriber's conversation with the bot stands: one typed state per subscriber (JSONB).
//! A stored state this version cannot read counts as no dialogue (with a warning), never a failure.

use paygate_domain::{channel::offer::OfferRef, ids::ChannelId};
use serde::{Deserialize, Serialize};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::{AppError, AppResult};

/// The step a subscriber is at. Stored as `{"step": "<snake_case variant>", …fields}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Dialogue {
    /// An offer link was opened and the offer shown.
    Offer {
        #[serde(with = "offer_payload")]
        payload: OfferRef,
    },
    /// The donation dialogue waits for a typed amount for this channel.
    DonationAmount { channel_id: ChannelId },
    /// A tier's invoice was handed out and waits for its payment.
    Invoice {
        #[serde(with = "offer_payload")]
        payload: OfferRef,
        /// Absent in states stored before invoices were named here.
        #[serde(default)]
        invoice_id: Option<Uuid>,
    },
}

impl Dialogue {
    /// Reads a stored state; an unknown or corrupt one is no dialogue (logged, never an error).
    pub fn from_stored(user: i64, stored: serde_json::Value) -> Option<Dialogue> {
        match serde_json::from_value(stored) {
            Ok(dialogue) => Some(dialogue),
            Err(error) => {
                tracing::warn!(kind = "warning", user, %error, "unreadable bot dialogue state treated as none");
                None
            }
        }
    }

    pub fn to_stored(&self) -> AppResult<serde_json::Value> {
        serde_json::to_value(self).map_err(|e| AppError::Internal(e.into()))
    }
}

/// What recording an invoice does to the dialogue, in the same transaction as the invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterInvoice {
    /// Leave the dialogue alone (invoices made outside the bot).
    Keep,
    /// The dialogue is over (a donation invoice).
    Clear,
    /// The subscriber now waits to pay the invoice of this offer.
    AwaitPayment(OfferRef),
}

impl AfterInvoice {
    pub(crate) async fn write(self, conn: &mut PgConnection, user: i64, invoice_id: Uuid) -> AppResult<()> {
        match self {
            AfterInvoice::Keep => Ok(()),
            AfterInvoice::Clear => clear(conn, user).await,
            AfterInvoice::AwaitPayment(payload) => {
                set(conn, user, &Dialogue::Invoice { payload, invoice_id: Some(invoice_id) }).await
            }
        }
    }
}

/// The subscriber's current dialogue, if any (and readable).
pub async fn load(conn: &mut PgConnection, user: i64) -> AppResult<Option<Dialogue>> {
    let stored = paygate_db::subscribers::dialogue(conn, user).await?;
    Ok(stored.and_then(|state| Dialogue::from_stored(user, state)))
}

pub async fn set(conn: &mut PgConnection, user: i64, dialogue: &Dialogue) -> AppResult<()> {
    paygate_db::subscribers::set_dialogue(conn, user, &dialogue.to_stored()?).await?;
    Ok(())
}

pub async fn clear(conn: &mut PgConnection, user: i64) -> AppResult<()> {
    paygate_db::subscribers::clear_dialogue(conn, user).await?;
    Ok(())
}

/// An offer as its deep-link payload string (the form `OfferRef::parse` accepts).
mod offer_payload {
    use paygate_domain::channel::offer::OfferRef;
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(offer: &OfferRef, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&offer.to_payload())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<OfferRef, D::Error> {
        let payload = String::deserialize(deserializer)?;
        OfferRef::parse(&payload).map_err(D::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use paygate_domain::channel::TierLevel;
    use serde_json::json;

    use super::*;

    const HEX: &str = "0192f3a4b5c67d8e9fa0b1c2d3e4f5a6";

    fn channel() -> ChannelId {
        ChannelId::from_uuid(Uuid::try_parse(HEX).unwrap_or_default())
    }

    #[test]
    fn every_dialogue_step_round_trips_through_its_stored_form() {
        let gold = OfferRef::tier(channel(), TierLevel::Gold);
        let steps = [
            Dialogue::Offer { payload: OfferRef::donation(channel()) },
            Dialogue::DonationAmount { channel_id: channel() },
            Dialogue::Invoice { payload: gold, invoice_id: Some(Uuid::now_v7()) },
            Dialogue::Invoice { payload: gold, invoice_id: None },
        ];
        for step in steps {
            let stored = step.to_stored().unwrap();
            assert_eq!(Dialogue::from_stored(1, stored), Some(step));
        }
    }

    #[test]
    fn stored_states_are_tagged_by_step_with_the_offer_as_its_payload() {
        let stored = Dialogue::DonationAmount { channel_id: channel() }.to_stored().unwrap();
        assert_eq!(stored, json!({"step": "donation_amount", "channel_id": channel().as_uuid()}));
        let offer = Dialogue::Offer { payload: OfferRef::tier(channel(), TierLevel::Silver) };
        assert_eq!(offer.to_stored().unwrap(), json!({"step": "offer", "payload": format!("{HEX}_s")}));
    }

    #[test]
    fn states_written_before_the_typed_dialogue_are_still_read() {
        let old =
            json!({"step": "invoice", "channel_id": channel().as_uuid(), "payload": format!("{HEX}_g")});
        let expected =
            Dialogue::Invoice { payload: OfferRef::tier(channel(), TierLevel::Gold), invoice_id: None };
        assert_eq!(Dialogue::from_stored(1, old), Some(expected));
    }

    #[test]
    fn an_unknown_or_corrupt_stored_state_is_no_dialogue() {
        let corrupt = [
            json!({"step": "teleport", "channel_id": channel().as_uuid()}),
            json!({"step": "donation_amount"}),
            json!({"step": "donation_amount", "channel_id": "not-a-uuid"}),
            json!({"step": "offer", "payload": "0192_g"}),
            json!({"channel_id": channel().as_uuid()}),
            json!("donation_amount"),
            json!(null),
            json!([1, 2, 3]),
        ];
        for state in corrupt {
            assert_eq!(Dialogue::from_stored(1, state.clone()), None, "{state}");
        }
    }
}
