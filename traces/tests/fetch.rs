//! `fetch_all` against a local HTTP server started by the test (no test needs the internet).
#![cfg(feature = "fetch")]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::PathBuf;

use traces::fetch::{fetch_all, FetchError, FetchOutcome, FILES};

/// Serves files from the shared traces dir mapped to upstream paths; `corrupt` flips a byte
/// of every body. Answers exactly `max_requests` requests, then stops.
fn serve(source: PathBuf, corrupt: bool, max_requests: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(max_requests) {
            let mut stream = stream.unwrap();
            let mut line = String::new();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            reader.read_line(&mut line).unwrap();
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).unwrap() == 0 || h == "\r\n" {
                    break;
                }
            }
            let path = line.split_whitespace().nth(1).unwrap_or("/").trim_start_matches('/').to_owned();
            let body = FILES
                .iter()
                .find(|f| f.upstream_path == path)
                .and_then(|f| std::fs::read(source.join(f.local_path)).ok());
            match body {
                Some(mut b) => {
                    if corrupt {
                        b[10] ^= 1;
                    }
                    write!(stream, "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", b.len()).unwrap();
                    stream.write_all(&b).unwrap();
                }
                None => {
                    write!(stream, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").unwrap();
                }
            }
        }
    });
    format!("http://{addr}/")
}

/// The real traces, which the test server serves (the test fails if they are missing).
fn source() -> PathBuf {
    let dir = traces::TraceDir::locate(None).unwrap_or_else(|e| panic!("this test needs the editing traces: {e}"));
    for f in FILES {
        assert!(dir.root.join(f.local_path).exists(), "{} lacks {}", dir.root.display(), f.local_path);
    }
    dir.root
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("crdt-bench-fetch-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

#[test]
fn fetch_downloads_verifies_and_skips_present_files() {
    let src = source();
    let dest = tmp("ok");
    let url = serve(src, false, FILES.len());
    let got = fetch_all(&url, &dest, |_, _, _| {}).unwrap();
    assert!(got.iter().all(|(_, o)| *o == FetchOutcome::Downloaded));
    let dir = traces::TraceDir::locate(Some(&dest)).unwrap();
    assert_eq!(dir.list().len(), FILES.len());
    dir.load_sequential("sveltecomponent").unwrap();
    // Second run: everything present and verified, nothing requested (the server is gone).
    let again = fetch_all("http://127.0.0.1:9/", &dest, |_, _, _| {}).unwrap();
    assert!(again.iter().all(|(_, o)| *o == FetchOutcome::AlreadyPresent));
}

#[test]
fn fetch_rejects_corrupted_files_and_keeps_nothing() {
    let src = source();
    let dest = tmp("corrupt");
    let url = serve(src, true, 1);
    let err = fetch_all(&url, &dest, |_, _, _| {}).unwrap_err();
    assert!(matches!(err, FetchError::Checksum { .. }), "{err}");
    assert!(!dest.join(FILES[0].local_path).exists(), "a corrupted file must not be kept");
}

#[test]
fn fetch_reports_unreachable_server() {
    let dest = tmp("down");
    // Port 9 (discard) on loopback: nothing listens, so the connection is refused at once.
    let err = fetch_all("http://127.0.0.1:9/", &dest, |_, _, _| {}).unwrap_err();
    assert!(matches!(err, FetchError::Http { .. }), "{err}");
    assert!(err.to_string().contains("127.0.0.1:9"), "{err}");
}
