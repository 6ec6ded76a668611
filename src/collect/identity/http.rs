//! The HTTP layer every identity API collector shares: one client, one way to ask for a
//! page, to sit out a rate limit, to follow pagination, and to say what went wrong.
//!
//! What it promises:
//! - **Tokens stay secret.** The credential travels only in a request header marked
//!   sensitive, is never put in a URL, and every error text is scrubbed of it. A
//!   pagination link that points at another origin than `--base-url` is refused, so a
//!   hostile or broken server cannot make assay send the token elsewhere.
//! - **HTTPS only**, except plain `http://` to a loopback address (127.0.0.0/8, `::1`,
//!   `localhost`): local replays and tests, never a token over a network in clear text.
//! - **Rate limits are waited out** when the provider says how long (`Retry-After` in
//!   seconds or as an HTTP date, `X-RateLimit-Reset` / `X-Rate-Limit-Reset` as epoch
//!   seconds), up to `max_wait`; a longer wait is an error that says so. A 403 that is a
//!   rate limit (GitHub: `x-ratelimit-remaining: 0` or `Retry-After`) is treated as one,
//!   never as a permission problem.
//! - **401 and 403 are explained**: the provider's collector supplies the permission or
//!   scope the token lacks ([`Api::new`]'s `hint`).
//! - **A short list is never a complete one.** [`Listing`] carries the items read and the
//!   first page that could not be read; the collector marks the evidence `incomplete` or
//!   `error`, never simply writes fewer accounts.
//! - **Errors name the provider, the endpoint and the field** (`GitHub GET
//!   /orgs/x/members?page=2: [3].login: missing`).

use std::net::IpAddr;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::Url;
use serde_json::Value;

/// How the collection may behave on the network.
#[derive(Debug, Clone)]
pub struct Options {
    /// Each request (connect, send, read the body) may take this long.
    pub timeout: Duration,
    /// Pages fetched at the same time where the provider allows it.
    pub concurrency: usize,
    /// The longest rate-limit wait assay sits out; a longer one is an error.
    pub max_wait: Duration,
    /// Extra attempts after a transport error or a 5xx answer.
    pub retries: u32,
    /// Extra trusted CA certificates (PEM), for self-hosted servers.
    pub ca_file: Option<std::path::PathBuf>,
    /// Draw a progress bar on stderr (only when it is a terminal).
    pub progress: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            timeout: Duration::from_secs(30),
            concurrency: 8,
            max_wait: Duration::from_secs(120),
            retries: 2,
            ca_file: None,
            progress: false,
        }
    }
}

/// What kind of failure an [`ApiError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Bad configuration: base URL, missing credential.
    Config,
    /// 401 or 403: the token is missing a permission.
    Denied,
    /// Rate limited for longer than `max_wait`, or too often.
    RateLimit,
    /// Connection, TLS, timeout.
    Transport,
    /// Another HTTP status.
    Status,
    /// The body is not what the provider documents.
    Malformed,
}

/// A failure, naming the provider and the endpoint (method, path and query; never a
/// token).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{provider} {endpoint}: {what}")]
pub struct ApiError {
    /// `GitHub`, `GitLab`, `Okta`, `Google`, `Microsoft Graph`.
    pub provider: &'static str,
    /// `GET /orgs/x/members?page=2`.
    pub endpoint: String,
    /// What went wrong and, where it helps, what to do.
    pub what: String,
    /// The class of failure.
    pub kind: Kind,
}

/// The hint for a 401/403: given the status, the endpoint's path and the provider's own
/// message, says which permission or scope is missing.
pub type DeniedHint = fn(status: u16, path: &str, message: &str) -> String;

/// One answered request: its endpoint, headers and JSON body.
#[derive(Debug, Clone)]
pub struct Page {
    /// The absolute URL asked for.
    pub url: Url,
    /// `GET /path?query`, for messages.
    pub endpoint: String,
    /// Response headers.
    pub headers: HeaderMap,
    /// The JSON body.
    pub body: Value,
}

/// One item of a list, with the page it came from, so an error can name both.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The endpoint of the page it came from.
    pub endpoint: Arc<str>,
    /// Its index within that page.
    pub index: usize,
    /// The item.
    pub value: Value,
}

/// The items of a paginated list and, if a page could not be read, why. When `error` is
/// set, `items` is only part of the list and must never be presented as all of it.
#[derive(Debug, Default)]
pub struct Listing {
    /// Items read, in page order.
    pub items: Vec<Entry>,
    /// Pages read.
    pub pages: usize,
    /// The first page that failed.
    pub error: Option<ApiError>,
}

impl Listing {
    /// A list that could not even be asked for.
    pub fn failed(error: ApiError) -> Listing {
        Listing {
            error: Some(error),
            ..Listing::default()
        }
    }

    /// The error that makes the whole list worthless: nothing was read, or a page was
    /// malformed (what else it held is unknown). A later page that merely failed leaves
    /// the items read usable, as incomplete evidence.
    pub fn fatal(&self) -> Option<&ApiError> {
        self.error
            .as_ref()
            .filter(|e| self.items.is_empty() || e.kind == Kind::Malformed)
    }
}

/// The items of a body that is a JSON list (GitHub, GitLab, Okta).
pub fn array(v: &Value) -> Option<&Vec<Value>> {
    v.as_array()
}

/// The items of a body's `value` list (Microsoft Graph, Okta's role assignees).
pub fn value_list(v: &Value) -> Option<&Vec<Value>> {
    v.get("value").and_then(Value::as_array)
}

