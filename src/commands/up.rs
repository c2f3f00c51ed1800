//! `arc up`: start services in dependency waves and wait until each is healthy.
//!
//! Idempotent: a running service with the same configuration is left alone; one whose
//! configuration changed is restarted. Ports are checked before anything starts. On Docker, an
//! image that declares `build:` and is not built yet is built first (`--no-build` refuses);
//! under `--runtime auto`, images that cannot be had while every server is installed here run
//! the services natively instead, with a warning. A failure shows the service's last log lines
//! and its reason once, stops what this run started (unless `--keep`) and exits 1; so does
//! Ctrl-C.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;

use super::{load_catalog, runtime, ExitStatus};
use crate::cli::{ProgressMode, RuntimeChoice, UpArgs};
use crate::error::Error;
use crate::health::{self, Target};
use crate::runtime::{
    ports, Backend, LifecycleEvent, PortConflict, Reporter, RuntimeError, State, Watch,
};
use crate::settings::Settings;
use crate::spec::ServiceSpec;
use crate::ui::{LifecycleReporter, Printer, ProgressKind, Table};

/// Lines of log shown for a service that failed.
const LOG_TAIL: usize = 30;

/// What `up` does with one service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    UpToDate,
    Start,
    Recreate,
}

/// One row of the summary table (and of `--json`).
#[derive(Debug, Clone, Serialize)]
struct UpRow {
    service: String,
    codename: Option<String>,
    /// `healthy`, `up to date`, `started` or `failed`.
    state: String,
    /// What changed: `started`, `restarted`, `none`.
    change: String,
    endpoints: std::collections::BTreeMap<String, String>,
    /// Milliseconds from start to healthy, when this run started it and waited.
    ready_ms: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    /// What to do about the error.
    #[serde(skip)]
    hint: Option<String>,
    /// Whether it ran (so its log may say why it failed).
    #[serde(skip)]
    ran: bool,
}

/// Why `start_one` failed: the error, and whether the service got to run.
struct StartFailure {
    error: Error,
    ran: bool,
}

