//! The HTML of the sandbox chat page: people, the chosen person's chat with the bot, the channels.
//! Every text is escaped; the bot's Telegram HTML is re-rendered from its parsed pieces.

use paygate_sandbox::{
    SandboxTelegram,
    telegram::{
        Button, ChatKind, ClientError, SANDBOX_BOT_USERNAME, SandboxMessage, SandboxUser,
        rules::{HtmlPiece, parse_html},
    },
};

use crate::pages::escape;

/// The page body for `person` (none chosen: the people list and the form to add one).
pub(super) async fn render(
    telegram: &SandboxTelegram,
    person: Option<i64>,
    notice: Option<&str>,
) -> Result<String, ClientError> {
    let users = telegram.users().await?;
    let chosen = person.and_then(|id| users.iter().find(|u| u.id == id));
    let mut html = String::from(
        "<p class=\"sandbox\">🧪 Sandbox Telegram — no bot token is configured, so this page plays Telegram. \
         The bot receives what you do here as Telegram updates.</p>",
    );
    if let Some(notice) = notice {
        html.push_str(&format!("<p id=\"notice\"><b>{}</b></p>", escape(notice)));
    }
    html.push_str(&people(&users, chosen));
    if let Some(user) = chosen {
        html.push_str(&chat(telegram, user).await?);
    }
    html.push_str(&channels(telegram, &users, chosen).await?);
    html.push_str("<p id=\"end\"></p>");
    Ok(html)
}

fn people(users: &[SandboxUser], chosen: Option<&SandboxUser>) -> String {
    let list: Vec<String> = users
        .iter()
        .map(|u| {
            let name = escape(&display(u));
            if chosen.is_some_and(|c| c.id == u.id) {
                format!("<b>{name}</b>")
            } else {
                format!("<a href=\"/sandbox/telegram?as={}\">{name}</a>", u.id)
            }
        })
        .collect();
    format!(
        "<h2>People</h2><p>{}</p>\
         <form method=\"post\" action=\"/sandbox/telegram/people\">\
         <input name=\"first_name\" placeholder=\"First name\" required maxlength=\"64\"> \
         <input name=\"username\" placeholder=\"username (optional)\" maxlength=\"32\"> \
         <button>Add a person</button></form>",
        if list.is_empty() {
            "Nobody yet: add a subscriber (and an owner).".to_owned()
        } else {
            list.join(" · ")
        }
    )
}

fn display(user: &SandboxUser) -> String {
    match &user.username {
        Some(name) => format!("{} (@{name}, id {})", user.first_name, user.id),
        None => format!("{} (id {})", user.first_name, user.id),
    }
}

async fn chat(telegram: &SandboxTelegram, user: &SandboxUser) -> Result<String, ClientError> {
    let mut html = format!("<h2>{}'s chat with @{SANDBOX_BOT_USERNAME}</h2>", escape(&user.first_name));
    let messages = telegram.messages(user.id).await?;
    if messages.is_empty() {
        html.push_str("<p>No messages yet. Open a channel's deep link or write <code>/help</code>.</p>");
    }
    for message in &messages {
        html.push_str(&bubble(message, user.id));
    }
    if let Some(toast) = telegram.last_toast(user.id).await? {
        html.push_str(&format!("<p class=\"sandbox\">Bot: {}</p>", escape(&toast)));
    }
    let me = user.id;
    html.push_str(&format!(
        "<form method=\"post\" action=\"/sandbox/telegram/say\"><input type=\"hidden\" name=\"as\" value=\"{me}\">\
         <input name=\"text\" placeholder=\"Message or /command\" required maxlength=\"4096\" size=\"30\"> \
         <button>Send</button></form>\
         <form method=\"post\" action=\"/sandbox/telegram/open\"><input type=\"hidden\" name=\"as\" value=\"{me}\">\
         <input name=\"url\" placeholder=\"https://t.me/… link\" required size=\"30\"> <button>Open link</button></form>\
         <form method=\"get\" action=\"/sandbox/telegram\"><input type=\"hidden\" name=\"as\" value=\"{me}\">\
         <button>Refresh</button></form>\
         <form method=\"post\" action=\"/sandbox/telegram/expire\"><input type=\"hidden\" name=\"as\" value=\"{me}\">\
         <button title=\"Sandbox time\">⏩ Let my subscriptions expire now</button></form>\
         <details><summary>Be a channel owner</summary>\
         <form method=\"post\" action=\"/sandbox/telegram/channels\"><input type=\"hidden\" name=\"as\" value=\"{me}\">\
         <input name=\"name\" placeholder=\"Channel name\" required maxlength=\"100\"> \
         <button>Create my open and closed channel</button></form>\
         <p>You become their creator and the bot their administrator with every right. Register the ids \
         shown below in the dashboard, then send the bot <code>/link &lt;code&gt;</code> from here.</p>\
         <form method=\"post\" action=\"/sandbox/telegram/batch-pass\"><input type=\"hidden\" name=\"as\" value=\"{me}\">\
         <button title=\"Sandbox time\">⏩ Pay threshold batches now</button></form>\
         <p>Runs the threshold batch pass now instead of at its next tick: every channel whose converted \
         balance reached its threshold is paid out.</p></details>"
    ));
    Ok(html)
}

