//! API token strings as a client presents them (the Authorization header's
//! value, and the token `Bearer` carries in it): the shape and checksum
//! check, then the constant-time match against stored hashes. A token minted from the first 20 bytes is stored
//! (once live, once revoked); the rest is presented. Only the exact minted
//! token authenticates: a malformed, truncated or altered one never does.
#![no_main]
use cairn_token::{authenticate, bearer, hash, mint, well_formed, Refused, Stored};

struct Entry {
    sha256: String,
    revoked: bool,
}

impl Stored for &Entry {
    fn sha256(&self) -> &str {
        &self.sha256
    }
    fn revoked(&self) -> bool {
        self.revoked
    }
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((raw, rest)) = data.split_first_chunk::<20>() else {
        return;
    };
    let minted = mint(raw);
    assert!(well_formed(&minted), "{minted}");
    let live = [
        // A stored hash that is not hex, and one of another token: skipped.
        Entry { sha256: "zz".into(), revoked: false },
        Entry { sha256: hex_of(&mint(&[0xa5; 20])), revoked: false },
        Entry { sha256: hex_of(&minted), revoked: false },
    ];
    let revoked = [Entry { sha256: hex_of(&minted), revoked: true }];
    let header = String::from_utf8_lossy(rest);
    for presented in [Some(&*header), bearer(&header)].into_iter().flatten() {
        match authenticate(presented, &live) {
            Ok(e) => {
                assert!(presented == minted || presented == mint(&[0xa5; 20]), "{presented:?}");
                assert_eq!(e.sha256, hex_of(presented));
            }
            Err(Refused::Malformed) => assert!(!well_formed(presented)),
            Err(Refused::Unknown) => assert!(well_formed(presented)),
            Err(Refused::Revoked) => panic!("no live entry is revoked"),
        }
        if presented == minted {
            assert_eq!(authenticate(presented, &revoked).err(), Some(Refused::Revoked));
        }
    }
    // Every truncation of the real token, and the real token with the
    // presented bytes spliced in at a fuzzed place, fail unless identical.
    for cut in 0..minted.len() {
        assert_eq!(authenticate(&minted[..cut], &live).err(), Some(Refused::Malformed));
    }
    if let Some((&at, tail)) = rest.split_first() {
        let mut altered = minted.clone().into_bytes();
        let at = usize::from(at) % altered.len();
        let end = (at + tail.len()).min(altered.len());
        altered[at..end].copy_from_slice(&tail[..end - at]);
        if let Ok(altered) = String::from_utf8(altered) {
            if altered != minted && altered != mint(&[0xa5; 20]) {
                assert!(authenticate(&altered, &live).is_err(), "{altered:?} authenticated");
            }
        }
    }
});

fn hex_of(token: &str) -> String {
    hash(token).iter().map(|b| format!("{b:02x}")).collect()
}
