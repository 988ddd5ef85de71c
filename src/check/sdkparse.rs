//! `sdk.parse`: hand captured raw HTTP responses to the official Rust SDK.
//!
//! A response captured from a Direct Connect endpoint (status, headers and
//! body, exactly as received) is replayed into `aws-sdk-directconnect` through
//! a fake HTTP connector that ignores the request the SDK serialized. The SDK
//! then runs its real response pipeline (error classification, JSON
//! deserialization, enum conversion) and the outcome is reported as an
//! [`SdkVerdict`].
//!
//! Notes on how the SDK (awsJson1.1 protocol) behaves, which shape the verdicts:
//!
//! * Only the status decides success: any 2xx status is deserialized as the
//!   operation output (an `__type` in a 2xx body is ignored); anything else
//!   goes through error parsing. The `content-type` header is never checked.
//! * An empty 2xx body is treated as `{}`.
//! * Error codes come from the `x-amzn-errortype` header, else the body's
//!   `code` key, else its `__type` key; a `namespace#` prefix and a `:suffix`
//!   are stripped.
//! * The SDK reports body deserialization failures as an "unhandled" service
//!   error whose source is the JSON error; this module reports those as
//!   [`SdkVerdict::ParseFailed`], and keeps [`SdkVerdict::UnmodeledError`] for
//!   well-formed error responses whose code is missing or not modeled.
//! * The SDK performs no client-side validation of required input members
//!   (input builders never fail), so every operation is invoked with an empty
//!   input; the replay connector ignores the request anyway.

use std::error::Error as StdError;
use std::fmt;

