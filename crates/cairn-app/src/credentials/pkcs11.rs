//! `pkcs11` slots: the KEK wrapped (AES key wrap with padding, RFC 5649) by an
//! AES key that lives in an HSM and cannot leave it (CKA_EXTRACTABLE false,
//! CKA_SENSITIVE true). Tested with SoftHSM2.
//!
//! The module (a shared library Cairn loads) is always the user's setting
//! (`--pkcs11-module` or CAIRN_PKCS11_MODULE; `keys add --pkcs11 MODULE`):
//! the path stored in a slot is shown, never loaded, because the repository's
//! storage is not trusted to choose what code runs here. The PIN comes from
//! CAIRN_PKCS11_PIN or `--pkcs11-pin-file` and appears in no message.

use cairn_core::keyslot::external::Pkcs11Params;
use cairn_core::keyslot::{ExternalParams, KekSource, SlotContext};
use cairn_core::{Error, ErrorKind, Result};
use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::RvError;
use cryptoki::mechanism::Mechanism;
use cryptoki::object::{Attribute, AttributeType, KeyType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, UserType};
use cryptoki::types::AuthPin;

/// A PKCS#11 module and the token's user PIN.
pub struct Pkcs11Source {
    module: String,
    pin: String,
    /// For adding a slot: the token and key labels.
    target: Option<(String, String)>,
}

fn hsm_err(what: &str, e: cryptoki::error::Error) -> Error {
    match e {
        cryptoki::error::Error::Pkcs11(
            RvError::PinIncorrect | RvError::PinInvalid | RvError::PinLenRange,
            _,
        ) => Error::new(
            ErrorKind::WrongKey,
            format!("{what}: the token refused the PIN"),
        ),
        cryptoki::error::Error::Pkcs11(RvError::PinLocked, _) => Error::new(
            ErrorKind::WrongKey,
            format!("{what}: the token's PIN is locked (too many wrong PINs)"),
        ),
        e => Error::new(ErrorKind::Io, format!("{what}: {e}")),
    }
}

impl Pkcs11Source {
    pub fn new(module: &str, pin: String, target: Option<(String, String)>) -> Self {
        Pkcs11Source {
            module: module.to_string(),
            pin: pin.trim_end_matches(['\r', '\n']).to_string(),
            target,
        }
    }

    /// Loads the module, finds the token by label, logs in.
    fn session(&self, token: &str, rw: bool) -> Result<(Pkcs11, Session)> {
        let what = format!("PKCS#11 module {}", self.module);
        let ctx = Pkcs11::new(&self.module).map_err(|e| hsm_err(&what, e))?;
        ctx.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK))
            .map_err(|e| hsm_err(&what, e))?;
        let mut found = None;
        for slot in ctx.get_slots_with_token().map_err(|e| hsm_err(&what, e))? {
            let info = ctx.get_token_info(slot).map_err(|e| hsm_err(&what, e))?;
            if info.label().trim() == token {
                found = Some(slot);
                break;
            }
        }
        let slot = found.ok_or_else(|| {
            Error::new(
                ErrorKind::NotFound,
                format!("{what} has no token labelled {token:?}"),
            )
        })?;
        let what = format!("token {token:?}");
        let s = if rw {
            ctx.open_rw_session(slot)
        } else {
            ctx.open_ro_session(slot)
        }
        .map_err(|e| hsm_err(&what, e))?;
        s.login(UserType::User, Some(&AuthPin::from(self.pin.clone())))
            .map_err(|e| hsm_err(&what, e))?;
        Ok((ctx, s))
    }

    fn find_key(s: &Session, token: &str, label: &str) -> Result<Option<ObjectHandle>> {
        let keys = s
            .find_objects(&[
                Attribute::Class(ObjectClass::SECRET_KEY),
                Attribute::Label(label.as_bytes().to_vec()),
            ])
            .map_err(|e| hsm_err(&format!("token {token:?}"), e))?;
        Ok(keys.first().copied())
    }
}

