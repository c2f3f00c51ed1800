//! The one pipeline function every ingress calls: normalize → validate → constraints → route.
//!
//! A batch is accepted whole or refused whole: every message is checked before any is sent, the
//! rate limits are taken for the batch at once, and the answer comes only after NATS has every
//! message (a server round trip on the connection, see `barrier`; for a durable topic or a
//! subject a stream captures, JetStream's acknowledgement) and then the Redis log queue has them.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::Ordering;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use async_nats::connection::State as NatsState;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::barrier::Barrier;
use super::config::{CompiledTopic, Snapshot};
use super::envelope::{self, Envelope, Incoming, Malformed, Source};
use super::ids::{IdRegistry, Named};
use super::metrics::Metrics;
use super::policy::{self, Verdict};
use super::queue::{LogQueue, QueueError, RateLimiter, Take};
use super::slots::{self, PolicySlots};
use crate::bus::nats::redact;
use crate::bus::subject;

pub(crate) use super::rejection::{LimitBy, Rejection};
use crate::bus::jetstream::Capture;

/// Who a request comes from.
#[derive(Debug, Clone)]
pub(crate) struct Identity {
    pub name: String,
    pub publish: Vec<String>,
}

/// The Fanout: shared by every ingress.
pub(crate) struct Pipeline {
    snapshot: RwLock<Option<Arc<Snapshot>>>,
    nats: async_nats::Client,
    nats_url: String,
    jetstream: async_nats::jetstream::Context,
    pool: tokio::sync::Mutex<HashMap<String, async_nats::Client>>,
    queue: LogQueue,
    limiter: RateLimiter,
    ids: IdRegistry,
    policy_slots: Arc<PolicySlots>,
    barrier: Barrier,
    /// (the connection's `connects` count, its server's `max_payload`)
    max_payload: std::sync::Mutex<(u64, usize)>,
    /// The subjects the local backbone's streams capture (`None` until first listed).
    captured: RwLock<Option<Arc<Vec<Capture>>>>,
    /// How long a request waits for JetStream to say whether it stored its messages, asking
    /// again with the same `Nats-Msg-Id` while no acknowledgement comes; past it the answer is
    /// 504 `outcome_unknown`.
    ack_deadline: Duration,
    pub metrics: Arc<Metrics>,
}

impl Pipeline {
    pub(crate) fn new(
        nats: async_nats::Client,
        nats_url: String,
        queue: LogQueue,
        limiter: RateLimiter,
        ids: IdRegistry,
        ack_deadline: Duration,
    ) -> Self {
        let jetstream = async_nats::jetstream::new(nats.clone());
        let barrier = Barrier::start(nats.clone());
        Pipeline {
            snapshot: RwLock::new(None),
            nats,
            nats_url,
            jetstream,
            pool: tokio::sync::Mutex::default(),
            queue,
            limiter,
            ids,
            policy_slots: PolicySlots::new(slots::SLOTS, slots::PER_IDENTITY),
            barrier,
            max_payload: std::sync::Mutex::new((0, 0)),
            captured: RwLock::new(None),
            ack_deadline,
            metrics: Arc::new(Metrics::default()),
        }
    }

    /// The policy-evaluation slots (their state is in `/readyz` and `/metrics`).
    pub(crate) fn policy_slots(&self) -> &PolicySlots {
        &self.policy_slots
    }

    pub(crate) fn nats(&self) -> &async_nats::Client {
        &self.nats
    }

    pub(crate) fn snapshot(&self) -> Option<Arc<Snapshot>> {
        self.snapshot.read().ok().and_then(|s| s.clone())
    }

    pub(crate) fn set_snapshot(&self, s: Snapshot) {
        if let Ok(mut slot) = self.snapshot.write() {
            *slot = Some(Arc::new(s));
        }
        self.metrics.config_reloaded();
    }

    /// NATS's `max_payload` (0 before the first INFO), read from the server's INFO again only
    /// when the connection was re-established (cloning the INFO on every request costs).
    fn max_payload(&self) -> usize {
        let connects = self.nats.statistics().connects.load(Ordering::Relaxed);
        let (seen, max) = *self
            .max_payload
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if seen == connects && max > 0 {
            return max;
        }
        let max = self.nats.server_info().max_payload;
        *self
            .max_payload
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = (connects, max);
        max
    }

    /// Records what the local backbone's streams capture (see `watch_streams` in `serve`).
    pub(crate) fn set_captured(&self, mut subjects: Vec<Capture>) {
        subjects.sort_by(|a, b| a.pattern.cmp(&b.pattern));
        if let Ok(mut slot) = self.captured.write() {
            if slot.as_deref() != Some(&subjects) {
                tracing::info!(
                    "JetStream acknowledges what the streams capture: {}",
                    if subjects.is_empty() {
                        "(no streams)".to_owned()
                    } else {
                        subjects
                            .iter()
                            .map(|c| match c.max_msg_size {
                                Some(max) => {
                                    format!("{} ({}, max_msg_size {max})", c.pattern, c.stream)
                                }
                                None => format!("{} ({})", c.pattern, c.stream),
                            })
                            .collect::<Vec<_>>()
                            .join(", ")
                    }
                );
                *slot = Some(Arc::new(subjects));
            }
        }
    }

