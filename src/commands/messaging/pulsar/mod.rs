//! The Pulsar side of the messaging commands: produce (`arc pub persistent://…`), consume
//! (`arc sub`), replay by publish time, and topic provisioning through the admin API.

mod admin;
mod replay;

pub(crate) use admin::{apply_topics, list_topics, provision_topics, topic_info};
pub(crate) use replay::replay_pulsar;

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::signal::unix::{signal, Signal, SignalKind};

use super::publish::Bodies;
use super::{emit, Format};
use crate::bus::nats::{parse_headers, redact, Received};
use crate::bus::pulsar::{
    connect_owner, is_dropped, Client, Compression, InitialPosition, Message, OutgoingMessage,
    PulsarError, SubType, Tls, Topic, TopicConsumer, TopicProducer, DEFAULT_KEEPALIVE,
};
use crate::bus::{timespec, BusError};
use crate::cli::{ConnectArgs, Position, PubArgs, PulsarCompression, SubArgs, SubscriptionType};
use crate::commands::endpoint_or;
use crate::commands::ExitStatus;
use crate::error::Error;
use crate::settings::Settings;
use crate::ui::Printer;

/// Sends awaited at once when producing.
const SEND_WINDOW: usize = 1000;
/// With the last message known, a replay that has waited this long for one asks the broker
/// again ([`TopicConsumer::nudge`]) …
const NUDGE: Duration = Duration::from_secs(2);
/// … and gives up, with an error naming where it stopped, after this long without one.
const STALL: Duration = Duration::from_secs(20);

fn topic(name: &str) -> Result<Topic, Error> {
    Topic::parse(name).map_err(|e| {
        let reason = match &e {
            PulsarError::InvalidTopic(r) => {
                r.split("; a valid topic").next().unwrap_or(r).to_owned()
            }
            other => other.to_string(),
        };
        BusError::Invalid {
            what: "Pulsar topic",
            input: name.to_owned(),
            reason,
            example: "`persistent://public/default/agent-events`".into(),
        }
        .into()
    })
}

fn pulsar_op(op: impl Into<String>) -> impl FnOnce(PulsarError) -> Error {
    let op = op.into();
    move |e| BusError::op(op, e).into()
}

/// The broker's address from `--pulsar-url`, `ARC_PULSAR_URL` or the running profile.
async fn broker(
    settings: &Settings,
    c: &ConnectArgs,
) -> Result<(String, SocketAddr, Option<Tls>), Error> {
    let url = endpoint_or(
        settings,
        c.pulsar_url.as_ref(),
        "ARC_PULSAR_URL",
        "pulsar://127.0.0.1:6650",
    )?;
    let bad = |reason: &str| -> Error {
        BusError::Invalid {
            what: "Pulsar URL",
            input: redact(&url),
            reason: reason.to_owned(),
            example: "`pulsar://127.0.0.1:6650` or `pulsar+ssl://broker.example:6651`".into(),
        }
        .into()
    };
    let (hostport, ssl) = if let Some(rest) = url.strip_prefix("pulsar://") {
        (rest, false)
    } else if let Some(rest) = url.strip_prefix("pulsar+ssl://") {
        (rest, true)
    } else {
        return Err(bad("it is neither `pulsar://` nor `pulsar+ssl://`"));
    };
    let hostport = hostport
        .rsplit_once('@')
        .map_or(hostport, |(_, h)| h)
        .trim_end_matches('/');
    let host = hostport
        .rsplit_once(':')
        .map_or(hostport, |(h, _)| h)
        .trim_start_matches('[')
        .trim_end_matches(']');
    if c.pulsar_tls_ca.is_some() && !ssl {
        return Err(BusError::Invalid {
            what: "option",
            input: "--pulsar-tls-ca".into(),
            reason: format!("the broker URL `{}` is not `pulsar+ssl://`", redact(&url)),
            example: "`--pulsar-url pulsar+ssl://broker.example:6651 --pulsar-tls-ca ca.pem`"
                .into(),
        }
        .into());
    }
    let tls = if ssl {
        let tls = Tls::new(host, c.pulsar_tls_ca.as_deref()).map_err(|reason| {
            BusError::PulsarConnect {
                server: redact(&url),
                source: reason.into(),
            }
        })?;
        Some(tls)
    } else {
        None
    };
    let addr = tokio::net::lookup_host(hostport)
        .await
        .map_err(|e| BusError::PulsarConnect {
            server: redact(&url),
            source: e.into(),
        })?
        .next()
        .ok_or_else(|| bad("the host has no address"))?;
    Ok((url, addr, tls))
}

