//! Declarative Pulsar topic provisioning through the broker's admin REST API (v2).
//!
//! Owns three things:
//! - the model of `services/streaming/topics.yaml` ([`TopicsFile`]), read and validated by
//!   [`load`] and [`parse`], whose errors carry file, line, column and field;
//! - the admin HTTP client ([`AdminClient`]): [`AdminClient::probe`] tells whether there is an
//!   admin API at all (pulsar-lite serves only `/metrics` on that port), and
//!   [`AdminClient::apply`] creates or updates tenant, namespaces, retention and topics so that
//!   they match the file, idempotently, and never deletes anything;
//! - the outcome types: [`Change`] for what was (or, in a dry run, would be) done and
//!   [`AdminError`] for what went wrong.
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

use std::collections::{BTreeMap, BTreeSet};
use std::error::Error as StdError;
use std::fmt;
use std::path::Path;
use std::time::Duration;

use reqwest::header::{HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Method, StatusCode, Url};
use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use serde::{Deserialize, Serialize};

/// The most partitions a topic may declare (Pulsar's own default ceiling is configurable; this
/// keeps a typo such as `40000` from reaching the broker).
pub(crate) const MAX_PARTITIONS: u32 = 1024;

/// How many characters of a server's error body an [`AdminError::Http`] keeps.
const BODY_SNIPPET_CHARS: usize = 200;

// ---------------------------------------------------------------------------------------------
// The file
// ---------------------------------------------------------------------------------------------

/// `services/streaming/topics.yaml`: one tenant, its allowed clusters, its namespaces.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a mapping with `tenant`, `clusters` and `namespaces`"
)]
pub(crate) struct TopicsFile {
    /// The Pulsar tenant that owns every namespace below.
    pub(crate) tenant: Name,
    /// The clusters the tenant may use (Pulsar standalone: `standalone`); at least one.
    pub(crate) clusters: Vec<Name>,
    /// The namespaces of the tenant, in the order they are applied.
    #[serde(default)]
    pub(crate) namespaces: Vec<NamespaceSpec>,
}

/// One namespace of the tenant.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a mapping with `name` and optionally `retention` and `topics`"
)]
pub(crate) struct NamespaceSpec {
    /// The namespace's name, without the tenant.
    pub(crate) name: Name,
    /// The namespace's retention policy; absent leaves whatever the broker has alone.
    #[serde(default)]
    pub(crate) retention: Option<Retention>,
    /// The topics of the namespace, in the order they are applied.
    #[serde(default)]
    pub(crate) topics: Vec<TopicSpec>,
}

/// A namespace's retention policy: how long, and how much, acknowledged messages are kept
/// (per topic). Pulsar wants both limits; `-1` is "no limit".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a mapping with `time` and `size`")]
pub(crate) struct Retention {
    /// `time`: minutes (`-1` no limit), written `90m`, `12h`, `7d`, `2w`, `0` or `-1`.
    #[serde(rename = "time", deserialize_with = "de_minutes")]
    pub(crate) minutes: i32,
    /// `size`: megabytes (`-1` no limit), written `500M`, `10G`, `1T`, `0` or `-1`.
    #[serde(rename = "size", deserialize_with = "de_megabytes")]
    pub(crate) megabytes: i64,
}

/// One topic of a namespace.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a mapping with `name` and optionally `partitions` and `persistent`"
)]
pub(crate) struct TopicSpec {
    /// The topic's short name.
    pub(crate) name: TopicName,
    /// 0 (or absent): a non-partitioned topic; 1..=1024: a partitioned topic.
    #[serde(default)]
    pub(crate) partitions: Partitions,
    /// `false` for a non-persistent topic (no storage, no replay); default `true`.
    #[serde(default = "default_persistent")]
    pub(crate) persistent: bool,
}

/// Topics are persistent unless the file says otherwise.
fn default_persistent() -> bool {
    true
}

/// A tenant, cluster or namespace name: one or more of `A-Z a-z 0-9 _ . -`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Name(String);

/// A topic's short name: like [`Name`], and without Pulsar's reserved `-partition-`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct TopicName(String);

/// A topic's partition count: 0 for non-partitioned, else 1..=[`MAX_PARTITIONS`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Partitions(u32);

