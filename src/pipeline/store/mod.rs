//! The pipeline's PostgreSQL side, every SQL statement arc runs: schema migrations, the
//! versioned config documents and the backbone registry here; the message log (the logger's
//! writes, the query API's reads, retention) in [`messages`].
//!
//! The connection is made on first use and made again after it breaks, so the pipeline starts
//! (and its ingress keeps serving the last configuration it loaded) while the log store is down.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::Mutex;
use tokio_postgres::{Client, NoTls};

use crate::bus::nats::redact;

pub(crate) mod messages;

/// Schema versions, applied in order, each once, in a transaction, under an advisory lock so
/// that several pipeline instances starting together do not race.
const MIGRATIONS: &[(i32, &str, &str)] = &[
    (
        1,
        "config store and backbone registry",
        "CREATE TABLE arc_config (
         kind text NOT NULL,
         name text NOT NULL,
         body jsonb NOT NULL,
         version bigint NOT NULL,
         updated_at timestamptz NOT NULL DEFAULT now(),
         PRIMARY KEY (kind, name));
     CREATE TABLE arc_backbones (
         system_id text PRIMARY KEY,
         org_id text NOT NULL,
         cluster_id text NOT NULL,
         nats_url text NOT NULL,
         metadata jsonb NOT NULL DEFAULT '{}',
         version bigint NOT NULL DEFAULT 1,
         created_at timestamptz NOT NULL DEFAULT now(),
         updated_at timestamptz NOT NULL DEFAULT now());
     CREATE INDEX arc_backbones_org ON arc_backbones (org_id);",
    ),
    (
        2,
        "the message log",
        // With TimescaleDB: a hypertable on `ts`, compressed after 7 days; its unique key must
        // hold `ts`, so it is (id, ts) (a message's ts never changes, so a redelivery still
        // conflicts). Without it: plain PostgreSQL, unique on id. Either way: lookups by id,
        // by subject and time, and by time, with (ts, id) as the keyset order.
        "DO $$ BEGIN
           IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb') THEN
             CREATE EXTENSION IF NOT EXISTS timescaledb;
             CREATE TABLE arc_messages (
                 id text NOT NULL, subject text NOT NULL, topic text NOT NULL,
                 ts timestamptz NOT NULL, source text NOT NULL, sender text NOT NULL,
                 headers jsonb NOT NULL, payload jsonb NOT NULL,
                 PRIMARY KEY (id, ts));
             PERFORM create_hypertable('arc_messages', 'ts');
             ALTER TABLE arc_messages SET (timescaledb.compress,
                 timescaledb.compress_segmentby = 'subject');
             PERFORM add_compression_policy('arc_messages', INTERVAL '7 days');
           ELSE
             CREATE TABLE arc_messages (
                 id text NOT NULL, subject text NOT NULL, topic text NOT NULL,
                 ts timestamptz NOT NULL, source text NOT NULL, sender text NOT NULL,
                 headers jsonb NOT NULL, payload jsonb NOT NULL,
                 PRIMARY KEY (id));
           END IF;
         END $$;
         CREATE INDEX arc_messages_ts_id ON arc_messages (ts, id);
         CREATE INDEX arc_messages_subject_ts ON arc_messages (subject text_pattern_ops, ts, id);",
    ),
    (
        3,
        "payloads kept as sent",
        // `json` keeps the payload's text as the producer sent it (numbers of any size, key order)
        // and takes every JSON string, U+0000 included, which `jsonb` refuses. TimescaleDB cannot
        // change a column's type once chunks are compressed: there it stays `jsonb` (the logger
        // reads the column's type and writes either).
        "DO $$ BEGIN
           ALTER TABLE arc_messages ALTER COLUMN payload TYPE json USING payload::text::json;
         EXCEPTION WHEN others THEN
           RAISE NOTICE 'arc_messages.payload stays jsonb: %', SQLERRM;
         END $$",
    ),
];

/// Any number, unlikely to collide with an application's own advisory locks.
const MIGRATION_LOCK: i64 = 0x0061_7263_0001;

/// Why the log store did not answer a request.
#[derive(Debug, thiserror::Error)]
pub(crate) enum StoreError {
    /// No connection could be made (or it was lost): try again later.
    #[error("the log store at {url} is unreachable")]
    Unreachable {
        url: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A statement failed.
    #[error("the log store failed to {op}")]
    Query {
        op: String,
        #[source]
        source: tokio_postgres::Error,
    },
}

/// What kind of failure a [`StoreError`] is, for the API's status code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StoreErrorKind {
    /// The request itself is wrong (a value PostgreSQL will not take, SQLSTATE classes 22 and
    /// 42, or a parameter the client could not encode): the same request fails again.
    BadRequest,
    /// The store is down, lost the connection or failed otherwise: retrying may help.
    Unavailable,
}

