//! `ApiError`: every refusal the API answers with, as one `IntoResponse` type — a status, a
//! stable `reason` code a client can match on, and a message for a person (`error`), plus the
//! `field` at fault and the current `ETag` where they apply.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::pipeline::config::Invalid;
use crate::pipeline::fanout::Rejection;
use crate::pipeline::queue::QueueError;
use crate::pipeline::store::{StoreError, StoreErrorKind, WriteError};

/// Why a request was refused.
#[derive(Debug)]
pub(crate) enum ApiError {
    /// `{"error": message, "reason": reason, "field": …}`.
    Refused {
        status: StatusCode,
        reason: &'static str,
        message: String,
        field: Option<String>,
        /// The stored version, sent back as `ETag` (a failed precondition).
        etag: Option<i64>,
        /// Seconds, sent back as `Retry-After` (a refusal a retry soon may get past).
        retry_after: Option<u64>,
    },
    /// A message the pipeline refused (its own body: index, limit, `Retry-After`, …).
    Rejected(Rejection),
}

impl ApiError {
    pub(crate) fn new(
        status: StatusCode,
        reason: &'static str,
        message: impl Into<String>,
    ) -> Self {
        ApiError::Refused {
            status,
            reason,
            message: message.into(),
            field: None,
            etag: None,
            retry_after: None,
        }
    }

    /// 404 `not_found`.
    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    /// 400 `invalid`, naming the field at fault.
    pub(crate) fn invalid(field: &str, reason: impl Into<String>) -> Self {
        Self::from(Invalid {
            field: field.to_owned(),
            reason: reason.into(),
        })
    }

    /// 503 `unavailable`.
    pub(crate) fn unavailable(message: impl Into<String>) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", message)
    }

    /// A failed write of `what` (a document, a backbone).
    pub(crate) fn write(e: WriteError, what: &str) -> Self {
        match e {
            WriteError::Conflict { current } => {
                let message = match current {
                    Some(v) => format!(
                        "{what} changed since you read it (now \"v{v}\"); read it again and retry"
                    ),
                    None => format!("{what} does not exist (any more)"),
                };
                Self::new(StatusCode::PRECONDITION_FAILED, "conflict", message).with_etag(current)
            }
            WriteError::PreconditionRequired { current } => Self::new(
                StatusCode::PRECONDITION_REQUIRED,
                "precondition_required",
                format!("{what} exists; send If-Match: \"v{current}\" (from GET) to replace it"),
            )
            .with_etag(Some(current)),
            WriteError::Store(e) => e.into(),
        }
    }

    /// Answers `Retry-After: secs` as well.
    pub(crate) fn with_retry_after(mut self, secs: u64) -> Self {
        if let ApiError::Refused { retry_after, .. } = &mut self {
            *retry_after = Some(secs);
        }
        self
    }

    fn with_etag(mut self, version: Option<i64>) -> Self {
        if let ApiError::Refused { etag, .. } = &mut self {
            *etag = version;
        }
        self
    }

    /// The status answered.
    pub(crate) fn status(&self) -> StatusCode {
        match self {
            ApiError::Refused { status, .. } => *status,
            ApiError::Rejected(r) => {
                StatusCode::from_u16(r.status()).unwrap_or(StatusCode::BAD_REQUEST)
            }
        }
    }
}

impl From<Invalid> for ApiError {
    fn from(e: Invalid) -> Self {
        ApiError::Refused {
            status: StatusCode::BAD_REQUEST,
            reason: "invalid",
            message: e.to_string(),
            field: Some(e.field),
            etag: None,
            retry_after: None,
        }
    }
}

impl From<Rejection> for ApiError {
    fn from(r: Rejection) -> Self {
        ApiError::Rejected(r)
    }
}

/// A request the store refuses as it stands (a bad value) is the client's to fix: 400. The
/// store down or failing otherwise: 503, try again.
impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e.kind() {
            StoreErrorKind::BadRequest => {
                Self::new(StatusCode::BAD_REQUEST, "invalid", e.describe())
            }
            StoreErrorKind::Unavailable => Self::unavailable(e.describe()),
        }
    }
}

impl From<QueueError> for ApiError {
    fn from(e: QueueError) -> Self {
        Self::unavailable(crate::format::chain(&e))
    }
}

/// `"v3"`, the ETag of version 3.
pub(crate) fn etag(version: i64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"v{version}\"")).unwrap_or(HeaderValue::from_static("\"v0\""))
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        match self {
            ApiError::Refused {
                reason,
                message,
                field,
                etag: version,
                retry_after,
                ..
            } => {
                let mut body = serde_json::json!({"error": message, "reason": reason});
                if let Some(f) = field {
                    body["field"] = f.into();
                }
                let mut r = (status, Json(body)).into_response();
                if let Some(v) = version {
                    r.headers_mut().insert(header::ETAG, etag(v));
                }
                if let Some(secs) = retry_after {
                    r.headers_mut()
                        .insert(header::RETRY_AFTER, HeaderValue::from(secs));
                }
                r
            }
            ApiError::Rejected(r) => {
                let mut resp = (status, Json(r.body())).into_response();
                if let Rejection::RateLimited { retry_after, .. } = r {
                    let secs = retry_after.as_millis().div_ceil(1000).max(1);
                    if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                        resp.headers_mut().insert(header::RETRY_AFTER, v);
                    }
                }
                resp
            }
        }
    }
}
