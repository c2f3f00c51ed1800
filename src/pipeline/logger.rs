//! The message logger: every envelope of the log queue, in PostgreSQL, exactly once.
//!
//! Each logger instance moves a batch from the tail of `arc:log` (the oldest messages) into a
//! processing list of its own in one atomic script, writes the batch with a binary `COPY` into a
//! staging table and `INSERT … ON CONFLICT DO NOTHING` on the message id, commits, and only then
//! deletes its processing list. A logger killed at any point leaves its batch in that list; on
//! start it writes the list again, and the conflict rule drops what was already committed. So the
//! queue is at-least-once and the log exactly-once. Several loggers share one queue: each batch is
//! moved by exactly one of them.
//!
//! Why a list and not a Redis stream with a consumer group: the pipeline's bounded push is one
//! Lua script over a list, and the move here is one script too; a stream would need `XAUTOCLAIM`
//! bookkeeping for dead consumers and trimming for the bound, for the same guarantee.
//!
//! A poison entry — one the log store refuses whatever is tried (a value PostgreSQL cannot
//! store, a row too large for an index), or one that is not an envelope at all — never holds up
//! the batch it is in: when a write fails on the data (SQLSTATE classes 22, 23 but a duplicate,
//! 54) the batch is split in halves and each written on its own, down to the single entry that
//! fails, which goes to the dead letters (`arc:log:dead`, see `dead`) with the store's reason, in
//! the same Redis transaction that releases the batch. Everything else in it is written. Other
//! failures (the store down, a schema problem) are retried, as before.
//!
//! While PostgreSQL is down the logger takes nothing more (the queue holds, up to its bound, and
//! ingress answers 503 beyond it), retries the batch it holds with backoff, and goes on.

use std::sync::Arc;
use std::time::{Duration, Instant};

use redis::aio::ConnectionManager;

use super::dead::{self, DeadLetter, Place};
use super::lease::{Kind, Leases};
use super::metrics::LoggerPhase;
use super::queue::{processing_list, Redis, LOG_QUEUE};
use super::store::messages::{CopyRows, Inserted, LogEntry, LogWriter, WriteFail};
use super::store::Store;
use super::supervisor::Beat;
use super::supervisor::{doing, TaskError};

/// Where committed messages are announced for the live feed (NDJSON chunks).
pub(crate) const COMMITTED: &str = "arc.log.committed";
/// The largest announcement (NATS's default max_payload is 1 MiB).
const ANNOUNCE_CHUNK: usize = 512 * 1024;

/// How the logger batches.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Batching {
    pub count: usize,
    pub bytes: usize,
    pub wait: Duration,
    /// Batches written side by side, each on a PostgreSQL connection of its own.
    pub writers: usize,
}

impl Default for Batching {
    fn default() -> Self {
        Batching {
            count: 5000,
            bytes: 4 << 20,
            wait: Duration::from_millis(50),
            writers: 2,
        }
    }
}

