//! TLS for the listener: the certificate chain and key from `[tls]`, and
//! optionally a CA whose client certificates every connection must present.
//!
//! The rustls config sits behind a lock and is swapped whole on
//! [`TlsReloader::reload`] (SIGHUP), so a renewed certificate takes effect for
//! the next handshake without a restart and without dropping connections. A
//! reload that fails (a half-copied key, say) keeps the config in use: an
//! operator's mistake must not take the server off the network.
//!
//! The crypto provider is named (ring) rather than taken from the process
//! default: rustls is in the tree with two providers enabled, and then has no
//! default to take.

use crate::error::{Error, Result};
use cairn_app::transport::TlsConfig;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::path::Path;
use std::sync::{Arc, RwLock};
use tokio_rustls::TlsAcceptor;

/// The TLS config in use, and the files it is re-read from.
pub struct TlsReloader {
    files: TlsConfig,
    current: RwLock<Arc<rustls::ServerConfig>>,
}

fn bad(what: &str, path: &Path, e: impl std::fmt::Display) -> Error {
    Error::Config(format!("tls: {what} {}: {e}", path.display()))
}

fn certs(path: &Path, what: &str) -> Result<Vec<CertificateDer<'static>>> {
    let certs = CertificateDer::pem_file_iter(path)
        .map_err(|e| bad(what, path, e))?
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| bad(what, path, e))?;
    if certs.is_empty() {
        return Err(bad(what, path, "no PEM certificate in it"));
    }
    Ok(certs)
}

/// Builds the rustls server config `files` describe.
pub fn server_config(files: &TlsConfig) -> Result<rustls::ServerConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let chain = certs(&files.cert, "certificate")?;
    let key = PrivateKeyDer::from_pem_file(&files.key).map_err(|e| bad("key", &files.key, e))?;
    let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Config(format!("tls: {e}")))?;
    let builder = match &files.client_ca {
        Some(ca) => {
            let mut roots = rustls::RootCertStore::empty();
            for c in certs(ca, "client-ca")? {
                roots.add(c).map_err(|e| bad("client-ca", ca, e))?;
            }
            let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
                Arc::new(roots),
                provider,
            )
            .build()
            .map_err(|e| bad("client-ca", ca, e))?;
            builder.with_client_cert_verifier(verifier)
        }
        None => builder.with_no_client_auth(),
    };
    let mut cfg = builder
        .with_single_cert(chain, key)
        .map_err(|e| bad("certificate and key", &files.cert, e))?;
    // HTTP/1.1 only: the listener speaks nothing else.
    cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(cfg)
}

impl TlsReloader {
    /// Loads the files; an error here is a startup error.
    pub fn load(files: &TlsConfig) -> Result<Self> {
        let cfg = server_config(files)?;
        Ok(TlsReloader {
            files: files.clone(),
            current: RwLock::new(Arc::new(cfg)),
        })
    }

    /// Re-reads the files; on error the config in use stays.
    pub fn reload(&self) -> Result<()> {
        let cfg = Arc::new(server_config(&self.files)?);
        if let Ok(mut cur) = self.current.write() {
            *cur = cfg;
        }
        Ok(())
    }

    /// An acceptor over the config in use now.
    pub fn acceptor(&self) -> TlsAcceptor {
        let cfg = self
            .current
            .read()
            .map(|c| c.clone())
            // A poisoned lock still holds a whole config (it is only ever
            // replaced, never edited in place).
            .unwrap_or_else(|p| p.into_inner().clone());
        TlsAcceptor::from(cfg)
    }
}
