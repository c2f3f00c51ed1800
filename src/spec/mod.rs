//! The declarative model: `services/*/service.yaml`, `profiles.yaml` and overlays.
//!
//! Owns the types, loading (project directory or the stock files embedded in the binary),
//! overlay merging and validation with file:line:column diagnostics. It never starts anything.

pub(crate) mod duration;
mod error;
mod locate;
mod overlay;
mod profile;
mod replicas;
mod service;
pub(crate) mod size;
mod suggest;
mod validate;

pub(crate) use validate::find_cycle;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use error::{Diagnostic, SpecError};
pub use overlay::Overlay;
pub(crate) use profile::ProfileSpec;
pub use profile::ProfilesFile;
pub(crate) use replicas::{fronted_exports, join_exports, placeholder_list_keys};
pub use service::ServiceSpec;
pub(crate) use service::{expand_placeholders, PortSpec, ProbeKind, ProvisionKind, Replica};

use locate::Positions;

/// The stock files, embedded so an installed `arc` works outside a checkout.
const EMBEDDED: &[(&str, &str)] = &[
    ("profiles.yaml", include_str!("../../profiles.yaml")),
    (
        "services/messaging/service.yaml",
        include_str!("../../services/messaging/service.yaml"),
    ),
    (
        "services/streaming/service.yaml",
        include_str!("../../services/streaming/service.yaml"),
    ),
    (
        "services/cache/service.yaml",
        include_str!("../../services/cache/service.yaml"),
    ),
    (
        "services/logstore/service.yaml",
        include_str!("../../services/logstore/service.yaml"),
    ),
    (
        "services/pipeline/service.yaml",
        include_str!("../../services/pipeline/service.yaml"),
    ),
    (
        "services/gateway/service.yaml",
        include_str!("../../services/gateway/service.yaml"),
    ),
    (
        "services/otel/service.yaml",
        include_str!("../../services/otel/service.yaml"),
    ),
    (
        "services/nats-exporter/service.yaml",
        include_str!("../../services/nats-exporter/service.yaml"),
    ),
    (
        "services/redis-exporter/service.yaml",
        include_str!("../../services/redis-exporter/service.yaml"),
    ),
];

/// Provisioning files other commands read (`arc streams apply`), embedded like the rest.
const PROVISIONING: &[(&str, &str)] = &[
    (
        "services/messaging/streams.yaml",
        include_str!("../../services/messaging/streams.yaml"),
    ),
    (
        "services/streaming/topics.yaml",
        include_str!("../../services/streaming/topics.yaml"),
    ),
];

/// A stock file by its path in the project (`services/messaging/streams.yaml`): read from the
/// project directory when there is one, else the copy built into arc. Returns the name to show
/// in errors and the text.
pub(crate) fn stock_file(project: Option<&Path>, rel: &str) -> Result<(String, String), SpecError> {
    if let Some(dir) = project {
        let path = dir.join(rel);
        return std::fs::read_to_string(&path)
            .map(|t| (rel.to_owned(), t))
            .map_err(|source| SpecError::Read { path, source });
    }
    PROVISIONING
        .iter()
        .find(|(name, _)| *name == rel)
        .map(|(name, text)| (format!("<embedded>/{name}"), (*text).to_owned()))
        .ok_or_else(|| SpecError::Read {
            path: PathBuf::from(rel),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "not built into arc"),
        })
}

/// Parses a YAML document into `T`; errors carry file, line, column and field.
pub fn parse_document<T: serde::de::DeserializeOwned>(
    name: &str,
    text: &str,
) -> Result<T, SpecError> {
    let mut diags = Vec::new();
    let src = Source {
        name: name.to_owned(),
        text: text.to_owned(),
    };
    parse(&src, &mut diags).ok_or(SpecError::Invalid(diags))
}

