//! The QUIC lane's UDP socket, able to lose packets on purpose: the
//! head-of-line demo asks for a share of the packets this server sends to
//! one connection's address (its IP and port) to be dropped, the rest
//! delayed as on a far path, and [`LossySocket`] does it on the way out, as
//! a congested router would. Other addresses and what the socket receives
//! are never touched.
//!
//! A drop is `try_send` answering `Ok` without sending: quinn counts the
//! packet as sent, finds it lost when later ones are acknowledged, and
//! sends its frames again, which is the behaviour the demo shows. The
//! delay matters as much: on a path of a fraction of a millisecond a loss
//! is found and repaired before the next message is due, and nothing waits
//! behind it; with a round trip longer than the gap between two messages,
//! the messages behind a loss queue up on one stream.

use std::collections::HashMap;
use std::io::{self, IoSliceMut};
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use quinn::udp::{RecvMeta, Transmit};
use quinn::{AsyncUdpSocket, UdpPoller};
use tokio::sync::mpsc;
use tokio::time::Instant;

/// The addresses that lose packets now, and what each has lost.
#[derive(Debug, Default)]
pub struct Loss {
    lossy: Mutex<HashMap<SocketAddr, Lossy>>,
    generations: std::sync::atomic::AtomicU64,
    /// The socket under [`LossySocket`], which sends the delayed packets.
    socket: OnceLock<Arc<dyn AsyncUdpSocket>>,
}

#[derive(Debug)]
struct Lossy {
    /// Which [`Loss::start`] made it: a later start for the same address
    /// replaces it, and the earlier guard must not then end the later loss.
    generation: u64,
    /// The share of packets dropped, 0 to 1.
    share: f64,
    rng: fastrand::Rng,
    counts: LossCounts,
    /// Where the packets that pass wait out the delay; `None`: no delay.
    delayed: Option<mpsc::UnboundedSender<Delayed>>,
    delay: Duration,
}

/// A packet that passed, held until it is due.
#[derive(Debug)]
struct Delayed {
    due: Instant,
    transmit: Transmit<'static>,
    contents: Vec<u8>,
}

/// Packets sent to one address while it was lossy, and how many of them
/// were dropped.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LossCounts {
    pub sent: u64,
    pub dropped: u64,
}

/// While held, packets to its address are dropped; dropping it ends that.
#[derive(Debug)]
pub struct LossGuard {
    loss: Arc<Loss>,
    remote: SocketAddr,
    generation: u64,
}

impl Loss {
    /// From now on, drop `share` (0 to 1) of the packets sent to `remote`,
    /// chosen by a generator seeded with `seed` (the same seed, the same
    /// choices for the same packets), and send the others `delay` late.
    /// Call inside the tokio runtime.
    pub fn start(
        self: &Arc<Self>,
        remote: SocketAddr,
        (share, delay): (f64, Duration),
        seed: u64,
    ) -> LossGuard {
        let delayed = match (delay.is_zero(), self.socket.get()) {
            (false, Some(socket)) => Some(send_when_due(socket.clone())),
            _ => None,
        };
        let generation = self
            .generations
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.lock().insert(
            remote,
            Lossy {
                generation,
                share: share.clamp(0.0, 1.0),
                rng: fastrand::Rng::with_seed(seed),
                counts: LossCounts::default(),
                delayed,
                delay,
            },
        );
        LossGuard {
            loss: self.clone(),
            remote,
            generation,
        }
    }

    /// What becomes of a packet to `destination`, counted if the address
    /// is lossy.
    fn fate(&self, transmit: &Transmit) -> Fate {
        let mut lossy = self.lock();
        let Some(lossy) = lossy.get_mut(&transmit.destination) else {
            return Fate::Send;
        };
        lossy.counts.sent += 1;
        if lossy.rng.f64() < lossy.share {
            lossy.counts.dropped += 1;
            return Fate::Drop;
        }
        let Some(delayed) = &lossy.delayed else {
            return Fate::Send;
        };
        let held = Delayed {
            due: Instant::now() + lossy.delay,
            transmit: Transmit {
                destination: transmit.destination,
                ecn: transmit.ecn,
                contents: &[],
                segment_size: None,
                src_ip: transmit.src_ip,
            },
            contents: transmit.contents.to_vec(),
        };
        match delayed.send(held) {
            Ok(()) => Fate::Held,
            Err(_) => Fate::Send,
        }
    }

