//! Button presses: pay for a tier, show status, re-issue an invite, renew, donate a preset amount.

use paygate_app::{App, AppError, AppResult, messages::texts, subscribers};
use paygate_telegram::CallbackQuery;

use crate::reply;

pub async fn on_callback(app: &App, query: CallbackQuery) -> AppResult<()> {
    let user = query.from.id;
    let data = query.data.clone().unwrap_or_default();
    let (action, argument) = data.split_once(':').unwrap_or((data.as_str(), ""));
    let result = async {
        let shown = match action {
            "pay" => subscribers::pay(app, user, argument).await?,
            "status" => subscribers::status(app, user).await?,
            "invite" => subscribers::reissue(app, user, argument).await?,
            "renew" => subscribers::renew(app, user, argument).await?,
            "donate" => subscribers::donate(app, user, argument).await?,
            _ => return Ok(()),
        };
        reply::show(app, user, shown).await
    }
    .await;
    // Always stop the button's spinner, whatever happened.
    let toast = match &result {
        Err(AppError::Conflict { message, .. }) => Some(message.clone()),
        Err(_) => Some("Something went wrong; please try again.".to_owned()),
        Ok(()) => None,
    };
    reply::ack(app, &query.id, toast.as_deref()).await?;
    match result {
        // The toast says it; a message per refused press would spend the sends the limit protects.
        Err(AppError::Conflict { code: paygate_app::subscribers::invites::REISSUE_LIMITED, .. }) => Ok(()),
        Err(AppError::Conflict { message, .. }) => {
            reply::send(app, user, &texts::escape(&message), vec![]).await
        }
        other => other,
    }
}
