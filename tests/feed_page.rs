//! Issue 6: the page `arc serve` serves at `/` loads in headless Chromium and shows a message
//! published during the test. The stack (NATS, Redis, PostgreSQL) is `arc up` on free ports; the
//! pipeline is an `arc serve` with every component (ingress, logger, query API and feed).

#![allow(clippy::print_stderr)]

mod support;

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use futures::StreamExt as _;
use serde_json::{json, Value};
use support::{stack, ADMIN};
use tokio_tungstenite::tungstenite::Message;

/// Chromium, or the test fails saying how to install it.
fn chromium() -> PathBuf {
    ["chromium", "chromium-browser"]
        .iter()
        .find_map(|name| {
            std::env::var_os("PATH").and_then(|p| {
                std::env::split_paths(&p)
                    .map(|d| d.join(name))
                    .find(|f| f.is_file())
            })
        })
        .expect("`chromium` is not installed: apt-get install chromium, or run `make deps`")
}

/// Polls `GET url` (with the admin token) until it answers 200; the body.
async fn wait_for_200(http: &reqwest::Client, url: &str, what: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let last = match http.get(url).bearer_auth(ADMIN).send().await {
            Ok(r) if r.status() == 200 => return r.json().await.unwrap_or(Value::Null),
            Ok(r) => format!(
                "HTTP {}: {}",
                r.status(),
                r.text().await.unwrap_or_default()
            ),
            Err(e) => e.to_string(),
        };
        assert!(
            Instant::now() < deadline,
            "{what} never answered 200 ({url}); last: {last}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Runs headless Chromium on `url` and returns the DOM after the page's scripts ran (its
/// fetches finish within the virtual time budget: Chromium holds virtual time while a request
/// is in flight).
fn dump_dom(url: &str, profile: &std::path::Path) -> String {
    let mut child = Command::new(chromium())
        .args([
            "--headless",
            // Tests run as root in CI containers, where Chromium's sandbox cannot start.
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(["--dump-dom", url])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start chromium");
    let deadline = Instant::now() + Duration::from_secs(90);
    while child.try_wait().expect("wait for chromium").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let out = child.wait_with_output().expect("chromium output");
            panic!(
                "chromium did not finish in 90s; stderr:\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().expect("chromium output");
    let dom = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success() && dom.contains("</html>"),
        "chromium exited {:?} without a DOM; stderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    dom
}

/// The opening tag of the element with `data-id="id"`, if any.
fn tag_with_id<'a>(dom: &'a str, id: &str) -> Option<&'a str> {
    let at = dom.find(&format!("data-id=\"{id}\""))?;
    let start = dom[..at].rfind('<')?;
    let end = at + dom[at..].find('>')?;
    Some(&dom[start..=end])
}

/// The text of the element with `id="name"`.
fn text_of<'a>(dom: &'a str, name: &str) -> Option<&'a str> {
    let at = dom.find(&format!("id=\"{name}\""))?;
    let open = at + dom[at..].find('>')? + 1;
    let close = open + dom[open..].find('<')?;
    Some(&dom[open..close])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_shows_a_message_published_during_the_test() {
    let browser = chromium();
    eprintln!("using {}", browser.display());
    let st = stack();
    let s = st.serve(&[]);
    let http = reqwest::Client::new();
    wait_for_200(&http, &format!("{}/readyz", s.url), "/readyz").await;

    // The page itself needs no token.
    let page = http.get(format!("{}/", s.url)).send().await.expect("GET /");
    assert_eq!(page.status(), 200, "GET / should serve the page");
    let html = page.text().await.unwrap();
    assert!(
        html.contains("id=\"messages\"") && html.contains("/v1/feed"),
        "GET / is not the feed page:\n{html}"
    );

    // Browsers cannot set headers on a WebSocket: the page passes the token in the query.
    let feed = format!(
        "{}/v1/feed?subject=agent.page.%3E&token={ADMIN}",
        s.url.replace("http://", "ws://")
    );
    let (mut ws, _) = tokio_tungstenite::connect_async(feed.as_str())
        .await
        .expect("the feed takes the token from the query, as the page sends it");

    let subject = "agent.page.events";
    let r = http
        .post(format!("{}/v1/messages", s.url))
        .json(&json!({"subject": subject, "payload": {"shown": "in the browser"}}))
        .send()
        .await
        .expect("POST /v1/messages");
    assert_eq!(r.status(), 202, "the message was not accepted");
    let accepted: Value = r.json().await.unwrap();
    let id = accepted["ids"][0]
        .as_str()
        .unwrap_or_else(|| panic!("no id in {accepted}"))
        .to_owned();

    // The logger has written it once the query API finds it.
    let logged = wait_for_200(
        &http,
        &format!("{}/v1/messages/{id}", s.url),
        "GET /v1/messages/{id}",
    )
    .await;
    assert_eq!(logged["subject"], subject, "{logged}");
    let pushed = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match ws.next().await {
                Some(Ok(Message::Text(t))) => break serde_json::from_str::<Value>(&t).unwrap(),
                Some(Ok(_)) => {}
                other => panic!("the feed ended: {other:?}"),
            }
        }
    })
    .await
    .expect("the feed pushed nothing in 10s");
    assert_eq!(pushed["id"], id.as_str(), "{pushed}");

    let profile = st.p.dir.path().join("chromium-profile");
    let dom = dump_dom(&format!("{}/#token={ADMIN}", s.url), &profile);
    let row = tag_with_id(&dom, &id)
        .unwrap_or_else(|| panic!("the page shows no element for message {id}; DOM:\n{dom}"));
    assert!(
        row.contains("class=\"msg"),
        "message {id} is not a `.msg` row: {row}"
    );
    let total: u64 = text_of(&dom, "total")
        .and_then(|t| t.trim().parse().ok())
        .unwrap_or_else(|| panic!("no numeric #total in the DOM:\n{dom}"));
    assert!(total >= 1, "#total is {total}");
    assert!(
        dom.contains(subject),
        "the page does not show the subject `{subject}`"
    );
    // The token was taken out of the address and is not written into the page.
    assert!(
        !dom.contains(&format!("value=\"{ADMIN}\"")),
        "the token is in the DOM"
    );
}
