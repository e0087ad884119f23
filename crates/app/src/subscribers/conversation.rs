//! The conversation's entry points: a subscriber seen, `/start <payload>`, `/cancel`, free text, help.

use paygate_domain::channel::offer::{Offer, OfferRef};

use super::{
    Reply,
    dialogue::{self, Dialogue},
    donations, offers,
};
use crate::{App, AppResult};

pub const HELP: &str = "I sell access to private channels.\n\n\
    • Open an offer link from a channel to subscribe.\n\
    • /status — your subscriptions, renewals and new invite links\n\
    • /cancel — leave the current step\n\
    • /help — this message\n\n\
    Channel owners: /link CODE connects your Paygate account; /mychannels shows your channels.";

pub fn help() -> Reply {
    Reply::text(HELP)
}

/// Records (or refreshes) a subscriber who wrote to the bot.
pub async fn seen(app: &App, user: i64, username: Option<&str>, first_name: &str) -> AppResult<()> {
    let mut conn = app.pool.acquire().await?;
    paygate_db::subscribers::upsert(&mut conn, user, username, first_name).await?;
    Ok(())
}

/// `/start <payload>`: an offer link opened; shows the offer or starts the donation dialogue.
pub async fn start(app: &App, user: i64, payload: &str) -> AppResult<Reply> {
    if payload.is_empty() {
        return Ok(help());
    }
    let Ok(offer) = OfferRef::parse(payload) else {
        return Ok(Reply::text("This link is not valid. Open the offer link from the channel again."));
    };
    let mut conn = app.pool.acquire().await?;
    dialogue::set(&mut conn, user, &Dialogue::Offer { payload: offer }).await?;
    drop(conn);
    match offer.offer {
        Offer::Tier(_) => offers::show(app, offer.channel).await,
        Offer::Donation => donations::start(app, user, offer.channel).await,
    }
}

/// `/cancel`: leaves the current step.
pub async fn cancel(app: &App, user: i64) -> AppResult<Reply> {
    let mut conn = app.pool.acquire().await?;
    dialogue::clear(&mut conn, user).await?;
    Ok(Reply::text("Cancelled. Nothing is pending."))
}

/// Text that is not a command answers the dialogue's current question, if there is one.
pub async fn text(app: &App, user: i64, text: &str) -> AppResult<Reply> {
    let mut conn = app.pool.acquire().await?;
    let current = dialogue::load(&mut conn, user).await?;
    drop(conn);
    match current {
        Some(Dialogue::DonationAmount { channel_id }) => donations::typed(app, user, channel_id, text).await,
        _ => Ok(help()),
    }
}
