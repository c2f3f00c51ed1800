//! `arc pub`: publish to a NATS subject (optionally through JetStream) or a Pulsar topic.

use std::collections::VecDeque;
use std::time::Instant;

use async_nats::HeaderMap;
use bytes::Bytes;
use serde::Serialize;
use tokio::io::AsyncBufReadExt;

use super::template::{Context, Template};
use super::{is_pulsar_topic, nats_options};
use crate::bus::nats::{connect, parse_headers, redact};
use crate::bus::{subject, BusError};
use crate::cli::PubArgs;
use crate::commands::ExitStatus;
use crate::error::Error;
use crate::settings::Settings;
use crate::ui::Printer;

/// The header JetStream deduplicates by.
const MSG_ID: &str = "Nats-Msg-Id";

/// JetStream acknowledgements awaited at once.
const ACK_WINDOW: usize = 1024;

/// What `arc pub --json` prints.
#[derive(Debug, Serialize)]
struct Published {
    subject: String,
    count: u64,
    bytes: u64,
    elapsed_ms: f64,
    msgs_per_sec: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    stream: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    first_seq: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_seq: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    duplicates: Option<u64>,
}

/// Where bodies come from.
pub(super) enum Bodies {
    Template(Template),
    Stdin(tokio::io::Lines<tokio::io::BufReader<tokio::io::Stdin>>),
}

impl Bodies {
    /// The body of message number `count` (1-based); `None` at the end of stdin.
    pub(super) async fn next(&mut self, count: u64) -> Result<Option<Bytes>, Error> {
        match self {
            Self::Template(t) => Ok(Some(t.render(&Context {
                count,
                ..Context::default()
            }))),
            Self::Stdin(lines) => lines
                .next_line()
                .await
                .map(|l| l.map(Bytes::from))
                .map_err(|e| Error::failed(format!("cannot read stdin: {e}"), None)),
        }
    }
}

/// Publishes.
pub(crate) async fn run(
    args: PubArgs,
    settings: &Settings,
    printer: &Printer,
) -> Result<ExitStatus, Error> {
    if is_pulsar_topic(&args.subject) {
        return super::publish_pulsar(args, settings, printer).await;
    }
    subject::publish(&args.subject)?;
    for (flag, set) in [
        ("--compression", args.compression.is_some()),
        ("--key", args.key.is_some()),
        ("--event-time", args.event_time.is_some()),
    ] {
        if set {
            return Err(BusError::Invalid {
                what: "option",
                input: flag.into(),
                reason: "it is a Pulsar option; NATS subjects take none".into(),
                example: format!("`arc pub persistent://public/default/audit 'hello' {flag} …`"),
            }
            .into());
        }
    }
    if let Some(r) = &args.reply_to {
        subject::publish(r)?;
    }
    let mut headers = parse_headers(&args.headers)?;
    let mut msg_id = user_msg_id(&mut headers, &args)?;
    let mut bodies = Bodies::from_args(&args)?;
    let opts = nats_options(settings, &args.connect)?;
    let client = connect(&opts).await?;
    let max_payload = client.server_info().max_payload;
    let js = args
        .jetstream
        .then(|| async_nats::jetstream::new(client.clone()));
    let run_id = format!(
        "{:x}",
        std::process::id() ^ chrono::Utc::now().timestamp_subsec_nanos()
    );

    let started = Instant::now();
    let (mut sent, mut bytes) = (0u64, 0u64);
    let mut acks = VecDeque::new();
    let mut result = Published {
        subject: args.subject.clone(),
        count: 0,
        bytes: 0,
        elapsed_ms: 0.0,
        msgs_per_sec: 0.0,
        stream: None,
        first_seq: None,
        last_seq: None,
        duplicates: None,
    };
    let subj = async_nats::Subject::from(args.subject.as_str());
    let limit = if args.stdin { u64::MAX } else { args.count };
    while sent < limit {
        let Some(body) = bodies.next(sent + 1).await? else {
            break;
        };
        if body.len() > max_payload {
            return Err(BusError::PayloadTooLarge {
                size: body.len(),
                max: max_payload,
                server: redact(&opts.server),
            }
            .into());
        }
        bytes += body.len() as u64;
        let mut map =
            (!headers.is_empty() || js.is_some() || msg_id.is_some()).then(HeaderMap::new);
        if let Some(map) = map.as_mut() {
            for (k, v) in &headers {
                map.insert(k.as_str(), v.as_str());
            }
            if let Some(id) = msg_id.as_mut() {
                let id = id.render(&Context {
                    count: sent + 1,
                    ..Context::default()
                });
                map.insert(MSG_ID, String::from_utf8_lossy(&id).as_ref());
            }
        }
        let op = || format!("publish to `{}`", args.subject);
        if let Some(js) = &js {
            let mut map = map.unwrap_or_default();
            if msg_id.is_none() {
                map.insert(MSG_ID, format!("arc-{run_id}-{}", sent + 1).as_str());
            }
            let ack = js
                .publish_with_headers(subj.clone(), map, body)
                .await
                .map_err(|e| BusError::op(op(), e))?;
            acks.push_back(ack);
            if acks.len() >= ACK_WINDOW {
                if let Some(a) = acks.pop_front() {
                    record(&mut result, &a.await.map_err(|e| BusError::op(op(), e))?);
                }
            }
        } else {
            let r = match (map, &args.reply_to) {
                (Some(m), Some(reply)) => {
                    client
                        .publish_with_reply_and_headers(subj.clone(), reply.clone(), m, body)
                        .await
                }
                (Some(m), None) => client.publish_with_headers(subj.clone(), m, body).await,
                (None, Some(reply)) => {
                    client
                        .publish_with_reply(subj.clone(), reply.clone(), body)
                        .await
                }
                (None, None) => client.publish(subj.clone(), body).await,
            };
            r.map_err(|e| BusError::op(op(), e))?;
        }
        sent += 1;
    }
    while let Some(a) = acks.pop_front() {
        record(
            &mut result,
            &a.await
                .map_err(|e| BusError::op(format!("publish to `{}`", args.subject), e))?,
        );
    }
    client
        .flush()
        .await
        .map_err(|e| BusError::op(format!("flush to {}", redact(&opts.server)), e))?;
    let elapsed = started.elapsed();
    result.count = sent;
    result.bytes = bytes;
    result.elapsed_ms = elapsed.as_secs_f64() * 1e3;
    #[allow(clippy::cast_precision_loss)]
    let rate = sent as f64 / elapsed.as_secs_f64().max(1e-9);
    result.msgs_per_sec = rate.round();
    if printer.json() {
        printer.json_value(&result);
    } else {
        let mut line = format!(
            "published {sent} message{} ({bytes} bytes) to `{}` in {} ({:.0} msg/s)",
            if sent == 1 { "" } else { "s" },
            args.subject,
            crate::format::duration(elapsed),
            rate
        );
        if let (Some(stream), Some(first), Some(last)) =
            (&result.stream, result.first_seq, result.last_seq)
        {
            line.push_str(&format!(
                "; stored in `{stream}` seq {}",
                crate::format::seq_range(first, last)
            ));
            if let Some(d) = result.duplicates.filter(|d| *d > 0) {
                line.push_str(&format!(" ({d} duplicates dropped)"));
            }
        }
        printer.info(&line);
    }
    Ok(ExitStatus::Success)
}

