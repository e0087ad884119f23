//! The optional extra id of a payout: XRP destination tag or Stellar/TON memo.

use std::fmt;

use super::{AddressError, ExtraIdKind, Network};

const TAG_HINT: &str = "a destination tag is a whole number from 0 to 4294967295";
const XLM_MEMO_HINT: &str = "a Stellar memo is 1 to 28 bytes of printable text";
const TON_MEMO_HINT: &str = "a TON comment is 1 to 120 printable characters";
const XLM_MEMO_MAX_BYTES: usize = 28;
const TON_MEMO_MAX_CHARS: usize = 120;

/// A destination tag or memo valid for its network; tags are stored in canonical decimal.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ExtraId(String);

impl ExtraId {
    /// Checks `raw` (surrounding whitespace ignored) against the extra id rules of `network`.
    pub fn parse(network: Network, raw: &str) -> Result<ExtraId, AddressError> {
        let raw = raw.trim();
        match network.extra_id_kind() {
            ExtraIdKind::None => Err(AddressError::ExtraIdNotSupported),
            ExtraIdKind::DestinationTag => parse_tag(raw),
            ExtraIdKind::Memo => parse_memo(network, raw),
        }
    }

    /// Like [`ExtraId::parse`], but an absent or blank input means "no extra id" on any network.
    pub fn parse_optional(network: Network, raw: Option<&str>) -> Result<Option<ExtraId>, AddressError> {
        match raw.map(str::trim) {
            None | Some("") => Ok(None),
            Some(raw) => Self::parse(network, raw).map(Some),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn parse_tag(raw: &str) -> Result<ExtraId, AddressError> {
    if raw.is_empty() || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AddressError::BadExtraId(TAG_HINT));
    }
    let tag: u32 = raw.parse().map_err(|_| AddressError::BadExtraId(TAG_HINT))?;
    Ok(ExtraId(tag.to_string()))
}

fn parse_memo(network: Network, raw: &str) -> Result<ExtraId, AddressError> {
    let (hint, fits) = if network == Network::Ton {
        (TON_MEMO_HINT, raw.chars().count() <= TON_MEMO_MAX_CHARS)
    } else {
        (XLM_MEMO_HINT, raw.len() <= XLM_MEMO_MAX_BYTES)
    };
    if raw.is_empty() || !fits || raw.chars().any(char::is_control) {
        return Err(AddressError::BadExtraId(hint));
    }
    Ok(ExtraId(raw.to_owned()))
}

impl fmt::Display for ExtraId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl serde::Serialize for ExtraId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a test should fail loudly on an unexpected value
mod tests {
    use super::*;

    #[test]
    fn destination_tags_are_decimal_u32_in_canonical_form() {
        for (raw, expected) in [("0", "0"), ("12345", "12345"), (" 4294967295 ", "4294967295"), ("007", "7")]
        {
            assert_eq!(ExtraId::parse(Network::Xrp, raw).map(|id| id.0), Ok(expected.to_owned()));
        }
    }

    #[test]
    fn destination_tags_reject_non_digits_overflow_and_blanks() {
        for raw in ["", " ", "4294967296", "99999999999999999999", "-1", "+5", "12a", "1 2", "1.5", "１２"]
        {
            assert_eq!(ExtraId::parse(Network::Xrp, raw), Err(AddressError::BadExtraId(TAG_HINT)), "{raw}");
        }
    }

    #[test]
    fn stellar_memos_are_one_to_28_bytes_of_printable_text() {
        assert_eq!(ExtraId::parse(Network::Xlm, " order-42 ").map(|id| id.0), Ok("order-42".to_owned()));
        assert!(ExtraId::parse(Network::Xlm, &"a".repeat(28)).is_ok());
        assert!(ExtraId::parse(Network::Xlm, "Grüße aus München").is_ok());
        for raw in ["".to_owned(), "a".repeat(29), "é".repeat(15), "tab\there".to_owned(), "nul\0".to_owned()]
        {
            assert_eq!(
                ExtraId::parse(Network::Xlm, &raw),
                Err(AddressError::BadExtraId(XLM_MEMO_HINT)),
                "{raw}"
            );
        }
    }

    #[test]
    fn ton_comments_may_be_up_to_120_characters() {
        assert!(ExtraId::parse(Network::Ton, &"x".repeat(120)).is_ok());
        assert!(ExtraId::parse(Network::Ton, &"ж".repeat(120)).is_ok());
        assert_eq!(
            ExtraId::parse(Network::Ton, &"x".repeat(121)),
            Err(AddressError::BadExtraId(TON_MEMO_HINT))
        );
        assert_eq!(ExtraId::parse(Network::Ton, "line\nbreak"), Err(AddressError::BadExtraId(TON_MEMO_HINT)));
    }

    #[test]
    fn networks_without_extra_ids_reject_any_extra_id() {
        for network in [Network::Btc, Network::Eth, Network::Trx, Network::Xmr, Network::Sol] {
            assert_eq!(ExtraId::parse(network, "12345"), Err(AddressError::ExtraIdNotSupported));
            assert_eq!(
                ExtraId::parse_optional(network, Some("memo")),
                Err(AddressError::ExtraIdNotSupported)
            );
        }
    }

    #[test]
    fn blank_optional_extra_ids_are_absent_on_every_network() {
        for network in Network::ALL {
            assert_eq!(ExtraId::parse_optional(network, None), Ok(None));
            assert_eq!(ExtraId::parse_optional(network, Some("  ")), Ok(None));
        }
        assert_eq!(
            ExtraId::parse_optional(Network::Xrp, Some(" 77 ")).map(|id| id.map(|id| id.0)),
            Ok(Some("77".to_owned()))
        );
    }

    #[test]
    fn extra_ids_display_and_serialize_as_plain_strings() {
        let tag = ExtraId::parse(Network::Xrp, "42").unwrap();
        assert_eq!(tag.to_string(), "42");
        assert_eq!(tag.as_str(), "42");
        assert_eq!(serde_json::to_string(&tag).unwrap(), "\"42\"");
    }
}
