//! Flags of the pipeline commands: `serve`, `config get|set|rm`, `backbones`.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

/// `arc serve`.
#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// Where the HTTP API listens (ingress, admin, health, metrics).
    #[arg(long, env = "ARC_PIPELINE_LISTEN", default_value = "127.0.0.1:8090")]
    pub listen: SocketAddr,
    /// The components to run: fanout (HTTP, WebSocket, Redis and NATS ingress with the
    /// constraint checker), config (the config store's API), registry (the backbone registry),
    /// logger (log queue into PostgreSQL), query (query API, live feed, the page at `/`).
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "fanout,config,registry,logger,query",
        value_name = "LIST"
    )]
    pub components: Vec<String>,
    /// The logger writes a batch when it holds this many messages...
    #[arg(long, default_value_t = 5000, value_name = "N")]
    pub log_batch: usize,
    /// ...or this many bytes...
    #[arg(long, default_value = "4MiB", value_parser = crate::spec::size::parse_usize, value_name = "SIZE")]
    pub log_batch_bytes: usize,
    /// ...or its first message has waited this long.
    #[arg(long, default_value = "50ms", value_parser = crate::spec::duration::parse, value_name = "DURATION")]
    pub log_batch_wait: std::time::Duration,
    /// The logger writes this many batches side by side, each on a PostgreSQL connection of its
    /// own (PostgreSQL takes more rows a second over more than one connection).
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u16).range(1..=64), value_name = "N")]
    pub log_writers: u16,
    /// Drop logged messages older than this many days (default: keep everything).
    #[arg(long, value_name = "DAYS")]
    pub retention_days: Option<u32>,
    /// A live-feed client (`/v1/feed`, `arc tail --log`) is closed with the reason once it falls
    /// this many messages behind the log.
    #[arg(long, env = "ARC_FEED_BUFFER", default_value_t = 4096, value_parser = clap::value_parser!(u32).range(1..=1_000_000), value_name = "N")]
    pub feed_buffer: u32,
    /// How long a request waits for JetStream to say whether it stored a message, asking again
    /// with the same `Nats-Msg-Id` every second while no acknowledgement comes; past it the
    /// answer is 504 `outcome_unknown` (retry with the same id: it is stored once).
    #[arg(long, env = "ARC_ACK_DEADLINE", default_value = "5s", value_parser = crate::spec::duration::parse_positive, value_name = "DURATION")]
    pub ack_deadline: std::time::Duration,
    /// How long a Redis ingress entry may be held back by transient failures (a stream without
    /// a leader, a full stream, a rate limit; retried with backoff) before it is set aside on
    /// `arc:ingest:rejected` with reason `held_too_long`. Time the pipeline's NATS connection
    /// was down does not count.
    #[arg(long, env = "ARC_HOLD_LIMIT", default_value = "2m", value_parser = crate::spec::duration::parse_positive, value_name = "DURATION")]
    pub hold_limit: std::time::Duration,
    /// How long a producer's `id` stays bound to what it names (sender, subject, headers,
    /// payload) after its last use: within it, the same id with other content is refused (409)
    /// and a retry with the same content is stored once. About 150 bytes of Redis per id.
    #[arg(long, env = "ARC_ID_MEMORY", default_value = "2m", value_parser = crate::spec::duration::parse, value_name = "DURATION")]
    pub id_memory: std::time::Duration,
    /// A connection that has not sent a complete request head within this long of opening, or
    /// of its previous answer, is closed: this bounds both how long a keep-alive connection may
    /// sit idle and how slowly a head may arrive.
    #[arg(long, env = "ARC_HEADER_TIMEOUT", default_value = "30s", value_parser = parse_timeout, value_name = "DURATION")]
    pub header_timeout: std::time::Duration,
    /// A request's body must have arrived whole within this long of its head (else 408 and the
    /// connection is closed).
    #[arg(long, env = "ARC_BODY_TIMEOUT", default_value = "30s", value_parser = parse_timeout, value_name = "DURATION")]
    pub body_timeout: std::time::Duration,
    /// At most this many connections are open at once, WebSockets included, and never more
    /// than the descriptor limit leaves room for (its soft value is raised to the hard one at
    /// start). A connection over the bound closes the one that has waited longest without a
    /// request; when every one is busy, the newcomer gets 503 with Retry-After.
    #[arg(long, env = "ARC_MAX_CONNECTIONS", default_value_t = 4096, value_parser = clap::value_parser!(u32).range(1..), value_name = "N")]
    pub max_connections: u32,
    /// The bytes of request bodies and WebSocket messages held at once, across all clients;
    /// past it a request gets 503 with Retry-After. Bodies over 1 MiB together take at most
    /// three quarters of it, so held large bodies leave room for ordinary messages.
    #[arg(long, env = "ARC_BODY_BUDGET", default_value = "256MiB", value_parser = parse_budget, value_name = "SIZE")]
    pub body_budget: u64,
    /// Flash's URL (default: the project's `messaging` service).
    #[arg(long, env = "ARC_NATS_URL", value_name = "URL")]
    pub nats_url: Option<String>,
    /// Sonic's URL (default: the project's `cache` service).
    #[arg(long, env = "ARC_REDIS_URL", value_name = "URL")]
    pub redis_url: Option<String>,
    /// The log store's URL (default: the project's `logstore` service).
    #[arg(long, env = "ARC_DATABASE_URL", value_name = "URL")]
    pub database_url: Option<String>,
    /// The token the admin API (config, registry) requires; at least 16 characters.
    #[arg(
        long,
        env = "ARC_ADMIN_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    pub admin_token: Option<String>,
    /// This instance's name for its Redis processing lists; kept stable across restarts, the
    /// instance runs them again at once when it starts (default: host name and port). Nothing
    /// depends on it: the lists of a consumer whose lease lapsed are claimed by a live instance.
    #[arg(long, env = "ARC_PIPELINE_CONSUMER", value_name = "NAME")]
    pub consumer: Option<String>,
    /// How long a consumer's lease lasts without a heartbeat (renewed every fifth of it): after
    /// a crash, its processing lists are claimed by another instance within about this long.
    #[arg(long, env = "ARC_LEASE_TTL", default_value = "10s", value_parser = parse_lease_ttl, value_name = "DURATION")]
    pub lease_ttl: std::time::Duration,
    /// The local backbone's system id in the registry.
    #[arg(long, env = "ARC_SYSTEM_ID", default_value = "local")]
    pub system_id: String,
    /// The local backbone's org id in the registry.
    #[arg(long, env = "ARC_ORG_ID", default_value = "local")]
    pub org_id: String,
    /// The local backbone's cluster id in the registry.
    #[arg(long, env = "ARC_CLUSTER_ID", default_value = "local")]
    pub cluster_id: String,
    /// The NATS URL other systems reach this backbone at (default: --nats-url).
    #[arg(long, env = "ARC_PUBLIC_NATS_URL", value_name = "URL")]
    pub public_nats_url: Option<String>,
}

