//! arc's standardized values for the official NATS chart: one commented YAML text (what
//! `arc backbones values` prints and what a platform team reviews), the same text parsed into
//! the values Helm gets, and the user's `--values` merged over them the way Helm merges values
//! files (maps deep, everything else replaced, `null` deletes).
//!
//! Pure: no files, no processes. The commands read `--values` and hand the document in.

use std::fmt::Write as _;

use super::chart;

/// How clients outside the Kubernetes cluster reach the backbone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Expose {
    /// A `LoadBalancer` Service in front of the client port (4222).
    LoadBalancer,
    /// A `NodePort` Service: every node's port (30000-32767) reaches the client port.
    NodePort,
    /// An Ingress: NATS over WebSocket (ws/wss) behind the cluster's HTTP ingress controller;
    /// plain NATS is TCP, which an HTTP ingress cannot carry.
    Ingress,
}

impl Expose {
    /// The word on the command line.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Expose::LoadBalancer => "loadbalancer",
            Expose::NodePort => "nodeport",
            Expose::Ingress => "ingress",
        }
    }
}

/// The JetStream volume each server gets.
pub(crate) const STORAGE_SIZE: &str = "10Gi";

/// What the standardized values depend on.
#[derive(Debug, Clone)]
pub(crate) struct ValuesSpec {
    /// The Helm release (the backbone's system id).
    pub release: String,
    pub org: String,
    pub cluster: String,
    /// NATS servers (1 to 5; JetStream's meta group wants an odd number).
    pub replicas: u8,
    pub expose: Expose,
    /// The URL clients use (`nats://host:port`, or `ws(s)://host/` for an ingress).
    pub public_url: PublicUrl,
}

/// A parsed public URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PublicUrl {
    pub url: String,
    pub scheme: String,
    pub host: String,
    pub port: Option<u16>,
}

impl PublicUrl {
    /// Parses `url` and checks it fits `expose`; the message says what is wrong and what fits.
    pub(crate) fn parse(url: &str, expose: Expose) -> Result<Self, String> {
        let (scheme, rest) = url.split_once("://").ok_or_else(|| {
            format!("`{url}` has no scheme (like nats://nats.eu.example.com:4222)")
        })?;
        let authority = rest.split('/').next().unwrap_or_default();
        if authority.contains('@') {
            return Err(format!(
                "`{}` carries credentials; the registry's public URL is for everyone to read, give it without them",
                crate::bus::nats::redact(url)
            ));
        }
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) => (
                h,
                Some(
                    p.parse::<u16>()
                        .map_err(|_| format!("`{url}`: `{p}` is not a port"))?,
                ),
            ),
            None => (authority, None),
        };
        if host.is_empty() {
            return Err(format!("`{url}` names no host"));
        }
        let wants: &[&str] = match expose {
            Expose::LoadBalancer | Expose::NodePort => &["nats", "tls"],
            Expose::Ingress => &["ws", "wss"],
        };
        if !wants.contains(&scheme) {
            return Err(format!(
                "`{url}`: --expose {} serves {}://, not {scheme}://",
                expose.as_str(),
                wants.join(":// or ")
            ));
        }
        if expose == Expose::NodePort && !port.is_some_and(|p| (30000..=32767).contains(&p)) {
            return Err(format!(
                "`{url}`: --expose nodeport needs the node port in the URL, 30000 to 32767 (like nats://node.example.com:30422)"
            ));
        }
        Ok(PublicUrl {
            url: url.to_owned(),
            scheme: scheme.to_owned(),
            host: host.to_owned(),
            port,
        })
    }
}

