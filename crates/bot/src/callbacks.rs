//! Button presses: pay for a tier, show status, re-issue an invite, renew.

use paygate_app::{
    App, AppError, AppResult,
    invoicing::{self, Choice},
    notify::Button,
    texts,
};
use paygate_domain::{
    channel::offer::{Offer, OfferRef},
    ids::ChannelId,
};
use paygate_telegram::CallbackQuery;
use uuid::Uuid;

use crate::{commands, offers, reply};

pub async fn on_callback(app: &App, query: CallbackQuery) -> AppResult<()> {
    let user = query.from.id;
    let data = query.data.clone().unwrap_or_default();
    let (action, argument) = data.split_once(':').unwrap_or((data.as_str(), ""));
    let result = match action {
        "pay" => pay(app, user, argument).await,
        "status" => commands::status(app, user).await,
        "invite" => reissue(app, user, argument).await,
        "renew" => renew(app, user, argument).await,
        "donate" => crate::donations::preset(app, user, argument).await,
        _ => Ok(()),
    };
    // Always stop the button's spinner, whatever happened.
    let toast = match &result {
        Err(AppError::Conflict { message, .. }) => Some(message.clone()),
        Err(_) => Some("Something went wrong; please try again.".to_owned()),
        Ok(()) => None,
    };
    reply::ack(app, &query.id, toast.as_deref()).await?;
    match result {
        // The toast says it; a message per refused press would spend the sends the limit protects.
        Err(AppError::Conflict { code: paygate_app::invites::REISSUE_LIMITED, .. }) => Ok(()),
        Err(AppError::Conflict { message, .. }) => {
            reply::send(app, user, &texts::escape(&message), vec![]).await
        }
        other => other,
    }
}

async fn pay(app: &App, user: i64, payload: &str) -> AppResult<()> {
    let offer = OfferRef::parse(payload).map_err(|_| AppError::NotFound)?;
    let Offer::Tier(level) = offer.offer else { return Err(AppError::NotFound) };
    let mut conn = app.pool.acquire().await?;
    let state =
        serde_json::json!({"step": "invoice", "channel_id": offer.channel.as_uuid(), "payload": payload});
    paygate_db::subscribers::set_dialogue(&mut conn, user, &state).await?;
    drop(conn);
    match invoicing::create(app, user, offer.channel, Choice::Tier(level)).await {
        Ok(invoice) => {
            let text = format!(
                "🧾 Your invoice: <b>{}</b>.\nPay it within 24 hours in the currency of your choice. \
                 Access is granted as soon as the payment is confirmed.",
                texts::usd(invoice.price_usd)
            );
            let button = Button::url(&format!("Pay {}", texts::usd(invoice.price_usd)), &invoice.url);
            reply::send(app, user, &text, vec![vec![button]]).await
        }
        Err(AppError::Unavailable(message)) => reply::send(app, user, &texts::escape(&message), vec![]).await,
        Err(AppError::NotFound) => {
            reply::send(app, user, "This offer does not exist (anymore).", vec![]).await
        }
        Err(other) => Err(other),
    }
}

fn subscription_id(argument: &str) -> AppResult<Uuid> {
    Uuid::try_parse(argument).map_err(|_| AppError::NotFound)
}

async fn reissue(app: &App, user: i64, argument: &str) -> AppResult<()> {
    paygate_app::invites::reissue(app, user, subscription_id(argument)?).await?;
    reply::send(app, user, "🔗 A new invite link is on its way; the old one no longer works.", vec![]).await
}

async fn renew(app: &App, user: i64, argument: &str) -> AppResult<()> {
    let mut conn = app.pool.acquire().await?;
    let subscription = paygate_db::subscriptions::get(&mut conn, subscription_id(argument)?)
        .await?
        .filter(|s| s.telegram_user_id == user)
        .ok_or(AppError::NotFound)?;
    drop(conn);
    offers::show(app, user, ChannelId::from_uuid(subscription.channel_id)).await
}
