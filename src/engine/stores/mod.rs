//! Store grammars: secrets that only the data store's syntax reveals, with no key next to the
//! value naming them. Each scanner reads a little grammar (a DynamoDB expression, an SQL
//! statement) to learn which *other* parts of the line hold secrets (the value bound to `:rt`,
//! the parameter in the position of the `password` column), then hands those to the key/value
//! scanner to read and judge. Shapes that are plain data (key prefixes, password hashes, URL
//! routes, context keys) are rules in `patterns/stores.toml` instead.

pub mod dynamodb;
pub mod sql;

use super::keyvalue::names::Verdict;
use super::keyvalue::{KeyClass, KvScanner};

/// The class of an attribute or column name: sensitive by the name table, or `None`.
pub(crate) fn name_class(kv: &KvScanner, name: &[u8]) -> Option<KeyClass> {
    match kv.names().classify(name) {
        Verdict::Sensitive(c) => Some(c),
        _ => None,
    }
}

/// Words of an identifier path (`a.b[0].c`, `"t"."col"`): sensitive if any segment is.
pub(crate) fn path_class(kv: &KvScanner, path: &[u8]) -> Option<KeyClass> {
    let mut found = None;
    for seg in path.split(|&b| matches!(b, b'.' | b'[' | b']' | b'"' | b'`')) {
        if seg.is_empty() || seg.iter().all(u8::is_ascii_digit) {
            continue;
        }
        if let Some(c) = name_class(kv, seg) {
            found = Some(c);
        }
    }
    found
}
