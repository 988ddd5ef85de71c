//! Starting, resetting and stopping targets: an in-process server (the embedded
//! reference target, started by whoever chose it), a pinned moto server, any URL,
//! or real AWS.

use std::collections::BTreeMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::{Signer, TargetConfig, TargetError, TargetKind, WaitPolicy, WireClient};
use crate::vocab::{AccountSelector, Accounts, Principal, REFERENCE_RESET_PATH};

/// A server running inside this process that an `Embedded` target without an
/// endpoint talks to: where it listens and how it stops. `target` never names what
/// it is; the layer that chooses targets starts it (`run::launch` starts the
/// reference target) and hands it to [`LaunchedTarget::launch`].
pub trait InProcessServer: Send + Sync {
    /// Its base URL, on loopback.
    fn endpoint(&self) -> String;
    /// What reports call it ([`TargetIdentity::version`]).
    fn version(&self) -> String;
    /// Stop serving and wait until it has stopped.
    fn shutdown(self: Box<Self>) -> Pin<Box<dyn Future<Output = ()> + Send>>;
}

/// What a report says about the target.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TargetIdentity {
    /// Kind of target.
    pub kind: TargetKind,
    /// Endpoint URL.
    pub endpoint: String,
    /// Product and version when known (e.g. `moto 5.2.5`).
    pub version: Option<String>,
    /// Region.
    pub region: String,
    /// How accounts were selected.
    pub accounts: AccountSelector,
}

enum Guard {
    None,
    InProcess(Box<dyn InProcessServer>),
    Moto(tokio::process::Child),
}

/// A target ready to take requests. Stop it with [`LaunchedTarget::stop`].
pub struct LaunchedTarget {
    /// The wire client for this target.
    pub client: WireClient,
    /// What it is.
    pub identity: TargetIdentity,
    /// Eventual-consistency budget of Describe steps ([`TargetConfig::consistency_budget`]).
    pub consistency_budget: std::time::Duration,
    /// How resources in transitional states are waited for ([`TargetConfig::wait`]).
    pub wait: WaitPolicy,
    /// The resource journal, when the target cannot be reset and a journal was asked for.
    pub journal: Option<std::sync::Arc<super::Journal>>,
    reset_url: Option<String>,
    /// The reset URL is the reference target's, which can reset single accounts.
    scoped_reset: bool,
    guard: Guard,
}

impl std::fmt::Debug for LaunchedTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LaunchedTarget")
            .field("identity", &self.identity)
            .finish()
    }
}

