//! `services/messaging/streams.yaml`: the model of declared JetStream streams, read through
//! the same diagnostics as service.yaml (sizes and durations in arc's one grammar), the pure
//! `diff(have, want)` of the declared fields, and apply: create or update each stream.
//!
//! JetStream fills in fields of its own and rejects a create whose config differs from an
//! existing stream's, so arc compares only what the file declares and updates by overlaying the
//! declared fields on the server's config. The protocol calls are `bus::jetstream`'s.

use std::fmt;
use std::path::Path;
use std::time::Duration;

use async_nats::jetstream::stream;
use serde::{Deserialize, Serialize};

use crate::bus::{jetstream, subject, BusError};
use crate::spec::{self, SpecError};

/// Reads the streams file at `path` and checks its names.
pub(crate) fn load(path: &Path) -> Result<StreamsFile, crate::error::Error> {
    let text = std::fs::read_to_string(path).map_err(|source| SpecError::Read {
        path: path.to_owned(),
        source,
    })?;
    parse(&path.display().to_string(), &text)
}

/// Parses streams-file text (`name` shown in diagnostics) and checks its stream names and
/// subject patterns.
pub(crate) fn parse(name: &str, text: &str) -> Result<StreamsFile, crate::error::Error> {
    let file: StreamsFile = spec::parse_document(name, text)?;
    for s in &file.streams {
        subject::stream_name(&s.name)?;
        for subj in &s.subjects {
            subject::pattern(subj)?;
        }
    }
    Ok(file)
}

/// The whole streams file.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StreamsFile {
    /// The streams.
    pub(crate) streams: Vec<StreamDecl>,
}

impl StreamsFile {
    /// Gives every stream `n` replicas (a clustered Flash).
    pub(crate) fn set_replicas(&mut self, n: usize) {
        for s in &mut self.streams {
            s.replicas = n;
        }
    }
}

/// Storage backends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Storage {
    /// On disk.
    File,
    /// In memory.
    Memory,
}

/// Retention policies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Retention {
    /// Kept until a limit is hit.
    Limits,
    /// Kept while a consumer is interested.
    Interest,
    /// Removed once acknowledged.
    Workqueue,
}

/// What goes when a limit is hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Discard {
    /// Old messages make room.
    Old,
    /// New messages are refused.
    New,
}

/// One declared stream; omitted limits are unlimited.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StreamDecl {
    /// Stream name.
    pub(crate) name: String,
    /// What it is for.
    #[serde(default)]
    pub(crate) description: Option<String>,
    /// Subjects it captures.
    pub(crate) subjects: Vec<String>,
    /// Storage.
    pub(crate) storage: Storage,
    /// Retention.
    #[serde(default = "limits")]
    pub(crate) retention: Retention,
    /// Oldest message kept (`7d`), 0 for no limit.
    #[serde(default, with = "crate::spec::duration")]
    pub(crate) max_age: Duration,
    /// Size limit (`1GiB`), -1 for none.
    #[serde(
        default = "unlimited",
        deserialize_with = "crate::spec::size::deserialize_limit"
    )]
    pub(crate) max_bytes: i64,
    /// Message count limit, -1 for none.
    #[serde(default = "unlimited")]
    pub(crate) max_msgs: i64,
    /// Largest message (`1MiB`), -1 for the server's max_payload.
    #[serde(
        default = "unlimited",
        deserialize_with = "crate::spec::size::deserialize_limit"
    )]
    pub(crate) max_msg_size: i64,
    /// What goes at a limit.
    #[serde(default = "old")]
    pub(crate) discard: Discard,
    /// Window in which `Nats-Msg-Id` deduplicates (`2m`).
    #[serde(default = "two_minutes", with = "crate::spec::duration")]
    pub(crate) duplicate_window: Duration,
    /// Replicas (1 on a single server).
    #[serde(default = "one")]
    pub(crate) replicas: usize,
}

fn limits() -> Retention {
    Retention::Limits
}
fn unlimited() -> i64 {
    -1
}
fn old() -> Discard {
    Discard::Old
}
fn two_minutes() -> Duration {
    Duration::from_secs(120)
}
fn one() -> usize {
    1
}

impl StreamDecl {
    /// The declared fields as a server config (the rest default).
    pub(crate) fn to_config(&self) -> stream::Config {
        let mut c = stream::Config {
            name: self.name.clone(),
            ..stream::Config::default()
        };
        self.overlay(&mut c);
        c
    }

    /// Writes the declared fields over `c`, keeping everything else the server set.
    pub(crate) fn overlay(&self, c: &mut stream::Config) {
        c.description.clone_from(&self.description);
        c.subjects.clone_from(&self.subjects);
        c.storage = match self.storage {
            Storage::File => stream::StorageType::File,
            Storage::Memory => stream::StorageType::Memory,
        };
        c.retention = match self.retention {
            Retention::Limits => stream::RetentionPolicy::Limits,
            Retention::Interest => stream::RetentionPolicy::Interest,
            Retention::Workqueue => stream::RetentionPolicy::WorkQueue,
        };
        c.max_age = self.max_age;
        c.max_bytes = self.max_bytes;
        c.max_messages = self.max_msgs;
        c.max_message_size = i32::try_from(self.max_msg_size).unwrap_or(i32::MAX);
        c.discard = match self.discard {
            Discard::Old => stream::DiscardPolicy::Old,
            Discard::New => stream::DiscardPolicy::New,
        };
        c.duplicate_window = self.duplicate_window;
        c.num_replicas = self.replicas;
    }
}

