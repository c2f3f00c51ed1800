//! A consumer of one subscription: permits, batch acks, duplicates dropped on ordered
//! subscriptions, seeks, and re-subscribing when the broker closed it.

use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::{timeout_at, Instant as Deadline};

use super::conn::{lock, Conn, Event};
use super::{InitialPosition, Result, SubType, PERMITS};
use crate::bus::pulsar::codec::{self, encode_frame, kind, msg, proto, Frame, Message, MessageId};
use crate::bus::pulsar::{server_error_name, PulsarError, MAX_TIMEOUT};

/// Receives from one subscription.
pub(crate) struct Consumer {
    /// The connection.
    pub(super) conn: Arc<Conn>,
    /// `consumer_id`.
    pub(super) id: u64,
    /// Full topic name.
    pub(super) topic: String,
    /// Subscription name.
    pub(super) subscription: String,
    /// Subscription type.
    pub(super) sub_type: SubType,
    /// Initial position, for (re)subscribing.
    pub(super) initial: InitialPosition,
    /// Deliveries from the reader task.
    pub(super) rx: mpsc::UnboundedReceiver<Event>,
    /// Decoded messages not yet handed out, and the ids of those that could not be decoded
    /// (with why), in delivery order.
    pub(super) ready: VecDeque<Result<Message, (MessageId, String)>>,
    /// Messages taken off the broker's permits and not yet granted back.
    pub(super) unflowed: u32,
    /// Batch indexes not yet acked, by (ledger, entry); the entry is acked when empty.
    pub(super) batches: HashMap<(u64, u64), HashSet<u32>>,
    /// Newest id received on an Exclusive or Failover subscription, whose deliveries come
    /// in order: anything not newer is a duplicate (pulsar-lite sends some, see `accept`).
    pub(super) newest: Option<MessageId>,
    /// Id of the message [`Consumer::next`] returned last, for [`Consumer::reached`].
    pub(super) returned: Option<MessageId>,
    /// Set once CLOSE_CONSUMER or UNSUBSCRIBE was sent.
    pub(super) closed: bool,
}

impl Consumer {
    /// The next message, or `None` if none arrives within `timeout` (for a caller reading
    /// a backlog: the end of what exists). A message that cannot be decoded is
    /// [`PulsarError::Unreadable`]; the consumer stays usable (ack its id and call again). Grants the broker more permits once half of
    /// [`PERMITS`] are used. If the broker closed the consumer (as Pulsar does after a
    /// seek, or on a topic unload), re-subscribes, bounded by the client's timeout rather
    /// than `timeout`, and drops undelivered messages the broker will send again.
    pub(crate) async fn next(&mut self, timeout: Duration) -> Result<Option<Message>> {
        let deadline = Deadline::now() + timeout.min(MAX_TIMEOUT);
        loop {
            // Permits first, so that nothing is taken off `ready` before an await: dropping
            // this future (one of several raced, as for the partitions of a topic) between
            // awaits loses no message.
            if self.unflowed >= PERMITS / 2 && !self.closed {
                self.flow(self.conn.deadline()).await?;
            }
            let next = self.ready.pop_front();
            self.unflowed += u32::from(next.is_some());
            match next {
                Some(Ok(message)) => {
                    self.returned = Some(message.id);
                    return Ok(Some(message));
                }
                Some(Err((id, reason))) => {
                    self.returned = Some(id);
                    return Err(PulsarError::Unreadable { id, reason });
                }
                None => {}
            }
            if self.closed {
                return Err(PulsarError::Closed("consumer is closed".into()));
            }
            match timeout_at(deadline, self.rx.recv()).await {
                Err(_) => return Ok(None),
                Ok(None) => return Err(self.conn.lost()),
                Ok(Some(Event::Message(frame))) => self.accept(&frame)?,
                Ok(Some(Event::Closed)) => self.subscribe_again(self.conn.deadline()).await?,
                Ok(Some(Event::ActiveChange)) => self.newest = None,
            }
        }
    }

