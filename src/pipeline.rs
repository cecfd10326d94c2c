//! `scrubd run`: sources → scrubbers → sinks, with positions flowing back as checkpoints.
//!
//! Threads, not tasks, do the blocking work: each source reads on its own thread, each source
//! has an ordered scrub stage ([`scrub_in_order`]: its batches are scrubbed by several workers
//! and put back in order before its sink, so order per file and checkpoint order hold), each
//! sink writes on its own thread. `scrubd filter` is the same stage between the stdin source
//! and the stdout sink. Bounded channels
//! connect them, so a slow or failing sink slows reading instead of growing memory. The tokio
//! runtime serves metrics and turns signals into actions.
//!
//! Delivery: a sink thread writes a chunk, retrying with backoff until the sink accepts it (a
//! failing sink never drops lines); every second, and at shutdown, it syncs the sink and only
//! then records the positions of everything it wrote in the checkpoint store and flushes it.
//! A kill -9 therefore re-emits at most about one second of lines, never loses one.
//!
//! Signals: handlers are installed before anything else (before the config is read, rules
//! are compiled or files are scanned), so a signal at any moment is handled, not fatal.
//! SIGTERM/SIGINT stop the sources; the pipeline drains and writes final checkpoints, within
//! `[shutdown] drain_timeout`: if a sink is stuck (a reader of stdout that stopped reading, a
//! hung disk), scrubd exits with an error once the timeout passes, logging how many lines were
//! read and not delivered; their positions were never checkpointed, so the next start reads
//! them again. SIGHUP reloads the rules (and redaction settings) and reopens sink files.
//!
//! One scrubd per state dir: the first thing `run` does after reading the config is to lock
//! it ([`lock_state_dir`]).

use anyhow::{Context, Result};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, RecvTimeoutError, SyncSender};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

use crate::batch::{split, Batch, FilePosition, Position, Record, RecordKind};
use crate::checkpoint::{
    lock_state_dir, CheckpointStore, SinkMark, StateLock, CHECKPOINT_FILE, CHECKPOINT_TMP_FILE,
    LOCK_FILE,
};
use crate::config::Config;
use crate::engine::{validate::JWT_ALGS, Hit, Mode, Scratch, Scrubber, StreamState};
use crate::metrics::{Emit, Event, Metrics};
use crate::service::{self, Liveness};
use crate::sink::Sink;
use crate::source::SourceIo;

/// How often sinks sync and checkpoints are written.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(1);
/// Chunks in flight between stages, per channel.
const CHANNEL_DEPTH: usize = 8;

/// Build the scrubber the config asks for (rules, mode, JWT policy).
pub fn build_scrubber(config: &Config) -> Result<Scrubber> {
    let rules = crate::rulefiles::load_rules(
        false,
        &config.redact.rules_dirs,
        &config.redact.disable,
        false,
    )
    .map_err(|e| config.locate_rules_error(e))?;
    let mode = match &config.redact.fingerprint_key_file {
        None => Mode::Mask,
        Some(path) => crate::rulefiles::key_file_mode(path)?,
    };
    let jwt = config.jwt.policy().map_err(anyhow::Error::msg)?;
    let scrubber = Scrubber::new(Arc::new(rules.with_jwt_policy(jwt)), mode);
    config.check_names(&scrubber)?;
    Ok(scrubber)
}

/// A scrubbed chunk on its way to a sink.
struct Delivery {
    source: Arc<str>,
    data: Vec<u8>,
    records: Vec<Record>,
    end: Position,
    /// Input lines it carries.
    lines: u64,
}

/// Lines read and lines delivered (synced and checkpointed), for the shutdown report.
#[derive(Default)]
struct Progress {
    /// Lines sources handed to the pipeline.
    read: Arc<AtomicU64>,
    delivered: AtomicU64,
    /// Lines a sink still refused when the stop came (at least these were not delivered).
    refused_at_stop: AtomicU64,
}

/// The signals the daemon handles, installed before anything slow happens.
struct Signals {
    term: tokio::signal::unix::Signal,
    int: tokio::signal::unix::Signal,
    hup: tokio::signal::unix::Signal,
}

impl Signals {
    /// Install the handlers (within a runtime context). From here on TERM, INT and HUP are
    /// recorded and acted on once the daemon is up, never fatal.
    fn install() -> std::io::Result<Signals> {
        use tokio::signal::unix::{signal, SignalKind};
        Ok(Signals {
            term: signal(SignalKind::terminate())?,
            int: signal(SignalKind::interrupt())?,
            hup: signal(SignalKind::hangup())?,
        })
    }
}

/// Run the daemon until SIGTERM/SIGINT. Returns after draining and the final checkpoints, or
/// with an error when the drain did not finish within `[shutdown] drain_timeout`.
pub fn run(config_path: &Path) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let signals = {
        let _context = runtime.enter();
        Signals::install().context("installing signal handlers")?
    };
    let result = (|| {
        let config = Config::load(config_path)?;
        let scrubber = Arc::new(build_scrubber(&config)?);
        crate::logging::use_scrubber(Arc::clone(&scrubber));
        let scrubber = Arc::new(RwLock::new(scrubber));
        runtime.block_on(run_async(config, scrubber, signals))
    })();
    // Threads stuck in a sink after a drain timeout must not hold the exit up.
    runtime.shutdown_background();
    result
}

/// The paths scrubd writes: every sink's local output dir for the sources it serves
/// (`<dir>/<source>`), and the state files. No source may read them.
pub(crate) fn own_paths(config: &Config) -> (Vec<std::path::PathBuf>, Vec<std::path::PathBuf>) {
    let dirs = config
        .sources
        .iter()
        .filter_map(|src| config.sinks[src.sink].spec.output_dir(&src.name))
        .collect();
    let files = [CHECKPOINT_FILE, CHECKPOINT_TMP_FILE, LOCK_FILE]
        .iter()
        .map(|f| config.state_dir.join(f))
        .collect();
    (dirs, files)
}