/// Brings the requested profile or services up.
pub(super) async fn run(
    args: UpArgs,
    settings: &Settings,
    printer: &Printer,
) -> Result<ExitStatus, Error> {
    let began = Instant::now();
    let mut catalog = load_catalog(settings)?;
    let _lock =
        super::lock_project(settings, printer, "up", &args.targets, args.lock.no_block).await?;
    let kind = match args.progress {
        ProgressMode::Auto if settings.progress => ProgressKind::Live,
        ProgressMode::Auto | ProgressMode::Plain => ProgressKind::Plain,
        ProgressMode::Json => ProgressKind::Json,
        ProgressMode::Quiet => ProgressKind::Quiet,
    };
    let reporter: Arc<dyn Reporter> = Arc::new(LifecycleReporter::with_kind(printer.clone(), kind));
    let rt = runtime(settings).await?;
    let planned: Vec<ServiceSpec> = {
        let selected = catalog.select(&args.targets)?;
        let waves = crate::plan::waves(&catalog, &selected)?;
        waves.iter().flatten().map(|s| (*s).clone()).collect()
    };
    let rt = settle_auto_runtime(rt, settings, &planned, printer, &reporter).await?;
    wire_environment(&mut catalog, &rt, settings)?;
    let selected = catalog.select(&args.targets)?;
    let waves = crate::plan::waves(&catalog, &selected)?;
    let services: Vec<ServiceSpec> = waves.iter().flatten().map(|s| (*s).clone()).collect();

    check_binaries(&rt, &services).await?;
    build_images(&rt, settings, &services, &args, &reporter).await?;

    let mut actions = std::collections::BTreeMap::new();
    for s in &services {
        let status = rt.status(s).await?;
        let action = match (status.state, status.config_hash) {
            (State::Running, Some(h)) if h == rt.config_hash(s).await? => Action::UpToDate,
            (State::Running, _) => Action::Recreate,
            _ => Action::Start,
        };
        actions.insert(s.name.clone(), action);
    }

    super::started::add(&settings.state_dir, &services);
    if actions.values().all(|a| *a == Action::UpToDate) {
        let rows: Vec<UpRow> = services
            .iter()
            .map(|s| row(s, "up to date", "none", None, None))
            .collect();
        provision_all(settings, printer, &services).await?;
        print_rows(printer, &rows);
        printer.info(&format!(
            "everything is up to date ({} services, {})",
            rows.len(),
            crate::format::duration(began.elapsed())
        ));
        return Ok(ExitStatus::Success);
    }

    // Restart changed services first, so their own ports are free for the check below.
    for s in services
        .iter()
        .filter(|s| actions[&s.name] == Action::Recreate)
    {
        reporter.report(&s.name, LifecycleEvent::Recreating);
        rt.stop(s, Duration::from_secs(10)).await?;
    }
    check_ports(
        &rt,
        services
            .iter()
            .filter(|s| actions[&s.name] != Action::UpToDate),
    )
    .await?;

    let overall = args.timeout.map(|t| began + t);
    let started: Arc<Mutex<Vec<ServiceSpec>>> = Arc::default();
    // From here on this run starts things, so every way it can be told to end rolls back:
    // Ctrl-C, SIGTERM (a service manager, `kill`) and SIGHUP (a closed terminal). Before here
    // the default actions stand: nothing this run started would be left.
    let mut interrupt = Interrupt::listen()?;
    let work = run_waves(
        &waves,
        &actions,
        (&rt, &reporter, settings, printer),
        &args,
        overall,
        &started,
    );
    let results = tokio::select! {
        r = work => r?,
        signal = interrupt.recv() => {
            printer.warn(&format!("{signal}: stopping what this run started"));
            // Starts under way finish (their init steps are ended and undone) before the
            // rollback, which then stops every service this run was to start or restart.
            rt.settle(Duration::from_secs(30)).await;
            {
                let mut all = started.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                all.clear();
                all.extend(
                    services
                        .iter()
                        .filter(|s| actions[&s.name] != Action::UpToDate)
                        .cloned(),
                );
            }
            rollback(&rt, &reporter, &started, settings).await;
            return Err(Error::failed(format!("`arc up` was interrupted ({signal})"), None));
        }
    };

    let failed: Vec<&UpRow> = results.iter().filter(|r| r.error.is_some()).collect();
    if !failed.is_empty() {
        // Each failure once: its log (when it ran), then its reason and hint.
        for f in &failed {
            let spec = catalog.service(&f.service)?;
            if f.ran {
                let tail = rt.last_run_lines(spec, LOG_TAIL).await;
                if tail.is_empty() {
                    printer.stderr_block(&format!(
                        "{} wrote nothing to {}",
                        f.service,
                        rt.log_location(spec)
                    ));
                } else {
                    printer.stderr_block(&format!(
                        "last {} lines of {}:\n{}",
                        tail.len(),
                        rt.log_location(spec),
                        tail.iter()
                            .map(|l| format!("  | {l}"))
                            .collect::<Vec<_>>()
                            .join("\n")
                    ));
                }
            }
            if failed.len() > 1 {
                printer.error_report(
                    &format!(
                        "service `{}` failed: {}",
                        f.service,
                        f.error.as_deref().unwrap_or_default()
                    ),
                    &[],
                    f.hint.as_deref(),
                );
            }
        }
        let logs_hint = format!(
            "`arc logs {}` shows the whole log; `--keep` leaves services running for debugging",
            failed[0].service
        );
        let (what, hint) = match failed.as_slice() {
            [one] => (
                format!(
                    "service `{}` failed: {}",
                    one.service,
                    one.error.as_deref().unwrap_or_default()
                ),
                if one.ran {
                    Some(logs_hint)
                } else {
                    one.hint.clone()
                },
            ),
            many => (
                format!(
                    "{} services failed: {}",
                    many.len(),
                    many.iter()
                        .map(|f| format!("`{}`", f.service))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                many.iter().any(|f| f.ran).then_some(logs_hint),
            ),
        };
        if args.keep {
            return Err(Error::failed(
                format!("{what}; left running (--keep)"),
                Some("`arc logs` shows more; `arc down` stops everything".into()),
            ));
        }
        rollback(&rt, &reporter, &started, settings).await;
        return Err(Error::failed(
            format!("{what}; stopped what this run started"),
            hint,
        ));
    }

    let rows: Vec<UpRow> = services
        .iter()
        .map(|s| {
            results
                .iter()
                .find(|r| r.service == s.name)
                .cloned()
                .unwrap_or_else(|| row(s, "up to date", "none", None, None))
        })
        .collect();
    print_rows(printer, &rows);
    printer.info(&format!(
        "up in {}",
        crate::format::duration(began.elapsed())
    ));
    Ok(ExitStatus::Success)
}

/// Completes every service's environment: its dependencies' exports as reachable from where it
/// runs (a service's own `env` wins), and `{secret.NAME}` placeholders filled with this project's
/// secrets (made once, kept under the state directory).
fn wire_environment(
    catalog: &mut crate::spec::Catalog,
    rt: &Backend,
    settings: &Settings,
) -> Result<(), Error> {
    let all = catalog.services.clone();
    for s in &mut catalog.services {
        // A replicated dependency's instances give one list (`ARC_NATS_URL=nats://…,nats://…`).
        let deps = crate::spec::join_exports(s.depends_on.iter().flat_map(|dep| {
            all.iter()
                .filter(|x| x.belongs_to(dep))
                .map(|d| rt.exports_for_dependents(d))
        }));
        for (k, v) in deps {
            s.env.entry(k).or_insert(v);
        }
        for v in s.env.values_mut() {
            if !v.contains("{secret.") {
                continue;
            }
            let failed = std::cell::RefCell::new(None);
            *v = crate::spec::expand_placeholders(v, |key| {
                let name = key.strip_prefix("secret.")?;
                match super::pipeline::secret(&settings.state_dir, name) {
                    Ok(secret) => Some(secret),
                    Err(e) => {
                        *failed.borrow_mut() = Some(e);
                        None
                    }
                }
            });
            if let Some(e) = failed.into_inner() {
                return Err(e);
            }
        }
    }
    Ok(())
}

fn row(
    s: &ServiceSpec,
    state: &str,
    change: &str,
    ready: Option<Duration>,
    error: Option<String>,
) -> UpRow {
    UpRow {
        service: s.name.clone(),
        codename: s.codename.clone(),
        state: state.to_owned(),
        change: change.to_owned(),
        endpoints: s.resolved_exports(),
        ready_ms: ready.map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
        error,
        hint: None,
        ran: false,
    }
}

fn print_rows(printer: &Printer, rows: &[UpRow]) {
    if printer.json() {
        printer.json_value(&rows);
        return;
    }
    let mut t = Table::new(&["service", "codename", "state", "endpoints", "ready in"]);
    for r in rows {
        t.row(vec![
            r.service.clone(),
            r.codename.clone().unwrap_or_else(|| "-".into()),
            r.state.clone(),
            r.endpoints.values().cloned().collect::<Vec<_>>().join(" "),
            r.ready_ms.map_or_else(
                || "-".into(),
                |ms| crate::format::duration(Duration::from_millis(ms)),
            ),
        ]);
    }
    printer.data(&t.render());
}

/// `--runtime auto` picked Docker because the engine answers; whether it can run these services
/// is known only once their images are here. So the images that are neither here nor built from
/// the project are pulled first. If one cannot be had and every service's server is installed on
/// this machine, the services run as native processes, with a warning that says why; if the
/// servers are missing too, one error names each image and `--runtime process`. An explicit
/// `--runtime docker` never switches.
async fn settle_auto_runtime(
    rt: Backend,
    settings: &Settings,
    services: &[ServiceSpec],
    printer: &Printer,
    reporter: &Arc<dyn Reporter>,
) -> Result<Backend, Error> {
    let Backend::Docker(d) = &rt else {
        return Ok(rt);
    };
    if settings.runtime != RuntimeChoice::Auto {
        return Ok(rt);
    }
    let mut pulls = tokio::task::JoinSet::new();
    for s in services.iter().filter(|s| s.build.is_none()) {
        if d.has_image(&s.image).await {
            continue;
        }
        let (d, s, reporter) = (d.clone(), s.clone(), reporter.clone());
        pulls.spawn(async move {
            let r = d.ensure_image(&s, &*reporter).await;
            (s, r)
        });
    }
    // (service, image, why)
    let mut unavailable: Vec<(String, String, String)> = Vec::new();
    while let Some(joined) = pulls.join_next().await {
        let (s, r) =
            joined.map_err(|e| Error::failed(format!("internal task failed: {e}"), None))?;
        if let Err(e) = r {
            let why = match e {
                RuntimeError::Pull { reason, .. } => reason,
                other => other.to_string(),
            };
            unavailable.push((s.name, s.image, why));
        }
    }
    if unavailable.is_empty() {
        return Ok(rt);
    }
    unavailable.sort();
    let images = unavailable
        .iter()
        .map(|(s, i, _)| format!("`{i}` (`{s}`)"))
        .collect::<Vec<_>>()
        .join(", ");
    // One reason when they share it (an unreachable registry), else each its own.
    let why = if unavailable.iter().all(|u| u.2 == unavailable[0].2) {
        unavailable[0].2.clone()
    } else {
        unavailable
            .iter()
            .map(|(s, _, w)| format!("`{s}`: {w}"))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let process = super::process_runtime(settings);
    let mut missing = Vec::new();
    for s in services {
        if let Err(e) = process.check(s).await {
            missing.push(e.to_string());
        }
    }
    if missing.is_empty() {
        printer.warn(&format!(
            "the Docker engine answers, but cannot get {images}: {why}; every server is installed here, so `--runtime auto` runs the services as native processes (`--runtime docker` insists on containers)"
        ));
        return Ok(process);
    }
    Err(Error::failed(
        format!(
            "the Docker engine answers, but cannot get {images}: {why}; and natively: {}",
            missing.join("; ")
        ),
        Some("`make deps` installs the servers, then `--runtime process` runs them natively; or make the images available (a reachable registry, or `docker load`, or an overlay naming local images such as overlays/offline.yaml) and use `--runtime docker`".into()),
    ))
}

/// Builds what the run needs, as docker compose does: with `--build` every service that declares
/// `build:`, else those whose image is not built yet; `--no-build` refuses instead.
async fn build_images(
    rt: &Backend,
    settings: &Settings,
    services: &[ServiceSpec],
    args: &UpArgs,
    reporter: &Arc<dyn Reporter>,
) -> Result<(), Error> {
    if args.build {
        return super::build::build_services(rt, settings, services, reporter).await;
    }
    let Backend::Docker(d) = rt else {
        return Ok(());
    };
    let mut missing = Vec::new();
    for s in services.iter().filter(|s| s.build.is_some()) {
        if !d.has_image(&s.image).await {
            missing.push(s.clone());
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    if args.no_build {
        let names: Vec<String> = missing.iter().map(|s| s.name.clone()).collect();
        let images: Vec<String> = missing
            .iter()
            .map(|s| format!("`{}` (`{}`)", s.image, s.name))
            .collect();
        return Err(Error::failed(
            format!(
                "not built yet, and `--no-build` says not to build: {}",
                images.join(", ")
            ),
            Some(format!(
                "`arc build {}` builds them; or leave out `--no-build`",
                names.join(" ")
            )),
        ));
    }
    super::build::build_services(rt, settings, &missing, reporter).await
}

/// Every missing program at once, each with how to install it.
async fn check_binaries(rt: &Backend, services: &[ServiceSpec]) -> Result<(), Error> {
    let mut missing: Vec<RuntimeError> = Vec::new();
    for s in services {
        if let Err(e) = rt.check(s).await {
            missing.push(e);
        }
    }
    match missing.len() {
        0 => Ok(()),
        1 => Err(missing.remove(0).into()),
        n => {
            let lines: Vec<String> = missing
                .iter()
                .map(|e| match e.hint() {
                    Some(h) => format!("{e}\n    {h}"),
                    None => e.to_string(),
                })
                .collect();
            Err(Error::failed(
                format!("{n} services cannot start:\n  {}", lines.join("\n  ")),
                Some("`make deps` installs every server arc runs natively".into()),
            ))
        }
    }
}

/// Fails, before anything starts, when a port a service will listen on is taken.
async fn check_ports<'a>(
    rt: &Backend,
    services: impl Iterator<Item = &'a ServiceSpec>,
) -> Result<(), Error> {
    let mut conflicts = Vec::new();
    for s in services {
        for (name, port) in rt.listen_ports(s).await? {
            if !ports::is_free(port) {
                conflicts.push(PortConflict {
                    service: s.name.clone(),
                    name,
                    port,
                    holder: ports::holder(port),
                });
            }
        }
    }
    if conflicts.is_empty() {
        Ok(())
    } else {
        Err(RuntimeError::PortsInUse(conflicts).into())
    }
}

/// Starts the waves in order, each once the one before is healthy and provisioned: a service's
/// streams and topics exist before anything that depends on it starts (the pipeline lists the
/// streams when it starts, to know which messages JetStream must acknowledge).
async fn run_waves(
    waves: &[Vec<&ServiceSpec>],
    actions: &std::collections::BTreeMap<String, Action>,
    (rt, reporter, settings, printer): (&Backend, &Arc<dyn Reporter>, &Settings, &Printer),
    args: &UpArgs,
    overall: Option<Instant>,
    started: &Arc<Mutex<Vec<ServiceSpec>>>,
) -> Result<Vec<UpRow>, Error> {
    let mut rows = Vec::new();
    for wave in waves {
        let mut tasks = tokio::task::JoinSet::new();
        for s in wave.iter().filter(|s| actions[&s.name] != Action::UpToDate) {
            let change = if actions[&s.name] == Action::Recreate {
                "restarted"
            } else {
                "started"
            };
            let (rt, reporter, spec, started) =
                (rt.clone(), reporter.clone(), (*s).clone(), started.clone());
            let no_wait = args.no_wait;
            tasks.spawn(async move {
                let r = start_one(
                    rt,
                    reporter.clone(),
                    spec.clone(),
                    no_wait,
                    overall,
                    started,
                )
                .await;
                match r {
                    Ok(Some(ready)) => {
                        reporter.report(&spec.name, LifecycleEvent::Healthy(ready));
                        row(&spec, "healthy", change, Some(ready), None)
                    }
                    Ok(None) => {
                        reporter.report(&spec.name, LifecycleEvent::Started);
                        row(&spec, "started", change, None, None)
                    }
                    Err(StartFailure { error, ran }) => {
                        // The reason is printed once, after the waves; progress says only that.
                        reporter.report(
                            &spec.name,
                            LifecycleEvent::Failed(
                                if ran {
                                    "did not become healthy"
                                } else {
                                    "did not start"
                                }
                                .into(),
                            ),
                        );
                        let mut r = row(&spec, "failed", change, None, Some(error.to_string()));
                        r.hint = error.hint();
                        r.ran = ran;
                        r
                    }
                }
            });
        }
        let mut wave_failed = false;
        while let Some(joined) = tasks.join_next().await {
            let r =
                joined.map_err(|e| Error::failed(format!("internal task failed: {e}"), None))?;
            wave_failed |= r.error.is_some();
            rows.push(r);
        }
        if wave_failed {
            // Later waves depend on this one: do not start them.
            break;
        }
        if !args.no_wait {
            let wave: Vec<ServiceSpec> = wave.iter().map(|s| (*s).clone()).collect();
            provision_all(settings, printer, &wave).await?;
        }
    }
    Ok(rows)
}

/// Starts one service; `Some(time to healthy)` when waiting, `None` with `--no-wait`.
async fn start_one(
    rt: Backend,
    reporter: Arc<dyn Reporter>,
    spec: ServiceSpec,
    no_wait: bool,
    overall: Option<Instant>,
    started: Arc<Mutex<Vec<ServiceSpec>>>,
) -> Result<Option<Duration>, StartFailure> {
    let t0 = Instant::now();
    let result = rt.start(&spec, reporter.clone()).await;
    // Even a failed start may have left a process behind (it died after the record was written).
    started
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .push(spec.clone());
    let watch = result.map_err(|e| StartFailure {
        error: e.into(),
        ran: false,
    })?;
    if no_wait {
        return Ok(None);
    }
    reporter.report(&spec.name, LifecycleEvent::Waiting);
    let deadline = {
        let own = t0 + spec.health.deadline();
        overall.map_or(own, |o| o.min(own))
    };
    wait_healthy(&spec, &rt, watch, t0, deadline)
        .await
        .map(Some)
        .map_err(|error| StartFailure { error, ran: true })
}

/// Probes until healthy, the process exits, or the deadline passes.
async fn wait_healthy(
    spec: &ServiceSpec,
    rt: &Backend,
    mut watch: Watch,
    t0: Instant,
    deadline: Instant,
) -> Result<Duration, Error> {
    let target = Target::of(spec);
    loop {
        if let Some(exit) = rt.exited(&mut watch).await {
            return Err(Error::failed(format!("the process {exit}"), None));
        }
        let outcome = health::probe(&target, spec.health.timeout).await;
        // Both must agree: arc's protocol probe and, for containers, Docker's HEALTHCHECK;
        // and the answer must come from the process this run started, not whatever holds
        // its port (a stranger that bound it first: the service cannot bind it any more).
        if outcome.healthy && rt.engine_healthy(&watch).await {
            if let Some(stranger) = watch.foreign_listener() {
                return Err(Error::failed(stranger, None));
            }
            return Ok(t0.elapsed());
        }
        if Instant::now() >= deadline {
            return Err(Error::failed(
                format!(
                    "not healthy after {}: {}",
                    crate::format::duration(t0.elapsed()),
                    outcome.detail
                ),
                None,
            ));
        }
        // Poll fast while a healthy start is still likely, then back off to the interval.
        let pause = if t0.elapsed() < Duration::from_secs(3) {
            Duration::from_millis(25)
        } else {
            spec.health.interval.min(Duration::from_millis(500))
        };
        tokio::time::sleep(pause).await;
    }
}

/// The signals that end `arc up` with a rollback.
struct Interrupt {
    int: tokio::signal::unix::Signal,
    term: tokio::signal::unix::Signal,
    hup: tokio::signal::unix::Signal,
}

impl Interrupt {
    fn listen() -> Result<Self, Error> {
        use tokio::signal::unix::{signal, SignalKind};
        let listen = |kind: SignalKind| {
            signal(kind).map_err(|e| Error::failed(format!("cannot listen for signals: {e}"), None))
        };
        Ok(Self {
            int: listen(SignalKind::interrupt())?,
            term: listen(SignalKind::terminate())?,
            hup: listen(SignalKind::hangup())?,
        })
    }

    /// The next one, named.
    async fn recv(&mut self) -> &'static str {
        tokio::select! {
            _ = self.int.recv() => "interrupted (SIGINT)",
            _ = self.term.recv() => "terminated (SIGTERM)",
            _ = self.hup.recv() => "hung up (SIGHUP)",
        }
    }
}

/// Stops what this run started, in reverse order.
async fn rollback(
    rt: &Backend,
    reporter: &Arc<dyn Reporter>,
    started: &Arc<Mutex<Vec<ServiceSpec>>>,
    settings: &Settings,
) {
    let specs: Vec<ServiceSpec> = started
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .drain(..)
        .rev()
        .collect();
    super::started::remove(&settings.state_dir, specs.iter().map(|s| s.name.as_str()));
    for spec in specs {
        let stopped = rt.stop(&spec, Duration::from_secs(10)).await;
        match stopped {
            Ok(true) => reporter.report(&spec.name, LifecycleEvent::Stopped),
            // It never got to run (its start failed): nothing to say.
            Ok(false) => {}
            Err(e) => reporter.report(&spec.name, LifecycleEvent::Failed(e.to_string())),
        }
    }
}

/// Applies every started service's provisioning files (JetStream streams, Pulsar topics).
async fn provision_all(
    settings: &Settings,
    printer: &Printer,
    services: &[ServiceSpec],
) -> Result<(), Error> {
    let mut done: Vec<&str> = Vec::new();
    for s in services.iter().filter(|s| !s.provision.is_empty()) {
        // A replicated service is provisioned once, for all its instances.
        let group = s
            .replica
            .as_ref()
            .map_or(s.name.as_str(), |r| r.group.as_str());
        if done.contains(&group) {
            continue;
        }
        done.push(group);
        let members: Vec<&ServiceSpec> = services.iter().filter(|m| m.belongs_to(group)).collect();
        match super::messaging::provision(settings, s, &members).await {
            Ok(lines) => lines.iter().for_each(|l| printer.info(l)),
            Err(e) => {
                return Err(Error::failed(
                    format!("`{}` is up, but provisioning it failed: {e}", s.name),
                    Some(
                        "fix the file and run `arc up` again (or `arc streams apply`); what \
                         started keeps running, what depends on it was not started"
                            .into(),
                    ),
                ))
            }
        }
    }
    Ok(())
}
