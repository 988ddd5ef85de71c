//! The running reference target: the HTTP/1 accept loop (hyper), routing between
//! the API (`POST /`) and the admin endpoints (`POST /dxconform/reset`,
//! `GET /dxconform/health`, `GET /dxconform/accounts`), and the [`Emulator`]
//! handle that owns it.
//!
//! Each API request is decoded (`protocol`), dispatched under the world lock
//! (`dispatch`) and rendered. A panic in a handler becomes a 500
//! `DirectConnectServerException` instead of a dropped connection.

use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;
use http::{Method, Request, Response};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::json;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::{JoinHandle, JoinSet};

use super::dispatch::{dispatch, Call};
use super::mutants::{Answer, Memory, Mutant};
use super::{ids, protocol, ApiError, Clock, EmulatorConfig, ServeError, SystemClock, World};
use crate::spec::Spec;

/// Admin endpoint that forgets all resources of all accounts.
pub const RESET_PATH: &str = "/dxconform/reset";
/// Admin endpoint that answers 200 while the target runs.
pub(super) const HEALTH_PATH: &str = "/dxconform/health";
/// Admin endpoint listing every account with live resources and how many of each
/// kind: `{"accounts": {"111111111111": {"connections": 2}}}` (a test counts what
/// a run left across every account, including ones it chose itself).
pub const ACCOUNTS_PATH: &str = "/dxconform/accounts";
/// `GET`: what the knobs and quirks of the target's profile did so far, by name
/// (`{"played": {"throttled": 3, "approving-hosted-vifs": 1, …}}`).
pub const QUIRKS_PATH: &str = "/dxconform/quirks";
/// Largest request body accepted (Direct Connect requests are a few KiB).
const MAX_BODY: usize = 1 << 20;

/// State shared by every connection of one running target.
#[derive(Debug)]
struct Shared {
    spec: &'static Spec,
    config: EmulatorConfig,
    mutant: Option<&'static Mutant>,
    memory: Mutex<Memory>,
    world: Mutex<World>,
    clock: Arc<dyn Clock>,
    responses: AtomicU64,
    knobs: super::knobs::Knobs,
}

impl Shared {
    fn world(&self) -> MutexGuard<'_, World> {
        self.world.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// A running reference target. Dropping the handle also stops it; prefer
/// [`Emulator::shutdown`], which waits until the accept loop has ended.
#[derive(Debug)]
pub struct Emulator {
    local_addr: SocketAddr,
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

impl Emulator {
    /// Bind `addr` (port 0 picks a free port) and serve on the current tokio
    /// runtime, reading lifecycle time from the real monotonic clock.
    pub async fn start(addr: SocketAddr, config: EmulatorConfig) -> Result<Emulator, ServeError> {
        Emulator::start_with_clock(addr, config, Arc::new(SystemClock::new())).await
    }

    /// Like [`Emulator::start`], with the lifecycle clock supplied by the caller
    /// (e.g. a [`ManualClock`](super::ManualClock) to drive asynchronous state
    /// changes in tests without sleeping).
    pub async fn start_with_clock(
        addr: SocketAddr,
        config: EmulatorConfig,
        clock: Arc<dyn Clock>,
    ) -> Result<Emulator, ServeError> {
        config.check()?;
        let mutant = match &config.mutant {
            None => None,
            Some(name) => {
                Some(
                    super::mutants::mutant(name).ok_or_else(|| ServeError::InvalidConfig {
                        reason: format!(
                            "unknown mutant {name:?}; `dxconform mutants --list` lists them"
                        ),
                    })?,
                )
            }
        };
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| ServeError::Bind { addr, source })?;
        let local_addr = listener
            .local_addr()
            .map_err(|source| ServeError::LocalAddr { addr, source })?;
        let shared = Arc::new(Shared {
            spec: Spec::builtin(),
            mutant,
            memory: Mutex::new(Memory::default()),
            world: Mutex::new(World::new(config.clone())),
            knobs: super::knobs::Knobs::new(&config),
            config,
            clock,
            responses: AtomicU64::new(0),
        });
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(accept_loop(listener, shared, stopped));
        tracing::info!(%local_addr, "dxconform reference target listening");
        Ok(Emulator {
            local_addr,
            stop,
            task,
        })
    }

