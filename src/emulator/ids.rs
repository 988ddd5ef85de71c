//! Identifier generation: resource ids (`dxcon-` + 8 lower-case alphanumerics, as
//! in AWS's `dxcon-fg5678gh`), device names and request ids.
//!
//! Ids are deterministic (a per-prefix counter pushed through a bijection, so the
//! same sequence of calls yields the same ids) yet look random, so a client that
//! wrongly relies on ids being sequential or sortable is not accidentally helped.
//! Counters survive `reset`: an id is never reused during a server's lifetime, as
//! on AWS.

use std::collections::HashMap;

const ALPHABET: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
/// Number of distinct 8-character base-36 suffixes.
const SPACE: u64 = 36u64.pow(8);
/// The permutation below works on 42-bit words (2^42 > 36^8).
const MASK: u64 = (1 << 42) - 1;

/// A fixed bijection on 42-bit words (odd multiplications and xor-shifts are
/// invertible modulo a power of two).
fn permute(mut x: u64, salt: u64) -> u64 {
    x = (x ^ salt) & MASK;
    x = x.wrapping_mul(0x2545_F491_4F6C_DD1D) & MASK;
    x ^= x >> 21;
    x = x.wrapping_mul(0x0000_9E37_79B9_7F4B) & MASK;
    x ^= x >> 17;
    x = x.wrapping_add(salt.rotate_left(13)) & MASK;
    x = x.wrapping_mul(0x0000_0100_0000_01B3) & MASK;
    x ^= x >> 19;
    x
}

/// A bijection on `[0, SPACE)` by cycle walking the 42-bit permutation.
fn scramble(n: u64, salt: u64) -> u64 {
    let mut x = n % SPACE;
    loop {
        x = permute(x, salt);
        if x < SPACE {
            return x;
        }
    }
}

/// `n` in base 36 with exactly `width` digits.
fn base36(mut n: u64, width: usize) -> String {
    let mut digits = vec![b'0'; width];
    for slot in digits.iter_mut().rev() {
        *slot = ALPHABET[(n % 36) as usize];
        n /= 36;
    }
    String::from_utf8(digits).unwrap_or_default()
}

/// FNV-1a, to derive stable salts and seeds from text.
fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3)
    })
}

/// SplitMix64 finaliser: a well-mixed 64-bit value from a counter or seed.
fn mix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Hands out resource ids: one sequence per account and prefix.
///
/// Ids are salted with the account, so accounts never share an id, yet what an
/// account's resources do (flaps, which documented answer a delete gets) depends
/// only on their place in that account's sequence: [`IdGen::seed`] hashes the
/// account-free *canonical* form of each id. Cases running side by side in accounts
/// of their own therefore see the target behave exactly as one case alone does.
#[derive(Debug, Default)]
pub(super) struct IdGen {
    next: HashMap<(String, &'static str), u64>,
    /// Every id handed out: its account and canonical form.
    issued: HashMap<String, (String, String)>,
}

impl IdGen {
    /// The next id with `prefix` (e.g. `dxcon`) for `account`: `dxcon-` and 8
    /// characters of [a-z0-9], never one handed out before.
    pub(super) fn next(&mut self, account: &str, prefix: &'static str) -> String {
        let salt = fnv(prefix) ^ fnv(account).rotate_left(17);
        loop {
            let counter = self.next.entry((account.to_owned(), prefix)).or_insert(0);
            let n = *counter;
            *counter += 1;
            let id = format!("{prefix}-{}", base36(scramble(n, salt), 8));
            if self.issued.contains_key(&id) {
                continue; // another account's id: skip it, as AWS never reuses one
            }
            let canonical = format!("{prefix}-{}", base36(scramble(n, fnv(prefix)), 8));
            self.issued
                .insert(id.clone(), (account.to_owned(), canonical));
            return id;
        }
    }

