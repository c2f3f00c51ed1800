//! The error every command returns, its exit code and its hint, and the exit status contract.

use std::process::ExitCode;

use crate::bus::{BusError, BusErrorKind};
use crate::pipeline::client::ClientError;
use crate::pipeline::ServeError;
use crate::runtime::RuntimeError;
use crate::scaffold::ScaffoldError;
use crate::settings::SettingsError;
use crate::spec::SpecError;

/// How a command ended: the process exit code contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: it did what was asked.
    Success,
    /// 1: it failed, or something is unhealthy.
    Failure,
    /// 2: the command line or configuration is wrong.
    Usage,
}

impl From<ExitStatus> for ExitCode {
    fn from(s: ExitStatus) -> Self {
        match s {
            ExitStatus::Success => ExitCode::SUCCESS,
            ExitStatus::Failure => ExitCode::from(1),
            ExitStatus::Usage => ExitCode::from(2),
        }
    }
}

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Error {
    /// The declarative files are wrong (exit 2).
    #[error(transparent)]
    Spec(#[from] SpecError),
    /// The command line or environment is wrong (exit 2).
    #[error(transparent)]
    Settings(#[from] SettingsError),
    /// A runtime operation failed (exit 1).
    #[error(transparent)]
    Runtime(#[from] RuntimeError),
    /// Talking to the backbone failed (exit 1), or the input was bad (exit 2).
    #[error(transparent)]
    Bus(#[from] BusError),
    /// Rendering templates or writing a new service failed: a refused request or a bad template
    /// (exit 2), or the file system (exit 1).
    #[error(transparent)]
    Scaffold(#[from] ScaffoldError),
    /// `arc serve` could not start (its options: exit 2; the world: exit 1), or stopped.
    #[error(transparent)]
    Serve(#[from] ServeError),
    /// Deploying or removing a backbone in Kubernetes failed (exit 1).
    #[error(transparent)]
    Kube(#[from] crate::kube::KubeError),
    /// The pipeline's API failed (exit 1) or refused the input (exit 2); the cause is kept.
    #[error("{context}")]
    Pipeline {
        /// What was being done (`cannot read topic \`commands\``).
        context: String,
        #[source]
        source: ClientError,
        /// What to do next, where the command knows better than [`ClientError`]'s kind.
        hint: Option<String>,
    },
    /// The input was wrong (exit 2).
    #[error("{message}")]
    Invalid {
        /// What is wrong, and where.
        message: String,
        /// What to do instead.
        hint: Option<String>,
    },
    /// The command did not succeed (exit 1).
    #[error("{message}")]
    Failed {
        /// What failed.
        message: String,
        /// What to do next.
        hint: Option<String>,
    },
}

impl Error {
    /// A failure with a hint.
    pub(crate) fn failed(message: impl Into<String>, hint: Option<String>) -> Self {
        Self::Failed {
            message: message.into(),
            hint,
        }
    }

    /// Bad input, with a hint.
    pub(crate) fn invalid(message: impl Into<String>, hint: Option<String>) -> Self {
        Self::Invalid {
            message: message.into(),
            hint,
        }
    }

    /// A failed call of the pipeline's API, while doing `context`.
    pub(crate) fn pipeline(context: impl Into<String>, source: ClientError) -> Self {
        Self::Pipeline {
            context: context.into(),
            source,
            hint: None,
        }
    }

    /// The exit status this error ends the command with.
    pub(crate) fn exit_status(&self) -> ExitStatus {
        match self {
            Self::Spec(_) | Self::Settings(_) | Self::Invalid { .. } => ExitStatus::Usage,
            Self::Bus(e) if e.kind() == BusErrorKind::Usage => ExitStatus::Usage,
            Self::Scaffold(e) if e.is_usage() => ExitStatus::Usage,
            Self::Scaffold(_) => ExitStatus::Failure,
            Self::Serve(e) if e.is_usage() => ExitStatus::Usage,
            Self::Pipeline { source, .. } if pipeline_usage(source) => ExitStatus::Usage,
            Self::Runtime(_)
            | Self::Kube(_)
            | Self::Bus(_)
            | Self::Serve(_)
            | Self::Pipeline { .. }
            | Self::Failed { .. } => ExitStatus::Failure,
        }
    }

    /// What the user can do about it.
    pub(crate) fn hint(&self) -> Option<String> {
        match self {
            Self::Spec(SpecError::Invalid(_)) => {
                Some("fix the fields above; `arc config validate` checks the files again".into())
            }
            Self::Spec(SpecError::Unknown { .. }) => {
                Some("`arc profiles ls` and `arc services ls` list what exists".into())
            }
            Self::Runtime(e) => e.hint(),
            Self::Kube(e) => e.hint(),
            Self::Scaffold(e) => e.hint(),
            Self::Bus(e) => e.hint(),
            Self::Pipeline {
                hint: Some(hint), ..
            } => Some(hint.clone()),
            Self::Pipeline { source, .. } => pipeline_hint(source),
            Self::Failed { hint, .. } | Self::Invalid { hint, .. } => hint.clone(),
            _ => None,
        }
    }
}

/// Whether the pipeline refused the input itself (a bad value, nothing there, a version
/// conflict): exit 2, like any other bad input.
fn pipeline_usage(e: &ClientError) -> bool {
    matches!(e, ClientError::BadUrl { .. })
        || matches!(e.status(), Some(400 | 404 | 409 | 412 | 428))
}

/// What to do about a failed call of the pipeline's API.
fn pipeline_hint(e: &ClientError) -> Option<String> {
    match e {
        ClientError::Unreachable { .. } | ClientError::FeedTimeout { .. } => {
            Some("is it running? `arc up think` starts it; `arc ps` shows it".into())
        }
        ClientError::BadUrl { .. } | ClientError::NotAFeed { .. } => Some(
            "--pipeline-url (ARC_PIPELINE_URL) is the pipeline's own address, e.g. http://127.0.0.1:8090"
                .into(),
        ),
        ClientError::Refused {
            status: 401 | 403, ..
        } => Some("check the admin token (ARC_ADMIN_TOKEN)".into()),
        ClientError::Refused { status: 503, .. } => Some(
            "the pipeline or its log store is not ready; `arc health` shows which, then try again"
                .into(),
        ),
        ClientError::FeedClosed { reason } if reason.starts_with("too slow") => Some(
            "arc read the feed more slowly than messages came: a narrower PATTERN helps; `arc replay --log` shows what was missed"
                .into(),
        ),
        ClientError::FeedBroke { .. } | ClientError::FeedEnded { .. } => {
            Some("`arc replay --log --since 5m` shows what was logged meanwhile".into())
        }
        _ => None,
    }
}
