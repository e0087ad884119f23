//! The scripted story of `paygate demo`: an owner, two channels, subscribers who buy, renew, donate
//! and underpay, invites and joins, an expiry, payouts, and checks of each step against the database.

use anyhow::{Context, ensure};
use chrono::{DateTime, Utc};
use paygate_sandbox::telegram::LinkOutcome;
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

use super::{driver::Driver, narrate::Narrator, scenes};

/// Tells the whole story; the first failing step ends it with that step's error.
pub async fn tell(d: &mut Driver, n: &mut Narrator) -> anyhow::Result<()> {
    let (token, owner) = n
        .step("👤", "Olga signs up as a channel owner", async {
            let (username, email) = (d.tagged("olga"), format!("{}@example.org", d.tagged("olga")));
            let body = json!({"username": username, "email": email, "password": "paygate-demo-7f3k"});
            let session = d.api(Method::POST, "/api/v1/auth/signup", Some(&body)).await?;
            let token = session["access_token"].as_str().context("no access token")?.to_owned();
            let id = session["user"]["id"].as_str().context("no user id")?.to_owned();
            ensure!(
                d.scalar("SELECT username FROM users WHERE id = $1", id.parse()?).await?.is_some(),
                "the platform at {} keeps its data in another database than the one this demo checks \
                 (give the demo the same PAYGATE_DATA_DIR or PAYGATE_DATABASE_URL)",
                d.base
            );
            Ok(((token, id.clone()), format!("user {id} ({username})")))
        })
        .await?;
    d.token = token;
    let (olga, chats) = n
        .step("📱", "Olga's Telegram: her open and closed channels Alpha and Beta", async {
            let olga = d.telegram.create_user("Olga", Some(&d.tagged("olga_owner"))).await?;
            let (alpha_open, alpha_closed) = d.telegram.create_channels(olga.id, "Alpha").await?;
            let (beta_open, beta_closed) = d.telegram.create_channels(olga.id, "Beta").await?;
            let chats = [alpha_open, alpha_closed, beta_open, beta_closed];
            let ids = chats.each_ref().map(|chat| chat.id);
            Ok((
                (olga.id, chats),
                format!("Telegram user {}; chats {ids:?}, the bot administers all", olga.id),
            ))
        })
        .await?;
    n.step("🔗", "Olga links her Telegram account with /link", async {
        let code = d.api(Method::POST, "/api/v1/account/telegram-link", None).await?;
        let code = code["code"].as_str().context("no code")?;
        d.say(olga, &format!("/link {code}")).await?;
        let reply = d.telegram.messages(olga).await?.pop().context("no reply")?;
        ensure!(reply.text.contains("Linked"), "the bot answered: {}", reply.text);
        Ok(((), format!("code {code} → linked to {owner}")))
    })
    .await?;
    let channels = n
        .step("📝", "Olga registers Alpha (instant, XMR) and Beta (threshold $50, USDT-TRX)", async {
            let channels = scenes::register(d, &chats, olga).await?;
            let detail = format!("Alpha {}, Beta {}: both ready", channels.alpha, channels.beta);
            Ok((channels, detail))
        })
        .await?;
    let post_link = n
        .step("📣", "The bot posts Alpha's offer in its open channel", async {
            d.api(Method::POST, &format!("/api/v1/channels/{}/offer", channels.alpha), None).await?;
            let link = d.url_button(channels.alpha_open, |u| u.contains("?start=")).await?;
            Ok((link.clone(), format!("post with deep link {link}")))
        })
        .await?;
    let sam = d.telegram.create_user("Sam", Some(&d.tagged("sam_subscriber"))).await?.id;
    let first = n
        .step("🛒", "Sam buys Alpha 🥇 ($25 for 30 days) from the post", async {
            let (invoice, payment) =
                scenes::buy(d, sam, &post_link, |data| data.starts_with("pay:"), "pay").await?;
            Ok((payment, format!("invoice {invoice}, payment {payment}")))
        })
        .await?;
    let invite = n
        .step("🎟️", "Sam gets his invite, asks to join, the bot approves", async {
            let invite = d.url_button(sam, |u| u.starts_with("https://t.me/+")).await?;
            let outcome = d.open(sam, &invite).await?;
            ensure!(
                matches!(outcome, LinkOutcome::Requested { .. }),
                "no join request but {outcome:?} (the story needs PAYGATE_INVITE_MODE=join_request)"
            );
            scenes::member_status(d, channels.alpha_closed, sam, "member").await?;
            Ok((invite.clone(), format!("{invite}: Sam is a member of Alpha VIP")))
        })
        .await?;
    n.step("🚫", "Eve tries Sam's invite: the bot declines her", async {
        let eve = d.telegram.create_user("Eve", None).await?.id;
        d.open(eve, &invite).await?;
        let requests = d.telegram.join_requests(channels.alpha_closed).await?;
        let eve_request = requests.iter().find(|r| r.user_id == eve).context("no request from Eve")?;
        ensure!(eve_request.status == "declined", "Eve's request is {}", eve_request.status);
        scenes::member_status(d, channels.alpha_closed, eve, "left").await?;
        Ok(((), format!("Eve ({eve}) declined, not a member")))
    })
    .await?;
    let renewal = n
        .step("🔁", "Sam renews from /status: his remaining days are kept", async {
            let before = expiry(d, sam).await?;
            d.say(sam, "/status").await?;
            d.press(sam, |data| data.starts_with("renew:")).await?;
            let (_, payment) = scenes::pay_offer(d, sam, |data| data.starts_with("pay:"), "pay").await?;
            let after = d
                .eventually("the extended expiry", || async {
                    let now = expiry(d, sam).await?;
                    Ok((now > before + chrono::Duration::days(29)).then_some(now))
                })
                .await?;
            Ok((payment, format!("payment {payment}; expiry {before} → {after}")))
        })
        .await?;
    n.step("💝", "Dana donates $25 to Alpha: paid, no access", async {
        let links = d.api(Method::GET, &format!("/api/v1/channels/{}/links", channels.alpha), None).await?;
        let link = links["donation"]["url"].as_str().context("no donation link")?;
        let dana = d.telegram.create_user("Dana", None).await?.id;
        let (_, payment) =
            scenes::buy(d, dana, link, |data| data.starts_with("donate:") && data.ends_with(":25"), "pay")
                .await?;
        ensure!(subscriptions(d, dana).await? == 0, "a donation created a subscription");
        Ok(((), format!("payment {payment}, no subscription")))
    })
    .await?;
    n.step("⚠️", "Uma underpays Beta 🥇 ($60): no access, the bot explains", async {
        let uma = d.telegram.create_user("Uma", None).await?.id;
        let link = tier_link(d, channels.beta).await?;
        let (invoice, _) = scenes::buy(d, uma, &link, |data| data.starts_with("pay:"), "underpay").await?;
        let explained = d
            .eventually("the shortfall message", || async {
                Ok(d.telegram.messages(uma).await?.into_iter().find(|m| m.text.contains("arrived short")))
            })
            .await?;
        ensure!(subscriptions(d, uma).await? == 0, "an underpayment granted access");
        Ok(((), format!("invoice {invoice} underpaid; told: {}", first_line(&explained.text))))
    })
    .await?;
    let bea = d.telegram.create_user("Bea", None).await?.id;
    let beta_payment = n
        .step("🛒", "Bea buys Beta 🥇 ($60 for 30 days) and joins", async {
            let link = tier_link(d, channels.beta).await?;
            let (_, payment) = scenes::buy(d, bea, &link, |data| data.starts_with("pay:"), "pay").await?;
            let invite = d.url_button(bea, |u| u.starts_with("https://t.me/+")).await?;
            d.open(bea, &invite).await?;
            scenes::member_status(d, channels.beta_closed, bea, "member").await?;
            Ok((payment, format!("payment {payment}; Bea is a member of Beta VIP")))
        })
        .await?;
    n.step("⏰", "Bea's subscription expires (sandbox time moved on): she is removed", async {
        scenes::expire_now(d, bea).await?;
        scenes::member_status(d, channels.beta_closed, bea, "left").await?;
        let told = d
            .eventually("the expiry message", || async {
                let messages = d.telegram.messages(bea).await?;
                Ok(messages
                    .into_iter()
                    .rev()
                    .find(|m| super::driver::callbacks(m).iter().any(|c| c.starts_with("renew:"))))
            })
            .await?;
        Ok(((), format!("banned then unbanned (free to rejoin); told: {}", first_line(&told.text))))
    })
    .await?;
    n.step("💸", "Alpha's instant payouts complete through the sandbox swap and wallet", async {
        let mut done = Vec::new();
        for payment in [first, renewal] {
            done.push(scenes::paid_out(d, payment).await?);
        }
        Ok(((), done.join("; ")))
    })
    .await?;
    n.step("🪙", "Beta's payment is held toward its $50 threshold", async {
        let status = d
            .eventually("Beta's payment routed", || async {
                let status =
                    d.scalar("SELECT payout_status FROM payments WHERE id = $1", beta_payment).await?;
                Ok(status.filter(|s| s != "awaiting_payout"))
            })
            .await?;
        ensure!(status == "accumulated", "Beta's payment is {status}");
        Ok(((), format!("payment {beta_payment} accumulated")))
    })
    .await?;
    n.step("🔄", "Pending payments are converted to USDT in one exchange", async {
        scenes::convert(d, beta_payment).await
    })
    .await?;
    n.step("🏦", "Beta crossed its $50 threshold: one batch pays the owner in USDT-TRX", async {
        scenes::batch(d, channels.beta, beta_payment).await
    })
    .await?;
    n.step("🧮", "Every owner share is accounted for (conservation)", async {
        scenes::conservation(d, &[channels.alpha, channels.beta]).await
    })
    .await?;
    n.step("📬", "Olga was told about her payments in Telegram", async {
        let told = d
            .telegram
            .messages(olga)
            .await?
            .into_iter()
            .filter(|m| m.from_bot && m.text.contains("$"))
            .count();
        ensure!(told >= 3, "only {told} notifications");
        Ok(((), format!("{told} notifications")))
    })
    .await?;
    Ok(())
}

async fn tier_link(d: &Driver, channel: Uuid) -> anyhow::Result<String> {
    let links: Value = d.api(Method::GET, &format!("/api/v1/channels/{channel}/links"), None).await?;
    Ok(links["tiers"][0]["url"].as_str().context("no tier link")?.to_owned())
}

async fn expiry(d: &Driver, user: i64) -> anyhow::Result<DateTime<Utc>> {
    let at: Option<DateTime<Utc>> =
        sqlx::query_scalar("SELECT max(expires_at) FROM subscriptions WHERE telegram_user_id = $1")
            .bind(user)
            .fetch_one(&d.app.pool)
            .await?;
    at.context("no subscription")
}

async fn subscriptions(d: &Driver, user: i64) -> anyhow::Result<i64> {
    Ok(sqlx::query_scalar("SELECT count(*) FROM subscriptions WHERE telegram_user_id = $1")
        .bind(user)
        .fetch_one(&d.app.pool)
        .await?)
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().chars().take(70).collect()
}
