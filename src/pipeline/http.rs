//! The pipeline's HTTP surface (axum): ingress (`/v1/messages`, `/v1/ws`), health and metrics,
//! the config store and the backbone registry.

// Handlers answer early with a ready `Response` as the error; boxing it would buy nothing.
#![allow(clippy::result_large_err)]

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use subtle::ConstantTimeEq;

use super::config::{self, GlobalConfig, Invalid, TopicConfig};
use super::envelope::{self, Incoming, Source};
use super::fanout::{Pipeline, Rejection};
use super::store::{Backbone, Precondition, Store, StoreError, WriteError};
use super::Components;

/// The largest request body (a batch); a single message's limit is its topic's.
const MAX_BODY: usize = 64 << 20;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub pipeline: Arc<Pipeline>,
    pub store: Arc<Store>,
    pub admin_token: Option<Arc<str>>,
    pub components: Components,
    /// Asks the config watcher to reload now (after this instance wrote a change).
    pub reload: tokio::sync::mpsc::Sender<()>,
    /// Newly logged envelopes, for `/v1/feed`.
    pub feed: tokio::sync::broadcast::Sender<Arc<super::envelope::Envelope>>,
    /// The background tasks and their states (for `/readyz` and `/metrics`).
    pub supervisor: super::supervisor::Supervisor,
    /// Sonic, for the dead letters.
    pub redis: super::queue::Redis,
}

pub fn router(state: AppState) -> Router {
    let mut r = Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics));
    r = match (state.components.fanout, state.components.query) {
        (true, true) => r.route(
            "/v1/messages",
            post(post_messages).get(super::query::list_messages),
        ),
        (true, false) => r.route("/v1/messages", post(post_messages)),
        (false, true) => r.route("/v1/messages", get(super::query::list_messages)),
        (false, false) => r,
    };
    if state.components.fanout {
        r = r.route("/v1/ws", get(ws_upgrade));
    }
    if state.components.query {
        r = r
            .route("/", get(super::query::page))
            .route("/v1/messages/{id}", get(super::query::get_message))
            .route("/v1/feed", get(super::query::feed))
            .route(
                "/v1/dead",
                get(super::dead::list_dead).delete(super::dead::drop_all),
            )
            .route("/v1/dead/retry", post(super::dead::retry_all))
            .route("/v1/dead/{dead_id}", delete(super::dead::drop_dead))
            .route("/v1/dead/{dead_id}/retry", post(super::dead::retry_dead));
    }
    if state.components.config {
        r = r
            .route(
                "/v1/config/global",
                get(get_global).put(put_global).delete(delete_global),
            )
            .route("/v1/config/topics", get(list_topics))
            .route(
                "/v1/config/topics/{topic}",
                get(get_topic).put(put_topic).delete(delete_topic),
            );
    }
    if state.components.registry {
        r = r
            .route("/v1/backbones", get(list_backbones).post(create_backbone))
            .route(
                "/v1/backbones/{system_id}",
                get(get_backbone).put(put_backbone).delete(delete_backbone),
            );
    }
    r.layer(DefaultBodyLimit::max(MAX_BODY)).with_state(state)
}

pub(super) fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

pub(super) fn error(status: StatusCode, reason: &str, message: impl Into<String>) -> Response {
    (
        status,
        Json(serde_json::json!({"error": message.into(), "reason": reason})),
    )
        .into_response()
}

fn rejection(r: &Rejection) -> Response {
    let status = StatusCode::from_u16(r.status()).unwrap_or(StatusCode::BAD_REQUEST);
    let mut resp = (status, Json(r.body())).into_response();
    if let Rejection::RateLimited { retry_after, .. } = r {
        let secs = retry_after.as_millis().div_ceil(1000).max(1);
        if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
    }
    resp
}

// ---------------------------------------------------------------------------------------------
// Ingress