async fn run_async(
    config: Config,
    scrubber: Arc<RwLock<Arc<Scrubber>>>,
    signals: Signals,
) -> Result<()> {
    let lock = Arc::new(Mutex::new(lock_state_dir(&config.state_dir)?));
    for w in &config.warnings {
        tracing::warn!("{w}");
    }
    let store = Arc::new(Mutex::new(
        CheckpointStore::open(&config.state_dir)
            .with_context(|| format!("state dir {}", config.state_dir.display()))?,
    ));
    let progress = Arc::new(Progress::default());
    let metrics = {
        let s = scrubber.read().expect("scrubber lock");
        let kinds: Vec<&str> = s.rules().kinds().iter().map(String::as_str).collect();
        let sources: Vec<&str> = config.sources.iter().map(|s| s.name.as_str()).collect();
        let sinks: Vec<&str> = config.sinks.iter().map(|s| s.name.as_str()).collect();
        let m = Metrics::new(&sources, &sinks, &kinds, JWT_ALGS);
        m.register_jwt_issuers(&sources, config.jwt.issuers.iter().map(String::as_str));
        for src in &config.sources {
            src.spec.register(&src.name, &m);
        }
        for sink in &config.sinks {
            sink.spec.register(&sink.name, &m);
        }
        Arc::new(m)
    };
    let emit: Arc<dyn Emit> = Arc::clone(&metrics) as Arc<dyn Emit>;
    let cancel = CancellationToken::new();
    let ready = Arc::new(AtomicBool::new(false));
    let mut server = None;
    if let Some(addr) = config.metrics_listen {
        let (handle, bound) = crate::metrics::serve(
            addr,
            Arc::clone(&metrics),
            Arc::clone(&ready),
            cancel.clone(),
        )
        .await
        .with_context(|| format!("metrics listener on {addr}"))?;
        tracing::info!(%bound, "metrics listening");
        server = Some(handle);
    }

    let workers = workers_per_source();
    let live = Liveness::new(
        config
            .sources
            .iter()
            .flat_map(|s| scrub_stage_names(&s.name, workers))
            .chain(config.sinks.iter().map(|s| format!("sink-{}", s.name)))
            .collect(),
    );

    // Sinks: one thread each.
    let reopen_flags: Vec<Arc<AtomicBool>> = config
        .sinks
        .iter()
        .map(|_| Arc::new(AtomicBool::new(false)))
        .collect();
    let mut sink_txs = Vec::new();
    let mut threads = Vec::new();
    for (i, s) in config.sinks.iter().enumerate() {
        let (tx, rx) = sync_channel::<Delivery>(CHANNEL_DEPTH);
        sink_txs.push(tx);
        let sink = s.spec.build(crate::sink::BuildCtx {
            name: &s.name,
            emit: Arc::clone(&emit),
            runtime: tokio::runtime::Handle::current(),
        });
        let ctx = SinkCtx {
            progress: Arc::clone(&progress),
            live: Arc::clone(&live),
            stage: live.stage(&format!("sink-{}", s.name)),
            name: s.name.clone(),
            store: Arc::clone(&store),
            emit: Arc::clone(&emit),
            reopen: Arc::clone(&reopen_flags[i]),
            cancel: cancel.clone(),
        };
        threads.push(
            std::thread::Builder::new()
                .name(format!("sink-{}", s.name))
                .spawn(move || deliver(sink, rx, ctx))?,
        );
    }

    // Sources: a reader thread and an ordered scrub stage each.
    let (own_dirs, own_files) = own_paths(&config);
    let mut earlier: Vec<(Vec<String>, Vec<String>)> = Vec::new();
    for src in &config.sources {
        let source = {
            let mut store = store.lock().expect("checkpoint lock");
            let source = src
                .spec
                .build(crate::source::BuildCtx {
                    name: &src.name,
                    store: &mut store,
                    own_dirs: own_dirs.clone(),
                    own_files: own_files.clone(),
                    earlier: earlier.clone(),
                })
                .with_context(|| format!("source {}", src.name))?;
            // What the source recorded before reading (first start, initial positions), in
            // one atomic write.
            if let Err(e) = store.flush() {
                emit.emit(Event::CheckpointError);
                tracing::warn!(error = %e, "checkpoint write failed; will retry");
            }
            // Output a crash left beyond the last checkpoint will be written again, as far as
            // the source will read again what it came from: count it now, and record how far
            // it was counted (persisted at once) so that a start before the next checkpoint
            // does not count it again. (Before the source reads: its outputs are its own.)
            let (lines, counted) = resent_lines(
                &store.get(&src.name),
                &store.outputs(&src.name),
                &store.resent_counted(&src.name),
                |output, limit| source.resend_bound(output, limit),
            );
            store.set_resent_counted(&src.name, counted);
            if let Err(e) = store.flush() {
                tracing::warn!(error = %e, "cannot record the re-sent lines counted; a restart before the next checkpoint counts them again");
            }
            if lines > 0 {
                emit.emit(Event::DuplicateLines {
                    source: &src.name,
                    lines,
                });
                tracing::warn!(source = %src.name, lines, "restart after an unclean stop: lines written after the last checkpoint will be written again");
            }
            source
        };
        if let Some(globs) = src.spec.local_globs() {
            earlier.push(globs);
        }
        let (tx, rx) = tokio::sync::mpsc::channel::<Batch>(CHANNEL_DEPTH);
        let io = SourceIo::new(
            src.name.as_str().into(),
            tx,
            cancel.clone(),
            Arc::clone(&emit),
            tokio::runtime::Handle::current(),
            Arc::clone(&progress.read),
        );
        threads.push(
            std::thread::Builder::new()
                .name(format!("source-{}", src.name))
                .spawn(move || source.run(io))?,
        );
        let scrub = ScrubCtx {
            source: src.name.as_str().into(),
            sink: sink_txs[src.sink].clone(),
            scrubber: Arc::clone(&scrubber),
            emit: Arc::clone(&emit),
            live: Arc::clone(&live),
            stages: scrub_stage_names(&src.name, workers)
                .map(|n| live.stage(&n))
                .collect(),
        };
        threads.push(
            std::thread::Builder::new()
                .name(format!("scrub-{}", src.name))
                .spawn(move || scrub_source(rx, scrub))?,
        );
    }
    drop(sink_txs);
    ready.store(true, Ordering::SeqCst);
    tracing::info!(
        sources = config.sources.len(),
        sinks = config.sinks.len(),
        "scrubd running"
    );
    service::ready(&status_line(&metrics));
    {
        let (live, metrics, c) = (Arc::clone(&live), Arc::clone(&metrics), cancel.clone());
        tokio::spawn(async move { supervise(live, metrics, c).await });
        let (lock, c) = (Arc::clone(&lock), cancel.clone());
        tokio::spawn(async move { keep_lock(lock, c).await });
    }

    wait_for_signals(
        &config,
        &scrubber,
        &metrics,
        &reopen_flags,
        &cancel,
        signals,
    )
    .await;
    service::stopping();
    tracing::info!(
        timeout_ms = config.drain_timeout.as_millis() as u64,
        "stopping: draining in-flight lines and writing final checkpoints"
    );
    ready.store(false, Ordering::SeqCst);
    let joined = tokio::task::spawn_blocking(move || {
        for t in threads {
            let _ = t.join();
        }
    });
    if tokio::time::timeout(config.drain_timeout, joined)
        .await
        .is_err()
    {
        let read = progress.read.load(Ordering::Relaxed);
        let undelivered = read.saturating_sub(progress.delivered.load(Ordering::Relaxed));
        // Whatever was acknowledged is persisted; nothing beyond it ever was.
        if let Ok(mut store) = store.try_lock() {
            if let Err(e) = store.flush() {
                tracing::warn!(error = %e, "final checkpoint failed");
            }
        }
        tracing::error!(
            undelivered_lines = undelivered,
            "drain timed out: {undelivered} lines read were not delivered (a sink is stuck); their positions were not checkpointed, so the next start reads them again"
        );
        anyhow::bail!(
            "drain timed out after {:?}: {undelivered} lines read were not delivered; they are read again at the next start",
            config.drain_timeout
        );
    }
    if let Some(h) = server {
        let _ = h.await;
    }
    let mut store = store.lock().expect("checkpoint lock");
    store.flush().context("final checkpoint")?;
    // A sink that kept failing (disk full, an output it cannot create) is as much a stop with
    // lines undelivered as a stuck one: say how many, and exit with the same status.
    let refused = progress.refused_at_stop.load(Ordering::Relaxed);
    if refused > 0 {
        let read = progress.read.load(Ordering::Relaxed);
        let undelivered = read
            .saturating_sub(progress.delivered.load(Ordering::Relaxed))
            .max(refused);
        tracing::error!(
            undelivered_lines = undelivered,
            "stopped with a sink failing: {undelivered} lines read were not delivered; their positions were not checkpointed, so the next start reads them again"
        );
        anyhow::bail!(
            "a sink was failing at the stop: {undelivered} lines read were not delivered; they are read again at the next start"
        );
    }
    tracing::info!("stopped");
    Ok(())
}

