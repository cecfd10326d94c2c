//! What the CloudWatch source and sink share: building an SDK client from the standard AWS
//! provider chain, sorting a failed request into an outcome, backoff with jitter, and the one
//! request-rate limiter every CloudWatch reader in the process goes through.
//!
//! The SDK's own retries are switched off: every attempt goes through our loops, so each one
//! is counted in `scrubd_cloudwatch_requests_total{api,outcome}` and waits on the shared limiter.

use std::sync::Mutex;
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region};
use aws_sdk_cloudwatchlogs::error::{ProvideErrorMetadata, SdkError};
use tokio::time::Instant;

/// Longest a single API call may take, connection included, before it counts as a timeout.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(20);

/// Where a client connects and as whom: all optional, the standard provider chain fills what
/// is missing. Per source or sink, so one scrubd can read log groups of several accounts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Endpoint {
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    /// A named profile of the shared config and credentials files.
    pub profile: Option<String>,
    /// A role to assume (with STS) using the credentials found, e.g. in another account.
    pub role_arn: Option<String>,
    /// The external id the role's trust policy asks for.
    pub external_id: Option<String>,
}

impl Endpoint {
    /// The endpoint a source or sink table describes; `external_id` needs `role_arn`.
    pub(crate) fn new(
        region: Option<String>,
        endpoint_url: Option<String>,
        profile: Option<String>,
        role_arn: Option<String>,
        external_id: Option<String>,
    ) -> Result<Endpoint, crate::source::TableError> {
        if let (Some(x), None) = (&external_id, &role_arn) {
            return Err(crate::source::TableError::at(
                x,
                "external_id is used when assuming a role: set role_arn too",
            ));
        }
        if let Some(arn) = &role_arn {
            if !arn.starts_with("arn:") || arn.split(':').count() < 6 || !arn.contains(":role/") {
                return Err(crate::source::TableError::at(
                    arn,
                    format!("role_arn {arn:?}: expected arn:aws:iam::<account>:role/<name>"),
                ));
            }
        }
        Ok(Endpoint {
            region,
            endpoint_url,
            profile,
            role_arn,
            external_id,
        })
    }
}

/// CloudWatch's rule for log group names: 1-512 of [A-Za-z0-9_/.#-].
pub(crate) fn check_log_group(g: &str) -> Result<(), String> {
    let ok = !g.is_empty()
        && g.len() <= 512
        && g.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-/.#".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "log group {g:?}: CloudWatch allows 1-512 characters of [A-Za-z0-9_/.#-]"
        ))
    }
}

/// A CloudWatch Logs client with credentials and region from the standard chain (environment,
/// profile, SSO, web identity, IMDS) or the endpoint's profile, then the endpoint's role
/// assumed if it names one; no SDK retries, and bounded call times.
pub async fn client(endpoint: &Endpoint) -> aws_sdk_cloudwatchlogs::Client {
    aws_sdk_cloudwatchlogs::Client::new(&sdk_config(endpoint).await)
}

/// The shared SDK configuration [`client`] builds its client from (other services' clients,
/// such as `scrubd lambda`'s key fetch, are built from it too).
pub async fn sdk_config(endpoint: &Endpoint) -> aws_config::SdkConfig {
    let mut config = loader(endpoint).load().await;
    if let Some(arn) = &endpoint.role_arn {
        let mut role =
            aws_config::sts::AssumeRoleProvider::builder(arn.clone()).session_name("scrubd");
        if let Some(x) = &endpoint.external_id {
            role = role.external_id(x.clone());
        }
        let provider = role.configure(&config).build().await;
        config = loader(endpoint).credentials_provider(provider).load().await;
    }
    config
}

fn loader(endpoint: &Endpoint) -> aws_config::ConfigLoader {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(RetryConfig::disabled())
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(5))
                .operation_attempt_timeout(CALL_TIMEOUT)
                .operation_timeout(CALL_TIMEOUT)
                .build(),
        );
    if let Some(r) = &endpoint.region {
        loader = loader.region(Region::new(r.clone()));
    }
    if let Some(u) = &endpoint.endpoint_url {
        loader = loader.endpoint_url(u.clone());
    }
    if let Some(p) = &endpoint.profile {
        loader = loader.profile_name(p);
    }
    loader
}

