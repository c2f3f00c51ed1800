//! The Redis-list and NATS ingress paths.
//!
//! Redis: producers `LPUSH arc:ingest '<envelope JSON>'`. Each consumer moves entries with
//! `BLMOVE arc:ingest <processing> RIGHT LEFT` into a processing list of its own, runs them
//! through the pipeline, and removes them from that list only once they are accepted or,
//! refused, parked on `arc:ingest:rejected` with the reason. A consumer that dies mid-way leaves
//! its entries in its processing list; on start it runs them again first (their ids make the
//! retry idempotent for the log and JetStream). While a backend is down, entries stay where they
//! are and the consumer retries.
//!
//! NATS: a queue-group subscription on `ingest.>`; `ingest.X` becomes subject `X`. Headers carry
//! over (`Authorization: Bearer …` authenticates, `Nats-Msg-Id` or `Arc-Id` sets the id); a
//! request's reply subject gets the ack as JSON.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt as _;
use redis::AsyncCommands as _;

use super::envelope::{self, Incoming, Source};
use super::fanout::{Pipeline, Rejection};
use super::queue::Redis;

pub const INGEST_LIST: &str = "arc:ingest";
pub const REJECTED_LIST: &str = "arc:ingest:rejected";
pub const NATS_INGEST: &str = "ingest.>";
pub const NATS_QUEUE_GROUP: &str = "arc-pipeline";

/// The processing list of consumer `name`.
pub fn processing_list(name: &str) -> String {
    format!("arc:ingest:processing:{name}")
}

/// Drains `arc:ingest` until the process ends.
pub async fn redis_consumer(pipeline: Arc<Pipeline>, redis: Redis, consumer: String) {
    let processing = processing_list(&consumer);
    let mut backoff = Duration::from_millis(100);
    loop {
        match redis_round(&pipeline, &redis, &processing).await {
            Ok(()) => backoff = Duration::from_millis(100),
            Err(e) => {
                tracing::warn!("redis ingress: {e}; retrying in {} ms", backoff.as_millis());
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(5));
            }
        }
    }
}

/// One connection's life: recover what this consumer left behind, then move and process.
async fn redis_round(pipeline: &Pipeline, redis: &Redis, processing: &str) -> Result<(), String> {
    let mut conn = redis
        .connect(Duration::from_secs(5))
        .await
        .map_err(|e| e.to_string())?;
    let err = |e: redis::RedisError| redis.error(&e).to_string();
    // Recovery: whatever is in our processing list was taken but not finished.
    loop {
        let left: Vec<String> = conn.lrange(processing, -256, -1).await.map_err(err)?;
        if left.is_empty() {
            break;
        }
        tracing::info!(
            "redis ingress: recovering {} entries from {processing}",
            left.len()
        );
        process(
            pipeline,
            &mut conn,
            processing,
            left.into_iter().rev().collect(),
        )
        .await?;
    }
    loop {
        let first: Option<String> = redis::cmd("BLMOVE")
            .arg(INGEST_LIST)
            .arg(processing)
            .arg("RIGHT")
            .arg("LEFT")
            .arg(1)
            .query_async(&mut conn)
            .await
            .map_err(err)?;
        let Some(first) = first else { continue };
        let mut entries = vec![first];
        let mut pipe = redis::pipe();
        for _ in 0..255 {
            pipe.cmd("LMOVE")
                .arg(INGEST_LIST)
                .arg(processing)
                .arg("RIGHT")
                .arg("LEFT");
        }
        let more: Vec<Option<String>> = pipe.query_async(&mut conn).await.map_err(err)?;
        entries.extend(more.into_iter().flatten());
        process(pipeline, &mut conn, processing, entries).await?;
    }
}