/// The standardized values as commented YAML: the text `arc backbones values` prints. Each
/// value says why it is set.
pub(crate) fn standard_yaml(s: &ValuesSpec) -> String {
    let r = &s.release;
    let n = s.replicas;
    let mut y = String::new();
    let _ = writeln!(
        y,
        "# arc's standardized values for the official NATS chart ({} {} from {}),\n\
         # backbone `{r}` of org `{}` in cluster `{}`. `--values FILE` is merged over them.",
        chart::NAME,
        chart::VERSION,
        chart::REPO,
        s.org,
        s.cluster
    );
    y.push_str("config:\n  cluster:\n");
    if n > 1 {
        let _ = writeln!(
            y,
            "    # {n} servers routed to each other: JetStream keeps each stream on up to 3 of them\n    \
             # (R3), so a backbone survives the loss of one server.\n    \
             enabled: true\n    replicas: {n}"
        );
    } else {
        y.push_str(
            "    # One server: no routes (a cluster needs 2 or more); streams are R1.\n    \
             enabled: false\n",
        );
    }
    let _ = writeln!(
        y,
        "  jetstream:\n    \
         # JetStream on: the streams of services/messaging/streams.yaml live here.\n    \
         enabled: true\n    fileStore:\n      enabled: true\n      pvc:\n        \
         # Each server keeps its streams on its own PersistentVolumeClaim, which outlives pod\n        \
         # restarts and rescheduling; the server's file store limit is this size.\n        \
         enabled: true\n        size: {STORAGE_SIZE}\n  \
         monitor:\n    \
         # The monitoring port: the chart's health probes and the Prometheus exporter read it.\n    \
         enabled: true\n    port: 8222"
    );
    if s.expose == Expose::Ingress {
        let _ = writeln!(
            y,
            "  websocket:\n    \
             # --expose ingress: clients speak NATS over WebSocket through the cluster's ingress\n    \
             # controller (an HTTP ingress cannot carry NATS's own TCP protocol).\n    \
             enabled: true\n    port: 8080\n    ingress:\n      enabled: true\n      \
             hosts: [\"{}\"]\n      path: /\n      pathType: Prefix",
            s.public_url.host
        );
    }
    y.push_str(
        "container:\n  \
         # Requests let the scheduler place each server on a node with room; the memory limit\n  \
         # bounds a runaway server. No CPU limit: throttling a NATS server stalls every client.\n  \
         resources:\n    requests:\n      cpu: 500m\n      memory: 1Gi\n    limits:\n      memory: 2Gi\n  \
         env:\n    \
         # Go's collector keeps the heap under 90% of the memory limit instead of the pod being\n    \
         # OOM-killed at it.\n    \
         GOMEMLIMIT: 1843MiB\n",
    );
    y.push_str(
        "promExporter:\n  \
         # prometheus-nats-exporter beside each server on :7777, the exporter and port the\n  \
         # `observe` profile's collector scrapes (services/otel).\n  \
         enabled: true\n  port: 7777\n",
    );
    let _ = writeln!(
        y,
        "podTemplate:\n  merge:\n    spec:\n      affinity:\n        podAntiAffinity:\n          \
         # Never two servers of this backbone on one node: losing a node costs one replica,\n          \
         # never the quorum. A cluster with fewer nodes than replicas leaves pods Pending and\n          \
         # the rollout fails (Helm says so) rather than silently stacking them.\n          \
         requiredDuringSchedulingIgnoredDuringExecution:\n            \
         - topologyKey: kubernetes.io/hostname\n              labelSelector:\n                \
         matchLabels:\n                  app.kubernetes.io/name: nats\n                  \
         app.kubernetes.io/instance: {r}\n                  app.kubernetes.io/component: nats\n\
         podDisruptionBudget:\n  \
         # At most one server down at a time for voluntary disruptions (node drains, upgrades):\n  \
         # an R3 stream keeps its quorum through them.\n  \
         enabled: true"
    );
    y.push_str("service:\n");
    match s.expose {
        Expose::LoadBalancer => {
            let _ = writeln!(
                y,
                "  # --expose loadbalancer: the client port behind a cloud load balancer; external-dns\n  \
                 # (where it runs) points the public URL's name at it.\n  \
                 merge:\n    metadata:\n      annotations:\n        \
                 external-dns.alpha.kubernetes.io/hostname: \"{}\"\n    spec:\n      type: LoadBalancer",
                s.public_url.host
            );
        }
        Expose::NodePort => {
            let _ = writeln!(
                y,
                "  # --expose nodeport: every node's port {} reaches the client port, the one the\n  \
                 # public URL names (fixed, so the URL in the registry stays true).\n  \
                 merge:\n    spec:\n      type: NodePort\n  ports:\n    nats:\n      enabled: true\n      \
                 nodePort: {}",
                s.public_url.port.unwrap_or_default(),
                s.public_url.port.unwrap_or_default()
            );
        }
        Expose::Ingress => {
            y.push_str(
                "  # --expose ingress: the Service stays inside the cluster; the Ingress above\n  \
                 # carries the WebSocket port.\n  \
                 enabled: true\n",
            );
        }
    }
    y.push_str(
        "natsBox:\n  \
         # nats-box is a debugging pod; a backbone does not need one running.\n  \
         enabled: false\n",
    );
    y
}

