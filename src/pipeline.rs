//! `scrubd run`: sources → scrubbers → sinks, with positions flowing back as checkpoints.
//!
//! Threads, not tasks, do the blocking work: each source reads on its own thread, each source
//! has one scrub thread (order per file is kept because a source's chunks are scrubbed in
//! sequence; sources scrub in parallel), each sink writes on its own thread. Bounded channels
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
    lock_state_dir, CheckpointStore, SinkMark, CHECKPOINT_FILE, CHECKPOINT_TMP_FILE, LOCK_FILE,
};
use crate::config::Config;
use crate::engine::{validate::JWT_ALGS, Hit, Mode, Scrubber, StreamState};
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
    )?;
    let mode = match &config.redact.fingerprint_key_file {
        None => Mode::Mask,
        Some(path) => crate::rulefiles::key_file_mode(path)?,
    };
    let jwt = config.jwt.policy().map_err(anyhow::Error::msg)?;
    Ok(Scrubber::new(Arc::new(rules.with_jwt_policy(jwt)), mode))
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
        let scrubber = Arc::new(RwLock::new(Arc::new(build_scrubber(&config)?)));
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
    let _lock = lock_state_dir(&config.state_dir)?;
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

    // Output a crash left beyond the last checkpoint will be written again: count it now, and
    // record how far it was counted (persisted at once) so that a start before the next
    // checkpoint does not count it again.
    for src in &config.sources {
        let mut store = store.lock().expect("checkpoint lock");
        let (lines, counted) = resent_lines(
            &store.get(&src.name),
            &store.outputs(&src.name),
            &store.resent_counted(&src.name),
        );
        store.set_resent_counted(&src.name, counted);
        if let Err(e) = store.flush() {
            tracing::warn!(error = %e, "cannot record the re-sent lines counted; a restart before the next checkpoint counts them again");
        }
        drop(store);
        if lines > 0 {
            emit.emit(Event::DuplicateLines {
                source: &src.name,
                lines,
            });
            tracing::warn!(source = %src.name, lines, "restart after an unclean stop: lines written after the last checkpoint will be written again");
        }
    }

    let live = Liveness::new(
        config
            .sources
            .iter()
            .map(|s| format!("scrub-{}", s.name))
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

    // Sources: a reader thread and a scrub thread each.
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
            stage: live.stage(&format!("scrub-{}", src.name)),
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
    }

    wait_for_signals(&config, &scrubber, &reopen_flags, &cancel, signals).await;
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
    tracing::info!("stopped");
    Ok(())
}

