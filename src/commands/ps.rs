//! `arc ps`: each service's state, pid, ports, uptime and health.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Serialize;

use super::{load_catalog, runtime, ExitStatus};
use crate::cli::PsArgs;
use crate::error::Error;
use crate::health::{self, Target};
use crate::runtime::State;
use crate::settings::Settings;
use crate::ui::{Printer, Style, Table};

/// One row of `arc ps` (and of `--json`).
#[derive(Debug, Serialize)]
struct PsRow {
    service: String,
    codename: Option<String>,
    state: State,
    pid: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    container: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<String>,
    /// Docker's HEALTHCHECK verdict (docker runtime).
    #[serde(skip_serializing_if = "Option::is_none")]
    engine_health: Option<String>,
    ports: BTreeMap<String, u16>,
    started_at: Option<String>,
    uptime_s: Option<i64>,
    /// `healthy`, `unhealthy` or `-` when not running.
    health: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    health_detail: Option<String>,
}

/// Lists services known to the runtime (all declared ones with `--all`).
pub(super) async fn run(
    args: &PsArgs,
    settings: &Settings,
    printer: &Printer,
) -> Result<ExitStatus, Error> {
    let catalog = load_catalog(settings)?;
    let rt = runtime(settings).await?;
    let now = chrono::Utc::now();
    let mut rows = Vec::new();
    let mut probes = tokio::task::JoinSet::new();
    for spec in &catalog.services {
        let st = rt.status(spec).await?;
        if let Some(why) = rt.damaged_record(spec) {
            printer.warn(&format!(
                "the state record of `{}` is damaged ({why}); {}",
                spec.name,
                match st.pid {
                    Some(pid) => format!("found it by its marker as pid {pid}; `arc up` restarts it with a new record, `arc down` stops it"),
                    None => "none of its processes runs; `arc up` starts it with a new record".to_owned(),
                }
            ));
        }
        if st.state == State::Stopped && !args.all {
            continue;
        }
        if st.state == State::Running {
            let target = Target::of(spec);
            let timeout = spec.health.timeout.min(Duration::from_secs(1));
            let name = spec.name.clone();
            probes.spawn(async move { (name, health::probe(&target, timeout).await) });
        }
        rows.push(PsRow {
            service: spec.name.clone(),
            codename: spec.codename.clone(),
            state: st.state,
            pid: st.pid,
            container: st.container.clone(),
            image: st.image.clone(),
            engine_health: st.engine_health.clone(),
            ports: if st.ports.is_empty() && st.state == State::Stopped {
                spec.ports
                    .iter()
                    .filter(|p| p.host.is_some())
                    .map(|p| (p.name.clone(), p.native_port()))
                    .collect()
            } else {
                st.ports
            },
            started_at: st.started_at.map(|t| t.to_rfc3339()),
            uptime_s: st
                .started_at
                .filter(|_| st.state == State::Running)
                .map(|t| (now - t).num_seconds()),
            health: "-".into(),
            health_detail: None,
        });
    }
    while let Some(Ok((name, outcome))) = probes.join_next().await {
        if let Some(r) = rows.iter_mut().find(|r| r.service == name) {
            let spec = catalog.service(&name)?;
            // Only arc's own server's answer counts, and a full disk is said.
            let problem = rt.impostor(spec, r.pid).or_else(|| rt.disk_low(spec));
            r.health = if outcome.healthy && problem.is_none() {
                "healthy"
            } else {
                "unhealthy"
            }
            .into();
            r.health_detail = Some(match problem {
                Some(p) => format!("{p}; the port answered: {}", outcome.detail),
                None => outcome.detail,
            });
        }
    }
    if printer.json() {
        printer.json_value(&rows);
        return Ok(ExitStatus::Success);
    }
    if rows.is_empty() {
        printer.info("nothing is running; `arc ps --all` lists every declared service");
        return Ok(ExitStatus::Success);
    }
    let docker = rt.name() == "docker";
    let mut t = Table::new(&[
        "service",
        "codename",
        "state",
        if docker { "container" } else { "pid" },
        "ports",
        "uptime",
        "health",
    ]);
    for r in rows {
        let health = match r.health.as_str() {
            "healthy" => printer.paint("healthy", Style::Good),
            "unhealthy" => printer.paint("unhealthy", Style::Bad),
            other => other.to_owned(),
        };
        t.row(vec![
            r.service,
            r.codename.unwrap_or_else(|| "-".into()),
            r.state.to_string(),
            if docker {
                r.container.clone().unwrap_or_else(|| "-".into())
            } else {
                r.pid.map_or_else(|| "-".into(), |p| p.to_string())
            },
            r.ports
                .iter()
                .map(|(n, p)| format!("{n}:{p}"))
                .collect::<Vec<_>>()
                .join(" "),
            r.uptime_s.map_or_else(
                || "-".into(),
                |s| crate::format::duration(Duration::from_secs(u64::try_from(s).unwrap_or(0))),
            ),
            health,
        ]);
    }
    printer.data(&t.render());
    Ok(ExitStatus::Success)
}
