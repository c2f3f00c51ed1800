//! `arc new service`: a new platform service in the seed's pattern. [`plan`] renders every file
//! and edit and checks them (the name, the host ports, the dependencies, the profiles, the make
//! targets, then the whole catalog as `arc config validate` would) before anything is written;
//! [`apply`] writes the plan, undoing what it wrote when a write fails.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::compose::title;
use super::{edit, render_compose, render_makefile, ScaffoldError, Templates, DOCKERFILE, SERVICE};
use crate::spec::{Catalog, ProbeKind, ServiceSpec};

/// The image workflow whose service list a new service joins.
pub(crate) const IMAGE_WORKFLOW: &str = ".github/workflows/messaging-images.yml";

/// `--port NAME:CONTAINER[:HOST]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct PortArg {
    /// The port's name (`{port.NAME}`).
    pub name: String,
    /// The port inside the container.
    pub container: u16,
    /// The published port on 127.0.0.1 (and the native one); default: the container port.
    pub host: u16,
}

/// Parses `NAME:CONTAINER[:HOST]`.
pub(crate) fn parse_port(s: &str) -> Result<PortArg, String> {
    let parts: Vec<&str> = s.split(':').collect();
    let port = |p: &str, what: &str| {
        p.parse::<u16>()
            .ok()
            .filter(|&n| n > 0)
            .ok_or_else(|| format!("`{p}` is not a {what} port (1 to 65535) in `{s}`"))
    };
    let (name, container, host) = match parts.as_slice() {
        [name, c] => (*name, port(c, "container")?, None),
        [name, c, h] => (*name, port(c, "container")?, Some(port(h, "host")?)),
        _ => {
            return Err(format!(
                "expected NAME:CONTAINER[:HOST] (e.g. `http:8000:18000`), got `{s}`"
            ))
        }
    };
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
    {
        return Err(format!(
            "the port name `{name}` should be lowercase letters, digits, `-` and `_`"
        ));
    }
    Ok(PortArg {
        name: name.to_owned(),
        container,
        host: host.unwrap_or(container),
    })
}

/// `--health http:PATH|tcp|nats|redis|postgres|pulsar`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HealthArg {
    /// The probe.
    pub kind: ProbeKind,
    /// The HTTP path (`http` only).
    pub path: Option<String>,
}

/// Parses `http:PATH` or a probe kind.
pub(crate) fn parse_health(s: &str) -> Result<HealthArg, String> {
    if let Some(path) = s.strip_prefix("http:") {
        if !path.starts_with('/') {
            return Err(format!(
                "the path of `{s}` should start with `/` (e.g. `http:/healthz`)"
            ));
        }
        return Ok(HealthArg {
            kind: ProbeKind::Http,
            path: Some(path.to_owned()),
        });
    }
    let kind = match s {
        "tcp" => ProbeKind::Tcp,
        "nats" => ProbeKind::Nats,
        "redis" => ProbeKind::Redis,
        "postgres" => ProbeKind::Postgres,
        "pulsar" => ProbeKind::Pulsar,
        "http" => return Err("an http probe needs its path: `http:/healthz`".into()),
        _ => {
            return Err(format!(
                "`{s}` is not a probe; use http:PATH, tcp, nats, redis, postgres or pulsar"
            ))
        }
    };
    Ok(HealthArg { kind, path: None })
}

/// What `arc new service` was asked for.
#[derive(Debug, Clone)]
pub(crate) struct NewService {
    /// The service's name (its directory).
    pub name: String,
    /// The platform codename.
    pub codename: Option<String>,
    /// One line on what it is.
    pub description: Option<String>,
    /// The upstream image.
    pub image: String,
    /// Its ports; the first is the health probe's.
    pub ports: Vec<PortArg>,
    /// The probe.
    pub health: HealthArg,
    /// Services that must be healthy first.
    pub depends_on: Vec<String>,
    /// Profiles it joins.
    pub profiles: Vec<String>,
    /// The process runtime's command, split into words.
    pub native_command: Vec<String>,
}

/// Whether a file is new or changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Action {
    /// Written where there was no file.
    Create,
    /// An existing file, changed.
    Update,
}

/// One file the plan writes.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Change {
    /// Relative to the project.
    pub path: String,
    /// New or changed.
    pub action: Action,
    /// The whole new text.
    pub content: String,
    /// The text it replaces (updates only).
    #[serde(skip)]
    pub before: Option<String>,
}

