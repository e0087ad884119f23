//! The donation dialogue: preset amounts or a typed one (within the donation limits), then the same
//! invoice and IPN path as purchases, marked as a donation.

use paygate_domain::{
    channel::DonationAmount,
    ids::ChannelId,
    limits::{DONATION_MAX_USD, DONATION_MIN_USD},
};

use super::{
    Reply,
    dialogue::{self, AfterInvoice, Dialogue},
    offers::{NO_OFFER, invoice_reply},
};
use crate::{
    App, AppError, AppResult,
    messages::notify::Button,
    messages::texts,
    subscribers::invoicing::{self, Choice},
};

/// The amounts offered as buttons, in whole dollars.
const PRESETS: [u32; 4] = [5, 10, 25, 50];

/// "from $1.00 to $9,999.99": the donation limits as the subscriber reads them.
fn limits() -> String {
    format!("from {} to {}", texts::usd_grouped(DONATION_MIN_USD), texts::usd_grouped(DONATION_MAX_USD))
}

/// Shows the owner's donation message with preset buttons and asks for an amount.
pub(super) async fn start(app: &App, user: i64, channel: ChannelId) -> AppResult<Reply> {
    let mut conn = app.pool.acquire().await?;
    let Some(offer) = paygate_db::offers::offer(&mut conn, channel.as_uuid()).await? else {
        return Ok(Reply::text(NO_OFFER));
    };
    if !offer.ready || !offer.donations_enabled {
        return Ok(Reply::text("This channel does not take donations right now."));
    }
    dialogue::set(&mut conn, user, &Dialogue::DonationAmount { channel_id: channel }).await?;
    drop(conn);
    let hex = channel.as_uuid().simple().to_string();
    let buttons = PRESETS
        .iter()
        .map(|amount| Button::callback(&format!("${amount}"), &format!("donate:{hex}:{amount}")))
        .collect::<Vec<_>>();
    let message = offer.donation_message.as_deref().map(texts::escape).unwrap_or_default();
    let text = format!(
        "💝 <b>Support {}</b>\n{message}\n\nPick an amount or type one ({}), e.g. <code>7.50</code>.",
        texts::escape(&offer.closed_title),
        limits()
    );
    Ok(Reply::with_buttons(text, vec![buttons]))
}

/// A typed amount while the dialogue waits for one.
pub(super) async fn typed(app: &App, user: i64, channel: ChannelId, text: &str) -> AppResult<Reply> {
    match DonationAmount::parse(text.trim().trim_start_matches('$').trim()) {
        Ok(amount) => invoice(app, user, channel, amount).await,
        Err(_) => Ok(Reply::text(format!(
            "Please send an amount {} with at most two decimals, e.g. 7.50 — or /cancel.",
            limits()
        ))),
    }
}

/// A preset button: `donate:<channel hex>:<whole dollars>`.
pub async fn donate(app: &App, user: i64, argument: &str) -> AppResult<Reply> {
    let (hex, amount) = argument.split_once(':').ok_or(AppError::NotFound)?;
    let channel = uuid::Uuid::try_parse(hex).map(ChannelId::from_uuid).map_err(|_| AppError::NotFound)?;
    let amount = DonationAmount::parse(amount).map_err(|_| AppError::NotFound)?;
    invoice(app, user, channel, amount).await
}

/// The donation invoice; the dialogue ends in the transaction that records it.
async fn invoice(app: &App, user: i64, channel: ChannelId, amount: DonationAmount) -> AppResult<Reply> {
    let choice = Choice::Donation(amount);
    let created = invoicing::create_in_dialogue(app, user, channel, choice, AfterInvoice::Clear).await;
    invoice_reply(created, |invoice| {
        let price = texts::usd(invoice.price_usd);
        let text = format!("🧾 Your donation invoice: <b>{price}</b>. Thank you!");
        Reply::with_buttons(text, vec![vec![Button::url(&format!("Donate {price}"), &invoice.url)]])
    })
}
