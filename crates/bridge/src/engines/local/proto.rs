//! Just enough of the protobuf wire format to read and write a SentencePiece `ModelProto`:
//! varints, 32-bit floats and length-delimited fields. Unknown fields are skipped, as protobuf
//! readers must, so newer `.spm` files with extra fields still read.

use thiserror::Error;

/// A wire-format error, with the byte offset where reading stopped.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("protobuf: {what} at byte {offset}")]
pub struct ProtoError {
    pub offset: usize,
    pub what: &'static str,
}

/// One field's value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    Varint(u64),
    Fixed64(u64),
    Bytes(&'a [u8]),
    Fixed32(u32),
}

impl Value<'_> {
    /// The value as a bool or integer (varint fields).
    pub fn varint(self) -> Option<u64> {
        match self {
            Value::Varint(v) => Some(v),
            _ => None,
        }
    }

    /// The value as a 32-bit float (`float` fields are fixed32).
    pub fn float(self) -> Option<f32> {
        match self {
            Value::Fixed32(v) => Some(f32::from_bits(v)),
            _ => None,
        }
    }

    /// The bytes of a string, bytes or embedded-message field.
    pub fn bytes(&self) -> Option<&[u8]> {
        match self {
            Value::Bytes(b) => Some(b),
            _ => None,
        }
    }
}

/// Reads the fields of one message in order.
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    fn err(&self, what: &'static str) -> ProtoError {
        ProtoError { offset: self.pos, what }
    }

    fn read_varint(&mut self) -> Result<u64, ProtoError> {
        let mut v: u64 = 0;
        for i in 0..10 {
            let b = *self.buf.get(self.pos).ok_or_else(|| self.err("truncated varint"))?;
            self.pos += 1;
            v |= u64::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(self.err("varint longer than 10 bytes"))
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], ProtoError> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.buf.len());
        let end = end.ok_or_else(|| self.err("field runs past the end"))?;
        let s = &self.buf[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    /// The next field number and value, or `None` at the end of the message.
    pub fn next_field(&mut self) -> Result<Option<(u32, Value<'a>)>, ProtoError> {
        if self.pos >= self.buf.len() {
            return Ok(None);
        }
        let key = self.read_varint()?;
        let field = u32::try_from(key >> 3).map_err(|_| self.err("field number too large"))?;
        if field == 0 {
            return Err(self.err("field number 0"));
        }
        let value = match key & 7 {
            0 => Value::Varint(self.read_varint()?),
            1 => {
                let b = self.take(8)?;
                Value::Fixed64(u64::from_le_bytes(b.try_into().map_err(|_| self.err("fixed64"))?))
            }
            2 => {
                let len = self.read_varint()?;
                let len = usize::try_from(len).map_err(|_| self.err("length too large"))?;
                Value::Bytes(self.take(len)?)
            }
            5 => {
                let b = self.take(4)?;
                Value::Fixed32(u32::from_le_bytes(b.try_into().map_err(|_| self.err("fixed32"))?))
            }
            _ => return Err(self.err("unsupported wire type")),
        };
        Ok(Some((field, value)))
    }
}

/// Builds one message.
#[derive(Debug, Default)]
pub struct Writer {
    buf: Vec<u8>,
}

impl Writer {
    pub fn new() -> Self {
        Writer::default()
    }

    fn raw_varint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.buf.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.buf.push(v as u8);
    }

    fn key(&mut self, field: u32, wire: u64) {
        self.raw_varint((u64::from(field) << 3) | wire);
    }

    /// A varint field (integers, bools, enums). Negative `int32`s take ten bytes, as in protobuf.
    pub fn varint(&mut self, field: u32, v: i64) -> &mut Self {
        self.key(field, 0);
        self.raw_varint(v as u64);
        self
    }

    /// A `float` field.
    pub fn float(&mut self, field: u32, v: f32) -> &mut Self {
        self.key(field, 5);
        self.buf.extend_from_slice(&v.to_bits().to_le_bytes());
        self
    }

    /// A `string`, `bytes` or embedded-message field.
    pub fn bytes(&mut self, field: u32, v: &[u8]) -> &mut Self {
        self.key(field, 2);
        self.raw_varint(v.len() as u64);
        self.buf.extend_from_slice(v);
        self
    }

    pub fn finish(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_fields_and_skips_nothing() {
        let inner = Writer::new().varint(1, 300).finish();
        let msg = Writer::new()
            .bytes(1, b"piece")
            .float(2, -1.5)
            .varint(3, -1)
            .bytes(4, &inner)
            .varint(9, 1)
            .finish();
        let mut r = Reader::new(&msg);
        let mut got = Vec::new();
        while let Some((f, v)) = r.next_field().expect("valid message") {
            got.push((f, v));
        }
        assert_eq!(got[0], (1, Value::Bytes(b"piece")));
        assert_eq!(got[1].1.float(), Some(-1.5));
        assert_eq!(got[2].1.varint().map(|v| v as i64), Some(-1));
        assert_eq!(got[3].1.bytes(), Some(&inner[..]));
        assert_eq!(got[4], (9, Value::Varint(1)));
    }

    #[test]
    fn truncated_input_is_an_error() {
        let msg = Writer::new().bytes(1, b"piece").finish();
        let mut r = Reader::new(&msg[..4]);
        assert_eq!(r.next_field().map_err(|e| e.what), Err("field runs past the end"));
        let mut r = Reader::new(&[0x08, 0xff]);
        assert!(r.next_field().is_err());
        let mut r = Reader::new(&[0x0f]);
        assert_eq!(r.next_field().map_err(|e| e.what), Err("unsupported wire type"));
    }
}
