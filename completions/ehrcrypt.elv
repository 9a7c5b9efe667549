
use builtin;
use str;

set edit:completion:arg-completer[ehrcrypt] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'ehrcrypt'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'ehrcrypt'= {
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand keygen 'Generate an RSA-2048 key pair for a new data owner'
            cand owner 'List, show, export, import and verify data owners'
            cand key 'Administer private keys by hand (PEM that openssl reads)'
            cand hcp-key 'Pairwise exchange keys ("hcp keys") between data owners'
            cand entity 'Encrypt, decrypt and link patients, contacts, forms and health elements'
            cand delegation 'Share entities with other data owners, list who has access, revoke it'
            cand share 'Short for `delegation share`'
            cand backup 'Emergency backups to a QR card (R2D Backup): create, inspect, restore'
            cand emergency 'Read (and add to) a patient''s backup with their card (R2D Emergency)'
            cand research 'Research sharing: pseudonymised studies re-encrypted by proxies for researchers'
            cand fhir 'FHIR R4 Bundles and bulk-data ndjson in and out of encrypted entities'
            cand pair 'Pair with another device: a one-time code, and each side''s key verified'
            cand send 'Pair with another device and send it records (shared, not re-encrypted)'
            cand receive 'Pair with another device and receive records into a directory'
            cand icure 'Real iCure and Cardinal data: import keys and owners, decrypt, check, migrate, share'
            cand demo 'Run the whole flow on a throw-away keystore and narrate it'
            cand completions 'Print shell completions generated from this command line'
            cand man-pages 'Write one man page per command into DIR (for scripts/update-completions)'
            cand trust 'Certificate authorities this keystore trusts, and their revocation lists'
            cand agent 'Keep private keys unlocked for a session: the passphrase asked once, not per command'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ehrcrypt;keygen'= {
            cand --name 'Display name of the data owner'
            cand --kind 'Kind of data owner: hcp, patient or device'
            cand --id 'Identifier [default: a fresh UUID]'
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;owner'= {
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List the data owners in the keystore'
            cand show 'Show one owner: keys, fingerprints, trust, exchange keys (never key bytes)'
            cand export 'Write the owner''s public document (public keys and exchange keys, never a private key)'
            cand import 'Merge an owner document into this keystore (its keys start unverified)'
            cand verify 'Mark a key verified after comparing its fingerprint out of band'
            cand fingerprint 'Print the fingerprint of the owner''s current key (--all: every key)'
            cand csr 'Write a PKCS#10 certificate request for the owner''s current key, signed with it'
            cand import-cert 'Attach the certificate a CA issued for one of the owner''s keys (verifies the key if it chains to a trust anchor)'
            cand remove 'Remove an owner from the keystore'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ehrcrypt;owner;list'= {
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;owner;show'= {
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;owner;export'= {
            cand --for 'Only carry the exchange keys for these delegates (repeatable): the document then does not reveal whom else the owner shares with'
            cand -o 'Output file, or - for stdout'
            cand --output 'Output file, or - for stdout'
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --force 'Replace FILE if it exists (refused otherwise)'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;owner;import'= {
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --replace 'Accept public keys that differ from the ones already known'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;owner;verify'= {
            cand --fingerprint 'The fingerprint the owner gave you (64 hex digits)'
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;owner;fingerprint'= {
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --all 'Every key of the owner, old ones included, not only the current one'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;owner;csr'= {
            cand --subject 'Subject as RFC 4514, e.g. "CN=Dr Alice,O=Hospital,C=BE" [default: CN=<name>,UID=<id>]'
            cand -o 'Output file, or - for stdout'
            cand --output 'Output file, or - for stdout'
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;owner;import-cert'= {
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;owner;remove'= {
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --force 'Also when the owner''s private keys are held here (destroys them)'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;owner;help'= {
            cand list 'List the data owners in the keystore'
            cand show 'Show one owner: keys, fingerprints, trust, exchange keys (never key bytes)'
            cand export 'Write the owner''s public document (public keys and exchange keys, never a private key)'
            cand import 'Merge an owner document into this keystore (its keys start unverified)'
            cand verify 'Mark a key verified after comparing its fingerprint out of band'
            cand fingerprint 'Print the fingerprint of the owner''s current key (--all: every key)'
            cand csr 'Write a PKCS#10 certificate request for the owner''s current key, signed with it'
            cand import-cert 'Attach the certificate a CA issued for one of the owner''s keys (verifies the key if it chains to a trust anchor)'
            cand remove 'Remove an owner from the keystore'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ehrcrypt;owner;help;list'= {
        }
        &'ehrcrypt;owner;help;show'= {
        }
        &'ehrcrypt;owner;help;export'= {
        }
        &'ehrcrypt;owner;help;import'= {
        }
        &'ehrcrypt;owner;help;verify'= {
        }
        &'ehrcrypt;owner;help;fingerprint'= {
        }
        &'ehrcrypt;owner;help;csr'= {
        }
        &'ehrcrypt;owner;help;import-cert'= {
        }
        &'ehrcrypt;owner;help;remove'= {
        }
        &'ehrcrypt;owner;help;help'= {
        }
        &'ehrcrypt;key'= {
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand export-private 'Write an owner''s private key as encrypted PKCS#8 PEM (file created 0600)'
            cand import-private 'Import a PKCS#8 PEM private key (encrypted or not) for an owner'
            cand add 'Generate a new key pair for an owner held here (key rotation); old keys stay for old data'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ehrcrypt;key;export-private'= {
            cand --fingerprint 'Which key [default: the current one]'
            cand -o 'Output file (stdout is refused: private keys never go there)'
            cand --output 'Output file (stdout is refused: private keys never go there)'
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --force 'Replace FILE if it exists (refused otherwise)'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;key;import-private'= {
            cand --name 'Name, when the owner is not in the keystore yet'
            cand --kind 'Kind, when the owner is not in the keystore yet'
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;key;add'= {
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;key;help'= {
            cand export-private 'Write an owner''s private key as encrypted PKCS#8 PEM (file created 0600)'
            cand import-private 'Import a PKCS#8 PEM private key (encrypted or not) for an owner'
            cand add 'Generate a new key pair for an owner held here (key rotation); old keys stay for old data'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ehrcrypt;key;help;export-private'= {
        }
        &'ehrcrypt;key;help;import-private'= {
        }
        &'ehrcrypt;key;help;add'= {
        }
        &'ehrcrypt;key;help;help'= {
        }
        &'ehrcrypt;hcp-key'= {
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand exchange 'Create (or reuse) the exchange key that FROM uses to delegate to TO'
            cand check 'Open each exchange key DELEGATOR→DELEGATE with ME''s private keys held here and report which open (signature checked; key bytes never shown)'
            cand list 'List exchange keys (metadata only, never key bytes)'
            cand show 'Show the exchange keys of one pair (metadata only)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ehrcrypt;hcp-key;exchange'= {
            cand --from 'The delegator, an owner whose private key is held here'
            cand --to 'The delegate (FROM itself for the self key {AA})'
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --rotate 'Make a new key even if a valid one exists; the old one stays for old data'
            cand --allow-unverified 'Also wrap for the delegate''s unverified keys (not recommended)'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;hcp-key;check'= {
            cand --as 'The owner whose private keys unwrap the keys'
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;hcp-key;list'= {
            cand --owner 'Only those created by this owner'
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;hcp-key;show'= {
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;hcp-key;help'= {
            cand exchange 'Create (or reuse) the exchange key that FROM uses to delegate to TO'
            cand check 'Open each exchange key DELEGATOR→DELEGATE with ME''s private keys held here and report which open (signature checked; key bytes never shown)'
            cand list 'List exchange keys (metadata only, never key bytes)'
            cand show 'Show the exchange keys of one pair (metadata only)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ehrcrypt;hcp-key;help;exchange'= {
        }
        &'ehrcrypt;hcp-key;help;check'= {
        }
        &'ehrcrypt;hcp-key;help;list'= {
        }
        &'ehrcrypt;hcp-key;help;show'= {
        }
        &'ehrcrypt;hcp-key;help;help'= {
        }
        &'ehrcrypt;entity'= {
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand encrypt 'Encrypt plaintext JSON records into entities'
            cand decrypt 'Decrypt entities back into the original JSON records'
            cand children 'List the entities in DIR… linked to a patient (via its secret id)'
            cand upgrade 'Rewrite ehrcrypt/entity/v1 files as v2, in place (v2 files are left as they are)'
            cand parent 'Find the patient an entity belongs to (via its encrypted parent id)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ehrcrypt;entity;encrypt'= {
            cand --as 'The data owner who encrypts (its private key must be here)'
            cand --kind 'What the records are: patient, contact, form or health-element'
            cand --parent 'The patient entity these records belong to (contacts, forms, health elements)'
            cand --share-with 'Also give this data owner access (repeatable)'
            cand --clear 'Keep this field in clear for indexing (dotted path, repeatable)'
            cand --config 'Config file with per-kind clear fields [default: ehrcrypt''s config dir]'
            cand --attach 'Attach a file, streamed into a sidecar beside the output ([NAME=]FILE, repeatable; one input, -o FILE)'
            cand -o 'Output file for a single input (- for stdout, the default; s3://BUCKET/KEY)'
            cand --output 'Output file for a single input (- for stdout, the default; s3://BUCKET/KEY)'
            cand --out-dir 'Write one file per input into DIR (created if missing), named by the rule: encrypting adds .enc.json, decrypting removes it (or s3://BUCKET/PREFIX/)'
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --allow-unverified 'Allow new exchange keys for unverified delegate keys'
            cand --force 'Replace output files that already exist (refused otherwise)'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;entity;decrypt'= {
            cand --as 'The data owner who decrypts'
            cand --attachment 'Write this attachment (by name) instead of the record (one input; -o FILE or - for stdout)'
            cand -o 'Output file for a single input (- for stdout, the default; s3://BUCKET/KEY)'
            cand --output 'Output file for a single input (- for stdout, the default; s3://BUCKET/KEY)'
            cand --out-dir 'Write one file per input into DIR (created if missing), named by the rule: encrypting adds .enc.json, decrypting removes it (or s3://BUCKET/PREFIX/)'
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --force 'Replace output files that already exist (refused otherwise)'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;entity;children'= {
            cand --as 'The data owner who reads the patient''s secret id (its private key must be here)'
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;entity;upgrade'= {
            cand --as 'The data owner who upgrades; it must be able to read every entity'
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --allow-unverified 'Allow new exchange keys for unverified delegate keys (prints a warning)'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;entity;parent'= {
            cand --as 'The data owner who reads the parent link (its private key must be here)'
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;entity;help'= {
            cand encrypt 'Encrypt plaintext JSON records into entities'
            cand decrypt 'Decrypt entities back into the original JSON records'
            cand children 'List the entities in DIR… linked to a patient (via its secret id)'
            cand upgrade 'Rewrite ehrcrypt/entity/v1 files as v2, in place (v2 files are left as they are)'
            cand parent 'Find the patient an entity belongs to (via its encrypted parent id)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ehrcrypt;entity;help;encrypt'= {
        }
        &'ehrcrypt;entity;help;decrypt'= {
        }
        &'ehrcrypt;entity;help;children'= {
        }
        &'ehrcrypt;entity;help;upgrade'= {
        }
        &'ehrcrypt;entity;help;parent'= {
        }
        &'ehrcrypt;entity;help;help'= {
        }
        &'ehrcrypt;delegation'= {
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand share 'Give other data owners access to entities you can read (the payload is not touched)'
            cand list 'Who has access to entities: v1 from their metadata; v2 only what the keys of --as OWNER reveal (without --as: the number of entries)'
            cand revoke 'Take access back: remove a data owner''s entries (--rekey: also re-encrypt)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ehrcrypt;delegation;share'= {
            cand --as 'The data owner who shares; it must be able to read every entity'
            cand --with 'The data owner to give access to (repeatable)'
            cand --with-children 'Also share every entity under DIR (or s3://BUCKET/PREFIX/) linked to the given patients through their secret id (repeatable)'
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --allow-unverified 'Allow new exchange keys for unverified delegate keys (prints a warning)'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;delegation;list'= {
            cand --as 'Read v2 entities as this data owner (needs its private key)'
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;delegation;revoke'= {
            cand --as 'The data owner who revokes; it must be able to read every entity'
            cand --from 'The data owner whose access is removed (repeatable)'
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --rekey 'Also re-encrypt under a fresh entity key, wrapped again for every remaining delegate'
            cand --allow-unverified 'With --rekey: allow new exchange keys for unverified delegate keys'
            cand --force 'Also when OWNER (--as) revokes its own access: it can no longer read the entities then'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;delegation;help'= {
            cand share 'Give other data owners access to entities you can read (the payload is not touched)'
            cand list 'Who has access to entities: v1 from their metadata; v2 only what the keys of --as OWNER reveal (without --as: the number of entries)'
            cand revoke 'Take access back: remove a data owner''s entries (--rekey: also re-encrypt)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ehrcrypt;delegation;help;share'= {
        }
        &'ehrcrypt;delegation;help;list'= {
        }
        &'ehrcrypt;delegation;help;revoke'= {
        }
        &'ehrcrypt;delegation;help;help'= {
        }
        &'ehrcrypt;share'= {
            cand --as 'The data owner who shares; it must be able to read every entity'
            cand --with 'The data owner to give access to (repeatable)'
            cand --with-children 'Also share every entity under DIR (or s3://BUCKET/PREFIX/) linked to the given patients through their secret id (repeatable)'
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --allow-unverified 'Allow new exchange keys for unverified delegate keys (prints a warning)'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;backup'= {
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand create 'Encrypt records under a fresh key into a bucket, and print the emergency card'
            cand inspect 'Show a bucket''s objects, signer, appendices and access log (no key needed)'
            cand restore 'Decrypt a bucket with its card: the patient''s own restore'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ehrcrypt;backup;create'= {
            cand --as 'The patient whose key signs the card (its private key must be here)'
            cand --bucket 'The bucket directory to create (must not exist, or be empty), or s3://BUCKET/PREFIX/ (must hold no object). `-o`/`--output` is the old spelling, kept for one release: `-o` names a file everywhere else'
            cand --qr 'Write the card''s QR code: CARD.png, CARD.svg, or - for the terminal'
            cand --location 'Where the bucket will be stored (a URL), printed on the card'
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --print-card 'Print the card''s text (it holds the key) on stdout, for scripts. `--qr-text` is the old spelling, kept for one release: elsewhere it takes the card''s text'
            cand --force 'Replace an existing card file (refused otherwise: the old card may be the only key to an old backup). The bucket is never replaced'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;backup;inspect'= {
            cand --qr 'Also open the sealed names and check access-log MACs with the card (PNG or text file)'
            cand --qr-text 'The card''s text, or - for stdin (same as --qr)'
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;backup;restore'= {
            cand --qr 'The card: a PNG of its QR code, or a file holding its text'
            cand --qr-text 'The card''s text as a scanner gives it (ehrbk1:...), or - to read it from stdin'
            cand --out-dir 'Where the records go (created if missing); NAME.enc.json is written as NAME.json'
            cand --signer 'The patient who must have signed the card (a verified owner of the keystore)'
            cand --signer-key 'The patient''s public key (SPKI PEM) that must have signed the card'
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --force 'Replace files that already exist in DIR (refused otherwise)'
            cand --no-verify 'Go on when no trusted key can check the card''s signature (loud warning)'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;backup;help'= {
            cand create 'Encrypt records under a fresh key into a bucket, and print the emergency card'
            cand inspect 'Show a bucket''s objects, signer, appendices and access log (no key needed)'
            cand restore 'Decrypt a bucket with its card: the patient''s own restore'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ehrcrypt;backup;help;create'= {
        }
        &'ehrcrypt;backup;help;inspect'= {
        }
        &'ehrcrypt;backup;help;restore'= {
        }
        &'ehrcrypt;backup;help;help'= {
        }
        &'ehrcrypt;emergency'= {
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand decrypt 'Verify a patient''s card and bucket, log the access, and decrypt the records'
            cand append 'Add records to a patient''s bucket under the card''s key, signed by you'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ehrcrypt;emergency;decrypt'= {
            cand --qr 'The card: a PNG of its QR code, or a file holding its text'
            cand --qr-text 'The card''s text as a scanner gives it (ehrbk1:...), or - to read it from stdin'
            cand --signer 'The patient who must have signed the card (a verified owner of the keystore)'
            cand --signer-key 'The patient''s public key (SPKI PEM) that must have signed the card'
            cand --as 'The professional accessing the records: signs the access-log record'
            cand --reencrypt-as 'Write each record as an ehrcrypt entity of HCP instead of plaintext'
            cand --kind 'Entity kind for records whose kind the backup does not record'
            cand --out-dir 'Where the records go (created if missing); plaintext as NAME.json, re-encrypted entities as NAME.enc.json'
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --no-verify 'Go on when no trusted key can check the card''s signature (loud warning)'
            cand --force 'Replace files that already exist in DIR (refused otherwise)'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;emergency;append'= {
            cand --qr 'The card: a PNG of its QR code, or a file holding its text'
            cand --qr-text 'The card''s text as a scanner gives it (ehrbk1:...), or - to read it from stdin'
            cand --as 'The professional adding records (its private key signs them)'
            cand --signer 'The patient who must have signed the card (a verified owner of the keystore)'
            cand --signer-key 'The patient''s public key (SPKI PEM) that must have signed the card'
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --no-verify 'Go on when no trusted key can check the card''s signature (loud warning)'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;emergency;help'= {
            cand decrypt 'Verify a patient''s card and bucket, log the access, and decrypt the records'
            cand append 'Add records to a patient''s bucket under the card''s key, signed by you'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ehrcrypt;emergency;help;decrypt'= {
        }
        &'ehrcrypt;emergency;help;append'= {
        }
        &'ehrcrypt;emergency;help;help'= {
        }
        &'ehrcrypt;research'= {
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand init 'Publish your research key (derived from your RSA key), so that clinics can grant you studies'
            cand publish 'Pseudonymise FHIR records and publish them, encrypted, into a study directory'
            cand grant 'Grant a researcher a study: one key-fragment file per proxy'
            cand proxy 'Re-encrypt a study''s records for a grant with one key fragment (no private key needed)'
            cand open 'Open the records of a study granted to you, from the proxies'' capsule fragments'
            cand revoke 'Withdraw a researcher''s grants (consent withdrawn); new records go to a new key'
            cand reidentify 'The patient id behind a study pseudonym (the clinic only)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ehrcrypt;research;init'= {
            cand --as 'The owner (held here) that will receive studies'
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;research;publish'= {
            cand --as 'The clinic (held here) that owns the records'
            cand --study 'The study name (letters, digits, ''-'', ''_'', ''.'')'
            cand --out 'The study directory (created on first publication)'
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --keep-notes 'Keep free-text notes (`note`); they are dropped by default'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;research;grant'= {
            cand --as 'The clinic (held here)'
            cand --to 'The researcher: its research key must be signed by a key verified here'
            cand --study 'The study name'
            cand --threshold 'Fragments needed to re-encrypt'
            cand --proxies 'Fragments made, one per proxy'
            cand --out-dir 'New directory for the fragment files (0600; one to each proxy)'
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;research;proxy'= {
            cand --fragment 'The fragment file this proxy was given'
            cand --out-dir 'Where to write capsule fragments [default: STUDYDIR/cfrags/GRANT/N]'
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;research;open'= {
            cand --as 'The researcher (held here)'
            cand --out-dir 'New directory for the opened records (one RDS message per patient)'
            cand --cfrags 'Directories of capsule fragments [default: STUDYDIR/cfrags]'
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --no-verify 'Open even if the clinic''s key is not verified here (warns)'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;research;revoke'= {
            cand --as 'The clinic (held here)'
            cand --from 'The researcher whose grants end'
            cand --study 'The study name'
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;research;reidentify'= {
            cand --as 'The clinic (held here)'
            cand --study 'The study name'
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;research;help'= {
            cand init 'Publish your research key (derived from your RSA key), so that clinics can grant you studies'
            cand publish 'Pseudonymise FHIR records and publish them, encrypted, into a study directory'
            cand grant 'Grant a researcher a study: one key-fragment file per proxy'
            cand proxy 'Re-encrypt a study''s records for a grant with one key fragment (no private key needed)'
            cand open 'Open the records of a study granted to you, from the proxies'' capsule fragments'
            cand revoke 'Withdraw a researcher''s grants (consent withdrawn); new records go to a new key'
            cand reidentify 'The patient id behind a study pseudonym (the clinic only)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ehrcrypt;research;help;init'= {
        }
        &'ehrcrypt;research;help;publish'= {
        }
        &'ehrcrypt;research;help;grant'= {
        }
        &'ehrcrypt;research;help;proxy'= {
        }
        &'ehrcrypt;research;help;open'= {
        }
        &'ehrcrypt;research;help;revoke'= {
        }
        &'ehrcrypt;research;help;reidentify'= {
        }
        &'ehrcrypt;research;help;help'= {
        }
        &'ehrcrypt;fhir'= {
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand import 'Encrypt each resource of FHIR Bundles or ndjson files as an entity, linked to its patient'
            cand export 'Decrypt the FHIR records you can read back into one Bundle (or ndjson)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ehrcrypt;fhir;import'= {
            cand --as 'The data owner who encrypts (its private key must be here)'
            cand --share-with 'Also give this data owner access (repeatable)'
            cand --out-dir 'Directory for the entities (created whole if it does not exist), or s3://BUCKET/PREFIX/ (each object created, never replacing one)'
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --allow-unverified 'Allow new exchange keys for unverified delegate keys'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;fhir;export'= {
            cand --as 'The data owner who decrypts'
            cand --patient 'Only this patient''s compartment (the Patient''s FHIR id)'
            cand -o 'Output file (- for stdout, the default)'
            cand --output 'Output file (- for stdout, the default)'
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --ndjson 'One resource per line instead of a Bundle'
            cand --force 'Replace an existing output file'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;fhir;help'= {
            cand import 'Encrypt each resource of FHIR Bundles or ndjson files as an entity, linked to its patient'
            cand export 'Decrypt the FHIR records you can read back into one Bundle (or ndjson)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ehrcrypt;fhir;help;import'= {
        }
        &'ehrcrypt;fhir;help;export'= {
        }
        &'ehrcrypt;fhir;help;help'= {
        }
        &'ehrcrypt;pair'= {
            cand --as 'The data owner on this device (its private key is held here)'
            cand --listen 'Listen on ADDR (HOST or HOST:PORT; default 127.0.0.1, any free port), print a one-time code, and wait for one connection'
            cand --code 'The one-time code the listening side shows (- reads it from stdin)'
            cand --timeout 'Seconds to wait for the other side''s next message'
            cand --wait 'With --listen: seconds the code stays valid (at most 300)'
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;send'= {
            cand --as 'The data owner who sends; it must be able to read every entity'
            cand --to 'The data owner on the other device; anyone else is refused'
            cand --listen 'Listen on ADDR (HOST or HOST:PORT; default 127.0.0.1, any free port), print a one-time code, and wait for one connection'
            cand --code 'The one-time code the listening side shows (- reads it from stdin)'
            cand --timeout 'Seconds to wait for the other side''s next message'
            cand --wait 'With --listen: seconds the code stays valid (at most 300)'
            cand --connect 'With --code: the listening side''s HOST:PORT'
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;receive'= {
            cand --as 'The data owner who receives (its private key is held here)'
            cand --from 'Accept records only from this data owner'
            cand --out-dir 'Directory for the records: created, or an existing one (nothing in it is overwritten)'
            cand --max-size 'Refuse a transfer larger than SIZE (bytes, or with K, M, G)'
            cand --listen 'Listen on ADDR (HOST or HOST:PORT; default 127.0.0.1, any free port), print a one-time code, and wait for one connection'
            cand --code 'The one-time code the listening side shows (- reads it from stdin)'
            cand --timeout 'Seconds to wait for the other side''s next message'
            cand --wait 'With --listen: seconds the code stays valid (at most 300)'
            cand --connect 'With --code: the listening side''s HOST:PORT'
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;icure'= {
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand import-key 'Import a private key as iCure or Cardinal stores it (hex PKCS#8, SDK key storage JSON)'
            cand import-owner 'Import data owner documents as the iCure REST API returns them (keys arrive unverified)'
            cand decrypt 'Decrypt a legacy iCure record as the SDK would return it'
            cand check 'Report the weaknesses found in a folder of iCure data'
            cand migrate 'Move legacy iCure records to authenticated ehrcrypt entities'
            cand share 'Add a delegate to an iCure or Cardinal record in its own (unauthenticated) format'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ehrcrypt;icure;import-key'= {
            cand --id 'The data owner the key belongs to (needed for hex; selects one owner of a storage dump)'
            cand --name 'Display name if the owner is new'
            cand --kind 'Kind if the owner is new'
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;icure;import-owner'= {
            cand --kind 'The owners'' kind [default: guessed from the document]'
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;icure;decrypt'= {
            cand --as 'The data owner to read as (its private key must be in the keystore)'
            cand --type 'The record''s type [default: from `_type`]'
            cand -o 'Output file (- for stdout, the default); written 0600'
            cand --output 'Output file (- for stdout, the default); written 0600'
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --force 'Overwrite an existing output file'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;icure;check'= {
            cand --as 'Also open the records as this owner (entity key sizes, ids sealed in delegations)'
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;icure;migrate'= {
            cand --as 'The owner to read and re-encrypt as'
            cand -o 'Folder for the ehrcrypt entities: a new one is created whole or not at all; or s3://BUCKET/PREFIX/ (each object created, never replacing one)'
            cand --out-dir 'Folder for the ehrcrypt entities: a new one is created whole or not at all; or s3://BUCKET/PREFIX/ (each object created, never replacing one)'
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --force 'Write into an existing folder, replacing files of the same names'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;icure;share'= {
            cand --as 'The delegator (a delegate of the record, key in this keystore)'
            cand --with 'The new delegate'
            cand -o 'Output file for the record (- for stdout)'
            cand --output 'Output file for the record (- for stdout)'
            cand --owner-out 'Legacy records: where to write your updated owner document if a new exchange key is made (upload it too)'
            cand --exchange-data-out 'Cardinal records: where to write the new ExchangeData document if one is made (upload it too)'
            cand --exchange-data-map-out 'Cardinal records shared with a patient: where to write the ExchangeDataMap document (upload it too)'
            cand --signing-key 'Cardinal records: your SDK key storage JSON holding your signing key (org.taktik.icure.rsa.sign.<id>.self), to sign new exchange data as the SDK does'
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --i-know-it-is-unauthenticated 'Required: you accept that the format has no integrity protection'
            cand --force 'Overwrite existing output files'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;icure;help'= {
            cand import-key 'Import a private key as iCure or Cardinal stores it (hex PKCS#8, SDK key storage JSON)'
            cand import-owner 'Import data owner documents as the iCure REST API returns them (keys arrive unverified)'
            cand decrypt 'Decrypt a legacy iCure record as the SDK would return it'
            cand check 'Report the weaknesses found in a folder of iCure data'
            cand migrate 'Move legacy iCure records to authenticated ehrcrypt entities'
            cand share 'Add a delegate to an iCure or Cardinal record in its own (unauthenticated) format'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ehrcrypt;icure;help;import-key'= {
        }
        &'ehrcrypt;icure;help;import-owner'= {
        }
        &'ehrcrypt;icure;help;decrypt'= {
        }
        &'ehrcrypt;icure;help;check'= {
        }
        &'ehrcrypt;icure;help;migrate'= {
        }
        &'ehrcrypt;icure;help;share'= {
        }
        &'ehrcrypt;icure;help;help'= {
        }
        &'ehrcrypt;demo'= {
            cand --keep 'Keep the demo''s files in DIR (created; must be empty) instead of a temporary directory'
            cand --store 'Run the backup and emergency steps against this object-store prefix (s3://BUCKET/PREFIX/, configured by the AWS_* variables) instead of a local folder'
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;completions'= {
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --dynamic 'Print the script that registers dynamic completion instead, which also completes owner ids from the keystore (it runs ehrcrypt at each completion)'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;man-pages'= {
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;trust'= {
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand add 'Trust a CA certificate (a root) as an anchor: keys it certifies become verified'
            cand list 'List the trust anchors and CRLs'
            cand remove 'Stop trusting an anchor (by the fingerprint `trust list` shows)'
            cand crl 'Certificate revocation lists'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ehrcrypt;trust;add'= {
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;trust;list'= {
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;trust;remove'= {
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;trust;crl'= {
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand add 'Add (or update) a CRL signed by an anchor or a known intermediate CA'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ehrcrypt;trust;crl;add'= {
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;trust;crl;help'= {
            cand add 'Add (or update) a CRL signed by an anchor or a known intermediate CA'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ehrcrypt;trust;crl;help;add'= {
        }
        &'ehrcrypt;trust;crl;help;help'= {
        }
        &'ehrcrypt;trust;help'= {
            cand add 'Trust a CA certificate (a root) as an anchor: keys it certifies become verified'
            cand list 'List the trust anchors and CRLs'
            cand remove 'Stop trusting an anchor (by the fingerprint `trust list` shows)'
            cand crl 'Certificate revocation lists'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ehrcrypt;trust;help;add'= {
        }
        &'ehrcrypt;trust;help;list'= {
        }
        &'ehrcrypt;trust;help;remove'= {
        }
        &'ehrcrypt;trust;help;crl'= {
            cand add 'Add (or update) a CRL signed by an anchor or a known intermediate CA'
        }
        &'ehrcrypt;trust;help;crl;add'= {
        }
        &'ehrcrypt;trust;help;help'= {
        }
        &'ehrcrypt;agent'= {
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand start 'Start an agent in the background; print the shell lines that point commands at it'
            cand run 'Run an agent in the foreground on SOCKET (for a service manager)'
            cand status 'Show the keys the agent in EHRCRYPT_AGENT holds and when it ends'
            cand stop 'Make the agent in EHRCRYPT_AGENT forget its keys and exit'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ehrcrypt;agent;start'= {
            cand --as 'Hold the keys of OWNER only (repeatable) [default: every owner with a private key here]'
            cand --lifetime 'How long the keys are held, e.g. 30m, 8h, 1d; 0 holds them until `agent stop`'
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;agent;run'= {
            cand --socket 'Where to listen'
            cand --as 'Hold the keys of OWNER only (repeatable) [default: every owner with a private key here]'
            cand --lifetime 'How long the keys are held, e.g. 30m, 8h, 1d; 0 holds them until `agent stop`'
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --owns-dir 'SOCKET''s directory was made for this agent: remove it at the end (set by `agent start`)'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;agent;status'= {
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;agent;stop'= {
            cand --keystore 'Keystore file [default: the platform data directory]'
            cand --passphrase-file 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt'
            cand --json 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
            cand -q 'Print nothing but results and errors'
            cand --quiet 'Print nothing but results and errors'
            cand -v 'Report expensive operations (RSA decryptions, key unlocks)'
            cand --verbose 'Report expensive operations (RSA decryptions, key unlocks)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ehrcrypt;agent;help'= {
            cand start 'Start an agent in the background; print the shell lines that point commands at it'
            cand run 'Run an agent in the foreground on SOCKET (for a service manager)'
            cand status 'Show the keys the agent in EHRCRYPT_AGENT holds and when it ends'
            cand stop 'Make the agent in EHRCRYPT_AGENT forget its keys and exit'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ehrcrypt;agent;help;start'= {
        }
        &'ehrcrypt;agent;help;run'= {
        }
        &'ehrcrypt;agent;help;status'= {
        }
        &'ehrcrypt;agent;help;stop'= {
        }
        &'ehrcrypt;agent;help;help'= {
        }
        &'ehrcrypt;help'= {
            cand keygen 'Generate an RSA-2048 key pair for a new data owner'
            cand owner 'List, show, export, import and verify data owners'
            cand key 'Administer private keys by hand (PEM that openssl reads)'
            cand hcp-key 'Pairwise exchange keys ("hcp keys") between data owners'
            cand entity 'Encrypt, decrypt and link patients, contacts, forms and health elements'
            cand delegation 'Share entities with other data owners, list who has access, revoke it'
            cand share 'Short for `delegation share`'
            cand backup 'Emergency backups to a QR card (R2D Backup): create, inspect, restore'
            cand emergency 'Read (and add to) a patient''s backup with their card (R2D Emergency)'
            cand research 'Research sharing: pseudonymised studies re-encrypted by proxies for researchers'
            cand fhir 'FHIR R4 Bundles and bulk-data ndjson in and out of encrypted entities'
            cand pair 'Pair with another device: a one-time code, and each side''s key verified'
            cand send 'Pair with another device and send it records (shared, not re-encrypted)'
            cand receive 'Pair with another device and receive records into a directory'
            cand icure 'Real iCure and Cardinal data: import keys and owners, decrypt, check, migrate, share'
            cand demo 'Run the whole flow on a throw-away keystore and narrate it'
            cand completions 'Print shell completions generated from this command line'
            cand man-pages 'Write one man page per command into DIR (for scripts/update-completions)'
            cand trust 'Certificate authorities this keystore trusts, and their revocation lists'
            cand agent 'Keep private keys unlocked for a session: the passphrase asked once, not per command'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ehrcrypt;help;keygen'= {
        }
        &'ehrcrypt;help;owner'= {
            cand list 'List the data owners in the keystore'
            cand show 'Show one owner: keys, fingerprints, trust, exchange keys (never key bytes)'
            cand export 'Write the owner''s public document (public keys and exchange keys, never a private key)'
            cand import 'Merge an owner document into this keystore (its keys start unverified)'
            cand verify 'Mark a key verified after comparing its fingerprint out of band'
            cand fingerprint 'Print the fingerprint of the owner''s current key (--all: every key)'
            cand csr 'Write a PKCS#10 certificate request for the owner''s current key, signed with it'
            cand import-cert 'Attach the certificate a CA issued for one of the owner''s keys (verifies the key if it chains to a trust anchor)'
            cand remove 'Remove an owner from the keystore'
        }
        &'ehrcrypt;help;owner;list'= {
        }
        &'ehrcrypt;help;owner;show'= {
        }
        &'ehrcrypt;help;owner;export'= {
        }
        &'ehrcrypt;help;owner;import'= {
        }
        &'ehrcrypt;help;owner;verify'= {
        }
        &'ehrcrypt;help;owner;fingerprint'= {
        }
        &'ehrcrypt;help;owner;csr'= {
        }
        &'ehrcrypt;help;owner;import-cert'= {
        }
        &'ehrcrypt;help;owner;remove'= {
        }
        &'ehrcrypt;help;key'= {
            cand export-private 'Write an owner''s private key as encrypted PKCS#8 PEM (file created 0600)'
            cand import-private 'Import a PKCS#8 PEM private key (encrypted or not) for an owner'
            cand add 'Generate a new key pair for an owner held here (key rotation); old keys stay for old data'
        }
        &'ehrcrypt;help;key;export-private'= {
        }
        &'ehrcrypt;help;key;import-private'= {
        }
        &'ehrcrypt;help;key;add'= {
        }
        &'ehrcrypt;help;hcp-key'= {
            cand exchange 'Create (or reuse) the exchange key that FROM uses to delegate to TO'
            cand check 'Open each exchange key DELEGATOR→DELEGATE with ME''s private keys held here and report which open (signature checked; key bytes never shown)'
            cand list 'List exchange keys (metadata only, never key bytes)'
            cand show 'Show the exchange keys of one pair (metadata only)'
        }
        &'ehrcrypt;help;hcp-key;exchange'= {
        }
        &'ehrcrypt;help;hcp-key;check'= {
        }
        &'ehrcrypt;help;hcp-key;list'= {
        }
        &'ehrcrypt;help;hcp-key;show'= {
        }
        &'ehrcrypt;help;entity'= {
            cand encrypt 'Encrypt plaintext JSON records into entities'
            cand decrypt 'Decrypt entities back into the original JSON records'
            cand children 'List the entities in DIR… linked to a patient (via its secret id)'
            cand upgrade 'Rewrite ehrcrypt/entity/v1 files as v2, in place (v2 files are left as they are)'
            cand parent 'Find the patient an entity belongs to (via its encrypted parent id)'
        }
        &'ehrcrypt;help;entity;encrypt'= {
        }
        &'ehrcrypt;help;entity;decrypt'= {
        }
        &'ehrcrypt;help;entity;children'= {
        }
        &'ehrcrypt;help;entity;upgrade'= {
        }
        &'ehrcrypt;help;entity;parent'= {
        }
        &'ehrcrypt;help;delegation'= {
            cand share 'Give other data owners access to entities you can read (the payload is not touched)'
            cand list 'Who has access to entities: v1 from their metadata; v2 only what the keys of --as OWNER reveal (without --as: the number of entries)'
            cand revoke 'Take access back: remove a data owner''s entries (--rekey: also re-encrypt)'
        }
        &'ehrcrypt;help;delegation;share'= {
        }
        &'ehrcrypt;help;delegation;list'= {
        }
        &'ehrcrypt;help;delegation;revoke'= {
        }
        &'ehrcrypt;help;share'= {
        }
        &'ehrcrypt;help;backup'= {
            cand create 'Encrypt records under a fresh key into a bucket, and print the emergency card'
            cand inspect 'Show a bucket''s objects, signer, appendices and access log (no key needed)'
            cand restore 'Decrypt a bucket with its card: the patient''s own restore'
        }
        &'ehrcrypt;help;backup;create'= {
        }
        &'ehrcrypt;help;backup;inspect'= {
        }
        &'ehrcrypt;help;backup;restore'= {
        }
        &'ehrcrypt;help;emergency'= {
            cand decrypt 'Verify a patient''s card and bucket, log the access, and decrypt the records'
            cand append 'Add records to a patient''s bucket under the card''s key, signed by you'
        }
        &'ehrcrypt;help;emergency;decrypt'= {
        }
        &'ehrcrypt;help;emergency;append'= {
        }
        &'ehrcrypt;help;research'= {
            cand init 'Publish your research key (derived from your RSA key), so that clinics can grant you studies'
            cand publish 'Pseudonymise FHIR records and publish them, encrypted, into a study directory'
            cand grant 'Grant a researcher a study: one key-fragment file per proxy'
            cand proxy 'Re-encrypt a study''s records for a grant with one key fragment (no private key needed)'
            cand open 'Open the records of a study granted to you, from the proxies'' capsule fragments'
            cand revoke 'Withdraw a researcher''s grants (consent withdrawn); new records go to a new key'
            cand reidentify 'The patient id behind a study pseudonym (the clinic only)'
        }
        &'ehrcrypt;help;research;init'= {
        }
        &'ehrcrypt;help;research;publish'= {
        }
        &'ehrcrypt;help;research;grant'= {
        }
        &'ehrcrypt;help;research;proxy'= {
        }
        &'ehrcrypt;help;research;open'= {
        }
        &'ehrcrypt;help;research;revoke'= {
        }
        &'ehrcrypt;help;research;reidentify'= {
        }
        &'ehrcrypt;help;fhir'= {
            cand import 'Encrypt each resource of FHIR Bundles or ndjson files as an entity, linked to its patient'
            cand export 'Decrypt the FHIR records you can read back into one Bundle (or ndjson)'
        }
        &'ehrcrypt;help;fhir;import'= {
        }
        &'ehrcrypt;help;fhir;export'= {
        }
        &'ehrcrypt;help;pair'= {
        }
        &'ehrcrypt;help;send'= {
        }
        &'ehrcrypt;help;receive'= {
        }
        &'ehrcrypt;help;icure'= {
            cand import-key 'Import a private key as iCure or Cardinal stores it (hex PKCS#8, SDK key storage JSON)'
            cand import-owner 'Import data owner documents as the iCure REST API returns them (keys arrive unverified)'
            cand decrypt 'Decrypt a legacy iCure record as the SDK would return it'
            cand check 'Report the weaknesses found in a folder of iCure data'
            cand migrate 'Move legacy iCure records to authenticated ehrcrypt entities'
            cand share 'Add a delegate to an iCure or Cardinal record in its own (unauthenticated) format'
        }
        &'ehrcrypt;help;icure;import-key'= {
        }
        &'ehrcrypt;help;icure;import-owner'= {
        }
        &'ehrcrypt;help;icure;decrypt'= {
        }
        &'ehrcrypt;help;icure;check'= {
        }
        &'ehrcrypt;help;icure;migrate'= {
        }
        &'ehrcrypt;help;icure;share'= {
        }
        &'ehrcrypt;help;demo'= {
        }
        &'ehrcrypt;help;completions'= {
        }
        &'ehrcrypt;help;man-pages'= {
        }
        &'ehrcrypt;help;trust'= {
            cand add 'Trust a CA certificate (a root) as an anchor: keys it certifies become verified'
            cand list 'List the trust anchors and CRLs'
            cand remove 'Stop trusting an anchor (by the fingerprint `trust list` shows)'
            cand crl 'Certificate revocation lists'
        }
        &'ehrcrypt;help;trust;add'= {
        }
        &'ehrcrypt;help;trust;list'= {
        }
        &'ehrcrypt;help;trust;remove'= {
        }
        &'ehrcrypt;help;trust;crl'= {
            cand add 'Add (or update) a CRL signed by an anchor or a known intermediate CA'
        }
        &'ehrcrypt;help;trust;crl;add'= {
        }
        &'ehrcrypt;help;agent'= {
            cand start 'Start an agent in the background; print the shell lines that point commands at it'
            cand run 'Run an agent in the foreground on SOCKET (for a service manager)'
            cand status 'Show the keys the agent in EHRCRYPT_AGENT holds and when it ends'
            cand stop 'Make the agent in EHRCRYPT_AGENT forget its keys and exit'
        }
        &'ehrcrypt;help;agent;start'= {
        }
        &'ehrcrypt;help;agent;run'= {
        }
        &'ehrcrypt;help;agent;status'= {
        }
        &'ehrcrypt;help;agent;stop'= {
        }
        &'ehrcrypt;help;help'= {
        }
    ]
    $completions[$command]
}
