//! How the two ends of the link prove to each other that they know the
//! token in `tray.json`, without sending it.
//!
//! The window (or a second launch) sends a fresh random nonce with
//! HMAC-SHA256(token, "window" · nonce); the tray process checks it, and only
//! then answers with HMAC-SHA256(token, "tray" · nonce), which the window
//! checks in turn. A program squatting the port of a `tray.json` left by a
//! crashed tray process therefore learns nothing it can answer with, and the
//! window refuses it before any call (such as `save_connection` with its
//! secrets) is sent. The two labels keep one side's proof from serving as
//! the other's. Proofs are compared in constant time.

use sha2::{Digest, Sha256};

/// Whose proof: the window's, in its first message.
pub(super) const WINDOW: &str = "bb-window-hello";
/// Whose proof: the tray process's, in its Welcome.
pub(super) const TRAY: &str = "bb-tray-welcome";

/// SHA-256's block size in bytes (RFC 2104's B).
const BLOCK: usize = 64;

/// HMAC-SHA256 of `message` under `key` (RFC 2104).
fn hmac_sha256(key: &[u8], message: &[&[u8]]) -> [u8; 32] {
    let mut block = [0u8; BLOCK];
    if key.len() > BLOCK {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.map(|k| k ^ byte);
    let mut inner = Sha256::new();
    inner.update(pad(0x36));
    for part in message {
        inner.update(part);
    }
    let mut outer = Sha256::new();
    outer.update(pad(0x5c));
    outer.update(inner.finalize());
    outer.finalize().into()
}

/// A fresh random nonce (128 bits, hex).
pub(super) fn nonce() -> String {
    let bytes: [u8; 16] = rand::random();
    bridge_base::hex(&bytes)
}

/// The proof that `role` knows `token`, for `nonce` (hex).
pub(super) fn proof(token: &str, role: &str, nonce: &str) -> String {
    let mac = hmac_sha256(
        token.as_bytes(),
        &[role.as_bytes(), b"\0", nonce.as_bytes()],
    );
    bridge_base::hex(&mac)
}

/// Whether `presented` is `role`'s proof of `token` for `nonce`.
pub(super) fn verify(token: &str, role: &str, nonce: &str, presented: &str) -> bool {
    same_text(&proof(token, role, nonce), presented)
}

/// Compares two texts in time that does not depend on where they differ.
pub(super) fn same_text(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |diff, (x, y)| diff | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231() {
        // Test case 2 (a short key) and 6 (a key longer than the block).
        let short = hmac_sha256(b"Jefe", &[b"what do ya want ", b"for nothing?"]);
        assert_eq!(
            bridge_base::hex(&short),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        let long = hmac_sha256(
            &[0xaa; 131],
            &[b"Test Using Larger Than Block-Size Key - Hash Key First"],
        );
        assert_eq!(
            bridge_base::hex(&long),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn proofs_depend_on_token_role_and_nonce() {
        let n = nonce();
        assert_eq!(n.len(), 32);
        assert_ne!(n, nonce());
        let p = proof("token", WINDOW, &n);
        assert!(verify("token", WINDOW, &n, &p));
        assert!(
            !verify("token", TRAY, &n, &p),
            "one side's proof is not the other's"
        );
        assert!(!verify("other", WINDOW, &n, &p));
        assert!(!verify("token", WINDOW, &nonce(), &p));
        assert!(!verify("token", WINDOW, &n, ""));
        assert!(!p.contains("token"));
    }

    #[test]
    fn texts_compare_equal_only_when_equal() {
        assert!(same_text("abc", "abc"));
        assert!(!same_text("abc", "abd"));
        assert!(!same_text("abc", "ab"));
        assert!(!same_text("", "a"));
    }
}
