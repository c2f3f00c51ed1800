//! A topic by its own name, partitioned or not: [`TopicProducer`] routes each message to a
//! partition (by key, else round robin), [`TopicConsumer`] consumes every partition, either as
//! messages arrive or merged in publish-time order up to the last message each partition had
//! when the merge began (a replay).
//!
//! Owns the choice of partition and the merge; the protocol itself stays in [`super::client`].
//! A topic that is not partitioned is the one-partition case of the same code.

use std::time::Duration;

use futures::future::select_all;

use super::client::SubType;
use super::client::{Client, Consumer, InitialPosition, OutgoingMessage, Producer, Receipt};
use super::codec::{Message, MessageId};
use super::compression::Compression;
use super::{PulsarError, Topic};

/// Result type of this module.
type Result<T, E = PulsarError> = std::result::Result<T, E>;

/// The partition a key goes to among `n`, as the Java client's default router
/// (`JavaStringHash`: `String.hashCode()` of the key, sign bit cleared, modulo `n`), so that
/// arc and Java producers put one key on the same partition.
pub(crate) fn partition_of_key(key: &str, n: u32) -> u32 {
    let hash = key
        .encode_utf16()
        .fold(0i32, |h, c| h.wrapping_mul(31).wrapping_add(i32::from(c)));
    (u32::from_ne_bytes(hash.to_ne_bytes()) & 0x7fff_ffff) % n.max(1)
}

/// Producers on a topic: one, or one per partition.
#[derive(Debug)]
pub(crate) struct TopicProducer {
    /// Producers by partition index (one, with no index, for a topic that is not partitioned).
    producers: Vec<(Option<u32>, Producer)>,
    /// Messages sent without a key, for round robin.
    sent: u64,
}

impl TopicProducer {
    /// Creates a producer on each of the `partitions` of `topic` (0: not partitioned),
    /// partition `i` on `clients[i % clients.len()]`.
    pub(crate) async fn create(clients: &[Client], partitions: u32, topic: &Topic) -> Result<Self> {
        let mut producers = Vec::new();
        if partitions == 0 {
            producers.push((None, pick(clients, 0)?.create_producer(topic).await?));
        }
        for i in 0..partitions {
            let producer = pick(clients, i)?
                .create_producer(&topic.partition(i))
                .await?;
            producers.push((Some(i), producer));
        }
        Ok(Self { producers, sent: 0 })
    }

    /// The number of partitions (0: not partitioned).
    pub(crate) fn partitions(&self) -> u32 {
        match self.producers[..] {
            [(None, _)] => 0,
            _ => u32::try_from(self.producers.len()).unwrap_or(u32::MAX),
        }
    }

    /// Compresses every later payload with `compression`.
    pub(crate) fn set_compression(&mut self, compression: Compression) {
        for (_, p) in &mut self.producers {
            p.set_compression(compression);
        }
    }

    /// Queues `message` on its partition: the key's ([`partition_of_key`]), else the next in
    /// turn. The receipt's id names the partition.
    pub(crate) async fn send_nowait(&mut self, message: OutgoingMessage) -> Result<Receipt> {
        let n = u32::try_from(self.producers.len()).unwrap_or(u32::MAX);
        let index = match &message.key {
            Some(key) => partition_of_key(key, n),
            None => {
                let i = self.sent % u64::from(n);
                self.sent += 1;
                u32::try_from(i).unwrap_or(0)
            }
        };
        let (partition, producer) = &self.producers[index as usize];
        let mut receipt = producer.send_nowait(message).await?;
        receipt.partition = *partition;
        Ok(receipt)
    }

    /// Closes every producer.
    pub(crate) async fn close(self) -> Result<()> {
        for (_, p) in self.producers {
            p.close().await?;
        }
        Ok(())
    }
}

