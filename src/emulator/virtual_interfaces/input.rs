//! The members of a VIF or BGP peer request the emulator reads, checked as AWS
//! documents them: ASNs, auth keys, address families and peering addresses.

use super::*;

/// Fetch an integer member of a nested object.
pub(super) fn int(object: &Map<String, Value>, key: &str) -> Option<i64> {
    object.get(key).and_then(Value::as_i64)
}

pub(super) fn string<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    object.get(key).and_then(Value::as_str)
}

/// The peer ASN: `asnLong` wins over `asn` [api NewPrivateVirtualInterface.asnLong].
pub(super) fn peer_asn(object: &Map<String, Value>) -> Result<i64, ApiError> {
    match (int(object, "asnLong"), int(object, "asn")) {
        (Some(long), _) if (1..=4_294_967_294).contains(&long) => Ok(long),
        (Some(long), _) => Err(ApiError::client(format!(
            "ASN {long} is not valid: it must be within 1-4294967294"
        ))),
        (None, Some(asn)) if (1..=2_147_483_646).contains(&asn) => Ok(asn),
        (None, Some(asn)) => Err(ApiError::client(format!(
            "ASN {asn} is not valid: it must be within 1-2147483646"
        ))),
        (None, None) => Err(ApiError::client("An ASN (asn or asnLong) is required")),
    }
}

pub(super) fn auth_key(object: &Map<String, Value>, seed: u32) -> Result<String, ApiError> {
    match string(object, "authKey") {
        Some(key) if (6..=80).contains(&key.chars().count()) => Ok(key.to_owned()),
        Some(_) => Err(ApiError::client(
            "The BGP authentication key must be 6 to 80 characters long",
        )),
        None => Ok(format!("0x{seed:08x}Kq")),
    }
}

pub(super) fn family(object: &Map<String, Value>) -> Result<String, ApiError> {
    match string(object, "addressFamily").unwrap_or("ipv4") {
        f @ ("ipv4" | "ipv6") => Ok(f.to_owned()),
        other => Err(ApiError::client(format!(
            "Address family {other} is not valid: use ipv4 or ipv6"
        ))),
    }
}

/// Parse `a.b.c.d/n`.
pub(super) fn cidr(text: &str) -> Option<(Ipv4Addr, u8)> {
    let (ip, len) = text.split_once('/')?;
    let ip: Ipv4Addr = ip.parse().ok()?;
    let len: u8 = len.parse().ok()?;
    (len <= 32).then_some((ip, len))
}

/// Public IPv4 peering addresses: both given, one subnet, public, neither the network
/// nor the broadcast address (LIFECYCLE input rules).
pub(super) fn public_addresses(
    amazon: Option<&str>,
    customer: Option<&str>,
) -> Result<(String, String), ApiError> {
    let (Some(amazon), Some(customer)) = (amazon, customer) else {
        return Err(ApiError::client(
            "A public IPv4 virtual interface requires amazonAddress and customerAddress",
        ));
    };
    let invalid = |what: &str| {
        ApiError::client(format!(
            "Invalid peering addresses {amazon} and {customer}: {what}"
        ))
    };
    let (Some((a, alen)), Some((c, clen))) = (cidr(amazon), cidr(customer)) else {
        return Err(invalid("not CIDR notation"));
    };
    if alen != clen || alen == 0 || alen > 30 {
        return Err(invalid("they must share one subnet of /30 or larger"));
    }
    let mask = u32::MAX << (32 - alen);
    let (ai, ci) = (u32::from(a), u32::from(c));
    if ai & mask != ci & mask || ai == ci {
        return Err(invalid("they must be two addresses of one subnet"));
    }
    for ip in [ai, ci] {
        let host = ip & !mask;
        if host == 0 || host == !mask {
            return Err(invalid(
                "the network and broadcast addresses cannot be used",
            ));
        }
    }
    let private = |ip: Ipv4Addr| {
        ip.is_private() || ip.is_loopback() || ip.is_link_local() || ip.is_unspecified()
    };
    if private(a) || private(c) {
        return Err(invalid("a public virtual interface needs public addresses"));
    }
    Ok((amazon.to_owned(), customer.to_owned()))
}

/// Link-local IPv4 or documentation IPv6 addresses AWS would assign.
pub(super) fn assigned_addresses(family: &str, seed: u32) -> (String, String) {
    if family == "ipv6" {
        let block = seed & 0xffff;
        (
            format!("2001:db8:{block:x}::1/125"),
            format!("2001:db8:{block:x}::2/125"),
        )
    } else {
        let third = seed % 250;
        let fourth = (seed / 250 % 63) * 4;
        (
            format!("169.254.{third}.{}/30", fourth + 1),
            format!("169.254.{third}.{}/30", fourth + 2),
        )
    }
}
