//! The purchase loop through the sandbox Telegram: deep link → tier → pay on the sandbox checkout →
//! invite → join, with Telegram's rules (single-use invites, join requests, callback data, payloads).

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failing test should fail loudly

use paygate_sandbox::telegram::{ClientError, LinkOutcome, rules};
use paygate_test_support::sandbox_world::{SandboxWorld as World, callbacks, eventually, urls};
use reqwest::Method;
use serde_json::Value;

/// The gold tier's deep link from the channel's links.
async fn gold_link(world: &World) -> String {
    let links: Value =
        world.app.get_as(&world.owner, &world.channel_path("/links")).await.json().await.unwrap();
    assert_eq!(links["bot_username"], "paygate_sandbox_bot");
    links["tiers"][0]["url"].as_str().unwrap().to_owned()
}

/// `user` buys the gold tier from its deep link and pays in full; returns the invite link they get.
async fn buy_gold(world: &World, user: i64) -> String {
    world.open(user, &gold_link(world).await).await;
    world.press(user, "pay:").await;
    let checkout = world.url_button(user, |u| u.contains("/sandbox/checkout/")).await;
    world.pay(&checkout).await;
    world.url_button(user, |u| u.starts_with("https://t.me/+")).await
}

#[tokio::test]
async fn a_subscriber_buys_through_the_sandbox_telegram_joins_and_a_second_person_cannot_use_the_invite() {
    let world = World::start().await;
    let sam = world.telegram.create_user("Sam", Some("sam_subscriber")).await.unwrap();
    let eve = world.telegram.create_user("Eve", None).await.unwrap();

    let invite = buy_gold(&world, sam.id).await;
    let dm = world.last_bot_message(sam.id).await.unwrap();
    assert!(dm.text.contains("Alpha VIP"), "{}", dm.text);
    // The owner is told in their sandbox Telegram.
    eventually("the owner's payment notification", || async {
        let messages = world.bot_messages(world.owner_tg).await;
        messages.iter().any(|m| m.text.contains("$5.00")).then_some(())
    })
    .await;

    // Join requests (the default): the payer is approved, anyone else using the same link is declined.
    assert!(matches!(world.open(sam.id, &invite).await, LinkOutcome::Requested { .. }));
    eventually("Sam is a member", || async {
        (world.telegram.member_status_text(world.closed, sam.id).await.unwrap() == "member").then_some(())
    })
    .await;
    assert!(matches!(world.open(eve.id, &invite).await, LinkOutcome::Requested { .. }));
    let requests = world.telegram.join_requests(world.closed).await.unwrap();
    let decided: Vec<(i64, &str)> = requests.iter().map(|r| (r.user_id, r.status.as_str())).collect();
    assert_eq!(decided, vec![(sam.id, "approved"), (eve.id, "declined")]);
    assert_eq!(world.telegram.member_status_text(world.closed, eve.id).await.unwrap(), "left");
    assert_eq!(world.open(sam.id, &invite).await, LinkOutcome::AlreadyMember { chat_id: world.closed });

    // Every button the bot showed fits Telegram's 64 bytes of callback data.
    for user in [sam.id, world.owner_tg] {
        for message in world.bot_messages(user).await {
            for data in callbacks(&message) {
                assert!((1..=64).contains(&data.len()), "{data}");
            }
        }
    }
    assert!(world.app.unfinished_jobs().await.is_empty(), "{:?}", world.app.unfinished_jobs().await);
}

#[tokio::test]
async fn with_single_use_links_the_first_person_joins_and_the_link_is_used_up_for_the_next() {
    let world = World::start_with(Some(|s| s.invite_join_requests = false)).await;
    let sam = world.telegram.create_user("Sam", None).await.unwrap();
    let eve = world.telegram.create_user("Eve", None).await.unwrap();
    let invite = buy_gold(&world, sam.id).await;
    assert_eq!(world.open(sam.id, &invite).await, LinkOutcome::Joined { chat_id: world.closed });
    let refused = world.telegram.open_link(eve.id, &invite).await.unwrap_err();
    assert!(matches!(&refused, ClientError::Refused(why) if why.contains("expired")), "{refused}");
    assert_eq!(world.telegram.member_status_text(world.closed, eve.id).await.unwrap(), "left");
    assert_eq!(world.telegram.member_status_text(world.closed, sam.id).await.unwrap(), "member");
}

#[tokio::test]
async fn offers_are_posted_in_the_open_channel_and_their_buttons_are_deep_links_with_valid_payloads() {
    let world = World::start().await;
    let response = world.app.send_as(Method::POST, &world.owner, &world.channel_path("/offer"), None).await;
    assert!(response.status().is_success(), "{}", response.status());
    let deep_link = world.url_button(world.open, |u| u.contains("?start=")).await;
    let posts = world.telegram.messages(world.open).await.unwrap();
    for url in posts.iter().flat_map(urls) {
        let payload = url.split_once("?start=").unwrap().1;
        assert!(rules::is_start_payload(payload), "{url}");
    }
    // A subscriber follows the post's button to the bot and sees the offer with a pay button.
    let sam = world.telegram.create_user("Sam", None).await.unwrap();
    world.open(sam.id, &deep_link).await;
    let offer = world.last_bot_message(sam.id).await.unwrap();
    assert!(callbacks(&offer).iter().any(|d| d.starts_with("pay:")), "{offer:?}");
}

#[tokio::test]
async fn people_can_only_press_buttons_the_bot_showed_them_and_bad_payloads_start_the_bot_plainly() {
    let world = World::start().await;
    let sam = world.telegram.create_user("Sam", None).await.unwrap();
    world.open(sam.id, &gold_link(&world).await).await;
    let offer = world.last_bot_message(sam.id).await.unwrap();
    // Forged callback data (not on the message) never reaches the bot.
    let forged = world.telegram.press(sam.id, sam.id, offer.message_id, "pay:somebody-elses-offer").await;
    assert!(matches!(forged, Err(ClientError::NotFound(_))));
    // A deep link whose payload breaks Telegram's rules arrives as a bare /start.
    let before = world.bot_messages(sam.id).await.len();
    let outcome = world.open(sam.id, "https://t.me/paygate_sandbox_bot?start=no%20spaces!").await;
    assert!(
        matches!(outcome, LinkOutcome::Started { ref command, .. } if command == "/start"),
        "{outcome:?}"
    );
    assert_eq!(world.bot_messages(sam.id).await.len(), before + 1);
}
