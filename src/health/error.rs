//! Why a probe failed.

use std::net::SocketAddr;
use std::time::Duration;

/// Why a probe or round trip failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum HealthError {
    /// Nothing accepted the connection.
    #[error("connect to {addr}: {source}")]
    Connect {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The connection broke mid-conversation.
    #[error("talking to {addr}: {source}")]
    Io {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// No answer in time.
    #[error("no answer within {}", crate::format::duration(*.0))]
    Timeout(Duration),
    /// The peer does not speak the expected protocol.
    #[error("unexpected answer: {0}")]
    Protocol(String),
    /// The service answered, and is not healthy.
    #[error("{0}")]
    Unhealthy(String),
}
