//! Runtimes run services: `process` (native processes, the embedded default) today, Docker
//! beside it through the same trait.
//!
//! A runtime starts, finds and stops services and knows where their logs are; it never prints
//! (progress goes through [`Reporter`]) and never probes health (that is `health`).

mod binaries;
pub(crate) mod docker;
mod error;
mod lock;
pub(crate) mod logfile;
pub(crate) mod ports;
mod process;

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;

pub(crate) use docker::DockerRuntime;
pub(crate) use error::RuntimeError;
pub(crate) use lock::{ProjectLock, TryLock};
pub(crate) use ports::PortConflict;
pub(crate) use process::ProcessRuntime;

use crate::spec::ServiceSpec;

/// Where a service stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum State {
    /// Its process is alive.
    Running,
    /// It was started and has since died.
    Exited,
    /// Not started (or stopped by `arc down`).
    Stopped,
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Running => "running",
            Self::Exited => "exited",
            Self::Stopped => "stopped",
        })
    }
}

/// What a runtime knows of one service.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ServiceStatus {
    /// Where it stands.
    pub state: State,
    /// The process id (or container id) when started.
    pub pid: Option<u32>,
    /// When it was started.
    pub started_at: Option<DateTime<Utc>>,
    /// The configuration hash it was started with.
    pub config_hash: Option<String>,
    /// The ports it listens on, by name.
    pub ports: BTreeMap<String, u16>,
    /// The container id (docker runtime).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
    /// The image it runs (docker runtime).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// The engine's health verdict (`healthy`, `starting`, `unhealthy`; docker runtime).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub engine_health: Option<String>,
}

impl ServiceStatus {
    /// A service that is not started.
    pub(crate) fn stopped() -> Self {
        Self {
            state: State::Stopped,
            pid: None,
            started_at: None,
            config_hash: None,
            ports: BTreeMap::new(),
            container: None,
            image: None,
            engine_health: None,
        }
    }
}

/// Something that happened to a service during a lifecycle command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum LifecycleEvent {
    /// Pulling the image: a progress line.
    Pulling(String),
    /// Running one-time initialisation (a new data directory).
    Initializing,
    /// An earlier initialisation did not finish: its data directory is made again.
    Reinitializing,
    /// Starting the process.
    Starting,
    /// Started; waiting until healthy.
    Waiting,
    /// Healthy after this long.
    Healthy(Duration),
    /// Started without waiting for health.
    Started,
    /// Running with another configuration: restarting.
    Recreating,
    /// It failed.
    Failed(String),
    /// Stopping.
    Stopping,
    /// Stopped.
    Stopped,
    /// It was not running.
    NotRunning,
    /// Its data was deleted.
    DataRemoved,
}

impl LifecycleEvent {
    /// Whether this is the last event for the service in this command.
    pub(crate) fn is_final(&self) -> bool {
        matches!(
            self,
            Self::Healthy(_) | Self::Started | Self::Failed(_) | Self::Stopped | Self::NotRunning
        )
    }

    /// Whether it reports a failure.
    pub(crate) fn is_failure(&self) -> bool {
        matches!(self, Self::Failed(_))
    }
}

impl fmt::Display for LifecycleEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Pulling(what) => f.write_str(what),
            Self::Initializing => f.write_str("initializing data directory"),
            Self::Reinitializing => f.write_str(
                "the last initialization did not finish: initializing the data directory again",
            ),
            Self::Starting => f.write_str("starting"),
            Self::Waiting => f.write_str("waiting until healthy"),
            Self::Healthy(d) => write!(f, "healthy in {}", crate::format::duration(*d)),
            Self::Started => f.write_str("started (not waiting for health)"),
            Self::Recreating => f.write_str("configuration changed: restarting"),
            Self::Failed(why) => write!(f, "failed: {why}"),
            Self::Stopping => f.write_str("stopping"),
            Self::Stopped => f.write_str("stopped"),
            Self::NotRunning => f.write_str("not running"),
            Self::DataRemoved => f.write_str("data removed"),
        }
    }
}

/// Receives lifecycle progress; `ui` renders it.
pub(crate) trait Reporter: Send + Sync {
    /// `service` reached `event`.
    fn report(&self, service: &str, event: LifecycleEvent);
}

/// A service this run started, watched for an early exit.
pub(crate) trait Started: Send + Sync {
    /// `Some(description)` once the service has exited.
    fn exited(&mut self) -> Option<String>;

    /// `Some(description)` when another process holds one of the ports the service listens on
    /// (a probe of that port would ask a stranger).
    fn foreign_listener(&self) -> Option<String>;
}

/// A watch on a service this run started.
pub(crate) enum Watch {
    /// A native child process.
    Process(Box<dyn Started>),
    /// A container, by id.
    Docker(String),
}

impl Watch {
    /// A process other than the one this run started holding one of its ports, described
    /// (a container's ports are published by the engine: none).
    pub(crate) fn foreign_listener(&self) -> Option<String> {
        match self {
            Self::Process(w) => w.foreign_listener(),
            Self::Docker(_) => None,
        }
    }
}

