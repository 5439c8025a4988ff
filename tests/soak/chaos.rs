//! What the soak does to the world while the workers insert: Redis outages (data kept, data
//! lost), every kind of sandbox fault, new verify tickets, replayed pushes — and the secrets it
//! sees go by, so the logs can be searched for them afterwards.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng as _, SeedableRng as _};
use wx_auth::TokenStore;
use wx_invoice_e2e::{AUTHORIZER_TOKEN_PATH, INSERT_PATH, PLATFORM_OA};
use wx_sandbox::{Fault, Sandbox};

use super::push_endpoint::PushEndpoint;
use super::redis_server::SoakRedis;
use super::token_key;

/// The pause between two chaos steps.
const STEP: Duration = Duration::from_millis(150);
/// Redis outages happen at these steps (even: data kept, odd: data lost).
const OUTAGE_STEPS: [u32; 4] = [8, 24, 60, 120];
/// How long Redis stays down.
const OUTAGE: Duration = Duration::from_millis(800);

pub struct Chaos<'a> {
    sandbox: &'a Sandbox,
    endpoint: &'a PushEndpoint,
    store: &'a Arc<dyn TokenStore>,
    rng: StdRng,
    step: u32,
    seen: BTreeSet<String>,
    pub latest_ticket: Option<String>,
    pub outages: usize,
    pub faults: usize,
    pub token_path_faults: u64,
    pub replays: usize,
}

impl<'a> Chaos<'a> {
    pub fn new(sandbox: &'a Sandbox, endpoint: &'a PushEndpoint, store: &'a Arc<dyn TokenStore>, seed: u64) -> Self {
        Self {
            sandbox,
            endpoint,
            store,
            rng: StdRng::seed_from_u64(seed),
            step: 0,
            seen: BTreeSet::new(),
            latest_ticket: None,
            outages: 0,
            faults: 0,
            token_path_faults: 0,
            replays: 0,
        }
    }

    /// One step: maybe an outage, else one fault, ticket or replay.
    pub async fn step(&mut self, redis: &mut SoakRedis) {
        tokio::time::sleep(STEP).await;
        self.step += 1;
        if let Some(n) = OUTAGE_STEPS.iter().position(|s| *s == self.step) {
            redis.kill(n % 2 == 1);
            self.outages += 1;
            tokio::time::sleep(OUTAGE).await;
            redis.ensure_up();
            return;
        }
        match self.rng.random_range(0..10) {
            0..=4 => {
                let fault = self.insert_fault();
                self.sandbox.inject_fault(fault);
                self.faults += 1;
            }
            5 => {
                let fault = match self.rng.random_range(0..5) {
                    0 => Fault::errcode(AUTHORIZER_TOKEN_PATH, -1, "system error"),
                    1 => Fault::http_status(AUTHORIZER_TOKEN_PATH, 502),
                    2 => Fault::html(AUTHORIZER_TOKEN_PATH),
                    3 => Fault::garbage(AUTHORIZER_TOKEN_PATH),
                    _ => Fault::drop_connection(AUTHORIZER_TOKEN_PATH),
                };
                self.sandbox.inject_fault(fault);
                self.faults += 1;
                self.token_path_faults += 1;
            }
            6 | 7 => self.push_ticket(),
            _ => {
                let delivered = self.endpoint.deliveries();
                if delivered > 0 {
                    let index = self.rng.random_range(0..delivered);
                    self.endpoint.replay(index).await;
                    self.replays += 1;
                }
            }
        }
    }

    /// WeChat pushes a new verify ticket.
    pub fn push_ticket(&mut self) {
        let ticket = self.sandbox.push_verify_ticket();
        self.seen.insert(ticket.clone());
        self.latest_ticket = Some(ticket);
    }

    /// Replays `n` random earlier deliveries.
    pub async fn replay_some(&mut self, n: usize) {
        for _ in 0..n {
            let delivered = self.endpoint.deliveries();
            if delivered > 0 {
                let index = self.rng.random_range(0..delivered);
                self.endpoint.replay(index).await;
                self.replays += 1;
            }
        }
    }

    fn insert_fault(&mut self) -> Fault {
        match self.rng.random_range(0..12) {
            0 => Fault::errcode(INSERT_PATH, -1, "system error"),
            1 => Fault::errcode(INSERT_PATH, 72036, "invoice is busy"),
            2 => Fault::http_status(INSERT_PATH, 502),
            3 => Fault::html(INSERT_PATH),
            4 => Fault::garbage(INSERT_PATH),
            5 => Fault::huge_body(INSERT_PATH, 5 * 1024 * 1024),
            6 => Fault::delay(INSERT_PATH, Duration::from_millis(400)),
            7 => Fault::lose_answer(INSERT_PATH),
            8 => Fault::apply_then_delay(INSERT_PATH, Duration::from_secs(4)),
            9 => Fault::drop_connection(INSERT_PATH),
            10 => Fault::redirect(INSERT_PATH, 307, "http://127.0.0.1:9/card/invoice/insert"),
            _ => Fault::body(INSERT_PATH, r#"{"errcode":0,"code":null,"openid":-1e999}"#),
        }
    }

    /// Notes the secrets in circulation now: refresh tokens and cached access tokens.
    pub async fn collect_secrets(&mut self, others: &[&str]) {
        for appid in std::iter::once(PLATFORM_OA).chain(others.iter().copied()) {
            if let Some(refresh) = self.sandbox.current_refresh_token(appid) {
                self.seen.insert(refresh);
            }
            if let Ok(Some(token)) = self.store.get_token(&token_key(appid)).await {
                self.seen.insert(token.expose_secret().to_owned());
            }
        }
    }

    /// Every secret seen, plus the platform's constant ones.
    pub fn secrets(&self, sandbox: &Sandbox, appids: &[&str]) -> BTreeSet<String> {
        let mut all = self.seen.clone();
        all.extend(wx_invoice_e2e::platform_secrets(sandbox, appids));
        all
    }
}
