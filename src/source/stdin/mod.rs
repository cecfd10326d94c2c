//! The stdin source of `scrubd filter`: standard input cut into [`Batch`]es of whole lines by
//! the one line [`Framer`], in bounded memory (one read block plus one maximum-length line; a
//! longer line is replaced by `[REDACTED:line-too-long:bytes=N]` with its own line ending,
//! fail closed).
//!
//! Unlike the daemon's kinds it has no config table and no thread of its own: `filter` pulls
//! batches from it on its calling thread and feeds them straight to the ordered scrub stage
//! (no source thread and channel hop per batch). Its position is how far the input was read,
//! which nothing checkpoints: a pipe cannot be resumed.

use std::io::{self, Read};
use std::sync::Arc;

use crate::batch::{Batch, CursorPosition, Framer, Position};

/// How much input one batch carries, at most (plus one partial line).
pub(crate) const BLOCK: usize = 256 << 10;

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
        }
    }

    /// Record where replacements start (for audit records).
    pub fn with_marks(mut self) -> Self {
        self.framer.marks = Some(Vec::new());
        self
    }

    fn fill(&mut self) -> io::Result<usize> {
        loop {
            match self.inner.read(&mut self.raw) {
                Ok(n) => return Ok(n),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// The next batch, `None` at end of input. `recycled` is reused for the batch's bytes.
    pub fn next_batch(&mut self, mut data: Vec<u8>) -> io::Result<Option<StdinBatch>> {
        data.clear();
        let (mut input_bytes, mut oversize) = (0, 0);
        while !self.eof && data.len() < BLOCK {
            let n = self.fill()?;
            if n == 0 {
                self.eof = true;
                self.framer.finish(&mut data, &mut oversize);
                break;
            }
            input_bytes += n as u64;
            self.framer.push(&self.raw[..n], &mut data, &mut oversize);
            // Everything read so far is whole lines: hand them on rather than wait for more
            // input (a live stream's lines must not sit here until a block fills).
            if !data.is_empty() && !self.framer.is_holding() {
                break;
            }
        }
        let marks = self
            .framer
            .marks
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default();
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