impl StoreError {
    /// Whether retrying can help.
    pub(crate) fn kind(&self) -> StoreErrorKind {
        match self {
            StoreError::Unreachable { .. } => StoreErrorKind::Unavailable,
            StoreError::Query { source, .. } => classify(source),
        }
    }

    /// What failed and why, in one line (`… failed to read a message: <PostgreSQL's reason>`).
    pub(crate) fn describe(&self) -> String {
        format!("{self}: {}", self.reason())
    }

    /// The reason as PostgreSQL gave it (its message alone, without severity), else the
    /// error's own text.
    fn reason(&self) -> String {
        match self {
            StoreError::Query { source, .. } => source
                .as_db_error()
                .map_or_else(|| source.to_string(), |d| d.message().to_owned()),
            StoreError::Unreachable { source, .. } => source.to_string(),
        }
    }
}

/// A request's fault or the store's: data exceptions (22) and syntax or access rule violations
/// (42) are the request's, as is a parameter the client could not serialize; the rest (a lost
/// connection, a server shutting down, a resource exhausted) is the store's.
pub(crate) fn classify(e: &tokio_postgres::Error) -> StoreErrorKind {
    match e.code() {
        Some(code) if code.code().starts_with("22") || code.code().starts_with("42") => {
            StoreErrorKind::BadRequest
        }
        Some(_) => StoreErrorKind::Unavailable,
        // No SQLSTATE: the client failed before the server saw the request (a value it cannot
        // encode is the request's fault) or the connection did.
        None if !e.is_closed() && e.to_string().contains("serializing") => {
            StoreErrorKind::BadRequest
        }
        None => StoreErrorKind::Unavailable,
    }
}

/// The connection timed out.
#[derive(Debug, thiserror::Error)]
#[error("no answer within 3 s")]
struct ConnectTimeout;

fn query_err(op: &str) -> impl Fn(tokio_postgres::Error) -> StoreError + '_ {
    move |e| StoreError::Query {
        op: op.to_owned(),
        source: e,
    }
}

/// What a write requires of the stored version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Precondition {
    /// `If-Match`: the stored version must be this one.
    Match(i64),
    /// `If-None-Match: *`: nothing may be stored yet.
    Absent,
    /// Neither header: creating is fine, replacing needs `If-Match`.
    None,
}

/// Why a write did not happen.
#[derive(Debug)]
pub(crate) enum WriteError {
    /// The precondition failed; the stored version (if any) is given.
    Conflict {
        current: Option<i64>,
    },
    /// A document exists and the writer sent no `If-Match`.
    PreconditionRequired {
        current: i64,
    },
    Store(StoreError),
}

impl From<StoreError> for WriteError {
    fn from(e: StoreError) -> Self {
        WriteError::Store(e)
    }
}

/// A stored document.
#[derive(Debug, Clone)]
pub(crate) struct Document {
    pub name: String,
    pub body: serde_json::Value,
    pub version: i64,
}

/// A registered messaging backbone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Backbone {
    pub system_id: String,
    pub org_id: String,
    pub cluster_id: String,
    /// The backbone's public NATS URL.
    pub nats_url: String,
    /// region, version, status and anything else worth recording.
    #[serde(default)]
    pub metadata: serde_json::Map<String, serde_json::Value>,
    /// Set by the registry (a record a client sends must leave these out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
}

/// What [`backbone_row`] reads.
const BACKBONE_COLUMNS: &str = "system_id, org_id, cluster_id, nats_url, metadata::text, version,
     to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'),
     to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')";

fn backbone_row(r: &tokio_postgres::Row) -> Backbone {
    Backbone {
        system_id: r.get(0),
        org_id: r.get(1),
        cluster_id: r.get(2),
        nats_url: r.get(3),
        metadata: serde_json::from_str(r.get::<_, &str>(4)).unwrap_or_default(),
        version: Some(r.get(5)),
        created_at: Some(r.get(6)),
        updated_at: Some(r.get(7)),
    }
}

/// Statuses that take a backbone out of routing.
const OUT_OF_SERVICE: [&str; 4] = ["down", "inactive", "draining", "decommissioned"];

