//! A moto server of a test's own (the real `moto_server` that
//! scripts/test.sh installs into .venv from PyPI and names in
//! `CAIRN_TEST_MOTO`), on a free loopback port, killed when dropped. The
//! shared one the test command starts for S3 (`CAIRN_TEST_S3`) never checks
//! credentials; a test that turns moto's IAM checks on needs its own.

use serde_json::Value;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A running `moto_server`.
pub struct Moto {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An Authorization header moto routes by (service and region from the
/// credential scope). It is not a signature: admin calls are made while
/// moto's IAM checks are off.
fn scope(service: &str) -> String {
    format!(
        "AWS4-HMAC-SHA256 Credential=AKIAADMIN/20260101/us-east-1/{service}/aws4_request, SignedHeaders=host, Signature=00"
    )
}

impl Moto {
    /// Starts moto, logging to `log`; fails the test when `CAIRN_TEST_MOTO`
    /// is unset or moto does not answer within 30 s.
    #[allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests fail loudly
    pub fn start(log: &Path) -> Moto {
        let bin = std::env::var("CAIRN_TEST_MOTO").expect(
            "CAIRN_TEST_MOTO is not set: run scripts/test.sh, which installs moto into .venv and sets it",
        );
        let port = crate::free_port();
        let out = std::fs::File::create(log).unwrap();
        let child = Command::new(bin)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .stdin(Stdio::null())
            .spawn()
            .expect("start moto_server");
        let moto = Moto {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
        };
        let t = std::time::Instant::now();
        while ureq::get(&format!("{}/moto-api/", moto.endpoint))
            .call()
            .is_err()
        {
            assert!(
                t.elapsed() < Duration::from_secs(30),
                "moto did not start: {}",
                std::fs::read_to_string(log).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        moto
    }

    /// Turns moto's IAM checks on (every later request must be signed by an
    /// access key moto issued, and be allowed by that user's policy) or off.
    #[allow(clippy::unwrap_used)]
    pub fn require_auth(&self, on: bool) {
        let n = if on { "0" } else { "1000000000" };
        ureq::post(&format!("{}/moto-api/reset-auth", self.endpoint))
            .header("content-type", "text/plain")
            .send(n)
            .unwrap();
    }

    /// A KMS call (`TrentService.ACTION`, JSON) while IAM checks are off;
    /// fails the test unless it succeeds.
    #[allow(clippy::panic)]
    pub fn kms(&self, action: &str, body: Value) -> Value {
        let (status, v) = self.try_kms(action, body);
        assert!(status < 300, "KMS {action}: HTTP {status}: {v}");
        v
    }

    /// A KMS call while IAM checks are off: (HTTP status, answer).
    #[allow(clippy::unwrap_used)]
    pub fn try_kms(&self, action: &str, body: Value) -> (u16, Value) {
        let mut r = ureq::post(&self.endpoint)
            .config()
            .http_status_as_error(false)
            .build()
            .header("content-type", "application/x-amz-json-1.1")
            .header("x-amz-target", format!("TrentService.{action}"))
            .header("authorization", scope("kms"))
            .send_json(&body)
            .unwrap();
        let status = r.status().as_u16();
        (status, r.body_mut().read_json().unwrap_or(Value::Null))
    }

    /// A new symmetric KMS key: its ARN.
    #[allow(clippy::unwrap_used)]
    pub fn kms_key(&self) -> String {
        let v = self.kms(
            "CreateKey",
            serde_json::json!({"Description": "cairn test"}),
        );
        v["KeyMetadata"]["Arn"].as_str().unwrap().to_string()
    }

    /// An IAM user allowed `actions` (e.g. `kms:*`), with a new access key:
    /// (access key id, secret access key). Made while IAM checks are off.
    #[allow(clippy::unwrap_used)]
    pub fn iam_user(&self, name: &str, actions: &str) -> (String, String) {
        let policy = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"{actions}","Resource":"*"}}]}}"#
        );
        self.iam(&[("Action", "CreateUser"), ("UserName", name)]);
        self.iam(&[
            ("Action", "PutUserPolicy"),
            ("UserName", name),
            ("PolicyName", "cairn"),
            ("PolicyDocument", &policy),
        ]);
        let xml = self.iam(&[("Action", "CreateAccessKey"), ("UserName", name)]);
        let tag = |t: &str| {
            let start = xml.find(&format!("<{t}>")).unwrap() + t.len() + 2;
            let end = xml[start..].find(&format!("</{t}>")).unwrap() + start;
            xml[start..end].to_string()
        };
        (tag("AccessKeyId"), tag("SecretAccessKey"))
    }

    #[allow(clippy::unwrap_used, clippy::panic)]
    fn iam(&self, params: &[(&str, &str)]) -> String {
        let mut form: Vec<(&str, &str)> = vec![("Version", "2010-05-08")];
        form.extend_from_slice(params);
        let mut r = ureq::post(&self.endpoint)
            .config()
            .http_status_as_error(false)
            .build()
            .header("authorization", scope("iam"))
            .send_form(form)
            .unwrap();
        let status = r.status().as_u16();
        let text = r.body_mut().read_to_string().unwrap_or_default();
        assert!(status < 300, "IAM {params:?}: HTTP {status}: {text}");
        text
    }
}
