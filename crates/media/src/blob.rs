//! Content-addressed blob storage over `object_store`.
//!
//! A blob's key is the SHA-256 of its bytes, fanned out over two directory levels so no
//! directory grows huge: `ab/cd/abcd…(64 hex).jpg`. The same bytes always get the same key and
//! are written once (an atomic create-if-absent), so retried uploads and re-posted pictures cost
//! nothing. Keys are not secrets: they name public media.
//!
//! `object_store` gives the local filesystem today and S3-compatible stores later through
//! [`BlobStore::new`], without changing callers.

use std::path::Path as FsPath;
use std::sync::Arc;

use bytes::Bytes;
use object_store::local::LocalFileSystem;
use object_store::memory::InMemory;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutMode, PutOptions, PutPayload};
use sha2::{Digest, Sha256};

use crate::error::MediaError;

/// Where media bytes live. Cheap to clone.
#[derive(Debug, Clone)]
pub struct BlobStore {
    store: Arc<dyn ObjectStore>,
}

/// The key `bytes` are stored under with extension `ext`: `ab/cd/<sha256 hex>.<ext>`.
pub fn content_key(bytes: &[u8], ext: &str) -> String {
    let digest = Sha256::digest(bytes);
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("{}/{}/{hex}.{ext}", &hex[0..2], &hex[2..4])
}

impl BlobStore {
    /// Wrap any `object_store` backend (S3, GCS, …).
    pub fn new(store: Arc<dyn ObjectStore>) -> Self {
        BlobStore { store }
    }

    /// Store blobs as files under `dir`, which is created if missing.
    pub fn local(dir: &FsPath) -> Result<Self, MediaError> {
        std::fs::create_dir_all(dir).map_err(|source| {
            MediaError::Storage(object_store::Error::Generic {
                store: "LocalFileSystem",
                source: Box::new(source),
            })
        })?;
        Ok(BlobStore::new(Arc::new(LocalFileSystem::new_with_prefix(dir)?)))
    }

    /// A store in memory, for tests and the simulator.
    pub fn in_memory() -> Self {
        BlobStore::new(Arc::new(InMemory::new()))
    }

    /// Store `bytes` and return their key. Storing the same bytes again writes nothing and
    /// returns the same key. `ext` is a short lower-case extension such as `jpg`.
    pub async fn put(&self, bytes: &[u8], ext: &str) -> Result<String, MediaError> {
        if ext.is_empty()
            || ext.len() > 8
            || !ext.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        {
            return Err(MediaError::Internal { detail: format!("invalid blob extension {ext:?}") });
        }
        let key = content_key(bytes, ext);
        let path = Path::from(key.as_str());
        // A cheap existence check first saves re-uploading a duplicate to a remote store; the
        // create-if-absent write settles races between two uploads of the same bytes.
        match self.store.head(&path).await {
            Ok(_) => return Ok(key),
            Err(object_store::Error::NotFound { .. }) => {}
            Err(e) => return Err(e.into()),
        }
        let opts = PutOptions { mode: PutMode::Create, ..PutOptions::default() };
        match self.store.put_opts(&path, PutPayload::from(bytes.to_vec()), opts).await {
            Ok(_) | Err(object_store::Error::AlreadyExists { .. }) => Ok(key),
            Err(e) => Err(e.into()),
        }
    }

