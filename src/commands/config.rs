//! `arc services ls`, `arc profiles ls`, `arc config validate`.

use serde::Serialize;

use super::{load_catalog, ExitStatus};
use crate::error::Error;
use crate::settings::Settings;
use crate::spec::{Catalog, Origin, SpecError};
use crate::ui::{Printer, Table};

/// One row of `arc services ls`.
#[derive(Debug, Serialize)]
struct ServiceRow {
    name: String,
    codename: Option<String>,
    description: String,
    image: String,
    ports: Vec<PortRow>,
    depends_on: Vec<String>,
    health: String,
    file: String,
}

#[derive(Debug, Serialize)]
struct PortRow {
    name: String,
    container: u16,
    host: Option<u16>,
    bind: String,
}

/// Lists the declared services.
pub(super) fn services_ls(settings: &Settings, printer: &Printer) -> Result<ExitStatus, Error> {
    let catalog = load_catalog(settings)?;
    let rows: Vec<ServiceRow> = catalog
        .services
        .iter()
        .map(|s| ServiceRow {
            name: s.name.clone(),
            codename: s.codename.clone(),
            description: s.description.clone(),
            image: s.image.clone(),
            ports: s
                .ports
                .iter()
                .map(|p| PortRow {
                    name: p.name.clone(),
                    container: p.container,
                    host: p.host,
                    bind: p.bind.to_string(),
                })
                .collect(),
            depends_on: s.depends_on.clone(),
            health: s.health.kind.as_str().to_owned(),
            file: catalog.files.get(&s.name).cloned().unwrap_or_default(),
        })
        .collect();
    if printer.json() {
        printer.json_value(&rows);
        return Ok(ExitStatus::Success);
    }
    let mut t = Table::new(&[
        "name",
        "codename",
        "image",
        "ports",
        "health",
        "description",
    ]);
    for r in rows {
        let ports = r
            .ports
            .iter()
            .map(|p| match p.host {
                Some(h) => format!("{}={}:{h}->{}", p.name, p.bind, p.container),
                None => format!("{}={}", p.name, p.container),
            })
            .collect::<Vec<_>>()
            .join(" ");
        t.row(vec![
            r.name,
            r.codename.unwrap_or_else(|| "-".into()),
            r.image,
            ports,
            r.health,
            r.description,
        ]);
    }
    printer.data(&t.render());
    Ok(ExitStatus::Success)
}

/// One row of `arc profiles ls`.
#[derive(Debug, Serialize)]
struct ProfileRow {
    name: String,
    default: bool,
    services: Vec<String>,
    description: String,
}

/// Lists the declared profiles.
pub(super) fn profiles_ls(settings: &Settings, printer: &Printer) -> Result<ExitStatus, Error> {
    let catalog = load_catalog(settings)?;
    let rows: Vec<ProfileRow> = catalog
        .profiles
        .iter()
        .map(|(name, p)| ProfileRow {
            name: name.clone(),
            default: *name == catalog.default_profile,
            services: p.services.clone(),
            description: p.description.clone(),
        })
        .collect();
    if printer.json() {
        printer.json_value(&rows);
        return Ok(ExitStatus::Success);
    }
    let mut t = Table::new(&["name", "services", "description"]);
    for r in rows {
        let name = if r.default {
            format!("{} (default)", r.name)
        } else {
            r.name
        };
        t.row(vec![name, r.services.join(", "), r.description]);
    }
    printer.data(&t.render());
    Ok(ExitStatus::Success)
}

/// The result of `arc config validate --json`.
#[derive(Debug, Serialize)]
struct Validation {
    valid: bool,
    source: String,
    overlays: Vec<String>,
    services: usize,
    profiles: usize,
    problems: Vec<crate::spec::Diagnostic>,
}

/// Loads everything and reports every problem.
pub(super) fn validate(settings: &Settings, printer: &Printer) -> Result<ExitStatus, Error> {
    let source = match &settings.project_dir {
        Some(d) => d.display().to_string(),
        None => "<embedded>".to_owned(),
    };
    let overlays: Vec<String> = settings
        .overlays
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    match Catalog::load(settings.project_dir.as_deref(), &settings.overlays) {
        Ok(catalog) => {
            let v = Validation {
                valid: true,
                source: match &catalog.origin {
                    Origin::Project(p) => p.display().to_string(),
                    Origin::Embedded => "<embedded>".into(),
                },
                overlays,
                services: catalog.services.len(),
                profiles: catalog.profiles.len(),
                problems: Vec::new(),
            };
            if printer.json() {
                printer.json_value(&v);
            } else {
                printer.data(&format!(
                    "valid: {} services, {} profiles from {}{}",
                    v.services,
                    v.profiles,
                    v.source,
                    if v.overlays.is_empty() {
                        String::new()
                    } else {
                        format!(" with overlays {}", v.overlays.join(", "))
                    }
                ));
            }
            Ok(ExitStatus::Success)
        }
        Err(SpecError::Invalid(problems)) if printer.json() => {
            printer.json_value(&Validation {
                valid: false,
                source,
                overlays,
                services: 0,
                profiles: 0,
                problems,
            });
            Ok(ExitStatus::Usage)
        }
        Err(e) => Err(e.into()),
    }
}
