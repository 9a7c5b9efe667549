#!/usr/bin/env python3
"""Times OpenFHE's lattice proxy re-encryption (BGV, the successor of seed
003's PALISADE-PRE) on a 1 KB record: Encrypt, ReKeyGen, ReEncrypt, Decrypt.

Run by `cargo bench --bench research` when the `openfhe` wheel imports (it
needs CPython 3.10: `python3.10 -m pip install openfhe`); prints one JSON
object of medians in milliseconds on stdout. Not part of the test suite.
"""
import json
import statistics
import sys
import time

import openfhe as o

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 5


def timed(f):
    t = time.perf_counter()
    r = f()
    return r, (time.perf_counter() - t) * 1e3


def main():
    params = o.CCParamsBGVRNS()
    params.SetPlaintextModulus(65537)
    # Seed 003 reports "a work factor analogous to AES-128".
    params.SetSecurityLevel(o.SecurityLevel.HEStd_128_classic)
    params.SetPREMode(o.ProxyReEncryptionMode.INDCPA)
    params.SetMultiplicativeDepth(0)
    cc = o.GenCryptoContext(params)
    for f in (o.PKESchemeFeature.PKE, o.PKESchemeFeature.KEYSWITCH, o.PKESchemeFeature.PRE):
        cc.Enable(f)
    slots = cc.GetRingDimension()
    data = [b % 256 for b in range(1024)]  # 1 KB, one byte per slot
    assert len(data) <= slots
    clinic, researcher = cc.KeyGen(), cc.KeyGen()
    out = {"ring_dimension": slots, "encrypt": [], "rekeygen": [], "reencrypt": [], "decrypt": []}
    for _ in range(RUNS):
        pt = cc.MakePackedPlaintext(data)
        ct, t = timed(lambda: cc.Encrypt(clinic.publicKey, pt))
        out["encrypt"].append(t)
        rk, t = timed(lambda: cc.ReKeyGen(clinic.secretKey, researcher.publicKey))
        out["rekeygen"].append(t)
        ct2, t = timed(lambda: cc.ReEncrypt(ct, rk))
        out["reencrypt"].append(t)
        res, t = timed(lambda: cc.Decrypt(researcher.secretKey, ct2))
        out["decrypt"].append(t)
        res.SetLength(len(data))
        assert list(res.GetPackedValue()) == data, "OpenFHE round trip failed"
    for k in ("encrypt", "rekeygen", "reencrypt", "decrypt"):
        out[k] = statistics.median(out[k])
    print(json.dumps(out))


if __name__ == "__main__":
    main()
