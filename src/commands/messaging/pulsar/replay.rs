//! `arc replay persistent://…`: a private subscription from the earliest message (or a seek
//! by publish time), drained to the end or followed, and removed on every way out.

use std::time::Duration;

use super::{
    connect, connect_partitions, drain_from, pulsar_op, topic, Backoff, Drain, Signals, STALL,
};
use crate::bus::pulsar::{Client, InitialPosition, SubType, Topic, TopicConsumer};
use crate::bus::BusError;
use crate::cli::{ConnectArgs, ReplayArgs};
use crate::commands::messaging::replay::window;
use crate::commands::messaging::{nats_options, Format};
use crate::commands::ExitStatus;
use crate::error::Error;
use crate::settings::Settings;
use crate::ui::Printer;

/// Where the broker cannot name its last message, a replay ends when it has sent nothing for
/// this long.
const END_OF_TOPIC: Duration = Duration::from_millis(500);

/// `arc replay persistent://…`: seek by publish time where the broker can, else read from the
/// earliest message and skip what is older; stop at the end unless `--follow`. The replay's
/// private subscription is removed on every way out: the end, an error, SIGINT, SIGTERM.
pub(crate) async fn replay_pulsar(
    args: ReplayArgs,
    settings: &Settings,
    printer: &Printer,
) -> Result<ExitStatus, Error> {
    let t = topic(args.source.as_deref().unwrap_or_default())?;
    if args.subject.is_some() {
        return Err(BusError::Invalid {
            what: "option",
            input: "--subject".into(),
            reason: "it filters JetStream subjects; a Pulsar topic has none".into(),
            example: "`arc replay persistent://public/default/audit --since 1h`".into(),
        }
        .into());
    }
    let w = window(&args)?;
    let since_ms = u64::try_from(w.since.timestamp_millis()).unwrap_or(0);
    let until_ms = w
        .until
        .map(|u| u64::try_from(u.timestamp_millis()).unwrap_or(0));
    let mut signals = Signals::new()?;
    let nats = match &args.to {
        Some(_) => Some(crate::bus::nats::connect(&nats_options(settings, &args.connect)?).await?),
        None => None,
    };
    // A private subscription, removed afterwards, so a replay never moves anyone's cursor.
    let mut sub = ReplaySubscription {
        name: format!(
            "arc-replay-{:x}",
            std::process::id() ^ chrono::Utc::now().timestamp_subsec_nanos()
        ),
        consumer: None,
        tried: false,
    };
    let window = (since_ms, until_ms);
    // A signal while connecting or subscribing waits in `signals` for `drain`, which stops at
    // once: every step before it is bounded by the connect timeout.
    let replayed = replay(
        &args,
        settings,
        printer,
        &t,
        &mut sub,
        window,
        nats.as_ref(),
        &mut signals,
    )
    .await;
    sub.remove(settings, &args.connect, &t, printer).await;
    let Some(n) = replayed? else {
        return Ok(ExitStatus::Success);
    };
    if let Some(c) = &nats {
        c.flush()
            .await
            .map_err(|e| BusError::op("flush re-published messages", e))?;
    }
    printer.info(&format!(
        "replayed {n} message{} from `{t}`{}",
        if n == 1 { "" } else { "s" },
        args.to
            .as_ref()
            .map(|s| format!(" to `{s}`"))
            .unwrap_or_default()
    ));
    Ok(ExitStatus::Success)
}

