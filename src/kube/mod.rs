//! Backbones in Kubernetes: arc renders and drives, Helm and Kubernetes deploy.
//!
//! - [`values`]: arc's standardized values for the official NATS chart (pure);
//! - [`chart`]: the chart and version arc installs, pinned in one place;
//! - [`helm`]: the `helm` (and `kubectl`) on PATH: version check, `upgrade --install`, `status`,
//!   `uninstall`, the JetStream volumes;
//! - [`kubeconfig`]: which Kubernetes context a call goes to, checked before anything runs;
//! - [`wait`]: until a public URL answers NATS with a JetStream meta leader.
//!
//! It never prints and never talks to the registry: `commands/backbones` sequences these steps
//! and the registry's records.

pub(crate) mod chart;
pub(crate) mod helm;
pub(crate) mod kubeconfig;
pub(crate) mod values;
pub(crate) mod wait;

/// Where the steps report progress (Helm's output lines among them).
pub(crate) trait Progress: Sync {
    fn line(&self, text: &str);
}

/// Why a step of deploying or removing a backbone failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum KubeError {
    /// No `helm` on PATH.
    #[error("`helm` is not on PATH")]
    NoHelm,
    /// The `helm` on PATH is a version arc does not drive.
    #[error("the `helm` on PATH is `{found}`; arc drives {}", helm::SUPPORTED)]
    UnsupportedHelm { found: String },
    /// No `kubectl` on PATH (removing the data volumes needs it).
    #[error("`kubectl` is not on PATH; removing the backbone's data volumes needs it")]
    NoKubectl,
    /// No Kubernetes context to deploy to.
    #[error("no Kubernetes context: {detail}")]
    NoContext { detail: String },
    /// A program could not be started.
    #[error("cannot run `{program}`")]
    Spawn {
        program: String,
        #[source]
        source: std::io::Error,
    },
    /// Helm could not reach the cluster.
    #[error("the Kubernetes cluster of context `{context}` is unreachable; Helm said:\n{output}")]
    Unreachable { context: String, output: String },
    /// `helm upgrade --install` failed: the rollout did not finish (Helm rolled it back).
    #[error(
        "the rollout of release `{release}` in namespace `{namespace}` failed; Helm said:\n{output}\nthe release now: {status}"
    )]
    RolloutFailed {
        release: String,
        namespace: String,
        output: String,
        status: String,
    },
    /// Another Helm call failed.
    #[error("`helm {op}` failed:\n{output}")]
    Helm { op: String, output: String },
    /// A kubectl call failed.
    #[error("`kubectl {op}` failed:\n{output}")]
    Kubectl { op: String, output: String },
    /// The public URL did not answer NATS with a JetStream meta leader in time.
    #[error("{url} did not answer NATS with a JetStream meta leader within {waited}: {last}")]
    NotAnswering {
        url: String,
        waited: String,
        last: String,
    },
}

impl KubeError {
    /// What to do next.
    pub(crate) fn hint(&self) -> Option<String> {
        Some(match self {
            KubeError::NoHelm | KubeError::UnsupportedHelm { .. } => helm::INSTALL.into(),
            KubeError::NoKubectl => {
                "install kubectl (https://kubernetes.io/docs/tasks/tools/), or pass --keep-data and delete the volumes yourself".into()
            }
            KubeError::NoContext { .. } => {
                "pass --kube-context NAME, or select one with `kubectl config use-context NAME` (KUBECONFIG names the file)".into()
            }
            KubeError::Spawn { .. } => "check that the program on PATH is executable".into(),
            KubeError::Unreachable { context, .. } => format!(
                "check the cluster with `kubectl --context {context} cluster-info`; the registry was not changed"
            ),
            KubeError::RolloutFailed { namespace, .. } => format!(
                "`kubectl --namespace {namespace} get pods` and `kubectl describe pod` show why the pods did not become ready; the registry was not changed"
            ),
            KubeError::Helm { .. } | KubeError::Kubectl { .. } => return None,
            KubeError::NotAnswering { .. } => {
                "check that the public URL reaches the release's Service (DNS, load balancer, firewall); `arc backbones status` asks it again".into()
            }
        })
    }
}