async fn wait_for_signals(
    config: &Config,
    scrubber: &RwLock<Arc<Scrubber>>,
    metrics: &Metrics,
    reopen: &[Arc<AtomicBool>],
    cancel: &CancellationToken,
    signals: Signals,
) {
    let sources: Vec<&str> = config.sources.iter().map(|s| s.name.as_str()).collect();
    let Signals {
        mut term,
        mut int,
        mut hup,
    } = signals;
    loop {
        tokio::select! {
            _ = term.recv() => break,
            _ = int.recv() => break,
            _ = hup.recv() => {
                for r in reopen {
                    r.store(true, Ordering::SeqCst);
                }
                match Config::load(&config.path).map_err(anyhow::Error::from).and_then(|c| Ok((build_scrubber(&c)?, c))) {
                    Ok((s, new)) => {
                        let s = Arc::new(s);
                        let kinds: Vec<&str> = s.rules().kinds().iter().map(String::as_str).collect();
                        metrics.register_kinds(&sources, &kinds);
                        metrics.register_jwt_issuers(&sources, new.jwt.issuers.iter().map(String::as_str));
                        crate::logging::use_scrubber(Arc::clone(&s));
                        *scrubber.write().expect("scrubber lock") = s;
                        tracing::info!("SIGHUP: rules reloaded, sink files reopened");
                        let later = config.restart_needed_for(&new);
                        if !later.is_empty() {
                            tracing::warn!(settings = %later.join(", "), "SIGHUP: these settings changed and take effect at the next start");
                        }
                    }
                    Err(e) => tracing::error!(error = %format!("{e:#}"), "SIGHUP: reload failed, keeping the rules in use"),
                }
            }
        }
    }
    cancel.cancel();
}

/// Lines in the sink's output files beyond the lengths recorded at the checkpoints (the sink
/// marks of the positions, and the outputs recorded before their first write since a
/// checkpoint: a rotated file's straggler lines going to a new output no position names yet):
/// written after the last checkpoint, so the restart, reading from the checkpoint, writes them
/// again.
/// Lines an earlier start already counted (`counted`: output lengths at that start) are not
/// counted again: they are the earlier restart's own re-sends, each of which this restart
/// duplicates once more only beyond them. An output that shrank (rotated) since counts nothing.
/// `bound(output, n)`: at most how many lines (up to `n`) the source will read again into (or
/// from what went into) that output, `None` if it cannot tell; an output whose file was
/// truncated, rewritten or deleted while scrubd was down gets no more than its file's lines
/// now (a truncated file's old lines are not read again: not counted).
/// Returns the count and the output lengths it was counted up to.
fn resent_lines(
    positions: &[FilePosition],
    outputs: &[SinkMark],
    counted: &[SinkMark],
    bound: impl Fn(&Path, u64) -> Option<u64>,
) -> (u64, Vec<SinkMark>) {
    use std::io::{Read, Seek, SeekFrom};
    let mut marks: BTreeMap<&Path, u64> = BTreeMap::new();
    for m in positions
        .iter()
        .filter_map(|p| p.sink.as_ref())
        .chain(outputs)
    {
        let len = marks.entry(m.path.as_path()).or_insert(0);
        *len = (*len).max(m.len);
    }
    let (mut lines, mut now_counted) = (0, Vec::new());
    for (path, mark) in marks {
        let Ok(mut f) = std::fs::File::open(path) else {
            continue;
        };
        let Ok(len) = f.metadata().map(|m| m.len()) else {
            continue;
        };
        if len <= mark {
            continue;
        }
        now_counted.push(SinkMark {
            path: path.to_path_buf(),
            len,
        });
        let before = counted
            .iter()
            .filter(|c| c.path == path)
            .map(|c| c.len)
            .max()
            .unwrap_or(0);
        let from = mark.max(before);
        if len <= from || f.seek(SeekFrom::Start(from)).is_err() {
            continue;
        }
        let mut buf = vec![0u8; 64 << 10];
        let mut beyond = 0;
        while let Ok(n @ 1..) = f.read(&mut buf) {
            beyond += memchr::memchr_iter(b'\n', &buf[..n]).count() as u64;
        }
        lines += bound(path, beyond).map_or(beyond, |b| b.min(beyond));
    }
    (lines, now_counted)
}

/// Every second, make sure the state dir's lock is still ours (see [`StateLock::keep`]); stop
/// if another instance took it.
async fn keep_lock(lock: Arc<Mutex<StateLock>>, cancel: CancellationToken) {
    let mut failing = false;
    while !cancel.is_cancelled() {
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            _ = cancel.cancelled() => return,
        }
        match lock.lock().expect("state lock").keep() {
            Ok(false) => failing = false,
            Ok(true) => {
                failing = false;
                tracing::warn!(
                    "the state dir's lock file was removed or replaced while scrubd ran; locked it again"
                );
            }
            Err(e @ crate::checkpoint::CheckpointError::Locked { .. }) => {
                tracing::error!(error = %e, "stopping: another process locked the state dir after its lock file was removed; two instances must not share one");
                cancel.cancel();
            }
            // Cannot create or lock the file now (the state dir gone read-only): tried again
            // each second (logged once), while checkpoint errors are counted as usual.
            Err(e) => {
                if !std::mem::replace(&mut failing, true) {
                    tracing::warn!(error = %e, "cannot lock the state dir again after its lock file was removed; retrying each second");
                }
            }
        }
    }
}

/// Every few seconds: refresh systemd's STATUS line; ping its watchdog (when `WatchdogSec=` is
/// set) only while no pipeline stage is stuck on one item.
async fn supervise(live: Arc<Liveness>, metrics: Arc<Metrics>, cancel: CancellationToken) {
    let watchdog = service::watchdog_interval();
    let tick = watchdog.map_or(Duration::from_secs(5), |w| {
        (w / 4).min(Duration::from_secs(5))
    });
    let mut last_status = Instant::now();
    while !cancel.is_cancelled() {
        if let Some(interval) = watchdog {
            if let Err(why) = service::watchdog_ping(&live, interval) {
                tracing::warn!(%why, "withholding the watchdog ping");
            }
        }
        if last_status.elapsed() >= Duration::from_secs(5) {
            service::status(&status_line(&metrics));
            last_status = Instant::now();
        }
        tokio::select! {
            _ = tokio::time::sleep(tick) => {}
            _ = cancel.cancelled() => {}
        }
    }
}

/// One line for `systemctl status`: totals over all sources.
fn status_line(metrics: &Metrics) -> String {
    let sum = |family: &prometheus::IntCounterVec| -> u64 {
        use prometheus::core::Collector;
        family
            .collect()
            .iter()
            .flat_map(|mf| {
                mf.get_metric()
                    .iter()
                    .map(|m| m.get_counter().get_value() as u64)
            })
            .sum()
    };
    let files: i64 = {
        use prometheus::core::Collector;
        metrics
            .files_watched
            .collect()
            .iter()
            .flat_map(|mf| {
                mf.get_metric()
                    .iter()
                    .map(|m| m.get_gauge().get_value() as i64)
            })
            .sum()
    };
    format!(
        "{files} files, {} lines, {} redactions, {} sink errors",
        sum(&metrics.lines),
        sum(&metrics.redactions),
        sum(&metrics.sink_errors)
    )
}

