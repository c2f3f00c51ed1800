//! arc's own Apache Pulsar client, speaking the binary protocol by hand.
//!
//! Owns: topic names ([`Topic`]), one broker connection with token auth ([`Client`]),
//! producers with pipelined sends ([`Producer`]), consumers with flow control, acks, seek
//! by publish time and the topic's last message id ([`Consumer`]), and the health probes
//! [`connect_and_lookup`] and [`round_trip`]. It reads payload frames with or without the
//! magic+CRC32C prefix (and verifies the CRC when present), so it works against Apache
//! Pulsar and pulsar-lite alike.
//!
//! Reads every compression codec of the protocol, batched or not, and compresses what it
//! produces on request ([`Compression`]). Partitioned topics work by their own name
//! ([`TopicProducer`] routes, [`TopicConsumer`] consumes every partition or merges them in
//! publish-time order).
//!
//! Lookups follow Redirect answers to the broker that owns a topic ([`connect_owner`]).
//!
//! A dropped connection ([`is_dropped`]) is resumed by the commands, on a new [`Client`].
//!
//! Connections may be TLS (`pulsar+ssl://`, [`Tls`]: rustls, with the system's roots or a
//! given CA).
//!
//! It must not: reconnect by itself, encrypt,
//! chunk, batch on the producer side, register schemas, or print. Every network wait is bounded by a timeout; frames are
//! bounded by [`codec::MAX_FRAME`]; the auth token never appears in `Debug` or errors.

// Command names (CLOSE_CONSUMER, Key_Shared) are protocol terms, not code, in these docs.
#![allow(clippy::doc_markdown, clippy::similar_names)]

mod client;
mod codec;
mod compression;
#[cfg(test)]
mod tests;
mod topic;

use std::fmt;
use std::future::Future;
use std::io::Error as IoError;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, UNIX_EPOCH};

use bytes::Bytes;
use tokio::time::{timeout_at, Instant as Deadline};

#[cfg(test)]
pub(crate) use client::Consumer;
use client::Owner;
pub(crate) use client::Tls;
pub(crate) use client::{
    is_dropped, Client, InitialPosition, OutgoingMessage, SubType, DEFAULT_KEEPALIVE,
};
pub(crate) use codec::{Message, MessageId};
pub(crate) use compression::Compression;
pub(crate) use topic::{fold_partitions, TopicConsumer, TopicProducer};

/// Longest timeout honoured; larger values are capped so deadlines cannot overflow.
const MAX_TIMEOUT: Duration = Duration::from_secs(86_400);
/// A valid topic, shown in every topic-name error.
const TOPIC_EXAMPLE: &str = "persistent://public/default/agent-events";

/// What went wrong talking to a broker.
#[derive(Debug, thiserror::Error)]
pub(crate) enum PulsarError {
    /// Connecting to, reading from or writing to the broker failed, including the broker
    /// closing the connection (how pulsar-lite rejects some commands).
    #[error("pulsar connection error: {0}")]
    Io(#[from] IoError),
    /// The operation's timeout passed during the named step.
    #[error("pulsar operation timed out during {0}")]
    Timeout(&'static str),
    /// The peer sent a frame this module cannot decode or did not expect.
    #[error("pulsar protocol error: {0}")]
    Protocol(String),
    /// The broker answered a step with `ERROR`, `SEND_ERROR` or a failed lookup.
    #[error("pulsar broker rejected {step}: {message} ({})", server_error_name(*.code))]
    Broker {
        /// The rejected step, e.g. `"lookup"` or `"subscribe"`.
        step: &'static str,
        /// The `ServerError` code of the response.
        code: u64,
        /// The broker's explanation, possibly empty.
        message: String,
    },
    /// A topic name that is not valid; the message shows a valid example.
    #[error("invalid pulsar topic: {0}")]
    InvalidTopic(String),
    /// The broker refused an optional feature (`seek` or `get last message id`); callers
    /// can fall back.
    #[error("pulsar broker does not support {operation}: {reason}")]
    Unsupported {
        /// The refused operation: `"seek"` or `"get last message id"`.
        operation: &'static str,
        /// The broker's answer.
        reason: String,
    },
    /// One message's content cannot be read (encrypted, chunked, corrupt compressed data, an
    /// unknown codec, a malformed batch). The consumer stays usable: callers acknowledge the
    /// id, so the message does not block those after it, and go on.
    #[error("pulsar message {id} cannot be read: {reason}")]
    Unreadable {
        /// The message's id (the whole entry, no batch index).
        id: MessageId,
        /// Why, for a person.
        reason: String,
    },
    /// The producer or consumer was closed (by the broker, or by a failed earlier step).
    #[error("pulsar {0}")]
    Closed(String),
}

impl PulsarError {
    /// A stable one-word name of the variant, for logs, JSON output and fallbacks:
    /// `io`, `timeout`, `protocol`, `broker`, `invalid_topic`, `unsupported`, `unreadable` or
    /// `closed`.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Self::Io(_) => "io",
            Self::Timeout(_) => "timeout",
            Self::Protocol(_) => "protocol",
            Self::Broker { .. } => "broker",
            Self::InvalidTopic(_) => "invalid_topic",
            Self::Unsupported { .. } => "unsupported",
            Self::Unreadable { .. } => "unreadable",
            Self::Closed(_) => "closed",
        }
    }
}

