//! The message pipeline behind `arc serve`: multi-protocol ingress (HTTP, WebSocket, Redis list,
//! NATS) into one pipeline function (normalize → validate → constraints → route), a config store
//! and a backbone registry in PostgreSQL, and the log queue in Redis.
//!
//! Components run together in one process by default, or a subset each for scale-out; they share
//! nothing but the backends, so any number of instances may run side by side.

pub(crate) mod api;
pub(crate) mod barrier;
pub(crate) mod client;
pub(crate) mod config;
pub(crate) mod dead;
pub(crate) mod envelope;
pub(crate) mod fanout;
pub(crate) mod ids;
pub(crate) mod ingest;
pub(crate) mod lease;
pub(crate) mod listener;
pub(crate) mod logger;
pub(crate) mod metrics;
pub(crate) mod policy;
pub(crate) mod queue;
pub(crate) mod rejection;
pub(crate) mod slots;
pub(crate) mod store;
pub(crate) mod supervisor;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt as _;

use self::config::{GlobalConfig, Snapshot, TopicConfig};
use self::fanout::Pipeline;
use self::store::{Backbone, Store};
use crate::bus::nats::redact;

/// Where config changes are announced, so every instance reloads at once.
pub(crate) const CONFIG_CHANGED: &str = "arc.config.changed";
/// The safety net: instances reload this often even when no announcement arrives.
const RELOAD_EVERY: Duration = Duration::from_secs(30);

/// Which parts of the pipeline this process runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Components {
    /// Ingress: HTTP, WebSocket, Redis list and NATS, with the constraint checker.
    pub fanout: bool,
    /// The config store's REST API.
    pub config: bool,
    /// The backbone registry's REST API.
    pub registry: bool,
    /// The message logger (log queue → PostgreSQL).
    pub logger: bool,
    /// The query API, the live feed and the page at `/`.
    pub query: bool,
}

impl Components {
    pub(crate) const NAMES: [&'static str; 5] = ["fanout", "config", "registry", "logger", "query"];

    /// Which are on, in `NAMES` order.
    pub(crate) fn enabled(self) -> Vec<&'static str> {
        Self::NAMES
            .iter()
            .zip([
                self.fanout,
                self.config,
                self.registry,
                self.logger,
                self.query,
            ])
            .filter(|(_, on)| *on)
            .map(|(n, _)| *n)
            .collect()
    }

    /// Parses `fanout,config,…`.
    pub(crate) fn parse(list: &[String]) -> Result<Self, String> {
        let mut c = Components {
            fanout: false,
            config: false,
            registry: false,
            logger: false,
            query: false,
        };
        for name in list {
            match name.trim() {
                "fanout" => c.fanout = true,
                "config" => c.config = true,
                "registry" => c.registry = true,
                "logger" => c.logger = true,
                "query" => c.query = true,
                other => {
                    return Err(format!(
                        "unknown component `{other}`; choose from {}",
                        Self::NAMES.join(", ")
                    ))
                }
            }
        }
        Ok(c)
    }
}

/// Everything `arc serve` needs, resolved from flags and environment by the command.
#[derive(Debug, Clone)]
pub(crate) struct ServeOptions {
    pub listen: SocketAddr,
    pub components: Components,
    pub nats_url: String,
    pub redis_url: String,
    pub database_url: String,
    pub admin_token: Option<String>,
    /// Names this instance's Redis processing lists; stable across restarts so it recovers them
    /// at once (a list whose owner's lease lapsed is claimed by a live instance anyway).
    pub consumer: String,
    /// How long a consumer's lease lasts without a heartbeat.
    pub lease_ttl: Duration,
    /// The local backbone's registry record.
    pub system_id: String,
    pub org_id: String,
    pub cluster_id: String,
    pub public_nats_url: Option<String>,
    /// How the logger batches.
    pub batching: logger::Batching,
    /// Drop logged messages older than this many days.
    pub retention_days: Option<u32>,
    /// How many messages a live-feed client may fall behind before it is closed.
    pub feed_buffer: usize,
    /// How long a request waits for JetStream's word on its messages (then 504).
    pub ack_deadline: std::time::Duration,
    /// How long a Redis ingress entry may be held by transient failures before it is set aside.
    pub hold_limit: Duration,
    /// How long a producer's id stays bound to its content after its last use.
    pub id_memory: Duration,
    /// How long a connection may take to send a request head (from its opening or its last
    /// answer), and how many may be open at once.
    pub connections: listener::ConnLimits,
    /// How long a request's body may take to arrive (then 408).
    pub body_timeout: std::time::Duration,
    /// How many bytes of request bodies and WebSocket messages may be held at once.
    pub body_budget: usize,
}

