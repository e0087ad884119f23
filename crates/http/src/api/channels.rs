//! `/api/v1/channels`: register, list, read, change and delete channels; deep links; readiness checks;
//! offer posts.

use axum::{extract::State, http::StatusCode};
use paygate_app::{
    channels::links::{self, ChannelLinks},
    channels::manage,
    channels::offer_requests,
    channels::views::{ChannelList, ChannelView},
};
use paygate_domain::{channel::ChannelInput, ids::ChannelId};
use serde::Serialize;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use crate::{
    HttpState,
    api::{
        error::{ApiError, ErrorBody},
        extract::{ApiJson, ApiPath, AuthUser, ClientInfo},
    },
};

pub fn router() -> OpenApiRouter<HttpState> {
    OpenApiRouter::new()
        .routes(routes!(list_channels, create_channel))
        .routes(routes!(get_channel, patch_channel, delete_channel))
        .routes(routes!(channel_links))
        .routes(routes!(check_channel))
        .routes(routes!(post_offer))
}

/// The channel body (documentation mirror of the domain's `ChannelInput`, which is what is parsed).
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[allow(dead_code)] // only describes the request body in the OpenAPI document
pub struct ChannelBody {
    /// Telegram chat id of the public channel (`-100…`, 10–14 characters), a JSON number.
    #[schema(example = -1001234567890_i64)]
    open_channel_id: i64,
    /// 1–100 characters.
    #[schema(example = "Alpha Signals (free)")]
    open_channel_title: String,
    /// 0–500 characters; may be omitted.
    #[schema(example = "Daily market notes.")]
    open_channel_description: Option<String>,
    /// Telegram chat id of the paid channel; differs from the open one; unique platform-wide.
    #[schema(example = -1009876543210_i64)]
    closed_channel_id: i64,
    #[schema(example = "Alpha Signals VIP")]
    closed_channel_title: String,
    #[schema(example = "Everything, first.")]
    closed_channel_description: Option<String>,
    /// 1–3 tiers: gold, silver, bronze in this order.
    tiers: Vec<TierBody>,
    payout: PayoutBody,
    /// Omitted means donations are off.
    donations: Option<DonationsBody>,
    /// Omitted means notifications are off.
    notifications: Option<NotificationsBody>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[allow(dead_code)]
pub struct TierBody {
    /// USD 0.01–9999.99 (at least the provider minimum), at most two decimals, as a string.
    #[schema(example = "5.00")]
    price_usd: String,
    /// 1–999, or 36500 for lifetime access.
    #[schema(example = 30)]
    duration_days: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[allow(dead_code)]
pub struct PayoutBody {
    /// Checked against the network's address format.
    #[schema(
        example = "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A"
    )]
    wallet_address: String,
    /// A supported pair with `network` (see `GET /api/v1/currencies`); any case.
    #[schema(example = "XMR")]
    currency: String,
    #[schema(example = "XMR")]
    network: String,
    /// Memo or destination tag, only on networks that use one.
    extra_id: Option<String>,
    /// `instant` or `threshold`.
    #[schema(example = "threshold")]
    strategy: String,
    /// Required for `threshold` (50–100000), null for `instant`.
    #[schema(example = "100.00")]
    threshold_usd: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[allow(dead_code)]
pub struct DonationsBody {
    enabled: bool,
    /// 10–256 characters; required when enabled.
    #[schema(example = "Thanks for supporting the channel!")]
    message: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[allow(dead_code)]
pub struct NotificationsBody {
    /// Telegram user id that receives owner notifications; required when enabled.
    #[schema(example = 123456789_i64)]
    telegram_user_id: Option<i64>,
    enabled: bool,
}

/// The caller's channels (operators: every channel) with the channel limit.
#[utoipa::path(get, path = "/api/v1/channels", tag = "channels", security(("bearer" = [])),
    responses(
        (status = 200, description = "channels, oldest first", body = ChannelList),
        (status = 401, description = "not signed in", body = ErrorBody),
    ))]
async fn list_channels(
    State(state): State<HttpState>,
    user: AuthUser,
) -> Result<axum::Json<ChannelList>, ApiError> {
    Ok(axum::Json(manage::list(&state.app, &user.caller()).await?))
}

/// Register a channel pair; readiness is checked right away.
#[utoipa::path(post, path = "/api/v1/channels", tag = "channels", security(("bearer" = [])), request_body = ChannelBody,
    responses(
        (status = 201, description = "channel created", body = ChannelView),
        (status = 401, description = "not signed in", body = ErrorBody),
        (status = 409, description = "`channel_id_taken` or `channel_limit_reached`", body = ErrorBody),
        (status = 422, description = "invalid fields, by path (e.g. `tiers[0].price_usd`)", body = ErrorBody),
    ))]
async fn create_channel(
    State(state): State<HttpState>,
    user: AuthUser,
    ClientInfo(client): ClientInfo,
    ApiJson(input): ApiJson<ChannelInput>,
) -> Result<(StatusCode, axum::Json<ChannelView>), ApiError> {
    let channel = manage::create(&state.app, &user.caller(), &input, &client).await?;
    Ok((StatusCode::CREATED, axum::Json(channel)))
}

