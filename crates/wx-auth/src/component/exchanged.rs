//! Authorization codes this process already exchanged, with the grant each gave: the
//! authorization redirect and the `authorized` push carry the same single-use code, so a second
//! `query_auth` of it is the normal path — it answers the same grant instead of WeChat's 61009.
//!
//! Codes are kept as digests (never the code itself), for the code's lifetime (1 hour), at most
//! [`CAPACITY`] of them.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use sha1::{Digest, Sha1};

use super::Authorization;

const CAPACITY: usize = 10_000;
const CODE_LIFETIME: Duration = Duration::from_secs(3600);

type CodeDigest = [u8; 20];

#[derive(Default)]
pub(crate) struct ExchangedCodes {
    state: Mutex<State>,
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
