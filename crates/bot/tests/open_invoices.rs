//! A subscriber's open invoices are reused and capped, and one user's updates are handled in order in
//! polling mode while other users are served at the same time.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failing test should fail loudly

mod support;

use std::time::{Duration, Instant};

use paygate_app::subscribers::invoicing::MAX_OPEN_INVOICES;
use paygate_test_support::fake_telegram::FakeTelegram;
use support::{World, eventually, urls};

/// The URL buttons of every message `user` received.
fn pay_urls(world: &World, user: i64) -> Vec<String> {
    world.telegram.messages_to(user).iter().flat_map(|m| urls(&m.reply_markup)).collect()
}

#[tokio::test]
async fn pressing_pay_again_answers_with_the_open_invoice_instead_of_creating_another() {
    let world = World::start().await;
    let user = 9701;
    let order = world.buy(user, 'g').await;
    let first = pay_urls(&world, user);
    assert_eq!(first.len(), 1, "{first:?}");

    let before = world.telegram.messages_to(user).len();
    world.press(user, &format!("pay:{}", world.payload('g')));
    world.messages_to(user, before + 1).await;
    assert_eq!(world.nowpayments.invoices().len(), 1, "a second invoice was created at the provider");
    assert_eq!(pay_urls(&world, user), vec![first[0].clone(), first[0].clone()]);
    assert_eq!(world.count("SELECT count(*) FROM invoices").await, 1);

    // Another tier is another offer: its own invoice.
    world.buy(user, 's').await;
    assert_eq!(world.nowpayments.invoices().len(), 2);

    // An invoice past its expiry is never handed out again.
    sqlx::query("UPDATE invoices SET expires_at = now() - interval '1 second' WHERE id = $1::uuid")
        .bind(&order)
        .execute(&world.app.pool)
        .await
        .unwrap();
    world.buy(user, 'g').await;
    assert_eq!(world.nowpayments.invoices().len(), 3);
}

#[tokio::test]
async fn a_subscriber_with_too_many_open_invoices_is_asked_to_pay_one_first() {
    let world = World::start().await;
    let user = 9702;
    world.buy(user, 's').await;
    // More open invoices of the same subscriber (e.g. donations in other channels), up to the cap.
    let open = i64::try_from(MAX_OPEN_INVOICES).unwrap() - 1;
    sqlx::query(
        "INSERT INTO invoices (id, channel_id, telegram_user_id, kind, price_usd, provider, provider_invoice_id,
                               invoice_url, status, expires_at)
         SELECT gen_random_uuid(), channel_id, telegram_user_id, 'donation', 3, provider, 'd' || n,
                'https://nowpayments.test/d' || n, 'waiting', now() + interval '1 day'
         FROM invoices, generate_series(1, $1) AS n",
    )
    .bind(open)
    .execute(&world.app.pool)
    .await
    .unwrap();

    let before = world.telegram.messages_to(user).len();
    world.say(user, &format!("/start {}", world.payload('g')));
    world.messages_to(user, before + 1).await;
    world.press(user, &format!("pay:{}", world.payload('g')));
    let refusal = world.messages_to(user, before + 2).await.pop().unwrap();

    assert!(refusal.text.contains("unpaid invoices"), "{}", refusal.text);
    assert_eq!(world.nowpayments.invoices().len(), 1, "no invoice beyond the cap");
}

#[tokio::test]
async fn one_users_updates_are_handled_in_order_while_other_users_are_served() {
    let world = World::start().await;
    let (slow, other) = (9703, 9704);
    // Show the offer first, so the pay press below is the only pending work of `slow`.
    let before = world.telegram.messages_to(slow).len();
    world.say(slow, &format!("/start {}", world.payload('g')));
    world.messages_to(slow, before + 1).await;
    world.nowpayments.hold_invoices();

    world.telegram.push_updates([
        FakeTelegram::callback_update(slow, &format!("pay:{}", world.payload('g')), 1),
        FakeTelegram::text_message_update(slow, "slow", "/help"),
        FakeTelegram::text_message_update(other, "other", "/help"),
    ]);
    // Another user is answered while the first user's invoice is still being created.
    world.messages_to(other, 1).await;
    eventually("the held invoice request", || (world.nowpayments.held_invoice_requests() == 1).then_some(()))
        .await;
    // Give a concurrent handler every chance to answer `slow`'s /help before the invoice exists.
    let deadline = Instant::now() + Duration::from_secs(5);
    while world.telegram.messages_to(slow).len() == before + 1 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    world.nowpayments.release_invoices();

    let replies = world.messages_to(slow, before + 3).await;
    let invoice = replies.iter().position(|m| m.text.contains("Your invoice")).expect("the invoice reply");
    let help = replies.iter().rposition(|m| !m.text.contains("Your invoice")).unwrap();
    assert!(invoice < help, "the /help sent after the pay press was answered first: {replies:#?}");
}

#[tokio::test]
async fn a_pay_request_while_the_same_invoice_is_being_created_waits_for_it_instead_of_creating_another() {
    use paygate_app::{
        AppError,
        subscribers::invoicing::{self, Choice},
    };
    use paygate_domain::{channel::TierLevel, ids::ChannelId};

    let world = World::start().await;
    let user = 9705;
    world.say(user, &format!("/start {}", world.payload('g')));
    world.messages_to(user, 1).await;
    let channel = ChannelId::from_uuid(world.channel["id"].as_str().unwrap().parse().unwrap());
    world.nowpayments.hold_invoices();

    let app = world.app.app.clone();
    let first =
        tokio::spawn(
            async move { invoicing::create(&app, user, channel, Choice::Tier(TierLevel::Gold)).await },
        );
    eventually("the held invoice request", || (world.nowpayments.held_invoice_requests() == 1).then_some(()))
        .await;
    let second = invoicing::create(&world.app.app, user, channel, Choice::Tier(TierLevel::Gold)).await;
    assert!(matches!(&second, Err(AppError::Conflict { code: "invoice_pending", .. })), "{second:?}");

    world.nowpayments.release_invoices();
    let first = first.await.unwrap().unwrap();
    let third =
        invoicing::create(&world.app.app, user, channel, Choice::Tier(TierLevel::Gold)).await.unwrap();
    assert_eq!((third.id, third.url), (first.id, first.url));
    assert_eq!(world.nowpayments.invoices().len(), 1);
}