/// A lease TTL: a duration of at least 1 s (a shorter one lapses on a busy machine).
fn parse_lease_ttl(text: &str) -> Result<std::time::Duration, String> {
    let d = crate::spec::duration::parse(text)?;
    if d < std::time::Duration::from_secs(1) {
        return Err(format!("`{text}`: a lease must last at least 1s"));
    }
    Ok(d)
}

/// A connection or body deadline: at least 100 ms.
fn parse_timeout(text: &str) -> Result<std::time::Duration, String> {
    let d = crate::spec::duration::parse(text)?;
    if d < std::time::Duration::from_millis(100) {
        return Err(format!("`{text}`: give at least 100ms"));
    }
    Ok(d)
}

/// The body budget: a size of at least 128 MiB (large bodies share three quarters of it, and
/// one may be 64 MiB).
fn parse_budget(text: &str) -> Result<u64, String> {
    let n = crate::spec::size::parse(text)?;
    if n < 128 << 20 {
        return Err(format!(
            "`{text}`: the budget must be at least 128MiB (a request may hold 64MiB, and large bodies take three quarters of the budget)"
        ));
    }
    Ok(n)
}

/// How admin commands reach the pipeline.
#[derive(Debug, Clone, Args)]
pub(crate) struct AdminArgs {
    /// The pipeline's URL (default: the project's `pipeline` service).
    // `--server` is the older name on these commands: a hidden alias, so scripts keep working.
    #[arg(
        long = "pipeline-url",
        alias = "server",
        env = "ARC_PIPELINE_URL",
        value_name = "URL"
    )]
    pub pipeline_url: Option<String>,
    /// The admin token (default: the one `arc up` generated for this project).
    #[arg(
        long,
        env = "ARC_ADMIN_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    pub admin_token: Option<String>,
}

