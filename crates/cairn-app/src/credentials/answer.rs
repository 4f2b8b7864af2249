//! What the key services' answers share (Vault transit, AWS KMS): a string
//! field of a JSON answer, and a KEK returned as base64. A leaf, so the
//! services' modules never import their parent.

/// The string field `name` of a JSON answer from `who` ("Vault", "AWS KMS").
pub(crate) fn answer_field<'a>(
    v: &'a serde_json::Value,
    name: &str,
    who: &str,
) -> cairn_core::Result<&'a str> {
    v.get(name)
        .and_then(serde_json::Value::as_str)
        .ok_or_else(|| {
            cairn_core::Error::new(
                cairn_core::ErrorKind::Io,
                format!("the {who} answer has no {name}"),
            )
        })
}

/// A KEK an outside service returned as base64 (Vault's `plaintext`, KMS's
/// `Plaintext`); `who` names the service in the error.
pub(crate) fn kek_from_base64(b64: &str, who: &str) -> cairn_core::Result<[u8; 32]> {
    use base64::Engine;
    let kek = zeroize::Zeroizing::new(
        base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap_or_default(),
    );
    <[u8; 32]>::try_from(kek.as_slice()).map_err(|_| {
        cairn_core::Error::new(
            cairn_core::ErrorKind::WrongKey,
            format!("{who} returned something that is not a 32-byte key"),
        )
    })
}
