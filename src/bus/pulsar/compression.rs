//! Pulsar's payload compression codecs (`CompressionType` of `PulsarApi.proto`), framed as the
//! official clients frame them: the whole payload of an entry (a single message, or every
//! message of a batch with their metadata) is compressed in one piece, and the metadata
//! carries the codec and the uncompressed size.
//!
//! - LZ4: one raw LZ4 block, no size prefix and no frame header (the size is in the metadata).
//! - ZLIB: a zlib stream (RFC 1950: header, deflate data, Adler-32).
//! - ZSTD: one zstd frame.
//! - SNAPPY: raw Snappy (not the framed format).
//!
//! Owns bytes only. Decompression is bounded by the size the metadata announces (itself
//! capped at [`MAX_UNCOMPRESSED`]) and never panics on hostile input: it is an error.

use std::fmt;
use std::io::{Read, Write};

/// Largest uncompressed entry accepted: far above Pulsar's 5 MiB message limit (a batch of
/// compressible messages can expand past it), low enough that a lying header cannot make arc
/// allocate without bound.
pub(super) const MAX_UNCOMPRESSED: usize = 64 * 1024 * 1024;

/// A `CompressionType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Compression {
    /// Not compressed.
    #[default]
    None,
    /// LZ4 block.
    Lz4,
    /// zlib.
    Zlib,
    /// Zstandard.
    Zstd,
    /// Raw Snappy.
    Snappy,
}

impl Compression {
    /// Every codec, in protocol order.
    #[cfg(test)]
    pub(crate) const ALL: [Self; 5] = [Self::None, Self::Lz4, Self::Zlib, Self::Zstd, Self::Snappy];

    /// The codec of a `MessageMetadata.compression` value, or `None` for an unknown one.
    pub(super) fn from_code(code: u64) -> Option<Self> {
        Some(match code {
            0 => Self::None,
            1 => Self::Lz4,
            2 => Self::Zlib,
            3 => Self::Zstd,
            4 => Self::Snappy,
            _ => return None,
        })
    }

    /// The `MessageMetadata.compression` value.
    pub(super) fn code(self) -> u64 {
        match self {
            Self::None => 0,
            Self::Lz4 => 1,
            Self::Zlib => 2,
            Self::Zstd => 3,
            Self::Snappy => 4,
        }
    }

    /// Compresses `data`.
    pub(super) fn compress(self, data: &[u8]) -> Result<Vec<u8>, String> {
        match self {
            Self::None => Ok(data.to_vec()),
            Self::Lz4 => Ok(lz4_flex::block::compress(data)),
            Self::Zlib => {
                let mut enc = flate2::write::ZlibEncoder::new(
                    Vec::with_capacity(data.len() / 2),
                    flate2::Compression::default(),
                );
                enc.write_all(data).map_err(|e| e.to_string())?;
                enc.finish().map_err(|e| e.to_string())
            }
            // Level 3: zstd's default, and the official clients'.
            Self::Zstd => zstd::bulk::compress(data, 3).map_err(|e| e.to_string()),
            Self::Snappy => snap::raw::Encoder::new()
                .compress_vec(data)
                .map_err(|e| e.to_string()),
        }
    }

    /// Decompresses `data`, which must expand to exactly `size` bytes (at most
    /// [`MAX_UNCOMPRESSED`]); the error says what was wrong, for a person.
    pub(super) fn decompress(self, data: &[u8], size: usize) -> Result<Vec<u8>, String> {
        if size > MAX_UNCOMPRESSED {
            return Err(format!(
                "its uncompressed size {size} exceeds arc's limit of {MAX_UNCOMPRESSED} bytes"
            ));
        }
        let out = match self {
            Self::None => data.to_vec(),
            Self::Lz4 => {
                let mut out = vec![0; size];
                let n = lz4_flex::block::decompress_into(data, &mut out)
                    .map_err(|e| format!("LZ4: {e}"))?;
                out.truncate(n);
                out
            }
            Self::Zlib => {
                let mut out = Vec::with_capacity(size);
                // One byte past the size, to tell "longer than announced" from "exact".
                let limit = u64::try_from(size).unwrap_or(u64::MAX).saturating_add(1);
                flate2::read::ZlibDecoder::new(data)
                    .take(limit)
                    .read_to_end(&mut out)
                    .map_err(|e| format!("ZLIB: {e}"))?;
                out
            }
            Self::Zstd => zstd::bulk::decompress(data, size).map_err(|e| format!("ZSTD: {e}"))?,
            Self::Snappy => {
                let len = snap::raw::decompress_len(data).map_err(|e| format!("SNAPPY: {e}"))?;
                if len != size {
                    return Err(format!(
                        "SNAPPY data expands to {len} bytes, the metadata says {size}"
                    ));
                }
                snap::raw::Decoder::new()
                    .decompress_vec(data)
                    .map_err(|e| format!("SNAPPY: {e}"))?
            }
        };
        if out.len() != size {
            return Err(format!(
                "{self} data expands to {}{} bytes, the metadata says {size}",
                out.len(),
                if out.len() > size { " or more" } else { "" }
            ));
        }
        Ok(out)
    }
}

