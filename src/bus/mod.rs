//! Adapters to the backbone's engines, shared by the messaging commands and the pipeline:
//! NATS and JetStream (async-nats), Pulsar (arc's own binary-protocol client) and the Pulsar
//! admin API. Nothing here prints: results are values, failures are [`BusError`]s.

mod error;
pub(crate) mod jetstream;
pub(crate) mod nats;
pub(crate) mod pulsar;
pub(crate) mod pulsar_admin;
pub(crate) mod subject;
pub(crate) mod timespec;

pub(crate) use error::{BoxError, Scrubbed};
pub(crate) use error::{BusError, BusErrorKind};