    /// Whether a stream on the local backbone stores `subject`. Such a message is published
    /// through JetStream and answered after the stream's acknowledgement, whatever its topic
    /// says: a core publish is confirmed by the node the pipeline is connected to only, and a
    /// clustered stream whose leader died (or sits behind a broken route) misses it, so a 2xx
    /// would promise what the stream does not have. Before the streams were first listed
    /// nobody can tell: refused.
    fn captured(&self, subject: &str) -> Result<Option<Capture>, Rejection> {
        let listing = self.captured.read().ok().and_then(|c| c.clone());
        let listing = listing.ok_or_else(|| {
            Rejection::unavailable(
                "the pipeline has not listed the backbone's streams yet (is JetStream answering?)",
            )
        })?;
        Ok(listing
            .iter()
            .find(|c| subject::matches(&c.pattern, subject))
            .cloned())
    }

    /// The stream the last listing says captures `subject` on the local backbone.
    pub(crate) fn stream_for(&self, subject: &str) -> Option<String> {
        self.captured(subject).ok().flatten().map(|c| c.stream)
    }

    pub(crate) fn nats_connected(&self) -> bool {
        self.nats.connection_state() == NatsState::Connected
    }

    /// Who `token` stands for. No identities configured: everyone is `anonymous`.
    // A method, so callers ask the pipeline they are serving who a token is.
    #[allow(clippy::unused_self)]
    pub(crate) fn authenticate(
        &self,
        snap: &Snapshot,
        token: Option<&str>,
    ) -> Result<Identity, Rejection> {
        if snap.identities.is_empty() {
            return Ok(Identity {
                name: "anonymous".to_owned(),
                publish: vec![">".to_owned()],
            });
        }
        let Some(token) = token.filter(|t| !t.is_empty()) else {
            return Err(Rejection::Unauthenticated(
                "a bearer token is required (Authorization: Bearer TOKEN)".to_owned(),
            ));
        };
        let digest: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        // Compare against every identity, whatever matches, so timing does not tell which.
        let mut found = None;
        for (hash, id) in &snap.identities {
            if bool::from(hash.ct_eq(&digest)) {
                found = Some(id);
            }
        }
        found
            .map(|id| Identity {
                name: id.name.clone(),
                publish: id.publish.clone(),
            })
            .ok_or_else(|| Rejection::Unauthenticated("the bearer token is not valid".to_owned()))
    }

    /// Runs a batch through the pipeline; returns the accepted ids in order.
    pub(crate) async fn accept(
        &self,
        batch: Vec<Incoming>,
        source: Source,
        token: Option<&str>,
    ) -> Result<Accepted, Rejection> {
        let began = Instant::now();
        let n = batch.len().max(1);
        let result = self.accept_inner(batch, source, token).await;
        match &result {
            Ok(a) => self.metrics.accepted(source, a.ids.len()),
            Err(Rejection::Partial {
                accepted, failed, ..
            }) => {
                self.metrics.accepted(source, accepted.len());
                let why = failed
                    .first()
                    .map_or("unavailable", |(_, _, r)| r.reason_label());
                self.metrics.rejected(why, n - accepted.len());
            }
            Err(r) => self.metrics.rejected(r.reason_label(), n),
        }
        self.metrics.observe(began.elapsed());
        result
    }

    async fn accept_inner(
        &self,
        batch: Vec<Incoming>,
        source: Source,
        token: Option<&str>,
    ) -> Result<Accepted, Rejection> {
        let snap = self.snapshot().ok_or_else(|| {
            Rejection::unavailable(
                "the pipeline has not loaded its configuration yet (is the log store up?)",
            )
        })?;
        let who = self.authenticate(&snap, token)?;
        let indexed = batch.len() > 1;
        let ts = envelope::now_ms();
        // NATS's own ceiling on payload + headers (0 until the first INFO: nothing is published
        // then anyway, the connection check refuses first).
        let max_payload = self.max_payload();
        let mut checked = Vec::with_capacity(batch.len());
        for (i, m) in batch.into_iter().enumerate() {
            let index = indexed.then_some(i);
            checked.push(Self::check(&snap, &who, m, source, ts, index, max_payload)?);
        }
        if checked.is_empty() {
            return Ok(Accepted::default());
        }
        self.check_streams(&snap, &checked)?;
        if checked.iter().any(|c| !c.topic.policies.is_empty()) {
            // Without identities everyone is `anonymous`: no producer can be told from another.
            let share = (!snap.identities.is_empty()).then_some(who.name.as_str());
            checked = self.apply_policies(share, checked).await?;
        }
        self.take_rate(&checked).await?;
        self.claim_ids(&checked).await?;
        let ids: Vec<String> = checked.iter().map(|c| c.envelope.id.clone()).collect();
        let duplicates = self
            .deliver(&snap, checked)
            .await
            .map_err(|r| r.with_ids(&ids))?;
        Ok(Accepted { ids, duplicates })
    }