/// One channel.
#[utoipa::path(get, path = "/api/v1/channels/{id}", tag = "channels", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Paygate's channel id")),
    responses(
        (status = 200, description = "the channel", body = ChannelView),
        (status = 401, description = "not signed in", body = ErrorBody),
        (status = 404, description = "no such channel, or not the caller's", body = ErrorBody),
    ))]
async fn get_channel(
    State(state): State<HttpState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<axum::Json<ChannelView>, ApiError> {
    Ok(axum::Json(manage::get(&state.app, &user.caller(), ChannelId::from_uuid(id)).await?))
}

/// Change a channel: a JSON merge patch of the channel body (objects merge, arrays such as `tiers` are
/// replaced whole, `null` clears a field); the result is validated as a whole.
#[utoipa::path(patch, path = "/api/v1/channels/{id}", tag = "channels", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Paygate's channel id")),
    request_body(content = ChannelBody, description = "any subset of the channel body"),
    responses(
        (status = 200, description = "the changed channel", body = ChannelView),
        (status = 401, description = "not signed in", body = ErrorBody),
        (status = 404, description = "no such channel, or not the caller's", body = ErrorBody),
        (status = 409, description = "`channel_id_taken`", body = ErrorBody),
        (status = 422, description = "invalid fields, by path", body = ErrorBody),
    ))]
async fn patch_channel(
    State(state): State<HttpState>,
    user: AuthUser,
    ClientInfo(client): ClientInfo,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(patch): ApiJson<serde_json::Value>,
) -> Result<axum::Json<ChannelView>, ApiError> {
    let channel = manage::patch(&state.app, &user.caller(), ChannelId::from_uuid(id), patch, &client).await?;
    Ok(axum::Json(channel))
}

/// Delete a channel; its Telegram ids and its slot of the channel limit are free again.
#[utoipa::path(delete, path = "/api/v1/channels/{id}", tag = "channels", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Paygate's channel id")),
    responses(
        (status = 204, description = "deleted"),
        (status = 401, description = "not signed in", body = ErrorBody),
        (status = 404, description = "no such channel, or not the caller's", body = ErrorBody),
    ))]
async fn delete_channel(
    State(state): State<HttpState>,
    user: AuthUser,
    ClientInfo(client): ClientInfo,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode, ApiError> {
    manage::delete(&state.app, &user.caller(), ChannelId::from_uuid(id), &client).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The bot deep link of every tier and of donations.
#[utoipa::path(get, path = "/api/v1/channels/{id}/links", tag = "channels", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Paygate's channel id")),
    responses(
        (status = 200, description = "links; `url` is null when no bot is configured", body = ChannelLinks),
        (status = 401, description = "not signed in", body = ErrorBody),
        (status = 404, description = "no such channel, or not the caller's", body = ErrorBody),
        (status = 503, description = "Telegram could not be reached for the bot's username", body = ErrorBody),
    ))]
async fn channel_links(
    State(state): State<HttpState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<axum::Json<ChannelLinks>, ApiError> {
    Ok(axum::Json(links::links(&state.app, &user.caller(), ChannelId::from_uuid(id)).await?))
}

/// Check now whether the bot has the rights it needs in both chats; answers with the fresh readiness.
#[utoipa::path(post, path = "/api/v1/channels/{id}/check", tag = "channels", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Paygate's channel id")),
    responses(
        (status = 200, description = "the channel with its new readiness", body = ChannelView),
        (status = 401, description = "not signed in", body = ErrorBody),
        (status = 404, description = "no such channel, or not the caller's", body = ErrorBody),
    ))]
async fn check_channel(
    State(state): State<HttpState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<axum::Json<ChannelView>, ApiError> {
    Ok(axum::Json(manage::check_readiness(&state.app, &user.caller(), ChannelId::from_uuid(id)).await?))
}

/// Post a fresh offer message in the open channel now (the previous one is deleted); at most once per
/// 5 minutes per channel. The post is queued: `offer` on the channel shows the result.
#[utoipa::path(post, path = "/api/v1/channels/{id}/offer", tag = "channels", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Paygate's channel id")),
    responses(
        (status = 202, description = "the post is queued; the channel as it is now", body = ChannelView),
        (status = 401, description = "not signed in", body = ErrorBody),
        (status = 404, description = "no such channel, or not the caller's", body = ErrorBody),
        (status = 409, description = "`channel_not_ready`", body = ErrorBody),
        (status = 429, description = "posted less than 5 minutes ago; see `Retry-After`", body = ErrorBody),
    ))]
async fn post_offer(
    State(state): State<HttpState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<(StatusCode, axum::Json<ChannelView>), ApiError> {
    let channel = offer_requests::request_post(&state.app, &user.caller(), ChannelId::from_uuid(id)).await?;
    Ok((StatusCode::ACCEPTED, axum::Json(channel)))
}
