//! `exploot import FILE.csv --client ID --token TOKEN [--server URL]`: streams a client's claims file to
//! a running server over `ImportClaims`, with a progress bar on a terminal, a summary at the
//! end, and `FILE.rejects.csv` holding the rows that need the client's attention (rejected
//! or conflicting) with the reason in an `errors` column — fix them there and import that
//! file again: rows already stored come back as duplicates, never twice.
//!
//! The progress bar is `indicatif`'s (it was escape codes written here): its stderr target
//! draws nothing when stderr is not a terminal (or `TERM=dumb`), limits redrawing to 20 a
//! second, and clears its line at the end; what is written here is only what it shows.

use std::collections::HashMap;
use std::fmt;
use std::fs::File;
use std::io::{BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use csv::StringRecord;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

use super::bearer::Bearer;
use super::claims_csv::{ClaimsCsv, ERRORS_COLUMN, locate};
use super::server_endpoint::{self, ClientTls};
use crate::proto::import_claims_response::Outcome;
use crate::proto::{
    self as pb, admin_service_client::AdminServiceClient,
    intake_service_client::IntakeServiceClient,
};

/// Claims read ahead of the server's answers: enough to keep a batch ready while the
/// previous one commits, few enough that memory stays flat.
const READ_AHEAD: usize = 2_000;

/// What an import did, for the summary.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// The file imported.
    pub file: PathBuf,
    /// Stored as new cases.
    pub accepted: u64,
    /// Of those, accepted with a warning (e.g. below the minimum for legal action).
    pub warned: u64,
    /// Already stored before, same content.
    pub duplicate: u64,
    /// Reference already used for a different claim.
    pub conflict: u64,
    /// Invalid (or not sendable), with reasons in the rejects file.
    pub rejected: u64,
    /// Where the rejected and conflicting rows went, if there were any.
    pub rejects_file: Option<PathBuf>,
    /// How long it took.
    pub elapsed: Duration,
}

impl Summary {
    /// Claims answered.
    pub fn claims(&self) -> u64 {
        self.accepted + self.duplicate + self.conflict + self.rejected
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seconds = self.elapsed.as_secs_f64();
        writeln!(
            f,
            "{} claims from {} in {seconds:.1} s ({:.0} claims/s)",
            self.claims(),
            self.file.display(),
            self.claims() as f64 / seconds.max(1e-3)
        )?;
        writeln!(f, "  accepted   {:>9}", self.accepted)?;
        if self.warned > 0 {
            writeln!(
                f,
                "    of which {:>7} with a warning (below the minimum for legal action)",
                self.warned
            )?;
        }
        writeln!(f, "  duplicate  {:>9}", self.duplicate)?;
        writeln!(f, "  conflict   {:>9}", self.conflict)?;
        writeln!(f, "  rejected   {:>9}", self.rejected)?;
        if let Some(path) = &self.rejects_file {
            writeln!(
                f,
                "rejected and conflicting rows, with the reasons: {}",
                path.display()
            )?;
        }
        Ok(())
    }
}

/// Runs the import on its own runtime and returns the summary to print; every call carries
/// `token` (a client token of `client_id`, or an admin's).
pub fn run(
    file: &Path,
    client_id: &str,
    server: &str,
    tls: &ClientTls,
    token: &str,
) -> Result<Summary, String> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?
        .block_on(import(file, client_id, server, tls, token))
}

/// `FILE.csv` → `FILE.rejects.csv`.
pub fn rejects_path(file: &Path) -> PathBuf {
    let stem = file.file_stem().unwrap_or_default().to_string_lossy();
    file.with_file_name(format!("{stem}.rejects.csv"))
}

/// The rows of a claim sent and waiting for its answer, and the file line of each.
pub(crate) type SentRows = (Vec<StringRecord>, Vec<u64>);

/// A claim that will not be sent, with its reason.
struct LocalReject {
    records: Vec<StringRecord>,
    reason: String,
}

