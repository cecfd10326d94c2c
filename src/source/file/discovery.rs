//! Discovery: which files the `include` globs name right now, minus the `exclude` globs, minus
//! what scrubd must never read.
//!
//! Each include pattern is split into a literal root directory (its leading components without
//! glob characters) and the rest; only the root is walked, only as deep as the pattern can
//! reach (unlimited with `**`). Matching is against the full path with `*` not crossing `/`.
//! Excludes are matched against the file name and against the full path, so both `*.gz` and
//! `/var/log/app/old/*` work. A root that does not exist yet is simply empty: it is walked
//! again on the next rescan.
//!
//! Directories are walked through symlinks as well (a log directory moved to another disk and
//! linked back), except a link to a directory already being walked (a loop under `**`).
//!
//! **Never followed**, whatever the globs say: files whose real path (symlinks resolved) is
//! under one of scrubd's own output directories or is one of its state files (reading them
//! would feed scrubd its own output), and files an earlier source of the config matches (a
//! file is followed by one source only). `scrubd check` refuses configs whose globs reach
//! scrubd's own files ([`reach_under`]) and warns about overlapping sources ([`overlap`]);
//! this is the run-time guard for what globs alone cannot see (symlinks, directories created
//! later).

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};
use regex_automata::dfa::{dense, Automaton, StartKind};
use regex_automata::nfa::thompson;
use regex_automata::util::{primitives::StateID, start, syntax};
use regex_automata::{Anchored, MatchKind};
use std::collections::HashMap;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Component, Path, PathBuf};

use super::fingerprint::FileId;

/// A pattern that did not compile; names the pattern, never file content.
#[derive(Debug, thiserror::Error)]
#[error("invalid glob {pattern:?}: {reason}")]
pub struct GlobError {
    pub pattern: String,
    pub reason: String,
}

/// A literal directory to walk and how many levels below it a pattern can match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Root {
    pub dir: PathBuf,
    /// `None`: the pattern has `**`, any depth.
    pub depth: Option<usize>,
}

/// Paths scrubd writes and must never read back.
#[derive(Debug, Clone, Default)]
pub struct Avoid {
    /// Directories scrubd writes into (a file sink's `<dir>/<source>`).
    pub dirs: Vec<PathBuf>,
    /// Single files scrubd writes (checkpoints, their temp file, the state lock).
    pub files: Vec<PathBuf>,
}

/// Compiled include/exclude globs and the roots to walk.
#[derive(Debug)]
pub struct Discovery {
    roots: Vec<Root>,
    include: GlobSet,
    exclude: GlobSet,
    avoid: Avoid,
    /// Include/exclude globs of the sources before this one in the config.
    yield_to: Vec<(GlobSet, GlobSet)>,
}

fn is_glob(component: &str) -> bool {
    component.contains(['*', '?', '[', '{', '\\'])
}

fn compile(pattern: &str) -> Result<Glob, GlobError> {
    GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .map_err(|e| GlobError {
            pattern: pattern.to_string(),
            reason: e.kind().to_string(),
        })
}

fn glob_set(patterns: &[String]) -> Result<GlobSet, GlobError> {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        b.add(compile(p)?);
    }
    b.build().map_err(|e| GlobError {
        pattern: e.glob().unwrap_or("").to_string(),
        reason: e.kind().to_string(),
    })
}

/// The literal root of `pattern` and the depth below it.
fn root_of(pattern: &str) -> Root {
    let parts: Vec<&str> = pattern.split('/').collect();
    let literal = parts
        .iter()
        .position(|c| is_glob(c))
        .unwrap_or(parts.len() - 1);
    let mut dir = parts[..literal].join("/");
    if dir.is_empty() {
        dir = if pattern.starts_with('/') {
            "/".into()
        } else {
            ".".into()
        };
    }
    let rest = &parts[literal..];
    let depth = if rest.iter().any(|c| c.contains("**")) {
        None
    } else {
        Some(rest.len())
    };
    Root {
        dir: PathBuf::from(dir),
        depth,
    }
}

/// `p` with `.` components dropped and `..` applied lexically (no file system access); `.`
/// if nothing is left.
pub fn lexical(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            c => out.push(c.as_os_str()),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// `p` with symlinks resolved as far as it exists (the rest appended lexically), so a
/// directory that does not exist yet can still be compared with real paths.
pub fn real_or_lexical(p: &Path) -> PathBuf {
    let p = lexical(p);
    let mut existing = p.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = fs::canonicalize(existing) {
            let mut out = real;
            for c in rest.iter().rev() {
                out.push(c);
            }
            return out;
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => return p,
        }
    }
}

