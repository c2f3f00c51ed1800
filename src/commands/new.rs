//! `arc new service`: plan the new service's files and edits (every check passes first), then
//! write them, or with `--dry-run` only show them. Prints one line per file written.

use super::ExitStatus;
use crate::cli::NewServiceArgs;
use crate::error::Error;
use crate::scaffold::new::{self, Action, NewService};
use crate::scaffold::Templates;
use crate::settings::Settings;
use crate::ui::Printer;

/// Writes (or shows) a new service.
pub(super) fn service(
    args: NewServiceArgs,
    settings: &Settings,
    printer: &Printer,
) -> Result<ExitStatus, Error> {
    let Some(project) = settings.project_dir.as_deref() else {
        return Err(Error::invalid(
            "`arc new service` writes into a project directory, and there is none here",
            Some("run it inside a checkout (a directory with profiles.yaml and services/), or pass `--project-dir`".into()),
        ));
    };
    let native_command = shlex::split(&args.native_command)
        .filter(|words| !words.is_empty())
        .ok_or_else(|| {
            Error::invalid(
                format!(
                    "cannot split --native-command `{}` into a program and its arguments",
                    args.native_command
                ),
                Some("give the command as one string, quoted as in a shell: --native-command \"python3 -m http.server {port.http}\"".into()),
            )
        })?;
    let req = NewService {
        name: args.name,
        codename: args.codename,
        description: args.description,
        image: args.image,
        ports: args.ports,
        health: args.health,
        depends_on: args.depends_on,
        profiles: args.profiles,
        native_command,
    };
    let templates = Templates::load(Some(project), &settings.overlays)?;
    let plan = new::plan(project, &settings.overlays, &templates, &req)?;
    if !args.dry_run {
        new::apply(project, &plan)?;
    }
    for note in &plan.notes {
        printer.warn(note);
    }
    if printer.json() {
        printer.json_value(&plan.changes);
        return Ok(ExitStatus::Success);
    }
    for c in &plan.changes {
        let verb = match (args.dry_run, c.action) {
            (false, Action::Create) => "created",
            (false, Action::Update) => "updated",
            (true, Action::Create) => "would create",
            (true, Action::Update) => "would update",
        };
        printer.data(&format!("{verb} {}", c.path));
        if args.dry_run {
            for line in c.shown_lines() {
                printer.data(&format!("    {line}"));
            }
        }
    }
    if !args.dry_run {
        printer.info(&format!(
            "next: `arc config validate`, `arc up {}`",
            req.codename.as_deref().unwrap_or(&req.name)
        ));
    }
    Ok(ExitStatus::Success)
}
