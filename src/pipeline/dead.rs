//! Dead letters: what a path could not take, set aside with its reason so that it never holds up
//! the messages behind it, visible (`GET /v1/dead`, `arc messages dead`) and recoverable (retry
//! puts it back where it came from, drop deletes it).
//!
//! Two places, both Redis lists, newest first:
//! - `arc:ingest:rejected` ([`Place::Ingest`]): Redis-ingress entries the pipeline refused or could
//!   not read (invalid UTF-8, not an envelope), and NATS-ingress messages refused without a reply
//!   subject to tell. A retry pushes the entry back on `arc:ingest`.
//! - `arc:log:dead` ([`Place::Log`]): accepted envelopes the log store would not take (the logger
//!   found them by bisecting the batch they were in). A retry pushes the envelope back on the log
//!   queue `arc:log`, where the logger takes it again (once the cause is fixed).
//!
//! Each list is bounded ([`MAX_COUNT`] entries and [`MAX_BYTES`] bytes): past the bound the
//! oldest letters are dropped, counted in `arc:dead:dropped:<place>` (and in `/metrics`) and
//! logged. Only the scripts here write the lists, so the byte count kept beside each stays true.

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use super::queue::{QueueError, Redis, LOG_QUEUE};

/// The most letters a place keeps.
pub(crate) const MAX_COUNT: u64 = 10_000;
/// The most bytes a place keeps (Redis runs with `maxmemory 512mb` and `noeviction`: an
/// unbounded list would end in every write refused).
pub(crate) const MAX_BYTES: u64 = 64 << 20;

/// Where a letter lies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Place {
    /// Refused or unreadable at ingress.
    Ingest,
    /// Accepted, but the log store would not take it.
    Log,
}

impl Place {
    pub(crate) const ALL: [Place; 2] = [Place::Ingest, Place::Log];

    /// The list holding this place's letters.
    pub(crate) fn list(self) -> &'static str {
        match self {
            Place::Ingest => super::queue::REJECTED_LIST,
            Place::Log => "arc:log:dead",
        }
    }

    /// Where a retried letter goes.
    pub(crate) fn retry_to(self) -> &'static str {
        match self {
            Place::Ingest => super::queue::INGEST_LIST,
            Place::Log => LOG_QUEUE,
        }
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Place::Ingest => "ingest",
            Place::Log => "log",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Place> {
        Place::ALL.into_iter().find(|p| p.as_str() == s)
    }

    fn bytes_key(self) -> String {
        format!("arc:dead:bytes:{}", self.as_str())
    }

    fn dropped_key(self) -> String {
        format!("arc:dead:dropped:{}", self.as_str())
    }
}

/// One letter. `entry` is the text that could not be taken (base64 when it was not UTF-8, then
/// `encoding` says so).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct DeadLetter {
    /// This letter's own id (retry and drop name it).
    #[serde(default)]
    pub dead_id: String,
    #[serde(default = "ingest")]
    pub place: Place,
    /// The ingress it came through, when it came through one (`redis`, `nats`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The message's id, when it could be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The HTTP status the refusal maps to (ingress only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// A short label (`malformed`, `too_large`, `store_refused`, …).
    pub reason: String,
    /// What went wrong, for a person.
    pub error: String,
    /// When it was set aside (RFC 3339).
    pub at: String,
    pub entry: String,
    #[serde(default = "text", skip_serializing_if = "is_text")]
    pub encoding: String,
}

fn ingest() -> Place {
    Place::Ingest
}

fn text() -> String {
    "text".to_owned()
}

fn is_text(s: &str) -> bool {
    s == "text"
}

impl DeadLetter {
    /// A new letter for `entry` (any bytes).
    pub(crate) fn new(
        place: Place,
        entry: &[u8],
        reason: &str,
        error: impl Into<String>,
    ) -> DeadLetter {
        let (entry, encoding) = match std::str::from_utf8(entry) {
            Ok(t) => (t.to_owned(), "text"),
            Err(_) => (
                base64::engine::general_purpose::STANDARD.encode(entry),
                "base64",
            ),
        };
        DeadLetter {
            dead_id: super::envelope::new_id(),
            place,
            source: None,
            id: None,
            status: None,
            reason: reason.to_owned(),
            error: error.into(),
            at: super::envelope::now_ms().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            entry,
            encoding: encoding.to_owned(),
        }
    }