/// Name of a `ServerError` code, for error messages.
fn server_error_name(code: u64) -> &'static str {
    const NAMES: &str = "UnknownError MetadataError PersistenceError AuthenticationError \
        AuthorizationError ConsumerBusy ServiceNotReady ProducerBlockedQuotaExceededError \
        ProducerBlockedQuotaExceededException ChecksumError UnsupportedVersionError \
        TopicNotFound SubscriptionNotFound ConsumerNotFound TooManyRequests \
        TopicTerminatedError ProducerBusy InvalidTopicName IncompatibleSchema \
        ConsumerAssignError TransactionCoordinatorNotFound InvalidTxnStatus NotAllowedError \
        TransactionConflict TransactionNotFound ProducerFenced";
    let index = usize::try_from(code).unwrap_or(usize::MAX);
    NAMES
        .split_whitespace()
        .nth(index)
        .unwrap_or("unrecognised code")
}

/// A [`PulsarError::Broker`] from the optional code and message of a response.
fn broker(step: &'static str, code: Option<u64>, message: Option<String>) -> PulsarError {
    let (code, message) = (code.unwrap_or(0), message.unwrap_or_default());
    PulsarError::Broker {
        step,
        code,
        message,
    }
}

/// A validated, fully qualified topic name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Topic {
    /// `persistent` or `non-persistent`.
    persistent: bool,
    /// Tenant, e.g. `public`.
    tenant: String,
    /// Namespace within the tenant, e.g. `default`.
    namespace: String,
    /// The topic's own name, e.g. `agent-events`.
    local: String,
}

impl Topic {
    /// Parses `persistent://tenant/namespace/topic`, `non-persistent://tenant/namespace/topic`,
    /// `tenant/namespace/topic` (persistent) or a bare `topic` (in `public/default`).
    /// Rejects empty parts, whitespace and control characters, other schemes, a missing or
    /// extra `/` level, and characters Pulsar refuses in tenant and namespace names.
    pub(crate) fn parse(name: &str) -> Result<Self, PulsarError> {
        let invalid = |why: String| {
            PulsarError::InvalidTopic(format!(
                "{why} in `{}`; a valid topic: {TOPIC_EXAMPLE}",
                name.escape_debug()
            ))
        };
        if name.is_empty() {
            return Err(invalid("empty name".into()));
        }
        if let Some(c) = name.chars().find(|c| c.is_whitespace() || c.is_control()) {
            let what = match c {
                ' ' => "a space".to_owned(),
                '\t' => "a tab".to_owned(),
                '\n' => "a line break".to_owned(),
                c => format!("the character U+{:04X}", u32::from(c)),
            };
            return Err(invalid(format!(
                "{what} (no whitespace or control characters)"
            )));
        }
        let (persistent, path) = match name.split_once("://") {
            Some(("persistent", path)) => (true, path),
            Some(("non-persistent", path)) => (false, path),
            Some((scheme, _)) => {
                let why = format!("scheme `{scheme}` (use persistent or non-persistent)");
                return Err(invalid(why));
            }
            None => (true, name),
        };
        let parts: Vec<&str> = path.split('/').collect();
        let (tenant, namespace, local) = match parts[..] {
            [local] if path.len() == name.len() => ("public", "default", local),
            [tenant, namespace, local] => (tenant, namespace, local),
            [_, _, _, ..] => return Err(invalid("'/' inside the topic's own name".into())),
            _ => return Err(invalid("expected tenant/namespace/topic".into())),
        };
        for (what, part) in [
            ("tenant", tenant),
            ("namespace", namespace),
            ("topic", local),
        ] {
            if part.is_empty() {
                return Err(invalid(format!("empty {what}")));
            }
        }
        let allowed = |c: char| c.is_ascii_alphanumeric() || "-_.:=".contains(c);
        for (what, part) in [("tenant", tenant), ("namespace", namespace)] {
            if let Some(c) = part.chars().find(|&c| !allowed(c)) {
                return Err(invalid(format!("character `{c}` in the {what}")));
            }
        }
        Ok(Self {
            persistent,
            tenant: tenant.to_owned(),
            namespace: namespace.to_owned(),
            local: local.to_owned(),
        })
    }
}

