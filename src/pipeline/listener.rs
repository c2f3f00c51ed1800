//! The pipeline's HTTP listener: accepts TCP connections and serves each with hyper (HTTP/1.1,
//! upgrades for WebSockets), within bounds no client can push past. It owns the connection
//! limits and knows no route: requests go to the router it is given.
//!
//! - A connection must send a complete request head within `header_timeout` of opening or of
//!   its previous answer (hyper's header-read timer runs while a connection waits for a head),
//!   so one that sends nothing, or its head a byte at a time, is closed.
//! - At most `max_connections` are open at once (WebSockets included, until they end), clamped
//!   below the process's descriptor limit, whose soft value is raised to the hard one at start.
//!   A connection arriving at the bound closes the one that has waited longest without a
//!   request in hand (not an answer being computed, not a WebSocket); when every connection is
//!   busy, the newcomer gets 503 with `Retry-After` and is closed.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::fmt::Write as _;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncReadExt as _, AsyncWrite, AsyncWriteExt as _, ReadBuf};
use tokio::net::TcpStream;
use tower::ServiceExt as _;

/// Descriptors kept free of connections: NATS, Redis and PostgreSQL clients, files, the
/// listener itself, and the refusals being written.
const FD_RESERVE: u64 = 256;

/// How many refusals (503 written to a connection over the bound) may be in flight at once;
/// past that a connection over the bound is closed without an answer.
const MAX_REFUSING: usize = 64;

/// How many evicted connections may be on their way out at once before accepting waits.
const MAX_CLOSING: usize = 64;

/// How long writing a refusal may take.
const REFUSE_WITHIN: Duration = Duration::from_secs(2);

/// The bounds on connections (`arc serve --header-timeout`, `--max-connections`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct ConnLimits {
    /// How long a connection may take to send a request head, counted from its opening or its
    /// previous answer.
    pub header_timeout: Duration,
    /// How many connections may be open at once (clamped below the descriptor limit).
    pub max_connections: usize,
}

/// Raises the soft limit on open descriptors to the hard one. Returns (before, after).
pub(crate) fn raise_nofile() -> Result<(u64, u64), nix::Error> {
    use nix::sys::resource::{getrlimit, setrlimit, Resource};
    let (soft, hard) = getrlimit(Resource::RLIMIT_NOFILE)?;
    // An unlimited hard limit is refused by Linux past fs.nr_open.
    let ceiling = std::fs::read_to_string("/proc/sys/fs/nr_open")
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .unwrap_or(1 << 20);
    let want = hard.min(ceiling);
    if soft >= want {
        return Ok((soft, soft));
    }
    setrlimit(Resource::RLIMIT_NOFILE, want, hard)?;
    Ok((soft, want))
}

/// The bound on connections a descriptor limit of `nofile` leaves room for.
pub(crate) fn connection_bound(wanted: usize, nofile: u64) -> usize {
    let room = usize::try_from(nofile.saturating_sub(FD_RESERVE)).unwrap_or(usize::MAX);
    wanted.min(room).max(1)
}

/// What the listener counts, for `/metrics`.
#[derive(Default)]
pub(crate) struct ConnStats {
    open: AtomicUsize,
    accepted: AtomicU64,
    evicted: AtomicU64,
    refused: AtomicU64,
    header_timeouts: AtomicU64,
}

impl ConnStats {
    /// Connections open now.
    pub(crate) fn open(&self) -> usize {
        self.open.load(Ordering::Relaxed)
    }

    /// Prometheus text.
    pub(crate) fn render(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "# TYPE arc_http_connections_open gauge\narc_http_connections_open {}",
            self.open()
        );
        let _ = writeln!(s, "# TYPE arc_http_connections_total counter");
        for (outcome, n) in [
            ("accepted", &self.accepted),
            ("evicted", &self.evicted),
            ("refused", &self.refused),
            ("header_timeout", &self.header_timeouts),
        ] {
            let _ = writeln!(
                s,
                "arc_http_connections_total{{outcome=\"{outcome}\"}} {}",
                n.load(Ordering::Relaxed)
            );
        }
        s
    }
}

/// Where a connection is: waiting for a request head (evictable, in the idle map under its
/// key), answering one, or gone from the map for good.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SlotState {
    Idle(u64),
    Busy,
    Evicted,
    Closed,
}

struct Slot {
    state: Mutex<SlotState>,
    evict: tokio::sync::Notify,
}

/// The open connections: those without a request in hand, oldest first, are the ones a
/// newcomer over the bound may close.
struct Registry {
    idle: Mutex<BTreeMap<u64, Arc<Slot>>>,
    seq: AtomicU64,
    /// Connections evicted whose task has not ended yet (their descriptor is about to go).
    closing: AtomicUsize,
    stats: Arc<ConnStats>,
}