    /// Decodes a delivery into `ready`, remembering the indexes of a batch for acks.
    ///
    /// pulsar-lite 0.2 can run two dispatch passes at once when FLOW arrives mid-dispatch,
    /// sending some messages twice with redelivery count 0 (the official C++/Python client
    /// sees the same). On Exclusive and Failover subscriptions, where a consumer's
    /// deliveries are ordered, messages not newer than the newest received are dropped;
    /// Shared and Key_Shared consumers may see such duplicates (at-least-once delivery).
    fn accept(&mut self, frame: &Frame) -> Result<()> {
        let ordered = matches!(self.sub_type, SubType::Exclusive | SubType::Failover);
        let messages = match codec::decode_message(&self.topic, frame) {
            Ok(messages) => messages,
            Err(PulsarError::Unreadable { id, reason }) => {
                if ordered && self.newest.is_some_and(|newest| id <= newest) {
                    self.unflowed += 1;
                } else {
                    if ordered {
                        self.newest = Some(id);
                    }
                    self.ready.push_back(Err((id, reason)));
                }
                return Ok(());
            }
            Err(e) => {
                self.unflowed += 1; // the broker counted it against our permits
                return Err(e);
            }
        };
        for message in messages {
            if ordered && self.newest.is_some_and(|newest| message.id <= newest) {
                self.unflowed += 1;
                continue;
            }
            if ordered {
                self.newest = Some(message.id);
            }
            if let Some(index) = message.id.batch_index {
                let entry = (message.id.ledger_id, message.id.entry_id);
                self.batches.entry(entry).or_default().insert(index);
            }
            self.ready.push_back(Ok(message));
        }
        Ok(())
    }

    /// Grants the broker the permits used since the last grant, and at least one: a FLOW
    /// starts a dispatch pass, which is how a consumer that has waited long for messages it
    /// knows exist asks again. pulsar-lite 0.2 can pause a consumer's dispatch under load and
    /// not resume it by itself; a surplus permit costs nothing on any broker.
    pub(crate) async fn nudge(&mut self) -> Result<()> {
        if self.closed {
            return Ok(());
        }
        self.unflowed = self.unflowed.max(1);
        self.flow(self.conn.deadline()).await
    }

    /// The id of the message [`Consumer::next`] returned last, if any.
    pub(crate) fn returned(&self) -> Option<MessageId> {
        self.returned
    }

    /// Grants the broker back the permits used since the last grant.
    async fn flow(&mut self, deadline: Deadline) -> Result<()> {
        if self.unflowed > 0 {
            let frame = encode_frame(
                kind::FLOW,
                &msg().int(1, self.id).int(2, self.unflowed.into()),
                None,
            )?;
            self.conn.write("flow", frame, deadline).await?;
            self.unflowed = 0;
        }
        Ok(())
    }

    /// Sends SUBSCRIBE with this consumer's id, then FLOW with a full [`PERMITS`]; drops
    /// what was buffered for the previous incarnation.
    pub(super) async fn subscribe_again(&mut self, deadline: Deadline) -> Result<()> {
        self.ready.clear();
        self.batches.clear();
        self.newest = None;
        self.returned = None;
        let sub_type = match self.sub_type {
            SubType::Exclusive => 0,
            SubType::Shared => 1,
            SubType::Failover => 2,
            SubType::KeyShared => 3,
        };
        let initial = u64::from(self.initial == InitialPosition::Earliest);
        let (id, topic, subscription) = (self.id, &self.topic, &self.subscription);
        let build = |rid| {
            let cmd = msg().str(1, topic).str(2, subscription).int(3, sub_type);
            cmd.int(4, id).int(5, rid).int(13, initial)
        };
        let result = self
            .conn
            .request("subscribe", kind::SUBSCRIBE, deadline, build)
            .await;
        if let Err(e) = result {
            self.closed = true;
            lock(&self.conn.tables).consumers.remove(&self.id);
            return Err(e);
        }
        self.unflowed = PERMITS;
        self.flow(deadline).await
    }

