//! The Telegram bot front door: updates come in (long polling or webhook), thin handlers parse them,
//! call use cases and show the replies those return. Conversation state lives per subscriber in
//! PostgreSQL (`paygate_app::subscribers::dialogue`), never in memory.

mod callbacks;
mod commands;
mod polling;
mod reply;

pub use polling::run_polling;

use paygate_app::App;
use paygate_telegram::{Update, UpdateKind};

/// Handles one update; errors are logged, never propagated to Telegram.
#[tracing::instrument(skip(app, update), fields(update_id = update.update_id))]
pub async fn handle_update(app: &App, update: Update) {
    let result = match update.kind {
        UpdateKind::Message(message) => commands::on_message(app, message).await,
        UpdateKind::CallbackQuery(query) => callbacks::on_callback(app, query).await,
        UpdateKind::ChatJoinRequest(request) => paygate_app::subscribers::invites::decide_join_request(
            app,
            request.chat_id,
            request.from.id,
            request.invite_link.as_deref(),
        )
        .await
        .map(|_| ()),
        UpdateKind::ChatMember(member) if member.joined() => {
            paygate_app::subscribers::invite_joins::on_member_joined(
                app,
                member.chat_id,
                member.user.id,
                member.invite_link.as_deref(),
            )
            .await
        }
        UpdateKind::ChatMember(_) | UpdateKind::Other => Ok(()),
    };
    if let Err(error) = result {
        tracing::warn!(kind = "telegram", %error, "update handling failed");
    }
}
