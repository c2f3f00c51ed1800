//! Errors of the bus adapters: one variant per operation, each naming what failed on which
//! input and what to do next.

use std::fmt;
use std::time::Duration;

/// A library error kept as the cause of a [`BusError`] (or a text reason, where there is no
/// error value: `String` converts into it).
pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync>;

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
    #[error("cannot connect to {server}: {source}")]
    Connect {
        /// The server (redacted).
        server: String,
        /// Why (secrets scrubbed).
        #[source]
        source: BoxError,
    },
    /// Connecting to a Pulsar broker failed.
    #[error("cannot connect to the Pulsar broker at {server}: {source}")]
    PulsarConnect {
        /// The broker URL (redacted).
        server: String,
        /// Why.
        #[source]
        source: BoxError,
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
    #[error("{op} failed: {source}")]
    Op {
        /// What arc was doing (`publish to \`x\``, `create stream \`Y\``).
        op: String,
        /// Why: the library's error, whose own causes the report prints after it.
        #[source]
        source: BoxError,
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

    /// An operation failure, keeping its cause (an error, or a text reason).
    pub(crate) fn op(op: impl Into<String>, cause: impl Into<BoxError>) -> Self {
        Self::Op {
            op: op.into(),
            source: cause.into(),
        }
    }
}

/// An error's message and its causes, kept as text: for a cause that may echo a secret, which is
/// scrubbed before it is kept. The chain keeps its links, so the report still prints each cause.
#[derive(Debug)]
pub(crate) struct Scrubbed {
    text: String,
    source: Option<Box<Scrubbed>>,
}

impl Scrubbed {
    /// `e` and each of its causes, through `scrub`.
    pub(crate) fn new(
        e: &(dyn std::error::Error + 'static),
        scrub: &dyn Fn(&str) -> String,
    ) -> Self {
        Self {
            text: scrub(&e.to_string()),
            source: e.source().map(|s| Box::new(Self::new(s, scrub))),
        }
    }
}

impl fmt::Display for Scrubbed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::error::Error for Scrubbed {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|s| s as _)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_operation_keeps_its_cause_and_a_scrubbed_chain_its_links() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused by s3cr3t");
        let e = BusError::op("publish to `x`", io);
        assert_eq!(e.to_string(), "publish to `x` failed: refused by s3cr3t");
        assert!(std::error::Error::source(&e).is_some());
        let outer = BusError::Connect {
            server: "nats://***@h:1".into(),
            source: Box::new(Scrubbed::new(&e, &|t: &str| t.replace("s3cr3t", "***"))),
        };
        let chain = crate::format::chain(&outer);
        assert_eq!(
            chain,
            "cannot connect to nats://***@h:1: publish to `x` failed: refused by ***"
        );
        let inner = std::error::Error::source(&outer)
            .and_then(std::error::Error::source)
            .map(ToString::to_string);
        assert_eq!(inner.as_deref(), Some("refused by ***"));
    }
}
