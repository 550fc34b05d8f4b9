//! The client portal's commands and queries (issue 18): portal users and their sessions,
//! and the reads a client's credit controller needs beyond the gRPC ones (a text search
//! over its cases, a case's timeline, the tasks that wait for the client, an overview).
//! Every change still goes through the same commands as gRPC (`complete_task`, `import`),
//! as the user's [`Principal`], so the audit trail names the user: `user:<id>/client`.
//!
//! Passwords are hashed with argon2id (its default parameters, OWASP's minimum): a
//! password is a low-entropy secret a person chose, unlike an API token. Sessions are 244
//! random bits in a cookie of which only the SHA-256 is stored, as for tokens.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{DateTime, Duration, Utc};

use super::{App, AuditEntry, Completion, Principal, Role, Task};
use crate::case::{CaseRecord, task_kind, track::owed};
use crate::clock::amsterdam_local;
use crate::digest::sha256_hex;
use crate::error::AppError;
use crate::law::money::Money;
use crate::store::portal::{self, SessionRow, UserChange, UserRow};
use crate::store::tasks;
use crate::store::{admin_events, events};
use crate::store::{cases, clients, db_instant, transaction, utc};

/// Wrong passwords in a row after which a user is locked out.
pub const MAX_FAILED_SIGN_INS: i32 = 5;

/// How long a locked-out user waits (service clock).
pub const LOCKOUT: Duration = Duration::minutes(15);

/// How long a session lasts (service clock).
pub const SESSION_LIFETIME: Duration = Duration::hours(12);

/// The shortest password the office may set.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// The tasks a client decides itself, with the outcomes offered (those of the task).
pub const CLIENT_TASK_KINDS: [&str; 3] = [
    task_kind::SUMMONS_APPROVAL,
    task_kind::RECOVERABILITY_REVIEW,
    task_kind::INTAKE_REVIEW,
];

/// Open cases quoted for the overview at most; beyond, the overview says so.
pub const OVERVIEW_QUOTES: i64 = 2_000;

/// A portal user as the portal sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortalUser {
    /// Public id.
    pub id: String,
    /// Its client.
    pub client_id: String,
    /// Sign-in name.
    pub email: String,
}

impl PortalUser {
    /// The principal the user acts as: its client's, with the user as the actor
    /// (`user:<id>/client` on every audit event).
    pub fn principal(&self) -> Principal {
        Principal {
            token_id: format!("user:{}", self.id),
            role: Role::Client,
            client_id: Some(self.client_id.clone()),
        }
    }
}

impl From<UserRow> for PortalUser {
    fn from(row: UserRow) -> Self {
        Self {
            id: row.id,
            client_id: row.client_id,
            email: row.email,
        }
    }
}

/// What the office asks of a portal user (`exploot user disable|enable|unlock|reset-password`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UserChangeAsked {
    /// Refuse the user from now on, and end its sessions.
    Disable,
    /// Let a disabled user sign in again.
    Enable,
    /// Forget the wrong passwords and lift the lock.
    Unlock,
    /// A new password (ends its sessions, lifts the lock).
    Password(String),
}

/// How a sign-in went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignIn {
    /// Signed in: the cookie value (shown once, only its hash is stored) and the session's
    /// CSRF token.
    Session {
        /// The user.
        user: PortalUser,
        /// The cookie's value.
        secret: String,
        /// What the session's forms carry.
        csrf: String,
    },
    /// Unknown e-mail address or wrong password (the same answer for both).
    Refused,
    /// Too many wrong passwords: refused until then, even with the right one.
    Locked(DateTime<Utc>),
}

/// A live session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    /// Whose.
    pub user: PortalUser,
    /// The token its forms carry.
    pub csrf: String,
}

/// The overview of a client's open items.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Overview {
    /// Cases per stage (stored name, count).
    pub by_stage: Vec<(String, i64)>,
    /// Open cases quoted.
    pub quoted: usize,
    /// Open cases beyond [`OVERVIEW_QUOTES`], not quoted.
    pub not_quoted: bool,
    /// What the quoted open cases owe today, in total.
    pub outstanding: Money,
    /// The payouts made to the client: how many, transferred in total, the last one's day.
    pub payouts: crate::store::payouts::PaidToClient,
}

