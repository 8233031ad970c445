//! Files attached to entries: reports, maps, slides and data behind a practice or a project. Only a few kinds of
//! file are accepted, recognised from their bytes (not from what the uploader says), each at most
//! [`MAX_ATTACHMENT_BYTES`]; an entry shows at most [`MAX_ATTACHMENTS`]. The bytes are kept in the data directory
//! under their SHA-256, written to a temporary file and renamed, so a file is there whole or not at all.

use std::path::{Path, PathBuf};

use mitra_domain::access::AuditStamp;
use mitra_domain::{Actor, EntryId, Reason, ValidationError};
use mitra_store::Attachment;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::{Mitra, ServiceError};

/// The largest file accepted.
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;

/// The most files one entry shows.
pub const MAX_ATTACHMENTS: usize = 20;

/// What is accepted, for messages and the file picker's `accept`.
pub const ACCEPTED: &str = ".pdf,.png,.jpg,.jpeg,.webp,.csv,.txt,.docx,.xlsx,.pptx";

/// The media type of `bytes` named `name`, if it is one Mitra accepts.
pub fn sniff(name: &str, bytes: &[u8]) -> Option<&'static str> {
    let extension = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    if bytes.starts_with(b"%PDF-") {
        return Some("application/pdf");
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some("image/png");
    }
    if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        return Some("image/jpeg");
    }
    if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return Some("image/webp");
    }
    if bytes.starts_with(b"PK\x03\x04") {
        // Office Open XML files are ZIP archives; the part names say which one.
        let has = |part: &[u8]| bytes.windows(part.len()).any(|w| w == part);
        return match extension.as_str() {
            "docx" if has(b"word/") => {
                Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
            }
            "xlsx" if has(b"xl/") => {
                Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            }
            "pptx" if has(b"ppt/") => {
                Some("application/vnd.openxmlformats-officedocument.presentationml.presentation")
            }
            _ => None,
        };
    }
    let text = std::str::from_utf8(bytes).ok().filter(|t| {
        !t.chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    });
    match (extension.as_str(), text) {
        ("csv", Some(_)) => Some("text/csv; charset=utf-8"),
        ("txt", Some(_)) => Some("text/plain; charset=utf-8"),
        _ => None,
    }
}

fn check_name(name: &str) -> Result<String, ValidationError> {
    let name = name.trim();
    let bad = name.is_empty()
        || name.chars().count() > 200
        || name == "."
        || name == ".."
        || name
            .chars()
            .any(|c| c.is_control() || matches!(c, '/' | '\\' | '"'));
    if bad {
        return Err(ValidationError::new("name", Reason::bad_file_name(200)));
    }
    Ok(name.to_owned())
}

fn check_sha(sha256: &str) -> Result<(), ValidationError> {
    if sha256.len() == 64
        && sha256
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        Ok(())
    } else {
        Err(ValidationError::new(
            "file",
            Reason::not_a_digest(mitra_domain::ids::clip(sha256)),
        ))
    }
}

fn write_whole(dir: &Path, sha256: &str, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let target = dir.join(sha256);
    if target.exists() {
        return Ok(());
    }
    let temporary = dir.join(format!(".{sha256}.part"));
    std::fs::write(&temporary, bytes)?;
    std::fs::rename(&temporary, &target)
}

/// An uploaded file that passed the checks, before it is kept.
pub(crate) struct Upload {
    name: String,
    content_type: &'static str,
    /// Its SHA-256, lower-case hex.
    pub(crate) sha256: String,
}

/// Checks an uploaded file: a safe name, not empty, at most [`MAX_ATTACHMENT_BYTES`], of an accepted kind as found
/// from its bytes.
pub(crate) fn check_upload(name: &str, bytes: &[u8]) -> Result<Upload, ValidationError> {
    let name = check_name(name)?;
    if bytes.is_empty() {
        return Err(ValidationError::new("file", Reason::file_empty()));
    }
    if bytes.len() > MAX_ATTACHMENT_BYTES {
        return Err(ValidationError::new(
            "file",
            Reason::file_too_large(bytes.len(), MAX_ATTACHMENT_BYTES),
        ));
    }
    let content_type = sniff(&name, bytes)
        .ok_or_else(|| ValidationError::new("file", Reason::file_kind(&name)))?;
    Ok(Upload {
        sha256: crate::auth::hex(&Sha256::digest(bytes)),
        name,
        content_type,
    })
}

impl Mitra {
    /// Writes a checked upload's bytes to the files directory (whole or not at all) and describes it as kept by
    /// `writer`, for the store to record.
    pub(crate) async fn keep_file(
        &self,
        upload: Upload,
        bytes: &[u8],
        writer: &AuditStamp,
    ) -> Result<Attachment, ServiceError> {
        let dir = self.files_dir()?.to_owned();
        let (owned, key) = (bytes.to_vec(), upload.sha256.clone());
        tokio::task::spawn_blocking(move || write_whole(&dir, &key, &owned))
            .await
            .map_err(|e| ServiceError::Internal(e.into()))?
            .map_err(|e| ServiceError::Internal(e.into()))?;
        Ok(Attachment {
            sha256: upload.sha256,
            name: upload.name,
            content_type: upload.content_type.to_owned(),
            size: bytes.len() as u64,
            created_by: writer.as_str().to_owned(),
            created_at: OffsetDateTime::now_utc(),
        })
    }