/// A client for one provider's API.
#[derive(Clone)]
pub struct Api {
    inner: Arc<Inner>,
}

struct Inner {
    client: reqwest::Client,
    provider: &'static str,
    base: Url,
    auth: Option<(HeaderName, HeaderValue)>,
    secret: Option<String>,
    opts: Options,
    hint: DeniedHint,
    bar: indicatif::ProgressBar,
    waited_ms: AtomicU64,
    requests: AtomicU64,
    /// Requests in flight at once, across every list of this provider.
    limit: tokio::sync::Semaphore,
}

/// Whether `url` may be used: https anywhere, http only to a loopback host.
pub fn check_base_url(provider: &'static str, url: &str) -> Result<Url, ApiError> {
    let err = |what: String| ApiError {
        provider,
        endpoint: "--base-url".into(),
        what,
        kind: Kind::Config,
    };
    let u = Url::parse(url).map_err(|e| err(format!("'{url}' is not a URL: {e}")))?;
    if !u.username().is_empty() || u.password().is_some() {
        return Err(err(
            "a base URL must not carry credentials; put the token in the environment variable"
                .into(),
        ));
    }
    if u.query().is_some() || u.fragment().is_some() {
        return Err(err(format!(
            "'{url}': a base URL must not carry a query or fragment"
        )));
    }
    match u.scheme() {
        "https" => Ok(u),
        "http" if is_loopback(&u) => Ok(u),
        "http" => Err(err(format!(
            "'{url}': plain http is allowed only to a loopback address (127.0.0.1, ::1, localhost); use https"
        ))),
        s => Err(err(format!("'{url}': unsupported scheme '{s}' (use https)"))),
    }
}

/// Whether `u`'s host is a loopback address (127.0.0.0/8, `::1`) or `localhost`.
pub fn is_loopback(u: &Url) -> bool {
    let Some(host) = u.host_str() else {
        return false;
    };
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    }
}

