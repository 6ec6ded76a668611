//! One complete handshake with rustls and one HTTP request over it: the certificate chain
//! as the server presents it under its best protocol (TLS 1.3 encrypts the chain, so the
//! hand-built probes cannot see it) and the `Strict-Transport-Security` header.
//!
//! The handshake accepts any certificate on purpose: trust is judged afterwards by
//! [`super::cert`], and an untrusted server must still be measured, not skipped.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, SignatureScheme};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::time::{timeout_at, Instant};
use tokio_rustls::TlsConnector;

use super::body::Hsts;
use super::probe::{ProbeError, Target};

/// Most bytes of HTTP response headers read: enough for any real server, bounded for a hostile one.
const MAX_HEAD: usize = 32 * 1024;

/// What the full handshake and the HTTP request showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpsFacts {
    /// The chain as the server sent it, leaf first.
    pub certificates: Vec<Vec<u8>>,
    /// The HTTP status line's code, if the server spoke HTTP.
    pub status: Option<u16>,
    /// The HSTS header: `Some(None)` = HTTP answered without a (valid) header; `None` = no
    /// HTTP answer at all, so HSTS is unknown.
    pub hsts: Option<Option<Hsts>>,
}

/// A verifier that accepts any certificate but still checks the handshake signatures:
/// the TLS probe judges certificates itself (`cert.rs`), and the database collectors use
/// it where the client would not check either (libpq `sslmode=require`).
#[derive(Debug)]
pub(crate) struct AcceptAnyCertificate(pub(crate) Arc<rustls::crypto::CryptoProvider>);

impl ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// Connects with rustls (TLS 1.2 or 1.3), sends `GET path` and reads only the response head.
pub async fn fetch(target: &Target, host: &str, path: &str) -> Result<HttpsFacts, ProbeError> {
    let addr = target.addr;
    let deadline = Instant::now() + target.timeout;
    let timeout = || ProbeError::Timeout(addr, target.timeout);
    let io = |e: std::io::Error| ProbeError::Io {
        addr,
        reason: e.to_string(),
    };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| ProbeError::Io {
            addr,
            reason: e.to_string(),
        })?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(AcceptAnyCertificate(provider)))
        .with_no_client_auth();
    let name = ServerName::try_from(host.to_string())
        .or_else(|_| ServerName::try_from(addr.ip().to_string()))
        .map_err(|e| ProbeError::Io {
            addr,
            reason: format!("server name: {e}"),
        })?;
    let tcp = target.connect(deadline).await?;
    let mut tls = timeout_at(
        deadline,
        TlsConnector::from(Arc::new(config)).connect(name, tcp),
    )
    .await
    .map_err(|_| timeout())?
    .map_err(io)?;
    let certificates: Vec<Vec<u8>> = tls
        .get_ref()
        .1
        .peer_certificates()
        .unwrap_or(&[])
        .iter()
        .map(|c| c.as_ref().to_vec())
        .collect();
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: assay/{}\r\nConnection: close\r\n\r\n",
        crate::VERSION
    );
    let sent = timeout_at(deadline, tls.write_all(request.as_bytes())).await;
    let mut head = Vec::new();
    if matches!(sent, Ok(Ok(()))) {
        let mut buf = [0u8; 4096];
        while head.len() < MAX_HEAD && !head.windows(4).any(|w| w == b"\r\n\r\n") {
            match timeout_at(deadline, tls.read(&mut buf)).await {
                // A close without close_notify still ends the head we have.
                Ok(Ok(0)) | Ok(Err(_)) | Err(_) => break,
                Ok(Ok(n)) => head.extend_from_slice(buf.get(..n).unwrap_or(&[])),
            }
        }
    }
    let (status, hsts) = parse_head(&head);
    Ok(HttpsFacts {
        certificates,
        status,
        hsts,
    })
}

/// The status code and HSTS header of an HTTP/1.x response head.
pub fn parse_head(head: &[u8]) -> (Option<u16>, Option<Option<Hsts>>) {
    let text = String::from_utf8_lossy(head);
    let mut lines = text.split("\r\n");
    let status = lines
        .next()
        .filter(|l| l.starts_with("HTTP/1."))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse::<u16>().ok());
    if status.is_none() {
        return (None, None);
    }
    // RFC 6797 §8.1: only the first header counts, and an invalid one is ignored.
    let value = lines
        .take_while(|l| !l.is_empty())
        .find_map(|l| {
            l.split_once(':')
                .filter(|(k, _)| k.trim().eq_ignore_ascii_case("strict-transport-security"))
        })
        .map(|(_, v)| v.trim().to_string());
    (status, Some(value.and_then(|v| parse_hsts(&v))))
}

/// Parses a `Strict-Transport-Security` value; `None` if it is invalid (no max-age, a
/// repeated directive, a non-numeric age).
pub fn parse_hsts(value: &str) -> Option<Hsts> {
    let mut max_age = None;
    let (mut sub, mut preload) = (false, false);
    for directive in value.split(';').map(str::trim).filter(|d| !d.is_empty()) {
        let (name, arg) = match directive.split_once('=') {
            Some((n, a)) => (n.trim(), Some(a.trim().trim_matches('"'))),
            None => (directive, None),
        };
        if name.eq_ignore_ascii_case("max-age") {
            if max_age.is_some() {
                return None;
            }
            max_age = Some(arg?.parse::<u64>().ok()?);
        } else if name.eq_ignore_ascii_case("includesubdomains") {
            if sub {
                return None;
            }
            sub = true;
        } else if name.eq_ignore_ascii_case("preload") {
            preload = true;
        }
    }
    Some(Hsts {
        max_age: max_age?,
        include_subdomains: sub,
        preload,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hsts_values() {
        let h = parse_hsts("max-age=31536000; includeSubDomains; preload").unwrap();
        assert_eq!(
            (h.max_age, h.include_subdomains, h.preload),
            (31536000, true, true)
        );
        assert_eq!(parse_hsts("max-age=\"300\"").unwrap().max_age, 300);
        assert!(parse_hsts("includeSubDomains").is_none());
        assert!(parse_hsts("max-age=abc").is_none());
        assert!(parse_hsts("max-age=1; max-age=2").is_none());
    }

    #[test]
    fn response_heads() {
        let (s, h) = parse_head(
            b"HTTP/1.1 200 OK\r\nServer: x\r\nstrict-transport-security: max-age=600\r\n\r\n",
        );
        assert_eq!(s, Some(200));
        assert_eq!(h.unwrap().unwrap().max_age, 600);
        let (s, h) = parse_head(b"HTTP/1.1 301 Moved\r\nLocation: /\r\n\r\n");
        assert_eq!((s, h), (Some(301), Some(None)));
        assert_eq!(parse_head(b"SSH-2.0-x\r\n"), (None, None));
        // Only the first header counts.
        let (_, h) = parse_head(b"HTTP/1.1 200 OK\r\nStrict-Transport-Security: max-age=1\r\nStrict-Transport-Security: max-age=2\r\n\r\n");
        assert_eq!(h.unwrap().unwrap().max_age, 1);
    }
}
