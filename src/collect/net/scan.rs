//! A TCP connect scan with tokio: bounded concurrency, a deadline per probe, retries for
//! silence, a rate limit, and a cheap guess at the service behind each open port.
//!
//! A connect scan needs no privileges and opens ordinary connections, so what it finds is
//! what any client could reach from where the scan runs. States follow nmap's connect
//! scan: a completed handshake is `open`, a refusal (RST) is `closed`, and silence until
//! the deadline (or an ICMP unreachable) is `filtered`.

use std::collections::{BTreeMap, BTreeSet};
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::Mutex;
use tokio::time::{timeout, Instant};

/// What a probe of one port found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PortState {
    /// The TCP handshake completed.
    Open,
    /// The host refused (RST).
    Closed,
    /// No answer within the deadline, or a network said unreachable.
    Filtered,
}

impl PortState {
    /// The name used in evidence.
    pub fn as_str(self) -> &'static str {
        match self {
            PortState::Open => "open",
            PortState::Closed => "closed",
            PortState::Filtered => "filtered",
        }
    }
}

/// How to scan.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Deadline for one connect attempt.
    pub timeout: Duration,
    /// Extra attempts for a port that stayed silent (a dropped SYN is not a firewall).
    pub retries: u32,
    /// Connections in flight at once, over all hosts.
    pub concurrency: usize,
    /// Most new connections per second (0 = unlimited).
    pub rate: u32,
    /// Whether to identify the service on open ports.
    pub identify: bool,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            timeout: Duration::from_millis(1500),
            retries: 1,
            concurrency: 512,
            rate: 0,
            identify: true,
        }
    }
}

/// One scanned port.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct PortResult {
    /// The port.
    pub port: u16,
    /// What the probe found.
    pub state: PortState,
    /// The service guessed on an open port (`ssh`, `http`, `tls`, `postgresql`, …).
    pub service: Option<String>,
}

/// Paces new connections to at most `rate` per second.
#[derive(Debug)]
struct Pacer {
    interval: Option<Duration>,
    next: Mutex<Instant>,
}

impl Pacer {
    fn new(rate: u32) -> Pacer {
        let interval = (rate > 0).then(|| Duration::from_secs_f64(1.0 / f64::from(rate)));
        Pacer {
            interval,
            next: Mutex::new(Instant::now()),
        }
    }

    async fn wait(&self) {
        let Some(step) = self.interval else { return };
        let at = {
            let mut next = self.next.lock().await;
            let at = (*next).max(Instant::now());
            *next = at + step;
            at
        };
        tokio::time::sleep_until(at).await;
    }
}