/// rustls with ring and Mozilla's roots (plus the PEM certificates of `ca_file`): reqwest
/// is built without a crypto provider of its own.
pub fn tls_config(
    provider: &'static str,
    ca_file: Option<&Path>,
) -> Result<rustls::ClientConfig, ApiError> {
    let err = |what: String| ApiError {
        provider,
        endpoint: "--ca-file".into(),
        what,
        kind: Kind::Config,
    };
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = ca_file {
        use rustls_pki_types::pem::PemObject;
        let certs = rustls_pki_types::CertificateDer::pem_file_iter(path)
            .map_err(|e| err(format!("{}: {e}", path.display())))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| err(format!("{}: {e}", path.display())))?;
        if certs.is_empty() {
            return Err(err(format!("{}: no PEM certificates", path.display())));
        }
        for c in certs {
            roots
                .add(c)
                .map_err(|e| err(format!("{}: {e}", path.display())))?;
        }
    }
    let provider_arc = Arc::new(rustls::crypto::ring::default_provider());
    let cfg = rustls::ClientConfig::builder_with_provider(provider_arc)
        .with_safe_default_protocol_versions()
        .map_err(|e| err(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(cfg)
}

/// The HTTP client settings every collector shares: `timeout` per request (connecting in
/// at most 15 s of it), assay's user agent, no redirects (a token must not follow one),
/// and `tls`.
pub fn client_builder(timeout: Duration, tls: rustls::ClientConfig) -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(15)))
        .user_agent(concat!("assay/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::none())
        .tls_backend_preconfigured(tls)
}

impl Api {
    /// A client for `provider` at `base` (validated by [`check_base_url`]). `auth` is the
    /// header that carries the credential (e.g. `Authorization: Bearer …`); `hint`
    /// explains 401/403 answers.
    pub fn new(
        provider: &'static str,
        base: &str,
        auth: Option<(&str, String)>,
        headers: &[(&'static str, &str)],
        opts: Options,
        hint: DeniedHint,
    ) -> Result<Api, ApiError> {
        let base = check_base_url(provider, base)?;
        let config_err = |what: String| ApiError {
            provider,
            endpoint: "client".into(),
            what,
            kind: Kind::Config,
        };
        let mut defaults = HeaderMap::new();
        defaults.insert("accept", HeaderValue::from_static("application/json"));
        for (k, v) in headers {
            let v = HeaderValue::from_str(v)
                .map_err(|_| config_err(format!("bad value for header {k}")))?;
            defaults.insert(*k, v);
        }
        // Always a preconfigured rustls, even when the base URL is plain loopback http.
        let tls = tls_config(provider, opts.ca_file.as_deref())?;
        let client = client_builder(opts.timeout, tls)
            .default_headers(defaults)
            .pool_max_idle_per_host(opts.concurrency.max(1))
            .build()
            .map_err(|e| config_err(format!("cannot build the HTTP client: {e}")))?;
        let (auth, secret) = match auth {
            Some((name, value)) => {
                let n = HeaderName::from_bytes(name.as_bytes())
                    .map_err(|_| config_err(format!("bad header name {name}")))?;
                let mut v = HeaderValue::from_str(&value).map_err(|_| {
                    config_err(
                        "the token contains characters that cannot be sent in an HTTP header"
                            .into(),
                    )
                })?;
                v.set_sensitive(true);
                let secret = value
                    .split_once(' ')
                    .map(|(_, t)| t.to_string())
                    .unwrap_or(value);
                (Some((n, v)), Some(secret).filter(|s| s.len() >= 4))
            }
            None => (None, None),
        };
        let bar = indicatif::ProgressBar::new(0);
        if opts.progress && std::io::IsTerminal::is_terminal(&std::io::stderr()) {
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{spinner} {prefix} [{bar:30}] {pos}/{len} pages {msg}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar.set_prefix(provider);
        } else {
            bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
        }
        let opts_concurrency = opts.concurrency.max(1);
        Ok(Api {
            inner: Arc::new(Inner {
                client,
                provider,
                base,
                auth,
                secret,
                opts,
                hint,
                bar,
                waited_ms: AtomicU64::new(0),
                requests: AtomicU64::new(0),
                limit: tokio::sync::Semaphore::new(opts_concurrency),
            }),
        })
    }

    /// The provider's name, for messages.
    pub fn provider(&self) -> &'static str {
        self.inner.provider
    }

    /// The options in force.
    pub fn options(&self) -> &Options {
        &self.inner.opts
    }

    /// Total time spent waiting out rate limits.
    pub fn waited(&self) -> Duration {
        Duration::from_millis(self.inner.waited_ms.load(Ordering::Relaxed))
    }

    /// Requests sent (retries included).
    pub fn requests(&self) -> u64 {
        self.inner.requests.load(Ordering::Relaxed)
    }

    /// The progress bar (hidden unless stderr is a terminal and progress was asked for).
    pub fn bar(&self) -> &indicatif::ProgressBar {
        &self.inner.bar
    }

    /// `path_and_query` (starting with `/`) below the base URL, keeping the base's path
    /// (e.g. `/api/v3`).
    pub fn url(&self, path_and_query: &str) -> Result<Url, ApiError> {
        let base = self.inner.base.as_str().trim_end_matches('/');
        Url::parse(&format!("{base}{path_and_query}")).map_err(|e| {
            self.error(
                path_and_query,
                Kind::Config,
                format!("cannot build the URL: {e}"),
            )
        })
    }

    /// An error for `endpoint`, with the token scrubbed from the text.
    pub fn error(&self, endpoint: &str, kind: Kind, what: String) -> ApiError {
        ApiError {
            provider: self.inner.provider,
            endpoint: self.scrub(endpoint),
            what: self.scrub(&what),
            kind,
        }
    }

    /// `what` is missing or has the wrong type in the answer of `endpoint`.
    pub fn malformed(&self, endpoint: &str, field: &str, why: &str) -> ApiError {
        self.error(endpoint, Kind::Malformed, format!("{field}: {why}"))
    }

    fn scrub(&self, s: &str) -> String {
        match &self.inner.secret {
            Some(t) => s.replace(t.as_str(), "***"),
            None => s.to_string(),
        }
    }

    /// `GET /path?query` of `url`, relative to nothing: what messages show.
    pub fn endpoint_of(url: &Url) -> String {
        match url.query() {
            Some(q) => format!("GET {}?{q}", url.path()),
            None => format!("GET {}", url.path()),
        }
    }

    /// A link the provider handed back (pagination), checked to point at the same origin
    /// as the base URL so the token never goes anywhere else.
    pub fn same_origin(&self, link: &str, from: &str) -> Result<Url, ApiError> {
        let u = Url::parse(link).map_err(|e| {
            self.malformed(
                from,
                "pagination link",
                &format!("'{link}' is not a URL: {e}"),
            )
        })?;
        let b = &self.inner.base;
        if u.scheme() != b.scheme()
            || u.host_str() != b.host_str()
            || u.port_or_known_default() != b.port_or_known_default()
        {
            return Err(self.error(
                from,
                Kind::Malformed,
                format!(
                    "the pagination link points at {}://{}, not at the base URL's origin; refusing to send the token there",
                    u.scheme(),
                    u.host_str().unwrap_or("?")
                ),
            ));
        }
        Ok(u)
    }

    /// GETs `url` and parses the JSON answer. Retries transport errors and 5xx answers
    /// (`retries` times), sits out rate limits up to `max_wait`, and turns 401/403 into an
    /// error saying which permission is missing.
    pub async fn get(&self, url: &Url) -> Result<Page, ApiError> {
        self.get_with(url, &[]).await
    }

    /// [`Api::get`] of `path_and_query` below the base URL.
    pub async fn get_at(&self, path_and_query: &str) -> Result<Page, ApiError> {
        self.get(&self.url(path_and_query)?).await
    }

    /// [`Api::get`] with extra request headers.
    pub async fn get_with(&self, url: &Url, headers: &[(&str, &str)]) -> Result<Page, ApiError> {
        let endpoint = Self::endpoint_of(url);
        // One permit for the whole exchange, rate-limit waits included: a provider that
        // asks to slow down gets fewer requests, not more.
        let _permit = self.inner.limit.acquire().await.map_err(|_| {
            self.error(
                &endpoint,
                Kind::Transport,
                "the client was shut down".into(),
            )
        })?;
        let mut failures = 0u32;
        let mut limited = 0u32;
        loop {
            let mut req = self.inner.client.get(url.clone());
            for (k, v) in headers {
                req = req.header(*k, *v);
            }
            if let Some((n, v)) = &self.inner.auth {
                req = req.header(n.clone(), v.clone());
            }
            self.inner.requests.fetch_add(1, Ordering::Relaxed);
            let resp = match req.send().await {
                Ok(r) => r,
                Err(e) => {
                    failures += 1;
                    if failures > self.inner.opts.retries {
                        let why = if e.is_timeout() {
                            format!(
                                "no answer within {} s",
                                self.inner.opts.timeout.as_secs_f64()
                            )
                        } else if e.is_connect() {
                            format!("cannot connect: {}", error_chain(&e.without_url()))
                        } else {
                            error_chain(&e.without_url())
                        };
                        return Err(self.error(&endpoint, Kind::Transport, why));
                    }
                    tokio::time::sleep(backoff(failures)).await;
                    continue;
                }
            };
            let status = resp.status().as_u16();
            let resp_headers = resp.headers().clone();
            let text = match resp.text().await {
                Ok(t) => t,
                Err(e) => {
                    failures += 1;
                    if failures > self.inner.opts.retries {
                        return Err(self.error(
                            &endpoint,
                            Kind::Transport,
                            format!("cannot read the answer: {}", error_chain(&e.without_url())),
                        ));
                    }
                    tokio::time::sleep(backoff(failures)).await;
                    continue;
                }
            };
            if (200..300).contains(&status) {
                let body: Value = serde_json::from_str(&text)
                    .map_err(|e| self.malformed(&endpoint, "body", &format!("not JSON ({e})")))?;
                return Ok(Page {
                    url: url.clone(),
                    endpoint,
                    headers: resp_headers,
                    body,
                });
            }
            if let Some(wait) = rate_limit_wait(status, &resp_headers, &text, limited) {
                limited += 1;
                if wait > self.inner.opts.max_wait {
                    return Err(self.error(
                        &endpoint,
                        Kind::RateLimit,
                        format!(
                            "rate limited (HTTP {status}); the provider asks to wait {} s, longer than --max-wait {} s; run again later or raise --max-wait",
                            wait.as_secs(),
                            self.inner.opts.max_wait.as_secs()
                        ),
                    ));
                }
                if limited > 10 {
                    return Err(self.error(
                        &endpoint,
                        Kind::RateLimit,
                        format!(
                            "still rate limited (HTTP {status}) after 10 waits; run again later"
                        ),
                    ));
                }
                self.inner
                    .waited_ms
                    .fetch_add(wait.as_millis() as u64, Ordering::Relaxed);
                self.inner
                    .bar
                    .set_message(format!("rate limited, waiting {} s", wait.as_secs()));
                tokio::time::sleep(wait).await;
                self.inner.bar.set_message("");
                continue;
            }
            let message = provider_message(&text);
            match status {
                401 | 403 => {
                    let hint = (self.inner.hint)(status, url.path(), &message);
                    let said = if message.is_empty() {
                        String::new()
                    } else {
                        format!(" (the provider said: {message})")
                    };
                    return Err(self.error(
                        &endpoint,
                        Kind::Denied,
                        format!("HTTP {status} {}{said}; {hint}", reason(status)),
                    ));
                }
                500..=599 if failures < self.inner.opts.retries => {
                    failures += 1;
                    tokio::time::sleep(backoff(failures)).await;
                    continue;
                }
                _ => {
                    let said = if message.is_empty() {
                        String::new()
                    } else {
                        format!(": {message}")
                    };
                    let extra = if status == 404 {
                        " (check --org and --base-url)"
                    } else {
                        ""
                    };
                    return Err(self.error(
                        &endpoint,
                        Kind::Status,
                        format!("HTTP {status} {}{said}{extra}", reason(status)),
                    ));
                }
            }
        }
    }

    /// POSTs a form (an OAuth token request) and parses the JSON answer; `secret` (a
    /// client secret) is scrubbed from any error. No retries: a token request is cheap
    /// to repeat by hand and must not be hammered.
    pub async fn post_form(
        &self,
        url: &Url,
        form: &[(&str, &str)],
        secret: &str,
    ) -> Result<Page, ApiError> {
        let endpoint = format!("POST {}", url.path());
        let scrub = |s: String| {
            if secret.len() >= 4 {
                s.replace(secret, "***")
            } else {
                s
            }
        };
        let body = form
            .iter()
            .map(|(k, v)| format!("{}={}", encode_segment(k), encode_segment(v)))
            .collect::<Vec<_>>()
            .join("&");
        self.inner.requests.fetch_add(1, Ordering::Relaxed);
        let resp = self
            .inner
            .client
            .post(url.clone())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .map_err(|e| {
                self.error(
                    &endpoint,
                    Kind::Transport,
                    scrub(error_chain(&e.without_url())),
                )
            })?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().await.map_err(|e| {
            self.error(
                &endpoint,
                Kind::Transport,
                scrub(error_chain(&e.without_url())),
            )
        })?;
        if !(200..300).contains(&status) {
            let message = scrub(provider_message(&text));
            let kind = if status == 400 || status == 401 || status == 403 {
                Kind::Denied
            } else {
                Kind::Status
            };
            let hint = (self.inner.hint)(status, url.path(), &message);
            return Err(self.error(
                &endpoint,
                kind,
                format!("HTTP {status} {}: {message}; {hint}", reason(status)),
            ));
        }
        let body: Value = serde_json::from_str(&text)
            .map_err(|e| self.malformed(&endpoint, "body", &format!("not JSON ({e})")))?;
        Ok(Page {
            url: url.clone(),
            endpoint,
            headers,
            body,
        })
    }

    /// Follows `rel="next"` Link headers from `first`, one page after the other (for APIs
    /// whose next page is known only from the previous one: Okta, GitLab keyset). `items`
    /// takes the list out of a page's body.
    pub async fn follow_links(
        &self,
        first: Url,
        items: fn(&Value) -> Option<&Vec<Value>>,
        what: &str,
    ) -> Listing {
        self.follow(first, items, what, |api, page| {
            match link_rel(&page.headers, "next") {
                Some(next) => api.same_origin(&next, &page.endpoint).map(Some),
                None => Ok(None),
            }
        })
        .await
    }

    /// [`Api::follow_links`] from `path_and_query` below the base URL.
    pub async fn follow_links_at(
        &self,
        path_and_query: &str,
        items: fn(&Value) -> Option<&Vec<Value>>,
        what: &str,
    ) -> Listing {
        match self.url(path_and_query) {
            Ok(u) => self.follow_links(u, items, what).await,
            Err(e) => Listing::failed(e),
        }
    }

    /// Reads pages one after the other from `path_and_query`, each naming the next in its
    /// body at the JSON pointer `next` (Graph's `/@odata.nextLink`, Okta's
    /// `/_links/next/href`). A link of another type is a malformed page, never the end.
    pub async fn follow_body_links(
        &self,
        path_and_query: &str,
        items: fn(&Value) -> Option<&Vec<Value>>,
        what: &str,
        next: &'static str,
    ) -> Listing {
        let first = match self.url(path_and_query) {
            Ok(u) => u,
            Err(e) => return Listing::failed(e),
        };
        self.follow(first, items, what, |api, page| {
            match page.body.pointer(next) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(link)) => api.same_origin(link, &page.endpoint).map(Some),
                Some(v) => Err(api.malformed(
                    &page.endpoint,
                    next.trim_start_matches('/'),
                    &format!("expected a URL, got {}", type_name(v)),
                )),
            }
        })
        .await
    }

    /// The list in `page`'s body (`items`), each item with its page and index; `what`
    /// names the list when it is missing.
    pub fn entries(
        &self,
        page: &Page,
        items: fn(&Value) -> Option<&Vec<Value>>,
        what: &str,
    ) -> Result<Vec<Entry>, ApiError> {
        let list = items(&page.body)
            .ok_or_else(|| self.malformed(&page.endpoint, what, "missing or not a list"))?;
        let endpoint: Arc<str> = Arc::from(page.endpoint.as_str());
        Ok(list
            .iter()
            .enumerate()
            .map(|(index, v)| Entry {
                endpoint: endpoint.clone(),
                index,
                value: v.clone(),
            })
            .collect())
    }

    /// An OAuth token request ([`Api::post_form`]) and the `access_token` of its answer.
    pub async fn access_token(
        &self,
        url: &Url,
        form: &[(&str, &str)],
        secret: &str,
    ) -> Result<String, ApiError> {
        let page = self.post_form(url, form, secret).await?;
        match page.body.get("access_token").and_then(Value::as_str) {
            Some(t) if !t.is_empty() => Ok(t.to_string()),
            _ => Err(self.malformed(&page.endpoint, "access_token", "missing")),
        }
    }

    /// Reads pages one after the other; `next` finds the next page's URL in a page.
    pub async fn follow(
        &self,
        first: Url,
        items: fn(&Value) -> Option<&Vec<Value>>,
        what: &str,
        next: impl Fn(&Api, &Page) -> Result<Option<Url>, ApiError>,
    ) -> Listing {
        let mut out = Listing::default();
        let mut url = Some(first);
        let mut seen = std::collections::HashSet::new();
        while let Some(u) = url.take() {
            if !seen.insert(u.to_string()) {
                out.error = Some(self.malformed(
                    &Self::endpoint_of(&u),
                    "pagination",
                    "the next page is one already read (a pagination loop)",
                ));
                break;
            }
            self.inner.bar.inc_length(1);
            let page = match self.get(&u).await {
                Ok(p) => p,
                Err(e) => {
                    out.error = Some(e);
                    break;
                }
            };
            self.inner.bar.inc(1);
            if let Err(e) = push_items(self, &mut out, &page, items, what) {
                out.error = Some(e);
                break;
            }
            match next(self, &page) {
                Ok(n) => url = n,
                Err(e) => out.error = Some(e),
            }
        }
        out
    }

    /// [`Api::numbered_pages`] of `path_and_query` below the base URL.
    pub async fn numbered_pages_at(
        &self,
        path_and_query: &str,
        page_param: &str,
        items: fn(&Value) -> Option<&Vec<Value>>,
        what: &str,
    ) -> Listing {
        match self.url(path_and_query) {
            Ok(u) => self.numbered_pages(u, page_param, items, what).await,
            Err(e) => Listing::failed(e),
        }
    }

    /// Page-numbered lists (GitHub, GitLab offset pagination): reads `first` (which must
    /// carry `page_param=1`), learns the number of pages from its Link `rel="last"` (or
    /// GitLab's `X-Total-Pages`), fetches the rest concurrently (at most `concurrency`
    /// requests of this client in flight, whatever list they belong to)
    /// and, should the last page still point further (the list grew meanwhile), follows
    /// its `next` links. Items come back in page order.
    pub async fn numbered_pages(
        &self,
        first: Url,
        page_param: &str,
        items: fn(&Value) -> Option<&Vec<Value>>,
        what: &str,
    ) -> Listing {
        let mut out = Listing::default();
        self.inner.bar.inc_length(1);
        let page1 = match self.get(&first).await {
            Ok(p) => p,
            Err(e) => {
                out.error = Some(e);
                return out;
            }
        };
        self.inner.bar.inc(1);
        if let Err(e) = push_items(self, &mut out, &page1, items, what) {
            out.error = Some(e);
            return out;
        }
        let last = link_rel(&page1.headers, "last")
            .and_then(|l| Url::parse(&l).ok())
            .and_then(|u| page_number(&u, page_param))
            .or_else(|| {
                page1
                    .headers
                    .get("x-total-pages")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse::<u64>().ok())
            });
        let Some(last) = last.filter(|l| *l > 1) else {
            // No count: either one page, or a list that only says "next".
            if link_rel(&page1.headers, "next").is_some() {
                let rest = match link_rel(&page1.headers, "next")
                    .map(|n| self.same_origin(&n, &page1.endpoint))
                {
                    Some(Ok(u)) => self.follow_links(u, items, what).await,
                    Some(Err(e)) => Listing::failed(e),
                    None => Listing::default(),
                };
                merge(&mut out, rest);
            }
            return out;
        };
        if last > 100_000 {
            out.error = Some(self.malformed(
                &page1.endpoint,
                "Link rel=\"last\"",
                &format!("claims {last} pages; refusing"),
            ));
            return out;
        }
        let mut tasks = tokio::task::JoinSet::new();
        self.inner.bar.inc_length(last - 1);
        for n in 2..=last {
            let mut u = first.clone();
            set_query(&mut u, page_param, &n.to_string());
            let api = self.clone();
            tasks.spawn(async move {
                let r = api.get(&u).await;
                api.inner.bar.inc(1);
                (n, r)
            });
        }
        let mut pages: Vec<(u64, Result<Page, ApiError>)> = Vec::new();
        while let Some(done) = tasks.join_next().await {
            match done {
                Ok(x) => pages.push(x),
                Err(e) => {
                    out.error.get_or_insert_with(|| {
                        self.error(
                            &page1.endpoint,
                            Kind::Transport,
                            format!("a page fetch crashed: {e}"),
                        )
                    });
                }
            }
        }
        pages.sort_by_key(|(n, _)| *n);
        let mut last_page = None;
        for (n, r) in pages {
            match r {
                Ok(p) => {
                    if let Err(e) = push_items(self, &mut out, &p, items, what) {
                        out.error.get_or_insert(e);
                    }
                    if n == last {
                        last_page = Some(p);
                    }
                }
                Err(e) => {
                    out.error.get_or_insert(e);
                }
            }
        }
        if out.error.is_none() {
            if let Some(p) = last_page {
                if let Some(next) = link_rel(&p.headers, "next") {
                    let rest = match self.same_origin(&next, &p.endpoint) {
                        Ok(u) => self.follow_links(u, items, what).await,
                        Err(e) => Listing::failed(e),
                    };
                    merge(&mut out, rest);
                }
            }
        }
        out
    }
}

