
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'ehrcrypt' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'ehrcrypt'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'ehrcrypt' {
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('keygen', 'keygen', [CompletionResultType]::ParameterValue, 'Generate an RSA-2048 key pair for a new data owner')
            [CompletionResult]::new('owner', 'owner', [CompletionResultType]::ParameterValue, 'List, show, export, import and verify data owners')
            [CompletionResult]::new('key', 'key', [CompletionResultType]::ParameterValue, 'Administer private keys by hand (PEM that openssl reads)')
            [CompletionResult]::new('hcp-key', 'hcp-key', [CompletionResultType]::ParameterValue, 'Pairwise exchange keys ("hcp keys") between data owners')
            [CompletionResult]::new('entity', 'entity', [CompletionResultType]::ParameterValue, 'Encrypt, decrypt and link patients, contacts, forms and health elements')
            [CompletionResult]::new('delegation', 'delegation', [CompletionResultType]::ParameterValue, 'Share entities with other data owners, list who has access, revoke it')
            [CompletionResult]::new('share', 'share', [CompletionResultType]::ParameterValue, 'Short for `delegation share`')
            [CompletionResult]::new('backup', 'backup', [CompletionResultType]::ParameterValue, 'Emergency backups to a QR card (R2D Backup): create, inspect, restore')
            [CompletionResult]::new('emergency', 'emergency', [CompletionResultType]::ParameterValue, 'Read (and add to) a patient''s backup with their card (R2D Emergency)')
            [CompletionResult]::new('research', 'research', [CompletionResultType]::ParameterValue, 'Research sharing: pseudonymised studies re-encrypted by proxies for researchers')
            [CompletionResult]::new('fhir', 'fhir', [CompletionResultType]::ParameterValue, 'FHIR R4 Bundles and bulk-data ndjson in and out of encrypted entities')
            [CompletionResult]::new('pair', 'pair', [CompletionResultType]::ParameterValue, 'Pair with another device: a one-time code, and each side''s key verified')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Pair with another device and send it records (shared, not re-encrypted)')
            [CompletionResult]::new('receive', 'receive', [CompletionResultType]::ParameterValue, 'Pair with another device and receive records into a directory')
            [CompletionResult]::new('icure', 'icure', [CompletionResultType]::ParameterValue, 'Real iCure and Cardinal data: import keys and owners, decrypt, check, migrate, share')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'Run the whole flow on a throw-away keystore and narrate it')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions generated from this command line')
            [CompletionResult]::new('man-pages', 'man-pages', [CompletionResultType]::ParameterValue, 'Write one man page per command into DIR (for scripts/update-completions)')
            [CompletionResult]::new('trust', 'trust', [CompletionResultType]::ParameterValue, 'Certificate authorities this keystore trusts, and their revocation lists')
            [CompletionResult]::new('agent', 'agent', [CompletionResultType]::ParameterValue, 'Keep private keys unlocked for a session: the passphrase asked once, not per command')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ehrcrypt;keygen' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Display name of the data owner')
            [CompletionResult]::new('--kind', '--kind', [CompletionResultType]::ParameterName, 'Kind of data owner: hcp, patient or device')
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'Identifier [default: a fresh UUID]')
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;owner' {
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the data owners in the keystore')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one owner: keys, fingerprints, trust, exchange keys (never key bytes)')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write the owner''s public document (public keys and exchange keys, never a private key)')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Merge an owner document into this keystore (its keys start unverified)')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Mark a key verified after comparing its fingerprint out of band')
            [CompletionResult]::new('fingerprint', 'fingerprint', [CompletionResultType]::ParameterValue, 'Print the fingerprint of the owner''s current key (--all: every key)')
            [CompletionResult]::new('csr', 'csr', [CompletionResultType]::ParameterValue, 'Write a PKCS#10 certificate request for the owner''s current key, signed with it')
            [CompletionResult]::new('import-cert', 'import-cert', [CompletionResultType]::ParameterValue, 'Attach the certificate a CA issued for one of the owner''s keys (verifies the key if it chains to a trust anchor)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove an owner from the keystore')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ehrcrypt;owner;list' {
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;owner;show' {
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;owner;export' {
            [CompletionResult]::new('--for', '--for', [CompletionResultType]::ParameterName, 'Only carry the exchange keys for these delegates (repeatable): the document then does not reveal whom else the owner shares with')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output file, or - for stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output file, or - for stdout')
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace FILE if it exists (refused otherwise)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;owner;import' {
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--replace', '--replace', [CompletionResultType]::ParameterName, 'Accept public keys that differ from the ones already known')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;owner;verify' {
            [CompletionResult]::new('--fingerprint', '--fingerprint', [CompletionResultType]::ParameterName, 'The fingerprint the owner gave you (64 hex digits)')
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;owner;fingerprint' {
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every key of the owner, old ones included, not only the current one')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;owner;csr' {
            [CompletionResult]::new('--subject', '--subject', [CompletionResultType]::ParameterName, 'Subject as RFC 4514, e.g. "CN=Dr Alice,O=Hospital,C=BE" [default: CN=<name>,UID=<id>]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output file, or - for stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output file, or - for stdout')
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;owner;import-cert' {
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;owner;remove' {
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Also when the owner''s private keys are held here (destroys them)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;owner;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the data owners in the keystore')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one owner: keys, fingerprints, trust, exchange keys (never key bytes)')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write the owner''s public document (public keys and exchange keys, never a private key)')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Merge an owner document into this keystore (its keys start unverified)')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Mark a key verified after comparing its fingerprint out of band')
            [CompletionResult]::new('fingerprint', 'fingerprint', [CompletionResultType]::ParameterValue, 'Print the fingerprint of the owner''s current key (--all: every key)')
            [CompletionResult]::new('csr', 'csr', [CompletionResultType]::ParameterValue, 'Write a PKCS#10 certificate request for the owner''s current key, signed with it')
            [CompletionResult]::new('import-cert', 'import-cert', [CompletionResultType]::ParameterValue, 'Attach the certificate a CA issued for one of the owner''s keys (verifies the key if it chains to a trust anchor)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove an owner from the keystore')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ehrcrypt;owner;help;list' {
            break
        }
        'ehrcrypt;owner;help;show' {
            break
        }
        'ehrcrypt;owner;help;export' {
            break
        }
        'ehrcrypt;owner;help;import' {
            break
        }
        'ehrcrypt;owner;help;verify' {
            break
        }
        'ehrcrypt;owner;help;fingerprint' {
            break
        }
        'ehrcrypt;owner;help;csr' {
            break
        }
        'ehrcrypt;owner;help;import-cert' {
            break
        }
        'ehrcrypt;owner;help;remove' {
            break
        }
        'ehrcrypt;owner;help;help' {
            break
        }
        'ehrcrypt;key' {
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('export-private', 'export-private', [CompletionResultType]::ParameterValue, 'Write an owner''s private key as encrypted PKCS#8 PEM (file created 0600)')
            [CompletionResult]::new('import-private', 'import-private', [CompletionResultType]::ParameterValue, 'Import a PKCS#8 PEM private key (encrypted or not) for an owner')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Generate a new key pair for an owner held here (key rotation); old keys stay for old data')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ehrcrypt;key;export-private' {
            [CompletionResult]::new('--fingerprint', '--fingerprint', [CompletionResultType]::ParameterName, 'Which key [default: the current one]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output file (stdout is refused: private keys never go there)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output file (stdout is refused: private keys never go there)')
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace FILE if it exists (refused otherwise)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;key;import-private' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Name, when the owner is not in the keystore yet')
            [CompletionResult]::new('--kind', '--kind', [CompletionResultType]::ParameterName, 'Kind, when the owner is not in the keystore yet')
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;key;add' {
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;key;help' {
            [CompletionResult]::new('export-private', 'export-private', [CompletionResultType]::ParameterValue, 'Write an owner''s private key as encrypted PKCS#8 PEM (file created 0600)')
            [CompletionResult]::new('import-private', 'import-private', [CompletionResultType]::ParameterValue, 'Import a PKCS#8 PEM private key (encrypted or not) for an owner')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Generate a new key pair for an owner held here (key rotation); old keys stay for old data')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ehrcrypt;key;help;export-private' {
            break
        }
        'ehrcrypt;key;help;import-private' {
            break
        }
        'ehrcrypt;key;help;add' {
            break
        }
        'ehrcrypt;key;help;help' {
            break
        }
        'ehrcrypt;hcp-key' {
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('exchange', 'exchange', [CompletionResultType]::ParameterValue, 'Create (or reuse) the exchange key that FROM uses to delegate to TO')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Open each exchange key DELEGATOR→DELEGATE with ME''s private keys held here and report which open (signature checked; key bytes never shown)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List exchange keys (metadata only, never key bytes)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show the exchange keys of one pair (metadata only)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ehrcrypt;hcp-key;exchange' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'The delegator, an owner whose private key is held here')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'The delegate (FROM itself for the self key {AA})')
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--rotate', '--rotate', [CompletionResultType]::ParameterName, 'Make a new key even if a valid one exists; the old one stays for old data')
            [CompletionResult]::new('--allow-unverified', '--allow-unverified', [CompletionResultType]::ParameterName, 'Also wrap for the delegate''s unverified keys (not recommended)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;hcp-key;check' {
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'The owner whose private keys unwrap the keys')
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;hcp-key;list' {
            [CompletionResult]::new('--owner', '--owner', [CompletionResultType]::ParameterName, 'Only those created by this owner')
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;hcp-key;show' {
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;hcp-key;help' {
            [CompletionResult]::new('exchange', 'exchange', [CompletionResultType]::ParameterValue, 'Create (or reuse) the exchange key that FROM uses to delegate to TO')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Open each exchange key DELEGATOR→DELEGATE with ME''s private keys held here and report which open (signature checked; key bytes never shown)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List exchange keys (metadata only, never key bytes)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show the exchange keys of one pair (metadata only)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ehrcrypt;hcp-key;help;exchange' {
            break
        }
        'ehrcrypt;hcp-key;help;check' {
            break
        }
        'ehrcrypt;hcp-key;help;list' {
            break
        }
        'ehrcrypt;hcp-key;help;show' {
            break
        }
        'ehrcrypt;hcp-key;help;help' {
            break
        }
        'ehrcrypt;entity' {
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('encrypt', 'encrypt', [CompletionResultType]::ParameterValue, 'Encrypt plaintext JSON records into entities')
            [CompletionResult]::new('decrypt', 'decrypt', [CompletionResultType]::ParameterValue, 'Decrypt entities back into the original JSON records')
            [CompletionResult]::new('children', 'children', [CompletionResultType]::ParameterValue, 'List the entities in DIR… linked to a patient (via its secret id)')
            [CompletionResult]::new('upgrade', 'upgrade', [CompletionResultType]::ParameterValue, 'Rewrite ehrcrypt/entity/v1 files as v2, in place (v2 files are left as they are)')
            [CompletionResult]::new('parent', 'parent', [CompletionResultType]::ParameterValue, 'Find the patient an entity belongs to (via its encrypted parent id)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ehrcrypt;entity;encrypt' {
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'The data owner who encrypts (its private key must be here)')
            [CompletionResult]::new('--kind', '--kind', [CompletionResultType]::ParameterName, 'What the records are: patient, contact, form or health-element')
            [CompletionResult]::new('--parent', '--parent', [CompletionResultType]::ParameterName, 'The patient entity these records belong to (contacts, forms, health elements)')
            [CompletionResult]::new('--share-with', '--share-with', [CompletionResultType]::ParameterName, 'Also give this data owner access (repeatable)')
            [CompletionResult]::new('--clear', '--clear', [CompletionResultType]::ParameterName, 'Keep this field in clear for indexing (dotted path, repeatable)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file with per-kind clear fields [default: ehrcrypt''s config dir]')
            [CompletionResult]::new('--attach', '--attach', [CompletionResultType]::ParameterName, 'Attach a file, streamed into a sidecar beside the output ([NAME=]FILE, repeatable; one input, -o FILE)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output file for a single input (- for stdout, the default; s3://BUCKET/KEY)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output file for a single input (- for stdout, the default; s3://BUCKET/KEY)')
            [CompletionResult]::new('--out-dir', '--out-dir', [CompletionResultType]::ParameterName, 'Write one file per input into DIR (created if missing), named by the rule: encrypting adds .enc.json, decrypting removes it (or s3://BUCKET/PREFIX/)')
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--allow-unverified', '--allow-unverified', [CompletionResultType]::ParameterName, 'Allow new exchange keys for unverified delegate keys')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace output files that already exist (refused otherwise)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;entity;decrypt' {
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'The data owner who decrypts')
            [CompletionResult]::new('--attachment', '--attachment', [CompletionResultType]::ParameterName, 'Write this attachment (by name) instead of the record (one input; -o FILE or - for stdout)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output file for a single input (- for stdout, the default; s3://BUCKET/KEY)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output file for a single input (- for stdout, the default; s3://BUCKET/KEY)')
            [CompletionResult]::new('--out-dir', '--out-dir', [CompletionResultType]::ParameterName, 'Write one file per input into DIR (created if missing), named by the rule: encrypting adds .enc.json, decrypting removes it (or s3://BUCKET/PREFIX/)')
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace output files that already exist (refused otherwise)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;entity;children' {
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'The data owner who reads the patient''s secret id (its private key must be here)')
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;entity;upgrade' {
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'The data owner who upgrades; it must be able to read every entity')
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--allow-unverified', '--allow-unverified', [CompletionResultType]::ParameterName, 'Allow new exchange keys for unverified delegate keys (prints a warning)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;entity;parent' {
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'The data owner who reads the parent link (its private key must be here)')
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;entity;help' {
            [CompletionResult]::new('encrypt', 'encrypt', [CompletionResultType]::ParameterValue, 'Encrypt plaintext JSON records into entities')
            [CompletionResult]::new('decrypt', 'decrypt', [CompletionResultType]::ParameterValue, 'Decrypt entities back into the original JSON records')
            [CompletionResult]::new('children', 'children', [CompletionResultType]::ParameterValue, 'List the entities in DIR… linked to a patient (via its secret id)')
            [CompletionResult]::new('upgrade', 'upgrade', [CompletionResultType]::ParameterValue, 'Rewrite ehrcrypt/entity/v1 files as v2, in place (v2 files are left as they are)')
            [CompletionResult]::new('parent', 'parent', [CompletionResultType]::ParameterValue, 'Find the patient an entity belongs to (via its encrypted parent id)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ehrcrypt;entity;help;encrypt' {
            break
        }
        'ehrcrypt;entity;help;decrypt' {
            break
        }
        'ehrcrypt;entity;help;children' {
            break
        }
        'ehrcrypt;entity;help;upgrade' {
            break
        }
        'ehrcrypt;entity;help;parent' {
            break
        }
        'ehrcrypt;entity;help;help' {
            break
        }
        'ehrcrypt;delegation' {
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('share', 'share', [CompletionResultType]::ParameterValue, 'Give other data owners access to entities you can read (the payload is not touched)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Who has access to entities: v1 from their metadata; v2 only what the keys of --as OWNER reveal (without --as: the number of entries)')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Take access back: remove a data owner''s entries (--rekey: also re-encrypt)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ehrcrypt;delegation;share' {
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'The data owner who shares; it must be able to read every entity')
            [CompletionResult]::new('--with', '--with', [CompletionResultType]::ParameterName, 'The data owner to give access to (repeatable)')
            [CompletionResult]::new('--with-children', '--with-children', [CompletionResultType]::ParameterName, 'Also share every entity under DIR (or s3://BUCKET/PREFIX/) linked to the given patients through their secret id (repeatable)')
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--allow-unverified', '--allow-unverified', [CompletionResultType]::ParameterName, 'Allow new exchange keys for unverified delegate keys (prints a warning)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;delegation;list' {
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Read v2 entities as this data owner (needs its private key)')
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;delegation;revoke' {
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'The data owner who revokes; it must be able to read every entity')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'The data owner whose access is removed (repeatable)')
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--rekey', '--rekey', [CompletionResultType]::ParameterName, 'Also re-encrypt under a fresh entity key, wrapped again for every remaining delegate')
            [CompletionResult]::new('--allow-unverified', '--allow-unverified', [CompletionResultType]::ParameterName, 'With --rekey: allow new exchange keys for unverified delegate keys')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Also when OWNER (--as) revokes its own access: it can no longer read the entities then')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;delegation;help' {
            [CompletionResult]::new('share', 'share', [CompletionResultType]::ParameterValue, 'Give other data owners access to entities you can read (the payload is not touched)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Who has access to entities: v1 from their metadata; v2 only what the keys of --as OWNER reveal (without --as: the number of entries)')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Take access back: remove a data owner''s entries (--rekey: also re-encrypt)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ehrcrypt;delegation;help;share' {
            break
        }
        'ehrcrypt;delegation;help;list' {
            break
        }
        'ehrcrypt;delegation;help;revoke' {
            break
        }
        'ehrcrypt;delegation;help;help' {
            break
        }
        'ehrcrypt;share' {
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'The data owner who shares; it must be able to read every entity')
            [CompletionResult]::new('--with', '--with', [CompletionResultType]::ParameterName, 'The data owner to give access to (repeatable)')
            [CompletionResult]::new('--with-children', '--with-children', [CompletionResultType]::ParameterName, 'Also share every entity under DIR (or s3://BUCKET/PREFIX/) linked to the given patients through their secret id (repeatable)')
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--allow-unverified', '--allow-unverified', [CompletionResultType]::ParameterName, 'Allow new exchange keys for unverified delegate keys (prints a warning)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;backup' {
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Encrypt records under a fresh key into a bucket, and print the emergency card')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Show a bucket''s objects, signer, appendices and access log (no key needed)')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Decrypt a bucket with its card: the patient''s own restore')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ehrcrypt;backup;create' {
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'The patient whose key signs the card (its private key must be here)')
            [CompletionResult]::new('--bucket', '--bucket', [CompletionResultType]::ParameterName, 'The bucket directory to create (must not exist, or be empty), or s3://BUCKET/PREFIX/ (must hold no object). `-o`/`--output` is the old spelling, kept for one release: `-o` names a file everywhere else')
            [CompletionResult]::new('--qr', '--qr', [CompletionResultType]::ParameterName, 'Write the card''s QR code: CARD.png, CARD.svg, or - for the terminal')
            [CompletionResult]::new('--location', '--location', [CompletionResultType]::ParameterName, 'Where the bucket will be stored (a URL), printed on the card')
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--print-card', '--print-card', [CompletionResultType]::ParameterName, 'Print the card''s text (it holds the key) on stdout, for scripts. `--qr-text` is the old spelling, kept for one release: elsewhere it takes the card''s text')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace an existing card file (refused otherwise: the old card may be the only key to an old backup). The bucket is never replaced')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;backup;inspect' {
            [CompletionResult]::new('--qr', '--qr', [CompletionResultType]::ParameterName, 'Also open the sealed names and check access-log MACs with the card (PNG or text file)')
            [CompletionResult]::new('--qr-text', '--qr-text', [CompletionResultType]::ParameterName, 'The card''s text, or - for stdin (same as --qr)')
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;backup;restore' {
            [CompletionResult]::new('--qr', '--qr', [CompletionResultType]::ParameterName, 'The card: a PNG of its QR code, or a file holding its text')
            [CompletionResult]::new('--qr-text', '--qr-text', [CompletionResultType]::ParameterName, 'The card''s text as a scanner gives it (ehrbk1:...), or - to read it from stdin')
            [CompletionResult]::new('--out-dir', '--out-dir', [CompletionResultType]::ParameterName, 'Where the records go (created if missing); NAME.enc.json is written as NAME.json')
            [CompletionResult]::new('--signer', '--signer', [CompletionResultType]::ParameterName, 'The patient who must have signed the card (a verified owner of the keystore)')
            [CompletionResult]::new('--signer-key', '--signer-key', [CompletionResultType]::ParameterName, 'The patient''s public key (SPKI PEM) that must have signed the card')
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace files that already exist in DIR (refused otherwise)')
            [CompletionResult]::new('--no-verify', '--no-verify', [CompletionResultType]::ParameterName, 'Go on when no trusted key can check the card''s signature (loud warning)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;backup;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Encrypt records under a fresh key into a bucket, and print the emergency card')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Show a bucket''s objects, signer, appendices and access log (no key needed)')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Decrypt a bucket with its card: the patient''s own restore')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ehrcrypt;backup;help;create' {
            break
        }
        'ehrcrypt;backup;help;inspect' {
            break
        }
        'ehrcrypt;backup;help;restore' {
            break
        }
        'ehrcrypt;backup;help;help' {
            break
        }
        'ehrcrypt;emergency' {
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('decrypt', 'decrypt', [CompletionResultType]::ParameterValue, 'Verify a patient''s card and bucket, log the access, and decrypt the records')
            [CompletionResult]::new('append', 'append', [CompletionResultType]::ParameterValue, 'Add records to a patient''s bucket under the card''s key, signed by you')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ehrcrypt;emergency;decrypt' {
            [CompletionResult]::new('--qr', '--qr', [CompletionResultType]::ParameterName, 'The card: a PNG of its QR code, or a file holding its text')
            [CompletionResult]::new('--qr-text', '--qr-text', [CompletionResultType]::ParameterName, 'The card''s text as a scanner gives it (ehrbk1:...), or - to read it from stdin')
            [CompletionResult]::new('--signer', '--signer', [CompletionResultType]::ParameterName, 'The patient who must have signed the card (a verified owner of the keystore)')
            [CompletionResult]::new('--signer-key', '--signer-key', [CompletionResultType]::ParameterName, 'The patient''s public key (SPKI PEM) that must have signed the card')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'The professional accessing the records: signs the access-log record')
            [CompletionResult]::new('--reencrypt-as', '--reencrypt-as', [CompletionResultType]::ParameterName, 'Write each record as an ehrcrypt entity of HCP instead of plaintext')
            [CompletionResult]::new('--kind', '--kind', [CompletionResultType]::ParameterName, 'Entity kind for records whose kind the backup does not record')
            [CompletionResult]::new('--out-dir', '--out-dir', [CompletionResultType]::ParameterName, 'Where the records go (created if missing); plaintext as NAME.json, re-encrypted entities as NAME.enc.json')
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--no-verify', '--no-verify', [CompletionResultType]::ParameterName, 'Go on when no trusted key can check the card''s signature (loud warning)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace files that already exist in DIR (refused otherwise)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;emergency;append' {
            [CompletionResult]::new('--qr', '--qr', [CompletionResultType]::ParameterName, 'The card: a PNG of its QR code, or a file holding its text')
            [CompletionResult]::new('--qr-text', '--qr-text', [CompletionResultType]::ParameterName, 'The card''s text as a scanner gives it (ehrbk1:...), or - to read it from stdin')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'The professional adding records (its private key signs them)')
            [CompletionResult]::new('--signer', '--signer', [CompletionResultType]::ParameterName, 'The patient who must have signed the card (a verified owner of the keystore)')
            [CompletionResult]::new('--signer-key', '--signer-key', [CompletionResultType]::ParameterName, 'The patient''s public key (SPKI PEM) that must have signed the card')
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--no-verify', '--no-verify', [CompletionResultType]::ParameterName, 'Go on when no trusted key can check the card''s signature (loud warning)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;emergency;help' {
            [CompletionResult]::new('decrypt', 'decrypt', [CompletionResultType]::ParameterValue, 'Verify a patient''s card and bucket, log the access, and decrypt the records')
            [CompletionResult]::new('append', 'append', [CompletionResultType]::ParameterValue, 'Add records to a patient''s bucket under the card''s key, signed by you')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ehrcrypt;emergency;help;decrypt' {
            break
        }
        'ehrcrypt;emergency;help;append' {
            break
        }
        'ehrcrypt;emergency;help;help' {
            break
        }
        'ehrcrypt;research' {
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Publish your research key (derived from your RSA key), so that clinics can grant you studies')
            [CompletionResult]::new('publish', 'publish', [CompletionResultType]::ParameterValue, 'Pseudonymise FHIR records and publish them, encrypted, into a study directory')
            [CompletionResult]::new('grant', 'grant', [CompletionResultType]::ParameterValue, 'Grant a researcher a study: one key-fragment file per proxy')
            [CompletionResult]::new('proxy', 'proxy', [CompletionResultType]::ParameterValue, 'Re-encrypt a study''s records for a grant with one key fragment (no private key needed)')
            [CompletionResult]::new('open', 'open', [CompletionResultType]::ParameterValue, 'Open the records of a study granted to you, from the proxies'' capsule fragments')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Withdraw a researcher''s grants (consent withdrawn); new records go to a new key')
            [CompletionResult]::new('reidentify', 'reidentify', [CompletionResultType]::ParameterValue, 'The patient id behind a study pseudonym (the clinic only)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ehrcrypt;research;init' {
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'The owner (held here) that will receive studies')
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;research;publish' {
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'The clinic (held here) that owns the records')
            [CompletionResult]::new('--study', '--study', [CompletionResultType]::ParameterName, 'The study name (letters, digits, ''-'', ''_'', ''.'')')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'The study directory (created on first publication)')
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--keep-notes', '--keep-notes', [CompletionResultType]::ParameterName, 'Keep free-text notes (`note`); they are dropped by default')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;research;grant' {
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'The clinic (held here)')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'The researcher: its research key must be signed by a key verified here')
            [CompletionResult]::new('--study', '--study', [CompletionResultType]::ParameterName, 'The study name')
            [CompletionResult]::new('--threshold', '--threshold', [CompletionResultType]::ParameterName, 'Fragments needed to re-encrypt')
            [CompletionResult]::new('--proxies', '--proxies', [CompletionResultType]::ParameterName, 'Fragments made, one per proxy')
            [CompletionResult]::new('--out-dir', '--out-dir', [CompletionResultType]::ParameterName, 'New directory for the fragment files (0600; one to each proxy)')
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;research;proxy' {
            [CompletionResult]::new('--fragment', '--fragment', [CompletionResultType]::ParameterName, 'The fragment file this proxy was given')
            [CompletionResult]::new('--out-dir', '--out-dir', [CompletionResultType]::ParameterName, 'Where to write capsule fragments [default: STUDYDIR/cfrags/GRANT/N]')
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;research;open' {
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'The researcher (held here)')
            [CompletionResult]::new('--out-dir', '--out-dir', [CompletionResultType]::ParameterName, 'New directory for the opened records (one RDS message per patient)')
            [CompletionResult]::new('--cfrags', '--cfrags', [CompletionResultType]::ParameterName, 'Directories of capsule fragments [default: STUDYDIR/cfrags]')
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--no-verify', '--no-verify', [CompletionResultType]::ParameterName, 'Open even if the clinic''s key is not verified here (warns)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;research;revoke' {
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'The clinic (held here)')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'The researcher whose grants end')
            [CompletionResult]::new('--study', '--study', [CompletionResultType]::ParameterName, 'The study name')
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;research;reidentify' {
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'The clinic (held here)')
            [CompletionResult]::new('--study', '--study', [CompletionResultType]::ParameterName, 'The study name')
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;research;help' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Publish your research key (derived from your RSA key), so that clinics can grant you studies')
            [CompletionResult]::new('publish', 'publish', [CompletionResultType]::ParameterValue, 'Pseudonymise FHIR records and publish them, encrypted, into a study directory')
            [CompletionResult]::new('grant', 'grant', [CompletionResultType]::ParameterValue, 'Grant a researcher a study: one key-fragment file per proxy')
            [CompletionResult]::new('proxy', 'proxy', [CompletionResultType]::ParameterValue, 'Re-encrypt a study''s records for a grant with one key fragment (no private key needed)')
            [CompletionResult]::new('open', 'open', [CompletionResultType]::ParameterValue, 'Open the records of a study granted to you, from the proxies'' capsule fragments')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Withdraw a researcher''s grants (consent withdrawn); new records go to a new key')
            [CompletionResult]::new('reidentify', 'reidentify', [CompletionResultType]::ParameterValue, 'The patient id behind a study pseudonym (the clinic only)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ehrcrypt;research;help;init' {
            break
        }
        'ehrcrypt;research;help;publish' {
            break
        }
        'ehrcrypt;research;help;grant' {
            break
        }
        'ehrcrypt;research;help;proxy' {
            break
        }
        'ehrcrypt;research;help;open' {
            break
        }
        'ehrcrypt;research;help;revoke' {
            break
        }
        'ehrcrypt;research;help;reidentify' {
            break
        }
        'ehrcrypt;research;help;help' {
            break
        }
        'ehrcrypt;fhir' {
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Encrypt each resource of FHIR Bundles or ndjson files as an entity, linked to its patient')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Decrypt the FHIR records you can read back into one Bundle (or ndjson)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ehrcrypt;fhir;import' {
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'The data owner who encrypts (its private key must be here)')
            [CompletionResult]::new('--share-with', '--share-with', [CompletionResultType]::ParameterName, 'Also give this data owner access (repeatable)')
            [CompletionResult]::new('--out-dir', '--out-dir', [CompletionResultType]::ParameterName, 'Directory for the entities (created whole if it does not exist), or s3://BUCKET/PREFIX/ (each object created, never replacing one)')
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--allow-unverified', '--allow-unverified', [CompletionResultType]::ParameterName, 'Allow new exchange keys for unverified delegate keys')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;fhir;export' {
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'The data owner who decrypts')
            [CompletionResult]::new('--patient', '--patient', [CompletionResultType]::ParameterName, 'Only this patient''s compartment (the Patient''s FHIR id)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output file (- for stdout, the default)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output file (- for stdout, the default)')
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--ndjson', '--ndjson', [CompletionResultType]::ParameterName, 'One resource per line instead of a Bundle')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace an existing output file')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;fhir;help' {
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Encrypt each resource of FHIR Bundles or ndjson files as an entity, linked to its patient')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Decrypt the FHIR records you can read back into one Bundle (or ndjson)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ehrcrypt;fhir;help;import' {
            break
        }
        'ehrcrypt;fhir;help;export' {
            break
        }
        'ehrcrypt;fhir;help;help' {
            break
        }
        'ehrcrypt;pair' {
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'The data owner on this device (its private key is held here)')
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Listen on ADDR (HOST or HOST:PORT; default 127.0.0.1, any free port), print a one-time code, and wait for one connection')
            [CompletionResult]::new('--code', '--code', [CompletionResultType]::ParameterName, 'The one-time code the listening side shows (- reads it from stdin)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for the other side''s next message')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'With --listen: seconds the code stays valid (at most 300)')
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;send' {
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'The data owner who sends; it must be able to read every entity')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'The data owner on the other device; anyone else is refused')
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Listen on ADDR (HOST or HOST:PORT; default 127.0.0.1, any free port), print a one-time code, and wait for one connection')
            [CompletionResult]::new('--code', '--code', [CompletionResultType]::ParameterName, 'The one-time code the listening side shows (- reads it from stdin)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for the other side''s next message')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'With --listen: seconds the code stays valid (at most 300)')
            [CompletionResult]::new('--connect', '--connect', [CompletionResultType]::ParameterName, 'With --code: the listening side''s HOST:PORT')
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;receive' {
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'The data owner who receives (its private key is held here)')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Accept records only from this data owner')
            [CompletionResult]::new('--out-dir', '--out-dir', [CompletionResultType]::ParameterName, 'Directory for the records: created, or an existing one (nothing in it is overwritten)')
            [CompletionResult]::new('--max-size', '--max-size', [CompletionResultType]::ParameterName, 'Refuse a transfer larger than SIZE (bytes, or with K, M, G)')
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Listen on ADDR (HOST or HOST:PORT; default 127.0.0.1, any free port), print a one-time code, and wait for one connection')
            [CompletionResult]::new('--code', '--code', [CompletionResultType]::ParameterName, 'The one-time code the listening side shows (- reads it from stdin)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for the other side''s next message')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'With --listen: seconds the code stays valid (at most 300)')
            [CompletionResult]::new('--connect', '--connect', [CompletionResultType]::ParameterName, 'With --code: the listening side''s HOST:PORT')
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;icure' {
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('import-key', 'import-key', [CompletionResultType]::ParameterValue, 'Import a private key as iCure or Cardinal stores it (hex PKCS#8, SDK key storage JSON)')
            [CompletionResult]::new('import-owner', 'import-owner', [CompletionResultType]::ParameterValue, 'Import data owner documents as the iCure REST API returns them (keys arrive unverified)')
            [CompletionResult]::new('decrypt', 'decrypt', [CompletionResultType]::ParameterValue, 'Decrypt a legacy iCure record as the SDK would return it')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Report the weaknesses found in a folder of iCure data')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Move legacy iCure records to authenticated ehrcrypt entities')
            [CompletionResult]::new('share', 'share', [CompletionResultType]::ParameterValue, 'Add a delegate to an iCure or Cardinal record in its own (unauthenticated) format')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ehrcrypt;icure;import-key' {
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'The data owner the key belongs to (needed for hex; selects one owner of a storage dump)')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Display name if the owner is new')
            [CompletionResult]::new('--kind', '--kind', [CompletionResultType]::ParameterName, 'Kind if the owner is new')
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;icure;import-owner' {
            [CompletionResult]::new('--kind', '--kind', [CompletionResultType]::ParameterName, 'The owners'' kind [default: guessed from the document]')
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;icure;decrypt' {
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'The data owner to read as (its private key must be in the keystore)')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'The record''s type [default: from `_type`]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output file (- for stdout, the default); written 0600')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output file (- for stdout, the default); written 0600')
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite an existing output file')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;icure;check' {
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Also open the records as this owner (entity key sizes, ids sealed in delegations)')
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;icure;migrate' {
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'The owner to read and re-encrypt as')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Folder for the ehrcrypt entities: a new one is created whole or not at all; or s3://BUCKET/PREFIX/ (each object created, never replacing one)')
            [CompletionResult]::new('--out-dir', '--out-dir', [CompletionResultType]::ParameterName, 'Folder for the ehrcrypt entities: a new one is created whole or not at all; or s3://BUCKET/PREFIX/ (each object created, never replacing one)')
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Write into an existing folder, replacing files of the same names')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;icure;share' {
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'The delegator (a delegate of the record, key in this keystore)')
            [CompletionResult]::new('--with', '--with', [CompletionResultType]::ParameterName, 'The new delegate')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output file for the record (- for stdout)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output file for the record (- for stdout)')
            [CompletionResult]::new('--owner-out', '--owner-out', [CompletionResultType]::ParameterName, 'Legacy records: where to write your updated owner document if a new exchange key is made (upload it too)')
            [CompletionResult]::new('--exchange-data-out', '--exchange-data-out', [CompletionResultType]::ParameterName, 'Cardinal records: where to write the new ExchangeData document if one is made (upload it too)')
            [CompletionResult]::new('--exchange-data-map-out', '--exchange-data-map-out', [CompletionResultType]::ParameterName, 'Cardinal records shared with a patient: where to write the ExchangeDataMap document (upload it too)')
            [CompletionResult]::new('--signing-key', '--signing-key', [CompletionResultType]::ParameterName, 'Cardinal records: your SDK key storage JSON holding your signing key (org.taktik.icure.rsa.sign.<id>.self), to sign new exchange data as the SDK does')
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--i-know-it-is-unauthenticated', '--i-know-it-is-unauthenticated', [CompletionResultType]::ParameterName, 'Required: you accept that the format has no integrity protection')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite existing output files')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;icure;help' {
            [CompletionResult]::new('import-key', 'import-key', [CompletionResultType]::ParameterValue, 'Import a private key as iCure or Cardinal stores it (hex PKCS#8, SDK key storage JSON)')
            [CompletionResult]::new('import-owner', 'import-owner', [CompletionResultType]::ParameterValue, 'Import data owner documents as the iCure REST API returns them (keys arrive unverified)')
            [CompletionResult]::new('decrypt', 'decrypt', [CompletionResultType]::ParameterValue, 'Decrypt a legacy iCure record as the SDK would return it')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Report the weaknesses found in a folder of iCure data')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Move legacy iCure records to authenticated ehrcrypt entities')
            [CompletionResult]::new('share', 'share', [CompletionResultType]::ParameterValue, 'Add a delegate to an iCure or Cardinal record in its own (unauthenticated) format')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ehrcrypt;icure;help;import-key' {
            break
        }
        'ehrcrypt;icure;help;import-owner' {
            break
        }
        'ehrcrypt;icure;help;decrypt' {
            break
        }
        'ehrcrypt;icure;help;check' {
            break
        }
        'ehrcrypt;icure;help;migrate' {
            break
        }
        'ehrcrypt;icure;help;share' {
            break
        }
        'ehrcrypt;icure;help;help' {
            break
        }
        'ehrcrypt;demo' {
            [CompletionResult]::new('--keep', '--keep', [CompletionResultType]::ParameterName, 'Keep the demo''s files in DIR (created; must be empty) instead of a temporary directory')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Run the backup and emergency steps against this object-store prefix (s3://BUCKET/PREFIX/, configured by the AWS_* variables) instead of a local folder')
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;completions' {
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--dynamic', '--dynamic', [CompletionResultType]::ParameterName, 'Print the script that registers dynamic completion instead, which also completes owner ids from the keystore (it runs ehrcrypt at each completion)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;man-pages' {
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;trust' {
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Trust a CA certificate (a root) as an anchor: keys it certifies become verified')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the trust anchors and CRLs')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Stop trusting an anchor (by the fingerprint `trust list` shows)')
            [CompletionResult]::new('crl', 'crl', [CompletionResultType]::ParameterValue, 'Certificate revocation lists')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ehrcrypt;trust;add' {
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;trust;list' {
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;trust;remove' {
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;trust;crl' {
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add (or update) a CRL signed by an anchor or a known intermediate CA')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ehrcrypt;trust;crl;add' {
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;trust;crl;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add (or update) a CRL signed by an anchor or a known intermediate CA')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ehrcrypt;trust;crl;help;add' {
            break
        }
        'ehrcrypt;trust;crl;help;help' {
            break
        }
        'ehrcrypt;trust;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Trust a CA certificate (a root) as an anchor: keys it certifies become verified')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the trust anchors and CRLs')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Stop trusting an anchor (by the fingerprint `trust list` shows)')
            [CompletionResult]::new('crl', 'crl', [CompletionResultType]::ParameterValue, 'Certificate revocation lists')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ehrcrypt;trust;help;add' {
            break
        }
        'ehrcrypt;trust;help;list' {
            break
        }
        'ehrcrypt;trust;help;remove' {
            break
        }
        'ehrcrypt;trust;help;crl' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add (or update) a CRL signed by an anchor or a known intermediate CA')
            break
        }
        'ehrcrypt;trust;help;crl;add' {
            break
        }
        'ehrcrypt;trust;help;help' {
            break
        }
        'ehrcrypt;agent' {
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('start', 'start', [CompletionResultType]::ParameterValue, 'Start an agent in the background; print the shell lines that point commands at it')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Run an agent in the foreground on SOCKET (for a service manager)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show the keys the agent in EHRCRYPT_AGENT holds and when it ends')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Make the agent in EHRCRYPT_AGENT forget its keys and exit')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ehrcrypt;agent;start' {
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Hold the keys of OWNER only (repeatable) [default: every owner with a private key here]')
            [CompletionResult]::new('--lifetime', '--lifetime', [CompletionResultType]::ParameterName, 'How long the keys are held, e.g. 30m, 8h, 1d; 0 holds them until `agent stop`')
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;agent;run' {
            [CompletionResult]::new('--socket', '--socket', [CompletionResultType]::ParameterName, 'Where to listen')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Hold the keys of OWNER only (repeatable) [default: every owner with a private key here]')
            [CompletionResult]::new('--lifetime', '--lifetime', [CompletionResultType]::ParameterName, 'How long the keys are held, e.g. 30m, 8h, 1d; 0 holds them until `agent stop`')
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--owns-dir', '--owns-dir', [CompletionResultType]::ParameterName, 'SOCKET''s directory was made for this agent: remove it at the end (set by `agent start`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;agent;status' {
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;agent;stop' {
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore file [default: the platform data directory]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Report expensive operations (RSA decryptions, key unlocks)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ehrcrypt;agent;help' {
            [CompletionResult]::new('start', 'start', [CompletionResultType]::ParameterValue, 'Start an agent in the background; print the shell lines that point commands at it')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Run an agent in the foreground on SOCKET (for a service manager)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show the keys the agent in EHRCRYPT_AGENT holds and when it ends')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Make the agent in EHRCRYPT_AGENT forget its keys and exit')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ehrcrypt;agent;help;start' {
            break
        }
        'ehrcrypt;agent;help;run' {
            break
        }
        'ehrcrypt;agent;help;status' {
            break
        }
        'ehrcrypt;agent;help;stop' {
            break
        }
        'ehrcrypt;agent;help;help' {
            break
        }
        'ehrcrypt;help' {
            [CompletionResult]::new('keygen', 'keygen', [CompletionResultType]::ParameterValue, 'Generate an RSA-2048 key pair for a new data owner')
            [CompletionResult]::new('owner', 'owner', [CompletionResultType]::ParameterValue, 'List, show, export, import and verify data owners')
            [CompletionResult]::new('key', 'key', [CompletionResultType]::ParameterValue, 'Administer private keys by hand (PEM that openssl reads)')
            [CompletionResult]::new('hcp-key', 'hcp-key', [CompletionResultType]::ParameterValue, 'Pairwise exchange keys ("hcp keys") between data owners')
            [CompletionResult]::new('entity', 'entity', [CompletionResultType]::ParameterValue, 'Encrypt, decrypt and link patients, contacts, forms and health elements')
            [CompletionResult]::new('delegation', 'delegation', [CompletionResultType]::ParameterValue, 'Share entities with other data owners, list who has access, revoke it')
            [CompletionResult]::new('share', 'share', [CompletionResultType]::ParameterValue, 'Short for `delegation share`')
            [CompletionResult]::new('backup', 'backup', [CompletionResultType]::ParameterValue, 'Emergency backups to a QR card (R2D Backup): create, inspect, restore')
            [CompletionResult]::new('emergency', 'emergency', [CompletionResultType]::ParameterValue, 'Read (and add to) a patient''s backup with their card (R2D Emergency)')
            [CompletionResult]::new('research', 'research', [CompletionResultType]::ParameterValue, 'Research sharing: pseudonymised studies re-encrypted by proxies for researchers')
            [CompletionResult]::new('fhir', 'fhir', [CompletionResultType]::ParameterValue, 'FHIR R4 Bundles and bulk-data ndjson in and out of encrypted entities')
            [CompletionResult]::new('pair', 'pair', [CompletionResultType]::ParameterValue, 'Pair with another device: a one-time code, and each side''s key verified')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Pair with another device and send it records (shared, not re-encrypted)')
            [CompletionResult]::new('receive', 'receive', [CompletionResultType]::ParameterValue, 'Pair with another device and receive records into a directory')
            [CompletionResult]::new('icure', 'icure', [CompletionResultType]::ParameterValue, 'Real iCure and Cardinal data: import keys and owners, decrypt, check, migrate, share')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'Run the whole flow on a throw-away keystore and narrate it')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions generated from this command line')
            [CompletionResult]::new('man-pages', 'man-pages', [CompletionResultType]::ParameterValue, 'Write one man page per command into DIR (for scripts/update-completions)')
            [CompletionResult]::new('trust', 'trust', [CompletionResultType]::ParameterValue, 'Certificate authorities this keystore trusts, and their revocation lists')
            [CompletionResult]::new('agent', 'agent', [CompletionResultType]::ParameterValue, 'Keep private keys unlocked for a session: the passphrase asked once, not per command')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ehrcrypt;help;keygen' {
            break
        }
        'ehrcrypt;help;owner' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the data owners in the keystore')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one owner: keys, fingerprints, trust, exchange keys (never key bytes)')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write the owner''s public document (public keys and exchange keys, never a private key)')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Merge an owner document into this keystore (its keys start unverified)')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Mark a key verified after comparing its fingerprint out of band')
            [CompletionResult]::new('fingerprint', 'fingerprint', [CompletionResultType]::ParameterValue, 'Print the fingerprint of the owner''s current key (--all: every key)')
            [CompletionResult]::new('csr', 'csr', [CompletionResultType]::ParameterValue, 'Write a PKCS#10 certificate request for the owner''s current key, signed with it')
            [CompletionResult]::new('import-cert', 'import-cert', [CompletionResultType]::ParameterValue, 'Attach the certificate a CA issued for one of the owner''s keys (verifies the key if it chains to a trust anchor)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove an owner from the keystore')
            break
        }
        'ehrcrypt;help;owner;list' {
            break
        }
        'ehrcrypt;help;owner;show' {
            break
        }
        'ehrcrypt;help;owner;export' {
            break
        }
        'ehrcrypt;help;owner;import' {
            break
        }
        'ehrcrypt;help;owner;verify' {
            break
        }
        'ehrcrypt;help;owner;fingerprint' {
            break
        }
        'ehrcrypt;help;owner;csr' {
            break
        }
        'ehrcrypt;help;owner;import-cert' {
            break
        }
        'ehrcrypt;help;owner;remove' {
            break
        }
        'ehrcrypt;help;key' {
            [CompletionResult]::new('export-private', 'export-private', [CompletionResultType]::ParameterValue, 'Write an owner''s private key as encrypted PKCS#8 PEM (file created 0600)')
            [CompletionResult]::new('import-private', 'import-private', [CompletionResultType]::ParameterValue, 'Import a PKCS#8 PEM private key (encrypted or not) for an owner')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Generate a new key pair for an owner held here (key rotation); old keys stay for old data')
            break
        }
        'ehrcrypt;help;key;export-private' {
            break
        }
        'ehrcrypt;help;key;import-private' {
            break
        }
        'ehrcrypt;help;key;add' {
            break
        }
        'ehrcrypt;help;hcp-key' {
            [CompletionResult]::new('exchange', 'exchange', [CompletionResultType]::ParameterValue, 'Create (or reuse) the exchange key that FROM uses to delegate to TO')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Open each exchange key DELEGATOR→DELEGATE with ME''s private keys held here and report which open (signature checked; key bytes never shown)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List exchange keys (metadata only, never key bytes)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show the exchange keys of one pair (metadata only)')
            break
        }
        'ehrcrypt;help;hcp-key;exchange' {
            break
        }
        'ehrcrypt;help;hcp-key;check' {
            break
        }
        'ehrcrypt;help;hcp-key;list' {
            break
        }
        'ehrcrypt;help;hcp-key;show' {
            break
        }
        'ehrcrypt;help;entity' {
            [CompletionResult]::new('encrypt', 'encrypt', [CompletionResultType]::ParameterValue, 'Encrypt plaintext JSON records into entities')
            [CompletionResult]::new('decrypt', 'decrypt', [CompletionResultType]::ParameterValue, 'Decrypt entities back into the original JSON records')
            [CompletionResult]::new('children', 'children', [CompletionResultType]::ParameterValue, 'List the entities in DIR… linked to a patient (via its secret id)')
            [CompletionResult]::new('upgrade', 'upgrade', [CompletionResultType]::ParameterValue, 'Rewrite ehrcrypt/entity/v1 files as v2, in place (v2 files are left as they are)')
            [CompletionResult]::new('parent', 'parent', [CompletionResultType]::ParameterValue, 'Find the patient an entity belongs to (via its encrypted parent id)')
            break
        }
        'ehrcrypt;help;entity;encrypt' {
            break
        }
        'ehrcrypt;help;entity;decrypt' {
            break
        }
        'ehrcrypt;help;entity;children' {
            break
        }
        'ehrcrypt;help;entity;upgrade' {
            break
        }
        'ehrcrypt;help;entity;parent' {
            break
        }
        'ehrcrypt;help;delegation' {
            [CompletionResult]::new('share', 'share', [CompletionResultType]::ParameterValue, 'Give other data owners access to entities you can read (the payload is not touched)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Who has access to entities: v1 from their metadata; v2 only what the keys of --as OWNER reveal (without --as: the number of entries)')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Take access back: remove a data owner''s entries (--rekey: also re-encrypt)')
            break
        }
        'ehrcrypt;help;delegation;share' {
            break
        }
        'ehrcrypt;help;delegation;list' {
            break
        }
        'ehrcrypt;help;delegation;revoke' {
            break
        }
        'ehrcrypt;help;share' {
            break
        }
        'ehrcrypt;help;backup' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Encrypt records under a fresh key into a bucket, and print the emergency card')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Show a bucket''s objects, signer, appendices and access log (no key needed)')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Decrypt a bucket with its card: the patient''s own restore')
            break
        }
        'ehrcrypt;help;backup;create' {
            break
        }
        'ehrcrypt;help;backup;inspect' {
            break
        }
        'ehrcrypt;help;backup;restore' {
            break
        }
        'ehrcrypt;help;emergency' {
            [CompletionResult]::new('decrypt', 'decrypt', [CompletionResultType]::ParameterValue, 'Verify a patient''s card and bucket, log the access, and decrypt the records')
            [CompletionResult]::new('append', 'append', [CompletionResultType]::ParameterValue, 'Add records to a patient''s bucket under the card''s key, signed by you')
            break
        }
        'ehrcrypt;help;emergency;decrypt' {
            break
        }
        'ehrcrypt;help;emergency;append' {
            break
        }
        'ehrcrypt;help;research' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Publish your research key (derived from your RSA key), so that clinics can grant you studies')
            [CompletionResult]::new('publish', 'publish', [CompletionResultType]::ParameterValue, 'Pseudonymise FHIR records and publish them, encrypted, into a study directory')
            [CompletionResult]::new('grant', 'grant', [CompletionResultType]::ParameterValue, 'Grant a researcher a study: one key-fragment file per proxy')
            [CompletionResult]::new('proxy', 'proxy', [CompletionResultType]::ParameterValue, 'Re-encrypt a study''s records for a grant with one key fragment (no private key needed)')
            [CompletionResult]::new('open', 'open', [CompletionResultType]::ParameterValue, 'Open the records of a study granted to you, from the proxies'' capsule fragments')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Withdraw a researcher''s grants (consent withdrawn); new records go to a new key')
            [CompletionResult]::new('reidentify', 'reidentify', [CompletionResultType]::ParameterValue, 'The patient id behind a study pseudonym (the clinic only)')
            break
        }
        'ehrcrypt;help;research;init' {
            break
        }
        'ehrcrypt;help;research;publish' {
            break
        }
        'ehrcrypt;help;research;grant' {
            break
        }
        'ehrcrypt;help;research;proxy' {
            break
        }
        'ehrcrypt;help;research;open' {
            break
        }
        'ehrcrypt;help;research;revoke' {
            break
        }
        'ehrcrypt;help;research;reidentify' {
            break
        }
        'ehrcrypt;help;fhir' {
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Encrypt each resource of FHIR Bundles or ndjson files as an entity, linked to its patient')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Decrypt the FHIR records you can read back into one Bundle (or ndjson)')
            break
        }
        'ehrcrypt;help;fhir;import' {
            break
        }
        'ehrcrypt;help;fhir;export' {
            break
        }
        'ehrcrypt;help;pair' {
            break
        }
        'ehrcrypt;help;send' {
            break
        }
        'ehrcrypt;help;receive' {
            break
        }
        'ehrcrypt;help;icure' {
            [CompletionResult]::new('import-key', 'import-key', [CompletionResultType]::ParameterValue, 'Import a private key as iCure or Cardinal stores it (hex PKCS#8, SDK key storage JSON)')
            [CompletionResult]::new('import-owner', 'import-owner', [CompletionResultType]::ParameterValue, 'Import data owner documents as the iCure REST API returns them (keys arrive unverified)')
            [CompletionResult]::new('decrypt', 'decrypt', [CompletionResultType]::ParameterValue, 'Decrypt a legacy iCure record as the SDK would return it')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Report the weaknesses found in a folder of iCure data')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Move legacy iCure records to authenticated ehrcrypt entities')
            [CompletionResult]::new('share', 'share', [CompletionResultType]::ParameterValue, 'Add a delegate to an iCure or Cardinal record in its own (unauthenticated) format')
            break
        }
        'ehrcrypt;help;icure;import-key' {
            break
        }
        'ehrcrypt;help;icure;import-owner' {
            break
        }
        'ehrcrypt;help;icure;decrypt' {
            break
        }
        'ehrcrypt;help;icure;check' {
            break
        }
        'ehrcrypt;help;icure;migrate' {
            break
        }
        'ehrcrypt;help;icure;share' {
            break
        }
        'ehrcrypt;help;demo' {
            break
        }
        'ehrcrypt;help;completions' {
            break
        }
        'ehrcrypt;help;man-pages' {
            break
        }
        'ehrcrypt;help;trust' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Trust a CA certificate (a root) as an anchor: keys it certifies become verified')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the trust anchors and CRLs')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Stop trusting an anchor (by the fingerprint `trust list` shows)')
            [CompletionResult]::new('crl', 'crl', [CompletionResultType]::ParameterValue, 'Certificate revocation lists')
            break
        }
        'ehrcrypt;help;trust;add' {
            break
        }
        'ehrcrypt;help;trust;list' {
            break
        }
        'ehrcrypt;help;trust;remove' {
            break
        }
        'ehrcrypt;help;trust;crl' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add (or update) a CRL signed by an anchor or a known intermediate CA')
            break
        }
        'ehrcrypt;help;trust;crl;add' {
            break
        }
        'ehrcrypt;help;agent' {
            [CompletionResult]::new('start', 'start', [CompletionResultType]::ParameterValue, 'Start an agent in the background; print the shell lines that point commands at it')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Run an agent in the foreground on SOCKET (for a service manager)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show the keys the agent in EHRCRYPT_AGENT holds and when it ends')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Make the agent in EHRCRYPT_AGENT forget its keys and exit')
            break
        }
        'ehrcrypt;help;agent;start' {
            break
        }
        'ehrcrypt;help;agent;run' {
            break
        }
        'ehrcrypt;help;agent;status' {
            break
        }
        'ehrcrypt;help;agent;stop' {
            break
        }
        'ehrcrypt;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
