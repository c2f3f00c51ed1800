//! The dead letters: `GET /v1/dead`, `POST /v1/dead/retry`, `DELETE /v1/dead` (a whole place),
//! and `POST /v1/dead/{dead_id}/retry`, `DELETE /v1/dead/{dead_id}` (one letter); admin token.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};

use super::auth::{Admin, AdminOrQuery};
use super::{ApiError, AppState};
use crate::pipeline::dead::{list, take, take_all, Action, Listing, Place};

/// `?place=ingest|log&limit=N`.
#[derive(Debug, Deserialize)]
pub(crate) struct PlaceQuery {
    place: Option<String>,
    limit: Option<usize>,
}

fn places_of(q: &PlaceQuery) -> Result<Vec<Place>, ApiError> {
    match q.place.as_deref() {
        None | Some("") => Ok(Place::ALL.to_vec()),
        Some(p) => Place::parse(p)
            .map(|p| vec![p])
            .ok_or_else(|| unknown_place(p)),
    }
}

fn unknown_place(p: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "invalid",
        format!("`place`: unknown place `{p}`; use `ingest` or `log`"),
    )
}

/// `GET /v1/dead`'s answer.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct DeadList {
    pub places: Vec<Listing>,
}

/// `GET /v1/dead`: the letters of each place, newest first (default 100 a place, at most 1,000).
pub(crate) async fn list_dead(
    _: AdminOrQuery,
    State(s): State<AppState>,
    Query(q): Query<PlaceQuery>,
) -> Result<Json<DeadList>, ApiError> {
    let limit = q.limit.unwrap_or(100).clamp(1, 1000);
    let mut places = Vec::new();
    for p in places_of(&q)? {
        places.push(list(&s.redis, p, limit).await?);
    }
    Ok(Json(DeadList { places }))
}

async fn take_one(
    s: &AppState,
    dead_id: &str,
    action: Action,
) -> Result<Json<serde_json::Value>, ApiError> {
    let l = take(&s.redis, dead_id, action).await?.ok_or_else(|| {
        ApiError::not_found(format!(
            "no dead letter `{dead_id}` (already retried or dropped? `arc messages dead` lists them)"
        ))
    })?;
    Ok(Json(serde_json::json!({ action.done(): l })))
}

/// `POST /v1/dead/{dead_id}/retry`: puts the letter back where it came from.
pub(crate) async fn retry_dead(
    _: Admin,
    State(s): State<AppState>,
    Path(dead_id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    take_one(&s, &dead_id, Action::Retry).await
}

/// `DELETE /v1/dead/{dead_id}`: deletes the letter.
pub(crate) async fn drop_dead(
    _: Admin,
    State(s): State<AppState>,
    Path(dead_id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    take_one(&s, &dead_id, Action::Drop).await
}

async fn take_every(
    s: &AppState,
    q: &PlaceQuery,
    action: Action,
) -> Result<Json<serde_json::Value>, ApiError> {
    let Some(place) = q.place.as_deref().filter(|p| !p.is_empty()) else {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid",
            "`place`: name the place whose letters to take (`?place=ingest` or `?place=log`)",
        ));
    };
    let place = Place::parse(place).ok_or_else(|| unknown_place(place))?;
    let n = take_all(&s.redis, place, action).await?;
    Ok(Json(serde_json::json!({ action.done(): n })))
}

/// `POST /v1/dead/retry?place=P`: every letter of P back where it came from.
pub(crate) async fn retry_all(
    _: Admin,
    State(s): State<AppState>,
    Query(q): Query<PlaceQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    take_every(&s, &q, Action::Retry).await
}

/// `DELETE /v1/dead?place=P`: deletes every letter of P.
pub(crate) async fn drop_all(
    _: Admin,
    State(s): State<AppState>,
    Query(q): Query<PlaceQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    take_every(&s, &q, Action::Drop).await
}
