//! The raw AES-256-GCM rate of this build: what "as fast as the cipher"
//! means in every ratio.

use rayon::prelude::*;

use super::{fmt3, mb_per_s, repeat, timed, Opts};
use ehrcrypt::crypto::{Context, SymmetricKey};

/// A throughput: the median and the spread of the runs.
pub struct Throughput {
    pub mb_s: f64,
    /// `min–max MB/s, n runs`.
    pub spread: String,
}

/// Bytes sealed per timed run: enough for tens of milliseconds.
const PER_RUN: usize = 64 << 20;

fn throughput(
    bytes_per_run: usize,
    warmup: usize,
    runs: usize,
    f: impl FnMut() -> f64,
) -> Throughput {
    let s = repeat(warmup, runs, f);
    Throughput {
        mb_s: mb_per_s(bytes_per_run, s.median()),
        spread: format!(
            "{}–{} MB/s, n={}",
            fmt3(mb_per_s(bytes_per_run, s.max())),
            fmt3(mb_per_s(bytes_per_run, s.min())),
            s.secs.len()
        ),
    }
}

/// `SymmetricKey::seal` on `size`-byte buffers, one thread.
pub fn seal_mb_s(size: usize, opts: Opts) -> Throughput {
    let key = SymmetricKey::generate();
    let ctx = Context::new("ehrcrypt/bench").with("aes");
    let buf = vec![0x5au8; size];
    let n = PER_RUN / size;
    throughput(n * size, 2, opts.runs(11), || {
        timed(|| {
            for _ in 0..n {
                std::hint::black_box(key.seal(&ctx, std::hint::black_box(&buf)));
            }
        })
        .1
    })
}

/// `SymmetricKey::open` on `size`-byte buffers, one thread.
pub fn open_mb_s(size: usize, opts: Opts) -> Throughput {
    let key = SymmetricKey::generate();
    let ctx = Context::new("ehrcrypt/bench").with("aes");
    let sealed = key.seal(&ctx, &vec![0x5au8; size]);
    let n = PER_RUN / size;
    throughput(n * size, 2, opts.runs(11), || {
        timed(|| {
            for _ in 0..n {
                std::hint::black_box(key.open(&ctx, std::hint::black_box(&sealed)).is_ok());
            }
        })
        .1
    })
}

/// `SymmetricKey::seal` on `size`-byte buffers on every rayon thread at once:
/// the ceiling for a bulk command that uses all cores.
pub fn seal_mb_s_all_cores(size: usize, opts: Opts) -> Throughput {
    let key = SymmetricKey::generate();
    let ctx = Context::new("ehrcrypt/bench").with("aes");
    let buf = vec![0x5au8; size];
    let n = PER_RUN / size * rayon::current_num_threads();
    throughput(n * size, 2, opts.runs(11), || {
        timed(|| {
            (0..n).into_par_iter().for_each(|_| {
                std::hint::black_box(key.seal(&ctx, std::hint::black_box(&buf)));
            })
        })
        .1
    })
}
