# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_ehrcrypt_global_optspecs
    string join \n keystore= passphrase-file= json q/quiet v/verbose h/help V/version
end

function __fish_ehrcrypt_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_ehrcrypt_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_ehrcrypt_using_subcommand
    set -l cmd (__fish_ehrcrypt_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c ehrcrypt -n "__fish_ehrcrypt_needs_command" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_needs_command" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_needs_command" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_needs_command" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_needs_command" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_needs_command" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_needs_command" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_needs_command" -f -a "keygen" -d 'Generate an RSA-2048 key pair for a new data owner'
complete -c ehrcrypt -n "__fish_ehrcrypt_needs_command" -f -a "owner" -d 'List, show, export, import and verify data owners'
complete -c ehrcrypt -n "__fish_ehrcrypt_needs_command" -f -a "key" -d 'Administer private keys by hand (PEM that openssl reads)'
complete -c ehrcrypt -n "__fish_ehrcrypt_needs_command" -f -a "hcp-key" -d 'Pairwise exchange keys ("hcp keys") between data owners'
complete -c ehrcrypt -n "__fish_ehrcrypt_needs_command" -f -a "entity" -d 'Encrypt, decrypt and link patients, contacts, forms and health elements'
complete -c ehrcrypt -n "__fish_ehrcrypt_needs_command" -f -a "delegation" -d 'Share entities with other data owners, list who has access, revoke it'
complete -c ehrcrypt -n "__fish_ehrcrypt_needs_command" -f -a "share" -d 'Short for `delegation share`'
complete -c ehrcrypt -n "__fish_ehrcrypt_needs_command" -f -a "backup" -d 'Emergency backups to a QR card (R2D Backup): create, inspect, restore'
complete -c ehrcrypt -n "__fish_ehrcrypt_needs_command" -f -a "emergency" -d 'Read (and add to) a patient\'s backup with their card (R2D Emergency)'
complete -c ehrcrypt -n "__fish_ehrcrypt_needs_command" -f -a "research" -d 'Research sharing: pseudonymised studies re-encrypted by proxies for researchers'
complete -c ehrcrypt -n "__fish_ehrcrypt_needs_command" -f -a "fhir" -d 'FHIR R4 Bundles and bulk-data ndjson in and out of encrypted entities'
complete -c ehrcrypt -n "__fish_ehrcrypt_needs_command" -f -a "pair" -d 'Pair with another device: a one-time code, and each side\'s key verified'
complete -c ehrcrypt -n "__fish_ehrcrypt_needs_command" -f -a "send" -d 'Pair with another device and send it records (shared, not re-encrypted)'
complete -c ehrcrypt -n "__fish_ehrcrypt_needs_command" -f -a "receive" -d 'Pair with another device and receive records into a directory'
complete -c ehrcrypt -n "__fish_ehrcrypt_needs_command" -f -a "icure" -d 'Real iCure and Cardinal data: import keys and owners, decrypt, check, migrate, share'
complete -c ehrcrypt -n "__fish_ehrcrypt_needs_command" -f -a "demo" -d 'Run the whole flow on a throw-away keystore and narrate it'
complete -c ehrcrypt -n "__fish_ehrcrypt_needs_command" -f -a "completions" -d 'Print shell completions generated from this command line'
complete -c ehrcrypt -n "__fish_ehrcrypt_needs_command" -f -a "man-pages" -d 'Write one man page per command into DIR (for scripts/update-completions)'
complete -c ehrcrypt -n "__fish_ehrcrypt_needs_command" -f -a "trust" -d 'Certificate authorities this keystore trusts, and their revocation lists'
complete -c ehrcrypt -n "__fish_ehrcrypt_needs_command" -f -a "agent" -d 'Keep private keys unlocked for a session: the passphrase asked once, not per command'
complete -c ehrcrypt -n "__fish_ehrcrypt_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand keygen" -l name -d 'Display name of the data owner' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand keygen" -l kind -d 'Kind of data owner: hcp, patient or device' -r -f -a "hcp\t''
patient\t''
device\t''"
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand keygen" -l id -d 'Identifier [default: a fresh UUID]' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand keygen" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand keygen" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand keygen" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand keygen" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand keygen" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand keygen" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand keygen" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and not __fish_seen_subcommand_from list show export import verify fingerprint csr import-cert remove help" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and not __fish_seen_subcommand_from list show export import verify fingerprint csr import-cert remove help" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and not __fish_seen_subcommand_from list show export import verify fingerprint csr import-cert remove help" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and not __fish_seen_subcommand_from list show export import verify fingerprint csr import-cert remove help" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and not __fish_seen_subcommand_from list show export import verify fingerprint csr import-cert remove help" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and not __fish_seen_subcommand_from list show export import verify fingerprint csr import-cert remove help" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and not __fish_seen_subcommand_from list show export import verify fingerprint csr import-cert remove help" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and not __fish_seen_subcommand_from list show export import verify fingerprint csr import-cert remove help" -f -a "list" -d 'List the data owners in the keystore'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and not __fish_seen_subcommand_from list show export import verify fingerprint csr import-cert remove help" -f -a "show" -d 'Show one owner: keys, fingerprints, trust, exchange keys (never key bytes)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and not __fish_seen_subcommand_from list show export import verify fingerprint csr import-cert remove help" -f -a "export" -d 'Write the owner\'s public document (public keys and exchange keys, never a private key)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and not __fish_seen_subcommand_from list show export import verify fingerprint csr import-cert remove help" -f -a "import" -d 'Merge an owner document into this keystore (its keys start unverified)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and not __fish_seen_subcommand_from list show export import verify fingerprint csr import-cert remove help" -f -a "verify" -d 'Mark a key verified after comparing its fingerprint out of band'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and not __fish_seen_subcommand_from list show export import verify fingerprint csr import-cert remove help" -f -a "fingerprint" -d 'Print the fingerprint of the owner\'s current key (--all: every key)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and not __fish_seen_subcommand_from list show export import verify fingerprint csr import-cert remove help" -f -a "csr" -d 'Write a PKCS#10 certificate request for the owner\'s current key, signed with it'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and not __fish_seen_subcommand_from list show export import verify fingerprint csr import-cert remove help" -f -a "import-cert" -d 'Attach the certificate a CA issued for one of the owner\'s keys (verifies the key if it chains to a trust anchor)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and not __fish_seen_subcommand_from list show export import verify fingerprint csr import-cert remove help" -f -a "remove" -d 'Remove an owner from the keystore'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and not __fish_seen_subcommand_from list show export import verify fingerprint csr import-cert remove help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from list" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from list" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from list" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from show" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from show" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from show" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from export" -l for -d 'Only carry the exchange keys for these delegates (repeatable): the document then does not reveal whom else the owner shares with' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from export" -s o -l output -d 'Output file, or - for stdout' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from export" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from export" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from export" -l force -d 'Replace FILE if it exists (refused otherwise)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from export" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from export" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from export" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from export" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from export" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from import" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from import" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from import" -l replace -d 'Accept public keys that differ from the ones already known'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from import" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from import" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from import" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from import" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from import" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from verify" -l fingerprint -d 'The fingerprint the owner gave you (64 hex digits)' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from verify" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from verify" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from verify" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from verify" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from verify" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from verify" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from verify" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from fingerprint" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from fingerprint" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from fingerprint" -l all -d 'Every key of the owner, old ones included, not only the current one'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from fingerprint" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from fingerprint" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from fingerprint" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from fingerprint" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from fingerprint" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from csr" -l subject -d 'Subject as RFC 4514, e.g. "CN=Dr Alice,O=Hospital,C=BE" [default: CN=<name>,UID=<id>]' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from csr" -s o -l output -d 'Output file, or - for stdout' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from csr" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from csr" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from csr" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from csr" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from csr" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from csr" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from csr" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from import-cert" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from import-cert" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from import-cert" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from import-cert" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from import-cert" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from import-cert" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from import-cert" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from remove" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from remove" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from remove" -l force -d 'Also when the owner\'s private keys are held here (destroys them)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from remove" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the data owners in the keystore'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one owner: keys, fingerprints, trust, exchange keys (never key bytes)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from help" -f -a "export" -d 'Write the owner\'s public document (public keys and exchange keys, never a private key)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from help" -f -a "import" -d 'Merge an owner document into this keystore (its keys start unverified)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from help" -f -a "verify" -d 'Mark a key verified after comparing its fingerprint out of band'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from help" -f -a "fingerprint" -d 'Print the fingerprint of the owner\'s current key (--all: every key)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from help" -f -a "csr" -d 'Write a PKCS#10 certificate request for the owner\'s current key, signed with it'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from help" -f -a "import-cert" -d 'Attach the certificate a CA issued for one of the owner\'s keys (verifies the key if it chains to a trust anchor)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Remove an owner from the keystore'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand owner; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand key; and not __fish_seen_subcommand_from export-private import-private add help" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand key; and not __fish_seen_subcommand_from export-private import-private add help" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand key; and not __fish_seen_subcommand_from export-private import-private add help" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand key; and not __fish_seen_subcommand_from export-private import-private add help" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand key; and not __fish_seen_subcommand_from export-private import-private add help" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand key; and not __fish_seen_subcommand_from export-private import-private add help" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand key; and not __fish_seen_subcommand_from export-private import-private add help" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand key; and not __fish_seen_subcommand_from export-private import-private add help" -f -a "export-private" -d 'Write an owner\'s private key as encrypted PKCS#8 PEM (file created 0600)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand key; and not __fish_seen_subcommand_from export-private import-private add help" -f -a "import-private" -d 'Import a PKCS#8 PEM private key (encrypted or not) for an owner'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand key; and not __fish_seen_subcommand_from export-private import-private add help" -f -a "add" -d 'Generate a new key pair for an owner held here (key rotation); old keys stay for old data'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand key; and not __fish_seen_subcommand_from export-private import-private add help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand key; and __fish_seen_subcommand_from export-private" -l fingerprint -d 'Which key [default: the current one]' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand key; and __fish_seen_subcommand_from export-private" -s o -l output -d 'Output file (stdout is refused: private keys never go there)' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand key; and __fish_seen_subcommand_from export-private" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand key; and __fish_seen_subcommand_from export-private" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand key; and __fish_seen_subcommand_from export-private" -l force -d 'Replace FILE if it exists (refused otherwise)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand key; and __fish_seen_subcommand_from export-private" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand key; and __fish_seen_subcommand_from export-private" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand key; and __fish_seen_subcommand_from export-private" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand key; and __fish_seen_subcommand_from export-private" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand key; and __fish_seen_subcommand_from export-private" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand key; and __fish_seen_subcommand_from import-private" -l name -d 'Name, when the owner is not in the keystore yet' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand key; and __fish_seen_subcommand_from import-private" -l kind -d 'Kind, when the owner is not in the keystore yet' -r -f -a "hcp\t''
patient\t''
device\t''"
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand key; and __fish_seen_subcommand_from import-private" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand key; and __fish_seen_subcommand_from import-private" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand key; and __fish_seen_subcommand_from import-private" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand key; and __fish_seen_subcommand_from import-private" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand key; and __fish_seen_subcommand_from import-private" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand key; and __fish_seen_subcommand_from import-private" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand key; and __fish_seen_subcommand_from import-private" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand key; and __fish_seen_subcommand_from add" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand key; and __fish_seen_subcommand_from add" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand key; and __fish_seen_subcommand_from add" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand key; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand key; and __fish_seen_subcommand_from add" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand key; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand key; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand key; and __fish_seen_subcommand_from help" -f -a "export-private" -d 'Write an owner\'s private key as encrypted PKCS#8 PEM (file created 0600)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand key; and __fish_seen_subcommand_from help" -f -a "import-private" -d 'Import a PKCS#8 PEM private key (encrypted or not) for an owner'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand key; and __fish_seen_subcommand_from help" -f -a "add" -d 'Generate a new key pair for an owner held here (key rotation); old keys stay for old data'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand key; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand hcp-key; and not __fish_seen_subcommand_from exchange check list show help" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand hcp-key; and not __fish_seen_subcommand_from exchange check list show help" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand hcp-key; and not __fish_seen_subcommand_from exchange check list show help" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand hcp-key; and not __fish_seen_subcommand_from exchange check list show help" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand hcp-key; and not __fish_seen_subcommand_from exchange check list show help" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand hcp-key; and not __fish_seen_subcommand_from exchange check list show help" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand hcp-key; and not __fish_seen_subcommand_from exchange check list show help" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand hcp-key; and not __fish_seen_subcommand_from exchange check list show help" -f -a "exchange" -d 'Create (or reuse) the exchange key that FROM uses to delegate to TO'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand hcp-key; and not __fish_seen_subcommand_from exchange check list show help" -f -a "check" -d 'Open each exchange key DELEGATOR→DELEGATE with ME\'s private keys held here and report which open (signature checked; key bytes never shown)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand hcp-key; and not __fish_seen_subcommand_from exchange check list show help" -f -a "list" -d 'List exchange keys (metadata only, never key bytes)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand hcp-key; and not __fish_seen_subcommand_from exchange check list show help" -f -a "show" -d 'Show the exchange keys of one pair (metadata only)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand hcp-key; and not __fish_seen_subcommand_from exchange check list show help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand hcp-key; and __fish_seen_subcommand_from exchange" -l from -d 'The delegator, an owner whose private key is held here' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand hcp-key; and __fish_seen_subcommand_from exchange" -l to -d 'The delegate (FROM itself for the self key {AA})' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand hcp-key; and __fish_seen_subcommand_from exchange" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand hcp-key; and __fish_seen_subcommand_from exchange" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand hcp-key; and __fish_seen_subcommand_from exchange" -l rotate -d 'Make a new key even if a valid one exists; the old one stays for old data'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand hcp-key; and __fish_seen_subcommand_from exchange" -l allow-unverified -d 'Also wrap for the delegate\'s unverified keys (not recommended)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand hcp-key; and __fish_seen_subcommand_from exchange" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand hcp-key; and __fish_seen_subcommand_from exchange" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand hcp-key; and __fish_seen_subcommand_from exchange" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand hcp-key; and __fish_seen_subcommand_from exchange" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand hcp-key; and __fish_seen_subcommand_from exchange" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand hcp-key; and __fish_seen_subcommand_from check" -l as -d 'The owner whose private keys unwrap the keys' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand hcp-key; and __fish_seen_subcommand_from check" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand hcp-key; and __fish_seen_subcommand_from check" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand hcp-key; and __fish_seen_subcommand_from check" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand hcp-key; and __fish_seen_subcommand_from check" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand hcp-key; and __fish_seen_subcommand_from check" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand hcp-key; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand hcp-key; and __fish_seen_subcommand_from check" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand hcp-key; and __fish_seen_subcommand_from list" -l owner -d 'Only those created by this owner' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand hcp-key; and __fish_seen_subcommand_from list" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand hcp-key; and __fish_seen_subcommand_from list" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand hcp-key; and __fish_seen_subcommand_from list" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand hcp-key; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand hcp-key; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand hcp-key; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand hcp-key; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand hcp-key; and __fish_seen_subcommand_from show" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand hcp-key; and __fish_seen_subcommand_from show" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand hcp-key; and __fish_seen_subcommand_from show" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand hcp-key; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand hcp-key; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand hcp-key; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand hcp-key; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand hcp-key; and __fish_seen_subcommand_from help" -f -a "exchange" -d 'Create (or reuse) the exchange key that FROM uses to delegate to TO'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand hcp-key; and __fish_seen_subcommand_from help" -f -a "check" -d 'Open each exchange key DELEGATOR→DELEGATE with ME\'s private keys held here and report which open (signature checked; key bytes never shown)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand hcp-key; and __fish_seen_subcommand_from help" -f -a "list" -d 'List exchange keys (metadata only, never key bytes)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand hcp-key; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show the exchange keys of one pair (metadata only)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand hcp-key; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and not __fish_seen_subcommand_from encrypt decrypt children upgrade parent help" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and not __fish_seen_subcommand_from encrypt decrypt children upgrade parent help" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and not __fish_seen_subcommand_from encrypt decrypt children upgrade parent help" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and not __fish_seen_subcommand_from encrypt decrypt children upgrade parent help" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and not __fish_seen_subcommand_from encrypt decrypt children upgrade parent help" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and not __fish_seen_subcommand_from encrypt decrypt children upgrade parent help" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and not __fish_seen_subcommand_from encrypt decrypt children upgrade parent help" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and not __fish_seen_subcommand_from encrypt decrypt children upgrade parent help" -f -a "encrypt" -d 'Encrypt plaintext JSON records into entities'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and not __fish_seen_subcommand_from encrypt decrypt children upgrade parent help" -f -a "decrypt" -d 'Decrypt entities back into the original JSON records'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and not __fish_seen_subcommand_from encrypt decrypt children upgrade parent help" -f -a "children" -d 'List the entities in DIR… linked to a patient (via its secret id)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and not __fish_seen_subcommand_from encrypt decrypt children upgrade parent help" -f -a "upgrade" -d 'Rewrite ehrcrypt/entity/v1 files as v2, in place (v2 files are left as they are)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and not __fish_seen_subcommand_from encrypt decrypt children upgrade parent help" -f -a "parent" -d 'Find the patient an entity belongs to (via its encrypted parent id)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and not __fish_seen_subcommand_from encrypt decrypt children upgrade parent help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from encrypt" -l as -d 'The data owner who encrypts (its private key must be here)' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from encrypt" -l kind -d 'What the records are: patient, contact, form or health-element' -r -f -a "patient\t''
contact\t''
form\t''
health-element\t''"
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from encrypt" -l parent -d 'The patient entity these records belong to (contacts, forms, health elements)' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from encrypt" -l share-with -d 'Also give this data owner access (repeatable)' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from encrypt" -l clear -d 'Keep this field in clear for indexing (dotted path, repeatable)' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from encrypt" -l config -d 'Config file with per-kind clear fields [default: ehrcrypt\'s config dir]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from encrypt" -l attach -d 'Attach a file, streamed into a sidecar beside the output ([NAME=]FILE, repeatable; one input, -o FILE)' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from encrypt" -s o -l output -d 'Output file for a single input (- for stdout, the default; s3://BUCKET/KEY)' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from encrypt" -l out-dir -d 'Write one file per input into DIR (created if missing), named by the rule: encrypting adds .enc.json, decrypting removes it (or s3://BUCKET/PREFIX/)' -r -f -a "(__fish_complete_directories)"
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from encrypt" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from encrypt" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from encrypt" -l allow-unverified -d 'Allow new exchange keys for unverified delegate keys'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from encrypt" -l force -d 'Replace output files that already exist (refused otherwise)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from encrypt" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from encrypt" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from encrypt" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from encrypt" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from encrypt" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from decrypt" -l as -d 'The data owner who decrypts' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from decrypt" -l attachment -d 'Write this attachment (by name) instead of the record (one input; -o FILE or - for stdout)' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from decrypt" -s o -l output -d 'Output file for a single input (- for stdout, the default; s3://BUCKET/KEY)' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from decrypt" -l out-dir -d 'Write one file per input into DIR (created if missing), named by the rule: encrypting adds .enc.json, decrypting removes it (or s3://BUCKET/PREFIX/)' -r -f -a "(__fish_complete_directories)"
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from decrypt" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from decrypt" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from decrypt" -l force -d 'Replace output files that already exist (refused otherwise)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from decrypt" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from decrypt" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from decrypt" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from decrypt" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from decrypt" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from children" -l as -d 'The data owner who reads the patient\'s secret id (its private key must be here)' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from children" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from children" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from children" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from children" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from children" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from children" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from children" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from upgrade" -l as -d 'The data owner who upgrades; it must be able to read every entity' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from upgrade" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from upgrade" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from upgrade" -l allow-unverified -d 'Allow new exchange keys for unverified delegate keys (prints a warning)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from upgrade" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from upgrade" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from upgrade" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from upgrade" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from upgrade" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from parent" -l as -d 'The data owner who reads the parent link (its private key must be here)' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from parent" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from parent" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from parent" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from parent" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from parent" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from parent" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from parent" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from help" -f -a "encrypt" -d 'Encrypt plaintext JSON records into entities'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from help" -f -a "decrypt" -d 'Decrypt entities back into the original JSON records'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from help" -f -a "children" -d 'List the entities in DIR… linked to a patient (via its secret id)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from help" -f -a "upgrade" -d 'Rewrite ehrcrypt/entity/v1 files as v2, in place (v2 files are left as they are)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from help" -f -a "parent" -d 'Find the patient an entity belongs to (via its encrypted parent id)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand entity; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand delegation; and not __fish_seen_subcommand_from share list revoke help" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand delegation; and not __fish_seen_subcommand_from share list revoke help" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand delegation; and not __fish_seen_subcommand_from share list revoke help" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand delegation; and not __fish_seen_subcommand_from share list revoke help" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand delegation; and not __fish_seen_subcommand_from share list revoke help" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand delegation; and not __fish_seen_subcommand_from share list revoke help" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand delegation; and not __fish_seen_subcommand_from share list revoke help" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand delegation; and not __fish_seen_subcommand_from share list revoke help" -f -a "share" -d 'Give other data owners access to entities you can read (the payload is not touched)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand delegation; and not __fish_seen_subcommand_from share list revoke help" -f -a "list" -d 'Who has access to entities: v1 from their metadata; v2 only what the keys of --as OWNER reveal (without --as: the number of entries)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand delegation; and not __fish_seen_subcommand_from share list revoke help" -f -a "revoke" -d 'Take access back: remove a data owner\'s entries (--rekey: also re-encrypt)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand delegation; and not __fish_seen_subcommand_from share list revoke help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand delegation; and __fish_seen_subcommand_from share" -l as -d 'The data owner who shares; it must be able to read every entity' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand delegation; and __fish_seen_subcommand_from share" -l with -d 'The data owner to give access to (repeatable)' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand delegation; and __fish_seen_subcommand_from share" -l with-children -d 'Also share every entity under DIR (or s3://BUCKET/PREFIX/) linked to the given patients through their secret id (repeatable)' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand delegation; and __fish_seen_subcommand_from share" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand delegation; and __fish_seen_subcommand_from share" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand delegation; and __fish_seen_subcommand_from share" -l allow-unverified -d 'Allow new exchange keys for unverified delegate keys (prints a warning)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand delegation; and __fish_seen_subcommand_from share" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand delegation; and __fish_seen_subcommand_from share" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand delegation; and __fish_seen_subcommand_from share" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand delegation; and __fish_seen_subcommand_from share" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand delegation; and __fish_seen_subcommand_from share" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand delegation; and __fish_seen_subcommand_from list" -l as -d 'Read v2 entities as this data owner (needs its private key)' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand delegation; and __fish_seen_subcommand_from list" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand delegation; and __fish_seen_subcommand_from list" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand delegation; and __fish_seen_subcommand_from list" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand delegation; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand delegation; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand delegation; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand delegation; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand delegation; and __fish_seen_subcommand_from revoke" -l as -d 'The data owner who revokes; it must be able to read every entity' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand delegation; and __fish_seen_subcommand_from revoke" -l from -d 'The data owner whose access is removed (repeatable)' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand delegation; and __fish_seen_subcommand_from revoke" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand delegation; and __fish_seen_subcommand_from revoke" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand delegation; and __fish_seen_subcommand_from revoke" -l rekey -d 'Also re-encrypt under a fresh entity key, wrapped again for every remaining delegate'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand delegation; and __fish_seen_subcommand_from revoke" -l allow-unverified -d 'With --rekey: allow new exchange keys for unverified delegate keys'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand delegation; and __fish_seen_subcommand_from revoke" -l force -d 'Also when OWNER (--as) revokes its own access: it can no longer read the entities then'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand delegation; and __fish_seen_subcommand_from revoke" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand delegation; and __fish_seen_subcommand_from revoke" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand delegation; and __fish_seen_subcommand_from revoke" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand delegation; and __fish_seen_subcommand_from revoke" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand delegation; and __fish_seen_subcommand_from revoke" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand delegation; and __fish_seen_subcommand_from help" -f -a "share" -d 'Give other data owners access to entities you can read (the payload is not touched)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand delegation; and __fish_seen_subcommand_from help" -f -a "list" -d 'Who has access to entities: v1 from their metadata; v2 only what the keys of --as OWNER reveal (without --as: the number of entries)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand delegation; and __fish_seen_subcommand_from help" -f -a "revoke" -d 'Take access back: remove a data owner\'s entries (--rekey: also re-encrypt)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand delegation; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand share" -l as -d 'The data owner who shares; it must be able to read every entity' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand share" -l with -d 'The data owner to give access to (repeatable)' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand share" -l with-children -d 'Also share every entity under DIR (or s3://BUCKET/PREFIX/) linked to the given patients through their secret id (repeatable)' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand share" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand share" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand share" -l allow-unverified -d 'Allow new exchange keys for unverified delegate keys (prints a warning)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand share" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand share" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand share" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand share" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand share" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand backup; and not __fish_seen_subcommand_from create inspect restore help" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand backup; and not __fish_seen_subcommand_from create inspect restore help" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand backup; and not __fish_seen_subcommand_from create inspect restore help" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand backup; and not __fish_seen_subcommand_from create inspect restore help" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand backup; and not __fish_seen_subcommand_from create inspect restore help" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand backup; and not __fish_seen_subcommand_from create inspect restore help" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand backup; and not __fish_seen_subcommand_from create inspect restore help" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand backup; and not __fish_seen_subcommand_from create inspect restore help" -f -a "create" -d 'Encrypt records under a fresh key into a bucket, and print the emergency card'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand backup; and not __fish_seen_subcommand_from create inspect restore help" -f -a "inspect" -d 'Show a bucket\'s objects, signer, appendices and access log (no key needed)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand backup; and not __fish_seen_subcommand_from create inspect restore help" -f -a "restore" -d 'Decrypt a bucket with its card: the patient\'s own restore'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand backup; and not __fish_seen_subcommand_from create inspect restore help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand backup; and __fish_seen_subcommand_from create" -l as -d 'The patient whose key signs the card (its private key must be here)' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand backup; and __fish_seen_subcommand_from create" -l bucket -d 'The bucket directory to create (must not exist, or be empty), or s3://BUCKET/PREFIX/ (must hold no object). `-o`/`--output` is the old spelling, kept for one release: `-o` names a file everywhere else' -r -f -a "(__fish_complete_directories)"
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand backup; and __fish_seen_subcommand_from create" -l qr -d 'Write the card\'s QR code: CARD.png, CARD.svg, or - for the terminal' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand backup; and __fish_seen_subcommand_from create" -l location -d 'Where the bucket will be stored (a URL), printed on the card' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand backup; and __fish_seen_subcommand_from create" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand backup; and __fish_seen_subcommand_from create" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand backup; and __fish_seen_subcommand_from create" -l print-card -d 'Print the card\'s text (it holds the key) on stdout, for scripts. `--qr-text` is the old spelling, kept for one release: elsewhere it takes the card\'s text'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand backup; and __fish_seen_subcommand_from create" -l force -d 'Replace an existing card file (refused otherwise: the old card may be the only key to an old backup). The bucket is never replaced'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand backup; and __fish_seen_subcommand_from create" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand backup; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand backup; and __fish_seen_subcommand_from create" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand backup; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand backup; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand backup; and __fish_seen_subcommand_from inspect" -l qr -d 'Also open the sealed names and check access-log MACs with the card (PNG or text file)' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand backup; and __fish_seen_subcommand_from inspect" -l qr-text -d 'The card\'s text, or - for stdin (same as --qr)' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand backup; and __fish_seen_subcommand_from inspect" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand backup; and __fish_seen_subcommand_from inspect" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand backup; and __fish_seen_subcommand_from inspect" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand backup; and __fish_seen_subcommand_from inspect" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand backup; and __fish_seen_subcommand_from inspect" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand backup; and __fish_seen_subcommand_from inspect" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand backup; and __fish_seen_subcommand_from inspect" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand backup; and __fish_seen_subcommand_from restore" -l qr -d 'The card: a PNG of its QR code, or a file holding its text' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand backup; and __fish_seen_subcommand_from restore" -l qr-text -d 'The card\'s text as a scanner gives it (ehrbk1:...), or - to read it from stdin' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand backup; and __fish_seen_subcommand_from restore" -l out-dir -d 'Where the records go (created if missing); NAME.enc.json is written as NAME.json' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand backup; and __fish_seen_subcommand_from restore" -l signer -d 'The patient who must have signed the card (a verified owner of the keystore)' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand backup; and __fish_seen_subcommand_from restore" -l signer-key -d 'The patient\'s public key (SPKI PEM) that must have signed the card' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand backup; and __fish_seen_subcommand_from restore" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand backup; and __fish_seen_subcommand_from restore" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand backup; and __fish_seen_subcommand_from restore" -l force -d 'Replace files that already exist in DIR (refused otherwise)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand backup; and __fish_seen_subcommand_from restore" -l no-verify -d 'Go on when no trusted key can check the card\'s signature (loud warning)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand backup; and __fish_seen_subcommand_from restore" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand backup; and __fish_seen_subcommand_from restore" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand backup; and __fish_seen_subcommand_from restore" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand backup; and __fish_seen_subcommand_from restore" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand backup; and __fish_seen_subcommand_from restore" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand backup; and __fish_seen_subcommand_from help" -f -a "create" -d 'Encrypt records under a fresh key into a bucket, and print the emergency card'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand backup; and __fish_seen_subcommand_from help" -f -a "inspect" -d 'Show a bucket\'s objects, signer, appendices and access log (no key needed)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand backup; and __fish_seen_subcommand_from help" -f -a "restore" -d 'Decrypt a bucket with its card: the patient\'s own restore'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand backup; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand emergency; and not __fish_seen_subcommand_from decrypt append help" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand emergency; and not __fish_seen_subcommand_from decrypt append help" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand emergency; and not __fish_seen_subcommand_from decrypt append help" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand emergency; and not __fish_seen_subcommand_from decrypt append help" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand emergency; and not __fish_seen_subcommand_from decrypt append help" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand emergency; and not __fish_seen_subcommand_from decrypt append help" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand emergency; and not __fish_seen_subcommand_from decrypt append help" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand emergency; and not __fish_seen_subcommand_from decrypt append help" -f -a "decrypt" -d 'Verify a patient\'s card and bucket, log the access, and decrypt the records'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand emergency; and not __fish_seen_subcommand_from decrypt append help" -f -a "append" -d 'Add records to a patient\'s bucket under the card\'s key, signed by you'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand emergency; and not __fish_seen_subcommand_from decrypt append help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand emergency; and __fish_seen_subcommand_from decrypt" -l qr -d 'The card: a PNG of its QR code, or a file holding its text' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand emergency; and __fish_seen_subcommand_from decrypt" -l qr-text -d 'The card\'s text as a scanner gives it (ehrbk1:...), or - to read it from stdin' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand emergency; and __fish_seen_subcommand_from decrypt" -l signer -d 'The patient who must have signed the card (a verified owner of the keystore)' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand emergency; and __fish_seen_subcommand_from decrypt" -l signer-key -d 'The patient\'s public key (SPKI PEM) that must have signed the card' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand emergency; and __fish_seen_subcommand_from decrypt" -l as -d 'The professional accessing the records: signs the access-log record' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand emergency; and __fish_seen_subcommand_from decrypt" -l reencrypt-as -d 'Write each record as an ehrcrypt entity of HCP instead of plaintext' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand emergency; and __fish_seen_subcommand_from decrypt" -l kind -d 'Entity kind for records whose kind the backup does not record' -r -f -a "patient\t''
contact\t''
form\t''
health-element\t''"
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand emergency; and __fish_seen_subcommand_from decrypt" -l out-dir -d 'Where the records go (created if missing); plaintext as NAME.json, re-encrypted entities as NAME.enc.json' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand emergency; and __fish_seen_subcommand_from decrypt" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand emergency; and __fish_seen_subcommand_from decrypt" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand emergency; and __fish_seen_subcommand_from decrypt" -l no-verify -d 'Go on when no trusted key can check the card\'s signature (loud warning)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand emergency; and __fish_seen_subcommand_from decrypt" -l force -d 'Replace files that already exist in DIR (refused otherwise)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand emergency; and __fish_seen_subcommand_from decrypt" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand emergency; and __fish_seen_subcommand_from decrypt" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand emergency; and __fish_seen_subcommand_from decrypt" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand emergency; and __fish_seen_subcommand_from decrypt" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand emergency; and __fish_seen_subcommand_from decrypt" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand emergency; and __fish_seen_subcommand_from append" -l qr -d 'The card: a PNG of its QR code, or a file holding its text' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand emergency; and __fish_seen_subcommand_from append" -l qr-text -d 'The card\'s text as a scanner gives it (ehrbk1:...), or - to read it from stdin' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand emergency; and __fish_seen_subcommand_from append" -l as -d 'The professional adding records (its private key signs them)' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand emergency; and __fish_seen_subcommand_from append" -l signer -d 'The patient who must have signed the card (a verified owner of the keystore)' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand emergency; and __fish_seen_subcommand_from append" -l signer-key -d 'The patient\'s public key (SPKI PEM) that must have signed the card' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand emergency; and __fish_seen_subcommand_from append" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand emergency; and __fish_seen_subcommand_from append" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand emergency; and __fish_seen_subcommand_from append" -l no-verify -d 'Go on when no trusted key can check the card\'s signature (loud warning)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand emergency; and __fish_seen_subcommand_from append" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand emergency; and __fish_seen_subcommand_from append" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand emergency; and __fish_seen_subcommand_from append" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand emergency; and __fish_seen_subcommand_from append" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand emergency; and __fish_seen_subcommand_from append" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand emergency; and __fish_seen_subcommand_from help" -f -a "decrypt" -d 'Verify a patient\'s card and bucket, log the access, and decrypt the records'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand emergency; and __fish_seen_subcommand_from help" -f -a "append" -d 'Add records to a patient\'s bucket under the card\'s key, signed by you'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand emergency; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and not __fish_seen_subcommand_from init publish grant proxy open revoke reidentify help" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and not __fish_seen_subcommand_from init publish grant proxy open revoke reidentify help" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and not __fish_seen_subcommand_from init publish grant proxy open revoke reidentify help" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and not __fish_seen_subcommand_from init publish grant proxy open revoke reidentify help" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and not __fish_seen_subcommand_from init publish grant proxy open revoke reidentify help" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and not __fish_seen_subcommand_from init publish grant proxy open revoke reidentify help" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and not __fish_seen_subcommand_from init publish grant proxy open revoke reidentify help" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and not __fish_seen_subcommand_from init publish grant proxy open revoke reidentify help" -f -a "init" -d 'Publish your research key (derived from your RSA key), so that clinics can grant you studies'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and not __fish_seen_subcommand_from init publish grant proxy open revoke reidentify help" -f -a "publish" -d 'Pseudonymise FHIR records and publish them, encrypted, into a study directory'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and not __fish_seen_subcommand_from init publish grant proxy open revoke reidentify help" -f -a "grant" -d 'Grant a researcher a study: one key-fragment file per proxy'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and not __fish_seen_subcommand_from init publish grant proxy open revoke reidentify help" -f -a "proxy" -d 'Re-encrypt a study\'s records for a grant with one key fragment (no private key needed)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and not __fish_seen_subcommand_from init publish grant proxy open revoke reidentify help" -f -a "open" -d 'Open the records of a study granted to you, from the proxies\' capsule fragments'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and not __fish_seen_subcommand_from init publish grant proxy open revoke reidentify help" -f -a "revoke" -d 'Withdraw a researcher\'s grants (consent withdrawn); new records go to a new key'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and not __fish_seen_subcommand_from init publish grant proxy open revoke reidentify help" -f -a "reidentify" -d 'The patient id behind a study pseudonym (the clinic only)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and not __fish_seen_subcommand_from init publish grant proxy open revoke reidentify help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from init" -l as -d 'The owner (held here) that will receive studies' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from init" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from init" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from init" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from init" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from init" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from init" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from init" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from publish" -l as -d 'The clinic (held here) that owns the records' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from publish" -l study -d 'The study name (letters, digits, \'-\', \'_\', \'.\')' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from publish" -l out -d 'The study directory (created on first publication)' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from publish" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from publish" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from publish" -l keep-notes -d 'Keep free-text notes (`note`); they are dropped by default'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from publish" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from publish" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from publish" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from publish" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from publish" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from grant" -l as -d 'The clinic (held here)' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from grant" -l to -d 'The researcher: its research key must be signed by a key verified here' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from grant" -l study -d 'The study name' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from grant" -l threshold -d 'Fragments needed to re-encrypt' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from grant" -l proxies -d 'Fragments made, one per proxy' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from grant" -l out-dir -d 'New directory for the fragment files (0600; one to each proxy)' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from grant" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from grant" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from grant" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from grant" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from grant" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from grant" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from grant" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from proxy" -l fragment -d 'The fragment file this proxy was given' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from proxy" -l out-dir -d 'Where to write capsule fragments [default: STUDYDIR/cfrags/GRANT/N]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from proxy" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from proxy" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from proxy" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from proxy" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from proxy" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from proxy" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from proxy" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from open" -l as -d 'The researcher (held here)' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from open" -l out-dir -d 'New directory for the opened records (one RDS message per patient)' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from open" -l cfrags -d 'Directories of capsule fragments [default: STUDYDIR/cfrags]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from open" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from open" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from open" -l no-verify -d 'Open even if the clinic\'s key is not verified here (warns)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from open" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from open" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from open" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from open" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from open" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from revoke" -l as -d 'The clinic (held here)' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from revoke" -l from -d 'The researcher whose grants end' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from revoke" -l study -d 'The study name' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from revoke" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from revoke" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from revoke" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from revoke" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from revoke" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from revoke" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from revoke" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from reidentify" -l as -d 'The clinic (held here)' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from reidentify" -l study -d 'The study name' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from reidentify" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from reidentify" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from reidentify" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from reidentify" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from reidentify" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from reidentify" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from reidentify" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from help" -f -a "init" -d 'Publish your research key (derived from your RSA key), so that clinics can grant you studies'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from help" -f -a "publish" -d 'Pseudonymise FHIR records and publish them, encrypted, into a study directory'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from help" -f -a "grant" -d 'Grant a researcher a study: one key-fragment file per proxy'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from help" -f -a "proxy" -d 'Re-encrypt a study\'s records for a grant with one key fragment (no private key needed)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from help" -f -a "open" -d 'Open the records of a study granted to you, from the proxies\' capsule fragments'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from help" -f -a "revoke" -d 'Withdraw a researcher\'s grants (consent withdrawn); new records go to a new key'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from help" -f -a "reidentify" -d 'The patient id behind a study pseudonym (the clinic only)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand research; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand fhir; and not __fish_seen_subcommand_from import export help" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand fhir; and not __fish_seen_subcommand_from import export help" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand fhir; and not __fish_seen_subcommand_from import export help" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand fhir; and not __fish_seen_subcommand_from import export help" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand fhir; and not __fish_seen_subcommand_from import export help" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand fhir; and not __fish_seen_subcommand_from import export help" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand fhir; and not __fish_seen_subcommand_from import export help" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand fhir; and not __fish_seen_subcommand_from import export help" -f -a "import" -d 'Encrypt each resource of FHIR Bundles or ndjson files as an entity, linked to its patient'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand fhir; and not __fish_seen_subcommand_from import export help" -f -a "export" -d 'Decrypt the FHIR records you can read back into one Bundle (or ndjson)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand fhir; and not __fish_seen_subcommand_from import export help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand fhir; and __fish_seen_subcommand_from import" -l as -d 'The data owner who encrypts (its private key must be here)' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand fhir; and __fish_seen_subcommand_from import" -l share-with -d 'Also give this data owner access (repeatable)' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand fhir; and __fish_seen_subcommand_from import" -l out-dir -d 'Directory for the entities (created whole if it does not exist), or s3://BUCKET/PREFIX/ (each object created, never replacing one)' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand fhir; and __fish_seen_subcommand_from import" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand fhir; and __fish_seen_subcommand_from import" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand fhir; and __fish_seen_subcommand_from import" -l allow-unverified -d 'Allow new exchange keys for unverified delegate keys'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand fhir; and __fish_seen_subcommand_from import" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand fhir; and __fish_seen_subcommand_from import" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand fhir; and __fish_seen_subcommand_from import" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand fhir; and __fish_seen_subcommand_from import" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand fhir; and __fish_seen_subcommand_from import" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand fhir; and __fish_seen_subcommand_from export" -l as -d 'The data owner who decrypts' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand fhir; and __fish_seen_subcommand_from export" -l patient -d 'Only this patient\'s compartment (the Patient\'s FHIR id)' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand fhir; and __fish_seen_subcommand_from export" -s o -l output -d 'Output file (- for stdout, the default)' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand fhir; and __fish_seen_subcommand_from export" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand fhir; and __fish_seen_subcommand_from export" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand fhir; and __fish_seen_subcommand_from export" -l ndjson -d 'One resource per line instead of a Bundle'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand fhir; and __fish_seen_subcommand_from export" -l force -d 'Replace an existing output file'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand fhir; and __fish_seen_subcommand_from export" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand fhir; and __fish_seen_subcommand_from export" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand fhir; and __fish_seen_subcommand_from export" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand fhir; and __fish_seen_subcommand_from export" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand fhir; and __fish_seen_subcommand_from export" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand fhir; and __fish_seen_subcommand_from help" -f -a "import" -d 'Encrypt each resource of FHIR Bundles or ndjson files as an entity, linked to its patient'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand fhir; and __fish_seen_subcommand_from help" -f -a "export" -d 'Decrypt the FHIR records you can read back into one Bundle (or ndjson)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand fhir; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand pair" -l as -d 'The data owner on this device (its private key is held here)' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand pair" -l listen -d 'Listen on ADDR (HOST or HOST:PORT; default 127.0.0.1, any free port), print a one-time code, and wait for one connection' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand pair" -l code -d 'The one-time code the listening side shows (- reads it from stdin)' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand pair" -l timeout -d 'Seconds to wait for the other side\'s next message' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand pair" -l wait -d 'With --listen: seconds the code stays valid (at most 300)' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand pair" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand pair" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand pair" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand pair" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand pair" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand pair" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand pair" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand send" -l as -d 'The data owner who sends; it must be able to read every entity' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand send" -l to -d 'The data owner on the other device; anyone else is refused' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand send" -l listen -d 'Listen on ADDR (HOST or HOST:PORT; default 127.0.0.1, any free port), print a one-time code, and wait for one connection' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand send" -l code -d 'The one-time code the listening side shows (- reads it from stdin)' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand send" -l timeout -d 'Seconds to wait for the other side\'s next message' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand send" -l wait -d 'With --listen: seconds the code stays valid (at most 300)' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand send" -l connect -d 'With --code: the listening side\'s HOST:PORT' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand send" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand send" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand send" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand send" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand send" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand send" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand send" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand receive" -l as -d 'The data owner who receives (its private key is held here)' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand receive" -l from -d 'Accept records only from this data owner' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand receive" -l out-dir -d 'Directory for the records: created, or an existing one (nothing in it is overwritten)' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand receive" -l max-size -d 'Refuse a transfer larger than SIZE (bytes, or with K, M, G)' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand receive" -l listen -d 'Listen on ADDR (HOST or HOST:PORT; default 127.0.0.1, any free port), print a one-time code, and wait for one connection' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand receive" -l code -d 'The one-time code the listening side shows (- reads it from stdin)' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand receive" -l timeout -d 'Seconds to wait for the other side\'s next message' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand receive" -l wait -d 'With --listen: seconds the code stays valid (at most 300)' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand receive" -l connect -d 'With --code: the listening side\'s HOST:PORT' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand receive" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand receive" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand receive" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand receive" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand receive" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand receive" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand receive" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and not __fish_seen_subcommand_from import-key import-owner decrypt check migrate share help" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and not __fish_seen_subcommand_from import-key import-owner decrypt check migrate share help" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and not __fish_seen_subcommand_from import-key import-owner decrypt check migrate share help" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and not __fish_seen_subcommand_from import-key import-owner decrypt check migrate share help" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and not __fish_seen_subcommand_from import-key import-owner decrypt check migrate share help" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and not __fish_seen_subcommand_from import-key import-owner decrypt check migrate share help" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and not __fish_seen_subcommand_from import-key import-owner decrypt check migrate share help" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and not __fish_seen_subcommand_from import-key import-owner decrypt check migrate share help" -f -a "import-key" -d 'Import a private key as iCure or Cardinal stores it (hex PKCS#8, SDK key storage JSON)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and not __fish_seen_subcommand_from import-key import-owner decrypt check migrate share help" -f -a "import-owner" -d 'Import data owner documents as the iCure REST API returns them (keys arrive unverified)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and not __fish_seen_subcommand_from import-key import-owner decrypt check migrate share help" -f -a "decrypt" -d 'Decrypt a legacy iCure record as the SDK would return it'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and not __fish_seen_subcommand_from import-key import-owner decrypt check migrate share help" -f -a "check" -d 'Report the weaknesses found in a folder of iCure data'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and not __fish_seen_subcommand_from import-key import-owner decrypt check migrate share help" -f -a "migrate" -d 'Move legacy iCure records to authenticated ehrcrypt entities'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and not __fish_seen_subcommand_from import-key import-owner decrypt check migrate share help" -f -a "share" -d 'Add a delegate to an iCure or Cardinal record in its own (unauthenticated) format'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and not __fish_seen_subcommand_from import-key import-owner decrypt check migrate share help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from import-key" -l id -d 'The data owner the key belongs to (needed for hex; selects one owner of a storage dump)' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from import-key" -l name -d 'Display name if the owner is new' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from import-key" -l kind -d 'Kind if the owner is new' -r -f -a "hcp\t''
patient\t''
device\t''"
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from import-key" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from import-key" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from import-key" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from import-key" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from import-key" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from import-key" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from import-key" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from import-owner" -l kind -d 'The owners\' kind [default: guessed from the document]' -r -f -a "hcp\t''
patient\t''
device\t''"
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from import-owner" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from import-owner" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from import-owner" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from import-owner" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from import-owner" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from import-owner" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from import-owner" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from decrypt" -l as -d 'The data owner to read as (its private key must be in the keystore)' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from decrypt" -l type -d 'The record\'s type [default: from `_type`]' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from decrypt" -s o -l output -d 'Output file (- for stdout, the default); written 0600' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from decrypt" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from decrypt" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from decrypt" -l force -d 'Overwrite an existing output file'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from decrypt" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from decrypt" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from decrypt" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from decrypt" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from decrypt" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from check" -l as -d 'Also open the records as this owner (entity key sizes, ids sealed in delegations)' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from check" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from check" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from check" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from check" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from check" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from check" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from migrate" -l as -d 'The owner to read and re-encrypt as' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from migrate" -s o -l out-dir -d 'Folder for the ehrcrypt entities: a new one is created whole or not at all; or s3://BUCKET/PREFIX/ (each object created, never replacing one)' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from migrate" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from migrate" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from migrate" -l force -d 'Write into an existing folder, replacing files of the same names'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from migrate" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from migrate" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from migrate" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from migrate" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from migrate" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from share" -l as -d 'The delegator (a delegate of the record, key in this keystore)' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from share" -l with -d 'The new delegate' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from share" -s o -l output -d 'Output file for the record (- for stdout)' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from share" -l owner-out -d 'Legacy records: where to write your updated owner document if a new exchange key is made (upload it too)' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from share" -l exchange-data-out -d 'Cardinal records: where to write the new ExchangeData document if one is made (upload it too)' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from share" -l exchange-data-map-out -d 'Cardinal records shared with a patient: where to write the ExchangeDataMap document (upload it too)' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from share" -l signing-key -d 'Cardinal records: your SDK key storage JSON holding your signing key (org.taktik.icure.rsa.sign.<id>.self), to sign new exchange data as the SDK does' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from share" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from share" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from share" -l i-know-it-is-unauthenticated -d 'Required: you accept that the format has no integrity protection'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from share" -l force -d 'Overwrite existing output files'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from share" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from share" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from share" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from share" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from share" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from help" -f -a "import-key" -d 'Import a private key as iCure or Cardinal stores it (hex PKCS#8, SDK key storage JSON)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from help" -f -a "import-owner" -d 'Import data owner documents as the iCure REST API returns them (keys arrive unverified)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from help" -f -a "decrypt" -d 'Decrypt a legacy iCure record as the SDK would return it'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from help" -f -a "check" -d 'Report the weaknesses found in a folder of iCure data'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from help" -f -a "migrate" -d 'Move legacy iCure records to authenticated ehrcrypt entities'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from help" -f -a "share" -d 'Add a delegate to an iCure or Cardinal record in its own (unauthenticated) format'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand icure; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand demo" -l keep -d 'Keep the demo\'s files in DIR (created; must be empty) instead of a temporary directory' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand demo" -l store -d 'Run the backup and emergency steps against this object-store prefix (s3://BUCKET/PREFIX/, configured by the AWS_* variables) instead of a local folder' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand demo" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand demo" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand demo" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand demo" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand demo" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand demo" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand demo" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand completions" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand completions" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand completions" -l dynamic -d 'Print the script that registers dynamic completion instead, which also completes owner ids from the keystore (it runs ehrcrypt at each completion)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand completions" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand completions" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand completions" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand completions" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand completions" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand man-pages" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand man-pages" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand man-pages" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand man-pages" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand man-pages" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand man-pages" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand man-pages" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand trust; and not __fish_seen_subcommand_from add list remove crl help" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand trust; and not __fish_seen_subcommand_from add list remove crl help" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand trust; and not __fish_seen_subcommand_from add list remove crl help" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand trust; and not __fish_seen_subcommand_from add list remove crl help" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand trust; and not __fish_seen_subcommand_from add list remove crl help" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand trust; and not __fish_seen_subcommand_from add list remove crl help" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand trust; and not __fish_seen_subcommand_from add list remove crl help" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand trust; and not __fish_seen_subcommand_from add list remove crl help" -f -a "add" -d 'Trust a CA certificate (a root) as an anchor: keys it certifies become verified'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand trust; and not __fish_seen_subcommand_from add list remove crl help" -f -a "list" -d 'List the trust anchors and CRLs'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand trust; and not __fish_seen_subcommand_from add list remove crl help" -f -a "remove" -d 'Stop trusting an anchor (by the fingerprint `trust list` shows)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand trust; and not __fish_seen_subcommand_from add list remove crl help" -f -a "crl" -d 'Certificate revocation lists'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand trust; and not __fish_seen_subcommand_from add list remove crl help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand trust; and __fish_seen_subcommand_from add" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand trust; and __fish_seen_subcommand_from add" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand trust; and __fish_seen_subcommand_from add" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand trust; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand trust; and __fish_seen_subcommand_from add" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand trust; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand trust; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand trust; and __fish_seen_subcommand_from list" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand trust; and __fish_seen_subcommand_from list" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand trust; and __fish_seen_subcommand_from list" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand trust; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand trust; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand trust; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand trust; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand trust; and __fish_seen_subcommand_from remove" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand trust; and __fish_seen_subcommand_from remove" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand trust; and __fish_seen_subcommand_from remove" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand trust; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand trust; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand trust; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand trust; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand trust; and __fish_seen_subcommand_from crl" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand trust; and __fish_seen_subcommand_from crl" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand trust; and __fish_seen_subcommand_from crl" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand trust; and __fish_seen_subcommand_from crl" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand trust; and __fish_seen_subcommand_from crl" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand trust; and __fish_seen_subcommand_from crl" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand trust; and __fish_seen_subcommand_from crl" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand trust; and __fish_seen_subcommand_from crl" -f -a "add" -d 'Add (or update) a CRL signed by an anchor or a known intermediate CA'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand trust; and __fish_seen_subcommand_from crl" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand trust; and __fish_seen_subcommand_from help" -f -a "add" -d 'Trust a CA certificate (a root) as an anchor: keys it certifies become verified'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand trust; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the trust anchors and CRLs'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand trust; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Stop trusting an anchor (by the fingerprint `trust list` shows)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand trust; and __fish_seen_subcommand_from help" -f -a "crl" -d 'Certificate revocation lists'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand trust; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand agent; and not __fish_seen_subcommand_from start run status stop help" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand agent; and not __fish_seen_subcommand_from start run status stop help" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand agent; and not __fish_seen_subcommand_from start run status stop help" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand agent; and not __fish_seen_subcommand_from start run status stop help" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand agent; and not __fish_seen_subcommand_from start run status stop help" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand agent; and not __fish_seen_subcommand_from start run status stop help" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand agent; and not __fish_seen_subcommand_from start run status stop help" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand agent; and not __fish_seen_subcommand_from start run status stop help" -f -a "start" -d 'Start an agent in the background; print the shell lines that point commands at it'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand agent; and not __fish_seen_subcommand_from start run status stop help" -f -a "run" -d 'Run an agent in the foreground on SOCKET (for a service manager)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand agent; and not __fish_seen_subcommand_from start run status stop help" -f -a "status" -d 'Show the keys the agent in EHRCRYPT_AGENT holds and when it ends'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand agent; and not __fish_seen_subcommand_from start run status stop help" -f -a "stop" -d 'Make the agent in EHRCRYPT_AGENT forget its keys and exit'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand agent; and not __fish_seen_subcommand_from start run status stop help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand agent; and __fish_seen_subcommand_from start" -l as -d 'Hold the keys of OWNER only (repeatable) [default: every owner with a private key here]' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand agent; and __fish_seen_subcommand_from start" -l lifetime -d 'How long the keys are held, e.g. 30m, 8h, 1d; 0 holds them until `agent stop`' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand agent; and __fish_seen_subcommand_from start" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand agent; and __fish_seen_subcommand_from start" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand agent; and __fish_seen_subcommand_from start" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand agent; and __fish_seen_subcommand_from start" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand agent; and __fish_seen_subcommand_from start" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand agent; and __fish_seen_subcommand_from start" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand agent; and __fish_seen_subcommand_from start" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand agent; and __fish_seen_subcommand_from run" -l socket -d 'Where to listen' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand agent; and __fish_seen_subcommand_from run" -l as -d 'Hold the keys of OWNER only (repeatable) [default: every owner with a private key here]' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand agent; and __fish_seen_subcommand_from run" -l lifetime -d 'How long the keys are held, e.g. 30m, 8h, 1d; 0 holds them until `agent stop`' -r
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand agent; and __fish_seen_subcommand_from run" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand agent; and __fish_seen_subcommand_from run" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand agent; and __fish_seen_subcommand_from run" -l owns-dir -d 'SOCKET\'s directory was made for this agent: remove it at the end (set by `agent start`)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand agent; and __fish_seen_subcommand_from run" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand agent; and __fish_seen_subcommand_from run" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand agent; and __fish_seen_subcommand_from run" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand agent; and __fish_seen_subcommand_from run" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand agent; and __fish_seen_subcommand_from run" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand agent; and __fish_seen_subcommand_from status" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand agent; and __fish_seen_subcommand_from status" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand agent; and __fish_seen_subcommand_from status" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand agent; and __fish_seen_subcommand_from status" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand agent; and __fish_seen_subcommand_from status" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand agent; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand agent; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand agent; and __fish_seen_subcommand_from stop" -l keystore -d 'Keystore file [default: the platform data directory]' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand agent; and __fish_seen_subcommand_from stop" -l passphrase-file -d 'Read the passphrase from FILE (one trailing newline ignored) instead of EHRCRYPT_PASSPHRASE or a prompt' -r -F
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand agent; and __fish_seen_subcommand_from stop" -l json -d 'Machine-readable JSON on stdout (docs/JSON.md); errors as JSON on stderr'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand agent; and __fish_seen_subcommand_from stop" -s q -l quiet -d 'Print nothing but results and errors'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand agent; and __fish_seen_subcommand_from stop" -s v -l verbose -d 'Report expensive operations (RSA decryptions, key unlocks)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand agent; and __fish_seen_subcommand_from stop" -s h -l help -d 'Print help'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand agent; and __fish_seen_subcommand_from stop" -s V -l version -d 'Print version'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand agent; and __fish_seen_subcommand_from help" -f -a "start" -d 'Start an agent in the background; print the shell lines that point commands at it'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand agent; and __fish_seen_subcommand_from help" -f -a "run" -d 'Run an agent in the foreground on SOCKET (for a service manager)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand agent; and __fish_seen_subcommand_from help" -f -a "status" -d 'Show the keys the agent in EHRCRYPT_AGENT holds and when it ends'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand agent; and __fish_seen_subcommand_from help" -f -a "stop" -d 'Make the agent in EHRCRYPT_AGENT forget its keys and exit'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand agent; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and not __fish_seen_subcommand_from keygen owner key hcp-key entity delegation share backup emergency research fhir pair send receive icure demo completions man-pages trust agent help" -f -a "keygen" -d 'Generate an RSA-2048 key pair for a new data owner'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and not __fish_seen_subcommand_from keygen owner key hcp-key entity delegation share backup emergency research fhir pair send receive icure demo completions man-pages trust agent help" -f -a "owner" -d 'List, show, export, import and verify data owners'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and not __fish_seen_subcommand_from keygen owner key hcp-key entity delegation share backup emergency research fhir pair send receive icure demo completions man-pages trust agent help" -f -a "key" -d 'Administer private keys by hand (PEM that openssl reads)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and not __fish_seen_subcommand_from keygen owner key hcp-key entity delegation share backup emergency research fhir pair send receive icure demo completions man-pages trust agent help" -f -a "hcp-key" -d 'Pairwise exchange keys ("hcp keys") between data owners'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and not __fish_seen_subcommand_from keygen owner key hcp-key entity delegation share backup emergency research fhir pair send receive icure demo completions man-pages trust agent help" -f -a "entity" -d 'Encrypt, decrypt and link patients, contacts, forms and health elements'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and not __fish_seen_subcommand_from keygen owner key hcp-key entity delegation share backup emergency research fhir pair send receive icure demo completions man-pages trust agent help" -f -a "delegation" -d 'Share entities with other data owners, list who has access, revoke it'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and not __fish_seen_subcommand_from keygen owner key hcp-key entity delegation share backup emergency research fhir pair send receive icure demo completions man-pages trust agent help" -f -a "share" -d 'Short for `delegation share`'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and not __fish_seen_subcommand_from keygen owner key hcp-key entity delegation share backup emergency research fhir pair send receive icure demo completions man-pages trust agent help" -f -a "backup" -d 'Emergency backups to a QR card (R2D Backup): create, inspect, restore'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and not __fish_seen_subcommand_from keygen owner key hcp-key entity delegation share backup emergency research fhir pair send receive icure demo completions man-pages trust agent help" -f -a "emergency" -d 'Read (and add to) a patient\'s backup with their card (R2D Emergency)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and not __fish_seen_subcommand_from keygen owner key hcp-key entity delegation share backup emergency research fhir pair send receive icure demo completions man-pages trust agent help" -f -a "research" -d 'Research sharing: pseudonymised studies re-encrypted by proxies for researchers'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and not __fish_seen_subcommand_from keygen owner key hcp-key entity delegation share backup emergency research fhir pair send receive icure demo completions man-pages trust agent help" -f -a "fhir" -d 'FHIR R4 Bundles and bulk-data ndjson in and out of encrypted entities'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and not __fish_seen_subcommand_from keygen owner key hcp-key entity delegation share backup emergency research fhir pair send receive icure demo completions man-pages trust agent help" -f -a "pair" -d 'Pair with another device: a one-time code, and each side\'s key verified'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and not __fish_seen_subcommand_from keygen owner key hcp-key entity delegation share backup emergency research fhir pair send receive icure demo completions man-pages trust agent help" -f -a "send" -d 'Pair with another device and send it records (shared, not re-encrypted)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and not __fish_seen_subcommand_from keygen owner key hcp-key entity delegation share backup emergency research fhir pair send receive icure demo completions man-pages trust agent help" -f -a "receive" -d 'Pair with another device and receive records into a directory'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and not __fish_seen_subcommand_from keygen owner key hcp-key entity delegation share backup emergency research fhir pair send receive icure demo completions man-pages trust agent help" -f -a "icure" -d 'Real iCure and Cardinal data: import keys and owners, decrypt, check, migrate, share'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and not __fish_seen_subcommand_from keygen owner key hcp-key entity delegation share backup emergency research fhir pair send receive icure demo completions man-pages trust agent help" -f -a "demo" -d 'Run the whole flow on a throw-away keystore and narrate it'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and not __fish_seen_subcommand_from keygen owner key hcp-key entity delegation share backup emergency research fhir pair send receive icure demo completions man-pages trust agent help" -f -a "completions" -d 'Print shell completions generated from this command line'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and not __fish_seen_subcommand_from keygen owner key hcp-key entity delegation share backup emergency research fhir pair send receive icure demo completions man-pages trust agent help" -f -a "man-pages" -d 'Write one man page per command into DIR (for scripts/update-completions)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and not __fish_seen_subcommand_from keygen owner key hcp-key entity delegation share backup emergency research fhir pair send receive icure demo completions man-pages trust agent help" -f -a "trust" -d 'Certificate authorities this keystore trusts, and their revocation lists'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and not __fish_seen_subcommand_from keygen owner key hcp-key entity delegation share backup emergency research fhir pair send receive icure demo completions man-pages trust agent help" -f -a "agent" -d 'Keep private keys unlocked for a session: the passphrase asked once, not per command'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and not __fish_seen_subcommand_from keygen owner key hcp-key entity delegation share backup emergency research fhir pair send receive icure demo completions man-pages trust agent help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and __fish_seen_subcommand_from owner" -f -a "list" -d 'List the data owners in the keystore'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and __fish_seen_subcommand_from owner" -f -a "show" -d 'Show one owner: keys, fingerprints, trust, exchange keys (never key bytes)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and __fish_seen_subcommand_from owner" -f -a "export" -d 'Write the owner\'s public document (public keys and exchange keys, never a private key)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and __fish_seen_subcommand_from owner" -f -a "import" -d 'Merge an owner document into this keystore (its keys start unverified)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and __fish_seen_subcommand_from owner" -f -a "verify" -d 'Mark a key verified after comparing its fingerprint out of band'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and __fish_seen_subcommand_from owner" -f -a "fingerprint" -d 'Print the fingerprint of the owner\'s current key (--all: every key)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and __fish_seen_subcommand_from owner" -f -a "csr" -d 'Write a PKCS#10 certificate request for the owner\'s current key, signed with it'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and __fish_seen_subcommand_from owner" -f -a "import-cert" -d 'Attach the certificate a CA issued for one of the owner\'s keys (verifies the key if it chains to a trust anchor)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and __fish_seen_subcommand_from owner" -f -a "remove" -d 'Remove an owner from the keystore'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and __fish_seen_subcommand_from key" -f -a "export-private" -d 'Write an owner\'s private key as encrypted PKCS#8 PEM (file created 0600)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and __fish_seen_subcommand_from key" -f -a "import-private" -d 'Import a PKCS#8 PEM private key (encrypted or not) for an owner'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and __fish_seen_subcommand_from key" -f -a "add" -d 'Generate a new key pair for an owner held here (key rotation); old keys stay for old data'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and __fish_seen_subcommand_from hcp-key" -f -a "exchange" -d 'Create (or reuse) the exchange key that FROM uses to delegate to TO'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and __fish_seen_subcommand_from hcp-key" -f -a "check" -d 'Open each exchange key DELEGATOR→DELEGATE with ME\'s private keys held here and report which open (signature checked; key bytes never shown)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and __fish_seen_subcommand_from hcp-key" -f -a "list" -d 'List exchange keys (metadata only, never key bytes)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and __fish_seen_subcommand_from hcp-key" -f -a "show" -d 'Show the exchange keys of one pair (metadata only)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and __fish_seen_subcommand_from entity" -f -a "encrypt" -d 'Encrypt plaintext JSON records into entities'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and __fish_seen_subcommand_from entity" -f -a "decrypt" -d 'Decrypt entities back into the original JSON records'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and __fish_seen_subcommand_from entity" -f -a "children" -d 'List the entities in DIR… linked to a patient (via its secret id)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and __fish_seen_subcommand_from entity" -f -a "upgrade" -d 'Rewrite ehrcrypt/entity/v1 files as v2, in place (v2 files are left as they are)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and __fish_seen_subcommand_from entity" -f -a "parent" -d 'Find the patient an entity belongs to (via its encrypted parent id)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and __fish_seen_subcommand_from delegation" -f -a "share" -d 'Give other data owners access to entities you can read (the payload is not touched)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and __fish_seen_subcommand_from delegation" -f -a "list" -d 'Who has access to entities: v1 from their metadata; v2 only what the keys of --as OWNER reveal (without --as: the number of entries)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and __fish_seen_subcommand_from delegation" -f -a "revoke" -d 'Take access back: remove a data owner\'s entries (--rekey: also re-encrypt)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and __fish_seen_subcommand_from backup" -f -a "create" -d 'Encrypt records under a fresh key into a bucket, and print the emergency card'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and __fish_seen_subcommand_from backup" -f -a "inspect" -d 'Show a bucket\'s objects, signer, appendices and access log (no key needed)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and __fish_seen_subcommand_from backup" -f -a "restore" -d 'Decrypt a bucket with its card: the patient\'s own restore'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and __fish_seen_subcommand_from emergency" -f -a "decrypt" -d 'Verify a patient\'s card and bucket, log the access, and decrypt the records'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and __fish_seen_subcommand_from emergency" -f -a "append" -d 'Add records to a patient\'s bucket under the card\'s key, signed by you'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and __fish_seen_subcommand_from research" -f -a "init" -d 'Publish your research key (derived from your RSA key), so that clinics can grant you studies'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and __fish_seen_subcommand_from research" -f -a "publish" -d 'Pseudonymise FHIR records and publish them, encrypted, into a study directory'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and __fish_seen_subcommand_from research" -f -a "grant" -d 'Grant a researcher a study: one key-fragment file per proxy'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and __fish_seen_subcommand_from research" -f -a "proxy" -d 'Re-encrypt a study\'s records for a grant with one key fragment (no private key needed)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and __fish_seen_subcommand_from research" -f -a "open" -d 'Open the records of a study granted to you, from the proxies\' capsule fragments'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and __fish_seen_subcommand_from research" -f -a "revoke" -d 'Withdraw a researcher\'s grants (consent withdrawn); new records go to a new key'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and __fish_seen_subcommand_from research" -f -a "reidentify" -d 'The patient id behind a study pseudonym (the clinic only)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and __fish_seen_subcommand_from fhir" -f -a "import" -d 'Encrypt each resource of FHIR Bundles or ndjson files as an entity, linked to its patient'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and __fish_seen_subcommand_from fhir" -f -a "export" -d 'Decrypt the FHIR records you can read back into one Bundle (or ndjson)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and __fish_seen_subcommand_from icure" -f -a "import-key" -d 'Import a private key as iCure or Cardinal stores it (hex PKCS#8, SDK key storage JSON)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and __fish_seen_subcommand_from icure" -f -a "import-owner" -d 'Import data owner documents as the iCure REST API returns them (keys arrive unverified)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and __fish_seen_subcommand_from icure" -f -a "decrypt" -d 'Decrypt a legacy iCure record as the SDK would return it'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and __fish_seen_subcommand_from icure" -f -a "check" -d 'Report the weaknesses found in a folder of iCure data'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and __fish_seen_subcommand_from icure" -f -a "migrate" -d 'Move legacy iCure records to authenticated ehrcrypt entities'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and __fish_seen_subcommand_from icure" -f -a "share" -d 'Add a delegate to an iCure or Cardinal record in its own (unauthenticated) format'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and __fish_seen_subcommand_from trust" -f -a "add" -d 'Trust a CA certificate (a root) as an anchor: keys it certifies become verified'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and __fish_seen_subcommand_from trust" -f -a "list" -d 'List the trust anchors and CRLs'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and __fish_seen_subcommand_from trust" -f -a "remove" -d 'Stop trusting an anchor (by the fingerprint `trust list` shows)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and __fish_seen_subcommand_from trust" -f -a "crl" -d 'Certificate revocation lists'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and __fish_seen_subcommand_from agent" -f -a "start" -d 'Start an agent in the background; print the shell lines that point commands at it'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and __fish_seen_subcommand_from agent" -f -a "run" -d 'Run an agent in the foreground on SOCKET (for a service manager)'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and __fish_seen_subcommand_from agent" -f -a "status" -d 'Show the keys the agent in EHRCRYPT_AGENT holds and when it ends'
complete -c ehrcrypt -n "__fish_ehrcrypt_using_subcommand help; and __fish_seen_subcommand_from agent" -f -a "stop" -d 'Make the agent in EHRCRYPT_AGENT forget its keys and exit'