    /// Normalizes and checks one message against its topic and NATS's limits.
    fn check(
        snap: &Snapshot,
        who: &Identity,
        m: Incoming,
        source: Source,
        ts: chrono::DateTime<chrono::Utc>,
        index: Option<usize>,
        max_payload: usize,
    ) -> Result<Checked, Rejection> {
        let bad = |m: Malformed| Rejection::malformed(index, m);
        let given_id = m.id.is_some();
        let id = match m.id {
            Some(id) => {
                envelope::check_id(&id).map_err(bad)?;
                id
            }
            None => envelope::new_id(),
        };
        envelope::check_subject(&m.subject).map_err(bad)?;
        let mut headers = m.headers;
        if headers
            .keys()
            .any(|k| k.eq_ignore_ascii_case("authorization"))
        {
            headers.retain(|k, _| !k.eq_ignore_ascii_case("authorization"));
        }
        envelope::check_headers(&headers).map_err(bad)?;
        let bytes = envelope::payload_bytes(&m.payload, &headers).map_err(bad)?;
        envelope::check_depth(&m.payload).map_err(bad)?;
        let forbidden = |reason: String, kind: &'static str| Rejection::Forbidden {
            index,
            reason,
            kind,
        };
        if let Some(r) = envelope::reserved(&m.subject) {
            return Err(forbidden(
                format!("subject `{}` is reserved (`{r}`)", m.subject),
                "subject_denied",
            ));
        }
        let topic = snap.topic_for(&m.subject).clone();
        check_subject_rules(&topic, &m.subject)
            .map_err(|reason| forbidden(reason, "subject_denied"))?;
        if !who.publish.iter().any(|p| subject::matches(p, &m.subject)) {
            return Err(forbidden(
                format!(
                    "`{}` may not publish to `{}` (allowed: {})",
                    who.name,
                    m.subject,
                    who.publish.join(", ")
                ),
                "forbidden",
            ));
        }
        let envelope = Envelope {
            id,
            subject: m.subject,
            topic: topic.name.clone(),
            ts,
            source,
            sender: who.name.clone(),
            headers,
            payload: m.payload,
        };
        // What NATS counts: the payload and the header block as they go out.
        let header_len = nats_header_len(&envelope);
        let size = bytes.len() + header_len;
        let topic_limit = snap.max_bytes(&topic);
        let (limit, by) = if max_payload > 0 && max_payload < topic_limit {
            (max_payload, LimitBy::Nats)
        } else {
            (topic_limit, LimitBy::Topic(topic.name.clone()))
        };
        if size > limit {
            return Err(Rejection::TooLarge {
                index,
                size,
                headers: header_len,
                limit,
                by,
            });
        }
        Ok(Checked {
            envelope,
            bytes,
            topic,
            index,
            header_len,
            given_id,
        })
    }

    /// Checks every message of a batch against what the stream that will store it refuses for
    /// good, by the pipeline's listing of the streams, before anything of the batch is
    /// published: a durable topic's message that no stream captures, a sealed stream, a message
    /// over the stream's `max_msg_size` (as JetStream counts it: payload and headers). JetStream
    /// would refuse them once published (core subscribers would have seen them), and a retry
    /// could never succeed. Messages for a remote backbone are not checked here (its streams are
    /// not listed); the answer of their stream decides.
    fn check_streams(&self, snap: &Snapshot, checked: &[Checked]) -> Result<(), Rejection> {
        for c in checked {
            if self.remote_url(snap, &c.envelope).is_some() {
                continue;
            }
            let subject = &c.envelope.subject;
            let Some(capture) = self.captured(subject)? else {
                if c.topic.spec.durable {
                    return Err(Rejection::Refused {
                        index: c.index,
                        code: None,
                        reason: no_stream(subject),
                    });
                }
                continue;
            };
            if capture.sealed {
                return Err(Rejection::Refused {
                    index: c.index,
                    code: None,
                    reason: format!(
                        "stream `{}`, which captures `{subject}`, is sealed: it takes no message",
                        capture.stream
                    ),
                });
            }
            let size = c.bytes.len() + c.header_len;
            if c.header_len > JETSTREAM_MAX_HEADERS {
                return Err(Rejection::TooLarge {
                    index: c.index,
                    size,
                    headers: c.header_len,
                    limit: JETSTREAM_MAX_HEADERS,
                    by: LimitBy::StreamHeaders(capture.stream),
                });
            }
            if let Some(max) = capture.max_msg_size.filter(|max| size > *max) {
                return Err(Rejection::TooLarge {
                    index: c.index,
                    size,
                    headers: c.header_len,
                    limit: max,
                    by: LimitBy::Stream(capture.stream),
                });
            }
        }
        Ok(())
    }

    /// Runs the topics' policies over the batch on the blocking pool, one message at a time: a
    /// policy that errs, panics, overruns or would run past its budget on the message refuses it;
    /// the async workers never wait on CEL. Each message takes a slot (see `slots`: at most
    /// [`slots::SLOTS`] at once, [`slots::PER_IDENTITY`] of them for one identity `who`, when
    /// identities are configured) and gives it
    /// back once decided, so a batch cannot keep a slot for the time of all its messages. A
    /// message's cost is estimated before it runs (`policy::decide`), so a slot is held about
    /// [`policy::BUDGET`] at most; an evaluation that still overruns (it cannot be stopped
    /// mid-way) keeps its slot until it ends, and the message is refused.
    async fn apply_policies(
        &self,
        who: Option<&str>,
        checked: Vec<Checked>,
    ) -> Result<Vec<Checked>, Rejection> {
        let mut out = Vec::with_capacity(checked.len());
        for c in checked {
            if c.topic.policies.is_empty() {
                out.push(c);
            } else {
                out.push(self.apply_policies_to(who, c).await?);
            }
        }
        Ok(out)
    }

    async fn apply_policies_to(&self, who: Option<&str>, c: Checked) -> Result<Checked, Rejection> {
        let permit = self
            .policy_slots
            .acquire(who, slots::WAIT)
            .await
            .map_err(Rejection::unavailable)?;
        let index = c.index;
        let topic = c.topic.name.clone();
        let forbidden = move |reason: String, kind: &'static str| Rejection::Forbidden {
            index,
            reason,
            kind,
        };
        let deadline = policy::BUDGET + Duration::from_millis(100);
        let work = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let verdict = policy::decide(&c.topic.policies, &c.envelope, c.bytes.len());
            (c, verdict)
        });
        let (mut c, verdict) = match tokio::time::timeout(deadline, work).await {
            Ok(Ok(done)) => done,
            Ok(Err(e)) => {
                return Err(forbidden(
                    format!("the policies of topic `{topic}` failed: {e}"),
                    "policy_error",
                ))
            }
            Err(_) => {
                return Err(forbidden(
                    format!(
                        "the policies of topic `{topic}` did not finish within {} ms; the budget is {} ms a message",
                        deadline.as_millis(),
                        policy::BUDGET.as_millis()
                    ),
                    "policy_error",
                ))
            }
        };
        match verdict {
            Verdict::Accept => {}
            Verdict::Deny { reason, .. } => return Err(forbidden(reason, "policy_denied")),
            Verdict::Error { reason, .. } => return Err(forbidden(reason, "policy_error")),
            Verdict::OverBudget { reason, .. } => return Err(forbidden(reason, "policy_budget")),
            Verdict::Route { policy, subject } => {
                // Checked when written; checked again, a route must never loop.
                if let Err(m) = envelope::check_subject(&subject) {
                    return Err(forbidden(
                        format!(
                            "policy `{policy}` routes to an invalid subject: {}",
                            m.reason
                        ),
                        "policy_error",
                    ));
                }
                if let Some(r) = envelope::reserved(&subject) {
                    return Err(forbidden(
                        format!(
                            "policy `{policy}` routes to `{subject}`, which is reserved (`{r}`)"
                        ),
                        "policy_error",
                    ));
                }
                c.envelope.subject = subject;
            }
        }
        Ok(c)
    }

    /// Binds the producers' ids of a request to what they name, or refuses it (409) when one
    /// names other content already: before anything is published (see [`IdRegistry`]).
    async fn claim_ids(&self, checked: &[Checked]) -> Result<(), Rejection> {
        let given: Vec<&Checked> = checked.iter().filter(|c| c.given_id).collect();
        let named: Vec<Named<'_>> = given
            .iter()
            .map(|c| Named {
                id: &c.envelope.id,
                sender: &c.envelope.sender,
                subject: &c.envelope.subject,
                headers: &c.envelope.headers,
                payload: &c.bytes,
            })
            .collect();
        match self.ids.claim(&named).await {
            Ok(None) => Ok(()),
            Ok(Some(i)) => {
                let c = given[i];
                Err(Rejection::Conflict {
                    index: c.index,
                    id: c.envelope.id.clone(),
                    reason: format!(
                        "id `{}` already names another message (another sender, subject, headers or payload) within the last {}: an id names one message; a retry must repeat it exactly, and a new message needs a new id",
                        c.envelope.id,
                        crate::format::duration(self.ids.memory())
                    ),
                })
            }
            Err(e) => Err(Rejection::unavailable(e.to_string())),
        }
    }

    async fn take_rate(&self, checked: &[Checked]) -> Result<(), Rejection> {
        let mut takes: BTreeMap<String, Take> = BTreeMap::new();
        for c in checked {
            let rl = &c.topic.spec.rate_limit;
            let add = |takes: &mut BTreeMap<String, Take>, key: String, r: super::config::Rate| {
                takes
                    .entry(key.clone())
                    .or_insert(Take {
                        key,
                        per_second: r.per_second,
                        burst: r.burst,
                        quantity: 0,
                    })
                    .quantity += 1;
            };
            if let Some(r) = rl.per_topic {
                add(&mut takes, format!("arc:rl:topic:{}", c.topic.name), r);
            }
            if let Some(r) = rl.per_sender {
                add(
                    &mut takes,
                    format!("arc:rl:sender:{}:{}", c.topic.name, c.envelope.sender),
                    r,
                );
            }
        }
        let takes: Vec<Take> = takes.into_values().collect();
        if let Some(t) = takes.iter().find(|t| t.quantity > t.burst) {
            return Err(Rejection::RateLimited {
                retry_after: Duration::from_secs(1),
                reason: format!(
                    "a batch of {} messages exceeds the burst of {} for `{}`; send smaller batches",
                    t.quantity,
                    t.burst,
                    t.key.trim_start_matches("arc:rl:")
                ),
            });
        }
        match self.limiter.take(&takes).await {
            Ok(None) => Ok(()),
            Ok(Some(wait)) => Err(Rejection::RateLimited {
                retry_after: wait,
                reason: format!(
                    "rate limit reached; retry in {} ms",
                    wait.as_millis().max(1)
                ),
            }),
            Err(e) => Err(Rejection::unavailable(e.to_string())),
        }
    }

    /// Publishes to NATS and pushes to the log queue, both confirmed before answering. A message
    /// NATS refuses (JetStream storing it, or NATS down) is never logged: the log holds what was
    /// accepted. So a request with a JetStream or remote-backbone message pushes once NATS has
    /// confirmed; a request of core NATS messages on the local connection (the common case) pushes
    /// while the barrier's round trip travels, and pays for the longer of the two rather than
    /// both. Core NATS cannot refuse a message it was sent: the round trip fails only when the
    /// connection broke, and then NATS may or may not have the message, so the log may too; the
    /// producer is answered 503 either way and a retry with the same id is logged once. When the
    /// queue push fails after NATS took the message, the producer is answered 503 although NATS
    /// has it; a retry with the same id is stored once in the log (and dropped as a duplicate by
    /// JetStream within its window). A queue that the depth gauge already shows full refuses
    /// before anything is published.
    async fn deliver(
        &self,
        snap: &Snapshot,
        checked: Vec<Checked>,
    ) -> Result<Vec<String>, Rejection> {
        let bound = snap.queue_bound();
        let depth = self.metrics.current_queue_depth();
        if depth + checked.len() as u64 > bound {
            return Err(Rejection::Unavailable {
                reason: QueueError::Full { depth, bound }.to_string(),
                kind: "queue_full",
            });
        }
        let items: Vec<String> = checked
            .iter()
            .map(|c| serde_json::to_string(&c.envelope).unwrap_or_default())
            .collect();
        let ids: Vec<String> = checked.iter().map(|c| c.envelope.id.clone()).collect();
        let indexed = checked.len() > 1;
        let (sent, unsent) = self.publish(snap, checked).await?;
        if unsent.is_none() && sent.acks.is_empty() && sent.remotes.is_empty() {
            // Core NATS on the local connection only: one round trip confirms them all, and the
            // push travels beside it.
            let (confirmed, pushed) =
                tokio::join!(self.confirm(sent), self.queue.push(items, bound));
            if let Some(Err(r)) = confirmed.into_iter().find(Result::is_err) {
                return Err(r);
            }
            return self.pushed(pushed).map(|()| Vec::new());
        }
        let fates = self.confirm(sent).await;
        // What JetStream (or the backbone) took goes to the log; the rest is told apart.
        let mut accepted = Vec::new();
        let mut duplicates = Vec::new();
        let mut failed = Vec::new();
        let mut keep = Vec::new();
        for (i, fate) in fates.into_iter().enumerate() {
            match fate {
                Ok(duplicate) => {
                    accepted.push(ids[i].clone());
                    keep.push(items[i].clone());
                    if duplicate {
                        duplicates.push(ids[i].clone());
                    }
                }
                Err(r) => failed.push((i, ids[i].clone(), r)),
            }
        }
        let mut next = accepted.len() + failed.len();
        if let Some((at, r)) = unsent {
            failed.push((at, ids[at].clone(), r));
            next = at + 1;
        }
        let not_sent = ids[next.min(ids.len())..].to_vec();
        if accepted.is_empty() {
            // Nothing of it is anybody's: the first failure is the answer.
            let (at, _, r) = failed.swap_remove(0);
            return Err(r.at(indexed.then_some(at)));
        }
        if !keep.is_empty() {
            self.pushed(self.queue.push(keep, bound).await)?;
        }
        if failed.is_empty() {
            return Ok(duplicates);
        }
        Err(Rejection::Partial {
            accepted,
            failed: failed
                .into_iter()
                .map(|(i, id, r)| (i, id, Box::new(r)))
                .collect(),
            not_sent,
        })
    }

    /// The answer to a push to the log queue.
    fn pushed(&self, pushed: Result<u64, QueueError>) -> Result<(), Rejection> {
        match pushed {
            Ok(depth) => {
                self.metrics.queue_depth(depth);
                Ok(())
            }
            Err(e @ QueueError::Full { .. }) => Err(Rejection::Unavailable {
                reason: e.to_string(),
                kind: "queue_full",
            }),
            Err(e) => Err(Rejection::unavailable(e.to_string())),
        }
    }

    /// Sends the messages, in order; [`Pipeline::confirm`] then waits for NATS to have them. A
    /// message that cannot be sent (a connection lost, a remote backbone unreachable) stops the
    /// request there: what went out before it is in [`Sent`], and the failure comes with its
    /// place; nothing after it is sent.
    async fn publish(
        &self,
        snap: &Snapshot,
        checked: Vec<Checked>,
    ) -> Result<(Sent, Option<(usize, Rejection)>), Rejection> {
        // The local connection is checked once per request, not per message.
        if !self.nats_connected() {
            return Err(Rejection::unavailable(format!(
                "NATS at {} is not connected",
                redact(&self.nats_url)
            )));
        }
        let mut sent = Sent {
            generation: self.barrier.generation(),
            local_core: Vec::new(),
            remotes: Vec::new(),
            acks: Vec::new(),
            count: 0,
            deadline: Instant::now() + self.ack_deadline,
        };
        for (at, c) in checked.into_iter().enumerate() {
            if let Err(r) = self.send(snap, c, at, &mut sent).await {
                return Ok((sent, Some((at, r))));
            }
            sent.count += 1;
        }
        Ok((sent, None))
    }

    /// Sends one message (the request's `at`th), noting in `sent` what confirms it.
    async fn send(
        &self,
        snap: &Snapshot,
        c: Checked,
        at: usize,
        sent: &mut Sent,
    ) -> Result<(), Rejection> {
        let remote = self.remote_backbone(snap, &c.envelope).await?;
        let client = remote.as_ref().map_or(&self.nats, |(_, c)| c);
        let headers = nats_headers(&c.envelope);
        let payload = bytes::Bytes::from(c.bytes);
        let capture = match remote {
            None => self.captured(&c.envelope.subject)?,
            Some(_) => None,
        };
        if c.topic.spec.durable || capture.is_some() {
            let js = if remote.is_none() {
                self.jetstream.clone()
            } else {
                async_nats::jetstream::new(client.clone())
            };
            let ack = js
                .publish_with_headers(c.envelope.subject.clone(), headers.clone(), payload.clone())
                .await
                .map_err(|e| {
                    Rejection::unavailable(format!(
                        "JetStream publish to `{}` failed: {e}",
                        c.envelope.subject
                    ))
                })?;
            sent.acks.push((
                at,
                Pending {
                    js,
                    subject: c.envelope.subject.clone(),
                    id: c.envelope.id.clone(),
                    headers,
                    payload,
                    stream: capture.map(|c| c.stream),
                    ack,
                },
            ));
        } else {
            client
                .publish_with_headers(c.envelope.subject.clone(), headers, payload)
                .await
                .map_err(|e| Rejection::unavailable(format!("NATS publish failed: {e}")))?;
            match remote {
                Some((url, client)) => match sent.remotes.iter_mut().find(|(k, _, _)| *k == url) {
                    Some((_, _, ats)) => ats.push(at),
                    None => sent.remotes.push((url, client, vec![at])),
                },
                None => sent.local_core.push(at),
            }
        }
        Ok(())
    }

    /// Waits until NATS has what [`Pipeline::publish`] sent, and says for each message sent
    /// (by its place) whether it has it (JetStream's answers as [`Pending::stored`] reads them,
    /// all awaited together within the request's deadline).
    async fn confirm(&self, sent: Sent) -> Vec<Result<bool, Rejection>> {
        let Sent {
            generation,
            local_core,
            remotes,
            acks,
            count,
            deadline,
        } = sent;
        // Ok(true): JetStream already had it (stored by an earlier ask of its id).
        let mut fates: Vec<Result<bool, Rejection>> = vec![Ok(false); count];
        // Core NATS: a server round trip on the local connection proves it processed them.
        if !local_core.is_empty() {
            if let Err(e) = self.barrier.wait(generation).await {
                let r = Rejection::unavailable(e);
                for at in local_core {
                    fates[at] = Err(r.clone());
                }
            }
        }
        for (_, client, ats) in remotes {
            let flushed = match tokio::time::timeout(Duration::from_secs(2), client.flush()).await {
                Err(_) => Err(Rejection::unavailable(
                    "NATS did not take the messages within 2 s",
                )),
                Ok(Err(e)) => Err(Rejection::unavailable(format!("NATS flush failed: {e}"))),
                Ok(Ok(())) => Ok(()),
            };
            if let Err(r) = flushed {
                for at in ats {
                    fates[at] = Err(r.clone());
                }
            }
        }
        let stored = futures::future::join_all(
            acks.into_iter()
                .map(|(at, p)| async move { (at, p.stored(deadline).await) }),
        )
        .await;
        for (at, r) in stored {
            fates[at] = r;
        }
        fates
    }

    /// The backbone a message goes to when it is not the local one: the one registered for its
    /// `org` header. Connections are pooled per URL.
    async fn remote_backbone(
        &self,
        snap: &Snapshot,
        e: &Envelope,
    ) -> Result<Option<(String, async_nats::Client)>, Rejection> {
        let Some(url) = self.remote_url(snap, e) else {
            return Ok(None);
        };
        let mut pool = self.pool.lock().await;
        if let Some(c) = pool
            .get(url)
            .filter(|c| c.connection_state() == NatsState::Connected)
        {
            return Ok(Some((url.clone(), c.clone())));
        }
        let client = tokio::time::timeout(
            Duration::from_secs(2),
            async_nats::ConnectOptions::new()
                .name("arc-pipeline")
                .ping_interval(super::NATS_PING)
                .connect(crate::bus::nats::server_list(url)),
        )
        .await
        .map_err(|_| {
            Rejection::unavailable(format!(
                "the backbone at {} did not answer within 2 s",
                redact(url)
            ))
        })?
        .map_err(|err| {
            Rejection::unavailable(format!(
                "cannot reach the backbone at {}: {err}",
                redact(url)
            ))
        })?;
        pool.insert(url.clone(), client.clone());
        Ok(Some((url.clone(), client)))
    }
}