    /// The base URL clients use, e.g. `http://127.0.0.1:40123` (a wildcard bind
    /// address is reported as the loopback address).
    pub fn endpoint(&self) -> String {
        let ip = match self.local_addr.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
            ip => ip,
        };
        format!("http://{}", SocketAddr::new(ip, self.local_addr.port()))
    }

    /// The address the listener is bound to.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Stop accepting, end open connections and wait for the server task to end.
    pub async fn shutdown(self) {
        let Emulator { stop, task, .. } = self;
        let _ = stop.send(());
        if let Err(e) = task.await {
            tracing::warn!(error = %e, "reference target task did not end cleanly");
        }
    }
}

/// Accept connections until told to stop (or the handle is dropped); in-flight
/// connections are aborted when the loop ends.
async fn accept_loop(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut stopped: oneshot::Receiver<()>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut stopped => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(serve_connection(stream, Arc::clone(&shared)));
                }
                Err(e) => {
                    // E.g. too many open files: back off instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    connections.shutdown().await;
}

async fn serve_connection(stream: TcpStream, shared: Arc<Shared>) {
    let service = service_fn(move |request| {
        let shared = Arc::clone(&shared);
        async move { Ok::<_, Infallible>(route(&shared, request).await) }
    });
    if let Err(e) = http1::Builder::new()
        .serve_connection(TokioIo::new(stream), service)
        .await
    {
        tracing::debug!(error = %e, "connection ended with an error");
    }
}

async fn route(shared: &Shared, request: Request<Incoming>) -> Response<Full<Bytes>> {
    let request_id = ids::request_id(shared.responses.fetch_add(1, Ordering::Relaxed));
    let path = request.uri().path().to_owned();
    match (request.method(), path.as_str()) {
        (&Method::POST, "/") => api(shared, request, &request_id).await,
        (&Method::POST, RESET_PATH) => reset(shared, request, &request_id).await,
        (&Method::GET, HEALTH_PATH) => {
            protocol::response(200, &json!({"status": "ok"}), &request_id)
        }
        (&Method::GET, ACCOUNTS_PATH) => {
            let live = shared.world().live_accounts(shared.clock.now());
            protocol::response(200, &json!({ "accounts": live }), &request_id)
        }
        (&Method::GET, QUIRKS_PATH) => {
            let mut played = shared.knobs.played.counts();
            for (name, n) in shared.world().played.counts() {
                *played.entry(name).or_default() += n;
            }
            protocol::response(200, &json!({ "played": played }), &request_id)
        }
        (method, "/" | RESET_PATH | HEALTH_PATH | ACCOUNTS_PATH | QUIRKS_PATH) => {
            protocol::error_response(
                &ApiError::no_route(405, format!("{method} is not allowed on {path}")),
                &request_id,
            )
        }
        (_, _) => protocol::error_response(
            &ApiError::no_route(404, format!("No route for {path}")),
            &request_id,
        ),
    }
}

/// `POST /dxconform/reset`: with a JSON body `{"accounts": ["…", …]}` forget only
/// those accounts (what a case running beside others needs), else everything.
async fn reset(
    shared: &Shared,
    request: Request<Incoming>,
    request_id: &str,
) -> Response<Full<Bytes>> {
    let body = match Limited::new(request.into_body(), MAX_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(e) => {
            let error = ApiError::serialization(format!("Request body could not be read: {e}"));
            return protocol::error_response(&error, request_id);
        }
    };
    let accounts: Option<Vec<String>> = if body.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        match serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| serde_json::from_value(v.get("accounts")?.clone()).ok())
        {
            Some(accounts) => Some(accounts),
            None => {
                let error = ApiError::serialization(
                    "A reset body must be {\"accounts\": [\"<12-digit id>\", ...]}".to_owned(),
                );
                return protocol::error_response(&error, request_id);
            }
        }
    };
    // World before memory: the order API calls take them in.
    let mut world = shared.world();
    let mut memory = shared.memory.lock().unwrap_or_else(|p| p.into_inner());
    match &accounts {
        Some(accounts) => {
            world.forget(accounts);
            memory.forget(accounts);
            tracing::debug!(?accounts, "accounts reset");
        }
        None => {
            world.reset();
            memory.clear();
            tracing::debug!("state reset");
        }
    }
    protocol::response(200, &json!({}), request_id)
}