/// One message with its buttons, acting as person `me`.
fn bubble(message: &SandboxMessage, me: i64) -> String {
    let who = if message.from_bot { "🤖" } else { "🧑" };
    let style = if message.from_bot { "background:#eef" } else { "background:#efe;text-align:right" };
    let mut html = format!(
        "<div class=\"message\" data-id=\"{}\" style=\"{style};border-radius:6px;padding:.4rem .6rem;margin:.3rem 0;white-space:pre-wrap\">{who} {}",
        message.message_id,
        telegram_html(&message.text)
    );
    for row in &message.buttons {
        html.push_str("<div>");
        for button in row {
            html.push_str(&button_html(button, message, me));
        }
        html.push_str("</div>");
    }
    html.push_str("</div>");
    html
}

fn button_html(button: &Button, message: &SandboxMessage, me: i64) -> String {
    let hidden = |name: &str, value: &str| {
        format!("<input type=\"hidden\" name=\"{name}\" value=\"{}\">", escape(value))
    };
    match button {
        Button::Callback { text, data } => format!(
            "<form method=\"post\" action=\"/sandbox/telegram/press\" style=\"display:inline\">{}{}{}{}<button>{}</button></form>",
            hidden("as", &me.to_string()),
            hidden("chat", &message.chat_id.to_string()),
            hidden("message", &message.message_id.to_string()),
            hidden("data", data),
            escape(text)
        ),
        Button::Url { text, url } if url.starts_with("https://t.me/") => format!(
            "<form method=\"post\" action=\"/sandbox/telegram/open\" style=\"display:inline\">{}{}<button title=\"{}\">{} ↗</button></form>",
            hidden("as", &me.to_string()),
            hidden("url", url),
            escape(url),
            escape(text)
        ),
        Button::Url { text, url } if url.starts_with("https://") || url.starts_with("http://") => format!(
            "<a href=\"{}\" target=\"_blank\" rel=\"noopener noreferrer\"><button>{} ↗</button></a>",
            escape(url),
            escape(text)
        ),
        Button::Url { text, .. } => format!("<button disabled>{}</button>", escape(text)),
    }
}

