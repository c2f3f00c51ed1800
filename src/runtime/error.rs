//! Errors of the runtimes: one variant per operation, each naming the service and what to do.

use std::path::PathBuf;

use super::PortConflict;

/// What went wrong running a service.
#[derive(Debug, thiserror::Error)]
pub(crate) enum RuntimeError {
    /// A program the service needs is not installed.
    #[error("`{program}` (needed by `{service}`) is not installed or not on PATH")]
    MissingBinary {
        /// The service.
        service: String,
        /// The program.
        program: String,
        /// How to install it.
        hint: Option<String>,
    },
    /// Ports are already taken by other processes.
    #[error("{}", conflicts_message(.0))]
    PortsInUse(Vec<PortConflict>),
    /// A file or directory operation failed.
    #[error("cannot {op} `{}`: {source}", path.display())]
    Io {
        /// What arc was doing (`create directory`).
        op: &'static str,
        /// On what.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The program could not be started.
    #[error("cannot start `{service}` (`{program}`): {source}")]
    Spawn {
        /// The service.
        service: String,
        /// The program.
        program: String,
        /// Why.
        source: std::io::Error,
    },
    /// A one-time initialisation step failed.
    #[error("initialising `{service}` failed: `{step}` {status}")]
    Init {
        /// The service.
        service: String,
        /// The step's command line.
        step: String,
        /// How it ended.
        status: String,
    },
    /// The run-as user does not exist.
    #[error(
        "`{service}` must run as user `{user}` when arc runs as root, and there is no such user"
    )]
    NoSuchUser {
        /// The service.
        service: String,
        /// The user.
        user: String,
    },
    /// A process could not be signalled.
    #[error("cannot stop `{service}` (pid {pid}): {source}")]
    Signal {
        /// The service.
        service: String,
        /// Its pid.
        pid: u32,
        /// Why.
        source: nix::Error,
    },
    /// An engine operation failed.
    #[error("failed to {op}: {reason}")]
    Docker {
        /// The operation and its object (`create container \`arc-cache\``).
        op: String,
        /// The engine's answer.
        reason: String,
    },
    /// An image build failed (a step, or a `FROM` image that is neither here nor pullable).
    #[error("failed to build `{image}` from `{}`: {reason}", context.display())]
    Build {
        /// The tag being built.
        image: String,
        /// The build context.
        context: PathBuf,
        /// The engine's or the step's answer.
        reason: String,
    },
    /// An image is missing and cannot be pulled.
    #[error("image `{image}` is not here and cannot be pulled: {reason}")]
    Pull {
        /// The image.
        image: String,
        /// Why the pull failed.
        reason: String,
    },
    /// The chosen runtime cannot be used here.
    #[error("the `{runtime}` runtime is not available: {reason}")]
    Unavailable {
        /// The runtime.
        runtime: &'static str,
        /// Why.
        reason: String,
    },
}

impl RuntimeError {
    /// What the user can do about it.
    pub(crate) fn hint(&self) -> Option<String> {
        match self {
            Self::MissingBinary { hint, .. } => Some(match hint {
                Some(h) => format!("install it: `{h}` (or run `make deps` in the arc checkout)"),
                None => "install it, or change `native.command` with an overlay (-f)".into(),
            }),
            Self::PortsInUse(_) => Some(
                "stop the process holding the port, or give the service another port with an overlay (-f)".into(),
            ),
            Self::Unavailable { .. } => Some("use `--runtime process`".into()),
            Self::Pull { .. } => Some(
                "check the registry is reachable, or build/load the image locally and point `image:` at it with an overlay (-f; overlays/offline.yaml runs the backbone from local images); `--runtime process` runs the servers installed here".into(),
            ),
            Self::Build { .. } => Some(
                "a `FROM` image must be here or pullable; where no registry answers, build on local images through the Dockerfile's build args in an overlay (`build: { args: { BASE: … } }`, as overlays/offline.yaml does)".into(),
            ),
            Self::NoSuchUser { user, .. } => Some(format!(
                "create it (`useradd --system {user}`) or set `native.run_as` in an overlay"
            )),
            _ => None,
        }
    }
}

fn conflicts_message(conflicts: &[PortConflict]) -> String {
    let lines: Vec<String> = conflicts.iter().map(ToString::to_string).collect();
    if lines.len() == 1 {
        lines[0].clone()
    } else {
        format!(
            "{} ports are in use:\n  {}",
            lines.len(),
            lines.join("\n  ")
        )
    }
}
