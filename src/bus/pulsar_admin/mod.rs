//! The Pulsar broker's admin REST API (v2), as far as provisioning needs it.
//!
//! Owns the admin HTTP client ([`AdminClient`]): [`AdminClient::probe`] tells whether there is
//! an admin API at all (pulsar-lite serves only `/metrics` on that port); one read method per
//! resource the planner needs, and [`Write`] with one constructor per write request, sent by
//! [`AdminClient::write`]; [`AdminError`] says what went wrong. What to read and write for a
//! topics file is decided in `provision::topics_plan` (fetch, then a pure plan, then apply).
//!
//! It prints nothing and logs nothing: every outcome is returned for the caller to render.
//! The admin token is never shown: not by `Debug`, not in any error, and a base URL's
//! user-info is shown as `***`.
//!
//! The REST contract followed is Pulsar's admin v2 (`pulsar-broker`'s `admin/v2` resources:
//! `Clusters`, `Tenants`, `Namespaces`, `PersistentTopics`, `NonPersistentTopics`), under
//! `{base}/admin/v2`:
//!
//! | what | request | answer |
//! | --- | --- | --- |
//! | clusters | `GET /clusters` | `["standalone"]` |
//! | tenant | `GET /tenants/{t}` | `{"adminRoles":[…],"allowedClusters":[…]}`, 404 if missing |
//! | create tenant | `PUT /tenants/{t}` with that body | 204, 409 if it exists |
//! | update tenant | `POST /tenants/{t}` with that body (replaces both lists) | 204 |
//! | namespaces | `GET /namespaces/{t}` | `["t/ns", …]` |
//! | create namespace | `PUT /namespaces/{t}/{ns}`, empty JSON body (default policies) | 204, 409 if it exists |
//! | retention | `GET /namespaces/{t}/{ns}/retention` | `{"retentionTimeInMinutes":N,"retentionSizeInMB":M}`, or 204 with no body when unset |
//! | set retention | `POST /namespaces/{t}/{ns}/retention` with that body | 204 |
//! | partitioned topics | `GET /{domain}/{t}/{ns}/partitioned` | full names |
//! | all topics | `GET /{domain}/{t}/{ns}` | full names, partitions as `…-partition-N` |
//! | partition count | `GET /{domain}/{t}/{ns}/{topic}/partitions` | `{"partitions":N,…}` |
//! | create partitioned | `PUT /{domain}/{t}/{ns}/{topic}/partitions`, body `N` | 204, 409 if it exists |
//! | add partitions | `POST /{domain}/{t}/{ns}/{topic}/partitions`, body `N` | 204; only grows |
//! | create non-partitioned | `PUT /{domain}/{t}/{ns}/{topic}`, body `{}` (properties) | 204, 409 if it exists |
//!
//! `{domain}` is `persistent` or `non-persistent`. Every body is sent as `application/json`
//! (the tenant and namespace resources accept nothing else), as Pulsar's own Java admin client
//! does.
//!
//! Two broker behaviours show through: a broker with `brokerDeleteInactiveTopicsEnabled` (the
//! default) deletes a persistent topic that stays without subscriptions, so a later apply
//! creates it again; and non-persistent topics are listed only while loaded, so creating one
//! may answer 409, which apply reports as unchanged ("already existed").

use std::collections::BTreeSet;
use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use reqwest::header::{HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Method, StatusCode, Url};
use serde::de::DeserializeOwned;
use serde::Deserialize;

#[cfg(test)]
pub(crate) mod mock;

/// How many characters of a server's error body an [`AdminError::Http`] keeps.
const BODY_SNIPPET_CHARS: usize = 200;