/// One partition's consumer and, in a merge, its next message and its end.
#[derive(Debug)]
struct Part {
    /// Partition index; `None` for a topic that is not partitioned.
    partition: Option<u32>,
    /// The consumer on it.
    consumer: Consumer,
    /// The next message, taken from the consumer but not handed out yet (merge only).
    head: Option<Message>,
    /// The last message id the partition had when the merge began.
    end: Option<MessageId>,
    /// Whether `head` is the partition's last message before its end.
    last_head: bool,
    /// Whether every message up to `end` was handed out.
    done: bool,
}

/// Consumers on every partition of a topic, with one subscription name.
#[derive(Debug)]
pub(crate) struct TopicConsumer {
    /// One part per partition.
    parts: Vec<Part>,
    /// Whether [`TopicConsumer::set_ends`] put it in publish-time order.
    merge: bool,
}

impl TopicConsumer {
    /// Subscribes to each of the `partitions` of `topic` (0: not partitioned; see
    /// [`Client::partitions`]) as `subscription` (see [`Client::subscribe`]), partition `i`
    /// on `clients[i % clients.len()]`.
    ///
    /// One connection per partition is what works on pulsar-lite 0.2: when its write buffer
    /// to a connection passes the high-water mark, it pauses dispatch and may never resume it
    /// for some of the consumers that share that connection (seen in tests/pulsar.rs with a
    /// few MB of backlog over three partitions).
    pub(crate) async fn subscribe(
        clients: &[Client],
        partitions: u32,
        topic: &Topic,
        subscription: &str,
        sub_type: SubType,
        initial: InitialPosition,
    ) -> Result<Self> {
        let n = partitions;
        let client = |i: u32| pick(clients, i);
        let mut parts = Vec::new();
        let mut add = |partition, consumer| {
            parts.push(Part {
                partition,
                consumer,
                head: None,
                end: None,
                last_head: false,
                done: false,
            });
        };
        if n == 0 {
            add(
                None,
                client(0)?
                    .subscribe(topic, subscription, sub_type, initial)
                    .await?,
            );
        }
        for i in 0..n {
            let consumer = client(i)?
                .subscribe(&topic.partition(i), subscription, sub_type, initial)
                .await?;
            add(Some(i), consumer);
        }
        Ok(Self {
            parts,
            merge: false,
        })
    }

    /// The number of partitions (0: not partitioned).
    pub(crate) fn partitions(&self) -> u32 {
        match self.parts[..] {
            [Part {
                partition: None, ..
            }] => 0,
            _ => u32::try_from(self.parts.len()).unwrap_or(u32::MAX),
        }
    }

    /// Seeks every partition to `publish_time_ms` (see [`Consumer::seek_by_time`]).
    pub(crate) async fn seek_by_time(&mut self, publish_time_ms: u64) -> Result<()> {
        for part in &mut self.parts {
            part.consumer.seek_by_time(publish_time_ms).await?;
        }
        Ok(())
    }

    /// From now on, [`TopicConsumer::next`] hands messages out in publish-time order (ties:
    /// by partition, then id) and ends ([`TopicConsumer::finished`]) once every partition
    /// reached the last message it has now. False when every partition is empty.
    pub(crate) async fn set_ends(&mut self) -> Result<bool> {
        for part in &mut self.parts {
            part.end = part.consumer.last_message_id().await?;
            part.done = part.end.is_none();
            tracing::debug!(partition = ?part.partition, end = ?part.end, "merge ends");
        }
        self.merge = true;
        Ok(self.parts.iter().any(|p| !p.done))
    }

    /// Whether a merge handed out every message up to its ends.
    pub(crate) fn finished(&self) -> bool {
        self.merge && self.parts.iter().all(|p| p.done)
    }

    /// Asks the broker again for the messages of every partition a merge still waits on
    /// (see [`Consumer::nudge`]).
    pub(crate) async fn nudge(&mut self) -> Result<()> {
        for part in self
            .parts
            .iter_mut()
            .filter(|p| !p.done && p.head.is_none())
        {
            part.consumer.nudge().await?;
        }
        Ok(())
    }

