//! The official SDK's view of the same bytes.

use super::{CheckCtx, SdkVerdict, Sink};
use crate::vocab::Exchange;

/// aws-sdk-directconnect deserializes the very same response bytes, with no `Unknown` enum variants.
pub fn parse(ctx: &CheckCtx<'_>, exchange: &Exchange, sink: &mut Sink<'_>) {
    match ctx.sdk {
        Some(SdkVerdict::ParseFailed { message }) => {
            sink.report("$", "the SDK parses the answer", message.clone())
        }
        // Values real AWS is documented to answer, where it answers them, are
        // shape.documented-deviation's.
        Some(SdkVerdict::UnknownEnum { values })
            if ctx.body(exchange).is_some_and(|body| {
                let carried = super::deviation::carried(body);
                values.iter().all(|v| carried.iter().any(|d| d.value == v))
            }) => {}
        Some(SdkVerdict::UnknownEnum { values }) => sink.report(
            "$",
            "every enum value known to the SDK",
            format!("Unknown variants for {}", values.join(", ")),
        ),
        // Protocol-level errors the prediction allows (awsJson front-end answers such
        // as SerializationException) are not the operation's to model.
        Some(SdkVerdict::UnmodeledError { code })
            if code
                .as_deref()
                .is_some_and(|c| ctx.prediction.protocol_errors.contains(&c)) => {}
        Some(SdkVerdict::UnmodeledError { code }) => sink.report(
            "$",
            "an error the SDK models for this operation",
            format!("unhandled error {}", code.as_deref().unwrap_or("(no code)")),
        ),
        _ => {}
    }
}
