//! The error every command returns, its exit code and its hint.

use crate::bus::{BusError, BusErrorKind};
use crate::commands::ExitStatus;
use crate::runtime::RuntimeError;
use crate::scaffold::ScaffoldError;
use crate::settings::SettingsError;
use crate::spec::SpecError;

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
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
    pub fn failed(message: impl Into<String>, hint: Option<String>) -> Self {
        Self::Failed {
            message: message.into(),
            hint,
        }
    }

    /// Bad input, with a hint.
    pub fn invalid(message: impl Into<String>, hint: Option<String>) -> Self {
        Self::Invalid {
            message: message.into(),
            hint,
        }
    }

    /// The exit status this error ends the command with.
    pub fn exit_status(&self) -> ExitStatus {
        match self {
            Self::Spec(_) | Self::Settings(_) | Self::Invalid { .. } => ExitStatus::Usage,
            Self::Bus(e) if e.kind() == BusErrorKind::Usage => ExitStatus::Usage,
            Self::Scaffold(e) if e.is_usage() => ExitStatus::Usage,
            Self::Scaffold(_) => ExitStatus::Failure,
            Self::Runtime(_) | Self::Bus(_) | Self::Failed { .. } => ExitStatus::Failure,
        }
    }

    /// What the user can do about it.
    pub fn hint(&self) -> Option<String> {
        match self {
            Self::Spec(SpecError::Invalid(_)) => {
                Some("fix the fields above; `arc config validate` checks the files again".into())
            }
            Self::Spec(SpecError::Unknown { .. }) => {
                Some("`arc profiles ls` and `arc services ls` list what exists".into())
            }
            Self::Runtime(e) => e.hint(),
            Self::Scaffold(e) => e.hint(),
            Self::Bus(e) => e.hint(),
            Self::Failed { hint, .. } | Self::Invalid { hint, .. } => hint.clone(),
            _ => None,
        }
    }
}
