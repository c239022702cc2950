//! The server's sockets, kept from one client's hands: at most
//! [`PER_ADDRESS`] connections open at once from one address (IPv6 by its
//! /64, as the sign-in limits count), and a connection on which nothing
//! moves for [`IDLE`] is closed (the server writing, or the client sending
//! at least [`TRICKLE`] bytes, is moving). Without them, a client that
//! opens connections and says nothing, or sends a request's headers a byte
//! a minute, holds sockets until the server has no file left to accept a
//! real user's (the red team stalled it so with 20,000).
//!
//! Connections from loopback and from the trusted proxies are not counted
//! per address: every client behind a proxy shares its address, and the
//! proxy keeps such limits itself (nginx's `client_header_timeout`). The
//! idle limit holds for them too. The live-news stream writes a keep-alive
//! every 15 s, so it is never idle.

use crate::client_address::Network;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::{Instant, Sleep};

/// Connections one address may hold open at once (a browser opens six or
/// so; an office behind one NAT address, a few dozen people).
pub const PER_ADDRESS: usize = 256;
/// A connection on which the server wrote nothing, and read less than
/// [`TRICKLE`], this long is closed.
pub const IDLE: Duration = Duration::from_secs(120);
/// Bytes a client must send to count as moving when the server writes
/// nothing: a request's headers or a body on the slowest link arrive far
/// faster, while a client trickling a byte a minute to hold the connection
/// (slowloris) never gets there.
pub const TRICKLE: usize = 1024;

type Counts = Arc<Mutex<HashMap<IpAddr, usize>>>;

/// A listener whose connections keep to the limits above.
#[derive(Debug)]
pub struct Guarded {
    tcp: TcpListener,
    open: Counts,
    exempt: Vec<Network>,
    /// Whether loopback is left uncounted (always, but in tests, whose
    /// clients all come from loopback).
    exempt_loopback: bool,
    per_address: usize,
    idle: Duration,
}

impl Guarded {
    /// The limits above on `tcp`; `exempt` are the trusted proxies.
    pub fn new(tcp: TcpListener, exempt: Vec<Network>) -> Guarded {
        Guarded::with_limits(tcp, exempt, PER_ADDRESS, IDLE)
    }

    fn with_limits(tcp: TcpListener, exempt: Vec<Network>, per_address: usize, idle: Duration) -> Guarded {
        Guarded { tcp, open: Counts::default(), exempt, exempt_loopback: true, per_address, idle }
    }

    /// A place for a connection from `peer`, or `None` when its address
    /// holds all it may.
    fn admit(&self, peer: IpAddr) -> Option<Slot> {
        let peer = peer.to_canonical();
        if (self.exempt_loopback && peer.is_loopback()) || self.exempt.iter().any(|n| n.contains(peer)) {
            return Some(Slot { key: None, open: self.open.clone() });
        }
        let key = crate::signin::network(peer);
        let mut open = self.open.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let count = open.entry(key).or_default();
        if *count >= self.per_address {
            return None;
        }
        *count += 1;
        Some(Slot { key: Some(key), open: self.open.clone() })
    }
}

impl axum::serve::Listener for Guarded {
    type Io = Watched<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let (stream, peer) = match self.tcp.accept().await {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: wait, as axum does.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            };
            match self.admit(peer.ip()) {
                Some(slot) => return (Watched::new(stream, self.idle, slot), peer),
                None => {
                    crate::telemetry::connection_refused();
                    tracing::debug!(%peer, "connection refused: this address holds all it may");
                }
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.tcp.local_addr()
    }
}

/// A connection's place in its address's count, given back when it closes.
#[derive(Debug)]
struct Slot {
    key: Option<IpAddr>,
    open: Counts,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let Some(key) = self.key else { return };
        let mut open = self.open.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(count) = open.get_mut(&key) {
            *count -= 1;
            if *count == 0 {
                open.remove(&key);
            }
        }
    }
}

/// A connection that fails (and so is closed) once nothing has moved on it
/// either way for its idle time: checked whenever it waits to read or write.
#[derive(Debug)]
pub struct Watched<T> {
    io: T,
    idle: Duration,
    deadline: Pin<Box<Sleep>>,
    /// Bytes read since the connection last moved.
    trickled: usize,
    _slot: Slot,
}

impl<T> Watched<T> {
    fn new(io: T, idle: Duration, slot: Slot) -> Watched<T> {
        Watched { io, idle, deadline: Box::pin(tokio::time::sleep(idle)), trickled: 0, _slot: slot }
    }

    fn moved(&mut self) {
        self.trickled = 0;
        self.deadline.as_mut().reset(Instant::now() + self.idle);
    }

    fn count_read(&mut self, bytes: usize) {
        self.trickled += bytes;
        if self.trickled >= TRICKLE {
            self.moved();
        }
    }

