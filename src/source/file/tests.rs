use super::fingerprint::DEFAULT_FINGERPRINT_BYTES;
use super::*;
use super::tailer::tests::{append, copytruncate};
use std::fs;
use std::path::Path;

fn config(include: &str, start_at: StartAt) -> FileSourceConfig {
    FileSourceConfig {
        name: "app".into(),
        include: vec![include.into()],
        exclude: vec![],
        start_at,
        max_line_bytes: 1024,
        partial_flush: Duration::from_secs(5),
        rescan_interval: Duration::ZERO,
        avoid: Avoid::default(),
        yield_to: Vec::new(),
    }
}

/// Poll once; emitted bytes per path, sorted by path.
fn poll(src: &mut FileSource) -> Vec<(String, String)> {
    let mut out = Vec::new();
    src.poll(&mut out).unwrap();
    let mut by_path: BTreeMap<String, String> = BTreeMap::new();
    for c in out.into_iter().filter(|c| !c.data.is_empty()) {
        let crate::batch::Position::File(end) = &c.ack else {
            continue;
        };
        let name = end.path.file_name().unwrap().to_string_lossy().into_owned();
        by_path
            .entry(name)
            .or_default()
            .push_str(&String::from_utf8(c.data).unwrap());
    }
    by_path.into_iter().collect()
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

/// The checkpoint of the file at `path` now, at `offset` (with its proof when the file is that
/// long).
fn checkpoint(path: &Path, first_line: &[u8], offset: u64) -> FilePosition {
    let m = fs::metadata(path).unwrap();
    let f = File::open(path).unwrap();
    FilePosition {
        source: "app".into(),
        path: path.to_path_buf(),
        dev: FileId::of(&m).dev,
        ino: FileId::of(&m).ino,
        fingerprint: fingerprint::fingerprint_of(first_line, DEFAULT_FINGERPRINT_BYTES).unwrap(),
        offset,
        proof: fingerprint::read_window(&f, offset)
            .ok()
            .map(|w| fingerprint::proof_of(&w, b"")),
        sink: None,
    }
}

fn glob(dir: &Path, pattern: &str) -> String {
    format!("{}/{pattern}", dir.display())
}

#[test]
fn rotated_while_down_file_found_by_fingerprint() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("app.log");
    append(&log, b"a1\na2\na3\n");
    let cp = checkpoint(&log, b"a1\n", 3);
    // While scrubd is stopped: rotated, and a new file started.
    fs::rename(&log, dir.path().join("app.log.1")).unwrap();
    append(&log, b"b1\n");
    let cfg = config(
        &format!("{}/app.log*", dir.path().display()),
        StartAt::Beginning,
    );
    let mut src = FileSource::new(cfg, vec![cp], true).unwrap();
    assert_eq!(
        poll(&mut src),
        pairs(&[("app.log", "b1\n"), ("app.log.1", "a2\na3\n")])
    );
}

#[test]
fn rotated_as_scrubd_starts_the_file_continues_from_its_checkpoint_under_its_new_name() {
    // The start's listing saw `app.log` holding the checkpointed file; before the first read
    // it was rotated (a writer rotating while scrubd starts). The rescan finds it at
    // `app.log.1`: it continues from its checkpoint. Before, it had no checkpoint any more and
    // was read from 0, its first lines written a second time and not counted.
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("app.log");
    append(&log, b"a1\na2\na3\n");
    let cp = checkpoint(&log, b"a1\n", 6);
    let cfg = config(&glob(dir.path(), "app.log*"), StartAt::Beginning);
    let mut src = FileSource::new(cfg, vec![cp], true).unwrap();
    fs::rename(&log, dir.path().join("app.log.1")).unwrap();
    append(&log, b"b1\n");
    let mut got = poll(&mut src);
    got.extend(poll(&mut src));
    got.sort();
    assert_eq!(got, pairs(&[("app.log", "b1\n"), ("app.log.1", "a3\n")]));
}