/// Runs entries (oldest first) through the pipeline, all at once, and clears the ones that are
/// done (accepted, or refused and parked) from the processing list. Entries that met a backend
/// outage or a rate limit stay there, and the caller starts over after a pause.
async fn process(
    pipeline: &Pipeline,
    conn: &mut redis::aio::ConnectionManager,
    processing: &str,
    entries: Vec<String>,
) -> Result<(), String> {
    let outcomes = futures::future::join_all(entries.iter().map(|raw| async move {
        match envelope::parse_incoming(raw.as_bytes()) {
            Err(m) => Err(Rejection::Malformed {
                index: None,
                field: m.field,
                reason: m.reason,
            }),
            Ok(m) => {
                let token = header_token(&m.headers);
                pipeline
                    .accept(vec![m], Source::Redis, token.as_deref())
                    .await
                    .map(|_| ())
            }
        }
    }))
    .await;
    let mut done: Vec<(String, Option<String>)> = Vec::with_capacity(entries.len());
    let mut held: Option<Rejection> = None;
    for (raw, outcome) in entries.into_iter().zip(outcomes) {
        match outcome {
            Ok(()) => done.push((raw, None)),
            // A backend being down is not the message's fault: leave it for the retry.
            Err(r @ (Rejection::Unavailable { .. } | Rejection::RateLimited { .. })) => {
                held.get_or_insert(r);
            }
            Err(r) => {
                let note = serde_json::json!({
                    "entry": raw, "status": r.status(), "reason": r.reason_label(), "error": r.message(),
                    "at": envelope::now_ms().to_rfc3339(),
                });
                done.push((raw, Some(note.to_string())));
            }
        }
    }
    finish(conn, processing, &done).await?;
    match held {
        None => Ok(()),
        Some(r) => {
            let wait = match &r {
                Rejection::RateLimited { retry_after, .. } => *retry_after,
                _ => Duration::from_millis(500),
            };
            tokio::time::sleep(wait).await;
            Err(format!("held back ({})", r.message()))
        }
    }
}

async fn finish(
    conn: &mut redis::aio::ConnectionManager,
    processing: &str,
    done: &[(String, Option<String>)],
) -> Result<(), String> {
    if done.is_empty() {
        return Ok(());
    }
    let mut pipe = redis::pipe();
    pipe.atomic();
    for (raw, rejected) in done {
        if let Some(note) = rejected {
            pipe.lpush(REJECTED_LIST, note).ignore();
        }
        pipe.lrem(processing, -1, raw).ignore();
    }
    pipe.query_async::<()>(conn)
        .await
        .map_err(|e| format!("could not clear {processing}: {e}"))
}

/// `Authorization: Bearer …` among a message's headers (any case).
fn header_token(headers: &BTreeMap<String, String>) -> Option<String> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("authorization"))
        .and_then(|(_, v)| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_owned())
}

/// Serves `ingest.>` until the subscription ends.
pub async fn nats_consumer(pipeline: Arc<Pipeline>) {
    let client = pipeline.nats().clone();
    let mut sub = match client
        .queue_subscribe(NATS_INGEST, NATS_QUEUE_GROUP.to_owned())
        .await
    {
        Ok(s) => s,
        Err(e) => {
            tracing::error!("nats ingress: cannot subscribe to {NATS_INGEST}: {e}");
            return;
        }
    };
    while let Some(msg) = sub.next().await {
        let subject = msg
            .subject
            .as_str()
            .strip_prefix("ingest.")
            .unwrap_or_default()
            .to_owned();
        let mut headers: BTreeMap<String, String> = BTreeMap::new();
        let mut id = None;
        if let Some(h) = &msg.headers {
            for (k, vs) in h.iter() {
                let Some(v) = vs.first() else { continue };
                let (k, v) = (k.to_string(), v.to_string());
                if k.eq_ignore_ascii_case("Nats-Msg-Id") || k.eq_ignore_ascii_case("Arc-Id") {
                    id = Some(v);
                } else {
                    headers.insert(k, v);
                }
            }
        }
        let token = header_token(&headers);
        let payload = envelope::payload_from_bytes(&msg.payload, &mut headers);
        let m = Incoming {
            id,
            subject,
            headers,
            payload,
        };
        let ack = match pipeline
            .accept(vec![m], Source::Nats, token.as_deref())
            .await
        {
            Ok(ids) => serde_json::json!({"id": ids.first(), "status": "accepted"}),
            Err(r) => {
                let mut v = r.body();
                v["status"] = "rejected".into();
                v["code"] = r.status().into();
                v
            }
        };
        if let Some(reply) = msg.reply {
            if let Err(e) = client.publish(reply, ack.to_string().into()).await {
                tracing::warn!("nats ingress: could not send an ack: {e}");
            }
        }
    }
}
