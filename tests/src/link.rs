//! A field link on loopback: a TCP proxy between a device and the server that
//! is as slow as a phone hotspot (bandwidth and latency) and cuts connections
//! after a number of bytes or seconds, as a link at the edge of coverage does.
//! The stories use it to prove nothing is lost; the sync benchmark to time a
//! sync through it.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the link does to each connection through it.
#[derive(Clone, Copy, Debug, Default)]
pub struct Link {
    /// Bytes a second in each direction; `None` passes them at once.
    pub bytes_per_second: Option<u64>,
    /// Added before each burst that follows a pause, in each direction.
    pub latency: Duration,
    /// Cut the connection once this many bytes went toward the server.
    pub cut_up_after: Option<usize>,
    /// Cut the connection once this many bytes went toward the device.
    pub cut_down_after: Option<usize>,
    /// Cut the connection after this long.
    pub cut_after: Option<Duration>,
    /// How many connections the cuts apply to (the first ones); `None`: all.
    pub cuts: Option<usize>,
}

/// What went through a running link.
#[derive(Debug, Default)]
pub struct Traffic {
    pub connections: AtomicUsize,
    pub cut: AtomicUsize,
    pub up: AtomicU64,
    pub down: AtomicU64,
}

/// A running link: point a client at `url`.
#[derive(Debug)]
pub struct Proxy {
    pub url: String,
    pub traffic: Arc<Traffic>,
}

impl Link {
    /// Scenario 1's hotspot: 64 kbit/s each way, 600 ms round trip.
    pub fn hotspot() -> Link {
        Link { bytes_per_second: Some(8_000), latency: Duration::from_millis(300), ..Link::default() }
    }

    /// Listen on a loopback port chosen by the system and pass each
    /// connection on to `target` (`http://host:port` or `host:port`) as this
    /// link would. Runs until the runtime ends.
    pub async fn start(self, target: &str) -> Proxy {
        let target = target.trim_start_matches("http://").to_owned();
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind the link");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let traffic = Arc::new(Traffic::default());
        let seen = traffic.clone();
        tokio::spawn(async move {
            while let Ok((device, _)) = listener.accept().await {
                let n = seen.connections.fetch_add(1, Ordering::SeqCst);
                let cut = self.cuts.is_none_or(|cuts| n < cuts);
                let (target, traffic) = (target.clone(), seen.clone());
                tokio::spawn(async move {
                    let Ok(server) = TcpStream::connect(&target).await else { return };
                    if self.connect(device, server, cut, &traffic).await == Ended::Cut {
                        traffic.cut.fetch_add(1, Ordering::SeqCst);
                    }
                });
            }
        });
        Proxy { url, traffic }
    }

    /// Carry one connection to its end: both sides closed, or a cut (both
    /// sockets dropped at once, whatever was in flight).
    async fn connect(self, device: TcpStream, server: TcpStream, cut: bool, traffic: &Traffic) -> Ended {
        let (dr, dw) = device.into_split();
        let (sr, sw) = server.into_split();
        let limit = |n: Option<usize>| if cut { n } else { None };
        let up = self.pipe(dr, sw, limit(self.cut_up_after), &traffic.up);
        let down = self.pipe(sr, dw, limit(self.cut_down_after), &traffic.down);
        let both = async {
            tokio::pin!(up, down);
            tokio::select! {
                ended = &mut up => if ended == Ended::Cut { ended } else { down.await },
                ended = &mut down => if ended == Ended::Cut { ended } else { up.await },
            }
        };
        match self.cut_after.filter(|_| cut) {
            Some(after) => tokio::time::timeout(after, both).await.unwrap_or(Ended::Cut),
            None => both.await,
        }
    }

    /// Copy one direction, shaped, until its end or `limit` bytes.
    async fn pipe(
        self,
        mut from: impl AsyncReadExt + Unpin,
        mut to: impl AsyncWriteExt + Unpin,
        limit: Option<usize>,
        counted: &AtomicU64,
    ) -> Ended {
        let mut buf = vec![0u8; 1024];
        let mut sent = 0usize;
        let mut last: Option<tokio::time::Instant> = None;
        loop {
            let n = match from.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            if last.is_none_or(|t| t.elapsed() > Duration::from_millis(100)) {
                tokio::time::sleep(self.latency).await;
            }
            if let Some(rate) = self.bytes_per_second {
                tokio::time::sleep(Duration::from_micros(n as u64 * 1_000_000 / rate.max(1))).await;
            }
            let n = match limit {
                Some(limit) if sent + n >= limit => {
                    let _ = to.write_all(&buf[..limit - sent]).await;
                    counted.fetch_add((limit - sent) as u64, Ordering::Relaxed);
                    return Ended::Cut;
                }
                _ => n,
            };
            if to.write_all(&buf[..n]).await.is_err() {
                break;
            }
            counted.fetch_add(n as u64, Ordering::Relaxed);
            sent += n;
            last = Some(tokio::time::Instant::now());
        }
        let _ = to.shutdown().await;
        Ended::Closed
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ended {
    Closed,
    Cut,
}
