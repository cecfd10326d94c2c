//! `filter`'s end on SIGINT or SIGTERM: the signal ends the input as end of file would, so what
//! was read is scrubbed, written and counted before scrubd exits (`128 + signal`), and a second
//! signal ends it at once.
//!
//! Role in the data flow: the stdin source waits on its input and on a pipe this module's
//! handler writes to ([`Watch::wait`]), so a signal delivered to any thread wakes the reader,
//! with no race between a flag check and a blocking `read`. The same wait, with no timeout,
//! tells whether more input is there now ([`Watch::input_ready`]): whole lines already read do
//! not wait behind a partial one.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicI32, Ordering};

/// The pipe's write end (-1: no handler installed) and the first signal taken (0: none).
static PIPE_W: AtomicI32 = AtomicI32::new(-1);
static SIGNAL: AtomicI32 = AtomicI32::new(0);

extern "C" fn on_signal(sig: libc::c_int) {
    if SIGNAL
        .compare_exchange(0, sig, Ordering::SeqCst, Ordering::SeqCst)
        .is_err()
    {
        // A second signal: the default action, now (async-signal-safe calls only).
        unsafe {
            libc::signal(sig, libc::SIG_DFL);
            libc::raise(sig);
        }
        return;
    }
    let fd = PIPE_W.load(Ordering::SeqCst);
    if fd >= 0 {
        unsafe { libc::write(fd, [1u8].as_ptr().cast(), 1) };
    }
}

/// SIGINT and SIGTERM, caught for the life of the process.
pub struct Interrupt {
    read: OwnedFd,
}

impl Interrupt {
    /// Install the handlers (once per process).
    pub fn install() -> io::Result<Self> {
        let mut fds = [0; 2];
        if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC | libc::O_NONBLOCK) } != 0 {
            return Err(io::Error::last_os_error());
        }
        let read = unsafe { OwnedFd::from_raw_fd(fds[0]) };
        PIPE_W.store(fds[1], Ordering::SeqCst);
        for sig in [libc::SIGINT, libc::SIGTERM] {
            let mut sa: libc::sigaction = unsafe { std::mem::zeroed() };
            sa.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
            // No SA_RESTART: nothing relies on it, the wait below sees the pipe.
            if unsafe { libc::sigaction(sig, &sa, std::ptr::null_mut()) } != 0 {
                return Err(io::Error::last_os_error());
            }
        }
        Ok(Interrupt { read })
    }

    /// The signal taken, if any.
    pub fn signal(&self) -> Option<i32> {
        Some(SIGNAL.load(Ordering::SeqCst)).filter(|&s| s != 0)
    }
}

/// The input's descriptor and the interrupt pipe, waited on together.
pub struct Watch {
    pub input: RawFd,
    pub interrupt: Interrupt,
}

impl Watch {
    /// Wait until the input can be read (`true`) or a signal came (`false`).
    pub fn wait(&self) -> io::Result<bool> {
        self.poll(-1)
    }

    /// Wait at most `limit` for the input to be readable (`true`); `false` once it passed or
    /// a signal came.
    pub fn wait_for(&self, limit: std::time::Duration) -> io::Result<bool> {
        let ms = limit.as_millis().clamp(1, i32::MAX as u128) as i32;
        self.poll(ms)
    }

    /// Poll the input and the interrupt pipe, `timeout_ms` at most (`-1`: no limit).
    fn poll(&self, timeout_ms: libc::c_int) -> io::Result<bool> {
        let deadline =
            std::time::Instant::now() + std::time::Duration::from_millis(timeout_ms.max(0) as u64);
        loop {
            let mut fds = [
                libc::pollfd {
                    fd: self.input,
                    events: libc::POLLIN,
                    revents: 0,
                },
                libc::pollfd {
                    fd: self.interrupt.read.as_raw_fd(),
                    events: libc::POLLIN,
                    revents: 0,
                },
            ];
            let wait = if timeout_ms < 0 {
                -1
            } else {
                let left = deadline.saturating_duration_since(std::time::Instant::now());
                left.as_millis() as libc::c_int
            };
            let ready = unsafe { libc::poll(fds.as_mut_ptr(), 2, wait) };
            if ready < 0 {
                let e = io::Error::last_os_error();
                if e.kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(e);
            }
            if ready == 0 && timeout_ms >= 0 {
                return Ok(false);
            }
            if fds[1].revents != 0 || self.interrupt.signal().is_some() {
                return Ok(false);
            }
            if fds[0].revents != 0 {
                return Ok(true);
            }
        }
    }

    /// Whether a read of the input would return at once (data, end of input or an error).
    pub fn input_ready(&self) -> bool {
        let mut fd = libc::pollfd {
            fd: self.input,
            events: libc::POLLIN,
            revents: 0,
        };
        unsafe { libc::poll(&mut fd, 1, 0) != 0 }
    }
}
