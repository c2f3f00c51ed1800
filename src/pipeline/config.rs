//! The pipeline's configuration: the global document and one document per topic, as stored in the
//! config store and served by its REST API, and their compiled form ([`Snapshot`]) that the
//! constraint checker reads.
//!
//! Every document is validated (and every CEL policy compiled) when it is written, so a bad one
//! never reaches a running pipeline.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::policy::{Policy, PolicySpec};
use crate::bus::subject;
use crate::format::hex;

/// The built-in payload ceiling when neither the topic nor the global document sets one.
pub(crate) const DEFAULT_MAX_BYTES: usize = 1 << 20;
/// The built-in bound of the log queue (messages waiting for the logger).
pub(crate) const DEFAULT_QUEUE_BOUND: u64 = 1_000_000;
/// The topic a message falls into when no topic's pattern matches it.
pub(crate) const DEFAULT_TOPIC: &str = "default";

/// `/v1/config/global`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct GlobalConfig {
    /// Payload ceiling in bytes for topics that set none (a number, or `64KiB`, `1MB`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::spec::size::option_usize::deserialize"
    )]
    pub max_bytes: Option<usize>,
    /// The most messages the log queue may hold; beyond it ingress answers 503.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_bound: Option<u64>,
    /// Ingest identities. None at all: ingress is open and the sender is `anonymous`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identities: Vec<Identity>,
}

/// A producer identity: who a bearer token stands for and where it may publish.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Identity {
    pub name: String,
    /// The token in clear, accepted on write only: the store keeps its SHA-256.
    #[serde(default, skip_serializing)]
    pub token: Option<String>,
    /// Hex SHA-256 of the token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_sha256: Option<String>,
    /// Subject patterns this identity may publish to (default: everything).
    #[serde(default = "everything")]
    pub publish: Vec<String>,
}

fn everything() -> Vec<String> {
    vec![">".to_owned()]
}

/// `/v1/config/topics/{topic}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TopicConfig {
    /// The subjects this topic covers (NATS wildcards). The topic `default` needs none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// Topics are matched in ascending `order`, then by name; the first match wins.
    #[serde(default)]
    pub order: i32,
    /// Payload ceiling in bytes (a number, or `64KiB`, `1MB`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::spec::size::option_usize::deserialize"
    )]
    pub max_bytes: Option<usize>,
    /// When not empty, a subject must match one of these.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow: Vec<String>,
    /// A subject matching one of these is refused.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deny: Vec<String>,
    #[serde(default, skip_serializing_if = "RateLimits::is_empty")]
    pub rate_limit: RateLimits,
    /// CEL policies, evaluated in order; the first whose `when` holds decides.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policies: Vec<PolicySpec>,
    /// Publish through JetStream and wait for its acknowledgement (a stream must capture the
    /// subjects) instead of core NATS.
    #[serde(default)]
    pub durable: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RateLimits {
    /// Shared by every sender on the topic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_topic: Option<Rate>,
    /// For each sender on the topic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_sender: Option<Rate>,
}

impl RateLimits {
    fn is_empty(&self) -> bool {
        self.per_topic.is_none() && self.per_sender.is_none()
    }
}

/// A sustained rate with a burst allowance (GCRA).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Rate {
    pub per_second: f64,
    #[serde(default = "one")]
    pub burst: u32,
}

fn one() -> u32 {
    1
}

/// A document that cannot be stored: where and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Invalid {
    pub field: String,
    pub reason: String,
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.field == "$" {
            return write!(f, "{}", self.reason);
        }
        write!(f, "`{}`: {}", self.field, self.reason)
    }
}

fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Invalid {
    Invalid {
        field: field.into(),
        reason: reason.into(),
    }
}

/// Parses a JSON document, naming the field that is wrong.
pub(crate) fn parse_document<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Invalid> {
    let mut de = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize::<_, T>(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let reason = super::envelope::json_reason(&e.into_inner());
        invalid(if path == "." { "$".to_owned() } else { path }, reason)
    })
}

