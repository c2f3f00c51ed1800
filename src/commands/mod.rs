//! One module per command group. Each takes resolved settings and the printer and returns an
//! exit status; errors bubble up to `lib::run`, which renders them.

mod backbones;
mod build;
mod completions;
mod compose;
mod config;
mod down;
mod env;
mod health;
mod logs;
mod messaging;
mod new;
mod pipeline;
mod ps;
mod started;
mod up;

use crate::cli::{
    Command, ComposeCommand, ConfigCommand, MessagesCommand, NewCommand, ProfilesCommand,
    RuntimeChoice, ServicesCommand,
};
use crate::error::Error;
pub(crate) use crate::error::ExitStatus;
use crate::runtime::{Backend, DockerRuntime, ProcessRuntime};
use crate::settings::Settings;
use crate::spec::Catalog;
use crate::ui::Printer;

/// The value of an `ARC_*` endpoint from the project's services (overlays applied: the ports
/// the profile runs on, whichever runtime runs it; every instance of a replicated one), else
/// `fallback` when no service exports it. The services `arc up` started come first (with a
/// gateway among them, the pipeline's URL is the gateway's); else the catalog's, without the
/// services that only stand in front of others. Files that do not load are an error (exit 2,
/// with their file:line diagnostics), never a silent fallback: a broken overlay would otherwise
/// send arc to the stock address, the wrong server. Here, not in a command group, because the
/// messaging and the pipeline commands both use it.
pub(crate) fn endpoint(
    settings: &Settings,
    key: &str,
    fallback: &str,
) -> Result<String, crate::error::Error> {
    let catalog = Catalog::load(settings.project_dir.as_deref(), &settings.overlays)?;
    let recorded = started::read(&settings.state_dir);
    let running = started::running(&catalog.services, &recorded);
    if let Some(v) =
        crate::spec::fronted_exports(&running, crate::spec::ServiceSpec::resolved_exports)
            .remove(key)
    {
        return Ok(v);
    }
    // A replicated service's instances give one list (every node of a NATS cluster).
    Ok(crate::spec::join_exports(
        catalog
            .services
            .iter()
            .filter(|s| s.fronts.is_empty())
            .map(crate::spec::ServiceSpec::resolved_exports),
    )
    .remove(key)
    .unwrap_or_else(|| fallback.to_owned()))
}

/// `given` (a flag or its `ARC_*` variable), else [`endpoint`]: the files are read only when
/// no address was given.
pub(crate) fn endpoint_or(
    settings: &Settings,
    given: Option<&String>,
    key: &str,
    fallback: &str,
) -> Result<String, crate::error::Error> {
    match given {
        Some(g) => Ok(g.clone()),
        None => endpoint(settings, key, fallback),
    }
}

/// Takes the project's lock for a command that changes what runs (`arc VERB NAMES…`, which is
/// how a waiting command names the holder): at once when it is free; else, unless `no_block`,
/// after saying on stderr whom it waits for. Ctrl-C while waiting ends the command.
pub(crate) async fn lock_project(
    settings: &Settings,
    printer: &Printer,
    verb: &str,
    names: &[String],
    no_block: bool,
) -> Result<crate::runtime::ProjectLock, Error> {
    use crate::runtime::{ProjectLock, TryLock};
    let what = std::iter::once(format!("arc {verb}"))
        .chain(names.iter().cloned())
        .collect::<Vec<_>>()
        .join(" ");
    let what = what.as_str();
    let holder = match ProjectLock::try_acquire(&settings.state_dir, what)? {
        TryLock::Held(lock) => return Ok(lock),
        TryLock::Busy(holder) => holder.map_or_else(|| "another arc".to_owned(), |h| h.to_string()),
    };
    if no_block {
        return Err(Error::failed(
            format!(
                "{holder} is changing this project ({})",
                settings.state_dir.display()
            ),
            Some("wait for it to finish, or run again without `--no-block` to wait".into()),
        ));
    }
    printer.warn(&format!(
        "waiting for {holder} to finish with this project (`--no-block` fails at once instead)"
    ));
    tokio::select! {
        lock = ProjectLock::acquire(&settings.state_dir, what) => Ok(lock?),
        _ = tokio::signal::ctrl_c() => Err(Error::failed(
            format!("interrupted while waiting for {holder}"),
            None,
        )),
    }
}

