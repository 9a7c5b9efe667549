//! What a D2D peer sends (`pair`, `receive`). One handshake between two
//! in-memory ends is made before the loop; each input is then played by
//! the connector end as raw transport messages (`kind byte, u16le length,
//! payload`, repeated), which the listener end reads after a resync, so
//! the loop never runs SPAKE2 or X25519. The first byte picks the reader:
//! 0: `transfer::receive` (offer, file headers, data, END) into memory;
//! 1: `pairing::exchange` as owner A (signed owner document, confirm);
//! 2: the clear hello of a new handshake (`handshake` as listener on the
//!    raw bytes: what anyone who can connect reaches, before the code).
#![no_main]
use std::collections::VecDeque;
use std::io::{Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};

use libfuzzer_sys::fuzz_target;

use ehrcrypt::d2d::channel::{handshake, Channel, Role};
use ehrcrypt::d2d::code::PairingCode;
use ehrcrypt::d2d::pairing;
use ehrcrypt::d2d::transfer::{self, FileHeader, Limits, Sink};
use ehrcrypt::error::Result;
use ehrcrypt::owner::{Owner, OwnerId};
use ehrcrypt::passphrase::PassphraseSource;
use ehrcrypt::session::Session;

type Queue = Arc<(Mutex<VecDeque<u8>>, Condvar)>;

/// One end of an in-memory duplex: blocking reads during the handshake,
/// end of file on an empty queue afterwards.
struct Pipe {
    inbox: Queue,
    outbox: Queue,
    blocking: Arc<AtomicBool>,
}

impl Read for Pipe {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let (m, cv) = &*self.inbox;
        let mut q = m.lock().unwrap();
        while q.is_empty() && self.blocking.load(Ordering::SeqCst) {
            q = cv.wait(q).unwrap();
        }
        let n = buf.len().min(q.len());
        for (b, v) in buf.iter_mut().zip(q.drain(..n)) {
            *b = v;
        }
        Ok(n)
    }
}

impl Write for Pipe {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let (m, cv) = &*self.outbox;
        m.lock().unwrap().extend(buf);
        cv.notify_all();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

struct MemSink(u64);

impl Sink for MemSink {
    fn file(&mut self, header: &FileHeader, data: &mut dyn Read) -> Result<()> {
        let mut buf = Vec::new();
        data.take(header.size)
            .read_to_end(&mut buf)
            .map_err(|e| ehrcrypt::error::Error::io(std::path::Path::new("mem"), "read", e))?;
        self.0 += buf.len() as u64;
        Ok(())
    }
}

struct State {
    listener: Channel<Pipe>,
    connector: Channel<Pipe>,
    queues: (Queue, Queue),
    owner: Owner,
    key: Arc<ehrcrypt::crypto::PrivateKey>,
    code: PairingCode,
}

fn setup() -> State {
    let q = || -> Queue { Arc::new((Mutex::new(VecDeque::new()), Condvar::new())) };
    let (ab, ba) = (q(), q());
    let blocking = Arc::new(AtomicBool::new(true));
    let code = PairingCode::generate();
    let a = Pipe {
        inbox: ba.clone(),
        outbox: ab.clone(),
        blocking: blocking.clone(),
    };
    let b = Pipe {
        inbox: ab.clone(),
        outbox: ba.clone(),
        blocking: blocking.clone(),
    };
    let c2 = code.clone();
    let t = std::thread::spawn(move || handshake(a, Role::Connector, &c2).unwrap());
    let listener = handshake(b, Role::Listener, &code).unwrap();
    let connector = t.join().unwrap();
    blocking.store(false, Ordering::SeqCst);

    let dir = std::env::temp_dir().join(format!("ehrcrypt-fuzz-d2d-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ks = dir.join("A.keystore.json");
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fixtures/keys/A.keystore.json"
    );
    std::fs::copy(fixture, &ks).unwrap();
    let session = Session::open(&ks, PassphraseSource::fixed("test-only-passphrase")).unwrap();
    let owner = session
        .keystore()
        .local_owner(&OwnerId::new("A").unwrap())
        .unwrap()
        .clone();
    let key = session.current_private_key(&owner).unwrap();
    State {
        listener,
        connector,
        queues: (ab, ba),
        owner,
        key,
        code,
    }
}

thread_local! {
    static STATE: std::cell::RefCell<State> = std::cell::RefCell::new(setup());
}

/// A stream of fixed bytes for the hello reader: writes go nowhere.
struct Bytes<'a>(&'a [u8]);

impl Read for Bytes<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.0.read(buf)
    }
}

impl Write for Bytes<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, mut rest)) = data.split_first() else {
        return;
    };
    STATE.with(|s| {
        let s = &mut *s.borrow_mut();
        if pick % 3 == 2 {
            let _ = handshake(Bytes(rest), Role::Listener, &s.code);
            return;
        }
        for q in [&s.queues.0, &s.queues.1] {
            q.0.lock().unwrap().clear();
        }
        s.listener.fuzz_resync(&s.connector);
        while rest.len() >= 3 {
            let kind = rest[0];
            let len = u16::from_le_bytes([rest[1], rest[2]]) as usize;
            let len = len
                .min(rest.len() - 3)
                .min(ehrcrypt::d2d::channel::MAX_CHUNK);
            s.connector.fuzz_send_raw(kind, &rest[3..3 + len]).unwrap();
            rest = &rest[3 + len..];
        }
        if pick % 3 == 0 {
            let limits = Limits {
                max_bytes: 1 << 20,
                max_files: 64,
            };
            let mut sink = MemSink(0);
            let _ = transfer::receive(
                &mut s.listener,
                limits,
                |_| Ok(()),
                &mut sink,
                |_, _| Ok(()),
            );
        } else {
            let _ = pairing::exchange(&mut s.listener, &s.owner, &s.key, |_| Ok(()));
        }
    });
});
