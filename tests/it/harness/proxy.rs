//! A TCP proxy between the service and PostgreSQL that cuts or stalls the connections on
//! command: the network failing under the service, with the database itself fine.

use std::net::SocketAddr;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// What the proxy does with traffic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// Bytes flow both ways.
    Pass,
    /// Bytes are held (nothing read, nothing written) until the mode changes: packets
    /// dropped on the floor, no reset.
    Stall,
    /// Every open connection is closed and each new one closed as soon as it is made.
    Cut,
}

/// The proxy; dropping it stops accepting (connections open keep running until cut).
pub struct Proxy {
    /// Where the service connects instead of PostgreSQL.
    pub addr: SocketAddr,
    mode: watch::Sender<Mode>,
    accept: tokio::task::JoinHandle<()>,
}

impl Proxy {
    /// Listens on a free loopback port and forwards to `target`.
    pub async fn start(target: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let addr = listener.local_addr().expect("proxy addr");
        let (mode, watching) = watch::channel(Mode::Pass);
        let accept = tokio::spawn(async move {
            while let Ok((inbound, _)) = listener.accept().await {
                if *watching.borrow() == Mode::Cut {
                    drop(inbound);
                    continue;
                }
                tokio::spawn(forward(inbound, target, watching.clone()));
            }
        });
        Self { addr, mode, accept }
    }

    /// `url` (a test database's) pointed at this proxy instead.
    pub fn url_for(&self, url: &str, target: SocketAddr) -> String {
        let direct = format!("@{target}/");
        assert!(url.contains(&direct), "{url} goes to {target}");
        url.replace(&direct, &format!("@{}/", self.addr))
    }

    /// Closes every connection now and refuses new ones until [`Proxy::pass`].
    pub fn cut(&self) {
        self.mode.send_replace(Mode::Cut);
    }

    /// Holds every byte, both ways, until [`Proxy::pass`] or [`Proxy::cut`].
    pub fn stall(&self) {
        self.mode.send_replace(Mode::Stall);
    }

    /// Lets traffic flow again (a cut connection stays closed; new ones are made).
    pub fn pass(&self) {
        self.mode.send_replace(Mode::Pass);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.accept.abort();
        self.mode.send_replace(Mode::Cut);
    }
}

/// Copies both ways until either side closes or the mode says cut.
async fn forward(inbound: TcpStream, target: SocketAddr, mut mode: watch::Receiver<Mode>) {
    let Ok(outbound) = TcpStream::connect(target).await else {
        return;
    };
    let (mut in_read, mut in_write) = inbound.into_split();
    let (mut out_read, mut out_write) = outbound.into_split();
    let mut up = [0u8; 16 * 1024];
    let mut down = [0u8; 16 * 1024];
    loop {
        let now = *mode.borrow_and_update();
        match now {
            Mode::Cut => return,
            Mode::Stall => {
                if mode.changed().await.is_err() {
                    return;
                }
                continue;
            }
            Mode::Pass => {}
        }
        tokio::select! {
            changed = mode.changed() => {
                if changed.is_err() {
                    return;
                }
            }
            read = in_read.read(&mut up) => match read {
                Ok(0) | Err(_) => return,
                Ok(n) => {
                    if out_write.write_all(&up[..n]).await.is_err() {
                        return;
                    }
                }
            },
            read = out_read.read(&mut down) => match read {
                Ok(0) | Err(_) => return,
                Ok(n) => {
                    if in_write.write_all(&down[..n]).await.is_err() {
                        return;
                    }
                }
            },
        }
    }
}