impl Pipeline {
    /// The URL of the backbone registered for a message's `org` header, when it is not the
    /// local one.
    fn remote_url<'s>(&self, snap: &'s Snapshot, e: &Envelope) -> Option<&'s String> {
        e.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("org"))
            .and_then(|(_, org)| snap.backbones.get(org))
            .filter(|u| **u != self.nats_url)
    }
}

fn check_subject_rules(topic: &CompiledTopic, s: &str) -> Result<(), String> {
    if let Some(p) = topic.spec.deny.iter().find(|p| subject::matches(p, s)) {
        return Err(format!(
            "subject `{s}` is denied on topic `{}` (`{p}`)",
            topic.name
        ));
    }
    if !topic.spec.allow.is_empty() && !topic.spec.allow.iter().any(|p| subject::matches(p, s)) {
        return Err(format!(
            "subject `{s}` is not allowed on topic `{}` (allowed: {})",
            topic.name,
            topic.spec.allow.join(", ")
        ));
    }
    Ok(())
}

/// The size of the header block [`nats_headers`] makes, without making it.
fn nats_header_len(e: &Envelope) -> usize {
    envelope::nats_header_len(
        e.headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .chain([
                ("Nats-Msg-Id", e.id.as_str()),
                ("Arc-Sender", e.sender.as_str()),
                ("Arc-Source", e.source.as_str()),
                ("Arc-Topic", e.topic.as_str()),
                ("Arc-Ts", "2026-01-01T00:00:00.000Z"),
            ]),
    )
}

