//! The stdin source of `scrubd filter`: standard input cut into [`Batch`]es of whole lines by
//! the one line [`Framer`], in bounded memory (one read block plus one maximum-length line, and
//! a quarter block of lines held for the next batch; a longer line is replaced by
//! `[REDACTED:line-too-long:bytes=N]` with its own line ending, fail closed). A batch ends only
//! where the last record printed over lines is closed ([`open_record`]), so a secret whose
//! context comes after it is scrubbed in one piece.
//!
//! Unlike the daemon's kinds it has no config table and no thread of its own: `filter` pulls
//! batches from it on its calling thread and feeds them straight to the ordered scrub stage
//! (no source thread and channel hop per batch). Its position is how far the input was read,
//! which nothing checkpoints: a pipe cannot be resumed.
//!
//! Input that starts as compressed data (`cat app.log.gz | scrubd filter`) is refused with an
//! error before anything is written: see [`crate::source::compressed`].

use std::io::{self, Read};
use std::sync::Arc;

use crate::batch::{open_record, Batch, CursorPosition, Framer, Position};
use crate::source::compressed::{self, Sniff};

mod interrupt;
pub use interrupt::{Interrupt, Watch};

/// The error for standard input that is compressed data.
fn compressed_input(format: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!(
            "standard input is {format}-compressed data, which cannot be scanned and would pass \
             secrets through in compressed form; decompress it first (e.g. `{} FILE | scrubd \
             filter`)",
            compressed::decompressor(format)
        ),
    )
}

/// How much input one batch carries, at most (plus one partial line).
pub(crate) const BLOCK: usize = 256 << 10;
/// How long the rest of a record printed over lines is waited for before its lines so far
/// are handed on (a writer pausing mid-record; see [`StdinSource::next_batch`]).
pub(crate) const HOLD: std::time::Duration = std::time::Duration::from_secs(1);

/// A batch of standard input, with what `filter`'s in-order end reports besides its lines.
pub(crate) struct StdinBatch {
    pub batch: Batch,
    /// Input bytes this batch stands for (over-long lines count whole).
    pub input_bytes: u64,
    /// Where each over-long-line replacement starts in `batch.data` (audit mode only).
    pub marks: Vec<usize>,
}

impl crate::pipeline::Job for StdinBatch {
    fn batch(&self) -> &Batch {
        &self.batch
    }
}

/// Cuts a byte stream into [`StdinBatch`]es in bounded memory.
pub(crate) struct StdinSource<R> {
    inner: R,
    raw: Vec<u8>,
    framer: Framer,
    eof: bool,
    stream: Arc<str>,
    read: u64,
    /// Whether the first bytes were checked for a compressed format.
    sniffed: bool,
    /// The input's descriptor and the interrupt pipe (`filter` on a real stdin).
    watch: Option<Arc<Watch>>,
    /// Whole lines read but kept for the next batch: a record that may go on (see
    /// [`open_record`]) when the last batch filled up.
    held: Vec<u8>,
    /// Whether [`with_marks`](Self::with_marks) asked for the marks (they are kept anyway, to
    /// count the replacements among the lines held).
    marks_wanted: bool,
}

impl<R: Read> StdinSource<R> {
    /// Lines of at most `max_line` bytes from `inner`.
    pub fn new(inner: R, max_line: usize) -> Self {
        StdinSource {
            inner,
            raw: vec![0; BLOCK],
            framer: Framer::new(max_line),
            eof: false,
            stream: "stdin".into(),
            read: 0,
            sniffed: false,
            watch: None,
            held: Vec::new(),
            marks_wanted: false,
        }
        .marked()
    }

    fn marked(mut self) -> Self {
        self.framer.marks = Some(Vec::new());
        self
    }

    /// Wait on `watch`: a signal ends the input, and lines read are handed on whenever no
    /// more input is there at once, even while a partial line is held.
    pub fn with_watch(mut self, watch: Option<Arc<Watch>>) -> Self {
        self.watch = watch;
        self
    }

    /// Record where replacements start (for audit records).
    pub fn with_marks(mut self) -> Self {
        self.marks_wanted = true;
        self
    }