/// Reads a request body: one JSON envelope, a JSON array of them, or NDJSON (one per line).
pub fn parse_batch(headers: &HeaderMap, body: &[u8]) -> Result<Vec<Incoming>, Rejection> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let malformed = |index: Option<usize>, m: envelope::Malformed| Rejection::Malformed {
        index,
        field: m.field,
        reason: m.reason,
    };
    if ct.starts_with("application/x-ndjson") || ct.starts_with("application/jsonl") {
        let lines: Vec<&[u8]> = body
            .split(|b| *b == b'\n')
            .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
            .collect();
        let indexed = lines.len() > 1;
        return lines
            .into_iter()
            .enumerate()
            .map(|(i, l)| {
                envelope::parse_incoming(l).map_err(|m| malformed(indexed.then_some(i), m))
            })
            .collect();
    }
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    if first == Some(&b'[') {
        // Each element as the text it was sent in: payloads are never parsed and printed again.
        let items: Vec<&serde_json::value::RawValue> =
            serde_json::from_slice(body).map_err(|e| {
                malformed(
                    None,
                    envelope::Malformed {
                        field: "$".into(),
                        reason: e.to_string(),
                    },
                )
            })?;
        return items
            .into_iter()
            .enumerate()
            .map(|(i, v)| {
                envelope::parse_incoming(v.get().as_bytes()).map_err(|m| malformed(Some(i), m))
            })
            .collect();
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(malformed(
            None,
            envelope::Malformed {
                field: "$".into(),
                reason: "the body is empty; send a JSON envelope, a JSON array or NDJSON".into(),
            },
        ));
    }
    Ok(vec![
        envelope::parse_incoming(body).map_err(|m| malformed(None, m))?
    ])
}

async fn post_messages(State(s): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let batch = match parse_batch(&headers, &body) {
        Ok(b) => b,
        Err(r) => {
            s.pipeline.metrics.rejected(r.reason_label(), 1);
            return rejection(&r);
        }
    };
    match s
        .pipeline
        .accept(batch, Source::Http, bearer(&headers))
        .await
    {
        Ok(ids) => (
            StatusCode::ACCEPTED,
            Json(serde_json::json!({"accepted": ids.len(), "ids": ids})),
        )
            .into_response(),
        Err(r) => rejection(&r),
    }
}

#[derive(serde::Deserialize)]
struct WsQuery {
    token: Option<String>,
}

async fn ws_upgrade(
    State(s): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<WsQuery>,
    ws: WebSocketUpgrade,
) -> Response {
    // Browsers cannot set headers on a WebSocket: `?token=` is accepted as well.
    let token = bearer(&headers).map(str::to_owned).or(q.token);
    if let Some(snap) = s.pipeline.snapshot() {
        if let Err(r) = s.pipeline.authenticate(&snap, token.as_deref()) {
            return rejection(&r);
        }
    }
    ws.on_upgrade(move |socket| ws_session(s, socket, token))
}

