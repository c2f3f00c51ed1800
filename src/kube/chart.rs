//! The chart arc deploys, pinned in this one place.
//!
//! To move it: change [`VERSION`] (and [`NATS_VERSION`], the chart's `appVersion`), put the new
//! chart's archive beside the repository (`../shared/charts/nats-VERSION.tgz`, as the chart
//! repository serves it) for the tests that render it, and run `cargo test --test backbones`:
//! they render the new chart with arc's values, validate every manifest and run its `nats.conf`.

/// The chart repository of nats-io/k8s.
pub(crate) const REPO: &str = "https://nats-io.github.io/k8s/helm/charts/";
/// The chart's name in that repository.
pub(crate) const NAME: &str = "nats";
/// The chart version arc installs.
pub(crate) const VERSION: &str = "2.14.2";
/// The NATS server that chart version runs (its `appVersion`).
pub(crate) const NATS_VERSION: &str = "2.14.2";
