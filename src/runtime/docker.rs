//! The Docker runtime: the only module that talks to the engine (through bollard).
//!
//! Every resource it makes is labelled (`arc.project`, `arc.service`, `arc.config-hash`), and
//! containers are found again by label, never by a state file. Published ports bind 127.0.0.1.
//! Every engine call is wrapped in an error that names the operation and the object. It never
//! prints: progress goes through the [`Reporter`].

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use bollard::models::{
    ContainerCreateBody, HealthConfig, HostConfig, NetworkCreateRequest, PortBinding,
    RestartPolicy, RestartPolicyNameEnum, VolumeCreateOptions,
};
use bollard::query_parameters::{
    CreateContainerOptionsBuilder, CreateImageOptionsBuilder, InspectContainerOptions,
    ListContainersOptionsBuilder, LogsOptionsBuilder, RemoveContainerOptionsBuilder,
    RemoveVolumeOptionsBuilder, StopContainerOptionsBuilder,
};
use bollard::Docker;
use futures::StreamExt;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{LifecycleEvent, Reporter, RuntimeError, ServiceStatus, State};
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

    /// The container's name: `arc-<service>`.
    pub(crate) fn container_name(spec: &ServiceSpec) -> String {
        format!("arc-{}", spec.name)
    }

    /// The container command: `command` with `{peers.NAME}` filled in as containers on the
    /// platform network reach the peers (`arc-messaging-2:6222`).
    pub(crate) fn container_command(spec: &ServiceSpec) -> Vec<String> {
        spec.command
            .iter()
            .map(|a| crate::spec::expand_placeholders(a, |key| spec.peers_placeholder(key, true)))
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
        };
        let json = serde_json::to_vec(&h).unwrap_or_default();
        crate::settings::hex(&Sha256::digest(json))[..12].to_owned()
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

    /// Where the service stands, from the engine.
    pub(crate) async fn status(&self, spec: &ServiceSpec) -> Result<ServiceStatus, RuntimeError> {
        let stopped = ServiceStatus::stopped();
        let Some(id) = self.find(spec).await? else {
            return Ok(stopped);
        };
        let info = match self
            .docker
            .inspect_container(&id, None::<InspectContainerOptions>)
            .await
        {
            Ok(i) => i,
            Err(e) if not_found(&e) => return Ok(stopped),
            Err(e) => {
                return Err(op_err(format!(
                    "inspect container `{}`",
                    Self::container_name(spec)
                ))(e))
            }
        };
        let state = info.state.clone().unwrap_or_default();
        let running = state.running.unwrap_or(false);
        let labels = info
            .config
            .as_ref()
            .and_then(|c| c.labels.clone())
            .unwrap_or_default();
        Ok(ServiceStatus {
            state: if running {
                State::Running
            } else {
                State::Exited
            },
            pid: state
                .pid
                .and_then(|p| u32::try_from(p).ok())
                .filter(|p| *p > 0),
            started_at: state
                .started_at
                .as_deref()
                .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                .map(|t| t.with_timezone(&chrono::Utc)),
            config_hash: labels.get("arc.config-hash").cloned(),
            ports: Self::listen_ports(spec).into_iter().collect(),
            container: Some(id.chars().take(12).collect()),
            image: info.config.and_then(|c| c.image),
            engine_health: state.health.and_then(|h| h.status).map(|s| s.to_string()),
        })
    }

    async fn ensure_network(&self) -> Result<(), RuntimeError> {
        let _one_at_a_time = self.network_lock.lock().await;
        match self
            .docker
            .inspect_network(
                NETWORK,
                None::<bollard::query_parameters::InspectNetworkOptions>,
            )
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if not_found(&e) => {
                let req = NetworkCreateRequest {
                    name: NETWORK.into(),
                    driver: Some("bridge".into()),
                    labels: Some(HashMap::from([(
                        "arc.project".into(),
                        self.project.clone(),
                    )])),
                    ..Default::default()
                };
                match self.docker.create_network(req).await {
                    Ok(_) => Ok(()),
                    // Another `arc up` made it meanwhile.
                    Err(bollard::errors::Error::DockerResponseServerError {
                        status_code: 409,
                        ..
                    }) => Ok(()),
                    Err(e) => Err(op_err(format!("create network `{NETWORK}`"))(e)),
                }
            }
            Err(e) => Err(op_err(format!("inspect network `{NETWORK}`"))(e)),
        }
    }

    /// Creates missing volumes; returns the new ones as (name, target).
    async fn ensure_volumes(
        &self,
        spec: &ServiceSpec,
    ) -> Result<Vec<(String, String)>, RuntimeError> {
        let mut new = Vec::new();
        for v in &spec.volumes {
            let fresh = self.docker.inspect_volume(&v.name).await.is_err();
            let req = VolumeCreateOptions {
                name: Some(v.name.clone()),
                labels: Some(HashMap::from([
                    ("arc.project".into(), self.project.clone()),
                    ("arc.service".into(), spec.name.clone()),
                ])),
                ..Default::default()
            };
            // Creating an existing volume returns it unchanged.
            self.docker
                .create_volume(req)
                .await
                .map_err(op_err(format!("create volume `{}`", v.name)))?;
            if fresh {
                new.push((v.name.clone(), v.target.clone()));
            }
        }
        Ok(new)
    }

    /// Whether a new volume needs its owner changed: the engine copies the image's directory
    /// (and its owner) into a new volume when the container is created, so when the volume's
    /// directory is visible here (a local engine) and no longer root's, nothing is needed.
    async fn volume_needs_owner(&self, volume: &str, user: &str) -> bool {
        use std::os::unix::fs::MetadataExt;
        let Ok(v) = self.docker.inspect_volume(volume).await else {
            return true;
        };
        let Ok(meta) = std::fs::metadata(&v.mountpoint) else {
            return true;
        };
        // A numeric user must own it; a named one (resolved inside the image) at least not
        // root.
        match user.split(':').next().and_then(|u| u.parse::<u32>().ok()) {
            Some(uid) => meta.uid() != uid,
            None => meta.uid() == 0,
        }
    }

    /// A new volume belongs to root unless the image had the directory; a service that runs as
    /// a non-root user gets it chowned once, by a short-lived container of the same image.
    async fn give_volume_to_user(
        &self,
        spec: &ServiceSpec,
        volume: &str,
        target: &str,
    ) -> Result<(), RuntimeError> {
        let Some(user) = spec
            .user
            .as_deref()
            .filter(|u| !matches!(*u, "0" | "root" | "0:0"))
        else {
            return Ok(());
        };
        let name = format!("arc-{}-volume-init", spec.name);
        let body = ContainerCreateBody {
            image: Some(spec.image.clone()),
            user: Some("0".into()),
            entrypoint: Some(vec!["chown".into()]),
            cmd: Some(vec!["-R".into(), user.into(), target.into()]),
            labels: Some(HashMap::from([(
                "arc.project".into(),
                self.project.clone(),
            )])),
            host_config: Some(HostConfig {
                binds: Some(vec![format!("{volume}:{target}")]),
                ..Default::default()
            }),
            ..Default::default()
        };
        let op = || format!("prepare volume `{volume}` for user `{user}`");
        if let Some(old) = self
            .docker
            .inspect_container(&name, None::<InspectContainerOptions>)
            .await
            .ok()
            .and_then(|c| c.id)
        {
            self.remove(&old, &name).await?;
        }
        let c = self
            .docker
            .create_container(
                Some(CreateContainerOptionsBuilder::new().name(&name).build()),
                body,
            )
            .await
            .map_err(op_err(op()))?;
        self.docker
            .start_container(
                &c.id,
                None::<bollard::query_parameters::StartContainerOptions>,
            )
            .await
            .map_err(op_err(op()))?;
        let mut wait = self.docker.wait_container(
            &c.id,
            None::<bollard::query_parameters::WaitContainerOptions>,
        );
        let code = match wait.next().await {
            Some(Ok(r)) => r.status_code,
            // bollard reports a non-zero exit as an error carrying the code.
            Some(Err(bollard::errors::Error::DockerContainerWaitError { code, .. })) => code,
            Some(Err(e)) => return Err(op_err(op())(e)),
            None => 0,
        };
        self.remove(&c.id, &name).await?;
        if code == 0 {
            Ok(())
        } else {
            Err(RuntimeError::Docker {
                op: op(),
                reason: format!(
                    "`chown -R {user} {target}` exited with {code} in image `{}`",
                    spec.image
                ),
            })
        }
    }

    /// Builds `spec`'s image from its `build:` context (a tar of the directory) and tags it
    /// `spec.image`.
    pub(crate) async fn build(
        &self,
        spec: &ServiceSpec,
        project: &std::path::Path,
        reporter: &dyn Reporter,
    ) -> Result<(), RuntimeError> {
        let Some(b) = &spec.build else {
            return Ok(());
        };
        let context = project.join(
            b.context
                .clone()
                .unwrap_or_else(|| format!("services/{}", spec.name)),
        );
        let dockerfile = context.join(&b.dockerfile);
        if !dockerfile.is_file() {
            return Err(RuntimeError::Docker {
                op: format!("build `{}`", spec.image),
                reason: format!("there is no `{}`", dockerfile.display()),
            });
        }
        let ctx = context.clone();
        let tar = tokio::task::spawn_blocking(move || -> std::io::Result<Vec<u8>> {
            let mut t = tar::Builder::new(Vec::new());
            t.follow_symlinks(false);
            // The engine's untar (API 1.41) refuses GNU sparse entries, which a freshly linked
            // binary can be.
            t.sparse(false);
            let (ignored, kept) = dockerignore(&ctx);
            for entry in std::fs::read_dir(&ctx)? {
                let entry = entry?;
                let name = entry.file_name();
                if ignored.iter().any(|i| *i == name.to_string_lossy()) {
                    continue;
                }
                if entry.file_type()?.is_dir() {
                    t.append_dir_all(&name, entry.path())?;
                } else {
                    t.append_path_with_name(entry.path(), &name)?;
                }
            }
            // Files an exception brings back from an ignored directory (`!target/release/arc`);
            // the engine makes their parent directories.
            for path in kept {
                let file = ctx.join(&path);
                if file.is_file() {
                    t.append_path_with_name(&file, &path)?;
                }
            }
            t.into_inner()
        })
        .await
        .map_err(|e| RuntimeError::Docker {
            op: format!("pack `{}`", context.display()),
            reason: e.to_string(),
        })?
        .map_err(|e| RuntimeError::Docker {
            op: format!("pack `{}`", context.display()),
            reason: e.to_string(),
        })?;
        reporter.report(
            &spec.name,
            LifecycleEvent::Pulling(format!(
                "building {} from {}",
                spec.image,
                context.display()
            )),
        );
        let mut opts = bollard::query_parameters::BuildImageOptionsBuilder::new()
            .dockerfile(&b.dockerfile)
            .t(&spec.image)
            .rm(true)
            .labels(&HashMap::from([
                ("arc.project".to_owned(), self.project.clone()),
                ("arc.service".to_owned(), spec.name.clone()),
            ]));
        if !b.args.is_empty() {
            let args: HashMap<String, String> = b.args.clone().into_iter().collect();
            opts = opts.buildargs(&args);
        }
        if let Some(target) = &b.target {
            opts = opts.target(target);
        }
        let opts = opts.build();
        let mut stream = self
            .docker
            .build_image(opts, None, Some(bollard::body_full(tar.into())));
        let failed = |reason: String| RuntimeError::Build {
            image: spec.image.clone(),
            context: context.clone(),
            reason,
        };
        while let Some(item) = stream.next().await {
            let info = item.map_err(|e| failed(engine_reason(&e)))?;
            if let Some(e) = info.error_detail.and_then(|d| d.message).or(info.error) {
                return Err(failed(e));
            }
            if let Some(line) = info
                .stream
                .as_deref()
                .map(str::trim)
                .filter(|l| !l.is_empty())
            {
                reporter.report(&spec.name, LifecycleEvent::Pulling(line.to_owned()));
            }
        }
        Ok(())
    }

    /// The configuration hash, with the local image's id: a rebuilt or newly pulled image
    /// recreates the container.
    pub(crate) async fn config_hash_with_image(&self, spec: &ServiceSpec) -> String {
        let image_id = self
            .docker
            .inspect_image(&spec.image)
            .await
            .ok()
            .and_then(|i| i.id)
            .unwrap_or_default();
        let both = format!("{}{image_id}", Self::config_hash(spec));
        crate::settings::hex(&Sha256::digest(both.as_bytes()))[..12].to_owned()
    }

    /// Whether the engine has `image` locally.
    pub(crate) async fn has_image(&self, image: &str) -> bool {
        self.docker.inspect_image(image).await.is_ok()
    }

    /// Pulls the image when it is not present, reporting per-layer progress.
    pub(crate) async fn ensure_image(
        &self,
        spec: &ServiceSpec,
        reporter: &dyn Reporter,
    ) -> Result<(), RuntimeError> {
        if self.docker.inspect_image(&spec.image).await.is_ok() {
            return Ok(());
        }
        // A locally built image is nowhere to pull from.
        if spec.build.is_some() {
            return Err(RuntimeError::Docker {
                op: format!("start `{}`", spec.name),
                reason: format!(
                    "its image `{}` is built from the project and is not built yet: run `arc build {}` or `arc up --build`",
                    spec.image, spec.name
                ),
            });
        }
        let (repo, tag) = split_image(&spec.image);
        let opts = CreateImageOptionsBuilder::new()
            .from_image(repo)
            .tag(tag)
            .build();
        let mut stream = self.docker.create_image(Some(opts), None, None);
        let mut layers: BTreeMap<String, (i64, i64)> = BTreeMap::new();
        while let Some(item) = stream.next().await {
            let info = item.map_err(|e| RuntimeError::Pull {
                image: spec.image.clone(),
                reason: engine_reason(&e),
            })?;
            if let (Some(id), Some(d)) = (info.id, info.progress_detail) {
                if let (Some(cur), Some(total)) = (d.current, d.total) {
                    layers.insert(id, (cur, total));
                    let (c, t) = layers.values().fold((0, 0), |a, v| (a.0 + v.0, a.1 + v.1));
                    reporter.report(
                        &spec.name,
                        LifecycleEvent::Pulling(format!(
                            "pulling {} ({} layers, {} of {} MB)",
                            spec.image,
                            layers.len(),
                            c >> 20,
                            t >> 20
                        )),
                    );
                }
            }
        }
        Ok(())
    }

    /// Creates (replacing an old one) and starts the service's container.
    // The engine's API shape: exposed ports are a map to empty objects.
    #[allow(clippy::zero_sized_map_values)]
    pub(crate) async fn start(
        &self,
        spec: &ServiceSpec,
        reporter: &dyn Reporter,
    ) -> Result<String, RuntimeError> {
        self.ensure_network().await?;
        self.ensure_image(spec, reporter).await?;
        let new_volumes = self.ensure_volumes(spec).await?;
        let name = Self::container_name(spec);
        if let Some(old) = self.find(spec).await? {
            self.remove(&old, &name).await?;
        }
        // A container of that name made by hand (not ours) would block the create: say so.
        reporter.report(&spec.name, LifecycleEvent::Starting);
        let mut labels: HashMap<String, String> = spec.labels.clone().into_iter().collect();
        labels.extend([
            ("arc.project".to_owned(), self.project.clone()),
            ("arc.service".to_owned(), spec.name.clone()),
            (
                "arc.config-hash".to_owned(),
                self.config_hash_with_image(spec).await,
            ),
            (
                "org.opencontainers.image.title".to_owned(),
                spec.name.clone(),
            ),
            (
                "org.opencontainers.image.description".to_owned(),
                spec.description.clone(),
            ),
        ]);
        if let Some(c) = &spec.codename {
            labels.insert("arc.codename".into(), c.clone());
        }
        let mut exposed = HashMap::new();
        let mut bindings = HashMap::new();
        for p in &spec.ports {
            let key = format!("{}/tcp", p.container);
            exposed.insert(key.clone(), HashMap::new());
            if let Some(h) = p.host {
                bindings.insert(
                    key,
                    Some(vec![PortBinding {
                        host_ip: Some(p.bind.to_string()),
                        host_port: Some(h.to_string()),
                    }]),
                );
            }
        }
        let test = Self::health_test(spec);
        let nanos = |d: Duration| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX);
        let body = ContainerCreateBody {
            image: Some(spec.image.clone()),
            cmd: (!spec.command.is_empty()).then(|| Self::container_command(spec)),
            user: spec.user.clone(),
            env: Some(spec.env.iter().map(|(k, v)| format!("{k}={v}")).collect()),
            labels: Some(labels),
            exposed_ports: Some(exposed),
            healthcheck: (!test.is_empty()).then(|| HealthConfig {
                test: Some(test),
                interval: Some(nanos(spec.health.interval)),
                timeout: Some(nanos(spec.health.timeout)),
                retries: Some(i64::from(spec.health.retries)),
                start_period: Some(nanos(spec.health.start_period)),
                // Probe often while starting, so `healthy` shows up soon after it is true.
                start_interval: Some(nanos(Duration::from_millis(500))),
            }),
            host_config: Some(HostConfig {
                port_bindings: Some(bindings),
                binds: Some(
                    spec.volumes
                        .iter()
                        .map(|v| format!("{}:{}", v.name, v.target))
                        .collect(),
                ),
                restart_policy: Some(RestartPolicy {
                    name: Some(RestartPolicyNameEnum::UNLESS_STOPPED),
                    maximum_retry_count: None,
                }),
                network_mode: Some(NETWORK.into()),
                ..Default::default()
            }),
            ..Default::default()
        };
        let opts = CreateContainerOptionsBuilder::new().name(&name).build();
        let created = self
            .docker
            .create_container(Some(opts), body)
            .await
            .map_err(op_err(format!("create container `{name}`")))?;
        if spec
            .user
            .as_deref()
            .is_some_and(|u| !matches!(u, "0" | "root" | "0:0"))
        {
            for (volume, target) in &new_volumes {
                if self
                    .volume_needs_owner(volume, spec.user.as_deref().unwrap_or("0"))
                    .await
                {
                    self.give_volume_to_user(spec, volume, target).await?;
                }
            }
        }
        self.docker
            .start_container(
                &created.id,
                None::<bollard::query_parameters::StartContainerOptions>,
            )
            .await
            .map_err(op_err(format!("start container `{name}`")))?;
        Ok(created.id)
    }

    async fn remove(&self, id: &str, name: &str) -> Result<(), RuntimeError> {
        let opts = RemoveContainerOptionsBuilder::new()
            .force(true)
            .v(false)
            .build();
        match self.docker.remove_container(id, Some(opts)).await {
            Ok(()) => Ok(()),
            Err(e) if not_found(&e) => Ok(()),
            Err(e) => Err(op_err(format!("remove container `{name}`"))(e)),
        }
    }

    /// `Some(description)` once the container has stopped (or vanished).
    pub(crate) async fn exited(&self, id: &str) -> Option<String> {
        match self
            .docker
            .inspect_container(id, None::<InspectContainerOptions>)
            .await
        {
            Ok(info) => {
                let st = info.state.unwrap_or_default();
                if st.running.unwrap_or(false) || st.restarting.unwrap_or(false) {
                    None
                } else if st.oom_killed.unwrap_or(false) {
                    Some("was killed: out of memory".into())
                } else {
                    Some(format!("exited with status {}", st.exit_code.unwrap_or(-1)))
                }
            }
            Err(e) if not_found(&e) => Some("container was removed".into()),
            Err(_) => None,
        }
    }

    /// Docker's own health verdict: `Some(false)` only once it says `unhealthy`; `None` without
    /// a HEALTHCHECK or before its first check (engines before API 1.44 cannot check sooner
    /// than `interval`, so arc's own protocol probe decides readiness and Docker can veto it).
    pub(crate) async fn engine_healthy(&self, id: &str) -> Option<bool> {
        let info = self
            .docker
            .inspect_container(id, None::<InspectContainerOptions>)
            .await
            .ok()?;
        let status = info.state?.health?.status?;
        match status {
            bollard::models::HealthStatusEnum::HEALTHY => Some(true),
            bollard::models::HealthStatusEnum::UNHEALTHY => Some(false),
            _ => None,
        }
    }

    /// Stops and removes the container (volumes stay); `false` when it was not running.
    pub(crate) async fn stop(
        &self,
        spec: &ServiceSpec,
        timeout: Duration,
    ) -> Result<bool, RuntimeError> {
        let Some(id) = self.find(spec).await? else {
            return Ok(false);
        };
        let name = Self::container_name(spec);
        let running = self.exited(&id).await.is_none();
        if running {
            let t = i32::try_from(timeout.as_secs()).unwrap_or(i32::MAX);
            let opts = StopContainerOptionsBuilder::new().t(t).build();
            match self.docker.stop_container(&id, Some(opts)).await {
                Ok(()) => {}
                Err(bollard::errors::Error::DockerResponseServerError {
                    status_code: 304, ..
                }) => {}
                Err(e) if not_found(&e) => {}
                Err(e) => return Err(op_err(format!("stop container `{name}`"))(e)),
            }
        }
        self.remove(&id, &name).await?;
        Ok(running)
    }

    /// Removes the service's named volumes; `false` when there were none.
    pub(crate) async fn remove_data(&self, spec: &ServiceSpec) -> Result<bool, RuntimeError> {
        let mut removed = false;
        for v in &spec.volumes {
            let opts = RemoveVolumeOptionsBuilder::new().force(false).build();
            match self.docker.remove_volume(&v.name, Some(opts)).await {
                Ok(()) => removed = true,
                Err(e) if not_found(&e) => {}
                Err(e) => return Err(op_err(format!("remove volume `{}`", v.name))(e)),
            }
        }
        Ok(removed)
    }

    /// The container's log lines: all, or the last `tail`.
    pub(crate) async fn logs(
        &self,
        spec: &ServiceSpec,
        tail: Option<usize>,
    ) -> Result<Vec<String>, RuntimeError> {
        let Some(id) = self.find(spec).await? else {
            return Ok(Vec::new());
        };
        let tail = tail.map_or_else(|| "all".to_owned(), |n| n.to_string());
        let opts = LogsOptionsBuilder::new()
            .stdout(true)
            .stderr(true)
            .tail(&tail)
            .build();
        let mut stream = self.docker.logs(&id, Some(opts));
        let mut text = Vec::new();
        while let Some(chunk) = stream.next().await {
            match chunk {
                Ok(out) => text.extend_from_slice(&out.into_bytes()),
                Err(e) => {
                    return Err(op_err(format!(
                        "read the logs of `{}`",
                        Self::container_name(spec)
                    ))(e))
                }
            }
        }
        Ok(String::from_utf8_lossy(&text)
            .lines()
            .map(super::logfile::strip_ansi)
            .collect())
    }

    /// Follows the container's logs from now; after the stream ends (a restart, a recreate) it
    /// finds the container again and goes on.
    pub(crate) fn follow(&self, spec: &ServiceSpec) -> futures::stream::BoxStream<'static, String> {
        let (this, spec) = (self.clone(), spec.clone());
        let since = i32::try_from(chrono::Utc::now().timestamp()).unwrap_or(0);
        let stream = async_stream_lines(this, spec, since);
        Box::pin(stream)
    }
}

