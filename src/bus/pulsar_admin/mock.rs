//! A mock of the admin REST API, for tests. Real Apache Pulsar is not available on this
//! machine (pulsar-lite has no admin API), so the client and the apply are tested against
//! this: a small HTTP/1.1 server on tokio (below) that implements the admin REST v2
//! contract listed in the parent module's header, keeping tenants, namespaces, retention and topics
//! (with partitions) in memory and recording every request it receives. Where the broker's
//! resources say so, it answers like Pulsar: 404 for a missing tenant or namespace, 409 on
//! creating what exists, 204 with no body for unset retention, partitions listed as
//! `…-partition-N`, 415 for tenant/namespace writes that are not `application/json`, and
//! 422 for a partition update that does not grow.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use super::{AdminClient, TenantInfo};
use std::sync::{Arc, Mutex, PoisonError};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One request the mock received.
#[derive(Debug, Clone)]
pub(crate) struct Seen {
    /// `GET`, `PUT`, `POST`.
    pub(crate) method: String,
    /// The request path.
    pub(crate) path: String,
    /// The body as text.
    pub(crate) body: String,
    /// The `Authorization` header.
    pub(crate) authorization: Option<String>,
    /// The `Content-Type` header.
    pub(crate) content_type: Option<String>,
}

/// The mock broker's state and settings.
#[derive(Debug, Default)]
pub(crate) struct State {
    /// Clusters known to the broker.
    pub(crate) clusters: Vec<String>,
    /// Tenant -> (admin roles, allowed clusters).
    pub(crate) tenants: BTreeMap<String, (Vec<String>, Vec<String>)>,
    /// `tenant/namespace`.
    pub(crate) namespaces: BTreeSet<String>,
    /// `tenant/namespace` -> (minutes, megabytes).
    pub(crate) retention: BTreeMap<String, (i64, i64)>,
    /// Full name -> partitions.
    pub(crate) partitioned: BTreeMap<String, u32>,
    /// Full names of non-partitioned topics.
    pub(crate) plain: BTreeSet<String>,
    /// Full names of topics that exist but are not listed (as an unloaded non-persistent
    /// topic is not).
    pub(crate) unlisted: BTreeSet<String>,
    /// Every request received.
    pub(crate) seen: Vec<Seen>,
    /// Serve only `/metrics`, as pulsar-lite does on the admin port.
    pub(crate) metrics_only: bool,
    /// The bearer token required, if any.
    pub(crate) token: Option<String>,
    /// An answer forced for one request (`METHOD path`): status and body.
    pub(crate) fail: Option<(String, u16, String)>,
}

/// A running mock admin server.
pub(crate) struct Mock {
    /// Its base URL.
    pub(crate) url: String,
    /// Its state.
    state: Arc<Mutex<State>>,
}

impl Mock {
    /// Starts a mock knowing the `standalone` cluster, after `setup` adjusts its state.
    pub(crate) async fn start(setup: impl FnOnce(&mut State)) -> Mock {
        let mut state = State {
            clusters: vec!["standalone".to_owned()],
            ..State::default()
        };
        setup(&mut state);
        let state = Arc::new(Mutex::new(state));
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let shared = Arc::clone(&state);
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, Arc::clone(&shared)));
            }
        });
        Mock { url, state }
    }

    /// Runs `f` on the state.
    pub(crate) fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        f(&mut self.state.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// The requests received so far, as `METHOD path body`, and forgets them.
    pub(crate) fn take(&self) -> Vec<String> {
        self.with(|s| std::mem::take(&mut s.seen))
            .iter()
            .map(|r| {
                format!("{} {} {}", r.method, r.path, r.body)
                    .trim_end()
                    .to_owned()
            })
            .collect()
    }

    /// A client of this mock.
    pub(crate) fn client(&self, token: Option<&str>) -> AdminClient {
        AdminClient::new(&self.url, token.map(str::to_owned), Duration::from_secs(5))
            .expect("client")
    }
}

