//! TLS for both clients: chain verification against the OS trust store, or
//! pinning a router's self-signed certificate by its SHA-256 fingerprint
//! (routers usually carry a self-signed certificate with no usable name).

use std::sync::Arc;
use std::time::Duration;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, SignatureScheme};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

use crate::error::{Error, ErrorKind, Result, host_port};

/// How the router's certificate is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlsVerify {
    /// Verify the chain and host name against the operating system's roots.
    SystemRoots,
    /// Accept exactly one certificate: hex SHA-256 of its DER bytes (`:` and case ignored).
    PinnedSha256(String),
}

/// TLS settings of a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsOptions {
    pub verify: TlsVerify,
    /// Name sent in SNI and checked against the certificate; defaults to the host.
    pub server_name: Option<String>,
}

impl TlsOptions {
    pub fn system_roots() -> Self {
        TlsOptions {
            verify: TlsVerify::SystemRoots,
            server_name: None,
        }
    }

    pub fn pinned(sha256_hex: impl Into<String>) -> Self {
        TlsOptions {
            verify: TlsVerify::PinnedSha256(sha256_hex.into()),
            server_name: None,
        }
    }
}

/// Hex SHA-256 of a DER certificate, lower case, the format [`TlsVerify::PinnedSha256`] takes.
pub fn fingerprint_sha256(cert_der: &[u8]) -> String {
    hex::encode(Sha256::digest(cert_der))
}

pub(crate) fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn parse_fingerprint(s: &str) -> Result<[u8; 32]> {
    let cleaned: String = s
        .chars()
        .filter(|c| *c != ':' && !c.is_whitespace())
        .collect();
    let bad = || {
        Error::new(
            ErrorKind::Tls,
            "certificate fingerprint must be 32 bytes of hex",
        )
    };
    let bytes = hex::decode(cleaned).map_err(|_| bad())?;
    bytes.try_into().map_err(|_| bad())
}

#[derive(Debug)]
struct PinnedCert {
    fingerprint: [u8; 32],
    algs: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for PinnedCert {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        // The pin replaces chain, name and expiry checks: it names one exact certificate.
        if Sha256::digest(end_entity.as_ref()).as_slice() == self.fingerprint {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::ApplicationVerificationFailure,
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algs)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algs)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algs.supported_schemes()
    }
}

/// Builds a rustls client configuration for `verify`.
pub fn client_config(verify: &TlsVerify) -> Result<Arc<rustls::ClientConfig>> {
    let provider = provider();
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::new(ErrorKind::Tls, e.to_string()))?;
    let config = match verify {
        TlsVerify::SystemRoots => {
            let mut roots = rustls::RootCertStore::empty();
            let native = rustls_native_certs::load_native_certs();
            let (added, _ignored) = roots.add_parsable_certificates(native.certs);
            if added == 0 {
                return Err(Error::new(
                    ErrorKind::Tls,
                    "no usable system root certificates",
                ));
            }
            builder.with_root_certificates(roots).with_no_client_auth()
        }
        TlsVerify::PinnedSha256(hex) => {
            let verifier = PinnedCert {
                fingerprint: parse_fingerprint(hex)?,
                algs: provider.signature_verification_algorithms,
            };
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(verifier))
                .with_no_client_auth()
        }
    };
    Ok(Arc::new(config))
}

/// A byte stream, plain or TLS.
pub trait Stream: AsyncRead + AsyncWrite + Unpin + Send + 'static {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + 'static> Stream for T {}

/// Opens TCP (and TLS when asked) within `timeout`. Errors name `host:port`.
pub(crate) async fn connect(
    host: &str,
    port: u16,
    tls: Option<&TlsOptions>,
    timeout: Duration,
) -> Result<Box<dyn Stream>> {
    let work = async {
        let tcp = TcpStream::connect((host, port))
            .await
            .map_err(Error::connect_io)?;
        // Commands are small sentences; waiting to coalesce them only adds latency.
        tcp.set_nodelay(true).map_err(Error::connect_io)?;
        let Some(tls) = tls else {
            return Ok(Box::new(tcp) as Box<dyn Stream>);
        };
        let config = client_config(&tls.verify)?;
        let name = tls.server_name.as_deref().unwrap_or(host);
        let name = ServerName::try_from(name.trim_matches(['[', ']']).to_owned())
            .map_err(|e| Error::new(ErrorKind::Tls, format!("server name {name:?}: {e}")))?;
        let stream = tokio_rustls::TlsConnector::from(config)
            .connect(name, tcp)
            .await
            .map_err(handshake_error)?;
        Ok(Box::new(stream) as Box<dyn Stream>)
    };
    let result = match tokio::time::timeout(timeout, work).await {
        Ok(r) => r,
        Err(_) => Err(Error::new(
            ErrorKind::Timeout,
            format!("no connection within {} ms", timeout.as_millis()),
        )),
    };
    result.map_err(|e| e.at_str(&host_port(host, port)))
}

/// A TLS failure proper (alert, certificate, pin) is `Tls`; the peer hanging
/// up during the handshake is a refused connection.
fn handshake_error(e: std::io::Error) -> Error {
    use std::io::ErrorKind as K;
    if let Some(tls) = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
        let text = format!("tls handshake: {tls}");
        return Error::new(ErrorKind::Tls, text).with_source(e);
    }
    match e.kind() {
        K::UnexpectedEof | K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe => {
            Error::connect_io(e)
        }
        _ => Error::new(ErrorKind::Tls, format!("tls handshake: {e}")).with_source(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_parsing() {
        let hex = "AB".repeat(32);
        assert_eq!(parse_fingerprint(&hex).unwrap(), [0xAB; 32]);
        let colons = vec!["ab"; 32].join(":");
        assert_eq!(parse_fingerprint(&colons).unwrap(), [0xAB; 32]);
        assert!(parse_fingerprint("abcd").is_err());
        assert!(parse_fingerprint("zz").is_err());
    }
}
