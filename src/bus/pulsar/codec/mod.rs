//! Wire format of the Pulsar binary protocol: frames, a minimal proto2 encoder and decoder
//! (`protobuf`), CRC32C, and the decoding of MESSAGE frames (single or batched) into [`Message`]s.
//! Field numbers follow `PulsarApi.proto`.
//!
//! Owns bytes only: no I/O and no state. Compressed entries are decompressed here (codecs in
//! [`super::compression`]); encrypted and chunked ones are refused, naming what was found.

use std::fmt;

use bytes::Bytes;
use tokio::io::{AsyncRead, AsyncReadExt};

mod protobuf;

use super::compression::Compression;
use super::PulsarError;
use protobuf::take;
pub(super) use protobuf::{msg, Enc, Fields};

/// Result type of this module.
type Result<T, E = PulsarError> = std::result::Result<T, E>;

/// Largest frame accepted or built: Pulsar's default 5 MiB message plus its 10 KiB of
/// frame padding for commands and metadata.
pub(super) const MAX_FRAME: usize = 5 * 1024 * 1024 + 10 * 1024;
/// Marks a CRC32C checksum in payload frames.
const MAGIC_CRC32C: [u8; 2] = [0x0e, 0x01];

/// `BaseCommand.Type` values used here. Each equals the `BaseCommand` field number that
/// carries the matching sub-command.
pub(super) mod kind {
    pub(in super::super) const CONNECT: u32 = 2;
    pub(in super::super) const CONNECTED: u32 = 3;
    pub(in super::super) const SUBSCRIBE: u32 = 4;
    pub(in super::super) const PRODUCER: u32 = 5;
    pub(in super::super) const SEND: u32 = 6;
    pub(in super::super) const SEND_RECEIPT: u32 = 7;
    pub(in super::super) const SEND_ERROR: u32 = 8;
    pub(in super::super) const MESSAGE: u32 = 9;
    pub(in super::super) const ACK: u32 = 10;
    pub(in super::super) const FLOW: u32 = 11;
    pub(in super::super) const UNSUBSCRIBE: u32 = 12;
    pub(in super::super) const SUCCESS: u32 = 13;
    pub(in super::super) const ERROR: u32 = 14;
    pub(in super::super) const CLOSE_PRODUCER: u32 = 15;
    pub(in super::super) const CLOSE_CONSUMER: u32 = 16;
    pub(in super::super) const PRODUCER_SUCCESS: u32 = 17;
    pub(in super::super) const PING: u32 = 18;
    pub(in super::super) const PONG: u32 = 19;
    pub(in super::super) const PARTITIONED_METADATA: u32 = 21;
    pub(in super::super) const PARTITIONED_METADATA_RESPONSE: u32 = 22;
    pub(in super::super) const LOOKUP: u32 = 23;
    pub(in super::super) const LOOKUP_RESPONSE: u32 = 24;
    pub(in super::super) const SEEK: u32 = 28;
    pub(in super::super) const GET_LAST_MESSAGE_ID: u32 = 29;
    pub(in super::super) const GET_LAST_MESSAGE_ID_RESPONSE: u32 = 30;
    pub(in super::super) const ACTIVE_CONSUMER_CHANGE: u32 = 31;
    pub(in super::super) const GET_TOPICS_OF_NAMESPACE: u32 = 32;
    pub(in super::super) const GET_TOPICS_OF_NAMESPACE_RESPONSE: u32 = 33;
}

/// Where a message is stored; `batch_index` is set for a message taken from a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct MessageId {
    /// BookKeeper ledger (pulsar-lite: its own log segment).
    pub(crate) ledger_id: u64,
    /// Entry within the ledger.
    pub(crate) entry_id: u64,
    /// Partition index, for a partition of a partitioned topic.
    pub(crate) partition: Option<u32>,
    /// Index within a batch entry.
    pub(crate) batch_index: Option<u32>,
}

