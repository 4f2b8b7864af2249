//! What an operator does next, named as an action rather than as a command:
//! the same refusal reaches a terminal user (who runs `cairn verify`) and an
//! HTTP client (who starts a verify job), so the core names the remedy and
//! each front end words it in its own vocabulary. [`Remedy::neutral`] is the
//! wording for logs and for any front end without words of its own.

/// One thing to do next. Errors carry these beside a free-text hint (the
/// part that needs no front-end words: "nothing was changed").
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Remedy {
    /// Check the repository to see the damage and what it affects; with
    /// `read_data`, reading every pack.
    Verify { read_data: bool },
    /// See which snapshots there are (and their ids).
    ListSnapshots,
    /// See the paths a snapshot holds.
    ShowPaths,
    /// See the repository's key slots.
    ListSlots,
    /// Add another key slot.
    AddSlot,
    /// Remove the key slot with this id.
    RemoveSlot(String),
    /// Give several credentials at once, one per slot kind.
    MoreCredentials,
    /// Check the credential given for slots of this kind (`passphrase`,
    /// `keyfile`, `age`, `vault-transit`, `pkcs11`, `command`).
    CheckCredential(String),
    /// Give a credential for slots of this kind (none was given).
    GiveCredential(String),
    /// Lift the snapshot's protection first.
    Unprotect,
    /// Check the repository location.
    CheckLocation,
    /// Create a repository at the location.
    Init,
    /// Work with delete and key-change rights (not append-only).
    NotAppendOnly,
    /// Give at least one retention rule.
    RetentionRules,
    /// Allow a group to be emptied, if that is meant.
    AllowEmpty,
    /// Choose the software WORM grade (Cairn refuses deletes itself).
    WormSoftware,
    /// Read the exclude-pattern rules.
    PatternRules,
}

impl Remedy {
    /// Words that name no front end.
    pub fn neutral(&self) -> String {
        match self {
            Remedy::Verify { read_data: false } => {
                "verify the repository to see the damage and the snapshots it affects".into()
            }
            Remedy::Verify { read_data: true } => {
                "verify the repository reading all data to see the damage and the snapshots it affects".into()
            }
            Remedy::ListSnapshots => "list the snapshots to see their ids".into(),
            Remedy::ShowPaths => "the snapshot's manifest lists its paths".into(),
            Remedy::ListSlots => "the key status lists the slots".into(),
            Remedy::AddSlot => "add another key slot first".into(),
            Remedy::RemoveSlot(id) => format!("remove key slot {id}"),
            Remedy::MoreCredentials => "give a credential for each of those slots too".into(),
            Remedy::CheckCredential(kind) => format!("check the credential given for {kind} slots"),
            Remedy::GiveCredential(kind) => format!("a {kind} slot needs a {kind} credential"),
            Remedy::Unprotect => "unprotect it first if it really must go (needs delete access)".into(),
            Remedy::CheckLocation => "check the repository location".into(),
            Remedy::Init => "create a repository there".into(),
            Remedy::NotAppendOnly => "this needs admin access, not an append-only session".into(),
            Remedy::RetentionRules => "give at least one retention rule (docs/RETENTION.md)".into(),
            Remedy::AllowEmpty => "allow an empty group if that is meant".into(),
            Remedy::WormSoftware => "use the software WORM grade".into(),
            Remedy::PatternRules => "see the exclude pattern rules in README".into(),
        }
    }
}
