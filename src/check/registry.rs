//! The check registry: one explicit table of every check, keyed by its [`CheckId`],
//! with what it needs to run ([`Scope`]). What other layers hand-listed before (the
//! checks `dxconform check` can run offline, the coverage table's groups) is derived
//! from this table.

use std::sync::LazyLock;

use super::{
    deviation, error, liveness, model, sdk, shape, wire, CheckCtx, Finding, Severity, Sink,
};
use super::{WaitFn, WaitObservation};
use crate::model::Basis;
use crate::vocab::{CheckId, Exchange};

/// A check of one answer.
pub type CheckFn = fn(&CheckCtx<'_>, &Exchange, &mut Sink<'_>);

/// What a check judges, with its function.
#[derive(Debug, Clone, Copy)]
pub enum Judge {
    /// Every answer: run by [`CheckSet::run`] on each exchange.
    Answer(CheckFn),
    /// A wait that timed out: run by [`CheckSet::judge_wait`] (no single answer shows it).
    Wait(WaitFn),
}

/// What a check needs beyond the answer it judges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// One exchange: the request, its answer, and what the request alone implies (the
    /// specification, the model's prediction of the call's own answer). These are the
    /// checks that also run on captured exchanges (`dxconform check`).
    Exchange,
    /// The case's history: what earlier steps created, deleted or observed and which
    /// account owns what, as the model's prediction carries it (a rejection or a
    /// success the case's world implies, a reachable state, an id taken before).
    Case,
    /// A live target: the check is about the sending itself (`transport.fault`),
    /// re-polls before a finding stands (`model.visible`), or waits (`model.liveness`).
    LiveTarget,
}

/// One registered check.
#[derive(Debug)]
pub struct CheckDef {
    /// Stable id (`family.name`).
    pub id: CheckId,
    /// Severity of its findings.
    pub severity: Severity,
    /// What it rests on; `None`: the prediction's basis.
    pub basis: Option<Basis>,
    /// What it needs beyond the answer it judges.
    pub scope: Scope,
    /// A finding of this check on a Describe may be eventual consistency: the case
    /// sends the call again, with backoff, within the target's consistency budget,
    /// before the finding stands (`run::case`).
    pub repoll_on_miss: bool,
    /// One-line description.
    pub summary: &'static str,
    /// What it judges, and the function.
    pub judge: Judge,
}

const fn check(
    id: CheckId,
    severity: Severity,
    basis: Option<Basis>,
    scope: Scope,
    summary: &'static str,
    judge: Judge,
) -> CheckDef {
    CheckDef {
        id,
        severity,
        basis,
        scope,
        repoll_on_miss: false,
        summary,
        judge,
    }
}

impl CheckDef {
    const fn repolled_on_miss(mut self) -> CheckDef {
        self.repoll_on_miss = true;
        self
    }
}

use CheckId as Id;
use Judge::{Answer, Wait};
use Scope::{Case, Exchange as One, LiveTarget as Live};
use Severity::{Failure, Warning};
const SPEC: Option<Basis> = Some(Basis::Spec);
const DOCUMENTED: Option<Basis> = Some(Basis::Documented);
const MODEL: Option<Basis> = None;

