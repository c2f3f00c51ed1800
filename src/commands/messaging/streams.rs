//! `arc streams apply|ls|info|rm`: declarative JetStream streams (and Pulsar topics).

use serde::Serialize;

use super::nats_options;
use crate::bus::jetstream;
use crate::bus::nats::connect;
use crate::bus::{subject, BusError};
use crate::cli::{StreamNameArgs, StreamsApplyArgs, StreamsCommand, StreamsLsArgs};
use crate::commands::ExitStatus;
use crate::error::Error;
use crate::provision::{
    self,
    streams::{Action, Applied, StreamsFile},
};
use crate::settings::Settings;
use crate::spec;
use crate::ui::{Printer, Style, Table};

/// The stock streams file, relative to the project.
pub(crate) const STREAMS_FILE: &str = "services/messaging/streams.yaml";

/// Dispatches `arc streams …`.
pub(crate) async fn run(
    cmd: StreamsCommand,
    settings: &Settings,
    printer: &Printer,
) -> Result<ExitStatus, Error> {
    match cmd {
        StreamsCommand::Apply(a) => apply(a, settings, printer).await,
        StreamsCommand::Ls(a) => ls(&a, settings, printer).await,
        StreamsCommand::Info(a) => info(&a, settings, printer).await,
        StreamsCommand::Rm(a) => rm(&a, settings, printer).await,
    }
}

/// Loads a streams file (the stock one when `path` is `None`) and checks its names.
pub(crate) fn load_streams(
    settings: &Settings,
    path: Option<&std::path::Path>,
) -> Result<StreamsFile, Error> {
    match path {
        Some(p) => provision::streams::load(p),
        None => {
            let (name, text) = spec::stock_file(settings.project_dir.as_deref(), STREAMS_FILE)?;
            provision::streams::parse(&name, &text)
        }
    }
}

/// The replicas streams get on a replicated Flash: one per instance, up to JetStream's 5;
/// `None` when Flash runs one server or the project has no Flash (the file's own values count).
/// Files that do not load are an error (their diagnostics, exit 2), not "one server".
pub(crate) fn cluster_replicas(settings: &Settings) -> Result<Option<usize>, Error> {
    let catalog = spec::Catalog::load(settings.project_dir.as_deref(), &settings.overlays)?;
    Ok(catalog
        .members("messaging")
        .ok()
        .and_then(|m| replicas_of(&m)))
}

/// [`cluster_replicas`] for the instances `members` of the NATS service.
pub(crate) fn replicas_of(members: &[&spec::ServiceSpec]) -> Option<usize> {
    let n = members.first()?.replica.as_ref()?.count;
    Some(usize::try_from(n).unwrap_or(1).min(5))
}

/// What `arc streams apply --json` prints.
#[derive(Debug, Serialize)]
struct ApplyReport {
    dry_run: bool,
    streams: Vec<Applied>,
    #[serde(skip_serializing_if = "Option::is_none")]
    topics: Option<serde_json::Value>,
}

async fn apply(
    args: StreamsApplyArgs,
    settings: &Settings,
    printer: &Printer,
) -> Result<ExitStatus, Error> {
    let mut file = load_streams(settings, args.file.as_deref())?;
    let replicas = match args.replicas {
        Some(n) => Some(usize::from(n)),
        None => cluster_replicas(settings)?,
    };
    if let Some(n) = replicas {
        file.set_replicas(n);
    }
    let client = connect(&nats_options(settings, &args.connect)?).await?;
    let js = async_nats::jetstream::new(client);
    let applied = provision::streams::apply(&js, &file, args.dry_run).await?;
    let topics = if args.no_topics {
        None
    } else {
        super::apply_topics(settings, &args, printer).await?
    };
    if printer.json() {
        printer.json_value(&ApplyReport {
            dry_run: args.dry_run,
            streams: applied,
            topics,
        });
        return Ok(ExitStatus::Success);
    }
    print_applied(printer, &applied, args.dry_run);
    Ok(ExitStatus::Success)
}

