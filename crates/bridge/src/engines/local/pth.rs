//! Writes a minimal PyTorch checkpoint in the zip format `torch.save` uses since 1.6 (the
//! format of published `pytorch_model.bin` files), so tests can load the tiny model through
//! the same path as a real download: a stored (uncompressed) zip holding `archive/data.pkl`,
//! a protocol-2 pickle of an `OrderedDict` of `torch._utils._rebuild_tensor_v2` calls, and one
//! `archive/data/N` file of little-endian `f32`s per tensor.

use std::io;
use std::path::Path;

/// A tensor to write: name, shape and values (row-major).
pub struct Entry<'a> {
    pub name: &'a str,
    pub shape: &'a [usize],
    pub values: &'a [f32],
}

struct Pickle(Vec<u8>);

impl Pickle {
    fn op(&mut self, op: u8) -> &mut Self {
        self.0.push(op);
        self
    }
    fn global(&mut self, module: &str, name: &str) -> &mut Self {
        self.0.push(b'c');
        self.0.extend_from_slice(format!("{module}\n{name}\n").as_bytes());
        self
    }
    fn text(&mut self, s: &str) -> &mut Self {
        self.0.push(b'X');
        self.0.extend_from_slice(&(s.len() as u32).to_le_bytes());
        self.0.extend_from_slice(s.as_bytes());
        self
    }
    fn int(&mut self, v: usize) -> &mut Self {
        self.0.push(b'J');
        self.0.extend_from_slice(&(v as i32).to_le_bytes());
        self
    }
    fn ints(&mut self, vs: &[usize]) -> &mut Self {
        self.op(b'(');
        for &v in vs {
            self.int(v);
        }
        self.op(b't')
    }
}

fn pickle(entries: &[Entry<'_>]) -> Vec<u8> {
    let mut p = Pickle(vec![0x80, 2]);
    p.global("collections", "OrderedDict").op(b')').op(b'R').op(b'(');
    for (key, e) in entries.iter().enumerate() {
        let mut stride = vec![1usize; e.shape.len()];
        for i in (0..e.shape.len().saturating_sub(1)).rev() {
            stride[i] = stride[i + 1] * e.shape[i + 1];
        }
        p.text(e.name).global("torch._utils", "_rebuild_tensor_v2").op(b'(');
        p.op(b'(').text("storage").global("torch", "FloatStorage").text(&key.to_string());
        p.text("cpu").int(e.values.len()).op(b't').op(b'Q');
        p.int(0).ints(e.shape).ints(&stride).op(0x89);
        p.global("collections", "OrderedDict").op(b')').op(b'R');
        p.op(b't').op(b'R');
    }
    p.op(b'u').op(b'.');
    p.0
}

/// A zip archive of stored files.
fn zip(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    const DATE_1980_01_01: u16 = (1 << 5) | 1;
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in files {
        let mut crc = flate2::Crc::new();
        crc.update(data);
        let offset = out.len() as u32;
        let fields = |v: &mut Vec<u8>| {
            v.extend_from_slice(&0u16.to_le_bytes()); // flags
            v.extend_from_slice(&0u16.to_le_bytes()); // stored
            v.extend_from_slice(&0u16.to_le_bytes()); // time
            v.extend_from_slice(&DATE_1980_01_01.to_le_bytes());
            v.extend_from_slice(&crc.sum().to_le_bytes());
            v.extend_from_slice(&(data.len() as u32).to_le_bytes());
            v.extend_from_slice(&(data.len() as u32).to_le_bytes());
            v.extend_from_slice(&(name.len() as u16).to_le_bytes());
            v.extend_from_slice(&0u16.to_le_bytes()); // extra
        };
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        out.extend_from_slice(&20u16.to_le_bytes());
        fields(&mut out);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);

        central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        central.extend_from_slice(&20u16.to_le_bytes()); // made by
        central.extend_from_slice(&20u16.to_le_bytes()); // needed
        fields(&mut central);
        central.extend_from_slice(&[0; 10]); // comment length, disk, internal and external attributes
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let cd_offset = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&(files.len() as u16).to_le_bytes());
    out.extend_from_slice(&(files.len() as u16).to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// Write `entries` as a PyTorch zip checkpoint at `path`.
pub fn write(path: &Path, entries: &[Entry<'_>]) -> io::Result<()> {
    let mut files = vec![("archive/data.pkl".to_owned(), pickle(entries))];
    for (key, e) in entries.iter().enumerate() {
        let bytes = e.values.iter().flat_map(|v| v.to_le_bytes()).collect();
        files.push((format!("archive/data/{key}"), bytes));
    }
    files.push(("archive/version".to_owned(), b"3\n".to_vec()));
    std::fs::write(path, zip(&files))
}