#[test]
fn rotated_as_scrubd_starts_its_re_sent_lines_are_counted_in_the_file_as_found() {
    // The same race, for the count of lines a crash makes the outputs hold twice: the bound is
    // the lines the checkpointed file holds past its checkpoint, even once a rotation has
    // given its name to a new file. (Counted by path, it was the new file's: 0 here.)
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("app.log");
    append(&log, b"a1\na2\na3\na4\n");
    let mut cp = checkpoint(&log, b"a1\n", 3);
    let out = dir.path().join("out/app.log");
    cp.sink = Some(crate::checkpoint::SinkMark {
        path: out.clone(),
        len: 3,
    });
    let cfg = config(&glob(dir.path(), "app.log*"), StartAt::Beginning);
    let src = FileSource::new(cfg, vec![cp], true).unwrap();
    fs::rename(&log, dir.path().join("app.log.1")).unwrap();
    append(&log, b"b1\n");
    assert_eq!(src.resend_bound(&out, 100), Some(3));
}

#[test]
fn copytruncated_while_down_the_copy_continues_where_the_file_was() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("app.log");
    append(&log, b"a1\na2\na3\n");
    let cp = checkpoint(&log, b"a1\n", 6);
    // While scrubd is stopped: logrotate's copytruncate, then the app writes on.
    let copy = dir.path().join("app.log.1");
    copytruncate(&log, &copy);
    append(&log, b"b1\n");
    let mut src = FileSource::new(config(&glob(dir.path(), "app.log*"), StartAt::Beginning), vec![cp], true)
        .unwrap();
    assert_eq!(
        poll(&mut src),
        pairs(&[("app.log", "b1\n"), ("app.log.1", "a3\n")])
    );
}

#[test]
fn a_copy_continued_with_nothing_new_is_checkpointed_where_it_was_taken_over() {
    // copytruncate while running; the copy has nothing beyond what was read. Its position
    // is sent alone, so a restart does not read the whole copy again.
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("app.log");
    append(&log, b"a1\na2\n");
    let mut src = FileSource::new(config(&glob(dir.path(), "app.log*"), StartAt::Beginning), vec![], true)
        .unwrap();
    assert_eq!(poll(&mut src), pairs(&[("app.log", "a1\na2\n")]));
    let copy = dir.path().join("app.log.1");
    copytruncate(&log, &copy);
    let mut positions = Vec::new();
    for _ in 0..3 {
        src.rescan_now = true;
        let mut out = Vec::new();
        src.poll(&mut out).unwrap();
        for c in out {
            assert!(c.data.is_empty(), "nothing read twice: {:?}", c.data);
            if let crate::batch::Position::File(p) = c.ack {
                positions.push(p);
            }
        }
    }
    let copied = positions
        .iter()
        .find(|p| p.path == copy)
        .expect("the copy's position is sent");
    assert_eq!(copied.offset, 6);
}

#[test]
fn identical_first_lines_told_apart_by_dev_ino() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.log"), dir.path().join("b.log"));
    append(&a, b"header\nA1\nA2\n");
    append(&b, b"header\nB1\n");
    let cps = vec![
        checkpoint(&a, b"header\n", 10),
        checkpoint(&b, b"header\n", 7),
    ];
    // Swap the names so the checkpoints' paths point at the wrong files.
    let tmp = dir.path().join("tmp");
    fs::rename(&a, &tmp).unwrap();
    fs::rename(&b, &a).unwrap();
    fs::rename(&tmp, &b).unwrap();
    let cfg = config(
        &format!("{}/*.log", dir.path().display()),
        StartAt::Beginning,
    );
    let mut src = FileSource::new(cfg, cps, true).unwrap();
    assert_eq!(
        poll(&mut src),
        pairs(&[("a.log", "B1\n"), ("b.log", "A2\n")])
    );
}

