//! `arc down`: stop services in reverse dependency order; `--volumes` deletes their data.
//! Without names it also stops what `arc up` recorded starting that the files it is given do
//! not declare (see `started`), so the stock files take down `arc up cluster`'s instances.

use std::sync::Arc;

use serde::Serialize;

use super::{load_catalog, runtime, ExitStatus};
use crate::cli::DownArgs;
use crate::error::Error;
use crate::runtime::{LifecycleEvent, Reporter, State};
use crate::settings::Settings;
use crate::spec::ServiceSpec;
use crate::ui::{LifecycleReporter, Printer};

/// One service's result, for `--json`.
#[derive(Debug, Serialize)]
struct DownRow {
    service: String,
    was_running: bool,
    data_removed: bool,
}

/// Stops the named services (default: every service of this project).
pub(super) async fn run(
    args: DownArgs,
    settings: &Settings,
    printer: &Printer,
) -> Result<ExitStatus, Error> {
    let catalog = load_catalog(settings)?;
    let _lock =
        super::lock_project(settings, printer, "down", &args.targets, args.lock.no_block).await?;
    let rt = runtime(settings).await?;
    let mut selected: Vec<&ServiceSpec> = if args.targets.is_empty() {
        catalog.services.iter().collect()
    } else {
        catalog.select(&args.targets)?
    };
    // Running services that depend on what stops: stopped too with `--cascade`, else named.
    loop {
        let mut dependants = Vec::new();
        for s in &catalog.services {
            let depends = s
                .depends_on
                .iter()
                .any(|d| selected.iter().any(|x| x.belongs_to(d)));
            if depends
                && !selected.iter().any(|x| x.name == s.name)
                && rt.status(s).await?.state == State::Running
            {
                dependants.push(s);
            }
        }
        if dependants.is_empty() {
            break;
        }
        if !args.cascade {
            printer.warn(&format!(
                "{} depend{} on what stops and keep{} running without it; `--cascade` stops {} too",
                dependants
                    .iter()
                    .map(|s| format!("`{}`", s.name))
                    .collect::<Vec<_>>()
                    .join(", "),
                if dependants.len() == 1 { "s" } else { "" },
                if dependants.len() == 1 { "s" } else { "" },
                if dependants.len() == 1 { "it" } else { "them" },
            ));
            break;
        }
        selected.extend(dependants);
    }
    // Reverse waves: dependants stop before what they depend on. Only the named services stop,
    // not their dependencies.
    let waves = crate::plan::waves(&catalog, &selected)?;
    let names: Vec<&str> = selected.iter().map(|s| s.name.as_str()).collect();
    let reporter: Arc<dyn Reporter> =
        Arc::new(LifecycleReporter::new(printer.clone(), settings.progress));
    // Services `arc up` started that these files do not declare (the instances of
    // `arc up cluster` when `arc down` is given the stock files): stopped first, all at once.
    let recorded = super::started::read(&settings.state_dir);
    let orphans: Vec<&ServiceSpec> = if args.targets.is_empty() {
        recorded
            .values()
            .filter(|r| !catalog.services.iter().any(|s| s.name == r.name))
            .collect()
    } else {
        Vec::new()
    };
    let mut rows = Vec::new();
    for wave in std::iter::once(&orphans).chain(waves.iter().rev()) {
        let mut tasks = tokio::task::JoinSet::new();
        for spec in wave
            .iter()
            .filter(|s| names.contains(&s.name.as_str()) || orphans.contains(s))
        {
            let running = rt.status(spec).await?.state != State::Stopped;
            if !running && !args.volumes {
                continue;
            }
            let (rt, reporter, spec) = (rt.clone(), reporter.clone(), (*spec).clone());
            let (timeout, volumes) = (args.timeout, args.volumes);
            tasks.spawn(async move {
                if running {
                    reporter.report(&spec.name, LifecycleEvent::Stopping);
                }
                let was_running = rt.stop(&spec, timeout).await?;
                let data_removed = if volumes {
                    let removed = rt.remove_data(&spec).await?;
                    if removed {
                        reporter.report(&spec.name, LifecycleEvent::DataRemoved);
                    }
                    removed
                } else {
                    false
                };
                reporter.report(
                    &spec.name,
                    if was_running {
                        LifecycleEvent::Stopped
                    } else {
                        LifecycleEvent::NotRunning
                    },
                );
                Ok::<_, Error>(DownRow {
                    service: spec.name.clone(),
                    was_running,
                    data_removed,
                })
            });
        }
        while let Some(joined) = tasks.join_next().await {
            let row =
                joined.map_err(|e| Error::failed(format!("internal task failed: {e}"), None))??;
            rows.push(row);
        }
    }
    super::started::remove(
        &settings.state_dir,
        names
            .iter()
            .copied()
            .chain(orphans.iter().map(|s| s.name.as_str())),
    );
    if printer.json() {
        printer.json_value(&rows);
    } else if rows.iter().all(|r| !r.was_running) {
        printer.info("nothing was running");
    } else {
        printer.info(&format!(
            "stopped {}",
            rows.iter()
                .filter(|r| r.was_running)
                .map(|r| r.service.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    Ok(ExitStatus::Success)
}
