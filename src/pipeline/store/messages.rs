//! The message log's SQL: the logger's exactly-once writes (binary `COPY`, then `INSERT … ON
//! CONFLICT DO NOTHING` through a staging table when a batch is written again), the query API's
//! reads (one message; a page by subject pattern, time and sender, keyset-paginated on (ts, id)),
//! and retention.

use bytes::{BufMut as _, Bytes, BytesMut};
use futures::{pin_mut, SinkExt as _};
use tokio_postgres::types::Type;
use tokio_postgres::Client;

use super::{query_err, Store, StoreError};
use crate::pipeline::envelope::{Envelope, Source};

const COLUMNS: &str = "id, subject, topic, ts, source, sender, headers, payload";

fn envelope(r: &tokio_postgres::Row) -> Envelope {
    let source: String = r.get(4);
    Envelope {
        id: r.get(0),
        subject: r.get(1),
        topic: r.get(2),
        ts: r.get(3),
        source: match source.as_str() {
            "ws" => Source::Ws,
            "redis" => Source::Redis,
            "nats" => Source::Nats,
            _ => Source::Http,
        },
        sender: r.get(5),
        headers: r
            .get::<_, tokio_postgres::types::Json<std::collections::BTreeMap<String, String>>>(6)
            .0,
        // The text as it was sent (`json`; `jsonb` where the column could not be changed).
        payload: r
            .get::<_, tokio_postgres::types::Json<crate::pipeline::envelope::Payload>>(7)
            .0,
    }
}

/// What a page of the log is cut from.
#[derive(Debug, Clone, Default)]
pub(crate) struct MessageFilter {
    /// A NATS subject pattern, already checked (`None` or `>`: every subject).
    pub subject: Option<String>,
    /// Logged at or after this time.
    pub since: Option<chrono::DateTime<chrono::Utc>>,
    /// Logged before this time.
    pub until: Option<chrono::DateTime<chrono::Utc>>,
    pub sender: Option<String>,
    /// After this (ts, id), exclusive: the last of the previous page.
    pub after: Option<(chrono::DateTime<chrono::Utc>, String)>,
    /// The most rows to return.
    pub limit: i64,
}

impl Store {
    /// The logged message `id`.
    pub(crate) async fn message(&self, id: &str) -> Result<Option<Envelope>, StoreError> {
        let c = self.client().await?;
        let row = c
            .query_opt(
                &format!("SELECT {COLUMNS} FROM arc_messages WHERE id = $1 LIMIT 1"),
                &[&id],
            )
            .await
            .map_err(query_err("read a message"))?;
        Ok(row.as_ref().map(envelope))
    }

    /// The logged messages `f` selects, oldest first.
    pub(crate) async fn messages(&self, f: &MessageFilter) -> Result<Vec<Envelope>, StoreError> {
        // The page's keys first, from the indexes alone where the filters allow (an index-only
        // scan of (subject, ts, id) for a subject pattern), then the rows of just that page.
        const SQL: &str = "WITH page AS (
                 SELECT ts, id FROM arc_messages
                 WHERE ($1::text IS NULL OR (subject LIKE $1 AND subject ~ $2))
                   AND ($3::timestamptz IS NULL OR ts >= $3)
                   AND ($4::timestamptz IS NULL OR ts < $4)
                   AND ($5::text IS NULL OR sender = $5)
                   AND ($6::timestamptz IS NULL OR (ts, id) > ($6, $7))
                 ORDER BY ts, id LIMIT $8)
             SELECT m.id, m.subject, m.topic, m.ts, m.source, m.sender, m.headers, m.payload
             FROM page JOIN arc_messages m ON m.id = page.id AND m.ts = page.ts
             ORDER BY page.ts, page.id";
        let (like, re) = f.subject.as_deref().and_then(pattern_sql).unzip();
        let (after_ts, after_id) = f.after.clone().unzip();
        let c = self.client().await?;
        let rows = c
            .query(
                SQL,
                &[
                    &like, &re, &f.since, &f.until, &f.sender, &after_ts, &after_id, &f.limit,
                ],
            )
            .await
            .map_err(query_err("read the message log"))?;
        Ok(rows.iter().map(envelope).collect())
    }

    /// A connection of the logger's own, ready to write batches.
    pub(crate) async fn log_writer(&self) -> Result<LogWriter, StoreError> {
        let pg = self.dedicated().await?;
        pg.batch_execute(
            "CREATE TEMP TABLE IF NOT EXISTS arc_messages_staging
                 (LIKE arc_messages INCLUDING DEFAULTS) ON COMMIT DELETE ROWS",
        )
        .await
        .map_err(query_err("make the staging table"))?;
        let payload_type = payload_type(&pg).await?;
        Ok(LogWriter { pg, payload_type })
    }

    /// Deletes messages older than `days` (TimescaleDB: whole chunks); returns how many rows
    /// (chunks) went.
    pub(crate) async fn drop_older_than(&self, days: u32) -> Result<u64, StoreError> {
        let c = self.client().await?;
        let op = query_err("apply retention");
        let timescale: bool = c
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb')",
                &[],
            )
            .await
            .map_err(&op)?
            .get(0);
        let interval = format!("{days} days");
        if timescale {
            c.execute(
                "SELECT drop_chunks('arc_messages', older_than => $1::text::interval)",
                &[&interval],
            )
            .await
            .map_err(&op)
        } else {
            c.execute(
                "DELETE FROM arc_messages WHERE ts < now() - $1::text::interval",
                &[&interval],
            )
            .await
            .map_err(&op)
        }
    }
}