fn merge(out: &mut Listing, rest: Listing) {
    out.items.extend(rest.items);
    out.pages += rest.pages;
    if out.error.is_none() {
        out.error = rest.error;
    }
}

fn push_items(
    api: &Api,
    out: &mut Listing,
    page: &Page,
    items: fn(&Value) -> Option<&Vec<Value>>,
    what: &str,
) -> Result<(), ApiError> {
    out.items.extend(api.entries(page, items, what)?);
    out.pages += 1;
    Ok(())
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(inner) = src {
        let t = inner.to_string();
        if !s.contains(&t) {
            s.push_str(": ");
            s.push_str(&t);
        }
        src = inner.source();
    }
    s
}

fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(250u64.saturating_mul(1 << attempt.min(6)))
}

fn reason(status: u16) -> &'static str {
    reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("")
}

/// The provider's own words in an error body: `message` (GitHub, GitLab), `errorSummary`
/// (Okta), `error.message` (Google, Graph), `error_description` / `error` (OAuth).
fn provider_message(text: &str) -> String {
    let v: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(_) => return String::new(),
    };
    let found = [
        v.get("message"),
        v.get("errorSummary"),
        v.pointer("/error/message"),
        v.get("error_description"),
        v.get("error"),
    ]
    .into_iter()
    .flatten()
    .find_map(|m| m.as_str().map(str::to_string));
    let mut m = found.unwrap_or_default().replace(['\n', '\r'], " ");
    if m.len() > 300 {
        let mut cut = 300;
        while !m.is_char_boundary(cut) {
            cut -= 1;
        }
        m.truncate(cut);
        m.push('…');
    }
    m
}