impl LaunchedTarget {
    /// Start (or connect to) the target described by `config`, after
    /// [`TargetConfig::validate`] admits it (nothing is sent to a refused target).
    /// `in_process` is the server an `Embedded` target without an endpoint runs
    /// against (started by the caller; stopped by [`LaunchedTarget::stop`]); other
    /// targets take `None`.
    pub async fn launch(
        config: &TargetConfig,
        in_process: Option<Box<dyn InProcessServer>>,
    ) -> Result<LaunchedTarget, TargetError> {
        config.validate()?;
        let (endpoint, guard, version, default_selector, reset_url) = match config.kind {
            TargetKind::Embedded => match (&config.endpoint, in_process) {
                (Some(endpoint), _) => (
                    endpoint.clone(),
                    Guard::None,
                    None,
                    AccountSelector::AccessKey,
                    Some(format!(
                        "{}{REFERENCE_RESET_PATH}",
                        endpoint.trim_end_matches('/')
                    )),
                ),
                (None, Some(server)) => {
                    let endpoint = server.endpoint();
                    let reset = format!("{endpoint}{REFERENCE_RESET_PATH}");
                    let version = Some(server.version());
                    (
                        endpoint,
                        Guard::InProcess(server),
                        version,
                        AccountSelector::AccessKey,
                        Some(reset),
                    )
                }
                (None, None) => return Err(TargetError::NoInProcessServer),
            },
            TargetKind::Moto => {
                let selector = AccountSelector::Header("x-moto-account-id".to_owned());
                match &config.endpoint {
                    Some(endpoint) => {
                        let reset = format!("{}/moto-api/reset", endpoint.trim_end_matches('/'));
                        (endpoint.clone(), Guard::None, None, selector, Some(reset))
                    }
                    None => {
                        let program = find_moto(config.moto_server.as_deref())?;
                        let (endpoint, child) = spawn_moto(&program).await?;
                        let version = moto_version(&program).await.map(|v| format!("moto {v}"));
                        let reset = format!("{endpoint}/moto-api/reset");
                        (endpoint, Guard::Moto(child), version, selector, Some(reset))
                    }
                }
            }
            TargetKind::Url => {
                let endpoint =
                    config
                        .endpoint
                        .clone()
                        .ok_or_else(|| TargetError::InvalidEndpoint {
                            endpoint: String::new(),
                            reason: "--endpoint is required for a URL target".to_owned(),
                        })?;
                (
                    endpoint,
                    Guard::None,
                    None,
                    AccountSelector::AccessKey,
                    config.reset_url.clone(),
                )
            }
            TargetKind::Aws => {
                let endpoint = config
                    .endpoint
                    .clone()
                    .or_else(|| std::env::var("AWS_ENDPOINT_URL_DIRECT_CONNECT").ok())
                    .or_else(|| std::env::var("AWS_ENDPOINT_URL").ok())
                    .unwrap_or_else(|| {
                        format!("https://directconnect.{}.amazonaws.com", config.region)
                    });
                (
                    endpoint,
                    Guard::None,
                    Some("AWS".to_owned()),
                    AccountSelector::Credentials,
                    None,
                )
            }
        };
        let selector = config.selector.clone().unwrap_or(default_selector);
        let signers = signers(config, &selector).await?;
        let client = WireClient::new(
            &endpoint,
            config.accounts.clone(),
            selector.clone(),
            signers,
            &config.wire,
        )?
        .with_retry(config.retry.clone());
        let identity = TargetIdentity {
            kind: config.kind,
            endpoint: client.endpoint().to_owned(),
            version,
            region: config.region.clone(),
            accounts: selector,
        };
        let journal = match (&config.journal, &reset_url) {
            (Some(path), None) => {
                let run_id = config.run_id.clone().unwrap_or_else(|| {
                    let epoch = std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map_or(0, |d| d.as_secs());
                    format!("run-{epoch}-{}", std::process::id())
                });
                let place = super::Place {
                    selector: identity.accounts.clone(),
                    region: identity.region.clone(),
                    endpoint: identity.kind,
                };
                let journal = super::Journal::open(path, &run_id, place).map_err(|e| {
                    TargetError::Client(format!("cannot open the journal {}: {e}", path.display()))
                })?;
                tracing::info!(journal = %path.display(), run_id, "journaling created resources");
                Some(std::sync::Arc::new(journal))
            }
            _ => None,
        };
        Ok(LaunchedTarget {
            client,
            identity,
            consistency_budget: config.consistency_budget,
            wait: config.wait,
            journal,
            scoped_reset: reset_url
                .as_deref()
                .is_some_and(|u| u.ends_with(REFERENCE_RESET_PATH)),
            reset_url,
            guard,
        })
    }

    /// Whether the target can be reset between cases.
    pub fn can_reset(&self) -> bool {
        self.reset_url.is_some()
    }

    /// Reset the target's state (no-op without a reset URL).
    pub async fn reset(&self) -> Result<(), TargetError> {
        match self.reset_request(None) {
            Some(request) => self.admin(request).await,
            None => Ok(()),
        }
    }

    /// Whether single accounts can be reset ([`LaunchedTarget::reset_accounts`]).
    pub fn can_reset_accounts(&self) -> bool {
        self.scoped_reset && self.reset_url.is_some()
    }

    /// Reset only the resources of `accounts` (in one request), leaving other cases'
    /// accounts alone. Only the reference target can (`false`: this target has no
    /// such reset).
    pub async fn reset_accounts(&self, accounts: &[&Accounts]) -> Result<bool, TargetError> {
        if !self.can_reset_accounts() {
            return Ok(false);
        }
        match self.reset_request(Some(accounts)) {
            Some(request) => self.admin(request).await.map(|()| true),
            None => Ok(false),
        }
    }

    /// The request that resets the whole target (`None`) or only `accounts`.
    pub fn reset_request(&self, accounts: Option<&[&Accounts]>) -> Option<super::RawRequest> {
        let url = self.reset_url.clone()?;
        let body = match accounts {
            Some(pairs) if self.scoped_reset => {
                let ids: Vec<&str> = pairs
                    .iter()
                    .flat_map(|a| [a.owner.as_str(), a.partner.as_str()])
                    .collect();
                serde_json::json!({ "accounts": ids }).to_string()
            }
            _ => String::new(),
        };
        Some(super::RawRequest {
            url,
            headers: vec![("content-type".to_owned(), "application/json".to_owned())],
            body: bytes::Bytes::from(body),
        })
    }

    /// Send an admin request (a reset); any non-2xx answer is an error.
    async fn admin(&self, request: super::RawRequest) -> Result<(), TargetError> {
        let failed = |reason: String| TargetError::Reset {
            endpoint: request.url.clone(),
            reason,
        };
        let answer = self
            .client
            .transport
            .post(&request.url, &request.headers, request.body.clone())
            .await
            .map_err(|f| failed(f.message))?;
        if (200..300).contains(&answer.status) {
            Ok(())
        } else {
            Err(failed(format!("HTTP {}", answer.status)))
        }
    }

