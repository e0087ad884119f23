//! Wire helpers of the fake: request parameters as Telegram reads them, error replies, injected faults.

use axum::{
    Json,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde_json::{Map, Value, json};

use super::FakeState;

#[derive(Debug, Clone, Copy)]
pub(super) struct Fault {
    pub(super) times: u32,
    pub(super) status: u16,
    pub(super) retry_after: Option<u32>,
}

/// A Bot API error: HTTP status (= `error_code`), description, optional `retry_after`.
pub(super) struct ApiError(pub(super) u16, pub(super) String, pub(super) Option<u32>);

impl ApiError {
    pub(super) fn bad_request(what: &str) -> Self {
        Self(400, format!("Bad Request: {what}"), None)
    }

    pub(super) fn forbidden(what: &str) -> Self {
        Self(403, format!("Forbidden: {what}"), None)
    }
}

/// The chat id of a request; Telegram says "chat_id is empty" when it is missing.
pub(super) fn chat_param(params: &Value) -> Result<i64, ApiError> {
    int_param(params, "chat_id").ok_or_else(|| ApiError::bad_request("chat_id is empty"))
}

/// A parameter that may arrive as JSON or as a JSON-encoded string (form posts).
pub(super) fn json_param(params: &Value, name: &str) -> Value {
    match params.get(name) {
        Some(Value::String(text)) => {
            serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.clone()))
        }
        Some(value) => value.clone(),
        None => Value::Null,
    }
}

pub(super) fn take_fault(state: &mut FakeState, method: &str) -> Option<Fault> {
    let queue = state.faults.get_mut(method)?;
    let front = queue.front_mut()?;
    let fault = *front;
    front.times = front.times.saturating_sub(1);
    if front.times == 0 {
        queue.pop_front();
    }
    (fault.times > 0).then_some(fault)
}

pub(super) fn fault_description(fault: Fault) -> String {
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
pub(super) fn parse_params(query: Option<&str>, body: &[u8]) -> Result<Value, ApiError> {
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
pub(super) fn int_param(params: &Value, name: &str) -> Option<i64> {
    match params.get(name)? {
        Value::Number(number) => number.as_i64(),
        Value::String(text) => text.parse().ok(),
        _ => None,
    }
}

pub(super) fn reply(outcome: Result<Value, ApiError>) -> Response {
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