/// What went wrong, one variant per kind of operation. No variant holds the token, and URLs
/// are shown with their user-info as `***`.
#[derive(Debug, thiserror::Error)]
pub(crate) enum AdminError {
    /// There is no admin API: nothing accepts connections there, or the listener answers 404
    /// on `/admin/v2/clusters` (pulsar-lite serves only `/metrics`). Callers fall back to topic
    /// auto-creation.
    #[error("no admin API at `{url}`: {reason}")]
    Unavailable {
        /// The admin base URL.
        url: String,
        /// Why it is taken as absent.
        reason: String,
    },
    /// The admin API answered a request with an error status.
    #[error("`{method} {path}` answered {status}: {body}")]
    Http {
        /// `GET`, `PUT`, `POST`.
        method: String,
        /// The request path (`/admin/v2/tenants/arc`).
        path: String,
        /// The HTTP status code.
        status: u16,
        /// The broker's reason (its JSON `reason`, else the start of the body).
        body: String,
    },
    /// A request failed below HTTP: timeout, reset connection, unreadable body.
    #[error("`{method} {path}` failed: {reason}")]
    Request {
        /// `GET`, `PUT`, `POST`.
        method: String,
        /// The request path.
        path: String,
        /// Why, in short (`no answer in time`, `connection reset`).
        reason: String,
        /// The HTTP client's error (without the URL), whose causes the report prints.
        #[source]
        source: reqwest::Error,
    },
    /// The admin API answered with a body that is not what its contract says.
    #[error("`{method} {path}` answered something unexpected: {source}")]
    Decode {
        /// `GET`.
        method: String,
        /// The request path.
        path: String,
        /// What could not be read.
        #[source]
        source: serde_json::Error,
    },
    /// The admin URL or token given to [`AdminClient::new`] is unusable.
    #[error("bad admin setting `{what}`: {reason}")]
    Setting {
        /// `admin url` or `admin token` (never the token itself).
        what: String,
        /// Why.
        reason: String,
    },
}

/// A client of one broker's admin REST API (v2).
pub(crate) struct AdminClient {
    /// The admin base URL (`http://127.0.0.1:8082`); paths go below it.
    base: Url,
    /// The bearer token, if any; never printed.
    token: Option<String>,
    /// The HTTP client, with the timeout applied.
    http: reqwest::Client,
}

impl fmt::Debug for AdminClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AdminClient")
            .field("base", &redact_url(&self.base))
            .field("token", &self.token.as_ref().map(|_| "***"))
            .finish_non_exhaustive()
    }
}

/// A request body, always sent as `application/json`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Body {
    /// No body and no content type (reads).
    None,
    /// An empty body with `Content-Type: application/json` (namespace creation, as Pulsar's
    /// Java client sends it: the broker applies default policies).
    Empty,
    /// A JSON document, already serialized (field order as declared).
    Json(String),
}

/// One write request of the admin API; built by one constructor per REST call below.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Write {
    /// `PUT` (create) or `POST` (update).
    method: Method,
    /// Path segments below `/admin/v2`.
    segments: Vec<String>,
    /// The body.
    body: Body,
}

impl Write {
    /// `PUT /tenants/{t}` (create) with its `TenantInfo`.
    pub(crate) fn create_tenant(tenant: &str, clusters: &[String]) -> Self {
        Self::new(
            Method::PUT,
            &["tenants", tenant],
            Body::Json(tenant_body(&[], clusters)),
        )
    }

    /// `POST /tenants/{t}` (update): replaces the whole `TenantInfo`, so the roles the broker
    /// has are passed back.
    pub(crate) fn update_tenant(tenant: &str, admin_roles: &[String], clusters: &[String]) -> Self {
        Self::new(
            Method::POST,
            &["tenants", tenant],
            Body::Json(tenant_body(admin_roles, clusters)),
        )
    }

    /// `PUT /namespaces/{t}/{ns}` with an empty JSON body (default policies).
    pub(crate) fn create_namespace(tenant: &str, ns: &str) -> Self {
        Self::new(Method::PUT, &["namespaces", tenant, ns], Body::Empty)
    }

