#!/usr/bin/env bash
# Regenerates fixtures/entities/*.enc.json from the plaintexts beside them,
# the John Keats scenario of seed 000: A encrypts patient 1234 and its
# contact 4567 and shares both with B. These are golden files: only run this
# to add new ones on purpose; later versions must keep decrypting the old.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet
bin=target/debug/ehrcrypt
dir=fixtures/entities
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cp fixtures/keys/A.keystore.json "$tmp/A.keystore.json"
export EHRCRYPT_PASSPHRASE="test-only-passphrase" EHRCRYPT_KEYSTORE="$tmp/A.keystore.json"
$bin entity encrypt --as A --kind patient --share-with B --clear lastName --clear address.city \
  "$dir/patient-1234.json" -o "$dir/patient-1234.enc.json"
$bin entity encrypt --as A --kind contact --share-with B --parent "$dir/patient-1234.enc.json" \
  "$dir/contact-4567.json" -o "$dir/contact-4567.enc.json"
$bin entity encrypt --as A --kind contact --share-with B "$dir/contact-9999.json" -o "$dir/contact-9999.enc.json"
$bin entity encrypt --as A --kind form --share-with B --clear resourceType "$dir/observation-fhir.json" -o "$dir/observation-fhir.enc.json"
cmp -s fixtures/keys/A.keystore.json "$tmp/A.keystore.json" || echo "note: A's keystore changed (new exchange keys): update fixtures/keys too" >&2
echo "fixtures regenerated in $dir"