    /// The bytes of kept file `file`.
    pub(crate) async fn read_file(&self, file: &Attachment) -> Result<Vec<u8>, ServiceError> {
        let path = self.files_dir()?.join(&file.sha256);
        tokio::fs::read(&path)
            .await
            .map_err(|e| ServiceError::Internal(anyhow::anyhow!("{}: {e}", path.display())))
    }

    /// Keeps attached files in `dir` (under the data directory). Without it, attachments are refused.
    pub fn with_files_dir(mut self, dir: PathBuf) -> Self {
        self.files = Some(std::sync::Arc::new(dir));
        self
    }

    fn files_dir(&self) -> Result<&Path, ServiceError> {
        self.files
            .as_deref()
            .map(PathBuf::as_path)
            .ok_or_else(|| ValidationError::new("file", Reason::no_file_store()).into())
    }

    /// Attaches `bytes`, uploaded as `name`, to entry `id`: for those who may edit the entry.
    pub async fn attach(
        &self,
        actor: &Actor,
        id: &EntryId,
        name: &str,
        bytes: &[u8],
    ) -> Result<Attachment, ServiceError> {
        let stored = self.entry(id).await?;
        let writer = self.entry_writer(actor, &stored).await?;
        let upload = check_upload(name, bytes)?;
        let existing = self.store.list_attachments(&stored.entry.id).await?;
        if existing.len() >= MAX_ATTACHMENTS {
            return Err(
                ValidationError::new("file", Reason::too_many_files(MAX_ATTACHMENTS)).into(),
            );
        }
        if let Some(same) = existing.iter().find(|a| a.sha256 == upload.sha256) {
            return Err(ServiceError::Conflict(Reason::already_attached(&same.name)));
        }
        let file = self.keep_file(upload, bytes, &writer).await?;
        self.store
            .add_attachment(&stored.entry.id, &file, &writer)
            .await?;
        Ok(file)
    }

    /// The files entry `id` shows, to those who may see the entry.
    pub async fn attachments(
        &self,
        actor: &Actor,
        id: &EntryId,
    ) -> Result<Vec<Attachment>, ServiceError> {
        let stored = self.entry_for(actor, id).await?;
        Ok(self.store.list_attachments(&stored.entry.id).await?)
    }

    /// One file of entry `id`, with its bytes.
    pub async fn attachment(
        &self,
        actor: &Actor,
        id: &EntryId,
        sha256: &str,
    ) -> Result<(Attachment, Vec<u8>), ServiceError> {
        check_sha(sha256)?;
        let not_found = || ServiceError::NotFound {
            entity: "attachment",
            id: format!("{id}/{sha256}"),
        };
        let file = self
            .attachments(actor, id)
            .await?
            .into_iter()
            .find(|a| a.sha256 == sha256)
            .ok_or_else(not_found)?;
        let bytes = self.read_file(&file).await?;
        Ok((file, bytes))
    }

    /// Removes file `sha256` from entry `id`, and from the disk when no entry shows it any more.
    pub async fn detach(
        &self,
        actor: &Actor,
        id: &EntryId,
        sha256: &str,
    ) -> Result<(), ServiceError> {
        let stored = self.entry(id).await?;
        let writer = self.entry_writer(actor, &stored).await?;
        check_sha(sha256)?;
        if !self
            .store
            .remove_attachment(&stored.entry.id, sha256, &writer)
            .await?
        {
            return Err(ServiceError::NotFound {
                entity: "attachment",
                id: format!("{id}/{sha256}"),
            });
        }
        self.forget_files(&[sha256.to_owned()]).await
    }

    /// Deletes from the disk those of `files` that no entry shows and no partnership keeps.
    pub(crate) async fn forget_files(&self, files: &[String]) -> Result<(), ServiceError> {
        let Some(dir) = self.files.as_deref() else {
            return Ok(());
        };
        for sha256 in files {
            if !self.store.attachment_in_use(sha256).await? {
                match tokio::fs::remove_file(dir.join(sha256)).await {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => {
                        tracing::warn!(error = %e, file = %sha256, "attachment.remove_failed")
                    }
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{check_name, sniff};

    #[test]
    fn files_are_recognised_from_their_bytes() {
        assert_eq!(sniff("a.pdf", b"%PDF-1.7 ..."), Some("application/pdf"));
        assert_eq!(
            sniff("renamed.txt", b"%PDF-1.7 ..."),
            Some("application/pdf")
        );
        assert_eq!(sniff("a.png", b"\x89PNG\r\n\x1a\nrest"), Some("image/png"));
        assert_eq!(
            sniff("data.csv", "city,值\nbangkok,1\n".as_bytes()),
            Some("text/csv; charset=utf-8")
        );
        assert_eq!(sniff("tool.exe", b"MZ\x90\x00"), None);
        assert_eq!(sniff("page.html", b"<script>alert(1)</script>"), None);
        assert_eq!(
            sniff("data.csv", b"a,b\x00\x01"),
            None,
            "binary is not text"
        );
        assert_eq!(
            sniff("sheet.xlsx", b"PK\x03\x04....xl/workbook.xml"),
            Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        );
        assert_eq!(sniff("archive.zip", b"PK\x03\x04....anything"), None);
    }

    #[test]
    fn names_cannot_reach_outside_or_break_headers() {
        assert!(check_name("Report 2019 (final).pdf").is_ok());
        assert!(check_name("报告.pdf").is_ok());
        for bad in ["", "../x.pdf", "a\\b.pdf", "a\"b.pdf", "a\nb.pdf", ".."] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
    }
}
