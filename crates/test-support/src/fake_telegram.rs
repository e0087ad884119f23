//! A fake Telegram Bot API on 127.0.0.1:0: real wire format, configurable state, faults and a call log.

mod chat_admin;
mod messages;
mod rates;
mod updates;
mod wire;

use std::{
    collections::{HashMap, VecDeque},
    net::SocketAddr,
    sync::{Arc, Mutex, MutexGuard, PoisonError},
};

use axum::{
    Router,
    body::Bytes,
    extract::{Path, RawQuery, State},
    response::Response,
    routing::any,
};
use serde_json::{Value, json};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use url::Url;

pub use messages::SentMessage;
use wire::{
    ApiError, Fault, chat_param, fault_description, int_param, json_param, parse_params, reply, take_fault,
};

/// The `Fault::status` of a call that is carried out but answered 502 (see `lose_answer_next`).
const LOST_ANSWER: u16 = 0;

/// The bot a fresh fake reports from `getMe`.
pub const DEFAULT_BOT_ID: i64 = 7_000_000_001;
pub const DEFAULT_BOT_USERNAME: &str = "paygate_test_bot";

/// A running fake Bot API; stops when dropped.
pub struct FakeTelegram {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: CancellationToken,
}

/// The state behind one lock, and the wake-up for long polls waiting for a pushed update.
struct Shared {
    state: Mutex<FakeState>,
    update_pushed: Notify,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, FakeState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Everything the fake knows; handlers read and change it under one lock.
struct FakeState {
    token: String,
    bot_id: i64,
    bot_username: String,
    /// Configured chats: chat id → (user id → `ChatMember` JSON). Other chats are "not found".
    chats: HashMap<i64, HashMap<i64, Value>>,
    /// Method name → errors to return before handling it normally again.
    faults: HashMap<String, VecDeque<Fault>>,
    calls: Vec<(String, Value)>,
    messages: messages::Messages,
    admin: chat_admin::AdminLog,
    updates: updates::UpdateQueue,
    rates: rates::RateBook,
}

impl FakeTelegram {
    /// Starts a fake that accepts only `token` (as in `/bot{token}/{method}`).
    pub async fn start(token: &str) -> FakeTelegram {
        let state = FakeState {
            token: token.to_owned(),
            bot_id: DEFAULT_BOT_ID,
            bot_username: DEFAULT_BOT_USERNAME.to_owned(),
            chats: HashMap::new(),
            faults: HashMap::new(),
            calls: Vec::new(),
            messages: messages::Messages::default(),
            admin: chat_admin::AdminLog::default(),
            updates: updates::UpdateQueue::default(),
            rates: rates::RateBook::default(),
        };
        let shared = Arc::new(Shared { state: Mutex::new(state), update_pushed: Notify::new() });
        let router = Router::new().route("/{bot_token}/{method}", any(handle)).with_state(shared.clone());
        let (addr, shutdown) = crate::fake_server::serve(router, "Telegram").await;
        FakeTelegram { addr, shared, shutdown }
    }

    /// Where to point a Bot API client (`{base_url}bot{token}/{method}`).
    pub fn base_url(&self) -> Url {
        Url::parse(&format!("http://{}/", self.addr)).expect("valid URL")
    }

    /// The bot token this fake accepts.
    pub fn token(&self) -> String {
        self.lock().token.clone()
    }

    /// Changes the bot's own id and username (`getMe`).
    pub fn set_bot(&self, id: i64, username: &str) {
        let mut state = self.lock();
        state.bot_id = id;
        state.bot_username = username.to_owned();
    }

    /// Sets any `ChatMember` JSON for `user_id` in `chat_id`; `user` is filled in when absent.
    pub fn set_member(&self, chat_id: i64, user_id: i64, mut member: Value) {
        if let Value::Object(fields) = &mut member {
            fields
                .entry("user")
                .or_insert_with(|| json!({"id": user_id, "is_bot": false, "first_name": "User"}));
        }
        self.lock().chats.entry(chat_id).or_default().insert(user_id, member);
    }

