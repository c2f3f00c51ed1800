//! Issue 6: the message logger, the query API and the live feed, against real Redis and
//! PostgreSQL (plain PostgreSQL 15 here: TimescaleDB is not packaged for this machine, so the
//! migration takes its no-TimescaleDB branch) and NATS, with `arc serve` processes the tests
//! start, kill and restart themselves.

mod support;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use futures::StreamExt as _;
use redis::AsyncCommands as _;
use serde_json::Value;
use support::{pg, redis_conn, stack, Serve, ADMIN};

/// Posts `n` messages on `subject`, each with a payload of `pad` bytes, in batches of 32.
async fn padded_burst(url: &str, subject: &str, n: usize, pad: usize) {
    let http = reqwest::Client::new();
    let filler = "x".repeat(pad);
    let mut k = 0;
    while k < n {
        let mut body = String::new();
        for i in k..(k + 32).min(n) {
            use std::fmt::Write as _;
            let _ = writeln!(
                body,
                "{{\"subject\":\"{subject}\",\"payload\":{{\"k\":{i},\"pad\":\"{filler}\"}}}}"
            );
        }
        let r = http
            .post(format!("{url}/v1/messages"))
            .header("content-type", "application/x-ndjson")
            .body(body)
            .send()
            .await
            .unwrap();
        match r.status().as_u16() {
            202 => k = (k + 32).min(n),
            503 => tokio::time::sleep(Duration::from_millis(50)).await,
            other => panic!("{other}: {}", r.text().await.unwrap_or_default()),
        }
    }
}