/// Like [`parse_document`], then `check` finds what serde cannot see one value at a time
/// (duplicates, empty lists): each `(field path, message)` it returns becomes a diagnostic at
/// that field's line and column.
pub(crate) fn parse_checked<T: serde::de::DeserializeOwned>(
    name: &str,
    text: &str,
    check: impl FnOnce(&T) -> Vec<(String, String)>,
) -> Result<T, SpecError> {
    let value = parse_document(name, text)?;
    let problems = check(&value);
    if problems.is_empty() {
        return Ok(value);
    }
    let src = Source {
        name: name.to_owned(),
        text: text.to_owned(),
    };
    let positions = Positions::index(text);
    Err(SpecError::Invalid(
        problems
            .into_iter()
            .map(|(field, message)| diag(&src, &positions, &field, message))
            .collect(),
    ))
}

/// Where the declarative files came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A project directory on disk.
    Project(PathBuf),
    /// The stock files inside the binary.
    Embedded,
}

/// Everything arc knows about the services and profiles, overlays applied and validated.
#[derive(Debug, Clone)]
pub struct Catalog {
    /// Services sorted by name.
    pub services: Vec<ServiceSpec>,
    /// Profiles by name.
    pub profiles: BTreeMap<String, ProfileSpec>,
    /// The profile `arc up` uses when given no names.
    pub default_profile: String,
    /// Where the files came from.
    pub origin: Origin,
    /// The file each service was read from, as shown to people.
    pub files: BTreeMap<String, String>,
}

/// One text to parse: its display name and contents.
struct Source {
    name: String,
    text: String,
}

impl Catalog {
    /// Loads the project directory (or the embedded stock files when `project` is `None`), then
    /// the overlays in order, and validates the result.
    pub fn load(project: Option<&Path>, overlays: &[PathBuf]) -> Result<Self, SpecError> {
        let (origin, profiles_src, service_srcs) = match project {
            Some(dir) => {
                let (p, s) = read_project(dir)?;
                (Origin::Project(dir.to_path_buf()), p, s)
            }
            None => {
                let (p, s) = embedded();
                (Origin::Embedded, p, s)
            }
        };
        Self::load_sources(origin, &profiles_src, &service_srcs, overlays)
    }

    /// The catalog the project would have once `changes` are written: each a path relative to
    /// the project (`profiles.yaml`, `services/NAME/service.yaml`) and its new text, replacing
    /// the file on disk or adding one. Diagnostics name those paths, with the lines of the new
    /// texts. Nothing is written.
    pub fn load_with(
        project: &Path,
        overlays: &[PathBuf],
        changes: &[(String, String)],
    ) -> Result<Self, SpecError> {
        let (mut profiles_src, mut service_srcs) = read_project(project)?;
        for (rel, text) in changes {
            let src = Source {
                name: rel.clone(),
                text: text.clone(),
            };
            if rel == "profiles.yaml" {
                profiles_src = src;
            } else if rel.starts_with("services/") && rel.ends_with("/service.yaml") {
                match service_srcs.iter_mut().find(|s| s.name == *rel) {
                    Some(old) => *old = src,
                    None => service_srcs.push(src),
                }
            }
        }
        service_srcs.sort_by(|a, b| a.name.cmp(&b.name));
        Self::load_sources(
            Origin::Project(project.to_path_buf()),
            &profiles_src,
            &service_srcs,
            overlays,
        )
    }

    fn load_sources(
        origin: Origin,
        profiles_src: &Source,
        service_srcs: &[Source],
        overlays: &[PathBuf],
    ) -> Result<Self, SpecError> {
        let mut overlay_srcs = Vec::new();
        for path in overlays {
            let text = std::fs::read_to_string(path).map_err(|source| SpecError::Read {
                path: path.clone(),
                source,
            })?;
            overlay_srcs.push(Source {
                name: path.display().to_string(),
                text,
            });
        }
        Self::from_sources(origin, profiles_src, service_srcs, &overlay_srcs)
    }

