//! `UserRole`: `owner` (default) or `operator`.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum UserRole {
    #[default]
    Owner,
    Operator,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be \"owner\" or \"operator\"")]
pub struct UnknownRole;

impl UserRole {
    pub fn as_str(self) -> &'static str {
        match self {
            UserRole::Owner => "owner",
            UserRole::Operator => "operator",
        }
    }

    pub fn parse(raw: &str) -> Result<UserRole, UnknownRole> {
        match raw {
            "owner" => Ok(UserRole::Owner),
            "operator" => Ok(UserRole::Operator),
            _ => Err(UnknownRole),
        }
    }
}

impl fmt::Display for UserRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in [UserRole::Owner, UserRole::Operator] {
            assert_eq!(UserRole::parse(role.as_str()), Ok(role));
        }
        assert_eq!(UserRole::default(), UserRole::Owner);
    }

    #[test]
    fn unknown_or_differently_cased_role_names_are_rejected() {
        for raw in ["", "admin", "Owner", " owner"] {
            assert_eq!(UserRole::parse(raw), Err(UnknownRole), "{raw}");
        }
    }
}