/// Runs `command`.
pub(crate) async fn dispatch(
    command: Command,
    settings: &Settings,
    printer: &Printer,
) -> Result<ExitStatus, Error> {
    match command {
        Command::Up(args) => up::run(args, settings, printer).await,
        Command::Down(args) => down::run(args, settings, printer).await,
        Command::Ps(args) => ps::run(&args, settings, printer).await,
        Command::Health(args) => health::run(args, settings, printer).await,
        Command::Logs(args) => logs::run(args, settings, printer).await,
        Command::Env(args) => env::run(&args, settings, printer).await,
        Command::Services {
            command: ServicesCommand::Ls,
        } => config::services_ls(settings, printer),
        Command::Profiles {
            command: ProfilesCommand::Ls,
        } => config::profiles_ls(settings, printer),
        Command::Config {
            command: ConfigCommand::Validate,
        } => config::validate(settings, printer),
        Command::Config {
            command: ConfigCommand::Get(args),
        } => pipeline::config_get(args, settings, printer).await,
        Command::Config {
            command: ConfigCommand::Set(args),
        } => pipeline::config_set(args, settings, printer).await,
        Command::Config {
            command: ConfigCommand::Rm(args),
        } => pipeline::config_rm(args, settings, printer).await,
        Command::Serve(args) => Box::pin(pipeline::serve(args, settings, printer)).await,
        Command::Backbones { command } => backbones::run(command, settings, printer).await,
        Command::Completions(args) => Ok(completions::run(&args, printer)),
        Command::Build(args) => build::run(&args, settings, printer).await,
        Command::Compose {
            command: ComposeCommand::Export(args),
        } => compose::export(&args, settings, printer),
        Command::New {
            command: NewCommand::Service(args),
        } => new::service(args, settings, printer),
        Command::Pub(args) => Box::pin(messaging::publish::run(args, settings, printer)).await,
        Command::Sub(args) => Box::pin(messaging::subscribe::sub(args, settings, printer)).await,
        Command::Tail(args) => Box::pin(messaging::subscribe::tail(args, settings, printer)).await,
        Command::Request(args) => {
            Box::pin(messaging::request::request(args, settings, printer)).await
        }
        Command::Reply(args) => Box::pin(messaging::request::reply(args, settings, printer)).await,
        Command::Streams { command } => {
            Box::pin(messaging::streams::run(command, settings, printer)).await
        }
        Command::Replay(args) => Box::pin(messaging::replay::run(args, settings, printer)).await,
        Command::Messages {
            command: MessagesCommand::Get(args),
        } => messaging::log::get(args, settings, printer).await,
        Command::Messages {
            command: MessagesCommand::Dead(args),
        } => messaging::dead::run(args, settings, printer).await,
    }
}

/// Loads the catalog the settings point at.
fn load_catalog(settings: &Settings) -> Result<Catalog, Error> {
    Ok(Catalog::load(
        settings.project_dir.as_deref(),
        &settings.overlays,
    )?)
}

/// The runtime the settings ask for. `auto`: the process runtime when this project already
/// runs native processes, else Docker when the engine answers, else native processes.
async fn runtime(settings: &Settings) -> Result<Backend, Error> {
    let process = || process_runtime(settings);
    let project = settings.state_dir.file_name().map_or_else(
        || "default".to_owned(),
        |n| n.to_string_lossy().into_owned(),
    );
    match settings.runtime {
        RuntimeChoice::Process => Ok(process()),
        RuntimeChoice::Docker => Ok(Backend::Docker(
            DockerRuntime::connect(&project, std::time::Duration::from_secs(3))
                .await?
                .with_files_dir(settings.state_dir.clone()),
        )),
        RuntimeChoice::Auto => {
            if ProcessRuntime::has_records(&settings.state_dir) {
                return Ok(process());
            }
            match DockerRuntime::connect(&project, std::time::Duration::from_millis(500)).await {
                Ok(d) => Ok(Backend::Docker(
                    d.with_files_dir(settings.state_dir.clone()),
                )),
                Err(e) => {
                    tracing::debug!("auto runtime: {e}; using native processes");
                    Ok(process())
                }
            }
        }
    }
}

/// The process runtime of this project.
fn process_runtime(settings: &Settings) -> Backend {
    Backend::Process(std::sync::Arc::new(ProcessRuntime::new(
        settings.state_dir.clone(),
        settings.env.clone(),
    )))
}

/// Services of the catalog that have a state record (running or exited).
async fn known_to_runtime<'a>(
    catalog: &'a Catalog,
    rt: &Backend,
) -> Result<Vec<(&'a crate::spec::ServiceSpec, crate::runtime::ServiceStatus)>, Error> {
    let mut out = Vec::new();
    for s in &catalog.services {
        let st = rt.status(s).await?;
        if st.state != crate::runtime::State::Stopped {
            out.push((s, st));
        }
    }
    Ok(out)
}
