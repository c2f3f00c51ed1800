//! `arc request` and `arc reply`.

use std::process::Stdio;

use async_nats::HeaderMap;
use futures::StreamExt;
use tokio::io::AsyncWriteExt;

use super::template::{Context, Template};
use super::{emit, nats_options, Format};
use crate::bus::nats::{connect, parse_headers, Received};
use crate::bus::{subject, BusError};
use crate::cli::{ReplyArgs, RequestArgs};
use crate::commands::ExitStatus;
use crate::error::Error;
use crate::settings::Settings;
use crate::ui::Printer;

/// Sends one request and prints the reply.
pub(crate) async fn request(
    args: RequestArgs,
    settings: &Settings,
    printer: &Printer,
) -> Result<ExitStatus, Error> {
    subject::publish(&args.subject)?;
    let headers = parse_headers(&args.headers)?;
    let body = Template::parse(&args.data)?.render(&Context {
        count: 1,
        ..Context::default()
    });
    let client = connect(&nats_options(settings, &args.connect)?).await?;
    let mut req = async_nats::Request::new()
        .payload(body)
        .timeout(Some(args.timeout));
    if !headers.is_empty() {
        let mut map = HeaderMap::new();
        for (k, v) in &headers {
            map.insert(k.as_str(), v.as_str());
        }
        req = req.headers(map);
    }
    let reply = match client.send_request(args.subject.clone(), req).await {
        Ok(m) => m,
        Err(e) => {
            use async_nats::client::RequestErrorKind;
            return Err(match e.kind() {
                RequestErrorKind::NoResponders => BusError::NoResponders {
                    subject: args.subject,
                },
                RequestErrorKind::TimedOut => BusError::Timeout {
                    subject: args.subject,
                    after: args.timeout,
                },
                RequestErrorKind::Other => {
                    BusError::op(format!("request on `{}`", args.subject), e)
                }
            }
            .into());
        }
    };
    let mut out = printer.data_stream();
    let format = Format {
        json: printer.json(),
        raw: args.raw || !printer.json(),
        headers: false,
    };
    emit(
        &mut out,
        printer,
        format,
        &Received::from_nats(&reply),
        &reply.payload,
    );
    Ok(ExitStatus::Success)
}

/// Answers requests until `--count` or Ctrl-C.
pub(crate) async fn reply(
    args: ReplyArgs,
    settings: &Settings,
    printer: &Printer,
) -> Result<ExitStatus, Error> {
    subject::pattern(&args.subject)?;
    let mut template = match &args.response {
        Some(r) => Some(Template::parse(r)?),
        None => None,
    };
    let client = connect(&nats_options(settings, &args.connect)?).await?;
    let mut sub =
        crate::bus::nats::subscribe(&client, &args.subject, args.queue.as_deref()).await?;
    printer.info(&format!("replying on `{}`", args.subject));
    let mut handled = 0u64;
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    while args.count.is_none_or(|c| handled < c) {
        let msg = tokio::select! {
            m = sub.next() => m,
            _ = &mut ctrl_c => break,
        };
        let Some(msg) = msg else {
            return Err(Error::failed("the server closed the subscription", None));
        };
        let Some(reply_to) = msg.reply.clone() else {
            printer.warn(&format!(
                "a message on `{}` has no reply subject; ignored",
                msg.subject
            ));
            continue;
        };
        handled += 1;
        let body = match (&mut template, &args.command) {
            (Some(t), _) => t.render(&Context {
                count: handled,
                request: &msg.payload,
                subject: msg.subject.as_str(),
            }),
            (None, Some(cmd)) => run_command(cmd, &msg.payload, printer).await,
            (None, None) => bytes::Bytes::new(),
        };
        client
            .publish(reply_to, body.clone())
            .await
            .map_err(|e| BusError::op(format!("reply on `{}`", msg.subject), e))?;
        printer.info(&format!(
            "#{handled} `{}`: replied with {} bytes",
            msg.subject,
            body.len()
        ));
    }
    client
        .flush()
        .await
        .map_err(|e| BusError::op("flush replies", e))?;
    Ok(ExitStatus::Success)
}

/// Runs `sh -c cmd` with `input` on stdin; its stdout is the reply (a failure is reported on
/// stderr and still answers, so the requester is not left waiting).
async fn run_command(cmd: &str, input: &[u8], printer: &Printer) -> bytes::Bytes {
    let child = tokio::process::Command::new("sh")
        .args(["-c", cmd])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => {
            printer.warn(&format!("cannot run `{cmd}`: {e}"));
            return bytes::Bytes::new();
        }
    };
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(input).await;
    }
    match child.wait_with_output().await {
        Ok(out) => {
            if !out.status.success() {
                printer.warn(&format!("`{cmd}` exited with {}", out.status));
            }
            bytes::Bytes::from(out.stdout)
        }
        Err(e) => {
            printer.warn(&format!("`{cmd}` failed: {e}"));
            bytes::Bytes::new()
        }
    }
}