use aws_sdk_directconnect::config::retry::RetryConfig;
use aws_sdk_directconnect::config::timeout::TimeoutConfig;
use aws_sdk_directconnect::config::{
    BehaviorVersion, Credentials, IdentityCache, Region, StalledStreamProtectionConfig,
};
use aws_sdk_directconnect::error::{ErrorMetadata, ProvideErrorMetadata, SdkError};
use aws_smithy_runtime_api::client::http::{
    http_client_fn, HttpConnector, HttpConnectorFuture, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_types::body::SdkBody;

/// Outcome of handing one captured response to aws-sdk-directconnect.
#[derive(Debug, Clone, PartialEq)]
pub enum SdkVerdict {
    /// The SDK parsed a success output; no unknown enum variants.
    Parsed,
    /// The SDK parsed an error response into a modeled error variant (e.g. DirectConnectClientException).
    ModeledError {
        /// The error code as the SDK saw it (namespace prefix stripped).
        code: String,
    },
    /// The SDK classified the error as unhandled/unmodeled (code as the SDK saw it, if any).
    UnmodeledError {
        /// The error code as the SDK saw it, if the response carried one.
        code: Option<String>,
    },
    /// The SDK failed to deserialize the response (message = the SDK's error, with its source chain).
    ParseFailed {
        /// The SDK's error message followed by its source chain.
        message: String,
    },
    /// The parse succeeded but enum values were unknown to the SDK: the raw values.
    UnknownEnum {
        /// The raw enum values the SDK did not recognise, in order of first appearance, deduplicated.
        values: Vec<String>,
    },
}

/// The SDK parser. Build once, reuse (cheap to clone).
#[derive(Clone, Debug)]
pub struct SdkParser {
    /// One SDK client for every parse: its HTTP client answers each call with the
    /// response captured for the task making it ([`CAPTURED`]), so concurrent parses
    /// never see each other's responses and the client is not rebuilt per parse.
    client: aws_sdk_directconnect::Client,
    /// Verdicts by response skeleton ([`super::sdkkey`]): the SDK runs once per shape
    /// of answer, not once per answer (it was half of a run's CPU time).
    /// Hashed with FxHash: keys are long, and their content is the answer's shape,
    /// not anything an attacker chooses to collide.
    verdicts: std::sync::Arc<std::sync::Mutex<rustc_hash::FxHashMap<Vec<u8>, SdkVerdict>>>,
}

/// Most skeletons remembered; past it the cache starts over (a run has a few hundred).
const MAX_VERDICTS: usize = 50_000;

tokio::task_local! {
    /// The captured response the replay connector answers in the current parse.
    static CAPTURED: std::cell::RefCell<Option<HttpResponse>>;
}

impl Default for SdkParser {
    fn default() -> Self {
        Self::new()
    }
}

impl SdkParser {
    /// The process's parser: one SDK client and one verdict cache for every run
    /// the process makes (`mutants` runs the suite once per mutant, `bench` once
    /// per trial), as a verdict is a function of its key alone.
    pub fn new() -> Self {
        static SHARED: std::sync::OnceLock<SdkParser> = std::sync::OnceLock::new();
        SHARED.get_or_init(Self::with_own_cache).clone()
    }

    /// A parser with a verdict cache of its own: static credentials, us-east-1, a
    /// dummy endpoint, and no retries, timeouts, stalled-stream protection or
    /// identity caching.
    pub fn with_own_cache() -> Self {
        let connector = SharedHttpConnector::new(Replay);
        let config = aws_sdk_directconnect::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new(
                "AKIDEXAMPLE",
                "secret",
                None,
                None,
                "dxconform",
            ))
            .endpoint_url("http://127.0.0.1")
            .retry_config(RetryConfig::disabled())
            .timeout_config(TimeoutConfig::disabled())
            .stalled_stream_protection(StalledStreamProtectionConfig::disabled())
            .identity_cache(IdentityCache::no_cache())
            .http_client(http_client_fn(move |_, _| connector.clone()))
            .build();
        Self {
            client: aws_sdk_directconnect::Client::from_conf(config),
            verdicts: Default::default(),
        }
    }

    /// Is `operation` (e.g. "CreateConnection") one of the SDK's operations?
    pub fn knows(&self, operation: &str) -> bool {
        OPERATIONS.contains(&operation)
    }

    /// Parse. status + headers + body exactly as received.
    pub async fn parse(
        &self,
        operation: &str,
        status: u16,
        headers: &[(String, String)],
        body: &[u8],
    ) -> SdkVerdict {
        self.parse_with(operation, status, headers, body, None)
            .await
    }

    /// [`SdkParser::parse`], given the body already parsed as JSON (a success answer's
    /// value), so it is not parsed again to find its verdict key.
    pub async fn parse_with(
        &self,
        operation: &str,
        status: u16,
        headers: &[(String, String)],
        body: &[u8],
        parsed: Option<&serde_json::Value>,
    ) -> SdkVerdict {
        if !self.knows(operation) {
            return SdkVerdict::ParseFailed {
                message: format!("unknown operation {operation:?}"),
            };
        }
        let key = super::sdkkey::verdict_key(
            crate::spec::Spec::builtin(),
            operation,
            status,
            headers,
            body,
            parsed,
        );
        let remembered = |key: &Vec<u8>| {
            self.verdicts
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .get(key)
                .cloned()
        };
        if let Some(verdict) = key.as_ref().and_then(remembered) {
            return verdict;
        }
        let response = match build_response(status, headers, body) {
            Ok(response) => response,
            Err(message) => return SdkVerdict::ParseFailed { message },
        };
        let verdict = CAPTURED
            .scope(
                std::cell::RefCell::new(Some(response)),
                dispatch(&self.client, operation),
            )
            .await;
        // Every verdict, parse failures included, is a function of the key: failure
        // messages carry no byte offsets (`without_offsets`), and the values a message
        // can quote (type mismatches, out-of-range numbers, enums) are kept in the key.
        if let Some(key) = key {
            let mut verdicts = self.verdicts.lock().unwrap_or_else(|p| p.into_inner());
            if verdicts.len() >= MAX_VERDICTS {
                verdicts.clear();
            }
            verdicts.insert(key, verdict.clone());
        }
        verdict
    }
}