/// The headers a message carries on NATS: the producer's, then the pipeline's.
fn nats_headers(e: &Envelope) -> async_nats::HeaderMap {
    let mut h = async_nats::HeaderMap::new();
    for (k, v) in &e.headers {
        h.insert(k.as_str(), v.as_str());
    }
    h.insert("Nats-Msg-Id", e.id.as_str());
    h.insert("Arc-Sender", e.sender.as_str());
    h.insert("Arc-Source", e.source.as_str());
    h.insert("Arc-Topic", e.topic.as_str());
    h.insert("Arc-Ts", &*envelope::format_ts(&e.ts));
    h
}

/// What a request got in: its ids in order, and those JetStream already had (its answer said
/// *duplicate*: an earlier send of the same id was stored, so this one stored nothing new).
#[derive(Debug, Default)]
pub(crate) struct Accepted {
    pub ids: Vec<String>,
    pub duplicates: Vec<String>,
}

/// What a request published and has yet to see confirmed; messages by their place in it.
struct Sent {
    /// The local connection's generation before the publishes (see `barrier`).
    generation: u64,
    /// Core NATS messages that went out on the local connection.
    local_core: Vec<usize>,
    /// Remote backbones' connections (by URL) with the core NATS messages on each.
    remotes: Vec<(String, async_nats::Client, Vec<usize>)>,
    /// JetStream's answers to wait for.
    acks: Vec<(usize, Pending)>,
    /// How many went out (the first `count` of the request).
    count: usize,
    /// When an unanswered acknowledgement becomes an unknown outcome.
    deadline: Instant,
}

