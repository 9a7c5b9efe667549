#!/usr/bin/env bash
# Makes fixtures/entities/*.v2.enc.json, the ehrcrypt/entity/v2 golden files,
# from the plaintexts beside them: the same John Keats scenario as
# make-fixture-entities.sh (A encrypts patient 1234, its contact 4567, an
# unlinked contact 9999 and a FHIR observation, all shared with B). These are
# golden files: only run this to add new ones on purpose (it refuses to
# overwrite); later versions must keep decrypting the old.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet
bin=target/debug/ehrcrypt
dir=fixtures/entities
for f in patient-1234 contact-4567 contact-9999 observation-fhir; do
  if [ -e "$dir/$f.v2.enc.json" ]; then
    echo "$dir/$f.v2.enc.json exists: golden files are never regenerated" >&2
    exit 1
  fi
done
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cp fixtures/keys/A.keystore.json "$tmp/A.keystore.json"
export EHRCRYPT_PASSPHRASE="test-only-passphrase" EHRCRYPT_KEYSTORE="$tmp/A.keystore.json"
$bin entity encrypt --as A --kind patient --share-with B --clear lastName --clear address.city \
  "$dir/patient-1234.json" -o "$dir/patient-1234.v2.enc.json"
$bin entity encrypt --as A --kind contact --share-with B --parent "$dir/patient-1234.v2.enc.json" \
  "$dir/contact-4567.json" -o "$dir/contact-4567.v2.enc.json"
$bin entity encrypt --as A --kind contact --share-with B "$dir/contact-9999.json" -o "$dir/contact-9999.v2.enc.json"
$bin entity encrypt --as A --kind form --share-with B --clear resourceType "$dir/observation-fhir.json" -o "$dir/observation-fhir.v2.enc.json"
cmp -s fixtures/keys/A.keystore.json "$tmp/A.keystore.json" || echo "note: A's keystore changed (new exchange keys): update fixtures/keys too" >&2
echo "v2 fixtures made in $dir"