async fn connect(settings: &Settings, c: &ConnectArgs) -> Result<Client, Error> {
    let (url, addr, tls) = broker(settings, c).await?;
    let keepalive = c.pulsar_keepalive.unwrap_or(DEFAULT_KEEPALIVE);
    let token = c.pulsar_token.clone();
    Client::connect_tls(addr, tls.as_ref(), token, c.connect_timeout, keepalive)
        .await
        .map_err(|e| {
            BusError::PulsarConnect {
                server: redact(&url),
                source: e.into(),
            }
            .into()
        })
}

/// What `arc pub --json` prints for a topic.
#[derive(Debug, Serialize)]
struct Produced {
    topic: String,
    partitions: u32,
    count: u64,
    bytes: u64,
    elapsed_ms: f64,
    msgs_per_sec: f64,
    first_id: Option<String>,
    last_id: Option<String>,
}

/// `arc pub persistent://…`.
pub(crate) async fn publish_pulsar(
    args: PubArgs,
    settings: &Settings,
    printer: &Printer,
) -> Result<ExitStatus, Error> {
    let t = topic(&args.subject)?;
    for (flag, set) in [
        ("--jetstream", args.jetstream),
        ("--reply-to", args.reply_to.is_some()),
    ] {
        if set {
            return Err(BusError::Invalid {
                what: "option",
                input: flag.into(),
                reason: "it is a NATS option; Pulsar topics take neither".into(),
                example: "`arc pub persistent://public/default/audit 'hello' -H kind:note`".into(),
            }
            .into());
        }
    }
    let properties = parse_headers(&args.headers)?;
    let event_time = args
        .event_time
        .as_deref()
        .map(|text| {
            let when = timespec::parse(text, chrono::Utc::now())?;
            u64::try_from(when.timestamp_millis()).map_err(|_| BusError::Invalid {
                what: "event time",
                input: text.to_owned(),
                reason: "it is before 1970".into(),
                example: "`2026-11-23T10:00:00Z` or `90s` (ago)".into(),
            })
        })
        .transpose()?;
    let mut bodies = Bodies::from_args(&args)?;
    let client = connect(settings, &args.connect).await?;
    let (clients, partitions) = connect_partitions(settings, &args.connect, client, &t).await?;
    let mut producer = TopicProducer::create(&clients, partitions, &t)
        .await
        .map_err(pulsar_op(format!("create a producer on `{t}`")))?;
    producer.set_compression(match args.compression {
        None => Compression::None,
        Some(PulsarCompression::Lz4) => Compression::Lz4,
        Some(PulsarCompression::Zlib) => Compression::Zlib,
        Some(PulsarCompression::Zstd) => Compression::Zstd,
        Some(PulsarCompression::Snappy) => Compression::Snappy,
    });
    let started = Instant::now();
    let limit = if args.stdin { u64::MAX } else { args.count };
    let (mut sent, mut bytes) = (0u64, 0u64);
    let mut receipts = VecDeque::new();
    let (mut first, mut last) = (None, None);
    let op = || format!("produce to `{t}`");
    while sent < limit {
        let Some(body) = bodies.next(sent + 1).await? else {
            break;
        };
        bytes += body.len() as u64;
        let mut m = OutgoingMessage::new(body);
        m.properties.clone_from(&properties);
        m.key.clone_from(&args.key);
        m.event_time = event_time;
        receipts.push_back(producer.send_nowait(m).await.map_err(pulsar_op(op()))?);
        if receipts.len() >= SEND_WINDOW {
            if let Some(r) = receipts.pop_front() {
                let id = r.wait().await.map_err(pulsar_op(op()))?;
                first.get_or_insert_with(|| id.to_string());
                last = Some(id.to_string());
            }
        }
        sent += 1;
    }
    while let Some(r) = receipts.pop_front() {
        let id = r.wait().await.map_err(pulsar_op(op()))?;
        first.get_or_insert_with(|| id.to_string());
        last = Some(id.to_string());
    }
    let elapsed = started.elapsed();
    let partitions = producer.partitions();
    let _ = producer.close().await;
    #[allow(clippy::cast_precision_loss)]
    let rate = sent as f64 / elapsed.as_secs_f64().max(1e-9);
    if printer.json() {
        printer.json_value(&Produced {
            topic: t.to_string(),
            partitions,
            count: sent,
            bytes,
            elapsed_ms: elapsed.as_secs_f64() * 1e3,
            msgs_per_sec: rate.round(),
            first_id: first,
            last_id: last,
        });
    } else {
        printer.info(&format!(
            "produced {sent} message{} ({bytes} bytes) to `{t}`{} in {} ({rate:.0} msg/s){}",
            if sent == 1 { "" } else { "s" },
            partitions_note(partitions),
            crate::format::duration(elapsed),
            last.map(|l| format!("; last id {l}")).unwrap_or_default()
        ));
    }
    Ok(ExitStatus::Success)
}

