//! A probe-sized subset of the Apache Pulsar binary protocol, written by hand.
//!
//! This module owns what a health probe needs and nothing more: the frame layout, a tiny
//! proto2 encoder/decoder (varints and length-delimited fields), CRC32C for payload frames,
//! and two scripted conversations, [`connect_and_lookup`] and [`round_trip`], each bounded by
//! one deadline. Field numbers follow `PulsarApi.proto`.
//!
//! It must not become a general client: no pooling, reconnects, lookup redirects, batching,
//! compression, schemas, authentication or partitioned topics. Anything beyond a one-shot
//! probe belongs in a real client library.

use std::future::Future;
use std::io::{Error as IoError, ErrorKind};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, UNIX_EPOCH};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::{timeout_at, Instant as Deadline};

/// Largest frame accepted from (or built for) a broker: Pulsar's default 5 MiB.
const MAX_FRAME: usize = 5 * 1024 * 1024;
/// Longest timeout honoured; larger values are capped so the deadline cannot overflow.
const MAX_TIMEOUT: Duration = Duration::from_secs(86_400);
/// Protocol version announced in CONNECT (v12; v7 added binary lookup).
const PROTOCOL_VERSION: u64 = 12;
/// Marks a CRC32C checksum in payload frames.
const MAGIC_CRC32C: [u8; 2] = [0x0e, 0x01];
/// Identifier of the single consumer a round trip opens.
const CONSUMER_ID: u64 = 1;
/// Identifier of the single producer a round trip opens.
const PRODUCER_ID: u64 = 1;

/// Result type of the private helpers.
type Result<T, E = PulsarWireError> = std::result::Result<T, E>;

/// `BaseCommand.Type` values used here. Each equals the `BaseCommand` field number that
/// carries the matching sub-command (checked against `PulsarApi.proto`).
mod kind {
    pub(super) const CONNECT: u32 = 2;
    pub(super) const CONNECTED: u32 = 3;
    pub(super) const SUBSCRIBE: u32 = 4;
    pub(super) const PRODUCER: u32 = 5;
    pub(super) const SEND: u32 = 6;
    pub(super) const SEND_RECEIPT: u32 = 7;
    pub(super) const SEND_ERROR: u32 = 8;
    pub(super) const MESSAGE: u32 = 9;
    pub(super) const ACK: u32 = 10;
    pub(super) const FLOW: u32 = 11;
    pub(super) const UNSUBSCRIBE: u32 = 12;
    pub(super) const SUCCESS: u32 = 13;
    pub(super) const ERROR: u32 = 14;
    pub(super) const CLOSE_PRODUCER: u32 = 15;
    pub(super) const CLOSE_CONSUMER: u32 = 16;
    pub(super) const PRODUCER_SUCCESS: u32 = 17;
    pub(super) const PING: u32 = 18;
    pub(super) const PONG: u32 = 19;
    pub(super) const LOOKUP: u32 = 23;
    pub(super) const LOOKUP_RESPONSE: u32 = 24;
}

