//! Platform-wide reads for the operator: the channel and owner each payment belongs to.

use sqlx::PgConnection;
use uuid::Uuid;

/// A channel's title and its owner's username.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelOwner {
    pub channel_id: Uuid,
    pub channel_title: String,
    pub owner_username: String,
}

/// The titles and owners of `channel_ids` (deleted channels included: their payments stay listed).
pub async fn channel_owners(
    conn: &mut PgConnection,
    channel_ids: &[Uuid],
) -> Result<Vec<ChannelOwner>, sqlx::Error> {
    sqlx::query_as!(
        ChannelOwner,
        "SELECT c.id AS channel_id, c.closed_channel_title AS channel_title, u.username AS owner_username
         FROM channels c JOIN users u ON u.id = c.owner_id
         WHERE c.id = ANY($1)",
        channel_ids
    )
    .fetch_all(conn)
    .await
}