impl Registry {
    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<u64, Arc<Slot>>> {
        self.idle.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn open(&self) -> Arc<Slot> {
        let key = self.seq.fetch_add(1, Ordering::Relaxed);
        let slot = Arc::new(Slot {
            state: Mutex::new(SlotState::Idle(key)),
            evict: tokio::sync::Notify::new(),
        });
        self.lock().insert(key, slot.clone());
        slot
    }

    /// The connection has a request in hand; `false` when it was just evicted.
    fn busy(&self, slot: &Slot) -> bool {
        let mut idle = self.lock();
        let mut state = slot.state.lock().unwrap_or_else(PoisonError::into_inner);
        match *state {
            SlotState::Idle(key) => {
                idle.remove(&key);
                *state = SlotState::Busy;
                true
            }
            SlotState::Busy => true,
            SlotState::Evicted | SlotState::Closed => false,
        }
    }

    /// The connection answered and waits for its next request.
    fn idle(&self, slot: &Arc<Slot>) {
        let mut idle = self.lock();
        let mut state = slot.state.lock().unwrap_or_else(PoisonError::into_inner);
        if *state == SlotState::Busy {
            let key = self.seq.fetch_add(1, Ordering::Relaxed);
            *state = SlotState::Idle(key);
            idle.insert(key, slot.clone());
        }
    }

    /// The connection's task ended (an upgraded one lives on in its WebSocket, not evictable).
    fn close(&self, slot: &Slot) {
        let mut idle = self.lock();
        let mut state = slot.state.lock().unwrap_or_else(PoisonError::into_inner);
        match *state {
            SlotState::Idle(key) => {
                idle.remove(&key);
            }
            SlotState::Evicted => {
                self.closing.fetch_sub(1, Ordering::Relaxed);
            }
            SlotState::Busy | SlotState::Closed => {}
        }
        *state = SlotState::Closed;
    }

    /// Connections open and not on their way out.
    fn staying(&self) -> usize {
        self.stats
            .open()
            .saturating_sub(self.closing.load(Ordering::Relaxed))
    }

    /// Closes the connection that has waited longest without a request; `false` when every
    /// open connection is busy.
    fn evict_one(&self) -> bool {
        let mut idle = self.lock();
        let Some((_, slot)) = idle.pop_first() else {
            return false;
        };
        *slot.state.lock().unwrap_or_else(PoisonError::into_inner) = SlotState::Evicted;
        self.closing.fetch_add(1, Ordering::Relaxed);
        slot.evict.notify_one();
        self.stats.evicted.fetch_add(1, Ordering::Relaxed);
        true
    }
}

/// Counts a connection open from its accept until its socket is dropped (after the WebSocket
/// it was upgraded to, if any, ended).
struct Counted {
    inner: TcpStream,
    stats: Arc<ConnStats>,
}

impl Drop for Counted {
    fn drop(&mut self) {
        self.stats.open.fetch_sub(1, Ordering::Relaxed);
    }
}

impl AsyncRead for Counted {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for Counted {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

/// The router, marking the connection busy while it computes an answer.
#[derive(Clone)]
struct ConnService {
    app: Router,
    slot: Arc<Slot>,
    registry: Arc<Registry>,
}

/// Marks the connection idle again when the answer is computed (or the request dropped).
struct BusyGuard {
    slot: Arc<Slot>,
    registry: Arc<Registry>,
}

impl Drop for BusyGuard {
    fn drop(&mut self) {
        self.registry.idle(&self.slot);
    }
}

type BoxFuture = Pin<Box<dyn Future<Output = Result<axum::response::Response, Infallible>> + Send>>;

impl hyper::service::Service<hyper::Request<Incoming>> for ConnService {
    type Response = axum::response::Response;
    type Error = Infallible;
    type Future = BoxFuture;

