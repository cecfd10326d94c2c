//! Unit tests of the key/value scanner through the whole engine: each case marks the secret
//! bytes `«like this»`; the rest of the line must come back byte-identical.

use crate::engine::examples::{scrub_text, unmark};
use crate::engine::{Mode, RuleSet, Scrubber};
use std::sync::{Arc, LazyLock};

static SCRUBBER: LazyLock<Scrubber> =
    LazyLock::new(|| Scrubber::new(Arc::new(RuleSet::builtin().unwrap()), Mode::Mask));

/// Every marked span is gone, every unmarked byte stays (placeholders aside), and a second
/// pass changes nothing.
fn check(marked: &str) {
    let (text, spans) = match unmark(marked) {
        Some(x) => x,
        None => (marked.to_string(), Vec::new()),
    };
    let out = scrub_text(&SCRUBBER, &text);
    for &(s, e) in &spans {
        assert!(
            !out.contains(&text[s..e]),
            "secret {:?} survives in {out:?}",
            &text[s..e]
        );
    }
    // Rebuild the expected output shape: the text with each marked span replaced by any
    // placeholder; compare with placeholders normalised.
    let norm = |s: &str| -> String {
        let mut o = String::new();
        let mut rest = s;
        while let Some(i) = rest.find("[REDACTED") {
            o.push_str(&rest[..i]);
            o.push_str("[R]");
            let after = &rest[i..];
            let end = after.find(']').map_or(after.len(), |j| j + 1);
            rest = &after[end..];
        }
        o.push_str(rest);
        o
    };
    let mut expected = String::new();
    let mut at = 0;
    for &(s, e) in &spans {
        expected.push_str(&text[at..s]);
        expected.push_str("[R]");
        at = e;
    }
    expected.push_str(&text[at..]);
    assert_eq!(norm(&out), expected, "\n  in:  {text}\n  out: {out}");
    assert_eq!(scrub_text(&SCRUBBER, &out), out, "not idempotent: {out}");
}

#[test]
fn key_spellings() {
    for k in [
        "login_password",
        "db_pass",
        "stripeSecretKey",
        "X-Partner-Key",
        "CSRF_COOKIE",
        "device_secret",
        "push_token",
        "refresh",
        "todo_secret_do_not_commit",
        "token2",
        "clientSecret",
        "PRIVATE_KEY",
        "apiKey",
    ] {
        check(&format!(
            r#"{{"{k}": "«Zk3pQ9xLm2Wd8rT5»", "user": "bob"}}"#
        ));
        check(&format!("{k}=«Zk3pQ9xLm2Wd8rT5» user=bob"));
    }
}

