//! Tests against a real pulsar-lite broker, fake brokers, and topic-name parsing.

use super::*;
use bytes::BytesMut;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};

/// A pulsar-lite broker on a free port in a temp dir, killed on drop.
struct Broker {
    child: Child,
    dir: tempfile::TempDir,
    addr: SocketAddr,
}

impl Broker {
    async fn start() -> Self {
        let free = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr());
        let addr = free.expect("free port");
        let dir = tempfile::tempdir().expect("temp dir");
        // Without this the broker also serves metrics on 0.0.0.0:8080.
        let config = dir.path().join("pulsar-lite.toml");
        std::fs::write(&config, "[metrics]\nenabled = false\n").expect("config");
        let log = std::fs::File::create(dir.path().join("broker.log")).expect("log");
        let mut cmd = Command::new(pulsar_lite_binary());
        cmd.arg("--config").arg(&config);
        cmd.args(["--addr", &addr.to_string(), "--log-level", "warn"]);
        cmd.arg("--db-path").arg(dir.path().join("db"));
        cmd.current_dir(dir.path())
            .stdout(Stdio::null())
            .stderr(log);
        let child = cmd.spawn().expect("spawn pulsar-lite");
        let mut broker = Self { child, dir, addr };
        for _ in 0..200 {
            if let Ok(Some(status)) = broker.child.try_wait() {
                let log = std::fs::read_to_string(broker.dir.path().join("broker.log"));
                panic!("pulsar-lite exited ({status}): {}", log.unwrap_or_default());
            }
            if TcpStream::connect(addr).await.is_ok() {
                return broker;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("pulsar-lite did not listen on {addr} within 10s");
    }

    async fn client(&self) -> Client {
        Client::connect(self.addr, None, Duration::from_secs(10))
            .await
            .expect("connect")
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
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

fn topic(name: &str) -> Topic {
    Topic::parse(name).expect("valid topic")
}

const PROBE_TOPIC: &str = "persistent://public/default/arc-health";

/// `n` messages `prefix-i` with properties `i` and `kind`, and event time `i` for odd `i`.
fn numbered(prefix: &str, n: usize) -> Vec<OutgoingMessage> {
    let one = |i: usize| {
        let mut m = OutgoingMessage::new(format!("{prefix}-{i}"));
        m.properties = vec![("i".into(), i.to_string()), ("kind".into(), "test".into())];
        m.event_time = (i % 2 == 1).then_some(i as u64);
        m
    };
    (0..n).map(one).collect()
}

/// Reads (and acks) until `next` times out after `quiet`.
/// Every message until none comes for `quiet`; the first may take up to 10 s (a loaded machine
/// can make pulsar-lite slow to start a delivery, after a seek especially), so `quiet` measures
/// the end of the stream, not the broker's start.
async fn drain(consumer: &mut Consumer, quiet: Duration) -> Vec<Message> {
    let mut out = Vec::new();
    let mut wait = Duration::from_secs(10).max(quiet);
    while let Some(m) = consumer.next(wait).await.expect("next") {
        consumer.ack(&m.id).await.expect("ack");
        out.push(m);
        wait = quiet;
    }
    out
}

fn payloads(messages: &[Message]) -> Vec<String> {
    let text = |m: &Message| String::from_utf8_lossy(&m.payload).into_owned();
    messages.iter().map(text).collect()
}

#[test]
fn topic_names_parse_and_explain_errors() {
    for (name, full) in [
        ("my-topic", "persistent://public/default/my-topic"),
        ("tenant/ns/topic", "persistent://tenant/ns/topic"),
        (TOPIC_EXAMPLE, TOPIC_EXAMPLE),
        (
            "non-persistent://t.1/n_s/a:b=c",
            "non-persistent://t.1/n_s/a:b=c",
        ),
    ] {
        assert_eq!(topic(name).to_string(), full);
    }
    for (name, why) in [
        ("", "empty name"),
        ("my topic", "whitespace or control character ' '"),
        ("tab\t", "whitespace or control character '\\t'"),
        (
            "http://a/b/c",
            "scheme \"http\" (use persistent or non-persistent)",
        ),
        ("persistent://a/b", "expected tenant/namespace/topic"),
        ("persistent://x", "expected tenant/namespace/topic"),
        ("a/b", "expected tenant/namespace/topic"),
        ("persistent://a/b/c/d", "'/' inside the topic's own name"),
        ("a/b/c/", "'/' inside the topic's own name"),
        ("persistent:///b/c", "empty tenant"),
        ("persistent://a//c", "empty namespace"),
        ("persistent://a/b/", "empty topic"),
        ("te$nant/ns/t", "character '$' in the tenant"),
        ("t/n#s/t", "character '#' in the namespace"),
    ] {
        let err = Topic::parse(name).expect_err(name);
        let want =
            format!("invalid pulsar topic: {why} in {name:?}; a valid topic: {TOPIC_EXAMPLE}");
        assert_eq!((err.kind(), err.to_string()), ("invalid_topic", want));
    }
}

#[tokio::test]
async fn probes_against_pulsar_lite() {
    let broker = Broker::start().await;
    let lookup = connect_and_lookup(broker.addr, PROBE_TOPIC, Duration::from_secs(10)).await;
    let lookup = lookup.expect("lookup");
    let version = &lookup.server_version;
    assert!(version.starts_with("Pulsar-Lite"), "{version}");
    let url = format!("pulsar://{}", broker.addr);
    assert_eq!(lookup.broker_url.as_deref(), Some(url.as_str()));
    let first = round_trip(broker.addr, PROBE_TOPIC, Duration::from_secs(10)).await;
    let first = first.expect("first round trip");
    assert!(first.produce.max(first.consume) < Duration::from_secs(10));
    // The first probe's message stays on the topic; it must not confuse the second.
    let second = round_trip(broker.addr, PROBE_TOPIC, Duration::from_secs(10)).await;
    second.expect("second round trip");
    let err = round_trip(broker.addr, "bad topic", Duration::from_secs(10)).await;
    assert!(matches!(err, Err(PulsarError::InvalidTopic(_))), "{err:?}");
}

#[tokio::test]
async fn earliest_reads_everything_in_order_with_properties() {
    let broker = Broker::start().await;
    let client = broker.client().await;
    let t = topic("in-order");
    let producer = client.create_producer(&t).await.expect("producer");
    let sent = numbered("m", 1000);
    let ids = producer.send_batch(sent.clone()).await.expect("send");
    producer.close().await.expect("close producer");
    let sub = client.subscribe(&t, "reader", SubType::Exclusive, InitialPosition::Earliest);
    let mut consumer = sub.await.expect("subscribe");
    let got = drain(&mut consumer, Duration::from_millis(500)).await;
    assert_eq!(got.len(), 1000);
    for ((m, want), id) in got.iter().zip(&sent).zip(&ids) {
        assert_eq!(
            (&m.payload, &m.properties, m.event_time),
            (&want.payload, &want.properties, want.event_time)
        );
        assert_eq!(
            (&m.id, m.topic.as_str(), m.redelivery_count),
            (id, "persistent://public/default/in-order", 0)
        );
        assert!(
            m.publish_time > 1_600_000_000_000,
            "publish time is ms since the epoch"
        );
    }
    assert!(got.windows(2).all(|w| w[0].id < w[1].id));
    assert!(consumer
        .next(Duration::from_millis(200))
        .await
        .expect("next")
        .is_none());
    consumer.close().await.expect("close");
    // Everything was acked: the subscription's backlog is empty on a new consumer.
    let sub = client.subscribe(&t, "reader", SubType::Exclusive, InitialPosition::Earliest);
    let mut again = sub.await.expect("subscribe again");
    assert!(again
        .next(Duration::from_millis(300))
        .await
        .expect("next")
        .is_none());
    again.unsubscribe().await.expect("unsubscribe");
}

/// Without acks, every FLOW refill can make pulsar-lite 0.2 dispatch some messages twice;
/// an Exclusive consumer still sees each exactly once, in order, and keeps getting permits.
#[tokio::test]
async fn unacked_reads_see_each_message_once() {
    let broker = Broker::start().await;
    let client = broker.client().await;
    let t = topic("unacked");
    let producer = client.create_producer(&t).await.expect("producer");
    producer
        .send_batch(numbered("u", 5000))
        .await
        .expect("send");
    let sub = client.subscribe(&t, "peek", SubType::Exclusive, InitialPosition::Earliest);
    let mut consumer = sub.await.expect("subscribe");
    let mut got = Vec::new();
    while let Some(m) = consumer
        .next(Duration::from_millis(500))
        .await
        .expect("next")
    {
        got.push(m.id);
    }
    assert_eq!(got.len(), 5000);
    assert!(
        got.windows(2).all(|w| w[0] < w[1]),
        "in order, no duplicates"
    );
}

#[tokio::test]
async fn latest_sees_only_new_messages() {
    let broker = Broker::start().await;
    let client = broker.client().await;
    let t = topic("tenant-1/ns-1/latest");
    let producer = client.create_producer(&t).await.expect("producer");
    producer.send_batch(numbered("old", 5)).await.expect("old");
    let sub = client.subscribe(&t, "tail", SubType::Failover, InitialPosition::Latest);
    let mut consumer = sub.await.expect("subscribe");
    let payload = Bytes::from_static(b"new");
    let id = producer
        .send(payload.clone(), vec![], None)
        .await
        .expect("send");
    let m = consumer
        .next(Duration::from_secs(5))
        .await
        .expect("next")
        .expect("message");
    assert_eq!(
        (m.id, m.payload, m.producer_name.as_str()),
        (id, payload, producer.name())
    );
    assert!(consumer
        .next(Duration::from_millis(300))
        .await
        .expect("next")
        .is_none());
}

#[tokio::test]
async fn shared_subscription_splits_messages() {
    let broker = Broker::start().await;
    let client = broker.client().await;
    let t = topic("shared");
    let subscribe = || client.subscribe(&t, "workers", SubType::Shared, InitialPosition::Earliest);
    let (mut a, mut b) = (subscribe().await.expect("a"), subscribe().await.expect("b"));
    let producer = client.create_producer(&t).await.expect("producer");
    producer.send_batch(numbered("s", 200)).await.expect("send");
    let quiet = Duration::from_millis(500);
    let (got_a, got_b) = tokio::join!(drain(&mut a, quiet), drain(&mut b, quiet));
    assert!(
        !got_a.is_empty() && !got_b.is_empty(),
        "{} / {}",
        got_a.len(),
        got_b.len()
    );
    let mut all: Vec<_> = got_a.iter().chain(&got_b).map(|m| m.id).collect();
    all.sort_unstable();
    all.dedup();
    assert_eq!(all.len(), 200, "every message was delivered");
}

/// pulsar-lite implements seek by publish time: SUCCESS, no CLOSE_CONSUMER, and delivery
/// restarts at the first message published at or after the time. A time after the last
/// message makes it close the whole connection ("no message at or after publish_time"),
/// which `seek_by_time` reports as Unsupported.
#[tokio::test]
async fn seek_by_time_on_pulsar_lite() {
    let broker = Broker::start().await;
    let client = broker.client().await;
    let t = topic("seek");
    let producer = client.create_producer(&t).await.expect("producer");
    producer
        .send_batch(numbered("before", 5))
        .await
        .expect("before");
    tokio::time::sleep(Duration::from_millis(20)).await;
    let cut = now_ms();
    tokio::time::sleep(Duration::from_millis(20)).await;
    producer
        .send_batch(numbered("after", 5))
        .await
        .expect("after");
    let sub = client.subscribe(&t, "replay", SubType::Exclusive, InitialPosition::Earliest);
    let mut consumer = sub.await.expect("subscribe");
    // Two messages read, the rest buffered or in flight: the seek must drop them.
    for _ in 0..2 {
        consumer
            .next(Duration::from_secs(5))
            .await
            .expect("next")
            .expect("message");
    }
    consumer.seek_by_time(cut).await.expect("seek");
    let got = drain(&mut consumer, Duration::from_millis(500)).await;
    let want: Vec<_> = (0..5).map(|i| format!("after-{i}")).collect();
    assert_eq!(payloads(&got), want);
    assert!(got.iter().all(|m| m.publish_time >= cut));
    consumer.seek_by_time(0).await.expect("seek to the start");
    assert_eq!(
        drain(&mut consumer, Duration::from_millis(500)).await.len(),
        10
    );
    let err = consumer
        .seek_by_time(now_ms() + 3_600_000)
        .await
        .expect_err("past the end");
    assert_eq!(err.kind(), "unsupported", "{err}");
    let err = consumer
        .next(Duration::from_secs(1))
        .await
        .expect_err("connection gone");
    assert_eq!(err.kind(), "io", "{err}");
}

/// pulsar-lite answers GET_LAST_MESSAGE_ID with ERROR "Topic has no messages" on an empty
/// topic (None), else with the id of the newest message, whatever the consumer's position;
/// on a non-persistent topic it closes the connection (Unsupported).
#[tokio::test]
async fn last_message_id_on_pulsar_lite() {
    let broker = Broker::start().await;
    let client = broker.client().await;
    let t = topic("last-id");
    let sub = client.subscribe(&t, "replay", SubType::Exclusive, InitialPosition::Earliest);
    let mut consumer = sub.await.expect("subscribe");
    assert_eq!(consumer.last_message_id().await.expect("empty topic"), None);
    let producer = client.create_producer(&t).await.expect("producer");
    assert_eq!(consumer.last_message_id().await.expect("still empty"), None);
    let mut ids = producer
        .send_batch(numbered("before", 5))
        .await
        .expect("before");
    tokio::time::sleep(Duration::from_millis(20)).await;
    let cut = now_ms();
    tokio::time::sleep(Duration::from_millis(20)).await;
    ids.extend(
        producer
            .send_batch(numbered("after", 5))
            .await
            .expect("after"),
    );
    let last = consumer.last_message_id().await.expect("last id");
    assert_eq!(last, Some(ids[9]));
    let last = last.expect("ten messages");
    assert!(!consumer.reached(&last), "nothing read yet");
    // After a seek to the middle the answer is still the topic's last message.
    consumer.seek_by_time(cut).await.expect("seek");
    assert_eq!(
        consumer.last_message_id().await.expect("after seek"),
        Some(last)
    );
    // A replay reads exactly up to that id, with no quiet period. (On a subscription of its
    // own: pulsar-lite can be slow to resume delivery after a seek on a loaded machine, and
    // arc does not seek on pulsar-lite; `seek_by_time_on_pulsar_lite` covers the seek.)
    let sub = client.subscribe(
        &t,
        "replay-2",
        SubType::Exclusive,
        InitialPosition::Earliest,
    );
    let mut reader = sub.await.expect("subscribe");
    let mut got = Vec::new();
    while !reader.reached(&last) {
        let m = reader.next(Duration::from_secs(10)).await.expect("next");
        let m = m.expect("a message before the last id");
        reader.ack(&m.id).await.expect("ack");
        got.push(m);
    }
    let want: Vec<_> = (0..5)
        .map(|i| format!("before-{i}"))
        .chain((0..5).map(|i| format!("after-{i}")))
        .collect();
    assert_eq!(payloads(&got), want);
    assert_eq!(got.last().map(|m| m.id), Some(last));
    assert!(got[..9].iter().all(|m| !m.id.is_at_or_after(&last)));
    // A message published later moves the answer on.
    let newer = producer
        .send_batch(numbered("later", 1))
        .await
        .expect("later");
    assert_eq!(
        consumer.last_message_id().await.expect("newer"),
        Some(newer[0])
    );
    assert!(newer[0].is_at_or_after(&last) && !last.is_at_or_after(&newer[0]));
    // Non-persistent topics: pulsar-lite closes the connection instead of answering.
    let other = broker.client().await;
    let t = topic("non-persistent://public/default/last-id");
    let sub = other.subscribe(&t, "np", SubType::Exclusive, InitialPosition::Earliest);
    let mut np = sub.await.expect("subscribe non-persistent");
    let err = np.last_message_id().await.expect_err("non-persistent");
    assert_eq!(err.kind(), "unsupported", "{err}");
    assert!(
        err.to_string()
            .starts_with("pulsar broker does not support get last message id: "),
        "{err}"
    );
    let err = np.last_message_id().await.expect_err("connection gone");
    assert_eq!(err.kind(), "io", "{err}");
    // The first connection is unaffected.
    assert_eq!(
        consumer.last_message_id().await.expect("first"),
        Some(newer[0])
    );
}

#[tokio::test]
async fn token_is_sent_but_never_shown() {
    const TOKEN: &str = "s3cr3t-token-value";
    let broker = Broker::start().await;
    let client = Client::connect(broker.addr, Some(TOKEN.into()), Duration::from_secs(5)).await;
    let client = client.expect("pulsar-lite accepts any token");
    let t = topic("auth");
    let producer = client.create_producer(&t).await.expect("producer");
    let sub = client.subscribe(&t, "auth", SubType::KeyShared, InitialPosition::Earliest);
    let consumer = sub.await.expect("subscribe");
    let shown = format!("{client:?} {producer:?} {consumer:?} {client:#?}");
    assert!(
        !shown.contains(TOKEN) && shown.contains("<redacted>"),
        "{shown}"
    );
    // Failures do not show it either: a closed port, and a broker that rejects it.
    let free = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr());
    let err = Client::connect(
        free.expect("port"),
        Some(TOKEN.into()),
        Duration::from_secs(5),
    );
    let err = err.await.expect_err("nothing listening");
    assert!(!format!("{err} {err:?}").contains(TOKEN));
}

/// Produces and consumes `ARC_PULSAR_BENCH_N` (default 20 000) 100-byte messages and
/// prints the rates; run with `--nocapture` and e.g. `ARC_PULSAR_BENCH_N=100000`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[allow(clippy::print_stderr, clippy::cast_precision_loss)]
async fn throughput_against_pulsar_lite() {
    let n = std::env::var("ARC_PULSAR_BENCH_N")
        .ok()
        .and_then(|n| n.parse().ok());
    let n: usize = n.unwrap_or(20_000);
    let broker = Broker::start().await;
    let client = broker.client().await;
    let t = topic("bench");
    let producer = client.create_producer(&t).await.expect("producer");
    let body = Bytes::from(vec![b'x'; 100]);
    let messages = (0..n).map(|_| OutgoingMessage::new(body.clone()));
    let started = Instant::now();
    let ids = producer.send_batch(messages).await.expect("send");
    let produce = started.elapsed();
    assert_eq!(ids.len(), n);
    let sub = client.subscribe(&t, "bench", SubType::Exclusive, InitialPosition::Earliest);
    let mut consumer = sub.await.expect("subscribe");
    let started = Instant::now();
    let mut last = None;
    for _ in 0..n {
        let m = consumer
            .next(Duration::from_secs(10))
            .await
            .expect("next")
            .expect("message");
        assert!(
            last < Some(m.id),
            "in order: {last:?} then {:?} (redelivery {})",
            m.id,
            m.redelivery_count
        );
        consumer.ack(&m.id).await.expect("ack");
        last = Some(m.id);
    }
    let consume = started.elapsed();
    let rate = |d: Duration| n as f64 / d.as_secs_f64();
    eprintln!(
        "pulsar-lite: produced {n} in {produce:?} ({:.0} msg/s)",
        rate(produce)
    );
    eprintln!(
        "pulsar-lite: consumed+acked {n} in {consume:?} ({:.0} msg/s)",
        rate(consume)
    );
}

#[tokio::test]
async fn nothing_listening_is_io_error() {
    let free = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr());
    let addr = free.expect("free port");
    let err = connect_and_lookup(addr, PROBE_TOPIC, Duration::from_secs(5)).await;
    assert!(matches!(err, Err(PulsarError::Io(_))), "{err:?}");
    let err = round_trip(addr, PROBE_TOPIC, Duration::from_secs(5)).await;
    assert!(matches!(err, Err(PulsarError::Io(_))), "{err:?}");
}

#[tokio::test]
async fn silent_listener_times_out() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let silent = tokio::spawn(async move {
        let _held = (listener.accept().await, listener.accept().await);
        tokio::time::sleep(Duration::from_secs(30)).await;
    });
    let err = connect_and_lookup(addr, PROBE_TOPIC, Duration::from_millis(1)).await;
    assert!(matches!(err, Err(PulsarError::Timeout(_))), "{err:?}");
    let err = round_trip(addr, PROBE_TOPIC, Duration::from_millis(200)).await;
    assert!(
        matches!(err, Err(PulsarError::Timeout("handshake"))),
        "{err:?}"
    );
    silent.abort();
}

