//! One broker connection and the producers and consumers on it.
//!
//! Owns the connection's three tasks: a writer that drains a bounded queue of encoded frames
//! (coalescing them into few syscalls) and a reader that answers PING with PONG and routes
//! every other frame: responses by `request_id`, receipts by `producer_id`+`sequence_id`,
//! deliveries, CLOSE_CONSUMER and ACTIVE_CONSUMER_CHANGE by `consumer_id`; and a keepalive
//! task that sends PING and gives the connection up when the broker goes silent. It must not
//! reconnect (when the connection ends, every waiter fails with [`PulsarError::Io`]
//! naming the reason) and must not keep the auth token past the handshake.
//!
//! Here: [`Client`] (connect, handshake, lookups, creating producers and consumers); in
//! `conn`: the connection's shared state and its tasks; `producer`, `consumer`, `tls`: one
//! type each.

mod conn;
mod consumer;
mod producer;
mod tls;

use std::collections::{HashMap, VecDeque};
use std::io::{Error as IoError, ErrorKind};
use std::net::SocketAddr;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::time::{timeout_at, Instant as Deadline};
use tokio_rustls::rustls::pki_types::ServerName;
use tokio_rustls::TlsConnector;

use super::codec::{self, encode_frame, kind, msg, proto};
use super::compression::Compression;
use super::{broker, PulsarError, Topic, MAX_TIMEOUT};
pub(crate) use conn::is_dropped;
use conn::{keepalive_loop, lock, lost, read_loop, write_loop, Conn, Seen, Tables};
pub(crate) use consumer::Consumer;
pub(crate) use producer::{Producer, Receipt};
pub(crate) use tls::Tls;

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