fn received(t: &Topic, m: &Message) -> Received {
    let mut r = Received::new(&t.to_string(), &m.payload);
    for (k, v) in &m.properties {
        r.headers.entry(k.clone()).or_default().push(v.clone());
    }
    r.published = rfc3339_ms(m.publish_time);
    r.seq = Some(m.id.to_string());
    r.key.clone_from(&m.key);
    r.ordering_key.clone_from(&m.ordering_key);
    r.event_time = m.event_time.and_then(rfc3339_ms);
    r
}

/// Milliseconds since the epoch as RFC 3339 (UTC, ms), or `None` past chrono's range.
fn rfc3339_ms(ms: u64) -> Option<String> {
    chrono::DateTime::from_timestamp_millis(i64::try_from(ms).ok()?)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
}

/// `arc sub persistent://…`.
pub(crate) async fn subscribe_pulsar(
    args: SubArgs,
    settings: &Settings,
    printer: &Printer,
) -> Result<ExitStatus, Error> {
    let t = topic(&args.subject)?;
    if args.queue.is_some() {
        return Err(BusError::Invalid {
            what: "option",
            input: "--queue".into(),
            reason:
                "queue groups are NATS; on Pulsar use `--type shared` with one subscription name"
                    .into(),
            example:
                "`arc sub persistent://public/default/jobs --subscription workers --type shared`"
                    .into(),
        }
        .into());
    }
    let mut signals = Signals::new()?;
    let client = connect(settings, &args.connect).await?;
    let sub_type = match args.sub_type {
        SubscriptionType::Exclusive => SubType::Exclusive,
        SubscriptionType::Shared => SubType::Shared,
        SubscriptionType::Failover => SubType::Failover,
        SubscriptionType::KeyShared => SubType::KeyShared,
    };
    let initial = match args.position {
        Position::Earliest => InitialPosition::Earliest,
        Position::Latest => InitialPosition::Latest,
    };
    let (clients, partitions) = connect_partitions(settings, &args.connect, client, &t).await?;
    let mut consumer = TopicConsumer::subscribe(
        &clients,
        partitions,
        &t,
        &args.subscription,
        sub_type,
        initial,
    )
    .await
    .map_err(pulsar_op(format!(
        "subscribe to `{t}` as `{}`",
        args.subscription
    )))?;
    printer.info(&format!(
        "listening on `{t}`{} (subscription `{}`)",
        partitions_note(consumer.partitions()),
        args.subscription
    ));
    let format = Format {
        json: printer.json(),
        raw: args.raw,
        headers: args.headers,
    };
    let mut total = 0u64;
    loop {
        let stop = Drain {
            count: args.count.map(|c| c.saturating_sub(total)),
            until_ms: None,
            idle_end: None,
            to: None,
            ends: false,
            resume: true,
        };
        let drained = drain(&mut consumer, &t, printer, format, stop, &mut signals).await;
        // Closing waits for the broker's answer, which comes after every ack queued before
        // it: what was printed is acknowledged, on an error as on a normal end (unless the
        // error is the connection itself).
        let Drained { seen, dropped } = match drained {
            Ok(d) if d.dropped.is_some() => d,
            other => {
                let _ = consumer.close().await;
                let n = other?.seen + total;
                tracing::debug!("received {n} messages");
                return Ok(ExitStatus::Success);
            }
        };
        total += seen;
        let why = dropped.map(|e| e.to_string()).unwrap_or_default();
        printer.warn(&format!(
            "lost the connection to the broker ({why}); resuming subscription `{}` on a new \
             one: messages printed were acknowledged, any others are delivered again",
            args.subscription
        ));
        let (name, c) = (&args.subscription, &args.connect);
        let mut backoff = Backoff::new();
        consumer = loop {
            let attempt = async {
                let client = connect(settings, c).await?;
                let (clients, partitions) = connect_partitions(settings, c, client, &t).await?;
                TopicConsumer::subscribe(&clients, partitions, &t, name, sub_type, initial)
                    .await
                    .map_err(pulsar_op(format!("subscribe to `{t}` as `{name}`")))
            };
            match attempt.await {
                Ok(consumer) => break consumer,
                Err(e) => backoff.wait(&mut signals, e).await?,
            }
        };
        printer.info(&format!(
            "resumed `{t}` (subscription `{}`)",
            args.subscription
        ));
    }
}

