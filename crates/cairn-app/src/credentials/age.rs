//! `age` slots: the KEK encrypted to an age X25519 recipient. This is the
//! escrow kind: adding needs only the public recipient, and the identity
//! (the private key) can stay offline until a recovery needs it.

use cairn_core::keyslot::external::AgeParams;
use cairn_core::keyslot::{ExternalParams, KekSource, SlotContext};
use cairn_core::{Error, ErrorKind, Result};
use std::io::{Read, Write};
use std::path::Path;
use std::str::FromStr;

/// Wraps to a recipient (adding a slot) and/or unwraps with identities (unlocking).
pub struct AgeSource {
    recipient: Option<age::x25519::Recipient>,
    identities: Vec<age::x25519::Identity>,
    /// Where the identities came from, for messages.
    origin: String,
}

impl AgeSource {
    /// For adding a slot: the recipient `age1…`.
    pub fn recipient(s: &str) -> Result<Self> {
        let r = age::x25519::Recipient::from_str(s.trim()).map_err(|e| {
            Error::invalid(format!("{s:?} is not an age X25519 recipient: {e}"))
                .hint("give the public key printed by `age-keygen` (age1…)")
        })?;
        Ok(AgeSource {
            recipient: Some(r),
            identities: Vec::new(),
            origin: String::new(),
        })
    }

    /// For unlocking: every `AGE-SECRET-KEY-1…` line of an identity file.
    pub fn identity_file(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::io(format!("age identity file {}", path.display()), e))?;
        let mut identities = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            // The parse error text never quotes the key; ours names only the line.
            let id = age::x25519::Identity::from_str(line).map_err(|_| {
                Error::invalid(format!(
                    "age identity file {} line {} is not an age X25519 identity",
                    path.display(),
                    n + 1
                ))
                .hint("give the file written by `age-keygen` (AGE-SECRET-KEY-1…)")
            })?;
            identities.push(id);
        }
        if identities.is_empty() {
            return Err(Error::invalid(format!(
                "age identity file {} holds no identity",
                path.display()
            )));
        }
        Ok(AgeSource {
            recipient: None,
            identities,
            origin: path.display().to_string(),
        })
    }
}

impl KekSource for AgeSource {
    fn kind(&self) -> &'static str {
        "age"
    }

    fn wrap_kek(&self, _ctx: SlotContext<'_>, kek: &[u8; 32]) -> Result<(ExternalParams, String)> {
        let r = self
            .recipient
            .as_ref()
            .ok_or_else(|| Error::invalid("no age recipient given"))?;
        let enc = age::Encryptor::with_recipients(std::iter::once(r as &dyn age::Recipient))
            .map_err(|e| Error::invalid(format!("age encryption failed: {e}")))?;
        let mut out = Vec::new();
        let io = |e: std::io::Error| Error::io("age encryption", e);
        let mut w = enc.wrap_output(&mut out).map_err(io)?;
        w.write_all(kek).map_err(io)?;
        w.finish().map_err(io)?;
        let params = ExternalParams::Age(AgeParams {
            recipient: r.to_string(),
        });
        Ok((params, hex::encode(out)))
    }

    fn unwrap_kek(
        &self,
        _ctx: SlotContext<'_>,
        params: &ExternalParams,
        wrapped: &str,
    ) -> Result<[u8; 32]> {
        let ExternalParams::Age(p) = params else {
            return Err(Error::invalid("not an age slot"));
        };
        let file =
            hex::decode(wrapped).map_err(|_| Error::corrupt("the age-encrypted key is not hex"))?;
        let dec = age::Decryptor::new_buffered(&file[..])
            .map_err(|e| Error::corrupt(format!("the age-encrypted key is malformed: {e}")))?;
        let ids = self.identities.iter().map(|i| i as &dyn age::Identity);
        let mut r = match dec.decrypt(ids) {
            Ok(r) => r,
            Err(age::DecryptError::NoMatchingKeys) => {
                return Err(Error::new(
                    ErrorKind::WrongKey,
                    format!(
                        "no identity in {} matches the slot's recipient {}",
                        self.origin, p.recipient
                    ),
                ))
            }
            Err(e) => return Err(Error::corrupt(format!("age decryption failed: {e}"))),
        };
        let mut kek = Vec::new();
        r.read_to_end(&mut kek)
            .map_err(|e| Error::corrupt(format!("age decryption failed: {e}")))?;
        kek.as_slice()
            .try_into()
            .map_err(|_| Error::corrupt("the age-encrypted key is not 32 bytes"))
    }
}
