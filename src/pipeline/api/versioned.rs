//! What the versioned resources (config documents, backbones) share: `ETag`s and the
//! preconditions they carry, answers with their version, and the announcement that makes every
//! pipeline instance reload.

use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::error::etag;
use super::{ApiError, AppState};
use crate::pipeline::store::Precondition;

fn parse_etag(v: &str) -> Option<i64> {
    let v = v.trim().trim_start_matches("W/");
    v.strip_prefix("\"v")?.strip_suffix('"')?.parse().ok()
}

/// The precondition the request's headers state.
pub(super) fn precondition(headers: &HeaderMap) -> Result<Precondition, ApiError> {
    if let Some(m) = headers.get(header::IF_MATCH) {
        let text = m.to_str().unwrap_or("");
        return parse_etag(text).map(Precondition::Match).ok_or_else(|| {
            ApiError::new(
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

/// The version `If-Match` names, for a delete.
pub(super) fn if_match(headers: &HeaderMap) -> Result<Option<i64>, ApiError> {
    Ok(match precondition(headers)? {
        Precondition::Match(v) => Some(v),
        _ => None,
    })
}

/// `body` with its version as the `ETag`.
pub(super) fn with_etag(status: StatusCode, body: serde_json::Value, version: i64) -> Response {
    let mut r = (status, Json(body)).into_response();
    r.headers_mut().insert(header::ETAG, etag(version));
    r
}

/// 201 for a created resource, 200 for a replaced one.
pub(super) fn written(created: bool) -> StatusCode {
    if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    }
}

/// Tells every pipeline instance (this one included) that the configuration changed.
pub(super) async fn announce(s: &AppState, kind: &str, name: &str, version: Option<i64>) {
    let note = serde_json::json!({"kind": kind, "name": name, "version": version});
    let nats = s.pipeline.nats();
    if let Err(e) = nats
        .publish(crate::pipeline::CONFIG_CHANGED, note.to_string().into())
        .await
    {
        tracing::warn!(
            "could not announce a config change on NATS: {e}; instances reload within 30 s"
        );
    }
    let _ = tokio::time::timeout(std::time::Duration::from_secs(1), nats.flush()).await;
    let _ = s.reload.try_send(());
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn etags_round_trip() {
        assert_eq!(parse_etag("\"v12\""), Some(12));
        assert_eq!(parse_etag("W/\"v3\""), Some(3));
        assert_eq!(parse_etag("v3"), None);
        assert_eq!(etag(7), HeaderValue::from_static("\"v7\""));
    }
}
