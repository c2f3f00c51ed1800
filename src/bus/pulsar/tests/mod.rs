//! Tests against a real pulsar-lite broker, fake brokers, and topic-name parsing.
//!
//! Here: the real broker (pulsar-lite, and the official client for batches); in `fake`: scripted
//! fake brokers and stand-ins for what pulsar-lite does not do.

mod fake;

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
        let addr = SocketAddr::from(([127, 0, 0, 1], crate::test_ports::free_port()));
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

/// Receives (and acks) until `n` messages came (up to 60 s: a bound for a stuck broker, not a
/// speed requirement; a loaded machine may take seconds to redeliver after a seek), then any
/// that follow within `quiet` (a message too many must show).
async fn drain_n(consumer: &mut Consumer, n: usize, quiet: Duration) -> Vec<Message> {
    let mut out = Vec::new();
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while out.len() < n {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match consumer
            .next(left.max(Duration::from_millis(1)))
            .await
            .expect("next")
        {
            Some(m) => {
                consumer.ack(&m.id).await.expect("ack");
                out.push(m);
            }
            None => break,
        }
    }
    out.extend(drain_quiet(consumer, quiet).await);
    out
}

/// Receives (and acks) whatever arrives until `quiet` passes without a message.
async fn drain_quiet(consumer: &mut Consumer, quiet: Duration) -> Vec<Message> {
    let mut out = Vec::new();
    while let Some(m) = consumer.next(quiet).await.expect("next") {
        consumer.ack(&m.id).await.expect("ack");
        out.push(m);
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
        ("my topic", "a space (no whitespace or control characters)"),
        ("tab\t", "a tab (no whitespace or control characters)"),
        (
            "bell\u{7}",
            "the character U+0007 (no whitespace or control characters)",
        ),
        (
            "http://a/b/c",
            "scheme `http` (use persistent or non-persistent)",
        ),
        ("persistent://a/b", "expected tenant/namespace/topic"),
        ("persistent://x", "expected tenant/namespace/topic"),
        ("a/b", "expected tenant/namespace/topic"),
        ("persistent://a/b/c/d", "'/' inside the topic's own name"),
        ("a/b/c/", "'/' inside the topic's own name"),
        ("persistent:///b/c", "empty tenant"),
        ("persistent://a//c", "empty namespace"),
        ("persistent://a/b/", "empty topic"),
        ("te$nant/ns/t", "character `$` in the tenant"),
        ("t/n#s/t", "character `#` in the namespace"),
    ] {
        let err = Topic::parse(name).expect_err(name);
        let want = format!(
            "invalid pulsar topic: {why} in `{}`; a valid topic: {TOPIC_EXAMPLE}",
            name.escape_debug()
        );
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
    let got = drain_n(&mut consumer, 1000, Duration::from_millis(500)).await;
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
    // Read from each in turn until all 200 came (60 s: a bound, not a speed requirement).
    let (mut got_a, mut got_b) = (Vec::new(), Vec::new());
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while got_a.len() + got_b.len() < 200 && std::time::Instant::now() < deadline {
        for (c, got) in [(&mut a, &mut got_a), (&mut b, &mut got_b)] {
            if let Some(m) = c.next(Duration::from_millis(100)).await.expect("next") {
                c.ack(&m.id).await.expect("ack");
                got.push(m);
            }
        }
    }
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
    let got = drain_n(&mut consumer, 5, Duration::from_millis(500)).await;
    let want: Vec<_> = (0..5).map(|i| format!("after-{i}")).collect();
    assert_eq!(payloads(&got), want);
    assert!(got.iter().all(|m| m.publish_time >= cut));
    consumer.seek_by_time(0).await.expect("seek to the start");
    assert_eq!(
        drain_n(&mut consumer, 10, Duration::from_millis(500))
            .await
            .len(),
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
    let err = Client::connect(
        SocketAddr::from(([127, 0, 0, 1], crate::test_ports::free_port())),
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
