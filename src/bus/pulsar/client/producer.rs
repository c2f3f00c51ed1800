//! A producer on one topic, and the receipt of each send.

#[cfg(test)]
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

#[cfg(test)]
use bytes::Bytes;
use tokio::sync::oneshot;
use tokio::time::timeout_at;

use super::conn::{lock, lost, producer_closed, Conn};
#[cfg(test)]
use super::MAX_IN_FLIGHT;
use super::{OutgoingMessage, Result};
use crate::bus::pulsar::codec::{encode_frame, kind, msg, proto, MessageId};
use crate::bus::pulsar::compression::Compression;
use crate::bus::pulsar::{now_ms, PulsarError};

/// Publishes to one topic. Sends from one task keep their order.
#[derive(Debug)]
pub(crate) struct Producer {
    /// The connection.
    pub(super) conn: Arc<Conn>,
    /// `producer_id`.
    pub(super) id: u64,
    /// The broker-assigned producer name, put in every message's metadata.
    pub(super) name: String,
    /// Next `sequence_id`.
    pub(super) next_seq: AtomicU64,
    /// The codec every payload is compressed with.
    pub(super) compression: Compression,
    /// Set once CLOSE_PRODUCER was sent.
    pub(super) closed: bool,
}

/// A send in flight; [`Receipt::wait`] gives its message id.
#[derive(Debug)]
pub(crate) struct Receipt {
    /// Completed by the reader task.
    rx: oneshot::Receiver<Result<MessageId>>,
    /// The connection, to forget the waiter on timeout.
    conn: Arc<Conn>,
    /// (`producer_id`, `sequence_id`).
    key: (u64, u64),
    /// The partition sent to, put into the id.
    pub(in crate::bus::pulsar) partition: Option<u32>,
}

impl Receipt {
    /// Waits for the broker's receipt, at most the client's timeout from this call.
    /// SEND_ERROR is [`PulsarError::Broker`] with step "send".
    pub(crate) async fn wait(self) -> Result<MessageId> {
        let partition = self.partition;
        match timeout_at(self.conn.deadline(), self.rx).await {
            Ok(Ok(result)) => result.map(|id| MessageId {
                partition: partition.or(id.partition),
                ..id
            }),
            Ok(Err(_)) => Err(self.conn.lost()),
            Err(_) => {
                lock(&self.conn.tables).receipts.remove(&self.key);
                Err(PulsarError::Timeout("send receipt"))
            }
        }
    }
}

impl Producer {
    #[cfg(test)]
    /// The broker-assigned producer name.
    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    #[cfg(test)]
    /// Sends one message and waits for its receipt; `event_time` in ms since the epoch.
    pub(crate) async fn send(
        &self,
        payload: Bytes,
        properties: Vec<(String, String)>,
        event_time: Option<u64>,
    ) -> Result<MessageId> {
        let message = OutgoingMessage {
            payload,
            properties,
            event_time,
            key: None,
        };
        self.send_nowait(message).await?.wait().await
    }

    /// Compresses every later payload with `compression` (the official clients read each
    /// codec; so does [`Consumer`]).
    pub(crate) fn set_compression(&mut self, compression: Compression) {
        self.compression = compression;
    }

    /// Queues one message (publish time = now) and returns without waiting for the broker;
    /// waits only for room in the connection's write queue, at most the client's timeout.
    pub(crate) async fn send_nowait(&self, message: OutgoingMessage) -> Result<Receipt> {
        let seq = self.next_seq.fetch_add(1, Ordering::Relaxed);
        let mut meta = msg().str(1, &self.name).int(2, seq).int(3, now_ms());
        let compressed;
        let mut payload = &message.payload[..];
        if self.compression != Compression::None {
            compressed = self.compression.compress(payload).map_err(|why| {
                proto(format!(
                    "compressing a message with {}: {why}",
                    self.compression
                ))
            })?;
            meta = meta.int(8, self.compression.code());
            meta = meta.int(9, payload.len() as u64);
            payload = &compressed;
        }
        for (key, value) in &message.properties {
            meta = meta.key_value(4, key, value);
        }
        if let Some(key) = &message.key {
            meta = meta.str(6, key);
        }
        if let Some(time) = message.event_time {
            meta = meta.int(12, time);
        }
        let cmd = msg().int(1, self.id).int(2, seq);
        let frame = encode_frame(kind::SEND, &cmd, Some((&meta, payload)))?;
        let key = (self.id, seq);
        let (tx, rx) = oneshot::channel();
        {
            let mut t = lock(&self.conn.tables);
            if let Some(reason) = &t.dead {
                return Err(lost(reason, t.silent));
            }
            if t.closed_producers.contains(&self.id) {
                return Err(producer_closed(self.id));
            }
            t.receipts.insert(key, tx);
        }
        let deadline = self.conn.deadline();
        if let Err(e) = self.conn.write("send", frame, deadline).await {
            lock(&self.conn.tables).receipts.remove(&key);
            return Err(e);
        }
        let conn = Arc::clone(&self.conn);
        Ok(Receipt {
            rx,
            conn,
            key,
            partition: None,
        })
    }

    #[cfg(test)]
    /// Sends every message, keeping up to [`MAX_IN_FLIGHT`] unconfirmed, and returns their
    /// ids in order. Stops at the first failure (earlier messages stay published).
    pub(crate) async fn send_batch<I>(&self, messages: I) -> Result<Vec<MessageId>>
    where
        I: IntoIterator<Item = OutgoingMessage>,
    {
        let (mut ids, mut in_flight) = (Vec::new(), VecDeque::<Receipt>::new());
        for message in messages {
            if in_flight.len() >= MAX_IN_FLIGHT {
                if let Some(receipt) = in_flight.pop_front() {
                    ids.push(receipt.wait().await?);
                }
            }
            in_flight.push_back(self.send_nowait(message).await?);
        }
        for receipt in in_flight {
            ids.push(receipt.wait().await?);
        }
        Ok(ids)
    }

    /// Closes the producer (CLOSE_PRODUCER, waiting for SUCCESS).
    pub(crate) async fn close(mut self) -> Result<()> {
        self.closed = true;
        let id = self.id;
        let build = |rid| msg().int(1, id).int(2, rid);
        let deadline = self.conn.deadline();
        let step = "close producer";
        self.conn
            .request(step, kind::CLOSE_PRODUCER, deadline, build)
            .await?;
        Ok(())
    }
}

impl Drop for Producer {
    fn drop(&mut self) {
        lock(&self.conn.tables).closed_producers.remove(&self.id);
        if !self.closed {
            let rid = self.conn.next_id();
            self.conn
                .write_now(kind::CLOSE_PRODUCER, &msg().int(1, self.id).int(2, rid));
        }
    }
}
