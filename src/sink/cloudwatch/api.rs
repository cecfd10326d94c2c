//! One PutLogEvents call, with the group and stream created on demand: shared by the sink
//! (which drives it from its own thread with `block_on`) and the Lambda entry (which awaits
//! it). Every attempt is reported to `count` with its API name and outcome.

use aws_sdk_cloudwatchlogs::types::InputLogEvent;
use aws_sdk_cloudwatchlogs::Client;

use super::batch::Rejected;
use crate::aws::{classify, CallError, Outcome};

/// What a put may create when the destination is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Create {
    /// Nothing: a missing group or stream is an error.
    Nothing,
    /// The stream only: the group must exist (the Lambda's role has no CreateLogGroup).
    Stream,
    /// The group, then the stream.
    GroupAndStream,
}

/// Counts one attempt of an API call.
pub type Count<'a> = &'a (dyn Fn(&'static str, Outcome) + Sync);

/// Send `events` (one batch within the limits, see [`super::batch`]) to `group`/`stream`.
/// On a missing group or stream, create what `create` allows and send once more.
pub async fn put(
    client: &Client,
    group: &str,
    stream: &str,
    events: &[InputLogEvent],
    create: Create,
    count: Count<'_>,
) -> Result<Rejected, CallError> {
    let mut created = false;
    loop {
        let sent = client
            .put_log_events()
            .log_group_name(group)
            .log_stream_name(stream)
            .set_log_events(Some(events.to_vec()))
            .send()
            .await;
        match sent {
            Ok(out) => {
                count("PutLogEvents", Outcome::Ok);
                let r = out.rejected_log_events_info();
                return Ok(Rejected {
                    too_new_from: r
                        .and_then(|r| r.too_new_log_event_start_index())
                        .map(|i| i.max(0) as usize),
                    too_old_to: r
                        .and_then(|r| r.too_old_log_event_end_index())
                        .map(|i| i.max(0) as usize),
                    expired_to: r
                        .and_then(|r| r.expired_log_event_end_index())
                        .map(|i| i.max(0) as usize),
                });
            }
            Err(e) => {
                let e = classify("PutLogEvents", &e);
                count("PutLogEvents", e.outcome);
                if e.outcome == Outcome::NotFound && create != Create::Nothing && !created {
                    create_stream(
                        client,
                        group,
                        stream,
                        create == Create::GroupAndStream,
                        count,
                    )
                    .await?;
                    created = true;
                    continue;
                }
                return Err(e);
            }
        }
    }
}

/// Create `stream` in `group` (and first the group, if `with_group`); "already exists" is
/// success.
pub async fn create_stream(
    client: &Client,
    group: &str,
    stream: &str,
    with_group: bool,
    count: Count<'_>,
) -> Result<(), CallError> {
    let exists = |e: &CallError| e.code.as_deref() == Some("ResourceAlreadyExistsException");
    if with_group {
        match client.create_log_group().log_group_name(group).send().await {
            Ok(_) => {
                count("CreateLogGroup", Outcome::Ok);
                tracing::info!(group = %group, "created log group");
            }
            Err(e) => {
                let e = classify("CreateLogGroup", &e);
                count("CreateLogGroup", e.outcome);
                if !exists(&e) {
                    return Err(e);
                }
            }
        }
    }
    match client
        .create_log_stream()
        .log_group_name(group)
        .log_stream_name(stream)
        .send()
        .await
    {
        Ok(_) => {
            count("CreateLogStream", Outcome::Ok);
            Ok(())
        }
        Err(e) => {
            let e = classify("CreateLogStream", &e);
            count("CreateLogStream", e.outcome);
            if exists(&e) {
                Ok(())
            } else {
                Err(e)
            }
        }
    }
}