async fn channels(
    telegram: &SandboxTelegram,
    users: &[SandboxUser],
    chosen: Option<&SandboxUser>,
) -> Result<String, ClientError> {
    let chats = telegram.chats().await?;
    if chats.is_empty() {
        return Ok(
            "<h2>Channels</h2><p>No sandbox channels yet: choose a person and make them an owner.</p>".into(),
        );
    }
    let name =
        |id: i64| users.iter().find(|u| u.id == id).map_or_else(|| id.to_string(), |u| u.first_name.clone());
    let mut html = String::from("<h2>Channels</h2>");
    for chat in &chats {
        let kind = match chat.kind {
            ChatKind::Open => "open channel (offers are posted here)",
            ChatKind::Closed => "closed channel (paid members)",
        };
        html.push_str(&format!(
            "<div class=\"channel\" data-id=\"{}\" style=\"border-top:1px solid #ddd;margin-top:1rem\"><h3>{}</h3>\
             <p>Id <code>{}</code> · {kind} · created by {}</p>",
            chat.id,
            escape(&chat.title),
            chat.id,
            escape(&name(chat.creator_id))
        ));
        let members: Vec<String> = telegram
            .members(chat.id)
            .await?
            .into_iter()
            .map(|m| format!("{} ({})", escape(&m.first_name), escape(&m.status)))
            .collect();
        html.push_str(&format!(
            "<p>Members: {}</p>",
            if members.is_empty() { "none".into() } else { members.join(", ") }
        ));
        let requests: Vec<String> = telegram
            .join_requests(chat.id)
            .await?
            .into_iter()
            .map(|r| format!("{}: {}", escape(&name(r.user_id)), escape(&r.status)))
            .collect();
        if !requests.is_empty() {
            html.push_str(&format!("<p>Join requests: {}</p>", requests.join(", ")));
        }
        if let Some(user) = chosen {
            let status = telegram.member_status_text(chat.id, user.id).await?;
            html.push_str(&format!(
                "<p>{} here: <b class=\"status\">{}</b>",
                escape(&user.first_name),
                escape(&status)
            ));
            if status == "member" {
                html.push_str(&format!(
                    " <form method=\"post\" action=\"/sandbox/telegram/leave\" style=\"display:inline\">\
                     <input type=\"hidden\" name=\"as\" value=\"{}\"><input type=\"hidden\" name=\"chat\" value=\"{}\">\
                     <button>Leave</button></form>",
                    user.id, chat.id
                ));
            }
            html.push_str("</p>");
        }
        for post in telegram.messages(chat.id).await? {
            html.push_str(&bubble(&post, chosen.map_or(0, |u| u.id)));
        }
        html.push_str("</div>");
    }
    Ok(html)
}

/// Telegram HTML as safe page HTML: only the formatting tags, links only to http(s).
fn telegram_html(text: &str) -> String {
    let Ok(pieces) = parse_html(text) else { return escape(text) };
    let tag = |name: &str| match name {
        "b" | "strong" => "b",
        "i" | "em" => "i",
        "u" | "ins" => "u",
        "s" | "strike" | "del" => "s",
        "code" => "code",
        "pre" => "pre",
        "blockquote" => "blockquote",
        "a" => "a",
        _ => "span",
    };
    pieces
        .iter()
        .map(|piece| match piece {
            HtmlPiece::Text(text) => escape(text),
            HtmlPiece::Open(name) => format!("<{}>", tag(name)),
            HtmlPiece::Close(name) => format!("</{}>", tag(name)),
            HtmlPiece::Link(href) if href.starts_with("https://") || href.starts_with("http://") => {
                format!("<a href=\"{}\" target=\"_blank\" rel=\"noopener noreferrer\">", escape(href))
            }
            HtmlPiece::Link(_) => "<a>".to_owned(),
        })
        .collect()
}

/// Percent-encodes `text` for a query value.
pub(super) fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bots_html_keeps_formatting_and_loses_everything_else() {
        assert_eq!(telegram_html("<b>VIP &amp; co</b> &lt;script&gt;"), "<b>VIP &amp; co</b> &lt;script&gt;");
        assert_eq!(telegram_html("<a href=\"javascript:alert(1)\">x</a>"), "<a>x</a>");
        // Text Telegram would refuse is shown escaped, never as markup.
        assert_eq!(telegram_html("<script>x</script>"), "&lt;script&gt;x&lt;/script&gt;");
    }

    #[test]
    fn notices_are_percent_encoded() {
        assert_eq!(percent_encode("a b&c=ü"), "a%20b%26c%3D%C3%BC");
    }
}
