//! Renders 1,000 14-dagenbrieven in parallel, the way the service does (one
//! `spawn_blocking` task per document on tokio's blocking pool), keeps every PDF in memory
//! until all are done, and reports the time and the process's peak resident memory
//! (`VmHWM` in `/proc/self/status`). Issue 9 asks for less than 200 MB.
//!
//! ```sh
//! cargo run --release --example documents_memory
//! cargo run --release --example documents_memory -- --blocking-threads 2
//! ```

use std::error::Error;
use std::time::Instant;

use chrono::Days;
use exploot::documents::{DocumentData, DocumentKind, FourteenDayLetter, Office, render, samples};

const LETTERS: usize = 1_000;

/// Peak resident set size in KiB, from `/proc/self/status` (Linux).
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() -> Result<(), Box<dyn Error>> {
    let before = peak_rss_kib().unwrap_or(0);
    let office = Office::example();
    let client = samples::client();
    let base = samples::consumer_case();
    // 1,000 different letters: each its own debtor name and sending day.
    let mut letters = Vec::with_capacity(LETTERS);
    for i in 0..LETTERS {
        let mut case = base.clone();
        case.id = format!("{:08x}-0000-4000-8000-{:012x}", i, i);
        case.claim.debtor.name = format!("J. de Vries-Ëlmsdóttir {i}");
        let sent_on =
            chrono::NaiveDate::from_ymd_opt(2026, 4, 1).ok_or("date")? + Days::new((i % 60) as u64);
        letters.push(DocumentData::FourteenDayLetter(FourteenDayLetter::build(
            &office,
            &client,
            &case,
            sent_on,
            2,
            &[],
        )?));
    }
    // `--blocking-threads N` caps tokio's blocking pool (default 512, as in `serve`).
    let args: Vec<String> = std::env::args().collect();
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    if let Some(n) = args
        .iter()
        .position(|a| a == "--blocking-threads")
        .and_then(|i| args.get(i + 1))
    {
        builder.max_blocking_threads(n.parse()?);
    }
    let runtime = builder.build()?;
    let started = Instant::now();
    let rendered = runtime.block_on(async {
        let tasks: Vec<_> = letters
            .into_iter()
            .map(|data| {
                tokio::task::spawn_blocking(move || render(DocumentKind::FourteenDayLetter, &data))
            })
            .collect();
        let mut out = Vec::with_capacity(tasks.len());
        for task in tasks {
            out.push(task.await);
        }
        out
    });
    let elapsed = started.elapsed();
    let mut bytes = 0usize;
    for result in rendered {
        bytes += result??.bytes.len();
    }
    let peak = peak_rss_kib().unwrap_or(0);
    println!(
        "{LETTERS} letters in {:.2} s ({:.2} ms each, wall clock, {} cores), {:.1} MB of PDF held",
        elapsed.as_secs_f64(),
        elapsed.as_secs_f64() * 1000.0 / LETTERS as f64,
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        bytes as f64 / 1e6
    );
    println!(
        "peak RSS (VmHWM): {:.1} MB (before rendering: {:.1} MB); limit 200 MB",
        peak as f64 / 1024.0,
        before as f64 / 1024.0
    );
    if peak > 200 * 1024 {
        return Err(format!("peak RSS {peak} KiB is over 200 MB").into());
    }
    Ok(())
}
