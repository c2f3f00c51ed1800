//! A server round trip on the pipeline's NATS connection: proof that NATS has processed every
//! message published on it before the call.
//!
//! async-nats's `flush` only says the bytes reached the socket; a connection that the server then
//! closes (or that breaks) loses what was in flight, and a 2xx would have been a lie. NATS
//! handles one connection's messages in order, so a marker published after them and received
//! back on the same connection proves they were processed. Concurrent callers share markers: one
//! is in flight at a time, and every caller that arrived while it was travelling waits for the
//! next. A reconnect between a caller's publish and the marker (the connection's `connects`
//! counter moved) is a failure: what was in the old connection's buffer may be gone.

use std::sync::atomic::Ordering;
use std::time::Duration;

use futures::StreamExt as _;
use tokio::sync::{mpsc, oneshot};

/// How long a marker may take to come back.
const TIMEOUT: Duration = Duration::from_secs(2);

type Waiter = (u64, oneshot::Sender<Result<(), String>>);

/// The barrier of one connection.
#[derive(Clone)]
pub(crate) struct Barrier {
    client: async_nats::Client,
    tx: mpsc::UnboundedSender<Waiter>,
}

impl Barrier {
    /// Starts the barrier's task on `client` (it subscribes to an inbox of its own).
    pub(crate) fn start(client: async_nats::Client) -> Barrier {
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(run(client.clone(), rx));
        Barrier { client, tx }
    }

    /// The connection's generation: take it before publishing, hand it to [`Barrier::wait`].
    pub(crate) fn generation(&self) -> u64 {
        self.client.statistics().connects.load(Ordering::Relaxed)
    }

    /// Returns once NATS has processed everything this connection published before the call,
    /// on the connection of `generation`.
    pub(crate) async fn wait(&self, generation: u64) -> Result<(), String> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send((generation, reply))
            .map_err(|_| "the NATS barrier stopped".to_owned())?;
        rx.await
            .map_err(|_| "the NATS barrier stopped".to_owned())?
    }
}

async fn run(client: async_nats::Client, mut rx: mpsc::UnboundedReceiver<Waiter>) {
    let subject = format!("_INBOX.arc-barrier.{}", uuid::Uuid::now_v7().simple());
    let mut sub: Option<async_nats::Subscriber> = None;
    let mut seq: u64 = 0;
    while let Some(first) = rx.recv().await {
        let mut waiters = vec![first];
        while let Ok(w) = rx.try_recv() {
            waiters.push(w);
        }
        seq += 1;
        let marker = seq.to_string();
        let outcome = async {
            if sub.is_none() {
                sub = Some(
                    client
                        .subscribe(subject.clone())
                        .await
                        .map_err(|e| format!("NATS barrier: cannot subscribe: {e}"))?,
                );
            }
            let s = sub.as_mut().ok_or("no subscription")?;
            client
                .publish(subject.clone(), marker.clone().into())
                .await
                .map_err(|e| format!("NATS publish failed: {e}"))?;
            let echo = async {
                while let Some(m) = s.next().await {
                    if m.payload == marker.as_bytes() {
                        return Ok(());
                    }
                }
                Err("the barrier's subscription ended".to_owned())
            };
            let r = tokio::time::timeout(TIMEOUT, echo)
                .await
                .map_err(|_| format!("NATS did not confirm the messages within {TIMEOUT:?}"))?;
            if r.is_err() {
                sub = None;
            }
            r
        }
        .await;
        let now = client.statistics().connects.load(Ordering::Relaxed);
        for (generation, reply) in waiters {
            let answer = match &outcome {
                Ok(()) if generation == now => Ok(()),
                Ok(()) => Err(
                    "the NATS connection was re-established after the publish; the message may be lost"
                        .to_owned(),
                ),
                Err(e) => Err(e.clone()),
            };
            let _ = reply.send(answer);
        }
    }
}