    /// The entry's bytes as they arrived.
    pub(crate) fn entry_bytes(&self) -> Vec<u8> {
        if self.encoding == "base64" {
            base64::engine::general_purpose::STANDARD
                .decode(&self.entry)
                .unwrap_or_default()
        } else {
            self.entry.as_bytes().to_vec()
        }
    }

    pub(crate) fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// Pushes letters onto KEYS[1] and drops the oldest past the bound. KEYS: list, byte count,
/// dropped count. ARGV: max count, max bytes, then the letters. Returns how many were dropped.
const PUSH: &str = r"
local max_count = tonumber(ARGV[1])
local max_bytes = tonumber(ARGV[2])
local bytes = tonumber(redis.call('GET', KEYS[2]) or '0')
for i = 3, #ARGV do
  redis.call('LPUSH', KEYS[1], ARGV[i])
  bytes = bytes + string.len(ARGV[i])
end
local dropped = 0
local len = redis.call('LLEN', KEYS[1])
while len > 1 and (len > max_count or bytes > max_bytes) do
  local old = redis.call('RPOP', KEYS[1])
  bytes = bytes - string.len(old)
  len = len - 1
  dropped = dropped + 1
end
if bytes < 0 then bytes = 0 end
redis.call('SET', KEYS[2], bytes)
if dropped > 0 then redis.call('INCRBY', KEYS[3], dropped) end
return dropped
";

/// Takes one letter off KEYS[1] (ARGV[1], exactly) and, when ARGV[2] is given, pushes it on
/// KEYS[3]. KEYS[2] is the byte count. Returns 1 when the letter was there.
const TAKE: &str = r"
if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 0 then return 0 end
local bytes = tonumber(redis.call('GET', KEYS[2]) or '0') - string.len(ARGV[1])
if bytes < 0 then bytes = 0 end
redis.call('SET', KEYS[2], bytes)
if ARGV[2] ~= nil then redis.call('LPUSH', KEYS[3], ARGV[2]) end
return 1
";

/// Sets `letters` aside in `place` (one atomic call); returns how many old ones the bound
/// dropped.
pub(crate) async fn push(
    conn: &mut redis::aio::ConnectionManager,
    place: Place,
    letters: &[DeadLetter],
) -> Result<u64, redis::RedisError> {
    if letters.is_empty() {
        return Ok(0);
    }
    let script = redis::Script::new(PUSH);
    let mut inv = script.key(place.list());
    inv.key(place.bytes_key())
        .key(place.dropped_key())
        .arg(MAX_COUNT)
        .arg(MAX_BYTES);
    for l in letters {
        inv.arg(l.to_json());
    }
    let dropped: u64 = inv.invoke_async(conn).await?;
    if dropped > 0 {
        tracing::warn!(
            "dead letters: {} is at its bound ({MAX_COUNT} letters, {MAX_BYTES} bytes); dropped the {dropped} oldest",
            place.list()
        );
    }
    Ok(dropped)
}

/// The adds of [`push`] as commands for a caller's atomic pipeline (so that setting a letter
/// aside and releasing its entry happen together).
pub(crate) fn push_cmd(pipe: &mut redis::Pipeline, place: Place, letters: &[DeadLetter]) {
    if letters.is_empty() {
        return;
    }
    let mut cmd = redis::cmd("EVAL");
    cmd.arg(PUSH)
        .arg(3)
        .arg(place.list())
        .arg(place.bytes_key())
        .arg(place.dropped_key())
        .arg(MAX_COUNT)
        .arg(MAX_BYTES);
    for l in letters {
        cmd.arg(l.to_json());
    }
    pipe.add_command(cmd).ignore();
}

/// What a place holds: its letters (newest first, up to `limit`), how many in all, and how many
/// the bound has dropped so far.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Listing {
    pub place: Place,
    pub count: u64,
    pub dropped: u64,
    pub letters: Vec<DeadLetter>,
}