/// Scans `ports` on every address in `addrs`. Every port gets a result; they are sorted
/// by address and port. `progress` is called once per finished port. The only error is
/// failing to start a thread's event loop (no file descriptors left).
///
/// A port that stays silent is asked again only after the whole pass, as nmap
/// retransmits late: a burst that overflowed a device queue or waited on ARP has drained
/// by then, so a lost SYN is not mistaken for a firewall.
///
/// Why threads with one event loop each: a connect scan is system calls, and the kernel
/// does a loopback or LAN handshake on the calling CPU, so one loop per core scales where
/// a work-stealing runtime mostly adds wake-ups between its workers (`benches/ports.rs`).
/// `opts.concurrency` workers, spread over the loops, pull from one shared queue.
pub fn scan(
    addrs: &[IpAddr],
    ports: &[u16],
    opts: &ScanOptions,
    progress: impl Fn() + Send + Sync + 'static,
) -> std::io::Result<Vec<(IpAddr, Vec<PortResult>)>> {
    let pacer = Arc::new(Pacer::new(opts.rate));
    let progress: Arc<dyn Fn() + Send + Sync> = Arc::new(progress);
    let mut pending: Vec<SocketAddr> = addrs
        .iter()
        .flat_map(|ip| ports.iter().map(move |p| SocketAddr::new(*ip, *p)))
        .collect();
    let mut by_host: BTreeMap<IpAddr, Vec<PortResult>> =
        addrs.iter().map(|a| (*a, Vec::new())).collect();
    let concurrency = opts.concurrency.max(1);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    for pass in 0..=opts.retries {
        let last = pass == opts.retries;
        let queue = Queue {
            work: Arc::new(std::mem::take(&mut pending)),
            next: Arc::new(AtomicUsize::new(0)),
            last,
        };
        let workers = concurrency.min(queue.work.len()).max(1);
        let threads = cores.min(workers);
        let outs: Vec<std::io::Result<Vec<Probed>>> = std::thread::scope(|sc| {
            let handles: Vec<_> = (0..threads)
                .map(|t| {
                    // Spread the workers evenly: the first threads take the remainder.
                    let n = workers / threads + usize::from(t < workers % threads);
                    let (queue, pacer, progress) = (queue.clone(), pacer.clone(), progress.clone());
                    sc.spawn(move || run_loop(n, &queue, opts, &pacer, &progress))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        });
        for out in outs {
            for (addr, found) in out? {
                let result = match found {
                    Some(r) => r,
                    None if last => PortResult {
                        port: addr.port(),
                        state: PortState::Filtered,
                        service: None,
                    },
                    None => {
                        pending.push(addr);
                        continue;
                    }
                };
                by_host.entry(addr.ip()).or_default().push(result);
            }
        }
    }
    Ok(by_host
        .into_iter()
        .map(|(ip, mut rs)| {
            rs.sort();
            (ip, rs)
        })
        .collect())
}

/// A port and what one attempt found (`None`: silent).
type Probed = (SocketAddr, Option<PortResult>);

/// One pass's work, shared by every worker of every thread.
#[derive(Clone)]
struct Queue {
    work: Arc<Vec<SocketAddr>>,
    next: Arc<AtomicUsize>,
    /// The last pass: a silent port is final (filtered), so it counts as progress.
    last: bool,
}

/// Runs `workers` workers on a fresh single-threaded event loop until the queue is empty.
fn run_loop(
    workers: usize,
    queue: &Queue,
    opts: &ScanOptions,
    pacer: &Arc<Pacer>,
    progress: &Arc<dyn Fn() + Send + Sync>,
) -> std::io::Result<Vec<Probed>> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let mut set = tokio::task::JoinSet::new();
        for _ in 0..workers {
            let (queue, opts, pacer, progress) =
                (queue.clone(), opts.clone(), pacer.clone(), progress.clone());
            set.spawn(async move {
                let mut out = Vec::new();
                while let Some(&addr) = queue.work.get(queue.next.fetch_add(1, Ordering::Relaxed)) {
                    let found = attempt(addr, &opts, &pacer).await;
                    if found.is_some() || queue.last {
                        progress();
                    }
                    out.push((addr, found));
                }
                out
            });
        }
        let mut all = Vec::new();
        while let Some(done) = set.join_next().await {
            // A worker that panicked would take its ports with it: fail loudly instead.
            all.extend(done.unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic())));
        }
        Ok(all)
    })
}

/// One connect attempt: `None` when the port stayed silent (or the network said
/// unreachable), so it may be asked again.
async fn attempt(addr: SocketAddr, opts: &ScanOptions, pacer: &Pacer) -> Option<PortResult> {
    pacer.wait().await;
    let refused = |e: &std::io::Error| e.kind() == std::io::ErrorKind::ConnectionRefused;
    let (state, stream) = match timeout(opts.timeout, TcpStream::connect(addr)).await {
        // A connect to a local port in the ephemeral range can draw that very port as its
        // source and "simultaneously open" with itself: no server is there. Ask once more
        // from another source port (nmap -sT guards against the same).
        Ok(Ok(s)) if is_self_connection(&s) => {
            drop(s);
            match timeout(opts.timeout, TcpStream::connect(addr)).await {
                Ok(Ok(s)) if !is_self_connection(&s) => (PortState::Open, Some(s)),
                Ok(Ok(_)) => (PortState::Closed, None),
                Ok(Err(e)) if refused(&e) => (PortState::Closed, None),
                _ => return None,
            }
        }
        Ok(Ok(s)) => (PortState::Open, Some(s)),
        Ok(Err(e)) if refused(&e) => (PortState::Closed, None),
        _ => return None,
    };
    let service = match (stream, opts.identify) {
        (Some(s), true) => match identify(s, opts.timeout).await {
            Some(found) => Some(found),
            None => tls_answers(addr, opts.timeout)
                .await
                .then(|| "tls".to_string()),
        },
        _ => None,
    };
    Some(PortResult {
        port: addr.port(),
        state,
        service,
    })
}

