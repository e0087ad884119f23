//! Proof of control (SPEC §3.2): only an owner whose linked Telegram account administers both chats
//! gets a ready channel; hijacked chat ids never sell, never block the real administrator, and
//! readiness tells a stranger nothing about a chat.

use paygate_test_support::fake_telegram::DEFAULT_BOT_ID;

use super::{
    readiness::{ALICE_TG, administering_owner, app_with, check},
    *,
};

const MALLORY_TG: i64 = 6_660_001;
/// Chats where the bot is nowhere, and chats where it is only a member.
const NOWHERE: (i64, i64) = (-1003000000001, -1003000000002);
const MEMBER_ONLY: (i64, i64) = (-1003000000003, -1003000000004);
/// Mallory's own chats, which she does administer.
const MALLORYS: (i64, i64) = (-1003000000005, -1003000000006);

/// A fake where the bot is a fully privileged administrator of the spec chats and Mallory's own.
async fn fake_with_bot() -> FakeTelegram {
    let fake = FakeTelegram::start("4242:control").await;
    for chat in [OPEN, CLOSED, MALLORYS.0, MALLORYS.1] {
        fake.bot_is_admin(chat, true, true, true);
    }
    fake.bot_is_member(MEMBER_ONLY.0);
    fake.bot_is_member(MEMBER_ONLY.1);
    fake
}

/// How many times the bot asked Telegram about its own rights.
fn bot_rights_asked(fake: &FakeTelegram) -> usize {
    fake.calls()
        .iter()
        .filter(|(method, params)| {
            method == "getChatMember" && params["user_id"].as_i64() == Some(DEFAULT_BOT_ID)
        })
        .count()
}

/// A readiness answer without its timestamp, to compare answers about different chats.
fn answer(readiness: &Value) -> Value {
    let mut readiness = readiness.clone();
    readiness.as_object_mut().unwrap().remove("checked_at");
    readiness
}

