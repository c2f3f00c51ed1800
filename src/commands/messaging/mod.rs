//! The messaging commands: pub, sub, request, reply, streams, replay, tail. Shared here: how
//! connection options resolve (flags and `ARC_*` variables, else the running profile's
//! endpoints, else the stock ones), body templates, and how a received message is printed.

pub(super) mod dead;
pub(super) mod log;
pub(super) mod publish;
mod pulsar;
pub(super) mod replay;
pub(super) mod request;
pub(crate) mod streams;
pub(super) mod subscribe;
mod template;
mod window;

pub(super) use pulsar::{
    apply_topics, list_topics, provision_topics, publish_pulsar, replay_pulsar, subscribe_pulsar,
    topic_info,
};

use super::endpoint_or;
use crate::bus::nats::{NatsOptions, Received};
use crate::cli::ConnectArgs;
use crate::settings::Settings;
use crate::ui::{DataStream, Printer, Style};

/// NATS connection options from the flags, with the endpoint default.
pub(super) fn nats_options(
    settings: &Settings,
    c: &ConnectArgs,
) -> Result<NatsOptions, crate::error::Error> {
    Ok(NatsOptions {
        server: endpoint_or(
            settings,
            c.server.as_ref(),
            "ARC_NATS_URL",
            "nats://127.0.0.1:4222",
        )?,
        token: c.token.clone(),
        user: c.user.clone(),
        password: c.password.clone(),
        creds: c.creds.clone(),
        timeout: c.connect_timeout,
    })
}

/// Applies `spec`'s provisioning files against the running service; one summary line each.
/// For a replicated service, `members` are all its instances: the files are applied once,
/// through every instance's endpoint, and streams get one replica per instance (up to 5).
pub(crate) async fn provision(
    settings: &Settings,
    spec: &crate::spec::ServiceSpec,
    members: &[&crate::spec::ServiceSpec],
) -> Result<Vec<String>, crate::error::Error> {
    use crate::spec::ProvisionKind;
    let mut lines = Vec::new();
    let exports = crate::spec::join_exports(members.iter().map(|m| m.resolved_exports()));
    for p in &spec.provision {
        let (name, text) = crate::spec::stock_file(settings.project_dir.as_deref(), &p.file)?;
        match p.kind {
            ProvisionKind::Jetstream => {
                let mut file = crate::provision::streams::parse(&name, &text)?;
                if let Some(n) = streams::replicas_of(members) {
                    file.set_replicas(n);
                }
                let opts = NatsOptions {
                    server: exports
                        .get("ARC_NATS_URL")
                        .cloned()
                        .unwrap_or_else(|| "nats://127.0.0.1:4222".into()),
                    timeout: std::time::Duration::from_secs(5),
                    ..NatsOptions::default()
                };
                let js = async_nats::jetstream::new(crate::bus::nats::connect(&opts).await?);
                let applied = crate::provision::streams::apply(&js, &file, false).await?;
                let parts: Vec<String> = applied
                    .iter()
                    .map(|a| {
                        format!(
                            "{} {}",
                            a.stream,
                            serde_json::to_value(&a.action)
                                .ok()
                                .and_then(|v| v.as_str().map(str::to_owned))
                                .unwrap_or_default()
                        )
                    })
                    .collect();
                lines.push(format!(
                    "{}: streams {}",
                    spec.display_name(),
                    parts.join(", ")
                ));
            }
            ProvisionKind::PulsarTopics => lines.push(provision_topics(spec, &name, &text).await?),
        }
    }
    Ok(lines)
}

/// Whether `name` names a Pulsar topic rather than a NATS subject or stream.
pub(super) fn is_pulsar_topic(name: &str) -> bool {
    name.starts_with("persistent://") || name.starts_with("non-persistent://")
}

/// How received messages are printed.
#[derive(Debug, Clone, Copy)]
pub(super) struct Format {
    /// JSON Lines envelopes.
    pub json: bool,
    /// Payload only.
    pub raw: bool,
    /// Headers in the human line.
    pub headers: bool,
}