impl Discovery {
    /// Compile the globs of one source.
    pub fn new(include: &[String], exclude: &[String]) -> Result<Self, GlobError> {
        let mut roots: Vec<Root> = Vec::new();
        for p in include {
            let r = root_of(p);
            if !roots.contains(&r) {
                roots.push(r);
            }
        }
        Ok(Discovery {
            roots,
            include: glob_set(include)?,
            exclude: glob_set(exclude)?,
            avoid: Avoid::default(),
            yield_to: Vec::new(),
        })
    }

    /// Never follow files scrubd writes (see the module docs).
    pub fn avoiding(mut self, avoid: Avoid) -> Self {
        self.avoid = avoid;
        self
    }

    /// Leave files that an earlier source (its `include`, `exclude`) matches to that source.
    pub fn yielding_to(
        mut self,
        earlier: &[(Vec<String>, Vec<String>)],
    ) -> Result<Self, GlobError> {
        for (inc, exc) in earlier {
            self.yield_to.push((glob_set(inc)?, glob_set(exc)?));
        }
        Ok(self)
    }

    /// The directories walked (also the ones worth watching for change hints).
    pub fn roots(&self) -> &[Root] {
        &self.roots
    }

    /// The deepest directory holding every root: a file's path below it names it within the
    /// source one-to-one (output names mirror it).
    pub fn common_root(&self) -> PathBuf {
        let mut common: Option<PathBuf> = None;
        for r in &self.roots {
            let dir = lexical(&r.dir);
            common = Some(match common {
                None => dir,
                Some(c) => c
                    .components()
                    .zip(dir.components())
                    .take_while(|(a, b)| a == b)
                    .map(|(a, _)| a.as_os_str())
                    .collect(),
            });
        }
        common.unwrap_or_default()
    }

    fn matches(include: &GlobSet, exclude: &GlobSet, path: &Path) -> bool {
        include.is_match(path)
            && !exclude.is_match(path)
            && !path
                .file_name()
                .is_some_and(|n| exclude.is_match(Path::new(n)))
    }

    /// Whether `path` is included and not excluded.
    pub fn is_match(&self, path: &Path) -> bool {
        Self::matches(&self.include, &self.exclude, path)
    }

    /// Every regular file (or symlink to one) matching now, sorted, without duplicates; never
    /// a file scrubd writes, nor one an earlier source matches.
    pub fn discover(&self) -> Vec<PathBuf> {
        self.discover_with_special(&mut Vec::new())
    }

    /// [`discover`](Self::discover), and the matching files that are not regular files
    /// (FIFOs, sockets, devices: nothing to keep a position in) added to `special`, for the
    /// caller to name and count instead of passing over them in silence.
    pub fn discover_with_special(&self, special: &mut Vec<Special>) -> Vec<PathBuf> {
        let avoid = Avoid {
            dirs: self.avoid.dirs.iter().map(|d| real_or_lexical(d)).collect(),
            files: self
                .avoid
                .files
                .iter()
                .map(|f| real_or_lexical(f))
                .collect(),
        };
        let mut found = Vec::new();
        for r in &self.roots {
            let real = real_or_lexical(&r.dir);
            let mut above = Vec::new();
            let mut walk = Walk {
                avoid: &avoid,
                above: &mut above,
                found: &mut found,
                special: &mut *special,
            };
            self.walk(&r.dir, &real, r.depth, &mut walk);
        }
        found.sort();
        found.dedup();
        found
    }

