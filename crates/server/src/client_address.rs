//! The address a request comes from, for the sign-in limits
//! ([`crate::signin`]): the connection's own, or, when the connection comes
//! from a reverse proxy the settings trust (`trusted_proxies`), the address
//! that proxy names in `X-Forwarded-For`.
//!
//! Only the trusted proxies' word is taken: walking the header from its
//! right end (the hop nearest this server), every address a trusted proxy
//! added is skipped and the first one not trusted is the client. Whatever a
//! client writes into the header itself sits to the left of that and is
//! never read, so nobody escapes the limits, or sends a stranger's address
//! into them, by forging the header. Without trusted proxies the header is
//! ignored.

use crate::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use serde::Deserialize;
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

/// An address or a network (`10.0.0.0/8`, `fd00::/8`, `192.0.2.7`): one of
/// the settings' `trusted_proxies`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct Network {
    base: IpAddr,
    prefix: u8,
}

impl Network {
    pub fn contains(&self, address: IpAddr) -> bool {
        match (self.base, address.to_canonical()) {
            (IpAddr::V4(base), IpAddr::V4(a)) => mask(base.to_bits().into(), a.to_bits().into(), 32, self.prefix),
            (IpAddr::V6(base), IpAddr::V6(a)) => mask(base.to_bits(), a.to_bits(), 128, self.prefix),
            _ => false,
        }
    }
}

/// Whether `a` and `b` agree on their first `prefix` bits of `width`.
fn mask(a: u128, b: u128, width: u8, prefix: u8) -> bool {
    let ignored = u32::from(width - prefix);
    a.checked_shr(ignored).unwrap_or(0) == b.checked_shr(ignored).unwrap_or(0)
}

impl FromStr for Network {
    type Err = String;

    fn from_str(text: &str) -> Result<Network, String> {
        let text = text.trim();
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text, None),
        };
        let bad = || format!("{text:?} is not an address or a network such as 10.0.0.0/8 or fd00::/8");
        let base = IpAddr::from_str(address).map_err(|_| bad())?.to_canonical();
        let width = if base.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            // Digits as written, no sign, no leading zero.
            Some(prefix)
                if prefix.bytes().all(|b| b.is_ascii_digit()) && !(prefix.len() > 1 && prefix.starts_with('0')) =>
            {
                prefix.parse::<u8>().ok().filter(|p| *p <= width).ok_or_else(bad)?
            }
            Some(_) => return Err(bad()),
            None => width,
        };
        // Trusting a large part of the internet would let any client there
        // name its own address in the header, and so escape the sign-in
        // limits: a proxies' network is at most an IPv4 /8 (10.0.0.0/8),
        // or an IPv6 /32, or within the private fc00::/7.
        let private_v6 = Network { base: "fc00::".parse().expect("an address"), prefix: 7 };
        let narrow = match base {
            IpAddr::V4(_) => prefix >= 8,
            IpAddr::V6(_) => prefix >= 32 || (prefix >= 7 && private_v6.contains(base)),
        };
        if !narrow {
            return Err(format!(
                "{text:?} would trust too many addresses (at most an IPv4 /8 or an IPv6 /32): \
                 name the proxies' own addresses or network"
            ));
        }
        // Shown as the network it is (`10.0.0.1/8` is `10.0.0.0/8`).
        let base = match base {
            IpAddr::V4(a) => {
                IpAddr::V4((a.to_bits() & u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0)).into())
            }
            IpAddr::V6(a) => {
                IpAddr::V6((a.to_bits() & u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0)).into())
            }
        };
        Ok(Network { base, prefix })
    }
}

impl TryFrom<String> for Network {
    type Error = String;

    fn try_from(text: String) -> Result<Network, String> {
        text.parse()
    }
}

impl std::fmt::Display for Network {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.base, self.prefix)
    }
}

/// The most addresses of `X-Forwarded-For` read (a chain of proxies is
/// short; a longer header is a client's invention).
const MAX_HOPS: usize = 16;

/// What stands for the client when a trusted proxy's header cannot be read
/// (an unreadable or missing hop where an address should be): one address,
/// limited like any other, never the proxy's own (often loopback, which the
/// limits do not count), so garbage in the header is no way around them.
pub const UNKNOWN_CLIENT: IpAddr = IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED);

