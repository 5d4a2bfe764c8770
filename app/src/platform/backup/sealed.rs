//! A backup sealed with a passphrase: the key is derived with Argon2id (a random salt and
//! the cost kept in the header), and the compressed backup is encrypted with
//! ChaCha20-Poly1305 in the STREAM construction (RustCrypto's `aead::stream`), 64 KiB at a
//! time, so a chunk cut off, swapped or altered, or a wrong passphrase, fails to open
//! instead of restoring something else.
//!
//! Layout: `TWBKSEAL`, Argon2 memory (KiB), passes and lanes (u32 little-endian each), the
//! 16-byte salt, the 7-byte nonce prefix, then the chunks (64 KiB + 16 bytes of tag each,
//! the last one shorter or equal).

use chacha20poly1305::aead::stream::{DecryptorBE32, EncryptorBE32};
use chacha20poly1305::aead::KeyInit;
use chacha20poly1305::ChaCha20Poly1305;
use rand::{rngs::OsRng, RngCore};
use std::io::{Read, Write};

pub const MAGIC: &[u8; 8] = b"TWBKSEAL";
const CHUNK: usize = 64 * 1024;
const TAG: usize = 16;
const SALT: usize = 16;
const PREFIX: usize = 7;
/// Argon2id's cost for the key: 64 MiB, 3 passes, one lane (about a quarter of a second).
const MEMORY_KIB: u32 = 64 * 1024;
const PASSES: u32 = 3;
const LANES: u32 = 1;

fn key(passphrase: &str, salt: &[u8], memory: u32, passes: u32, lanes: u32) -> std::io::Result<ChaCha20Poly1305> {
    let params = argon2::Params::new(memory, passes, lanes, Some(32)).map_err(|e| invalid(&format!("the backup's key settings: {e}")))?;
    let mut key = [0u8; 32];
    argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
        .hash_password_into(passphrase.as_bytes(), salt, &mut key)
        .map_err(|e| invalid(&format!("deriving the key: {e}")))?;
    Ok(ChaCha20Poly1305::new(&key.into()))
}

fn invalid(message: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, message.to_string())
}

/// Encrypts what is written to it; [`SealingWriter::finish`] writes the last chunk.
pub struct SealingWriter<W: Write> {
    inner: W,
    stream: Option<EncryptorBE32<ChaCha20Poly1305>>,
    buffer: Vec<u8>,
}

impl<W: Write> SealingWriter<W> {
    pub fn new(mut inner: W, passphrase: &str) -> std::io::Result<Self> {
        let mut salt = [0u8; SALT];
        let mut prefix = [0u8; PREFIX];
        OsRng.fill_bytes(&mut salt);
        OsRng.fill_bytes(&mut prefix);
        let cipher = key(passphrase, &salt, MEMORY_KIB, PASSES, LANES)?;
        inner.write_all(MAGIC)?;
        for n in [MEMORY_KIB, PASSES, LANES] {
            inner.write_all(&n.to_le_bytes())?;
        }
        inner.write_all(&salt)?;
        inner.write_all(&prefix)?;
        let stream = EncryptorBE32::from_aead(cipher, (&prefix).into());
        Ok(SealingWriter { inner, stream: Some(stream), buffer: Vec::with_capacity(2 * CHUNK) })
    }

    /// Seals the last chunk (always written, perhaps empty, so a file cut at a chunk's end
    /// does not open) and hands back the writer.
    pub fn finish(mut self) -> std::io::Result<W> {
        let stream = self.stream.take().ok_or_else(|| invalid("sealed twice"))?;
        let last = stream.encrypt_last(self.buffer.as_slice()).map_err(|_| invalid("encrypting the backup"))?;
        self.inner.write_all(&last)?;
        self.inner.flush()?;
        Ok(self.inner)
    }
}