async fn wait_for_signals(
    config: &Config,
    scrubber: &RwLock<Arc<Scrubber>>,
    reopen: &[Arc<AtomicBool>],
    cancel: &CancellationToken,
    signals: Signals,
) {
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
                match Config::load(&config.path).map_err(anyhow::Error::from).and_then(|c| build_scrubber(&c)) {
                    Ok(s) => {
                        *scrubber.write().expect("scrubber lock") = Arc::new(s);
                        tracing::info!("SIGHUP: rules reloaded, sink files reopened");
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
/// Returns the count and the output lengths it was counted up to.
fn resent_lines(
    positions: &[FilePosition],
    outputs: &[SinkMark],
    counted: &[SinkMark],
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
        while let Ok(n @ 1..) = f.read(&mut buf) {
            lines += memchr::memchr_iter(b'\n', &buf[..n]).count() as u64;
        }
    }
    (lines, now_counted)
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

/// What a scrub thread needs.
struct ScrubCtx {
    source: Arc<str>,
    sink: SyncSender<Delivery>,
    scrubber: Arc<RwLock<Arc<Scrubber>>>,
    emit: Arc<dyn Emit>,
    live: Arc<Liveness>,
    stage: usize,
}

/// Scrub one source's batches in order and pass them to its sink. Multi-line state (an open
/// PEM block) is kept per stream (a batch's `state_key`, else each record's stream), and each
/// record is scrubbed on its own, so a stream's block state follows that stream.
fn scrub_source(mut rx: tokio::sync::mpsc::Receiver<Batch>, ctx: ScrubCtx) {
    let mut states: HashMap<Arc<str>, StreamState> = HashMap::new();
    let mut scratch: Option<(Arc<Scrubber>, crate::engine::Scratch)> = None;
    let mut hits: Vec<Hit> = Vec::new();
    while let Some(batch) = rx.blocking_recv() {
        let lines = batch.line_count();
        if batch.data.is_empty() {
            // A position without lines (a file gone): straight on, for the checkpoint store.
            let d = Delivery {
                source: Arc::clone(&ctx.source),
                data: Vec::new(),
                records: Vec::new(),
                end: batch.ack,
                lines: 0,
            };
            if ctx.sink.send(d).is_err() {
                return;
            }
            continue;
        }
        let busy = ctx.live.busy(ctx.stage);
        let current = Arc::clone(&ctx.scrubber.read().expect("scrubber lock"));
        if !scratch
            .as_ref()
            .is_some_and(|(s, _)| Arc::ptr_eq(s, &current))
        {
            scratch = Some((Arc::clone(&current), current.scratch()));
        }
        let (s, scr) = scratch.as_mut().expect("scratch set above");
        let mut out = Vec::with_capacity(batch.data.len() + batch.data.len() / 8);
        hits.clear();
        let mut records = Vec::with_capacity(batch.records.len());
        let mut lines_before = 0;
        for (r, part) in split(&batch.data, &batch.records) {
            let key = batch.state_key.as_ref().unwrap_or(&r.stream);
            let state = match states.get_mut(key) {
                Some(st) => st,
                None => states.entry(Arc::clone(key)).or_default(),
            };
            let (out_at, hits_at) = (out.len(), hits.len());
            // A JWT in an event is judged (expired, lifetime) at the event's time.
            scr.set_seen_at(match r.kind {
                RecordKind::Event { timestamp_ms, .. } => Some(timestamp_ms.div_euclid(1000)),
                RecordKind::Lines => None,
            });
            s.scrub_block(part, state, scr, &mut out, &mut hits);
            for h in &mut hits[hits_at..] {
                h.line += lines_before;
            }
            lines_before += memchr::memchr_iter(b'\n', part).count();
            records.push(Record {
                stream: Arc::clone(&r.stream),
                len: out.len() - out_at,
                kind: r.kind,
            });
        }
        if states.len() > 100_000 {
            states.retain(|_, st| *st != StreamState::default());
        }
        ctx.emit.emit(Event::Scrubbed {
            source: &ctx.source,
            lines,
            bytes: batch.data.len() as u64,
            oversize: u64::from(batch.oversize_lines),
            hits: &hits,
            rules: s.rules(),
        });
        drop(busy);
        let d = Delivery {
            source: Arc::clone(&ctx.source),
            data: out,
            records,
            end: batch.ack,
            lines,
        };
        if ctx.sink.send(d).is_err() {
            return; // the sink thread is gone; shutdown is under way
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
                let identity = d
                    .end
                    .file_identity()
                    .map(|(_, dev, ino)| (Arc::clone(&d.source), dev, ino));
                if identity.is_some() && sources_loaded.insert(Arc::clone(&d.source)) {
                    let store = ctx.store.lock().expect("checkpoint lock");
                    known.extend(
                        store
                            .get(&d.source)
                            .into_iter()
                            .map(|p| (Arc::clone(&d.source), p.dev, p.ino)),
                    );
                }
                let new_file = identity.as_ref().is_some_and(|id| !known.contains(id));
                let mark = if d.data.is_empty() {
                    None // a position alone (a file gone): nothing to write
                } else {
                    // A new file's outputs are persisted by the checkpoint right after.
                    register_outputs(sink.as_mut(), &d, &mut touched, &ctx, !new_file);
                    let Some(mark) = write_until_accepted(sink.as_mut(), &d, &ctx) else {
                        break; // shut down while the sink refused: leave it unacknowledged
                    };
                    mark
                };
                if let Some(id) = identity {
                    if known.insert(id) {
                        last_sync = Instant::now() - CHECKPOINT_EVERY; // checkpoint this new file now
                    }
                }
                written.push((d.end.with_sink_mark(mark), d.lines));
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

/// Before `d` is written: record the outputs it goes to that have no length on record since
/// the last checkpoint, with their lengths now, and persist that before the write (`flush`;
/// for a new file's first delivery the checkpoint right after the write persists it, as it
/// always did, so thousands of new files do not cost a store flush each twice). A crash
/// before the next checkpoint then leaves a record of where the lines a restart writes again
/// begin, even in an output no checkpoint names (a rotated file's straggler lines).
fn register_outputs(
    sink: &mut dyn Sink,
    d: &Delivery,
    touched: &mut Touched,
    ctx: &SinkCtx,
    flush: bool,
) {
    let outputs = sink.outputs(&d.source, &d.records);
    if outputs.is_empty() {
        return;
    }
    let paths = touched.entry(Arc::clone(&d.source)).or_default();
    paths.extend(outputs.iter().map(|m| m.path.clone()));
    let mut store = ctx.store.lock().expect("checkpoint lock");
    if store.register_outputs(&d.source, &outputs) && flush {
        if let Err(e) = store.flush() {
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
