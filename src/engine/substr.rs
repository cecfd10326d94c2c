//! Occurrences of a needle that changes per call (a secret's bytes, a rule's key) in one line.
//!
//! `memchr::memmem::find_iter` builds a searcher on every call (rare-byte ranking, Rabin-Karp
//! hash, SIMD pair): thousands of instructions, more than searching a log line costs. The
//! engine calls it per span and per key, so [`find_iter`] first walks the candidates of the
//! rarest byte among the needle's first 16 (by memchr's byte-frequency ranking: `J` in
//! `eyJ…`, not `e`) and compares in place; only when they turn out many does it build the
//! memmem searcher for the rest, so the cost stays linear whatever the input.

/// Candidates tried in place before the rest of the haystack goes to memmem.
const TRIES: usize = 16;

/// Start of every non-overlapping occurrence of `needle` in `hay`, leftmost first: the same
/// positions as `memchr::memmem::find_iter(hay, needle)`.
pub(crate) fn find_iter<'a>(hay: &'a [u8], needle: &'a [u8]) -> FindIter<'a> {
    // Ranking costs more than it saves on a short needle (a key); a long one (a token) is
    // where the first byte is a poor choice and memmem's searcher the most costly to build.
    let rare = match needle.get(..16) {
        Some(head) => {
            memchr::arch::all::packedpair::Pair::new(head).map_or(0, |p| usize::from(p.index1()))
        }
        None => 0,
    };
    FindIter {
        hay,
        needle,
        rare,
        at: 0,
        tries: 0,
        // The empty needle matches everywhere: memmem's answer, kept for the contract.
        rest: needle
            .is_empty()
            .then(|| memchr::memmem::find_iter(hay, needle)),
    }
}

/// Start of the first occurrence of `needle` in `hay`: `memchr::memmem::find`'s answer.
pub(crate) fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    find_iter(hay, needle).next()
}

pub(crate) struct FindIter<'a> {
    hay: &'a [u8],
    needle: &'a [u8],
    /// Index in `needle` of the byte whose occurrences are the candidates.
    rare: usize,
    /// Where the in-place search goes on.
    at: usize,
    tries: usize,
    /// The memmem search of `hay[at..]` once the candidates were many.
    rest: Option<memchr::memmem::FindIter<'a, 'a>>,
}

impl Iterator for FindIter<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        if let Some(rest) = &mut self.rest {
            return rest.next().map(|p| self.at + p);
        }
        let (off, byte) = (self.rare, self.needle[self.rare]);
        loop {
            if self.tries == TRIES {
                let rest = self.rest.insert(memchr::memmem::find_iter(
                    self.hay.get(self.at..).unwrap_or_default(),
                    self.needle,
                ));
                return rest.next().map(|p| self.at + p);
            }
            // A candidate byte at `q` is an occurrence starting at `q - off`.
            let from = self.at + off;
            let p = from + memchr::memchr(byte, self.hay.get(from..)?)? - off;
            if self.hay.len() - p < self.needle.len() {
                self.at = self.hay.len();
                return None;
            }
            self.tries += 1;
            if self.hay[p..].starts_with(self.needle) {
                self.at = p + self.needle.len();
                return Some(p);
            }
            self.at = p + 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn both(hay: &[u8], needle: &[u8]) {
        let want: Vec<usize> = memchr::memmem::find_iter(hay, needle).collect();
        let got: Vec<usize> = find_iter(hay, needle).collect();
        assert_eq!(
            got,
            want,
            "{:?} in {:?}",
            String::from_utf8_lossy(needle),
            String::from_utf8_lossy(hay)
        );
    }

    #[test]
    fn same_positions_as_memmem() {
        both(b"", b"ab");
        both(b"a", b"ab");
        both(b"ab", b"ab");
        both(b"aaaa", b"aa");
        both(b"abababab", b"abab");
        both(b"token=s3cr3t token=s3cr3t", b"s3cr3t");
        both(b"abc", b"");
        // The candidate byte inside the needle, and near both ends of the haystack.
        both(b"eyJeyJhbGcieyJ", b"eyJ");
        both(b"Jeee eyJx eyJx", b"eyJx");
        both(b"yJx", b"eyJx");
        // Past the in-place tries: many first-byte candidates, matches before and after.
        let many = [
            &b"x".repeat(3 * TRIES)[..],
            b"xy",
            &b"x".repeat(3 * TRIES),
            b"xyxy",
        ]
        .concat();
        both(&many, b"xy");
        both(&many, b"xyx");
        both(&many, b"xx");
        // Random text over a small alphabet: candidates, partial and overlapping matches.
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..2000 {
            let hay: Vec<u8> = (0..next() % 200)
                .map(|_| b"ab\n"[(next() % 3) as usize])
                .collect();
            let needle: Vec<u8> = (0..1 + next() % 5)
                .map(|_| b"ab"[(next() % 2) as usize])
                .collect();
            both(&hay, &needle);
        }
        // Long needles (candidates from a byte inside): copies, cut copies and noise around.
        for _ in 0..2000 {
            let needle: Vec<u8> = (0..16 + next() % 8)
                .map(|_| b"abJ"[(next() % 3) as usize])
                .collect();
            let mut hay = Vec::new();
            for _ in 0..next() % 8 {
                match next() % 3 {
                    0 => hay.extend_from_slice(&needle),
                    1 => hay.extend_from_slice(&needle[(next() % 16) as usize..]),
                    _ => hay.extend((0..next() % 20).map(|_| b"abJ"[(next() % 3) as usize])),
                }
            }
            both(&hay, &needle);
        }
    }
}
