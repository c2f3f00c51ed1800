//! A service's named volumes: created labelled, handed to a non-root user once, removed on
//! `arc down --volumes`.

use std::collections::HashMap;

use bollard::models::{ContainerCreateBody, HostConfig, VolumeCreateOptions};
use bollard::query_parameters::{
    CreateContainerOptionsBuilder, InspectContainerOptions, RemoveVolumeOptionsBuilder,
};
use futures::StreamExt;

use super::{not_found, op_err, DockerRuntime};
use crate::runtime::RuntimeError;
use crate::spec::ServiceSpec;

impl DockerRuntime {
    /// Creates missing volumes; returns the new ones as (name, target).
    pub(super) async fn ensure_volumes(
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
    pub(super) async fn volume_needs_owner(&self, volume: &str, user: &str) -> bool {
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
    pub(super) async fn give_volume_to_user(
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
}
