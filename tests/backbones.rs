//! Issue 24: NATS backbones in Kubernetes through the official NATS Helm chart, recorded in the
//! registry. No Kubernetes cluster can run here, so each part is proved where it can be:
//!
//! - the chart really renders with arc's values: the official chart (`../shared/charts/`, as
//!   the chart repository serves it) rendered by the real Helm engine (PyPI helm-python-sdk)
//!   for 1, 3 and 5 servers and each `--expose`, every manifest validated against the
//!   Kubernetes OpenAPI schemas (PyPI kubernetes-validate, strict);
//! - the rendered `nats.conf` works: N real nats-servers run the chart's ConfigMap, with only
//!   the pod addresses turned into local ones, form a cluster, elect a JetStream meta leader and
//!   store an R3 stream on every server;
//! - the Helm calls are right: a `helm` stand-in (and a `kubectl` one) on PATH that stands in
//!   for a cluster records the exact commands and answers as Helm does;
//! - the registry round trip: deploy registers the backbone (its public URL is the real
//!   chart-configured cluster above), the pipeline routes its org's messages there, remove
//!   drains (routing stops) before it uninstalls.

#![allow(clippy::print_stderr)]

mod support;

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use futures::StreamExt as _;
use serde_json::{json, Value};
use support::{free_port, stack, Run, ADMIN};

/// The chart version arc pins (src/kube/chart.rs); the test checks arc's plan names it.
const CHART_VERSION: &str = "2.14.2";
/// The Kubernetes versions arc claims its manifests for.
const K8S_VERSIONS: &str = "1.29.0,1.33.0,1.37.0";

/// The official chart beside the repository (CI puts a copy of shared/ there).
fn chart() -> PathBuf {
    let p = support::repo()
        .join("../shared/charts")
        .join(format!("nats-{CHART_VERSION}.tgz"));
    assert!(
        p.is_file(),
        "the official NATS chart is not at {}: copy shared/charts/ beside the repository (its README says where the archive comes from)",
        p.display()
    );
    p
}

/// The Python packages that render and validate; missing ones fail the test, never skip it.
fn require_python() {
    let ok = Command::new("python3")
        .args(["-c", "import helm_python.chart, kubernetes_validate, yaml"])
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        ok,
        "python3 with helm-python-sdk and kubernetes-validate is needed: pip install helm-python-sdk kubernetes-validate, or run scripts/deps.sh"
    );
}

/// `arc --json backbones values ARGS…`.
fn values(args: &[&str]) -> Value {
    let mut all = vec!["--json", "backbones", "values"];
    all.extend_from_slice(args);
    Run::new(all).run().success().json()
}

/// The chart rendered with `values` as release `release`, every manifest validated.
fn render(values: &Value, release: &str) -> Value {
    require_python();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("values.json");
    std::fs::write(&file, values.to_string()).unwrap();
    let out = Command::new("python3")
        .arg(support::repo().join("tests/support/render_chart.py"))
        .arg(chart())
        .arg(release)
        .arg(&file)
        .arg(K8S_VERSIONS)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "render_chart.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("render_chart.py's JSON");
    assert_eq!(v["errors"], json!([]), "manifests that do not validate");
    assert!(v["validated"].as_u64().unwrap() > 0);
    v
}

/// The one document of `template` in a render.
fn doc<'a>(r: &'a Value, template: &str) -> &'a Value {
    &r["manifests"][format!("nats/templates/{template}")][0]
}