/// What went wrong talking to a broker.
#[derive(Debug, thiserror::Error)]
pub(crate) enum PulsarWireError {
    /// Connecting to, reading from or writing to the broker failed (including the broker
    /// closing the connection, which is how pulsar-lite rejects commands).
    #[error("pulsar connection error: {0}")]
    Io(#[from] IoError),
    /// The call's deadline passed during the named step.
    #[error("pulsar probe timed out during {0}")]
    Timeout(&'static str),
    /// The peer sent a frame this module cannot decode or did not expect.
    #[error("pulsar protocol error: {0}")]
    Protocol(String),
    /// The broker answered a step with `ERROR`, `SEND_ERROR` or a failed lookup.
    #[error("pulsar broker rejected {step}: {message} ({})", server_error_name(*.code))]
    Broker {
        /// The rejected step, e.g. `"lookup"` or `"subscribe"`.
        step: &'static str,
        /// The `ServerError` code of the response.
        code: u64,
        /// The broker's explanation, possibly empty.
        message: String,
    },
}

/// Result of [`connect_and_lookup`].
#[derive(Debug, Clone)]
#[allow(clippy::struct_field_names)] // `lookup_latency` is part of the probe's API
pub(crate) struct Lookup {
    /// `server_version` from the broker's CONNECTED frame.
    pub(crate) server_version: String,
    /// `brokerServiceUrl` of the lookup response, when the broker sent a non-empty one.
    pub(crate) broker_url: Option<String>,
    /// TCP connect plus the CONNECT/CONNECTED handshake.
    pub(crate) connect_latency: Duration,
    /// LOOKUP written until `LOOKUP_RESPONSE` read.
    pub(crate) lookup_latency: Duration,
}

/// Result of [`round_trip`].
#[derive(Debug, Clone)]
pub(crate) struct RoundTrip {
    /// SEND written until its `SEND_RECEIPT` read.
    pub(crate) produce: Duration,
    /// SEND written until the same message read from the consumer.
    pub(crate) consume: Duration,
}

/// Connects (`CommandConnect`, protocol version 12, `client_version` "arc"), waits for
/// CONNECTED, then sends `CommandLookupTopic` for `topic` and waits for `LOOKUP_RESPONSE`.
/// Answers PINGs with PONGs while waiting. The whole call is bounded by `timeout`.
pub(crate) async fn connect_and_lookup(
    addr: SocketAddr,
    topic: &str,
    timeout: Duration,
) -> Result<Lookup, PulsarWireError> {
    let started = Instant::now();
    let (mut conn, server_version) = Conn::open(addr, timeout).await?;
    let connect_latency = started.elapsed();
    let sent = Instant::now();
    let lookup = msg().str(1, topic).int(2, 1);
    let frame = conn.request("lookup", kind::LOOKUP, &lookup).await?;
    let lookup_latency = sent.elapsed();
    let f = frame.fields()?;
    if f.int(3) == Some(2) {
        return Err(broker("lookup", f.int(6), f.string(7)));
    }
    let broker_url = f.string(1).filter(|url| !url.is_empty());
    conn.close().await;
    Ok(Lookup {
        server_version,
        broker_url,
        connect_latency,
        lookup_latency,
    })
}

/// A functional round trip on `topic`: subscribes (Exclusive, initial position Latest, a
/// unique subscription name), grants FLOW permits, creates a producer, sends one uniquely
/// tagged message, waits for its `SEND_RECEIPT` and its delivery (acking every delivery),
/// then closes the producer and unsubscribes so the subscription is not left behind (a call
/// that fails midway may leave it). Returns step latencies. Bounded by `timeout`.
pub(crate) async fn round_trip(
    addr: SocketAddr,
    topic: &str,
    timeout: Duration,
) -> Result<RoundTrip, PulsarWireError> {
    let (mut conn, _) = Conn::open(addr, timeout).await?;
    let tag = unique_tag();
    // subType Exclusive (3 = 0), initialPosition Latest (13 = 0).
    let sub = msg().str(1, topic).str(2, &tag).int(3, 0);
    let sub = sub.int(4, CONSUMER_ID).int(5, 1).int(13, 0);
    conn.request("subscribe", kind::SUBSCRIBE, &sub).await?;
    let flow = msg().int(1, CONSUMER_ID).int(2, 100);
    conn.send("flow", kind::FLOW, &flow).await?;
    let producer = msg().str(1, topic).int(2, PRODUCER_ID).int(3, 2);
    let created = conn.request("producer", kind::PRODUCER, &producer).await?;
    let name = created.fields()?.string(2).unwrap_or_else(|| tag.clone());

    let payload = format!("{tag} probe").into_bytes();
    let millis = UNIX_EPOCH.elapsed().unwrap_or_default().as_millis();
    let millis = u64::try_from(millis).unwrap_or(u64::MAX);
    let meta = msg().str(1, &name).int(2, 0).int(3, millis);
    let command = msg().int(1, PRODUCER_ID).int(2, 0).int(3, 1);
    let frame = encode_frame(kind::SEND, &command, Some((&meta, &payload)))?;
    let sent = Instant::now();
    conn.write("send", &frame).await?;

    // The receipt and the delivery may arrive in either order.
    let (mut produce, mut consume) = (None, None);
    while produce.is_none() || consume.is_none() {
        let step = produce.map_or("send receipt", |_| "receive");
        let frame = conn.recv(step).await?;
        let f = frame.fields()?;
        match frame.kind {
            kind::SEND_RECEIPT if f.int(1) == Some(PRODUCER_ID) => produce = Some(sent.elapsed()),
            kind::MESSAGE if f.int(1) == Some(CONSUMER_ID) => {
                if frame.payload.as_deref() == Some(&payload[..]) {
                    consume = Some(sent.elapsed());
                }
                let id = f.bytes(2).ok_or_else(|| proto("MESSAGE without id"))?;
                let ack = msg().int(1, CONSUMER_ID).int(2, 0).bytes(3, id);
                conn.send("ack", kind::ACK, &ack).await?;
            }
            _ => {}
        }
    }
    let close = msg().int(1, PRODUCER_ID).int(2, 3);
    let step = "close producer";
    conn.request(step, kind::CLOSE_PRODUCER, &close).await?;
    let unsubscribe = msg().int(1, CONSUMER_ID).int(2, 4);
    let step = "unsubscribe";
    conn.request(step, kind::UNSUBSCRIBE, &unsubscribe).await?;
    conn.close().await;
    Ok(RoundTrip {
        produce: produce.unwrap_or_default(),
        consume: consume.unwrap_or_default(),
    })
}

/// A name no other probe (in this or another process) uses, for subscriptions and payloads.
fn unique_tag() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = UNIX_EPOCH.elapsed().unwrap_or_default().as_nanos();
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("arc-health-{}-{nanos}-{n}", std::process::id())
}

/// Shorthand for a [`PulsarWireError::Protocol`].
fn proto(message: impl Into<String>) -> PulsarWireError {
    PulsarWireError::Protocol(message.into())
}

/// A [`PulsarWireError::Broker`] from the optional code and message of a response.
fn broker(step: &'static str, code: Option<u64>, message: Option<String>) -> PulsarWireError {
    let (code, message) = (code.unwrap_or(0), message.unwrap_or_default());
    PulsarWireError::Broker {
        step,
        code,
        message,
    }
}

/// Name of a `ServerError` code, for error messages.
fn server_error_name(code: u64) -> &'static str {
    const NAMES: &str = "UnknownError MetadataError PersistenceError AuthenticationError \
        AuthorizationError ConsumerBusy ServiceNotReady ProducerBlockedQuotaExceededError \
        ProducerBlockedQuotaExceededException ChecksumError UnsupportedVersionError \
        TopicNotFound SubscriptionNotFound ConsumerNotFound TooManyRequests \
        TopicTerminatedError ProducerBusy InvalidTopicName";
    let index = usize::try_from(code).unwrap_or(usize::MAX);
    NAMES.split(' ').nth(index).unwrap_or("unrecognised code")
}

