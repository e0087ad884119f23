//! Telegram's rules the sandbox keeps: message text and its HTML, inline keyboards (callback data at
//! most 64 bytes), deep-link payloads, invite link requests. What passes here passes in Telegram.

use paygate_domain::messenger::{InviteLinkRequest, MAX_CALLBACK_DATA_BYTES};
use serde_json::Value;

/// Longest message text Telegram accepts, in characters (after entity parsing; checked on the raw text).
pub const MAX_TEXT_CHARS: usize = 4096;
/// Longest `/start` payload, in characters.
pub const MAX_START_PAYLOAD_CHARS: usize = 64;

/// HTML tags of Telegram's HTML parse mode (attributes are read from `a` and `span`/`code` only).
const TAGS: [&str; 17] = [
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "a",
    "code",
    "pre",
    "blockquote",
    "tg-emoji",
    "tg-time",
];

/// A Bot API `400 Bad Request` description, as Telegram words it.
pub type BadRequest = String;

/// Checks a message text as `sendMessage` with `parse_mode=HTML` does.
pub fn check_text(text: &str) -> Result<(), BadRequest> {
    if text.trim().is_empty() {
        return Err("Bad Request: message text is empty".into());
    }
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err("Bad Request: message is too long".into());
    }
    parse_html(text).map(|_| ())
}

/// Checks an `InlineKeyboardMarkup` as Telegram does: each button has a text and exactly one of `url`
/// (http, https or tg) and `callback_data` (1–64 bytes).
pub fn check_keyboard(markup: &Value) -> Result<(), BadRequest> {
    let rows = markup["inline_keyboard"].as_array().ok_or("Bad Request: inline keyboard expected")?;
    for button in rows.iter().flat_map(|row| row.as_array().into_iter().flatten()) {
        if button["text"].as_str().is_none_or(str::is_empty) {
            return Err("Bad Request: text buttons are unallowed in the inline keyboard".into());
        }
        match (button["url"].as_str(), button["callback_data"].as_str()) {
            (Some(url), None) => {
                let scheme_ok = ["https://", "http://", "tg://"].iter().any(|s| url.starts_with(s));
                if !scheme_ok || url.len() <= 8 {
                    return Err("Bad Request: BUTTON_URL_INVALID".into());
                }
            }
            (None, Some(data)) => {
                if data.is_empty() || data.len() > MAX_CALLBACK_DATA_BYTES {
                    return Err("Bad Request: BUTTON_DATA_INVALID".into());
                }
            }
            _ => return Err("Bad Request: BUTTON_TYPE_INVALID".into()),
        }
    }
    Ok(())
}

/// Checks a `createChatInviteLink` request.
pub fn check_invite_request(request: &InviteLinkRequest) -> Result<(), BadRequest> {
    if request.name.chars().count() > 32 {
        return Err("Bad Request: invite link name is too long".into());
    }
    match request.member_limit {
        Some(_) if request.creates_join_request => {
            Err("Bad Request: member limit can't be specified for links requiring administrator approval"
                .into())
        }
        Some(limit) if !(1..=99_999).contains(&limit) => Err("Bad Request: invalid member limit".into()),
        _ => Ok(()),
    }
}

/// What opening `https://t.me/<bot>?start=<payload>` sends to the bot: `/start <payload>`, or a bare
/// `/start` when the payload breaks Telegram's rules (1–64 characters of `A-Za-z0-9_-`), as the
/// Telegram apps do. `None` for a link that is not a deep link to `bot`.
pub fn deep_link_command(url: &str, bot: &str) -> Option<String> {
    let rest = url.strip_prefix("https://t.me/").or_else(|| url.strip_prefix("http://t.me/"))?;
    let (name, query) = rest.split_once('?').unwrap_or((rest, ""));
    if !name.eq_ignore_ascii_case(bot) {
        return None;
    }
    let payload = query.split('&').find_map(|pair| pair.strip_prefix("start="));
    Some(match payload.filter(|p| is_start_payload(p)) {
        Some(payload) => format!("/start {payload}"),
        None => "/start".to_owned(),
    })
}