/// How long [`resubscribe`] keeps trying.
const RESUME_FOR: Duration = Duration::from_secs(30);

/// Pauses between attempts to resume on a new connection: 0.1 s doubling to 2 s, for up to
/// [`RESUME_FOR`] in all.
struct Backoff {
    started: Instant,
    pause: Duration,
}

impl Backoff {
    fn new() -> Self {
        Self {
            started: Instant::now(),
            pause: Duration::from_millis(100),
        }
    }

    /// Waits before the next attempt; `Err(failed)` when the time is up or a signal came.
    async fn wait(&mut self, signals: &mut Signals, failed: Error) -> Result<(), Error> {
        if self.started.elapsed() + self.pause > RESUME_FOR {
            return Err(failed);
        }
        tracing::debug!("resuming failed ({failed}); again in {:?}", self.pause);
        tokio::select! {
            () = tokio::time::sleep(self.pause) => {}
            () = signals.recv() => return Err(failed),
        }
        self.pause = (self.pause * 2).min(Duration::from_secs(2));
        Ok(())
    }
}

/// SIGINT and SIGTERM, caught from the start of a command so that it can clean up (ack what
/// it printed, remove its subscription) whenever one comes.
struct Signals {
    interrupt: Signal,
    terminate: Signal,
}

impl Signals {
    fn new() -> Result<Self, Error> {
        let catch = |kind| {
            signal(kind).map_err(|e| Error::failed(format!("cannot catch signals: {e}"), None))
        };
        Ok(Self {
            interrupt: catch(SignalKind::interrupt())?,
            terminate: catch(SignalKind::terminate())?,
        })
    }

    /// Resolves when either signal arrives (or arrived since the last call).
    async fn recv(&mut self) {
        tokio::select! {
            _ = self.interrupt.recv() => {}
            _ = self.terminate.recv() => {}
        }
    }
}

/// When [`drain`] stops.
struct Drain<'a> {
    count: Option<u64>,
    until_ms: Option<u64>,
    /// Stop after this long without a message (replay's end of topic).
    idle_end: Option<Duration>,
    /// Re-publish each payload to this NATS subject.
    to: Option<(&'a async_nats::Client, &'a str)>,
    /// Stop once the consumer's merge is finished: every partition read up to the last
    /// message it had when the replay began.
    ends: bool,
    /// When the connection drops, return what was read with the error (for the caller to
    /// resume on a new connection) rather than fail.
    resume: bool,
}

/// What [`drain_from`] read, and the error that ended it when the connection dropped and the
/// caller asked to resume.
struct Drained {
    seen: u64,
    dropped: Option<PulsarError>,
}

/// Prints (and acks) messages until a stop condition, Ctrl-C, or the reader goes away.
/// `skip_before` drops messages published earlier (the fallback where seek is unsupported).
async fn drain(
    consumer: &mut TopicConsumer,
    t: &Topic,
    printer: &Printer,
    format: Format,
    stop: Drain<'_>,
    signals: &mut Signals,
) -> Result<Drained, Error> {
    drain_from(consumer, t, printer, format, stop, 0, signals).await
}