#[test]
fn benign_keys_stay() {
    for k in [
        "tokenizer_name",
        "max_tokens",
        "auth_provider",
        "token_count",
        "primary_key",
        "sort_key",
        "session_count",
        "auth_method",
    ] {
        check(&format!(r#"{{"{k}": "Zk3pQ9xLm2Wd8rT5"}}"#));
        check(&format!("{k}=Zk3pQ9xLm2Wd8rT5"));
    }
}

#[test]
fn assignment_syntaxes() {
    for case in [
        r#"{"password": "«hunter2!»"}"#,
        r#"{'password': '«hunter2!»'}"#,
        r#"{ password: '«hunter2!»' }"#,
        r#"{"password" => "«hunter2!»"}"#,
        r#"{:password => "«hunter2!»"}"#,
        r#"Parameters: {"user"=>{"email"=>"a@b.c", "password"=>"«hunter2!»"}}"#,
        "password=«hunter2!»&user=bob",
        "password = «hunter2!»",
        "password := «hunter2!»",
        "X-Api-Key: «ak_8f3Kd92LmQ0xZ7»",
        "<password>«hunter2!»</password>",
        r#"<user name="bob" password="«hunter2!»"/>"#,
        r#"WHERE "users"."password" = '«hunter2!»'"#,
        "password: «hunter2!»",
        "  db_password: «hunter2!»",
        "mysql --password «hunter2!» -h db",
        "mysql --password=«hunter2!» -h db",
        r#"curl -H 'Authorization: Bearer «Zk3pQ9xLm2Wd8rT5»' https://api"#,
        r#"curl -H "X-Api-Key: «ak_8f3Kd92LmQ0xZ7»" https://api"#,
        "export API_TOKEN=«Zk3pQ9xLm2Wd8rT5»",
        "Server=db;User Id=sa;Password=«hunter2!»;Encrypt=true",
        "&{Username:bob Password:«hunter2!»}",
    ] {
        check(case);
    }
}

#[test]
fn keys_after_quotes_and_escapes() {
    check(r#"{"msg":"retry with api_token: «Zk3pQ9xLm2Wd8rT5»"}"#);
    check(r#"{"msg":"config\n\tsecret: «Zk3pQ9xLm2Wd8rT5»\n"}"#);
    check(r#"{"msg":"user={'password': '«hunter2!»'}"}"#);
}

#[test]
fn escape_depths() {
    check(r#"{"a": "{\"password\": \"«hun\\\"ter2»\"}"}"#);
    check(r#"{"a": "{\"b\": \"{\\\"password\\\": \\\"«hunter2!»\\\"}\"}"}"#);
    check(r#"{"m": "u={'password': '«hun\\'ter2»'}"}"#);
    check(r#"body=b'{"password": "«a\\"b»"}'"#);
    check(r#"body={\"password\":\"«hunter2!»\"}"#);
    check(r#"{"password": "«abc\\»", "x": 1}"#);
    check("password=&quot;«hunter2!»&quot;");
    check("password=%22«hunter2!»%22");
    check(r#"password=\x22«hunter2!»\x22"#);
}

#[test]
fn values_with_brackets_are_whole() {
    check(r#"{"password": "«ab}c)d[e]<f>$g#h@i»"}"#);
    check("password = «ab}c)d»");
    check("{password: «ab12Cd»}");
    check("(password=«ab12Cd»)");
}

#[test]
fn containers() {
    check(
        r#"{"credentials": {"user": "bob", "password": "«hunter2!»", "api_key": "«ak_8f3Kd92LmQ0xZ7»"}}"#,
    );
    check(r#"{"refresh_token": {"S": "«rt_8fK2mQ9xLp3Zv7Wd»"}}"#);
    check(r#"{"secrets": {"M": {"db": {"S": "«Zk3pQ9xLm2Wd8rT5»"}, "n": {"N": "3"}}}}"#);
    check(
        r#"{"api_keys": {"L": [{"S": "«sk_abc123XYZ789»"}, {"M": {"v": {"S": "«ghx_Q1w2e3r4t5y6»"}}}]}}"#,
    );
    check(r#"{"tokens": ["«rt_8fK2mQ9xLp3Zv7Wd»", "«rt_Zq81KdPQm2Lr0aBc»"]}"#);
    check(r#"{'api_keys': {'SS': ['«ak_8f3Kd92LmQ0xZ7»', '«ak_Zz81KdPQm2Lr0a»']}}"#);
    check(
        r#"{"credentials": {"AccessKeyId": "«ASIAY34FZKBOKMUTVV7A»", "SecretAccessKey": "«QCBl5qsmqVL76sxvbOCpQ9xLm2Wd8rT5abcdEFGH»", "Expiration": "2026-11-24T08:00:00Z"}}"#,
    );
}

/// A `(name, value)` 2-tuple is a pair whatever its value looks like; a longer tuple is a list
/// of names (an SQL column list) unless its value looks generated.
#[test]
fn name_value_tuples() {
    check("dict_items([('username', 'bob'), ('password', '«hunter2»')])");
    check(r#"[(b"authorization", b"Token «9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b»")]"#);
    check(r#"(\"password\", \"«hunter2»\")"#);
    check(
        r#"INSERT INTO "auth_user" ("password", "last_login", "is_superuser") VALUES (%s, %s, %s)"#,
    );
    check("('password', 'hunter2', 'x')");
    check("('api_key', '«Zq81KdPQm2Lr0aBcXyQm2Lr0aBcXy»', 'extra')");
}

/// Under a sensitive container, keys that describe the secret (its lifetime, size, cookie
/// attributes) keep their values: express-session's serialised session in a store.
#[test]
fn metadata_inside_sensitive_containers() {
    check(
        r#"{"sess":{"S":"{\"cookie\":{\"originalMaxAge\":86400000,\"expires\":\"2026-12-01T00:00:00.000Z\",\"secure\":false,\"httpOnly\":true,\"path\":\"/\"},\"passport\":{\"user\":\"42\"}}"}}"#,
    );
    check(
        r#"{"session": {"maxAge": 86400000, "ttl": 1209600, "value": "«Zq81KdPQm2Lr0aBcXyQm2Lr0aBcXy»"}}"#,
    );
}

#[test]
fn values_that_are_not_secrets() {
    for case in [
        r#"{"token": null, "password": "", "secret": true}"#,
        r#"{"password": "[Filtered]", "token": "********", "secret": "<redacted>", "api_key": "[FILTERED]"}"#,
        r#"{"password": "${DB_PASSWORD}", "token": "{{ token }}", "secret": "%s"}"#,
        "token: expired",
        "Password: incorrect",
        "token_type: Bearer",
        "page_token = next_token(cursor)",
        "SET refresh_token = :rt, updated_at = :now",
        r#"{"auth": "django.contrib.auth.backends.ModelBackend"}"#,
        r#"{"token_url": "https://auth.example.com/oauth/token"}"#,
        r#"MONGO_NO_AUTH = "mongodb://db.internal:27017""#,
        "Authorization header missing",
        "jwt expired",
        "password reset email sent",
        "secret rotation scheduled",
        "token expired for user 42",
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-x1y2",
        "arn:aws:ssm:us-east-1:123456789012:parameter/app/api_key_name",
        "io.jsonwebtoken:jjwt-api:0.12.6",
        "[2026-11-29 10:00:00,000] DEBUG in auth: session started for alice",
        "INFO:auth.tokens:refreshing tokens for 3 users",
        "volume /etc/secret:ro mounted",
        r#"{"password": "(hidden)", "token": "**redacted**", "secret": "(not set)"}"#,
        "--- PASS: TestLogin (0.00s)",
        "    --- PASS: TestPasswordReset/expired_token (0.01s)",
        "PASS: tests/test_password_hash",
        " PASS  src/auth/login.test.js (1.2 s)",
        "  \u{2713} PASS: auth/login.test.ts",
    ] {
        check(case);
    }
}

#[test]
fn prose() {
    check("could not verify token «9fQx7LmK2pZ8Wd3R»");
    check("rejected unknown client secret «Zx-8fK2mQ9xLp3Zv7Wd»");
    check("login failed for bob with password «hunter2!»");
    check("using api key «Zk3pQ9xLm2Wd8rT5» for upstream");
    check("password too short");
    // After an owner, a value linked to the key by `:` (or `is`), and a password set `to` one
    // after `of`/`for` and a name.
    check("session for user 42: «sess_Jn0fuycXhCNJKy4Lb»");
    check("api key for merchant 7: «Xk2Lm8QpZz81Rt7wAbCd»");
    check("reset password of alice to «Castle!Falcon39» (temporary=True)");
    check("set password for alice to «Zk3pQ9xLm2»");
    // An owner's own name, a word after the link, and `to` elsewhere stay.
    check("token for user u-7f3a9c2e1b: revoked");
    check("session for request 9f2c1e7a3b4d5e6f: started");
    check("token for user 42: 3 attempts left");
    check("Do not pass to print a ref to *STDERR.");
    check("reading password from file is limited to 16byte passwords");
    check("send password to alice2024");
    check("changed password of bob to default");
}

/// A quoted password after a linking word (`the password is '…'`) is read at its escape depth
/// up to its own closing quote: inside a JSON message (`is \"…\"`, deeper `\\\"…\\\"`), and
/// past an escaped quote of its own (the rest of the value leaked).
#[test]
fn prose_quoted_values_at_every_escape_depth() {
    check(r#"the password is "«Xk9mQ2vLp7Rw»""#);
    check(r#"the password is "«Xk9\"mQ2vLp7Rw»" ok"#);
    check(r#"{"msg": "the password is \"«Xk9mQ2vLp7Rw»\""}"#);
    check(r#"{"msg": "the password is \"«Xk9\\\"mQ2vLp7Rw»\" ok"}"#);
    check(r#"{"msg": "{\"m\": \"the password is \\\"«Xk9mQ2vLp7Rw»\\\"\"}"}"#);
    check(r#"{"msg": "the password for user 'bob' is '«Xk9mQ2vLp7Rw»'"}"#);
}

#[test]
fn schemes_keep_their_name() {
    check("Authorization: Bearer «Zk3pQ9xLm2Wd8rT5abc»");
    check(r#"{"authorization": "Basic «dXNlcjpwYXNzd29yZA==»"}"#);
    check(
        "Authorization: Digest «username=\"bob\", response=\"6629fae49393a05397450978507c4ef1\"»",
    );
}

#[test]
fn consecutive_keys() {
    check("password:«a1» password:«b2»");
    check("token=«Zk3pQ9xLm2Wd8rT5» secret=«Qw8rT5Zk3pQ9xLm2»");
}

#[test]
fn references_to_the_value_stay() {
    // A member access naming the key itself, a constructor call, a relative path of words.
    for line in [
        "apiKey: this.apiKey,",
        "BlindKeySignatures = Ed25519.BlindKeySignatures",
        "password = settings.PASSWORD;",
        "  credentials: new AWS.SharedIniFileCredentials({ profile: 'dev' })",
        r#"private_key "some/dir/aint/a/secret";"#,
        "tls_key: certs/prod/client-key.pem",
    ] {
        check(line);
    }
    // …but a value that only resembles one is still judged.
    check("apiKey: «this.Zk3pQ9xLm2Wd8rT5,»");
    check("private_key: «k3/pQ9xLm2W/d8rT5aB»");
}

#[test]
fn carried_values_across_lines() {
    check("+ curl -s https://auth/token\n++ jq -r .refresh_token\n+ RT=«rt_8fK2mQ9xLp3Zv7Wd»\n+ echo done");
    check("      test:\n      - mysqladmin\n      - ping\n      - -uroot\n      - -p«4^*Uhl56V^Af#jp»\n      interval: 10s");
    check("      - mysqladmin\n      - ping\n    other:\n      - -p1");
}

#[test]
fn string_prefixes_and_attribute_pairs() {
    check(r#"apikey = @"«Zk3pQ9xLm2Wd8rT5»";"#);
    check(r#"var pw = $"«Zk3pQ9xLm2Wd8rT5»";"#.replace("var pw", "password").as_str());
    // A bracket inside the value does not end the tag; a value attribute wins over the text.
    check(r#"<x value="«m{{h}o)p${e]nob(ody»" name="the_password"/>"#);
    check(r#"<x value="«m{{h}o)p${e]nob(ody»" name="the_password_attribute">text</x>"#);
}

#[test]
fn url_encoded_keys_and_json() {
    check("q=%22password%22%3A%22«Zk3pQ9xLm2Wd8rT5»%22&x=1");
    check("GET /login?next=%2Fcb%3Fapi_key%3D«Zk3pQ9xLm2Wd8rT5»%26x%3D1 HTTP/1.1");
    check("data=%7B%22token%22%3A%20%22«Zk3pQ9%2FxLm2Wd8rT5%3D»%22%7D");
}

#[test]
fn credential_constructors() {
    check(
        r#"sender.Credentials = new NetworkCredential("bob@example.com", "«vzihlaquknriqlht»");"#,
    );
    check(r#"$c = New-Object System.Net.NetworkCredential("ci", "«AP7JaG9ToerxBc6gWP5LcU2CNpb»")"#);
    check("r = requests.get(url, auth=HTTPBasicAuth('bob', '«hunter2!x»'))");
    check("new NetworkCredential(user, pass)");
    check(r#"log.info("password reset for", user)"#);
    check(r#"validate_password("abc", policy)"#);
    // The line ends at the bracket (proptest: this panicked, stopping the filter).
    check("c = NetworkCredential(");
    check("c = store_refresh_token(");
}

#[test]
fn calls_named_for_a_secret() {
    // Job queues print a job as its call (RQ, Dramatiq); the generated-looking literals go.
    check("Received message store_refresh_token(42, '«def50200FlwMKYh01ub51nqr4Qi»') with id 'eb8e89b8-3330-4a3e-8505-f2ea7214b1da'.");
    check("default: rqjobs.verify_email_token('bob@example.com', '«evt_TpzsEw1c7FNGn4GeeMU»', next='/home') (7b23d0da-cfbd-459d-9757-fcd67f3593bf)");
    // Ids, names, numbers, hosts and URLs stay; so does a call the name does not make secret.
    check("Received message revoke_tokens('80d6b8ec-a04c-4a24-9332-3c24d1c79495', 17, 'bob') with id 'x'.");
    check(
        r#"$cordovaOauth.google("653512027492-5u9blotr1521fa0lo1172nhv4pmq.apps.googleusercontent.com", ["email"])"#,
    );
    check("rqjobs.import_contacts('google', 'Zk3pQ9xLm2Wd8rT5') (7b23d0da)");
    check("refresh_token('https://accounts.example.com/o/oauth2/token', 3)");
}

#[test]
fn job_arguments_printed_apart_from_the_job_name() {
    // Celery's events, Dramatiq's logger and message repr.
    check("task sent: tasksapp.verify_email_token(0c634e85-946f-440f-93de-edf8f792736d) args=(44, '«evt_TpzsEw1c7FNGn4GeeMU»') kwargs={} clock=14");
    check("[dqactors.store_refresh_token] [DEBUG] Received args=(42, '«def50200FlwMKYh01ub51»') kwargs={}.");
    check("Message(queue_name='token_refresh', actor_name='store_refresh_token', args=(42, '«def50200FlwMKYh01ub51»'), kwargs={})");
    check(
        r#"{'task': 'tasksapp.verify_email_token', 'id': '4ebb656d-46a5-444e-88a7-158e3a23d86e', 'argsrepr': "(48, '«TKa_6UqwD2ju25pnNpkB»')", 'kwargsrepr': '{}'}"#,
    );
    // What such a job returned (Celery).
    check("Task tasksapp.create_session[2f883ab1-8970-48c2-9583-b823738334a3] succeeded in 0.009275309988879599s: '«sess_Jn0fuycXhCNJKy4Lb»'");
    check("task succeeded: tasksapp.create_session(2f883ab1-8970-48c2-9583-b823738334a3) args=(42,) kwargs={'remember': True} clock=18, result='«sess_Jn0fuycXhCNJKy4Lb»', runtime=0.009");
    check("Task tasksapp.revoke_tokens[2f883ab1-8970-48c2-9583-b823738334a3] succeeded in 0.01s: 'revoked 3 tokens'");
    check("Task tasksapp.import_contacts[2f883ab1] succeeded in 0.01s: 'Zk3pQ9xLm2Wd8rT5'");
    // A job the name does not make secret, and `kwargs`, stay.
    check("task sent: tasksapp.import_contacts(0c634e85) args=(44, 'Zk3pQ9xLm2Wd8rT5') kwargs={}");
    check("tasks.purge_tokens started kwargs=('Zk3pQ9xLm2Wd8rT5',)");
}

#[test]
fn job_calls_inside_a_string_at_every_escape_depth() {
    // A JSON logger's message holding a job's call or arguments: double quotes escaped once,
    // twice, three times; the value ends at its own quote, not at the escape's backslash.
    check(r#"{"msg":"rqjobs.verify_email_token(\"bob\", \"«evt_TpzsEw1c7FNGn4GeeMU»\")"}"#);
    check(
        r#"{"msg":"{\"m\":\"rqjobs.verify_email_token(\\\"bob\\\", \\\"«evt_TpzsEw1c7FNGn4GeeMU»\\\")\"}"}"#,
    );
    check(r#"{"log":"job store_refresh_token args=(42, \"«def50200FlwMKYh01ub51»\") kwargs={}"}"#);
    check(
        r#"{"log":"{\"msg\":\"job store_refresh_token args=(42, \\\"«def50200FlwMKYh01ub51»\\\")\"}"}"#,
    );
    check(
        r#"{"msg":"Task tasksapp.create_session[2f883ab1] succeeded in 0.01s: \"«sess_Jn0fuycXhCNJKy4Lb»\""}"#,
    );
    check(
        r#"{"msg":"task succeeded: tasksapp.create_session(2f883ab1) args=(42,) result=\\\"«sess_Jn0fuycXhCNJKy4Lb»\\\", runtime=0.009"}"#,
    );
    // Single quotes inside the JSON string need no escape.
    check(r#"{"msg":"rqjobs.verify_email_token('bob', '«evt_TpzsEw1c7FNGn4GeeMU»')"}"#);
    // Ids and names stay at every depth.
    check(
        r#"{"msg":"rqjobs.revoke_tokens(\"80d6b8ec-a04c-4a24-9332-3c24d1c79495\", 17, \"bob\")"}"#,
    );
}

#[test]
fn a_uuid_beside_a_name_is_an_id() {
    // Celery's `TaskPool: Apply` prints (task name, task id, request): not a (name, value) pair.
    check("(args:('tasksapp.revoke_tokens', '80d6b8ec-a04c-4a24-9332-3c24d1c79495', {'lang': 'py', 'id': '80d6b8ec-a04c-4a24-9332-3c24d1c79495'}");
    check("args:('refresh_token', '«Zk3pQ9xLm2Wd8rT5aQ»', {'lang': 'py'}");
}

#[test]
fn keys_of_two_words() {
    // Unquoted: `secret key:`; a benign second word keeps the value.
    check("secret key: «Xk29fLq8Zp0vR7tBq1W3»");
    check("token count: 52");
    check("denied: api key '«revoked_DpQ4XbQ6psaMQYvPsMAGGNs5»' not recognised for arn:aws:x");
    check(r#"client secret "«Xk29fLq8Zp0vR7tBq1W3»" rejected"#);
    check("the api key 'name' field is required");
    check("token type: Bearer");
    check("password reset: sent");
    // Quoted, at every escape depth, with any capitalisation.
    check(r#"{"secret key": "«Xk29fLq8Zp0vR7tBq1W3»"}"#);
    check(r#"{"API Key":"«Xk29fLq8Zp0vR7tBq1W3»","token count":52}"#);
    check("{'Client Secret': '«Xk29fLq8Zp0vR7tBq1W3»'}");
    check(r#"{\"secret key\": \"«Xk29fLq8Zp0vR7tBq1W3»\"}"#);
    check(r#"{\\\"My Password\\\": \\\"«Xk29fLq8Zp0vR7tBq1W3»\\\"}"#);
    check(r#"x = {"access token": "«Xk29fLq8Zp0vR7tBq1W3»"}"#);
    // A quoted phrase that is a value, not a key, and words that are values.
    check(r#"{"msg": "bad secret key", "user": "bob"}"#);
    check(r#"{"Password Reset Sent": "2024-01-01"}"#);
    check("level=INFO auth_method=password author=self");
    check("INFO auth_method=password                app.py:146");
    check(r#"INFO:     127.0.0.1:59494 - "POST /account/password HTTP/1.1" 200 OK"#);
    // A quoted name in a validation message, and its value.
    check(r#""otp" with value "«123l53»" fails to match the required pattern: /^\d{6}$/"#);
    check(
        "Path `password` (`«River75#»`, length 8) is shorter than the minimum allowed length (12).",
    );
    check(r#""password" is required. "token" with value "" is not allowed"#);
    check("Path `apiKey` is invalid (short).");
    // Name and value fields at every escape depth.
    check(r#"{"name": "DB_PASSWORD", "value": "«Xk29fLq8Zp0vR7tBq1W3»"}"#);
    check(r#"{"msg": "{\"name\": \"DB_PASSWORD\", \"value\": \"«Xk29fLq8Zp0vR7tBq1W3»\"}"}"#);
    check(
        r#"{"m": "[{\\\"value\\\":\\\"«Xk29fLq8Zp0vR7tBq1W3»\\\",\\\"path\\\":\\\"password\\\"}]"}"#,
    );
    check(
        r#"{"msg": "[{\"type\":\"field\",\"value\":\"«Xk29fLq8Zp0vR7tBq1W3»\",\"path\":\"password\"}]"}"#,
    );
    check(r#"{"msg": "{\"name\": \"LOG_LEVEL\", \"value\": \"debug\"}"}"#);
    // Pairs flattened by AWS's query protocol (botocore's request params): the value field
    // of the same member, never another member's.
    check(
        "{'Parameters.member.1.ParameterKey': 'DBPassword', 'Parameters.member.1.ParameterValue': '«_iyjuGUeRUC-uvg8w4I»', 'Parameters.member.2.ParameterKey': 'Env', 'Parameters.member.2.ParameterValue': 'prod'}",
    );
    check(
        "{'MessageAttributes.entry.1.Name': 'apiKey', 'MessageAttributes.entry.1.Value.DataType': 'String', 'MessageAttributes.entry.1.Value.StringValue': '«gOMwdj5CmMnAc4tepp_Fe3q0hkxi4pEV»'}",
    );
    check(
        "{'OptionSettings.member.1.OptionName': 'DB_PASSWORD', 'OptionSettings.member.2.OptionName': 'LOG_LEVEL', 'OptionSettings.member.2.Value': 'debug'}",
    );
    check(r#"{"a.name": "DB_PASSWORD", "b.value": "debug"}"#);
    // The same pairs in the AWS CLI's shorthand (`Key=…,Value=…`) and in form bodies, where the
    // name is the text after `=` and the value field a sibling; and in XML, as sibling
    // elements (others between them).
    check("--parameters ParameterKey=DbPassword,ParameterValue=«Xk9mP2vL8qR4» ParameterKey=Env,ParameterValue=prod");
    check(
        "'containerOverrides=[{name=web,environment=[{name=API_TOKEN,value=«tQ8wE3rT6yU1vB»}]}]'",
    );
    check("--tags Key=Name,Value=web-1 Key=Team,Value=payments");
    check(
        "b'Action=Publish&MessageAttributes.entry.1.Name=auth_token&MessageAttributes.entry.1.Value.DataType=String&MessageAttributes.entry.1.Value.StringValue=«mQ7nB4vC1xZ9pL»&TopicArn=arn'",
    );
    check(
        "b'Action=Publish&MessageAttributes.entry.1.Name=auth_token&MessageAttributes.entry.1.Value.DataType=String&MessageAttributes.entry.2.Value.StringValue=other'",
    );
    check(
        "<member><ParameterKey>DbPassword</ParameterKey><ResolvedValue>x</ResolvedValue><ParameterValue>«Zq8wE3rT6yU1vB»</ParameterValue></member><member><ParameterKey>Env</ParameterKey><ParameterValue>prod-eu</ParameterValue></member>",
    );
    check("<member><ParameterKey>DbPassword</ParameterKey><UsePreviousValue>true</UsePreviousValue></member>");
    // Namespaced elements (SOAP bodies), with a namespaced sibling between.
    check(
        "<ns0:Parameter><ns0:Name>db_password</ns0:Name><ns0:Type>String</ns0:Type><ns0:Value>«Hq3vN8xR2mK7pT»</ns0:Value></ns0:Parameter>",
    );
    check("<a:ParameterKey>DbPassword</a:ParameterKey><a:ParameterValue>«Zq8wE3rT6yU1vB»</a:ParameterValue>");
    check("<ns0:Name>db_password_policy</ns0:Name><ns0:Value>strict</ns0:Value>");
    check("<member><Key>api_key_rotation</Key><Value>weekly</Value></member>");
    // A credential whose kind is a type field (Keycloak's CredentialRepresentation).
    check(r#"send: b'{"type": "password", "temporary": false, "value": "«314lUtReIfraSQcR»"}'"#);
    check(r#"{"type":"secret","value":"«aJDeUwThZyKQTj9HRbEvK58byFA1awJ-»"}"#);
    check(r#"{"type": "otp", "value": "«492117»"}"#);
    check(r#"{"type": "string", "value": "hello"}"#);
    check(
        r#"{"errors":["Unrecognized key: \"remember_token\""],"password":{"errors":["Too small: expected string to have >=12 characters"]}}"#,
    );
    check(r#"<add name="DbPassword">«Xk29fLq8Zp0vR7tBq1W3»</add>"#);
    // Options quoted whole: argv lists (`CalledProcessError`, awscli's debug log) and dict
    // keys (Glue's `DefaultArguments`).
    check(
        "Command '['docker', 'login', '--username', 'deploy', '--password', '«Py_dlPvBfUkE6qVI»', 'registry.example.com']' returned non-zero exit status 1.",
    );
    check(
        "Arguments entered to CLI: ['--secret-string', '«nyZUhXYD9mYgajcTOuDwd6Et»', '--master-user-password', '«xTDcsyeVeBpDiSHd»', '--allocated-storage', '20']",
    );
    check("['docker', 'login', '--password', '--stdin', 'registry.example.com']");
    check(
        r#"{"DefaultArguments": {"--db_password": "«xbEs68xMW0vNeX-F8hs»", "--source": "s3://b/in"}}"#,
    );
    check(r#"{"m": "{\"--api-token\": \"«iSx_r5eQBJU5o01Q3XksxD»\"}"}"#);
    check("['--token-count', '5', '--password-file', '/run/secrets/pw']");
    // Key names of Fernet keys, Vault's unseal keys, SDK and service-role keys.
    check("{'FERNET_KEY': '«O-osHY759gnSruMG2PuboObjQevCGQjOQ7Qi8qeIHek=»'}");
    check(
        r#"{"unseal_keys_b64":["«4Sj3m8+Q0o1fM2zB8pPk3v8Tz2n6Yx0Jq5Hk9Wc2LsDd»"],"unseal_shares":1}"#,
    );
    check("LD_SDK_KEY=«sdk-4f1c2b3a-9d8e-4c7b-a6f5-e4d3c2b1a0f9»");
    check("SUPABASE_SERVICE_ROLE_KEY=«eyJhbGciOiJIUzI1NiJ9x.abcdefgh»");
    // werkzeug's repr of a header is not a start tag: what follows it is not its content.
    check(
        "auth <Authorization Basic «YWxpY2U6MWw5M0J1ZXNIQ0tuVnE0Tg==»> user alice {'username': 'alice', 'password': '«1l93BuesHCKnVq4N»'}",
    );
    check("\"refresh_token\" fails to match the required pattern: /^rt_[A-Za-z0-9_-]{40,}$/");
    check("{'loc': ('body', 'refresh_token'), 'ctx': {'pattern': '^rt_[A-Za-z0-9_-]{40,}$'}}");
    // An error's location as a list (pydantic's `loc`, zod's `path`) at every escape depth,
    // compact or pretty-printed (`JSON.stringify(issues, null, 2)` inside a JSON string).
    check(r#"[{"path":["password"],"input":"«Zx9#kLm2pQ»"}]"#);
    check(r#"{"loc":["body","password"],"msg":"too short","input":"«Zx9#kLm2pQ»"}"#);
    check(r#"{"msg":"{\"loc\":[\"body\",\"password\"],\"input\":\"«Zx9#kLm2pQ»\"}"}"#);
    check(
        r#"{"m":"[{\\\"path\\\":[\\\"credentials\\\",\\\"client_secret\\\"],\\\"input\\\":\\\"«Zx9#kLm2pQ»\\\"}]"}"#,
    );
    check(
        r#"{"message":"[\n  {\n    \"code\": \"too_small\",\n    \"path\": [\n      \"password\"\n    ],\n    \"message\": \"Too small: expected string to have >=12 characters\",\n    \"input\": \"«nM^2jfHy*»\"\n  }\n]"}"#,
    );
    check(
        r#"{"message":"[\n  {\n    \"path\": [\n      \"username\"\n    ],\n    \"input\": \"al\"\n  }\n]"}"#,
    );
    check(r#"[{"path":["password","length"],"input":12}]"#);
    // Another record's value is not this one's: strings holding escaped quotes are skipped whole.
    check(
        r#"[{"message":"\"username\" is short","path":["username"],"context":{"value":"al"}},{"message":"\"password\" is short","path":["password"],"context":{"value":"********"}}]"#,
    );
    check(
        r#"{"m":"[{\"value\":\"al\",\"path\":\"username\"},{\"msg\":\"\\\"password\\\" too short\",\"path\":\"password\"}]"}"#,
    );
    check(r#"{"path":"password","message":"\"x\" is bad","value":"«Zx9#kLm2pQ»"}"#);
    check("validation errors on /oauth/token: [{'type': 'missing', 'ctx': {'min_length': 12}}]");
    check("{'refresh_token': '«rt_A-Z9a-zQ0-9x7Yw3Lk»'}");
    check(r#"{"error":"\"otp\" with value \"«31q757»\" fails to match the required pattern"}"#);
    // Joi's annotate(): a footnote marker between the key and its colon.
    check(r#"  "otp" [1]: "«tok_irAoCYWPn5vgQlEAt8GUmOfGSZia3Pt3UZ»""#);
    check(r#"  "password" [2]: "«!55mFXfyu90JLa6fKzAo»","#);
    check(r#"  "items" [1]: 3,"#);
    // Validation messages where the field's value would be; a pass phrase is not one.
    check("{'password': ['Shorter than minimum length 12.'], 'otp': ['String does not match expected pattern.']}");
    check("{'remember_token': ['Unknown field.'], 'password': ['Ensure this value has at least 12 characters (it has 8).']}");
    check(r#"{"password":{"errors":["Too small: expected string to have >=12 characters"]}}"#);
    check(
        r#"{"password":{"type":"field","value":"«Xk29fLq8Zp0vR7tBq1W3»","msg":"password must be at least 12 characters","path":"password"}}"#,
    );
    check("{'password': ['«Correct horse battery staple»'], 'token': ['«Abc.def.ghi12345678»']}");
    check(r#"127.0.0.1 - - [01/Dec/2026 04:31:49] "GET /reset?token= HTTP/1.1" 400 -"#);
    check("GET /cb?page=2&api_key= HTTP/1.1");
    check("GET /cb?api_key=«Xk29fLq8Zp0vR7tBq1W3» HTTP/1.1");
    check("INFO grant=password scope=openid password «Xk29fLq8Zp0vR7tBq1W3»");
    check("app serve --api-key «Aa0a0a0a=0=a*A» --port 80");
}

#[test]
fn x_masks() {
    use super::is_x_mask;
    for mask in [
        "ghp_xxxxxxxxxxxxxxxx",
        "AKIAXXXXXXXXXXXXXXXX",
        "glpat-XXXX-XXXX",
        "xXxXxXxX",
        "x1x1x1x1",
        "eyJhbGciOiJIUzI1NiJ9.xxxxxxxx.sig",
    ] {
        assert!(is_x_mask(mask.as_bytes()), "{mask}");
    }
    for value in [
        "xxxxxxx",
        "x1x1x1x1y",
        "xxxxxxxYxxxxxxx-secret-value!",
        "s3cr3tP4ss",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.sig",
        "\u{d8}\u{f8}\u{d8}\u{f8}xxxx",
    ] {
        assert!(!is_x_mask(value.as_bytes()), "{value}");
    }
}

#[test]
fn records_printed_a_field_a_line() {
    // express-validator's `errors.array()` through util.inspect: the value comes before the
    // path naming the field; Joi's context names it after; a name field before its value.
    check("[\n  {\n    type: 'field',\n    value: '«Purple91.»',\n    msg: 'password must be at least 12 characters',\n    path: 'password',\n    location: 'body'\n  }\n]\n");
    check("    context: {\n      limit: 12,\n      value: '«8!bQfZ_kve»',\n      label: 'password',\n      key: 'password'\n    }\n");
    check("[\n  {\n    name: 'DB_PASSWORD',\n    value: '«Xk29fLq8Zp0vR7tBq1W3»'\n  }\n]\n");
    check("      kind: 'minlength',\n      path: 'password',\n      value: '«River75#»',\n      reason: undefined,\n");
    // Another field's record, the record before, a nested object's value, a URL path.
    check("  {\n    value: 'al',\n    path: 'username'\n  },\n  {\n    value: 'Purple91.',\n    path: 'email'\n  },\n  {\n    path: 'password',\n    location: 'body'\n  }\n");
    check("    params: {\n      value: 'Purple91.'\n    },\n    path: 'password',\n");
    check("  {\n    value: 'Purple91.',\n    path: '/account/password'\n  }\n");
}

#[test]
fn http_client_dumps() {
    // httpx's INFO line after a URL path ending in a credential word; Python's repr of an
    // object is no start tag; `undefined,` in util.inspect; gaxios' own placeholder.
    check(
        r#"INFO [httpx] HTTP Request: POST http://127.0.0.1:49477/oauth/token "HTTP/1.1 200 OK""#,
    );
    check(r#"INFO [httpx] HTTP Request: GET http://127.0.0.1:49477/v1/sessions "HTTP/1.1 200 OK""#);
    check("Passing through key word arguments {'timeout': None, 'auth': <requests.auth.HTTPBasicAuth object at 0x7f2bb560a410>, 'verify': None, 'cert': None}.");
    check("      auth: undefined,");
    check("      authorization: '<<REDACTED> - See `errorRedactor` option in `gaxios` for configuration>.',");
    check("    'client_secret' => '<<REDACTED> - See `errorRedactor` option in `gaxios` for configuration>.' },");
    // Still values: a SQL password, an element's text, a real value with a comma.
    check("ALTER ROLE app PASSWORD '«Xk29fLq8Zp0vR7tBq1W3»'");
    check("<password>«Xk29fLq8Zp0vR7tBq1W3»</password>");
    check(r#"<secret id="1">«Xk29fLq8Zp0vR7tBq1W3»</secret>"#);
    // An element with no tag after it on the line: one word of content, not the sentence.
    check(
        r#"{"msg":"Missing JWT (Expected 'Authorization: Bearer <JWT>'; Missing cookie \"access_token_cookie\"; Missing 'jwt' query param)"}"#,
    );
    check(
        "Expected header: Authorization: Bearer <token>; got none, see docs at /auth/refresh now",
    );
    check("<password>«Xk29fLq8Zp0vR7tBq1W3» (truncated)");
    check("      auth: '«Xk29fLq8Zp0vR7tBq1W3»',");
}

#[test]
fn generated_passwords_with_parentheses() {
    // moto's (and other generators') random passwords can look like a call; code stays code.
    check("{'password': '«Jh(Z7kbX`[~.<qVj&y-LvV1)»', 'user': 'x'}");
    check("ALTER USER app WITH PASSWORD '«Jh(Z7kbX`[~.<qVj&y-LvV1)»'");
    check("{'password': '«Jh(Z7kbXqVjyLvV1)»'}");
    check("password = os.getenv('DB_PASSWORD', '')");
    check("password: getpass()");
    check("api_key = get_secret(name='stripe', stage=env[0])");
    check("token: await fetchToken(client)");
}

#[test]
fn lambda_event_shapes() {
    // API Gateway payload 2.0: the JWT authorizer's claims are not the token; the cookie list's
    // items are judged by cookie name.
    check(
        r#"{"requestContext":{"authorizer":{"jwt":{"claims":{"sub":"3f1e2d4c-aaaa-bbbb-cccc-1234567890ab","iat":"1764570000","jti":"9a8b7c6d-1111-2222-3333-444455556666","origin_jti":"9a8b7c6d-1111-2222-3333-444455556667"},"scopes":null}}}}"#,
    );
    check(
        r#"{"cookies":["theme=light","_ga=GA1.1.123456789.1764570000","consent=analytics:1","session=«Zx9kLm2pQwErTy7uIoP»"]}"#,
    );
    check(
        r#"{"jwt": {"token": "«Zx9kLm2pQwErTy7uIoPaSdFgH»", "sub": "3f1e2d4c-aaaa-bbbb-cccc-1234567890ab"}}"#,
    );
    check(r#"{"cookies": ["«Zx9kLm2pQwErTy7uIoPaSdFgH»"]}"#);
    // A one-time code found once goes wherever else its line shows it as a whole token.
    check(
        r#"{"privateChallengeParameters":{"secretLoginCode":"«383060»"},"challengeMetadata":"CODE-«383060»"}"#,
    );
    // The answer to an authentication challenge or a security question.
    check(
        r#"{"privateChallengeParameters":{"secretLoginCode":"«383060»"},"challengeAnswer":"«932650»","userNotFound":false}"#,
    );
    check("security_answer='«Fluffy the 2nd»' user=bob");
    check(r#"{"response":{"answerCorrect":true},"challengeName":"CUSTOM_CHALLENGE"}"#);
    // An SNS message's signature is verified with the public certificate it names.
    check(
        r#"{"Type": "Notification", "Signature": "EXAMPLEpH+DcEwjAPg8O9mY8dReBSwksfg2S7WKQcikcNKWLQjwu6A4VbeS0QHVCkhRS7fUQvi2egU3N858fiTDN6bkkOxYDVrY0Ad8L10Hs3zH81mtnPk5uvvolIC1CXGu43obcgFxeL3khZl8IKvO61GWB6jI9b5+gLPoBc1Q=", "SigningCertUrl": "https://sns.us-east-2.amazonaws.com/SimpleNotificationService-ac565b8b1a6c5d002d285f9598aa1d9b.pem"}"#,
    );
    check(
        r#"{"Signature": "«EXAMPLEpH+DcEwjAPg8O9mY8dReBSwksfg2S7WKQcikcNKWLQjwu6A4VbeS0QHVCkhRS7fUQ»"}"#,
    );
}

#[test]
fn tracebacks_annotating_names() {
    // loguru (`diagnose=True`) / better_exceptions: each value under its name's column.
    let frame = "  File \"/srv/app/auth.py\", line 13, in login\n    connect(username, password, cfg.db_password)\n";
    check(&format!(
        "{frame}    │       │         │         │   └ '«Tr0ub4dor&3xx»'\n    │       │         │         └ <Cfg object at 0x7f3c2a1b>\n    │       │         └ '«correct horse battery»'\n    │       └ 'alice'\n    └ <function connect at 0x7f3c2a1c>\n\nConnectionError: auth failed\n"
    ));
    // The frame that caught (`> File`), a value cut short, colours.
    check("> File \"app.py\", line 7, in <module>\n    client.login(user, token=api_token)\n    │            │           └ '«tok_8fK2mQ9xLp3Zv7Wd8fK2mQ9xLp3Zv7Wd»...\n    │            └ 'bob'\n");
    check("  File \"app.py\", line 7, in f\n    \x1b[1mrun\x1b[0m\x1b[1m(\x1b[0m\x1b[1mpassword\x1b[0m\x1b[1m)\x1b[0m\n    \x1b[36m│   └ \x1b[0m\x1b[36m\x1b[1m'«hunter2hunter2»'\x1b[0m\n");
    // Non-sensitive names, another line's column, and annotations after the block ended.
    check("  File \"app.py\", line 9, in f\n    run(user, password_length)\n    │   │     └ 12\n    │   └ 'alice'\n    └ <function run>\n");
    check("  File \"app.py\", line 9, in f\n    run(user, password)\n    │   └ 'alice'\n    └ <function run>\n\n    │   └ 'x7Kq2mPz9'\n");
    // Inside a JSON string (loguru's `serialize=True`).
    check("{\"text\": \"Traceback (most recent call last):\\n  File \\\"app.py\\\", line 13, in login\\n    connect(\\\"db\\\", password)\\n    │             └ '«it\\\"s-a-Secret9»'\\n    └ <function connect>\\n\", \"record\": {}}");
}

#[test]
fn values_cut_short_by_a_printer() {
    // loguru cuts a repr at 128 characters, rich with `…`: what is left is still the secret.
    check("    └ {'api_key': 'SG.x', 'api_secret': '«J_uB8YGsjNtCMejbbbo0XdLX4...»");
    check("token=«J_uB8YGsjNtCMejbbbo0XdLX4…» more");
    // A head of 15 letters and digits or fewer is another tool's mask.
    check("{\"password\": \"sk_live_4eC3...\"}");
    check("{\"token\": \"abcd…\"}");
}

#[test]
fn subscripts_are_code() {
    check("    username, password = rec[\"user\"], rec[\"password\"]");
    check("│   256 │   api_key, api_secret, refresh_token = partner[\"api_key\"], partner[\"api_secret\"]");
    check("api_key = partner['api_key']");
    // One-letter and constant names (a traceback's source line, held-out mongoengine run).
    check("    User(email='x@y.z', password_hash=S['password_hash'], refreshToken=S['refresh']).save()");
    check("    init_cache({'redis_pass': S['redis_pass'], 'db': 0})");
    check("    connect(password=CONFIG[\"db_pass\"])");
    // A generated value's head is no name.
    check("password=«Q7X2[»'");
}

#[test]
fn values_wrapped_onto_the_next_lines() {
    // rich's locals box (the value runs to the border on its first line), stackprinter's wrap
    // at 60 columns (the dict's items and the wraps at one column).
    check("│ │   password = '«sunshine correct │ │»\n│ │              «horse river»       │ │\n│ │              «staple»'          │ │\n│ │     region = 'eu-west-1'        │ │\n");
    check("     creds = {'api_key': '«xoxb-298871400047-8260819790839-G7CC»\n              «5yNGazKw5»',\n              'partner_id': 'partner-901'}\n");
    // Cut short (nothing follows), the next item, a line not indented: not the value's rest.
    check("    x = {'api_secret': '«J_uB8YGsjNtCMejbbbo0XdLX4...»\n      more text here\n");
    check("     token = '«rt_wBZESsvkgZSF5ONFovpo»\n     user_id = 88\n");
    check("password = '«abc123xyz»\nINFO next line\n");
}

/// Node's util.inspect of an array an element a line: a sensitive name's element, then its
/// value's (held-out run: `req.rawHeaders`, `process.argv`).
#[test]
fn array_elements_a_line_name_then_value() {
    check("[\n  'Host',\n  '127.0.0.1:3000',\n  'X-Api-Key',\n  '«ak_dtae3hZquG23wDJiBjYWroJVLC0KR87U»',\n  'X-CSRF-Token',\n  '«M6bqnT53VBYrEwF5H_nPrVzOmUa08c_Jqi3Q»',\n  'Accept',\n  '*/*'\n]\n");
    check("[\n  '/usr/bin/node',\n  '/srv/app/cli.js',\n  '--api-key',\n  '«ak_dtae3hZquG23wDJiBjYWroJVLC0KR87U»',\n  '--token',\n  '«reOcZojgMA2XOBCjGcjuFNeBGAvvM3ou089UVeuO»'\n]\n");
    // Names listed as names (pino's redact paths), a value at another depth, a last element.
    check("redact: [\n  'password',\n  'token',\n  'authorization'\n]\n");
    check("  'X-Api-Key',\n    'deeper-7Fq2LmQ9xZ81KdPa',\n");
    check("  'X-Api-Key'\n  'not-an-element-7Fq2LmQ9xZ81KdPa'\n");
}

#[test]
fn wrapped_values_scrubbed_twice() {
    // The fuzzer's case: an open quote with no letters or digits after it carries nothing, and
    // a continuation already redacted is not taken again (idempotence).
    check("    =password = '\u{1a}\0\0\0   !   \n     task.creds, \"eu-west-1\">\n");
    let wrapped = "│ │   password = 'sunshine correct │ │\n│ │              horse river       │ │\n│ │              staple'          │ │\n";
    let once = scrub_text(&SCRUBBER, wrapped);
    let mut state = crate::engine::StreamState::default();
    let mut scratch = SCRUBBER.scratch();
    let (mut again, mut hits) = (Vec::new(), Vec::new());
    SCRUBBER.scrub_block(
        once.as_bytes(),
        &mut state,
        &mut scratch,
        &mut again,
        &mut hits,
    );
    assert!(hits.is_empty(), "a second pass redacted again: {hits:?}");
}

#[test]
fn tracebacks_in_json_of_several_frames() {
    // Every frame's annotations, read once from the first frame.
    check("{\"text\": \"Traceback (most recent call last):\\n  File \\\"app.py\\\", line 3, in <module>\\n    run(token)\\n    │   └ '«tok_8fK2mQ9xLp3Zv7Wd»'\\n    └ <function run>\\n\\n  File \\\"app.py\\\", line 9, in run\\n    connect(\\\"db\\\", password)\\n    │             └ '«Tr0ub4dor&3xx»'\\n    └ <function connect>\\n\"}");
}

#[test]
fn a_string_literal_ends_at_its_own_depth() {
    fn content(line: &str) -> Option<(&str, &str)> {
        super::string_literal(line.as_bytes(), 0).map(|l| (&line[l.s..l.e], &line[l.after..]))
    }
    assert_eq!(content(r#"'a\'b' x"#), Some((r#"a\'b"#, " x")));
    assert_eq!(content(r#""a\\" x"#), Some((r#"a\\"#, " x")));
    assert_eq!(content(r#"\"a\\\"b\" x"#), Some((r#"a\\\"b"#, " x")));
    assert_eq!(content(r#"\"a\\\\\" x"#), Some((r#"a\\\\"#, " x")));
    assert_eq!(content(r#"\\\"a\\\" x"#), Some(("a", " x")));
    // The enclosing string ends first: so does the literal.
    assert_eq!(content(r#"\"ab" x"#), Some(("ab", " x")));
    assert_eq!(content(r#"'ab"#), None);
    assert_eq!(content("ab"), None);
}

/// A record's other strings are skipped at the record's escape depth: a string ending in an
/// escaped backslash (`"C:\\"`), holding escaped quotes or a brace, between a name field and
/// its value field does not pair the wrong quotes (the value leaked when it came first).
#[test]
fn a_records_strings_end_at_its_depth() {
    for (a, b) in [
        (
            r#"{"value": ""#,
            r#"", "note": "C:\\", "name": "DB_PASSWORD"}"#,
        ),
        (
            r#"{"value": ""#,
            r#"", "note": "say \"hi\"", "name": "DB_PASSWORD"}"#,
        ),
        (
            r#"{'value': '"#,
            r#"', 'note': 'C:\\', 'name': 'DB_PASSWORD'}"#,
        ),
        (
            r#"{'value': '"#,
            r#"', 'note': "it's", 'name': 'DB_PASSWORD'}"#,
        ),
        (r#"<add value=""#, r#"" note="C:\\" name="DB_PASSWORD"/>"#),
        (
            r#"{"msg": "{\"value\": \""#,
            r#"\", \"note\": \"C:\\\\\", \"name\": \"DB_PASSWORD\"}"}"#,
        ),
        (
            r#"{"msg": "{\"value\": \""#,
            r#"\", \"note\": \"say \\\"hi\\\"\", \"name\": \"DB_PASSWORD\"}"}"#,
        ),
        (
            r#"{"msg": "{\"msg\": \"{\\\"value\\\": \\\""#,
            r#"\\\", \\\"note\\\": \\\"C:\\\\\\\\\\\", \\\"name\\\": \\\"DB_PASSWORD\\\"}\"}"}"#,
        ),
        (
            r#"{"name": "DB_PASSWORD", "note": "C:\\", "value": ""#,
            r#""}"#,
        ),
        (
            r#"{"name": "DB_PASSWORD", "meta": {"m": "a \"}\" b"}, "value": ""#,
            r#""}"#,
        ),
        (
            r#"{"msg": "{\"name\": \"DB_PASSWORD\", \"meta\": {\"m\": \"a \\\"}\\\" b\"}, \"value\": \""#,
            r#"\"}"}"#,
        ),
    ] {
        check(&format!("{a}«Xk9#mQ2vLp7Rw4Zt»{b}"));
    }
}

/// A prefixed string literal (Python's `b"…"`, `u'…'`, C#'s `@"…"`) is a quoted value at every
/// escape depth: inside a JSON string its quote is escaped (`b\"…\"`), and the placeholder took
/// the prefix while the value stayed.
#[test]
fn prefixed_strings_at_every_escape_depth() {
    check(r#"x = {'password': b"«Xk9mQ2vLp7Rw»"}"#);
    check(r#"{"msg": "x = {'password': b\"«Xk9mQ2vLp7Rw»\"}"}"#);
    check(r#"{"msg": "x = {\"password\": u\"«Xk9mQ2vLp7Rw»\"}"}"#);
    check(r#"{"msg": "{\"m\": \"x = {'password': b\\\"«Xk9mQ2vLp7Rw»\\\"}\"}"}"#);
    check(
        r#"{"msg": "x = {'signature': b\"«\\xb9\\x04\\xe0t\\x97\\x9a'\\xfe\\xda\\x02\\x19»\"}"}"#,
    );
    check(r#"{"msg": "var password = @\"«Xk9mQ2vLp7Rw»\";"}"#);
}

/// A subscript's key (`d["password"] = "…"`) is read with its brackets at every escape depth,
/// as a statement printed inside a JSON string, or inside one nested in another, shows it.
#[test]
fn subscript_keys_at_every_escape_depth() {
    check(r#"some_dict["secret"] = "«m{{h}o)p${e]nob(ody[finds>-_$#thisone}}»""#);
    check(r#"{"a": "d[\"password\"] = \"«Xk9mQ2vLp7Rw»\""}"#);
    check(r#"{"b": "{\"m\": \"d[\\\"password\\\"] = \\\"«Xk9mQ2vLp7Rw»\\\"\"}"}"#);
    check(r#"{"b": "{\"m\": \"d[ \\\"api_key\\\" ] = \\\"«Xk9mQ2vLp7Rw»\\\"\"}"}"#);
    check(r#"{"b": "{\"m\": \"rec[\\\"password\\\"] is required\"}"}"#);
}

#[test]
fn an_unterminated_string_ends_at_the_tags_that_close_the_line() {
    for (line, want) in [
        (
            "<td>api_key = 'Xk9mQ2pL7vR4tB8nW3</td>",
            "<td>api_key = '[REDACTED:api-key]</td>",
        ),
        (
            "<tr><td>password = 'Xk9mQ2pL7vR4tB8nW3   </td></tr> ",
            "<tr><td>password = '[REDACTED:password]   </td></tr> ",
        ),
        (
            "password = 'Xk9mQ2pL7vR4tB8nW3 a</b",
            "password = '[REDACTED:password]",
        ),
    ] {
        assert_eq!(scrub_text(&SCRUBBER, line), want);
    }
}

#[test]
fn a_value_to_the_end_of_the_line_stops_at_the_tags_that_close_it() {
    for line in [
        "<td>rejecting token: Signature verification failed</td>",
        "<td>password: </td>",
    ] {
        assert_eq!(scrub_text(&SCRUBBER, line), line);
    }
}

#[test]
fn a_subscript_is_code_at_any_depth() {
    for line in [
        r#"        username, password = rec["user"], rec["password"]"#,
        r#"{"m": "        username, password = rec[\"user\"], rec[\"password\"]"}"#,
        r#"{"m": "{\"m\": \"username, password = rec[\\\"user\\\"], x\"}"}"#,
    ] {
        assert_eq!(scrub_text(&SCRUBBER, line), line);
    }
}

#[test]
fn code_after_a_secret_name_is_kept_at_any_depth() {
    // A statement's `;` before the string's closing quote ends the value, as at the end of the
    // line; a `$` escaped for the shell is the variable's at any depth.
    for line in [
        "$password = $input;",
        r#"{"m": "$password = $input;"}"#,
        r#"{"m": "  char *password = NULL;"}"#,
        r#"{"m": "let accountKey = $accountKey;"}"#,
        r#"{"m": "{\"m\": \"let accountKey = $accountKey;\"}"}"#,
        r#"        \$pwd = \$_POST[\"password\"];"#,
        r#"{"m": "        \\$pwd = \\$_POST[\\\"password\\\"];"}"#,
    ] {
        assert_eq!(scrub_text(&SCRUBBER, line), line);
    }
    check(r#"{"m": "password = «Xk9fQ2mZ7pL4»;"}"#);
    check(r#"{"m": "password = «Xk9fQ2;mZ7pL4»"}"#);
}

#[test]
fn a_character_written_as_a_unicode_escape_is_no_word() {
    // A rich panel's box character after a function named for a secret, as itself and as a
    // JSON string's `\u` escape at two depths: not a value.
    for line in [
        "    │ in verify_password  │  ",
        r#"{"m": "    \u2502 in verify_password  \u2502  "}"#,
        r#"{"m": "{\"m\": \"in verify_password  \\u2502  \"}"}"#,
    ] {
        assert_eq!(scrub_text(&SCRUBBER, line), line);
    }
    check(r#"{"m": "login with password «Xk9fQ2mZ\u00e9pL4» failed"}"#);
}

/// `&` inside a value: a parameter separator only where a query string or form body goes on
/// (`&name=`), or in a query string (`?a=1&debug`); elsewhere a character of the value.
#[test]
fn ampersands_in_values() {
    check("login user=bob password=«Tr0ub4dor&3xyz» ok");
    check("    - POSTGRES_PASSWORD=«monkey4&rxu»");
    check("password=«hunter2&&x»");
    check("password=«Tr0ub4dor»&user=bob");
    check("password=«Tr0ub4dor»&amp;next=1");
    check("GET /login?user=bob&password=«Tr0ub4dor»&next=/home HTTP/1.1");
    check("GET /login?password=«Tr0ub4dor»&debug HTTP/1.1");
}

/// A doubled quote inside a quoted value (YAML's and SQL's `''`, two shell or Python literals
/// side by side) is part of the value: nothing after it stays in clear.
#[test]
fn doubled_quotes_inside_values() {
    check("  ldap_bind_password: '«o''Brien: #A3sZVqXf78»'");
    check("ALTER USER app WITH PASSWORD '«it''s-a-s3cret-pass»'");
    check("export AWS_API_KEY='«Zk3pQ9xLm2''Wd8rT5Zk3pQ9»'");
    check("password: ''");
    check("{'password': '', 'user': 'bob'}");
    check("password='«abc''def»' user=x");
}

/// A password assigned by a whole quoted string runs to the closing quote, spaces and all;
/// another pair or a prose word in the string keeps the value to its first word.
#[test]
fn passwords_assigned_by_a_whole_quoted_string() {
    check("curl --data-urlencode 'password=«battery orange hunter monkey 95»' http://x/login");
    check("    - \"POSTGRES_PASSWORD=«correct horse battery 7»\"");
    check("{\"args\": [\"--password=«Zk3pQ9 xLm2Wd8»\"]}");
    check("{'msg': 'password=«Zk3pQ9xLm2» user=bob'}");
    check("{\"msg\":\"password=«Zk3pQ9xLm2» for user bob\"}");
    check("login password=«Zk3pQ9xLm2» accepted");
}

#[test]
fn test_verdicts_beside_real_passwords() {
    check("PASS=«hunter2x9Q»");
    check("      PASS = '«`123QWERasdf»'");
    check("PASS: '«Zk3pQ9xLm2»'");
    check("DB_PASS: «Zk3pQ9xLm2»");
    check(r#"{"PASS": "«Zk3pQ9xLm2»"}"#);
}

#[test]
fn shapes_from_the_shell_mail_and_orm_stacks() {
    // A table named for the credential, with its column list: no value.
    check(
        r#"('CREATE TABLE IF NOT EXISTS "passwordreset" ("id" INTEGER NOT NULL PRIMARY KEY)', [])"#,
    );
    check(
        r#"('CREATE INDEX IF NOT EXISTS "passwordreset_user_id" ON "passwordreset" ("user_id")', [])"#,
    );
    // ``Path `password` (`…`)`` (mongoose's message) is still a value.
    check("Path `password` (`«abc»`) is shorter than the minimum allowed length (8).");
    // A command's options after `passwd`, docker's warning about the flag.
    check("+ sshpass -e ssh -p 22 root@127.0.0.1 'passwd -S root'");
    check("WARNING! Using --password via the CLI is insecure. Use --password-stdin.");
    check("+ docker login -u ci --password «Xk2Lm8QpZz81» registry.example.com");
    // bash -x writes a `'` inside a quoted word as `'\''`: one value through its last part.
    check(r#"+ SSHPASS='«f{Ks9AxiyE>'\''wDq1bj)6D»'"#);
    // `=~` is Ruby's match operator only before a space or a regex.
    check("+ export 'SSHPASS=«~lyrRSk0WcSZxj»'");
    check("if password =~ /[0-9]/ then");
    // SMTP `AUTH LOGIN <base64 user name>`: the user name, not a credential.
    check(r#"send: 'AUTH LOGIN ZGF2ZUBleGFtcGxlLnRlc3Q=\r\n'"#);
    check("== dovecot 2.3 log (auth_verbose_passwords=plain, auth_debug_passwords=yes)");
    // `*_PW` names a password; `pw` alone only with an operator.
    check("+ BIND_PW='«DragonMarbleFalcon?81»'");
    check("local 'old_pw=«WS*3BJH$Yvf.4R»'");
    check("GET /login?user=bob&pw=«Xk2Lm8QpZz81» HTTP/1.1");
    check("    doveadm pw: Convert to v2 command");
    // An unquoted pass phrase ending the line (or a colour code); a word then prose stays a word.
    check("email backend: host=127.0.0.1 username=bob@example.test password=«river monkey 24»");
    check("\x1b[1muser bob logged in with password=«river monkey hunter 61»\x1b[0m");
    check("login failed: password=«hunter2» rejected for user bob");
    check("login failed: password=«winter» for user bob 42");
    // `printf` writing a config file: the format names the field, an argument holds it.
    check(
        r"+ printf '[client]\nuser=app\npassword=%s\nhost=%s\n' '«Q@w!ta80XuROhEmw%HOC»' 127.0.0.1",
    );
    check(r"+ printf 'username = svc\npassword = %s\ndomain = CORP\n' '«Nr%1$h8SOoby1Wk$JA»'");
    check(r"+ printf 'dn: %s\nuserPassword: %s\n' uid=dave,dc=example '«JD4(ayVXr)>]G'\''PHx5w»'");
    check(r#"printf -v conf "token=%s\n" «Xk2Lm8QpZz81Rt7w» > /etc/app.conf"#);
    check(r"+ printf 'password_changed=%s count=%d\n' true 3");
    check(r#"{"msg": "+ printf 'user=app\\npassword=%s\\n' '«Nr%1$h8SOoby1Wk$JA»'"}"#);
    check(r#"{"msg": "{\"msg\": \"+ printf 'password=%s host=%s' '«Nr%1$h8SOoby1Wk$JA»' db\"}"}"#);
    check(r"+ printf '%s\n' 'the password prompt'");
}

#[test]
fn orm_parameter_trailers() {
    // peewee: `('…', [params])`, a statement and its parameters as one tuple repr.
    check(
        r#"('INSERT INTO "user" ("username", "password", "api_key") VALUES (?, ?, ?)', ['alice', '«pbkdf2_sha256$600000$Zk3pQ9xL$Wd8rT5q»', '«Xk2Lm8QpZz81Rt7w»'])"#,
    );
    check(
        r#"('SELECT "t1"."id" FROM "session" AS "t1" WHERE ("t1"."token" = ?) LIMIT ?', ['«sess_Jn0fuycXhCNJKy4Lb»', 1])"#,
    );
    // TypeORM `logging: true`.
    check(
        r#"query: INSERT INTO "refresh_token"("token", "userId") VALUES ($1, $2) RETURNING "id" -- PARAMETERS: ["«rt_9f8e7d6c5b4a3928»",42]"#,
    );
    // Sequelize `logQueryParameters: true`.
    check(
        r#"Executing (default): UPDATE `users` SET `resetToken`=$1,`updatedAt`=$2 WHERE `id` = $3; ["«Qm9pX2Lz7Wd4Rt8k»","2026-12-04 18:50:01.123 +00:00",7]"#,
    );
    // Sequelize with `bind`: the values as an object keyed by placeholder (or bind name); the
    // `$1,` placeholder itself is no value.
    check(
        r#"Executing (default): UPDATE `Users` SET `password`=$1,`updatedAt`=$2 WHERE `id` = $3; {"$1":"«J'[yg\\Pzn\"MdpJ63»","$2":"2026-12-04 22:26:41.062 +00:00","$3":3}"#,
    );
    check(
        r#"Executing (default): INSERT INTO `Sessions` (`token`,`userId`,`refreshToken`) VALUES ($1,$2,$3); {"$1":"«Ynpul1K5bR0BSdeyipOh88TD»","$2":1,"$3":"«def50200Xk2Lm8QpZz81»"}"#,
    );
    check(
        r#"Executing (default): SELECT "userId" FROM "Sessions" WHERE "token" = $token; {"$token":"«Ynpul1K5bR0BSdeyipOh88TD»"}"#,
    );
    check(
        r#"{"msg": "Executing (default): UPDATE `Sessions` SET `refreshToken`=$1 WHERE `token` = $2; {\"$1\":\"«def50200Xk2Lm8QpZz81»\",\"$2\":\"«Ynpul1K5bR0BSdeyipOh88TD»\"}"}"#,
    );
    check(r#"("SELECT id FROM session WHERE token = %s", ('«Zk3pQ9xLm2Wd»',))"#);
    // An inlined statement holding a marker's bytes is read as a statement.
    check("INSERT INTO users (email, password) VALUES ('a@b.c', (SELECT '«Zk3pQ9xLm2Wd»'))");
    // Clean: an orders row and a number bound beside nothing secret.
    check(r#"('INSERT INTO "orders" ("sku", "qty") VALUES (?, ?)', ['SKU-1234-XYZ', 3])"#);
    // The statement and its bindings side by side (knex's `query` event, `print(sql,
    // params)`, `console.log(text, values)`), lower-case SQL as knex writes it, and an app's
    // `query=… parameters=[…]`.
    check("[db] insert into `password_resets` (`reset_token`, `user_id`) values (?, ?) [\"«bT1LXbmlUjxWpCusIIeJ»\",3]");
    check("[db] update `users` set `password_hash` = ? where `id` = ? [\"«$2b$12$Zk3pQ9xLm2Wd8rT5q»\",3]");
    check("SELECT user_id FROM sessions WHERE token = %s ('«Zk3pQ9xLm2Wd8rT5»',)");
    check("select * from sessions where token = $1 [ '«Zk3pQ9xLm2Wd8rT5»' ]");
    check(
        r#"insert failed query=INSERT INTO "sessions"("token", "userId") VALUES (?, 1) parameters=["«cKRSvtW3EZmj4y_NFF»"]"#,
    );
    // English with the same words is no statement.
    check("be using the previous session's log prefix after the update could have failed");
    check("update the password (see above) and select a token from the list");
    check("[db] select * from `orders` where `id` = ? [42]");
}

#[test]
fn sql_parameters_a_line_apart_from_their_columns() {
    // TypeORM's formatted logger: the column list above the `VALUES … -- PARAMETERS:` line.
    check("query: INSERT INTO \"sessions\"(\"token\", \"userId\", \"refreshToken\")\nVALUES (?, 4, ?) -- PARAMETERS: [\"«xLHHBaMvJSTGaIT1D»\",\"«def50200Xk2Lm8QpZz81»\"]\n");
    check("query: SELECT \"s\".\"userId\" AS \"s_userId\"\nFROM \"sessions\" \"s\"\nWHERE ((\"s\".\"token\" = ?))\nLIMIT 1 -- PARAMETERS: [\"«xLHHBaMvJSTGaIT1D»\"]\n");
    // TypeORM's debug logger: util.inspect of the parameters, an item a line.
    check("t typeorm:query:log query: UPDATE \"users\" SET \"passwordHash\" = ?, \"note\" = ? WHERE \"id\" = 4\nt typeorm:query:log parameters: [\n  '«$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo»',\n  'plain note'\n]\nnext line\n");
    // knex `debug: true`: each query object's `bindings` printed before its `sql`, over lines
    // or on one; a line between them that had its own secret keeps it redacted.
    check("{\n  method: 'update',\n  bindings: [\n    '«1//0zvVWMJoffJq50VRzC61wYHn»',\n    '«F9ScrBniVVisk2QqWMJRYqy»'\n  ],\n  note: '«ghp_Zk3pQ9xLm2Wd8rT5qXk2Lm8QpZz81Rt7wAbCd»',\n  sql: 'update `sessions` set `refresh_token` = ? where `token` = ?',\n  returning: undefined\n}\n");
    check("{\n  method: 'first',\n  bindings: [ '«bT1LXbmlUjxWpCusIIeJ»', false, 1 ],\n  sql: 'select * from `password_resets` where `reset_token` = ? and `used` = ? limit ?'\n}\n");
    // Its multi-row insert: `select ? as `password`, … union all select …`.
    check("{\n  bindings: [ '«c4X9DoCd''Al)ro&nD»', 'active', 'erin', '«monkey7&t1z»', 'active', 'frank' ],\n  sql: 'insert into `accounts` (`password`, `status`, `username`) select ? as `password`, ? as `status`, ? as `username` union all select ? as `password`, ? as `status`, ? as `username`'\n}\n");
    // `knex.raw`: the `sql` first, then its `bindings`.
    check("{\n  method: 'raw',\n  sql: 'update sessions set token = ? where user_id = ?',\n  bindings: [ '«Udaus3i6_OhM282l2_Pvo»', 1 ],\n  options: {}\n}\n");
    // Clean: the same shapes for orders, and bindings of another object.
    check("{\n  bindings: [ 'ORD-2024-11-00102', 'new' ],\n  sql: 'select * from `orders` where `reference` = ? and `status` = ?'\n}\n");
    check("{\n  bindings: [ 'ORD-2024-11-00102' ],\n  sql: 'select 1'\n}\n{\n  sql: 'select * from `sessions` where `token` = ?'\n}\n");
    check("t typeorm:query:log query: SELECT * FROM \"orders\" WHERE \"reference\" = ?\nt typeorm:query:log parameters: [\n  'ORD-2024-11-00102'\n]\n");
    // A record's value printed before the line naming its field, with a line between them
    // that had a secret of its own.
    check("  {\n    value: '«River75#Purple»',\n    note: '«ghp_Zk3pQ9xLm2Wd8rT5qXk2Lm8QpZz81Rt7wAbCd»',\n    path: 'password',\n  }\n");
}

/// Held-out runs (Node loggers, aiohttp): shapes around a sensitive name that are not its value.
#[test]
fn not_the_value_of_a_sensitive_name() {
    // A line ending in an opener prints a structure below: the words before it are a message.
    check("auth: expired token {\n");
    check("password: «hunter2x» {\n");
    // A logger's name with a property glued to a sensitive word, then an access log.
    check("INFO app.tokenserver: 127.0.0.1 - \"POST /token HTTP/1.1\" 200 -\n");
    check("passwordreset: 9f3kQ2mZ7pL4vR8s\n");
    check("accesstoken: «9f3kQ2mZ7pL4vR8s»\n");
    // An address is not a credential.
    check("token: 127.0.0.1\ntoken: 10.0.3.7:5432\n");
    // Base64 that starts with a slash is no path; a path of words is.
    check("token=«/Qe/j4SQ5yEvR9sFv/2S5gGpA99Ffrfj»\n");
    check("token: /var/lib/app/tokens/current\ntoken: /Users/Bob/Library/Tokens\n");
}

/// Prose that links a credential's name to a quoted value (held-out run: loglevel).
#[test]
fn prose_names_a_quoted_credential() {
    check("cookie secret is \"«s50cDGJkv5w64HGdjA18ANlxZXYoFxNO»\"\n");
    check("the api key is '«s50cDGJkv5w64HGdjA18ANlxZXYoFxNO»'\n");
    check("the token is \"expired\"\nthe api key is \"sk_test_placeholder\"\n");
}

/// A header's name where a value would be: the value follows it (held-out run: aiohttp).
#[test]
fn a_header_name_is_no_value() {
    check("login ok cookies=Set-Cookie: csrftoken=«WX30IoknTsmz7DtDnFgpaD4E0G8PQ04T»\n");
    check("cookie=«Xk9f-Q2mZ7pL4vR8s»\n");
}

#[test]
fn multipart_form_parts_on_one_line() {
    // A multipart body printed as a bytes repr or inside a JSON string: each part's value
    // follows its headers and a blank line, at any escape depth.
    check(
        r#"body: b'--XyZ\r\nContent-Disposition: form-data; name="username"\r\n\r\nalice\r\n--XyZ\r\nContent-Disposition: form-data; name="password"\r\n\r\n«Tr0ub\'4dor"&@/x»\r\n--XyZ--\r\n'"#,
    );
    check(
        r#"{"body": "--XyZ\r\nContent-Disposition: form-data; name=\"client_secret\"\r\nContent-Type: text/plain\r\n\r\n«UOQ2kgSo05tcAfJPntaoKiAKLt65Wjl5»\r\n--XyZ--"}"#,
    );
    check(
        r#"{"msg": "{\"body\": \"--XyZ\\r\\nContent-Disposition: form-data; name=\\\"refresh_token\\\"\\r\\n\\r\\n«CzXUHedU0jqv73ljBFKNuqCMar9QWc»\\r\\n--XyZ--\"}"}"#,
    );
    check(r#"b'--XyZ\r\nContent-Disposition: form-data; name="password"\r\n\r\n«hunter2!x»'"#);
    // Not values: a file's content, a part that names no credential, an empty value.
    check(
        r#"b'--XyZ\r\nContent-Disposition: form-data; name="token"; filename="t.txt"\r\n\r\nhello\r\n--XyZ--'"#,
    );
    check(
        r#"b'--XyZ\r\nContent-Disposition: form-data; name="grant_type"\r\n\r\npassword\r\n--XyZ--'"#,
    );
    check(r#"b'--XyZ\r\nContent-Disposition: form-data; name="password"\r\n\r\n\r\n--XyZ--'"#);
}

#[test]
fn connection_string_keys_of_several_words() {
    // ADO.NET / ODBC keys hold spaces: the password ends at the `;` before the next one.
    check("Server=db;Database=app;User Id=sa;Password=«P@ssw0rd!»;Persist Security Info=true;");
    check(
        r#"UseSqlServer("Data Source=db;Initial Catalog=app;Password=«Xk29fLq8Zp0vR7»;Trust Server Certificate=True")"#,
    );
    // A `;` inside the password stays inside it.
    check("Host=db;Username=app;Password=«hun;ter2xQ»;Pooling=true");
}

#[test]
fn header_names_and_object_reprs_are_no_values() {
    // Which header carries a token is a header's name; an object's repr (whole, or cut by a
    // printer such as stackprinter) is code.
    check(" 'WTF_CSRF_HEADERS': ['X-CSRFToken', 'X-CSRF-Token'],");
    check("api_key_header = X-Api-Key");
    check("     csrf.exempt = <method 'CSRFProtect.exempt' of <flask_wtf.csrf.CSRFProtect ");
    check("token_loader = <function load_token at 0x7f3a2b1c0d90>");
    // Still values: under a header's name, a token (digits, no hyphen-joined capitals).
    check(" 'X-CSRF-Token': '«Kq8ZpLrT5vW8yN2cJ4dG7hK1mQ»',");
    check("X-Api-Key: «Kq8Zp-LrT5vW8yN2-cJ4dG7hK1mQ»");
}

#[test]
fn quoted_printable_assignments() {
    // Django's error mails through the console backend: `=3D` is `=` before a quoted value.
    check("access_token =3D '«ya29.a0AfH6SMBx3kq9ZpLrT5vW8yN2cJ4dG7hK1mQ»'");
    check("EMAIL_HOST_PASSWORD =3D '********************'");
    check("SIMPLE_JWT =3D {'SIGNING_KEY': '********************', 'ROTATE_REFRESH_TOKE=");
}
