//! The typed client of the pipeline's API, for the commands (`arc config`, `arc backbones`,
//! `arc messages`, `arc replay --log`, `arc tail --log`): the server's own request and answer
//! types (`Envelope`, `Backbone`, `Page`, `Listing`), URLs built by `reqwest::Url` (paths and
//! query values percent-encoded there), and errors that keep their cause.
//!
//! It neither prints nor decides what an answer means to a user: a refusal comes back as
//! [`ClientError::Refused`] with the API's status, `reason` code and message.

use std::time::Duration;

use futures::StreamExt as _;
use reqwest::{Method, Url};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use tokio_tungstenite::tungstenite::{self, client::IntoClientRequest as _, Message};

use super::api::dead::DeadList;
use super::api::messages::{ListQuery, Page};
use super::dead::{Action, DeadLetter, Listing};
use super::envelope::Envelope;
use super::store::Backbone;

/// How long a request may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// How long the feed's WebSocket handshake may take.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Why a call to the pipeline's API did not succeed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ClientError {
    /// The pipeline's URL cannot be used.
    #[error("`{base}` is not a usable pipeline URL (like http://127.0.0.1:8090)")]
    BadUrl {
        base: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// No answer: nothing listens there, or the connection broke.
    #[error("cannot reach the pipeline at {base}")]
    Unreachable {
        base: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The API answered with an error.
    #[error("{message} (HTTP {status})")]
    Refused {
        status: u16,
        /// The API's stable code (`not_found`, `invalid`, `unavailable`, …); `None` when the
        /// answer was not the API's (no such route, a proxy in between).
        reason: Option<String>,
        message: String,
    },
    /// The answer is not what the API sends.
    #[error("the pipeline at {base} answered {what} with something else than the API's answer")]
    Unreadable {
        base: String,
        what: String,
        #[source]
        source: serde_json::Error,
    },
    /// The feed's handshake did not finish in time.
    #[error("the pipeline at {base} did not open the feed within {}s", HANDSHAKE_TIMEOUT.as_secs())]
    FeedTimeout { base: String },
    /// The feed's URL answered, but not with a WebSocket.
    #[error("the pipeline at {base} answered /v1/feed with HTTP {status}, not a WebSocket")]
    NotAFeed { base: String, status: u16 },
    /// The pipeline closed the feed (its reason, as it gave it).
    #[error("the pipeline closed the feed: {reason}")]
    FeedClosed { reason: String },
    /// The feed ended without a close frame.
    #[error("the pipeline at {base} ended the feed without a reason")]
    FeedEnded { base: String },
    /// The feed's connection broke.
    #[error("the feed from {base} broke")]
    FeedBroke {
        base: String,
        #[source]
        source: tungstenite::Error,
    },
}

impl ClientError {
    /// The HTTP status of a refusal.
    pub(crate) fn status(&self) -> Option<u16> {
        match self {
            ClientError::Refused { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The API's `reason` code of a refusal.
    pub(crate) fn reason(&self) -> Option<&str> {
        match self {
            ClientError::Refused { reason, .. } => reason.as_deref(),
            _ => None,
        }
    }
}

/// A versioned resource and its `ETag`.
#[derive(Debug)]
pub(crate) struct Versioned<T> {
    pub body: T,
    pub etag: Option<String>,
    /// The answer was 201 Created.
    pub created: bool,
}

/// A config document of the config store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ConfigDoc {
    Global,
    Topic(String),
    /// Every topic (read only).
    Topics,
}

impl ConfigDoc {
    fn segments(&self) -> Vec<&str> {
        match self {
            ConfigDoc::Global => vec!["v1", "config", "global"],
            ConfigDoc::Topic(name) => vec!["v1", "config", "topics", name],
            ConfigDoc::Topics => vec!["v1", "config", "topics"],
        }
    }
}

/// The pipeline's API, as its admin.
pub(crate) struct Client {
    base: Url,
    token: String,
    http: reqwest::Client,
}

/// One answer, before it is read.
struct Reply {
    status: u16,
    etag: Option<String>,
    body: Vec<u8>,
}

impl Client {
    /// A client of the pipeline at `base` (`http://host:port`), with the admin token.
    pub(crate) fn new(base: &str, token: String) -> Result<Self, ClientError> {
        let bad = |source: Box<dyn std::error::Error + Send + Sync>| ClientError::BadUrl {
            base: base.to_owned(),
            source,
        };
        let url = Url::parse(base).map_err(|e| bad(Box::new(e)))?;
        if !matches!(url.scheme(), "http" | "https") || url.cannot_be_a_base() {
            return Err(bad(format!(
                "`{}` is not http:// or https://",
                url.scheme()
            )
            .into()));
        }
        let http = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .build()
            .map_err(|e| bad(Box::new(e)))?;
        Ok(Client {
            base: url,
            token,
            http,
        })
    }

    /// The pipeline's URL, as given.
    pub(crate) fn base(&self) -> &str {
        self.base.as_str().trim_end_matches('/')
    }

    /// The URL of `segments` (each percent-encoded as a path segment) and `query`.
    fn url(&self, segments: &[&str], query: &[(&str, &str)]) -> Url {
        let mut url = self.base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        url
    }

    async fn send(
        &self,
        method: Method,
        url: Url,
        body: Option<&serde_json::Value>,
        if_match: Option<&str>,
    ) -> Result<Reply, ClientError> {
        let mut req = self.http.request(method, url).bearer_auth(&self.token);
        if let Some(b) = body {
            req = req.json(b);
        }
        if let Some(e) = if_match {
            req = req.header(reqwest::header::IF_MATCH, e);
        }
        let unreachable = |e: reqwest::Error| ClientError::Unreachable {
            base: self.base().to_owned(),
            source: Box::new(e),
        };
        let resp = req.send().await.map_err(unreachable)?;
        let status = resp.status().as_u16();
        let etag = resp
            .headers()
            .get(reqwest::header::ETAG)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = resp.bytes().await.map_err(unreachable)?.to_vec();
        Ok(Reply { status, etag, body })
    }

    /// Sends, and takes the answer only with one of the `ok` statuses.
    async fn call(
        &self,
        method: Method,
        segments: &[&str],
        query: &[(&str, &str)],
        body: Option<&serde_json::Value>,
        if_match: Option<&str>,
    ) -> Result<Reply, ClientError> {
        let reply = self
            .send(method, self.url(segments, query), body, if_match)
            .await?;
        if (200..300).contains(&reply.status) {
            Ok(reply)
        } else {
            Err(refused(reply.status, &reply.body))
        }
    }

    fn read<T: DeserializeOwned>(&self, what: &str, reply: &Reply) -> Result<T, ClientError> {
        serde_json::from_slice(&reply.body).map_err(|source| ClientError::Unreadable {
            base: self.base().to_owned(),
            what: what.to_owned(),
            source,
        })
    }

    /// `GET` a config document (or every topic's).
    pub(crate) async fn config(
        &self,
        doc: &ConfigDoc,
    ) -> Result<Versioned<serde_json::Value>, ClientError> {
        let r = self
            .call(Method::GET, &doc.segments(), &[], None, None)
            .await?;
        Ok(Versioned {
            body: self.read("a config read", &r)?,
            etag: r.etag,
            created: false,
        })
    }

    /// `PUT` a config document, replacing version `if_match` (none: creating it).
    pub(crate) async fn put_config(
        &self,
        doc: &ConfigDoc,
        body: &serde_json::Value,
        if_match: Option<&str>,
    ) -> Result<Versioned<serde_json::Value>, ClientError> {
        let r = self
            .call(Method::PUT, &doc.segments(), &[], Some(body), if_match)
            .await?;
        Ok(Versioned {
            body: self.read("a config write", &r)?,
            etag: r.etag,
            created: r.status == 201,
        })
    }

    /// `DELETE` a config document.
    pub(crate) async fn delete_config(&self, doc: &ConfigDoc) -> Result<(), ClientError> {
        self.call(Method::DELETE, &doc.segments(), &[], None, None)
            .await
            .map(drop)
    }

    /// Every registered backbone.
    pub(crate) async fn backbones(&self) -> Result<Vec<Backbone>, ClientError> {
        let r = self
            .call(Method::GET, &["v1", "backbones"], &[], None, None)
            .await?;
        self.read("GET /v1/backbones", &r)
    }

    /// One backbone.
    pub(crate) async fn backbone(&self, system_id: &str) -> Result<Backbone, ClientError> {
        let r = self
            .call(
                Method::GET,
                &["v1", "backbones", system_id],
                &[],
                None,
                None,
            )
            .await?;
        self.read("GET /v1/backbones/{system_id}", &r)
    }

    /// Registers a backbone; answers the stored record.
    pub(crate) async fn add_backbone(&self, b: &Backbone) -> Result<Backbone, ClientError> {
        let body = serde_json::to_value(b).unwrap_or_default();
        let r = self
            .call(Method::POST, &["v1", "backbones"], &[], Some(&body), None)
            .await?;
        self.read("POST /v1/backbones", &r)
    }

    /// Replaces a registered backbone's record, only if it is still at `version` (the record's
    /// `version` as [`Client::backbone`] read it); answers the stored record.
    pub(crate) async fn put_backbone(
        &self,
        b: &Backbone,
        version: i64,
    ) -> Result<Backbone, ClientError> {
        let mut record = b.clone();
        record.version = None;
        record.created_at = None;
        record.updated_at = None;
        let body = serde_json::to_value(&record).unwrap_or_default();
        let etag = format!("\"v{version}\"");
        let r = self
            .call(
                Method::PUT,
                &["v1", "backbones", &b.system_id],
                &[],
                Some(&body),
                Some(&etag),
            )
            .await?;
        self.read("PUT /v1/backbones/{system_id}", &r)
    }

    /// Removes a backbone from the registry.
    pub(crate) async fn remove_backbone(&self, system_id: &str) -> Result<(), ClientError> {
        self.call(
            Method::DELETE,
            &["v1", "backbones", system_id],
            &[],
            None,
            None,
        )
        .await
        .map(drop)
    }

    /// The logged message `id`.
    pub(crate) async fn message(&self, id: &str) -> Result<Envelope, ClientError> {
        let r = self
            .call(Method::GET, &["v1", "messages", id], &[], None, None)
            .await?;
        self.read("GET /v1/messages/{id}", &r)
    }

    /// One page of the log.
    pub(crate) async fn messages(&self, q: &ListQuery) -> Result<Page, ClientError> {
        let limit = q.limit.map(|l| l.to_string());
        let query: Vec<(&str, &str)> = [
            ("subject", q.subject.as_deref()),
            ("since", q.since.as_deref()),
            ("until", q.until.as_deref()),
            ("sender", q.sender.as_deref()),
            ("limit", limit.as_deref()),
            ("cursor", q.cursor.as_deref()),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect();
        let r = self
            .call(Method::GET, &["v1", "messages"], &query, None, None)
            .await?;
        self.read("GET /v1/messages", &r)
    }

    /// The dead letters of `place` (every place when `None`), up to `limit` a place.
    pub(crate) async fn dead(
        &self,
        place: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Listing>, ClientError> {
        let limit = limit.to_string();
        let mut query = vec![("limit", limit.as_str())];
        if let Some(p) = place {
            query.push(("place", p));
        }
        let r = self
            .call(Method::GET, &["v1", "dead"], &query, None, None)
            .await?;
        self.read::<DeadList>("GET /v1/dead", &r).map(|d| d.places)
    }

    /// Retries or drops one dead letter; answers it.
    pub(crate) async fn take_dead(
        &self,
        dead_id: &str,
        action: Action,
    ) -> Result<DeadLetter, ClientError> {
        let (method, segments) = match action {
            Action::Retry => (Method::POST, vec!["v1", "dead", dead_id, "retry"]),
            Action::Drop => (Method::DELETE, vec!["v1", "dead", dead_id]),
        };
        let r = self.call(method, &segments, &[], None, None).await?;
        let mut answer: std::collections::BTreeMap<String, DeadLetter> =
            self.read("a dead letter's retry or drop", &r)?;
        answer
            .remove(action.done())
            .ok_or_else(|| ClientError::Unreadable {
                base: self.base().to_owned(),
                what: "a dead letter's retry or drop".into(),
                source: serde::de::Error::missing_field(action.done()),
            })
    }

    /// Retries or drops every dead letter of `place` (as given: the API checks it); answers
    /// how many.
    pub(crate) async fn take_all_dead(
        &self,
        place: &str,
        action: Action,
    ) -> Result<u64, ClientError> {
        let (method, segments) = match action {
            Action::Retry => (Method::POST, vec!["v1", "dead", "retry"]),
            Action::Drop => (Method::DELETE, vec!["v1", "dead"]),
        };
        let r = self
            .call(method, &segments, &[("place", place)], None, None)
            .await?;
        let mut answer: std::collections::BTreeMap<String, u64> =
            self.read("a retry or drop of dead letters", &r)?;
        Ok(answer.remove(action.done()).unwrap_or(0))
    }

    /// Follows the live feed of messages matching `pattern`.
    pub(crate) async fn feed(&self, pattern: &str) -> Result<Feed, ClientError> {
        let mut url = self.url(&["v1", "feed"], &[("subject", pattern)]);
        let scheme = if url.scheme() == "https" { "wss" } else { "ws" };
        let bad = |source: Box<dyn std::error::Error + Send + Sync>| ClientError::BadUrl {
            base: self.base().to_owned(),
            source,
        };
        url.set_scheme(scheme)
            .map_err(|()| bad(format!("cannot make a {scheme}:// URL of it").into()))?;
        let mut request = url
            .as_str()
            .into_client_request()
            .map_err(|e| bad(Box::new(e)))?;
        let bearer = format!("Bearer {}", self.token)
            .parse()
            .map_err(|_| bad("the admin token has characters a header cannot carry".into()))?;
        request
            .headers_mut()
            .insert(reqwest::header::AUTHORIZATION, bearer);
        let base = self.base().to_owned();
        let (ws, _) =
            tokio::time::timeout(HANDSHAKE_TIMEOUT, tokio_tungstenite::connect_async(request))
                .await
                .map_err(|_| ClientError::FeedTimeout { base: base.clone() })?
                .map_err(|e| handshake_error(e, &base))?;
        Ok(Feed { ws, base })
    }
}

/// A refusal, read from the API's error body (`{"error": …, "reason": …}`), or the first line
/// of whatever else answered.
fn refused(status: u16, body: &[u8]) -> ClientError {
    #[derive(Deserialize)]
    struct Body {
        error: String,
        reason: Option<String>,
    }
    match serde_json::from_slice::<Body>(body) {
        Ok(b) => ClientError::Refused {
            status,
            reason: b.reason,
            message: b.error,
        },
        Err(_) => {
            let text = String::from_utf8_lossy(body);
            let line: String = text
                .lines()
                .next()
                .unwrap_or_default()
                .chars()
                .take(200)
                .collect();
            ClientError::Refused {
                status,
                reason: None,
                message: if line.trim().is_empty() {
                    "no reason given".to_owned()
                } else {
                    line
                },
            }
        }
    }
}

/// Why the feed's handshake failed: the pipeline's refusal, or no pipeline.
fn handshake_error(e: tungstenite::Error, base: &str) -> ClientError {
    match e {
        tungstenite::Error::Http(resp) => {
            let status = resp.status().as_u16();
            if status < 400 {
                return ClientError::NotAFeed {
                    base: base.to_owned(),
                    status,
                };
            }
            match resp.body().as_deref() {
                Some(b) if !b.is_empty() => refused(status, b),
                _ => ClientError::Refused {
                    status,
                    reason: None,
                    message: "the WebSocket handshake was refused".into(),
                },
            }
        }
        other => ClientError::Unreachable {
            base: base.to_owned(),
            source: Box::new(other),
        },
    }
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// The live feed: envelopes as the loggers write them.
pub(crate) struct Feed {
    ws: Socket,
    base: String,
}

impl Feed {
    /// The next envelope; an error when the feed ends (with the pipeline's reason when it gave
    /// one). Cancel-safe: a dropped call loses nothing.
    pub(crate) async fn next(&mut self) -> Result<Envelope, ClientError> {
        loop {
            let text = match self.ws.next().await {
                Some(Ok(Message::Text(t))) => t.as_str().to_owned(),
                Some(Ok(Message::Binary(b))) => String::from_utf8_lossy(&b).into_owned(),
                Some(Ok(Message::Close(frame))) => {
                    let reason = match frame {
                        Some(f) if !f.reason.is_empty() => f.reason.as_str().to_owned(),
                        Some(f) => format!("close code {}", u16::from(f.code)),
                        None => "no reason given".into(),
                    };
                    return Err(ClientError::FeedClosed { reason });
                }
                // Ping, pong: tungstenite answers pings itself.
                Some(Ok(_)) => continue,
                Some(Err(source)) => {
                    return Err(ClientError::FeedBroke {
                        base: self.base.clone(),
                        source,
                    })
                }
                None => {
                    return Err(ClientError::FeedEnded {
                        base: self.base.clone(),
                    })
                }
            };
            return serde_json::from_str(&text).map_err(|source| ClientError::Unreadable {
                base: self.base.clone(),
                what: "a feed frame".into(),
                source,
            });
        }
    }

    /// Closes the feed (waits up to a second for the pipeline to agree).
    pub(crate) async fn close(mut self) {
        let _ = tokio::time::timeout(Duration::from_secs(1), self.ws.close(None)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_query_values_are_encoded_by_the_url() {
        let c = Client::new("http://127.0.0.1:8090/", "t".into()).unwrap();
        assert_eq!(c.base(), "http://127.0.0.1:8090");
        assert_eq!(
            c.url(&["v1", "messages", "a b/c"], &[]).as_str(),
            "http://127.0.0.1:8090/v1/messages/a%20b%2Fc"
        );
        assert_eq!(
            c.url(
                &["v1", "messages"],
                &[("subject", "a.>"), ("since", "2026-11-23T10:00:00.000Z")]
            )
            .as_str(),
            "http://127.0.0.1:8090/v1/messages?subject=a.%3E&since=2026-11-23T10%3A00%3A00.000Z"
        );
        assert!(matches!(
            Client::new("nats://127.0.0.1:4222", "t".into()),
            Err(ClientError::BadUrl { .. })
        ));
    }

    #[test]
    fn refusals_keep_the_apis_reason() {
        let e = refused(
            404,
            br#"{"error": "no message `x` in the log", "reason": "not_found"}"#,
        );
        assert_eq!((e.status(), e.reason()), (Some(404), Some("not_found")));
        assert_eq!(e.to_string(), "no message `x` in the log (HTTP 404)");
        let e = refused(404, b"Not Found\nmore");
        assert_eq!(
            (e.reason(), e.to_string()),
            (None, "Not Found (HTTP 404)".into())
        );
    }
}