/// A topic name: 1–64 characters of `a-z A-Z 0-9 _ -`.
pub(crate) fn check_topic_name(name: &str) -> Result<(), Invalid> {
    if name.is_empty()
        || name.len() > 64
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return Err(invalid(
            "topic",
            format!("`{name}` is not a topic name: use 1 to 64 letters, digits, `_` or `-`"),
        ));
    }
    Ok(())
}

fn check_pattern(field: &str, p: &str) -> Result<(), Invalid> {
    subject::pattern(p).map_err(|e| invalid(field, e.to_string()))
}

impl GlobalConfig {
    /// Validates the document and replaces clear tokens by their hashes.
    pub(crate) fn prepare(mut self) -> Result<Self, Invalid> {
        if self.max_bytes == Some(0) {
            return Err(invalid("max_bytes", "must be at least 1"));
        }
        if self.queue_bound == Some(0) {
            return Err(invalid("queue_bound", "must be at least 1"));
        }
        let mut names = std::collections::BTreeSet::new();
        let mut hashes = std::collections::BTreeSet::new();
        for (i, id) in self.identities.iter_mut().enumerate() {
            let at = |f: &str| format!("identities[{i}].{f}");
            if id.name.is_empty() || id.name.len() > 128 || id.name.contains(char::is_control) {
                return Err(invalid(at("name"), "must be 1 to 128 printable characters"));
            }
            if !names.insert(id.name.clone()) {
                return Err(invalid(at("name"), format!("`{}` is named twice", id.name)));
            }
            match (id.token.take(), &id.token_sha256) {
                (Some(t), None) => {
                    if t.len() < 16 {
                        return Err(invalid(at("token"), "must be at least 16 characters"));
                    }
                    id.token_sha256 = Some(hex(&Sha256::digest(t.as_bytes())));
                }
                (None, Some(h)) => {
                    if h.len() != 64 || !h.chars().all(|c| c.is_ascii_hexdigit()) {
                        return Err(invalid(at("token_sha256"), "must be 64 hex digits"));
                    }
                    id.token_sha256 = Some(h.to_ascii_lowercase());
                }
                (Some(_), Some(_)) => {
                    return Err(invalid(
                        at("token"),
                        "give `token` or `token_sha256`, not both",
                    ))
                }
                (None, None) => {
                    return Err(invalid(
                        at("token"),
                        "each identity needs `token` or `token_sha256`",
                    ))
                }
            }
            if !hashes.insert(id.token_sha256.clone()) {
                return Err(invalid(
                    at("token"),
                    "the same token is given to two identities",
                ));
            }
            if id.publish.is_empty() {
                return Err(invalid(at("publish"), "list at least one subject pattern"));
            }
            for (j, p) in id.publish.iter().enumerate() {
                check_pattern(&at(&format!("publish[{j}]")), p)?;
            }
        }
        Ok(self)
    }
}

