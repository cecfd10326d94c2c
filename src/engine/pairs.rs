//! The byte-pair pass of the keyword search (`ruleset`): every position of a lower-cased block
//! where one of the 2-byte keywords (vendor token prefixes such as `gh`, `xo`, `k-`) starts.
//!
//! The set is a bitmap over all 65,536 byte pairs. Looking it up at every position was ~15 %
//! of the filter's instructions on the realistic bench mix, for hits at 0.1 % of positions.
//! With AVX2, a Teddy-like filter comes first: the pairs are put into 8 buckets by first byte,
//! and for each bucket a nibble table tells whether a byte can be a first (or a second) byte
//! of one of its pairs. Per 32 positions that is four table shuffles and a compare; only
//! positions where some bucket accepts both bytes (a few %) are looked up in the bitmap.

/// A set of byte pairs, searched for in a block.
#[derive(Debug)]
pub(crate) struct PairSet {
    /// One bit per byte pair (`first << 8 | second`).
    bits: Box<[u64; 1024]>,
    /// The AVX2 prefilter's tables, when the CPU has AVX2.
    simd: Option<Nibbles>,
}

/// Per nibble value, the buckets (one bit each) whose first / second bytes have that low or
/// high nibble; each table twice, for both 128-bit lanes of a shuffle.
#[derive(Debug, Clone, Copy)]
struct Nibbles {
    first_lo: [u8; 32],
    first_hi: [u8; 32],
    second_lo: [u8; 32],
    second_hi: [u8; 32],
}

impl PairSet {
    /// `freq[b]`: how common byte `b` is in logs (any scale), to keep common first bytes apart
    /// and common second bytes out of busy buckets.
    pub(crate) fn new(pairs: &[[u8; 2]], freq: &[f64; 256]) -> PairSet {
        let mut bits = Box::new([0u64; 1024]);
        for &[a, b] in pairs {
            let pair = (a as usize) << 8 | b as usize;
            bits[pair >> 6] |= 1 << (pair & 63);
        }
        PairSet {
            simd: Self::avx2().then(|| Nibbles::build(pairs, freq)),
            bits,
        }
    }

    fn avx2() -> bool {
        #[cfg(target_arch = "x86_64")]
        {
            std::arch::is_x86_feature_detected!("avx2")
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            false
        }
    }

    /// The same set without the AVX2 filter (to test the plain path on any CPU).
    #[cfg(test)]
    fn plain(mut self) -> PairSet {
        self.simd = None;
        self
    }

    fn contains(&self, pair: usize) -> bool {
        self.bits[pair >> 6] >> (pair & 63) & 1 != 0
    }

    /// Calls `f(i, pair)` for every `i`, in increasing order, where `block[i..i + 2]` is in
    /// the set (`pair` = `block[i] << 8 | block[i + 1]`).
    pub(crate) fn for_each(&self, block: &[u8], mut f: impl FnMut(usize, usize)) {
        let mut from = 0;
        #[cfg(target_arch = "x86_64")]
        if let Some(n) = &self.simd {
            // SAFETY: `simd` is only built when the CPU has AVX2.
            from = unsafe { self.filtered_avx2(n, block, &mut f) };
        }
        for i in from..block.len().saturating_sub(1) {
            let pair = (block[i] as usize) << 8 | block[i + 1] as usize;
            if self.contains(pair) {
                f(i, pair);
            }
        }
    }

    /// The positions up to the last full 32 (with one byte after), through the nibble filter;
    /// returns where the plain loop goes on.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn filtered_avx2(
        &self,
        n: &Nibbles,
        block: &[u8],
        f: &mut impl FnMut(usize, usize),
    ) -> usize {
        use std::arch::x86_64::*;
        let table = |t: &[u8; 32]| _mm256_loadu_si256(t.as_ptr().cast());
        let (first_lo, first_hi) = (table(&n.first_lo), table(&n.first_hi));
        let (second_lo, second_hi) = (table(&n.second_lo), table(&n.second_hi));
        let low = _mm256_set1_epi8(0x0F);
        let buckets = |v: __m256i, lo: __m256i, hi: __m256i| {
            let l = _mm256_shuffle_epi8(lo, _mm256_and_si256(v, low));
            let h = _mm256_shuffle_epi8(hi, _mm256_and_si256(_mm256_srli_epi16(v, 4), low));
            _mm256_and_si256(l, h)
        };
        let mut i = 0;
        while i + 33 <= block.len() {
            // SAFETY: both loads read 32 bytes ending at most at `i + 33 <= block.len()`.
            let a = _mm256_loadu_si256(block.as_ptr().add(i).cast());
            let b = _mm256_loadu_si256(block.as_ptr().add(i + 1).cast());
            let both = _mm256_and_si256(
                buckets(a, first_lo, first_hi),
                buckets(b, second_lo, second_hi),
            );
            let none = _mm256_cmpeq_epi8(both, _mm256_setzero_si256());
            let mut candidates = !(_mm256_movemask_epi8(none) as u32);
            while candidates != 0 {
                let at = i + candidates.trailing_zeros() as usize;
                candidates &= candidates - 1;
                let pair = (block[at] as usize) << 8 | block[at + 1] as usize;
                if self.contains(pair) {
                    f(at, pair);
                }
            }
            i += 32;
        }
        i
    }
}