/// What a source's scrub stage needs.
struct ScrubCtx {
    source: Arc<str>,
    sink: SyncSender<Delivery>,
    scrubber: Arc<RwLock<Arc<Scrubber>>>,
    emit: Arc<dyn Emit>,
    live: Arc<Liveness>,
    /// Liveness slots of the stage's workers (one per worker).
    stages: Vec<usize>,
}

/// Scrub workers per source: every core for a busy source, at most 4 (each holds a scratch).
fn workers_per_source() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
}

/// Liveness stage names of source `name`'s scrub workers.
fn scrub_stage_names(name: &str, workers: usize) -> impl Iterator<Item = String> + '_ {
    (0..workers).map(move |i| match i {
        0 => format!("scrub-{name}"),
        i => format!("scrub-{name}/{i}"),
    })
}

/// Scrub one source's batches on its workers and pass them, in order, to its sink.
fn scrub_source(mut rx: tokio::sync::mpsc::Receiver<Batch>, ctx: ScrubCtx) {
    let ScrubCtx {
        source,
        sink,
        scrubber,
        emit,
        live,
        stages,
    } = ctx;
    let next = || -> std::io::Result<Option<(Arc<Scrubber>, Batch)>> {
        let Some(batch) = rx.blocking_recv() else {
            return Ok(None);
        };
        let current = Arc::clone(&scrubber.read().expect("scrubber lock"));
        Ok(Some((current, batch)))
    };
    let deliver = |s: Scrubbed<Arc<Scrubber>, Batch>| -> std::io::Result<()> {
        let batch = s.job;
        let lines = batch.line_count();
        if !batch.data.is_empty() {
            emit.emit(Event::Scrubbed {
                source: &source,
                lines,
                bytes: batch.data.len() as u64,
                oversize: u64::from(batch.oversize_lines),
                hits: &s.hits,
                rules: s.scrubber.rules(),
            });
        }
        // A position without lines (a file gone) goes straight on, for the checkpoint store.
        let d = Delivery {
            source: Arc::clone(&source),
            data: s.out,
            records: s.records,
            end: batch.ack,
            lines,
        };
        // The sink thread is gone: shutdown is under way.
        sink.send(d)
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "sink gone"))
    };
    let busy = Some((&*live, &stages[..]));
    if let Err(e) = scrub_in_order(stages.len(), next, deliver, busy) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            tracing::error!(source = %source, error = %e, "scrub stage stopped");
        }
    }
}

/// A scrub stage's unit of work: a batch, and whatever its in-order end needs besides.
pub(crate) trait Job: Send {
    fn batch(&self) -> &Batch;
}

impl Job for Batch {
    fn batch(&self) -> &Batch {
        self
    }
}

/// A job scrubbed, handed in order to the stage's `deliver`.
pub(crate) struct Scrubbed<S, J> {
    pub job: J,
    /// The scrubber that scrubbed it (its rules name the hits).
    pub scrubber: S,
    /// The scrubbed data, and its records (lengths of the scrubbed parts).
    pub out: Vec<u8>,
    pub records: Vec<Record>,
    /// Findings; `line` counts from the batch's first line.
    pub hits: Vec<Hit>,
    /// Where each record's hits end in `hits`.
    hit_ends: Vec<usize>,
}

/// A scrub worker panicked: its job's lines were not scanned, so the stage stops (fail closed).
#[derive(Debug, thiserror::Error)]
#[error("a scrub worker failed; stopping rather than pass unscanned lines")]
pub(crate) struct WorkerFailed;

impl From<WorkerFailed> for std::io::Error {
    fn from(e: WorkerFailed) -> Self {
        std::io::Error::other(e)
    }
}

/// Multi-line scrub state of the streams that end inside a block (an open PEM block, pending SQL
/// parameters, a key waiting for its value); a stream absent from it starts its next line
/// fresh.
type Carry = HashMap<Arc<str>, StreamState>;

/// The name sinks see for a stream (they name outputs after it, and log it): its own with any
/// secret in it redacted, so a file named after a key cannot carry the key into an output's
/// name. Names that differ only in a redacted secret share an output.
fn shown_name(s: &Scrubber, scratch: &mut Scratch, name: &Arc<str>) -> Arc<str> {
    match s.scrub_str(name, scratch) {
        std::borrow::Cow::Borrowed(_) => Arc::clone(name),
        std::borrow::Cow::Owned(shown) => shown.into(),
    }
}

impl<S: std::ops::Deref<Target = Scrubber> + Clone, J: Job> Scrubbed<S, J> {
    /// Scrub `job` with `scrubber`, its streams starting from their states in `carry`.
    fn new(scrubber: S, job: J, scratch: &mut ScratchFor<S>, carry: &mut Carry) -> Self {
        let mut d = Scrubbed {
            job,
            scrubber,
            out: Vec::new(),
            hits: Vec::new(),
            records: Vec::new(),
            hit_ends: Vec::new(),
        };
        d.scrub(scratch, carry);
        d
    }

    /// Scrub the job (again), replacing what an earlier scrub produced: record by record,
    /// each from its stream's state in `carry` (`state_key`, else the record's stream),
    /// leaving in `carry` the states worth carrying on (in a block, or holding recall values).
    fn scrub(&mut self, scratch: &mut ScratchFor<S>, carry: &mut Carry) {
        let Scrubbed {
            job,
            scrubber,
            out,
            records,
            hits,
            hit_ends,
        } = self;
        let s: &Scrubber = scrubber;
        let scratch = scratch.get(scrubber);
        let batch = job.batch();
        out.clear();
        hits.clear();
        records.clear();
        hit_ends.clear();
        out.reserve(batch.data.len() + batch.data.len() / 8);
        let mut lines_before = 0;
        let n = batch.records.len();
        for (i, (r, part)) in split(&batch.data, &batch.records).enumerate() {
            let key = batch.state_key.as_ref().unwrap_or(&r.stream);
            let mut state = carry.remove(key).unwrap_or_default();
            let (out_at, hits_at) = (out.len(), hits.len());
            // A JWT in an event is judged (expired, lifetime) at the event's time.
            scratch.set_seen_at(match r.kind {
                RecordKind::Event { timestamp_ms, .. } => Some(timestamp_ms.div_euclid(1000)),
                RecordKind::Lines => None,
            });
            s.scrub_block(part, &mut state, scratch, out, hits);
            if state.in_block() || state.recalls() {
                carry.insert(Arc::clone(key), state);
            }
            if lines_before > 0 {
                for h in &mut hits[hits_at..] {
                    h.line += lines_before;
                }
            }
            if i + 1 < n {
                lines_before += memchr::memchr_iter(b'\n', part).count();
            }
            hit_ends.push(hits.len());
            records.push(Record {
                stream: shown_name(s, scratch, &r.stream),
                len: out.len() - out_at,
                kind: r.kind,
            });
        }
    }

