//! Figure 9, device to device (issue 18): pairing on loopback, and
//! streaming 1 GiB through the D2D channel against the same bytes over a
//! plain TCP socket on the same loopback, in the same run.
//!
//! Pairing is timed from the TCP connect to both sides holding the
//! other's checked, signed owner document (SPAKE2, Noise handshake, two
//! RSA-PSS signatures and verifications, the confirmations); the private
//! keys are unlocked before (figure 6 times that KDF). The transfer is
//! timed from the offer to the receiver's `RECEIVED`, with a receiver
//! that counts the bytes instead of writing them, so that the figure is
//! the channel's and not the disk's; the baseline writes the same chunks
//! to a socket and reads them back the same way.

mod common;

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use common::*;
use ehrcrypt::crypto::PrivateKey;
use ehrcrypt::d2d::transfer::{self, Sink};
use ehrcrypt::d2d::{self, FileHeader, FileKind, Item, Limits, PairingCode, Role};
use ehrcrypt::owner::{Owner, OwnerId};
use ehrcrypt::passphrase::PassphraseSource;
use ehrcrypt::session::Session;

const TIMEOUT: Duration = Duration::from_secs(60);

fn identity(who: &str) -> (Owner, Arc<PrivateKey>) {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/keys")
        .join(format!("{who}.keystore.json"));
    let s = Session::open(&p, PassphraseSource::fixed("test-only-passphrase")).expect("fixture");
    let owner = s
        .keystore()
        .local_owner(&OwnerId::new(who).expect("id"))
        .expect("local")
        .clone();
    let key = s.current_private_key(&owner).expect("unlock");
    (owner, key)
}

/// A connected pair of channels over loopback (listener, connector).
fn channels(code: &PairingCode) -> (d2d::Channel<TcpStream>, d2d::Channel<TcpStream>) {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = l.local_addr().expect("addr").to_string();
    let c = code.clone();
    let t = thread::spawn(move || d2d::connect(&addr, &c, TIMEOUT).expect("connect"));
    let (s, _) = l.accept().expect("accept");
    s.set_read_timeout(Some(TIMEOUT)).expect("timeout");
    let listener = d2d::channel::handshake(s, Role::Listener, code).expect("handshake");
    (listener, t.join().expect("connector"))
}

/// `n` bytes of a repeating pattern, produced without a buffer of size n.
struct Pattern {
    left: u64,
}

impl Read for Pattern {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let k = (buf.len() as u64).min(self.left) as usize;
        buf[..k].fill(0x5a);
        self.left -= k as u64;
        Ok(k)
    }
}

/// A receiver that counts bytes and throws them away.
struct Count(u64);

impl Sink for Count {
    fn file(&mut self, _h: &FileHeader, data: &mut dyn Read) -> ehrcrypt::Result<()> {
        let mut buf = vec![0u8; 256 << 10];
        loop {
            match data.read(&mut buf) {
                Ok(0) => return Ok(()),
                Ok(n) => self.0 += n as u64,
                Err(e) => return Err(ehrcrypt::Error::internal(e.to_string())),
            }
        }
    }
}

fn d2d_transfer(bytes: u64) -> f64 {
    let code = PairingCode::generate();
    let (mut rx, mut tx) = channels(&code);
    let receiver = thread::spawn(move || {
        let mut sink = Count(0);
        let limits = Limits {
            max_bytes: u64::MAX,
            ..Limits::default()
        };
        transfer::receive(&mut rx, limits, |_| Ok(()), &mut sink, |_, _| Ok(())).expect("receive");
        sink.0
    });
    let item = Item {
        header: FileHeader {
            name: "big.bin".into(),
            size: bytes,
            kind: FileKind::Entity,
        },
        source: Box::new(Pattern { left: bytes }),
    };
    let t = Instant::now();
    transfer::send(&mut tx, None, vec![item]).expect("send");
    let secs = t.elapsed().as_secs_f64();
    assert_eq!(receiver.join().expect("receiver"), bytes);
    secs
}

