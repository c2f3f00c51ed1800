//! The shared part of one connection and its tasks: the writer that drains the queue of
//! encoded frames, the reader that answers PING and routes every other frame to its waiter, and
//! the keepalive. Nothing here reconnects: when the connection ends, every waiter fails with
//! [`PulsarError::Io`] naming the reason.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io::{Error as IoError, ErrorKind};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, BufWriter};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio::time::{timeout_at, Instant as Deadline};

use super::Result;
use crate::bus::pulsar::codec::{self, encode_frame, kind, msg, proto, Enc, Frame, MessageId};
use crate::bus::pulsar::{broker, PulsarError};

/// What the reader task hands a consumer.
#[derive(Debug)]
pub(super) enum Event {
    /// A MESSAGE frame for it.
    Message(Frame),
    /// The broker sent CLOSE_CONSUMER (Pulsar does after a seek; so do topic unloads).
    Closed,
    /// ACTIVE_CONSUMER_CHANGE: a failover switch, after which older messages may come.
    ActiveChange,
}

/// Waiters of one connection, filled by the handles and completed by the reader task.
#[derive(Debug, Default)]
pub(super) struct Tables {
    /// Why the connection ended; once set, nothing new is registered.
    pub(super) dead: Option<String>,
    /// Set when the keepalive gave the connection up: the broker went silent, rather than
    /// closing the connection (see [`is_dropped`]).
    pub(super) silent: bool,
    /// Pending requests by `request_id`.
    requests: HashMap<u64, oneshot::Sender<Result<Frame>>>,
    /// Pending sends by (`producer_id`, `sequence_id`).
    pub(super) receipts: HashMap<(u64, u64), oneshot::Sender<Result<MessageId>>>,
    /// Open consumers by `consumer_id`.
    pub(super) consumers: HashMap<u64, mpsc::UnboundedSender<Event>>,
    /// Producers the broker closed.
    pub(super) closed_producers: HashSet<u64>,
}

/// Locks `tables`, ignoring poisoning (every critical section leaves them consistent).
pub(super) fn lock(tables: &Mutex<Tables>) -> MutexGuard<'_, Tables> {
    tables.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The error every waiter gets once the connection ended for `reason`: `TimedOut` when the
/// broker went `silent`, else `ConnectionAborted`.
pub(super) fn lost(reason: &str, silent: bool) -> PulsarError {
    let kind = if silent {
        ErrorKind::TimedOut
    } else {
        ErrorKind::ConnectionAborted
    };
    IoError::new(kind, reason.to_owned()).into()
}

/// Whether `e` says the connection was dropped or closed (by the broker, the network, a
/// frame arc could not read) rather than that the broker went silent: a new connection may
/// well work at once.
pub(crate) fn is_dropped(e: &PulsarError) -> bool {
    matches!(e, PulsarError::Io(io) if io.kind() != ErrorKind::TimedOut)
}

/// Marks the connection dead and fails every waiter with `reason`.
fn kill(tables: &Mutex<Tables>, reason: &str, silent: bool) {
    let mut t = lock(tables);
    if t.dead.is_none() {
        t.dead = Some(reason.to_owned());
        t.silent = silent;
    }
    for (_, waiter) in t.requests.drain() {
        let _ = waiter.send(Err(lost(reason, silent)));
    }
    for (_, waiter) in t.receipts.drain() {
        let _ = waiter.send(Err(lost(reason, silent)));
    }
    t.consumers.clear(); // consumers see their channel end
}

/// The shared part of a connection; dropping the last handle ends it.
pub(super) struct Conn {
    /// Queue of encoded frames for the writer task.
    pub(super) tx: mpsc::Sender<Bytes>,
    /// Waiters, shared with the reader task.
    pub(super) tables: Arc<Mutex<Tables>>,
    /// Source of request, producer and consumer ids.
    pub(super) ids: AtomicU64,
    /// Bound of every operation that has no timeout argument.
    pub(super) timeout: Duration,
    /// The broker's address.
    pub(super) addr: SocketAddr,
    /// `server_version` from CONNECTED.
    pub(super) server_version: String,
    /// Whether CONNECT carried a token; the token itself is not kept past the handshake.
    pub(super) token_auth: bool,
    /// The reader task, stopped when the last handle goes.
    pub(super) reader: JoinHandle<()>,
    /// The keepalive task, stopped with the reader.
    pub(super) keepalive: JoinHandle<()>,
}

impl fmt::Debug for Conn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Conn")
            .field("addr", &self.addr)
            .field("server_version", &self.server_version)
            .field(
                "auth",
                &if self.token_auth {
                    "token <redacted>"
                } else {
                    "none"
                },
            )
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        // The writer task flushes what is queued, then closes the socket.
        self.reader.abort();
        self.keepalive.abort();
    }
}

