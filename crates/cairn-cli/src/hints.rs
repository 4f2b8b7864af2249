//! The CLI's words for the core's remedies: each names the command or the
//! option a terminal user runs. The server words the same remedies as
//! routes; the core names none (docs/ARCHITECTURE.md, "Errors").

use cairn_core::Remedy;

/// `r` as a command line to run or a setting to check.
pub fn words(r: &Remedy) -> String {
    match r {
        Remedy::Verify { read_data: false } => {
            "run `cairn verify` to see the damage and the snapshots it affects".into()
        }
        Remedy::Verify { read_data: true } => {
            "run `cairn verify --read-data` to see the damage and the snapshots it affects".into()
        }
        Remedy::ListSnapshots => "run `cairn list` to see the snapshots and their ids".into(),
        Remedy::ShowPaths => "run `cairn manifest SNAPSHOT` to see its paths".into(),
        Remedy::ListSlots => "`cairn keys status` lists the slots".into(),
        Remedy::AddSlot => "add another slot first (`cairn keys add`)".into(),
        Remedy::RemoveSlot(id) => format!("remove it with `cairn keys remove {id}`"),
        Remedy::MoreCredentials => "give their credentials too (several of CAIRN_PASSWORD, --key-file, --age-identity, VAULT_TOKEN, ... at once)".into(),
        Remedy::CheckCredential(kind) => format!("check {}", settings(kind)),
        Remedy::GiveCredential(kind) => format!("a {kind} slot opens with {}", settings(kind)),
        Remedy::Unprotect => {
            "run `cairn unprotect` first if it really must go (needs delete access)".into()
        }
        Remedy::CheckLocation => "check the location (-r / CAIRN_REPO)".into(),
        Remedy::Init => "create a repository with `cairn init`".into(),
        Remedy::NotAppendOnly => "this needs admin access: run it without --append-only (and with credentials that may delete)".into(),
        Remedy::RetentionRules => "give at least one rule, e.g. --keep-within 14d --keep-within-daily 90d (see docs/RETENTION.md)".into(),
        Remedy::AllowEmpty => "pass --allow-empty if the group should be emptied".into(),
        Remedy::WormSoftware => "or use --worm software".into(),
        Remedy::PatternRules => "see `cairn backup --help` for the pattern rules".into(),
        other => other.neutral(),
    }
}

/// Where the CLI takes a credential of slot kind `kind` from.
fn settings(kind: &str) -> &'static str {
    match kind {
        "passphrase" => "CAIRN_PASSWORD / --password-file / --password-command",
        "keyfile" => "--key-file / CAIRN_KEY_FILE",
        "age" => "--age-identity / CAIRN_AGE_IDENTITY",
        "vault-transit" => "VAULT_ADDR and VAULT_TOKEN / --vault-token-file",
        "pkcs11" => "CAIRN_PKCS11_MODULE and CAIRN_PKCS11_PIN / --pkcs11-pin-file",
        "command" => "--key-command / CAIRN_KEY_COMMAND",
        "aws-kms" => "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN or AWS_PROFILE (and AWS_ENDPOINT_URL_KMS)",
        _ => "the credentials",
    }
}

/// `e` in the CLI's words: its message and `(hint: ...)`.
pub fn describe(e: &cairn_core::Error) -> String {
    e.worded(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_remedy_is_worded_with_a_command_or_a_setting() {
        let all = [
            Remedy::Verify { read_data: false },
            Remedy::Verify { read_data: true },
            Remedy::ListSnapshots,
            Remedy::ShowPaths,
            Remedy::ListSlots,
            Remedy::AddSlot,
            Remedy::RemoveSlot("ab12".into()),
            Remedy::MoreCredentials,
            Remedy::CheckCredential("age".into()),
            Remedy::GiveCredential("keyfile".into()),
            Remedy::Unprotect,
            Remedy::CheckLocation,
            Remedy::Init,
            Remedy::NotAppendOnly,
            Remedy::RetentionRules,
            Remedy::AllowEmpty,
            Remedy::WormSoftware,
            Remedy::PatternRules,
        ];
        for r in &all {
            let w = words(r);
            assert!(
                w.contains("\x60cairn ") || w.contains("--") || w.contains("CAIRN_"),
                "{r:?} is worded without a command or setting: {w}"
            );
        }
    }
}
