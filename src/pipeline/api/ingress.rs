//! Ingress over HTTP: `POST /v1/messages` (one envelope, a JSON array or NDJSON) and the
//! WebSocket `/v1/ws` (one envelope a text frame, one ack a frame). Both hand the messages to
//! the pipeline's one accept path.

use axum::body::Body;
use axum::extract::ws::{close_code, CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::auth::bearer;
use super::{origin, ApiError, AppState, MAX_BODY};
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
                        reason: envelope::json_reason(&e),
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

/// Refuses what may not reach the body: a bearer token that is not valid when identities are
/// configured (401 before a byte of the body is read), a browser's cross-origin or non-JSON
/// request when none are, and every request before the configuration is loaded.
fn admit(s: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(snap) = s.pipeline.snapshot() else {
        return Err(Rejection::Unavailable {
            reason: "the pipeline has not loaded its configuration yet (is the log store up?)"
                .to_owned(),
            kind: "unavailable",
        }
        .into());
    };
    if snap.identities.is_empty() {
        origin::same_origin(headers)?;
        origin::json_body(headers)?;
    } else {
        s.pipeline
            .authenticate(&snap, bearer(headers))
            .inspect_err(|r| s.pipeline.metrics.rejected(r.reason_label(), 1))?;
    }
    Ok(())
}

pub(crate) async fn post_messages(
    State(s): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    admit(&s, &headers)?;
    // The body's bytes count against the budget until the batch is answered.
    let (body, _held) = s
        .budget
        .read(&headers, body, MAX_BODY, s.body_timeout)
        .await?;
    let batch = parse_batch(&headers, &body).inspect_err(|r| {
        s.pipeline.metrics.rejected(r.reason_label(), 1);
    })?;
    drop(body);
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
    match s.pipeline.snapshot() {
        Some(snap) if !snap.identities.is_empty() => {
            s.pipeline.authenticate(&snap, token.as_deref())?;
        }
        // Open ingress (or not known yet to be closed): only the pipeline's own pages.
        _ => origin::same_origin(&headers)?,
    }
    Ok(ws
        .max_message_size(WS_MAX_MESSAGE)
        .max_frame_size(WS_MAX_MESSAGE)
        .on_upgrade(move |socket| ws_session(s, socket, token)))
}

/// The largest WebSocket message (one envelope) or frame; a larger one is answered with a close
/// frame, code 1009 (message too big), naming the limit.
pub(crate) const WS_MAX_MESSAGE: usize = 8 << 20;

/// The close frame for a message over the limit, or `None` for any other error.
fn too_big(e: axum::Error) -> Option<CloseFrame> {
    use tokio_tungstenite::tungstenite::error::{CapacityError, Error};
    let inner = e.into_inner();
    let size = match inner.downcast_ref::<Error>()? {
        Error::Capacity(CapacityError::MessageTooLong { size, .. }) => Some(*size),
        Error::Capacity(_) => None,
        _ => return None,
    };
    let reason = match size {
        Some(n) => format!(
            "message of {n} bytes is over the {} MiB limit",
            WS_MAX_MESSAGE >> 20
        ),
        None => format!("message is over the {} MiB limit", WS_MAX_MESSAGE >> 20),
    };
    Some(CloseFrame {
        code: close_code::SIZE,
        reason: reason.into(),
    })
}

async fn ws_session(s: AppState, mut socket: WebSocket, token: Option<String>) {
    while let Some(msg) = socket.recv().await {
        let msg = match msg {
            Ok(msg) => msg,
            Err(e) => {
                // The rest of an oversized frame is still on the wire: nothing more is read.
                if let Some(frame) = too_big(e) {
                    let _ = socket.send(Message::Close(Some(frame))).await;
                }
                break;
            }
        };
        let reply = match msg {
            Message::Text(text) => {
                // The message is in memory already; it counts against the budget while it is
                // handled, and is refused (503, retry) when the budget is spent.
                let mut held = s.budget.hold();
                if let Err(busy) = s.budget.charge(&mut held, 0, text.len()) {
                    let mut v = busy_frame(busy);
                    if let Ok(m) = envelope::parse_incoming(text.as_bytes()) {
                        v["id"] = m.id.into();
                    }
                    v
                } else {
                    ws_accept(&s, &text, token.as_deref()).await
                }
            }
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

/// The answer to one text frame: its envelope through the accept path.
async fn ws_accept(s: &AppState, text: &str, token: Option<&str>) -> serde_json::Value {
    match envelope::parse_incoming(text.as_bytes()) {
        Ok(m) => {
            let id = m.id.clone();
            match s.pipeline.accept(vec![m], Source::Ws, token).await {
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
    }
}

/// The answer to a frame the body budget cannot take: refused, retry.
fn busy_frame(e: ApiError) -> serde_json::Value {
    let ApiError::Refused {
        reason, message, ..
    } = e
    else {
        return serde_json::json!({"status": "refused", "code": 503});
    };
    serde_json::json!({"status": "refused", "code": 503, "reason": reason, "error": message, "retry_after": 1})
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