/// Build the SDK's response type from the captured parts.
fn build_response(
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
) -> Result<HttpResponse, String> {
    let mut builder = http::Response::builder().status(status);
    for (name, value) in headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    let response = builder
        .body(SdkBody::from(bytes::Bytes::copy_from_slice(body)))
        .map_err(|e| format!("captured response is not a valid HTTP response: {e}"))?;
    HttpResponse::try_from(response)
        .map_err(|e| format!("captured response rejected by the SDK's HTTP types: {e}"))
}

/// HTTP connector that ignores the request and answers the response captured for
/// the calling task, once.
#[derive(Clone)]
struct Replay;

impl fmt::Debug for Replay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Replay")
    }
}

impl HttpConnector for Replay {
    fn call(&self, _request: HttpRequest) -> HttpConnectorFuture {
        // The SDK calls the connector while the parse's future is polled, inside its scope.
        let taken = CAPTURED
            .try_with(|captured| captured.borrow_mut().take())
            .ok()
            .flatten();
        HttpConnectorFuture::ready(taken.ok_or_else(|| {
            ConnectorError::other("captured response was already replayed".into(), None)
        }))
    }
}

/// Map the result of one SDK call to a verdict.
fn classify<O, E>(result: Result<O, SdkError<E, HttpResponse>>) -> SdkVerdict
where
    O: fmt::Debug,
    E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
    aws_sdk_directconnect::Error: From<E>,
{
    match result {
        Ok(output) => {
            let values = unknown_enum_values(&format!("{output:?}"));
            if values.is_empty() {
                SdkVerdict::Parsed
            } else {
                SdkVerdict::UnknownEnum { values }
            }
        }
        Err(SdkError::ServiceError(context)) => {
            let err = context.into_err();
            let code = err.code().map(str::to_owned);
            let err = aws_sdk_directconnect::Error::from(err);
            #[allow(deprecated)]
            let unhandled = matches!(err, aws_sdk_directconnect::Error::Unhandled(_));
            if !unhandled {
                SdkVerdict::ModeledError {
                    code: code.unwrap_or_default(),
                }
            } else if err.source().is_some_and(|s| s.is::<ErrorMetadata>()) {
                // Built by the SDK's `generic(meta)`: a well-formed error whose code is
                // absent or not modeled for this operation.
                SdkVerdict::UnmodeledError { code }
            } else {
                // Built by `unhandled(source)`: the body failed to deserialize.
                SdkVerdict::ParseFailed {
                    message: without_offsets(&crate::vocab::error_chain(&err)),
                }
            }
        }
        Err(other) => SdkVerdict::ParseFailed {
            message: without_offsets(&crate::vocab::error_chain(&other)),
        },
    }
}

