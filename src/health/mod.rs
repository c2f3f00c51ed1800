//! Health probes that speak each service's protocol (through the client crates arc links, see
//! `wire`), and deep round trips.
//!
//! Owns probing only: it never starts or stops anything and never prints. A probe never fails
//! as a Rust error: every outcome, good or bad, is a value the caller renders.

mod error;
mod wire;

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use serde::Serialize;

pub(crate) use error::HealthError;

use crate::spec::{ProbeKind, ServiceSpec};

/// Where and how to probe one service.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    /// The probe's protocol.
    pub kind: ProbeKind,
    /// The main address.
    pub addr: SocketAddr,
    /// Extra addresses by role (`admin`).
    pub extra: BTreeMap<String, SocketAddr>,
    /// HTTP path for `http` probes.
    pub path: Option<String>,
    /// Protocol parameters (`user`, `dbname`, `topic`).
    pub params: BTreeMap<String, String>,
    /// For a node of a replicated NATS service: how many nodes the cluster has. The probe then
    /// also wants routes to a majority and a JetStream meta leader.
    pub cluster: Option<u32>,
}

impl Target {
    /// The target of `spec`'s health check on this machine (published ports on 127.0.0.1).
    pub(crate) fn of(spec: &ServiceSpec) -> Self {
        let addr_of = |port: &str| {
            let p = spec
                .port(port)
                .map_or(0, crate::spec::PortSpec::native_port);
            SocketAddr::from((Ipv4Addr::LOCALHOST, p))
        };
        Self {
            kind: spec.health.kind,
            addr: addr_of(&spec.health.target),
            extra: spec
                .health
                .extra
                .iter()
                .map(|(role, port)| (role.clone(), addr_of(port)))
                .collect(),
            path: spec.health.path.clone(),
            params: spec.health.params.clone(),
            cluster: spec
                .replica
                .as_ref()
                .filter(|_| spec.health.kind == ProbeKind::Nats)
                .map(|r| r.count),
        }
    }
}

/// The result of one probe.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Outcome {
    /// Whether the service answered as a healthy one does.
    pub healthy: bool,
    /// How long the probe took.
    #[serde(serialize_with = "ms")]
    pub latency: Duration,
    /// What was checked, or what went wrong.
    pub detail: String,
    /// The version the server reports of itself, where its protocol says (NATS: `/varz`).
    pub version: Option<String>,
}

/// One step of a deep check.
#[derive(Debug, Clone, Serialize)]
#[allow(clippy::struct_field_names)] // the field names are the `--json` keys
pub(crate) struct Step {
    /// The step (`publish+receive`, `set`, `get`, …).
    pub step: String,
    /// Whether it worked.
    pub ok: bool,
    /// How long it took.
    #[serde(serialize_with = "ms")]
    pub latency: Duration,
    /// The error, when it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[allow(clippy::trivially_copy_pass_by_ref)]
fn ms<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64((d.as_secs_f64() * 1e6).round() / 1e3)
}

/// A cluster node's view of its cluster, from the monitoring endpoint: routes to a majority
/// of the other `nodes` (`/routez`, distinct remote servers) and a JetStream meta leader
/// (`/jsz`). A node that lost one peer of three is still healthy: the cluster has quorum.
async fn nats_cluster(addr: SocketAddr, nodes: u32) -> Result<String, HealthError> {
    let json = |path: &'static str| async move {
        let (status, body) = wire::http_get(addr, path).await?;
        if status != 200 {
            return Err(HealthError::Unhealthy(format!(
                "GET {path} answered {status}: {}",
                body.trim()
            )));
        }
        serde_json::from_str::<serde_json::Value>(&body)
            .map_err(|e| HealthError::Unhealthy(format!("GET {path}: not JSON ({e})")))
    };
    let routez = json("/routez").await?;
    let peers: std::collections::BTreeSet<&str> = routez["routes"]
        .as_array()
        .map(|r| r.iter().filter_map(|x| x["remote_id"].as_str()).collect())
        .unwrap_or_default();
    let others = nodes.saturating_sub(1);
    let need = nodes / 2;
    let routes = u32::try_from(peers.len()).unwrap_or(u32::MAX);
    if routes < need {
        return Err(HealthError::Unhealthy(format!(
            "routes to {routes} of {others} other nodes (a quorum needs {need}); GET /routez"
        )));
    }
    let jsz = json("/jsz").await?;
    let leader = jsz["meta_cluster"]["leader"].as_str().unwrap_or_default();
    if leader.is_empty() {
        return Err(HealthError::Unhealthy(
            "no JetStream meta leader (the cluster has not elected one); GET /jsz".into(),
        ));
    }
    Ok(format!(
        "GET /healthz: ok; routes to {routes} of {others} other nodes; JetStream meta leader `{leader}`"
    ))
}