    /// `POST /namespaces/{t}/{ns}/retention` with minutes and MiB (`-1`: no limit).
    pub(crate) fn set_retention(tenant: &str, ns: &str, minutes: i64, megabytes: i64) -> Self {
        Self::new(
            Method::POST,
            &["namespaces", tenant, ns, "retention"],
            Body::Json(format!(
                r#"{{"retentionTimeInMinutes":{minutes},"retentionSizeInMB":{megabytes}}}"#
            )),
        )
    }

    /// `PUT /{domain}/{t}/{ns}/{topic}` with `{}`: a non-partitioned topic.
    pub(crate) fn create_topic(domain: &str, tenant: &str, ns: &str, topic: &str) -> Self {
        Self::new(
            Method::PUT,
            &[domain, tenant, ns, topic],
            Body::Json("{}".to_owned()),
        )
    }

    /// `PUT /{domain}/{t}/{ns}/{topic}/partitions` with the count: a partitioned topic.
    pub(crate) fn create_partitioned(
        domain: &str,
        tenant: &str,
        ns: &str,
        topic: &str,
        partitions: u32,
    ) -> Self {
        Self::new(
            Method::PUT,
            &[domain, tenant, ns, topic, "partitions"],
            Body::Json(partitions.to_string()),
        )
    }

    /// `POST /{domain}/{t}/{ns}/{topic}/partitions` with the new count (it only grows).
    pub(crate) fn add_partitions(
        domain: &str,
        tenant: &str,
        ns: &str,
        topic: &str,
        partitions: u32,
    ) -> Self {
        Self::new(
            Method::POST,
            &[domain, tenant, ns, topic, "partitions"],
            Body::Json(partitions.to_string()),
        )
    }

    fn new(method: Method, path: &[&str], body: Body) -> Self {
        Self {
            method,
            segments: segments(path),
            body,
        }
    }
}

/// `TenantInfo`, as the tenants resource reads and writes it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TenantInfo {
    /// Roles that administer the tenant; kept as the broker has them on update.
    #[serde(default)]
    pub(crate) admin_roles: Vec<String>,
    /// Clusters the tenant may use.
    #[serde(default)]
    pub(crate) allowed_clusters: Vec<String>,
}

/// `RetentionPolicies`, as the namespaces resource reads and writes it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub(crate) struct RetentionPolicies {
    /// Minutes; `-1` no limit.
    #[serde(rename = "retentionTimeInMinutes", default)]
    pub(crate) minutes: Option<i64>,
    /// MiB (Pulsar's "MB" counts 2^20 bytes); `-1` no limit.
    #[serde(rename = "retentionSizeInMB", default)]
    pub(crate) megabytes: Option<i64>,
}

/// `PartitionedTopicMetadata`: only the count is read.
#[derive(Debug, Deserialize)]
struct PartitionedMetadata {
    /// The partition count; 0 for a non-partitioned or missing topic.
    #[serde(default)]
    partitions: u32,
}

/// The topics of one namespace and domain, as listed by the broker.
#[derive(Debug, Clone, Default)]
pub(crate) struct Listing {
    /// Full names of the partitioned topics.
    pub(crate) partitioned: BTreeSet<String>,
    /// Full names of every topic, partitions included (`…-partition-N`).
    pub(crate) all: BTreeSet<String>,
}