impl Backbone {
    /// Checks a record a client sent; `system_id` comes from the URL when there is one.
    pub(crate) fn check(&self) -> Result<(), super::config::Invalid> {
        let bad = |field: &str, reason: &str| super::config::Invalid {
            field: field.to_owned(),
            reason: reason.to_owned(),
        };
        for (field, v) in [
            ("system_id", &self.system_id),
            ("org_id", &self.org_id),
            ("cluster_id", &self.cluster_id),
        ] {
            if v.is_empty()
                || v.len() > 128
                || !v
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            {
                return Err(bad(
                    field,
                    "must be 1 to 128 letters, digits, `-`, `_` or `.`",
                ));
            }
        }
        let scheme_ok = ["nats://", "tls://", "ws://", "wss://"]
            .iter()
            .any(|s| self.nats_url.starts_with(s) && self.nats_url.len() > s.len());
        if !scheme_ok {
            return Err(bad(
                "nats_url",
                "must be a NATS URL such as nats://backbone.example.com:4222",
            ));
        }
        for (field, set) in [
            ("version", self.version.is_some()),
            ("created_at", self.created_at.is_some()),
            ("updated_at", self.updated_at.is_some()),
        ] {
            if set {
                return Err(bad(field, "is the registry's to set; leave it out"));
            }
        }
        for key in ["region", "version", "status"] {
            if self.metadata.get(key).is_some_and(|v| !v.is_string()) {
                return Err(bad(&format!("metadata.{key}"), "must be a string"));
            }
        }
        Ok(())
    }

    fn routable(&self) -> bool {
        !self
            .metadata
            .get("status")
            .and_then(|s| s.as_str())
            .is_some_and(|s| OUT_OF_SERVICE.contains(&s))
    }
}

/// The pipeline's handle on PostgreSQL.
pub(crate) struct Store {
    url: String,
    client: Mutex<Option<Arc<Client>>>,
}

impl Store {
    pub(crate) fn new(url: String) -> Self {
        Store {
            url,
            client: Mutex::new(None),
        }
    }

    /// A live connection, made (and the schema migrated) when there is none.
    async fn client(&self) -> Result<Arc<Client>, StoreError> {
        let mut slot = self.client.lock().await;
        if let Some(c) = slot.as_ref().filter(|c| !c.is_closed()) {
            return Ok(c.clone());
        }
        let client = Arc::new(self.dedicated().await?);
        *slot = Some(client.clone());
        Ok(client)
    }

