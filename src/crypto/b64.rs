//! Standard base64 (RFC 4648, padded), the encoding of binary values in JSON.

use base64::Engine;

use crate::error::{Error, Result};

pub fn encode(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Decodes `text`; `what` names the field in the error message.
pub fn decode(text: &str, what: &str) -> Result<Vec<u8>> {
    base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .map_err(|_| Error::format(format!("{what} is not valid base64")))
}