/// Probes `target` once, within `timeout`.
pub(crate) async fn probe(target: &Target, timeout: Duration) -> Outcome {
    let start = Instant::now();
    let result = tokio::time::timeout(timeout, async {
        let detail = probe_inner(target, timeout).await?;
        Ok((detail, server_version(target).await?))
    })
    .await
    .unwrap_or(Err(HealthError::Timeout(timeout)));
    let latency = start.elapsed();
    match result {
        Ok((detail, version)) => Outcome {
            healthy: true,
            latency,
            detail,
            version,
        },
        Err(e) => Outcome {
            healthy: false,
            latency,
            detail: e.to_string(),
            version: None,
        },
    }
}

/// The version a healthy server reports of itself: NATS's `/varz` `version` (what runs, which
/// need not be what the service declares). `None` for the kinds whose probe does not learn it.
async fn server_version(t: &Target) -> Result<Option<String>, HealthError> {
    if t.kind != ProbeKind::Nats {
        return Ok(None);
    }
    let (status, body) = wire::http_get(t.addr, "/varz").await?;
    if status != 200 {
        return Err(HealthError::Unhealthy(format!(
            "GET /varz answered {status}: {}",
            body.trim()
        )));
    }
    let varz: serde_json::Value = serde_json::from_str(&body)
        .map_err(|e| HealthError::Unhealthy(format!("GET /varz: not JSON ({e})")))?;
    Ok(varz["version"].as_str().map(str::to_owned))
}

async fn probe_inner(t: &Target, timeout: Duration) -> Result<String, HealthError> {
    match t.kind {
        ProbeKind::Tcp => {
            wire::connect(t.addr).await?;
            Ok(format!("tcp {} accepts connections", t.addr))
        }
        ProbeKind::Http => {
            let path = t.path.as_deref().unwrap_or("/");
            let (status, _) = wire::http_get(t.addr, path).await?;
            if (200..300).contains(&status) {
                Ok(format!("GET {path}: {status}"))
            } else {
                Err(HealthError::Unhealthy(format!(
                    "GET {path} answered {status}"
                )))
            }
        }
        ProbeKind::Nats => {
            let path = "/healthz?js-enabled-only=true";
            let (status, body) = wire::http_get(t.addr, path).await?;
            if status == 200 {
                match t.cluster {
                    Some(nodes) => nats_cluster(t.addr, nodes).await,
                    None => Ok("GET /healthz?js-enabled-only=true: ok".into()),
                }
            } else {
                Err(HealthError::Unhealthy(format!(
                    "GET {path} answered {status}: {}",
                    body.trim()
                )))
            }
        }
        ProbeKind::Redis => {
            let mut conn = wire::redis(t.addr, timeout).await?;
            match wire::redis_command(&mut conn, t.addr, &["PING"]).await? {
                redis::Value::SimpleString(s) if s == "PONG" => Ok("PING: PONG".into()),
                other => Err(HealthError::Unhealthy(format!(
                    "PING answered {}",
                    wire::show(&other)
                ))),
            }
        }
        ProbeKind::Postgres => {
            let session = postgres_connect(t, timeout).await?;
            let row = session.client.query_one("SELECT 1", &[]).await;
            session.close().await;
            let row = row.map_err(|e| HealthError::Failed {
                what: "SELECT 1 failed".into(),
                source: Box::new(e),
            })?;
            let one: i32 = row.get(0);
            if one == 1 {
                Ok("SELECT 1: 1".into())
            } else {
                Err(HealthError::Unhealthy(format!("SELECT 1 answered {one}")))
            }
        }
        ProbeKind::Pulsar => pulsar_probe(t, timeout).await,
    }
}

