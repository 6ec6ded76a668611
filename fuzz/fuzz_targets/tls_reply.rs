//! Feeds arbitrary bytes, cut at arbitrary points, to the TLS reply parser and to each
//! message parser. Any panic, hang or unbounded allocation is a bug: these bytes come
//! from whatever answers on the port being probed.
#![no_main]

use assay::collect::tls::wire::{parse_certificates, parse_server_key_exchange, ReplyParser, ServerHello};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first byte picks where to split the stream, so partial reads are exercised.
    let (split, rest) = match data.split_first() {
        Some((s, r)) => (usize::from(*s), r),
        None => return,
    };
    let mut p = ReplyParser::new();
    let cut = split.min(rest.len());
    if let Ok(false) = p.feed(&rest[..cut]) {
        let _ = p.feed(&rest[cut..]);
    }
    let _ = p.in_message();
    let _ = ServerHello::parse(rest);
    let _ = parse_certificates(rest);
    let _ = parse_server_key_exchange(rest, split % 2 == 0);
});
