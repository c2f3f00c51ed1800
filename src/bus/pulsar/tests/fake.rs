//! Tests against scripted fake brokers (a rejected token, PING during the handshake,
//! SEND_ERROR, CLOSE_CONSUMER, checksums, GET_LAST_MESSAGE_ID and GET_TOPICS_OF_NAMESPACE
//! answers), stand-ins for what pulsar-lite does not do (a LOOKUP Redirect), and no broker at
//! all.

use super::*;

#[tokio::test]
async fn nothing_listening_is_io_error() {
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], crate::test_ports::free_port()));
    let err = connect_and_lookup(addr, PROBE_TOPIC, Duration::from_secs(5)).await;
    assert!(matches!(err, Err(PulsarError::Io(_))), "{err:?}");
    let err = round_trip(addr, PROBE_TOPIC, Duration::from_secs(5)).await;
    assert!(matches!(err, Err(PulsarError::Io(_))), "{err:?}");
}

#[tokio::test]
async fn silent_listener_times_out() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let silent = tokio::spawn(async move {
        let _held = (listener.accept().await, listener.accept().await);
        tokio::time::sleep(Duration::from_secs(30)).await;
    });
    let err = connect_and_lookup(addr, PROBE_TOPIC, Duration::from_millis(1)).await;
    assert!(matches!(err, Err(PulsarError::Timeout(_))), "{err:?}");
    let err = round_trip(addr, PROBE_TOPIC, Duration::from_millis(200)).await;
    assert!(
        matches!(err, Err(PulsarError::Timeout("handshake"))),
        "{err:?}"
    );
    silent.abort();
}

/// The broker side of a fake broker's connection.
struct Fake(TcpStream, BytesMut);

impl Fake {
    async fn expect(&mut self, want: u32) -> Frame {
        let frame = codec::read_frame(&mut self.0, &mut self.1)
            .await
            .expect("read");
        let frame = frame.expect("a frame");
        assert_eq!(frame.kind, want);
        frame
    }

    async fn send(&mut self, kind: u32, cmd: &codec::Enc) {
        let frame = codec::encode_frame(kind, cmd, None).expect("encode");
        self.0.write_all(&frame).await.expect("write");
    }
}

/// A MESSAGE frame for `consumer`, without the optional magic and checksum if `plain`.
fn fake_message(consumer: u64, entry: u64, payload: &[u8], plain: bool) -> Vec<u8> {
    let id = MessageId {
        ledger_id: 1,
        entry_id: entry,
        partition: None,
        batch_index: None,
    };
    let cmd = msg().int(1, consumer).bytes(2, &codec::encode_id(&id).0);
    let meta = msg().str(1, "fake").int(2, entry).int(3, 1000);
    let frame = codec::encode_frame(kind::MESSAGE, &cmd, Some((&meta, payload))).expect("encode");
    if !plain {
        return frame.to_vec();
    }
    let cmd_end = 8 + u32::from_be_bytes([frame[4], frame[5], frame[6], frame[7]]) as usize;
    let total = u32::try_from(frame.len() - 10)
        .expect("small")
        .to_be_bytes();
    [&total[..], &frame[4..cmd_end], &frame[cmd_end + 6..]].concat()
}

use codec::{kind, msg, Frame};