/// One TCP connection to a broker, past the handshake, carrying the call's deadline.
struct Conn {
    /// The socket.
    stream: TcpStream,
    /// Every I/O operation fails with [`PulsarWireError::Timeout`] after this.
    deadline: Deadline,
}

impl Conn {
    /// Connects, sends CONNECT and waits for CONNECTED; also returns the server version.
    async fn open(addr: SocketAddr, timeout: Duration) -> Result<(Self, String)> {
        let deadline = Deadline::now() + timeout.min(MAX_TIMEOUT);
        let stream = within(deadline, "connect", TcpStream::connect(addr)).await?;
        stream.set_nodelay(true)?;
        let mut conn = Self { stream, deadline };
        let hello = msg().str(1, "arc").int(4, PROTOCOL_VERSION);
        conn.send("handshake", kind::CONNECT, &hello).await?;
        let frame = conn.recv("handshake").await?;
        if frame.kind != kind::CONNECTED {
            let got = frame.kind;
            return Err(proto(format!("expected CONNECTED, got command type {got}")));
        }
        let version = frame.fields()?.string(1).unwrap_or_default();
        Ok((conn, version))
    }

    /// Writes raw frame bytes.
    async fn write(&mut self, step: &'static str, bytes: &[u8]) -> Result<()> {
        within(self.deadline, step, self.stream.write_all(bytes)).await
    }

    /// Sends a simple (payload-less) command.
    async fn send(&mut self, step: &'static str, kind: u32, cmd: &Enc) -> Result<()> {
        let frame = encode_frame(kind, cmd, None)?;
        self.write(step, &frame).await
    }

    /// Sends a request and waits for its reply type, skipping unrelated frames.
    async fn request(&mut self, step: &'static str, kind: u32, cmd: &Enc) -> Result<Frame> {
        let reply = match kind {
            kind::LOOKUP => kind::LOOKUP_RESPONSE,
            kind::PRODUCER => kind::PRODUCER_SUCCESS,
            _ => kind::SUCCESS,
        };
        self.send(step, kind, cmd).await?;
        loop {
            let frame = self.recv(step).await?;
            if frame.kind == reply {
                return Ok(frame);
            }
        }
    }