    /// A write's outcome: bytes written move the connection; a wait may expire.
    fn wrote(&mut self, cx: &mut Context<'_>, written: Poll<std::io::Result<usize>>) -> Poll<std::io::Result<usize>> {
        match written {
            Poll::Ready(Ok(n)) => {
                if n > 0 {
                    self.moved();
                }
                Poll::Ready(Ok(n))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => self.expired(cx),
        }
    }

    /// While the connection waits: an error once its idle time is up.
    fn expired<R>(&mut self, cx: &mut Context<'_>) -> Poll<std::io::Result<R>> {
        match self.deadline.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "nothing moved on the connection for too long",
            ))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Watched<T> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        match Pin::new(&mut self.io).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                self.count_read(buf.filled().len() - before);
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => self.expired(cx),
        }
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Watched<T> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
        let written = Pin::new(&mut self.io).poll_write(cx, buf);
        self.wrote(cx, written)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let written = Pin::new(&mut self.io).poll_write_vectored(cx, bufs);
        self.wrote(cx, written)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match Pin::new(&mut self.io).poll_flush(cx) {
            Poll::Pending => self.expired(cx),
            done => done,
        }
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::serve::Listener;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// Whether the server closed `stream` within `ms` (a read ends, rather than waits).
    async fn closed(stream: &mut TcpStream, ms: u64) -> bool {
        let mut byte = [0u8; 1];
        matches!(tokio::time::timeout(Duration::from_millis(ms), stream.read(&mut byte)).await, Ok(Ok(0) | Err(_)))
    }

    /// A server that keeps every connection it accepts, reading what comes.
    async fn serving(per_address: usize, idle: Duration) -> SocketAddr {
        let tcp = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = tcp.local_addr().expect("address");
        let mut listener = Guarded::with_limits(tcp, Vec::new(), per_address, idle);
        // The test's clients come from loopback: count it.
        listener.exempt_loopback = false;
        tokio::spawn(async move {
            loop {
                let (mut io, _) = listener.accept().await;
                tokio::spawn(async move {
                    let mut buf = [0u8; 64];
                    while matches!(io.read(&mut buf).await, Ok(n) if n > 0) {}
                });
            }
        });
        address
    }

    #[test]
    fn loopback_and_trusted_proxies_are_not_counted() {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        runtime.block_on(async {
            let tcp = TcpListener::bind("127.0.0.1:0").await.expect("bind");
            let listener = Guarded::with_limits(tcp, vec!["10.0.0.0/8".parse().expect("network")], 1, IDLE);
            let far: IpAddr = "203.0.113.7".parse().expect("address");
            let _first = listener.admit(far).expect("a first connection");
            assert!(listener.admit(far).is_none(), "beyond the limit");
            let v6 = |a: &str| a.parse::<IpAddr>().expect("address");
            let _one = listener.admit(v6("2001:db8:1:2::1")).expect("one of a /64");
            assert!(listener.admit(v6("2001:db8:1:2::ffff")).is_none(), "the same /64");
            let (_a, _b) = (listener.admit(v6("127.0.0.1")), listener.admit(v6("127.0.0.1")));
            assert!(_a.is_some() && _b.is_some(), "loopback is not counted");
            assert!(listener.admit(v6("10.1.1.1")).is_some() && listener.admit(v6("10.1.1.1")).is_some());
            drop(_first);
            assert!(listener.admit(far).is_some(), "a closed connection gives its place back");
            assert!(listener.open.lock().expect("lock").get(&far).is_none_or(|n| *n <= 1));
        });
    }

    #[tokio::test]
    async fn one_address_holds_at_most_its_share_and_idle_connections_close() {
        let address = serving(3, Duration::from_millis(400)).await;
        let mut held = Vec::new();
        for _ in 0..3 {
            held.push(TcpStream::connect(address).await.expect("connect"));
        }
        let mut fourth = TcpStream::connect(address).await.expect("the kernel accepts");
        assert!(closed(&mut fourth, 500).await, "the fourth connection is closed at once");
        // One that keeps sending is kept; one trickling a byte at a time
        // (slowloris) is closed like a silent one.
        let mut busy = held.pop().expect("one");
        let mut trickling = held.pop().expect("another");
        for _ in 0..6 {
            tokio::time::sleep(Duration::from_millis(150)).await;
            busy.write_all(&[b'G'; TRICKLE]).await.expect("the busy one stays open");
            let _ = trickling.write_all(b"G").await;
        }
        assert!(closed(&mut trickling, 500).await, "a trickling connection is closed");
        for silent in &mut held {
            assert!(closed(silent, 500).await, "an idle connection is closed");
        }
        // Their places are free again.
        let mut again = TcpStream::connect(address).await.expect("connect");
        again.write_all(b"GET / HTTP/1.1\r\n").await.expect("write");
        assert!(!closed(&mut again, 100).await, "a new connection is taken");
    }
}
