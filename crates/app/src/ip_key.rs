//! The address a client is rate-limited by: itself for IPv4, its /64 network for IPv6.

use std::net::{IpAddr, Ipv6Addr};

/// IPv4 addresses (also IPv4-mapped IPv6 ones) stay as they are; an IPv6 address becomes its /64
/// network, because one subscriber line owns a whole /64 and could rotate through it.
pub fn rate_limit_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(Ipv6Addr::from_bits(v6.to_bits() & !u128::from(u64::MAX))),
        },
    }
}

/// [`rate_limit_key`] of a textual address; text that is no address is its own key.
pub fn rate_limit_key_str(ip: &str) -> String {
    match ip.parse::<IpAddr>() {
        Ok(ip) => rate_limit_key(ip).to_string(),
        Err(_) => ip.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(ip: &str) -> String {
        rate_limit_key(ip.parse().unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED))).to_string()
    }

    #[test]
    fn ipv6_addresses_of_one_64_network_share_a_key_and_ipv4_keeps_its_address() {
        assert_eq!(key("2001:db8:1:2::1"), "2001:db8:1:2::");
        assert_eq!(key("2001:db8:1:2:ffff:ffff:ffff:ffff"), "2001:db8:1:2::");
        assert_ne!(key("2001:db8:1:3::1"), key("2001:db8:1:2::1"));
        assert_eq!(key("203.0.113.7"), "203.0.113.7");
        assert_eq!(key("::ffff:203.0.113.7"), "203.0.113.7");
        assert_eq!(rate_limit_key_str("unknown"), "unknown");
        assert_eq!(rate_limit_key_str("2001:db8::5"), "2001:db8::");
    }
}
