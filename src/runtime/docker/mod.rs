//! The Docker runtime: the only module that talks to the engine (through bollard).
//!
//! Every resource it makes is labelled (`arc.project`, `arc.service`, `arc.config-hash`), and
//! containers are found again by label, never by a state file. Published ports bind 127.0.0.1.
//! Every engine call is wrapped in an error that names the operation and the object. It never
//! prints: progress goes through the [`Reporter`].
//!
//! Here: connecting, naming and labelling, the configuration hash, finding a service's
//! container; `container` (status, start, stop), `image` (build, pull), `volume` and `logs`.

mod container;
mod image;
mod logs;
mod volume;

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use bollard::query_parameters::ListContainersOptionsBuilder;
use bollard::Docker;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::RuntimeError;
use crate::spec::ServiceSpec;

/// The network every backbone container joins; created when missing, kept on `arc down`.
pub(crate) const NETWORK: &str = "arc_platform_net";

/// Runs services as containers.
#[derive(Debug, Clone)]
pub(crate) struct DockerRuntime {
    docker: Docker,
    project: String,
    /// Services start in parallel; the engine accepts two networks of one name, so the
    /// check-and-create is done by one of them at a time.
    network_lock: std::sync::Arc<tokio::sync::Mutex<()>>,
    /// Where a service's `files` are written before they are mounted (`<dir>/<service>/files/`):
    /// the project's state directory.
    files_dir: Option<std::path::PathBuf>,
}

fn op_err(op: String) -> impl FnOnce(bollard::errors::Error) -> RuntimeError {
    move |e| RuntimeError::Docker {
        op,
        reason: engine_reason(&e),
    }
}

/// The engine's own message where there is one.
fn engine_reason(e: &bollard::errors::Error) -> String {
    match e {
        bollard::errors::Error::DockerResponseServerError {
            status_code,
            message,
        } => {
            format!("{message} (HTTP {status_code})")
        }
        other => other.to_string(),
    }
}

fn not_found(e: &bollard::errors::Error) -> bool {
    matches!(
        e,
        bollard::errors::Error::DockerResponseServerError {
            status_code: 404,
            ..
        }
    )
}

/// What goes into the configuration hash: everything that, changed, needs a new container.
#[derive(Serialize)]
struct Hashed<'a> {
    image: &'a str,
    command: &'a [String],
    user: &'a Option<String>,
    env: &'a BTreeMap<String, String>,
    ports: Vec<(String, u16, Option<u16>, String)>,
    volumes: Vec<(&'a str, &'a str)>,
    health: Vec<String>,
    labels: &'a BTreeMap<String, String>,
    files: Vec<(String, String)>,
}

impl DockerRuntime {
    /// Connects to the engine (`DOCKER_HOST`, else the local socket) and checks it answers
    /// within `timeout`.
    pub(crate) async fn connect(project: &str, timeout: Duration) -> Result<Self, RuntimeError> {
        let docker = Docker::connect_with_defaults().map_err(|e| RuntimeError::Unavailable {
            runtime: "docker",
            reason: format!("cannot reach the Docker engine: {e}"),
        })?;
        match tokio::time::timeout(timeout, docker.ping()).await {
            Ok(Ok(_)) => Ok(Self {
                docker,
                project: project.to_owned(),
                network_lock: std::sync::Arc::default(),
                files_dir: None,
            }),
            Ok(Err(e)) => Err(RuntimeError::Unavailable {
                runtime: "docker",
                reason: format!("the Docker engine does not answer: {}", engine_reason(&e)),
            }),
            Err(_) => Err(RuntimeError::Unavailable {
                runtime: "docker",
                reason: format!(
                    "the Docker engine did not answer within {}",
                    crate::format::duration(timeout)
                ),
            }),
        }
    }

    /// The same runtime, writing the services' `files` under `dir` (the state directory).
    #[must_use]
    pub(crate) fn with_files_dir(mut self, dir: std::path::PathBuf) -> Self {
        self.files_dir = Some(dir);
        self
    }

    /// The service's `files` with their placeholders filled as containers see each other:
    /// (target in the container, content). `{port.NAME}` is the container port.
    pub(crate) fn container_files(spec: &ServiceSpec) -> Vec<(String, String)> {
        spec.files
            .iter()
            .map(|f| {
                let content = spec.expand_file(&f.content, true, |key| match key.split_once('.') {
                    Some(("port", name)) => spec.port(name).map(|p| p.container.to_string()),
                    Some(("peers", _)) => spec.peers_placeholder(key, true),
                    None if key == "service" => Some(spec.name.clone()),
                    _ => None,
                });
                (f.target.clone(), content)
            })
            .collect()
    }

