//! Command-line definitions (clap derive). Flags and help text only: no I/O, no defaults that
//! depend on the machine (those are resolved in `settings`).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

mod messaging;
mod pipeline;

pub(crate) use messaging::*;
pub(crate) use pipeline::*;

/// arc: bring up and operate the A.R.C. messaging backbone.
///
/// Flash (NATS + JetStream), Strange (Pulsar), Sonic (Redis) and the log store (PostgreSQL),
/// declared in `services/*/service.yaml` and `profiles.yaml`.
///
/// Exit codes: 0 ok, 1 failure (including an unhealthy service), 2 usage or configuration
/// error.
#[derive(Debug, Parser)]
#[command(name = "arc", version, propagate_version = true, max_term_width = 100)]
pub(crate) struct Cli {
    /// Options every command takes.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Clone, Args)]
pub(crate) struct GlobalArgs {
    /// The project directory (holding `profiles.yaml` and `services/`).
    ///
    /// Default: the nearest ancestor of the current directory that has them, else the stock
    /// files built into arc.
    #[arg(
        long,
        global = true,
        env = "ARC_PROJECT_DIR",
        value_name = "DIR",
        help_heading = "Global options"
    )]
    pub project_dir: Option<PathBuf>,

    /// An overlay merged over the stock files (repeatable; later files win). Give it before
    /// the command, as with docker compose: `-f` after `arc logs` means follow.
    ///
    /// `ARC_FILE` takes a comma-separated list; empty means no overlay.
    ///
    /// $ arc -f arc.override.yaml up think
    #[arg(
        short = 'f',
        long = "file",
        env = "ARC_FILE",
        value_delimiter = ',',
        // Empty is allowed (settings drop it): `ARC_FILE=` means no overlay, as unset does.
        value_parser = clap::builder::TypedValueParser::map(clap::builder::OsStringValueParser::new(), PathBuf::from),
        value_name = "FILE",
        help_heading = "Global options"
    )]
    pub files: Vec<PathBuf>,

    /// Where services run: docker, native processes, or Docker when the daemon answers.
    ///
    /// `auto` runs native processes when this project already runs some. When it picks Docker
    /// and `arc up` cannot get an image (no registry) while every server is installed here, it
    /// runs them natively and says so; `docker` never switches.
    #[arg(long, global = true, env = "ARC_RUNTIME", value_enum, default_value_t = RuntimeChoice::Auto, help_heading = "Global options")]
    pub runtime: RuntimeChoice,

    /// Print data as JSON (JSON Lines for streams).
    ///
    /// `ARC_JSON` (and every boolean `ARC_*` variable) takes 1/0, true/false, yes/no, on/off.
    #[arg(long, global = true, env = "ARC_JSON", value_parser = parse_switch, help_heading = "Global options")]
    pub json: bool,

    /// When to colour output; `NO_COLOR` set to anything turns colour off.
    #[arg(long, global = true, env = "ARC_COLOR", value_enum, default_value_t = ColorChoice::Auto, help_heading = "Global options")]
    pub color: ColorChoice,

    /// Print only errors.
    #[arg(
        short,
        long,
        global = true,
        env = "ARC_QUIET",
        value_parser = parse_switch,
        conflicts_with = "verbose",
        help_heading = "Global options"
    )]
    pub quiet: bool,

    /// More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count, help_heading = "Global options")]
    pub verbose: u8,
}

/// A yes-or-no flag's value from its `ARC_*` variable: 1/0, true/false, yes/no, on/off, in any
/// case (`ARC_JSON=1` is the usual shell way to say yes).
fn parse_switch(text: &str) -> Result<bool, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "y" | "on" => Ok(true),
        "0" | "false" | "no" | "n" | "off" | "" => Ok(false),
        _ => Err(format!(
            "`{text}` is neither yes nor no; write 1 or 0, true or false, yes or no, on or off"
        )),
    }
}

/// Which runtime runs the services.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum RuntimeChoice {
    /// Docker when the daemon answers, else native processes.
    Auto,
    /// Containers through the Docker engine.
    Docker,
    /// Native processes from binaries on this machine.
    Process,
}