    /// Whether the job, scrubbed as if its streams started fresh, is what scrubbing it in
    /// order from `carry` (the states the jobs before it left) gives. If so, what is left of
    /// those states past the job, by stream, for the states the job ended in to follow;
    /// `None` if it must be scrubbed again in order (a stream in a block, or one whose recall
    /// values the job prints or leaves no room for).
    fn passes(&self, carry: &Carry) -> Option<Vec<PassedOver>> {
        let mut left: Vec<PassedOver> = Vec::new();
        if carry.is_empty() {
            return Some(left);
        }
        let batch = self.job.batch();
        let (mut first_line, mut hits_at) = (0, 0);
        for ((r, part), &hits_end) in split(&batch.data, &batch.records).zip(&self.hit_ends) {
            let key = batch.state_key.as_ref().unwrap_or(&r.stream);
            let hits = &self.hits[hits_at..hits_end];
            hits_at = hits_end;
            let at = match left.iter().position(|(k, ..)| k == key) {
                Some(at) => Some(at),
                None => carry.get(key).map(|st| {
                    left.push((Arc::clone(key), st.clone(), (0, 0)));
                    left.len() - 1
                }),
            };
            if let Some(at) = at {
                let (_, st, load) = &mut left[at];
                if !st.passes_over(part, hits, first_line, load) {
                    return None;
                }
            }
            if hits_end < self.hits.len() {
                first_line += memchr::memchr_iter(b'\n', part).count();
            }
        }
        Some(left)
    }
}

/// A stream's state the jobs before left, passed over a job scrubbed without it: what is left
/// of it, and the load of open recall values the job added (see [`StreamState::passes_over`]).
type PassedOver = (Arc<str>, StreamState, (usize, usize));

/// A scratch space for scrubber `S`, rebuilt when the scrubber changes (SIGHUP reload).
struct ScratchFor<S>(Option<(S, Scratch)>);

impl<S: std::ops::Deref<Target = Scrubber> + Clone> ScratchFor<S> {
    fn get(&mut self, s: &S) -> &mut Scratch {
        if !self
            .0
            .as_ref()
            .is_some_and(|(have, _)| std::ptr::eq(&**have, &**s))
        {
            self.0 = Some((s.clone(), s.scratch()));
        }
        &mut self.0.as_mut().expect("set above").1
    }
}

/// A job as a worker hands it back: scrubbed as if no stream were inside a block at its
/// start, with the states its streams ended in.
struct Done<S, J> {
    seq: u64,
    scrubbed: Scrubbed<S, J>,
    ends: Carry,
}

/// The ordered scrub stage: jobs from `next` are scrubbed by `threads` workers in parallel
/// and handed to `deliver` in the order `next` produced them.
///
/// Multi-line state crosses jobs: a worker scrubs a job as if none of its streams were inside
/// a block and reports the states its streams end in. In order, before `deliver`, a job one of
/// whose streams the jobs before it left inside a block, or which prints again in its first
/// lines a value they redacted near their end (recall), is scrubbed again from the carried
/// state, so output is what one thread scrubbing everything in order would give. That is rare
/// (a PEM key straddling two batches, an echo just past a cut) and keeps the common path
/// parallel.
///
/// Threads: `next` runs on the calling thread, `deliver` on one thread of the stage (with one
/// worker, everything runs on the calling thread). Memory: at most `4 × threads + 4` jobs are
/// between `next` and the end of `deliver`, however slow one worker is. Returns the first
/// error of `deliver`, else of `next`; a worker that panics stops the stage with
/// [`WorkerFailed`] (its lines were not scanned, so they never reach `deliver`).
pub(crate) fn scrub_in_order<S, J, E>(
    threads: usize,
    mut next: impl FnMut() -> Result<Option<(S, J)>, E>,
    mut deliver: impl FnMut(Scrubbed<S, J>) -> Result<(), E> + Send,
    busy: Option<(&Liveness, &[usize])>,
) -> Result<(), E>
where
    S: std::ops::Deref<Target = Scrubber> + Clone + Send,
    J: Job,
    E: From<WorkerFailed> + Send,
{
    let mut carry = Carry::new();
    let mut in_order = ScratchFor(None);
    if threads <= 1 {
        while let Some((s, job)) = next()? {
            let _busy = busy.map(|(l, st)| l.busy(st[0]));
            let d = Scrubbed::new(s, job, &mut in_order, &mut carry);
            drop(_busy);
            deliver(d)?;
        }
        return Ok(());
    }
    let max_in_flight = threads * 4 + 4;
    std::thread::scope(|scope| {
        let (work_tx, work_rx) = sync_channel::<(u64, S, J)>(threads * 2);
        let work_rx = Arc::new(Mutex::new(work_rx));
        let (done_tx, done_rx) = sync_channel::<Result<Done<S, J>, WorkerFailed>>(threads * 2);
        // One token per job between `next` and the end of its `deliver`.
        let (permit_tx, permit_rx) = sync_channel::<()>(max_in_flight);
        for i in 0..threads {
            let work_rx = Arc::clone(&work_rx);
            let done_tx = done_tx.clone();
            let slot = busy.map(|(l, st)| (l, st[i.min(st.len() - 1)]));
            scope.spawn(move || ordered_worker(&work_rx, &done_tx, slot));
        }
        // The workers hold the only receivers: when they are gone, `next`'s sends fail.
        drop(work_rx);
        drop(done_tx);
        let sequencer = scope.spawn(move || -> Result<(), E> {
            let mut pending: BTreeMap<u64, Done<S, J>> = BTreeMap::new();
            let mut want = 0;
            for d in done_rx {
                let d = d?;
                pending.insert(d.seq, d);
                while let Some(mut d) = pending.remove(&want) {
                    if let Some(left) = d.scrubbed.passes(&carry) {
                        // What the jobs before left for this job's streams is spent, but for
                        // recall values whose window runs on past it.
                        let job = d.scrubbed.job.batch();
                        for r in &job.records {
                            carry.remove(job.state_key.as_ref().unwrap_or(&r.stream));
                        }
                        carry.extend(d.ends);
                        for (key, mut st, _) in left {
                            if st.recalls() {
                                st.followed_by(carry.remove(&key).unwrap_or_default());
                                carry.insert(key, st);
                            }
                        }
                    } else {
                        d.scrubbed.scrub(&mut in_order, &mut carry);
                    }
                    deliver(d.scrubbed)?;
                    let _ = permit_rx.recv();
                    want += 1;
                }
            }
            Ok(())
        });
        let mut seq = 0;
        let read = (|| -> Result<(), E> {
            while let Some((s, job)) = next()? {
                if permit_tx.send(()).is_err() || work_tx.send((seq, s, job)).is_err() {
                    return Ok(()); // the stage stopped; its error is returned below
                }
                seq += 1;
            }
            Ok(())
        })();
        drop(work_tx);
        drop(permit_tx);
        let delivered = sequencer.join().expect("scrub sequencer panicked");
        delivered.and(read)
    })
}

fn ordered_worker<S, J>(
    work: &Mutex<std::sync::mpsc::Receiver<(u64, S, J)>>,
    done: &SyncSender<Result<Done<S, J>, WorkerFailed>>,
    busy: Option<(&Liveness, usize)>,
) where
    S: std::ops::Deref<Target = Scrubber> + Clone + Send,
    J: Job,
{
    let mut scratch = ScratchFor(None);
    loop {
        let next = work.lock().expect("work queue poisoned").recv();
        let Ok((seq, s, job)) = next else { return };
        let _busy = busy.map(|(l, st)| l.busy(st));
        let scrubbed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut ends = Carry::new();
            let d = Scrubbed::new(s, job, &mut scratch, &mut ends);
            Done {
                seq,
                scrubbed: d,
                ends,
            }
        }));
        drop(_busy);
        let failed = scrubbed.is_err();
        if done.send(scrubbed.map_err(|_| WorkerFailed)).is_err() || failed {
            return;
        }
    }
}