/// The broker side of a fake broker's connection.
struct Fake(TcpStream, BytesMut);

impl Fake {
    async fn expect(&mut self, want: u32) -> Frame {
        let frame = codec::read_frame(&mut self.0, &mut self.1)
            .await
            .expect("read");
        let frame = frame.expect("a frame");
        assert_eq!(frame.kind, want);
        frame
    }

    async fn send(&mut self, kind: u32, cmd: &codec::Enc) {
        let frame = codec::encode_frame(kind, cmd, None).expect("encode");
        self.0.write_all(&frame).await.expect("write");
    }
}

/// A MESSAGE frame for `consumer`, without the optional magic and checksum if `plain`.
fn fake_message(consumer: u64, entry: u64, payload: &[u8], plain: bool) -> Vec<u8> {
    let id = MessageId {
        ledger_id: 1,
        entry_id: entry,
        partition: None,
        batch_index: None,
    };
    let cmd = msg().int(1, consumer).bytes(2, &codec::encode_id(&id).0);
    let meta = msg().str(1, "fake").int(2, entry).int(3, 1000);
    let frame = codec::encode_frame(kind::MESSAGE, &cmd, Some((&meta, payload))).expect("encode");
    if !plain {
        return frame.to_vec();
    }
    let cmd_end = 8 + u32::from_be_bytes([frame[4], frame[5], frame[6], frame[7]]) as usize;
    let total = u32::try_from(frame.len() - 10)
        .expect("small")
        .to_be_bytes();
    [&total[..], &frame[4..cmd_end], &frame[cmd_end + 6..]].concat()
}