/// Every check, in the order they run: one entry per [`CheckId`], in [`CheckId::ALL`]'s order.
pub static CHECKS: &[CheckDef] = &[
    check(Id::TransportFault, Failure, Some(Basis::Assumed), Live, "The request got an HTTP answer (no refused connection, reset or timeout).", Answer(wire::transport)),
    check(Id::OpImplemented, Failure, SPEC, One, "The operation is answered at all (not an HTML 500, 501 or UnknownOperation).", Answer(wire::implemented)),
    check(Id::WireProtocol, Failure, SPEC, One, "A JSON body with the awsJson content type; not HTML, not empty, not unparseable.", Answer(wire::protocol)),
    check(Id::WireStatus, Failure, SPEC, One, "200 for successes; 400 for client errors, 5xx only for server errors.", Answer(wire::status)),
    check(Id::ShapeType, Failure, SPEC, One, "Every member has the declared JSON type (timestamps as epoch numbers).", Answer(shape::types)),
    check(Id::ShapeRequired, Failure, MODEL, One, "Members the specification requires and the model needs (ids, states, echoed inputs) are present.", Answer(shape::required)),
    check(Id::ShapeEnum, Failure, SPEC, One, "Every enum-typed value is one of the enum's values (exact case).", Answer(shape::enums)),
    check(Id::ShapeRange, Failure, SPEC, One, "Declared min/max hold.", Answer(shape::range)),
    check(Id::ShapePattern, Failure, DOCUMENTED, One, "Declared patterns hold, and ids have their documented shapes.", Answer(shape::pattern)),
    check(Id::ShapeUnknownMember, Warning, SPEC, One, "Members the specification does not declare.", Answer(shape::unknown_member)),
    check(Id::ShapeDocumentedDeviation, Warning, DOCUMENTED, One, "A value outside the published specification that real AWS is documented to answer (docs/aws-quirks.md).", Answer(deviation::documented_deviation)),
    check(Id::SdkParse, Failure, SPEC, One, "aws-sdk-directconnect deserializes the same bytes, with no Unknown enum variants.", Answer(sdk::parse)),
    check(Id::ErrorType, Failure, SPEC, One, "An error's __type is one the operation declares.", Answer(error::declared_type)),
    check(Id::ErrorExpected, Failure, MODEL, Case, "Where the model predicts rejection, the target rejects, with the predicted type.", Answer(error::rejection)),
    check(Id::ErrorAcceptedInvalid, Failure, MODEL, Case, "A request breaking an input rule is not accepted: an accepted invalid create leaks a resource.", Answer(error::rejection)),
    check(Id::ErrorUnexpected, Failure, MODEL, Case, "Where the model predicts success, the target does not reject.", Answer(error::unexpected)),
    check(Id::ModelState, Failure, MODEL, One, "The state a write answers with is in the predicted set.", Answer(model::state)),
    check(Id::ModelTransition, Failure, MODEL, Case, "Successive observations follow allowed edges (no regression outside documented flaps).", Answer(model::transition)),
    check(Id::ModelGone, Failure, MODEL, Case, "A deleted resource is reported deleted or absent; it never comes back.", Answer(model::gone)),
    check(Id::ModelEcho, Failure, MODEL, One, "Inputs come back as given (names, bandwidth, location, owner, region, tags).", Answer(model::echo)),
    check(Id::ModelVisible, Failure, MODEL, Live, "What was created is visible to its account; another account's is not; a call naming one resource lists only it.", Answer(model::visible)).repolled_on_miss(),
    check(Id::ModelOwnership, Failure, MODEL, Case, "Only the documented account may confirm, delete, change or see a resource.", Answer(error::rejection)),
    check(Id::ModelLiveness, Failure, DOCUMENTED, Live, "A resource in a state AWS leaves on its own (a VIF pending, anything deleting) leaves it within the wait timeout (found by the case's waits, not by one answer).", Wait(liveness::liveness)),
    check(Id::ModelUnique, Failure, MODEL, Case, "Two creates yield two distinct resources with distinct ids.", Answer(model::unique)),
];

/// The registry entry of `id`.
pub fn def(id: CheckId) -> &'static CheckDef {
    // CHECKS lists every id once, in `CheckId::ALL`'s order (tested below).
    &CHECKS[id as usize]
}

/// Check groups of the coverage table, in display order: the families of the
/// registry's checks that judge an operation's answer on their own or with the case's
/// history (scope [`Scope::Exchange`] or [`Scope::Case`]). This leaves out the
/// runner-level `transport` family: a transport fault is not an answer of the operation.
pub static CHECK_GROUPS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let mut groups: Vec<&'static str> = Vec::new();
    for c in CHECKS.iter().filter(|c| c.scope != Scope::LiveTarget) {
        if !groups.contains(&c.id.family()) {
            groups.push(c.id.family());
        }
    }
    groups
});

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

fn matches(selector: &str, id: CheckId) -> bool {
    selector == id.as_str() || selector == "all" || selector == id.family()
}