impl fmt::Display for MessageId {
    /// Pulsar's `ledger:entry:partition:batch` form, `-1` for an absent part.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let part = |p: Option<u32>| p.map_or_else(|| "-1".to_owned(), |p| p.to_string());
        let (ledger, entry) = (self.ledger_id, self.entry_id);
        let (partition, batch) = (part(self.partition), part(self.batch_index));
        write!(f, "{ledger}:{entry}:{partition}:{batch}")
    }
}

impl MessageId {
    /// Whether this id is at or after `other` on the same topic: compares ledger, entry and
    /// then batch index (an absent index before any present one), like the derived `Ord`
    /// but ignoring the partition, which is one value per topic and which brokers need not
    /// fill in alike in MESSAGE and GET_LAST_MESSAGE_ID_RESPONSE.
    ///
    /// For a batch entry, pulsar-lite's last message id has no batch index, so the first
    /// message of that batch already counts as at or after it; to know that the whole
    /// batch was read, use [`super::Consumer::reached`].
    pub(crate) fn is_at_or_after(&self, other: &MessageId) -> bool {
        let key = |id: &MessageId| (id.ledger_id, id.entry_id, id.batch_index);
        key(self) >= key(other)
    }

    /// Whether the id names no message: a negative (top bit set) ledger or entry id,
    /// as Apache Pulsar answers GET_LAST_MESSAGE_ID for an empty topic (entry id -1).
    pub(super) fn is_nothing(&self) -> bool {
        i64::try_from(self.ledger_id).is_err() || i64::try_from(self.entry_id).is_err()
    }
}

/// One message delivered to a consumer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Message {
    /// Where the message is stored; what [`super::Consumer::ack`] takes.
    pub(crate) id: MessageId,
    /// Full name of the topic it was read from.
    pub(crate) topic: String,
    /// The application payload.
    pub(crate) payload: Bytes,
    /// Application properties, in the order the producer set them.
    pub(crate) properties: Vec<(String, String)>,
    /// When the producer published it, in ms since the Unix epoch.
    pub(crate) publish_time: u64,
    /// The application's event time in ms since the epoch, when one was set.
    pub(crate) event_time: Option<u64>,
    /// Name of the producer that published it.
    pub(crate) producer_name: String,
    /// Partition (routing) key, when one was set.
    pub(crate) key: Option<String>,
    /// Ordering key (Key_Shared dispatch), when one was set.
    pub(crate) ordering_key: Option<String>,
    /// How often the broker delivered it before.
    pub(crate) redelivery_count: u32,
}

/// A decoded frame: its command type, the sub-command and, for payload frames, the
/// metadata and payload.
#[derive(Debug, Clone)]
pub(super) struct Frame {
    /// `BaseCommand.type`.
    pub(super) kind: u32,
    /// The encoded sub-command (empty if absent, as for PING).
    pub(super) cmd: Bytes,
    /// Encoded `MessageMetadata` and the payload after it, for payload frames.
    pub(super) payload: Option<(Bytes, Bytes)>,
}

impl Frame {
    /// Parses the sub-command's fields.
    pub(super) fn fields(&self) -> Result<Fields<'_>> {
        Fields::parse(&self.cmd)
    }
}

/// Reads one frame; `Ok(None)` on a clean end of stream between frames. `buf` keeps bytes
/// read past the frame for the next call. Sizes outside `4..=MAX_FRAME` are rejected
/// before anything is allocated for them.
pub(super) async fn read_frame<R>(
    reader: &mut R,
    buf: &mut bytes::BytesMut,
) -> Result<Option<Frame>>
where
    R: AsyncRead + Unpin,
{
    loop {
        if let Some(size) = buf.get(..4) {
            let total = u32::from_be_bytes([size[0], size[1], size[2], size[3]]);
            let total = usize::try_from(total).unwrap_or(usize::MAX);
            if !(4..=MAX_FRAME).contains(&total) {
                return Err(proto(format!("frame size {total} outside 4..={MAX_FRAME}")));
            }
            if buf.len() >= 4 + total {
                let body = buf.split_to(4 + total).split_off(4).freeze();
                return decode_frame(&body).map(Some);
            }
            buf.reserve(4 + total - buf.len());
        } else if buf.capacity() - buf.len() < 4096 {
            buf.reserve(64 * 1024);
        }
        if reader.read_buf(buf).await? == 0 {
            if buf.is_empty() {
                return Ok(None);
            }
            return Err(proto("connection closed in the middle of a frame"));
        }
    }
}