/// Prints one line per stream, and its field changes beneath.
pub(crate) fn print_applied(printer: &Printer, applied: &[Applied], dry_run: bool) {
    for a in applied {
        let (word, style) = match (&a.action, dry_run) {
            (Action::Created, false) => ("created", Style::Good),
            (Action::Created, true) => ("would create", Style::Good),
            (Action::Updated, false) => ("updated", Style::Warn),
            (Action::Updated, true) => ("would update", Style::Warn),
            (Action::Unchanged, _) => ("unchanged", Style::Dim),
        };
        printer.data(&format!(
            "stream {} {}",
            a.stream,
            printer.paint(word, style)
        ));
        if a.action == Action::Updated {
            for c in &a.changes {
                printer.data(&format!("  {c}"));
            }
        }
    }
}

/// One row of `arc streams ls`.
#[derive(Debug, Serialize)]
struct StreamRow {
    name: String,
    subjects: Vec<String>,
    messages: u64,
    bytes: u64,
    consumers: usize,
    storage: String,
    first: Option<String>,
    last: Option<String>,
}

async fn ls(
    args: &StreamsLsArgs,
    settings: &Settings,
    printer: &Printer,
) -> Result<ExitStatus, Error> {
    if let Some(namespace) = &args.namespace {
        return super::list_topics(namespace, &args.connect, settings, printer).await;
    }
    let client = connect(&nats_options(settings, &args.connect)?).await?;
    let js = async_nats::jetstream::new(client);
    let mut infos = jetstream::list(&js).await?;
    infos.sort_by(|a, b| a.config.name.cmp(&b.config.name));
    let rows: Vec<StreamRow> = infos
        .iter()
        .map(|i| StreamRow {
            name: i.config.name.clone(),
            subjects: i.config.subjects.clone(),
            messages: i.state.messages,
            bytes: i.state.bytes,
            consumers: i.state.consumer_count,
            storage: format!("{:?}", i.config.storage).to_lowercase(),
            first: (i.state.messages > 0).then(|| rfc3339(i.state.first_timestamp)),
            last: (i.state.messages > 0).then(|| rfc3339(i.state.last_timestamp)),
        })
        .collect();
    if printer.json() {
        printer.json_value(&rows);
        return Ok(ExitStatus::Success);
    }
    if rows.is_empty() {
        printer.info("no streams; `arc streams apply` creates the declared ones");
        return Ok(ExitStatus::Success);
    }
    let mut t = Table::new(&[
        "name",
        "subjects",
        "messages",
        "bytes",
        "consumers",
        "storage",
        "last message",
    ]);
    for r in rows {
        t.row(vec![
            r.name,
            r.subjects.join(" "),
            r.messages.to_string(),
            r.bytes.to_string(),
            r.consumers.to_string(),
            r.storage,
            r.last.unwrap_or_else(|| "-".into()),
        ]);
    }
    printer.data(&t.render());
    Ok(ExitStatus::Success)
}