impl Nibbles {
    /// Put each distinct first byte into one of 8 buckets, greedily, where it adds the least
    /// expected false candidates (how common the bytes a bucket's tables accept as first
    /// bytes are, times the same for second bytes); then spell the buckets as nibble tables.
    fn build(pairs: &[[u8; 2]], freq: &[f64; 256]) -> Nibbles {
        let mut firsts: Vec<u8> = pairs.iter().map(|p| p[0]).collect();
        firsts.sort_unstable();
        firsts.dedup();
        firsts.sort_by(|&a, &b| freq[b as usize].total_cmp(&freq[a as usize]));
        let seconds = |a: u8| pairs.iter().filter(move |p| p[0] == a).map(|p| p[1]);
        let mut bucket_first = [[false; 256]; 8];
        let mut bucket_second = [[false; 256]; 8];
        // What the nibble tables accept for a bucket is every byte whose low and high nibbles
        // both occur in its set: weigh that, not the set.
        let weight = |set: &[bool; 256]| -> f64 {
            let (mut lo, mut hi) = ([false; 16], [false; 16]);
            for b in (0..256).filter(|&b| set[b]) {
                (lo[b & 15], hi[b >> 4]) = (true, true);
            }
            (0..256)
                .filter(|&b| lo[b & 15] && hi[b >> 4])
                .map(|b| freq[b])
                .sum::<f64>()
        };
        for &a in &firsts {
            let mut best = (f64::INFINITY, 0);
            for k in 0..8 {
                let before = weight(&bucket_first[k]) * weight(&bucket_second[k]);
                let (mut f, mut s) = (bucket_first[k], bucket_second[k]);
                f[a as usize] = true;
                seconds(a).for_each(|b| s[b as usize] = true);
                let cost = weight(&f) * weight(&s) - before;
                if cost < best.0 {
                    best = (cost, k);
                }
            }
            bucket_first[best.1][a as usize] = true;
            seconds(a).for_each(|b| bucket_second[best.1][b as usize] = true);
        }
        let tables = |sets: &[[bool; 256]; 8]| {
            let (mut lo, mut hi) = ([0u8; 32], [0u8; 32]);
            for (k, set) in sets.iter().enumerate() {
                for b in (0..256).filter(|&b| set[b]) {
                    for lane in [0, 16] {
                        lo[lane + (b & 15)] |= 1 << k;
                        hi[lane + (b >> 4)] |= 1 << k;
                    }
                }
            }
            (lo, hi)
        };
        let (first_lo, first_hi) = tables(&bucket_first);
        let (second_lo, second_hi) = tables(&bucket_second);
        Nibbles {
            first_lo,
            first_hi,
            second_lo,
            second_hi,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    fn naive(pairs: &[[u8; 2]], block: &[u8]) -> Vec<usize> {
        (0..block.len().saturating_sub(1))
            .filter(|&i| pairs.contains(&[block[i], block[i + 1]]))
            .collect()
    }

    /// Both paths find every position of every pair, in order, at every block length and
    /// alignment around the 32-byte steps, on text, on random bytes (non-ASCII nibbles) and on
    /// blocks dense with pairs.
    #[test]
    fn finds_exactly_the_pairs() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let freq = [1.0; 256];
        for round in 0..200 {
            let n = rng.random_range(1..80);
            let pairs: Vec<[u8; 2]> = (0..n)
                .map(|_| match round % 3 {
                    0 => [rng.random_range(b'a'..=b'z'), rng.random_range(b'-'..=b'z')],
                    1 => [rng.random(), rng.random()],
                    _ => [rng.random_range(b'a'..=b'd'), rng.random_range(b'a'..=b'd')],
                })
                .collect();
            let len = rng.random_range(0..200);
            let block: Vec<u8> = (0..len)
                .map(|_| match round % 3 {
                    0 => rng.random_range(b' '..=b'z'),
                    1 => rng.random(),
                    _ => rng.random_range(b'a'..=b'e'),
                })
                .collect();
            let want = naive(&pairs, &block);
            for set in [
                PairSet::new(&pairs, &freq),
                PairSet::new(&pairs, &freq).plain(),
            ] {
                for start in [0, 1, 31, 32, 33] {
                    let part = &block[start.min(block.len())..];
                    let mut got = Vec::new();
                    set.for_each(part, |i, pair| {
                        assert_eq!(pair, (part[i] as usize) << 8 | part[i + 1] as usize);
                        got.push(i)
                    });
                    assert_eq!(got, naive(&pairs, part), "round {round}");
                }
            }
            assert!(want.windows(2).all(|w| w[0] < w[1]));
        }
    }

    #[test]
    fn the_avx2_filter_is_built_where_the_cpu_has_it() {
        let set = PairSet::new(&[*b"gh"], &[1.0; 256]);
        assert_eq!(set.simd.is_some(), PairSet::avx2());
    }
}