#[test]
fn checkpoint_beyond_eof_at_startup_reads_from_zero() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("app.log");
    append(&log, b"x1\n");
    let cp = checkpoint(&log, b"x1\n", 500);
    let mut src = FileSource::new(
        config(&format!("{}/*.log", dir.path().display()), StartAt::End),
        vec![cp],
        true,
    )
    .unwrap();
    assert_eq!(poll(&mut src), pairs(&[("app.log", "x1\n")]));
    assert_eq!(src.stats().snapshot().truncations, 1);
}

#[test]
fn file_appearing_in_directory_created_after_start() {
    let dir = tempfile::tempdir().unwrap();
    let later = dir.path().join("later");
    // start_at = end applies to files found at start only: a new file is read whole.
    let mut src = FileSource::new(
        config(&format!("{}/*.log", later.display()), StartAt::End),
        vec![],
        false,
    )
    .unwrap();
    assert!(poll(&mut src).is_empty());
    fs::create_dir(&later).unwrap();
    append(&later.join("new.log"), b"hello\n");
    assert_eq!(poll(&mut src), pairs(&[("new.log", "hello\n")]));
    assert_eq!(src.stats().snapshot().files_watched, 1);
}

#[test]
fn start_at_end_begins_after_the_last_complete_line() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("app.log");
    append(&log, b"old\npart");
    let mut src = FileSource::new(
        config(&format!("{}/*.log", dir.path().display()), StartAt::End),
        vec![],
        false,
    )
    .unwrap();
    assert!(poll(&mut src).is_empty());
    append(&log, b"ial\n");
    assert_eq!(poll(&mut src), pairs(&[("app.log", "partial\n")]));
}

#[test]
fn rotation_with_globbed_rotated_name_emits_each_line_once() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("app.log");
    let rotated = dir.path().join("app.log.1");
    let mut cfg = config(
        &format!("{}/app.log*", dir.path().display()),
        StartAt::Beginning,
    );
    // Renamed files finished at once: the late writes go to the rotated name's tailer.
    cfg.partial_flush = Duration::ZERO;
    append(&log, b"a1\n");
    let mut src = FileSource::new(cfg, vec![], false).unwrap();
    let mut all = String::new();
    let mut drain = |src: &mut FileSource| {
        for (_, s) in poll(src) {
            all.push_str(&s);
        }
    };
    drain(&mut src);
    fs::rename(&log, &rotated).unwrap();
    append(&rotated, b"a2\n");
    append(&log, b"b1\n");
    drain(&mut src);
    append(&rotated, b"a3\n"); // a writer late to reopen
    append(&log, b"b2\n");
    drain(&mut src);
    drain(&mut src);
    let mut lines: Vec<&str> = all.lines().collect();
    lines.sort();
    assert_eq!(lines, ["a1", "a2", "a3", "b1", "b2"]);
    assert_eq!(src.stats().snapshot().rotations, 1);
}

#[test]
fn excluded_files_are_not_read() {
    let dir = tempfile::tempdir().unwrap();
    append(&dir.path().join("a.log"), b"a\n");
    append(&dir.path().join("b.log.gz"), b"b\n");
    let mut cfg = config(&format!("{}/*", dir.path().display()), StartAt::Beginning);
    cfg.exclude = vec!["*.gz".into()];
    let mut src = FileSource::new(cfg, vec![], false).unwrap();
    assert_eq!(poll(&mut src), pairs(&[("a.log", "a\n")]));
}