/// Builds a frame; with `payload = Some((metadata, data))` a checksummed payload frame.
pub(super) fn encode_frame(kind: u32, cmd: &Enc, payload: Option<(&Enc, &[u8])>) -> Result<Bytes> {
    let base = msg().int(1, kind.into()).bytes(kind, &cmd.0).0;
    let mut tail = Vec::new();
    if let Some((meta, data)) = payload {
        let checked = [&be32(meta.0.len())?[..], &meta.0, data].concat();
        tail.extend_from_slice(&MAGIC_CRC32C);
        tail.extend_from_slice(&crc32c(&checked).to_be_bytes());
        tail.extend_from_slice(&checked);
    }
    let total = 4 + base.len() + tail.len();
    if total > MAX_FRAME {
        return Err(proto(format!("frame of {total} bytes exceeds {MAX_FRAME}")));
    }
    Ok([&be32(total)?[..], &be32(base.len())?, &base, &tail]
        .concat()
        .into())
}

/// Decodes a frame body (everything after `totalSize`).
pub(super) fn decode_frame(body: &Bytes) -> Result<Frame> {
    let mut pos = 0;
    let cmd_len = read_u32(body, &mut pos)? as usize;
    let base = body.slice_ref(take(body, &mut pos, cmd_len)?);
    let fields = Fields::parse(&base)?;
    let kind = fields.int(1).ok_or_else(|| proto("no command type"))?;
    let kind = u32::try_from(kind).map_err(|_| proto("command type out of range"))?;
    let cmd = fields
        .bytes(kind)
        .map_or_else(Bytes::new, |c| base.slice_ref(c));
    let rest = body.slice(pos..);
    let payload = (!rest.is_empty())
        .then(|| split_payload(rest))
        .transpose()?;
    Ok(Frame { kind, cmd, payload })
}

/// Splits `[0x0e01 crc32c]? metadataSize metadata payload`, verifying the checksum when
/// one is present (pulsar-lite sends none). Broker entry metadata (0x0e02) is not expected:
/// brokers send it only to clients that announce support for it.
fn split_payload(mut rest: Bytes) -> Result<(Bytes, Bytes)> {
    if rest.starts_with(&MAGIC_CRC32C) {
        let mut pos = 2;
        let want = read_u32(&rest, &mut pos)?;
        rest = rest.slice(pos..);
        if crc32c(&rest) != want {
            return Err(proto("payload checksum mismatch: the frame is corrupted"));
        }
    }
    let mut pos = 0;
    let meta_len = read_u32(&rest, &mut pos)? as usize;
    let meta = rest.slice_ref(take(&rest, &mut pos, meta_len)?);
    Ok((meta, rest.slice(pos..)))
}

/// Decodes a `MessageIdData` message.
pub(super) fn decode_id(buf: &[u8]) -> Result<MessageId> {
    let f = Fields::parse(buf)?;
    let missing = || proto("message id without ledger or entry");
    Ok(MessageId {
        ledger_id: f.int(1).ok_or_else(missing)?,
        entry_id: f.int(2).ok_or_else(missing)?,
        partition: f.int(3).and_then(int32),
        batch_index: f.int(4).and_then(int32),
    })
}

/// Encodes a `MessageIdData` message.
pub(super) fn encode_id(id: &MessageId) -> Enc {
    let mut enc = msg().int(1, id.ledger_id).int(2, id.entry_id);
    if let Some(partition) = id.partition {
        enc = enc.int(3, partition.into());
    }
    if let Some(index) = id.batch_index {
        enc = enc.int(4, index.into());
    }
    enc
}

/// A non-negative `int32` varint; `None` for negative values such as Pulsar's `-1` "unset".
fn int32(v: u64) -> Option<u32> {
    u32::try_from(i64::from_ne_bytes(v.to_ne_bytes())).ok()
}

