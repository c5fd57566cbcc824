#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `source.tls_fingerprint` against a real TLS server with a self-signed
//! certificate (a self-hosted VSPC, say): pinned, the console is trusted;
//! pinned to another certificate or not pinned at all, it is refused with
//! a sentence that names the certificate's SHA-256 fingerprint and what to
//! do. There is no switch that turns certificate checks off.

use std::sync::Arc;

use bridge_core::source::platform::{PlatformError, PlatformOptions};
use bridge_core::source::tls::Fingerprint;
use bridge_core::source::vspc::VspcClient;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use secrecy::SecretString;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A loopback HTTPS server answering every request with an empty VSPC
/// page; its address and its certificate's fingerprint.
async fn self_signed_console() -> (String, Fingerprint) {
    let generated =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
            .unwrap();
    let cert: CertificateDer<'static> = generated.cert.der().clone();
    let fingerprint = Fingerprint::of_der(cert.as_ref());
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(generated.key_pair.serialize_der()));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("https://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                // A refused handshake simply ends the connection.
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let mut request = Vec::new();
                let mut buf = [0u8; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                let body = r#"{"meta":{"pagingInfo":{"total":0,"count":0,"offset":0}},"data":[]}"#;
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
                     connection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = tls.write_all(answer.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    (address, fingerprint)
}

fn client(address: &str, pin: Option<Fingerprint>) -> VspcClient {
    let options = PlatformOptions {
        tls_fingerprint: pin,
        ..PlatformOptions::default()
    };
    VspcClient::new(address, None, SecretString::from("api-key"), options).unwrap()
}

#[tokio::test]
async fn the_pinned_certificate_is_trusted() {
    let (address, fingerprint) = self_signed_console().await;
    let list = client(&address, Some(fingerprint))
        .companies()
        .await
        .unwrap();
    assert!(list.companies.is_empty() && list.rejected.is_empty());
}

#[tokio::test]
async fn an_unpinned_self_signed_certificate_is_refused_with_its_fingerprint() {
    let (address, fingerprint) = self_signed_console().await;
    let e = client(&address, None).companies().await.unwrap_err();
    assert!(matches!(e, PlatformError::Network { .. }), "{e:?}");
    let text = e.to_string();
    assert!(text.contains(&fingerprint.to_string()), "{text}");
    assert!(
        text.contains(&format!("config set source.tls_fingerprint {fingerprint}")),
        "{text}"
    );
}

#[tokio::test]
async fn another_certificate_than_the_pinned_one_is_refused() {
    let (address, fingerprint) = self_signed_console().await;
    let other = Fingerprint::of_der(b"some other certificate");
    let e = client(&address, Some(other)).companies().await.unwrap_err();
    let text = e.to_string();
    assert!(text.contains("not the one pinned"), "{text}");
    assert!(
        text.contains(&fingerprint.to_string()) && text.contains(&other.to_string()),
        "{text}"
    );
}