    /// A stable behaviour seed for `text` (ids and values joined by `/`): each id in
    /// it stands for its canonical, account-free form.
    pub(super) fn seed(&self, text: &str) -> u32 {
        let canonical: Vec<&str> = text
            .split('/')
            .map(|part| self.issued.get(part).map_or(part, |(_, c)| c.as_str()))
            .collect();
        seed(&canonical.join("/"))
    }

    /// Record `id`, derived from an id of this generator, with its canonical form.
    pub(super) fn alias(&mut self, id: &str, account: &str, canonical: String) {
        self.issued
            .insert(id.to_owned(), (account.to_owned(), canonical));
    }

    /// The account-free form of `id` (`id` itself if it was not handed out here).
    pub(super) fn canonical(&self, id: &str) -> String {
        self.issued
            .get(id)
            .map_or_else(|| id.to_owned(), |(_, c)| c.clone())
    }

    /// Restart the sequences of `accounts` (their resources were forgotten).
    pub(super) fn forget(&mut self, accounts: &[String]) {
        self.next.retain(|(a, _), _| !accounts.contains(a));
        self.issued.retain(|_, (a, _)| !accounts.contains(a));
    }
}

/// A stable small number derived from an id (FNV-1a), to spread per-resource behaviour
/// such as flaps deterministically.
pub(super) fn seed(id: &str) -> u32 {
    id.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

/// A stable device name at a location, e.g. `EqDC2-2f9sy6ab1hde3` (the shape of
/// `awsDevice` values in AWS's published outputs). `role` separates the physical
/// and logical device names of the same location.
pub(super) fn device(location: &str, role: &str) -> String {
    let seed = mix64(fnv(location) ^ fnv(role).rotate_left(7));
    format!("{location}-{}", base36(seed % 36u64.pow(12), 12))
}

/// The request id of the `n`th response: UUID-shaped (version 4 layout),
/// deterministic.
pub(super) fn request_id(n: u64) -> String {
    let a = mix64(n);
    let b = mix64(n ^ 0xA5A5_A5A5_A5A5_A5A5);
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        0x8000 | ((b >> 48) & 0x3fff),
        b & 0xffff_ffff_ffff
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;
    use std::collections::HashSet;

    #[test]
    fn ids_have_the_aws_shape_and_are_unique() {
        let shape = Regex::new("^dxcon-[a-z0-9]{8}$").unwrap();
        let mut ids = IdGen::default();
        let mut seen = HashSet::new();
        for _ in 0..20_000 {
            let id = ids.next("111111111111", "dxcon");
            assert!(shape.is_match(&id), "{id}");
            assert!(seen.insert(id.clone()), "repeated {id}");
        }
    }

    #[test]
    fn sequences_are_deterministic_and_per_prefix() {
        let mut a = IdGen::default();
        let mut b = IdGen::default();
        let first = a.next("111111111111", "dxcon");
        assert_eq!(first, b.next("111111111111", "dxcon"));
        assert!(b.next("111111111111", "dxlag").starts_with("dxlag-"));
        assert_eq!(
            a.next("111111111111", "dxcon"),
            b.next("111111111111", "dxcon")
        );
        assert_ne!(first, a.next("111111111111", "dxcon"));
    }

    #[test]
    fn scramble_is_a_bijection_on_a_sample() {
        let salt = fnv("dxcon");
        let outputs: HashSet<u64> = (0..5000).map(|n| scramble(n, salt)).collect();
        assert_eq!(outputs.len(), 5000);
        assert!(outputs.iter().all(|&x| x < SPACE));
    }

    #[test]
    fn request_ids_look_like_uuids() {
        let shape =
            Regex::new("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
                .unwrap();
        for n in 0..100 {
            let id = request_id(n);
            assert!(shape.is_match(&id), "{id}");
        }
        assert_ne!(request_id(1), request_id(2));
    }

    #[test]
    fn devices_are_stable_per_location() {
        assert_eq!(device("EqDC2", "port"), device("EqDC2", "port"));
        assert_ne!(device("EqDC2", "port"), device("EqDC2", "logical"));
        assert!(device("CSVA1", "port").starts_with("CSVA1-"));
    }
}
