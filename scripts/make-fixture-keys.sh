#!/usr/bin/env bash
# Regenerates fixtures/keys/: the test identities every test reuses instead of
# generating RSA keys. Run only when the fixtures must change on purpose: they
# are golden files that later versions must keep reading.
#   A (hcp "Dr Alice"), B (hcp "Dr Bob"), C (hcp "Dr Carol"), P (patient "John Keats")
# Each has its own keystore holding its private key and the verified public
# keys of the others; A's keystore also holds {AA} and {AB}, and B's holds
# A's document (so B can open {AB}).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet
bin=target/debug/ehrcrypt
out=fixtures/keys
rm -rf "$out" && mkdir -p "$out"
export EHRCRYPT_PASSPHRASE="test-only-passphrase"
for who in "A Dr-Alice hcp" "B Dr-Bob hcp" "C Dr-Carol hcp" "P John-Keats patient"; do
  set -- $who
  $bin -q --keystore "$out/$1.keystore.json" keygen --id "$1" --name "${2//-/ }" --kind "$3" >/dev/null
  $bin --keystore "$out/$1.keystore.json" owner export "$1" -o "$out/$1.owner.json"
done
for me in A B C P; do
  for other in A B C P; do
    [ "$me" = "$other" ] && continue
    $bin -q --keystore "$out/$me.keystore.json" owner import "$out/$other.owner.json" >/dev/null
    fp=$($bin --keystore "$out/$other.keystore.json" owner fingerprint "$other")
    $bin -q --keystore "$out/$me.keystore.json" owner verify "$other" --fingerprint "$fp" >/dev/null
  done
done
$bin -q --keystore "$out/A.keystore.json" hcp-key exchange --from A --to A >/dev/null
$bin -q --keystore "$out/A.keystore.json" hcp-key exchange --from A --to B >/dev/null
$bin --keystore "$out/A.keystore.json" owner export A -o "$out/A.owner.json"
$bin -q --keystore "$out/B.keystore.json" owner import "$out/A.owner.json" >/dev/null
rm -f "$out"/*.lock
echo "fixtures regenerated in $out"
