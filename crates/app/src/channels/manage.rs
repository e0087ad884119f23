//! Channel use cases: register, list, read, change and delete channels, with ownership and limits.

use paygate_db::channels::{self as db, StoredChannel};
use paygate_domain::{
    account::UserRole,
    channel::{ChannelDraft, ChannelInput, ChannelRules},
    ids::{ChannelId, UserId},
    wallet::Network,
};
use serde_json::{Value, json};
use sqlx::PgConnection;

use crate::{
    App, AppError, AppResult,
    accounts::audit::{self, AuditAction},
    accounts::users::Client,
    channels::readiness,
    channels::views::{ChannelList, ChannelView, fields, stored_input, tier_rows},
};

/// Who is asking: owners reach only their own channels; operators may also read everyone's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caller {
    pub id: UserId,
    pub role: UserRole,
}

impl Caller {
    fn may_read(&self, stored: &StoredChannel) -> bool {
        self.role == UserRole::Operator || self.owns(stored.row.owner_id)
    }

    fn owns(&self, owner_id: uuid::Uuid) -> bool {
        owner_id == self.id.as_uuid()
    }
}

/// The rules a channel body is parsed with: provider minimum price and the enabled payout pairs.
pub(crate) async fn rules(app: &App, conn: &mut PgConnection) -> AppResult<ChannelRules> {
    let pairs = paygate_db::payout_pairs::list_enabled(conn).await?;
    let supported_pairs =
        pairs.into_iter().filter_map(|p| Network::from_code(&p.network).map(|n| (p.currency, n))).collect();
    Ok(ChannelRules { provider_min_price_usd: app.settings.provider_min_price_usd, supported_pairs })
}

fn id_taken() -> AppError {
    AppError::conflict("channel_id_taken", "this Telegram channel is already registered on Paygate")
}

/// Refuses chat ids a proven channel (anyone's) or another live channel of the same owner names.
/// Unproven channels of other owners never block a registration (SPEC §3.2).
async fn refuse_taken_ids(
    conn: &mut PgConnection,
    caller: &Caller,
    except: Option<ChannelId>,
    draft: &ChannelDraft,
) -> AppResult<()> {
    let (open, closed) = (draft.open_channel_id().get(), draft.closed_channel_id().get());
    let except = except.map(|id| id.as_uuid());
    if paygate_db::channel_control::chat_ids_taken(conn, caller.id.as_uuid(), except, open, closed).await? {
        return Err(id_taken());
    }
    Ok(())
}

/// A channel the caller may read; anything else (someone else's, deleted, unknown) is not found.
pub(crate) async fn load_readable(app: &App, caller: &Caller, id: ChannelId) -> AppResult<StoredChannel> {
    let mut conn = app.pool.acquire().await?;
    match db::get(&mut conn, id.as_uuid()).await? {
        Some(stored) if caller.may_read(&stored) => Ok(stored),
        _ => Err(AppError::NotFound),
    }
}

/// Locks a channel of the caller for a change (operators change only their own, like owners).
async fn lock_own(conn: &mut PgConnection, caller: &Caller, id: ChannelId) -> AppResult<StoredChannel> {
    match db::lock(conn, id.as_uuid()).await? {
        Some(owner) if caller.owns(owner) => db::get(conn, id.as_uuid()).await?.ok_or(AppError::NotFound),
        _ => Err(AppError::NotFound),
    }
}

/// Checks readiness after a change has committed, then answers with the fresh channel.
async fn view_after_change(app: &App, caller: &Caller, id: ChannelId) -> AppResult<ChannelView> {
    readiness::refresh_best_effort(app, id).await;
    Ok(load_readable(app, caller, id).await?.into())
}

