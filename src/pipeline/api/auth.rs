//! The admin token, checked by an extractor: a handler that takes [`Admin`] (the
//! `Authorization: Bearer` header) or [`AdminOrQuery`] (the header, else `?token=`, where a
//! browser cannot set a header) runs only for the admin.

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use subtle::ConstantTimeEq;

use super::{ApiError, AppState};

/// The request carries the admin token in its `Authorization` header.
pub(crate) struct Admin;

/// The request carries the admin token in its `Authorization` header or its `?token=`.
pub(crate) struct AdminOrQuery;

/// The bearer token of a request's `Authorization` header.
pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// Checks a presented admin token against the configured one, in constant time.
fn check(s: &AppState, presented: Option<&str>) -> Result<(), ApiError> {
    let Some(expected) = &s.admin_token else {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "the admin API is disabled: start `arc serve` with ARC_ADMIN_TOKEN set",
        ));
    };
    match presented {
        Some(t) if bool::from(t.as_bytes().ct_eq(expected.as_bytes())) => Ok(()),
        Some(_) => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "the admin token is not valid",
        )),
        None => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "the admin API needs Authorization: Bearer ADMIN_TOKEN",
        )),
    }
}

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, ApiError> {
        check(s, bearer(&parts.headers)).map(|()| Admin)
    }
}

#[derive(serde::Deserialize)]
struct TokenParam {
    token: Option<String>,
}

impl FromRequestParts<AppState> for AdminOrQuery {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, ApiError> {
        let query = Query::<TokenParam>::try_from_uri(&parts.uri)
            .ok()
            .and_then(|q| q.0.token);
        check(s, bearer(&parts.headers).or(query.as_deref())).map(|()| AdminOrQuery)
    }
}