#[test]
fn the_chart_renders_and_validates_for_each_size_and_exposure() {
    for n in [1u64, 3, 5] {
        for (expose, url) in [
            ("loadbalancer", "nats://nats.eu.acme.io:4222"),
            ("nodeport", "nats://node1.eu.acme.io:30422"),
            ("ingress", "wss://nats.eu.acme.io/"),
        ] {
            let what = format!("{n} servers, --expose {expose}");
            let v = values(&[
                "eu-1",
                "--org",
                "acme",
                "--cluster",
                "eu",
                "--replicas",
                &n.to_string(),
                "--expose",
                expose,
                "--public-url",
                url,
            ]);
            let r = render(&v, "eu-1");
            let sts = doc(&r, "stateful-set.yaml");
            assert_eq!(sts["spec"]["replicas"], n, "{what}");
            let pod = &sts["spec"]["template"]["spec"];
            let nats = &pod["containers"][0];
            assert_eq!(nats["name"], "nats");
            assert_eq!(nats["resources"]["requests"]["memory"], "1Gi", "{what}");
            assert_eq!(nats["resources"]["limits"]["memory"], "2Gi", "{what}");
            // Anti-affinity selects exactly this release's servers.
            let anti = &pod["affinity"]["podAntiAffinity"]
                ["requiredDuringSchedulingIgnoredDuringExecution"][0];
            assert_eq!(anti["topologyKey"], "kubernetes.io/hostname", "{what}");
            assert_eq!(
                anti["labelSelector"]["matchLabels"], sts["spec"]["selector"]["matchLabels"],
                "{what}"
            );
            let exporter = pod["containers"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["name"] == "prom-exporter")
                .unwrap_or_else(|| panic!("{what}: no Prometheus exporter"));
            assert_eq!(exporter["ports"][0]["containerPort"], 7777);
            assert_eq!(
                sts["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"],
                "10Gi"
            );
            let pdb = doc(&r, "pod-disruption-budget.yaml");
            assert_eq!(pdb["spec"]["maxUnavailable"], 1, "{what}");
            assert_eq!(
                pdb["spec"]["selector"]["matchLabels"],
                sts["spec"]["selector"]["matchLabels"]
            );
            assert!(
                r["manifests"]["nats/templates/nats-box/deployment.yaml"].is_null(),
                "{what}: nats-box is off"
            );
            let conf = doc(&r, "config-map.yaml")["data"]["nats.conf"]
                .as_str()
                .unwrap();
            assert!(conf.contains("\"max_file_store\": 10Gi"), "{what}: {conf}");
            let routes = conf.matches("-headless:6222").count();
            assert_eq!(routes as u64, if n > 1 { n } else { 0 }, "{what}: {conf}");
            let svc = doc(&r, "service.yaml");
            match expose {
                "loadbalancer" => {
                    assert_eq!(svc["spec"]["type"], "LoadBalancer");
                    assert_eq!(
                        svc["metadata"]["annotations"]["external-dns.alpha.kubernetes.io/hostname"],
                        "nats.eu.acme.io"
                    );
                }
                "nodeport" => {
                    assert_eq!(svc["spec"]["type"], "NodePort");
                    let port = &svc["spec"]["ports"][0];
                    assert_eq!(
                        (&port["name"], &port["nodePort"]),
                        (&json!("nats"), &json!(30422))
                    );
                }
                _ => {
                    let ing = doc(&r, "ingress.yaml");
                    assert_eq!(ing["spec"]["rules"][0]["host"], "nats.eu.acme.io");
                    assert!(conf.contains("\"websocket\""), "{conf}");
                }
            }
        }
    }
}

/// `--values FILE` merges over the standard values the way Helm would, and the result renders.
#[test]
fn a_values_file_merges_over_the_standard_values() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mine.yaml");
    std::fs::write(
        &file,
        "container:\n  resources:\n    limits:\n      memory: 4Gi\nconfig:\n  jetstream:\n    fileStore:\n      pvc:\n        size: 50Gi\n        storageClassName: fast-ssd\n",
    )
    .unwrap();
    let v = values(&[
        "eu-1",
        "--org",
        "acme",
        "--cluster",
        "eu",
        "--public-url",
        "nats://nats.eu.acme.io:4222",
        "--values",
        file.to_str().unwrap(),
    ]);
    assert_eq!(v["container"]["resources"]["requests"]["memory"], "1Gi");
    let r = render(&v, "eu-1");
    let sts = doc(&r, "stateful-set.yaml");
    assert_eq!(
        sts["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"]["memory"],
        "4Gi"
    );
    let claim = &sts["spec"]["volumeClaimTemplates"][0]["spec"];
    assert_eq!(claim["resources"]["requests"]["storage"], "50Gi");
    assert_eq!(claim["storageClassName"], "fast-ssd");
    // A file that is not YAML is named with its line.
    std::fs::write(&file, "container: [\n").unwrap();
    let bad = Run::new([
        "backbones",
        "values",
        "eu-1",
        "--org",
        "acme",
        "--cluster",
        "eu",
        "--public-url",
        "nats://nats.eu.acme.io:4222",
        "--values",
        file.to_str().unwrap(),
    ])
    .run()
    .expect_code(2);
    assert!(bad.stderr().contains("mine.yaml:"), "{}", bad.stderr());
}

/// N nats-servers running the chart's rendered `nats.conf`, killed when dropped.
struct ChartCluster {
    servers: Vec<Child>,
    client: Vec<u16>,
    http: Vec<u16>,
    _dir: tempfile::TempDir,
}

impl Drop for ChartCluster {
    fn drop(&mut self) {
        for s in &mut self.servers {
            let _ = s.kill();
            let _ = s.wait();
        }
    }
}

