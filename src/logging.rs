//! scrubd's own log and error messages, scrubbed: every line it writes to stderr passes through
//! the engine first. Its fields quote what scrubd met outside (a followed file's name, an error
//! naming a sink's output, a CloudWatch stream), and a secret must not leave that way either.
//! The configured scrubber does it once [`use_scrubber`] has been called (the daemon: at start
//! and at each reload); before that, and in commands without a config, the built-in rules do.

use std::cell::RefCell;
use std::io::{self, Write};
use std::sync::{Arc, LazyLock, RwLock};

use crate::engine::{Mode, RuleSet, Scratch, Scrubber};

static CONFIGURED: RwLock<Option<Arc<Scrubber>>> = RwLock::new(None);

static BUILTIN: LazyLock<Option<Arc<Scrubber>>> = LazyLock::new(|| {
    RuleSet::builtin()
        .ok()
        .map(|r| Arc::new(Scrubber::new(Arc::new(r), Mode::Mask)))
});

/// Scrub what scrubd logs with `scrubber` from now on (the config's rules and mode).
pub fn use_scrubber(scrubber: Arc<Scrubber>) {
    *CONFIGURED.write().unwrap_or_else(|e| e.into_inner()) = Some(scrubber);
}

/// `text` with its secrets redacted, for scrubd's own messages. Fails closed: if no scrubber
/// can be had (the built-in rules failed to build, which their tests rule out), the text is
/// withheld.
pub fn scrubbed(text: &str) -> String {
    thread_local! {
        /// The scratch space of the scrubber this thread used last (debug logging is busy).
        static SCRATCH: RefCell<Option<(Arc<Scrubber>, Scratch)>> = const { RefCell::new(None) };
    }
    let configured = CONFIGURED.read().unwrap_or_else(|e| e.into_inner()).clone();
    let Some(s) = configured.or_else(|| BUILTIN.clone()) else {
        return "(message withheld: no rules to scrub it with)".into();
    };
    SCRATCH.with_borrow_mut(|cached| {
        if !cached
            .as_ref()
            .is_some_and(|(used, _)| Arc::ptr_eq(used, &s))
        {
            *cached = Some((Arc::clone(&s), s.scratch()));
        }
        let (_, scratch) = cached.as_mut().expect("just set");
        s.scrub_str(text, scratch).into_owned()
    })
}

/// A `tracing` writer to stderr that scrubs each event: the formatter writes an event's whole
/// text to one [`Line`], which is scrubbed and written when dropped.
#[derive(Clone, Copy, Debug, Default)]
pub struct Stderr;

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Stderr {
    type Writer = Line;

    fn make_writer(&'a self) -> Line {
        Line(Vec::new())
    }
}

/// One log event's text, on its way to stderr.
#[derive(Debug)]
pub struct Line(Vec<u8>);

impl Write for Line {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for Line {
    fn drop(&mut self) {
        if self.0.is_empty() {
            return;
        }
        let text = scrubbed(&String::from_utf8_lossy(&self.0));
        // Nowhere to report a failure to write the log.
        let _ = io::stderr().lock().write_all(text.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_log_line_is_scrubbed_before_it_is_written() {
        let line = "WARN cannot read file path=\"/var/log/upload-AKIAQ3EGRJ7XPLMW4NZT.log\"\n";
        let out = scrubbed(line);
        assert!(!out.contains("AKIAQ3EGRJ7XPLMW4NZT"), "{out}");
        assert!(out.starts_with("WARN cannot read file path=") && out.ends_with(".log\"\n"));
        assert_eq!(
            scrubbed("INFO scrubd running sources=1\n"),
            "INFO scrubd running sources=1\n"
        );
    }
}