/// A deserialisation message without the SDK's "Error at offset N: " prefixes: the
/// offset depends on the length of every string before the fault, so with it two
/// answers of the same structure would read differently, and the verdict could not
/// be reused (parsing every answer of a target that fails to parse, such as moto's
/// CreateConnection, was most of a run's CPU there). The answer itself is in the
/// finding's evidence.
fn without_offsets(message: &str) -> String {
    const PREFIX: &str = "Error at offset ";
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find(PREFIX) {
        out.push_str(&rest[..at]);
        let after = &rest[at + PREFIX.len()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        match after[digits..].strip_prefix(": ") {
            Some(tail) if digits > 0 => rest = tail,
            _ => {
                out.push_str(PREFIX);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Extract the raw values of `Unknown(UnknownVariantValue("..."))` from a Debug rendering.
///
/// Inside a Debug-rendered string a `"` is always escaped, so the marker with an
/// unescaped quote can only come from the enum itself, never from string data.
fn unknown_enum_values(debug: &str) -> Vec<String> {
    const MARKER: &str = "UnknownVariantValue(\"";
    let mut values: Vec<String> = Vec::new();
    let mut rest = debug;
    while let Some(pos) = rest.find(MARKER) {
        rest = &rest[pos + MARKER.len()..];
        let (value, consumed) = parse_debug_str(rest);
        rest = &rest[consumed..];
        if !values.contains(&value) {
            values.push(value);
        }
    }
    values
}

/// Unescape a Debug-rendered string body up to its closing quote.
/// Returns the value and the number of bytes consumed (including the quote).
fn parse_debug_str(s: &str) -> (String, usize) {
    let mut out = String::new();
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return (out, i + 1),
            '\\' => match chars.next() {
                Some((_, 'n')) => out.push('\n'),
                Some((_, 'r')) => out.push('\r'),
                Some((_, 't')) => out.push('\t'),
                Some((_, '0')) => out.push('\0'),
                Some((_, 'u')) => {
                    // \u{XXXX}
                    let mut hex = String::new();
                    for (_, h) in chars.by_ref() {
                        match h {
                            '{' => {}
                            '}' => break,
                            h => hex.push(h),
                        }
                    }
                    if let Some(ch) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                        out.push(ch);
                    }
                }
                Some((_, other)) => out.push(other),
                None => break,
            },
            c => out.push(c),
        }
    }
    (out, s.len())
}

/// Defines [`OPERATIONS`] and the dispatch over them from one table:
/// `OperationName => fluent_method`.
macro_rules! operations {
    ($($name:ident => $method:ident),* $(,)?) => {
        /// Every operation of aws-sdk-directconnect (one per fluent method on `Client`).
        pub const OPERATIONS: [&str; 73] = [$(stringify!($name)),*];

        /// Invoke `operation` (with an empty input) and classify the outcome.
        // Some operations (e.g. DescribeConnectionLoa) are deprecated in the model
        // but still part of the API.
        #[allow(deprecated)]
        async fn dispatch(client: &aws_sdk_directconnect::Client, operation: &str) -> SdkVerdict {
            match operation {
                $(stringify!($name) => classify(client.$method().send().await),)*
                other => SdkVerdict::ParseFailed {
                    message: format!("unknown operation {other:?}"),
                },
            }
        }
    };
}

operations! {
    AcceptDirectConnectGatewayAssociationProposal => accept_direct_connect_gateway_association_proposal,
    AllocateConnectionOnInterconnect => allocate_connection_on_interconnect,
    AllocateHostedConnection => allocate_hosted_connection,
    AllocatePrivateVirtualInterface => allocate_private_virtual_interface,
    AllocatePublicVirtualInterface => allocate_public_virtual_interface,
    AllocateTransitVirtualInterface => allocate_transit_virtual_interface,
    AssociateConnectionWithLag => associate_connection_with_lag,
    AssociateConnectionsToResiliencyGroup => associate_connections_to_resiliency_group,
    AssociateHostedConnection => associate_hosted_connection,
    AssociateMacSecKey => associate_mac_sec_key,
    AssociateVirtualInterface => associate_virtual_interface,
    ConfirmConnection => confirm_connection,
    ConfirmCustomerAgreement => confirm_customer_agreement,
    ConfirmPrivateVirtualInterface => confirm_private_virtual_interface,
    ConfirmPublicVirtualInterface => confirm_public_virtual_interface,
    ConfirmTransitVirtualInterface => confirm_transit_virtual_interface,
    CreateBGPPeer => create_bgp_peer,
    CreateConnection => create_connection,
    CreateDirectConnectGateway => create_direct_connect_gateway,
    CreateDirectConnectGatewayAssociation => create_direct_connect_gateway_association,
    CreateDirectConnectGatewayAssociationProposal => create_direct_connect_gateway_association_proposal,
    CreateInterconnect => create_interconnect,
    CreateLag => create_lag,
    CreatePrivateVirtualInterface => create_private_virtual_interface,
    CreatePublicVirtualInterface => create_public_virtual_interface,
    CreateResiliencyGroup => create_resiliency_group,
    CreateTransitVirtualInterface => create_transit_virtual_interface,
    DeleteBGPPeer => delete_bgp_peer,
    DeleteConnection => delete_connection,
    DeleteDirectConnectGateway => delete_direct_connect_gateway,
    DeleteDirectConnectGatewayAssociation => delete_direct_connect_gateway_association,
    DeleteDirectConnectGatewayAssociationProposal => delete_direct_connect_gateway_association_proposal,
    DeleteInterconnect => delete_interconnect,
    DeleteLag => delete_lag,
    DeleteResiliencyGroup => delete_resiliency_group,
    DeleteVirtualInterface => delete_virtual_interface,
    DescribeConnectionLoa => describe_connection_loa,
    DescribeConnections => describe_connections,
    DescribeConnectionsOnInterconnect => describe_connections_on_interconnect,
    DescribeCustomerMetadata => describe_customer_metadata,
    DescribeDirectConnectGatewayAssociationProposals => describe_direct_connect_gateway_association_proposals,
    DescribeDirectConnectGatewayAssociations => describe_direct_connect_gateway_associations,
    DescribeDirectConnectGatewayAttachments => describe_direct_connect_gateway_attachments,
    DescribeDirectConnectGateways => describe_direct_connect_gateways,
    DescribeHostedConnections => describe_hosted_connections,
    DescribeInterconnectLoa => describe_interconnect_loa,
    DescribeInterconnects => describe_interconnects,
    DescribeLags => describe_lags,
    DescribeLoa => describe_loa,
    DescribeLocations => describe_locations,
    DescribeRouterConfiguration => describe_router_configuration,
    DescribeTags => describe_tags,
    DescribeVirtualGateways => describe_virtual_gateways,
    DescribeVirtualInterfaces => describe_virtual_interfaces,
    DisassociateConnectionFromLag => disassociate_connection_from_lag,
    DisassociateConnectionsFromResiliencyGroup => disassociate_connections_from_resiliency_group,
    DisassociateMacSecKey => disassociate_mac_sec_key,
    GetResiliencyGroup => get_resiliency_group,
    ListResiliencyGroupAssociations => list_resiliency_group_associations,
    ListResiliencyGroups => list_resiliency_groups,
    ListVirtualInterfaceRoutes => list_virtual_interface_routes,
    ListVirtualInterfaceTestHistory => list_virtual_interface_test_history,
    StartBgpFailoverTest => start_bgp_failover_test,
    StopBgpFailoverTest => stop_bgp_failover_test,
    TagResource => tag_resource,
    UntagResource => untag_resource,
    UpdateConnection => update_connection,
    UpdateConnectionsBillingMode => update_connections_billing_mode,
    UpdateDirectConnectGateway => update_direct_connect_gateway,
    UpdateDirectConnectGatewayAssociation => update_direct_connect_gateway_association,
    UpdateLag => update_lag,
    UpdateResiliencyGroup => update_resiliency_group,
    UpdateVirtualInterfaceAttributes => update_virtual_interface_attributes,
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONN: &str = r#"{"ownerAccount":"111111111111","connectionId":"dxcon-abcd1234","connectionName":"a","connectionState":"requested","region":"us-east-1","location":"EqDC2","bandwidth":"1Gbps"}"#;

    fn json_headers() -> Vec<(String, String)> {
        vec![
            (
                "content-type".to_owned(),
                "application/x-amz-json-1.1".to_owned(),
            ),
            (
                "x-amzn-requestid".to_owned(),
                "11111111-2222-3333-4444-555555555555".to_owned(),
            ),
        ]
    }

    async fn parse(op: &str, status: u16, body: &str) -> SdkVerdict {
        SdkParser::new()
            .parse(op, status, &json_headers(), body.as_bytes())
            .await
    }

    /// The verdict on an answer whose only header is its `content_type`.
    async fn parse_typed(op: &str, status: u16, content_type: &str, body: &[u8]) -> SdkVerdict {
        let headers = [("content-type".to_owned(), content_type.to_owned())];
        SdkParser::new().parse(op, status, &headers, body).await
    }

    /// Whether the SDK failed to parse the answer.
    fn failed(verdict: &SdkVerdict) -> bool {
        matches!(verdict, SdkVerdict::ParseFailed { .. })
    }

    /// A CreateConnection answer whose connectionState is `state` (JSON text).
    #[rstest::rstest]
    #[case::create_connection_parses("\"requested\"", None)]
    #[case::unknown_enum_value_is_reported("\"Available\"", Some("Available"))]
    // "unknown" is a modeled ConnectionState member (`UnknownValue`).
    #[case::modeled_unknown_value_is_not_unknown("\"unknown\"", None)]
    #[case::unknown_enum_with_escapes_roundtrips(
        r#""we\"ird\\ \u00e9\n""#,
        Some("we\"ird\\ \u{e9}\n")
    )]
    #[tokio::test]
    async fn connection_states_are_parsed_or_unknown(
        #[case] state: &str,
        #[case] unknown: Option<&str>,
    ) {
        let body = CONN.replace("\"requested\"", state);
        let expected = match unknown {
            Some(value) => SdkVerdict::UnknownEnum {
                values: vec![value.to_owned()],
            },
            None => SdkVerdict::Parsed,
        };
        assert_eq!(parse("CreateConnection", 200, &body).await, expected);
    }

    #[tokio::test]
    async fn string_data_does_not_fake_unknown_enum() {
        let body = CONN.replace(
            "\"connectionName\":\"a\"",
            r#""connectionName":"Unknown(UnknownVariantValue(\"x\"))""#,
        );
        assert_eq!(
            parse("CreateConnection", 200, &body).await,
            SdkVerdict::Parsed
        );
    }

    #[tokio::test]
    async fn wrong_type_fails_to_parse() {
        let body = CONN.replace("\"requested\"", "5");
        let verdict = parse("CreateConnection", 200, &body).await;
        assert!(failed(&verdict), "{verdict:?}");
    }

    #[tokio::test]
    async fn modeled_error() {
        let verdict = parse(
            "CreateConnection",
            400,
            r#"{"__type":"DirectConnectClientException","message":"x"}"#,
        )
        .await;
        assert_eq!(
            verdict,
            SdkVerdict::ModeledError {
                code: "DirectConnectClientException".to_owned()
            }
        );
    }

    #[tokio::test]
    async fn namespaced_error_type_is_sanitized() {
        let verdict = parse(
            "CreateConnection",
            400,
            r#"{"__type":"com.amazonaws.directconnect#DirectConnectServerException:http://x/","message":"x"}"#,
        )
        .await;
        assert_eq!(
            verdict,
            SdkVerdict::ModeledError {
                code: "DirectConnectServerException".to_owned()
            }
        );
    }

    #[tokio::test]
    async fn unmodeled_error() {
        let verdict = parse("CreateConnection", 400, r#"{"__type":"FooException"}"#).await;
        assert_eq!(
            verdict,
            SdkVerdict::UnmodeledError {
                code: Some("FooException".to_owned())
            }
        );
    }

    #[tokio::test]
    async fn error_without_code_is_unmodeled() {
        assert_eq!(
            parse("CreateConnection", 400, "").await,
            SdkVerdict::UnmodeledError { code: None }
        );
        assert_eq!(
            parse("CreateConnection", 400, "{}").await,
            SdkVerdict::UnmodeledError { code: None }
        );
    }

    #[test]
    fn offsets_are_dropped_from_failure_messages() {
        assert_eq!(
            without_offsets("unhandled error: Error at offset 57: expected StartObject"),
            "unhandled error: expected StartObject"
        );
        assert_eq!(
            without_offsets("Error at offset x: y"),
            "Error at offset x: y"
        );
        assert_eq!(without_offsets("no offset here"), "no offset here");
    }

    #[tokio::test]
    async fn answers_of_one_structure_failing_at_different_offsets_read_the_same() {
        // A document that is not an object fails where its first token is: the
        // SDK's message names that offset, which leading whitespace moves.
        let parser = SdkParser::new();
        let (near, far) = (" [1]", "      [1]");
        let first = parser
            .parse("CreateConnection", 200, &json_headers(), near.as_bytes())
            .await;
        let SdkVerdict::ParseFailed { message } = &first else {
            panic!("{first:?}");
        };
        assert!(!message.contains("offset"), "{message}");
        // Computed afresh by another parser, and reused by this one: the same verdict.
        let fresh = SdkParser::with_own_cache()
            .parse("CreateConnection", 200, &json_headers(), far.as_bytes())
            .await;
        let reused = parser
            .parse("CreateConnection", 200, &json_headers(), far.as_bytes())
            .await;
        assert_eq!(fresh, first);
        assert_eq!(reused, first);
    }

    #[tokio::test]
    async fn malformed_modeled_error_body_fails_to_parse() {
        let verdict = parse(
            "CreateConnection",
            400,
            r#"{"__type":"DirectConnectClientException","message":5}"#,
        )
        .await;
        assert!(failed(&verdict), "{verdict:?}");
    }

    #[tokio::test]
    async fn html_500_is_not_parsed() {
        let html = b"<html><body>Internal Server Error</body></html>";
        let verdict = parse_typed("CreateConnection", 500, "text/html", html).await;
        assert!(failed(&verdict), "{verdict:?}");
    }

    #[tokio::test]
    async fn success_status_ignores_error_type_and_content_type() {
        let error = br#"{"__type":"DirectConnectClientException","message":"x"}"#;
        let verdict = parse_typed("CreateConnection", 200, "text/plain", error).await;
        assert_eq!(verdict, SdkVerdict::Parsed);
        assert_eq!(parse("CreateConnection", 200, "").await, SdkVerdict::Parsed);
    }

    #[tokio::test]
    async fn describe_connections_list_parses() {
        let body = format!(r#"{{"connections":[{CONN},{CONN}],"nextToken":"t"}}"#);
        assert_eq!(
            parse("DescribeConnections", 200, &body).await,
            SdkVerdict::Parsed
        );
        let bad = body.replace("\"requested\"", "\"Up\"");
        assert_eq!(
            parse("DescribeConnections", 200, &bad).await,
            SdkVerdict::UnknownEnum {
                values: vec!["Up".to_owned()]
            }
        );
    }

    #[tokio::test]
    async fn unknown_operation() {
        let parser = SdkParser::new();
        assert!(!parser.knows("CreateWidget"));
        let verdict = parser.parse("CreateWidget", 200, &[], b"{}").await;
        assert!(
            matches!(&verdict, SdkVerdict::ParseFailed { message } if message.contains("unknown operation")),
            "{verdict:?}"
        );
    }

    #[tokio::test]
    async fn every_operation_dispatches() {
        let parser = SdkParser::new();
        let mut names: Vec<&str> = OPERATIONS.to_vec();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 73);
        for op in OPERATIONS {
            assert!(parser.knows(op), "{op}");
            let verdict = parser.parse(op, 200, &json_headers(), b"{}").await;
            assert_eq!(verdict, SdkVerdict::Parsed, "{op}");
        }
    }

    #[tokio::test]
    async fn parse_cost() {
        let parser = SdkParser::new();
        let n = 200u32;
        let start = std::time::Instant::now();
        for _ in 0..n {
            let verdict = parser
                .parse("CreateConnection", 200, &json_headers(), CONN.as_bytes())
                .await;
            assert_eq!(verdict, SdkVerdict::Parsed);
        }
        eprintln!("sdkparse: {:?} per parse", start.elapsed() / n);
    }
}
