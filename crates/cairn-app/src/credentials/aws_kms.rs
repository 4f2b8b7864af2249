//! `aws-kms` slots: the KEK encrypted by a symmetric AWS KMS key, over KMS's
//! JSON API (`TrentService.Encrypt`, `Decrypt`, `ReEncrypt`), signed with
//! SigV4 by reqsign (the signer the S3 backend already uses) and sent with
//! ureq, the blocking client of the Vault slot, so this crate keeps no
//! runtime or hyper stack (.ci/run checks its tree).
//!
//! Every call carries the encryption context `cairn:repository` = the
//! repository id (hex) and `cairn:slot` = the slot id: KMS refuses to decrypt
//! the KEK for any other pair, CloudTrail records which repository was
//! opened, and key policies can grant a role one repository only
//! (`kms:EncryptionContext:cairn:repository`).
//!
//! Credentials come from the conventional chain, read when a slot is tried:
//! AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, then the
//! shared profile files (AWS_PROFILE); no instance metadata, as the S3
//! backend. The endpoint is the operator's override (AWS_ENDPOINT_URL_KMS,
//! AWS_ENDPOINT_URL, or the server's `aws-kms-endpoint`), else
//! `https://kms.REGION.amazonaws.com` for the region in the slot's key ARN
//! (checked to be a plain region name): a slot written by someone with
//! storage access cannot send this machine's signed requests elsewhere.
//! Neither the secret key, the session token nor the KEK appears in any
//! message or Debug output.

use base64::Engine;
use cairn_core::keyslot::external::{parse_kms_key_arn, AwsKmsParams};
use cairn_core::keyslot::{ExternalParams, KekSource, SlotContext};
use cairn_core::{Error, ErrorKind, Result};
use reqsign_aws_v4::{DefaultCredentialProvider, RequestSigner};
use reqsign_core::{Context, OsEnv, ProvideCredential, SignRequest};
use serde_json::{json, Value};
use std::time::Duration;

/// Signs and sends KMS calls for `aws-kms` slots.
#[derive(Debug, Clone, Default)]
pub struct AwsKmsSource {
    /// The operator's endpoint override; none: the region's AWS endpoint.
    endpoint: Option<String>,
    /// For adding a slot: the key (id, alias, or ARN) and the region to
    /// use when it is not an ARN.
    target: Option<(String, Option<String>)>,
}

/// The conventional endpoint override from the environment:
/// AWS_ENDPOINT_URL_KMS, else AWS_ENDPOINT_URL.
pub fn endpoint_from_env() -> Option<String> {
    ["AWS_ENDPOINT_URL_KMS", "AWS_ENDPOINT_URL"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.trim().is_empty()))
}

/// The region from the environment: AWS_REGION, else AWS_DEFAULT_REGION.
pub fn region_from_env() -> Option<String> {
    ["AWS_REGION", "AWS_DEFAULT_REGION"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.trim().is_empty()))
}

/// Reads files for the profile provider with std (reqsign's own reader is
/// tokio's).
#[derive(Debug)]
struct StdFileRead;

impl reqsign_core::FileRead for StdFileRead {
    async fn file_read(&self, path: &str) -> reqsign_core::Result<Vec<u8>> {
        std::fs::read(path).map_err(|e| {
            reqsign_core::Error::unexpected(format!("cannot read {path}")).with_source(e)
        })
    }
}

/// The context of one slot, as KMS gets it.
fn encryption_context(ctx: SlotContext<'_>) -> Value {
    json!({
        "cairn:repository": ctx.repo.to_hex(),
        "cairn:slot": ctx.slot_id,
    })
}

impl AwsKmsSource {
    /// A source for unlocking; `endpoint` overrides the region's endpoint.
    pub fn new(endpoint: Option<String>) -> Self {
        AwsKmsSource {
            endpoint: endpoint.map(|e| e.trim_end_matches('/').to_string()),
            target: None,
        }
    }

