//! Wire checks: the awsJson protocol itself.

use super::{CheckCtx, Sink};
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
