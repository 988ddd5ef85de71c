//! The error contract: declared types, rejections where predicted, none where not.

use super::{CheckCtx, Sink};
use crate::model::Expect;
use crate::target::{Exchange, Outcome};

/// An error's `__type` is one the operation declares.
pub fn declared_type(ctx: &CheckCtx<'_>, exchange: &Exchange, sink: &mut Sink<'_>) {
    if let Outcome::ServiceError { error_type, .. } = &exchange.outcome {
        // Protocol-level errors of the awsJson front end the call may cause (a member
        // of the wrong type, a malformed request) are not the operation's to declare.
        if ctx
            .prediction
            .protocol_errors
            .contains(&error_type.as_str())
        {
            return;
        }
        if !ctx.spec.declares_error(&exchange.operation, error_type) {
            let declared = ctx
                .spec
                .operation(&exchange.operation)
                .map(|op| op.errors.join("|"))
                .unwrap_or_default();
            sink.report("$.__type", format!("one of {declared}"), error_type.clone());
        }
    }
}

fn describe(outcome: &Outcome, status: u16) -> String {
    match outcome {
        Outcome::Success(_) => format!("accepted (HTTP {status})"),
        Outcome::ServiceError {
            error_type,
            message,
        } => {
            format!("{error_type}: {}", message.as_deref().unwrap_or(""))
        }
        other => other.label().to_owned(),
    }
}

/// Shared by `error.expected` and `model.ownership`: a predicted rejection happened, with the predicted type.
fn rejection(ctx: &CheckCtx<'_>, exchange: &Exchange, sink: &mut Sink<'_>, which: &str) {
    let (types, why, check) = match &ctx.prediction.expect {
        Expect::Reject {
            error_types,
            rule,
            check,
        } => (error_types, rule.as_str(), *check),
        Expect::Either {
            error_types,
            reason,
        } => (error_types, reason.as_str(), "error.expected"),
        Expect::Succeed => return,
    };
    // An invalid create that was accepted is `error.accepted-invalid`'s; rejected
    // with the wrong type, it is `error.expected`'s.
    let (report_accept, report_type) = match (check, which) {
        (ACCEPTED_INVALID, "error.expected") => (false, true),
        (ACCEPTED_INVALID, ACCEPTED_INVALID) => (true, false),
        (c, w) => (c == w, c == w),
    };
    let must_reject = matches!(ctx.prediction.expect, Expect::Reject { .. });
    let actual = describe(&exchange.outcome, exchange.status);
    match &exchange.outcome {
        Outcome::Success(_) if must_reject && report_accept => {
            sink.report(
                "$",
                format!("rejected with {} ({why})", types.join("|")),
                actual,
            );
        }
        Outcome::ServiceError { error_type, .. }
            if report_type && !types.iter().any(|t| t == error_type) =>
        {
            sink.report("$.__type", format!("{} ({why})", types.join("|")), actual);
        }
        _ => {}
    }
}

/// Where the model predicts rejection, the target rejects with the predicted type.
pub fn expected(ctx: &CheckCtx<'_>, exchange: &Exchange, sink: &mut Sink<'_>) {
    rejection(ctx, exchange, sink, "error.expected");
}

/// The check id of an invalid request that was accepted and created a resource.
const ACCEPTED_INVALID: &str = "error.accepted-invalid";

/// A request breaking an input rule is not accepted: an accepted invalid create leaks a resource.
pub fn accepted_invalid(ctx: &CheckCtx<'_>, exchange: &Exchange, sink: &mut Sink<'_>) {
    rejection(ctx, exchange, sink, ACCEPTED_INVALID);
}

/// Only the documented account may confirm, delete, change or see a resource.
pub fn ownership(ctx: &CheckCtx<'_>, exchange: &Exchange, sink: &mut Sink<'_>) {
    rejection(ctx, exchange, sink, "model.ownership");
}

/// Where the model predicts success, the target does not reject.
pub fn unexpected(ctx: &CheckCtx<'_>, exchange: &Exchange, sink: &mut Sink<'_>) {
    if ctx.prediction.expect == Expect::Succeed {
        if let Outcome::ServiceError { .. } = &exchange.outcome {
            sink.report("$", "success", describe(&exchange.outcome, exchange.status));
        }
    }
}
