//! `arc logs`: service logs, prefixed by service; `-f` follows them.

use serde::Serialize;

use super::{load_catalog, runtime, ExitStatus};
use crate::cli::LogsArgs;
use crate::error::Error;
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
    let rt = runtime(settings).await?;
    let specs: Vec<&ServiceSpec> = if args.services.is_empty() {
        let mut with_logs = Vec::new();
        for s in &catalog.services {
            if rt.has_logs(s).await {
                with_logs.push(s);
            }
        }
        with_logs
    } else {
        // A profile first, then a service, as `arc up` and `arc down` read a name.
        catalog.select(&args.services)?
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
    let since = args.since;
    let mut followers = Vec::new();
    for spec in &specs {
        // Start following before reading, so no line falls between the two.
        if args.follow {
            followers.push((*spec, rt.follow_logs(spec).await));
        }
        let lines = rt.read_logs(spec, args.tail, since).await?;
        for l in &lines {
            emit(spec, l);
        }
    }
    if !args.follow {
        return Ok(ExitStatus::Success);
    }
    // One task per service feeds a channel, so a quiet service never delays a busy one.
    let (tx, mut rx) = tokio::sync::mpsc::channel::<(usize, Vec<String>)>(64);
    for (i, (_, mut f)) in followers.into_iter().enumerate() {
        let tx = tx.clone();
        tokio::spawn(async move {
            loop {
                let lines = f.next_lines().await;
                if !lines.is_empty() && tx.send((i, lines)).await.is_err() {
                    break;
                }
            }
        });
    }
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    loop {
        tokio::select! {
            got = rx.recv() => match got {
                Some((i, lines)) => lines.iter().for_each(|l| emit(specs[i], l)),
                None => return Ok(ExitStatus::Success),
            },
            _ = &mut ctrl_c => return Ok(ExitStatus::Success),
        }
    }
}