    /// Acknowledges one message (individual ack). A message from a batch is acked once
    /// every message of its batch was: the broker acks whole entries.
    pub(crate) async fn ack(&mut self, id: &MessageId) -> Result<()> {
        let entry = (id.ledger_id, id.entry_id);
        if let (Some(index), Some(pending)) = (id.batch_index, self.batches.get_mut(&entry)) {
            pending.remove(&index);
            if !pending.is_empty() {
                return Ok(());
            }
            self.batches.remove(&entry);
        }
        let whole = MessageId {
            batch_index: None,
            ..*id
        };
        let cmd = msg().int(1, self.id).int(2, 0);
        let cmd = cmd.bytes(3, &codec::encode_id(&whole).0);
        let frame = encode_frame(kind::ACK, &cmd, None)?;
        self.conn.write("ack", frame, self.conn.deadline()).await
    }

    /// Moves the subscription to the first message published at or after
    /// `publish_time_ms` (CommandSeek with `message_publish_time`), waiting for SUCCESS.
    /// Messages buffered or in flight from before the seek are dropped; if the broker
    /// closed the consumer around the seek (Apache Pulsar does), it is re-subscribed.
    /// An ERROR answer, or the broker closing the connection instead of answering (what
    /// pulsar-lite does when no message is at or after the time), is
    /// [`PulsarError::Unsupported`] so callers can fall back to reading from the earliest
    /// message and skipping older ones (after a close: on a new client).
    pub(crate) async fn seek_by_time(&mut self, publish_time_ms: u64) -> Result<()> {
        if lock(&self.conn.tables).dead.is_some() {
            return Err(self.conn.lost()); // not the seek's doing
        }
        let deadline = self.conn.deadline();
        let id = self.id;
        let build = |rid| msg().int(1, id).int(2, rid).int(4, publish_time_ms);
        match self.conn.request("seek", kind::SEEK, deadline, build).await {
            Ok(_) => {}
            Err(PulsarError::Broker { code, message, .. }) => {
                let reason = format!("{message} ({})", server_error_name(code));
                return Err(PulsarError::Unsupported {
                    operation: "seek",
                    reason,
                });
            }
            // pulsar-lite closes the connection instead (e.g. when no message is at or
            // after the time); the connection is gone, so falling back needs a new client.
            Err(PulsarError::Io(e)) => {
                let reason = format!("{e} in answer to seek; reconnect to fall back");
                return Err(PulsarError::Unsupported {
                    operation: "seek",
                    reason,
                });
            }
            Err(e) => return Err(e),
        }
        // Everything routed before SUCCESS predates the seek.
        let mut closed = false;
        let stale = self.ready.len();
        self.ready.clear();
        self.batches.clear();
        self.newest = None;
        self.returned = None;
        self.unflowed = self
            .unflowed
            .saturating_add(u32::try_from(stale).unwrap_or(u32::MAX));
        while let Ok(event) = self.rx.try_recv() {
            match event {
                Event::Message(frame) => {
                    let count = codec::decode_message(&self.topic, &frame).map_or(1, |m| m.len());
                    let count = u32::try_from(count).unwrap_or(u32::MAX);
                    self.unflowed = self.unflowed.saturating_add(count);
                }
                Event::Closed => closed = true,
                Event::ActiveChange => {}
            }
        }
        if closed {
            self.subscribe_again(deadline).await
        } else {
            // pulsar-lite restarts delivery after a seek as if the consumer were new: with no
            // permits. Grant a full window (a broker that kept its permits just holds more).
            self.unflowed = PERMITS;
            self.flow(deadline).await
        }
    }

