//! The purchase loop end to end: bot update → offer → invoice → signed IPN → one invite, one DM.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failing test should fail loudly

mod support;

use std::time::Duration;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use support::{CLOSED, World, eventually, until, urls};

#[tokio::test]
async fn a_full_purchase_grants_one_invite_and_one_message_with_the_right_expiry() {
    let world = World::start().await;
    let user = 5001;
    let order = world.buy(user, 'g').await;

    let invoice = &world.nowpayments.invoices()[0];
    assert_eq!(invoice["price_amount"].to_string().parse::<Decimal>().unwrap(), Decimal::new(500, 2));
    assert_eq!(invoice["price_currency"], "usd");
    assert_eq!(invoice["order_id"], order.as_str());
    assert!(invoice["ipn_callback_url"].as_str().unwrap().ends_with("/webhooks/nowpayments"));
    let pay_message = world.telegram.messages_to(user).pop().unwrap();
    assert!(urls(&pay_message.reply_markup).iter().any(|u| u.starts_with("https://nowpayments.test/")));

    let before = world.telegram.messages_to(user).len();
    assert_eq!(world.ipn(&order, "9001", "finished", "5.00", "0.0015").await.status(), 200);
    let messages = world.messages_to(user, before + 1).await;
    let links = eventually("one invite link", || {
        let links = world.telegram.invite_links();
        (!links.is_empty()).then_some(links)
    })
    .await;
    tokio::time::sleep(Duration::from_millis(1500)).await; // room for a wrong second link or message
    assert_eq!(world.telegram.invite_links().len(), 1);
    assert_eq!(world.telegram.messages_to(user).len(), before + 1, "exactly one message for the payment");
    let link = links[0]["invite_link"].as_str().unwrap();
    assert_eq!(links[0]["chat_id"], CLOSED);
    assert_eq!(links[0]["creates_join_request"], true);
    let dm = messages.last().unwrap();
    assert!(urls(&dm.reply_markup).contains(&link.to_owned()), "{:?}", dm.reply_markup);
    assert!(dm.text.contains("Alpha VIP"));

    let expires: DateTime<Utc> =
        sqlx::query_scalar("SELECT expires_at FROM subscriptions WHERE telegram_user_id = $1")
            .bind(user)
            .fetch_one(&world.app.pool)
            .await
            .unwrap();
    let expected = Utc::now() + chrono::Duration::days(30);
    assert!((expires - expected).num_seconds().abs() < 60, "{expires}");
    let (share, fee): (Decimal, Decimal) =
        sqlx::query_as("SELECT owner_share, platform_fee FROM payments WHERE provider_payment_id = '9001'")
            .fetch_one(&world.app.pool)
            .await
            .unwrap();
    assert_eq!((share, fee), (Decimal::new(1455, 6), Decimal::new(45, 6)));

    // The payer's join request is approved; anyone else using the link is declined.
    world.telegram.push_update(paygate_test_support::fake_telegram::FakeTelegram::join_request_update(
        CLOSED, 7777, link,
    ));
    world.telegram.push_update(paygate_test_support::fake_telegram::FakeTelegram::join_request_update(
        CLOSED, user, link,
    ));
    eventually("both join requests answered", || {
        (world.telegram.approved().len() + world.telegram.declined().len() == 2).then_some(())
    })
    .await;
    assert_eq!(world.telegram.approved(), vec![(CLOSED, user)]);
    assert_eq!(world.telegram.declined(), vec![(CLOSED, 7777)]);
}

#[tokio::test]
async fn two_concurrent_subscribers_never_see_each_others_choices() {
    let world = World::start().await;
    let (alice, bob) = (6001, 6002);
    world.say(alice, &format!("/start {}", world.payload('g')));
    world.say(bob, &format!("/start {}", world.payload('s')));
    world.messages_to(alice, 1).await;
    world.messages_to(bob, 1).await;
    world.press(alice, &format!("pay:{}", world.payload('g')));
    world.press(bob, &format!("pay:{}", world.payload('s')));
    eventually("two invoices", || (world.nowpayments.invoices().len() == 2).then_some(())).await;
    let rows: Vec<(i64, Decimal, i32)> = sqlx::query_as(
        "SELECT telegram_user_id, price_usd, duration_days FROM invoices ORDER BY telegram_user_id",
    )
    .fetch_all(&world.app.pool)
    .await
    .unwrap();
    assert_eq!(rows, vec![(alice, Decimal::new(500, 2), 30), (bob, Decimal::new(1250, 2), 90)]);
    let alice_pay = world.messages_to(alice, 2).await.pop().unwrap();
    let bob_pay = world.messages_to(bob, 2).await.pop().unwrap();
    assert!(alice_pay.text.contains("$5.00") && bob_pay.text.contains("$12.50"));
}