impl Change {
    /// What `--dry-run` shows: a new file whole; for a changed one, its removed (`- `) and added
    /// (`+ `) lines.
    pub(crate) fn shown_lines(&self) -> Vec<String> {
        let Some(before) = &self.before else {
            return self.content.lines().map(str::to_owned).collect();
        };
        let (a, b): (Vec<&str>, Vec<&str>) =
            (before.lines().collect(), self.content.lines().collect());
        // The longest common subsequence of lines; the files are small.
        let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
        for i in (0..a.len()).rev() {
            for j in (0..b.len()).rev() {
                lcs[i][j] = if a[i] == b[j] {
                    lcs[i + 1][j + 1] + 1
                } else {
                    lcs[i + 1][j].max(lcs[i][j + 1])
                };
            }
        }
        let (mut i, mut j, mut out) = (0, 0, Vec::new());
        while i < a.len() || j < b.len() {
            if i < a.len() && j < b.len() && a[i] == b[j] {
                i += 1;
                j += 1;
            } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
                out.push(format!("- {}", a[i]));
                i += 1;
            } else {
                out.push(format!("+ {}", b[j]));
                j += 1;
            }
        }
        out
    }
}

/// Everything `arc new service` would write, checked.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    /// The files, in the order they are written.
    pub changes: Vec<Change>,
    /// What it left out, and why (a project without a Makefile or an image workflow).
    pub notes: Vec<String>,
}

/// The variables of `service.yaml.j2` and `Dockerfile.j2`.
#[derive(Serialize)]
struct NewContext<'a> {
    name: &'a str,
    codename: Option<&'a str>,
    title: String,
    description: String,
    image: &'a str,
    container_command: Option<Vec<String>>,
    user: &'static str,
    ports: &'a [PortArg],
    health: HealthContext<'a>,
    depends_on: &'a [String],
    native_command: &'a [String],
    exports: BTreeMap<String, String>,
}

#[derive(Serialize)]
struct HealthContext<'a> {
    kind: &'static str,
    target: &'a str,
    path: Option<&'a str>,
}

fn refused(message: impl Into<String>, hint: impl Into<Option<String>>) -> ScaffoldError {
    ScaffoldError::Refused {
        message: message.into(),
        hint: hint.into(),
    }
}

/// The command inside the container: the native one with the container ports, `0.0.0.0` for
/// `{host}` and the name for `{service}`; `None` when it needs `{data}` or `{env.…}`, which only
/// the host has.
fn container_command(req: &NewService) -> Option<Vec<String>> {
    let ok = std::cell::Cell::new(true);
    let cmd = req
        .native_command
        .iter()
        .map(|a| {
            crate::spec::expand_placeholders(a, |key| {
                let v = match key.split_once('.') {
                    Some(("port", n)) => req
                        .ports
                        .iter()
                        .find(|p| p.name == n)
                        .map(|p| p.container.to_string()),
                    None if key == "host" => Some("0.0.0.0".to_owned()),
                    None if key == "service" => Some(req.name.clone()),
                    _ => None,
                };
                ok.set(ok.get() && v.is_some());
                v
            })
        })
        .collect();
    ok.get().then_some(cmd)
}

