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
//! While PostgreSQL is down the logger takes nothing more (the queue holds, up to its bound, and
//! ingress answers 503 beyond it), retries the batch it holds with backoff, and goes on.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::pin_mut;
use redis::aio::ConnectionManager;
use tokio_postgres::binary_copy::BinaryCopyInWriter;
use tokio_postgres::types::{Json, Type};

use super::queue::{Redis, LOG_QUEUE};
use super::store::Store;

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

/// Runs the logger until the process ends.
pub async fn run(
    store: Arc<Store>,
    redis: Redis,
    nats: async_nats::Client,
    consumer: String,
    batching: Batching,
) {
    let processing = processing_lists(&consumer);
    let mut backoff = Duration::from_millis(100);
    loop {
        match round(&store, &redis, &nats, &processing, batching).await {
            Ok(()) => backoff = Duration::from_millis(100),
            Err(e) => {
                tracing::warn!("logger: {e}; retrying in {} ms", backoff.as_millis());
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(5));
            }
        }
    }
}

/// One life of the connections: write what this logger holds, then take and write batches,
/// taking the next batch while the last one is being written.
async fn round(
    store: &Store,
    redis: &Redis,
    nats: &async_nats::Client,
    processing: &[String; 2],
    batching: Batching,
) -> Result<(), String> {
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
    let rerr = |e: redis::RedisError| redis.error(&e).to_string();

    // Whatever this logger held when it stopped: written again (duplicates are dropped).
    for list in processing {
        let held: Vec<String> = redis::cmd("LRANGE")
            .arg(list)
            .arg(0)
            .arg(-1)
            .query_async(&mut conn)
            .await
            .map_err(rerr)?;
        if !held.is_empty() {
            tracing::info!("logger: writing {} held entries again", held.len());
            commit(&mut pg, &mut conn, nats, list, &held).await?;
        }
    }

    // The taker fills a free processing list and hands the batch over; the writer commits it,
    // empties the list and gives it back.
    let (free_tx, mut free_rx) = tokio::sync::mpsc::channel::<usize>(2);
    let (batch_tx, mut batch_rx) = tokio::sync::mpsc::channel::<(usize, Vec<String>)>(1);
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
            commit(&mut pg, &mut conn, nats, &processing[slot], &batch).await?;
            let _ = free_tx.send(slot).await;
        }
        Ok::<(), String>(())
    };
    // Either side failing ends the round; what was taken stays in its list for the next one.
    tokio::select! {
        r = taker => r,
        r = writer => r,
    }
}

/// Takes a batch into `list`: up to `count` entries, `bytes` bytes, or what arrived within `wait`
/// of the first entry.
async fn take_batch(
    take: &redis::Script,
    conn: &mut ConnectionManager,
    list: &str,
    batching: Batching,
) -> Result<Vec<String>, redis::RedisError> {
    let mut batch: Vec<String> = Vec::new();
    let mut bytes = 0usize;
    let mut first_at: Option<Instant> = None;
    loop {
        let want = batching.count - batch.len();
        let got: Vec<String> = take
            .key(LOG_QUEUE)
            .key(list)
            .arg(want)
            .invoke_async(conn)
            .await?;
        if !got.is_empty() {
            first_at.get_or_insert_with(Instant::now);
            bytes += got.iter().map(String::len).sum::<usize>();
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

/// Writes `batch` (which sits in `processing`) and then releases it; announces the new rows.
async fn commit(
    pg: &mut tokio_postgres::Client,
    conn: &mut ConnectionManager,
    nats: &async_nats::Client,
    processing: &str,
    batch: &[String],
) -> Result<(), String> {
    let mut entries = Vec::with_capacity(batch.len());
    let mut lines = Vec::with_capacity(batch.len());
    for raw in batch {
        match serde_json::from_str::<Entry>(raw) {
            Ok(e) => {
                entries.push(e);
                lines.push(raw.as_str());
            }
            // Only the pipeline writes the queue; an entry that is not an envelope is kept aside
            // rather than blocking the log.
            Err(e) => {
                tracing::error!("logger: an entry of {LOG_QUEUE} is not an envelope ({e}); moved to arc:log:invalid");
                let _: Result<(), _> = redis::cmd("LPUSH")
                    .arg("arc:log:invalid")
                    .arg(raw)
                    .query_async(conn)
                    .await;
            }
        }
    }
    let inserted = write(pg, &entries).await?;
    let _: () = redis::cmd("DEL")
        .arg(processing)
        .query_async(conn)
        .await
        .map_err(|e| format!("could not release {processing}: {e}"))?;
    match inserted {
        Inserted::All => announce(nats, lines.iter().copied()).await,
        Inserted::Some(ids) if !ids.is_empty() => {
            let new = entries
                .iter()
                .zip(&lines)
                .filter(|(e, _)| ids.contains(e.id.as_ref()))
                .map(|(_, l)| *l);
            announce(nats, new).await;
        }
        Inserted::Some(_) => {}
    }
    Ok(())
}

/// Which rows a write added.
enum Inserted {
    All,
    Some(std::collections::HashSet<String>),
}

const COPY_TYPES: [Type; 8] = [
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::TIMESTAMPTZ,
    Type::TEXT,
    Type::TEXT,
    Type::JSONB,
    Type::JSONB,
];

/// Binary COPY of `entries` into `table`.
async fn copy_into(
    tx: &tokio_postgres::Transaction<'_>,
    table: &str,
    entries: &[Entry<'_>],
) -> Result<(), tokio_postgres::Error> {
    let sink = tx
        .copy_in(&format!(
            "COPY {table} (id, subject, topic, ts, source, sender, headers, payload) FROM STDIN BINARY"
        ))
        .await?;
    let writer = BinaryCopyInWriter::new(sink, &COPY_TYPES);
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

/// Writes the batch exactly once. The common case — none of it is in the log yet — is one binary
/// COPY straight into the log. When a row is already there (a batch written again after a crash)
/// the COPY fails on the unique key; then the batch goes through the staging table and
/// `INSERT … ON CONFLICT DO NOTHING` instead.
async fn write(pg: &mut tokio_postgres::Client, entries: &[Entry<'_>]) -> Result<Inserted, String> {
    if entries.is_empty() {
        return Ok(Inserted::Some(std::collections::HashSet::new()));
    }
    let fail = |what: &str| {
        let what = what.to_owned();
        move |e: tokio_postgres::Error| {
            format!(
                "log store: {what}: {}",
                e.as_db_error()
                    .map_or_else(|| e.to_string(), |d| d.message().to_owned())
            )
        }
    };
    let mut tx = pg.transaction().await.map_err(fail("begin"))?;
    {
        let direct = tx.savepoint("direct").await.map_err(fail("savepoint"))?;
        match copy_into(&direct, "arc_messages", entries).await {
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
            Err(e) => return Err(fail("copy")(e)),
        }
    }
    copy_into(&tx, "arc_messages_staging", entries)
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

/// Deletes messages older than `days`, every hour (TimescaleDB: whole chunks).
pub async fn retention(store: Arc<Store>, days: u32) {
    let mut tick = tokio::time::interval(Duration::from_secs(3600));
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
