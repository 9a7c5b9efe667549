//! Standard base64 (RFC 4648, padded), the encoding of binary values in JSON.
//!
//! Whole records pass through here (`encryptedSelf` is the record, sealed),
//! so the SIMD codec: about four times the rate of the scalar `base64`
//! crate on this project's machines, with the same strictness (padding
//! required, non-zero trailing bits refused).

use crate::error::{Error, Result};

pub fn encode(bytes: &[u8]) -> String {
    base64_simd::STANDARD.encode_to_string(bytes)
}

/// Decodes `text`; `what` names the field in the error message.
pub fn decode(text: &str, what: &str) -> Result<Vec<u8>> {
    base64_simd::STANDARD
        .decode_to_vec(text.trim())
        .map_err(|_| Error::format(format!("{what} is not valid base64")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4648_vectors_round_trip() {
        let vectors = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, coded) in vectors {
            assert_eq!(encode(plain.as_bytes()), coded);
            assert_eq!(decode(coded, "t").unwrap(), plain.as_bytes());
        }
        let long: Vec<u8> = (0..=255u8).cycle().take(100_003).collect();
        assert_eq!(decode(&encode(&long), "t").unwrap(), long);
        assert_eq!(
            decode(" Zm9v\n", "t").unwrap(),
            b"foo",
            "surrounding space is trimmed"
        );
    }

    #[test]
    fn only_canonical_padded_text_decodes() {
        for bad in [
            "Zg", "Zg=", "Zh==", "Zm9=", "Zm 9v", "Zm9v-_==", "Zg==Zg==", "=Zg=",
        ] {
            assert!(decode(bad, "t").is_err(), "{bad:?}");
        }
    }
}
