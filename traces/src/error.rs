use std::fmt;
use std::path::PathBuf;

/// Why a trace could not be loaded. Always names the file; names the txn and patch when the
/// problem is inside one.
#[derive(Debug)]
pub struct TraceError {
    pub file: PathBuf,
    pub txn: Option<usize>,
    pub patch: Option<usize>,
    pub kind: TraceErrorKind,
}

#[derive(Debug)]
pub enum TraceErrorKind {
    Io(std::io::Error),
    /// The bytes are not gzip, or not JSON.
    Decode(String),
    /// JSON of the wrong shape: a missing field, a wrong type.
    Shape(String),
    /// A patch that does nothing (`del == 0` and `ins == ""`).
    EmptyPatch,
    /// A position or delete range past the end of the document at that point.
    OutOfRange { pos_chars: usize, del_chars: usize, doc_len_chars: usize },
    /// A concurrent txn whose parent is not an earlier txn.
    ParentNotBefore { parent: usize },
    /// A concurrent txn whose agent is not below `numAgents`.
    BadAgent { agent: usize, num_agents: usize },
    /// Replaying the patches does not end at `endContent`'s length.
    EndLengthMismatch { replayed_chars: usize, end_content_chars: usize },
    /// `numChildren` disagrees with the number of txns naming this txn as a parent.
    ChildCountMismatch { declared: usize, actual: usize },
    /// Replaying the patches gives a text of the right length that is not `endContent`.
    EndContentMismatch { at_char: usize },
    /// `txns` is an empty array: there is nothing to replay or time.
    NoTxns,
    /// The file (decompressed) is larger than the loader's limit.
    TooLarge { limit_bytes: u64 },
}

impl TraceError {
    pub(crate) fn new(file: impl Into<PathBuf>, kind: TraceErrorKind) -> Self {
        TraceError { file: file.into(), txn: None, patch: None, kind }
    }
    pub(crate) fn at(mut self, txn: usize, patch: Option<usize>) -> Self {
        self.txn = Some(txn);
        self.patch = patch;
        self
    }
}

impl fmt::Display for TraceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(t) = self.txn {
            write!(f, ": txn {t}")?;
        }
        if let Some(p) = self.patch {
            write!(f, ", patch {p}")?;
        }
        write!(f, ": ")?;
        match &self.kind {
            TraceErrorKind::Io(e) => write!(f, "cannot read: {e}"),
            TraceErrorKind::Decode(e) => write!(f, "not a gzipped JSON trace: {e}"),
            TraceErrorKind::Shape(e) => write!(f, "malformed trace: {e}"),
            TraceErrorKind::EmptyPatch => write!(f, "empty patch (deletes nothing, inserts nothing)"),
            TraceErrorKind::OutOfRange { pos_chars, del_chars, doc_len_chars } => write!(
                f,
                "patch at {pos_chars} deleting {del_chars} chars is past the end of the document ({doc_len_chars} chars)"
            ),
            TraceErrorKind::ParentNotBefore { parent } => {
                write!(f, "parent {parent} is not an earlier txn")
            }
            TraceErrorKind::BadAgent { agent, num_agents } => {
                write!(f, "agent {agent} out of range (numAgents is {num_agents})")
            }
            TraceErrorKind::EndLengthMismatch { replayed_chars, end_content_chars } => write!(
                f,
                "replaying the patches gives {replayed_chars} chars but endContent has {end_content_chars}"
            ),
            TraceErrorKind::ChildCountMismatch { declared, actual } => write!(
                f,
                "numChildren is {declared} but {actual} later txns name it as a parent"
            ),
            TraceErrorKind::EndContentMismatch { at_char } => write!(
                f,
                "replaying the patches does not give endContent: the texts first differ at char {at_char}"
            ),
            TraceErrorKind::NoTxns => write!(f, "malformed trace: \"txns\" is empty (nothing to replay)"),
            TraceErrorKind::TooLarge { limit_bytes } => write!(
                f,
                "larger than the loader's limit of {} MiB decompressed (set {} to raise it)",
                limit_bytes >> 20,
                crate::load::ENV_MAX_TRACE_MIB
            ),
        }
    }
}

impl std::error::Error for TraceError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            TraceErrorKind::Io(e) => Some(e),
            _ => None,
        }
    }
}
