//! Errors of the bus adapters: one variant per operation, each naming what failed on which
//! input and what to do next.

use std::time::Duration;

/// Whether an error is the user's input or the world's doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BusErrorKind {
    /// Bad input: exit 2.
    Usage,
    /// Nothing answered in time.
    Timeout,
    /// Nobody is listening.
    NoResponders,
    /// Anything else: exit 1.
    Failed,
}

/// What went wrong talking to the backbone.
#[derive(Debug, thiserror::Error)]
pub enum BusError {
    /// A subject, stream name, topic or time is malformed.
    #[error("{what} `{input}` is not valid: {reason}")]
    Invalid {
        /// `subject`, `subject pattern`, `stream name`, `time`, …
        what: &'static str,
        /// What the user gave.
        input: String,
        /// Why it is wrong.
        reason: String,
        /// A valid example.
        example: String,
    },
    /// The payload is larger than the server accepts.
    #[error(
        "the message is {size} bytes; the server at {server} accepts at most {max} (max_payload)"
    )]
    PayloadTooLarge {
        /// Payload size.
        size: usize,
        /// The server's limit.
        max: usize,
        /// The server (redacted).
        server: String,
    },
    /// Connecting failed.
    #[error("cannot connect to {server}: {reason}")]
    Connect {
        /// The server (redacted).
        server: String,
        /// Why.
        reason: String,
    },
    /// Connecting to a Pulsar broker failed.
    #[error("cannot connect to the Pulsar broker at {server}: {reason}")]
    PulsarConnect {
        /// The broker URL (redacted).
        server: String,
        /// Why.
        reason: String,
    },
    /// No one is subscribed to the request subject.
    #[error("no responders on `{subject}`: nothing is subscribed to it")]
    NoResponders {
        /// The subject.
        subject: String,
    },
    /// No reply in time.
    #[error("no reply on `{subject}` within {}", crate::format::duration(*.after))]
    Timeout {
        /// The subject.
        subject: String,
        /// How long arc waited.
        after: Duration,
    },
    /// An operation on the server failed.
    #[error("{op} failed: {reason}")]
    Op {
        /// What arc was doing (`publish to \`x\``, `create stream \`Y\``).
        op: String,
        /// Why.
        reason: String,
    },
    /// A stream does not exist.
    #[error("stream `{name}` does not exist; streams: {known}")]
    NoSuchStream {
        /// The name given.
        name: String,
        /// The streams that exist.
        known: String,
    },
}

impl BusError {
    /// The kind, for exit codes and callers that branch.
    pub fn kind(&self) -> BusErrorKind {
        match self {
            Self::Invalid { .. } | Self::PayloadTooLarge { .. } => BusErrorKind::Usage,
            Self::Timeout { .. } => BusErrorKind::Timeout,
            Self::NoResponders { .. } => BusErrorKind::NoResponders,
            _ => BusErrorKind::Failed,
        }
    }

    /// What the user can do about it.
    pub fn hint(&self) -> Option<String> {
        match self {
            Self::Invalid { example, .. } => Some(format!("for example: {example}")),
            Self::Connect { .. } => Some(
                "`arc up` starts the backbone; `--server` (or ARC_NATS_URL) points elsewhere"
                    .into(),
            ),
            Self::PulsarConnect { .. } => Some(
                "`arc up strange` starts the broker; `--pulsar-url` (or ARC_PULSAR_URL) points \
                 elsewhere"
                    .into(),
            ),
            Self::NoResponders { subject } => {
                Some(format!("start one: `arc reply {subject} pong`"))
            }
            Self::NoSuchStream { .. } => {
                Some("`arc streams apply` creates the declared streams".into())
            }
            Self::PayloadTooLarge { .. } => {
                Some("send less, or raise `max_payload` in the server's configuration".into())
            }
            _ => None,
        }
    }

    /// An operation failure.
    pub fn op(op: impl Into<String>, reason: impl std::fmt::Display) -> Self {
        Self::Op {
            op: op.into(),
            reason: reason.to_string(),
        }
    }
}
