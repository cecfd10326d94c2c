//! Compressed data where lines of text are expected: a file glob that also catches
//! logrotate's `app.log.1.gz`, or `cat app.log.gz | scrubd filter`.
//!
//! A secret inside compressed bytes is not in those bytes, so no rule can see it, yet `zcat`
//! gets it back whole from whatever scrubd passed on: forwarding compressed data would be
//! forwarding unscanned lines. Sources recognise the common formats by their magic bytes at
//! the start of a file or stream and refuse them: the file source skips the file and counts it
//! (`scrubd_files_skipped_total{reason="compressed"}`), `scrubd filter` stops with an error.
//! Every magic holds a byte no text log starts with (a control byte, or a fixed binary tail
//! after letters: `BZh` must be followed by a block size digit and bzip2's block or
//! end-of-stream magic), so a text line is never taken for one.

/// What the first bytes of a file or stream say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sniff {
    /// Not one of the recognised compressed formats.
    Text,
    /// This compressed format (its usual name: `gzip`, `zstd`, …).
    Compressed(&'static str),
    /// The bytes so far start a magic but are shorter than it: read more before deciding.
    NeedMore,
}

/// The formats and their magics; [`ANY_DIGIT`] stands for any of `1`…`9`.
const MAGICS: &[(&str, &[u16])] = &[
    ("gzip", &[0x1f, 0x8b, 0x08]),
    ("compress", &[0x1f, 0x9d]),
    ("zstd", &[0x28, 0xb5, 0x2f, 0xfd]),
    (
        "xz",
        &[
            0xfd,
            b'7' as u16,
            b'z' as u16,
            b'X' as u16,
            b'Z' as u16,
            0x00,
        ],
    ),
    ("lz4", &[0x04, 0x22, 0x4d, 0x18]),
    ("zip", &[b'P' as u16, b'K' as u16, 0x03, 0x04]),
    ("7z", &[b'7' as u16, b'z' as u16, 0xbc, 0xaf, 0x27, 0x1c]),
    (
        "lzip",
        &[b'L' as u16, b'Z' as u16, b'I' as u16, b'P' as u16, 0x01],
    ),
    (
        "bzip2",
        &[
            b'B' as u16,
            b'Z' as u16,
            b'h' as u16,
            ANY_DIGIT,
            0x31,
            0x41,
            0x59,
            0x26,
            0x53,
            0x59,
        ],
    ),
    (
        "bzip2",
        &[
            b'B' as u16,
            b'Z' as u16,
            b'h' as u16,
            ANY_DIGIT,
            0x17,
            0x72,
            0x45,
            0x38,
            0x50,
            0x90,
        ],
    ),
];
const ANY_DIGIT: u16 = 0x100;

/// The longest magic: a caller that has this many bytes (or the whole input) never gets
/// [`Sniff::NeedMore`].
pub(crate) const SNIFF_BYTES: usize = 10;

/// The usual command that writes a file of `format` decompressed to stdout (for errors).
pub(crate) fn decompressor(format: &str) -> &'static str {
    match format {
        "gzip" | "compress" => "zcat",
        "zstd" => "zstdcat",
        "xz" => "xzcat",
        "lz4" => "lz4cat",
        "zip" => "unzip -p",
        "7z" => "7z x -so",
        "lzip" => "lzip -dc",
        _ => "bzcat",
    }
}

/// Judge the first bytes of a file or stream. `whole`: `head` is all there is (no more
/// bytes can come to complete a magic).
pub(crate) fn sniff(head: &[u8], whole: bool) -> Sniff {
    let mut need_more = false;
    for &(name, magic) in MAGICS {
        let n = magic.len().min(head.len());
        let same = magic[..n]
            .iter()
            .zip(&head[..n])
            .all(|(&m, &b)| m == u16::from(b) || (m == ANY_DIGIT && (b'1'..=b'9').contains(&b)));
        if same && n == magic.len() {
            return Sniff::Compressed(name);
        }
        need_more |= same && !whole;
    }
    if need_more {
        Sniff::NeedMore
    } else {
        Sniff::Text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(data).unwrap();
        enc.finish().unwrap()
    }

    #[test]
    fn real_gzip_output_is_compressed() {
        let gz = gzip(b"password=hunter2hunter2\n");
        assert_eq!(sniff(&gz, true), Sniff::Compressed("gzip"));
        for k in 1..3 {
            assert_eq!(sniff(&gz[..k], false), Sniff::NeedMore, "{k} bytes");
            assert_eq!(sniff(&gz[..k], true), Sniff::Text, "{k} bytes, whole");
        }
    }

    #[test]
    fn each_format_by_its_magic() {
        let cases: &[(&[u8], &str)] = &[
            (b"\x1f\x9d\x90pass", "compress"),
            (b"\x28\xb5\x2f\xfd\x24\x00", "zstd"),
            (b"\xfd7zXZ\x00\x00\x04", "xz"),
            (b"\x04\x22\x4d\x18\x64\x40", "lz4"),
            (b"PK\x03\x04\x14\x00", "zip"),
            (b"7z\xbc\xaf\x27\x1c\x00\x04", "7z"),
            (b"LZIP\x01\x0c", "lzip"),
            (b"BZh91AY&SY\x00\x01", "bzip2"),
            (b"BZh1\x17\x72\x45\x38\x50\x90", "bzip2"),
        ];
        for &(head, name) in cases {
            assert_eq!(sniff(head, false), Sniff::Compressed(name), "{head:?}");
        }
    }

    #[test]
    fn text_lines_are_text() {
        for line in [
            &b"2026-11-30T22:00:00Z INFO started\n"[..],
            b"BZh is not bzip2 without its block magic\n",
            b"BZh91AY&SZ almost\n",
            b"PK\x03 short\n",
            b"LZIP archive written\n",
            b"7zip finished\n",
            b"{\"level\":\"info\"}\n",
            b"",
        ] {
            assert_eq!(sniff(line, true), Sniff::Text, "{line:?}");
        }
        // A live stream whose first bytes could still become a magic waits for more; one
        // whose first bytes cannot, does not.
        assert_eq!(sniff(b"BZh", false), Sniff::NeedMore);
        assert_eq!(sniff(b"BZh line\n", false), Sniff::Text);
        assert_eq!(sniff(b"ok\n", false), Sniff::Text);
    }
}