impl Conn {
    /// A fresh id for a request, producer or consumer.
    pub(super) fn next_id(&self) -> u64 {
        self.ids.fetch_add(1, Ordering::Relaxed)
    }

    /// The deadline of an operation starting now.
    pub(super) fn deadline(&self) -> Deadline {
        Deadline::now() + self.timeout
    }

    /// The error for a connection that has ended.
    pub(super) fn lost(&self) -> PulsarError {
        let t = lock(&self.tables);
        lost(t.dead.as_deref().unwrap_or("connection closed"), t.silent)
    }

    /// Queues an encoded frame for the writer, waiting for room until `deadline`.
    pub(super) async fn write(
        &self,
        step: &'static str,
        frame: Bytes,
        deadline: Deadline,
    ) -> Result<()> {
        match timeout_at(deadline, self.tx.send(frame)).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(self.lost()),
            Err(_) => Err(PulsarError::Timeout(step)),
        }
    }

    /// Queues a command without waiting for room; for best-effort cleanup in `Drop`.
    pub(super) fn write_now(&self, kind: u32, cmd: &Enc) {
        if let Ok(frame) = encode_frame(kind, cmd, None) {
            let _ = self.tx.try_send(frame);
        }
    }

    /// Sends a command built around a fresh `request_id` and waits until `deadline` for
    /// its response; an ERROR response becomes [`PulsarError::Broker`] naming `step`.
    pub(super) async fn request(
        &self,
        step: &'static str,
        kind: u32,
        deadline: Deadline,
        build: impl FnOnce(u64) -> Enc,
    ) -> Result<Frame> {
        let id = self.next_id();
        let frame = encode_frame(kind, &build(id), None)?;
        let (tx, rx) = oneshot::channel();
        {
            let mut t = lock(&self.tables);
            if let Some(reason) = &t.dead {
                return Err(lost(reason, t.silent));
            }
            t.requests.insert(id, tx);
        }
        let answer = async {
            self.write(step, frame, deadline).await?;
            rx.await.map_err(|_| self.lost())?
        };
        let answer = timeout_at(deadline, answer).await;
        let frame = answer.unwrap_or(Err(PulsarError::Timeout(step)));
        if frame.is_err() {
            lock(&self.tables).requests.remove(&id);
        }
        let frame = frame?;
        if frame.kind == kind::ERROR {
            let f = frame.fields()?;
            return Err(broker(step, f.int(2), f.string(3)));
        }
        Ok(frame)
    }
}

/// The writer task: writes queued frames, coalescing whatever is queued into one flush.
pub(super) async fn write_loop<W: AsyncWrite + Unpin>(
    wr: W,
    mut rx: mpsc::Receiver<Bytes>,
    tables: Arc<Mutex<Tables>>,
) {
    let mut wr = BufWriter::with_capacity(64 * 1024, wr);
    while let Some(frame) = rx.recv().await {
        let mut result = wr.write_all(&frame).await;
        while let (Ok(()), Ok(frame)) = (&result, rx.try_recv()) {
            result = wr.write_all(&frame).await;
        }
        if let Err(e) = result.and(wr.flush().await) {
            kill(
                &tables,
                &format!("writing to the broker failed: {e}"),
                false,
            );
            return;
        }
    }
    let _ = wr.shutdown().await;
}

/// When the reader last read a frame, for the keepalive.
#[derive(Debug)]
pub(super) struct Seen {
    /// The connection's start.
    base: Deadline,
    /// Microseconds from `base` to the last frame read.
    last: AtomicU64,
}

impl Default for Seen {
    fn default() -> Self {
        Self {
            base: Deadline::now(),
            last: AtomicU64::new(0),
        }
    }
}

impl Seen {
    /// Microseconds since `base`.
    fn now(&self) -> u64 {
        u64::try_from(self.base.elapsed().as_micros()).unwrap_or(u64::MAX)
    }
}

/// The keepalive task: every `interval`, gives up the connection if nothing came since the
/// previous PING, else sends a PING. Ends with the connection.
pub(super) async fn keepalive_loop(
    interval: Duration,
    addr: SocketAddr,
    tables: Arc<Mutex<Tables>>,
    tx: mpsc::WeakSender<Bytes>,
    seen: Arc<Seen>,
) {
    let Ok(ping) = encode_frame(kind::PING, &msg(), None) else {
        return;
    };
    let mut pinged = None;
    loop {
        tokio::time::sleep(interval).await;
        if lock(&tables).dead.is_some() {
            return;
        }
        if pinged.is_some_and(|at| seen.last.load(Ordering::Relaxed) < at) {
            let reason = format!(
                "the broker at {addr} sent nothing for {} after a PING (keepalive): it is \
                 stopped, overloaded or unreachable",
                crate::format::duration(interval)
            );
            kill(&tables, &reason, true);
            return;
        }
        let Some(tx) = tx.upgrade() else {
            return;
        };
        // A full queue means the writer is stuck; the next tick judges by what was read.
        let _ = tx.try_send(ping.clone());
        pinged = Some(seen.now());
    }
}