    /// Reads the next frame, answering PINGs and turning broker errors into `Err`.
    async fn recv(&mut self, step: &'static str) -> Result<Frame> {
        loop {
            let mut len = [0u8; 4];
            within(self.deadline, step, self.stream.read_exact(&mut len)).await?;
            let total = usize::try_from(u32::from_be_bytes(len)).unwrap_or(usize::MAX);
            if !(4..=MAX_FRAME).contains(&total) {
                return Err(proto(format!("frame size {total} outside 4..={MAX_FRAME}")));
            }
            let mut body = vec![0u8; total];
            within(self.deadline, step, self.stream.read_exact(&mut body)).await?;
            let frame = decode_frame(&body)?;
            let f = frame.fields()?;
            match frame.kind {
                kind::PING => self.send(step, kind::PONG, &msg()).await?,
                kind::ERROR => return Err(broker(step, f.int(2), f.string(3))),
                kind::SEND_ERROR => return Err(broker(step, f.int(3), f.string(4))),
                kind::CLOSE_PRODUCER | kind::CLOSE_CONSUMER => {
                    return Err(proto(format!("broker closed our client during {step}")));
                }
                _ => return Ok(frame),
            }
        }
    }

    /// Best-effort orderly shutdown of the connection.
    async fn close(mut self) {
        let _ = within(self.deadline, "close", self.stream.shutdown()).await;
    }
}

/// Runs one I/O future against the deadline, naming `step` on timeout or early EOF.
async fn within<T>(
    deadline: Deadline,
    step: &'static str,
    io: impl Future<Output = std::io::Result<T>>,
) -> Result<T> {
    match timeout_at(deadline, io).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) if e.kind() == ErrorKind::UnexpectedEof => {
            let why = format!("broker closed the connection during {step}");
            Err(IoError::new(e.kind(), why).into())
        }
        Ok(Err(e)) => Err(e.into()),
        Err(_) => Err(PulsarWireError::Timeout(step)),
    }
}

/// A decoded frame: its command type, sub-command bytes and (for MESSAGE) the payload.
#[derive(Debug)]
struct Frame {
    /// `BaseCommand.type`.
    kind: u32,
    /// The encoded sub-command (empty if absent, as for PING).
    cmd: Vec<u8>,
    /// Message payload after the metadata, for payload frames.
    payload: Option<Vec<u8>>,
}

impl Frame {
    /// Parses the sub-command's fields.
    fn fields(&self) -> Result<Fields<'_>> {
        Fields::parse(&self.cmd)
    }
}

/// Builds a frame; with `payload = Some((metadata, data))` a checksummed payload frame.
fn encode_frame(kind: u32, cmd: &Enc, payload: Option<(&Enc, &[u8])>) -> Result<Vec<u8>> {
    let base = msg().int(1, kind.into()).bytes(kind, &cmd.0).0;
    let mut tail = Vec::new();
    if let Some((meta, data)) = payload {
        let checked = [&be32(meta.0.len())?[..], &meta.0, data].concat();
        tail.extend_from_slice(&MAGIC_CRC32C);
        tail.extend_from_slice(&crc32c(&checked).to_be_bytes());
        tail.extend_from_slice(&checked);
    }
    let total = 4 + base.len() + tail.len();
    if total > MAX_FRAME {
        return Err(proto(format!("frame of {total} bytes exceeds {MAX_FRAME}")));
    }
    Ok([&be32(total)?[..], &be32(base.len())?, &base, &tail].concat())
}

/// Decodes a frame body (everything after `totalSize`).
fn decode_frame(body: &[u8]) -> Result<Frame> {
    let mut pos = 0;
    let cmd_len = read_u32(body, &mut pos)? as usize;
    let base = Fields::parse(take(body, &mut pos, cmd_len)?)?;
    let kind = base.int(1).ok_or_else(|| proto("no command type"))?;
    let kind = u32::try_from(kind).map_err(|_| proto("command type out of range"))?;
    let cmd = base.bytes(kind).unwrap_or_default().to_vec();
    let rest = &body[pos..];
    let payload = (!rest.is_empty())
        .then(|| decode_payload(rest))
        .transpose()?;
    Ok(Frame { kind, cmd, payload })
}

