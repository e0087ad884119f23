//! The owner's Telegram in the sandbox, with the same use cases the real-bot tests cover: `/link` with
//! a one-time code from the dashboard links the account, a code works once (not for someone else), and
//! the linked owner is told about a payment in their sandbox chat.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failing test should fail loudly

use paygate_test_support::sandbox_world::{SandboxWorld as World, eventually};
use reqwest::Method;
use serde_json::Value;

async fn linked_telegram_id(world: &World) -> Option<i64> {
    sqlx::query_scalar("SELECT telegram_user_id FROM users WHERE username = 'olga'")
        .fetch_one(&world.app.pool)
        .await
        .unwrap()
}

async fn link_code(world: &World) -> String {
    let response = world.app.send_as(Method::POST, &world.owner, "/api/v1/account/telegram-link", None).await;
    assert_eq!(response.status(), 201);
    response.json::<Value>().await.unwrap()["code"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn an_owner_links_with_a_one_time_code_in_the_sandbox_and_is_told_about_payments_there() {
    // The world's owner sent `/link <code>` in the sandbox and the bot answered "Linked".
    let world = World::start().await;
    assert_eq!(linked_telegram_id(&world).await, Some(world.owner_tg));

    // A code works once: someone else sending a used code is refused and links nothing.
    let code = link_code(&world).await;
    world.say(world.owner_tg, &format!("/link {code}")).await;
    assert!(world.last_bot_message(world.owner_tg).await.unwrap().text.contains("Linked"));
    let mallory = world.telegram.create_user("Mallory", None).await.unwrap().id;
    world.say(mallory, &format!("/link {code}")).await;
    let refused = world.last_bot_message(mallory).await.unwrap();
    assert!(refused.text.contains("invalid"), "{}", refused.text);
    assert_eq!(linked_telegram_id(&world).await, Some(world.owner_tg));

    // A subscriber pays: the owner hears of it in their own sandbox chat, Mallory does not.
    let sam = world.telegram.create_user("Sam", None).await.unwrap().id;
    let links: Value =
        world.app.get_as(&world.owner, &world.channel_path("/links")).await.json().await.unwrap();
    world.open(sam, links["tiers"][0]["url"].as_str().unwrap()).await;
    world.press(sam, "pay:").await;
    world.pay(&world.url_button(sam, |u| u.contains("/sandbox/checkout/")).await).await;
    let told = eventually("the owner's payment notification", || async {
        world.bot_messages(world.owner_tg).await.into_iter().find(|m| m.text.contains("$5.00"))
    })
    .await;
    assert!(told.text.contains("💰"), "{}", told.text);
    assert!(world.bot_messages(mallory).await.iter().all(|m| !m.text.contains("$5.00")));
}
