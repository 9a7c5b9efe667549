//! The emergency card: the QR payload that carries Z_AC and the patient's
//! signature, its text form, and its rendering to PNG, SVG and terminal
//! blocks, and back from a PNG.
//!
//! ```text
//! text    = "ehrbk1:" || base64url-nopad(payload)
//! payload = version (1) = 0x01
//!        || backup id (16)
//!        || Z_AC (32)
//!        || signer fingerprint (32)      SHA-256 of the signer's SPKI DER
//!        || manifest digest (32)         SHA-256 of manifest.json as stored
//!        || time (8)                     u64 BE, Unix seconds
//!        || location length (2)          u16 BE, 0 = none, at most 256
//!        || location (UTF-8)
//!        || signature                    RSA-PSS SHA-256, the rest (256 bytes for RSA-2048)
//! ```

use base64::Engine;
use zeroize::Zeroizing;

use crate::crypto::{Context, Fingerprint, SymmetricKey};
use crate::error::{Error, Result};

pub const SCHEME: &str = "ehrbk1:";
pub const VERSION: u8 = 1;
pub const MAX_LOCATION: usize = 256;
const FIXED: usize = 1 + 16 + 32 + 32 + 32 + 8 + 2;
pub(crate) const SIGNED_LABEL: &str = "ehrcrypt/backup/card/v1";

/// Everything the card says. The key is zeroized on drop and never printed.
#[derive(Clone)]
pub struct Card {
    pub backup_id: [u8; 16],
    pub key: SymmetricKey,
    pub signer: Fingerprint,
    pub manifest_digest: [u8; 32],
    pub time: u64,
    pub location: Option<String>,
    pub signature: Vec<u8>,
}

impl std::fmt::Debug for Card {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Card(backup {}, key <secret>, signer {})",
            crate::crypto::hex(&self.backup_id),
            self.signer
        )
    }
}

/// The statement the patient signs. It holds a commitment to Z_AC
/// (HKDF-derived, see `super::key_commitment`) rather than Z_AC itself: it
/// binds the same key, and the same statement can sit in the bucket's
/// `signature.json` where anyone may read it.
#[allow(clippy::too_many_arguments)]
pub fn signed_message(
    backup_id: &[u8; 16],
    key_commitment: &[u8; 32],
    signer: &Fingerprint,
    manifest_digest: &[u8; 32],
    time: u64,
    location: Option<&str>,
) -> Vec<u8> {
    Context::new(SIGNED_LABEL)
        .with_bytes(&[VERSION])
        .with_bytes(backup_id)
        .with_bytes(key_commitment)
        .with_bytes(signer.as_bytes())
        .with_bytes(manifest_digest)
        .with_bytes(&time.to_be_bytes())
        .with(location.unwrap_or(""))
        .as_bytes()
        .to_vec()
}

/// Checks a location string: printable, at most [`MAX_LOCATION`] bytes.
pub fn check_location(loc: &str) -> Result<()> {
    if loc.is_empty() || loc.len() > MAX_LOCATION || loc.chars().any(char::is_control) {
        return Err(Error::usage(format!(
            "--location must be 1 to {MAX_LOCATION} bytes of printable text"
        )));
    }
    Ok(())
}

