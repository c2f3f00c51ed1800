//! `arc backbones ls|show|add|rm|deploy|values|remove|status`: the backbone registry, and the
//! NATS backbones arc deploys into Kubernetes through Helm and records there.
//!
//! The order of the steps is the contract: a deploy registers only what answers (Helm's rollout
//! done, the public URL answering NATS with a JetStream meta leader); a remove drains first
//! (status `draining`: the pipeline stops routing to it), uninstalls, then says
//! `decommissioned`. The registry never claims a backbone that is not there.

use std::time::Duration;

use serde::Serialize;

use super::pipeline::client;
use super::ExitStatus;
use crate::cli::{
    BackboneAddArgs, BackboneDeployArgs, BackboneId, BackboneRemoveArgs, BackbonesCommand,
    ExposeChoice,
};
use crate::error::Error;
use crate::kube::helm::{self, Helm, Major, Target};
use crate::kube::values::{self, Expose, PublicUrl, ValuesSpec};
use crate::kube::{chart, kubeconfig, wait, Progress};
use crate::pipeline::client::Client;
use crate::pipeline::store::Backbone;
use crate::settings::Settings;
use crate::ui::Printer;

/// Progress lines on stderr, through the printer.
struct Steps<'a>(&'a Printer);

impl Progress for Steps<'_> {
    fn line(&self, text: &str) {
        self.0.info(text);
    }
}

pub(super) async fn run(
    command: BackbonesCommand,
    settings: &Settings,
    printer: &Printer,
) -> Result<ExitStatus, Error> {
    match command {
        BackbonesCommand::Ls(a) => ls(&client(settings, &a.admin)?, printer).await,
        BackbonesCommand::Show(b) => {
            let one = client(settings, &b.admin)?
                .backbone(&b.system_id)
                .await
                .map_err(|e| {
                    Error::pipeline(format!("cannot show backbone `{}`", b.system_id), e)
                })?;
            if printer.json() {
                printer.json_value(&one);
            } else {
                printer.data(
                    serde_yaml_ng::to_string(&one)
                        .unwrap_or_default()
                        .trim_end(),
                );
            }
            Ok(ExitStatus::Success)
        }
        BackbonesCommand::Add(a) => add(a, settings, printer).await,
        BackbonesCommand::Rm(b) => {
            client(settings, &b.admin)?
                .remove_backbone(&b.system_id)
                .await
                .map_err(|e| {
                    Error::pipeline(format!("cannot remove backbone `{}`", b.system_id), e)
                })?;
            printer.info(&format!("backbone `{}`: removed", b.system_id));
            Ok(ExitStatus::Success)
        }
        BackbonesCommand::Deploy(a) => deploy(a, settings, printer).await,
        BackbonesCommand::Values(a) => values_of(&a, settings, printer),
        BackbonesCommand::Remove(a) => remove(a, settings, printer).await,
        BackbonesCommand::Status(b) => status(b, settings, printer).await,
    }
}

/// A metadata value of a record, as text.
fn meta(b: &Backbone, key: &str) -> String {
    match b.metadata.get(key) {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Null) | None => String::new(),
        Some(v) => v.to_string(),
    }
}

async fn ls(api: &Client, printer: &Printer) -> Result<ExitStatus, Error> {
    let all = api
        .backbones()
        .await
        .map_err(|e| Error::pipeline("cannot list backbones", e))?;
    if printer.json() {
        printer.json_value(&all);
    } else if all.is_empty() {
        printer.info("no backbones are registered");
    } else {
        let mut t = crate::ui::Table::new(&[
            "SYSTEM", "ORG", "CLUSTER", "NATS", "REGION", "STATUS", "RELEASE",
        ]);
        for b in all {
            // Where a deployed backbone runs: context/namespace/release.
            let release = if b.metadata.contains_key("release") {
                format!(
                    "{}/{}/{}",
                    meta(&b, "kube_context"),
                    meta(&b, "namespace"),
                    meta(&b, "release")
                )
            } else {
                String::new()
            };
            t.row(vec![
                b.system_id.clone(),
                b.org_id.clone(),
                b.cluster_id.clone(),
                crate::bus::nats::redact(&b.nats_url),
                meta(&b, "region"),
                meta(&b, "status"),
                release,
            ]);
        }
        printer.data(&t.render());
    }
    Ok(ExitStatus::Success)
}