struct SinkCtx {
    progress: Arc<Progress>,
    live: Arc<Liveness>,
    stage: usize,
    name: String,
    store: Arc<Mutex<CheckpointStore>>,
    emit: Arc<dyn Emit>,
    reopen: Arc<AtomicBool>,
    cancel: CancellationToken,
}

/// Write deliveries until every sender is gone; sync and checkpoint every second and at the end.
fn deliver(mut sink: Box<dyn Sink>, rx: Receiver<Delivery>, ctx: SinkCtx) {
    let mut written: Vec<(Position, u64)> = Vec::new();
    let mut last_sync = Instant::now();
    // Files with a checkpoint. A file's first delivery is checkpointed at once, not within the
    // second: until then a crash would leave no record of it (a `start_at = "end"` restart
    // would skip what it read, and re-sent output could not be counted).
    let mut known: std::collections::HashSet<(Arc<str>, u64, u64)> =
        std::collections::HashSet::new();
    let mut sources_loaded: std::collections::HashSet<Arc<str>> = std::collections::HashSet::new();
    // Outputs written since the last checkpoint, per source.
    let mut touched = Touched::new();
    loop {
        let next = rx.recv_timeout(CHECKPOINT_EVERY / 4);
        if ctx.reopen.swap(false, Ordering::SeqCst) {
            if let Err(e) = sink.reopen() {
                ctx.emit.emit(Event::SinkError { sink: &ctx.name });
                tracing::warn!(sink = %ctx.name, error = %e, "reopen failed");
            }
        }
        let done = match next {
            Ok(d) => {
                // What else is queued goes with it: its outputs are put on record in one
                // store flush, and new files' first deliveries share one checkpoint.
                let mut group = vec![d];
                while group.len() <= CHANNEL_DEPTH {
                    match rx.try_recv() {
                        Ok(d) => group.push(d),
                        Err(_) => break,
                    }
                }
                for d in &group {
                    if d.end.file_identity().is_some()
                        && sources_loaded.insert(Arc::clone(&d.source))
                    {
                        let store = ctx.store.lock().expect("checkpoint lock");
                        known.extend(
                            store
                                .get(&d.source)
                                .into_iter()
                                .map(|p| (Arc::clone(&d.source), p.dev, p.ino)),
                        );
                    }
                }
                register_outputs(sink.as_mut(), &group, &mut touched, &ctx);
                let mut group = group.into_iter();
                let mut refused = None;
                for d in group.by_ref() {
                    let mark = if d.data.is_empty() {
                        None // a position alone (a file gone): nothing to write
                    } else {
                        let Some(mark) = write_until_accepted(sink.as_mut(), &d, &ctx) else {
                            refused = Some(d.lines);
                            break;
                        };
                        mark
                    };
                    let identity = d
                        .end
                        .file_identity()
                        .map(|(_, dev, ino)| (Arc::clone(&d.source), dev, ino));
                    if identity.is_some_and(|id| known.insert(id)) {
                        last_sync = Instant::now() - CHECKPOINT_EVERY; // checkpoint this new file now
                    }
                    written.push((d.end.with_sink_mark(mark), d.lines));
                }
                if let Some(lines) = refused {
                    // Shut down while the sink refused: leave it (and what came with it, and
                    // what awaits a checkpoint) unacknowledged.
                    let pending: u64 = written.iter().map(|w| w.1).sum();
                    let unwritten: u64 = group.map(|d| d.lines).sum();
                    ctx.progress
                        .refused_at_stop
                        .fetch_add(lines + unwritten + pending, Ordering::Relaxed);
                    break;
                }
                false
            }
            Err(RecvTimeoutError::Timeout) => false,
            Err(RecvTimeoutError::Disconnected) => true,
        };
        if done {
            // Last chance to get what the sink holds delivered (a remote sink may be down).
            let deadline = Instant::now() + Duration::from_secs(5);
            while !checkpoint(sink.as_mut(), &mut written, &mut touched, &ctx)
                && Instant::now() < deadline
            {
                std::thread::sleep(Duration::from_millis(250));
            }
            if !written.is_empty() {
                let pending: u64 = written.iter().map(|w| w.1).sum();
                ctx.progress
                    .refused_at_stop
                    .fetch_add(pending, Ordering::Relaxed);
                tracing::error!(sink = %ctx.name, "sink still failing at shutdown; unsent lines stay unacknowledged and are read again at the next start");
            }
            break;
        }
        let unflushed = written.is_empty() && ctx.store.lock().expect("checkpoint lock").is_dirty();
        if (!written.is_empty() || unflushed) && last_sync.elapsed() >= CHECKPOINT_EVERY {
            checkpoint(sink.as_mut(), &mut written, &mut touched, &ctx);
            last_sync = Instant::now();
        }
    }
}

/// Output files written since the last checkpoint, per source.
type Touched = BTreeMap<Arc<str>, std::collections::BTreeSet<PathBuf>>;

/// Before `group` is written: record the outputs it goes to that have no length on record
/// since the last checkpoint, with their lengths now, and persist that before the write. A
/// crash before the next checkpoint then leaves a record of where the lines a restart writes
/// again begin, even in an output no checkpoint names (a rotated file's straggler lines, a new
/// file's first lines). (Only a new file's first delivery used to skip this, its checkpoint
/// right after the write recording its output: a kill between the write and that checkpoint,
/// with the sink's sync between them, left those lines uncounted when the restart read the
/// file again from its start. What a burst of new files costs in flushes is kept down by
/// taking the deliveries queued as one group.)
fn register_outputs(sink: &mut dyn Sink, group: &[Delivery], touched: &mut Touched, ctx: &SinkCtx) {
    let mut fresh = false;
    for d in group.iter().filter(|d| !d.data.is_empty()) {
        // The sink may open outputs to name them (a file sink's fallbacks): a hang there is
        // the sink's, for the watchdog.
        let outputs = {
            let _busy = ctx.live.busy(ctx.stage);
            sink.outputs(&d.source, &d.records)
        };
        if outputs.is_empty() {
            continue;
        }
        let paths = touched.entry(Arc::clone(&d.source)).or_default();
        paths.extend(outputs.iter().map(|m| m.path.clone()));
        fresh |= ctx
            .store
            .lock()
            .expect("checkpoint lock")
            .register_outputs(&d.source, &outputs);
    }
    if fresh {
        if let Err(e) = ctx.store.lock().expect("checkpoint lock").flush() {
            ctx.emit.emit(Event::CheckpointError);
            tracing::warn!(error = %e, "checkpoint write failed; a crash before the next one may leave re-sent lines uncounted");
        }
    }
}

