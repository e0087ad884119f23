//! `Username`: 3–50 letters, digits or underscores; unique case-insensitively.

use std::fmt;

use crate::limits::{USERNAME_MAX, USERNAME_MIN};

/// A valid username as the owner typed it (trimmed); compare with [`Username::canonical`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Username(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsernameError {
    #[error("must be at least {USERNAME_MIN} characters")]
    TooShort,
    #[error("must be at most {USERNAME_MAX} characters")]
    TooLong,
    #[error("may contain only letters, digits and underscores")]
    InvalidCharacter,
}

impl Username {
    pub fn parse(raw: &str) -> Result<Username, UsernameError> {
        let trimmed = raw.trim();
        if !trimmed.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(UsernameError::InvalidCharacter);
        }
        // Only ASCII is left, so bytes and characters agree.
        match trimmed.len() {
            n if n < USERNAME_MIN => Err(UsernameError::TooShort),
            n if n > USERNAME_MAX => Err(UsernameError::TooLong),
            _ => Ok(Username(trimmed.to_owned())),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Lower-case form used for uniqueness and log-in look-ups.
    pub fn canonical(&self) -> String {
        self.0.to_ascii_lowercase()
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<&str> for Username {
    type Error = UsernameError;

    fn try_from(raw: &str) -> Result<Self, Self::Error> {
        Username::parse(raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_of_three_to_fifty_word_characters_are_accepted_and_keep_their_case() {
        for raw in ["abc", "Alice_42", &"a".repeat(50), "___"] {
            assert_eq!(Username::parse(raw).map(|u| u.as_str().to_owned()), Ok(raw.to_owned()));
        }
        assert_eq!(Username::parse("AliCe").map(|u| u.canonical()), Ok("alice".to_owned()));
    }

    #[test]
    fn surrounding_whitespace_is_trimmed() {
        assert_eq!(Username::parse("  bob_1 \n").map(|u| u.to_string()), Ok("bob_1".to_owned()));
    }

    #[test]
    fn usernames_of_two_or_fifty_one_characters_are_rejected() {
        assert_eq!(Username::parse("ab"), Err(UsernameError::TooShort));
        assert_eq!(Username::parse("   "), Err(UsernameError::TooShort));
        assert_eq!(Username::parse(&"a".repeat(51)), Err(UsernameError::TooLong));
    }

    #[test]
    fn usernames_with_other_characters_are_rejected() {
        for raw in ["al ice", "alice!", "al-ice", "alice@x", "ålice", "al.ice", "bob\u{200b}"] {
            assert_eq!(Username::parse(raw), Err(UsernameError::InvalidCharacter), "{raw}");
        }
    }
}