#[test]
fn start_at_deserializes_lowercase() {
    #[derive(Deserialize)]
    struct C {
        s: StartAt,
    }
    assert_eq!(
        serde_json::from_str::<C>(r#"{"s":"beginning"}"#).unwrap().s,
        StartAt::Beginning
    );
    assert_eq!(
        serde_json::from_str::<C>(r#"{"s":"end"}"#).unwrap().s,
        StartAt::End
    );
    assert!(serde_json::from_str::<C>(r#"{"s":"End"}"#).is_err());
}

#[test]
fn run_sends_chunks_and_stops_on_shutdown() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("app.log");
    append(&log, b"one\n");
    let mut cfg = config(
        &format!("{}/*.log", dir.path().display()),
        StartAt::Beginning,
    );
    cfg.rescan_interval = Duration::from_secs(60);
    let src = FileSource::new(cfg, vec![], false).unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::channel(1);
    let shutdown = tokio_util::sync::CancellationToken::new();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let read = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let io = SourceIo::new(
        "app".into(),
        tx,
        shutdown.clone(),
        Arc::new(crate::metrics::Discard),
        runtime.handle().clone(),
        Arc::clone(&read),
    );
    let th = std::thread::spawn(move || src.run_with(io));
    assert_eq!(rx.blocking_recv().unwrap().data, b"one\n");
    append(&log, b"two\n");
    assert_eq!(rx.blocking_recv().unwrap().data, b"two\n");
    shutdown.cancel();
    th.join().unwrap().unwrap();
    assert_eq!(read.load(std::sync::atomic::Ordering::Relaxed), 2);
}

#[test]
fn files_found_at_the_first_start_are_checkpointed_at_once_even_idle() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.log"), dir.path().join("b.log"));
    append(&a, b"a1\na2\n");
    append(&b, b"b1\npart");
    let mut src = FileSource::new(
        config(&glob(dir.path(), "*.log"), StartAt::End),
        vec![],
        false,
    )
    .unwrap();
    let initial = src.initial_positions();
    let offsets: Vec<(String, u64)> = initial
        .iter()
        .map(|p| {
            (
                p.path.file_name().unwrap().to_string_lossy().into_owned(),
                p.offset,
            )
        })
        .collect();
    assert_eq!(
        offsets,
        vec![("a.log".to_string(), 6), ("b.log".to_string(), 3)]
    );
    assert_eq!(
        initial[0].proof,
        Some(fingerprint::proof_of(b"a1\na2\n", b""))
    );
    assert!(src.initial_positions().is_empty(), "handed out once");
    // Restarted later with those checkpoints: what was appended in between comes out.
    append(&a, b"a3\n");
    let mut src = FileSource::new(
        config(&glob(dir.path(), "*.log"), StartAt::End),
        initial,
        true,
    )
    .unwrap();
    assert_eq!(poll(&mut src), pairs(&[("a.log", "a3\n")]));
}

#[test]
fn after_the_first_start_a_file_without_checkpoint_is_read_from_its_beginning() {
    let dir = tempfile::tempdir().unwrap();
    append(&dir.path().join("new.log"), b"n1\nn2\n");
    let mut src = FileSource::new(
        config(&glob(dir.path(), "*.log"), StartAt::End),
        vec![],
        true,
    )
    .unwrap();
    assert_eq!(poll(&mut src), pairs(&[("new.log", "n1\nn2\n")]));
    assert_eq!(src.initial_positions()[0].offset, 0);
}

#[test]
fn files_sharing_a_first_line_resume_each_from_its_own_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let names = ["x.log", "y.log", "z.log"];
    let mut cps = Vec::new();
    for (k, n) in names.iter().enumerate() {
        let p = dir.path().join(n);
        append(&p, format!("=== banner ===\n{k}a\n").as_bytes());
        cps.push(checkpoint(&p, b"=== banner ===\n", 18));
        append(&p, format!("{k}b\n").as_bytes());
    }
    let mut src =
        FileSource::new(config(&glob(dir.path(), "*.log"), StartAt::End), cps, true).unwrap();
    assert_eq!(
        poll(&mut src),
        pairs(&[("x.log", "0b\n"), ("y.log", "1b\n"), ("z.log", "2b\n")])
    );
}

#[test]
fn checkpoint_of_a_vanished_inode_passes_only_to_a_file_that_proves_its_offset() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("app.log");
    append(&log, b"header\nold 1\nold 2\n");
    let cp = checkpoint(&log, b"header\n", 19);
    assert!(cp.proof.is_some());
    // While stopped: moved out of the globs; a new file with the same header takes the name.
    fs::create_dir(dir.path().join("archive")).unwrap();
    fs::rename(&log, dir.path().join("archive/app.log")).unwrap();
    append(&log, b"header\nnew 1\nnew 2\nnew 3\n");
    let mut src = FileSource::new(
        config(&glob(dir.path(), "*.log"), StartAt::Beginning),
        vec![cp.clone()],
        true,
    )
    .unwrap();
    assert_eq!(
        poll(&mut src),
        pairs(&[("app.log", "header\nnew 1\nnew 2\nnew 3\n")])
    );
    // A copy named as one (a restore under its name elsewhere, logrotate's `app.log.1`) that
    // proves it: continued after the offset.
    let copy = dir.path().join("app.log.1");
    fs::copy(dir.path().join("archive/app.log"), &copy).unwrap();
    append(&copy, b"old 3\n");
    fs::remove_file(&log).unwrap();
    let mut src = FileSource::new(
        config(&glob(dir.path(), "*.log*"), StartAt::Beginning),
        vec![cp.clone()],
        true,
    )
    .unwrap();
    assert_eq!(poll(&mut src), pairs(&[("app.log.1", "old 3\n")]));
    // The same bytes under an unrelated name are another file's: read whole.
    fs::remove_file(&copy).unwrap();
    let other = dir.path().join("copy.log");
    fs::copy(dir.path().join("archive/app.log"), &other).unwrap();
    let mut src = FileSource::new(
        config(&glob(dir.path(), "*.log*"), StartAt::Beginning),
        vec![cp],
        true,
    )
    .unwrap();
    assert_eq!(
        poll(&mut src),
        pairs(&[("copy.log", "header\nold 1\nold 2\n")])
    );
}

