//! Every payment and every payout of the platform for the operator, newest first, paged.

use std::collections::HashMap;

use paygate_db::operator_reads::ChannelOwner;
use serde::Serialize;
use uuid::Uuid;

use crate::{
    App, AppResult,
    channels::activity::{Page, PaymentView},
    payouts::views::{PayoutView, load},
};

/// A payment with the channel and owner it belongs to.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OperatorPaymentView {
    pub channel_id: Uuid,
    pub channel_title: String,
    pub owner_username: String,
    #[serde(flatten)]
    pub payment: PaymentView,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OperatorPaymentPage {
    pub payments: Vec<OperatorPaymentView>,
    pub limit: i64,
    pub offset: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OperatorPayoutPage {
    pub payouts: Vec<PayoutView>,
    pub limit: i64,
    pub offset: i64,
}

/// One page of every payment of the platform, newest first.
pub async fn payments(app: &App, page: Page) -> AppResult<OperatorPaymentPage> {
    let mut conn = app.pool.acquire().await?;
    let rows = paygate_db::payments::page(&mut conn, page.limit, page.offset).await?;
    let mut channel_ids: Vec<Uuid> = rows.iter().map(|row| row.channel_id).collect();
    channel_ids.sort_unstable();
    channel_ids.dedup();
    let owners: HashMap<Uuid, ChannelOwner> =
        paygate_db::operator_reads::channel_owners(&mut conn, &channel_ids)
            .await?
            .into_iter()
            .map(|owner| (owner.channel_id, owner))
            .collect();
    let payments = rows
        .into_iter()
        .map(|row| {
            let channel_id = row.channel_id;
            let owner = owners.get(&channel_id);
            let mut payment = PaymentView::from(row);
            for amount in [&mut payment.settled_amount, &mut payment.platform_fee, &mut payment.owner_share] {
                *amount = amount.map(|a| a.normalize());
            }
            OperatorPaymentView {
                channel_id,
                channel_title: owner.map(|o| o.channel_title.clone()).unwrap_or_default(),
                owner_username: owner.map(|o| o.owner_username.clone()).unwrap_or_default(),
                payment,
            }
        })
        .collect();
    Ok(OperatorPaymentPage { payments, limit: page.limit, offset: page.offset })
}

/// One page of every payout of the platform (conversions and batches too), newest first, with steps.
pub async fn payouts(app: &App, page: Page) -> AppResult<OperatorPayoutPage> {
    let mut conn = app.pool.acquire().await?;
    let rows = paygate_db::payouts::page(&mut conn, page.limit, page.offset).await?;
    Ok(OperatorPayoutPage { payouts: load(&mut conn, rows).await?, limit: page.limit, offset: page.offset })
}