/// The letters of `place`.
pub(crate) async fn list(redis: &Redis, place: Place, limit: usize) -> Result<Listing, QueueError> {
    let mut conn = redis.conn().await?;
    let err = |e: redis::RedisError| redis.error(e);
    let (count, dropped, raw): (u64, Option<u64>, Vec<Vec<u8>>) = redis::pipe()
        .cmd("LLEN")
        .arg(place.list())
        .cmd("GET")
        .arg(place.dropped_key())
        .cmd("LRANGE")
        .arg(place.list())
        .arg(0)
        .arg(i64::try_from(limit).unwrap_or(i64::MAX) - 1)
        .query_async(&mut conn)
        .await
        .map_err(err)?;
    let letters = raw
        .iter()
        .map(|r| {
            serde_json::from_slice::<DeadLetter>(r).unwrap_or_else(|e| {
                // Written by hand, or by an older arc: shown as it is.
                let mut l = DeadLetter::new(
                    place,
                    r,
                    "unreadable",
                    format!("not a dead letter: {}", super::envelope::json_reason(&e)),
                );
                l.dead_id = String::new();
                l
            })
        })
        .map(|mut l| {
            l.place = place;
            l
        })
        .collect();
    Ok(Listing {
        place,
        count,
        dropped: dropped.unwrap_or(0),
        letters,
    })
}

/// What [`take`] does with a letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    Retry,
    Drop,
}

impl Action {
    /// The word the API answers with (`{"retried": …}`, `{"dropped": …}`).
    pub(crate) fn done(self) -> &'static str {
        match self {
            Action::Retry => "retried",
            Action::Drop => "dropped",
        }
    }
}

/// Takes the letter whose exact text is `raw` off `place` (and, to retry it, puts its entry back
/// where it came from), atomically: `false` when someone else took it first.
async fn take_raw(
    conn: &mut redis::aio::ConnectionManager,
    place: Place,
    raw: &[u8],
    letter: &DeadLetter,
    action: Action,
) -> Result<bool, redis::RedisError> {
    let script = redis::Script::new(TAKE);
    let mut inv = script.key(place.list());
    inv.key(place.bytes_key()).key(place.retry_to()).arg(raw);
    if action == Action::Retry {
        inv.arg(letter.entry_bytes());
    }
    let taken: i64 = inv.invoke_async(conn).await?;
    Ok(taken == 1)
}

/// Retries or drops the letter `dead_id` (looked for in every place). `Ok(None)`: no such
/// letter (already taken by someone else, or dropped by the bound).
pub(crate) async fn take(
    redis: &Redis,
    dead_id: &str,
    action: Action,
) -> Result<Option<DeadLetter>, QueueError> {
    let mut conn = redis.conn().await?;
    let err = |e: redis::RedisError| redis.error(e);
    for place in Place::ALL {
        let raw = whole_list(&mut conn, place).await.map_err(err)?;
        for r in raw {
            let Ok(letter) = serde_json::from_slice::<DeadLetter>(&r) else {
                continue;
            };
            if letter.dead_id != dead_id {
                continue;
            }
            let taken = take_raw(&mut conn, place, &r, &letter, action)
                .await
                .map_err(err)?;
            return Ok(taken.then_some(DeadLetter { place, ..letter }));
        }
    }
    Ok(None)
}

/// Every entry of `place`'s list, oldest last. Bounded lists: one whole is at most MAX_BYTES.
async fn whole_list(
    conn: &mut redis::aio::ConnectionManager,
    place: Place,
) -> redis::RedisResult<Vec<Vec<u8>>> {
    redis::cmd("LRANGE")
        .arg(place.list())
        .arg(0)
        .arg(-1)
        .query_async(conn)
        .await
}

/// Retries or drops every letter of `place` (one read of the list, one atomic take a letter);
/// returns how many.
pub(crate) async fn take_all(
    redis: &Redis,
    place: Place,
    action: Action,
) -> Result<u64, QueueError> {
    let mut conn = redis.conn().await?;
    let err = |e: redis::RedisError| redis.error(e);
    let raw = whole_list(&mut conn, place).await.map_err(err)?;
    let mut n = 0;
    // Oldest first, so that retried entries go back in the order they first came.
    for r in raw.iter().rev() {
        let letter = match (serde_json::from_slice::<DeadLetter>(r), action) {
            (Ok(l), _) => l,
            // Not a letter (written by hand): nothing to put back, but it can be dropped.
            (Err(_), Action::Retry) => continue,
            (Err(e), Action::Drop) => DeadLetter::new(
                place,
                r,
                "unreadable",
                format!("not a dead letter: {}", super::envelope::json_reason(&e)),
            ),
        };
        if take_raw(&mut conn, place, r, &letter, action)
            .await
            .map_err(err)?
        {
            n += 1;
        }
    }
    Ok(n)
}