/// Decodes the properties (`repeated KeyValue`) stored in `field`.
fn properties(f: &Fields<'_>, field: u32) -> Result<Vec<(String, String)>> {
    let pair = |kv: &[u8]| {
        let kv = Fields::parse(kv)?;
        Ok((
            kv.string(1).unwrap_or_default(),
            kv.string(2).unwrap_or_default(),
        ))
    };
    f.all_bytes(field).map(pair).collect()
}

/// Turns a MESSAGE frame into the messages it carries: one, or each message of a batch
/// entry (metadata with `num_messages_in_batch`, then per message a size-prefixed
/// `SingleMessageMetadata` and its payload), decompressing the entry first when its
/// metadata names a codec. A frame that is not a MESSAGE is a Protocol error; a message whose
/// content cannot be read (encrypted, chunked, corrupt data, an unknown codec) is
/// [`PulsarError::Unreadable`] naming its id, so callers can skip it and go on.
pub(super) fn decode_message(topic: &str, frame: &Frame) -> Result<Vec<Message>> {
    let cmd = frame.fields()?;
    let id = decode_id(cmd.bytes(2).ok_or_else(|| proto("MESSAGE without id"))?)?;
    let redelivery_count = cmd.int(3).and_then(|n| u32::try_from(n).ok()).unwrap_or(0);
    let (meta, data) = frame
        .payload
        .as_ref()
        .ok_or_else(|| proto("MESSAGE without payload"))?;
    let m = Fields::parse(meta)?;
    let unreadable = |reason: String| PulsarError::Unreadable { id, reason };
    if m.bytes(13).is_some() {
        return Err(unreadable(
            "it is encrypted, which arc does not support".into(),
        ));
    }
    if m.int(27).is_some_and(|chunks| chunks > 1) {
        return Err(unreadable(
            "it is chunked, which arc does not support".into(),
        ));
    }
    let code = m.int(8).unwrap_or(0);
    let codec = Compression::from_code(code)
        .ok_or_else(|| unreadable(format!("unknown compression type {code}")))?;
    let data = if codec == Compression::None {
        data.clone()
    } else {
        let size = m
            .int(9)
            .ok_or_else(|| unreadable(format!("{codec} data without uncompressed_size")))?;
        let size = usize::try_from(size).unwrap_or(usize::MAX);
        let plain = codec.decompress(data, size).map_err(unreadable)?;
        Bytes::from(plain)
    };
    let base = Message {
        id,
        topic: topic.to_owned(),
        payload: data.clone(),
        properties: properties(&m, 4).map_err(|e| unreadable(e.to_string()))?,
        publish_time: m.int(3).unwrap_or(0),
        event_time: m.int(12).filter(|&t| t != 0),
        producer_name: m.string(1).unwrap_or_default(),
        key: m.string(6),
        ordering_key: m.string(18),
        redelivery_count,
    };
    // As the Java client: the field's presence marks a batch entry, even of one message.
    let Some(count) = m.int(11) else {
        return Ok(vec![base]);
    };
    split_batch(&base, count, &data).map_err(|e| match e {
        PulsarError::Protocol(why) => unreadable(format!("its batch is malformed: {why}")),
        other => other,
    })
}

/// The `count` messages of a batch entry's (decompressed) `data`, each with its own
/// `SingleMessageMetadata` over the entry's `base`.
fn split_batch(base: &Message, count: u64, data: &Bytes) -> Result<Vec<Message>> {
    let mut out = Vec::new();
    let mut pos = 0;
    for index in 0..count {
        let len = read_u32(data, &mut pos)? as usize;
        let single = Fields::parse(take(data, &mut pos, len)?)?;
        let size = single
            .int(3)
            .ok_or_else(|| proto("batch entry without payload_size"))?;
        let size = usize::try_from(size).unwrap_or(usize::MAX);
        let payload = data.slice_ref(take(data, &mut pos, size)?);
        if single.int(4) == Some(1) {
            continue; // compacted out
        }
        out.push(Message {
            id: MessageId {
                batch_index: u32::try_from(index).ok(),
                ..base.id
            },
            payload,
            properties: properties(&single, 1)?,
            event_time: single.int(5).filter(|&t| t != 0).or(base.event_time),
            key: single.string(2).or_else(|| base.key.clone()),
            ordering_key: single.string(7).or_else(|| base.ordering_key.clone()),
            ..base.clone()
        });
    }
    Ok(out)
}