impl TopicConfig {
    /// Validates the document and compiles its policies.
    pub(crate) fn compile(&self, name: &str) -> Result<CompiledTopic, Invalid> {
        check_topic_name(name)?;
        match &self.pattern {
            Some(p) => check_pattern("pattern", p)?,
            None if name == DEFAULT_TOPIC => {}
            None => {
                return Err(invalid(
                    "pattern",
                    "every topic but `default` needs a subject pattern, e.g. `agent.*.commands`",
                ))
            }
        }
        if self.max_bytes == Some(0) {
            return Err(invalid("max_bytes", "must be at least 1"));
        }
        for (i, p) in self.allow.iter().enumerate() {
            check_pattern(&format!("allow[{i}]"), p)?;
        }
        for (i, p) in self.deny.iter().enumerate() {
            check_pattern(&format!("deny[{i}]"), p)?;
        }
        for (field, rate) in [
            ("rate_limit.per_topic", self.rate_limit.per_topic),
            ("rate_limit.per_sender", self.rate_limit.per_sender),
        ] {
            if let Some(r) = rate {
                if !(r.per_second.is_finite() && r.per_second > 0.0 && r.per_second <= 1e7) {
                    return Err(invalid(
                        format!("{field}.per_second"),
                        "must be more than 0 and at most 10000000",
                    ));
                }
                if r.burst == 0 {
                    return Err(invalid(format!("{field}.burst"), "must be at least 1"));
                }
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        let policies = self
            .policies
            .iter()
            .enumerate()
            .map(|(i, p)| {
                if !seen.insert(p.name.as_str()) {
                    return Err(invalid(
                        format!("policies[{i}].name"),
                        format!("`{}` is named twice", p.name),
                    ));
                }
                Policy::compile(p).map_err(|reason| invalid(format!("policies[{i}]"), reason))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(CompiledTopic {
            name: name.to_owned(),
            spec: self.clone(),
            policies,
        })
    }
}

/// A topic ready for the checker.
#[derive(Debug)]
pub(crate) struct CompiledTopic {
    pub name: String,
    pub spec: TopicConfig,
    pub policies: Vec<Policy>,
}

/// Everything the checker needs, swapped as a whole when the configuration changes.
#[derive(Debug)]
pub(crate) struct Snapshot {
    pub global: GlobalConfig,
    /// Matched in order; the first whose pattern matches wins.
    pub topics: Vec<Arc<CompiledTopic>>,
    pub default_topic: Arc<CompiledTopic>,
    /// (SHA-256 of the token, identity).
    pub identities: Vec<([u8; 32], Identity)>,
    /// org id -> NATS URL of its registered backbone.
    pub backbones: BTreeMap<String, String>,
    /// The versions this snapshot was built from (for `/readyz` and logs).
    pub version: String,
}

impl Snapshot {
    /// Builds a snapshot from stored documents. A stored document that no longer compiles (written
    /// by another arc version) is skipped with a warning rather than stopping the pipeline.
    pub(crate) fn build(
        global: GlobalConfig,
        topics: Vec<(String, TopicConfig)>,
        backbones: BTreeMap<String, String>,
        version: String,
    ) -> Self {
        let mut compiled: Vec<Arc<CompiledTopic>> = Vec::new();
        let mut default_topic = None;
        for (name, t) in topics {
            match t.compile(&name) {
                Ok(c) if name == DEFAULT_TOPIC => default_topic = Some(Arc::new(c)),
                Ok(c) => compiled.push(Arc::new(c)),
                Err(e) => tracing::warn!("config: topic `{name}` skipped: {e}"),
            }
        }
        compiled.sort_by(|a, b| (a.spec.order, &a.name).cmp(&(b.spec.order, &b.name)));
        let default_topic = default_topic.unwrap_or_else(|| {
            Arc::new(CompiledTopic {
                name: DEFAULT_TOPIC.to_owned(),
                spec: TopicConfig {
                    pattern: None,
                    order: 0,
                    max_bytes: None,
                    allow: Vec::new(),
                    deny: Vec::new(),
                    rate_limit: RateLimits::default(),
                    policies: Vec::new(),
                    durable: false,
                },
                policies: Vec::new(),
            })
        });
        let identities = global
            .identities
            .iter()
            .filter_map(|i| {
                let h = unhex(i.token_sha256.as_deref()?)?;
                Some((h, i.clone()))
            })
            .collect();
        Snapshot {
            global,
            topics: compiled,
            default_topic,
            identities,
            backbones,
            version,
        }
    }

    /// The topic a subject falls into.
    pub(crate) fn topic_for(&self, subject_: &str) -> &Arc<CompiledTopic> {
        self.topics
            .iter()
            .find(|t| {
                t.spec
                    .pattern
                    .as_deref()
                    .is_some_and(|p| subject::matches(p, subject_))
            })
            .unwrap_or(&self.default_topic)
    }

    pub(crate) fn max_bytes(&self, topic: &CompiledTopic) -> usize {
        topic
            .spec
            .max_bytes
            .or(self.global.max_bytes)
            .unwrap_or(DEFAULT_MAX_BYTES)
    }

    pub(crate) fn queue_bound(&self) -> u64 {
        self.global.queue_bound.unwrap_or(DEFAULT_QUEUE_BOUND)
    }
}

fn unhex(s: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    if s.len() != 64 {
        return None;
    }
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn topic(json: &str) -> TopicConfig {
        parse_document(json.as_bytes()).unwrap()
    }

    #[test]
    fn topics_need_a_pattern_and_valid_rules() {
        let e = topic("{}").compile("commands").unwrap_err();
        assert_eq!(e.field, "pattern");
        assert!(topic("{}").compile("default").is_ok());
        let e = topic(r#"{"pattern": "agent.>.x"}"#)
            .compile("commands")
            .unwrap_err();
        assert_eq!(e.field, "pattern");
        let e = topic(r#"{"pattern": "a.>", "rate_limit": {"per_sender": {"per_second": 0}}}"#)
            .compile("t")
            .unwrap_err();
        assert_eq!(e.field, "rate_limit.per_sender.per_second");
        let e = topic("{}").compile("bad name").unwrap_err();
        assert_eq!(e.field, "topic");
        let e = parse_document::<TopicConfig>(br#"{"pattern": "a", "max_byte": 3}"#).unwrap_err();
        assert!(e.reason.contains("unknown field `max_byte`"), "{e}");
    }

    /// Issue 25: `max_bytes` takes the size grammar; a document that is not JSON says so in
    /// words, not serde_json's.
    #[test]
    fn max_bytes_takes_sizes_and_bad_json_reads_plainly() {
        assert_eq!(topic(r#"{"max_bytes": "64KiB"}"#).max_bytes, Some(65_536));
        assert_eq!(topic(r#"{"max_bytes": 65536}"#).max_bytes, Some(65_536));
        let g: GlobalConfig = parse_document(br#"{"max_bytes": "1MB"}"#).unwrap();
        assert_eq!(g.max_bytes, Some(1_000_000));
        let e = parse_document::<TopicConfig>(br#"{"max_bytes": "10G"}"#).unwrap_err();
        assert_eq!(e.field, "max_bytes");
        assert!(e.reason.contains("ambiguous"), "{e}");
        let e = parse_document::<TopicConfig>(b"nope").unwrap_err();
        assert_eq!(e.to_string(), "not valid JSON (at line 1, column 2)");
    }

    #[test]
    fn a_policy_that_does_not_compile_is_rejected_at_write() {
        let t = topic(
            r#"{"pattern": "a.>", "policies": [{"name": "p", "when": "size(payload) <", "action": "deny"}]}"#,
        );
        let e = t.compile("t").unwrap_err();
        assert_eq!(e.field, "policies[0]");
    }

    #[test]
    fn tokens_are_hashed_on_write() {
        let g: GlobalConfig = parse_document(
            br#"{"identities": [{"name": "a", "token": "0123456789abcdef0123", "publish": ["agent.>"]}]}"#,
        )
        .unwrap();
        let g = g.prepare().unwrap();
        let stored = serde_json::to_string(&g).unwrap();
        assert!(!stored.contains("0123456789abcdef0123"), "{stored}");
        assert!(stored.contains("token_sha256"));
        let short: GlobalConfig =
            parse_document(br#"{"identities": [{"name": "a", "token": "x"}]}"#).unwrap();
        assert_eq!(short.prepare().unwrap_err().field, "identities[0].token");
    }

    #[test]
    fn first_matching_topic_wins_else_default() {
        let s = Snapshot::build(
            GlobalConfig::default(),
            vec![
                ("b".into(), topic(r#"{"pattern": "agent.>", "order": 1}"#)),
                (
                    "a".into(),
                    topic(r#"{"pattern": "agent.*.commands", "order": 1}"#),
                ),
                (
                    "z".into(),
                    topic(r#"{"pattern": "agent.x.commands", "order": 0}"#),
                ),
            ],
            BTreeMap::new(),
            "t".into(),
        );
        assert_eq!(s.topic_for("agent.x.commands").name, "z");
        assert_eq!(s.topic_for("agent.y.commands").name, "a");
        assert_eq!(s.topic_for("agent.y.events").name, "b");
        assert_eq!(s.topic_for("other").name, "default");
    }
}
