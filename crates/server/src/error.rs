//! The one conversion of errors to HTTP: a status, a stable machine-readable
//! code and a message for people. Database details are logged, never echoed.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use cd4mm_core::Code;
use cd4mm_sync::wire::{ErrorBody, FrameError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: Code,
    pub message: String,
    /// Seconds after which the same request would be taken (`Retry-After`).
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: Code, message: impl Into<String>) -> ApiError {
        ApiError { status, code, message: message.into(), retry_after: None }
    }

    pub fn bad_request(code: Code, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn unauthorised(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, Code::Unauthorised, message)
    }

    pub fn forbidden(code: Code, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, code, message)
    }

    pub fn not_found(code: Code, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, code, message)
    }

    /// Something broke on our side: log the detail, tell the client little.
    pub fn internal(detail: impl std::fmt::Display) -> ApiError {
        tracing::error!(%detail, "internal error");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, Code::Internal, "the server failed; try again later")
    }
}

/// The storage's errors, mapped to HTTP here and nowhere else.
impl From<crate::storage::Error> for ApiError {
    fn from(e: crate::storage::Error) -> ApiError {
        use crate::storage::ErrorKind;
        let status = match e.kind {
            ErrorKind::Invalid => StatusCode::BAD_REQUEST,
            ErrorKind::Unauthorised => StatusCode::UNAUTHORIZED,
            ErrorKind::Forbidden => StatusCode::FORBIDDEN,
            ErrorKind::NotFound => StatusCode::NOT_FOUND,
            ErrorKind::Conflict => StatusCode::CONFLICT,
            ErrorKind::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        };
        ApiError::new(status, e.code, e.message)
    }
}

/// A store the server keeps (demo seeding, browser sessions) failing is the
/// server's fault, not the client's.
impl From<cd4mm_store::StoreError> for ApiError {
    fn from(e: cd4mm_store::StoreError) -> ApiError {
        ApiError::internal(e)
    }
}

impl From<FrameError> for ApiError {
    fn from(e: FrameError) -> ApiError {
        match e {
            FrameError::Version(_) => ApiError::bad_request(Code::UnsupportedProtocol, e.to_string()),
            FrameError::TooLarge(_) => ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, Code::TooLarge, e.to_string()),
            FrameError::NotSync | FrameError::Malformed(_) | FrameError::Compression(_) => {
                ApiError::bad_request(Code::Malformed, e.to_string())
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody { code: self.code, message: self.message, field: None };
        let mut response = (self.status, axum::Json(body)).into_response();
        if let Some(seconds) = self.retry_after {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        response
    }
}

/// Errors the framework answers on its own (a method the route lacks, a body
/// over the limit, a body that is not readable) come as plain text or empty;
/// under `/v1/` and `/api/` they get the one JSON shape every client reads.
pub(crate) async fn framework_errors_as_json(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let api = request.uri().path().starts_with("/v1/") || request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    let status = response.status();
    let json = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !api || json || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let (code, message) = match status {
        StatusCode::METHOD_NOT_ALLOWED => (Code::Malformed, "this address does not take that method"),
        StatusCode::PAYLOAD_TOO_LARGE => (Code::TooLarge, "the request is larger than the server takes"),
        StatusCode::NOT_FOUND => (Code::NotFound, "there is nothing at this address"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            (Code::Malformed, "the request's content type is not one this address takes")
        }
        s if s.is_server_error() => (Code::Internal, "the server failed; try again later"),
        _ => (Code::Malformed, "the request could not be read"),
    };
    let mut json = ApiError::new(status, code, message).into_response();
    // Keep what the framework said about the request (an `Allow` list, say).
    for (name, value) in response.headers() {
        if name != axum::http::header::CONTENT_TYPE && name != axum::http::header::CONTENT_LENGTH {
            json.headers_mut().insert(name.clone(), value.clone());
        }
    }
    json
}
