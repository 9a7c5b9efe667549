//! Associated data that binds a ciphertext or signature to its place.
//!
//! A context is a domain label and then parts, each length-prefixed, so that no
//! two different lists of parts encode to the same bytes (no ambiguity from
//! separators), and a value sealed for one place fails to open in another.

/// Builder for an unambiguous byte string: `(u32be(len) || bytes)*`, the
/// domain label being the first part (docs/FORMAT.md, "Context encoding").
#[derive(Clone, Debug)]
pub struct Context(Vec<u8>);

impl Context {
    /// Starts a context with a domain label such as `ehrcrypt/entity/v1`.
    pub fn new(label: &str) -> Self {
        let mut c = Context(Vec::with_capacity(128));
        c.push_bytes(label.as_bytes());
        c
    }

    pub fn push_bytes(&mut self, part: &[u8]) -> &mut Self {
        self.0.extend_from_slice(&(part.len() as u32).to_be_bytes());
        self.0.extend_from_slice(part);
        self
    }

    pub fn push(&mut self, part: &str) -> &mut Self {
        self.push_bytes(part.as_bytes())
    }

    /// Chaining form of [`Context::push`].
    pub fn with(mut self, part: &str) -> Self {
        self.push(part);
        self
    }

    pub fn with_bytes(mut self, part: &[u8]) -> Self {
        self.push_bytes(part);
        self
    }

    /// Associated data given byte for byte, for known-answer tests whose
    /// vectors carry arbitrary AAD or OAEP labels (Wycheproof). Test-only:
    /// real contexts are always built part by part.
    #[cfg(test)]
    pub(crate) fn raw(bytes: &[u8]) -> Self {
        Context(bytes.to_vec())
    }

    /// A context a client built and sent over the agent socket
    /// (`agent::protocol`): the agent decrypts under the label its client
    /// would have used itself.
    pub(crate) fn from_wire(bytes: Vec<u8>) -> Self {
        Context(bytes)
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_unambiguous() {
        let a = Context::new("x").with("ab").with("c");
        let b = Context::new("x").with("a").with("bc");
        assert_ne!(a.as_bytes(), b.as_bytes());
    }

    #[test]
    fn labels_separate_domains() {
        assert_ne!(
            Context::new("one").with("p").as_bytes(),
            Context::new("two").with("p").as_bytes()
        );
    }
}
