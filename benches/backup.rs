//! Backup throughput against raw AES-256-GCM of the same build, measured
//! in the same run (issue 6; issue 7 collects the figures).
//!
//! `cargo bench --bench backup` backs up 64 MiB of JSON records;
//! `cargo bench --bench backup -- 1024` (or `EHRCRYPT_BENCH_MB=1024`) does
//! 1 GiB. It prints MB/s for raw AES-256-GCM (64 KiB chunks, in memory,
//! one thread), `backup create` and `emergency decrypt` (files on disk,
//! fsync included), their ratio to raw, and the process's peak RSS.
//! No assertion: a benchmark reports, it does not pass or fail.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::time::Instant;

use aes_gcm::aead::{AeadInOut, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};

use ehrcrypt::backup::{self, stream, CreateOptions, OpenOptions, OutputMode, SignerChoice};
use ehrcrypt::owner::OwnerId;
use ehrcrypt::passphrase::PassphraseSource;
use ehrcrypt::session::Session;

const MIB: u64 = 1 << 20;
/// Records are written as files of this size (streamed, not parsed).
const FILE_MB: u64 = 64;

fn mb_s(bytes: u64, secs: f64) -> f64 {
    bytes as f64 / secs / 1e6
}

/// Raw AES-256-GCM over `total` bytes in 64 KiB chunks, reusing a 16 MiB
/// buffer so that memory stays small.
fn raw_aes_gcm(total: u64) -> f64 {
    let cipher = Aes256Gcm::new(&[7u8; 32].into());
    let mut buf = vec![0x5au8; (16 * MIB) as usize];
    let mut done = 0u64;
    let mut counter = 0u64;
    let t = Instant::now();
    while done < total {
        for chunk in buf.chunks_mut(64 * 1024) {
            let mut n = [0u8; 12];
            n[..8].copy_from_slice(&counter.to_be_bytes());
            counter += 1;
            let tag = cipher
                .encrypt_inout_detached(&Nonce::from(n), b"aad", chunk.into())
                .expect("chunk fits");
            std::hint::black_box(tag);
        }
        done += buf.len() as u64;
    }
    mb_s(done, t.elapsed().as_secs_f64())
}

/// `total` bytes of a repeated record, served from memory.
struct Repeat {
    left: u64,
}

impl std::io::Read for Repeat {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = (buf.len() as u64).min(self.left) as usize;
        buf[..n].fill(b'x');
        self.left -= n as u64;
        Ok(n)
    }
}

/// The streaming construction alone (chunking, AES-256-GCM, SHA-256,
/// threads), memory to memory: what the backup format itself costs.
fn pipeline_only(total: u64) -> f64 {
    let z = ehrcrypt::crypto::SymmetricKey::generate();
    let t = Instant::now();
    stream::encrypt(
        &z,
        &[0; 16],
        "bench",
        stream::DEFAULT_CHUNK_SIZE,
        &mut Repeat { left: total },
        &mut std::io::sink(),
        &mut |_| {},
    )
    .map_err(|_| "stream")
    .expect("stream encrypt");
    mb_s(total, t.elapsed().as_secs_f64())
}

/// JSON records: `total` bytes in files of at most FILE_MB MiB each.
fn make_records(dir: &Path, total: u64) -> u64 {
    fs::create_dir_all(dir).expect("records dir");
    let record = br#"{"resourceType":"Observation","status":"final","code":{"text":"creatinine"},"valueQuantity":{"value":1.1,"unit":"mg/dL"},"note":"stable, no change in medication"},"#;
    let files = total.div_ceil(FILE_MB * MIB).max(1);
    let mut written = 0u64;
    for i in 0..files {
        let size = total / files;
        let mut f = std::io::BufWriter::new(
            fs::File::create(dir.join(format!("records-{i:04}.json"))).expect("create"),
        );
        f.write_all(b"[").expect("write");
        let mut n = 1u64;
        while n + record.len() as u64 + 3 <= size {
            f.write_all(record).expect("write");
            n += record.len() as u64;
        }
        f.write_all(b"{}]").expect("write");
        f.flush().expect("flush");
        written += n + 3;
    }
    written
}

fn peak_rss_mb() -> Option<f64> {
    let s = fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn main() {
    let mb: u64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .or_else(|| std::env::var("EHRCRYPT_BENCH_MB").ok()?.parse().ok())
        .unwrap_or(64);
    let total = mb * MIB;
    // tmpfs by default: the figure is the pipeline's, not the disk's (a
    // virtual disk that fsyncs at 270 MB/s would be all this measures).
    // EHRCRYPT_BENCH_DIR=/some/disk/dir measures durable writes there.
    let base = std::env::var_os("EHRCRYPT_BENCH_DIR")
        .map(std::path::PathBuf::from)
        .or_else(|| Some(Path::new("/dev/shm").to_path_buf()).filter(|p| p.is_dir()))
        .unwrap_or_else(std::env::temp_dir);
    let work = tempfile::tempdir_in(&base).expect("tempdir");
    let ks = work.path().join("P.keystore.json");
    fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/keys/P.keystore.json"),
        &ks,
    )
    .expect("fixture keystore");
    let records = work.path().join("records");
    let bytes = make_records(&records, total);
    let session =
        Session::open(&ks, PassphraseSource::fixed("test-only-passphrase")).expect("session");
    let p = OwnerId::new("P").expect("id");
    // Unlock the key outside the timing: scrypt is not what is measured.
    session
        .current_private_key(session.keystore().owner(&p).expect("P"))
        .expect("unlock");

    let raw = raw_aes_gcm(bytes);
    let pipeline = pipeline_only(bytes);

    let bucket = work.path().join("bucket");
    let t = Instant::now();
    let created = backup::create(
        &session,
        &p,
        std::slice::from_ref(&records),
        &bucket,
        &CreateOptions::default(),
        &mut |_| {},
    )
    .expect("backup create");
    let create_secs = t.elapsed().as_secs_f64();

    let out = work.path().join("out");
    let t = Instant::now();
    let opts = OpenOptions {
        signer: SignerChoice::Auto,
        keystore: Some(session.keystore()),
        no_verify: false,
    };
    let opened = backup::open(&bucket, created.card, &opts).expect("open");
    let released = opened
        .decrypt_to(&out, OutputMode::Plain, &mut |_| Ok(()), &mut |_| {})
        .expect("emergency decrypt");
    let decrypt_secs = t.elapsed().as_secs_f64();
    assert_eq!(released.len(), created.objects.len());

    let create = mb_s(bytes, create_secs);
    let decrypt = mb_s(bytes, decrypt_secs);
    println!(
        "backup benchmark: {} MiB of JSON records in {} file(s), in {}",
        bytes / MIB,
        created.objects.len(),
        base.display()
    );
    println!("raw AES-256-GCM (1 thread, in memory): {raw:8.0} MB/s");
    println!(
        "stream encrypt (memory to memory):     {pipeline:8.0} MB/s  ratio {:.2}",
        pipeline / raw
    );
    println!(
        "backup create (files, fsync):          {create:8.0} MB/s  ratio {:.2}",
        create / raw
    );
    println!(
        "emergency decrypt (files, fsync):      {decrypt:8.0} MB/s  ratio {:.2}",
        decrypt / raw
    );
    if let Some(rss) = peak_rss_mb() {
        println!("peak RSS of this process:              {rss:8.1} MB");
    }
}