    fn from_sources(
        origin: Origin,
        profiles_src: &Source,
        service_srcs: &[Source],
        overlay_srcs: &[Source],
    ) -> Result<Self, SpecError> {
        let mut diags = Vec::new();
        let mut services = Vec::new();
        let mut files = BTreeMap::new();
        let mut positions = BTreeMap::new();
        for src in service_srcs {
            if let Some(spec) = parse::<ServiceSpec>(src, &mut diags) {
                let dir = Path::new(&src.name)
                    .parent()
                    .and_then(Path::file_name)
                    .map(|d| d.to_string_lossy().into_owned())
                    .unwrap_or_default();
                if spec.name != dir {
                    diags.push(diag(
                        src,
                        &Positions::index(&src.text),
                        "name",
                        format!(
                            "`{}` does not match its directory `{dir}`; a service is named after its directory",
                            spec.name
                        ),
                    ));
                }
                files.insert(spec.name.clone(), src.name.clone());
                positions.insert(
                    spec.name.clone(),
                    vec![Written {
                        file: src.name.clone(),
                        positions: Positions::index(&src.text),
                        prefix: String::new(),
                        ports: Vec::new(),
                    }],
                );
                services.push(spec);
            }
        }
        let profiles_file = parse::<ProfilesFile>(profiles_src, &mut diags);
        let overlays: Vec<(&Source, Overlay)> = overlay_srcs
            .iter()
            .filter_map(|src| parse::<Overlay>(src, &mut diags).map(|o| (src, o)))
            .collect();
        if !diags.is_empty() {
            return Err(SpecError::Invalid(diags));
        }
        let Some(mut profiles_file) = profiles_file else {
            return Err(SpecError::Invalid(diags));
        };
        services.sort_by(|a, b| a.name.cmp(&b.name));

        // Where each profile and the default were last written: an overlay (its index), or
        // profiles.yaml when absent.
        let mut profile_origin: BTreeMap<String, usize> = BTreeMap::new();
        let mut default_origin = None;
        let mut overlay_pos = Vec::new();
        for (n, (src, overlay)) in overlays.into_iter().enumerate() {
            let pos = Positions::index(&src.text);
            for (key, patch) in overlay.services {
                match services.iter_mut().find(|s| s.answers_to(&key)) {
                    Some(spec) => {
                        let prefix = format!("services.{key}.");
                        let applied = patch.apply(spec);
                        for (field, message) in applied.problems {
                            diags.push(diag(src, &pos, &format!("{prefix}{field}"), message));
                        }
                        positions
                            .entry(spec.name.clone())
                            .or_default()
                            .push(Written {
                                file: src.name.clone(),
                                positions: pos.clone(),
                                prefix,
                                ports: applied.ports,
                            });
                    }
                    None => diags.push(diag(
                        src,
                        &pos,
                        &format!("services.{key}"),
                        format!(
                            "unknown service `{key}`{}; known: {}; an overlay changes services, a new one is a new `services/<dir>/service.yaml`",
                            suggest::hint(&key, service_names(&services)),
                            known_services(&services)
                        ),
                    )),
                }
            }
            for name in overlay.profiles.keys() {
                profile_origin.insert(name.clone(), n);
            }
            profiles_file.profiles.extend(overlay.profiles);
            if let Some(default) = overlay.default {
                profiles_file.default = default;
                default_origin = Some(n);
            }
            overlay_pos.push((src.name.clone(), pos));
        }

        // Instances of replicated services, located (for errors) where their service is written.
        let mut aliases: Vec<(String, String)> = Vec::new();
        let services = replicas::expand(
            services,
            &mut diags,
            &|service, field| locate_field(&positions, service, field),
            &mut |instance, service| aliases.push((instance.to_owned(), service.to_owned())),
        );
        for (instance, service) in aliases {
            if let Some(p) = positions.get(&service).cloned() {
                positions.insert(instance.clone(), p);
            }
            if let Some(f) = files.get(&service).cloned() {
                files.insert(instance, f);
            }
        }
        let services = replicas::with_others(services);
        let catalog = Self {
            services,
            profiles: profiles_file.profiles,
            default_profile: profiles_file.default,
            origin,
            files,
        };
        let profiles_pos = Positions::index(&profiles_src.text);
        validate::check(
            &catalog,
            &mut diags,
            &|service, field| locate_field(&positions, service, field),
            &|field| {
                // `default`, or `profiles.NAME…`: in the overlay that wrote it last, if one did.
                let origin = if field == "default" {
                    default_origin
                } else {
                    field
                        .strip_prefix("profiles.")
                        .map(|rest| rest.split(['.', '[']).next().unwrap_or(rest))
                        .and_then(|name| profile_origin.get(name).copied())
                };
                let (file, pos) = match origin {
                    Some(n) => (&overlay_pos[n].0, &overlay_pos[n].1),
                    None => (&profiles_src.name, &profiles_pos),
                };
                let (line, column) = pos.find(field).unzip();
                (file.clone(), line, column, field.to_owned())
            },
        );
        if diags.is_empty() {
            Ok(catalog)
        } else {
            Err(SpecError::Invalid(diags))
        }
    }