/// Scripted fake brokers: a rejected token; then PING during the handshake, SEND_ERROR,
/// CLOSE_CONSUMER (as Pulsar sends after a seek) with re-subscription, deliveries with
/// and without checksum, and an ERROR answer to SEEK; then lookup failures and garbage.
#[tokio::test]
#[allow(clippy::too_many_lines)] // one script, read top to bottom
async fn fake_broker_scripts() {
    const TOKEN: &str = "tok-123";
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let broker = tokio::spawn(async move {
        let accept = || async { Fake(listener.accept().await.expect("accept").0, BytesMut::new()) };
        let mut c = accept().await;
        let hello = c.expect(kind::CONNECT).await;
        let f = hello.fields().expect("fields");
        assert_eq!(
            (f.string(5).as_deref(), f.bytes(3)),
            (Some("token"), Some(TOKEN.as_bytes()))
        );
        c.send(kind::ERROR, &msg().int(1, 0).int(2, 3).str(3, "bad token"))
            .await;

        let mut c = accept().await;
        c.expect(kind::CONNECT).await;
        c.send(kind::PING, &msg()).await;
        c.expect(kind::PONG).await;
        c.send(kind::CONNECTED, &msg().str(1, "fake-1").int(2, 14))
            .await;
        let rid = |f: &Frame, field| f.fields().expect("fields").int(field).expect("id");
        let p = c.expect(kind::PRODUCER).await;
        c.send(
            kind::PRODUCER_SUCCESS,
            &msg().int(1, rid(&p, 3)).str(2, "fake-p"),
        )
        .await;
        let send = c.expect(kind::SEND).await;
        let err = msg()
            .int(1, rid(&send, 1))
            .int(2, rid(&send, 2))
            .int(3, 2)
            .str(4, "disk full");
        c.send(kind::SEND_ERROR, &err).await;
        let mut consumer_ids = Vec::new();
        for (entry, plain) in [(1, false), (2, true)] {
            let sub = c.expect(kind::SUBSCRIBE).await;
            consumer_ids.push(rid(&sub, 4));
            c.send(kind::SUCCESS, &msg().int(1, rid(&sub, 5))).await;
            assert_eq!(rid(&c.expect(kind::FLOW).await, 2), 1000);
            let id = rid(&sub, 4);
            c.0.write_all(&fake_message(id, entry, b"payload", plain))
                .await
                .expect("write");
            if entry == 1 {
                c.send(kind::CLOSE_CONSUMER, &msg().int(1, id).int(2, 0))
                    .await;
            }
        }
        assert_eq!(
            consumer_ids[0], consumer_ids[1],
            "same consumer id after re-subscribing"
        );
        let seek = c.expect(kind::SEEK).await;
        assert_eq!(rid(&seek, 4), 1234, "message_publish_time");
        c.send(
            kind::ERROR,
            &msg().int(1, rid(&seek, 2)).int(2, 0).str(3, "no seeking"),
        )
        .await;

        let failed = msg().int(3, 2).int(4, 1).int(6, 11).str(7, "nope");
        let mut c = accept().await;
        c.expect(kind::CONNECT).await;
        c.send(kind::CONNECTED, &msg().str(1, "fake-2")).await;
        c.expect(kind::LOOKUP).await;
        c.send(kind::LOOKUP_RESPONSE, &failed).await;
        let (mut socket, _) = listener.accept().await.expect("accept");
        let _ = socket.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n").await;
        tokio::time::sleep(Duration::from_secs(5)).await;
    });
    let timeout = Duration::from_secs(5);
    let err = Client::connect(addr, Some(TOKEN.into()), timeout)
        .await
        .expect_err("rejected");
    let text = format!("{err} {err:?}");
    assert_eq!(
        err.to_string(),
        "pulsar broker rejected connect: bad token (AuthenticationError)"
    );
    assert!(!text.contains(TOKEN), "{text}");

    let client = Client::connect(addr, None, timeout).await.expect("connect");
    assert_eq!(client.server_version(), "fake-1");
    let t = topic("fake");
    let producer = client.create_producer(&t).await.expect("producer");
    let err = producer
        .send(Bytes::from_static(b"x"), vec![], None)
        .await
        .expect_err("send");
    assert_eq!(
        err.to_string(),
        "pulsar broker rejected send: disk full (PersistenceError)"
    );
    let sub = client.subscribe(&t, "s", SubType::Exclusive, InitialPosition::Earliest);
    let mut consumer = sub.await.expect("subscribe");
    for entry in [1, 2] {
        let m = consumer
            .next(timeout)
            .await
            .expect("next")
            .expect("message");
        assert_eq!((m.id.entry_id, &m.payload[..]), (entry, &b"payload"[..]));
    }
    let err = consumer.seek_by_time(1234).await.expect_err("seek refused");
    assert_eq!(
        err.to_string(),
        "pulsar broker does not support seek: no seeking (UnknownError)"
    );

    let err = connect_and_lookup(addr, PROBE_TOPIC, timeout)
        .await
        .expect_err("lookup");
    assert_eq!(
        err.to_string(),
        "pulsar broker rejected lookup: nope (TopicNotFound)"
    );
    // A peer that is not a Pulsar broker (here: HTTP) fails to decode.
    let err = connect_and_lookup(addr, PROBE_TOPIC, timeout).await;
    assert!(matches!(err, Err(PulsarError::Protocol(_))), "{err:?}");
    broker.abort();
}

