//! Command-line definitions.

use cairn_core::policy::{GroupBy, Span};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Environment variables read without a matching option, for `--help`.
const ENVIRONMENT: &str = "\
Environment (besides the [env: ...] of each option):
  CAIRN_PASSWORD          the passphrase (CAIRN_NEW_PASSWORD: the new one for `keys add`/`keys passwd`)
  CAIRN_PKCS11_PIN        PIN of the PKCS#11 token
  VAULT_ADDR, VAULT_TOKEN Vault/OpenBao server and token for vault-transit slots
  AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL
                          S3 and KMS credentials, region and endpoint (aws-kms slots are
                          tried when AWS_ACCESS_KEY_ID or AWS_PROFILE is set)
  AWS_ENDPOINT_URL_KMS    KMS endpoint, instead of AWS_ENDPOINT_URL
  CAIRN_S3_TIMEOUT        seconds an S3 request may stall (default 60)
  CAIRN_RESTORE_ALLOW     colon-separated folders restore may write into
  CAIRN_STATE_DIR         where repository pins and this client's snapshot record live
  CAIRN_CACHE_DIR         where snapshot objects and index files of remote repositories are cached
  CAIRN_KEY_COMMAND_TIMEOUT seconds a --key-command may take
  CAIRN_LOG               log filter (e.g. debug)";

/// Cairn: encrypted, deduplicated, verifiable backups.
#[derive(Debug, Parser)]
#[command(name = "cairn", version, about, propagate_version = true, after_help = ENVIRONMENT)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Clone, Args)]
pub struct Global {
    /// Repository: a folder, `s3:https://HOST[:PORT]/BUCKET[/PREFIX]` or `s3:BUCKET[/PREFIX]` (AWS, or AWS_ENDPOINT_URL). Default: the embedded repository under the user's data directory.
    #[arg(
        short = 'r',
        long = "repo",
        env = "CAIRN_REPO",
        global = true,
        help_heading = "Repository"
    )]
    pub repo: Option<PathBuf>,
    /// Read the passphrase from this file (first line).
    #[arg(
        long,
        env = "CAIRN_PASSWORD_FILE",
        global = true,
        help_heading = "Unlocking"
    )]
    pub password_file: Option<PathBuf>,
    /// Run this shell command and use its first output line as the passphrase.
    #[arg(
        long,
        env = "CAIRN_PASSWORD_COMMAND",
        global = true,
        help_heading = "Unlocking"
    )]
    pub password_command: Option<String>,
    /// Unlock with this key file instead of a passphrase.
    #[arg(
        long,
        env = "CAIRN_KEY_FILE",
        global = true,
        help_heading = "Unlocking"
    )]
    pub key_file: Option<PathBuf>,
    /// Unlock with this key slot only (an id from `keys status`); without it every slot of a fitting kind is tried.
    #[arg(long, env = "CAIRN_SLOT", global = true, help_heading = "Unlocking")]
    pub slot: Option<String>,
    /// age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots.
    #[arg(
        long,
        env = "CAIRN_AGE_IDENTITY",
        global = true,
        help_heading = "Unlocking"
    )]
    pub age_identity: Option<PathBuf>,
    /// Read the Vault/OpenBao token from this file (default: VAULT_TOKEN); the server is VAULT_ADDR.
    #[arg(
        long,
        env = "CAIRN_VAULT_TOKEN_FILE",
        global = true,
        help_heading = "Unlocking"
    )]
    pub vault_token_file: Option<PathBuf>,
    /// PKCS#11 module (shared library) for pkcs11 slots.
    #[arg(
        long,
        env = "CAIRN_PKCS11_MODULE",
        global = true,
        help_heading = "Unlocking"
    )]
    pub pkcs11_module: Option<String>,
    /// Read the token PIN from this file (default: CAIRN_PKCS11_PIN).
    #[arg(
        long,
        env = "CAIRN_PKCS11_PIN_FILE",
        global = true,
        help_heading = "Unlocking"
    )]
    pub pkcs11_pin_file: Option<PathBuf>,
    /// Command that unwraps command slots (`CMD unwrap SLOT_ID`; docs/KEYS.md).
    #[arg(
        long,
        env = "CAIRN_KEY_COMMAND",
        global = true,
        help_heading = "Unlocking"
    )]
    pub key_command: Option<String>,
    /// Print machine-readable JSON on stdout.
    #[arg(long, global = true, help_heading = "Global")]
    pub json: bool,
    /// No progress bars or notes.
    #[arg(short, long, global = true, help_heading = "Global")]
    pub quiet: bool,
    /// Progress of long work on stderr: a bar when stderr is a terminal (auto), one JSON object per second (json), or none.
    #[arg(long, value_enum, default_value_t = ProgressArg::Auto, global = true, help_heading = "Global")]
    pub progress: ProgressArg,
    /// Never delete or overwrite anything in the repository (commands that must delete refuse).
    #[arg(long, env = "CAIRN_APPEND_ONLY", global = true, value_parser = clap::builder::BoolishValueParser::new(), help_heading = "Global")]
    pub append_only: bool,
    /// Read remote repositories (s3:, azblob:, sftp:) without the local cache of snapshot objects and index files ($CAIRN_CACHE_DIR, else the user's cache directory's cairn/).
    #[arg(long, env = "CAIRN_NO_CACHE", global = true, value_parser = clap::builder::BoolishValueParser::new(), help_heading = "Global")]
    pub no_cache: bool,
    /// When another process holds the repository lock, retry for this long (e.g. 30s, 10m).
    #[arg(long, value_parser = humantime::parse_duration, global = true, help_heading = "Global")]
    pub wait: Option<std::time::Duration>,
    /// More logging (CAIRN_LOG=debug works too).
    #[arg(short, long, action = clap::ArgAction::Count, global = true, help_heading = "Global")]
    pub verbose: u8,
}