impl Topic {
    /// Partition `index` of this (partitioned) topic: `…/name-partition-{index}`.
    pub(crate) fn partition(&self, index: u32) -> Self {
        Self {
            local: format!("{}-partition-{index}", self.local),
            ..self.clone()
        }
    }
}

impl fmt::Display for Topic {
    /// The full name, e.g. `persistent://public/default/agent-events`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = if self.persistent {
            "persistent"
        } else {
            "non-persistent"
        };
        let Self {
            tenant,
            namespace,
            local,
            ..
        } = self;
        write!(f, "{scheme}://{tenant}/{namespace}/{local}")
    }
}

/// Result of [`connect_and_lookup`].
#[derive(Debug, Clone)]
#[allow(clippy::struct_field_names)] // `lookup_latency` is part of the probe's API
pub(crate) struct Lookup {
    /// `server_version` from the broker's CONNECTED frame.
    pub(crate) server_version: String,
    /// `brokerServiceUrl` of the lookup response, when the broker sent a non-empty one.
    pub(crate) broker_url: Option<String>,
    /// TCP connect plus the CONNECT/CONNECTED handshake.
    pub(crate) connect_latency: Duration,
    /// LOOKUP written until `LOOKUP_RESPONSE` read.
    pub(crate) lookup_latency: Duration,
}

/// Result of [`round_trip`].
#[derive(Debug, Clone)]
pub(crate) struct RoundTrip {
    /// SEND written until its `SEND_RECEIPT` read.
    pub(crate) produce: Duration,
    /// SEND written until the same message read from the consumer.
    pub(crate) consume: Duration,
}

/// Connects (no auth), waits for CONNECTED, then looks up `topic` (parsed as by
/// [`Topic::parse`]). Answers PINGs while waiting. The whole call is bounded by `timeout`.
pub(crate) async fn connect_and_lookup(
    addr: SocketAddr,
    topic: &str,
    timeout: Duration,
) -> Result<Lookup, PulsarError> {
    let topic = Topic::parse(topic)?;
    let deadline = Deadline::now() + timeout.min(MAX_TIMEOUT);
    let started = Instant::now();
    let client = step(deadline, "handshake", Client::connect(addr, None, timeout)).await?;
    let connect_latency = started.elapsed();
    let sent = Instant::now();
    let broker_url = step(deadline, "lookup", client.lookup(&topic)).await?;
    Ok(Lookup {
        server_version: client.server_version().to_owned(),
        broker_url,
        connect_latency,
        lookup_latency: sent.elapsed(),
    })
}

/// A functional round trip on `topic`: subscribes (Exclusive, Latest, a unique subscription
/// name), creates a producer, sends one uniquely tagged message, waits for its receipt and
/// its delivery (acking every delivery), then closes the producer and unsubscribes so the
/// subscription is not left behind (a call that fails midway may leave it). Returns step
/// latencies. The whole call is bounded by `timeout`.
pub(crate) async fn round_trip(
    addr: SocketAddr,
    topic: &str,
    timeout: Duration,
) -> Result<RoundTrip, PulsarError> {
    let topic = Topic::parse(topic)?;
    let deadline = Deadline::now() + timeout.min(MAX_TIMEOUT);
    let client = step(deadline, "handshake", Client::connect(addr, None, timeout)).await?;
    let tag = unique_tag();
    let subscribe = client.subscribe(&topic, &tag, SubType::Exclusive, InitialPosition::Latest);
    let mut consumer = step(deadline, "subscribe", subscribe).await?;
    let producer = step(deadline, "producer", client.create_producer(&topic)).await?;
    let payload = Bytes::from(format!("{tag} probe"));
    let sent = Instant::now();
    let send = producer.send_nowait(OutgoingMessage::new(payload.clone()));
    let receipt = step(deadline, "send", send).await?;
    let produce = async {
        receipt.wait().await?;
        Ok(sent.elapsed())
    };
    let consume = async {
        loop {
            let left = deadline.saturating_duration_since(Deadline::now());
            let message = consumer.next(left).await?;
            let message = message.ok_or(PulsarError::Timeout("receive"))?;
            consumer.ack(&message.id).await?;
            if message.payload == payload {
                return Ok(sent.elapsed());
            }
        }
    };
    let both = async { tokio::try_join!(produce, consume) };
    let (produce, consume) = step(deadline, "send receipt", both).await?;
    step(deadline, "close producer", producer.close()).await?;
    step(deadline, "unsubscribe", consumer.unsubscribe()).await?;
    Ok(RoundTrip { produce, consume })
}