/// Renders and checks everything `arc new service` writes in `project`; `overlays` take part in
/// the final validation as they do in `arc config validate`.
pub(crate) fn plan(
    project: &Path,
    overlays: &[PathBuf],
    templates: &Templates,
    req: &NewService,
) -> Result<Plan, ScaffoldError> {
    let base = Catalog::load(Some(project), &[])?;
    let name = req.name.as_str();
    let file_of = |s: &ServiceSpec| {
        base.files
            .get(&s.name)
            .cloned()
            .unwrap_or_else(|| format!("services/{}/service.yaml", s.name))
    };

    // The name and codename.
    for (what, n) in
        std::iter::once(("service", name)).chain(req.codename.as_deref().map(|c| ("codename", c)))
    {
        if let Some(s) = base.services.iter().find(|s| s.answers_to(n)) {
            let whose = if s.name == n {
                "a service".to_owned()
            } else {
                format!("the codename of service `{}`", s.name)
            };
            return Err(refused(
                format!(
                    "{what} `{n}` already exists: it is {whose} ({})",
                    file_of(s)
                ),
                Some("choose another name; `arc services ls` lists the services".to_owned()),
            ));
        }
    }
    let dir = format!("services/{name}");
    if project.join(&dir).exists() {
        return Err(refused(
            format!("`{dir}/` already exists (with no service.yaml)"),
            Some(format!("choose another name, or remove `{dir}/`")),
        ));
    }
    // Dependencies and profiles.
    for dep in &req.depends_on {
        if !base.services.iter().any(|s| s.answers_to(dep)) {
            return Err(refused(
                format!(
                    "unknown dependency `{dep}` (--depends-on); known: {}",
                    crate::spec::known_services(&base.services)
                ),
                None,
            ));
        }
    }
    for p in &req.profiles {
        if !base.profiles.contains_key(p) {
            return Err(refused(
                format!(
                    "unknown profile `{p}` (--profile); known: {}",
                    base.profiles
                        .keys()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                Some("`arc profiles ls` lists them".to_owned()),
            ));
        }
    }
    // Host ports: each is the published port and the native one.
    let mut mine: BTreeMap<u16, &str> = BTreeMap::new();
    for p in &req.ports {
        if let Some(other) = mine.insert(p.host, &p.name) {
            return Err(refused(
                format!(
                    "host port {} is given twice (ports `{other}` and `{}`)",
                    p.host, p.name
                ),
                None,
            ));
        }
        for s in &base.services {
            if let Some(theirs) = s.ports.iter().find(|q| q.native_port() == p.host) {
                return Err(refused(
                    format!(
                        "host port {} (--port {}) is taken by service `{}` (port `{}`, {})",
                        p.host,
                        p.name,
                        s.name,
                        theirs.name,
                        file_of(s)
                    ),
                    Some(format!(
                        "give another host port: --port {}:{}:HOST",
                        p.name, p.container
                    )),
                ));
            }
        }
    }
    let first = req.ports.first().ok_or_else(|| {
        refused(
            "a service needs at least one --port (its health probe's)",
            None,
        )
    })?;

    // The make targets must not clash with the root Makefile's or another service's.
    let target = req.codename.as_deref().unwrap_or(name);
    let mk = format!("{dir}/{target}.mk");
    let makefile = read_optional(&project.join("Makefile"))?;
    let mut make_sources: Vec<(String, String)> = Vec::new();
    if let Some(text) = &makefile {
        make_sources.push(("Makefile".to_owned(), text.clone()));
    }
    for s in &base.services {
        let (_, other) = super::makefile_of(s);
        if let Some(text) = read_optional(&project.join(&other))? {
            make_sources.push((other, text));
        }
    }
    for suffix in ["up", "down", "health", "logs", "build"] {
        let t = format!("{target}-{suffix}:");
        if let Some((file, _)) = make_sources
            .iter()
            .find(|(_, text)| text.lines().any(|l| l.starts_with(&t)))
        {
            return Err(refused(
                format!("the make target `{target}-{suffix}` is already defined in {file}"),
                Some("choose another name or codename".to_owned()),
            ));
        }
    }

    // The new files.
    let description = req
        .description
        .clone()
        .unwrap_or_else(|| format!("{name} on {}", req.image));
    let mut exports = BTreeMap::new();
    if req.health.kind == ProbeKind::Http {
        exports.insert(
            format!("ARC_{}_URL", name.to_ascii_uppercase().replace('-', "_")),
            format!("http://{{host}}:{{port.{}}}", first.name),
        );
    }
    let ctx = NewContext {
        name,
        codename: req.codename.as_deref(),
        title: title(req.codename.as_deref(), name),
        description,
        image: &req.image,
        container_command: container_command(req),
        user: "1000:1000",
        ports: &req.ports,
        health: HealthContext {
            kind: req.health.kind.as_str(),
            target: &first.name,
            path: req.health.path.as_deref(),
        },
        depends_on: &req.depends_on,
        native_command: &req.native_command,
        exports,
    };
    let service_yaml = templates.render(SERVICE, &ctx)?;
    let dockerfile = templates.render(DOCKERFILE, &ctx)?;
    let service_rel = format!("{dir}/service.yaml");

    // The edits.
    let mut notes = Vec::new();
    let mut updates: Vec<Change> = Vec::new();
    let profiles_before =
        std::fs::read_to_string(project.join("profiles.yaml")).map_err(|source| {
            ScaffoldError::Read {
                path: project.join("profiles.yaml"),
                source,
            }
        })?;
    let mut profiles = profiles_before.clone();
    for p in &req.profiles {
        profiles = edit::add_to_profile(&profiles, p, name).map_err(|why| {
            refused(
                format!("cannot add `{name}` to the profile `{p}` in profiles.yaml: {why}"),
                Some(format!(
                    "add it by hand after `arc new service` without --profile {p}"
                )),
            )
        })?;
    }
    if !req.profiles.is_empty() {
        updates.push(update("profiles.yaml", profiles_before, profiles.clone()));
    }
    match makefile {
        Some(text) => {
            let new = edit::add_include(&text, &mk);
            updates.push(update("Makefile", text, new));
        }
        None => notes.push(format!(
            "this project has no Makefile: include {mk} from yours to use its targets"
        )),
    }
    match read_optional(&project.join(IMAGE_WORKFLOW))? {
        Some(text) => {
            let new = edit::add_to_image_workflow(&text, name).map_err(|why| {
                refused(
                    format!("cannot add `{name}` to the image workflow {IMAGE_WORKFLOW}: {why}"),
                    Some("restore the service list there (see the stock workflow)".to_owned()),
                )
            })?;
            updates.push(update(IMAGE_WORKFLOW, text, new));
        }
        None => notes.push(format!(
            "this project has no {IMAGE_WORKFLOW}: no image workflow builds `{name}`"
        )),
    }

    // What `arc config validate` would say: the committed files, then with the overlays.
    let changes = vec![
        (service_rel.clone(), service_yaml.clone()),
        ("profiles.yaml".to_owned(), profiles),
    ];
    let catalog = Catalog::load_with(project, &[], &changes).map_err(ScaffoldError::Invalid)?;
    if !overlays.is_empty() {
        Catalog::load_with(project, overlays, &changes).map_err(ScaffoldError::Invalid)?;
    }
    let spec = catalog.service(name)?;
    let compose = render_compose(templates, &[spec], true, &catalog.services)?;
    let make_targets = render_makefile(templates, spec)?;

    let mut out: Vec<Change> = [
        (service_rel, service_yaml),
        (format!("{dir}/Dockerfile"), dockerfile),
        (format!("{dir}/docker-compose.yml"), compose),
        (mk, make_targets),
    ]
    .into_iter()
    .map(|(path, content)| Change {
        path,
        action: Action::Create,
        content,
        before: None,
    })
    .collect();
    out.extend(updates);
    Ok(Plan {
        changes: out,
        notes,
    })
}

fn update(path: &str, before: String, content: String) -> Change {
    Change {
        path: path.to_owned(),
        action: Action::Update,
        content,
        before: Some(before),
    }
}

fn read_optional(path: &Path) -> Result<Option<String>, ScaffoldError> {
    match std::fs::read_to_string(path) {
        Ok(t) => Ok(Some(t)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(ScaffoldError::Read {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Writes `plan` in `project`. When a write fails, what was written is undone (new files and
/// the service directory removed, changed files restored) and the error returned.
pub(crate) fn apply(project: &Path, plan: &Plan) -> Result<(), ScaffoldError> {
    let mut done: Vec<&Change> = Vec::new();
    let mut made_dirs: Vec<PathBuf> = Vec::new();
    let result = (|| {
        for c in &plan.changes {
            let path = project.join(&c.path);
            if let Some(parent) = path.parent() {
                if !parent.exists() {
                    std::fs::create_dir_all(parent).map_err(|source| ScaffoldError::Write {
                        path: parent.to_path_buf(),
                        source,
                    })?;
                    made_dirs.push(parent.to_path_buf());
                }
            }
            std::fs::write(&path, &c.content)
                .map_err(|source| ScaffoldError::Write { path, source })?;
            done.push(c);
        }
        Ok(())
    })();
    if result.is_err() {
        for c in done.iter().rev() {
            let path = project.join(&c.path);
            let _ = match &c.before {
                Some(before) => std::fs::write(&path, before),
                None => std::fs::remove_file(&path),
            };
        }
        for d in made_dirs.iter().rev() {
            let _ = std::fs::remove_dir(d);
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ports_and_probes() {
        assert_eq!(
            parse_port("http:8000").unwrap(),
            PortArg {
                name: "http".into(),
                container: 8000,
                host: 8000
            }
        );
        assert_eq!(parse_port("http:8000:18000").unwrap().host, 18000);
        assert_eq!(
            parse_port("http").unwrap_err(),
            "expected NAME:CONTAINER[:HOST] (e.g. `http:8000:18000`), got `http`"
        );
        assert_eq!(
            parse_port("http:0").unwrap_err(),
            "`0` is not a container port (1 to 65535) in `http:0`"
        );
        assert_eq!(
            parse_health("http:/healthz").unwrap(),
            HealthArg {
                kind: ProbeKind::Http,
                path: Some("/healthz".into())
            }
        );
        assert_eq!(parse_health("redis").unwrap().kind, ProbeKind::Redis);
        assert!(parse_health("grpc")
            .unwrap_err()
            .starts_with("`grpc` is not a probe"));
    }
}
