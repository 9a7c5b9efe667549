//! The one-time pairing code, e.g. `417-maple-otter`: a number below 1000
//! and two words from a fixed list of 256, about 26 bits in all.
//!
//! The code is the SPAKE2 password. An attacker in the middle gets exactly
//! one online guess per code (the listener stops after the first
//! connection, right or wrong, and the code expires after
//! [`super::CODE_LIFETIME`]), so 26 bits make a successful guess a one in
//! 65 million event; nothing seen on the wire allows an offline search.
//! Magic Wormhole makes the same trade with 16 bits.

use std::fmt;

use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// The words of the code, sorted (binary search), all distinct, lower
/// case ASCII. Never change this list: a code typed on an older ehrcrypt
/// must mean the same on a newer one (docs/FORMAT.md §12.1).
pub const WORDS: [&str; 256] = [
    "acid", "acorn", "actor", "adobe", "agent", "alarm", "album", "alpine", "amber", "anchor",
    "angel", "apple", "apron", "arch", "arena", "armor", "arrow", "aspen", "atlas", "attic",
    "autumn", "bacon", "badge", "bagel", "baker", "bamboo", "banjo", "barn", "basil", "basket",
    "beach", "beacon", "bean", "beaver", "beetle", "bell", "berry", "bison", "blanket", "blossom",
    "boat", "bonnet", "bottle", "boulder", "bramble", "bread", "brick", "bridge", "broom",
    "bubble", "bucket", "buffalo", "bugle", "butter", "button", "cabin", "cactus", "camel",
    "candle", "canoe", "canyon", "captain", "carpet", "carrot", "castle", "cedar", "cello",
    "chalk", "cherry", "chess", "chimney", "cider", "cinema", "circus", "citrus", "clover",
    "cobalt", "cocoa", "comet", "copper", "coral", "cotton", "cougar", "crayon", "cricket",
    "crystal", "daisy", "dancer", "delta", "desert", "diamond", "dinner", "doctor", "dolphin",
    "donkey", "dragon", "drum", "eagle", "easel", "echo", "eclipse", "elbow", "ember", "engine",
    "falcon", "feather", "fennel", "ferry", "fiddle", "fig", "flannel", "flute", "forest",
    "fossil", "fox", "galaxy", "garden", "garlic", "gazelle", "geyser", "ginger", "glacier",
    "globe", "goose", "granite", "grape", "gravel", "guitar", "hammer", "harbor", "harp", "hazel",
    "helmet", "heron", "hockey", "honey", "hornet", "iceberg", "igloo", "indigo", "island",
    "ivory", "jacket", "jaguar", "jasmine", "jelly", "jigsaw", "jungle", "kayak", "kernel",
    "kettle", "kiwi", "koala", "ladder", "lagoon", "lantern", "lemon", "lentil", "lily", "lobster",
    "locket", "lotus", "magnet", "mango", "maple", "marble", "meadow", "melon", "meteor", "mint",
    "mitten", "monkey", "mosaic", "muffin", "mustard", "napkin", "nectar", "noodle", "nutmeg",
    "oasis", "ocean", "olive", "onion", "orbit", "orchid", "otter", "oyster", "paddle", "panda",
    "pebble", "pelican", "penguin", "pepper", "piano", "pickle", "pillow", "pirate", "pizza",
    "planet", "plum", "pocket", "pony", "poppy", "potato", "pretzel", "pumpkin", "puzzle",
    "quartz", "quilt", "rabbit", "radar", "radish", "raven", "ribbon", "river", "robin", "rocket",
    "saddle", "salmon", "sausage", "scarf", "shadow", "shell", "silver", "sketch", "sparrow",
    "spider", "spruce", "squash", "stable", "summit", "sunset", "swan", "tango", "teapot", "tiger",
    "timber", "tomato", "torch", "trumpet", "tulip", "tunnel", "turtle", "velvet", "violin",
    "volcano", "wagon", "walnut", "whistle", "willow", "window", "wizard", "yacht", "yogurt",
    "zebra", "zipper",
];

/// A pairing code. Its text is the PAKE password: zeroized when dropped,
/// and shown only where it was asked for (the listener's screen).
#[derive(Clone, PartialEq, Eq)]
pub struct PairingCode {
    number: u16,
    words: [u8; 2],
}

impl PairingCode {
    /// A fresh code from the OS CSPRNG.
    pub fn generate() -> Self {
        let mut b = Zeroizing::new([0u8; 4]);
        crate::crypto::random_bytes(&mut b[..]);
        // 65536 is not a multiple of 1000: the bias of `% 1000` is below
        // 1 % per value and costs well under a tenth of a bit.
        let number = u16::from_be_bytes([b[0], b[1]]) % 1000;
        PairingCode {
            number,
            words: [b[2], b[3]],
        }
    }

    /// Reads a code as typed: case and surrounding blanks do not matter,
    /// and spaces may stand for the dashes.
    pub fn parse(text: &str) -> Result<Self> {
        let bad = || {
            Error::usage("not a pairing code")
                .hint("type the code the other screen shows, e.g. 417-maple-otter")
        };
        let lower = Zeroizing::new(text.trim().to_ascii_lowercase());
        let mut parts = lower
            .split(|c: char| c == '-' || c.is_whitespace())
            .filter(|p| !p.is_empty());
        let number = parts.next().ok_or_else(bad)?;
        if number.is_empty() || number.len() > 3 || !number.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let number: u16 = number.parse().map_err(|_| bad())?;
        let mut words = [0u8; 2];
        for w in &mut words {
            let part = parts.next().ok_or_else(bad)?;
            *w = WORDS.binary_search(&part).map_err(|_| {
                Error::usage("not a pairing code: a word is not in the code list")
                    .hint("check the spelling against the other screen")
            })? as u8;
        }
        if parts.next().is_some() {
            return Err(bad());
        }
        Ok(PairingCode { number, words })
    }

    /// The text form, which is also the SPAKE2 password.
    pub fn text(&self) -> Zeroizing<String> {
        Zeroizing::new(format!(
            "{}-{}-{}",
            self.number, WORDS[self.words[0] as usize], WORDS[self.words[1] as usize]
        ))
    }
}

impl Drop for PairingCode {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        self.number.zeroize();
        self.words.zeroize();
    }
}

/// Never print a code by accident (`{:?}` in an error or a log).
impl fmt::Debug for PairingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PairingCode(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_word_list_is_sorted_distinct_and_plain() {
        assert!(WORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(WORDS
            .iter()
            .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase())));
    }

    #[test]
    fn codes_read_back_as_typed_in_any_case_or_spacing() {
        for _ in 0..100 {
            let c = PairingCode::generate();
            let t = c.text();
            assert_eq!(PairingCode::parse(&t).unwrap(), c);
            assert_eq!(
                PairingCode::parse(&format!("  {}  ", t.to_uppercase())).unwrap(),
                c
            );
            assert_eq!(PairingCode::parse(&t.replace('-', " ")).unwrap(), c);
        }
        let c = PairingCode::parse("7-purple-sausage");
        assert!(c.is_err(), "purple is not in the list");
        for bad in [
            "",
            "7",
            "7-maple",
            "7-maple-otter-fox",
            "1000-maple-otter",
            "x-maple-otter",
        ] {
            assert!(PairingCode::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            PairingCode::parse("007-maple-otter")
                .unwrap()
                .text()
                .as_str(),
            "7-maple-otter"
        );
    }

    #[test]
    fn debug_hides_the_code() {
        assert_eq!(format!("{:?}", PairingCode::generate()), "PairingCode(..)");
    }
}