#[test]
fn truncated_while_down_a_new_file_starting_with_its_content_is_read_whole() {
    // A worker's log holds its start-up banner, read and checkpointed. While scrubd is stopped
    // the worker restarts (O_TRUNC) and a new worker starts `w5.log` with the same banner: it
    // is not `w1.log`'s copy (its name says so) and is read whole. (Before: continued at
    // `w1.log`'s offset, its banner lost.)
    let dir = tempfile::tempdir().unwrap();
    let w1 = dir.path().join("w1.log");
    let banner = b"worker starting\nlistening on :8080\nready\n";
    append(&w1, banner);
    let cp = checkpoint(&w1, b"worker starting\n", banner.len() as u64);
    fs::File::create(&w1).unwrap();
    append(&w1, b"w1 new generation\n");
    let w5 = dir.path().join("w5.log");
    append(&w5, banner);
    append(&w5, b"w5 own\n");
    let mut src = FileSource::new(
        config(&glob(dir.path(), "*.log*"), StartAt::Beginning),
        vec![cp.clone()],
        true,
    )
    .unwrap();
    assert_eq!(
        poll(&mut src),
        pairs(&[
            ("w1.log", "w1 new generation\n"),
            (
                "w5.log",
                "worker starting\nlistening on :8080\nready\nw5 own\n"
            )
        ])
    );
    // Its copy by logrotate's name continues where it was.
    let copy = dir.path().join("w1.log.1");
    append(&copy, banner);
    append(&copy, b"w1 late\n");
    let mut src = FileSource::new(
        config(&glob(dir.path(), "w1.log*"), StartAt::Beginning),
        vec![cp],
        true,
    )
    .unwrap();
    assert_eq!(
        poll(&mut src),
        pairs(&[("w1.log", "w1 new generation\n"), ("w1.log.1", "w1 late\n")])
    );
}

