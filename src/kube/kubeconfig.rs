//! Which Kubernetes context a Helm call goes to: the one given, or the kubeconfig's current
//! context, checked against the kubeconfig before anything runs — and then always passed to
//! Helm explicitly, so a `kubectl config use-context` elsewhere cannot move a running deploy.

use std::path::PathBuf;

use super::KubeError;

/// The kubeconfig files: `KUBECONFIG` (a `:` list) or `~/.kube/config`.
fn files(kubeconfig: Option<&str>, home: Option<&str>) -> Vec<PathBuf> {
    match kubeconfig.filter(|k| !k.is_empty()) {
        Some(list) => std::env::split_paths(list).collect(),
        None => home
            .map(|h| PathBuf::from(h).join(".kube").join("config"))
            .into_iter()
            .collect(),
    }
}

/// The context to use. `kubeconfig` and `home` are `KUBECONFIG` and `HOME` as the settings
/// resolved them.
pub(crate) fn resolve(
    given: Option<&str>,
    kubeconfig: Option<&str>,
    home: Option<&str>,
) -> Result<String, KubeError> {
    let paths = files(kubeconfig, home);
    let mut contexts = Vec::new();
    let mut current = None;
    let mut read_any = false;
    for p in &paths {
        let Ok(text) = std::fs::read_to_string(p) else {
            continue;
        };
        read_any = true;
        let doc: serde_json::Value =
            serde_yaml_ng::from_str(&text).map_err(|e| KubeError::NoContext {
                detail: format!("{} is not a kubeconfig: {e}", p.display()),
            })?;
        if current.is_none() {
            current = doc["current-context"]
                .as_str()
                .filter(|c| !c.is_empty())
                .map(str::to_owned);
        }
        for c in doc["contexts"].as_array().into_iter().flatten() {
            if let Some(n) = c["name"].as_str() {
                contexts.push(n.to_owned());
            }
        }
    }
    let shown = paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(":");
    if !read_any {
        return Err(KubeError::NoContext {
            detail: format!("no kubeconfig at {shown}"),
        });
    }
    match given {
        Some(g) if contexts.iter().any(|c| c == g) => Ok(g.to_owned()),
        Some(g) => Err(KubeError::NoContext {
            detail: format!(
                "context `{g}` is not in {shown} (it has: {})",
                if contexts.is_empty() {
                    "none".to_owned()
                } else {
                    contexts.join(", ")
                }
            ),
        }),
        None => current.ok_or_else(|| KubeError::NoContext {
            detail: format!("{shown} sets no current-context"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_context_is_given_or_current_and_must_exist() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = dir.path().join("config");
        std::fs::write(
            &cfg,
            "apiVersion: v1\nkind: Config\ncurrent-context: eu\ncontexts:\n- name: eu\n  context: {cluster: eu}\n- name: us\n  context: {cluster: us}\n",
        )
        .unwrap();
        let k = cfg.to_str();
        assert_eq!(resolve(None, k, None).unwrap(), "eu");
        assert_eq!(resolve(Some("us"), k, None).unwrap(), "us");
        let e = resolve(Some("ap"), k, None).unwrap_err().to_string();
        assert!(e.contains("`ap` is not in") && e.contains("eu, us"), "{e}");
        let missing = dir.path().join("nope");
        let e = resolve(None, missing.to_str(), None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("no kubeconfig"), "{e}");
        std::fs::write(&cfg, "apiVersion: v1\nkind: Config\ncontexts: []\n").unwrap();
        let e = resolve(None, k, None).unwrap_err().to_string();
        assert!(e.contains("sets no current-context"), "{e}");
    }
}
