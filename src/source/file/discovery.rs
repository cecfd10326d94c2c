//! Discovery: which files the `include` globs name right now, minus the `exclude` globs.
//!
//! Each include pattern is split into a literal root directory (its leading components without
//! glob characters) and the rest; only the root is walked, only as deep as the pattern can
//! reach (unlimited with `**`). Matching is against the full path with `*` not crossing `/`.
//! Excludes are matched against the file name and against the full path, so both `*.gz` and
//! `/var/log/app/old/*` work. A root that does not exist yet is simply empty: it is walked
//! again on the next rescan.

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};
use std::fs;
use std::path::{Component, Path, PathBuf};

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

/// Compiled include/exclude globs and the roots to walk.
#[derive(Debug)]
pub struct Discovery {
    roots: Vec<Root>,
    include: GlobSet,
    exclude: GlobSet,
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

impl Discovery {
    /// Compile the globs of one source.
    pub fn new(include: &[String], exclude: &[String]) -> Result<Self, GlobError> {
        let mut inc = GlobSetBuilder::new();
        let mut roots: Vec<Root> = Vec::new();
        for p in include {
            inc.add(compile(p)?);
            let r = root_of(p);
            if !roots.contains(&r) {
                roots.push(r);
            }
        }
        let mut exc = GlobSetBuilder::new();
        for p in exclude {
            exc.add(compile(p)?);
        }
        let err = |e: globset::Error| GlobError {
            pattern: e.glob().unwrap_or("").to_string(),
            reason: e.kind().to_string(),
        };
        Ok(Discovery {
            roots,
            include: inc.build().map_err(err)?,
            exclude: exc.build().map_err(err)?,
        })
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

    /// Whether `path` is included and not excluded.
    pub fn is_match(&self, path: &Path) -> bool {
        self.include.is_match(path)
            && !self.exclude.is_match(path)
            && !path
                .file_name()
                .is_some_and(|n| self.exclude.is_match(Path::new(n)))
    }

    /// Every regular file (or symlink to one) matching now, sorted, without duplicates.
    pub fn discover(&self) -> Vec<PathBuf> {
        let mut found = Vec::new();
        for r in &self.roots {
            self.walk(&r.dir, r.depth, &mut found);
        }
        found.sort();
        found.dedup();
        found
    }

    fn walk(&self, dir: &Path, depth: Option<usize>, found: &mut Vec<PathBuf>) {
        if depth == Some(0) {
            return;
        }
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(ft) = entry.file_type() else { continue };
            // Real directories only: following symlinked directories could loop under `**`.
            if ft.is_dir() {
                self.walk(&path, depth.map(|d| d - 1), found);
            } else if fs::metadata(&path).is_ok_and(|m| m.is_file()) && self.is_match(&path) {
                found.push(path);
            }
        }
    }
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
