//! The types of `services/<dir>/service.yaml`: one service of the backbone.
//!
//! Plain data with serde; loading, overlays and validation live beside it. Nothing here touches
//! the file system or a runtime.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// One service, as declared in its `service.yaml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceSpec {
    /// The service's name: its directory, and `arc-<name>` for containers.
    pub name: String,
    /// The platform codename (`flash`, `strange`, `sonic`); commands accept it as the name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub codename: Option<String>,
    /// One line on what the service is for.
    #[serde(default)]
    pub description: String,
    /// The container image (docker runtime); with `build`, the tag the built image gets.
    pub image: String,
    /// A thin image built from the service directory (`arc build`, `arc up --build`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build: Option<BuildSpec>,
    /// The container command (docker runtime); empty keeps the image's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub command: Vec<String>,
    /// The non-root user the container runs as.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// Named ports; a port without `host` stays inside the container network.
    #[serde(default)]
    pub ports: Vec<PortSpec>,
    /// Environment for the container and the native process.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// Named volumes (docker runtime); the process runtime uses a data directory instead.
    #[serde(default)]
    pub volumes: Vec<VolumeSpec>,
    /// How to tell the service is healthy.
    pub health: HealthSpec,
    /// Services (names or codenames) that must be healthy first.
    #[serde(default)]
    pub depends_on: Vec<String>,
    /// How the process runtime runs the service from binaries on the machine.
    pub native: NativeSpec,
    /// Labels put on the container.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// Endpoints other programs use, printed by `arc env` (values take placeholders).
    #[serde(default)]
    pub exports: BTreeMap<String, String>,
    /// Files applied once the service is healthy (`arc up`), relative to the project.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub provision: Vec<ProvisionSpec>,
    /// How many instances run (`NAME-1`…`NAME-N`), each with its own ports, data and logs; see
    /// `spec::replicas` for the naming and port rules. Absent or 1: one instance named `NAME`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<u32>,
    /// Set on each instance of a replicated service: which one it is and who its peers are.
    #[serde(skip)]
    pub replica: Option<Replica>,
    /// Configuration files of the container (docker runtime): written by arc with placeholders
    /// filled as containers reach each other, and mounted read-only at their `target`. The
    /// process runtime writes `native.files` instead.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<ContainerFile>,
    /// Services this one stands in front of (a gateway before the pipeline): wherever both run,
    /// an export key both declare has this service's value alone, so `ARC_PIPELINE_URL` is the
    /// gateway's when the gateway runs and the pipeline's own when it does not.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fronts: Vec<String>,
    /// Every instance of the other services, by the names they answer to (filled in by the
    /// catalog for the `{instances.SERVICE.PORT}` and `{each.SERVICE.PORT}` placeholders).
    #[serde(skip)]
    pub(crate) others: BTreeMap<String, Vec<Peer>>,
}

/// A configuration file mounted into the container.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContainerFile {
    /// Where the container sees it (`/etc/traefik/dynamic.yml`).
    pub target: String,
    /// The contents, with placeholders; a line holding `{each.…}` is written once per instance.
    pub content: String,
}

/// One instance of a replicated service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replica {
    /// The declared service's name (`messaging`).
    pub group: String,
    /// The declared service's codename (`flash`).
    pub group_codename: Option<String>,
    /// This instance's index, from 1.
    pub index: u32,
    /// How many instances there are.
    pub count: u32,
    /// The other instances, in index order.
    pub peers: Vec<Peer>,
}

/// Another instance of the same replicated service, as its peers reach it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Peer {
    /// The instance's service name (`messaging-2`).
    pub name: String,
    /// Its ports by name: (container port, port on this machine).
    pub ports: BTreeMap<String, (u16, u16)>,
}

/// What a provisioning file declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProvisionKind {
    /// JetStream streams (`streams.yaml`).
    Jetstream,
    /// Pulsar tenants, namespaces and topics (`topics.yaml`).
    PulsarTopics,
}

/// A provisioning file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProvisionSpec {
    /// What it declares.
    pub kind: ProvisionKind,
    /// The file, relative to the project (`services/messaging/streams.yaml`).
    pub file: String,
}