/// A message JetStream was asked to store, with what it takes to ask again.
struct Pending {
    js: async_nats::jetstream::Context,
    subject: String,
    id: String,
    headers: async_nats::HeaderMap,
    payload: bytes::Bytes,
    /// The stream the pipeline's listing says captures the subject.
    stream: Option<String>,
    ack: async_nats::jetstream::context::PublishAckFuture,
}

impl Pending {
    /// Waits for JetStream's word on the message until `deadline`. An answer decides: stored
    /// (a duplicate too: an earlier ask was stored) or refused (no stream answered the first
    /// ask, or the stream refused it). No answer (the acknowledgement timed out, the connection
    /// was lost after sending) decides nothing: the message is asked for again with the same
    /// `Nats-Msg-Id` every [`ACK_ATTEMPT`], and when `deadline` (`arc serve --ack-deadline`) passes without an answer the
    /// outcome is [`Rejection::Unknown`], never a refusal.
    async fn stored(self, deadline: Instant) -> Result<bool, Rejection> {
        use async_nats::jetstream::context::PublishErrorKind as Kind;
        let Pending {
            js,
            subject,
            id,
            headers,
            payload,
            stream,
            ack,
        } = self;
        let mut ack = Some(ack);
        let mut asked = 1_u32;
        // Why the outcome is not known yet (`None` while no ask went unanswered).
        let mut unknown: Option<String> = None;
        loop {
            let wait = deadline
                .saturating_duration_since(Instant::now())
                .min(ACK_ATTEMPT);
            // (why it is not known, and whether the ask ended before its time)
            let answer = match ack.take() {
                Some(ack) => tokio::time::timeout(wait, ack).await.map_err(|_| {
                    (
                        format!("no acknowledgement within {} ms", wait.as_millis()),
                        false,
                    )
                }),
                None => Err((unknown.clone().unwrap_or_default(), true)),
            };
            let (why, early) = match answer {
                Ok(Ok(stored)) => {
                    if unknown.is_some() {
                        tracing::info!(
                            "JetStream stored `{id}` on `{subject}` (asked {asked} times; the answer was {})",
                            if stored.duplicate { "a duplicate: an earlier ask was stored" } else { "a first store" }
                        );
                    }
                    return Ok(stored.duplicate);
                }
                Ok(Err(e)) => match e.kind() {
                    Kind::TimedOut | Kind::BrokenPipe => (e.to_string(), true),
                    // "duplicate message id is in process": an earlier ask of this id is being
                    // replicated (a stream leader without its quorum holds it so), and may yet
                    // be stored: not a refusal.
                    Kind::Other if jetstream_code(&e) == Some(DUPLICATE_IN_PROCESS) => {
                        (e.to_string(), true)
                    }
                    // No stream leader answered this ask; an earlier one may have been stored.
                    Kind::StreamNotFound if unknown.is_some() => (e.to_string(), true),
                    _ => return Err(refused(&subject, stream.as_deref(), &e)),
                },
                Err(not_known) => not_known,
            };
            if Instant::now() >= deadline {
                return Err(Rejection::Unknown {
                    reason: format!(
                        "JetStream did not say whether it stored `{id}` on `{subject}` within the request's deadline (asked {asked} times with the same Nats-Msg-Id; last: {why})"
                    ),
                    ids: Vec::new(),
                });
            }
            if unknown.is_none() {
                tracing::warn!(
                    "no answer from JetStream for `{id}` on `{subject}` ({why}): asking again with the same Nats-Msg-Id until the request's deadline"
                );
            }
            // An answer that came early (no responders, a broken connection) is not asked
            // again at once.
            if early {
                tokio::time::sleep(
                    deadline
                        .saturating_duration_since(Instant::now())
                        .min(Duration::from_millis(100)),
                )
                .await;
            }
            unknown = Some(why);
            match js
                .publish_with_headers(subject.clone(), headers.clone(), payload.clone())
                .await
            {
                Ok(again) => {
                    ack = Some(again);
                    asked += 1;
                }
                Err(e) => unknown = Some(format!("asking again failed: {e}")),
            }
        }
    }
}

