//! The Pulsar planner: what `arc streams apply` and `arc up` change on a broker so that it
//! matches topics.yaml. Three steps: [`fetch`] reads the broker's state that the file is about
//! (clusters, tenant, namespaces, retention, topic listings, partition counts) into a
//! [`Broker`] value; [`plan`] compares it with the file, purely, and gives one [`Planned`]
//! change per object, or every [`Conflict`] that keeps the broker from matching; [`apply`]
//! sends the planned writes (none in a dry run). Like JetStream's `diff(have, want)`, the
//! planning is tested without a server. Nothing is ever deleted; it prints nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Serialize;

use super::topics::{show_megabytes, show_minutes, NamespaceSpec, TopicSpec, TopicsFile};
use crate::bus::pulsar_admin::{
    AdminClient, AdminError, Listing, RetentionPolicies, TenantInfo, Write,
};

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

/// Why applying a topics file failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum TopicsError {
    /// The admin API failed (or is absent).
    #[error(transparent)]
    Admin(#[from] AdminError),
    /// The broker's state cannot be brought in line with the file; nothing was written.
    #[error("nothing applied: {}", join(.0))]
    Conflict(Vec<Conflict>),
}

/// Joins items with `; `.
fn join<T: fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// One object's change and the writes that make it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Planned {
    /// What the change is.
    pub(crate) change: Change,
    /// The writes, in order; empty when unchanged.
    pub(crate) writes: Vec<Write>,
}

/// What the broker has of what a topics file is about: read by [`fetch`], compared by [`plan`].
#[derive(Debug, Clone, Default)]
pub(crate) struct Broker {
    /// The clusters the broker knows.
    pub(crate) clusters: Vec<String>,
    /// The file's tenant, `None` when it does not exist.
    pub(crate) tenant: Option<TenantInfo>,
    /// The file's namespaces that exist, by short name.
    pub(crate) namespaces: BTreeMap<String, NamespaceState>,
}

/// One existing namespace, as far as the file asks about it.
#[derive(Debug, Clone, Default)]
pub(crate) struct NamespaceState {
    /// Its retention (read only when the file declares one); `None` when unset.
    pub(crate) retention: Option<RetentionPolicies>,
    /// Its topics by domain (`persistent`, `non-persistent`), for the domains the file uses.
    pub(crate) listings: BTreeMap<&'static str, Listing>,
    /// Partition counts of the file's partitioned topics that exist, by full name.
    pub(crate) partitions: BTreeMap<String, u32>,
}

/// Reads what the broker has of what `file` is about. Writes nothing.
pub(crate) async fn fetch(client: &AdminClient, file: &TopicsFile) -> Result<Broker, AdminError> {
    let tenant = file.tenant.as_str();
    let mut broker = Broker {
        clusters: client.clusters().await?,
        tenant: client.tenant(tenant).await?,
        namespaces: BTreeMap::new(),
    };
    if broker.tenant.is_none() {
        return Ok(broker);
    }
    let existing: BTreeSet<String> = client.namespaces(tenant).await?.into_iter().collect();
    for ns in &file.namespaces {
        let name = ns.name.as_str();
        if !existing.contains(&format!("{tenant}/{name}")) {
            continue;
        }
        let mut state = NamespaceState::default();
        if ns.retention.is_some() {
            state.retention = client.retention(tenant, name).await?;
        }
        for topic in &ns.topics {
            let domain = topic.domain();
            if !state.listings.contains_key(domain) {
                let listing = client.topics(domain, tenant, name).await?;
                state.listings.insert(domain, listing);
            }
            let full = full_name(tenant, name, topic);
            let partitioned = state
                .listings
                .get(domain)
                .is_some_and(|l| l.partitioned.contains(&full));
            if topic.partitions.get() > 0 && partitioned {
                let n = client
                    .partitions(domain, tenant, name, topic.name.as_str())
                    .await?;
                state.partitions.insert(full, n);
            }
        }
        broker.namespaces.insert(name.to_owned(), state);
    }
    Ok(broker)
}

