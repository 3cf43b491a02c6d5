//! Login throttling, per account and per client address (governor's keyed GCRA limiters;
//! OWASP ASVS 5.0 V6.3.1: brute-force and credential-stuffing defences).

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// Attempts an account may make at once before it is slowed down.
pub const ACCOUNT_BURST: u32 = 5;
/// One more attempt per account after this long (5 per 15 minutes in the long run).
pub const ACCOUNT_REFILL: Duration = Duration::from_secs(180);
/// Attempts a client address may make at once (offices share addresses).
pub const ADDRESS_BURST: u32 = 20;
/// One more attempt per address after this long (20 per 5 minutes in the long run).
pub const ADDRESS_REFILL: Duration = Duration::from_secs(15);

/// The two limiters of the login form.
pub struct LoginThrottle {
    accounts: DefaultKeyedRateLimiter<String>,
    addresses: DefaultKeyedRateLimiter<IpAddr>,
    clock: DefaultClock,
}

fn quota(burst: u32, refill: Duration) -> Quota {
    let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
    Quota::with_period(refill)
        .unwrap_or_else(|| Quota::per_minute(NonZeroU32::MIN))
        .allow_burst(burst)
}

impl LoginThrottle {
    /// Limiters with the defaults above.
    pub fn new() -> Self {
        Self::with(ACCOUNT_BURST, ACCOUNT_REFILL, ADDRESS_BURST, ADDRESS_REFILL)
    }

    /// Limiters with other quotas (tests).
    pub fn with(
        account_burst: u32,
        account_refill: Duration,
        address_burst: u32,
        address_refill: Duration,
    ) -> Self {
        LoginThrottle {
            accounts: RateLimiter::keyed(quota(account_burst, account_refill)),
            addresses: RateLimiter::keyed(quota(address_burst, address_refill)),
            clock: DefaultClock::default(),
        }
    }

    /// Counts one attempt for `email` (lower-cased) from `addr`; `Err(seconds)` to wait when
    /// either limit is exhausted.
    pub fn check(&self, email: &str, addr: Option<IpAddr>) -> Result<(), u64> {
        let now = self.clock.now();
        let wait = |d: Duration| d.as_secs().max(1);
        if let Some(Err(not_until)) = addr.map(|a| self.addresses.check_key(&a)) {
            return Err(wait(not_until.wait_time_from(now)));
        }
        let key = email.trim().to_lowercase();
        if let Err(not_until) = self.accounts.check_key(&key) {
            return Err(wait(not_until.wait_time_from(now)));
        }
        Ok(())
    }
}

impl Default for LoginThrottle {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_is_slowed_after_its_burst_whatever_the_address() {
        let t = LoginThrottle::new();
        for i in 0..ACCOUNT_BURST {
            let addr = Some(IpAddr::from([10, 0, 0, i as u8]));
            assert_eq!(t.check("Officer@x.tl", addr), Ok(()));
        }
        let wait = t.check("officer@x.tl", Some(IpAddr::from([10, 0, 0, 99])));
        assert!(
            matches!(wait, Err(s) if s > 0 && s <= ACCOUNT_REFILL.as_secs()),
            "{wait:?}"
        );
        assert_eq!(t.check("someone.else@x.tl", None), Ok(()));
    }

    #[test]
    fn an_address_is_slowed_after_its_burst_whatever_the_account() {
        let t = LoginThrottle::new();
        let addr = Some(IpAddr::from([192, 0, 2, 1]));
        for i in 0..ADDRESS_BURST {
            assert_eq!(t.check(&format!("user{i}@x.tl"), addr), Ok(()));
        }
        assert!(t.check("new@x.tl", addr).is_err());
        assert_eq!(
            t.check("new@x.tl", Some(IpAddr::from([192, 0, 2, 2]))),
            Ok(())
        );
    }
}
