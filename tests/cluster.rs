//! Issue 14: past one node. Flash as a three-node NATS cluster with JetStream R3, brought up
//! natively by `arc up` from `overlays/cluster.yaml` on free ports, and proven under failure: a
//! node is SIGKILLed while a producer publishes through the server list, then brought back
//! with `arc up`.

#![allow(clippy::print_stderr)]

mod support;

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, TcpListener};
use std::time::{Duration, Instant};

use serde_json::Value;
use support::{free_port, repo, require_servers, Project};

/// The first of `n` consecutive ports that are free now (instance `i` of a replicated service
/// takes the declared port plus `i - 1`).
fn free_run(n: u16) -> u16 {
    for _ in 0..200 {
        let base = free_port();
        if base > u16::MAX - n {
            continue;
        }
        let held: Vec<_> = (0..n)
            .map_while(|i| TcpListener::bind((Ipv4Addr::LOCALHOST, base + i)).ok())
            .collect();
        if held.len() == usize::from(n) {
            return base;
        }
    }
    panic!("no {n} consecutive free ports");
}

/// A project running `overlays/cluster.yaml`'s three NATS nodes on free ports.
struct Cluster {
    project: Project,
    client: u16,
    monitor: u16,
    http: u16,
}

impl Drop for Cluster {
    /// The project's own `arc down` does not read the cluster overlay, so it would not know
    /// the instances: stop them here, first.
    fn drop(&mut self) {
        let _ = self.arc(&["down", "--volumes"]);
    }
}

impl Cluster {
    /// `arc up TARGET` (`flash`, or the whole `cluster` profile).
    fn up_target(target: &str) -> Self {
        require_servers();
        let (client, monitor, cluster, http) = (free_run(3), free_run(3), free_run(3), free_run(2));
        // The `cluster` profile's gateway too (tests/gateway.rs tests it).
        let (gateway, ping) = (free_port(), free_port());
        let project = Project::with_overlay(&format!(
            "  flash:
    ports:
      - {{ name: client, host: {client} }}
      - {{ name: monitor, host: {monitor} }}
      - {{ name: cluster, container: {cluster} }}
  pipeline:
    ports:
      - {{ name: http, host: {http} }}
  gateway:
    ports:
      - {{ name: http, host: {gateway} }}
      - {{ name: ping, host: {ping} }}
"
        ));
        let c = Self {
            project,
            client,
            monitor,
            http,
        };
        c.arc(&["up", target]).success();
        c
    }

    fn up() -> Self {
        Self::up_target("flash")
    }

    /// The pid of instance `service`, from `arc ps --json`.
    fn pid(&self, service: &str) -> u64 {
        let ps = self.json(&["ps"]);
        ps.as_array()
            .and_then(|r| r.iter().find(|r| r["service"] == service))
            .and_then(|r| r["pid"].as_u64())
            .unwrap_or_else(|| panic!("{service}'s pid: {ps}"))
    }

    fn arc(&self, args: &[&str]) -> support::Done {
        let overlay = repo().join("overlays/cluster.yaml").display().to_string();
        let mut all = vec!["-f", overlay.as_str()];
        all.extend_from_slice(args);
        self.project.arc(all).run()
    }

