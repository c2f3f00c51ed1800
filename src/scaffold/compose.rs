//! What `templates/docker-compose.yml.j2` and `templates/service.mk.j2` are given for one
//! service: its service.yaml resolved into the compose file's terms (image or thin build,
//! published ports, mounts, health test, environment with the dependencies' endpoints).

use std::collections::BTreeMap;

use serde::Serialize;

use super::{ScaffoldError, Templates, COMPOSE, MAKEFILE};
use crate::runtime::docker::NETWORK;
use crate::spec::ServiceSpec;

/// The variables of `docker-compose.yml.j2`: the containers of one service directory (one,
/// or every instance of a replicated service), their named volumes, the network.
#[derive(Serialize)]
struct ComposeContext {
    services: Vec<ServiceContext>,
    named_volumes: Vec<String>,
    network: &'static str,
}

/// One container of the compose file.
#[derive(Serialize)]
struct ServiceContext {
    name: String,
    container_name: String,
    build: Option<Build>,
    image: String,
    command: Vec<String>,
    user: Option<String>,
    environment: BTreeMap<String, String>,
    ports: Vec<String>,
    volumes: Vec<String>,
    healthcheck: Option<Health>,
    labels: BTreeMap<String, String>,
}

/// `here`: the thin image of the service directory (`build: .`); else a context elsewhere.
#[derive(Serialize)]
struct Build {
    here: bool,
    context: Option<String>,
    dockerfile: Option<String>,
    target: Option<String>,
    args: BTreeMap<String, String>,
}

#[derive(Serialize)]
struct Health {
    test: Vec<String>,
    interval: String,
    timeout: String,
    retries: u32,
    start_period: String,
}

/// Compose's duration form (`1500ms`, `60s`).
fn dur(d: std::time::Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{}s", d.as_secs())
    } else {
        format!("{}ms", d.as_millis())
    }
}

/// The dependencies' endpoints (as containers on the platform network reach them) and the
/// service's own environment, with `{secret.NAME}` left to the shell: `${VAR}`.
fn environment(spec: &ServiceSpec, all: &[ServiceSpec]) -> BTreeMap<String, String> {
    let mut env: BTreeMap<String, String> = spec
        .env
        .iter()
        .map(|(k, v)| {
            let v = if v.contains("{secret.") {
                format!("${{{k}}}")
            } else {
                v.clone()
            };
            (k.clone(), v)
        })
        .collect();
    // Every instance of a replicated dependency: a key they all export joins with commas.
    let deps = crate::spec::join_exports(spec.depends_on.iter().flat_map(|dep| {
        all.iter()
            .filter(|x| x.belongs_to(dep))
            .map(|d| d.exports_at(&format!("arc-{}", d.name), true))
    }));
    for (k, v) in deps {
        env.entry(k).or_insert(v);
    }
    env
}

/// The compose file of a service directory: `members` is its service, or every instance of
/// a replicated one (their peers named by container name). A service directory with a
/// `Dockerfile` is built (the thin image carries its own command and configuration);
/// otherwise the image runs with the service's command. `all` is the catalog, for the
/// dependencies' endpoints.
pub(crate) fn render_compose(
    templates: &Templates,
    members: &[&ServiceSpec],
    has_dockerfile: bool,
    all: &[ServiceSpec],
) -> Result<String, ScaffoldError> {
    let mut named_volumes: Vec<String> = Vec::new();
    for spec in members {
        for v in &spec.volumes {
            if !named_volumes.contains(&v.name) {
                named_volumes.push(v.name.clone());
            }
        }
    }
    let ctx = ComposeContext {
        services: members
            .iter()
            .map(|spec| service(spec, has_dockerfile, all))
            .collect(),
        named_volumes,
        network: NETWORK,
    };
    templates.render(COMPOSE, &ctx)
}