/// How one API call ended: the `outcome` label of `scrubd_cloudwatch_requests_total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    /// ThrottlingException, TooManyRequests, 429: slow down.
    Throttled,
    /// 5xx or ServiceUnavailable: retry later.
    ServerError,
    /// The named group or stream does not exist.
    NotFound,
    /// Any other 4xx: the request itself is wrong (retrying as is will not help).
    ClientError,
    /// No answer: connection refused or reset, DNS, timeout.
    Network,
}

/// Every outcome label, registered at 0 up front.
pub const OUTCOMES: &[&str] = &[
    "ok",
    "throttled",
    "server_error",
    "not_found",
    "client_error",
    "network",
];
/// Every `api` label.
pub const APIS: &[&str] = &[
    "FilterLogEvents",
    "DescribeLogGroups",
    "PutLogEvents",
    "CreateLogGroup",
    "CreateLogStream",
];

impl Outcome {
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Throttled => "throttled",
            Outcome::ServerError => "server_error",
            Outcome::NotFound => "not_found",
            Outcome::ClientError => "client_error",
            Outcome::Network => "network",
        }
    }

    /// Whether trying the same request again later can succeed.
    pub fn retryable(self) -> bool {
        matches!(
            self,
            Outcome::Throttled | Outcome::ServerError | Outcome::Network
        )
    }
}

/// A failed call, reduced to what may be logged: the outcome, the error code and HTTP status.
/// The service's free-text message is left out on purpose: it may quote request content.
#[derive(Debug, Clone)]
pub struct CallError {
    pub outcome: Outcome,
    /// The service's error code, when it answered with one.
    pub code: Option<String>,
    pub summary: String,
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.summary)
    }
}

/// Sort an SDK error into an [`Outcome`] with a loggable summary.
pub fn classify<
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug + HttpStatus,
>(
    api: &str,
    err: &SdkError<E, R>,
) -> CallError {
    let code = match err {
        SdkError::ServiceError(s) => s.err().code().map(str::to_string),
        _ => None,
    };
    let (outcome, summary) = match err {
        SdkError::TimeoutError(_) => (Outcome::Network, format!("{api}: timed out")),
        SdkError::DispatchFailure(d) => {
            let what = if d.is_timeout() {
                "timed out"
            } else if d.is_io() {
                "connection failed"
            } else {
                "could not send the request"
            };
            (Outcome::Network, format!("{api}: {what}"))
        }
        SdkError::ResponseError(r) => {
            let status = r.raw().status_code();
            let outcome = if status >= 500 {
                Outcome::ServerError
            } else {
                Outcome::Network
            };
            (
                outcome,
                format!("{api}: unreadable response (HTTP {status})"),
            )
        }
        SdkError::ServiceError(s) => {
            let code = s.err().code().unwrap_or("unknown");
            let status = s.raw().status_code();
            let outcome = match code {
                "ThrottlingException"
                | "TooManyRequestsException"
                | "RequestLimitExceeded"
                | "Throttling"
                | "LimitExceededException" => Outcome::Throttled,
                "ServiceUnavailableException" | "InternalFailure" | "InternalServerError" => {
                    Outcome::ServerError
                }
                "ResourceNotFoundException" => Outcome::NotFound,
                _ if status == 429 => Outcome::Throttled,
                _ if status >= 500 => Outcome::ServerError,
                _ => Outcome::ClientError,
            };
            (outcome, format!("{api}: {code} (HTTP {status})"))
        }
        _ => (
            Outcome::ClientError,
            format!("{api}: request could not be built"),
        ),
    };
    CallError {
        outcome,
        code,
        summary,
    }
}

/// The HTTP status of a raw response, whatever the SDK's response type.
pub trait HttpStatus {
    fn status_code(&self) -> u16;
}

impl HttpStatus for aws_sdk_cloudwatchlogs::config::http::HttpResponse {
    fn status_code(&self) -> u16 {
        self.status().as_u16()
    }
}

