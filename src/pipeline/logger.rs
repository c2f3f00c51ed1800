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

use futures::pin_mut;
use redis::aio::ConnectionManager;
use tokio_postgres::binary_copy::BinaryCopyInWriter;
use tokio_postgres::types::{Json, Type};

use super::dead::{self, DeadLetter, Place};
use super::queue::{Redis, LOG_QUEUE};
use super::store::Store;
use super::supervisor::Beat;

/// Where committed messages are announced for the live feed (NDJSON chunks).
pub const COMMITTED: &str = "arc.log.committed";
/// The largest announcement (NATS's default max_payload is 1 MiB).
const ANNOUNCE_CHUNK: usize = 512 * 1024;

/// How the logger batches.
#[derive(Debug, Clone, Copy)]
pub struct Batching {
    pub count: usize,
    pub bytes: usize,
    pub wait: Duration,
}

impl Default for Batching {
    fn default() -> Self {
        Batching {
            count: 5000,
            bytes: 4 << 20,
            wait: Duration::from_millis(50),
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

/// The processing lists of logger `name`: one per batch in flight (one being written while the
/// next is taken).
pub fn processing_lists(name: &str) -> [String; 2] {
    [0, 1].map(|slot| format!("arc:log:processing:{name}:{slot}"))
}

/// One life of the connections (the supervisor starts another when it fails): write what this
/// logger holds, then take and write batches, taking the next batch while the last one is being
/// written.
pub async fn run(
    store: Arc<Store>,
    redis: Redis,
    nats: async_nats::Client,
    consumer: String,
    batching: Batching,
    metrics: Arc<super::metrics::Metrics>,
    beat: Beat,
) -> Result<(), String> {
    let processing = processing_lists(&consumer);
    let processing = &processing;
    let mut conn = redis
        .connect(Duration::from_secs(5))
        .await
        .map_err(|e| e.to_string())?;
    let mut pg = store.dedicated().await.map_err(|e| e.to_string())?;
    pg.batch_execute(
        "CREATE TEMP TABLE IF NOT EXISTS arc_messages_staging
             (LIKE arc_messages INCLUDING DEFAULTS) ON COMMIT DELETE ROWS",
    )
    .await
    .map_err(|e| format!("cannot make the staging table: {e}"))?;
    let payload_type = payload_type(&pg).await?;
    let mut w = Writer {
        pg: &mut pg,
        nats: &nats,
        payload_type,
        metrics: &metrics,
    };
    let rerr = |e: redis::RedisError| redis.error(&e).to_string();
    beat.up();

    // Whatever this logger held when it stopped: written again (duplicates are dropped).
    for list in processing {
        let held: Vec<Vec<u8>> = redis::cmd("LRANGE")
            .arg(list)
            .arg(0)
            .arg(-1)
            .query_async(&mut conn)
            .await
            .map_err(rerr)?;
        if !held.is_empty() {
            tracing::info!("logger: writing {} held entries again", held.len());
            w.commit(&mut conn, list, &held).await?;
        }
    }

    // The taker fills a free processing list and hands the batch over; the writer commits it,
    // empties the list and gives it back.
    let (free_tx, mut free_rx) = tokio::sync::mpsc::channel::<usize>(2);
    let (batch_tx, mut batch_rx) = tokio::sync::mpsc::channel::<(usize, Vec<Vec<u8>>)>(1);
    for slot in 0..2 {
        let _ = free_tx.try_send(slot);
    }
    let mut take_conn = conn.clone();
    let taker = async move {
        let take = redis::Script::new(TAKE);
        while let Some(slot) = free_rx.recv().await {
            let batch = take_batch(&take, &mut take_conn, &processing[slot], batching)
                .await
                .map_err(|e| redis.error(&e).to_string())?;
            if batch_tx.send((slot, batch)).await.is_err() {
                break;
            }
        }
        Ok::<(), String>(())
    };
    let writer = async {
        while let Some((slot, batch)) = batch_rx.recv().await {
            w.commit(&mut conn, &processing[slot], &batch).await?;
            let _ = free_tx.send(slot).await;
        }
        Ok::<(), String>(())
    };
    // Either side failing ends the run; what was taken stays in its list for the next one.
    tokio::select! {
        r = taker => r,
        r = writer => r,
    }?;
    Err("the logger stopped taking batches".to_owned())
}

/// The type of the log's `payload` column: `json` since schema 3 (the text as it came), `jsonb`
/// where that migration could not change it (TimescaleDB with compressed chunks).
async fn payload_type(pg: &tokio_postgres::Client) -> Result<Type, String> {
    let row = pg
        .query_one(
            "SELECT atttypid::regtype::text FROM pg_attribute
             WHERE attrelid = 'arc_messages'::regclass AND attname = 'payload'",
            &[],
        )
        .await
        .map_err(|e| format!("cannot read the log's schema: {e}"))?;
    Ok(if row.get::<_, String>(0) == "jsonb" {
        Type::JSONB
    } else {
        Type::JSON
    })
}

/// Takes a batch into `list`: up to `count` entries, `bytes` bytes, or what arrived within `wait`
/// of the first entry.
async fn take_batch(
    take: &redis::Script,
    conn: &mut ConnectionManager,
    list: &str,
    batching: Batching,
) -> Result<Vec<Vec<u8>>, redis::RedisError> {
    let mut batch: Vec<Vec<u8>> = Vec::new();
    let mut bytes = 0usize;
    let mut first_at: Option<Instant> = None;
    loop {
        let want = batching.count - batch.len();
        let got: Vec<Vec<u8>> = take
            .key(LOG_QUEUE)
            .key(list)
            .arg(want)
            .invoke_async(conn)
            .await?;
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

/// One queue entry, borrowed from its text: the JSON of headers and payload go to PostgreSQL as
/// they are, without being parsed into values and printed again.
#[derive(serde::Deserialize)]
struct Entry<'a> {
    #[serde(borrow)]
    id: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    subject: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    topic: std::borrow::Cow<'a, str>,
    ts: chrono::DateTime<chrono::Utc>,
    #[serde(borrow)]
    source: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    sender: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    headers: &'a serde_json::value::RawValue,
    #[serde(borrow)]
    payload: &'a serde_json::value::RawValue,
}

/// What one batch is written with.
struct Writer<'a> {
    pg: &'a mut tokio_postgres::Client,
    nats: &'a async_nats::Client,
    payload_type: Type,
    metrics: &'a super::metrics::Metrics,
}

/// Why a write failed.
enum WriteFail {
    /// Something in the rows: the same rows fail again (split the batch to find which).
    Data(String),
    /// The store: down, or a problem no row causes (retry later).
    Store(String),
}

impl Writer<'_> {
    /// Writes `batch` (which sits in `processing`) and then releases it, setting aside what the
    /// store will not take; announces the new rows.
    async fn commit(
        &mut self,
        conn: &mut ConnectionManager,
        processing: &str,
        batch: &[Vec<u8>],
    ) -> Result<(), String> {
        let mut entries = Vec::with_capacity(batch.len());
        let mut lines = Vec::with_capacity(batch.len());
        let mut letters = Vec::new();
        for raw in batch {
            let parsed = std::str::from_utf8(raw)
                .map_err(|e| e.to_string())
                .and_then(|t| {
                    serde_json::from_str::<Entry>(t)
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
        let (new_rows, refused) = self.write_isolating(&entries).await?;
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
            .map_err(|e| format!("could not release {processing}: {e}"))?;
        self.metrics.dead_letters(Place::Log, letters.len());
        announce(
            self.nats,
            lines
                .iter()
                .zip(&new_rows)
                .filter(|(_, new)| **new)
                .map(|(l, _)| *l),
        )
        .await;
        Ok(())
    }

    /// Writes `entries`; when a write fails on the data, halves the failing range until the
    /// entries that fail alone are found. Returns which entries became new rows, and the ones
    /// the store refused with its reason.
    async fn write_isolating(
        &mut self,
        entries: &[Entry<'_>],
    ) -> Result<(Vec<bool>, Vec<(usize, String)>), String> {
        let mut new_rows = vec![false; entries.len()];
        let mut refused = Vec::new();
        let mut ranges = Vec::new();
        ranges.push(0..entries.len());
        while let Some(r) = ranges.pop() {
            if r.is_empty() {
                continue;
            }
            match write(self.pg, &entries[r.clone()], &self.payload_type).await {
                Ok(Inserted::All) => new_rows[r].fill(true),
                Ok(Inserted::Some(ids)) => {
                    for i in r {
                        new_rows[i] = ids.contains(entries[i].id.as_ref());
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

/// Which rows a write added.
enum Inserted {
    All,
    Some(std::collections::HashSet<String>),
}

/// Binary COPY of `entries` into `table`.
async fn copy_into(
    tx: &tokio_postgres::Transaction<'_>,
    table: &str,
    entries: &[Entry<'_>],
    payload_type: &Type,
) -> Result<(), tokio_postgres::Error> {
    let types = [
        Type::TEXT,
        Type::TEXT,
        Type::TEXT,
        Type::TIMESTAMPTZ,
        Type::TEXT,
        Type::TEXT,
        Type::JSONB,
        payload_type.clone(),
    ];
    let sink = tx
        .copy_in(&format!(
            "COPY {table} (id, subject, topic, ts, source, sender, headers, payload) FROM STDIN BINARY"
        ))
        .await?;
    let writer = BinaryCopyInWriter::new(sink, &types);
    pin_mut!(writer);
    for e in entries {
        let headers = Json(e.headers);
        let payload = Json(e.payload);
        writer
            .as_mut()
            .write(&[
                &e.id.as_ref(),
                &e.subject.as_ref(),
                &e.topic.as_ref(),
                &e.ts,
                &e.source.as_ref(),
                &e.sender.as_ref(),
                &headers,
                &payload,
            ])
            .await?;
    }
    writer.finish().await?;
    Ok(())
}

/// Whether a failed write failed on its rows: data exceptions (22: a value the type will not
/// take, such as U+0000 in JSONB), integrity violations other than a duplicate (23), program
/// limits (54: an index row too large), and values the client could not encode.
fn classify(what: &str, e: &tokio_postgres::Error) -> WriteFail {
    let text = format!(
        "log store: {what}: {}",
        e.as_db_error()
            .map_or_else(|| e.to_string(), |d| d.message().to_owned())
    );
    let data = match e.code() {
        Some(code) => {
            let c = code.code();
            (c.starts_with("22") || c.starts_with("23") || c.starts_with("54"))
                && *code != tokio_postgres::error::SqlState::UNIQUE_VIOLATION
        }
        None => !e.is_closed() && e.to_string().contains("serializing"),
    };
    if data {
        WriteFail::Data(text)
    } else {
        WriteFail::Store(text)
    }
}

/// Writes the batch exactly once. The common case — none of it is in the log yet — is one binary
/// COPY straight into the log. When a row is already there (a batch written again after a crash)
/// the COPY fails on the unique key; then the batch goes through the staging table and
/// `INSERT … ON CONFLICT DO NOTHING` instead.
async fn write(
    pg: &mut tokio_postgres::Client,
    entries: &[Entry<'_>],
    payload_type: &Type,
) -> Result<Inserted, WriteFail> {
    if entries.is_empty() {
        return Ok(Inserted::Some(std::collections::HashSet::new()));
    }
    let fail = |what: &'static str| move |e: tokio_postgres::Error| classify(what, &e);
    let mut tx = pg.transaction().await.map_err(fail("begin"))?;
    {
        let direct = tx.savepoint("direct").await.map_err(fail("savepoint"))?;
        match copy_into(&direct, "arc_messages", entries, payload_type).await {
            Ok(()) => {
                direct.commit().await.map_err(fail("release savepoint"))?;
                tx.commit().await.map_err(fail("commit"))?;
                return Ok(Inserted::All);
            }
            Err(e) if e.code() == Some(&tokio_postgres::error::SqlState::UNIQUE_VIOLATION) => {
                direct
                    .rollback()
                    .await
                    .map_err(fail("roll back to savepoint"))?;
            }
            Err(e) => return Err(classify("copy", &e)),
        }
    }
    copy_into(&tx, "arc_messages_staging", entries, payload_type)
        .await
        .map_err(fail("copy into staging"))?;
    let rows = tx
        .query(
            "INSERT INTO arc_messages (id, subject, topic, ts, source, sender, headers, payload)
             SELECT id, subject, topic, ts, source, sender, headers, payload
             FROM arc_messages_staging ON CONFLICT DO NOTHING RETURNING id",
            &[],
        )
        .await
        .map_err(fail("insert"))?;
    tx.commit().await.map_err(fail("commit"))?;
    Ok(Inserted::Some(
        rows.iter().map(|r| r.get::<_, String>(0)).collect(),
    ))
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
pub async fn retention(store: Arc<Store>, days: u32, beat: Beat) -> Result<(), String> {
    let mut tick = tokio::time::interval(Duration::from_secs(3600));
    beat.up();
    loop {
        tick.tick().await;
        let result = async {
            let c = store.shared().await.map_err(|e| e.to_string())?;
            let timescale: bool = c
                .query_one(
                    "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb')",
                    &[],
                )
                .await
                .map_err(|e| e.to_string())?
                .get(0);
            let interval = format!("{days} days");
            if timescale {
                c.execute(
                    "SELECT drop_chunks('arc_messages', older_than => $1::text::interval)",
                    &[&interval],
                )
                .await
                .map_err(|e| e.to_string())
            } else {
                c.execute(
                    "DELETE FROM arc_messages WHERE ts < now() - $1::text::interval",
                    &[&interval],
                )
                .await
                .map_err(|e| e.to_string())
            }
        }
        .await;
        match result {
            Ok(n) => tracing::info!("logger: retention ({days} days) removed {n}"),
            Err(e) => tracing::warn!("logger: retention failed: {e}"),
        }
    }
}