/// One API call: decode, dispatch, render.
async fn api(
    shared: &Shared,
    request: Request<Incoming>,
    request_id: &str,
) -> Response<Full<Bytes>> {
    shared.knobs.delay().await;
    if shared.knobs.throttled() {
        let error = ApiError::throttling();
        return protocol::error_response(&error, request_id);
    }
    let (parts, body) = request.into_parts();
    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(e) => {
            let error = ApiError::serialization(format!("Request body could not be read: {e}"));
            return protocol::error_response(&error, request_id);
        }
    };
    let request = match protocol::decode(shared.spec, &shared.config, &parts.headers, &body) {
        Ok(request) => request,
        Err(error) => return protocol::error_response(&error, request_id),
    };
    let call = Call {
        operation: &request.operation,
        account: &request.account,
        input: &request.body,
        now: shared.clock.now(),
    };
    let answer = {
        let mut world = shared.world();
        let answer = catch_unwind(AssertUnwindSafe(|| match shared.mutant {
            None => Answer::Outcome(dispatch(shared.spec, &mut world, &call)),
            Some(mutant) => {
                let mut memory = shared.memory.lock().unwrap_or_else(|p| p.into_inner());
                mutant.answer(shared.spec, &mut world, &call, &mut memory)
            }
        }))
        .unwrap_or_else(|_| {
            Answer::Outcome(Err(ApiError::server(
                "An internal error occurred in the reference target",
            )))
        });
        if let Answer::Outcome(Err(ApiError {
            quirk: Some(quirk), ..
        })) = &answer
        {
            world.played.add(quirk);
        }
        answer
    };
    let answer = match answer {
        Answer::Outcome(Ok(mut output)) => {
            shared.knobs.settle(call.operation, &mut output);
            Answer::Outcome(Ok(output))
        }
        other => other,
    };
    render(answer, &call, request_id).await
}