/// Streams `file` to `server` with `token` and collects the outcomes.
pub async fn import(
    file: &Path,
    client_id: &str,
    server: &str,
    tls: &ClientTls,
    token: &str,
) -> Result<Summary, String> {
    let started = Instant::now();
    let bearer = Bearer::new(token)?;
    let named = |e: String| format!("{}: {e}", file.display());
    let first_reading = File::open(file).map_err(|e| named(e.to_string()))?;
    let scattered = ClaimsCsv::new(BufReader::with_capacity(1 << 16, first_reading), client_id)
        .and_then(ClaimsCsv::scattered_references)
        .map_err(named)?;
    let opened = File::open(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let size = opened.metadata().map(|m| m.len()).unwrap_or(0);
    // The bar counts the bytes read, for the percentage and the ETA.
    let progress = Progress::new(size, ProgressDrawTarget::stderr());
    let input = BufReader::with_capacity(1 << 16, progress.bar.wrap_read(opened));
    let mut csv = ClaimsCsv::new(input, client_id)
        .map_err(|e| format!("{}: {e}", file.display()))?
        .refusing(scattered);
    for column in csv.ignored_columns() {
        eprintln!("exploot import: ignoring column {column:?} (not a known column)");
    }
    let mut rejects = Rejects::new(
        rejects_path(file),
        csv.headers().clone(),
        csv.delimiter(),
        csv.had_bom(),
    );

    let channel = server_endpoint::endpoint(server, tls)?
        .connect()
        .await
        .map_err(|e| format!("cannot reach the server at {server}: {e}"))?;
    let channel = bearer.on(channel);

    // A client the server does not know would have every row rejected: say so at once.
    let known = AdminServiceClient::new(channel.clone())
        .get_client(pb::GetClientRequest {
            client_id: client_id.to_owned(),
        })
        .await;
    match known {
        Err(status) if status.code() == tonic::Code::NotFound => {
            return Err(format!(
                "the server has no client {client_id:?} (create it with AdminService.PutClient)"
            ));
        }
        // A wrong token would have every row refused: say so at once, as the server does.
        Err(status)
            if matches!(
                status.code(),
                tonic::Code::Unauthenticated | tonic::Code::PermissionDenied
            ) =>
        {
            return Err(format!(
                "the server refused the token: {}",
                status.message()
            ));
        }
        _ => {}
    }

    // The file is read on its own thread; the rows of claims in flight wait in `pending`
    // for their outcome (a rejected claim's rows go to the rejects file).
    let pending: Arc<Mutex<HashMap<i64, SentRows>>> = Arc::default();
    let local: Arc<Mutex<Vec<LocalReject>>> = Arc::default();
    let (send, requests) = mpsc::channel(READ_AHEAD);
    let reader = {
        let (pending, local) = (Arc::clone(&pending), Arc::clone(&local));
        std::thread::spawn(move || -> Result<(), String> {
            while let Some(claim) = csv.next_claim()? {
                if let Some(reason) = claim.local_problem {
                    lock(&local).push(LocalReject {
                        records: claim.records,
                        reason,
                    });
                    continue;
                }
                lock(&pending).insert(claim.request.row, (claim.records, claim.lines));
                if send.blocking_send(claim.request).is_err() {
                    break; // the stream is gone; the error comes from the answers
                }
            }
            Ok(())
        })
    };

    let mut answers = IntakeServiceClient::new(channel)
        .import_claims(ReceiverStream::new(requests))
        .await
        .map_err(|s| format!("ImportClaims: {}", s.message()))?
        .into_inner();
    let mut summary = Summary {
        file: file.to_owned(),
        ..Summary::default()
    };
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    let broken = loop {
        tokio::select! {
            answer = answers.message() => match answer {
                Ok(Some(answer)) => {
                    let rows = lock(&pending).remove(&answer.row).unwrap_or_default();
                    tally(&mut summary, &mut rejects, &answer, rows)?;
                }
                Ok(None) => break None,
                Err(status) => break Some(status),
            },
            _ = tick.tick() => progress.show(summary.claims()),
        }
        for reject in lock(&local).drain(..) {
            summary.rejected += 1;
            rejects.write(&reject.records, &reject.reason)?;
        }
    };
    progress.clear();
    for reject in lock(&local).drain(..) {
        summary.rejected += 1;
        rejects.write(&reject.records, &reject.reason)?;
    }
    summary.rejects_file = rejects.finish()?;
    summary.elapsed = started.elapsed();
    // Ended without an error but rows unanswered: never reported as a complete import.
    let unanswered = lock(&pending).len();
    if broken.is_none() && unanswered > 0 {
        return Err(format!(
            "the server ended the import with {unanswered} claims of {} unanswered: every \
             claim answered ({}) is stored; import the file again to go on (stored claims \
             come back as duplicates)",
            summary.file.display(),
            summary.claims()
        ));
    }
    if let Some(status) = broken {
        return Err(format!(
            "the server broke off the import after {} claims ({}): {}\n\
             every claim answered so far is stored; import the file again to go on \
             (stored claims come back as duplicates)",
            summary.claims(),
            summary.file.display(),
            status.message()
        ));
    }
    let read_result = reader
        .join()
        .map_err(|_| "the file reader panicked".to_owned())?;
    read_result.map_err(|e| {
        format!(
            "{}: {e}\nthe {} claims before it were imported:\n{summary}",
            file.display(),
            summary.claims()
        )
    })?;
    Ok(summary)
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

pub(crate) fn tally(
    summary: &mut Summary,
    rejects: &mut Rejects,
    answer: &pb::ImportClaimsResponse,
    (records, lines): SentRows,
) -> Result<(), String> {
    match Outcome::try_from(answer.outcome) {
        Ok(Outcome::Accepted) => {
            summary.accepted += 1;
            summary.warned += u64::from(!answer.warnings.is_empty());
        }
        Ok(Outcome::Duplicate) => summary.duplicate += 1,
        Ok(Outcome::Conflict) => {
            summary.conflict += 1;
            rejects.write(
                &records,
                &format!(
                    "client_reference: already used for a different claim (case {}); \
                     use a new reference or correct the rows to match that claim",
                    answer.case_id
                ),
            )?;
        }
        Ok(Outcome::Rejected) => {
            summary.rejected += 1;
            let reasons: Vec<String> = answer
                .violations
                .iter()
                .map(|v| format!("{}: {}", locate(&v.field, &lines), v.description))
                .collect();
            rejects.write(&records, &reasons.join("; "))?;
        }
        Ok(Outcome::Unspecified) | Err(_) => {
            return Err(format!(
                "the server answered row {} with an unknown outcome {}",
                answer.row, answer.outcome
            ));
        }
    }
    Ok(())
}

/// The rejects file, written only when there is something to put in it (and removed when
/// a later run of the same file has nothing, so it never tells of fixed rows).
pub(crate) struct Rejects {
    path: PathBuf,
    headers: StringRecord,
    delimiter: u8,
    bom: bool,
    errors_at: Option<usize>,
    writer: Option<csv::Writer<File>>,
}

impl Rejects {
    pub(crate) fn new(path: PathBuf, headers: StringRecord, delimiter: u8, bom: bool) -> Self {
        let errors_at = headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(ERRORS_COLUMN));
        Self {
            path,
            headers,
            delimiter,
            bom,
            errors_at,
            writer: None,
        }
    }

    pub(crate) fn write(&mut self, records: &[StringRecord], reason: &str) -> Result<(), String> {
        let failed = |e: &dyn fmt::Display| format!("{}: {e}", self.path.display());
        if self.writer.is_none() {
            let mut file = File::create(&self.path).map_err(|e| failed(&e))?;
            if self.bom {
                file.write_all(b"\xEF\xBB\xBF").map_err(|e| failed(&e))?;
            }
            let mut writer = csv::WriterBuilder::new()
                .delimiter(self.delimiter)
                .flexible(true)
                .from_writer(file);
            let mut header: Vec<&str> = self.headers.iter().collect();
            if self.errors_at.is_none() {
                header.push(ERRORS_COLUMN);
            }
            writer.write_record(&header).map_err(|e| failed(&e))?;
            self.writer = Some(writer);
        }
        let writer = self.writer.as_mut().expect("opened above");
        let width = self.headers.len();
        for record in records {
            let mut fields: Vec<&str> = record.iter().collect();
            fields.resize(width.max(fields.len()), "");
            match self.errors_at {
                Some(i) => fields[i] = reason,
                None => {
                    fields.truncate(width);
                    fields.push(reason);
                }
            }
            writer
                .write_record(&fields)
                .map_err(|e| format!("{}: {e}", self.path.display()))?;
        }
        Ok(())
    }

    pub(crate) fn finish(self) -> Result<Option<PathBuf>, String> {
        match self.writer {
            Some(mut writer) => {
                writer
                    .flush()
                    .map_err(|e| format!("{}: {e}", self.path.display()))?;
                Ok(Some(self.path))
            }
            None => {
                if self.path.exists() {
                    std::fs::remove_file(&self.path)
                        .map_err(|e| format!("{}: {e}", self.path.display()))?;
                }
                Ok(None)
            }
        }
    }
}

/// A one-line progress bar: the percentage of the file's bytes read, the claims answered,
/// claims a second and the time left (from the bytes).
struct Progress {
    bar: ProgressBar,
    started: Instant,
}

impl Progress {
    /// A bar of `size` bytes drawn on `target` (stderr in use: hidden unless a terminal).
    fn new(size: u64, target: ProgressDrawTarget) -> Self {
        let style =
            ProgressStyle::with_template("[{bar:30}] {percent:>3}%  {msg}  ETA {eta_precise}")
                .expect("a valid template")
                .progress_chars("#-");
        let bar = ProgressBar::with_draw_target(Some(size), target).with_style(style);
        Self {
            bar,
            started: Instant::now(),
        }
    }

    /// Shows `claims` answered so far and their rate.
    fn show(&self, claims: u64) {
        let rate = claims as f64 / self.started.elapsed().as_secs_f64().max(1e-3);
        self.bar
            .set_message(format!("{claims} claims  {rate:.0} claims/s"));
    }

    /// Takes the bar off the screen, before the summary is printed.
    fn clear(&self) {
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use indicatif::TermLike;

    use super::*;

    /// A terminal 80 columns wide that keeps what is written to it.
    #[derive(Debug, Default, Clone)]
    struct Screen(Arc<Mutex<String>>);

    impl TermLike for Screen {
        fn width(&self) -> u16 {
            80
        }
        fn move_cursor_up(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_down(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_right(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_left(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn write_line(&self, line: &str) -> std::io::Result<()> {
            lock(&self.0).push_str(line);
            lock(&self.0).push('\n');
            Ok(())
        }
        fn write_str(&self, text: &str) -> std::io::Result<()> {
            lock(&self.0).push_str(text);
            Ok(())
        }
        fn clear_line(&self) -> std::io::Result<()> {
            lock(&self.0).clear();
            Ok(())
        }
        fn flush(&self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn the_bar_shows_the_bytes_read_the_claims_and_their_rate() {
        let screen = Screen::default();
        let progress = Progress::new(200, ProgressDrawTarget::term_like(Box::new(screen.clone())));
        let mut file = progress.bar.wrap_read(&[b'x'; 200][..]);
        file.read_exact(&mut [0; 50]).expect("50 bytes");
        progress.show(7);
        let line = lock(&screen.0).clone();
        assert!(
            line.starts_with(&format!(
                "[{}{}]  25%  7 claims  ",
                "#".repeat(7),
                "-".repeat(23)
            )),
            "{line:?}"
        );
        assert!(line.contains(" claims/s  ETA "), "{line:?}");
        progress.clear();
        assert_eq!(*lock(&screen.0), "", "cleared before the summary");
    }

    #[test]
    fn on_stderr_the_bar_is_hidden_unless_it_is_a_terminal() {
        use std::io::IsTerminal;

        let progress = Progress::new(100, ProgressDrawTarget::stderr());
        assert_eq!(progress.bar.is_hidden(), !std::io::stderr().is_terminal());
    }
}
