//! File identity: device + inode, plus a fingerprint of the file's first bytes, plus a proof
//! of the bytes before the position.
//!
//! Either of the first two alone loses data. Inodes are reused as soon as a file is deleted,
//! so a checkpoint keyed by inode can point into an unrelated new file (Vector #18342); a
//! checksum of the first bytes cannot tell apart two files that start with the same header
//! (Vector #25079). So checkpoints are keyed by device + inode (two live files never share
//! one), and the fingerprint must match too (an inode reused by a new file starts again).
//! A checkpoint of a file no longer found at its inode (copied, restored) is taken over by a
//! file with the same fingerprint only if that file proves the offset (below).
//!
//! **Proofs.** A position also records a [`Proof`]: the SHA-256 of the [`PROOF_BYTES`] bytes
//! just before its offset. A file resumes at a position only if it still holds those bytes
//! there: a file rewritten in place with the same first line, or another file with the same
//! header, does not inherit an offset its own content does not prove.
//!
//! **The rule.** The fingerprint is the hex SHA-256 of the file's first line (including its
//! `\n`), capped at `N` bytes (`N` = [`DEFAULT_FINGERPRINT_BYTES`]). It exists once the file
//! has `N` bytes or a `\n` within its first `N` bytes; before that the file has no fingerprint
//! and is not read. Capping at the first line (rather than always hashing `N` bytes) keeps the
//! fingerprint stable while the file grows: a short first line is hashed the same way when the
//! file is 30 bytes long and when it is 30 MB long.

use crate::checkpoint::Proof;
use sha2::{Digest, Sha256};
use std::fs::{File, Metadata};
use std::io;
use std::os::unix::fs::{FileExt, MetadataExt};

/// How many leading bytes the fingerprint covers at most.
pub const DEFAULT_FINGERPRINT_BYTES: usize = 256;

/// How many bytes before a position's offset its [`Proof`] covers (fewer near the start).
pub const PROOF_BYTES: usize = 1024;

/// Device and inode of a file: which file an open handle or a path refers to right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId {
    pub dev: u64,
    pub ino: u64,
}

impl FileId {
    /// The identity recorded in `meta`.
    pub fn of(meta: &Metadata) -> Self {
        FileId {
            dev: meta.dev(),
            ino: meta.ino(),
        }
    }
}

/// Open `path` if it still names the file `id`: `Ok(None)` when a rename gave the path to
/// another file since `id` was read from it (a writer rotating now), so that nothing read
/// from the handle is taken for the file the caller listed.
pub fn open_as(path: &std::path::Path, id: FileId) -> io::Result<Option<File>> {
    let file = File::open(path)?;
    Ok((FileId::of(&file.metadata()?) == id).then_some(file))
}

/// The fingerprint of a file whose first bytes are `head` (at least `max_bytes` of them when
/// the file is that long), or `None` when the first line is still incomplete and short.
pub fn fingerprint_of(head: &[u8], max_bytes: usize) -> Option<String> {
    let head = &head[..head.len().min(max_bytes)];
    let end = match memchr::memchr(b'\n', head) {
        Some(i) => i + 1,
        None if head.len() == max_bytes && max_bytes > 0 => max_bytes,
        None => return None,
    };
    Some(hex_sha256(&head[..end]))
}

/// Hex SHA-256 of `bytes`: also the fallback identity of a file finished before it had a
/// fingerprint (its whole, short content).
pub fn hex_sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(digest: &[u8]) -> String {
    let mut s = String::with_capacity(64);
    for b in digest {
        s.push(char::from_digit(u32::from(b >> 4), 16).unwrap());
        s.push(char::from_digit(u32::from(b & 15), 16).unwrap());
    }
    s
}

/// The proof of a window given in two consecutive parts (`a` then `b`).
pub fn proof_of(a: &[u8], b: &[u8]) -> Proof {
    let mut h = Sha256::new();
    h.update(a);
    h.update(b);
    Proof {
        len: (a.len() + b.len()) as u32,
        sha256: hex(&h.finalize()),
    }
}

/// The window a proof at `offset` covers: the up to [`PROOF_BYTES`] bytes before it.
pub fn read_window(file: &File, offset: u64) -> io::Result<Vec<u8>> {
    let len = offset.min(PROOF_BYTES as u64) as usize;
    let mut buf = vec![0; len];
    file.read_exact_at(&mut buf, offset - len as u64)?;
    Ok(buf)
}

