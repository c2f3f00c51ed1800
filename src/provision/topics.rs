//! `services/streaming/topics.yaml`: the model of a Pulsar tenant, its namespaces (retention)
//! and topics (partitions, persistence), read through the same diagnostics as service.yaml
//! (file:line:column, field path, what was expected). Retention is written in arc's one
//! duration and size grammar (`spec::duration`, `spec::size`) and kept as Pulsar keeps it:
//! whole minutes and whole MiB, rounded up. Owns parsing and validation only; the planner is
//! [`super::topics_plan`], the admin client `bus::pulsar_admin`.

use std::collections::BTreeSet;
use std::fmt;
use std::path::Path;
use std::time::Duration;

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

use crate::spec::SpecError;

/// The most partitions a topic may declare (Pulsar's own default ceiling is configurable; this
/// keeps a typo such as `40000` from reaching the broker).
pub(crate) const MAX_PARTITIONS: u32 = 1024;

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
pub(crate) fn show_minutes(minutes: i64) -> String {
    match u64::try_from(minutes) {
        Ok(0) => "0".to_owned(),
        Ok(m) => crate::spec::duration::format(Duration::from_secs(m * 60)),
        Err(_) => "infinite".to_owned(),
    }
}

/// Writes MiB back in the size grammar (`10GiB`, `100MiB`; `-1` as `infinite`).
pub(crate) fn show_megabytes(megabytes: i64) -> String {
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

/// Reads and validates the topics file at `path`.
pub(crate) fn load(path: &Path) -> Result<TopicsFile, SpecError> {
    let text = std::fs::read_to_string(path).map_err(|source| SpecError::Read {
        path: path.to_owned(),
        source,
    })?;
    parse(&path.display().to_string(), &text)
}

/// Parses and validates topics-file text through the same diagnostics as service.yaml;
/// `name` names it in them (a path, or `<embedded>/…`).
pub(crate) fn parse(name: &str, text: &str) -> Result<TopicsFile, SpecError> {
    crate::spec::parse_checked(name, text, TopicsFile::problems)
}

impl TopicsFile {
    /// The rules serde cannot check one value at a time: non-empty and unique lists.
    fn problems(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut problem = |field: String, message: String| out.push((field, message));
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The stock file, as shipped.
    const STOCK: &str = include_str!("../../services/streaming/topics.yaml");

    /// Parses test text, expecting it to be valid.
    fn file(text: &str) -> TopicsFile {
        parse("<test>", text).expect("valid topics file")
    }

    /// Parses test text, expecting it to be invalid, and renders its diagnostics, one a line.
    fn invalid(text: &str) -> String {
        match parse("<test>", text) {
            Err(SpecError::Invalid(diags)) => diags
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n"),
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

    #[test]
    fn unknown_fields_name_line_column_and_field() {
        let text = "tenant: arc\nclusters: [standalone]\nnamespaces:\n  - name: agents\n    \
                    topics:\n      - { name: agent-events, partiton: 4 }\n";
        let shown = invalid(text);
        // The same rendering as service.yaml's: the unknown key's own line, column and path.
        assert!(
            shown.starts_with(
                "<test>:6:31: `namespaces[0].topics[0].partiton`: unknown field `partiton`"
            ),
            "{shown}"
        );
        assert!(
            shown.contains("expected one of `name`, `partitions`, `persistent`"),
            "{shown}"
        );

        let shown = invalid("tenant: arc\nclusters: [standalone]\nretention: 7d\n");
        assert!(
            shown.starts_with("<test>:3:1: `retention`: unknown field `retention`"),
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
            "<test>:2:1: `clusters`: expected at least one cluster (Pulsar standalone: \
             `standalone`)\n<test>:8:5: `namespaces[1].name`: namespace `a` is declared twice\n\
             <test>:7:11: `namespaces[0].topics[1].name`: topic `t` is declared twice in \
             namespace `a`"
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
            shown.starts_with(&format!(
                "invalid configuration:\n  {}:3:1: `extra`: unknown field `extra`",
                path.display()
            )),
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
    }
}