/// A SQL `LIKE` prefix and a POSIX regex for a NATS subject pattern (`None`: everything).
pub(crate) fn pattern_sql(p: &str) -> Option<(String, String)> {
    if p == ">" {
        return None;
    }
    let toks: Vec<&str> = p.split('.').collect();
    let literal: Vec<&str> = toks
        .iter()
        .take_while(|t| **t != "*" && **t != ">")
        .copied()
        .collect();
    let mut prefix = literal.join(".");
    if literal.len() < toks.len() && !prefix.is_empty() {
        prefix.push('.');
    }
    let like = prefix
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
        + "%";
    let mut re = String::from("^");
    for (i, t) in toks.iter().enumerate() {
        if i > 0 {
            re.push_str("\\.");
        }
        match *t {
            "*" => re.push_str("[^.]+"),
            ">" => re.push_str(".+"),
            lit => {
                for c in lit.chars() {
                    if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                        re.push(c);
                    } else {
                        re.push('\\');
                        re.push(c);
                    }
                }
            }
        }
    }
    re.push('$');
    Some((like, re))
}

/// One queue entry, borrowed from its text: the JSON of headers and payload go to PostgreSQL as
/// they are, without being parsed into values and printed again.
#[derive(serde::Deserialize)]
pub(crate) struct LogEntry<'a> {
    #[serde(borrow)]
    pub id: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    pub subject: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    pub topic: std::borrow::Cow<'a, str>,
    pub ts: chrono::DateTime<chrono::Utc>,
    #[serde(borrow)]
    pub source: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    pub sender: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    pub headers: &'a serde_json::value::RawValue,
    #[serde(borrow)]
    pub payload: &'a serde_json::value::RawValue,
}

/// The logger's connection and what it knows of the log's schema.
pub(crate) struct LogWriter {
    pg: Client,
    payload_type: Type,
}

/// Why a write failed.
pub(crate) enum WriteFail {
    /// Something in the rows: the same rows fail again (split the batch to find which).
    Data(String),
    /// The store: down, or a problem no row causes (retry later).
    Store(String),
}

/// Which rows a write added.
pub(crate) enum Inserted {
    All,
    Some(std::collections::HashSet<String>),
}

/// The type of the log's `payload` column: `json` since schema 3 (the text as it came), `jsonb`
/// where that migration could not change it (TimescaleDB with compressed chunks).
async fn payload_type(pg: &tokio_postgres::Client) -> Result<Type, StoreError> {
    let row = pg
        .query_one(
            "SELECT atttypid::regtype::text FROM pg_attribute
             WHERE attrelid = 'arc_messages'::regclass AND attname = 'payload'",
            &[],
        )
        .await
        .map_err(query_err("read the log's schema"))?;
    Ok(if row.get::<_, String>(0) == "jsonb" {
        Type::JSONB
    } else {
        Type::JSON
    })
}

/// Microseconds from the Unix epoch to PostgreSQL's, 2000-01-01.
const PG_EPOCH_MICROS: i64 = 946_684_800_000_000;

/// A batch's rows in PostgreSQL's binary `COPY` format, encoded once: a write sends a range of
/// them as a slice of one buffer (a batch split to find a refused entry is not encoded again).
pub(crate) struct CopyRows {
    data: Bytes,
    /// Where each row ends in `data`.
    ends: Vec<usize>,
}

