//! Issue 21 part 6: no client can starve the others. Against a real `arc serve` (real NATS,
//! Redis and PostgreSQL): connections that send nothing or their head slowly, beyond the bound
//! on connections, do not stop a normal POST or `/readyz`; a body held open does not get past
//! authentication when identities are configured (401 before the body is read), and is cut at
//! the body deadline when the token is good; a WebSocket message over the limit gets close code
//! 1009 with a reason; with no identities, a browser page of another origin can neither POST nor
//! open `/v1/ws`, while the pipeline's own origin and clients without `Origin` (curl) can.

#![allow(clippy::many_single_char_names)]

mod support;

use std::time::Duration;

use futures::{SinkExt as _, StreamExt as _};
use serde_json::{json, Value};
use support::{eventually, readyz, stack, Serve, Stack, ADMIN};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::tungstenite::Message;

const TOKEN: &str = "alice-token-0123456789";

/// `arc serve ARGS…` (no logger: these tests do not read the log), once ready.
async fn serve_ready(s: &Stack, args: &[&str]) -> Serve {
    let mut all = vec!["--components", "fanout,config,registry"];
    all.extend_from_slice(args);
    let serve = s.serve(&all);
    let url = serve.url.clone();
    eventually("ready", Duration::from_secs(30), || async {
        readyz(&url).await.0 == 200
    })
    .await;
    serve
}

fn addr(url: &str) -> &str {
    url.trim_start_matches("http://")
}

/// A client with a generous deadline: an answer that never comes fails the test.
fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

async fn post(url: &str, headers: &[(&str, &str)], body: &str) -> (u16, Value) {
    let mut req = http()
        .post(format!("{url}/v1/messages"))
        .body(body.to_owned());
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let r = req.send().await.expect("POST /v1/messages answers");
    let st = r.status().as_u16();
    (st, r.json().await.unwrap_or(Value::Null))
}

async fn metric(url: &str, line_prefix: &str) -> u64 {
    let text = http()
        .get(format!("{url}/metrics"))
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(line_prefix))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no `{line_prefix}` in /metrics:\n{text}"))
}

