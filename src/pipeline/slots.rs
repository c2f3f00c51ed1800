//! The policy-evaluation slots: how many CEL evaluations run at once (each holds a thread of the
//! blocking pool), how much of them one identity may hold, and whether they are saturated, for
//! `/readyz` and `/metrics`. Owns no CEL and no message: `fanout` takes a slot for each message
//! it evaluates and gives it back as soon as that message is decided.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// How many policy evaluations may run at once.
pub(crate) const SLOTS: usize = 4;
/// How many of them one identity may hold: a producer sending costly messages as fast as it can
/// takes half the slots, and the others keep the rest.
pub(crate) const PER_IDENTITY: usize = SLOTS / 2;
/// How long a message waits for a slot before it is answered 503.
pub(crate) const WAIT: Duration = Duration::from_millis(500);
/// How long a message refused for want of a slot keeps `/readyz` saying saturated.
const SATURATION_SHOWN: Duration = Duration::from_secs(5);
/// Identities whose slots are all free are forgotten past this many.
const IDENTITIES_KEPT: usize = 1024;

/// The slots, shared by every ingress.
pub(crate) struct PolicySlots {
    slots: usize,
    per_identity: usize,
    all: Arc<Semaphore>,
    identities: Mutex<HashMap<String, Arc<Semaphore>>>,
    busy: AtomicU64,
    waiting: AtomicU64,
    /// Messages that found no slot free and waited for one.
    waits: AtomicU64,
    /// Messages refused: no slot free within [`WAIT`].
    refused_saturated: AtomicU64,
    /// Messages refused: their identity held its whole share within [`WAIT`].
    refused_share: AtomicU64,
    last_saturated: Mutex<Option<Instant>>,
}

/// A slot held: given back when dropped.
pub(crate) struct SlotPermit {
    _identity: Option<OwnedSemaphorePermit>,
    _all: OwnedSemaphorePermit,
    slots: Arc<PolicySlots>,
}

impl Drop for SlotPermit {
    fn drop(&mut self) {
        self.slots.busy.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Counts a waiting message for as long as it waits (also when its request is dropped).
struct Waiting<'a>(&'a AtomicU64);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

impl PolicySlots {
    pub(crate) fn new(slots: usize, per_identity: usize) -> Arc<Self> {
        Arc::new(PolicySlots {
            slots,
            per_identity: per_identity.clamp(1, slots.max(1)),
            all: Arc::new(Semaphore::new(slots)),
            identities: Mutex::default(),
            busy: AtomicU64::new(0),
            waiting: AtomicU64::new(0),
            waits: AtomicU64::new(0),
            refused_saturated: AtomicU64::new(0),
            refused_share: AtomicU64::new(0),
            last_saturated: Mutex::new(None),
        })
    }

    fn identity(&self, who: &str) -> Arc<Semaphore> {
        let mut map = self
            .identities
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(s) = map.get(who) {
            return s.clone();
        }
        if map.len() >= IDENTITIES_KEPT {
            let share = self.per_identity;
            map.retain(|_, s| s.available_permits() < share);
        }
        let s = Arc::new(Semaphore::new(self.per_identity));
        map.insert(who.to_owned(), s.clone());
        s
    }

    /// A slot for one evaluation on behalf of identity `who`, waiting at most `wait`; the error
    /// says why none was had (for a 503). `None`: producers cannot be told apart (no identities
    /// are configured, everyone is `anonymous`), so no share applies.
    pub(crate) async fn acquire(
        self: &Arc<Self>,
        who: Option<&str>,
        wait: Duration,
    ) -> Result<SlotPermit, String> {
        let deadline = tokio::time::Instant::now() + wait;
        let mine = who.map(|w| self.identity(w));
        if mine.as_ref().is_some_and(|m| m.available_permits() == 0)
            || self.all.available_permits() == 0
        {
            self.waits.fetch_add(1, Ordering::Relaxed);
        }
        self.waiting.fetch_add(1, Ordering::Relaxed);
        let _waiting = Waiting(&self.waiting);
        let identity = match (mine, who) {
            (Some(mine), Some(who)) => {
                let Ok(Ok(permit)) = tokio::time::timeout_at(deadline, mine.acquire_owned()).await
                else {
                    self.refused_share.fetch_add(1, Ordering::Relaxed);
                    return Err(format!(
                        "`{who}` already has {} policy evaluations running (one identity's share of the {} slots) and none ended within {} ms; retry later",
                        self.per_identity,
                        self.slots,
                        wait.as_millis()
                    ));
                };
                Some(permit)
            }
            _ => None,
        };
        let Ok(Ok(all)) = tokio::time::timeout_at(deadline, self.all.clone().acquire_owned()).await
        else {
            self.refused_saturated.fetch_add(1, Ordering::Relaxed);
            *self
                .last_saturated
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Instant::now());
            return Err(format!(
                "policy evaluation is saturated: all {} slots stayed busy for {} ms; retry later",
                self.slots,
                wait.as_millis()
            ));
        };
        self.busy.fetch_add(1, Ordering::Relaxed);
        Ok(SlotPermit {
            _identity: identity,
            _all: all,
            slots: self.clone(),
        })
    }

