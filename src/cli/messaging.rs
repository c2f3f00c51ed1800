//! Flags of the messaging commands: pub, sub, request, reply, streams, replay, tail, and the
//! message log's: `replay --log`, `tail --log`, `messages get` (through the pipeline).

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand, ValueEnum};

/// How to reach the backbone. Defaults come from the running profile (`arc env`), else the
/// stock endpoints.
#[derive(Debug, Clone, Default, Args)]
pub(crate) struct ConnectArgs {
    /// NATS server URL.
    #[arg(
        long,
        env = "ARC_NATS_URL",
        value_name = "URL",
        help_heading = "Connection"
    )]
    pub server: Option<String>,
    /// NATS token.
    #[arg(
        long,
        env = "ARC_NATS_TOKEN",
        hide_env_values = true,
        help_heading = "Connection"
    )]
    pub token: Option<String>,
    /// NATS user name.
    #[arg(
        long,
        env = "ARC_NATS_USER",
        requires = "password",
        help_heading = "Connection"
    )]
    pub user: Option<String>,
    /// NATS password.
    #[arg(
        long,
        env = "ARC_NATS_PASSWORD",
        hide_env_values = true,
        requires = "user",
        help_heading = "Connection"
    )]
    pub password: Option<String>,
    /// NATS credentials file (JWT + NKey seed).
    #[arg(
        long,
        env = "ARC_NATS_CREDS",
        value_name = "FILE",
        help_heading = "Connection"
    )]
    pub creds: Option<PathBuf>,
    /// Pulsar broker URL, `pulsar://` or `pulsar+ssl://` (for `persistent://` and
    /// `non-persistent://` topics).
    #[arg(
        long,
        env = "ARC_PULSAR_URL",
        value_name = "URL",
        help_heading = "Connection"
    )]
    pub pulsar_url: Option<String>,
    /// Pulsar token.
    #[arg(
        long,
        env = "ARC_PULSAR_TOKEN",
        hide_env_values = true,
        help_heading = "Connection"
    )]
    pub pulsar_token: Option<String>,
    /// PEM file of the certificate authorities to trust for a `pulsar+ssl://` broker (default:
    /// the system's roots).
    #[arg(
        long,
        env = "ARC_PULSAR_TLS_CA",
        value_name = "FILE",
        help_heading = "Connection"
    )]
    pub pulsar_tls_ca: Option<PathBuf>,
    /// How often arc sends the Pulsar broker a PING; when nothing comes back within as long,
    /// arc gives the connection up (exit 1). Default: 30s.
    #[arg(
        long,
        env = "ARC_PULSAR_KEEPALIVE",
        value_parser = crate::spec::duration::parse_positive,
        value_name = "DURATION",
        help_heading = "Connection"
    )]
    pub pulsar_keepalive: Option<Duration>,
    /// Pulsar admin REST API URL (for `arc streams apply`).
    #[arg(
        long,
        env = "ARC_PULSAR_ADMIN_URL",
        value_name = "URL",
        help_heading = "Connection"
    )]
    pub pulsar_admin_url: Option<String>,
    /// How long to wait for a connection.
    #[arg(long, value_parser = crate::spec::duration::parse_positive, default_value = "5s", help_heading = "Connection")]
    pub connect_timeout: Duration,
}

