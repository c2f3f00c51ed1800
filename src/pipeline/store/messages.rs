//! The message log's SQL: the logger's exactly-once writes (binary `COPY`, then `INSERT … ON
//! CONFLICT DO NOTHING` through a staging table when a batch is written again), the query API's
//! reads (one message; a page by subject pattern, time and sender, keyset-paginated on (ts, id)),
//! and retention.

use futures::pin_mut;
use tokio_postgres::binary_copy::BinaryCopyInWriter;
use tokio_postgres::types::{Json, Type};
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

/// Binary COPY of `entries` into `table`.
async fn copy_into(
    tx: &tokio_postgres::Transaction<'_>,
    table: &str,
    entries: &[LogEntry<'_>],
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
        None => !e.is_closed() && e.to_string().contains("serializing"),
    };
    if data {
        WriteFail::Data(text)
    } else {
        WriteFail::Store(text)
    }
}

impl LogWriter {
    /// Writes the batch exactly once. The common case — none of it is in the log yet — is one binary
    /// COPY straight into the log. When a row is already there (a batch written again after a crash)
    /// the COPY fails on the unique key; then the batch goes through the staging table and
    /// `INSERT … ON CONFLICT DO NOTHING` instead.
    pub(crate) async fn write(&mut self, entries: &[LogEntry<'_>]) -> Result<Inserted, WriteFail> {
        let payload_type = &self.payload_type;
        if entries.is_empty() {
            return Ok(Inserted::Some(std::collections::HashSet::new()));
        }
        let fail = |what: &'static str| move |e: tokio_postgres::Error| write_fail(what, &e);
        let mut tx = self.pg.transaction().await.map_err(fail("begin"))?;
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
                Err(e) => return Err(write_fail("copy", &e)),
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
