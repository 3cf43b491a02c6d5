//! Security adapters of the platform: the argon2id password hasher and the password
//! strength estimate (behind the access context's ports), CSRF tokens, login throttling,
//! and refusing NUL characters.

pub mod csrf;
pub mod hasher;
pub mod input;
pub mod password_strength;
pub mod throttle;

/// `n` random bytes from the operating system, as lowercase hex (2n characters).
///
/// # Errors
/// When the operating system's random source fails.
pub fn random_hex(n: usize) -> Result<String, getrandom::Error> {
    let mut buf = vec![0u8; n];
    getrandom::fill(&mut buf)?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}

/// The SHA-256 of `text`, as lowercase hex (64 characters): what is stored of a secret that
/// must be recognised but never read back (a session's key).
pub fn sha256_hex(text: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
