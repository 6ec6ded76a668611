//! A local HTTP/1.1 server that replays recorded API responses, for collector tests and
//! benchmarks. Listens on 127.0.0.1 (a free port), one thread per connection,
//! keep-alive, and logs every request it was asked.
//!
//! ```ignore
//! let server = Replay::routes([
//!     ("/orgs/x/members?per_page=100&page=1", Reply::json(r#"[{"login":"a"}]"#)
//!         .header("link", r#"<{base}/orgs/x/members?per_page=100&page=2>; rel="next""#)),
//! ]);
//! let base = server.url(); // http://127.0.0.1:PORT
//! ```
//! `{base}` in a reply's headers or body is replaced by the server's own URL, so Link
//! headers in fixtures point back at it. A path registered several times is answered in
//! order, the last reply repeating (a 429, then the page). Unknown paths get 404.

#![allow(dead_code)] // each test crate uses part of it

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One request the server received.
#[derive(Debug, Clone)]
pub struct Request {
    /// `GET`, `POST`, …
    pub method: String,
    /// Path and query, as sent (`/orgs/x/members?page=2`).
    pub target: String,
    /// Headers, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// The body (form posts).
    pub body: String,
    /// When it arrived.
    pub at: Instant,
}

impl Request {
    /// The first header called `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The path without the query.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }

    /// The (undecoded) value of query parameter `key`.
    pub fn query(&self, key: &str) -> Option<&str> {
        let q = self.target.split_once('?')?.1;
        q.split('&')
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v)
    }
}

/// A response to send.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    /// 200 with a JSON body.
    pub fn json(body: impl Into<String>) -> Reply {
        Reply::status(200, body)
    }

    /// `status` with a JSON body.
    pub fn status(status: u16, body: impl Into<String>) -> Reply {
        Reply {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.into(),
        }
    }

    /// The contents of a fixture file (path relative to the repository root), as 200.
    pub fn file(path: &str) -> Reply {
        let full = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
        let body = std::fs::read_to_string(&full)
            .unwrap_or_else(|e| panic!("fixture {}: {e}", full.display()));
        Reply::json(body)
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.to_lowercase(), value.to_string()));
        self
    }
}

type Handler = dyn Fn(&Request, &str) -> Reply + Send + Sync;

/// A running replay server; stops when dropped.
pub struct Replay {
    base: String,
    log: Arc<Mutex<Vec<Request>>>,
    stop: Arc<AtomicBool>,
    addr: std::net::SocketAddr,
}

impl Replay {
    /// Serves `handler(request, base_url)` for every request.
    pub fn start(handler: impl Fn(&Request, &str) -> Reply + Send + Sync + 'static) -> Replay {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        let base = format!("http://{addr}");
        let log = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let handler: Arc<Handler> = Arc::new(handler);
        {
            let (log, stop, base) = (log.clone(), stop.clone(), base.clone());
            std::thread::spawn(move || {
                for conn in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(conn) = conn else { continue };
                    let (log, handler, base) = (log.clone(), handler.clone(), base.clone());
                    std::thread::spawn(move || serve(conn, &*handler, &base, &log));
                }
            });
        }
        Replay {
            base,
            log,
            stop,
            addr,
        }
    }

    /// Serves fixed replies by exact path and query; see the module docs.
    pub fn routes<K: Into<String>>(routes: impl IntoIterator<Item = (K, Reply)>) -> Replay {
        Replay::start(router(routes))
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.base
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<Request> {
        self.log.lock().unwrap().clone()
    }
}

/// The handler behind [`Replay::routes`], to wrap in one's own (e.g. to add latency).
pub fn router<K: Into<String>>(
    routes: impl IntoIterator<Item = (K, Reply)>,
) -> impl Fn(&Request, &str) -> Reply + Send + Sync + 'static {
    let mut map: HashMap<String, Vec<Reply>> = HashMap::new();
    for (k, r) in routes {
        map.entry(k.into()).or_default().push(r);
    }
    let served: Mutex<HashMap<String, usize>> = Mutex::new(HashMap::new());
    move |req, _base| {
        let Some(replies) = map.get(&req.target) else {
            return Reply::status(404, r#"{"message":"Not Found"}"#);
        };
        let mut served = served.lock().unwrap();
        let n = served.entry(req.target.clone()).or_insert(0);
        let r = replies[(*n).min(replies.len() - 1)].clone();
        *n += 1;
        r
    }
}

impl Drop for Replay {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_millis(200));
    }
}

fn serve(conn: TcpStream, handler: &Handler, base: &str, log: &Mutex<Vec<Request>>) {
    let _ = conn.set_read_timeout(Some(Duration::from_secs(30)));
    let _ = conn.set_nodelay(true);
    let Ok(write_half) = conn.try_clone() else {
        return;
    };
    let mut out = write_half;
    let mut reader = BufReader::new(conn);
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let mut parts = line.split_whitespace();
        let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
            return;
        };
        let (method, target) = (method.to_string(), target.to_string());
        let mut headers = Vec::new();
        loop {
            let mut h = String::new();
            match reader.read_line(&mut h) {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                headers.push((k.trim().to_lowercase(), v.trim().to_string()));
            }
        }
        let len: usize = headers
            .iter()
            .find(|(k, _)| k == "content-length")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0; len];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let req = Request {
            method,
            target,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
            at: Instant::now(),
        };
        log.lock().unwrap().push(req.clone());
        let reply = handler(&req, base);
        let body = reply.body.replace("{base}", base);
        let mut head = format!(
            "HTTP/1.1 {} X\r\ncontent-length: {}\r\n",
            reply.status,
            body.len()
        );
        for (k, v) in &reply.headers {
            head.push_str(&format!("{k}: {}\r\n", v.replace("{base}", base)));
        }
        head.push_str("\r\n");
        if out.write_all(head.as_bytes()).is_err() || out.write_all(body.as_bytes()).is_err() {
            return;
        }
        let _ = out.flush();
        if req
            .header("connection")
            .is_some_and(|c| c.eq_ignore_ascii_case("close"))
        {
            return;
        }
    }
}