/// The client's address, given the connection's `peer` and the request's
/// headers: see the module's documentation.
pub fn resolve(peer: IpAddr, headers: &HeaderMap, trusted: &[Network]) -> IpAddr {
    let is_trusted = |a: IpAddr| trusted.iter().any(|n| n.contains(a));
    if !is_trusted(peer) {
        return peer;
    }
    // Several headers count as one list, in order (RFC 9110, 5.3). Read as
    // bytes: a client's non-ASCII text to the left must not hide the hop a
    // proxy appended to the same line.
    let hops: Vec<&[u8]> =
        headers.get_all("x-forwarded-for").iter().flat_map(|v| v.as_bytes().split(|b| *b == b',')).collect();
    let mut client = peer;
    for hop in hops.iter().rev().take(MAX_HOPS) {
        // What a trusted proxy wrote is an address; anything else means the
        // client is unknown.
        let Some(address) = std::str::from_utf8(hop).ok().and_then(parse_hop) else { return UNKNOWN_CLIENT };
        client = address;
        if !is_trusted(address) {
            break;
        }
    }
    client
}

/// One element of the header: `192.0.2.7`, `2001:db8::1`, or either with a
/// port (`192.0.2.7:5000`, `[2001:db8::1]:5000`), as some proxies write.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    // Only the spaces HTTP allows around list elements, not Unicode's.
    let hop = hop.trim_matches([' ', '\t']);
    if let Ok(address) = hop.parse::<IpAddr>() {
        return Some(address.to_canonical());
    }
    // `[2001:db8::1]`, as some proxies write IPv6 without a port.
    if let Some(Ok(address)) = hop.strip_prefix('[').and_then(|h| h.strip_suffix(']')).map(str::parse::<IpAddr>) {
        return Some(address.to_canonical());
    }
    hop.parse::<SocketAddr>().ok().map(|s| s.ip().to_canonical())
}