    /// Why the slots are saturated, if they are: every slot busy with messages waiting, or a
    /// message refused for want of a slot within the last 5 s.
    pub(crate) fn saturated(&self) -> Option<String> {
        let busy = self.busy.load(Ordering::Relaxed);
        let waiting = self.waiting.load(Ordering::Relaxed);
        if busy >= self.slots as u64 && waiting > 0 {
            return Some(format!(
                "saturated: {busy} of {} slots busy, {waiting} messages waiting",
                self.slots
            ));
        }
        let last = *self
            .last_saturated
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        last.filter(|t| t.elapsed() < SATURATION_SHOWN).map(|t| {
            format!(
                "saturated: a message found no free slot of {} {} ms ago",
                self.slots,
                t.elapsed().as_millis()
            )
        })
    }

    /// The `policies` entry of `/readyz`.
    pub(crate) fn report(&self) -> serde_json::Value {
        serde_json::json!({
            "state": self.saturated().unwrap_or_else(|| "ok".to_owned()),
            "slots": self.slots,
            "per_identity": self.per_identity,
            "busy": self.busy.load(Ordering::Relaxed),
            "waiting": self.waiting.load(Ordering::Relaxed),
        })
    }

    /// Prometheus lines.
    pub(crate) fn render(&self) -> String {
        let mut s = String::new();
        s.push_str("# HELP arc_policy_slots Policy evaluations that may run at once.\n# TYPE arc_policy_slots gauge\n");
        let _ = writeln!(s, "arc_policy_slots {}", self.slots);
        s.push_str("# HELP arc_policy_slots_busy Policy evaluations running now.\n# TYPE arc_policy_slots_busy gauge\n");
        let _ = writeln!(
            s,
            "arc_policy_slots_busy {}",
            self.busy.load(Ordering::Relaxed)
        );
        s.push_str("# HELP arc_policy_slot_waiting Messages waiting for a policy slot now.\n# TYPE arc_policy_slot_waiting gauge\n");
        let _ = writeln!(
            s,
            "arc_policy_slot_waiting {}",
            self.waiting.load(Ordering::Relaxed)
        );
        s.push_str("# HELP arc_policy_slot_waits_total Messages that found no policy slot free and waited.\n# TYPE arc_policy_slot_waits_total counter\n");
        let _ = writeln!(
            s,
            "arc_policy_slot_waits_total {}",
            self.waits.load(Ordering::Relaxed)
        );
        s.push_str("# HELP arc_policy_slot_refusals_total Messages refused (503) for want of a policy slot: all busy (saturated), or their identity's share in use.\n# TYPE arc_policy_slot_refusals_total counter\n");
        let _ = writeln!(
            s,
            "arc_policy_slot_refusals_total{{cause=\"saturated\"}} {}",
            self.refused_saturated.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            s,
            "arc_policy_slot_refusals_total{{cause=\"identity_share\"}} {}",
            self.refused_share.load(Ordering::Relaxed)
        );
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 21: four costly messages from one producer held every slot, and every message on
    /// every policy topic was refused meanwhile.
    #[tokio::test]
    async fn one_identity_holds_its_share_and_no_more() {
        let slots = PolicySlots::new(4, 2);
        let a1 = slots.acquire(Some("mallory"), WAIT).await.unwrap();
        let a2 = slots.acquire(Some("mallory"), WAIT).await.unwrap();
        let e = slots
            .acquire(Some("mallory"), Duration::from_millis(10))
            .await
            .err()
            .unwrap();
        assert!(e.contains("`mallory` already has 2"), "{e}");
        assert!(
            slots.saturated().is_none(),
            "a share in use is not saturation"
        );
        // Others still get the rest.
        let b1 = slots.acquire(Some("alice"), WAIT).await.unwrap();
        let c1 = slots.acquire(Some("bob"), WAIT).await.unwrap();
        assert!(slots.render().contains("arc_policy_slots_busy 4\n"));
        let e = slots
            .acquire(Some("carol"), Duration::from_millis(10))
            .await
            .err()
            .unwrap();
        assert!(e.contains("saturated"), "{e}");
        let why = slots.saturated().expect("saturation is shown");
        assert!(why.contains("no free slot"), "{why}");
        assert!(slots.report()["state"]
            .as_str()
            .unwrap()
            .starts_with("saturated"));
        let text = slots.render();
        assert!(
            text.contains("arc_policy_slot_refusals_total{cause=\"saturated\"} 1\n"),
            "{text}"
        );
        assert!(
            text.contains("arc_policy_slot_refusals_total{cause=\"identity_share\"} 1\n"),
            "{text}"
        );
        assert!(text.contains("arc_policy_slot_waits_total 2\n"), "{text}");
        drop((a1, b1, c1));
        let a3 = slots.acquire(Some("mallory"), WAIT).await.unwrap();
        // A slot given back is taken by whoever waits.
        let waiter = {
            let slots = slots.clone();
            tokio::spawn(async move { slots.acquire(Some("mallory"), WAIT * 20).await.is_ok() })
        };
        drop(a2);
        assert!(waiter.await.unwrap());
        drop(a3);
        assert_eq!(slots.report()["busy"], 0);
        assert_eq!(slots.report()["waiting"], 0);
    }

    /// Without identities everyone is `anonymous`: a share would only halve the slots.
    #[tokio::test]
    async fn without_identities_every_slot_is_open_to_anyone() {
        let slots = PolicySlots::new(4, 2);
        let mut held = Vec::new();
        for _ in 0..4 {
            held.push(slots.acquire(None, WAIT).await.unwrap());
        }
        let e = slots
            .acquire(None, Duration::from_millis(10))
            .await
            .err()
            .unwrap();
        assert!(e.contains("saturated"), "{e}");
        drop(held);
        assert_eq!(slots.report()["busy"], 0);
    }
}
