//! NATS connections and the received-message envelope the CLI prints.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use async_nats::{Client, ConnectOptions};
use serde::Serialize;

use super::BusError;

/// How to connect to NATS. Debug output never shows secrets.
#[derive(Clone, Default)]
pub(crate) struct NatsOptions {
    /// Server URL (may carry `user:password@`).
    pub server: String,
    /// Token.
    pub token: Option<String>,
    /// User name.
    pub user: Option<String>,
    /// Password.
    pub password: Option<String>,
    /// Credentials file.
    pub creds: Option<PathBuf>,
    /// Connection timeout.
    pub timeout: Duration,
}

impl fmt::Debug for NatsOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NatsOptions")
            .field("server", &redact(&self.server))
            .field("token", &self.token.as_ref().map(|_| "***"))
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("creds", &self.creds)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// The servers of a list as `ARC_NATS_URL` holds it (`nats://a:4222,nats://b:4223`): each
/// URL, blanks dropped. A client given several connects to any live one, and on losing it
/// reconnects to another (including nodes the cluster announces).
pub(crate) fn server_list(urls: &str) -> Vec<String> {
    urls.split(',')
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `url` (or a comma-separated list of them) with any `user:password@` or `token@` shown as
/// `***@`.
pub(crate) fn redact(url: &str) -> String {
    if url.contains(',') {
        return url.split(',').map(redact).collect::<Vec<_>>().join(",");
    }
    let (scheme, rest) = url.split_once("://").map_or(("", url), |(s, r)| (s, r));
    let (authority, path) = rest
        .split_once('/')
        .map_or((rest, None), |(a, p)| (a, Some(p)));
    let shown = match authority.rsplit_once('@') {
        Some((_, host)) => format!("***@{host}"),
        None => authority.to_owned(),
    };
    let mut out = if scheme.is_empty() {
        shown
    } else {
        format!("{scheme}://{shown}")
    };
    if let Some(p) = path {
        out.push('/');
        out.push_str(p);
    }
    out
}

/// Connects to the first live server of `o.server` (a URL or a comma-separated list), failing
/// fast when none answers (no background retry of the first connection); later, a lost
/// connection is retried on every server of the list.
pub(crate) async fn connect(o: &NatsOptions) -> Result<Client, BusError> {
    let server = redact(&o.server);
    let fail = |source: super::BoxError| BusError::Connect {
        server: server.clone(),
        source,
    };
    // A cause may echo the token or the password: each link is scrubbed before it is kept.
    let scrubbed = |e: &(dyn std::error::Error + 'static)| -> super::BoxError {
        Box::new(super::Scrubbed::new(e, &|t: &str| scrub(t, o)))
    };
    let mut opts = ConnectOptions::new()
        .name("arc")
        // A burst is buffered rather than dropped as a slow consumer while arc prints it.
        .subscription_capacity(1 << 18)
        .connection_timeout(o.timeout)
        .request_timeout(Some(o.timeout))
        // A node cut off the network leaves a silent connection, noticed only when pings go
        // unanswered: every 5 s, so a long `arc sub` or `arc tail` moves to another node of the
        // list within about 15 s rather than the default's minutes.
        .ping_interval(std::time::Duration::from_secs(5));
    if let Some(t) = &o.token {
        opts = opts.token(t.clone());
    }
    if let (Some(u), Some(p)) = (&o.user, &o.password) {
        opts = opts.user_and_password(u.clone(), p.clone());
    }
    if let Some(c) = &o.creds {
        opts = opts.credentials_file(c).await.map_err(|e| {
            let what = format!("cannot read credentials `{}`", c.display());
            fail(Box::new(BusError::op(what, e)))
        })?;
    }
    match tokio::time::timeout(
        o.timeout + Duration::from_millis(500),
        opts.connect(server_list(&o.server)),
    )
    .await
    {
        Ok(Ok(client)) => Ok(client),
        Ok(Err(e)) => Err(fail(scrubbed(&e))),
        Err(_) => Err(fail(
            format!("no answer within {}", crate::format::duration(o.timeout)).into(),
        )),
    }
}

/// Subscribes to `subject` (in queue group `queue` when given) and flushes, so the server has
/// the interest before the caller says it listens.
pub(crate) async fn subscribe(
    client: &Client,
    subject: &str,
    queue: Option<&str>,
) -> Result<async_nats::Subscriber, BusError> {
    let op = || format!("subscribe to `{subject}`");
    let sub = match queue {
        Some(q) => {
            client
                .queue_subscribe(subject.to_owned(), q.to_owned())
                .await
        }
        None => client.subscribe(subject.to_owned()).await,
    }
    .map_err(|e| BusError::op(op(), e))?;
    client.flush().await.map_err(|e| BusError::op(op(), e))?;
    Ok(sub)
}

/// Removes secrets from a message that might echo them.
fn scrub(text: &str, o: &NatsOptions) -> String {
    let mut t = text.to_owned();
    for secret in [&o.token, &o.password].into_iter().flatten() {
        if !secret.is_empty() {
            t = t.replace(secret.as_str(), "***");
        }
    }
    t
}

/// A message as arc prints it (`--json`, JSON Lines).
#[derive(Debug, Clone, Serialize)]
#[allow(clippy::struct_field_names)] // the field names are the `--json` keys
pub(crate) struct Received {
    /// The subject (or Pulsar topic).
    pub subject: String,
    /// The reply subject.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reply: Option<String>,
    /// Headers (NATS) or properties (Pulsar).
    pub headers: BTreeMap<String, Vec<String>>,
    /// The payload: text when it is UTF-8, else base64.
    pub data: String,
    /// `utf8` or `base64`.
    pub encoding: &'static str,
    /// When arc received it (RFC 3339, UTC, ms).
    pub received: String,
    /// When the server stored it (replays).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    /// The JetStream stream or Pulsar topic it came from (replays).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stream: Option<String>,
    /// Its sequence (JetStream) or message id (Pulsar).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seq: Option<String>,
    /// Its key (Pulsar), when one was set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Its ordering key (Pulsar), when one was set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ordering_key: Option<String>,
    /// Its event time (Pulsar; RFC 3339, UTC, ms), when the producer set one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_time: Option<String>,
}

impl Received {
    /// The envelope of a core NATS message.
    pub(crate) fn from_nats(m: &async_nats::Message) -> Self {
        let mut r = Self::new(m.subject.as_str(), &m.payload);
        r.reply = m.reply.as_ref().map(|s| s.as_str().to_owned());
        if let Some(h) = &m.headers {
            r.headers = headers_map(h);
        }
        r
    }

    /// An envelope with subject and payload; the rest empty.
    pub(crate) fn new(subject: &str, payload: &[u8]) -> Self {
        let (data, encoding) = match std::str::from_utf8(payload) {
            Ok(s) => (s.to_owned(), "utf8"),
            Err(_) => (base64(payload), "base64"),
        };
        Self {
            subject: subject.to_owned(),
            reply: None,
            headers: BTreeMap::new(),
            data,
            encoding,
            received: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            published: None,
            stream: None,
            seq: None,
            key: None,
            ordering_key: None,
            event_time: None,
        }
    }
}

/// NATS headers as a sorted map.
pub(crate) fn headers_map(h: &async_nats::HeaderMap) -> BTreeMap<String, Vec<String>> {
    h.iter()
        .map(|(k, vs)| (k.to_string(), vs.iter().map(ToString::to_string).collect()))
        .collect()
}

/// Parses `key:value` header flags.
pub(crate) fn parse_headers(flags: &[String]) -> Result<Vec<(String, String)>, BusError> {
    flags
        .iter()
        .map(|f| match f.split_once(':') {
            Some((k, v)) if !k.trim().is_empty() && !k.contains(char::is_whitespace) => {
                Ok((k.trim().to_owned(), v.trim_start().to_owned()))
            }
            _ => Err(BusError::Invalid {
                what: "header",
                input: f.clone(),
                reason: "expected `key:value` with a key of no spaces".into(),
                example: "`-H kind:created`".into(),
            }),
        })
        .collect()
}

/// Standard base64 with padding.
pub(crate) fn base64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(T[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_redacted() {
        assert_eq!(
            redact("nats://u:secret@127.0.0.1:4222"),
            "nats://***@127.0.0.1:4222"
        );
        assert_eq!(redact("nats://127.0.0.1:4222"), "nats://127.0.0.1:4222");
        assert_eq!(redact("http://tok@h:1/admin"), "http://***@h:1/admin");
        let o = NatsOptions {
            server: "nats://a:pw@h:1".into(),
            token: Some("t0k3n".into()),
            password: Some("pw".into()),
            ..NatsOptions::default()
        };
        let d = format!("{o:?}");
        assert!(!d.contains("t0k3n") && !d.contains("pw@"), "{d}");
        assert_eq!(scrub("bad token t0k3n", &o), "bad token ***");
    }

    #[test]
    fn headers_parse() {
        assert_eq!(
            parse_headers(&["a:b".into(), "k: v:w".into()]).unwrap(),
            [("a".into(), "b".into()), ("k".into(), "v:w".into())]
        );
        assert!(parse_headers(&["nocolon".into()]).is_err());
        assert!(parse_headers(&[":v".into()]).is_err());
    }

    #[test]
    fn base64_matches_the_standard() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(&[0xff, 0xfe]), "//4=");
    }
}