#[tokio::test]
async fn a_channel_that_is_not_ready_and_an_unknown_payload_get_a_clear_message() {
    let world = World::start().await;
    world.say(7001, "/start not-a-payload");
    let reply = world.messages_to(7001, 1).await.pop().unwrap();
    assert!(reply.text.contains("not valid"), "{}", reply.text);
    sqlx::query("UPDATE channels SET readiness = '{\"ready\": false}'")
        .execute(&world.app.pool)
        .await
        .unwrap();
    world.say(7002, &format!("/start {}", world.payload('g')));
    let reply = world.messages_to(7002, 1).await.pop().unwrap();
    assert!(reply.text.contains("not accepting"), "{}", reply.text);
    assert!(world.nowpayments.invoices().is_empty());
}

#[tokio::test]
async fn status_lists_subscriptions_and_a_new_link_revokes_the_old_one() {
    let world = World::start().await;
    let user = 8001;
    let order = world.buy(user, 'g').await;
    world.ipn(&order, "9100", "finished", "5.00", "0.0015").await;
    let first = eventually("first link", || world.telegram.invite_links().first().cloned()).await;
    world.say(user, "/status");
    let status = eventually("status reply", || {
        world.telegram.messages_to(user).into_iter().find(|m| m.text.contains("Your subscriptions"))
    })
    .await;
    let invite_button =
        support::callback_data(&status.reply_markup).into_iter().find(|d| d.starts_with("invite:")).unwrap();
    world.press(user, &invite_button);
    eventually("second link", || (world.telegram.invite_links().len() == 2).then_some(())).await;
    eventually("old link revoked", || {
        world
            .telegram
            .calls()
            .iter()
            .any(|(method, params)| {
                method == "revokeChatInviteLink" && params["invite_link"] == first["invite_link"]
            })
            .then_some(())
    })
    .await;
}

#[tokio::test]
async fn a_provider_outage_at_invoice_time_is_explained_and_the_next_try_works() {
    let world = World::start().await;
    let user = 8101;
    world.say(user, &format!("/start {}", world.payload('g')));
    world.messages_to(user, 1).await;
    world.nowpayments.fail_next("invoice", 1, 503);
    world.press(user, &format!("pay:{}", world.payload('g')));
    let reply = world.messages_to(user, 2).await.pop().unwrap();
    assert!(reply.text.contains("not reachable"), "{}", reply.text);
    let failed: String =
        sqlx::query_scalar("SELECT status FROM invoices").fetch_one(&world.app.pool).await.unwrap();
    assert_eq!(failed, "failed");
    world.press(user, &format!("pay:{}", world.payload('g')));
    let pay = world.messages_to(user, 3).await.pop().unwrap();
    assert!(
        urls(&pay.reply_markup).iter().any(|u| u.starts_with("https://nowpayments.test/")),
        "{:?}",
        pay.reply_markup
    );
}

/// An invite job waits for its Telegram send slot with no transaction open: holding one (with the
/// invite's lock) while waiting starved the connection pool once as many invites ran at once as the
/// pool had connections. Telegram paused (a 429's retry_after): the invite waits, its row stays free.
#[tokio::test]
async fn an_invite_waiting_for_its_send_slot_holds_no_lock_and_is_issued_once_after_the_pause() {
    let world = World::start().await;
    let user = 5101;
    let order = world.buy(user, 'g').await;
    paygate_telegram::pacer::back_off(&world.app.pool, Duration::from_secs(8)).await.unwrap();
    world.ipn(&order, "slot-1", "finished", "5.00", "0.0015").await;
    until("the invite job waiting for its slot", || async {
        (world.count("SELECT count(*) FROM jobs WHERE kind = 'invite.issue' AND state = 'running'").await
            == 1)
            .then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    let mut tx = world.app.pool.begin().await.unwrap();
    let locked: Result<Vec<uuid::Uuid>, sqlx::Error> =
        sqlx::query_scalar("SELECT id FROM invites FOR UPDATE NOWAIT").fetch_all(&mut *tx).await;
    let locked = locked.expect("the invite row is free while its job waits for Telegram");
    assert_eq!(locked.len(), 1);
    tx.rollback().await.unwrap();

    until("the invite issued after the pause", || async {
        (world.count("SELECT count(*) FROM invites WHERE status = 'issued'").await == 1).then_some(())
    })
    .await;
    assert_eq!(world.telegram.invite_links().len(), 1, "one link, not one per attempt");
}
