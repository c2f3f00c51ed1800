//! A service's container: where it stands, starting it (with its network, image and volumes),
//! watching it exit, stopping and removing it.

use std::collections::HashMap;
use std::time::Duration;

use bollard::models::{
    ContainerCreateBody, HealthConfig, HostConfig, NetworkCreateRequest, PortBinding,
    RestartPolicy, RestartPolicyNameEnum,
};
use bollard::query_parameters::{
    CreateContainerOptionsBuilder, InspectContainerOptions, RemoveContainerOptionsBuilder,
    StopContainerOptionsBuilder,
};

use super::{not_found, op_err, DockerRuntime, NETWORK};
use crate::runtime::{LifecycleEvent, Reporter, RuntimeError, ServiceStatus, State};
use crate::spec::ServiceSpec;

impl DockerRuntime {
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
        let file_binds = self.write_files(spec)?;
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
                        .chain(file_binds)
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

    pub(super) async fn remove(&self, id: &str, name: &str) -> Result<(), RuntimeError> {
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
}
