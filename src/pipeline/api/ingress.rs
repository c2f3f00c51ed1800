//! Ingress over HTTP: `POST /v1/messages` (one envelope, a JSON array or NDJSON) and the
//! WebSocket `/v1/ws` (one envelope a text frame, one ack a frame). Both hand the messages to
//! the pipeline's one accept path.

use axum::body::Bytes;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::auth::bearer;
use super::{ApiError, AppState};
use crate::pipeline::envelope::{self, Incoming, Source};
use crate::pipeline::fanout::Rejection;

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

pub(crate) async fn post_messages(
    State(s): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let batch = parse_batch(&headers, &body).inspect_err(|r| {
        s.pipeline.metrics.rejected(r.reason_label(), 1);
    })?;
    let a = s
        .pipeline
        .accept(batch, Source::Http, bearer(&headers))
        .await?;
    let mut body = serde_json::json!({"accepted": a.ids.len(), "ids": a.ids});
    if !a.duplicates.is_empty() {
        // Stored before (a retry of these ids): nothing new was stored for them.
        body["duplicates"] = a.duplicates.into();
    }
    Ok((StatusCode::ACCEPTED, Json(body)).into_response())
}

/// The acknowledgement of one accepted message (WebSocket, NATS ingress): `duplicate` when
/// JetStream already had its id stored.
pub(crate) fn accepted_frame(a: &crate::pipeline::fanout::Accepted) -> serde_json::Value {
    let mut v = serde_json::json!({"id": a.ids.first(), "status": "accepted"});
    if !a.duplicates.is_empty() {
        v["duplicate"] = true.into();
    }
    v
}

#[derive(serde::Deserialize)]
pub(crate) struct WsQuery {
    token: Option<String>,
}

pub(crate) async fn ws_upgrade(
    State(s): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<WsQuery>,
    ws: WebSocketUpgrade,
) -> Result<Response, ApiError> {
    // Browsers cannot set headers on a WebSocket: `?token=` is accepted as well.
    let token = bearer(&headers).map(str::to_owned).or(q.token);
    if let Some(snap) = s.pipeline.snapshot() {
        s.pipeline.authenticate(&snap, token.as_deref())?;
    }
    Ok(ws.on_upgrade(move |socket| ws_session(s, socket, token)))
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
                        Ok(a) => accepted_frame(&a),
                        Err(r) => {
                            let mut v = r.body();
                            v["id"] = id.into();
                            v["status"] = r.verdict().into();
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

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

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
}
