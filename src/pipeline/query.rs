//! The query API and the live feed over the message log.
//!
//! `GET /v1/messages/{id}`; `GET /v1/messages?subject=&since=&until=&sender=&limit=&cursor=`
//! (NATS wildcards in `subject`, keyset pagination on (ts, id), so pages stay stable while rows
//! are inserted); WebSocket `/v1/feed?subject=` pushing each newly logged envelope. All need the
//! admin token (header, or `?token=` where a browser cannot set one). `GET /` is a small page
//! that shows the feed.

// Handlers answer early with a ready `Response` as the error, as in `http.rs`.
#![allow(clippy::result_large_err)]

use std::sync::Arc;

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use base64::Engine as _;
use futures::StreamExt as _;
use serde::Deserialize;
use tokio::sync::broadcast;

use super::envelope::{Envelope, Source};
use super::http::{error, store_error, AppState};
use crate::bus::subject;

/// How far a feed client may fall behind before it is dropped.
pub const FEED_BUFFER: usize = 4096;

/// The page at `/`.
const PAGE: &str = include_str!("../../assets/feed.html");

pub async fn page() -> Html<&'static str> {
    Html(PAGE)
}

fn invalid(field: &str, message: impl Into<String>) -> Response {
    super::http::invalid(&super::config::Invalid {
        field: field.to_owned(),
        reason: message.into(),
    })
}

/// The admin token, from the `Authorization` header or else `?token=`.
fn authorize(s: &AppState, headers: &HeaderMap, token: Option<&str>) -> Result<(), Response> {
    super::http::admin_token(s, super::http::bearer(headers).or(token))
}

const COLUMNS: &str = "id, subject, topic, ts, source, sender, headers, payload";

fn envelope(r: &tokio_postgres::Row) -> Envelope {
    let source: String = r.get(4);
    Envelope {
        id: r.get(0),
        subject: r.get(1),
        topic: r.get(2),
        ts: r.get(3),
        source: match source.as_str() {
            "ws" => Source::Ws,
            "redis" => Source::Redis,
            "nats" => Source::Nats,
            _ => Source::Http,
        },
        sender: r.get(5),
        headers: r
            .get::<_, tokio_postgres::types::Json<std::collections::BTreeMap<String, String>>>(6)
            .0,
        // The text as it was sent (`json`; `jsonb` where the column could not be changed).
        payload: r
            .get::<_, tokio_postgres::types::Json<super::envelope::Payload>>(7)
            .0,
    }
}

#[derive(Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
}

pub async fn get_message(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<TokenQuery>,
) -> Response {
    if let Err(r) = authorize(&s, &headers, q.token.as_deref()) {
        return r;
    }
    let c = match s.store.shared().await {
        Ok(c) => c,
        Err(e) => return store_error(&e),
    };
    match c
        .query_opt(
            &format!("SELECT {COLUMNS} FROM arc_messages WHERE id = $1 LIMIT 1"),
            &[&id],
        )
        .await
    {
        Ok(Some(r)) => Json(envelope(&r)).into_response(),
        Ok(None) => error(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no message `{id}` in the log"),
        ),
        Err(e) => error(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            e.to_string(),
        ),
    }
}

#[derive(Deserialize)]
pub struct ListQuery {
    subject: Option<String>,
    since: Option<String>,
    until: Option<String>,
    sender: Option<String>,
    limit: Option<i64>,
    cursor: Option<String>,
    token: Option<String>,
}

/// A SQL `LIKE` prefix and a POSIX regex for a NATS subject pattern (`None`: everything).
pub fn pattern_sql(p: &str) -> Option<(String, String)> {
    if p == ">" {
        return None;
    }
    let toks: Vec<&str> = p.split('.').collect();
    let literal: Vec<&str> = toks
        .iter()
        .take_while(|t| **t != "*" && **t != ">")
        .copied()
        .collect();
    let mut prefix = literal.join(".");
    if literal.len() < toks.len() && !prefix.is_empty() {
        prefix.push('.');
    }
    let like = prefix
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
        + "%";
    let mut re = String::from("^");
    for (i, t) in toks.iter().enumerate() {
        if i > 0 {
            re.push_str("\\.");
        }
        match *t {
            "*" => re.push_str("[^.]+"),
            ">" => re.push_str(".+"),
            lit => {
                for c in lit.chars() {
                    if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                        re.push(c);
                    } else {
                        re.push('\\');
                        re.push(c);
                    }
                }
            }
        }
    }
    re.push('$');
    Some((like, re))
}