impl Name {
    /// The name as written.
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl TopicName {
    /// The name as written.
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl Partitions {
    /// The count; 0 means non-partitioned.
    pub(crate) fn get(self) -> u32 {
        self.0
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for TopicName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TopicSpec {
    /// `persistent` or `non-persistent`: the topic's domain, in its name and its REST paths.
    pub(crate) fn domain(&self) -> &'static str {
        if self.persistent {
            "persistent"
        } else {
            "non-persistent"
        }
    }
}

/// Checks a tenant, cluster or namespace name; the error says what is expected.
fn check_name(value: &str) -> Result<(), String> {
    let ok = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{value}` is not a valid name: expected one or more of `A-Z a-z 0-9 _ . -`"
        ))
    }
}

/// Checks a topic name: a [`check_name`] name without the reserved `-partition-`.
fn check_topic_name(value: &str) -> Result<(), String> {
    check_name(value)?;
    if value.contains("-partition-") {
        return Err(format!(
            "`{value}` is not a valid topic name: `-partition-` is reserved for the partitions \
             of partitioned topics"
        ));
    }
    Ok(())
}

/// Visits a string and checks it with the given function.
struct NameVisitor {
    /// What the visitor expects, for serde's own messages.
    expecting: &'static str,
    /// The check to apply.
    check: fn(&str) -> Result<(), String>,
}

impl Visitor<'_> for NameVisitor {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expecting)
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<String, E> {
        (self.check)(value).map_err(E::custom)?;
        Ok(value.to_owned())
    }
}

impl<'de> Deserialize<'de> for Name {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_str(NameVisitor {
                expecting: "a name of `A-Z a-z 0-9 _ . -`",
                check: check_name,
            })
            .map(Name)
    }
}

impl<'de> Deserialize<'de> for TopicName {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_str(NameVisitor {
                expecting: "a topic name of `A-Z a-z 0-9 _ . -`",
                check: check_topic_name,
            })
            .map(TopicName)
    }
}

/// Visits a partition count.
struct PartitionsVisitor;

impl PartitionsVisitor {
    /// The error for a count out of range.
    fn out_of_range<E: de::Error>(value: impl fmt::Display) -> E {
        E::custom(format!(
            "partitions must be 0..={MAX_PARTITIONS} (0 or absent: non-partitioned), got `{value}`"
        ))
    }
}

impl Visitor<'_> for PartitionsVisitor {
    type Value = Partitions;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an integer 0..={MAX_PARTITIONS}")
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Partitions, E> {
        match u32::try_from(value) {
            Ok(n) if n <= MAX_PARTITIONS => Ok(Partitions(n)),
            _ => Err(Self::out_of_range(value)),
        }
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Partitions, E> {
        match u64::try_from(value) {
            Ok(n) => self.visit_u64(n),
            Err(_) => Err(Self::out_of_range(value)),
        }
    }
}

impl<'de> Deserialize<'de> for Partitions {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(PartitionsVisitor)
    }
}

/// Which retention limit a [`LimitVisitor`] reads.
#[derive(Clone, Copy)]
enum Limit {
    /// `time`, in minutes.
    Minutes,
    /// `size`, in megabytes.
    Megabytes,
}

impl Limit {
    /// What a value of this limit looks like.
    fn expected(self) -> &'static str {
        match self {
            Limit::Minutes => {
                "a duration (`90m`, `12h`, `7d`, `2w`; a bare number is seconds), `0` for none or \
                 `-1` for no limit"
            }
            Limit::Megabytes => {
                "a size (`500MiB`, `10GiB`, `10GB`; a bare number is bytes), `0` for none or `-1` \
                 for no limit"
            }
        }
    }

    /// Parses a written limit: `-1` (or `infinite`, `unlimited`), else a duration (kept in
    /// whole minutes, rounded up) or a size (kept in whole MiB, rounded up), as Pulsar keeps
    /// them.
    fn parse(self, text: &str) -> Result<i64, String> {
        let text = text.trim();
        if matches!(text, "-1" | "infinite" | "unlimited") {
            return Ok(-1);
        }
        let (value, limit, unit) = match self {
            Limit::Minutes => {
                let d = crate::spec::duration::parse(text)?;
                // Pulsar keeps minutes in a Java `int`.
                (
                    d.as_nanos().div_ceil(60_000_000_000),
                    i64::from(i32::MAX),
                    "minutes",
                )
            }
            Limit::Megabytes => {
                let bytes = crate::spec::size::parse(text)?;
                (u128::from(bytes.div_ceil(1 << 20)), i64::MAX, "MiB")
            }
        };
        i64::try_from(value)
            .ok()
            .filter(|v| *v <= limit)
            .ok_or_else(|| format!("`{text}` is too large: at most {limit} {unit}"))
    }
}

/// Visits a retention limit, written as a string (`7d`) or the integers `0` and `-1`.
struct LimitVisitor(Limit);

impl Visitor<'_> for LimitVisitor {
    type Value = i64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.expected())
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<i64, E> {
        self.0.parse(value).map_err(E::custom)
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<i64, E> {
        match value {
            -1 => Ok(value),
            0.. => self.0.parse(&value.to_string()).map_err(E::custom),
            _ => Err(E::custom(format!(
                "`{value}` is not valid: expected {}",
                self.0.expected()
            ))),
        }
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<i64, E> {
        match i64::try_from(value) {
            Ok(v) => self.visit_i64(v),
            Err(_) => Err(E::custom(format!("`{value}` is too large"))),
        }
    }
}

/// Reads `retention.time` into minutes.
fn de_minutes<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i32, D::Error> {
    let minutes = deserializer.deserialize_any(LimitVisitor(Limit::Minutes))?;
    // `Limit::parse` keeps minutes within `i32`; this only guards the conversion.
    i32::try_from(minutes).map_err(|_| de::Error::custom("retention time is too large"))
}

/// Reads `retention.size` into megabytes.
fn de_megabytes<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    deserializer.deserialize_any(LimitVisitor(Limit::Megabytes))
}

/// Writes minutes back in the duration grammar (`7days`, `12h`; `-1` as `infinite`).
fn show_minutes(minutes: i64) -> String {
    match u64::try_from(minutes) {
        Ok(0) => "0".to_owned(),
        Ok(m) => crate::spec::duration::format(Duration::from_secs(m * 60)),
        Err(_) => "infinite".to_owned(),
    }
}

/// Writes MiB back in the size grammar (`10GiB`, `100MiB`; `-1` as `infinite`).
fn show_megabytes(megabytes: i64) -> String {
    match u64::try_from(megabytes) {
        Ok(0) => "0".to_owned(),
        Ok(mb) => mb
            .checked_mul(1 << 20)
            .map_or_else(|| format!("{mb}MiB"), crate::spec::size::format),
        Err(_) => "infinite".to_owned(),
    }
}

impl fmt::Display for Retention {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{}",
            show_minutes(i64::from(self.minutes)),
            show_megabytes(self.megabytes)
        )
    }
}

/// One problem in the topics file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Diagnostic {
    /// The file as the user named it, or what the text came from.
    pub(crate) origin: String,
    /// 1-based line, when known.
    pub(crate) line: Option<usize>,
    /// 1-based column, when known.
    pub(crate) column: Option<usize>,
    /// The field path (`namespaces[0].topics[1].partitions`), empty for the whole file.
    pub(crate) field: String,
    /// What is wrong and what is expected.
    pub(crate) message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.origin)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        if self.field.is_empty() {
            write!(f, ": {}", self.message)
        } else {
            write!(f, ": `{}`: {}", self.field, self.message)
        }
    }
}

/// Reads and validates the topics file at `path`.
pub(crate) fn load(path: &Path) -> Result<TopicsFile, AdminError> {
    let text = std::fs::read_to_string(path).map_err(|source| AdminError::Read {
        path: path.display().to_string(),
        source,
    })?;
    parse(&text, &path.display().to_string())
}

/// Parses and validates topics-file text; `origin` names it in diagnostics (a path, or
/// `<embedded>`).
pub(crate) fn parse(text: &str, origin: &str) -> Result<TopicsFile, AdminError> {
    let file: TopicsFile = serde_yaml_ng::from_str(text)
        .map_err(|e| AdminError::Invalid(vec![yaml_diagnostic(origin, &e)]))?;
    let problems = file.problems(origin);
    if problems.is_empty() {
        Ok(file)
    } else {
        Err(AdminError::Invalid(problems))
    }
}

/// Turns a YAML or deserialization error into a diagnostic with line, column and field.
fn yaml_diagnostic(origin: &str, error: &serde_yaml_ng::Error) -> Diagnostic {
    let location = error.location();
    let mut text = error.to_string();
    if let Some(at) = &location {
        let suffix = format!(" at line {} column {}", at.line(), at.column());
        if text.ends_with(&suffix) {
            text.truncate(text.len() - suffix.len());
        }
    }
    // serde_yaml_ng writes `path.to[0].field: message` for errors below the root.
    let (field, message) = match text.split_once(": ") {
        Some((path, rest))
            if !path.is_empty()
                && path.chars().all(|c| {
                    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | '[' | ']' | '?')
                }) =>
        {
            (path.to_owned(), rest.to_owned())
        }
        _ => (String::new(), text),
    };
    Diagnostic {
        origin: origin.to_owned(),
        line: location.as_ref().map(serde_yaml_ng::Location::line),
        column: location.as_ref().map(serde_yaml_ng::Location::column),
        field,
        message,
    }
}

impl TopicsFile {
    /// The rules serde cannot check one value at a time: non-empty and unique lists.
    fn problems(&self, origin: &str) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        let mut problem = |field: String, message: String| {
            out.push(Diagnostic {
                origin: origin.to_owned(),
                line: None,
                column: None,
                field,
                message,
            });
        };
        if self.clusters.is_empty() {
            problem(
                "clusters".to_owned(),
                "expected at least one cluster (Pulsar standalone: `standalone`)".to_owned(),
            );
        }
        for (i, dup) in duplicates(self.clusters.iter().map(Name::as_str)) {
            problem(
                format!("clusters[{i}]"),
                format!("cluster `{dup}` is listed twice"),
            );
        }
        for (i, dup) in duplicates(self.namespaces.iter().map(|n| n.name.as_str())) {
            problem(
                format!("namespaces[{i}].name"),
                format!("namespace `{dup}` is declared twice"),
            );
        }
        for (n, ns) in self.namespaces.iter().enumerate() {
            for (i, dup) in duplicates(ns.topics.iter().map(|t| t.name.as_str())) {
                problem(
                    format!("namespaces[{n}].topics[{i}].name"),
                    format!("topic `{dup}` is declared twice in namespace `{}`", ns.name),
                );
            }
        }
        out
    }
}

/// The later occurrences (index, value) of values already seen.
fn duplicates<'a>(values: impl Iterator<Item = &'a str>) -> Vec<(usize, &'a str)> {
    let mut seen = BTreeSet::new();
    values
        .enumerate()
        .filter(|(_, v)| !seen.insert(*v))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Outcomes
// ---------------------------------------------------------------------------------------------

/// What apply did (or, in a dry run, would do) to one object. Serializes as `created`,
/// `updated`, `unchanged`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum ChangeKind {
    /// The object did not exist and was created.
    Created,
    /// The object existed and differed; it was brought in line with the file.
    Updated,
    /// The object already matched the file; nothing was written.
    Unchanged,
}

impl fmt::Display for ChangeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ChangeKind::Created => "created",
            ChangeKind::Updated => "updated",
            ChangeKind::Unchanged => "unchanged",
        })
    }
}

/// One object of the file and what apply did to it; serializes as
/// `{"kind":…,"object":…,"detail":…}` for JSON output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Change {
    /// Created, updated or unchanged.
    pub(crate) kind: ChangeKind,
    /// `tenant arc`, `namespace arc/agents`,
    /// `topic persistent://arc/agents/agent-events (4 partitions)`.
    pub(crate) object: String,
    /// What differs or was set: `partitions 2 -> 4`, `retention 60m/100MB -> 7d/10G`; may be
    /// empty.
    pub(crate) detail: String,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.kind, self.object)?;
        if !self.detail.is_empty() {
            write!(f, ": {}", self.detail)?;
        }
        Ok(())
    }
}

/// Why the broker's state cannot be brought in line with the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Conflict {
    /// The file asks for fewer partitions than the topic has.
    PartitionsCannotShrink {
        /// The topic's full name.
        topic: String,
        /// Its partitions on the broker.
        current: u32,
        /// Its partitions in the file.
        wanted: u32,
    },
    /// The topic exists partitioned where the file wants it non-partitioned, or the reverse.
    WrongTopicKind {
        /// The topic's full name.
        topic: String,
        /// `partitioned` or `non-partitioned`: what exists.
        existing: &'static str,
        /// What the file asks for.
        wanted: &'static str,
    },
    /// The file allows a cluster the broker does not know.
    UnknownCluster {
        /// The cluster in the file.
        cluster: String,
        /// The clusters the broker knows.
        known: Vec<String>,
    },
}

