//! Runtimes run services: `process` (native processes, the embedded default) today, Docker
//! beside it through the same trait.
//!
//! A runtime starts, finds and stops services and knows where their logs are; it never prints
//! (progress goes through [`Reporter`]) and never probes health (that is `health`).

mod binaries;
mod error;
pub mod logfile;
pub mod ports;
mod process;

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;

pub use error::RuntimeError;
pub use ports::PortConflict;
pub use process::ProcessRuntime;

use crate::spec::ServiceSpec;

/// Where a service stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
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
pub struct ServiceStatus {
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
}

/// Something that happened to a service during a lifecycle command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LifecycleEvent {
    /// Running one-time initialisation (a new data directory).
    Initializing,
    /// Starting the process.
    Starting,
    /// Started; waiting until healthy.
    Waiting,
    /// Healthy after this long.
    Healthy(Duration),
    /// Started without waiting for health.
    Started,
    /// Already running with the same configuration.
    UpToDate,
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
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            Self::Healthy(_)
                | Self::Started
                | Self::UpToDate
                | Self::Failed(_)
                | Self::Stopped
                | Self::NotRunning
        )
    }

    /// Whether it reports a failure.
    pub fn is_failure(&self) -> bool {
        matches!(self, Self::Failed(_))
    }
}

impl fmt::Display for LifecycleEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Initializing => f.write_str("initializing data directory"),
            Self::Starting => f.write_str("starting"),
            Self::Waiting => f.write_str("waiting until healthy"),
            Self::Healthy(d) => write!(f, "healthy in {}", crate::format::duration(*d)),
            Self::Started => f.write_str("started (not waiting for health)"),
            Self::UpToDate => f.write_str("up to date"),
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
pub trait Reporter: Send + Sync {
    /// `service` reached `event`.
    fn report(&self, service: &str, event: LifecycleEvent);
}

/// A service this run started, watched for an early exit.
pub trait Started: Send {
    /// `Some(description)` once the service has exited.
    fn exited(&mut self) -> Option<String>;
}

/// Runs services. Implementations are cheap to share across threads.
pub trait Runtime: Send + Sync {
    /// The runtime's name (`process`, `docker`).
    fn name(&self) -> &'static str;

    /// Checks the service can be run here (binaries present); errors say how to fix it.
    fn check(&self, spec: &ServiceSpec) -> Result<(), RuntimeError>;

    /// The hash of everything that, changed, means the service must restart.
    fn config_hash(&self, spec: &ServiceSpec) -> Result<String, RuntimeError>;

    /// The host ports the service will listen on.
    fn listen_ports(&self, spec: &ServiceSpec) -> Result<Vec<(String, u16)>, RuntimeError>;

    /// Where the service stands.
    fn status(&self, spec: &ServiceSpec) -> Result<ServiceStatus, RuntimeError>;

    /// Starts the service (initialising its data first when new) and returns a watch on it.
    fn start(
        &self,
        spec: &ServiceSpec,
        reporter: &dyn Reporter,
    ) -> Result<Box<dyn Started>, RuntimeError>;

    /// Stops the service, killing it after `timeout`; `false` when it was not running.
    fn stop(&self, spec: &ServiceSpec, timeout: Duration) -> Result<bool, RuntimeError>;

    /// Deletes the service's data; `false` when there was none.
    fn remove_data(&self, spec: &ServiceSpec) -> Result<bool, RuntimeError>;

    /// The service's log file.
    fn log_file(&self, spec: &ServiceSpec) -> PathBuf;
}