    /// In a merge, the partitions that have not reached their end, each as `partition N
    /// (at ID, last ID)` (`topic` when not partitioned), for saying where a replay stopped.
    pub(crate) fn short_of_end(&self) -> Vec<String> {
        self.parts
            .iter()
            .filter(|p| self.merge && !p.done)
            .map(|p| {
                let name = p
                    .partition
                    .map_or_else(|| "the topic".to_owned(), |i| format!("partition {i}"));
                let at = p
                    .consumer
                    .returned()
                    .map_or_else(|| "nothing read".to_owned(), |id| format!("at {id}"));
                let end = p.end.map_or_else(String::new, |id| format!(", last {id}"));
                format!("{name} ({at}{end})")
            })
            .collect()
    }

    /// The next message, or `None` when none came within `timeout` (in a merge: when a
    /// partition that has not reached its end had none, or the merge is finished). Ids name
    /// their partition. As [`Consumer::next`], a message that cannot be decoded is
    /// [`PulsarError::Unreadable`]: ack it and call again.
    pub(crate) async fn next(&mut self, timeout: Duration) -> Result<Option<Message>> {
        if self.merge {
            return self.next_merged(timeout).await;
        }
        let (partition, next) = if let [part] = &mut self.parts[..] {
            (part.partition, part.consumer.next(timeout).await)
        } else {
            // `Consumer::next` loses nothing when dropped: the others wait for next time.
            let racing = self.parts.iter_mut().map(|part| {
                let partition = part.partition;
                Box::pin(async move { (partition, part.consumer.next(timeout).await) })
            });
            select_all(racing).await.0
        };
        named(partition, next)
    }

    /// [`TopicConsumer::next`] in a merge.
    async fn next_merged(&mut self, timeout: Duration) -> Result<Option<Message>> {
        for part in self
            .parts
            .iter_mut()
            .filter(|p| !p.done && p.head.is_none())
        {
            match part.consumer.next(timeout).await {
                Ok(Some(message)) => {
                    part.last_head = part.end.is_some_and(|end| part.consumer.reached(&end));
                    part.head = Some(message);
                }
                Ok(None) => return Ok(None),
                Err(e) => {
                    // An unreadable message may be the partition's last.
                    part.done = part.end.is_some_and(|end| part.consumer.reached(&end));
                    return named(part.partition, Err(e));
                }
            }
        }
        let key = |p: &Part| p.head.as_ref().map(|m| (m.publish_time, p.partition, m.id));
        let Some(part) = self
            .parts
            .iter_mut()
            .filter(|p| p.head.is_some())
            .min_by_key(|p| key(p))
        else {
            return Ok(None);
        };
        part.done = part.last_head;
        named(part.partition, Ok(part.head.take()))
    }

    /// Acknowledges a message [`TopicConsumer::next`] returned (or an unreadable one's id).
    pub(crate) async fn ack(&mut self, id: &MessageId) -> Result<()> {
        let part = self.part(id.partition)?;
        let own = MessageId {
            partition: None,
            ..*id
        };
        part.consumer.ack(&own).await
    }

    /// The part of a partition.
    fn part(&mut self, partition: Option<u32>) -> Result<&mut Part> {
        let index = partition.map_or(0, |p| p as usize);
        self.parts
            .get_mut(index)
            .filter(|p| p.partition == partition)
            .ok_or_else(|| {
                PulsarError::Protocol(match partition {
                    Some(p) => format!("no partition {p} here"),
                    None => "no unpartitioned topic here".to_owned(),
                })
            })
    }

    /// Closes every consumer; the subscription stays.
    pub(crate) async fn close(self) -> Result<()> {
        let mut result = Ok(());
        for part in self.parts {
            result = result.and(part.consumer.close().await);
        }
        result
    }

    /// Removes the subscription from every partition.
    pub(crate) async fn unsubscribe(self) -> Result<()> {
        let mut result = Ok(());
        for part in self.parts {
            result = result.and(part.consumer.unsubscribe().await);
        }
        result
    }
}