use codec::{kind, msg, Frame};

/// Scripted fake brokers: a rejected token; then PING during the handshake, SEND_ERROR,
/// CLOSE_CONSUMER (as Pulsar sends after a seek) with re-subscription, deliveries with
/// and without checksum, and an ERROR answer to SEEK; then lookup failures and garbage.
#[tokio::test]
#[allow(clippy::too_many_lines)] // one script, read top to bottom
async fn fake_broker_scripts() {
    const TOKEN: &str = "tok-123";
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let broker = tokio::spawn(async move {
        let accept = || async { Fake(listener.accept().await.expect("accept").0, BytesMut::new()) };
        let mut c = accept().await;
        let hello = c.expect(kind::CONNECT).await;
        let f = hello.fields().expect("fields");
        assert_eq!(
            (f.string(5).as_deref(), f.bytes(3)),
            (Some("token"), Some(TOKEN.as_bytes()))
        );
        c.send(kind::ERROR, &msg().int(1, 0).int(2, 3).str(3, "bad token"))
            .await;

        let mut c = accept().await;
        c.expect(kind::CONNECT).await;
        c.send(kind::PING, &msg()).await;
        c.expect(kind::PONG).await;
        c.send(kind::CONNECTED, &msg().str(1, "fake-1").int(2, 14))
            .await;
        let rid = |f: &Frame, field| f.fields().expect("fields").int(field).expect("id");
        let p = c.expect(kind::PRODUCER).await;
        c.send(
            kind::PRODUCER_SUCCESS,
            &msg().int(1, rid(&p, 3)).str(2, "fake-p"),
        )
        .await;
        let send = c.expect(kind::SEND).await;
        let err = msg()
            .int(1, rid(&send, 1))
            .int(2, rid(&send, 2))
            .int(3, 2)
            .str(4, "disk full");
        c.send(kind::SEND_ERROR, &err).await;
        let mut consumer_ids = Vec::new();
        for (entry, plain) in [(1, false), (2, true)] {
            let sub = c.expect(kind::SUBSCRIBE).await;
            consumer_ids.push(rid(&sub, 4));
            c.send(kind::SUCCESS, &msg().int(1, rid(&sub, 5))).await;
            assert_eq!(rid(&c.expect(kind::FLOW).await, 2), 1000);
            let id = rid(&sub, 4);
            c.0.write_all(&fake_message(id, entry, b"payload", plain))
                .await
                .expect("write");
            if entry == 1 {
                c.send(kind::CLOSE_CONSUMER, &msg().int(1, id).int(2, 0))
                    .await;
            }
        }
        assert_eq!(
            consumer_ids[0], consumer_ids[1],
            "same consumer id after re-subscribing"
        );
        let seek = c.expect(kind::SEEK).await;
        assert_eq!(rid(&seek, 4), 1234, "message_publish_time");
        c.send(
            kind::ERROR,
            &msg().int(1, rid(&seek, 2)).int(2, 0).str(3, "no seeking"),
        )
        .await;

        let failed = msg().int(3, 2).int(4, 1).int(6, 11).str(7, "nope");
        let mut c = accept().await;
        c.expect(kind::CONNECT).await;
        c.send(kind::CONNECTED, &msg().str(1, "fake-2")).await;
        c.expect(kind::LOOKUP).await;
        c.send(kind::LOOKUP_RESPONSE, &failed).await;
        let (mut socket, _) = listener.accept().await.expect("accept");
        let _ = socket.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n").await;
        tokio::time::sleep(Duration::from_secs(5)).await;
    });
    let timeout = Duration::from_secs(5);
    let err = Client::connect(addr, Some(TOKEN.into()), timeout)
        .await
        .expect_err("rejected");
    let text = format!("{err} {err:?}");
    assert_eq!(
        err.to_string(),
        "pulsar broker rejected connect: bad token (AuthenticationError)"
    );
    assert!(!text.contains(TOKEN), "{text}");

    let client = Client::connect(addr, None, timeout).await.expect("connect");
    assert_eq!(client.server_version(), "fake-1");
    let t = topic("fake");
    let producer = client.create_producer(&t).await.expect("producer");
    let err = producer
        .send(Bytes::from_static(b"x"), vec![], None)
        .await
        .expect_err("send");
    assert_eq!(
        err.to_string(),
        "pulsar broker rejected send: disk full (PersistenceError)"
    );
    let sub = client.subscribe(&t, "s", SubType::Exclusive, InitialPosition::Earliest);
    let mut consumer = sub.await.expect("subscribe");
    for entry in [1, 2] {
        let m = consumer
            .next(timeout)
            .await
            .expect("next")
            .expect("message");
        assert_eq!((m.id.entry_id, &m.payload[..]), (entry, &b"payload"[..]));
    }
    let err = consumer.seek_by_time(1234).await.expect_err("seek refused");
    assert_eq!(
        err.to_string(),
        "pulsar broker does not support seek: no seeking (UnknownError)"
    );

    let err = connect_and_lookup(addr, PROBE_TOPIC, timeout)
        .await
        .expect_err("lookup");
    assert_eq!(
        err.to_string(),
        "pulsar broker rejected lookup: nope (TopicNotFound)"
    );
    // A peer that is not a Pulsar broker (here: HTTP) fails to decode.
    let err = connect_and_lookup(addr, PROBE_TOPIC, timeout).await;
    assert!(matches!(err, Err(PulsarError::Protocol(_))), "{err:?}");
    broker.abort();
}

