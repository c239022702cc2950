//! HTTPS in the server itself, for offices without a reverse proxy: the
//! certificate chain and private key are PEM files named in the
//! configuration (`tls_cert`, `tls_key`). rustls with the `ring` provider;
//! TLS 1.2 and 1.3 only.
//!
//! Handshakes run in their own tasks, each with a time limit, so a client
//! that connects and says nothing (or a slow link mid-handshake) never holds
//! up the next connection.

use crate::connections::{Guarded, Watched};
use axum::serve::Listener;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::{self, pki_types};
use tokio_rustls::server::TlsStream;

/// How long a client has to finish its handshake.
const HANDSHAKE_WITHIN: Duration = Duration::from_secs(15);
/// Handshaken connections waiting for the server to take them.
const READY_QUEUE: usize = 64;

/// The server's TLS settings from its certificate chain and key files; a
/// plain-language error naming the file otherwise.
pub fn server_config(cert: &Path, key: &Path) -> Result<Arc<rustls::ServerConfig>, String> {
    use pki_types::pem::PemObject;
    let chain = pki_types::CertificateDer::pem_file_iter(cert)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|e| format!("cannot read the certificate {}: {e}", cert.display()))?;
    if chain.is_empty() {
        return Err(format!("{} holds no certificate (PEM `BEGIN CERTIFICATE`)", cert.display()));
    }
    let key = pki_types::PrivateKeyDer::from_pem_file(key)
        .map_err(|e| format!("cannot read the private key {}: {e}", key.display()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| format!("the certificate and key do not go together: {e}"))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// A listener whose connections have completed a TLS handshake.
#[derive(Debug)]
pub struct TlsListener {
    ready: mpsc::Receiver<(TlsStream<Watched<TcpStream>>, SocketAddr)>,
    local: std::io::Result<SocketAddr>,
}

impl TlsListener {
    /// Accept on `tcp`, handshaking with `config`. Call from within a Tokio runtime.
    pub fn new(mut tcp: Guarded, config: Arc<rustls::ServerConfig>) -> TlsListener {
        let local = tcp.local_addr();
        let (tx, ready) = mpsc::channel(READY_QUEUE);
        let acceptor = TlsAcceptor::from(config);
        tokio::spawn(async move {
            loop {
                let (stream, addr) = tcp.accept().await;
                if tx.is_closed() {
                    return; // the server stopped
                }
                let (acceptor, tx) = (acceptor.clone(), tx.clone());
                tokio::spawn(async move {
                    match tokio::time::timeout(HANDSHAKE_WITHIN, acceptor.accept(stream)).await {
                        Ok(Ok(tls)) => {
                            let _ = tx.send((tls, addr)).await;
                        }
                        // Plain HTTP on the HTTPS port, scanners, clients that
                        // do not trust the certificate: their business.
                        Ok(Err(e)) => tracing::debug!(%addr, error = %e, "TLS handshake failed"),
                        Err(_) => tracing::debug!(%addr, "TLS handshake took too long"),
                    }
                });
            }
        });
        TlsListener { ready, local }
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<Watched<TcpStream>>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.ready.recv().await {
            Some(connection) => connection,
            // The accepting task never ends while this listener lives.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.local.as_ref().copied().map_err(|e| std::io::Error::new(e.kind(), e.to_string()))
    }
}