/// Shorthand for a [`PulsarError::Protocol`].
pub(super) fn proto(message: impl Into<String>) -> PulsarError {
    PulsarError::Protocol(message.into())
}

/// Big-endian u32 of a length, or a Protocol error past `u32::MAX`.
fn be32(n: usize) -> Result<[u8; 4]> {
    let n = u32::try_from(n).map_err(|_| proto("length exceeds u32"))?;
    Ok(n.to_be_bytes())
}

/// Reads a big-endian u32 at `pos`.
fn read_u32(buf: &[u8], pos: &mut usize) -> Result<u32> {
    let b = take(buf, pos, 4)?;
    Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

/// CRC32C (Castagnoli, reflected polynomial 0x82F63B78) lookup table.
const CRC32C_TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        #[allow(clippy::cast_possible_truncation)] // i < 256
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = (c >> 1) ^ (0x82F6_3B78 & (c & 1).wrapping_neg());
            k += 1;
        }
        table[i] = c;
        i += 1;
    }
    table
};

/// CRC32C of `data`, as Pulsar puts in payload frames.
fn crc32c(data: &[u8]) -> u32 {
    let step = |c: u32, b: &u8| CRC32C_TABLE[usize::from(c.to_le_bytes()[0] ^ b)] ^ (c >> 8);
    !data.iter().fold(!0, step)
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::BytesMut;

    #[test]
    fn crc32c_known_values() {
        assert_eq!(crc32c(b"123456789"), 0xe306_9283);
        assert_eq!(crc32c(b""), 0);
    }

    /// A MESSAGE frame for consumer 5 at 3:4, redelivered twice; the body after `totalSize`.
    fn message_frame(meta: &Enc, data: &[u8]) -> Bytes {
        let id = MessageId {
            ledger_id: 3,
            entry_id: 4,
            partition: None,
            batch_index: None,
        };
        let cmd = msg().int(1, 5).bytes(2, &encode_id(&id).0).int(3, 2);
        let frame = encode_frame(kind::MESSAGE, &cmd, Some((meta, data))).expect("encode");
        frame.slice(4..)
    }

    #[test]
    fn payload_frames_decode_with_and_without_checksum() {
        let meta = msg()
            .str(1, "p")
            .int(2, 0)
            .int(3, 1000)
            .key_value(4, "k", "v");
        let checked = message_frame(&meta, b"data");
        let frame = decode_frame(&checked).expect("decode");
        let (_, data) = frame.payload.as_ref().expect("payload");
        assert_eq!((frame.kind, &data[..]), (kind::MESSAGE, &b"data"[..]));
        // The same frame without magic and checksum, as pulsar-lite sends MESSAGE.
        let cmd_end = 4 + read_u32(&checked, &mut 0).expect("cmd size") as usize;
        let plain = [&checked[..cmd_end], &checked[cmd_end + 6..]].concat();
        let plain = decode_frame(&plain.into()).expect("plain");
        let messages = decode_message("t", &plain).expect("message");
        assert_eq!(messages, decode_message("t", &frame).expect("message"));
        let m = &messages[0];
        assert_eq!(
            (&m.payload[..], m.publish_time, m.redelivery_count),
            (&b"data"[..], 1000, 2)
        );
        assert_eq!(m.properties, [("k".to_owned(), "v".to_owned())]);
        assert_eq!(
            (m.id.to_string(), m.event_time, m.key.as_deref()),
            ("3:4:-1:-1".into(), None, None)
        );
        // A flipped payload bit is caught by the checksum.
        let mut corrupt = checked.to_vec();
        *corrupt.last_mut().expect("byte") ^= 1;
        let err = decode_frame(&corrupt.into()).expect_err("corrupt");
        assert!(
            matches!(&err, PulsarError::Protocol(m) if m.contains("checksum")),
            "{err}"
        );
        for bad in [&[][..], &[0, 0, 0, 9, 1], &[0, 0, 0, 0], &[0xff; 8]] {
            assert!(
                decode_frame(&Bytes::copy_from_slice(bad)).is_err(),
                "{bad:?}"
            );
        }
    }

    #[tokio::test]
    async fn read_frame_bounds_sizes_and_splits_streams() {
        let ping = encode_frame(kind::PING, &msg(), None).expect("ping");
        let pong = encode_frame(kind::PONG, &msg(), None).expect("pong");
        let stream = [&ping[..], &pong[..]].concat();
        let (mut reader, mut buf) = (&stream[..], BytesMut::new());
        let kinds = [kind::PING, kind::PONG].map(Some);
        for want in kinds {
            let got = read_frame(&mut reader, &mut buf).await.expect("frame");
            assert_eq!(got.map(|f| f.kind), want);
        }
        assert!(read_frame(&mut reader, &mut buf)
            .await
            .expect("eof")
            .is_none());
        let truncated = &ping[..ping.len() - 1];
        assert!(read_frame(&mut &truncated[..], &mut BytesMut::new())
            .await
            .is_err());
        // An oversized frame is refused from its size alone, before its body is read.
        let huge = u32::try_from(MAX_FRAME + 1).expect("fits").to_be_bytes();
        let err = read_frame(&mut &huge[..], &mut BytesMut::new()).await;
        assert!(matches!(err, Err(PulsarError::Protocol(m)) if m.contains("frame size")));
        let big = msg().str(1, &"x".repeat(MAX_FRAME));
        assert!(encode_frame(kind::LOOKUP, &big, None).is_err());
    }

    #[test]
    fn batch_entries_decode_into_single_messages() {
        let meta = msg()
            .str(1, "p")
            .int(2, 0)
            .int(3, 1000)
            .int(11, 3)
            .str(6, "outer");
        let mut data = Vec::new();
        for (i, payload) in [&b"zero"[..], b"one", b"two"].into_iter().enumerate() {
            let mut single = msg().key_value(1, "i", &i.to_string());
            single = single
                .str(2, &format!("key-{i}"))
                .int(3, payload.len() as u64);
            if i == 1 {
                single = single.int(5, 77);
            }
            data.extend_from_slice(&be32(single.0.len()).expect("len"));
            data.extend_from_slice(&single.0);
            data.extend_from_slice(payload);
        }
        let frame = decode_frame(&message_frame(&meta, &data)).expect("decode");
        let messages = decode_message("persistent://a/b/c", &frame).expect("batch");
        assert_eq!(messages.len(), 3);
        for (i, m) in messages.iter().enumerate() {
            assert_eq!(m.id.batch_index, Some(u32::try_from(i).expect("small")));
            assert_eq!(m.properties, [("i".to_owned(), i.to_string())]);
            assert_eq!(m.key, Some(format!("key-{i}")));
            assert_eq!((m.publish_time, m.producer_name.as_str()), (1000, "p"));
        }
        let payloads: Vec<_> = messages.iter().map(|m| &m.payload[..]).collect();
        assert_eq!(payloads, [&b"zero"[..], b"one", b"two"]);
        assert_eq!(messages[1].event_time, Some(77));
        assert_eq!(messages[2].id.to_string(), "3:4:-1:2");
        // A batch that claims more messages than it holds cannot be read (and says which).
        let meta = msg().str(1, "p").int(2, 0).int(3, 1000).int(11, 4);
        let frame = decode_frame(&message_frame(&meta, &data)).expect("decode");
        assert!(matches!(
            decode_message("t", &frame),
            Err(PulsarError::Unreadable { .. })
        ));
    }

    /// A batch entry of `payloads` (keys `key-i`, ordering key on the first), its data
    /// compressed with `codec`.
    fn compressed_batch(codec: Compression, payloads: &[&[u8]]) -> Bytes {
        let mut data = Vec::new();
        for (i, payload) in payloads.iter().enumerate() {
            let mut single = msg().str(2, &format!("key-{i}"));
            single = single.int(3, payload.len() as u64);
            if i == 0 {
                single = single.str(7, "ord");
            }
            data.extend_from_slice(&be32(single.0.len()).expect("len"));
            data.extend_from_slice(&single.0);
            data.extend_from_slice(payload);
        }
        let packed = codec.compress(&data).expect("compress");
        let meta = msg().str(1, "p").int(2, 0).int(3, 1000);
        let meta = meta.int(8, codec.code()).int(9, data.len() as u64);
        let meta = meta.int(11, payloads.len() as u64).str(18, "outer-ord");
        message_frame(&meta, &packed)
    }

    #[test]
    fn compressed_entries_decode_single_and_batched() {
        let body = b"compress me, compress me, compress me".repeat(20);
        for codec in Compression::ALL {
            let meta = msg().str(1, "p").int(2, 0).int(3, 1000).str(6, "k");
            let meta = meta.int(8, codec.code()).int(9, body.len() as u64);
            let packed = codec.compress(&body).expect("compress");
            let frame = decode_frame(&message_frame(&meta, &packed)).expect("frame");
            let messages = decode_message("t", &frame).expect("single");
            assert_eq!(messages.len(), 1, "{codec}");
            assert_eq!(&messages[0].payload[..], &body[..], "{codec}");
            assert_eq!(messages[0].key.as_deref(), Some("k"));

            let frame = decode_frame(&compressed_batch(codec, &[b"zero", &body, b""]));
            let messages = decode_message("t", &frame.expect("frame")).expect("batch");
            let payloads: Vec<_> = messages.iter().map(|m| &m.payload[..]).collect();
            assert_eq!(payloads, [&b"zero"[..], &body[..], b""], "{codec}");
            let ordering: Vec<_> = messages.iter().map(|m| m.ordering_key.clone()).collect();
            let want = ["ord", "outer-ord", "outer-ord"].map(|k| Some(k.to_owned()));
            assert_eq!(ordering, want, "{codec}");
        }
    }

    #[test]
    fn unreadable_messages_name_their_id_and_why() {
        let unreadable = |meta: &Enc, data: &[u8]| {
            let frame = decode_frame(&message_frame(meta, data)).expect("frame");
            match decode_message("t", &frame) {
                Err(PulsarError::Unreadable { id, reason }) => {
                    assert_eq!(id.to_string(), "3:4:-1:-1");
                    reason
                }
                other => panic!("expected unreadable, got {other:?}"),
            }
        };
        let base = || msg().str(1, "p").int(2, 0).int(3, 1000);
        let why = unreadable(&base().int(8, 1).int(9, 100), b"\xff\xff\xff");
        assert!(why.starts_with("LZ4"), "{why}");
        let why = unreadable(&base().int(8, 3), b"x");
        assert!(why.contains("without uncompressed_size"), "{why}");
        let why = unreadable(&base().int(8, 9).int(9, 1), b"x");
        assert!(why.contains("unknown compression type 9"), "{why}");
        let why = unreadable(&base().bytes(13, b"k"), b"x");
        assert!(why.contains("encrypted"), "{why}");
        let why = unreadable(&base().int(27, 2), b"x");
        assert!(why.contains("chunked"), "{why}");
        // A batch that claims more messages than its (decompressed) data holds.
        let packed = Compression::Zstd.compress(b"\0\0\0\x09").expect("zstd");
        let meta = base().int(8, 3).int(9, 4).int(11, 2);
        let why = unreadable(&meta, &packed);
        assert!(why.contains("batch is malformed"), "{why}");
        // Generated garbage in place of compressed data: an error, never a panic.
        for codec in Compression::ALL.into_iter().skip(1) {
            for seed in 0u8..50 {
                let junk: Vec<u8> = (0..seed).map(|i| i.wrapping_mul(37) ^ seed).collect();
                let meta = base().int(8, codec.code()).int(9, u64::from(seed) * 3 + 1);
                let frame = decode_frame(&message_frame(&meta, &junk)).expect("frame");
                let _ = decode_message("t", &frame);
            }
        }
    }
}