    fn json(&self, args: &[&str]) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        self.arc(&all).json()
    }

    fn urls(&self) -> String {
        (0..3)
            .map(|i| format!("nats://127.0.0.1:{}", self.client + i))
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// Issue 14: three nodes from one declaration: each instance listed with its own ports, the
/// cluster formed (routes, a JetStream meta leader), one URL list exported, streams at R3.
#[test]
fn a_declared_cluster_comes_up_as_one() {
    let c = Cluster::up();
    let ps = c.json(&["ps"]);
    let rows = ps.as_array().expect("rows");
    let names: Vec<&str> = rows.iter().filter_map(|r| r["service"].as_str()).collect();
    assert_eq!(names, ["messaging-1", "messaging-2", "messaging-3"], "{ps}");
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r["state"], "running", "{r}");
        assert_eq!(r["codename"], format!("flash-{}", i + 1));
        assert_eq!(r["ports"]["client"], u64::from(c.client) + i as u64, "{r}");
    }
    let health = c.json(&["health"]);
    for r in health.as_array().expect("rows") {
        assert_eq!(r["healthy"], true, "{r}");
        let detail = r["detail"].as_str().unwrap_or_default();
        assert!(
            detail.contains("routes to 2 of 2 other nodes") && detail.contains("meta leader"),
            "{detail}"
        );
    }
    let env = c.json(&["env"]);
    assert_eq!(env["ARC_NATS_URL"], c.urls(), "{env}");
    let info = c.json(&["streams", "info", "AGENT_EVENTS"]);
    assert_eq!(info["config"]["num_replicas"], 3, "{info}");
    // `arc streams apply` sees the cluster too: R3 is what the declaration says, so no change.
    let applied = c.json(&["streams", "apply", "--no-topics"]);
    for s in applied["streams"].as_array().expect("streams") {
        assert_eq!(s["action"], "unchanged", "{s}");
    }
}

/// What a producer publishing through the server list saw.
#[derive(Default)]
struct Load {
    sent: u64,
    acked: BTreeMap<String, u64>,
    errors: u64,
    longest_gap: Duration,
    latencies: Vec<(Instant, Duration)>,
}

/// Issue 14: SIGKILL one node of three under a steady JetStream load through the server
/// list; the producer retries an unacknowledged message with the same `Nats-Msg-Id`. Every
/// acknowledged message is in the R3 stream exactly once, on every node once the killed one is
/// back (`arc up`), and the longest stretch without an acknowledgement is printed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_node_loses_no_acknowledged_message() {
    let c = tokio::task::spawn_blocking(Cluster::up).await.expect("up");
    let urls = c.urls();
    let servers = urls.split(',').collect::<Vec<_>>();
    let client = async_nats::ConnectOptions::new()
        .connection_timeout(Duration::from_secs(2))
        .connect(servers.as_slice())
        .await
        .expect("connect to the cluster");
    let js = async_nats::jetstream::new(client);

    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let acked = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let producer = {
        let (js, stop, acked) = (js.clone(), stop.clone(), acked.clone());
        tokio::spawn(async move {
            let mut load = Load::default();
            let mut last_ack = Instant::now();
            let mut n = 0u64;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                n += 1;
                let id = format!("load-{n}");
                // One message, retried with its id until acknowledged (or the run ends).
                loop {
                    load.sent += 1;
                    let began = Instant::now();
                    let mut headers = async_nats::HeaderMap::new();
                    headers.insert("Nats-Msg-Id", id.as_str());
                    let ack = async {
                        js.publish_with_headers("agent.events.load", headers, id.clone().into())
                            .await?
                            .await
                            .map_err(async_nats::Error::from)
                    };
                    match tokio::time::timeout(Duration::from_secs(3), ack).await {
                        Ok(Ok(a)) => {
                            load.longest_gap = load.longest_gap.max(last_ack.elapsed());
                            last_ack = Instant::now();
                            load.latencies.push((began, began.elapsed()));
                            load.acked.insert(id.clone(), a.sequence);
                            acked.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            break;
                        }
                        _ => {
                            load.errors += 1;
                            if stop.load(std::sync::atomic::Ordering::Relaxed) {
                                break;
                            }
                            tokio::time::sleep(Duration::from_millis(50)).await;
                        }
                    }
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            load
        })
    };

    // Let the load run, kill node 1 (wherever the leaders are), let it run on two nodes.
    let count_acked = || async { acked.load(std::sync::atomic::Ordering::Relaxed) };
    eventually_at_least(&count_acked, 100).await;
    let killed_at = Instant::now();
    sigkill(c.pid("messaging-1"));
    let before = count_acked().await;
    eventually_at_least(&count_acked, before + 200).await;
    // The survivors are healthy once they have a meta leader again (an election when the
    // killed node led), polled.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        // Exit 1 while a node is down: the rows say which.
        let health = c.arc(&["--json", "health"]).json();
        let healthy: Vec<bool> = health
            .as_array()
            .expect("rows")
            .iter()
            .map(|r| r["healthy"] == true)
            .collect();
        if healthy == [false, true, true] {
            break;
        }
        assert!(Instant::now() < deadline, "{health}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Back with the same command; it rejoins and catches up.
    let back = c.arc(&["up", "flash"]).success();
    let back_at = Instant::now();
    assert!(back.stdout().contains("messaging-1"), "{}", back.stdout());
    let before = count_acked().await;
    eventually_at_least(&count_acked, before + 100).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let load = producer.await.expect("producer");

    // Every acknowledged id is in the stream exactly once, whatever node answers.
    let stream = js.get_stream("AGENT_EVENTS").await.expect("stream");
    let info = stream.get_info().await.expect("info");
    assert_eq!(info.config.num_replicas, 3);
    let mut seen: BTreeMap<String, u64> = BTreeMap::new();
    for seq in info.state.first_sequence..=info.state.last_sequence {
        let m = stream.get_raw_message(seq).await.expect("message");
        *seen
            .entry(String::from_utf8_lossy(&m.payload).into_owned())
            .or_default() += 1;
    }
    for id in load.acked.keys() {
        assert_eq!(
            seen.get(id),
            Some(&1),
            "acknowledged `{id}` is in the stream {:?} times",
            seen.get(id)
        );
    }
    assert!(seen.values().all(|n| *n == 1), "a message is stored twice");
    // The restarted node holds the whole stream too: its own replica, as its monitoring
    // endpoint reports it (a JetStream API call would be answered by the stream's leader).
    let monitor = c.monitor;
    eventually_at_least(
        &|| async move {
            let url = format!("http://127.0.0.1:{monitor}/jsz?streams=true");
            let Ok(r) = reqwest::get(&url).await else {
                return 0;
            };
            let v: Value = r.json().await.unwrap_or_default();
            v["account_details"]
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|a| a["stream_detail"].as_array().into_iter().flatten())
                .find(|s| s["name"] == "AGENT_EVENTS")
                .and_then(|s| s["state"]["messages"].as_u64())
                .unwrap_or(0)
        },
        info.state.messages,
    )
    .await;

    let start = load.latencies.first().map_or(killed_at, |(t, _)| *t);
    let end = Instant::now();
    eprintln!(
        "cluster failover (SIGKILL of 1 of 3 nodes): sent {} publishes, {} acknowledged, {} timed out or failed and were retried; longest gap without an ack {:?}; p99 latency before {:?}, during {:?}, after {:?}",
        load.sent,
        load.acked.len(),
        load.errors,
        load.longest_gap,
        p99(&load.latencies, start, killed_at),
        p99(&load.latencies, killed_at, back_at),
        p99(&load.latencies, back_at, end),
    );
}

