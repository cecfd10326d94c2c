//! File source (in progress).
