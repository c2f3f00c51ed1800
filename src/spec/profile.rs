//! The types of `profiles.yaml`: named sets of services.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The whole `profiles.yaml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfilesFile {
    /// The profile `arc up` brings up when given no names.
    pub default: String,
    /// Profiles by name.
    pub profiles: BTreeMap<String, ProfileSpec>,
}

/// One profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileSpec {
    /// What the profile is for.
    #[serde(default)]
    pub description: String,
    /// Services by name or codename.
    pub services: Vec<String>,
}