    /// Sets the bot's own `ChatMember` JSON in `chat_id` (e.g. `{"status": "left"}`).
    pub fn set_bot_member(&self, chat_id: i64, mut member: Value) {
        let bot_id = {
            let state = self.lock();
            if let Value::Object(fields) = &mut member {
                fields.entry("user").or_insert_with(|| bot_user(&state));
            }
            state.bot_id
        };
        self.set_member(chat_id, bot_id, member);
    }

    /// Makes the bot an administrator of `chat_id` (a channel) with the given rights.
    pub fn bot_is_admin(&self, chat_id: i64, can_invite: bool, can_restrict: bool, can_post: bool) {
        self.set_bot_member(
            chat_id,
            json!({
                "status": "administrator", "can_be_edited": false, "is_anonymous": false,
                "can_manage_chat": true, "can_delete_messages": false, "can_manage_video_chats": false,
                "can_restrict_members": can_restrict, "can_promote_members": false,
                "can_change_info": false, "can_invite_users": can_invite, "can_post_stories": false,
                "can_edit_stories": false, "can_delete_stories": false,
                "can_post_messages": can_post, "can_edit_messages": false,
            }),
        );
    }

    /// Makes the bot a plain member of `chat_id`.
    pub fn bot_is_member(&self, chat_id: i64) {
        self.set_bot_member(chat_id, json!({"status": "member"}));
    }

    /// Makes user `user_id` (e.g. a channel owner's linked account) an administrator of `chat_id`.
    pub fn user_is_admin(&self, chat_id: i64, user_id: i64) {
        self.set_member(
            chat_id,
            user_id,
            json!({"status": "administrator", "can_be_edited": false, "is_anonymous": false,
                   "can_manage_chat": true, "can_invite_users": true, "can_restrict_members": true,
                   "can_post_messages": true}),
        );
    }

    /// Makes user `user_id` the creator (owner) of `chat_id`.
    pub fn user_is_creator(&self, chat_id: i64, user_id: i64) {
        self.set_member(chat_id, user_id, json!({"status": "creator", "is_anonymous": false}));
    }

    /// The next `times` calls of `method` fail with `status_code` (and `retry_after` for 429s).
    pub fn fail_next(&self, method: &str, times: u32, status_code: u16, retry_after: Option<u32>) {
        let fault = Fault { times, status: status_code, retry_after };
        self.lock().faults.entry(method.to_owned()).or_default().push_back(fault);
    }

    /// The next `times` calls of `method` are carried out, but answered 502 (the answer is lost).
    pub fn lose_answer_next(&self, method: &str, times: u32) {
        let fault = Fault { times, status: LOST_ANSWER, retry_after: None };
        self.lock().faults.entry(method.to_owned()).or_default().push_back(fault);
    }

    /// Forgets the faults still queued for `method`: its next calls are handled normally.
    pub fn clear_faults(&self, method: &str) {
        self.lock().faults.remove(method);
    }

    /// Every request received so far, in order: method name and its parameters as JSON.
    pub fn calls(&self) -> Vec<(String, Value)> {
        self.lock().calls.clone()
    }

    /// How many times `method` was called.
    pub fn calls_of(&self, method: &str) -> usize {
        self.lock().calls.iter().filter(|(name, _)| name == method).count()
    }

    fn lock(&self) -> MutexGuard<'_, FakeState> {
        self.shared.lock()
    }
}