/// Retry a write with backoff until it is accepted. Gives up only once shutdown was asked
/// for and the sink still refuses (the data stays unacknowledged and is read again next start).
fn write_until_accepted(
    sink: &mut dyn Sink,
    d: &Delivery,
    ctx: &SinkCtx,
) -> Option<Option<SinkMark>> {
    let mut backoff = Duration::from_millis(100);
    let mut gave_up_at: Option<Instant> = None;
    loop {
        let written = {
            let _busy = ctx.live.busy(ctx.stage);
            sink.write(&d.source, &d.data, &d.records)
        };
        match written {
            Ok(mark) => return Some(mark),
            Err(e) => {
                ctx.emit.emit(Event::SinkError { sink: &ctx.name });
                tracing::warn!(sink = %ctx.name, error = %e, retry_in_ms = backoff.as_millis() as u64, "sink write failed");
            }
        }
        if ctx.cancel.is_cancelled() {
            let since = *gave_up_at.get_or_insert_with(Instant::now);
            if since.elapsed() > Duration::from_secs(5) {
                tracing::error!(sink = %ctx.name, "sink still failing at shutdown; unwritten lines stay unacknowledged");
                return None;
            }
        }
        std::thread::sleep(backoff);
        backoff = (backoff * 2).min(Duration::from_secs(5));
    }
}

