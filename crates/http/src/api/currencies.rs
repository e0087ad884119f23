//! `GET /api/v1/currencies` (public): the payout currency/network pairs owners may choose.

use axum::extract::State;
use paygate_app::channels::currencies::{self, CurrencyView};
use serde::Serialize;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    HttpState,
    api::error::{ApiError, ErrorBody},
};

pub fn router() -> OpenApiRouter<HttpState> {
    OpenApiRouter::new().routes(routes!(list_currencies))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CurrencyList {
    pub currencies: Vec<CurrencyView>,
}

/// Supported payout pairs, by currency then network.
#[utoipa::path(get, path = "/api/v1/currencies", tag = "public",
    responses(
        (status = 200, description = "enabled pairs", body = CurrencyList),
        (status = 500, description = "unexpected failure", body = ErrorBody),
    ))]
async fn list_currencies(State(state): State<HttpState>) -> Result<axum::Json<CurrencyList>, ApiError> {
    Ok(axum::Json(CurrencyList { currencies: currencies::list(&state.app).await? }))
}