/// Most Redirect answers followed before a lookup gives up (Pulsar's clients stop at a few).
const MAX_REDIRECTS: usize = 8;

/// A connection to the broker that serves `topic`: LOOKUP on `client`, following Redirect
/// answers (authoritatively when the broker says so) and connecting to the broker a Connect
/// answer names, with the same token, timeout and keepalive. Returns `client` itself when it
/// is already connected to the owner (a standalone broker, pulsar-lite), and when the broker
/// a Connect answer names cannot be reached from here while the one asked can serve: a
/// standalone Pulsar in a container names its container's host name, which only resolves
/// inside (the official clients need `advertisedAddress` set for that; arc does not).
pub(crate) async fn connect_owner(
    client: Client,
    topic: &Topic,
    tls: Option<&Tls>,
    token: Option<&str>,
    timeout: Duration,
    keepalive: Duration,
) -> Result<Client, PulsarError> {
    let mut client = client;
    let mut authoritative = false;
    let connect = |url: String| async move {
        let (addr, host) = resolve(&url).await?;
        let tls = tls.map(|t| Tls {
            server_name: host,
            ..t.clone()
        });
        let token = token.map(str::to_owned);
        let client = Client::connect_tls(addr, tls.as_ref(), token, timeout, keepalive).await?;
        Ok::<_, PulsarError>(client)
    };
    for _ in 0..=MAX_REDIRECTS {
        let url = match client
            .lookup_owner(topic, authoritative, tls.is_some())
            .await?
        {
            Owner::Connect(None) => return Ok(client),
            Owner::Connect(Some(url)) => {
                let owner = async {
                    if resolve(&url).await?.0 == client.addr() {
                        return Ok(None);
                    }
                    connect(url.clone()).await.map(Some)
                };
                return Ok(match owner.await {
                    Ok(Some(owner)) => owner,
                    Ok(None) => client,
                    Err(e) => {
                        tracing::debug!("`{topic}` is served at {url}, unreachable ({e}): staying");
                        client
                    }
                });
            }
            Owner::Redirect {
                url,
                authoritative: a,
            } => {
                authoritative = a;
                url
            }
        };
        if resolve(&url).await?.0 != client.addr() {
            client = connect(url).await?;
        }
    }
    Err(PulsarError::Protocol(format!(
        "the lookup of `{topic}` was redirected more than {MAX_REDIRECTS} times"
    )))
}

/// The address and host of a `pulsar://host:port` or `pulsar+ssl://host:port` URL a broker
/// named.
async fn resolve(url: &str) -> Result<(SocketAddr, String), PulsarError> {
    let hostport = url
        .strip_prefix("pulsar://")
        .or_else(|| url.strip_prefix("pulsar+ssl://"))
        .ok_or_else(|| PulsarError::Protocol(format!("the broker named `{url}`, not pulsar://")))?
        .trim_end_matches('/');
    let host = hostport
        .rsplit_once(':')
        .map_or(hostport, |(h, _)| h)
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned();
    let addr = tokio::net::lookup_host(hostport)
        .await?
        .next()
        .ok_or_else(|| PulsarError::Protocol(format!("`{url}` has no address")))?;
    Ok((addr, host))
}

/// Runs one step of a probe against the probe's deadline, naming `name` on timeout.
async fn step<T>(
    deadline: Deadline,
    name: &'static str,
    work: impl Future<Output = Result<T, PulsarError>>,
) -> Result<T, PulsarError> {
    timeout_at(deadline, work)
        .await
        .unwrap_or(Err(PulsarError::Timeout(name)))
}

/// A name no other probe (in this or another process) uses, for subscriptions and payloads.
fn unique_tag() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = UNIX_EPOCH.elapsed().unwrap_or_default().as_nanos();
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("arc-health-{}-{nanos}-{n}", std::process::id())
}

/// Milliseconds since the Unix epoch, as Pulsar timestamps count.
fn now_ms() -> u64 {
    let millis = UNIX_EPOCH.elapsed().unwrap_or_default().as_millis();
    u64::try_from(millis).unwrap_or(u64::MAX)
}
