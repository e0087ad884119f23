//! The bot's side of the sandbox Telegram: the `Messenger` port, answering like the Bot API (same
//! rights, same refusals) against the sandbox world.

use async_trait::async_trait;
use paygate_domain::messenger::{
    ChatRights, InlineKeyboard, InviteLinkRequest, MemberStatus, Messenger, MessengerError,
};
use serde_json::Value;

use super::{SANDBOX_BOT_USERNAME, SandboxTelegram, bad_request, membership, rules, unavailable};

/// Telegram's answer to a join request that is not (or no longer) pending.
const NO_REQUEST: &str = "Bad Request: HIDE_REQUESTER_MISSING";

impl SandboxTelegram {
    /// Whether `chat_id` is a sandbox channel (the bot administers every one) or a person who started
    /// the bot; Telegram's error otherwise.
    async fn check_destination(&self, chat_id: i64) -> Result<(), MessengerError> {
        if chat_id < 0 {
            self.check_channel(chat_id).await
        } else {
            let started: Option<bool> =
                sqlx::query_scalar("SELECT started FROM sandbox_telegram_users WHERE id = $1")
                    .bind(chat_id)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(unavailable)?;
            match started {
                None => Err(MessengerError::ChatNotFound),
                Some(false) => Err(MessengerError::Forbidden),
                Some(true) => Ok(()),
            }
        }
    }

    async fn check_channel(&self, chat_id: i64) -> Result<(), MessengerError> {
        let exists: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM sandbox_telegram_chats WHERE id = $1)")
                .bind(chat_id)
                .fetch_one(&self.pool)
                .await
                .map_err(unavailable)?;
        if exists { Ok(()) } else { Err(MessengerError::ChatNotFound) }
    }

    /// Decides a pending join request; true when there was one.
    async fn decide(&self, chat_id: i64, user_id: i64, approve: bool) -> Result<(), MessengerError> {
        self.check_channel(chat_id).await?;
        self.limits.action()?;
        let mut tx = self.pool.begin().await.map_err(unavailable)?;
        let link: Option<String> = sqlx::query_scalar(
            "UPDATE sandbox_telegram_join_requests SET status = $3, decided_at = now()
             WHERE chat_id = $1 AND user_id = $2 AND status = 'pending' RETURNING link",
        )
        .bind(chat_id)
        .bind(user_id)
        .bind(if approve { "approved" } else { "declined" })
        .fetch_optional(&mut *tx)
        .await
        .map_err(unavailable)?;
        let Some(link) = link else { return Err(bad_request(NO_REQUEST)) };
        if approve {
            let old =
                membership::set_status(&mut tx, chat_id, user_id, "member").await.map_err(unavailable)?;
            if old != "member" && old != "creator" {
                membership::announce(&mut tx, chat_id, user_id, (&old, "member"), Some((&link, true)))
                    .await
                    .map_err(unavailable)?;
            }
        }
        tx.commit().await.map_err(unavailable)?;
        self.wake();
        Ok(())
    }
}

#[async_trait]
impl Messenger for SandboxTelegram {
    fn is_live(&self) -> bool {
        false
    }

    async fn bot_username(&self) -> Result<String, MessengerError> {
        Ok(SANDBOX_BOT_USERNAME.to_owned())
    }

    async fn bot_rights(&self, chat_id: i64) -> Result<ChatRights, MessengerError> {
        self.check_channel(chat_id).await?;
        Ok(ChatRights {
            status: MemberStatus::Administrator,
            can_invite_users: true,
            can_restrict_members: true,
            can_post_messages: true,
        })
    }

    async fn member_rights(&self, chat_id: i64, user_id: i64) -> Result<ChatRights, MessengerError> {
        self.check_channel(chat_id).await?;
        let status = self.member_status_text(chat_id, user_id).await.map_err(|e| match e {
            super::ClientError::Database(error) => unavailable(error),
            other => MessengerError::Unavailable(other.to_string()),
        })?;
        let status = match status.as_str() {
            "creator" => MemberStatus::Creator,
            "member" => MemberStatus::Member,
            "kicked" => MemberStatus::Kicked,
            _ => MemberStatus::Left,
        };
        let all = status == MemberStatus::Creator;
        Ok(ChatRights { status, can_invite_users: all, can_restrict_members: all, can_post_messages: all })
    }