impl AdminClient {
    /// A client of the admin API at `base_url` (`http://127.0.0.1:8082`), sending
    /// `Authorization: Bearer {token}` when a non-empty token is given; every request gives up
    /// after `timeout`. Only `http` is supported (the HTTP client is built without TLS).
    pub(crate) fn new(
        base_url: &str,
        token: Option<String>,
        timeout: Duration,
    ) -> Result<Self, AdminError> {
        let setting = |what: &str, reason: String| AdminError::Setting {
            what: what.to_owned(),
            reason,
        };
        let base = Url::parse(base_url).map_err(|e| {
            setting(
                "admin url",
                format!("`{}` is not a URL: {e}", redact_text_url(base_url)),
            )
        })?;
        if base.scheme() != "http" {
            return Err(setting(
                "admin url",
                format!(
                    "`{}`: expected an `http://` URL (this build has no TLS)",
                    redact_url(&base)
                ),
            ));
        }
        if base.cannot_be_a_base() || base.host().is_none() {
            return Err(setting(
                "admin url",
                format!("`{}` has no host", redact_url(&base)),
            ));
        }
        let token = token.filter(|t| !t.is_empty());
        if let Some(t) = &token {
            if HeaderValue::from_str(&format!("Bearer {t}")).is_err() {
                return Err(setting(
                    "admin token",
                    "it has characters an HTTP header cannot carry".to_owned(),
                ));
            }
        }
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .build()
            .map_err(|e| setting("admin url", crate::format::chain(&e.without_url())))?;
        Ok(Self { base, token, http })
    }

    /// The admin base URL as it may be shown (user-info as `***`, no trailing `/`).
    pub(crate) fn base_url(&self) -> String {
        redact_url(&self.base)
    }

    /// Tells whether there is an admin API: `GET /admin/v2/clusters` must answer a list.
    /// Connection refused (or no answer to connect), a 404, or a 2xx that is not a list of
    /// names give [`AdminError::Unavailable`]; other statuses (401, 403, 5xx) are real errors.
    pub(crate) async fn probe(&self) -> Result<(), AdminError> {
        self.clusters().await.map(|_| ())
    }

    /// `GET /tenants/{t}`: the tenant, or `None` when it does not exist.
    pub(crate) async fn tenant(&self, tenant: &str) -> Result<Option<TenantInfo>, AdminError> {
        self.get(&["tenants", tenant]).await
    }

    /// `GET /namespaces/{t}`: the tenant's namespaces as `t/ns`.
    pub(crate) async fn namespaces(&self, tenant: &str) -> Result<Vec<String>, AdminError> {
        Ok(self
            .get::<Vec<String>>(&["namespaces", tenant])
            .await?
            .unwrap_or_default())
    }

    /// `GET /namespaces/{t}/{ns}/retention`: `None` when unset.
    pub(crate) async fn retention(
        &self,
        tenant: &str,
        ns: &str,
    ) -> Result<Option<RetentionPolicies>, AdminError> {
        Ok(self
            .get::<Option<RetentionPolicies>>(&["namespaces", tenant, ns, "retention"])
            .await?
            .flatten())
    }

    /// `GET /{domain}/{t}/{ns}/{topic}/partitions`: the partition count (0 when missing).
    pub(crate) async fn partitions(
        &self,
        domain: &str,
        tenant: &str,
        ns: &str,
        topic: &str,
    ) -> Result<u32, AdminError> {
        Ok(self
            .get::<PartitionedMetadata>(&[domain, tenant, ns, topic, "partitions"])
            .await?
            .map_or(0, |m| m.partitions))
    }

    /// `GET /clusters`: the clusters the broker knows, with "no admin API here" told apart
    /// from other failures.
    pub(crate) async fn clusters(&self) -> Result<Vec<String>, AdminError> {
        let path = ["clusters"];
        let (status, body) = self.send(&Method::GET, &path, &Body::None).await?;
        let request = format!("GET {}", self.path_of(&path));
        if status == StatusCode::NOT_FOUND {
            return Err(self.unavailable(format!(
                "`{request}` answered 404 (a listener without the admin API, such as \
                 pulsar-lite's metrics)"
            )));
        }
        if !status.is_success() {
            return Err(self.http_error(&Method::GET, &path, status, &body));
        }
        serde_json::from_str::<Vec<String>>(&body).map_err(|_| {
            self.unavailable(format!(
                "`{request}` did not answer a list of clusters (not a Pulsar admin API)"
            ))
        })
    }