fn async_stream_lines(
    this: DockerRuntime,
    spec: ServiceSpec,
    since: i32,
) -> impl futures::Stream<Item = String> + Send {
    futures::stream::unfold(
        (
            this,
            spec,
            since,
            None::<
                futures::stream::BoxStream<
                    'static,
                    Result<bollard::container::LogOutput, bollard::errors::Error>,
                >,
            >,
            String::new(),
        ),
        |(this, spec, mut since, mut current, mut partial)| async move {
            loop {
                if let Some(s) = current.as_mut() {
                    match s.next().await {
                        Some(Ok(out)) => {
                            partial.push_str(&String::from_utf8_lossy(&out.into_bytes()));
                            if let Some(nl) = partial.rfind('\n') {
                                let ready: String = partial.drain(..=nl).collect();
                                since =
                                    i32::try_from(chrono::Utc::now().timestamp()).unwrap_or(since);
                                return Some((
                                    ready.trim_end().to_owned(),
                                    (this, spec, since, current, partial),
                                ));
                            }
                            continue;
                        }
                        _ => current = None,
                    }
                }
                // (Re)attach: the container may have been restarted or recreated.
                if let Ok(Some(id)) = this.find(&spec).await {
                    let opts = LogsOptionsBuilder::new()
                        .stdout(true)
                        .stderr(true)
                        .follow(true)
                        .since(since)
                        .build();
                    current = Some(Box::pin(this.docker.logs(&id, Some(opts))));
                } else {
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
            }
        },
    )
    .flat_map(|chunk: String| {
        futures::stream::iter(
            chunk
                .lines()
                .map(super::logfile::strip_ansi)
                .collect::<Vec<_>>(),
        )
    })
}

/// `repo:tag` (`nats:2.10-alpine`, `my.registry:5000/x/y:1`); no tag means `latest`.
fn split_image(image: &str) -> (&str, &str) {
    match image.rsplit_once(':') {
        Some((repo, tag)) if !tag.contains('/') => (repo, tag),
        _ => (image, "latest"),
    }
}

/// What a context's `.dockerignore` keeps out of the build: top-level names (plain names only:
/// `target`, `.git`), and the files that exceptions bring back from inside them
/// (`!target/release/arc`, plain paths only). Comments and patterns with wildcards are skipped.
fn dockerignore(context: &std::path::Path) -> (Vec<String>, Vec<String>) {
    let text = std::fs::read_to_string(context.join(".dockerignore")).unwrap_or_default();
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.contains(['*', '?']))
        .collect();
    let ignored: Vec<String> = lines
        .iter()
        .map(|l| l.trim_start_matches('/').trim_end_matches('/'))
        .filter(|l| !l.contains(['/', '!']))
        .map(str::to_owned)
        .collect();
    let kept = lines
        .iter()
        .filter_map(|l| l.strip_prefix('!'))
        .map(|l| l.trim_start_matches('/'))
        .filter(|l| {
            l.split_once('/').is_some_and(|(top, rest)| {
                ignored.iter().any(|i| i == top) && !rest.split('/').any(|c| c == "..")
            })
        })
        .map(str::to_owned)
        .collect();
    (ignored, kept)
}

#[cfg(test)]
mod tests {
    use super::{dockerignore, split_image};

    #[test]
    fn dockerignore_keeps_the_exceptions_of_ignored_directories() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(".dockerignore"),
            "# comment\ntarget\n/.git/\n!target/release/arc\n!target/../etc/passwd\n!src/x\n*.log\n",
        )
        .unwrap();
        let (ignored, kept) = dockerignore(dir.path());
        assert_eq!(ignored, ["target", ".git"]);
        assert_eq!(kept, ["target/release/arc"]);
    }

    #[test]
    fn image_names_split_into_repo_and_tag() {
        assert_eq!(split_image("nats:2.10-alpine"), ("nats", "2.10-alpine"));
        assert_eq!(split_image("redis"), ("redis", "latest"));
        assert_eq!(split_image("reg:5000/a/b"), ("reg:5000/a/b", "latest"));
        assert_eq!(split_image("reg:5000/a/b:1"), ("reg:5000/a/b", "1"));
    }
}
