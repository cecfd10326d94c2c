//! Decoding what AWS sends: base64, gzip (bounded: a small compressed payload must not be
//! able to exhaust a 128 MB function), and the CloudWatch Logs subscription JSON.
//!
//! Errors describe what failed and where (a JSON line and column), never the content: an
//! event that fails to decode may still hold a secret, and errors end up in logs.

use std::io::Read;

use aws_lambda_events::event::cloudwatch_logs::LogData;
use base64::Engine;

/// Most bytes a gzipped payload may expand to. CloudWatch Logs sends at most about 1 MB
/// compressed per subscription event or Firehose record; 64 MiB leaves room for a 60:1 ratio.
pub const MAX_DECOMPRESSED: usize = 64 << 20;

/// Why a payload could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("not valid base64")]
    Base64,
    #[error("not valid gzip")]
    Gzip,
    #[error("gzip expands beyond {MAX_DECOMPRESSED} bytes")]
    TooLarge,
    #[error("not a CloudWatch Logs subscription payload ({0})")]
    Json(String),
}

impl DecodeError {
    /// A short label for metrics (`Reason` dimension).
    pub fn reason(&self) -> &'static str {
        match self {
            DecodeError::Base64 => "base64",
            DecodeError::Gzip => "gzip",
            DecodeError::TooLarge => "too_large",
            DecodeError::Json(_) => "not_cloudwatch",
        }
    }
}

/// Standard base64 (what Lambda and Firehose use), padding required.
pub fn base64(text: &str) -> Result<Vec<u8>, DecodeError> {
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(|_| DecodeError::Base64)
}

/// Whether `data` starts like a gzip stream.
pub fn is_gzip(data: &[u8]) -> bool {
    data.starts_with(&[0x1f, 0x8b])
}

/// Decompress `data` (one or more gzip members) up to [`MAX_DECOMPRESSED`] bytes.
pub fn gunzip(data: &[u8]) -> Result<Vec<u8>, DecodeError> {
    let mut out = Vec::with_capacity(data.len() * 8);
    let mut reader = flate2::read::MultiGzDecoder::new(data).take(MAX_DECOMPRESSED as u64 + 1);
    reader
        .read_to_end(&mut out)
        .map_err(|_| DecodeError::Gzip)?;
    if out.len() > MAX_DECOMPRESSED {
        return Err(DecodeError::TooLarge);
    }
    Ok(out)
}

/// Gzip `data` (fast compression: the output is re-read by Firehose, not archived by us).
pub fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(
        Vec::with_capacity(data.len() / 4),
        flate2::Compression::fast(),
    );
    enc.write_all(data).expect("writing to memory");
    enc.finish().expect("writing to memory")
}

/// Parse a decompressed subscription payload.
pub fn log_data(json: &[u8]) -> Result<LogData, DecodeError> {
    serde_json::from_slice(json).map_err(|e| json_error(&e))
}

/// A serde_json error without its message (which can quote input), only its category and
/// position.
pub fn json_error(e: &serde_json::Error) -> DecodeError {
    let what = match e.classify() {
        serde_json::error::Category::Io => "unreadable",
        serde_json::error::Category::Syntax => "invalid JSON",
        serde_json::error::Category::Data => "unexpected fields or types",
        serde_json::error::Category::Eof => "truncated JSON",
    };
    DecodeError::Json(format!("{what} at line {} column {}", e.line(), e.column()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gzip_round_trips_and_is_recognised() {
        let z = gzip(b"hello\n");
        assert!(is_gzip(&z));
        assert_eq!(gunzip(&z).unwrap(), b"hello\n");
        assert_eq!(gunzip(b"\x1f\x8bnot really"), Err(DecodeError::Gzip));
    }

    #[test]
    fn a_gzip_bomb_is_refused_in_bounded_memory() {
        let z = gzip(&vec![b'a'; MAX_DECOMPRESSED + 1]);
        assert!(z.len() < 1 << 20, "compresses well: {}", z.len());
        assert_eq!(gunzip(&z), Err(DecodeError::TooLarge));
    }

    #[test]
    fn json_errors_do_not_quote_the_input() {
        let e = log_data(br#"{"owner": "Bearer sk_live_abcdef", "logGroup": 5}"#).unwrap_err();
        let text = e.to_string();
        assert!(!text.contains("sk_live"), "{text}");
        assert!(text.contains("line 1"), "{text}");
    }

    #[test]
    fn aws_sample_subscription_payload_decodes() {
        // The sample from aws_lambda_events' fixtures (example-cloudwatch_logs-event.json).
        let data = "H4sIAAAAAAAAAHWPwQqCQBCGX0Xm7EFtK+smZBEUgXoLCdMhFtKV3akI8d0bLYmibvPPN3wz00CJxmQnTO41whwWQRIctmEcB6sQbFC3CjW3XW8kxpOpP+OC22d1Wml1qZkQGtoMsScxaczKN3plG8zlaHIta5KqWsozoTYw3/djzwhpLwivWFGHGpAFe7DL68JlBUk+l7KSN7tCOEJ4M3/qOI49vMHj+zCKdlFqLaU2ZHV2a4Ct/an0/ivdX8oYc1UVX860fQDQiMdxRQEAAA==";
        let d = log_data(&gunzip(&base64(data).unwrap()).unwrap()).unwrap();
        assert_eq!(d.message_type, "DATA_MESSAGE");
        assert_eq!(d.log_group, "testLogGroup");
        assert_eq!(d.log_events.len(), 2);
    }
}