#[test]
fn files_scrubd_writes_and_files_of_earlier_sources_are_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("logs")).unwrap();
    fs::create_dir_all(dir.path().join("out/app")).unwrap();
    append(&dir.path().join("logs/a.log"), b"a\n");
    append(&dir.path().join("logs/b.txt"), b"b\n");
    append(&dir.path().join("out/app/a.log"), b"scrubbed a\n");
    std::os::unix::fs::symlink("../out/app/a.log", dir.path().join("logs/loop.log")).unwrap();
    let mut cfg = config(&glob(dir.path(), "logs/*"), StartAt::Beginning);
    cfg.avoid = Avoid {
        dirs: vec![dir.path().join("out/app")],
        files: vec![],
    };
    cfg.yield_to = vec![(vec![glob(dir.path(), "logs/*.txt")], vec![])];
    let mut src = FileSource::new(cfg, vec![], false).unwrap();
    assert_eq!(poll(&mut src), pairs(&[("a.log", "a\n")]));
}

#[test]
fn streams_are_paths_below_the_sources_root() {
    let dir = tempfile::tempdir().unwrap();
    for d in ["d1", "d2"] {
        fs::create_dir(dir.path().join(d)).unwrap();
        append(
            &dir.path().join(d).join("app.log"),
            format!("{d}\n").as_bytes(),
        );
    }
    let mut src = FileSource::new(
        config(&glob(dir.path(), "*/app.log"), StartAt::Beginning),
        vec![],
        false,
    )
    .unwrap();
    let mut out = Vec::new();
    src.poll(&mut out).unwrap();
    let mut streams: Vec<&str> = out.iter().map(|c| &*c.records[0].stream).collect();
    streams.sort();
    assert_eq!(streams, ["d1/app.log", "d2/app.log"]);
}

#[test]
fn directories_are_followed_through_symlinks_without_looping() {
    // `/var/log/svc2 -> /data/svc2/logs`: a moved log directory is walked like a real one; a
    // link back to an ancestor under `**` is not walked into again.
    let dir = tempfile::tempdir().unwrap();
    for d in ["logs/svc1", "data/svc2"] {
        fs::create_dir_all(dir.path().join(d)).unwrap();
    }
    append(&dir.path().join("logs/svc1/app.log"), b"svc1\n");
    append(&dir.path().join("data/svc2/app.log"), b"svc2\n");
    std::os::unix::fs::symlink("../data/svc2", dir.path().join("logs/svc2")).unwrap();
    let mut src = FileSource::new(
        config(&glob(dir.path(), "logs/*/app.log"), StartAt::Beginning),
        vec![],
        false,
    )
    .unwrap();
    let mut out = Vec::new();
    src.poll(&mut out).unwrap();
    let mut streams: Vec<&str> = out.iter().map(|c| &*c.records[0].stream).collect();
    streams.sort();
    assert_eq!(streams, ["svc1/app.log", "svc2/app.log"]);

    // Loops, and a link into scrubd's own output (skipped by its real path).
    std::os::unix::fs::symlink("..", dir.path().join("logs/svc1/up")).unwrap();
    std::os::unix::fs::symlink(".", dir.path().join("logs/svc1/here")).unwrap();
    fs::create_dir_all(dir.path().join("out/app")).unwrap();
    append(&dir.path().join("out/app/app.log"), b"scrubbed\n");
    std::os::unix::fs::symlink("../out/app", dir.path().join("logs/sink")).unwrap();
    let mut cfg = config(&glob(dir.path(), "logs/**/*.log"), StartAt::Beginning);
    cfg.avoid = Avoid {
        dirs: vec![dir.path().join("out/app")],
        files: vec![],
    };
    let mut src = FileSource::new(cfg, vec![], false).unwrap();
    let mut out = Vec::new();
    src.poll(&mut out).unwrap();
    let mut streams: Vec<&str> = out.iter().map(|c| &*c.records[0].stream).collect();
    streams.sort();
    assert_eq!(streams, ["svc1/app.log", "svc2/app.log"]);
}