/// Posts NDJSON batches until every one is accepted (retrying 503s); returns the accepted ids.
async fn load(url: &str, subject: &str, from: usize, n: usize, batch: usize) -> Vec<String> {
    let http = reqwest::Client::new();
    let mut ids = Vec::with_capacity(n);
    let mut i = from;
    while i < from + n {
        let end = (i + batch).min(from + n);
        let mut body = String::new();
        for k in i..end {
            use std::fmt::Write as _;
            let _ = writeln!(
                body,
                "{{\"subject\":\"{subject}\",\"payload\":{{\"k\":{k}}},\"id\":\"m-{k}\"}}"
            );
        }
        loop {
            let r = http
                .post(format!("{url}/v1/messages"))
                .header("content-type", "application/x-ndjson")
                .body(body.clone())
                .send()
                .await
                .unwrap();
            let status = r.status().as_u16();
            let v: Value = r.json().await.unwrap_or(Value::Null);
            if status == 202 {
                ids.extend(
                    v["ids"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|x| x.as_str().unwrap().to_owned()),
                );
                break;
            }
            assert_eq!(status, 503, "{v}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        i = end;
    }
    ids
}

/// Waits until the log queue and every logger's processing list are empty.
async fn drained(redis_url: &str, within: Duration) {
    let mut r = redis_conn(redis_url).await;
    let deadline = Instant::now() + within;
    loop {
        let queued: usize = r.llen("arc:log").await.unwrap();
        let held: Vec<String> = r.keys("arc:log:processing:*").await.unwrap();
        if queued == 0 && held.is_empty() {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "not drained: {queued} queued, held by {held:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The log holds each accepted id exactly once: row count, distinct count and the accepted set
/// agree.
async fn assert_exactly_once(db: &str, accepted: &[String]) {
    let c = pg(db).await;
    let row = c
        .query_one(
            "SELECT count(*), count(DISTINCT id), count(*) FILTER (WHERE id = ANY($1))
             FROM arc_messages",
            &[&accepted],
        )
        .await
        .unwrap();
    let (rows, distinct, known): (i64, i64, i64) = (row.get(0), row.get(1), row.get(2));
    let want = i64::try_from(accepted.len()).unwrap();
    assert_eq!((rows, distinct, known), (want, want, want));
}

/// 200,000 messages in while two loggers are killed with SIGKILL at random points (at least
/// five kills) and restarted under the same names: afterwards each accepted id is in the log
/// exactly once. Issue 23: `l1` is restarted with 4 writers and 1 in turn, so a life with fewer
/// writers takes up the processing lists of one with more.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exactly_once_while_loggers_are_killed() {
    let s = stack();
    let ingress = s.serve(&["--components", "fanout,query"]);
    let url = ingress.url.clone();
    let loader = tokio::spawn(async move { load(&url, "log.kill", 0, 200_000, 1000).await });

    let mut seed = arc::testing::rand::seed();
    let mut kills = 0;
    let mut loggers: Vec<Option<Serve>> = vec![
        Some(s.serve(&["--components", "logger", "--consumer", "l1"])),
        Some(s.serve(&["--components", "logger", "--consumer", "l2"])),
    ];
    while !loader.is_finished() || kills < 5 {
        let wait = 150 + arc::testing::rand::next(&mut seed) % 600;
        tokio::time::sleep(Duration::from_millis(wait)).await;
        let which = usize::try_from(arc::testing::rand::next(&mut seed) % 2).unwrap();
        if let Some(l) = loggers[which].take() {
            l.kill();
            kills += 1;
        }
        let name = if which == 0 { "l1" } else { "l2" };
        let writers = if which == 0 && kills % 2 == 1 {
            "4"
        } else {
            "1"
        };
        loggers[which] = Some(s.serve(&[
            "--components",
            "logger",
            "--consumer",
            name,
            "--log-writers",
            writers,
        ]));
    }
    let accepted = loader.await.unwrap();
    assert_eq!(accepted.len(), 200_000);
    drained(&s.redis, Duration::from_secs(120)).await;
    assert_exactly_once(&s.db, &accepted).await;
    assert!(kills >= 5);
}

/// Issue 23: a logger takes up every processing list of its own name, whatever slot (a life
/// with more writers left it), and none of another logger's (`held:x` is not `held`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_logger_takes_up_its_held_batches_of_any_slot() {
    let s = stack();
    let mut r = redis_conn(&s.redis).await;
    let envelope = |id: &str| {
        format!(
            r#"{{"id":"{id}","subject":"log.held","topic":"default","ts":"2026-12-07T12:00:00.000Z","source":"http","sender":"t","headers":{{}},"payload":{{"id":"{id}"}}}}"#
        )
    };
    let ours: Vec<String> = (0..3).map(|i| format!("held-{i}")).collect();
    let _: () = r
        .rpush(
            "arc:log:processing:held:7",
            ours.iter().map(|id| envelope(id)).collect::<Vec<_>>(),
        )
        .await
        .unwrap();
    let _: () = r
        .rpush("arc:log:processing:held:x:0", envelope("not-ours"))
        .await
        .unwrap();
    let _logger = s.serve(&[
        "--components",
        "logger",
        "--consumer",
        "held",
        "--log-writers",
        "1",
    ]);
    let deadline = Instant::now() + Duration::from_secs(60);
    while r
        .exists::<_, bool>("arc:log:processing:held:7")
        .await
        .unwrap()
    {
        assert!(
            Instant::now() < deadline,
            "the held batch of slot 7 was not taken up"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_exactly_once(&s.db, &ours).await;
    let theirs: usize = r.llen("arc:log:processing:held:x:0").await.unwrap();
    assert_eq!(theirs, 1, "another logger's processing list was taken");
}

/// PostgreSQL stopped mid-run and started again: the logger holds off, then catches up; nothing
/// is lost and nothing is doubled.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_outage_loses_nothing() {
    let s = stack();
    let ingress = s.serve(&["--components", "fanout"]);
    let _logger = s.serve(&["--components", "logger", "--consumer", "pg"]);
    let mut accepted = load(&ingress.url, "log.pg", 0, 20_000, 1000).await;
    s.p.arc(["down", "logstore"]).run().success();
    accepted.extend(load(&ingress.url, "log.pg", 20_000, 20_000, 1000).await);
    let mut r = redis_conn(&s.redis).await;
    let queued: usize = r.llen("arc:log").await.unwrap();
    assert!(queued > 0, "the queue holds while PostgreSQL is down");
    s.p.arc(["up", "logstore"]).run().success();
    drained(&s.redis, Duration::from_secs(120)).await;
    assert_exactly_once(&s.db, &accepted).await;
}

async fn get(url: &str) -> (u16, Value) {
    let r = reqwest::Client::new()
        .get(url)
        .bearer_auth(ADMIN)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// Query by id and by subject pattern / sender / time, keyset pages that neither skip nor repeat
/// while new rows arrive, and input errors.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queries_page_stably_under_inserts() {
    let s = stack();
    let serve = s.serve(&["--consumer", "q"]);
    let since = chrono::Utc::now() - chrono::TimeDelta::seconds(5);
    let first = load(&serve.url, "page.a.x", 0, 500, 100).await;
    load(&serve.url, "page.b.x", 500, 20, 20).await;
    drained(&s.redis, Duration::from_secs(30)).await;

    let (st, one) = get(&format!("{}/v1/messages/{}", serve.url, first[7])).await;
    assert_eq!(st, 200);
    assert_eq!(one["id"], first[7].as_str());
    assert_eq!(one["subject"], "page.a.x");
    assert_eq!(one["payload"], serde_json::json!({"k": 7}));
    assert_eq!(get(&format!("{}/v1/messages/nope", serve.url)).await.0, 404);

    // Page through page.*.x... while more page.a.x rows arrive.
    let url = serve.url.clone();
    let writer = tokio::spawn(async move { load(&url, "page.a.x", 1000, 300, 10).await });
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let since_q = since.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    loop {
        let mut q = format!(
            "{}/v1/messages?subject=page.a.%2A&limit=50&since={}",
            serve.url,
            urlencode(&since_q)
        );
        if let Some(c) = &cursor {
            q.push_str(&format!("&cursor={c}"));
        }
        let (st, page) = get(&q).await;
        assert_eq!(st, 200, "{page}");
        for m in page["messages"].as_array().unwrap() {
            assert_eq!(m["subject"], "page.a.x");
            seen.push(m["id"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    writer.await.unwrap();
    let distinct: BTreeSet<&String> = seen.iter().collect();
    assert_eq!(distinct.len(), seen.len(), "no row twice");
    // Keyset order is (ts, id): a request's messages share their ts, so within it ids sort as
    // text; the concurrent writes come later in time and so after these 500.
    let mut head = seen[..500].to_vec();
    head.sort();
    let mut want = first.clone();
    want.sort();
    assert_eq!(head, want, "the first 500, none skipped");

    let (st, v) = get(&format!(
        "{}/v1/messages?subject=page.b.%3E&sender=anonymous",
        serve.url
    ))
    .await;
    assert_eq!(st, 200);
    assert_eq!(v["messages"].as_array().unwrap().len(), 20);
    let (st, v) = get(&format!(
        "{}/v1/messages?subject=page.b.%3E&sender=bob",
        serve.url
    ))
    .await;
    assert_eq!((st, v["messages"].as_array().unwrap().len()), (200, 0));
    let (st, v) = get(&format!("{}/v1/messages?limit=5000", serve.url)).await;
    assert_eq!((st, v["field"].as_str()), (400, Some("limit")));
    let (st, v) = get(&format!("{}/v1/messages?subject=a..b", serve.url)).await;
    assert_eq!((st, v["field"].as_str()), (400, Some("subject")));
    let (st, v) = get(&format!("{}/v1/messages?since=yesterday", serve.url)).await;
    assert_eq!((st, v["field"].as_str()), (400, Some("since")));
    let r = reqwest::Client::new()
        .get(format!("{}/v1/messages", serve.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401, "the log needs the admin token");
}

fn urlencode(s: &str) -> String {
    s.replace(':', "%3A").replace('+', "%2B")
}

/// The feed pushes only matching messages, soon after they are logged; a client that stops
/// reading is dropped with a reason instead of holding the feed up.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feed_filters_and_drops_slow_clients() {
    use tokio_tungstenite::tungstenite::Message;
    // The server's bound, small and stated: a client 256 messages behind is closed. (Not smaller:
    // the relay hands the feed a whole announcement at once, up to 512 KiB, 60-odd of this test's
    // messages, and a bound below that would drop a client merely not scheduled in between.)
    const FEED_BUFFER: usize = 256;
    const PAD: usize = 8 << 10;
    let s = stack();
    let serve = s.serve(&["--consumer", "f", "--feed-buffer", &FEED_BUFFER.to_string()]);
    let ws = |pattern: &str| {
        format!(
            "{}/v1/feed?subject={}&token={ADMIN}",
            serve.url.replace("http://", "ws://"),
            pattern.replace('>', "%3E").replace('*', "%2A")
        )
    };
    let (mut fast, _) = tokio_tungstenite::connect_async(ws("feed.a.>"))
        .await
        .unwrap();
    // The slow client never reads, and its socket's receive buffer is the smallest the kernel
    // allows (set before connecting, so the kernel never grows it): nothing but the server's own
    // send buffer stands between the feed and a full socket.
    let slow = {
        let addr: std::net::SocketAddr = serve.url.trim_start_matches("http://").parse().unwrap();
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.set_recv_buffer_size(4096).unwrap();
        let stream = socket.connect(addr).await.unwrap();
        tokio_tungstenite::client_async(ws(">"), stream)
            .await
            .unwrap()
            .0
    };
    // Each session is subscribed before its handshake is answered; the relay from NATS is,
    // once /readyz says every task is up.
    support::ready(&serve.url).await;

    load(&serve.url, "feed.b.x", 0, 1, 1).await;
    let ids = load(&serve.url, "feed.a.x", 1, 1, 1).await;
    let frame = tokio::time::timeout(Duration::from_secs(10), fast.next())
        .await
        .expect("a frame")
        .unwrap()
        .unwrap();
    let Message::Text(t) = frame else {
        panic!("{frame:?}")
    };
    let got: Value = serde_json::from_str(&t).unwrap();
    assert_eq!(
        got["id"],
        ids[0].as_str(),
        "only feed.a.> reaches this client"
    );

    // A burst larger than the most the server's socket can buffer for the client (the kernel's
    // largest send buffer, tcp_wmem's maximum) plus the feed's bound: however fast or slow the
    // machine, the server must give up on the client, by its bound or by a frame that cannot be
    // written within a second (the client never reads, so such a frame never can be).
    let wmem_max: usize = std::fs::read_to_string("/proc/sys/net/ipv4/tcp_wmem")
        .ok()
        .and_then(|t| t.split_whitespace().nth(2).and_then(|w| w.parse().ok()))
        .unwrap_or(4 << 20);
    let burst = wmem_max / PAD + 4 * FEED_BUFFER + 64;
    padded_burst(&serve.url, "feed.c.x", burst, PAD).await;
    // Read once the server has given up on the client (its counter says so), so that the
    // client's reading cannot make it fast again.
    let metrics = format!("{}/metrics", serve.url);
    support::eventually(
        "the server drops the slow client",
        Duration::from_secs(120),
        || {
            let metrics = metrics.clone();
            async move {
                let Ok(r) = reqwest::get(&metrics).await else {
                    return false;
                };
                r.text().await.unwrap_or_default().lines().any(|l| {
                    l.strip_prefix("arc_feed_clients_dropped_total ")
                        .and_then(|n| n.parse::<u64>().ok())
                        .is_some_and(|n| n >= 1)
                })
            }
        },
    )
    .await;
    let mut slow = slow;
    let mut reason = None;
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        match tokio::time::timeout(Duration::from_secs(10), slow.next()).await {
            Ok(Some(Ok(Message::Close(Some(c))))) => {
                reason = Some(c.reason.to_string());
                break;
            }
            Ok(Some(Ok(_))) => {}
            _ => break,
        }
    }
    let reason = reason.expect("the slow client was closed with a reason");
    assert!(reason.starts_with("too slow"), "{reason}");
    // The logger kept going meanwhile.
    drained(&s.redis, Duration::from_secs(60)).await;
}