/// Whether a connection's two ends are the same socket (a TCP self-connect).
fn is_self_connection(s: &TcpStream) -> bool {
    matches!((s.local_addr(), s.peer_addr()), (Ok(l), Ok(p)) if l == p)
}

/// Guesses the service on an open connection: first listen (SSH, MySQL, FTP, SMTP speak
/// first), then send a tiny HTTP request and read how the server reacts — HTTP answers
/// HTTP, a TLS server sends an alert record, Redis an error line, PostgreSQL an error
/// message. At most 512 bytes are read and the whole guess is bounded by `deadline`.
async fn identify(mut s: TcpStream, deadline: Duration) -> Option<String> {
    let mut buf = [0u8; 512];
    let wait = deadline.min(Duration::from_millis(500));
    if let Ok(Ok(n)) = timeout(wait, s.read(&mut buf)).await {
        if n > 0 {
            return Some(classify_banner(buf.get(..n).unwrap_or(&[])).to_string());
        }
        return None;
    }
    s.write_all(b"HEAD / HTTP/1.0\r\n\r\n").await.ok()?;
    match timeout(wait, s.read(&mut buf)).await {
        Ok(Ok(n)) if n > 0 => Some(classify_reply(buf.get(..n).unwrap_or(&[])).to_string()),
        _ => None,
    }
}

/// Whether the port answers a TLS ClientHello with a TLS record (a ServerHello or an
/// alert): servers such as `openssl s_server` close silently on a plain-text request.
async fn tls_answers(addr: SocketAddr, deadline: Duration) -> bool {
    let hello = crate::collect::tls::wire::ClientHello {
        version: 0x0303,
        suites: &[0xc02f, 0xc030, 0x009c, 0x002f, 0x1301],
        sni: None,
        groups: &[29, 23],
        random: [7; 32],
        x25519_share: [9; 32],
    };
    let Ok(Ok(mut s)) = timeout(deadline, TcpStream::connect(addr)).await else {
        return false;
    };
    if s.write_all(&hello.to_record()).await.is_err() {
        return false;
    }
    let mut head = [0u8; 3];
    matches!(timeout(deadline, s.read_exact(&mut head)).await, Ok(Ok(_)) if matches!(head, [0x15 | 0x16, 3, _]))
}

/// The service a server's unprompted first bytes announce.
pub fn classify_banner(b: &[u8]) -> &'static str {
    let text = String::from_utf8_lossy(b).to_ascii_lowercase();
    if text.starts_with("ssh-") {
        "ssh"
    } else if b.len() > 5 && b.get(4) == Some(&10) && b.get(3) == Some(&0) {
        // MySQL/MariaDB greeting: 3-byte length, sequence 0, protocol version 10.
        "mysql"
    } else if text.starts_with("220") && text.contains("ftp") {
        "ftp"
    } else if text.starts_with("220") {
        "smtp"
    } else if text.starts_with("+ok") {
        "pop3"
    } else if text.starts_with("* ok") {
        "imap"
    } else {
        "unknown"
    }
}

/// The service a server's reply to `HEAD / HTTP/1.0` gives away.
pub fn classify_reply(b: &[u8]) -> &'static str {
    if b.starts_with(b"HTTP/") {
        "http"
    } else if b.first() == Some(&0x15) && b.get(1) == Some(&3) {
        "tls"
    } else if b.starts_with(b"-ERR") || b.starts_with(b"-NOAUTH") || b.starts_with(b"-DENIED") {
        "redis"
    } else if b.first() == Some(&b'E')
        && b.len() > 5
        && String::from_utf8_lossy(b).contains("SFATAL")
    {
        "postgresql"
    } else if b.first() == Some(&b'E') && b.len() > 5 {
        // An ErrorResponse ('E', then a length): PostgreSQL rejecting a non-startup packet.
        "postgresql"
    } else {
        "unknown"
    }
}

