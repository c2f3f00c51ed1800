//! Provisioning files: what a service declares beyond itself and arc creates on the running
//! engine. `streams.yaml` (JetStream, [`streams`]) and `topics.yaml` (Pulsar tenants,
//! namespaces and topics, [`topics`] and [`topics_plan`]) are parsed through `spec`'s
//! diagnostics, with sizes and durations in `spec`'s one grammar, and compared with the
//! server's state by pure planners. `arc up` and `arc streams apply` call these; the protocol
//! and admin clients are `bus`'s. Nothing here prints.

pub(crate) mod streams;
pub(crate) mod topics;
pub(crate) mod topics_plan;
