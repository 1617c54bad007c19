//! Secrets the server must be able to read back (PPP and router passwords), sealed with
//! XChaCha20-Poly1305 under a key from configuration.

use crate::domain::validation::Sealed;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use sha2::{Digest, Sha256};

const PREFIX: &str = "v1:";

#[derive(Clone)]
pub struct SecretBox {
    cipher: XChaCha20Poly1305,
    /// Keys [`SecretBox::log_tag`]; derived from the key, so tags agree across servers.
    tag_key: [u8; 32],
}

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("the secret key must be 32 bytes, base64-encoded")]
    BadKey,
    #[error("a sealed secret could not be opened (wrong key or damaged value)")]
    Unreadable,
}

impl SecretBox {
    pub fn new(key: &[u8]) -> Result<Self, SecretError> {
        let cipher = XChaCha20Poly1305::new_from_slice(key).map_err(|_| SecretError::BadKey)?;
        let mut h = Sha256::new();
        h.update(b"mikronet log tag v1\0");
        h.update(key);
        Ok(SecretBox {
            cipher,
            tag_key: h.finalize().into(),
        })
    }

    pub fn from_base64(key: &str) -> Result<Self, SecretError> {
        let key = STANDARD
            .decode(key.trim())
            .map_err(|_| SecretError::BadKey)?;
        if key.len() != 32 {
            return Err(SecretError::BadKey);
        }
        Self::new(&key)
    }

    pub fn generate_key() -> String {
        let mut key = [0u8; 32];
        rand::rng().fill_bytes(&mut key);
        STANDARD.encode(key)
    }

    pub fn seal(&self, plaintext: &str) -> Sealed {
        let mut nonce = [0u8; 24];
        rand::rng().fill_bytes(&mut nonce);
        let sealed = self
            .cipher
            .encrypt(XNonce::from_slice(&nonce), plaintext.as_bytes())
            // Encryption fails only for inputs of gigabytes.
            .unwrap_or_default();
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Sealed(format!("{PREFIX}{}", STANDARD.encode(out)))
    }

    /// A short keyed hash of `text` for log lines: the same text gives the same tag (a run of
    /// failures for one name can be followed), but the text cannot be read back from it, nor
    /// guessed without the key (a password typed into the user-name field stays secret).
    pub fn log_tag(&self, text: &str) -> String {
        let mut h = Sha256::new();
        h.update(self.tag_key);
        h.update(text.as_bytes());
        hex::encode(&h.finalize()[..6])
    }

    /// A full keyed hash of `text` (64 hex digits): a fingerprint that can be stored beside
    /// what it describes without letting anyone guess the text (a request body with a
    /// password) from it.
    pub fn digest(&self, text: &str) -> String {
        let mut h = Sha256::new();
        h.update(self.tag_key);
        h.update(b"digest:");
        h.update(text.as_bytes());
        hex::encode(h.finalize())
    }

    pub fn open(&self, sealed: &Sealed) -> Result<String, SecretError> {
        let raw = sealed
            .0
            .strip_prefix(PREFIX)
            .and_then(|b| STANDARD.decode(b).ok())
            .filter(|raw| raw.len() > 24)
            .ok_or(SecretError::Unreadable)?;
        let (nonce, body) = raw.split_at(24);
        let plain = self
            .cipher
            .decrypt(XNonce::from_slice(nonce), body)
            .map_err(|_| SecretError::Unreadable)?;
        String::from_utf8(plain).map_err(|_| SecretError::Unreadable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_and_open() {
        let b = SecretBox::from_base64(&SecretBox::generate_key()).unwrap();
        let sealed = b.seal("securepassword");
        assert!(!sealed.0.contains("securepassword"));
        assert_ne!(sealed, b.seal("securepassword"), "fresh nonce each time");
        assert_eq!(b.open(&sealed).unwrap(), "securepassword");
        let other = SecretBox::from_base64(&SecretBox::generate_key()).unwrap();
        assert!(other.open(&sealed).is_err());
        assert!(b.open(&Sealed("v1:AAAA".into())).is_err());
        assert!(SecretBox::from_base64("c2hvcnQ=").is_err());
        let tag = b.log_tag("admin");
        assert_eq!(tag.len(), 12);
        assert_eq!(tag, b.log_tag("admin"));
        assert_ne!(tag, b.log_tag("Admin"));
        assert_ne!(tag, other.log_tag("admin"), "keyed");
    }
}
