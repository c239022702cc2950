//! The one list of error codes: what the server, the sync client, the shells
//! and the UI answer and branch on. Defined once here and generated into the
//! UI's TypeScript (`Code` in `ui/src/lib/bindings.ts`), so a code the UI
//! compares against that nobody sends fails its type check.
//!
//! On every wire (JSON and the postcard sync messages) a code travels as its
//! string, so a newer server's code reaches an older device as
//! [`Code::Unknown`] instead of failing the whole message.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! codes {
    ($( $(#[$doc:meta])* $variant:ident = $text:literal, )*) => {
        /// A stable, machine-readable error code (see the module's docs).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
        pub enum Code {
            $( $(#[$doc])* #[cfg_attr(feature = "ts", ts(rename = $text))] $variant, )*
        }

        impl Code {
            /// Every code, in the order written here.
            pub const ALL: &[Code] = &[$(Code::$variant),*];

            /// The code as it travels.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $text,)* }
            }

            /// A code as it travelled; one this build does not know is
            /// [`Code::Unknown`].
            pub fn parse(text: &str) -> Code {
                match text { $($text => Code::$variant,)* _ => Code::Unknown }
            }
        }
    };
}

codes! {
    // Who asks and what they may do.
    /// Wrong user name or password, an expired session, a revoked device.
    Unauthorised = "unauthorised",
    /// Known, but the role or the account may not do this.
    Forbidden = "forbidden",
    /// The caller is not a member of the workspace.
    NotAMember = "not_a_member",
    /// The caller's role may not write this kind of document.
    RoleForbids = "role_forbids",
    /// The device is not (or no longer) enrolled.
    NoDevice = "no_device",
    /// The device's Automerge actor is another device's.
    ActorTaken = "actor_taken",
    /// A change was written by another device's actor.
    ForeignActor = "foreign_actor",
    /// This device wrote the document read-only (a viewer's copy).
    ReadOnly = "read_only",
    /// An administrator disabled this account.
    AccountDisabled = "account_disabled",
    /// Only a server administrator may do this.
    NotAnAdmin = "not_an_admin",
    /// The passphrase does not open this device's data.
    WrongPassphrase = "wrong_passphrase",
    /// This device's data is locked: unlock it with its passphrase first.
    Locked = "locked",

    // What was sent.
    /// A value the core refused; the error's `field` names it.
    Invalid = "invalid",
    /// The request does not parse as the API's.
    Malformed = "malformed",
    /// The sync message speaks a protocol version this server does not.
    UnsupportedProtocol = "unsupported_protocol",
    /// The body's compression is not one the server reads.
    UnsupportedEncoding = "unsupported_encoding",
    TooLarge = "too_large",
    TooManyChanges = "too_many_changes",
    TooManyOperations = "too_many_operations",
    TooManyItems = "too_many_items",
    StringTooLong = "string_too_long",
    /// The same workspace twice among a request's cursors.
    RepeatedCursor = "repeated_cursor",
    /// The device has read further than the server's log goes (a restored server).
    CursorAhead = "cursor_ahead",
    BadPath = "bad_path",
    BadFilter = "bad_filter",
    BadUser = "bad_user",
    BadActor = "bad_actor",

    // Changes and documents.
    /// A change does not decode.
    BadChange = "bad_change",
    /// A document does not decode.
    BadDocument = "bad_document",
    /// A document's root (`kind`, `workspace`, `schema`) is missing or wrong.
    BadHeader = "bad_header",
    /// The content does not fit the model of its kind.
    BadContent = "bad_content",
    BadKind = "bad_kind",
    /// A document id is not one the server takes.
    BadId = "bad_id",
    /// A change's kind label is not the document's kind.
    KindMismatch = "kind_mismatch",
    /// Changes of one document labelled with different kinds.
    MixedLabels = "mixed_labels",
    WrongKind = "wrong_kind",
    /// The change's document is not the one it claims.
    DocumentMismatch = "document_mismatch",
    /// The change belongs to a document of another workspace.
    ChangeElsewhere = "change_elsewhere",
    /// Another change has the same actor and sequence number.
    DuplicateSeq = "duplicate_seq",
    /// A change follows one that was refused.
    FollowsRefused = "follows_refused",
    ChangeTooLarge = "change_too_large",
    DocumentTooLarge = "document_too_large",
    CompressedChange = "compressed_change",
    /// Nested deeper than the model reads.
    TooDeep = "too_deep",
    /// Written by a newer version of the app.
    NewerSchema = "newer_schema",

    // Things that are (not) there.
    NotFound = "not_found",
    NoUser = "no_user",
    NoWorkspace = "no_workspace",
    NoSuchExport = "no_such_export",
    /// Not a country of the ISO 3166 list.
    NoCountry = "no_country",
    /// A unique name already taken.
    Exists = "exists",

    // The server's state.
    /// Too many syncs at once: try again shortly.
    Busy = "busy",
    /// Too many sign-in attempts for a user name or from an address: wait
    /// (the answer's `Retry-After` says how long).
    TooManyAttempts = "too_many_attempts",
    TooManyStreams = "too_many_streams",
    /// Our fault; the detail is in the server's log.
    Internal = "internal",

    // The device.
    /// The request never reached the server.
    Offline = "offline",
    /// The server answered with a failure that is not one of these (a proxy's page).
    Server = "server",
    /// The device talked to the server but the sync did not complete.
    SyncFailed = "sync",
    /// The desktop is not signed in to a server.
    SignedOut = "signed_out",
    /// The device's own store failed.
    Storage = "storage",
    /// A data file that is not this app's, or from a newer version.
    BadDataFile = "bad_data_file",
    /// The shell cannot do this (a browser cannot work without its server).
    Unsupported = "unsupported",
    /// Nobody said what went wrong (a thrown value that was not an error).
    Unexpected = "unexpected",
    /// A code this build does not know (sent by a newer server).
    Unknown = "unknown",
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Code, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        Ok(Code::parse(&text))
    }
}

#[cfg(test)]
mod tests {
    use super::Code;

    #[test]
    fn every_code_reads_back_as_itself_and_strangers_are_unknown() {
        for &code in Code::ALL {
            assert_eq!(Code::parse(code.as_str()), code);
            let json = serde_json::to_string(&code).expect("serialise");
            assert_eq!(serde_json::from_str::<Code>(&json).expect("read"), code);
        }
        assert_eq!(Code::parse("a_code_from_a_newer_server"), Code::Unknown);
        assert_eq!(serde_json::from_str::<Code>("\"later\"").expect("read"), Code::Unknown);
    }

    #[test]
    fn codes_are_distinct_snake_case() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            let text = code.as_str();
            assert!(seen.insert(text), "{text} twice");
            assert!(text.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{text}");
        }
    }
}