    /// A source for adding a slot wrapped by `key` (a key id, `alias/NAME`,
    /// or an ARN); `region` is used when `key` is not an ARN.
    pub fn for_key(endpoint: Option<String>, key: &str, region: Option<String>) -> Result<Self> {
        if key.trim().is_empty() {
            return Err(Error::invalid("the AWS KMS key is empty")
                .hint("give a key id, alias/NAME or key ARN"));
        }
        Ok(AwsKmsSource {
            target: Some((key.trim().to_string(), region)),
            ..Self::new(endpoint)
        })
    }

    fn url(&self, partition: &str, region: &str) -> String {
        match &self.endpoint {
            Some(e) => e.clone(),
            None => {
                let domain = if partition == "aws-cn" {
                    "amazonaws.com.cn"
                } else {
                    "amazonaws.com"
                };
                format!("https://kms.{region}.{domain}")
            }
        }
    }

    /// One signed KMS call; returns the answer's JSON.
    fn call(&self, region: &str, partition: &str, action: &str, body: &Value) -> Result<Value> {
        let url = self.url(partition, region);
        let what = format!("AWS KMS {action} at {url}");
        let body = serde_json::to_vec(body)
            .map_err(|e| Error::invalid(format!("{what}: cannot encode the request: {e}")))?;
        let req = ureq::http::Request::builder()
            .method("POST")
            .uri(&url)
            .header("content-type", "application/x-amz-json-1.1")
            .header("x-amz-target", format!("TrentService.{action}"))
            .header(
                "x-amz-content-sha256",
                reqsign_core::hash::hex_sha256(&body),
            )
            .body(())
            .map_err(|e| {
                Error::invalid(format!("{what}: {e}")).hint("check the KMS endpoint URL")
            })?;
        let (mut parts, ()) = req.into_parts();
        sign(&mut parts, region)?;
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(30)))
            .http_status_as_error(false)
            .build()
            .into();
        let mut resp = agent
            .run(ureq::http::Request::from_parts(parts, body))
            .map_err(|e| Error::new(ErrorKind::Io, format!("{what} is unreachable: {e}")))?;
        let status = resp.status().as_u16();
        let text = resp.body_mut().read_to_string().unwrap_or_default();
        let v = answer(&text);
        if (200..300).contains(&status) {
            return Ok(v);
        }
        Err(refusal(&what, status, &v))
    }

    /// The region and partition a slot's key lives in.
    fn place(p: &AwsKmsParams) -> Result<(&str, &str)> {
        Ok((p.region()?, p.partition()?))
    }
}

/// Signs `parts` for KMS in `region` with the first credential the chain finds.
fn sign(parts: &mut ureq::http::request::Parts, region: &str) -> Result<()> {
    let ctx = Context::new().with_file_read(StdFileRead).with_env(OsEnv);
    let chain = DefaultCredentialProvider::builder().no_imds().build();
    // The providers used here (environment, profile files) never wait on
    // anything but a file read, so polling them to completion on this
    // thread is all the executor they need.
    let cred = futures_executor::block_on(chain.provide_credential(&ctx))
        .map_err(|e| no_credentials(&format!(": {e}")))?
        .ok_or_else(|| no_credentials(""))?;
    futures_executor::block_on(RequestSigner::new("kms", region).sign_request(
        &ctx,
        parts,
        Some(&cred),
        None,
    ))
    .map_err(|e| {
        Error::new(
            ErrorKind::WrongKey,
            format!("cannot sign the AWS KMS request: {e}"),
        )
    })
}

fn no_credentials(why: &str) -> Error {
    Error::new(
        ErrorKind::WrongKey,
        format!("no AWS credentials found for KMS{why}"),
    )
    .hint("set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), or AWS_PROFILE")
}

/// An answer as JSON. KMS answers JSON, errors included; a gateway in
/// front of it (or an emulator's signature check) may answer the query
/// protocol's XML `<Error><Code>…</Code><Message>…</Message>`, taken here as
/// the same two fields.
fn answer(text: &str) -> Value {
    if let Ok(v) = serde_json::from_str(text) {
        return v;
    }
    let tag = |t: &str| {
        let start = text.find(&format!("<{t}>"))? + t.len() + 2;
        let len = text[start..].find(&format!("</{t}>"))?;
        Some(text[start..start + len].to_string())
    };
    match tag("Code") {
        Some(code) => json!({"__type": code, "message": tag("Message").unwrap_or_default()}),
        None => Value::Null,
    }
}