async fn ws_session(s: AppState, mut socket: WebSocket, token: Option<String>) {
    while let Some(Ok(msg)) = socket.recv().await {
        let reply = match msg {
            Message::Text(text) => match envelope::parse_incoming(text.as_bytes()) {
                Ok(m) => {
                    let id = m.id.clone();
                    match s
                        .pipeline
                        .accept(vec![m], Source::Ws, token.as_deref())
                        .await
                    {
                        Ok(ids) => serde_json::json!({"id": ids.first(), "status": "accepted"}),
                        Err(r) => {
                            let mut v = r.body();
                            v["id"] = id.into();
                            v["status"] = "rejected".into();
                            v["code"] = r.status().into();
                            v
                        }
                    }
                }
                Err(m) => {
                    s.pipeline.metrics.rejected("malformed", 1);
                    serde_json::json!({"status": "error", "reason": "malformed", "field": m.field, "error": m.to_string()})
                }
            },
            Message::Binary(_) => serde_json::json!({
                "status": "error", "reason": "malformed",
                "error": "binary frames are not envelopes; send JSON text frames"
            }),
            Message::Close(_) => break,
            Message::Ping(_) | Message::Pong(_) => continue,
        };
        if socket
            .send(Message::Text(reply.to_string().into()))
            .await
            .is_err()
        {
            break;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Health and metrics

async fn healthz() -> Response {
    (StatusCode::OK, Json(serde_json::json!({"status": "ok"}))).into_response()
}

async fn readyz(State(s): State<AppState>) -> Response {
    let nats = s.pipeline.nats_connected();
    let config = s.pipeline.snapshot().map(|c| c.version.clone());
    let store = s.store.ping().await.map_err(|e| e.to_string());
    let down = s.supervisor.not_ready();
    let ready = nats
        && config.is_some()
        && (store.is_ok() || !needs_store(s.components))
        && down.is_empty();
    let components: serde_json::Map<String, serde_json::Value> = s
        .supervisor
        .states()
        .into_iter()
        .map(|(name, state, restarts)| {
            let mut v = serde_json::to_value(&state).unwrap_or_default();
            v["restarts"] = restarts.into();
            (name.to_owned(), v)
        })
        .collect();
    let body = serde_json::json!({
        "ready": ready,
        "nats": if nats { "connected".to_owned() } else { "not connected".to_owned() },
        "config": config.unwrap_or_else(|| "not loaded".to_owned()),
        "store": store.err().unwrap_or_else(|| "ok".to_owned()),
        "down": down,
        "components": components,
    });
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body)).into_response()
}

fn needs_store(c: Components) -> bool {
    c.config || c.registry || c.logger || c.query
}

async fn metrics(State(s): State<AppState>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        s.pipeline.metrics.render() + &s.supervisor.render(),
    )
        .into_response()
}

// ---------------------------------------------------------------------------------------------
// Admin: config store and registry

fn admin(s: &AppState, headers: &HeaderMap) -> Result<(), Response> {
    admin_token(s, bearer(headers))
}

/// Checks a presented admin token (from the `Authorization` header, or a query parameter where
/// a browser cannot set one).
pub(super) fn admin_token(s: &AppState, presented: Option<&str>) -> Result<(), Response> {
    let Some(expected) = &s.admin_token else {
        return Err(error(
            StatusCode::FORBIDDEN,
            "forbidden",
            "the admin API is disabled: start `arc serve` with ARC_ADMIN_TOKEN set",
        ));
    };
    match presented {
        Some(t) if bool::from(t.as_bytes().ct_eq(expected.as_bytes())) => Ok(()),
        Some(_) => Err(error(
            StatusCode::FORBIDDEN,
            "forbidden",
            "the admin token is not valid",
        )),
        None => Err(error(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "the admin API needs Authorization: Bearer ADMIN_TOKEN",
        )),
    }
}

fn etag(version: i64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"v{version}\"")).unwrap_or(HeaderValue::from_static("\"v0\""))
}

fn parse_etag(v: &str) -> Option<i64> {
    let v = v.trim().trim_start_matches("W/");
    v.strip_prefix("\"v")?.strip_suffix('"')?.parse().ok()
}

/// The precondition the request's headers state.
fn precondition(headers: &HeaderMap) -> Result<Precondition, Response> {
    if let Some(m) = headers.get(header::IF_MATCH) {
        let text = m.to_str().unwrap_or("");
        return parse_etag(text).map(Precondition::Match).ok_or_else(|| {
            error(
                StatusCode::BAD_REQUEST,
                "malformed",
                format!("If-Match `{text}` is not an ETag this server issued (like \"v3\")"),
            )
        });
    }
    if headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == b"*")
    {
        return Ok(Precondition::Absent);
    }
    Ok(Precondition::None)
}

pub(super) fn store_error(e: &StoreError) -> Response {
    error(
        StatusCode::SERVICE_UNAVAILABLE,
        "unavailable",
        e.to_string(),
    )
}

fn write_error(e: WriteError, what: &str) -> Response {
    match e {
        WriteError::Conflict { current } => {
            let mut r = error(
                StatusCode::PRECONDITION_FAILED,
                "conflict",
                match current {
                    Some(v) => format!(
                        "{what} changed since you read it (now \"v{v}\"); read it again and retry"
                    ),
                    None => format!("{what} does not exist (any more)"),
                },
            );
            if let Some(v) = current {
                r.headers_mut().insert(header::ETAG, etag(v));
            }
            r
        }
        WriteError::PreconditionRequired { current } => {
            let mut r = error(
                StatusCode::PRECONDITION_REQUIRED,
                "precondition_required",
                format!("{what} exists; send If-Match: \"v{current}\" (from GET) to replace it"),
            );
            r.headers_mut().insert(header::ETAG, etag(current));
            r
        }
        WriteError::Store(e) => store_error(&e),
    }
}