/// Sync the sink, then record and persist the positions of everything written. False if the
/// sink could not sync (the positions stay in `written` for the next attempt).
fn checkpoint(
    sink: &mut dyn Sink,
    written: &mut Vec<(Position, u64)>,
    touched: &mut Touched,
    ctx: &SinkCtx,
) -> bool {
    if written.is_empty() {
        // Nothing new, but an earlier flush may have failed (state dir full or read-only):
        // retry it now rather than when the next line arrives.
        let mut store = ctx.store.lock().expect("checkpoint lock");
        if store.is_dirty() {
            if let Err(e) = store.flush() {
                ctx.emit.emit(Event::CheckpointError);
                tracing::warn!(error = %e, "checkpoint write failed; will retry");
            }
        }
        return true;
    }
    let synced = {
        let _busy = ctx.live.busy(ctx.stage);
        sink.sync()
    };
    if let Err(e) = synced {
        ctx.emit.emit(Event::SinkError { sink: &ctx.name });
        tracing::warn!(sink = %ctx.name, error = %e, "sink sync failed; checkpoints held back");
        return false;
    }
    let mut store = ctx.store.lock().expect("checkpoint lock");
    for (p, lines) in written.drain(..) {
        store.set_position(p);
        ctx.progress.delivered.fetch_add(lines, Ordering::Relaxed);
    }
    // Everything written is synced: the outputs' lengths now are where re-sending would begin.
    for (source, paths) in std::mem::take(touched) {
        let marks = paths
            .into_iter()
            .filter_map(|path| {
                let len = std::fs::metadata(&path).ok()?.len();
                Some(SinkMark { path, len })
            })
            .collect();
        store.set_outputs(&source, marks);
    }
    if let Err(e) = store.flush() {
        ctx.emit.emit(Event::CheckpointError);
        tracing::warn!(error = %e, "checkpoint write failed; will retry");
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::CursorPosition;
    use crate::engine::RuleSet;

    fn scrubber() -> Arc<Scrubber> {
        Arc::new(Scrubber::new(
            Arc::new(RuleSet::builtin().unwrap()),
            Mode::Mask,
        ))
    }

    fn ack(i: usize) -> Position {
        Position::Cursor(CursorPosition {
            source: "t".into(),
            key: "t".into(),
            cursor: i.to_string(),
        })
    }

    /// Batches of two interleaved streams, each with PEM keys that open in one batch and end
    /// in a later one, and a batch whose two records are one stream's block.
    fn batches() -> Vec<Batch> {
        let begin = "-----BEGIN RSA PRIVATE KEY-----\n";
        let body = "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n";
        let end = "-----END RSA PRIVATE KEY-----\n";
        let mut out = Vec::new();
        for i in 0..60 {
            let (a, b): (Arc<str>, Arc<str>) = ("a.log".into(), "b.log".into());
            let part_a = match i % 4 {
                0 => format!("GET / 200 {i}\n{begin}{body}"),
                1 | 2 => body.repeat(2),
                _ => format!("{body}{end}token=Zx81KdPQm2Lr0aBcQ9 after\n"),
            };
            let part_b = match i % 3 {
                0 => format!("{begin}{body}"),
                1 => format!("{body}{end}"),
                _ => "clean line\n".to_string(),
            };
            let mut data = part_a.clone().into_bytes();
            data.extend_from_slice(part_b.as_bytes());
            let mut records = vec![
                Record {
                    stream: Arc::clone(&a),
                    len: part_a.len(),
                    kind: RecordKind::Lines,
                },
                Record {
                    stream: b,
                    len: part_b.len(),
                    kind: RecordKind::Lines,
                },
            ];
            if i % 5 == 0 && i % 4 != 3 {
                // The same stream twice in one batch: its state passes from one record to
                // the next inside the worker.
                let more = body.to_string();
                data.extend_from_slice(more.as_bytes());
                records.push(Record {
                    stream: a,
                    len: more.len(),
                    kind: RecordKind::Lines,
                });
            }
            out.push(Batch {
                data,
                records,
                oversize_lines: 0,
                ack: ack(i),
                state_key: None,
            });
        }
        // A position alone, in order with the rest.
        out.insert(30, Batch::lines(Vec::new(), "a.log".into(), 0, ack(1000)));
        out
    }

    fn run_stage(threads: usize) -> Vec<(Vec<u8>, Vec<Record>, usize, Position)> {
        let s = scrubber();
        let mut input = batches().into_iter();
        let mut got = Vec::new();
        scrub_in_order(
            threads,
            || -> std::io::Result<_> { Ok(input.next().map(|b| (Arc::clone(&s), b))) },
            |d: Scrubbed<Arc<Scrubber>, Batch>| {
                got.push((d.out, d.records, d.hits.len(), d.job.ack));
                Ok(())
            },
            None,
        )
        .unwrap();
        got
    }

    #[test]
    fn ordered_stage_with_workers_gives_what_one_thread_gives() {
        let one = run_stage(1);
        assert_eq!(one.len(), 61);
        let text: String = one
            .iter()
            .map(|(o, ..)| String::from_utf8_lossy(o).into_owned())
            .collect();
        assert!(!text.contains("MIIEowIBAAKCAQEA"), "a key body leaked");
        assert!(!text.contains("Zx81KdPQm2Lr0aBcQ9"));
        for threads in [2, 3, 8] {
            assert!(run_stage(threads) == one, "{threads} workers");
        }
    }

    #[test]
    fn ordered_stage_stops_on_a_delivery_error() {
        let s = scrubber();
        let mut input = batches().into_iter();
        let mut delivered = 0;
        let r = scrub_in_order(
            3,
            || -> std::io::Result<_> { Ok(input.next().map(|b| (Arc::clone(&s), b))) },
            |_: Scrubbed<Arc<Scrubber>, Batch>| {
                delivered += 1;
                if delivered == 5 {
                    return Err(std::io::Error::other("sink gone"));
                }
                Ok(())
            },
            None,
        );
        assert!(r.is_err());
        assert_eq!(delivered, 5);
    }

    /// Where a source cuts its input changes nothing, on one worker or several: the corpus
    /// and scanner cases, as two streams, cut into jobs of a few lines wherever a source may
    /// cut (before a record that started whole, see [`crate::batch::open_record`]), with
    /// both streams in some jobs and one stream twice in others, come out as each stream
    /// scrubbed whole. A value redacted before a cut and printed again after it (recall), a
    /// PEM key or an SQL statement across a cut, all take the in-order path or pass over.
    #[test]
    fn where_the_input_is_cut_changes_nothing() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut streams = [Vec::new(), Vec::new()];
        for dir in ["tests/corpus", "tests/scanners"] {
            let mut files: Vec<_> = std::fs::read_dir(root.join(dir))
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|x| x == "log"))
                .collect();
            files.sort();
            for (i, f) in files.iter().enumerate() {
                let text = &mut streams[i % 2];
                text.extend(std::fs::read(f).unwrap());
                if !text.ends_with(b"\n") {
                    text.push(b'\n');
                }
            }
        }
        let s = scrubber();
        let mut scratch = s.scratch();
        let whole: Vec<Vec<u8>> = streams
            .iter()
            .map(|text| {
                let (mut out, mut hits) = (Vec::new(), Vec::new());
                let mut st = crate::engine::StreamState::default();
                s.scrub_block(text, &mut st, &mut scratch, &mut out, &mut hits);
                out
            })
            .collect();
        // Pieces of 1 to 12 lines, each stream cut where a source may cut it.
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut pieces: [Vec<&[u8]>; 2] = [Vec::new(), Vec::new()];
        for (text, pieces) in streams.iter().zip(&mut pieces) {
            let mut at = 0;
            while at < text.len() {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let mut to = at;
                for _ in 0..1 + seed % 12 {
                    to = memchr::memchr(b'\n', &text[to..]).map_or(text.len(), |i| to + i + 1);
                }
                while to < text.len() && crate::batch::open_record(&text[..to]).is_some() {
                    to = memchr::memchr(b'\n', &text[to..]).map_or(text.len(), |i| to + i + 1);
                }
                pieces.push(&text[at..to]);
                at = to;
            }
        }
        let names: [Arc<str>; 2] = ["a.log".into(), "b.log".into()];
        let mut jobs = Vec::new();
        let (mut a, mut b) = (pieces[0].iter().peekable(), pieces[1].iter().peekable());
        let mut n = 0;
        while a.peek().is_some() || b.peek().is_some() {
            // a; b; a and b; a, b and a again.
            let take: &[usize] = [&[0][..], &[1], &[0, 1], &[0, 1, 0]][n % 4];
            n += 1;
            let mut batch = Batch::lines(Vec::new(), "a.log".into(), 0, ack(n));
            for &k in take {
                let Some(piece) = (if k == 0 { a.next() } else { b.next() }) else {
                    continue;
                };
                batch.data.extend_from_slice(piece);
                batch.records.push(Record {
                    stream: Arc::clone(&names[k]),
                    len: piece.len(),
                    kind: RecordKind::Lines,
                });
            }
            jobs.push(batch);
        }
        for threads in [1, 2] {
            let mut input = jobs.clone().into_iter();
            let mut got = [Vec::new(), Vec::new()];
            scrub_in_order(
                threads,
                || -> std::io::Result<_> { Ok(input.next().map(|b| (Arc::clone(&s), b))) },
                |d: Scrubbed<Arc<Scrubber>, Batch>| {
                    for (r, part) in split(&d.out, &d.records) {
                        got[usize::from(r.stream.as_ref() == "b.log")].extend_from_slice(part);
                    }
                    Ok(())
                },
                None,
            )
            .unwrap();
            for k in 0..2 {
                if got[k] != whole[k] {
                    let line = got[k]
                        .split(|&b| b == b'\n')
                        .zip(whole[k].split(|&b| b == b'\n'))
                        .position(|(g, w)| g != w);
                    panic!("{threads} threads, stream {k}: differs first at line {line:?}");
                }
            }
        }
    }

    /// A file sink that notes, at each write, whether the state dir on disk already names the
    /// output it appends to.
    struct Witness {
        inner: crate::sink::file::FileSink,
        state: std::path::PathBuf,
        on_record: Arc<Mutex<Vec<(PathBuf, bool)>>>,
    }

    impl Sink for Witness {
        fn write(
            &mut self,
            source: &str,
            data: &[u8],
            records: &[Record],
        ) -> std::io::Result<Option<SinkMark>> {
            let persisted =
                std::fs::read_to_string(self.state.join(crate::checkpoint::CHECKPOINT_FILE))
                    .unwrap_or_default();
            for m in self.inner.outputs(source, records) {
                let named = persisted.contains(&format!("{:?}", m.path.display().to_string()));
                self.on_record.lock().unwrap().push((m.path, named));
            }
            self.inner.write(source, data, records)
        }
        fn outputs(&mut self, source: &str, records: &[Record]) -> Vec<SinkMark> {
            self.inner.outputs(source, records)
        }
        fn sync(&mut self) -> std::io::Result<()> {
            self.inner.sync()
        }
        fn reopen(&mut self) -> std::io::Result<()> {
            self.inner.reopen()
        }
    }

    /// A kill -9 may come between any write and the checkpoint after it: the output a write
    /// appends to must be on record on disk before the write, a new file's first write
    /// included, or the lines a restart writes again there go uncounted.
    #[test]
    fn every_output_is_on_record_on_disk_before_its_first_write() {
        let dir = tempfile::tempdir().unwrap();
        let (state, out) = (dir.path().join("state"), dir.path().join("out"));
        std::fs::create_dir_all(&state).unwrap();
        let store = Arc::new(Mutex::new(CheckpointStore::open(&state).unwrap()));
        let on_record = Arc::new(Mutex::new(Vec::new()));
        let sink = Witness {
            inner: crate::sink::file::FileSink::new(out.clone()),
            state: state.clone(),
            on_record: Arc::clone(&on_record),
        };
        let live = Liveness::new(vec!["sink-s".into()]);
        let ctx = SinkCtx {
            progress: Arc::new(Progress::default()),
            live: Arc::clone(&live),
            stage: live.stage("sink-s"),
            name: "s".into(),
            store: Arc::clone(&store),
            emit: Arc::new(crate::metrics::Discard),
            reopen: Arc::new(AtomicBool::new(false)),
            cancel: CancellationToken::new(),
        };
        let (tx, rx) = sync_channel::<Delivery>(4);
        let sinking = std::thread::spawn(move || deliver(Box::new(sink), rx, ctx));
        // Two new files (the second a rotated file's name, read only after the rename), then
        // more lines of the first.
        for (ino, name, line) in [
            (7, "x.log", "a\n"),
            (8, "x.log.1", "b\n"),
            (7, "x.log", "c\n"),
        ] {
            let data = line.as_bytes().to_vec();
            tx.send(Delivery {
                source: "app".into(),
                records: vec![Record {
                    stream: name.into(),
                    len: data.len(),
                    kind: RecordKind::Lines,
                }],
                data,
                end: Position::File(crate::checkpoint::FilePosition {
                    source: "app".into(),
                    path: dir.path().join("logs").join(name),
                    dev: 1,
                    ino,
                    fingerprint: "f".repeat(64),
                    offset: 2,
                    proof: None,
                    sink: None,
                }),
                lines: 1,
            })
            .unwrap();
        }
        drop(tx);
        sinking.join().unwrap();
        let seen = on_record.lock().unwrap().clone();
        assert_eq!(seen.len(), 3, "{seen:?}");
        for (path, named) in seen {
            assert!(named, "{} written before it was on record", path.display());
        }
    }
}