/// Why `arc serve` could not start, or stopped: each variant that wraps a library error keeps it
/// as its `source`.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ServeError {
    #[error("cannot listen on {addr}{}", holder.as_ref().map(|h| format!(": port {} is held by {h}", addr.port())).unwrap_or_default())]
    Listen {
        addr: SocketAddr,
        /// The process holding the port, when it is taken.
        holder: Option<String>,
        #[source]
        source: std::io::Error,
    },
    #[error("the admin API ({what}) needs an admin token: set ARC_ADMIN_TOKEN (`arc up` sets one for the pipeline service) or run only `--components fanout`")]
    NoAdminToken { what: String },
    #[error("the admin token must be at least 16 characters")]
    WeakAdminToken,
    #[error("cannot use NATS at {url}")]
    Nats {
        url: String,
        #[source]
        source: async_nats::ConnectError,
    },
}

impl ServeError {
    /// Whether the options were wrong (exit 2) rather than the world (exit 1).
    pub(crate) fn is_usage(&self) -> bool {
        matches!(self, Self::NoAdminToken { .. } | Self::WeakAdminToken)
    }
}

/// Runs the pipeline until `shutdown` resolves. `ready` is told the bound address.
pub(crate) async fn serve(
    o: ServeOptions,
    ready: impl FnOnce(SocketAddr),
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    if (o.components.config || o.components.registry) && o.admin_token.is_none() {
        let what = [
            ("config", o.components.config),
            ("registry", o.components.registry),
        ]
        .iter()
        .filter(|(_, on)| *on)
        .map(|(n, _)| *n)
        .collect::<Vec<_>>()
        .join(", ");
        return Err(ServeError::NoAdminToken { what });
    }
    if o.admin_token.as_ref().is_some_and(|t| t.len() < 16) {
        return Err(ServeError::WeakAdminToken);
    }
    let listener =
        tokio::net::TcpListener::bind(o.listen)
            .await
            .map_err(|e| ServeError::Listen {
                addr: o.listen,
                holder: (e.kind() == std::io::ErrorKind::AddrInUse)
                    .then(|| crate::runtime::ports::holder(o.listen.port()))
                    .flatten(),
                source: e,
            })?;
    let addr = listener.local_addr().unwrap_or(o.listen);
    let mut connections = o.connections;
    match listener::raise_nofile() {
        Ok((before, after)) => {
            connections.max_connections =
                listener::connection_bound(connections.max_connections, after);
            tracing::info!(
                "connections: open descriptors limited to {after}{}; at most {} connections at once{}, each to send a request head within {}",
                if after > before { format!(" (raised from {before})") } else { String::new() },
                connections.max_connections,
                if connections.max_connections < o.connections.max_connections {
                    format!(" (--max-connections {} leaves too few descriptors)", o.connections.max_connections)
                } else {
                    String::new()
                },
                humantime::format_duration(connections.header_timeout),
            );
        }
        Err(e) => tracing::warn!(
            "connections: cannot read or raise the open-descriptor limit ({e}); at most {} connections at once",
            connections.max_connections
        ),
    }

    // NATS: connecting is retried in the background, so the pipeline starts (and answers 503)
    // while NATS is down.
    let nats = async_nats::ConnectOptions::new()
        .name("arc-pipeline")
        .retry_on_initial_connect()
        .connection_timeout(Duration::from_secs(2))
        .ping_interval(NATS_PING)
        .connect(crate::bus::nats::server_list(&o.nats_url))
        .await
        .map_err(|e| ServeError::Nats {
            url: redact(&o.nats_url),
            source: e,
        })?;
    let supervisor = supervisor::Supervisor::new();
    let redis = queue::Redis::new(o.redis_url.clone());
    let log_queue = queue::LogQueue::start(redis.clone(), &supervisor);
    let limiter = queue::RateLimiter::new(redis.clone());
    let pipeline = Arc::new(Pipeline::new(
        nats.clone(),
        o.nats_url.clone(),
        log_queue,
        limiter,
        ids::IdRegistry::new(redis.clone(), o.id_memory),
        o.ack_deadline,
    ));
    let store = Arc::new(Store::new(o.database_url.clone()));
    let leases = lease::Leases::new(o.lease_ttl);
    if o.components.fanout || o.components.logger {
        let (held, sonic) = (leases.clone(), redis.clone());
        supervisor.spawn("leases", move |beat| {
            lease::run(held.clone(), sonic.clone(), beat)
        });
    }

    let (reload_tx, reload_rx) = tokio::sync::mpsc::channel(16);
    let reload_rx = Arc::new(tokio::sync::Mutex::new(reload_rx));
    {
        let (pipeline, store, nats) = (pipeline.clone(), store.clone(), nats.clone());
        supervisor.spawn("config", move |beat| {
            watch_config(
                pipeline.clone(),
                store.clone(),
                nats.clone(),
                reload_rx.clone(),
                beat,
            )
        });
    }
    if o.components.registry {
        let (store, o, reload) = (store.clone(), o.clone(), reload_tx.clone());
        supervisor.spawn("registry", move |_| {
            register_local(store.clone(), o.clone(), reload.clone())
        });
    }
    if o.components.fanout {
        let (p, js) = (pipeline.clone(), nats.clone());
        supervisor.spawn("streams", move |beat| {
            watch_streams(p.clone(), js.clone(), beat)
        });
        let (p, r) = (pipeline.clone(), redis.clone());
        supervisor.spawn("queue-depth", move |beat| {
            watch_queue_depth(p.clone(), r.clone(), beat)
        });
        let (p, r, c, held) = (
            pipeline.clone(),
            redis.clone(),
            o.consumer.clone(),
            leases.clone(),
        );
        let hold_limit = o.hold_limit;
        supervisor.spawn("redis-ingress", move |beat| {
            ingest::redis_consumer(
                p.clone(),
                r.clone(),
                c.clone(),
                held.clone(),
                hold_limit,
                beat,
            )
        });
        let (p, r, unsaved) = (pipeline.clone(), redis.clone(), ingest::Unsaved::default());
        supervisor.spawn("nats-ingress", move |beat| {
            ingest::nats_consumer(p.clone(), r.clone(), unsaved.clone(), beat)
        });
    }

    if o.components.logger {
        let task = logger::LoggerTask {
            store: store.clone(),
            redis: redis.clone(),
            nats: nats.clone(),
            consumer: o.consumer.clone(),
            batching: o.batching,
            metrics: pipeline.metrics.clone(),
            leases: leases.clone(),
        };
        supervisor.spawn("logger", move |beat| logger::run(task.clone(), beat));
        if let Some(days) = o.retention_days {
            let s = store.clone();
            supervisor.spawn("retention", move |beat| {
                logger::retention(s.clone(), days, beat)
            });
        }
    }
    let (feed, _) = tokio::sync::broadcast::channel(o.feed_buffer.max(1));
    let conns = Arc::new(listener::ConnStats::default());
    if o.components.query {
        let (n, f) = (nats.clone(), feed.clone());
        supervisor.spawn("feed", move |beat| {
            api::feed::relay(n.clone(), f.clone(), beat)
        });
    }

    let state = api::AppState {
        pipeline,
        store,
        admin_token: o.admin_token.clone().map(Arc::from),
        components: o.components,
        reload: reload_tx,
        feed,
        supervisor,
        redis,
        leases,
        budget: api::budget::BodyBudget::new(o.body_budget),
        body_timeout: o.body_timeout,
        conns: conns.clone(),
    };
    let app = api::router(state);
    ready(addr);
    listener::serve(listener, app, connections, conns, shutdown).await;
    Ok(())
}

