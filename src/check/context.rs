//! What a check reads, and where it writes.

use std::sync::OnceLock;

use serde_json::Value;

use super::{CheckDef, Finding, SdkVerdict, WaitObservation};
use crate::model::Prediction;
use crate::spec::{Spec, Violation};
use crate::vocab::{CheckId, Exchange, Outcome};

/// Everything a check may read besides the exchange.
#[derive(Debug)]
pub struct CheckCtx<'a> {
    /// The specification.
    pub spec: &'a Spec,
    /// The model's prediction for this call.
    pub prediction: &'a Prediction,
    /// The SDK's verdict on the same bytes (when `sdk.parse` is enabled).
    pub sdk: Option<&'a SdkVerdict>,
    /// Step index within the case.
    pub step: usize,
    violations: OnceLock<Vec<Violation>>,
}

impl<'a> CheckCtx<'a> {
    /// A context for one exchange.
    pub fn new(
        spec: &'a Spec,
        prediction: &'a Prediction,
        sdk: Option<&'a SdkVerdict>,
        step: usize,
    ) -> Self {
        CheckCtx {
            spec,
            prediction,
            sdk,
            step,
            violations: OnceLock::new(),
        }
    }

    /// Violations of the success answer against the operation's output shape,
    /// computed once per exchange and shared by the `shape.*` checks.
    pub fn violations(&self, exchange: &Exchange) -> &[Violation] {
        self.violations.get_or_init(|| {
            let Outcome::Success(body) = &exchange.outcome else {
                return Vec::new();
            };
            match self
                .spec
                .operation(&exchange.operation)
                .and_then(|op| op.output.as_deref())
            {
                Some(shape) => self.spec.validate(shape, body),
                None => Vec::new(),
            }
        })
    }

    /// The success body, if the answer is a success.
    pub fn body<'e>(&self, exchange: &'e Exchange) -> Option<&'e Value> {
        exchange.outcome.body()
    }
}

/// Collects the findings of one check on one exchange.
#[derive(Debug)]
pub struct Sink<'a> {
    def: &'a CheckDef,
    operation: &'a str,
    step: usize,
    status: u16,
    basis: crate::model::Basis,
    out: &'a mut Vec<Finding>,
}

impl<'a> Sink<'a> {
    /// A sink for `def` on `exchange`.
    pub fn new(
        def: &'a CheckDef,
        ctx: &CheckCtx<'_>,
        exchange: &'a Exchange,
        out: &'a mut Vec<Finding>,
    ) -> Self {
        Sink {
            def,
            operation: &exchange.operation,
            step: ctx.step,
            status: exchange.status,
            basis: def.basis.unwrap_or(ctx.prediction.basis),
            out,
        }
    }

    /// A sink for `def` on a wait that timed out. A wait has no prediction: its
    /// checks name their basis (the registry's tests hold them to it).
    pub fn for_wait(
        def: &'a CheckDef,
        wait: &WaitObservation<'_>,
        out: &'a mut Vec<Finding>,
    ) -> Self {
        Sink {
            def,
            operation: wait.operation,
            step: wait.step,
            status: wait.status,
            basis: def.basis.unwrap_or(crate::model::Basis::Assumed),
            out,
        }
    }

    /// The check this sink reports for.
    pub fn check(&self) -> CheckId {
        self.def.id
    }

    /// Report a finding at `path`.
    pub fn report(
        &mut self,
        path: impl Into<String>,
        expected: impl Into<String>,
        actual: impl Into<String>,
    ) {
        self.out.push(Finding {
            check: self.def.id.to_string(),
            severity: self.def.severity,
            basis: self.basis,
            operation: self.operation.to_owned(),
            step: self.step,
            status: self.status,
            path: path.into(),
            expected: expected.into(),
            actual: actual.into(),
        });
    }
}