/// Registers a channel for the caller, within their channel limit.
#[tracing::instrument(skip_all, fields(user_id = %caller.id))]
pub async fn create(
    app: &App,
    caller: &Caller,
    input: &ChannelInput,
    client: &Client,
) -> AppResult<ChannelView> {
    let mut tx = app.pool.begin().await?;
    let draft = ChannelDraft::parse(input, &rules(app, &mut tx).await?)?;
    let max = paygate_db::users::lock(&mut tx, caller.id.as_uuid()).await?.ok_or(AppError::NotFound)?;
    if db::count_live(&mut tx, caller.id.as_uuid()).await? >= i64::from(max) {
        return Err(AppError::conflict(
            "channel_limit_reached",
            format!("an account may register at most {max} channels; delete one to add another"),
        ));
    }
    refuse_taken_ids(&mut tx, caller, None, &draft).await?;
    let id = ChannelId::new();
    let tiers = tier_rows(&draft);
    if let Err(error) = db::insert(&mut tx, id.as_uuid(), caller.id.as_uuid(), &fields(&draft, &tiers)).await
    {
        return Err(if db::is_chat_id_taken(&error) { id_taken() } else { error.into() });
    }
    let details = json!({
        "channel_id": id,
        "open_channel_id": draft.open_channel_id().get(),
        "closed_channel_id": draft.closed_channel_id().get(),
    });
    audit::record(&mut tx, Some(caller.id), AuditAction::ChannelCreated, details, client.ip.as_deref())
        .await?;
    tx.commit().await?;
    tracing::info!(kind = "channel", channel_id = %id, "channel created");
    view_after_change(app, caller, id).await
}

/// The caller's channels (every channel for operators) and their limit.
#[tracing::instrument(skip_all, fields(user_id = %caller.id))]
pub async fn list(app: &App, caller: &Caller) -> AppResult<ChannelList> {
    let mut conn = app.pool.acquire().await?;
    let max_channels = paygate_db::users::by_id(&mut conn, caller.id.as_uuid())
        .await?
        .ok_or(AppError::NotFound)?
        .max_channels;
    let stored = match caller.role {
        UserRole::Operator => db::list_all(&mut conn).await?,
        UserRole::Owner => db::list_by_owner(&mut conn, caller.id.as_uuid()).await?,
    };
    let channels: Vec<ChannelView> = stored.into_iter().map(ChannelView::from).collect();
    Ok(ChannelList { count: channels.len(), channels, max_channels })
}

/// One channel the caller may read.
#[tracing::instrument(skip_all, fields(user_id = %caller.id, channel_id = %id))]
pub async fn get(app: &App, caller: &Caller, id: ChannelId) -> AppResult<ChannelView> {
    Ok(load_readable(app, caller, id).await?.into())
}

/// Applies a JSON merge patch (RFC 7396: objects merge, arrays and scalars replace, `null` clears) to the
/// stored channel body and parses the whole result again.
#[tracing::instrument(skip_all, fields(user_id = %caller.id, channel_id = %id))]
pub async fn patch(
    app: &App,
    caller: &Caller,
    id: ChannelId,
    patch: Value,
    client: &Client,
) -> AppResult<ChannelView> {
    if !patch.is_object() {
        return Err(AppError::field("body", "must be a JSON object with the fields to change"));
    }
    let mut tx = app.pool.begin().await?;
    let old = lock_own(&mut tx, caller, id).await?;
    let old_input = stored_input(&old);
    let mut merged = serde_json::to_value(&old_input).map_err(anyhow::Error::from)?;
    merge(&mut merged, patch);
    let input: ChannelInput =
        serde_json::from_value(merged).map_err(|error| AppError::field("body", error.to_string()))?;
    let draft = ChannelDraft::parse(&input, &rules(app, &mut tx).await?)?;
    let moved = (draft.open_channel_id().get(), draft.closed_channel_id().get())
        != (old.row.open_channel_id, old.row.closed_channel_id);
    if moved {
        refuse_taken_ids(&mut tx, caller, Some(id), &draft).await?;
    }
    let tiers = tier_rows(&draft);
    let unproven = readiness::Readiness::unproven_json();
    if let Err(error) = db::update(&mut tx, id.as_uuid(), &fields(&draft, &tiers), &unproven).await {
        return Err(if db::is_chat_id_taken(&error) { id_taken() } else { error.into() });
    }
    let (old_value, new_value) = (to_json(&old_input)?, to_json(&draft.to_input())?);
    let changed: Vec<&String> = new_value
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(k, v)| old_value.get(k) != Some(v))
        .map(|(k, _)| k)
        .collect();
    let ip = client.ip.as_deref();
    let details = json!({"channel_id": id, "changed": changed});
    audit::record(&mut tx, Some(caller.id), AuditAction::ChannelUpdated, details, ip).await?;
    if old_value.get("payout") != new_value.get("payout") {
        let details = json!({"channel_id": id, "old": old_value["payout"], "new": new_value["payout"]});
        audit::record(&mut tx, Some(caller.id), AuditAction::PayoutSettingsChanged, details, ip).await?;
    }
    tx.commit().await?;
    tracing::info!(kind = "channel", channel_id = %id, "channel updated");
    view_after_change(app, caller, id).await
}

