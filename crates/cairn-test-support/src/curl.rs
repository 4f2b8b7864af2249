//! HTTP calls through curl(1), as an operator's scripts make them: the status
//! and the JSON body (Null when the body is not JSON).

use std::process::Command;

/// One call: `curl -X METHOD URL` with an optional bearer token, JSON body
/// and further curl arguments (`--cacert`, `--cert`, `-I`, ...).
pub fn curl_with(
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<&str>,
    extra: &[&str],
) -> (u16, serde_json::Value) {
    let mut c = Command::new("curl");
    c.args(["-s", "-o", "-", "-w", "\n%{http_code}", "-X", method, url]);
    c.args(extra);
    if let Some(t) = token {
        c.args(["-H", &format!("Authorization: Bearer {t}")]);
    }
    if let Some(b) = body {
        c.args(["-H", "Content-Type: application/json", "--data", b]);
    }
    let out = c.output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let (body, code) = text.rsplit_once('\n').unwrap_or(("", &text));
    (
        code.trim().parse().unwrap_or(0),
        serde_json::from_str(body).unwrap_or(serde_json::Value::Null),
    )
}

/// [`curl_with`] without further arguments.
pub fn curl(
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> (u16, serde_json::Value) {
    curl_with(method, url, token, body, &[])
}
