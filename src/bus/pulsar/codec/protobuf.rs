//! A minimal proto2 encoder ([`Enc`]) and decoder ([`Fields`]): varints and length-delimited
//! fields, which is all `PulsarApi.proto`'s commands use; fixed-width fields are skipped.

use super::{proto, Result};

/// Takes `n` bytes at `pos`, or a Protocol error if the buffer is too short.
pub(super) fn take<'a>(buf: &'a [u8], pos: &mut usize, n: usize) -> Result<&'a [u8]> {
    let end = pos.checked_add(n).filter(|&end| end <= buf.len());
    let end = end.ok_or_else(|| proto(format!("truncated: {n} bytes at {pos}")))?;
    let out = &buf[*pos..end];
    *pos = end;
    Ok(out)
}

/// Appends `v` as a base-128 varint.
fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push(v.to_le_bytes()[0] | 0x80);
        v >>= 7;
    }
    out.push(v.to_le_bytes()[0]);
}

/// Reads a base-128 varint (at most 10 bytes) at `pos`.
fn get_varint(buf: &[u8], pos: &mut usize) -> Result<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let b = *buf.get(*pos).ok_or_else(|| proto("truncated varint"))?;
        *pos += 1;
        v |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Ok(v);
        }
    }
    Err(proto("varint longer than 10 bytes"))
}

/// An empty proto2 message to encode fields into.
pub(in crate::bus::pulsar) fn msg() -> Enc {
    Enc(Vec::new())
}

/// A proto2 message being encoded: fields appended in call order.
#[derive(Debug, Clone)]
pub(in crate::bus::pulsar) struct Enc(pub(in crate::bus::pulsar) Vec<u8>);

impl Enc {
    /// Appends a varint field (uint64, uint32, non-negative int32, enum, bool).
    pub(in crate::bus::pulsar) fn int(mut self, field: u32, v: u64) -> Self {
        put_varint(&mut self.0, u64::from(field) << 3);
        put_varint(&mut self.0, v);
        self
    }

    /// Appends a length-delimited field (bytes or an embedded message).
    pub(in crate::bus::pulsar) fn bytes(mut self, field: u32, b: &[u8]) -> Self {
        put_varint(&mut self.0, u64::from(field) << 3 | 2);
        put_varint(&mut self.0, b.len() as u64);
        self.0.extend_from_slice(b);
        self
    }

    /// Appends a string field.
    pub(in crate::bus::pulsar) fn str(self, field: u32, s: &str) -> Self {
        self.bytes(field, s.as_bytes())
    }

    /// Appends a `KeyValue` message field.
    pub(in crate::bus::pulsar) fn key_value(self, field: u32, key: &str, value: &str) -> Self {
        self.bytes(field, &msg().str(1, key).str(2, value).0)
    }
}

/// A decoded field value (fixed32/fixed64 fields are skipped, never stored).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(in crate::bus::pulsar) enum Val<'a> {
    /// Wire type 0.
    Int(u64),
    /// Wire type 2.
    Bytes(&'a [u8]),
}

/// The decoded fields of one proto2 message, in wire order.
#[derive(Debug)]
pub(in crate::bus::pulsar) struct Fields<'a>(pub(in crate::bus::pulsar) Vec<(u32, Val<'a>)>);

impl<'a> Fields<'a> {
    /// Decodes all fields; errors on truncation and on group wire types.
    pub(in crate::bus::pulsar) fn parse(buf: &'a [u8]) -> Result<Self> {
        let (mut pos, mut out) = (0, Vec::new());
        while pos < buf.len() {
            let key = get_varint(buf, &mut pos)?;
            let field = u32::try_from(key >> 3).map_err(|_| proto("bad field number"))?;
            match key & 7 {
                0 => out.push((field, Val::Int(get_varint(buf, &mut pos)?))),
                1 => drop(take(buf, &mut pos, 8)?),
                2 => {
                    let len = usize::try_from(get_varint(buf, &mut pos)?);
                    let len = len.unwrap_or(usize::MAX);
                    out.push((field, Val::Bytes(take(buf, &mut pos, len)?)));
                }
                5 => drop(take(buf, &mut pos, 4)?),
                wire => return Err(proto(format!("unsupported wire type {wire}"))),
            }
        }
        Ok(Self(out))
    }

