//! A fake Telegram Bot API on 127.0.0.1:0: real wire format, configurable state, faults and a call log.

use std::{
    collections::{HashMap, VecDeque},
    net::SocketAddr,
    sync::{Arc, Mutex, MutexGuard, PoisonError},
};

use axum::{
    Json, Router,
    body::Bytes,
    extract::{Path, RawQuery, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::any,
};
use serde_json::{Map, Value, json};
use tokio_util::sync::CancellationToken;
use url::Url;

/// The bot a fresh fake reports from `getMe`.
pub const DEFAULT_BOT_ID: i64 = 7_000_000_001;
pub const DEFAULT_BOT_USERNAME: &str = "paygate_test_bot";

/// A running fake Bot API; stops when dropped.
pub struct FakeTelegram {
    addr: SocketAddr,
    state: Arc<Mutex<FakeState>>,
    shutdown: CancellationToken,
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
}

#[derive(Debug, Clone, Copy)]
struct Fault {
    times: u32,
    status: u16,
    retry_after: Option<u32>,
}

/// A Bot API error: HTTP status (= `error_code`), description, optional `retry_after`.
struct ApiError(u16, String, Option<u32>);

impl ApiError {
    fn bad_request(what: &str) -> Self {
        Self(400, format!("Bad Request: {what}"), None)
    }
}

impl FakeTelegram {
    /// Starts a fake that accepts only `token` (as in `/bot{token}/{method}`).
    pub async fn start(token: &str) -> FakeTelegram {
        let state = Arc::new(Mutex::new(FakeState {
            token: token.to_owned(),
            bot_id: DEFAULT_BOT_ID,
            bot_username: DEFAULT_BOT_USERNAME.to_owned(),
            chats: HashMap::new(),
            faults: HashMap::new(),
            calls: Vec::new(),
        }));
        let router = Router::new().route("/{bot_token}/{method}", any(handle)).with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("cannot bind port 0");
        let addr = listener.local_addr().expect("no local address");
        let shutdown = CancellationToken::new();
        let stop = shutdown.clone();
        tokio::spawn(async move {
            axum::serve(listener, router)
                .with_graceful_shutdown(async move { stop.cancelled().await })
                .await
                .expect("fake Telegram server failed");
        });
        FakeTelegram { addr, state, shutdown }
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

    /// The next `times` calls of `method` fail with `status_code` (and `retry_after` for 429s).
    pub fn fail_next(&self, method: &str, times: u32, status_code: u16, retry_after: Option<u32>) {
        let fault = Fault { times, status: status_code, retry_after };
        self.lock().faults.entry(method.to_owned()).or_default().push_back(fault);
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
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for FakeTelegram {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

async fn handle(
    State(state): State<Arc<Mutex<FakeState>>>,
    Path((bot_token, method)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let mut state = state.lock().unwrap_or_else(PoisonError::into_inner);
    let params = match parse_params(query.as_deref(), &body) {
        Ok(params) => params,
        Err(error) => return reply(Err(error)),
    };
    state.calls.push((method.clone(), params.clone()));
    if bot_token.strip_prefix("bot") != Some(state.token.as_str()) {
        return reply(Err(ApiError(401, "Unauthorized".to_owned(), None)));
    }
    if let Some(fault) = take_fault(&mut state, &method) {
        return reply(Err(ApiError(fault.status, fault_description(fault), fault.retry_after)));
    }
    reply(dispatch(&mut state, &method, &params))
}

/// One arm per supported method; add new methods here.
fn dispatch(state: &mut FakeState, method: &str, params: &Value) -> Result<Value, ApiError> {
    match method {
        "getMe" => Ok(bot_user(state)),
        "getChatMember" => get_chat_member(state, params),
        _ => Err(ApiError(404, "Not Found: method not found".to_owned(), None)),
    }
}

fn get_chat_member(state: &FakeState, params: &Value) -> Result<Value, ApiError> {
    let chat_id = int_param(params, "chat_id").ok_or_else(|| ApiError::bad_request("chat_id is empty"))?;
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

fn take_fault(state: &mut FakeState, method: &str) -> Option<Fault> {
    let queue = state.faults.get_mut(method)?;
    let front = queue.front_mut()?;
    let fault = *front;
    front.times = front.times.saturating_sub(1);
    if front.times == 0 {
        queue.pop_front();
    }
    (fault.times > 0).then_some(fault)
}

fn fault_description(fault: Fault) -> String {
    match (fault.status, fault.retry_after) {
        (429, Some(after)) => format!("Too Many Requests: retry after {after}"),
        (429, None) => "Too Many Requests".to_owned(),
        (400, _) => "Bad Request".to_owned(),
        (401, _) => "Unauthorized".to_owned(),
        (403, _) => "Forbidden: bot was blocked by the user".to_owned(),
        (404, _) => "Not Found".to_owned(),
        (502, _) => "Bad Gateway".to_owned(),
        _ => "Internal Server Error".to_owned(),
    }
}

/// Parameters as Telegram takes them: a JSON body, or form/query pairs (values parsed as JSON if they can).
fn parse_params(query: Option<&str>, body: &[u8]) -> Result<Value, ApiError> {
    let mut params = Map::new();
    for (key, value) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        params.insert(key.into_owned(), pair_value(&value));
    }
    let trimmed = body.trim_ascii_start();
    if trimmed.starts_with(b"{") {
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(fields)) => params.extend(fields),
            _ => return Err(ApiError::bad_request("can't parse JSON object")),
        }
    } else if !trimmed.is_empty() {
        for (key, value) in url::form_urlencoded::parse(body) {
            params.insert(key.into_owned(), pair_value(&value));
        }
    }
    Ok(Value::Object(params))
}

fn pair_value(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned()))
}

/// An integer parameter sent as a number or as a string of digits.
fn int_param(params: &Value, name: &str) -> Option<i64> {
    match params.get(name)? {
        Value::Number(number) => number.as_i64(),
        Value::String(text) => text.parse().ok(),
        _ => None,
    }
}

fn reply(outcome: Result<Value, ApiError>) -> Response {
    match outcome {
        Ok(result) => Json(json!({"ok": true, "result": result})).into_response(),
        Err(ApiError(code, description, retry_after)) => {
            let mut body = json!({"ok": false, "error_code": code, "description": description});
            if let Some(after) = retry_after {
                body["parameters"] = json!({"retry_after": after});
            }
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (status, Json(body)).into_response()
        }
    }
}
