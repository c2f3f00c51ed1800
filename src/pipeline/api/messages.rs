//! The message log, read: `GET /v1/messages/{id}` and
//! `GET /v1/messages?subject=&since=&until=&sender=&limit=&cursor=` (NATS wildcards in
//! `subject`; keyset pagination on (ts, id), so pages stay stable while rows are inserted). Both
//! need the admin token (header, or `?token=` where a browser cannot set one).

use axum::extract::{Path, Query, State};
use axum::Json;
use base64::Engine as _;
use serde::{Deserialize, Serialize};

use super::auth::AdminOrQuery;
use super::{ApiError, AppState};
use crate::bus::subject;
use crate::pipeline::envelope::Envelope;
use crate::pipeline::store::messages::MessageFilter;

/// The most messages a page holds (and the default).
pub(crate) const MAX_PAGE: i64 = 1000;
const DEFAULT_PAGE: i64 = 100;

/// `GET /v1/messages?…`: what selects a page.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct ListQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// RFC 3339.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    /// RFC 3339.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
}

/// `GET /v1/messages`'s answer.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Page<M = Envelope> {
    pub messages: Vec<M>,
    /// The cursor of the next page; `None` on the last.
    pub next_cursor: Option<String>,
}

pub(crate) async fn get_message(
    _: AdminOrQuery,
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Envelope>, ApiError> {
    s.store
        .message(&id)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::not_found(format!("no message `{id}` in the log")))
}

pub(crate) async fn list_messages(
    _: AdminOrQuery,
    State(s): State<AppState>,
    Query(q): Query<ListQuery>,
) -> Result<Json<Page>, ApiError> {
    let pattern = q.subject.unwrap_or_else(|| ">".to_owned());
    subject::pattern(&pattern).map_err(|e| ApiError::invalid("subject", e.to_string()))?;
    let limit = q.limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(ApiError::invalid("limit", "must be 1 to 1000"));
    }
    let after = match q.cursor.as_deref() {
        None => None,
        Some(c) => Some(
            decode_cursor(c)
                .ok_or_else(|| ApiError::invalid("cursor", "not a cursor this server issued"))?,
        ),
    };
    let filter = MessageFilter {
        subject: Some(pattern),
        since: q
            .since
            .as_deref()
            .map(|v| parse_time("since", v))
            .transpose()?,
        until: q
            .until
            .as_deref()
            .map(|v| parse_time("until", v))
            .transpose()?,
        sender: q.sender,
        after,
        limit: limit + 1,
    };
    let mut messages = s.store.messages(&filter).await?;
    let page = usize::try_from(limit).unwrap_or(100);
    let more = messages.len() > page;
    messages.truncate(page);
    let next_cursor = if more {
        messages.last().map(encode_cursor)
    } else {
        None
    };
    Ok(Json(Page {
        messages,
        next_cursor,
    }))
}

fn parse_time(field: &str, v: &str) -> Result<chrono::DateTime<chrono::Utc>, ApiError> {
    chrono::DateTime::parse_from_rfc3339(v)
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|e| ApiError::invalid(field, format!("`{v}` is not an RFC 3339 time: {e}")))
}

fn encode_cursor(e: &Envelope) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!(
        "{}|{}",
        e.ts.timestamp_micros(),
        e.id
    ))
}

fn decode_cursor(c: &str) -> Option<(chrono::DateTime<chrono::Utc>, String)> {
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(c)
        .ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (us, id) = text.split_once('|')?;
    let ts = chrono::DateTime::from_timestamp_micros(us.parse().ok()?)?;
    Some((ts, id.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::envelope::{Payload, Source};

    #[test]
    fn cursors_round_trip() {
        let e = Envelope {
            id: "m-1".into(),
            subject: "a".into(),
            topic: "default".into(),
            ts: chrono::DateTime::from_timestamp_micros(1_700_000_000_123_000).unwrap(),
            source: Source::Http,
            sender: "x".into(),
            headers: std::collections::BTreeMap::new(),
            payload: Payload::null(),
        };
        let (ts, id) = decode_cursor(&encode_cursor(&e)).unwrap();
        assert_eq!((ts, id.as_str()), (e.ts, "m-1"));
        assert!(decode_cursor("nope").is_none());
    }
}