    /// Writes the service's `files` under the state directory (readable by the container's
    /// user) and returns their binds (`HOST:TARGET:ro`).
    pub(super) fn write_files(&self, spec: &ServiceSpec) -> Result<Vec<String>, RuntimeError> {
        use std::os::unix::fs::PermissionsExt;
        let files = Self::container_files(spec);
        if files.is_empty() {
            return Ok(Vec::new());
        }
        let Some(base) = &self.files_dir else {
            return Err(RuntimeError::Docker {
                op: format!("write the files of `{}`", spec.name),
                reason: "no state directory to write them to".into(),
            });
        };
        let dir = base.join(&spec.name).join("files");
        let io = |op: &'static str, path: &std::path::Path| {
            let path = path.to_path_buf();
            move |source| RuntimeError::Io { op, path, source }
        };
        std::fs::create_dir_all(&dir).map_err(io("create directory", &dir))?;
        let mut binds = Vec::new();
        for (target, content) in files {
            // One file per target, named after its path in the container.
            let name = target.trim_start_matches('/').replace('/', "_");
            let path = dir.join(name);
            std::fs::write(&path, content).map_err(io("write", &path))?;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644))
                .map_err(io("change the mode of", &path))?;
            let host = std::fs::canonicalize(&path).unwrap_or(path);
            binds.push(format!("{}:{target}:ro", host.display()));
        }
        Ok(binds)
    }

    /// The container's name: `arc-<service>`.
    pub(crate) fn container_name(spec: &ServiceSpec) -> String {
        format!("arc-{}", spec.name)
    }

    /// The container command: `command` with `{port.NAME}` (the container port), `{service}`
    /// (the instance's name), and `{peers.NAME}` and `{instances.SERVICE.PORT}` as containers on
    /// the platform network reach them (`arc-messaging-2:6222`).
    pub(crate) fn container_command(spec: &ServiceSpec) -> Vec<String> {
        spec.command
            .iter()
            .map(|a| {
                crate::spec::expand_placeholders(a, |key| {
                    if let Some(("port", name)) = key.split_once('.') {
                        return spec.port(name).map(|p| p.container.to_string());
                    }
                    if key == "service" {
                        return Some(spec.name.clone());
                    }
                    spec.peers_placeholder(key, true)
                        .or_else(|| spec.instances_placeholder(key, true).map(|l| l.join(",")))
                })
            })
            .collect()
    }

    /// The HEALTHCHECK command: `health.docker_test` with container ports filled in.
    pub(crate) fn health_test(spec: &ServiceSpec) -> Vec<String> {
        spec.health
            .docker_test
            .iter()
            .map(|a| {
                crate::spec::expand_placeholders(a, |key| match key.split_once('.') {
                    Some(("port", name)) => spec.port(name).map(|p| p.container.to_string()),
                    None if key == "host" => Some("127.0.0.1".into()),
                    _ => None,
                })
            })
            .collect()
    }

    /// The configuration hash.
    pub(crate) fn config_hash(spec: &ServiceSpec) -> String {
        let h = Hashed {
            image: &spec.image,
            command: &spec.command,
            user: &spec.user,
            env: &spec.env,
            ports: spec
                .ports
                .iter()
                .map(|p| (p.name.clone(), p.container, p.host, p.bind.to_string()))
                .collect(),
            volumes: spec
                .volumes
                .iter()
                .map(|v| (v.name.as_str(), v.target.as_str()))
                .collect(),
            health: Self::health_test(spec),
            labels: &spec.labels,
            files: Self::container_files(spec),
        };
        let json = serde_json::to_vec(&h).unwrap_or_default();
        crate::format::hex(&Sha256::digest(json))[..12].to_owned()
    }

    /// The published host ports.
    pub(crate) fn listen_ports(spec: &ServiceSpec) -> Vec<(String, u16)> {
        spec.ports
            .iter()
            .filter_map(|p| p.host.map(|h| (p.name.clone(), h)))
            .collect()
    }

    fn filters(&self, spec: Option<&ServiceSpec>) -> HashMap<String, Vec<String>> {
        let mut labels = vec![format!("arc.project={}", self.project)];
        if let Some(s) = spec {
            labels.push(format!("arc.service={}", s.name));
        }
        HashMap::from([("label".to_owned(), labels)])
    }

    /// The container of `spec`, found by label: (id, name).
    async fn find(&self, spec: &ServiceSpec) -> Result<Option<String>, RuntimeError> {
        let opts = ListContainersOptionsBuilder::new()
            .all(true)
            .filters(&self.filters(Some(spec)))
            .build();
        let list = self
            .docker
            .list_containers(Some(opts))
            .await
            .map_err(op_err(format!("list the containers of `{}`", spec.name)))?;
        Ok(list.into_iter().find_map(|c| c.id))
    }
}
