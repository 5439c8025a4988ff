//! [`RecordTable`]: one component's authorizer records in memory, each found by the appid it
//! holds — the table keeps no second copy of the appid as a key.

use std::hash::BuildHasher;

use foldhash::fast::RandomState;
use hashbrown::HashTable;

use super::packed_record::PackedRecord;

/// Packed records by appid.
#[derive(Default)]
pub(super) struct RecordTable {
    hasher: RandomState,
    records: HashTable<PackedRecord>,
}

impl RecordTable {
    fn hash(&self, appid: &str) -> u64 {
        self.hasher.hash_one(appid)
    }

    /// The record of `appid`.
    pub(super) fn get(&self, appid: &str) -> Option<&PackedRecord> {
        self.records.find(self.hash(appid), |r| r.is_of(appid))
    }

    /// Stores `record`, replacing the one with the same appid.
    pub(super) fn insert(&mut self, record: PackedRecord) {
        let hasher = &self.hasher;
        let hash = hasher.hash_one(record.appid());
        match self
            .records
            .entry(hash, |r| r.is_of(record.appid()), |r| hasher.hash_one(r.appid()))
        {
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
        self.records.iter().map(PackedRecord::appid)
    }
}

#[cfg(test)]
mod tests {
    use secrecy::{ExposeSecret, SecretString};

    use super::*;
    use crate::store::AuthorizerRecord;

    fn record(appid: &str, refresh: &str) -> PackedRecord {
        PackedRecord::pack(&AuthorizerRecord::new(appid, SecretString::from(refresh), None)).expect("packs")
    }

    fn refresh_of(table: &RecordTable, appid: &str) -> Option<String> {
        table
            .get(appid)
            .map(|r| r.unpack().refresh_token.expose_secret().to_owned())
    }

    #[test]
    fn a_record_is_found_by_its_own_appid_and_replaced_by_a_newer_one() {
        let mut table = RecordTable::default();
        for i in 0..1_000 {
            table.insert(record(&format!("wx{i:04}"), "first"));
        }
        table.insert(record("wx0500", "second"));
        assert_eq!(table.len(), 1_000);
        assert_eq!(refresh_of(&table, "wx0500").as_deref(), Some("second"));
        assert_eq!(refresh_of(&table, "wx0499").as_deref(), Some("first"));
        assert_eq!(table.get("wx0999").map(PackedRecord::appid), Some("wx0999"));
        assert!(table.get("wx1000").is_none());
        let mut appids: Vec<&str> = table.appids().collect();
        appids.sort_unstable();
        assert_eq!(appids.len(), 1_000);
        assert_eq!(appids[0], "wx0000");
    }
}
