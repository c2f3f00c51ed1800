//! `arc compose export`: a `docker-compose.yml` per service, rendered from its service.yaml
//! through `templates/docker-compose.yml.j2`, so a service can be run without arc
//! (`docker-compose -f services/cache/docker-compose.yml up`); `--write` and `--check` also cover
//! the make targets (`services/NAME/TARGET.mk`, from `templates/service.mk.j2`) of the services
//! that have them. service.yaml stays the source of truth; a test fails when a committed file
//! is stale. `--write` and `--check` concern those committed files, so they read the stock files
//! alone: overlays (`-f`, `ARC_FILE`) are ignored, with a warning; printing applies them.

use std::path::Path;

use super::{load_catalog, ExitStatus};
use crate::cli::ComposeExportArgs;
use crate::error::Error;
use crate::scaffold::{makefile_of, render_compose, render_makefile, Templates};
use crate::settings::Settings;
use crate::spec::ServiceSpec;
use crate::ui::Printer;

/// Prints, writes or checks compose files (and, with `--write`/`--check`, make targets).
pub(super) fn export(
    args: &ComposeExportArgs,
    settings: &Settings,
    printer: &Printer,
) -> Result<ExitStatus, Error> {
    // The committed files are the stock files' rendering: an overlay in the environment must
    // neither make them look stale nor be written into them.
    let stock_only;
    let settings = if (args.write || args.check) && !settings.overlays.is_empty() {
        printer.warn(&format!(
            "`compose export --{}` works on the stock files alone; ignoring overlays {} (-f/ARC_FILE); without `--{0}` it prints them with the overlays applied",
            if args.write { "write" } else { "check" },
            settings
                .overlays
                .iter()
                .map(|p| format!("`{}`", p.display()))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        stock_only = Settings {
            overlays: Vec::new(),
            ..settings.clone()
        };
        &stock_only
    } else {
        settings
    };
    let catalog = load_catalog(settings)?;
    // One entry per service directory: a service, or every instance of a replicated one.
    let mut groups: Vec<(String, Vec<&ServiceSpec>)> = Vec::new();
    let names: Vec<String> = if args.services.is_empty() {
        catalog.services.iter().map(|s| s.name.clone()).collect()
    } else {
        args.services.clone()
    };
    for n in &names {
        for m in catalog.members(n)? {
            let dir = m.replica.as_ref().map_or(&m.name, |r| &r.group).clone();
            match groups.iter_mut().find(|(d, _)| *d == dir) {
                Some((_, ms)) if !ms.iter().any(|x| x.name == m.name) => ms.push(m),
                Some(_) => {}
                None => groups.push((dir, vec![m])),
            }
        }
    }
    let project = settings.project_dir.as_deref();
    let templates = Templates::load(project, &settings.overlays)?;
    let has_dockerfile = |dir: &str| {
        project.is_some_and(|p| p.join("services").join(dir).join("Dockerfile").is_file())
    };
    if !(args.write || args.check) {
        for (dir, members) in &groups {
            printer.data(
                render_compose(&templates, members, has_dockerfile(dir), &catalog.services)?
                    .trim_end(),
            );
        }
        return Ok(ExitStatus::Success);
    }
    let Some(project) = project else {
        return Err(Error::failed(
            "writing or checking compose files needs the project directory",
            Some("run arc inside the checkout, or pass `--project-dir`".into()),
        ));
    };
    let mut stale = Vec::new();
    for (dir, members) in &groups {
        let mut files = vec![(
            format!("services/{dir}/docker-compose.yml"),
            render_compose(&templates, members, has_dockerfile(dir), &catalog.services)?,
        )];
        // The configuration files the containers mount (`files:`), beside the compose file.
        for m in members {
            for (file, _, content) in crate::scaffold::compose_files(m) {
                files.push((format!("services/{dir}/{file}"), content));
            }
        }
        // Make targets where the service has them (a service need not; the instances of a
        // replicated one share their service's).
        if let [s] = members[..] {
            let (_, mk) = makefile_of(s);
            if project.join(&mk).is_file() {
                files.push((mk, render_makefile(&templates, s)?));
            }
        }
        for (rel, text) in files {
            let path = project.join(&rel);
            if args.write {
                std::fs::write(&path, &text).map_err(|e| {
                    Error::failed(format!("cannot write `{}`: {e}", path.display()), None)
                })?;
                printer.info(&format!("wrote {}", display(project, &path)));
            } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
                stale.push(rel);
            }
        }
    }
    if stale.is_empty() {
        Ok(ExitStatus::Success)
    } else {
        Err(Error::failed(
            format!("stale generated files: {}", stale.join(", ")),
            Some(
                "`arc compose export --write` regenerates them from service.yaml and templates/"
                    .into(),
            ),
        ))
    }
}

fn display(project: &Path, path: &Path) -> String {
    path.strip_prefix(project)
        .unwrap_or(path)
        .display()
        .to_string()
}
