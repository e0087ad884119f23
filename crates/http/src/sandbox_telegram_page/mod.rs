//! `/sandbox/telegram`: the sandbox Telegram's chat page (only when it stands in for Telegram). Pick or
//! create a person, write to the bot, open deep links, press buttons, follow invite links, create an
//! owner's channels. Every action is a same-origin POST that the bot receives as a Telegram update.

mod view;

use std::time::Duration;

use axum::{
    Form, Router,
    extract::{Query, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use paygate_app::AppError;
use paygate_sandbox::{SandboxTelegram, telegram::ClientError};
use serde::Deserialize;

use crate::{HttpState, api::error::ApiError, pages::page};

/// How long an action waits for the bot to handle its update before showing the page anyway.
const HANDLED_WAIT: Duration = Duration::from_secs(10);

pub(crate) fn routes() -> Router<HttpState> {
    Router::new()
        .route("/sandbox/telegram", get(show))
        .route("/sandbox/telegram/people", post(create_person))
        .route("/sandbox/telegram/channels", post(create_channels))
        .route("/sandbox/telegram/say", post(say))
        .route("/sandbox/telegram/press", post(press))
        .route("/sandbox/telegram/open", post(open))
        .route("/sandbox/telegram/leave", post(leave))
        .route("/sandbox/telegram/expire", post(expire))
        .route("/sandbox/telegram/batch-pass", post(batch_pass))
}

#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    /// The person whose Telegram the page plays.
    #[serde(rename = "as")]
    person: Option<i64>,
    /// A message about the last action.
    notice: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct PersonForm {
    first_name: String,
    #[serde(default)]
    username: String,
}

#[derive(Debug, Deserialize)]
pub struct ChannelsForm {
    #[serde(rename = "as")]
    person: i64,
    name: String,
}

#[derive(Debug, Deserialize)]
pub struct SayForm {
    #[serde(rename = "as")]
    person: i64,
    text: String,
}

#[derive(Debug, Deserialize)]
pub struct PressForm {
    #[serde(rename = "as")]
    person: i64,
    chat: i64,
    message: i64,
    data: String,
}

#[derive(Debug, Deserialize)]
pub struct OpenForm {
    #[serde(rename = "as")]
    person: i64,
    url: String,
}

#[derive(Debug, Deserialize)]
pub struct PersonOnlyForm {
    #[serde(rename = "as")]
    person: i64,
}

#[derive(Debug, Deserialize)]
pub struct LeaveForm {
    #[serde(rename = "as")]
    person: i64,
    chat: i64,
}

/// The sandbox Telegram, or 404 when the real Telegram (or none) is configured.
fn sandbox(state: &HttpState) -> Result<&SandboxTelegram, ApiError> {
    state.sandbox_telegram.as_ref().ok_or_else(|| AppError::NotFound.into())
}

fn internal(error: ClientError) -> ApiError {
    AppError::Unavailable(error.to_string()).into()
}

/// `GET /sandbox/telegram?as=<person>`.
async fn show(State(state): State<HttpState>, Query(query): Query<PageQuery>) -> Result<Response, ApiError> {
    let telegram = sandbox(&state)?;
    let body = view::render(telegram, query.person, query.notice.as_deref()).await.map_err(internal)?;
    Ok(page("Sandbox Telegram", &body).into_response())
}

/// Refuses a cross-site form post. A browser says where the request came from in `Sec-Fetch-Site` (which
/// no page can set), so that header decides when present; otherwise the `Origin` must name this host.
/// (`Origin` alone is not enough: under the `Referrer-Policy: no-referrer` we send, Chromium posts forms
/// with `Origin: null`.) Clients sending neither are not browsers.
fn same_origin(headers: &HeaderMap) -> bool {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = text("sec-fetch-site") {
        return matches!(site, "same-origin" | "none");
    }
    match (text("origin"), text(header::HOST.as_str())) {
        (None, _) => true,
        (Some(origin), Some(host)) => {
            origin.strip_prefix("http://").or_else(|| origin.strip_prefix("https://")) == Some(host)
        }
        (Some(_), None) => false,
    }
}

fn forbidden() -> Response {
    (StatusCode::FORBIDDEN, page("Refused", "<p>Cross-site form posts are refused.</p>")).into_response()
}

/// Back to the page as `person`, with `notice` when the action was refused.
fn back(person: Option<i64>, notice: Option<&str>) -> Response {
    let mut location = "/sandbox/telegram".to_owned();
    let mut separator = '?';
    if let Some(person) = person {
        location.push_str(&format!("?as={person}"));
        separator = '&';
    }
    if let Some(notice) = notice {
        location.push_str(&format!("{separator}notice={}", view::percent_encode(notice)));
    }
    Redirect::to(&format!("{location}#end")).into_response()
}

/// Waits for the bot to handle `update_id` (so its reply shows), then goes back to the page.
async fn after_update(telegram: &SandboxTelegram, person: i64, update_id: i64) -> Result<Response, ApiError> {
    let handled = telegram.wait_handled(update_id, HANDLED_WAIT).await.map_err(|e| internal(e.into()))?;
    let notice =
        (!handled).then_some("The bot has not answered yet (is the bot role running?). Refresh in a moment.");
    Ok(back(Some(person), notice))
}

/// A refused action goes back with its reason; a database failure is an error.
fn refused(person: Option<i64>, error: ClientError) -> Result<Response, ApiError> {
    match error {
        ClientError::Database(_) => Err(internal(error)),
        other => Ok(back(person, Some(&other.to_string()))),
    }
}

async fn create_person(
    State(state): State<HttpState>,
    headers: HeaderMap,
    Form(form): Form<PersonForm>,
) -> Result<Response, ApiError> {
    if !same_origin(&headers) {
        return Ok(forbidden());
    }
    let telegram = sandbox(&state)?;
    match telegram.create_user(&form.first_name, Some(&form.username)).await {
        Ok(user) => Ok(back(Some(user.id), None)),
        Err(error) => refused(None, error),
    }
}

async fn create_channels(
    State(state): State<HttpState>,
    headers: HeaderMap,
    Form(form): Form<ChannelsForm>,
) -> Result<Response, ApiError> {
    if !same_origin(&headers) {
        return Ok(forbidden());
    }
    let telegram = sandbox(&state)?;
    match telegram.create_channels(form.person, &form.name).await {
        Ok(_) => Ok(back(Some(form.person), None)),
        Err(error) => refused(Some(form.person), error),
    }
}

async fn say(
    State(state): State<HttpState>,
    headers: HeaderMap,
    Form(form): Form<SayForm>,
) -> Result<Response, ApiError> {
    if !same_origin(&headers) {
        return Ok(forbidden());
    }
    let telegram = sandbox(&state)?;
    match telegram.send_text(form.person, &form.text).await {
        Ok(update_id) => after_update(telegram, form.person, update_id).await,
        Err(error) => refused(Some(form.person), error),
    }
}

async fn press(
    State(state): State<HttpState>,
    headers: HeaderMap,
    Form(form): Form<PressForm>,
) -> Result<Response, ApiError> {
    if !same_origin(&headers) {
        return Ok(forbidden());
    }
    let telegram = sandbox(&state)?;
    match telegram.press(form.person, form.chat, form.message, &form.data).await {
        Ok(update_id) => after_update(telegram, form.person, update_id).await,
        Err(error) => refused(Some(form.person), error),
    }
}

async fn open(
    State(state): State<HttpState>,
    headers: HeaderMap,
    Form(form): Form<OpenForm>,
) -> Result<Response, ApiError> {
    use paygate_sandbox::telegram::LinkOutcome;
    if !same_origin(&headers) {
        return Ok(forbidden());
    }
    let telegram = sandbox(&state)?;
    match telegram.open_link(form.person, &form.url).await {
        Ok(LinkOutcome::Started { update_id, .. } | LinkOutcome::Requested { update_id, .. }) => {
            after_update(telegram, form.person, update_id).await
        }
        Ok(LinkOutcome::Joined { .. }) => Ok(back(Some(form.person), Some("You joined the channel."))),
        Ok(LinkOutcome::AlreadyMember { .. }) => {
            Ok(back(Some(form.person), Some("You are already a member of this channel.")))
        }
        Err(error) => refused(Some(form.person), error),
    }
}

async fn leave(
    State(state): State<HttpState>,
    headers: HeaderMap,
    Form(form): Form<LeaveForm>,
) -> Result<Response, ApiError> {
    if !same_origin(&headers) {
        return Ok(forbidden());
    }
    let telegram = sandbox(&state)?;
    match telegram.leave(form.person, form.chat).await {
        Ok(()) => Ok(back(Some(form.person), None)),
        Err(error) => refused(Some(form.person), error),
    }
}

/// Sandbox time: the person's subscriptions expire now (the bot then removes them and says so).
async fn expire(
    State(state): State<HttpState>,
    headers: HeaderMap,
    Form(form): Form<PersonOnlyForm>,
) -> Result<Response, ApiError> {
    if !same_origin(&headers) {
        return Ok(forbidden());
    }
    sandbox(&state)?;
    let moved = paygate_app::subscribers::sandbox_time::expire_now(&state.app, form.person).await?;
    let notice = match moved {
        0 => "No active subscription to expire.".to_owned(),
        n => format!("⏩ {n} subscription(s) expire now: the bot removes you in a moment (refresh)."),
    };
    Ok(back(Some(form.person), Some(&notice)))
}

/// Sandbox time: the threshold batch pass runs now (every channel whose balance reached its threshold).
async fn batch_pass(
    State(state): State<HttpState>,
    headers: HeaderMap,
    Form(form): Form<PersonOnlyForm>,
) -> Result<Response, ApiError> {
    if !same_origin(&headers) {
        return Ok(forbidden());
    }
    sandbox(&state)?;
    let notice = match paygate_app::payouts::sandbox_time::batch_pass_now(&state.app).await {
        Ok(started) if started.is_empty() => {
            "No channel has reached its threshold yet (payments count once converted to USDT).".to_owned()
        }
        Ok(started) => {
            format!("⏩ {} threshold batch(es) started: the owner is paid in a moment.", started.len())
        }
        Err(AppError::NotFound) => {
            "Threshold batches follow real time here: a live swap provider or host wallet is configured."
                .to_owned()
        }
        Err(error) => return Err(error.into()),
    };
    Ok(back(Some(form.person), Some(&notice)))
}