/// Turn an answer into an HTTP response (waiting first for slow answers).
async fn render(answer: Answer, call: &Call<'_>, request_id: &str) -> Response<Full<Bytes>> {
    let answer = match answer {
        Answer::Slow(pause, inner) => {
            tokio::time::sleep(pause).await;
            *inner
        }
        other => other,
    };
    let outcome = match answer {
        Answer::Outcome(outcome) => outcome,
        Answer::Raw {
            status,
            content_type,
            body,
        } => {
            let mut response = Response::new(Full::new(body));
            *response.status_mut() = hyper::StatusCode::from_u16(status)
                .unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
            if let Ok(value) = hyper::header::HeaderValue::from_str(content_type) {
                response
                    .headers_mut()
                    .insert(hyper::header::CONTENT_TYPE, value);
            }
            return response;
        }
        Answer::Slow(..) => Err(ApiError::server("nested slow answers are not supported")),
    };
    tracing::debug!(
        operation = call.operation,
        account = call.account,
        ok = outcome.is_ok(),
        "api call"
    );
    match outcome {
        Ok(output) => protocol::response(200, &output, request_id),
        Err(error) => protocol::error_response(&error, request_id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::testing::{CONNECTION_STATES_SAMPLED_TWICE, OWNER, PARTNER};
    use crate::emulator::ManualClock;
    use serde_json::Value;
    use std::time::Duration;

    /// A client for one account of a running emulator.
    struct Client {
        http: reqwest::Client,
        endpoint: String,
        access_key: String,
    }

    /// One answer: status, headers we check, parsed body.
    struct Answer {
        status: u16,
        content_type: String,
        request_id: String,
        body: Value,
    }

    impl Client {
        fn new(emulator: &Emulator, access_key: &str) -> Client {
            Client {
                http: reqwest::Client::new(),
                endpoint: emulator.endpoint(),
                access_key: access_key.to_owned(),
            }
        }

        fn authorization(&self) -> String {
            format!(
                "AWS4-HMAC-SHA256 Credential={}/20240101/us-east-1/directconnect/aws4_request, \
                 SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature={}",
                self.access_key,
                "0".repeat(64)
            )
        }

        async fn send(&self, request: reqwest::RequestBuilder) -> Answer {
            let response = request.send().await.expect("request reaches the emulator");
            let header = |name: &str| {
                response
                    .headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned()
            };
            let (content_type, request_id) = (header("content-type"), header("x-amzn-requestid"));
            let status = response.status().as_u16();
            let text = response.text().await.unwrap();
            let body = serde_json::from_str(&text).unwrap_or(Value::Null);
            Answer {
                status,
                content_type,
                request_id,
                body,
            }
        }

        /// Call `operation`, asserting that a 200 answer validates against the
        /// operation's output shape.
        async fn call(&self, operation: &str, body: Value) -> Answer {
            let request = self
                .http
                .post(format!("{}/", self.endpoint))
                .header("content-type", "application/x-amz-json-1.1")
                .header("x-amz-target", format!("OvertureService.{operation}"))
                .header("x-amz-date", "20240101T000000Z")
                .header("authorization", self.authorization())
                .body(body.to_string());
            let answer = self.send(request).await;
            assert_eq!(answer.content_type, "application/x-amz-json-1.1");
            assert!(!answer.request_id.is_empty());
            if answer.status == 200 {
                let spec = Spec::builtin();
                let shape = spec.operation(operation).unwrap().output.clone().unwrap();
                let violations = spec.validate(&shape, &answer.body);
                assert!(violations.is_empty(), "{operation}: {violations:?}");
            }
            answer
        }

        async fn ok(&self, operation: &str, body: Value) -> Value {
            let answer = self.call(operation, body).await;
            assert_eq!(answer.status, 200, "{operation}: {}", answer.body);
            answer.body
        }

        /// Call `operation`, asserting a 400 DirectConnectClientException; its message.
        async fn client_error(&self, operation: &str, body: Value) -> String {
            let (status, kind, message) = self.error(operation, body).await;
            assert_eq!(
                (status, kind.as_str()),
                (400, "DirectConnectClientException")
            );
            message
        }

        /// A request to the target's own `/dxconform/{route}` (health, reset).
        async fn control(&self, method: reqwest::Method, route: &str) -> Answer {
            let url = format!("{}/dxconform/{route}", self.endpoint);
            self.send(self.http.request(method, url)).await
        }

        /// CreateConnection of a connection named `name` without tags.
        async fn create_connection(&self, location: &str, bandwidth: &str, name: &str) -> Value {
            let body =
                json!({"location": location, "bandwidth": bandwidth, "connectionName": name});
            self.ok("CreateConnection", body).await
        }

        async fn error(&self, operation: &str, body: Value) -> (u16, String, String) {
            let answer = self.call(operation, body).await;
            assert_ne!(
                answer.status, 200,
                "{operation} unexpectedly succeeded: {}",
                answer.body
            );
            (
                answer.status,
                answer.body["__type"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                answer.body["message"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        }
    }

    async fn start() -> Emulator {
        Emulator::start("127.0.0.1:0".parse().unwrap(), EmulatorConfig::default())
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn connection_lifecycle_end_to_end() {
        let emulator = start().await;
        assert!(emulator.endpoint().starts_with("http://127.0.0.1:"));
        let client = Client::new(&emulator, OWNER);

        let created = client
            .ok(
                "CreateConnection",
                json!({"location":"EqDC2","bandwidth":"1Gbps","connectionName":"e2e","tags":[{"key":"team","value":"net"}]}),
            )
            .await;
        assert_eq!(created["connectionState"], "requested");
        assert_eq!(created["ownerAccount"], OWNER);
        let id = created["connectionId"].as_str().unwrap().to_owned();
        let arn = format!("arn:aws:directconnect:us-east-1:{OWNER}:dxcon/{id}");

        let described = client
            .ok("DescribeConnections", json!({"connectionId": id}))
            .await;
        assert_eq!(
            described["connections"][0]["connectionState"], "pending",
            "one edge per observation"
        );

        let updated = client
            .ok(
                "UpdateConnection",
                json!({"connectionId": id, "connectionName":"e2e-renamed"}),
            )
            .await;
        assert_eq!(updated["connectionName"], "e2e-renamed");

        assert_eq!(
            client
                .ok(
                    "TagResource",
                    json!({"resourceArn": arn, "tags":[{"key":"env","value":"test"}]})
                )
                .await,
            json!({})
        );
        assert_eq!(
            client
                .ok(
                    "UntagResource",
                    json!({"resourceArn": arn, "tagKeys":["team"]})
                )
                .await,
            json!({})
        );
        let tags = client
            .ok("DescribeTags", json!({"resourceArns":[arn]}))
            .await;
        assert_eq!(
            tags,
            json!({"resourceTags":[{"resourceArn": arn, "tags":[{"key":"env","value":"test"}]}]})
        );

        let deleted = client
            .ok("DeleteConnection", json!({"connectionId": id}))
            .await;
        assert!(matches!(
            deleted["connectionState"].as_str(),
            Some("deleting" | "deleted")
        ));
        let after = client.ok("DescribeConnections", json!({})).await;
        assert_eq!(after["connections"][0]["connectionId"], json!(id));
        assert_eq!(after["connections"][0]["connectionState"], "deleted");
        let message = client
            .client_error("DeleteConnection", json!({"connectionId": id}))
            .await;
        assert!(message.contains("deleted state"), "{message}");

        emulator.shutdown().await;
    }

    #[tokio::test]
    async fn accounts_cannot_see_each_other() {
        let emulator = start().await;
        let owner = Client::new(&emulator, OWNER);
        let partner = Client::new(&emulator, PARTNER);
        let created = owner.create_connection("CSVA1", "10Gbps", "mine").await;
        let id = created["connectionId"].as_str().unwrap();
        assert_eq!(
            partner.ok("DescribeConnections", json!({})).await,
            json!({"connections": []})
        );
        let message = partner
            .client_error("DescribeConnections", json!({"connectionId": id}))
            .await;
        assert_eq!(message, format!("Could not find Connection with ID {id}"));
        let (_, _, missing) = owner
            .error(
                "DescribeConnections",
                json!({"connectionId": "dxcon-00000000"}),
            )
            .await;
        assert_eq!(missing, "Could not find Connection with ID dxcon-00000000");
        let (_, _, delete) = partner
            .error("DeleteConnection", json!({"connectionId": id}))
            .await;
        assert_eq!(delete, message);

        // The account header selects the account when the access key is not one.
        let by_header = owner
            .http
            .post(format!("{}/", emulator.endpoint()))
            .header("x-amz-target", "OvertureService.DescribeConnections")
            .header("x-dxconform-account-id", PARTNER)
            .header(
                "authorization",
                Client::new(&emulator, "AKIDEXAMPLE").authorization(),
            )
            .body("{}");
        let answer = owner.send(by_header).await;
        assert_eq!(answer.body, json!({"connections": []}));
        emulator.shutdown().await;
    }

    #[tokio::test]
    async fn protocol_rejections() {
        let emulator = start().await;
        let client = Client::new(&emulator, OWNER);
        let url = format!("{}/", emulator.endpoint());

        let (status, kind, _) = client.error("NoSuchOperation", json!({})).await;
        assert_eq!((status, kind.as_str()), (400, "UnknownOperationException"));

        // Unsigned, signed without a signature, and signed with a body that is not an object.
        let rejections = [
            (None, "{}", 403, "MissingAuthenticationTokenException"),
            (
                Some("AWS4-HMAC-SHA256 Signature=00".to_owned()),
                "{}",
                403,
                "IncompleteSignatureException",
            ),
            (
                Some(client.authorization()),
                "[1,2]",
                400,
                "SerializationException",
            ),
        ];
        for (authorization, body, status, error_type) in rejections {
            let mut request = client
                .http
                .post(&url)
                .header("x-amz-target", "OvertureService.DescribeConnections");
            if let Some(authorization) = authorization {
                request = request.header("authorization", authorization);
            }
            let answer = client.send(request.body(body)).await;
            assert_eq!(
                (answer.status, &answer.body["__type"]),
                (status, &json!(error_type))
            );
        }

        let (status, kind, _) = client
            .error(
                "CreateConnection",
                json!({"location":"EqDC2","bandwidth":1,"connectionName":"x"}),
            )
            .await;
        assert_eq!((status, kind.as_str()), (400, "SerializationException"));

        let (status, kind, message) = client.error("GetResiliencyGroup", json!({})).await;
        assert_eq!(
            (status, kind.as_str()),
            (400, "DirectConnectClientException")
        );
        assert!(message.contains("resiliencyGroupId"), "{message}");

        let health = client.control(reqwest::Method::GET, "health").await;
        assert_eq!(health.status, 200);
        let wrong_method = client.send(client.http.get(&url)).await;
        assert_eq!(wrong_method.status, 405);
        emulator.shutdown().await;
    }

    #[tokio::test]
    async fn input_rules() {
        let emulator = start().await;
        let client = Client::new(&emulator, OWNER);
        let message = client
            .client_error(
                "CreateConnection",
                json!({"location":"EqDC2","bandwidth":"3Gbps","connectionName":"x"}),
            )
            .await;
        assert!(message.contains("3Gbps"), "{message}");

        let (_, kind, _) = client
            .error(
                "CreateConnection",
                json!({"location":"EqDC2","bandwidth":"1Gbps","connectionName":"x","tags":[{"key":"a"},{"key":"a"}]}),
            )
            .await;
        assert_eq!(kind, "DuplicateTagKeysException");

        let id = client.create_connection("EqDC2", "1Gbps", "x").await["connectionId"].clone();
        let arn = format!(
            "arn:aws:directconnect:us-east-1:{OWNER}:dxcon/{}",
            id.as_str().unwrap()
        );
        let tags: Vec<Value> = (0..51)
            .map(|i| json!({"key": format!("k{i}"), "value": "v"}))
            .collect();
        let (status, kind, _) = client
            .error("TagResource", json!({"resourceArn": arn, "tags": tags}))
            .await;
        assert_eq!((status, kind.as_str()), (400, "TooManyTagsException"));

        let (_, kind, message) = client
            .error(
                "CreateConnection",
                json!({"location":"EqDC2","bandwidth":"1Gbps"}),
            )
            .await;
        assert_eq!(kind, "DirectConnectClientException");
        assert!(message.contains("'connectionName'"), "{message}");
        emulator.shutdown().await;
    }

    #[tokio::test]
    async fn async_states_follow_the_injected_clock() {
        let clock = ManualClock::new();
        let config = EmulatorConfig {
            async_delay: Duration::from_millis(50),
            ..EmulatorConfig::default()
        };
        let emulator = Emulator::start_with_clock(
            "127.0.0.1:0".parse().unwrap(),
            config,
            Arc::new(clock.clone()),
        )
        .await
        .unwrap();
        let client = Client::new(&emulator, OWNER);
        let created = client.create_connection("EqDC2", "1Gbps", "slow").await;
        assert_eq!(created["connectionState"], "requested");
        let id = created["connectionId"].clone();
        let mut seen = Vec::new();
        for step in [0, 25, 25, 25, 25, 1000] {
            clock.advance(Duration::from_millis(step));
            let out = client
                .ok("DescribeConnections", json!({"connectionId": id}))
                .await;
            seen.push(
                out["connections"][0]["connectionState"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
            );
        }
        assert_eq!(seen, CONNECTION_STATES_SAMPLED_TWICE);
        emulator.shutdown().await;
    }

    #[tokio::test]
    async fn reset_forgets_everything() {
        let emulator = start().await;
        let client = Client::new(&emulator, OWNER);
        client.create_connection("EqDC2", "1Gbps", "x").await;
        let reset = client.control(reqwest::Method::POST, "reset").await;
        assert_eq!((reset.status, reset.body), (200, json!({})));
        assert_eq!(
            client.ok("DescribeConnections", json!({})).await,
            json!({"connections": []})
        );
        emulator.shutdown().await;
    }

    #[tokio::test]
    async fn shutdown_stops_accepting() {
        let emulator = start().await;
        let endpoint = emulator.endpoint();
        emulator.shutdown().await;
        let result = reqwest::Client::new()
            .get(format!("{endpoint}/dxconform/health"))
            .send()
            .await;
        assert!(result.is_err(), "the listener is closed after shutdown");
    }

    #[tokio::test]
    async fn invalid_config_is_rejected_before_binding() {
        let config = EmulatorConfig {
            default_account: "nope".to_owned(),
            ..EmulatorConfig::default()
        };
        let err = Emulator::start("127.0.0.1:0".parse().unwrap(), config)
            .await
            .unwrap_err();
        assert!(matches!(err, ServeError::InvalidConfig { .. }), "{err}");
    }
}