impl Card {
    /// The payload bytes (holding the key: zeroized on drop).
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        let loc = self.location.as_deref().unwrap_or("");
        let mut b = Zeroizing::new(Vec::with_capacity(FIXED + loc.len() + self.signature.len()));
        b.push(VERSION);
        b.extend_from_slice(&self.backup_id);
        b.extend_from_slice(self.key.expose());
        b.extend_from_slice(self.signer.as_bytes());
        b.extend_from_slice(&self.manifest_digest);
        b.extend_from_slice(&self.time.to_be_bytes());
        b.extend_from_slice(&(loc.len() as u16).to_be_bytes());
        b.extend_from_slice(loc.as_bytes());
        b.extend_from_slice(&self.signature);
        b
    }

    /// The card's text: what the QR code holds and `--qr-text` prints.
    pub fn to_text(&self) -> Zeroizing<String> {
        let mut s = Zeroizing::new(String::from(SCHEME));
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode_string(&*self.to_bytes(), &mut s);
        s
    }

    /// Parses a card's text (surrounding whitespace ignored). Every
    /// failure is a `Format` error that says what is wrong, never what
    /// the text held.
    pub fn from_text(text: &str) -> Result<Card> {
        let t = text.trim();
        let bad = |why: &str| {
            Error::format(format!("not a valid ehrcrypt backup card: {why}"))
                .hint("scan the card again, or pass the text exactly as the scanner gave it")
        };
        let Some(body) = t.strip_prefix(SCHEME) else {
            if t.starts_with("ehrbk") {
                return Err(bad("unsupported card version (this ehrcrypt reads ehrbk1)"));
            }
            return Err(bad("it does not start with \"ehrbk1:\""));
        };
        let bytes = Zeroizing::new(
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(body)
                .map_err(|_| bad("damaged (not base64url)"))?,
        );
        if bytes.len() < FIXED + 1 {
            return Err(bad("damaged (too short)"));
        }
        if bytes[0] != VERSION {
            return Err(bad("unsupported payload version"));
        }
        let mut backup_id = [0u8; 16];
        backup_id.copy_from_slice(&bytes[1..17]);
        let key = SymmetricKey::from_slice(&bytes[17..49], "card")?;
        let signer: Fingerprint = crate::crypto::hex(&bytes[49..81])
            .parse()
            .map_err(|_| bad("damaged (fingerprint)"))?;
        let mut manifest_digest = [0u8; 32];
        manifest_digest.copy_from_slice(&bytes[81..113]);
        let mut t8 = [0u8; 8];
        t8.copy_from_slice(&bytes[113..121]);
        let time = u64::from_be_bytes(t8);
        let loc_len = u16::from_be_bytes([bytes[121], bytes[122]]) as usize;
        if loc_len > MAX_LOCATION || FIXED + loc_len >= bytes.len() {
            return Err(bad("damaged (location length)"));
        }
        let location = if loc_len == 0 {
            None
        } else {
            let s = std::str::from_utf8(&bytes[FIXED..FIXED + loc_len])
                .map_err(|_| bad("damaged (location is not UTF-8)"))?;
            Some(s.to_string())
        };
        let signature = bytes[FIXED + loc_len..].to_vec();
        if !(256..=1024).contains(&signature.len()) {
            return Err(bad("damaged (signature length)"));
        }
        Ok(Card {
            backup_id,
            key,
            signer,
            manifest_digest,
            time,
            location,
            signature,
        })
    }
}

fn qr(text: &str) -> Result<qrcode::QrCode> {
    qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M).map_err(|_| {
        Error::usage("the card does not fit in a QR code at error-correction level M")
            .hint("shorten --location")
    })
}

/// The QR version (1..=40) the text needs at level M.
pub fn qr_version(text: &str) -> Result<i16> {
    match qr(text)?.version() {
        qrcode::Version::Normal(v) | qrcode::Version::Micro(v) => Ok(v),
    }
}

/// A PNG of the QR code: 6 pixels per module and a 4-module quiet zone.
pub fn render_png(text: &str) -> Result<Vec<u8>> {
    let img = qr(text)?
        .render::<image::Luma<u8>>()
        .quiet_zone(true)
        .module_dimensions(6, 6)
        .build();
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .map_err(|_| Error::internal("cannot encode the QR code as PNG"))?;
    Ok(out.into_inner())
}

/// An SVG of the QR code.
pub fn render_svg(text: &str) -> Result<String> {
    Ok(qr(text)?
        .render::<qrcode::render::svg::Color>()
        .quiet_zone(true)
        .min_dimensions(400, 400)
        .build())
}

/// The QR code as Unicode half blocks for a terminal. Like `qrencode -t
/// UTF8`, blocks draw the light modules, so the code reads correctly on
/// a dark terminal background.
pub fn render_unicode(text: &str) -> Result<String> {
    use qrcode::render::unicode::Dense1x2;
    Ok(qr(text)?
        .render::<Dense1x2>()
        .dark_color(Dense1x2::Light)
        .light_color(Dense1x2::Dark)
        .quiet_zone(true)
        .build())
}

/// The widest and tallest card image read, in pixels: a 36-megapixel
/// photo of a printed card is larger than any needs to be, and ehrcrypt's
/// own card images are under 1000 pixels.
pub const MAX_IMAGE_SIDE: u32 = 6000;
/// What decoding a card image may allocate.
pub const MAX_IMAGE_ALLOC: u64 = 192 << 20;