fn sigkill(pid: u64) {
    let status = std::process::Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
}

/// p99 of the latencies of requests that began in `[from, to)`.
fn p99(latencies: &[(Instant, Duration)], from: Instant, to: Instant) -> Duration {
    let mut l: Vec<Duration> = latencies
        .iter()
        .filter(|(t, _)| *t >= from && *t < to)
        .map(|(_, d)| *d)
        .collect();
    l.sort();
    l.get((l.len() * 99 / 100).min(l.len().saturating_sub(1)))
        .copied()
        .unwrap_or_default()
}

/// Issue 14: `arc up cluster` natively (three NATS nodes, two pipeline instances sharing Redis
/// and PostgreSQL), HTTP single messages spread over both instances by the test (round robin:
/// the gateway that would do it is not built yet), while the NATS node leading the stream and
/// one pipeline instance are SIGKILLed and brought back by `arc up cluster`. Afterwards: every
/// id answered 2xx is in the log exactly once and in the R3 stream; no id answered 5xx is in
/// the log. The topic is the default one (not durable): the stream's capture alone makes the
/// pipeline wait for JetStream. `ARC_DEBUG_CLUSTER=1` prints both pipelines' logs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pipelines_and_nodes_killed_under_load_lose_no_accepted_message() {
    let c = tokio::task::spawn_blocking(|| Cluster::up_target("cluster"))
        .await
        .expect("up");
    let urls = [
        format!("http://127.0.0.1:{}", c.http),
        format!("http://127.0.0.1:{}", c.http + 1),
    ];
    // No topic is configured: the default one, not durable. The subject is captured by the R3
    // stream AGENT_EVENTS, so the pipeline answers 2xx after JetStream's acknowledgement (a core
    // publish is confirmed by the connected node only; this test once showed 218 of 568 such
    // messages missing from the stream after the kill).
    for url in &urls {
        let ready = || async {
            let Ok(r) = reqwest::get(format!("{url}/readyz")).await else {
                return 0;
            };
            let v: Value = r.json().await.unwrap_or_default();
            u64::from(v["ready"] == true)
        };
        eventually_at_least(&ready, 1).await;
    }
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let ok = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    // (id, status: 0 when no answer came) and latencies of 2xx.
    let producer = {
        let (stop, ok, urls) = (stop.clone(), ok.clone(), urls.clone());
        tokio::spawn(async move {
            let http = reqwest::Client::builder()
                .timeout(Duration::from_secs(5))
                .build()
                .expect("client");
            let mut answers: Vec<(String, u16)> = Vec::new();
            let mut latencies = Vec::new();
            let (mut last_ok, mut longest_gap) = (Instant::now(), Duration::ZERO);
            let mut n = 0u64;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                n += 1;
                let id = format!("pl-{n}");
                let url = &urls[usize::try_from(n % 2).unwrap_or(0)];
                let body =
                    format!(r#"{{"subject": "agent.events.pl", "id": "{id}", "payload": {n}}}"#);
                let began = Instant::now();
                let status = match http
                    .post(format!("{url}/v1/messages"))
                    .body(body)
                    .send()
                    .await
                {
                    Ok(r) => r.status().as_u16(),
                    Err(_) => 0,
                };
                if (200..300).contains(&status) {
                    longest_gap = longest_gap.max(last_ok.elapsed());
                    last_ok = Instant::now();
                    latencies.push((began, began.elapsed()));
                    ok.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                } else {
                    // The instance is down or busy: a producer waits a little and goes on.
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                answers.push((id, status));
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            (answers, latencies, longest_gap)
        })
    };
    let count_ok = || async { ok.load(std::sync::atomic::Ordering::Relaxed) };
    eventually_at_least(&count_ok, 100).await;
    // The node that leads AGENT_EVENTS: the one whose death a core publish does not survive
    // (the stream has no leader until the others elect one; the connected node took the
    // message all the same).
    let leader = stream_leader(&c.urls(), "AGENT_EVENTS").await;
    let killed_at = Instant::now();
    sigkill(c.pid(&leader));
    sigkill(c.pid("pipeline-1"));
    let before = count_ok().await;
    eventually_at_least(&count_ok, before + 200).await;
    let c = tokio::task::spawn_blocking(move || {
        c.arc(&["up", "cluster"]).success();
        c
    })
    .await
    .expect("up again");
    let back_at = Instant::now();
    let before = count_ok().await;
    eventually_at_least(&count_ok, before + 200).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let (answers, latencies, longest_gap) = producer.await.expect("producer");

    let accepted: Vec<String> = answers
        .iter()
        .filter(|(_, s)| (200..300).contains(s))
        .map(|(id, _)| id.clone())
        .collect();
    let refused: Vec<String> = answers
        .iter()
        .filter(|(_, s)| *s >= 500)
        .map(|(id, _)| id.clone())
        .collect();
    let unanswered = answers.iter().filter(|(_, s)| *s == 0).count();
    // The loggers (the restarted one under its own consumer name) write everything accepted.
    let db = format!(
        "postgres://arc@127.0.0.1:{}/arc",
        c.project.ports["postgres"]
    );
    let pg = support::pg(&db).await;
    let want = i64::try_from(accepted.len()).unwrap_or(i64::MAX);
    let deadline = Instant::now() + Duration::from_secs(60);
    let (logged, distinct) = loop {
        let row = pg
            .query_one(
                "SELECT count(*), count(DISTINCT id) FROM arc_messages WHERE id = ANY($1)",
                &[&accepted],
            )
            .await
            .expect("query");
        let (logged, distinct): (i64, i64) = (row.get(0), row.get(1));
        if distinct >= want || Instant::now() > deadline {
            break (logged, distinct);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(
        (logged, distinct),
        (want, want),
        "every accepted id in the log exactly once"
    );
    let row = pg
        .query_one(
            "SELECT count(*) FROM arc_messages WHERE id = ANY($1)",
            &[&refused],
        )
        .await
        .expect("query");
    let refused_logged: i64 = row.get(0);
    assert_eq!(refused_logged, 0, "an id answered 5xx is in the log");
    // And in the R3 stream that covers the subject, once.
    let nats = async_nats::connect(c.urls().split(',').collect::<Vec<_>>().as_slice())
        .await
        .expect("nats");
    let js = async_nats::jetstream::new(nats);
    let mut stream = js.get_stream("AGENT_EVENTS").await.expect("stream");
    let info = stream.info().await.expect("info").clone();
    assert_eq!(info.config.num_replicas, 3);
    let mut in_stream: BTreeMap<String, u64> = BTreeMap::new();
    for seq in info.state.first_sequence..=info.state.last_sequence {
        let m = stream.get_raw_message(seq).await.expect("message");
        // The payload is the number in the id (`pl-N` carries N).
        let id = format!("pl-{}", String::from_utf8_lossy(&m.payload));
        *in_stream.entry(id).or_default() += 1;
    }
    if std::env::var_os("ARC_DEBUG_CLUSTER").is_some() {
        for p in ["pipeline-1", "pipeline-2"] {
            let l = c.arc(&["logs", p]);
            eprintln!("== {p}\n{}{}", l.stdout(), l.stderr());
        }
    }
    let missing: Vec<&String> = accepted
        .iter()
        .filter(|id| in_stream.get(*id) != Some(&1))
        .collect();
    assert!(
        missing.is_empty(),
        "{} of {} accepted ids are not in the stream once (stream state {:?}, {} ids read; first missing {:?})",
        missing.len(),
        accepted.len(),
        info.state,
        in_stream.len(),
        missing
    );
    let refused_in_stream = refused
        .iter()
        .filter(|id| in_stream.contains_key(*id))
        .count();
    let start = latencies.first().map_or(killed_at, |(t, _)| *t);
    eprintln!(
        "pipeline failover (SIGKILL of {leader}, the leader of AGENT_EVENTS, and pipeline-1, client round robin over two instances): sent {}, 2xx {}, 5xx {} ({} of them in the stream, none in the log), no answer {}; longest gap without a 2xx {:?}; p99 latency before {:?}, during {:?}, after {:?}",
        answers.len(),
        accepted.len(),
        refused.len(),
        refused_in_stream,
        unanswered,
        longest_gap,
        p99(&latencies, start, killed_at),
        p99(&latencies, killed_at, back_at),
        p99(&latencies, back_at, Instant::now()),
    );
}

/// The instance (`messaging-N`) whose node leads `stream`: nodes are named `arc-flash-N`.
async fn stream_leader(urls: &str, stream: &str) -> String {
    let nats = async_nats::connect(urls.split(',').collect::<Vec<_>>().as_slice())
        .await
        .expect("nats");
    let mut s = async_nats::jetstream::new(nats)
        .get_stream(stream)
        .await
        .expect("stream");
    let info = s.info().await.expect("info");
    let leader = info
        .cluster
        .as_ref()
        .and_then(|c| c.leader.clone())
        .expect("the stream has a leader");
    let n = leader.strip_prefix("arc-flash-").expect("arc-flash-N");
    format!("messaging-{n}")
}

/// Polls `count` until it reaches `at_least` (60 s at most).
async fn eventually_at_least<F, Fut>(count: &F, at_least: u64)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = u64>,
{
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let n = count().await;
        if n >= at_least {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "stuck at {n}, waiting for {at_least}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
