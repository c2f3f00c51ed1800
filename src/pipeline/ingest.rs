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
//! An entry that cannot be read (not UTF-8, not an envelope) is refused like any other: set aside
//! with the reason, never retried in a loop, never in the way of the entries behind it.
//!
//! NATS: a queue-group subscription on `ingest.>`; `ingest.X` becomes subject `X`. Headers carry
//! over (`Authorization: Bearer …` authenticates, `Nats-Msg-Id` or `Arc-Id` sets the id); a
//! request's reply subject gets the ack as JSON. A refused message without a reply subject is set
//! aside on `arc:ingest:rejected` (as an envelope, without its token).
//!
//! Both run under the supervisor: a run ends with an error when its connection fails, and is
//! started again.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt as _;
use redis::AsyncCommands as _;

use base64::Engine as _;

use super::dead::{self, DeadLetter, Place};
use super::envelope::{self, Incoming, Source};
use super::fanout::{Pipeline, Rejection};
use super::lease::{Kind, Leases};
use super::queue::{Redis, INGEST_LIST};
use super::supervisor::{doing, Beat, TaskError};

pub(crate) const NATS_INGEST: &str = "ingest.>";
pub(crate) const NATS_QUEUE_GROUP: &str = "arc-pipeline";

/// One run of the Redis ingress (the supervisor restarts it when Redis fails): recover what this
/// consumer left behind, then move and process until the connection fails.
pub(crate) async fn redis_consumer(
    pipeline: Arc<Pipeline>,
    redis: Redis,
    consumer: String,
    leases: Leases,
    hold_limit: Duration,
    beat: Beat,
) -> Result<(), TaskError> {
    let mut held = Held::new(hold_limit);
    let processing = super::lease::ingest_list(&consumer);
    let mut conn = redis.connect(Duration::from_secs(5)).await?;
    let err = |e: redis::RedisError| redis.error(e);
    // Before the list is touched: a claimer checks the lease in the same step as it moves it.
    leases
        .acquire(&mut conn, Kind::Ingest, &consumer)
        .await
        .map_err(doing(format!(
            "could not take the lease of consumer `{consumer}`"
        )))?;
    beat.up();
    'recover: loop {
        // Recovery: whatever is in our processing list was taken but not finished.
        loop {
            let left: Vec<Vec<u8>> = conn.lrange(&processing, -256, -1).await.map_err(err)?;
            if left.is_empty() {
                break;
            }
            tracing::info!(
                "redis ingress: recovering {} entries from {processing}",
                left.len()
            );
            if let Some(wait) = process(
                &pipeline,
                &mut conn,
                &processing,
                left.into_iter().rev().collect(),
                &mut held,
            )
            .await?
            {
                tokio::time::sleep(wait).await;
            }
        }
        loop {
            // Entries are bytes: whatever a producer pushed, it is read, never a decoding error.
            let first: Option<Vec<u8>> = redis::cmd("BLMOVE")
                .arg(INGEST_LIST)
                .arg(&processing)
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
                    .arg(&processing)
                    .arg("RIGHT")
                    .arg("LEFT");
            }
            let more: Vec<Option<Vec<u8>>> = pipe.query_async(&mut conn).await.map_err(err)?;
            entries.extend(more.into_iter().flatten());
            if let Some(wait) =
                process(&pipeline, &mut conn, &processing, entries, &mut held).await?
            {
                // Held back (a backend down, a rate limit): pause, then run what is held again.
                tokio::time::sleep(wait).await;
                continue 'recover;
            }
        }
    }
}

/// Entries a transient failure (a backend down, a stream without a leader, a rate limit) holds
/// in the processing list, retried with the supervisor's backoff. An entry is held at most
/// `limit` of the time the local NATS connection was up (an outage of the whole backbone does
/// not count: every entry would fail alike, and they wait in order); past it, it is set aside
/// with reason `held_too_long` and its last refusal, so one entry the backbone keeps refusing
/// cannot stop the path for ever.
struct Held {
    limit: Duration,
    entries: std::collections::HashMap<Vec<u8>, Hold>,
    backoff: super::supervisor::Backoff,
}

struct Hold {
    /// How long it has been held while NATS was connected.
    counted: Duration,
    last_try: std::time::Instant,
    first: std::time::Instant,
    attempts: u32,
}

impl Held {
    fn new(limit: Duration) -> Self {
        Held {
            limit,
            entries: std::collections::HashMap::new(),
            backoff: super::supervisor::Backoff::new(),
        }
    }