/// New log lines of one service, as they are written.
pub(crate) enum LogFollow {
    /// A log file, polled.
    File(logfile::Follower),
    /// A container's log stream, re-attached across restarts.
    Docker(futures::stream::BoxStream<'static, String>),
}

impl LogFollow {
    /// Lines written since the last call (may wait briefly).
    pub(crate) async fn next_lines(&mut self) -> Vec<String> {
        match self {
            Self::File(f) => {
                let lines = f.poll();
                if lines.is_empty() {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                lines
            }
            Self::Docker(s) => {
                use futures::StreamExt;
                match s.next().await {
                    Some(line) => vec![line],
                    None => {
                        tokio::time::sleep(Duration::from_millis(500)).await;
                        Vec::new()
                    }
                }
            }
        }
    }
}

/// The runtime in use. An enum rather than a trait object: its operations are async, and an
/// enum keeps their futures `Send` without boxing, so commands can run them in parallel tasks.
#[derive(Clone)]
pub(crate) enum Backend {
    /// Native processes.
    Process(Arc<ProcessRuntime>),
    /// Containers through the Docker engine.
    Docker(DockerRuntime),
}

fn joined<T>(
    r: Result<Result<T, RuntimeError>, tokio::task::JoinError>,
) -> Result<T, RuntimeError> {
    r.unwrap_or_else(|e| {
        Err(RuntimeError::Unavailable {
            runtime: "process",
            reason: format!("an internal task failed: {e}"),
        })
    })
}

// The process runtime answers most of these from files at once; the container runtime awaits
// the engine, so the API is async for both.
#[allow(clippy::unused_async)]
impl Backend {
    /// The runtime's name (`process`, `docker`).
    pub(crate) fn name(&self) -> &'static str {
        match self {
            Self::Process(_) => "process",
            Self::Docker(_) => "docker",
        }
    }

    /// Checks the service can run here (binaries present); errors say how to fix it. Images
    /// are checked (and pulled) when the container starts.
    pub(crate) async fn check(&self, spec: &ServiceSpec) -> Result<(), RuntimeError> {
        match self {
            Self::Process(p) => p.check(spec),
            Self::Docker(_) => Ok(()),
        }
    }

    /// What a service that depends on `dep` is told about it: `dep`'s exports as reachable from
    /// where the dependent runs (127.0.0.1 natively; the container's name and port on
    /// `arc_platform_net` for containers).
    pub(crate) fn exports_for_dependents(
        &self,
        dep: &ServiceSpec,
    ) -> std::collections::BTreeMap<String, String> {
        match self {
            Self::Process(_) => dep.resolved_exports(),
            Self::Docker(_) => dep.exports_at(&DockerRuntime::container_name(dep), true),
        }
    }

    /// The hash of everything that, changed, means the service must be recreated.
    pub(crate) async fn config_hash(&self, spec: &ServiceSpec) -> Result<String, RuntimeError> {
        match self {
            Self::Process(p) => p.config_hash(spec),
            Self::Docker(d) => Ok(d.config_hash_with_image(spec).await),
        }
    }

    /// The host ports the service will listen on.
    pub(crate) async fn listen_ports(
        &self,
        spec: &ServiceSpec,
    ) -> Result<Vec<(String, u16)>, RuntimeError> {
        match self {
            Self::Process(p) => p.listen_ports(spec),
            Self::Docker(_) => Ok(DockerRuntime::listen_ports(spec)),
        }
    }

    /// Where the service stands.
    pub(crate) async fn status(&self, spec: &ServiceSpec) -> Result<ServiceStatus, RuntimeError> {
        match self {
            Self::Process(p) => Ok(p.status(spec)),
            Self::Docker(d) => d.status(spec).await,
        }
    }

    /// When the filesystem under the service's data directory is (nearly) full (process
    /// runtime; a container's volumes are the engine's): what is left, described.
    pub(crate) fn disk_low(&self, spec: &ServiceSpec) -> Option<String> {
        match self {
            Self::Process(p) => p.disk_low(spec),
            Self::Docker(_) => None,
        }
    }

    /// Why the service's state record cannot be read (process runtime), when it cannot: the
    /// service is then found by the marker its processes carry.
    pub(crate) fn damaged_record(&self, spec: &ServiceSpec) -> Option<String> {
        match self {
            Self::Process(p) => p.damaged_record(spec),
            Self::Docker(_) => None,
        }
    }

    /// Starts the service (initialising its data, or pulling its image, when needed).
    pub(crate) async fn start(
        &self,
        spec: &ServiceSpec,
        reporter: Arc<dyn Reporter>,
    ) -> Result<Watch, RuntimeError> {
        match self {
            Self::Process(p) => {
                let (p, spec) = (p.clone(), spec.clone());
                joined(tokio::task::spawn_blocking(move || p.start(&spec, &*reporter)).await)
                    .map(Watch::Process)
            }
            Self::Docker(d) => d.start(spec, &*reporter).await.map(Watch::Docker),
        }
    }

