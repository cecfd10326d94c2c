//! Criterion benches of the engine alone (no I/O): clean lines, leaky lines, long lines.
//! Throughput is reported per input byte; compare runs on the same machine only.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use scrubd::engine::{Mode, RuleSet, Scrubber, StreamState};
use std::sync::Arc;

fn block(lines: &[&str], bytes: usize) -> Vec<u8> {
    let mut b = Vec::with_capacity(bytes + 4096);
    while b.len() < bytes {
        for l in lines {
            b.extend_from_slice(l.as_bytes());
            b.push(b'\n');
        }
    }
    b
}

fn bench(c: &mut Criterion) {
    let s = Scrubber::new(Arc::new(RuleSet::builtin().unwrap()), Mode::Mask);
    let clean = block(
        &[
            r#"{"level":"info","time":1732431433000,"pid":4242,"msg":"request completed","req":{"id":"4bf92f3577b34da6a3ce929d0e0e4736","method":"GET","url":"/api/v1/items/6571f0c2a1b2c3d4e5f60718"},"res":{"statusCode":200},"responseTime":12}"#,
            r#"127.0.0.1 - - [24/Nov/2026:06:57:13 +0000] "GET /static/app.3f9a1c7e.js HTTP/1.1" 200 51234 "-" "Mozilla/5.0 (X11; Linux x86_64)""#,
            r#"2026-11-24 06:57:13,512 botocore.hooks [DEBUG] Event needs-retry.dynamodb.GetItem: calling handler <botocore.retryhandler.RetryHandler object at 0x7f85794d9310>"#,
        ],
        1 << 20,
    );
    let leaky = block(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/leaky.log"))
            .unwrap()
            .lines()
            .collect::<Vec<_>>(),
        1 << 20,
    );
    let long_line = format!(
        "{} password=hunter2hunter2 {}",
        "a".repeat(500_000),
        "b ".repeat(250_000)
    );
    let long = block(&[&long_line], 1 << 20);

    let mut g = c.benchmark_group("scrub_block");
    for (name, input) in [("clean", &clean), ("leaky", &leaky), ("long_lines", &long)] {
        g.throughput(Throughput::Bytes(input.len() as u64));
        g.bench_with_input(BenchmarkId::from_parameter(name), input, |b, input| {
            let mut scratch = s.scratch();
            let (mut out, mut hits) = (Vec::with_capacity(input.len() * 2), Vec::new());
            b.iter(|| {
                out.clear();
                hits.clear();
                s.scrub_block(
                    input,
                    &mut StreamState::default(),
                    &mut scratch,
                    &mut out,
                    &mut hits,
                );
                out.len()
            })
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