impl CheckSet {
    /// Select by ids or families (`model` selects every `model.*`); empty `include` means all.
    pub fn select(include: &[String], exclude: &[String]) -> Result<CheckSet, UnknownCheck> {
        for selector in include.iter().chain(exclude) {
            if !CHECKS.iter().any(|c| matches(selector, c.id)) {
                return Err(UnknownCheck {
                    selector: selector.clone(),
                    known: CHECKS
                        .iter()
                        .map(|c| c.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
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

    /// The enabled checks that are also in `ids`, in registry order.
    pub fn only(&self, ids: &[CheckId]) -> CheckSet {
        CheckSet {
            enabled: self
                .enabled
                .iter()
                .copied()
                .filter(|c| ids.contains(&c.id))
                .collect(),
        }
    }

    /// Whether a check is enabled.
    pub fn enabled(&self, id: CheckId) -> bool {
        self.enabled.iter().any(|c| c.id == id)
    }

    /// The enabled ids.
    pub fn ids(&self) -> Vec<CheckId> {
        self.enabled.iter().map(|c| c.id).collect()
    }

    /// Run every enabled check of answers on one exchange.
    pub fn run(&self, ctx: &CheckCtx<'_>, exchange: &Exchange) -> Vec<Finding> {
        let mut out = Vec::new();
        for def in &self.enabled {
            if let Judge::Answer(check) = def.judge {
                let mut sink = Sink::new(def, ctx, exchange, &mut out);
                check(ctx, exchange, &mut sink);
            }
        }
        out
    }

    /// Run every enabled check of waits on a wait that timed out.
    pub fn judge_wait(&self, wait: &WaitObservation<'_>) -> Vec<Finding> {
        let mut out = Vec::new();
        for def in &self.enabled {
            if let Judge::Wait(check) = def.judge {
                let mut sink = Sink::for_wait(def, wait, &mut out);
                check(wait, &mut sink);
            }
        }
        out
    }
}

/// Look up a check by its published id.
pub fn lookup(id: &str) -> Option<&'static CheckDef> {
    CheckId::lookup(id).map(def)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_id_has_exactly_one_entry_in_id_order_and_is_documented() {
        let doc = include_str!("../../docs/checks.md");
        assert_eq!(CHECKS.len(), CheckId::ALL.len());
        for (c, &id) in CHECKS.iter().zip(CheckId::ALL) {
            assert_eq!(c.id, id, "CHECKS is not in CheckId::ALL's order");
            assert_eq!(CHECKS.iter().filter(|d| d.id == id).count(), 1);
            assert!(std::ptr::eq(def(id), c));
            assert!(std::ptr::eq(lookup(id.as_str()).unwrap(), c));
            assert!(
                doc.contains(&format!("`{id}`")),
                "{id} is not in docs/checks.md"
            );
        }
    }

    #[test]
    fn checks_of_waits_need_a_live_target_and_name_their_basis() {
        for c in CHECKS {
            if let Judge::Wait(_) = c.judge {
                assert_eq!(c.scope, Scope::LiveTarget, "{}", c.id);
                assert!(c.basis.is_some(), "{}: a wait has no prediction", c.id);
            }
        }
    }

    #[test]
    fn only_model_visible_is_polled_again() {
        let repolled: Vec<CheckId> = CHECKS
            .iter()
            .filter(|c| c.repoll_on_miss)
            .map(|c| c.id)
            .collect();
        assert_eq!(repolled, [CheckId::ModelVisible]);
    }

    #[test]
    fn check_groups_are_the_families_of_answers_in_registry_order() {
        assert_eq!(
            *CHECK_GROUPS,
            ["op", "wire", "shape", "sdk", "error", "model"],
            "the coverage table's columns (and report.json's coverage keys) changed"
        );
    }

    #[test]
    fn docs_state_each_scope() {
        let doc = include_str!("../../docs/checks.md");
        for c in CHECKS {
            let scope = match c.scope {
                Scope::Exchange => "exchange",
                Scope::Case => "case",
                Scope::LiveTarget => "live target",
            };
            let row = format!("| `{}` | {scope} |", c.id);
            assert!(doc.contains(&row), "docs/checks.md lacks {row:?}");
        }
    }

    #[test]
    fn selection_by_id_family_and_exclusion() {
        let model = CheckSet::select(&["model".into()], &["model.unique".into()]).unwrap();
        assert!(model.enabled(CheckId::ModelState));
        assert!(!model.enabled(CheckId::ModelUnique));
        assert!(!model.enabled(CheckId::ShapeType));
        assert!(CheckSet::select(&["nope".into()], &[]).is_err());
        assert!(
            CheckSet::select(&["mod".into()], &[]).is_err(),
            "prefixes match whole families only"
        );
        assert_eq!(CheckSet::default().ids().len(), CHECKS.len());
        let shape = CheckSet::select(&["shape".into()], &[]).unwrap();
        assert_eq!(
            shape
                .only(&[CheckId::ModelState, CheckId::ShapeEnum, CheckId::ShapeType])
                .ids(),
            [CheckId::ShapeType, CheckId::ShapeEnum]
        );
    }
}