fn first_missing(channel: &Value) -> String {
    channel["readiness"]["missing"][0].as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn a_hijacker_registering_someone_elses_chats_is_never_ready_and_learns_nothing_about_them() {
    let fake = fake_with_bot().await;
    let app = app_with(&fake).await;
    fake.user_is_admin(OPEN, ALICE_TG);
    fake.user_is_creator(CLOSED, ALICE_TG);
    let mallory = app.owner_token("mallory").await;
    app.link_telegram("mallory", MALLORY_TG).await;
    let eve = app.owner_token("eve").await; // not even linked

    for (token, name) in [(&mallory, "mallory"), (&eve, "eve")] {
        let asked_before = bot_rights_asked(&fake);
        let hijacked = created(&app, token, &spec_body()).await;
        assert_eq!(hijacked["readiness"]["ready"], false, "{name}: {hijacked}");
        assert!(hijacked["control"]["proven_at"].is_null());
        let missing = hijacked["readiness"]["missing"].as_array().unwrap();
        assert_eq!(missing.len(), 1, "{name}: {missing:?}");
        assert!(first_missing(&hijacked).starts_with("prove you administer these chats"), "{missing:?}");
        assert!(first_missing(&hijacked).contains("/link"), "{missing:?}");
        let again = check(&app, token, &hijacked).await;
        assert_eq!(again["ready"], false);

        // The same answer whether the bot administers the chats, is only a member, or is not there.
        let nowhere = created(&app, token, &body_with_ids(NOWHERE.0, NOWHERE.1)).await;
        let member_only = created(&app, token, &body_with_ids(MEMBER_ONLY.0, MEMBER_ONLY.1)).await;
        for other in [&nowhere, &member_only] {
            assert_eq!(answer(&other["readiness"]), answer(&hijacked["readiness"]), "{name}");
        }
        assert_eq!(answer(&check(&app, token, &nowhere).await), answer(&again), "{name}");
        assert_eq!(bot_rights_asked(&fake), asked_before, "{name}: the bot's rights were looked up");
    }
}

#[tokio::test]
async fn a_hijacker_cannot_sell_or_post_for_someone_elses_chats() {
    let fake = fake_with_bot().await;
    let app = app_with(&fake).await;
    let mallory = app.owner_token("mallory").await;
    app.link_telegram("mallory", MALLORY_TG).await;
    let hijacked = created(&app, &mallory, &spec_body()).await;
    let posted = app.send_as(Method::POST, &mallory, &path_of(&hijacked, "/offer"), None).await;
    assert_eq!(posted.status(), 409);
    assert_eq!(error_code(posted).await, "channel_not_ready");
    let id = uuid::Uuid::parse_str(hijacked["id"].as_str().unwrap()).unwrap();
    let channel = paygate_domain::ids::ChannelId::from_uuid(id);
    let choice = paygate_app::subscribers::invoicing::Choice::Tier(TierLevel::Gold);
    let invoice = paygate_app::subscribers::invoicing::create(&app.app, 77_001, channel, choice).await;
    assert!(
        matches!(invoice, Err(paygate_app::AppError::Conflict { code: "channel_not_ready", .. })),
        "{invoice:?}"
    );
    let invoices: i64 =
        sqlx::query_scalar("SELECT count(*) FROM invoices").fetch_one(&app.pool).await.unwrap();
    assert_eq!(invoices, 0);
    assert!(fake.messages_to(OPEN).is_empty(), "an offer was posted in the hijacked chat");
}

#[tokio::test]
async fn the_real_administrator_registers_the_same_chats_after_a_hijacker_and_the_hijacker_is_detached() {
    let fake = fake_with_bot().await;
    let app = app_with(&fake).await;
    let mallory = app.owner_token("mallory").await;
    app.link_telegram("mallory", MALLORY_TG).await;
    let hijacked = created(&app, &mallory, &spec_body()).await;

    let alice = administering_owner(&app, &fake, "alice", ALICE_TG).await;
    let real = created(&app, &alice, &spec_body()).await;
    assert_eq!(real["readiness"]["ready"], true, "{real}");
    assert!(real["control"]["proven_at"].is_string());

    let detached = json_of(app.get_as(&mallory, &path_of(&hijacked, "")).await).await;
    assert_eq!(detached["readiness"]["ready"], false);
    assert!(detached["control"]["detached_at"].is_string(), "{detached}");
    assert!(first_missing(&detached).starts_with("detached"), "{detached}");
    assert!(check(&app, &mallory, &hijacked).await["missing"][0].as_str().unwrap().starts_with("detached"));
    // The proven channel now holds the chats: nobody registers them again.
    for token in [&mallory, &alice, &app.owner_token("trent").await] {
        let response = create(&app, token, &spec_body()).await;
        assert_eq!(response.status(), 409);
        assert_eq!(error_code(response).await, "channel_id_taken");
    }
    // Moving the detached channel to chats of its own undoes the detachment.
    let patch = json!({"open_channel_id": NOWHERE.0, "closed_channel_id": NOWHERE.1});
    let moved = app.send_as(Method::PATCH, &mallory, &path_of(&hijacked, ""), Some(&patch)).await;
    let moved = json_of(moved).await;
    assert!(moved["control"]["detached_at"].is_null(), "{moved}");
    assert!(first_missing(&moved).starts_with("prove you administer these chats"), "{moved}");
    assert_eq!(check(&app, &alice, &real).await["ready"], true);
}

#[tokio::test]
async fn an_owner_who_is_no_longer_an_administrator_is_not_ready_at_the_next_check() {
    let fake = fake_with_bot().await;
    let app = app_with(&fake).await;
    let alice = administering_owner(&app, &fake, "alice", ALICE_TG).await;
    let channel = created(&app, &alice, &spec_body()).await;
    assert_eq!(channel["readiness"]["ready"], true);

    fake.set_member(CLOSED, ALICE_TG, json!({"status": "member"}));
    let readiness = check(&app, &alice, &channel).await;
    assert_eq!(readiness["ready"], false);
    assert_eq!(readiness["missing"].as_array().unwrap().len(), 1, "{readiness}");
    assert!(readiness["missing"][0].as_str().unwrap().starts_with("prove you administer these chats"));
    let read = json_of(app.get_as(&alice, &path_of(&channel, "")).await).await;
    assert!(read["control"]["proven_at"].is_null(), "{read}");
    let told: i64 = sqlx::query_scalar("SELECT count(*) FROM jobs WHERE kind = 'owner.notify'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(told, 1, "the owner is told the channel stopped selling");

    // The chats are free again for an administrator who can prove it.
    let bob = administering_owner(&app, &fake, "bob", 5_200_002).await;
    assert_eq!(created(&app, &bob, &spec_body()).await["readiness"]["ready"], true);
    fake.user_is_creator(CLOSED, ALICE_TG);
    assert!(check(&app, &alice, &channel).await["missing"][0].as_str().unwrap().starts_with("detached"));
}

#[tokio::test]
async fn moving_a_ready_channel_onto_chats_its_owner_does_not_administer_makes_it_not_ready() {
    let fake = fake_with_bot().await;
    let app = app_with(&fake).await;
    let mallory = app.owner_token("mallory").await;
    app.link_telegram("mallory", MALLORY_TG).await;
    fake.user_is_creator(MALLORYS.0, MALLORY_TG);
    fake.user_is_creator(MALLORYS.1, MALLORY_TG);
    let own = created(&app, &mallory, &body_with_ids(MALLORYS.0, MALLORYS.1)).await;
    assert_eq!(own["readiness"]["ready"], true, "{own}");

    let patch = json!({"open_channel_id": OPEN, "closed_channel_id": CLOSED});
    let moved = app.send_as(Method::PATCH, &mallory, &path_of(&own, ""), Some(&patch)).await;
    assert_eq!(moved.status(), 200);
    let moved = json_of(moved).await;
    assert_eq!(moved["readiness"]["ready"], false, "{moved}");
    assert!(moved["control"]["proven_at"].is_null());
    assert!(first_missing(&moved).starts_with("prove you administer these chats"), "{moved}");
}

#[tokio::test]
async fn linking_another_telegram_account_drops_proofs_the_previous_one_made() {
    let fake = fake_with_bot().await;
    let app = app_with(&fake).await;
    let alice = administering_owner(&app, &fake, "alice", ALICE_TG).await;
    let channel = created(&app, &alice, &spec_body()).await;
    assert_eq!(channel["readiness"]["ready"], true);

    let user: uuid::Uuid = sqlx::query_scalar("SELECT id FROM users WHERE username = 'alice'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let user = paygate_domain::ids::UserId::from_uuid(user);
    let code = paygate_app::owners::link::create_code(&app.app, user).await.unwrap();
    paygate_app::owners::link::link(&app.app, ALICE_TG + 1, &code.code).await.unwrap();
    let read = json_of(app.get_as(&alice, &path_of(&channel, "")).await).await;
    assert_eq!(read["readiness"]["ready"], false, "{read}");
    assert!(read["control"]["proven_at"].is_null());

    // Linking the administering account again proves control again, without another click.
    let code = paygate_app::owners::link::create_code(&app.app, user).await.unwrap();
    paygate_app::owners::link::link(&app.app, ALICE_TG, &code.code).await.unwrap();
    let read = json_of(app.get_as(&alice, &path_of(&channel, "")).await).await;
    assert_eq!(read["readiness"]["ready"], true, "{read}");
}
