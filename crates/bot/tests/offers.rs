//! Offer posts in the open channel: content, replacement, manual limits, schedule and failures.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failing test should fail loudly

mod support;

use chrono::Utc;
use paygate_app::channels::{offer_posts::PostOffer, offer_requests::RepostDueOffers};
use paygate_test_support::fake_telegram::{DEFAULT_BOT_USERNAME, SentMessage};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use support::{OPEN, World, eventually, until, urls};

const FIRST_POST: &str = "<b>Alpha (free)</b>\n\n<b>Alpha VIP</b>\nEverything, first.\n\n🥇 $5.00 for 30 days\n🥈 $12.50 for 90 days";

/// Waits until the open channel has `count` posts; returns them.
async fn posts(world: &World, count: usize) -> Vec<SentMessage> {
    eventually(&format!("{count} posts in the open channel"), || {
        let got = world.telegram.messages_to(OPEN);
        (got.len() >= count).then_some(got)
    })
    .await
}

async fn jobs_done(world: &World) {
    until("the queue to drain", || async {
        let open = world.count("SELECT count(*) FROM jobs WHERE state IN ('pending', 'running')").await;
        (open == 0).then_some(())
    })
    .await;
}

async fn channel(world: &World, token: &str) -> Value {
    let response = world.app.get_as(token, &world.channel_path("")).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn post_offer(world: &World, token: &str) -> reqwest::Response {
    world.app.send_as(Method::POST, token, &world.channel_path("/offer"), None).await
}

/// Every button of an inline keyboard as (text, url).
fn buttons(markup: &Value) -> Vec<(String, String)> {
    markup["inline_keyboard"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row.as_array().into_iter().flatten())
        .map(|b| (b["text"].as_str().unwrap().to_owned(), b["url"].as_str().unwrap().to_owned()))
        .collect()
}

fn link(world: &World, letter: char) -> String {
    format!("https://t.me/{DEFAULT_BOT_USERNAME}?start={}", world.payload(letter))
}

#[tokio::test]
async fn becoming_ready_posts_the_offer_once_with_a_button_per_tier() {
    let world = World::start().await;
    let post = posts(&world, 1).await.remove(0);
    jobs_done(&world).await;
    assert_eq!(world.telegram.messages_to(OPEN).len(), 1, "posted once");
    assert_eq!(post.text, FIRST_POST);
    assert_eq!(
        buttons(&post.reply_markup),
        [
            ("🥇 $5.00 for 30 days".to_owned(), link(&world, 'g')),
            ("🥈 $12.50 for 90 days".to_owned(), link(&world, 's')),
        ]
    );
    let token = world.owner_token().await;
    let offer = channel(&world, &token).await["offer"].clone();
    assert_eq!(offer["message_id"], post.message_id);
    assert!(offer["posted_at"].is_string(), "{offer}");
    assert_eq!(offer["error"], Value::Null);
    assert!(world.telegram.deleted_messages().is_empty());
    assert!(world.app.unfinished_jobs().await.is_empty());
}

#[tokio::test]
async fn a_manual_repost_shows_the_donate_button_deletes_the_previous_post_and_stores_the_new_id() {
    let world = World::start().await;
    let first = posts(&world, 1).await.remove(0);
    let token = world.owner_token().await;
    let patch = json!({"donations": {"enabled": true, "message": "Thank you for the support!"}});
    let patched = world.app.send_as(Method::PATCH, &token, &world.channel_path(""), Some(&patch)).await;
    assert_eq!(patched.status(), 200);

    let response = post_offer(&world, &token).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let second = posts(&world, 2).await.remove(1);
    assert_eq!(second.text, FIRST_POST);
    let shown = buttons(&second.reply_markup);
    assert_eq!(shown.len(), 3, "{shown:?}");
    assert_eq!(shown[2], ("💝 Donate".to_owned(), link(&world, 'd')));
    assert!(urls(&second.reply_markup)[0].ends_with("_g"));

    eventually("the previous post deleted", || {
        world.telegram.deleted_messages().contains(&(OPEN, first.message_id)).then_some(())
    })
    .await;
    jobs_done(&world).await;
    assert_eq!(channel(&world, &token).await["offer"]["message_id"], second.message_id);
    assert_eq!(world.telegram.messages_to(OPEN).len(), 2);
}

#[tokio::test]
async fn a_second_manual_post_within_five_minutes_is_refused_with_retry_after() {
    let world = World::start().await;
    posts(&world, 1).await;
    let token = world.owner_token().await;
    assert_eq!(post_offer(&world, &token).await.status(), StatusCode::ACCEPTED);
    let again = post_offer(&world, &token).await;
    assert_eq!(again.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = again.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((290..=300).contains(&wait), "Retry-After {wait}");
    let body: Value = again.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate_limited");
    posts(&world, 2).await;
    jobs_done(&world).await;
    assert_eq!(world.telegram.messages_to(OPEN).len(), 2, "the refused request posted nothing");
}

#[tokio::test]
async fn another_owner_cannot_post_the_offer_and_a_channel_that_is_not_ready_cannot_either() {
    let world = World::start().await;
    posts(&world, 1).await;
    let stranger = world.app.owner_token("stranger").await;
    assert_eq!(post_offer(&world, &stranger).await.status(), StatusCode::NOT_FOUND);

    let token = world.owner_token().await;
    world.telegram.bot_is_member(OPEN);
    let checked = world.app.send_as(Method::POST, &token, &world.channel_path("/check"), None).await;
    let checked: Value = checked.json().await.unwrap();
    assert_eq!(checked["readiness"]["ready"], false, "{checked}");
    let refused = post_offer(&world, &token).await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["error"]["code"], "channel_not_ready");
    jobs_done(&world).await;
    assert_eq!(world.telegram.messages_to(OPEN).len(), 1);
    let told = world.count("SELECT count(*) FROM jobs WHERE kind = 'owner.notify'").await;
    assert_eq!(told, 1, "the owner is told once that the channel stopped being ready");
}

#[tokio::test]
async fn the_schedule_reposts_an_offer_older_than_the_interval_and_deletes_the_old_one() {
    let world = World::start().await;
    let first = posts(&world, 1).await.remove(0);
    jobs_done(&world).await;
    sqlx::query("UPDATE channels SET offer_posted_at = now() - interval '25 hours'")
        .execute(&world.app.pool)
        .await
        .unwrap();
    let mut conn = world.app.pool.acquire().await.unwrap();
    paygate_jobs::enqueue(&mut conn, &RepostDueOffers { tick: Utc::now() }).await.unwrap();

    let second = posts(&world, 2).await.remove(1);
    assert_eq!(second.text, FIRST_POST);
    eventually("the old post deleted", || {
        world.telegram.deleted_messages().contains(&(OPEN, first.message_id)).then_some(())
    })
    .await;
    jobs_done(&world).await;
    let token = world.owner_token().await;
    assert_eq!(channel(&world, &token).await["offer"]["message_id"], second.message_id);

    // Fresh again: the next pass has nothing to re-post.
    paygate_jobs::enqueue(&mut conn, &RepostDueOffers { tick: Utc::now() }).await.unwrap();
    jobs_done(&world).await;
    assert_eq!(world.telegram.messages_to(OPEN).len(), 2);
    assert!(world.app.unfinished_jobs().await.is_empty());
}

#[tokio::test]
async fn a_refused_post_is_stored_and_shown_on_the_channel() {
    let world = World::start().await;
    let first = posts(&world, 1).await.remove(0);
    jobs_done(&world).await;
    world.telegram.fail_next("sendMessage", 1, 400, None);
    let token = world.owner_token().await;
    assert_eq!(post_offer(&world, &token).await.status(), StatusCode::ACCEPTED);

    let offer = until("the failure on the channel", || async {
        let offer = channel(&world, &token).await["offer"].clone();
        offer["error"].is_string().then_some(offer)
    })
    .await;
    assert!(offer["error"].as_str().unwrap().contains("Bad Request"), "{offer}");
    assert!(offer["error_at"].is_string());
    assert_eq!(offer["message_id"], first.message_id, "the last good post is kept");
    jobs_done(&world).await;
    assert_eq!(world.app.unfinished_jobs().await, [("offers.post".to_owned(), "needs_attention".to_owned())]);
    assert!(world.telegram.deleted_messages().is_empty());
}

#[tokio::test]
async fn a_post_asked_for_at_once_by_the_readiness_hook_the_owner_and_the_schedule_is_made_once() {
    let world = World::start().await;
    posts(&world, 1).await;
    jobs_done(&world).await;
    // As if the channel had just become ready: no post recorded yet. Three asks land together.
    sqlx::query("UPDATE channels SET offer_posted_at = NULL").execute(&world.app.pool).await.unwrap();
    let channel_id: uuid::Uuid = world.channel["id"].as_str().unwrap().parse().unwrap();
    let mut tx = world.app.pool.begin().await.unwrap();
    paygate_jobs::enqueue(&mut tx, &PostOffer::now(channel_id)).await.unwrap();
    paygate_jobs::enqueue(&mut tx, &PostOffer::now(channel_id)).await.unwrap();
    paygate_jobs::enqueue(&mut tx, &RepostDueOffers { tick: Utc::now() }).await.unwrap();
    tx.commit().await.unwrap();

    posts(&world, 2).await;
    jobs_done(&world).await;
    assert_eq!(world.telegram.messages_to(OPEN).len(), 2, "one new post for the three asks");
    assert!(world.app.unfinished_jobs().await.is_empty());
}