    /// A connection of its own (the logger's long COPY transactions), migrated.
    pub(crate) async fn dedicated(&self) -> Result<Client, StoreError> {
        let unreachable =
            |source: Box<dyn std::error::Error + Send + Sync>| StoreError::Unreachable {
                url: redact(&self.url),
                source,
            };
        let (client, conn) = tokio::time::timeout(
            Duration::from_secs(3),
            tokio_postgres::connect(&self.url, NoTls),
        )
        .await
        .map_err(|_| unreachable(Box::new(ConnectTimeout)))?
        .map_err(|e| unreachable(Box::new(e)))?;
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::warn!("log store connection closed: {e}");
            }
        });
        migrate(&client).await?;
        Ok(client)
    }

    /// Connects and migrates now (for startup and `/readyz`).
    pub(crate) async fn ping(&self) -> Result<(), StoreError> {
        let c = self.client().await?;
        c.simple_query("SELECT 1")
            .await
            .map_err(query_err("answer SELECT 1"))?;
        Ok(())
    }

    pub(crate) async fn get(&self, kind: &str, name: &str) -> Result<Option<Document>, StoreError> {
        let c = self.client().await?;
        let row = c
            .query_opt(
                "SELECT body::text, version FROM arc_config WHERE kind = $1 AND name = $2",
                &[&kind, &name],
            )
            .await
            .map_err(query_err("read a config document"))?;
        Ok(row.map(|r| Document {
            name: name.to_owned(),
            body: serde_json::from_str(r.get::<_, &str>(0)).unwrap_or_default(),
            version: r.get(1),
        }))
    }

    pub(crate) async fn list(&self, kind: &str) -> Result<Vec<Document>, StoreError> {
        let c = self.client().await?;
        let rows = c
            .query(
                "SELECT name, body::text, version FROM arc_config WHERE kind = $1 ORDER BY name",
                &[&kind],
            )
            .await
            .map_err(query_err("list config documents"))?;
        Ok(rows
            .iter()
            .map(|r| Document {
                name: r.get(0),
                body: serde_json::from_str(r.get::<_, &str>(1)).unwrap_or_default(),
                version: r.get(2),
            })
            .collect())
    }

    /// Writes a document under `pre`; returns its new version and whether it was created.
    pub(crate) async fn put(
        &self,
        kind: &str,
        name: &str,
        body: &serde_json::Value,
        pre: Precondition,
    ) -> Result<(i64, bool), WriteError> {
        let c = self.client().await?;
        let text = body.to_string();
        if let Precondition::Match(v) = pre {
            let row = c
                .query_opt(
                    "UPDATE arc_config SET body = $3::text::jsonb, version = version + 1,
                         updated_at = now()
                     WHERE kind = $1 AND name = $2 AND version = $4 RETURNING version",
                    &[&kind, &name, &text, &v],
                )
                .await
                .map_err(query_err("update a config document"))?;
            return match row {
                Some(r) => Ok((r.get(0), false)),
                None => Err(WriteError::Conflict {
                    current: self.get(kind, name).await?.map(|d| d.version),
                }),
            };
        }
        let row = c
            .query_opt(
                "INSERT INTO arc_config (kind, name, body, version) VALUES ($1, $2, $3::text::jsonb, 1)
                 ON CONFLICT (kind, name) DO NOTHING RETURNING version",
                &[&kind, &name, &text],
            )
            .await
            .map_err(query_err("insert a config document"))?;
        match row {
            Some(r) => Ok((r.get(0), true)),
            None => {
                let current = self.get(kind, name).await?.map(|d| d.version);
                match (pre, current) {
                    (Precondition::None, Some(current)) => {
                        Err(WriteError::PreconditionRequired { current })
                    }
                    _ => Err(WriteError::Conflict { current }),
                }
            }
        }
    }

    /// Deletes a document; `Ok(false)` when there was none.
    pub(crate) async fn delete(
        &self,
        kind: &str,
        name: &str,
        if_match: Option<i64>,
    ) -> Result<bool, WriteError> {
        let c = self.client().await?;
        let n = c
            .execute(
                "DELETE FROM arc_config WHERE kind = $1 AND name = $2
                     AND ($3::bigint IS NULL OR version = $3)",
                &[&kind, &name, &if_match],
            )
            .await
            .map_err(query_err("delete a config document"))?;
        if n == 0 && if_match.is_some() {
            if let Some(d) = self.get(kind, name).await? {
                return Err(WriteError::Conflict {
                    current: Some(d.version),
                });
            }
        }
        Ok(n > 0)
    }

    pub(crate) async fn backbones(&self) -> Result<Vec<Backbone>, StoreError> {
        let c = self.client().await?;
        let rows = c
            .query(
                &format!("SELECT {BACKBONE_COLUMNS} FROM arc_backbones ORDER BY system_id"),
                &[],
            )
            .await
            .map_err(query_err("list backbones"))?;
        Ok(rows.iter().map(backbone_row).collect())
    }

    pub(crate) async fn backbone(&self, system_id: &str) -> Result<Option<Backbone>, StoreError> {
        let c = self.client().await?;
        let row = c
            .query_opt(
                &format!("SELECT {BACKBONE_COLUMNS} FROM arc_backbones WHERE system_id = $1"),
                &[&system_id],
            )
            .await
            .map_err(query_err("read a backbone"))?;
        Ok(row.as_ref().map(backbone_row))
    }

    /// Writes a backbone record under `pre` (same rules as documents); returns the new version
    /// and whether it was created.
    pub(crate) async fn put_backbone(
        &self,
        b: &Backbone,
        pre: Precondition,
    ) -> Result<(i64, bool), WriteError> {
        let c = self.client().await?;
        let meta = serde_json::Value::Object(b.metadata.clone()).to_string();
        if let Precondition::Match(v) = pre {
            let row = c
                .query_opt(
                    "UPDATE arc_backbones SET org_id = $2, cluster_id = $3, nats_url = $4,
                         metadata = $5::text::jsonb, version = version + 1, updated_at = now()
                     WHERE system_id = $1 AND version = $6 RETURNING version",
                    &[
                        &b.system_id,
                        &b.org_id,
                        &b.cluster_id,
                        &b.nats_url,
                        &meta,
                        &v,
                    ],
                )
                .await
                .map_err(query_err("update a backbone"))?;
            return match row {
                Some(r) => Ok((r.get(0), false)),
                None => Err(WriteError::Conflict {
                    current: self.backbone(&b.system_id).await?.and_then(|b| b.version),
                }),
            };
        }
        let row = c
            .query_opt(
                "INSERT INTO arc_backbones (system_id, org_id, cluster_id, nats_url, metadata)
                 VALUES ($1, $2, $3, $4, $5::text::jsonb)
                 ON CONFLICT (system_id) DO NOTHING RETURNING version",
                &[&b.system_id, &b.org_id, &b.cluster_id, &b.nats_url, &meta],
            )
            .await
            .map_err(query_err("insert a backbone"))?;
        match row {
            Some(r) => Ok((r.get(0), true)),
            None => {
                let current = self.backbone(&b.system_id).await?.and_then(|b| b.version);
                match (pre, current) {
                    (Precondition::None, Some(current)) => {
                        Err(WriteError::PreconditionRequired { current })
                    }
                    _ => Err(WriteError::Conflict { current }),
                }
            }
        }
    }

    /// Writes a backbone record whatever is stored (the pipeline registering its own backbone).
    pub(crate) async fn upsert_backbone(&self, b: &Backbone) -> Result<(), StoreError> {
        let c = self.client().await?;
        let meta = serde_json::Value::Object(b.metadata.clone()).to_string();
        c.execute(
            "INSERT INTO arc_backbones (system_id, org_id, cluster_id, nats_url, metadata)
             VALUES ($1, $2, $3, $4, $5::text::jsonb)
             ON CONFLICT (system_id) DO UPDATE SET org_id = $2, cluster_id = $3, nats_url = $4,
                 metadata = $5::text::jsonb, version = arc_backbones.version + 1,
                 updated_at = now()
             WHERE (arc_backbones.org_id, arc_backbones.cluster_id, arc_backbones.nats_url,
                    arc_backbones.metadata) IS DISTINCT FROM ($2, $3, $4, $5::text::jsonb)",
            &[&b.system_id, &b.org_id, &b.cluster_id, &b.nats_url, &meta],
        )
        .await
        .map_err(query_err("register the local backbone"))?;
        Ok(())
    }

    pub(crate) async fn delete_backbone(
        &self,
        system_id: &str,
        if_match: Option<i64>,
    ) -> Result<bool, WriteError> {
        let c = self.client().await?;
        let n = c
            .execute(
                "DELETE FROM arc_backbones WHERE system_id = $1
                     AND ($2::bigint IS NULL OR version = $2)",
                &[&system_id, &if_match],
            )
            .await
            .map_err(query_err("delete a backbone"))?;
        if n == 0 && if_match.is_some() {
            if let Some(b) = self.backbone(system_id).await? {
                return Err(WriteError::Conflict { current: b.version });
            }
        }
        Ok(n > 0)
    }

    /// org id -> NATS URL, for routing: among an org's routable backbones, the most recently
    /// updated.
    pub(crate) async fn routes(&self) -> Result<BTreeMap<String, String>, StoreError> {
        let mut all = self.backbones().await?;
        all.retain(Backbone::routable);
        all.sort_by(|a, b| a.updated_at.cmp(&b.updated_at));
        Ok(all.into_iter().map(|b| (b.org_id, b.nats_url)).collect())
    }
}

