//! The client's evidence for the file (invoices, the contract, correspondence, a copy of a
//! judgment): which files are taken and what they are, read from their bytes.
//!
//! The type is decided by a hand check of the four formats' first bytes, not by the name
//! and not by a sniffing crate: four signatures and a mail header are a dozen lines, and
//! the crates that know hundreds of types do not know an `.eml` (it has no magic number),
//! so the one check that needs judgment would be ours anyway.

/// The largest file taken: 20 MiB.
pub const MAX_BYTES: usize = 20 * 1024 * 1024;

/// What a piece of evidence is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EvidenceKind {
    /// An invoice the claim rests on.
    Invoice,
    /// The contract or general terms.
    Contract,
    /// Letters and e-mails with the debtor.
    Correspondence,
    /// A copy of a judgment.
    JudgmentCopy,
    /// Anything else.
    Other,
}

impl EvidenceKind {
    /// The document kind it is listed under (`documents.kind`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Invoice => "evidence_invoice",
            Self::Contract => "evidence_contract",
            Self::Correspondence => "evidence_correspondence",
            Self::JudgmentCopy => "evidence_judgment_copy",
            Self::Other => "evidence_other",
        }
    }

    /// A title when the uploader gave none.
    pub fn default_title(self) -> &'static str {
        match self {
            Self::Invoice => "Factuur",
            Self::Contract => "Overeenkomst",
            Self::Correspondence => "Correspondentie",
            Self::JudgmentCopy => "Afschrift vonnis",
            Self::Other => "Stuk",
        }
    }
}

/// The media type of a file the office takes as evidence, from its bytes; why not
/// otherwise.
pub fn media_type(bytes: &[u8]) -> Result<&'static str, String> {
    if bytes.is_empty() {
        return Err("the file is empty".into());
    }
    if bytes.len() > MAX_BYTES {
        return Err(format!("the file is larger than {} MiB", MAX_BYTES >> 20));
    }
    if is_pdf(bytes) {
        Ok("application/pdf")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.get(12..16) == Some(b"IHDR") {
        Ok("image/png")
    } else if bytes.len() > 4 && bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Ok("image/jpeg")
    } else if is_email(bytes) {
        Ok("message/rfc822")
    } else {
        Err("not a PDF, PNG, JPEG or e-mail (.eml) file: the type is read from the bytes, not the name".into())
    }
}

/// The file name extension of a media type [`media_type`] gives (`pdf` for anything else:
/// the office's own documents).
pub fn extension(media_type: &str) -> &'static str {
    match media_type {
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "message/rfc822" => "eml",
        _ => "pdf",
    }
}

/// `%PDF-` at the start and `%%EOF` in the last KiB (what every PDF writer ends with).
fn is_pdf(bytes: &[u8]) -> bool {
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    bytes.starts_with(b"%PDF-") && tail.windows(5).any(|w| w == b"%%EOF")
}

/// An RFC 5322 message: text without NULs whose first lines are header fields up to an
/// empty line, among them `From:` and at least one of `Date:`, `Subject:`, `To:` or
/// `Message-ID:`.
fn is_email(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(64 * 1024)];
    if head.contains(&0) {
        return false;
    }
    let Ok(text) = std::str::from_utf8(head).or_else(|e| {
        // A head cut inside a multi-byte character is still text.
        std::str::from_utf8(&head[..e.valid_up_to()])
    }) else {
        return false;
    };
    let mut from = false;
    let mut other = false;
    let mut ended = false;
    for line in text.split('\n').map(|l| l.trim_end_matches('\r')) {
        if line.is_empty() {
            ended = true;
            break;
        }
        if line.starts_with([' ', '\t']) {
            continue; // a folded header line
        }
        let Some((name, _)) = line.split_once(':') else {
            return false;
        };
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_graphic()) {
            return false;
        }
        match name.to_ascii_lowercase().as_str() {
            "from" => from = true,
            "date" | "subject" | "to" | "message-id" => other = true,
            _ => {}
        }
    }
    ended && from && other
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_type_from_the_bytes() {
        assert_eq!(
            media_type(b"%PDF-1.7\n1 0 obj\n%%EOF\n"),
            Ok("application/pdf")
        );
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01";
        assert_eq!(media_type(png), Ok("image/png"));
        assert_eq!(extension("image/png"), "png");
        assert_eq!(extension("message/rfc822"), "eml");
        assert_eq!(extension("application/pdf"), "pdf");
        assert_eq!(
            media_type(&[0xff, 0xd8, 0xff, 0xe0, 0, 0x10]),
            Ok("image/jpeg")
        );
        let mail = b"From: Jan <jan@example.nl>\r\nTo: incasso@acme.example\r\nSubject: Re: factuur\r\n\tvervolg\r\n\r\nIk betaal volgende week.\r\n";
        assert_eq!(media_type(mail), Ok("message/rfc822"));
    }

    #[test]
    fn refuses_what_is_not_evidence() {
        assert!(media_type(b"").unwrap_err().contains("empty"));
        assert!(media_type(b"MZ\x90\0\x03\0\0\0").is_err());
        assert!(media_type(b"\x7fELF\x02\x01\x01").is_err());
        // A PDF header without an end is not a PDF; a text without mail headers no mail.
        assert!(media_type(b"%PDF-1.7\n").is_err());
        assert!(media_type(b"Hallo,\n\nik betaal niet.\n").is_err());
        assert!(media_type(b"From: a\nX: b\n\nbody").is_err());
        assert!(
            media_type(&vec![b'%'; MAX_BYTES + 1])
                .unwrap_err()
                .contains("20 MiB")
        );
    }
}
