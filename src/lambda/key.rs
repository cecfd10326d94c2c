//! Hash mode's key from SSM Parameter Store or Secrets Manager, fetched once at init with the
//! function's credentials and the standard endpoint settings (`AWS_ENDPOINT_URL`, …).
//!
//! Errors name the parameter or secret and say what AWS answered (its error code and
//! message); they never hold key material. The key itself is only handed to `Mode::hash`.

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_sdk_ssm::error::{DisplayErrorContext, ProvideErrorMetadata};

use super::settings::KeySource;

/// The key bytes `source` names (a file source is read by the caller).
pub async fn fetch(source: &KeySource) -> Result<Vec<u8>, String> {
    let config = crate::aws::sdk_config(&crate::aws::Endpoint::default()).await;
    // Init runs once: a few retries ride out a throttle or a dropped connection.
    let retry = RetryConfig::standard()
        .with_max_attempts(3)
        .with_initial_backoff(Duration::from_millis(200));
    match source {
        KeySource::File(_) => Err("a key file is not fetched".into()),
        KeySource::SsmParameter(name) => {
            let conf = aws_sdk_ssm::config::Builder::from(&config)
                .retry_config(retry)
                .build();
            let out = aws_sdk_ssm::Client::from_conf(conf)
                .get_parameter()
                .name(name)
                .with_decryption(true)
                .send()
                .await
                .map_err(|e| format!("SSM parameter {name:?}: {}", sdk_error(&e)))?;
            let value = out.parameter.and_then(|p| p.value).unwrap_or_default();
            if value.is_empty() {
                return Err(format!("SSM parameter {name:?} has no value"));
            }
            Ok(value.into_bytes())
        }
        KeySource::Secret(id) => {
            let conf = aws_sdk_secretsmanager::config::Builder::from(&config)
                .retry_config(retry)
                .build();
            let out = aws_sdk_secretsmanager::Client::from_conf(conf)
                .get_secret_value()
                .secret_id(id)
                .send()
                .await
                .map_err(|e| format!("Secrets Manager secret {id:?}: {}", sdk_error(&e)))?;
            match (out.secret_string, out.secret_binary) {
                (Some(s), _) if !s.is_empty() => Ok(s.into_bytes()),
                (_, Some(b)) if !b.as_ref().is_empty() => Ok(b.into_inner()),
                _ => Err(format!(
                    "Secrets Manager secret {id:?} has neither a SecretString nor a SecretBinary"
                )),
            }
        }
    }
}

/// What AWS answered: its error code and message, or the transport failure (no request or
/// response body is quoted).
fn sdk_error<E>(e: &E) -> String
where
    E: ProvideErrorMetadata + std::error::Error,
{
    match (e.code(), e.message()) {
        (Some(code), Some(message)) => format!("{code}: {message}"),
        (Some(code), None) => code.to_string(),
        _ => DisplayErrorContext(e).to_string(),
    }
}