/// A MESSAGE frame for `consumer` carrying a batch entry `1:entry` of `n` messages `b-i`.
fn fake_batch(consumer: u64, entry: u64, n: u32) -> Bytes {
    let id = MessageId {
        ledger_id: 1,
        entry_id: entry,
        partition: None,
        batch_index: None,
    };
    let cmd = msg().int(1, consumer).bytes(2, &codec::encode_id(&id).0);
    let meta = msg().str(1, "fake").int(2, entry).int(3, 1000);
    let meta = meta.int(11, n.into());
    let mut data = Vec::new();
    for i in 0..n {
        let payload = format!("b-{i}");
        let single = msg().int(3, payload.len() as u64);
        let len = u32::try_from(single.0.len()).expect("small");
        data.extend_from_slice(&len.to_be_bytes());
        data.extend_from_slice(&single.0);
        data.extend_from_slice(payload.as_bytes());
    }
    codec::encode_frame(kind::MESSAGE, &cmd, Some((&meta, &data))).expect("encode")
}

/// GET_LAST_MESSAGE_ID against a scripted broker: Apache Pulsar's "nothing" (entry -1), an
/// id with partition and batch index, an id without batch index for a batch entry (read to
/// its end by `reached`), an ERROR, silence (timeout), and a closed connection.
#[tokio::test]
async fn fake_broker_last_message_id() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let broker = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.expect("accept");
        let mut c = Fake(socket, BytesMut::new());
        c.expect(kind::CONNECT).await;
        c.send(kind::CONNECTED, &msg().str(1, "fake-3")).await;
        let rid = |f: &Frame, field| f.fields().expect("fields").int(field).expect("id");
        let sub = c.expect(kind::SUBSCRIBE).await;
        let consumer = rid(&sub, 4);
        c.send(kind::SUCCESS, &msg().int(1, rid(&sub, 5))).await;
        c.expect(kind::FLOW).await;
        let minus_one = u64::MAX; // int32/int64 -1 as a varint
        let answers = [
            msg()
                .int(1, 5)
                .int(2, minus_one)
                .int(3, minus_one)
                .int(4, minus_one),
            msg().int(1, 5).int(2, 8).int(3, 2).int(4, 3),
            msg().int(1, 1).int(2, 7).int(3, minus_one),
        ];
        for answer in answers {
            let get = c.expect(kind::GET_LAST_MESSAGE_ID).await;
            assert_eq!(rid(&get, 1), consumer, "consumer_id");
            let reply = msg().bytes(1, &answer.0).int(2, rid(&get, 2));
            c.send(kind::GET_LAST_MESSAGE_ID_RESPONSE, &reply).await;
        }
        c.0.write_all(&fake_batch(consumer, 7, 3))
            .await
            .expect("write");
        let get = c.expect(kind::GET_LAST_MESSAGE_ID).await;
        let error = msg().int(1, rid(&get, 2)).int(2, 10).str(3, "too old");
        c.send(kind::ERROR, &error).await;
        c.expect(kind::GET_LAST_MESSAGE_ID).await; // left unanswered: a timeout
        c.expect(kind::GET_LAST_MESSAGE_ID).await;
        drop(c); // closes the connection instead of answering
    });
    let client = Client::connect(addr, None, Duration::from_secs(1))
        .await
        .expect("connect");
    let t = topic("fake-last");
    let sub = client.subscribe(&t, "s", SubType::Exclusive, InitialPosition::Earliest);
    let mut consumer = sub.await.expect("subscribe");
    assert_eq!(consumer.last_message_id().await.expect("entry -1"), None);
    let id = consumer.last_message_id().await.expect("full id");
    let want = MessageId {
        ledger_id: 5,
        entry_id: 8,
        partition: Some(2),
        batch_index: Some(3),
    };
    assert_eq!(id, Some(want));
    // Partition is ignored, batch index is not.
    let seen = MessageId {
        partition: None,
        ..want
    };
    assert!(seen.is_at_or_after(&want));
    let earlier = MessageId {
        batch_index: Some(2),
        ..seen
    };
    assert!(!earlier.is_at_or_after(&want));
    let last = consumer.last_message_id().await.expect("batch entry");
    let last = last.expect("an id");
    assert_eq!(last.to_string(), "1:7:-1:-1");
    // The batch's first message is at or after `last`, but the batch is read to its end.
    let mut reached = Vec::new();
    for i in 0..3 {
        let m = consumer.next(Duration::from_secs(5)).await.expect("next");
        let m = m.expect("message");
        assert_eq!(m.id.batch_index, Some(i));
        assert!(m.id.is_at_or_after(&last));
        reached.push(consumer.reached(&last));
    }
    assert_eq!(reached, [false, false, true]);
    let err = consumer.last_message_id().await.expect_err("ERROR");
    assert_eq!(err.kind(), "unsupported", "{err}");
    assert_eq!(
        err.to_string(),
        "pulsar broker does not support get last message id: too old (UnsupportedVersionError)"
    );
    let started = Instant::now();
    let err = consumer.last_message_id().await.expect_err("silence");
    assert!(
        matches!(err, PulsarError::Timeout("get last message id")),
        "{err:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "bounded by the client's timeout"
    );
    let err = consumer.last_message_id().await.expect_err("closed");
    assert_eq!(err.kind(), "unsupported", "{err}");
    broker.await.expect("script");
}

