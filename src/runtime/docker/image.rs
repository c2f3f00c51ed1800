//! A service's image: built from the project (`arc build`) or pulled when missing, and its
//! id in the configuration hash.

use std::collections::{BTreeMap, HashMap};

use bollard::query_parameters::CreateImageOptionsBuilder;
use futures::StreamExt;
use sha2::{Digest, Sha256};

use super::{engine_reason, DockerRuntime};
use crate::runtime::{LifecycleEvent, Reporter, RuntimeError};
use crate::spec::ServiceSpec;

impl DockerRuntime {
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
        crate::format::hex(&Sha256::digest(both.as_bytes()))[..12].to_owned()
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
}

/// `repo:tag` (`nats:2.15-alpine`, `my.registry:5000/x/y:1`); no tag means `latest`.
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
        assert_eq!(split_image("nats:2.15-alpine"), ("nats", "2.15-alpine"));
        assert_eq!(split_image("redis"), ("redis", "latest"));
        assert_eq!(split_image("reg:5000/a/b"), ("reg:5000/a/b", "latest"));
        assert_eq!(split_image("reg:5000/a/b:1"), ("reg:5000/a/b", "1"));
    }
}