impl ServiceSpec {
    /// The name shown to people: the codename when there is one.
    pub fn display_name(&self) -> &str {
        self.codename.as_deref().unwrap_or(&self.name)
    }

    /// Whether `name` is this service's name or codename.
    pub fn answers_to(&self, name: &str) -> bool {
        self.name == name || self.codename.as_deref() == Some(name)
    }

    /// Whether `name` is this service, or the replicated service this is an instance of.
    pub fn belongs_to(&self, name: &str) -> bool {
        self.answers_to(name)
            || self
                .replica
                .as_ref()
                .is_some_and(|r| r.group == name || r.group_codename.as_deref() == Some(name))
    }

    /// The peers' addresses on port `port`, comma-separated: `host:port` each, or
    /// `SCHEME://host:port` when `scheme` is given. Natively a peer is `127.0.0.1` and its own
    /// port; on Docker (`containers`) it is its container name and the container port. Empty
    /// for a service that is not replicated.
    pub fn peer_list(&self, port: &str, scheme: Option<&str>, containers: bool) -> String {
        let Some(r) = &self.replica else {
            return String::new();
        };
        addresses(&r.peers, port, scheme, containers).join(",")
    }

    /// The addresses of every instance of `service` on its port `port` (`SCHEME://` before each
    /// when `scheme` is given), as [`ServiceSpec::peer_list`] reaches them; `None` when the
    /// catalog has no such service.
    pub(crate) fn instance_list(
        &self,
        service: &str,
        port: &str,
        scheme: Option<&str>,
        containers: bool,
    ) -> Option<Vec<String>> {
        let members = self.others.get(service)?;
        Some(addresses(members, port, scheme, containers))
    }

    /// Expands an `{instances.SERVICE.PORT[.SCHEME]}` key (every instance of another service,
    /// comma-separated) or, one address at a time, an `{each.SERVICE.PORT[.SCHEME]}` key;
    /// `None` for any other key.
    pub(crate) fn instances_placeholder(&self, key: &str, containers: bool) -> Option<Vec<String>> {
        let rest = key
            .strip_prefix("instances.")
            .or_else(|| key.strip_prefix("each."))?;
        let mut parts = rest.splitn(3, '.');
        let (service, port) = (parts.next()?, parts.next()?);
        self.instance_list(service, port, parts.next(), containers)
    }

    /// Fills every placeholder of a file's `content`: a line holding `{each.…}` is repeated
    /// once per instance it names, then `lookup` (and `{instances.…}`) fill in the rest.
    pub(crate) fn expand_file(
        &self,
        content: &str,
        containers: bool,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> String {
        let mut out = String::with_capacity(content.len());
        for line in content.split_inclusive('\n') {
            let each = placeholder_keys(line).find(|k| k.starts_with("each."));
            let copies: Vec<String> = match each {
                Some(key) => self
                    .instances_placeholder(key, containers)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|addr| line.replace(&format!("{{{key}}}"), &addr))
                    .collect(),
                None => vec![line.to_owned()],
            };
            for copy in copies {
                out.push_str(&expand_placeholders(&copy, |key| {
                    if key.starts_with("instances.") {
                        return self
                            .instances_placeholder(key, containers)
                            .map(|l| l.join(","));
                    }
                    lookup(key)
                }));
            }
        }
        out
    }

    /// Expands a `{peers.PORT}` or `{peers.PORT.SCHEME}` placeholder key (`None` for any other).
    pub fn peers_placeholder(&self, key: &str, containers: bool) -> Option<String> {
        let rest = key.strip_prefix("peers.")?;
        let (port, scheme) = match rest.split_once('.') {
            Some((p, s)) => (p, Some(s)),
            None => (rest, None),
        };
        Some(self.peer_list(port, scheme, containers))
    }

    /// The exports with `{host}` and `{port.NAME}` filled in for this machine.
    pub fn resolved_exports(&self) -> BTreeMap<String, String> {
        self.exports_at("127.0.0.1", false)
    }