/// Moves up to ARGV[1] of the oldest entries of KEYS[1] to the end of KEYS[2], atomically, and
/// returns them oldest first.
const TAKE: &str = r"
local n = tonumber(ARGV[1])
local items = redis.call('LRANGE', KEYS[1], -n, -1)
local k = #items
if k == 0 then return {} end
redis.call('LTRIM', KEYS[1], 0, -k - 1)
local out = {}
for i = k, 1, -1 do out[#out + 1] = items[i] end
local i = 1
while i <= k do
  local j = math.min(i + 999, k)
  redis.call('RPUSH', KEYS[2], unpack(out, i, j))
  i = j + 1
end
return out
";

/// The processing lists logger `name` holds, whatever number of writers it ran with before.
async fn held_lists(
    conn: &mut ConnectionManager,
    name: &str,
) -> Result<Vec<String>, redis::RedisError> {
    let prefix = format!("arc:log:processing:{name}:");
    let escaped: String = prefix
        .chars()
        .flat_map(|c| {
            let glob = matches!(c, '*' | '?' | '[' | ']' | '\\');
            glob.then_some('\\').into_iter().chain([c])
        })
        .collect();
    let mut lists = Vec::new();
    let mut cursor = 0u64;
    loop {
        let (next, keys): (u64, Vec<String>) = redis::cmd("SCAN")
            .arg(cursor)
            .arg("MATCH")
            .arg(format!("{escaped}[0-9]*"))
            .arg("COUNT")
            .arg(1000)
            .query_async(conn)
            .await?;
        // Only this logger's own slots (`name:N`), not those of a logger named `name:x`.
        lists.extend(keys.into_iter().filter(|k| {
            k.strip_prefix(&prefix)
                .is_some_and(|slot| slot.bytes().all(|b| b.is_ascii_digit()))
        }));
        if next == 0 {
            break;
        }
        cursor = next;
    }
    lists.sort();
    lists.dedup();
    Ok(lists)
}

/// What one logger runs with.
#[derive(Clone)]
pub(crate) struct LoggerTask {
    pub store: Arc<Store>,
    pub redis: Redis,
    pub nats: async_nats::Client,
    /// Names its processing lists (see `lease`).
    pub consumer: String,
    pub batching: Batching,
    pub metrics: Arc<super::metrics::Metrics>,
    pub leases: Leases,
}

/// One life of the connections (the supervisor starts another when it fails): take the lease,
/// write what this logger holds, then take and write batches: `batching.writers` writers, each on
/// a PostgreSQL connection of its own, commit batches side by side while the next batch is taken.
/// Batches commit (and are announced on the feed) in the order their writers finish, not
/// necessarily the order they were taken; each one is in the log exactly once either way.
pub(crate) async fn run(t: LoggerTask, beat: Beat) -> Result<(), TaskError> {
    let LoggerTask {
        store,
        redis,
        nats,
        consumer,
        batching,
        metrics,
        leases,
    } = t;
    let writers = batching.writers.max(1);
    let processing: Vec<String> = (0..=writers)
        .map(|slot| processing_list(&consumer, slot))
        .collect();
    let processing = &processing;
    let mut conn = redis.connect(Duration::from_secs(5)).await?;
    let mut logs = Vec::with_capacity(writers);
    for _ in 0..writers {
        logs.push(store.log_writer().await?);
    }
    // Before the lists are touched: a claimer checks the lease in the same step as it moves them.
    leases
        .acquire(&mut conn, Kind::Log, &consumer)
        .await
        .map_err(doing(format!(
            "could not take the lease of consumer `{consumer}`"
        )))?;
    let rerr = |e: redis::RedisError| redis.error(e);
    beat.up();

    // Whatever this logger held when it stopped: written again (duplicates are dropped).
    {
        let mut w = Writer {
            log: &mut logs[0],
            nats: &nats,
            metrics: &metrics,
        };
        for list in held_lists(&mut conn, &consumer).await.map_err(rerr)? {
            let held: Vec<Vec<u8>> = redis::cmd("LRANGE")
                .arg(&list)
                .arg(0)
                .arg(-1)
                .query_async(&mut conn)
                .await
                .map_err(rerr)?;
            if !held.is_empty() {
                tracing::info!(
                    "logger: writing {} held entries of {list} again",
                    held.len()
                );
                w.commit(&mut conn, &list, &held).await?;
            }
        }
    }

    // The taker fills a free processing list and hands the batch over; a writer commits it,
    // empties the list and gives it back.
    let (free_tx, mut free_rx) = tokio::sync::mpsc::channel::<usize>(processing.len());
    let (batch_tx, batch_rx) = tokio::sync::mpsc::channel::<(usize, Vec<Vec<u8>>)>(1);
    let batch_rx = tokio::sync::Mutex::new(batch_rx);
    for slot in 0..processing.len() {
        let _ = free_tx.try_send(slot);
    }
    let mut take_conn = conn.clone();
    let take_metrics = metrics.clone();
    let taker = async move {
        let take = redis::Script::new(TAKE);
        while let Some(slot) = free_rx.recv().await {
            let batch = take_batch(
                &take,
                &mut take_conn,
                &processing[slot],
                batching,
                &take_metrics,
            )
            .await
            .map_err(|e| redis.error(e))?;
            if batch_tx.send((slot, batch)).await.is_err() {
                break;
            }
        }
        Ok::<(), TaskError>(())
    };
    let writing = logs.iter_mut().map(|log| {
        let (mut conn, free_tx, batch_rx) = (conn.clone(), free_tx.clone(), &batch_rx);
        let mut w = Writer {
            log,
            nats: &nats,
            metrics: &metrics,
        };
        async move {
            loop {
                let next = batch_rx.lock().await.recv().await;
                let Some((slot, batch)) = next else {
                    return Ok::<(), TaskError>(());
                };
                w.commit(&mut conn, &processing[slot], &batch).await?;
                let _ = free_tx.send(slot).await;
            }
        }
    });
    // Any side failing ends the run; what was taken stays in its list for the next one.
    tokio::select! {
        r = taker => r,
        r = futures::future::try_join_all(writing) => r.map(|_| ()),
    }?;
    Err("the logger stopped taking batches".into())
}

/// Takes a batch into `list`: up to `count` entries, `bytes` bytes, or what arrived within `wait`
/// of the first entry.
async fn take_batch(
    take: &redis::Script,
    conn: &mut ConnectionManager,
    list: &str,
    batching: Batching,
    metrics: &super::metrics::Metrics,
) -> Result<Vec<Vec<u8>>, redis::RedisError> {
    let mut batch: Vec<Vec<u8>> = Vec::new();
    let mut bytes = 0usize;
    let mut first_at: Option<Instant> = None;
    loop {
        let want = batching.count - batch.len();
        let began = Instant::now();
        let got: Vec<Vec<u8>> = take
            .key(LOG_QUEUE)
            .key(list)
            .arg(want)
            .invoke_async(conn)
            .await?;
        metrics.logger_spent(LoggerPhase::Take, began.elapsed());
        if !got.is_empty() {
            first_at.get_or_insert_with(Instant::now);
            bytes += got.iter().map(Vec::len).sum::<usize>();
            batch.extend(got);
        }
        if batch.len() >= batching.count || bytes >= batching.bytes {
            return Ok(batch);
        }
        match first_at {
            Some(t) if t.elapsed() >= batching.wait => return Ok(batch),
            Some(t) => {
                let left = batching.wait.saturating_sub(t.elapsed());
                tokio::time::sleep(left.min(Duration::from_millis(5))).await;
            }
            // Idle: look again soon, not in a tight loop.
            None => tokio::time::sleep(Duration::from_millis(5)).await,
        }
    }
}

/// What one batch is written with.
struct Writer<'a> {
    log: &'a mut LogWriter,
    nats: &'a async_nats::Client,
    metrics: &'a super::metrics::Metrics,
}