/// Which config document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ConfigKind {
    /// The global document (limits, queue bound, identities).
    Global,
    /// One topic (give its name).
    Topic,
    /// Every topic (for `get`).
    Topics,
}

/// `arc config get`.
#[derive(Debug, Args)]
pub(crate) struct ConfigGetArgs {
    /// global, topic NAME, or topics.
    pub kind: ConfigKind,
    /// The topic's name.
    pub name: Option<String>,
    #[command(flatten)]
    pub admin: AdminArgs,
}

/// `arc config set`.
#[derive(Debug, Args)]
pub(crate) struct ConfigSetArgs {
    /// global or topic NAME.
    pub kind: ConfigKind,
    /// The topic's name.
    pub name: Option<String>,
    /// The document, YAML or JSON (`-`: standard input).
    #[arg(long = "from", value_name = "FILE")]
    pub from: PathBuf,
    /// Replace only if the stored version is still this ETag (from `arc config get`); without
    /// it, arc replaces whatever version it reads just before writing.
    #[arg(long, value_name = "ETAG")]
    pub if_match: Option<String>,
    #[command(flatten)]
    pub admin: AdminArgs,
}

/// `arc config rm`.
#[derive(Debug, Args)]
pub(crate) struct ConfigRmArgs {
    /// global or topic NAME.
    pub kind: ConfigKind,
    /// The topic's name.
    pub name: Option<String>,
    #[command(flatten)]
    pub admin: AdminArgs,
}

/// `arc backbones`.
#[derive(Debug, Subcommand)]
pub(crate) enum BackbonesCommand {
    /// List the registered backbones.
    Ls(AdminOnly),
    /// Show one backbone.
    Show(BackboneId),
    /// Register a backbone.
    ///
    /// $ arc backbones add eu-1 --org acme --cluster eu --nats-url nats://eu-1.acme.io:4222
    Add(BackboneAddArgs),
    /// Remove a backbone from the registry.
    Rm(BackboneId),
    /// Deploy (or upgrade) a NATS backbone into a Kubernetes cluster with Helm, then register it.
    ///
    /// Installs or upgrades a release of the official NATS chart with arc's standardized values
    /// (`arc backbones values` prints them): `helm upgrade --install --atomic --wait`, then waits
    /// until the public URL answers NATS with a JetStream meta leader, applies the streams of
    /// services/messaging/streams.yaml there, and records the backbone in the registry (status
    /// `active`). Deploying again is an upgrade; the record follows. Needs `helm` (3.8+ or 4)
    /// on PATH and a Kubernetes context.
    ///
    /// $ arc backbones deploy eu-1 --org acme --cluster eu --public-url nats://nats.eu.acme.io:4222
    ///
    /// $ arc backbones deploy eu-1 --org acme --cluster eu --public-url nats://nats.eu.acme.io:4222 --dry-run
    Deploy(BackboneDeployArgs),
    /// Print the Helm values `deploy` would pass (YAML, commented), for review or pinning.
    ///
    /// Takes `deploy`'s flags; with `--values FILE`, prints the merged result.
    ///
    /// $ arc backbones values eu-1 --org acme --cluster eu --public-url nats://nats.eu.acme.io:4222 --replicas 5
    Values(BackboneDeployArgs),
    /// Drain a deployed backbone, uninstall its release, and mark it `decommissioned`.
    ///
    /// First sets its status to `draining` (the pipeline stops routing its org's messages to
    /// it), then `helm uninstall`, then `decommissioned` in the registry, then deletes its
    /// JetStream volumes unless `--keep-data`.
    ///
    /// $ arc backbones remove eu-1
    Remove(BackboneRemoveArgs),
    /// Ask a backbone itself how it is: NATS over its public URL, JetStream, and (for one arc
    /// deployed) its Helm release. Exit 1 when it does not answer.
    ///
    /// $ arc backbones status eu-1
    Status(BackboneId),
}