/// The status line and the rest of the answer on a raw connection, read until the server
/// closes it or has sent a whole JSON body.
async fn answer(c: &mut TcpStream) -> String {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    let read = async {
        loop {
            match c.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
            let text = String::from_utf8_lossy(&got);
            if text.contains("\r\n\r\n") && text.trim_end().ends_with('}') {
                break;
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(60), read)
        .await
        .expect("an answer within 60 s");
    String::from_utf8_lossy(&got).into_owned()
}

/// Issue 21: connections that send nothing, and connections sending their head a byte at a
/// time, several times the bound on connections, leave room for a normal client: its POSTs are
/// accepted and `/readyz` answers, while the bound holds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_and_slow_connections_beyond_the_bound_do_not_stop_a_normal_client() {
    let s = stack();
    let serve = serve_ready(&s, &["--max-connections", "32", "--header-timeout", "5m"]).await;
    let url = serve.url.clone();
    let mut held = Vec::new();
    for i in 0..200 {
        let mut c = TcpStream::connect(addr(&url)).await.expect("connect");
        if i % 4 == 0 {
            // Slowloris: the start of a head, never finished.
            c.write_all(b"POST /v1/messages HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                .await
                .unwrap();
        }
        held.push(c);
    }
    for n in 0..20 {
        let (st, v) = post(
            &url,
            &[],
            &json!({"subject": "agent.starve.events", "payload": n}).to_string(),
        )
        .await;
        assert_eq!(st, 202, "{v}");
        let (st, v) = readyz(&url).await;
        assert_eq!(st, 200, "{v}");
    }
    let evicted = metric(&url, "arc_http_connections_total{outcome=\"evicted\"}").await;
    let open = metric(&url, "arc_http_connections_open").await;
    assert!(open <= 32 + 1, "{open} connections open, bound 32");
    let refused = metric(&url, "arc_http_connections_total{outcome=\"refused\"}").await;
    assert_eq!(
        refused, 0,
        "idle connections were there to close: none is refused"
    );
    // Each of the 200 is either still open (within the bound) or was closed for a newcomer.
    assert!(
        evicted + 32 >= 200,
        "the idle connections over the bound were closed: {evicted} evicted, {open} open, {} refused, {} header timeouts, {} accepted",
        metric(&url, "arc_http_connections_total{outcome=\"refused\"}").await,
        metric(&url, "arc_http_connections_total{outcome=\"header_timeout\"}").await,
        metric(&url, "arc_http_connections_total{outcome=\"accepted\"}").await
    );
    drop(held);
}

/// Issue 21: with identities configured, a POST is authenticated from its headers before a
/// byte of its body is read: a client that declares a 64 MiB body, sends a little and holds
/// the rest gets 401 at once; with a good token, the held body is cut at `--body-timeout`
/// (408); the pipeline keeps answering meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_held_body_does_not_get_past_authentication() {
    let s = stack();
    let serve = serve_ready(&s, &["--body-timeout", "2s"]).await;
    let url = serve.url.clone();
    let r = http()
        .put(format!("{url}/v1/config/global"))
        .bearer_auth(ADMIN)
        .json(&json!({"identities": [{"name": "alice", "token": TOKEN}]}))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    eventually("identities applied", Duration::from_secs(20), || async {
        post(&url, &[], r#"{"subject": "agent.x.events", "payload": 1}"#)
            .await
            .0
            == 401
    })
    .await;

    let head = |auth: &str| {
        format!(
            "POST /v1/messages HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{auth}\r\n",
            addr(&url),
            64 << 20
        )
    };
    for auth in ["", "Authorization: Bearer not-a-token-of-anyone\r\n"] {
        let mut c = TcpStream::connect(addr(&url)).await.unwrap();
        c.write_all(head(auth).as_bytes()).await.unwrap();
        c.write_all(b"{\"subject\": \"agent.x.events\", \"payload\": \"")
            .await
            .unwrap();
        let a = answer(&mut c).await;
        assert!(a.starts_with("HTTP/1.1 401"), "{auth:?}: {a}");
        assert!(a.contains("unauthenticated"), "{a}");
    }

    let mut c = TcpStream::connect(addr(&url)).await.unwrap();
    c.write_all(head(&format!("Authorization: Bearer {TOKEN}\r\n")).as_bytes())
        .await
        .unwrap();
    c.write_all(&vec![b' '; 1 << 20]).await.unwrap();
    let (st, v) = post(
        &url,
        &[("Authorization", &format!("Bearer {TOKEN}"))],
        r#"{"subject": "agent.x.events", "payload": 2}"#,
    )
    .await;
    assert_eq!(
        st, 202,
        "another client is answered while a body is held: {v}"
    );
    let a = answer(&mut c).await;
    assert!(a.starts_with("HTTP/1.1 408"), "{a}");
    assert!(a.contains("--body-timeout"), "{a}");
    assert_eq!(
        metric(&url, "arc_http_body_bytes_held").await,
        0,
        "the held bytes are given back"
    );
}

/// Issue 21: a WebSocket message of 50 MB (over the 8 MiB limit) is answered with a close
/// frame, code 1009 (message too big), whose reason names the limit; it was dropped without one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_websocket_message_gets_close_1009_with_a_reason() {
    let s = stack();
    let serve = serve_ready(&s, &[]).await;
    let ws_url = format!("ws://{}/v1/ws", addr(&serve.url));
    let (ws, _) = tokio_tungstenite::connect_async(&ws_url).await.unwrap();
    let (mut tx, mut rx) = ws.split();
    let big = format!(
        r#"{{"subject": "agent.x.events", "payload": "{}"}}"#,
        "a".repeat(50_000_000)
    );
    // The server stops reading at the frame's header: the rest may never be taken, so the
    // frame is sent beside the reading.
    let sending = tokio::spawn(async move {
        let _ = tx.send(Message::Text(big.into())).await;
        tx
    });
    let close = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(m) = rx.next().await {
            match m {
                Ok(Message::Close(f)) => return f,
                Ok(_) => {}
                Err(e) => panic!("the connection ended without a close frame: {e}"),
            }
        }
        panic!("the connection ended without a close frame")
    })
    .await
    .expect("a close frame within 60 s")
    .expect("the close frame has a code and a reason");
    sending.abort();
    assert_eq!(u16::from(close.code), 1009, "{close:?}");
    assert!(close.reason.contains("8 MiB"), "{close:?}");
}