/// Replaces `from` (which must occur exactly once: the chart's output is what arc expects)
/// by `to`.
fn once(text: &str, from: &str, to: &str) -> String {
    assert_eq!(
        text.matches(from).count(),
        1,
        "`{from}` is not in the rendered nats.conf once:\n{text}"
    );
    text.replace(from, to)
}

impl ChartCluster {
    /// Renders the chart with arc's values for `n` servers (release `release`) and runs its
    /// `nats.conf` as it is, but for what a pod's network gives it: each pod's own address
    /// (here a port of its own on 127.0.0.1 for the client, route and monitoring listeners),
    /// the route URLs' pod DNS names resolved to those, and its volume and pid paths.
    fn start(n: u16, release: &str) -> Self {
        let v = values(&[
            release,
            "--org",
            "acme",
            "--cluster",
            "eu",
            "--replicas",
            &n.to_string(),
            "--public-url",
            "nats://nats.eu.acme.io:4222",
        ]);
        let r = render(&v, release);
        let conf = doc(&r, "config-map.yaml")["data"]["nats.conf"]
            .as_str()
            .unwrap()
            .to_owned();
        // The pod's env (stateful-set.yaml): SERVER_NAME is the pod's name.
        let env = &doc(&r, "stateful-set.yaml")["spec"]["template"]["spec"]["containers"][0]["env"];
        assert!(
            env.as_array()
                .unwrap()
                .iter()
                .any(|e| e["name"] == "SERVER_NAME"),
            "{env}"
        );
        let base = support::ports::free_run(3 * n);
        let client: Vec<u16> = (0..n).map(|i| base + i).collect();
        let route: Vec<u16> = (0..n).map(|i| base + n + i).collect();
        let http: Vec<u16> = (0..n).map(|i| base + 2 * n + i).collect();
        let dir = tempfile::tempdir().unwrap();
        let mut servers = Vec::new();
        for i in 0..usize::from(n) {
            let mut c = once(&conf, "\"port\": 4222", &format!("\"port\": {}", client[i]));
            c = once(
                &c,
                "\"http_port\": 8222",
                &format!("\"http_port\": {}", http[i]),
            );
            let store = dir.path().join(format!("data-{i}"));
            c = once(
                &c,
                "\"store_dir\": \"/data\"",
                &format!("\"store_dir\": \"{}\"", store.display()),
            );
            let pid = dir.path().join(format!("nats-{i}.pid"));
            c = once(
                &c,
                "\"pid_file\": \"/var/run/nats/nats.pid\"",
                &format!("\"pid_file\": \"{}\"", pid.display()),
            );
            if n > 1 {
                c = once(&c, "\"port\": 6222", &format!("\"port\": {}", route[i]));
                for (j, port) in route.iter().enumerate() {
                    c = once(
                        &c,
                        &format!("nats://{release}-nats-{j}.{release}-nats-headless:6222"),
                        &format!("nats://127.0.0.1:{port}"),
                    );
                }
            }
            let file = dir.path().join(format!("nats-{i}.conf"));
            std::fs::write(&file, &c).unwrap();
            let log = std::fs::File::create(dir.path().join(format!("nats-{i}.log"))).unwrap();
            let child = Command::new("nats-server")
                .arg("--config")
                .arg(&file)
                .env("SERVER_NAME", format!("{release}-nats-{i}"))
                .stdout(Stdio::null())
                .stderr(log)
                .spawn()
                .expect("nats-server is on PATH (apt-get install nats-server, or scripts/deps.sh)");
            servers.push(child);
        }
        ChartCluster {
            servers,
            client,
            http,
            _dir: dir,
        }
    }

    fn url(&self, i: usize) -> String {
        format!("nats://127.0.0.1:{}", self.client[i])
    }

    /// `GET /jsz…` of server `i`'s monitoring port (the chart's `http_port`).
    async fn jsz(&self, i: usize, query: &str) -> Value {
        match reqwest::get(format!("http://127.0.0.1:{}/jsz{query}", self.http[i])).await {
            Ok(r) => r.json().await.unwrap_or(Value::Null),
            Err(_) => Value::Null,
        }
    }

    /// The meta leader every server names, when they all see the whole cluster and agree.
    async fn agreed_leader(&self) -> Option<String> {
        let n = self.servers.len();
        let mut seen = Vec::new();
        for i in 0..n {
            let j = self.jsz(i, "").await;
            let l = j["meta_cluster"]["leader"].as_str().unwrap_or_default();
            let size = j["meta_cluster"]["cluster_size"].as_u64().unwrap_or(0);
            if l.is_empty() || size != u64::try_from(n).unwrap() {
                return None;
            }
            seen.push(l.to_owned());
        }
        seen.dedup();
        (seen.len() == 1).then(|| seen.remove(0))
    }

