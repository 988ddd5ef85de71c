//! The check registry: one explicit table of every check with its stable id.

use super::{error, model, sdk, shape, wire, CheckCtx, Finding, Severity, Sink};
use crate::model::Basis;
use crate::vocab::Exchange;

/// A check function.
pub type CheckFn = fn(&CheckCtx<'_>, &Exchange, &mut Sink<'_>);

/// One registered check.
#[derive(Debug)]
pub struct CheckDef {
    /// Stable id (`family.name`).
    pub id: &'static str,
    /// Severity of its findings.
    pub severity: Severity,
    /// What it rests on; `None`: the prediction's basis.
    pub basis: Option<Basis>,
    /// One-line description.
    pub summary: &'static str,
    /// The function.
    pub run: CheckFn,
}

const fn def(
    id: &'static str,
    severity: Severity,
    basis: Option<Basis>,
    summary: &'static str,
    run: CheckFn,
) -> CheckDef {
    CheckDef {
        id,
        severity,
        basis,
        summary,
        run,
    }
}

use Severity::{Failure, Warning};
const SPEC: Option<Basis> = Some(Basis::Spec);
const DOCUMENTED: Option<Basis> = Some(Basis::Documented);
const MODEL: Option<Basis> = None;

/// Every check, in the order they run.
pub static CHECKS: &[CheckDef] = &[
    def("transport.fault", Failure, Some(Basis::Assumed), "The request got an HTTP answer (no refused connection, reset or timeout).", wire::transport),
    def("op.implemented", Failure, SPEC, "The operation is answered at all (not an HTML 500, 501 or UnknownOperation).", wire::implemented),
    def("wire.protocol", Failure, SPEC, "A JSON body with the awsJson content type; not HTML, not empty, not unparseable.", wire::protocol),
    def("wire.status", Failure, SPEC, "200 for successes; 400 for client errors, 5xx only for server errors.", wire::status),
    def("shape.type", Failure, SPEC, "Every member has the declared JSON type (timestamps as epoch numbers).", shape::types),
    def("shape.required", Failure, MODEL, "Members the specification requires and the model needs (ids, states, echoed inputs) are present.", shape::required),
    def("shape.enum", Failure, SPEC, "Every enum-typed value is one of the enum's values (exact case).", shape::enums),
    def("shape.range", Failure, SPEC, "Declared min/max hold.", shape::range),
    def("shape.pattern", Failure, DOCUMENTED, "Declared patterns hold, and ids have their documented shapes.", shape::pattern),
    def("shape.unknown-member", Warning, SPEC, "Members the specification does not declare.", shape::unknown_member),
    def("sdk.parse", Failure, SPEC, "aws-sdk-directconnect deserializes the same bytes, with no Unknown enum variants.", sdk::parse),
    def("error.type", Failure, SPEC, "An error's __type is one the operation declares.", error::declared_type),
    def("error.expected", Failure, MODEL, "Where the model predicts rejection, the target rejects, with the predicted type.", error::expected),
    def("error.accepted-invalid", Failure, MODEL, "A request breaking an input rule is not accepted: an accepted invalid create leaks a resource.", error::accepted_invalid),
    def("error.unexpected", Failure, MODEL, "Where the model predicts success, the target does not reject.", error::unexpected),
    def("model.state", Failure, MODEL, "The state a write answers with is in the predicted set.", model::state),
    def("model.transition", Failure, MODEL, "Successive observations follow allowed edges (no regression outside documented flaps).", model::transition),
    def("model.gone", Failure, MODEL, "A deleted resource is reported deleted or absent; it never comes back.", model::gone),
    def("model.echo", Failure, MODEL, "Inputs come back as given (names, bandwidth, location, owner, region, tags).", model::echo),
    def("model.visible", Failure, MODEL, "What was created is visible to its account; another account's is not; a call naming one resource lists only it.", model::visible),
    def("model.ownership", Failure, MODEL, "Only the documented account may confirm, delete, change or see a resource.", error::ownership),
    def("model.liveness", Failure, DOCUMENTED, "A resource in a state AWS leaves on its own (a VIF pending, anything deleting) leaves it within the wait timeout (found by the case's waits, not by one answer).", model::liveness),
    def("model.unique", Failure, MODEL, "Two creates yield two distinct resources with distinct ids.", model::unique),
];

