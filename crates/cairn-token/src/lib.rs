//! API tokens: 160 random bits behind a recognisable prefix and a checksum
//! (`cairn_<32 base32 chars>_<8 hex CRC32>`), so secret scanners can find
//! leaked ones and typos are rejected before any lookup. Only the SHA-256 of
//! a token is stored; a presented token is hashed and compared in constant
//! time against every stored hash.
//!
//! This crate is the format and the check, nothing else: the caller brings
//! the random bytes and the stored entries (cairn-server keeps them in its
//! token store file), so the parser can be fuzzed on its own.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// What every token starts with.
pub const PREFIX: &str = "cairn_";

/// Why a presented token does not authenticate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    /// Not a token's shape, or its checksum does not match (a typo, a
    /// truncated copy): refused before any lookup.
    #[error("malformed token")]
    Malformed,
    /// Well formed, but no stored token has its hash.
    #[error("unknown token")]
    Unknown,
    /// The stored token it matches was revoked.
    #[error("token revoked")]
    Revoked,
}

/// A stored token as the check needs it: its hash and whether it is revoked.
pub trait Stored {
    /// SHA-256 of the token, hex (anything else never matches).
    fn sha256(&self) -> &str;
    /// Whether it was revoked.
    fn revoked(&self) -> bool;
}

fn checksum(body: &str) -> String {
    format!("{:08x}", crc32fast::hash(body.as_bytes()))
}

/// SHA-256 of a token: what is stored instead of the token.
pub fn hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// The public id of a token (first 12 hex digits of its hash): what the
/// audit log names when a token is presented, known or not.
pub fn token_id(token: &str) -> String {
    hex::encode(hash(token))[..12].to_string()
}

/// The token made of these 160 random bits.
pub fn mint(raw: &[u8; 20]) -> String {
    let body = data_encoding::BASE32_NOPAD.encode(raw).to_ascii_lowercase();
    format!("{PREFIX}{body}_{}", checksum(&body))
}

/// The token an `Authorization` header's value carries (`Bearer <token>`,
/// blanks around the token trimmed); none for any other scheme.
pub fn bearer(header: &str) -> Option<&str> {
    header.strip_prefix("Bearer ").map(str::trim)
}

/// Checks a token's shape and checksum (no lookup).
pub fn well_formed(token: &str) -> bool {
    let Some(rest) = token.strip_prefix(PREFIX) else {
        return false;
    };
    let Some((body, sum)) = rest.split_once('_') else {
        return false;
    };
    body.len() == 32
        && body
            .bytes()
            .all(|b| b.is_ascii_lowercase() || (b'2'..=b'7').contains(&b))
        && sum == checksum(body)
}

/// The live stored token matching `token`: its shape first, then its hash
/// compared in constant time with every stored one (all of them, so the
/// time does not say how far down the list a match was).
pub fn authenticate<T: Stored>(
    token: &str,
    stored: impl IntoIterator<Item = T>,
) -> Result<T, Refused> {
    if !well_formed(token) {
        return Err(Refused::Malformed);
    }
    let want = hash(token);
    let mut found = None;
    for t in stored {
        let Ok(h) = hex::decode(t.sha256()) else {
            continue;
        };
        if bool::from(h.as_slice().ct_eq(&want)) && found.is_none() {
            found = Some(t);
        }
    }
    match found {
        Some(t) if !t.revoked() => Ok(t),
        Some(_) => Err(Refused::Revoked),
        None => Err(Refused::Unknown),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Entry(String, bool);
    impl Stored for &Entry {
        fn sha256(&self) -> &str {
            &self.0
        }
        fn revoked(&self) -> bool {
            self.1
        }
    }

    #[test]
    fn a_minted_token_authenticates_and_its_damaged_copies_do_not() {
        let tok = mint(&[7; 20]);
        assert!(well_formed(&tok) && tok.starts_with(PREFIX), "{tok}");
        let stored = [Entry(hex::encode(hash(&tok)), false)];
        assert!(authenticate(&tok, &stored).is_ok());
        for cut in 0..tok.len() {
            assert_eq!(
                authenticate(&tok[..cut], &stored).err(),
                Some(Refused::Malformed)
            );
        }
        // A typo fails the checksum before any lookup.
        let mut typo = tok.clone().into_bytes();
        typo[10] = if typo[10] == b'a' { b'b' } else { b'a' };
        let typo = String::from_utf8(typo).unwrap();
        assert_eq!(authenticate(&typo, &stored).err(), Some(Refused::Malformed));
        assert_eq!(
            authenticate(&mint(&[8; 20]), &stored).err(),
            Some(Refused::Unknown)
        );
        let header = format!("Bearer  {tok} ");
        assert!(authenticate(bearer(&header).unwrap(), &stored).is_ok());
        assert_eq!(bearer(&format!("Basic {tok}")), None);
        let revoked = [Entry(hex::encode(hash(&tok)), true)];
        assert_eq!(authenticate(&tok, &revoked).err(), Some(Refused::Revoked));
    }
}
