//! Who is calling: the authenticated token's role, and for a client token the one client
//! whose cases it may see. The application scopes every read and write by it, so a handler
//! cannot forget to: another client's case is "not found", word for word as a missing one.

use std::fmt;

use super::Actor;
use crate::error::AppError;

/// What a token may do (the RPCs of each role: `api::access`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// A case handler (dossierbehandelaar): tasks, judgments, holds, and all the front
    /// office does.
    CaseHandler,
    /// The front office: reads cases, quotes, records payments, agrees payment plans.
    FrontOffice,
    /// A client (opdrachtgever): its own cases and documents only.
    Client,
    /// The office's administrator: clients, policies, the clock, and everything else.
    Admin,
}

impl Role {
    /// Every role, for tables and tests.
    pub const ALL: [Role; 4] = [
        Role::CaseHandler,
        Role::FrontOffice,
        Role::Client,
        Role::Admin,
    ];

    /// The stored and printed name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::CaseHandler => "case_handler",
            Role::FrontOffice => "front_office",
            Role::Client => "client",
            Role::Admin => "admin",
        }
    }

    /// The role of a stored or typed name.
    pub fn parse(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == name)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An authenticated caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    /// The token's public id.
    pub token_id: String,
    /// Its role.
    pub role: Role,
    /// The client a `client` token is bound to; `None` for the office's roles.
    pub client_id: Option<String>,
}

impl Principal {
    /// The actor recorded on audit events: `token:<id>/<role>`, enough to find the token
    /// (and so who it was issued to) in `exploot token list`; a portal user's principal
    /// (whose `token_id` is `user:<id>`, see `workflow::portal`) acts as `user:<id>/<role>`.
    pub fn actor(&self) -> Actor {
        if self.token_id.starts_with("user:") {
            Actor(format!("{}/{}", self.token_id, self.role))
        } else {
            Actor(format!("token:{}/{}", self.token_id, self.role))
        }
    }

    /// Whether this caller may see the cases of `client_id`: the office sees every client,
    /// a client only itself.
    pub fn sees(&self, client_id: &str) -> bool {
        self.client_id.as_deref().is_none_or(|own| own == client_id)
    }

    /// The one client this caller is confined to, if any.
    pub fn confined_to(&self) -> Option<&str> {
        self.client_id.as_deref()
    }

    /// PERMISSION_DENIED unless this caller may act for `client_id`: a client entering a
    /// claim for another client is refused as such, whether that client exists or not, so
    /// the refusal tells nothing about other clients.
    pub fn may_act_for(&self, client_id: &str) -> Result<(), AppError> {
        if self.sees(client_id) {
            Ok(())
        } else {
            Err(AppError::PermissionDenied(format!(
                "this token is bound to client {:?} and may only enter claims for it",
                self.client_id.as_deref().unwrap_or_default()
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(role: Role, client: Option<&str>) -> Principal {
        Principal {
            token_id: "t1".into(),
            role,
            client_id: client.map(str::to_owned),
        }
    }

    #[test]
    fn roles_round_trip_their_names() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn a_client_sees_only_itself_and_the_office_sees_all() {
        let acme = token(Role::Client, Some("acme"));
        assert!(acme.sees("acme"));
        assert!(!acme.sees("bolt"));
        assert!(acme.may_act_for("bolt").is_err());
        let office = token(Role::FrontOffice, None);
        assert!(office.sees("bolt"));
        assert_eq!(office.actor(), Actor("token:t1/front_office".into()));
    }
}