async fn add(
    a: BackboneAddArgs,
    settings: &Settings,
    printer: &Printer,
) -> Result<ExitStatus, Error> {
    let mut metadata = serde_json::Map::new();
    for (k, v) in [
        ("region", &a.region),
        ("version", &a.backbone_version),
        ("status", &a.status),
    ] {
        if let Some(v) = v {
            metadata.insert(k.into(), v.clone().into());
        }
    }
    let b = Backbone {
        system_id: a.system_id.clone(),
        org_id: a.org_id.clone(),
        cluster_id: a.cluster_id,
        nats_url: a.nats_url.clone(),
        metadata,
        version: None,
        created_at: None,
        updated_at: None,
    };
    let stored = client(settings, &a.admin)?
        .add_backbone(&b)
        .await
        .map_err(|e| Error::pipeline(format!("cannot register backbone `{}`", a.system_id), e))?;
    if printer.json() {
        printer.json_value(&stored);
    } else {
        printer.info(&format!(
            "backbone `{}` registered: messages with header `org: {}` go to {}",
            a.system_id,
            a.org_id,
            crate::bus::nats::redact(&a.nats_url)
        ));
    }
    Ok(ExitStatus::Success)
}

/// Whether `name` can name a Helm release (a DNS label the chart's resource names fit in).
fn check_release_name(name: &str) -> Result<(), Error> {
    let ok = !name.is_empty()
        && name.len() <= 53
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.starts_with('-')
        && !name.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(
            format!("system id `{name}` cannot name a Helm release"),
            Some(
                "a deployed backbone's system id is its release's name: lowercase letters, digits and `-`, at most 53, starting and ending with a letter or digit".into(),
            ),
        ))
    }
}

fn expose_of(e: ExposeChoice) -> Expose {
    match e {
        ExposeChoice::Loadbalancer => Expose::LoadBalancer,
        ExposeChoice::Nodeport => Expose::NodePort,
        ExposeChoice::Ingress => Expose::Ingress,
    }
}

/// What a deploy will do, computed from its flags alone (no program runs, nothing is asked).
struct Plan {
    spec: ValuesSpec,
    /// The values Helm gets: the standardized ones, `--values` merged over them.
    values: serde_json::Value,
    /// The text `values` prints: the commented standard values, or the merged result.
    values_text: String,
}

fn plan(a: &BackboneDeployArgs) -> Result<Plan, Error> {
    check_release_name(&a.system_id)?;
    let expose = expose_of(a.expose);
    let public_url = PublicUrl::parse(&a.public_url, expose).map_err(|m| {
        Error::invalid(
            format!("--public-url: {m}"),
            Some("the public URL is where clients outside the cluster reach the backbone; arc records it in the registry".into()),
        )
    })?;
    let spec = ValuesSpec {
        release: a.system_id.clone(),
        org: a.org_id.clone(),
        cluster: a.cluster_id.clone(),
        replicas: a.replicas,
        expose,
        public_url,
    };
    let standard_text = values::standard_yaml(&spec);
    let mut merged = values::standard(&spec);
    let values_text = match &a.values {
        None => standard_text,
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                Error::invalid(
                    format!("cannot read --values {}: {e}", path.display()),
                    None,
                )
            })?;
            let over: serde_json::Value = serde_yaml_ng::from_str(&text).map_err(|e| {
                let at = e
                    .location()
                    .map(|l| format!(":{}:{}", l.line(), l.column()))
                    .unwrap_or_default();
                Error::invalid(format!("{}{at}: not YAML: {e}", path.display()), None)
            })?;
            if !over.is_object() && !over.is_null() {
                return Err(Error::invalid(
                    format!("{}: values must be a mapping", path.display()),
                    None,
                ));
            }
            values::merge(&mut merged, &over);
            format!(
                "# arc's standardized values for backbone `{}` with {} merged over them\n# (`arc backbones values` without --values shows why each is set).\n{}",
                a.system_id,
                path.display(),
                serde_yaml_ng::to_string(&merged).unwrap_or_default()
            )
        }
    };
    Ok(Plan {
        spec,
        values: merged,
        values_text,
    })
}

