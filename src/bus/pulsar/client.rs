//! One broker connection and the producers and consumers on it.
//!
//! Owns the connection's three tasks: a writer that drains a bounded queue of encoded frames
//! (coalescing them into few syscalls) and a reader that answers PING with PONG and routes
//! every other frame: responses by `request_id`, receipts by `producer_id`+`sequence_id`,
//! deliveries, CLOSE_CONSUMER and ACTIVE_CONSUMER_CHANGE by `consumer_id`; and a keepalive
//! task that sends PING and gives the connection up when the broker goes silent. It must not
//! reconnect (when the connection ends, every waiter fails with [`PulsarError::Io`]
//! naming the reason) and must not keep the auth token past the handshake.

use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt;
use std::io::{Error as IoError, ErrorKind};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::io::{AsyncWriteExt, BufWriter};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio::time::{timeout_at, Instant as Deadline};
use tokio_rustls::rustls::pki_types::ServerName;
use tokio_rustls::rustls::ClientConfig;
use tokio_rustls::TlsConnector;

use super::codec::{self, encode_frame, kind, msg, proto, Enc, Frame, Message, MessageId};
use super::compression::Compression;
use super::{broker, now_ms, server_error_name, PulsarError, Topic, MAX_TIMEOUT};

/// Result type of this module.
type Result<T, E = PulsarError> = std::result::Result<T, E>;

/// Protocol version announced in CONNECT (v14 added Key_Shared). Token auth needs no
/// AUTH_CHALLENGE round: brokers only challenge clients that announce auth refresh.
const PROTOCOL_VERSION: u64 = 14;
/// `client_version` announced in CONNECT.
const CLIENT_VERSION: &str = "arc";
/// Permits a consumer grants up front; it grants more once half of them are used.
const PERMITS: u32 = 1000;
/// Sends [`Producer::send_batch`] keeps in flight.
#[cfg(test)]
const MAX_IN_FLIGHT: usize = 1000;
/// Encoded frames queued for the writer task before senders wait.
const WRITE_QUEUE: usize = 4096;
/// How often a connection sends PING, and how long it waits for any frame after one before
/// it gives up: the official clients' default (`keepAliveIntervalSeconds`).
pub(crate) const DEFAULT_KEEPALIVE: Duration = Duration::from_secs(30);

/// Subscription types of `CommandSubscribe.SubType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SubType {
    /// One consumer at a time.
    Exclusive,
    /// Messages spread across all consumers.
    Shared,
    /// One active consumer, others on standby.
    Failover,
    /// Messages spread by key; one key always goes to the same consumer.
    KeyShared,
}

/// Where a new subscription starts (`CommandSubscribe.InitialPosition`); an existing
/// subscription keeps its position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum InitialPosition {
    /// After the last message now on the topic.
    Latest,
    /// At the oldest message still stored.
    Earliest,
}

/// A message to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OutgoingMessage {
    /// The application payload.
    pub(crate) payload: Bytes,
    /// Application properties.
    pub(crate) properties: Vec<(String, String)>,
    /// The application's event time in ms since the Unix epoch.
    pub(crate) event_time: Option<u64>,
    /// Partition (routing) key; Key_Shared subscriptions dispatch by it.
    pub(crate) key: Option<String>,
}

impl OutgoingMessage {
    /// A message with `payload` and nothing else set.
    pub(crate) fn new(payload: impl Into<Bytes>) -> Self {
        Self {
            payload: payload.into(),
            properties: Vec::new(),
            event_time: None,
            key: None,
        }
    }
}

/// Where a LOOKUP says a topic is served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Owner {
    /// By the broker at this URL (`None` or empty: the one asked).
    Connect(Option<String>),
    /// Ask the broker at `url` (authoritatively if it says so).
    Redirect {
        /// `pulsar://host:port`.
        url: String,
        /// Whether the next lookup is to be authoritative.
        authoritative: bool,
    },
}

/// How to speak TLS to a broker (`pulsar+ssl://`).
#[derive(Clone)]
pub(crate) struct Tls {
    /// Roots and protocol settings.
    pub(crate) config: Arc<ClientConfig>,
    /// The name the broker's certificate must carry (the URL's host).
    pub(crate) server_name: String,
}

impl fmt::Debug for Tls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tls")
            .field("server_name", &self.server_name)
            .finish_non_exhaustive()
    }
}

impl Tls {
    /// TLS to `server_name`, trusting the certificates in the PEM file `ca` if given, else
    /// the system's roots.
    pub(crate) fn new(server_name: &str, ca: Option<&std::path::Path>) -> Result<Self, String> {
        use tokio_rustls::rustls::RootCertStore;
        let mut roots = RootCertStore::empty();
        if let Some(ca) = ca {
            let pem =
                std::fs::read(ca).map_err(|e| format!("cannot read `{}`: {e}", ca.display()))?;
            let certs: Vec<_> = rustls_pemfile::certs(&mut &pem[..])
                .collect::<std::result::Result<_, _>>()
                .map_err(|e| format!("`{}` is not PEM: {e}", ca.display()))?;
            if certs.is_empty() {
                return Err(format!("`{}` holds no certificate", ca.display()));
            }
            for cert in certs {
                roots
                    .add(cert)
                    .map_err(|e| format!("a certificate in `{}`: {e}", ca.display()))?;
            }
        } else {
            let native = rustls_native_certs::load_native_certs()
                .map_err(|e| format!("cannot load the system's root certificates: {e}"))?;
            let (added, _) = roots.add_parsable_certificates(native);
            if added == 0 {
                return Err("the system has no root certificates; give --pulsar-tls-ca".into());
            }
        }
        let provider = tokio_rustls::rustls::crypto::ring::default_provider();
        let config = ClientConfig::builder_with_provider(Arc::new(provider))
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(Self {
            config: Arc::new(config),
            server_name: server_name.to_owned(),
        })
    }
}