/// Topic names as a broker lists them, with the partitions of a partitioned topic folded into
/// it: each topic once, sorted, with its number of partitions (0: not partitioned). A
/// `-partition-N` name counts as a partition only when `N` is a decimal index.
pub(crate) fn fold_partitions(names: &[String]) -> Vec<(String, u32)> {
    let mut topics: std::collections::BTreeMap<String, u32> = std::collections::BTreeMap::new();
    for name in names {
        let partition = name.rsplit_once("-partition-").and_then(|(base, index)| {
            let ok = !index.is_empty() && index.bytes().all(|b| b.is_ascii_digit());
            ok.then(|| (base, index.parse::<u32>().ok()))
        });
        match partition {
            Some((base, Some(index))) => {
                let n = topics.entry(base.to_owned()).or_default();
                *n = (*n).max(index.saturating_add(1));
            }
            _ => {
                topics.entry(name.clone()).or_default();
            }
        }
    }
    topics.into_iter().collect()
}

/// The client for partition `i`: `clients[i % clients.len()]`.
fn pick(clients: &[Client], i: u32) -> Result<&Client> {
    let count = u32::try_from(clients.len()).unwrap_or(u32::MAX).max(1);
    clients
        .get((i % count) as usize)
        .ok_or_else(|| PulsarError::Closed("no connection to use".into()))
}

/// Puts the partition into the id of what `next` gave.
fn named(partition: Option<u32>, next: Result<Option<Message>>) -> Result<Option<Message>> {
    let name = |id: MessageId| MessageId {
        partition: partition.or(id.partition),
        ..id
    };
    match next {
        Ok(Some(mut m)) => {
            m.id = name(m.id);
            Ok(Some(m))
        }
        Err(PulsarError::Unreadable { id, reason }) => Err(PulsarError::Unreadable {
            id: name(id),
            reason,
        }),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Partitions fold into their topic; names that only look like partitions stay topics.
    #[test]
    fn partitions_fold_into_their_topic() {
        let names: Vec<String> = [
            "persistent://t/n/b-partition-1",
            "persistent://t/n/a",
            "persistent://t/n/b-partition-0",
            "persistent://t/n/b-partition-2",
            "persistent://t/n/c-partition-x",
            "persistent://t/n/d-partition-",
            "non-persistent://t/n/e-partition-0",
        ]
        .map(String::from)
        .to_vec();
        let folded = fold_partitions(&names);
        let want: Vec<(String, u32)> = [
            ("non-persistent://t/n/e", 1),
            ("persistent://t/n/a", 0),
            ("persistent://t/n/b", 3),
            ("persistent://t/n/c-partition-x", 0),
            ("persistent://t/n/d-partition-", 0),
        ]
        .map(|(n, p)| (n.to_owned(), p))
        .to_vec();
        assert_eq!(folded, want);
        assert!(fold_partitions(&[]).is_empty());
    }

    /// Java's `String.hashCode()` (`"hello world"` is 1794106052 on any JVM), and the
    /// partition the Java client's JavaStringHash router picks from it.
    #[test]
    fn keys_route_as_the_java_client() {
        assert_eq!(partition_of_key("hello world", u32::MAX), 1_794_106_052);
        assert_eq!(partition_of_key("key", 1_000_000), 106_079);
        assert_eq!(partition_of_key("", 3), 0);
        // "agent-7".hashCode() is -1060988049; with the sign bit cleared, 1086495599.
        assert_eq!(partition_of_key("agent-7", u32::MAX), 1_086_495_599);
        assert_eq!(partition_of_key("agent-7", 7), 1_086_495_599 % 7);
        for n in 1..20 {
            for key in ["a", "b", "é", "🦀", "agent-42"] {
                assert!(partition_of_key(key, n) < n);
                assert_eq!(partition_of_key(key, n), partition_of_key(key, n));
            }
        }
    }
}
