//! Issue 14: past one node. Flash as a three-node NATS cluster with JetStream R3, brought up
//! natively by `arc up` from `overlays/cluster.yaml` on free ports, and proven under failure: a
//! node is SIGKILLed while a producer publishes through the server list, then brought back
//! with `arc up`.

#![allow(clippy::print_stderr)]

mod support;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;
use support::cluster::{sigkill, Cluster};
use support::load::{self, Answer};

/// Issue 14: three nodes from one declaration: each instance listed with its own ports, the
/// cluster formed (routes, a JetStream meta leader), one URL list exported, streams at R3.
#[test]
fn a_declared_cluster_comes_up_as_one() {
    let c = Cluster::up("flash");
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
    let c = tokio::task::spawn_blocking(|| Cluster::up("flash"))
        .await
        .expect("up");
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
/// and PostgreSQL, Caddy as the gateway in front of them). An HTTP producer and a WebSocket
/// producer send single messages through the gateway while the NATS node leading the stream and
/// one pipeline instance are SIGKILLed, then brought back by `arc up cluster`. Afterwards:
/// every id answered 2xx is in the log exactly once and in the R3 stream once (the gateway never
/// answered 2xx for a message it could not place); no id answered 5xx is in the log, except a
/// request that was inside the killed instance when it died (its answer lost with it: counted
/// and printed; a producer retries such a message with its id, and the log keeps it once). The
/// topic is the default one (not durable): the stream's capture alone makes the pipeline wait
/// for JetStream. `ARC_DEBUG_CLUSTER=1` prints both pipelines' logs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pipelines_and_nodes_killed_under_load_lose_no_accepted_message() {
    let c = tokio::task::spawn_blocking(|| Cluster::up("cluster"))
        .await
        .expect("up");
    let gateway = c.gateway.clone();
    let stop = Arc::new(AtomicBool::new(false));
    let ok = Arc::new(AtomicU64::new(0));
    let http = tokio::spawn(load::http_producer(
        gateway.clone(),
        stop.clone(),
        ok.clone(),
    ));
    let ws = tokio::spawn(load::ws_producer(gateway.clone(), stop.clone(), ok.clone()));
    let count_ok = || async { ok.load(Ordering::Relaxed) };
    eventually_at_least(&count_ok, 200).await;
    // The node that leads AGENT_EVENTS: the one whose death a core publish does not survive
    // (the stream has no leader until the others elect one; the connected node took the
    // message all the same).
    let leader = load::stream_leader(&c.urls(), "AGENT_EVENTS").await;
    let killed_at = Instant::now();
    sigkill(c.pid(&leader));
    let pipeline_killed_at = Instant::now();
    sigkill(c.pid("pipeline-1"));
    let before = count_ok().await;
    eventually_at_least(&count_ok, before + 300).await;
    let c = tokio::task::spawn_blocking(move || {
        c.arc(&["up", "cluster"]).success();
        c
    })
    .await
    .expect("up again");
    let back_at = Instant::now();
    let before = count_ok().await;
    eventually_at_least(&count_ok, before + 300).await;
    stop.store(true, Ordering::Relaxed);
    let (http, ws) = (
        http.await.expect("http producer"),
        ws.await.expect("ws producer"),
    );
    let end = Instant::now();

    let all: Vec<&Answer> = http.iter().chain(ws.iter()).collect();
    let accepted: Vec<String> = all
        .iter()
        .filter(|a| a.ok())
        .map(|a| a.id.clone())
        .collect();
    let refused: Vec<&Answer> = all.iter().copied().filter(|a| a.status >= 500).collect();
    // The loggers (the restarted one under its own consumer name) write everything accepted.
    let db = format!(
        "postgres://arc@127.0.0.1:{}/arc",
        c.project.ports["postgres"]
    );
    if std::env::var_os("ARC_DEBUG_CLUSTER").is_some() {
        for p in ["pipeline-1", "pipeline-2"] {
            let l = c.arc(&["logs", p]);
            eprintln!("== {p}\n{}{}", l.stdout(), l.stderr());
        }
    }
    // In the log once, and in the R3 stream that covers the subject once (by the id the
    // pipeline gave NATS).
    let in_stream = load::assert_placed(&db, &c.urls(), "AGENT_EVENTS", &accepted).await;
    let refused_ids: Vec<String> = refused.iter().map(|a| a.id.clone()).collect();
    let refused_logged = load::logged_of(&db, &refused_ids).await;
    // Only a request that was inside the killed instance may have been accepted and its answer
    // lost (the gateway answers 502 for it).
    let in_flight =
        |a: &Answer| a.began <= pipeline_killed_at && a.began + a.took >= pipeline_killed_at;
    let wrongly: Vec<&String> = refused_logged
        .iter()
        .filter(|id| !refused.iter().any(|a| a.id == **id && in_flight(a)))
        .collect();
    assert!(
        wrongly.is_empty(),
        "answered 5xx and in the log: {wrongly:?}"
    );

    let refused_in_stream = refused
        .iter()
        .filter(|a| in_stream.contains_key(&a.id))
        .count();
    let marks = [killed_at, back_at, end];
    eprintln!(
        "pipeline failover through the gateway (SIGKILL of {leader}, the leader of AGENT_EVENTS, and of pipeline-1; both back by `arc up cluster`):\n  HTTP: {}\n  WebSocket: {}\n  5xx in the stream: {refused_in_stream} (JetStream stored it, its ack did not come back in time; none in the log); 5xx in the log: {} (in flight inside the killed instance)",
        load::figures(&http, marks),
        load::figures(&ws, marks),
        refused_logged.len(),
    );
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

/// How long each quorum loss lasts (`ARC_QUORUM_LOSS_SECS`, 5–30; default 10): the length of
/// the fault the test makes, not a wait standing in for a condition.
fn outage() -> Duration {
    let secs = std::env::var("ARC_QUORUM_LOSS_SECS")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(10)
        .clamp(5, 30);
    Duration::from_secs(secs)
}

/// Waits until `stream` has a leader and both other replicas are current (60 s at most).
async fn settled(js: &async_nats::jetstream::Context, stream: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(mut s) = js.get_stream(stream).await {
            if let Ok(info) = s.info().await {
                if let Some(c) = &info.cluster {
                    if c.replicas.len() == 2 && c.replicas.iter().all(|r| r.current) {
                        if let Some(leader) = &c.leader {
                            return leader.clone();
                        }
                    }
                }
            }
        }
        assert!(Instant::now() < deadline, "{stream} never settled");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Moves `stream`'s leadership to node `peer` (`arc-flash-N`) with the leader step-down's
/// preferred peer (NATS 2.11+), asking again until that node leads (60 s at most).
async fn lead_on(js: &async_nats::jetstream::Context, stream: &str, peer: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if settled(js, stream).await == peer {
            return;
        }
        let answer: Result<Value, _> = js
            .request(
                format!("STREAM.LEADER.STEPDOWN.{stream}"),
                &serde_json::json!({ "placement": { "preferred": peer } }),
            )
            .await;
        assert!(
            Instant::now() < deadline,
            "{peer} never took the lead of {stream}: {answer:?}"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// `stream` as its leader holds it, by sequence: the `Nats-Msg-Id` of every message (the
/// JetStream API's message get is answered by the leader, from its own store).
async fn leader_copy(js: &async_nats::jetstream::Context, stream: &str) -> BTreeMap<u64, String> {
    let mut s = js.get_stream(stream).await.expect("stream");
    let state = s.info().await.expect("info").state.clone();
    let mut copy = BTreeMap::new();
    for seq in state.first_sequence..=state.last_sequence {
        let m = s
            .get_raw_message(seq)
            .await
            .unwrap_or_else(|e| panic!("{stream} #{seq}: {e}"));
        let id = m
            .headers
            .get(async_nats::header::NATS_MESSAGE_ID)
            .map(|v| v.as_str().to_owned())
            .unwrap_or_default();
        copy.insert(seq, id);
    }
    copy
}

/// Issue 22: quorum loss of each pair. Under HTTP and WebSocket load through the gateway, two
/// of the three NATS nodes are SIGKILLed (first the two that do not lead AGENT_EVENTS, the
/// issue's split, then each other pair), held down for [`outage`], and brought back by
/// `arc up cluster`; then once more with the leader that held the stream alone SIGKILLed the moment
/// the other two are back (the leader killed during recovery). Afterwards EACH replica's own
/// copy is read (leadership stepped to each node
/// in turn with a preferred peer): the three copies are the same message for message, every id
/// answered 2xx is in each exactly once, and no id answered 4xx or 503 (a refusal) is in any. An
/// id answered 504 (outcome unknown) may be stored: counted and printed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quorum_loss_of_each_pair_leaves_every_replica_whole() {
    let c = tokio::task::spawn_blocking(|| Cluster::up("cluster"))
        .await
        .expect("up");
    let urls = c.urls();
    let nats = async_nats::connect(urls.split(',').collect::<Vec<_>>().as_slice())
        .await
        .expect("nats");
    let js = async_nats::jetstream::new(nats);
    let gateway = c.gateway.clone();
    let stop = Arc::new(AtomicBool::new(false));
    let ok = Arc::new(AtomicU64::new(0));
    let http = tokio::spawn(load::http_producer(
        gateway.clone(),
        stop.clone(),
        ok.clone(),
    ));
    let ws = tokio::spawn(load::ws_producer(gateway.clone(), stop.clone(), ok.clone()));
    let count_ok = || async { ok.load(Ordering::Relaxed) };
    eventually_at_least(&count_ok, 200).await;

    let leader = load::stream_leader(&urls, "AGENT_EVENTS").await;
    let mut survivors = vec![leader.clone()];
    survivors.extend(
        ["messaging-1", "messaging-2", "messaging-3"]
            .into_iter()
            .filter(|n| **n != leader)
            .map(str::to_owned),
    );
    let c = Arc::new(c);
    let mut faults = Vec::new();
    for keep in &survivors {
        settled(&js, "AGENT_EVENTS").await;
        let killed: Vec<String> = ["messaging-1", "messaging-2", "messaging-3"]
            .into_iter()
            .filter(|n| n != keep)
            .map(str::to_owned)
            .collect();
        let killed_at = Instant::now();
        for k in &killed {
            sigkill(c.pid(k));
        }
        tokio::time::sleep(outage()).await;
        let cc = c.clone();
        tokio::task::spawn_blocking(move || {
            cc.arc(&["up", "cluster"]).success();
        })
        .await
        .expect("up again");
        let back_at = Instant::now();
        let before = count_ok().await;
        eventually_at_least(&count_ok, before + 200).await;
        faults.push((killed.join(" and "), killed_at, back_at, Instant::now()));
    }
    // The leader SIGKILLed during recovery: quorum lost again (the two others killed), and the
    // moment `arc up cluster` has them back (catching up), the leader that held the stream
    // alone is killed; the two that came back must carry on without it.
    {
        settled(&js, "AGENT_EVENTS").await;
        let leader = load::stream_leader(&urls, "AGENT_EVENTS").await;
        let killed_at = Instant::now();
        for k in ["messaging-1", "messaging-2", "messaging-3"] {
            if k != leader {
                sigkill(c.pid(k));
            }
        }
        tokio::time::sleep(outage()).await;
        let cc = c.clone();
        let leader_pid = c.pid(&leader);
        tokio::task::spawn_blocking(move || {
            cc.arc(&["up", "cluster"]).success();
        })
        .await
        .expect("up again");
        sigkill(leader_pid);
        let before = count_ok().await;
        eventually_at_least(&count_ok, before + 100).await;
        let cc = c.clone();
        tokio::task::spawn_blocking(move || {
            cc.arc(&["up", "cluster"]).success();
        })
        .await
        .expect("up again");
        let back_at = Instant::now();
        let before = count_ok().await;
        eventually_at_least(&count_ok, before + 200).await;
        faults.push((
            format!("the two non-leaders, then the leader {leader} during their recovery,"),
            killed_at,
            back_at,
            Instant::now(),
        ));
    }
    stop.store(true, Ordering::Relaxed);
    let (http, ws) = (
        http.await.expect("http producer"),
        ws.await.expect("ws producer"),
    );
    let all: Vec<&Answer> = http.iter().chain(ws.iter()).collect();
    let accepted: Vec<&str> = all
        .iter()
        .filter(|a| a.ok())
        .map(|a| a.id.as_str())
        .collect();
    let refused: Vec<&str> = all
        .iter()
        .filter(|a| (400..=503).contains(&a.status))
        .map(|a| a.id.as_str())
        .collect();
    let unknown: Vec<&str> = all
        .iter()
        .filter(|a| a.status == 504 || a.status == 0)
        .map(|a| a.id.as_str())
        .collect();

    // Each node's own copy.
    let mut copies: Vec<(String, BTreeMap<u64, String>)> = Vec::new();
    for n in 1..=3 {
        let peer = format!("arc-flash-{n}");
        lead_on(&js, "AGENT_EVENTS", &peer).await;
        copies.push((peer, leader_copy(&js, "AGENT_EVENTS").await));
    }
    let mut unknown_stored = 0;
    for (peer, copy) in &copies {
        let mut count: BTreeMap<&str, u64> = BTreeMap::new();
        for id in copy.values() {
            *count.entry(id.as_str()).or_default() += 1;
        }
        let missing: Vec<&&str> = accepted
            .iter()
            .filter(|id| count.get(**id) != Some(&1))
            .collect();
        assert!(
            missing.is_empty(),
            "{peer}'s copy lacks (or doubles) {} of {} ids answered 2xx: {missing:?}",
            missing.len(),
            accepted.len()
        );
        let stored_refused: Vec<String> = all
            .iter()
            .filter(|a| refused.contains(&a.id.as_str()) && count.contains_key(a.id.as_str()))
            .map(|a| format!("{} ({}: {})", a.id, a.status, a.detail))
            .collect();
        assert!(
            stored_refused.is_empty(),
            "{peer}'s copy holds ids answered 4xx/503: {stored_refused:#?}"
        );
        unknown_stored = unknown.iter().filter(|id| count.contains_key(**id)).count();
    }
    let (first_peer, first) = &copies[0];
    for (peer, copy) in &copies[1..] {
        let differ: Vec<(&u64, &String, Option<&String>)> = first
            .iter()
            .filter(|(seq, id)| copy.get(seq) != Some(id))
            .map(|(seq, id)| (seq, id, copy.get(seq)))
            .take(10)
            .collect();
        assert!(
            differ.is_empty() && first.len() == copy.len(),
            "the replicas disagree: {first_peer} vs {peer} ({} vs {} messages), first differences (seq, {first_peer}, {peer}): {differ:?}",
            first.len(),
            copy.len()
        );
    }
    for (killed, at, back, end) in &faults {
        let during = |a: &&Answer| a.began >= *at && a.began < *end;
        let h: Vec<&Answer> = http.iter().filter(during).collect();
        let w: Vec<&Answer> = ws.iter().filter(during).collect();
        let owned = |v: Vec<&Answer>| {
            v.into_iter()
                .map(|a| Answer {
                    id: a.id.clone(),
                    began: a.began,
                    took: a.took,
                    status: a.status,
                    detail: a.detail.clone(),
                })
                .collect::<Vec<_>>()
        };
        eprintln!(
            "quorum loss ({killed} SIGKILLed for {:?}, back by `arc up cluster`):\n  HTTP: {}\n  WebSocket: {}",
            outage(),
            load::figures(&owned(h), [*at, *back, *end]),
            load::figures(&owned(w), [*at, *back, *end]),
        );
    }
    eprintln!(
        "after {} quorum losses: 3 replicas identical ({} messages each); {} ids answered 2xx, each once in every copy; {} refused (4xx/503), in none; {} unknown (504 or no answer), {unknown_stored} of them stored",
        faults.len(),
        first.len(),
        accepted.len(),
        refused.len(),
        unknown.len(),
    );
}