    fn call(&self, req: hyper::Request<Incoming>) -> Self::Future {
        let busy = self.registry.busy(&self.slot).then(|| BusyGuard {
            slot: self.slot.clone(),
            registry: self.registry.clone(),
        });
        let app = self.app.clone();
        Box::pin(async move {
            let Some(_busy) = busy else {
                return Ok(over_bound());
            };
            app.oneshot(req.map(axum::body::Body::new)).await
        })
    }
}

/// Why a connection over the bound is refused (the body of its 503).
const OVER_BOUND: &str = r#"{"error":"the pipeline has as many connections open as it takes (--max-connections) and all are busy; retry","reason":"unavailable"}"#;

/// The answer to a request on a connection closed for a newcomer as it arrived.
fn over_bound() -> axum::response::Response {
    let mut r = axum::response::Response::new(axum::body::Body::from(OVER_BOUND));
    *r.status_mut() = axum::http::StatusCode::SERVICE_UNAVAILABLE;
    for (k, v) in [
        (axum::http::header::CONTENT_TYPE, "application/json"),
        (axum::http::header::RETRY_AFTER, "1"),
        (axum::http::header::CONNECTION, "close"),
    ] {
        r.headers_mut()
            .insert(k, axum::http::HeaderValue::from_static(v));
    }
    r
}

/// Serves `app` on `listener` within `limits` until `shutdown` resolves, then lets the requests
/// in flight finish.
pub(crate) async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    limits: ConnLimits,
    stats: Arc<ConnStats>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let registry = Arc::new(Registry {
        idle: Mutex::new(BTreeMap::new()),
        seq: AtomicU64::new(0),
        closing: AtomicUsize::new(0),
        stats: stats.clone(),
    });
    let refusing = Arc::new(AtomicUsize::new(0));
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(());
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            () = &mut shutdown => break,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(e) => {
                // Out of descriptors (or memory): make room by closing an idle connection, and
                // do not spin meanwhile.
                tracing::warn!("cannot accept a connection: {e}");
                registry.evict_one();
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        // Evicted connections give their descriptors back once their tasks run: a burst of
        // newcomers waits for that rather than run past the reserve.
        while registry.closing.load(Ordering::Relaxed) > MAX_CLOSING {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        if registry.staying() >= limits.max_connections && !registry.evict_one() {
            stats.refused.fetch_add(1, Ordering::Relaxed);
            if refusing.fetch_add(1, Ordering::Relaxed) < MAX_REFUSING {
                let refusing = refusing.clone();
                tokio::spawn(async move {
                    let _ = tokio::time::timeout(REFUSE_WITHIN, refuse(stream)).await;
                    refusing.fetch_sub(1, Ordering::Relaxed);
                });
            } else {
                refusing.fetch_sub(1, Ordering::Relaxed);
                drop(stream);
            }
            continue;
        }
        stats.open.fetch_add(1, Ordering::Relaxed);
        stats.accepted.fetch_add(1, Ordering::Relaxed);
        let io = Counted {
            inner: stream,
            stats: stats.clone(),
        };
        // Registered before its task runs, so a burst of newcomers finds it evictable.
        let slot = registry.open();
        tokio::spawn(connection(
            io,
            slot,
            app.clone(),
            registry.clone(),
            limits.header_timeout,
            stop_rx.clone(),
        ));
    }
    drop(listener);
    drop(stop_rx);
    // Every connection task holds a receiver: they tell theirs to finish, and this waits until
    // the last one has.
    let _ = stop_tx.send(());
    stop_tx.closed().await;
}

async fn connection(
    io: Counted,
    slot: Arc<Slot>,
    app: Router,
    registry: Arc<Registry>,
    header_timeout: Duration,
    mut stop: tokio::sync::watch::Receiver<()>,
) {
    let service = ConnService {
        app,
        slot: slot.clone(),
        registry: registry.clone(),
    };
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout)
        .serve_connection(TokioIo::new(io), service)
        .with_upgrades();
    tokio::pin!(conn);
    tokio::select! {
        r = conn.as_mut() => {
            if let Err(e) = r {
                if e.is_timeout() {
                    registry.stats.header_timeouts.fetch_add(1, Ordering::Relaxed);
                }
                tracing::debug!("connection: {e}");
            }
        }
        // Evicted while waiting for a request: nothing in flight to lose.
        () = slot.evict.notified() => {}
        _ = stop.changed() => {
            conn.as_mut().graceful_shutdown();
            let _ = conn.await;
        }
    }
    registry.close(&slot);
}

/// Answers 503 to a connection over the bound without reading its request, then reads and
/// drops what it sent (so the close is not a reset that loses the answer).
async fn refuse(mut stream: TcpStream) {
    let body = OVER_BOUND;
    let head = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\nretry-after: 1\r\nconnection: close\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    if stream.write_all(head.as_bytes()).await.is_err()
        || stream.write_all(body.as_bytes()).await.is_err()
    {
        return;
    }
    let _ = stream.shutdown().await;
    let mut sink = [0u8; 4096];
    let mut left = 64 << 10;
    while left > 0 {
        match stream.read(&mut sink).await {
            Ok(0) | Err(_) => break,
            Ok(n) => left -= n.min(left),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bound_leaves_descriptors_for_the_rest() {
        assert_eq!(connection_bound(10_000, 1024), 1024 - 256);
        assert_eq!(connection_bound(10_000, 1 << 20), 10_000);
        assert_eq!(connection_bound(10, 100), 1);
    }

    #[test]
    fn the_longest_idle_connection_is_evicted_first_and_never_a_busy_one() {
        let r = Registry {
            idle: Mutex::new(BTreeMap::new()),
            seq: AtomicU64::new(0),
            closing: AtomicUsize::new(0),
            stats: Arc::default(),
        };
        let (a, b) = (r.open(), r.open());
        assert!(r.busy(&a));
        assert!(r.evict_one());
        assert_eq!(*b.state.lock().unwrap(), SlotState::Evicted);
        assert!(!r.busy(&b), "an evicted connection takes no request");
        assert!(!r.evict_one(), "the busy one stays");
        r.idle(&a);
        assert!(r.evict_one());
        r.close(&a);
        assert!(!r.evict_one());
    }
}
