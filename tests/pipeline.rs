//! Issue 5: the message pipeline (`arc serve`) against real nats-server, redis-server and
//! PostgreSQL, brought up by `arc up` on free ports; the pipelines are `arc serve` processes the
//! tests start themselves (several at once where the test needs it).

#![allow(clippy::many_single_char_names, clippy::print_stderr)]

mod support;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use futures::{SinkExt as _, StreamExt as _};
use redis::AsyncCommands as _;
use serde_json::{json, Value};
use support::{free_port, redis_conn, stack, Serve, Stack, ADMIN};
use tokio_tungstenite::tungstenite::Message;

/// `arc serve` for these tests, ready (its configuration loaded). Without the logger unless
/// `extra` names the components: these tests read the log queue itself (tests/logger.rs covers
/// the logger).
fn serve(s: &Stack, extra: &[&str]) -> Serve {
    let mut args = Vec::new();
    if !extra.contains(&"--components") {
        args.extend_from_slice(&["--components", "fanout,config,registry"]);
    }
    args.extend_from_slice(extra);
    let serve = s.serve(&args);
    wait_ready(&serve);
    serve
}

/// Waits until `/readyz` says ready (the configuration is loaded).
fn wait_ready(s: &Serve) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let r = std::process::Command::new("curl")
            .args(["-s", "-o", "/dev/null", "-w", "%{http_code}"])
            .arg(format!("{}/readyz", s.url))
            .output();
        if r.is_ok_and(|o| o.stdout == b"200") {
            return;
        }
        assert!(Instant::now() < deadline, "{} never became ready", s.url);
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn http() -> reqwest::Client {
    reqwest::Client::new()
}

async fn post(
    url: &str,
    body: &str,
    headers: &[(&str, &str)],
) -> (u16, Value, reqwest::header::HeaderMap) {
    let mut req = http()
        .post(format!("{url}/v1/messages"))
        .body(body.to_owned());
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let r = req.send().await.expect("POST /v1/messages");
    let status = r.status().as_u16();
    let h = r.headers().clone();
    let v = r.json().await.unwrap_or(Value::Null);
    (status, v, h)
}

async fn admin(
    method: reqwest::Method,
    url: &str,
    path: &str,
    body: Option<Value>,
    if_match: Option<&str>,
) -> (u16, Value, Option<String>) {
    let mut req = http()
        .request(method, format!("{url}{path}"))
        .bearer_auth(ADMIN);
    if let Some(b) = body {
        req = req.json(&b);
    }
    if let Some(e) = if_match {
        req = req.header("If-Match", e);
    }
    let r = req.send().await.expect("admin request");
    let status = r.status().as_u16();
    let etag = r
        .headers()
        .get("etag")
        .map(|v| v.to_str().unwrap().to_owned());
    (status, r.json().await.unwrap_or(Value::Null), etag)
}

/// The ids in the log queue, with how often each appears.
async fn logged_ids(redis_url: &str) -> Vec<String> {
    let mut c = redis_conn(redis_url).await;
    let all: Vec<String> = c.lrange("arc:log", 0, -1).await.unwrap();
    all.iter()
        .map(|e| {
            let v: Value = serde_json::from_str(e).unwrap();
            v["id"].as_str().unwrap().to_owned()
        })
        .collect()
}