/// Whether `file` holds, just before `offset`, the bytes `proof` was taken of.
pub fn proof_holds(proof: &Proof, file: &File, offset: u64) -> bool {
    let len = u64::from(proof.len);
    if len > offset {
        return false;
    }
    let mut buf = vec![0; len as usize];
    file.read_exact_at(&mut buf, offset - len).is_ok() && proof_of(&buf, b"") == *proof
}

/// Read up to `max_bytes` from the start of `file` (positioned reads: the handle's cursor is
/// not moved).
pub fn read_head(file: &File, max_bytes: usize) -> io::Result<Vec<u8>> {
    let mut head = vec![0; max_bytes];
    let mut len = 0;
    while len < max_bytes {
        match file.read_at(&mut head[len..], len as u64) {
            Ok(0) => break,
            Ok(n) => len += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    head.truncate(len);
    Ok(head)
}

/// The fingerprint of the open `file` (see the module docs for when there is none).
pub fn fingerprint(file: &File, max_bytes: usize) -> io::Result<Option<String>> {
    Ok(fingerprint_of(&read_head(file, max_bytes)?, max_bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn open_as_refuses_a_path_a_rename_gave_to_another_file() {
        let dir = tempfile::tempdir().unwrap();
        let (live, rotated) = (dir.path().join("app.log"), dir.path().join("app.log.1"));
        std::fs::write(&live, "old\n").unwrap();
        let id = FileId::of(&std::fs::metadata(&live).unwrap());
        assert!(open_as(&live, id).unwrap().is_some());
        std::fs::rename(&live, &rotated).unwrap();
        std::fs::write(&live, "new\n").unwrap();
        assert!(open_as(&live, id).unwrap().is_none());
        assert!(open_as(&rotated, id).unwrap().is_some());
        std::fs::remove_file(&rotated).unwrap();
        assert!(open_as(&rotated, id).is_err());
    }

    #[test]
    fn incomplete_short_first_line_has_no_fingerprint() {
        assert_eq!(fingerprint_of(b"", 8), None);
        assert_eq!(fingerprint_of(b"abc", 8), None);
    }

    #[test]
    fn complete_short_first_line_is_fingerprinted_over_that_line() {
        assert_eq!(fingerprint_of(b"abc\n", 8), Some(hex_sha256(b"abc\n")));
        assert_eq!(fingerprint_of(b"abc\nde", 8), Some(hex_sha256(b"abc\n")));
    }

    #[test]
    fn fingerprint_is_stable_as_the_file_grows() {
        let fp = fingerprint_of(b"abc\n", 8);
        assert_eq!(fingerprint_of(b"abc\ndefghijkl\n", 8), fp);
        let long = fingerprint_of(b"0123456789", 8);
        assert_eq!(long, Some(hex_sha256(b"01234567")));
        assert_eq!(fingerprint_of(b"01234567", 8), long);
    }

    #[test]
    fn fingerprint_reads_a_real_file_without_moving_its_cursor() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.log");
        let mut f = File::create(&path).unwrap();
        f.write_all(b"first\nsecond\n").unwrap();
        let f = File::open(&path).unwrap();
        assert_eq!(fingerprint(&f, 256).unwrap(), Some(hex_sha256(b"first\n")));
        assert_eq!(hex_sha256(b"").len(), 64);
    }

    #[test]
    fn proof_holds_only_for_the_same_bytes_before_the_offset() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.log");
        std::fs::write(&path, b"header\nline 1\nline 2\n").unwrap();
        let f = File::open(&path).unwrap();
        let p = proof_of(&read_window(&f, 14).unwrap(), b"");
        assert_eq!(p.len, 14);
        assert_eq!(
            p,
            proof_of(b"header\n", b"line 1\n"),
            "parts hash as their concatenation"
        );
        assert!(proof_holds(&p, &f, 14));
        assert!(!proof_holds(&p, &f, 21), "another offset");
        std::fs::write(&path, b"header\nline X\nline 2\n").unwrap();
        assert!(
            !proof_holds(&p, &File::open(&path).unwrap(), 14),
            "rewritten with the same first line"
        );
        std::fs::write(&path, b"header\n").unwrap();
        assert!(!proof_holds(&p, &File::open(&path).unwrap(), 14), "shorter");
        let long = vec![b'x'; 5000];
        std::fs::write(&path, &long).unwrap();
        assert_eq!(
            read_window(&File::open(&path).unwrap(), 4000)
                .unwrap()
                .len(),
            PROOF_BYTES
        );
    }
}
