//! Just enough of HTTP/1.1, RESP and the NATS client protocol for probes and round trips.
//! Not general clients: the messaging commands use real client libraries.

use std::fmt::{self, Write as _};
use std::net::SocketAddr;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use super::HealthError;

/// The most a probe reads from one answer.
const MAX_ANSWER: usize = 64 * 1024;

/// A TCP connection to `addr`.
pub(super) async fn connect(addr: SocketAddr) -> Result<TcpStream, HealthError> {
    let s = TcpStream::connect(addr)
        .await
        .map_err(|source| HealthError::Connect { addr, source })?;
    let _ = s.set_nodelay(true);
    Ok(s)
}

fn io(addr: SocketAddr) -> impl Fn(std::io::Error) -> HealthError {
    move |source| HealthError::Io { addr, source }
}

/// `GET path` over HTTP/1.1 with `Connection: close`; the status and (bounded) body.
pub(super) async fn http_get(addr: SocketAddr, path: &str) -> Result<(u16, String), HealthError> {
    let mut s = connect(addr).await?;
    let req = format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nUser-Agent: arc\r\nConnection: close\r\n\r\n"
    );
    s.write_all(req.as_bytes()).await.map_err(io(addr))?;
    let mut buf = Vec::new();
    s.take(MAX_ANSWER as u64)
        .read_to_end(&mut buf)
        .await
        .map_err(io(addr))?;
    let text = String::from_utf8_lossy(&buf);
    let status = text
        .strip_prefix("HTTP/1.")
        .and_then(|r| r.get(2..5))
        .and_then(|c| c.parse::<u16>().ok())
        .ok_or_else(|| HealthError::Protocol(format!("not an HTTP answer from {addr}")))?;
    let body = text.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    Ok((status, body.to_owned()))
}

/// A RESP reply.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Reply {
    /// `+OK`.
    Simple(String),
    /// `-ERR …`.
    Error(String),
    /// `:1`.
    Integer(i64),
    /// `$3\r\nabc` or the nil bulk.
    Bulk(Option<Vec<u8>>),
    /// Arrays are not needed by probes; their length is kept.
    Array(i64),
}

impl fmt::Display for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Simple(s) => write!(f, "`{s}`"),
            Self::Error(e) => write!(f, "error `{e}`"),
            Self::Integer(i) => write!(f, "{i}"),
            Self::Bulk(Some(b)) => write!(f, "`{}`", String::from_utf8_lossy(b)),
            Self::Bulk(None) => f.write_str("nil"),
            Self::Array(n) => write!(f, "an array of {n}"),
        }
    }
}

/// A Redis connection speaking RESP2.
pub(super) struct Redis {
    addr: SocketAddr,
    stream: BufReader<TcpStream>,
}

impl Redis {
    /// Connects to `addr`.
    pub(super) async fn connect(addr: SocketAddr) -> Result<Self, HealthError> {
        Ok(Self {
            addr,
            stream: BufReader::new(connect(addr).await?),
        })
    }

    /// Sends one command and reads its reply.
    pub(super) async fn command(&mut self, args: &[&str]) -> Result<Reply, HealthError> {
        let mut req = format!("*{}\r\n", args.len());
        for a in args {
            let _ = write!(req, "${}\r\n{a}\r\n", a.len());
        }
        let addr = self.addr;
        self.stream
            .get_mut()
            .write_all(req.as_bytes())
            .await
            .map_err(io(addr))?;
        let mut line = String::new();
        (&mut self.stream)
            .take(MAX_ANSWER as u64)
            .read_line(&mut line)
            .await
            .map_err(io(addr))?;
        let line = line.trim_end();
        let (kind, rest) = line.split_at(line.len().min(1));
        match kind {
            "+" => Ok(Reply::Simple(rest.to_owned())),
            "-" => Ok(Reply::Error(rest.to_owned())),
            ":" => rest.parse().map(Reply::Integer).map_err(|_| bad(line)),
            "*" => rest.parse().map(Reply::Array).map_err(|_| bad(line)),
            "$" => {
                let len: i64 = rest.parse().map_err(|_| bad(line))?;
                let Ok(len) = usize::try_from(len) else {
                    return Ok(Reply::Bulk(None));
                };
                if len > MAX_ANSWER {
                    return Err(bad(line));
                }
                let mut buf = vec![0; len + 2];
                self.stream.read_exact(&mut buf).await.map_err(io(addr))?;
                buf.truncate(len);
                Ok(Reply::Bulk(Some(buf)))
            }
            _ => Err(bad(line)),
        }
    }
}