    #[cfg(test)]
    fn passes(&self, destination: SocketAddr) -> bool {
        let transmit = Transmit {
            destination,
            ecn: None,
            contents: &[],
            segment_size: None,
            src_ip: None,
        };
        self.fate(&transmit) == Fate::Send
    }

    /// How many addresses lose packets now.
    pub fn lossy_addresses(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<SocketAddr, Lossy>> {
        self.lossy.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Fate {
    Send,
    Drop,
    /// Sent later, when its delay is over.
    Held,
}

/// A task that sends each delayed packet when it is due, in order; it ends
/// when the address stops being lossy. A packet the socket cannot take
/// then is lost, as a full router queue loses it.
fn send_when_due(socket: Arc<dyn AsyncUdpSocket>) -> mpsc::UnboundedSender<Delayed> {
    let (sender, mut held) = mpsc::unbounded_channel::<Delayed>();
    tokio::spawn(async move {
        while let Some(packet) = held.recv().await {
            tokio::time::sleep_until(packet.due).await;
            let transmit = Transmit {
                contents: &packet.contents,
                ..packet.transmit
            };
            let _ = socket.try_send(&transmit);
        }
    });
    sender
}

impl LossGuard {
    /// What was sent to this address and dropped so far.
    pub fn counts(&self) -> LossCounts {
        self.loss
            .lock()
            .get(&self.remote)
            .filter(|lossy| lossy.generation == self.generation)
            .map(|lossy| lossy.counts)
            .unwrap_or_default()
    }
}

impl Drop for LossGuard {
    fn drop(&mut self) {
        let mut lossy = self.loss.lock();
        if lossy
            .get(&self.remote)
            .is_some_and(|l| l.generation == self.generation)
        {
            lossy.remove(&self.remote);
        }
    }
}

/// A UDP socket that asks [`Loss`] before each packet it sends.
#[derive(Debug)]
pub struct LossySocket {
    inner: Arc<dyn AsyncUdpSocket>,
    loss: Arc<Loss>,
}

impl LossySocket {
    pub fn new(inner: Arc<dyn AsyncUdpSocket>, loss: Arc<Loss>) -> Self {
        let _ = loss.socket.set(inner.clone());
        LossySocket { inner, loss }
    }
}

impl AsyncUdpSocket for LossySocket {
    fn create_io_poller(self: Arc<Self>) -> Pin<Box<dyn UdpPoller>> {
        self.inner.clone().create_io_poller()
    }

    fn try_send(&self, transmit: &Transmit) -> io::Result<()> {
        match self.loss.fate(transmit) {
            Fate::Send => self.inner.try_send(transmit),
            Fate::Drop | Fate::Held => Ok(()),
        }
    }

    fn poll_recv(
        &self,
        cx: &mut Context,
        bufs: &mut [IoSliceMut<'_>],
        meta: &mut [RecvMeta],
    ) -> Poll<io::Result<usize>> {
        self.inner.poll_recv(cx, bufs, meta)
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.local_addr()
    }

    /// One packet per send, so that a drop loses one packet, not a batch
    /// (the kernel's segmentation offload would send several as one).
    fn max_transmit_segments(&self) -> usize {
        1
    }

    fn max_receive_segments(&self) -> usize {
        self.inner.max_receive_segments()
    }

    fn may_fragment(&self) -> bool {
        self.inner.may_fragment()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_lossy_address_loses_packets_and_only_while_held() {
        let loss = Arc::new(Loss::default());
        let (lossy, other): (SocketAddr, SocketAddr) = (
            "127.0.0.1:1000".parse().unwrap(),
            "127.0.0.1:2000".parse().unwrap(),
        );
        let guard = loss.start(lossy, (0.5, Duration::ZERO), 7);
        let passed = (0..1000).filter(|_| loss.passes(lossy)).count();
        assert!((400..600).contains(&passed), "{passed} of 1000 passed");
        assert!((0..100).all(|_| loss.passes(other)));
        assert_eq!(guard.counts().sent, 1000);
        assert_eq!(guard.counts().dropped, 1000 - passed as u64);
        drop(guard);
        assert!((0..100).all(|_| loss.passes(lossy)));
        assert_eq!(loss.lossy_addresses(), 0);
        // A later start for the same address outlives an earlier guard.
        let (earlier, later) = (
            loss.start(lossy, (1.0, Duration::ZERO), 1),
            loss.start(lossy, (1.0, Duration::ZERO), 2),
        );
        drop(earlier);
        assert!(!loss.passes(lossy));
        assert_eq!(later.counts().dropped, 1);
    }
}