/// Real batch entries: the official client (`pulsar-client`, a dependency of the
/// pulsar-lite package) publishes batches of up to 4; they decode into single messages,
/// and acking every message of a batch acks the entry. Fails without that package (CI
/// installs it: `make deps`).
#[tokio::test]
async fn batches_from_the_official_client() {
    let probe = Command::new("python3")
        .args(["-c", "import pulsar"])
        .output();
    assert!(
        probe.is_ok_and(|out| out.status.success()),
        "python3 cannot import pulsar: pip install pulsar-client, or run `make deps`"
    );
    let broker = Broker::start().await;
    let script = format!(
        "import pulsar\nc = pulsar.Client('pulsar://{}')\n\
         p = c.create_producer('persistent://public/default/batches', batching_enabled=True,\n\
         batching_max_messages=4, batching_max_publish_delay_ms=50)\n\
         for i in range(10):\n\
         \x20   p.send_async(b'b-%d' % i, None, properties={{'i': str(i)}},\n\
         \x20                partition_key='k%d' % (i % 3), event_timestamp=1000 + i)\n\
         p.flush()\nc.close()\n",
        broker.addr
    );
    let out = Command::new("python3")
        .args(["-c", &script])
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let client = broker.client().await;
    let t = topic("batches");
    let subscribe = || client.subscribe(&t, "s", SubType::Exclusive, InitialPosition::Earliest);
    let mut consumer = subscribe().await.expect("subscribe");
    // pulsar-lite names the last entry without a batch index; `reached` reads it to its end.
    let last = consumer.last_message_id().await.expect("last id");
    let last = last.expect("a last id");
    assert_eq!((last.entry_id, last.batch_index), (2, None), "{last}");
    let mut got = Vec::new();
    while !consumer.reached(&last) {
        let m = consumer.next(Duration::from_secs(5)).await.expect("next");
        let m = m.expect("a message before the last id");
        consumer.ack(&m.id).await.expect("ack");
        got.push(m);
    }
    let want: Vec<_> = (0..10).map(|i| format!("b-{i}")).collect();
    assert_eq!(payloads(&got), want);
    for (i, m) in got.iter().enumerate() {
        assert_eq!(m.id.batch_index, u32::try_from(i % 4).ok(), "{}", m.id);
        assert_eq!(
            (m.key.clone(), m.event_time),
            (Some(format!("k{}", i % 3)), Some(1000 + i as u64))
        );
        assert_eq!(m.properties, [("i".to_owned(), i.to_string())]);
    }
    consumer.close().await.expect("close");
    let mut again = subscribe().await.expect("subscribe again");
    assert!(
        again
            .next(Duration::from_millis(300))
            .await
            .expect("next")
            .is_none(),
        "all acked"
    );
}

