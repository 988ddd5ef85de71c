//! Exit codes, in one place. The README's table repeats them (a test checks it).

/// How a `dxconform` process ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    /// 0: the target conformed (no failure finding), or the command succeeded.
    Conformant = 0,
    /// 1: failure findings (or, for `replay`, the failure still reproduces).
    Findings = 1,
    /// 2: usage or infrastructure error: bad flags or files, unreachable target, nothing ran.
    Error = 2,
    /// 3: interrupted (Ctrl-C, SIGTERM, SIGHUP): the run stopped early, cleaned up and
    /// wrote a report marked incomplete.
    Interrupted = 3,
    /// 4: `explain` was given an id that is neither a check id nor a root-cause key.
    UnknownId = 4,
}

impl ExitCode {
    /// Every code with its meaning, for documentation.
    pub const ALL: [(ExitCode, &'static str); 5] = [
        (ExitCode::Conformant, "conformant: no failure finding"),
        (
            ExitCode::Findings,
            "failure findings (for `replay`: the failure still reproduces)",
        ),
        (
            ExitCode::Error,
            "usage or infrastructure error: bad flags or files, unreachable target, nothing ran",
        ),
        (
            ExitCode::Interrupted,
            "interrupted (Ctrl-C, SIGTERM, SIGHUP): the run cleaned up and wrote a report marked incomplete",
        ),
        (
            ExitCode::UnknownId,
            "`explain`: the id is neither a check id nor a root-cause key",
        ),
    ];

    /// The numeric code.
    pub fn code(self) -> u8 {
        self as u8
    }
}

impl From<ExitCode> for std::process::ExitCode {
    fn from(code: ExitCode) -> Self {
        std::process::ExitCode::from(code.code())
    }
}
