//! The accept loop: TLS (when configured), a cap on connections served at
//! once, and a bound on how long a client may take to send its headers.
//!
//! Why not `axum::serve`: it has no header-read timeout and no connection
//! cap, so 30 clients that each send half a request line and then wait would
//! hold the server for ever (slowloris). Here each connection holds a permit
//! of a semaphore for its whole life; the loop takes a permit before it
//! accepts, so connections beyond the cap wait in the kernel's backlog rather
//! than in our memory. hyper's header-read timeout closes a connection whose
//! request head (or, on a kept-alive connection, the next request's head) has
//! not arrived in time; the TLS handshake gets the same bound. Bodies are
//! bounded where they are read ([`crate::http::Body`]).

use crate::config::ServerConfig;
use crate::error::{Error, Result};
use crate::tls::TlsReloader;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{watch, Semaphore};
use tower_service::Service;

/// How connections are served.
#[derive(Clone)]
pub struct Transport {
    /// TLS, or plaintext when None.
    pub tls: Option<Arc<TlsReloader>>,
    /// The handshake and each request's head must arrive within this.
    pub header_timeout: Duration,
    /// Connections served at once.
    pub max_connections: usize,
}

/// Whether `cfg` may listen as configured: TLS, or a loopback address, or
/// an explicit `insecure-plaintext = true` (then Ok(true): warn). Tokens
/// cross the connection in a header, so plaintext beyond this host hands
/// them to anyone on the path.
pub async fn plaintext_exposed(cfg: &ServerConfig) -> Result<bool> {
    if cfg.tls.is_some() {
        return Ok(false);
    }
    let addrs = tokio::net::lookup_host(&cfg.listen)
        .await
        .map_err(|e| Error::Config(format!("cannot resolve listen address {}: {e}", cfg.listen)))?;
    let exposed = addrs.into_iter().any(|a| !a.ip().is_loopback());
    if exposed && !cfg.insecure_plaintext {
        return Err(Error::Config(format!(
            "refusing to serve plaintext HTTP on {}, which is not a loopback address: \
             configure [tls] cert and key, or set insecure-plaintext = true if something \
             else encrypts the path (tokens would otherwise cross the network in clear)",
            cfg.listen
        )));
    }
    Ok(exposed)
}

/// Serves `app` on `listener` until `shutdown` resolves; then lets each
/// connection finish the request in flight (for at most `drain`).
pub async fn run(
    listener: TcpListener,
    app: axum::Router,
    t: Transport,
    shutdown: impl Future<Output = ()>,
    drain: Duration,
) {
    let permits = t.max_connections.clamp(1, u32::MAX as usize);
    let sem = Arc::new(Semaphore::new(permits));
    let (stop_tx, stop_rx) = watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            _ = &mut shutdown => break,
            p = sem.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
        };
        let (tcp, peer) = tokio::select! {
            _ = &mut shutdown => break,
            r = listener.accept() => match r {
                Ok(x) => x,
                Err(e) => {
                    // Out of file descriptors, say: back off rather than spin.
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        let (app, t, stop) = (app.clone(), t.clone(), stop_rx.clone());
        tokio::spawn(async move {
            let _permit = permit;
            match &t.tls {
                None => connection(TokioIo::new(tcp), peer, app, t.header_timeout, stop).await,
                Some(tls) => {
                    match tokio::time::timeout(t.header_timeout, tls.acceptor().accept(tcp)).await {
                        Ok(Ok(s)) => {
                            connection(TokioIo::new(s), peer, app, t.header_timeout, stop).await
                        }
                        Ok(Err(e)) => tracing::debug!(%peer, error = %e, "TLS handshake failed"),
                        Err(_) => tracing::debug!(%peer, "TLS handshake timed out"),
                    }
                }
            }
        });
    }
    drop(listener);
    let _ = stop_tx.send(true);
    // Every permit back means every connection closed.
    let _ = tokio::time::timeout(drain, sem.acquire_many(permits as u32)).await;
}

async fn connection<I>(
    io: TokioIo<I>,
    peer: SocketAddr,
    app: axum::Router,
    header_timeout: Duration,
    mut stop: watch::Receiver<bool>,
) where
    I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let svc = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
        // The client's address, for handlers and the per-address limits.
        req.extensions_mut().insert(ConnectInfo(peer));
        let mut app = app.clone();
        async move { app.call(req.map(axum::body::Body::new)).await }
    });
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(header_timeout)
        .keep_alive(true);
    let conn = http.serve_connection(io, svc);
    tokio::pin!(conn);
    tokio::select! {
        r = conn.as_mut() => {
            if let Err(e) = r {
                tracing::debug!(%peer, error = %e, "connection closed");
            }
        }
        // `map` drops the watch guard (not Send) before the await below.
        _ = async { stop.wait_for(|s| *s).await.map(|_| ()) } => {
            conn.as_mut().graceful_shutdown();
            let _ = conn.await;
        }
    }
}