/// The container of one service (or instance).
fn service(spec: &ServiceSpec, has_dockerfile: bool, all: &[ServiceSpec]) -> ServiceContext {
    let test = crate::runtime::DockerRuntime::health_test(spec);
    let mut labels = spec.labels.clone();
    labels.insert("arc.service".into(), spec.name.clone());
    if let Some(c) = &spec.codename {
        labels.insert("arc.codename".into(), c.clone());
    }
    let build = match spec
        .build
        .as_ref()
        .and_then(|b| b.context.as_ref().map(|c| (c, b)))
    {
        // The compose file sits in services/<name>/; the context is relative to the project.
        Some((context, b)) => Some(Build {
            here: false,
            context: Some(
                format!("../../{}", context.trim_start_matches("./"))
                    .trim_end_matches("/.")
                    .to_owned(),
            ),
            dockerfile: Some(b.dockerfile.clone()),
            target: b.target.clone(),
            args: b.args.clone(),
        }),
        None => has_dockerfile.then(|| Build {
            here: true,
            context: None,
            dockerfile: None,
            target: None,
            args: BTreeMap::new(),
        }),
    };
    // Instances of a replicated service share their directory's image.
    let group = spec
        .replica
        .as_ref()
        .map_or(spec.name.as_str(), |r| r.group.as_str());
    ServiceContext {
        name: spec.name.clone(),
        container_name: format!("arc-{}", spec.name),
        build,
        image: if has_dockerfile {
            format!("arc-{group}:local")
        } else {
            spec.image.clone()
        },
        // An instance of a replicated service runs its declared command (its peers are in it).
        command: if has_dockerfile && spec.replica.is_none() {
            Vec::new()
        } else {
            crate::runtime::DockerRuntime::container_command(spec)
        },
        user: spec.user.clone(),
        environment: environment(spec, all),
        ports: spec
            .ports
            .iter()
            .filter_map(|p| p.host.map(|h| format!("{}:{h}:{}", p.bind, p.container)))
            .collect(),
        volumes: spec
            .volumes
            .iter()
            .map(|v| format!("{}:{}", v.name, v.target))
            .chain(
                compose_files(spec)
                    .into_iter()
                    .map(|(file, target, _)| format!("./{file}:{target}:ro")),
            )
            .collect(),
        healthcheck: (!test.is_empty()).then(|| Health {
            test,
            interval: dur(spec.health.interval),
            timeout: dur(spec.health.timeout),
            retries: spec.health.retries,
            start_period: dur(spec.health.start_period),
        }),
        labels,
    }
}

/// The service's `files` as its compose file mounts them: (file beside the compose file,
/// target in the container, content with the containers' addresses). `arc compose export
/// --write` writes them, `--check` compares them.
pub(crate) fn compose_files(spec: &ServiceSpec) -> Vec<(String, String, String)> {
    crate::runtime::DockerRuntime::container_files(spec)
        .into_iter()
        .map(|(target, content)| {
            let base = target.trim_start_matches('/').replace('/', "_");
            // The instances of a replicated service each get their own.
            let file = match &spec.replica {
                Some(_) => format!("{}.{base}", spec.name),
                None => base,
            };
            (file, target, content)
        })
        .collect()
}

/// The variables of `service.mk.j2`.
#[derive(Serialize)]
struct MakefileContext<'a> {
    name: &'a str,
    target: &'a str,
    title: String,
}

/// The make targets' prefix and file of `spec`: `services/NAME/TARGET.mk`, where TARGET is the
/// codename when there is one, else the name.
pub(crate) fn makefile_of(spec: &ServiceSpec) -> (&str, String) {
    let target = spec.display_name();
    (target, format!("services/{}/{target}.mk", spec.name))
}

/// `services/NAME/TARGET.mk` of `spec`.
pub(crate) fn render_makefile(
    templates: &Templates,
    spec: &ServiceSpec,
) -> Result<String, ScaffoldError> {
    let (target, _) = makefile_of(spec);
    let ctx = MakefileContext {
        name: &spec.name,
        target,
        title: title(spec.codename.as_deref(), &spec.name),
    };
    templates.render(MAKEFILE, &ctx)
}

/// How headers name a service: its codename capitalised (`Flash`), else its name.
pub(super) fn title(codename: Option<&str>, name: &str) -> String {
    match codename {
        Some(c) => {
            let mut chars = c.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(chars).collect()
            })
        }
        None => name.to_owned(),
    }
}