/// How long to wait before asking again, if `status` + headers are a rate limit: 429,
/// a 403 with `x-ratelimit-remaining: 0` or `Retry-After` (GitHub), a 503 with
/// `Retry-After`.
fn rate_limit_wait(status: u16, h: &HeaderMap, body: &str, attempt: u32) -> Option<Duration> {
    let get = |n: &str| h.get(n).and_then(|v| v.to_str().ok()).map(str::trim);
    let retry_after = get("retry-after");
    let remaining_zero = get("x-ratelimit-remaining")
        .or(get("x-rate-limit-remaining"))
        .or(get("ratelimit-remaining"))
        == Some("0");
    // Google answers some quota errors with 403 and a reason instead of headers.
    let quota_reason = status == 403
        && (body.contains("\"rateLimitExceeded\"") || body.contains("\"userRateLimitExceeded\""));
    let limited = match status {
        429 => true,
        403 => retry_after.is_some() || remaining_zero || quota_reason,
        503 => retry_after.is_some(),
        _ => false,
    };
    if !limited {
        return None;
    }
    if let Some(ra) = retry_after {
        if let Ok(secs) = ra.parse::<u64>() {
            return Some(Duration::from_secs(secs));
        }
        if let Ok(t) = chrono::DateTime::parse_from_rfc2822(ra) {
            let now = chrono::Utc::now();
            let secs = (t.with_timezone(&chrono::Utc) - now).num_seconds().max(0) as u64;
            return Some(Duration::from_secs(secs));
        }
    }
    let reset = get("x-ratelimit-reset")
        .or(get("x-rate-limit-reset"))
        .or(get("ratelimit-reset"));
    if let Some(epoch) = reset.and_then(|r| r.parse::<u64>().ok()) {
        let now = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        // One second more: the reset instant is whole seconds, rounded down.
        return Some(Duration::from_secs(epoch.saturating_sub(now) + 1));
    }
    Some(Duration::from_secs(1u64 << attempt.min(5)))
}