/// Finds and decodes the QR code in an image (PNG, or any format the
/// `image` crate was built with). Returns the text it holds.
pub fn decode_image(bytes: &[u8], source: &str) -> Result<Zeroizing<String>> {
    let not_png = || Error::format(format!("{source}: not a PNG image"));
    let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| not_png())?;
    // The dimensions come from the image header: capped before decoding
    // (issue 11, defect 6: a 20000x20000 PNG took 788 MB).
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_IMAGE_SIDE);
    limits.max_image_height = Some(MAX_IMAGE_SIDE);
    limits.max_alloc = Some(MAX_IMAGE_ALLOC);
    reader.limits(limits);
    let img = reader
        .decode()
        .map_err(|e| match e {
            image::ImageError::Limits(_) => Error::format(format!(
                "{source}: the image is larger than a card image may be ({MAX_IMAGE_SIDE}x{MAX_IMAGE_SIDE} pixels)"
            ))
            .hint("scale the photo or scan down, or pass --qr-text with the scanned text"),
            _ => not_png(),
        })?
        .to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(img);
    let grids = prepared.detect_grids();
    if grids.is_empty() {
        return Err(
            Error::format(format!("{source}: no QR code found in the image")).hint(
                "use a sharper, uncropped photo or scan, or pass --qr-text with the scanned text",
            ),
        );
    }
    let mut last_err = None;
    for g in &grids {
        let mut out = Zeroizing::new(Vec::new());
        match g.decode_to(&mut *out) {
            Ok(_) => {
                let text = String::from_utf8(out.to_vec()).map_err(|_| {
                    Error::format(format!("{source}: the QR code does not hold text"))
                })?;
                return Ok(Zeroizing::new(text));
            }
            Err(e) => last_err = Some(e),
        }
    }
    Err(Error::format(format!(
        "{source}: the QR code is damaged and cannot be read ({})",
        last_err.map(|e| e.to_string()).unwrap_or_default()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small PNG whose header claims `w` x `h` pixels (CRC fixed up).
    fn png_claiming(w: u32, h: u32) -> Vec<u8> {
        let mut png = Vec::new();
        image::GrayImage::new(8, 8)
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        assert_eq!(&png[12..16], b"IHDR");
        png[16..20].copy_from_slice(&w.to_be_bytes());
        png[20..24].copy_from_slice(&h.to_be_bytes());
        let crc = png[12..29].iter().fold(!0u32, |mut c, &b| {
            c ^= u32::from(b);
            for _ in 0..8 {
                c = if c & 1 == 1 {
                    (c >> 1) ^ 0xEDB8_8320
                } else {
                    c >> 1
                };
            }
            c
        });
        png[29..33].copy_from_slice(&(!crc).to_be_bytes());
        png
    }

    #[test]
    fn oversized_card_images_are_refused_from_their_header() {
        let e = decode_image(&png_claiming(20000, 20000), "card.png").unwrap_err();
        assert!(e.message().contains("larger than a card image"), "{e}");
        let e = decode_image(&png_claiming(8, 8), "card.png").unwrap_err();
        assert!(e.message().contains("no QR code"), "{e}");
    }

    fn sample(location: Option<&str>) -> Card {
        Card {
            backup_id: [1; 16],
            key: SymmetricKey::generate(),
            signer: crate::crypto::hex(&[2; 32]).parse().unwrap(),
            manifest_digest: [3; 32],
            time: 1_700_000_000,
            location: location.map(str::to_string),
            signature: vec![4; 256],
        }
    }

    #[test]
    fn text_round_trip() {
        for loc in [None, Some("https://bucket.example/backups/1234")] {
            let c = sample(loc);
            let t = c.to_text();
            assert!(t.starts_with(SCHEME));
            let back = Card::from_text(&format!("  {}\n", &*t)).unwrap();
            assert_eq!(back.backup_id, c.backup_id);
            assert_eq!(back.key, c.key);
            assert_eq!(back.signer, c.signer);
            assert_eq!(back.manifest_digest, c.manifest_digest);
            assert_eq!(back.time, c.time);
            assert_eq!(back.location, c.location);
            assert_eq!(back.signature, c.signature);
        }
    }

    #[test]
    fn fits_a_modest_qr_version_at_level_m() {
        let c = sample(Some(&"x".repeat(MAX_LOCATION)));
        let t = c.to_text();
        // 379 bytes without location: 513 characters, version 18 at level M.
        assert!(qr_version(&sample(None).to_text()).unwrap() <= 18);
        assert!(qr_version(&t).unwrap() <= 25, "{}", qr_version(&t).unwrap());
    }

    #[test]
    fn damaged_text_is_a_format_error() {
        let t = sample(None).to_text();
        for bad in [
            "",
            "hello",
            "ehrbk2:AAAA",
            &t[..t.len() / 2],
            &t.replace('A', "*"),
            &t[..SCHEME.len() + 10],
        ] {
            let e = Card::from_text(bad).unwrap_err();
            assert_eq!(e.kind(), crate::ErrorKind::Format, "{bad}");
            assert!(!e.message().contains(&t[SCHEME.len()..SCHEME.len() + 20]));
        }
    }

    #[test]
    fn png_round_trip() {
        let c = sample(Some("s3://bucket/p"));
        let t = c.to_text();
        let png = render_png(&t).unwrap();
        assert_eq!(&png[..4], b"\x89PNG");
        assert_eq!(*decode_image(&png, "card.png").unwrap(), *t);
        assert!(render_svg(&t).unwrap().contains("<svg"));
        assert!(render_unicode(&t).unwrap().contains('\u{2588}'));
    }

    #[test]
    fn debug_hides_key() {
        let c = sample(None);
        assert!(format!("{c:?}").contains("<secret>"));
    }
}