/// Poll until a poll emits nothing and wants no more; every chunk's bytes, per file name, and
/// the most handles the source held after any poll.
fn drain(src: &mut FileSource) -> (BTreeMap<String, String>, usize) {
    let mut by_path: BTreeMap<String, String> = BTreeMap::new();
    let mut most = 0;
    for _ in 0..1000 {
        let mut out = Vec::new();
        src.poll(&mut out).unwrap();
        most = most.max(src.holding);
        assert_eq!(src.holding, src.handles.in_use());
        let quiet = out.is_empty() && !src.more;
        for c in out.into_iter().filter(|c| !c.data.is_empty()) {
            if let crate::batch::Position::File(end) = &c.ack {
                let name = end.path.file_name().unwrap().to_string_lossy().into_owned();
                by_path
                    .entry(name)
                    .or_default()
                    .push_str(&String::from_utf8(c.data).unwrap());
            }
        }
        if quiet {
            return (by_path, most);
        }
    }
    panic!("never quiet");
}

fn with_budget(cfg: FileSourceConfig, budget: usize) -> FileSource {
    let mut src = FileSource::new(cfg, vec![], true).unwrap();
    src.handles = Handles::with_budget(budget);
    src
}

#[test]
fn more_files_than_the_handle_budget_are_all_read_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut src = with_budget(config(&glob(dir.path(), "*.log"), StartAt::Beginning), 3);
    let name = |f: usize| format!("f{f:02}.log");
    for f in 0..20 {
        append(&dir.path().join(name(f)), format!("{f}-a\n{f}-b\n").as_bytes());
    }
    let (got, most) = drain(&mut src);
    assert!(most <= 3, "{most} handles open");
    assert_eq!(got.len(), 20);
    for f in 0..20 {
        assert_eq!(got[&name(f)], format!("{f}-a\n{f}-b\n"));
    }
    let closed = src.stats().snapshot().handles_closed;
    assert!(closed >= 17, "{closed} handles closed");
    // Every file written again, closed handles and open ones alike: each new line once.
    for f in (0..20).rev() {
        append(&dir.path().join(name(f)), format!("{f}-c\n").as_bytes());
    }
    let (got, most) = drain(&mut src);
    assert!(most <= 3, "{most} handles open");
    for f in 0..20 {
        assert_eq!(got[&name(f)], format!("{f}-c\n"), "file {f}");
    }
    assert_eq!(src.stats().snapshot().truncations, 0);
}

#[test]
fn a_file_rotated_while_its_handle_was_closed_is_continued_under_its_new_name() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = config(&glob(dir.path(), "*.log*"), StartAt::Beginning);
    cfg.partial_flush = Duration::ZERO; // renamed files finished at once
    let mut src = with_budget(cfg, 1);
    let (a, b) = (dir.path().join("a.log"), dir.path().join("b.log"));
    append(&a, b"a1\n");
    append(&b, b"b1\n");
    let (got, _) = drain(&mut src);
    assert_eq!(got.len(), 2);
    assert!(src.tailers[&a].is_parked(), "b.log took a.log's handle");
    append(&a, b"a2\n");
    fs::rename(&a, dir.path().join("a.log.1")).unwrap();
    append(&a, b"a3\n");
    let (got, most) = drain(&mut src);
    assert_eq!(most, 1);
    assert_eq!(
        got.into_iter().collect::<Vec<_>>(),
        pairs(&[("a.log", "a2\na3\n")]),
        "the old file drained from where its handle was closed, as an open handle would have; nothing twice"
    );
    assert_eq!(src.tracker.counts.rotations, 1);
}

