//! The sandbox chat page `/sandbox/telegram`: only with the sandbox Telegram, forms a browser would
//! post (same origin only), every text escaped, and the whole purchase playable through it.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failing test should fail loudly

use paygate_test_support::{
    TestAppOptions,
    sandbox_world::{SandboxWorld, eventually},
    spawn_app, spawn_app_with,
};
use serde_json::Value;

/// One form of the page: its action and its fields (unescaped).
#[derive(Debug)]
struct PageForm {
    action: String,
    fields: Vec<(String, String)>,
}

impl PageForm {
    fn field(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

/// The value of `attribute="…"` in `tag`.
fn attribute(tag: &str, attribute: &str) -> Option<String> {
    let start = tag.find(&format!("{attribute}=\""))? + attribute.len() + 2;
    let end = tag[start..].find('"')? + start;
    Some(unescape(&tag[start..end]))
}

fn forms(html: &str) -> Vec<PageForm> {
    html.split("<form")
        .skip(1)
        .filter_map(|chunk| {
            let form = &chunk[..chunk.find("</form>")?];
            let action = attribute(&form[..form.find('>')?], "action")?;
            let fields = form
                .split("<input")
                .skip(1)
                .filter_map(|input| {
                    Some((attribute(input, "name")?, attribute(input, "value").unwrap_or_default()))
                })
                .collect();
            Some(PageForm { action, fields })
        })
        .collect()
}

async fn page(world: &SandboxWorld, person: Option<i64>) -> String {
    let path = person.map_or("/sandbox/telegram".to_owned(), |id| format!("/sandbox/telegram?as={id}"));
    let response = world.app.get(&path).await;
    assert_eq!(response.status(), 200);
    response.text().await.unwrap()
}

/// Posts `fields` to `action` like a browser form on the page (same origin); returns the page shown after.
async fn submit(world: &SandboxWorld, action: &str, fields: &[(String, String)]) -> (reqwest::Url, String) {
    let origin = world.app.url("");
    let response = world
        .app
        .http
        .post(world.app.url(action))
        .header("origin", origin.trim_end_matches('/'))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form_body(fields))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{action}");
    let url = response.url().clone();
    (url, response.text().await.unwrap())
}

/// `application/x-www-form-urlencoded`, as a browser sends a form.
fn form_body(fields: &[(String, String)]) -> String {
    let encode = |text: &str| -> String {
        text.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    (b as char).to_string()
                }
                b' ' => "+".to_owned(),
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    fields.iter().map(|(n, v)| format!("{}={}", encode(n), encode(v))).collect::<Vec<_>>().join("&")
}

fn pairs(fields: &[(&str, &str)]) -> Vec<(String, String)> {
    fields.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect()
}

#[tokio::test]
async fn the_page_and_readyz_show_the_sandbox_only_when_it_stands_in_for_telegram() {
    let without = spawn_app().await;
    assert_eq!(without.get("/sandbox/telegram").await.status(), 404);
    let with = spawn_app_with(TestAppOptions { sandbox_telegram: true, ..TestAppOptions::default() }).await;
    assert_eq!(with.get("/sandbox/telegram").await.status(), 200);
    for (app, mode) in [(&without, "disabled"), (&with, "sandbox")] {
        let ready: Value = app.get("/readyz").await.json().await.unwrap();
        let telegram =
            ready["adapters"].as_array().unwrap().iter().find(|a| a["name"] == "telegram").unwrap();
        assert_eq!(telegram["mode"], mode, "{ready}");
    }
}

#[tokio::test]
async fn cross_site_posts_are_refused_and_names_are_escaped() {
    let world = SandboxWorld::start().await;
    let person = pairs(&[("first_name", "<script>alert(1)</script>")]);
    for (header, value) in [("origin", "https://evil.example"), ("sec-fetch-site", "cross-site")] {
        let response = world
            .app
            .http
            .post(world.app.url("/sandbox/telegram/people"))
            .header(header, value)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form_body(&person))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403);
    }
    assert_eq!(world.telegram.users().await.unwrap().len(), 1, "only the owner exists");
    let (url, html) = submit(&world, "/sandbox/telegram/people", &person).await;
    assert!(url.query().unwrap().starts_with("as="), "{url}");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.contains("<script>"));
}

