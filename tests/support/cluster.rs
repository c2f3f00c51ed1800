//! `overlays/cluster.yaml` brought up natively on free ports: three NATS nodes, two pipeline
//! instances and (with the `cluster` profile) the gateway. Used by tests/cluster.rs and
//! tests/gateway.rs.

use serde_json::Value;

pub use super::ports::free_run;
use super::{free_port, repo, require_servers, Done, Project};

/// A project running the cluster overlay on free ports.
pub struct Cluster {
    pub project: Project,
    /// NATS node `i` takes client port `client + i - 1` (and monitor port `monitor + i - 1`).
    pub client: u16,
    pub monitor: u16,
    /// Pipeline instance `i` listens on `http + i - 1`.
    pub http: u16,
    /// The gateway's URL (when the `cluster` profile runs it).
    pub gateway: String,
}

impl Drop for Cluster {
    /// The project's own `arc down` may not know every instance: stop them with the overlay.
    fn drop(&mut self) {
        let _ = self.arc(&["down", "--volumes"]);
    }
}

impl Cluster {
    /// `arc up TARGET` (`flash`, or the whole `cluster` profile).
    pub fn up(target: &str) -> Self {
        require_servers();
        if target == "cluster" {
            assert!(
                std::process::Command::new("caddy")
                    .arg("version")
                    .output()
                    .is_ok_and(|o| o.status.success()),
                "`caddy` is not installed: apt-get install caddy, or run `make deps`"
            );
        }
        let (client, monitor, cluster, http) = (free_run(3), free_run(3), free_run(3), free_run(2));
        let (gateway, ping) = (free_port(), free_port());
        let project = Project::with_overlay(&format!(
            "  flash:
    ports:
      - {{ name: client, host: {client} }}
      - {{ name: monitor, host: {monitor} }}
      - {{ name: cluster, container: {cluster} }}
  pipeline:
    ports:
      - {{ name: http, host: {http} }}
  gateway:
    ports:
      - {{ name: http, host: {gateway} }}
      - {{ name: ping, host: {ping} }}
"
        ));
        let c = Self {
            project,
            client,
            monitor,
            http,
            gateway: format!("http://127.0.0.1:{gateway}"),
        };
        c.arc(&["up", target]).success();
        c
    }

    /// `arc -f overlays/cluster.yaml ARGS…` in this project.
    pub fn arc(&self, args: &[&str]) -> Done {
        let overlay = repo().join("overlays/cluster.yaml").display().to_string();
        let mut all = vec!["-f", overlay.as_str()];
        all.extend_from_slice(args);
        self.project.arc(all).run()
    }

    /// `arc --json ARGS…`'s output.
    pub fn json(&self, args: &[&str]) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        self.arc(&all).json()
    }

    /// The pid of instance `service`, from `arc ps --json`.
    pub fn pid(&self, service: &str) -> u64 {
        let ps = self.json(&["ps"]);
        ps.as_array()
            .and_then(|r| r.iter().find(|r| r["service"] == service))
            .and_then(|r| r["pid"].as_u64())
            .unwrap_or_else(|| panic!("{service}'s pid: {ps}"))
    }

    /// The three NATS client URLs, as `arc env` lists them.
    pub fn urls(&self) -> String {
        (0..3)
            .map(|i| format!("nats://127.0.0.1:{}", self.client + i))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Pipeline instance `i`'s own URL (not through the gateway).
    pub fn instance(&self, i: u16) -> String {
        format!("http://127.0.0.1:{}", self.http + i - 1)
    }
}

/// SIGKILL `pid`.
pub fn sigkill(pid: u64) {
    let status = std::process::Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
}