impl fmt::Display for Conflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Conflict::PartitionsCannotShrink {
                topic,
                current,
                wanted,
            } => write!(
                f,
                "topic `{topic}` has {current} partitions and the file asks for {wanted}: \
                 partitions can only grow (delete and recreate the topic to shrink it)"
            ),
            Conflict::WrongTopicKind {
                topic,
                existing,
                wanted,
            } => write!(
                f,
                "topic `{topic}` exists {existing} and the file asks for it {wanted}: Pulsar \
                 cannot convert a topic (delete it, or give the file's topic another name)"
            ),
            Conflict::UnknownCluster { cluster, known } => write!(
                f,
                "cluster `{cluster}` does not exist on the broker; known: {}",
                if known.is_empty() {
                    "none".to_owned()
                } else {
                    known
                        .iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            ),
        }
    }
}

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
        /// Why.
        reason: String,
    },
    /// The admin API answered with a body that is not what its contract says.
    #[error("`{method} {path}` answered something unexpected: {reason}")]
    Decode {
        /// `GET`.
        method: String,
        /// The request path.
        path: String,
        /// What could not be read.
        reason: String,
    },
    /// The broker's state cannot be brought in line with the file; nothing was written.
    #[error("nothing applied: {}", join(.0))]
    Conflict(Vec<Conflict>),
    /// The topics file could not be read.
    #[error("cannot read `{path}`: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The topics file is invalid: one diagnostic per problem (file:line:column, field,
    /// expectation).
    #[error("{}", join_lines(.0))]
    Invalid(Vec<Diagnostic>),
    /// The admin URL or token given to [`AdminClient::new`] is unusable.
    #[error("bad admin setting `{what}`: {reason}")]
    Setting {
        /// `admin url` or `admin token` (never the token itself).
        what: String,
        /// Why.
        reason: String,
    },
}

/// Joins items with `; `.
fn join<T: fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Joins items one per line.
fn join_lines<T: fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

// ---------------------------------------------------------------------------------------------
// The client
// ---------------------------------------------------------------------------------------------

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

/// One write that apply will send.
#[derive(Debug, Clone)]
struct Write {
    /// `PUT` (create) or `POST` (update).
    method: Method,
    /// Path segments below `/admin/v2`.
    segments: Vec<String>,
    /// The body.
    body: Body,
}

/// One object's change and the writes that make it.
#[derive(Debug)]
struct Planned {
    /// What the change is.
    change: Change,
    /// The writes, in order; empty when unchanged.
    writes: Vec<Write>,
}

/// `TenantInfo`, as the tenants resource reads and writes it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct TenantInfo {
    /// Roles that administer the tenant; kept as the broker has them on update.
    #[serde(default)]
    admin_roles: Vec<String>,
    /// Clusters the tenant may use.
    #[serde(default)]
    allowed_clusters: Vec<String>,
}

/// `RetentionPolicies`, as the namespaces resource reads and writes it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
struct RetentionPolicies {
    /// Minutes; `-1` no limit.
    #[serde(rename = "retentionTimeInMinutes", default)]
    minutes: Option<i64>,
    /// Megabytes; `-1` no limit.
    #[serde(rename = "retentionSizeInMB", default)]
    megabytes: Option<i64>,
}

impl RetentionPolicies {
    /// `7d/10G`, the way the file writes it (unset limits read as 0, as Pulsar does).
    fn show(self) -> String {
        format!(
            "{}/{}",
            show_minutes(self.minutes.unwrap_or(0)),
            show_megabytes(self.megabytes.unwrap_or(0))
        )
    }
}

/// `PartitionedTopicMetadata`: only the count is read.
#[derive(Debug, Deserialize)]
struct PartitionedMetadata {
    /// The partition count; 0 for a non-partitioned or missing topic.
    #[serde(default)]
    partitions: u32,
}

/// The topics of one namespace and domain, as listed by the broker.
#[derive(Debug, Default)]
struct Listing {
    /// Full names of the partitioned topics.
    partitioned: BTreeSet<String>,
    /// Full names of every topic, partitions included (`…-partition-N`).
    all: BTreeSet<String>,
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
            .map_err(|e| setting("admin url", cause_chain(&e.without_url())))?;
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

    /// Brings the broker in line with `file`: creates what is missing, updates what differs
    /// (tenant clusters, namespace retention, partition counts), leaves the rest alone and
    /// deletes nothing. Returns one [`Change`] per object, in file order: tenant, then each
    /// namespace followed by its topics. All reads happen first; if anything cannot be
    /// reconciled (partitions would shrink, a topic exists with the other kind, an unknown
    /// cluster) it returns [`AdminError::Conflict`] before writing anything. With `dry_run`
    /// it returns the same changes and writes nothing. A write the broker refuses stops the
    /// apply with [`AdminError::Http`]; the writes before it stay, and applying again resumes
    /// where it stopped. A create that finds the object already there (409, someone else was
    /// faster) counts as done and is reported with "already existed".
    pub(crate) async fn apply(
        &self,
        file: &TopicsFile,
        dry_run: bool,
    ) -> Result<Vec<Change>, AdminError> {
        let plan = self.plan(file).await?;
        let mut changes = Vec::with_capacity(plan.len());
        for Planned { mut change, writes } in plan {
            if !dry_run {
                let mut already_existed = false;
                for (i, write) in writes.iter().enumerate() {
                    let existed = self.write(write).await?;
                    already_existed |= i == 0 && existed;
                }
                if already_existed {
                    // Created by someone else between our read and our write.
                    change.kind = if writes.len() > 1 {
                        ChangeKind::Updated
                    } else {
                        ChangeKind::Unchanged
                    };
                    change.detail = if change.detail.is_empty() {
                        "already existed".to_owned()
                    } else {
                        format!("already existed; {}", change.detail)
                    };
                }
            }
            changes.push(change);
        }
        Ok(changes)
    }

    /// Reads the broker's state and works out every change; writes nothing.
    async fn plan(&self, file: &TopicsFile) -> Result<Vec<Planned>, AdminError> {
        let tenant = file.tenant.as_str();
        let wanted_clusters: Vec<String> = file
            .clusters
            .iter()
            .map(|c| c.as_str().to_owned())
            .collect();
        let mut conflicts = Vec::new();
        let known = self.clusters().await?;
        for cluster in &wanted_clusters {
            if !known.contains(cluster) {
                conflicts.push(Conflict::UnknownCluster {
                    cluster: cluster.clone(),
                    known: known.clone(),
                });
            }
        }

        let mut plan = Vec::new();
        let current: Option<TenantInfo> = self.get(&["tenants", tenant]).await?;
        let tenant_exists = current.is_some();
        plan.push(plan_tenant(tenant, current, &wanted_clusters));

        let namespaces: BTreeSet<String> = if tenant_exists {
            self.get::<Vec<String>>(&["namespaces", tenant])
                .await?
                .unwrap_or_default()
                .into_iter()
                .collect()
        } else {
            BTreeSet::new()
        };
        for ns in &file.namespaces {
            let exists = namespaces.contains(&format!("{tenant}/{}", ns.name));
            plan.push(self.plan_namespace(tenant, ns, exists).await?);
            let mut listings: BTreeMap<&'static str, Listing> = BTreeMap::new();
            for topic in &ns.topics {
                let listing = if exists {
                    let domain = topic.domain();
                    if !listings.contains_key(domain) {
                        let listing = self.listing(domain, tenant, ns.name.as_str()).await?;
                        listings.insert(domain, listing);
                    }
                    listings.get(domain)
                } else {
                    None
                };
                let planned = self
                    .plan_topic(tenant, ns.name.as_str(), topic, listing, &mut conflicts)
                    .await?;
                plan.extend(planned);
            }
        }
        if conflicts.is_empty() {
            Ok(plan)
        } else {
            Err(AdminError::Conflict(conflicts))
        }
    }

    /// Plans one namespace: create it (and set its retention), or compare its retention.
    async fn plan_namespace(
        &self,
        tenant: &str,
        ns: &NamespaceSpec,
        exists: bool,
    ) -> Result<Planned, AdminError> {
        let name = ns.name.as_str();
        let object = format!("namespace {tenant}/{name}");
        let retention_write = |r: &Retention| Write {
            method: Method::POST,
            segments: segments(&["namespaces", tenant, name, "retention"]),
            body: Body::Json(format!(
                r#"{{"retentionTimeInMinutes":{},"retentionSizeInMB":{}}}"#,
                r.minutes, r.megabytes
            )),
        };
        if !exists {
            let mut writes = vec![Write {
                method: Method::PUT,
                segments: segments(&["namespaces", tenant, name]),
                body: Body::Empty,
            }];
            let mut detail = String::new();
            if let Some(r) = &ns.retention {
                writes.push(retention_write(r));
                detail = format!("retention {r}");
            }
            return Ok(Planned {
                change: Change {
                    kind: ChangeKind::Created,
                    object,
                    detail,
                },
                writes,
            });
        }
        let Some(wanted) = &ns.retention else {
            return Ok(unchanged(object, String::new()));
        };
        let current: Option<RetentionPolicies> = self
            .get::<Option<RetentionPolicies>>(&["namespaces", tenant, name, "retention"])
            .await?
            .flatten();
        let matches = current.is_some_and(|c| {
            c.minutes.unwrap_or(0) == i64::from(wanted.minutes)
                && c.megabytes.unwrap_or(0) == wanted.megabytes
        });
        if matches {
            return Ok(unchanged(object, format!("retention {wanted}")));
        }
        let before = current.map_or_else(|| "unset".to_owned(), RetentionPolicies::show);
        Ok(Planned {
            change: Change {
                kind: ChangeKind::Updated,
                object,
                detail: format!("retention {before} -> {wanted}"),
            },
            writes: vec![retention_write(wanted)],
        })
    }