#[test]
fn a_file_rotated_to_a_name_the_globs_miss_while_its_handle_was_closed_is_drained() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = config(&glob(dir.path(), "*.log"), StartAt::Beginning);
    cfg.partial_flush = Duration::ZERO; // renamed files finished at once
    let mut src = with_budget(cfg, 1);
    let (a, b) = (dir.path().join("a.log"), dir.path().join("b.log"));
    append(&a, b"a1\n");
    append(&b, b"b1\n");
    drain(&mut src);
    assert!(src.tailers[&a].is_parked());
    append(&a, b"a2\n");
    fs::rename(&a, dir.path().join("a.log-20261130")).unwrap();
    append(&b, b"b2\n");
    let (got, _) = drain(&mut src);
    assert_eq!(
        got.into_iter().collect::<Vec<_>>(),
        pairs(&[("a.log", "a2\n"), ("b.log", "b2\n")])
    );
    assert_eq!(src.tracker.counts.deletions, 1, "finished: its path is gone");
    append(&a, b"new1\n");
    let (got, _) = drain(&mut src);
    assert_eq!(got.into_iter().collect::<Vec<_>>(), pairs(&[("a.log", "new1\n")]));
}

#[test]
fn a_file_truncated_while_its_handle_was_closed_is_read_again_from_zero() {
    let dir = tempfile::tempdir().unwrap();
    let mut src = with_budget(config(&glob(dir.path(), "*.log"), StartAt::Beginning), 1);
    let (a, b) = (dir.path().join("a.log"), dir.path().join("b.log"));
    append(&a, b"a1 long first line\na2\n");
    append(&b, b"b1\n");
    drain(&mut src);
    assert!(src.tailers[&a].is_parked());
    fs::write(&a, b"x1\n").unwrap();
    let (got, _) = drain(&mut src);
    assert_eq!(got.into_iter().collect::<Vec<_>>(), pairs(&[("a.log", "x1\n")]));
    assert_eq!(src.tracker.counts.truncations, 1);
    // And followed from there.
    append(&a, b"x2\n");
    let (got, _) = drain(&mut src);
    assert_eq!(got.into_iter().collect::<Vec<_>>(), pairs(&[("a.log", "x2\n")]));
}

#[test]
fn a_held_partial_line_keeps_its_handle_and_the_next_file_waits() {
    let dir = tempfile::tempdir().unwrap();
    let mut src = with_budget(config(&glob(dir.path(), "*.log"), StartAt::Beginning), 1);
    let (a, b) = (dir.path().join("a.log"), dir.path().join("b.log"));
    append(&a, b"a1\npassword=hun");
    append(&b, b"b1\n");
    let mut out = Vec::new();
    src.poll(&mut out).unwrap();
    assert!(src.more, "b.log waits for a handle");
    assert_eq!(src.holding, 1);
    assert!(src.tailers[&a].is_open(), "its partial line is only in memory");
    append(&a, b"ter2\n");
    let (got, most) = drain(&mut src);
    assert_eq!(most, 1);
    assert_eq!(
        got.into_iter().collect::<Vec<_>>(),
        pairs(&[("a.log", "password=hunter2\n"), ("b.log", "b1\n")])
    );
}

#[test]
fn a_file_deleted_while_its_handle_was_closed_is_forgotten() {
    let dir = tempfile::tempdir().unwrap();
    let mut src = with_budget(config(&glob(dir.path(), "*.log"), StartAt::Beginning), 1);
    let (a, b) = (dir.path().join("a.log"), dir.path().join("b.log"));
    append(&a, b"a1\n");
    append(&b, b"b1\n");
    drain(&mut src);
    assert!(src.tailers[&a].is_parked());
    fs::remove_file(&a).unwrap();
    let mut gone = 0;
    for _ in 0..3 {
        let mut out = Vec::new();
        src.poll(&mut out).unwrap();
        gone += out
            .iter()
            .filter(|c| matches!(c.ack, crate::batch::Position::FileGone(_)))
            .count();
    }
    assert_eq!(gone, 1, "its checkpoint is dropped");
    assert!(!src.tailers.contains_key(&a));
    assert_eq!(src.tracker.counts.deletions, 1);
    assert!(src.holding <= 1);
}
