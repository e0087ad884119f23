//! `Email`: a trimmed, syntactically sensible address; unique case-insensitively.

use std::fmt;

use crate::limits::{EMAIL_DOMAIN_LABEL_MAX, EMAIL_LOCAL_MAX, EMAIL_MAX};

/// A plausible e-mail address as typed (trimmed); compare with [`Email::canonical`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("is required")]
    Empty,
    #[error("must be at most {EMAIL_MAX} characters")]
    TooLong,
    #[error("is not a valid e-mail address")]
    Invalid,
}

impl Email {
    pub fn parse(raw: &str) -> Result<Email, EmailError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(EmailError::Empty);
        }
        if trimmed.chars().count() > EMAIL_MAX {
            return Err(EmailError::TooLong);
        }
        let (local, domain) = trimmed.split_once('@').ok_or(EmailError::Invalid)?;
        if local_part_is_valid(local) && domain_is_valid(domain) {
            Ok(Email(trimmed.to_owned()))
        } else {
            Err(EmailError::Invalid)
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

/// Dot-atom local part (RFC 5322 without quoted strings or comments).
fn local_part_is_valid(local: &str) -> bool {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~-.".contains(c);
    !local.is_empty()
        && local.len() <= EMAIL_LOCAL_MAX
        && local.chars().all(allowed)
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
}

/// At least two labels of `[A-Za-z0-9-]`, none empty or starting or ending with a hyphen.
fn domain_is_valid(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.len() <= EMAIL_DOMAIN_LABEL_MAX
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<&str> for Email {
    type Error = EmailError;

    fn try_from(raw: &str) -> Result<Self, Self::Error> {
        Email::parse(raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_addresses_are_accepted_trimmed_and_keep_their_case() {
        for raw in ["a@b.co", "Alice.Smith+tag@Mail.Example.com", "o'neil@x-y.org", "1@2.io"] {
            assert_eq!(Email::parse(raw).map(|e| e.to_string()), Ok(raw.to_owned()));
        }
        let email = Email::parse("  Bob@Example.COM\n");
        assert_eq!(email.as_ref().map(Email::as_str), Ok("Bob@Example.COM"));
        assert_eq!(email.map(|e| e.canonical()), Ok("bob@example.com".to_owned()));
    }

    #[test]
    fn empty_addresses_are_rejected_as_missing() {
        assert_eq!(Email::parse(""), Err(EmailError::Empty));
        assert_eq!(Email::parse("  \t"), Err(EmailError::Empty));
    }

    #[test]
    fn addresses_longer_than_254_characters_are_rejected() {
        let long = format!("{}@{}.com", "a".repeat(60), vec!["b".repeat(60); 4].join("."));
        assert!(long.len() > 254);
        assert_eq!(Email::parse(&long), Err(EmailError::TooLong));
    }

    #[test]
    fn malformed_addresses_are_rejected() {
        let long_local = format!("{}@example.com", "a".repeat(65));
        let long_label = format!("a@{}.com", "b".repeat(64));
        for raw in [
            "plainaddress",
            "@example.com",
            "a@",
            "a@@example.com",
            "a@b@example.com",
            "a@localhost",
            "a b@example.com",
            "ab@exa mple.com",
            "a@example..com",
            "a@.example.com",
            "a@example.com.",
            "a@-example.com",
            "a@example-.com",
            "a@exa_mple.com",
            ".a@example.com",
            "a.@example.com",
            "a..b@example.com",
            "a\u{7}@example.com",
            "jürgen@example.com",
            &long_local,
            &long_label,
        ] {
            assert_eq!(Email::parse(raw), Err(EmailError::Invalid), "{raw}");
        }
    }
}