    async fn send_message(
        &self,
        chat_id: i64,
        text: &str,
        keyboard: Option<&InlineKeyboard>,
    ) -> Result<i64, MessengerError> {
        rules::check_text(text).map_err(bad_request)?;
        let markup = keyboard_json(keyboard)?;
        self.check_destination(chat_id).await?;
        self.limits.message(chat_id)?;
        let id = sqlx::query_scalar(
            "INSERT INTO sandbox_telegram_messages (chat_id, from_bot, text, keyboard) VALUES ($1, true, $2, $3)
             RETURNING message_id",
        )
        .bind(chat_id)
        .bind(text)
        .bind(markup)
        .fetch_one(&self.pool)
        .await
        .map_err(unavailable)?;
        Ok(id)
    }

    async fn edit_message(
        &self,
        chat_id: i64,
        message_id: i64,
        text: &str,
        keyboard: Option<&InlineKeyboard>,
    ) -> Result<(), MessengerError> {
        rules::check_text(text).map_err(bad_request)?;
        let markup = keyboard_json(keyboard)?;
        let current: Option<(String, Option<Value>)> = sqlx::query_as(
            "SELECT text, keyboard FROM sandbox_telegram_messages
             WHERE chat_id = $1 AND message_id = $2 AND from_bot AND NOT deleted",
        )
        .bind(chat_id)
        .bind(message_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(unavailable)?;
        match current {
            None => Err(bad_request("Bad Request: message to edit not found")),
            Some((old_text, old_markup)) if old_text == text && old_markup == markup => Err(bad_request(
                "Bad Request: message is not modified: specified new message content and reply markup are exactly the same",
            )),
            Some(_) => {
                sqlx::query(
                    "UPDATE sandbox_telegram_messages SET text = $3, keyboard = $4, edited_at = now()
                     WHERE chat_id = $1 AND message_id = $2",
                )
                .bind(chat_id)
                .bind(message_id)
                .bind(text)
                .bind(markup)
                .execute(&self.pool)
                .await
                .map_err(unavailable)?;
                Ok(())
            }
        }
    }

    async fn delete_message(&self, chat_id: i64, message_id: i64) -> Result<(), MessengerError> {
        let deleted = sqlx::query(
            "UPDATE sandbox_telegram_messages SET deleted = true WHERE chat_id = $1 AND message_id = $2 AND NOT deleted",
        )
        .bind(chat_id)
        .bind(message_id)
        .execute(&self.pool)
        .await
        .map_err(unavailable)?;
        if deleted.rows_affected() == 0 {
            return Err(bad_request("Bad Request: message to delete not found"));
        }
        Ok(())
    }

    async fn answer_callback(&self, query_id: &str, toast: Option<&str>) -> Result<(), MessengerError> {
        let invalid = || {
            bad_request("Bad Request: query is too old and response timeout expired or query ID is invalid")
        };
        let id: i64 = query_id.parse().map_err(|_| invalid())?;
        let answered = sqlx::query(
            "UPDATE sandbox_telegram_callbacks SET answered = true, toast = $2 WHERE id = $1 AND NOT answered",
        )
        .bind(id)
        .bind(toast)
        .execute(&self.pool)
        .await
        .map_err(unavailable)?;
        if answered.rows_affected() == 0 {
            return Err(invalid());
        }
        Ok(())
    }

    async fn create_invite_link(
        &self,
        chat_id: i64,
        request: &InviteLinkRequest,
    ) -> Result<String, MessengerError> {
        rules::check_invite_request(request).map_err(bad_request)?;
        self.check_channel(chat_id).await?;
        self.limits.action()?;
        let hash: String = uuid::Uuid::new_v4().simple().to_string().chars().take(22).collect();
        let link = format!("https://t.me/+{hash}");
        sqlx::query(
            "INSERT INTO sandbox_telegram_invite_links (link, chat_id, name, expire_at, member_limit, creates_join_request)
             VALUES ($1, $2, $3, to_timestamp($4::bigint), $5, $6)",
        )
        .bind(&link)
        .bind(chat_id)
        .bind(&request.name)
        .bind(request.expire_date)
        .bind(request.member_limit.map(i64::from))
        .bind(request.creates_join_request)
        .execute(&self.pool)
        .await
        .map_err(unavailable)?;
        Ok(link)
    }

    async fn revoke_invite_link(&self, chat_id: i64, invite_link: &str) -> Result<(), MessengerError> {
        self.limits.action()?;
        let revoked = sqlx::query(
            "UPDATE sandbox_telegram_invite_links SET revoked = true WHERE chat_id = $1 AND link = $2",
        )
        .bind(chat_id)
        .bind(invite_link)
        .execute(&self.pool)
        .await
        .map_err(unavailable)?;
        if revoked.rows_affected() == 0 {
            return Err(bad_request("Bad Request: INVITE_HASH_INVALID"));
        }
        Ok(())
    }

    async fn approve_join_request(&self, chat_id: i64, user_id: i64) -> Result<(), MessengerError> {
        self.decide(chat_id, user_id, true).await
    }

    async fn decline_join_request(&self, chat_id: i64, user_id: i64) -> Result<(), MessengerError> {
        self.decide(chat_id, user_id, false).await
    }

    async fn ban_member(&self, chat_id: i64, user_id: i64) -> Result<(), MessengerError> {
        self.check_channel(chat_id).await?;
        self.limits.action()?;
        let mut tx = self.pool.begin().await.map_err(unavailable)?;
        let current = membership::status(&mut tx, chat_id, user_id).await.map_err(unavailable)?;
        if current == "creator" {
            return Err(bad_request("Bad Request: can't remove chat owner"));
        }
        let known: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM sandbox_telegram_users WHERE id = $1)")
                .bind(user_id)
                .fetch_one(&mut *tx)
                .await
                .map_err(unavailable)?;
        if !known {
            return Err(bad_request("Bad Request: PARTICIPANT_ID_INVALID"));
        }
        let old = membership::set_status(&mut tx, chat_id, user_id, "kicked").await.map_err(unavailable)?;
        if old == "member" {
            membership::announce(&mut tx, chat_id, user_id, (&old, "kicked"), None)
                .await
                .map_err(unavailable)?;
        }
        tx.commit().await.map_err(unavailable)?;
        self.wake();
        Ok(())
    }