/// The URL of `rel` in a Link header (`<url>; rel="next", <url>; rel="last"`).
pub fn link_rel(h: &HeaderMap, rel: &str) -> Option<String> {
    for value in h.get_all("link") {
        let Ok(s) = value.to_str() else { continue };
        for part in split_links(s) {
            let part = part.trim();
            let Some(end) = part.find('>') else { continue };
            let Some(url) = part.get(..end).and_then(|u| u.strip_prefix('<')) else {
                continue;
            };
            let params = &part[end + 1..];
            let has = params.split(';').any(|p| {
                let p = p.trim();
                p.strip_prefix("rel=")
                    .map(|r| {
                        r.trim_matches('"')
                            .split_whitespace()
                            .any(|x| x.eq_ignore_ascii_case(rel))
                    })
                    .unwrap_or(false)
            });
            if has {
                return Some(url.to_string());
            }
        }
    }
    None
}

/// Splits a Link header at the commas between links, not those inside `<…>`.
fn split_links(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (false, 0);
    for (i, c) in s.char_indices() {
        match c {
            '<' => depth = true,
            '>' => depth = false,
            ',' if !depth => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

fn page_number(u: &Url, param: &str) -> Option<u64> {
    u.query_pairs()
        .find(|(k, _)| k == param)
        .and_then(|(_, v)| v.parse().ok())
}

/// Sets (or replaces) one query parameter.
pub fn set_query(u: &mut Url, key: &str, value: &str) {
    let pairs: Vec<(String, String)> = u
        .query_pairs()
        .filter(|(k, _)| k != key)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let mut q = u.query_pairs_mut();
    q.clear();
    for (k, v) in &pairs {
        q.append_pair(k, v);
    }
    q.append_pair(key, value);
}

/// `s` percent-encoded as one URL path segment or form value (`a/b` → `a%2Fb`).
pub fn encode_segment(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Typed access to the fields of one list item, with errors that name the provider, the
/// endpoint and the field (`[3].two_factor_enabled: expected a boolean, got "yes"`).
pub struct Fields<'a> {
    api: &'a Api,
    entry: &'a Entry,
}

impl<'a> Fields<'a> {
    /// The fields of `entry`.
    pub fn new(api: &'a Api, entry: &'a Entry) -> Fields<'a> {
        Fields { api, entry }
    }

    fn err(&self, key: &str, why: String) -> ApiError {
        self.api.malformed(
            &self.entry.endpoint,
            &format!("[{}].{key}", self.entry.index),
            &why,
        )
    }

    fn at(&self, key: &str) -> Option<&'a Value> {
        if key.starts_with('/') {
            self.entry.value.pointer(key)
        } else {
            self.entry.value.get(key)
        }
    }

    /// A required string (`key`, or a JSON pointer such as `/profile/login`).
    pub fn str(&self, key: &str) -> Result<&'a str, ApiError> {
        match self.at(key) {
            Some(Value::String(s)) if !s.is_empty() => Ok(s),
            Some(Value::String(_)) => Err(self.err(key, "empty".into())),
            None | Some(Value::Null) => Err(self.err(key, "missing".into())),
            Some(v) => Err(self.err(key, format!("expected a string, got {}", type_name(v)))),
        }
    }

    /// An optional string: absent or null is `None`, another type is an error.
    pub fn opt_str(&self, key: &str) -> Result<Option<&'a str>, ApiError> {
        match self.at(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(v) => Err(self.err(key, format!("expected a string, got {}", type_name(v)))),
        }
    }

    /// A required boolean.
    pub fn bool(&self, key: &str) -> Result<bool, ApiError> {
        match self.at(key) {
            Some(Value::Bool(b)) => Ok(*b),
            None | Some(Value::Null) => Err(self.err(key, "missing".into())),
            Some(v) => Err(self.err(key, format!("expected a boolean, got {}", type_name(v)))),
        }
    }

    /// An optional boolean.
    pub fn opt_bool(&self, key: &str) -> Result<Option<bool>, ApiError> {
        match self.at(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(v) => Err(self.err(key, format!("expected a boolean, got {}", type_name(v)))),
        }
    }

    /// An optional list of strings.
    pub fn opt_strings(&self, key: &str) -> Result<Option<Vec<String>>, ApiError> {
        match self.at(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Array(a)) => a
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    v.as_str().map(str::to_string).ok_or_else(|| {
                        self.err(
                            &format!("{key}[{i}]"),
                            format!("expected a string, got {}", type_name(v)),
                        )
                    })
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(v) => Err(self.err(key, format!("expected a list, got {}", type_name(v)))),
        }
    }

    /// The id-like value of `key` (a string, or a number written as one).
    pub fn id(&self, key: &str) -> Result<String, ApiError> {
        match self.at(key) {
            Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
            Some(Value::Number(n)) => Ok(n.to_string()),
            None | Some(Value::Null) => Err(self.err(key, "missing".into())),
            Some(v) => Err(self.err(key, format!("expected an id, got {}", type_name(v)))),
        }
    }
}