/// A MESSAGE frame for `consumer` carrying a batch entry `1:entry` of `n` messages `b-i`.
fn fake_batch(consumer: u64, entry: u64, n: u32) -> Bytes {
    let id = MessageId {
        ledger_id: 1,
        entry_id: entry,
        partition: None,
        batch_index: None,
    };
    let cmd = msg().int(1, consumer).bytes(2, &codec::encode_id(&id).0);
    let meta = msg().str(1, "fake").int(2, entry).int(3, 1000);
    let meta = meta.int(11, n.into());
    let mut data = Vec::new();
    for i in 0..n {
        let payload = format!("b-{i}");
        let single = msg().int(3, payload.len() as u64);
        let len = u32::try_from(single.0.len()).expect("small");
        data.extend_from_slice(&len.to_be_bytes());
        data.extend_from_slice(&single.0);
        data.extend_from_slice(payload.as_bytes());
    }
    codec::encode_frame(kind::MESSAGE, &cmd, Some((&meta, &data))).expect("encode")
}

/// GET_LAST_MESSAGE_ID against a scripted broker: Apache Pulsar's "nothing" (entry -1), an
/// id with partition and batch index, an id without batch index for a batch entry (read to
/// its end by `reached`), an ERROR, silence (timeout), and a closed connection.
#[tokio::test]
async fn fake_broker_last_message_id() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let broker = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.expect("accept");
        let mut c = Fake(socket, BytesMut::new());
        c.expect(kind::CONNECT).await;
        c.send(kind::CONNECTED, &msg().str(1, "fake-3")).await;
        let rid = |f: &Frame, field| f.fields().expect("fields").int(field).expect("id");
        let sub = c.expect(kind::SUBSCRIBE).await;
        let consumer = rid(&sub, 4);
        c.send(kind::SUCCESS, &msg().int(1, rid(&sub, 5))).await;
        c.expect(kind::FLOW).await;
        let minus_one = u64::MAX; // int32/int64 -1 as a varint
        let answers = [
            msg()
                .int(1, 5)
                .int(2, minus_one)
                .int(3, minus_one)
                .int(4, minus_one),
            msg().int(1, 5).int(2, 8).int(3, 2).int(4, 3),
            msg().int(1, 1).int(2, 7).int(3, minus_one),
        ];
        for answer in answers {
            let get = c.expect(kind::GET_LAST_MESSAGE_ID).await;
            assert_eq!(rid(&get, 1), consumer, "consumer_id");
            let reply = msg().bytes(1, &answer.0).int(2, rid(&get, 2));
            c.send(kind::GET_LAST_MESSAGE_ID_RESPONSE, &reply).await;
        }
        c.0.write_all(&fake_batch(consumer, 7, 3))
            .await
            .expect("write");
        let get = c.expect(kind::GET_LAST_MESSAGE_ID).await;
        let error = msg().int(1, rid(&get, 2)).int(2, 10).str(3, "too old");
        c.send(kind::ERROR, &error).await;
        c.expect(kind::GET_LAST_MESSAGE_ID).await; // left unanswered: a timeout
        c.expect(kind::GET_LAST_MESSAGE_ID).await;
        drop(c); // closes the connection instead of answering
    });
    let client = Client::connect(addr, None, Duration::from_secs(1))
        .await
        .expect("connect");
    let t = topic("fake-last");
    let sub = client.subscribe(&t, "s", SubType::Exclusive, InitialPosition::Earliest);
    let mut consumer = sub.await.expect("subscribe");
    assert_eq!(consumer.last_message_id().await.expect("entry -1"), None);
    let id = consumer.last_message_id().await.expect("full id");
    let want = MessageId {
        ledger_id: 5,
        entry_id: 8,
        partition: Some(2),
        batch_index: Some(3),
    };
    assert_eq!(id, Some(want));
    // Partition is ignored, batch index is not.
    let seen = MessageId {
        partition: None,
        ..want
    };
    assert!(seen.is_at_or_after(&want));
    let earlier = MessageId {
        batch_index: Some(2),
        ..seen
    };
    assert!(!earlier.is_at_or_after(&want));
    let last = consumer.last_message_id().await.expect("batch entry");
    let last = last.expect("an id");
    assert_eq!(last.to_string(), "1:7:-1:-1");
    // The batch's first message is at or after `last`, but the batch is read to its end.
    let mut reached = Vec::new();
    for i in 0..3 {
        let m = consumer.next(Duration::from_secs(5)).await.expect("next");
        let m = m.expect("message");
        assert_eq!(m.id.batch_index, Some(i));
        assert!(m.id.is_at_or_after(&last));
        reached.push(consumer.reached(&last));
    }
    assert_eq!(reached, [false, false, true]);
    let err = consumer.last_message_id().await.expect_err("ERROR");
    assert_eq!(err.kind(), "unsupported", "{err}");
    assert_eq!(
        err.to_string(),
        "pulsar broker does not support get last message id: too old (UnsupportedVersionError)"
    );
    let started = Instant::now();
    let err = consumer.last_message_id().await.expect_err("silence");
    assert!(
        matches!(err, PulsarError::Timeout("get last message id")),
        "{err:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "bounded by the client's timeout"
    );
    let err = consumer.last_message_id().await.expect_err("closed");
    assert_eq!(err.kind(), "unsupported", "{err}");
    broker.await.expect("script");
}

