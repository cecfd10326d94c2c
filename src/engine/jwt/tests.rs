use super::*;
use crate::engine::keyvalue;

fn names() -> Names {
    Names::compile(&keyvalue::builtin_names().unwrap())
}

fn b64(b: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

/// A compact JWS: `header` and `claims` as JSON text, HMAC-signed with `key` for HS*, else a
/// fixed fake signature (`none`: empty).
fn mint(header: &str, claims: &str, key: &[u8]) -> String {
    let signed = format!("{}.{}", b64(header.as_bytes()), b64(claims.as_bytes()));
    let alg: Value = serde_json::from_str::<Value>(header).unwrap()["alg"].clone();
    let sig = match alg.as_str().unwrap_or("") {
        "HS256" => {
            let mut m = Hmac::<Sha256>::new_from_slice(key).unwrap();
            m.update(signed.as_bytes());
            m.finalize().into_bytes().to_vec()
        }
        "HS384" => {
            let mut m = Hmac::<Sha384>::new_from_slice(key).unwrap();
            m.update(signed.as_bytes());
            m.finalize().into_bytes().to_vec()
        }
        "HS512" => {
            let mut m = Hmac::<Sha512>::new_from_slice(key).unwrap();
            m.update(signed.as_bytes());
            m.finalize().into_bytes().to_vec()
        }
        "none" => Vec::new(),
        _ => vec![7; 256],
    };
    format!("{signed}.{}", b64(&sig))
}

const NOW: i64 = 1_800_000_000;

fn alg_of(token: &str) -> &'static str {
    crate::engine::validate::jwt_alg(token.as_bytes()).unwrap()
}

fn report_with(policy: &Policy, token: &str, cache: &mut JwtCache) -> Report {
    cache.set_seen_at(Some(NOW));
    policy.analyze(token.as_bytes(), alg_of(token), &names(), cache)
}

fn findings(token: &str) -> Vec<&'static str> {
    let p = Policy::builtin();
    let r = report_with(&p, token, &mut p.cache());
    r.findings.iter().map(Finding::name).collect()
}

fn clean_claims() -> String {
    format!(
        r#"{{"sub":"42","iss":"https://auth.example.com/","iat":{},"exp":{}}}"#,
        NOW - 60,
        NOW + 3600
    )
}

const RANDOM_KEY: &[u8] = b"\x8f\x1d\x92\x0b\xc4\x7e\x55\x13\x9a\x0e\x61\xd2\x3b\xf7\x48\xa9\x02\x6c\xde\x35\x71\xb0\x1f\x8a\x44\xe9\x57\x2d\xc6\x93\x0a\x7b\x18\xf4\x65\xa2\x3c\xd9\x80\x4e\x27\xbb\x16\x9f\x52\xe3\x0d\x79\xc1\x34\xa8\x5b\xf0\x2e\x97\x6a\x11\xcd\x48\x83\x3f\xe6\x29\x74";

#[test]
fn names_and_bits_agree() {
    for (i, f) in Finding::ALL.iter().enumerate() {
        assert_eq!(*f as usize, i);
        assert_eq!(Finding::from_name(f.name()), Some(*f));
    }
    let all: Findings = Finding::ALL.into_iter().collect();
    assert_eq!(all.len(), Finding::ALL.len());
    assert_eq!(all.iter().count(), 11);
}

#[test]
fn builtin_dictionary_parses_with_unique_ids() {
    let p = Policy::builtin();
    assert!(p.weak_keys() >= 30, "{}", p.weak_keys());
    let ids: std::collections::HashSet<&str> = (0..p.weak_keys() as u16)
        .map(|i| p.weak_key_id(i))
        .collect();
    assert_eq!(ids.len(), p.weak_keys());
}

#[test]
fn clean_hs256_with_a_random_64_byte_key_has_no_finding() {
    let t = mint(
        r#"{"alg":"HS256","typ":"JWT"}"#,
        &clean_claims(),
        RANDOM_KEY,
    );
    assert_eq!(findings(&t), Vec::<&str>::new());
}

#[test]
fn clean_rs256_expiring_in_an_hour_has_no_finding() {
    let t = mint(
        r#"{"alg":"RS256","typ":"JWT","kid":"k1"}"#,
        &clean_claims(),
        b"",
    );
    assert_eq!(findings(&t), Vec::<&str>::new());
}

