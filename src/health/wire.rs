//! The connections probes make, through the crates arc already links: a TCP connect, one small
//! HTTP client for every HTTP probe (reqwest: chunked bodies, redirects off, no proxy), the
//! `redis` crate for RESP and `async-nats` for the NATS round trip. Nothing here speaks a wire
//! protocol by hand.

use std::net::SocketAddr;
use std::time::Duration;

use futures::StreamExt as _;
use tokio::net::TcpStream;

use super::HealthError;

/// The most a probe reads from one HTTP answer.
const MAX_ANSWER: usize = 64 * 1024;

/// A TCP connection to `addr`.
pub(super) async fn connect(addr: SocketAddr) -> Result<TcpStream, HealthError> {
    let s = TcpStream::connect(addr)
        .await
        .map_err(|source| HealthError::Connect {
            addr,
            source: Box::new(source),
        })?;
    let _ = s.set_nodelay(true);
    Ok(s)
}

/// Whether a client error means nothing accepted the connection (rather than a broken
/// conversation): an I/O error of the connect kinds at the root of its causes.
fn is_connect_failure(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut next = Some(e);
    while let Some(e) = next {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            return matches!(
                io.kind(),
                std::io::ErrorKind::ConnectionRefused
                    | std::io::ErrorKind::ConnectionReset
                    | std::io::ErrorKind::AddrNotAvailable
                    | std::io::ErrorKind::HostUnreachable
                    | std::io::ErrorKind::NetworkUnreachable
            );
        }
        next = e.source();
    }
    false
}

/// A client error as a [`HealthError`]: [`HealthError::Connect`] when nothing accepted the
/// connection, else [`HealthError::Io`]; the client's error is kept as the cause.
fn client_error(
    addr: SocketAddr,
    e: impl std::error::Error + Send + Sync + 'static,
) -> HealthError {
    if is_connect_failure(&e) {
        HealthError::Connect {
            addr,
            source: Box::new(e),
        }
    } else {
        HealthError::Io {
            addr,
            source: Box::new(e),
        }
    }
}

/// `GET path` on `addr`; the status and the (bounded, de-chunked) body as text.
pub(super) async fn http_get(addr: SocketAddr, path: &str) -> Result<(u16, String), HealthError> {
    let client = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .user_agent("arc")
        .build()
        .map_err(|e| client_error(addr, e))?;
    let url = format!("http://{addr}{path}");
    let response = client
        .get(&url)
        .send()
        .await
        .map_err(|e| client_error(addr, e.without_url()))?;
    let status = response.status().as_u16();
    let mut response = response;
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| client_error(addr, e.without_url()))?
    {
        body.extend_from_slice(&chunk[..chunk.len().min(MAX_ANSWER - body.len())]);
        if body.len() >= MAX_ANSWER {
            break;
        }
    }
    Ok((status, String::from_utf8_lossy(&body).into_owned()))
}

/// A Redis connection to `addr` (no password: the probe's own connection).
pub(super) async fn redis(
    addr: SocketAddr,
    timeout: Duration,
) -> Result<redis::aio::MultiplexedConnection, HealthError> {
    let client =
        redis::Client::open(format!("redis://{addr}/")).map_err(|e| client_error(addr, e))?;
    let config = redis::AsyncConnectionConfig::new()
        .set_connection_timeout(timeout)
        .set_response_timeout(timeout);
    client
        .get_multiplexed_async_connection_with_config(&config)
        .await
        .map_err(|e| client_error(addr, e))
}

/// Sends one Redis command and reads its reply.
pub(super) async fn redis_command(
    conn: &mut redis::aio::MultiplexedConnection,
    addr: SocketAddr,
    args: &[&str],
) -> Result<redis::Value, HealthError> {
    let mut cmd = redis::Cmd::new();
    for a in args {
        cmd.arg(*a);
    }
    match cmd.query_async::<redis::Value>(conn).await {
        Ok(v) => Ok(v),
        // The server answered with an error: it is up, and said no.
        Err(e) if e.kind() != redis::ErrorKind::IoError => Err(HealthError::Unhealthy(format!(
            "{} answered error `{e}`",
            args.first().copied().unwrap_or_default()
        ))),
        Err(e) => Err(client_error(addr, e)),
    }
}

/// A Redis reply as a probe's message shows it.
pub(super) fn show(v: &redis::Value) -> String {
    match v {
        redis::Value::SimpleString(s) => format!("`{s}`"),
        redis::Value::Okay => "`OK`".into(),
        redis::Value::BulkString(b) => format!("`{}`", String::from_utf8_lossy(b)),
        redis::Value::Int(i) => i.to_string(),
        redis::Value::Nil => "nil".into(),
        other => format!("{other:?}"),
    }
}

/// A NATS connection to `addr` (no credentials: the probe's own connection), failing at once
/// when nothing answers.
pub(super) async fn nats(
    addr: SocketAddr,
    timeout: Duration,
) -> Result<async_nats::Client, HealthError> {
    // The client's connect future is large; boxed, it does not weigh on every caller's.
    Box::pin(
        async_nats::ConnectOptions::new()
            .name("arc-health")
            .connection_timeout(timeout)
            .connect(format!("nats://{addr}")),
    )
    .await
    .map_err(|e| client_error(addr, e))
}

/// The stream the deep check of Flash writes to: its own, small, on file storage (a JetStream
/// whose store is wedged, by a full disk for one, fails it), old entries dropped.
const HEALTH_STREAM: &str = "ARC_HEALTH";