impl Writer<'_> {
    /// Writes `batch` (which sits in `processing`) and then releases it, setting aside what the
    /// store will not take; announces the new rows.
    async fn commit(
        &mut self,
        conn: &mut ConnectionManager,
        processing: &str,
        batch: &[Vec<u8>],
    ) -> Result<(), TaskError> {
        let began = Instant::now();
        let mut entries = Vec::with_capacity(batch.len());
        let mut lines = Vec::with_capacity(batch.len());
        let mut letters = Vec::new();
        for raw in batch {
            let parsed = std::str::from_utf8(raw)
                .map_err(|e| e.to_string())
                .and_then(|t| {
                    serde_json::from_str::<LogEntry>(t)
                        .map(|e| (t, e))
                        .map_err(|e| e.to_string())
                });
            match parsed {
                Ok((text, e)) => {
                    entries.push(e);
                    lines.push(text);
                }
                // Only the pipeline writes the queue; an entry that is not an envelope is set
                // aside rather than blocking the log.
                Err(e) => letters.push(DeadLetter::new(
                    Place::Log,
                    raw,
                    "not_an_envelope",
                    format!("an entry of {LOG_QUEUE} is not an envelope: {e}"),
                )),
            }
        }
        let rows = CopyRows::encode(&entries, self.log.payload_type());
        let encoded = Instant::now();
        self.metrics
            .logger_spent(LoggerPhase::Encode, encoded - began);
        let (new_rows, refused) = self.write_isolating(&entries, &rows).await?;
        let written = Instant::now();
        self.metrics
            .logger_spent(LoggerPhase::Copy, written - encoded);
        for (i, reason) in refused {
            tracing::error!(
                "logger: the log store refused message `{}` on `{}`: {reason}; set aside on {}",
                entries[i].id,
                entries[i].subject.escape_debug(),
                Place::Log.list()
            );
            let mut l = DeadLetter::new(Place::Log, lines[i].as_bytes(), "store_refused", reason);
            l.id = Some(entries[i].id.to_string());
            letters.push(l);
        }
        let mut pipe = redis::pipe();
        pipe.atomic();
        dead::push_cmd(&mut pipe, Place::Log, &letters);
        pipe.cmd("DEL").arg(processing).ignore();
        pipe.query_async::<()>(conn)
            .await
            .map_err(doing(format!("could not release {processing}")))?;
        self.metrics.dead_letters(Place::Log, letters.len());
        let released = Instant::now();
        self.metrics
            .logger_spent(LoggerPhase::Release, released - written);
        self.metrics.logged(batch.len());
        announce(
            self.nats,
            lines
                .iter()
                .zip(&new_rows)
                .filter(|(_, new)| **new)
                .map(|(l, _)| *l),
        )
        .await;
        self.metrics
            .logger_spent(LoggerPhase::Announce, released.elapsed());
        Ok(())
    }

    /// Writes `entries`; when a write fails on the data, halves the failing range until the
    /// entries that fail alone are found. Returns which entries became new rows, and the ones
    /// the store refused with its reason.
    async fn write_isolating(
        &mut self,
        entries: &[LogEntry<'_>],
        rows: &CopyRows,
    ) -> Result<(Vec<bool>, Vec<(usize, String)>), String> {
        let mut new_rows = vec![false; entries.len()];
        let mut refused = Vec::new();
        let mut ranges = Vec::new();
        ranges.push(0..entries.len());
        while let Some(r) = ranges.pop() {
            if r.is_empty() {
                continue;
            }
            match self.log.write(rows, r.clone()).await {
                Ok(Inserted::All) => new_rows[r].fill(true),
                Ok(Inserted::Some(mut ids)) => {
                    // One row per inserted id: a batch holding an id twice inserted it once (the
                    // first; the second met the conflict), and the feed announces that one.
                    for i in r {
                        new_rows[i] = ids.remove(entries[i].id.as_ref());
                    }
                }
                Err(WriteFail::Data(reason)) if r.len() == 1 => refused.push((r.start, reason)),
                Err(WriteFail::Data(_)) => {
                    let mid = r.start + r.len() / 2;
                    ranges.push(mid..r.end);
                    ranges.push(r.start..mid);
                }
                Err(WriteFail::Store(e)) => return Err(e),
            }
        }
        refused.sort_unstable_by_key(|(i, _)| *i);
        Ok((new_rows, refused))
    }
}