#[test]
fn alg_none_in_any_case() {
    for alg in ["none", "None", "NONE"] {
        let t = mint(&format!(r#"{{"alg":"{alg}"}}"#), &clean_claims(), b"");
        assert_eq!(findings(&t), ["alg_none"], "{alg}");
    }
}

#[test]
fn no_exp_and_non_numeric_exp() {
    let t = mint(r#"{"alg":"RS256"}"#, r#"{"sub":"1"}"#, b"");
    assert_eq!(findings(&t), ["no_exp"]);
    let t = mint(r#"{"alg":"RS256"}"#, r#"{"sub":"1","exp":"tomorrow"}"#, b"");
    assert_eq!(findings(&t), ["no_exp", "malformed"]);
}

#[test]
fn long_lifetime_from_iat_or_from_the_time_seen() {
    let week = format!(r#"{{"iat":{},"exp":{}}}"#, NOW - 60, NOW - 60 + 7 * 86400);
    assert_eq!(
        findings(&mint(r#"{"alg":"RS256"}"#, &week, b"")),
        ["long_lifetime"]
    );
    let day = format!(r#"{{"iat":{},"exp":{}}}"#, NOW - 60, NOW - 60 + 86400);
    assert!(
        findings(&mint(r#"{"alg":"RS256"}"#, &day, b"")).is_empty(),
        "exactly 24 h is not above the bound"
    );
    let no_iat = format!(r#"{{"exp":{}}}"#, NOW + 2 * 86400);
    assert_eq!(
        findings(&mint(r#"{"alg":"RS256"}"#, &no_iat, b"")),
        ["long_lifetime"]
    );
    let p = Policy::new(&PolicyOptions {
        max_lifetime_secs: 8 * 86400,
        ..PolicyOptions::default()
    })
    .unwrap();
    let r = report_with(&p, &mint(r#"{"alg":"RS256"}"#, &week, b""), &mut p.cache());
    assert!(r.findings.is_empty());
}

#[test]
fn expired_is_judged_against_the_time_seen() {
    let t = mint(
        r#"{"alg":"RS256"}"#,
        &format!(r#"{{"iat":{},"exp":{}}}"#, NOW - 7200, NOW - 3600),
        b"",
    );
    assert_eq!(findings(&t), ["expired"]);
    let p = Policy::builtin();
    let mut c = p.cache();
    c.set_seen_at(Some(NOW - 5000));
    let r = p.analyze(t.as_bytes(), "RS256", &names(), &mut c);
    assert!(r.findings.is_empty(), "seen before exp");
    // From the cache, at another time: the time-dependent findings follow the time seen.
    c.set_seen_at(Some(NOW));
    let r = p.analyze(t.as_bytes(), "RS256", &names(), &mut c);
    assert_eq!(
        r.findings.iter().map(Finding::name).collect::<Vec<_>>(),
        ["expired"]
    );
    assert_eq!(c.stats().hits, 1);
}

#[test]
fn weak_hmac_keys_of_each_size_are_found_and_named_by_id() {
    let p = Policy::builtin();
    for (alg, key, id) in [
        ("HS256", &b"secret"[..], "readme-pyjwt-jose-node"),
        ("HS384", b"super-secret", "flask-jwt-extended-docs"),
        ("HS512", b"shhhhh", "jsonwebtoken-readme"),
        ("HS256", b"your-256-bit-secret", "jwtio-hs256"),
        ("HS256", b"_5#y2L\"F4Q8z\n\xec]/", "flask-docs-secret-key"),
        ("HS256", b"", "empty-key"),
    ] {
        let t = mint(
            &format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#),
            &clean_claims(),
            key,
        );
        let r = report_with(&p, &t, &mut p.cache());
        assert_eq!(
            r.findings.iter().map(Finding::name).collect::<Vec<_>>(),
            ["weak_hmac_key"],
            "{alg} {id}"
        );
        assert_eq!(p.weak_key_id(r.weak_key.unwrap()), id);
    }
}

#[test]
fn user_weak_key_files_add_keys() {
    let file = "[[key]]\nid = \"acme-staging\"\nsecret = \"acme-staging-jwt\"\n";
    let p = Policy::new(&PolicyOptions {
        weak_key_files: vec![("keys.toml".into(), file.into())],
        ..PolicyOptions::default()
    })
    .unwrap();
    let t = mint(r#"{"alg":"HS256"}"#, &clean_claims(), b"acme-staging-jwt");
    let r = report_with(&p, &t, &mut p.cache());
    assert!(r.findings.contains(Finding::WeakHmacKey));
    assert_eq!(p.weak_key_id(r.weak_key.unwrap()), "acme-staging");
}

#[test]
fn weak_key_file_errors_name_the_file_and_entry_never_the_key() {
    let bad = |text: &str| {
        Policy::new(&PolicyOptions {
            weak_key_files: vec![("/etc/scrubd/k.toml".into(), text.into())],
            ..PolicyOptions::default()
        })
        .unwrap_err()
        .to_string()
    };
    let e = bad("[[key]]\nid = \"empty-key\"\nsecret = \"hunter2hunter2\"\n");
    assert!(
        e.contains("/etc/scrubd/k.toml") && e.contains("defined twice"),
        "{e}"
    );
    let e = bad("[[key]]\nid = \"staging-hunter2hunter2\"\nsecret = \"Hunter2Hunter2\"\n");
    assert!(
        e.contains("spells its key") && !e.to_lowercase().contains("hunter2"),
        "{e}"
    );
    let e = bad("[[key]]\nid = \"letmein\"\nsecret = \"letmein\"\n");
    assert!(
        e.contains("spells its key") && !e.contains("letmein"),
        "{e}"
    );
    let e = bad("[[key]]\nid = \"Bad Id\"\nsecret = \"hunter2hunter2\"\n");
    assert!(e.contains("Bad Id"), "{e}");
    let e = bad("[[key]]\nid = \"x\"\nsecret = \"hunter2hunter2\"\nsecret_hex = \"00\"\n");
    assert!(e.contains("exactly one"), "{e}");
    let e = bad("[[key]]\nid = \"x\"\nsecret_hex = \"hunter2hunter2\"\n");
    assert!(e.contains("not hex"), "{e}");
    let e = bad("[[key]]\nid = \"x\"\nsecret = \"hunter2hunter2\nsource = 1\n");
    assert!(e.contains("line"), "{e}");
    let e = bad("[[key]]\nid = \"x\"\nsecret = \"hunter2hunter2\"\nsecert = \"hunter2hunter2\"\n");
    for e in [e] {
        assert!(!e.contains("hunter2"), "the key leaks into the error: {e}");
    }
}

#[test]
fn policy_debug_shows_no_key() {
    let p = Policy::builtin();
    let d = format!("{p:?} {:?}", p.cache());
    assert!(!d.contains("shhhhh") && !d.contains("super-secret"), "{d}");
}

#[test]
fn header_key_choosing_fields() {
    let cases = [
        (
            r#"{"alg":"RS256","jwk":{"kty":"RSA","n":"x","e":"AQAB"}}"#,
            "embedded_jwk",
        ),
        (
            r#"{"alg":"RS256","jku":"https://attacker.example/jwks.json"}"#,
            "jku_header",
        ),
        (
            r#"{"alg":"RS256","x5u":"https://attacker.example/cert.pem"}"#,
            "x5u_header",
        ),
        (
            r#"{"alg":"HS256","kid":"../../../../dev/null"}"#,
            "kid_injection",
        ),
    ];
    for (h, want) in cases {
        let t = mint(h, &clean_claims(), RANDOM_KEY);
        assert_eq!(findings(&t), [want], "{h}");
    }
}

#[test]
fn kid_metacharacters() {
    for kid in [
        "../../dev/null",
        "/dev/null",
        "/etc/passwd",
        "x' UNION SELECT 'secret",
        "1; DROP TABLE keys",
        "key\" OR \"1\"=\"1",
        "k1 --",
        "$(id)",
        "`id`",
        "a|b",
        "..\\..\\keys",
        "%2e%2e%2fkeys",
        "k\0",
        "~/.ssh/id_rsa",
    ] {
        assert!(kid_injection(kid), "{kid:?}");
    }
    for kid in [
        "k1",
        "41b41cf8-807c-4351-85d1-f3223e58fb56",
        "nOo3ZDrODXEK1jKWhXslHR_KXEg",
        "Bwd4Gfl1kjdsD0CHVyCMEjIl1hS16Jbd4OcA0T4pw/w=",
        "/wd4Gfl1kjdsD0CHVyCMEjIl1hS16Jbd4OcA0T4pw+w=",
        "https://myvault.vault.azure.net/keys/signing/0123456789abcdef",
        "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "key-2024-01",
        "f3b2c1d0e9a8",
    ] {
        assert!(!kid_injection(kid), "{kid:?}");
    }
    let t = mint(r#"{"alg":"RS256","kid":42}"#, &clean_claims(), b"");
    assert_eq!(findings(&t), ["malformed"]);
}

#[test]
fn sensitive_claim_names() {
    let payload = |extra: &str| {
        format!(
            r#"{{"sub":"1","iat":{},"exp":{},{extra}}}"#,
            NOW - 60,
            NOW + 600
        )
    };
    for extra in [
        r#""password":"hunter2""#,
        r#""api_key":"k-123""#,
        r#""refresh_token":"abc""#,
        r#""user":{"name":"x","db_password":"y"}"#,
        r#""creds":[{"clientSecret":"s"}]"#,
    ] {
        let t = mint(r#"{"alg":"RS256"}"#, &payload(extra), b"");
        assert_eq!(findings(&t), ["unencrypted_sensitive_claims"], "{extra}");
    }
    // Claims of real issuers: DRF simplejwt, Flask-JWT-Extended (with its CSRF claim),
    // OIDC (Google, Keycloak, Azure AD, Cognito), Supabase, Firebase, GitHub Actions.
    for extra in [
        r#""token_type":"access","jti":"a","user_id":1"#,
        r#""fresh":false,"type":"access","nbf":1,"csrf":"c2f1","identity":"x""#,
        r#""aud":"x","azp":"x","email":"a@b.c","email_verified":true,"at_hash":"h","nonce":"n","auth_time":1"#,
        r#""sid":"s","session_state":"s","typ":"Bearer","realm_access":{"roles":["a"]},"resource_access":{"account":{"roles":["a"]}},"scope":"openid","preferred_username":"u","acr":"1","allowed-origins":["*"]"#,
        r#""aio":"x","oid":"x","tid":"x","uti":"x","rh":"x","ver":"2.0","c_hash":"h""#,
        r#""token_use":"access","client_id":"x","origin_jti":"x","event_id":"x","cognito:groups":["a"],"username":"u""#,
        r#""role":"authenticated","aal":"aal1","amr":[{"method":"password","timestamp":1}],"session_id":"s","is_anonymous":false"#,
        r#""firebase":{"sign_in_provider":"password","identities":{"email":["a@b.c"]}},"user_id":"u""#,
        r#""ref":"refs/heads/main","sha":"x","repository":"o/r","job_workflow_ref":"x","runner_environment":"github-hosted""#,
        r#""password":null,"token":"""#,
    ] {
        let t = mint(r#"{"alg":"RS256"}"#, &payload(extra), b"");
        assert_eq!(findings(&t), Vec::<&str>::new(), "{extra}");
    }
}

#[test]
fn jwe_is_judged_by_its_header_only() {
    let h = b64(br#"{"alg":"RSA-OAEP","enc":"A256GCM","jku":"https://x.example/k"}"#);
    let t = format!("{h}.a2V5.aXY.Y2lwaGVydGV4dA.dGFn");
    assert_eq!(findings(&t), ["jku_header"]);
}

#[test]
fn malformed_parts_are_a_finding_never_a_crash() {
    let h = b64(br#"{"alg":"HS256"}"#);
    let hn = b64(br#"{"alg":"RS256"}"#);
    for (t, want) in [
        (format!("{hn}.not-base64!.sig"), vec!["malformed"]),
        (format!("{hn}.{}.sig", b64(b"not json")), vec!["malformed"]),
        (format!("{hn}.{}.sig", b64(b"[1,2]")), vec!["malformed"]),
        (format!("{hn}..sig"), vec!["malformed"]),
        (
            format!("{hn}.{}.sig", b64(&vec![b'{'; 200])),
            vec!["malformed"],
        ),
        // HS256 whose signature is not 32 bytes (truncated, or stripped).
        (
            format!("{h}.{}.c2ln", b64(clean_claims().as_bytes())),
            vec!["malformed"],
        ),
        (
            format!("{h}.{}.", b64(clean_claims().as_bytes())),
            vec!["malformed"],
        ),
        (
            format!("{h}.{}.!!!!", b64(clean_claims().as_bytes())),
            vec!["malformed"],
        ),
        (
            format!("{h}.{}", b64(clean_claims().as_bytes())),
            vec!["malformed"],
        ),
        (format!("{h}.a.b.c"), vec!["malformed"]),
        (format!("{h}.{}.sig.x.y", b64(b"{}")), vec![]),
    ] {
        assert_eq!(findings(&t), want, "{t}");
    }
    // Deeply nested JSON (past serde_json's recursion limit) and an oversized payload.
    let deep = format!("{}1{}", "[".repeat(5000), "]".repeat(5000));
    let t = format!("{hn}.{}.sig", b64(deep.as_bytes()));
    assert_eq!(findings(&t), ["malformed"]);
    let big = format!(
        r#"{{"exp":{},"pad":"{}"}}"#,
        NOW + 60,
        "x".repeat(MAX_PAYLOAD)
    );
    let t = mint(r#"{"alg":"HS256"}"#, &big, b"secret");
    assert_eq!(
        findings(&t),
        ["malformed"],
        "oversized: not decoded nor verified"
    );
    // Arbitrary bytes.
    let p = Policy::builtin();
    let mut c = p.cache();
    for junk in [
        &b""[..],
        b".",
        b"..",
        b"eyJ.eyJ.",
        &[0xff; 64],
        b"eyJhbGciOiJIUzI1NiJ9.\xff\xfe.\x00",
    ] {
        p.analyze(junk, "HS256", &names(), &mut c);
    }
}

#[test]
fn issuer_is_labelled_only_from_the_allowlist() {
    let p = Policy::new(&PolicyOptions {
        issuers: vec!["https://auth.example.com/".into(), "orders".into()],
        ..PolicyOptions::default()
    })
    .unwrap();
    let mut c = p.cache();
    let r = report_with(
        &p,
        &mint(r#"{"alg":"RS256"}"#, &clean_claims(), b""),
        &mut c,
    );
    assert_eq!(p.issuer_label(r.issuer), "https://auth.example.com/");
    let other = clean_claims().replace("https://auth.example.com/", "https://evil.example/");
    let r = report_with(&p, &mint(r#"{"alg":"RS256"}"#, &other, b""), &mut c);
    assert_eq!((r.issuer, p.issuer_label(r.issuer)), (None, "other"));
    assert_eq!(
        p.issuer_labels().collect::<Vec<_>>(),
        ["https://auth.example.com/", "orders", "other"]
    );
    assert!(Policy::new(&PolicyOptions {
        issuers: vec!["a".into(), "a".into()],
        ..PolicyOptions::default()
    })
    .is_err());
}

#[test]
fn cache_verifies_each_distinct_token_once_and_stays_bounded() {
    let p = Policy::new(&PolicyOptions {
        cache_entries: 64,
        ..PolicyOptions::default()
    })
    .unwrap();
    let mut c = p.cache();
    let tokens: Vec<String> = (0..1000)
        .map(|i| {
            let claims = format!(r#"{{"sub":"{i}","iat":{},"exp":{}}}"#, NOW, NOW + 60);
            mint(r#"{"alg":"HS256"}"#, &claims, b"secret")
        })
        .collect();
    // 20 tokens in steady use, each seen 50 times: verified once each.
    for _ in 0..50 {
        for t in &tokens[..20] {
            assert!(report_with(&p, t, &mut c)
                .findings
                .contains(Finding::WeakHmacKey));
        }
    }
    assert_eq!(c.stats().verifications, 20);
    assert_eq!(c.stats().hits, 20 * 49);
    // 1000 distinct tokens: memory stays within the capacity.
    for t in &tokens {
        report_with(&p, t, &mut c);
        assert!(c.len() <= 64, "{}", c.len());
    }
    assert!(c.len() >= 32);
    // A token in steady use survives a stream of one-off tokens (promotion).
    let mut c = p.cache();
    for (i, t) in tokens.iter().enumerate() {
        report_with(&p, &tokens[0], &mut c);
        report_with(&p, t, &mut c);
        let _ = i;
    }
    assert_eq!(c.stats().verifications, 1000);
}