    fn walk(
        &self,
        dir: &Path,
        real_dir: &Path,
        depth: Option<usize>,
        w: &mut Walk<'_>,
    ) {
        if depth == Some(0) {
            return;
        }
        // A directory is walked through symlinks too (`/var/log/app -> /data/app/logs` is how
        // hosts move logs to a bigger disk), but never inside itself: a link to a directory
        // being walked (an ancestor, under `**`) is skipped.
        let Ok(meta) = fs::metadata(dir) else { return };
        let id = (meta.dev(), meta.ino());
        if w.above.contains(&id) {
            return;
        }
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        w.above.push(id);
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(ft) = entry.file_type() else { continue };
            let real = real_dir.join(entry.file_name());
            if ft.is_dir() {
                self.walk(&path, &real, depth.map(|d| d - 1), w);
                continue;
            }
            if ft.is_symlink() && fs::metadata(&path).is_ok_and(|m| m.is_dir()) {
                let real = fs::canonicalize(&path).unwrap_or(real);
                self.walk(&path, &real, depth.map(|d| d - 1), w);
                continue;
            }
            if !self.is_match(&path) {
                continue;
            }
            let Ok(meta) = fs::metadata(&path) else {
                continue; // a dangling symlink: nothing to read yet
            };
            let kind = special_kind(&meta);
            if kind.is_none() && !meta.is_file() {
                continue;
            }
            let real = if ft.is_symlink() {
                fs::canonicalize(&path).unwrap_or(real)
            } else {
                real
            };
            if w.avoid.dirs.iter().any(|d| real.starts_with(d)) || w.avoid.files.contains(&real) {
                continue;
            }
            if self
                .yield_to
                .iter()
                .any(|(inc, exc)| Self::matches(inc, exc, &path))
            {
                continue;
            }
            match kind {
                None => w.found.push(path),
                Some(kind) => w.special.push(Special {
                    id: FileId::of(&meta),
                    path,
                    kind,
                }),
            }
        }
        w.above.pop();
    }
}

/// A matching file discovery does not follow because it is no regular file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Special {
    pub path: PathBuf,
    pub id: FileId,
    /// What it is, for the warning: `FIFO`, `socket`, `character device`, `block device`.
    pub kind: &'static str,
}

/// What one [`Discovery::walk`] carries down the tree.
struct Walk<'a> {
    avoid: &'a Avoid,
    /// Directories being walked (device, inode): a link back to one is not entered.
    above: &'a mut Vec<(u64, u64)>,
    found: &'a mut Vec<PathBuf>,
    special: &'a mut Vec<Special>,
}

/// The kind of a file that is neither a regular file nor a directory.
fn special_kind(meta: &fs::Metadata) -> Option<&'static str> {
    use std::os::unix::fs::FileTypeExt;
    let ft = meta.file_type();
    if ft.is_fifo() {
        Some("FIFO")
    } else if ft.is_socket() {
        Some("socket")
    } else if ft.is_char_device() {
        Some("character device")
    } else if ft.is_block_device() {
        Some("block device")
    } else {
        None
    }
}

/// Glob sets compiled to one DFA over path bytes, to decide questions about every path a
/// set can match (see [`reach_under`], [`overlap`]).
struct PathDfa {
    dfa: dense::DFA<Vec<u32>>,
}

/// Largest automaton built for a question about globs.
const DFA_LIMIT: usize = 4 << 20;

/// Explored product states before giving up (globs compile to small automata; this bounds a
/// pathological pattern).
const REACH_LIMIT: usize = 200_000;

impl PathDfa {
    /// `None` for no patterns, or when the automaton would be too large.
    fn new(patterns: &[String]) -> Result<Option<Self>, GlobError> {
        if patterns.is_empty() {
            return Ok(None);
        }
        let regexes: Vec<String> = patterns
            .iter()
            .map(|p| compile(p).map(|g| g.regex().to_string()))
            .collect::<Result<_, _>>()?;
        // Beyond the size limit the question is left undecided (`None`): the run-time guard
        // in `discover` still holds.
        let dfa = dense::Builder::new()
            .configure(
                dense::Config::new()
                    .match_kind(MatchKind::All)
                    .start_kind(StartKind::Anchored)
                    .dfa_size_limit(Some(DFA_LIMIT))
                    .determinize_size_limit(Some(DFA_LIMIT)),
            )
            .syntax(syntax::Config::new().unicode(false).utf8(false))
            .thompson(thompson::Config::new().utf8(false))
            .build_many(&regexes)
            .ok();
        Ok(dfa.map(|dfa| PathDfa { dfa }))
    }

    fn start(&self) -> StateID {
        self.dfa
            .start_state(&start::Config::new().anchored(Anchored::Yes))
            .expect("anchored start state")
    }

    fn accepts_at_end(&self, s: StateID) -> bool {
        self.dfa.is_match_state(self.dfa.next_eoi_state(s))
    }
}

/// Bytes in the order the search tries them, so examples read like paths. Not `\n` (and not
/// NUL, which no path holds): globset's `**` does not match it where `*` does, so a newline in a
/// file name would make every `<dir>/**` exclude look leaky.
fn byte_order() -> impl Iterator<Item = u8> {
    let plain = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit() || b".-_/".contains(b);
    (b'a'..=b'z')
        .chain(b'0'..=b'9')
        .chain([b'.', b'_', b'-', b'/'])
        .chain((1..=255u8).filter(move |b| !plain(b) && *b != b'\n'))
}