async fn pulsar_probe(t: &Target, timeout: Duration) -> Result<String, HealthError> {
    // The admin API's broker health where there is one (real Pulsar); a broker without it
    // (pulsar-lite) is checked with a binary-protocol connect and a topic lookup.
    if let Some(admin) = t.extra.get("admin") {
        match wire::http_get(*admin, "/admin/v2/brokers/health").await {
            Ok((200, body)) if body.trim() == "ok" => {
                return Ok("GET /admin/v2/brokers/health: ok".into())
            }
            Ok((status, body)) if status != 404 => {
                return Err(HealthError::Unhealthy(format!(
                    "GET /admin/v2/brokers/health answered {status}: {}",
                    body.trim()
                )))
            }
            _ => {}
        }
    }
    let topic = pulsar_topic(t);
    let lookup = crate::bus::pulsar::connect_and_lookup(t.addr, &topic, timeout)
        .await
        .map_err(|e| HealthError::Failed {
            what: format!("pulsar {}", t.addr),
            source: Box::new(e),
        })?;
    let version = if lookup.server_version.is_empty() {
        "broker"
    } else {
        &lookup.server_version
    };
    Ok(format!(
        "connected to {version} in {}, looked up `{topic}` in {}{}",
        crate::format::duration(lookup.connect_latency),
        crate::format::duration(lookup.lookup_latency),
        lookup
            .broker_url
            .map(|u| format!(" (served by {u})"))
            .unwrap_or_default()
    ))
}

fn pulsar_topic(t: &Target) -> String {
    t.params
        .get("topic")
        .cloned()
        .unwrap_or_else(|| "persistent://public/default/arc-health".into())
}

/// A PostgreSQL session that says goodbye (Terminate) when closed, so the server does not log
/// a reset connection for every probe.
struct PgSession {
    client: tokio_postgres::Client,
    connection: tokio::task::JoinHandle<Result<(), tokio_postgres::Error>>,
}

impl PgSession {
    async fn close(self) {
        drop(self.client);
        let _ = tokio::time::timeout(Duration::from_millis(200), self.connection).await;
    }
}

async fn postgres_connect(t: &Target, timeout: Duration) -> Result<PgSession, HealthError> {
    let mut config = tokio_postgres::Config::new();
    config
        .host(t.addr.ip().to_string())
        .port(t.addr.port())
        .user(t.params.get("user").map_or("postgres", String::as_str))
        .dbname(t.params.get("dbname").map_or("postgres", String::as_str))
        .application_name("arc-health")
        .connect_timeout(timeout);
    let (client, connection) =
        config
            .connect(tokio_postgres::NoTls)
            .await
            .map_err(|e| HealthError::Failed {
                what: format!("connect to {}", t.addr),
                source: Box::new(e),
            })?;
    let connection = tokio::spawn(connection);
    Ok(PgSession { client, connection })
}

/// A functional round trip through the service, step by step, within `timeout`.
pub(crate) async fn deep(target: &Target, timeout: Duration) -> Vec<Step> {
    let mut steps = Vec::new();
    let run = deep_inner(target, timeout, &mut steps);
    if tokio::time::timeout(timeout, run).await.is_err() {
        steps.push(Step {
            step: "round trip".into(),
            ok: false,
            latency: timeout,
            error: Some(HealthError::Timeout(timeout).to_string()),
        });
    }
    steps
}

/// Runs `f`, recording it as step `name`; `false` stops the round trip.
async fn step<F, T>(steps: &mut Vec<Step>, name: &str, f: F) -> Option<T>
where
    F: std::future::Future<Output = Result<T, HealthError>>,
{
    let start = Instant::now();
    let r = f.await;
    steps.push(Step {
        step: name.to_owned(),
        ok: r.is_ok(),
        latency: start.elapsed(),
        error: r.as_ref().err().map(ToString::to_string),
    });
    r.ok()
}