/// Splits `[magic crc32c]? metadataSize metadata payload`, verifying a present checksum.
fn decode_payload(mut rest: &[u8]) -> Result<Vec<u8>> {
    if let Some(checked) = rest.strip_prefix(&MAGIC_CRC32C[..]) {
        let mut pos = 0;
        let want = read_u32(checked, &mut pos)?;
        rest = &checked[pos..];
        if crc32c(rest) != want {
            return Err(proto("payload checksum mismatch"));
        }
    }
    let mut pos = 0;
    let meta_len = read_u32(rest, &mut pos)? as usize;
    take(rest, &mut pos, meta_len)?;
    Ok(rest[pos..].to_vec())
}

/// Big-endian u32 of a length, or a Protocol error past `u32::MAX`.
fn be32(n: usize) -> Result<[u8; 4]> {
    let n = u32::try_from(n).map_err(|_| proto("length exceeds u32"))?;
    Ok(n.to_be_bytes())
}

/// Reads a big-endian u32 at `pos`.
fn read_u32(buf: &[u8], pos: &mut usize) -> Result<u32> {
    let b = take(buf, pos, 4)?;
    Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

/// Takes `n` bytes at `pos`, or a Protocol error if the buffer is too short.
fn take<'a>(buf: &'a [u8], pos: &mut usize, n: usize) -> Result<&'a [u8]> {
    let end = pos.checked_add(n).filter(|&end| end <= buf.len());
    let end = end.ok_or_else(|| proto(format!("truncated: {n} bytes at {pos}")))?;
    let out = &buf[*pos..end];
    *pos = end;
    Ok(out)
}

/// Appends `v` as a base-128 varint.
fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push(v.to_le_bytes()[0] | 0x80);
        v >>= 7;
    }
    out.push(v.to_le_bytes()[0]);
}

/// Reads a base-128 varint (at most 10 bytes) at `pos`.
fn get_varint(buf: &[u8], pos: &mut usize) -> Result<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let b = *buf.get(*pos).ok_or_else(|| proto("truncated varint"))?;
        *pos += 1;
        v |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Ok(v);
        }
    }
    Err(proto("varint longer than 10 bytes"))
}

/// An empty proto2 message to encode fields into.
fn msg() -> Enc {
    Enc(Vec::new())
}

/// A proto2 message being encoded: fields appended in call order.
#[derive(Debug)]
struct Enc(Vec<u8>);

impl Enc {
    /// Appends a varint field (uint64, uint32, non-negative int32, enum, bool).
    fn int(mut self, field: u32, v: u64) -> Self {
        put_varint(&mut self.0, u64::from(field) << 3);
        put_varint(&mut self.0, v);
        self
    }

    /// Appends a length-delimited field (bytes or an embedded message).
    fn bytes(mut self, field: u32, b: &[u8]) -> Self {
        put_varint(&mut self.0, u64::from(field) << 3 | 2);
        put_varint(&mut self.0, b.len() as u64);
        self.0.extend_from_slice(b);
        self
    }

    /// Appends a string field.
    fn str(self, field: u32, s: &str) -> Self {
        self.bytes(field, s.as_bytes())
    }
}

/// A decoded field value (fixed32/fixed64 fields are skipped, never stored).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Val<'a> {
    /// Wire type 0.
    Int(u64),
    /// Wire type 2.
    Bytes(&'a [u8]),
}

/// The decoded fields of one proto2 message, in wire order.
#[derive(Debug)]
struct Fields<'a>(Vec<(u32, Val<'a>)>);

impl<'a> Fields<'a> {
    /// Decodes all fields; errors on truncation and on group wire types.
    fn parse(buf: &'a [u8]) -> Result<Self> {
        let (mut pos, mut out) = (0, Vec::new());
        while pos < buf.len() {
            let key = get_varint(buf, &mut pos)?;
            let field = u32::try_from(key >> 3).map_err(|_| proto("bad field number"))?;
            match key & 7 {
                0 => out.push((field, Val::Int(get_varint(buf, &mut pos)?))),
                1 => drop(take(buf, &mut pos, 8)?),
                2 => {
                    let len = usize::try_from(get_varint(buf, &mut pos)?);
                    let len = len.unwrap_or(usize::MAX);
                    out.push((field, Val::Bytes(take(buf, &mut pos, len)?)));
                }
                5 => drop(take(buf, &mut pos, 4)?),
                wire => return Err(proto(format!("unsupported wire type {wire}"))),
            }
        }
        Ok(Self(out))
    }