    /// The id of the last message now on the topic (CommandGetLastMessageId), or `None`
    /// when the topic has none: pulsar-lite answers ERROR "Topic has no messages", Apache
    /// Pulsar an entry id of -1. It does not depend on this consumer's position (a seek
    /// does not change it). Reading until [`Consumer::reached`] that id reads all that
    /// existed at the call. Any other ERROR answer, or the broker closing the connection
    /// instead of answering (pulsar-lite does for non-persistent topics), is
    /// [`PulsarError::Unsupported`] (after a close the connection is gone: falling back
    /// needs a new client). Bounded by the client's timeout ([`PulsarError::Timeout`]).
    pub(crate) async fn last_message_id(&mut self) -> Result<Option<MessageId>> {
        const STEP: &str = "get last message id";
        if lock(&self.conn.tables).dead.is_some() {
            return Err(self.conn.lost()); // not this request's doing
        }
        let id = self.id;
        let build = |rid| msg().int(1, id).int(2, rid);
        let deadline = self.conn.deadline();
        let unsupported = |reason| PulsarError::Unsupported {
            operation: STEP,
            reason,
        };
        let frame = match self
            .conn
            .request(STEP, kind::GET_LAST_MESSAGE_ID, deadline, build)
            .await
        {
            Ok(frame) => frame,
            Err(PulsarError::Broker { message, .. })
                if message.to_ascii_lowercase().contains("has no messages") =>
            {
                return Ok(None); // pulsar-lite's answer for an empty topic
            }
            Err(PulsarError::Broker { code, message, .. }) => {
                let reason = format!("{message} ({})", server_error_name(code));
                return Err(unsupported(reason));
            }
            Err(PulsarError::Io(e)) => {
                let reason = format!("{e} in answer to {STEP}; reconnect to fall back");
                return Err(unsupported(reason));
            }
            Err(e) => return Err(e),
        };
        let f = frame.fields()?;
        let last = f
            .bytes(1)
            .ok_or_else(|| proto("GET_LAST_MESSAGE_ID_RESPONSE without last_message_id"))?;
        let last = codec::decode_id(last)?;
        Ok((!last.is_nothing()).then_some(last))
    }

    /// Whether the messages [`Consumer::next`] returned reach `last` (say, from
    /// [`Consumer::last_message_id`]): the latest one is at or after it
    /// ([`MessageId::is_at_or_after`]) and no later message of the same entry is still
    /// buffered, so a batch entry, whose last id need not name a batch index, is read to
    /// its end. False before the first message and after a seek or re-subscription.
    pub(crate) fn reached(&self, last: &MessageId) -> bool {
        let Some(seen) = self.returned else {
            return false;
        };
        let entry = |id: &MessageId| (id.ledger_id, id.entry_id);
        let rest_of_entry = self.ready.front().is_some_and(|m| {
            let id = m.as_ref().map_or_else(|(id, _)| id, |m| &m.id);
            entry(id) == entry(&seen)
        });
        seen.is_at_or_after(last) && !rest_of_entry
    }

    /// Closes the consumer (CLOSE_CONSUMER, waiting for SUCCESS); the subscription stays.
    pub(crate) async fn close(mut self) -> Result<()> {
        self.end(kind::CLOSE_CONSUMER, "close consumer").await
    }

    /// Removes the subscription (UNSUBSCRIBE, waiting for SUCCESS), closing the consumer.
    pub(crate) async fn unsubscribe(mut self) -> Result<()> {
        self.end(kind::UNSUBSCRIBE, "unsubscribe").await
    }

    /// Sends CLOSE_CONSUMER or UNSUBSCRIBE and waits for SUCCESS.
    async fn end(&mut self, kind: u32, step: &'static str) -> Result<()> {
        self.closed = true;
        let id = self.id;
        let build = |rid| msg().int(1, id).int(2, rid);
        let result = self
            .conn
            .request(step, kind, self.conn.deadline(), build)
            .await;
        lock(&self.conn.tables).consumers.remove(&id);
        result.map(drop)
    }
}

impl fmt::Debug for Consumer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Consumer")
            .field("id", &self.id)
            .field("topic", &self.topic)
            .field("subscription", &self.subscription)
            .field("sub_type", &self.sub_type)
            .field("buffered", &self.ready.len())
            .finish_non_exhaustive()
    }
}

impl Drop for Consumer {
    fn drop(&mut self) {
        lock(&self.conn.tables).consumers.remove(&self.id);
        if !self.closed {
            let rid = self.conn.next_id();
            self.conn
                .write_now(kind::CLOSE_CONSUMER, &msg().int(1, self.id).int(2, rid));
        }
    }
}