fn bad(line: &str) -> HealthError {
    HealthError::Protocol(format!("`{}`", line.chars().take(80).collect::<String>()))
}

/// A NATS connection (text protocol, no auth).
pub(super) struct Nats {
    addr: SocketAddr,
    stream: BufReader<TcpStream>,
}

impl Nats {
    /// Connects, reads `INFO`, sends `CONNECT` and waits for the first `PONG`.
    pub(super) async fn connect(addr: SocketAddr) -> Result<Self, HealthError> {
        let mut n = Self {
            addr,
            stream: BufReader::new(connect(addr).await?),
        };
        let info = n.line().await?;
        if !info.starts_with("INFO ") {
            return Err(bad(&info));
        }
        n.send("CONNECT {\"verbose\":false,\"pedantic\":false,\"name\":\"arc-health\",\"lang\":\"rust\",\"protocol\":1}\r\nPING\r\n").await?;
        n.expect_pong().await?;
        Ok(n)
    }

    async fn send(&mut self, text: &str) -> Result<(), HealthError> {
        let addr = self.addr;
        self.stream
            .get_mut()
            .write_all(text.as_bytes())
            .await
            .map_err(io(addr))
    }

    async fn line(&mut self) -> Result<String, HealthError> {
        let mut line = String::new();
        let addr = self.addr;
        let n = (&mut self.stream)
            .take(MAX_ANSWER as u64)
            .read_line(&mut line)
            .await
            .map_err(io(addr))?;
        if n == 0 {
            return Err(HealthError::Protocol(format!(
                "{addr} closed the connection"
            )));
        }
        Ok(line.trim_end().to_owned())
    }

    async fn expect_pong(&mut self) -> Result<(), HealthError> {
        loop {
            let l = self.line().await?;
            match l.as_str() {
                "PONG" => return Ok(()),
                "PING" => self.send("PONG\r\n").await?,
                l if l.starts_with("-ERR") => return Err(HealthError::Unhealthy(l.to_owned())),
                l if l.starts_with("INFO ") || l == "+OK" => {}
                other => return Err(bad(other)),
            }
        }
    }

    /// Subscribes to `subject`, publishes `payload` to it and waits for it to come back.
    pub(super) async fn round_trip(
        &mut self,
        subject: &str,
        payload: &[u8],
    ) -> Result<(), HealthError> {
        self.send(&format!("SUB {subject} 1\r\nPING\r\n")).await?;
        self.expect_pong().await?;
        let mut msg = format!("PUB {subject} {}\r\n", payload.len()).into_bytes();
        msg.extend_from_slice(payload);
        msg.extend_from_slice(b"\r\n");
        let addr = self.addr;
        self.stream
            .get_mut()
            .write_all(&msg)
            .await
            .map_err(io(addr))?;
        loop {
            let l = self.line().await?;
            if l == "PING" {
                self.send("PONG\r\n").await?;
                continue;
            }
            if l.starts_with("-ERR") {
                return Err(HealthError::Unhealthy(l));
            }
            if let Some(rest) = l.strip_prefix("MSG ") {
                let len: usize = rest
                    .rsplit(' ')
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|&n| n <= MAX_ANSWER)
                    .ok_or_else(|| bad(&l))?;
                let mut buf = vec![0; len + 2];
                self.stream.read_exact(&mut buf).await.map_err(io(addr))?;
                buf.truncate(len);
                if buf == payload {
                    let _ = self.send("UNSUB 1\r\n").await;
                    return Ok(());
                }
                return Err(HealthError::Unhealthy(
                    "received a different payload".into(),
                ));
            }
        }
    }
}