async fn deep_inner(t: &Target, timeout: Duration, steps: &mut Vec<Step>) {
    let token = format!("{:x}", crate::rand::seed());
    match t.kind {
        ProbeKind::Nats => {
            // The health target is the monitoring port; messages go through the client port.
            let addr = t.extra.get("client").copied().unwrap_or(t.addr);
            let Some(nats) = step(steps, "connect", wire::nats(addr, timeout)).await else {
                return;
            };
            let subject = format!("_arc.health.{token}");
            if step(
                steps,
                "publish+receive",
                wire::nats_round_trip(&nats, addr, &subject, token.as_bytes()),
            )
            .await
            .is_none()
            {
                return;
            }
            // JetStream too: a core round trip passes while JetStream's store is wedged.
            let subject = format!("_arc.health.js.{token}");
            step(
                steps,
                "jetstream publish+read",
                wire::jetstream_round_trip(&nats, &subject, token.as_bytes()),
            )
            .await;
        }
        ProbeKind::Redis => {
            let Some(mut r) = step(steps, "connect", wire::redis(t.addr, timeout)).await else {
                return;
            };
            let key = format!("arc:health:{token}");
            let set = step(steps, "set", async {
                match wire::redis_command(&mut r, t.addr, &["SET", &key, &token, "PX", "10000"])
                    .await?
                {
                    redis::Value::Okay => Ok(()),
                    other => Err(HealthError::Unhealthy(format!(
                        "SET answered {}",
                        wire::show(&other)
                    ))),
                }
            })
            .await;
            if set.is_none() {
                return;
            }
            step(steps, "get", async {
                match wire::redis_command(&mut r, t.addr, &["GET", &key]).await? {
                    redis::Value::BulkString(v) if v == token.as_bytes() => Ok(()),
                    other => Err(HealthError::Unhealthy(format!(
                        "GET answered {}",
                        wire::show(&other)
                    ))),
                }
            })
            .await;
            let _ = wire::redis_command(&mut r, t.addr, &["DEL", &key]).await;
        }
        ProbeKind::Postgres => {
            let Some(session) = step(steps, "connect", postgres_connect(t, timeout)).await else {
                return;
            };
            let client = &session.client;
            let write = step(steps, "write", async {
                client
                    .batch_execute(&format!(
                        "CREATE TEMP TABLE arc_health (v text); INSERT INTO arc_health VALUES ('{token}')"
                    ))
                    .await
                    .map_err(|e| HealthError::Unhealthy(e.to_string()))
            })
            .await;
            if write.is_some() {
                step(steps, "read", async {
                    let row = client
                        .query_one("SELECT v FROM arc_health", &[])
                        .await
                        .map_err(|e| HealthError::Unhealthy(e.to_string()))?;
                    let v: String = row.get(0);
                    if v == token {
                        Ok(())
                    } else {
                        Err(HealthError::Unhealthy(format!(
                            "read back `{v}`, wrote `{token}`"
                        )))
                    }
                })
                .await;
            }
            session.close().await;
        }
        ProbeKind::Pulsar => {
            // One fixed topic: round trips tell their own message apart, and probes do not
            // leave a topic behind each.
            let topic = pulsar_topic(t);
            let start = Instant::now();
            match crate::bus::pulsar::round_trip(t.addr, &topic, timeout).await {
                Ok(rt) => {
                    steps.push(Step {
                        step: "produce".into(),
                        ok: true,
                        latency: rt.produce,
                        error: None,
                    });
                    steps.push(Step {
                        step: "consume".into(),
                        ok: true,
                        latency: rt.consume,
                        error: None,
                    });
                }
                Err(e) => steps.push(Step {
                    step: "produce+consume".into(),
                    ok: false,
                    latency: start.elapsed(),
                    error: Some(e.to_string()),
                }),
            }
        }
        ProbeKind::Tcp | ProbeKind::Http => {
            let outcome = probe(t, timeout).await;
            steps.push(Step {
                step: t.kind.as_str().into(),
                ok: outcome.healthy,
                latency: outcome.latency,
                error: (!outcome.healthy).then_some(outcome.detail),
            });
        }
    }
}
