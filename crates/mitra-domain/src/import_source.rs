//! Where an import file comes from, and its text read as a stream: a file of any size is read a piece at a time,
//! and as often as its reader needs, never held whole.

use std::io::{self, BufRead, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::Reason;
use crate::observation::{ImportErrors, file_error};

/// An import file that can be opened more than once (a CSV file of entries is read twice: once to find where each
/// entry's rows end, once to read them).
pub trait ImportSource: Send + Sync {
    /// Opens the file from its start.
    fn open(&self) -> io::Result<Box<dyn Read + Send + '_>>;
    /// Its size in bytes, for progress.
    fn size(&self) -> u64;
}

impl ImportSource for Vec<u8> {
    fn open(&self) -> io::Result<Box<dyn Read + Send + '_>> {
        Ok(Box::new(self.as_slice()))
    }

    fn size(&self) -> u64 {
        self.len() as u64
    }
}

impl ImportSource for &[u8] {
    fn open(&self) -> io::Result<Box<dyn Read + Send + '_>> {
        Ok(Box::new(*self))
    }

    fn size(&self) -> u64 {
        self.len() as u64
    }
}

/// A file on disk, read as it is imported.
#[derive(Debug, Clone)]
pub struct ImportFile {
    path: PathBuf,
    size: u64,
}

impl ImportFile {
    /// The file at `path`, once it can be read.
    pub fn new(path: &Path) -> io::Result<Self> {
        let size = std::fs::metadata(path)?.len();
        std::fs::File::open(path)?;
        Ok(Self {
            path: path.to_owned(),
            size,
        })
    }
}

impl ImportSource for ImportFile {
    fn open(&self) -> io::Result<Box<dyn Read + Send + '_>> {
        Ok(Box::new(std::fs::File::open(&self.path)?))
    }

    fn size(&self) -> u64 {
        self.size
    }
}

/// The error a [`TextReader`] gives for bytes that are not UTF-8: where the valid text ends, in bytes of the file.
#[derive(Debug)]
struct NotUtf8 {
    valid_up_to: u64,
}

impl std::fmt::Display for NotUtf8 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "not UTF-8 after byte {}", self.valid_up_to)
    }
}

impl std::error::Error for NotUtf8 {}

/// The file problem an I/O error stands for: text that is not UTF-8, or a file that could not be read.
pub(crate) fn read_problem(error: &io::Error) -> ImportErrors {
    match error.get_ref().and_then(|e| e.downcast_ref::<NotUtf8>()) {
        Some(not_utf8) => file_error(
            "file",
            Reason::not_utf8(usize::try_from(not_utf8.valid_up_to).unwrap_or(usize::MAX)),
        ),
        None => file_error("file", Reason::unreadable(error)),
    }
}

/// How much of a file its readers have taken, in bytes.
#[derive(Debug, Default)]
pub struct ReadSoFar(AtomicU64);

impl ReadSoFar {
    /// Bytes read.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }

    fn set(&self, bytes: u64) {
        self.0.store(bytes, Ordering::Relaxed);
    }
}

/// An import file's text, read as a stream: without its byte-order mark, with CRLF line ends read as LF (the csv
/// crate counts CRLF lines one short, and the line numbers in messages must be right), and refused with
/// [`NotUtf8`] where it stops being UTF-8.
pub(crate) struct TextReader<'a> {
    inner: Box<dyn Read + Send + 'a>,
    /// Bytes read from `inner` and not yet checked: an incomplete character, or a CR that may start a CRLF.
    carry: Vec<u8>,
    /// Checked text not yet handed out, from `out_at`.
    out: Vec<u8>,
    out_at: usize,
    /// Bytes of the file before `carry`.
    offset: u64,
    done: bool,
    progress: &'a ReadSoFar,
}

const CHUNK: usize = 64 * 1024;

impl<'a> TextReader<'a> {
    /// Opens `source`: `Err` when it cannot be opened or read.
    pub(crate) fn open(
        source: &'a dyn ImportSource,
        progress: &'a ReadSoFar,
    ) -> io::Result<io::BufReader<Self>> {
        let mut reader = Self {
            inner: source.open()?,
            carry: Vec::new(),
            out: Vec::new(),
            out_at: 0,
            offset: 0,
            done: false,
            progress,
        };
        // The byte-order mark, when there is one; otherwise the bytes read are the text's start.
        let mut start = [0u8; 3];
        let mut have = 0;
        while have < 3 {
            match reader.inner.read(&mut start[have..])? {
                0 => break,
                n => have += n,
            }
        }
        if start[..have] == [0xEF, 0xBB, 0xBF] {
            reader.offset = 3;
        } else {
            reader.carry.extend_from_slice(&start[..have]);
        }
        progress.set(0);
        Ok(io::BufReader::with_capacity(CHUNK, reader))
    }