/// `arc pub`.
#[derive(Debug, Args)]
pub(crate) struct PubArgs {
    /// NATS subject (`agent.events.created`), or a Pulsar topic (`persistent://public/default/t`).
    pub subject: String,
    /// The body; templates: {{Count}}, {{ID}}, {{TimeStamp}}, {{Unix}}, {{UnixNano}}, {{Random a b}}.
    pub data: Option<String>,
    /// A header `key:value` (repeatable; NATS headers or Pulsar properties).
    #[arg(short = 'H', long = "header", value_name = "KEY:VALUE")]
    pub headers: Vec<String>,
    /// Publish N messages.
    #[arg(long, default_value_t = 1)]
    pub count: u64,
    /// Read messages from stdin, one per line.
    #[arg(long, conflicts_with_all = ["data", "size"])]
    pub stdin: bool,
    /// A random body of this size (for load): bytes, or `4KiB`, `2MiB`, `1MB`.
    #[arg(long, value_name = "SIZE", value_parser = crate::spec::size::parse_usize, conflicts_with = "data")]
    pub size: Option<usize>,
    /// Publish through JetStream and wait for each acknowledgement (`Nats-Msg-Id` set).
    #[arg(long)]
    pub jetstream: bool,
    /// Reply subject to send with the message.
    #[arg(long, value_name = "SUBJECT")]
    pub reply_to: Option<String>,
    /// Compress each Pulsar message with this codec (every official client reads them all).
    ///
    /// $ arc pub persistent://public/default/audit --size 4096 --count 100 --compression zstd
    #[arg(long, value_enum, value_name = "CODEC", help_heading = "Pulsar")]
    pub compression: Option<PulsarCompression>,
    /// The Pulsar message key: Key_Shared subscriptions dispatch by it, and on a partitioned
    /// topic it picks the partition (the same key, the same partition).
    #[arg(long, value_name = "KEY", help_heading = "Pulsar")]
    pub key: Option<String>,
    /// The Pulsar message's event time: a duration ago (`90s`), an RFC 3339 time, or unix
    /// seconds or milliseconds (as `arc replay --since`).
    #[arg(long, value_name = "TIME", help_heading = "Pulsar")]
    pub event_time: Option<String>,
    /// Connection options.
    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// Pulsar compression codecs for `arc pub --compression`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum PulsarCompression {
    /// LZ4 (fast; Pulsar's most common choice).
    Lz4,
    /// zlib.
    Zlib,
    /// Zstandard (best ratio).
    Zstd,
    /// Snappy.
    Snappy,
}

/// Pulsar subscription types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum SubscriptionType {
    /// One consumer.
    Exclusive,
    /// Round robin across consumers.
    Shared,
    /// One active consumer, others on standby.
    Failover,
    /// By message key.
    KeyShared,
}

/// Where a new Pulsar subscription starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Position {
    /// The oldest message kept.
    Earliest,
    /// Only new messages.
    Latest,
}