/// Parses a port spec: `80,443`, `1-1024`, `all` (1-65535), `top100` or a mix
/// (`22,80-90,top100`). The result is sorted and deduplicated.
pub fn parse_ports(spec: &str) -> Result<Vec<u16>, String> {
    let mut out = BTreeSet::new();
    for part in spec.split(',').map(str::trim) {
        let bad = || format!("port spec '{part}': expected a port, a range a-b, 'all' or 'top100'");
        match part {
            "" => return Err("empty port spec".into()),
            "all" => out.extend(1..=u16::MAX),
            "top100" => out.extend(TOP_PORTS.iter().copied()),
            _ => match part.split_once('-') {
                Some((a, b)) => {
                    let (a, b): (u16, u16) =
                        (a.parse().map_err(|_| bad())?, b.parse().map_err(|_| bad())?);
                    if a == 0 || a > b {
                        return Err(bad());
                    }
                    out.extend(a..=b);
                }
                None => {
                    let p: u16 = part.parse().map_err(|_| bad())?;
                    if p == 0 {
                        return Err(bad());
                    }
                    out.insert(p);
                }
            },
        }
    }
    Ok(out.into_iter().collect())
}

/// A curated list of 100 TCP ports: services most often exposed on the internet, and the
/// database and administration ports the network controls look for.
pub const TOP_PORTS: [u16; 100] = [
    7, 9, 13, 21, 22, 23, 25, 26, 37, 53, 79, 80, 81, 88, 106, 110, 111, 113, 119, 135, 139, 143,
    144, 179, 199, 389, 427, 443, 444, 445, 465, 513, 514, 515, 543, 544, 548, 554, 587, 631, 646,
    873, 990, 993, 995, 1025, 1026, 1027, 1028, 1029, 1110, 1433, 1720, 1723, 1755, 1900, 2000,
    2001, 2049, 2121, 2717, 3000, 3128, 3306, 3389, 3986, 4899, 5000, 5009, 5051, 5060, 5101, 5190,
    5357, 5432, 5631, 5666, 5800, 5900, 6000, 6001, 6379, 6646, 7070, 8000, 8008, 8009, 8080, 8081,
    8443, 8888, 9100, 9200, 9999, 10000, 11211, 27017, 32768, 49152, 49154,
];

#[cfg(test)]
mod tests {
    use super::*;

    /// A socket that connects to its own address opens with itself on Linux (TCP
    /// simultaneous open): the case a scan of the ephemeral range runs into.
    #[test]
    fn recognises_a_self_connection() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let sock = tokio::net::TcpSocket::new_v4().unwrap();
            sock.bind("127.0.0.1:0".parse().unwrap()).unwrap();
            let me = sock.local_addr().unwrap();
            let s = sock.connect(me).await.expect("self-connect");
            assert!(is_self_connection(&s));
            let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let other = TcpStream::connect(l.local_addr().unwrap()).await.unwrap();
            assert!(!is_self_connection(&other));
        });
    }

    #[test]
    fn port_specs() {
        assert_eq!(parse_ports("443,80,80").unwrap(), [80, 443]);
        assert_eq!(parse_ports("20-22").unwrap(), [20, 21, 22]);
        assert_eq!(parse_ports("all").unwrap().len(), 65535);
        assert_eq!(parse_ports("top100").unwrap().len(), 100);
        for bad in ["", "0", "70000", "10-5", "a", "1-", "80,,443"] {
            assert!(parse_ports(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn banners_and_replies() {
        assert_eq!(classify_banner(b"SSH-2.0-OpenSSH_9.2p1 Debian\r\n"), "ssh");
        assert_eq!(
            classify_banner(&[0x4a, 0, 0, 0, 10, b'8', b'.', b'0']),
            "mysql"
        );
        assert_eq!(classify_reply(b"HTTP/1.1 400 Bad Request\r\n"), "http");
        assert_eq!(classify_reply(&[0x15, 3, 1, 0, 2, 2, 70]), "tls");
        assert_eq!(classify_reply(b"-ERR unknown command 'HEAD'\r\n"), "redis");
        assert_eq!(classify_reply(b"EXXXXSFATAL\0"), "postgresql");
        assert_eq!(classify_reply(b"?"), "unknown");
    }
}