/// KMS's error answer (`{"__type": "...", "message": "..."}`) as one line.
/// Its texts name keys and states, never a secret.
pub fn refusal(what: &str, status: u16, v: &Value) -> Error {
    let code = v
        .get("__type")
        .and_then(Value::as_str)
        .map(|t| t.rsplit('#').next().unwrap_or(t))
        .unwrap_or("no error code");
    let message = v
        .get("message")
        .or_else(|| v.get("Message"))
        .and_then(Value::as_str)
        .unwrap_or("");
    let head = format!("{what} was refused (HTTP {status}, {code}: {message})");
    match code {
        "DisabledException" => Error::new(
            ErrorKind::PermissionDenied,
            format!("{head}: the key is disabled"),
        )
        .hint("enable the key in KMS, or unlock through another slot"),
        "KMSInvalidStateException" => Error::new(
            ErrorKind::PermissionDenied,
            format!("{head}: the key is pending deletion or not usable"),
        )
        .hint("cancel the key's deletion in KMS, or unlock through another slot"),
        "NotFoundException" => Error::new(
            ErrorKind::WrongKey,
            format!("{head}: no such key in this account and region"),
        )
        .hint("check the key and the region"),
        "AccessDeniedException" | "AccessDenied" => Error::new(
            ErrorKind::WrongKey,
            format!("{head}: these AWS credentials may not use the key"),
        )
        .hint("grant kms:Encrypt/kms:Decrypt on the key to this identity"),
        "UnrecognizedClientException"
        | "InvalidClientTokenId"
        | "InvalidSignatureException"
        | "SignatureDoesNotMatch"
        | "IncompleteSignature"
        | "ExpiredTokenException"
        | "MissingAuthenticationToken"
        | "InvalidAccessKeyId" => Error::new(
            ErrorKind::WrongKey,
            format!("{head}: the AWS credentials were refused"),
        )
        .hint("check the access key, secret key and session token this process uses"),
        "InvalidCiphertextException" | "IncorrectKeyException" => Error::new(
            ErrorKind::WrongKey,
            format!(
                "{head}: the wrapped key does not decrypt under this key and encryption context"
            ),
        ),
        _ if status == 429
            || status >= 500
            || code.contains("Throttling")
            || code == "KMSInternalException"
            || code == "DependencyTimeoutException" =>
        {
            Error::new(ErrorKind::Transient, head).hint("try again later")
        }
        _ => Error::new(ErrorKind::Io, head),
    }
}

fn field<'a>(v: &'a Value, name: &str) -> Result<&'a str> {
    super::answer::answer_field(v, name, "AWS KMS")
}

