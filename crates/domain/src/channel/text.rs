//! Channel texts: `Title`, `Description`, `DonationMessage`; trimmed, no control characters.

use std::fmt;

use crate::limits::{DESCRIPTION_MAX, DONATION_MESSAGE_MAX, DONATION_MESSAGE_MIN, TITLE_MAX, TITLE_MIN};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("is required")]
    Required,
    #[error("must be at least {0} characters")]
    TooShort(usize),
    #[error("must be at most {0} characters")]
    TooLong(usize),
    #[error("must not contain control characters")]
    ControlCharacter,
    #[error("must not contain control characters other than line breaks")]
    ControlCharacterBesidesLineBreaks,
}

/// Trims, normalises line breaks to `\n` when they are allowed, and checks the length in characters.
fn clean(raw: &str, min: usize, max: usize, line_breaks: bool) -> Result<String, TextError> {
    let text = if line_breaks { raw.trim().replace("\r\n", "\n") } else { raw.trim().to_owned() };
    let allowed = |c: char| !c.is_control() || (line_breaks && c == '\n');
    if !text.chars().all(allowed) {
        return Err(if line_breaks {
            TextError::ControlCharacterBesidesLineBreaks
        } else {
            TextError::ControlCharacter
        });
    }
    let length = text.chars().count();
    if length == 0 && min > 0 {
        Err(TextError::Required)
    } else if length < min {
        Err(TextError::TooShort(min))
    } else if length > max {
        Err(TextError::TooLong(max))
    } else {
        Ok(text)
    }
}

/// A channel title: 1–100 characters on one line.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Title(String);

impl Title {
    pub fn parse(raw: &str) -> Result<Title, TextError> {
        clean(raw, TITLE_MIN, TITLE_MAX, false).map(Title)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A channel description: up to 500 characters, line breaks allowed, may be empty.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Description(String);

impl Description {
    pub fn parse(raw: &str) -> Result<Description, TextError> {
        clean(raw, 0, DESCRIPTION_MAX, true).map(Description)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The message shown with a channel's donation button: 10–256 characters, line breaks allowed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DonationMessage(String);

impl DonationMessage {
    pub fn parse(raw: &str) -> Result<DonationMessage, TextError> {
        clean(raw, DONATION_MESSAGE_MIN, DONATION_MESSAGE_MAX, true).map(DonationMessage)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

macro_rules! display_as_str {
    ($($ty:ty),*) => {$(
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    )*};
}
display_as_str!(Title, Description, DonationMessage);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_of_one_to_100_characters_are_accepted_trimmed() {
        for raw in ["A", &"é".repeat(100), "Crypto Signals 🚀"] {
            assert_eq!(Title::parse(raw).map(|t| t.to_string()), Ok(raw.to_owned()));
        }
        assert_eq!(Title::parse("  Alpha \t").map(|t| t.to_string()), Ok("Alpha".to_owned()));
    }

    #[test]
    fn empty_blank_or_101_character_titles_are_rejected() {
        assert_eq!(Title::parse(""), Err(TextError::Required));
        assert_eq!(Title::parse("   "), Err(TextError::Required));
        assert_eq!(Title::parse(&"é".repeat(101)), Err(TextError::TooLong(100)));
    }

    #[test]
    fn titles_with_control_characters_or_line_breaks_are_rejected() {
        for raw in ["a\nb", "a\u{0}b", "a\tb", "a\u{1b}[31mb"] {
            assert_eq!(Title::parse(raw), Err(TextError::ControlCharacter), "{raw:?}");
        }
    }

    #[test]
    fn descriptions_may_be_empty_span_lines_and_reach_500_characters() {
        assert_eq!(Description::parse("  ").map(|d| d.is_empty()), Ok(true));
        assert_eq!(Description::parse("a\r\nb\nc").map(|d| d.to_string()), Ok("a\nb\nc".to_owned()));
        assert!(Description::parse(&"x".repeat(500)).is_ok());
    }

    #[test]
    fn descriptions_over_500_characters_or_with_other_control_characters_are_rejected() {
        assert_eq!(Description::parse(&"x".repeat(501)), Err(TextError::TooLong(500)));
        for raw in ["a\tb", "a\u{7}b", "a\rb"] {
            assert_eq!(Description::parse(raw), Err(TextError::ControlCharacterBesidesLineBreaks));
        }
    }

    #[test]
    fn donation_messages_need_ten_to_256_characters() {
        assert!(DonationMessage::parse("Thank you!").is_ok());
        assert!(DonationMessage::parse(&"x".repeat(256)).is_ok());
        assert_eq!(DonationMessage::parse(""), Err(TextError::Required));
        assert_eq!(DonationMessage::parse("Thank you"), Err(TextError::TooShort(10)));
        assert_eq!(DonationMessage::parse("  Thanks!   "), Err(TextError::TooShort(10)));
        assert_eq!(DonationMessage::parse(&"x".repeat(257)), Err(TextError::TooLong(256)));
    }
}