/// The address a request came from (see [`resolve`]); `None` where the
/// server was not given connection information (tests that call the router
/// directly).
#[derive(Debug, Clone, Copy)]
pub struct ClientAddress(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<ClientAddress, Self::Rejection> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
        Ok(ClientAddress(peer.map(|peer| resolve(peer, &parts.headers, &state.config.trusted_proxies))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("an address")
    }

    fn headers(values: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for v in values {
            map.append("x-forwarded-for", HeaderValue::from_str(v).expect("header"));
        }
        map
    }

    fn nets(list: &[&str]) -> Vec<Network> {
        list.iter().map(|n| n.parse().expect("a network")).collect()
    }

    #[test]
    fn networks_parse_and_contain() {
        let lan: Network = "10.0.0.0/8".parse().expect("v4 network");
        assert!(lan.contains(ip("10.200.3.4")));
        assert!(!lan.contains(ip("11.0.0.1")));
        assert!(lan.contains(ip("::ffff:10.1.2.3")), "IPv4-mapped addresses are their IPv4 selves");
        let one: Network = "192.0.2.7".parse().expect("one address");
        assert!(one.contains(ip("192.0.2.7")) && !one.contains(ip("192.0.2.8")));
        let ula: Network = "fd00::/8".parse().expect("v6 network");
        assert!(ula.contains(ip("fd12::1")) && !ula.contains(ip("fe80::1")) && !ula.contains(ip("10.0.0.1")));
        let shared: Network = "100.64.0.0/10".parse().expect("a network");
        assert!(shared.contains(ip("100.100.1.1")) && !shared.contains(ip("100.128.0.1")));
        for bad in
            ["", "10.0.0.0/33", "fd00::/129", "proxy.example", "10.0.0.0/-1", "10.0.0/8", "10.0.0.0/+8", "10.0.0.0/ 8"]
        {
            assert!(bad.parse::<Network>().is_err(), "{bad:?} is refused");
        }
        for everything in ["0.0.0.0/0", "::/0", "::ffff:0.0.0.0/0", "0.0.0.0/1", "128.0.0.0/7", "2000::/3", "2001::/31"]
        {
            let refused = everything.parse::<Network>().expect_err("trusting a large part of the internet is refused");
            assert!(refused.contains("too many addresses"), "{refused}");
        }
        for fine in ["10.0.0.0/8", "fc00::/7", "fd00::/8", "2001:db8::/32"] {
            assert!(fine.parse::<Network>().is_ok(), "{fine}");
        }
        for zeros in ["10.0.0.0/08", "10.0.0.0/008"] {
            assert!(zeros.parse::<Network>().is_err(), "{zeros:?} is refused");
        }
        let host_bits: Network = "10.1.2.3/8".parse().expect("a network");
        assert_eq!(host_bits.to_string(), "10.0.0.0/8", "shown as the network it is");
        assert_eq!("fd12:3456::1/16".parse::<Network>().expect("a network").to_string(), "fd12::/16");
    }

    #[test]
    fn the_header_counts_only_from_a_trusted_proxy() {
        let trusted = nets(&["10.0.0.0/8"]);
        let forged = headers(&["198.51.100.1"]);
        assert_eq!(resolve(ip("203.0.113.5"), &forged, &trusted), ip("203.0.113.5"), "a client's own header");
        assert_eq!(resolve(ip("10.0.0.2"), &forged, &[]), ip("10.0.0.2"), "no proxy trusted: header ignored");
        assert_eq!(resolve(ip("10.0.0.2"), &forged, &trusted), ip("198.51.100.1"), "from the proxy");
        assert_eq!(resolve(ip("10.0.0.2"), &HeaderMap::new(), &trusted), ip("10.0.0.2"), "no header");
    }

    #[test]
    fn what_a_client_writes_before_the_proxy_is_never_read() {
        let trusted = nets(&["10.0.0.0/8", "fd00::/8"]);
        // The client sent "X-Forwarded-For: 1.2.3.4"; nginx appended its peer.
        let chain = headers(&["1.2.3.4, 203.0.113.5"]);
        assert_eq!(resolve(ip("10.0.0.2"), &chain, &trusted), ip("203.0.113.5"));
        // Two proxies of ours, the outer one's hop skipped too; a second header line is the same list.
        let two = headers(&["1.2.3.4, 203.0.113.5", "fd00::7"]);
        assert_eq!(resolve(ip("10.0.0.2"), &two, &trusted), ip("203.0.113.5"));
        // Garbage where a proxy's address should be: an unknown client, never the proxy's loopback.
        let garbage = headers(&["203.0.113.5, not-an-address, 10.0.0.9"]);
        assert_eq!(resolve(ip("10.0.0.2"), &garbage, &trusted), UNKNOWN_CLIENT);
        let loopback = nets(&["127.0.0.1"]);
        assert_eq!(resolve(ip("127.0.0.1"), &headers(&[""]), &loopback), UNKNOWN_CLIENT);
        assert!(!UNKNOWN_CLIENT.is_loopback());
        // With ports, as some proxies write them.
        let ported = headers(&["[2001:db8::5]:4711, 198.51.100.2:80"]);
        assert_eq!(resolve(ip("10.0.0.2"), &ported, &trusted), ip("198.51.100.2"));
        // IPv6 in brackets without a port, as some proxies write it.
        assert_eq!(resolve(ip("10.0.0.2"), &headers(&["[2001:db8::5]"]), &trusted), ip("2001:db8::5"));
        // Unicode's spaces are not HTTP's: such a hop is not an address.
        let spaced = HeaderValue::from_bytes("198.51.100.2\u{a0}".as_bytes()).expect("header");
        let mut map = HeaderMap::new();
        map.append("x-forwarded-for", spaced);
        assert_eq!(resolve(ip("10.0.0.2"), &map, &trusted), UNKNOWN_CLIENT);
        // Everything trusted: the leftmost read; a long forged list is cut.
        let ours = headers(&["10.1.1.1, 10.2.2.2"]);
        assert_eq!(resolve(ip("10.0.0.2"), &ours, &trusted), ip("10.1.1.1"));
        let long = headers(&[&vec!["10.3.3.3"; 100].join(", ")]);
        assert_eq!(resolve(ip("10.0.0.2"), &long, &trusted), ip("10.3.3.3"));
    }

    #[test]
    fn a_clients_unreadable_text_does_not_hide_the_hop_the_proxy_appended() {
        let trusted = nets(&["127.0.0.1"]);
        // The client sent bytes that are not text; nginx appended the real
        // address to the same line.
        let mut map = HeaderMap::new();
        map.append("x-forwarded-for", HeaderValue::from_bytes(b"\xff\xfe, 203.0.113.5").expect("header"));
        assert_eq!(resolve(ip("127.0.0.1"), &map, &trusted), ip("203.0.113.5"));
        map.append("x-forwarded-for", HeaderValue::from_bytes(b"198.51.100.4").expect("header"));
        assert_eq!(resolve(ip("127.0.0.1"), &map, &trusted), ip("198.51.100.4"), "the last line's hop");
    }
}