/// Writes one message; `false` when the reader went away.
pub(super) fn emit(
    out: &mut DataStream,
    printer: &Printer,
    f: Format,
    r: &Received,
    payload: &[u8],
) -> bool {
    if f.json {
        match serde_json::to_string(r) {
            Ok(s) => out.line(&s),
            Err(_) => true,
        }
    } else if f.raw {
        out.bytes(payload) && out.bytes(b"\n")
    } else {
        // Replays show when the server stored the message; live feeds when it arrived.
        let when = r.published.as_deref().unwrap_or(&r.received);
        let time = when.get(11..23).unwrap_or_default();
        let mut line = format!(
            "{} {}",
            printer.paint(time, Style::Dim),
            printer.paint(&r.subject, Style::Bold)
        );
        if let Some(seq) = &r.seq {
            line = format!("{} {line}", printer.paint(&format!("#{seq}"), Style::Dim));
        }
        if let Some(key) = &r.key {
            line.push(' ');
            line.push_str(&printer.paint(&format!("key={key}"), Style::Dim));
        }
        if f.headers && !r.headers.is_empty() {
            let h: Vec<String> = r
                .headers
                .iter()
                .map(|(k, vs)| format!("{k}={}", vs.join(",")))
                .collect();
            line.push_str(&format!(" [{}]", h.join(" ")));
        }
        line.push(' ');
        if r.encoding == "utf8" {
            line.push_str(&r.data.replace('\n', "\\n"));
        } else {
            line.push_str(&format!("base64:{}", r.data));
        }
        out.line(&line)
    }
}

/// Writes human (and raw) lines straight into the output buffer: the hot path of `arc sub`,
/// `arc tail` and `arc replay`, with the clock text rebuilt only when the millisecond changes.
pub(super) struct HumanLine {
    color: bool,
    last_ms: i64,
    clock: String,
}

impl HumanLine {
    pub(super) fn new(printer: &Printer) -> Self {
        Self {
            color: printer.color_stdout(),
            last_ms: i64::MIN,
            clock: String::new(),
        }
    }

    /// One message: `[#seq ]HH:MM:SS.mmm subject[ [headers]] payload`, or the payload alone.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn write(
        &mut self,
        out: &mut DataStream,
        seq: Option<u64>,
        at_ms: i64,
        subject: &str,
        headers: Option<&async_nats::HeaderMap>,
        payload: &[u8],
        f: Format,
    ) -> bool {
        if f.raw {
            return out.bytes(payload) && out.bytes(b"\n");
        }
        if at_ms != self.last_ms {
            self.last_ms = at_ms;
            let t = chrono::DateTime::from_timestamp_millis(at_ms)
                .unwrap_or_default()
                .format("%H:%M:%S%.3f")
                .to_string();
            self.clock = if self.color {
                format!("\x1b[2m{t}\x1b[0m ")
            } else {
                format!("{t} ")
            };
        }
        let mut ok = true;
        if let Some(seq) = seq {
            ok &= out.bytes(format!("#{seq} ").as_bytes());
        }
        ok &= out.bytes(self.clock.as_bytes());
        ok &= if self.color {
            out.bytes(b"\x1b[1m") && out.bytes(subject.as_bytes()) && out.bytes(b"\x1b[0m")
        } else {
            out.bytes(subject.as_bytes())
        };
        if f.headers {
            if let Some(h) = headers {
                let pairs: Vec<String> = h
                    .iter()
                    .map(|(k, vs)| {
                        format!(
                            "{k}={}",
                            vs.iter()
                                .map(ToString::to_string)
                                .collect::<Vec<_>>()
                                .join(",")
                        )
                    })
                    .collect();
                ok &= out.bytes(format!(" [{}]", pairs.join(" ")).as_bytes());
            }
        }
        ok &= out.bytes(b" ");
        ok &= match std::str::from_utf8(payload) {
            Ok(text) if !text.contains('\n') => out.bytes(text.as_bytes()),
            Ok(text) => out.bytes(text.replace('\n', "\\n").as_bytes()),
            Err(_) => out.bytes(format!("base64:{}", crate::bus::nats::base64(payload)).as_bytes()),
        };
        ok && out.bytes(b"\n")
    }
}