fn parse_time(field: &str, v: &str) -> Result<chrono::DateTime<chrono::Utc>, Response> {
    chrono::DateTime::parse_from_rfc3339(v)
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|e| invalid(field, format!("`{v}` is not an RFC 3339 time: {e}")))
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

pub async fn list_messages(
    State(s): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
) -> Response {
    if let Err(r) = authorize(&s, &headers, q.token.as_deref()) {
        return r;
    }
    let pattern = q.subject.clone().unwrap_or_else(|| ">".to_owned());
    if let Err(e) = subject::pattern(&pattern) {
        return invalid("subject", e.to_string());
    }
    let limit = q.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return invalid("limit", "must be 1 to 1000");
    }
    let since = match q
        .since
        .as_deref()
        .map(|v| parse_time("since", v))
        .transpose()
    {
        Ok(v) => v,
        Err(r) => return r,
    };
    let until = match q
        .until
        .as_deref()
        .map(|v| parse_time("until", v))
        .transpose()
    {
        Ok(v) => v,
        Err(r) => return r,
    };
    let cursor = match q.cursor.as_deref() {
        None => None,
        Some(c) => {
            let Some(decoded) = decode_cursor(c) else {
                return invalid("cursor", "not a cursor this server issued");
            };
            Some(decoded)
        }
    };
    let (like, re) = pattern_sql(&pattern).unzip();
    let (cursor_ts, cursor_id) = cursor.unzip();
    let c = match s.store.shared().await {
        Ok(c) => c,
        Err(e) => return store_error(&e),
    };
    // The page's keys first, from the indexes alone where the filters allow (an index-only scan
    // of (subject, ts, id) for a subject pattern), then the rows of just that page.
    let sql = "WITH page AS (
             SELECT ts, id FROM arc_messages
             WHERE ($1::text IS NULL OR (subject LIKE $1 AND subject ~ $2))
               AND ($3::timestamptz IS NULL OR ts >= $3)
               AND ($4::timestamptz IS NULL OR ts < $4)
               AND ($5::text IS NULL OR sender = $5)
               AND ($6::timestamptz IS NULL OR (ts, id) > ($6, $7))
             ORDER BY ts, id LIMIT $8)
         SELECT m.id, m.subject, m.topic, m.ts, m.source, m.sender, m.headers, m.payload
         FROM page JOIN arc_messages m ON m.id = page.id AND m.ts = page.ts
         ORDER BY page.ts, page.id";
    let rows = match c
        .query(
            sql,
            &[
                &like,
                &re,
                &since,
                &until,
                &q.sender,
                &cursor_ts,
                &cursor_id,
                &(limit + 1),
            ],
        )
        .await
    {
        Ok(r) => r,
        Err(e) => {
            return error(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                e.as_db_error()
                    .map_or_else(|| e.to_string(), |d| d.message().to_owned()),
            )
        }
    };
    let mut messages: Vec<Envelope> = rows.iter().map(envelope).collect();
    let more = messages.len() > usize::try_from(limit).unwrap_or(100);
    messages.truncate(usize::try_from(limit).unwrap_or(100));
    let next = if more {
        messages.last().map(encode_cursor)
    } else {
        None
    };
    Json(serde_json::json!({"messages": messages, "next_cursor": next})).into_response()
}

#[derive(Deserialize)]
pub struct FeedQuery {
    subject: Option<String>,
    token: Option<String>,
}