impl CopyRows {
    /// Encodes `entries` (text fields as UTF-8, `ts` as microseconds since 2000-01-01, headers as
    /// `jsonb` version 1, the payload as `json` text or `jsonb` by `payload_type`): the JSON goes
    /// as the producer's text, never parsed into values.
    pub(crate) fn encode(entries: &[LogEntry<'_>], payload_type: &Type) -> CopyRows {
        let size: usize = entries
            .iter()
            .map(|e| {
                64 + e.id.len()
                    + e.subject.len()
                    + e.topic.len()
                    + e.source.len()
                    + e.sender.len()
                    + e.headers.get().len()
                    + e.payload.get().len()
            })
            .sum();
        let mut buf = BytesMut::with_capacity(size);
        let mut ends = Vec::with_capacity(entries.len());
        let jsonb_payload = *payload_type == Type::JSONB;
        for e in entries {
            buf.put_i16(8);
            text(&mut buf, &e.id);
            text(&mut buf, &e.subject);
            text(&mut buf, &e.topic);
            buf.put_i32(8);
            buf.put_i64(e.ts.timestamp_micros() - PG_EPOCH_MICROS);
            text(&mut buf, &e.source);
            text(&mut buf, &e.sender);
            jsonb(&mut buf, e.headers.get());
            if jsonb_payload {
                jsonb(&mut buf, e.payload.get());
            } else {
                text(&mut buf, e.payload.get());
            }
            ends.push(buf.len());
        }
        CopyRows {
            data: buf.freeze(),
            ends,
        }
    }

    /// The encoded rows `r`.
    fn slice(&self, r: &std::ops::Range<usize>) -> Bytes {
        let start = if r.start == 0 {
            0
        } else {
            self.ends[r.start - 1]
        };
        let end = if r.end == 0 { 0 } else { self.ends[r.end - 1] };
        self.data.slice(start..end)
    }
}

/// A field's length. Fields are parts of one log queue entry, and Redis holds none over 512 MiB.
fn field_len(n: usize) -> i32 {
    i32::try_from(n).expect("a log queue entry is under Redis's 512 MiB")
}

fn text(buf: &mut BytesMut, s: &str) {
    buf.put_i32(field_len(s.len()));
    buf.put_slice(s.as_bytes());
}

fn jsonb(buf: &mut BytesMut, s: &str) {
    buf.put_i32(field_len(s.len() + 1));
    buf.put_u8(1);
    buf.put_slice(s.as_bytes());
}

/// Binary COPY of the encoded rows `r` into `table`, sent in slices of 256 KiB so PostgreSQL
/// starts on the rows while the rest are on their way.
async fn copy_into(
    tx: &tokio_postgres::Transaction<'_>,
    table: &str,
    rows: &CopyRows,
    r: &std::ops::Range<usize>,
) -> Result<(), tokio_postgres::Error> {
    const HEADER: &[u8] = b"PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0";
    const TRAILER: &[u8] = &[0xff, 0xff];
    const SLICE: usize = 256 * 1024;
    let sink = tx
        .copy_in::<_, Bytes>(&format!("COPY {table} ({COLUMNS}) FROM STDIN BINARY"))
        .await?;
    pin_mut!(sink);
    sink.as_mut().send(Bytes::from_static(HEADER)).await?;
    let body = rows.slice(r);
    let mut at = 0;
    while at < body.len() {
        let to = (at + SLICE).min(body.len());
        sink.as_mut().send(body.slice(at..to)).await?;
        at = to;
    }
    sink.as_mut().send(Bytes::from_static(TRAILER)).await?;
    sink.finish().await?;
    Ok(())
}

/// Whether a failed write failed on its rows: data exceptions (22: a value the type will not
/// take, such as U+0000 in JSONB), integrity violations other than a duplicate (23), program
/// limits (54: an index row too large).
fn write_fail(what: &str, e: &tokio_postgres::Error) -> WriteFail {
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
        None => false,
    };
    if data {
        WriteFail::Data(text)
    } else {
        WriteFail::Store(text)
    }
}

impl LogWriter {
    /// The type of the log's `payload` column (what [`CopyRows::encode`] needs).
    pub(crate) fn payload_type(&self) -> &Type {
        &self.payload_type
    }

    /// Writes the rows `r` of a batch exactly once. The common case — none of it is in the log yet — is one binary
    /// COPY straight into the log. When a row is already there (a batch written again after a crash)
    /// the COPY fails on the unique key; then the batch goes through the staging table and
    /// `INSERT … ON CONFLICT DO NOTHING` instead.
    pub(crate) async fn write(
        &mut self,
        rows: &CopyRows,
        r: std::ops::Range<usize>,
    ) -> Result<Inserted, WriteFail> {
        if r.is_empty() {
            return Ok(Inserted::Some(std::collections::HashSet::new()));
        }
        let fail = |what: &'static str| move |e: tokio_postgres::Error| write_fail(what, &e);
        let mut tx = self.pg.transaction().await.map_err(fail("begin"))?;
        {
            let direct = tx.savepoint("direct").await.map_err(fail("savepoint"))?;
            match copy_into(&direct, "arc_messages", rows, &r).await {
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
                Err(e) => return Err(write_fail("copy", &e)),
            }
        }
        copy_into(&tx, "arc_messages_staging", rows, &r)
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_become_a_prefix_and_a_regex() {
        assert_eq!(pattern_sql(">"), None);
        assert_eq!(
            pattern_sql("agent.*.commands"),
            Some(("agent.%".into(), r"^agent\.[^.]+\.commands$".into()))
        );
        assert_eq!(
            pattern_sql("a_b.>"),
            Some((r"a\_b.%".into(), r"^a_b\..+$".into()))
        );
        assert_eq!(pattern_sql("x.y"), Some(("x.y%".into(), r"^x\.y$".into())));
        assert_eq!(pattern_sql("*"), Some(("%".into(), "^[^.]+$".into())));
    }
}