/// How clients outside the Kubernetes cluster reach a deployed backbone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ExposeChoice {
    /// A LoadBalancer Service on the client port (nats:// or tls:// URL).
    Loadbalancer,
    /// A NodePort Service; the public URL names the node port (30000-32767).
    Nodeport,
    /// An Ingress carrying NATS over WebSocket (ws:// or wss:// URL).
    Ingress,
}

#[derive(Debug, Args)]
pub(crate) struct BackboneDeployArgs {
    /// The backbone's system id; also the Helm release's name.
    pub system_id: String,
    /// The organisation whose messages it carries (messages with header `org: ORG`).
    #[arg(long = "org")]
    pub org_id: String,
    /// The cluster it runs in (the registry's cluster id).
    #[arg(long = "cluster")]
    pub cluster_id: String,
    /// The Kubernetes context to deploy with (default: the kubeconfig's current context).
    #[arg(long, env = "ARC_KUBE_CONTEXT", value_name = "NAME")]
    pub kube_context: Option<String>,
    /// The namespace of the release (created when missing).
    #[arg(long, default_value = "arc-backbones", value_name = "NAME")]
    pub namespace: String,
    /// NATS servers in the backbone (1 to 5; odd numbers keep a JetStream quorum).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u8).range(1..=5), value_name = "N")]
    pub replicas: u8,
    /// A values file (YAML) merged over arc's standardized values, the way Helm merges them.
    #[arg(long, value_name = "FILE")]
    pub values: Option<PathBuf>,
    /// How clients outside the cluster reach it.
    #[arg(long, value_enum, default_value = "loadbalancer")]
    pub expose: ExposeChoice,
    /// The URL clients reach it at (recorded in the registry): the load balancer's DNS name,
    /// a node's address with the node port, or the ingress host.
    #[arg(long, value_name = "URL")]
    pub public_url: String,
    /// The region recorded in the registry.
    #[arg(long)]
    pub region: Option<String>,
    /// How long the rollout, and then the public URL, may take each.
    #[arg(long, default_value = "10m", value_parser = crate::spec::duration::parse_positive, value_name = "DURATION")]
    pub timeout: std::time::Duration,
    /// Print the plan (release, chart, values, Helm command, registry record) and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub admin: AdminArgs,
}

#[derive(Debug, Args)]
pub(crate) struct BackboneRemoveArgs {
    /// The backbone's system id.
    pub system_id: String,
    /// Keep the JetStream volumes (PersistentVolumeClaims) for a later deploy.
    #[arg(long)]
    pub keep_data: bool,
    /// The Kubernetes context, for a backbone the registry does not know (default: the one
    /// recorded at deploy).
    #[arg(long, value_name = "NAME")]
    pub kube_context: Option<String>,
    /// The namespace, for a backbone the registry does not know (default: the recorded one).
    #[arg(long, value_name = "NAME")]
    pub namespace: Option<String>,
    /// How long the uninstall may take.
    #[arg(long, default_value = "5m", value_parser = crate::spec::duration::parse_positive, value_name = "DURATION")]
    pub timeout: std::time::Duration,
    #[command(flatten)]
    pub admin: AdminArgs,
}

#[derive(Debug, Args)]
pub(crate) struct AdminOnly {
    #[command(flatten)]
    pub admin: AdminArgs,
}

#[derive(Debug, Args)]
pub(crate) struct BackboneId {
    /// The backbone's system id.
    pub system_id: String,
    #[command(flatten)]
    pub admin: AdminArgs,
}

#[derive(Debug, Args)]
pub(crate) struct BackboneAddArgs {
    /// The backbone's system id.
    pub system_id: String,
    /// The organisation whose messages it carries (messages with header `org: ORG`).
    #[arg(long = "org")]
    pub org_id: String,
    /// The cluster it runs in.
    #[arg(long = "cluster")]
    pub cluster_id: String,
    /// Its public NATS URL.
    #[arg(long)]
    pub nats_url: String,
    #[arg(long)]
    pub region: Option<String>,
    /// The backbone's version.
    #[arg(long = "backbone-version", value_name = "VERSION")]
    pub backbone_version: Option<String>,
    /// active, draining, down, … (anything but down, inactive, draining or decommissioned
    /// takes traffic).
    #[arg(long)]
    pub status: Option<String>,
    #[command(flatten)]
    pub admin: AdminArgs,
}