impl KekSource for AwsKmsSource {
    fn kind(&self) -> &'static str {
        "aws-kms"
    }

    fn wrap_kek(&self, ctx: SlotContext<'_>, kek: &[u8; 32]) -> Result<(ExternalParams, String)> {
        let (key, region) = self
            .target
            .clone()
            .ok_or_else(|| Error::invalid("no AWS KMS key given"))?;
        let (partition, region) = match parse_kms_key_arn(&key) {
            Ok((p, r)) => (p.to_string(), r.to_string()),
            Err(_) => (
                "aws".to_string(),
                region.ok_or_else(|| {
                    Error::invalid(format!("no AWS region for KMS key {key}"))
                        .hint("set AWS_REGION, or give the key's ARN")
                })?,
            ),
        };
        let body = json!({
            "KeyId": key,
            "Plaintext": base64::engine::general_purpose::STANDARD.encode(kek),
            "EncryptionContext": encryption_context(ctx),
        });
        let v = self.call(&region, &partition, "Encrypt", &body)?;
        let arn = field(&v, "KeyId")?.to_string();
        // The ARN KMS names, not the alias given: an alias can be moved.
        let params = AwsKmsParams { key: arn };
        params.region().map_err(|e| {
            e.context(format!(
                "AWS KMS answered Encrypt for {key} with a key that is not an ARN"
            ))
        })?;
        Ok((
            ExternalParams::AwsKms(params),
            field(&v, "CiphertextBlob")?.to_string(),
        ))
    }

    fn unwrap_kek(
        &self,
        ctx: SlotContext<'_>,
        params: &ExternalParams,
        wrapped: &str,
    ) -> Result<[u8; 32]> {
        let ExternalParams::AwsKms(p) = params else {
            return Err(Error::invalid("not an aws-kms slot"));
        };
        let (region, partition) = Self::place(p)?;
        let body = json!({
            "KeyId": p.key,
            "CiphertextBlob": wrapped,
            "EncryptionContext": encryption_context(ctx),
        });
        let v = self.call(region, partition, "Decrypt", &body)?;
        super::answer::kek_from_base64(field(&v, "Plaintext")?, "AWS KMS")
    }

    fn rewrap_kek(
        &self,
        from: SlotContext<'_>,
        to: SlotContext<'_>,
        params: &ExternalParams,
        wrapped: &str,
    ) -> Option<Result<String>> {
        let ExternalParams::AwsKms(p) = params else {
            return None;
        };
        let run = || {
            let (region, partition) = Self::place(p)?;
            let body = json!({
                "CiphertextBlob": wrapped,
                "SourceKeyId": p.key,
                "SourceEncryptionContext": encryption_context(from),
                "DestinationKeyId": p.key,
                "DestinationEncryptionContext": encryption_context(to),
            });
            let v = self.call(region, partition, "ReEncrypt", &body)?;
            Ok(field(&v, "CiphertextBlob")?.to_string())
        };
        Some(run())
    }

    fn binds_slot_id(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_answers_become_one_line_with_the_right_kind() {
        let e = refusal(
            "AWS KMS Decrypt at http://x",
            400,
            &json!({"__type": "DisabledException", "message": "arn:aws:kms:us-east-1:111122223333:key/k is disabled."}),
        );
        assert_eq!(e.kind(), ErrorKind::PermissionDenied);
        assert!(e.to_string().contains("the key is disabled"), "{e}");
        assert!(!e.to_string().contains('\n'), "{e}");
        let e = refusal(
            "w",
            400,
            &json!({"__type": "com.amazon.coral.service#UnrecognizedClientException", "message": "The security token included in the request is invalid."}),
        );
        assert_eq!(e.kind(), ErrorKind::WrongKey);
        assert!(e.to_string().contains("UnrecognizedClientException"), "{e}");
        assert_eq!(refusal("w", 503, &Value::Null).kind(), ErrorKind::Transient);
        let v = answer("<?xml version=\"1.0\"?><ErrorResponse><Errors><Error><Code>SignatureDoesNotMatch</Code><Message>Check your key.</Message></Error></Errors></ErrorResponse>");
        let e = refusal("w", 403, &v);
        assert_eq!(e.kind(), ErrorKind::WrongKey);
        assert!(
            e.to_string()
                .contains("SignatureDoesNotMatch: Check your key."),
            "{e}"
        );
    }

    #[test]
    fn the_endpoint_is_the_operators_or_the_keys_region() {
        let s = AwsKmsSource::new(None);
        assert_eq!(
            s.url("aws", "eu-west-1"),
            "https://kms.eu-west-1.amazonaws.com"
        );
        assert_eq!(
            s.url("aws-cn", "cn-north-1"),
            "https://kms.cn-north-1.amazonaws.com.cn"
        );
        let s = AwsKmsSource::new(Some("http://127.0.0.1:5000/".into()));
        assert_eq!(s.url("aws", "eu-west-1"), "http://127.0.0.1:5000");
    }

    #[test]
    fn debug_shows_no_secret() {
        let s = AwsKmsSource::for_key(None, "alias/cairn", Some("us-east-1".into())).unwrap();
        let text = format!("{s:?}");
        assert!(text.contains("alias/cairn"), "{text}");
    }
}
