//! Declarative JetStream streams (`services/messaging/streams.yaml`): the file model, and
//! create-or-update by comparing the declared fields with the server's normalized config.
//!
//! JetStream fills in fields of its own and rejects a create whose config differs from an
//! existing stream's, so arc compares only what the file declares and updates by overlaying the
//! declared fields on the server's config.

use std::fmt;
use std::time::Duration;

use async_nats::jetstream::{self, stream};
use serde::{Deserialize, Serialize};

use super::BusError;

/// The whole streams file.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StreamsFile {
    /// The streams.
    pub streams: Vec<StreamDecl>,
}

/// Storage backends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Storage {
    /// On disk.
    File,
    /// In memory.
    Memory,
}

/// Retention policies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Retention {
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
pub enum Discard {
    /// Old messages make room.
    Old,
    /// New messages are refused.
    New,
}

/// One declared stream; omitted limits are unlimited.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StreamDecl {
    /// Stream name.
    pub name: String,
    /// What it is for.
    #[serde(default)]
    pub description: Option<String>,
    /// Subjects it captures.
    pub subjects: Vec<String>,
    /// Storage.
    pub storage: Storage,
    /// Retention.
    #[serde(default = "limits")]
    pub retention: Retention,
    /// Oldest message kept (`7d`), 0 for no limit.
    #[serde(default, with = "crate::spec::duration")]
    pub max_age: Duration,
    /// Size limit (`1GiB`), -1 for none.
    #[serde(
        default = "unlimited",
        deserialize_with = "crate::spec::size::deserialize_limit"
    )]
    pub max_bytes: i64,
    /// Message count limit, -1 for none.
    #[serde(default = "unlimited")]
    pub max_msgs: i64,
    /// Largest message (`1MiB`), -1 for the server's max_payload.
    #[serde(
        default = "unlimited",
        deserialize_with = "crate::spec::size::deserialize_limit"
    )]
    pub max_msg_size: i64,
    /// What goes at a limit.
    #[serde(default = "old")]
    pub discard: Discard,
    /// Window in which `Nats-Msg-Id` deduplicates (`2m`).
    #[serde(default = "two_minutes", with = "crate::spec::duration")]
    pub duplicate_window: Duration,
    /// Replicas (1 on a single server).
    #[serde(default = "one")]
    pub replicas: usize,
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
    pub fn to_config(&self) -> stream::Config {
        let mut c = stream::Config {
            name: self.name.clone(),
            ..stream::Config::default()
        };
        self.overlay(&mut c);
        c
    }

    /// Writes the declared fields over `c`, keeping everything else the server set.
    pub fn overlay(&self, c: &mut stream::Config) {
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
pub struct FieldChange {
    /// The field.
    pub field: &'static str,
    /// The server's value.
    pub from: String,
    /// The declared value.
    pub to: String,
}

impl fmt::Display for FieldChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} -> {}", self.field, self.from, self.to)
    }
}

/// The declared fields that differ between `have` (server) and `want` (file), normalized.
pub fn diff(have: &stream::Config, want: &stream::Config) -> Vec<FieldChange> {
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
pub enum Action {
    /// It did not exist.
    Created,
    /// Declared fields differed.
    Updated,
    /// Nothing to do.
    Unchanged,
}

/// The result for one stream.
#[derive(Debug, Clone, Serialize)]
pub struct Applied {
    /// The stream.
    pub stream: String,
    /// What happened.
    pub action: Action,
    /// The fields that changed.
    pub changes: Vec<FieldChange>,
}

/// Creates or updates every declared stream; with `dry_run`, only reports.
pub async fn apply(
    js: &jetstream::Context,
    file: &StreamsFile,
    dry_run: bool,
) -> Result<Vec<Applied>, BusError> {
    let mut out = Vec::new();
    for decl in &file.streams {
        let want = decl.to_config();
        match get(js, &decl.name).await? {
            None => {
                if !dry_run {
                    js.create_stream(want.clone())
                        .await
                        .map_err(|e| BusError::op(format!("create stream `{}`", decl.name), e))?;
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
                    js.update_stream(merged).await.map_err(|e| {
                        BusError::op(
                            format!("update stream `{}` ({})", decl.name, join(&changes)),
                            e,
                        )
                    })?;
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

/// The stream's config, or `None` when it does not exist.
pub async fn get(js: &jetstream::Context, name: &str) -> Result<Option<stream::Config>, BusError> {
    match js.get_stream(name).await {
        Ok(s) => Ok(Some(s.cached_info().config.clone())),
        Err(e) => match e.kind() {
            jetstream::context::GetStreamErrorKind::JetStream(je)
                if je.error_code() == jetstream::ErrorCode::STREAM_NOT_FOUND =>
            {
                Ok(None)
            }
            _ => Err(BusError::op(format!("look up stream `{name}`"), e)),
        },
    }
}

/// Every stream's info.
pub async fn list(js: &jetstream::Context) -> Result<Vec<stream::Info>, BusError> {
    use futures::TryStreamExt;
    js.streams()
        .try_collect()
        .await
        .map_err(|e| BusError::op("list streams", e))
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