async fn drain_from(
    consumer: &mut TopicConsumer,
    t: &Topic,
    printer: &Printer,
    format: Format,
    stop: Drain<'_>,
    skip_before: u64,
    signals: &mut Signals,
) -> Result<Drained, Error> {
    let mut out = printer.data_stream();
    let mut seen = 0u64;
    let mut dirty = false;
    // Since when a replay with known ends has had nothing (`None`: it just had something).
    let mut quiet_since: Option<Instant> = None;
    let op = || format!("receive from `{t}`");
    loop {
        if stop.count.is_some_and(|c| seen >= c) {
            break;
        }
        // Take what is ready at once; flush before waiting longer.
        let wait = if dirty {
            Duration::from_millis(1)
        } else if stop.ends {
            NUDGE
        } else {
            stop.idle_end.unwrap_or(Duration::from_secs(1))
        };
        let next = tokio::select! {
            m = consumer.next(wait) => m,
            () = signals.recv() => break,
        };
        let next = match next {
            Err(PulsarError::Unreadable { id, reason }) => {
                // Acked, so that it never holds up the messages after it.
                printer.warn(&format!(
                    "skipped message {id} on `{t}`: {reason}; acknowledged so later ones flow"
                ));
                match consumer.ack(&id).await {
                    Err(e) if stop.resume && is_dropped(&e) => {
                        out.flush();
                        return Ok(Drained {
                            seen,
                            dropped: Some(e),
                        });
                    }
                    other => other.map_err(pulsar_op(format!("acknowledge on `{t}`")))?,
                }
                if stop.ends && consumer.finished() {
                    break;
                }
                continue;
            }
            Err(e) if stop.resume && is_dropped(&e) => {
                out.flush();
                return Ok(Drained {
                    seen,
                    dropped: Some(e),
                });
            }
            other => other.map_err(pulsar_op(op()))?,
        };
        let Some(m) = next else {
            if dirty {
                dirty = false;
                if !out.flush() {
                    break;
                }
                continue;
            }
            if stop.ends && !consumer.finished() {
                // Messages the topic had when the replay began are missing: ask again, and
                // after STALL say where the replay stopped rather than end as if complete.
                let since = *quiet_since.get_or_insert_with(Instant::now);
                if since.elapsed() < STALL {
                    tracing::debug!("nothing for {NUDGE:?} short of the ends; asking again");
                    consumer.nudge().await.map_err(pulsar_op(op()))?;
                    continue;
                }
                out.flush();
                return Err(BusError::op(
                    format!("replay `{t}`"),
                    format!(
                        "the broker delivered nothing for {} before the last message it had \
                         when the replay began; stopped after {seen} message{} short of the \
                         end of {}",
                        crate::format::duration(STALL),
                        if seen == 1 { "" } else { "s" },
                        consumer.short_of_end().join(", ")
                    ),
                )
                .into());
            }
            if stop.idle_end.is_some() {
                break;
            }
            continue;
        };
        quiet_since = None;
        match consumer.ack(&m.id).await {
            // Not printed: it comes again on the new connection.
            Err(e) if stop.resume && is_dropped(&e) => {
                out.flush();
                return Ok(Drained {
                    seen,
                    dropped: Some(e),
                });
            }
            other => other.map_err(pulsar_op(format!("acknowledge on `{t}`")))?,
        }
        let at_end = stop.ends && consumer.finished();
        if m.publish_time < skip_before {
            if at_end {
                break;
            }
            continue;
        }
        if stop.until_ms.is_some_and(|u| m.publish_time > u) {
            break;
        }
        if let Some((nats, subject)) = stop.to {
            nats.publish(subject.to_owned(), m.payload.clone())
                .await
                .map_err(|e| BusError::op(format!("re-publish to `{subject}`"), e))?;
        }
        seen += 1;
        dirty = true;
        let ok = if format.raw {
            out.bytes(&m.payload) && out.bytes(b"\n")
        } else {
            emit(&mut out, printer, format, &received(t, &m), &m.payload)
        };
        if !ok || at_end {
            break;
        }
    }
    out.flush();
    Ok(Drained {
        seen,
        dropped: None,
    })
}

/// The number of partitions of `t`, and for each partition (or the topic) a connection of
/// its own (see [`TopicConsumer::subscribe`] for why) to the broker that serves it (lookup
/// Redirects followed: [`connect_owner`]).
async fn connect_partitions(
    settings: &Settings,
    c: &ConnectArgs,
    client: Client,
    t: &Topic,
) -> Result<(Vec<Client>, u32), Error> {
    let partitions = client
        .partitions(t)
        .await
        .map_err(pulsar_op(format!("look up the partitions of `{t}`")))?;
    let keepalive = c.pulsar_keepalive.unwrap_or(DEFAULT_KEEPALIVE);
    let mut clients = Vec::new();
    let mut first = Some(client);
    for i in 0..partitions.max(1) {
        let base = match first.take() {
            Some(client) => client,
            None => connect(settings, c).await?,
        };
        let name = if partitions == 0 {
            t.clone()
        } else {
            t.partition(i)
        };
        let token = c.pulsar_token.as_deref();
        let tls = broker(settings, c).await?.2;
        let owner = connect_owner(
            base,
            &name,
            tls.as_ref(),
            token,
            c.connect_timeout,
            keepalive,
        )
        .await
        .map_err(pulsar_op(format!("look up `{name}`")))?;
        clients.push(owner);
    }
    Ok((clients, partitions))
}

/// ` (N partitions)` for a partitioned topic, else nothing.
fn partitions_note(n: u32) -> String {
    if n == 0 {
        String::new()
    } else {
        format!(" ({n} partitions)")
    }
}
