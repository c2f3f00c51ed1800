//! `arc sub` and `arc tail`: print messages as they arrive, one line (or JSON Line) each.
//! (`arc tail --log` follows the pipeline's feed instead: `log.rs`.)

use futures::{FutureExt, StreamExt};

use super::{emit, is_pulsar_topic, nats_options, Format, HumanLine};
use crate::bus::nats::{connect, Received};
use crate::bus::{subject, BusError};
use crate::cli::{SubArgs, TailArgs};
use crate::commands::ExitStatus;
use crate::error::Error;
use crate::settings::Settings;
use crate::ui::Printer;

/// `arc sub`.
pub(crate) async fn sub(
    args: SubArgs,
    settings: &Settings,
    printer: &Printer,
) -> Result<ExitStatus, Error> {
    if is_pulsar_topic(&args.subject) {
        return super::subscribe_pulsar(args, settings, printer).await;
    }
    subject::pattern(&args.subject)?;
    if let Some(q) = &args.queue {
        subject::publish(q).map_err(|_| BusError::Invalid {
            what: "queue group",
            input: q.clone(),
            reason: "it must be a plain name (no spaces or wildcards)".into(),
            example: "`workers`".into(),
        })?;
    }
    let format = Format {
        json: printer.json(),
        raw: args.raw,
        headers: args.headers,
    };
    let client = connect(&nats_options(settings, &args.connect)?).await?;
    let subscriber =
        crate::bus::nats::subscribe(&client, &args.subject, args.queue.as_deref()).await?;
    printer.info(&format!(
        "listening on `{}`{}",
        args.subject,
        args.queue
            .as_ref()
            .map(|q| format!(" (queue group `{q}`)"))
            .unwrap_or_default()
    ));
    pump(subscriber, printer, format, args.count, |_| true).await
}

/// `arc tail`.
pub(crate) async fn tail(
    args: TailArgs,
    settings: &Settings,
    printer: &Printer,
) -> Result<ExitStatus, Error> {
    if args.log {
        return super::log::tail(args, settings, printer).await;
    }
    subject::pattern(&args.pattern)?;
    let format = Format {
        json: printer.json(),
        raw: false,
        headers: false,
    };
    let client = connect(&nats_options(settings, &args.connect)?).await?;
    let subscriber = crate::bus::nats::subscribe(&client, &args.pattern, None).await?;
    printer.info(&format!("tailing `{}` (Ctrl-C to stop)", args.pattern));
    let system = args.system;
    pump(subscriber, printer, format, args.count, move |m| {
        system || !(m.subject.starts_with('$') || m.subject.starts_with("_INBOX."))
    })
    .await
}

/// Prints messages until `count` (or Ctrl-C, or the reader goes away), flushing whenever no
/// message is waiting.
async fn pump(
    mut subscriber: async_nats::Subscriber,
    printer: &Printer,
    format: Format,
    count: Option<u64>,
    keep: impl Fn(&async_nats::Message) -> bool,
) -> Result<ExitStatus, Error> {
    let mut out = printer.data_stream();
    let mut line = HumanLine::new(printer);
    let mut seen = 0u64;
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    loop {
        if count.is_some_and(|c| seen >= c) {
            break;
        }
        // Take what is ready without waiting; flush before waiting.
        let next = match subscriber.next().now_or_never() {
            Some(m) => m,
            None => {
                if !out.flush() {
                    break;
                }
                tokio::select! {
                    m = subscriber.next() => m,
                    _ = &mut ctrl_c => break,
                }
            }
        };
        let Some(m) = next else {
            out.flush();
            return Err(Error::failed("the server closed the subscription", None));
        };
        if !keep(&m) {
            continue;
        }
        seen += 1;
        let ok = if format.json {
            emit(
                &mut out,
                printer,
                format,
                &Received::from_nats(&m),
                &m.payload,
            )
        } else {
            line.write(
                &mut out,
                None,
                chrono::Utc::now().timestamp_millis(),
                m.subject.as_str(),
                m.headers.as_ref(),
                &m.payload,
                format,
            )
        };
        if !ok {
            break;
        }
    }
    out.flush();
    Ok(ExitStatus::Success)
}