/// A JetStream round trip: `payload` published to `subject` (under `_arc.health.js.>`) with an
/// acknowledgement from the health stream, then read back from it by its sequence.
pub(super) async fn jetstream_round_trip(
    client: &async_nats::Client,
    subject: &str,
    payload: &[u8],
) -> Result<(), HealthError> {
    use async_nats::jetstream::{self, stream};
    let failed = |what: &str| {
        let what = what.to_owned();
        move |e: Box<dyn std::error::Error + Send + Sync>| HealthError::Failed {
            what: what.clone(),
            source: e,
        }
    };
    let js = jetstream::new(client.clone());
    let health = js
        .get_or_create_stream(stream::Config {
            name: HEALTH_STREAM.to_owned(),
            subjects: vec!["_arc.health.js.>".to_owned()],
            storage: stream::StorageType::File,
            max_messages: 64,
            max_age: Duration::from_secs(600),
            ..Default::default()
        })
        .await
        .map_err(|e| failed(&format!("create the stream {HEALTH_STREAM}"))(e.into()))?;
    let ack = js
        .publish(subject.to_owned(), payload.to_vec().into())
        .await
        .map_err(|e| failed(&format!("publish to {subject}"))(e.into()))?
        .await
        .map_err(|e| failed(&format!("JetStream's acknowledgement of {subject}"))(e.into()))?;
    let stored = health.get_raw_message(ack.sequence).await.map_err(|e| {
        failed(&format!("read {HEALTH_STREAM} sequence {}", ack.sequence))(e.into())
    })?;
    if stored.payload.as_ref() == payload {
        Ok(())
    } else {
        Err(HealthError::Unhealthy(format!(
            "{HEALTH_STREAM} sequence {} holds another payload",
            ack.sequence
        )))
    }
}

/// Subscribes to `subject`, publishes `payload` to it and waits for it to come back.
pub(super) async fn nats_round_trip(
    client: &async_nats::Client,
    addr: SocketAddr,
    subject: &str,
    payload: &[u8],
) -> Result<(), HealthError> {
    let mut sub = client
        .subscribe(subject.to_owned())
        .await
        .map_err(|e| client_error(addr, e))?;
    client.flush().await.map_err(|e| client_error(addr, e))?;
    client
        .publish(subject.to_owned(), payload.to_vec().into())
        .await
        .map_err(|e| client_error(addr, e))?;
    client.flush().await.map_err(|e| client_error(addr, e))?;
    let msg = sub.next().await.ok_or_else(|| {
        HealthError::Unhealthy(format!("{addr} ended the subscription to `{subject}`"))
    })?;
    let _ = sub.unsubscribe().await;
    if msg.payload.as_ref() == payload {
        Ok(())
    } else {
        Err(HealthError::Unhealthy(
            "received a different payload".into(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

    use super::*;

    /// A server that answers one request with `answer`, written in the pieces given.
    async fn answering(pieces: &'static [&'static str]) -> SocketAddr {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let (mut s, _) = listener.accept().await.unwrap();
            let mut request = Vec::new();
            let mut buf = [0; 1024];
            while !request.ends_with(b"\r\n\r\n") {
                let n = s.read(&mut buf).await.unwrap();
                if n == 0 {
                    return;
                }
                request.extend_from_slice(&buf[..n]);
            }
            for p in pieces {
                s.write_all(p.as_bytes()).await.unwrap();
                s.flush().await.unwrap();
            }
        });
        addr
    }

    /// Issue 16: the hand-written HTTP probe returned a chunked body with its chunk sizes
    /// (`2\r\nok\r\n0\r\n\r\n`), so Pulsar's `ok` did not read as `ok`.
    #[tokio::test]
    async fn a_chunked_body_is_read_whole() {
        let addr = answering(&[
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n",
            "1\r\no\r\n",
            "1\r\nk\r\n",
            "0\r\n\r\n",
        ])
        .await;
        let (status, body) = http_get(addr, "/admin/v2/brokers/health").await.unwrap();
        assert_eq!((status, body.as_str()), (200, "ok"));
    }

    #[tokio::test]
    async fn a_pulsar_admin_answering_chunked_ok_is_healthy() {
        let admin = answering(&[
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
        ])
        .await;
        let target = super::super::Target {
            kind: crate::spec::ProbeKind::Pulsar,
            // Nothing listens on the broker port: the admin API's answer decides.
            addr: SocketAddr::from(([127, 0, 0, 1], 1)),
            extra: [("admin".to_owned(), admin)].into(),
            path: None,
            params: std::collections::BTreeMap::new(),
            cluster: None,
        };
        let outcome = super::super::probe(&target, Duration::from_secs(5)).await;
        assert!(outcome.healthy, "{outcome:?}");
        assert_eq!(outcome.detail, "GET /admin/v2/brokers/health: ok");
    }

    #[tokio::test]
    async fn nothing_listening_is_a_connect_error_with_its_cause() {
        let addr = std::net::SocketAddr::from(([127, 0, 0, 1], crate::test_ports::free_port()));
        let e = http_get(addr, "/").await.unwrap_err();
        assert!(matches!(e, HealthError::Connect { .. }), "{e:?}");
        assert!(
            e.to_string().starts_with(&format!("connect to {addr}: ")),
            "{e}"
        );
        assert!(
            crate::format::chain(&e).contains("Connection refused"),
            "{e}"
        );
        let e = redis(addr, Duration::from_secs(2)).await.unwrap_err();
        assert!(matches!(e, HealthError::Connect { .. }), "{e:?}");
        let e = nats(addr, Duration::from_secs(2)).await.unwrap_err();
        assert!(
            crate::format::chain(&e).contains("Connection refused"),
            "{e}"
        );
    }
}