    /// Reads and checks the next piece of the file into `out`; `false` at its end.
    fn refill(&mut self) -> io::Result<bool> {
        let mut raw = std::mem::take(&mut self.carry);
        let carried = raw.len();
        raw.resize(carried + CHUNK, 0);
        let n = loop {
            match self.inner.read(&mut raw[carried..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        };
        raw.truncate(carried + n);
        let at_end = n == 0;
        if raw.is_empty() {
            self.done = true;
            return Ok(false);
        }
        let valid = match std::str::from_utf8(&raw) {
            Ok(_) => raw.len(),
            // A character cut by the end of this piece is completed by the next one.
            Err(e) if e.error_len().is_none() && !at_end => e.valid_up_to(),
            Err(e) => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    NotUtf8 {
                        valid_up_to: self.offset + e.valid_up_to() as u64,
                    },
                ));
            }
        };
        // A CR at the end may be the start of a CRLF: it waits for the next piece, unless there is none.
        let keep = if !at_end && raw[..valid].last() == Some(&b'\r') {
            valid - 1
        } else {
            valid
        };
        self.out.clear();
        self.out_at = 0;
        let mut pieces = raw[..keep].split(|&b| b == b'\n').peekable();
        while let Some(line) = pieces.next() {
            let last = pieces.peek().is_none();
            let line = match line.strip_suffix(b"\r") {
                Some(stripped) if !last => stripped,
                _ => line,
            };
            self.out.extend_from_slice(line);
            if !last {
                self.out.push(b'\n');
            }
        }
        self.carry.extend_from_slice(&raw[keep..]);
        self.offset += keep as u64;
        self.progress.set(self.offset);
        Ok(true)
    }
}

impl Read for TextReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.out_at == self.out.len() {
            if self.done || !self.refill()? {
                return Ok(0);
            }
        }
        let n = buf.len().min(self.out.len() - self.out_at);
        buf[..n].copy_from_slice(&self.out[self.out_at..self.out_at + n]);
        self.out_at += n;
        Ok(n)
    }
}

/// Skips the white space at the start of `text` and returns the first byte after it; `None` when there is only
/// white space.
pub(crate) fn first_byte(text: &mut impl BufRead) -> io::Result<Option<u8>> {
    loop {
        let buf = text.fill_buf()?;
        if buf.is_empty() {
            return Ok(None);
        }
        match buf.iter().position(|b| !b.is_ascii_whitespace()) {
            Some(at) => {
                let first = buf[at];
                text.consume(at);
                return Ok(Some(first));
            }
            None => {
                let all = buf.len();
                text.consume(all);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(bytes: &[u8]) -> Result<String, u64> {
        let source = bytes.to_vec();
        let progress = ReadSoFar::default();
        let mut reader = TextReader::open(&source, &progress).expect("opens");
        let mut text = String::new();
        match reader.read_to_string(&mut text) {
            Ok(_) => Ok(text),
            Err(e) => Err(e
                .get_ref()
                .and_then(|e| e.downcast_ref::<NotUtf8>())
                .expect("not UTF-8")
                .valid_up_to),
        }
    }

    #[test]
    fn the_text_is_read_without_its_mark_and_with_lf_line_ends() {
        assert_eq!(
            text_of(b"\xEF\xBB\xBFa,b\r\nc\r\n").as_deref(),
            Ok("a,b\nc\n")
        );
        assert_eq!(text_of(b"a\rb\r").as_deref(), Ok("a\rb\r"));
        assert_eq!(text_of(b"").as_deref(), Ok(""));
    }

    #[test]
    fn a_crlf_or_a_character_cut_between_two_pieces_is_read_whole() {
        // The first piece ends inside the CRLF, the second inside the Thai character.
        let mut bytes = vec![b'x'; CHUNK - 1];
        bytes.extend_from_slice(b"\r\n");
        bytes.extend(std::iter::repeat_n(b'y', CHUNK - 2));
        bytes.extend_from_slice("ก\r\n".as_bytes());
        let text = text_of(&bytes).expect("UTF-8");
        assert_eq!(text.len(), bytes.len() - 2);
        assert!(!text.contains('\r'));
        assert!(text.ends_with("yก\n"));
    }

    #[test]
    fn bytes_that_are_not_utf8_are_refused_where_the_text_stops_being_valid() {
        assert_eq!(text_of(b"\xEF\xBB\xBFab\xFFc"), Err(5));
        let mut bytes = vec![b'a'; CHUNK + 10];
        bytes.push(0xE0);
        assert_eq!(text_of(&bytes), Err(CHUNK as u64 + 10));
    }
}