fn values_of(
    a: &BackboneDeployArgs,
    _settings: &Settings,
    printer: &Printer,
) -> Result<ExitStatus, Error> {
    let p = plan(a)?;
    if printer.json() {
        printer.json_value(&p.values);
    } else {
        printer.data(p.values_text.trim_end());
    }
    Ok(ExitStatus::Success)
}

/// The Kubernetes context: `--kube-context` or the kubeconfig's current one, checked.
fn context(given: Option<&str>, settings: &Settings) -> Result<String, Error> {
    Ok(kubeconfig::resolve(
        given,
        settings.env.get("KUBECONFIG").map(String::as_str),
        settings.env.get("HOME").map(String::as_str),
    )?)
}

/// The streams a deployed backbone gets: the stock file's, with up to 3 replicas (R3 survives
/// one lost server; R5 would double every write's cost for a second one).
fn streams_replicas(servers: u8) -> usize {
    usize::from(servers.min(3))
}

/// The record a deploy writes.
fn record(a: &BackboneDeployArgs, t: &Target, extra: serde_json::Value) -> Backbone {
    let mut metadata = serde_json::Map::new();
    if let Some(r) = &a.region {
        metadata.insert("region".into(), r.clone().into());
    }
    for (k, v) in [
        ("status", "active".to_owned()),
        ("version", chart::NATS_VERSION.to_owned()),
        ("chart", format!("{}-{}", chart::NAME, chart::VERSION)),
        ("release", t.release.clone()),
        ("namespace", t.namespace.clone()),
        ("kube_context", t.kube_context.clone()),
        ("expose", expose_of(a.expose).as_str().to_owned()),
        ("deployed_by", "arc backbones deploy".to_owned()),
    ] {
        metadata.insert(k.into(), v.into());
    }
    metadata.insert("replicas".into(), a.replicas.into());
    if let serde_json::Value::Object(m) = extra {
        metadata.extend(m);
    }
    Backbone {
        system_id: a.system_id.clone(),
        org_id: a.org_id.clone(),
        cluster_id: a.cluster_id.clone(),
        nats_url: a.public_url.clone(),
        metadata,
        version: None,
        created_at: None,
        updated_at: None,
    }
}

/// `--dry-run`'s plan.
#[derive(Serialize)]
struct PlanOut<'a> {
    dry_run: bool,
    release: &'a str,
    namespace: &'a str,
    kube_context: String,
    chart: serde_json::Value,
    helm: Vec<String>,
    values: &'a serde_json::Value,
    registry: Backbone,
    streams_replicas: usize,
}

/// The registry's record of `id`, `None` when there is none.
async fn registered(api: &Client, id: &str) -> Result<Option<Backbone>, Error> {
    match api.backbone(id).await {
        Ok(b) => Ok(Some(b)),
        Err(e) if e.status() == Some(404) => Ok(None),
        Err(e) => Err(Error::pipeline(
            format!("cannot read backbone `{id}` from the registry"),
            e,
        )),
    }
}

