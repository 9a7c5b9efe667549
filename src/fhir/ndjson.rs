//! Newline-delimited JSON (the FHIR Bulk Data `$export` format,
//! `application/fhir+ndjson`): one resource per line.
//!
//! Lines are read with a bound: a file is untrusted input, and a 2 GB line
//! must be refused after reading [`MAX_LINE`] bytes of it, not after
//! allocating 2 GB.

use std::io::{self, BufRead};

/// The longest line accepted: 64 MiB, room for a DocumentReference or
/// Binary with a large attachment inline.
pub const MAX_LINE: usize = 64 << 20;

/// Reads the lines of an ndjson stream, each at most `limit` bytes.
pub struct LineReader<R> {
    inner: R,
    limit: usize,
    /// 1-based number of the last line returned.
    line: u64,
}

/// What [`LineReader::next_line`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum Line {
    /// A line (without its `\n` or `\r\n`) is in the buffer.
    Read,
    /// The stream is over.
    End,
    /// The line is longer than the limit; reading stopped there.
    TooLong,
}

impl<R: BufRead> LineReader<R> {
    pub fn new(inner: R) -> Self {
        Self::with_limit(inner, MAX_LINE)
    }

    pub fn with_limit(inner: R, limit: usize) -> Self {
        LineReader {
            inner,
            limit,
            line: 0,
        }
    }

    /// The number of the line last read (1 for the first).
    pub fn line_number(&self) -> u64 {
        self.line
    }

    /// Reads the next line into `buf` (cleared first).
    pub fn next_line(&mut self, buf: &mut Vec<u8>) -> io::Result<Line> {
        buf.clear();
        let mut any = false;
        loop {
            let chunk = match self.inner.fill_buf() {
                Ok(c) => c,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if chunk.is_empty() {
                if !any {
                    return Ok(Line::End);
                }
                break;
            }
            any = true;
            let (take, done) = match memchr::memchr(b'\n', chunk) {
                Some(i) => (i, true),
                None => (chunk.len(), false),
            };
            if buf.len() + take > self.limit {
                self.line += 1;
                return Ok(Line::TooLong);
            }
            buf.extend_from_slice(&chunk[..take]);
            self.inner.consume(take + usize::from(done));
            if done {
                break;
            }
        }
        if buf.last() == Some(&b'\r') {
            buf.pop();
        }
        self.line += 1;
        Ok(Line::Read)
    }
}

/// Whether a line holds nothing but white space (skipped, as bulk-data
/// clients do with a trailing empty line).
pub fn is_blank(line: &[u8]) -> bool {
    line.iter().all(u8::is_ascii_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &[u8], limit: usize) -> Vec<Result<String, u64>> {
        let mut r = LineReader::with_limit(io::BufReader::with_capacity(4, text), limit);
        let mut buf = Vec::new();
        let mut out = Vec::new();
        loop {
            match r.next_line(&mut buf).unwrap() {
                Line::Read => out.push(Ok(String::from_utf8(buf.clone()).unwrap())),
                Line::End => return out,
                Line::TooLong => {
                    out.push(Err(r.line_number()));
                    return out;
                }
            }
        }
    }

    #[test]
    fn splits_lines_across_buffer_refills() {
        assert_eq!(
            lines(b"{\"a\":1}\r\n{\"b\":22}\n\nlast", 100),
            [
                Ok("{\"a\":1}".into()),
                Ok("{\"b\":22}".into()),
                Ok("".into()),
                Ok("last".into())
            ]
        );
        assert!(lines(b"", 10).is_empty());
    }

    #[test]
    fn a_line_over_the_limit_stops_without_reading_it_all() {
        assert_eq!(
            lines(b"12345\n123456789\nx", 8),
            [Ok("12345".into()), Err(2)]
        );
        assert_eq!(lines(b"12345678\n", 8), [Ok("12345678".into())]);
    }
}
