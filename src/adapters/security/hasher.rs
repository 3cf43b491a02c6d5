//! argon2id password hashing with OWASP's parameters.

use argon2::password_hash::{PasswordHasher as _, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::domain::access::{Password, PasswordHasher};

/// argon2id with m = 19456 KiB, t = 2, p = 1 (OWASP Password Storage Cheat Sheet, the
/// first of its equivalent argon2id configurations).
pub struct Argon2idHasher {
    argon: Argon2<'static>,
    dummy: String,
}

impl Argon2idHasher {
    /// Memory cost in KiB.
    pub const M_COST: u32 = 19_456;
    /// Iterations.
    pub const T_COST: u32 = 2;
    /// Parallelism.
    pub const P_COST: u32 = 1;

    /// A hasher; hashes a random dummy password once for [`PasswordHasher::verify_dummy`].
    ///
    /// # Errors
    /// When the parameters are refused or the random source fails (start-up only).
    pub fn new() -> anyhow::Result<Self> {
        let params = Params::new(Self::M_COST, Self::T_COST, Self::P_COST, None)
            .map_err(|e| anyhow::anyhow!("argon2 parameters: {e}"))?;
        let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let secret = super::random_hex(16).map_err(|e| anyhow::anyhow!("random: {e}"))?;
        let dummy = argon
            .hash_password(secret.as_bytes())
            .map_err(|e| anyhow::anyhow!("argon2: {e}"))?
            .to_string();
        Ok(Argon2idHasher { argon, dummy })
    }
}

impl PasswordHasher for Argon2idHasher {
    fn hash(&self, password: &Password) -> Result<String, String> {
        self.argon
            .hash_password(password.expose().as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| e.to_string())
    }

    fn verify(&self, password: &str, hash: &str) -> bool {
        if argon2::password_hash::phc::PasswordHash::new(hash).is_err() {
            // An account without a usable password (never set, or reset): the same work as a
            // real check, so the response time does not tell such accounts apart.
            self.verify_dummy(password);
            return false;
        }
        PasswordVerifier::<str>::verify_password(&self.argon, password.as_bytes(), hash).is_ok()
    }

    fn verify_dummy(&self, password: &str) {
        let _ =
            PasswordVerifier::<str>::verify_password(&self.argon, password.as_bytes(), &self.dummy);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_with_owasp_parameters_and_verify() {
        let h = Argon2idHasher::new().unwrap_or_else(|e| panic!("{e}"));
        let p = Password::new("a long enough password").unwrap_or_else(|e| panic!("{e}"));
        let hash = h.hash(&p).unwrap_or_default();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(h.verify("a long enough password", &hash));
        assert!(!h.verify("a wrong password!", &hash));
        assert!(!h.verify("a long enough password", "not a hash"));
    }
}