/// A selector named no known check.
#[derive(Debug, thiserror::Error)]
#[error("unknown check {selector:?}; known checks: {known}")]
pub struct UnknownCheck {
    /// The selector as given.
    pub selector: String,
    /// The known ids.
    pub known: String,
}

/// The enabled checks of a run.
#[derive(Debug, Clone)]
pub struct CheckSet {
    enabled: Vec<&'static CheckDef>,
}

impl Default for CheckSet {
    fn default() -> Self {
        CheckSet {
            enabled: CHECKS.iter().collect(),
        }
    }
}

fn matches(selector: &str, id: &str) -> bool {
    selector == id
        || selector == "all"
        || id
            .strip_prefix(selector)
            .is_some_and(|rest| rest.starts_with('.'))
}

impl CheckSet {
    /// Select by ids or families (`model` selects every `model.*`); empty `include` means all.
    pub fn select(include: &[String], exclude: &[String]) -> Result<CheckSet, UnknownCheck> {
        for selector in include.iter().chain(exclude) {
            if !CHECKS.iter().any(|c| matches(selector, c.id)) {
                return Err(UnknownCheck {
                    selector: selector.clone(),
                    known: CHECKS.iter().map(|c| c.id).collect::<Vec<_>>().join(", "),
                });
            }
        }
        let enabled = CHECKS
            .iter()
            .filter(|c| include.is_empty() || include.iter().any(|s| matches(s, c.id)))
            .filter(|c| !exclude.iter().any(|s| matches(s, c.id)))
            .collect();
        Ok(CheckSet { enabled })
    }

    /// Whether a check id is enabled.
    pub fn enabled(&self, id: &str) -> bool {
        self.enabled.iter().any(|c| c.id == id)
    }

    /// The enabled ids.
    pub fn ids(&self) -> Vec<&'static str> {
        self.enabled.iter().map(|c| c.id).collect()
    }

    /// Run every enabled check on one exchange.
    pub fn run(&self, ctx: &CheckCtx<'_>, exchange: &Exchange) -> Vec<Finding> {
        let mut out = Vec::new();
        for def in &self.enabled {
            let mut sink = Sink::new(def, ctx, exchange, &mut out);
            (def.run)(ctx, exchange, &mut sink);
        }
        out
    }
}

/// Look up a check by id.
pub fn lookup(id: &str) -> Option<&'static CheckDef> {
    CHECKS.iter().find(|c| c.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_dotted_lowercase_and_documented() {
        let doc = include_str!("../../docs/checks.md");
        let mut seen = std::collections::BTreeSet::new();
        for c in CHECKS {
            assert!(seen.insert(c.id), "duplicate id {}", c.id);
            assert!(c.id.contains('.'), "{} is not dotted", c.id);
            assert_eq!(c.id, c.id.to_lowercase());
            assert!(
                doc.contains(&format!("`{}`", c.id)),
                "{} is not in docs/checks.md",
                c.id
            );
            assert!(lookup(c.id).is_some());
        }
    }

    #[test]
    fn selection_by_id_family_and_exclusion() {
        let model = CheckSet::select(&["model".into()], &["model.unique".into()]).unwrap();
        assert!(model.enabled("model.state"));
        assert!(!model.enabled("model.unique"));
        assert!(!model.enabled("shape.type"));
        assert!(CheckSet::select(&["nope".into()], &[]).is_err());
        assert!(
            CheckSet::select(&["mod".into()], &[]).is_err(),
            "prefixes match whole families only"
        );
        assert_eq!(CheckSet::default().ids().len(), CHECKS.len());
    }
}