    /// Read into `raw[at..]`; 0 at end of input.
    fn read_at(&mut self, at: usize) -> io::Result<usize> {
        if let Some(w) = &self.watch {
            if !w.wait()? {
                return Ok(0);
            }
        }
        loop {
            match self.inner.read(&mut self.raw[at..]) {
                Ok(n) => return Ok(n),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// The next read into `raw`. The first one reads until its bytes tell compressed data
    /// from text (an error for compressed data: nothing of it may pass unscanned).
    fn fill(&mut self) -> io::Result<usize> {
        let mut n = self.read_at(0)?;
        while !self.sniffed {
            match compressed::sniff(&self.raw[..n], false) {
                Sniff::Text => self.sniffed = true,
                Sniff::Compressed(format) => return Err(compressed_input(format)),
                Sniff::NeedMore => {
                    let more = self.read_at(n)?;
                    if more == 0 {
                        if let Sniff::Compressed(format) = compressed::sniff(&self.raw[..n], true) {
                            return Err(compressed_input(format));
                        }
                        self.sniffed = true;
                    }
                    n += more;
                }
            }
        }
        Ok(n)
    }

    /// The next batch, `None` at end of input. `recycled` is reused for the batch's bytes.
    ///
    /// A batch ends when the lines read so far are whole and no more input is there at once,
    /// or at [`BLOCK`] bytes; but a record that may go on (see [`open_record`]) is not cut:
    /// more input is waited for, up to [`HOLD`], and a full batch ends before the record
    /// starts (it begins the next one).
    pub fn next_batch(&mut self, mut data: Vec<u8>) -> io::Result<Option<StdinBatch>> {
        data.clear();
        data.append(&mut self.held);
        let (mut input_bytes, mut oversize) = (0, 0);
        // Replacements among the lines held are in the marks (moved there below).
        oversize += self.framer.marks.as_ref().map_or(0, |m| m.len() as u32);
        while !self.eof && data.len() < BLOCK {
            let n = self.fill()?;
            if n == 0 {
                self.eof = true;
                self.framer.finish(&mut data, &mut oversize);
                break;
            }
            input_bytes += n as u64;
            self.framer.push(&self.raw[..n], &mut data, &mut oversize);
            if data.is_empty() {
                continue;
            }
            // Everything read so far is whole lines, or no more input is there now: hand the
            // lines on rather than wait for more (a live stream's lines must not sit here until
            // a block fills, or behind a line its writer has not finished), unless their last
            // record may go on: then its rest is waited for a while.
            let open = open_record(&data).is_some();
            if !open && !self.framer.is_holding() {
                break;
            }
            let Some(w) = self.watch.as_ref() else {
                continue; // a plain reader: its next read waits for the rest
            };
            if w.input_ready() || (open && w.wait_for(HOLD)?) {
                continue;
            }
            break;
        }
        if !self.eof && data.len() >= BLOCK {
            if let Some(at) =
                open_record(&data).filter(|&at| at > 0 && data.len() - at <= BLOCK / 4)
            {
                self.held.extend_from_slice(&data[at..]);
                data.truncate(at);
            }
        }
        let mut marks = self
            .framer
            .marks
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default();
        // The replacements among the lines held start the next batch's marks.
        let cut = marks.partition_point(|&m| m < data.len());
        let held_marks: Vec<usize> = marks.drain(cut..).map(|m| m - data.len()).collect();
        oversize -= held_marks.len() as u32;
        self.framer.marks = Some(held_marks);
        if !self.marks_wanted {
            marks.clear();
        }
        if data.is_empty() && oversize == 0 && self.eof {
            return Ok(None);
        }
        self.read += input_bytes;
        let ack = Position::Cursor(CursorPosition {
            source: String::new(),
            key: String::new(),
            cursor: self.read.to_string(),
        });
        Ok(Some(StdinBatch {
            batch: Batch::lines(data, Arc::clone(&self.stream), oversize, ack),
            input_bytes,
            marks,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn framed(input: &[u8], max_line: usize) -> String {
        let mut r = StdinSource::new(input, max_line);
        let mut out = String::new();
        while let Some(b) = r.next_batch(Vec::new()).unwrap() {
            out.push_str(&String::from_utf8_lossy(&b.batch.data));
        }
        out
    }

    #[test]
    fn stdin_keeps_last_line_without_newline() {
        assert_eq!(framed(b"a\nb", 10), "a\nb");
    }

    /// A reader that hands out one byte per `read` (a slow pipe).
    struct Trickle<'a>(&'a [u8]);
    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.0.len().min(buf.len()).min(1);
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn compressed_input_is_an_error_before_any_batch_even_a_byte_at_a_time() {
        use std::io::Write;
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(b"user=bob password=hunter2hunter2\n")
            .unwrap();
        let gz = enc.finish().unwrap();
        for trickle in [false, true] {
            let err = if trickle {
                StdinSource::new(Trickle(&gz), 1000).next_batch(Vec::new())
            } else {
                StdinSource::new(&gz[..], 1000).next_batch(Vec::new())
            }
            .err()
            .expect("an error, no batch");
            assert_eq!(err.kind(), io::ErrorKind::InvalidData);
            assert!(
                err.to_string().contains("gzip-compressed") && err.to_string().contains("zcat")
            );
        }
        // bzip2's magic starts with letters: text that starts the same way is text, whether
        // it comes whole or a byte at a time (and ends before the magic could).
        for text in [&b"BZh91AY&S"[..], b"BZh line\n", b"B", b"\x1f"] {
            let mut whole = StdinSource::new(text, 1000);
            let mut slow = StdinSource::new(Trickle(text), 1000);
            let a = whole.next_batch(Vec::new()).unwrap().unwrap().batch.data;
            let mut b = Vec::new();
            while let Some(batch) = slow.next_batch(Vec::new()).unwrap() {
                b.extend_from_slice(&batch.batch.data);
            }
            assert_eq!((&a[..], &b[..]), (text, text));
        }
    }

    #[test]
    fn stdin_empty_input_is_no_batch() {
        let mut r = StdinSource::new(&b""[..], 10);
        assert!(r.next_batch(Vec::new()).unwrap().is_none());
    }

    #[test]
    fn stdin_replaces_overlong_line_keeping_crlf() {
        assert_eq!(
            framed(b"ok\n0123456789abc\r\nnext\n", 5),
            "ok\n[REDACTED:line-too-long:bytes=13]\r\nnext\n"
        );
    }

    #[test]
    fn stdin_overlong_last_line_without_newline() {
        assert_eq!(
            framed(b"0123456789", 4),
            "[REDACTED:line-too-long:bytes=10]"
        );
    }

    #[test]
    fn stdin_line_of_exactly_max_is_kept() {
        assert_eq!(framed(b"abcd\r\n", 4), "abcd\r\n");
    }

    #[test]
    fn stdin_batch_counts_input_bytes_and_marks_replacements() {
        let mut r = StdinSource::new(&b"ok\n0123456789\nx\n"[..], 4).with_marks();
        let b = r.next_batch(Vec::new()).unwrap().unwrap();
        assert_eq!(b.input_bytes, 16);
        assert_eq!(b.batch.oversize_lines, 1);
        assert_eq!(b.marks, vec![3]);
        assert_eq!(b.batch.records.len(), 1);
        assert_eq!(b.batch.records[0].len, b.batch.data.len());
    }

    /// A record printed over lines is not cut: read a byte at a time, each batch ends where a
    /// record closed; where the block bound falls inside one, the batch ends before it and
    /// the next starts with it, the replacement of an overlong line in it counted and marked
    /// in the next batch.
    #[test]
    fn a_record_printed_over_lines_is_not_cut_between_batches() {
        let list = b"query: INSERT\nparameters: [\n  'Zq8LmW3xTb7NpK2v',\n  4\n]\n";
        let mut r = StdinSource::new(Trickle(list), 64);
        let mut batches = Vec::new();
        while let Some(b) = r.next_batch(Vec::new()).unwrap() {
            batches.push(String::from_utf8(b.batch.data).unwrap());
        }
        assert_eq!(
            batches,
            [
                "query: INSERT\n",
                "parameters: [\n  'Zq8LmW3xTb7NpK2v',\n  4\n]\n"
            ]
        );

        // Read 4 KiB at a time (never at a line's end: lines of 1,001 bytes), the block
        // bound falls inside a record of 42 lines.
        struct Pieces<'a>(&'a [u8]);
        impl Read for Pieces<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = self.0.len().min(buf.len()).min(4096);
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut input = Vec::new();
        while input.len() + 1001 < BLOCK {
            input.extend(std::iter::repeat_n(b'x', 1000));
            input.push(b'\n');
        }
        let record = input.len();
        input.extend_from_slice(b"parameters: [\n  '");
        input.extend(std::iter::repeat_n(b'k', 2400));
        input.extend_from_slice(b"',\n");
        for _ in 0..40 {
            input.extend_from_slice(b"  '");
            input.extend(std::iter::repeat_n(b'v', 200));
            input.extend_from_slice(b"',\n");
        }
        input.extend_from_slice(b"]\nafter\n");
        let mut r = StdinSource::new(Pieces(&input), 2000).with_marks();
        let first = r.next_batch(Vec::new()).unwrap().unwrap();
        assert_eq!(first.batch.data.len(), record, "cut before the record");
        assert_eq!((first.batch.oversize_lines, first.marks.len()), (0, 0));
        let next = r.next_batch(Vec::new()).unwrap().unwrap();
        let opening = b"parameters: [\n[REDACTED:line-too-long:bytes=2405]\n";
        assert!(next.batch.data.starts_with(opening));
        assert_eq!(
            (next.batch.oversize_lines, next.marks.clone()),
            (1, vec![14])
        );
        assert!(next.batch.data.ends_with(b"]\nafter\n"));
        assert_eq!(first.input_bytes + next.input_bytes, input.len() as u64);
        assert!(r.next_batch(Vec::new()).unwrap().is_none());
    }

    /// The one line rule, as each source applies it: a CRLF line of exactly `max` bytes of
    /// content is kept, one byte more is replaced, by stdin, a file and CloudWatch alike.
    #[test]
    fn crlf_line_of_max_plus_one_is_treated_alike_by_stdin_files_and_cloudwatch() {
        let max = 8;
        for (line, want) in [
            ("12345678\r\n", "12345678\r\n"),
            ("123456789\r\n", "[REDACTED:line-too-long:bytes=9]\r\n"),
            ("12345678\n", "12345678\n"),
            ("123456789\n", "[REDACTED:line-too-long:bytes=9]\n"),
        ] {
            assert_eq!(framed(line.as_bytes(), max), want, "stdin {line:?}");
            let cw = crate::source::cloudwatch::frame_events(max, &[line]);
            assert_eq!(String::from_utf8(cw).unwrap(), want, "cloudwatch {line:?}");
            let file = crate::source::file::tailer::frame_file(max, line.as_bytes());
            assert_eq!(file, want, "file {line:?}");
        }
    }
}
