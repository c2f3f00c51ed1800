//! `arc replay`: re-read a JetStream stream or a Pulsar topic from a point in time, print it
//! (and optionally re-publish it live with `--to`), and exit at the end of what exists.

use async_nats::jetstream::consumer::{pull::OrderedConfig, DeliverPolicy};
use futures::{FutureExt, StreamExt};

// Also imported from here by pulsar.rs.
pub(super) use super::window::window;
use super::{emit, is_pulsar_topic, nats_options, Format, HumanLine};
use crate::bus::nats::{connect, headers_map, Received};
use crate::bus::{subject, BusError};
use crate::cli::ReplayArgs;
use crate::commands::ExitStatus;
use crate::error::Error;
use crate::settings::Settings;
use crate::ui::Printer;

/// Replays.
pub(crate) async fn run(
    args: ReplayArgs,
    settings: &Settings,
    printer: &Printer,
) -> Result<ExitStatus, Error> {
    if args.log {
        return super::log::replay(args, settings, printer).await;
    }
    // clap requires the source unless --log.
    let source = args.source.clone().unwrap_or_default();
    if is_pulsar_topic(&source) {
        return super::replay_pulsar(args, settings, printer).await;
    }
    subject::stream_name(&source)?;
    if let Some(f) = &args.subject {
        subject::pattern(f)?;
    }
    let w = window(&args)?;
    let client = connect(&nats_options(settings, &args.connect)?).await?;
    let js = async_nats::jetstream::new(client.clone());
    let stream = super::streams::open_stream(&js, &source).await?;
    let start = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(
        w.since.timestamp_nanos_opt().unwrap_or(0),
    ))
    .map_err(|e| BusError::op("convert --since", e))?;
    let op = || format!("replay `{source}`");
    let mut consumer = stream
        .create_consumer(OrderedConfig {
            deliver_policy: DeliverPolicy::ByStartTime { start_time: start },
            filter_subject: args.subject.clone().unwrap_or_default(),
            ..OrderedConfig::default()
        })
        .await
        .map_err(|e| BusError::op(op(), e))?;
    let pending = consumer
        .info()
        .await
        .map_err(|e| BusError::op(op(), e))?
        .num_pending;
    let format = Format {
        json: printer.json(),
        raw: args.raw,
        headers: false,
    };
    let mut out = printer.data_stream();
    let mut line = HumanLine::new(printer);
    let mut count = 0u64;
    if pending > 0 || args.follow {
        let mut messages = consumer
            .messages()
            .await
            .map_err(|e| BusError::op(op(), e))?;
        let ctrl_c = tokio::signal::ctrl_c();
        tokio::pin!(ctrl_c);
        loop {
            let next = match messages.next().now_or_never() {
                Some(m) => m,
                None => {
                    if !out.flush() {
                        break;
                    }
                    tokio::select! {
                        m = messages.next() => m,
                        _ = &mut ctrl_c => break,
                    }
                }
            };
            let Some(msg) = next else { break };
            let msg = msg.map_err(|e| BusError::op(op(), e))?;
            let info = msg.info().map_err(|e| BusError::op(op(), e))?;
            let (seq, left) = (info.stream_sequence, info.pending);
            let published_ms = i64::try_from(info.published.unix_timestamp_nanos() / 1_000_000)
                .unwrap_or(i64::MAX);
            if w.until.is_some_and(|u| published_ms > u.timestamp_millis()) {
                break;
            }
            if let Some(to) = &args.to {
                let res = match msg.headers.clone() {
                    Some(h) => {
                        client
                            .publish_with_headers(to.clone(), h, msg.payload.clone())
                            .await
                    }
                    None => client.publish(to.clone(), msg.payload.clone()).await,
                };
                res.map_err(|e| BusError::op(format!("re-publish to `{to}`"), e))?;
            }
            count += 1;
            let ok = if format.json {
                let mut r = Received::new(msg.subject.as_str(), &msg.payload);
                if let Some(h) = &msg.headers {
                    r.headers = headers_map(h);
                }
                r.published = chrono::DateTime::from_timestamp_millis(published_ms)
                    .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true));
                r.stream = Some(source.clone());
                r.seq = Some(seq.to_string());
                emit(&mut out, printer, format, &r, &msg.payload)
            } else {
                line.write(
                    &mut out,
                    Some(seq),
                    published_ms,
                    msg.subject.as_str(),
                    None,
                    &msg.payload,
                    format,
                )
            };
            if !ok {
                break;
            }
            if left == 0 && !args.follow {
                break;
            }
        }
    }
    out.flush();
    if args.to.is_some() {
        client
            .flush()
            .await
            .map_err(|e| BusError::op("flush re-published messages", e))?;
    }
    printer.info(&format!(
        "replayed {count} message{} from `{}`{}",
        if count == 1 { "" } else { "s" },
        source,
        args.to
            .as_ref()
            .map(|t| format!(" to `{t}`"))
            .unwrap_or_default()
    ));
    Ok(ExitStatus::Success)
}
