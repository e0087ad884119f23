//! The JSON API under `/api/v1`, documented by OpenAPI as it is routed.

mod account;
mod audit;
mod auth;
mod channel_activity;
mod channels;
mod currencies;
pub mod error;
pub mod extract;
mod json_body;
mod operator;
mod overview;
mod payouts;
mod refresh_cookie;

pub use json_body::document_body_errors;

use utoipa::{
    Modify, OpenApi,
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
};
use utoipa_axum::router::OpenApiRouter;

use crate::HttpState;

#[derive(OpenApi)]
#[openapi(
    info(title = "Paygate API", description = "Owner API of Paygate: accounts, channels, payments and payouts.", version = "1"),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Accounts and sessions"),
        (name = "account", description = "The signed-in account's own records"),
        (name = "channels", description = "Channels, tiers, payout settings and links"),
        (name = "payouts", description = "Payouts and balances of the caller's channels"),
        (name = "operator", description = "Operator only (404 for everyone else)"),
        (name = "public", description = "No authentication"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build(),
            ),
        );
    }
}

/// Every API route with its OpenAPI description.
pub fn router() -> OpenApiRouter<HttpState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(auth::router())
        .merge(audit::router())
        .merge(account::router())
        .merge(channels::router())
        .merge(channel_activity::router())
        .merge(currencies::router())
        .merge(payouts::router())
        .merge(overview::router())
        .merge(operator::router())
}
