//! Durable positions: where each input was read up to, written only after the sink accepted
//! everything before it (at-least-once). Stored in the state dir, written atomically.

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// How far one file of one source has been delivered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilePosition {
    /// Source name from the config.
    pub source: String,
    /// Path the file had when last read (it may have been rotated since).
    pub path: PathBuf,
    pub dev: u64,
    pub ino: u64,
    /// Hex digest of the file's first bytes: identity that survives inode reuse and renames.
    pub fingerprint: String,
    /// Byte offset just after the last line the sink accepted.
    pub offset: u64,
}