/// The JSON type of `v`, and the value when it is short, for messages.
pub fn type_name(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) if s.len() <= 40 => format!("the string {s:?}"),
        Value::String(_) => "a string".into(),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// The value of the environment variable `name`, or an error saying how to set it. The
/// value itself is never shown.
pub fn token_from_env(provider: &'static str, name: &str) -> Result<String, ApiError> {
    match std::env::var(name) {
        Ok(v) if !v.trim().is_empty() => Ok(v.trim().to_string()),
        Ok(_) => Err(ApiError {
            provider,
            endpoint: format!("${name}"),
            what: "the environment variable is empty".into(),
            kind: Kind::Config,
        }),
        Err(_) => Err(ApiError {
            provider,
            endpoint: format!("${name}"),
            what: format!("the environment variable is not set; export {name}=<token> (or name another variable with --token-env)"),
            kind: Kind::Config,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(
                HeaderName::from_bytes(k.as_bytes()).unwrap(),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        h
    }

    #[test]
    fn link_headers() {
        let h = headers(&[(
            "link",
            r#"<https://api.github.com/orgs/x/members?page=2&per_page=100>; rel="next", <https://api.github.com/orgs/x/members?page=5&per_page=100>; rel="last""#,
        )]);
        assert_eq!(
            link_rel(&h, "next").as_deref(),
            Some("https://api.github.com/orgs/x/members?page=2&per_page=100")
        );
        let last = Url::parse(&link_rel(&h, "last").unwrap()).unwrap();
        assert_eq!(page_number(&last, "page"), Some(5));
        assert_eq!(link_rel(&h, "prev"), None);
        // Okta sends one Link header per relation.
        let h = headers(&[
            (
                "link",
                r#"<https://x.okta.com/api/v1/users?limit=200>; rel="self""#,
            ),
            (
                "link",
                r#"<https://x.okta.com/api/v1/users?after=00u1&limit=200>; rel="next""#,
            ),
        ]);
        assert_eq!(
            link_rel(&h, "next").as_deref(),
            Some("https://x.okta.com/api/v1/users?after=00u1&limit=200")
        );
    }

    #[test]
    fn rate_limits() {
        let w = |s, h: &[(&str, &str)]| rate_limit_wait(s, &headers(h), "", 0);
        assert_eq!(
            w(429, &[("retry-after", "3")]),
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            w(403, &[("retry-after", "60")]),
            Some(Duration::from_secs(60))
        );
        assert_eq!(w(403, &[]), None, "a plain 403 is a permission problem");
        assert_eq!(w(503, &[]), None);
        let now = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let reset = (now + 10).to_string();
        let got = w(
            403,
            &[
                ("x-ratelimit-remaining", "0"),
                ("x-ratelimit-reset", &reset),
            ],
        )
        .unwrap();
        assert!((10..=12).contains(&got.as_secs()), "{got:?}");
        let got = w(429, &[("x-rate-limit-reset", &reset)]).unwrap();
        assert!((10..=12).contains(&got.as_secs()), "{got:?}");
        assert_eq!(w(429, &[]), Some(Duration::from_secs(1)));
        let google = r#"{"error":{"code":403,"errors":[{"domain":"usageLimits","reason":"userRateLimitExceeded"}]}}"#;
        assert_eq!(
            rate_limit_wait(403, &headers(&[]), google, 1),
            Some(Duration::from_secs(2))
        );
        let gitlab = reset.as_str();
        let got = w(
            429,
            &[("ratelimit-remaining", "0"), ("ratelimit-reset", gitlab)],
        )
        .unwrap();
        assert!((10..=12).contains(&got.as_secs()), "{got:?}");
    }

    #[test]
    fn base_urls() {
        assert!(check_base_url("GitHub", "https://api.github.com").is_ok());
        assert!(check_base_url("GitHub", "http://127.0.0.1:8080/api/v3").is_ok());
        assert!(check_base_url("GitHub", "http://[::1]:8080").is_ok());
        assert!(check_base_url("GitHub", "http://localhost:1").is_ok());
        let e = check_base_url("GitHub", "http://ghe.example/api/v3").unwrap_err();
        assert!(e.what.contains("loopback"), "{e}");
        assert!(check_base_url("GitHub", "ftp://x").is_err());
        assert!(check_base_url("GitHub", "https://user:pw@x").is_err());
        assert!(check_base_url("GitHub", "https://x/api?token=1").is_err());
    }

    #[test]
    fn query_rewrite_and_messages() {
        let mut u = Url::parse("http://127.0.0.1/orgs/x/members?per_page=100&page=1").unwrap();
        set_query(&mut u, "page", "7");
        assert_eq!(page_number(&u, "page"), Some(7));
        assert!(u.as_str().contains("per_page=100"));
        assert_eq!(
            provider_message(r#"{"message":"Only owners can use this filter."}"#),
            "Only owners can use this filter."
        );
        assert_eq!(
            provider_message(r#"{"error":{"code":403,"message":"Not Authorized"}}"#),
            "Not Authorized"
        );
        assert_eq!(
            provider_message(
                r#"{"errorCode":"E0000006","errorSummary":"You do not have permission"}"#
            ),
            "You do not have permission"
        );
        assert_eq!(provider_message("<html>"), "");
    }
}