/// The shortest path starting with `prefix` that every automaton of `all` accepts and `none`
/// (if any) rejects, and that can name a file (something after the prefix, no trailing `/`);
/// `None` if there is none.
fn search(prefix: &[u8], all: &[&PathDfa], none: Option<&PathDfa>) -> Option<Vec<u8>> {
    // (automaton states, whether the path so far can name a file)
    type State = (Vec<StateID>, bool);
    let dfas: Vec<&PathDfa> = all.iter().copied().chain(none).collect();
    let mut states: Vec<StateID> = dfas.iter().map(|d| d.start()).collect();
    for &b in prefix {
        for (s, d) in states.iter_mut().zip(&dfas) {
            *s = d.dfa.next_state(*s, b);
        }
    }
    let dead = |st: &[StateID]| all.iter().zip(st).any(|(d, &s)| d.dfa.is_dead_state(s));
    if dead(&states) {
        return None;
    }
    let first: State = (states, false);
    let mut seen: HashMap<State, Option<(State, u8)>> = HashMap::new();
    let mut queue = std::collections::VecDeque::new();
    seen.insert(first.clone(), None);
    queue.push_back(first);
    while let Some(st) = queue.pop_front() {
        let (states, names_file) = &st;
        let accepted = *names_file
            && all.iter().zip(states).all(|(d, &s)| d.accepts_at_end(s))
            && none.map_or(true, |n| !n.accepts_at_end(states[all.len()]));
        if accepted {
            let mut bytes = Vec::new();
            let mut cur = st;
            while let Some(Some((parent, b))) = seen.get(&cur) {
                bytes.push(*b);
                cur = parent.clone();
            }
            bytes.reverse();
            let mut path = prefix.to_vec();
            path.extend(bytes);
            return Some(path);
        }
        if seen.len() > REACH_LIMIT {
            return None;
        }
        for b in byte_order() {
            let next_states: Vec<StateID> = states
                .iter()
                .zip(&dfas)
                .map(|(&s, d)| d.dfa.next_state(s, b))
                .collect();
            if dead(&next_states) {
                continue;
            }
            let next = (next_states, b != b'/');
            if seen.contains_key(&next) {
                continue;
            }
            seen.insert(next.clone(), Some((st.clone(), b)));
            queue.push_back(next);
        }
    }
    None
}

/// A path under `dir` that `include` matches and no full-path `exclude` pattern does, if any:
/// the source would read files there. Excludes by file name alone are not considered (the
/// answer errs towards "yes").
pub fn reach_under(
    include: &[String],
    exclude: &[String],
    dir: &Path,
) -> Result<Option<PathBuf>, GlobError> {
    use std::os::unix::ffi::{OsStrExt, OsStringExt};
    let Some(inc) = PathDfa::new(include)? else {
        return Ok(None);
    };
    let full_path_excludes: Vec<String> = exclude
        .iter()
        .filter(|e| e.contains('/'))
        .cloned()
        .collect();
    let exc = PathDfa::new(&full_path_excludes)?;
    let mut prefix = lexical(dir).into_os_string().into_vec();
    if prefix.last() != Some(&b'/') {
        prefix.push(b'/');
    }
    Ok(search(&prefix, &[&inc], exc.as_ref())
        .map(|p| PathBuf::from(std::ffi::OsStr::from_bytes(&p))))
}

