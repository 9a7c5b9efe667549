//! Every file ehrcrypt writes names its format and version in a `format`
//! field (`ehrcrypt/<thing>/v<N>`). This module recognises those markers,
//! refuses versions newer than this build understands, and turns JSON
//! parse errors into one-line messages that say what and where.

use crate::error::{Error, Result};

/// Checks that `value` is a JSON object whose `format` is `{prefix}v{N}`
/// with `N <= supported`. `what` names the expected kind of file.
pub fn check_format(
    value: &serde_json::Value,
    prefix: &str,
    supported: u32,
    source: &str,
    what: &str,
) -> Result<u32> {
    let Some(obj) = value.as_object() else {
        return Err(Error::format(format!(
            "{source}: not an ehrcrypt {what} (not a JSON object)"
        )));
    };
    let Some(fmt) = obj.get("format").and_then(|f| f.as_str()) else {
        return Err(Error::format(format!(
            "{source}: not an ehrcrypt {what} (no \"format\" field)"
        )));
    };
    let Some(version) = fmt.strip_prefix(prefix) else {
        return Err(Error::format(format!(
            "{source}: not an ehrcrypt {what} (its format is \"{fmt}\")"
        )));
    };
    let n: u32 = version
        .strip_prefix('v')
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| Error::format(format!("{source}: unknown {what} format \"{fmt}\"")))?;
    if n == 0 || n > supported {
        return Err(Error::format(format!(
            "{source}: {what} format \"{fmt}\" is newer than this ehrcrypt understands ({prefix}v{supported})"
        ))
        .hint("upgrade ehrcrypt to read it; the file was left untouched"));
    }
    Ok(n)
}

/// A JSON syntax error as a one-line message; EOF means truncation.
pub fn json_error(source: &str, what: &str, e: &serde_json::Error) -> Error {
    let msg = if e.is_eof() {
        format!(
            "{source}: {what} is truncated (unexpected end of JSON at line {})",
            e.line()
        )
    } else {
        format!(
            "{source}: {what} is not valid JSON (line {}, column {})",
            e.line(),
            e.column()
        )
    };
    Error::format(msg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn accepts_known_and_refuses_newer_or_foreign() {
        let ok = json!({"format": "ehrcrypt/keystore/v1"});
        assert_eq!(
            check_format(&ok, "ehrcrypt/keystore/", 1, "f", "keystore").unwrap(),
            1
        );
        let newer = json!({"format": "ehrcrypt/keystore/v2"});
        let e = check_format(&newer, "ehrcrypt/keystore/", 1, "f", "keystore").unwrap_err();
        assert!(e.message().contains("newer"));
        let other = json!({"format": "ehrcrypt/entity/v1"});
        assert!(check_format(&other, "ehrcrypt/keystore/", 1, "f", "keystore").is_err());
        assert!(check_format(&json!([1]), "ehrcrypt/keystore/", 1, "f", "keystore").is_err());
    }
}
