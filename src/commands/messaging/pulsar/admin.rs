//! The Pulsar halves of `arc streams info|ls|apply` and of `arc up`'s provisioning: a topic and
//! its partitions, a namespace's topics, and topics.yaml applied through the admin API.

use std::time::Duration;

use serde::Serialize;

use super::{connect, pulsar_op, topic};
use crate::bus::pulsar::{fold_partitions, PulsarError};
use crate::bus::pulsar_admin::{AdminClient, AdminError};
use crate::bus::BusError;
use crate::cli::{ConnectArgs, StreamsApplyArgs};
use crate::commands::endpoint_or;
use crate::commands::ExitStatus;
use crate::error::Error;
use crate::provision::topics::{self, TopicsFile};
use crate::provision::topics_plan::{self, Change, ChangeKind, TopicsError};
use crate::settings::Settings;
use crate::spec::ServiceSpec;
use crate::ui::{Printer, Table};

/// The stock topics file, relative to the project.
const TOPICS_FILE: &str = "services/streaming/topics.yaml";

/// What `arc streams info persistent://… --json` prints.
#[derive(Debug, Serialize)]
struct TopicRow {
    topic: String,
    /// 0: not partitioned.
    partitions: u32,
}

/// `arc streams info persistent://…`: the topic and its partitions.
pub(crate) async fn topic_info(
    name: &str,
    c: &ConnectArgs,
    settings: &Settings,
    printer: &Printer,
) -> Result<ExitStatus, Error> {
    let t = topic(name)?;
    let client = connect(settings, c).await?;
    let partitions = client
        .partitions(&t)
        .await
        .map_err(pulsar_op(format!("look up the partitions of `{t}`")))?;
    if printer.json() {
        printer.json_value(&TopicRow {
            topic: t.to_string(),
            partitions,
        });
        return Ok(ExitStatus::Success);
    }
    printer.data(&format!("{:<17} {t}", "topic"));
    if partitions == 0 {
        printer.data(&format!("{:<17} none (not partitioned)", "partitions"));
    } else {
        printer.data(&format!("{:<17} {partitions}", "partitions"));
        for i in 0..partitions {
            printer.data(&format!("{:<17} {}", "", t.partition(i)));
        }
    }
    Ok(ExitStatus::Success)
}

/// `arc streams ls NAMESPACE`: the namespace's topics, a partitioned one once with its
/// partitions.
pub(crate) async fn list_topics(
    namespace: &str,
    c: &ConnectArgs,
    settings: &Settings,
    printer: &Printer,
) -> Result<ExitStatus, Error> {
    let (domain, ns) = parse_namespace(namespace)?;
    let client = connect(settings, c).await?;
    let names = match client.topics_of_namespace(ns).await {
        Ok(names) => names,
        Err(PulsarError::Timeout(_)) => {
            return Err(BusError::op(
                format!("list the topics of `{ns}`"),
                format!(
                    "the broker ({}) did not answer within {}: pulsar-lite does not list \
                     topics (GetTopicsOfNamespace), Apache Pulsar does; `arc streams info \
                     persistent://{ns}/TOPIC` shows one topic",
                    client.server_version(),
                    crate::format::duration(c.connect_timeout)
                ),
            )
            .into())
        }
        Err(e) => return Err(pulsar_op(format!("list the topics of `{ns}`"))(e)),
    };
    let names: Vec<String> = names
        .into_iter()
        .filter(|n| domain.is_none_or(|d| n.starts_with(d)))
        .collect();
    let rows: Vec<TopicRow> = fold_partitions(&names)
        .into_iter()
        .map(|(topic, partitions)| TopicRow { topic, partitions })
        .collect();
    if printer.json() {
        printer.json_value(&rows);
        return Ok(ExitStatus::Success);
    }
    if rows.is_empty() {
        printer.info(&format!("no topics in `{namespace}`"));
        return Ok(ExitStatus::Success);
    }
    let mut t = Table::new(&["topic", "partitions"]);
    for r in rows {
        let partitions = if r.partitions == 0 {
            "-".to_owned()
        } else {
            r.partitions.to_string()
        };
        t.row(vec![r.topic, partitions]);
    }
    printer.data(&t.render());
    Ok(ExitStatus::Success)
}