async fn deploy(
    a: BackboneDeployArgs,
    settings: &Settings,
    printer: &Printer,
) -> Result<ExitStatus, Error> {
    let p = plan(&a)?;
    let values_path = settings
        .state_dir
        .join("backbones")
        .join(format!("{}.values.yaml", a.system_id));
    if a.dry_run {
        // Reads the kubeconfig when there is one; runs nothing and asks no one.
        let kube_context = context(a.kube_context.as_deref(), settings).unwrap_or_else(|_| {
            a.kube_context
                .clone()
                .unwrap_or_else(|| "(the kubeconfig's current context)".into())
        });
        let t = Target {
            release: a.system_id.clone(),
            namespace: a.namespace.clone(),
            kube_context,
        };
        let mut cmd = vec!["helm".to_owned()];
        cmd.extend(helm::upgrade_args(
            Major::V3,
            &t,
            &values_path.display().to_string(),
            a.timeout,
        ));
        let out = PlanOut {
            dry_run: true,
            release: &t.release,
            namespace: &t.namespace,
            kube_context: t.kube_context.clone(),
            chart: serde_json::json!({"repo": chart::REPO, "name": chart::NAME, "version": chart::VERSION, "nats_version": chart::NATS_VERSION}),
            helm: cmd,
            values: &p.values,
            registry: record(&a, &t, serde_json::json!({})),
            streams_replicas: streams_replicas(a.replicas),
        };
        if printer.json() {
            printer.json_value(&out);
        } else {
            printer.data(&format!(
                "# arc backbones deploy {} --dry-run: nothing was changed.\n\
                 # Helm 4 spells --atomic as --rollback-on-failure; arc picks the spelling from `helm version`.\n{}",
                a.system_id,
                serde_yaml_ng::to_string(&serde_json::to_value(&out).unwrap_or_default())
                    .unwrap_or_default()
                    .trim_end()
            ));
        }
        return Ok(ExitStatus::Success);
    }

    let steps = Steps(printer);
    let api = client(settings, &a.admin)?;
    // 1. The system id must be free, or this backbone's own (then this is an upgrade).
    let existing = registered(&api, &a.system_id).await?;
    if let Some(b) = &existing {
        let gone = meta(b, "status") == "decommissioned";
        if !gone && (b.cluster_id != a.cluster_id || b.org_id != a.org_id) {
            return Err(Error::invalid(
                format!(
                    "system id `{}` is registered for org `{}` in cluster `{}`, not org `{}` in cluster `{}`",
                    a.system_id, b.org_id, b.cluster_id, a.org_id, a.cluster_id
                ),
                Some(format!(
                    "choose another system id, or remove that backbone first (`arc backbones remove {}`)",
                    a.system_id
                )),
            ));
        }
    }
    // 2. Helm and the cluster, checked before anything changes.
    let helm = Helm::find().await?;
    let kube_context = context(a.kube_context.as_deref(), settings)?;
    steps.line(&format!(
        "helm {} on PATH; context `{kube_context}`, namespace `{}`",
        helm.version, a.namespace
    ));
    let t = Target {
        release: a.system_id.clone(),
        namespace: a.namespace.clone(),
        kube_context,
    };
    // 3. The values, written where the user can read them again.
    write_private(
        &values_path,
        &serde_yaml_ng::to_string(&p.values).unwrap_or_default(),
    )?;
    steps.line(&format!(
        "{} release `{}`: chart {} {} with {} server(s), values in {}",
        if existing.is_some() {
            "upgrading"
        } else {
            "installing"
        },
        t.release,
        chart::NAME,
        chart::VERSION,
        a.replicas,
        values_path.display()
    ));
    // 4. The rollout. On failure Helm rolled back; the registry has not been touched.
    helm.upgrade(&t, &values_path.display().to_string(), a.timeout, &steps)
        .await?;
    // 5. The public URL, answering NATS with a meta leader.
    steps.line(&format!(
        "rolled out; waiting for {} to answer NATS with a JetStream meta leader",
        p.spec.public_url.url
    ));
    let answer = match wait::until_answers(&p.spec.public_url.url, a.timeout, &steps).await {
        Ok(answer) => answer,
        Err(e) => {
            return Err(not_answering(&api, existing, &a, &t, e).await);
        }
    };
    // 6. The stock streams, through the same provisioning as `arc streams apply`. A cluster
    // that has just elected its meta leader may not place R3 streams yet: retried in the time
    // left, then an error (and no record: the backbone is not what arc promises without them).
    let mut streams = super::messaging::streams::load_streams(settings, None)?;
    streams.set_replicas(streams_replicas(a.replicas));
    let started = std::time::Instant::now();
    let applied = loop {
        let attempt = async {
            let nats = crate::bus::nats::connect(&crate::bus::nats::NatsOptions {
                server: p.spec.public_url.url.clone(),
                timeout: Duration::from_secs(10),
                ..Default::default()
            })
            .await?;
            crate::provision::streams::apply(&async_nats::jetstream::new(nats), &streams, false)
                .await
        };
        match attempt.await {
            Ok(applied) => break applied,
            Err(e) if started.elapsed() < a.timeout => {
                steps.line(&format!("streams not applied yet ({e}); trying again"));
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
            Err(e) => {
                return Err(Error::failed(
                    format!(
                        "release `{}` answers, but the streams of services/messaging/streams.yaml could not be applied: {e}",
                        t.release
                    ),
                    Some(format!(
                        "the registry was not changed; deploy again, or `arc backbones remove {}`",
                        a.system_id
                    )),
                ))
            }
        }
    };
    for s in &applied {
        steps.line(&format!(
            "stream {}: {}",
            s.stream,
            serde_json::to_value(&s.action)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default()
        ));
    }
    // 7. The registry, last: only what answers is recorded.
    let revision = helm.status(&t).await.ok().flatten().map(|s| s.version);
    let mut extra = serde_json::json!({"nats_server": answer.server_version});
    if let Some(r) = revision {
        extra["revision"] = r.into();
    }
    let rec = record(&a, &t, extra);
    let stored = match &existing {
        None => api.add_backbone(&rec).await,
        Some(b) => api.put_backbone(&rec, b.version.unwrap_or(0)).await,
    }
    .map_err(|e| {
        let mut err = Error::pipeline(
            format!(
                "release `{}` is deployed and answers, but the registry did not record it",
                t.release
            ),
            e,
        );
        if let Error::Pipeline { hint, .. } = &mut err {
            *hint = Some(format!(
                "run the same `arc backbones deploy {}` again once the pipeline answers (it upgrades in place), or `arc backbones remove {} --namespace {} --kube-context {}`",
                a.system_id, a.system_id, t.namespace, t.kube_context
            ));
        }
        err
    })?;
    if printer.json() {
        printer.json_value(&stored);
    } else {
        printer.data(
            serde_yaml_ng::to_string(&stored)
                .unwrap_or_default()
                .trim_end(),
        );
        printer.info(&format!(
            "backbone `{}` active: messages with header `org: {}` go to {}",
            a.system_id,
            a.org_id,
            crate::bus::nats::redact(&a.public_url)
        ));
    }
    Ok(ExitStatus::Success)
}

/// The public URL never answered: a new backbone stays out of the registry; a registered one is
/// marked `down` at its new URL (out of routing, and not stale), and the error says which.
async fn not_answering(
    api: &Client,
    existing: Option<Backbone>,
    a: &BackboneDeployArgs,
    t: &Target,
    e: crate::kube::KubeError,
) -> Error {
    let what = match existing {
        None => format!(
            "release `{}` is installed but not registered: {e}",
            t.release
        ),
        Some(b) => {
            let mut rec = record(
                a,
                t,
                serde_json::json!({"reason": "the public URL did not answer after the last deploy"}),
            );
            rec.metadata.insert("status".into(), "down".into());
            match api.put_backbone(&rec, b.version.unwrap_or(0)).await {
                Ok(_) => format!(
                    "release `{}` is upgraded but does not answer; the registry now says `down` (not routed): {e}",
                    t.release
                ),
                Err(pe) => format!(
                    "release `{}` is upgraded but does not answer, and the registry could not be marked `down` ({pe}): {e}",
                    t.release
                ),
            }
        }
    };
    Error::failed(
        what,
        Some(format!(
            "{}; then deploy again, or `arc backbones remove {}`",
            e.hint().unwrap_or_default(),
            a.system_id
        )),
    )
}

/// Writes `text` to `path`, readable only by its owner (values may hold credentials).
fn write_private(path: &std::path::Path, text: &str) -> Result<(), Error> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let fail = |e: std::io::Error| {
        Error::failed(
            format!("cannot write {}: {e}", path.display()),
            Some("check that the state directory is writable (ARC_STATE_DIR)".into()),
        )
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .map_err(fail)?;
    f.write_all(text.as_bytes()).map_err(fail)
}

/// Writes a record's new status (and extra metadata) over version `b.version`; answers the
/// stored record.
async fn set_status(
    api: &Client,
    b: &Backbone,
    status: &str,
    extra: serde_json::Value,
) -> Result<Backbone, crate::pipeline::client::ClientError> {
    let mut next = b.clone();
    next.metadata.insert("status".into(), status.into());
    if let serde_json::Value::Object(m) = extra {
        next.metadata.extend(m);
    }
    api.put_backbone(&next, b.version.unwrap_or(0)).await
}

#[derive(Serialize)]
struct Removed {
    system_id: String,
    release: String,
    namespace: String,
    kube_context: String,
    /// Whether Helm had a release to uninstall.
    uninstalled: bool,
    /// Whether the JetStream volumes were kept.
    kept_data: bool,
    /// The registry's record afterwards (`None` for a backbone it did not know).
    registry: Option<Backbone>,
}

async fn remove(
    a: BackboneRemoveArgs,
    settings: &Settings,
    printer: &Printer,
) -> Result<ExitStatus, Error> {
    let steps = Steps(printer);
    let api = client(settings, &a.admin)?;
    let rec = registered(&api, &a.system_id).await?;
    let recorded = |k: &str| rec.as_ref().map(|b| meta(b, k)).filter(|v| !v.is_empty());
    if rec.is_some() && recorded("release").is_none() {
        return Err(Error::invalid(
            format!(
                "backbone `{}` was not deployed by arc (its record names no Helm release)",
                a.system_id
            ),
            Some(format!(
                "`arc backbones rm {}` removes its record",
                a.system_id
            )),
        ));
    }
    if rec.is_none() && a.namespace.is_none() {
        return Err(Error::invalid(
            format!("no backbone `{}` is registered", a.system_id),
            Some("for a release the registry does not know, give --namespace (and --kube-context) to uninstall it".into()),
        ));
    }
    // Everything checked before the drain: a remove that cannot finish does not start.
    let helm = Helm::find().await?;
    let given = a.kube_context.clone().or_else(|| recorded("kube_context"));
    let kube_context = context(given.as_deref(), settings)?;
    if !a.keep_data && helm::which("kubectl").is_none() {
        return Err(crate::kube::KubeError::NoKubectl.into());
    }
    let t = Target {
        release: recorded("release").unwrap_or_else(|| a.system_id.clone()),
        namespace: a
            .namespace
            .clone()
            .or_else(|| recorded("namespace"))
            .unwrap_or_default(),
        kube_context,
    };
    // 1. Drain: out of routing before anything stops.
    let mut current = rec.clone();
    if let Some(b) = &rec {
        if meta(b, "status") != "decommissioned" {
            let drained = set_status(&api, b, "draining", serde_json::json!({}))
                .await
                .map_err(|e| {
                    Error::pipeline(
                        format!(
                            "cannot mark backbone `{}` draining; nothing was removed",
                            a.system_id
                        ),
                        e,
                    )
                })?;
            steps.line(&format!(
                "backbone `{}` draining: the pipeline no longer routes org `{}`'s messages to it (they go to the pipeline's own backbone)",
                a.system_id, b.org_id
            ));
            current = Some(drained);
        }
    } else {
        steps.line(&format!(
            "backbone `{}` is not in the registry; uninstalling release `{}` only",
            a.system_id, t.release
        ));
    }
    // 2. Uninstall. A failure leaves the record `draining`: out of routing, and still there.
    steps.line(&format!(
        "uninstalling release `{}` from namespace `{}` (context `{}`)",
        t.release, t.namespace, t.kube_context
    ));
    let uninstalled = helm
        .uninstall(&t, a.timeout, &steps)
        .await
        .map_err(|e| {
            Error::failed(
                format!("{e}"),
                Some(format!(
                    "the registry says `draining` (not routed); `arc backbones remove {}` again once Helm can reach the cluster",
                    a.system_id
                )),
            )
        })?;
    if !uninstalled {
        steps.line(&format!("release `{}` was already gone", t.release));
    }
    // 3. The registry: decommissioned.
    let mut final_rec = None;
    if let Some(b) = &current {
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let done = set_status(
            &api,
            b,
            "decommissioned",
            serde_json::json!({"removed_at": now, "kept_data": a.keep_data}),
        )
        .await
        .map_err(|e| {
            Error::pipeline(
                format!(
                    "release `{}` is uninstalled, but the registry still says `draining` (not routed)",
                    t.release
                ),
                e,
            )
        })?;
        steps.line(&format!("backbone `{}` decommissioned", a.system_id));
        final_rec = Some(done);
    }
    // 4. The data, unless kept.
    if a.keep_data {
        steps.line("the JetStream volumes are kept (--keep-data)");
    } else {
        helm::delete_volumes(&t, &steps).await?;
    }
    let out = Removed {
        system_id: a.system_id.clone(),
        release: t.release,
        namespace: t.namespace,
        kube_context: t.kube_context,
        uninstalled,
        kept_data: a.keep_data,
        registry: final_rec,
    };
    if printer.json() {
        printer.json_value(&out);
    } else {
        printer.data(
            serde_yaml_ng::to_string(&out)
                .unwrap_or_default()
                .trim_end(),
        );
    }
    Ok(ExitStatus::Success)
}

#[derive(Serialize)]
struct StatusReport {
    system_id: String,
    org_id: String,
    cluster_id: String,
    nats_url: String,
    /// The registry's status.
    registry_status: String,
    /// Whether the public URL answered NATS with JetStream (and a meta leader).
    answers: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    backbone: Option<wait::Answer>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    release: Option<serde_json::Value>,
}

async fn status(
    b: BackboneId,
    settings: &Settings,
    printer: &Printer,
) -> Result<ExitStatus, Error> {
    let api = client(settings, &b.admin)?;
    let rec = api
        .backbone(&b.system_id)
        .await
        .map_err(|e| Error::pipeline(format!("cannot read backbone `{}`", b.system_id), e))?;
    let asked = wait::ask(&rec.nats_url, Duration::from_secs(5)).await;
    let release = if rec.metadata.contains_key("release") {
        let t = Target {
            release: meta(&rec, "release"),
            namespace: meta(&rec, "namespace"),
            kube_context: meta(&rec, "kube_context"),
        };
        Some(match Helm::find().await {
            Err(e) => serde_json::json!({"name": t.release, "error": e.to_string()}),
            Ok(h) => match h.status(&t).await {
                Ok(Some(s)) => {
                    serde_json::json!({"name": t.release, "namespace": t.namespace, "kube_context": t.kube_context, "revision": s.version, "status": s.info.status})
                }
                Ok(None) => {
                    serde_json::json!({"name": t.release, "namespace": t.namespace, "kube_context": t.kube_context, "status": "not found"})
                }
                Err(e) => serde_json::json!({"name": t.release, "error": e.to_string()}),
            },
        })
    } else {
        None
    };
    let registry_status = meta(&rec, "status");
    let report = StatusReport {
        system_id: rec.system_id.clone(),
        org_id: rec.org_id.clone(),
        cluster_id: rec.cluster_id.clone(),
        nats_url: crate::bus::nats::redact(&rec.nats_url),
        registry_status: registry_status.clone(),
        answers: asked.is_ok(),
        error: asked.as_ref().err().cloned(),
        backbone: asked.ok(),
        release,
    };
    if printer.json() {
        printer.json_value(&report);
    } else {
        printer.data(
            serde_yaml_ng::to_string(&report)
                .unwrap_or_default()
                .trim_end(),
        );
    }
    // A decommissioned backbone is expected to be silent.
    if report.answers || registry_status == "decommissioned" {
        Ok(ExitStatus::Success)
    } else {
        Ok(ExitStatus::Failure)
    }
}