    /// Lists the partitioned and all topics of one namespace and domain.
    pub(crate) async fn topics(
        &self,
        domain: &str,
        tenant: &str,
        ns: &str,
    ) -> Result<Listing, AdminError> {
        let partitioned = self
            .get::<Vec<String>>(&[domain, tenant, ns, "partitioned"])
            .await?
            .unwrap_or_default();
        let all = self
            .get::<Vec<String>>(&[domain, tenant, ns])
            .await?
            .unwrap_or_default();
        Ok(Listing {
            partitioned: partitioned.into_iter().collect(),
            all: all.into_iter().collect(),
        })
    }

    /// `GET` below `/admin/v2`: `None` on 404; an empty body reads as JSON `null`.
    async fn get<T: DeserializeOwned>(&self, path: &[&str]) -> Result<Option<T>, AdminError> {
        let (status, body) = self.send(&Method::GET, path, &Body::None).await?;
        if status == StatusCode::NOT_FOUND {
            return Ok(None);
        }
        if !status.is_success() {
            return Err(self.http_error(&Method::GET, path, status, &body));
        }
        let text = if body.trim().is_empty() {
            "null"
        } else {
            &body
        };
        serde_json::from_str(text)
            .map(Some)
            .map_err(|e| AdminError::Decode {
                method: Method::GET.to_string(),
                path: self.path_of(path),
                source: e,
            })
    }

    /// Sends one write; `Ok(true)` when a create found the object already there (409).
    pub(crate) async fn write(&self, write: &Write) -> Result<bool, AdminError> {
        let path: Vec<&str> = write.segments.iter().map(String::as_str).collect();
        let (status, body) = self.send(&write.method, &path, &write.body).await?;
        if status.is_success() {
            return Ok(false);
        }
        if status == StatusCode::CONFLICT && write.method == Method::PUT {
            return Ok(true);
        }
        Err(self.http_error(&write.method, &path, status, &body))
    }

    /// Sends one request below `/admin/v2` and reads the whole answer.
    async fn send(
        &self,
        method: &Method,
        path: &[&str],
        body: &Body,
    ) -> Result<(StatusCode, String), AdminError> {
        let url = self.url(path);
        let mut request = self
            .http
            .request(method.clone(), url)
            .header(ACCEPT, "application/json");
        if let Some(token) = &self.token {
            // Checked in `new`; a failure here would only drop the header.
            if let Ok(mut value) = HeaderValue::from_str(&format!("Bearer {token}")) {
                value.set_sensitive(true);
                request = request.header(AUTHORIZATION, value);
            }
        }
        request = match body {
            Body::None => request,
            Body::Empty => request.header(CONTENT_TYPE, "application/json").body(""),
            Body::Json(json) => request
                .header(CONTENT_TYPE, "application/json")
                .body(json.clone()),
        };
        let response = request
            .send()
            .await
            .map_err(|e| self.transport_error(method, path, e))?;
        let status = response.status();
        let text = response
            .text()
            .await
            .map_err(|e| self.transport_error(method, path, e))?;
        Ok((status, text))
    }

    /// The URL of a path below `/admin/v2`, each segment percent-encoded.
    fn url(&self, path: &[&str]) -> Url {
        let mut url = self.base.clone();
        if let Ok(mut parts) = url.path_segments_mut() {
            parts.pop_if_empty().extend(["admin", "v2"]).extend(path);
        }
        url
    }

    /// The request path (no host, no user-info) of a path below `/admin/v2`.
    fn path_of(&self, path: &[&str]) -> String {
        self.url(path).path().to_owned()
    }

    /// [`AdminError::Unavailable`] for this client's base URL.
    fn unavailable(&self, reason: String) -> AdminError {
        AdminError::Unavailable {
            url: self.base_url(),
            reason,
        }
    }