/// Soft-deletes a channel of the caller, freeing its Telegram ids and a slot of the limit.
#[tracing::instrument(skip_all, fields(user_id = %caller.id, channel_id = %id))]
pub async fn delete(app: &App, caller: &Caller, id: ChannelId, client: &Client) -> AppResult<()> {
    let mut tx = app.pool.begin().await?;
    let old = lock_own(&mut tx, caller, id).await?;
    if !db::soft_delete(&mut tx, id.as_uuid()).await? {
        return Err(AppError::NotFound);
    }
    let details = json!({
        "channel_id": id,
        "open_channel_id": old.row.open_channel_id,
        "closed_channel_id": old.row.closed_channel_id,
    });
    audit::record(&mut tx, Some(caller.id), AuditAction::ChannelDeleted, details, client.ip.as_deref())
        .await?;
    tx.commit().await?;
    tracing::info!(kind = "channel", channel_id = %id, "channel deleted");
    Ok(())
}

/// Asks Telegram now whether the owner administers both chats and the bot has what it needs there
/// (owner only) and stores the answer.
#[tracing::instrument(skip_all, fields(user_id = %caller.id, channel_id = %id))]
pub async fn check_readiness(app: &App, caller: &Caller, id: ChannelId) -> AppResult<ChannelView> {
    let stored = load_readable(app, caller, id).await?;
    if !caller.owns(stored.row.owner_id) {
        return Err(AppError::NotFound);
    }
    readiness::refresh(app, id).await?;
    Ok(load_readable(app, caller, id).await?.into())
}

fn to_json(input: &ChannelInput) -> AppResult<Value> {
    Ok(serde_json::to_value(input).map_err(anyhow::Error::from)?)
}

/// JSON merge patch (RFC 7396): a `null` member removes the field, so it reads as null or its default.
fn merge(target: &mut Value, patch: Value) {
    let Value::Object(members) = patch else {
        *target = patch;
        return;
    };
    if !target.is_object() {
        *target = Value::Object(serde_json::Map::new());
    }
    if let Value::Object(fields) = target {
        for (key, value) in members {
            if value.is_null() {
                fields.remove(&key);
            } else {
                merge(fields.entry(key).or_insert(Value::Null), value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merging_replaces_arrays_merges_objects_and_null_removes() {
        let mut target = json!({"a": 1, "tiers": [1, 2], "payout": {"x": 1, "y": 2}, "gone": "z"});
        merge(&mut target, json!({"tiers": [3], "payout": {"y": 5, "z": 6}, "gone": null, "new": true}));
        assert_eq!(target, json!({"a": 1, "tiers": [3], "payout": {"x": 1, "y": 5, "z": 6}, "new": true}));
    }
}