/// Whether `payload` is a valid `/start` payload: 1–64 characters of `A-Za-z0-9_-`.
pub fn is_start_payload(payload: &str) -> bool {
    (1..=MAX_START_PAYLOAD_CHARS).contains(&payload.len())
        && payload.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// One piece of a Telegram HTML text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HtmlPiece {
    /// Plain text, entities already decoded.
    Text(String),
    /// An opening tag (name only) or a closing one.
    Open(String),
    Close(String),
    /// `<a href="…">`: the link target.
    Link(String),
}

/// Parses Telegram HTML: supported tags only, properly nested, entities `&lt; &gt; &amp; &quot;` and
/// numeric ones; anything else is refused as Telegram refuses it ("can't parse entities").
pub fn parse_html(text: &str) -> Result<Vec<HtmlPiece>, BadRequest> {
    let refuse =
        |what: &str, at: usize| Err(format!("Bad Request: can't parse entities: {what} at byte offset {at}"));
    let mut pieces = Vec::new();
    let mut open: Vec<String> = Vec::new();
    let mut plain = String::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let at = text.len() - rest.len();
        match c {
            '<' => {
                let Some(end) = rest.find('>') else { return refuse("unclosed start tag", at) };
                let inner = &rest[1..end];
                let (closing, inner) = match inner.strip_prefix('/') {
                    Some(name) => (true, name),
                    None => (false, inner),
                };
                let name = inner.split_whitespace().next().unwrap_or("").to_ascii_lowercase();
                if !TAGS.contains(&name.as_str()) {
                    return refuse(&format!("unsupported start tag \"{name}\""), at);
                }
                if !plain.is_empty() {
                    pieces.push(HtmlPiece::Text(std::mem::take(&mut plain)));
                }
                if closing {
                    if open.pop().as_deref() != Some(name.as_str()) {
                        return refuse(&format!("unmatched end tag \"{name}\""), at);
                    }
                    pieces.push(HtmlPiece::Close(name));
                } else {
                    if name == "a" {
                        let href =
                            inner.split_once("href=\"").and_then(|(_, v)| v.split_once('"')).map(|(v, _)| v);
                        pieces.push(HtmlPiece::Link(decode_entities(href.unwrap_or(""))?));
                    } else {
                        pieces.push(HtmlPiece::Open(name.clone()));
                    }
                    open.push(name);
                }
                rest = &rest[end + 1..];
            }
            '&' => {
                let end = rest.find(';').filter(|&end| end <= 10);
                let Some(end) = end else { return refuse("unsupported entity", at) };
                match decode_entities(&rest[..=end]) {
                    Ok(decoded) => plain.push_str(&decoded),
                    Err(_) => return refuse("unsupported entity", at),
                }
                rest = &rest[end + 1..];
            }
            _ => {
                plain.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    if let Some(name) = open.pop() {
        return refuse(&format!("can't find end tag corresponding to start tag \"{name}\""), text.len());
    }
    if !plain.is_empty() {
        pieces.push(HtmlPiece::Text(plain));
    }
    Ok(pieces)
}

/// Decodes the entities of an attribute or a run of text.
fn decode_entities(raw: &str) -> Result<String, BadRequest> {
    let mut out = String::new();
    let mut rest = raw;
    while let Some(start) = rest.find('&') {
        out.push_str(&rest[..start]);
        let end = rest[start..].find(';').ok_or("Bad Request: can't parse entities")? + start;
        let entity = &rest[start + 1..end];
        let decoded = match entity {
            "lt" => '<',
            "gt" => '>',
            "amp" => '&',
            "quot" => '"',
            _ => entity
                .strip_prefix('#')
                .and_then(|n| n.strip_prefix('x').map_or(n.parse().ok(), |h| u32::from_str_radix(h, 16).ok()))
                .and_then(char::from_u32)
                .ok_or("Bad Request: can't parse entities")?,
        };
        out.push(decoded);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn callback_data_over_sixty_four_bytes_and_malformed_buttons_are_refused() {
        let button = |b: Value| json!({"inline_keyboard": [[b]]});
        assert!(check_keyboard(&button(json!({"text": "Pay", "callback_data": "x".repeat(64)}))).is_ok());
        let too_long = check_keyboard(&button(json!({"text": "Pay", "callback_data": "x".repeat(65)})));
        assert_eq!(too_long.unwrap_err(), "Bad Request: BUTTON_DATA_INVALID");
        // Bytes, not characters: 22 euro signs are 66 bytes.
        assert!(check_keyboard(&button(json!({"text": "Pay", "callback_data": "€".repeat(22)}))).is_err());
        assert!(check_keyboard(&button(json!({"text": "Pay", "callback_data": ""}))).is_err());
        assert!(check_keyboard(&button(json!({"text": "", "url": "https://x.org"}))).is_err());
        assert!(check_keyboard(&button(json!({"text": "Go", "url": "javascript:alert(1)"}))).is_err());
        assert!(
            check_keyboard(&button(json!({"text": "Go", "url": "https://x", "callback_data": "a"}))).is_err()
        );
        assert!(check_keyboard(&button(json!({"text": "Go", "url": "https://t.me/+abc"}))).is_ok());
    }

    #[test]
    fn deep_links_carry_only_valid_payloads() {
        let bot = "paygate_sandbox_bot";
        assert_eq!(
            deep_link_command("https://t.me/paygate_sandbox_bot?start=ab_C-9", bot).unwrap(),
            "/start ab_C-9"
        );
        assert_eq!(deep_link_command("https://t.me/paygate_sandbox_bot", bot).unwrap(), "/start");
        // Invalid payloads open the chat with a bare /start, as the Telegram apps do.
        for bad in ["a b", "a%20b", "ä", "a.b", ""] {
            let link = format!("https://t.me/paygate_sandbox_bot?start={bad}");
            assert_eq!(deep_link_command(&link, bot).unwrap(), "/start", "{bad}");
        }
        let longest = "x".repeat(64);
        assert!(
            deep_link_command(&format!("https://t.me/{bot}?start={longest}"), bot)
                .unwrap()
                .ends_with(&longest)
        );
        let too_long = "x".repeat(65);
        assert_eq!(
            deep_link_command(&format!("https://t.me/{bot}?start={too_long}"), bot).unwrap(),
            "/start"
        );
        assert_eq!(deep_link_command("https://t.me/other_bot?start=abc", bot), None);
        assert_eq!(deep_link_command("https://evil.example/paygate_sandbox_bot?start=abc", bot), None);
    }

    #[test]
    fn html_texts_follow_telegrams_parse_mode() {
        assert_eq!(
            parse_html("<b>Alpha &amp; co</b> &lt;3").unwrap(),
            vec![
                HtmlPiece::Open("b".into()),
                HtmlPiece::Text("Alpha & co".into()),
                HtmlPiece::Close("b".into()),
                HtmlPiece::Text(" <3".into()),
            ]
        );
        assert!(parse_html("<payload>").is_err());
        assert!(parse_html("<b>open").is_err());
        assert!(parse_html("<b><i>x</b></i>").is_err());
        assert!(parse_html("Tom & Jerry").is_err());
        assert!(parse_html("&nbsp;").is_err());
        assert_eq!(
            parse_html("<a href=\"https://x.org/?a=1&amp;b=2\">x</a>").unwrap()[0],
            HtmlPiece::Link("https://x.org/?a=1&b=2".into())
        );
        assert!(check_text(" ").is_err());
        assert!(check_text(&"x".repeat(4097)).is_err());
    }

    #[test]
    fn invite_requests_cannot_combine_a_member_limit_with_join_requests() {
        let request =
            InviteLinkRequest { member_limit: Some(1), creates_join_request: true, ..Default::default() };
        assert!(check_invite_request(&request).is_err());
        let zero = InviteLinkRequest { member_limit: Some(0), ..Default::default() };
        assert!(check_invite_request(&zero).is_err());
        assert!(
            check_invite_request(&InviteLinkRequest { member_limit: Some(1), ..Default::default() }).is_ok()
        );
    }
}