/// Issue 12: a LOOKUP answered with Redirect is followed (authoritatively when the answer
/// says so) to the broker named, where the topic is then produced to and consumed from. A
/// multi-broker Apache Pulsar cluster cannot run here: the first broker is a stand-in that
/// speaks the protocol as `PulsarApi.proto` documents it (CONNECT/CONNECTED, then a
/// LOOKUP_RESPONSE of type Redirect naming the real pulsar-lite broker); the owner is real.
#[tokio::test]
async fn lookup_redirect_is_followed_to_the_owner() {
    let owner = Broker::start().await;
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let stand_in = listener.local_addr().expect("addr");
    let owner_url = format!("pulsar://{}", owner.addr);
    let script = tokio::spawn(async move {
        let mut c = Fake(listener.accept().await.expect("accept").0, BytesMut::new());
        c.expect(kind::CONNECT).await;
        c.send(kind::CONNECTED, &msg().str(1, "stand-in")).await;
        let lookup = c.expect(kind::LOOKUP).await;
        let f = lookup.fields().expect("fields");
        assert_eq!(
            f.string(1).as_deref(),
            Some("persistent://public/default/moved")
        );
        assert_ne!(f.int(3), Some(1), "the first lookup is not authoritative");
        let rid = f.int(2).expect("request id");
        let answer = msg().str(1, &owner_url).int(3, 0).int(4, rid).int(5, 1);
        c.send(kind::LOOKUP_RESPONSE, &answer).await;
        c // kept open until the end, as a broker would
    });
    let first = Client::connect(stand_in, None, Duration::from_secs(10))
        .await
        .expect("connect to the stand-in");
    assert_eq!(first.server_version(), "stand-in");
    let t = topic("moved");
    let timeout = Duration::from_secs(10);
    let client = connect_owner(first, &t, None, None, timeout, DEFAULT_KEEPALIVE)
        .await
        .expect("redirect followed");
    assert_eq!(client.addr(), owner.addr);
    assert_ne!(client.server_version(), "stand-in");
    let mut consumer = client
        .subscribe(&t, "s", SubType::Exclusive, InitialPosition::Earliest)
        .await
        .expect("subscribe on the owner");
    let producer = client.create_producer(&t).await.expect("producer");
    producer
        .send(Bytes::from_static(b"here"), Vec::new(), None)
        .await
        .expect("send");
    let m = consumer
        .next(timeout)
        .await
        .expect("next")
        .expect("a message");
    assert_eq!(&m.payload[..], b"here");
    drop(script.await.expect("stand-in script"));

    // A broker that redirects forever is given up on, saying so.
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let looping = listener.local_addr().expect("addr");
    let script = tokio::spawn(async move {
        let mut c = Fake(listener.accept().await.expect("accept").0, BytesMut::new());
        c.expect(kind::CONNECT).await;
        c.send(kind::CONNECTED, &msg().str(1, "loop")).await;
        loop {
            let f = c.expect(kind::LOOKUP).await;
            let rid = f.fields().expect("fields").int(2).expect("request id");
            let answer = msg()
                .str(1, &format!("pulsar://{looping}"))
                .int(3, 0)
                .int(4, rid);
            c.send(kind::LOOKUP_RESPONSE, &answer).await;
        }
    });
    let first = Client::connect(looping, None, timeout)
        .await
        .expect("connect");
    let err = connect_owner(first, &t, None, None, timeout, DEFAULT_KEEPALIVE)
        .await
        .expect_err("endless redirects");
    assert!(err.to_string().contains("redirected more than"), "{err}");
    script.abort();
}