    /// The last value of `field`, as protobuf's "last one wins" prescribes.
    fn get(&self, field: u32) -> Option<Val<'a>> {
        self.0.iter().rev().find(|e| e.0 == field).map(|e| e.1)
    }

    /// A varint field.
    fn int(&self, field: u32) -> Option<u64> {
        self.get(field)
            .and_then(|v| if let Val::Int(n) = v { Some(n) } else { None })
    }

    /// A length-delimited field.
    fn bytes(&self, field: u32) -> Option<&'a [u8]> {
        self.get(field)
            .and_then(|v| if let Val::Bytes(b) = v { Some(b) } else { None })
    }

    /// A string field (invalid UTF-8 replaced).
    fn string(&self, field: u32) -> Option<String> {
        let bytes = self.bytes(field)?;
        Some(String::from_utf8_lossy(bytes).into_owned())
    }
}

/// CRC32C (Castagnoli, reflected polynomial 0x82F63B78) lookup table.
const CRC32C_TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        #[allow(clippy::cast_possible_truncation)] // i < 256
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = (c >> 1) ^ (0x82F6_3B78 & (c & 1).wrapping_neg());
            k += 1;
        }
        table[i] = c;
        i += 1;
    }
    table
};

/// CRC32C of `data`, as Pulsar puts in payload frames.
fn crc32c(data: &[u8]) -> u32 {
    let step = |c: u32, b: &u8| CRC32C_TABLE[usize::from(c.to_le_bytes()[0] ^ b)] ^ (c >> 8);
    !data.iter().fold(!0, step)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;
    use std::process::{Child, Command, Stdio};
    use tokio::net::TcpListener;
    use PulsarWireError::{Io, Protocol, Timeout};

    const TOPIC: &str = "persistent://public/default/arc-health";

    /// A pulsar-lite broker on a free port in a temp dir, killed and removed on drop.
    struct Broker {
        child: Child,
        dir: PathBuf,
        addr: SocketAddr,
    }

    impl Broker {
        async fn start() -> Self {
            let free = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr());
            let addr = free.expect("free port");
            let dir = std::env::temp_dir().join(unique_tag());
            std::fs::create_dir_all(&dir).expect("temp dir");
            // Without this the broker also serves metrics on 0.0.0.0:8080.
            let config = "[metrics]\nenabled = false\n";
            std::fs::write(dir.join("pulsar-lite.toml"), config).expect("config");
            let log = std::fs::File::create(dir.join("broker.log")).expect("log");
            let mut cmd = Command::new(pulsar_lite_binary());
            cmd.args(["--addr", &addr.to_string(), "--log-level", "warn"]);
            cmd.arg("--db-path").arg(dir.join("db"));
            cmd.current_dir(&dir).stdout(Stdio::null()).stderr(log);
            let child = cmd.spawn().expect("spawn pulsar-lite");
            let mut broker = Self { child, dir, addr };
            for _ in 0..200 {
                if let Ok(Some(status)) = broker.child.try_wait() {
                    let log = std::fs::read_to_string(broker.dir.join("broker.log"));
                    panic!("pulsar-lite exited ({status}): {}", log.unwrap_or_default());
                }
                if TcpStream::connect(addr).await.is_ok() {
                    return broker;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            panic!("pulsar-lite did not listen on {addr} within 10s");
        }
    }

    impl Drop for Broker {
        fn drop(&mut self) {
            let _ = self.child.kill();
            let _ = self.child.wait();
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }

    /// `PULSAR_LITE_BINARY`, then `PATH`, then the binary inside the pip package.
    fn pulsar_lite_binary() -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let env = std::env::var_os("PULSAR_LITE_BINARY").map(PathBuf::from);
        let path = std::env::var_os("PATH").unwrap_or_default();
        let on_path = std::env::split_paths(&path).map(|dir| dir.join("pulsar-lite"));
        let from_pip = || {
            let script = "import pulsar_lite,os;print(os.path.dirname(pulsar_lite.__file__))";
            let out = Command::new("python3").args(["-c", script]).output().ok()?;
            let dir = String::from_utf8_lossy(&out.stdout).trim().to_owned();
            let found = out.status.success() && !dir.is_empty();
            found.then(|| PathBuf::from(dir).join("bin").join("pulsar-lite"))
        };
        let pip = std::iter::once_with(from_pip).flatten();
        let mut candidates = env.into_iter().chain(on_path).chain(pip);
        let bin = candidates.find(|p| p.is_file());
        let bin = bin.expect("install pulsar-lite: pip install pulsar-lite");
        let mode = std::fs::metadata(&bin).map_or(0, |m| m.permissions().mode());
        if mode & 0o111 == 0 {
            let perms = std::fs::Permissions::from_mode(mode | 0o755);
            std::fs::set_permissions(&bin, perms).expect("chmod +x pulsar-lite");
        }
        bin
    }

    #[tokio::test]
    async fn probes_against_pulsar_lite() {
        let broker = Broker::start().await;
        let lookup = connect_and_lookup(broker.addr, TOPIC, Duration::from_secs(10)).await;
        let lookup = lookup.expect("lookup");
        let version = &lookup.server_version;
        assert!(version.starts_with("Pulsar-Lite"), "{version}");
        let url = format!("pulsar://{}", broker.addr);
        assert_eq!(lookup.broker_url.as_deref(), Some(url.as_str()));
        let first = round_trip(broker.addr, TOPIC, Duration::from_secs(10)).await;
        let first = first.expect("first round trip");
        assert!(first.produce.max(first.consume) < Duration::from_secs(10));
        // The first probe's message stays on the topic; it must not confuse the second.
        let second = round_trip(broker.addr, TOPIC, Duration::from_secs(10)).await;
        second.expect("second round trip");
    }

    #[tokio::test]
    async fn nothing_listening_is_io_error() {
        let free = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr());
        let addr = free.expect("free port");
        let err = connect_and_lookup(addr, TOPIC, Duration::from_secs(5)).await;
        assert!(matches!(err, Err(Io(_))), "{err:?}");
        let err = round_trip(addr, TOPIC, Duration::from_secs(5)).await;
        assert!(matches!(err, Err(Io(_))), "{err:?}");
    }

    #[tokio::test]
    async fn silent_listener_times_out() {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let silent = tokio::spawn(async move {
            let _held = (listener.accept().await, listener.accept().await);
            tokio::time::sleep(Duration::from_secs(30)).await;
        });
        let err = connect_and_lookup(addr, TOPIC, Duration::from_millis(1)).await;
        assert!(matches!(err, Err(Timeout(_))), "{err:?}");
        let err = round_trip(addr, TOPIC, Duration::from_millis(200)).await;
        assert!(matches!(err, Err(Timeout("handshake"))), "{err:?}");
        silent.abort();
    }

    /// Reads one frame on the broker side of a fake broker.
    async fn read_test_frame(socket: &mut TcpStream) -> Frame {
        let mut len = [0u8; 4];
        socket.read_exact(&mut len).await.expect("read size");
        let mut body = vec![0u8; u32::from_be_bytes(len) as usize];
        socket.read_exact(&mut body).await.expect("read body");
        decode_frame(&body).expect("decode")
    }

    #[tokio::test]
    async fn fake_broker_pings_failures_and_garbage() {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let failed = msg().int(3, 2).int(4, 1).int(6, 11).str(7, "nope");
        let error = msg().int(1, 1).int(2, 6).str(3, "not ready");
        tokio::spawn(async move {
            for (kind, reply) in [(kind::LOOKUP_RESPONSE, failed), (kind::ERROR, error)] {
                let (mut socket, _) = listener.accept().await.expect("accept");
                assert_eq!(read_test_frame(&mut socket).await.kind, kind::CONNECT);
                let ping = encode_frame(kind::PING, &msg(), None).expect("ping");
                socket.write_all(&ping).await.expect("write ping");
                if read_test_frame(&mut socket).await.kind != kind::PONG {
                    continue; // dropping the socket fails the client with Io
                }
                let connected = msg().str(1, "fake-1").int(2, 12);
                let connected = encode_frame(kind::CONNECTED, &connected, None).expect("enc");
                socket.write_all(&connected).await.expect("write");
                assert_eq!(read_test_frame(&mut socket).await.kind, kind::LOOKUP);
                let reply = encode_frame(kind, &reply, None).expect("encode reply");
                socket.write_all(&reply).await.expect("write reply");
            }
            let (mut socket, _) = listener.accept().await.expect("accept");
            let _ = socket.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n").await;
            tokio::time::sleep(Duration::from_secs(5)).await;
        });
        for expected in ["nope (TopicNotFound)", "not ready (ServiceNotReady)"] {
            let err = connect_and_lookup(addr, TOPIC, Duration::from_secs(5)).await;
            let text = err.expect_err("broker failure").to_string();
            assert_eq!(text, format!("pulsar broker rejected lookup: {expected}"));
        }
        // A peer that is not a Pulsar broker (here: HTTP) fails to decode.
        let err = connect_and_lookup(addr, TOPIC, Duration::from_secs(5)).await;
        assert!(matches!(err, Err(Protocol(_))), "{err:?}");
    }

    #[test]
    fn varints_round_trip() {
        for v in [0, 1, 127, 128, 300, 16_384, u64::from(u32::MAX), u64::MAX] {
            let (mut buf, mut pos) = (Vec::new(), 0);
            put_varint(&mut buf, v);
            assert_eq!(get_varint(&buf, &mut pos).expect("decode"), v);
            assert_eq!(pos, buf.len());
        }
        let mut buf = Vec::new();
        put_varint(&mut buf, 300);
        assert_eq!(buf, [0xac, 0x02]);
        assert!(get_varint(&[0x80, 0x80], &mut 0).is_err());
        assert!(get_varint(&[0xff; 11], &mut 0).is_err());
    }

    #[test]
    fn fields_round_trip_and_reject_garbage() {
        let inner = msg().int(1, 7).int(2, 9);
        let enc = msg().int(1, 150).str(2, "héllo");
        let enc = enc.bytes(3, &inner.0).int(1, 151);
        assert_eq!(enc.0[..3], [0x08, 0x96, 0x01]);
        let f = Fields::parse(&enc.0).expect("parse");
        assert_eq!(f.int(1), Some(151), "last value wins");
        assert_eq!(f.string(2).as_deref(), Some("héllo"));
        let nested = Fields::parse(f.bytes(3).expect("nested")).expect("parse nested");
        assert_eq!((nested.int(1), nested.int(2)), (Some(7), Some(9)));
        assert_eq!((f.int(2), f.bytes(1), f.int(99)), (None, None, None));
        // fixed32 and fixed64 are skipped; groups, truncation and bad lengths are errors.
        let fixed = [0x0d, 1, 2, 3, 4, 0x11, 1, 2, 3, 4, 5, 6, 7, 8, 0x18, 5];
        assert_eq!(Fields::parse(&fixed).expect("fixed").0, [(3, Val::Int(5))]);
        for bad in [&[0x0b][..], &[0x12, 5, b'a'], &[0x12, 0x80], &[8]] {
            assert!(Fields::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn crc32c_known_values() {
        assert_eq!(crc32c(b"123456789"), 0xe306_9283);
        assert_eq!(crc32c(b""), 0);
    }

    #[test]
    fn frames_round_trip_and_reject_garbage() {
        let cmd = msg().int(1, 5).int(2, 6);
        let meta = msg().str(1, "p").int(2, 0).int(3, 1);
        let bytes = encode_frame(kind::MESSAGE, &cmd, Some((&meta, b"data"))).expect("encode");
        let size = read_u32(&bytes, &mut 0).expect("size") as usize;
        assert_eq!(size, bytes.len() - 4);
        let frame = decode_frame(&bytes[4..]).expect("decode");
        assert_eq!(frame.kind, kind::MESSAGE);
        assert_eq!(frame.payload.as_deref(), Some(&b"data"[..]));
        assert_eq!(frame.fields().expect("fields").int(2), Some(6));
        // The same frame without magic and checksum, as pulsar-lite sends MESSAGE.
        let cmd_end = 8 + read_u32(&bytes, &mut 4).expect("cmd size") as usize;
        let plain = [&bytes[4..cmd_end], &bytes[cmd_end + 6..]].concat();
        let plain = decode_frame(&plain).expect("plain");
        assert_eq!(plain.payload.as_deref(), Some(&b"data"[..]));
        let mut corrupt = bytes[4..].to_vec();
        *corrupt.last_mut().expect("byte") ^= 1;
        assert!(
            decode_frame(&corrupt).is_err(),
            "checksum catches a flipped bit"
        );
        let ping = encode_frame(kind::PING, &msg(), None).expect("ping");
        assert_eq!(decode_frame(&ping[4..]).expect("ping").kind, kind::PING);
        for bad in [&[][..], &[0, 0, 0, 9, 1], &[0, 0, 0, 0], &[0xff; 8]] {
            assert!(decode_frame(bad).is_err(), "{bad:?}");
        }
        let huge = msg().str(1, &"x".repeat(MAX_FRAME));
        assert!(encode_frame(kind::LOOKUP, &huge, None).is_err());
    }
}