    /// The exports as seen from `host`: with the published ports, or with the container ports
    /// when `container_ports` (another container on the same network).
    pub fn exports_at(&self, host: &str, container_ports: bool) -> BTreeMap<String, String> {
        self.exports
            .iter()
            .map(|(k, v)| {
                let value = expand_placeholders(v, |key| match key.split_once('.') {
                    Some(("port", name)) => self.port(name).map(|p| {
                        if container_ports {
                            p.container.to_string()
                        } else {
                            p.native_port().to_string()
                        }
                    }),
                    None if key == "host" => Some(host.to_owned()),
                    None if key == "service" => Some(self.name.clone()),
                    _ => None,
                });
                (k.clone(), value)
            })
            .collect()
    }

    /// The port called `name`.
    pub fn port(&self, name: &str) -> Option<&PortSpec> {
        self.ports.iter().find(|p| p.name == name)
    }
}

/// How to build the service's image.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuildSpec {
    /// The build context, relative to the project (default: the service's directory).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    /// The Dockerfile, relative to the context.
    #[serde(default = "dockerfile")]
    pub dockerfile: String,
    /// The stage to build (default: the Dockerfile's last).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Build arguments (`ARG`s), e.g. `BASE` for a local base image.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub args: BTreeMap<String, String>,
}

fn dockerfile() -> String {
    "Dockerfile".to_owned()
}

/// A named port.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortSpec {
    /// The port's name, used in placeholders as `{port.NAME}`.
    pub name: String,
    /// The port inside the container.
    pub container: u16,
    /// The published port on the host; absent means not published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<u16>,
    /// The address the published port binds; loopback unless changed on purpose.
    #[serde(default = "loopback")]
    pub bind: IpAddr,
    /// Added to the container port for the process runtime when the port is not published
    /// (replica N of a replicated service: N - 1), so instances on one machine do not collide.
    #[serde(skip)]
    pub native_offset: u16,
}

impl PortSpec {
    /// The port the process runtime listens on: the published port, else the container port
    /// (plus a replica's offset).
    pub fn native_port(&self) -> u16 {
        self.host
            .unwrap_or_else(|| self.container.saturating_add(self.native_offset))
    }
}

fn loopback() -> IpAddr {
    IpAddr::from([127, 0, 0, 1])
}

/// A named volume mounted into the container.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VolumeSpec {
    /// Volume name (`arc-messaging-data`).
    pub name: String,
    /// Mount point in the container.
    pub target: String,
}

/// The protocol a health probe speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProbeKind {
    /// A TCP connect.
    Tcp,
    /// An HTTP GET answering 2xx.
    Http,
    /// NATS monitoring `/healthz?js-enabled-only=true`.
    Nats,
    /// Redis `PING` answering `PONG`.
    Redis,
    /// PostgreSQL `SELECT 1`.
    Postgres,
    /// Pulsar admin health, else a binary-protocol connect and topic lookup.
    Pulsar,
}

impl ProbeKind {
    /// The kind's name as written in YAML.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Tcp => "tcp",
            Self::Http => "http",
            Self::Nats => "nats",
            Self::Redis => "redis",
            Self::Postgres => "postgres",
            Self::Pulsar => "pulsar",
        }
    }
}

/// How the service's health is checked, by arc and as the container's HEALTHCHECK.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HealthSpec {
    /// The probe's protocol.
    pub kind: ProbeKind,
    /// The name of the port the probe talks to.
    pub target: String,
    /// Extra ports a probe uses (`admin` for Pulsar's REST API), by role.
    #[serde(default)]
    pub extra: BTreeMap<String, String>,
    /// Probe parameters: `user`/`dbname` for PostgreSQL, `topic` for Pulsar.
    #[serde(default)]
    pub params: BTreeMap<String, String>,
    /// The container's HEALTHCHECK command (docker runtime); `{port.NAME}` is the container port.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub docker_test: Vec<String>,
    /// HTTP path for `http` probes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Time between probes.
    #[serde(with = "crate::spec::duration")]
    pub interval: Duration,
    /// Time one probe may take.
    #[serde(with = "crate::spec::duration")]
    pub timeout: Duration,
    /// Grace after start before failures count.
    #[serde(with = "crate::spec::duration")]
    pub start_period: Duration,
    /// Failures after the start period before the service is unhealthy.
    pub retries: u32,
}

