//! The typed bot dialogue: the dialogue step an invoice leads to is written with the invoice (a
//! refused invoice leaves the dialogue as it was), and an unreadable stored state is no dialogue.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failing test should fail loudly

mod support;

use paygate_app::{
    AppError,
    subscribers::{
        self, HELP,
        dialogue::{self, Dialogue},
    },
};
use paygate_domain::{
    channel::{TierLevel, offer::OfferRef},
    ids::ChannelId,
};
use support::World;

impl World {
    fn channel_id(&self) -> ChannelId {
        ChannelId::from_uuid(uuid::Uuid::try_parse(&self.channel_hex()).unwrap())
    }

    async fn dialogue(&self, user: i64) -> Option<Dialogue> {
        let mut conn = self.app.pool.acquire().await.unwrap();
        dialogue::load(&mut conn, user).await.unwrap()
    }
}

#[tokio::test]
async fn a_tier_invoice_and_the_dialogue_step_it_leads_to_are_recorded_together() {
    let world = World::start().await;
    let (app, user) = (&world.app.app, 71_001);
    subscribers::seen(app, user, None, "Ann").await.unwrap();
    let gold = OfferRef::tier(world.channel_id(), TierLevel::Gold);
    subscribers::start(app, user, &gold.to_payload()).await.unwrap();
    assert_eq!(world.dialogue(user).await, Some(Dialogue::Offer { payload: gold }));

    let reply = subscribers::pay(app, user, &gold.to_payload()).await.unwrap();
    assert!(reply.text.contains("Your invoice") && reply.text.contains("within 24 hours"), "{}", reply.text);
    let Some(Dialogue::Invoice { payload, invoice_id: Some(invoice) }) = world.dialogue(user).await else {
        panic!("the dialogue should wait for the invoice's payment");
    };
    assert_eq!(payload, gold);
    let owner: i64 = sqlx::query_scalar("SELECT telegram_user_id FROM invoices WHERE id = $1")
        .bind(invoice)
        .fetch_one(&world.app.pool)
        .await
        .unwrap();
    assert_eq!(owner, user);
}

#[tokio::test]
async fn a_refused_invoice_leaves_the_dialogue_where_it_was() {
    let world = World::start().await;
    let (app, user) = (&world.app.app, 71_002);
    subscribers::seen(app, user, None, "Bob").await.unwrap();
    let channel = world.channel_id();
    let gold = OfferRef::tier(channel, TierLevel::Gold);
    subscribers::start(app, user, &gold.to_payload()).await.unwrap();

    // The channel has two tiers: a bronze invoice cannot be made.
    let bronze = OfferRef::tier(channel, TierLevel::Bronze);
    let reply = subscribers::pay(app, user, &bronze.to_payload()).await.unwrap();
    assert!(reply.text.contains("does not exist"), "{}", reply.text);
    assert_eq!(world.dialogue(user).await, Some(Dialogue::Offer { payload: gold }));

    // The channel takes no donations: a typed amount is refused and the dialogue still waits for one.
    let waiting = Dialogue::DonationAmount { channel_id: channel };
    let mut conn = world.app.pool.acquire().await.unwrap();
    dialogue::set(&mut conn, user, &waiting).await.unwrap();
    drop(conn);
    let refused = subscribers::text(app, user, "7.50").await;
    assert!(matches!(refused, Err(AppError::Conflict { code: "donations_disabled", .. })), "{refused:?}");
    assert_eq!(world.dialogue(user).await, Some(waiting));
    assert_eq!(world.count("SELECT count(*) FROM invoices").await, 0);
    assert!(world.nowpayments.invoices().is_empty());
}

#[tokio::test]
async fn an_unreadable_stored_dialogue_is_no_dialogue_and_the_bot_still_answers() {
    let world = World::start().await;
    let user = 71_003;
    subscribers::seen(&world.app.app, user, None, "Cid").await.unwrap();
    sqlx::query("INSERT INTO bot_dialogues (telegram_user_id, state) VALUES ($1, $2)")
        .bind(user)
        .bind(serde_json::json!({"step": "teleport", "channel_id": 42}))
        .execute(&world.app.pool)
        .await
        .unwrap();
    assert_eq!(world.dialogue(user).await, None);

    world.say(user, "7.50");
    let answer = world.messages_to(user, 1).await.pop().unwrap();
    assert!(answer.text.starts_with(&HELP[..30]), "{}", answer.text);
    world.say(user, "/cancel");
    let cancelled = world.messages_to(user, 2).await.pop().unwrap();
    assert!(cancelled.text.contains("Cancelled"), "{}", cancelled.text);
    assert_eq!(world.count("SELECT count(*) FROM bot_dialogues").await, 0);
}