/// The standardized values as a document.
pub(crate) fn standard(s: &ValuesSpec) -> serde_json::Value {
    // The text is arc's own and parses (a unit test holds it to that).
    serde_yaml_ng::from_str(&standard_yaml(s)).unwrap_or_default()
}

/// `over` merged into `base` the way Helm merges a later values file into an earlier one: maps
/// merge key by key, anything else is replaced, and a `null` deletes the key.
pub(crate) fn merge(base: &mut serde_json::Value, over: &serde_json::Value) {
    use serde_json::Value;
    match (base, over) {
        (Value::Object(b), Value::Object(o)) => {
            for (k, v) in o {
                if v.is_null() {
                    b.remove(k);
                } else if let Some(slot) = b.get_mut(k) {
                    merge(slot, v);
                } else {
                    b.insert(k.clone(), v.clone());
                }
            }
        }
        (b, o) => *b = o.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(n: u8, expose: Expose, url: &str) -> ValuesSpec {
        ValuesSpec {
            release: "eu-1".into(),
            org: "acme".into(),
            cluster: "eu".into(),
            replicas: n,
            expose,
            public_url: PublicUrl::parse(url, expose).unwrap(),
        }
    }

    #[test]
    fn every_variant_parses_and_says_what_it_sets() {
        for n in [1, 3, 5] {
            for (e, url) in [
                (Expose::LoadBalancer, "nats://eu.example.com:4222"),
                (Expose::NodePort, "nats://node.example.com:30422"),
                (Expose::Ingress, "wss://eu.example.com/"),
            ] {
                let text = standard_yaml(&spec(n, e, url));
                let v: serde_json::Value =
                    serde_yaml_ng::from_str(&text).unwrap_or_else(|err| panic!("{err}\n{text}"));
                assert_eq!(v["config"]["jetstream"]["enabled"], true);
                assert_eq!(v["config"]["cluster"]["enabled"], n > 1);
                assert_eq!(v["promExporter"]["port"], 7777);
            }
        }
        let v = standard(&spec(3, Expose::NodePort, "nats://n.example.com:30422"));
        assert_eq!(v["service"]["ports"]["nats"]["nodePort"], 30422);
        assert_eq!(v["config"]["cluster"]["replicas"], 3);
    }

    #[test]
    fn public_urls_must_fit_the_exposure() {
        assert!(PublicUrl::parse("wss://x/", Expose::LoadBalancer).is_err());
        assert!(PublicUrl::parse("nats://x:4222", Expose::Ingress).is_err());
        assert!(PublicUrl::parse("nats://x:4222", Expose::NodePort).is_err());
        // Credentials in a URL everyone reads (built here so no literal looks like a secret).
        let with_user = format!("nats://{}@x:4222", "someone");
        assert!(PublicUrl::parse(&with_user, Expose::LoadBalancer).is_err());
        assert!(PublicUrl::parse("x:4222", Expose::LoadBalancer).is_err());
    }

    #[test]
    fn merging_follows_helm() {
        let mut base = serde_json::json!({"a": {"b": 1, "c": [1, 2]}, "d": 1});
        merge(
            &mut base,
            &serde_json::json!({"a": {"c": [3], "e": true}, "d": null}),
        );
        assert_eq!(
            base,
            serde_json::json!({"a": {"b": 1, "c": [3], "e": true}})
        );
    }
}
