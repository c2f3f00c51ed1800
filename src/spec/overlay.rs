//! Overlay files (`-f arc.override.yaml`): partial changes merged over the stock files.
//!
//! Maps merge key by key, ports merge by name, lists replace. An overlay may add profiles but
//! not services: a new service is a new `services/<dir>/service.yaml`. It may add a port only
//! by declaring it whole (with its `container` port): a name the service does not have and no
//! `container` is a misspelt port, refused, never a new port beside the one meant.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::time::Duration;

use serde::Deserialize;

use super::profile::ProfileSpec;
use super::service::{
    BuildSpec, ContainerFile, InitStep, NativeFile, NativeVariant, PortSpec, ProbeKind, ServiceSpec,
};

/// One overlay file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overlay {
    /// Changes to services, keyed by name or codename.
    #[serde(default)]
    pub services: BTreeMap<String, ServicePatch>,
    /// Profiles to add or replace.
    #[serde(default)]
    pub profiles: BTreeMap<String, ProfileSpec>,
    /// A different default profile.
    #[serde(default)]
    pub default: Option<String>,
}

/// Changes to one service.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServicePatch {
    /// Replaces the image.
    pub image: Option<String>,
    /// Replaces the container command.
    pub command: Option<Vec<String>>,
    /// Replaces the container user.
    pub user: Option<String>,
    /// How to build the image: fields replace, `args` merge key by key (a service without
    /// `build:` gets one).
    pub build: Option<BuildPatch>,
    /// Ports merged by name.
    #[serde(default)]
    pub ports: Vec<PortPatch>,
    /// Environment merged key by key.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// Health fields to change.
    pub health: Option<HealthPatch>,
    /// Replaces the dependencies.
    pub depends_on: Option<Vec<String>>,
    /// Native fields to change.
    pub native: Option<NativePatch>,
    /// Labels merged key by key.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// Exports merged key by key.
    #[serde(default)]
    pub exports: BTreeMap<String, String>,
    /// Replaces the number of instances.
    pub replicas: Option<u32>,
    /// Replaces the container's configuration files.
    pub files: Option<Vec<ContainerFile>>,
}

/// Changes to how the image is built.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuildPatch {
    /// New context, relative to the project.
    pub context: Option<String>,
    /// New Dockerfile, relative to the context.
    pub dockerfile: Option<String>,
    /// New stage to build.
    pub target: Option<String>,
    /// Build arguments merged key by key.
    #[serde(default)]
    pub args: BTreeMap<String, String>,
}

/// Changes to one named port, or a new port (which then needs `container`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortPatch {
    /// The port to change.
    pub name: String,
    /// New container port; required to add a port the service does not have.
    pub container: Option<u16>,
    /// New published port.
    pub host: Option<u16>,
    /// New bind address.
    pub bind: Option<IpAddr>,
}

/// Changes to the health check.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HealthPatch {
    /// New probe kind.
    pub kind: Option<ProbeKind>,
    /// New target port name.
    pub target: Option<String>,
    /// New HEALTHCHECK command.
    pub docker_test: Option<Vec<String>>,
    /// New HTTP path.
    pub path: Option<String>,
    /// New interval.
    #[serde(default, with = "super::duration::option")]
    pub interval: Option<Duration>,
    /// New timeout.
    #[serde(default, with = "super::duration::option")]
    pub timeout: Option<Duration>,
    /// New start period.
    #[serde(default, with = "super::duration::option")]
    pub start_period: Option<Duration>,
    /// New retries.
    pub retries: Option<u32>,
}

/// Changes to the native command.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NativePatch {
    /// Replaces the command.
    pub command: Option<Vec<String>>,
    /// Replaces the init steps.
    pub init: Option<Vec<InitStep>>,
    /// Replaces the configuration files.
    pub files: Option<Vec<NativeFile>>,
    /// Replaces the unprivileged user.
    pub run_as: Option<String>,
    /// Replaces the stop signal.
    pub stop_signal: Option<String>,
    /// Replaces the variants.
    pub variants: Option<Vec<NativeVariant>>,
}

/// What applying one service's patch did beyond changing the service.
#[derive(Debug, Default)]
pub(crate) struct Applied {
    /// Entries that cannot be applied: (field path within the patch, message).
    pub problems: Vec<(String, String)>,
    /// For each port the patch wrote: its index in the service, and in the patch's `ports`.
    pub ports: Vec<(usize, usize)>,
}