    /// Records one more failed try of `raw`; true once it has been held past the limit.
    fn failed(&mut self, raw: &[u8], connected: bool) -> bool {
        let now = std::time::Instant::now();
        let h = self.entries.entry(raw.to_vec()).or_insert(Hold {
            counted: Duration::ZERO,
            last_try: now,
            first: now,
            attempts: 0,
        });
        if connected {
            h.counted += now.duration_since(h.last_try);
        }
        h.last_try = now;
        h.attempts += 1;
        h.counted >= self.limit
    }
}

/// Runs entries (oldest first) through the pipeline, all at once, and clears the ones that are
/// done (accepted, or refused and set aside on `arc:ingest:rejected` with the reason) from the
/// processing list. A refusal for good (malformed, forbidden, too large for NATS, the topic or
/// the stream, refused by JetStream) is set aside at once: asking again cannot help. Entries
/// that met an outage or a rate limit stay there ([`Held`]); the answer is then how long to
/// pause before running them again.
async fn process(
    pipeline: &Pipeline,
    conn: &mut redis::aio::ConnectionManager,
    processing: &str,
    entries: Vec<Vec<u8>>,
    held: &mut Held,
) -> Result<Option<Duration>, TaskError> {
    let outcomes = futures::future::join_all(entries.iter().map(|raw| async move {
        let m = envelope::parse_incoming(raw).map_err(|m| Rejection::Malformed {
            index: None,
            field: m.field,
            reason: m.reason,
        })?;
        let token = header_token(&m.headers);
        pipeline
            .accept(vec![m], Source::Redis, token.as_deref())
            .await
            .map(|_| ())
    }))
    .await;
    let connected = pipeline.nats_connected();
    let mut done: Vec<&[u8]> = Vec::with_capacity(entries.len());
    let mut letters = Vec::new();
    let mut holding: Option<Rejection> = None;
    for (raw, outcome) in entries.iter().zip(outcomes) {
        match outcome {
            Ok(()) => {
                held.entries.remove(raw);
                done.push(raw);
            }
            // A backend being down is not the message's fault: leave it for the retry (an
            // unknown outcome too: the retry carries the entry's id, when it has one, and is
            // then stored once).
            Err(
                r @ (Rejection::Unavailable { .. }
                | Rejection::RateLimited { .. }
                | Rejection::Unknown { .. }),
            ) => {
                if held.failed(raw, connected) {
                    let h = held.entries.remove(raw.as_slice());
                    let (attempts, since) =
                        h.map_or((1, Duration::ZERO), |h| (h.attempts, h.first.elapsed()));
                    let mut l = refused_letter(raw, &r, "redis");
                    l.reason = "held_too_long".to_owned();
                    l.error = format!(
                        "held {} while NATS was up (tried {attempts} times over {}), past the limit of {} (`arc serve --hold-limit`); the last try: {}",
                        crate::format::duration(held.limit),
                        crate::format::duration(since),
                        crate::format::duration(held.limit),
                        r.message()
                    );
                    done.push(raw);
                    letters.push(l);
                } else {
                    holding.get_or_insert(r);
                }
            }
            Err(r) => {
                held.entries.remove(raw);
                done.push(raw);
                letters.push(refused_letter(raw, &r, "redis"));
            }
        }
    }
    pipeline.metrics.dead_letters(Place::Ingest, letters.len());
    finish(conn, processing, &done, &letters).await?;
    // What is held is what the processing list still has: forget the others.
    let still: std::collections::HashSet<&[u8]> = entries
        .iter()
        .map(Vec::as_slice)
        .filter(|raw| !done.contains(raw))
        .collect();
    held.entries.retain(|k, _| still.contains(k.as_slice()));
    pipeline.metrics.held(
        held.entries.len(),
        held.entries.values().map(|h| h.first.elapsed()).max(),
        holding.as_ref().map(Rejection::message),
    );
    Ok(match holding {
        None => {
            held.backoff.reset();
            None
        }
        Some(Rejection::RateLimited { retry_after, .. }) => Some(retry_after),
        Some(_) => Some(held.backoff.next_pause()),
    })
}

/// An entry's id alone (the rest is skipped unparsed: numbers past f64 do not matter here).
#[derive(serde::Deserialize)]
struct IdOnly {
    id: Option<String>,
}

