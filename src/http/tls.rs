//! Certificates for the lab's HTTPS lanes. Browsers speak HTTP/2 only over
//! TLS, so the connection lab needs HTTPS even on a laptop.
//!
//! A host can pass a certificate and key (PEM); without them, a self-signed
//! certificate is generated at start-up (rcgen) for `localhost`, `127.0.0.1`,
//! `::1` and any `--tls-host` names, and its SHA-256 fingerprint is printed
//! so a learner can check what their browser warns about.

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::ServerConfig;
use std::path::Path;
use std::sync::Arc;

/// A certificate chain and its key, ready for rustls.
#[derive(Debug)]
pub struct Identity {
    pub chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
    /// `AB:CD:…`, of the first certificate.
    pub fingerprint: String,
    pub self_signed: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot read the TLS certificate {path}: {reason}. Pass a PEM file with --tls-cert, or leave out --tls-cert and --tls-key to use a generated self-signed certificate")]
    Certificate { path: String, reason: String },
    #[error("cannot read the TLS key {path}: {reason}. Pass a PEM private key (PKCS#8, PKCS#1 or SEC1) with --tls-key")]
    Key { path: String, reason: String },
    #[error("--tls-cert and --tls-key go together: pass both, or neither for a generated self-signed certificate")]
    HalfPair,
    #[error("cannot generate a self-signed certificate for {hosts:?}: {reason}")]
    Generate { hosts: Vec<String>, reason: String },
    #[error("the certificate and key do not fit together: {0}")]
    Mismatch(String),
}

impl Identity {
    /// From PEM files, or generated when both paths are `None`.
    pub fn load_or_generate(
        cert: Option<&Path>,
        key: Option<&Path>,
        hosts: &[String],
    ) -> Result<Self, TlsError> {
        match (cert, key) {
            (Some(cert), Some(key)) => Self::from_files(cert, key),
            (None, None) => Self::self_signed(hosts),
            _ => Err(TlsError::HalfPair),
        }
    }

    fn from_files(cert: &Path, key: &Path) -> Result<Self, TlsError> {
        let certificate_error = |reason: String| TlsError::Certificate {
            path: cert.display().to_string(),
            reason,
        };
        let chain = CertificateDer::pem_file_iter(cert)
            .map_err(|e| certificate_error(e.to_string()))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| certificate_error(e.to_string()))?;
        if chain.is_empty() {
            return Err(certificate_error("it holds no CERTIFICATE block".into()));
        }
        let key = PrivateKeyDer::from_pem_file(key).map_err(|e| TlsError::Key {
            path: key.display().to_string(),
            reason: e.to_string(),
        })?;
        Ok(Identity {
            fingerprint: fingerprint(&chain[0]),
            chain,
            key,
            self_signed: false,
        })
    }

    fn self_signed(hosts: &[String]) -> Result<Self, TlsError> {
        let names = names_with(hosts);
        let generated =
            rcgen::generate_simple_self_signed(names.clone()).map_err(|e| TlsError::Generate {
                hosts: names,
                reason: e.to_string(),
            })?;
        Self::generated(
            generated.cert.der().clone(),
            generated.signing_key.serialize_der(),
        )
    }

    /// A self-signed ECDSA P-256 certificate for `localhost`, `127.0.0.1`,
    /// `::1` and `hosts`, valid from a minute ago for `validity`: what a
    /// browser accepts by its hash for WebTransport (at most 14 days).
    pub fn short_lived(hosts: &[String], validity: std::time::Duration) -> Result<Self, TlsError> {
        let names = names_with(hosts);
        let generate_error = |e: rcgen::Error| TlsError::Generate {
            hosts: names.clone(),
            reason: e.to_string(),
        };
        let mut params = rcgen::CertificateParams::new(names.clone()).map_err(generate_error)?;
        let now = time::OffsetDateTime::now_utc();
        params.not_before = now - time::Duration::minutes(1);
        params.not_after = params.not_before + validity;
        let key =
            rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).map_err(generate_error)?;
        let certificate = params.self_signed(&key).map_err(generate_error)?;
        Self::generated(certificate.der().clone(), key.serialize_der())
    }

    /// A certificate this server made, and its key (PKCS#8 DER).
    fn generated(certificate: CertificateDer<'static>, key: Vec<u8>) -> Result<Self, TlsError> {
        let key = PrivateKeyDer::try_from(key).map_err(|e| TlsError::Mismatch(e.to_string()))?;
        Ok(Identity {
            fingerprint: fingerprint(&certificate),
            chain: vec![certificate],
            key,
            self_signed: true,
        })
    }

    /// The SHA-256 of the first certificate, as `serverCertificateHashes` names it.
    pub fn sha256(&self) -> [u8; 32] {
        let digest = ring::digest::digest(&ring::digest::SHA256, self.chain[0].as_ref());
        digest.as_ref().try_into().expect("SHA-256 is 32 bytes")
    }

    /// A rustls server configuration offering these ALPN protocols, in order.
    pub fn server_config(&self, alpn: &[&[u8]]) -> Result<Arc<ServerConfig>, TlsError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| TlsError::Mismatch(e.to_string()))?
            .with_no_client_auth()
            .with_single_cert(self.chain.clone(), self.key.clone_key())
            .map_err(|e| TlsError::Mismatch(e.to_string()))?;
        config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
        Ok(Arc::new(config))
    }
}

/// `localhost`, `127.0.0.1`, `::1`, then each of `hosts` not among them.
fn names_with(hosts: &[String]) -> Vec<String> {
    let mut names = vec![
        "localhost".to_string(),
        "127.0.0.1".to_string(),
        "::1".to_string(),
    ];
    for host in hosts {
        if !names.contains(host) {
            names.push(host.clone());
        }
    }
    names
}

fn fingerprint(certificate: &CertificateDer<'_>) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, certificate.as_ref());
    digest
        .as_ref()
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generates_a_certificate_when_none_is_given() {
        let identity = Identity::load_or_generate(None, None, &["lab.example".into()]).unwrap();
        assert!(identity.self_signed);
        assert_eq!(identity.fingerprint.len(), 32 * 3 - 1);
        assert!(identity.server_config(&[b"h2", b"http/1.1"]).is_ok());
    }

    #[test]
    fn a_missing_certificate_file_names_the_file_and_the_fix() {
        let error = Identity::load_or_generate(
            Some(Path::new("no/cert.pem")),
            Some(Path::new("no/key.pem")),
            &[],
        )
        .unwrap_err()
        .to_string();
        assert!(
            error.starts_with("cannot read the TLS certificate no/cert.pem:"),
            "{error}"
        );
        assert!(
            error.contains("leave out --tls-cert and --tls-key"),
            "{error}"
        );
    }

    #[test]
    fn a_certificate_without_its_key_is_refused() {
        let error = Identity::load_or_generate(Some(Path::new("cert.pem")), None, &[]).unwrap_err();
        assert!(matches!(error, TlsError::HalfPair));
    }
}
