//! An id names one message. A producer's `id` (its idempotency key) is bound, in Redis, to what
//! it names: the sender, the subject, the headers and the payload bytes, as a SHA-256
//! fingerprint under `arc:id:ID`. A repeat of an id with the same content (a retry) goes on and
//! is stored once (JetStream's duplicate window and the log's key drop the copy); the same id
//! with other content, from another identity or on another subject is refused with 409 before
//! anything is published, where it used to be answered 2xx and then dropped by JetStream and by
//! the log as a duplicate of the first — stored nowhere.
//!
//! Ids are remembered for `arc serve --id-memory` (default 2 minutes, the stock streams'
//! `duplicate_window`) after their last use, about 150 bytes of Redis each: the check must not
//! outgrow Sonic's 512 MB at the pipeline's rates. Past it a reused id is taken as new; the log
//! keeps the first message of an id for ever, so such a late reuse is on NATS but not in the
//! log. Ids the pipeline makes itself (UUIDv7) are not registered.

use std::collections::BTreeMap;
use std::time::Duration;

use sha2::{Digest, Sha256};

use super::queue::{QueueError, Redis};

/// Where an id's fingerprint is kept.
pub(crate) const ID_KEY_PREFIX: &str = "arc:id:";

/// Checks every id of a request before binding any: KEYS are the ids' keys, ARGV[1] the memory
/// in milliseconds, ARGV[1 + i] the fingerprint of KEYS[i]. Returns 0 when every id is new or
/// names the same content (then all are bound, their memory renewed), else the 1-based index of
/// the first that names other content (an id twice in one request counts too); nothing is
/// bound then.
const CLAIM: &str = r"
local seen = {}
for i, k in ipairs(KEYS) do
  local fp = ARGV[i + 1]
  local have = seen[k]
  if not have then have = redis.call('GET', k) end
  if have and have ~= fp then return i end
  seen[k] = fp
end
for k, fp in pairs(seen) do redis.call('SET', k, fp, 'PX', ARGV[1]) end
return 0
";

/// The producers' ids and what each names.
#[derive(Clone)]
pub(crate) struct IdRegistry {
    redis: Redis,
    memory: Duration,
    script: std::sync::Arc<redis::Script>,
}

/// One id of a request and what it names.
pub(crate) struct Named<'a> {
    pub id: &'a str,
    pub sender: &'a str,
    pub subject: &'a str,
    pub headers: &'a BTreeMap<String, String>,
    pub payload: &'a [u8],
}

impl IdRegistry {
    pub(crate) fn new(redis: Redis, memory: Duration) -> Self {
        IdRegistry {
            redis,
            memory,
            script: std::sync::Arc::new(redis::Script::new(CLAIM)),
        }
    }

    /// Binds every id to its content, or none: `Ok(Some(i))` names the first of `named` whose
    /// id already names other content.
    pub(crate) async fn claim(&self, named: &[Named<'_>]) -> Result<Option<usize>, QueueError> {
        if named.is_empty() {
            return Ok(None);
        }
        let mut inv = self.script.prepare_invoke();
        for n in named {
            inv.key(format!("{ID_KEY_PREFIX}{}", n.id));
        }
        inv.arg(
            u64::try_from(self.memory.as_millis())
                .unwrap_or(u64::MAX)
                .max(1),
        );
        for n in named {
            inv.arg(fingerprint(n));
        }
        let mut conn = self.redis.conn().await?;
        let at: usize = inv
            .invoke_async(&mut conn)
            .await
            .map_err(|e| self.redis.error(e))?;
        Ok(at.checked_sub(1))
    }

    /// How long an id is remembered after its last use.
    pub(crate) fn memory(&self) -> Duration {
        self.memory
    }
}

/// SHA-256 over the sender, the subject, the headers (sorted) and the payload bytes, each part
/// length-prefixed so no two contents share one, as hex.
fn fingerprint(n: &Named<'_>) -> String {
    let mut h = Sha256::new();
    let mut part = |b: &[u8]| {
        h.update((b.len() as u64).to_be_bytes());
        h.update(b);
    };
    part(n.sender.as_bytes());
    part(n.subject.as_bytes());
    for (k, v) in n.headers {
        part(k.as_bytes());
        part(v.as_bytes());
    }
    part(n.payload);
    crate::format::hex(&h.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named<'a>(
        sender: &'a str,
        subject: &'a str,
        headers: &'a BTreeMap<String, String>,
        payload: &'a [u8],
    ) -> Named<'a> {
        Named {
            id: "x",
            sender,
            subject,
            headers,
            payload,
        }
    }

    #[test]
    fn the_fingerprint_covers_every_part_and_only_the_content() {
        let none = BTreeMap::new();
        let one = BTreeMap::from([("k".to_owned(), "v".to_owned())]);
        let base = fingerprint(&named("alice", "a.b", &none, b"1"));
        assert_eq!(base, fingerprint(&named("alice", "a.b", &none, b"1")));
        assert_eq!(base.len(), 64);
        for other in [
            fingerprint(&named("bob", "a.b", &none, b"1")),
            fingerprint(&named("alice", "a.c", &none, b"1")),
            fingerprint(&named("alice", "a.b", &one, b"1")),
            fingerprint(&named("alice", "a.b", &none, b"2")),
            // Parts cannot run into each other.
            fingerprint(&named("alicea", ".b", &none, b"1")),
        ] {
            assert_ne!(base, other);
        }
    }
}