#[tokio::test]
async fn a_subscriber_buys_and_joins_through_the_page_alone() {
    let world = SandboxWorld::start().await;
    let (url, _) = submit(&world, "/sandbox/telegram/people", &pairs(&[("first_name", "Sam")])).await;
    let sam: i64 = url.query().unwrap().trim_start_matches("as=").parse().unwrap();

    // Sam opens the gold tier's deep link (as shared by the owner) from the page.
    let links: Value =
        world.app.get_as(&world.owner, &world.channel_path("/links")).await.json().await.unwrap();
    let deep_link = links["tiers"][0]["url"].as_str().unwrap();
    let me = sam.to_string();
    let (_, html) =
        submit(&world, "/sandbox/telegram/open", &pairs(&[("as", &me), ("url", deep_link)])).await;
    assert!(html.contains("Alpha VIP"), "{html}");

    // Press "Pay" as a browser would: the form the page rendered under the bot's message.
    let pay = forms(&html)
        .into_iter()
        .find(|f| {
            f.action == "/sandbox/telegram/press" && f.field("data").is_some_and(|d| d.starts_with("pay:"))
        })
        .expect("a pay button");
    let (_, html) = submit(&world, &pay.action, &pay.fields).await;
    let checkout = html
        .split("href=\"")
        .skip(1)
        .map(|rest| unescape(&rest[..rest.find('"').unwrap()]))
        .find(|href| href.contains("/sandbox/checkout/"))
        .expect("a checkout link");
    let path = format!("{}/pay", &checkout[checkout.find("/sandbox/").unwrap()..]);
    assert!(world.app.http.post(world.app.url(&path)).send().await.unwrap().status().is_success());

    // The invite arrives in Sam's chat; following it asks to join and the bot approves.
    let join = eventually("the invite button on the page", || async {
        forms(&page(&world, Some(sam)).await).into_iter().find(|f| {
            f.action == "/sandbox/telegram/open"
                && f.field("url").is_some_and(|u| u.starts_with("https://t.me/+"))
        })
    })
    .await;
    submit(&world, &join.action, &join.fields).await;
    eventually("Sam a member of the closed channel", || async {
        (world.telegram.member_status_text(world.closed, sam).await.unwrap() == "member").then_some(())
    })
    .await;
    let html = page(&world, Some(sam)).await;
    let closed = &html[html.find(&format!("data-id=\"{}\"", world.closed)).unwrap()..];
    assert!(closed.contains("<b class=\"status\">member</b>"), "{closed}");
}

#[tokio::test]
async fn sandbox_time_lets_a_members_subscription_expire_and_the_bot_removes_them() {
    let world = SandboxWorld::start().await;
    let sam = world.telegram.create_user("Sam", None).await.unwrap().id;
    let links: Value =
        world.app.get_as(&world.owner, &world.channel_path("/links")).await.json().await.unwrap();
    world.open(sam, links["tiers"][0]["url"].as_str().unwrap()).await;
    world.press(sam, "pay:").await;
    world.pay(&world.url_button(sam, |u| u.contains("/sandbox/checkout/")).await).await;
    world.open(sam, &world.url_button(sam, |u| u.starts_with("https://t.me/+")).await).await;
    eventually("Sam a member", || async {
        (world.telegram.member_status_text(world.closed, sam).await.unwrap() == "member").then_some(())
    })
    .await;
    world.settled().await;

    let (_, html) = submit(&world, "/sandbox/telegram/expire", &pairs(&[("as", &sam.to_string())])).await;
    assert!(html.contains("1 subscription(s) expire now"), "{html}");
    eventually("Sam removed", || async {
        (world.telegram.member_status_text(world.closed, sam).await.unwrap() == "left").then_some(())
    })
    .await;
    let (_, html) = submit(&world, "/sandbox/telegram/expire", &pairs(&[("as", &sam.to_string())])).await;
    assert!(html.contains("No active subscription"), "{html}");
}

#[tokio::test]
async fn the_batch_pass_button_runs_the_threshold_pass_now_and_says_what_it_did() {
    let world = SandboxWorld::start().await;
    let me = world.owner_tg.to_string();
    let button = forms(&page(&world, Some(world.owner_tg)).await)
        .into_iter()
        .find(|f| f.action == "/sandbox/telegram/batch-pass")
        .expect("a batch pass button");
    assert_eq!(button.field("as"), Some(me.as_str()));
    let cross_site = world
        .app
        .http
        .post(world.app.url("/sandbox/telegram/batch-pass"))
        .header("origin", "https://evil.example")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form_body(&button.fields))
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), 403);
    // The world's channel is instant and holds nothing converted: the pass pays nobody, and says so.
    let (_, html) = submit(&world, &button.action, &button.fields).await;
    assert!(html.contains("No channel has reached its threshold yet"), "{html}");
    let batches: i64 = sqlx::query_scalar("SELECT count(*) FROM payouts WHERE purpose = 'batch'")
        .fetch_one(&world.app.pool)
        .await
        .unwrap();
    assert_eq!(batches, 0);
}

#[tokio::test]
async fn a_browsers_same_origin_post_with_a_null_origin_is_accepted_and_other_sites_are_not() {
    let world = SandboxWorld::start().await;
    let post = |headers: &'static [(&'static str, &'static str)], name: &'static str| {
        let mut request = world
            .app
            .http
            .post(world.app.url("/sandbox/telegram/people"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form_body(&pairs(&[("first_name", name)])));
        for (header, value) in headers {
            request = request.header(*header, *value);
        }
        async move { request.send().await.unwrap().status().as_u16() }
    };
    // Chromium under `Referrer-Policy: no-referrer`: `Origin: null`, and where the post came from.
    let browser = &[("origin", "null"), ("sec-fetch-site", "same-origin")];
    assert_eq!(post(browser, "Sam").await, 200);
    for refused in [
        &[("origin", "null")][..],
        &[("origin", "null"), ("sec-fetch-site", "same-site")],
        &[("origin", "null"), ("sec-fetch-site", "cross-site")],
    ] {
        assert_eq!(post(refused, "Mallory").await, 403, "{refused:?}");
    }
    let names: Vec<String> =
        world.telegram.users().await.unwrap().into_iter().map(|u| u.first_name).collect();
    assert!(names.contains(&"Sam".to_owned()) && !names.contains(&"Mallory".to_owned()), "{names:?}");
}