/// Issue 12: a LOOKUP answered with Redirect is followed (authoritatively when the answer
/// says so) to the broker named, where the topic is then produced to and consumed from. A
/// multi-broker Apache Pulsar cluster cannot run here: the first broker is a stand-in that
/// speaks the protocol as `PulsarApi.proto` documents it (CONNECT/CONNECTED, then a
/// LOOKUP_RESPONSE of type Redirect naming the real pulsar-lite broker); the owner is real.
#[tokio::test]
async fn lookup_redirect_is_followed_to_the_owner() {
    let owner = Broker::start().await;
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let stand_in = listener.local_addr().expect("addr");
    let owner_url = format!("pulsar://{}", owner.addr);
    let script = tokio::spawn(async move {
        let mut c = Fake(listener.accept().await.expect("accept").0, BytesMut::new());
        c.expect(kind::CONNECT).await;
        c.send(kind::CONNECTED, &msg().str(1, "stand-in")).await;
        let lookup = c.expect(kind::LOOKUP).await;
        let f = lookup.fields().expect("fields");
        assert_eq!(
            f.string(1).as_deref(),
            Some("persistent://public/default/moved")
        );
        assert_ne!(f.int(3), Some(1), "the first lookup is not authoritative");
        let rid = f.int(2).expect("request id");
        let answer = msg().str(1, &owner_url).int(3, 0).int(4, rid).int(5, 1);
        c.send(kind::LOOKUP_RESPONSE, &answer).await;
        c // kept open until the end, as a broker would
    });
    let first = Client::connect(stand_in, None, Duration::from_secs(10))
        .await
        .expect("connect to the stand-in");
    assert_eq!(first.server_version(), "stand-in");
    let t = topic("moved");
    let timeout = Duration::from_secs(10);
    let client = connect_owner(first, &t, None, None, timeout, DEFAULT_KEEPALIVE)
        .await
        .expect("redirect followed");
    assert_eq!(client.addr(), owner.addr);
    assert_ne!(client.server_version(), "stand-in");
    let mut consumer = client
        .subscribe(&t, "s", SubType::Exclusive, InitialPosition::Earliest)
        .await
        .expect("subscribe on the owner");
    let producer = client.create_producer(&t).await.expect("producer");
    producer
        .send(Bytes::from_static(b"here"), Vec::new(), None)
        .await
        .expect("send");
    let m = consumer
        .next(timeout)
        .await
        .expect("next")
        .expect("a message");
    assert_eq!(&m.payload[..], b"here");
    drop(script.await.expect("stand-in script"));

    // A broker that redirects forever is given up on, saying so.
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let looping = listener.local_addr().expect("addr");
    let script = tokio::spawn(async move {
        let mut c = Fake(listener.accept().await.expect("accept").0, BytesMut::new());
        c.expect(kind::CONNECT).await;
        c.send(kind::CONNECTED, &msg().str(1, "loop")).await;
        loop {
            let f = c.expect(kind::LOOKUP).await;
            let rid = f.fields().expect("fields").int(2).expect("request id");
            let answer = msg()
                .str(1, &format!("pulsar://{looping}"))
                .int(3, 0)
                .int(4, rid);
            c.send(kind::LOOKUP_RESPONSE, &answer).await;
        }
    });
    let first = Client::connect(looping, None, timeout)
        .await
        .expect("connect");
    let err = connect_owner(first, &t, None, None, timeout, DEFAULT_KEEPALIVE)
        .await
        .expect_err("endless redirects");
    assert!(err.to_string().contains("redirected more than"), "{err}");
    script.abort();
}