/// The reader task: routes frames until the connection ends, then fails every waiter.
pub(super) async fn read_loop(
    mut rd: impl AsyncRead + Unpin,
    mut buf: BytesMut,
    tables: Arc<Mutex<Tables>>,
    tx: mpsc::WeakSender<Bytes>,
    seen: Arc<Seen>,
) {
    let reason = loop {
        match codec::read_frame(&mut rd, &mut buf).await {
            Ok(Some(frame)) => {
                seen.last.store(seen.now(), Ordering::Relaxed);
                if let Err(e) = route(frame, &tables, &tx) {
                    break e.to_string();
                }
            }
            Ok(None) => break "broker closed the connection".to_owned(),
            Err(e) => break e.to_string(),
        }
    };
    kill(&tables, &reason, false);
}

/// Routes one frame from the broker to whoever waits for it.
fn route(frame: Frame, tables: &Mutex<Tables>, tx: &mpsc::WeakSender<Bytes>) -> Result<()> {
    if frame.kind == kind::PING {
        // Never blocks the reader: a full queue means traffic, which keeps the link alive.
        if let Some(tx) = tx.upgrade() {
            let _ = tx.try_send(encode_frame(kind::PONG, &msg(), None)?);
        }
        return Ok(());
    }
    let f = frame.fields()?;
    let mut t = lock(tables);
    match frame.kind {
        // A producer that is not ready yet gets a second PRODUCER_SUCCESS later.
        kind::PRODUCER_SUCCESS if f.int(6) == Some(0) => {}
        kind::SUCCESS
        | kind::ERROR
        | kind::PRODUCER_SUCCESS
        | kind::LOOKUP_RESPONSE
        | kind::PARTITIONED_METADATA_RESPONSE
        | kind::GET_LAST_MESSAGE_ID_RESPONSE
        | kind::GET_TOPICS_OF_NAMESPACE_RESPONSE => {
            let field = match frame.kind {
                kind::LOOKUP_RESPONSE => 4,
                kind::PARTITIONED_METADATA_RESPONSE => 2,
                kind::GET_LAST_MESSAGE_ID_RESPONSE => 2,
                _ => 1,
            };
            let id = f
                .int(field)
                .ok_or_else(|| proto("response without request_id"))?;
            if let Some(waiter) = t.requests.remove(&id) {
                let _ = waiter.send(Ok(frame));
            }
        }
        kind::SEND_RECEIPT | kind::SEND_ERROR => {
            let key = (f.int(1).unwrap_or(0), f.int(2).unwrap_or(0));
            if let Some(waiter) = t.receipts.remove(&key) {
                let result = if frame.kind == kind::SEND_ERROR {
                    Err(broker("send", f.int(3), f.string(4)))
                } else {
                    f.bytes(3)
                        .ok_or_else(|| proto("SEND_RECEIPT without message id"))
                        .and_then(codec::decode_id)
                };
                let _ = waiter.send(result);
            }
        }
        kind::MESSAGE | kind::CLOSE_CONSUMER | kind::ACTIVE_CONSUMER_CHANGE => {
            let id = f.int(1).unwrap_or(0);
            if let Some(consumer) = t.consumers.get(&id) {
                let event = match frame.kind {
                    kind::MESSAGE => Event::Message(frame),
                    kind::CLOSE_CONSUMER => Event::Closed,
                    _ => Event::ActiveChange,
                };
                let _ = consumer.send(event);
            }
        }
        kind::CLOSE_PRODUCER => {
            let id = f.int(1).unwrap_or(0);
            t.closed_producers.insert(id);
            let keys: Vec<_> = t.receipts.keys().filter(|k| k.0 == id).copied().collect();
            for key in keys {
                if let Some(waiter) = t.receipts.remove(&key) {
                    let _ = waiter.send(Err(producer_closed(id)));
                }
            }
        }
        _ => {} // PONG, REACHED_END_OF_TOPIC, ...
    }
    Ok(())
}

/// The error for sends on a producer the broker closed.
pub(super) fn producer_closed(id: u64) -> PulsarError {
    PulsarError::Closed(format!("producer {id} was closed by the broker"))
}