/// Serves one connection: one request, one answer, close.
async fn serve(mut stream: TcpStream, state: Arc<Mutex<State>>) {
    let mut buf = Vec::new();
    let mut chunk = [0_u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let mut lines = head.lines();
    let mut request_line = lines.next().unwrap_or_default().split(' ');
    let method = request_line.next().unwrap_or_default().to_owned();
    let path = request_line.next().unwrap_or_default().to_owned();
    let headers: BTreeMap<String, String> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    while buf.len() < head_end + length {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let seen = Seen {
        method,
        path,
        body: String::from_utf8_lossy(&buf[head_end..head_end + length]).to_string(),
        authorization: headers.get("authorization").cloned(),
        content_type: headers.get("content-type").cloned(),
    };
    let (status, body) = {
        let mut state = state.lock().unwrap_or_else(PoisonError::into_inner);
        state.seen.push(seen.clone());
        route(&mut state, &seen)
    };
    let answer = format!(
        "HTTP/1.1 {status} Mock\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(answer.as_bytes()).await;
    let _ = stream.shutdown().await;
}

/// A Pulsar-style error answer.
fn reason(status: u16, text: &str) -> (u16, String) {
    (status, serde_json::json!({ "reason": text }).to_string())
}

/// Answers one request from the state, as the broker's admin v2 resources do.
fn route(state: &mut State, req: &Seen) -> (u16, String) {
    if state.metrics_only {
        return if req.path == "/metrics" {
            (200, "# TYPE up gauge\nup 1\n".to_owned())
        } else {
            (404, "Not Found".to_owned())
        };
    }
    if let Some((request, status, body)) = &state.fail {
        if *request == format!("{} {}", req.method, req.path) {
            return (*status, body.clone());
        }
    }
    if let Some(token) = &state.token {
        let given = req.authorization.clone().unwrap_or_default();
        if given != format!("Bearer {token}") {
            return reason(401, &format!("authentication failed for `{given}`"));
        }
    }
    let Some(rest) = req.path.strip_prefix("/admin/v2/") else {
        return reason(404, "not found");
    };
    let parts: Vec<&str> = rest.split('/').collect();
    let json_body = req.content_type.as_deref() == Some("application/json");
    match (req.method.as_str(), parts.as_slice()) {
        ("GET", ["clusters"]) => (200, serde_json::json!(state.clusters).to_string()),
        (_, ["tenants", t]) => tenant_route(state, req, t, json_body),
        (_, ["namespaces", ..]) => namespace_route(state, req, &parts[1..], json_body),
        (_, [d, t, ns, rest @ ..]) if *d == "persistent" || *d == "non-persistent" => {
            if !state.namespaces.contains(&format!("{t}/{ns}")) {
                return reason(404, "Namespace does not exist");
            }
            topic_route(state, req, &format!("{d}://{t}/{ns}"), rest)
        }
        _ => reason(404, "not found"),
    }
}

/// `/tenants/{t}`.
fn tenant_route(state: &mut State, req: &Seen, t: &str, json_body: bool) -> (u16, String) {
    if req.method == "GET" {
        return match state.tenants.get(t) {
            Some((roles, clusters)) => (
                200,
                serde_json::json!({ "adminRoles": roles, "allowedClusters": clusters }).to_string(),
            ),
            None => reason(404, "Tenant does not exist"),
        };
    }
    if !json_body {
        return reason(415, "Unsupported Media Type");
    }
    let info: TenantInfo = serde_json::from_str(&req.body).expect("tenant body");
    if info.allowed_clusters.is_empty() {
        return reason(412, "Clusters can not be empty");
    }
    if info
        .allowed_clusters
        .iter()
        .any(|c| !state.clusters.contains(c))
    {
        return reason(412, "Clusters do not exist");
    }
    let exists = state.tenants.contains_key(t);
    match (req.method.as_str(), exists) {
        ("PUT", true) => reason(409, "Tenant already exist"),
        ("POST", false) => reason(404, "Tenant not found"),
        ("PUT" | "POST", _) => {
            let value = (info.admin_roles, info.allowed_clusters);
            state.tenants.insert(t.to_owned(), value);
            (204, String::new())
        }
        _ => reason(405, "Method Not Allowed"),
    }
}

/// `/namespaces/{t}[/{ns}[/retention]]`.
fn namespace_route(state: &mut State, req: &Seen, parts: &[&str], json: bool) -> (u16, String) {
    if req.method != "GET" && !json {
        return reason(415, "Unsupported Media Type");
    }
    match (req.method.as_str(), parts) {
        ("GET", [t]) => {
            if !state.tenants.contains_key(*t) {
                return reason(404, "Tenant doesn't exist");
            }
            let prefix = format!("{t}/");
            let list: Vec<&String> = state
                .namespaces
                .iter()
                .filter(|n| n.starts_with(&prefix))
                .collect();
            (200, serde_json::json!(list).to_string())
        }
        ("PUT", [t, ns]) => {
            if !state.tenants.contains_key(*t) {
                return reason(404, "Tenant or cluster doesn't exist");
            }
            if state.namespaces.insert(format!("{t}/{ns}")) {
                (204, String::new())
            } else {
                reason(409, "Namespace already exists")
            }
        }
        (method, [t, ns, "retention"]) => {
            let key = format!("{t}/{ns}");
            if !state.namespaces.contains(&key) {
                return reason(404, "Namespace does not exist");
            }
            if method == "GET" {
                return match state.retention.get(&key) {
                    Some((m, mb)) => (
                        200,
                        serde_json::json!({
                            "retentionTimeInMinutes": m, "retentionSizeInMB": mb
                        })
                        .to_string(),
                    ),
                    None => (204, String::new()),
                };
            }
            let v: serde_json::Value = serde_json::from_str(&req.body).expect("retention");
            let minutes = v["retentionTimeInMinutes"].as_i64().expect("minutes");
            let megabytes = v["retentionSizeInMB"].as_i64().expect("megabytes");
            state.retention.insert(key, (minutes, megabytes));
            (204, String::new())
        }
        _ => reason(404, "not found"),
    }
}

/// `/{domain}/{t}/{ns}…`, the namespace known to exist; `ns_full` is `domain://t/ns`.
fn topic_route(state: &mut State, req: &Seen, ns_full: &str, rest: &[&str]) -> (u16, String) {
    let in_ns = |name: &String| name.rsplit_once('/').map(|(n, _)| n) == Some(ns_full);
    match (req.method.as_str(), rest) {
        ("GET", []) => {
            let mut list: Vec<String> = state.plain.iter().filter(|n| in_ns(n)).cloned().collect();
            for (name, n) in state.partitioned.iter().filter(|(n, _)| in_ns(n)) {
                list.extend((0..*n).map(|i| format!("{name}-partition-{i}")));
            }
            (200, serde_json::json!(list).to_string())
        }
        ("GET", ["partitioned"]) => {
            let list: Vec<&String> = state.partitioned.keys().filter(|n| in_ns(n)).collect();
            (200, serde_json::json!(list).to_string())
        }
        (method, [topic, "partitions"]) => {
            let full = format!("{ns_full}/{topic}");
            let current = state.partitioned.get(&full).copied();
            if method == "GET" {
                let n = current.unwrap_or(0);
                return (200, format!(r#"{{"partitions":{n},"deleted":false}}"#));
            }
            let Ok(wanted) = req.body.trim().parse::<i64>() else {
                return reason(400, "bad body");
            };
            let exists = current.is_some() || state.plain.contains(&full);
            match (method, current) {
                (_, _) if wanted <= 0 => {
                    reason(406, "The number of partitions should be more than 0")
                }
                ("PUT", _) if exists => reason(409, "This topic already exists"),
                ("POST", None) => reason(404, "Topic does not exist"),
                ("POST", Some(n)) if i64::from(n) >= wanted => reason(
                    422,
                    "Desired partitions 2 can't be less than the current partitions 4.",
                ),
                ("PUT" | "POST", _) => {
                    let n = u32::try_from(wanted).expect("partitions");
                    state.partitioned.insert(full, n);
                    (204, String::new())
                }
                _ => reason(405, "Method Not Allowed"),
            }
        }
        ("PUT", [topic]) => {
            let full = format!("{ns_full}/{topic}");
            let exists = state.plain.contains(&full)
                || state.partitioned.contains_key(&full)
                || state.unlisted.contains(&full);
            if exists {
                return reason(409, "This topic already exists");
            }
            state.plain.insert(full);
            (204, String::new())
        }
        _ => reason(404, "not found"),
    }
}

/// A port on which nothing listens.
pub(crate) async fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    listener.local_addr().expect("addr").port()
}