    /// The service called `name` (name or codename); for a replicated service, its first
    /// instance.
    pub fn service(&self, name: &str) -> Result<&ServiceSpec, SpecError> {
        self.services
            .iter()
            .find(|s| s.answers_to(name))
            .or_else(|| self.services.iter().find(|s| s.belongs_to(name)))
            .ok_or_else(|| SpecError::Unknown {
                what: "service",
                name: name.to_owned(),
                known: known_services(&self.services),
            })
    }

    /// The service called `name`, or every instance of the replicated service called `name`.
    pub fn members(&self, name: &str) -> Result<Vec<&ServiceSpec>, SpecError> {
        let found: Vec<&ServiceSpec> = match self.services.iter().find(|s| s.answers_to(name)) {
            Some(one) => vec![one],
            None => self
                .services
                .iter()
                .filter(|s| s.belongs_to(name))
                .collect(),
        };
        if found.is_empty() {
            return Err(SpecError::Unknown {
                what: "service",
                name: name.to_owned(),
                known: known_services(&self.services),
            });
        }
        Ok(found)
    }

    /// The services named by `targets`: each a profile or a service (a replicated service
    /// means all its instances). Empty means the default profile. Order follows the catalog;
    /// duplicates are dropped.
    pub fn select(&self, targets: &[String]) -> Result<Vec<&ServiceSpec>, SpecError> {
        let default = [self.default_profile.clone()];
        let targets = if targets.is_empty() {
            &default[..]
        } else {
            targets
        };
        let mut names = Vec::new();
        for t in targets {
            if let Some(p) = self.profiles.get(t) {
                for s in &p.services {
                    names.extend(self.members(s)?.into_iter().map(|m| m.name.clone()));
                }
            } else if let Ok(members) = self.members(t) {
                names.extend(members.into_iter().map(|m| m.name.clone()));
            } else {
                return Err(SpecError::Unknown {
                    what: "profile or service",
                    name: t.clone(),
                    known: format!(
                        "profiles {}; services {}",
                        self.profiles
                            .keys()
                            .map(|k| format!("`{k}`"))
                            .collect::<Vec<_>>()
                            .join(", "),
                        known_services(&self.services)
                    ),
                });
            }
        }
        Ok(self
            .services
            .iter()
            .filter(|s| names.contains(&s.name))
            .collect())
    }
}

/// Every name and codename a service answers to, for a "did you mean".
pub(crate) fn service_names(services: &[ServiceSpec]) -> impl Iterator<Item = &str> {
    services
        .iter()
        .flat_map(|s| std::iter::once(s.name.as_str()).chain(s.codename.as_deref()))
}