impl Drop for FakeTelegram {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    Path((bot_token, method)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let poll = {
        let mut state = shared.lock();
        let params = match parse_params(query.as_deref(), &body) {
            Ok(params) => params,
            Err(error) => return reply(Err(error)),
        };
        state.calls.push((method.clone(), params.clone()));
        if bot_token.strip_prefix("bot") != Some(state.token.as_str()) {
            return reply(Err(ApiError(401, "Unauthorized".to_owned(), None)));
        }
        if let Some(fault) = take_fault(&mut state, &method) {
            if fault.status == LOST_ANSWER {
                // Done, but the answer never reaches the bot (a timeout or a proxy error on the way).
                let _ = dispatch(&mut state, &method, &params);
                return reply(Err(ApiError(502, "Bad Gateway".to_owned(), None)));
            }
            return reply(Err(ApiError(fault.status, fault_description(fault), fault.retry_after)));
        }
        if method != "getUpdates" {
            return reply(dispatch(&mut state, &method, &params));
        }
        match updates::poll_request(&mut state, &params) {
            Ok(poll) => poll,
            Err(error) => return reply(Err(error)),
        }
    };
    reply(updates::long_poll(&shared, poll).await)
}

/// One arm per supported method (`getUpdates` long-polls outside the lock, see `handle`).
fn dispatch(state: &mut FakeState, method: &str, params: &Value) -> Result<Value, ApiError> {
    match method {
        "getMe" => Ok(bot_user(state)),
        "getChatMember" => get_chat_member(state, params),
        "sendMessage" => messages::send_message(state, params),
        "editMessageText" => messages::edit_message_text(state, params),
        "deleteMessage" => messages::delete_message(state, params),
        "answerCallbackQuery" => messages::answer_callback_query(state, params),
        "createChatInviteLink" => chat_admin::create_invite_link(state, params),
        "revokeChatInviteLink" => chat_admin::revoke_invite_link(state, params),
        "approveChatJoinRequest" | "declineChatJoinRequest" | "banChatMember" | "unbanChatMember" => {
            chat_admin::member_action(state, method, params)
        }
        "setWebhook" => updates::set_webhook(state, params),
        "deleteWebhook" => updates::delete_webhook(state),
        "setMyCommands" => updates::set_my_commands(state, params),
        _ => Err(ApiError(404, "Not Found: method not found".to_owned(), None)),
    }
}

/// The bot's `ChatMember` JSON in a configured chat; `None` for chats the fake does not model.
fn bot_member(state: &FakeState, chat_id: i64) -> Option<&Value> {
    state.chats.get(&chat_id).and_then(|members| members.get(&state.bot_id))
}

/// Checks an administrator right of the bot in a configured chat; unconfigured chats allow everything.
fn require_right(state: &FakeState, chat_id: i64, right: &str) -> Result<(), ApiError> {
    let Some(member) = bot_member(state, chat_id) else { return Ok(()) };
    let allowed = match member["status"].as_str() {
        Some("creator") => true,
        Some("administrator") => member[right].as_bool().unwrap_or(false),
        _ => false,
    };
    if allowed { Ok(()) } else { Err(ApiError::bad_request("not enough rights")) }
}

/// A fresh id shared by update ids and helper message ids, so every built update is unique.
fn next_global_id() -> i64 {
    use std::sync::atomic::{AtomicI64, Ordering};
    static NEXT: AtomicI64 = AtomicI64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

fn get_chat_member(state: &FakeState, params: &Value) -> Result<Value, ApiError> {
    let chat_id = chat_param(params)?;
    let user_id =
        int_param(params, "user_id").ok_or_else(|| ApiError::bad_request("invalid user_id specified"))?;
    let members = state.chats.get(&chat_id).ok_or_else(|| ApiError::bad_request("chat not found"))?;
    Ok(members.get(&user_id).cloned().unwrap_or_else(
        || json!({"status": "left", "user": {"id": user_id, "is_bot": false, "first_name": "User"}}),
    ))
}

fn bot_user(state: &FakeState) -> Value {
    json!({
        "id": state.bot_id, "is_bot": true, "first_name": "Paygate Test",
        "username": state.bot_username, "can_join_groups": true,
        "can_read_all_group_messages": false, "supports_inline_queries": false,
    })
}
