//! [`RecordTable`]: one component's authorizer records in memory, each found by the appid it
//! holds — the table keeps no second copy of the appid as a key.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::Arc;

use hashbrown::HashTable;

use super::AuthorizerRecord;

/// Records by `authorizer_appid`, shared so that readers hold one in place instead of a copy.
#[derive(Default)]
pub(super) struct RecordTable {
    hasher: RandomState,
    records: HashTable<Arc<AuthorizerRecord>>,
}

impl RecordTable {
    fn hash(&self, appid: &str) -> u64 {
        self.hasher.hash_one(appid)
    }

    /// The record of `appid`.
    pub(super) fn get(&self, appid: &str) -> Option<&Arc<AuthorizerRecord>> {
        self.records.find(self.hash(appid), |r| r.authorizer_appid == appid)
    }

    /// The record of `appid`, to change in place. The change must keep its appid, which is
    /// what the table finds it by.
    pub(super) fn get_mut(&mut self, appid: &str) -> Option<&mut Arc<AuthorizerRecord>> {
        let hash = self.hash(appid);
        self.records.find_mut(hash, |r| r.authorizer_appid == appid)
    }

    /// Stores `record`, replacing the one with the same appid.
    pub(super) fn insert(&mut self, record: Arc<AuthorizerRecord>) {
        let hasher = &self.hasher;
        let hash = hasher.hash_one(record.authorizer_appid.as_str());
        match self.records.entry(
            hash,
            |r| r.authorizer_appid == record.authorizer_appid,
            |r| hasher.hash_one(r.authorizer_appid.as_str()),
        ) {
            hashbrown::hash_table::Entry::Occupied(mut held) => *held.get_mut() = record,
            hashbrown::hash_table::Entry::Vacant(slot) => {
                slot.insert(record);
            }
        }
    }

    /// Records held.
    pub(super) fn len(&self) -> usize {
        self.records.len()
    }

    /// Every appid held, in no particular order.
    pub(super) fn appids(&self) -> impl Iterator<Item = &str> {
        self.records.iter().map(|r| r.authorizer_appid.as_str())
    }
}

#[cfg(test)]
mod tests {
    use secrecy::{ExposeSecret, SecretString};

    use super::*;

    fn record(appid: &str, refresh: &str) -> Arc<AuthorizerRecord> {
        Arc::new(AuthorizerRecord::new(appid, SecretString::from(refresh), None))
    }

    #[test]
    fn a_record_is_found_by_its_own_appid_and_replaced_by_a_newer_one() {
        let mut table = RecordTable::default();
        for i in 0..1_000 {
            table.insert(record(&format!("wx{i:04}"), "first"));
        }
        table.insert(record("wx0500", "second"));
        assert_eq!(table.len(), 1_000);
        assert_eq!(
            table
                .get("wx0500")
                .map(|r| r.refresh_token.expose_secret().to_owned())
                .as_deref(),
            Some("second")
        );
        assert_eq!(table.get("wx0999").map(|r| r.authorizer_appid.as_str()), Some("wx0999"));
        assert!(table.get("wx1000").is_none());
        let mut appids: Vec<&str> = table.appids().collect();
        appids.sort_unstable();
        assert_eq!(appids.len(), 1_000);
        assert_eq!(appids[0], "wx0000");
    }

    #[test]
    fn a_record_changed_in_place_is_still_found() {
        let mut table = RecordTable::default();
        table.insert(record("wxa", "old"));
        let held = table.get_mut("wxa").expect("held");
        Arc::make_mut(held).refresh_token = SecretString::from("new");
        assert_eq!(
            table
                .get("wxa")
                .map(|r| r.refresh_token.expose_secret().to_owned())
                .as_deref(),
            Some("new")
        );
        assert!(table.get_mut("wxb").is_none());
    }
}