impl fmt::Display for Compression {
    /// The protocol's name: `NONE`, `LZ4`, `ZLIB`, `ZSTD` or `SNAPPY`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::None => "NONE",
            Self::Lz4 => "LZ4",
            Self::Zlib => "ZLIB",
            Self::Zstd => "ZSTD",
            Self::Snappy => "SNAPPY",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic, partly compressible body of `n` bytes.
    fn body(n: usize, seed: u64) -> Vec<u8> {
        let mut x = seed | 1;
        (0..n)
            .map(|i| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                if i % 3 == 0 {
                    b'a'
                } else {
                    x.to_le_bytes()[0] % 16 + b'A'
                }
            })
            .collect()
    }

    #[test]
    fn every_codec_round_trips_generated_bodies() {
        for seed in 0..40u64 {
            let n = usize::try_from(seed * seed * 37 % 70_000).expect("small");
            let data = body(n, seed);
            for codec in Compression::ALL {
                let packed = codec.compress(&data).expect("compress");
                let back = codec.decompress(&packed, data.len()).expect("decompress");
                assert_eq!(back, data, "{codec} on {n} bytes");
            }
        }
    }

    /// The framing the official clients use, checked against independent encodings: a raw
    /// LZ4 block starts with a token (no `04 22 4D 18` frame magic, no size prefix), zlib
    /// with its `78` header, zstd with its frame magic, raw Snappy with the varint length.
    #[test]
    fn framing_matches_the_protocol() {
        let data = b"hello hello hello hello hello hello".to_vec();
        let lz4 = Compression::Lz4.compress(&data).expect("lz4");
        assert_ne!(lz4[..4], [0x04, 0x22, 0x4d, 0x18], "a block, not a frame");
        assert_ne!(
            lz4[..4],
            u32::try_from(data.len()).expect("len").to_le_bytes()
        );
        assert_eq!(Compression::Zlib.compress(&data).expect("zlib")[0], 0x78);
        let zstd = Compression::Zstd.compress(&data).expect("zstd");
        assert_eq!(zstd[..4], [0x28, 0xb5, 0x2f, 0xfd]);
        let snappy = Compression::Snappy.compress(&data).expect("snappy");
        assert_eq!(snappy[0], 35, "the uncompressed length as a varint");
        assert_ne!(snappy[..4], [0xff, 0x06, 0x00, 0x00], "raw, not framed");
        // A known raw LZ4 block: one literal run of 5 bytes ("hello"), end of block.
        let block = [0x50, b'h', b'e', b'l', b'l', b'o'];
        assert_eq!(
            Compression::Lz4.decompress(&block, 5).expect("known block"),
            b"hello"
        );
    }

    #[test]
    fn garbage_and_lying_sizes_are_errors_not_panics() {
        let data = body(5000, 7);
        for codec in Compression::ALL {
            let packed = codec.compress(&data).expect("compress");
            for size in [0, 1, data.len() - 1, data.len() + 1] {
                assert!(codec.decompress(&packed, size).is_err(), "{codec} {size}");
            }
            for seed in 0..200u64 {
                let mut bad = packed.clone();
                let at = usize::try_from(seed * 7919).expect("small") % bad.len();
                bad[at] ^= u8::try_from(seed % 255 + 1).expect("byte");
                bad.truncate(bad.len() - usize::try_from(seed % 3).expect("small"));
                // Corruption may go unnoticed (a different body of the same size); what
                // matters is that it is never a panic and never an unbounded allocation.
                let _ = codec.decompress(&bad, data.len());
            }
        }
        let err = Compression::Zstd
            .decompress(&[], MAX_UNCOMPRESSED + 1)
            .expect_err("too big");
        assert!(err.contains("exceeds arc's limit"), "{err}");
    }
}