/// The dead letter of a refused ingress entry.
fn refused_letter(raw: &[u8], r: &Rejection, source: &str) -> DeadLetter {
    let mut l = DeadLetter::new(Place::Ingest, raw, r.reason_label(), r.message());
    l.status = Some(r.status());
    l.source = Some(source.to_owned());
    l.id = serde_json::from_slice::<IdOnly>(raw)
        .ok()
        .and_then(|m| m.id);
    l
}

/// Clears `done` from the processing list and sets `letters` aside, in one transaction.
async fn finish(
    conn: &mut redis::aio::ConnectionManager,
    processing: &str,
    done: &[&[u8]],
    letters: &[DeadLetter],
) -> Result<(), TaskError> {
    if done.is_empty() {
        return Ok(());
    }
    let mut pipe = redis::pipe();
    pipe.atomic();
    dead::push_cmd(&mut pipe, Place::Ingest, letters);
    for raw in done {
        pipe.lrem(processing, -1, *raw).ignore();
    }
    pipe.query_async::<()>(conn)
        .await
        .map_err(doing(format!("could not clear {processing}")))
}

/// `Authorization: Bearer …` among a message's headers (any case).
fn header_token(headers: &BTreeMap<String, String>) -> Option<String> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("authorization"))
        .and_then(|(_, v)| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_owned())
}

/// Serves `ingest.>` until the subscription ends (an error: the supervisor subscribes again).
/// Messages are taken one at a time, in order; a refused one without a reply subject to tell is
/// set aside on `arc:ingest:rejected`.
pub(crate) async fn nats_consumer(
    pipeline: Arc<Pipeline>,
    redis: Redis,
    unsaved: Unsaved,
    beat: Beat,
) -> Result<(), TaskError> {
    let client = pipeline.nats().clone();
    let mut sub = client
        .queue_subscribe(NATS_INGEST, NATS_QUEUE_GROUP.to_owned())
        .await
        .map_err(doing(format!("cannot subscribe to {NATS_INGEST}")))?;
    beat.up();
    let mut retry = tokio::time::interval(Duration::from_secs(1));
    loop {
        let msg = tokio::select! {
            m = sub.next() => m,
            _ = retry.tick() => {
                unsaved.save(&pipeline, &redis).await;
                continue;
            }
        };
        let Some(msg) = msg else { break };
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
        // The answer goes to the producer's inbox, never where arc would act for it.
        let denied = msg
            .reply
            .as_deref()
            .and_then(|r| reply_denied(&pipeline, r));
        let reply = if denied.is_some() {
            None
        } else {
            msg.reply.clone()
        };
        let outcome = match payload.clone() {
            _ if denied.is_some() => {
                pipeline.metrics.rejected("reply_denied", 1);
                Err(Rejection::Forbidden {
                    index: None,
                    reason: denied.unwrap_or_default(),
                    kind: "reply_denied",
                })
            }
            Ok(payload) => {
                let m = Incoming {
                    id: id.clone(),
                    subject: subject.clone(),
                    headers: headers.clone(),
                    payload,
                };
                pipeline
                    .accept(vec![m], Source::Nats, token.as_deref())
                    .await
            }
            Err(m) => {
                pipeline.metrics.rejected("malformed", 1);
                Err(Rejection::Malformed {
                    index: None,
                    field: m.field,
                    reason: m.reason,
                })
            }
        };
        let ack = match &outcome {
            Ok(a) => super::api::ingress::accepted_frame(a),
            Err(r) => {
                let mut v = r.body();
                v["status"] = r.verdict().into();
                v["code"] = r.status().into();
                v
            }
        };
        match (reply, outcome) {
            (Some(reply), _) => {
                if let Err(e) = client.publish(reply, ack.to_string().into()).await {
                    tracing::warn!("nats ingress: could not send an ack: {e}");
                }
            }
            // Nobody to tell: a refusal is set aside where it can be seen. Outages are not the
            // message's fault, but NATS will not deliver it again either: set aside as well.
            (None, Err(r)) => {
                // As an envelope Redis ingress can take again (`retry`), without the token:
                // secrets are not kept.
                headers.retain(|k, _| !k.eq_ignore_ascii_case("authorization"));
                let payload = payload.unwrap_or_else(|_| {
                    envelope::Payload::string(
                        &base64::engine::general_purpose::STANDARD.encode(&msg.payload),
                    )
                });
                let entry = serde_json::to_string(&LetterEntry {
                    id: id.as_deref(),
                    subject: &subject,
                    headers: &headers,
                    payload: &payload,
                })
                .unwrap_or_default();
                let mut l = refused_letter(entry.as_bytes(), &r, "nats");
                l.id.clone_from(&id);
                unsaved.keep(l);
                unsaved.save(&pipeline, &redis).await;
            }
            (None, Ok(_)) => {}
        }
    }
    Err(format!("the subscription to {NATS_INGEST} ended").into())
}