    /// `Some(description)` once a started service has exited.
    pub(crate) async fn exited(&self, watch: &mut Watch) -> Option<String> {
        match (self, watch) {
            (_, Watch::Process(w)) => w.exited(),
            (Self::Docker(d), Watch::Docker(id)) => d.exited(id).await,
            (Self::Process(_), Watch::Docker(_)) => None,
        }
    }

    /// For a running service (its status's pid): another process holding one of its ports
    /// (process runtime; a container's ports are published by the engine).
    pub(crate) fn impostor(&self, spec: &ServiceSpec, pid: Option<u32>) -> Option<String> {
        match (self, pid) {
            (Self::Process(p), Some(pid)) => p.impostor(spec, pid),
            _ => None,
        }
    }

    /// Whether the engine agrees the started service is healthy (no HEALTHCHECK: yes).
    pub(crate) async fn engine_healthy(&self, watch: &Watch) -> bool {
        match (self, watch) {
            (Self::Docker(d), Watch::Docker(id)) => d.engine_healthy(id).await.unwrap_or(true),
            _ => true,
        }
    }

    /// For an interrupted `arc up`: ends the init steps under way and waits (up to `timeout`)
    /// for the starts under way to return (process runtime; containers start through the
    /// engine, whose calls end with this process).
    pub(crate) async fn settle(&self, timeout: Duration) {
        if let Self::Process(_) = self {
            let _ = tokio::task::spawn_blocking(move || ProcessRuntime::settle(timeout)).await;
        }
    }

    /// Stops the service, killing it after `timeout`; `false` when it was not running.
    pub(crate) async fn stop(
        &self,
        spec: &ServiceSpec,
        timeout: Duration,
    ) -> Result<bool, RuntimeError> {
        match self {
            Self::Process(p) => {
                let (p, spec) = (p.clone(), spec.clone());
                joined(tokio::task::spawn_blocking(move || p.stop(&spec, timeout)).await)
            }
            Self::Docker(d) => d.stop(spec, timeout).await,
        }
    }

    /// Deletes the service's data (its data directory or named volumes); `false` when there
    /// was none.
    pub(crate) async fn remove_data(&self, spec: &ServiceSpec) -> Result<bool, RuntimeError> {
        match self {
            Self::Process(p) => {
                let (p, spec) = (p.clone(), spec.clone());
                joined(tokio::task::spawn_blocking(move || p.remove_data(&spec)).await)
            }
            Self::Docker(d) => d.remove_data(spec).await,
        }
    }

    /// Whether the service has any logs.
    pub(crate) async fn has_logs(&self, spec: &ServiceSpec) -> bool {
        match self {
            Self::Process(p) => p.log_file(spec).exists(),
            Self::Docker(d) => d
                .status(spec)
                .await
                .is_ok_and(|s| s.state != State::Stopped),
        }
    }

    /// The service's log lines (ANSI escapes removed): the last `tail` (when given) of those
    /// written at or after `since` (when given). A log file is read from its end.
    pub(crate) async fn read_logs(
        &self,
        spec: &ServiceSpec,
        tail: Option<usize>,
        since: Option<DateTime<Utc>>,
    ) -> Result<Vec<String>, RuntimeError> {
        match self {
            Self::Process(p) => Ok(logfile::read_recent(&p.log_file(spec), tail, since)),
            Self::Docker(d) => {
                let mut lines = d
                    .logs(spec, if since.is_some() { None } else { tail })
                    .await?;
                if let Some(since) = since {
                    lines = logfile::filter_since(lines, since);
                }
                if let Some(n) = tail {
                    lines = lines.split_off(lines.len().saturating_sub(n));
                }
                Ok(lines)
            }
        }
    }

    /// The last `n` lines written since the service was last started.
    pub(crate) async fn last_run_lines(&self, spec: &ServiceSpec, n: usize) -> Vec<String> {
        match self {
            Self::Process(p) => logfile::tail_of_last_run(&p.log_file(spec), n),
            Self::Docker(d) => d.logs(spec, Some(n)).await.unwrap_or_default(),
        }
    }

    /// Where the logs are, for messages.
    pub(crate) fn log_location(&self, spec: &ServiceSpec) -> String {
        match self {
            Self::Process(p) => p.log_file(spec).display().to_string(),
            Self::Docker(_) => format!("container `{}`", DockerRuntime::container_name(spec)),
        }
    }

    /// Follows the service's logs from now on.
    pub(crate) async fn follow_logs(&self, spec: &ServiceSpec) -> LogFollow {
        match self {
            Self::Process(p) => LogFollow::File(logfile::Follower::from_end(p.log_file(spec))),
            Self::Docker(d) => LogFollow::Docker(d.follow(spec)),
        }
    }
}