pub(super) fn invalid(e: &Invalid) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(serde_json::json!({"error": e.to_string(), "reason": "invalid", "field": e.field})),
    )
        .into_response()
}

fn with_etag(status: StatusCode, body: serde_json::Value, version: i64) -> Response {
    let mut r = (status, Json(body)).into_response();
    r.headers_mut().insert(header::ETAG, etag(version));
    r
}

/// Tells every pipeline instance (this one included) that the configuration changed.
async fn announce(s: &AppState, kind: &str, name: &str, version: Option<i64>) {
    let note = serde_json::json!({"kind": kind, "name": name, "version": version});
    let nats = s.pipeline.nats();
    if let Err(e) = nats
        .publish(super::CONFIG_CHANGED, note.to_string().into())
        .await
    {
        tracing::warn!(
            "could not announce a config change on NATS: {e}; instances reload within 30 s"
        );
    }
    let _ = tokio::time::timeout(std::time::Duration::from_secs(1), nats.flush()).await;
    let _ = s.reload.try_send(());
}

const GLOBAL: &str = "global";
const TOPIC: &str = "topic";

async fn get_global(State(s): State<AppState>, headers: HeaderMap) -> Response {
    if let Err(r) = admin(&s, &headers) {
        return r;
    }
    match s.store.get(GLOBAL, GLOBAL).await {
        Ok(Some(d)) => with_etag(StatusCode::OK, d.body, d.version),
        Ok(None) => error(
            StatusCode::NOT_FOUND,
            "not_found",
            "no global configuration is stored (built-in defaults apply); PUT one",
        ),
        Err(e) => store_error(&e),
    }
}

