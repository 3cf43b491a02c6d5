//! Password strength with zxcvbn: its dictionaries hold tens of thousands of common and
//! breached passwords, English words and names, and it penalises keyboard walks, dates,
//! repeats and the user's own e-mail.

use zxcvbn::{Score, zxcvbn};

use crate::domain::access::PasswordStrength;

/// Refuses passwords zxcvbn scores below 3 ("safely unguessable: moderate protection
/// from offline slow-hash scenario", about 10⁸ guesses), which covers every password of its
/// common-password lists (OWASP ASVS 5.0 V6.2.4 asks for the top 3,000 at least).
pub struct ZxcvbnStrength;

impl PasswordStrength for ZxcvbnStrength {
    fn weakness(&self, password: &str, user_inputs: &[&str]) -> Option<String> {
        let estimate = zxcvbn(password, user_inputs);
        if estimate.score() >= Score::Three {
            return None;
        }
        let advice = estimate
            .feedback()
            .and_then(|f| f.warning().map(|w| w.to_string()))
            .unwrap_or_else(|| "it is too easy to guess".into());
        Some(format!("This password is too easy to guess: {advice}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_passwords_and_the_email_are_refused_and_passphrases_pass() {
        let s = ZxcvbnStrength;
        for weak in [
            "password1234",
            "qwertyuiop123",
            "123456789012",
            "iloveyou2020!",
            "officer@fisheries.tl",
        ] {
            assert!(
                s.weakness(weak, &["officer@fisheries.tl"]).is_some(),
                "{weak}"
            );
        }
        for strong in [
            "a long enough passphrase",
            "correct horse battery staple",
            "Atauro reefs at dawn 2019",
        ] {
            assert_eq!(
                s.weakness(strong, &["officer@fisheries.tl"]),
                None,
                "{strong}"
            );
        }
    }
}
