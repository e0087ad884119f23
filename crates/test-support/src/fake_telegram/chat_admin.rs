//! The fake's chat administration: invite links, join requests, bans, and their test accessors.

use serde_json::{Value, json};

use super::{ApiError, FakeState, FakeTelegram, bot_user, chat_param, int_param, rates, require_right};

#[derive(Default)]
pub(super) struct AdminLog {
    /// Every link created, as returned plus `chat_id`; revoking sets `is_revoked`.
    links: Vec<Value>,
    bans: Vec<(i64, i64)>,
    unbans: Vec<(i64, i64)>,
    approved: Vec<(i64, i64)>,
    declined: Vec<(i64, i64)>,
}

impl FakeTelegram {
    /// Every invite link created: the `ChatInviteLink` object plus `chat_id`.
    pub fn invite_links(&self) -> Vec<Value> {
        self.lock().admin.links.clone()
    }

    /// `(chat_id, user_id)` of every `banChatMember`.
    pub fn bans(&self) -> Vec<(i64, i64)> {
        self.lock().admin.bans.clone()
    }

    /// `(chat_id, user_id)` of every `unbanChatMember`.
    pub fn unbans(&self) -> Vec<(i64, i64)> {
        self.lock().admin.unbans.clone()
    }

    /// `(chat_id, user_id)` of every approved join request.
    pub fn approved(&self) -> Vec<(i64, i64)> {
        self.lock().admin.approved.clone()
    }

    /// `(chat_id, user_id)` of every declined join request.
    pub fn declined(&self) -> Vec<(i64, i64)> {
        self.lock().admin.declined.clone()
    }
}

pub(super) fn create_invite_link(state: &mut FakeState, params: &Value) -> Result<Value, ApiError> {
    let chat_id = chat_param(params)?;
    rates::admit_action(state)?;
    require_right(state, chat_id, "can_invite_users")?;
    let member_limit = int_param(params, "member_limit");
    let joins_by_request = params["creates_join_request"].as_bool().unwrap_or(false);
    if member_limit.is_some() && joins_by_request {
        return Err(ApiError::bad_request("member limit can't be specified for links requiring approval"));
    }
    if member_limit.is_some_and(|limit| !(1..=99_999).contains(&limit)) {
        return Err(ApiError::bad_request("MEMBER_LIMIT_INVALID"));
    }
    let name = params["name"].as_str().unwrap_or_default();
    if name.chars().count() > 32 {
        return Err(ApiError::bad_request("invite link name is too long"));
    }
    let hash = uuid::Uuid::new_v4().simple().to_string();
    let mut link = json!({
        "invite_link": format!("https://t.me/+{}", &hash[..16]),
        "creator": bot_user(state),
        "creates_join_request": joins_by_request,
        "is_primary": false,
        "is_revoked": false,
    });
    if !name.is_empty() {
        link["name"] = json!(name);
    }
    if let Some(expire_date) = int_param(params, "expire_date") {
        link["expire_date"] = json!(expire_date);
    }
    if let Some(limit) = member_limit {
        link["member_limit"] = json!(limit);
    }
    let mut record = link.clone();
    record["chat_id"] = json!(chat_id);
    state.admin.links.push(record);
    Ok(link)
}

pub(super) fn revoke_invite_link(state: &mut FakeState, params: &Value) -> Result<Value, ApiError> {
    let chat_id = chat_param(params)?;
    rates::admit_action(state)?;
    require_right(state, chat_id, "can_invite_users")?;
    let wanted = params["invite_link"].as_str().unwrap_or_default();
    let record = state
        .admin
        .links
        .iter_mut()
        .find(|link| link["chat_id"] == json!(chat_id) && link["invite_link"] == json!(wanted))
        .ok_or_else(|| ApiError::bad_request("INVITE_HASH_EXPIRED"))?;
    record["is_revoked"] = json!(true);
    let mut link = record.clone();
    if let Value::Object(fields) = &mut link {
        fields.remove("chat_id");
    }
    Ok(link)
}

/// `approveChatJoinRequest`, `declineChatJoinRequest`, `banChatMember` and `unbanChatMember`.
pub(super) fn member_action(state: &mut FakeState, method: &str, params: &Value) -> Result<Value, ApiError> {
    let chat_id = chat_param(params)?;
    let user_id =
        int_param(params, "user_id").ok_or_else(|| ApiError::bad_request("invalid user_id specified"))?;
    rates::admit_action(state)?;
    let right = if method.contains("JoinRequest") { "can_invite_users" } else { "can_restrict_members" };
    require_right(state, chat_id, right)?;
    if user_id == state.bot_id {
        return Err(ApiError::bad_request("can't remove chat owner or the bot itself"));
    }
    let only_if_banned = params["only_if_banned"].as_bool().unwrap_or(false);
    let status = member_status(state, chat_id, user_id);
    let (log, new_status) = match method {
        "approveChatJoinRequest" => (&mut state.admin.approved, Some("member")),
        "declineChatJoinRequest" => (&mut state.admin.declined, None),
        "banChatMember" => (&mut state.admin.bans, Some("kicked")),
        _ if only_if_banned && status.as_deref() != Some("kicked") => (&mut state.admin.unbans, None),
        _ => (&mut state.admin.unbans, Some("left")),
    };
    log.push((chat_id, user_id));
    if let (Some(members), Some(new_status)) = (state.chats.get_mut(&chat_id), new_status) {
        let user = json!({"id": user_id, "is_bot": false, "first_name": "User"});
        members.insert(user_id, json!({"status": new_status, "user": user}));
    }
    Ok(Value::Bool(true))
}

fn member_status(state: &FakeState, chat_id: i64, user_id: i64) -> Option<String> {
    let member = state.chats.get(&chat_id)?.get(&user_id)?;
    member["status"].as_str().map(str::to_owned)
}
