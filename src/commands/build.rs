//! `arc build` (and `arc up --build`): build the thin images of services that declare `build:`.

use std::sync::Arc;

use super::{load_catalog, runtime, ExitStatus};
use crate::cli::BuildArgs;
use crate::error::Error;
use crate::runtime::{Backend, Reporter, RuntimeError};
use crate::settings::Settings;
use crate::spec::ServiceSpec;
use crate::ui::{LifecycleReporter, Printer};

/// Builds the named services' images (default: all that declare `build:`).
pub(super) async fn run(
    args: &BuildArgs,
    settings: &Settings,
    printer: &Printer,
) -> Result<ExitStatus, Error> {
    let catalog = load_catalog(settings)?;
    let specs: Vec<ServiceSpec> = if args.services.is_empty() {
        catalog
            .services
            .iter()
            .filter(|s| s.build.is_some())
            .cloned()
            .collect()
    } else {
        let mut v = Vec::new();
        for n in &args.services {
            let s = catalog.service(n)?;
            if s.build.is_none() {
                return Err(Error::failed(
                    format!("service `{}` declares no `build:`; it runs the image `{}` as is", s.name, s.image),
                    Some("add `build: {}` (a Dockerfile in the service's directory) to its service.yaml".into()),
                ));
            }
            v.push(s.clone());
        }
        v
    };
    if specs.is_empty() {
        printer.info("no service declares `build:`; nothing to build");
        return Ok(ExitStatus::Success);
    }
    let _lock = super::lock_project(
        settings,
        printer,
        "build",
        &args.services,
        args.lock.no_block,
    )
    .await?;
    let rt = runtime(settings).await?;
    let reporter: Arc<dyn Reporter> =
        Arc::new(LifecycleReporter::new(printer.clone(), settings.progress));
    build_services(&rt, settings, &specs, &reporter).await?;
    for s in &specs {
        printer.data(&format!("built {} for `{}`", s.image, s.name));
    }
    Ok(ExitStatus::Success)
}

/// Builds every service in `specs` that declares `build:`, through the engine.
pub(super) async fn build_services(
    rt: &Backend,
    settings: &Settings,
    specs: &[ServiceSpec],
    reporter: &Arc<dyn Reporter>,
) -> Result<(), Error> {
    let to_build: Vec<&ServiceSpec> = specs.iter().filter(|s| s.build.is_some()).collect();
    if to_build.is_empty() {
        return Ok(());
    }
    let Backend::Docker(d) = rt else {
        return Err(RuntimeError::Unavailable {
            runtime: "process",
            reason: "building images needs the Docker engine (`--runtime docker`)".into(),
        }
        .into());
    };
    let Some(project) = settings.project_dir.as_deref() else {
        let images: Vec<String> = to_build
            .iter()
            .map(|s| format!("`{}` (`{}`)", s.image, s.name))
            .collect();
        let first = to_build[0];
        return Err(Error::failed(
            format!(
                "{} built from arc's sources, and this arc has none: its Dockerfiles are not built into the binary (no project directory found from `{}`)",
                if images.len() == 1 { format!("the image {} is", images[0]) } else { format!("the images {} are", images.join(", ")) },
                std::env::current_dir().map_or_else(|_| ".".into(), |d| d.display().to_string()),
            ),
            Some(format!(
                "pull or load a built image and name it in an overlay (`services: {{ {}: {{ image: REGISTRY/IMAGE:TAG }} }}`, then `arc -f FILE up`), or run `arc build {}` in an arc checkout (or with `--project-dir DIR`)",
                first.name, first.name
            )),
        ));
    };
    for s in to_build {
        d.build(s, project, &**reporter).await?;
    }
    Ok(())
}
