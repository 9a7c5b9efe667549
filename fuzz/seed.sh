#!/usr/bin/env bash
# Builds fuzz/corpus/TARGET/ seeds from the fixtures and from a backup made
# on the spot with the fixture keystores (fuzz/corpus is not committed).
# Usage: fuzz/seed.sh   (from anywhere; needs the main crate to build)
set -euo pipefail
cd "$(dirname "$0")"
root=$(cd .. && pwd)
corpus=corpus
mkdir -p "$corpus"/{keystore,owner_document,entity_parse,entity_decrypt,backup_manifest,card_text,card_image,access_log,stream_object}
mkdir -p "$corpus"/{icure_documents,icure_record,fhir_input,d2d,pki,research}

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
# iCure and Cardinal (the first byte picks the reader, see each target).
prefixed() { # BYTE FILE DEST: DEST = the byte, then FILE
  { printf "\\$(printf %03o "$1")"; cat "$2"; } > "$3"
}
icure=$root/fixtures/icure
i=0
for f in "$icure"/*/keys/* "$icure"/*/owners/*.json "$icure"/*/exchange-data/*.json; do
  case $f in
    */keys/*) b=0 ;; */owners/*) b=1 ;; *) b=2 ;;
  esac
  prefixed $b "$f" "$corpus/icure_documents/doc$i"
  i=$((i + 1))
done
i=0
for f in "$icure"/icure-api-6.4.4/records/*.json "$icure"/icure-api-6.4.4/shared/*.json; do
  prefixed 0 "$f" "$corpus/icure_record/legacy$i"
  i=$((i + 1))
done
for f in "$icure"/cardinal-sdk-1.0.0-RC.7/records/*.json; do
  prefixed 1 "$f" "$corpus/icure_record/cardinal$i"
  i=$((i + 1))
done

# FHIR: every fixture Bundle and bulk file, full and head-only.
i=0
for f in "$root"/fixtures/fhir/*.json "$root"/fixtures/fhir/bulk/*; do
  [ -f "$f" ] || continue
  prefixed 0 "$f" "$corpus/fhir_input/full$i"
  prefixed 1 "$f" "$corpus/fhir_input/head$i"
  i=$((i + 1))
done
printf '\002{"format":"ehrcrypt/fhir-entry/v1","id":"o1","import":"i","input":0,"index":0,"entry":{"resource":{"resourceType":"Observation","id":"o1"}}}' \
  > "$corpus/fhir_input/stored"

# D2D: a transfer (OFFER, FILE, data, END) and a pairing message, as the
# target frames them (kind, u16le length, payload), and a clear hello.
frame() { # KIND TEXT
  local n=${#2}
  printf "%s\\$(printf %03o $((n & 255)))\\$(printf %03o $((n >> 8)))%s" "$1" "$2"
}
msg() { # OPERATION BODY
  printf '{"header":{"protocol":"ehrcrypt/d2d","version":"1"},"operation":"%s","body":%s}' "$1" "$2"
}
{
  printf '\000'
  frame C "$(msg OFFER '{"files":1,"bytes":5}')"
  frame C "$(msg FILE '{"name":"a.json","size":5,"kind":"entity"}')"
  frame D hello
  frame C "$(msg END '{"files":1,"bytes":5}')"
} > "$corpus/d2d/transfer"
{
  printf '\001'
  frame C "$(msg PAIR "{\"owner\":$(tr -d '\n' < "$root/fixtures/keys/B.owner.json"),\"signature\":\"AAAA\"}")"
  frame C "$(msg CONFIRM null)"
} > "$corpus/d2d/pair"
hello=$(msg PAKE '{"role":"connector","pake":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}')
{
  printf '\002'
  printf "\\$(printf %03o $((${#hello} >> 8)))\\$(printf %03o $((${#hello} & 255)))%s" "$hello"
} > "$corpus/d2d/hello"

# Certificates and a CRL, when openssl is here (as tests/pki.rs makes them).
if command -v openssl > /dev/null; then
  (
    cd "$work"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 3650 \
      -subj /CN=Fuzz-CA -addext basicConstraints=critical,CA:TRUE \
      -addext keyUsage=critical,keyCertSign,cRLSign 2> /dev/null
    openssl req -newkey rsa:2048 -nodes -keyout leaf.key -out leaf.csr -subj /CN=A 2> /dev/null
    openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out leaf.pem \
      -days 365 2> /dev/null
    printf '[ca]\ndefault_ca=c\n[c]\ndatabase=index.txt\ncrlnumber=crlnumber\ndefault_md=sha256\ndefault_crl_days=30\n' > ca.cnf
    : > index.txt
    echo 01 > crlnumber
    openssl ca -gencrl -config ca.cnf -keyfile ca.key -cert ca.pem -out crl.pem 2> /dev/null
  ) && {
    cat "$work/leaf.pem" "$work/ca.pem" > "$work/chain.pem"
    prefixed 0 "$work/chain.pem" "$corpus/pki/chain-pem"
    openssl x509 -in "$work/leaf.pem" -outform DER -out "$work/leaf.der"
    prefixed 0 "$work/leaf.der" "$corpus/pki/leaf-der"
    prefixed 1 "$work/crl.pem" "$corpus/pki/crl-pem"
    openssl crl -in "$work/crl.pem" -outform DER -out "$work/crl.der"
    prefixed 1 "$work/crl.der" "$corpus/pki/crl-der"
  } || echo "openssl could not make certificates: no pki seeds"
fi

# A research study: C's research key, A publishes the clinic bundle and
# grants C; the study folder's documents are the seeds.
ehrC() { ehr --keystore "$work/C.keystore.json" "$@"; }
ehrA() { ehr --keystore "$work/A.keystore.json" "$@"; }
if ehrC research init --as C > /dev/null 2>&1; then
  ehrC owner export C -o "$work/C.owner.json" > /dev/null
  ehrA owner import "$work/C.owner.json" > /dev/null
  ehrA research publish --as A --study s1 "$root/fixtures/research/clinic-bundle.json" \
    --out "$work/study" > /dev/null
  ehrA research grant --as A --to C --study s1 --threshold 1 --proxies 1 "$work/study" \
    --out-dir "$work/frags" > /dev/null
  ehr research proxy --fragment "$(ls "$work"/frags/*.json | head -1)" "$work/study" > /dev/null
  prefixed 0 "$work/study/study.json" "$corpus/research/study"
  prefixed 1 "$(ls "$work"/study/records/*.json | head -1)" "$corpus/research/record"
  prefixed 2 "$(ls "$work"/frags/*.json | head -1)" "$corpus/research/fragment"
  prefixed 3 "$(find "$work/study/cfrags" -name '*.json' | head -1)" "$corpus/research/cfrag"
fi

echo "seeded $(find "$corpus" -type f | wc -l) inputs under fuzz/$corpus/"