/// How often the pipeline pings its NATS server. A node cut off the network does not close the
/// connection: it goes silent, and the client notices only when pings go unanswered (three in a
/// row), then reconnects to another node of the list. At async-nats's default of 60 s a
/// partitioned node held an instance's publishes for minutes; at 2 s it is about 6 s.
const NATS_PING: Duration = Duration::from_secs(2);

/// How often the pipeline lists the streams of its backbone: a stream created (or whose
/// subjects changed) since is covered by JetStream acknowledgements within this long.
const STREAMS_EVERY: Duration = Duration::from_secs(2);

/// How long a subject pattern stays covered after the last listing that showed it. A cluster
/// whose stream leader just died has been seen to leave that stream out of a listing; taking
/// the listing at its word would answer its messages after a core publish, which the leaderless
/// stream never stores. Erring the other way costs a deleted stream's subjects 503s (JetStream
/// does not acknowledge them) for this long.
const STREAMS_FORGET_AFTER: Duration = Duration::from_secs(10);

/// Keeps the pipeline's picture of which subjects the local backbone's streams capture (see
/// `Pipeline::captured`). Until the first listing the pipeline refuses messages (503) and is not
/// ready: it cannot tell which ones a stream must acknowledge. Once listed, a failed listing (a
/// cluster electing its leaders) keeps the last picture and the task stays up, so a NATS
/// failover does not take every instance out of the gateway. A server whose INFO says it runs
/// without JetStream has no streams.
async fn watch_streams(
    pipeline: Arc<Pipeline>,
    nats: async_nats::Client,
    beat: supervisor::Beat,
) -> Result<(), supervisor::TaskError> {
    let js = async_nats::jetstream::new(nats.clone());
    let mut seen = std::collections::BTreeMap::<
        String,
        (crate::bus::jetstream::Capture, std::time::Instant),
    >::new();
    let mut listed = false;
    loop {
        let listing = if nats.connection_state() == async_nats::connection::State::Connected
            && !nats.server_info().jetstream
        {
            Ok(Vec::new())
        } else {
            crate::bus::jetstream::captured_subjects(&js).await
        };
        match listing {
            Ok(subjects) => {
                let now = std::time::Instant::now();
                seen.extend(subjects.into_iter().map(|c| (c.pattern.clone(), (c, now))));
                seen.retain(|_, (_, at)| now.duration_since(*at) < STREAMS_FORGET_AFTER);
                pipeline.set_captured(seen.values().map(|(c, _)| c.clone()).collect());
                listed = true;
                beat.up();
            }
            Err(e) if !listed => return Err(e.into()),
            Err(e) => tracing::warn!(
                "streams: {}; keeping the last listing",
                crate::format::chain(&e)
            ),
        }
        tokio::time::sleep(STREAMS_EVERY).await;
    }
}