    /// Plans one topic against the namespace's listing (`None`: the namespace is new).
    async fn plan_topic(
        &self,
        tenant: &str,
        ns: &str,
        topic: &TopicSpec,
        listing: Option<&Listing>,
        conflicts: &mut Vec<Conflict>,
    ) -> Result<Option<Planned>, AdminError> {
        let domain = topic.domain();
        let name = topic.name.as_str();
        let full = format!("{domain}://{tenant}/{ns}/{name}");
        let wanted = topic.partitions.get();
        let kind = |partitioned: bool| {
            if partitioned {
                "partitioned"
            } else {
                "non-partitioned"
            }
        };
        let object = if wanted > 0 {
            format!("topic {full} ({wanted} partitions)")
        } else {
            format!("topic {full}")
        };
        let base = [domain, tenant, ns, name];
        let is_partitioned = listing.is_some_and(|l| l.partitioned.contains(&full));
        let is_plain = listing.is_some_and(|l| l.all.contains(&full));
        if (wanted > 0 && is_plain) || (wanted == 0 && is_partitioned) {
            conflicts.push(Conflict::WrongTopicKind {
                topic: full,
                existing: kind(is_partitioned),
                wanted: kind(wanted > 0),
            });
            return Ok(None);
        }
        if wanted == 0 {
            if is_plain {
                return Ok(Some(unchanged(object, kind(false).to_owned())));
            }
            return Ok(Some(Planned {
                change: created(object, kind(false)),
                writes: vec![Write {
                    method: Method::PUT,
                    segments: segments(&base),
                    body: Body::Json("{}".to_owned()),
                }],
            }));
        }
        let partitions_path = segments(&[domain, tenant, ns, name, "partitions"]);
        if !is_partitioned {
            return Ok(Some(Planned {
                change: created(object, kind(true)),
                writes: vec![Write {
                    method: Method::PUT,
                    segments: partitions_path,
                    body: Body::Json(wanted.to_string()),
                }],
            }));
        }
        let path: Vec<&str> = partitions_path.iter().map(String::as_str).collect();
        let current = self
            .get::<PartitionedMetadata>(&path)
            .await?
            .map_or(0, |m| m.partitions);
        if current == wanted {
            return Ok(Some(unchanged(object, kind(true).to_owned())));
        }
        if current > wanted {
            conflicts.push(Conflict::PartitionsCannotShrink {
                topic: full,
                current,
                wanted,
            });
            return Ok(None);
        }
        Ok(Some(Planned {
            change: Change {
                kind: ChangeKind::Updated,
                object,
                detail: format!("partitions {current} -> {wanted}"),
            },
            writes: vec![Write {
                method: Method::POST,
                segments: partitions_path,
                body: Body::Json(wanted.to_string()),
            }],
        }))
    }

    /// `GET /clusters`, with "no admin API here" told apart from other failures.
    async fn clusters(&self) -> Result<Vec<String>, AdminError> {
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
    async fn listing(&self, domain: &str, tenant: &str, ns: &str) -> Result<Listing, AdminError> {
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
                reason: e.to_string(),
            })
    }

    /// Sends one write; `Ok(true)` when a create found the object already there (409).
    async fn write(&self, write: &Write) -> Result<bool, AdminError> {
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
            cause_chain(&error)
        };
        let connect = error.is_connect();
        if connect {
            return self.unavailable(reason);
        }
        AdminError::Request {
            method: method.to_string(),
            path: self.path_of(path),
            reason,
        }
    }
}

/// Plans the tenant: create it, update its clusters (keeping its admin roles), or leave it.
fn plan_tenant(tenant: &str, current: Option<TenantInfo>, wanted: &[String]) -> Planned {
    let object = format!("tenant {tenant}");
    let show = |clusters: &[String]| format!("allowed clusters {}", clusters.join(", "));
    let Some(current) = current else {
        return Planned {
            change: Change {
                kind: ChangeKind::Created,
                object,
                detail: show(wanted),
            },
            writes: vec![Write {
                method: Method::PUT,
                segments: segments(&["tenants", tenant]),
                body: Body::Json(tenant_body(&[], wanted)),
            }],
        };
    };
    let have: BTreeSet<&String> = current.allowed_clusters.iter().collect();
    let want: BTreeSet<&String> = wanted.iter().collect();
    if have == want {
        return unchanged(object, show(&current.allowed_clusters));
    }
    let detail = format!(
        "allowed clusters {} -> {}",
        current.allowed_clusters.join(", "),
        wanted.join(", ")
    );
    Planned {
        change: Change {
            kind: ChangeKind::Updated,
            object,
            detail,
        },
        writes: vec![Write {
            method: Method::POST,
            segments: segments(&["tenants", tenant]),
            // POST replaces the whole TenantInfo: keep the roles the broker already has.
            body: Body::Json(tenant_body(&current.admin_roles, wanted)),
        }],
    }
}

/// A change with nothing to write.
fn unchanged(object: String, detail: String) -> Planned {
    Planned {
        change: Change {
            kind: ChangeKind::Unchanged,
            object,
            detail,
        },
        writes: Vec::new(),
    }
}

