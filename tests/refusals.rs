//! Issue 21: every refusal says whether a retry can help, and a queue path keeps moving behind a
//! message the backbone refuses. Against a real `arc serve` over real NATS (JetStream), Redis
//! and PostgreSQL: a message a stream refuses for good (its `max_msg_size`, a sealed stream, a
//! durable topic no stream captures) is a 4xx before anything is published, and set aside at
//! once on the Redis list, never republished; a transient refusal holds a Redis entry only up to
//! `--hold-limit`, and the hold shows in `/readyz` and `/metrics`; `Nats-*`/`Arc-*` headers are
//! refused on every path; NATS ingress never answers into NATS's API or a stream.

#![allow(clippy::many_single_char_names)]

mod support;

use std::time::Duration;

use futures::{FutureExt as _, StreamExt as _};
use redis::AsyncCommands as _;
use serde_json::{json, Value};
use support::{eventually, pg, readyz, redis_conn, ADMIN};

async fn post(url: &str, body: &Value) -> (u16, Value) {
    let r = reqwest::Client::new()
        .post(format!("{url}/v1/messages"))
        .json(body)
        .send()
        .await
        .expect("POST /v1/messages");
    let st = r.status().as_u16();
    (st, r.json().await.unwrap_or(Value::Null))
}

/// Stores topic `name` and waits until the pipeline applied it.
async fn put_topic(url: &str, name: &str, doc: &Value) {
    let r = reqwest::Client::new()
        .put(format!("{url}/v1/config/topics/{name}"))
        .bearer_auth(ADMIN)
        .json(doc)
        .send()
        .await
        .expect("PUT topic");
    assert!(r.status().is_success(), "{:?}", r.text().await);
    let want = format!("{name} v");
    eventually("the topic applied", Duration::from_secs(20), || async {
        readyz(url).await.1["config"]
            .as_str()
            .is_some_and(|c| c.contains(&want))
    })
    .await;
}

/// The ids in the log store.
async fn logged(db: &str) -> Vec<String> {
    pg(db)
        .await
        .query("SELECT id FROM arc_messages ORDER BY id", &[])
        .await
        .expect("select")
        .iter()
        .map(|r| r.get(0))
        .collect()
}

