//! Messaging throughput: `arc pub`, `arc sub` and `arc replay` against a raw async-nats loop in
//! the same run, on the same nats-server, with 128-byte messages. Prints messages/s and the
//! ratio arc/raw (targets: pub >= 0.90, sub >= 0.80, replay >= 0.80). Then Pulsar on pulsar-lite
//! (N/10 messages): `arc pub` and `arc replay` against the official client (`pulsar-client`)
//! producing and consuming the same messages on the same broker (ratio arc/official, goal
//! >= 1.0), and `arc replay` of LZ4-compressed messages.
//!
//!     cargo bench --bench messaging            # 1,000,000 messages
//!     ARC_BENCH_N=200000 cargo bench --bench messaging
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::cast_precision_loss
)]

use std::io::{BufRead, BufReader};
use std::net::Ipv4Addr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use futures::StreamExt;

const SIZE: usize = 128;

/// Ports for the bench's servers: the tests' allocator (below the kernel's ephemeral range).
#[path = "../tests/support/ports.rs"]
mod ports;
use ports::free_port;

/// nats-server and its data directory, both gone on drop.
struct Server {
    child: Child,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[allow(clippy::zombie_processes)] // the child is killed and reaped by `Server`'s drop
fn start_server(port: u16) -> Server {
    let dir = tempfile::tempdir().expect("tempdir");
    let conf = dir.path().join("nats.conf");
    // A large per-connection buffer so neither side's subscriber is cut off as a slow consumer.
    std::fs::write(&conf, format!("port: {port}\nhost: 127.0.0.1\nmax_pending: 1073741824\njetstream {{ store_dir: \"{}\" }}\n", dir.path().join("js").display())).expect("conf");
    let child = Command::new("nats-server")
        .args(["-c", &conf.display().to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("nats-server (apt-get install nats-server)");
    for _ in 0..200 {
        if std::net::TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_ok() {
            return Server { child, _dir: dir };
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("nats-server did not start");
}

async fn client(url: &str) -> async_nats::Client {
    async_nats::ConnectOptions::new()
        .subscription_capacity(1 << 18)
        .connect(url)
        .await
        .expect("connect")
}

fn arc(url: &str, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_arc"));
    c.args(args)
        .args(["--server", url])
        .env("CI", "true")
        .stdin(Stdio::null());
    c
}

async fn raw_publish(url: &str, subject: &str, n: u64) -> f64 {
    let c = client(url).await;
    let body = bytes::Bytes::from(vec![b'x'; SIZE]);
    let t = Instant::now();
    for _ in 0..n {
        c.publish(subject.to_owned(), body.clone())
            .await
            .expect("publish");
    }
    c.flush().await.expect("flush");
    n as f64 / t.elapsed().as_secs_f64()
}

fn arc_publish(url: &str, subject: &str, n: u64) -> f64 {
    let t = Instant::now();
    let st = arc(
        url,
        &[
            "-q",
            "pub",
            subject,
            "--size",
            &SIZE.to_string(),
            "--count",
            &n.to_string(),
        ],
    )
    .status()
    .expect("arc pub");
    assert!(st.success());
    n as f64 / t.elapsed().as_secs_f64()
}

/// Messages/s seen by a raw subscriber while a raw publisher sends `n`.
async fn raw_subscribe(url: &str, n: u64) -> f64 {
    let c = client(url).await;
    let mut sub = c.subscribe("bench.sub").await.expect("sub");
    c.flush().await.expect("flush");
    let url2 = url.to_owned();
    let t = Instant::now();
    let publisher = tokio::spawn(async move { raw_publish(&url2, "bench.sub", n).await });
    let mut got = 0;
    while got < n {
        if sub.next().await.is_none() {
            break;
        }
        got += 1;
    }
    let rate = got as f64 / t.elapsed().as_secs_f64();
    let _ = publisher.await;
    rate
}

/// Messages/s for `arc sub --count n > /dev/null` while a raw publisher sends `n`.
async fn arc_subscribe(url: &str, n: u64) -> f64 {
    let mut child = arc(url, &["sub", "bench.sub", "--count", &n.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("arc sub");
    let mut err = BufReader::new(child.stderr.take().expect("stderr"));
    let mut line = String::new();
    err.read_line(&mut line).expect("listening line");
    let t = Instant::now();
    raw_publish(url, "bench.sub", n).await;
    let st = child.wait().expect("wait");
    assert!(st.success());
    n as f64 / t.elapsed().as_secs_f64()
}

async fn fill_stream(url: &str, n: u64) {
    let js = async_nats::jetstream::new(client(url).await);
    js.create_stream(async_nats::jetstream::stream::Config {
        name: "BENCH".into(),
        subjects: vec!["bench.js.>".into()],
        ..Default::default()
    })
    .await
    .expect("stream");
    let body = bytes::Bytes::from(vec![b'x'; SIZE]);
    let mut acks = std::collections::VecDeque::new();
    for _ in 0..n {
        acks.push_back(
            js.publish("bench.js.x", body.clone())
                .await
                .expect("publish"),
        );
        if acks.len() > 4096 {
            acks.pop_front().expect("ack").await.expect("ack");
        }
    }
    for a in acks {
        a.await.expect("ack");
    }
}

async fn raw_replay(url: &str, n: u64) -> f64 {
    use async_nats::jetstream::consumer::{pull::OrderedConfig, DeliverPolicy};
    let js = async_nats::jetstream::new(client(url).await);
    let t = Instant::now();
    let stream = js.get_stream("BENCH").await.expect("stream");
    let start = time::OffsetDateTime::now_utc() - time::Duration::hours(1);
    let consumer = stream
        .create_consumer(OrderedConfig {
            deliver_policy: DeliverPolicy::ByStartTime { start_time: start },
            ..Default::default()
        })
        .await
        .expect("consumer");
    let mut msgs = consumer.messages().await.expect("messages");
    let mut got = 0;
    while got < n {
        let m = msgs.next().await.expect("end").expect("message");
        let _ = m.info();
        got += 1;
    }
    got as f64 / t.elapsed().as_secs_f64()
}

fn arc_replay(url: &str, n: u64) -> f64 {
    let t = Instant::now();
    let st = arc(url, &["-q", "replay", "BENCH", "--since", "1h"])
        .stdout(Stdio::null())
        .status()
        .expect("arc replay");
    assert!(st.success());
    n as f64 / t.elapsed().as_secs_f64()
}

fn row(name: &str, raw: f64, arc: f64, target: f64) {
    let ratio = arc / raw;
    println!(
        "{name:<34} raw {raw:>12.0} msg/s   arc {arc:>12.0} msg/s   ratio {ratio:>5.2}  (target >= {target:.2}) {}",
        if ratio >= target { "ok" } else { "BELOW TARGET" }
    );
}

/// pulsar-lite on a free port, metrics off; killed on drop.
#[allow(clippy::zombie_processes)] // the child is killed and reaped by `Server`'s drop
fn start_pulsar(port: u16) -> Server {
    let dir = tempfile::tempdir().expect("tempdir");
    let conf = dir.path().join("pulsar-lite.toml");
    std::fs::write(&conf, "[metrics]\nenabled = false\n").expect("conf");
    let child = Command::new("pulsar-lite")
        .args([
            "--config",
            &conf.display().to_string(),
            "--addr",
            &format!("127.0.0.1:{port}"),
        ])
        .args(["--db-path", &dir.path().join("db").display().to_string()])
        .current_dir(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("pulsar-lite (pip install pulsar-lite; make deps)");
    for _ in 0..500 {
        if std::net::TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_ok() {
            return Server { child, _dir: dir };
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("pulsar-lite did not start");
}

/// `arc ARGS… --pulsar-url URL` (quiet, stdout discarded); its wall time in seconds.
fn arc_pulsar(url: &str, args: &[&str]) -> f64 {
    let t = Instant::now();
    let st = Command::new(env!("CARGO_BIN_EXE_arc"))
        .arg("-q")
        .args(args)
        .args(["--pulsar-url", url])
        .env("CI", "true")
        .stdout(Stdio::null())
        .status()
        .expect("arc");
    assert!(st.success(), "arc {args:?} failed");
    t.elapsed().as_secs_f64()
}

/// Runs the official client (`pulsar-client` from PyPI) on `script`, which prints the seconds
/// its timed part took; `URL`, `N`, `SIZE` and `pulsar` are defined for it.
fn official(url: &str, n: u64, script: &str) -> f64 {
    let full = format!(
        "import logging, os, sys, time, pulsar\nURL = {url:?}\nN = {n}\nSIZE = {SIZE}\n\
         logging.basicConfig(level=logging.ERROR, stream=sys.stderr)\n\
         c = pulsar.Client(URL, logger=logging.getLogger('pulsar'))\n{script}\n\
         sys.stdout.flush()\nos._exit(0)\n"
    );
    let out = Command::new("python3")
        .args(["-c", &full])
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "the official client failed (pip install pulsar-client; make deps): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .expect("seconds from the official client")
}

/// Pulsar on pulsar-lite: arc's produce and replay rates, a replay of LZ4-compressed messages,
/// and the official client (`pulsar-client`, the C++ client's Python binding, batching off as
/// arc's producer) producing and consuming (acking each) the same number of messages of the
/// same size on the same broker; the ratio arc/official is the figure.
fn pulsar(n: u64) {
    let port = free_port();
    let _broker = start_pulsar(port);
    let url = format!("pulsar://127.0.0.1:{port}");
    let count = n.to_string();
    let size = SIZE.to_string();
    let topic = "persistent://public/default/bench";
    let secs = arc_pulsar(&url, &["pub", topic, "--size", &size, "--count", &count]);
    let produce = n as f64 / secs;
    let replay = n as f64 / arc_pulsar(&url, &["replay", topic, "--since", "1h"]);
    let lz4 = "persistent://public/default/bench-lz4";
    let pub_lz4 = [
        "pub",
        lz4,
        "--size",
        &size,
        "--count",
        &count,
        "--compression",
        "lz4",
    ];
    arc_pulsar(&url, &pub_lz4);
    let replay_lz4 = n as f64 / arc_pulsar(&url, &["replay", lz4, "--since", "1h"]);
    let official_produce = n as f64
        / official(
            &url,
            n,
            // Blocking when its queue is full, and counting failed sends: with the defaults
            // the client drops what does not fit its 1,000-message queue and reports it only
            // to the callback, so a bench that ignored it timed sends that never happened.
            "p = c.create_producer('persistent://public/default/bench-official', \
             batching_enabled=False, block_if_queue_full=True)\n\
             body = os.urandom(SIZE)\n\
             failed = []\n\
             def sent(result, msg_id):\n\
             \x20   if result != pulsar.Result.Ok:\n\
             \x20       failed.append(result)\n\
             t = time.perf_counter()\n\
             for i in range(N):\n    p.send_async(body, sent)\n\
             p.flush()\nelapsed = time.perf_counter() - t\n\
             assert not failed, '%d sends failed: %s' % (len(failed), failed[0])\n\
             print(elapsed)",
        );
    let official_consume = n as f64
        / official(
            &url,
            n,
            "t = time.perf_counter()\n\
             s = c.subscribe('persistent://public/default/bench', 'official', \
             initial_position=pulsar.InitialPosition.Earliest)\n\
             seen = set()\n\
             while len(seen) < N:\n\
             \x20   m = s.receive(timeout_millis=10000)\n\
             \x20   s.acknowledge(m)\n\
             \x20   seen.add(str(m.message_id()))\n\
             print(time.perf_counter() - t)",
        );
    println!("pulsar-lite, {n} messages of {SIZE} bytes, arc against the official client:");
    for (name, official, ours) in [
        ("arc pub persistent://…", official_produce, produce),
        ("arc replay persistent://…", official_consume, replay),
    ] {
        println!(
            "{name:<34} official {official:>9.0} msg/s   arc {ours:>9.0} msg/s   ratio {:>5.2}  \
             (goal >= 1.00)",
            ours / official
        );
    }
    println!(
        "{:<34} {replay_lz4:>12.0} msg/s  (LZ4-compressed by arc pub --compression lz4)",
        "arc replay persistent://… (LZ4)"
    );
}

#[tokio::main]
async fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs it with a tiny N.
    let quick = !std::env::args().any(|a| a == "--bench");
    let n: u64 = std::env::var("ARC_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if quick { 2_000 } else { 1_000_000 });
    let port = free_port();
    let _server = start_server(port);
    let url = format!("nats://127.0.0.1:{port}");
    println!("messaging throughput, {n} messages of {SIZE} bytes, nats-server on {url}");

    let raw = raw_publish(&url, "bench.pub", n).await;
    let ours = arc_publish(&url, "bench.pub", n);
    row("arc pub --count N", raw, ours, 0.90);

    let raw = raw_subscribe(&url, n).await;
    let ours = arc_subscribe(&url, n).await;
    row("arc sub --count N > /dev/null", raw, ours, 0.80);

    fill_stream(&url, n).await;
    let raw = raw_replay(&url, n).await;
    let ours = arc_replay(&url, n);
    row("arc replay (JetStream)", raw, ours, 0.80);

    pulsar((n / 10).max(1_000));
}