pub async fn feed(
    State(s): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<FeedQuery>,
    ws: WebSocketUpgrade,
) -> Response {
    if let Err(r) = authorize(&s, &headers, q.token.as_deref()) {
        return r;
    }
    let pattern = q.subject.unwrap_or_else(|| ">".to_owned());
    if let Err(e) = subject::pattern(&pattern) {
        return invalid("subject", e.to_string());
    }
    let rx = s.feed.subscribe();
    ws.on_upgrade(move |socket| feed_session(socket, rx, pattern))
}

async fn feed_session(
    mut socket: WebSocket,
    mut rx: broadcast::Receiver<Arc<Envelope>>,
    pattern: String,
) {
    loop {
        tokio::select! {
            got = rx.recv() => match got {
                Ok(e) => {
                    if !subject::matches(&pattern, &e.subject) {
                        continue;
                    }
                    let text = serde_json::to_string(&*e).unwrap_or_default();
                    // A client that cannot take a frame within a second is as good as gone.
                    match tokio::time::timeout(
                        std::time::Duration::from_secs(1),
                        socket.send(Message::Text(text.into())),
                    )
                    .await
                    {
                        Ok(Ok(())) => {}
                        Ok(Err(_)) => return,
                        Err(_) => {
                            close(&mut socket, "too slow: a frame waited over 1 s").await;
                            return;
                        }
                    }
                }
                Err(broadcast::error::RecvError::Lagged(n)) => {
                    close(&mut socket, &format!("too slow: fell {n} messages behind the log")).await;
                    return;
                }
                Err(broadcast::error::RecvError::Closed) => return,
            },
            msg = socket.recv() => match msg {
                Some(Ok(Message::Close(_)) | Err(_)) | None => return,
                Some(Ok(_)) => {}
            },
        }
    }
}

/// Sends the close frame with its reason. A slow client's socket is full when it is dropped, so
/// the frame goes out only as the client reads its backlog: this session's task (never the
/// logger, which the broadcast channel decouples) waits up to 10 s for that.
async fn close(socket: &mut WebSocket, reason: &str) {
    let _ = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        socket.send(Message::Close(Some(CloseFrame {
            code: 1008,
            reason: reason.to_owned().into(),
        }))),
    )
    .await;
}

/// Feeds the broadcast channel from the loggers' announcements (whichever process logged); ends
/// with an error when the subscription does (the supervisor subscribes again).
pub async fn relay(
    nats: async_nats::Client,
    tx: broadcast::Sender<Arc<Envelope>>,
    beat: super::supervisor::Beat,
) -> Result<(), String> {
    let mut sub = nats
        .subscribe(super::logger::COMMITTED)
        .await
        .map_err(|e| format!("cannot subscribe to {}: {e}", super::logger::COMMITTED))?;
    beat.up();
    while let Some(m) = sub.next().await {
        if tx.receiver_count() == 0 {
            continue;
        }
        for line in m.payload.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
            if let Ok(e) = serde_json::from_slice::<Envelope>(line) {
                let _ = tx.send(Arc::new(e));
            }
        }
    }
    Err(format!(
        "the subscription to {} ended",
        super::logger::COMMITTED
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_become_a_prefix_and_a_regex() {
        assert_eq!(pattern_sql(">"), None);
        assert_eq!(
            pattern_sql("agent.*.commands"),
            Some(("agent.%".into(), r"^agent\.[^.]+\.commands$".into()))
        );
        assert_eq!(
            pattern_sql("a_b.>"),
            Some((r"a\_b.%".into(), r"^a_b\..+$".into()))
        );
        assert_eq!(pattern_sql("x.y"), Some(("x.y%".into(), r"^x\.y$".into())));
        assert_eq!(pattern_sql("*"), Some(("%".into(), "^[^.]+$".into())));
    }

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
            payload: super::super::envelope::Payload::null(),
        };
        let (ts, id) = decode_cursor(&encode_cursor(&e)).unwrap();
        assert_eq!((ts, id.as_str()), (e.ts, "m-1"));
        assert!(decode_cursor("nope").is_none());
    }
}