impl ServicePatch {
    /// Applies the patch to `spec`; what cannot be applied is left out and reported.
    pub(crate) fn apply(self, spec: &mut ServiceSpec) -> Applied {
        let mut applied = Applied::default();
        if let Some(v) = self.image {
            spec.image = v;
        }
        if let Some(v) = self.command {
            spec.command = v;
        }
        if let Some(v) = self.user {
            spec.user = Some(v);
        }
        if let Some(b) = self.build {
            let build = spec.build.get_or_insert_with(|| BuildSpec {
                context: None,
                dockerfile: "Dockerfile".into(),
                target: None,
                args: BTreeMap::new(),
            });
            if b.context.is_some() {
                build.context = b.context;
            }
            if let Some(v) = b.dockerfile {
                build.dockerfile = v;
            }
            if b.target.is_some() {
                build.target = b.target;
            }
            build.args.extend(b.args);
        }
        for (i, patch) in self.ports.into_iter().enumerate() {
            if let Some(at) = spec.ports.iter().position(|p| p.name == patch.name) {
                let port = &mut spec.ports[at];
                if let Some(v) = patch.container {
                    port.container = v;
                }
                if let Some(v) = patch.host {
                    port.host = Some(v);
                }
                if let Some(v) = patch.bind {
                    port.bind = v;
                }
                applied.ports.push((at, i));
            } else if let Some(same) = patch
                .container
                .and_then(|c| spec.ports.iter().find(|p| p.container == c))
            {
                // A second name for a container port the service has: a misspelt move.
                applied.problems.push((
                    format!("ports[{i}].name"),
                    format!(
                        "unknown port `{}`{}: the service's port `{}` is already container port {}; to move it, name it `{2}`",
                        patch.name,
                        super::suggest::hint(&patch.name, [same.name.as_str()]),
                        same.name,
                        same.container
                    ),
                ));
            } else if let Some(container) = patch.container {
                applied.ports.push((spec.ports.len(), i));
                spec.ports.push(PortSpec {
                    name: patch.name,
                    container,
                    host: patch.host,
                    bind: patch.bind.unwrap_or(IpAddr::from([127, 0, 0, 1])),
                    native_offset: 0,
                });
            } else {
                let names: Vec<&str> = spec.ports.iter().map(|p| p.name.as_str()).collect();
                applied.problems.push((
                    format!("ports[{i}].name"),
                    format!(
                        "unknown port `{}`{}; the service's ports: {}; to add a port, give its `container` port too",
                        patch.name,
                        super::suggest::hint(&patch.name, names.iter().copied()),
                        if names.is_empty() {
                            "none".to_owned()
                        } else {
                            names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
                        }
                    ),
                ));
            }
        }
        if self.replicas.is_some() {
            spec.replicas = self.replicas;
        }
        if let Some(v) = self.files {
            spec.files = v;
        }
        spec.env.extend(self.env);
        spec.labels.extend(self.labels);
        spec.exports.extend(self.exports);
        if let Some(h) = self.health {
            let health = &mut spec.health;
            if let Some(v) = h.kind {
                health.kind = v;
            }
            if let Some(v) = h.target {
                health.target = v;
            }
            if let Some(v) = h.docker_test {
                health.docker_test = v;
            }
            if let Some(v) = h.path {
                health.path = Some(v);
            }
            if let Some(v) = h.interval {
                health.interval = v;
            }
            if let Some(v) = h.timeout {
                health.timeout = v;
            }
            if let Some(v) = h.start_period {
                health.start_period = v;
            }
            if let Some(v) = h.retries {
                health.retries = v;
            }
        }
        if let Some(v) = self.depends_on {
            spec.depends_on = v;
        }
        if let Some(n) = self.native {
            let native = &mut spec.native;
            if let Some(v) = n.command {
                native.command = v;
            }
            if let Some(v) = n.init {
                native.init = v;
            }
            if let Some(v) = n.files {
                native.files = v;
            }
            if let Some(v) = n.run_as {
                native.run_as = Some(v);
            }
            if let Some(v) = n.stop_signal {
                native.stop_signal = v;
            }
            if let Some(v) = n.variants {
                native.variants = v;
            }
        }
        applied
    }
}