/// How long work shows its progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ProgressArg {
    Auto,
    Json,
    None,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a repository.
    Init(InitArgs),
    /// Key slots.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Show which repository this client trusts at the location (its pin), or accept a changed one with --reset.
    Trust(TrustArgs),
    /// Back up files and directories into a new snapshot.
    Backup(BackupArgs),
    /// List snapshots.
    #[command(alias = "snapshots")]
    List(ListArgs),
    /// Print a snapshot's manifest (every entry, with SHA-256 for files).
    Manifest(ManifestArgs),
    /// List a directory of a snapshot from its trees (no data is read).
    Ls(LsArgs),
    /// Print one file of a snapshot to stdout, checked against its SHA-256.
    #[command(alias = "dump")]
    Cat(CatArgs),
    /// Show what changed between two snapshots: added, removed, modified, with byte totals.
    Diff(DiffArgs),
    /// Find which snapshots hold paths matching a glob, with size and mtime.
    Find(FindArgs),
    /// Mount the repository read-only (FUSE): snapshots by id, time, host and tag; Ctrl-C or SIGTERM unmounts.
    Mount(MountArgs),
    /// Copy snapshots into another repository, re-encrypted under its keys; what it holds is not sent again.
    Copy(CopyArgs),
    /// Restore a snapshot into a directory (plan first; every file hash-checked).
    Restore(RestoreArgs),
    /// Check that the repository can be read back (structure; data with --read-data).
    Verify(VerifyArgs),
    /// Write a snapshot as a tar archive to stdout.
    Export(ExportArgs),
    /// Remove data no snapshot needs (plan first; --dry-run shows it).
    Prune(PruneArgs),
    /// Remove snapshots by retention policy or by id (plan first; --dry-run shows it).
    Forget(ForgetArgs),
    /// Protect a snapshot: forget never removes it.
    Protect(ProtectArgs),
    /// Remove a snapshot's protection (needs delete access).
    Unprotect(UnprotectArgs),
    /// Extend WORM retention of everything still needed; drop lapsed records and stale locks.
    Maintenance(MaintenanceArgs),
    /// Remove locks left by processes that died (with --force, every lock).
    Unlock(UnlockArgs),
    /// Raise the repository's format version to the newest this cairn writes.
    Upgrade(UpgradeArgs),
    /// What a backup of a spec would do now (files and bytes to read, parent, next runs).
    Plan(PlanArgs),
    /// Run the HTTP API and the scheduler (see docs/SERVER.md).
    Serve(ServeArgs),
    /// API tokens for `cairn serve`.
    #[command(subcommand)]
    Token(TokenCommand),
    /// The server's audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// RG-7 recovery gate: prove each spec restores, is kept, encrypted and within RPO/RTO (docs/GATE.md).
    Gate(GateArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(CompletionsArgs),
    /// Write man pages (cairn.1 and one per command) into a folder.
    Man(ManArgs),
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Folder to write the pages into (created if missing).
    pub dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct GateArgs {
    /// Server config (TOML). Default: /etc/cairn/cairn.toml, else ~/.config/cairn/cairn.toml.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Check only this spec (repeatable). Default: every spec.
    #[arg(long = "spec")]
    pub specs: Vec<String>,
    /// Folder for the report, summary, badge and sample manifest (scratch restores go in a temporary folder inside it).
    #[arg(long, default_value = "rg7-out")]
    pub out: PathBuf,
    /// Seed for the sample snapshot, the verify subset and the plaintext windows (default: random, printed).
    #[arg(long)]
    pub seed: Option<u64>,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The spec's name in the server config.
    pub spec: String,
    #[arg(long)]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Server config (TOML). Default: /etc/cairn/cairn.toml, else ~/.config/cairn/cairn.toml.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Seconds to let running jobs finish on shutdown.
    #[arg(long, default_value_t = 60)]
    pub grace: u64,
    /// Random delay before each scheduled run, up to this long (e.g. 30s; 0s for none).
    #[arg(long, default_value = "30s", value_parser = humantime::parse_duration)]
    pub jitter: std::time::Duration,
    /// Log lines as text, or as one JSON object per line for log shippers.
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

/// How `cairn serve` writes its log lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// `TIME LEVEL message key=value ...`
    Text,
    /// `{"timestamp", "level", "fields": {"message", ...}}`
    Json,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token; it is printed once, alone on stdout.
    Create {
        #[arg(long)]
        config: Option<PathBuf>,
        /// admin, service or analyst.
        #[arg(long)]
        role: String,
        /// Who or what it is for.
        #[arg(long)]
        name: String,
    },
    /// Revoke tokens by name or id.
    Revoke {
        #[arg(long)]
        config: Option<PathBuf>,
        /// Name or id.
        name: String,
    },
    /// List tokens (ids, roles, names; never the tokens).
    List {
        #[arg(long)]
        config: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the hash chain; report the first entry edited, deleted or reordered.
    Verify {
        #[arg(long)]
        config: Option<PathBuf>,
        /// The log file (default: audit-log from the config).
        #[arg(long)]
        log: Option<PathBuf>,
        /// A head recorded elsewhere (SEQ:HASH from /healthz): detects a truncated tail.
        #[arg(long)]
        head: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct ForgetArgs {
    /// Snapshots to forget (ids or prefixes). Without them, the policy flags decide.
    pub snapshots: Vec<String>,
    /// Keep the N newest snapshots of each group.
    #[arg(long)]
    pub keep_last: Option<u32>,
    /// Keep the newest snapshot of each of the last N hours that have one.
    #[arg(long)]
    pub keep_hourly: Option<u32>,
    /// Keep the newest snapshot of each of the last N days that have one.
    #[arg(long)]
    pub keep_daily: Option<u32>,
    /// Keep the newest snapshot of each of the last N ISO weeks that have one.
    #[arg(long)]
    pub keep_weekly: Option<u32>,
    /// Keep the newest snapshot of each of the last N months that have one.
    #[arg(long)]
    pub keep_monthly: Option<u32>,
    /// Keep the newest snapshot of each of the last N years that have one.
    #[arg(long)]
    pub keep_yearly: Option<u32>,
    /// Keep every snapshot newer than this (e.g. 14d, 1y6m; units y m w d h).
    #[arg(long)]
    pub keep_within: Option<Span>,
    /// Keep the newest snapshot of every hour within this span.
    #[arg(long)]
    pub keep_within_hourly: Option<Span>,
    /// Keep the newest snapshot of every day within this span.
    #[arg(long)]
    pub keep_within_daily: Option<Span>,
    /// Keep the newest snapshot of every ISO week within this span.
    #[arg(long)]
    pub keep_within_weekly: Option<Span>,
    /// Keep the newest snapshot of every month within this span.
    #[arg(long)]
    pub keep_within_monthly: Option<Span>,
    /// Keep the newest snapshot of every year within this span.
    #[arg(long)]
    pub keep_within_yearly: Option<Span>,
    /// Keep snapshots with this tag (repeatable).
    #[arg(long = "keep-tag")]
    pub keep_tags: Vec<String>,
    /// Group snapshots by these fields: host,paths,tags,spec or none.
    #[arg(long, default_value = "host,paths")]
    pub group_by: GroupBy,
    /// Time zone for calendar buckets (default: the system's).
    #[arg(long)]
    pub tz: Option<String>,
    /// Allow removing every snapshot of a group.
    #[arg(long)]
    pub allow_empty: bool,
    /// Print the plan and change nothing.
    #[arg(long, short = 'n')]
    pub dry_run: bool,
    /// Prune afterwards (under the same exclusive lock).
    #[arg(long)]
    pub prune: bool,
    /// With --prune: as `prune --max-unused`.
    #[arg(long, default_value_t = 5.0, value_parser = parse_percent)]
    pub max_unused: f64,
    /// "Now" for the policy (RFC 3339) instead of the clock.
    #[arg(long)]
    pub now: Option<String>,
}

#[derive(Debug, Args)]
pub struct ProtectArgs {
    /// A snapshot id, a unique prefix, or `latest`.
    pub snapshot: String,
    /// Why (recorded with the marker).
    #[arg(long, default_value = "")]
    pub note: String,
}

#[derive(Debug, Args)]
pub struct UnprotectArgs {
    /// A snapshot id or a unique prefix.
    pub snapshot: String,
}

#[derive(Debug, Args)]
pub struct UpgradeArgs {
    /// Show the versions; change nothing.
    #[arg(long, short = 'n')]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct MaintenanceArgs {
    /// Show what would be extended and removed; change nothing.
    #[arg(long, short = 'n')]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct UnlockArgs {
    /// Remove live locks too: only when their holders are known dead (their machine is gone), since a running prune or backup loses its lock.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct PruneArgs {
    /// Print the plan and change nothing.
    #[arg(long, short = 'n')]
    pub dry_run: bool,
    /// Repack partly used packs until unused data is at most this percent of used data.
    #[arg(long, default_value_t = 5.0, value_parser = parse_percent)]
    pub max_unused: f64,
    /// Re-encrypt every snapshot sealed under a retired key epoch (after `keys rotate-master`), remove the old data, and drop the retired secrets once nothing needs them.
    #[arg(long)]
    pub rewrite_old_epochs: bool,
}

/// A retention in seconds: the policy's span syntax (y m w d h), or seconds/minutes like `90s`, `5min`.
fn parse_retention(s: &str) -> Result<u64, String> {
    if let Ok(span) = s.parse::<Span>() {
        let days = u64::from(span.years) * 365 + u64::from(span.months) * 30 + u64::from(span.days);
        return Ok(days * 86400 + u64::from(span.hours) * 3600);
    }
    humantime::parse_duration(s)
        .map(|d| d.as_secs())
        .map_err(|_| format!("{s:?} is not a duration (e.g. 30d, 1y, 12h, 90s)"))
}

fn parse_percent(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .trim_end_matches('%')
        .parse()
        .map_err(|_| format!("{s:?} is not a percentage (e.g. 5 or 5%)"))?;
    if (0.0..=100.0).contains(&v) {
        Ok(v)
    } else {
        Err(format!("{s:?} is outside 0-100%"))
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    /// Plain tar.
    Tar,
    /// tar compressed with gzip.
    #[value(name = "tar.gz")]
    TarGz,
    /// tar compressed with zstd.
    #[value(name = "tar.zst")]
    TarZst,
}

#[derive(Debug, Args)]
pub struct LsArgs {
    /// A snapshot id, a unique prefix, or `latest`.
    pub snapshot: String,
    /// A directory (or file) in the snapshot, from its root; default: the root.
    #[arg(default_value = "")]
    pub path: String,
    /// Also show mode, owner, mtime and SHA-256.
    #[arg(long, short = 'l')]
    pub long: bool,
    /// Everything below the directory, not only its entries.
    #[arg(long, short = 'R')]
    pub recursive: bool,
}

#[derive(Debug, Args)]
pub struct CatArgs {
    /// A snapshot id, a unique prefix, or `latest`.
    pub snapshot: String,
    /// The file in the snapshot, from its root.
    pub path: String,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The earlier snapshot: an id, a unique prefix, or `latest`.
    pub a: String,
    /// The later snapshot.
    pub b: String,
    /// Only this path in the snapshots (and what is below it).
    #[arg(default_value = "")]
    pub path: String,
}

#[derive(Debug, Args)]
pub struct FindArgs {
    /// A glob: without `/` it matches names at any depth (`*.conf`); with `/`, paths from the snapshot root (`etc/**/*.conf`).
    pub pattern: String,
    /// Search only this snapshot (an id, a prefix or `latest`; repeatable). Default: every snapshot.
    #[arg(long = "snapshot", short = 's')]
    pub snapshots: Vec<String>,
    /// Only entries modified after this time (RFC 3339, e.g. 2026-11-27T00:00:00Z).
    #[arg(long)]
    pub newer: Option<String>,
}

#[derive(Debug, Args)]
pub struct MountArgs {
    /// An existing directory to mount on (usually empty; what it holds is hidden while mounted).
    pub mountpoint: PathBuf,
    /// Only snapshots with this tag (repeatable: all must match).
    #[arg(long = "tag")]
    pub tags: Vec<String>,
    /// Only snapshots from this host.
    #[arg(long)]
    pub host: Option<String>,
    /// File content kept in memory for rereads, in MiB.
    #[arg(long, default_value_t = 64)]
    pub cache_mib: u64,
}

#[derive(Debug, Args)]
pub struct CopyArgs {
    /// The destination repository: a folder or an `s3:` location (it must exist: `cairn init` it first).
    #[arg(long)]
    pub to: PathBuf,
    /// Unlock the destination with the passphrase in this file (default: the same credentials as the source).
    #[arg(long, env = "CAIRN_TO_PASSWORD_FILE")]
    pub to_password_file: Option<PathBuf>,
    /// Snapshots to copy (ids, prefixes or `latest`); default: every snapshot.
    pub snapshots: Vec<String>,
    /// Writer threads storing packs beside the work (default: 0, packs are stored by the thread that fills them); each holds one to three packs (16 MiB each) of memory and hides storage round trips.
    #[arg(long, value_parser = clap::value_parser!(u64).range(0..=64))]
    pub uploads: Option<u64>,
    /// Worker threads (default: the number of cores).
    #[arg(long)]
    pub workers: Option<usize>,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// A snapshot id, a unique prefix, or `latest`.
    pub snapshot: String,
    /// Only this path in the snapshot (and what is below it).
    pub path: Option<String>,
    /// Archive format.
    #[arg(long, value_enum, default_value = "tar")]
    pub format: ExportFormat,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Snapshots to check (ids, prefixes or `latest`); default: all.
    pub snapshots: Vec<String>,
    /// Read every pack: SHA-256, authentication and id of every blob.
    #[arg(long, conflicts_with = "read_data_subset")]
    pub read_data: bool,
    /// Read a subset of packs: `N%` (seeded) or `K/N` (the K-th of N slices).
    #[arg(long)]
    pub read_data_subset: Option<String>,
    /// Seed for `N%` subsets (default: random, printed).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Also restore the snapshots (default: latest) into a temporary directory and re-hash every file.
    #[arg(long)]
    pub smoke: bool,
    /// Worker threads (default: the number of cores).
    #[arg(long)]
    pub workers: Option<usize>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum OverwriteArg {
    /// Keep existing files.
    Never,
    /// Replace files whose content differs.
    IfChanged,
    /// Replace every existing file.
    Always,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// A snapshot id, a unique prefix, or `latest` (narrowed by --tag/--host).
    pub snapshot: String,
    /// Directory to restore into (created if missing).
    #[arg(long, short = 't')]
    pub target: std::path::PathBuf,
    /// Only restore paths matching this glob, relative to the snapshot root (repeatable).
    #[arg(long = "include", short = 'i')]
    pub include: Vec<String>,
    /// Do not restore paths matching this glob (repeatable).
    #[arg(long = "exclude", short = 'e')]
    pub exclude: Vec<String>,
    /// Print the plan and change nothing.
    #[arg(long, short = 'n')]
    pub dry_run: bool,
    /// What to do with files that already exist in the target.
    #[arg(long, value_enum, default_value = "if-changed")]
    pub overwrite: OverwriteArg,
    /// Remove entries in the target that are not in the snapshot (never outside the target).
    #[arg(long)]
    pub delete: bool,
    /// With `latest`: only snapshots with this tag (repeatable).
    #[arg(long = "tag")]
    pub tags: Vec<String>,
    /// With `latest`: only snapshots from this host.
    #[arg(long)]
    pub host: Option<String>,
    /// Restore owners by numeric id (always so: snapshots store ids, not names).
    #[arg(long)]
    pub numeric_owner: bool,
    /// Do not create device nodes, and drop setuid/setgid bits (a restore
    /// for a user rather than of a system)
    #[arg(long)]
    pub no_special: bool,
    /// Worker threads (default: the number of cores).
    #[arg(long)]
    pub workers: Option<usize>,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// zstd level for new data: 0 (off) to 19.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(i32).range(0..=19))]
    pub compression: i32,
    /// Creation time (RFC 3339) instead of the clock.
    #[arg(long)]
    pub now: Option<String>,
    /// Write-once grade: compliance or governance (S3 Object Lock, or immutable local files for governance), or software (Cairn refuses early deletes).
    #[arg(long, value_enum, requires = "worm_retention")]
    pub worm: Option<WormArg>,
    /// How long every object stays undeletable after it is written (e.g. 30d, 1y, 90s; y = 365 days, m = 30 days).
    #[arg(long, requires = "worm", value_parser = parse_retention)]
    pub worm_retention: Option<u64>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum WormArg {
    Compliance,
    Governance,
    Software,
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Show the key slots (never any secret).
    Status,
    /// Add a key slot (unlocking with an existing one).
    Add(KeysAddArgs),
    /// Remove a key slot (refuses the last one, and one whose removal leaves no slot proven to open the repository in this session); it can no longer open the repository.
    Remove(KeysRemoveArgs),
    /// Prove that one slot unlocks the repository (reads nothing else, takes no lock).
    Test(KeysSlotArg),
    /// Re-wrap a vault-transit or aws-kms slot under the newest version of its key (after `transit/keys/K/rotate`, or a KMS key rotation).
    Rewrap(KeysSlotArg),
    /// Rotate the master secret: new data is sealed under a new key epoch; every slot is re-wrapped (then `prune --rewrite-old-epochs` re-encrypts old data).
    RotateMaster(RotateMasterArgs),
    /// List the versions of the config and key slots the storage keeps (WORM holds them), or bring one back with --restore; needs no key.
    Recover(KeysRecoverArgs),
}

#[derive(Debug, Args)]
pub struct KeysRecoverArgs {
    /// Make this version (an id from the listing) the current config or key slot again.
    #[arg(long, value_name = "VERSION")]
    pub restore: Option<String>,
}

#[derive(Debug, Args)]
pub struct TrustArgs {
    /// Unlock the repository and pin it as it is now, replacing the earlier pin (kept in the pin's history).
    #[arg(long)]
    pub reset: bool,
}

#[derive(Debug, Args)]
pub struct RotateMasterArgs {
    /// Print what would happen to each slot and change nothing.
    #[arg(long, short = 'n')]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct KeysRemoveArgs {
    /// The slot id (from `keys status`).
    #[arg(value_name = "SLOT")]
    pub slot_id: String,
    /// Remove it even though no other remaining slot was proven to open the repository in this session.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct KeysSlotArg {
    /// The slot id (from `keys status`). Not named `slot`: that id is the global `--slot`.
    #[arg(value_name = "SLOT")]
    pub slot_id: String,
}

#[derive(Debug, Args)]
#[group(skip)]
#[command(group = clap::ArgGroup::new("new_slot").required(true).multiple(false))]
pub struct KeysAddArgs {
    /// A new passphrase (from CAIRN_NEW_PASSWORD, --new-password-file, or a prompt).
    #[arg(long, group = "new_slot")]
    pub passphrase: bool,
    /// Read the new passphrase from this file (first line).
    #[arg(long, env = "CAIRN_NEW_PASSWORD_FILE", requires = "passphrase")]
    pub new_password_file: Option<PathBuf>,
    /// An age X25519 recipient (age1…): an escrow slot whose identity can stay offline.
    #[arg(long, value_name = "PUBKEY", group = "new_slot")]
    pub age_recipient: Option<String>,
    /// A Vault/OpenBao transit key, ADDR/MOUNT/KEY (e.g. http://127.0.0.1:8200/transit/cairn); token from VAULT_TOKEN or --vault-token-file.
    #[arg(long, value_name = "ADDR/MOUNT/KEY", group = "new_slot")]
    pub vault_transit: Option<String>,
    /// A PKCS#11 module: the KEK is wrapped by a non-extractable AES key on the token (created if missing).
    #[arg(long, value_name = "MODULE", requires_all = ["token", "key"], group = "new_slot")]
    pub pkcs11: Option<String>,
    /// With --pkcs11: the token label.
    #[arg(long, requires = "pkcs11")]
    pub token: Option<String>,
    /// With --pkcs11: the wrapping key's label.
    #[arg(long, requires = "pkcs11")]
    pub key: Option<String>,
    /// An external command that wraps and unwraps (`CMD wrap|unwrap SLOT_ID`; docs/KEYS.md).
    #[arg(long, value_name = "CMD", group = "new_slot")]
    pub command: Option<String>,
    /// An AWS KMS symmetric key (id, alias/NAME or ARN); credentials, region and endpoint from the AWS environment (AWS_ACCESS_KEY_ID…, AWS_REGION, AWS_ENDPOINT_URL_KMS).
    #[arg(long, value_name = "KEY_ID_OR_ARN", group = "new_slot")]
    pub aws_kms: Option<String>,
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Files and directories to back up.
    #[arg(
        required_unless_present_any = ["stdin", "stdin_from_command"],
        conflicts_with_all = ["stdin", "stdin_from_command"]
    )]
    pub paths: Vec<PathBuf>,
    /// Back up what arrives on stdin as one file (named by --stdin-filename).
    #[arg(long, conflicts_with = "stdin_from_command")]
    pub stdin: bool,
    /// Run COMMAND with `sh -c` and back up its output as one file, e.g. 'pg_dump -Fc mydb'; a non-zero exit fails the backup and stores no snapshot.
    #[arg(long, value_name = "COMMAND")]
    pub stdin_from_command: Option<String>,
    /// The file name a stream is stored under.
    #[arg(long, value_name = "NAME", default_value = "stdin")]
    pub stdin_filename: String,
    /// Tag the snapshot (repeatable).
    #[arg(long = "tag")]
    pub tags: Vec<String>,
    /// Host name to record (default: this machine's).
    #[arg(long)]
    pub host: Option<String>,
    /// Exclude paths matching this glob (repeatable). Without `/` it matches a name at any depth.
    #[arg(long = "exclude", short = 'e')]
    pub excludes: Vec<String>,
    /// Read exclude patterns from a file, one per line.
    #[arg(long = "exclude-file")]
    pub exclude_files: Vec<PathBuf>,
    /// Stay on the filesystem of each source path.
    #[arg(long, short = 'x')]
    pub one_file_system: bool,
    /// Snapshot time (RFC 3339) instead of the clock, for reproducible snapshots.
    #[arg(long)]
    pub now: Option<String>,
    /// Read every file even if unchanged since the parent snapshot.
    #[arg(long)]
    pub force: bool,
    /// Packs uploaded at once (default: 4 to S3, 2 to a folder); each holds one pack (16 MiB) of memory.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=64))]
    pub uploads: Option<u64>,
    /// Worker threads (default: the number of cores).
    #[arg(long)]
    pub workers: Option<usize>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only snapshots with this tag (repeatable: all must match).
    #[arg(long = "tag")]
    pub tags: Vec<String>,
    /// Only snapshots from this host.
    #[arg(long)]
    pub host: Option<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ManifestFormat {
    /// `sha256sum -c` input, paths relative to the backed-up root.
    Sha256sum,
    /// One JSON document.
    Json,
}

#[derive(Debug, Args)]
pub struct ManifestArgs {
    /// A snapshot id, a unique prefix, or `latest`.
    pub snapshot: String,
    /// Output format.
    #[arg(long, value_enum, default_value = "sha256sum")]
    pub format: ManifestFormat,
}
