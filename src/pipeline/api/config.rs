//! The config store: `GET|PUT|DELETE /v1/config/global`, `GET /v1/config/topics`,
//! `GET|PUT|DELETE /v1/config/topics/{topic}` (admin token; `ETag`/`If-Match` versions). A
//! topic's policies are tried once before it is stored.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::auth::Admin;
use super::versioned::{announce, if_match, precondition, with_etag, written};
use super::{ApiError, AppState};
use crate::pipeline::config::{self as cfg, GlobalConfig, Invalid, TopicConfig};

const GLOBAL: &str = "global";
const TOPIC: &str = "topic";

pub(crate) async fn get_global(_: Admin, State(s): State<AppState>) -> Result<Response, ApiError> {
    let d = s.store.get(GLOBAL, GLOBAL).await?.ok_or_else(|| {
        ApiError::not_found("no global configuration is stored (built-in defaults apply); PUT one")
    })?;
    Ok(with_etag(StatusCode::OK, d.body, d.version))
}

pub(crate) async fn put_global(
    _: Admin,
    State(s): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let pre = precondition(&headers)?;
    let doc = cfg::parse_document::<GlobalConfig>(&body).and_then(GlobalConfig::prepare)?;
    let value = serde_json::to_value(&doc).unwrap_or_default();
    let (version, created) = s
        .store
        .put(GLOBAL, GLOBAL, &value, pre)
        .await
        .map_err(|e| ApiError::write(e, "the global configuration"))?;
    announce(&s, GLOBAL, GLOBAL, Some(version)).await;
    Ok(with_etag(written(created), value, version))
}

pub(crate) async fn delete_global(
    _: Admin,
    State(s): State<AppState>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    delete_doc(&s, &headers, GLOBAL, GLOBAL).await
}

async fn delete_doc(
    s: &AppState,
    headers: &HeaderMap,
    kind: &str,
    name: &str,
) -> Result<StatusCode, ApiError> {
    let version = if_match(headers)?;
    let deleted = s
        .store
        .delete(kind, name, version)
        .await
        .map_err(|e| ApiError::write(e, &format!("{kind} `{name}`")))?;
    if !deleted {
        return Err(ApiError::not_found(format!("no {kind} `{name}` is stored")));
    }
    announce(s, kind, name, None).await;
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) async fn list_topics(_: Admin, State(s): State<AppState>) -> Result<Response, ApiError> {
    let items: Vec<serde_json::Value> = s
        .store
        .list(TOPIC)
        .await?
        .into_iter()
        .map(|d| {
            serde_json::json!({"topic": d.name, "etag": format!("\"v{}\"", d.version), "config": d.body})
        })
        .collect();
    Ok(Json(items).into_response())
}

pub(crate) async fn get_topic(
    _: Admin,
    State(s): State<AppState>,
    Path(topic): Path<String>,
) -> Result<Response, ApiError> {
    let d = s
        .store
        .get(TOPIC, &topic)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no topic `{topic}` is stored")))?;
    Ok(with_etag(StatusCode::OK, d.body, d.version))
}

pub(crate) async fn put_topic(
    _: Admin,
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(topic): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let pre = precondition(&headers)?;
    let doc = cfg::parse_document::<TopicConfig>(&body)?;
    trial_policies(doc.compile(&topic)?).await?;
    let value = serde_json::to_value(&doc).unwrap_or_default();
    let (version, created) = s
        .store
        .put(TOPIC, &topic, &value, pre)
        .await
        .map_err(|e| ApiError::write(e, &format!("topic `{topic}`")))?;
    announce(&s, TOPIC, &topic, Some(version)).await;
    Ok(with_etag(written(created), value, version))
}

/// Runs every policy of a topic being written once on an empty message, off the async runtime:
/// one that panics, names an unknown variable or overruns its trial budget is refused.
async fn trial_policies(compiled: cfg::CompiledTopic) -> Result<(), Invalid> {
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
                crate::pipeline::policy::TRIAL_BUDGET.as_millis()
            ),
        }),
    }
}

pub(crate) async fn delete_topic(
    _: Admin,
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(topic): Path<String>,
) -> Result<StatusCode, ApiError> {
    delete_doc(&s, &headers, TOPIC, &topic).await
}
