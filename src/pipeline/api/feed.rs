//! The live feed: the WebSocket `/v1/feed?subject=` pushes each newly logged envelope (the
//! loggers announce them on NATS, [`relay`] brings them into this process), and `GET /` is a
//! small page that shows it. A client that falls behind is closed with the reason.

use std::sync::Arc;

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::response::{Html, Response};
use futures::StreamExt as _;
use serde::Deserialize;
use tokio::sync::broadcast;

use super::auth::AdminOrQuery;
use super::{ApiError, AppState};
use crate::bus::subject;
use crate::pipeline::envelope::Envelope;
use crate::pipeline::logger::COMMITTED;

/// The page at `/`.
const PAGE: &str = include_str!("../../../assets/feed.html");

pub(crate) async fn page() -> Html<&'static str> {
    Html(PAGE)
}

#[derive(Deserialize)]
pub(crate) struct FeedQuery {
    subject: Option<String>,
}

pub(crate) async fn feed(
    _: AdminOrQuery,
    State(s): State<AppState>,
    Query(q): Query<FeedQuery>,
    ws: WebSocketUpgrade,
) -> Result<Response, ApiError> {
    let pattern = q.subject.unwrap_or_else(|| ">".to_owned());
    subject::pattern(&pattern).map_err(|e| ApiError::invalid("subject", e.to_string()))?;
    let rx = s.feed.subscribe();
    let metrics = s.pipeline.metrics.clone();
    Ok(ws.on_upgrade(move |socket| feed_session(socket, rx, pattern, metrics)))
}

async fn feed_session(
    mut socket: WebSocket,
    mut rx: broadcast::Receiver<Arc<Envelope>>,
    pattern: String,
    metrics: Arc<crate::pipeline::metrics::Metrics>,
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
                            metrics.feed_client_dropped();
                            close(&mut socket, "too slow: a frame waited over 1 s").await;
                            return;
                        }
                    }
                }
                Err(broadcast::error::RecvError::Lagged(n)) => {
                    metrics.feed_client_dropped();
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
pub(crate) async fn relay(
    nats: async_nats::Client,
    tx: broadcast::Sender<Arc<Envelope>>,
    beat: crate::pipeline::supervisor::Beat,
) -> Result<(), crate::pipeline::supervisor::TaskError> {
    let mut sub = nats
        .subscribe(COMMITTED)
        .await
        .map_err(crate::pipeline::supervisor::doing(format!(
            "cannot subscribe to {COMMITTED}"
        )))?;
    // Up (and so /readyz) once the server has the interest, not merely once it was sent.
    nats.flush()
        .await
        .map_err(crate::pipeline::supervisor::doing(format!(
            "cannot subscribe to {COMMITTED}"
        )))?;
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
    Err(format!("the subscription to {COMMITTED} ended").into())
}