/// Every ingress path: HTTP (one, array, NDJSON), WebSocket, the Redis list and NATS, each
/// message on NATS with its id and in the log queue exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_ingress_path_reaches_nats_and_the_log_queue() {
    let s = stack();
    let serve = serve(&s, &["--consumer", "paths"]);
    let nats = async_nats::connect(&s.nats).await.unwrap();
    let mut sub = nats.subscribe("agent.>").await.unwrap();
    nats.flush().await.unwrap();
    let mut expected = Vec::new();

    let (st, v, _) = post(
        &serve.url,
        r#"{"subject": "agent.a1.commands", "payload": {"op": "think"}, "headers": {"x-agent": "a1"}}"#,
        &[],
    )
    .await;
    assert_eq!(st, 202, "{v}");
    expected.push(v["ids"][0].as_str().unwrap().to_owned());

    let (st, v, _) = post(
        &serve.url,
        r#"[{"subject": "agent.b.x", "payload": 1, "id": "batch-1"}, {"subject": "agent.b.y", "payload": "AAEC", "headers": {"content-type": "application/octet-stream"}}]"#,
        &[],
    )
    .await;
    assert_eq!(st, 202, "{v}");
    assert_eq!(v["accepted"], 2);
    assert_eq!(v["ids"][0], "batch-1", "a producer's id is kept");
    for id in v["ids"].as_array().unwrap() {
        expected.push(id.as_str().unwrap().to_owned());
    }

    let ndjson = "{\"subject\": \"agent.n.1\", \"payload\": 1}\n{\"subject\": \"agent.n.2\", \"payload\": 2}\n";
    let (st, v, _) = post(
        &serve.url,
        ndjson,
        &[("content-type", "application/x-ndjson")],
    )
    .await;
    assert_eq!(st, 202, "{v}");
    for id in v["ids"].as_array().unwrap() {
        expected.push(id.as_str().unwrap().to_owned());
    }

    // WebSocket: an ack per frame, in order; a bad frame gets an error and the session lives on.
    let ws_url = format!("{}/v1/ws", serve.url.replace("http://", "ws://"));
    let (mut ws, _) = tokio_tungstenite::connect_async(ws_url).await.unwrap();
    ws.send(Message::text(
        r#"{"subject": "agent.w.1", "payload": {"n": 1}, "id": "ws-1"}"#,
    ))
    .await
    .unwrap();
    ws.send(Message::text("{not json")).await.unwrap();
    ws.send(Message::text(r#"{"subject": "ingest.loop", "payload": 1}"#))
        .await
        .unwrap();
    ws.send(Message::text(
        r#"{"subject": "agent.w.2", "payload": {"n": 2}, "id": "ws-2"}"#,
    ))
    .await
    .unwrap();
    let mut acks = Vec::new();
    while acks.len() < 4 {
        if let Message::Text(t) = ws.next().await.unwrap().unwrap() {
            acks.push(serde_json::from_str::<Value>(&t).unwrap());
        }
    }
    assert_eq!(acks[0], json!({"id": "ws-1", "status": "accepted"}));
    assert_eq!(acks[1]["status"], "error");
    assert_eq!(acks[1]["reason"], "malformed");
    assert_eq!(acks[2]["status"], "rejected");
    assert_eq!(acks[2]["code"], 403);
    assert_eq!(acks[3], json!({"id": "ws-2", "status": "accepted"}));
    expected.extend(["ws-1".to_owned(), "ws-2".to_owned()]);

    // Redis list.
    let mut r = redis_conn(&s.redis).await;
    let _: () = r
        .lpush(
            "arc:ingest",
            r#"{"subject": "agent.r.1", "payload": {"via": "redis"}, "id": "redis-1"}"#,
        )
        .await
        .unwrap();
    let _: () = r.lpush("arc:ingest", "not an envelope").await.unwrap();
    expected.push("redis-1".to_owned());

    // NATS: a request gets the ack as its reply.
    let mut h = async_nats::HeaderMap::new();
    h.insert("Nats-Msg-Id", "nats-1");
    let reply = nats
        .request_with_headers("ingest.agent.q.1", h, "{\"via\": \"nats\"}".into())
        .await
        .unwrap();
    let ack: Value = serde_json::from_slice(&reply.payload).unwrap();
    assert_eq!(ack, json!({"id": "nats-1", "status": "accepted"}));
    expected.push("nats-1".to_owned());

    let mut seen = BTreeSet::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while seen.len() < expected.len() {
        let m = tokio::time::timeout_at(deadline, sub.next())
            .await
            .expect("every message on NATS")
            .unwrap();
        let id = m
            .headers
            .as_ref()
            .and_then(|h| h.get(async_nats::header::NATS_MESSAGE_ID))
            .unwrap_or_else(|| panic!("no id on {m:?}"))
            .to_string();
        if m.subject.as_str() == "agent.r.1" {
            assert_eq!(
                m.headers
                    .as_ref()
                    .unwrap()
                    .get("Arc-Source")
                    .unwrap()
                    .as_str(),
                "redis"
            );
        }
        if m.subject.as_str() == "agent.b.y" {
            assert_eq!(
                &m.payload[..],
                &[0, 1, 2],
                "base64 payloads go out as bytes"
            );
        }
        seen.insert(id);
    }
    let want: BTreeSet<String> = expected.iter().cloned().collect();
    assert_eq!(seen, want);

    // A message can reach the subscriber a moment before its queue push completes (the two run
    // together; the producer's ack waits for both): wait until the queue holds them all.
    let deadline = Instant::now() + Duration::from_secs(10);
    let logged = loop {
        let logged = logged_ids(&s.redis).await;
        if logged.len() >= want.len() || Instant::now() > deadline {
            break logged;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let distinct: BTreeSet<String> = logged.iter().cloned().collect();
    assert_eq!(
        logged.len(),
        distinct.len(),
        "each message once in the log queue"
    );
    assert_eq!(distinct, want);
    // The bad Redis entry is parked with its reason, not lost.
    let deadline = Instant::now() + Duration::from_secs(10);
    let rejected: Vec<String> = loop {
        let got: Vec<String> = r.lrange("arc:ingest:rejected", 0, -1).await.unwrap();
        if !got.is_empty() || Instant::now() > deadline {
            break got;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(rejected.len(), 1);
    assert!(rejected[0].contains("not an envelope"), "{rejected:?}");
    let envelope: Value = serde_json::from_str(
        &redis_conn(&s.redis)
            .await
            .lrange::<_, Vec<String>>("arc:log", 0, -1)
            .await
            .unwrap()
            .into_iter()
            .find(|e| e.contains("redis-1"))
            .unwrap(),
    )
    .unwrap();
    assert_eq!(envelope["source"], "redis");
    assert_eq!(envelope["sender"], "anonymous");
    assert_eq!(envelope["topic"], "default");

    let metrics = http()
        .get(format!("{}/metrics", serve.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("arc_pipeline_accepted_total{source=\"http\"} 5"),
        "{metrics}"
    );
    assert!(
        metrics.contains("arc_pipeline_accepted_total{source=\"ws\"} 2"),
        "{metrics}"
    );
    assert!(
        metrics.contains("arc_pipeline_ingest_seconds_count"),
        "{metrics}"
    );
}

/// Every refusal: its status, its body, and nothing queued.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_carry_status_and_reason() {
    let s = stack();
    let serve = serve(&s, &[]);
    let (st, _, _) = admin(
        reqwest::Method::PUT,
        &serve.url,
        "/v1/config/global",
        Some(json!({"identities": [
            {"name": "alice", "token": "alice-token-0123456789", "publish": ["agent.>"]},
        ]})),
        None,
    )
    .await;
    assert_eq!(st, 201);
    let (st, _, _) = admin(
        reqwest::Method::PUT,
        &serve.url,
        "/v1/config/topics/commands",
        Some(json!({
            "pattern": "agent.*.commands",
            "max_bytes": 400,
            "deny": ["agent.root.commands"],
            "rate_limit": {"per_sender": {"per_second": 1, "burst": 2}},
            "policies": [{"name": "need-agent", "when": "!(\"x-agent\" in headers)", "action": "deny", "reason": "x-agent header required"}],
        })),
        None,
    )
    .await;
    assert_eq!(st, 201);
    support::config_applied(&serve.url, &["global v1", "commands v1"]).await;
    let alice = ("authorization", "Bearer alice-token-0123456789");
    let good = r#"{"subject": "agent.a.commands", "payload": {}, "headers": {"x-agent": "a"}}"#;

    let (st, v, _) = post(&serve.url, good, &[]).await;
    assert_eq!(
        (st, v["reason"].as_str()),
        (401, Some("unauthenticated")),
        "{v}"
    );
    let (st, v, _) = post(
        &serve.url,
        good,
        &[("authorization", "Bearer wrong-token-000000000")],
    )
    .await;
    assert_eq!(st, 401, "{v}");
    let (st, v, _) = post(
        &serve.url,
        r#"{"subject": "other.x", "payload": 1}"#,
        &[alice],
    )
    .await;
    assert_eq!((st, v["reason"].as_str()), (403, Some("forbidden")), "{v}");
    let (st, v, _) = post(&serve.url, r#"{"subject": "agent.a.commands"}"#, &[alice]).await;
    assert_eq!((st, v["field"].as_str()), (400, Some("payload")), "{v}");
    let (st, v, _) = post(
        &serve.url,
        r#"{"subject": "agent.root.commands", "payload": {}, "headers": {"x-agent": "a"}}"#,
        &[alice],
    )
    .await;
    assert_eq!(
        (st, v["reason"].as_str()),
        (403, Some("subject_denied")),
        "{v}"
    );
    let (st, v, _) = post(
        &serve.url,
        r#"{"subject": "agent.a.commands", "payload": {}}"#,
        &[alice],
    )
    .await;
    assert_eq!(
        (st, v["error"].as_str()),
        (403, Some("x-agent header required")),
        "{v}"
    );
    let big = format!(
        r#"{{"subject": "agent.a.commands", "payload": "{}", "headers": {{"x-agent": "a"}}}}"#,
        "x".repeat(300)
    );
    // Issue 11: `max_bytes` counts what NATS gets, payload and headers.
    let (st, v, _) = post(&serve.url, &big, &[alice]).await;
    assert_eq!((st, v["limit"].as_u64()), (413, Some(400)), "{v}");
    assert!(
        v["error"]
            .as_str()
            .unwrap()
            .contains("payload 302, headers"),
        "{v}"
    );

    // The burst of 2, then 429 with Retry-After.
    for _ in 0..2 {
        let (st, v, _) = post(&serve.url, good, &[alice]).await;
        assert_eq!(st, 202, "{v}");
    }
    let (st, v, h) = post(&serve.url, good, &[alice]).await;
    assert_eq!(
        (st, v["reason"].as_str()),
        (429, Some("rate_limited")),
        "{v}"
    );
    assert!(h.get("retry-after").is_some(), "{h:?}");
    assert!(v["retry_after_ms"].as_u64().unwrap() > 0);

    // Only the two accepted messages are queued, and their sender is alice.
    let logged = logged_ids(&s.redis).await;
    assert_eq!(logged.len(), 2, "{logged:?}");
    let mut r = redis_conn(&s.redis).await;
    let entry: String = r.lindex("arc:log", 0).await.unwrap();
    let entry: Value = serde_json::from_str(&entry).unwrap();
    assert_eq!(entry["sender"], "alice");
    assert_eq!(entry["topic"], "commands");
    assert!(
        !entry.to_string().contains("alice-token"),
        "tokens are never stored"
    );
}

/// The config store: ETags stop lost updates, bad documents (a CEL policy that does not compile)
/// are refused at write, and a change reaches every running instance without a restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_is_versioned_validated_and_applied_live() {
    let s = stack();
    let a = serve(&s, &[]);
    let b = serve(&s, &["--components", "fanout"]);
    let msg = r#"{"subject": "agent.x.events", "payload": {"n": 1}}"#;
    assert_eq!(post(&b.url, msg, &[]).await.0, 202);

    let topic = json!({"pattern": "agent.*.events", "deny": ["agent.x.events"]});
    let (st, _, etag) = admin(
        reqwest::Method::PUT,
        &a.url,
        "/v1/config/topics/events",
        Some(topic.clone()),
        None,
    )
    .await;
    assert_eq!(st, 201);
    let v1 = etag.unwrap();
    assert_eq!(v1, "\"v1\"");
    // Instance b did not write it, and applies it all the same.
    let began = Instant::now();
    loop {
        let (st, _, _) = post(&b.url, msg, &[]).await;
        if st == 403 {
            break;
        }
        assert!(
            began.elapsed() < Duration::from_secs(10),
            "b never applied the change"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    eprintln!(
        "config change applied by the other instance in {:?}",
        began.elapsed()
    );

    // Without If-Match a stored document is not replaced; with a stale one, 412.
    let (st, v, _) = admin(
        reqwest::Method::PUT,
        &a.url,
        "/v1/config/topics/events",
        Some(topic.clone()),
        None,
    )
    .await;
    assert_eq!(st, 428, "{v}");
    let (st, _, etag) = admin(
        reqwest::Method::PUT,
        &a.url,
        "/v1/config/topics/events",
        Some(json!({"pattern": "agent.*.events"})),
        Some(&v1),
    )
    .await;
    assert_eq!((st, etag.as_deref()), (200, Some("\"v2\"")));
    let (st, v, etag) = admin(
        reqwest::Method::PUT,
        &a.url,
        "/v1/config/topics/events",
        Some(topic),
        Some(&v1),
    )
    .await;
    assert_eq!(st, 412, "{v}");
    assert_eq!(
        etag.as_deref(),
        Some("\"v2\""),
        "the conflict tells the current version"
    );

    // Refused at write: a policy that does not compile, an unknown field.
    let bad = json!({"pattern": "agent.>", "policies": [{"name": "p", "when": "payload_size <", "action": "deny"}]});
    let (st, v, _) = admin(
        reqwest::Method::PUT,
        &a.url,
        "/v1/config/topics/bad",
        Some(bad),
        None,
    )
    .await;
    assert_eq!((st, v["field"].as_str()), (400, Some("policies[0]")), "{v}");
    let (st, v, _) = admin(
        reqwest::Method::PUT,
        &a.url,
        "/v1/config/topics/bad",
        Some(json!({"pattern": "a.>", "max_byte": 1})),
        None,
    )
    .await;
    assert_eq!(st, 400, "{v}");
    assert!(v["error"].as_str().unwrap().contains("max_byte"), "{v}");
    let (st, _, _) = admin(
        reqwest::Method::GET,
        &a.url,
        "/v1/config/topics/bad",
        None,
        None,
    )
    .await;
    assert_eq!(st, 404);

    // The admin API wants the admin token, not an ingest one.
    let r = http()
        .get(format!("{}/v1/config/topics", a.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    let r = http()
        .get(format!("{}/v1/config/topics", a.url))
        .bearer_auth("not-the-admin-token-000")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);

    // The CLI wraps it: get prints YAML on stdout, set/rm work with the same token.
    let got =
        s.p.arc([
            "--json", "config", "get", "topic", "events", "--server", &a.url,
        ])
        .env("ARC_ADMIN_TOKEN", ADMIN)
        .run()
        .success()
        .json();
    assert_eq!(got["etag"], "\"v2\"");
    assert_eq!(got["config"]["pattern"], "agent.*.events");
    s.p.arc(["config", "rm", "topic", "events", "--server", &a.url])
        .env("ARC_ADMIN_TOKEN", ADMIN)
        .run()
        .success();
    s.p.arc(["config", "get", "topic", "events", "--server", &a.url])
        .env("ARC_ADMIN_TOKEN", ADMIN)
        .run()
        .expect_code(2);
}

/// One rate limit, kept in Redis, shared by two pipeline instances.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_are_shared_between_instances() {
    let s = stack();
    let a = serve(&s, &[]);
    let b = serve(&s, &["--components", "fanout"]);
    let (st, _, _) = admin(
        reqwest::Method::PUT,
        &a.url,
        "/v1/config/topics/metered",
        Some(json!({"pattern": "metered.>", "rate_limit": {"per_topic": {"per_second": 0.2, "burst": 4}}})),
        None,
    )
    .await;
    assert_eq!(st, 201);
    // Wait until b has the topic (a message to it counts against the limit from then on).
    support::config_applied(&b.url, &["metered v1"]).await;
    let msg = r#"{"subject": "metered.x", "payload": 1}"#;
    let mut accepted = 0;
    let mut limited = 0;
    for i in 0..6 {
        let url = if i % 2 == 0 { &a.url } else { &b.url };
        match post(url, msg, &[]).await.0 {
            202 => accepted += 1,
            429 => limited += 1,
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(
        (accepted, limited),
        (4, 2),
        "the burst of 4 is shared by both instances"
    );
}

/// A pipeline killed while it holds entries from the Redis list loses none of them: a restart
/// with the same consumer name runs its processing list again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_ingress_survives_a_crash() {
    let s = stack();
    let mut r = redis_conn(&s.redis).await;
    let n = 5000;
    let entries: Vec<String> = (0..n)
        .map(|i| format!(r#"{{"subject": "crash.t", "payload": {{"i": {i}}}, "id": "c-{i}"}}"#))
        .collect();
    for chunk in entries.chunks(1000) {
        let _: () = r.lpush("arc:ingest", chunk).await.unwrap();
    }
    // As if an earlier run had moved two entries and died before handling them.
    let _: () = r
        .lpush(
            "arc:ingest:processing:crashy",
            &[
                r#"{"subject": "crash.t", "payload": 1, "id": "orphan-1"}"#,
                r#"{"subject": "crash.t", "payload": 2, "id": "orphan-2"}"#,
            ],
        )
        .await
        .unwrap();

    let first = serve(&s, &["--consumer", "crashy"]);
    // Kill it mid-way through the list.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let left: usize = r.llen("arc:ingest").await.unwrap();
        if left < n * 3 / 4 {
            break;
        }
        assert!(Instant::now() < deadline, "the pipeline never consumed");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    first.kill();
    let left: usize = r.llen("arc:ingest").await.unwrap();
    assert!(left > 0, "killed too late to test anything");

    let _second = serve(&s, &["--consumer", "crashy"]);
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let left: usize = r.llen("arc:ingest").await.unwrap();
        let held: usize = r.llen("arc:ingest:processing:crashy").await.unwrap();
        if left == 0 && held == 0 {
            break;
        }
        assert!(Instant::now() < deadline, "left {left}, held {held}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let logged: BTreeSet<String> = logged_ids(&s.redis).await.into_iter().collect();
    let mut want: BTreeSet<String> = (0..n).map(|i| format!("c-{i}")).collect();
    want.insert("orphan-1".into());
    want.insert("orphan-2".into());
    let missing: Vec<&String> = want.difference(&logged).take(5).collect();
    assert!(missing.is_empty(), "lost: {missing:?}");
}

/// Without NATS (or Redis) nothing is acknowledged: 503, never a 2xx, and /readyz says why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backends_down_mean_503_never_2xx() {
    let s = stack();
    let serve = serve(&s, &[]);
    let msg = r#"{"subject": "agent.x", "payload": 1}"#;
    assert_eq!(post(&serve.url, msg, &[]).await.0, 202);

    s.p.arc(["down", "sonic"]).run().success();
    let (st, v, _) = post(&serve.url, msg, &[]).await;
    assert_eq!(
        (st, v["reason"].as_str()),
        (503, Some("unavailable")),
        "{v}"
    );
    s.p.arc(["up", "sonic"]).run().success();
    let deadline = Instant::now() + Duration::from_secs(15);
    while post(&serve.url, msg, &[]).await.0 != 202 {
        assert!(
            Instant::now() < deadline,
            "never recovered from Redis coming back"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    s.p.arc(["down", "flash"]).run().success();
    support::eventually(
        "the pipeline sees NATS gone",
        Duration::from_secs(10),
        || async { support::readyz(&serve.url).await.1["nats"] == "not connected" },
    )
    .await;
    let before = logged_ids(&s.redis).await.len();
    for k in 0..5 {
        let body =
            format!(r#"{{"subject": "agent.x", "payload": 1, "id": "while-nats-down-{k}"}}"#);
        let (st, v, _) = post(&serve.url, &body, &[]).await;
        assert_eq!(st, 503, "{v}");
    }
    // Issue 11: a message refused because NATS is down is not queued for the log either.
    let after = logged_ids(&s.redis).await;
    assert_eq!(after.len(), before, "{after:?}");
    assert!(!after.iter().any(|id| id.starts_with("while-nats-down")));
    let r = http()
        .get(format!("{}/readyz", serve.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 503);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["nats"], "not connected");
}

/// The registry: the local backbone registers itself, `arc backbones` manages records, and a
/// message whose `org` header names a registered org goes to that backbone's NATS.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registry_routes_by_org() {
    let s = stack();
    // A second, remote backbone: a NATS server of its own.
    let port = free_port();
    let mut remote = std::process::Command::new("nats-server")
        .args(["-a", "127.0.0.1", "-p", &port.to_string()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let remote_url = format!("nats://127.0.0.1:{port}");
    let serve = serve(&s, &[]);

    let arc = |args: &[&str]| {
        let mut all = vec!["--json", "backbones"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--server", &serve.url]);
        s.p.arc(all).env("ARC_ADMIN_TOKEN", ADMIN).run()
    };
    let ls = arc(&["ls"]).success().json();
    assert_eq!(ls[0]["system_id"], "local", "{ls}");
    assert_eq!(ls[0]["nats_url"], s.nats.as_str());
    arc(&[
        "add",
        "acme-1",
        "--org",
        "acme",
        "--cluster",
        "eu",
        "--nats-url",
        &remote_url,
        "--region",
        "eu-west",
    ])
    .success();
    arc(&[
        "add",
        "acme-1",
        "--org",
        "acme",
        "--cluster",
        "eu",
        "--nats-url",
        &remote_url,
    ])
    .expect_code(2);
    let shown = arc(&["show", "acme-1"]).success().json();
    assert_eq!(shown["metadata"]["region"], "eu-west");
    let (st, v, _) = admin(
        reqwest::Method::POST,
        &serve.url,
        "/v1/backbones",
        Some(
            json!({"system_id": "x", "org_id": "y", "cluster_id": "z", "nats_url": "http://nope"}),
        ),
        None,
    )
    .await;
    assert_eq!((st, v["field"].as_str()), (400, Some("nats_url")), "{v}");

    let remote_client = async_nats::connect(&remote_url).await.unwrap();
    let mut remote_sub = remote_client.subscribe("orders.>").await.unwrap();
    remote_client.flush().await.unwrap();
    let local_client = async_nats::connect(&s.nats).await.unwrap();
    let mut local_sub = local_client.subscribe("orders.>").await.unwrap();
    local_client.flush().await.unwrap();
    // The pipeline routes acme's messages once its configuration has the route.
    support::config_applied(&serve.url, &["route acme"]).await;

    let (st, v, _) = post(
        &serve.url,
        r#"{"subject": "orders.new", "payload": {"org": "acme"}, "headers": {"org": "acme"}}"#,
        &[],
    )
    .await;
    assert_eq!(st, 202, "{v}");
    let got = tokio::time::timeout(Duration::from_secs(5), remote_sub.next())
        .await
        .expect("the acme backbone got it")
        .unwrap();
    assert_eq!(got.subject.as_str(), "orders.new");
    let (st, _, _) = post(
        &serve.url,
        r#"{"subject": "orders.local", "payload": 1}"#,
        &[],
    )
    .await;
    assert_eq!(st, 202);
    let got = tokio::time::timeout(Duration::from_secs(5), local_sub.next())
        .await
        .expect("the local backbone got the other")
        .unwrap();
    assert_eq!(
        got.subject.as_str(),
        "orders.local",
        "the acme message did not go local"
    );

    arc(&["rm", "acme-1"]).success();
    let _ = remote.kill();
    let _ = remote.wait();
}

/// Issue 14: a message on a subject a stream captures is answered 2xx only once the stream has
/// stored it, whatever its topic says (the default topic is not durable): a stream that refuses
/// it (full, discarding new messages) makes it a 503 and keeps it out of the log queue; a
/// stream created while the pipeline runs is covered within the pipeline's listing period.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_captured_subject_is_answered_after_the_stream_stores_it() {
    use async_nats::jetstream::stream::{Config, DiscardPolicy};
    let s = stack();
    let js = async_nats::jetstream::new(async_nats::connect(&s.nats).await.expect("nats"));
    let full = |name: &str, subject: &str| Config {
        name: name.to_owned(),
        subjects: vec![subject.to_owned()],
        max_messages: 1,
        discard: DiscardPolicy::New,
        ..Config::default()
    };
    js.create_stream(full("ONE_ONLY", "one.>"))
        .await
        .expect("create ONE_ONLY");
    let serve = serve(&s, &[]);

    let (st, v, _) = post(
        &serve.url,
        r#"{"subject": "one.a", "id": "one-1", "payload": 1}"#,
        &[],
    )
    .await;
    assert_eq!(st, 202, "{v}");
    let (st, v, _) = post(
        &serve.url,
        r#"{"subject": "one.b", "id": "one-2", "payload": 2}"#,
        &[],
    )
    .await;
    assert_eq!(
        st, 503,
        "the stream is full; core NATS would have taken it: {v}"
    );
    assert!(
        v["error"]
            .as_str()
            .unwrap_or_default()
            .contains("JetStream"),
        "{v}"
    );
    let logged = logged_ids(&s.redis).await;
    assert!(logged.contains(&"one-1".to_owned()), "{logged:?}");
    assert!(!logged.contains(&"one-2".to_owned()), "{logged:?}");
    let stream = js.get_stream("ONE_ONLY").await.expect("stream");
    assert_eq!(stream.cached_info().state.messages, 1);

    // A stream made after the pipeline started: once the pipeline has listed it, the second
    // message meets the full stream too.
    js.create_stream(full("LATE", "late.>"))
        .await
        .expect("create LATE");
    let mut n = 0;
    support::eventually(
        "a 503 from the stream created after the pipeline started",
        Duration::from_secs(20),
        || {
            n += 1;
            let (url, body) = (
                serve.url.clone(),
                format!(r#"{{"subject": "late.x", "id": "late-{n}", "payload": {n}}}"#),
            );
            async move { post(&url, &body, &[]).await.0 == 503 }
        },
    )
    .await;
}

/// Issue 22: a producer's header whose VALUE contains the text `Nats-Msg-Id` does not switch
/// JetStream's de-duplication off. nats-server 2.9 looked the header up by the first occurrence
/// of its name anywhere in the header block, found it inside the value, and then saw no id at
/// all (8 of 10 sends stored); the server the project installs finds the header itself: ten
/// sends of one id are stored once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_header_value_naming_nats_msg_id_keeps_deduplication() {
    use async_nats::jetstream::stream::Config;
    let s = stack();
    let js = async_nats::jetstream::new(async_nats::connect(&s.nats).await.expect("nats"));
    js.create_stream(Config {
        name: "DEDUP22".to_owned(),
        subjects: vec!["dedup22.>".to_owned()],
        duplicate_window: Duration::from_secs(120),
        ..Config::default()
    })
    .await
    .expect("create DEDUP22");
    let serve = serve(&s, &[]);
    let body = json!({
        "subject": "dedup22.x",
        "id": "issue-22-dedup",
        "headers": {"x-note": "see Nats-Msg-Id", "x-trace": "Nats-Msg-Id: other"},
        "payload": {"n": 1},
    })
    .to_string();
    for i in 0..10 {
        let (st, v, _) = post(&serve.url, &body, &[]).await;
        assert_eq!(st, 202, "send {i}: {v}");
    }
    let stream = js.get_stream("DEDUP22").await.expect("stream");
    let state = &stream.cached_info().state;
    assert_eq!(
        state.messages, 1,
        "ten sends of id `issue-22-dedup` must be stored once, {} were (is the nats-server on PATH the pinned one? `make deps`)",
        state.messages
    );
}

/// Sends `sig` (`-STOP`, `-CONT`) to the project's nats-server.
fn signal_nats(s: &Stack, sig: &str) {
    let ps = s.p.arc(["--json", "ps"]).run().success().json();
    let pid = ps
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["service"] == "messaging")
        .and_then(|r| r["pid"].as_u64())
        .unwrap_or_else(|| panic!("no pid for messaging: {ps}"));
    let st = std::process::Command::new("kill")
        .args([sig, &pid.to_string()])
        .status()
        .expect("kill");
    assert!(st.success(), "kill {sig} {pid}");
}

/// How many of the stream's messages carry `Nats-Msg-Id: id` (every copy read back).
async fn copies(js: &async_nats::jetstream::Context, stream_name: &str, id: &str) -> usize {
    let mut stream = js.get_stream(stream_name).await.expect("stream");
    let last = stream
        .info()
        .await
        .expect("stream info")
        .state
        .last_sequence;
    let mut n = 0;
    for seq in 1..=last {
        let m = stream
            .get_raw_message(seq)
            .await
            .unwrap_or_else(|e| panic!("{stream_name} #{seq} of {last}: {e}"));
        if m.headers
            .get(async_nats::header::NATS_MESSAGE_ID)
            .map(async_nats::HeaderValue::as_str)
            == Some(id)
        {
            n += 1;
        }
    }
    n
}

/// Issue 22: an acknowledgement that does not come is never answered as a refusal. The NATS
/// server is stopped (SIGSTOP) so that JetStream cannot answer: past the request's deadline the
/// answer is 504 `outcome_unknown` naming the id, and the retry it asks for (same id) is stored
/// once in the stream and once in the log queue; a stop shorter than the deadline is ridden out
/// by asking again with the same `Nats-Msg-Id`, answered 202, stored once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unanswered_acknowledgement_is_never_called_a_refusal() {
    use async_nats::jetstream::stream::Config;
    let s = stack();
    let js = async_nats::jetstream::new(async_nats::connect(&s.nats).await.expect("nats"));
    js.create_stream(Config {
        name: "AMBIG22".to_owned(),
        subjects: vec!["ambig22.>".to_owned()],
        duplicate_window: Duration::from_secs(120),
        ..Config::default()
    })
    .await
    .expect("create AMBIG22");

    // Past the deadline: unknown, not refused.
    let short = serve(&s, &["--ack-deadline", "2s"]);
    let first = r#"{"subject": "ambig22.a", "id": "ambig-1", "payload": 1}"#;
    signal_nats(&s, "-STOP");
    let (st, v, _) = post(&short.url, first, &[]).await;
    signal_nats(&s, "-CONT");
    assert_eq!(st, 504, "{v}");
    assert_eq!(v["reason"], "outcome_unknown", "{v}");
    assert_eq!(v["ids"], json!(["ambig-1"]), "{v}");
    assert!(
        v["error"].as_str().unwrap_or_default().contains("same id"),
        "{v}"
    );
    assert!(!logged_ids(&s.redis).await.contains(&"ambig-1".to_owned()));
    // The retry the answer asks for (once NATS answers again: a 503 while the pipeline's
    // connection recovers is a refusal, a 504 unknown again; both are retried with the id).
    support::eventually(
        "the retry of `ambig-1` answered 202",
        Duration::from_secs(30),
        || {
            let url = short.url.clone();
            async move {
                let (st, v, _) = post(&url, first, &[]).await;
                assert!(matches!(st, 202 | 503 | 504), "{st} {v}");
                st == 202
            }
        },
    )
    .await;
    assert_eq!(copies(&js, "AMBIG22", "ambig-1").await, 1);
    let logged = logged_ids(&s.redis).await;
    assert_eq!(
        logged.iter().filter(|i| *i == "ambig-1").count(),
        1,
        "{logged:?}"
    );

    // Within the deadline: asked again, then 202.
    let mut long = serve(&s, &["--ack-deadline", "120s"]);
    signal_nats(&s, "-STOP");
    let url = long.url.clone();
    let answer = tokio::spawn(async move {
        post(
            &url,
            r#"{"subject": "ambig22.b", "id": "ambig-2", "payload": 2}"#,
            &[],
        )
        .await
    });
    let line = tokio::task::block_in_place(|| {
        long.wait_for_line("asking again with the same Nats-Msg-Id")
    });
    signal_nats(&s, "-CONT");
    assert!(line.contains("ambig-2"), "{line}");
    let (st, v, _) = answer.await.expect("the request");
    assert_eq!(st, 202, "{v}");
    assert_eq!(copies(&js, "AMBIG22", "ambig-2").await, 1);
    let logged = logged_ids(&s.redis).await;
    assert_eq!(
        logged.iter().filter(|i| *i == "ambig-2").count(),
        1,
        "{logged:?}"
    );
}
