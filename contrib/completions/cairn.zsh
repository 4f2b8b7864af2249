#compdef cairn

autoload -U is-at-least

_cairn() {
    typeset -A opt_args
    typeset -a _arguments_options
    local ret=1

    if is-at-least 5.2; then
        _arguments_options=(-s -S -C)
    else
        _arguments_options=(-s -C)
    fi

    local context curcontext="$curcontext" state line
    _arguments "${_arguments_options[@]}" : \
'-r+[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--repo=[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--password-file=[Read the passphrase from this file (first line)]:PASSWORD_FILE:_files' \
'--password-command=[Run this shell command and use its first output line as the passphrase]:PASSWORD_COMMAND:_default' \
'--key-file=[Unlock with this key file instead of a passphrase]:KEY_FILE:_files' \
'--slot=[Unlock with this key slot only (an id from \`keys status\`); without it every slot of a fitting kind is tried]:SLOT:_default' \
'--age-identity=[age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots]:AGE_IDENTITY:_files' \
'--vault-token-file=[Read the Vault/OpenBao token from this file (default\: VAULT_TOKEN); the server is VAULT_ADDR]:VAULT_TOKEN_FILE:_files' \
'--pkcs11-module=[PKCS#11 module (shared library) for pkcs11 slots]:PKCS11_MODULE:_default' \
'--pkcs11-pin-file=[Read the token PIN from this file (default\: CAIRN_PKCS11_PIN)]:PKCS11_PIN_FILE:_files' \
'--key-command=[Command that unwraps command slots (\`CMD unwrap SLOT_ID\`; docs/KEYS.md)]:KEY_COMMAND:_default' \
'--progress=[Progress of long work on stderr\: a bar when stderr is a terminal (auto), one JSON object per second (json), or none]:PROGRESS:(auto json none)' \
'--wait=[When another process holds the repository lock, retry for this long (e.g. 30s, 10m)]:WAIT:_default' \
'--json[Print machine-readable JSON on stdout]' \
'-q[No progress bars or notes]' \
'--quiet[No progress bars or notes]' \
'--append-only[Never delete or overwrite anything in the repository (commands that must delete refuse)]' \
'--no-cache[Read remote repositories (s3\:, azblob\:, sftp\:) without the local cache of snapshot objects and index files (\$CAIRN_CACHE_DIR, else the user'\''s cache directory'\''s cairn/)]' \
'*-v[More logging (CAIRN_LOG=debug works too)]' \
'*--verbose[More logging (CAIRN_LOG=debug works too)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
":: :_cairn_commands" \
"*::: :->cairn" \
&& ret=0
    case $state in
    (cairn)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:cairn-command-$line[1]:"
        case $line[1] in
            (init)
_arguments "${_arguments_options[@]}" : \
'--compression=[zstd level for new data\: 0 (off) to 19]:COMPRESSION:_default' \
'--now=[Creation time (RFC 3339) instead of the clock]:NOW:_default' \
'--worm=[Write-once grade\: compliance or governance (S3 Object Lock, or immutable local files for governance), or software (Cairn refuses early deletes)]:WORM:(compliance governance software)' \
'--worm-retention=[How long every object stays undeletable after it is written (e.g. 30d, 1y, 90s; y = 365 days, m = 30 days)]:WORM_RETENTION:_default' \
'-r+[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--repo=[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--password-file=[Read the passphrase from this file (first line)]:PASSWORD_FILE:_files' \
'--password-command=[Run this shell command and use its first output line as the passphrase]:PASSWORD_COMMAND:_default' \
'--key-file=[Unlock with this key file instead of a passphrase]:KEY_FILE:_files' \
'--slot=[Unlock with this key slot only (an id from \`keys status\`); without it every slot of a fitting kind is tried]:SLOT:_default' \
'--age-identity=[age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots]:AGE_IDENTITY:_files' \
'--vault-token-file=[Read the Vault/OpenBao token from this file (default\: VAULT_TOKEN); the server is VAULT_ADDR]:VAULT_TOKEN_FILE:_files' \
'--pkcs11-module=[PKCS#11 module (shared library) for pkcs11 slots]:PKCS11_MODULE:_default' \
'--pkcs11-pin-file=[Read the token PIN from this file (default\: CAIRN_PKCS11_PIN)]:PKCS11_PIN_FILE:_files' \
'--key-command=[Command that unwraps command slots (\`CMD unwrap SLOT_ID\`; docs/KEYS.md)]:KEY_COMMAND:_default' \
'--progress=[Progress of long work on stderr\: a bar when stderr is a terminal (auto), one JSON object per second (json), or none]:PROGRESS:(auto json none)' \
'--wait=[When another process holds the repository lock, retry for this long (e.g. 30s, 10m)]:WAIT:_default' \
'--json[Print machine-readable JSON on stdout]' \
'-q[No progress bars or notes]' \
'--quiet[No progress bars or notes]' \
'--append-only[Never delete or overwrite anything in the repository (commands that must delete refuse)]' \
'--no-cache[Read remote repositories (s3\:, azblob\:, sftp\:) without the local cache of snapshot objects and index files (\$CAIRN_CACHE_DIR, else the user'\''s cache directory'\''s cairn/)]' \
'*-v[More logging (CAIRN_LOG=debug works too)]' \
'*--verbose[More logging (CAIRN_LOG=debug works too)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(keys)
_arguments "${_arguments_options[@]}" : \
'-r+[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--repo=[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--password-file=[Read the passphrase from this file (first line)]:PASSWORD_FILE:_files' \
'--password-command=[Run this shell command and use its first output line as the passphrase]:PASSWORD_COMMAND:_default' \
'--key-file=[Unlock with this key file instead of a passphrase]:KEY_FILE:_files' \
'--slot=[Unlock with this key slot only (an id from \`keys status\`); without it every slot of a fitting kind is tried]:SLOT:_default' \
'--age-identity=[age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots]:AGE_IDENTITY:_files' \
'--vault-token-file=[Read the Vault/OpenBao token from this file (default\: VAULT_TOKEN); the server is VAULT_ADDR]:VAULT_TOKEN_FILE:_files' \
'--pkcs11-module=[PKCS#11 module (shared library) for pkcs11 slots]:PKCS11_MODULE:_default' \
'--pkcs11-pin-file=[Read the token PIN from this file (default\: CAIRN_PKCS11_PIN)]:PKCS11_PIN_FILE:_files' \
'--key-command=[Command that unwraps command slots (\`CMD unwrap SLOT_ID\`; docs/KEYS.md)]:KEY_COMMAND:_default' \
'--progress=[Progress of long work on stderr\: a bar when stderr is a terminal (auto), one JSON object per second (json), or none]:PROGRESS:(auto json none)' \
'--wait=[When another process holds the repository lock, retry for this long (e.g. 30s, 10m)]:WAIT:_default' \
'--json[Print machine-readable JSON on stdout]' \
'-q[No progress bars or notes]' \
'--quiet[No progress bars or notes]' \
'--append-only[Never delete or overwrite anything in the repository (commands that must delete refuse)]' \
'--no-cache[Read remote repositories (s3\:, azblob\:, sftp\:) without the local cache of snapshot objects and index files (\$CAIRN_CACHE_DIR, else the user'\''s cache directory'\''s cairn/)]' \
'*-v[More logging (CAIRN_LOG=debug works too)]' \
'*--verbose[More logging (CAIRN_LOG=debug works too)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
":: :_cairn__subcmd__keys_commands" \
"*::: :->keys" \
&& ret=0

    case $state in
    (keys)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:cairn-keys-command-$line[1]:"
        case $line[1] in
            (status)
_arguments "${_arguments_options[@]}" : \
'-r+[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--repo=[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--password-file=[Read the passphrase from this file (first line)]:PASSWORD_FILE:_files' \
'--password-command=[Run this shell command and use its first output line as the passphrase]:PASSWORD_COMMAND:_default' \
'--key-file=[Unlock with this key file instead of a passphrase]:KEY_FILE:_files' \
'--slot=[Unlock with this key slot only (an id from \`keys status\`); without it every slot of a fitting kind is tried]:SLOT:_default' \
'--age-identity=[age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots]:AGE_IDENTITY:_files' \
'--vault-token-file=[Read the Vault/OpenBao token from this file (default\: VAULT_TOKEN); the server is VAULT_ADDR]:VAULT_TOKEN_FILE:_files' \
'--pkcs11-module=[PKCS#11 module (shared library) for pkcs11 slots]:PKCS11_MODULE:_default' \
'--pkcs11-pin-file=[Read the token PIN from this file (default\: CAIRN_PKCS11_PIN)]:PKCS11_PIN_FILE:_files' \
'--key-command=[Command that unwraps command slots (\`CMD unwrap SLOT_ID\`; docs/KEYS.md)]:KEY_COMMAND:_default' \
'--progress=[Progress of long work on stderr\: a bar when stderr is a terminal (auto), one JSON object per second (json), or none]:PROGRESS:(auto json none)' \
'--wait=[When another process holds the repository lock, retry for this long (e.g. 30s, 10m)]:WAIT:_default' \
'--json[Print machine-readable JSON on stdout]' \
'-q[No progress bars or notes]' \
'--quiet[No progress bars or notes]' \
'--append-only[Never delete or overwrite anything in the repository (commands that must delete refuse)]' \
'--no-cache[Read remote repositories (s3\:, azblob\:, sftp\:) without the local cache of snapshot objects and index files (\$CAIRN_CACHE_DIR, else the user'\''s cache directory'\''s cairn/)]' \
'*-v[More logging (CAIRN_LOG=debug works too)]' \
'*--verbose[More logging (CAIRN_LOG=debug works too)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(add)
_arguments "${_arguments_options[@]}" : \
'--new-password-file=[Read the new passphrase from this file (first line)]:NEW_PASSWORD_FILE:_files' \
'--age-recipient=[An age X25519 recipient (age1…)\: an escrow slot whose identity can stay offline]:PUBKEY:_default' \
'--vault-transit=[A Vault/OpenBao transit key, ADDR/MOUNT/KEY (e.g. http\://127.0.0.1\:8200/transit/cairn); token from VAULT_TOKEN or --vault-token-file]:ADDR/MOUNT/KEY:_default' \
'--pkcs11=[A PKCS#11 module\: the KEK is wrapped by a non-extractable AES key on the token (created if missing)]:MODULE:_default' \
'--token=[With --pkcs11\: the token label]:TOKEN:_default' \
'--key=[With --pkcs11\: the wrapping key'\''s label]:KEY:_default' \
'--command=[An external command that wraps and unwraps (\`CMD wrap|unwrap SLOT_ID\`; docs/KEYS.md)]:CMD:_default' \
'--aws-kms=[An AWS KMS symmetric key (id, alias/NAME or ARN); credentials, region and endpoint from the AWS environment (AWS_ACCESS_KEY_ID…, AWS_REGION, AWS_ENDPOINT_URL_KMS)]:KEY_ID_OR_ARN:_default' \
'-r+[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--repo=[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--password-file=[Read the passphrase from this file (first line)]:PASSWORD_FILE:_files' \
'--password-command=[Run this shell command and use its first output line as the passphrase]:PASSWORD_COMMAND:_default' \
'--key-file=[Unlock with this key file instead of a passphrase]:KEY_FILE:_files' \
'--slot=[Unlock with this key slot only (an id from \`keys status\`); without it every slot of a fitting kind is tried]:SLOT:_default' \
'--age-identity=[age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots]:AGE_IDENTITY:_files' \
'--vault-token-file=[Read the Vault/OpenBao token from this file (default\: VAULT_TOKEN); the server is VAULT_ADDR]:VAULT_TOKEN_FILE:_files' \
'--pkcs11-module=[PKCS#11 module (shared library) for pkcs11 slots]:PKCS11_MODULE:_default' \
'--pkcs11-pin-file=[Read the token PIN from this file (default\: CAIRN_PKCS11_PIN)]:PKCS11_PIN_FILE:_files' \
'--key-command=[Command that unwraps command slots (\`CMD unwrap SLOT_ID\`; docs/KEYS.md)]:KEY_COMMAND:_default' \
'--progress=[Progress of long work on stderr\: a bar when stderr is a terminal (auto), one JSON object per second (json), or none]:PROGRESS:(auto json none)' \
'--wait=[When another process holds the repository lock, retry for this long (e.g. 30s, 10m)]:WAIT:_default' \
'--passphrase[A new passphrase (from CAIRN_NEW_PASSWORD, --new-password-file, or a prompt)]' \
'--json[Print machine-readable JSON on stdout]' \
'-q[No progress bars or notes]' \
'--quiet[No progress bars or notes]' \
'--append-only[Never delete or overwrite anything in the repository (commands that must delete refuse)]' \
'--no-cache[Read remote repositories (s3\:, azblob\:, sftp\:) without the local cache of snapshot objects and index files (\$CAIRN_CACHE_DIR, else the user'\''s cache directory'\''s cairn/)]' \
'*-v[More logging (CAIRN_LOG=debug works too)]' \
'*--verbose[More logging (CAIRN_LOG=debug works too)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(remove)
_arguments "${_arguments_options[@]}" : \
'-r+[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--repo=[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--password-file=[Read the passphrase from this file (first line)]:PASSWORD_FILE:_files' \
'--password-command=[Run this shell command and use its first output line as the passphrase]:PASSWORD_COMMAND:_default' \
'--key-file=[Unlock with this key file instead of a passphrase]:KEY_FILE:_files' \
'--slot=[Unlock with this key slot only (an id from \`keys status\`); without it every slot of a fitting kind is tried]:SLOT:_default' \
'--age-identity=[age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots]:AGE_IDENTITY:_files' \
'--vault-token-file=[Read the Vault/OpenBao token from this file (default\: VAULT_TOKEN); the server is VAULT_ADDR]:VAULT_TOKEN_FILE:_files' \
'--pkcs11-module=[PKCS#11 module (shared library) for pkcs11 slots]:PKCS11_MODULE:_default' \
'--pkcs11-pin-file=[Read the token PIN from this file (default\: CAIRN_PKCS11_PIN)]:PKCS11_PIN_FILE:_files' \
'--key-command=[Command that unwraps command slots (\`CMD unwrap SLOT_ID\`; docs/KEYS.md)]:KEY_COMMAND:_default' \
'--progress=[Progress of long work on stderr\: a bar when stderr is a terminal (auto), one JSON object per second (json), or none]:PROGRESS:(auto json none)' \
'--wait=[When another process holds the repository lock, retry for this long (e.g. 30s, 10m)]:WAIT:_default' \
'--force[Remove it even though no other remaining slot was proven to open the repository in this session]' \
'--json[Print machine-readable JSON on stdout]' \
'-q[No progress bars or notes]' \
'--quiet[No progress bars or notes]' \
'--append-only[Never delete or overwrite anything in the repository (commands that must delete refuse)]' \
'--no-cache[Read remote repositories (s3\:, azblob\:, sftp\:) without the local cache of snapshot objects and index files (\$CAIRN_CACHE_DIR, else the user'\''s cache directory'\''s cairn/)]' \
'*-v[More logging (CAIRN_LOG=debug works too)]' \
'*--verbose[More logging (CAIRN_LOG=debug works too)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
':slot_id -- The slot id (from `keys status`):_default' \
&& ret=0
;;
(test)
_arguments "${_arguments_options[@]}" : \
'-r+[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--repo=[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--password-file=[Read the passphrase from this file (first line)]:PASSWORD_FILE:_files' \
'--password-command=[Run this shell command and use its first output line as the passphrase]:PASSWORD_COMMAND:_default' \
'--key-file=[Unlock with this key file instead of a passphrase]:KEY_FILE:_files' \
'--slot=[Unlock with this key slot only (an id from \`keys status\`); without it every slot of a fitting kind is tried]:SLOT:_default' \
'--age-identity=[age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots]:AGE_IDENTITY:_files' \
'--vault-token-file=[Read the Vault/OpenBao token from this file (default\: VAULT_TOKEN); the server is VAULT_ADDR]:VAULT_TOKEN_FILE:_files' \
'--pkcs11-module=[PKCS#11 module (shared library) for pkcs11 slots]:PKCS11_MODULE:_default' \
'--pkcs11-pin-file=[Read the token PIN from this file (default\: CAIRN_PKCS11_PIN)]:PKCS11_PIN_FILE:_files' \
'--key-command=[Command that unwraps command slots (\`CMD unwrap SLOT_ID\`; docs/KEYS.md)]:KEY_COMMAND:_default' \
'--progress=[Progress of long work on stderr\: a bar when stderr is a terminal (auto), one JSON object per second (json), or none]:PROGRESS:(auto json none)' \
'--wait=[When another process holds the repository lock, retry for this long (e.g. 30s, 10m)]:WAIT:_default' \
'--json[Print machine-readable JSON on stdout]' \
'-q[No progress bars or notes]' \
'--quiet[No progress bars or notes]' \
'--append-only[Never delete or overwrite anything in the repository (commands that must delete refuse)]' \
'--no-cache[Read remote repositories (s3\:, azblob\:, sftp\:) without the local cache of snapshot objects and index files (\$CAIRN_CACHE_DIR, else the user'\''s cache directory'\''s cairn/)]' \
'*-v[More logging (CAIRN_LOG=debug works too)]' \
'*--verbose[More logging (CAIRN_LOG=debug works too)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
':slot_id -- The slot id (from `keys status`). Not named `slot`\: that id is the global `--slot`:_default' \
&& ret=0
;;
(rewrap)
_arguments "${_arguments_options[@]}" : \
'-r+[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--repo=[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--password-file=[Read the passphrase from this file (first line)]:PASSWORD_FILE:_files' \
'--password-command=[Run this shell command and use its first output line as the passphrase]:PASSWORD_COMMAND:_default' \
'--key-file=[Unlock with this key file instead of a passphrase]:KEY_FILE:_files' \
'--slot=[Unlock with this key slot only (an id from \`keys status\`); without it every slot of a fitting kind is tried]:SLOT:_default' \
'--age-identity=[age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots]:AGE_IDENTITY:_files' \
'--vault-token-file=[Read the Vault/OpenBao token from this file (default\: VAULT_TOKEN); the server is VAULT_ADDR]:VAULT_TOKEN_FILE:_files' \
'--pkcs11-module=[PKCS#11 module (shared library) for pkcs11 slots]:PKCS11_MODULE:_default' \
'--pkcs11-pin-file=[Read the token PIN from this file (default\: CAIRN_PKCS11_PIN)]:PKCS11_PIN_FILE:_files' \
'--key-command=[Command that unwraps command slots (\`CMD unwrap SLOT_ID\`; docs/KEYS.md)]:KEY_COMMAND:_default' \
'--progress=[Progress of long work on stderr\: a bar when stderr is a terminal (auto), one JSON object per second (json), or none]:PROGRESS:(auto json none)' \
'--wait=[When another process holds the repository lock, retry for this long (e.g. 30s, 10m)]:WAIT:_default' \
'--json[Print machine-readable JSON on stdout]' \
'-q[No progress bars or notes]' \
'--quiet[No progress bars or notes]' \
'--append-only[Never delete or overwrite anything in the repository (commands that must delete refuse)]' \
'--no-cache[Read remote repositories (s3\:, azblob\:, sftp\:) without the local cache of snapshot objects and index files (\$CAIRN_CACHE_DIR, else the user'\''s cache directory'\''s cairn/)]' \
'*-v[More logging (CAIRN_LOG=debug works too)]' \
'*--verbose[More logging (CAIRN_LOG=debug works too)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
':slot_id -- The slot id (from `keys status`). Not named `slot`\: that id is the global `--slot`:_default' \
&& ret=0
;;
(rotate-master)
_arguments "${_arguments_options[@]}" : \
'-r+[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--repo=[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--password-file=[Read the passphrase from this file (first line)]:PASSWORD_FILE:_files' \
'--password-command=[Run this shell command and use its first output line as the passphrase]:PASSWORD_COMMAND:_default' \
'--key-file=[Unlock with this key file instead of a passphrase]:KEY_FILE:_files' \
'--slot=[Unlock with this key slot only (an id from \`keys status\`); without it every slot of a fitting kind is tried]:SLOT:_default' \
'--age-identity=[age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots]:AGE_IDENTITY:_files' \
'--vault-token-file=[Read the Vault/OpenBao token from this file (default\: VAULT_TOKEN); the server is VAULT_ADDR]:VAULT_TOKEN_FILE:_files' \
'--pkcs11-module=[PKCS#11 module (shared library) for pkcs11 slots]:PKCS11_MODULE:_default' \
'--pkcs11-pin-file=[Read the token PIN from this file (default\: CAIRN_PKCS11_PIN)]:PKCS11_PIN_FILE:_files' \
'--key-command=[Command that unwraps command slots (\`CMD unwrap SLOT_ID\`; docs/KEYS.md)]:KEY_COMMAND:_default' \
'--progress=[Progress of long work on stderr\: a bar when stderr is a terminal (auto), one JSON object per second (json), or none]:PROGRESS:(auto json none)' \
'--wait=[When another process holds the repository lock, retry for this long (e.g. 30s, 10m)]:WAIT:_default' \
'-n[Print what would happen to each slot and change nothing]' \
'--dry-run[Print what would happen to each slot and change nothing]' \
'--json[Print machine-readable JSON on stdout]' \
'-q[No progress bars or notes]' \
'--quiet[No progress bars or notes]' \
'--append-only[Never delete or overwrite anything in the repository (commands that must delete refuse)]' \
'--no-cache[Read remote repositories (s3\:, azblob\:, sftp\:) without the local cache of snapshot objects and index files (\$CAIRN_CACHE_DIR, else the user'\''s cache directory'\''s cairn/)]' \
'*-v[More logging (CAIRN_LOG=debug works too)]' \
'*--verbose[More logging (CAIRN_LOG=debug works too)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(recover)
_arguments "${_arguments_options[@]}" : \
'--restore=[Make this version (an id from the listing) the current config or key slot again]:VERSION:_default' \
'-r+[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--repo=[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--password-file=[Read the passphrase from this file (first line)]:PASSWORD_FILE:_files' \
'--password-command=[Run this shell command and use its first output line as the passphrase]:PASSWORD_COMMAND:_default' \
'--key-file=[Unlock with this key file instead of a passphrase]:KEY_FILE:_files' \
'--slot=[Unlock with this key slot only (an id from \`keys status\`); without it every slot of a fitting kind is tried]:SLOT:_default' \
'--age-identity=[age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots]:AGE_IDENTITY:_files' \
'--vault-token-file=[Read the Vault/OpenBao token from this file (default\: VAULT_TOKEN); the server is VAULT_ADDR]:VAULT_TOKEN_FILE:_files' \
'--pkcs11-module=[PKCS#11 module (shared library) for pkcs11 slots]:PKCS11_MODULE:_default' \
'--pkcs11-pin-file=[Read the token PIN from this file (default\: CAIRN_PKCS11_PIN)]:PKCS11_PIN_FILE:_files' \
'--key-command=[Command that unwraps command slots (\`CMD unwrap SLOT_ID\`; docs/KEYS.md)]:KEY_COMMAND:_default' \
'--progress=[Progress of long work on stderr\: a bar when stderr is a terminal (auto), one JSON object per second (json), or none]:PROGRESS:(auto json none)' \
'--wait=[When another process holds the repository lock, retry for this long (e.g. 30s, 10m)]:WAIT:_default' \
'--json[Print machine-readable JSON on stdout]' \
'-q[No progress bars or notes]' \
'--quiet[No progress bars or notes]' \
'--append-only[Never delete or overwrite anything in the repository (commands that must delete refuse)]' \
'--no-cache[Read remote repositories (s3\:, azblob\:, sftp\:) without the local cache of snapshot objects and index files (\$CAIRN_CACHE_DIR, else the user'\''s cache directory'\''s cairn/)]' \
'*-v[More logging (CAIRN_LOG=debug works too)]' \
'*--verbose[More logging (CAIRN_LOG=debug works too)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_cairn__subcmd__keys__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:cairn-keys-help-command-$line[1]:"
        case $line[1] in
            (status)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(add)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(remove)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(test)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(rewrap)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(rotate-master)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(recover)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
;;
(trust)
_arguments "${_arguments_options[@]}" : \
'-r+[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--repo=[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--password-file=[Read the passphrase from this file (first line)]:PASSWORD_FILE:_files' \
'--password-command=[Run this shell command and use its first output line as the passphrase]:PASSWORD_COMMAND:_default' \
'--key-file=[Unlock with this key file instead of a passphrase]:KEY_FILE:_files' \
'--slot=[Unlock with this key slot only (an id from \`keys status\`); without it every slot of a fitting kind is tried]:SLOT:_default' \
'--age-identity=[age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots]:AGE_IDENTITY:_files' \
'--vault-token-file=[Read the Vault/OpenBao token from this file (default\: VAULT_TOKEN); the server is VAULT_ADDR]:VAULT_TOKEN_FILE:_files' \
'--pkcs11-module=[PKCS#11 module (shared library) for pkcs11 slots]:PKCS11_MODULE:_default' \
'--pkcs11-pin-file=[Read the token PIN from this file (default\: CAIRN_PKCS11_PIN)]:PKCS11_PIN_FILE:_files' \
'--key-command=[Command that unwraps command slots (\`CMD unwrap SLOT_ID\`; docs/KEYS.md)]:KEY_COMMAND:_default' \
'--progress=[Progress of long work on stderr\: a bar when stderr is a terminal (auto), one JSON object per second (json), or none]:PROGRESS:(auto json none)' \
'--wait=[When another process holds the repository lock, retry for this long (e.g. 30s, 10m)]:WAIT:_default' \
'--reset[Unlock the repository and pin it as it is now, replacing the earlier pin (kept in the pin'\''s history)]' \
'--json[Print machine-readable JSON on stdout]' \
'-q[No progress bars or notes]' \
'--quiet[No progress bars or notes]' \
'--append-only[Never delete or overwrite anything in the repository (commands that must delete refuse)]' \
'--no-cache[Read remote repositories (s3\:, azblob\:, sftp\:) without the local cache of snapshot objects and index files (\$CAIRN_CACHE_DIR, else the user'\''s cache directory'\''s cairn/)]' \
'*-v[More logging (CAIRN_LOG=debug works too)]' \
'*--verbose[More logging (CAIRN_LOG=debug works too)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(backup)
_arguments "${_arguments_options[@]}" : \
'--stdin-from-command=[Run COMMAND with \`sh -c\` and back up its output as one file, e.g. '\''pg_dump -Fc mydb'\''; a non-zero exit fails the backup and stores no snapshot]:COMMAND:_default' \
'--stdin-filename=[The file name a stream is stored under]:NAME:_default' \
'*--tag=[Tag the snapshot (repeatable)]:TAGS:_default' \
'--host=[Host name to record (default\: this machine'\''s)]:HOST:_default' \
'*-e+[Exclude paths matching this glob (repeatable). Without \`/\` it matches a name at any depth]:EXCLUDES:_default' \
'*--exclude=[Exclude paths matching this glob (repeatable). Without \`/\` it matches a name at any depth]:EXCLUDES:_default' \
'*--exclude-file=[Read exclude patterns from a file, one per line]:EXCLUDE_FILES:_files' \
'--now=[Snapshot time (RFC 3339) instead of the clock, for reproducible snapshots]:NOW:_default' \
'--uploads=[Packs uploaded at once (default\: 4 to S3, 2 to a folder); each holds one pack (16 MiB) of memory]:UPLOADS:_default' \
'--workers=[Worker threads (default\: the number of cores)]:WORKERS:_default' \
'-r+[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--repo=[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--password-file=[Read the passphrase from this file (first line)]:PASSWORD_FILE:_files' \
'--password-command=[Run this shell command and use its first output line as the passphrase]:PASSWORD_COMMAND:_default' \
'--key-file=[Unlock with this key file instead of a passphrase]:KEY_FILE:_files' \
'--slot=[Unlock with this key slot only (an id from \`keys status\`); without it every slot of a fitting kind is tried]:SLOT:_default' \
'--age-identity=[age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots]:AGE_IDENTITY:_files' \
'--vault-token-file=[Read the Vault/OpenBao token from this file (default\: VAULT_TOKEN); the server is VAULT_ADDR]:VAULT_TOKEN_FILE:_files' \
'--pkcs11-module=[PKCS#11 module (shared library) for pkcs11 slots]:PKCS11_MODULE:_default' \
'--pkcs11-pin-file=[Read the token PIN from this file (default\: CAIRN_PKCS11_PIN)]:PKCS11_PIN_FILE:_files' \
'--key-command=[Command that unwraps command slots (\`CMD unwrap SLOT_ID\`; docs/KEYS.md)]:KEY_COMMAND:_default' \
'--progress=[Progress of long work on stderr\: a bar when stderr is a terminal (auto), one JSON object per second (json), or none]:PROGRESS:(auto json none)' \
'--wait=[When another process holds the repository lock, retry for this long (e.g. 30s, 10m)]:WAIT:_default' \
'(--stdin-from-command)--stdin[Back up what arrives on stdin as one file (named by --stdin-filename)]' \
'-x[Stay on the filesystem of each source path]' \
'--one-file-system[Stay on the filesystem of each source path]' \
'--force[Read every file even if unchanged since the parent snapshot]' \
'--json[Print machine-readable JSON on stdout]' \
'-q[No progress bars or notes]' \
'--quiet[No progress bars or notes]' \
'--append-only[Never delete or overwrite anything in the repository (commands that must delete refuse)]' \
'--no-cache[Read remote repositories (s3\:, azblob\:, sftp\:) without the local cache of snapshot objects and index files (\$CAIRN_CACHE_DIR, else the user'\''s cache directory'\''s cairn/)]' \
'*-v[More logging (CAIRN_LOG=debug works too)]' \
'*--verbose[More logging (CAIRN_LOG=debug works too)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
'*::paths -- Files and directories to back up:_files' \
&& ret=0
;;
(list)
_arguments "${_arguments_options[@]}" : \
'*--tag=[Only snapshots with this tag (repeatable\: all must match)]:TAGS:_default' \
'--host=[Only snapshots from this host]:HOST:_default' \
'-r+[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--repo=[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--password-file=[Read the passphrase from this file (first line)]:PASSWORD_FILE:_files' \
'--password-command=[Run this shell command and use its first output line as the passphrase]:PASSWORD_COMMAND:_default' \
'--key-file=[Unlock with this key file instead of a passphrase]:KEY_FILE:_files' \
'--slot=[Unlock with this key slot only (an id from \`keys status\`); without it every slot of a fitting kind is tried]:SLOT:_default' \
'--age-identity=[age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots]:AGE_IDENTITY:_files' \
'--vault-token-file=[Read the Vault/OpenBao token from this file (default\: VAULT_TOKEN); the server is VAULT_ADDR]:VAULT_TOKEN_FILE:_files' \
'--pkcs11-module=[PKCS#11 module (shared library) for pkcs11 slots]:PKCS11_MODULE:_default' \
'--pkcs11-pin-file=[Read the token PIN from this file (default\: CAIRN_PKCS11_PIN)]:PKCS11_PIN_FILE:_files' \
'--key-command=[Command that unwraps command slots (\`CMD unwrap SLOT_ID\`; docs/KEYS.md)]:KEY_COMMAND:_default' \
'--progress=[Progress of long work on stderr\: a bar when stderr is a terminal (auto), one JSON object per second (json), or none]:PROGRESS:(auto json none)' \
'--wait=[When another process holds the repository lock, retry for this long (e.g. 30s, 10m)]:WAIT:_default' \
'--json[Print machine-readable JSON on stdout]' \
'-q[No progress bars or notes]' \
'--quiet[No progress bars or notes]' \
'--append-only[Never delete or overwrite anything in the repository (commands that must delete refuse)]' \
'--no-cache[Read remote repositories (s3\:, azblob\:, sftp\:) without the local cache of snapshot objects and index files (\$CAIRN_CACHE_DIR, else the user'\''s cache directory'\''s cairn/)]' \
'*-v[More logging (CAIRN_LOG=debug works too)]' \
'*--verbose[More logging (CAIRN_LOG=debug works too)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(manifest)
_arguments "${_arguments_options[@]}" : \
'--format=[Output format]:FORMAT:((sha256sum\:"\`sha256sum -c\` input, paths relative to the backed-up root"
json\:"One JSON document"))' \
'-r+[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--repo=[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--password-file=[Read the passphrase from this file (first line)]:PASSWORD_FILE:_files' \
'--password-command=[Run this shell command and use its first output line as the passphrase]:PASSWORD_COMMAND:_default' \
'--key-file=[Unlock with this key file instead of a passphrase]:KEY_FILE:_files' \
'--slot=[Unlock with this key slot only (an id from \`keys status\`); without it every slot of a fitting kind is tried]:SLOT:_default' \
'--age-identity=[age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots]:AGE_IDENTITY:_files' \
'--vault-token-file=[Read the Vault/OpenBao token from this file (default\: VAULT_TOKEN); the server is VAULT_ADDR]:VAULT_TOKEN_FILE:_files' \
'--pkcs11-module=[PKCS#11 module (shared library) for pkcs11 slots]:PKCS11_MODULE:_default' \
'--pkcs11-pin-file=[Read the token PIN from this file (default\: CAIRN_PKCS11_PIN)]:PKCS11_PIN_FILE:_files' \
'--key-command=[Command that unwraps command slots (\`CMD unwrap SLOT_ID\`; docs/KEYS.md)]:KEY_COMMAND:_default' \
'--progress=[Progress of long work on stderr\: a bar when stderr is a terminal (auto), one JSON object per second (json), or none]:PROGRESS:(auto json none)' \
'--wait=[When another process holds the repository lock, retry for this long (e.g. 30s, 10m)]:WAIT:_default' \
'--json[Print machine-readable JSON on stdout]' \
'-q[No progress bars or notes]' \
'--quiet[No progress bars or notes]' \
'--append-only[Never delete or overwrite anything in the repository (commands that must delete refuse)]' \
'--no-cache[Read remote repositories (s3\:, azblob\:, sftp\:) without the local cache of snapshot objects and index files (\$CAIRN_CACHE_DIR, else the user'\''s cache directory'\''s cairn/)]' \
'*-v[More logging (CAIRN_LOG=debug works too)]' \
'*--verbose[More logging (CAIRN_LOG=debug works too)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
':snapshot -- A snapshot id, a unique prefix, or `latest`:_default' \
&& ret=0
;;
(ls)
_arguments "${_arguments_options[@]}" : \
'-r+[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--repo=[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--password-file=[Read the passphrase from this file (first line)]:PASSWORD_FILE:_files' \
'--password-command=[Run this shell command and use its first output line as the passphrase]:PASSWORD_COMMAND:_default' \
'--key-file=[Unlock with this key file instead of a passphrase]:KEY_FILE:_files' \
'--slot=[Unlock with this key slot only (an id from \`keys status\`); without it every slot of a fitting kind is tried]:SLOT:_default' \
'--age-identity=[age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots]:AGE_IDENTITY:_files' \
'--vault-token-file=[Read the Vault/OpenBao token from this file (default\: VAULT_TOKEN); the server is VAULT_ADDR]:VAULT_TOKEN_FILE:_files' \
'--pkcs11-module=[PKCS#11 module (shared library) for pkcs11 slots]:PKCS11_MODULE:_default' \
'--pkcs11-pin-file=[Read the token PIN from this file (default\: CAIRN_PKCS11_PIN)]:PKCS11_PIN_FILE:_files' \
'--key-command=[Command that unwraps command slots (\`CMD unwrap SLOT_ID\`; docs/KEYS.md)]:KEY_COMMAND:_default' \
'--progress=[Progress of long work on stderr\: a bar when stderr is a terminal (auto), one JSON object per second (json), or none]:PROGRESS:(auto json none)' \
'--wait=[When another process holds the repository lock, retry for this long (e.g. 30s, 10m)]:WAIT:_default' \
'-l[Also show mode, owner, mtime and SHA-256]' \
'--long[Also show mode, owner, mtime and SHA-256]' \
'-R[Everything below the directory, not only its entries]' \
'--recursive[Everything below the directory, not only its entries]' \
'--json[Print machine-readable JSON on stdout]' \
'-q[No progress bars or notes]' \
'--quiet[No progress bars or notes]' \
'--append-only[Never delete or overwrite anything in the repository (commands that must delete refuse)]' \
'--no-cache[Read remote repositories (s3\:, azblob\:, sftp\:) without the local cache of snapshot objects and index files (\$CAIRN_CACHE_DIR, else the user'\''s cache directory'\''s cairn/)]' \
'*-v[More logging (CAIRN_LOG=debug works too)]' \
'*--verbose[More logging (CAIRN_LOG=debug works too)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
':snapshot -- A snapshot id, a unique prefix, or `latest`:_default' \
'::path -- A directory (or file) in the snapshot, from its root; default\: the root:_default' \
&& ret=0
;;
(cat)
_arguments "${_arguments_options[@]}" : \
'-r+[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--repo=[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--password-file=[Read the passphrase from this file (first line)]:PASSWORD_FILE:_files' \
'--password-command=[Run this shell command and use its first output line as the passphrase]:PASSWORD_COMMAND:_default' \
'--key-file=[Unlock with this key file instead of a passphrase]:KEY_FILE:_files' \
'--slot=[Unlock with this key slot only (an id from \`keys status\`); without it every slot of a fitting kind is tried]:SLOT:_default' \
'--age-identity=[age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots]:AGE_IDENTITY:_files' \
'--vault-token-file=[Read the Vault/OpenBao token from this file (default\: VAULT_TOKEN); the server is VAULT_ADDR]:VAULT_TOKEN_FILE:_files' \
'--pkcs11-module=[PKCS#11 module (shared library) for pkcs11 slots]:PKCS11_MODULE:_default' \
'--pkcs11-pin-file=[Read the token PIN from this file (default\: CAIRN_PKCS11_PIN)]:PKCS11_PIN_FILE:_files' \
'--key-command=[Command that unwraps command slots (\`CMD unwrap SLOT_ID\`; docs/KEYS.md)]:KEY_COMMAND:_default' \
'--progress=[Progress of long work on stderr\: a bar when stderr is a terminal (auto), one JSON object per second (json), or none]:PROGRESS:(auto json none)' \
'--wait=[When another process holds the repository lock, retry for this long (e.g. 30s, 10m)]:WAIT:_default' \
'--json[Print machine-readable JSON on stdout]' \
'-q[No progress bars or notes]' \
'--quiet[No progress bars or notes]' \
'--append-only[Never delete or overwrite anything in the repository (commands that must delete refuse)]' \
'--no-cache[Read remote repositories (s3\:, azblob\:, sftp\:) without the local cache of snapshot objects and index files (\$CAIRN_CACHE_DIR, else the user'\''s cache directory'\''s cairn/)]' \
'*-v[More logging (CAIRN_LOG=debug works too)]' \
'*--verbose[More logging (CAIRN_LOG=debug works too)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
':snapshot -- A snapshot id, a unique prefix, or `latest`:_default' \
':path -- The file in the snapshot, from its root:_default' \
&& ret=0
;;
(diff)
_arguments "${_arguments_options[@]}" : \
'-r+[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--repo=[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--password-file=[Read the passphrase from this file (first line)]:PASSWORD_FILE:_files' \
'--password-command=[Run this shell command and use its first output line as the passphrase]:PASSWORD_COMMAND:_default' \
'--key-file=[Unlock with this key file instead of a passphrase]:KEY_FILE:_files' \
'--slot=[Unlock with this key slot only (an id from \`keys status\`); without it every slot of a fitting kind is tried]:SLOT:_default' \
'--age-identity=[age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots]:AGE_IDENTITY:_files' \
'--vault-token-file=[Read the Vault/OpenBao token from this file (default\: VAULT_TOKEN); the server is VAULT_ADDR]:VAULT_TOKEN_FILE:_files' \
'--pkcs11-module=[PKCS#11 module (shared library) for pkcs11 slots]:PKCS11_MODULE:_default' \
'--pkcs11-pin-file=[Read the token PIN from this file (default\: CAIRN_PKCS11_PIN)]:PKCS11_PIN_FILE:_files' \
'--key-command=[Command that unwraps command slots (\`CMD unwrap SLOT_ID\`; docs/KEYS.md)]:KEY_COMMAND:_default' \
'--progress=[Progress of long work on stderr\: a bar when stderr is a terminal (auto), one JSON object per second (json), or none]:PROGRESS:(auto json none)' \
'--wait=[When another process holds the repository lock, retry for this long (e.g. 30s, 10m)]:WAIT:_default' \
'--json[Print machine-readable JSON on stdout]' \
'-q[No progress bars or notes]' \
'--quiet[No progress bars or notes]' \
'--append-only[Never delete or overwrite anything in the repository (commands that must delete refuse)]' \
'--no-cache[Read remote repositories (s3\:, azblob\:, sftp\:) without the local cache of snapshot objects and index files (\$CAIRN_CACHE_DIR, else the user'\''s cache directory'\''s cairn/)]' \
'*-v[More logging (CAIRN_LOG=debug works too)]' \
'*--verbose[More logging (CAIRN_LOG=debug works too)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
':a -- The earlier snapshot\: an id, a unique prefix, or `latest`:_default' \
':b -- The later snapshot:_default' \
'::path -- Only this path in the snapshots (and what is below it):_default' \
&& ret=0
;;
(find)
_arguments "${_arguments_options[@]}" : \
'*-s+[Search only this snapshot (an id, a prefix or \`latest\`; repeatable). Default\: every snapshot]:SNAPSHOTS:_default' \
'*--snapshot=[Search only this snapshot (an id, a prefix or \`latest\`; repeatable). Default\: every snapshot]:SNAPSHOTS:_default' \
'--newer=[Only entries modified after this time (RFC 3339, e.g. 2026-11-27T00\:00\:00Z)]:NEWER:_default' \
'-r+[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--repo=[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--password-file=[Read the passphrase from this file (first line)]:PASSWORD_FILE:_files' \
'--password-command=[Run this shell command and use its first output line as the passphrase]:PASSWORD_COMMAND:_default' \
'--key-file=[Unlock with this key file instead of a passphrase]:KEY_FILE:_files' \
'--slot=[Unlock with this key slot only (an id from \`keys status\`); without it every slot of a fitting kind is tried]:SLOT:_default' \
'--age-identity=[age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots]:AGE_IDENTITY:_files' \
'--vault-token-file=[Read the Vault/OpenBao token from this file (default\: VAULT_TOKEN); the server is VAULT_ADDR]:VAULT_TOKEN_FILE:_files' \
'--pkcs11-module=[PKCS#11 module (shared library) for pkcs11 slots]:PKCS11_MODULE:_default' \
'--pkcs11-pin-file=[Read the token PIN from this file (default\: CAIRN_PKCS11_PIN)]:PKCS11_PIN_FILE:_files' \
'--key-command=[Command that unwraps command slots (\`CMD unwrap SLOT_ID\`; docs/KEYS.md)]:KEY_COMMAND:_default' \
'--progress=[Progress of long work on stderr\: a bar when stderr is a terminal (auto), one JSON object per second (json), or none]:PROGRESS:(auto json none)' \
'--wait=[When another process holds the repository lock, retry for this long (e.g. 30s, 10m)]:WAIT:_default' \
'--json[Print machine-readable JSON on stdout]' \
'-q[No progress bars or notes]' \
'--quiet[No progress bars or notes]' \
'--append-only[Never delete or overwrite anything in the repository (commands that must delete refuse)]' \
'--no-cache[Read remote repositories (s3\:, azblob\:, sftp\:) without the local cache of snapshot objects and index files (\$CAIRN_CACHE_DIR, else the user'\''s cache directory'\''s cairn/)]' \
'*-v[More logging (CAIRN_LOG=debug works too)]' \
'*--verbose[More logging (CAIRN_LOG=debug works too)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
':pattern -- A glob\: without `/` it matches names at any depth (`*.conf`); with `/`, paths from the snapshot root (`etc/**/*.conf`):_default' \
&& ret=0
;;
(mount)
_arguments "${_arguments_options[@]}" : \
'*--tag=[Only snapshots with this tag (repeatable\: all must match)]:TAGS:_default' \
'--host=[Only snapshots from this host]:HOST:_default' \
'--cache-mib=[File content kept in memory for rereads, in MiB]:CACHE_MIB:_default' \
'-r+[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--repo=[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--password-file=[Read the passphrase from this file (first line)]:PASSWORD_FILE:_files' \
'--password-command=[Run this shell command and use its first output line as the passphrase]:PASSWORD_COMMAND:_default' \
'--key-file=[Unlock with this key file instead of a passphrase]:KEY_FILE:_files' \
'--slot=[Unlock with this key slot only (an id from \`keys status\`); without it every slot of a fitting kind is tried]:SLOT:_default' \
'--age-identity=[age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots]:AGE_IDENTITY:_files' \
'--vault-token-file=[Read the Vault/OpenBao token from this file (default\: VAULT_TOKEN); the server is VAULT_ADDR]:VAULT_TOKEN_FILE:_files' \
'--pkcs11-module=[PKCS#11 module (shared library) for pkcs11 slots]:PKCS11_MODULE:_default' \
'--pkcs11-pin-file=[Read the token PIN from this file (default\: CAIRN_PKCS11_PIN)]:PKCS11_PIN_FILE:_files' \
'--key-command=[Command that unwraps command slots (\`CMD unwrap SLOT_ID\`; docs/KEYS.md)]:KEY_COMMAND:_default' \
'--progress=[Progress of long work on stderr\: a bar when stderr is a terminal (auto), one JSON object per second (json), or none]:PROGRESS:(auto json none)' \
'--wait=[When another process holds the repository lock, retry for this long (e.g. 30s, 10m)]:WAIT:_default' \
'--json[Print machine-readable JSON on stdout]' \
'-q[No progress bars or notes]' \
'--quiet[No progress bars or notes]' \
'--append-only[Never delete or overwrite anything in the repository (commands that must delete refuse)]' \
'--no-cache[Read remote repositories (s3\:, azblob\:, sftp\:) without the local cache of snapshot objects and index files (\$CAIRN_CACHE_DIR, else the user'\''s cache directory'\''s cairn/)]' \
'*-v[More logging (CAIRN_LOG=debug works too)]' \
'*--verbose[More logging (CAIRN_LOG=debug works too)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
':mountpoint -- An existing directory to mount on (usually empty; what it holds is hidden while mounted):_files' \
&& ret=0
;;
(copy)
_arguments "${_arguments_options[@]}" : \
'--to=[The destination repository\: a folder or an \`s3\:\` location (it must exist\: \`cairn init\` it first)]:TO:_files' \
'--to-password-file=[Unlock the destination with the passphrase in this file (default\: the same credentials as the source)]:TO_PASSWORD_FILE:_files' \
'--uploads=[Writer threads storing packs beside the work (default\: 0, packs are stored by the thread that fills them); each holds one to three packs (16 MiB each) of memory and hides storage round trips]:UPLOADS:_default' \
'--workers=[Worker threads (default\: the number of cores)]:WORKERS:_default' \
'-r+[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--repo=[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--password-file=[Read the passphrase from this file (first line)]:PASSWORD_FILE:_files' \
'--password-command=[Run this shell command and use its first output line as the passphrase]:PASSWORD_COMMAND:_default' \
'--key-file=[Unlock with this key file instead of a passphrase]:KEY_FILE:_files' \
'--slot=[Unlock with this key slot only (an id from \`keys status\`); without it every slot of a fitting kind is tried]:SLOT:_default' \
'--age-identity=[age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots]:AGE_IDENTITY:_files' \
'--vault-token-file=[Read the Vault/OpenBao token from this file (default\: VAULT_TOKEN); the server is VAULT_ADDR]:VAULT_TOKEN_FILE:_files' \
'--pkcs11-module=[PKCS#11 module (shared library) for pkcs11 slots]:PKCS11_MODULE:_default' \
'--pkcs11-pin-file=[Read the token PIN from this file (default\: CAIRN_PKCS11_PIN)]:PKCS11_PIN_FILE:_files' \
'--key-command=[Command that unwraps command slots (\`CMD unwrap SLOT_ID\`; docs/KEYS.md)]:KEY_COMMAND:_default' \
'--progress=[Progress of long work on stderr\: a bar when stderr is a terminal (auto), one JSON object per second (json), or none]:PROGRESS:(auto json none)' \
'--wait=[When another process holds the repository lock, retry for this long (e.g. 30s, 10m)]:WAIT:_default' \
'--json[Print machine-readable JSON on stdout]' \
'-q[No progress bars or notes]' \
'--quiet[No progress bars or notes]' \
'--append-only[Never delete or overwrite anything in the repository (commands that must delete refuse)]' \
'--no-cache[Read remote repositories (s3\:, azblob\:, sftp\:) without the local cache of snapshot objects and index files (\$CAIRN_CACHE_DIR, else the user'\''s cache directory'\''s cairn/)]' \
'*-v[More logging (CAIRN_LOG=debug works too)]' \
'*--verbose[More logging (CAIRN_LOG=debug works too)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
'*::snapshots -- Snapshots to copy (ids, prefixes or `latest`); default\: every snapshot:_default' \
&& ret=0
;;
(restore)
_arguments "${_arguments_options[@]}" : \
'-t+[Directory to restore into (created if missing)]:TARGET:_files' \
'--target=[Directory to restore into (created if missing)]:TARGET:_files' \
'*-i+[Only restore paths matching this glob, relative to the snapshot root (repeatable)]:INCLUDE:_default' \
'*--include=[Only restore paths matching this glob, relative to the snapshot root (repeatable)]:INCLUDE:_default' \
'*-e+[Do not restore paths matching this glob (repeatable)]:EXCLUDE:_default' \
'*--exclude=[Do not restore paths matching this glob (repeatable)]:EXCLUDE:_default' \
'--overwrite=[What to do with files that already exist in the target]:OVERWRITE:((never\:"Keep existing files"
if-changed\:"Replace files whose content differs"
always\:"Replace every existing file"))' \
'*--tag=[With \`latest\`\: only snapshots with this tag (repeatable)]:TAGS:_default' \
'--host=[With \`latest\`\: only snapshots from this host]:HOST:_default' \
'--workers=[Worker threads (default\: the number of cores)]:WORKERS:_default' \
'-r+[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--repo=[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--password-file=[Read the passphrase from this file (first line)]:PASSWORD_FILE:_files' \
'--password-command=[Run this shell command and use its first output line as the passphrase]:PASSWORD_COMMAND:_default' \
'--key-file=[Unlock with this key file instead of a passphrase]:KEY_FILE:_files' \
'--slot=[Unlock with this key slot only (an id from \`keys status\`); without it every slot of a fitting kind is tried]:SLOT:_default' \
'--age-identity=[age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots]:AGE_IDENTITY:_files' \
'--vault-token-file=[Read the Vault/OpenBao token from this file (default\: VAULT_TOKEN); the server is VAULT_ADDR]:VAULT_TOKEN_FILE:_files' \
'--pkcs11-module=[PKCS#11 module (shared library) for pkcs11 slots]:PKCS11_MODULE:_default' \
'--pkcs11-pin-file=[Read the token PIN from this file (default\: CAIRN_PKCS11_PIN)]:PKCS11_PIN_FILE:_files' \
'--key-command=[Command that unwraps command slots (\`CMD unwrap SLOT_ID\`; docs/KEYS.md)]:KEY_COMMAND:_default' \
'--progress=[Progress of long work on stderr\: a bar when stderr is a terminal (auto), one JSON object per second (json), or none]:PROGRESS:(auto json none)' \
'--wait=[When another process holds the repository lock, retry for this long (e.g. 30s, 10m)]:WAIT:_default' \
'-n[Print the plan and change nothing]' \
'--dry-run[Print the plan and change nothing]' \
'--delete[Remove entries in the target that are not in the snapshot (never outside the target)]' \
'--numeric-owner[Restore owners by numeric id (always so\: snapshots store ids, not names)]' \
'--no-special[Do not create device nodes, and drop setuid/setgid bits (a restore for a user rather than of a system)]' \
'--json[Print machine-readable JSON on stdout]' \
'-q[No progress bars or notes]' \
'--quiet[No progress bars or notes]' \
'--append-only[Never delete or overwrite anything in the repository (commands that must delete refuse)]' \
'--no-cache[Read remote repositories (s3\:, azblob\:, sftp\:) without the local cache of snapshot objects and index files (\$CAIRN_CACHE_DIR, else the user'\''s cache directory'\''s cairn/)]' \
'*-v[More logging (CAIRN_LOG=debug works too)]' \
'*--verbose[More logging (CAIRN_LOG=debug works too)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
':snapshot -- A snapshot id, a unique prefix, or `latest` (narrowed by --tag/--host):_default' \
&& ret=0
;;
(verify)
_arguments "${_arguments_options[@]}" : \
'--read-data-subset=[Read a subset of packs\: \`N%\` (seeded) or \`K/N\` (the K-th of N slices)]:READ_DATA_SUBSET:_default' \
'--seed=[Seed for \`N%\` subsets (default\: random, printed)]:SEED:_default' \
'--workers=[Worker threads (default\: the number of cores)]:WORKERS:_default' \
'-r+[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--repo=[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--password-file=[Read the passphrase from this file (first line)]:PASSWORD_FILE:_files' \
'--password-command=[Run this shell command and use its first output line as the passphrase]:PASSWORD_COMMAND:_default' \
'--key-file=[Unlock with this key file instead of a passphrase]:KEY_FILE:_files' \
'--slot=[Unlock with this key slot only (an id from \`keys status\`); without it every slot of a fitting kind is tried]:SLOT:_default' \
'--age-identity=[age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots]:AGE_IDENTITY:_files' \
'--vault-token-file=[Read the Vault/OpenBao token from this file (default\: VAULT_TOKEN); the server is VAULT_ADDR]:VAULT_TOKEN_FILE:_files' \
'--pkcs11-module=[PKCS#11 module (shared library) for pkcs11 slots]:PKCS11_MODULE:_default' \
'--pkcs11-pin-file=[Read the token PIN from this file (default\: CAIRN_PKCS11_PIN)]:PKCS11_PIN_FILE:_files' \
'--key-command=[Command that unwraps command slots (\`CMD unwrap SLOT_ID\`; docs/KEYS.md)]:KEY_COMMAND:_default' \
'--progress=[Progress of long work on stderr\: a bar when stderr is a terminal (auto), one JSON object per second (json), or none]:PROGRESS:(auto json none)' \
'--wait=[When another process holds the repository lock, retry for this long (e.g. 30s, 10m)]:WAIT:_default' \
'(--read-data-subset)--read-data[Read every pack\: SHA-256, authentication and id of every blob]' \
'--smoke[Also restore the snapshots (default\: latest) into a temporary directory and re-hash every file]' \
'--json[Print machine-readable JSON on stdout]' \
'-q[No progress bars or notes]' \
'--quiet[No progress bars or notes]' \
'--append-only[Never delete or overwrite anything in the repository (commands that must delete refuse)]' \
'--no-cache[Read remote repositories (s3\:, azblob\:, sftp\:) without the local cache of snapshot objects and index files (\$CAIRN_CACHE_DIR, else the user'\''s cache directory'\''s cairn/)]' \
'*-v[More logging (CAIRN_LOG=debug works too)]' \
'*--verbose[More logging (CAIRN_LOG=debug works too)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
'*::snapshots -- Snapshots to check (ids, prefixes or `latest`); default\: all:_default' \
&& ret=0
;;
(export)
_arguments "${_arguments_options[@]}" : \
'--format=[Archive format]:FORMAT:((tar\:"Plain tar"
tar.gz\:"tar compressed with gzip"
tar.zst\:"tar compressed with zstd"))' \
'-r+[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--repo=[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--password-file=[Read the passphrase from this file (first line)]:PASSWORD_FILE:_files' \
'--password-command=[Run this shell command and use its first output line as the passphrase]:PASSWORD_COMMAND:_default' \
'--key-file=[Unlock with this key file instead of a passphrase]:KEY_FILE:_files' \
'--slot=[Unlock with this key slot only (an id from \`keys status\`); without it every slot of a fitting kind is tried]:SLOT:_default' \
'--age-identity=[age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots]:AGE_IDENTITY:_files' \
'--vault-token-file=[Read the Vault/OpenBao token from this file (default\: VAULT_TOKEN); the server is VAULT_ADDR]:VAULT_TOKEN_FILE:_files' \
'--pkcs11-module=[PKCS#11 module (shared library) for pkcs11 slots]:PKCS11_MODULE:_default' \
'--pkcs11-pin-file=[Read the token PIN from this file (default\: CAIRN_PKCS11_PIN)]:PKCS11_PIN_FILE:_files' \
'--key-command=[Command that unwraps command slots (\`CMD unwrap SLOT_ID\`; docs/KEYS.md)]:KEY_COMMAND:_default' \
'--progress=[Progress of long work on stderr\: a bar when stderr is a terminal (auto), one JSON object per second (json), or none]:PROGRESS:(auto json none)' \
'--wait=[When another process holds the repository lock, retry for this long (e.g. 30s, 10m)]:WAIT:_default' \
'--json[Print machine-readable JSON on stdout]' \
'-q[No progress bars or notes]' \
'--quiet[No progress bars or notes]' \
'--append-only[Never delete or overwrite anything in the repository (commands that must delete refuse)]' \
'--no-cache[Read remote repositories (s3\:, azblob\:, sftp\:) without the local cache of snapshot objects and index files (\$CAIRN_CACHE_DIR, else the user'\''s cache directory'\''s cairn/)]' \
'*-v[More logging (CAIRN_LOG=debug works too)]' \
'*--verbose[More logging (CAIRN_LOG=debug works too)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
':snapshot -- A snapshot id, a unique prefix, or `latest`:_default' \
'::path -- Only this path in the snapshot (and what is below it):_default' \
&& ret=0
;;
(prune)
_arguments "${_arguments_options[@]}" : \
'--max-unused=[Repack partly used packs until unused data is at most this percent of used data]:MAX_UNUSED:_default' \
'-r+[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--repo=[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--password-file=[Read the passphrase from this file (first line)]:PASSWORD_FILE:_files' \
'--password-command=[Run this shell command and use its first output line as the passphrase]:PASSWORD_COMMAND:_default' \
'--key-file=[Unlock with this key file instead of a passphrase]:KEY_FILE:_files' \
'--slot=[Unlock with this key slot only (an id from \`keys status\`); without it every slot of a fitting kind is tried]:SLOT:_default' \
'--age-identity=[age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots]:AGE_IDENTITY:_files' \
'--vault-token-file=[Read the Vault/OpenBao token from this file (default\: VAULT_TOKEN); the server is VAULT_ADDR]:VAULT_TOKEN_FILE:_files' \
'--pkcs11-module=[PKCS#11 module (shared library) for pkcs11 slots]:PKCS11_MODULE:_default' \
'--pkcs11-pin-file=[Read the token PIN from this file (default\: CAIRN_PKCS11_PIN)]:PKCS11_PIN_FILE:_files' \
'--key-command=[Command that unwraps command slots (\`CMD unwrap SLOT_ID\`; docs/KEYS.md)]:KEY_COMMAND:_default' \
'--progress=[Progress of long work on stderr\: a bar when stderr is a terminal (auto), one JSON object per second (json), or none]:PROGRESS:(auto json none)' \
'--wait=[When another process holds the repository lock, retry for this long (e.g. 30s, 10m)]:WAIT:_default' \
'-n[Print the plan and change nothing]' \
'--dry-run[Print the plan and change nothing]' \
'--rewrite-old-epochs[Re-encrypt every snapshot sealed under a retired key epoch (after \`keys rotate-master\`), remove the old data, and drop the retired secrets once nothing needs them]' \
'--json[Print machine-readable JSON on stdout]' \
'-q[No progress bars or notes]' \
'--quiet[No progress bars or notes]' \
'--append-only[Never delete or overwrite anything in the repository (commands that must delete refuse)]' \
'--no-cache[Read remote repositories (s3\:, azblob\:, sftp\:) without the local cache of snapshot objects and index files (\$CAIRN_CACHE_DIR, else the user'\''s cache directory'\''s cairn/)]' \
'*-v[More logging (CAIRN_LOG=debug works too)]' \
'*--verbose[More logging (CAIRN_LOG=debug works too)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(forget)
_arguments "${_arguments_options[@]}" : \
'--keep-last=[Keep the N newest snapshots of each group]:KEEP_LAST:_default' \
'--keep-hourly=[Keep the newest snapshot of each of the last N hours that have one]:KEEP_HOURLY:_default' \
'--keep-daily=[Keep the newest snapshot of each of the last N days that have one]:KEEP_DAILY:_default' \
'--keep-weekly=[Keep the newest snapshot of each of the last N ISO weeks that have one]:KEEP_WEEKLY:_default' \
'--keep-monthly=[Keep the newest snapshot of each of the last N months that have one]:KEEP_MONTHLY:_default' \
'--keep-yearly=[Keep the newest snapshot of each of the last N years that have one]:KEEP_YEARLY:_default' \
'--keep-within=[Keep every snapshot newer than this (e.g. 14d, 1y6m; units y m w d h)]:KEEP_WITHIN:_default' \
'--keep-within-hourly=[Keep the newest snapshot of every hour within this span]:KEEP_WITHIN_HOURLY:_default' \
'--keep-within-daily=[Keep the newest snapshot of every day within this span]:KEEP_WITHIN_DAILY:_default' \
'--keep-within-weekly=[Keep the newest snapshot of every ISO week within this span]:KEEP_WITHIN_WEEKLY:_default' \
'--keep-within-monthly=[Keep the newest snapshot of every month within this span]:KEEP_WITHIN_MONTHLY:_default' \
'--keep-within-yearly=[Keep the newest snapshot of every year within this span]:KEEP_WITHIN_YEARLY:_default' \
'*--keep-tag=[Keep snapshots with this tag (repeatable)]:KEEP_TAGS:_default' \
'--group-by=[Group snapshots by these fields\: host,paths,tags,spec or none]:GROUP_BY:_default' \
'--tz=[Time zone for calendar buckets (default\: the system'\''s)]:TZ:_default' \
'--max-unused=[With --prune\: as \`prune --max-unused\`]:MAX_UNUSED:_default' \
'--now=["Now" for the policy (RFC 3339) instead of the clock]:NOW:_default' \
'-r+[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--repo=[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--password-file=[Read the passphrase from this file (first line)]:PASSWORD_FILE:_files' \
'--password-command=[Run this shell command and use its first output line as the passphrase]:PASSWORD_COMMAND:_default' \
'--key-file=[Unlock with this key file instead of a passphrase]:KEY_FILE:_files' \
'--slot=[Unlock with this key slot only (an id from \`keys status\`); without it every slot of a fitting kind is tried]:SLOT:_default' \
'--age-identity=[age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots]:AGE_IDENTITY:_files' \
'--vault-token-file=[Read the Vault/OpenBao token from this file (default\: VAULT_TOKEN); the server is VAULT_ADDR]:VAULT_TOKEN_FILE:_files' \
'--pkcs11-module=[PKCS#11 module (shared library) for pkcs11 slots]:PKCS11_MODULE:_default' \
'--pkcs11-pin-file=[Read the token PIN from this file (default\: CAIRN_PKCS11_PIN)]:PKCS11_PIN_FILE:_files' \
'--key-command=[Command that unwraps command slots (\`CMD unwrap SLOT_ID\`; docs/KEYS.md)]:KEY_COMMAND:_default' \
'--progress=[Progress of long work on stderr\: a bar when stderr is a terminal (auto), one JSON object per second (json), or none]:PROGRESS:(auto json none)' \
'--wait=[When another process holds the repository lock, retry for this long (e.g. 30s, 10m)]:WAIT:_default' \
'--allow-empty[Allow removing every snapshot of a group]' \
'-n[Print the plan and change nothing]' \
'--dry-run[Print the plan and change nothing]' \
'--prune[Prune afterwards (under the same exclusive lock)]' \
'--json[Print machine-readable JSON on stdout]' \
'-q[No progress bars or notes]' \
'--quiet[No progress bars or notes]' \
'--append-only[Never delete or overwrite anything in the repository (commands that must delete refuse)]' \
'--no-cache[Read remote repositories (s3\:, azblob\:, sftp\:) without the local cache of snapshot objects and index files (\$CAIRN_CACHE_DIR, else the user'\''s cache directory'\''s cairn/)]' \
'*-v[More logging (CAIRN_LOG=debug works too)]' \
'*--verbose[More logging (CAIRN_LOG=debug works too)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
'*::snapshots -- Snapshots to forget (ids or prefixes). Without them, the policy flags decide:_default' \
&& ret=0
;;
(protect)
_arguments "${_arguments_options[@]}" : \
'--note=[Why (recorded with the marker)]:NOTE:_default' \
'-r+[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--repo=[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--password-file=[Read the passphrase from this file (first line)]:PASSWORD_FILE:_files' \
'--password-command=[Run this shell command and use its first output line as the passphrase]:PASSWORD_COMMAND:_default' \
'--key-file=[Unlock with this key file instead of a passphrase]:KEY_FILE:_files' \
'--slot=[Unlock with this key slot only (an id from \`keys status\`); without it every slot of a fitting kind is tried]:SLOT:_default' \
'--age-identity=[age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots]:AGE_IDENTITY:_files' \
'--vault-token-file=[Read the Vault/OpenBao token from this file (default\: VAULT_TOKEN); the server is VAULT_ADDR]:VAULT_TOKEN_FILE:_files' \
'--pkcs11-module=[PKCS#11 module (shared library) for pkcs11 slots]:PKCS11_MODULE:_default' \
'--pkcs11-pin-file=[Read the token PIN from this file (default\: CAIRN_PKCS11_PIN)]:PKCS11_PIN_FILE:_files' \
'--key-command=[Command that unwraps command slots (\`CMD unwrap SLOT_ID\`; docs/KEYS.md)]:KEY_COMMAND:_default' \
'--progress=[Progress of long work on stderr\: a bar when stderr is a terminal (auto), one JSON object per second (json), or none]:PROGRESS:(auto json none)' \
'--wait=[When another process holds the repository lock, retry for this long (e.g. 30s, 10m)]:WAIT:_default' \
'--json[Print machine-readable JSON on stdout]' \
'-q[No progress bars or notes]' \
'--quiet[No progress bars or notes]' \
'--append-only[Never delete or overwrite anything in the repository (commands that must delete refuse)]' \
'--no-cache[Read remote repositories (s3\:, azblob\:, sftp\:) without the local cache of snapshot objects and index files (\$CAIRN_CACHE_DIR, else the user'\''s cache directory'\''s cairn/)]' \
'*-v[More logging (CAIRN_LOG=debug works too)]' \
'*--verbose[More logging (CAIRN_LOG=debug works too)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
':snapshot -- A snapshot id, a unique prefix, or `latest`:_default' \
&& ret=0
;;
(unprotect)
_arguments "${_arguments_options[@]}" : \
'-r+[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--repo=[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--password-file=[Read the passphrase from this file (first line)]:PASSWORD_FILE:_files' \
'--password-command=[Run this shell command and use its first output line as the passphrase]:PASSWORD_COMMAND:_default' \
'--key-file=[Unlock with this key file instead of a passphrase]:KEY_FILE:_files' \
'--slot=[Unlock with this key slot only (an id from \`keys status\`); without it every slot of a fitting kind is tried]:SLOT:_default' \
'--age-identity=[age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots]:AGE_IDENTITY:_files' \
'--vault-token-file=[Read the Vault/OpenBao token from this file (default\: VAULT_TOKEN); the server is VAULT_ADDR]:VAULT_TOKEN_FILE:_files' \
'--pkcs11-module=[PKCS#11 module (shared library) for pkcs11 slots]:PKCS11_MODULE:_default' \
'--pkcs11-pin-file=[Read the token PIN from this file (default\: CAIRN_PKCS11_PIN)]:PKCS11_PIN_FILE:_files' \
'--key-command=[Command that unwraps command slots (\`CMD unwrap SLOT_ID\`; docs/KEYS.md)]:KEY_COMMAND:_default' \
'--progress=[Progress of long work on stderr\: a bar when stderr is a terminal (auto), one JSON object per second (json), or none]:PROGRESS:(auto json none)' \
'--wait=[When another process holds the repository lock, retry for this long (e.g. 30s, 10m)]:WAIT:_default' \
'--json[Print machine-readable JSON on stdout]' \
'-q[No progress bars or notes]' \
'--quiet[No progress bars or notes]' \
'--append-only[Never delete or overwrite anything in the repository (commands that must delete refuse)]' \
'--no-cache[Read remote repositories (s3\:, azblob\:, sftp\:) without the local cache of snapshot objects and index files (\$CAIRN_CACHE_DIR, else the user'\''s cache directory'\''s cairn/)]' \
'*-v[More logging (CAIRN_LOG=debug works too)]' \
'*--verbose[More logging (CAIRN_LOG=debug works too)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
':snapshot -- A snapshot id or a unique prefix:_default' \
&& ret=0
;;
(maintenance)
_arguments "${_arguments_options[@]}" : \
'-r+[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--repo=[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--password-file=[Read the passphrase from this file (first line)]:PASSWORD_FILE:_files' \
'--password-command=[Run this shell command and use its first output line as the passphrase]:PASSWORD_COMMAND:_default' \
'--key-file=[Unlock with this key file instead of a passphrase]:KEY_FILE:_files' \
'--slot=[Unlock with this key slot only (an id from \`keys status\`); without it every slot of a fitting kind is tried]:SLOT:_default' \
'--age-identity=[age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots]:AGE_IDENTITY:_files' \
'--vault-token-file=[Read the Vault/OpenBao token from this file (default\: VAULT_TOKEN); the server is VAULT_ADDR]:VAULT_TOKEN_FILE:_files' \
'--pkcs11-module=[PKCS#11 module (shared library) for pkcs11 slots]:PKCS11_MODULE:_default' \
'--pkcs11-pin-file=[Read the token PIN from this file (default\: CAIRN_PKCS11_PIN)]:PKCS11_PIN_FILE:_files' \
'--key-command=[Command that unwraps command slots (\`CMD unwrap SLOT_ID\`; docs/KEYS.md)]:KEY_COMMAND:_default' \
'--progress=[Progress of long work on stderr\: a bar when stderr is a terminal (auto), one JSON object per second (json), or none]:PROGRESS:(auto json none)' \
'--wait=[When another process holds the repository lock, retry for this long (e.g. 30s, 10m)]:WAIT:_default' \
'-n[Show what would be extended and removed; change nothing]' \
'--dry-run[Show what would be extended and removed; change nothing]' \
'--json[Print machine-readable JSON on stdout]' \
'-q[No progress bars or notes]' \
'--quiet[No progress bars or notes]' \
'--append-only[Never delete or overwrite anything in the repository (commands that must delete refuse)]' \
'--no-cache[Read remote repositories (s3\:, azblob\:, sftp\:) without the local cache of snapshot objects and index files (\$CAIRN_CACHE_DIR, else the user'\''s cache directory'\''s cairn/)]' \
'*-v[More logging (CAIRN_LOG=debug works too)]' \
'*--verbose[More logging (CAIRN_LOG=debug works too)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(unlock)
_arguments "${_arguments_options[@]}" : \
'-r+[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--repo=[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--password-file=[Read the passphrase from this file (first line)]:PASSWORD_FILE:_files' \
'--password-command=[Run this shell command and use its first output line as the passphrase]:PASSWORD_COMMAND:_default' \
'--key-file=[Unlock with this key file instead of a passphrase]:KEY_FILE:_files' \
'--slot=[Unlock with this key slot only (an id from \`keys status\`); without it every slot of a fitting kind is tried]:SLOT:_default' \
'--age-identity=[age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots]:AGE_IDENTITY:_files' \
'--vault-token-file=[Read the Vault/OpenBao token from this file (default\: VAULT_TOKEN); the server is VAULT_ADDR]:VAULT_TOKEN_FILE:_files' \
'--pkcs11-module=[PKCS#11 module (shared library) for pkcs11 slots]:PKCS11_MODULE:_default' \
'--pkcs11-pin-file=[Read the token PIN from this file (default\: CAIRN_PKCS11_PIN)]:PKCS11_PIN_FILE:_files' \
'--key-command=[Command that unwraps command slots (\`CMD unwrap SLOT_ID\`; docs/KEYS.md)]:KEY_COMMAND:_default' \
'--progress=[Progress of long work on stderr\: a bar when stderr is a terminal (auto), one JSON object per second (json), or none]:PROGRESS:(auto json none)' \
'--wait=[When another process holds the repository lock, retry for this long (e.g. 30s, 10m)]:WAIT:_default' \
'--force[Remove live locks too\: only when their holders are known dead (their machine is gone), since a running prune or backup loses its lock]' \
'--json[Print machine-readable JSON on stdout]' \
'-q[No progress bars or notes]' \
'--quiet[No progress bars or notes]' \
'--append-only[Never delete or overwrite anything in the repository (commands that must delete refuse)]' \
'--no-cache[Read remote repositories (s3\:, azblob\:, sftp\:) without the local cache of snapshot objects and index files (\$CAIRN_CACHE_DIR, else the user'\''s cache directory'\''s cairn/)]' \
'*-v[More logging (CAIRN_LOG=debug works too)]' \
'*--verbose[More logging (CAIRN_LOG=debug works too)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(upgrade)
_arguments "${_arguments_options[@]}" : \
'-r+[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--repo=[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--password-file=[Read the passphrase from this file (first line)]:PASSWORD_FILE:_files' \
'--password-command=[Run this shell command and use its first output line as the passphrase]:PASSWORD_COMMAND:_default' \
'--key-file=[Unlock with this key file instead of a passphrase]:KEY_FILE:_files' \
'--slot=[Unlock with this key slot only (an id from \`keys status\`); without it every slot of a fitting kind is tried]:SLOT:_default' \
'--age-identity=[age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots]:AGE_IDENTITY:_files' \
'--vault-token-file=[Read the Vault/OpenBao token from this file (default\: VAULT_TOKEN); the server is VAULT_ADDR]:VAULT_TOKEN_FILE:_files' \
'--pkcs11-module=[PKCS#11 module (shared library) for pkcs11 slots]:PKCS11_MODULE:_default' \
'--pkcs11-pin-file=[Read the token PIN from this file (default\: CAIRN_PKCS11_PIN)]:PKCS11_PIN_FILE:_files' \
'--key-command=[Command that unwraps command slots (\`CMD unwrap SLOT_ID\`; docs/KEYS.md)]:KEY_COMMAND:_default' \
'--progress=[Progress of long work on stderr\: a bar when stderr is a terminal (auto), one JSON object per second (json), or none]:PROGRESS:(auto json none)' \
'--wait=[When another process holds the repository lock, retry for this long (e.g. 30s, 10m)]:WAIT:_default' \
'-n[Show the versions; change nothing]' \
'--dry-run[Show the versions; change nothing]' \
'--json[Print machine-readable JSON on stdout]' \
'-q[No progress bars or notes]' \
'--quiet[No progress bars or notes]' \
'--append-only[Never delete or overwrite anything in the repository (commands that must delete refuse)]' \
'--no-cache[Read remote repositories (s3\:, azblob\:, sftp\:) without the local cache of snapshot objects and index files (\$CAIRN_CACHE_DIR, else the user'\''s cache directory'\''s cairn/)]' \
'*-v[More logging (CAIRN_LOG=debug works too)]' \
'*--verbose[More logging (CAIRN_LOG=debug works too)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(plan)
_arguments "${_arguments_options[@]}" : \
'--config=[]:CONFIG:_files' \
'-r+[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--repo=[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--password-file=[Read the passphrase from this file (first line)]:PASSWORD_FILE:_files' \
'--password-command=[Run this shell command and use its first output line as the passphrase]:PASSWORD_COMMAND:_default' \
'--key-file=[Unlock with this key file instead of a passphrase]:KEY_FILE:_files' \
'--slot=[Unlock with this key slot only (an id from \`keys status\`); without it every slot of a fitting kind is tried]:SLOT:_default' \
'--age-identity=[age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots]:AGE_IDENTITY:_files' \
'--vault-token-file=[Read the Vault/OpenBao token from this file (default\: VAULT_TOKEN); the server is VAULT_ADDR]:VAULT_TOKEN_FILE:_files' \
'--pkcs11-module=[PKCS#11 module (shared library) for pkcs11 slots]:PKCS11_MODULE:_default' \
'--pkcs11-pin-file=[Read the token PIN from this file (default\: CAIRN_PKCS11_PIN)]:PKCS11_PIN_FILE:_files' \
'--key-command=[Command that unwraps command slots (\`CMD unwrap SLOT_ID\`; docs/KEYS.md)]:KEY_COMMAND:_default' \
'--progress=[Progress of long work on stderr\: a bar when stderr is a terminal (auto), one JSON object per second (json), or none]:PROGRESS:(auto json none)' \
'--wait=[When another process holds the repository lock, retry for this long (e.g. 30s, 10m)]:WAIT:_default' \
'--json[Print machine-readable JSON on stdout]' \
'-q[No progress bars or notes]' \
'--quiet[No progress bars or notes]' \
'--append-only[Never delete or overwrite anything in the repository (commands that must delete refuse)]' \
'--no-cache[Read remote repositories (s3\:, azblob\:, sftp\:) without the local cache of snapshot objects and index files (\$CAIRN_CACHE_DIR, else the user'\''s cache directory'\''s cairn/)]' \
'*-v[More logging (CAIRN_LOG=debug works too)]' \
'*--verbose[More logging (CAIRN_LOG=debug works too)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
':spec -- The spec'\''s name in the server config:_default' \
&& ret=0
;;
(serve)
_arguments "${_arguments_options[@]}" : \
'--config=[Server config (TOML). Default\: /etc/cairn/cairn.toml, else ~/.config/cairn/cairn.toml]:CONFIG:_files' \
'--grace=[Seconds to let running jobs finish on shutdown]:GRACE:_default' \
'--jitter=[Random delay before each scheduled run, up to this long (e.g. 30s; 0s for none)]:JITTER:_default' \
'--log-format=[Log lines as text, or as one JSON object per line for log shippers]:LOG_FORMAT:((text\:"\`TIME LEVEL message key=value ...\`"
json\:"\`{"timestamp", "level", "fields"\: {"message", ...}}\`"))' \
'-r+[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--repo=[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--password-file=[Read the passphrase from this file (first line)]:PASSWORD_FILE:_files' \
'--password-command=[Run this shell command and use its first output line as the passphrase]:PASSWORD_COMMAND:_default' \
'--key-file=[Unlock with this key file instead of a passphrase]:KEY_FILE:_files' \
'--slot=[Unlock with this key slot only (an id from \`keys status\`); without it every slot of a fitting kind is tried]:SLOT:_default' \
'--age-identity=[age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots]:AGE_IDENTITY:_files' \
'--vault-token-file=[Read the Vault/OpenBao token from this file (default\: VAULT_TOKEN); the server is VAULT_ADDR]:VAULT_TOKEN_FILE:_files' \
'--pkcs11-module=[PKCS#11 module (shared library) for pkcs11 slots]:PKCS11_MODULE:_default' \
'--pkcs11-pin-file=[Read the token PIN from this file (default\: CAIRN_PKCS11_PIN)]:PKCS11_PIN_FILE:_files' \
'--key-command=[Command that unwraps command slots (\`CMD unwrap SLOT_ID\`; docs/KEYS.md)]:KEY_COMMAND:_default' \
'--progress=[Progress of long work on stderr\: a bar when stderr is a terminal (auto), one JSON object per second (json), or none]:PROGRESS:(auto json none)' \
'--wait=[When another process holds the repository lock, retry for this long (e.g. 30s, 10m)]:WAIT:_default' \
'--json[Print machine-readable JSON on stdout]' \
'-q[No progress bars or notes]' \
'--quiet[No progress bars or notes]' \
'--append-only[Never delete or overwrite anything in the repository (commands that must delete refuse)]' \
'--no-cache[Read remote repositories (s3\:, azblob\:, sftp\:) without the local cache of snapshot objects and index files (\$CAIRN_CACHE_DIR, else the user'\''s cache directory'\''s cairn/)]' \
'*-v[More logging (CAIRN_LOG=debug works too)]' \
'*--verbose[More logging (CAIRN_LOG=debug works too)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(token)
_arguments "${_arguments_options[@]}" : \
'-r+[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--repo=[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--password-file=[Read the passphrase from this file (first line)]:PASSWORD_FILE:_files' \
'--password-command=[Run this shell command and use its first output line as the passphrase]:PASSWORD_COMMAND:_default' \
'--key-file=[Unlock with this key file instead of a passphrase]:KEY_FILE:_files' \
'--slot=[Unlock with this key slot only (an id from \`keys status\`); without it every slot of a fitting kind is tried]:SLOT:_default' \
'--age-identity=[age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots]:AGE_IDENTITY:_files' \
'--vault-token-file=[Read the Vault/OpenBao token from this file (default\: VAULT_TOKEN); the server is VAULT_ADDR]:VAULT_TOKEN_FILE:_files' \
'--pkcs11-module=[PKCS#11 module (shared library) for pkcs11 slots]:PKCS11_MODULE:_default' \
'--pkcs11-pin-file=[Read the token PIN from this file (default\: CAIRN_PKCS11_PIN)]:PKCS11_PIN_FILE:_files' \
'--key-command=[Command that unwraps command slots (\`CMD unwrap SLOT_ID\`; docs/KEYS.md)]:KEY_COMMAND:_default' \
'--progress=[Progress of long work on stderr\: a bar when stderr is a terminal (auto), one JSON object per second (json), or none]:PROGRESS:(auto json none)' \
'--wait=[When another process holds the repository lock, retry for this long (e.g. 30s, 10m)]:WAIT:_default' \
'--json[Print machine-readable JSON on stdout]' \
'-q[No progress bars or notes]' \
'--quiet[No progress bars or notes]' \
'--append-only[Never delete or overwrite anything in the repository (commands that must delete refuse)]' \
'--no-cache[Read remote repositories (s3\:, azblob\:, sftp\:) without the local cache of snapshot objects and index files (\$CAIRN_CACHE_DIR, else the user'\''s cache directory'\''s cairn/)]' \
'*-v[More logging (CAIRN_LOG=debug works too)]' \
'*--verbose[More logging (CAIRN_LOG=debug works too)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
":: :_cairn__subcmd__token_commands" \
"*::: :->token" \
&& ret=0

    case $state in
    (token)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:cairn-token-command-$line[1]:"
        case $line[1] in
            (create)
_arguments "${_arguments_options[@]}" : \
'--config=[]:CONFIG:_files' \
'--role=[admin, service or analyst]:ROLE:_default' \
'--name=[Who or what it is for]:NAME:_default' \
'-r+[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--repo=[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--password-file=[Read the passphrase from this file (first line)]:PASSWORD_FILE:_files' \
'--password-command=[Run this shell command and use its first output line as the passphrase]:PASSWORD_COMMAND:_default' \
'--key-file=[Unlock with this key file instead of a passphrase]:KEY_FILE:_files' \
'--slot=[Unlock with this key slot only (an id from \`keys status\`); without it every slot of a fitting kind is tried]:SLOT:_default' \
'--age-identity=[age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots]:AGE_IDENTITY:_files' \
'--vault-token-file=[Read the Vault/OpenBao token from this file (default\: VAULT_TOKEN); the server is VAULT_ADDR]:VAULT_TOKEN_FILE:_files' \
'--pkcs11-module=[PKCS#11 module (shared library) for pkcs11 slots]:PKCS11_MODULE:_default' \
'--pkcs11-pin-file=[Read the token PIN from this file (default\: CAIRN_PKCS11_PIN)]:PKCS11_PIN_FILE:_files' \
'--key-command=[Command that unwraps command slots (\`CMD unwrap SLOT_ID\`; docs/KEYS.md)]:KEY_COMMAND:_default' \
'--progress=[Progress of long work on stderr\: a bar when stderr is a terminal (auto), one JSON object per second (json), or none]:PROGRESS:(auto json none)' \
'--wait=[When another process holds the repository lock, retry for this long (e.g. 30s, 10m)]:WAIT:_default' \
'--json[Print machine-readable JSON on stdout]' \
'-q[No progress bars or notes]' \
'--quiet[No progress bars or notes]' \
'--append-only[Never delete or overwrite anything in the repository (commands that must delete refuse)]' \
'--no-cache[Read remote repositories (s3\:, azblob\:, sftp\:) without the local cache of snapshot objects and index files (\$CAIRN_CACHE_DIR, else the user'\''s cache directory'\''s cairn/)]' \
'*-v[More logging (CAIRN_LOG=debug works too)]' \
'*--verbose[More logging (CAIRN_LOG=debug works too)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(revoke)
_arguments "${_arguments_options[@]}" : \
'--config=[]:CONFIG:_files' \
'-r+[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--repo=[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--password-file=[Read the passphrase from this file (first line)]:PASSWORD_FILE:_files' \
'--password-command=[Run this shell command and use its first output line as the passphrase]:PASSWORD_COMMAND:_default' \
'--key-file=[Unlock with this key file instead of a passphrase]:KEY_FILE:_files' \
'--slot=[Unlock with this key slot only (an id from \`keys status\`); without it every slot of a fitting kind is tried]:SLOT:_default' \
'--age-identity=[age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots]:AGE_IDENTITY:_files' \
'--vault-token-file=[Read the Vault/OpenBao token from this file (default\: VAULT_TOKEN); the server is VAULT_ADDR]:VAULT_TOKEN_FILE:_files' \
'--pkcs11-module=[PKCS#11 module (shared library) for pkcs11 slots]:PKCS11_MODULE:_default' \
'--pkcs11-pin-file=[Read the token PIN from this file (default\: CAIRN_PKCS11_PIN)]:PKCS11_PIN_FILE:_files' \
'--key-command=[Command that unwraps command slots (\`CMD unwrap SLOT_ID\`; docs/KEYS.md)]:KEY_COMMAND:_default' \
'--progress=[Progress of long work on stderr\: a bar when stderr is a terminal (auto), one JSON object per second (json), or none]:PROGRESS:(auto json none)' \
'--wait=[When another process holds the repository lock, retry for this long (e.g. 30s, 10m)]:WAIT:_default' \
'--json[Print machine-readable JSON on stdout]' \
'-q[No progress bars or notes]' \
'--quiet[No progress bars or notes]' \
'--append-only[Never delete or overwrite anything in the repository (commands that must delete refuse)]' \
'--no-cache[Read remote repositories (s3\:, azblob\:, sftp\:) without the local cache of snapshot objects and index files (\$CAIRN_CACHE_DIR, else the user'\''s cache directory'\''s cairn/)]' \
'*-v[More logging (CAIRN_LOG=debug works too)]' \
'*--verbose[More logging (CAIRN_LOG=debug works too)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
':name -- Name or id:_default' \
&& ret=0
;;
(list)
_arguments "${_arguments_options[@]}" : \
'--config=[]:CONFIG:_files' \
'-r+[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--repo=[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--password-file=[Read the passphrase from this file (first line)]:PASSWORD_FILE:_files' \
'--password-command=[Run this shell command and use its first output line as the passphrase]:PASSWORD_COMMAND:_default' \
'--key-file=[Unlock with this key file instead of a passphrase]:KEY_FILE:_files' \
'--slot=[Unlock with this key slot only (an id from \`keys status\`); without it every slot of a fitting kind is tried]:SLOT:_default' \
'--age-identity=[age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots]:AGE_IDENTITY:_files' \
'--vault-token-file=[Read the Vault/OpenBao token from this file (default\: VAULT_TOKEN); the server is VAULT_ADDR]:VAULT_TOKEN_FILE:_files' \
'--pkcs11-module=[PKCS#11 module (shared library) for pkcs11 slots]:PKCS11_MODULE:_default' \
'--pkcs11-pin-file=[Read the token PIN from this file (default\: CAIRN_PKCS11_PIN)]:PKCS11_PIN_FILE:_files' \
'--key-command=[Command that unwraps command slots (\`CMD unwrap SLOT_ID\`; docs/KEYS.md)]:KEY_COMMAND:_default' \
'--progress=[Progress of long work on stderr\: a bar when stderr is a terminal (auto), one JSON object per second (json), or none]:PROGRESS:(auto json none)' \
'--wait=[When another process holds the repository lock, retry for this long (e.g. 30s, 10m)]:WAIT:_default' \
'--json[Print machine-readable JSON on stdout]' \
'-q[No progress bars or notes]' \
'--quiet[No progress bars or notes]' \
'--append-only[Never delete or overwrite anything in the repository (commands that must delete refuse)]' \
'--no-cache[Read remote repositories (s3\:, azblob\:, sftp\:) without the local cache of snapshot objects and index files (\$CAIRN_CACHE_DIR, else the user'\''s cache directory'\''s cairn/)]' \
'*-v[More logging (CAIRN_LOG=debug works too)]' \
'*--verbose[More logging (CAIRN_LOG=debug works too)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_cairn__subcmd__token__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:cairn-token-help-command-$line[1]:"
        case $line[1] in
            (create)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(revoke)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(list)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
;;
(audit)
_arguments "${_arguments_options[@]}" : \
'-r+[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--repo=[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--password-file=[Read the passphrase from this file (first line)]:PASSWORD_FILE:_files' \
'--password-command=[Run this shell command and use its first output line as the passphrase]:PASSWORD_COMMAND:_default' \
'--key-file=[Unlock with this key file instead of a passphrase]:KEY_FILE:_files' \
'--slot=[Unlock with this key slot only (an id from \`keys status\`); without it every slot of a fitting kind is tried]:SLOT:_default' \
'--age-identity=[age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots]:AGE_IDENTITY:_files' \
'--vault-token-file=[Read the Vault/OpenBao token from this file (default\: VAULT_TOKEN); the server is VAULT_ADDR]:VAULT_TOKEN_FILE:_files' \
'--pkcs11-module=[PKCS#11 module (shared library) for pkcs11 slots]:PKCS11_MODULE:_default' \
'--pkcs11-pin-file=[Read the token PIN from this file (default\: CAIRN_PKCS11_PIN)]:PKCS11_PIN_FILE:_files' \
'--key-command=[Command that unwraps command slots (\`CMD unwrap SLOT_ID\`; docs/KEYS.md)]:KEY_COMMAND:_default' \
'--progress=[Progress of long work on stderr\: a bar when stderr is a terminal (auto), one JSON object per second (json), or none]:PROGRESS:(auto json none)' \
'--wait=[When another process holds the repository lock, retry for this long (e.g. 30s, 10m)]:WAIT:_default' \
'--json[Print machine-readable JSON on stdout]' \
'-q[No progress bars or notes]' \
'--quiet[No progress bars or notes]' \
'--append-only[Never delete or overwrite anything in the repository (commands that must delete refuse)]' \
'--no-cache[Read remote repositories (s3\:, azblob\:, sftp\:) without the local cache of snapshot objects and index files (\$CAIRN_CACHE_DIR, else the user'\''s cache directory'\''s cairn/)]' \
'*-v[More logging (CAIRN_LOG=debug works too)]' \
'*--verbose[More logging (CAIRN_LOG=debug works too)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
":: :_cairn__subcmd__audit_commands" \
"*::: :->audit" \
&& ret=0

    case $state in
    (audit)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:cairn-audit-command-$line[1]:"
        case $line[1] in
            (verify)
_arguments "${_arguments_options[@]}" : \
'--config=[]:CONFIG:_files' \
'--log=[The log file (default\: audit-log from the config)]:LOG:_files' \
'--head=[A head recorded elsewhere (SEQ\:HASH from /healthz)\: detects a truncated tail]:HEAD:_default' \
'-r+[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--repo=[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--password-file=[Read the passphrase from this file (first line)]:PASSWORD_FILE:_files' \
'--password-command=[Run this shell command and use its first output line as the passphrase]:PASSWORD_COMMAND:_default' \
'--key-file=[Unlock with this key file instead of a passphrase]:KEY_FILE:_files' \
'--slot=[Unlock with this key slot only (an id from \`keys status\`); without it every slot of a fitting kind is tried]:SLOT:_default' \
'--age-identity=[age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots]:AGE_IDENTITY:_files' \
'--vault-token-file=[Read the Vault/OpenBao token from this file (default\: VAULT_TOKEN); the server is VAULT_ADDR]:VAULT_TOKEN_FILE:_files' \
'--pkcs11-module=[PKCS#11 module (shared library) for pkcs11 slots]:PKCS11_MODULE:_default' \
'--pkcs11-pin-file=[Read the token PIN from this file (default\: CAIRN_PKCS11_PIN)]:PKCS11_PIN_FILE:_files' \
'--key-command=[Command that unwraps command slots (\`CMD unwrap SLOT_ID\`; docs/KEYS.md)]:KEY_COMMAND:_default' \
'--progress=[Progress of long work on stderr\: a bar when stderr is a terminal (auto), one JSON object per second (json), or none]:PROGRESS:(auto json none)' \
'--wait=[When another process holds the repository lock, retry for this long (e.g. 30s, 10m)]:WAIT:_default' \
'--json[Print machine-readable JSON on stdout]' \
'-q[No progress bars or notes]' \
'--quiet[No progress bars or notes]' \
'--append-only[Never delete or overwrite anything in the repository (commands that must delete refuse)]' \
'--no-cache[Read remote repositories (s3\:, azblob\:, sftp\:) without the local cache of snapshot objects and index files (\$CAIRN_CACHE_DIR, else the user'\''s cache directory'\''s cairn/)]' \
'*-v[More logging (CAIRN_LOG=debug works too)]' \
'*--verbose[More logging (CAIRN_LOG=debug works too)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_cairn__subcmd__audit__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:cairn-audit-help-command-$line[1]:"
        case $line[1] in
            (verify)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
;;
(gate)
_arguments "${_arguments_options[@]}" : \
'--config=[Server config (TOML). Default\: /etc/cairn/cairn.toml, else ~/.config/cairn/cairn.toml]:CONFIG:_files' \
'*--spec=[Check only this spec (repeatable). Default\: every spec]:SPECS:_default' \
'--out=[Folder for the report, summary, badge and sample manifest (scratch restores go in a temporary folder inside it)]:OUT:_files' \
'--seed=[Seed for the sample snapshot, the verify subset and the plaintext windows (default\: random, printed)]:SEED:_default' \
'-r+[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--repo=[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--password-file=[Read the passphrase from this file (first line)]:PASSWORD_FILE:_files' \
'--password-command=[Run this shell command and use its first output line as the passphrase]:PASSWORD_COMMAND:_default' \
'--key-file=[Unlock with this key file instead of a passphrase]:KEY_FILE:_files' \
'--slot=[Unlock with this key slot only (an id from \`keys status\`); without it every slot of a fitting kind is tried]:SLOT:_default' \
'--age-identity=[age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots]:AGE_IDENTITY:_files' \
'--vault-token-file=[Read the Vault/OpenBao token from this file (default\: VAULT_TOKEN); the server is VAULT_ADDR]:VAULT_TOKEN_FILE:_files' \
'--pkcs11-module=[PKCS#11 module (shared library) for pkcs11 slots]:PKCS11_MODULE:_default' \
'--pkcs11-pin-file=[Read the token PIN from this file (default\: CAIRN_PKCS11_PIN)]:PKCS11_PIN_FILE:_files' \
'--key-command=[Command that unwraps command slots (\`CMD unwrap SLOT_ID\`; docs/KEYS.md)]:KEY_COMMAND:_default' \
'--progress=[Progress of long work on stderr\: a bar when stderr is a terminal (auto), one JSON object per second (json), or none]:PROGRESS:(auto json none)' \
'--wait=[When another process holds the repository lock, retry for this long (e.g. 30s, 10m)]:WAIT:_default' \
'--json[Print machine-readable JSON on stdout]' \
'-q[No progress bars or notes]' \
'--quiet[No progress bars or notes]' \
'--append-only[Never delete or overwrite anything in the repository (commands that must delete refuse)]' \
'--no-cache[Read remote repositories (s3\:, azblob\:, sftp\:) without the local cache of snapshot objects and index files (\$CAIRN_CACHE_DIR, else the user'\''s cache directory'\''s cairn/)]' \
'*-v[More logging (CAIRN_LOG=debug works too)]' \
'*--verbose[More logging (CAIRN_LOG=debug works too)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(completions)
_arguments "${_arguments_options[@]}" : \
'-r+[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--repo=[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--password-file=[Read the passphrase from this file (first line)]:PASSWORD_FILE:_files' \
'--password-command=[Run this shell command and use its first output line as the passphrase]:PASSWORD_COMMAND:_default' \
'--key-file=[Unlock with this key file instead of a passphrase]:KEY_FILE:_files' \
'--slot=[Unlock with this key slot only (an id from \`keys status\`); without it every slot of a fitting kind is tried]:SLOT:_default' \
'--age-identity=[age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots]:AGE_IDENTITY:_files' \
'--vault-token-file=[Read the Vault/OpenBao token from this file (default\: VAULT_TOKEN); the server is VAULT_ADDR]:VAULT_TOKEN_FILE:_files' \
'--pkcs11-module=[PKCS#11 module (shared library) for pkcs11 slots]:PKCS11_MODULE:_default' \
'--pkcs11-pin-file=[Read the token PIN from this file (default\: CAIRN_PKCS11_PIN)]:PKCS11_PIN_FILE:_files' \
'--key-command=[Command that unwraps command slots (\`CMD unwrap SLOT_ID\`; docs/KEYS.md)]:KEY_COMMAND:_default' \
'--progress=[Progress of long work on stderr\: a bar when stderr is a terminal (auto), one JSON object per second (json), or none]:PROGRESS:(auto json none)' \
'--wait=[When another process holds the repository lock, retry for this long (e.g. 30s, 10m)]:WAIT:_default' \
'--json[Print machine-readable JSON on stdout]' \
'-q[No progress bars or notes]' \
'--quiet[No progress bars or notes]' \
'--append-only[Never delete or overwrite anything in the repository (commands that must delete refuse)]' \
'--no-cache[Read remote repositories (s3\:, azblob\:, sftp\:) without the local cache of snapshot objects and index files (\$CAIRN_CACHE_DIR, else the user'\''s cache directory'\''s cairn/)]' \
'*-v[More logging (CAIRN_LOG=debug works too)]' \
'*--verbose[More logging (CAIRN_LOG=debug works too)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
':shell -- The shell:(bash elvish fish powershell zsh)' \
&& ret=0
;;
(man)
_arguments "${_arguments_options[@]}" : \
'-r+[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--repo=[Repository\: a folder, \`s3\:https\://HOST\[\:PORT\]/BUCKET\[/PREFIX\]\` or \`s3\:BUCKET\[/PREFIX\]\` (AWS, or AWS_ENDPOINT_URL). Default\: the embedded repository under the user'\''s data directory]:REPO:_files' \
'--password-file=[Read the passphrase from this file (first line)]:PASSWORD_FILE:_files' \
'--password-command=[Run this shell command and use its first output line as the passphrase]:PASSWORD_COMMAND:_default' \
'--key-file=[Unlock with this key file instead of a passphrase]:KEY_FILE:_files' \
'--slot=[Unlock with this key slot only (an id from \`keys status\`); without it every slot of a fitting kind is tried]:SLOT:_default' \
'--age-identity=[age identity file (AGE-SECRET-KEY-1…) for age (escrow) slots]:AGE_IDENTITY:_files' \
'--vault-token-file=[Read the Vault/OpenBao token from this file (default\: VAULT_TOKEN); the server is VAULT_ADDR]:VAULT_TOKEN_FILE:_files' \
'--pkcs11-module=[PKCS#11 module (shared library) for pkcs11 slots]:PKCS11_MODULE:_default' \
'--pkcs11-pin-file=[Read the token PIN from this file (default\: CAIRN_PKCS11_PIN)]:PKCS11_PIN_FILE:_files' \
'--key-command=[Command that unwraps command slots (\`CMD unwrap SLOT_ID\`; docs/KEYS.md)]:KEY_COMMAND:_default' \
'--progress=[Progress of long work on stderr\: a bar when stderr is a terminal (auto), one JSON object per second (json), or none]:PROGRESS:(auto json none)' \
'--wait=[When another process holds the repository lock, retry for this long (e.g. 30s, 10m)]:WAIT:_default' \
'--json[Print machine-readable JSON on stdout]' \
'-q[No progress bars or notes]' \
'--quiet[No progress bars or notes]' \
'--append-only[Never delete or overwrite anything in the repository (commands that must delete refuse)]' \
'--no-cache[Read remote repositories (s3\:, azblob\:, sftp\:) without the local cache of snapshot objects and index files (\$CAIRN_CACHE_DIR, else the user'\''s cache directory'\''s cairn/)]' \
'*-v[More logging (CAIRN_LOG=debug works too)]' \
'*--verbose[More logging (CAIRN_LOG=debug works too)]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
':dir -- Folder to write the pages into (created if missing):_files' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_cairn__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:cairn-help-command-$line[1]:"
        case $line[1] in
            (init)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(keys)
_arguments "${_arguments_options[@]}" : \
":: :_cairn__subcmd__help__subcmd__keys_commands" \
"*::: :->keys" \
&& ret=0

    case $state in
    (keys)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:cairn-help-keys-command-$line[1]:"
        case $line[1] in
            (status)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(add)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(remove)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(test)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(rewrap)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(rotate-master)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(recover)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(trust)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(backup)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(list)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(manifest)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(ls)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(cat)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(diff)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(find)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(mount)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(copy)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(restore)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(verify)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(export)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(prune)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(forget)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(protect)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(unprotect)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(maintenance)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(unlock)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(upgrade)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(plan)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(serve)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(token)
_arguments "${_arguments_options[@]}" : \
":: :_cairn__subcmd__help__subcmd__token_commands" \
"*::: :->token" \
&& ret=0

    case $state in
    (token)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:cairn-help-token-command-$line[1]:"
        case $line[1] in
            (create)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(revoke)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(list)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(audit)
_arguments "${_arguments_options[@]}" : \
":: :_cairn__subcmd__help__subcmd__audit_commands" \
"*::: :->audit" \
&& ret=0

    case $state in
    (audit)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:cairn-help-audit-command-$line[1]:"
        case $line[1] in
            (verify)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(gate)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(completions)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(man)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
}

(( $+functions[_cairn_commands] )) ||
_cairn_commands() {
    local commands; commands=(
'init:Create a repository' \
'keys:Key slots' \
'trust:Show which repository this client trusts at the location (its pin), or accept a changed one with --reset' \
'backup:Back up files and directories into a new snapshot' \
'list:List snapshots' \
'manifest:Print a snapshot'\''s manifest (every entry, with SHA-256 for files)' \
'ls:List a directory of a snapshot from its trees (no data is read)' \
'cat:Print one file of a snapshot to stdout, checked against its SHA-256' \
'diff:Show what changed between two snapshots\: added, removed, modified, with byte totals' \
'find:Find which snapshots hold paths matching a glob, with size and mtime' \
'mount:Mount the repository read-only (FUSE)\: snapshots by id, time, host and tag; Ctrl-C or SIGTERM unmounts' \
'copy:Copy snapshots into another repository, re-encrypted under its keys; what it holds is not sent again' \
'restore:Restore a snapshot into a directory (plan first; every file hash-checked)' \
'verify:Check that the repository can be read back (structure; data with --read-data)' \
'export:Write a snapshot as a tar archive to stdout' \
'prune:Remove data no snapshot needs (plan first; --dry-run shows it)' \
'forget:Remove snapshots by retention policy or by id (plan first; --dry-run shows it)' \
'protect:Protect a snapshot\: forget never removes it' \
'unprotect:Remove a snapshot'\''s protection (needs delete access)' \
'maintenance:Extend WORM retention of everything still needed; drop lapsed records and stale locks' \
'unlock:Remove locks left by processes that died (with --force, every lock)' \
'upgrade:Raise the repository'\''s format version to the newest this cairn writes' \
'plan:What a backup of a spec would do now (files and bytes to read, parent, next runs)' \
'serve:Run the HTTP API and the scheduler (see docs/SERVER.md)' \
'token:API tokens for \`cairn serve\`' \
'audit:The server'\''s audit log' \
'gate:RG-7 recovery gate\: prove each spec restores, is kept, encrypted and within RPO/RTO (docs/GATE.md)' \
'completions:Print a shell completion script (bash, zsh, fish, elvish, powershell)' \
'man:Write man pages (cairn.1 and one per command) into a folder' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'cairn commands' commands "$@"
}
(( $+functions[_cairn__subcmd__audit_commands] )) ||
_cairn__subcmd__audit_commands() {
    local commands; commands=(
'verify:Check the hash chain; report the first entry edited, deleted or reordered' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'cairn audit commands' commands "$@"
}
(( $+functions[_cairn__subcmd__audit__subcmd__help_commands] )) ||
_cairn__subcmd__audit__subcmd__help_commands() {
    local commands; commands=(
'verify:Check the hash chain; report the first entry edited, deleted or reordered' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'cairn audit help commands' commands "$@"
}
(( $+functions[_cairn__subcmd__audit__subcmd__help__subcmd__help_commands] )) ||
_cairn__subcmd__audit__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'cairn audit help help commands' commands "$@"
}
(( $+functions[_cairn__subcmd__audit__subcmd__help__subcmd__verify_commands] )) ||
_cairn__subcmd__audit__subcmd__help__subcmd__verify_commands() {
    local commands; commands=()
    _describe -t commands 'cairn audit help verify commands' commands "$@"
}
(( $+functions[_cairn__subcmd__audit__subcmd__verify_commands] )) ||
_cairn__subcmd__audit__subcmd__verify_commands() {
    local commands; commands=()
    _describe -t commands 'cairn audit verify commands' commands "$@"
}
(( $+functions[_cairn__subcmd__backup_commands] )) ||
_cairn__subcmd__backup_commands() {
    local commands; commands=()
    _describe -t commands 'cairn backup commands' commands "$@"
}
(( $+functions[_cairn__subcmd__cat_commands] )) ||
_cairn__subcmd__cat_commands() {
    local commands; commands=()
    _describe -t commands 'cairn cat commands' commands "$@"
}
(( $+functions[_cairn__subcmd__completions_commands] )) ||
_cairn__subcmd__completions_commands() {
    local commands; commands=()
    _describe -t commands 'cairn completions commands' commands "$@"
}
(( $+functions[_cairn__subcmd__copy_commands] )) ||
_cairn__subcmd__copy_commands() {
    local commands; commands=()
    _describe -t commands 'cairn copy commands' commands "$@"
}
(( $+functions[_cairn__subcmd__diff_commands] )) ||
_cairn__subcmd__diff_commands() {
    local commands; commands=()
    _describe -t commands 'cairn diff commands' commands "$@"
}
(( $+functions[_cairn__subcmd__export_commands] )) ||
_cairn__subcmd__export_commands() {
    local commands; commands=()
    _describe -t commands 'cairn export commands' commands "$@"
}
(( $+functions[_cairn__subcmd__find_commands] )) ||
_cairn__subcmd__find_commands() {
    local commands; commands=()
    _describe -t commands 'cairn find commands' commands "$@"
}
(( $+functions[_cairn__subcmd__forget_commands] )) ||
_cairn__subcmd__forget_commands() {
    local commands; commands=()
    _describe -t commands 'cairn forget commands' commands "$@"
}
(( $+functions[_cairn__subcmd__gate_commands] )) ||
_cairn__subcmd__gate_commands() {
    local commands; commands=()
    _describe -t commands 'cairn gate commands' commands "$@"
}
(( $+functions[_cairn__subcmd__help_commands] )) ||
_cairn__subcmd__help_commands() {
    local commands; commands=(
'init:Create a repository' \
'keys:Key slots' \
'trust:Show which repository this client trusts at the location (its pin), or accept a changed one with --reset' \
'backup:Back up files and directories into a new snapshot' \
'list:List snapshots' \
'manifest:Print a snapshot'\''s manifest (every entry, with SHA-256 for files)' \
'ls:List a directory of a snapshot from its trees (no data is read)' \
'cat:Print one file of a snapshot to stdout, checked against its SHA-256' \
'diff:Show what changed between two snapshots\: added, removed, modified, with byte totals' \
'find:Find which snapshots hold paths matching a glob, with size and mtime' \
'mount:Mount the repository read-only (FUSE)\: snapshots by id, time, host and tag; Ctrl-C or SIGTERM unmounts' \
'copy:Copy snapshots into another repository, re-encrypted under its keys; what it holds is not sent again' \
'restore:Restore a snapshot into a directory (plan first; every file hash-checked)' \
'verify:Check that the repository can be read back (structure; data with --read-data)' \
'export:Write a snapshot as a tar archive to stdout' \
'prune:Remove data no snapshot needs (plan first; --dry-run shows it)' \
'forget:Remove snapshots by retention policy or by id (plan first; --dry-run shows it)' \
'protect:Protect a snapshot\: forget never removes it' \
'unprotect:Remove a snapshot'\''s protection (needs delete access)' \
'maintenance:Extend WORM retention of everything still needed; drop lapsed records and stale locks' \
'unlock:Remove locks left by processes that died (with --force, every lock)' \
'upgrade:Raise the repository'\''s format version to the newest this cairn writes' \
'plan:What a backup of a spec would do now (files and bytes to read, parent, next runs)' \
'serve:Run the HTTP API and the scheduler (see docs/SERVER.md)' \
'token:API tokens for \`cairn serve\`' \
'audit:The server'\''s audit log' \
'gate:RG-7 recovery gate\: prove each spec restores, is kept, encrypted and within RPO/RTO (docs/GATE.md)' \
'completions:Print a shell completion script (bash, zsh, fish, elvish, powershell)' \
'man:Write man pages (cairn.1 and one per command) into a folder' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'cairn help commands' commands "$@"
}
(( $+functions[_cairn__subcmd__help__subcmd__audit_commands] )) ||
_cairn__subcmd__help__subcmd__audit_commands() {
    local commands; commands=(
'verify:Check the hash chain; report the first entry edited, deleted or reordered' \
    )
    _describe -t commands 'cairn help audit commands' commands "$@"
}
(( $+functions[_cairn__subcmd__help__subcmd__audit__subcmd__verify_commands] )) ||
_cairn__subcmd__help__subcmd__audit__subcmd__verify_commands() {
    local commands; commands=()
    _describe -t commands 'cairn help audit verify commands' commands "$@"
}
(( $+functions[_cairn__subcmd__help__subcmd__backup_commands] )) ||
_cairn__subcmd__help__subcmd__backup_commands() {
    local commands; commands=()
    _describe -t commands 'cairn help backup commands' commands "$@"
}
(( $+functions[_cairn__subcmd__help__subcmd__cat_commands] )) ||
_cairn__subcmd__help__subcmd__cat_commands() {
    local commands; commands=()
    _describe -t commands 'cairn help cat commands' commands "$@"
}
(( $+functions[_cairn__subcmd__help__subcmd__completions_commands] )) ||
_cairn__subcmd__help__subcmd__completions_commands() {
    local commands; commands=()
    _describe -t commands 'cairn help completions commands' commands "$@"
}
(( $+functions[_cairn__subcmd__help__subcmd__copy_commands] )) ||
_cairn__subcmd__help__subcmd__copy_commands() {
    local commands; commands=()
    _describe -t commands 'cairn help copy commands' commands "$@"
}
(( $+functions[_cairn__subcmd__help__subcmd__diff_commands] )) ||
_cairn__subcmd__help__subcmd__diff_commands() {
    local commands; commands=()
    _describe -t commands 'cairn help diff commands' commands "$@"
}
(( $+functions[_cairn__subcmd__help__subcmd__export_commands] )) ||
_cairn__subcmd__help__subcmd__export_commands() {
    local commands; commands=()
    _describe -t commands 'cairn help export commands' commands "$@"
}
(( $+functions[_cairn__subcmd__help__subcmd__find_commands] )) ||
_cairn__subcmd__help__subcmd__find_commands() {
    local commands; commands=()
    _describe -t commands 'cairn help find commands' commands "$@"
}
(( $+functions[_cairn__subcmd__help__subcmd__forget_commands] )) ||
_cairn__subcmd__help__subcmd__forget_commands() {
    local commands; commands=()
    _describe -t commands 'cairn help forget commands' commands "$@"
}
(( $+functions[_cairn__subcmd__help__subcmd__gate_commands] )) ||
_cairn__subcmd__help__subcmd__gate_commands() {
    local commands; commands=()
    _describe -t commands 'cairn help gate commands' commands "$@"
}
(( $+functions[_cairn__subcmd__help__subcmd__help_commands] )) ||
_cairn__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'cairn help help commands' commands "$@"
}
(( $+functions[_cairn__subcmd__help__subcmd__init_commands] )) ||
_cairn__subcmd__help__subcmd__init_commands() {
    local commands; commands=()
    _describe -t commands 'cairn help init commands' commands "$@"
}
(( $+functions[_cairn__subcmd__help__subcmd__keys_commands] )) ||
_cairn__subcmd__help__subcmd__keys_commands() {
    local commands; commands=(
'status:Show the key slots (never any secret)' \
'add:Add a key slot (unlocking with an existing one)' \
'remove:Remove a key slot (refuses the last one, and one whose removal leaves no slot proven to open the repository in this session); it can no longer open the repository' \
'test:Prove that one slot unlocks the repository (reads nothing else, takes no lock)' \
'rewrap:Re-wrap a vault-transit or aws-kms slot under the newest version of its key (after \`transit/keys/K/rotate\`, or a KMS key rotation)' \
'rotate-master:Rotate the master secret\: new data is sealed under a new key epoch; every slot is re-wrapped (then \`prune --rewrite-old-epochs\` re-encrypts old data)' \
'recover:List the versions of the config and key slots the storage keeps (WORM holds them), or bring one back with --restore; needs no key' \
    )
    _describe -t commands 'cairn help keys commands' commands "$@"
}
(( $+functions[_cairn__subcmd__help__subcmd__keys__subcmd__add_commands] )) ||
_cairn__subcmd__help__subcmd__keys__subcmd__add_commands() {
    local commands; commands=()
    _describe -t commands 'cairn help keys add commands' commands "$@"
}
(( $+functions[_cairn__subcmd__help__subcmd__keys__subcmd__recover_commands] )) ||
_cairn__subcmd__help__subcmd__keys__subcmd__recover_commands() {
    local commands; commands=()
    _describe -t commands 'cairn help keys recover commands' commands "$@"
}
(( $+functions[_cairn__subcmd__help__subcmd__keys__subcmd__remove_commands] )) ||
_cairn__subcmd__help__subcmd__keys__subcmd__remove_commands() {
    local commands; commands=()
    _describe -t commands 'cairn help keys remove commands' commands "$@"
}
(( $+functions[_cairn__subcmd__help__subcmd__keys__subcmd__rewrap_commands] )) ||
_cairn__subcmd__help__subcmd__keys__subcmd__rewrap_commands() {
    local commands; commands=()
    _describe -t commands 'cairn help keys rewrap commands' commands "$@"
}
(( $+functions[_cairn__subcmd__help__subcmd__keys__subcmd__rotate-master_commands] )) ||
_cairn__subcmd__help__subcmd__keys__subcmd__rotate-master_commands() {
    local commands; commands=()
    _describe -t commands 'cairn help keys rotate-master commands' commands "$@"
}
(( $+functions[_cairn__subcmd__help__subcmd__keys__subcmd__status_commands] )) ||
_cairn__subcmd__help__subcmd__keys__subcmd__status_commands() {
    local commands; commands=()
    _describe -t commands 'cairn help keys status commands' commands "$@"
}
(( $+functions[_cairn__subcmd__help__subcmd__keys__subcmd__test_commands] )) ||
_cairn__subcmd__help__subcmd__keys__subcmd__test_commands() {
    local commands; commands=()
    _describe -t commands 'cairn help keys test commands' commands "$@"
}
(( $+functions[_cairn__subcmd__help__subcmd__list_commands] )) ||
_cairn__subcmd__help__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'cairn help list commands' commands "$@"
}
(( $+functions[_cairn__subcmd__help__subcmd__ls_commands] )) ||
_cairn__subcmd__help__subcmd__ls_commands() {
    local commands; commands=()
    _describe -t commands 'cairn help ls commands' commands "$@"
}
(( $+functions[_cairn__subcmd__help__subcmd__maintenance_commands] )) ||
_cairn__subcmd__help__subcmd__maintenance_commands() {
    local commands; commands=()
    _describe -t commands 'cairn help maintenance commands' commands "$@"
}
(( $+functions[_cairn__subcmd__help__subcmd__man_commands] )) ||
_cairn__subcmd__help__subcmd__man_commands() {
    local commands; commands=()
    _describe -t commands 'cairn help man commands' commands "$@"
}
(( $+functions[_cairn__subcmd__help__subcmd__manifest_commands] )) ||
_cairn__subcmd__help__subcmd__manifest_commands() {
    local commands; commands=()
    _describe -t commands 'cairn help manifest commands' commands "$@"
}
(( $+functions[_cairn__subcmd__help__subcmd__mount_commands] )) ||
_cairn__subcmd__help__subcmd__mount_commands() {
    local commands; commands=()
    _describe -t commands 'cairn help mount commands' commands "$@"
}
(( $+functions[_cairn__subcmd__help__subcmd__plan_commands] )) ||
_cairn__subcmd__help__subcmd__plan_commands() {
    local commands; commands=()
    _describe -t commands 'cairn help plan commands' commands "$@"
}
(( $+functions[_cairn__subcmd__help__subcmd__protect_commands] )) ||
_cairn__subcmd__help__subcmd__protect_commands() {
    local commands; commands=()
    _describe -t commands 'cairn help protect commands' commands "$@"
}
(( $+functions[_cairn__subcmd__help__subcmd__prune_commands] )) ||
_cairn__subcmd__help__subcmd__prune_commands() {
    local commands; commands=()
    _describe -t commands 'cairn help prune commands' commands "$@"
}
(( $+functions[_cairn__subcmd__help__subcmd__restore_commands] )) ||
_cairn__subcmd__help__subcmd__restore_commands() {
    local commands; commands=()
    _describe -t commands 'cairn help restore commands' commands "$@"
}
(( $+functions[_cairn__subcmd__help__subcmd__serve_commands] )) ||
_cairn__subcmd__help__subcmd__serve_commands() {
    local commands; commands=()
    _describe -t commands 'cairn help serve commands' commands "$@"
}
(( $+functions[_cairn__subcmd__help__subcmd__token_commands] )) ||
_cairn__subcmd__help__subcmd__token_commands() {
    local commands; commands=(
'create:Create a token; it is printed once, alone on stdout' \
'revoke:Revoke tokens by name or id' \
'list:List tokens (ids, roles, names; never the tokens)' \
    )
    _describe -t commands 'cairn help token commands' commands "$@"
}
(( $+functions[_cairn__subcmd__help__subcmd__token__subcmd__create_commands] )) ||
_cairn__subcmd__help__subcmd__token__subcmd__create_commands() {
    local commands; commands=()
    _describe -t commands 'cairn help token create commands' commands "$@"
}
(( $+functions[_cairn__subcmd__help__subcmd__token__subcmd__list_commands] )) ||
_cairn__subcmd__help__subcmd__token__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'cairn help token list commands' commands "$@"
}
(( $+functions[_cairn__subcmd__help__subcmd__token__subcmd__revoke_commands] )) ||
_cairn__subcmd__help__subcmd__token__subcmd__revoke_commands() {
    local commands; commands=()
    _describe -t commands 'cairn help token revoke commands' commands "$@"
}
(( $+functions[_cairn__subcmd__help__subcmd__trust_commands] )) ||
_cairn__subcmd__help__subcmd__trust_commands() {
    local commands; commands=()
    _describe -t commands 'cairn help trust commands' commands "$@"
}
(( $+functions[_cairn__subcmd__help__subcmd__unlock_commands] )) ||
_cairn__subcmd__help__subcmd__unlock_commands() {
    local commands; commands=()
    _describe -t commands 'cairn help unlock commands' commands "$@"
}
(( $+functions[_cairn__subcmd__help__subcmd__unprotect_commands] )) ||
_cairn__subcmd__help__subcmd__unprotect_commands() {
    local commands; commands=()
    _describe -t commands 'cairn help unprotect commands' commands "$@"
}
(( $+functions[_cairn__subcmd__help__subcmd__upgrade_commands] )) ||
_cairn__subcmd__help__subcmd__upgrade_commands() {
    local commands; commands=()
    _describe -t commands 'cairn help upgrade commands' commands "$@"
}
(( $+functions[_cairn__subcmd__help__subcmd__verify_commands] )) ||
_cairn__subcmd__help__subcmd__verify_commands() {
    local commands; commands=()
    _describe -t commands 'cairn help verify commands' commands "$@"
}
(( $+functions[_cairn__subcmd__init_commands] )) ||
_cairn__subcmd__init_commands() {
    local commands; commands=()
    _describe -t commands 'cairn init commands' commands "$@"
}
(( $+functions[_cairn__subcmd__keys_commands] )) ||
_cairn__subcmd__keys_commands() {
    local commands; commands=(
'status:Show the key slots (never any secret)' \
'add:Add a key slot (unlocking with an existing one)' \
'remove:Remove a key slot (refuses the last one, and one whose removal leaves no slot proven to open the repository in this session); it can no longer open the repository' \
'test:Prove that one slot unlocks the repository (reads nothing else, takes no lock)' \
'rewrap:Re-wrap a vault-transit or aws-kms slot under the newest version of its key (after \`transit/keys/K/rotate\`, or a KMS key rotation)' \
'rotate-master:Rotate the master secret\: new data is sealed under a new key epoch; every slot is re-wrapped (then \`prune --rewrite-old-epochs\` re-encrypts old data)' \
'recover:List the versions of the config and key slots the storage keeps (WORM holds them), or bring one back with --restore; needs no key' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'cairn keys commands' commands "$@"
}
(( $+functions[_cairn__subcmd__keys__subcmd__add_commands] )) ||
_cairn__subcmd__keys__subcmd__add_commands() {
    local commands; commands=()
    _describe -t commands 'cairn keys add commands' commands "$@"
}
(( $+functions[_cairn__subcmd__keys__subcmd__help_commands] )) ||
_cairn__subcmd__keys__subcmd__help_commands() {
    local commands; commands=(
'status:Show the key slots (never any secret)' \
'add:Add a key slot (unlocking with an existing one)' \
'remove:Remove a key slot (refuses the last one, and one whose removal leaves no slot proven to open the repository in this session); it can no longer open the repository' \
'test:Prove that one slot unlocks the repository (reads nothing else, takes no lock)' \
'rewrap:Re-wrap a vault-transit or aws-kms slot under the newest version of its key (after \`transit/keys/K/rotate\`, or a KMS key rotation)' \
'rotate-master:Rotate the master secret\: new data is sealed under a new key epoch; every slot is re-wrapped (then \`prune --rewrite-old-epochs\` re-encrypts old data)' \
'recover:List the versions of the config and key slots the storage keeps (WORM holds them), or bring one back with --restore; needs no key' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'cairn keys help commands' commands "$@"
}
(( $+functions[_cairn__subcmd__keys__subcmd__help__subcmd__add_commands] )) ||
_cairn__subcmd__keys__subcmd__help__subcmd__add_commands() {
    local commands; commands=()
    _describe -t commands 'cairn keys help add commands' commands "$@"
}
(( $+functions[_cairn__subcmd__keys__subcmd__help__subcmd__help_commands] )) ||
_cairn__subcmd__keys__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'cairn keys help help commands' commands "$@"
}
(( $+functions[_cairn__subcmd__keys__subcmd__help__subcmd__recover_commands] )) ||
_cairn__subcmd__keys__subcmd__help__subcmd__recover_commands() {
    local commands; commands=()
    _describe -t commands 'cairn keys help recover commands' commands "$@"
}
(( $+functions[_cairn__subcmd__keys__subcmd__help__subcmd__remove_commands] )) ||
_cairn__subcmd__keys__subcmd__help__subcmd__remove_commands() {
    local commands; commands=()
    _describe -t commands 'cairn keys help remove commands' commands "$@"
}
(( $+functions[_cairn__subcmd__keys__subcmd__help__subcmd__rewrap_commands] )) ||
_cairn__subcmd__keys__subcmd__help__subcmd__rewrap_commands() {
    local commands; commands=()
    _describe -t commands 'cairn keys help rewrap commands' commands "$@"
}
(( $+functions[_cairn__subcmd__keys__subcmd__help__subcmd__rotate-master_commands] )) ||
_cairn__subcmd__keys__subcmd__help__subcmd__rotate-master_commands() {
    local commands; commands=()
    _describe -t commands 'cairn keys help rotate-master commands' commands "$@"
}
(( $+functions[_cairn__subcmd__keys__subcmd__help__subcmd__status_commands] )) ||
_cairn__subcmd__keys__subcmd__help__subcmd__status_commands() {
    local commands; commands=()
    _describe -t commands 'cairn keys help status commands' commands "$@"
}
(( $+functions[_cairn__subcmd__keys__subcmd__help__subcmd__test_commands] )) ||
_cairn__subcmd__keys__subcmd__help__subcmd__test_commands() {
    local commands; commands=()
    _describe -t commands 'cairn keys help test commands' commands "$@"
}
(( $+functions[_cairn__subcmd__keys__subcmd__recover_commands] )) ||
_cairn__subcmd__keys__subcmd__recover_commands() {
    local commands; commands=()
    _describe -t commands 'cairn keys recover commands' commands "$@"
}
(( $+functions[_cairn__subcmd__keys__subcmd__remove_commands] )) ||
_cairn__subcmd__keys__subcmd__remove_commands() {
    local commands; commands=()
    _describe -t commands 'cairn keys remove commands' commands "$@"
}
(( $+functions[_cairn__subcmd__keys__subcmd__rewrap_commands] )) ||
_cairn__subcmd__keys__subcmd__rewrap_commands() {
    local commands; commands=()
    _describe -t commands 'cairn keys rewrap commands' commands "$@"
}
(( $+functions[_cairn__subcmd__keys__subcmd__rotate-master_commands] )) ||
_cairn__subcmd__keys__subcmd__rotate-master_commands() {
    local commands; commands=()
    _describe -t commands 'cairn keys rotate-master commands' commands "$@"
}
(( $+functions[_cairn__subcmd__keys__subcmd__status_commands] )) ||
_cairn__subcmd__keys__subcmd__status_commands() {
    local commands; commands=()
    _describe -t commands 'cairn keys status commands' commands "$@"
}
(( $+functions[_cairn__subcmd__keys__subcmd__test_commands] )) ||
_cairn__subcmd__keys__subcmd__test_commands() {
    local commands; commands=()
    _describe -t commands 'cairn keys test commands' commands "$@"
}
(( $+functions[_cairn__subcmd__list_commands] )) ||
_cairn__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'cairn list commands' commands "$@"
}
(( $+functions[_cairn__subcmd__ls_commands] )) ||
_cairn__subcmd__ls_commands() {
    local commands; commands=()
    _describe -t commands 'cairn ls commands' commands "$@"
}
(( $+functions[_cairn__subcmd__maintenance_commands] )) ||
_cairn__subcmd__maintenance_commands() {
    local commands; commands=()
    _describe -t commands 'cairn maintenance commands' commands "$@"
}
(( $+functions[_cairn__subcmd__man_commands] )) ||
_cairn__subcmd__man_commands() {
    local commands; commands=()
    _describe -t commands 'cairn man commands' commands "$@"
}
(( $+functions[_cairn__subcmd__manifest_commands] )) ||
_cairn__subcmd__manifest_commands() {
    local commands; commands=()
    _describe -t commands 'cairn manifest commands' commands "$@"
}
(( $+functions[_cairn__subcmd__mount_commands] )) ||
_cairn__subcmd__mount_commands() {
    local commands; commands=()
    _describe -t commands 'cairn mount commands' commands "$@"
}
(( $+functions[_cairn__subcmd__plan_commands] )) ||
_cairn__subcmd__plan_commands() {
    local commands; commands=()
    _describe -t commands 'cairn plan commands' commands "$@"
}
(( $+functions[_cairn__subcmd__protect_commands] )) ||
_cairn__subcmd__protect_commands() {
    local commands; commands=()
    _describe -t commands 'cairn protect commands' commands "$@"
}
(( $+functions[_cairn__subcmd__prune_commands] )) ||
_cairn__subcmd__prune_commands() {
    local commands; commands=()
    _describe -t commands 'cairn prune commands' commands "$@"
}
(( $+functions[_cairn__subcmd__restore_commands] )) ||
_cairn__subcmd__restore_commands() {
    local commands; commands=()
    _describe -t commands 'cairn restore commands' commands "$@"
}
(( $+functions[_cairn__subcmd__serve_commands] )) ||
_cairn__subcmd__serve_commands() {
    local commands; commands=()
    _describe -t commands 'cairn serve commands' commands "$@"
}
(( $+functions[_cairn__subcmd__token_commands] )) ||
_cairn__subcmd__token_commands() {
    local commands; commands=(
'create:Create a token; it is printed once, alone on stdout' \
'revoke:Revoke tokens by name or id' \
'list:List tokens (ids, roles, names; never the tokens)' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'cairn token commands' commands "$@"
}
(( $+functions[_cairn__subcmd__token__subcmd__create_commands] )) ||
_cairn__subcmd__token__subcmd__create_commands() {
    local commands; commands=()
    _describe -t commands 'cairn token create commands' commands "$@"
}
(( $+functions[_cairn__subcmd__token__subcmd__help_commands] )) ||
_cairn__subcmd__token__subcmd__help_commands() {
    local commands; commands=(
'create:Create a token; it is printed once, alone on stdout' \
'revoke:Revoke tokens by name or id' \
'list:List tokens (ids, roles, names; never the tokens)' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'cairn token help commands' commands "$@"
}
(( $+functions[_cairn__subcmd__token__subcmd__help__subcmd__create_commands] )) ||
_cairn__subcmd__token__subcmd__help__subcmd__create_commands() {
    local commands; commands=()
    _describe -t commands 'cairn token help create commands' commands "$@"
}
(( $+functions[_cairn__subcmd__token__subcmd__help__subcmd__help_commands] )) ||
_cairn__subcmd__token__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'cairn token help help commands' commands "$@"
}
(( $+functions[_cairn__subcmd__token__subcmd__help__subcmd__list_commands] )) ||
_cairn__subcmd__token__subcmd__help__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'cairn token help list commands' commands "$@"
}
(( $+functions[_cairn__subcmd__token__subcmd__help__subcmd__revoke_commands] )) ||
_cairn__subcmd__token__subcmd__help__subcmd__revoke_commands() {
    local commands; commands=()
    _describe -t commands 'cairn token help revoke commands' commands "$@"
}
(( $+functions[_cairn__subcmd__token__subcmd__list_commands] )) ||
_cairn__subcmd__token__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'cairn token list commands' commands "$@"
}
(( $+functions[_cairn__subcmd__token__subcmd__revoke_commands] )) ||
_cairn__subcmd__token__subcmd__revoke_commands() {
    local commands; commands=()
    _describe -t commands 'cairn token revoke commands' commands "$@"
}
(( $+functions[_cairn__subcmd__trust_commands] )) ||
_cairn__subcmd__trust_commands() {
    local commands; commands=()
    _describe -t commands 'cairn trust commands' commands "$@"
}
(( $+functions[_cairn__subcmd__unlock_commands] )) ||
_cairn__subcmd__unlock_commands() {
    local commands; commands=()
    _describe -t commands 'cairn unlock commands' commands "$@"
}
(( $+functions[_cairn__subcmd__unprotect_commands] )) ||
_cairn__subcmd__unprotect_commands() {
    local commands; commands=()
    _describe -t commands 'cairn unprotect commands' commands "$@"
}
(( $+functions[_cairn__subcmd__upgrade_commands] )) ||
_cairn__subcmd__upgrade_commands() {
    local commands; commands=()
    _describe -t commands 'cairn upgrade commands' commands "$@"
}
(( $+functions[_cairn__subcmd__verify_commands] )) ||
_cairn__subcmd__verify_commands() {
    local commands; commands=()
    _describe -t commands 'cairn verify commands' commands "$@"
}

if [ "$funcstack[1]" = "_cairn" ]; then
    _cairn "$@"
else
    compdef _cairn cairn
fi
