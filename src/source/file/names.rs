//! Whether one file's name can be a copy of another's: the names logrotate (and people
//! restoring a file) give a copy.
//!
//! Content alone cannot tell a copytruncate copy from an unrelated file that starts with the
//! same lines (every worker's log opening with one start-up banner): a new worker's `w5.log`
//! holding the banner that a restarting worker's truncated `w1.log` held looks exactly like
//! `w1.log`'s copy. Continuing it where `w1.log` was loses its banner lines. Names tell them
//! apart: a copy is named after its original.
//!
//! `candidate` may be a copy of `original` (directories do not matter: logrotate's `olddir`
//! moves copies elsewhere, keeping their names) when its file name
//! - is the original's (a restore, a copy in another directory);
//! - starts with the original's followed by a character that is neither a letter nor a digit
//!   (`app.log.1`, `app.log-20240101`, `app.log.1.gz`, `app.log.bak`, `app.log~`);
//! - or, for logrotate's `extension` option (the extension kept at the end), is the original's
//!   stem, a rotation number or date, then the original's extension, then anything starting
//!   with `.` (`app.1.log`, `app-20240101.log`, `app_2024-01-01.log`, `app.1.log.gz`). The
//!   middle part is `.` and digits (a number), or a separator and at least six digits among
//!   separators (a date: logrotate's `dateformat` only has numeric fields): `app-2.log` is a
//!   second worker's log, not a copy.
//!
//! Anything else (`w5.log` for `w1.log`, `copy.log` for `app.log`) is not a copy: it is read
//! whole, its lines emitted even if they are the same as the other file's.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// Whether `candidate`'s name is one a copy of `original` can have (see the module docs).
pub fn may_be_copy_of(original: &Path, candidate: &Path) -> bool {
    let (Some(o), Some(c)) = (original.file_name(), candidate.file_name()) else {
        return false;
    };
    let (o, c) = (OsStr::as_bytes(o), OsStr::as_bytes(c));
    if o.is_empty() {
        return false;
    }
    if let Some(rest) = c.strip_prefix(o) {
        return rest.first().map_or(true, |b| !b.is_ascii_alphanumeric());
    }
    // `extension`: stem + number or date + extension (+ `.gz` …).
    let Some(dot) = o.iter().rposition(|&b| b == b'.').filter(|&i| i > 0) else {
        return false;
    };
    let (stem, ext) = o.split_at(dot);
    let Some(rest) = c.strip_prefix(stem) else {
        return false;
    };
    // `rest` = middle + ext + tail; the middle is at least two bytes (separator + digit).
    (2..rest.len()).any(|m| {
        let (mid, after) = rest.split_at(m);
        after
            .strip_prefix(ext)
            .is_some_and(|tail| tail.is_empty() || tail[0] == b'.')
            && is_rotation_mark(mid)
    })
}

/// `.N` (a rotation number), or a separator then a date: digits (six or more) and separators.
fn is_rotation_mark(mid: &[u8]) -> bool {
    let sep = |b: u8| matches!(b, b'.' | b'-' | b'_');
    let (first, rest) = (mid[0], &mid[1..]);
    if !sep(first) || rest.is_empty() {
        return false;
    }
    if first == b'.' && rest.iter().all(u8::is_ascii_digit) {
        return true;
    }
    rest.iter().all(|&b| b.is_ascii_digit() || sep(b))
        && rest.iter().filter(|b| b.is_ascii_digit()).count() >= 6
}

#[cfg(test)]
mod tests {
    use super::*;

    fn copy(o: &str, c: &str) -> bool {
        may_be_copy_of(Path::new(o), Path::new(c))
    }

    #[test]
    fn logrotate_names_of_a_copy_are_copies() {
        for c in [
            "/var/log/app.log",
            "/var/log/app.log.1",
            "/var/log/app.log.12",
            "/var/log/app.log-20240101",
            "/var/log/app.log-2024010112",
            "/var/log/app.log.1.gz",
            "/var/log/app.log.bak",
            "/var/log/app.log~",
            "/var/log/old/app.log.1",
            "/backup/app.log",
            "/var/log/app.1.log",
            "/var/log/app.2.log.gz",
            "/var/log/app-20240101.log",
            "/var/log/app_2024-01-01.log",
            "/var/log/app-1704067200.log",
        ] {
            assert!(copy("/var/log/app.log", c), "{c}");
        }
        assert!(copy("/var/log/messages", "/var/log/messages.1"));
        assert!(copy("/var/log/messages", "/var/log/messages-20240101"));
    }

    #[test]
    fn other_names_are_not_copies() {
        for c in [
            "/var/log/w5.log",
            "/var/log/copy.log",
            "/var/log/app.logger",
            "/var/log/app.log1",
            "/var/log/app-2.log",
            "/var/log/app-worker.log",
            "/var/log/app.x.log",
            "/var/log/app.1.logs",
            "/var/log/ap.log",
            "/var/log/app",
            "/var/log/app.1",
        ] {
            assert!(!copy("/var/log/app.log", c), "{c}");
        }
        assert!(!copy("/var/log/w1.log", "/var/log/w5.log"));
        assert!(!copy("/var/log/app.log.1", "/var/log/app.log"), "one way");
        assert!(!copy("/var/log/.log", "/var/log/.1.log"));
        assert!(!copy("/", "/var/log/app.log"));
    }
}