async fn migrate(c: &Client) -> Result<(), StoreError> {
    let op = query_err("migrate the pipeline schema");
    // Under the migration lock: two instances starting at once each ran `CREATE TABLE IF NOT
    // EXISTS`, and one failed on PostgreSQL's catalog (`pg_type_typname_nsp_index`).
    c.batch_execute(&format!(
        "BEGIN; SELECT pg_advisory_xact_lock({MIGRATION_LOCK});
         CREATE TABLE IF NOT EXISTS arc_schema_migrations (
             version integer PRIMARY KEY,
             description text NOT NULL,
             applied_at timestamptz NOT NULL DEFAULT now());
         COMMIT;"
    ))
    .await
    .map_err(&op)?;
    let applied: i32 = c
        .query_one(
            "SELECT coalesce(max(version), 0) FROM arc_schema_migrations",
            &[],
        )
        .await
        .map_err(&op)?
        .get(0);
    if MIGRATIONS.iter().all(|(v, _, _)| *v <= applied) {
        return Ok(());
    }
    c.execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])
        .await
        .map_err(&op)?;
    let result = async {
        for (version, description, sql) in MIGRATIONS {
            let done: bool = c
                .query_one(
                    "SELECT EXISTS (SELECT 1 FROM arc_schema_migrations WHERE version = $1)",
                    &[version],
                )
                .await
                .map_err(&op)?
                .get(0);
            if done {
                continue;
            }
            c.batch_execute(&format!(
                "BEGIN; {sql}; INSERT INTO arc_schema_migrations (version, description)
                 VALUES ({version}, '{}'); COMMIT;",
                description.replace('\'', "''")
            ))
            .await
            .map_err(|e| StoreError::Query {
                op: format!("apply schema migration {version} ({description})"),
                source: e,
            })?;
            tracing::info!("log store: applied schema migration {version} ({description})");
        }
        Ok(())
    }
    .await;
    if result.is_err() {
        let _ = c.batch_execute("ROLLBACK").await;
    }
    let _ = c
        .execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK])
        .await;
    result
}