/// Exponential backoff with full jitter: attempt 0 waits up to `base`, each further attempt
/// doubles the cap, up to `max`.
pub fn backoff(attempt: u32, base: Duration, max: Duration) -> Duration {
    let cap = base.saturating_mul(1u32 << attempt.min(16)).min(max);
    let lo = cap / 2;
    lo + cap.mul_f64(rand::random::<f64>() * 0.5)
}

/// The process's one [`RateLimiter`] for CloudWatch reads (`per_second` of the first caller:
/// every source is handed the same `[cloudwatch]` setting).
pub fn shared_limiter(per_second: f64) -> std::sync::Arc<RateLimiter> {
    static LIMITER: std::sync::OnceLock<std::sync::Arc<RateLimiter>> = std::sync::OnceLock::new();
    std::sync::Arc::clone(LIMITER.get_or_init(|| std::sync::Arc::new(RateLimiter::new(per_second))))
}

/// One limiter for every CloudWatch read request of the process (the quotas are per account
/// and region, not per log group): requests are spaced at least `interval` apart. The spacing
/// adapts: a throttled answer doubles it (up to 16× the configured one), each success shrinks
/// it by 5 % back toward the configured spacing.
#[derive(Debug)]
pub struct RateLimiter {
    state: Mutex<LimiterState>,
}

#[derive(Debug)]
struct LimiterState {
    base: Duration,
    interval: Duration,
    next: Instant,
}

impl RateLimiter {
    /// At most `per_second` requests per second (at least one every 100 s).
    pub fn new(per_second: f64) -> Self {
        let base = Duration::from_secs_f64(1.0 / per_second.max(0.01));
        RateLimiter {
            state: Mutex::new(LimiterState {
                base,
                interval: base,
                next: Instant::now(),
            }),
        }
    }

    /// Wait for this caller's turn.
    pub async fn acquire(&self) {
        let at = {
            let mut s = self.state.lock().expect("limiter lock");
            let now = Instant::now();
            let at = s.next.max(now);
            s.next = at + s.interval;
            at
        };
        tokio::time::sleep_until(at).await;
    }

    /// Feed back how a request went.
    pub fn record(&self, outcome: Outcome) {
        let mut s = self.state.lock().expect("limiter lock");
        s.interval = match outcome {
            Outcome::Throttled => (s.interval * 2).min(s.base * 16),
            Outcome::Ok => s.interval.mul_f64(0.95).max(s.base),
            _ => s.interval,
        };
    }

    /// The current spacing between requests.
    #[cfg(test)]
    pub fn interval(&self) -> Duration {
        self.state.lock().expect("limiter lock").interval
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let base = Duration::from_millis(100);
        let max = Duration::from_secs(10);
        for attempt in 0..40 {
            let b = backoff(attempt, base, max);
            let cap = base.saturating_mul(1 << attempt.min(16)).min(max);
            assert!(
                b >= cap / 2 && b <= cap,
                "attempt {attempt}: {b:?} outside [{:?}, {cap:?}]",
                cap / 2
            );
        }
    }

    #[test]
    fn throttling_widens_the_spacing_and_success_narrows_it_back() {
        let l = RateLimiter::new(10.0);
        assert_eq!(l.interval(), Duration::from_millis(100));
        l.record(Outcome::Throttled);
        l.record(Outcome::Throttled);
        assert_eq!(l.interval(), Duration::from_millis(400));
        for _ in 0..10 {
            l.record(Outcome::Throttled);
        }
        assert_eq!(l.interval(), Duration::from_millis(1600), "capped at 16x");
        for _ in 0..200 {
            l.record(Outcome::Ok);
        }
        assert_eq!(l.interval(), Duration::from_millis(100));
    }

    #[tokio::test]
    async fn requests_are_spaced_by_the_interval() {
        let l = RateLimiter::new(50.0);
        let t0 = Instant::now();
        for _ in 0..5 {
            l.acquire().await;
        }
        // The first goes at once, the next four 20 ms apart.
        let took = t0.elapsed();
        assert!(took >= Duration::from_millis(80), "{took:?}");
    }
}