/// Issue 12: one message that cannot be read (here: LZ4 data that is not LZ4) is reported
/// with its id and never makes the messages after it unreachable; acking it acks its entry.
#[tokio::test]
async fn unreadable_message_does_not_block_later_ones() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let broker = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.expect("accept");
        let mut c = Fake(socket, BytesMut::new());
        c.expect(kind::CONNECT).await;
        c.send(kind::CONNECTED, &msg().str(1, "fake")).await;
        let sub = c.expect(kind::SUBSCRIBE).await;
        let f = sub.fields().expect("fields");
        let (consumer, rid) = (f.int(4).expect("consumer"), f.int(5).expect("request"));
        c.send(kind::SUCCESS, &msg().int(1, rid)).await;
        c.expect(kind::FLOW).await;
        let id = |entry| MessageId {
            ledger_id: 1,
            entry_id: entry,
            partition: None,
            batch_index: None,
        };
        let cmd = |entry| {
            msg()
                .int(1, consumer)
                .bytes(2, &codec::encode_id(&id(entry)).0)
        };
        let bad = msg()
            .str(1, "fake")
            .int(2, 1)
            .int(3, 1000)
            .int(8, 1)
            .int(9, 64);
        let frame = codec::encode_frame(kind::MESSAGE, &cmd(1), Some((&bad, b"not lz4 at all")));
        c.0.write_all(&frame.expect("encode")).await.expect("write");
        let packed = Compression::Lz4.compress(b"fine").expect("lz4");
        let good = msg()
            .str(1, "fake")
            .int(2, 2)
            .int(3, 1001)
            .int(8, 1)
            .int(9, 4);
        let frame = codec::encode_frame(kind::MESSAGE, &cmd(2), Some((&good, &packed)));
        c.0.write_all(&frame.expect("encode")).await.expect("write");
        let ack = c.expect(kind::ACK).await;
        let f = ack.fields().expect("fields");
        let acked = codec::decode_id(f.bytes(3).expect("id")).expect("id");
        assert_eq!(acked, id(1), "the unreadable entry is acked");
        c
    });
    let client = Client::connect(addr, None, Duration::from_secs(5))
        .await
        .expect("connect");
    let t = topic("t");
    let mut consumer = client
        .subscribe(&t, "s", SubType::Exclusive, InitialPosition::Earliest)
        .await
        .expect("subscribe");
    let err = consumer
        .next(Duration::from_secs(5))
        .await
        .expect_err("unreadable");
    let PulsarError::Unreadable { id, reason } = &err else {
        panic!("expected unreadable, got {err}");
    };
    assert_eq!(id.to_string(), "1:1:-1:-1");
    assert!(reason.starts_with("LZ4"), "{reason}");
    consumer.ack(id).await.expect("ack");
    let m = consumer.next(Duration::from_secs(5)).await.expect("next");
    assert_eq!(&m.expect("the next message").payload[..], b"fine");
    drop(broker.await.expect("script"));
}

