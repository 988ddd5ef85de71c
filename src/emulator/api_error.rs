//! An API error answer: HTTP status, awsJson `__type` and message.
//!
//! Handlers and the protocol layer return these; the server renders them as
//! `{"__type": ..., "message": ...}`. They are answers, not failures of the
//! target, so they are plain data rather than a `thiserror` type.

/// An error answer to an API call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ApiError {
    /// HTTP status code.
    pub status: u16,
    /// The awsJson error type (the `__type` member).
    pub error_type: &'static str,
    /// Human-readable message (the `message` member).
    pub message: String,
    /// The quirk of real AWS that made this answer (`Quirks`), tallied for
    /// `GET /dxconform/quirks`; `None` for the faithful answers.
    pub quirk: Option<&'static str>,
}

impl ApiError {
    fn new(status: u16, error_type: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            error_type,
            message: message.into(),
            quirk: None,
        }
    }

    /// The same answer, made by the quirk `quirk` (a `Tally` name).
    pub(super) fn by_quirk(self, quirk: &'static str) -> Self {
        ApiError {
            quirk: Some(quirk),
            ..self
        }
    }

    /// `DirectConnectClientException` (400): the service model's error for every
    /// invalid parameter, missing resource or forbidden transition.
    pub(super) fn client(message: impl Into<String>) -> Self {
        ApiError::new(400, "DirectConnectClientException", message)
    }

    /// `DirectConnectServerException` (500): the target itself failed.
    pub(super) fn server(message: impl Into<String>) -> Self {
        ApiError::new(500, "DirectConnectServerException", message)
    }

    /// `ThrottlingException` (400): beyond the request rate (`--throttle-rps`).
    pub(super) fn throttling() -> Self {
        ApiError::new(400, "ThrottlingException", "Rate exceeded")
    }

    /// `DuplicateTagKeysException` (400): a tag key repeated within one request.
    pub(super) fn duplicate_tag_keys(message: impl Into<String>) -> Self {
        ApiError::new(400, "DuplicateTagKeysException", message)
    }

    /// `TooManyTagsException` (400): a resource would carry more than 50 tags.
    pub(super) fn too_many_tags(message: impl Into<String>) -> Self {
        ApiError::new(400, "TooManyTagsException", message)
    }

    /// The "Could not find <Kind> with ID <id>" client error. Used alike for ids
    /// that do not exist and for ids that belong to another account, so a caller
    /// learns nothing about other accounts' resources.
    pub(super) fn not_found(kind: &str, id: &str) -> Self {
        ApiError::client(format!("Could not find {kind} with ID {id}"))
    }

    /// A delete refused because the resource is already gone: this refusal, or with
    /// `not_found` (the `deleted_not_found` quirk) AWS's "Could not find {kind} with ID
    /// {id}", which terraform-provider-aws's deletes treat as already gone.
    pub(super) fn gone_as_not_found(self, not_found: bool, kind: &str, id: &str) -> Self {
        if not_found {
            ApiError::not_found(kind, id).by_quirk(super::profile::played::DELETED_NOT_FOUND)
        } else {
            self
        }
    }

    /// `SerializationException` (400): the body is not a JSON object, or a member
    /// has the wrong JSON type (awsJson protocol-level rejection, raised before
    /// the operation runs).
    pub(super) fn serialization(message: impl Into<String>) -> Self {
        ApiError::new(400, "SerializationException", message)
    }

    /// `UnknownOperationException` (400): missing or unknown `X-Amz-Target`.
    pub(super) fn unknown_operation(message: impl Into<String>) -> Self {
        ApiError::new(400, "UnknownOperationException", message)
    }

    /// `MissingAuthenticationTokenException` (403): no `Authorization` header.
    pub(super) fn missing_authentication() -> Self {
        ApiError::new(
            403,
            "MissingAuthenticationTokenException",
            "Missing Authentication Token",
        )
    }

    /// `IncompleteSignatureException` (403): a malformed `Authorization` header.
    pub(super) fn incomplete_signature(message: impl Into<String>) -> Self {
        ApiError::new(403, "IncompleteSignatureException", message)
    }

    /// `InvalidSignatureException` (403): a well-formed signature scoped to
    /// another region than the target's.
    pub(super) fn invalid_signature(message: impl Into<String>) -> Self {
        ApiError::new(403, "InvalidSignatureException", message)
    }

    /// `UnrecognizedClientException` (403): an `x-dxconform-account-id` header
    /// that is not a 12-digit account id.
    pub(super) fn unrecognized_client(message: impl Into<String>) -> Self {
        ApiError::new(403, "UnrecognizedClientException", message)
    }

    /// `NotImplemented` (501): the operation exists in the service model but the
    /// reference target does not implement it yet, so the harness can classify
    /// it as not implemented rather than as a wrong answer.
    pub(super) fn not_implemented(operation: &str) -> Self {
        ApiError::new(
            501,
            "NotImplemented",
            format!("{operation} is not implemented by the dxconform reference target"),
        )
    }

    /// A request outside the API and the admin endpoints: 404 for an unknown path,
    /// 405 for a known path with the wrong method.
    pub(super) fn no_route(status: u16, message: impl Into<String>) -> Self {
        ApiError::new(status, "UnknownOperationException", message)
    }

    /// Whether this is an answer the service model declares for `operation`
    /// (i.e. not a protocol-level rejection).
    #[cfg(test)]
    pub(super) fn is_declared_by(&self, operation: &str) -> bool {
        crate::spec::Spec::builtin().declares_error(operation, self.error_type)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_errors_are_declared_by_the_model() {
        assert!(ApiError::client("x").is_declared_by("CreateConnection"));
        assert!(ApiError::server("x").is_declared_by("CreateConnection"));
        assert!(ApiError::duplicate_tag_keys("x").is_declared_by("TagResource"));
        assert!(ApiError::too_many_tags("x").is_declared_by("CreateConnection"));
        assert!(!ApiError::serialization("x").is_declared_by("CreateConnection"));
    }

    #[test]
    fn not_found_names_kind_and_id() {
        let e = ApiError::not_found("Connection", "dxcon-abcd1234");
        assert_eq!(e.status, 400);
        assert_eq!(
            e.message,
            "Could not find Connection with ID dxcon-abcd1234"
        );
        assert_eq!(ApiError::not_implemented("CreateLag").status, 501);
    }
}
