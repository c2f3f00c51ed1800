//! `arc health`: probe services over their own protocols, in parallel; exit 1 if any is
//! unhealthy. `--deep` adds a functional round trip; `--wait` keeps probing until healthy.

use std::time::{Duration, Instant};

use serde::Serialize;

use super::{known_to_runtime, load_catalog, runtime, ExitStatus};
use crate::cli::HealthArgs;
use crate::error::Error;
use crate::health::{self, Step, Target};
use crate::settings::Settings;
use crate::spec::ServiceSpec;
use crate::ui::{Printer, Style, Table};

/// One service's health (and a row of `--json`).
#[derive(Debug, Serialize)]
struct HealthRow {
    service: String,
    codename: Option<String>,
    kind: &'static str,
    healthy: bool,
    latency_ms: f64,
    /// The version the running server reports (NATS's `/varz`); `null` where the probe does not
    /// learn it.
    version: Option<String>,
    detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    steps: Vec<Step>,
}

/// Probes the named services (default: every running one).
pub(super) async fn run(
    args: HealthArgs,
    settings: &Settings,
    printer: &Printer,
) -> Result<ExitStatus, Error> {
    let catalog = load_catalog(settings)?;
    let rt = runtime(settings).await?;
    let specs: Vec<ServiceSpec> = if args.services.is_empty() {
        let known = known_to_runtime(&catalog, &rt).await?;
        if known.is_empty() {
            return Err(Error::failed(
                "nothing is running in this project",
                Some("`arc up` starts the default profile; `arc health SERVICE` probes a service arc did not start".into()),
            ));
        }
        known.into_iter().map(|(s, _)| s.clone()).collect()
    } else {
        // A name means what it means to `arc up` and `arc down`: a profile first, then a
        // service (by name or codename; a replicated one, every instance).
        catalog
            .select(&args.services)?
            .into_iter()
            .cloned()
            .collect()
    };
    let deadline = args.wait.map(|w| Instant::now() + w);
    let mut rows = probe_all(&specs, args.deep).await;
    answered_by_ours(&rt, &specs, &mut rows).await?;
    while let Some(deadline) = deadline {
        if rows.iter().all(|r| r.healthy) || Instant::now() >= deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        rows = probe_all(&specs, args.deep).await;
        answered_by_ours(&rt, &specs, &mut rows).await?;
    }
    let all_healthy = rows.iter().all(|r| r.healthy);
    if printer.json() {
        printer.json_value(&rows);
    } else {
        let mut headers = vec![
            "service", "codename", "health", "latency", "version", "detail",
        ];
        if args.deep {
            headers.push("round trip");
        }
        let mut t = Table::new(&headers);
        for r in &rows {
            let mut cells = vec![
                r.service.clone(),
                r.codename.clone().unwrap_or_else(|| "-".into()),
                if r.healthy {
                    printer.paint("healthy", Style::Good)
                } else {
                    printer.paint("unhealthy", Style::Bad)
                },
                format!("{:.1}ms", r.latency_ms),
                r.version.clone().unwrap_or_else(|| "-".into()),
                r.detail.clone(),
            ];
            if args.deep {
                cells.push(
                    r.steps
                        .iter()
                        .map(|s| match &s.error {
                            None => format!("{} {}", s.step, crate::format::duration(s.latency)),
                            Some(e) => format!("{} FAILED ({e})", s.step),
                        })
                        .collect::<Vec<_>>()
                        .join(", "),
                );
            }
            t.row(cells);
        }
        printer.data(&t.render());
    }
    Ok(if all_healthy {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    })
}

/// A probe counts only when arc's own server answered it: a service arc started that has
/// exited, or whose port another process holds, is unhealthy whatever that port answers. (A
/// service arc never started, named on the command line, is probed as it is.)
async fn answered_by_ours(
    rt: &crate::runtime::Backend,
    specs: &[ServiceSpec],
    rows: &mut [HealthRow],
) -> Result<(), Error> {
    use crate::runtime::State;
    for (spec, row) in specs.iter().zip(rows.iter_mut()) {
        let st = rt.status(spec).await?;
        let why = match st.state {
            State::Exited => Some(format!(
                "the process arc started (pid {}) has exited",
                st.pid.unwrap_or_default()
            )),
            State::Running => rt.impostor(spec, st.pid).or_else(|| rt.disk_low(spec)),
            State::Stopped => None,
        };
        if let Some(why) = why {
            row.healthy = false;
            row.detail = if row.detail.is_empty() {
                why
            } else {
                format!("{why}; the port answered: {}", row.detail)
            };
        }
    }
    Ok(())
}

async fn probe_all(specs: &[ServiceSpec], deep: bool) -> Vec<HealthRow> {
    let mut tasks = tokio::task::JoinSet::new();
    for (i, spec) in specs.iter().enumerate() {
        let spec = spec.clone();
        tasks.spawn(async move {
            let target = Target::of(&spec);
            let outcome = health::probe(&target, spec.health.timeout).await;
            let steps = if deep && outcome.healthy {
                health::deep(&target, spec.health.timeout.max(Duration::from_secs(5))).await
            } else {
                Vec::new()
            };
            let deep_ok = steps.iter().all(|s| s.ok);
            (
                i,
                HealthRow {
                    service: spec.name.clone(),
                    codename: spec.codename.clone(),
                    kind: spec.health.kind.as_str(),
                    healthy: outcome.healthy && deep_ok,
                    latency_ms: (outcome.latency.as_secs_f64() * 1e4).round() / 10.0,
                    version: outcome.version,
                    detail: outcome.detail,
                    steps,
                },
            )
        });
    }
    let mut rows: Vec<(usize, HealthRow)> = Vec::new();
    while let Some(Ok(r)) = tasks.join_next().await {
        rows.push(r);
    }
    rows.sort_by_key(|(i, _)| *i);
    rows.into_iter().map(|(_, r)| r).collect()
}