impl<W: Write> Write for SealingWriter<W> {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buffer.extend_from_slice(data);
        // Keep at least one byte back: the last chunk is sealed as the last by `finish`.
        while self.buffer.len() > CHUNK {
            let stream = self.stream.as_mut().ok_or_else(|| invalid("sealed already"))?;
            let sealed = stream.encrypt_next(&self.buffer[..CHUNK]).map_err(|_| invalid("encrypting the backup"))?;
            self.inner.write_all(&sealed)?;
            self.buffer.drain(..CHUNK);
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Decrypts a sealed backup (after its `MAGIC`, which the caller has read).
pub struct OpeningReader<R: Read> {
    inner: R,
    stream: Option<DecryptorBE32<ChaCha20Poly1305>>,
    /// The next sealed chunk, read ahead to know whether it is the last.
    ahead: Vec<u8>,
    plain: Vec<u8>,
    at: usize,
}

/// Reads until `buf` is full or the input ends; how many bytes were read.
pub(super) fn fill(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match r.read(&mut buf[got..])? {
            0 => break,
            n => got += n,
        }
    }
    Ok(got)
}

impl<R: Read> OpeningReader<R> {
    pub fn new(mut inner: R, passphrase: &str) -> std::io::Result<Self> {
        let mut header = [0u8; 12 + SALT + PREFIX];
        if fill(&mut inner, &mut header)? != header.len() {
            return Err(invalid("the backup is cut short"));
        }
        let n = |i: usize| u32::from_le_bytes([header[i], header[i + 1], header[i + 2], header[i + 3]]);
        let (memory, passes, lanes) = (n(0), n(4), n(8));
        if memory > 4 * 1024 * 1024 || passes > 100 || lanes > 64 {
            return Err(invalid("the backup's key settings are out of range"));
        }
        let cipher = key(passphrase, &header[12..12 + SALT], memory, passes, lanes)?;
        let prefix: [u8; PREFIX] = header[12 + SALT..].try_into().map_err(|_| invalid("the backup's header"))?;
        let mut reader =
            OpeningReader { inner, stream: Some(DecryptorBE32::from_aead(cipher, (&prefix).into())), ahead: vec![], plain: vec![], at: 0 };
        reader.ahead = reader.next_sealed()?;
        Ok(reader)
    }

    fn next_sealed(&mut self) -> std::io::Result<Vec<u8>> {
        let mut chunk = vec![0u8; CHUNK + TAG];
        let got = fill(&mut self.inner, &mut chunk)?;
        chunk.truncate(got);
        Ok(chunk)
    }

    /// Opens the next chunk into `plain`; false at the end.
    fn open_next(&mut self) -> std::io::Result<bool> {
        if self.stream.is_none() {
            return Ok(false);
        }
        let wrong = || invalid("the backup does not open: a wrong passphrase, or the file was changed or cut short");
        let current = std::mem::take(&mut self.ahead);
        // A full chunk is the last only if nothing follows it.
        let next = if current.len() < CHUNK + TAG { vec![] } else { self.next_sealed()? };
        if next.is_empty() {
            let stream = self.stream.take().ok_or_else(wrong)?;
            self.plain = stream.decrypt_last(current.as_slice()).map_err(|_| wrong())?;
        } else {
            let stream = self.stream.as_mut().ok_or_else(wrong)?;
            self.plain = stream.decrypt_next(current.as_slice()).map_err(|_| wrong())?;
            self.ahead = next;
        }
        self.at = 0;
        Ok(true)
    }
}

impl<R: Read> Read for OpeningReader<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while self.at == self.plain.len() {
            if !self.open_next()? {
                return Ok(0);
            }
        }
        let n = out.len().min(self.plain.len() - self.at);
        out[..n].copy_from_slice(&self.plain[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seal(data: &[u8], passphrase: &str) -> Vec<u8> {
        let mut w = SealingWriter::new(Vec::new(), passphrase).unwrap();
        for piece in data.chunks(1000) {
            w.write_all(piece).unwrap();
        }
        w.finish().unwrap()
    }

    fn open(sealed: &[u8], passphrase: &str) -> std::io::Result<Vec<u8>> {
        assert_eq!(&sealed[..8], MAGIC);
        let mut r = OpeningReader::new(&sealed[8..], passphrase)?;
        let mut out = vec![];
        r.read_to_end(&mut out)?;
        Ok(out)
    }

    #[test]
    fn what_is_sealed_opens_with_the_passphrase_and_only_with_it() {
        // Empty, shorter than a chunk, exactly one and two chunks, and in between.
        for len in [0, 10, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 2 * CHUNK + 77] {
            let data: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
            let sealed = seal(&data, "correct horse");
            assert_eq!(open(&sealed, "correct horse").unwrap(), data, "length {len}");
            assert!(open(&sealed, "wrong horse").is_err(), "length {len}: a wrong passphrase");
            // Cut at the end of the chunks before the last: refused, not a shorter backup.
            let header = 8 + 12 + SALT + PREFIX;
            let whole_chunks = (sealed.len() - header - 1) / (CHUNK + TAG);
            if whole_chunks > 0 {
                let cut = &sealed[..header + whole_chunks * (CHUNK + TAG)];
                assert!(open(cut, "correct horse").is_err(), "length {len}: cut after {whole_chunks} chunks");
            }
            // One bit changed anywhere after the header: refused.
            if sealed.len() > header {
                let mut changed = sealed.clone();
                let i = header + (sealed.len() - header) / 2;
                changed[i] ^= 1;
                assert!(open(&changed, "correct horse").is_err(), "length {len}: a changed byte");
            }
        }
    }
}