    /// [`AdminError::Http`] from a status and body; the token, should the body echo it, is
    /// masked.
    fn http_error(
        &self,
        method: &Method,
        path: &[&str],
        status: StatusCode,
        body: &str,
    ) -> AdminError {
        AdminError::Http {
            method: method.to_string(),
            path: self.path_of(path),
            status: status.as_u16(),
            body: snippet(body, self.token.as_deref()),
        }
    }

    /// Classifies a transport failure: nothing to connect to is [`AdminError::Unavailable`],
    /// anything else [`AdminError::Request`]. The URL is dropped from reqwest's error.
    fn transport_error(&self, method: &Method, path: &[&str], error: reqwest::Error) -> AdminError {
        let error = error.without_url();
        let reason = if error.is_timeout() {
            "no answer in time".to_owned()
        } else if let Some(io) = io_cause(&error) {
            match io.kind() {
                std::io::ErrorKind::ConnectionRefused => "connection refused".to_owned(),
                std::io::ErrorKind::ConnectionReset => "connection reset".to_owned(),
                _ => io.to_string(),
            }
        } else {
            crate::format::chain(&error)
        };
        let connect = error.is_connect();
        if connect {
            return self.unavailable(reason);
        }
        AdminError::Request {
            method: method.to_string(),
            path: self.path_of(path),
            reason,
            source: error,
        }
    }
}

/// Owned path segments.
fn segments(path: &[&str]) -> Vec<String> {
    path.iter().map(|s| (*s).to_owned()).collect()
}

/// The `TenantInfo` body: `{"adminRoles":[…],"allowedClusters":[…]}`.
fn tenant_body(admin_roles: &[String], allowed_clusters: &[String]) -> String {
    let list = |items: &[String]| {
        serde_json::Value::Array(
            items
                .iter()
                .map(|s| serde_json::Value::from(s.as_str()))
                .collect(),
        )
    };
    format!(
        r#"{{"adminRoles":{},"allowedClusters":{}}}"#,
        list(admin_roles),
        list(allowed_clusters)
    )
}

/// A URL as it may be shown: user-info as `***`, no trailing `/`.
fn redact_url(url: &Url) -> String {
    let mut shown = url.clone();
    if !shown.username().is_empty() || shown.password().is_some() {
        // Both only fail for URLs that cannot have user-info, which had none to hide.
        let _ = shown.set_password(None);
        let _ = shown.set_username("***");
    }
    shown.as_str().trim_end_matches('/').to_owned()
}

/// A text that failed to parse as a URL, as it may be shown: anything up to an `@` after the
/// scheme is masked.
fn redact_text_url(text: &str) -> String {
    match (text.find("://"), text.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            format!("{}***{}", &text[..scheme_end + 3], &text[at..])
        }
        (None, Some(at)) => format!("***{}", &text[at..]),
        _ => text.to_owned(),
    }
}

/// The I/O error at the root of an error's causes, if any.
fn io_cause<'a>(error: &'a (dyn StdError + 'static)) -> Option<&'a std::io::Error> {
    let mut next: Option<&(dyn StdError + 'static)> = Some(error);
    while let Some(e) = next {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            return Some(io);
        }
        next = e.source();
    }
    None
}

/// The broker's reason from an error body: its JSON `reason`, else the body, on one line and
/// cut short; the token, if the body echoes it, is masked.
fn snippet(body: &str, token: Option<&str>) -> String {
    let reason = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("reason").and_then(|r| r.as_str()).map(str::to_owned))
        .unwrap_or_else(|| body.to_owned());
    let mut one_line = reason.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some(token) = token {
        one_line = one_line.replace(token, "***");
    }
    if one_line.is_empty() {
        return "(no body)".to_owned();
    }
    if one_line.chars().count() > BODY_SNIPPET_CHARS {
        let cut: String = one_line.chars().take(BODY_SNIPPET_CHARS).collect();
        return format!("{cut}…");
    }
    one_line
}
