//! `Password`: a new password of 10–128 characters that is not common; never printed.

use std::collections::HashSet;
use std::fmt;
use std::sync::LazyLock;

use crate::limits::{PASSWORD_MAX, PASSWORD_MIN};

/// Well-known passwords of at least `PASSWORD_MIN` characters, lower-case, one per line.
static COMMON_PASSWORDS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../common_passwords.txt").lines().map(str::trim).filter(|line| !line.is_empty()).collect()
});

/// A password acceptable for a new account; kept exactly as typed (no trimming).
#[derive(Clone)]
pub struct Password(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("must be at least {PASSWORD_MIN} characters")]
    TooShort,
    #[error("must be at most {PASSWORD_MAX} characters")]
    TooLong,
    #[error("is one of the most common passwords; choose another")]
    TooCommon,
    #[error("must not be one character repeated")]
    RepeatedCharacter,
}

impl Password {
    pub fn parse(raw: &str) -> Result<Password, PasswordError> {
        let length = raw.chars().count();
        if length < PASSWORD_MIN {
            return Err(PasswordError::TooShort);
        }
        if length > PASSWORD_MAX {
            return Err(PasswordError::TooLong);
        }
        let mut chars = raw.chars();
        if let Some(first) = chars.next()
            && chars.all(|c| c == first)
        {
            return Err(PasswordError::RepeatedCharacter);
        }
        if COMMON_PASSWORDS.contains(raw.to_lowercase().as_str()) {
            return Err(PasswordError::TooCommon);
        }
        Ok(Password(raw.to_owned()))
    }

    /// The plain text, for hashing only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_of_ten_to_128_characters_are_accepted_as_typed() {
        for raw in ["correct horse", "Tr0ub4dor&3x", " spaced out ", &"ab".repeat(64)] {
            assert_eq!(Password::parse(raw).map(|p| p.expose().to_owned()), Ok(raw.to_owned()));
        }
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        // Nine characters but eighteen bytes: too short.
        assert_eq!(Password::parse("äöüßéèàçñ").err(), Some(PasswordError::TooShort));
        assert!(Password::parse("äöüßéèàçñx").is_ok());
        assert!(Password::parse(&"ä€".repeat(64)).is_ok());
        assert_eq!(Password::parse(&"ä€".repeat(65)).err(), Some(PasswordError::TooLong));
    }

    #[test]
    fn passwords_of_nine_or_129_characters_are_rejected() {
        assert_eq!(Password::parse("abcdefgh9").err(), Some(PasswordError::TooShort));
        assert_eq!(Password::parse("").err(), Some(PasswordError::TooShort));
        assert_eq!(Password::parse(&"ab".repeat(65)).err(), Some(PasswordError::TooLong));
    }

    #[test]
    fn common_passwords_are_rejected_whatever_their_case() {
        for raw in ["1234567890", "qwertyuiop", "Password123", "ILOVEYOU12", "qwerty1234", "1q2w3e4r5t"] {
            assert_eq!(Password::parse(raw).err(), Some(PasswordError::TooCommon), "{raw}");
        }
    }

    #[test]
    fn one_character_repeated_is_rejected() {
        for raw in ["zzzzzzzzzz", "          ", &"é".repeat(12)] {
            assert_eq!(Password::parse(raw).err(), Some(PasswordError::RepeatedCharacter));
        }
    }

    #[test]
    fn debug_output_never_shows_the_password() {
        let password = Password::parse("s3cret-horse-battery");
        let shown = format!("{password:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("Password(***)"), "{shown}");
    }

    #[test]
    fn the_common_password_list_is_large_lower_case_and_only_lists_long_passwords() {
        assert!(COMMON_PASSWORDS.len() >= 300, "{}", COMMON_PASSWORDS.len());
        for entry in COMMON_PASSWORDS.iter() {
            assert!(entry.chars().count() >= PASSWORD_MIN, "{entry}");
            assert_eq!(entry.to_lowercase(), *entry);
        }
    }
}