/// A creation's change.
fn created(object: String, detail: &str) -> Change {
    Change {
        kind: ChangeKind::Created,
        object,
        detail: detail.to_owned(),
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

/// An error and its causes, `outer: inner: root`, without repeats.
fn cause_chain(error: &dyn StdError) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next: Option<&dyn StdError> = Some(error);
    while let Some(e) = next {
        let text = e.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        next = e.source();
    }
    parts.join(": ")
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

#[cfg(test)]
mod tests {
    //! Real Apache Pulsar is not available on this machine, so these tests run against a mock
    //! admin server: a small HTTP/1.1 server on tokio (below) that implements the admin REST v2
    //! contract listed in the module header, keeping tenants, namespaces, retention and topics
    //! (with partitions) in memory and recording every request it receives. Where the broker's
    //! resources say so, it answers like Pulsar: 404 for a missing tenant or namespace, 409 on
    //! creating what exists, 204 with no body for unset retention, partitions listed as
    //! `…-partition-N`, 415 for tenant/namespace writes that are not `application/json`, and
    //! 422 for a partition update that does not grow.

    use super::*;
    use std::sync::{Arc, Mutex, PoisonError};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::{TcpListener, TcpStream};

    /// The stock file, as shipped.
    const STOCK: &str = include_str!("../../services/streaming/topics.yaml");

    /// One request the mock received.
    #[derive(Debug, Clone)]
    struct Seen {
        /// `GET`, `PUT`, `POST`.
        method: String,
        /// The request path.
        path: String,
        /// The body as text.
        body: String,
        /// The `Authorization` header.
        authorization: Option<String>,
        /// The `Content-Type` header.
        content_type: Option<String>,
    }

    /// The mock broker's state and settings.
    #[derive(Debug, Default)]
    struct State {
        /// Clusters known to the broker.
        clusters: Vec<String>,
        /// Tenant -> (admin roles, allowed clusters).
        tenants: BTreeMap<String, (Vec<String>, Vec<String>)>,
        /// `tenant/namespace`.
        namespaces: BTreeSet<String>,
        /// `tenant/namespace` -> (minutes, megabytes).
        retention: BTreeMap<String, (i64, i64)>,
        /// Full name -> partitions.
        partitioned: BTreeMap<String, u32>,
        /// Full names of non-partitioned topics.
        plain: BTreeSet<String>,
        /// Full names of topics that exist but are not listed (as an unloaded non-persistent
        /// topic is not).
        unlisted: BTreeSet<String>,
        /// Every request received.
        seen: Vec<Seen>,
        /// Serve only `/metrics`, as pulsar-lite does on the admin port.
        metrics_only: bool,
        /// The bearer token required, if any.
        token: Option<String>,
        /// An answer forced for one request (`METHOD path`): status and body.
        fail: Option<(String, u16, String)>,
    }

    /// A running mock admin server.
    struct Mock {
        /// Its base URL.
        url: String,
        /// Its state.
        state: Arc<Mutex<State>>,
    }

    impl Mock {
        /// Starts a mock knowing the `standalone` cluster, after `setup` adjusts its state.
        async fn start(setup: impl FnOnce(&mut State)) -> Mock {
            let mut state = State {
                clusters: vec!["standalone".to_owned()],
                ..State::default()
            };
            setup(&mut state);
            let state = Arc::new(Mutex::new(state));
            let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
            let url = format!("http://{}", listener.local_addr().expect("addr"));
            let shared = Arc::clone(&state);
            tokio::spawn(async move {
                while let Ok((stream, _)) = listener.accept().await {
                    tokio::spawn(serve(stream, Arc::clone(&shared)));
                }
            });
            Mock { url, state }
        }

        /// Runs `f` on the state.
        fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
            f(&mut self.state.lock().unwrap_or_else(PoisonError::into_inner))
        }

        /// The requests received so far, as `METHOD path body`, and forgets them.
        fn take(&self) -> Vec<String> {
            self.with(|s| std::mem::take(&mut s.seen))
                .iter()
                .map(|r| {
                    format!("{} {} {}", r.method, r.path, r.body)
                        .trim_end()
                        .to_owned()
                })
                .collect()
        }

        /// A client of this mock.
        fn client(&self, token: Option<&str>) -> AdminClient {
            AdminClient::new(&self.url, token.map(str::to_owned), Duration::from_secs(5))
                .expect("client")
        }
    }

    /// Serves one connection: one request, one answer, close.
    async fn serve(mut stream: TcpStream, state: Arc<Mutex<State>>) {
        let mut buf = Vec::new();
        let mut chunk = [0_u8; 4096];
        let head_end = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
        let mut lines = head.lines();
        let mut request_line = lines.next().unwrap_or_default().split(' ');
        let method = request_line.next().unwrap_or_default().to_owned();
        let path = request_line.next().unwrap_or_default().to_owned();
        let headers: BTreeMap<String, String> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        let length: usize = headers
            .get("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        while buf.len() < head_end + length {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        let seen = Seen {
            method,
            path,
            body: String::from_utf8_lossy(&buf[head_end..head_end + length]).to_string(),
            authorization: headers.get("authorization").cloned(),
            content_type: headers.get("content-type").cloned(),
        };
        let (status, body) = {
            let mut state = state.lock().unwrap_or_else(PoisonError::into_inner);
            state.seen.push(seen.clone());
            route(&mut state, &seen)
        };
        let answer = format!(
            "HTTP/1.1 {status} Mock\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
             Connection: close\r\n\r\n{body}",
            body.len()
        );
        let _ = stream.write_all(answer.as_bytes()).await;
        let _ = stream.shutdown().await;
    }

    /// A Pulsar-style error answer.
    fn reason(status: u16, text: &str) -> (u16, String) {
        (status, serde_json::json!({ "reason": text }).to_string())
    }

    /// Answers one request from the state, as the broker's admin v2 resources do.
    fn route(state: &mut State, req: &Seen) -> (u16, String) {
        if state.metrics_only {
            return if req.path == "/metrics" {
                (200, "# TYPE up gauge\nup 1\n".to_owned())
            } else {
                (404, "Not Found".to_owned())
            };
        }
        if let Some((request, status, body)) = &state.fail {
            if *request == format!("{} {}", req.method, req.path) {
                return (*status, body.clone());
            }
        }
        if let Some(token) = &state.token {
            let given = req.authorization.clone().unwrap_or_default();
            if given != format!("Bearer {token}") {
                return reason(401, &format!("authentication failed for `{given}`"));
            }
        }
        let Some(rest) = req.path.strip_prefix("/admin/v2/") else {
            return reason(404, "not found");
        };
        let parts: Vec<&str> = rest.split('/').collect();
        let json_body = req.content_type.as_deref() == Some("application/json");
        match (req.method.as_str(), parts.as_slice()) {
            ("GET", ["clusters"]) => (200, serde_json::json!(state.clusters).to_string()),
            (_, ["tenants", t]) => tenant_route(state, req, t, json_body),
            (_, ["namespaces", ..]) => namespace_route(state, req, &parts[1..], json_body),
            (_, [d, t, ns, rest @ ..]) if *d == "persistent" || *d == "non-persistent" => {
                if !state.namespaces.contains(&format!("{t}/{ns}")) {
                    return reason(404, "Namespace does not exist");
                }
                topic_route(state, req, &format!("{d}://{t}/{ns}"), rest)
            }
            _ => reason(404, "not found"),
        }
    }

    /// `/tenants/{t}`.
    fn tenant_route(state: &mut State, req: &Seen, t: &str, json_body: bool) -> (u16, String) {
        if req.method == "GET" {
            return match state.tenants.get(t) {
                Some((roles, clusters)) => (
                    200,
                    serde_json::json!({ "adminRoles": roles, "allowedClusters": clusters })
                        .to_string(),
                ),
                None => reason(404, "Tenant does not exist"),
            };
        }
        if !json_body {
            return reason(415, "Unsupported Media Type");
        }
        let info: TenantInfo = serde_json::from_str(&req.body).expect("tenant body");
        if info.allowed_clusters.is_empty() {
            return reason(412, "Clusters can not be empty");
        }
        if info
            .allowed_clusters
            .iter()
            .any(|c| !state.clusters.contains(c))
        {
            return reason(412, "Clusters do not exist");
        }
        let exists = state.tenants.contains_key(t);
        match (req.method.as_str(), exists) {
            ("PUT", true) => reason(409, "Tenant already exist"),
            ("POST", false) => reason(404, "Tenant not found"),
            ("PUT" | "POST", _) => {
                let value = (info.admin_roles, info.allowed_clusters);
                state.tenants.insert(t.to_owned(), value);
                (204, String::new())
            }
            _ => reason(405, "Method Not Allowed"),
        }
    }

    /// `/namespaces/{t}[/{ns}[/retention]]`.
    fn namespace_route(state: &mut State, req: &Seen, parts: &[&str], json: bool) -> (u16, String) {
        if req.method != "GET" && !json {
            return reason(415, "Unsupported Media Type");
        }
        match (req.method.as_str(), parts) {
            ("GET", [t]) => {
                if !state.tenants.contains_key(*t) {
                    return reason(404, "Tenant doesn't exist");
                }
                let prefix = format!("{t}/");
                let list: Vec<&String> = state
                    .namespaces
                    .iter()
                    .filter(|n| n.starts_with(&prefix))
                    .collect();
                (200, serde_json::json!(list).to_string())
            }
            ("PUT", [t, ns]) => {
                if !state.tenants.contains_key(*t) {
                    return reason(404, "Tenant or cluster doesn't exist");
                }
                if state.namespaces.insert(format!("{t}/{ns}")) {
                    (204, String::new())
                } else {
                    reason(409, "Namespace already exists")
                }
            }
            (method, [t, ns, "retention"]) => {
                let key = format!("{t}/{ns}");
                if !state.namespaces.contains(&key) {
                    return reason(404, "Namespace does not exist");
                }
                if method == "GET" {
                    return match state.retention.get(&key) {
                        Some((m, mb)) => (
                            200,
                            serde_json::json!({
                                "retentionTimeInMinutes": m, "retentionSizeInMB": mb
                            })
                            .to_string(),
                        ),
                        None => (204, String::new()),
                    };
                }
                let v: serde_json::Value = serde_json::from_str(&req.body).expect("retention");
                let minutes = v["retentionTimeInMinutes"].as_i64().expect("minutes");
                let megabytes = v["retentionSizeInMB"].as_i64().expect("megabytes");
                state.retention.insert(key, (minutes, megabytes));
                (204, String::new())
            }
            _ => reason(404, "not found"),
        }
    }

    /// `/{domain}/{t}/{ns}…`, the namespace known to exist; `ns_full` is `domain://t/ns`.
    fn topic_route(state: &mut State, req: &Seen, ns_full: &str, rest: &[&str]) -> (u16, String) {
        let in_ns = |name: &String| name.rsplit_once('/').map(|(n, _)| n) == Some(ns_full);
        match (req.method.as_str(), rest) {
            ("GET", []) => {
                let mut list: Vec<String> =
                    state.plain.iter().filter(|n| in_ns(n)).cloned().collect();
                for (name, n) in state.partitioned.iter().filter(|(n, _)| in_ns(n)) {
                    list.extend((0..*n).map(|i| format!("{name}-partition-{i}")));
                }
                (200, serde_json::json!(list).to_string())
            }
            ("GET", ["partitioned"]) => {
                let list: Vec<&String> = state.partitioned.keys().filter(|n| in_ns(n)).collect();
                (200, serde_json::json!(list).to_string())
            }
            (method, [topic, "partitions"]) => {
                let full = format!("{ns_full}/{topic}");
                let current = state.partitioned.get(&full).copied();
                if method == "GET" {
                    let n = current.unwrap_or(0);
                    return (200, format!(r#"{{"partitions":{n},"deleted":false}}"#));
                }
                let Ok(wanted) = req.body.trim().parse::<i64>() else {
                    return reason(400, "bad body");
                };
                let exists = current.is_some() || state.plain.contains(&full);
                match (method, current) {
                    (_, _) if wanted <= 0 => {
                        reason(406, "The number of partitions should be more than 0")
                    }
                    ("PUT", _) if exists => reason(409, "This topic already exists"),
                    ("POST", None) => reason(404, "Topic does not exist"),
                    ("POST", Some(n)) if i64::from(n) >= wanted => reason(
                        422,
                        "Desired partitions 2 can't be less than the current partitions 4.",
                    ),
                    ("PUT" | "POST", _) => {
                        let n = u32::try_from(wanted).expect("partitions");
                        state.partitioned.insert(full, n);
                        (204, String::new())
                    }
                    _ => reason(405, "Method Not Allowed"),
                }
            }
            ("PUT", [topic]) => {
                let full = format!("{ns_full}/{topic}");
                let exists = state.plain.contains(&full)
                    || state.partitioned.contains_key(&full)
                    || state.unlisted.contains(&full);
                if exists {
                    return reason(409, "This topic already exists");
                }
                state.plain.insert(full);
                (204, String::new())
            }
            _ => reason(404, "not found"),
        }
    }

    /// A port on which nothing listens.
    async fn closed_port() -> u16 {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        listener.local_addr().expect("addr").port()
    }

    /// The `agents` part of an edited stock file.
    fn agents_file(retention: &str, events: u32, extra_topic: &str) -> String {
        format!(
            "tenant: arc\nclusters: [standalone]\nnamespaces:\n  - name: agents\n    \
             retention: {retention}\n    topics:\n      - {{ name: agent-events, partitions: \
             {events} }}\n      - {{ name: agent-commands }}\n{extra_topic}"
        )
    }

    /// Each change's one-line form.
    fn lines(changes: &[Change]) -> Vec<String> {
        changes.iter().map(ToString::to_string).collect()
    }

    /// Parses test text, expecting it to be valid.
    fn file(text: &str) -> TopicsFile {
        parse(text, "<test>").expect("valid topics file")
    }

    /// Parses test text, expecting it to be invalid, and renders the error.
    fn invalid(text: &str) -> String {
        match parse(text, "<test>") {
            Err(e @ AdminError::Invalid(_)) => e.to_string(),
            other => panic!("expected Invalid, got {other:?}"),
        }
    }

    #[test]
    fn stock_file_is_valid_and_means_what_it_says() {
        let f = file(STOCK);
        assert_eq!(f.tenant.as_str(), "arc");
        assert_eq!(f.clusters, vec![Name("standalone".to_owned())]);
        let shape: Vec<String> = f
            .namespaces
            .iter()
            .map(|ns| {
                let topics: Vec<String> = ns
                    .topics
                    .iter()
                    .map(|t| format!("{}/{}/{}", t.name, t.partitions.get(), t.domain()))
                    .collect();
                let retention = ns.retention.map(|r| r.to_string()).unwrap_or_default();
                format!("{} {retention}: {}", ns.name, topics.join(", "))
            })
            .collect();
        assert_eq!(
            shape,
            [
                "agents 7days/10GiB: agent-events/4/persistent, agent-commands/0/persistent",
                "system 30days/5GiB: metrics/2/persistent, audit/0/persistent",
            ]
        );
        let agents = f.namespaces[0].retention.expect("retention");
        assert_eq!((agents.minutes, agents.megabytes), (7 * 24 * 60, 10 * 1024));
    }

    #[tokio::test]
    async fn first_apply_creates_everything_with_the_documented_requests() {
        let mock = Mock::start(|_| {}).await;
        let changes = mock
            .client(None)
            .apply(&file(STOCK), false)
            .await
            .expect("apply");
        assert_eq!(
            lines(&changes),
            [
                "created tenant arc: allowed clusters standalone",
                "created namespace arc/agents: retention 7days/10GiB",
                "created topic persistent://arc/agents/agent-events (4 partitions): partitioned",
                "created topic persistent://arc/agents/agent-commands: non-partitioned",
                "created namespace arc/system: retention 30days/5GiB",
                "created topic persistent://arc/system/metrics (2 partitions): partitioned",
                "created topic persistent://arc/system/audit: non-partitioned",
            ]
        );
        let seen = mock.with(|s| s.seen.clone());
        assert!(seen
            .iter()
            .filter(|r| r.method != "GET")
            .all(|r| r.content_type.as_deref() == Some("application/json")));
        assert!(seen.iter().all(|r| r.authorization.is_none()));
        assert_eq!(
            mock.take(),
            [
                "GET /admin/v2/clusters",
                "GET /admin/v2/tenants/arc",
                r#"PUT /admin/v2/tenants/arc {"adminRoles":[],"allowedClusters":["standalone"]}"#,
                "PUT /admin/v2/namespaces/arc/agents",
                r#"POST /admin/v2/namespaces/arc/agents/retention {"retentionTimeInMinutes":10080,"retentionSizeInMB":10240}"#,
                "PUT /admin/v2/persistent/arc/agents/agent-events/partitions 4",
                "PUT /admin/v2/persistent/arc/agents/agent-commands {}",
                "PUT /admin/v2/namespaces/arc/system",
                r#"POST /admin/v2/namespaces/arc/system/retention {"retentionTimeInMinutes":43200,"retentionSizeInMB":5120}"#,
                "PUT /admin/v2/persistent/arc/system/metrics/partitions 2",
                "PUT /admin/v2/persistent/arc/system/audit {}",
            ]
        );
        mock.with(|s| {
            assert_eq!(
                s.partitioned.get("persistent://arc/agents/agent-events"),
                Some(&4)
            );
            assert_eq!(s.retention.get("arc/system"), Some(&(43_200, 5_120)));
            assert!(s.plain.contains("persistent://arc/system/audit"));
        });
    }

    #[tokio::test]
    async fn second_apply_is_all_unchanged_and_only_reads() {
        let mock = Mock::start(|_| {}).await;
        let client = mock.client(None);
        client
            .apply(&file(STOCK), false)
            .await
            .expect("first apply");
        mock.take();
        let changes = client
            .apply(&file(STOCK), false)
            .await
            .expect("second apply");
        assert!(
            changes.iter().all(|c| c.kind == ChangeKind::Unchanged),
            "{changes:#?}"
        );
        assert_eq!(changes.len(), 7);
        assert_eq!(
            lines(&changes)[..3],
            [
                "unchanged tenant arc: allowed clusters standalone",
                "unchanged namespace arc/agents: retention 7days/10GiB",
                "unchanged topic persistent://arc/agents/agent-events (4 partitions): partitioned",
            ]
        );
        assert_eq!(
            mock.take(),
            [
                "GET /admin/v2/clusters",
                "GET /admin/v2/tenants/arc",
                "GET /admin/v2/namespaces/arc",
                "GET /admin/v2/namespaces/arc/agents/retention",
                "GET /admin/v2/persistent/arc/agents/partitioned",
                "GET /admin/v2/persistent/arc/agents",
                "GET /admin/v2/persistent/arc/agents/agent-events/partitions",
                "GET /admin/v2/namespaces/arc/system/retention",
                "GET /admin/v2/persistent/arc/system/partitioned",
                "GET /admin/v2/persistent/arc/system",
                "GET /admin/v2/persistent/arc/system/metrics/partitions",
            ]
        );
    }

    #[tokio::test]
    async fn an_edit_shows_exactly_its_updates_and_creates() {
        let mock = Mock::start(|_| {}).await;
        let client = mock.client(None);
        let before = agents_file("{ time: 90m, size: 100MiB }", 2, "");
        client
            .apply(&file(&before), false)
            .await
            .expect("first apply");
        mock.take();
        let after = agents_file(
            "{ time: 7d, size: 10GiB }",
            4,
            "      - { name: agent-heartbeats }\n",
        );
        let changes = client.apply(&file(&after), false).await.expect("edit");
        assert_eq!(
            lines(&changes),
            [
                "unchanged tenant arc: allowed clusters standalone",
                "updated namespace arc/agents: retention 1h 30m/100MiB -> 7days/10GiB",
                "updated topic persistent://arc/agents/agent-events (4 partitions): partitions 2 -> 4",
                "unchanged topic persistent://arc/agents/agent-commands: non-partitioned",
                "created topic persistent://arc/agents/agent-heartbeats: non-partitioned",
            ]
        );
        let writes: Vec<String> = mock
            .take()
            .into_iter()
            .filter(|r| !r.starts_with("GET "))
            .collect();
        assert_eq!(
            writes,
            [
                r#"POST /admin/v2/namespaces/arc/agents/retention {"retentionTimeInMinutes":10080,"retentionSizeInMB":10240}"#,
                "POST /admin/v2/persistent/arc/agents/agent-events/partitions 4",
                "PUT /admin/v2/persistent/arc/agents/agent-heartbeats {}",
            ]
        );
        mock.with(|s| {
            assert_eq!(
                s.partitioned.get("persistent://arc/agents/agent-events"),
                Some(&4)
            );
            assert_eq!(s.retention.get("arc/agents"), Some(&(10_080, 10_240)));
        });
    }

    #[tokio::test]
    async fn fewer_partitions_is_a_clear_error_and_nothing_is_written() {
        let mock = Mock::start(|_| {}).await;
        let client = mock.client(None);
        let retention = "{ time: 7d, size: 10GiB }";
        client
            .apply(&file(&agents_file(retention, 4, "")), false)
            .await
            .expect("first apply");
        mock.take();
        let shrunk = agents_file(retention, 2, "      - { name: agent-heartbeats }\n");
        let error = client
            .apply(&file(&shrunk), false)
            .await
            .expect_err("shrinking must fail");
        assert!(
            matches!(
                &error,
                AdminError::Conflict(c) if c == &[Conflict::PartitionsCannotShrink {
                    topic: "persistent://arc/agents/agent-events".to_owned(),
                    current: 4,
                    wanted: 2,
                }]
            ),
            "{error:?}"
        );
        assert_eq!(
            error.to_string(),
            "nothing applied: topic `persistent://arc/agents/agent-events` has 4 partitions and \
             the file asks for 2: partitions can only grow (delete and recreate the topic to \
             shrink it)"
        );
        assert!(mock.take().iter().all(|r| r.starts_with("GET ")));
        mock.with(|s| {
            assert_eq!(
                s.partitioned.get("persistent://arc/agents/agent-events"),
                Some(&4)
            );
            assert!(!s.plain.contains("persistent://arc/agents/agent-heartbeats"));
        });
        // The dry run tells the same.
        let dry = client.apply(&file(&shrunk), true).await;
        assert!(matches!(dry, Err(AdminError::Conflict(_))));
    }

    #[tokio::test]
    async fn dry_run_reports_the_same_changes_and_writes_nothing() {
        let mock = Mock::start(|_| {}).await;
        let client = mock.client(None);
        let dry = client.apply(&file(STOCK), true).await.expect("dry run");
        assert_eq!(
            mock.take(),
            ["GET /admin/v2/clusters", "GET /admin/v2/tenants/arc"]
        );
        mock.with(|s| {
            assert!(s.tenants.is_empty() && s.namespaces.is_empty());
            assert!(s.partitioned.is_empty() && s.plain.is_empty());
        });
        let real = client.apply(&file(STOCK), false).await.expect("apply");
        assert_eq!(dry, real);

        let edited = STOCK.replace("partitions: 4", "partitions: 8");
        mock.take();
        let dry = client.apply(&file(&edited), true).await.expect("dry run");
        let updated: Vec<String> = dry
            .iter()
            .filter(|c| c.kind != ChangeKind::Unchanged)
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            updated,
            ["updated topic persistent://arc/agents/agent-events (8 partitions): partitions 4 -> 8"]
        );
        assert!(mock.take().iter().all(|r| r.starts_with("GET ")));
        mock.with(|s| {
            assert_eq!(
                s.partitioned.get("persistent://arc/agents/agent-events"),
                Some(&4)
            );
        });
    }

    #[tokio::test]
    async fn probe_tells_an_admin_api_from_none() {
        let mock = Mock::start(|_| {}).await;
        mock.client(None).probe().await.expect("admin API");
        assert_eq!(mock.take(), ["GET /admin/v2/clusters"]);

        let port = closed_port().await;
        let url = format!("http://127.0.0.1:{port}");
        let client = AdminClient::new(&url, None, Duration::from_secs(2)).expect("client");
        match client.probe().await {
            Err(AdminError::Unavailable { url: shown, reason }) => {
                assert_eq!(shown, url);
                assert_eq!(reason, "connection refused");
            }
            other => panic!("expected Unavailable, got {other:?}"),
        }
        // apply says the same, before anything else.
        let applied = client.apply(&file(STOCK), false).await;
        assert!(matches!(applied, Err(AdminError::Unavailable { .. })));

        let lite = Mock::start(|s| s.metrics_only = true).await;
        let error = lite.client(None).probe().await.expect_err("metrics only");
        assert!(matches!(error, AdminError::Unavailable { .. }), "{error:?}");
        assert_eq!(
            error.to_string(),
            format!(
                "no admin API at `{}`: `GET /admin/v2/clusters` answered 404 (a listener without \
                 the admin API, such as pulsar-lite's metrics)",
                lite.url
            )
        );
    }

    #[tokio::test]
    async fn the_token_is_sent_as_bearer_and_never_shown() {
        let secret = "s3cr3t-t0ken";
        let mock = Mock::start(|s| s.token = Some(secret.to_owned())).await;
        let client = mock.client(Some(secret));
        client.apply(&file(STOCK), false).await.expect("apply");
        let seen = mock.with(|s| s.seen.clone());
        assert!(!seen.is_empty());
        assert!(seen
            .iter()
            .all(|r| r.authorization.as_deref() == Some("Bearer s3cr3t-t0ken")));
        let debug = format!("{client:?}");
        assert!(!debug.contains(secret), "{debug}");
        assert!(debug.contains(r#"token: Some("***")"#), "{debug}");

        // A wrong token: the broker's 401, whose reason echoes the header, is shown masked.
        let wrong = "wr0ng-t0ken";
        let error = mock.client(Some(wrong)).probe().await.expect_err("401");
        assert!(
            matches!(&error, AdminError::Http { status: 401, .. }),
            "{error:?}"
        );
        let (shown, debug) = (error.to_string(), format!("{error:?}"));
        assert_eq!(
            shown,
            "`GET /admin/v2/clusters` answered 401: authentication failed for `Bearer ***`"
        );
        assert!(!debug.contains(wrong), "{debug}");

        // User-info in the URL is shown as `***` by Debug and by errors.
        let port = closed_port().await;
        let url = format!("http://admin:pa55-s3cr3t@127.0.0.1:{port}/");
        let client = AdminClient::new(&url, Some(secret.to_owned()), Duration::from_secs(2))
            .expect("client");
        let error = client.probe().await.expect_err("closed port");
        for text in [
            format!("{client:?}"),
            error.to_string(),
            format!("{error:?}"),
        ] {
            assert!(
                !text.contains("pa55-s3cr3t") && !text.contains(secret),
                "{text}"
            );
            assert!(
                text.contains(&format!("http://***@127.0.0.1:{port}")),
                "{text}"
            );
        }
        let bad = AdminClient::new(
            "http://admin:pa55-s3cr3t@[::1",
            None,
            Duration::from_secs(1),
        );
        let text = bad.expect_err("bad url").to_string();
        assert!(!text.contains("pa55-s3cr3t"), "{text}");
        let tls = AdminClient::new("https://127.0.0.1:8443", None, Duration::from_secs(1));
        assert!(tls
            .expect_err("https")
            .to_string()
            .contains("expected an `http://` URL"));
    }

    #[tokio::test]
    async fn kind_mismatches_and_unknown_clusters_are_refused_before_any_write() {
        let mock = Mock::start(|s| {
            s.tenants.insert(
                "arc".to_owned(),
                (Vec::new(), vec!["standalone".to_owned()]),
            );
            s.namespaces.insert("arc/agents".to_owned());
            s.partitioned
                .insert("persistent://arc/agents/agent-commands".to_owned(), 3);
            s.plain
                .insert("persistent://arc/agents/agent-events".to_owned());
        })
        .await;
        let text = agents_file("{ time: 7d, size: 10GiB }", 4, "")
            .replace("[standalone]", "[standalone, eu-west]");
        let error = mock
            .client(None)
            .apply(&file(&text), false)
            .await
            .expect_err("conflicts");
        assert_eq!(
            error.to_string(),
            "nothing applied: cluster `eu-west` does not exist on the broker; known: \
             `standalone`; topic `persistent://arc/agents/agent-events` exists non-partitioned \
             and the file asks for it partitioned: Pulsar cannot convert a topic (delete it, or \
             give the file's topic another name); topic `persistent://arc/agents/agent-commands` \
             exists partitioned and the file asks for it non-partitioned: Pulsar cannot convert \
             a topic (delete it, or give the file's topic another name)"
        );
        assert!(mock.take().iter().all(|r| r.starts_with("GET ")));
    }

    #[tokio::test]
    async fn existing_objects_are_updated_in_place() {
        let mock = Mock::start(|s| {
            s.clusters.push("backup".to_owned());
            s.tenants.insert(
                "arc".to_owned(),
                (vec!["ops".to_owned()], vec!["standalone".to_owned()]),
            );
            s.namespaces.insert("arc/agents".to_owned());
            s.unlisted
                .insert("non-persistent://arc/agents/presence".to_owned());
        })
        .await;
        let text = agents_file(
            "{ time: -1, size: 1TiB }",
            4,
            "      - { name: presence, persistent: false }\n",
        )
        .replace("[standalone]", "[standalone, backup]");
        let changes = mock
            .client(None)
            .apply(&file(&text), false)
            .await
            .expect("apply");
        assert_eq!(
            lines(&changes),
            [
                "updated tenant arc: allowed clusters standalone -> standalone, backup",
                "updated namespace arc/agents: retention unset -> infinite/1TiB",
                "created topic persistent://arc/agents/agent-events (4 partitions): partitioned",
                "created topic persistent://arc/agents/agent-commands: non-partitioned",
                "unchanged topic non-persistent://arc/agents/presence: already existed; \
                 non-partitioned",
            ]
        );
        let writes: Vec<String> = mock
            .take()
            .into_iter()
            .filter(|r| !r.starts_with("GET "))
            .collect();
        assert_eq!(
            writes[..2],
            [
                r#"POST /admin/v2/tenants/arc {"adminRoles":["ops"],"allowedClusters":["standalone","backup"]}"#,
                r#"POST /admin/v2/namespaces/arc/agents/retention {"retentionTimeInMinutes":-1,"retentionSizeInMB":1048576}"#,
            ]
        );
        assert_eq!(
            writes.last().map(String::as_str),
            Some("PUT /admin/v2/non-persistent/arc/agents/presence {}")
        );
    }

    #[tokio::test]
    async fn broker_errors_name_the_request_status_and_reason() {
        let mock = Mock::start(|s| {
            s.fail = Some((
                "PUT /admin/v2/namespaces/arc/agents".to_owned(),
                403,
                r#"{"reason":"Don't have admin permission"}"#.to_owned(),
            ));
        })
        .await;
        let client = mock.client(None);
        let error = client.apply(&file(STOCK), false).await.expect_err("403");
        assert!(
            matches!(&error, AdminError::Http { status: 403, .. }),
            "{error:?}"
        );
        assert_eq!(
            error.to_string(),
            "`PUT /admin/v2/namespaces/arc/agents` answered 403: Don't have admin permission"
        );

        mock.with(|s| {
            s.fail = Some((
                "GET /admin/v2/tenants/arc".to_owned(),
                200,
                "<html>proxy login</html>".to_owned(),
            ));
        });
        let error = client.apply(&file(STOCK), true).await.expect_err("garbage");
        assert!(matches!(&error, AdminError::Decode { .. }), "{error:?}");
        assert!(
            error
                .to_string()
                .starts_with("`GET /admin/v2/tenants/arc` answered something unexpected: "),
            "{error}"
        );
    }

    #[test]
    fn unknown_fields_name_line_column_and_field() {
        let text = "tenant: arc\nclusters: [standalone]\nnamespaces:\n  - name: agents\n    \
                    topics:\n      - { name: agent-events, partiton: 4 }\n";
        let shown = invalid(text);
        assert!(shown.starts_with("<test>:6:"), "{shown}");
        assert!(
            shown.contains("`namespaces[0].topics[0]`: unknown field `partiton`"),
            "{shown}"
        );
        assert!(
            shown.contains("expected one of `name`, `partitions`, `persistent`"),
            "{shown}"
        );

        let shown = invalid("tenant: arc\nclusters: [standalone]\nretention: 7d\n");
        assert!(
            shown.starts_with("<test>:3:1: unknown field `retention`"),
            "{shown}"
        );
    }

    #[test]
    fn bad_values_name_line_column_field_and_expectation() {
        let base = "tenant: arc\nclusters: [standalone]\nnamespaces:\n  - name: agents\n";
        let topics = |t: &str| format!("{base}    topics:\n      - {t}\n");
        let cases = [
            (
                topics("{ name: agent-events, partitions: 2000 }"),
                "<test>:6:43: `namespaces[0].topics[0].partitions`: partitions must be \
                 0..=1024 (0 or absent: non-partitioned), got `2000`",
            ),
            (
                topics("{ name: agent-events, partitions: -3 }"),
                "<test>:6:43: `namespaces[0].topics[0].partitions`: partitions must be \
                 0..=1024 (0 or absent: non-partitioned), got `-3`",
            ),
            (
                topics("{ name: agent events }"),
                "<test>:6:17: `namespaces[0].topics[0].name`: `agent events` is not a valid \
                 name: expected one or more of `A-Z a-z 0-9 _ . -`",
            ),
            (
                topics("{ name: x-partition-1 }"),
                "<test>:6:17: `namespaces[0].topics[0].name`: `x-partition-1` is not a valid \
                 topic name: `-partition-` is reserved for the partitions of partitioned topics",
            ),
            (
                format!("{base}    retention: {{ time: 7x, size: 1GiB }}\n"),
                "<test>:5:24: `namespaces[0].retention.time`: `7x` is not a duration (unknown \
                 time unit \"x\", supported units: ns, us/µs, ms, sec, min, hours, days, weeks, \
                 months, years (and few variations)); write e.g. `500ms`, `30s`, `2m`",
            ),
            (
                format!("{base}    retention: {{ time: 7d, size: 10G }}\n"),
                "<test>:5:34: `namespaces[0].retention.size`: `10G` is ambiguous: write `10GiB` \
                 (powers of 1024) or `10GB` (powers of 1000)",
            ),
            (
                format!("{base}    retention: {{ time: 7d }}\n"),
                "<test>:5:16: `namespaces[0].retention`: missing field `size`",
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(invalid(&text), expected, "for:\n{text}");
        }
    }

    #[test]
    fn rules_across_values_name_the_field() {
        let shown = invalid(
            "tenant: arc\nclusters: []\nnamespaces:\n  - name: a\n    topics:\n      - { name: \
             t }\n      - { name: t, partitions: 2 }\n  - name: a\n",
        );
        assert_eq!(
            shown,
            "<test>: `clusters`: expected at least one cluster (Pulsar standalone: \
             `standalone`)\n<test>: `namespaces[1].name`: namespace `a` is declared twice\n\
             <test>: `namespaces[0].topics[1].name`: topic `t` is declared twice in namespace `a`"
        );
        let syntax = invalid("tenant: arc\nclusters: [standalone\n");
        assert!(syntax.starts_with("<test>:"), "{syntax}");
        assert_eq!(invalid(""), "<test>:1:1: missing field `tenant`");
        assert!(invalid("[]").contains("expected a mapping with `tenant`"));
    }

    #[test]
    fn load_reads_a_file_and_names_one_it_cannot_read() {
        let dir = std::env::temp_dir().join(format!("arc-pulsar-admin-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("topics.yaml");
        std::fs::write(&path, STOCK).expect("write");
        assert_eq!(load(&path).expect("load"), file(STOCK));
        std::fs::write(&path, "tenant: arc\nclusters: [standalone]\nextra: 1\n").expect("write");
        let shown = load(&path).expect_err("invalid").to_string();
        assert!(
            shown.starts_with(&format!("{}:3:1: ", path.display())),
            "{shown}"
        );
        let missing = dir.join("missing.yaml");
        let shown = load(&missing).expect_err("missing").to_string();
        assert!(
            shown.starts_with(&format!("cannot read `{}`: ", missing.display())),
            "{shown}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn changes_serialize_for_json_output() {
        let change = Change {
            kind: ChangeKind::Updated,
            object: "topic persistent://arc/agents/agent-events (4 partitions)".to_owned(),
            detail: "partitions 2 -> 4".to_owned(),
        };
        assert_eq!(
            serde_json::to_string(&change).expect("json"),
            r#"{"kind":"updated","object":"topic persistent://arc/agents/agent-events (4 partitions)","detail":"partitions 2 -> 4"}"#
        );
    }

    #[test]
    fn retention_limits_read_and_show_as_written() {
        for (text, minutes) in [("90m", 90), ("12h", 720), ("7d", 10_080), ("2w", 20_160)] {
            assert_eq!(Limit::Minutes.parse(text), Ok(minutes));
        }
        for (text, megabytes) in [
            ("500MiB", 500),
            ("10GiB", 10_240),
            ("1TiB", 1_048_576),
            ("1GB", 954),
            ("1", 1),
            ("0", 0),
            ("-1", -1),
        ] {
            assert_eq!(Limit::Megabytes.parse(text), Ok(megabytes));
        }
        assert!(Limit::Minutes.parse("5000000w").is_err());
        assert_eq!(show_minutes(10_080), "7days");
        assert_eq!(show_minutes(90), "1h 30m");
        assert_eq!(show_megabytes(100), "100MiB");
        assert_eq!(Limit::Minutes.parse("61s"), Ok(2));
        assert_eq!(show_megabytes(-1), "infinite");
        assert_eq!(
            snippet(&"x".repeat(300), None).chars().count(),
            BODY_SNIPPET_CHARS + 1
        );
    }
}