/// When to use colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorChoice {
    /// Colour when stdout/stderr is a terminal.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Bring a profile or services up, in dependency order, and wait until healthy.
    ///
    /// $ arc up think
    /// $ arc up sonic flash --timeout 30s
    Up(UpArgs),
    /// Stop services, in reverse dependency order.
    ///
    /// $ arc down
    /// $ arc down sonic --volumes
    Down(DownArgs),
    /// List services with state, pid, ports, uptime and health.
    ///
    /// $ arc ps --json
    Ps(PsArgs),
    /// Probe running services over their own protocols; exit 1 if any is unhealthy.
    ///
    /// $ arc health
    /// $ arc health --deep --json
    Health(HealthArgs),
    /// Show service logs, prefixed by service.
    ///
    /// $ arc logs sonic --tail 50
    /// $ arc logs -f
    Logs(LogsArgs),
    /// Print the running services' endpoints as ARC_*_URL variables.
    ///
    /// $ eval "$(arc env)"
    Env(EnvArgs),
    /// List the declared services.
    ///
    /// $ arc services ls
    Services {
        /// What to do with services.
        #[command(subcommand)]
        command: ServicesCommand,
    },
    /// List the declared profiles.
    ///
    /// $ arc profiles ls
    Profiles {
        /// What to do with profiles.
        #[command(subcommand)]
        command: ProfilesCommand,
    },
    /// Check the declarative files; read and change the pipeline's configuration.
    ///
    /// $ arc config validate
    /// $ arc config get topic commands
    /// $ arc config set topic commands --from commands.yaml
    Config {
        /// What to do with the configuration.
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// Docker Compose files generated from service.yaml, for running a service without arc.
    ///
    /// $ arc compose export cache
    /// $ arc compose export --write
    Compose {
        /// What to do with compose files.
        #[command(subcommand)]
        command: ComposeCommand,
    },
    /// Write a new platform service from templates/: services/NAME/ (Dockerfile, service.yaml,
    /// docker-compose.yml, NAME.mk), its include in the root Makefile, its place in profiles and
    /// in the image workflow.
    ///
    /// $ arc new service web --port http:8000 --health http:/ --native-command "python3 -m http.server {port.http}"
    New {
        /// What to create.
        #[command(subcommand)]
        command: NewCommand,
    },
    /// Run the message pipeline: ingress (HTTP, WebSocket, Redis list, NATS), constraints, the
    /// config store and the backbone registry.
    ///
    /// $ arc serve
    /// $ arc serve --components fanout --listen 127.0.0.1:8091
    Serve(ServeArgs),
    /// The backbone registry: where messages for an org are routed; backbones deployed into
    /// Kubernetes with Helm.
    ///
    /// $ arc backbones ls
    /// $ arc backbones add eu-1 --org acme --cluster eu --nats-url nats://eu-1.acme.io:4222
    /// $ arc backbones deploy eu-1 --org acme --cluster eu --public-url nats://nats.eu.acme.io:4222
    Backbones {
        /// What to do with the registry.
        #[command(subcommand)]
        command: BackbonesCommand,
    },
    /// Build the thin images of services that declare `build:` (through the Docker engine).
    ///
    /// $ arc build pipeline
    Build(BuildArgs),
    /// Print a shell completion script.
    ///
    /// $ arc completions bash > /etc/bash_completion.d/arc
    Completions(CompletionsArgs),
    /// Publish messages to a NATS subject or a Pulsar topic.
    ///
    /// $ arc pub agent.events.created '{"n":{{Count}}}' --count 10
    /// $ arc pub persistent://public/default/audit 'hello'
    /// $ arc pub agent.commands.run --jetstream -H kind:run '{}'
    Pub(PubArgs),
    /// Subscribe and print messages (JSON Lines with --json).
    ///
    /// $ arc sub 'agent.events.>'
    /// $ arc sub jobs --queue workers --count 10
    /// $ arc sub persistent://public/default/audit --position earliest
    Sub(SubArgs),
    /// Send a request and print the reply; exit 1 on no responders or timeout.
    ///
    /// $ arc request agent.ping '{}' --timeout 2s
    Request(RequestArgs),
    /// Answer requests with a fixed body or a command's output.
    ///
    /// $ arc reply agent.ping pong
    /// $ arc reply agent.upper --command 'tr a-z A-Z'
    Reply(ReplyArgs),
    /// Declare and inspect JetStream streams (and Pulsar topics).
    ///
    /// $ arc streams apply --dry-run
    /// $ arc streams ls
    Streams {
        /// What to do with streams.
        #[command(subcommand)]
        command: StreamsCommand,
    },
    /// Replay a stream, a topic or the message log (--log) from a point in time; exits at the
    /// end unless --follow.
    ///
    /// $ arc replay AGENT_EVENTS --since 1h
    /// $ arc replay AGENT_EVENTS --since 2026-11-23T10:00:00Z --until 2026-11-23T11:00:00Z --json
    /// $ arc replay AGENT_COMMANDS --since 10m --to debug.commands
    /// $ arc replay --log --since 1h --subject 'agent.>'
    Replay(ReplayArgs),
    /// A live feed of every message matching a pattern, one line each.
    ///
    /// $ arc tail
    /// $ arc tail 'agent.>' --json
    /// $ arc tail --log 'agent.>'
    Tail(TailArgs),
    /// The message log: every accepted message, as the pipeline's logger wrote it.
    ///
    /// $ arc messages get 019a5d3e-7c1f-7b7e-9d3e-2a1f0c6b9e10
    Messages {
        /// What to do with the log.
        #[command(subcommand)]
        command: MessagesCommand,
    },
}