/// GET_TOPICS_OF_NAMESPACE against a stand-in broker that answers as Apache Pulsar documents
/// it (pulsar-lite does not answer it at all): the namespace and mode ALL are asked for, the
/// repeated `topics` come back in order, partitions fold into their topic; silence is a
/// timeout, which `arc streams ls` turns into its explanation.
#[tokio::test]
async fn fake_broker_topics_of_namespace() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let listed = [
        "persistent://arc/agents/events-partition-1",
        "persistent://arc/agents/audit",
        "persistent://arc/agents/events-partition-0",
        "non-persistent://arc/agents/presence",
    ];
    let broker = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.expect("accept");
        let mut c = Fake(socket, BytesMut::new());
        c.expect(kind::CONNECT).await;
        c.send(kind::CONNECTED, &msg().str(1, "fake-4")).await;
        let get = c.expect(kind::GET_TOPICS_OF_NAMESPACE).await;
        let f = get.fields().expect("fields");
        assert_eq!(f.string(2).as_deref(), Some("arc/agents"), "namespace");
        assert_eq!(f.int(3), Some(2), "mode ALL");
        let mut reply = msg().int(1, f.int(1).expect("request id"));
        for name in listed {
            reply = reply.str(2, name);
        }
        c.send(kind::GET_TOPICS_OF_NAMESPACE_RESPONSE, &reply).await;
        c.expect(kind::GET_TOPICS_OF_NAMESPACE).await; // left unanswered: a timeout
        c
    });
    let client = Client::connect(addr, None, Duration::from_secs(1))
        .await
        .expect("connect");
    let names = client
        .topics_of_namespace("arc/agents")
        .await
        .expect("topics");
    assert_eq!(names, listed);
    assert_eq!(
        fold_partitions(&names),
        [
            ("non-persistent://arc/agents/presence".to_owned(), 0),
            ("persistent://arc/agents/audit".to_owned(), 0),
            ("persistent://arc/agents/events".to_owned(), 2),
        ]
    );
    let err = client
        .topics_of_namespace("arc/agents")
        .await
        .expect_err("silence");
    assert!(
        matches!(err, PulsarError::Timeout("get topics of namespace")),
        "{err}"
    );
    drop(broker.await.expect("broker"));
}
