//! `arc logs`: service logs, prefixed by service; `-f` follows them.

use std::time::Duration;

use serde::Serialize;

use super::{load_catalog, runtime, ExitStatus};
use crate::cli::LogsArgs;
use crate::error::Error;
use crate::runtime::logfile::{self, Follower};
use crate::runtime::Runtime;
use crate::settings::Settings;
use crate::spec::ServiceSpec;
use crate::ui::{Printer, Style};

/// One log line in `--json` (JSON Lines).
#[derive(Debug, Serialize)]
struct LogLine<'a> {
    service: &'a str,
    line: &'a str,
}

/// Prints (and with `-f` follows) the logs of the named services (default: all with a log).
pub(super) async fn run(
    args: LogsArgs,
    settings: &Settings,
    printer: &Printer,
) -> Result<ExitStatus, Error> {
    let catalog = load_catalog(settings)?;
    let rt = runtime(settings)?;
    let specs: Vec<&ServiceSpec> = if args.services.is_empty() {
        catalog
            .services
            .iter()
            .filter(|s| rt.log_file(s).exists())
            .collect()
    } else {
        args.services
            .iter()
            .map(|n| catalog.service(n))
            .collect::<Result<_, _>>()?
    };
    if specs.is_empty() {
        return Err(Error::failed(
            "no service has a log yet",
            Some("`arc up` starts services; their output is logged from then on".into()),
        ));
    }
    let width = specs
        .iter()
        .map(|s| s.display_name().len())
        .max()
        .unwrap_or(0);
    let emit = |spec: &ServiceSpec, line: &str| {
        if printer.json() {
            printer.json_line(&LogLine {
                service: &spec.name,
                line,
            });
        } else {
            let prefix = format!("{:<width$} |", spec.display_name());
            printer.data(&format!("{} {line}", printer.paint(&prefix, Style::Dim)));
        }
    };
    let since = args
        .since
        .map(|d| chrono::Utc::now() - chrono::Duration::from_std(d).unwrap_or_default());
    let mut followers = Vec::new();
    for spec in &specs {
        let path = rt.log_file(spec);
        // Start following before reading, so no line falls between the two.
        followers.push((*spec, Follower::from_end(path.clone())));
        let mut lines = logfile::read_lines(&path);
        if let Some(since) = since {
            lines = logfile::filter_since(lines, since);
        }
        if let Some(n) = args.tail {
            lines = lines.split_off(lines.len().saturating_sub(n));
        }
        for l in &lines {
            emit(spec, l);
        }
    }
    if !args.follow {
        return Ok(ExitStatus::Success);
    }
    loop {
        for (spec, f) in &mut followers {
            for l in f.poll() {
                emit(spec, &l);
            }
        }
        tokio::select! {
            () = tokio::time::sleep(Duration::from_millis(200)) => {}
            _ = tokio::signal::ctrl_c() => return Ok(ExitStatus::Success),
        }
    }
}
