//! The daemon config parser on arbitrary text: an error or a config, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = scrubd::Config::parse(std::path::Path::new("fuzz.toml"), text);
});
