//! Issue 21, part 5: policies see the whole message or refuse it. Against a real `arc serve`
//! (every component) with real NATS, Redis and PostgreSQL: a payload nested past the depth limit
//! is refused with 400 on HTTP, WebSocket, the Redis list and NATS ingress (it used to reach a deny policy as
//! `null`, or be accepted and then refused by the log store); one just under the limit is
//! accepted and logged byte for byte; a message that would make a policy run n² over a big list
//! is refused before it runs, naming the policy and the budget, while another producer's
//! messages on another topic are answered 2xx; `/readyz` and `/metrics` show the slots.

#![allow(clippy::many_single_char_names, clippy::print_stderr)]

mod support;

use std::time::Duration;

use futures::{SinkExt as _, StreamExt as _};
use redis::AsyncCommands as _;
use serde_json::{json, Value};
use support::{config_applied, eventually, pg, readyz, redis_conn, stack, Serve, Stack};
use tokio_tungstenite::tungstenite::Message;

/// The depth limit the README and `envelope::MAX_DEPTH` state.
const MAX_DEPTH: usize = 64;

/// A payload `levels` deep: an object holding `op` and `levels - 1` nested arrays.
fn nested(op: &str, levels: usize) -> String {
    format!(
        r#"{{"op": "{op}", "pad": {}1{}}}"#,
        "[".repeat(levels - 1),
        "]".repeat(levels - 1)
    )
}

async fn admin_put(url: &str, path: &str, body: &Value) {
    let (st, v) = support::admin_put(url, path, body).await;
    assert!(st == 200 || st == 201, "PUT {path}: {st} {v}");
}

async fn post(url: &str, body: &str, token: Option<&str>) -> (u16, Value) {
    let mut req = reqwest::Client::new()
        .post(format!("{url}/v1/messages"))
        .header("content-type", "application/json")
        .body(body.to_owned());
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let r = req.send().await.expect("POST /v1/messages");
    let st = r.status().as_u16();
    (st, r.json().await.unwrap_or(Value::Null))
}

/// `arc serve` with every component, ready.
async fn serve_all(s: &Stack) -> Serve {
    let serve = s.serve(&[]);
    let url = serve.url.clone();
    eventually("ready", Duration::from_secs(30), || async {
        readyz(&url).await.0 == 200
    })
    .await;
    serve
}

async fn logged_payload(db: &tokio_postgres::Client, id: &str) -> Option<String> {
    db.query_opt(
        "SELECT payload::text FROM arc_messages WHERE id = $1",
        &[&id],
    )
    .await
    .ok()
    .flatten()
    .map(|r| r.get(0))
}

