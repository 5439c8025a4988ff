//! Authorization codes this process already exchanged, with the grant each gave: the
//! authorization redirect and the `authorized` push carry the same single-use code, so a second
//! `query_auth` of it is the normal path — it answers the same grant instead of WeChat's 61009.
//!
//! The two usually arrive within milliseconds of each other, so an exchange of a code already
//! under way in this process is waited for rather than sent again: the second caller gets the
//! first one's grant.
//!
//! Codes are kept as digests (never the code itself), for the code's lifetime (1 hour), at most
//! [`CAPACITY`] of them.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use sha1::{Digest, Sha1};

use super::Authorization;

const CAPACITY: usize = 10_000;
const CODE_LIFETIME: Duration = Duration::from_secs(3600);

type CodeDigest = [u8; 20];

type Gate = Arc<tokio::sync::Mutex<()>>;

#[derive(Default)]
pub(crate) struct ExchangedCodes {
    state: Mutex<State>,
    /// One gate per code whose exchange is under way or waited for.
    gates: Mutex<HashMap<CodeDigest, Gate>>,
}

/// The turn to exchange one code, held while the exchange runs. Dropping it lets the next
/// caller of the same code in, who then finds the grant (or, after a failure, tries itself).
pub(crate) struct ExchangeTurn<'a> {
    codes: &'a ExchangedCodes,
    key: CodeDigest,
    held: tokio::sync::OwnedMutexGuard<()>,
}

impl Drop for ExchangeTurn<'_> {
    fn drop(&mut self) {
        let mut gates = self.codes.gates();
        // Gates are cloned under this lock only: two holders (the map and this turn's guard)
        // means nobody waits, so the gate goes.
        let gate = tokio::sync::OwnedMutexGuard::mutex(&self.held);
        if gates
            .get(&self.key)
            .is_some_and(|g| Arc::ptr_eq(g, gate) && Arc::strong_count(g) == 2)
        {
            gates.remove(&self.key);
        }
    }
}

#[derive(Default)]
struct State {
    grants: HashMap<CodeDigest, (Authorization, Instant)>,
    order: VecDeque<CodeDigest>,
}

fn digest(code: &str) -> CodeDigest {
    Sha1::digest(code.as_bytes()).into()
}

impl ExchangedCodes {
    fn state(&self) -> MutexGuard<'_, State> {
        // Both collections are updated together before anything can panic.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn gates(&self) -> MutexGuard<'_, HashMap<CodeDigest, Gate>> {
        // A map of gates only; nothing in it can be left half-updated.
        self.gates.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits until no other exchange of `code` is under way in this process, then hands out
    /// the turn to exchange it. [`grant`](Self::grant) is worth asking again after the wait.
    pub(crate) async fn turn(&self, code: &str) -> ExchangeTurn<'_> {
        let key = digest(code);
        let gate = self.gates().entry(key).or_default().clone();
        ExchangeTurn {
            codes: self,
            key,
            held: gate.lock_owned().await,
        }
    }

    /// The grant `code` gave, if this process exchanged it within the code's lifetime.
    pub(crate) fn grant(&self, code: &str) -> Option<Authorization> {
        self.state()
            .grants
            .get(&digest(code))
            .filter(|(_, at)| at.elapsed() < CODE_LIFETIME)
            .map(|(grant, _)| grant.clone())
    }

    pub(crate) fn remember(&self, code: &str, grant: &Authorization) {
        let key = digest(code);
        let mut state = self.state();
        if state.grants.insert(key, (grant.clone(), Instant::now())).is_none() {
            state.order.push_back(key);
        }
        while state.order.len() > CAPACITY
            || state
                .order
                .front()
                .and_then(|k| state.grants.get(k))
                .is_some_and(|(_, at)| at.elapsed() >= CODE_LIFETIME)
        {
            if let Some(oldest) = state.order.pop_front() {
                state.grants.remove(&oldest);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ExchangedCodes;

    #[tokio::test]
    async fn a_gate_lasts_while_its_code_is_exchanged_or_waited_for() {
        let codes = ExchangedCodes::default();
        drop(codes.turn("code-a").await);
        assert!(codes.gates().is_empty(), "an exchange nobody waited for leaves no gate");

        let first = codes.turn("code-b").await;
        let (second, ()) = tokio::join!(codes.turn("code-b"), async {
            tokio::task::yield_now().await;
            assert_eq!(codes.gates().len(), 1, "one gate while the first holds it");
            drop(first);
        });
        assert_eq!(codes.gates().len(), 1, "kept while the waiter holds its turn");
        drop(second);
        assert!(codes.gates().is_empty(), "gone after the last turn");
    }
}