/// The caller's own `Nats-Msg-Id` (`-H Nats-Msg-Id:…`, the key in any case), taken out of
/// `headers` as a template rendered per message. An id names one message: the same id on every
/// message of `--count N` or `--stdin` would have JetStream store the first and drop the rest
/// as duplicates, so a constant id is refused there; `{{Count}}` makes one per message.
fn user_msg_id(
    headers: &mut Vec<(String, String)>,
    args: &PubArgs,
) -> Result<Option<Template>, Error> {
    let Some(at) = headers
        .iter()
        .rposition(|(k, _)| k.eq_ignore_ascii_case(MSG_ID))
    else {
        return Ok(None);
    };
    let (_, value) = headers.remove(at);
    headers.retain(|(k, _)| !k.eq_ignore_ascii_case(MSG_ID));
    let id = Template::parse(&value)?;
    if id.is_constant() && (args.count > 1 || args.stdin) {
        return Err(BusError::Invalid {
            what: "header",
            input: format!("{MSG_ID}:{value}"),
            reason: format!(
                "a `{MSG_ID}` names one message, and {} would carry the same one: JetStream \
                 would store the first and drop the rest as duplicates",
                if args.stdin {
                    "every line of --stdin".to_owned()
                } else {
                    format!("all {} messages", args.count)
                }
            ),
            example: format!(
                "`-H '{MSG_ID}:{value}-{{{{Count}}}}'` (one id per message), or leave the \
                 header out and `--jetstream` numbers them"
            ),
        }
        .into());
    }
    Ok(Some(id))
}

fn record(r: &mut Published, ack: &async_nats::jetstream::publish::PublishAck) {
    r.stream.get_or_insert(ack.stream.clone());
    r.first_seq = Some(r.first_seq.map_or(ack.sequence, |s| s.min(ack.sequence)));
    r.last_seq = Some(r.last_seq.map_or(ack.sequence, |s| s.max(ack.sequence)));
    if ack.duplicate {
        *r.duplicates.get_or_insert(0) += 1;
    }
}

impl Bodies {
    /// Bodies from `--stdin`, `--size` or the DATA template.
    pub(super) fn from_args(args: &PubArgs) -> Result<Self, Error> {
        Ok(if args.stdin {
            Self::Stdin(tokio::io::BufReader::new(tokio::io::stdin()).lines())
        } else if let Some(n) = args.size {
            Self::Template(Template::parse("")?.with_body(Template::random_body(n)))
        } else {
            Self::Template(Template::parse(args.data.as_deref().unwrap_or(""))?)
        })
    }
}
