//! What the checks' tests share: an owner's exchange as the wire carried it, and the
//! findings every default check reports on it.

use std::time::Duration;

use serde_json::Value;

use super::{CheckCtx, CheckSet, Finding};
use crate::model::Prediction;
use crate::spec::Spec;
use crate::vocab::{classify, Exchange, Principal};

/// The owner's call of `operation` with `request`, answered `status` with `body` of
/// `content_type`, classified as the client classifies it.
pub(super) fn exchange(
    operation: &str,
    request: Value,
    status: u16,
    content_type: &str,
    body: Vec<u8>,
) -> Exchange {
    Exchange {
        operation: operation.into(),
        principal: Principal::Owner,
        request,
        status,
        headers: vec![("content-type".into(), content_type.into())],
        outcome: classify(status, &body),
        body: body.into(),
        latency: Duration::ZERO,
    }
}

/// What every default check finds in `exchange` given `prediction`.
pub(super) fn default_findings(prediction: &Prediction, exchange: &Exchange) -> Vec<Finding> {
    let ctx = CheckCtx::new(Spec::builtin(), prediction, None, 0);
    CheckSet::default().run(&ctx, exchange)
}
