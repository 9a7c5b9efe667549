#!/usr/bin/env bash
# Builds fuzz/corpus/TARGET/ seeds from the fixtures and from a backup made
# on the spot with the fixture keystores (fuzz/corpus is not committed).
# Usage: fuzz/seed.sh   (from anywhere; needs the main crate to build)
set -euo pipefail
cd "$(dirname "$0")"
root=$(cd .. && pwd)
corpus=corpus
mkdir -p "$corpus"/{keystore,owner_document,entity_parse,entity_decrypt,backup_manifest,card_text,card_image,access_log,stream_object}

cp "$root"/fixtures/keys/*.keystore.json "$corpus/keystore/"
cp "$root"/fixtures/keys/*.owner.json "$corpus/owner_document/"
cp "$root"/fixtures/entities/*.json "$corpus/entity_parse/"
cp "$root"/fixtures/entities/*.enc.json "$corpus/entity_decrypt/"

# A backup, an emergency read and an appendix, for the bucket's formats.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo build --quiet --manifest-path "$root/Cargo.toml"
ehr() { EHRCRYPT_PASSPHRASE=test-only-passphrase "$root/target/debug/ehrcrypt" "$@"; }
cp "$root"/fixtures/keys/*.keystore.json "$work/"
mkdir -p "$work/records"
cp "$root"/fixtures/entities/patient-1234.json "$root"/fixtures/entities/contact-4567.json "$work/records/"
ehr --keystore "$work/P.keystore.json" backup create --as P "$work/records" -o "$work/bk" \
  --qr "$work/card.png" --qr-text > "$work/card.txt"
ehr --keystore "$work/A.keystore.json" emergency decrypt --qr "$work/card.png" "$work/bk" \
  --as A --out-dir "$work/er" > /dev/null
ehr --keystore "$work/A.keystore.json" emergency append --qr "$work/card.png" "$work/bk" \
  --as A "$root/fixtures/entities/contact-9999.json" > /dev/null
{ printf '\0'; cat "$work/bk/manifest.json"; } > "$corpus/backup_manifest/manifest"
{ printf '\1'; cat "$work/bk/signature.json"; } > "$corpus/backup_manifest/signature"
for a in "$work"/bk/appendix/*/appendix.json; do
  { printf '\2'; cat "$a"; } > "$corpus/backup_manifest/appendix"
done
cp "$work/card.txt" "$corpus/card_text/card"
cp "$work/card.png" "$corpus/card_image/card.png"
cp "$work/bk/access-log.jsonl" "$corpus/access_log/log"
i=0
for o in "$work"/bk/objects/*.ehrbk; do
  cp "$o" "$corpus/stream_object/object$i"
  i=$((i + 1))
done
echo "seeded $(find "$corpus" -type f | wc -l) inputs under fuzz/$corpus/"