    async fn unban_member(
        &self,
        chat_id: i64,
        user_id: i64,
        only_if_banned: bool,
    ) -> Result<(), MessengerError> {
        self.check_channel(chat_id).await?;
        self.limits.action()?;
        let mut tx = self.pool.begin().await.map_err(unavailable)?;
        let current = membership::status(&mut tx, chat_id, user_id).await.map_err(unavailable)?;
        match current.as_str() {
            "kicked" => {
                membership::set_status(&mut tx, chat_id, user_id, "left").await.map_err(unavailable)?;
            }
            // Without only_if_banned, Telegram removes a current member (they may rejoin).
            "member" if !only_if_banned => {
                membership::set_status(&mut tx, chat_id, user_id, "left").await.map_err(unavailable)?;
                membership::announce(&mut tx, chat_id, user_id, ("member", "left"), None)
                    .await
                    .map_err(unavailable)?;
            }
            "creator" if !only_if_banned => return Err(bad_request("Bad Request: can't remove chat owner")),
            _ => {}
        }
        tx.commit().await.map_err(unavailable)?;
        self.wake();
        Ok(())
    }
}

/// The keyboard as the Bot API receives it, checked as Telegram checks it.
fn keyboard_json(keyboard: Option<&InlineKeyboard>) -> Result<Option<Value>, MessengerError> {
    let Some(keyboard) = keyboard else { return Ok(None) };
    let markup = serde_json::to_value(keyboard).map_err(|e| bad_request(format!("Bad Request: {e}")))?;
    rules::check_keyboard(&markup).map_err(bad_request)?;
    Ok(Some(markup))
}
