//! The S3 backend (issue 17): any S3-compatible object store (AWS S3,
//! MinIO, Ceph, SeaweedFS, Garage …) through the `object_store` crate.
//!
//! Configuration is only the standard `AWS_*` environment variables
//! (`AWS_ENDPOINT_URL`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
//! `AWS_REGION`/`AWS_DEFAULT_REGION`, `AWS_SESSION_TOKEN`, and the other
//! names `object_store` reads); an `http://` endpoint is allowed as given.
//! Credentials never appear in a message: errors are rebuilt from their
//! kind, the HTTP status and the S3 error code, never from a response.
//!
//! The rest of ehrcrypt is synchronous. The backend owns a current-thread
//! tokio runtime that runs on one thread of its own; callers hand it
//! futures and wait for their results, so uploads and downloads proceed
//! while the callers' threads encrypt or decrypt.
//!
//! Writes: [`PutMode::Create`] is a PUT with `If-None-Match: *`,
//! [`PutMode::IfMatch`] a PUT with `If-Match: <ETag>`; both send the whole
//! object in one request (so it is held in memory). [`PutMode::Overwrite`]
//! streams in 8 MiB parts (multipart upload, at most four parts in flight):
//! nothing is visible until the upload completes, and a failed one is
//! aborted. Throttling and transient errors are retried with exponential
//! backoff, at most [`RETRIES`] times.

use std::collections::HashMap;
use std::future::Future;
use std::io::{self, Write};
use std::ops::Range;
use std::sync::{mpsc, Arc, Mutex, OnceLock};
use std::time::Duration;

use futures_util::{StreamExt, TryStreamExt};
use object_store::aws::{AmazonS3, AmazonS3Builder, S3ConditionalPut};
use object_store::path::Path as ObjPath;
use object_store::{
    BackoffConfig, ClientOptions, MultipartUpload, ObjectStore, ObjectStoreExt, PutOptions,
    PutPayload, RetryConfig, UpdateVersion,
};
use rayon::prelude::*;

use super::{conflict, Change, Meta, Mode, Object, PutMode, Store, Version};
use crate::error::{Error, ErrorKind, Result};

/// How often a request that failed transiently (throttling, 5xx, a reset
/// connection) is tried again.
pub const RETRIES: usize = 4;

/// Parts of a streamed upload; S3 requires at least 5 MiB but the last.
const PART: usize = 8 << 20;
/// Parts uploading at once: memory stays under PART × (IN_FLIGHT + 1).
const IN_FLIGHT: usize = 4;
/// Reads in flight for bulk reads: enough to hide the latency of each.
/// `EHRCRYPT_S3_IN_FLIGHT` changes it (a distant server may want more).
const READS_IN_FLIGHT: usize = 64;
/// Objects a bulk read fetches ahead of its caller (bodies held in memory).
const READ_AHEAD: usize = 512;
/// Attempts of one object's compare-and-swap update before giving up.
const UPDATE_ATTEMPTS: usize = 50;

/// One bucket on an S3-compatible server.
pub struct S3Store {
    bucket: String,
    inner: Arc<AmazonS3>,
    rt: tokio::runtime::Handle,
    /// Reads in flight for bulk reads.
    reads: usize,
}

/// The buckets opened so far: one client (and connection pool) each.
fn opened() -> &'static Mutex<HashMap<String, Arc<S3Store>>> {
    static OPENED: OnceLock<Mutex<HashMap<String, Arc<S3Store>>>> = OnceLock::new();
    OPENED.get_or_init(Default::default)
}

/// The runtime every bucket shares, driven by a thread of its own.
fn runtime() -> Result<tokio::runtime::Handle> {
    static RT: OnceLock<std::result::Result<tokio::runtime::Handle, String>> = OnceLock::new();
    RT.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        let handle = rt.handle().clone();
        std::thread::Builder::new()
            .name("ehrcrypt-s3".into())
            .spawn(move || rt.block_on(std::future::pending::<()>()))
            .map_err(|e| e.to_string())?;
        Ok(handle)
    })
    .clone()
    .map_err(|e| Error::internal(format!("cannot start the S3 client: {e}")))
}

