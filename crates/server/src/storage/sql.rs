//! Plain SQL, for the rare and small work of administration (users,
//! workspaces, members, devices, the audit log): written once in
//! `crate::accounts` over this, and run by each backend in one transaction
//! ([`super::Storage::administer`]). The sync path keeps its own prepared,
//! typed statements; this is not for it.
//!
//! Statements use `?1`, `?2`… (PostgreSQL's backend turns them into `$1`…)
//! and what both dialects share; booleans read from SQLite come back as
//! integers, which [`Value::flag`] reads as PostgreSQL's booleans.

use super::Error;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Null,
    Int(i64),
    Text(String),
    Bool(bool),
}

impl Value {
    pub fn int(&self) -> Option<i64> {
        match self {
            Value::Int(n) => Some(*n),
            Value::Bool(b) => Some(i64::from(*b)),
            _ => None,
        }
    }

    pub fn text(&self) -> &str {
        match self {
            Value::Text(s) => s,
            _ => "",
        }
    }

    pub fn flag(&self) -> bool {
        match self {
            Value::Bool(b) => *b,
            Value::Int(n) => *n != 0,
            _ => false,
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::Text(s.to_owned())
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Value {
        Value::Int(n)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

pub type Row = Vec<Value>;

/// One transaction, as administration sees it.
pub trait Sql {
    /// Run a statement; how many rows it changed.
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, Error>;
    /// Run a query; its rows.
    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, Error>;
}
