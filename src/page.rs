//! Keyset pages over things listed in creation order (cases, tasks, documents): a
//! [`Cursor`] says where the next page starts, and its token is the one opaque string the
//! contract hands out for it. The store pages by it; the API only encodes and decodes it.

use chrono::{DateTime, Utc};

/// Where a page starts: after this (created_at, id) in creation order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor {
    /// Creation instant of the last item of the previous page (whole microseconds, as
    /// stored).
    pub created_at: DateTime<Utc>,
    /// Its id (ties on the instant).
    pub id: String,
}

impl Cursor {
    /// The opaque page token: the microsecond instant and the id.
    pub fn token(&self) -> String {
        format!("{}.{}", self.created_at.timestamp_micros(), self.id)
    }

    /// The cursor of a token a previous `list` answer (e.g. `ListCases`) handed out.
    pub fn from_token(token: &str, list: &str) -> Result<Self, String> {
        let bad = || format!("not a page token from a previous {list} answer");
        let (micros, id) = token.split_once('.').ok_or_else(bad)?;
        let micros: i64 = micros.parse().map_err(|_| bad())?;
        let created_at = DateTime::from_timestamp_micros(micros).ok_or_else(bad)?;
        Ok(Self {
            created_at,
            id: id.to_owned(),
        })
    }
}

/// Where a page of a ranked list (a search: relevance, then newest first) starts: after
/// this rank and, within it, this (created_at, id). Its token is the rank before the
/// [`Cursor`]'s, so one codec reads both.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RankedCursor {
    /// The relevance of the last item of the previous page.
    pub rank: i64,
    /// Its place among items of that rank.
    pub at: Cursor,
}

impl RankedCursor {
    /// The opaque page token.
    pub fn token(&self) -> String {
        format!("{}:{}", self.rank, self.at.token())
    }

    /// The cursor of a token a previous answer of `list` handed out.
    pub fn from_token(token: &str, list: &str) -> Result<Self, String> {
        let bad = || format!("not a page token from a previous {list} answer");
        let (rank, at) = token.split_once(':').ok_or_else(bad)?;
        Ok(Self {
            rank: rank.parse().map_err(|_| bad())?,
            at: Cursor::from_token(at, list)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_nonsense_is_refused() {
        let cursor = Cursor {
            created_at: DateTime::from_timestamp_micros(1_700_000_000_123_456).unwrap_or_default(),
            id: "abc".into(),
        };
        assert_eq!(cursor.token(), "1700000000123456.abc");
        assert_eq!(
            Cursor::from_token(&cursor.token(), "ListCases"),
            Ok(cursor.clone())
        );
        assert_eq!(
            Cursor::from_token("nonsense", "ListTasks"),
            Err("not a page token from a previous ListTasks answer".to_owned())
        );
        assert!(Cursor::from_token("x.abc", "ListCases").is_err());
        let ranked = RankedCursor {
            rank: 2,
            at: cursor,
        };
        assert_eq!(
            RankedCursor::from_token(&ranked.token(), "SearchCases"),
            Ok(ranked)
        );
        assert!(RankedCursor::from_token("1700000000123456.abc", "SearchCases").is_err());
    }
}
