//! The backbone registry: `GET|POST /v1/backbones`, `GET|PUT|DELETE /v1/backbones/{system_id}`
//! (admin token; `ETag`/`If-Match` versions).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;

use super::auth::Admin;
use super::versioned::{announce, if_match, precondition, with_etag, written};
use super::{ApiError, AppState};
use crate::pipeline::config::{self as cfg, Invalid};
use crate::pipeline::store::{Backbone, Precondition, WriteError};

pub(crate) async fn list_backbones(
    _: Admin,
    State(s): State<AppState>,
) -> Result<Json<Vec<Backbone>>, ApiError> {
    Ok(Json(s.store.backbones().await?))
}

fn parse_backbone(body: &[u8], system_id: Option<&str>) -> Result<Backbone, ApiError> {
    let mut v: serde_json::Value = serde_json::from_slice(body).map_err(|e| Invalid {
        field: "$".into(),
        reason: crate::pipeline::envelope::json_reason(&e),
    })?;
    if let (Some(id), Some(obj)) = (system_id, v.as_object_mut()) {
        match obj.get("system_id").and_then(|x| x.as_str()) {
            Some(given) if given != id => {
                return Err(ApiError::invalid(
                    "system_id",
                    format!("`{given}` differs from the URL's `{id}`"),
                ))
            }
            _ => {
                obj.insert("system_id".into(), id.into());
            }
        }
    }
    let text = serde_json::to_vec(&v).unwrap_or_default();
    let b: Backbone = cfg::parse_document(&text)?;
    b.check()?;
    Ok(b)
}

pub(crate) async fn create_backbone(
    _: Admin,
    State(s): State<AppState>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let b = parse_backbone(&body, None)?;
    let version = match s.store.put_backbone(&b, Precondition::Absent).await {
        Ok((version, _)) => version,
        Err(WriteError::Conflict { .. }) => {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "conflict",
                format!(
                    "backbone `{}` is already registered; PUT /v1/backbones/{} with If-Match to change it",
                    b.system_id, b.system_id
                ),
            ))
        }
        Err(e) => return Err(ApiError::write(e, &format!("backbone `{}`", b.system_id))),
    };
    announce(&s, "backbone", &b.system_id, Some(version)).await;
    backbone_response(&s, &b.system_id, StatusCode::CREATED).await
}

async fn backbone_response(
    s: &AppState,
    system_id: &str,
    status: StatusCode,
) -> Result<Response, ApiError> {
    let b =
        s.store.backbone(system_id).await?.ok_or_else(|| {
            ApiError::not_found(format!("no backbone `{system_id}` is registered"))
        })?;
    let version = b.version.unwrap_or(0);
    Ok(with_etag(
        status,
        serde_json::to_value(&b).unwrap_or_default(),
        version,
    ))
}

pub(crate) async fn get_backbone(
    _: Admin,
    State(s): State<AppState>,
    Path(system_id): Path<String>,
) -> Result<Response, ApiError> {
    backbone_response(&s, &system_id, StatusCode::OK).await
}

pub(crate) async fn put_backbone(
    _: Admin,
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(system_id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let pre = precondition(&headers)?;
    let b = parse_backbone(&body, Some(&system_id))?;
    let (version, created) = s
        .store
        .put_backbone(&b, pre)
        .await
        .map_err(|e| ApiError::write(e, &format!("backbone `{system_id}`")))?;
    announce(&s, "backbone", &system_id, Some(version)).await;
    backbone_response(&s, &system_id, written(created)).await
}

pub(crate) async fn delete_backbone(
    _: Admin,
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(system_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let version = if_match(&headers)?;
    let deleted = s
        .store
        .delete_backbone(&system_id, version)
        .await
        .map_err(|e| ApiError::write(e, &format!("backbone `{system_id}`")))?;
    if !deleted {
        return Err(ApiError::not_found(format!(
            "no backbone `{system_id}` is registered"
        )));
    }
    announce(&s, "backbone", &system_id, None).await;
    Ok(StatusCode::NO_CONTENT)
}