    /// Waits until every server sees all `n` peers and names the same meta leader.
    async fn meta_leader(&self) -> String {
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(l) = self.agreed_leader().await {
                return l;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the servers running the chart's nats.conf agreed on no JetStream meta leader within 60 s"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rendered_nats_conf_forms_a_cluster_that_stores_an_r3_stream() {
    let c = ChartCluster::start(3, "eu-1");
    let leader = c.meta_leader().await;
    assert!(leader.starts_with("eu-1-nats-"), "{leader}");
    let js = async_nats::jetstream::new(async_nats::connect(c.url(1)).await.expect("nats"));
    // Right after the election a peer may not be placeable yet: asked again until it is.
    let config = async_nats::jetstream::stream::Config {
        name: "ORDERS".into(),
        subjects: vec!["orders.>".into()],
        num_replicas: 3,
        ..Default::default()
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let mut stream = loop {
        match js.get_or_create_stream(config.clone()).await {
            Ok(s) => break s,
            Err(e) => {
                assert!(
                    std::time::Instant::now() < deadline,
                    "no R3 stream within 30 s: {e}"
                );
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    };
    for i in 0..10 {
        js.publish(format!("orders.{i}"), "x".into())
            .await
            .unwrap()
            .await
            .expect("stored");
    }
    let info = stream.info().await.unwrap();
    assert_eq!(info.config.num_replicas, 3);
    // Every copy: each server's own monitoring says it holds the 10 messages.
    for i in 0..3 {
        support::eventually(
            &format!("server {i} holds ORDERS' 10 messages"),
            Duration::from_secs(30),
            || async {
                let j = c.jsz(i, "?accounts=true&streams=true").await;
                j["account_details"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .flat_map(|a| a["stream_detail"].as_array().into_iter().flatten())
                    .any(|s| s["name"] == "ORDERS" && s["state"]["messages"] == 10)
            },
        )
        .await;
    }
}

/// A `helm` stand-in for a Kubernetes cluster: it records every call (and, for `uninstall`, what
/// the registry said at that moment) and answers as Helm 3 does. Its releases live in files.
/// `FAKE_HELM_ROLLOUT=fail` makes `upgrade` fail as a rollout that never becomes ready does;
/// `FAKE_HELM_UNREACHABLE=1` answers as Helm does when the cluster cannot be reached.
const HELM_STANDIN: &str = r#"#!/bin/bash
# Stands in for a Kubernetes cluster behind Helm (tests/backbones.rs).
set -u
echo "helm $*" >> "$FAKE_LOG"
state="$FAKE_STATE"
mkdir -p "$state"
cmd="$1"; shift
if [ "$cmd" = version ]; then echo "${FAKE_HELM_VERSION:-v3.16.2+g13654a5}"; exit 0; fi
if [ -n "${FAKE_HELM_UNREACHABLE:-}" ]; then
  echo 'Error: Kubernetes cluster unreachable: Get "https://10.0.0.1:6443/version": dial tcp 10.0.0.1:6443: connect: connection refused' >&2
  exit 1
fi
case "$cmd" in
  upgrade)
    shift; rel="$1"; values=""
    while [ $# -gt 0 ]; do [ "$1" = --values ] && values="$2"; shift; done
    cp "$values" "$FAKE_LOG.values"
    if [ -f "$state/$rel" ]; then rev=$(( $(cat "$state/$rel") + 1 )); else rev=1; echo "Release \"$rel\" does not exist. Installing it now."; fi
    if [ "${FAKE_HELM_ROLLOUT:-ok}" = fail ]; then
      if [ "$rev" = 1 ]; then
        echo "Error: INSTALLATION FAILED: release $rel failed, and has been uninstalled due to atomic being set: resource StatefulSet/arc-backbones/$rel-nats not ready. status: InProgress, message: Available: 0/3; pod $rel-nats-0: 0/1 nodes are available: 1 Insufficient memory" >&2
      else
        echo "$(( rev + 1 ))" > "$state/$rel"
        echo "Error: UPGRADE FAILED: release $rel failed, and has been rolled back due to atomic being set: context deadline exceeded" >&2
      fi
      exit 1
    fi
    echo "$rev" > "$state/$rel"
    echo "Release \"$rel\" has been upgraded. Happy Helming!"
    echo "NAME: $rel"; echo "STATUS: deployed"; echo "REVISION: $rev"
    ;;
  status)
    rel="$1"
    if [ ! -f "$state/$rel" ]; then echo "Error: release: not found" >&2; exit 1; fi
    echo "{\"name\":\"$rel\",\"info\":{\"status\":\"deployed\",\"description\":\"Upgrade complete\"},\"version\":$(cat "$state/$rel"),\"namespace\":\"arc-backbones\"}"
    ;;
  uninstall)
    rel="$1"
    curl -s -H "Authorization: Bearer $ARC_ADMIN_TOKEN" "$ARC_PIPELINE_URL/v1/backbones/$rel" > "$FAKE_LOG.registry-at-uninstall"
    if [ ! -f "$state/$rel" ]; then echo "Error: uninstall: Release not loaded: $rel: release: not found" >&2; exit 1; fi
    rm "$state/$rel"
    echo "release \"$rel\" uninstalled"
    ;;
  *) echo "Error: unknown command \"$cmd\" for \"helm\"" >&2; exit 1 ;;
esac
"#;

const KUBECTL_STANDIN: &str = r#"#!/bin/bash
# Stands in for a Kubernetes cluster behind kubectl (tests/backbones.rs).
echo "kubectl $*" >> "$FAKE_LOG"
echo 'persistentvolumeclaim "eu-1-nats-js-eu-1-nats-0" deleted'
"#;

/// The stand-ins' bin directory, state, log and kubeconfig.
struct Standin {
    dir: tempfile::TempDir,
}

impl Standin {
    fn new() -> Self {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("bin");
        std::fs::create_dir(&bin).unwrap();
        for (name, text) in [("helm", HELM_STANDIN), ("kubectl", KUBECTL_STANDIN)] {
            let p = bin.join(name);
            std::fs::write(&p, text).unwrap();
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        std::fs::write(
            dir.path().join("kubeconfig"),
            "apiVersion: v1\nkind: Config\ncurrent-context: eu-prod\ncontexts:\n- name: eu-prod\n  context: {cluster: eu, user: admin}\nclusters:\n- name: eu\n  cluster: {server: 'https://10.0.0.1:6443'}\nusers:\n- name: admin\n  user: {token: x}\n",
        )
        .unwrap();
        Standin { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// PATH with the stand-ins first.
    fn search_path(&self) -> String {
        format!(
            "{}:{}",
            self.path("bin").display(),
            std::env::var("PATH").unwrap_or_default()
        )
    }

    /// The calls since the last [`Standin::take`], one per line.
    fn take(&self) -> Vec<String> {
        let log = self.path("log");
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        let _ = std::fs::remove_file(&log);
        text.lines().map(str::to_owned).collect()
    }

    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(name)).unwrap_or_default()
    }
}

/// One line per call, as the stand-in logged it, for comparing whole commands.
fn line(parts: &[&str]) -> String {
    parts.join(" ")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deploy_and_remove_through_helm_round_trip_the_registry() {
    let s = stack();
    let serve = s.serve(&["--components", "fanout,config,registry"]);
    support::ready(&serve.url).await;
    let cluster = ChartCluster::start(3, "eu-1");
    cluster.meta_leader().await;
    let public = cluster.url(0);
    let fake = Standin::new();
    let state = s.p.state();
    let values_file = state.join("backbones/eu-1.values.yaml");
    let arc = |args: &[&str], env: &[(&str, &str)]| {
        let mut all = vec!["--json", "backbones"];
        all.extend_from_slice(args);
        let mut r =
            s.p.arc(all)
                .env("ARC_PIPELINE_URL", &serve.url)
                .env("ARC_ADMIN_TOKEN", ADMIN)
                .env("PATH", &fake.search_path())
                .env("KUBECONFIG", fake.path("kubeconfig").to_str().unwrap())
                .env("FAKE_LOG", fake.path("log").to_str().unwrap())
                .env("FAKE_STATE", fake.path("releases").to_str().unwrap());
        for (k, v) in env {
            r = r.env(k, v);
        }
        r.run()
    };
    let registry = || async {
        let r = reqwest::Client::new()
            .get(format!("{}/v1/backbones/eu-1", serve.url))
            .bearer_auth(ADMIN)
            .send()
            .await
            .unwrap();
        let st = r.status().as_u16();
        (st, r.json::<Value>().await.unwrap_or(Value::Null))
    };
    let deploy = |extra: &[&str]| -> Vec<String> {
        let mut a = vec![
            "deploy",
            "eu-1",
            "--org",
            "acme",
            "--cluster",
            "eu",
            "--region",
            "eu-west",
            "--public-url",
            &public,
        ];
        a.extend_from_slice(extra);
        a.into_iter().map(str::to_owned).collect()
    };
    let arcv = |args: &[String], env: &[(&str, &str)]| {
        arc(&args.iter().map(String::as_str).collect::<Vec<_>>(), env)
    };
    let upgrade_cmd = |values: &str| {
        line(&[
            "helm upgrade --install eu-1 nats --repo https://nats-io.github.io/k8s/helm/charts/",
            &format!("--version {CHART_VERSION} --namespace arc-backbones --create-namespace"),
            "--kube-context eu-prod --values",
            values,
            "--atomic --wait --timeout 10m0s",
        ])
    };
    let vf = values_file.display().to_string();

    // --dry-run: the plan, nothing run, nothing registered.
    let plan = arcv(&deploy(&["--dry-run"]), &[]).success().json();
    assert_eq!(plan["chart"]["version"], CHART_VERSION);
    assert_eq!(plan["kube_context"], "eu-prod");
    assert_eq!(plan["registry"]["metadata"]["status"], "active");
    assert_eq!(plan["helm"].as_array().unwrap()[1], "upgrade");
    assert_eq!(fake.take(), Vec::<String>::new(), "--dry-run ran nothing");
    assert_eq!(registry().await.0, 404);

    // No helm on PATH: said plainly, with how to install it; nothing registered.
    let no_helm =
        s.p.arc(std::iter::once("backbones".to_owned()).chain(deploy(&[])))
            .env("ARC_PIPELINE_URL", &serve.url)
            .env("ARC_ADMIN_TOKEN", ADMIN)
            .env("PATH", "/nonexistent")
            .run()
            .expect_code(1);
    assert!(
        no_helm.stderr().contains("`helm` is not on PATH"),
        "{}",
        no_helm.stderr()
    );
    assert!(
        no_helm.stderr().contains("install Helm 3.8+ or 4"),
        "{}",
        no_helm.stderr()
    );
    // A Helm arc does not drive.
    let old = arcv(&deploy(&[]), &[("FAKE_HELM_VERSION", "v2.17.0")]).expect_code(1);
    assert!(old.stderr().contains("v2.17.0"), "{}", old.stderr());
    // No such kube context.
    let no_ctx = arcv(&deploy(&["--kube-context", "us-prod"]), &[]).expect_code(1);
    assert!(
        no_ctx.stderr().contains("context `us-prod` is not in"),
        "{}",
        no_ctx.stderr()
    );
    // The cluster cannot be reached.
    let unreachable = arcv(&deploy(&[]), &[("FAKE_HELM_UNREACHABLE", "1")]).expect_code(1);
    assert!(
        unreachable.stderr().contains("is unreachable")
            && unreachable.stderr().contains("connection refused"),
        "{}",
        unreachable.stderr()
    );
    fake.take();
    assert_eq!(registry().await.0, 404);

    // A failed rollout: Helm's words and the release's state; the registry untouched.
    let failed = arcv(&deploy(&[]), &[("FAKE_HELM_ROLLOUT", "fail")]).expect_code(1);
    let err = failed.stderr();
    assert!(err.contains("rollout of release `eu-1`"), "{err}");
    assert!(err.contains("Insufficient memory"), "{err}");
    assert!(err.contains("no release is left"), "{err}");
    assert_eq!(
        fake.take(),
        vec![
            "helm version --short".to_owned(),
            upgrade_cmd(&vf),
            "helm status eu-1 --namespace arc-backbones --kube-context eu-prod --output json"
                .to_owned(),
        ]
    );
    assert_eq!(
        registry().await.0,
        404,
        "a failed rollout registers nothing"
    );

    // A public URL that never answers: installed, not registered, and said so.
    let silent = format!("nats://127.0.0.1:{}", free_port());
    let mut nothing = deploy(&["--timeout", "2s"]);
    let at = nothing.iter().position(|a| a == "--public-url").unwrap();
    nothing[at + 1].clone_from(&silent);
    let never = arcv(&nothing, &[]).expect_code(1);
    assert!(
        never.stderr().contains("installed but not registered"),
        "{}",
        never.stderr()
    );
    assert_eq!(registry().await.0, 404);
    fake.take();
    // `status` of a backbone whose URL does not answer: exit 1, and why.
    arc(
        &[
            "add",
            "dead-1",
            "--org",
            "zeta",
            "--cluster",
            "x",
            "--nats-url",
            &silent,
        ],
        &[],
    )
    .success();
    let dead = arc(&["status", "dead-1"], &[]).expect_code(1).json();
    assert_eq!(dead["answers"], false, "{dead}");
    assert!(
        !dead["error"].as_str().unwrap_or_default().is_empty(),
        "{dead}"
    );
    // A system id that cannot name a Helm release is refused before anything runs.
    let bad = arcv(
        &deploy(&[])
            .into_iter()
            .map(|a| if a == "eu-1" { "EU_1".to_owned() } else { a })
            .collect::<Vec<_>>(),
        &[],
    )
    .expect_code(2);
    assert!(
        bad.stderr().contains("cannot name a Helm release"),
        "{}",
        bad.stderr()
    );
    assert_eq!(fake.take(), Vec::<String>::new());

    // The deploy: the exact command, the values arc shows are the values Helm got, the streams
    // applied (R3 on this cluster), the backbone registered.
    let out = arcv(&deploy(&[]), &[]).success();
    let rec = out.json();
    assert_eq!(
        fake.take(),
        vec![
            "helm version --short".to_owned(),
            upgrade_cmd(&vf),
            "helm status eu-1 --namespace arc-backbones --kube-context eu-prod --output json"
                .to_owned(),
        ]
    );
    let given: Value = serde_yaml_ng::from_str(&fake.read("log.values")).unwrap();
    let shown = values(&[
        "eu-1",
        "--org",
        "acme",
        "--cluster",
        "eu",
        "--public-url",
        &public,
    ]);
    assert_eq!(given, shown, "Helm got what `arc backbones values` prints");
    assert_eq!(rec["nats_url"], public.as_str());
    let m = &rec["metadata"];
    assert_eq!(m["status"], "active");
    assert_eq!(m["release"], "eu-1");
    assert_eq!(m["namespace"], "arc-backbones");
    assert_eq!(m["kube_context"], "eu-prod");
    assert_eq!(m["chart"], format!("nats-{CHART_VERSION}"));
    assert_eq!(m["region"], "eu-west");
    // Revision 2: the deploy whose URL never answered installed revision 1.
    assert_eq!(m["revision"], 2);
    let js = async_nats::jetstream::new(async_nats::connect(cluster.url(2)).await.unwrap());
    for name in ["AGENT_COMMANDS", "AGENT_EVENTS", "SYSTEM_METRICS"] {
        let mut st = js.get_stream(name).await.expect(name);
        assert_eq!(st.info().await.unwrap().config.num_replicas, 3, "{name}");
    }
    // `status` asks the backbone itself, and the release.
    let st = arc(&["status", "eu-1"], &[]).success().json();
    assert_eq!(st["answers"], true, "{st}");
    assert_eq!(st["backbone"]["cluster"], "eu-1-nats", "{st}");
    assert_eq!(st["release"]["revision"], 2, "{st}");
    fake.take();

    // The id is taken for another cluster: refused before Helm runs.
    let mut other = deploy(&[]);
    let at = other.iter().position(|a| a == "eu").unwrap();
    other[at] = "us".into();
    let taken = arcv(&other, &[]).expect_code(2);
    assert!(
        taken
            .stderr()
            .contains("is registered for org `acme` in cluster `eu`"),
        "{}",
        taken.stderr()
    );
    assert_eq!(fake.take(), Vec::<String>::new());

    // The pipeline routes acme's messages to it.
    support::config_applied(&serve.url, &["route acme"]).await;
    let remote = async_nats::connect(cluster.url(1)).await.unwrap();
    let mut remote_sub = remote.subscribe("orders.>").await.unwrap();
    remote.flush().await.unwrap();
    let local = async_nats::connect(&s.nats).await.unwrap();
    let mut local_sub = local.subscribe("orders.>").await.unwrap();
    local.flush().await.unwrap();
    let post = |subject: &'static str| {
        let url = serve.url.clone();
        async move {
            reqwest::Client::new()
                .post(format!("{url}/v1/messages"))
                .body(format!(
                    r#"{{"subject": "{subject}", "payload": 1, "headers": {{"org": "acme"}}}}"#
                ))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(post("orders.first").await, 202);
    let got = tokio::time::timeout(Duration::from_secs(10), remote_sub.next())
        .await
        .expect("the deployed backbone got acme's message")
        .unwrap();
    assert_eq!(got.subject.as_str(), "orders.first");

    // Deploy again, with Helm 4: an upgrade with Helm 4's spelling of --atomic; the record
    // follows (the next revision, still one record).
    let again = arcv(
        &deploy(&["--replicas", "5"]),
        &[("FAKE_HELM_VERSION", "v4.0.1+g12500dd")],
    )
    .success();
    let calls = fake.take();
    assert!(
        calls[1].ends_with("--rollback-on-failure --wait --timeout 10m0s"),
        "{calls:?}"
    );
    let again = again.json();
    assert_eq!(again["metadata"]["revision"], 3);
    assert_eq!(again["metadata"]["replicas"], 5);
    assert!(again["version"].as_i64().unwrap() > rec["version"].as_i64().unwrap());
    // An upgrade whose rollout fails: Helm rolled back, and the record is as it was.
    let failed = arcv(
        &deploy(&["--replicas", "1"]),
        &[("FAKE_HELM_ROLLOUT", "fail")],
    )
    .expect_code(1);
    assert!(
        failed.stderr().contains("rolled back"),
        "{}",
        failed.stderr()
    );
    assert!(
        failed.stderr().contains("is deployed"),
        "{}",
        failed.stderr()
    );
    let (_, now) = registry().await;
    assert_eq!(now["version"], again["version"], "{now}");
    assert_eq!(now["metadata"]["status"], "active");
    assert_eq!(now["metadata"]["replicas"], 5);
    fake.take();

    // remove, with the cluster unreachable: drained (so no longer routed), not uninstalled.
    let stuck = arc(&["remove", "eu-1"], &[("FAKE_HELM_UNREACHABLE", "1")]).expect_code(1);
    assert!(stuck.stderr().contains("draining"), "{}", stuck.stderr());
    assert_eq!(registry().await.1["metadata"]["status"], "draining");
    // The pipeline stops routing acme to it: acme's messages go to its own backbone.
    support::eventually(
        "the pipeline drops acme's route",
        Duration::from_secs(20),
        || async {
            let (_, v) = support::readyz(&serve.url).await;
            let c = v["config"].as_str().unwrap_or_default().to_owned();
            !c.is_empty() && !c.split(", ").any(|p| p == "route acme")
        },
    )
    .await;
    assert_eq!(post("orders.after").await, 202);
    let got = tokio::time::timeout(Duration::from_secs(10), local_sub.next())
        .await
        .expect("a drained backbone's org goes to the pipeline's own backbone")
        .unwrap();
    assert_eq!(got.subject.as_str(), "orders.after");
    fake.take();

    // remove: drain (already), uninstall — the registry said `draining` while Helm ran — then
    // decommissioned, then the volumes.
    let removed = arc(&["remove", "eu-1"], &[]).success();
    assert!(
        removed
            .stderr()
            .contains("draining: the pipeline no longer routes org `acme`'s messages"),
        "{}",
        removed.stderr()
    );
    let removed = removed.json();
    assert_eq!(
        fake.take(),
        vec![
            "helm version --short".to_owned(),
            "helm uninstall eu-1 --namespace arc-backbones --kube-context eu-prod --wait --timeout 5m0s".to_owned(),
            "kubectl delete pvc --context eu-prod --namespace arc-backbones --selector app.kubernetes.io/name=nats,app.kubernetes.io/instance=eu-1 --ignore-not-found".to_owned(),
        ]
    );
    let during: Value = serde_json::from_str(&fake.read("log.registry-at-uninstall")).unwrap();
    assert_eq!(
        during["metadata"]["status"], "draining",
        "drain before uninstall"
    );
    assert_eq!(removed["uninstalled"], true);
    assert_eq!(removed["registry"]["metadata"]["status"], "decommissioned");
    assert_eq!(registry().await.1["metadata"]["status"], "decommissioned");
    // Again, with --keep-data: the release is already gone; no volume is touched.
    let again = arc(&["remove", "eu-1", "--keep-data"], &[])
        .success()
        .json();
    assert_eq!(again["uninstalled"], false);
    let calls = fake.take();
    assert!(calls.iter().all(|c| !c.starts_with("kubectl")), "{calls:?}");
    // ls shows where it ran and that it is decommissioned; status does not count it as down.
    let ls = arc(&["ls"], &[]).success().json();
    let row = ls
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["system_id"] == "eu-1")
        .unwrap()
        .clone();
    assert_eq!(row["metadata"]["status"], "decommissioned");
    let table =
        s.p.arc(["backbones", "ls"])
            .env("ARC_PIPELINE_URL", &serve.url)
            .env("ARC_ADMIN_TOKEN", ADMIN)
            .run()
            .success()
            .stdout();
    assert!(table.contains("eu-prod/arc-backbones/eu-1"), "{table}");
}