/// Why NATS ingress will not answer on `reply`, if it will not: the answer is published on
/// arc's own connection, so a reply subject is where arc would publish for the producer. NATS's
/// own API (`$JS.>` purges and deletes streams, `$SYS.>`, `$KV.>`, every `$…`), arc's and the
/// ingress's subjects, and a subject a stream captures (the answer would be stored) are refused;
/// the message is then set aside with the reason, never run.
fn reply_denied(pipeline: &Pipeline, reply: &str) -> Option<String> {
    let why = if reply.starts_with('$') {
        "NATS's own API (`$JS`, `$SYS`, `$KV`, …)".to_owned()
    } else if let Some(r) = envelope::reserved(reply).filter(|r| *r != "_INBOX.>") {
        format!("reserved for arc (`{r}`)")
    } else if let Some(stream) = pipeline.stream_for(reply) {
        format!("captured by stream `{stream}`: the answer would be stored")
    } else {
        return None;
    };
    Some(format!(
        "the reply subject `{reply}` is {why}; NATS ingress answers only to a requester's inbox (`_INBOX.…`, what `nats request` and every client's request use)"
    ))
}

/// Letters of NATS ingress messages (refused without a reply subject) that could not be set
/// aside yet: Redis down or out of memory, the very outage that refused many of them. NATS will
/// not deliver such a message again, so the letter is the only copy: it is kept in the process
/// (across the consumer's restarts), set aside as soon as Redis takes it (retried every second),
/// shown in `/readyz` (`unsaved_letters`) and `/metrics`, and at most [`UNSAVED_MAX`] of them are
/// kept: past that the oldest goes to the server's log as an ERROR line with its whole entry.
#[derive(Clone, Default)]
pub(crate) struct Unsaved(Arc<std::sync::Mutex<std::collections::VecDeque<DeadLetter>>>);

/// How many letters [`Unsaved`] keeps.
pub(crate) const UNSAVED_MAX: usize = 10_000;

impl Unsaved {
    fn lock(&self) -> std::sync::MutexGuard<'_, std::collections::VecDeque<DeadLetter>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn keep(&self, l: DeadLetter) {
        let mut q = self.lock();
        q.push_back(l);
        while q.len() > UNSAVED_MAX {
            if let Some(old) = q.pop_front() {
                tracing::error!(
                    "nats ingress: {UNSAVED_MAX} letters wait for Redis; dropping the oldest, here whole: {}",
                    serde_json::to_string(&old).unwrap_or_default()
                );
            }
        }
    }

    /// How many wait.
    pub(crate) fn len(&self) -> usize {
        self.lock().len()
    }

    /// Sets aside what waits, if Redis takes it now.
    async fn save(&self, pipeline: &Pipeline, redis: &Redis) {
        let letters: Vec<DeadLetter> = self.lock().iter().cloned().collect();
        if letters.is_empty() {
            return;
        }
        let set_aside = async {
            let mut conn = redis.conn().await?;
            dead::push(&mut conn, Place::Ingest, &letters)
                .await
                .map_err(|e| redis.error(e))
        };
        match set_aside.await {
            Ok(_) => {
                let mut q = self.lock();
                let n = letters.len().min(q.len());
                q.drain(..n);
                pipeline.metrics.dead_letters(Place::Ingest, n);
                if n > 1 || !q.is_empty() {
                    tracing::info!("nats ingress: set aside {n} letters that waited for Redis");
                }
            }
            Err(e) => tracing::warn!(
                "nats ingress: {} refused message(s) wait to be set aside: {}",
                letters.len(),
                crate::format::chain(&e)
            ),
        }
        pipeline.metrics.unsaved(self.len());
    }
}

/// A NATS message set aside, as an envelope for Redis ingress.
#[derive(serde::Serialize)]
struct LetterEntry<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    subject: &'a str,
    headers: &'a BTreeMap<String, String>,
    payload: &'a envelope::Payload,
}