/// Issue 21: with no identities configured, a page of another origin can neither POST (403)
/// nor open `/v1/ws` (403), nor can a browser POST a body that is not JSON (415); the
/// pipeline's own origin and clients without `Origin` (curl, with its default form type) can.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browsers_of_other_origins_are_refused_on_an_open_ingress() {
    let s = stack();
    let serve = serve_ready(&s, &[]).await;
    let url = serve.url.clone();
    let own = url.clone();
    let msg = r#"{"subject": "agent.x.events", "payload": 1}"#;
    let json_ct = ("Content-Type", "application/json");

    let (st, v) = post(&url, &[("Origin", "http://evil.example"), json_ct], msg).await;
    assert_eq!(st, 403, "{v}");
    assert_eq!(v["reason"], "cross_origin", "{v}");
    let (st, v) = post(
        &url,
        &[
            ("Origin", "http://127.0.0.1:1"),
            ("Content-Type", "text/plain"),
        ],
        msg,
    )
    .await;
    assert_eq!(st, 403, "{v}");
    let (st, v) = post(
        &url,
        &[("Origin", &own), ("Content-Type", "text/plain")],
        msg,
    )
    .await;
    assert_eq!(st, 415, "{v}");
    assert_eq!(v["reason"], "unsupported_media_type", "{v}");
    let (st, v) = post(&url, &[("Content-Type", "text/plain")], msg).await;
    assert_eq!(st, 415, "{v}");

    let (st, v) = post(&url, &[("Origin", &own), json_ct], msg).await;
    assert_eq!(st, 202, "the pipeline's own page: {v}");
    let (st, v) = post(&url, &[json_ct], msg).await;
    assert_eq!(st, 202, "no Origin: {v}");
    let (st, v) = post(
        &url,
        &[("Content-Type", "application/x-www-form-urlencoded")],
        msg,
    )
    .await;
    assert_eq!(st, 202, "curl -d: {v}");

    let ws_url = format!("ws://{}/v1/ws", addr(&url));
    let with_origin = |origin: Option<&str>| {
        let mut req = ws_url.as_str().into_client_request().unwrap();
        if let Some(o) = origin {
            req.headers_mut().insert("Origin", o.parse().unwrap());
        }
        req
    };
    match tokio_tungstenite::connect_async(with_origin(Some("http://evil.example"))).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(r)) => {
            assert_eq!(r.status().as_u16(), 403);
            let body =
                String::from_utf8_lossy(r.body().as_deref().unwrap_or_default()).into_owned();
            assert!(body.contains("cross_origin"), "{body}");
        }
        Err(e) => panic!("refused otherwise: {e}"),
        Ok(_) => panic!("a WebSocket from another origin was opened"),
    }
    for req in [with_origin(Some(&own)), with_origin(None)] {
        let (mut ws, _) = tokio_tungstenite::connect_async(req).await.expect("opened");
        ws.send(Message::Text(msg.into())).await.unwrap();
        let ack = tokio::time::timeout(Duration::from_secs(30), ws.next())
            .await
            .expect("an ack")
            .expect("a frame")
            .expect("a frame");
        let v: Value = serde_json::from_str(ack.to_text().unwrap()).unwrap();
        assert_eq!(v["status"], "accepted", "{v}");
    }
}
