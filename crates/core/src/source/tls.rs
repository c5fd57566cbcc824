//! Certificate checks for a self-hosted platform (`source.tls_fingerprint`):
//! a VSPC or Comet Server often runs on a self-signed certificate. The user
//! pins that certificate's SHA-256 fingerprint and exactly that certificate
//! is trusted; there is no "ignore certificate errors" switch. Without a pin
//! the usual checks apply (public certificate authorities, host name), and
//! a refused certificate's fingerprint is kept so the error can show it.

use std::sync::{Arc, Mutex};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use sha2::{Digest, Sha256};

/// A certificate's SHA-256 fingerprint. Shown as 32 colon-separated
/// upper-case hex pairs, the way browsers and `openssl x509 -fingerprint
/// -sha256` show it.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint([u8; 32]);

impl Fingerprint {
    /// Reads a fingerprint as people paste it: hex digits with or without
    /// colons or spaces, any case, optionally after `sha256:` or the
    /// `SHA256 Fingerprint=` that openssl prints.
    pub fn parse(text: &str) -> Result<Fingerprint, String> {
        let trimmed = text.trim();
        let lower = trimmed.to_ascii_lowercase();
        let body = ["sha256 fingerprint=", "sha-256:", "sha256:", "sha256="]
            .iter()
            .find_map(|p| lower.strip_prefix(p))
            .unwrap_or(&lower);
        let hex: String = body
            .chars()
            .filter(|c| !matches!(c, ':' | ' ' | '-'))
            .collect();
        let wrong = || {
            format!(
                "\"{trimmed}\" is not a SHA-256 fingerprint; paste the 64 hex digits \
                 (colons allowed), e.g. from `openssl x509 -noout -fingerprint -sha256`"
            )
        };
        if hex.len() != 64 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(wrong());
        }
        let mut bytes = [0u8; 32];
        for (i, byte) in bytes.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&hex[i * 2..i * 2 + 2], 16).map_err(|_| wrong())?;
        }
        Ok(Fingerprint(bytes))
    }

    /// The fingerprint of a DER certificate.
    pub fn of_der(der: &[u8]) -> Fingerprint {
        Fingerprint(Sha256::digest(der).into())
    }
}

impl std::fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, b) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(":")?;
            }
            write!(f, "{b:02X}")?;
        }
        Ok(())
    }
}

impl std::fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Fingerprint({self})")
    }
}

/// What the last refused certificate was, for the error message: the
/// server's certificate fingerprint, and whether it was refused for not
/// matching the pin (rather than for an unknown issuer).
#[derive(Debug, Clone, Default)]
pub struct Refusal {
    pub presented: Option<Fingerprint>,
    pub pinned: Option<Fingerprint>,
}

/// The client configuration for `pin` (`None`: the usual checks), and the
/// watch that reports what it refused.
pub fn client_config(pin: Option<Fingerprint>) -> Result<(rustls::ClientConfig, TlsWatch), String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .map_err(|e| format!("cannot set up certificate checks: {e}"))?;
    let watch = TlsWatch(Arc::new(Mutex::new(Refusal {
        presented: None,
        pinned: pin,
    })));
    let verifier = Arc::new(Verifier {
        pin,
        webpki,
        provider: provider.clone(),
        watch: watch.clone(),
    });
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("cannot set up TLS: {e}"))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    Ok((config, watch))
}

/// What a platform client's certificate check refused last; cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct TlsWatch(Arc<Mutex<Refusal>>);

impl TlsWatch {
    /// The certificate refused since the last call, if any (taken, so a
    /// later unrelated failure does not repeat it).
    pub fn take_refusal(&self) -> Option<Refusal> {
        let mut guard = self.0.lock().ok()?;
        let refusal = guard.clone();
        guard.presented = None;
        refusal.presented.map(|_| refusal)
    }
}

/// What to tell the user about a refused certificate: its fingerprint, and
/// what to do.
pub fn refusal_sentence(refusal: &Refusal) -> String {
    let Some(presented) = refusal.presented else {
        return "its certificate was refused".to_owned();
    };
    match refusal.pinned {
        Some(pinned) => format!(
            "its certificate (SHA-256 {presented}) is not the one pinned in \
             source.tls_fingerprint ({pinned}); if the server's certificate was renewed, \
             check the new one on the server and pin it"
        ),
        None => format!(
            "its certificate (SHA-256 {presented}) is not signed by a trusted certificate \
             authority or does not name this host; if it is the server's own self-signed \
             certificate, compare that fingerprint with the one on the server, then pin it: \
             backup-bridge config set source.tls_fingerprint {presented}"
        ),
    }
}

#[derive(Debug)]
struct Verifier {
    pin: Option<Fingerprint>,
    webpki: Arc<WebPkiServerVerifier>,
    provider: Arc<CryptoProvider>,
    watch: TlsWatch,
}

impl Verifier {
    fn refuse(&self, presented: Fingerprint) {
        if let Ok(mut r) = self.watch.0.lock() {
            r.presented = Some(presented);
        }
    }
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let presented = Fingerprint::of_der(end_entity);
        match self.pin {
            // The pinned certificate and no other: its issuer, names and
            // dates are what the user checked when pinning it.
            Some(pin) if pin == presented => Ok(ServerCertVerified::assertion()),
            Some(_) => {
                self.refuse(presented);
                Err(rustls::Error::General(
                    "the certificate is not the pinned one".into(),
                ))
            }
            None => self
                .webpki
                .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
                .inspect_err(|_| self.refuse(presented)),
        }
    }

    // The handshake signatures are checked whatever the pin: they prove the
    // server holds the certificate's key.
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

#[cfg(test)]
#[path = "tls_tests.rs"]
mod tests;