/// The services by name (and codename), for a message that lists what there is.
pub(crate) fn known_services(services: &[ServiceSpec]) -> String {
    services
        .iter()
        .map(|s| match &s.codename {
            Some(c) => format!("`{}` ({c})", s.name),
            None => format!("`{}`", s.name),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Where a field was written: the file, line and column, and the field's path as that file
/// writes it (a port's index is its place in the overlay's `ports`).
type Located = (String, Option<usize>, Option<usize>, String);

/// One file that wrote (part of) a service: the service.yaml, then each overlay patching it.
#[derive(Debug, Clone)]
struct Written {
    /// The file, as shown to people.
    file: String,
    /// Where its fields are.
    positions: Positions,
    /// The path of the service's fields in it: empty in service.yaml, `services.KEY.` in an
    /// overlay.
    prefix: String,
    /// The ports an overlay wrote: (index in the service, index in the overlay's `ports`).
    ports: Vec<(usize, usize)>,
}

fn locate_field(positions: &BTreeMap<String, Vec<Written>>, service: &str, field: &str) -> Located {
    let Some(sources) = positions.get(service) else {
        return (service.to_owned(), None, None, field.to_owned());
    };
    // The newest overlay that sets the field wins; else the stock file, nearest ancestor.
    for w in sources.iter().skip(1).rev() {
        // `ports[i]` is the service's i-th port: in an overlay, the entry that wrote that port
        // (the overlay lists ports by name, in its own order), if it wrote it at all.
        let written = match port_index(field) {
            Some((i, rest)) => match w.ports.iter().find(|(at, _)| *at == i) {
                Some((_, j)) => format!("ports[{j}]{rest}"),
                None => continue,
            },
            None => field.to_owned(),
        };
        let full = format!("{}{written}", w.prefix);
        if let Some((line, col)) = w
            .positions
            .find_below(&full, w.prefix.trim_end_matches('.'))
        {
            return (w.file.clone(), Some(line), Some(col), written);
        }
    }
    let stock = &sources[0];
    let (line, column) = stock.positions.find(field).unzip();
    (stock.file.clone(), line, column, field.to_owned())
}

/// `ports[3].host` as (3, `.host`).
fn port_index(field: &str) -> Option<(usize, &str)> {
    let rest = field.strip_prefix("ports[")?;
    let (index, rest) = rest.split_once(']')?;
    Some((index.parse().ok()?, rest))
}

fn diag(src: &Source, pos: &Positions, field: &str, message: String) -> Diagnostic {
    let (line, column) = pos.find(field).unzip();
    Diagnostic {
        file: src.name.clone(),
        line,
        column,
        field: field.to_owned(),
        message,
    }
}

/// Parses one document, turning a serde error into a diagnostic with its position and path.
fn parse<T: serde::de::DeserializeOwned>(src: &Source, diags: &mut Vec<Diagnostic>) -> Option<T> {
    // libyaml counts a byte order mark as a column of the first line: a top-level mapping would
    // start in column 2 and end at the next line's key, and the rest read as a second document.
    let text = src.text.strip_prefix('\u{feff}').unwrap_or(&src.text);
    let de = serde_yaml_ng::Deserializer::from_str(text);
    match serde_path_to_error::deserialize::<_, T>(de) {
        Ok(v) => {
            let dups = Positions::index(&src.text);
            if dups.duplicates().is_empty() {
                return Some(v);
            }
            for (field, line, column) in dups.duplicates() {
                diags.push(Diagnostic {
                    file: src.name.clone(),
                    line: Some(*line),
                    column: Some(*column),
                    field: field.clone(),
                    message: "this key is written twice in the same mapping; keep one".into(),
                });
            }
            None
        }
        Err(err) => {
            let field = err.path().to_string();
            let inner = err.into_inner();
            let (line, column) = inner
                .location()
                .map(|l| (l.line(), l.column()))
                .or_else(|| locate::fallback_position(text))
                .map(|(line, column)| within_text(&src.text, line, column))
                .unzip();
            let mut message = strip_positions(&inner.to_string());
            // libyaml's message may start with (part of) the path we print anyway.
            if let Some((head, rest)) = message.split_once(": ") {
                if !head.is_empty() && field.starts_with(head) {
                    message = rest.to_owned();
                }
            }
            message = with_suggestion(message);
            diags.push(Diagnostic {
                file: src.name.clone(),
                line,
                column,
                // `?`: serde_path_to_error does not know where (a syntax error).
                field: if field == "." || field == "?" {
                    String::new()
                } else {
                    field
                },
                message,
            });
            None
        }
    }
}

/// serde's "unknown field `imag`, expected one of `image`, …" (or "unknown variant") with
/// "(did you mean `image`?)" after the name, when one of the expected names is close.
fn with_suggestion(message: String) -> String {
    let suggestion = ["unknown field `", "unknown variant `"]
        .iter()
        .find_map(|head| {
            let rest = message.strip_prefix(head)?;
            let (name, expected) = rest.split_once('`')?;
            let expected = expected.strip_prefix(", expected ")?;
            let names = expected.split('`').skip(1).step_by(2);
            let hint = suggest::hint(name, names);
            (!hint.is_empty()).then(|| (head.len() + name.len() + 1, hint))
        });
    match suggestion {
        Some((at, hint)) => format!("{}{hint}{}", &message[..at], &message[at..]),
        None => message,
    }
}

/// `message` without the ` at line L column C` that libyaml and serde_yaml_ng write into it,
/// each of them: the diagnostic has its own position (a syntax error's message holds two, the
/// problem's and its context's).
fn strip_positions(message: &str) -> String {
    const AT: &str = " at line ";
    let digits = |s: &str| s.len() - s.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(i) = rest.find(AT) {
        out.push_str(&rest[..i]);
        let after = &rest[i + AT.len()..];
        let n = digits(after);
        match after[n..].strip_prefix(" column ") {
            Some(col) if n > 0 && digits(col) > 0 => rest = &col[digits(col)..],
            _ => {
                out.push_str(AT);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// libyaml puts the end of a text that does not end in a line break (where "missing field" and
/// "unexpected end" errors are) on a line of its own, one past the last: such a position becomes
/// the end of the last line. Lines are counted as libyaml counts them (CR LF, CR, LF, NEL, LS and
/// PS each end one); columns are characters after a byte order mark, 1-based.
fn within_text(text: &str, line: usize, column: usize) -> (usize, usize) {
    let (mut lines, mut last_len) = (1, 0);
    let mut chars = text
        .strip_prefix('\u{feff}')
        .unwrap_or(text)
        .chars()
        .peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() == Some(&'\n') {
            chars.next();
        }
        if matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}') {
            lines += 1;
            last_len = 0;
        } else {
            last_len += 1;
        }
    }
    if line > lines {
        (lines, last_len + 1)
    } else {
        (line, column)
    }
}

fn embedded() -> (Source, Vec<Source>) {
    let mut profiles = None;
    let mut services = Vec::new();
    for (name, text) in EMBEDDED {
        let src = Source {
            name: format!("<embedded>/{name}"),
            text: (*text).to_owned(),
        };
        if *name == "profiles.yaml" {
            profiles = Some(src);
        } else {
            services.push(src);
        }
    }
    (
        profiles.unwrap_or(Source {
            name: "<embedded>/profiles.yaml".into(),
            text: String::new(),
        }),
        services,
    )
}

fn read_project(dir: &Path) -> Result<(Source, Vec<Source>), SpecError> {
    let read = |path: PathBuf| {
        std::fs::read_to_string(&path)
            .map(|text| Source {
                name: path
                    .strip_prefix(dir)
                    .unwrap_or(&path)
                    .display()
                    .to_string(),
                text,
            })
            .map_err(|source| SpecError::Read { path, source })
    };
    let profiles = read(dir.join("profiles.yaml"))?;
    let services_dir = dir.join("services");
    let entries = std::fs::read_dir(&services_dir).map_err(|source| SpecError::Read {
        path: services_dir.clone(),
        source,
    })?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path().join("service.yaml"))
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    let services = paths.into_iter().map(read).collect::<Result<_, _>>()?;
    Ok((profiles, services))
}

/// The project directory: `start` or its nearest ancestor holding `profiles.yaml` and
/// `services/`.
pub fn find_project_dir(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|d| d.join("profiles.yaml").is_file() && d.join("services").is_dir())
        .map(Path::to_path_buf)
}

#[cfg(test)]
mod tests;
