# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_cairn_global_optspecs
    string join \n r/repo= password-file= password-command= key-file= slot= age-identity= vault-token-file= pkcs11-module= pkcs11-pin-file= key-command= json q/quiet progress= append-only no-cache wait= v/verbose h/help V/version
end

function __fish_cairn_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_cairn_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_cairn_using_subcommand
    set -l cmd (__fish_cairn_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c cairn -n "__fish_cairn_needs_command" -s r -l repo -d 'Repository: a folder, `s3:https://HOST[:PORT]/BUCKET[/PREFIX]` or `s3:BUCKET[/PREFIX]` (AWS, or AWS_ENDPOINT_URL). Default: the embedded repository under the user\'s data directory' -r -F
complete -c cairn -n "__fish_cairn_needs_command" -l password-file -d 'Read the passphrase from this file (first line)' -r -F
complete -c cairn -n "__fish_cairn_needs_command" -l password-command -d 'Run this shell command and use its first output line as the passphrase' -r
complete -c cairn -n "__fish_cairn_needs_command" -l key-file -d 'Unlock with this key file instead of a passphrase' -r -F
complete -c cairn -n "__fish_cairn_needs_command" -l slot -d 'Unlock with this key slot only (an id from `keys status`); without it every slot of a fitting kind is tried' -r
complete -c cairn -n "__fish_cairn_needs_command" -l age-identity -d 'age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots' -r -F
complete -c cairn -n "__fish_cairn_needs_command" -l vault-token-file -d 'Read the Vault/OpenBao token from this file (default: VAULT_TOKEN); the server is VAULT_ADDR' -r -F
complete -c cairn -n "__fish_cairn_needs_command" -l pkcs11-module -d 'PKCS#11 module (shared library) for pkcs11 slots' -r
complete -c cairn -n "__fish_cairn_needs_command" -l pkcs11-pin-file -d 'Read the token PIN from this file (default: CAIRN_PKCS11_PIN)' -r -F
complete -c cairn -n "__fish_cairn_needs_command" -l key-command -d 'Command that unwraps command slots (`CMD unwrap SLOT_ID`; docs/KEYS.md)' -r
complete -c cairn -n "__fish_cairn_needs_command" -l progress -d 'Progress of long work on stderr: a bar when stderr is a terminal (auto), one JSON object per second (json), or none' -r -f -a "auto\t''
json\t''
none\t''"
complete -c cairn -n "__fish_cairn_needs_command" -l wait -d 'When another process holds the repository lock, retry for this long (e.g. 30s, 10m)' -r
complete -c cairn -n "__fish_cairn_needs_command" -l json -d 'Print machine-readable JSON on stdout'
complete -c cairn -n "__fish_cairn_needs_command" -s q -l quiet -d 'No progress bars or notes'
complete -c cairn -n "__fish_cairn_needs_command" -l append-only -d 'Never delete or overwrite anything in the repository (commands that must delete refuse)'
complete -c cairn -n "__fish_cairn_needs_command" -l no-cache -d 'Read remote repositories (s3:, azblob:, sftp:) without the local cache of snapshot objects and index files ($CAIRN_CACHE_DIR, else the user\'s cache directory\'s cairn/)'
complete -c cairn -n "__fish_cairn_needs_command" -s v -l verbose -d 'More logging (CAIRN_LOG=debug works too)'
complete -c cairn -n "__fish_cairn_needs_command" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_needs_command" -s V -l version -d 'Print version'
complete -c cairn -n "__fish_cairn_needs_command" -f -a "init" -d 'Create a repository'
complete -c cairn -n "__fish_cairn_needs_command" -f -a "keys" -d 'Key slots'
complete -c cairn -n "__fish_cairn_needs_command" -f -a "trust" -d 'Show which repository this client trusts at the location (its pin), or accept a changed one with --reset'
complete -c cairn -n "__fish_cairn_needs_command" -f -a "backup" -d 'Back up files and directories into a new snapshot'
complete -c cairn -n "__fish_cairn_needs_command" -f -a "list" -d 'List snapshots'
complete -c cairn -n "__fish_cairn_needs_command" -f -a "manifest" -d 'Print a snapshot\'s manifest (every entry, with SHA-256 for files)'
complete -c cairn -n "__fish_cairn_needs_command" -f -a "ls" -d 'List a directory of a snapshot from its trees (no data is read)'
complete -c cairn -n "__fish_cairn_needs_command" -f -a "cat" -d 'Print one file of a snapshot to stdout, checked against its SHA-256'
complete -c cairn -n "__fish_cairn_needs_command" -f -a "diff" -d 'Show what changed between two snapshots: added, removed, modified, with byte totals'
complete -c cairn -n "__fish_cairn_needs_command" -f -a "find" -d 'Find which snapshots hold paths matching a glob, with size and mtime'
complete -c cairn -n "__fish_cairn_needs_command" -f -a "mount" -d 'Mount the repository read-only (FUSE): snapshots by id, time, host and tag; Ctrl-C or SIGTERM unmounts'
complete -c cairn -n "__fish_cairn_needs_command" -f -a "copy" -d 'Copy snapshots into another repository, re-encrypted under its keys; what it holds is not sent again'
complete -c cairn -n "__fish_cairn_needs_command" -f -a "restore" -d 'Restore a snapshot into a directory (plan first; every file hash-checked)'
complete -c cairn -n "__fish_cairn_needs_command" -f -a "verify" -d 'Check that the repository can be read back (structure; data with --read-data)'
complete -c cairn -n "__fish_cairn_needs_command" -f -a "export" -d 'Write a snapshot as a tar archive to stdout'
complete -c cairn -n "__fish_cairn_needs_command" -f -a "prune" -d 'Remove data no snapshot needs (plan first; --dry-run shows it)'
complete -c cairn -n "__fish_cairn_needs_command" -f -a "forget" -d 'Remove snapshots by retention policy or by id (plan first; --dry-run shows it)'
complete -c cairn -n "__fish_cairn_needs_command" -f -a "protect" -d 'Protect a snapshot: forget never removes it'
complete -c cairn -n "__fish_cairn_needs_command" -f -a "unprotect" -d 'Remove a snapshot\'s protection (needs delete access)'
complete -c cairn -n "__fish_cairn_needs_command" -f -a "maintenance" -d 'Extend WORM retention of everything still needed; drop lapsed records and stale locks'
complete -c cairn -n "__fish_cairn_needs_command" -f -a "unlock" -d 'Remove locks left by processes that died (with --force, every lock)'
complete -c cairn -n "__fish_cairn_needs_command" -f -a "upgrade" -d 'Raise the repository\'s format version to the newest this cairn writes'
complete -c cairn -n "__fish_cairn_needs_command" -f -a "plan" -d 'What a backup of a spec would do now (files and bytes to read, parent, next runs)'
complete -c cairn -n "__fish_cairn_needs_command" -f -a "serve" -d 'Run the HTTP API and the scheduler (see docs/SERVER.md)'
complete -c cairn -n "__fish_cairn_needs_command" -f -a "token" -d 'API tokens for `cairn serve`'
complete -c cairn -n "__fish_cairn_needs_command" -f -a "audit" -d 'The server\'s audit log'
complete -c cairn -n "__fish_cairn_needs_command" -f -a "gate" -d 'RG-7 recovery gate: prove each spec restores, is kept, encrypted and within RPO/RTO (docs/GATE.md)'
complete -c cairn -n "__fish_cairn_needs_command" -f -a "completions" -d 'Print a shell completion script (bash, zsh, fish, elvish, powershell)'
complete -c cairn -n "__fish_cairn_needs_command" -f -a "man" -d 'Write man pages (cairn.1 and one per command) into a folder'
complete -c cairn -n "__fish_cairn_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cairn -n "__fish_cairn_using_subcommand init" -l compression -d 'zstd level for new data: 0 (off) to 19' -r
complete -c cairn -n "__fish_cairn_using_subcommand init" -l now -d 'Creation time (RFC 3339) instead of the clock' -r
complete -c cairn -n "__fish_cairn_using_subcommand init" -l worm -d 'Write-once grade: compliance or governance (S3 Object Lock, or immutable local files for governance), or software (Cairn refuses early deletes)' -r -f -a "compliance\t''
governance\t''
software\t''"
complete -c cairn -n "__fish_cairn_using_subcommand init" -l worm-retention -d 'How long every object stays undeletable after it is written (e.g. 30d, 1y, 90s; y = 365 days, m = 30 days)' -r
complete -c cairn -n "__fish_cairn_using_subcommand init" -s r -l repo -d 'Repository: a folder, `s3:https://HOST[:PORT]/BUCKET[/PREFIX]` or `s3:BUCKET[/PREFIX]` (AWS, or AWS_ENDPOINT_URL). Default: the embedded repository under the user\'s data directory' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand init" -l password-file -d 'Read the passphrase from this file (first line)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand init" -l password-command -d 'Run this shell command and use its first output line as the passphrase' -r
complete -c cairn -n "__fish_cairn_using_subcommand init" -l key-file -d 'Unlock with this key file instead of a passphrase' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand init" -l slot -d 'Unlock with this key slot only (an id from `keys status`); without it every slot of a fitting kind is tried' -r
complete -c cairn -n "__fish_cairn_using_subcommand init" -l age-identity -d 'age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand init" -l vault-token-file -d 'Read the Vault/OpenBao token from this file (default: VAULT_TOKEN); the server is VAULT_ADDR' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand init" -l pkcs11-module -d 'PKCS#11 module (shared library) for pkcs11 slots' -r
complete -c cairn -n "__fish_cairn_using_subcommand init" -l pkcs11-pin-file -d 'Read the token PIN from this file (default: CAIRN_PKCS11_PIN)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand init" -l key-command -d 'Command that unwraps command slots (`CMD unwrap SLOT_ID`; docs/KEYS.md)' -r
complete -c cairn -n "__fish_cairn_using_subcommand init" -l progress -d 'Progress of long work on stderr: a bar when stderr is a terminal (auto), one JSON object per second (json), or none' -r -f -a "auto\t''
json\t''
none\t''"
complete -c cairn -n "__fish_cairn_using_subcommand init" -l wait -d 'When another process holds the repository lock, retry for this long (e.g. 30s, 10m)' -r
complete -c cairn -n "__fish_cairn_using_subcommand init" -l json -d 'Print machine-readable JSON on stdout'
complete -c cairn -n "__fish_cairn_using_subcommand init" -s q -l quiet -d 'No progress bars or notes'
complete -c cairn -n "__fish_cairn_using_subcommand init" -l append-only -d 'Never delete or overwrite anything in the repository (commands that must delete refuse)'
complete -c cairn -n "__fish_cairn_using_subcommand init" -l no-cache -d 'Read remote repositories (s3:, azblob:, sftp:) without the local cache of snapshot objects and index files ($CAIRN_CACHE_DIR, else the user\'s cache directory\'s cairn/)'
complete -c cairn -n "__fish_cairn_using_subcommand init" -s v -l verbose -d 'More logging (CAIRN_LOG=debug works too)'
complete -c cairn -n "__fish_cairn_using_subcommand init" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand init" -s V -l version -d 'Print version'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and not __fish_seen_subcommand_from status add remove test rewrap rotate-master recover help" -s r -l repo -d 'Repository: a folder, `s3:https://HOST[:PORT]/BUCKET[/PREFIX]` or `s3:BUCKET[/PREFIX]` (AWS, or AWS_ENDPOINT_URL). Default: the embedded repository under the user\'s data directory' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand keys; and not __fish_seen_subcommand_from status add remove test rewrap rotate-master recover help" -l password-file -d 'Read the passphrase from this file (first line)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand keys; and not __fish_seen_subcommand_from status add remove test rewrap rotate-master recover help" -l password-command -d 'Run this shell command and use its first output line as the passphrase' -r
complete -c cairn -n "__fish_cairn_using_subcommand keys; and not __fish_seen_subcommand_from status add remove test rewrap rotate-master recover help" -l key-file -d 'Unlock with this key file instead of a passphrase' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand keys; and not __fish_seen_subcommand_from status add remove test rewrap rotate-master recover help" -l slot -d 'Unlock with this key slot only (an id from `keys status`); without it every slot of a fitting kind is tried' -r
complete -c cairn -n "__fish_cairn_using_subcommand keys; and not __fish_seen_subcommand_from status add remove test rewrap rotate-master recover help" -l age-identity -d 'age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand keys; and not __fish_seen_subcommand_from status add remove test rewrap rotate-master recover help" -l vault-token-file -d 'Read the Vault/OpenBao token from this file (default: VAULT_TOKEN); the server is VAULT_ADDR' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand keys; and not __fish_seen_subcommand_from status add remove test rewrap rotate-master recover help" -l pkcs11-module -d 'PKCS#11 module (shared library) for pkcs11 slots' -r
complete -c cairn -n "__fish_cairn_using_subcommand keys; and not __fish_seen_subcommand_from status add remove test rewrap rotate-master recover help" -l pkcs11-pin-file -d 'Read the token PIN from this file (default: CAIRN_PKCS11_PIN)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand keys; and not __fish_seen_subcommand_from status add remove test rewrap rotate-master recover help" -l key-command -d 'Command that unwraps command slots (`CMD unwrap SLOT_ID`; docs/KEYS.md)' -r
complete -c cairn -n "__fish_cairn_using_subcommand keys; and not __fish_seen_subcommand_from status add remove test rewrap rotate-master recover help" -l progress -d 'Progress of long work on stderr: a bar when stderr is a terminal (auto), one JSON object per second (json), or none' -r -f -a "auto\t''
json\t''
none\t''"
complete -c cairn -n "__fish_cairn_using_subcommand keys; and not __fish_seen_subcommand_from status add remove test rewrap rotate-master recover help" -l wait -d 'When another process holds the repository lock, retry for this long (e.g. 30s, 10m)' -r
complete -c cairn -n "__fish_cairn_using_subcommand keys; and not __fish_seen_subcommand_from status add remove test rewrap rotate-master recover help" -l json -d 'Print machine-readable JSON on stdout'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and not __fish_seen_subcommand_from status add remove test rewrap rotate-master recover help" -s q -l quiet -d 'No progress bars or notes'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and not __fish_seen_subcommand_from status add remove test rewrap rotate-master recover help" -l append-only -d 'Never delete or overwrite anything in the repository (commands that must delete refuse)'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and not __fish_seen_subcommand_from status add remove test rewrap rotate-master recover help" -l no-cache -d 'Read remote repositories (s3:, azblob:, sftp:) without the local cache of snapshot objects and index files ($CAIRN_CACHE_DIR, else the user\'s cache directory\'s cairn/)'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and not __fish_seen_subcommand_from status add remove test rewrap rotate-master recover help" -s v -l verbose -d 'More logging (CAIRN_LOG=debug works too)'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and not __fish_seen_subcommand_from status add remove test rewrap rotate-master recover help" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and not __fish_seen_subcommand_from status add remove test rewrap rotate-master recover help" -s V -l version -d 'Print version'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and not __fish_seen_subcommand_from status add remove test rewrap rotate-master recover help" -f -a "status" -d 'Show the key slots (never any secret)'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and not __fish_seen_subcommand_from status add remove test rewrap rotate-master recover help" -f -a "add" -d 'Add a key slot (unlocking with an existing one)'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and not __fish_seen_subcommand_from status add remove test rewrap rotate-master recover help" -f -a "remove" -d 'Remove a key slot (refuses the last one, and one whose removal leaves no slot proven to open the repository in this session); it can no longer open the repository'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and not __fish_seen_subcommand_from status add remove test rewrap rotate-master recover help" -f -a "test" -d 'Prove that one slot unlocks the repository (reads nothing else, takes no lock)'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and not __fish_seen_subcommand_from status add remove test rewrap rotate-master recover help" -f -a "rewrap" -d 'Re-wrap a vault-transit or aws-kms slot under the newest version of its key (after `transit/keys/K/rotate`, or a KMS key rotation)'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and not __fish_seen_subcommand_from status add remove test rewrap rotate-master recover help" -f -a "rotate-master" -d 'Rotate the master secret: new data is sealed under a new key epoch; every slot is re-wrapped (then `prune --rewrite-old-epochs` re-encrypts old data)'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and not __fish_seen_subcommand_from status add remove test rewrap rotate-master recover help" -f -a "recover" -d 'List the versions of the config and key slots the storage keeps (WORM holds them), or bring one back with --restore; needs no key'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and not __fish_seen_subcommand_from status add remove test rewrap rotate-master recover help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from status" -s r -l repo -d 'Repository: a folder, `s3:https://HOST[:PORT]/BUCKET[/PREFIX]` or `s3:BUCKET[/PREFIX]` (AWS, or AWS_ENDPOINT_URL). Default: the embedded repository under the user\'s data directory' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from status" -l password-file -d 'Read the passphrase from this file (first line)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from status" -l password-command -d 'Run this shell command and use its first output line as the passphrase' -r
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from status" -l key-file -d 'Unlock with this key file instead of a passphrase' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from status" -l slot -d 'Unlock with this key slot only (an id from `keys status`); without it every slot of a fitting kind is tried' -r
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from status" -l age-identity -d 'age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from status" -l vault-token-file -d 'Read the Vault/OpenBao token from this file (default: VAULT_TOKEN); the server is VAULT_ADDR' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from status" -l pkcs11-module -d 'PKCS#11 module (shared library) for pkcs11 slots' -r
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from status" -l pkcs11-pin-file -d 'Read the token PIN from this file (default: CAIRN_PKCS11_PIN)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from status" -l key-command -d 'Command that unwraps command slots (`CMD unwrap SLOT_ID`; docs/KEYS.md)' -r
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from status" -l progress -d 'Progress of long work on stderr: a bar when stderr is a terminal (auto), one JSON object per second (json), or none' -r -f -a "auto\t''
json\t''
none\t''"
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from status" -l wait -d 'When another process holds the repository lock, retry for this long (e.g. 30s, 10m)' -r
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from status" -l json -d 'Print machine-readable JSON on stdout'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from status" -s q -l quiet -d 'No progress bars or notes'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from status" -l append-only -d 'Never delete or overwrite anything in the repository (commands that must delete refuse)'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from status" -l no-cache -d 'Read remote repositories (s3:, azblob:, sftp:) without the local cache of snapshot objects and index files ($CAIRN_CACHE_DIR, else the user\'s cache directory\'s cairn/)'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from status" -s v -l verbose -d 'More logging (CAIRN_LOG=debug works too)'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from add" -l new-password-file -d 'Read the new passphrase from this file (first line)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from add" -l age-recipient -d 'An age X25519 recipient (age1…): an escrow slot whose identity can stay offline' -r
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from add" -l vault-transit -d 'A Vault/OpenBao transit key, ADDR/MOUNT/KEY (e.g. http://127.0.0.1:8200/transit/cairn); token from VAULT_TOKEN or --vault-token-file' -r
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from add" -l pkcs11 -d 'A PKCS#11 module: the KEK is wrapped by a non-extractable AES key on the token (created if missing)' -r
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from add" -l token -d 'With --pkcs11: the token label' -r
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from add" -l key -d 'With --pkcs11: the wrapping key\'s label' -r
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from add" -l command -d 'An external command that wraps and unwraps (`CMD wrap|unwrap SLOT_ID`; docs/KEYS.md)' -r
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from add" -l aws-kms -d 'An AWS KMS symmetric key (id, alias/NAME or ARN); credentials, region and endpoint from the AWS environment (AWS_ACCESS_KEY_ID…, AWS_REGION, AWS_ENDPOINT_URL_KMS)' -r
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from add" -s r -l repo -d 'Repository: a folder, `s3:https://HOST[:PORT]/BUCKET[/PREFIX]` or `s3:BUCKET[/PREFIX]` (AWS, or AWS_ENDPOINT_URL). Default: the embedded repository under the user\'s data directory' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from add" -l password-file -d 'Read the passphrase from this file (first line)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from add" -l password-command -d 'Run this shell command and use its first output line as the passphrase' -r
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from add" -l key-file -d 'Unlock with this key file instead of a passphrase' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from add" -l slot -d 'Unlock with this key slot only (an id from `keys status`); without it every slot of a fitting kind is tried' -r
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from add" -l age-identity -d 'age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from add" -l vault-token-file -d 'Read the Vault/OpenBao token from this file (default: VAULT_TOKEN); the server is VAULT_ADDR' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from add" -l pkcs11-module -d 'PKCS#11 module (shared library) for pkcs11 slots' -r
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from add" -l pkcs11-pin-file -d 'Read the token PIN from this file (default: CAIRN_PKCS11_PIN)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from add" -l key-command -d 'Command that unwraps command slots (`CMD unwrap SLOT_ID`; docs/KEYS.md)' -r
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from add" -l progress -d 'Progress of long work on stderr: a bar when stderr is a terminal (auto), one JSON object per second (json), or none' -r -f -a "auto\t''
json\t''
none\t''"
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from add" -l wait -d 'When another process holds the repository lock, retry for this long (e.g. 30s, 10m)' -r
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from add" -l passphrase -d 'A new passphrase (from CAIRN_NEW_PASSWORD, --new-password-file, or a prompt)'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from add" -l json -d 'Print machine-readable JSON on stdout'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from add" -s q -l quiet -d 'No progress bars or notes'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from add" -l append-only -d 'Never delete or overwrite anything in the repository (commands that must delete refuse)'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from add" -l no-cache -d 'Read remote repositories (s3:, azblob:, sftp:) without the local cache of snapshot objects and index files ($CAIRN_CACHE_DIR, else the user\'s cache directory\'s cairn/)'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from add" -s v -l verbose -d 'More logging (CAIRN_LOG=debug works too)'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from remove" -s r -l repo -d 'Repository: a folder, `s3:https://HOST[:PORT]/BUCKET[/PREFIX]` or `s3:BUCKET[/PREFIX]` (AWS, or AWS_ENDPOINT_URL). Default: the embedded repository under the user\'s data directory' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from remove" -l password-file -d 'Read the passphrase from this file (first line)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from remove" -l password-command -d 'Run this shell command and use its first output line as the passphrase' -r
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from remove" -l key-file -d 'Unlock with this key file instead of a passphrase' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from remove" -l slot -d 'Unlock with this key slot only (an id from `keys status`); without it every slot of a fitting kind is tried' -r
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from remove" -l age-identity -d 'age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from remove" -l vault-token-file -d 'Read the Vault/OpenBao token from this file (default: VAULT_TOKEN); the server is VAULT_ADDR' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from remove" -l pkcs11-module -d 'PKCS#11 module (shared library) for pkcs11 slots' -r
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from remove" -l pkcs11-pin-file -d 'Read the token PIN from this file (default: CAIRN_PKCS11_PIN)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from remove" -l key-command -d 'Command that unwraps command slots (`CMD unwrap SLOT_ID`; docs/KEYS.md)' -r
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from remove" -l progress -d 'Progress of long work on stderr: a bar when stderr is a terminal (auto), one JSON object per second (json), or none' -r -f -a "auto\t''
json\t''
none\t''"
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from remove" -l wait -d 'When another process holds the repository lock, retry for this long (e.g. 30s, 10m)' -r
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from remove" -l force -d 'Remove it even though no other remaining slot was proven to open the repository in this session'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from remove" -l json -d 'Print machine-readable JSON on stdout'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'No progress bars or notes'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from remove" -l append-only -d 'Never delete or overwrite anything in the repository (commands that must delete refuse)'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from remove" -l no-cache -d 'Read remote repositories (s3:, azblob:, sftp:) without the local cache of snapshot objects and index files ($CAIRN_CACHE_DIR, else the user\'s cache directory\'s cairn/)'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'More logging (CAIRN_LOG=debug works too)'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from test" -s r -l repo -d 'Repository: a folder, `s3:https://HOST[:PORT]/BUCKET[/PREFIX]` or `s3:BUCKET[/PREFIX]` (AWS, or AWS_ENDPOINT_URL). Default: the embedded repository under the user\'s data directory' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from test" -l password-file -d 'Read the passphrase from this file (first line)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from test" -l password-command -d 'Run this shell command and use its first output line as the passphrase' -r
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from test" -l key-file -d 'Unlock with this key file instead of a passphrase' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from test" -l slot -d 'Unlock with this key slot only (an id from `keys status`); without it every slot of a fitting kind is tried' -r
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from test" -l age-identity -d 'age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from test" -l vault-token-file -d 'Read the Vault/OpenBao token from this file (default: VAULT_TOKEN); the server is VAULT_ADDR' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from test" -l pkcs11-module -d 'PKCS#11 module (shared library) for pkcs11 slots' -r
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from test" -l pkcs11-pin-file -d 'Read the token PIN from this file (default: CAIRN_PKCS11_PIN)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from test" -l key-command -d 'Command that unwraps command slots (`CMD unwrap SLOT_ID`; docs/KEYS.md)' -r
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from test" -l progress -d 'Progress of long work on stderr: a bar when stderr is a terminal (auto), one JSON object per second (json), or none' -r -f -a "auto\t''
json\t''
none\t''"
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from test" -l wait -d 'When another process holds the repository lock, retry for this long (e.g. 30s, 10m)' -r
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from test" -l json -d 'Print machine-readable JSON on stdout'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from test" -s q -l quiet -d 'No progress bars or notes'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from test" -l append-only -d 'Never delete or overwrite anything in the repository (commands that must delete refuse)'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from test" -l no-cache -d 'Read remote repositories (s3:, azblob:, sftp:) without the local cache of snapshot objects and index files ($CAIRN_CACHE_DIR, else the user\'s cache directory\'s cairn/)'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from test" -s v -l verbose -d 'More logging (CAIRN_LOG=debug works too)'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from test" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from test" -s V -l version -d 'Print version'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from rewrap" -s r -l repo -d 'Repository: a folder, `s3:https://HOST[:PORT]/BUCKET[/PREFIX]` or `s3:BUCKET[/PREFIX]` (AWS, or AWS_ENDPOINT_URL). Default: the embedded repository under the user\'s data directory' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from rewrap" -l password-file -d 'Read the passphrase from this file (first line)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from rewrap" -l password-command -d 'Run this shell command and use its first output line as the passphrase' -r
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from rewrap" -l key-file -d 'Unlock with this key file instead of a passphrase' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from rewrap" -l slot -d 'Unlock with this key slot only (an id from `keys status`); without it every slot of a fitting kind is tried' -r
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from rewrap" -l age-identity -d 'age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from rewrap" -l vault-token-file -d 'Read the Vault/OpenBao token from this file (default: VAULT_TOKEN); the server is VAULT_ADDR' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from rewrap" -l pkcs11-module -d 'PKCS#11 module (shared library) for pkcs11 slots' -r
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from rewrap" -l pkcs11-pin-file -d 'Read the token PIN from this file (default: CAIRN_PKCS11_PIN)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from rewrap" -l key-command -d 'Command that unwraps command slots (`CMD unwrap SLOT_ID`; docs/KEYS.md)' -r
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from rewrap" -l progress -d 'Progress of long work on stderr: a bar when stderr is a terminal (auto), one JSON object per second (json), or none' -r -f -a "auto\t''
json\t''
none\t''"
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from rewrap" -l wait -d 'When another process holds the repository lock, retry for this long (e.g. 30s, 10m)' -r
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from rewrap" -l json -d 'Print machine-readable JSON on stdout'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from rewrap" -s q -l quiet -d 'No progress bars or notes'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from rewrap" -l append-only -d 'Never delete or overwrite anything in the repository (commands that must delete refuse)'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from rewrap" -l no-cache -d 'Read remote repositories (s3:, azblob:, sftp:) without the local cache of snapshot objects and index files ($CAIRN_CACHE_DIR, else the user\'s cache directory\'s cairn/)'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from rewrap" -s v -l verbose -d 'More logging (CAIRN_LOG=debug works too)'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from rewrap" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from rewrap" -s V -l version -d 'Print version'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from rotate-master" -s r -l repo -d 'Repository: a folder, `s3:https://HOST[:PORT]/BUCKET[/PREFIX]` or `s3:BUCKET[/PREFIX]` (AWS, or AWS_ENDPOINT_URL). Default: the embedded repository under the user\'s data directory' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from rotate-master" -l password-file -d 'Read the passphrase from this file (first line)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from rotate-master" -l password-command -d 'Run this shell command and use its first output line as the passphrase' -r
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from rotate-master" -l key-file -d 'Unlock with this key file instead of a passphrase' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from rotate-master" -l slot -d 'Unlock with this key slot only (an id from `keys status`); without it every slot of a fitting kind is tried' -r
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from rotate-master" -l age-identity -d 'age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from rotate-master" -l vault-token-file -d 'Read the Vault/OpenBao token from this file (default: VAULT_TOKEN); the server is VAULT_ADDR' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from rotate-master" -l pkcs11-module -d 'PKCS#11 module (shared library) for pkcs11 slots' -r
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from rotate-master" -l pkcs11-pin-file -d 'Read the token PIN from this file (default: CAIRN_PKCS11_PIN)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from rotate-master" -l key-command -d 'Command that unwraps command slots (`CMD unwrap SLOT_ID`; docs/KEYS.md)' -r
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from rotate-master" -l progress -d 'Progress of long work on stderr: a bar when stderr is a terminal (auto), one JSON object per second (json), or none' -r -f -a "auto\t''
json\t''
none\t''"
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from rotate-master" -l wait -d 'When another process holds the repository lock, retry for this long (e.g. 30s, 10m)' -r
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from rotate-master" -s n -l dry-run -d 'Print what would happen to each slot and change nothing'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from rotate-master" -l json -d 'Print machine-readable JSON on stdout'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from rotate-master" -s q -l quiet -d 'No progress bars or notes'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from rotate-master" -l append-only -d 'Never delete or overwrite anything in the repository (commands that must delete refuse)'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from rotate-master" -l no-cache -d 'Read remote repositories (s3:, azblob:, sftp:) without the local cache of snapshot objects and index files ($CAIRN_CACHE_DIR, else the user\'s cache directory\'s cairn/)'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from rotate-master" -s v -l verbose -d 'More logging (CAIRN_LOG=debug works too)'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from rotate-master" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from rotate-master" -s V -l version -d 'Print version'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from recover" -l restore -d 'Make this version (an id from the listing) the current config or key slot again' -r
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from recover" -s r -l repo -d 'Repository: a folder, `s3:https://HOST[:PORT]/BUCKET[/PREFIX]` or `s3:BUCKET[/PREFIX]` (AWS, or AWS_ENDPOINT_URL). Default: the embedded repository under the user\'s data directory' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from recover" -l password-file -d 'Read the passphrase from this file (first line)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from recover" -l password-command -d 'Run this shell command and use its first output line as the passphrase' -r
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from recover" -l key-file -d 'Unlock with this key file instead of a passphrase' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from recover" -l slot -d 'Unlock with this key slot only (an id from `keys status`); without it every slot of a fitting kind is tried' -r
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from recover" -l age-identity -d 'age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from recover" -l vault-token-file -d 'Read the Vault/OpenBao token from this file (default: VAULT_TOKEN); the server is VAULT_ADDR' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from recover" -l pkcs11-module -d 'PKCS#11 module (shared library) for pkcs11 slots' -r
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from recover" -l pkcs11-pin-file -d 'Read the token PIN from this file (default: CAIRN_PKCS11_PIN)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from recover" -l key-command -d 'Command that unwraps command slots (`CMD unwrap SLOT_ID`; docs/KEYS.md)' -r
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from recover" -l progress -d 'Progress of long work on stderr: a bar when stderr is a terminal (auto), one JSON object per second (json), or none' -r -f -a "auto\t''
json\t''
none\t''"
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from recover" -l wait -d 'When another process holds the repository lock, retry for this long (e.g. 30s, 10m)' -r
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from recover" -l json -d 'Print machine-readable JSON on stdout'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from recover" -s q -l quiet -d 'No progress bars or notes'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from recover" -l append-only -d 'Never delete or overwrite anything in the repository (commands that must delete refuse)'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from recover" -l no-cache -d 'Read remote repositories (s3:, azblob:, sftp:) without the local cache of snapshot objects and index files ($CAIRN_CACHE_DIR, else the user\'s cache directory\'s cairn/)'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from recover" -s v -l verbose -d 'More logging (CAIRN_LOG=debug works too)'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from recover" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from recover" -s V -l version -d 'Print version'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from help" -f -a "status" -d 'Show the key slots (never any secret)'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add a key slot (unlocking with an existing one)'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Remove a key slot (refuses the last one, and one whose removal leaves no slot proven to open the repository in this session); it can no longer open the repository'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from help" -f -a "test" -d 'Prove that one slot unlocks the repository (reads nothing else, takes no lock)'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from help" -f -a "rewrap" -d 'Re-wrap a vault-transit or aws-kms slot under the newest version of its key (after `transit/keys/K/rotate`, or a KMS key rotation)'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from help" -f -a "rotate-master" -d 'Rotate the master secret: new data is sealed under a new key epoch; every slot is re-wrapped (then `prune --rewrite-old-epochs` re-encrypts old data)'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from help" -f -a "recover" -d 'List the versions of the config and key slots the storage keeps (WORM holds them), or bring one back with --restore; needs no key'
complete -c cairn -n "__fish_cairn_using_subcommand keys; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cairn -n "__fish_cairn_using_subcommand trust" -s r -l repo -d 'Repository: a folder, `s3:https://HOST[:PORT]/BUCKET[/PREFIX]` or `s3:BUCKET[/PREFIX]` (AWS, or AWS_ENDPOINT_URL). Default: the embedded repository under the user\'s data directory' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand trust" -l password-file -d 'Read the passphrase from this file (first line)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand trust" -l password-command -d 'Run this shell command and use its first output line as the passphrase' -r
complete -c cairn -n "__fish_cairn_using_subcommand trust" -l key-file -d 'Unlock with this key file instead of a passphrase' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand trust" -l slot -d 'Unlock with this key slot only (an id from `keys status`); without it every slot of a fitting kind is tried' -r
complete -c cairn -n "__fish_cairn_using_subcommand trust" -l age-identity -d 'age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand trust" -l vault-token-file -d 'Read the Vault/OpenBao token from this file (default: VAULT_TOKEN); the server is VAULT_ADDR' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand trust" -l pkcs11-module -d 'PKCS#11 module (shared library) for pkcs11 slots' -r
complete -c cairn -n "__fish_cairn_using_subcommand trust" -l pkcs11-pin-file -d 'Read the token PIN from this file (default: CAIRN_PKCS11_PIN)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand trust" -l key-command -d 'Command that unwraps command slots (`CMD unwrap SLOT_ID`; docs/KEYS.md)' -r
complete -c cairn -n "__fish_cairn_using_subcommand trust" -l progress -d 'Progress of long work on stderr: a bar when stderr is a terminal (auto), one JSON object per second (json), or none' -r -f -a "auto\t''
json\t''
none\t''"
complete -c cairn -n "__fish_cairn_using_subcommand trust" -l wait -d 'When another process holds the repository lock, retry for this long (e.g. 30s, 10m)' -r
complete -c cairn -n "__fish_cairn_using_subcommand trust" -l reset -d 'Unlock the repository and pin it as it is now, replacing the earlier pin (kept in the pin\'s history)'
complete -c cairn -n "__fish_cairn_using_subcommand trust" -l json -d 'Print machine-readable JSON on stdout'
complete -c cairn -n "__fish_cairn_using_subcommand trust" -s q -l quiet -d 'No progress bars or notes'
complete -c cairn -n "__fish_cairn_using_subcommand trust" -l append-only -d 'Never delete or overwrite anything in the repository (commands that must delete refuse)'
complete -c cairn -n "__fish_cairn_using_subcommand trust" -l no-cache -d 'Read remote repositories (s3:, azblob:, sftp:) without the local cache of snapshot objects and index files ($CAIRN_CACHE_DIR, else the user\'s cache directory\'s cairn/)'
complete -c cairn -n "__fish_cairn_using_subcommand trust" -s v -l verbose -d 'More logging (CAIRN_LOG=debug works too)'
complete -c cairn -n "__fish_cairn_using_subcommand trust" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand trust" -s V -l version -d 'Print version'
complete -c cairn -n "__fish_cairn_using_subcommand backup" -l stdin-from-command -d 'Run COMMAND with `sh -c` and back up its output as one file, e.g. \'pg_dump -Fc mydb\'; a non-zero exit fails the backup and stores no snapshot' -r
complete -c cairn -n "__fish_cairn_using_subcommand backup" -l stdin-filename -d 'The file name a stream is stored under' -r
complete -c cairn -n "__fish_cairn_using_subcommand backup" -l tag -d 'Tag the snapshot (repeatable)' -r
complete -c cairn -n "__fish_cairn_using_subcommand backup" -l host -d 'Host name to record (default: this machine\'s)' -r
complete -c cairn -n "__fish_cairn_using_subcommand backup" -s e -l exclude -d 'Exclude paths matching this glob (repeatable). Without `/` it matches a name at any depth' -r
complete -c cairn -n "__fish_cairn_using_subcommand backup" -l exclude-file -d 'Read exclude patterns from a file, one per line' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand backup" -l now -d 'Snapshot time (RFC 3339) instead of the clock, for reproducible snapshots' -r
complete -c cairn -n "__fish_cairn_using_subcommand backup" -l uploads -d 'Packs uploaded at once (default: 4 to S3, 2 to a folder); each holds one pack (16 MiB) of memory' -r
complete -c cairn -n "__fish_cairn_using_subcommand backup" -l workers -d 'Worker threads (default: the number of cores)' -r
complete -c cairn -n "__fish_cairn_using_subcommand backup" -s r -l repo -d 'Repository: a folder, `s3:https://HOST[:PORT]/BUCKET[/PREFIX]` or `s3:BUCKET[/PREFIX]` (AWS, or AWS_ENDPOINT_URL). Default: the embedded repository under the user\'s data directory' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand backup" -l password-file -d 'Read the passphrase from this file (first line)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand backup" -l password-command -d 'Run this shell command and use its first output line as the passphrase' -r
complete -c cairn -n "__fish_cairn_using_subcommand backup" -l key-file -d 'Unlock with this key file instead of a passphrase' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand backup" -l slot -d 'Unlock with this key slot only (an id from `keys status`); without it every slot of a fitting kind is tried' -r
complete -c cairn -n "__fish_cairn_using_subcommand backup" -l age-identity -d 'age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand backup" -l vault-token-file -d 'Read the Vault/OpenBao token from this file (default: VAULT_TOKEN); the server is VAULT_ADDR' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand backup" -l pkcs11-module -d 'PKCS#11 module (shared library) for pkcs11 slots' -r
complete -c cairn -n "__fish_cairn_using_subcommand backup" -l pkcs11-pin-file -d 'Read the token PIN from this file (default: CAIRN_PKCS11_PIN)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand backup" -l key-command -d 'Command that unwraps command slots (`CMD unwrap SLOT_ID`; docs/KEYS.md)' -r
complete -c cairn -n "__fish_cairn_using_subcommand backup" -l progress -d 'Progress of long work on stderr: a bar when stderr is a terminal (auto), one JSON object per second (json), or none' -r -f -a "auto\t''
json\t''
none\t''"
complete -c cairn -n "__fish_cairn_using_subcommand backup" -l wait -d 'When another process holds the repository lock, retry for this long (e.g. 30s, 10m)' -r
complete -c cairn -n "__fish_cairn_using_subcommand backup" -l stdin -d 'Back up what arrives on stdin as one file (named by --stdin-filename)'
complete -c cairn -n "__fish_cairn_using_subcommand backup" -s x -l one-file-system -d 'Stay on the filesystem of each source path'
complete -c cairn -n "__fish_cairn_using_subcommand backup" -l force -d 'Read every file even if unchanged since the parent snapshot'
complete -c cairn -n "__fish_cairn_using_subcommand backup" -l json -d 'Print machine-readable JSON on stdout'
complete -c cairn -n "__fish_cairn_using_subcommand backup" -s q -l quiet -d 'No progress bars or notes'
complete -c cairn -n "__fish_cairn_using_subcommand backup" -l append-only -d 'Never delete or overwrite anything in the repository (commands that must delete refuse)'
complete -c cairn -n "__fish_cairn_using_subcommand backup" -l no-cache -d 'Read remote repositories (s3:, azblob:, sftp:) without the local cache of snapshot objects and index files ($CAIRN_CACHE_DIR, else the user\'s cache directory\'s cairn/)'
complete -c cairn -n "__fish_cairn_using_subcommand backup" -s v -l verbose -d 'More logging (CAIRN_LOG=debug works too)'
complete -c cairn -n "__fish_cairn_using_subcommand backup" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand backup" -s V -l version -d 'Print version'
complete -c cairn -n "__fish_cairn_using_subcommand list" -l tag -d 'Only snapshots with this tag (repeatable: all must match)' -r
complete -c cairn -n "__fish_cairn_using_subcommand list" -l host -d 'Only snapshots from this host' -r
complete -c cairn -n "__fish_cairn_using_subcommand list" -s r -l repo -d 'Repository: a folder, `s3:https://HOST[:PORT]/BUCKET[/PREFIX]` or `s3:BUCKET[/PREFIX]` (AWS, or AWS_ENDPOINT_URL). Default: the embedded repository under the user\'s data directory' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand list" -l password-file -d 'Read the passphrase from this file (first line)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand list" -l password-command -d 'Run this shell command and use its first output line as the passphrase' -r
complete -c cairn -n "__fish_cairn_using_subcommand list" -l key-file -d 'Unlock with this key file instead of a passphrase' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand list" -l slot -d 'Unlock with this key slot only (an id from `keys status`); without it every slot of a fitting kind is tried' -r
complete -c cairn -n "__fish_cairn_using_subcommand list" -l age-identity -d 'age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand list" -l vault-token-file -d 'Read the Vault/OpenBao token from this file (default: VAULT_TOKEN); the server is VAULT_ADDR' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand list" -l pkcs11-module -d 'PKCS#11 module (shared library) for pkcs11 slots' -r
complete -c cairn -n "__fish_cairn_using_subcommand list" -l pkcs11-pin-file -d 'Read the token PIN from this file (default: CAIRN_PKCS11_PIN)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand list" -l key-command -d 'Command that unwraps command slots (`CMD unwrap SLOT_ID`; docs/KEYS.md)' -r
complete -c cairn -n "__fish_cairn_using_subcommand list" -l progress -d 'Progress of long work on stderr: a bar when stderr is a terminal (auto), one JSON object per second (json), or none' -r -f -a "auto\t''
json\t''
none\t''"
complete -c cairn -n "__fish_cairn_using_subcommand list" -l wait -d 'When another process holds the repository lock, retry for this long (e.g. 30s, 10m)' -r
complete -c cairn -n "__fish_cairn_using_subcommand list" -l json -d 'Print machine-readable JSON on stdout'
complete -c cairn -n "__fish_cairn_using_subcommand list" -s q -l quiet -d 'No progress bars or notes'
complete -c cairn -n "__fish_cairn_using_subcommand list" -l append-only -d 'Never delete or overwrite anything in the repository (commands that must delete refuse)'
complete -c cairn -n "__fish_cairn_using_subcommand list" -l no-cache -d 'Read remote repositories (s3:, azblob:, sftp:) without the local cache of snapshot objects and index files ($CAIRN_CACHE_DIR, else the user\'s cache directory\'s cairn/)'
complete -c cairn -n "__fish_cairn_using_subcommand list" -s v -l verbose -d 'More logging (CAIRN_LOG=debug works too)'
complete -c cairn -n "__fish_cairn_using_subcommand list" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand list" -s V -l version -d 'Print version'
complete -c cairn -n "__fish_cairn_using_subcommand manifest" -l format -d 'Output format' -r -f -a "sha256sum\t'`sha256sum -c` input, paths relative to the backed-up root'
json\t'One JSON document'"
complete -c cairn -n "__fish_cairn_using_subcommand manifest" -s r -l repo -d 'Repository: a folder, `s3:https://HOST[:PORT]/BUCKET[/PREFIX]` or `s3:BUCKET[/PREFIX]` (AWS, or AWS_ENDPOINT_URL). Default: the embedded repository under the user\'s data directory' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand manifest" -l password-file -d 'Read the passphrase from this file (first line)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand manifest" -l password-command -d 'Run this shell command and use its first output line as the passphrase' -r
complete -c cairn -n "__fish_cairn_using_subcommand manifest" -l key-file -d 'Unlock with this key file instead of a passphrase' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand manifest" -l slot -d 'Unlock with this key slot only (an id from `keys status`); without it every slot of a fitting kind is tried' -r
complete -c cairn -n "__fish_cairn_using_subcommand manifest" -l age-identity -d 'age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand manifest" -l vault-token-file -d 'Read the Vault/OpenBao token from this file (default: VAULT_TOKEN); the server is VAULT_ADDR' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand manifest" -l pkcs11-module -d 'PKCS#11 module (shared library) for pkcs11 slots' -r
complete -c cairn -n "__fish_cairn_using_subcommand manifest" -l pkcs11-pin-file -d 'Read the token PIN from this file (default: CAIRN_PKCS11_PIN)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand manifest" -l key-command -d 'Command that unwraps command slots (`CMD unwrap SLOT_ID`; docs/KEYS.md)' -r
complete -c cairn -n "__fish_cairn_using_subcommand manifest" -l progress -d 'Progress of long work on stderr: a bar when stderr is a terminal (auto), one JSON object per second (json), or none' -r -f -a "auto\t''
json\t''
none\t''"
complete -c cairn -n "__fish_cairn_using_subcommand manifest" -l wait -d 'When another process holds the repository lock, retry for this long (e.g. 30s, 10m)' -r
complete -c cairn -n "__fish_cairn_using_subcommand manifest" -l json -d 'Print machine-readable JSON on stdout'
complete -c cairn -n "__fish_cairn_using_subcommand manifest" -s q -l quiet -d 'No progress bars or notes'
complete -c cairn -n "__fish_cairn_using_subcommand manifest" -l append-only -d 'Never delete or overwrite anything in the repository (commands that must delete refuse)'
complete -c cairn -n "__fish_cairn_using_subcommand manifest" -l no-cache -d 'Read remote repositories (s3:, azblob:, sftp:) without the local cache of snapshot objects and index files ($CAIRN_CACHE_DIR, else the user\'s cache directory\'s cairn/)'
complete -c cairn -n "__fish_cairn_using_subcommand manifest" -s v -l verbose -d 'More logging (CAIRN_LOG=debug works too)'
complete -c cairn -n "__fish_cairn_using_subcommand manifest" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cairn -n "__fish_cairn_using_subcommand manifest" -s V -l version -d 'Print version'
complete -c cairn -n "__fish_cairn_using_subcommand ls" -s r -l repo -d 'Repository: a folder, `s3:https://HOST[:PORT]/BUCKET[/PREFIX]` or `s3:BUCKET[/PREFIX]` (AWS, or AWS_ENDPOINT_URL). Default: the embedded repository under the user\'s data directory' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand ls" -l password-file -d 'Read the passphrase from this file (first line)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand ls" -l password-command -d 'Run this shell command and use its first output line as the passphrase' -r
complete -c cairn -n "__fish_cairn_using_subcommand ls" -l key-file -d 'Unlock with this key file instead of a passphrase' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand ls" -l slot -d 'Unlock with this key slot only (an id from `keys status`); without it every slot of a fitting kind is tried' -r
complete -c cairn -n "__fish_cairn_using_subcommand ls" -l age-identity -d 'age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand ls" -l vault-token-file -d 'Read the Vault/OpenBao token from this file (default: VAULT_TOKEN); the server is VAULT_ADDR' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand ls" -l pkcs11-module -d 'PKCS#11 module (shared library) for pkcs11 slots' -r
complete -c cairn -n "__fish_cairn_using_subcommand ls" -l pkcs11-pin-file -d 'Read the token PIN from this file (default: CAIRN_PKCS11_PIN)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand ls" -l key-command -d 'Command that unwraps command slots (`CMD unwrap SLOT_ID`; docs/KEYS.md)' -r
complete -c cairn -n "__fish_cairn_using_subcommand ls" -l progress -d 'Progress of long work on stderr: a bar when stderr is a terminal (auto), one JSON object per second (json), or none' -r -f -a "auto\t''
json\t''
none\t''"
complete -c cairn -n "__fish_cairn_using_subcommand ls" -l wait -d 'When another process holds the repository lock, retry for this long (e.g. 30s, 10m)' -r
complete -c cairn -n "__fish_cairn_using_subcommand ls" -s l -l long -d 'Also show mode, owner, mtime and SHA-256'
complete -c cairn -n "__fish_cairn_using_subcommand ls" -s R -l recursive -d 'Everything below the directory, not only its entries'
complete -c cairn -n "__fish_cairn_using_subcommand ls" -l json -d 'Print machine-readable JSON on stdout'
complete -c cairn -n "__fish_cairn_using_subcommand ls" -s q -l quiet -d 'No progress bars or notes'
complete -c cairn -n "__fish_cairn_using_subcommand ls" -l append-only -d 'Never delete or overwrite anything in the repository (commands that must delete refuse)'
complete -c cairn -n "__fish_cairn_using_subcommand ls" -l no-cache -d 'Read remote repositories (s3:, azblob:, sftp:) without the local cache of snapshot objects and index files ($CAIRN_CACHE_DIR, else the user\'s cache directory\'s cairn/)'
complete -c cairn -n "__fish_cairn_using_subcommand ls" -s v -l verbose -d 'More logging (CAIRN_LOG=debug works too)'
complete -c cairn -n "__fish_cairn_using_subcommand ls" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand ls" -s V -l version -d 'Print version'
complete -c cairn -n "__fish_cairn_using_subcommand cat" -s r -l repo -d 'Repository: a folder, `s3:https://HOST[:PORT]/BUCKET[/PREFIX]` or `s3:BUCKET[/PREFIX]` (AWS, or AWS_ENDPOINT_URL). Default: the embedded repository under the user\'s data directory' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand cat" -l password-file -d 'Read the passphrase from this file (first line)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand cat" -l password-command -d 'Run this shell command and use its first output line as the passphrase' -r
complete -c cairn -n "__fish_cairn_using_subcommand cat" -l key-file -d 'Unlock with this key file instead of a passphrase' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand cat" -l slot -d 'Unlock with this key slot only (an id from `keys status`); without it every slot of a fitting kind is tried' -r
complete -c cairn -n "__fish_cairn_using_subcommand cat" -l age-identity -d 'age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand cat" -l vault-token-file -d 'Read the Vault/OpenBao token from this file (default: VAULT_TOKEN); the server is VAULT_ADDR' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand cat" -l pkcs11-module -d 'PKCS#11 module (shared library) for pkcs11 slots' -r
complete -c cairn -n "__fish_cairn_using_subcommand cat" -l pkcs11-pin-file -d 'Read the token PIN from this file (default: CAIRN_PKCS11_PIN)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand cat" -l key-command -d 'Command that unwraps command slots (`CMD unwrap SLOT_ID`; docs/KEYS.md)' -r
complete -c cairn -n "__fish_cairn_using_subcommand cat" -l progress -d 'Progress of long work on stderr: a bar when stderr is a terminal (auto), one JSON object per second (json), or none' -r -f -a "auto\t''
json\t''
none\t''"
complete -c cairn -n "__fish_cairn_using_subcommand cat" -l wait -d 'When another process holds the repository lock, retry for this long (e.g. 30s, 10m)' -r
complete -c cairn -n "__fish_cairn_using_subcommand cat" -l json -d 'Print machine-readable JSON on stdout'
complete -c cairn -n "__fish_cairn_using_subcommand cat" -s q -l quiet -d 'No progress bars or notes'
complete -c cairn -n "__fish_cairn_using_subcommand cat" -l append-only -d 'Never delete or overwrite anything in the repository (commands that must delete refuse)'
complete -c cairn -n "__fish_cairn_using_subcommand cat" -l no-cache -d 'Read remote repositories (s3:, azblob:, sftp:) without the local cache of snapshot objects and index files ($CAIRN_CACHE_DIR, else the user\'s cache directory\'s cairn/)'
complete -c cairn -n "__fish_cairn_using_subcommand cat" -s v -l verbose -d 'More logging (CAIRN_LOG=debug works too)'
complete -c cairn -n "__fish_cairn_using_subcommand cat" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand cat" -s V -l version -d 'Print version'
complete -c cairn -n "__fish_cairn_using_subcommand diff" -s r -l repo -d 'Repository: a folder, `s3:https://HOST[:PORT]/BUCKET[/PREFIX]` or `s3:BUCKET[/PREFIX]` (AWS, or AWS_ENDPOINT_URL). Default: the embedded repository under the user\'s data directory' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand diff" -l password-file -d 'Read the passphrase from this file (first line)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand diff" -l password-command -d 'Run this shell command and use its first output line as the passphrase' -r
complete -c cairn -n "__fish_cairn_using_subcommand diff" -l key-file -d 'Unlock with this key file instead of a passphrase' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand diff" -l slot -d 'Unlock with this key slot only (an id from `keys status`); without it every slot of a fitting kind is tried' -r
complete -c cairn -n "__fish_cairn_using_subcommand diff" -l age-identity -d 'age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand diff" -l vault-token-file -d 'Read the Vault/OpenBao token from this file (default: VAULT_TOKEN); the server is VAULT_ADDR' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand diff" -l pkcs11-module -d 'PKCS#11 module (shared library) for pkcs11 slots' -r
complete -c cairn -n "__fish_cairn_using_subcommand diff" -l pkcs11-pin-file -d 'Read the token PIN from this file (default: CAIRN_PKCS11_PIN)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand diff" -l key-command -d 'Command that unwraps command slots (`CMD unwrap SLOT_ID`; docs/KEYS.md)' -r
complete -c cairn -n "__fish_cairn_using_subcommand diff" -l progress -d 'Progress of long work on stderr: a bar when stderr is a terminal (auto), one JSON object per second (json), or none' -r -f -a "auto\t''
json\t''
none\t''"
complete -c cairn -n "__fish_cairn_using_subcommand diff" -l wait -d 'When another process holds the repository lock, retry for this long (e.g. 30s, 10m)' -r
complete -c cairn -n "__fish_cairn_using_subcommand diff" -l json -d 'Print machine-readable JSON on stdout'
complete -c cairn -n "__fish_cairn_using_subcommand diff" -s q -l quiet -d 'No progress bars or notes'
complete -c cairn -n "__fish_cairn_using_subcommand diff" -l append-only -d 'Never delete or overwrite anything in the repository (commands that must delete refuse)'
complete -c cairn -n "__fish_cairn_using_subcommand diff" -l no-cache -d 'Read remote repositories (s3:, azblob:, sftp:) without the local cache of snapshot objects and index files ($CAIRN_CACHE_DIR, else the user\'s cache directory\'s cairn/)'
complete -c cairn -n "__fish_cairn_using_subcommand diff" -s v -l verbose -d 'More logging (CAIRN_LOG=debug works too)'
complete -c cairn -n "__fish_cairn_using_subcommand diff" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand diff" -s V -l version -d 'Print version'
complete -c cairn -n "__fish_cairn_using_subcommand find" -s s -l snapshot -d 'Search only this snapshot (an id, a prefix or `latest`; repeatable). Default: every snapshot' -r
complete -c cairn -n "__fish_cairn_using_subcommand find" -l newer -d 'Only entries modified after this time (RFC 3339, e.g. 2026-11-27T00:00:00Z)' -r
complete -c cairn -n "__fish_cairn_using_subcommand find" -s r -l repo -d 'Repository: a folder, `s3:https://HOST[:PORT]/BUCKET[/PREFIX]` or `s3:BUCKET[/PREFIX]` (AWS, or AWS_ENDPOINT_URL). Default: the embedded repository under the user\'s data directory' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand find" -l password-file -d 'Read the passphrase from this file (first line)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand find" -l password-command -d 'Run this shell command and use its first output line as the passphrase' -r
complete -c cairn -n "__fish_cairn_using_subcommand find" -l key-file -d 'Unlock with this key file instead of a passphrase' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand find" -l slot -d 'Unlock with this key slot only (an id from `keys status`); without it every slot of a fitting kind is tried' -r
complete -c cairn -n "__fish_cairn_using_subcommand find" -l age-identity -d 'age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand find" -l vault-token-file -d 'Read the Vault/OpenBao token from this file (default: VAULT_TOKEN); the server is VAULT_ADDR' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand find" -l pkcs11-module -d 'PKCS#11 module (shared library) for pkcs11 slots' -r
complete -c cairn -n "__fish_cairn_using_subcommand find" -l pkcs11-pin-file -d 'Read the token PIN from this file (default: CAIRN_PKCS11_PIN)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand find" -l key-command -d 'Command that unwraps command slots (`CMD unwrap SLOT_ID`; docs/KEYS.md)' -r
complete -c cairn -n "__fish_cairn_using_subcommand find" -l progress -d 'Progress of long work on stderr: a bar when stderr is a terminal (auto), one JSON object per second (json), or none' -r -f -a "auto\t''
json\t''
none\t''"
complete -c cairn -n "__fish_cairn_using_subcommand find" -l wait -d 'When another process holds the repository lock, retry for this long (e.g. 30s, 10m)' -r
complete -c cairn -n "__fish_cairn_using_subcommand find" -l json -d 'Print machine-readable JSON on stdout'
complete -c cairn -n "__fish_cairn_using_subcommand find" -s q -l quiet -d 'No progress bars or notes'
complete -c cairn -n "__fish_cairn_using_subcommand find" -l append-only -d 'Never delete or overwrite anything in the repository (commands that must delete refuse)'
complete -c cairn -n "__fish_cairn_using_subcommand find" -l no-cache -d 'Read remote repositories (s3:, azblob:, sftp:) without the local cache of snapshot objects and index files ($CAIRN_CACHE_DIR, else the user\'s cache directory\'s cairn/)'
complete -c cairn -n "__fish_cairn_using_subcommand find" -s v -l verbose -d 'More logging (CAIRN_LOG=debug works too)'
complete -c cairn -n "__fish_cairn_using_subcommand find" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand find" -s V -l version -d 'Print version'
complete -c cairn -n "__fish_cairn_using_subcommand mount" -l tag -d 'Only snapshots with this tag (repeatable: all must match)' -r
complete -c cairn -n "__fish_cairn_using_subcommand mount" -l host -d 'Only snapshots from this host' -r
complete -c cairn -n "__fish_cairn_using_subcommand mount" -l cache-mib -d 'File content kept in memory for rereads, in MiB' -r
complete -c cairn -n "__fish_cairn_using_subcommand mount" -s r -l repo -d 'Repository: a folder, `s3:https://HOST[:PORT]/BUCKET[/PREFIX]` or `s3:BUCKET[/PREFIX]` (AWS, or AWS_ENDPOINT_URL). Default: the embedded repository under the user\'s data directory' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand mount" -l password-file -d 'Read the passphrase from this file (first line)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand mount" -l password-command -d 'Run this shell command and use its first output line as the passphrase' -r
complete -c cairn -n "__fish_cairn_using_subcommand mount" -l key-file -d 'Unlock with this key file instead of a passphrase' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand mount" -l slot -d 'Unlock with this key slot only (an id from `keys status`); without it every slot of a fitting kind is tried' -r
complete -c cairn -n "__fish_cairn_using_subcommand mount" -l age-identity -d 'age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand mount" -l vault-token-file -d 'Read the Vault/OpenBao token from this file (default: VAULT_TOKEN); the server is VAULT_ADDR' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand mount" -l pkcs11-module -d 'PKCS#11 module (shared library) for pkcs11 slots' -r
complete -c cairn -n "__fish_cairn_using_subcommand mount" -l pkcs11-pin-file -d 'Read the token PIN from this file (default: CAIRN_PKCS11_PIN)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand mount" -l key-command -d 'Command that unwraps command slots (`CMD unwrap SLOT_ID`; docs/KEYS.md)' -r
complete -c cairn -n "__fish_cairn_using_subcommand mount" -l progress -d 'Progress of long work on stderr: a bar when stderr is a terminal (auto), one JSON object per second (json), or none' -r -f -a "auto\t''
json\t''
none\t''"
complete -c cairn -n "__fish_cairn_using_subcommand mount" -l wait -d 'When another process holds the repository lock, retry for this long (e.g. 30s, 10m)' -r
complete -c cairn -n "__fish_cairn_using_subcommand mount" -l json -d 'Print machine-readable JSON on stdout'
complete -c cairn -n "__fish_cairn_using_subcommand mount" -s q -l quiet -d 'No progress bars or notes'
complete -c cairn -n "__fish_cairn_using_subcommand mount" -l append-only -d 'Never delete or overwrite anything in the repository (commands that must delete refuse)'
complete -c cairn -n "__fish_cairn_using_subcommand mount" -l no-cache -d 'Read remote repositories (s3:, azblob:, sftp:) without the local cache of snapshot objects and index files ($CAIRN_CACHE_DIR, else the user\'s cache directory\'s cairn/)'
complete -c cairn -n "__fish_cairn_using_subcommand mount" -s v -l verbose -d 'More logging (CAIRN_LOG=debug works too)'
complete -c cairn -n "__fish_cairn_using_subcommand mount" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand mount" -s V -l version -d 'Print version'
complete -c cairn -n "__fish_cairn_using_subcommand copy" -l to -d 'The destination repository: a folder or an `s3:` location (it must exist: `cairn init` it first)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand copy" -l to-password-file -d 'Unlock the destination with the passphrase in this file (default: the same credentials as the source)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand copy" -l uploads -d 'Writer threads storing packs beside the work (default: 0, packs are stored by the thread that fills them); each holds one to three packs (16 MiB each) of memory and hides storage round trips' -r
complete -c cairn -n "__fish_cairn_using_subcommand copy" -l workers -d 'Worker threads (default: the number of cores)' -r
complete -c cairn -n "__fish_cairn_using_subcommand copy" -s r -l repo -d 'Repository: a folder, `s3:https://HOST[:PORT]/BUCKET[/PREFIX]` or `s3:BUCKET[/PREFIX]` (AWS, or AWS_ENDPOINT_URL). Default: the embedded repository under the user\'s data directory' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand copy" -l password-file -d 'Read the passphrase from this file (first line)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand copy" -l password-command -d 'Run this shell command and use its first output line as the passphrase' -r
complete -c cairn -n "__fish_cairn_using_subcommand copy" -l key-file -d 'Unlock with this key file instead of a passphrase' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand copy" -l slot -d 'Unlock with this key slot only (an id from `keys status`); without it every slot of a fitting kind is tried' -r
complete -c cairn -n "__fish_cairn_using_subcommand copy" -l age-identity -d 'age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand copy" -l vault-token-file -d 'Read the Vault/OpenBao token from this file (default: VAULT_TOKEN); the server is VAULT_ADDR' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand copy" -l pkcs11-module -d 'PKCS#11 module (shared library) for pkcs11 slots' -r
complete -c cairn -n "__fish_cairn_using_subcommand copy" -l pkcs11-pin-file -d 'Read the token PIN from this file (default: CAIRN_PKCS11_PIN)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand copy" -l key-command -d 'Command that unwraps command slots (`CMD unwrap SLOT_ID`; docs/KEYS.md)' -r
complete -c cairn -n "__fish_cairn_using_subcommand copy" -l progress -d 'Progress of long work on stderr: a bar when stderr is a terminal (auto), one JSON object per second (json), or none' -r -f -a "auto\t''
json\t''
none\t''"
complete -c cairn -n "__fish_cairn_using_subcommand copy" -l wait -d 'When another process holds the repository lock, retry for this long (e.g. 30s, 10m)' -r
complete -c cairn -n "__fish_cairn_using_subcommand copy" -l json -d 'Print machine-readable JSON on stdout'
complete -c cairn -n "__fish_cairn_using_subcommand copy" -s q -l quiet -d 'No progress bars or notes'
complete -c cairn -n "__fish_cairn_using_subcommand copy" -l append-only -d 'Never delete or overwrite anything in the repository (commands that must delete refuse)'
complete -c cairn -n "__fish_cairn_using_subcommand copy" -l no-cache -d 'Read remote repositories (s3:, azblob:, sftp:) without the local cache of snapshot objects and index files ($CAIRN_CACHE_DIR, else the user\'s cache directory\'s cairn/)'
complete -c cairn -n "__fish_cairn_using_subcommand copy" -s v -l verbose -d 'More logging (CAIRN_LOG=debug works too)'
complete -c cairn -n "__fish_cairn_using_subcommand copy" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand copy" -s V -l version -d 'Print version'
complete -c cairn -n "__fish_cairn_using_subcommand restore" -s t -l target -d 'Directory to restore into (created if missing)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand restore" -s i -l include -d 'Only restore paths matching this glob, relative to the snapshot root (repeatable)' -r
complete -c cairn -n "__fish_cairn_using_subcommand restore" -s e -l exclude -d 'Do not restore paths matching this glob (repeatable)' -r
complete -c cairn -n "__fish_cairn_using_subcommand restore" -l overwrite -d 'What to do with files that already exist in the target' -r -f -a "never\t'Keep existing files'
if-changed\t'Replace files whose content differs'
always\t'Replace every existing file'"
complete -c cairn -n "__fish_cairn_using_subcommand restore" -l tag -d 'With `latest`: only snapshots with this tag (repeatable)' -r
complete -c cairn -n "__fish_cairn_using_subcommand restore" -l host -d 'With `latest`: only snapshots from this host' -r
complete -c cairn -n "__fish_cairn_using_subcommand restore" -l workers -d 'Worker threads (default: the number of cores)' -r
complete -c cairn -n "__fish_cairn_using_subcommand restore" -s r -l repo -d 'Repository: a folder, `s3:https://HOST[:PORT]/BUCKET[/PREFIX]` or `s3:BUCKET[/PREFIX]` (AWS, or AWS_ENDPOINT_URL). Default: the embedded repository under the user\'s data directory' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand restore" -l password-file -d 'Read the passphrase from this file (first line)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand restore" -l password-command -d 'Run this shell command and use its first output line as the passphrase' -r
complete -c cairn -n "__fish_cairn_using_subcommand restore" -l key-file -d 'Unlock with this key file instead of a passphrase' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand restore" -l slot -d 'Unlock with this key slot only (an id from `keys status`); without it every slot of a fitting kind is tried' -r
complete -c cairn -n "__fish_cairn_using_subcommand restore" -l age-identity -d 'age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand restore" -l vault-token-file -d 'Read the Vault/OpenBao token from this file (default: VAULT_TOKEN); the server is VAULT_ADDR' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand restore" -l pkcs11-module -d 'PKCS#11 module (shared library) for pkcs11 slots' -r
complete -c cairn -n "__fish_cairn_using_subcommand restore" -l pkcs11-pin-file -d 'Read the token PIN from this file (default: CAIRN_PKCS11_PIN)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand restore" -l key-command -d 'Command that unwraps command slots (`CMD unwrap SLOT_ID`; docs/KEYS.md)' -r
complete -c cairn -n "__fish_cairn_using_subcommand restore" -l progress -d 'Progress of long work on stderr: a bar when stderr is a terminal (auto), one JSON object per second (json), or none' -r -f -a "auto\t''
json\t''
none\t''"
complete -c cairn -n "__fish_cairn_using_subcommand restore" -l wait -d 'When another process holds the repository lock, retry for this long (e.g. 30s, 10m)' -r
complete -c cairn -n "__fish_cairn_using_subcommand restore" -s n -l dry-run -d 'Print the plan and change nothing'
complete -c cairn -n "__fish_cairn_using_subcommand restore" -l delete -d 'Remove entries in the target that are not in the snapshot (never outside the target)'
complete -c cairn -n "__fish_cairn_using_subcommand restore" -l numeric-owner -d 'Restore owners by numeric id (always so: snapshots store ids, not names)'
complete -c cairn -n "__fish_cairn_using_subcommand restore" -l no-special -d 'Do not create device nodes, and drop setuid/setgid bits (a restore for a user rather than of a system)'
complete -c cairn -n "__fish_cairn_using_subcommand restore" -l json -d 'Print machine-readable JSON on stdout'
complete -c cairn -n "__fish_cairn_using_subcommand restore" -s q -l quiet -d 'No progress bars or notes'
complete -c cairn -n "__fish_cairn_using_subcommand restore" -l append-only -d 'Never delete or overwrite anything in the repository (commands that must delete refuse)'
complete -c cairn -n "__fish_cairn_using_subcommand restore" -l no-cache -d 'Read remote repositories (s3:, azblob:, sftp:) without the local cache of snapshot objects and index files ($CAIRN_CACHE_DIR, else the user\'s cache directory\'s cairn/)'
complete -c cairn -n "__fish_cairn_using_subcommand restore" -s v -l verbose -d 'More logging (CAIRN_LOG=debug works too)'
complete -c cairn -n "__fish_cairn_using_subcommand restore" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cairn -n "__fish_cairn_using_subcommand restore" -s V -l version -d 'Print version'
complete -c cairn -n "__fish_cairn_using_subcommand verify" -l read-data-subset -d 'Read a subset of packs: `N%` (seeded) or `K/N` (the K-th of N slices)' -r
complete -c cairn -n "__fish_cairn_using_subcommand verify" -l seed -d 'Seed for `N%` subsets (default: random, printed)' -r
complete -c cairn -n "__fish_cairn_using_subcommand verify" -l workers -d 'Worker threads (default: the number of cores)' -r
complete -c cairn -n "__fish_cairn_using_subcommand verify" -s r -l repo -d 'Repository: a folder, `s3:https://HOST[:PORT]/BUCKET[/PREFIX]` or `s3:BUCKET[/PREFIX]` (AWS, or AWS_ENDPOINT_URL). Default: the embedded repository under the user\'s data directory' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand verify" -l password-file -d 'Read the passphrase from this file (first line)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand verify" -l password-command -d 'Run this shell command and use its first output line as the passphrase' -r
complete -c cairn -n "__fish_cairn_using_subcommand verify" -l key-file -d 'Unlock with this key file instead of a passphrase' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand verify" -l slot -d 'Unlock with this key slot only (an id from `keys status`); without it every slot of a fitting kind is tried' -r
complete -c cairn -n "__fish_cairn_using_subcommand verify" -l age-identity -d 'age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand verify" -l vault-token-file -d 'Read the Vault/OpenBao token from this file (default: VAULT_TOKEN); the server is VAULT_ADDR' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand verify" -l pkcs11-module -d 'PKCS#11 module (shared library) for pkcs11 slots' -r
complete -c cairn -n "__fish_cairn_using_subcommand verify" -l pkcs11-pin-file -d 'Read the token PIN from this file (default: CAIRN_PKCS11_PIN)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand verify" -l key-command -d 'Command that unwraps command slots (`CMD unwrap SLOT_ID`; docs/KEYS.md)' -r
complete -c cairn -n "__fish_cairn_using_subcommand verify" -l progress -d 'Progress of long work on stderr: a bar when stderr is a terminal (auto), one JSON object per second (json), or none' -r -f -a "auto\t''
json\t''
none\t''"
complete -c cairn -n "__fish_cairn_using_subcommand verify" -l wait -d 'When another process holds the repository lock, retry for this long (e.g. 30s, 10m)' -r
complete -c cairn -n "__fish_cairn_using_subcommand verify" -l read-data -d 'Read every pack: SHA-256, authentication and id of every blob'
complete -c cairn -n "__fish_cairn_using_subcommand verify" -l smoke -d 'Also restore the snapshots (default: latest) into a temporary directory and re-hash every file'
complete -c cairn -n "__fish_cairn_using_subcommand verify" -l json -d 'Print machine-readable JSON on stdout'
complete -c cairn -n "__fish_cairn_using_subcommand verify" -s q -l quiet -d 'No progress bars or notes'
complete -c cairn -n "__fish_cairn_using_subcommand verify" -l append-only -d 'Never delete or overwrite anything in the repository (commands that must delete refuse)'
complete -c cairn -n "__fish_cairn_using_subcommand verify" -l no-cache -d 'Read remote repositories (s3:, azblob:, sftp:) without the local cache of snapshot objects and index files ($CAIRN_CACHE_DIR, else the user\'s cache directory\'s cairn/)'
complete -c cairn -n "__fish_cairn_using_subcommand verify" -s v -l verbose -d 'More logging (CAIRN_LOG=debug works too)'
complete -c cairn -n "__fish_cairn_using_subcommand verify" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand verify" -s V -l version -d 'Print version'
complete -c cairn -n "__fish_cairn_using_subcommand export" -l format -d 'Archive format' -r -f -a "tar\t'Plain tar'
tar.gz\t'tar compressed with gzip'
tar.zst\t'tar compressed with zstd'"
complete -c cairn -n "__fish_cairn_using_subcommand export" -s r -l repo -d 'Repository: a folder, `s3:https://HOST[:PORT]/BUCKET[/PREFIX]` or `s3:BUCKET[/PREFIX]` (AWS, or AWS_ENDPOINT_URL). Default: the embedded repository under the user\'s data directory' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand export" -l password-file -d 'Read the passphrase from this file (first line)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand export" -l password-command -d 'Run this shell command and use its first output line as the passphrase' -r
complete -c cairn -n "__fish_cairn_using_subcommand export" -l key-file -d 'Unlock with this key file instead of a passphrase' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand export" -l slot -d 'Unlock with this key slot only (an id from `keys status`); without it every slot of a fitting kind is tried' -r
complete -c cairn -n "__fish_cairn_using_subcommand export" -l age-identity -d 'age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand export" -l vault-token-file -d 'Read the Vault/OpenBao token from this file (default: VAULT_TOKEN); the server is VAULT_ADDR' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand export" -l pkcs11-module -d 'PKCS#11 module (shared library) for pkcs11 slots' -r
complete -c cairn -n "__fish_cairn_using_subcommand export" -l pkcs11-pin-file -d 'Read the token PIN from this file (default: CAIRN_PKCS11_PIN)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand export" -l key-command -d 'Command that unwraps command slots (`CMD unwrap SLOT_ID`; docs/KEYS.md)' -r
complete -c cairn -n "__fish_cairn_using_subcommand export" -l progress -d 'Progress of long work on stderr: a bar when stderr is a terminal (auto), one JSON object per second (json), or none' -r -f -a "auto\t''
json\t''
none\t''"
complete -c cairn -n "__fish_cairn_using_subcommand export" -l wait -d 'When another process holds the repository lock, retry for this long (e.g. 30s, 10m)' -r
complete -c cairn -n "__fish_cairn_using_subcommand export" -l json -d 'Print machine-readable JSON on stdout'
complete -c cairn -n "__fish_cairn_using_subcommand export" -s q -l quiet -d 'No progress bars or notes'
complete -c cairn -n "__fish_cairn_using_subcommand export" -l append-only -d 'Never delete or overwrite anything in the repository (commands that must delete refuse)'
complete -c cairn -n "__fish_cairn_using_subcommand export" -l no-cache -d 'Read remote repositories (s3:, azblob:, sftp:) without the local cache of snapshot objects and index files ($CAIRN_CACHE_DIR, else the user\'s cache directory\'s cairn/)'
complete -c cairn -n "__fish_cairn_using_subcommand export" -s v -l verbose -d 'More logging (CAIRN_LOG=debug works too)'
complete -c cairn -n "__fish_cairn_using_subcommand export" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cairn -n "__fish_cairn_using_subcommand export" -s V -l version -d 'Print version'
complete -c cairn -n "__fish_cairn_using_subcommand prune" -l max-unused -d 'Repack partly used packs until unused data is at most this percent of used data' -r
complete -c cairn -n "__fish_cairn_using_subcommand prune" -s r -l repo -d 'Repository: a folder, `s3:https://HOST[:PORT]/BUCKET[/PREFIX]` or `s3:BUCKET[/PREFIX]` (AWS, or AWS_ENDPOINT_URL). Default: the embedded repository under the user\'s data directory' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand prune" -l password-file -d 'Read the passphrase from this file (first line)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand prune" -l password-command -d 'Run this shell command and use its first output line as the passphrase' -r
complete -c cairn -n "__fish_cairn_using_subcommand prune" -l key-file -d 'Unlock with this key file instead of a passphrase' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand prune" -l slot -d 'Unlock with this key slot only (an id from `keys status`); without it every slot of a fitting kind is tried' -r
complete -c cairn -n "__fish_cairn_using_subcommand prune" -l age-identity -d 'age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand prune" -l vault-token-file -d 'Read the Vault/OpenBao token from this file (default: VAULT_TOKEN); the server is VAULT_ADDR' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand prune" -l pkcs11-module -d 'PKCS#11 module (shared library) for pkcs11 slots' -r
complete -c cairn -n "__fish_cairn_using_subcommand prune" -l pkcs11-pin-file -d 'Read the token PIN from this file (default: CAIRN_PKCS11_PIN)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand prune" -l key-command -d 'Command that unwraps command slots (`CMD unwrap SLOT_ID`; docs/KEYS.md)' -r
complete -c cairn -n "__fish_cairn_using_subcommand prune" -l progress -d 'Progress of long work on stderr: a bar when stderr is a terminal (auto), one JSON object per second (json), or none' -r -f -a "auto\t''
json\t''
none\t''"
complete -c cairn -n "__fish_cairn_using_subcommand prune" -l wait -d 'When another process holds the repository lock, retry for this long (e.g. 30s, 10m)' -r
complete -c cairn -n "__fish_cairn_using_subcommand prune" -s n -l dry-run -d 'Print the plan and change nothing'
complete -c cairn -n "__fish_cairn_using_subcommand prune" -l rewrite-old-epochs -d 'Re-encrypt every snapshot sealed under a retired key epoch (after `keys rotate-master`), remove the old data, and drop the retired secrets once nothing needs them'
complete -c cairn -n "__fish_cairn_using_subcommand prune" -l json -d 'Print machine-readable JSON on stdout'
complete -c cairn -n "__fish_cairn_using_subcommand prune" -s q -l quiet -d 'No progress bars or notes'
complete -c cairn -n "__fish_cairn_using_subcommand prune" -l append-only -d 'Never delete or overwrite anything in the repository (commands that must delete refuse)'
complete -c cairn -n "__fish_cairn_using_subcommand prune" -l no-cache -d 'Read remote repositories (s3:, azblob:, sftp:) without the local cache of snapshot objects and index files ($CAIRN_CACHE_DIR, else the user\'s cache directory\'s cairn/)'
complete -c cairn -n "__fish_cairn_using_subcommand prune" -s v -l verbose -d 'More logging (CAIRN_LOG=debug works too)'
complete -c cairn -n "__fish_cairn_using_subcommand prune" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand prune" -s V -l version -d 'Print version'
complete -c cairn -n "__fish_cairn_using_subcommand forget" -l keep-last -d 'Keep the N newest snapshots of each group' -r
complete -c cairn -n "__fish_cairn_using_subcommand forget" -l keep-hourly -d 'Keep the newest snapshot of each of the last N hours that have one' -r
complete -c cairn -n "__fish_cairn_using_subcommand forget" -l keep-daily -d 'Keep the newest snapshot of each of the last N days that have one' -r
complete -c cairn -n "__fish_cairn_using_subcommand forget" -l keep-weekly -d 'Keep the newest snapshot of each of the last N ISO weeks that have one' -r
complete -c cairn -n "__fish_cairn_using_subcommand forget" -l keep-monthly -d 'Keep the newest snapshot of each of the last N months that have one' -r
complete -c cairn -n "__fish_cairn_using_subcommand forget" -l keep-yearly -d 'Keep the newest snapshot of each of the last N years that have one' -r
complete -c cairn -n "__fish_cairn_using_subcommand forget" -l keep-within -d 'Keep every snapshot newer than this (e.g. 14d, 1y6m; units y m w d h)' -r
complete -c cairn -n "__fish_cairn_using_subcommand forget" -l keep-within-hourly -d 'Keep the newest snapshot of every hour within this span' -r
complete -c cairn -n "__fish_cairn_using_subcommand forget" -l keep-within-daily -d 'Keep the newest snapshot of every day within this span' -r
complete -c cairn -n "__fish_cairn_using_subcommand forget" -l keep-within-weekly -d 'Keep the newest snapshot of every ISO week within this span' -r
complete -c cairn -n "__fish_cairn_using_subcommand forget" -l keep-within-monthly -d 'Keep the newest snapshot of every month within this span' -r
complete -c cairn -n "__fish_cairn_using_subcommand forget" -l keep-within-yearly -d 'Keep the newest snapshot of every year within this span' -r
complete -c cairn -n "__fish_cairn_using_subcommand forget" -l keep-tag -d 'Keep snapshots with this tag (repeatable)' -r
complete -c cairn -n "__fish_cairn_using_subcommand forget" -l group-by -d 'Group snapshots by these fields: host,paths,tags,spec or none' -r
complete -c cairn -n "__fish_cairn_using_subcommand forget" -l tz -d 'Time zone for calendar buckets (default: the system\'s)' -r
complete -c cairn -n "__fish_cairn_using_subcommand forget" -l max-unused -d 'With --prune: as `prune --max-unused`' -r
complete -c cairn -n "__fish_cairn_using_subcommand forget" -l now -d '"Now" for the policy (RFC 3339) instead of the clock' -r
complete -c cairn -n "__fish_cairn_using_subcommand forget" -s r -l repo -d 'Repository: a folder, `s3:https://HOST[:PORT]/BUCKET[/PREFIX]` or `s3:BUCKET[/PREFIX]` (AWS, or AWS_ENDPOINT_URL). Default: the embedded repository under the user\'s data directory' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand forget" -l password-file -d 'Read the passphrase from this file (first line)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand forget" -l password-command -d 'Run this shell command and use its first output line as the passphrase' -r
complete -c cairn -n "__fish_cairn_using_subcommand forget" -l key-file -d 'Unlock with this key file instead of a passphrase' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand forget" -l slot -d 'Unlock with this key slot only (an id from `keys status`); without it every slot of a fitting kind is tried' -r
complete -c cairn -n "__fish_cairn_using_subcommand forget" -l age-identity -d 'age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand forget" -l vault-token-file -d 'Read the Vault/OpenBao token from this file (default: VAULT_TOKEN); the server is VAULT_ADDR' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand forget" -l pkcs11-module -d 'PKCS#11 module (shared library) for pkcs11 slots' -r
complete -c cairn -n "__fish_cairn_using_subcommand forget" -l pkcs11-pin-file -d 'Read the token PIN from this file (default: CAIRN_PKCS11_PIN)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand forget" -l key-command -d 'Command that unwraps command slots (`CMD unwrap SLOT_ID`; docs/KEYS.md)' -r
complete -c cairn -n "__fish_cairn_using_subcommand forget" -l progress -d 'Progress of long work on stderr: a bar when stderr is a terminal (auto), one JSON object per second (json), or none' -r -f -a "auto\t''
json\t''
none\t''"
complete -c cairn -n "__fish_cairn_using_subcommand forget" -l wait -d 'When another process holds the repository lock, retry for this long (e.g. 30s, 10m)' -r
complete -c cairn -n "__fish_cairn_using_subcommand forget" -l allow-empty -d 'Allow removing every snapshot of a group'
complete -c cairn -n "__fish_cairn_using_subcommand forget" -s n -l dry-run -d 'Print the plan and change nothing'
complete -c cairn -n "__fish_cairn_using_subcommand forget" -l prune -d 'Prune afterwards (under the same exclusive lock)'
complete -c cairn -n "__fish_cairn_using_subcommand forget" -l json -d 'Print machine-readable JSON on stdout'
complete -c cairn -n "__fish_cairn_using_subcommand forget" -s q -l quiet -d 'No progress bars or notes'
complete -c cairn -n "__fish_cairn_using_subcommand forget" -l append-only -d 'Never delete or overwrite anything in the repository (commands that must delete refuse)'
complete -c cairn -n "__fish_cairn_using_subcommand forget" -l no-cache -d 'Read remote repositories (s3:, azblob:, sftp:) without the local cache of snapshot objects and index files ($CAIRN_CACHE_DIR, else the user\'s cache directory\'s cairn/)'
complete -c cairn -n "__fish_cairn_using_subcommand forget" -s v -l verbose -d 'More logging (CAIRN_LOG=debug works too)'
complete -c cairn -n "__fish_cairn_using_subcommand forget" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand forget" -s V -l version -d 'Print version'
complete -c cairn -n "__fish_cairn_using_subcommand protect" -l note -d 'Why (recorded with the marker)' -r
complete -c cairn -n "__fish_cairn_using_subcommand protect" -s r -l repo -d 'Repository: a folder, `s3:https://HOST[:PORT]/BUCKET[/PREFIX]` or `s3:BUCKET[/PREFIX]` (AWS, or AWS_ENDPOINT_URL). Default: the embedded repository under the user\'s data directory' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand protect" -l password-file -d 'Read the passphrase from this file (first line)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand protect" -l password-command -d 'Run this shell command and use its first output line as the passphrase' -r
complete -c cairn -n "__fish_cairn_using_subcommand protect" -l key-file -d 'Unlock with this key file instead of a passphrase' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand protect" -l slot -d 'Unlock with this key slot only (an id from `keys status`); without it every slot of a fitting kind is tried' -r
complete -c cairn -n "__fish_cairn_using_subcommand protect" -l age-identity -d 'age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand protect" -l vault-token-file -d 'Read the Vault/OpenBao token from this file (default: VAULT_TOKEN); the server is VAULT_ADDR' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand protect" -l pkcs11-module -d 'PKCS#11 module (shared library) for pkcs11 slots' -r
complete -c cairn -n "__fish_cairn_using_subcommand protect" -l pkcs11-pin-file -d 'Read the token PIN from this file (default: CAIRN_PKCS11_PIN)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand protect" -l key-command -d 'Command that unwraps command slots (`CMD unwrap SLOT_ID`; docs/KEYS.md)' -r
complete -c cairn -n "__fish_cairn_using_subcommand protect" -l progress -d 'Progress of long work on stderr: a bar when stderr is a terminal (auto), one JSON object per second (json), or none' -r -f -a "auto\t''
json\t''
none\t''"
complete -c cairn -n "__fish_cairn_using_subcommand protect" -l wait -d 'When another process holds the repository lock, retry for this long (e.g. 30s, 10m)' -r
complete -c cairn -n "__fish_cairn_using_subcommand protect" -l json -d 'Print machine-readable JSON on stdout'
complete -c cairn -n "__fish_cairn_using_subcommand protect" -s q -l quiet -d 'No progress bars or notes'
complete -c cairn -n "__fish_cairn_using_subcommand protect" -l append-only -d 'Never delete or overwrite anything in the repository (commands that must delete refuse)'
complete -c cairn -n "__fish_cairn_using_subcommand protect" -l no-cache -d 'Read remote repositories (s3:, azblob:, sftp:) without the local cache of snapshot objects and index files ($CAIRN_CACHE_DIR, else the user\'s cache directory\'s cairn/)'
complete -c cairn -n "__fish_cairn_using_subcommand protect" -s v -l verbose -d 'More logging (CAIRN_LOG=debug works too)'
complete -c cairn -n "__fish_cairn_using_subcommand protect" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand protect" -s V -l version -d 'Print version'
complete -c cairn -n "__fish_cairn_using_subcommand unprotect" -s r -l repo -d 'Repository: a folder, `s3:https://HOST[:PORT]/BUCKET[/PREFIX]` or `s3:BUCKET[/PREFIX]` (AWS, or AWS_ENDPOINT_URL). Default: the embedded repository under the user\'s data directory' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand unprotect" -l password-file -d 'Read the passphrase from this file (first line)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand unprotect" -l password-command -d 'Run this shell command and use its first output line as the passphrase' -r
complete -c cairn -n "__fish_cairn_using_subcommand unprotect" -l key-file -d 'Unlock with this key file instead of a passphrase' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand unprotect" -l slot -d 'Unlock with this key slot only (an id from `keys status`); without it every slot of a fitting kind is tried' -r
complete -c cairn -n "__fish_cairn_using_subcommand unprotect" -l age-identity -d 'age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand unprotect" -l vault-token-file -d 'Read the Vault/OpenBao token from this file (default: VAULT_TOKEN); the server is VAULT_ADDR' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand unprotect" -l pkcs11-module -d 'PKCS#11 module (shared library) for pkcs11 slots' -r
complete -c cairn -n "__fish_cairn_using_subcommand unprotect" -l pkcs11-pin-file -d 'Read the token PIN from this file (default: CAIRN_PKCS11_PIN)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand unprotect" -l key-command -d 'Command that unwraps command slots (`CMD unwrap SLOT_ID`; docs/KEYS.md)' -r
complete -c cairn -n "__fish_cairn_using_subcommand unprotect" -l progress -d 'Progress of long work on stderr: a bar when stderr is a terminal (auto), one JSON object per second (json), or none' -r -f -a "auto\t''
json\t''
none\t''"
complete -c cairn -n "__fish_cairn_using_subcommand unprotect" -l wait -d 'When another process holds the repository lock, retry for this long (e.g. 30s, 10m)' -r
complete -c cairn -n "__fish_cairn_using_subcommand unprotect" -l json -d 'Print machine-readable JSON on stdout'
complete -c cairn -n "__fish_cairn_using_subcommand unprotect" -s q -l quiet -d 'No progress bars or notes'
complete -c cairn -n "__fish_cairn_using_subcommand unprotect" -l append-only -d 'Never delete or overwrite anything in the repository (commands that must delete refuse)'
complete -c cairn -n "__fish_cairn_using_subcommand unprotect" -l no-cache -d 'Read remote repositories (s3:, azblob:, sftp:) without the local cache of snapshot objects and index files ($CAIRN_CACHE_DIR, else the user\'s cache directory\'s cairn/)'
complete -c cairn -n "__fish_cairn_using_subcommand unprotect" -s v -l verbose -d 'More logging (CAIRN_LOG=debug works too)'
complete -c cairn -n "__fish_cairn_using_subcommand unprotect" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand unprotect" -s V -l version -d 'Print version'
complete -c cairn -n "__fish_cairn_using_subcommand maintenance" -s r -l repo -d 'Repository: a folder, `s3:https://HOST[:PORT]/BUCKET[/PREFIX]` or `s3:BUCKET[/PREFIX]` (AWS, or AWS_ENDPOINT_URL). Default: the embedded repository under the user\'s data directory' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand maintenance" -l password-file -d 'Read the passphrase from this file (first line)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand maintenance" -l password-command -d 'Run this shell command and use its first output line as the passphrase' -r
complete -c cairn -n "__fish_cairn_using_subcommand maintenance" -l key-file -d 'Unlock with this key file instead of a passphrase' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand maintenance" -l slot -d 'Unlock with this key slot only (an id from `keys status`); without it every slot of a fitting kind is tried' -r
complete -c cairn -n "__fish_cairn_using_subcommand maintenance" -l age-identity -d 'age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand maintenance" -l vault-token-file -d 'Read the Vault/OpenBao token from this file (default: VAULT_TOKEN); the server is VAULT_ADDR' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand maintenance" -l pkcs11-module -d 'PKCS#11 module (shared library) for pkcs11 slots' -r
complete -c cairn -n "__fish_cairn_using_subcommand maintenance" -l pkcs11-pin-file -d 'Read the token PIN from this file (default: CAIRN_PKCS11_PIN)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand maintenance" -l key-command -d 'Command that unwraps command slots (`CMD unwrap SLOT_ID`; docs/KEYS.md)' -r
complete -c cairn -n "__fish_cairn_using_subcommand maintenance" -l progress -d 'Progress of long work on stderr: a bar when stderr is a terminal (auto), one JSON object per second (json), or none' -r -f -a "auto\t''
json\t''
none\t''"
complete -c cairn -n "__fish_cairn_using_subcommand maintenance" -l wait -d 'When another process holds the repository lock, retry for this long (e.g. 30s, 10m)' -r
complete -c cairn -n "__fish_cairn_using_subcommand maintenance" -s n -l dry-run -d 'Show what would be extended and removed; change nothing'
complete -c cairn -n "__fish_cairn_using_subcommand maintenance" -l json -d 'Print machine-readable JSON on stdout'
complete -c cairn -n "__fish_cairn_using_subcommand maintenance" -s q -l quiet -d 'No progress bars or notes'
complete -c cairn -n "__fish_cairn_using_subcommand maintenance" -l append-only -d 'Never delete or overwrite anything in the repository (commands that must delete refuse)'
complete -c cairn -n "__fish_cairn_using_subcommand maintenance" -l no-cache -d 'Read remote repositories (s3:, azblob:, sftp:) without the local cache of snapshot objects and index files ($CAIRN_CACHE_DIR, else the user\'s cache directory\'s cairn/)'
complete -c cairn -n "__fish_cairn_using_subcommand maintenance" -s v -l verbose -d 'More logging (CAIRN_LOG=debug works too)'
complete -c cairn -n "__fish_cairn_using_subcommand maintenance" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand maintenance" -s V -l version -d 'Print version'
complete -c cairn -n "__fish_cairn_using_subcommand unlock" -s r -l repo -d 'Repository: a folder, `s3:https://HOST[:PORT]/BUCKET[/PREFIX]` or `s3:BUCKET[/PREFIX]` (AWS, or AWS_ENDPOINT_URL). Default: the embedded repository under the user\'s data directory' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand unlock" -l password-file -d 'Read the passphrase from this file (first line)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand unlock" -l password-command -d 'Run this shell command and use its first output line as the passphrase' -r
complete -c cairn -n "__fish_cairn_using_subcommand unlock" -l key-file -d 'Unlock with this key file instead of a passphrase' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand unlock" -l slot -d 'Unlock with this key slot only (an id from `keys status`); without it every slot of a fitting kind is tried' -r
complete -c cairn -n "__fish_cairn_using_subcommand unlock" -l age-identity -d 'age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand unlock" -l vault-token-file -d 'Read the Vault/OpenBao token from this file (default: VAULT_TOKEN); the server is VAULT_ADDR' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand unlock" -l pkcs11-module -d 'PKCS#11 module (shared library) for pkcs11 slots' -r
complete -c cairn -n "__fish_cairn_using_subcommand unlock" -l pkcs11-pin-file -d 'Read the token PIN from this file (default: CAIRN_PKCS11_PIN)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand unlock" -l key-command -d 'Command that unwraps command slots (`CMD unwrap SLOT_ID`; docs/KEYS.md)' -r
complete -c cairn -n "__fish_cairn_using_subcommand unlock" -l progress -d 'Progress of long work on stderr: a bar when stderr is a terminal (auto), one JSON object per second (json), or none' -r -f -a "auto\t''
json\t''
none\t''"
complete -c cairn -n "__fish_cairn_using_subcommand unlock" -l wait -d 'When another process holds the repository lock, retry for this long (e.g. 30s, 10m)' -r
complete -c cairn -n "__fish_cairn_using_subcommand unlock" -l force -d 'Remove live locks too: only when their holders are known dead (their machine is gone), since a running prune or backup loses its lock'
complete -c cairn -n "__fish_cairn_using_subcommand unlock" -l json -d 'Print machine-readable JSON on stdout'
complete -c cairn -n "__fish_cairn_using_subcommand unlock" -s q -l quiet -d 'No progress bars or notes'
complete -c cairn -n "__fish_cairn_using_subcommand unlock" -l append-only -d 'Never delete or overwrite anything in the repository (commands that must delete refuse)'
complete -c cairn -n "__fish_cairn_using_subcommand unlock" -l no-cache -d 'Read remote repositories (s3:, azblob:, sftp:) without the local cache of snapshot objects and index files ($CAIRN_CACHE_DIR, else the user\'s cache directory\'s cairn/)'
complete -c cairn -n "__fish_cairn_using_subcommand unlock" -s v -l verbose -d 'More logging (CAIRN_LOG=debug works too)'
complete -c cairn -n "__fish_cairn_using_subcommand unlock" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand unlock" -s V -l version -d 'Print version'
complete -c cairn -n "__fish_cairn_using_subcommand upgrade" -s r -l repo -d 'Repository: a folder, `s3:https://HOST[:PORT]/BUCKET[/PREFIX]` or `s3:BUCKET[/PREFIX]` (AWS, or AWS_ENDPOINT_URL). Default: the embedded repository under the user\'s data directory' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand upgrade" -l password-file -d 'Read the passphrase from this file (first line)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand upgrade" -l password-command -d 'Run this shell command and use its first output line as the passphrase' -r
complete -c cairn -n "__fish_cairn_using_subcommand upgrade" -l key-file -d 'Unlock with this key file instead of a passphrase' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand upgrade" -l slot -d 'Unlock with this key slot only (an id from `keys status`); without it every slot of a fitting kind is tried' -r
complete -c cairn -n "__fish_cairn_using_subcommand upgrade" -l age-identity -d 'age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand upgrade" -l vault-token-file -d 'Read the Vault/OpenBao token from this file (default: VAULT_TOKEN); the server is VAULT_ADDR' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand upgrade" -l pkcs11-module -d 'PKCS#11 module (shared library) for pkcs11 slots' -r
complete -c cairn -n "__fish_cairn_using_subcommand upgrade" -l pkcs11-pin-file -d 'Read the token PIN from this file (default: CAIRN_PKCS11_PIN)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand upgrade" -l key-command -d 'Command that unwraps command slots (`CMD unwrap SLOT_ID`; docs/KEYS.md)' -r
complete -c cairn -n "__fish_cairn_using_subcommand upgrade" -l progress -d 'Progress of long work on stderr: a bar when stderr is a terminal (auto), one JSON object per second (json), or none' -r -f -a "auto\t''
json\t''
none\t''"
complete -c cairn -n "__fish_cairn_using_subcommand upgrade" -l wait -d 'When another process holds the repository lock, retry for this long (e.g. 30s, 10m)' -r
complete -c cairn -n "__fish_cairn_using_subcommand upgrade" -s n -l dry-run -d 'Show the versions; change nothing'
complete -c cairn -n "__fish_cairn_using_subcommand upgrade" -l json -d 'Print machine-readable JSON on stdout'
complete -c cairn -n "__fish_cairn_using_subcommand upgrade" -s q -l quiet -d 'No progress bars or notes'
complete -c cairn -n "__fish_cairn_using_subcommand upgrade" -l append-only -d 'Never delete or overwrite anything in the repository (commands that must delete refuse)'
complete -c cairn -n "__fish_cairn_using_subcommand upgrade" -l no-cache -d 'Read remote repositories (s3:, azblob:, sftp:) without the local cache of snapshot objects and index files ($CAIRN_CACHE_DIR, else the user\'s cache directory\'s cairn/)'
complete -c cairn -n "__fish_cairn_using_subcommand upgrade" -s v -l verbose -d 'More logging (CAIRN_LOG=debug works too)'
complete -c cairn -n "__fish_cairn_using_subcommand upgrade" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand upgrade" -s V -l version -d 'Print version'
complete -c cairn -n "__fish_cairn_using_subcommand plan" -l config -r -F
complete -c cairn -n "__fish_cairn_using_subcommand plan" -s r -l repo -d 'Repository: a folder, `s3:https://HOST[:PORT]/BUCKET[/PREFIX]` or `s3:BUCKET[/PREFIX]` (AWS, or AWS_ENDPOINT_URL). Default: the embedded repository under the user\'s data directory' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand plan" -l password-file -d 'Read the passphrase from this file (first line)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand plan" -l password-command -d 'Run this shell command and use its first output line as the passphrase' -r
complete -c cairn -n "__fish_cairn_using_subcommand plan" -l key-file -d 'Unlock with this key file instead of a passphrase' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand plan" -l slot -d 'Unlock with this key slot only (an id from `keys status`); without it every slot of a fitting kind is tried' -r
complete -c cairn -n "__fish_cairn_using_subcommand plan" -l age-identity -d 'age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand plan" -l vault-token-file -d 'Read the Vault/OpenBao token from this file (default: VAULT_TOKEN); the server is VAULT_ADDR' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand plan" -l pkcs11-module -d 'PKCS#11 module (shared library) for pkcs11 slots' -r
complete -c cairn -n "__fish_cairn_using_subcommand plan" -l pkcs11-pin-file -d 'Read the token PIN from this file (default: CAIRN_PKCS11_PIN)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand plan" -l key-command -d 'Command that unwraps command slots (`CMD unwrap SLOT_ID`; docs/KEYS.md)' -r
complete -c cairn -n "__fish_cairn_using_subcommand plan" -l progress -d 'Progress of long work on stderr: a bar when stderr is a terminal (auto), one JSON object per second (json), or none' -r -f -a "auto\t''
json\t''
none\t''"
complete -c cairn -n "__fish_cairn_using_subcommand plan" -l wait -d 'When another process holds the repository lock, retry for this long (e.g. 30s, 10m)' -r
complete -c cairn -n "__fish_cairn_using_subcommand plan" -l json -d 'Print machine-readable JSON on stdout'
complete -c cairn -n "__fish_cairn_using_subcommand plan" -s q -l quiet -d 'No progress bars or notes'
complete -c cairn -n "__fish_cairn_using_subcommand plan" -l append-only -d 'Never delete or overwrite anything in the repository (commands that must delete refuse)'
complete -c cairn -n "__fish_cairn_using_subcommand plan" -l no-cache -d 'Read remote repositories (s3:, azblob:, sftp:) without the local cache of snapshot objects and index files ($CAIRN_CACHE_DIR, else the user\'s cache directory\'s cairn/)'
complete -c cairn -n "__fish_cairn_using_subcommand plan" -s v -l verbose -d 'More logging (CAIRN_LOG=debug works too)'
complete -c cairn -n "__fish_cairn_using_subcommand plan" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand plan" -s V -l version -d 'Print version'
complete -c cairn -n "__fish_cairn_using_subcommand serve" -l config -d 'Server config (TOML). Default: /etc/cairn/cairn.toml, else ~/.config/cairn/cairn.toml' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand serve" -l grace -d 'Seconds to let running jobs finish on shutdown' -r
complete -c cairn -n "__fish_cairn_using_subcommand serve" -l jitter -d 'Random delay before each scheduled run, up to this long (e.g. 30s; 0s for none)' -r
complete -c cairn -n "__fish_cairn_using_subcommand serve" -l log-format -d 'Log lines as text, or as one JSON object per line for log shippers' -r -f -a "text\t'`TIME LEVEL message key=value ...`'
json\t'`{"timestamp", "level", "fields": {"message", ...}}`'"
complete -c cairn -n "__fish_cairn_using_subcommand serve" -s r -l repo -d 'Repository: a folder, `s3:https://HOST[:PORT]/BUCKET[/PREFIX]` or `s3:BUCKET[/PREFIX]` (AWS, or AWS_ENDPOINT_URL). Default: the embedded repository under the user\'s data directory' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand serve" -l password-file -d 'Read the passphrase from this file (first line)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand serve" -l password-command -d 'Run this shell command and use its first output line as the passphrase' -r
complete -c cairn -n "__fish_cairn_using_subcommand serve" -l key-file -d 'Unlock with this key file instead of a passphrase' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand serve" -l slot -d 'Unlock with this key slot only (an id from `keys status`); without it every slot of a fitting kind is tried' -r
complete -c cairn -n "__fish_cairn_using_subcommand serve" -l age-identity -d 'age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand serve" -l vault-token-file -d 'Read the Vault/OpenBao token from this file (default: VAULT_TOKEN); the server is VAULT_ADDR' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand serve" -l pkcs11-module -d 'PKCS#11 module (shared library) for pkcs11 slots' -r
complete -c cairn -n "__fish_cairn_using_subcommand serve" -l pkcs11-pin-file -d 'Read the token PIN from this file (default: CAIRN_PKCS11_PIN)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand serve" -l key-command -d 'Command that unwraps command slots (`CMD unwrap SLOT_ID`; docs/KEYS.md)' -r
complete -c cairn -n "__fish_cairn_using_subcommand serve" -l progress -d 'Progress of long work on stderr: a bar when stderr is a terminal (auto), one JSON object per second (json), or none' -r -f -a "auto\t''
json\t''
none\t''"
complete -c cairn -n "__fish_cairn_using_subcommand serve" -l wait -d 'When another process holds the repository lock, retry for this long (e.g. 30s, 10m)' -r
complete -c cairn -n "__fish_cairn_using_subcommand serve" -l json -d 'Print machine-readable JSON on stdout'
complete -c cairn -n "__fish_cairn_using_subcommand serve" -s q -l quiet -d 'No progress bars or notes'
complete -c cairn -n "__fish_cairn_using_subcommand serve" -l append-only -d 'Never delete or overwrite anything in the repository (commands that must delete refuse)'
complete -c cairn -n "__fish_cairn_using_subcommand serve" -l no-cache -d 'Read remote repositories (s3:, azblob:, sftp:) without the local cache of snapshot objects and index files ($CAIRN_CACHE_DIR, else the user\'s cache directory\'s cairn/)'
complete -c cairn -n "__fish_cairn_using_subcommand serve" -s v -l verbose -d 'More logging (CAIRN_LOG=debug works too)'
complete -c cairn -n "__fish_cairn_using_subcommand serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cairn -n "__fish_cairn_using_subcommand serve" -s V -l version -d 'Print version'
complete -c cairn -n "__fish_cairn_using_subcommand token; and not __fish_seen_subcommand_from create revoke list help" -s r -l repo -d 'Repository: a folder, `s3:https://HOST[:PORT]/BUCKET[/PREFIX]` or `s3:BUCKET[/PREFIX]` (AWS, or AWS_ENDPOINT_URL). Default: the embedded repository under the user\'s data directory' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand token; and not __fish_seen_subcommand_from create revoke list help" -l password-file -d 'Read the passphrase from this file (first line)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand token; and not __fish_seen_subcommand_from create revoke list help" -l password-command -d 'Run this shell command and use its first output line as the passphrase' -r
complete -c cairn -n "__fish_cairn_using_subcommand token; and not __fish_seen_subcommand_from create revoke list help" -l key-file -d 'Unlock with this key file instead of a passphrase' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand token; and not __fish_seen_subcommand_from create revoke list help" -l slot -d 'Unlock with this key slot only (an id from `keys status`); without it every slot of a fitting kind is tried' -r
complete -c cairn -n "__fish_cairn_using_subcommand token; and not __fish_seen_subcommand_from create revoke list help" -l age-identity -d 'age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand token; and not __fish_seen_subcommand_from create revoke list help" -l vault-token-file -d 'Read the Vault/OpenBao token from this file (default: VAULT_TOKEN); the server is VAULT_ADDR' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand token; and not __fish_seen_subcommand_from create revoke list help" -l pkcs11-module -d 'PKCS#11 module (shared library) for pkcs11 slots' -r
complete -c cairn -n "__fish_cairn_using_subcommand token; and not __fish_seen_subcommand_from create revoke list help" -l pkcs11-pin-file -d 'Read the token PIN from this file (default: CAIRN_PKCS11_PIN)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand token; and not __fish_seen_subcommand_from create revoke list help" -l key-command -d 'Command that unwraps command slots (`CMD unwrap SLOT_ID`; docs/KEYS.md)' -r
complete -c cairn -n "__fish_cairn_using_subcommand token; and not __fish_seen_subcommand_from create revoke list help" -l progress -d 'Progress of long work on stderr: a bar when stderr is a terminal (auto), one JSON object per second (json), or none' -r -f -a "auto\t''
json\t''
none\t''"
complete -c cairn -n "__fish_cairn_using_subcommand token; and not __fish_seen_subcommand_from create revoke list help" -l wait -d 'When another process holds the repository lock, retry for this long (e.g. 30s, 10m)' -r
complete -c cairn -n "__fish_cairn_using_subcommand token; and not __fish_seen_subcommand_from create revoke list help" -l json -d 'Print machine-readable JSON on stdout'
complete -c cairn -n "__fish_cairn_using_subcommand token; and not __fish_seen_subcommand_from create revoke list help" -s q -l quiet -d 'No progress bars or notes'
complete -c cairn -n "__fish_cairn_using_subcommand token; and not __fish_seen_subcommand_from create revoke list help" -l append-only -d 'Never delete or overwrite anything in the repository (commands that must delete refuse)'
complete -c cairn -n "__fish_cairn_using_subcommand token; and not __fish_seen_subcommand_from create revoke list help" -l no-cache -d 'Read remote repositories (s3:, azblob:, sftp:) without the local cache of snapshot objects and index files ($CAIRN_CACHE_DIR, else the user\'s cache directory\'s cairn/)'
complete -c cairn -n "__fish_cairn_using_subcommand token; and not __fish_seen_subcommand_from create revoke list help" -s v -l verbose -d 'More logging (CAIRN_LOG=debug works too)'
complete -c cairn -n "__fish_cairn_using_subcommand token; and not __fish_seen_subcommand_from create revoke list help" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand token; and not __fish_seen_subcommand_from create revoke list help" -s V -l version -d 'Print version'
complete -c cairn -n "__fish_cairn_using_subcommand token; and not __fish_seen_subcommand_from create revoke list help" -f -a "create" -d 'Create a token; it is printed once, alone on stdout'
complete -c cairn -n "__fish_cairn_using_subcommand token; and not __fish_seen_subcommand_from create revoke list help" -f -a "revoke" -d 'Revoke tokens by name or id'
complete -c cairn -n "__fish_cairn_using_subcommand token; and not __fish_seen_subcommand_from create revoke list help" -f -a "list" -d 'List tokens (ids, roles, names; never the tokens)'
complete -c cairn -n "__fish_cairn_using_subcommand token; and not __fish_seen_subcommand_from create revoke list help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from create" -l config -r -F
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from create" -l role -d 'admin, service or analyst' -r
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from create" -l name -d 'Who or what it is for' -r
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from create" -s r -l repo -d 'Repository: a folder, `s3:https://HOST[:PORT]/BUCKET[/PREFIX]` or `s3:BUCKET[/PREFIX]` (AWS, or AWS_ENDPOINT_URL). Default: the embedded repository under the user\'s data directory' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from create" -l password-file -d 'Read the passphrase from this file (first line)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from create" -l password-command -d 'Run this shell command and use its first output line as the passphrase' -r
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from create" -l key-file -d 'Unlock with this key file instead of a passphrase' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from create" -l slot -d 'Unlock with this key slot only (an id from `keys status`); without it every slot of a fitting kind is tried' -r
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from create" -l age-identity -d 'age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from create" -l vault-token-file -d 'Read the Vault/OpenBao token from this file (default: VAULT_TOKEN); the server is VAULT_ADDR' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from create" -l pkcs11-module -d 'PKCS#11 module (shared library) for pkcs11 slots' -r
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from create" -l pkcs11-pin-file -d 'Read the token PIN from this file (default: CAIRN_PKCS11_PIN)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from create" -l key-command -d 'Command that unwraps command slots (`CMD unwrap SLOT_ID`; docs/KEYS.md)' -r
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from create" -l progress -d 'Progress of long work on stderr: a bar when stderr is a terminal (auto), one JSON object per second (json), or none' -r -f -a "auto\t''
json\t''
none\t''"
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from create" -l wait -d 'When another process holds the repository lock, retry for this long (e.g. 30s, 10m)' -r
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from create" -l json -d 'Print machine-readable JSON on stdout'
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from create" -s q -l quiet -d 'No progress bars or notes'
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from create" -l append-only -d 'Never delete or overwrite anything in the repository (commands that must delete refuse)'
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from create" -l no-cache -d 'Read remote repositories (s3:, azblob:, sftp:) without the local cache of snapshot objects and index files ($CAIRN_CACHE_DIR, else the user\'s cache directory\'s cairn/)'
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from create" -s v -l verbose -d 'More logging (CAIRN_LOG=debug works too)'
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from revoke" -l config -r -F
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from revoke" -s r -l repo -d 'Repository: a folder, `s3:https://HOST[:PORT]/BUCKET[/PREFIX]` or `s3:BUCKET[/PREFIX]` (AWS, or AWS_ENDPOINT_URL). Default: the embedded repository under the user\'s data directory' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from revoke" -l password-file -d 'Read the passphrase from this file (first line)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from revoke" -l password-command -d 'Run this shell command and use its first output line as the passphrase' -r
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from revoke" -l key-file -d 'Unlock with this key file instead of a passphrase' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from revoke" -l slot -d 'Unlock with this key slot only (an id from `keys status`); without it every slot of a fitting kind is tried' -r
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from revoke" -l age-identity -d 'age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from revoke" -l vault-token-file -d 'Read the Vault/OpenBao token from this file (default: VAULT_TOKEN); the server is VAULT_ADDR' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from revoke" -l pkcs11-module -d 'PKCS#11 module (shared library) for pkcs11 slots' -r
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from revoke" -l pkcs11-pin-file -d 'Read the token PIN from this file (default: CAIRN_PKCS11_PIN)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from revoke" -l key-command -d 'Command that unwraps command slots (`CMD unwrap SLOT_ID`; docs/KEYS.md)' -r
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from revoke" -l progress -d 'Progress of long work on stderr: a bar when stderr is a terminal (auto), one JSON object per second (json), or none' -r -f -a "auto\t''
json\t''
none\t''"
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from revoke" -l wait -d 'When another process holds the repository lock, retry for this long (e.g. 30s, 10m)' -r
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from revoke" -l json -d 'Print machine-readable JSON on stdout'
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from revoke" -s q -l quiet -d 'No progress bars or notes'
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from revoke" -l append-only -d 'Never delete or overwrite anything in the repository (commands that must delete refuse)'
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from revoke" -l no-cache -d 'Read remote repositories (s3:, azblob:, sftp:) without the local cache of snapshot objects and index files ($CAIRN_CACHE_DIR, else the user\'s cache directory\'s cairn/)'
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from revoke" -s v -l verbose -d 'More logging (CAIRN_LOG=debug works too)'
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from revoke" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from revoke" -s V -l version -d 'Print version'
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from list" -l config -r -F
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from list" -s r -l repo -d 'Repository: a folder, `s3:https://HOST[:PORT]/BUCKET[/PREFIX]` or `s3:BUCKET[/PREFIX]` (AWS, or AWS_ENDPOINT_URL). Default: the embedded repository under the user\'s data directory' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from list" -l password-file -d 'Read the passphrase from this file (first line)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from list" -l password-command -d 'Run this shell command and use its first output line as the passphrase' -r
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from list" -l key-file -d 'Unlock with this key file instead of a passphrase' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from list" -l slot -d 'Unlock with this key slot only (an id from `keys status`); without it every slot of a fitting kind is tried' -r
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from list" -l age-identity -d 'age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from list" -l vault-token-file -d 'Read the Vault/OpenBao token from this file (default: VAULT_TOKEN); the server is VAULT_ADDR' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from list" -l pkcs11-module -d 'PKCS#11 module (shared library) for pkcs11 slots' -r
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from list" -l pkcs11-pin-file -d 'Read the token PIN from this file (default: CAIRN_PKCS11_PIN)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from list" -l key-command -d 'Command that unwraps command slots (`CMD unwrap SLOT_ID`; docs/KEYS.md)' -r
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from list" -l progress -d 'Progress of long work on stderr: a bar when stderr is a terminal (auto), one JSON object per second (json), or none' -r -f -a "auto\t''
json\t''
none\t''"
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from list" -l wait -d 'When another process holds the repository lock, retry for this long (e.g. 30s, 10m)' -r
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from list" -l json -d 'Print machine-readable JSON on stdout'
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from list" -s q -l quiet -d 'No progress bars or notes'
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from list" -l append-only -d 'Never delete or overwrite anything in the repository (commands that must delete refuse)'
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from list" -l no-cache -d 'Read remote repositories (s3:, azblob:, sftp:) without the local cache of snapshot objects and index files ($CAIRN_CACHE_DIR, else the user\'s cache directory\'s cairn/)'
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More logging (CAIRN_LOG=debug works too)'
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a token; it is printed once, alone on stdout'
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "revoke" -d 'Revoke tokens by name or id'
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "list" -d 'List tokens (ids, roles, names; never the tokens)'
complete -c cairn -n "__fish_cairn_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cairn -n "__fish_cairn_using_subcommand audit; and not __fish_seen_subcommand_from verify help" -s r -l repo -d 'Repository: a folder, `s3:https://HOST[:PORT]/BUCKET[/PREFIX]` or `s3:BUCKET[/PREFIX]` (AWS, or AWS_ENDPOINT_URL). Default: the embedded repository under the user\'s data directory' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand audit; and not __fish_seen_subcommand_from verify help" -l password-file -d 'Read the passphrase from this file (first line)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand audit; and not __fish_seen_subcommand_from verify help" -l password-command -d 'Run this shell command and use its first output line as the passphrase' -r
complete -c cairn -n "__fish_cairn_using_subcommand audit; and not __fish_seen_subcommand_from verify help" -l key-file -d 'Unlock with this key file instead of a passphrase' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand audit; and not __fish_seen_subcommand_from verify help" -l slot -d 'Unlock with this key slot only (an id from `keys status`); without it every slot of a fitting kind is tried' -r
complete -c cairn -n "__fish_cairn_using_subcommand audit; and not __fish_seen_subcommand_from verify help" -l age-identity -d 'age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand audit; and not __fish_seen_subcommand_from verify help" -l vault-token-file -d 'Read the Vault/OpenBao token from this file (default: VAULT_TOKEN); the server is VAULT_ADDR' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand audit; and not __fish_seen_subcommand_from verify help" -l pkcs11-module -d 'PKCS#11 module (shared library) for pkcs11 slots' -r
complete -c cairn -n "__fish_cairn_using_subcommand audit; and not __fish_seen_subcommand_from verify help" -l pkcs11-pin-file -d 'Read the token PIN from this file (default: CAIRN_PKCS11_PIN)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand audit; and not __fish_seen_subcommand_from verify help" -l key-command -d 'Command that unwraps command slots (`CMD unwrap SLOT_ID`; docs/KEYS.md)' -r
complete -c cairn -n "__fish_cairn_using_subcommand audit; and not __fish_seen_subcommand_from verify help" -l progress -d 'Progress of long work on stderr: a bar when stderr is a terminal (auto), one JSON object per second (json), or none' -r -f -a "auto\t''
json\t''
none\t''"
complete -c cairn -n "__fish_cairn_using_subcommand audit; and not __fish_seen_subcommand_from verify help" -l wait -d 'When another process holds the repository lock, retry for this long (e.g. 30s, 10m)' -r
complete -c cairn -n "__fish_cairn_using_subcommand audit; and not __fish_seen_subcommand_from verify help" -l json -d 'Print machine-readable JSON on stdout'
complete -c cairn -n "__fish_cairn_using_subcommand audit; and not __fish_seen_subcommand_from verify help" -s q -l quiet -d 'No progress bars or notes'
complete -c cairn -n "__fish_cairn_using_subcommand audit; and not __fish_seen_subcommand_from verify help" -l append-only -d 'Never delete or overwrite anything in the repository (commands that must delete refuse)'
complete -c cairn -n "__fish_cairn_using_subcommand audit; and not __fish_seen_subcommand_from verify help" -l no-cache -d 'Read remote repositories (s3:, azblob:, sftp:) without the local cache of snapshot objects and index files ($CAIRN_CACHE_DIR, else the user\'s cache directory\'s cairn/)'
complete -c cairn -n "__fish_cairn_using_subcommand audit; and not __fish_seen_subcommand_from verify help" -s v -l verbose -d 'More logging (CAIRN_LOG=debug works too)'
complete -c cairn -n "__fish_cairn_using_subcommand audit; and not __fish_seen_subcommand_from verify help" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand audit; and not __fish_seen_subcommand_from verify help" -s V -l version -d 'Print version'
complete -c cairn -n "__fish_cairn_using_subcommand audit; and not __fish_seen_subcommand_from verify help" -f -a "verify" -d 'Check the hash chain; report the first entry edited, deleted or reordered'
complete -c cairn -n "__fish_cairn_using_subcommand audit; and not __fish_seen_subcommand_from verify help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cairn -n "__fish_cairn_using_subcommand audit; and __fish_seen_subcommand_from verify" -l config -r -F
complete -c cairn -n "__fish_cairn_using_subcommand audit; and __fish_seen_subcommand_from verify" -l log -d 'The log file (default: audit-log from the config)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand audit; and __fish_seen_subcommand_from verify" -l head -d 'A head recorded elsewhere (SEQ:HASH from /healthz): detects a truncated tail' -r
complete -c cairn -n "__fish_cairn_using_subcommand audit; and __fish_seen_subcommand_from verify" -s r -l repo -d 'Repository: a folder, `s3:https://HOST[:PORT]/BUCKET[/PREFIX]` or `s3:BUCKET[/PREFIX]` (AWS, or AWS_ENDPOINT_URL). Default: the embedded repository under the user\'s data directory' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand audit; and __fish_seen_subcommand_from verify" -l password-file -d 'Read the passphrase from this file (first line)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand audit; and __fish_seen_subcommand_from verify" -l password-command -d 'Run this shell command and use its first output line as the passphrase' -r
complete -c cairn -n "__fish_cairn_using_subcommand audit; and __fish_seen_subcommand_from verify" -l key-file -d 'Unlock with this key file instead of a passphrase' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand audit; and __fish_seen_subcommand_from verify" -l slot -d 'Unlock with this key slot only (an id from `keys status`); without it every slot of a fitting kind is tried' -r
complete -c cairn -n "__fish_cairn_using_subcommand audit; and __fish_seen_subcommand_from verify" -l age-identity -d 'age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand audit; and __fish_seen_subcommand_from verify" -l vault-token-file -d 'Read the Vault/OpenBao token from this file (default: VAULT_TOKEN); the server is VAULT_ADDR' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand audit; and __fish_seen_subcommand_from verify" -l pkcs11-module -d 'PKCS#11 module (shared library) for pkcs11 slots' -r
complete -c cairn -n "__fish_cairn_using_subcommand audit; and __fish_seen_subcommand_from verify" -l pkcs11-pin-file -d 'Read the token PIN from this file (default: CAIRN_PKCS11_PIN)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand audit; and __fish_seen_subcommand_from verify" -l key-command -d 'Command that unwraps command slots (`CMD unwrap SLOT_ID`; docs/KEYS.md)' -r
complete -c cairn -n "__fish_cairn_using_subcommand audit; and __fish_seen_subcommand_from verify" -l progress -d 'Progress of long work on stderr: a bar when stderr is a terminal (auto), one JSON object per second (json), or none' -r -f -a "auto\t''
json\t''
none\t''"
complete -c cairn -n "__fish_cairn_using_subcommand audit; and __fish_seen_subcommand_from verify" -l wait -d 'When another process holds the repository lock, retry for this long (e.g. 30s, 10m)' -r
complete -c cairn -n "__fish_cairn_using_subcommand audit; and __fish_seen_subcommand_from verify" -l json -d 'Print machine-readable JSON on stdout'
complete -c cairn -n "__fish_cairn_using_subcommand audit; and __fish_seen_subcommand_from verify" -s q -l quiet -d 'No progress bars or notes'
complete -c cairn -n "__fish_cairn_using_subcommand audit; and __fish_seen_subcommand_from verify" -l append-only -d 'Never delete or overwrite anything in the repository (commands that must delete refuse)'
complete -c cairn -n "__fish_cairn_using_subcommand audit; and __fish_seen_subcommand_from verify" -l no-cache -d 'Read remote repositories (s3:, azblob:, sftp:) without the local cache of snapshot objects and index files ($CAIRN_CACHE_DIR, else the user\'s cache directory\'s cairn/)'
complete -c cairn -n "__fish_cairn_using_subcommand audit; and __fish_seen_subcommand_from verify" -s v -l verbose -d 'More logging (CAIRN_LOG=debug works too)'
complete -c cairn -n "__fish_cairn_using_subcommand audit; and __fish_seen_subcommand_from verify" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand audit; and __fish_seen_subcommand_from verify" -s V -l version -d 'Print version'
complete -c cairn -n "__fish_cairn_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "verify" -d 'Check the hash chain; report the first entry edited, deleted or reordered'
complete -c cairn -n "__fish_cairn_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cairn -n "__fish_cairn_using_subcommand gate" -l config -d 'Server config (TOML). Default: /etc/cairn/cairn.toml, else ~/.config/cairn/cairn.toml' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand gate" -l spec -d 'Check only this spec (repeatable). Default: every spec' -r
complete -c cairn -n "__fish_cairn_using_subcommand gate" -l out -d 'Folder for the report, summary, badge and sample manifest (scratch restores go in a temporary folder inside it)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand gate" -l seed -d 'Seed for the sample snapshot, the verify subset and the plaintext windows (default: random, printed)' -r
complete -c cairn -n "__fish_cairn_using_subcommand gate" -s r -l repo -d 'Repository: a folder, `s3:https://HOST[:PORT]/BUCKET[/PREFIX]` or `s3:BUCKET[/PREFIX]` (AWS, or AWS_ENDPOINT_URL). Default: the embedded repository under the user\'s data directory' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand gate" -l password-file -d 'Read the passphrase from this file (first line)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand gate" -l password-command -d 'Run this shell command and use its first output line as the passphrase' -r
complete -c cairn -n "__fish_cairn_using_subcommand gate" -l key-file -d 'Unlock with this key file instead of a passphrase' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand gate" -l slot -d 'Unlock with this key slot only (an id from `keys status`); without it every slot of a fitting kind is tried' -r
complete -c cairn -n "__fish_cairn_using_subcommand gate" -l age-identity -d 'age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand gate" -l vault-token-file -d 'Read the Vault/OpenBao token from this file (default: VAULT_TOKEN); the server is VAULT_ADDR' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand gate" -l pkcs11-module -d 'PKCS#11 module (shared library) for pkcs11 slots' -r
complete -c cairn -n "__fish_cairn_using_subcommand gate" -l pkcs11-pin-file -d 'Read the token PIN from this file (default: CAIRN_PKCS11_PIN)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand gate" -l key-command -d 'Command that unwraps command slots (`CMD unwrap SLOT_ID`; docs/KEYS.md)' -r
complete -c cairn -n "__fish_cairn_using_subcommand gate" -l progress -d 'Progress of long work on stderr: a bar when stderr is a terminal (auto), one JSON object per second (json), or none' -r -f -a "auto\t''
json\t''
none\t''"
complete -c cairn -n "__fish_cairn_using_subcommand gate" -l wait -d 'When another process holds the repository lock, retry for this long (e.g. 30s, 10m)' -r
complete -c cairn -n "__fish_cairn_using_subcommand gate" -l json -d 'Print machine-readable JSON on stdout'
complete -c cairn -n "__fish_cairn_using_subcommand gate" -s q -l quiet -d 'No progress bars or notes'
complete -c cairn -n "__fish_cairn_using_subcommand gate" -l append-only -d 'Never delete or overwrite anything in the repository (commands that must delete refuse)'
complete -c cairn -n "__fish_cairn_using_subcommand gate" -l no-cache -d 'Read remote repositories (s3:, azblob:, sftp:) without the local cache of snapshot objects and index files ($CAIRN_CACHE_DIR, else the user\'s cache directory\'s cairn/)'
complete -c cairn -n "__fish_cairn_using_subcommand gate" -s v -l verbose -d 'More logging (CAIRN_LOG=debug works too)'
complete -c cairn -n "__fish_cairn_using_subcommand gate" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand gate" -s V -l version -d 'Print version'
complete -c cairn -n "__fish_cairn_using_subcommand completions" -s r -l repo -d 'Repository: a folder, `s3:https://HOST[:PORT]/BUCKET[/PREFIX]` or `s3:BUCKET[/PREFIX]` (AWS, or AWS_ENDPOINT_URL). Default: the embedded repository under the user\'s data directory' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand completions" -l password-file -d 'Read the passphrase from this file (first line)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand completions" -l password-command -d 'Run this shell command and use its first output line as the passphrase' -r
complete -c cairn -n "__fish_cairn_using_subcommand completions" -l key-file -d 'Unlock with this key file instead of a passphrase' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand completions" -l slot -d 'Unlock with this key slot only (an id from `keys status`); without it every slot of a fitting kind is tried' -r
complete -c cairn -n "__fish_cairn_using_subcommand completions" -l age-identity -d 'age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand completions" -l vault-token-file -d 'Read the Vault/OpenBao token from this file (default: VAULT_TOKEN); the server is VAULT_ADDR' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand completions" -l pkcs11-module -d 'PKCS#11 module (shared library) for pkcs11 slots' -r
complete -c cairn -n "__fish_cairn_using_subcommand completions" -l pkcs11-pin-file -d 'Read the token PIN from this file (default: CAIRN_PKCS11_PIN)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand completions" -l key-command -d 'Command that unwraps command slots (`CMD unwrap SLOT_ID`; docs/KEYS.md)' -r
complete -c cairn -n "__fish_cairn_using_subcommand completions" -l progress -d 'Progress of long work on stderr: a bar when stderr is a terminal (auto), one JSON object per second (json), or none' -r -f -a "auto\t''
json\t''
none\t''"
complete -c cairn -n "__fish_cairn_using_subcommand completions" -l wait -d 'When another process holds the repository lock, retry for this long (e.g. 30s, 10m)' -r
complete -c cairn -n "__fish_cairn_using_subcommand completions" -l json -d 'Print machine-readable JSON on stdout'
complete -c cairn -n "__fish_cairn_using_subcommand completions" -s q -l quiet -d 'No progress bars or notes'
complete -c cairn -n "__fish_cairn_using_subcommand completions" -l append-only -d 'Never delete or overwrite anything in the repository (commands that must delete refuse)'
complete -c cairn -n "__fish_cairn_using_subcommand completions" -l no-cache -d 'Read remote repositories (s3:, azblob:, sftp:) without the local cache of snapshot objects and index files ($CAIRN_CACHE_DIR, else the user\'s cache directory\'s cairn/)'
complete -c cairn -n "__fish_cairn_using_subcommand completions" -s v -l verbose -d 'More logging (CAIRN_LOG=debug works too)'
complete -c cairn -n "__fish_cairn_using_subcommand completions" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand completions" -s V -l version -d 'Print version'
complete -c cairn -n "__fish_cairn_using_subcommand man" -s r -l repo -d 'Repository: a folder, `s3:https://HOST[:PORT]/BUCKET[/PREFIX]` or `s3:BUCKET[/PREFIX]` (AWS, or AWS_ENDPOINT_URL). Default: the embedded repository under the user\'s data directory' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand man" -l password-file -d 'Read the passphrase from this file (first line)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand man" -l password-command -d 'Run this shell command and use its first output line as the passphrase' -r
complete -c cairn -n "__fish_cairn_using_subcommand man" -l key-file -d 'Unlock with this key file instead of a passphrase' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand man" -l slot -d 'Unlock with this key slot only (an id from `keys status`); without it every slot of a fitting kind is tried' -r
complete -c cairn -n "__fish_cairn_using_subcommand man" -l age-identity -d 'age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand man" -l vault-token-file -d 'Read the Vault/OpenBao token from this file (default: VAULT_TOKEN); the server is VAULT_ADDR' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand man" -l pkcs11-module -d 'PKCS#11 module (shared library) for pkcs11 slots' -r
complete -c cairn -n "__fish_cairn_using_subcommand man" -l pkcs11-pin-file -d 'Read the token PIN from this file (default: CAIRN_PKCS11_PIN)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand man" -l key-command -d 'Command that unwraps command slots (`CMD unwrap SLOT_ID`; docs/KEYS.md)' -r
complete -c cairn -n "__fish_cairn_using_subcommand man" -l progress -d 'Progress of long work on stderr: a bar when stderr is a terminal (auto), one JSON object per second (json), or none' -r -f -a "auto\t''
json\t''
none\t''"
complete -c cairn -n "__fish_cairn_using_subcommand man" -l wait -d 'When another process holds the repository lock, retry for this long (e.g. 30s, 10m)' -r
complete -c cairn -n "__fish_cairn_using_subcommand man" -l json -d 'Print machine-readable JSON on stdout'
complete -c cairn -n "__fish_cairn_using_subcommand man" -s q -l quiet -d 'No progress bars or notes'
complete -c cairn -n "__fish_cairn_using_subcommand man" -l append-only -d 'Never delete or overwrite anything in the repository (commands that must delete refuse)'
complete -c cairn -n "__fish_cairn_using_subcommand man" -l no-cache -d 'Read remote repositories (s3:, azblob:, sftp:) without the local cache of snapshot objects and index files ($CAIRN_CACHE_DIR, else the user\'s cache directory\'s cairn/)'
complete -c cairn -n "__fish_cairn_using_subcommand man" -s v -l verbose -d 'More logging (CAIRN_LOG=debug works too)'
complete -c cairn -n "__fish_cairn_using_subcommand man" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand man" -s V -l version -d 'Print version'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from init keys trust backup list manifest ls cat diff find mount copy restore verify export prune forget protect unprotect maintenance unlock upgrade plan serve token audit gate completions man help" -f -a "init" -d 'Create a repository'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from init keys trust backup list manifest ls cat diff find mount copy restore verify export prune forget protect unprotect maintenance unlock upgrade plan serve token audit gate completions man help" -f -a "keys" -d 'Key slots'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from init keys trust backup list manifest ls cat diff find mount copy restore verify export prune forget protect unprotect maintenance unlock upgrade plan serve token audit gate completions man help" -f -a "trust" -d 'Show which repository this client trusts at the location (its pin), or accept a changed one with --reset'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from init keys trust backup list manifest ls cat diff find mount copy restore verify export prune forget protect unprotect maintenance unlock upgrade plan serve token audit gate completions man help" -f -a "backup" -d 'Back up files and directories into a new snapshot'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from init keys trust backup list manifest ls cat diff find mount copy restore verify export prune forget protect unprotect maintenance unlock upgrade plan serve token audit gate completions man help" -f -a "list" -d 'List snapshots'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from init keys trust backup list manifest ls cat diff find mount copy restore verify export prune forget protect unprotect maintenance unlock upgrade plan serve token audit gate completions man help" -f -a "manifest" -d 'Print a snapshot\'s manifest (every entry, with SHA-256 for files)'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from init keys trust backup list manifest ls cat diff find mount copy restore verify export prune forget protect unprotect maintenance unlock upgrade plan serve token audit gate completions man help" -f -a "ls" -d 'List a directory of a snapshot from its trees (no data is read)'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from init keys trust backup list manifest ls cat diff find mount copy restore verify export prune forget protect unprotect maintenance unlock upgrade plan serve token audit gate completions man help" -f -a "cat" -d 'Print one file of a snapshot to stdout, checked against its SHA-256'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from init keys trust backup list manifest ls cat diff find mount copy restore verify export prune forget protect unprotect maintenance unlock upgrade plan serve token audit gate completions man help" -f -a "diff" -d 'Show what changed between two snapshots: added, removed, modified, with byte totals'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from init keys trust backup list manifest ls cat diff find mount copy restore verify export prune forget protect unprotect maintenance unlock upgrade plan serve token audit gate completions man help" -f -a "find" -d 'Find which snapshots hold paths matching a glob, with size and mtime'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from init keys trust backup list manifest ls cat diff find mount copy restore verify export prune forget protect unprotect maintenance unlock upgrade plan serve token audit gate completions man help" -f -a "mount" -d 'Mount the repository read-only (FUSE): snapshots by id, time, host and tag; Ctrl-C or SIGTERM unmounts'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from init keys trust backup list manifest ls cat diff find mount copy restore verify export prune forget protect unprotect maintenance unlock upgrade plan serve token audit gate completions man help" -f -a "copy" -d 'Copy snapshots into another repository, re-encrypted under its keys; what it holds is not sent again'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from init keys trust backup list manifest ls cat diff find mount copy restore verify export prune forget protect unprotect maintenance unlock upgrade plan serve token audit gate completions man help" -f -a "restore" -d 'Restore a snapshot into a directory (plan first; every file hash-checked)'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from init keys trust backup list manifest ls cat diff find mount copy restore verify export prune forget protect unprotect maintenance unlock upgrade plan serve token audit gate completions man help" -f -a "verify" -d 'Check that the repository can be read back (structure; data with --read-data)'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from init keys trust backup list manifest ls cat diff find mount copy restore verify export prune forget protect unprotect maintenance unlock upgrade plan serve token audit gate completions man help" -f -a "export" -d 'Write a snapshot as a tar archive to stdout'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from init keys trust backup list manifest ls cat diff find mount copy restore verify export prune forget protect unprotect maintenance unlock upgrade plan serve token audit gate completions man help" -f -a "prune" -d 'Remove data no snapshot needs (plan first; --dry-run shows it)'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from init keys trust backup list manifest ls cat diff find mount copy restore verify export prune forget protect unprotect maintenance unlock upgrade plan serve token audit gate completions man help" -f -a "forget" -d 'Remove snapshots by retention policy or by id (plan first; --dry-run shows it)'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from init keys trust backup list manifest ls cat diff find mount copy restore verify export prune forget protect unprotect maintenance unlock upgrade plan serve token audit gate completions man help" -f -a "protect" -d 'Protect a snapshot: forget never removes it'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from init keys trust backup list manifest ls cat diff find mount copy restore verify export prune forget protect unprotect maintenance unlock upgrade plan serve token audit gate completions man help" -f -a "unprotect" -d 'Remove a snapshot\'s protection (needs delete access)'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from init keys trust backup list manifest ls cat diff find mount copy restore verify export prune forget protect unprotect maintenance unlock upgrade plan serve token audit gate completions man help" -f -a "maintenance" -d 'Extend WORM retention of everything still needed; drop lapsed records and stale locks'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from init keys trust backup list manifest ls cat diff find mount copy restore verify export prune forget protect unprotect maintenance unlock upgrade plan serve token audit gate completions man help" -f -a "unlock" -d 'Remove locks left by processes that died (with --force, every lock)'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from init keys trust backup list manifest ls cat diff find mount copy restore verify export prune forget protect unprotect maintenance unlock upgrade plan serve token audit gate completions man help" -f -a "upgrade" -d 'Raise the repository\'s format version to the newest this cairn writes'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from init keys trust backup list manifest ls cat diff find mount copy restore verify export prune forget protect unprotect maintenance unlock upgrade plan serve token audit gate completions man help" -f -a "plan" -d 'What a backup of a spec would do now (files and bytes to read, parent, next runs)'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from init keys trust backup list manifest ls cat diff find mount copy restore verify export prune forget protect unprotect maintenance unlock upgrade plan serve token audit gate completions man help" -f -a "serve" -d 'Run the HTTP API and the scheduler (see docs/SERVER.md)'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from init keys trust backup list manifest ls cat diff find mount copy restore verify export prune forget protect unprotect maintenance unlock upgrade plan serve token audit gate completions man help" -f -a "token" -d 'API tokens for `cairn serve`'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from init keys trust backup list manifest ls cat diff find mount copy restore verify export prune forget protect unprotect maintenance unlock upgrade plan serve token audit gate completions man help" -f -a "audit" -d 'The server\'s audit log'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from init keys trust backup list manifest ls cat diff find mount copy restore verify export prune forget protect unprotect maintenance unlock upgrade plan serve token audit gate completions man help" -f -a "gate" -d 'RG-7 recovery gate: prove each spec restores, is kept, encrypted and within RPO/RTO (docs/GATE.md)'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from init keys trust backup list manifest ls cat diff find mount copy restore verify export prune forget protect unprotect maintenance unlock upgrade plan serve token audit gate completions man help" -f -a "completions" -d 'Print a shell completion script (bash, zsh, fish, elvish, powershell)'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from init keys trust backup list manifest ls cat diff find mount copy restore verify export prune forget protect unprotect maintenance unlock upgrade plan serve token audit gate completions man help" -f -a "man" -d 'Write man pages (cairn.1 and one per command) into a folder'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from init keys trust backup list manifest ls cat diff find mount copy restore verify export prune forget protect unprotect maintenance unlock upgrade plan serve token audit gate completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cairn -n "__fish_cairn_using_subcommand help; and __fish_seen_subcommand_from keys" -f -a "status" -d 'Show the key slots (never any secret)'
complete -c cairn -n "__fish_cairn_using_subcommand help; and __fish_seen_subcommand_from keys" -f -a "add" -d 'Add a key slot (unlocking with an existing one)'
complete -c cairn -n "__fish_cairn_using_subcommand help; and __fish_seen_subcommand_from keys" -f -a "remove" -d 'Remove a key slot (refuses the last one, and one whose removal leaves no slot proven to open the repository in this session); it can no longer open the repository'
complete -c cairn -n "__fish_cairn_using_subcommand help; and __fish_seen_subcommand_from keys" -f -a "test" -d 'Prove that one slot unlocks the repository (reads nothing else, takes no lock)'
complete -c cairn -n "__fish_cairn_using_subcommand help; and __fish_seen_subcommand_from keys" -f -a "rewrap" -d 'Re-wrap a vault-transit or aws-kms slot under the newest version of its key (after `transit/keys/K/rotate`, or a KMS key rotation)'
complete -c cairn -n "__fish_cairn_using_subcommand help; and __fish_seen_subcommand_from keys" -f -a "rotate-master" -d 'Rotate the master secret: new data is sealed under a new key epoch; every slot is re-wrapped (then `prune --rewrite-old-epochs` re-encrypts old data)'
complete -c cairn -n "__fish_cairn_using_subcommand help; and __fish_seen_subcommand_from keys" -f -a "recover" -d 'List the versions of the config and key slots the storage keeps (WORM holds them), or bring one back with --restore; needs no key'
complete -c cairn -n "__fish_cairn_using_subcommand help; and __fish_seen_subcommand_from token" -f -a "create" -d 'Create a token; it is printed once, alone on stdout'
complete -c cairn -n "__fish_cairn_using_subcommand help; and __fish_seen_subcommand_from token" -f -a "revoke" -d 'Revoke tokens by name or id'
complete -c cairn -n "__fish_cairn_using_subcommand help; and __fish_seen_subcommand_from token" -f -a "list" -d 'List tokens (ids, roles, names; never the tokens)'
complete -c cairn -n "__fish_cairn_using_subcommand help; and __fish_seen_subcommand_from audit" -f -a "verify" -d 'Check the hash chain; report the first entry edited, deleted or reordered'
