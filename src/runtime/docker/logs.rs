//! A service's container logs: the last lines, or followed across restarts and recreates.

use std::time::Duration;

use bollard::query_parameters::LogsOptionsBuilder;
use futures::StreamExt;

use super::{op_err, DockerRuntime};
use crate::runtime::RuntimeError;
use crate::spec::ServiceSpec;

impl DockerRuntime {
    /// The container's log lines: all, or the last `tail`.
    pub(crate) async fn logs(
        &self,
        spec: &ServiceSpec,
        tail: Option<usize>,
    ) -> Result<Vec<String>, RuntimeError> {
        let Some(id) = self.find(spec).await? else {
            return Ok(Vec::new());
        };
        let tail = tail.map_or_else(|| "all".to_owned(), |n| n.to_string());
        let opts = LogsOptionsBuilder::new()
            .stdout(true)
            .stderr(true)
            .tail(&tail)
            .build();
        let mut stream = self.docker.logs(&id, Some(opts));
        let mut text = Vec::new();
        while let Some(chunk) = stream.next().await {
            match chunk {
                Ok(out) => text.extend_from_slice(&out.into_bytes()),
                Err(e) => {
                    return Err(op_err(format!(
                        "read the logs of `{}`",
                        Self::container_name(spec)
                    ))(e))
                }
            }
        }
        Ok(String::from_utf8_lossy(&text)
            .lines()
            .map(crate::runtime::logfile::strip_ansi)
            .collect())
    }

    /// Follows the container's logs from now; after the stream ends (a restart, a recreate) it
    /// finds the container again and goes on.
    pub(crate) fn follow(&self, spec: &ServiceSpec) -> futures::stream::BoxStream<'static, String> {
        let (this, spec) = (self.clone(), spec.clone());
        let since = i32::try_from(chrono::Utc::now().timestamp()).unwrap_or(0);
        let stream = async_stream_lines(this, spec, since);
        Box::pin(stream)
    }
}

fn async_stream_lines(
    this: DockerRuntime,
    spec: ServiceSpec,
    since: i32,
) -> impl futures::Stream<Item = String> + Send {
    futures::stream::unfold(
        (
            this,
            spec,
            since,
            None::<
                futures::stream::BoxStream<
                    'static,
                    Result<bollard::container::LogOutput, bollard::errors::Error>,
                >,
            >,
            String::new(),
        ),
        |(this, spec, mut since, mut current, mut partial)| async move {
            loop {
                if let Some(s) = current.as_mut() {
                    match s.next().await {
                        Some(Ok(out)) => {
                            partial.push_str(&String::from_utf8_lossy(&out.into_bytes()));
                            if let Some(nl) = partial.rfind('\n') {
                                let ready: String = partial.drain(..=nl).collect();
                                since =
                                    i32::try_from(chrono::Utc::now().timestamp()).unwrap_or(since);
                                return Some((
                                    ready.trim_end().to_owned(),
                                    (this, spec, since, current, partial),
                                ));
                            }
                            continue;
                        }
                        _ => current = None,
                    }
                }
                // (Re)attach: the container may have been restarted or recreated.
                if let Ok(Some(id)) = this.find(&spec).await {
                    let opts = LogsOptionsBuilder::new()
                        .stdout(true)
                        .stderr(true)
                        .follow(true)
                        .since(since)
                        .build();
                    current = Some(Box::pin(this.docker.logs(&id, Some(opts))));
                } else {
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
            }
        },
    )
    .flat_map(|chunk: String| {
        futures::stream::iter(
            chunk
                .lines()
                .map(crate::runtime::logfile::strip_ansi)
                .collect::<Vec<_>>(),
        )
    })
}