/// Refreshes the queue-depth gauge every second (pushes update it too), so `/metrics` shows the
/// logger draining the queue while no message arrives (and a full queue refuses before anything
/// is published, see `Pipeline::deliver`).
async fn watch_queue_depth(
    pipeline: Arc<Pipeline>,
    redis: queue::Redis,
    beat: supervisor::Beat,
) -> Result<(), supervisor::TaskError> {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    loop {
        tick.tick().await;
        let mut c = redis.conn().await?;
        let n = redis::cmd("LLEN")
            .arg(queue::LOG_QUEUE)
            .query_async::<u64>(&mut c)
            .await
            .map_err(|e| redis.error(e))?;
        pipeline.metrics.queue_depth(n);
        beat.up();
    }
}

/// Keeps the pipeline's configuration snapshot current: at start, on every
/// `arc.config.changed`, on a local write, and every 30 s. A run fails (and is restarted) when it
/// cannot subscribe or cannot load the first snapshot; a failed reload later keeps the last one.
async fn watch_config(
    pipeline: Arc<Pipeline>,
    store: Arc<Store>,
    nats: async_nats::Client,
    local: Arc<tokio::sync::Mutex<tokio::sync::mpsc::Receiver<()>>>,
    beat: supervisor::Beat,
) -> Result<(), supervisor::TaskError> {
    let mut local = local.lock().await;
    let mut changes = nats
        .subscribe(CONFIG_CHANGED)
        .await
        .map_err(supervisor::doing(format!(
            "cannot subscribe to {CONFIG_CHANGED}"
        )))?;
    let s = load_snapshot(&store).await?;
    tracing::info!("config: loaded {}", s.version);
    pipeline.set_snapshot(s);
    beat.up();
    let mut tick = tokio::time::interval(RELOAD_EVERY);
    tick.tick().await;
    loop {
        tokio::select! {
            m = changes.next() => if m.is_none() {
                return Err(format!("the subscription to {CONFIG_CHANGED} ended").into());
            },
            Some(()) = local.recv() => {}
            _ = tick.tick() => {}
        }
        // Coalesce a burst of announcements into one reload.
        while let Ok(Some(_)) =
            tokio::time::timeout(Duration::from_millis(20), changes.next()).await
        {}
        match load_snapshot(&store).await {
            Ok(s) => pipeline.set_snapshot(s),
            Err(e) => tracing::warn!(
                "config: reload failed, keeping the last one: {}",
                crate::format::chain(&e)
            ),
        }
    }
}