    /// The last value of `field`, as protobuf's "last one wins" prescribes.
    fn get(&self, field: u32) -> Option<Val<'a>> {
        self.0.iter().rev().find(|e| e.0 == field).map(|e| e.1)
    }

    /// A varint field.
    pub(in crate::bus::pulsar) fn int(&self, field: u32) -> Option<u64> {
        self.get(field)
            .and_then(|v| if let Val::Int(n) = v { Some(n) } else { None })
    }

    /// A length-delimited field.
    pub(in crate::bus::pulsar) fn bytes(&self, field: u32) -> Option<&'a [u8]> {
        self.get(field)
            .and_then(|v| if let Val::Bytes(b) = v { Some(b) } else { None })
    }

    /// Every value of a repeated string field, in wire order (invalid UTF-8 replaced).
    pub(in crate::bus::pulsar) fn strings(&self, field: u32) -> Vec<String> {
        self.all_bytes(field)
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .collect()
    }

    /// Every value of a repeated length-delimited field, in wire order.
    pub(super) fn all_bytes(&self, field: u32) -> impl Iterator<Item = &'a [u8]> + '_ {
        self.0.iter().filter_map(move |&(f, v)| match v {
            Val::Bytes(b) if f == field => Some(b),
            _ => None,
        })
    }

    /// A string field (invalid UTF-8 replaced).
    pub(in crate::bus::pulsar) fn string(&self, field: u32) -> Option<String> {
        let bytes = self.bytes(field)?;
        Some(String::from_utf8_lossy(bytes).into_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::super::int32;
    use super::*;

    #[test]
    fn varints_round_trip() {
        for v in [0, 1, 127, 128, 300, 16_384, u64::from(u32::MAX), u64::MAX] {
            let (mut buf, mut pos) = (Vec::new(), 0);
            put_varint(&mut buf, v);
            assert_eq!(get_varint(&buf, &mut pos).expect("decode"), v);
            assert_eq!(pos, buf.len());
        }
        let mut buf = Vec::new();
        put_varint(&mut buf, 300);
        assert_eq!(buf, [0xac, 0x02]);
        assert!(get_varint(&[0x80, 0x80], &mut 0).is_err());
        assert!(get_varint(&[0xff; 11], &mut 0).is_err());
        assert_eq!((int32(u64::MAX), int32(7)), (None, Some(7)), "-1 is unset");
    }

    #[test]
    fn fields_round_trip_and_reject_garbage() {
        let inner = msg().int(1, 7).int(2, 9);
        let enc = msg().int(1, 150).str(2, "héllo");
        let enc = enc.bytes(3, &inner.0).int(1, 151).bytes(3, b"");
        assert_eq!(enc.0[..3], [0x08, 0x96, 0x01]);
        let f = Fields::parse(&enc.0).expect("parse");
        assert_eq!(f.int(1), Some(151), "last value wins");
        assert_eq!(f.string(2).as_deref(), Some("héllo"));
        assert_eq!(
            f.all_bytes(3).count(),
            2,
            "repeated fields keep every value"
        );
        let nested = Fields::parse(f.all_bytes(3).next().expect("nested")).expect("parse");
        assert_eq!((nested.int(1), nested.int(2)), (Some(7), Some(9)));
        assert_eq!((f.int(2), f.bytes(1), f.int(99)), (None, None, None));
        // fixed32 and fixed64 are skipped; groups, truncation and bad lengths are errors.
        let fixed = [0x0d, 1, 2, 3, 4, 0x11, 1, 2, 3, 4, 5, 6, 7, 8, 0x18, 5];
        assert_eq!(Fields::parse(&fixed).expect("fixed").0, [(3, Val::Int(5))]);
        for bad in [&[0x0b][..], &[0x12, 5, b'a'], &[0x12, 0x80], &[8]] {
            assert!(Fields::parse(bad).is_err(), "{bad:?}");
        }
    }
}