/// Issue 21: `{"op":"drop","pad":[[[…127…]]]}` passed a deny policy on `op` (the payload reached
/// CEL as `null` past 128 levels), and ~15,000 levels were answered 202 and then set aside by
/// the logger (PostgreSQL: "stack depth limit exceeded").
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payloads_past_the_depth_limit_are_refused_on_every_path() {
    let s = stack();
    let serve = serve_all(&s).await;
    let url = serve.url.clone();
    admin_put(
        &url,
        "/v1/config/topics/deep",
        &json!({"pattern": "deep.>", "policies": [
            {"name": "no-drop", "when": r#"has(payload.op) && payload.op == "drop""#, "action": "deny", "reason": "drop is not allowed"}
        ]}),
    )
    .await;
    config_applied(&url, &["deep v1"]).await;

    // HTTP: the bypass of the issue, one level past the limit, and the log store's killer.
    for (levels, subject) in [
        (128, "deep.a"),
        (MAX_DEPTH + 1, "deep.a"),
        (15_000, "plain.a"),
    ] {
        let body = format!(
            r#"{{"id": "http-{levels}", "subject": "{subject}", "payload": {}}}"#,
            nested("drop", levels)
        );
        let (st, v) = post(&url, &body, None).await;
        assert_eq!(st, 400, "{levels} levels: {v}");
        assert_eq!(v["field"], "payload", "{v}");
        let e = v["error"].as_str().unwrap_or_default();
        assert!(
            e.contains(&format!("nested {levels} levels"))
                && e.contains(&format!("at most {MAX_DEPTH} levels")),
            "{levels} levels: {v}"
        );
    }
    // At the limit: the policy sees the whole payload, so `drop` is denied and `keep` accepted.
    let (st, v) = post(
        &url,
        &format!(
            r#"{{"subject": "deep.a", "payload": {}}}"#,
            nested("drop", MAX_DEPTH)
        ),
        None,
    )
    .await;
    assert_eq!(
        (st, v["reason"].as_str()),
        (403, Some("policy_denied")),
        "{v}"
    );
    let at_limit = nested("keep", MAX_DEPTH);
    let (st, v) = post(
        &url,
        &format!(r#"{{"id": "http-at-limit", "subject": "deep.a", "payload": {at_limit}}}"#),
        None,
    )
    .await;
    assert_eq!(st, 202, "{v}");

    // The Redis list: the deep entry is set aside with the 400 and the limit; the one pushed
    // after it, at the limit, is logged.
    let mut r = redis_conn(&s.redis).await;
    let deep_entry = format!(
        r#"{{"id": "redis-deep", "subject": "deep.b", "payload": {}}}"#,
        nested("drop", MAX_DEPTH + 1)
    );
    let _: () = r.lpush("arc:ingest", deep_entry).await.unwrap();
    let good_entry =
        format!(r#"{{"id": "redis-at-limit", "subject": "deep.b", "payload": {at_limit}}}"#);
    let _: () = r.lpush("arc:ingest", good_entry).await.unwrap();

    // WebSocket: the acknowledgement frame carries the 400 and the limit; the connection stays.
    let (mut ws, _) =
        tokio_tungstenite::connect_async(format!("{}/v1/ws", url.replace("http://", "ws://")))
            .await
            .expect("ws");
    for (payload, accepted) in [
        (nested("drop", MAX_DEPTH + 1), false),
        (at_limit.clone(), true),
    ] {
        let frame = format!(r#"{{"subject": "deep.w", "payload": {payload}}}"#);
        ws.send(Message::Text(frame.into())).await.expect("ws send");
        let ack = loop {
            if let Message::Text(t) = ws.next().await.expect("ws open").expect("ws frame") {
                break serde_json::from_str::<Value>(&t).unwrap();
            }
        };
        if accepted {
            assert_eq!(ack["status"], "accepted", "{ack}");
        } else {
            assert_eq!(ack["code"], 400, "{ack}");
            assert!(
                ack.to_string()
                    .contains(&format!("at most {MAX_DEPTH} levels")),
                "{ack}"
            );
        }
    }

    // NATS ingress: the raw body is the payload.
    let nats = async_nats::connect(s.nats.as_str()).await.unwrap();
    let m = nats
        .request("ingest.deep.c", nested("drop", MAX_DEPTH + 1).into())
        .await
        .expect("NATS ingress answers");
    let a: Value = serde_json::from_slice(&m.payload).unwrap();
    assert_eq!(a["code"], 400, "{a}");
    assert!(
        a.to_string()
            .contains(&format!("at most {MAX_DEPTH} levels")),
        "{a}"
    );
    let m = nats
        .request("ingest.deep.c", at_limit.clone().into())
        .await
        .expect("NATS ingress answers");
    let a: Value = serde_json::from_slice(&m.payload).unwrap();
    assert!(a.to_string().contains("accepted"), "{a}");

    let db = pg(&s.db).await;
    for id in ["http-at-limit", "redis-at-limit"] {
        eventually(
            &format!("`{id}` logged"),
            Duration::from_secs(30),
            || async { logged_payload(&db, id).await.is_some() },
        )
        .await;
        assert_eq!(
            logged_payload(&db, id).await.as_deref(),
            Some(at_limit.as_str()),
            "{id}: logged byte for byte"
        );
    }
    let rejected: Vec<String> = r.lrange("arc:ingest:rejected", 0, -1).await.unwrap();
    let letter = rejected
        .iter()
        .map(|t| serde_json::from_str::<Value>(t).unwrap())
        .find(|l| l["id"] == "redis-deep")
        .unwrap_or_else(|| panic!("the deep Redis entry is set aside: {rejected:?}"));
    assert_eq!(letter["status"], 400, "{letter}");
    assert!(
        letter["error"]
            .as_str()
            .unwrap_or_default()
            .contains(&format!("at most {MAX_DEPTH} levels")),
        "{letter}"
    );
    // Nothing refused is in the log, and the logger set nothing aside.
    for id in ["http-128", "http-65", "http-15000", "redis-deep"] {
        assert_eq!(logged_payload(&db, id).await, None, "{id} is not logged");
    }
    let dead: usize = r.llen("arc:log:dead").await.unwrap();
    assert_eq!(dead, 0, "the log store refused nothing");
}

/// Issue 21: a comprehension nested two deep over a list from the message passed the write-time
/// estimate and ran n² at evaluation: four 24 KB messages held all four evaluation slots for
/// ~20 s and every message on every policy topic got 503. Now each such message is refused
/// before it runs (403 `policy_budget`, naming the policy and the budget) and another producer
/// on another topic is answered meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_costly_message_is_refused_within_budget_and_others_are_answered() {
    let s = stack();
    let serve = serve_all(&s).await;
    let url = serve.url.clone();
    let mallory = "mallory-token-0123456789";
    let alice = "alice-token-0123456789";
    admin_put(
        &url,
        "/v1/config/global",
        &json!({"identities": [
            {"name": "mallory", "token": mallory, "publish": ["lists.>"]},
            {"name": "alice", "token": alice, "publish": ["other.>"]},
        ]}),
    )
    .await;
    admin_put(
        &url,
        "/v1/config/topics/lists",
        &json!({"pattern": "lists.>", "policies": [
            {"name": "pairs", "when": "payload.a.all(x, payload.a.all(y, x != y + 1000000))", "action": "deny", "reason": "a pair"}
        ]}),
    )
    .await;
    admin_put(
        &url,
        "/v1/config/topics/other",
        &json!({"pattern": "other.>", "policies": [
            {"name": "small", "when": "payload_size > 100000", "action": "deny"}
        ]}),
    )
    .await;
    config_applied(&url, &["global v1", "lists v1", "other v1"]).await;

    // The issue's message: ~24 KB, a list of 5,000 numbers.
    let list = (0..5000)
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(",");
    let costly = format!(r#"{{"subject": "lists.x", "payload": {{"a": [{list}]}}}}"#);
    assert!(costly.len() > 20_000);
    let costly_ones = (0..8).map(|_| post(&url, &costly, Some(mallory)));
    let alices = (0..8).map(|i| {
        let url = url.clone();
        async move {
            post(
                &url,
                &format!(r#"{{"subject": "other.x", "payload": {{"n": {i}}}}}"#),
                Some(alice),
            )
            .await
        }
    });
    let (costly_answers, alice_answers) = tokio::join!(
        futures::future::join_all(costly_ones),
        futures::future::join_all(alices)
    );
    for (st, v) in &costly_answers {
        assert_eq!(
            (*st, v["reason"].as_str()),
            (403, Some("policy_budget")),
            "{v}"
        );
        let e = v["error"].as_str().unwrap_or_default();
        assert!(
            e.contains("policy `pairs`")
                && e.contains("25005000 iterations")
                && e.contains("budget is 20000"),
            "{v}"
        );
    }
    for (st, v) in &alice_answers {
        assert_eq!(*st, 202, "alice on another topic: {v}");
    }
    // A list small enough for the budget is evaluated, and decides.
    let (st, v) = post(
        &url,
        r#"{"subject": "lists.x", "payload": {"a": [1, 2, 3]}}"#,
        Some(mallory),
    )
    .await;
    assert_eq!((st, v["error"].as_str()), (403, Some("a pair")), "{v}");
    let (st, v) = post(
        &url,
        r#"{"subject": "lists.x", "payload": {"a": [1, 1000001]}}"#,
        Some(mallory),
    )
    .await;
    assert_eq!(st, 202, "{v}");

    let (st, v) = readyz(&url).await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["policies"]["state"], "ok", "{v}");
    assert_eq!(v["policies"]["slots"], 4, "{v}");
    assert_eq!(v["policies"]["per_identity"], 2, "{v}");
    assert_eq!(v["policies"]["busy"], 0, "{v}");
    let metrics = reqwest::get(format!("{url}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for line in [
        "arc_pipeline_rejected_total{reason=\"policy_budget\"} 8\n",
        "arc_policy_slots 4\n",
        "arc_policy_slots_busy 0\n",
        "arc_policy_slot_waiting 0\n",
        "arc_policy_slot_refusals_total{cause=\"saturated\"} 0\n",
        "arc_policy_slot_refusals_total{cause=\"identity_share\"} 0\n",
    ] {
        assert!(metrics.contains(line), "{line}: {metrics}");
    }
    assert!(
        metrics
            .contains("# TYPE arc_policy_slot_waits_total counter\narc_policy_slot_waits_total "),
        "{metrics}"
    );
}