/// `persistent://tenant/ns`, `non-persistent://tenant/ns` or `tenant/ns`: the domain prefix
/// to keep (`None`: both) and `tenant/ns`.
fn parse_namespace(input: &str) -> Result<(Option<&str>, &str), Error> {
    let (domain, ns) = ["persistent://", "non-persistent://"]
        .into_iter()
        .find_map(|d| input.strip_prefix(d).map(|rest| (Some(d), rest)))
        .unwrap_or((None, input));
    let part_ok = |p: &str| {
        !p.is_empty()
            && p.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.=:".contains(&b))
    };
    match ns.split('/').collect::<Vec<_>>()[..] {
        [tenant, name] if part_ok(tenant) && part_ok(name) => Ok((domain, ns)),
        _ => Err(BusError::Invalid {
            what: "Pulsar namespace",
            input: input.to_owned(),
            reason: "a namespace is `tenant/namespace`, optionally after `persistent://` or \
                     `non-persistent://`"
                .into(),
            example: "`arc streams ls persistent://public/default`".into(),
        }
        .into()),
    }
}

fn admin_error(e: impl std::error::Error + Send + Sync + 'static) -> Error {
    BusError::op("apply Pulsar topics", e).into()
}

/// Applies a topics file; `Ok(None)` means the broker has no admin API (said in one line).
async fn apply_file(
    admin_url: &str,
    token: Option<String>,
    file: &TopicsFile,
    dry_run: bool,
) -> Result<Result<Vec<Change>, String>, Error> {
    let client =
        AdminClient::new(admin_url, token, Duration::from_secs(10)).map_err(admin_error)?;
    match client.probe().await {
        Ok(()) => topics_plan::apply(&client, file, dry_run)
            .await
            .map(Ok)
            .map_err(|e: TopicsError| admin_error(e)),
        Err(AdminError::Unavailable { url, reason }) => Ok(Err(format!(
            "no Pulsar admin API at {url} ({reason}): relying on topic auto-creation"
        ))),
        Err(e) => Err(admin_error(e)),
    }
}

/// The Pulsar half of `arc streams apply`.
pub(crate) async fn apply_topics(
    settings: &Settings,
    args: &StreamsApplyArgs,
    printer: &Printer,
) -> Result<Option<serde_json::Value>, Error> {
    let file = match &args.topics {
        Some(p) => topics::load(p)?,
        None => {
            let (name, text) =
                crate::spec::stock_file(settings.project_dir.as_deref(), TOPICS_FILE)?;
            topics::parse(&name, &text)?
        }
    };
    let admin = endpoint_or(
        settings,
        args.connect.pulsar_admin_url.as_ref(),
        "ARC_PULSAR_ADMIN_URL",
        "http://127.0.0.1:8082",
    )?;
    match apply_file(
        &admin,
        args.connect.pulsar_token.clone(),
        &file,
        args.dry_run,
    )
    .await?
    {
        Ok(changes) => {
            if !printer.json() {
                for c in &changes {
                    printer.data(&c.to_string());
                }
            }
            Ok(Some(
                serde_json::json!({ "admin_api": true, "changes": changes }),
            ))
        }
        Err(line) => {
            printer.info(&line);
            Ok(Some(
                serde_json::json!({ "admin_api": false, "note": line }),
            ))
        }
    }
}

/// `arc up`'s provisioning of a `pulsar-topics` file; one summary line.
pub(crate) async fn provision_topics(
    spec: &ServiceSpec,
    name: &str,
    text: &str,
) -> Result<String, Error> {
    let admin = spec
        .resolved_exports()
        .remove("ARC_PULSAR_ADMIN_URL")
        .unwrap_or_else(|| "http://127.0.0.1:8082".into());
    let file = topics::parse(name, text)?;
    Ok(match apply_file(&admin, None, &file, false).await? {
        Ok(changes) => {
            let changed = changes
                .iter()
                .filter(|c| c.kind != ChangeKind::Unchanged)
                .count();
            format!(
                "{}: topics applied ({changed} changed of {})",
                spec.display_name(),
                changes.len()
            )
        }
        Err(line) => format!("{}: {line}", spec.display_name()),
    })
}
