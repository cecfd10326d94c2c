//! What the engine is handed, read from disk: rule files from directories and the hash-mode
//! key. The engine does no I/O (it takes texts and bytes); the CLI, the daemon and the Lambda
//! entry all load through here, so they read the same files the same way.

use std::path::{Path, PathBuf};

use crate::engine::{self, LoadOptions, Mode, RuleSet};

/// A rule file or key that could not be read, or rules the engine refused.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{path}: {reason}")]
    Io { path: String, reason: String },
    #[error(transparent)]
    Engine(#[from] engine::Error),
}

/// Every `*.toml` file of each dir in turn (sorted by name within a dir), as `(origin, text)`.
pub fn read_rule_dirs(dirs: &[PathBuf]) -> Result<Vec<(String, String)>, LoadError> {
    let mut files = Vec::new();
    for dir in dirs {
        let io = |e: std::io::Error| LoadError::Io {
            path: dir.display().to_string(),
            reason: e.to_string(),
        };
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(io)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        paths.sort();
        for p in paths {
            let bytes = std::fs::read(&p).map_err(|e| LoadError::Io {
                path: p.display().to_string(),
                reason: e.to_string(),
            })?;
            let text = String::from_utf8(bytes).map_err(|e| {
                let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
                // The text up to the bad byte is UTF-8: count its lines and characters.
                let valid = std::str::from_utf8(valid).unwrap_or_default();
                let line = valid.matches('\n').count() + 1;
                let col = valid.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                LoadError::Io {
                    path: format!("{}:{line}:{col}", p.display()),
                    reason: "not UTF-8 (rule files are UTF-8 TOML)".into(),
                }
            })?;
            files.push((p.display().to_string(), text));
        }
    }
    Ok(files)
}

/// The built-in rules (unless `no_builtin`) plus the rule files in `dirs`, minus `disable`.
pub fn load_rules(
    no_builtin: bool,
    dirs: &[PathBuf],
    disable: &[String],
    skip_coverage_proof: bool,
) -> Result<RuleSet, LoadError> {
    Ok(RuleSet::load(&LoadOptions {
        no_builtin,
        files: read_rule_dirs(dirs)?,
        disable: disable.to_vec(),
        skip_coverage_proof,
    })?)
}

/// Hash mode keyed from the file at `path` (a trailing newline is ignored). The error names the
/// file, never the key.
pub fn key_file_mode(path: &Path) -> Result<Mode, LoadError> {
    let key = std::fs::read(path).map_err(|e| LoadError::Io {
        path: path.display().to_string(),
        reason: format!("reading fingerprint key: {e}"),
    })?;
    Mode::hash(&key).map_err(|e| LoadError::Io {
        path: path.display().to_string(),
        reason: e.to_string(),
    })
}
