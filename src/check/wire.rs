//! Wire checks: the awsJson protocol itself.

use super::{CheckCtx, Sink};
use crate::model::Expect;
use crate::vocab::{Exchange, Outcome};

/// A JSON body with the awsJson content type; not HTML, not empty, not unparseable.
pub fn protocol(ctx: &CheckCtx<'_>, exchange: &Exchange, sink: &mut Sink<'_>) {
    let expected = ctx.spec.content_type();
    match &exchange.outcome {
        Outcome::ProtocolFault { reason } => {
            sink.report("$", format!("an awsJson body ({expected})"), reason.clone())
        }
        Outcome::Success(_) | Outcome::ServiceError { .. } => {
            let actual = exchange.header("content-type").unwrap_or("(none)");
            if !actual.to_ascii_lowercase().starts_with(&expected) {
                sink.report(
                    "$",
                    format!("content-type {expected}"),
                    format!("content-type {actual}"),
                );
            }
        }
        _ => {}
    }
}

/// 200 for successes; 400 for client errors, 5xx only for server errors.
pub fn status(ctx: &CheckCtx<'_>, exchange: &Exchange, sink: &mut Sink<'_>) {
    match &exchange.outcome {
        Outcome::Success(_) if exchange.status != 200 => {
            sink.report("$", "HTTP 200", format!("HTTP {}", exchange.status));
        }
        Outcome::ServiceError { error_type, .. } => {
            let server_side = error_type.ends_with("ServerException")
                || error_type == "InternalFailure"
                || error_type == "ServiceUnavailable";
            // AWS answers its signature errors with 403 (AWS common errors); a
            // prediction that allows them as protocol errors accepts 400 or 403.
            let protocol = ctx
                .prediction
                .protocol_errors
                .contains(&error_type.as_str());
            let ok = if server_side {
                exchange.status >= 500
            } else {
                exchange.status == 400 || (protocol && exchange.status == 403)
            };
            if !ok {
                let want = if server_side { "HTTP 5xx" } else { "HTTP 400" };
                sink.report(
                    "$",
                    format!("{want} for {error_type}"),
                    format!("HTTP {}", exchange.status),
                );
            }
        }
        // A server error whose body is not awsJson (a plain-text or HTML 500) where the
        // model predicts a client error (an unknown id, a broken rule): wire.protocol
        // reports the body, and the status is a second fault it must not hide.
        Outcome::ProtocolFault { .. } if exchange.status >= 500 => {
            let client_errors = match &ctx.prediction.expect {
                Expect::Reject { error_types, .. } => Some(error_types),
                Expect::Either { .. } | Expect::Succeed => None,
            };
            if let Some(types) = client_errors.filter(|types| {
                !types.is_empty() && types.iter().all(|t| !t.ends_with("ServerException"))
            }) {
                sink.report(
                    "$",
                    format!("HTTP 400 for {}", types.join("|")),
                    format!("HTTP {} with a body that is not awsJson", exchange.status),
                );
            }
        }
        _ => {}
    }
}

/// The operation is answered at all (not an HTML 500, 501 or UnknownOperation).
pub fn implemented(ctx: &CheckCtx<'_>, exchange: &Exchange, sink: &mut Sink<'_>) {
    if let Outcome::NotImplemented { reason } = &exchange.outcome {
        // An UnknownOperationException the call was meant to cause (a malformed
        // X-Amz-Target) is the protocol's answer, not a missing operation.
        let predicted = ctx
            .prediction
            .protocol_errors
            .iter()
            .any(|t| reason.contains(&format!(" {t}:")));
        if predicted {
            return;
        }
        sink.report(
            "$",
            format!("{} implemented", exchange.operation),
            reason.clone(),
        );
    }
}

/// The request got an HTTP answer (no refused connection, reset or timeout).
pub fn transport(_ctx: &CheckCtx<'_>, exchange: &Exchange, sink: &mut Sink<'_>) {
    if let Outcome::TransportFault { kind, message } = &exchange.outcome {
        sink.report("$", "an HTTP answer", format!("{kind:?}: {message}"));
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::check::testing;
    use crate::model::{Basis, Prediction};
    use crate::vocab::{CheckId, Exchange};

    fn plain_text(status: u16) -> Exchange {
        testing::exchange(
            "DescribeConnections",
            json!({"connectionId": "dxcon-zz99zz99"}),
            status,
            "text/plain",
            b"Internal Server Error: no such connection".to_vec(),
        )
    }

    fn findings(prediction: &Prediction, exchange: &Exchange) -> Vec<String> {
        testing::default_findings(prediction, exchange)
            .into_iter()
            .map(|f| format!("{} {}", f.check, f.actual))
            .collect()
    }

    #[test]
    fn a_plain_text_500_for_a_client_error_reports_the_body_and_the_status() {
        let unknown_id = Prediction::reject(
            vec!["DirectConnectClientException"],
            "no connection has this id",
            CheckId::ErrorExpected,
            Basis::Documented,
        );
        let found = findings(&unknown_id, &plain_text(500));
        assert!(
            found.iter().any(|f| f.starts_with("wire.protocol ")),
            "{found:?}"
        );
        assert!(
            found.contains(&"wire.status HTTP 500 with a body that is not awsJson".to_owned()),
            "{found:?}"
        );
        // Where success was predicted the status is not judged again: the answer is
        // already wrong as a whole, and no client error was due.
        let success = findings(&Prediction::succeed(Basis::Spec), &plain_text(500));
        assert!(
            !success.iter().any(|f| f.starts_with("wire.status")),
            "{success:?}"
        );
    }
}
