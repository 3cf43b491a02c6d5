//! Login throttling, per account and per client address (governor's keyed GCRA limiters;
//! OWASP ASVS 5.0 V6.3.1: brute-force and credential-stuffing defences). Only failed logins
//! count: an officer who logs in rightly ten times a day is never slowed.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::{Duration, Instant};

use dashmap::DashMap;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// Failed attempts an account may make at once; the next attempt waits.
pub const ACCOUNT_BURST: u32 = 5;
/// One more attempt per account after this long (5 per 15 minutes in the long run).
pub const ACCOUNT_REFILL: Duration = Duration::from_secs(180);
/// Failed attempts a client address may make at once (offices share addresses).
pub const ADDRESS_BURST: u32 = 20;
/// One more attempt per address after this long (20 per 5 minutes in the long run).
pub const ADDRESS_REFILL: Duration = Duration::from_secs(15);

/// One limiter of failures: a failure takes a cell; the failure that takes the last cell
/// blocks the key until the next cell comes back.
struct Failures<K: std::hash::Hash + Eq + Clone> {
    limiter: DefaultKeyedRateLimiter<K>,
    blocked: DashMap<K, Instant>,
}

impl<K: std::hash::Hash + Eq + Clone> Failures<K> {
    fn new(burst: u32, refill: Duration) -> Self {
        // The failure that finds no cell left blocks the key: with `burst - 1` cells, the
        // `burst`-th failure blocks, so `burst` failures are checked and the attempt after
        // them waits (a burst of 1 lets 2 through).
        let cells = NonZeroU32::new(burst.saturating_sub(1)).unwrap_or(NonZeroU32::MIN);
        let quota = Quota::with_period(refill)
            .unwrap_or_else(|| Quota::per_minute(NonZeroU32::MIN))
            .allow_burst(cells);
        Failures {
            limiter: RateLimiter::keyed(quota),
            blocked: DashMap::new(),
        }
    }

    /// How long `key` must still wait, if it must.
    fn wait(&self, key: &K, now: Instant) -> Option<Duration> {
        let until = *self.blocked.get(key)?;
        if until > now {
            Some(until - now)
        } else {
            self.blocked.remove(key);
            None
        }
    }

    /// Counts a failure of `key`; blocks it when its cells are spent.
    fn fail(&self, key: &K, clock: &DefaultClock) {
        if let Err(not_until) = self.limiter.check_key(key) {
            let wait = not_until.wait_time_from(clock.now());
            self.blocked.insert(key.clone(), Instant::now() + wait);
        }
    }
}

/// The two limiters of the login form.
pub struct LoginThrottle {
    accounts: Failures<String>,
    addresses: Failures<IpAddr>,
    clock: DefaultClock,
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
            accounts: Failures::new(account_burst, account_refill),
            addresses: Failures::new(address_burst, address_refill),
            clock: DefaultClock::default(),
        }
    }

    /// `Err(seconds)` to wait when `email` (lower-cased) or `addr` spent its failures;
    /// counts nothing.
    pub fn check(&self, email: &str, addr: Option<IpAddr>) -> Result<(), u64> {
        let now = Instant::now();
        let wait = |d: Duration| d.as_secs().max(1);
        if let Some(d) = addr.and_then(|a| self.addresses.wait(&a, now)) {
            return Err(wait(d));
        }
        if let Some(d) = self.accounts.wait(&key_of(email), now) {
            return Err(wait(d));
        }
        Ok(())
    }

    /// Counts a failed login of `email` from `addr`.
    pub fn failed(&self, email: &str, addr: Option<IpAddr>) {
        if let Some(a) = addr {
            self.addresses.fail(&a, &self.clock);
        }
        self.accounts.fail(&key_of(email), &self.clock);
    }
}

/// The account key: the e-mail trimmed and lower-cased, cut to 254 characters.
fn key_of(email: &str) -> String {
    email.trim().to_lowercase().chars().take(254).collect()
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
    fn an_account_waits_after_its_failures_whatever_the_address() {
        let t = LoginThrottle::new();
        for i in 0..ACCOUNT_BURST {
            let addr = Some(IpAddr::from([10, 0, 0, i as u8]));
            assert_eq!(t.check("Officer@x.tl", addr), Ok(()));
            t.failed("Officer@x.tl", addr);
        }
        let wait = t.check("officer@x.tl", Some(IpAddr::from([10, 0, 0, 99])));
        assert!(
            matches!(wait, Err(s) if s > 0 && s <= ACCOUNT_REFILL.as_secs()),
            "{wait:?}"
        );
        assert_eq!(t.check("someone.else@x.tl", None), Ok(()));
    }

    #[test]
    fn right_logins_are_never_counted() {
        let t = LoginThrottle::new();
        let addr = Some(IpAddr::from([10, 0, 0, 1]));
        for _ in 0..50 {
            assert_eq!(t.check("officer@x.tl", addr), Ok(()));
        }
    }

    #[test]
    fn an_address_waits_after_its_failures_whatever_the_account() {
        let t = LoginThrottle::new();
        let addr = Some(IpAddr::from([192, 0, 2, 1]));
        for i in 0..ADDRESS_BURST {
            let who = format!("user{i}@x.tl");
            assert_eq!(t.check(&who, addr), Ok(()));
            t.failed(&who, addr);
        }
        assert!(t.check("new@x.tl", addr).is_err());
        assert_eq!(
            t.check("new@x.tl", Some(IpAddr::from([192, 0, 2, 2]))),
            Ok(())
        );
    }
}