    /// The bytes stored under `key`, or `None` when there are none. A key that could not have
    /// come from [`BlobStore::put`] (say, `../../etc/passwd` from a URL) is simply not found.
    pub async fn get(&self, key: &str) -> Result<Option<Bytes>, MediaError> {
        if !is_content_key(key) {
            return Ok(None);
        }
        match self.store.get(&Path::from(key)).await {
            Ok(result) => Ok(Some(result.bytes().await?)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }
}

impl BlobStore {
    /// Whether bytes are stored under `key`.
    pub async fn exists(&self, key: &str) -> Result<bool, MediaError> {
        if !is_content_key(key) {
            return Ok(false);
        }
        match self.store.head(&Path::from(key)).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// Remove the bytes under `key`; removing what is not there is not an error.
    pub async fn delete(&self, key: &str) -> Result<(), MediaError> {
        if !is_content_key(key) {
            return Ok(());
        }
        match self.store.delete(&Path::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Store `bytes` under `key` again (after a collection raced an upload of the same bytes).
    pub async fn restore(&self, key: &str, bytes: Bytes) -> Result<(), MediaError> {
        if !is_content_key(key) {
            return Err(MediaError::Internal { detail: format!("not a blob key: {key:?}") });
        }
        self.store.put(&Path::from(key), PutPayload::from(bytes)).await?;
        Ok(())
    }
}

/// `ab/cd/<64 lower-case hex starting with abcd>.<1..=8 lower-case alphanumerics>`.
fn is_content_key(key: &str) -> bool {
    let hex = |s: &str| s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    let mut parts = key.split('/');
    let (Some(a), Some(b), Some(file), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let Some((digest, ext)) = file.split_once('.') else {
        return false;
    };
    a.len() == 2
        && b.len() == 2
        && digest.len() == 64
        && hex(digest)
        && digest.starts_with(a)
        && digest[2..].starts_with(b)
        && (1..=8).contains(&ext.len())
        && ext.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use futures_util::TryStreamExt;

    use super::*;

    #[test]
    fn content_keys_are_fanned_out_sha256() {
        // SHA-256 of "abc".
        let key = content_key(b"abc", "jpg");
        assert_eq!(
            key,
            "ba/78/ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad.jpg"
        );
        assert!(is_content_key(&key));
        assert!(!is_content_key(
            "../78/ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad.jpg"
        ));
        assert!(!is_content_key(
            "aa/78/ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad.jpg"
        ));
        assert!(!is_content_key(
            "ba/78/ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        ));
        assert!(!is_content_key(
            "ba/78/x/ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad.jpg"
        ));
        assert!(!is_content_key(""));
    }

    async fn count(store: &BlobStore) -> usize {
        let listed: Vec<_> = store.store.list(None).try_collect().await.expect("list");
        listed.len()
    }

    #[tokio::test]
    async fn same_bytes_same_key_stored_once() {
        let store = BlobStore::in_memory();
        let first = store.put(b"picture", "jpg").await.expect("put");
        let etag = store.store.head(&Path::from(first.as_str())).await.expect("head").e_tag;
        let second = store.put(b"picture", "jpg").await.expect("put again");
        assert_eq!(first, second);
        assert_eq!(count(&store).await, 1);
        // The in-memory store bumps the e-tag on every write: unchanged means not rewritten.
        let again = store.store.head(&Path::from(first.as_str())).await.expect("head").e_tag;
        assert_eq!(etag, again);

        let other = store.put(b"another picture", "jpg").await.expect("put other");
        assert_ne!(first, other);
        assert_eq!(count(&store).await, 2);
        assert_eq!(store.get(&first).await.expect("get").as_deref(), Some(&b"picture"[..]));
    }

    #[tokio::test]
    async fn missing_or_foreign_keys_are_none() {
        let store = BlobStore::in_memory();
        let absent = content_key(b"never stored", "png");
        assert_eq!(store.get(&absent).await.expect("get"), None);
        assert_eq!(store.get("../../etc/passwd").await.expect("get"), None);
        assert!(store.put(b"x", "../jpg").await.is_err());
        assert!(store.put(b"x", "").await.is_err());
    }

    #[tokio::test]
    async fn local_directory_round_trip() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("media");
        let store = BlobStore::local(&root).expect("local store");
        let key = store.put(b"local bytes", "png").await.expect("put");
        assert_eq!(store.put(b"local bytes", "png").await.expect("put again"), key);
        assert!(root.join(&key).is_file(), "stored as a plain file at its key");
        assert_eq!(store.get(&key).await.expect("get").as_deref(), Some(&b"local bytes"[..]));
        assert_eq!(count(&store).await, 1);
        assert_eq!(store.get(&content_key(b"nope", "png")).await.expect("get"), None);
    }
}