/// One field that differs: `max_age: 1d -> 7d`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct FieldChange {
    /// The field.
    pub(crate) field: &'static str,
    /// The server's value.
    pub(crate) from: String,
    /// The declared value.
    pub(crate) to: String,
}

impl fmt::Display for FieldChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} -> {}", self.field, self.from, self.to)
    }
}

/// The declared fields that differ between `have` (server) and `want` (file), normalized.
pub(crate) fn diff(have: &stream::Config, want: &stream::Config) -> Vec<FieldChange> {
    let mut out = Vec::new();
    let mut cmp = |field: &'static str, a: String, b: String| {
        if a != b {
            out.push(FieldChange {
                field,
                from: a,
                to: b,
            });
        }
    };
    let sorted = |v: &[String]| {
        let mut v = v.to_vec();
        v.sort();
        v.join(", ")
    };
    let dur = |d: Duration| {
        if d.is_zero() {
            "unlimited".to_owned()
        } else {
            crate::spec::duration::format(d)
        }
    };
    let num = |n: i64| {
        if n < 0 {
            "unlimited".to_owned()
        } else {
            n.to_string()
        }
    };
    cmp("description", want_desc(have), want_desc(want));
    cmp("subjects", sorted(&have.subjects), sorted(&want.subjects));
    cmp(
        "storage",
        format!("{:?}", have.storage).to_lowercase(),
        format!("{:?}", want.storage).to_lowercase(),
    );
    cmp(
        "retention",
        format!("{:?}", have.retention).to_lowercase(),
        format!("{:?}", want.retention).to_lowercase(),
    );
    cmp("max_age", dur(have.max_age), dur(want.max_age));
    cmp("max_bytes", num(have.max_bytes), num(want.max_bytes));
    cmp("max_msgs", num(have.max_messages), num(want.max_messages));
    cmp(
        "max_msg_size",
        num(i64::from(have.max_message_size)),
        num(i64::from(want.max_message_size)),
    );
    cmp(
        "discard",
        format!("{:?}", have.discard).to_lowercase(),
        format!("{:?}", want.discard).to_lowercase(),
    );
    cmp(
        "duplicate_window",
        dur(have.duplicate_window),
        dur(want.duplicate_window),
    );
    cmp(
        "replicas",
        have.num_replicas.max(1).to_string(),
        want.num_replicas.max(1).to_string(),
    );
    out
}

fn want_desc(c: &stream::Config) -> String {
    c.description.clone().unwrap_or_default()
}

/// What `apply` did (or would do) to one stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Action {
    /// It did not exist.
    Created,
    /// Declared fields differed.
    Updated,
    /// Nothing to do.
    Unchanged,
}

/// The result for one stream.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Applied {
    /// The stream.
    pub(crate) stream: String,
    /// What happened.
    pub(crate) action: Action,
    /// The fields that changed.
    pub(crate) changes: Vec<FieldChange>,
}

/// Creates or updates every declared stream; with `dry_run`, only reports.
pub(crate) async fn apply(
    js: &async_nats::jetstream::Context,
    file: &StreamsFile,
    dry_run: bool,
) -> Result<Vec<Applied>, BusError> {
    let mut out = Vec::new();
    for decl in &file.streams {
        let want = decl.to_config();
        match jetstream::get(js, &decl.name).await? {
            None => {
                if !dry_run {
                    jetstream::create(js, want.clone()).await?;
                }
                let empty = stream::Config::default();
                let mut changes = diff(&empty, &want);
                changes.retain(|c| c.field != "storage" || want.storage != empty.storage);
                out.push(Applied {
                    stream: decl.name.clone(),
                    action: Action::Created,
                    changes,
                });
            }
            Some(have) => {
                let changes = diff(&have, &want);
                if changes.is_empty() {
                    out.push(Applied {
                        stream: decl.name.clone(),
                        action: Action::Unchanged,
                        changes,
                    });
                    continue;
                }
                if !dry_run {
                    let mut merged = have.clone();
                    decl.overlay(&mut merged);
                    jetstream::update(js, merged, &join(&changes)).await?;
                }
                out.push(Applied {
                    stream: decl.name.clone(),
                    action: Action::Updated,
                    changes,
                });
            }
        }
    }
    Ok(out)
}

fn join(changes: &[FieldChange]) -> String {
    changes
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_added_fields_do_not_count_as_changes() {
        let decl: StreamDecl = serde_yaml_ng::from_str(
            "{name: S, subjects: [a.>], storage: file, max_age: 1d, max_bytes: 1GiB}",
        )
        .unwrap();
        let want = decl.to_config();
        let mut have = want.clone();
        have.max_consumers = 7;
        have.allow_direct = true;
        have.subjects = vec!["a.>".into()];
        assert!(diff(&have, &want).is_empty());
        have.max_age = Duration::from_secs(3600);
        assert_eq!(
            diff(&have, &want)
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            ["max_age: 1h -> 1day"]
        );
    }
}