/// Publishes the newly logged envelopes (their queue text) for the live feed, in NDJSON chunks.
async fn announce<'a>(nats: &async_nats::Client, lines: impl Iterator<Item = &'a str>) {
    let mut chunk = Vec::with_capacity(ANNOUNCE_CHUNK);
    for line in lines {
        if !chunk.is_empty() && chunk.len() + line.len() + 1 > ANNOUNCE_CHUNK {
            let _ = nats
                .publish(COMMITTED, std::mem::take(&mut chunk).into())
                .await;
        }
        chunk.extend_from_slice(line.as_bytes());
        chunk.push(b'\n');
    }
    if !chunk.is_empty() {
        let _ = nats.publish(COMMITTED, chunk.into()).await;
    }
}

/// Deletes messages older than `days`, every hour (TimescaleDB: whole chunks). A failed pass is
/// logged and tried again at the next hour.
pub(crate) async fn retention(store: Arc<Store>, days: u32, beat: Beat) -> Result<(), TaskError> {
    let mut tick = tokio::time::interval(Duration::from_secs(3600));
    beat.up();
    loop {
        tick.tick().await;
        let result = store
            .drop_older_than(days)
            .await
            .map_err(|e| crate::format::chain(&e));
        match result {
            Ok(n) => tracing::info!("logger: retention ({days} days) removed {n}"),
            Err(e) => tracing::warn!("logger: retention failed: {e}"),
        }
    }
}
