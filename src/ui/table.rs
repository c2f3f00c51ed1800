//! Plain tables for stdout, the human side of the same rows `--json` prints.

use comfy_table::presets::NOTHING;
use comfy_table::{ContentArrangement, Table as Comfy};

/// A borderless table with a header row.
pub(crate) struct Table {
    inner: Comfy,
}

impl Table {
    /// A table with these column headers.
    pub(crate) fn new(headers: &[&str]) -> Self {
        let mut inner = Comfy::new();
        inner
            .load_preset(NOTHING)
            .set_content_arrangement(ContentArrangement::Disabled)
            .set_header(headers.iter().map(|h| h.to_uppercase()));
        for col in inner.column_iter_mut() {
            col.set_padding((0, 2));
        }
        Self { inner }
    }

    /// Adds a row.
    pub(crate) fn row(&mut self, cells: Vec<String>) {
        self.inner.add_row(cells);
    }

    /// The rendered table, trailing spaces trimmed.
    pub(crate) fn render(&self) -> String {
        self.inner
            .to_string()
            .lines()
            .map(str::trim_end)
            .collect::<Vec<_>>()
            .join("\n")
    }
}
