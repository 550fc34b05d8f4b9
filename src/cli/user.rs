//! `exploot user create --client ID --email ADDRESS`: a client portal user, made by the
//! office straight on the database. The password comes from stdin (one line, so it stays
//! out of `ps` and the shell history); with nothing on stdin one is generated and printed
//! once on stdout. Only its argon2id hash is stored. `disable`, `enable`, `unlock` and
//! `reset-password` change a user; each is on the office's audit trail as `cli:<OS user>`.

use std::io::{BufRead, IsTerminal};
use std::sync::Arc;

use crate::clock::SystemClock;
use crate::workflow::App;

/// Creates the user and prints what the office hands on.
pub async fn create(database_url: &str, client: String, email: String) -> Result<(), String> {
    let store = super::token::open(database_url)?;
    let (password, generated) = password_to_set()?;
    let app = App::new(store, Arc::new(SystemClock));
    let user = app
        .create_portal_user(&cli_actor(), client, email, password.clone())
        .await
        .map_err(refusal)?;
    eprintln!(
        "portal user {} for client {} signs in as {}",
        user.id, user.client_id, user.email
    );
    if generated {
        show_generated(&password);
    }
    Ok(())
}

/// Changes the user signing in as `email`; `None` asks for a new password (from stdin,
/// or generated and printed once).
pub async fn change(
    database_url: &str,
    email: &str,
    asked: Option<crate::workflow::portal::UserChangeAsked>,
) -> Result<(), String> {
    use crate::workflow::portal::UserChangeAsked;
    let store = super::token::open(database_url)?;
    let (asked, generated) = match asked {
        Some(asked) => (asked, None),
        None => {
            let (password, generated) = password_to_set()?;
            let shown = generated.then(|| password.clone());
            (UserChangeAsked::Password(password), shown)
        }
    };
    let what = match &asked {
        UserChangeAsked::Disable => "disabled: every session ended",
        UserChangeAsked::Enable => "enabled",
        UserChangeAsked::Unlock => "unlocked",
        UserChangeAsked::Password(_) => "has a new password: every session ended",
    };
    let app = App::new(store, Arc::new(SystemClock));
    let user = app
        .change_portal_user(&cli_actor(), email, asked)
        .await
        .map_err(refusal)?;
    eprintln!("portal user {} ({}) {what}", user.id, user.email);
    if let Some(password) = generated {
        show_generated(&password);
    }
    Ok(())
}

/// The refusal in the command's words: each bad field as its `--option`.
fn refusal(e: crate::error::AppError) -> String {
    match e {
        crate::error::AppError::Invalid(violations) => violations
            .iter()
            .map(|v| format!("--{}: {}", v.field, v.description))
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

/// The password to set: stdin's first line, or a generated one (`true`: to be shown).
fn password_to_set() -> Result<(String, bool), String> {
    Ok(match read_password()? {
        Some(typed) => (typed, false),
        None => (generate(), true),
    })
}

/// A generated password, printed once on stdout: only its hash is kept.
fn show_generated(password: &str) {
    eprintln!("the generated password is shown once, below; only its hash is kept");
    println!("{password}");
}

/// Who acts, for the audit trail: the command line and the operating system's user.
pub fn cli_actor() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "unknown".to_owned());
    format!("cli:{user}")
}

/// The first line of stdin, unless stdin is a terminal or empty.
fn read_password() -> Result<Option<String>, String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return Ok(None);
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .map_err(|e| format!("stdin: {e}"))?;
    let line = line.trim_end_matches(['\r', '\n']).to_owned();
    Ok((!line.is_empty()).then_some(line))
}

/// 20 characters from the operating system's generator (a UUIDv4's random bits), in
/// groups that are easy to copy.
fn generate() -> String {
    let hex = uuid::Uuid::new_v4().simple().to_string();
    format!(
        "{}-{}-{}-{}",
        &hex[0..5],
        &hex[5..10],
        &hex[10..15],
        &hex[15..20]
    )
}