/// A session copy of the KEK, extractable, so the HSM can wrap it and give it back.
fn kek_template() -> Vec<Attribute> {
    vec![
        Attribute::Class(ObjectClass::SECRET_KEY),
        Attribute::KeyType(KeyType::AES),
        Attribute::Token(false),
        Attribute::Sensitive(false),
        Attribute::Extractable(true),
    ]
}

impl KekSource for Pkcs11Source {
    fn kind(&self) -> &'static str {
        "pkcs11"
    }

    fn wrap_kek(&self, _ctx: SlotContext<'_>, kek: &[u8; 32]) -> Result<(ExternalParams, String)> {
        let (token, label) = self
            .target
            .clone()
            .ok_or_else(|| Error::invalid("no token and key label given"))?;
        let (_ctx, s) = self.session(&token, true)?;
        let what = format!("token {token:?} key {label:?}");
        let wrapping = match Self::find_key(&s, &token, &label)? {
            Some(k) => k,
            // A new wrapping key: an AES-256 key stored on the token that never leaves it.
            None => s
                .generate_key(
                    &Mechanism::AesKeyGen,
                    &[
                        Attribute::Token(true),
                        Attribute::Label(label.as_bytes().to_vec()),
                        Attribute::ValueLen(32.into()),
                        Attribute::Sensitive(true),
                        Attribute::Extractable(false),
                        Attribute::Wrap(true),
                        Attribute::Unwrap(true),
                    ],
                )
                .map_err(|e| hsm_err(&what, e))?,
        };
        let mut t = kek_template();
        t.push(Attribute::Value(kek.to_vec()));
        let tmp = s.create_object(&t).map_err(|e| hsm_err(&what, e))?;
        let wrapped = s.wrap_key(&Mechanism::AesKeyWrapPad, wrapping, tmp);
        let _ = s.destroy_object(tmp);
        let wrapped = wrapped.map_err(|e| hsm_err(&what, e))?;
        let params = ExternalParams::Pkcs11(Pkcs11Params {
            module: self.module.clone(),
            token,
            key: label,
        });
        Ok((params, hex::encode(wrapped)))
    }

    fn unwrap_kek(
        &self,
        _ctx: SlotContext<'_>,
        params: &ExternalParams,
        wrapped: &str,
    ) -> Result<[u8; 32]> {
        let ExternalParams::Pkcs11(p) = params else {
            return Err(Error::invalid("not a pkcs11 slot"));
        };
        let blob =
            hex::decode(wrapped).map_err(|_| Error::corrupt("the HSM-wrapped key is not hex"))?;
        let (_ctx, s) = self.session(&p.token, false)?;
        let what = format!("token {:?} key {:?}", p.token, p.key);
        let key = Self::find_key(&s, &p.token, &p.key)?.ok_or_else(|| {
            Error::new(
                ErrorKind::WrongKey,
                format!("{what}: no such key on the token"),
            )
        })?;
        let tmp = s
            .unwrap_key(&Mechanism::AesKeyWrapPad, key, &blob, &kek_template())
            .map_err(|e| match e {
                cryptoki::error::Error::Pkcs11(
                    RvError::WrappedKeyInvalid
                    | RvError::EncryptedDataInvalid
                    | RvError::WrappedKeyLenRange,
                    _,
                ) => Error::new(
                    ErrorKind::WrongKey,
                    format!("{what} does not unwrap this slot's key"),
                ),
                e => hsm_err(&what, e),
            })?;
        let attrs = s.get_attributes(tmp, &[AttributeType::Value]);
        let _ = s.destroy_object(tmp);
        let attrs = attrs.map_err(|e| hsm_err(&what, e))?;
        let value = attrs.into_iter().find_map(|a| match a {
            Attribute::Value(v) => Some(v),
            _ => None,
        });
        value
            .filter(|v| v.len() == 32)
            .and_then(|v| v.as_slice().try_into().ok())
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::WrongKey,
                    format!("{what} unwrapped something that is not a 32-byte key"),
                )
            })
    }
}
