#!/usr/bin/env python3
"""The naive baseline: a Python `re.sub` secret filter, stdin -> stdout, line by line.

This is what a user would write instead of scrubd: a short list of compiled
regexes, one per secret family scrubd handles, each applied with `re.sub` to
every line of sys.stdin.buffer, replacing the secret part (not the key/prefix)
with `[REDACTED:<kind>]`.

The pattern list below is also the single source of truth for the other
baselines in scripts/bench.sh:

    baseline_filter.py --emit rg    # one regex per line, for `rg -c -f FILE`
    baseline_filter.py --emit sed   # a `sed -E -f FILE` script (one s### per family)

The regexes therefore stick to the subset that Python `re`, Rust `regex`
(ripgrep) and GNU `sed -E` all read the same way: no lookaround, no `(?:...)`,
no `\\d`/`\\s`, no POSIX classes.
"""

import re
import sys

# (kind, prefix kept verbatim, secret replaced, literal suffix re-emitted after the marker)
# The secret regex includes the suffix (if any) at its end, so a match must see it.
PATTERNS = [
    ("aws-sigv4", r'(Signature=)', r'[0-9a-f]{64}', ''),
    ("bearer", r'([Bb]earer +)', r'[A-Za-z0-9._~+/=-]{16,}', ''),
    ("basic", r'([Aa]uthorization"?: *"?Basic +)', r'[A-Za-z0-9+/]{8,}={0,2}', ''),
    ("aws-secret-access-key", r'([Aa][Ww][Ss]_[Ss][Ee][Cc][Rr][Ee][Tt]_[Aa][Cc][Cc][Ee][Ss][Ss]_[Kk][Ee][Yy] *[=:] *"?)',
     r'[A-Za-z0-9/+]{40}', ''),
    ("password", r'("(password|passwd|pwd)" *: *")', r'[^"]+', ''),
    ("dynamodb-refresh-token", r'("(refresh_token|access_token|id_token)" *: *\{ *"S" *: *")', r'[^"]+', ''),
    ("mongodb-uri", r'(mongodb(\+srv)?://[^:/@ ]+:)', r'[^@/ ]+@', '@'),
    ("url-access-token", r'([?&](access_token|id_token|refresh_token|api_key)=)', r'[^&" ]+', ''),
    ("cookie", r'(sessionid=)', r'[^;" ]+', ''),
    ("jwt", '', r'eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}', ''),
    ("aws-access-key-id", '', r'\b(AKIA|ASIA)[A-Z0-9]{16}\b', ''),
]


def emit_rg():
    return "".join(prefix + secret + "\n" for _, prefix, secret, _ in PATTERNS)


def emit_sed():
    out = []
    for kind, prefix, secret, suffix in PATTERNS:
        delim = next(c for c in "#%!,;|~" if c not in prefix + secret + suffix + kind)
        repl = ("\\1" if prefix else "") + "[REDACTED:%s]" % kind + suffix
        out.append("s%s%s%s%s%sg\n" % (delim, prefix + secret, delim, repl, delim))
    return "".join(out)


def build():
    """One compiled regex per family, applied in turn (what a user's script does).

    (A single alternation of all families was measured too: it is ~2.4x slower
    in CPython's `re`, which has no multi-pattern prefilter, so the per-family
    list is the stronger baseline.)"""
    subs = []
    for kind, prefix, secret, suffix in PATTERNS:
        rx = re.compile((prefix + secret).encode())
        repl = (b"\\1" if prefix else b"") + ("[REDACTED:%s]" % kind).encode() + suffix.encode()
        subs.append((rx.sub, repl))
    return subs


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--emit":
        sys.stdout.write({"rg": emit_rg, "sed": emit_sed}[sys.argv[2]]())
        return
    if len(sys.argv) != 1:
        sys.exit("usage: baseline_filter.py < in > out  |  baseline_filter.py --emit rg|sed")
    subs = build()
    write = sys.stdout.buffer.write
    for line in sys.stdin.buffer:
        for sub, repl in subs:
            line = sub(repl, line)
        write(line)


if __name__ == "__main__":
    main()