async fn load_snapshot(store: &Store) -> Result<Snapshot, store::StoreError> {
    let global_doc = store.get("global", "global").await?;
    let mut version = format!("global v{}", global_doc.as_ref().map_or(0, |d| d.version));
    let global = global_doc
        .and_then(|d| match serde_json::from_value::<GlobalConfig>(d.body) {
            Ok(g) => Some(g),
            Err(e) => {
                tracing::warn!("config: the stored global document is unreadable: {e}");
                None
            }
        })
        .unwrap_or_default();
    let mut topics = Vec::new();
    for d in store.list("topic").await? {
        match serde_json::from_value::<TopicConfig>(d.body) {
            Ok(t) => {
                version.push_str(&format!(", {} v{}", d.name, d.version));
                topics.push((d.name, t));
            }
            Err(e) => tracing::warn!("config: topic `{}` is unreadable: {e}", d.name),
        }
    }
    let routes = store.routes().await?;
    // The orgs routed to a registered backbone (not its URL, which may carry credentials): a
    // registration shows in /readyz once it routes.
    for org in routes.keys() {
        version.push_str(&format!(", route {org}"));
    }
    Ok(Snapshot::build(global, topics, routes, version))
}

/// Records this instance's own backbone in the registry (the supervisor retries until the store
/// answers).
async fn register_local(
    store: Arc<Store>,
    o: ServeOptions,
    reload: tokio::sync::mpsc::Sender<()>,
) -> Result<(), supervisor::TaskError> {
    let mut metadata = serde_json::Map::new();
    metadata.insert("region".into(), "local".into());
    metadata.insert("status".into(), "active".into());
    metadata.insert(
        "version".into(),
        env!("CARGO_PKG_VERSION").to_owned().into(),
    );
    let b = Backbone {
        system_id: o.system_id,
        org_id: o.org_id,
        cluster_id: o.cluster_id,
        nats_url: o.public_nats_url.unwrap_or(o.nats_url),
        metadata,
        version: None,
        created_at: None,
        updated_at: None,
    };
    store
        .upsert_backbone(&b)
        .await
        .map_err(supervisor::doing(format!(
            "cannot register backbone `{}`",
            b.system_id
        )))?;
    tracing::info!("registry: registered backbone `{}`", b.system_id);
    let _ = reload.try_send(());
    Ok(())
}