/// `arc up`.
#[derive(Debug, Args)]
pub(crate) struct UpArgs {
    /// Profiles or services (names or codenames); default: the default profile.
    pub targets: Vec<String>,
    /// The longest to wait for all services to become healthy (e.g. `90s`).
    #[arg(long, value_parser = crate::spec::duration::parse_positive)]
    pub timeout: Option<std::time::Duration>,
    /// Start the services and return without waiting for health.
    #[arg(long)]
    pub no_wait: bool,
    /// On failure, leave what started running, for debugging.
    #[arg(long)]
    pub keep: bool,
    /// Build the images of services that declare `build:` first, even those already built
    /// (docker runtime; a missing one is built without it, as docker compose does).
    #[arg(long, conflicts_with = "no_build")]
    pub build: bool,
    /// Never build: fail when a service's image that declares `build:` is not built yet.
    #[arg(long)]
    pub no_build: bool,
    /// How to show progress (image pulls, starts): live bars on a terminal, plain lines, JSON
    /// lines on stderr, or nothing.
    #[arg(long, value_enum, default_value_t = ProgressMode::Auto)]
    pub progress: ProgressMode,
    #[command(flatten)]
    pub lock: LockArgs,
}

/// How a command that changes what runs shares the project with another one.
#[derive(Debug, Args)]
pub(crate) struct LockArgs {
    /// Fail at once when another `arc up`, `down` or `build` is changing this project, instead
    /// of waiting for it to finish.
    #[arg(long)]
    pub no_block: bool,
}

/// How lifecycle progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ProgressMode {
    /// Live bars on a terminal, plain lines otherwise.
    Auto,
    /// One line per event.
    Plain,
    /// One JSON object per event, on stderr.
    Json,
    /// Nothing.
    Quiet,
}

/// `arc compose …`.
#[derive(Debug, Subcommand)]
pub(crate) enum ComposeCommand {
    /// Print (or write, or check) each service's `docker-compose.yml`.
    Export(ComposeExportArgs),
}

/// `arc compose export`.
#[derive(Debug, Args)]
pub(crate) struct ComposeExportArgs {
    /// Services; default: all.
    pub services: Vec<String>,
    /// Write `services/<dir>/docker-compose.yml` in the project instead of printing.
    #[arg(long, conflicts_with = "check")]
    pub write: bool,
    /// Exit 1 if a committed `docker-compose.yml` differs from what would be written.
    #[arg(long)]
    pub check: bool,
}

/// `arc new …`.
#[derive(Debug, Subcommand)]
pub(crate) enum NewCommand {
    /// A new service in the platform's pattern. Every check (the name, the host ports, the
    /// dependencies, the profiles, and everything `arc config validate` checks) passes before a
    /// file is written; a refused request leaves the tree as it was.
    ///
    /// Exit 2, with nothing written, when it refuses.
    ///
    /// $ arc new service web --port http:8000 --health http:/ --native-command "python3 -m http.server {port.http}" --dry-run
    Service(NewServiceArgs),
}

