//! `GET /healthz` (the process answers), `GET /readyz` (NATS, the config snapshot, the store
//! and every background task) and `GET /metrics` (Prometheus text).

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::AppState;
use crate::pipeline::Components;

pub(crate) async fn healthz() -> Response {
    (StatusCode::OK, Json(serde_json::json!({"status": "ok"}))).into_response()
}

pub(crate) async fn readyz(State(s): State<AppState>) -> Response {
    let nats = s.pipeline.nats_connected();
    let config = s.pipeline.snapshot().map(|c| c.version.clone());
    let store = s.store.ping().await.map_err(|e| e.describe());
    let mut down = s.supervisor.not_ready();
    // Policy evaluation saturated: messages on policy topics are refused (503) meanwhile.
    if let Some(why) = s.pipeline.policy_slots().saturated() {
        down.push(format!("policies: {why}"));
    }
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
        "leases": s.leases.report(),
        "held": s.pipeline.metrics.held_report(),
        "unsaved_letters": s.pipeline.metrics.unsaved_letters(),
        "policies": s.pipeline.policy_slots().report(),
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

pub(crate) async fn metrics(State(s): State<AppState>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        s.pipeline.metrics.render()
            + &s.pipeline.policy_slots().render()
            + &s.supervisor.render()
            + &s.leases.render()
            + &s.conns.render()
            + &s.budget.render(),
    )
        .into_response()
}
