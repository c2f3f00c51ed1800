//! Issue 12: arc against the official Pulsar client (`pulsar-client` from PyPI, the C++ client
//! the platform's Java/Python/Go producers behave like), both on a real pulsar-lite broker
//! started here on a free port. The official client is the other side of every exchange:
//! what it produces arc must read exactly, and what arc produces it must read.

mod support;

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use support::{free_port, Run};

/// A pulsar-lite broker on a free port, with its own data directory; killed on drop.
struct Broker {
    child: Child,
    dir: tempfile::TempDir,
    addr: String,
    url: String,
}

impl Broker {
    /// Starts pulsar-lite with `extra` prepended to its config (top-level settings such as
    /// `default_partitions = 3`), and waits until it accepts connections.
    fn start(extra: &str) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let config = dir.path().join("pulsar-lite.toml");
        // Without `[metrics] enabled = false` it also serves metrics on 0.0.0.0:8080.
        std::fs::write(&config, format!("{extra}\n[metrics]\nenabled = false\n")).expect("config");
        let addr = format!("127.0.0.1:{}", free_port());
        let child = Self::spawn(dir.path(), &addr);
        let mut broker = Self {
            child,
            dir,
            url: format!("pulsar://{addr}"),
            addr,
        };
        broker.wait_listening();
        broker
    }

    /// pulsar-lite on `addr` with the config and data in `dir`.
    fn spawn(dir: &std::path::Path, addr: &str) -> Child {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(dir.join("broker.log"))
            .expect("log");
        Command::new(program("pulsar-lite", "pip install pulsar-lite"))
            .arg("--config")
            .arg(dir.join("pulsar-lite.toml"))
            .args(["--addr", addr, "--log-level", "warn", "--db-path"])
            .arg(dir.join("db"))
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("spawn pulsar-lite")
    }

    fn wait_listening(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(&self.addr).is_err() {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("pulsar-lite exited ({status}): {}", self.log());
            }
            assert!(
                Instant::now() < deadline,
                "pulsar-lite never listened on {}",
                self.addr
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Kills the broker (SIGKILL: connections drop at once).
    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Starts it again, same address and data.
    fn restart(&mut self) {
        self.child = Self::spawn(self.dir.path(), &self.addr);
        self.wait_listening();
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("broker.log")).unwrap_or_default()
    }

    /// `arc ARGS…` pointed at this broker.
    fn arc<I, S>(&self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        Run::new(args).env("ARC_PULSAR_URL", &self.url)
    }

    /// Runs a Python script with `URL` bound to this broker's URL, `pulsar` imported,
    /// `client()` making a client that logs to stderr (stdout is the script's data) and
    /// `sent`, the callback every `send_async` passes: a send the broker did not take (the
    /// client's queue full, a timeout, an error) fails the script, so a test never reads back
    /// fewer messages than it believes it wrote. The script ends with `os._exit`: the
    /// official C++ client (3.13) aborts now and then ("terminate called without an active
    /// exception") while tearing a client down, after `flush()` returned, that is after
    /// every message was acknowledged by the broker; returns its stdout, failing the test
    /// (with its stderr) if it fails.
    fn python(&self, script: &str) -> String {
        let full = format!(
            "import json, logging, os, sys, pulsar\nURL = {:?}\n\
             logging.basicConfig(level=logging.WARNING, stream=sys.stderr)\n\
             def client():\n    return pulsar.Client(URL, logger=logging.getLogger('pulsar'))\n\
             FAILED = []\n\
             def sent(result, msg_id):\n\
             \x20   if result != pulsar.Result.Ok:\n\
             \x20       FAILED.append(str(result))\n\
             {script}\nsys.stdout.flush()\n\
             if FAILED:\n\
             \x20   sys.stderr.write('%d sends failed: %s\\n' % (len(FAILED), sorted(set(FAILED))))\n\
             \x20   sys.stderr.flush()\n\
             \x20   os._exit(1)\n\
             os._exit(0)\n",
            self.url
        );
        let out = Command::new(program("python3", "apt-get install python3"))
            .args(["-c", &full])
            .output()
            .expect("run python3");
        assert!(
            out.status.success(),
            "the official client failed (pip install pulsar-client, or `make deps`):\n{}\n\
             --- broker log\n{}",
            String::from_utf8_lossy(&out.stderr),
            self.log()
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `name` on PATH; a missing one fails the test with how to install it.
fn program(name: &str, install: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("`{name}` is not installed: {install}, or run `make deps`"))
}

fn lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// The body of message `i` on `topic`: its sizes vary (up to ~6 KB, repetitive, so that the
/// codecs have work to do); the same function is written out in Python below.
fn body(topic: &str, i: usize) -> String {
    let fill = "abcdefgh".repeat((i * 7919) % 750);
    format!("{topic}#{i}#{fill}")
}

/// The Python twin of [`body`].
const PY_BODY: &str =
    "def body(topic, i):\n    return '%s#%d#%s' % (topic, i, 'abcdefgh' * ((i * 7919) % 750))\n";

/// Issue 12: for each codec with batching on and off, 1,000 messages produced by the official
/// client (keys, ordering keys, event times and properties on each) are replayed by arc
/// exactly and in order, with their key, ordering key and event time in `--json`.
#[test]
fn official_compressed_messages_replay_exactly() {
    const N: usize = 1000;
    let broker = Broker::start("");
    // The Python binding's names for LZ4, ZLIB, ZSTD and SNAPPY.
    let cases: Vec<(String, &str, bool)> = ["LZ4", "ZLib", "ZSTD", "SNAPPY"]
        .into_iter()
        .flat_map(|codec| [false, true].map(move |batched| (codec, batched)))
        .map(|(codec, batched)| {
            let topic = format!("persistent://public/default/official-{codec}-{batched}");
            (topic, codec, batched)
        })
        .collect();
    let mut script = String::from(PY_BODY);
    script.push_str("c = client()\n");
    for (topic, codec, batched) in &cases {
        let batching = if *batched {
            "batching_enabled=True, batching_max_messages=37, batching_max_publish_delay_ms=20"
        } else {
            "batching_enabled=False"
        };
        script.push_str(&format!(
            "p = c.create_producer({topic:?}, compression_type=pulsar.CompressionType.{codec}, \
             {batching}, block_if_queue_full=True)\n\
             for i in range({N}):\n\
             \x20   p.send_async(body({topic:?}, i).encode(), sent, properties={{'i': str(i)}},\n\
             \x20                partition_key='k%d' % (i % 7), ordering_key='o%d' % (i % 3),\n\
             \x20                event_timestamp=1700000000000 + i)\n\
             p.flush()\np.close()\n"
        ));
    }
    broker.python(&script);
    for (topic, codec, batched) in &cases {
        let out = broker
            .arc(["--json", "replay", topic, "--since", "1h"])
            .run()
            .success();
        let got = lines(&out.stdout());
        let data: Vec<&str> = got.iter().map(|m| m["data"].as_str().unwrap()).collect();
        let want: Vec<String> = (0..N).map(|i| body(topic, i)).collect();
        assert_eq!(data.len(), N, "{codec} batched={batched}: count");
        assert!(
            data == want,
            "{codec} batched={batched}: bodies or order differ"
        );
        for (i, m) in got.iter().enumerate() {
            assert_eq!(m["headers"]["i"][0], i.to_string(), "{codec} {batched}");
            assert_eq!(m["key"], format!("k{}", i % 7), "{codec} {batched}");
            assert_eq!(
                m["ordering_key"],
                format!("o{}", i % 3),
                "{codec} {batched}"
            );
            let event = chrono::DateTime::from_timestamp_millis(
                1_700_000_000_000 + i64::try_from(i).unwrap(),
            )
            .unwrap()
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
            assert_eq!(m["event_time"], event, "{codec} {batched}");
            assert!(m["published"].is_string(), "{m}");
        }
        // The batch index shows in the id when, and only when, the producer batched.
        let ids: Vec<&str> = got.iter().map(|m| m["seq"].as_str().unwrap()).collect();
        let batch_ids = ids.iter().filter(|id| !id.ends_with(":-1")).count();
        assert_eq!(batch_ids > 0, *batched, "{codec}: ids {:?}", &ids[..5]);
    }
}

/// Issue 12: what arc publishes with each `--compression` (and with `--key`/`--event-time`)
/// the official consumer reads back: bodies, key and event time. The official consumer may
/// see pulsar-lite's duplicate deliveries (see src/bus/pulsar/client/consumer.rs), so it keeps the
/// first delivery of each message id.
#[test]
fn official_consumer_reads_what_arc_compresses() {
    const N: usize = 200;
    let broker = Broker::start("");
    for codec in ["lz4", "zlib", "zstd", "snappy"] {
        let topic = format!("persistent://public/default/arc-{codec}");
        let body = format!("{codec} {{{{Count}}}} {}", "repetitive ".repeat(40));
        broker
            .arc([
                "pub",
                &topic,
                &body,
                "--count",
                &N.to_string(),
                "--compression",
                codec,
                "--key",
                &format!("key-{codec}"),
                "--event-time",
                "2026-01-02T03:04:05.678Z",
                "-H",
                "via:arc",
            ])
            .run()
            .success();
        let out = broker.python(&format!(
            "c = client()\n\
             s = c.subscribe({topic:?}, 'official', \
             initial_position=pulsar.InitialPosition.Earliest)\n\
             seen = set()\n\
             while len(seen) < {N}:\n\
             \x20   m = s.receive(timeout_millis=10000)\n\
             \x20   s.acknowledge(m)\n\
             \x20   if str(m.message_id()) in seen: continue\n\
             \x20   seen.add(str(m.message_id()))\n\
             \x20   print(json.dumps({{'data': m.data().decode(), 'key': m.partition_key(),\n\
             \x20       'event_time': m.event_timestamp(), 'via': m.properties().get('via')}}))\n\
"
        ));
        let got = lines(&out);
        assert_eq!(got.len(), N, "{codec}");
        for (i, m) in got.iter().enumerate() {
            let want = format!("{codec} {} {}", i + 1, "repetitive ".repeat(40));
            assert_eq!(m["data"], want, "{codec}");
            assert_eq!(m["key"], format!("key-{codec}"), "{codec}");
            assert_eq!(m["event_time"], 1_767_323_045_678_u64, "{codec}");
            assert_eq!(m["via"], "arc", "{codec}");
        }
    }
    // The text form shows the key.
    let topic = "persistent://public/default/arc-lz4";
    let out = broker
        .arc(["replay", topic, "--since", "1h"])
        .env("NO_COLOR", "1")
        .run()
        .success();
    let first = out.stdout().lines().next().unwrap_or_default().to_owned();
    assert!(first.contains(" key=key-lz4 lz4 1 "), "{first}");
    // Pulsar options on a NATS subject are refused, naming the flag.
    let out = broker
        .arc(["pub", "agent.events", "x", "--key", "k"])
        .run()
        .expect_code(2);
    assert!(
        out.stderr().contains("it is a Pulsar option"),
        "{}",
        out.stderr()
    );
}

/// Sends `signal` (`STOP`, `CONT`, `TERM`) to `pid`.
fn signal(pid: u32, signal: &str) {
    let status = Command::new("kill")
        .args([&format!("-{signal}"), &pid.to_string()])
        .status()
        .expect("kill");
    assert!(status.success(), "kill -{signal} {pid}");
}

/// Issue 12: a broker that goes silent (SIGSTOP: the socket stays open, nothing answers)
/// makes `sub` give up with exit 1 and a clear error once a PING goes unanswered for the
/// keepalive interval; a broker that is not there gets the Pulsar hint, not the NATS one.
#[test]
fn silent_broker_ends_sub_and_errors_name_pulsar_flags() {
    let broker = Broker::start("");
    let topic = "persistent://public/default/silent";
    let mut sub = broker
        .arc(["sub", topic, "--pulsar-keepalive", "1s"])
        .spawn();
    sub.wait_for("listening on `persistent://public/default/silent`");
    signal(broker.child.id(), "STOP");
    let line = sub.wait_for_line("error:");
    let (code, _) = sub.finish();
    signal(broker.child.id(), "CONT");
    assert_eq!(code, 1, "{line}");
    assert!(
        line.contains("sent nothing for 1.0s after a PING (keepalive)"),
        "{line}"
    );

    let nobody = format!("pulsar://127.0.0.1:{}", free_port());
    let out = Run::new(["pub", topic, "x"])
        .env("ARC_PULSAR_URL", &nobody)
        .run()
        .expect_code(1);
    assert!(
        out.stderr()
            .contains("cannot connect to the Pulsar broker at pulsar://127.0.0.1:"),
        "{}",
        out.stderr()
    );
    assert!(
        out.stderr().contains("`--pulsar-url` (or ARC_PULSAR_URL)"),
        "{}",
        out.stderr()
    );
    assert!(!out.stderr().contains("ARC_NATS_URL"), "{}", out.stderr());
}

/// Issue 12: SIGTERM (and SIGINT) during `replay --follow` removes its `arc-replay-*`
/// subscription. Checked with a fresh consumer on that name: had the subscription stayed,
/// it would start at its old cursor and get `after` (published once arc was gone) before
/// `marker`; removed, the fresh subscription starts at the latest message and gets `marker`.
/// The control case shows the check tells the two apart: `arc sub` keeps its subscription.
#[test]
fn replay_removes_its_subscription_on_signals() {
    let broker = Broker::start("");
    let topic = "persistent://public/default/replayed";
    broker.arc(["pub", topic, "before"]).run().success();
    // The first message a fresh `--position latest` consumer named `name` gets, once
    // `after` was published and the consumer listens, when `marker` is published.
    let first_after = |name: &str| {
        broker.arc(["pub", topic, "after"]).run().success();
        let mut fresh = broker
            .arc([
                "--json",
                "sub",
                topic,
                "--subscription",
                name,
                "--count",
                "1",
            ])
            .spawn();
        fresh.wait_for("listening on");
        broker.arc(["pub", topic, "marker"]).run().success();
        let (code, out) = fresh.finish();
        assert_eq!(code, 0, "{out}");
        lines(&out)[0]["data"].as_str().unwrap().to_owned()
    };
    for sig in ["TERM", "INT"] {
        let mut replay = broker
            .arc(["--json", "replay", topic, "--since", "1h", "--follow"])
            .spawn();
        let line = replay.wait_for_line("following `persistent://public/default/replayed`");
        let name = line
            .split('`')
            .find(|s| s.starts_with("arc-replay-"))
            .unwrap_or_else(|| panic!("no subscription name in {line}"))
            .to_owned();
        signal(replay.pid(), sig);
        let (code, out) = replay.finish();
        assert_eq!(code, 0, "SIG{sig}");
        // The signal may come before or after the replay printed what the topic holds.
        for m in lines(&out) {
            assert!(["before", "after", "marker"].contains(&m["data"].as_str().unwrap()));
        }
        assert_eq!(
            first_after(&name),
            "marker",
            "SIG{sig}: `{name}` was left behind"
        );
    }
    // Control: a subscription that stays is seen by the same check.
    broker
        .arc([
            "sub",
            topic,
            "--subscription",
            "kept",
            "--position",
            "earliest",
            "--count",
            "1",
        ])
        .run()
        .success();
    assert_eq!(first_after("kept"), "after");
}

/// The partition and the (ledger, entry, batch index) of a `--json` message's `seq`
/// (`ledger:entry:partition:batch`).
fn seq_parts(m: &Value) -> (i64, (i64, i64, i64)) {
    let seq = m["seq"].as_str().unwrap();
    let n: Vec<i64> = seq.split(':').map(|p| p.parse().unwrap()).collect();
    assert_eq!(n.len(), 4, "{seq}");
    (n[2], (n[0], n[1], n[3]))
}

/// Issue 12: a partitioned topic by its own name (pulsar-lite's `default_partitions` makes
/// every new topic partitioned, as `arc streams apply` declares them on Apache Pulsar). The
/// official client produces into it (its router spreads messages over the partitions); arc
/// replays it merged in publish-time order (ties by partition, then id), every message once,
/// and ends; `arc streams info` shows the partitions; `arc sub` consumes every partition;
/// `arc pub` routes round robin, or by key (one key, one partition), and the official
/// consumer reads it all.
#[test]
fn partitioned_topics_by_name() {
    const N: usize = 600;
    let broker = Broker::start("default_partitions = 3");
    let topic = "persistent://public/default/parted";
    broker.python(&format!(
        "{PY_BODY}c = client()\n\
         p = c.create_producer({topic:?}, batching_enabled=False, block_if_queue_full=True)\n\
         for i in range({N}):\n\
         \x20   p.send_async(body({topic:?}, i).encode(), sent, partition_key='k%d' % (i % 11))\n\
         p.flush()\n"
    ));
    let out = broker
        .arc(["--json", "replay", topic, "--since", "1h"])
        .run()
        .success();
    assert!(
        out.stderr().contains(&format!("replayed {N} messages")),
        "{}",
        out.stderr()
    );
    let got = lines(&out.stdout());
    let mut data: Vec<String> = got
        .iter()
        .map(|m| m["data"].as_str().unwrap().to_owned())
        .collect();
    let order: Vec<(String, i64, (i64, i64, i64))> = got
        .iter()
        .map(|m| {
            let (partition, id) = seq_parts(m);
            (m["published"].as_str().unwrap().to_owned(), partition, id)
        })
        .collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert!(order == sorted, "not in publish-time order");
    let partitions: std::collections::BTreeSet<i64> = order.iter().map(|o| o.1).collect();
    assert_eq!(partitions.into_iter().collect::<Vec<_>>(), [0, 1, 2]);
    data.sort();
    let mut want: Vec<String> = (0..N).map(|i| body(topic, i)).collect();
    want.sort();
    assert!(data == want, "every message exactly once");

    // `streams info` shows the partitions.
    let out = broker
        .arc(["--json", "streams", "info", topic])
        .run()
        .success();
    assert_eq!(
        out.json(),
        serde_json::json!({ "topic": topic, "partitions": 3 })
    );
    let out = broker.arc(["streams", "info", topic]).run().success();
    assert!(
        out.stdout()
            .contains("persistent://public/default/parted-partition-2"),
        "{}",
        out.stdout()
    );

    // `sub` consumes every partition (bounded: `finish` gives up after 20 s).
    let mut sub = broker
        .arc([
            "--json",
            "sub",
            topic,
            "--position",
            "earliest",
            "--subscription",
            "all",
            "--count",
            &N.to_string(),
        ])
        .spawn();
    sub.wait_for("listening on `persistent://public/default/parted` (3 partitions)");
    let (code, out) = sub.finish();
    assert_eq!(code, 0);
    let mut data: Vec<String> = lines(&out)
        .iter()
        .map(|m| m["data"].as_str().unwrap().to_owned())
        .collect();
    data.sort();
    assert!(data == want, "sub: every message once");

    // `pub` by name: round robin without a key, one partition per key.
    let fresh = "persistent://public/default/arc-parted";
    let out = broker
        .arc(["--json", "pub", fresh, "rr {{Count}}", "--count", "30"])
        .run()
        .success();
    assert_eq!(out.json()["partitions"], 3);
    for key in ["alpha", "beta"] {
        broker
            .arc([
                "pub",
                fresh,
                &format!("{key} {{{{Count}}}}"),
                "--count",
                "20",
                "--key",
                key,
            ])
            .run()
            .success();
    }
    let out = broker
        .arc(["--json", "replay", fresh, "--since", "1h"])
        .run()
        .success();
    let got = lines(&out.stdout());
    assert_eq!(got.len(), 70);
    let mut per_partition = [0; 3];
    for m in got
        .iter()
        .filter(|m| m["data"].as_str().unwrap().starts_with("rr "))
    {
        per_partition[usize::try_from(seq_parts(m).0).unwrap()] += 1;
    }
    assert_eq!(per_partition, [10, 10, 10], "round robin");
    for key in ["alpha", "beta"] {
        let of_key: std::collections::BTreeSet<i64> = got
            .iter()
            .filter(|m| m["key"] == key)
            .map(|m| seq_parts(m).0)
            .collect();
        assert_eq!(of_key.len(), 1, "`{key}` went to {of_key:?}");
    }
    let out = broker.python(&format!(
        "c = client()\n\
         s = c.subscribe({fresh:?}, 'official', initial_position=pulsar.InitialPosition.Earliest)\n\
         seen = set()\n\
         while len(seen) < 70:\n\
         \x20   m = s.receive(timeout_millis=10000)\n\
         \x20   s.acknowledge(m)\n\
         \x20   seen.add(m.data().decode())\n\
         print(json.dumps(sorted(seen)))\n"
    ));
    let seen: Vec<String> = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(seen.len(), 70);
}

/// Issue 12: when the connection drops (here the broker is killed and started again on the
/// same address and data), `sub` and `replay --follow` say so, resume the same subscription on
/// a new connection and go on, instead of exiting.
#[test]
fn sub_and_follow_resume_after_the_broker_restarts() {
    let mut broker = Broker::start("");
    let topic = "persistent://public/default/restarted";
    broker.arc(["pub", topic, "before"]).run().success();
    let mut sub = broker
        .arc([
            "--json",
            "sub",
            topic,
            "--subscription",
            "r",
            "--count",
            "1",
        ])
        .spawn();
    sub.wait_for("listening on");
    let mut follow = broker
        .arc(["--json", "replay", topic, "--since", "1h", "--follow"])
        .spawn();
    follow.wait_for("following");
    follow.wait_for_stdout("\"data\":\"before\"");
    broker.kill();
    sub.wait_for("lost the connection to the broker");
    follow.wait_for("lost the connection to the broker");
    broker.restart();
    sub.wait_for("resumed `persistent://public/default/restarted` (subscription `r`)");
    follow.wait_for("resumed `persistent://public/default/restarted`");
    broker.arc(["pub", topic, "after"]).run().success();
    let (code, out) = sub.finish();
    assert_eq!(code, 0);
    assert_eq!(lines(&out)[0]["data"], "after");
    follow.wait_for_stdout("\"data\":\"after\"");
    signal(follow.pid(), "TERM");
    let (code, out) = follow.finish();
    assert_eq!(code, 0);
    let data: Vec<Value> = lines(&out).iter().map(|m| m["data"].clone()).collect();
    assert!(data.contains(&Value::from("after")), "{data:?}");
    assert!(data.contains(&Value::from("before")), "{data:?}");
}

/// Runs `openssl ARGS…` in `dir`, failing the test (with its stderr) if it fails.
fn openssl(dir: &std::path::Path, args: &[&str]) {
    let out = Command::new(program("openssl", "apt-get install openssl"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run openssl");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A TLS terminator in front of `upstream` (Python's `ssl` module: pulsar-lite speaks no TLS)
/// on a free port, with `cert` and `key`; killed on drop.
struct TlsProxy {
    child: Child,
    port: u16,
}

impl TlsProxy {
    fn start(upstream: &str, cert: &std::path::Path, key: &std::path::Path) -> Self {
        let port = free_port();
        let (host, up_port) = upstream.rsplit_once(':').expect("host:port");
        let script = format!(
            "import asyncio, ssl\n\
             ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)\n\
             ctx.load_cert_chain({cert:?}, {key:?})\n\
             async def pipe(r, w):\n\
             \x20   try:\n\
             \x20       while data := await r.read(65536):\n\
             \x20           w.write(data)\n\
             \x20           await w.drain()\n\
             \x20   except Exception:\n\
             \x20       pass\n\
             \x20   w.close()\n\
             async def serve(r, w):\n\
             \x20   ur, uw = await asyncio.open_connection({host:?}, {up_port})\n\
             \x20   await asyncio.gather(pipe(r, uw), pipe(ur, w))\n\
             async def main():\n\
             \x20   s = await asyncio.start_server(serve, '127.0.0.1', {port}, ssl=ctx)\n\
             \x20   await s.serve_forever()\n\
             asyncio.run(main())\n",
            cert = cert.display().to_string(),
            key = key.display().to_string(),
        );
        let mut child = Command::new(program("python3", "apt-get install python3"))
            .args(["-c", &script])
            .stdout(Stdio::null())
            .spawn()
            .expect("python3");
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = child.try_wait() {
                panic!("the TLS stand-in exited ({status})");
            }
            assert!(Instant::now() < deadline, "the TLS stand-in never listened");
            std::thread::sleep(Duration::from_millis(20));
        }
        Self { child, port }
    }
}

impl Drop for TlsProxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Issue 12: `pulsar+ssl://` with `--pulsar-tls-ca`, through a TLS stand-in in front of
/// pulsar-lite holding a certificate for `localhost` from a CA made here: arc publishes and
/// replays through it. Without the CA (the system's roots) the certificate is refused, and a
/// plain URL with a CA is bad input.
#[test]
fn tls_with_a_given_ca() {
    let broker = Broker::start("");
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    openssl(
        d,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=arc test CA",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ],
    );
    openssl(
        d,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=localhost",
        ],
    );
    std::fs::write(
        d.join("ext.cnf"),
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
    )
    .expect("ext");
    openssl(
        d,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.pem",
            "-days",
            "2",
            "-extfile",
            "ext.cnf",
        ],
    );
    let proxy = TlsProxy::start(
        broker.url.trim_start_matches("pulsar://"),
        &d.join("server.pem"),
        &d.join("server.key"),
    );
    let url = format!("pulsar+ssl://localhost:{}", proxy.port);
    let ca = d.join("ca.pem").display().to_string();
    let topic = "persistent://public/default/secure";
    let tls = |args: &[&str]| {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--pulsar-url", &url, "--pulsar-tls-ca", &ca]);
        Run::new(all).run()
    };
    tls(&["pub", topic, "sealed {{Count}}", "--count", "3"]).success();
    let out = tls(&["--json", "replay", topic, "--since", "1h"]).success();
    let data: Vec<Value> = lines(&out.stdout())
        .iter()
        .map(|m| m["data"].clone())
        .collect();
    assert_eq!(data, ["sealed 1", "sealed 2", "sealed 3"]);

    let out = Run::new(["pub", topic, "x", "--pulsar-url", &url])
        .run()
        .expect_code(1);
    assert!(
        out.stderr()
            .contains("cannot connect to the Pulsar broker at pulsar+ssl://localhost:"),
        "{}",
        out.stderr()
    );
    assert!(out.stderr().contains("certificate"), "{}", out.stderr());
    let out = broker
        .arc(["pub", topic, "x", "--pulsar-tls-ca", &ca])
        .run()
        .expect_code(2);
    assert!(
        out.stderr().contains("is not `pulsar+ssl://`"),
        "{}",
        out.stderr()
    );
}

/// `arc replay` of `n` messages on a fresh topic of `broker`, with the broker stopped
/// (SIGSTOP: connections stay open, nothing is sent) for `pause` once arc has printed its
/// first messages. arc cannot have had the whole backlog by then: it grants 1,000 permits,
/// more only as it prints, and it blocks on its stdout pipe, which this reads no further
/// until the broker is stopped. The exit code, the messages printed, and stderr.
fn replay_through_a_pause(
    broker: &Broker,
    topic: &str,
    n: usize,
    pause: Duration,
) -> (i32, usize, String) {
    use std::io::{BufRead, BufReader, Read};
    broker.python(&format!(
        "c = client()\n\
         p = c.create_producer({topic:?}, batching_enabled=False, block_if_queue_full=True)\n\
         for i in range({n}):\n\
         \x20   p.send_async(('%06d' % i).encode() + b'.' * 200, sent)\n\
         p.flush()\n"
    ));
    let mut child = Command::new(env!("CARGO_BIN_EXE_arc"))
        .args([
            "--json",
            "replay",
            topic,
            "--since",
            "1h",
            "--pulsar-keepalive",
            "60s",
        ])
        .env("ARC_PULSAR_URL", &broker.url)
        .env_remove("ARC_PROJECT_DIR")
        .env("CI", "true")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn arc");
    let mut stderr = child.stderr.take().expect("stderr");
    let errors = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut first = String::new();
    for _ in 0..20 {
        first.clear();
        assert!(
            out.read_line(&mut first).expect("read") > 0,
            "arc printed under 20 messages"
        );
    }
    signal(broker.child.id(), "STOP");
    let rest = std::thread::spawn(move || 20 + out.lines().map_while(Result::ok).count());
    std::thread::sleep(pause);
    signal(broker.child.id(), "CONT");
    let printed = rest.join().expect("reader");
    let code = child.wait().expect("wait").code().unwrap_or(-1);
    (code, printed, errors.join().expect("stderr reader"))
}

/// Issue 12: a broker that stops sending in the middle of a replay (here for 5 s, past the
/// 2 s after which arc asks again) holds the replay up, never cuts it short: every message is
/// printed once and the replay ends at the last one the topic had when it began.
#[test]
fn replay_waits_out_a_paused_broker() {
    let broker = Broker::start("");
    let (code, printed, stderr) = replay_through_a_pause(
        &broker,
        "persistent://public/default/paused",
        3000,
        Duration::from_secs(5),
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(printed, 3000, "{stderr}");
    assert!(stderr.contains("replayed 3000 messages"), "{stderr}");
}

/// Issue 12: a replay that the broker stops feeding short of the end it knew of never ends
/// as if complete: after 20 s without a message it exits 1, saying how many it printed and
/// where it stopped.
#[test]
fn replay_cut_short_by_the_broker_says_so() {
    let broker = Broker::start("");
    let (code, printed, stderr) = replay_through_a_pause(
        &broker,
        "persistent://public/default/stalled",
        3000,
        Duration::from_secs(25),
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(printed < 3000, "{printed} printed; {stderr}");
    assert!(
        stderr.contains(&format!(
            "the broker delivered nothing for 20.0s before the last message it had when the \
             replay began; stopped after {printed} messages short of the end of the topic (at "
        )),
        "{stderr}"
    );
    assert!(!stderr.contains("replayed"), "{stderr}");
}

/// Issue 12: `arc streams ls NAMESPACE` lists a namespace's topics through the binary
/// protocol (GetTopicsOfNamespace; the answer is checked against a stand-in broker in the
/// library's tests). pulsar-lite never answers that command: arc says so and exits 1 rather
/// than waiting, and a malformed namespace is refused with exit 2.
#[test]
fn streams_ls_of_a_namespace() {
    let broker = Broker::start("");
    broker
        .arc(["pub", "persistent://public/default/listed", "x"])
        .run()
        .success();
    let out = broker
        .arc([
            "streams",
            "ls",
            "persistent://public/default",
            "--connect-timeout",
            "1s",
        ])
        .run()
        .expect_code(1);
    assert!(
        out.stderr()
            .contains("list the topics of `public/default` failed: the broker (Pulsar-Lite")
            && out
                .stderr()
                .contains("did not answer within 1.0s: pulsar-lite does not list topics"),
        "{}",
        out.stderr()
    );
    for bad in [
        "public",
        "persistent://public/",
        "a/b/c",
        "pulsar://public/default",
    ] {
        let out = broker.arc(["streams", "ls", bad]).run().expect_code(2);
        assert!(
            out.stderr()
                .contains(&format!("Pulsar namespace `{bad}` is not valid")),
            "{}",
            out.stderr()
        );
    }
}