/// Issue 12: one message that cannot be read (here: LZ4 data that is not LZ4) is reported
/// with its id and never makes the messages after it unreachable; acking it acks its entry.
#[tokio::test]
async fn unreadable_message_does_not_block_later_ones() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let broker = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.expect("accept");
        let mut c = Fake(socket, BytesMut::new());
        c.expect(kind::CONNECT).await;
        c.send(kind::CONNECTED, &msg().str(1, "fake")).await;
        let sub = c.expect(kind::SUBSCRIBE).await;
        let f = sub.fields().expect("fields");
        let (consumer, rid) = (f.int(4).expect("consumer"), f.int(5).expect("request"));
        c.send(kind::SUCCESS, &msg().int(1, rid)).await;
        c.expect(kind::FLOW).await;
        let id = |entry| MessageId {
            ledger_id: 1,
            entry_id: entry,
            partition: None,
            batch_index: None,
        };
        let cmd = |entry| {
            msg()
                .int(1, consumer)
                .bytes(2, &codec::encode_id(&id(entry)).0)
        };
        let bad = msg()
            .str(1, "fake")
            .int(2, 1)
            .int(3, 1000)
            .int(8, 1)
            .int(9, 64);
        let frame = codec::encode_frame(kind::MESSAGE, &cmd(1), Some((&bad, b"not lz4 at all")));
        c.0.write_all(&frame.expect("encode")).await.expect("write");
        let packed = Compression::Lz4.compress(b"fine").expect("lz4");
        let good = msg()
            .str(1, "fake")
            .int(2, 2)
            .int(3, 1001)
            .int(8, 1)
            .int(9, 4);
        let frame = codec::encode_frame(kind::MESSAGE, &cmd(2), Some((&good, &packed)));
        c.0.write_all(&frame.expect("encode")).await.expect("write");
        let ack = c.expect(kind::ACK).await;
        let f = ack.fields().expect("fields");
        let acked = codec::decode_id(f.bytes(3).expect("id")).expect("id");
        assert_eq!(acked, id(1), "the unreadable entry is acked");
        c
    });
    let client = Client::connect(addr, None, Duration::from_secs(5))
        .await
        .expect("connect");
    let t = topic("t");
    let mut consumer = client
        .subscribe(&t, "s", SubType::Exclusive, InitialPosition::Earliest)
        .await
        .expect("subscribe");
    let err = consumer
        .next(Duration::from_secs(5))
        .await
        .expect_err("unreadable");
    let PulsarError::Unreadable { id, reason } = &err else {
        panic!("expected unreadable, got {err}");
    };
    assert_eq!(id.to_string(), "1:1:-1:-1");
    assert!(reason.starts_with("LZ4"), "{reason}");
    consumer.ack(id).await.expect("ack");
    let m = consumer.next(Duration::from_secs(5)).await.expect("next");
    assert_eq!(&m.expect("the next message").payload[..], b"fine");
    drop(broker.await.expect("script"));
}

/// GET_TOPICS_OF_NAMESPACE against a stand-in broker that answers as Apache Pulsar documents
/// it (pulsar-lite does not answer it at all): the namespace and mode ALL are asked for, the
/// repeated `topics` come back in order, partitions fold into their topic; silence is a
/// timeout, which `arc streams ls` turns into its explanation.
#[tokio::test]
async fn fake_broker_topics_of_namespace() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let listed = [
        "persistent://arc/agents/events-partition-1",
        "persistent://arc/agents/audit",
        "persistent://arc/agents/events-partition-0",
        "non-persistent://arc/agents/presence",
    ];
    let broker = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.expect("accept");
        let mut c = Fake(socket, BytesMut::new());
        c.expect(kind::CONNECT).await;
        c.send(kind::CONNECTED, &msg().str(1, "fake-4")).await;
        let get = c.expect(kind::GET_TOPICS_OF_NAMESPACE).await;
        let f = get.fields().expect("fields");
        assert_eq!(f.string(2).as_deref(), Some("arc/agents"), "namespace");
        assert_eq!(f.int(3), Some(2), "mode ALL");
        let mut reply = msg().int(1, f.int(1).expect("request id"));
        for name in listed {
            reply = reply.str(2, name);
        }
        c.send(kind::GET_TOPICS_OF_NAMESPACE_RESPONSE, &reply).await;
        c.expect(kind::GET_TOPICS_OF_NAMESPACE).await; // left unanswered: a timeout
        c
    });
    let client = Client::connect(addr, None, Duration::from_secs(1))
        .await
        .expect("connect");
    let names = client
        .topics_of_namespace("arc/agents")
        .await
        .expect("topics");
    assert_eq!(names, listed);
    assert_eq!(
        fold_partitions(&names),
        [
            ("non-persistent://arc/agents/presence".to_owned(), 0),
            ("persistent://arc/agents/audit".to_owned(), 0),
            ("persistent://arc/agents/events".to_owned(), 2),
        ]
    );
    let err = client
        .topics_of_namespace("arc/agents")
        .await
        .expect_err("silence");
    assert!(
        matches!(err, PulsarError::Timeout("get topics of namespace")),
        "{err}"
    );
    drop(broker.await.expect("broker"));
}