fn raw_transfer(bytes: u64) -> f64 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = l.local_addr().expect("addr");
    let receiver = thread::spawn(move || {
        let (mut s, _) = l.accept().expect("accept");
        let mut buf = vec![0u8; 256 << 10];
        let mut n = 0u64;
        loop {
            match s.read(&mut buf) {
                Ok(0) => break,
                Ok(k) => n += k as u64,
                Err(e) => panic!("read: {e}"),
            }
        }
        // Answer, as the D2D receiver does, so both stop the same way.
        s.write_all(b"k").expect("ack");
        n
    });
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_nodelay(true).expect("nodelay");
    let chunk = vec![0x5au8; d2d::channel::MAX_CHUNK];
    let t = Instant::now();
    let mut left = bytes;
    let mut src = Pattern { left: 0 };
    while left > 0 {
        let k = (chunk.len() as u64).min(left) as usize;
        // The same work of producing the bytes as the D2D sender does.
        src.left = k as u64;
        let mut buf = chunk.clone();
        src.read_exact(&mut buf[..k]).expect("pattern");
        s.write_all(&buf[..k]).expect("write");
        left -= k as u64;
    }
    s.shutdown(std::net::Shutdown::Write).expect("shutdown");
    let mut ack = [0u8; 1];
    s.read_exact(&mut ack).expect("ack");
    let secs = t.elapsed().as_secs_f64();
    assert_eq!(receiver.join().expect("receiver"), bytes);
    secs
}

fn main() {
    let opts = Opts::from_args();
    let _pressure = section("9. Device to device: pairing and streaming", "d2d", opts);
    let (a, ka) = identity("A");
    let (c, kc) = identity("C");

    progress("pairing on loopback");
    let pairing = repeat(2, opts.runs(21), || {
        let code = PairingCode::generate();
        let l = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = l.local_addr().expect("addr").to_string();
        let (c2, kc2, code2) = (c.clone(), kc.clone(), code.clone());
        let t = Instant::now();
        let conn = thread::spawn(move || {
            let mut ch = d2d::connect(&addr, &code2, TIMEOUT).expect("connect");
            d2d::pairing::exchange(&mut ch, &c2, &kc2, |_| Ok(())).expect("pair");
        });
        let (s, _) = l.accept().expect("accept");
        s.set_read_timeout(Some(TIMEOUT)).expect("timeout");
        let mut ch = d2d::channel::handshake(s, Role::Listener, &code).expect("handshake");
        d2d::pairing::exchange(&mut ch, &a, &ka, |_| Ok(())).expect("pair");
        conn.join().expect("connector");
        t.elapsed().as_secs_f64()
    });

    let bytes: u64 = if opts.quick { 128 << 20 } else { 1 << 30 };
    let runs = opts.runs(5);
    progress(format!(
        "{} MiB, raw socket and D2D channel, {runs} runs each",
        bytes >> 20
    ));
    let (mut raw, mut d2d) = (Vec::new(), Vec::new());
    raw_transfer(bytes / 8);
    d2d_transfer(bytes / 8);
    for _ in 0..runs {
        raw.push(raw_transfer(bytes));
        d2d.push(d2d_transfer(bytes));
    }
    let (raw, d2d) = (Sample { secs: raw }, Sample { secs: d2d });
    let ratio = raw.median() / d2d.median();

    let mut t = Table::new(&["measure", "median", "runs (min–max)", "target"]);
    t.row(vec![
        "pairing on loopback (SPAKE2 + Noise + signed owner documents)".into(),
        format!("**{} ms**", fmt3(pairing.median() * 1e3)),
        pairing.ms(),
        format!("< 50 ms {}", verdict(pairing.median() < 0.050)),
    ]);
    let mib = bytes as f64 / (1 << 20) as f64;
    t.row(vec![
        format!("{} MiB over a plain TCP socket (baseline)", mib),
        format!("{} MiB/s", fmt3(mib / raw.median())),
        raw.ms(),
        String::new(),
    ]);
    t.row(vec![
        format!("{} MiB through the D2D channel (`transfer::send`)", mib),
        format!("{} MiB/s", fmt3(mib / d2d.median())),
        d2d.ms(),
        String::new(),
    ]);
    t.row(vec![
        "D2D speed ÷ plain socket speed".into(),
        format!("**{}×**", fmt3(ratio)),
        String::new(),
        format!("≥ 0.8× {}", verdict(ratio >= 0.8)),
    ]);
    t.print();
}