impl S3Store {
    /// The store for `bucket`, configured from the environment.
    pub fn open(bucket: &str) -> Result<Arc<Self>> {
        let mut map = opened()
            .lock()
            .map_err(|_| Error::internal("S3 client lock"))?;
        if let Some(s) = map.get(bucket) {
            return Ok(s.clone());
        }
        // TLS by rustls with ring: installed once, before the first client.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let endpoint = std::env::var("AWS_ENDPOINT_URL")
            .or_else(|_| std::env::var("AWS_ENDPOINT"))
            .unwrap_or_default();
        let mut b = AmazonS3Builder::from_env()
            .with_bucket_name(bucket)
            .with_conditional_put(S3ConditionalPut::ETagMatch)
            .with_retry(RetryConfig {
                backoff: BackoffConfig {
                    init_backoff: Duration::from_millis(100),
                    max_backoff: Duration::from_secs(5),
                    base: 2.0,
                },
                max_retries: RETRIES,
                retry_timeout: Duration::from_secs(60),
            })
            .with_client_options(
                ClientOptions::new()
                    .with_connect_timeout(Duration::from_secs(5))
                    .with_timeout(Duration::from_secs(120)),
            );
        if endpoint.starts_with("http://") {
            b = b.with_allow_http(true);
        }
        if std::env::var_os("AWS_REGION").is_none()
            && std::env::var_os("AWS_DEFAULT_REGION").is_none()
        {
            b = b.with_region("us-east-1");
        }
        let inner = b.build().map_err(|e| {
            Error::usage(format!(
                "s3://{bucket}: cannot configure the S3 client: {}",
                config_reason(&e)
            ))
            .hint("set AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (and AWS_REGION)")
        })?;
        let s = Arc::new(S3Store {
            bucket: bucket.to_string(),
            inner: Arc::new(inner),
            rt: runtime()?,
            reads: reads_in_flight()?,
        });
        map.insert(bucket.to_string(), s.clone());
        Ok(s)
    }

    /// Runs `f` on the backend's runtime and waits for its result.
    fn run<T: Send + 'static>(&self, f: impl Future<Output = T> + Send + 'static) -> Result<T> {
        let (tx, rx) = mpsc::sync_channel(1);
        self.rt.spawn(async move {
            let _ = tx.send(f.await);
        });
        rx.recv()
            .map_err(|_| Error::internal("the S3 client stopped"))
    }

    fn url(&self, key: &str) -> String {
        format!("s3://{}/{key}", self.bucket)
    }

    /// An `object_store` error as one line that names the object, and the
    /// exit code its kind documents. Nothing from the request or response
    /// is quoted but the HTTP status and the S3 error code.
    fn error(&self, key: &str, action: &str, e: object_store::Error) -> Error {
        let url = self.url(key);
        let text = e.to_string();
        let code = s3_code(&text);
        use object_store::Error as E;
        match e {
            E::NotFound { .. } if code.as_deref() == Some("NoSuchBucket") => {
                Error::not_found(format!("s3://{}: no such bucket", self.bucket))
                    .hint("create the bucket first, or check the name")
            }
            E::NotFound { .. } => Error::not_found(format!("{url}: no such object")),
            E::AlreadyExists { .. } => Error::refused(format!("{url}: already exists"))
                .hint("a create never replaces an object: choose another name"),
            E::Precondition { .. } => conflict(&url),
            E::PermissionDenied { .. } | E::Unauthenticated { .. } => Error::new(
                ErrorKind::NoAccess,
                format!(
                    "s3://{}: access denied{}",
                    self.bucket,
                    code.map(|c| format!(" ({c})")).unwrap_or_default()
                ),
            )
            .hint(
                "check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, and the bucket's permissions",
            ),
            E::NotSupported { .. } | E::NotImplemented { .. } => Error::new(
                ErrorKind::Refused,
                format!("{url}: the server cannot {action} safely here (unsupported request)"),
            ),
            _ => {
                let status = http_status(&text);
                let why = match (status, code) {
                    (_, Some(c)) if c == "SlowDown" || c == "Throttling" => format!(
                        "the server is throttling requests (gave up after {RETRIES} retries)"
                    ),
                    (Some(s), Some(c)) => format!("HTTP {s} {c}"),
                    (Some(s), None) => format!("HTTP {s}"),
                    (None, _) if is_connect(&text) => "cannot reach the server".to_string(),
                    (None, _) => "the request failed".to_string(),
                };
                Error::new(ErrorKind::Io, format!("{url}: cannot {action}: {why}")).hint(
                    "check AWS_ENDPOINT_URL and that the server runs; run again once it answers",
                )
            }
        }
    }

    fn path(key: &str) -> ObjPath {
        ObjPath::from(key)
    }

    fn put_whole(&self, key: &str, bytes: Vec<u8>, mode: PutMode) -> Result<Version> {
        let mode = match mode {
            PutMode::Create => object_store::PutMode::Create,
            PutMode::Overwrite => object_store::PutMode::Overwrite,
            PutMode::IfMatch(v) => object_store::PutMode::Update(UpdateVersion {
                e_tag: Some(v.0),
                version: None,
            }),
        };
        let (inner, path) = (self.inner.clone(), Self::path(key));
        let opts = PutOptions {
            mode,
            ..Default::default()
        };
        let r =
            self.run(async move { inner.put_opts(&path, PutPayload::from(bytes), opts).await })?;
        r.map(|r| Version(r.e_tag.unwrap_or_default()))
            .map_err(|e| self.error(key, "write", e))
    }
}

