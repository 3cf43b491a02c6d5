//! Pages prepared once per version of the read models they show, and reused until the next
//! version: the read models change only when an import, a review or a projection commits,
//! so a page built from them is the same for every caller of one scope until then.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Prepared values `V` (a page's body) by key `K` (a scope and a filter), for one version of
/// the read models at a time: a value of another version is never served, and a new version
/// empties the cache. At most [`Prepared::MAX_ENTRIES`] are kept.
///
/// The version itself is read from the database at most once per [`Prepared::VERSION_FOR`]
/// ([`Prepared::recent_version`], [`Prepared::saw_version`]); a change made in this process
/// forgets it at once ([`Prepared::forget_version`]), and a change committed by another
/// process (an import from the command line) shows within that second.
pub struct Prepared<K, V> {
    entries: Mutex<(i64, HashMap<K, Arc<V>>)>,
    version: Mutex<Option<(i64, Instant)>>,
}

impl<K, V> Default for Prepared<K, V> {
    fn default() -> Self {
        Prepared {
            entries: Mutex::new((i64::MIN, HashMap::new())),
            version: Mutex::new(None),
        }
    }
}

impl<K: Eq + Hash, V> Prepared<K, V> {
    /// How many prepared values are kept at most.
    pub const MAX_ENTRIES: usize = 1024;

    /// How long a version read from the database is taken as current.
    pub const VERSION_FOR: Duration = Duration::from_secs(1);

    /// The version read less than [`Self::VERSION_FOR`] ago, if any.
    pub fn recent_version(&self) -> Option<i64> {
        let v = self.version.lock().ok()?;
        v.filter(|(_, at)| at.elapsed() < Self::VERSION_FOR)
            .map(|(v, _)| v)
    }

    /// Records `version` as just read.
    pub fn saw_version(&self, version: i64) {
        if let Ok(mut v) = self.version.lock() {
            *v = Some((version, Instant::now()));
        }
    }

    /// Forgets the version read: the next page reads it again (after a change made here).
    pub fn forget_version(&self) {
        if let Ok(mut v) = self.version.lock() {
            *v = None;
        }
    }

    /// The value prepared for `key` at `version`, if any.
    pub fn get(&self, version: i64, key: &K) -> Option<Arc<V>> {
        let entries = self.entries.lock().ok()?;
        if entries.0 != version {
            return None;
        }
        entries.1.get(key).cloned()
    }

    /// Keeps `value` for `key` at `version` (forgetting every value of another version, or
    /// all of them when the cache is full).
    pub fn put(&self, version: i64, key: K, value: Arc<V>) {
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        if entries.0 != version || entries.1.len() >= Self::MAX_ENTRIES {
            *entries = (version, HashMap::new());
        }
        entries.1.insert(key, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_served_for_its_version_only() {
        let p: Prepared<&str, String> = Prepared::default();
        assert_eq!(p.get(1, &"a"), None);
        p.put(1, "a", Arc::new("one".into()));
        assert_eq!(p.get(1, &"a").as_deref().map(String::as_str), Some("one"));
        assert_eq!(p.get(2, &"a"), None, "another version");
        p.put(2, "b", Arc::new("two".into()));
        assert_eq!(p.get(1, &"a"), None, "a new version empties the cache");
        assert_eq!(p.recent_version(), None);
        p.saw_version(7);
        assert_eq!(p.recent_version(), Some(7));
        p.forget_version();
        assert_eq!(p.recent_version(), None);
    }
}