/// `arc new service`.
#[derive(Debug, Args)]
pub(crate) struct NewServiceArgs {
    /// The service's name and directory (`services/NAME/`): lowercase letters, digits and `-`.
    pub name: String,
    /// The platform codename; commands accept it as the name, and it names the make targets
    /// (`CODENAME-up`, …) and their file.
    #[arg(long, value_name = "C")]
    pub codename: Option<String>,
    /// One line on what the service is (default: `NAME on IMAGE`).
    #[arg(long, value_name = "TEXT")]
    pub description: Option<String>,
    /// The upstream image the thin Dockerfile builds on.
    #[arg(long, value_name = "IMG", default_value = "debian:bookworm-slim")]
    pub image: String,
    /// A port, NAME:CONTAINER[:HOST] (repeatable; at least one). HOST (default: CONTAINER) is
    /// published on 127.0.0.1 and is where the native process listens; the first port is the
    /// health probe's.
    #[arg(long = "port", value_name = "NAME:CONTAINER[:HOST]", required = true, value_parser = crate::scaffold::new::parse_port)]
    pub ports: Vec<crate::scaffold::new::PortArg>,
    /// How arc checks it is healthy, on the first port: http:PATH, tcp, nats, redis, postgres or
    /// pulsar.
    #[arg(long, value_name = "PROBE", default_value = "tcp", value_parser = crate::scaffold::new::parse_health)]
    pub health: crate::scaffold::new::HealthArg,
    /// A service (name or codename) that must be healthy first (repeatable).
    #[arg(long = "depends-on", value_name = "S")]
    pub depends_on: Vec<String>,
    /// A profile the service joins (repeatable).
    #[arg(long = "profile", value_name = "P")]
    pub profiles: Vec<String>,
    /// The command the process runtime runs, as one shell-quoted string; placeholders:
    /// {port.NAME}, {host}, {data}, {service}, {env.NAME}.
    #[arg(long, value_name = "\"…\"", required = true)]
    pub native_command: String,
    /// Print what would be written (new files whole, changed lines of the others), write
    /// nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// `arc build`.
#[derive(Debug, Args)]
pub(crate) struct BuildArgs {
    /// Services to build; default: every service that declares `build:`.
    pub services: Vec<String>,
    #[command(flatten)]
    pub lock: LockArgs,
}

/// `arc down`.
#[derive(Debug, Args)]
pub(crate) struct DownArgs {
    /// Profiles or services; default: everything running in this project.
    pub targets: Vec<String>,
    /// Also delete the services' data (the volumes or data directories).
    #[arg(long)]
    pub volumes: bool,
    /// How long a service may take to stop before it is killed.
    #[arg(long, value_parser = crate::spec::duration::parse, default_value = "10s")]
    pub timeout: std::time::Duration,
    /// Also stop the running services that depend on the named ones (without it, arc warns
    /// and leaves them running).
    #[arg(long)]
    pub cascade: bool,
    #[command(flatten)]
    pub lock: LockArgs,
}

/// `arc ps`.
#[derive(Debug, Args)]
pub(crate) struct PsArgs {
    /// Show every declared service, running or not.
    #[arg(short, long)]
    pub all: bool,
}

/// `arc health`.
#[derive(Debug, Args)]
pub(crate) struct HealthArgs {
    /// Services to probe; default: every running service.
    pub services: Vec<String>,
    /// Keep probing until all are healthy or this much time has passed (e.g. `30s`).
    #[arg(long, value_parser = crate::spec::duration::parse_positive, value_name = "DURATION")]
    pub wait: Option<std::time::Duration>,
    /// Add a functional round trip per service and report each step's latency.
    #[arg(long)]
    pub deep: bool,
}

/// `arc logs`.
#[derive(Debug, Args)]
pub(crate) struct LogsArgs {
    /// Services; default: every service with a log.
    pub services: Vec<String>,
    /// Keep printing new lines as they are written.
    #[arg(short, long)]
    pub follow: bool,
    /// Only lines written since TIME: a duration ago (`10m`), an RFC 3339 time, or unix
    /// seconds or milliseconds (as `arc replay --since`).
    #[arg(long, value_parser = crate::bus::timespec::parse_flag, value_name = "TIME")]
    pub since: Option<chrono::DateTime<chrono::Utc>>,
    /// Only the last N lines of each service.
    #[arg(short = 'n', long, value_name = "N")]
    pub tail: Option<usize>,
}

/// `arc env`.
#[derive(Debug, Args)]
pub(crate) struct EnvArgs {
    /// Output format (`--json` is the same as `--format json`).
    #[arg(long, value_enum, default_value_t = EnvFormat::Env)]
    pub format: EnvFormat,
}

/// The format of `arc env`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum EnvFormat {
    /// `KEY=value` lines for `eval` or an env file.
    Env,
    /// One JSON object.
    Json,
}

/// `arc services …`.
#[derive(Debug, Subcommand)]
pub(crate) enum ServicesCommand {
    /// List the declared services.
    Ls,
}

/// `arc profiles …`.
#[derive(Debug, Subcommand)]
pub(crate) enum ProfilesCommand {
    /// List the declared profiles.
    Ls,
}

/// `arc config …`.
#[derive(Debug, Subcommand)]
pub(crate) enum ConfigCommand {
    /// Load and check every file, overlays included; report every problem found.
    Validate,
    /// Print a stored pipeline config document (global, topic NAME, or topics).
    ///
    /// $ arc config get global
    Get(ConfigGetArgs),
    /// Store a pipeline config document; every running pipeline applies it within a second.
    ///
    /// $ arc config set topic commands --from commands.yaml
    Set(ConfigSetArgs),
    /// Delete a pipeline config document.
    ///
    /// $ arc config rm topic commands
    Rm(ConfigRmArgs),
}

/// `arc completions`.
#[derive(Debug, Args)]
pub(crate) struct CompletionsArgs {
    /// The shell.
    pub shell: clap_complete::Shell,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