/// Reads in flight for bulk reads: [`READS_IN_FLIGHT`] unless
/// `EHRCRYPT_S3_IN_FLIGHT` says how many (1 to 1024).
fn reads_in_flight() -> Result<usize> {
    const VAR: &str = "EHRCRYPT_S3_IN_FLIGHT";
    match std::env::var(VAR) {
        Err(std::env::VarError::NotPresent) => Ok(READS_IN_FLIGHT),
        v => v
            .ok()
            .and_then(|v| v.parse().ok())
            .filter(|n| (1..=1024).contains(n))
            .ok_or_else(|| {
                Error::usage(format!("{VAR}: not a number from 1 to 1024"))
                    .hint(format!("unset it for the default ({READS_IN_FLIGHT})"))
            }),
    }
}

/// `<Code>X</Code>` of an S3 error body, if the text quotes one.
fn s3_code(text: &str) -> Option<String> {
    let start = text.find("<Code>")? + "<Code>".len();
    let len = text[start..].find("</Code>")?;
    let code = &text[start..start + len];
    code.bytes()
        .all(|b| b.is_ascii_alphanumeric())
        .then(|| code.to_string())
}

/// The HTTP status in an `object_store` error's text, if any.
fn http_status(text: &str) -> Option<u16> {
    ["status code: ", "status: ", "status "]
        .iter()
        .find_map(|m| {
            let i = text.find(m)? + m.len();
            text.get(i..i + 3)?.parse().ok()
        })
}

fn is_connect(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    t.contains("connect") || t.contains("error sending request") || t.contains("timed out")
}

/// A configuration error without the values (which may be secrets).
fn config_reason(e: &object_store::Error) -> &'static str {
    let t = e.to_string().to_ascii_lowercase();
    if t.contains("endpoint") || t.contains("url") {
        "invalid endpoint"
    } else if t.contains("region") {
        "invalid region"
    } else if t.contains("credential") || t.contains("key") {
        "invalid credentials"
    } else {
        "invalid configuration"
    }
}

fn meta_version(m: &object_store::ObjectMeta) -> Version {
    Version(m.e_tag.clone().unwrap_or_default())
}

/// A writer that uploads what it is given in parts, a few at a time.
struct PartWriter<'a> {
    store: &'a S3Store,
    key: &'a str,
    upload: Option<Box<dyn MultipartUpload>>,
    buf: Vec<u8>,
    pending: Vec<mpsc::Receiver<object_store::Result<()>>>,
    failed: Option<Error>,
}

impl PartWriter<'_> {
    fn send_part(&mut self) -> io::Result<()> {
        if self.upload.is_none() {
            let (inner, path) = (self.store.inner.clone(), S3Store::path(self.key));
            let up = self
                .store
                .run(async move { inner.put_multipart(&path).await })
                .and_then(|r| r.map_err(|e| self.store.error(self.key, "upload", e)));
            match up {
                Ok(u) => self.upload = Some(u),
                Err(e) => return Err(self.fail(e)),
            }
        }
        let data = std::mem::replace(&mut self.buf, Vec::with_capacity(PART));
        let part = self
            .upload
            .as_mut()
            .map(|u| u.put_part(PutPayload::from(data)));
        if let Some(part) = part {
            let (tx, rx) = mpsc::sync_channel(1);
            self.store.rt.spawn(async move {
                let _ = tx.send(part.await);
            });
            self.pending.push(rx);
        }
        while self.pending.len() >= IN_FLIGHT {
            self.wait_one()?;
        }
        Ok(())
    }

    fn wait_one(&mut self) -> io::Result<()> {
        let rx = self.pending.remove(0);
        match rx.recv() {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => {
                let e = self.store.error(self.key, "upload", e);
                Err(self.fail(e))
            }
            Err(_) => Err(self.fail(Error::internal("the S3 client stopped"))),
        }
    }

    fn fail(&mut self, e: Error) -> io::Error {
        let msg = e.message().to_string();
        self.failed = Some(e);
        io::Error::other(msg)
    }

    /// Completes the upload (or makes a single PUT if it was small).
    fn finish(mut self) -> Result<Version> {
        if self.upload.is_none() {
            let buf = std::mem::take(&mut self.buf);
            return self.store.put_whole(self.key, buf, PutMode::Overwrite);
        }
        if !self.buf.is_empty() {
            self.send_part().map_err(|_| self.take_error())?;
        }
        while !self.pending.is_empty() {
            self.wait_one().map_err(|_| self.take_error())?;
        }
        let Some(mut up) = self.upload.take() else {
            return Err(Error::internal("upload lost"));
        };
        let r = self.store.run(async move { up.complete().await })?;
        r.map(|r| Version(r.e_tag.unwrap_or_default()))
            .map_err(|e| self.store.error(self.key, "upload", e))
    }

    fn take_error(&mut self) -> Error {
        self.failed
            .take()
            .unwrap_or_else(|| Error::internal("upload failed"))
    }
}