/// A path both glob sets match, if any (their excludes aside).
pub fn overlap(a: &[String], b: &[String]) -> Result<Option<PathBuf>, GlobError> {
    use std::os::unix::ffi::OsStrExt;
    let (Some(a), Some(b)) = (PathDfa::new(a)?, PathDfa::new(b)?) else {
        return Ok(None);
    };
    Ok(search(b"", &[&a, &b], None).map(|p| PathBuf::from(std::ffi::OsStr::from_bytes(&p))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn root_is_the_literal_prefix() {
        assert_eq!(
            root_of("/var/log/app/*.log"),
            Root {
                dir: "/var/log/app".into(),
                depth: Some(1)
            }
        );
        assert_eq!(
            root_of("/var/log/*/x.log"),
            Root {
                dir: "/var/log".into(),
                depth: Some(2)
            }
        );
        assert_eq!(
            root_of("/var/log/**/*.log"),
            Root {
                dir: "/var/log".into(),
                depth: None
            }
        );
        assert_eq!(
            root_of("/var/log/app.log"),
            Root {
                dir: "/var/log".into(),
                depth: Some(1)
            }
        );
    }

    #[test]
    fn include_minus_exclude_by_name_and_by_path() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        fs::create_dir_all(d.join("app/old")).unwrap();
        for f in [
            "app/a.log",
            "app/b.log",
            "app/b.log.gz",
            "app/c.txt",
            "app/old/x.log",
            "app/skip.log",
        ] {
            fs::write(d.join(f), b"x\n").unwrap();
        }
        let inc = s(&[
            &format!("{}/app/*.log", d.display()),
            &format!("{}/app/**/*.log*", d.display()),
        ]);
        let exc = s(&["*.gz", &format!("{}/app/skip.log", d.display())]);
        let disc = Discovery::new(&inc, &exc).unwrap();
        let got: Vec<_> = disc
            .discover()
            .into_iter()
            .map(|p| p.strip_prefix(d).unwrap().to_path_buf())
            .collect();
        assert_eq!(
            got,
            vec![
                PathBuf::from("app/a.log"),
                "app/b.log".into(),
                "app/old/x.log".into()
            ]
        );
    }

    #[test]
    fn star_does_not_cross_directories() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("sub")).unwrap();
        fs::write(dir.path().join("sub/a.log"), b"x\n").unwrap();
        let disc = Discovery::new(&s(&[&format!("{}/*.log", dir.path().display())]), &[]).unwrap();
        assert!(disc.discover().is_empty());
    }

    #[test]
    fn directory_created_after_start_is_found_on_rescan() {
        let dir = tempfile::tempdir().unwrap();
        let later = dir.path().join("later");
        let disc = Discovery::new(&s(&[&format!("{}/*.log", later.display())]), &[]).unwrap();
        assert!(disc.discover().is_empty());
        fs::create_dir(&later).unwrap();
        fs::write(later.join("a.log"), b"x\n").unwrap();
        assert_eq!(disc.discover(), vec![later.join("a.log")]);
    }

    #[test]
    fn reach_under_finds_a_path_the_globs_match_below_a_dir() {
        let r = |inc: &[&str], exc: &[&str], dir: &str| {
            reach_under(&s(inc), &s(exc), Path::new(dir)).unwrap()
        };
        assert_eq!(
            r(&["/var/log/**"], &[], "/var/log/scrubbed/app"),
            Some(PathBuf::from("/var/log/scrubbed/app/a"))
        );
        assert!(
            r(&["/var/log/*/*.log"], &[], "/var/log/scrubbed/app").is_none(),
            "too shallow for two more levels"
        );
        assert!(r(&["/var/log/*/*.log"], &[], "/var/log/scrubbed")
            .unwrap()
            .starts_with("/var/log/scrubbed"));
        assert!(r(&["/var/log/app/*.log"], &[], "/var/log/scrubbed/app").is_none());
        assert!(
            r(
                &["/var/log/**/*.log"],
                &["/var/log/scrubbed/**"],
                "/var/log/scrubbed/app"
            )
            .is_none(),
            "excluded"
        );
        assert!(r(
            &["/var/log/**/*.log"],
            &["/var/log/other/**"],
            "/var/log/scrubbed/app"
        )
        .is_some());
        assert!(
            r(&["logs/**"], &[], "./logs/./out/../out/app").is_some(),
            "compared lexically"
        );
    }

    #[test]
    fn overlap_finds_a_path_two_sources_both_match() {
        let o = |a: &[&str], b: &[&str]| overlap(&s(a), &s(b)).unwrap();
        assert_eq!(o(&["/l/*.log"], &["/l/*"]), Some(PathBuf::from("/l/.log")));
        assert!(o(&["/l/*.log"], &["/l/*.txt"]).is_none());
        assert!(o(&["/l/a/*"], &["/l/*/x"]).is_some());
    }

    #[test]
    fn common_root_of_several_globs() {
        let d = Discovery::new(&s(&["/var/log/app/*.log", "/var/log/web/**/*.log"]), &[]).unwrap();
        assert_eq!(d.common_root(), PathBuf::from("/var/log"));
        let d = Discovery::new(&s(&["/var/log/app/*.log", "/var/log/app/*.log.1"]), &[]).unwrap();
        assert_eq!(d.common_root(), PathBuf::from("/var/log/app"));
    }

    #[test]
    fn bad_glob_names_the_pattern() {
        let err = Discovery::new(&s(&["/var/log/[.log"]), &[]).unwrap_err();
        assert!(err.to_string().contains("/var/log/[.log"), "{err}");
    }
}
