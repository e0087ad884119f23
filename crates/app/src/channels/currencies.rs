//! The payout currency/network pairs owners may choose from (public list).

use paygate_domain::wallet::{ExtraIdKind, Network};
use serde::Serialize;

use crate::{App, AppResult};

/// One supported payout pair.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CurrencyView {
    /// Currency ticker, upper-case.
    #[schema(example = "USDT")]
    pub currency: String,
    /// Network code, upper-case.
    #[schema(example = "TRX")]
    pub network: String,
    #[schema(example = "Tether USD (TRC-20)")]
    pub display_name: String,
    #[schema(example = "TRON")]
    pub network_name: String,
    /// Whether payouts on this network may carry a memo or destination tag (`extra_id`).
    pub needs_extra_id: bool,
    /// `none`, `destination_tag` or `memo`.
    #[schema(example = "none")]
    pub extra_id_kind: String,
}

/// Every enabled pair whose network Paygate knows how to validate.
pub async fn list(app: &App) -> AppResult<Vec<CurrencyView>> {
    let mut conn = app.pool.acquire().await?;
    let pairs = paygate_db::payout_pairs::list_enabled(&mut conn).await?;
    Ok(pairs
        .into_iter()
        .filter_map(|pair| {
            let network = Network::from_code(&pair.network)?;
            let kind = match network.extra_id_kind() {
                ExtraIdKind::None => "none",
                ExtraIdKind::DestinationTag => "destination_tag",
                ExtraIdKind::Memo => "memo",
            };
            Some(CurrencyView {
                currency: pair.currency.to_ascii_uppercase(),
                network: pair.network.to_ascii_uppercase(),
                display_name: pair.display_name,
                network_name: network.display_name().to_owned(),
                needs_extra_id: !matches!(network.extra_id_kind(), ExtraIdKind::None),
                extra_id_kind: kind.to_owned(),
            })
        })
        .collect())
}
