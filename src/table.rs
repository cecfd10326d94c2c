//! Reading one `[[sources]]` or `[[sinks]]` table: what every source and sink kind shares when
//! it parses its own table (config.rs dispatches on `type`; the kinds call these).

/// A config error of one source or sink table: the message, and the value (as written in
/// the table) to point at, if one is to blame.
#[derive(Debug)]
pub(crate) struct TableError {
    pub value: Option<String>,
    pub message: String,
}

impl TableError {
    /// An error about the value written as `value` in the table.
    pub fn at(value: &str, message: impl Into<String>) -> Self {
        TableError {
            value: Some(value.to_string()),
            message: message.into(),
        }
    }

    /// An error about the table as a whole.
    pub fn table(message: impl Into<String>) -> Self {
        TableError {
            value: None,
            message: message.into(),
        }
    }
}

/// Deserialize a kind's raw config (with `deny_unknown_fields`) from its table.
pub(crate) fn from_table<T: serde::de::DeserializeOwned>(
    table: toml::Table,
) -> Result<T, TableError> {
    toml::Value::Table(table)
        .try_into()
        .map_err(|e: toml::de::Error| TableError::table(e.message().to_string()))
}

/// A duration written as humantime text (`"2s"`, `"500ms"`, `"1m 30s"`).
pub(crate) fn parse_duration(text: &str, what: &str) -> Result<std::time::Duration, TableError> {
    humantime::parse_duration(text).map_err(|e| {
        TableError::at(
            text,
            format!("{what} {text:?}: {e} (write e.g. \"2s\" or \"500ms\")"),
        )
    })
}
