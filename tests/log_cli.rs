//! Issue 6: the CLI's readers of the message log, against a real pipeline (`arc serve` with
//! every component) on a stack `arc up` started on free ports: `arc messages get`, `arc replay
//! --log` (paging through the query API) and `arc tail --log` (the WebSocket feed).

#![allow(clippy::print_stderr)]

mod support;

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::{stack, ADMIN};

/// Polls `GET url` (with the admin token) until it answers 200.
async fn wait_for_200(http: &reqwest::Client, url: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let last = match http.get(url).bearer_auth(ADMIN).send().await {
            Ok(r) if r.status() == 200 => return,
            Ok(r) => format!("HTTP {}", r.status()),
            Err(e) => e.to_string(),
        };
        assert!(
            Instant::now() < deadline,
            "{url} never answered 200; last: {last}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Posts a batch (a JSON array); the accepted ids, in order.
async fn publish(http: &reqwest::Client, url: &str, batch: &Value) -> Vec<String> {
    let r = http
        .post(format!("{url}/v1/messages"))
        .json(batch)
        .send()
        .await
        .expect("POST /v1/messages");
    assert_eq!(r.status(), 202, "the batch was not accepted");
    let v: Value = r.json().await.unwrap();
    v["ids"]
        .as_array()
        .unwrap_or_else(|| panic!("no ids in {v}"))
        .iter()
        .map(|i| i.as_str().unwrap().to_owned())
        .collect()
}

fn json_lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

fn ids(lines: &[Value]) -> Vec<String> {
    lines
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_get_replay_log_and_tail_log_read_the_log() {
    let st = stack();
    let p = &st.p;
    let s = st.serve(&[]);
    let http = reqwest::Client::new();
    wait_for_200(&http, &format!("{}/readyz", s.url)).await;
    let arc = |args: &[&str]| p.arc(args).env("ARC_ADMIN_TOKEN", ADMIN);

    // `tail --log` sees what matches its pattern, as the logger writes it.
    let mut tail = arc(&[
        "--json",
        "tail",
        "--log",
        "agent.cli.>",
        "--count",
        "2",
        "--pipeline-url",
        &s.url,
    ])
    .spawn();
    // The server subscribes the session before it answers the handshake, and arc says it is
    // tailing after the handshake: from this line on, nothing logged is missed (the relay from
    // NATS is up: /readyz said so above).
    tail.wait_for("tailing the message log `agent.cli.>`");
    let started = chrono::Utc::now();
    let cli = publish(
        &http,
        &s.url,
        &json!([
            {"subject": "agent.cli.one", "payload": {"n": 1}},
            {"subject": "agent.other.x", "payload": {"n": 2}},
            {"subject": "agent.cli.two", "payload": {"n": 3}, "headers": {"x-agent": "a1"}},
        ]),
    )
    .await;
    let (code, stdout) = tail.finish();
    assert_eq!(code, 0, "tail --log --count 2 exited {code}:\n{stdout}");
    let tailed = json_lines(&stdout);
    assert_eq!(ids(&tailed), vec![cli[0].clone(), cli[2].clone()]);
    assert_eq!(tailed[1]["headers"]["x-agent"], "a1");
    assert_eq!(tailed[1]["payload"]["n"], 3);

    // `messages get`: pretty JSON, one line with --json; 404 exits 2.
    for id in &cli {
        wait_for_200(&http, &format!("{}/v1/messages/{id}", s.url)).await;
    }
    let got = arc(&["messages", "get", &cli[2], "--server", &s.url])
        .run()
        .success();
    assert!(
        got.stdout().lines().count() > 1,
        "not pretty:\n{}",
        got.stdout()
    );
    let v = got.json();
    assert_eq!(v["id"], cli[2].as_str());
    assert_eq!(v["subject"], "agent.cli.two");
    let line = arc(&["--json", "messages", "get", &cli[0], "--server", &s.url])
        .run()
        .success();
    assert_eq!(line.stdout().trim().lines().count(), 1);
    assert_eq!(line.json()["id"], cli[0].as_str());
    let missing = arc(&["messages", "get", "no-such-message", "--server", &s.url])
        .run()
        .expect_code(2);
    assert!(
        missing
            .stderr()
            .contains("`no-such-message` is not in the log"),
        "{}",
        missing.stderr()
    );
    let refused = p
        .arc(["messages", "get", &cli[0], "--server", &s.url])
        .env("ARC_ADMIN_TOKEN", "not-the-admin-token-at-all")
        .run()
        .expect_code(1);
    assert!(refused.stderr().contains("HTTP 401") || refused.stderr().contains("HTTP 403"));

    // `replay --log`: the window and the subject filter, oldest first, every page.
    let since = started.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let filtered = arc(&[
        "--json",
        "replay",
        "--log",
        "--since",
        &since,
        "--subject",
        "agent.cli.*",
        "--pipeline-url",
        &s.url,
    ])
    .run()
    .success();
    assert_eq!(
        ids(&json_lines(&filtered.stdout())),
        vec![cli[0].clone(), cli[2].clone()]
    );
    assert!(filtered
        .stderr()
        .contains("replayed 2 messages from the message log"));

    let bulk: Vec<Value> = (0..1500)
        .map(|n| json!({"subject": format!("agent.bulk.{}", n % 3), "payload": {"n": n}}))
        .collect();
    let bulk_ids = publish(&http, &s.url, &Value::Array(bulk)).await;
    wait_for_200(&http, &format!("{}/v1/messages/{}", s.url, bulk_ids[1499])).await;
    let all = arc(&[
        "--json",
        "replay",
        "--log",
        "--since",
        &since,
        "--pipeline-url",
        &s.url,
    ])
    .run()
    .success();
    let all = ids(&json_lines(&all.stdout()));
    let mut expected = cli.clone();
    expected.extend(bulk_ids.iter().cloned());
    assert_eq!(all.len(), 1503, "a page was lost or repeated");
    let mut sorted_all = all.clone();
    sorted_all.sort();
    let mut sorted_expected = expected;
    sorted_expected.sort();
    assert_eq!(sorted_all, sorted_expected);

    // Human lines; an `--until` before everything finds nothing.
    let human = arc(&[
        "replay",
        "--log",
        "--since",
        &since,
        "--subject",
        "agent.cli.two",
        "--pipeline-url",
        &s.url,
    ])
    .run()
    .success();
    let out = human.stdout();
    assert!(
        out.trim().ends_with(r#"agent.cli.two anonymous: {"n":3}"#),
        "{out}"
    );
    let before = (started - chrono::Duration::minutes(1))
        .timestamp()
        .to_string();
    let none = arc(&[
        "replay",
        "--log",
        "--since",
        "1h",
        "--until",
        &before,
        "--pipeline-url",
        &s.url,
    ])
    .run()
    .success();
    assert_eq!(none.stdout(), "");
    assert!(none.stderr().contains("replayed 0 messages"));

    // A bad pattern is refused before asking.
    arc(&["replay", "--log", "--since", "1h", "--subject", "agent..x"])
        .run()
        .expect_code(2);
}

/// Issue 16: a query the log store refuses as it stands (a value PostgreSQL will not take) is
/// the client's to fix, 400 with the store's reason; the store down is 503, try again (before,
/// both were 503 and a bad query was told to retry forever).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_query_is_400_and_a_lost_store_is_503() {
    let st = stack();
    let s = st.serve(&[]);
    let http = reqwest::Client::new();
    wait_for_200(&http, &format!("{}/readyz", s.url)).await;
    let get = |path: String| {
        let http = http.clone();
        async move {
            let r = http.get(&path).bearer_auth(ADMIN).send().await.unwrap();
            let status = r.status().as_u16();
            (status, r.json::<Value>().await.unwrap())
        }
    };

    // U+0000 is not text to PostgreSQL (SQLSTATE 22021).
    let (status, v) = get(format!("{}/v1/messages?sender=a%00b", s.url)).await;
    assert_eq!(
        (status, v["reason"].as_str()),
        (400, Some("invalid")),
        "{v}"
    );
    assert!(v["error"].as_str().unwrap().contains("0x00"), "{v}");
    let (status, v) = get(format!("{}/v1/messages/a%00b", s.url)).await;
    assert_eq!(
        (status, v["reason"].as_str()),
        (400, Some("invalid")),
        "{v}"
    );
    let (status, v) = get(format!("{}/v1/messages?sender=alice", s.url)).await;
    assert_eq!(status, 200, "{v}");

    st.p.arc(["down", "logstore"]).run().success();
    let (status, v) = get(format!("{}/v1/messages?sender=alice", s.url)).await;
    assert_eq!(
        (status, v["reason"].as_str()),
        (503, Some("unavailable")),
        "{v}"
    );
    let out =
        st.p.arc(["replay", "--log", "--since", "1h", "--pipeline-url", &s.url])
            .env("ARC_ADMIN_TOKEN", ADMIN)
            .run()
            .expect_code(1);
    assert!(
        out.stderr().contains("(HTTP 503)")
            && out
                .stderr()
                .contains("hint: the pipeline or its log store is not ready"),
        "{}",
        out.stderr()
    );
}