/// An OffsetDateTime as RFC 3339.
pub(crate) fn rfc3339(t: time::OffsetDateTime) -> String {
    let nanos = t.unix_timestamp_nanos();
    chrono::DateTime::from_timestamp_nanos(i64::try_from(nanos).unwrap_or(i64::MAX))
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// The streams that exist, sorted, for "does not exist" errors.
pub(crate) async fn known_streams(js: &async_nats::jetstream::Context) -> String {
    match jetstream::list(js).await {
        Ok(v) if !v.is_empty() => {
            let mut names: Vec<String> = v.iter().map(|i| format!("`{}`", i.config.name)).collect();
            names.sort();
            names.join(", ")
        }
        _ => "none".into(),
    }
}

/// The stream called `name`; one that does not exist is an error listing those that do.
pub(crate) async fn open_stream(
    js: &async_nats::jetstream::Context,
    name: &str,
) -> Result<async_nats::jetstream::stream::Stream, Error> {
    use async_nats::jetstream::context::GetStreamErrorKind;
    match js.get_stream(name).await {
        Ok(s) => Ok(s),
        Err(e) => match e.kind() {
            GetStreamErrorKind::JetStream(je)
                if je.error_code() == async_nats::jetstream::ErrorCode::STREAM_NOT_FOUND =>
            {
                Err(BusError::NoSuchStream {
                    name: name.to_owned(),
                    known: known_streams(js).await,
                }
                .into())
            }
            _ => Err(BusError::op(format!("look up stream `{name}`"), e).into()),
        },
    }
}

async fn info(
    args: &StreamNameArgs,
    settings: &Settings,
    printer: &Printer,
) -> Result<ExitStatus, Error> {
    if super::is_pulsar_topic(&args.name) {
        return super::topic_info(&args.name, &args.connect, settings, printer).await;
    }
    subject::stream_name(&args.name)?;
    let client = connect(&nats_options(settings, &args.connect)?).await?;
    let js = async_nats::jetstream::new(client);
    let mut stream = open_stream(&js, &args.name).await?;
    let info = stream
        .info()
        .await
        .map_err(|e| BusError::op(format!("read stream `{}`", args.name), e))?
        .clone();
    if printer.json() {
        let s = &info.state;
        printer.json_value(&serde_json::json!({
            "config": info.config,
            "created": rfc3339(info.created),
            "state": {
                "messages": s.messages,
                "bytes": s.bytes,
                "first_seq": s.first_sequence,
                "last_seq": s.last_sequence,
                "first_ts": (s.messages > 0).then(|| rfc3339(s.first_timestamp)),
                "last_ts": (s.messages > 0).then(|| rfc3339(s.last_timestamp)),
                "consumers": s.consumer_count,
            },
        }));
        return Ok(ExitStatus::Success);
    }
    let c = &info.config;
    let s = &info.state;
    let lim = |n: i64| {
        if n < 0 {
            "unlimited".to_owned()
        } else {
            n.to_string()
        }
    };
    let lines = [
        ("name", c.name.clone()),
        ("description", c.description.clone().unwrap_or_default()),
        ("subjects", c.subjects.join(" ")),
        ("storage", format!("{:?}", c.storage).to_lowercase()),
        ("retention", format!("{:?}", c.retention).to_lowercase()),
        (
            "max age",
            if c.max_age.is_zero() {
                "unlimited".into()
            } else {
                crate::spec::duration::format(c.max_age)
            },
        ),
        ("max bytes", lim(c.max_bytes)),
        ("max messages", lim(c.max_messages)),
        ("max message size", lim(i64::from(c.max_message_size))),
        ("discard", format!("{:?}", c.discard).to_lowercase()),
        (
            "duplicate window",
            crate::spec::duration::format(c.duplicate_window),
        ),
        ("replicas", c.num_replicas.to_string()),
        ("created", rfc3339(info.created)),
        ("messages", s.messages.to_string()),
        ("bytes", s.bytes.to_string()),
        (
            "sequences",
            if s.messages == 0 {
                "none".to_owned()
            } else {
                crate::format::seq_range(s.first_sequence, s.last_sequence)
            },
        ),
        ("consumers", s.consumer_count.to_string()),
    ];
    for (k, v) in lines {
        printer.data(&format!("{k:<17} {v}"));
    }
    Ok(ExitStatus::Success)
}

async fn rm(
    args: &StreamNameArgs,
    settings: &Settings,
    printer: &Printer,
) -> Result<ExitStatus, Error> {
    subject::stream_name(&args.name)?;
    let client = connect(&nats_options(settings, &args.connect)?).await?;
    let js = async_nats::jetstream::new(client);
    open_stream(&js, &args.name).await?;
    js.delete_stream(&args.name)
        .await
        .map_err(|e| BusError::op(format!("delete stream `{}`", args.name), e))?;
    if printer.json() {
        printer.json_value(&serde_json::json!({ "stream": args.name, "deleted": true }));
    } else {
        printer.info(&format!("deleted stream `{}` and its messages", args.name));
    }
    Ok(ExitStatus::Success)
}
