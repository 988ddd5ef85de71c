//! The error contract: declared types, rejections where predicted, none where not.

use super::{CheckCtx, Sink};
use crate::model::Expect;
use crate::vocab::{CheckId, Exchange, Outcome};

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

/// The judge of `error.expected`, `error.accepted-invalid` and `model.ownership` (the
/// sink says which it reports for): a predicted rejection happened, with the predicted
/// type.
pub fn rejection(ctx: &CheckCtx<'_>, exchange: &Exchange, sink: &mut Sink<'_>) {
    let which = sink.check();
    let (types, why, check) = match &ctx.prediction.expect {
        Expect::Reject {
            error_types,
            rule,
            check,
        } => (error_types, rule.as_str(), *check),
        Expect::Either {
            error_types,
            reason,
        } => (error_types, reason.as_str(), CheckId::ErrorExpected),
        Expect::Succeed => return,
    };
    // An invalid create that was accepted is `error.accepted-invalid`'s; rejected
    // with the wrong type, it is `error.expected`'s.
    let (report_accept, report_type) = match (check, which) {
        (CheckId::ErrorAcceptedInvalid, CheckId::ErrorExpected) => (false, true),
        (CheckId::ErrorAcceptedInvalid, CheckId::ErrorAcceptedInvalid) => (true, false),
        (c, w) => (c == w, c == w),
    };
    let must_reject = matches!(ctx.prediction.expect, Expect::Reject { .. });
    let actual = describe(&exchange.outcome, exchange.status);
    match &exchange.outcome {
        Outcome::Success(_) if must_reject && report_accept => {
            // An accepted invalid input is reported at the request member it breaks.
            sink.report(
                ctx.prediction.broken_member.as_deref().unwrap_or("$"),
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

/// Where the model predicts success, the target does not reject.
pub fn unexpected(ctx: &CheckCtx<'_>, exchange: &Exchange, sink: &mut Sink<'_>) {
    if ctx.prediction.expect == Expect::Succeed {
        if let Outcome::ServiceError { .. } = &exchange.outcome {
            sink.report("$", "success", describe(&exchange.outcome, exchange.status));
        }
    }
}

#[cfg(test)]
mod tests {
    use rstest::rstest;
    use serde_json::json;

    use crate::check::testing;
    use crate::model::{Basis, Prediction};
    use crate::vocab::{CheckId, Exchange};

    fn exchange(operation: &str, status: u16, body: serde_json::Value) -> Exchange {
        let bytes = serde_json::to_vec(&body).unwrap();
        testing::exchange(
            operation,
            json!({}),
            status,
            "application/x-amz-json-1.1",
            bytes,
        )
    }

    fn checks(prediction: &Prediction, exchange: &Exchange) -> Vec<String> {
        testing::default_findings(prediction, exchange)
            .into_iter()
            .map(|f| format!("{} {}", f.check, f.path))
            .collect()
    }

    fn invalid_create() -> Prediction {
        let mut p = Prediction::reject(
            vec!["DirectConnectClientException"],
            "rule vlan.max: a VLAN is within 1-4094",
            CheckId::ErrorAcceptedInvalid,
            Basis::Documented,
        );
        p.broken_member = Some("$.vlan".into());
        p
    }

    #[test]
    fn an_accepted_invalid_create_is_reported_once_at_the_broken_member() {
        let accepted = exchange(
            "CreateConnection",
            200,
            json!({"connectionId": "dxcon-abc12345"}),
        );
        assert_eq!(
            checks(&invalid_create(), &accepted),
            vec!["error.accepted-invalid $.vlan"]
        );
    }

    #[test]
    fn a_wrong_rejection_type_of_an_invalid_create_is_error_expected() {
        let refused = exchange(
            "CreateConnection",
            400,
            json!({"__type": "TooManyTagsException", "message": "m"}),
        );
        assert_eq!(
            checks(&invalid_create(), &refused),
            vec!["error.expected $.__type"]
        );
    }

    #[rstest]
    #[case(400, "SerializationException")]
    #[case(403, "MissingAuthenticationTokenException")]
    #[case(400, "UnknownOperationException")]
    fn predicted_protocol_errors_are_not_reported(
        #[case] status: u16,
        #[case] error: &'static str,
    ) {
        let mut p = Prediction::reject(
            vec![error],
            "awsJson",
            CheckId::ErrorExpected,
            Basis::Documented,
        );
        p.protocol_errors = vec![error];
        let answer = exchange(
            "DescribeConnections",
            status,
            json!({"__type": error, "message": "m"}),
        );
        assert_eq!(checks(&p, &answer), Vec::<String>::new());
        // Unpredicted, the same answer is an undeclared type (or a missing operation).
        let plain = Prediction::succeed(Basis::Documented);
        assert!(!checks(&plain, &answer).is_empty());
    }
}