/// What the reader task hands a consumer.
#[derive(Debug)]
enum Event {
    /// A MESSAGE frame for it.
    Message(Frame),
    /// The broker sent CLOSE_CONSUMER (Pulsar does after a seek; so do topic unloads).
    Closed,
    /// ACTIVE_CONSUMER_CHANGE: a failover switch, after which older messages may come.
    ActiveChange,
}

/// Waiters of one connection, filled by the handles and completed by the reader task.
#[derive(Debug, Default)]
struct Tables {
    /// Why the connection ended; once set, nothing new is registered.
    dead: Option<String>,
    /// Set when the keepalive gave the connection up: the broker went silent, rather than
    /// closing the connection (see [`is_dropped`]).
    silent: bool,
    /// Pending requests by `request_id`.
    requests: HashMap<u64, oneshot::Sender<Result<Frame>>>,
    /// Pending sends by (`producer_id`, `sequence_id`).
    receipts: HashMap<(u64, u64), oneshot::Sender<Result<MessageId>>>,
    /// Open consumers by `consumer_id`.
    consumers: HashMap<u64, mpsc::UnboundedSender<Event>>,
    /// Producers the broker closed.
    closed_producers: HashSet<u64>,
}

/// Locks `tables`, ignoring poisoning (every critical section leaves them consistent).
fn lock(tables: &Mutex<Tables>) -> MutexGuard<'_, Tables> {
    tables.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The error every waiter gets once the connection ended for `reason`: `TimedOut` when the