/// JetStream's error code for "duplicate message id is in process" (seen on nats-server 2.15):
/// the id is in a proposal the stream has not committed yet.
const DUPLICATE_IN_PROCESS: u64 = 10158;

/// The JetStream error an answer carried, if it was one.
fn jetstream_error(
    e: &async_nats::jetstream::context::PublishError,
) -> Option<&async_nats::jetstream::Error> {
    std::error::Error::source(e).and_then(|s| s.downcast_ref::<async_nats::jetstream::Error>())
}

/// The JetStream error code an answer carried, if it was a JetStream error.
fn jetstream_code(e: &async_nats::jetstream::context::PublishError) -> Option<u64> {
    jetstream_error(e).map(|je| je.error_code().0)
}

/// What JetStream's answer about a message it did not store means for the producer: refused
/// for good ([`Rejection::Refused`], 422: the stream will never store this message as it is, so
/// a retry cannot help and a queue path sets it aside at once) or an outage (503: asking again
/// with the same id later can succeed). JetStream says which with the status of its error:
/// 400 and 412 are about the message (a sealed or denying stream, an expectation that does not
/// hold, a message over the stream's limit that the listing did not show yet); 503 (a full
/// stream discarding new messages, no leader), 500 (offline), 429 and 409 ("in process") pass.
fn refused(
    subject: &str,
    stream: Option<&str>,
    e: &async_nats::jetstream::context::PublishError,
) -> Rejection {
    use async_nats::jetstream::context::PublishErrorKind as Kind;
    let in_stream = stream
        .map(|s| format!(" in stream `{s}`"))
        .unwrap_or_default();
    if e.kind() == Kind::StreamNotFound {
        return match stream {
            // The listing says a stream captures it: "no stream" means it has no leader.
            Some(s) => Rejection::unavailable(format!(
                "JetStream did not store `{subject}`: {e} (stream `{s}` captures it; a NATS cluster electing that stream's leader answers so for a few seconds: retry with the same id)"
            )),
            None => Rejection::Refused {
                index: None,
                code: None,
                reason: no_stream(subject),
            },
        };
    }
    match jetstream_error(e) {
        Some(je) if matches!(je.code(), 400 | 412) && je.error_code().0 != DUPLICATE_IN_PROCESS => {
            Rejection::Refused {
                index: None,
                code: Some(je.error_code().0),
                reason: format!("JetStream refused to store `{subject}`{in_stream}: {je}"),
            }
        }
        _ => Rejection::unavailable(format!(
            "JetStream did not store `{subject}`{in_stream}: {e}; a retry with the same id can succeed"
        )),
    }
}

/// Why a durable topic's message without a stream is refused.
fn no_stream(subject: &str) -> String {
    format!(
        "no stream captures `{subject}`, and its topic is durable (JetStream must store it): create one (`arc streams apply`; `arc streams ls` lists what exists) or make the topic not durable"
    )
}

struct Checked {
    envelope: Envelope,
    bytes: Vec<u8>,
    topic: Arc<CompiledTopic>,
    /// The message's place in its batch, for error answers.
    index: Option<usize>,
    /// The size of its NATS header block.
    header_len: usize,
    /// The producer gave the id (else the pipeline made it).
    given_id: bool,
}

/// The largest header block JetStream stores (nats-server refuses more with error 10097, "header
/// size exceeds maximum allowed of 64k", whatever the stream's configuration).
const JETSTREAM_MAX_HEADERS: usize = u16::MAX as usize;

/// How long one ask waits for its acknowledgement before the message is asked for again.
const ACK_ATTEMPT: Duration = Duration::from_secs(1);