async fn put_global(State(s): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(r) = admin(&s, &headers) {
        return r;
    }
    let pre = match precondition(&headers) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let doc = match config::parse_document::<GlobalConfig>(&body).and_then(GlobalConfig::prepare) {
        Ok(d) => d,
        Err(e) => return invalid(&e),
    };
    let value = serde_json::to_value(&doc).unwrap_or_default();
    match s.store.put(GLOBAL, GLOBAL, &value, pre).await {
        Ok((version, created)) => {
            announce(&s, GLOBAL, GLOBAL, Some(version)).await;
            let status = if created {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            with_etag(status, value, version)
        }
        Err(e) => write_error(e, "the global configuration"),
    }
}

async fn delete_global(State(s): State<AppState>, headers: HeaderMap) -> Response {
    delete_doc(s, headers, GLOBAL, GLOBAL.to_owned()).await
}

async fn delete_doc(s: AppState, headers: HeaderMap, kind: &str, name: String) -> Response {
    if let Err(r) = admin(&s, &headers) {
        return r;
    }
    let if_match = match precondition(&headers) {
        Ok(Precondition::Match(v)) => Some(v),
        Ok(_) => None,
        Err(r) => return r,
    };
    match s.store.delete(kind, &name, if_match).await {
        Ok(true) => {
            announce(&s, kind, &name, None).await;
            StatusCode::NO_CONTENT.into_response()
        }
        Ok(false) => error(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no {kind} `{name}` is stored"),
        ),
        Err(e) => write_error(e, &format!("{kind} `{name}`")),
    }
}

async fn list_topics(State(s): State<AppState>, headers: HeaderMap) -> Response {
    if let Err(r) = admin(&s, &headers) {
        return r;
    }
    match s.store.list(TOPIC).await {
        Ok(docs) => {
            let items: Vec<serde_json::Value> = docs
                .into_iter()
                .map(|d| serde_json::json!({"topic": d.name, "etag": format!("\"v{}\"", d.version), "config": d.body}))
                .collect();
            Json(items).into_response()
        }
        Err(e) => store_error(&e),
    }
}

async fn get_topic(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(topic): Path<String>,
) -> Response {
    if let Err(r) = admin(&s, &headers) {
        return r;
    }
    match s.store.get(TOPIC, &topic).await {
        Ok(Some(d)) => with_etag(StatusCode::OK, d.body, d.version),
        Ok(None) => error(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no topic `{topic}` is stored"),
        ),
        Err(e) => store_error(&e),
    }
}

async fn put_topic(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(topic): Path<String>,
    body: Bytes,
) -> Response {
    if let Err(r) = admin(&s, &headers) {
        return r;
    }
    let pre = match precondition(&headers) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let (doc, compiled) = match config::parse_document::<TopicConfig>(&body)
        .and_then(|d| d.compile(&topic).map(|c| (d, c)))
    {
        Ok(d) => d,
        Err(e) => return invalid(&e),
    };
    if let Err(e) = trial_policies(compiled).await {
        return invalid(&e);
    }
    let value = serde_json::to_value(&doc).unwrap_or_default();
    match s.store.put(TOPIC, &topic, &value, pre).await {
        Ok((version, created)) => {
            announce(&s, TOPIC, &topic, Some(version)).await;
            let status = if created {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            with_etag(status, value, version)
        }
        Err(e) => write_error(e, &format!("topic `{topic}`")),
    }
}

/// Runs every policy of a topic being written once on an empty message, off the async runtime:
/// one that panics, names an unknown variable or overruns its trial budget is refused.
async fn trial_policies(compiled: config::CompiledTopic) -> Result<(), Invalid> {
    let trial = tokio::task::spawn_blocking(move || {
        for (i, p) in compiled.policies.iter().enumerate() {
            p.trial().map_err(|reason| Invalid {
                field: format!("policies[{i}]"),
                reason,
            })?;
        }
        Ok(())
    });
    match tokio::time::timeout(std::time::Duration::from_secs(1), trial).await {
        Ok(Ok(result)) => result,
        Ok(Err(e)) => Err(Invalid {
            field: "policies".into(),
            reason: format!("a trial run failed: {e}"),
        }),
        Err(_) => Err(Invalid {
            field: "policies".into(),
            reason: format!(
                "a trial run on an empty message did not finish within 1 s; the budget is {} ms",
                super::policy::TRIAL_BUDGET.as_millis()
            ),
        }),
    }
}

async fn delete_topic(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(topic): Path<String>,
) -> Response {
    delete_doc(s, headers, TOPIC, topic).await
}

async fn list_backbones(State(s): State<AppState>, headers: HeaderMap) -> Response {
    if let Err(r) = admin(&s, &headers) {
        return r;
    }
    match s.store.backbones().await {
        Ok(all) => Json(all).into_response(),
        Err(e) => store_error(&e),
    }
}

fn parse_backbone(body: &[u8], system_id: Option<&str>) -> Result<Backbone, Response> {
    let mut v: serde_json::Value = serde_json::from_slice(body).map_err(|e| {
        invalid(&Invalid {
            field: "$".into(),
            reason: e.to_string(),
        })
    })?;
    if let (Some(id), Some(obj)) = (system_id, v.as_object_mut()) {
        match obj.get("system_id").and_then(|x| x.as_str()) {
            Some(given) if given != id => {
                return Err(invalid(&Invalid {
                    field: "system_id".into(),
                    reason: format!("`{given}` differs from the URL's `{id}`"),
                }))
            }
            _ => {
                obj.insert("system_id".into(), id.into());
            }
        }
    }
    let text = serde_json::to_vec(&v).unwrap_or_default();
    let b: Backbone = config::parse_document(&text).map_err(|e| invalid(&e))?;
    b.check().map_err(|e| invalid(&e))?;
    Ok(b)
}

async fn create_backbone(State(s): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(r) = admin(&s, &headers) {
        return r;
    }
    let b = match parse_backbone(&body, None) {
        Ok(b) => b,
        Err(r) => return r,
    };
    match s.store.put_backbone(&b, Precondition::Absent).await {
        Ok((version, _)) => {
            announce(&s, "backbone", &b.system_id, Some(version)).await;
            backbone_response(&s, &b.system_id, StatusCode::CREATED).await
        }
        Err(WriteError::Conflict { .. }) => error(
            StatusCode::CONFLICT,
            "conflict",
            format!(
                "backbone `{}` is already registered; PUT /v1/backbones/{} with If-Match to change it",
                b.system_id, b.system_id
            ),
        ),
        Err(e) => write_error(e, &format!("backbone `{}`", b.system_id)),
    }
}

async fn backbone_response(s: &AppState, system_id: &str, status: StatusCode) -> Response {
    match s.store.backbone(system_id).await {
        Ok(Some(b)) => {
            let version = b.version.unwrap_or(0);
            with_etag(
                status,
                serde_json::to_value(&b).unwrap_or_default(),
                version,
            )
        }
        Ok(None) => error(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no backbone `{system_id}` is registered"),
        ),
        Err(e) => store_error(&e),
    }
}

async fn get_backbone(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(system_id): Path<String>,
) -> Response {
    if let Err(r) = admin(&s, &headers) {
        return r;
    }
    backbone_response(&s, &system_id, StatusCode::OK).await
}

async fn put_backbone(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(system_id): Path<String>,
    body: Bytes,
) -> Response {
    if let Err(r) = admin(&s, &headers) {
        return r;
    }
    let pre = match precondition(&headers) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let b = match parse_backbone(&body, Some(&system_id)) {
        Ok(b) => b,
        Err(r) => return r,
    };
    match s.store.put_backbone(&b, pre).await {
        Ok((version, created)) => {
            announce(&s, "backbone", &system_id, Some(version)).await;
            let status = if created {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            backbone_response(&s, &system_id, status).await
        }
        Err(e) => write_error(e, &format!("backbone `{system_id}`")),
    }
}

async fn delete_backbone(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(system_id): Path<String>,
) -> Response {
    if let Err(r) = admin(&s, &headers) {
        return r;
    }
    let if_match = match precondition(&headers) {
        Ok(Precondition::Match(v)) => Some(v),
        Ok(_) => None,
        Err(r) => return r,
    };
    match s.store.delete_backbone(&system_id, if_match).await {
        Ok(true) => {
            announce(&s, "backbone", &system_id, None).await;
            StatusCode::NO_CONTENT.into_response()
        }
        Ok(false) => error(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no backbone `{system_id}` is registered"),
        ),
        Err(e) => write_error(e, &format!("backbone `{system_id}`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_are_read_in_every_form() {
        let json = HeaderMap::new();
        let one = parse_batch(&json, br#"{"subject": "a.b", "payload": 1}"#).unwrap();
        assert_eq!(one.len(), 1);
        let arr = parse_batch(
            &json,
            br#" [{"subject": "a.b", "payload": 1}, {"subject": "a.c", "payload": 2}]"#,
        )
        .unwrap();
        assert_eq!(arr.len(), 2);
        let mut nd = HeaderMap::new();
        nd.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/x-ndjson"),
        );
        let lines = parse_batch(
            &nd,
            b"{\"subject\": \"a.b\", \"payload\": 1}\n\n{\"subject\": \"a.c\", \"payload\": 2}\n",
        )
        .unwrap();
        assert_eq!(lines.len(), 2);
        let err = parse_batch(
            &nd,
            b"{\"subject\": \"a.b\", \"payload\": 1}\n{\"payload\": 2}\n",
        )
        .unwrap_err();
        assert_eq!(
            err,
            Rejection::Malformed {
                index: Some(1),
                field: "subject".into(),
                reason: "missing field `subject`".into()
            }
        );
        assert_eq!(parse_batch(&json, b"  ").unwrap_err().status(), 400);
    }

    #[test]
    fn etags_round_trip() {
        assert_eq!(parse_etag("\"v12\""), Some(12));
        assert_eq!(parse_etag("W/\"v3\""), Some(3));
        assert_eq!(parse_etag("v3"), None);
        assert_eq!(etag(7), HeaderValue::from_static("\"v7\""));
    }
}
