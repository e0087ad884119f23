//! A subscription's life through the sandbox Telegram, with the same use cases the real-bot tests
//! cover: expiry removes the member (ban then unban) and a renewal lets them back in, a donation
//! grants nothing, and someone who uses a payer's single-use link first is removed again.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failing test should fail loudly

use chrono::Utc;
use paygate_app::subscribers::expiry::SweepSubscriptions;
use paygate_sandbox::telegram::LinkOutcome;
use paygate_test_support::sandbox_world::{SandboxWorld as World, eventually};
use serde_json::Value;

/// The deep link of `offer` (`tier` index, or `None` for donations).
async fn deep_link(world: &World, tier: Option<usize>) -> String {
    let links: Value =
        world.app.get_as(&world.owner, &world.channel_path("/links")).await.json().await.unwrap();
    match tier {
        Some(index) => links["tiers"][index]["url"].as_str().unwrap().to_owned(),
        None => links["donation"]["url"].as_str().unwrap().to_owned(),
    }
}

/// Presses `prefix…`, pays the checkout it leads to, and returns the next invite link sent to `user`.
async fn pay_and_get_invite(world: &World, user: i64, prefix: &str, invites_before: usize) -> String {
    world.press(user, prefix).await;
    let checkout = world.url_button(user, |u| u.contains("/sandbox/checkout/")).await;
    world.pay(&checkout).await;
    eventually("a new invite link", || async {
        let links: Vec<String> = invite_urls(world, user).await;
        links.get(invites_before).cloned()
    })
    .await
}

/// Every invite link sent to `user`, oldest first.
async fn invite_urls(world: &World, user: i64) -> Vec<String> {
    world
        .bot_messages(user)
        .await
        .iter()
        .flat_map(paygate_test_support::sandbox_world::urls)
        .filter(|u| u.starts_with("https://t.me/+"))
        .collect()
}

async fn status(world: &World, user: i64) -> String {
    world.telegram.member_status_text(world.closed, user).await.unwrap()
}

async fn becomes(world: &World, user: i64, wanted: &str) {
    eventually(&format!("status {wanted}"), || async { (status(world, user).await == wanted).then_some(()) })
        .await;
}

#[tokio::test]
async fn at_expiry_the_member_is_removed_and_can_rejoin_after_renewing() {
    let world = World::start().await;
    let sam = world.telegram.create_user("Sam", None).await.unwrap().id;
    world.open(sam, &deep_link(&world, Some(0)).await).await;
    let invite = pay_and_get_invite(&world, sam, "pay:", 0).await;
    world.open(sam, &invite).await;
    becomes(&world, sam, "member").await;
    world.settled().await; // the bot has seen Sam join before his time runs out

    sqlx::query(
        "UPDATE subscriptions SET expires_at = now() - interval '1 minute' WHERE telegram_user_id = $1",
    )
    .bind(sam)
    .execute(&world.app.pool)
    .await
    .unwrap();
    let mut conn = world.app.pool.acquire().await.unwrap();
    paygate_jobs::enqueue(&mut conn, &SweepSubscriptions { tick: Utc::now() }).await.unwrap();
    // Ban then unban: out of the channel, free to come back after paying.
    becomes(&world, sam, "left").await;
    let expired = eventually("the expiry message with a renew button", || async {
        let messages = world.bot_messages(sam).await;
        messages.into_iter().rev().find(|m| {
            paygate_test_support::sandbox_world::callbacks(m).iter().any(|d| d.starts_with("renew:"))
        })
    })
    .await;
    assert!(!expired.text.is_empty());

    world.press(sam, "renew:").await;
    let renewed = pay_and_get_invite(&world, sam, "pay:", 1).await;
    assert_ne!(renewed, invite);
    assert!(matches!(world.open(sam, &renewed).await, LinkOutcome::Requested { .. }));
    becomes(&world, sam, "member").await;
    assert_eq!(world.telegram.flood_refusals(), 0, "the pacer kept within Telegram's flood limits");
}

#[tokio::test]
async fn the_sandbox_refuses_unpaced_floods_like_telegram_with_429() {
    use paygate_domain::messenger::{Messenger, MessengerError};
    let world = World::start().await;
    let sam = world.telegram.create_user("Sam", None).await.unwrap().id;
    world.open(sam, &deep_link(&world, Some(0)).await).await;
    world.settled().await;
    let before = world.telegram.flood_refusals();
    // Straight to the sandbox, past the pacer: the second message within a second is refused.
    let mut refused = None;
    for n in 0..10 {
        if let Err(error) = world.telegram.send_message(sam, &format!("hello {n}"), None).await {
            refused = Some(error);
            break;
        }
    }
    assert!(matches!(refused, Some(MessengerError::RateLimited { .. })), "{refused:?}");
    assert!(world.telegram.flood_refusals() > before);
}

#[tokio::test]
async fn a_donation_pays_the_owner_and_grants_no_access() {
    let world = World::start().await;
    let dana = world.telegram.create_user("Dana", None).await.unwrap().id;
    world.open(dana, &deep_link(&world, None).await).await;
    world.press(dana, "donate:").await;
    let checkout = world.url_button(dana, |u| u.contains("/sandbox/checkout/")).await;
    world.pay(&checkout).await;
    eventually("the payment recorded", || async {
        let paid: i64 =
            sqlx::query_scalar("SELECT count(*) FROM payments").fetch_one(&world.app.pool).await.unwrap();
        (paid == 1).then_some(())
    })
    .await;
    let subscriptions: i64 =
        sqlx::query_scalar("SELECT count(*) FROM subscriptions WHERE telegram_user_id = $1")
            .bind(dana)
            .fetch_one(&world.app.pool)
            .await
            .unwrap();
    assert_eq!(subscriptions, 0);
    assert!(invite_urls(&world, dana).await.is_empty());
    assert!(world.telegram.invite_links(world.closed).await.unwrap().is_empty());
}

#[tokio::test]
async fn someone_who_uses_a_payers_single_use_link_first_is_removed_and_the_payer_gets_a_new_link() {
    let world = World::start_with(Some(|s| s.invite_join_requests = false)).await;
    let sam = world.telegram.create_user("Sam", None).await.unwrap().id;
    let eve = world.telegram.create_user("Eve", None).await.unwrap().id;
    world.open(sam, &deep_link(&world, Some(0)).await).await;
    let invite = pay_and_get_invite(&world, sam, "pay:", 0).await;

    // Eve got hold of the link and is quicker: Telegram lets her in, the bot removes her.
    assert_eq!(world.open(eve, &invite).await, LinkOutcome::Joined { chat_id: world.closed });
    eventually("Eve removed", || async { (status(&world, eve).await != "member").then_some(()) }).await;
    assert!(world.telegram.open_link(sam, &invite).await.is_err(), "the link is used up");

    // Sam asks for a new link from /status and joins with it.
    world.say(sam, "/status").await;
    world.press(sam, "invite:").await;
    let fresh =
        eventually("a second invite", || async { invite_urls(&world, sam).await.get(1).cloned() }).await;
    assert_eq!(world.open(sam, &fresh).await, LinkOutcome::Joined { chat_id: world.closed });
    assert_eq!(status(&world, sam).await, "member");
}
