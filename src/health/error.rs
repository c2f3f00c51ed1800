//! Why a probe failed.

use std::net::SocketAddr;
use std::time::Duration;

/// Why a probe or round trip failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum HealthError {
    /// Nothing accepted the connection.
    #[error("connect to {addr}: {}", root(source.as_ref()))]
    Connect {
        /// The address.
        addr: SocketAddr,
        /// Why: the client's error, its root cause shown on the line.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The connection broke mid-conversation.
    #[error("talking to {addr}: {}", root(source.as_ref()))]
    Io {
        /// The address.
        addr: SocketAddr,
        /// Why: the client's error, its root cause shown on the line.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// No answer in time.
    #[error("no answer within {}", crate::format::duration(*.0))]
    Timeout(Duration),
    /// The service answered, and is not healthy.
    #[error("{0}")]
    Unhealthy(String),
    /// A request failed: the client's error, kept as the cause.
    #[error("{what}: {source}")]
    Failed {
        /// What was asked (`SELECT 1`, `pulsar 127.0.0.1:6650`).
        what: String,
        /// Why.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

/// The innermost cause of `e` (`Connection refused (os error 111)`, not the client's
/// `error sending request`), which is what a probe's one line says.
fn root(e: &(dyn std::error::Error + 'static)) -> String {
    let mut last = e;
    while let Some(next) = last.source() {
        last = next;
    }
    last.to_string()
}