/// What a portal search asks for: the client is always the user's own.
#[derive(Clone, Debug, Default)]
pub struct CaseSearch {
    /// A piece of the debtor's name, the client's reference or a payment reference; empty:
    /// every case.
    pub text: String,
    /// Only cases in this stage.
    pub stage: Option<crate::case::Stage>,
    /// Where the page starts (none: the newest).
    pub from: Option<portal::PageFrom>,
    /// At most this many.
    pub limit: i64,
}

/// 244 random bits from the operating system's generator, as hex (two UUIDv4s).
fn random_secret() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

fn hash_password(password: &str) -> Result<String, AppError> {
    let salt = SaltString::encode_b64(uuid::Uuid::new_v4().as_bytes())
        .map_err(|e| AppError::Internal(format!("salt: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("argon2: {e}")))
}

fn password_matches(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// Checks a password off the async threads, a few at a time: each check holds argon2's
/// 19 MiB, so a burst of sign-ins waits its turn instead of taking gigabytes at once.
async fn password_matches_at_most_a_few(password: String, hash: String) -> Result<bool, AppError> {
    static CHECKING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(4);
    let _turn = CHECKING
        .acquire()
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    tokio::task::spawn_blocking(move || password_matches(&password, &hash))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// A hash to check unknown addresses against, so a wrong address takes as long as a wrong
/// password and the timing tells nobody which addresses exist.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy password of no one").unwrap_or_default())
}

/// The most decisions one page of the portal lists.
const CLIENT_TASKS_AT_MOST: i64 = 1_000;

impl App {
    /// Creates a portal user for `client_id` (which must exist) signing in as `email`
    /// with `password`, audited as `actor`'s; INVALID_ARGUMENT naming each bad field.
    pub async fn create_portal_user(
        &self,
        actor: &str,
        client_id: String,
        email: String,
        password: String,
    ) -> Result<PortalUser, AppError> {
        let email = email.trim().to_lowercase();
        let mut bad = Vec::new();
        let shaped = email
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'));
        if !shaped || email.chars().any(char::is_whitespace) {
            bad.push(crate::case::FieldViolation::new(
                "email",
                "not an e-mail address",
            ));
        }
        if password.chars().count() < MIN_PASSWORD_CHARS {
            bad.push(crate::case::FieldViolation::new(
                "password",
                format!("at least {MIN_PASSWORD_CHARS} characters"),
            ));
        }
        let hash = tokio::task::spawn_blocking(move || hash_password(&password))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))??;
        let now = self.clock.now();
        let actor = actor.to_owned();
        let row = UserRow {
            id: uuid::Uuid::new_v4().to_string(),
            client_id,
            email,
            password_hash: hash,
            failed_attempts: 0,
            locked_until: None,
            created_at: db_instant(now),
            disabled_at: None,
        };
        self.store
            .run(move |conn| {
                transaction(conn, |conn| {
                    if !clients::exists(conn, &row.client_id)? {
                        bad.push(crate::case::FieldViolation::new(
                            "client",
                            "no client with this id",
                        ));
                    }
                    if !bad.is_empty() {
                        return Err(AppError::Invalid(bad));
                    }
                    if !portal::insert_user(conn, &row)? {
                        return Err(AppError::AlreadyExists(format!(
                            "a portal user signs in as {} already",
                            row.email
                        )));
                    }
                    admin_events::append(
                        conn,
                        now,
                        &actor,
                        "portal_user_created",
                        &row.client_id,
                        &serde_json::json!({ "user": row.id, "email": row.email }),
                    )?;
                    Ok(PortalUser::from(row))
                })
            })
            .await
    }

    /// Signs in: a session for the right password, unless the user is locked out; the
    /// fifth wrong password in a row locks the user for [`LOCKOUT`]. Each attempt is
    /// counted before its password is checked, so a burst of guesses at once checks no
    /// more than [`MAX_FAILED_SIGN_INS`] of them.
    pub async fn sign_in(&self, email: String, password: String) -> Result<SignIn, AppError> {
        let email = email.trim().to_lowercase();
        let now = self.service_now().await?;
        let user = self
            .store
            .run(move |conn| Ok::<_, AppError>(portal::user_by_email(conn, &email)?))
            .await?;
        // A disabled user is answered as one who never was.
        let Some(user) = user.filter(|u| u.disabled_at.is_none()) else {
            // The same work as for a user, so the time taken does not tell who has one.
            password_matches_at_most_a_few(password, decoy_hash().to_owned()).await?;
            return Ok(SignIn::Refused);
        };
        let id = user.id.clone();
        let reserved = self
            .store
            .run(move |conn| {
                transaction(conn, |conn| {
                    Ok::<_, AppError>(portal::reserve_attempt(
                        conn,
                        &id,
                        now,
                        MAX_FAILED_SIGN_INS,
                        LOCKOUT,
                    )?)
                })
            })
            .await?;
        let Some(count) = reserved else {
            let until = user
                .locked_until
                .map(utc)
                .filter(|until| *until > now)
                .unwrap_or(now + LOCKOUT);
            return Ok(SignIn::Locked(until));
        };
        let right = password_matches_at_most_a_few(password, user.password_hash.clone()).await?;
        if !right {
            if count < MAX_FAILED_SIGN_INS {
                return Ok(SignIn::Refused);
            }
            let id = user.id.clone();
            let until = now + LOCKOUT;
            self.store
                .run(move |conn| Ok::<_, AppError>(portal::lock(conn, &id, until)?))
                .await?;
            return Ok(SignIn::Locked(until));
        }
        let secret = random_secret();
        let csrf = random_secret();
        let session = SessionRow {
            secret_sha256: sha256_hex(secret.as_bytes()),
            user_id: user.id.clone(),
            csrf_token: csrf.clone(),
            created_at: db_instant(now),
            expires_at: db_instant(now + SESSION_LIFETIME),
        };
        let id = user.id.clone();
        let hash_checked = user.password_hash.clone();
        let granted = self
            .store
            .run(move |conn| {
                transaction(conn, |conn| {
                    // The password checked must still be the user's, and the user still
                    // enabled: an office's reset or disable while this one was checked
                    // ended every session, this one too.
                    let now_stored = portal::user_for_update(conn, &id)?;
                    if now_stored
                        .is_none_or(|u| u.password_hash != hash_checked || u.disabled_at.is_some())
                    {
                        return Ok(false);
                    }
                    portal::record_attempt(conn, &id, 0, None)?;
                    // Sessions past their end are of no use to anyone: gone as others begin.
                    portal::delete_expired_sessions(conn, session.created_at)?;
                    portal::insert_session(conn, &session)?;
                    Ok::<_, AppError>(true)
                })
            })
            .await?;
        if !granted {
            return Ok(SignIn::Refused);
        }
        Ok(SignIn::Session {
            user: user.into(),
            secret,
            csrf,
        })
    }

    /// The live session a cookie names, if any.
    pub async fn portal_session(&self, secret: &str) -> Result<Option<Session>, AppError> {
        let now = db_instant(self.service_now().await?);
        let hash = sha256_hex(secret.as_bytes());
        let found = self
            .store
            .run(move |conn| Ok::<_, AppError>(portal::session(conn, &hash)?))
            .await?;
        Ok(found
            .filter(|(session, user)| session.expires_at > now && user.disabled_at.is_none())
            .map(|(session, user)| Session {
                user: user.into(),
                csrf: session.csrf_token,
            }))
    }

    /// The office's change to the portal user signing in as `email` (`exploot user`):
    /// disabling or a new password ends every session of the user. Audited with `actor`;
    /// NOT_FOUND for an address nobody signs in with.
    pub async fn change_portal_user(
        &self,
        actor: &str,
        email: &str,
        change: UserChangeAsked,
    ) -> Result<PortalUser, AppError> {
        let email = email.trim().to_lowercase();
        let now = self.clock.now();
        let change = match change {
            UserChangeAsked::Disable => UserChange::Disable(now),
            UserChangeAsked::Enable => UserChange::Enable,
            UserChangeAsked::Unlock => UserChange::Unlock,
            UserChangeAsked::Password(password) => {
                if password.chars().count() < MIN_PASSWORD_CHARS {
                    return Err(AppError::invalid(
                        "password",
                        &format!("at least {MIN_PASSWORD_CHARS} characters"),
                    ));
                }
                let hash = tokio::task::spawn_blocking(move || hash_password(&password))
                    .await
                    .map_err(|e| AppError::Internal(e.to_string()))??;
                UserChange::Password(hash)
            }
        };
        let actor = actor.to_owned();
        self.store
            .run(move |conn| {
                transaction(conn, |conn| {
                    let user = portal::change_user(conn, &email, &change)?.ok_or_else(|| {
                        AppError::NotFound(format!("no portal user signs in as {email}"))
                    })?;
                    let (kind, ends_sessions) = match change {
                        UserChange::Disable(_) => ("portal_user_disabled", true),
                        UserChange::Enable => ("portal_user_enabled", false),
                        UserChange::Unlock => ("portal_user_unlocked", false),
                        UserChange::Password(_) => ("portal_user_password_reset", true),
                    };
                    let ended = if ends_sessions {
                        portal::delete_sessions(conn, &user.id)?
                    } else {
                        0
                    };
                    admin_events::append(
                        conn,
                        now,
                        &actor,
                        kind,
                        &user.client_id,
                        &serde_json::json!({
                            "user": user.id,
                            "email": user.email,
                            "sessions_ended": ended,
                        }),
                    )?;
                    Ok(PortalUser::from(user))
                })
            })
            .await
    }

    /// Ends the session a cookie names.
    pub async fn sign_out(&self, secret: &str) -> Result<(), AppError> {
        let hash = sha256_hex(secret.as_bytes());
        self.store
            .run(move |conn| Ok::<_, AppError>(portal::delete_session(conn, &hash)?))
            .await
    }

    /// Ends every session of `user`, on every device; how many there were.
    pub async fn sign_out_everywhere(&self, user: &PortalUser) -> Result<usize, AppError> {
        let id = user.id.clone();
        self.store
            .run(move |conn| Ok::<_, AppError>(portal::delete_sessions(conn, &id)?))
            .await
    }

    /// A page of the cases of `who`'s client that match `search` (its client is
    /// `who`'s, whatever it says), and whether more follow.
    pub async fn search_cases(
        &self,
        who: &Principal,
        search: CaseSearch,
    ) -> Result<(Vec<CaseRecord>, bool), AppError> {
        let search = portal::CaseSearch {
            client_id: who
                .confined_to()
                .ok_or_else(|| AppError::PermissionDenied("the portal is for clients".into()))?
                .to_owned(),
            text: search.text,
            stage: search.stage,
            from: search.from,
            limit: search.limit,
        };
        self.store
            .run(move |conn| Ok::<_, AppError>(portal::search_cases(conn, &search)?))
            .await
    }

    /// The audit events of a case `who` may see, oldest first; NOT_FOUND otherwise.
    pub async fn case_timeline(
        &self,
        who: &Principal,
        case_id: String,
    ) -> Result<Vec<AuditEntry>, AppError> {
        self.check_case_visible(who, &case_id).await?;
        let rows = self
            .store
            .run(move |conn| Ok::<_, AppError>(events::list_from(conn, &case_id, 0, 10_000)?))
            .await?;
        Ok(rows
            .into_iter()
            .map(|row| AuditEntry::from(row).as_seen_by(who))
            .collect())
    }

    /// The open tasks on `who`'s client's cases that the client decides
    /// ([`CLIENT_TASK_KINDS`]), oldest first; of one case when `case_id` is given.
    pub async fn client_tasks(
        &self,
        who: &Principal,
        case_id: Option<String>,
    ) -> Result<Vec<Task>, AppError> {
        let own = who
            .confined_to()
            .ok_or_else(|| AppError::PermissionDenied("the portal is for clients".into()))?
            .to_owned();
        self.store
            .run(move |conn| {
                Ok::<_, AppError>(tasks::open_of_client(
                    conn,
                    &own,
                    &CLIENT_TASK_KINDS,
                    case_id.as_deref(),
                    CLIENT_TASKS_AT_MOST,
                )?)
            })
            .await?
            .into_iter()
            .map(Task::try_from)
            .collect()
    }

    /// Completes a task the client decides, as `who`, through [`App::complete_task`]:
    /// NOT_FOUND (the words of a missing task) for a task that is not one of `who`'s
    /// client's decisions.
    pub async fn complete_client_task(
        &self,
        who: &Principal,
        task_id: String,
        outcome: String,
        request_id: String,
    ) -> Result<Task, AppError> {
        let id = task_id.clone();
        let task = self
            .store
            .run(move |conn| Ok::<_, AppError>(tasks::get(conn, &id)?))
            .await?;
        let missing = || AppError::NotFound(format!("no task {task_id:?}"));
        let task = task
            .filter(|t| CLIENT_TASK_KINDS.contains(&t.kind.as_str()))
            .ok_or_else(missing)?;
        let case_id = task.case_id.clone().ok_or_else(missing)?;
        self.check_case_visible(who, &case_id)
            .await
            .map_err(|_| missing())?;
        self.complete_task(
            who,
            Completion {
                task_id,
                request_id,
                outcome,
                note: String::new(),
                values: Default::default(),
            },
        )
        .await
    }

    /// The overview of `who`'s client: cases per stage, what the open ones owe today by
    /// the law's quote, and what was received.
    pub async fn portal_overview(&self, who: &Principal) -> Result<Overview, AppError> {
        let own = who
            .confined_to()
            .ok_or_else(|| AppError::PermissionDenied("the portal is for clients".into()))?
            .to_owned();
        let today = amsterdam_local(self.service_now().await?).date();
        self.store
            .run(move |conn| {
                let by_stage = portal::cases_by_stage(conn, &own)?;
                let ids = portal::open_case_ids(conn, &own, OVERVIEW_QUOTES + 1)?;
                let not_quoted = ids.len() as i64 > OVERVIEW_QUOTES;
                let mut overview = Overview {
                    by_stage,
                    not_quoted,
                    payouts: crate::store::payouts::paid_to_client(conn, &own)?,
                    ..Overview::default()
                };
                let mut policies = std::collections::HashMap::new();
                for id in ids
                    .iter()
                    .take(usize::try_from(OVERVIEW_QUOTES).unwrap_or(0))
                {
                    let Some(case) = cases::get(conn, id)? else {
                        continue;
                    };
                    let policy = match policies.entry(case.policy_version) {
                        std::collections::hash_map::Entry::Occupied(known) => known.into_mut(),
                        std::collections::hash_map::Entry::Vacant(new) => {
                            let stored =
                                clients::get_policy(conn, &own, Some(case.policy_version))?
                                    .ok_or_else(|| {
                                        AppError::Internal("the case's policy is missing".into())
                                    })?;
                            new.insert(stored.policy)
                        }
                    };
                    if let Ok(o) = owed(&case, policy, today) {
                        overview.outstanding += o.total;
                        overview.quoted += 1;
                    }
                }
                Ok::<_, AppError>(overview)
            })
            .await
    }

    /// A case `who` may see with what it owes today (None when the law cannot quote it
    /// now); NOT_FOUND otherwise.
    pub async fn case_with_quote(
        &self,
        who: &Principal,
        case_id: String,
    ) -> Result<(CaseRecord, Option<crate::case::track::Owed>), AppError> {
        let case = self.get_case(who, case_id.clone()).await?;
        let quote = self
            .quote_case(who, case_id, None)
            .await
            .ok()
            .map(|(o, _)| o);
        Ok((case, quote))
    }
}