/// The body of [`replay_pulsar`]: the number of messages replayed, or `None` when there was
/// nothing to replay (said on stderr).
#[allow(clippy::too_many_arguments)]
async fn replay(
    args: &ReplayArgs,
    settings: &Settings,
    printer: &Printer,
    t: &Topic,
    sub: &mut ReplaySubscription,
    (since_ms, until_ms): (u64, Option<u64>),
    nats: Option<&async_nats::Client>,
    signals: &mut Signals,
) -> Result<Option<u64>, Error> {
    let client = connect(settings, &args.connect).await?;
    // pulsar-lite answers a seek, but under load its delivery after the seek sometimes never
    // restarts (seen in this repo's tests); there arc reads from the earliest message and skips
    // by time, which is exact too.
    let lite = client.server_version().starts_with("Pulsar-Lite");
    let consumer = sub.subscribe(settings, &args.connect, client, t).await?;
    let seek = if lite {
        Ok(())
    } else {
        consumer.seek_by_time(since_ms).await
    };
    match seek {
        Ok(()) => {}
        Err(e) if e.kind() == "unsupported" => {
            tracing::debug!("seek by time unavailable ({e}); reading from the earliest message");
            // The broker may have dropped the connection with the refusal: start again.
            let client = connect(settings, &args.connect).await?;
            sub.subscribe(settings, &args.connect, client, t).await?;
        }
        Err(e) => return Err(pulsar_op(format!("seek `{t}`"))(e)),
    }
    // The end of what exists: the topic's last message when the replay began. Where the broker
    // cannot say, the end is a pause with nothing delivered.
    let (ends, idle_end) = if args.follow {
        (false, None)
    } else {
        match sub.consumer()?.set_ends().await {
            Ok(true) => (true, Some(STALL)),
            Ok(false) => {
                printer.info(&format!("replayed 0 messages from `{t}` (it is empty)"));
                return Ok(None);
            }
            Err(e) if e.kind() == "unsupported" => {
                tracing::debug!("last message id unavailable ({e}); ending at the first pause");
                // The broker may have dropped the connection with the refusal.
                let client = connect(settings, &args.connect).await?;
                sub.subscribe(settings, &args.connect, client, t).await?;
                (false, Some(END_OF_TOPIC))
            }
            Err(e) => return Err(pulsar_op(format!("get the last message id of `{t}`"))(e)),
        }
    };
    if args.follow {
        printer.info(&format!(
            "following `{t}` (subscription `{}`, removed at the end); Ctrl-C ends",
            sub.name
        ));
    }
    let format = Format {
        json: printer.json(),
        raw: args.raw,
        headers: false,
    };
    let mut total = 0;
    loop {
        let stop = Drain {
            count: None,
            until_ms,
            idle_end,
            to: nats.zip(args.to.as_deref()),
            ends,
            resume: args.follow,
        };
        // Times are checked here too: exact whether or not the broker could seek.
        let consumer = sub.consumer()?;
        let drained = drain_from(consumer, t, printer, format, stop, since_ms, signals).await?;
        total += drained.seen;
        let Some(dropped) = drained.dropped else {
            return Ok(Some(total));
        };
        printer.warn(&format!(
            "lost the connection to the broker ({dropped}); resuming `{}` on a new one: \
             messages printed were acknowledged, any others are delivered again",
            sub.name
        ));
        let mut backoff = Backoff::new();
        loop {
            let attempt = async {
                let client = connect(settings, &args.connect).await?;
                sub.subscribe(settings, &args.connect, client, t).await?;
                Ok::<_, Error>(())
            };
            match attempt.await {
                Ok(()) => break,
                Err(e) => backoff.wait(signals, e).await?,
            }
        }
        printer.info(&format!("resumed `{t}` (subscription `{}`)", sub.name));
    }
}

/// A replay's private subscription, and whether it may exist on the broker.
struct ReplaySubscription {
    /// `arc-replay-…`.
    name: String,
    /// The consumer on it, once subscribed.
    consumer: Option<TopicConsumer>,
    /// Whether a SUBSCRIBE was sent: from then on the subscription may exist.
    tried: bool,
}

impl ReplaySubscription {
    /// Subscribes (Exclusive, from the earliest message) on `client`, replacing any consumer.
    async fn subscribe(
        &mut self,
        settings: &Settings,
        c: &ConnectArgs,
        client: Client,
        t: &Topic,
    ) -> Result<&mut TopicConsumer, Error> {
        self.consumer = None;
        self.tried = true;
        let consumer = subscribe_earliest(settings, c, client, t, &self.name).await?;
        Ok(self.consumer.insert(consumer))
    }

    /// The consumer, once subscribed.
    fn consumer(&mut self) -> Result<&mut TopicConsumer, Error> {
        self.consumer
            .as_mut()
            .ok_or_else(|| Error::failed("the replay has no subscription".to_owned(), None))
    }

    /// Removes the subscription from the broker: through its consumer, or where that is gone
    /// (the connection broke), through a new connection. Says so on stderr if it cannot.
    async fn remove(&mut self, settings: &Settings, c: &ConnectArgs, t: &Topic, printer: &Printer) {
        if !self.tried {
            return;
        }
        if let Some(consumer) = self.consumer.take() {
            match consumer.unsubscribe().await {
                Ok(()) => return,
                Err(e) => tracing::debug!("unsubscribe `{}`: {e}; on a new connection", self.name),
            }
        }
        let again = async {
            let client = connect(settings, c).await?;
            let consumer = subscribe_earliest(settings, c, client, t, &self.name).await?;
            consumer
                .unsubscribe()
                .await
                .map_err(pulsar_op(format!("unsubscribe `{}`", self.name)))
        };
        if let Err(e) = again.await {
            printer.warn(&format!(
                "could not remove this replay's subscription `{}` on `{t}` ({e}); it keeps a \
                 backlog until removed: `pulsar-admin topics unsubscribe {t} -s {}`",
                self.name, self.name
            ));
        }
    }
}

async fn subscribe_earliest(
    settings: &Settings,
    c: &ConnectArgs,
    client: Client,
    t: &Topic,
    subscription: &str,
) -> Result<TopicConsumer, Error> {
    let (clients, partitions) = connect_partitions(settings, c, client, t).await?;
    TopicConsumer::subscribe(
        &clients,
        partitions,
        t,
        subscription,
        SubType::Exclusive,
        InitialPosition::Earliest,
    )
    .await
    .map_err(pulsar_op(format!("subscribe to `{t}`")))
}