impl HealthSpec {
    /// How long `arc up` waits for the service to become healthy.
    pub fn deadline(&self) -> Duration {
        self.start_period
            .saturating_add(self.interval.saturating_mul(self.retries.max(1)))
    }
}

/// How the process runtime runs the service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NativeSpec {
    /// Program and arguments; placeholders: `{port.NAME}`, `{data}`, `{host}`, `{env.NAME}`.
    pub command: Vec<String>,
    /// Steps run once, when the data directory is new (e.g. `initdb`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub init: Vec<InitStep>,
    /// Configuration files written (placeholders filled in) before every start.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<NativeFile>,
    /// Unprivileged user the process runs as when arc runs as root.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_as: Option<String>,
    /// The signal that asks the process to stop (`TERM`, `INT`, `QUIT`).
    #[serde(default = "default_stop_signal")]
    pub stop_signal: String,
    /// Alternatives chosen when an environment variable is set (a Pulsar install's
    /// `bin/pulsar standalone` when `PULSAR_HOME` is set).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variants: Vec<NativeVariant>,
    /// Which package provides the program, for the error when it is missing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub install_hint: Option<String>,
}

fn default_stop_signal() -> String {
    "TERM".to_owned()
}

/// A configuration file the process runtime writes before starting the service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NativeFile {
    /// Where, with placeholders (usually under `{data}`).
    pub path: String,
    /// The contents, with placeholders.
    pub content: String,
}

/// A one-time initialisation step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InitStep {
    /// Program and arguments, with the same placeholders as the command.
    pub run: Vec<String>,
    /// Text fed to the step's standard input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stdin: Option<String>,
}

/// A command used instead of the default when `when_env` is set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NativeVariant {
    /// The environment variable that selects this variant.
    pub when_env: String,
    /// Program and arguments.
    pub command: Vec<String>,
}

/// Where `peers` are reached on their port `port`: `arc-NAME:PORT` between containers, else
/// `127.0.0.1:PORT`, with `SCHEME://` before each when `scheme` is given (a peer without that
/// port is left out).
fn addresses(peers: &[Peer], port: &str, scheme: Option<&str>, containers: bool) -> Vec<String> {
    peers
        .iter()
        .filter_map(|p| {
            let (container, native) = p.ports.get(port)?;
            let addr = if containers {
                format!("arc-{}:{container}", p.name)
            } else {
                format!("127.0.0.1:{native}")
            };
            Some(match scheme {
                Some(s) => format!("{s}://{addr}"),
                None => addr,
            })
        })
        .collect()
}

/// Whether `key` (the text between `{` and `}`) can be a placeholder: not empty, and without
/// white space or braces. Anything else is the file's own text (a Caddyfile's `{` blocks).
pub(crate) fn is_placeholder_key(key: &str) -> bool {
    !key.is_empty() && !key.contains(|c: char| c.is_whitespace() || c == '{' || c == '}')
}

/// The placeholder keys in `text`, in order.
pub(crate) fn placeholder_keys(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || loop {
        let open = rest.find('{')?;
        let after = &rest[open + 1..];
        let close = after
            .find(['}', '{'])
            .filter(|c| after[*c..].starts_with('}'));
        match close {
            Some(c) if is_placeholder_key(&after[..c]) => {
                rest = &after[c + 1..];
                return Some(&after[..c]);
            }
            _ => rest = after,
        }
    })
}

/// Replaces each `{key}` in `text` with `lookup(key)`; unknown keys, and braces around text that
/// cannot be a key (see [`is_placeholder_key`]), are left as written.
pub(crate) fn expand_placeholders(text: &str, lookup: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let key = after
            .find(['}', '{'])
            .filter(|c| after[*c..].starts_with('}'))
            .map(|c| &after[..c])
            .filter(|k| is_placeholder_key(k));
        match key.map(|k| (k, lookup(k))) {
            Some((k, Some(v))) => {
                out.push_str(&v);
                rest = &after[k.len() + 1..];
            }
            Some((k, None)) => {
                out.push('{');
                out.push_str(k);
                out.push('}');
                rest = &after[k.len() + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}