/// `arc sub`.
#[derive(Debug, Args)]
pub(crate) struct SubArgs {
    /// Subject pattern (`agent.events.>`), or a Pulsar topic.
    pub subject: String,
    /// Join a queue group: each message goes to one member.
    #[arg(long, value_name = "GROUP")]
    pub queue: Option<String>,
    /// Exit after N messages.
    #[arg(long, value_name = "N")]
    pub count: Option<u64>,
    /// Print only the payload.
    #[arg(long, conflicts_with = "headers")]
    pub raw: bool,
    /// Print headers.
    #[arg(long)]
    pub headers: bool,
    /// Pulsar subscription name.
    #[arg(long, default_value = "arc-sub", help_heading = "Pulsar")]
    pub subscription: String,
    /// Pulsar initial position.
    #[arg(long, value_enum, default_value_t = Position::Latest, help_heading = "Pulsar")]
    pub position: Position,
    /// Pulsar subscription type.
    #[arg(long = "type", value_enum, default_value_t = SubscriptionType::Exclusive, help_heading = "Pulsar")]
    pub sub_type: SubscriptionType,
    /// Connection options.
    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// `arc request`.
#[derive(Debug, Args)]
pub(crate) struct RequestArgs {
    /// Subject.
    pub subject: String,
    /// Request body (templates as in `arc pub`).
    #[arg(default_value = "")]
    pub data: String,
    /// A header `key:value` (repeatable).
    #[arg(short = 'H', long = "header", value_name = "KEY:VALUE")]
    pub headers: Vec<String>,
    /// How long to wait for the reply.
    #[arg(long, value_parser = crate::spec::duration::parse_positive, default_value = "5s")]
    pub timeout: Duration,
    /// Print only the payload.
    #[arg(long)]
    pub raw: bool,
    /// Connection options.
    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// `arc reply`.
#[derive(Debug, Args)]
pub(crate) struct ReplyArgs {
    /// Subject (wildcards allowed).
    pub subject: String,
    /// The reply body (templates as in `arc pub`, plus {{Request}} and {{Subject}}).
    #[arg(required_unless_present = "command")]
    pub response: Option<String>,
    /// Queue group, so several repliers share the requests.
    #[arg(long, value_name = "GROUP")]
    pub queue: Option<String>,
    /// Run CMD (with `sh -c`) per request, the request on stdin; reply with its stdout.
    #[arg(long, value_name = "CMD", conflicts_with = "response")]
    pub command: Option<String>,
    /// Exit after N requests.
    #[arg(long, value_name = "N")]
    pub count: Option<u64>,
    /// Connection options.
    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// `arc streams …`.
#[derive(Debug, Subcommand)]
pub(crate) enum StreamsCommand {
    /// Create or update the declared JetStream streams (and Pulsar topics), printing what
    /// changed.
    ///
    /// $ arc streams apply
    /// $ arc streams apply my-streams.yaml --dry-run
    Apply(StreamsApplyArgs),
    /// List JetStream streams, or the Pulsar topics of a namespace (with their partitions).
    ///
    /// $ arc streams ls
    /// $ arc streams ls persistent://arc/agents
    Ls(StreamsLsArgs),
    /// Show one stream's configuration and state, or a Pulsar topic's partitions.
    ///
    /// $ arc streams info AGENT_EVENTS
    /// $ arc streams info persistent://arc/agents/agent-events
    Info(StreamNameArgs),
    /// Delete a stream and its messages.
    Rm(StreamNameArgs),
}

/// `arc streams apply`.
#[derive(Debug, Args)]
pub(crate) struct StreamsApplyArgs {
    /// The streams file; default: `services/messaging/streams.yaml`.
    pub file: Option<PathBuf>,
    /// The Pulsar topics file; default: `services/streaming/topics.yaml`.
    #[arg(long, value_name = "FILE")]
    pub topics: Option<PathBuf>,
    /// Show what would change without changing it.
    #[arg(long)]
    pub dry_run: bool,
    /// Only JetStream streams, not Pulsar topics.
    #[arg(long)]
    pub no_topics: bool,
    /// Every stream's replicas (1 to 5), whatever the file says. Default: the file's, except
    /// when Flash is declared with replicas: then as many as it has instances, up to 5.
    ///
    /// $ arc streams apply --replicas 3
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=5))]
    pub replicas: Option<u8>,
    /// Connection options.
    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// `arc streams ls`.
#[derive(Debug, Args)]
pub(crate) struct StreamsLsArgs {
    /// A Pulsar namespace (`persistent://tenant/namespace`, `non-persistent://…`, or
    /// `tenant/namespace` for both): list its topics instead of the JetStream streams.
    pub namespace: Option<String>,
    /// Connection options.
    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// A stream name and connection options.
#[derive(Debug, Args)]
pub(crate) struct StreamNameArgs {
    /// Stream name (`AGENT_EVENTS`), or a Pulsar topic (`persistent://public/default/t`).
    pub name: String,
    /// Connection options.
    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// `arc replay`.
#[derive(Debug, Args)]
pub(crate) struct ReplayArgs {
    /// A JetStream stream (`AGENT_EVENTS`) or a Pulsar topic (`persistent://public/default/t`);
    /// not with --log.
    #[arg(required_unless_present = "log")]
    pub source: Option<String>,
    /// From: a duration ago (`90s`, `1h`), an RFC 3339 time, or unix seconds or milliseconds.
    #[arg(long, value_name = "TIME")]
    pub since: String,
    /// Until (same forms); default: the end of what exists.
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
    /// Only subjects matching this pattern (JetStream, and the message log).
    #[arg(long, value_name = "PATTERN")]
    pub subject: Option<String>,
    /// Re-publish each message to this live subject.
    #[arg(long, value_name = "SUBJECT")]
    pub to: Option<String>,
    /// Keep going after the end, printing new messages as they arrive.
    #[arg(long, conflicts_with = "until")]
    pub follow: bool,
    /// Print only the payload.
    #[arg(long)]
    pub raw: bool,
    /// Page through the message log (every accepted message, from the pipeline's query API)
    /// instead of a stream; prints envelopes.
    ///
    /// $ arc replay --log --since 1h --subject 'agent.*.commands' --json
    #[arg(long, conflicts_with_all = ["source", "to", "follow"], help_heading = "Message log")]
    pub log: bool,
    /// How --log reaches the pipeline.
    #[command(flatten)]
    pub log_connect: LogConnectArgs,
    /// Connection options.
    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// `arc tail`.
#[derive(Debug, Args)]
pub(crate) struct TailArgs {
    /// Subject pattern.
    #[arg(default_value = ">")]
    pub pattern: String,
    /// Also show `$`-prefixed (server) and `_INBOX` subjects.
    #[arg(long, conflicts_with = "log")]
    pub system: bool,
    /// Exit after N messages.
    #[arg(long, value_name = "N")]
    pub count: Option<u64>,
    /// Follow the message log's live feed (each message as the logger writes it, from the
    /// pipeline's WebSocket `/v1/feed`) instead of NATS; exit 1 if the pipeline drops it.
    ///
    /// $ arc tail --log 'agent.>' --json
    #[arg(long, help_heading = "Message log")]
    pub log: bool,
    /// How --log reaches the pipeline.
    #[command(flatten)]
    pub log_connect: LogConnectArgs,
    /// Connection options.
    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// How `--log` reaches the message log: the pipeline's query API and live feed.
#[derive(Debug, Clone, Default, Args)]
pub(crate) struct LogConnectArgs {
    /// The pipeline's URL, for --log (default: the project's `pipeline` service).
    #[arg(
        long,
        env = "ARC_PIPELINE_URL",
        value_name = "URL",
        help_heading = "Message log"
    )]
    pub pipeline_url: Option<String>,
    /// The admin token, for --log (default: the one `arc up` generated for this project).
    #[arg(
        long,
        env = "ARC_ADMIN_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN",
        help_heading = "Message log"
    )]
    pub admin_token: Option<String>,
}

/// `arc messages`.
#[derive(Debug, Subcommand)]
pub(crate) enum MessagesCommand {
    /// Print one message from the log: its envelope, as pretty JSON (one line with --json).
    /// Exit 2 when the log has no message with that id.
    ///
    /// $ arc messages get 019a5d3e-7c1f-7b7e-9d3e-2a1f0c6b9e10
    Get(MessageGetArgs),
    /// The dead letters, newest first: entries Redis ingress refused or could not read, NATS
    /// messages refused with no reply subject to tell, and accepted messages the log store would
    /// not take — each with its reason. `retry` puts a letter back where it came from
    /// (`arc:ingest` or the log queue); `drop` deletes it.
    ///
    /// $ arc messages dead
    /// $ arc messages dead --place log --json
    /// $ arc messages dead retry 019a5d3e-7c1f-7b7e-9d3e-2a1f0c6b9e10
    /// $ arc messages dead drop --all --place ingest
    Dead(DeadArgs),
}

/// `arc messages dead`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub(crate) struct DeadArgs {
    #[command(subcommand)]
    pub action: Option<DeadAction>,
    /// Only this place: `ingest` (arc:ingest:rejected) or `log` (arc:log:dead).
    #[arg(long, value_parser = ["ingest", "log"])]
    pub place: Option<String>,
    /// At most this many letters a place.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u16).range(1..=1000))]
    pub limit: u16,
    #[command(flatten)]
    pub admin: super::AdminArgs,
}

/// What to do with dead letters.
#[derive(Debug, Subcommand)]
pub(crate) enum DeadAction {
    /// Put a letter back where it came from (or, with --all, every letter of --place).
    Retry(DeadTakeArgs),
    /// Delete a letter (or, with --all, every letter of --place).
    Drop(DeadTakeArgs),
}

/// `arc messages dead retry|drop`.
#[derive(Debug, Args)]
pub(crate) struct DeadTakeArgs {
    /// The letter's `dead_id`, as `arc messages dead` shows it.
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    pub dead_id: Option<String>,
    /// Every letter of --place.
    #[arg(long, requires = "place")]
    pub all: bool,
    /// The place whose letters --all takes: `ingest` or `log`.
    #[arg(long, value_parser = ["ingest", "log"])]
    pub place: Option<String>,
    #[command(flatten)]
    pub admin: super::AdminArgs,
}

/// `arc messages get`.
#[derive(Debug, Args)]
pub(crate) struct MessageGetArgs {
    /// The message's id (the envelope's `id`: a UUIDv7, or the producer's idempotency key).
    pub id: String,
    #[command(flatten)]
    pub admin: super::AdminArgs,
}