/// Brings the broker in line with `file`: fetch, plan, then send each planned write (none
/// with `dry_run`). Returns one [`Change`] per object, in file order: tenant, then each
/// namespace followed by its topics. A conflict is reported before anything is written. A
/// write the broker refuses stops the apply with [`AdminError::Http`]; the writes before it
/// stay, and applying again resumes where it stopped. A create that finds the object already
/// there (409, someone else was faster) counts as done and is reported with "already existed".
pub(crate) async fn apply(
    client: &AdminClient,
    file: &TopicsFile,
    dry_run: bool,
) -> Result<Vec<Change>, TopicsError> {
    let broker = fetch(client, file).await?;
    let planned = plan(file, &broker).map_err(TopicsError::Conflict)?;
    let mut changes = Vec::with_capacity(planned.len());
    for Planned { mut change, writes } in planned {
        if !dry_run {
            let mut already_existed = false;
            for (i, write) in writes.iter().enumerate() {
                let existed = client.write(write).await?;
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

/// Works out every change that brings `broker` in line with `file`, or every conflict that
/// keeps it from matching (partitions would shrink, a topic exists with the other kind, an
/// unknown cluster). Pure: reads nothing, writes nothing.
pub(crate) fn plan(file: &TopicsFile, broker: &Broker) -> Result<Vec<Planned>, Vec<Conflict>> {
    let tenant = file.tenant.as_str();
    let wanted_clusters: Vec<String> = file
        .clusters
        .iter()
        .map(|c| c.as_str().to_owned())
        .collect();
    let mut conflicts = Vec::new();
    for cluster in &wanted_clusters {
        if !broker.clusters.contains(cluster) {
            conflicts.push(Conflict::UnknownCluster {
                cluster: cluster.clone(),
                known: broker.clusters.clone(),
            });
        }
    }
    let mut planned = vec![plan_tenant(
        tenant,
        broker.tenant.as_ref(),
        &wanted_clusters,
    )];
    for ns in &file.namespaces {
        let state = broker.namespaces.get(ns.name.as_str());
        planned.push(plan_namespace(tenant, ns, state));
        for topic in &ns.topics {
            planned.extend(plan_topic(tenant, ns, topic, state, &mut conflicts));
        }
    }
    if conflicts.is_empty() {
        Ok(planned)
    } else {
        Err(conflicts)
    }
}

/// Plans the tenant: create it, update its clusters (keeping its admin roles), or leave it.
fn plan_tenant(tenant: &str, current: Option<&TenantInfo>, wanted: &[String]) -> Planned {
    let object = format!("tenant {tenant}");
    let show = |clusters: &[String]| format!("allowed clusters {}", clusters.join(", "));
    let Some(current) = current else {
        return Planned {
            change: Change {
                kind: ChangeKind::Created,
                object,
                detail: show(wanted),
            },
            writes: vec![Write::create_tenant(tenant, wanted)],
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
        writes: vec![Write::update_tenant(tenant, &current.admin_roles, wanted)],
    }
}

/// Plans one namespace (`state`: `None` when it does not exist): create it (and set its
/// retention), or compare its retention.
fn plan_namespace(tenant: &str, ns: &NamespaceSpec, state: Option<&NamespaceState>) -> Planned {
    let name = ns.name.as_str();
    let object = format!("namespace {tenant}/{name}");
    let retention_write = |r: &super::topics::Retention| {
        Write::set_retention(tenant, name, i64::from(r.minutes), r.megabytes)
    };
    let Some(state) = state else {
        let mut writes = vec![Write::create_namespace(tenant, name)];
        let mut detail = String::new();
        if let Some(r) = &ns.retention {
            writes.push(retention_write(r));
            detail = format!("retention {r}");
        }
        return Planned {
            change: Change {
                kind: ChangeKind::Created,
                object,
                detail,
            },
            writes,
        };
    };
    let Some(wanted) = &ns.retention else {
        return unchanged(object, String::new());
    };
    let current = state.retention;
    let matches = current.is_some_and(|c| {
        c.minutes.unwrap_or(0) == i64::from(wanted.minutes)
            && c.megabytes.unwrap_or(0) == wanted.megabytes
    });
    if matches {
        return unchanged(object, format!("retention {wanted}"));
    }
    let before = current.map_or_else(|| "unset".to_owned(), show_policies);
    Planned {
        change: Change {
            kind: ChangeKind::Updated,
            object,
            detail: format!("retention {before} -> {wanted}"),
        },
        writes: vec![retention_write(wanted)],
    }
}

/// A namespace's retention the way the file writes it (unset limits read as 0, as Pulsar does).
fn show_policies(p: RetentionPolicies) -> String {
    format!(
        "{}/{}",
        show_minutes(p.minutes.unwrap_or(0)),
        show_megabytes(p.megabytes.unwrap_or(0))
    )
}

/// `persistent://tenant/ns/topic`.
fn full_name(tenant: &str, ns: &str, topic: &TopicSpec) -> String {
    format!("{}://{tenant}/{ns}/{}", topic.domain(), topic.name)
}

/// Plans one topic against its namespace's state (`None`: the namespace is new).
fn plan_topic(
    tenant: &str,
    ns: &NamespaceSpec,
    topic: &TopicSpec,
    state: Option<&NamespaceState>,
    conflicts: &mut Vec<Conflict>,
) -> Option<Planned> {
    let domain = topic.domain();
    let (ns, name) = (ns.name.as_str(), topic.name.as_str());
    let full = full_name(tenant, ns, topic);
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
    let listing = state.and_then(|s| s.listings.get(domain));
    let is_partitioned = listing.is_some_and(|l| l.partitioned.contains(&full));
    let is_plain = listing.is_some_and(|l| l.all.contains(&full));
    if (wanted > 0 && is_plain) || (wanted == 0 && is_partitioned) {
        conflicts.push(Conflict::WrongTopicKind {
            topic: full,
            existing: kind(is_partitioned),
            wanted: kind(wanted > 0),
        });
        return None;
    }
    if wanted == 0 {
        if is_plain {
            return Some(unchanged(object, kind(false).to_owned()));
        }
        return Some(Planned {
            change: created(object, kind(false)),
            writes: vec![Write::create_topic(domain, tenant, ns, name)],
        });
    }
    if !is_partitioned {
        return Some(Planned {
            change: created(object, kind(true)),
            writes: vec![Write::create_partitioned(domain, tenant, ns, name, wanted)],
        });
    }
    let current = state
        .and_then(|s| s.partitions.get(&full).copied())
        .unwrap_or(0);
    if current == wanted {
        return Some(unchanged(object, kind(true).to_owned()));
    }
    if current > wanted {
        conflicts.push(Conflict::PartitionsCannotShrink {
            topic: full,
            current,
            wanted,
        });
        return None;
    }
    Some(Planned {
        change: Change {
            kind: ChangeKind::Updated,
            object,
            detail: format!("partitions {current} -> {wanted}"),
        },
        writes: vec![Write::add_partitions(domain, tenant, ns, name, wanted)],
    })
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

#[cfg(test)]
#[path = "topics_plan_tests.rs"]
mod tests;