impl Write for PartWriter<'_> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let room = PART - self.buf.len();
        let n = data.len().min(room);
        self.buf.extend_from_slice(&data[..n]);
        if self.buf.len() == PART {
            self.send_part()?;
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// An unfinished upload is aborted: its parts are discarded, nothing is
/// published under the key.
impl Drop for PartWriter<'_> {
    fn drop(&mut self) {
        if let Some(mut up) = self.upload.take() {
            let _ = self.store.run(async move { up.abort().await });
        }
    }
}

impl Store for S3Store {
    fn get(&self, key: &str) -> Result<Object> {
        let (inner, path) = (self.inner.clone(), Self::path(key));
        let r = self.run(async move {
            let r = inner.get(&path).await?;
            let version = meta_version(&r.meta);
            let bytes = r.bytes().await?;
            Ok::<_, object_store::Error>((bytes, version))
        })?;
        let (bytes, version) = r.map_err(|e| self.error(key, "read", e))?;
        Ok(Object {
            bytes: bytes.to_vec(),
            version,
        })
    }

    fn get_many(&self, keys: &[String]) -> Vec<Result<Object>> {
        self.get_stream(keys.to_vec()).collect()
    }

    /// [`READS_IN_FLIGHT`] GETs (or `EHRCRYPT_S3_IN_FLIGHT`) at a time on the runtime, their bodies
    /// handed over in order through a channel of [`READ_AHEAD`] objects:
    /// the runtime keeps fetching while the caller works, until the channel
    /// is full; dropping the iterator stops it.
    fn get_stream<'a>(
        &'a self,
        keys: Vec<String>,
    ) -> Box<dyn Iterator<Item = Result<Object>> + Send + 'a> {
        let (tx, mut rx) = tokio::sync::mpsc::channel(READ_AHEAD);
        let (inner, reads) = (self.inner.clone(), self.reads);
        let paths: Vec<ObjPath> = keys.iter().map(|k| Self::path(k)).collect();
        self.rt.spawn(async move {
            let mut bodies = futures_util::stream::iter(paths)
                .map(|p| {
                    let inner = inner.clone();
                    async move {
                        let r = inner.get(&p).await?;
                        let version = meta_version(&r.meta);
                        Ok::<_, object_store::Error>((r.bytes().await?, version))
                    }
                })
                .buffered(reads);
            while let Some(r) = bodies.next().await {
                if tx.send(r).await.is_err() {
                    break;
                }
            }
        });
        Box::new(keys.into_iter().map(move |k| {
            match rx.blocking_recv() {
                Some(r) => r
                    .map(|(bytes, version)| Object {
                        bytes: Vec::from(bytes),
                        version,
                    })
                    .map_err(|e| self.error(&k, "read", e)),
                None => Err(Error::internal("the S3 client stopped")),
            }
        }))
    }

    fn get_range(&self, key: &str, range: Range<u64>) -> Result<Vec<u8>> {
        let (inner, path) = (self.inner.clone(), Self::path(key));
        let r = self.run(async move { inner.get_range(&path, range).await })?;
        r.map(|b| b.to_vec())
            .map_err(|e| self.error(key, "read", e))
    }

    fn head(&self, key: &str) -> Result<Meta> {
        let (inner, path) = (self.inner.clone(), Self::path(key));
        let r = self.run(async move { inner.head(&path).await })?;
        let m = r.map_err(|e| self.error(key, "read", e))?;
        Ok(Meta {
            key: key.to_string(),
            size: m.size,
            version: meta_version(&m),
        })
    }

    fn put_stream(
        &self,
        key: &str,
        mode: PutMode,
        _file_mode: Mode,
        fill: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
    ) -> Result<Version> {
        if mode != PutMode::Overwrite {
            // A conditional write is one request: the object is whole here.
            let mut buf = Vec::new();
            fill(&mut buf)
                .map_err(|e| Error::io(std::path::Path::new(&self.url(key)), "write", e))?;
            return self.put_whole(key, buf, mode);
        }
        let mut w = PartWriter {
            store: self,
            key,
            upload: None,
            buf: Vec::with_capacity(PART),
            pending: Vec::new(),
            failed: None,
        };
        if let Err(e) = fill(&mut w) {
            return Err(w
                .failed
                .take()
                .unwrap_or_else(|| Error::io(std::path::Path::new(&self.url(key)), "write", e)));
        }
        w.finish()
    }

    fn list(&self, prefix: &str) -> Result<Vec<Meta>> {
        let inner = self.inner.clone();
        let p = prefix.trim_end_matches('/').to_string();
        let r = self.run(async move {
            let path = (!p.is_empty()).then(|| ObjPath::from(p));
            inner.list(path.as_ref()).try_collect::<Vec<_>>().await
        })?;
        let mut out: Vec<Meta> = r
            .map_err(|e| self.error(prefix, "list", e))?
            .into_iter()
            .map(|m| Meta {
                key: m.location.to_string(),
                size: m.size,
                version: meta_version(&m),
            })
            .collect();
        out.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(out)
    }

    fn delete(&self, key: &str) -> Result<()> {
        let (inner, path) = (self.inner.clone(), Self::path(key));
        let r = self.run(async move { inner.delete(&path).await })?;
        match r {
            Err(object_store::Error::NotFound { .. }) | Ok(()) => Ok(()),
            Err(e) => Err(self.error(key, "delete", e)),
        }
    }

    /// Compare-and-swap: every object is read and changed first (nothing
    /// is written if a change fails), then written with `If-Match` on the
    /// ETag it was read at. An object someone changed meanwhile is read
    /// again and changed again, with a growing random pause, at most
    /// [`UPDATE_ATTEMPTS`] times.
    fn update(&self, keys: &[String], change: &Change<'_>, file_mode: Mode) -> Result<()> {
        let read = self.get_many(keys);
        let mut firsts = Vec::with_capacity(keys.len());
        for r in read {
            firsts.push(r?);
        }
        let changed = firsts
            .into_par_iter()
            .enumerate()
            .map(|(i, obj)| {
                let fill = change(i, obj.bytes)?;
                Ok(fill.map(|f| (i, obj.version, f)))
            })
            .collect::<Result<Vec<_>>>()?;
        changed
            .into_par_iter()
            .flatten()
            .try_for_each(|(i, version, fill)| {
                let key = &keys[i];
                let mut bytes = Vec::new();
                fill(&mut bytes).map_err(|e| Error::io(std::path::Path::new(key), "write", e))?;
                let mut attempt = 0;
                let mut version = version;
                loop {
                    match self.put_whole(key, bytes, PutMode::IfMatch(version)) {
                        Err(e) if super::is_conflict(&e) && attempt + 1 < UPDATE_ATTEMPTS => {
                            attempt += 1;
                            pause(attempt);
                            let obj = self.get(key)?;
                            version = obj.version;
                            let Some(fill) = change(i, obj.bytes)? else {
                                return Ok(());
                            };
                            bytes = Vec::new();
                            fill(&mut bytes)
                                .map_err(|e| Error::io(std::path::Path::new(key), "write", e))?;
                        }
                        Err(e) => return Err(e),
                        Ok(_) => return Ok(()),
                    }
                }
            })?;
        let _ = file_mode;
        Ok(())
    }
}

/// A random pause that grows with the attempt (1–2 ms, then up to 100 ms),
/// so that writers that collided do not collide again in step.
fn pause(attempt: usize) {
    let mut r = [0u8; 2];
    crate::crypto::random_bytes(&mut r);
    let cap = (1u64 << attempt.min(7)).min(100);
    let ms = 1 + u64::from(u16::from_le_bytes(r)) % cap;
    std::thread::sleep(Duration::from_millis(ms));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_texts_give_status_and_code_only() {
        let t = "Generic S3 error: Error performing GET http://h/b/k in 1ms - Server returned non-2xx status code: 503 Service Unavailable: <Error><Code>SlowDown</Code><Message>x</Message></Error>";
        assert_eq!(http_status(t), Some(503));
        assert_eq!(s3_code(t).as_deref(), Some("SlowDown"));
        assert_eq!(s3_code("<Code>a b</Code>"), None);
        assert_eq!(http_status("no status here"), None);
    }
}