    /// Check that the target answers at all (any HTTP answer counts).
    pub async fn probe(&self) -> Result<(), TargetError> {
        let exchange = self
            .client
            .call(
                Principal::Owner,
                "DescribeLocations",
                &serde_json::json!({}),
            )
            .await;
        match exchange.outcome {
            crate::vocab::Outcome::TransportFault { message, .. } => {
                Err(TargetError::Unreachable {
                    endpoint: self.identity.endpoint.clone(),
                    reason: message,
                })
            }
            _ => Ok(()),
        }
    }

    /// Stop what was started (the in-process server, the moto process).
    pub async fn stop(self) {
        match self.guard {
            Guard::None => {}
            Guard::InProcess(server) => server.shutdown().await,
            Guard::Moto(mut child) => {
                let _ = child.kill().await;
            }
        }
    }
}

async fn signers(
    config: &TargetConfig,
    selector: &AccountSelector,
) -> Result<BTreeMap<Principal, Signer>, TargetError> {
    let service = crate::spec::Spec::builtin().source.signing_name.clone();
    let mut out = BTreeMap::new();
    for principal in Principal::ALL {
        let signer = match selector {
            AccountSelector::AccessKey => {
                Signer::for_emulator(config.accounts.of(principal), &config.region, &service)
            }
            AccountSelector::Header(_) => {
                Signer::for_emulator("AKIDDXCONFORMTEST", &config.region, &service)
            }
            AccountSelector::Credentials => {
                let Some(profile) = config.profiles.get(&principal) else {
                    if principal == Principal::Owner {
                        let creds = aws_credentials(None, &config.region, principal).await?;
                        out.insert(principal, Signer::new(creds, &config.region, &service));
                    }
                    continue;
                };
                let creds = aws_credentials(Some(profile), &config.region, principal).await?;
                Signer::new(creds, &config.region, &service)
            }
        };
        out.insert(principal, signer);
    }
    Ok(out)
}

/// Resolve credentials through aws-config's standard chain (env, profile, SSO cache, …).
async fn aws_credentials(
    profile: Option<&str>,
    region: &str,
    principal: Principal,
) -> Result<aws_credential_types::Credentials, TargetError> {
    use aws_credential_types::provider::ProvideCredentials;
    let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new(region.to_owned()));
    if let Some(p) = profile {
        loader = loader.profile_name(p);
    }
    let config = loader.load().await;
    let failed = |reason: String| TargetError::Credentials {
        principal: principal.to_string(),
        reason,
    };
    let provider = config
        .credentials_provider()
        .ok_or_else(|| failed("no credentials provider".to_owned()))?;
    provider
        .provide_credentials()
        .await
        .map_err(|e| failed(e.to_string()))
}

fn find_moto(explicit: Option<&Path>) -> Result<PathBuf, TargetError> {
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(p) = explicit {
        candidates.push(p.to_owned());
    }
    if let Some(p) = std::env::var_os("DXCONFORM_MOTO_SERVER") {
        candidates.push(PathBuf::from(p));
    }
    candidates.push(PathBuf::from(".venv/bin/moto_server"));
    candidates.push(Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/moto_server"));
    if let Some(path) = std::env::var_os("PATH") {
        candidates.extend(std::env::split_paths(&path).map(|d| d.join("moto_server")));
    }
    candidates
        .iter()
        .find(|p| p.is_file())
        .cloned()
        .ok_or_else(|| TargetError::MotoNotFound {
            searched: candidates
                .iter()
                .take(4)
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
        })
}

fn free_port() -> Result<u16, std::io::Error> {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0))?;
    Ok(listener.local_addr()?.port())
}

async fn spawn_moto(program: &Path) -> Result<(String, tokio::process::Child), TargetError> {
    let spawn_error = |source| TargetError::Spawn {
        program: program.to_owned(),
        source,
    };
    let port = free_port().map_err(spawn_error)?;
    let child = tokio::process::Command::new(program)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .map_err(spawn_error)?;
    let endpoint = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    let health = format!("{endpoint}/moto-api/");
    while Instant::now() < deadline {
        if let Ok(r) = http
            .get(&health)
            .timeout(Duration::from_secs(2))
            .send()
            .await
        {
            if r.status().is_success() {
                return Ok((endpoint, child));
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(TargetError::NotReady {
        endpoint,
        seconds: 60,
    })
}

/// moto's version, asked of the python beside the moto_server script.
async fn moto_version(program: &Path) -> Option<String> {
    let python = program.parent()?.join("python");
    let output = tokio::process::Command::new(python)
        .args(["-c", "import moto; print(moto.__version__)"])
        .output()
        .await
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}