/// broker went `silent`, else `ConnectionAborted`.
fn lost(reason: &str, silent: bool) -> PulsarError {
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
struct Conn {
    /// Queue of encoded frames for the writer task.
    tx: mpsc::Sender<Bytes>,
    /// Waiters, shared with the reader task.
    tables: Arc<Mutex<Tables>>,
    /// Source of request, producer and consumer ids.
    ids: AtomicU64,
    /// Bound of every operation that has no timeout argument.
    timeout: Duration,
    /// The broker's address.
    addr: SocketAddr,
    /// `server_version` from CONNECTED.
    server_version: String,
    /// Whether CONNECT carried a token; the token itself is not kept past the handshake.
    token_auth: bool,
    /// The reader task, stopped when the last handle goes.
    reader: JoinHandle<()>,
    /// The keepalive task, stopped with the reader.
    keepalive: JoinHandle<()>,
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
    fn next_id(&self) -> u64 {
        self.ids.fetch_add(1, Ordering::Relaxed)
    }

    /// The deadline of an operation starting now.
    fn deadline(&self) -> Deadline {
        Deadline::now() + self.timeout
    }

    /// The error for a connection that has ended.
    fn lost(&self) -> PulsarError {
        let t = lock(&self.tables);
        lost(t.dead.as_deref().unwrap_or("connection closed"), t.silent)
    }

    /// Queues an encoded frame for the writer, waiting for room until `deadline`.
    async fn write(&self, step: &'static str, frame: Bytes, deadline: Deadline) -> Result<()> {
        match timeout_at(deadline, self.tx.send(frame)).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(self.lost()),
            Err(_) => Err(PulsarError::Timeout(step)),
        }
    }

    /// Queues a command without waiting for room; for best-effort cleanup in `Drop`.
    fn write_now(&self, kind: u32, cmd: &Enc) {
        if let Ok(frame) = encode_frame(kind, cmd, None) {
            let _ = self.tx.try_send(frame);
        }
    }

    /// Sends a command built around a fresh `request_id` and waits until `deadline` for
    /// its response; an ERROR response becomes [`PulsarError::Broker`] naming `step`.
    async fn request(
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

/// One TCP connection to a broker, past the handshake. Cheap to share by reference;
/// producers and consumers keep the connection alive after the client is dropped.
#[derive(Debug, Clone)]
pub(crate) struct Client {
    /// The connection.
    conn: Arc<Conn>,
}

impl Client {
    /// Connects to `addr`, sends CONNECT (with `auth_method_name` "token" and the token as
    /// `auth_data` when one is given) and waits for CONNECTED, all within `timeout`; then
    /// starts the reader and writer tasks. `timeout` also bounds every later operation
    /// that takes no timeout of its own. A broker that rejects the token answers ERROR,
    /// returned as [`PulsarError::Broker`] with step "connect".
    pub(crate) async fn connect(
        addr: SocketAddr,
        auth_token: Option<String>,
        timeout: Duration,
    ) -> Result<Self> {
        Self::connect_keepalive(addr, auth_token, timeout, DEFAULT_KEEPALIVE).await
    }

    /// [`Client::connect`], sending PING every `keepalive` once connected: when nothing at
    /// all (PONG or any other frame) comes from the broker within `keepalive` of a PING, the
    /// connection is given up and every waiter fails with [`PulsarError::Io`] saying so.
    pub(crate) async fn connect_keepalive(
        addr: SocketAddr,
        auth_token: Option<String>,
        timeout: Duration,
        keepalive: Duration,
    ) -> Result<Self> {
        Self::connect_tls(addr, None, auth_token, timeout, keepalive).await
    }

    /// [`Client::connect_keepalive`], over TLS when `tls` is given (`pulsar+ssl://`): the
    /// broker's certificate is checked against `tls`'s roots for its server name.
    pub(crate) async fn connect_tls(
        addr: SocketAddr,
        tls: Option<&Tls>,
        auth_token: Option<String>,
        timeout: Duration,
        keepalive: Duration,
    ) -> Result<Self> {
        let timeout = timeout.min(MAX_TIMEOUT);
        let deadline = Deadline::now() + timeout;
        let stream = match timeout_at(deadline, TcpStream::connect(addr)).await {
            Ok(stream) => stream?,
            Err(_) => return Err(PulsarError::Timeout("connect")),
        };
        stream.set_nodelay(true)?;
        let Some(tls) = tls else {
            let (rd, wr) = stream.into_split();
            return Self::start(rd, wr, addr, auth_token, deadline, timeout, keepalive).await;
        };
        let name = ServerName::try_from(tls.server_name.clone()).map_err(|e| {
            PulsarError::Protocol(format!("`{}` is no TLS server name: {e}", tls.server_name))
        })?;
        let connector = TlsConnector::from(Arc::clone(&tls.config));
        let stream = match timeout_at(deadline, connector.connect(name, stream)).await {
            Ok(stream) => stream.map_err(|e| {
                IoError::new(
                    e.kind(),
                    format!("TLS handshake with {}: {e}", tls.server_name),
                )
            })?,
            Err(_) => return Err(PulsarError::Timeout("TLS handshake")),
        };
        let (rd, wr) = tokio::io::split(stream);
        Self::start(rd, wr, addr, auth_token, deadline, timeout, keepalive).await
    }

    /// The protocol handshake on an open stream, then the connection's tasks.
    async fn start<R, W>(
        mut rd: R,
        mut wr: W,
        addr: SocketAddr,
        auth_token: Option<String>,
        deadline: Deadline,
        timeout: Duration,
        keepalive: Duration,
    ) -> Result<Self>
    where
        R: AsyncRead + Unpin + Send + 'static,
        W: AsyncWrite + Unpin + Send + 'static,
    {
        let token_auth = auth_token.is_some();
        let mut buf = BytesMut::with_capacity(64 * 1024);
        let handshake = async {
            let mut hello = msg().str(1, CLIENT_VERSION).int(4, PROTOCOL_VERSION);
            if let Some(token) = auth_token {
                hello = hello.str(5, "token").bytes(3, token.as_bytes());
            }
            wr.write_all(&encode_frame(kind::CONNECT, &hello, None)?)
                .await?;
            loop {
                let frame = codec::read_frame(&mut rd, &mut buf).await?;
                let closed = "broker closed the connection during handshake";
                let frame = frame.ok_or_else(|| IoError::new(ErrorKind::UnexpectedEof, closed))?;
                match frame.kind {
                    kind::CONNECTED => return Ok(frame.fields()?.string(1).unwrap_or_default()),
                    kind::ERROR => {
                        let f = frame.fields()?;
                        return Err(broker("connect", f.int(2), f.string(3)));
                    }
                    kind::PING => {
                        let pong = encode_frame(kind::PONG, &msg(), None)?;
                        wr.write_all(&pong).await?;
                    }
                    other => {
                        let why = format!("expected CONNECTED, got command type {other}");
                        return Err(proto(why));
                    }
                }
            }
        };
        let server_version = timeout_at(deadline, handshake)
            .await
            .unwrap_or(Err(PulsarError::Timeout("handshake")))?;
        let (tx, rx) = mpsc::channel(WRITE_QUEUE);
        let tables = Arc::new(Mutex::new(Tables::default()));
        tokio::spawn(write_loop(wr, rx, Arc::clone(&tables)));
        let seen = Arc::new(Seen::default());
        let reader = read_loop(
            rd,
            buf,
            Arc::clone(&tables),
            tx.downgrade(),
            Arc::clone(&seen),
        );
        let keepalive = keepalive_loop(
            keepalive.clamp(Duration::from_millis(10), MAX_TIMEOUT),
            addr,
            Arc::clone(&tables),
            tx.downgrade(),
            seen,
        );
        let conn = Conn {
            tx,
            tables,
            ids: AtomicU64::new(1),
            timeout,
            addr,
            server_version,
            token_auth,
            reader: tokio::spawn(reader),
            keepalive: tokio::spawn(keepalive),
        };
        Ok(Self {
            conn: Arc::new(conn),
        })
    }

    /// `server_version` from the broker's CONNECTED frame.
    pub(crate) fn server_version(&self) -> &str {
        &self.conn.server_version
    }

    /// Looks `topic` up; returns the broker URL the answer names, if non-empty. A Connect
    /// or Redirect answer is not followed: this client stays on its one connection.
    pub(crate) async fn lookup(&self, topic: &Topic) -> Result<Option<String>> {
        let name = topic.to_string();
        let build = |id| msg().str(1, &name).int(2, id);
        let deadline = self.conn.deadline();
        let frame = self
            .conn
            .request("lookup", kind::LOOKUP, deadline, build)
            .await?;
        let f = frame.fields()?;
        if f.int(3) == Some(2) {
            return Err(broker("lookup", f.int(6), f.string(7)));
        }
        Ok(f.string(1).filter(|url| !url.is_empty()))
    }

    /// The number of partitions of `topic` (PARTITIONED_METADATA): 0 for a topic that is not
    /// partitioned. Brokers that auto-create topics may create it here, partitioned by their
    /// default.
    pub(crate) async fn partitions(&self, topic: &Topic) -> Result<u32> {
        let name = topic.to_string();
        let build = |id| msg().str(1, &name).int(2, id);
        let deadline = self.conn.deadline();
        let frame = self
            .conn
            .request(
                "partitioned metadata",
                kind::PARTITIONED_METADATA,
                deadline,
                build,
            )
            .await?;
        let f = frame.fields()?;
        if f.int(3) == Some(1) {
            return Err(broker("partitioned metadata", f.int(4), f.string(5)));
        }
        let n = f.int(1).unwrap_or(0);
        u32::try_from(n).map_err(|_| proto(format!("{n} partitions is out of range")))
    }

    /// The topics of `namespace` (`tenant/namespace`), persistent and not, as the broker names
    /// them: a partitioned topic appears as its `…-partition-N` topics
    /// (GET_TOPICS_OF_NAMESPACE; pulsar-lite 0.2 never answers it: a timeout).
    pub(crate) async fn topics_of_namespace(&self, namespace: &str) -> Result<Vec<String>> {
        // Mode ALL (2): persistent and non-persistent topics.
        let build = |id| msg().int(1, id).str(2, namespace).int(3, 2);
        let frame = self
            .conn
            .request(
                "get topics of namespace",
                kind::GET_TOPICS_OF_NAMESPACE,
                self.conn.deadline(),
                build,
            )
            .await?;
        Ok(frame.fields()?.strings(2))
    }

    /// Looks `topic` up as a client that means to use it: `authoritative` when asking the
    /// broker a Redirect named. The answer says where the topic is served (its TLS URL when
    /// `tls` and the broker gave one).
    pub(crate) async fn lookup_owner(
        &self,
        topic: &Topic,
        authoritative: bool,
        tls: bool,
    ) -> Result<Owner> {
        let name = topic.to_string();
        let build = |id| {
            msg()
                .str(1, &name)
                .int(2, id)
                .int(3, u64::from(authoritative))
        };
        let deadline = self.conn.deadline();
        let frame = self
            .conn
            .request("lookup", kind::LOOKUP, deadline, build)
            .await?;
        let f = frame.fields()?;
        let tls_url = f.string(2).filter(|url| tls && !url.is_empty());
        let url = tls_url
            .or_else(|| f.string(1))
            .filter(|url| !url.is_empty());
        match f.int(3) {
            Some(2) => Err(broker("lookup", f.int(6), f.string(7))),
            Some(0) => {
                let url = url.ok_or_else(|| proto("lookup Redirect without a broker URL"))?;
                Ok(Owner::Redirect {
                    url,
                    authoritative: f.int(5) == Some(1),
                })
            }
            _ => Ok(Owner::Connect(url)),
        }
    }

    /// The broker's address this client is connected to.
    pub(crate) fn addr(&self) -> SocketAddr {
        self.conn.addr
    }

    /// Creates a producer on `topic` with a broker-assigned name.
    pub(crate) async fn create_producer(&self, topic: &Topic) -> Result<Producer> {
        let conn = Arc::clone(&self.conn);
        let id = conn.next_id();
        let name = topic.to_string();
        let build = |rid| msg().str(1, &name).int(2, id).int(3, rid);
        let deadline = conn.deadline();
        let frame = conn
            .request("producer", kind::PRODUCER, deadline, build)
            .await?;
        let f = frame.fields()?;
        let producer_name = f.string(2).unwrap_or_default();
        // last_sequence_id is -1 (all bits set) unless deduplication remembers one.
        let next_seq = f.int(3).and_then(|last| last.checked_add(1)).unwrap_or(0);
        Ok(Producer {
            conn,
            id,
            name: producer_name,
            next_seq: AtomicU64::new(next_seq),
            compression: Compression::None,
            closed: false,
        })
    }

    /// Subscribes to `topic` as `subscription` and grants the broker [`PERMITS`] permits.
    pub(crate) async fn subscribe(
        &self,
        topic: &Topic,
        subscription: &str,
        sub_type: SubType,
        initial: InitialPosition,
    ) -> Result<Consumer> {
        let conn = Arc::clone(&self.conn);
        let id = conn.next_id();
        let (tx, rx) = mpsc::unbounded_channel();
        {
            let mut t = lock(&conn.tables);
            if let Some(reason) = &t.dead {
                return Err(lost(reason, t.silent));
            }
            t.consumers.insert(id, tx);
        }
        let mut consumer = Consumer {
            conn,
            id,
            topic: topic.to_string(),
            subscription: subscription.to_owned(),
            sub_type,
            initial,
            rx,
            ready: VecDeque::new(),
            unflowed: 0,
            batches: HashMap::new(),
            newest: None,
            returned: None,
            closed: false,
        };
        let deadline = consumer.conn.deadline();
        consumer.subscribe_again(deadline).await?;
        Ok(consumer)
    }
}

/// The writer task: writes queued frames, coalescing whatever is queued into one flush.
async fn write_loop<W: AsyncWrite + Unpin>(
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
struct Seen {
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
async fn keepalive_loop(
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
async fn read_loop(
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
fn producer_closed(id: u64) -> PulsarError {
    PulsarError::Closed(format!("producer {id} was closed by the broker"))
}

/// Publishes to one topic. Sends from one task keep their order.
#[derive(Debug)]
pub(crate) struct Producer {
    /// The connection.
    conn: Arc<Conn>,
    /// `producer_id`.
    id: u64,
    /// The broker-assigned producer name, put in every message's metadata.
    name: String,
    /// Next `sequence_id`.
    next_seq: AtomicU64,
    /// The codec every payload is compressed with.
    compression: Compression,
    /// Set once CLOSE_PRODUCER was sent.
    closed: bool,
}

/// A send in flight; [`Receipt::wait`] gives its message id.
#[derive(Debug)]
pub(crate) struct Receipt {
    /// Completed by the reader task.
    rx: oneshot::Receiver<Result<MessageId>>,
    /// The connection, to forget the waiter on timeout.
    conn: Arc<Conn>,
    /// (`producer_id`, `sequence_id`).
    key: (u64, u64),
    /// The partition sent to, put into the id.
    pub(super) partition: Option<u32>,
}

impl Receipt {
    /// Waits for the broker's receipt, at most the client's timeout from this call.
    /// SEND_ERROR is [`PulsarError::Broker`] with step "send".
    pub(crate) async fn wait(self) -> Result<MessageId> {
        let partition = self.partition;
        match timeout_at(self.conn.deadline(), self.rx).await {
            Ok(Ok(result)) => result.map(|id| MessageId {
                partition: partition.or(id.partition),
                ..id
            }),
            Ok(Err(_)) => Err(self.conn.lost()),
            Err(_) => {
                lock(&self.conn.tables).receipts.remove(&self.key);
                Err(PulsarError::Timeout("send receipt"))
            }
        }
    }
}

impl Producer {
    #[cfg(test)]
    /// The broker-assigned producer name.
    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    #[cfg(test)]
    /// Sends one message and waits for its receipt; `event_time` in ms since the epoch.
    pub(crate) async fn send(
        &self,
        payload: Bytes,
        properties: Vec<(String, String)>,
        event_time: Option<u64>,
    ) -> Result<MessageId> {
        let message = OutgoingMessage {
            payload,
            properties,
            event_time,
            key: None,
        };
        self.send_nowait(message).await?.wait().await
    }

    /// Compresses every later payload with `compression` (the official clients read each
    /// codec; so does [`Consumer`]).
    pub(crate) fn set_compression(&mut self, compression: Compression) {
        self.compression = compression;
    }

    /// Queues one message (publish time = now) and returns without waiting for the broker;
    /// waits only for room in the connection's write queue, at most the client's timeout.
    pub(crate) async fn send_nowait(&self, message: OutgoingMessage) -> Result<Receipt> {
        let seq = self.next_seq.fetch_add(1, Ordering::Relaxed);
        let mut meta = msg().str(1, &self.name).int(2, seq).int(3, now_ms());
        let compressed;
        let mut payload = &message.payload[..];
        if self.compression != Compression::None {
            compressed = self.compression.compress(payload).map_err(|why| {
                proto(format!(
                    "compressing a message with {}: {why}",
                    self.compression
                ))
            })?;
            meta = meta.int(8, self.compression.code());
            meta = meta.int(9, payload.len() as u64);
            payload = &compressed;
        }
        for (key, value) in &message.properties {
            meta = meta.key_value(4, key, value);
        }
        if let Some(key) = &message.key {
            meta = meta.str(6, key);
        }
        if let Some(time) = message.event_time {
            meta = meta.int(12, time);
        }
        let cmd = msg().int(1, self.id).int(2, seq);
        let frame = encode_frame(kind::SEND, &cmd, Some((&meta, payload)))?;
        let key = (self.id, seq);
        let (tx, rx) = oneshot::channel();
        {
            let mut t = lock(&self.conn.tables);
            if let Some(reason) = &t.dead {
                return Err(lost(reason, t.silent));
            }
            if t.closed_producers.contains(&self.id) {
                return Err(producer_closed(self.id));
            }
            t.receipts.insert(key, tx);
        }
        let deadline = self.conn.deadline();
        if let Err(e) = self.conn.write("send", frame, deadline).await {
            lock(&self.conn.tables).receipts.remove(&key);
            return Err(e);
        }
        let conn = Arc::clone(&self.conn);
        Ok(Receipt {
            rx,
            conn,
            key,
            partition: None,
        })
    }

    #[cfg(test)]
    /// Sends every message, keeping up to [`MAX_IN_FLIGHT`] unconfirmed, and returns their
    /// ids in order. Stops at the first failure (earlier messages stay published).
    pub(crate) async fn send_batch<I>(&self, messages: I) -> Result<Vec<MessageId>>
    where
        I: IntoIterator<Item = OutgoingMessage>,
    {
        let (mut ids, mut in_flight) = (Vec::new(), VecDeque::<Receipt>::new());
        for message in messages {
            if in_flight.len() >= MAX_IN_FLIGHT {
                if let Some(receipt) = in_flight.pop_front() {
                    ids.push(receipt.wait().await?);
                }
            }
            in_flight.push_back(self.send_nowait(message).await?);
        }
        for receipt in in_flight {
            ids.push(receipt.wait().await?);
        }
        Ok(ids)
    }

    /// Closes the producer (CLOSE_PRODUCER, waiting for SUCCESS).
    pub(crate) async fn close(mut self) -> Result<()> {
        self.closed = true;
        let id = self.id;
        let build = |rid| msg().int(1, id).int(2, rid);
        let deadline = self.conn.deadline();
        let step = "close producer";
        self.conn
            .request(step, kind::CLOSE_PRODUCER, deadline, build)
            .await?;
        Ok(())
    }
}

impl Drop for Producer {
    fn drop(&mut self) {
        lock(&self.conn.tables).closed_producers.remove(&self.id);
        if !self.closed {
            let rid = self.conn.next_id();
            self.conn
                .write_now(kind::CLOSE_PRODUCER, &msg().int(1, self.id).int(2, rid));
        }
    }
}

/// Receives from one subscription.
pub(crate) struct Consumer {
    /// The connection.
    conn: Arc<Conn>,
    /// `consumer_id`.
    id: u64,
    /// Full topic name.
    topic: String,
    /// Subscription name.
    subscription: String,
    /// Subscription type.
    sub_type: SubType,
    /// Initial position, for (re)subscribing.
    initial: InitialPosition,
    /// Deliveries from the reader task.
    rx: mpsc::UnboundedReceiver<Event>,
    /// Decoded messages not yet handed out, and the ids of those that could not be decoded
    /// (with why), in delivery order.
    ready: VecDeque<Result<Message, (MessageId, String)>>,
    /// Messages taken off the broker's permits and not yet granted back.
    unflowed: u32,
    /// Batch indexes not yet acked, by (ledger, entry); the entry is acked when empty.
    batches: HashMap<(u64, u64), HashSet<u32>>,
    /// Newest id received on an Exclusive or Failover subscription, whose deliveries come
    /// in order: anything not newer is a duplicate (pulsar-lite sends some, see `accept`).
    newest: Option<MessageId>,
    /// Id of the message [`Consumer::next`] returned last, for [`Consumer::reached`].
    returned: Option<MessageId>,
    /// Set once CLOSE_CONSUMER or UNSUBSCRIBE was sent.
    closed: bool,
}

impl Consumer {
    /// The next message, or `None` if none arrives within `timeout` (for a caller reading
    /// a backlog: the end of what exists). A message that cannot be decoded is
    /// [`PulsarError::Unreadable`]; the consumer stays usable (ack its id and call again). Grants the broker more permits once half of
    /// [`PERMITS`] are used. If the broker closed the consumer (as Pulsar does after a
    /// seek, or on a topic unload), re-subscribes, bounded by the client's timeout rather
    /// than `timeout`, and drops undelivered messages the broker will send again.
    pub(crate) async fn next(&mut self, timeout: Duration) -> Result<Option<Message>> {
        let deadline = Deadline::now() + timeout.min(MAX_TIMEOUT);
        loop {
            // Permits first, so that nothing is taken off `ready` before an await: dropping
            // this future (one of several raced, as for the partitions of a topic) between
            // awaits loses no message.
            if self.unflowed >= PERMITS / 2 && !self.closed {
                self.flow(self.conn.deadline()).await?;
            }
            let next = self.ready.pop_front();
            self.unflowed += u32::from(next.is_some());
            match next {
                Some(Ok(message)) => {
                    self.returned = Some(message.id);
                    return Ok(Some(message));
                }
                Some(Err((id, reason))) => {
                    self.returned = Some(id);
                    return Err(PulsarError::Unreadable { id, reason });
                }
                None => {}
            }
            if self.closed {
                return Err(PulsarError::Closed("consumer is closed".into()));
            }
            match timeout_at(deadline, self.rx.recv()).await {
                Err(_) => return Ok(None),
                Ok(None) => return Err(self.conn.lost()),
                Ok(Some(Event::Message(frame))) => self.accept(&frame)?,
                Ok(Some(Event::Closed)) => self.subscribe_again(self.conn.deadline()).await?,
                Ok(Some(Event::ActiveChange)) => self.newest = None,
            }
        }
    }

    /// Decodes a delivery into `ready`, remembering the indexes of a batch for acks.
    ///
    /// pulsar-lite 0.2 can run two dispatch passes at once when FLOW arrives mid-dispatch,
    /// sending some messages twice with redelivery count 0 (the official C++/Python client
    /// sees the same). On Exclusive and Failover subscriptions, where a consumer's
    /// deliveries are ordered, messages not newer than the newest received are dropped;
    /// Shared and Key_Shared consumers may see such duplicates (at-least-once delivery).
    fn accept(&mut self, frame: &Frame) -> Result<()> {
        let ordered = matches!(self.sub_type, SubType::Exclusive | SubType::Failover);
        let messages = match codec::decode_message(&self.topic, frame) {
            Ok(messages) => messages,
            Err(PulsarError::Unreadable { id, reason }) => {
                if ordered && self.newest.is_some_and(|newest| id <= newest) {
                    self.unflowed += 1;
                } else {
                    if ordered {
                        self.newest = Some(id);
                    }
                    self.ready.push_back(Err((id, reason)));
                }
                return Ok(());
            }
            Err(e) => {
                self.unflowed += 1; // the broker counted it against our permits
                return Err(e);
            }
        };
        for message in messages {
            if ordered && self.newest.is_some_and(|newest| message.id <= newest) {
                self.unflowed += 1;
                continue;
            }
            if ordered {
                self.newest = Some(message.id);
            }
            if let Some(index) = message.id.batch_index {
                let entry = (message.id.ledger_id, message.id.entry_id);
                self.batches.entry(entry).or_default().insert(index);
            }
            self.ready.push_back(Ok(message));
        }
        Ok(())
    }

    /// Grants the broker the permits used since the last grant, and at least one: a FLOW
    /// starts a dispatch pass, which is how a consumer that has waited long for messages it
    /// knows exist asks again. pulsar-lite 0.2 can pause a consumer's dispatch under load and
    /// not resume it by itself; a surplus permit costs nothing on any broker.
    pub(crate) async fn nudge(&mut self) -> Result<()> {
        if self.closed {
            return Ok(());
        }
        self.unflowed = self.unflowed.max(1);
        self.flow(self.conn.deadline()).await
    }

    /// The id of the message [`Consumer::next`] returned last, if any.
    pub(crate) fn returned(&self) -> Option<MessageId> {
        self.returned
    }

    /// Grants the broker back the permits used since the last grant.
    async fn flow(&mut self, deadline: Deadline) -> Result<()> {
        if self.unflowed > 0 {
            let frame = encode_frame(
                kind::FLOW,
                &msg().int(1, self.id).int(2, self.unflowed.into()),
                None,
            )?;
            self.conn.write("flow", frame, deadline).await?;
            self.unflowed = 0;
        }
        Ok(())
    }

    /// Sends SUBSCRIBE with this consumer's id, then FLOW with a full [`PERMITS`]; drops
    /// what was buffered for the previous incarnation.
    async fn subscribe_again(&mut self, deadline: Deadline) -> Result<()> {
        self.ready.clear();
        self.batches.clear();
        self.newest = None;
        self.returned = None;
        let sub_type = match self.sub_type {
            SubType::Exclusive => 0,
            SubType::Shared => 1,
            SubType::Failover => 2,
            SubType::KeyShared => 3,
        };
        let initial = u64::from(self.initial == InitialPosition::Earliest);
        let (id, topic, subscription) = (self.id, &self.topic, &self.subscription);
        let build = |rid| {
            let cmd = msg().str(1, topic).str(2, subscription).int(3, sub_type);
            cmd.int(4, id).int(5, rid).int(13, initial)
        };
        let result = self
            .conn
            .request("subscribe", kind::SUBSCRIBE, deadline, build)
            .await;
        if let Err(e) = result {
            self.closed = true;
            lock(&self.conn.tables).consumers.remove(&self.id);
            return Err(e);
        }
        self.unflowed = PERMITS;
        self.flow(deadline).await
    }

    /// Acknowledges one message (individual ack). A message from a batch is acked once
    /// every message of its batch was: the broker acks whole entries.
    pub(crate) async fn ack(&mut self, id: &MessageId) -> Result<()> {
        let entry = (id.ledger_id, id.entry_id);
        if let (Some(index), Some(pending)) = (id.batch_index, self.batches.get_mut(&entry)) {
            pending.remove(&index);
            if !pending.is_empty() {
                return Ok(());
            }
            self.batches.remove(&entry);
        }
        let whole = MessageId {
            batch_index: None,
            ..*id
        };
        let cmd = msg().int(1, self.id).int(2, 0);
        let cmd = cmd.bytes(3, &codec::encode_id(&whole).0);
        let frame = encode_frame(kind::ACK, &cmd, None)?;
        self.conn.write("ack", frame, self.conn.deadline()).await
    }

    /// Moves the subscription to the first message published at or after
    /// `publish_time_ms` (CommandSeek with `message_publish_time`), waiting for SUCCESS.
    /// Messages buffered or in flight from before the seek are dropped; if the broker
    /// closed the consumer around the seek (Apache Pulsar does), it is re-subscribed.
    /// An ERROR answer, or the broker closing the connection instead of answering (what
    /// pulsar-lite does when no message is at or after the time), is
    /// [`PulsarError::Unsupported`] so callers can fall back to reading from the earliest
    /// message and skipping older ones (after a close: on a new client).
    pub(crate) async fn seek_by_time(&mut self, publish_time_ms: u64) -> Result<()> {
        if lock(&self.conn.tables).dead.is_some() {
            return Err(self.conn.lost()); // not the seek's doing
        }
        let deadline = self.conn.deadline();
        let id = self.id;
        let build = |rid| msg().int(1, id).int(2, rid).int(4, publish_time_ms);
        match self.conn.request("seek", kind::SEEK, deadline, build).await {
            Ok(_) => {}
            Err(PulsarError::Broker { code, message, .. }) => {
                let reason = format!("{message} ({})", server_error_name(code));
                return Err(PulsarError::Unsupported {
                    operation: "seek",
                    reason,
                });
            }
            // pulsar-lite closes the connection instead (e.g. when no message is at or
            // after the time); the connection is gone, so falling back needs a new client.
            Err(PulsarError::Io(e)) => {
                let reason = format!("{e} in answer to seek; reconnect to fall back");
                return Err(PulsarError::Unsupported {
                    operation: "seek",
                    reason,
                });
            }
            Err(e) => return Err(e),
        }
        // Everything routed before SUCCESS predates the seek.
        let mut closed = false;
        let stale = self.ready.len();
        self.ready.clear();
        self.batches.clear();
        self.newest = None;
        self.returned = None;
        self.unflowed = self
            .unflowed
            .saturating_add(u32::try_from(stale).unwrap_or(u32::MAX));
        while let Ok(event) = self.rx.try_recv() {
            match event {
                Event::Message(frame) => {
                    let count = codec::decode_message(&self.topic, &frame).map_or(1, |m| m.len());
                    let count = u32::try_from(count).unwrap_or(u32::MAX);
                    self.unflowed = self.unflowed.saturating_add(count);
                }
                Event::Closed => closed = true,
                Event::ActiveChange => {}
            }
        }
        if closed {
            self.subscribe_again(deadline).await
        } else {
            // pulsar-lite restarts delivery after a seek as if the consumer were new: with no
            // permits. Grant a full window (a broker that kept its permits just holds more).
            self.unflowed = PERMITS;
            self.flow(deadline).await
        }
    }

    /// The id of the last message now on the topic (CommandGetLastMessageId), or `None`
    /// when the topic has none: pulsar-lite answers ERROR "Topic has no messages", Apache
    /// Pulsar an entry id of -1. It does not depend on this consumer's position (a seek
    /// does not change it). Reading until [`Consumer::reached`] that id reads all that
    /// existed at the call. Any other ERROR answer, or the broker closing the connection
    /// instead of answering (pulsar-lite does for non-persistent topics), is
    /// [`PulsarError::Unsupported`] (after a close the connection is gone: falling back
    /// needs a new client). Bounded by the client's timeout ([`PulsarError::Timeout`]).
    pub(crate) async fn last_message_id(&mut self) -> Result<Option<MessageId>> {
        const STEP: &str = "get last message id";
        if lock(&self.conn.tables).dead.is_some() {
            return Err(self.conn.lost()); // not this request's doing
        }
        let id = self.id;
        let build = |rid| msg().int(1, id).int(2, rid);
        let deadline = self.conn.deadline();
        let unsupported = |reason| PulsarError::Unsupported {
            operation: STEP,
            reason,
        };
        let frame = match self
            .conn
            .request(STEP, kind::GET_LAST_MESSAGE_ID, deadline, build)
            .await
        {
            Ok(frame) => frame,
            Err(PulsarError::Broker { message, .. })
                if message.to_ascii_lowercase().contains("has no messages") =>
            {
                return Ok(None); // pulsar-lite's answer for an empty topic
            }
            Err(PulsarError::Broker { code, message, .. }) => {
                let reason = format!("{message} ({})", server_error_name(code));
                return Err(unsupported(reason));
            }
            Err(PulsarError::Io(e)) => {
                let reason = format!("{e} in answer to {STEP}; reconnect to fall back");
                return Err(unsupported(reason));
            }
            Err(e) => return Err(e),
        };
        let f = frame.fields()?;
        let last = f
            .bytes(1)
            .ok_or_else(|| proto("GET_LAST_MESSAGE_ID_RESPONSE without last_message_id"))?;
        let last = codec::decode_id(last)?;
        Ok((!last.is_nothing()).then_some(last))
    }

    /// Whether the messages [`Consumer::next`] returned reach `last` (say, from
    /// [`Consumer::last_message_id`]): the latest one is at or after it
    /// ([`MessageId::is_at_or_after`]) and no later message of the same entry is still
    /// buffered, so a batch entry, whose last id need not name a batch index, is read to
    /// its end. False before the first message and after a seek or re-subscription.
    pub(crate) fn reached(&self, last: &MessageId) -> bool {
        let Some(seen) = self.returned else {
            return false;
        };
        let entry = |id: &MessageId| (id.ledger_id, id.entry_id);
        let rest_of_entry = self.ready.front().is_some_and(|m| {
            let id = m.as_ref().map_or_else(|(id, _)| id, |m| &m.id);
            entry(id) == entry(&seen)
        });
        seen.is_at_or_after(last) && !rest_of_entry
    }

    /// Closes the consumer (CLOSE_CONSUMER, waiting for SUCCESS); the subscription stays.
    pub(crate) async fn close(mut self) -> Result<()> {
        self.end(kind::CLOSE_CONSUMER, "close consumer").await
    }

    /// Removes the subscription (UNSUBSCRIBE, waiting for SUCCESS), closing the consumer.
    pub(crate) async fn unsubscribe(mut self) -> Result<()> {
        self.end(kind::UNSUBSCRIBE, "unsubscribe").await
    }

    /// Sends CLOSE_CONSUMER or UNSUBSCRIBE and waits for SUCCESS.
    async fn end(&mut self, kind: u32, step: &'static str) -> Result<()> {
        self.closed = true;
        let id = self.id;
        let build = |rid| msg().int(1, id).int(2, rid);
        let result = self
            .conn
            .request(step, kind, self.conn.deadline(), build)
            .await;
        lock(&self.conn.tables).consumers.remove(&id);
        result.map(drop)
    }
}

impl fmt::Debug for Consumer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Consumer")
            .field("id", &self.id)
            .field("topic", &self.topic)
            .field("subscription", &self.subscription)
            .field("sub_type", &self.sub_type)
            .field("buffered", &self.ready.len())
            .finish_non_exhaustive()
    }
}

impl Drop for Consumer {
    fn drop(&mut self) {
        lock(&self.conn.tables).consumers.remove(&self.id);
        if !self.closed {
            let rid = self.conn.next_id();
            self.conn
                .write_now(kind::CLOSE_CONSUMER, &msg().int(1, self.id).int(2, rid));
        }
    }
}