/// The set-aside ingress entries, as `(id, reason)`.
async fn set_aside(redis: &str) -> Vec<(String, String)> {
    let mut c = redis_conn(redis).await;
    let all: Vec<String> = c
        .lrange("arc:ingest:rejected", 0, -1)
        .await
        .expect("lrange");
    all.iter()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .map(|v| {
            (
                v["id"].as_str().unwrap_or_default().to_owned(),
                v["reason"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

async fn lpush(redis: &str, entry: &Value) {
    let mut c = redis_conn(redis).await;
    let _: () = c
        .lpush("arc:ingest", entry.to_string())
        .await
        .expect("lpush");
}

/// Messages a core subscriber has received so far.
fn count(sub: &mut async_nats::Subscriber) -> usize {
    let mut n = 0;
    while let Some(Some(_)) = sub.next().now_or_never() {
        n += 1;
    }
    n
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_a_stream_refuses_for_good_is_a_4xx_and_never_blocks_a_queue() {
    use async_nats::jetstream::stream::Config;
    let s = support::stack();
    let nats = async_nats::connect(&s.nats).await.expect("nats");
    let js = async_nats::jetstream::new(nats.clone());
    js.create_stream(Config {
        name: "SEALED".into(),
        subjects: vec!["sealed.>".into()],
        ..Config::default()
    })
    .await
    .expect("create SEALED");
    js.update_stream(Config {
        name: "SEALED".into(),
        subjects: vec!["sealed.>".into()],
        sealed: true,
        ..Config::default()
    })
    .await
    .expect("seal SEALED");
    let serve = s.serve_ready(&[]).await;
    put_topic(
        &serve.url,
        "nostream",
        &json!({"pattern": "nostream.>", "durable": true}),
    )
    .await;
    // Core subscribers see whatever is published: a refusal before publishing shows none.
    let mut refused = Vec::new();
    for p in ["system.metrics.>", "sealed.>", "nostream.>"] {
        refused.push(nats.subscribe(p).await.expect("subscribe"));
    }
    let mut good = nats.subscribe("agent.events.>").await.expect("subscribe");
    nats.flush().await.expect("flush");

    // SYSTEM_METRICS (the stock stream) stores at most 64 KiB a message; the topic allows 1 MiB.
    let big = "x".repeat(70_000);
    let (st, v) = post(
        &serve.url,
        &json!({"subject": "system.metrics.cpu", "id": "big-1", "payload": big}),
    )
    .await;
    assert_eq!(st, 413, "{v}");
    assert_eq!(v["stream"], "SYSTEM_METRICS", "{v}");
    assert_eq!(v["limit"], 65_536, "{v}");
    assert!(
        v["error"]
            .as_str()
            .unwrap_or_default()
            .contains("max_msg_size"),
        "{v}"
    );
    let (st, v) = post(
        &serve.url,
        &json!({"subject": "sealed.x", "id": "sealed-1", "payload": 1}),
    )
    .await;
    assert_eq!(st, 422, "{v}");
    assert_eq!(v["reason"], "backbone_refused", "{v}");
    assert!(
        v["error"].as_str().unwrap_or_default().contains("sealed")
            && v["error"]
                .as_str()
                .unwrap_or_default()
                .contains("asking again cannot help"),
        "{v}"
    );
    let (st, v) = post(
        &serve.url,
        &json!({"subject": "nostream.x", "id": "nostream-1", "payload": 1}),
    )
    .await;
    assert_eq!(st, 422, "{v}");
    assert!(
        v["error"]
            .as_str()
            .unwrap_or_default()
            .contains("no stream captures `nostream.x`"),
        "{v}"
    );
    // In a batch, the refusal names the message, and nothing of the batch goes out.
    let (st, v) = post(
        &serve.url,
        &json!([
            {"subject": "agent.events.batch", "id": "batch-ok", "payload": 1},
            {"subject": "system.metrics.cpu", "id": "batch-big", "payload": big},
        ]),
    )
    .await;
    assert_eq!((st, &v["index"]), (413, &json!(1)), "{v}");

    // On the Redis list each is set aside at once; the good entry behind them is logged.
    for (id, subject, payload) in [
        ("big-2", "system.metrics.cpu", json!(big)),
        ("sealed-2", "sealed.x", json!(2)),
        ("nostream-2", "nostream.x", json!(2)),
        ("good-1", "agent.events.good", json!(1)),
    ] {
        lpush(
            &s.redis,
            &json!({"id": id, "subject": subject, "payload": payload}),
        )
        .await;
    }
    eventually("good-1 logged", Duration::from_secs(60), || async {
        logged(&s.db).await.contains(&"good-1".to_owned())
    })
    .await;
    let mut aside = set_aside(&s.redis).await;
    aside.sort();
    assert_eq!(
        aside,
        [
            ("big-2".to_owned(), "too_large".to_owned()),
            ("nostream-2".to_owned(), "backbone_refused".to_owned()),
            ("sealed-2".to_owned(), "backbone_refused".to_owned()),
        ]
    );
    let mut c = redis_conn(&s.redis).await;
    let left: usize = c.llen("arc:ingest").await.expect("llen");
    assert_eq!(left, 0);
    // Only the good one was ever on NATS.
    let logged = logged(&s.db).await;
    assert_eq!(logged, ["good-1"], "{logged:?}");
    // good-1 is logged, so it was published: its delivery to this subscriber is awaited.
    let first = tokio::time::timeout(Duration::from_secs(30), good.next())
        .await
        .expect("good-1 on NATS")
        .expect("subscribed");
    assert_eq!(first.subject.as_str(), "agent.events.good");
    assert_eq!(count(&mut good), 0, "nothing of the refused batch");
    for sub in &mut refused {
        assert_eq!(count(sub), 0, "a refused message was published");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transient_refusal_holds_a_redis_entry_only_up_to_the_hold_limit() {
    use async_nats::jetstream::stream::{Config, DiscardPolicy};
    let s = support::stack();
    let nats = async_nats::connect(&s.nats).await.expect("nats");
    let js = async_nats::jetstream::new(nats.clone());
    // A full stream that discards new messages: JetStream answers 503 (it may take more once
    // old ones age out), so the entry is held and retried, not set aside at once.
    js.create_stream(Config {
        name: "FULL".into(),
        subjects: vec!["full.>".into()],
        max_messages: 1,
        discard: DiscardPolicy::New,
        ..Config::default()
    })
    .await
    .expect("create FULL");
    js.publish("full.first", "1".into())
        .await
        .expect("publish")
        .await
        .expect("stored");
    let serve = s.serve_ready(&["--hold-limit", "8s"]).await;
    lpush(
        &s.redis,
        &json!({"id": "full-1", "subject": "full.x", "payload": 1}),
    )
    .await;
    let url = serve.url.clone();
    eventually("the hold in /readyz", Duration::from_secs(60), || async {
        let held = readyz(&url).await.1["held"].clone();
        held["entries"] == 1
            && held["reason"]
                .as_str()
                .is_some_and(|r| r.contains("full.x"))
    })
    .await;
    let metrics = reqwest::get(format!("{url}/metrics"))
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    assert!(
        metrics.contains("arc_ingress_held_entries 1\n"),
        "{metrics}"
    );
    eventually("full-1 set aside", Duration::from_secs(90), || async {
        set_aside(&s.redis)
            .await
            .contains(&("full-1".to_owned(), "held_too_long".to_owned()))
    })
    .await;
    // The path moves again, and the hold is gone from /readyz.
    lpush(
        &s.redis,
        &json!({"id": "after-1", "subject": "agent.events.after", "payload": 1}),
    )
    .await;
    eventually("after-1 logged", Duration::from_secs(60), || async {
        logged(&s.db).await.contains(&"after-1".to_owned())
    })
    .await;
    assert_eq!(readyz(&url).await.1["held"]["entries"], 0);
    let stream = js.get_stream("FULL").await.expect("FULL");
    assert_eq!(stream.cached_info().state.messages, 1);
    assert!(!logged(&s.db).await.contains(&"full-1".to_owned()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reserved_headers_and_reply_subjects_are_refused_on_every_path() {
    let s = support::stack();
    let nats = async_nats::connect(&s.nats).await.expect("nats");
    let js = async_nats::jetstream::new(nats.clone());
    let serve = s.serve_ready(&[]).await;

    // HTTP: arc's own header in another case (it would travel beside arc's `Arc-Sender`).
    let (st, v) = post(
        &serve.url,
        &json!({"subject": "agent.events.h", "id": "h-1", "payload": 1,
                "headers": {"arc-sender": "root"}}),
    )
    .await;
    assert_eq!(st, 400, "{v}");
    assert_eq!(v["field"], "headers.arc-sender", "{v}");
    // Redis: a JetStream instruction; set aside at once.
    lpush(
        &s.redis,
        &json!({"id": "h-2", "subject": "agent.events.h", "payload": 1,
                "headers": {"Nats-Expected-Stream": "OTHER"}}),
    )
    .await;
    // NATS: the same, as a request: the answer says why.
    let mut h = async_nats::HeaderMap::new();
    h.insert("Nats-Msg-Id", "h-3");
    h.insert("NATS-ROLLUP", "all");
    let answer = nats
        .request_with_headers("ingest.agent.events.h", h, "1".into())
        .await
        .expect("request");
    let answer: Value = serde_json::from_slice(&answer.payload).expect("json");
    assert_eq!(
        (&answer["status"], &answer["code"]),
        (&json!("rejected"), &json!(400)),
        "{answer}"
    );

    // A stored message, then a NATS ingress message whose reply subject is JetStream's purge.
    let (st, v) = post(
        &serve.url,
        &json!({"subject": "agent.events.keep", "id": "keep-1", "payload": 1}),
    )
    .await;
    assert_eq!(st, 202, "{v}");
    let mut h = async_nats::HeaderMap::new();
    h.insert("Nats-Msg-Id", "purge-1");
    nats.publish_with_reply_and_headers(
        "ingest.agent.events.purge",
        "$JS.API.STREAM.PURGE.AGENT_EVENTS",
        h,
        "1".into(),
    )
    .await
    .expect("publish");
    let mut h = async_nats::HeaderMap::new();
    h.insert("Nats-Msg-Id", "stored-1");
    nats.publish_with_reply_and_headers(
        "ingest.agent.events.into",
        "agent.events.answers",
        h,
        "1".into(),
    )
    .await
    .expect("publish");
    nats.flush().await.expect("flush");
    eventually("all three set aside", Duration::from_secs(60), || async {
        set_aside(&s.redis).await.len() == 3
    })
    .await;
    let mut aside = set_aside(&s.redis).await;
    aside.sort();
    assert_eq!(
        aside,
        [
            ("h-2".to_owned(), "malformed".to_owned()),
            ("purge-1".to_owned(), "reply_denied".to_owned()),
            ("stored-1".to_owned(), "reply_denied".to_owned()),
        ]
    );
    eventually("keep-1 logged", Duration::from_secs(60), || async {
        logged(&s.db).await == ["keep-1"]
    })
    .await;
    let mut stream = js.get_stream("AGENT_EVENTS").await.expect("AGENT_EVENTS");
    let state = stream.info().await.expect("info").state.clone();
    assert_eq!(state.messages, 1, "the stream was purged or written into");
}

async fn post_as(url: &str, token: &str, body: &Value) -> (u16, Value) {
    let r = reqwest::Client::new()
        .post(format!("{url}/v1/messages"))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .expect("POST /v1/messages");
    let st = r.status().as_u16();
    (st, r.json().await.unwrap_or(Value::Null))
}

/// An id names one message: a retry with the same content is 2xx and stored once; the same id
/// with another payload, subject or sender (another identity squatting it), or twice in one
/// batch with other content, is 409 naming the id, and nothing of it is published or logged.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_id_names_one_message() {
    let s = support::stack();
    let nats = async_nats::connect(&s.nats).await.expect("nats");
    let js = async_nats::jetstream::new(nats.clone());
    let serve = s.serve_ready(&[]).await;
    let url = serve.url.clone();
    let r = reqwest::Client::new()
        .put(format!("{url}/v1/config/global"))
        .bearer_auth(ADMIN)
        .json(&json!({"identities": [
            {"name": "alice", "token": "alice-token-0123456789", "publish": ["agent.>"]},
            {"name": "bob", "token": "bob-token-0123456789ab", "publish": ["agent.>"]},
        ]}))
        .send()
        .await
        .expect("PUT global");
    assert!(r.status().is_success());
    support::config_applied(&url, &["global v1"]).await;
    let (alice, bob) = ("alice-token-0123456789", "bob-token-0123456789ab");
    let mut seen = nats.subscribe("agent.events.>").await.expect("subscribe");
    nats.flush().await.expect("flush");

    let first = json!({"id": "order-1", "subject": "agent.events.o", "payload": {"n": 1}});
    let (st, v) = post_as(&url, alice, &first).await;
    assert_eq!(st, 202, "{v}");
    // A retry: the same content; JetStream's word that it had it is in the answer.
    let (st, v) = post_as(&url, alice, &first).await;
    assert_eq!(st, 202, "{v}");
    assert_eq!(v["duplicates"], json!(["order-1"]), "{v}");
    for (who, body) in [
        (
            alice,
            json!({"id": "order-1", "subject": "agent.events.o", "payload": {"n": 2}}),
        ),
        (
            alice,
            json!({"id": "order-1", "subject": "agent.events.other", "payload": {"n": 1}}),
        ),
        (
            alice,
            json!({"id": "order-1", "subject": "agent.events.o", "payload": {"n": 1},
                   "headers": {"x-note": "changed"}}),
        ),
        (bob, first.clone()),
    ] {
        let (st, v) = post_as(&url, who, &body).await;
        assert_eq!(
            (st, v["reason"].as_str(), v["id"].as_str()),
            (409, Some("id_conflict"), Some("order-1")),
            "{body}: {v}"
        );
    }
    // One id twice in a batch with other content: the second is named, nothing goes out.
    let (st, v) = post_as(
        &url,
        alice,
        &json!([
            {"id": "order-2", "subject": "agent.events.o", "payload": 1},
            {"id": "order-3", "subject": "agent.events.o", "payload": 1},
            {"id": "order-2", "subject": "agent.events.o", "payload": 2},
        ]),
    )
    .await;
    assert_eq!(
        (st, &v["index"], &v["id"]),
        (409, &json!(2), &json!("order-2")),
        "{v}"
    );
    // The same id twice with the same content is one message.
    let (st, v) = post_as(
        &url,
        alice,
        &json!([
            {"id": "order-4", "subject": "agent.events.o", "payload": 4},
            {"id": "order-4", "subject": "agent.events.o", "payload": 4},
        ]),
    )
    .await;
    assert_eq!(st, 202, "{v}");

    eventually("order-4 logged", Duration::from_secs(60), || async {
        logged(&s.db).await.contains(&"order-4".to_owned())
    })
    .await;
    assert_eq!(logged(&s.db).await, ["order-1", "order-4"]);
    let logged_payload: String = pg(&s.db)
        .await
        .query_one(
            "SELECT payload::text FROM arc_messages WHERE id = 'order-1'",
            &[],
        )
        .await
        .expect("order-1")
        .get(0);
    assert_eq!(logged_payload, r#"{"n":1}"#);
    // In the stream once each; core subscribers saw the retries (NATS has no memory) and
    // nothing refused.
    let mut stream = js.get_stream("AGENT_EVENTS").await.expect("AGENT_EVENTS");
    assert_eq!(stream.info().await.expect("info").state.messages, 2);
    let mut ids = Vec::new();
    while let Ok(Some(m)) = tokio::time::timeout(Duration::from_secs(2), seen.next()).await {
        ids.push(
            m.headers
                .as_ref()
                .and_then(|h| h.get(async_nats::header::NATS_MESSAGE_ID))
                .map(ToString::to_string)
                .unwrap_or_default(),
        );
    }
    assert_eq!(ids, ["order-1", "order-1", "order-4", "order-4"]);
}

/// A batch whose second message cannot be sent (its org's backbone is unreachable) after the
/// first went out: the answer lists each message's fate, the accepted one is on NATS and in the
/// log like any 2xx, the failed and unsent ones are nowhere, and a retry of the batch with the
/// same ids stores each once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_delivered_in_part_says_which_messages_went_out() {
    let s = support::stack();
    let nats = async_nats::connect(&s.nats).await.expect("nats");
    let js = async_nats::jetstream::new(nats.clone());
    let serve = s.serve_ready(&[]).await;
    let url = serve.url.clone();
    // Nothing listens there: the port is claimed for this test and never bound.
    let ghost = format!("nats://127.0.0.1:{}", support::free_port());
    let r = reqwest::Client::new()
        .post(format!("{url}/v1/backbones"))
        .bearer_auth(ADMIN)
        .json(
            &json!({"system_id": "ghost-1", "org_id": "ghost", "cluster_id": "c",
                      "nats_url": ghost}),
        )
        .send()
        .await
        .expect("POST backbone");
    assert!(r.status().is_success(), "{:?}", r.text().await);
    support::config_applied(&url, &["route ghost"]).await;

    let batch = json!([
        {"id": "p-1", "subject": "agent.events.p", "payload": 1},
        {"id": "p-2", "subject": "orders.p", "payload": 2, "headers": {"org": "ghost"}},
        {"id": "p-3", "subject": "agent.events.p", "payload": 3},
    ]);
    let (st, v) = post(&url, &batch).await;
    assert_eq!((st, v["reason"].as_str()), (503, Some("partial")), "{v}");
    assert_eq!(v["accepted"], json!(["p-1"]), "{v}");
    assert_eq!(v["failed"][0]["index"], 1, "{v}");
    assert_eq!(v["failed"][0]["id"], "p-2", "{v}");
    assert_eq!(v["failed"][0]["status"], 503, "{v}");
    assert_eq!(v["not_sent"], json!(["p-3"]), "{v}");
    eventually("p-1 logged", Duration::from_secs(60), || async {
        logged(&s.db).await.contains(&"p-1".to_owned())
    })
    .await;
    assert_eq!(logged(&s.db).await, ["p-1"]);

    // The retry without the unreachable one: each stored once.
    let (st, v) = post(&url, &json!([batch[0].clone(), batch[2].clone()])).await;
    assert_eq!(st, 202, "{v}");
    eventually("p-3 logged", Duration::from_secs(60), || async {
        logged(&s.db).await.contains(&"p-3".to_owned())
    })
    .await;
    assert_eq!(logged(&s.db).await, ["p-1", "p-3"]);
    let mut stream = js.get_stream("AGENT_EVENTS").await.expect("AGENT_EVENTS");
    assert_eq!(stream.info().await.expect("info").state.messages, 2);
}

/// NATS ingress without a reply subject, while Redis takes no write (past its `maxmemory`, with
/// `noeviction`): the message is refused (the log queue cannot take it), and its letter, the
/// only copy left, waits in the process (`/readyz` `unsaved_letters`) until Redis takes writes
/// again, then is set aside; never just a log line.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_letter_redis_cannot_take_waits_until_it_can() {
    let s = support::stack();
    let nats = async_nats::connect(&s.nats).await.expect("nats");
    let serve = s.serve_ready(&[]).await;
    let url = serve.url.clone();
    let mut r = redis_conn(&s.redis).await;
    let (_, was): (String, String) = redis::cmd("CONFIG")
        .arg("GET")
        .arg("maxmemory")
        .query_async(&mut r)
        .await
        .expect("CONFIG GET");
    let _: () = redis::cmd("CONFIG")
        .arg("SET")
        .arg("maxmemory")
        .arg("1")
        .query_async(&mut r)
        .await
        .expect("CONFIG SET");
    nats.publish("ingest.agent.events.oom", r#"{"n": 1}"#.into())
        .await
        .expect("publish");
    nats.flush().await.expect("flush");
    eventually("the letter waits", Duration::from_secs(60), || async {
        readyz(&url).await.1["unsaved_letters"] == 1
    })
    .await;
    let metrics = reqwest::get(format!("{url}/metrics"))
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    assert!(
        metrics.contains("arc_ingress_unsaved_letters 1\n"),
        "{metrics}"
    );
    assert!(set_aside(&s.redis).await.is_empty());

    let _: () = redis::cmd("CONFIG")
        .arg("SET")
        .arg("maxmemory")
        .arg(&was)
        .query_async(&mut r)
        .await
        .expect("CONFIG SET");
    eventually("the letter set aside", Duration::from_secs(60), || async {
        set_aside(&s.redis).await.len() == 1
    })
    .await;
    let mut c = redis_conn(&s.redis).await;
    let letters: Vec<String> = c
        .lrange("arc:ingest:rejected", 0, -1)
        .await
        .expect("lrange");
    assert!(letters[0].contains("agent.events.oom"), "{letters:?}");
    eventually("nothing waits", Duration::from_secs(30), || async {
        readyz(&url).await.1["unsaved_letters"] == 0
    })
    .await;
}
