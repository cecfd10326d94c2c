"""The AWS CLI v1's `--debug` output and boto3/botocore DEBUG logging calling the query-protocol
services (form-encoded request bodies, XML responses) against a real moto_server.

Part 1: `aws --debug` (awscli 1.46.3, which carries its own botocore 1.43.62) run as a
subprocess, its stderr captured, then its stdout (the JSON result, as a CI job log has both).
The CLI prints the arguments it was given (`Arguments entered to CLI: [...]`), each unpacked
argument, botocore's request dict (`'body': {'Action': ..., 'Password': ...}`), the SigV4
canonical request / string to sign / signature, the prepared request with its Authorization
header, the response headers and the response body bytes. botocore.hooks, botocore.loaders,
botocore.regions and botocore.retryhandler records (event-handler, file-loading, endpoint-rule
and "No retry needed" chatter, more than half of the output) and awscli.clidriver's dump of the
argument table are dropped, and botocore.auth's canonical-request / string-to-sign / signature
blocks are kept for the first three CLI calls only. Each call is preceded by its command line as
`bash -x` shows it (`+ aws --debug ...`, written by the generator). Big results are cut with
`--query`, as jobs do.
Part 2: boto3 1.44 in-process, `botocore.endpoint`/`botocore.parsers` at DEBUG (boto3's stream
logger format), the app logging what it got; then a few calls with http.client's debuglevel 1,
which prints the wire bytes: the form-encoded body (`Password=a%26b%3D...`, `+` for spaces).

Secrets: IAM login-profile passwords (CreateLoginProfile/UpdateLoginProfile, ChangePassword's
OldPassword/NewPassword), the secret keys moto generates (CreateAccessKey, STS AssumeRole /
GetSessionToken / GetFederationToken: `<SecretAccessKey>`, `<SessionToken>`; moto returns AWS's
documented EXAMPLE credentials for GetSessionToken/GetFederationToken), RDS MasterUserPassword
(instance and cluster), CloudFormation `DBPassword` parameter values (NoEcho in the template;
moto echoes them back in DescribeStacks), an SNS https endpoint's `token=`, an SNS platform
application's `PlatformCredential`, an SQS message body's token, EC2 CreateKeyPair's RSA private
key (`<keyMaterial>`; each base64 body line), a RunInstances UserData (base64 of a script with
`export DB_PASSWORD=...`), the clients' static `AKIA...` key pair, SigV4 signatures.
Clean look-alikes: ImportKeyPair / UploadSSHPublicKey public keys, `PasswordResetRequired`,
`PasswordLastUsed`, ValidateTemplate's `<NoEcho>true</NoEcho>` parameter declarations,
`UsePreviousValue`, ARNs, request ids, `Action=DescribeStacks`, payload hashes.
"""
import base64
import contextlib
import http.client
import json
import logging
import os
import re
import secrets
import shlex
import shutil
import subprocess
import sys
import tempfile

import common as c

NAME = "aws_query_cli"
S = c.Secrets(NAME)


def form_password(n=None, extra=""):
    """A generated password holding the characters form encoding changes: & = + % / and quotes."""
    hard = ["%", "/", '"', "'"] if not extra else list(extra)
    n = n or c.random_len(16, 22)
    body = list(c.rand(n - 4, c.ALNUM))
    # always & = + (the form separators and the encoded space), then one more of the set
    picks = ["&", "=", "+", secrets.choice(hard)]
    for ch in picks:
        body.insert(1 + secrets.randbelow(len(body) - 1), ch)
    return "".join(body)


def spaced_password():
    """A pass phrase with spaces (`+` in a form body)."""
    while True:
        p = c.human_password()
        if " " in p:
            return p


def rds_password():
    # RDS refuses / " @ and spaces in MasterUserPassword
    return form_password(extra="%!#")


_REC = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} - \S+ - (\S+) - ")


def filter_cli(text, keep_auth):
    out, keep = [], True
    for line in text.splitlines():
        m = _REC.match(line)
        if m:
            lg = m.group(1)
            keep = not (lg.rsplit(".", 1)[-1] in ("hooks", "loaders", "regions", "retryhandler")
                        or (lg.endswith("botocore.auth") and not keep_auth)
                        or (lg == "awscli.clidriver" and " - DEBUG - OrderedDict(" in line))
        if keep:
            out.append(line)
    return out


with c.moto_server(NAME) as endpoint:
    raw = open(c.raw_path(NAME), "w", newline="\n")
    key_id, key_secret = S.add(c.aws_access_key_id()), S.add(c.aws_secret_access_key())
    aws_bin = os.path.join(os.path.dirname(sys.executable), "aws")
    if not os.path.exists(aws_bin):
        aws_bin = shutil.which("aws")
    tmp = tempfile.mkdtemp()
    env = dict(os.environ, AWS_ACCESS_KEY_ID=key_id, AWS_SECRET_ACCESS_KEY=key_secret,
               AWS_DEFAULT_REGION="us-east-1", AWS_MAX_ATTEMPTS="1", AWS_PAGER="",
               AWS_CONFIG_FILE=os.path.join(tmp, "config"), AWS_SHARED_CREDENTIALS_FILE=os.path.join(tmp, "credentials"))
    for k in ("AWS_SESSION_TOKEN", "AWS_PROFILE"):
        env.pop(k, None)
    ncli = [0]

    def aws(*args):
        ncli[0] += 1
        # the job's command line, as `bash -x` shows it (this line is the generator's)
        raw.write("+ aws --debug --endpoint-url %s %s\n" % (endpoint, " ".join(shlex.quote(a) for a in args)))
        p = subprocess.run([aws_bin, "--debug", "--endpoint-url", endpoint] + list(args), env=env,
                           capture_output=True, text=True)
        for line in filter_cli(p.stderr, keep_auth=ncli[0] <= 3):
            raw.write(line + "\n")
        raw.write(p.stdout)
        raw.flush()
        try:
            return json.loads(p.stdout) if p.stdout.strip() else {}
        except ValueError:
            return {}

    def creds(d):
        for k in ("AccessKeyId", "SecretAccessKey", "SessionToken"):
            if d.get(k):
                S.add(d[k])

    # ------------------------------------------------------------ part 1: aws --debug
    aws("iam", "create-user", "--user-name", "carol")
    aws("iam", "create-login-profile", "--user-name", "carol", "--password", S.add(form_password()),
        "--password-reset-required")
    aws("iam", "update-login-profile", "--user-name", "carol", "--password", S.add(c.human_password()),
        "--no-password-reset-required")
    r = aws("iam", "create-access-key", "--user-name", "carol")
    creds(r.get("AccessKey", {}))
    r = aws("sts", "get-session-token", "--duration-seconds", "3600")
    creds(r.get("Credentials", {}))
    r = aws("sts", "assume-role", "--role-arn", "arn:aws:iam::123456789012:role/ci-deploy",
            "--role-session-name", "gitlab-job-48213")
    creds(r.get("Credentials", {}))
    aws("rds", "create-db-instance", "--db-instance-identifier", "orders-db", "--engine", "postgres",
        "--db-instance-class", "db.t3.micro", "--allocated-storage", "20", "--master-username", "orders_admin",
        "--master-user-password", S.add(rds_password()), "--query", "DBInstance.[DBInstanceIdentifier,DBInstanceStatus]")
    aws("rds", "modify-db-instance", "--db-instance-identifier", "orders-db", "--master-user-password",
        S.add(rds_password()), "--apply-immediately", "--query", "DBInstance.PendingModifiedValues")
    template = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Parameters": {"DBPassword": {"Type": "String", "NoEcho": True, "MinLength": 8},
                       "Environment": {"Type": "String", "Default": "staging"}},
        "Resources": {"Alerts": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": {"Fn::Sub": "${Environment}-alerts"}}},
                      "DbPasswordParam": {"Type": "AWS::SSM::Parameter",
                                          "Properties": {"Name": {"Fn::Sub": "/${Environment}/orders/db-password"},
                                                         "Type": "String", "Value": {"Ref": "DBPassword"}}}},
    }
    tpl_path = os.path.join(tmp, "app.json")
    with open(tpl_path, "w") as f:
        json.dump(template, f)
    aws("cloudformation", "create-stack", "--stack-name", "orders-api", "--template-body", "file://" + tpl_path,
        "--parameters", "ParameterKey=DBPassword,ParameterValue=" + S.add(rds_password()),
        "ParameterKey=Environment,ParameterValue=production")
    aws("cloudformation", "describe-stacks", "--stack-name", "orders-api", "--query", "Stacks[0].Parameters")
    topic = aws("sns", "create-topic", "--name", "deploy-events").get("TopicArn", "")
    hook_token = S.add(c.opaque_token())
    aws("sns", "subscribe", "--topic-arn", topic, "--protocol", "https",
        "--notification-endpoint", "https://hooks.example.com/aws/sns?token=" + hook_token)
    qurl = aws("sqs", "create-queue", "--queue-name", "password-resets").get("QueueUrl", "")
    reset_token = S.add(c.opaque_token())
    aws("sqs", "send-message", "--queue-url", qurl, "--message-body",
        json.dumps({"type": "password_reset", "user": "carol", "token": reset_token}))
    r = aws("ec2", "create-key-pair", "--key-name", "bastion-2026")
    for line in r.get("KeyMaterial", "").splitlines():
        if line and not line.startswith("-----"):
            S.add(line)
    db_pw = S.add(c.password())
    script = "#!/bin/bash\nexport DB_HOST=orders-db.internal\nexport DB_PASSWORD='%s'\n/opt/app/bin/start\n" % db_pw
    ud_path = os.path.join(tmp, "user-data.sh")
    with open(ud_path, "w") as f:
        f.write(script)
    S.add(base64.b64encode(script.encode()).decode())
    aws("ec2", "run-instances", "--image-id", "ami-0abcdef1234567890", "--instance-type", "t3.micro",
        "--count", "1", "--user-data", "file://" + ud_path, "--query", "Instances[0].[InstanceId,State.Name]")
    aws("ec2", "describe-key-pairs")

    # ------------------------------------------------------------ part 2: boto3, botocore DEBUG
    import boto3
    import botocore.config
    import botocore.exceptions
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

    h = logging.StreamHandler(raw)
    h.setFormatter(logging.Formatter("%(asctime)s %(name)s [%(levelname)s] %(message)s"))
    root = logging.getLogger("")
    root.addHandler(h)
    root.setLevel(logging.INFO)
    for n in ("botocore.endpoint", "botocore.parsers"):
        logging.getLogger(n).setLevel(logging.DEBUG)
    log = logging.getLogger("app.provision")
    log.setLevel(logging.DEBUG)
    cfg = botocore.config.Config(retries={"max_attempts": 1, "mode": "standard"})
    sess = boto3.session.Session(aws_access_key_id=key_id, aws_secret_access_key=key_secret, region_name="us-east-1")
    cl = lambda svc, s=sess: s.client(svc, endpoint_url=endpoint, config=cfg)

    def attempt(what, f):
        try:
            return f()
        except Exception as e:  # ClientError, or botocore.parsers.ResponseParserError for a 500 page
            log.warning("%s failed: %s", what, e)
            return None

    # IAM
    iam = cl("iam")
    iam.create_user(UserName="dave")
    pw_dave = S.add(form_password())
    iam.create_login_profile(UserName="dave", Password=pw_dave, PasswordResetRequired=True)
    log.info("console access for dave enabled, PasswordResetRequired=true")
    iam.get_login_profile(UserName="dave")
    ak = iam.create_access_key(UserName="dave")["AccessKey"]
    creds(ak)
    log.debug("new access key for dave: %s", ak)
    pw_dave2 = S.add(c.human_password())
    dave = boto3.session.Session(aws_access_key_id=ak["AccessKeyId"], aws_secret_access_key=ak["SecretAccessKey"],
                                 region_name="us-east-1")
    attempt("ChangePassword", lambda: cl("iam", dave).change_password(OldPassword=pw_dave, NewPassword=pw_dave2))
    iam.update_login_profile(UserName="dave", Password=pw_dave2, PasswordResetRequired=False)
    u = iam.get_user(UserName="dave")["User"]
    log.info("user %s PasswordLastUsed=%s PasswordResetRequired=false arn=%s", u["UserName"], u.get("PasswordLastUsed"), u["Arn"])
    iam.list_access_keys(UserName="dave")
    r = attempt("CreateServiceSpecificCredential",
                lambda: iam.create_service_specific_credential(UserName="dave", ServiceName="codecommit.amazonaws.com"))
    if r:
        S.add(r["ServiceSpecificCredential"]["ServicePassword"])
    pub = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode() + " dave@laptop"
    iam.upload_ssh_public_key(UserName="dave", SSHPublicKeyBody=pub)
    iam.list_ssh_public_keys(UserName="dave")

    # STS
    sts = cl("sts")
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"}]})
    role = iam.create_role(RoleName="orders-migrator", AssumeRolePolicyDocument=trust)["Role"]
    r = sts.assume_role(RoleArn=role["Arn"], RoleSessionName="migrate-20261205", DurationSeconds=900)
    creds(r["Credentials"])
    log.info("assumed %s, key %s expires %s", r["AssumedRoleUser"]["Arn"], r["Credentials"]["AccessKeyId"],
             r["Credentials"]["Expiration"])
    r = sts.get_session_token(DurationSeconds=900)
    creds(r["Credentials"])
    r = sts.get_federation_token(Name="support-alice", DurationSeconds=900, Policy=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}))
    creds(r["Credentials"])
    log.debug("federation credentials: %s", r["Credentials"])

    # RDS
    rds = cl("rds")
    cluster_pw = S.add(rds_password())
    rds.create_db_cluster(DBClusterIdentifier="reporting", Engine="aurora-postgresql", MasterUsername="reporting_admin",
                          MasterUserPassword=cluster_pw)
    rds.describe_db_instances(DBInstanceIdentifier="orders-db")
    rds.modify_db_cluster(DBClusterIdentifier="reporting", MasterUserPassword=S.add(rds_password()), ApplyImmediately=True)

    # CloudFormation
    cfn = cl("cloudformation")
    cfn.validate_template(TemplateBody=json.dumps(template))
    new_stack_pw = S.add(c.human_password())
    cfn.update_stack(StackName="orders-api", TemplateBody=json.dumps(template),
                     Parameters=[{"ParameterKey": "DBPassword", "ParameterValue": new_stack_pw},
                                 {"ParameterKey": "Environment", "ParameterValue": "production"}])
    st = cfn.describe_stacks(StackName="orders-api")["Stacks"][0]
    log.info("stack %s is %s with parameters %s", st["StackName"], st["StackStatus"], st.get("Parameters"))
    # what the app logs after masking NoEcho parameters the way the AWS console / API show them
    noecho = [k for k, v in template["Parameters"].items() if v.get("NoEcho")]
    log.info("stack parameters (NoEcho masked): %s",
             [dict(p, ParameterValue="****") if p["ParameterKey"] in noecho else p for p in st.get("Parameters", [])])
    # the request names DBPassword without a value (UsePreviousValue); moto finds nothing to update
    attempt("UpdateStack", lambda: cfn.update_stack(
        StackName="orders-api", TemplateBody=json.dumps(template),
        Parameters=[{"ParameterKey": "DBPassword", "UsePreviousValue": True},
                    {"ParameterKey": "Environment", "ParameterValue": "production"}]))

    # SNS
    sns = cl("sns")
    fcm_key = S.add("AAAA" + c.rand(7, c.URLSAFE) + ":APA91b" + c.rand(134, c.URLSAFE))
    r = attempt("CreatePlatformApplication", lambda: sns.create_platform_application(
        Name="orders-android", Platform="GCM", Attributes={"PlatformCredential": fcm_key}))
    if r:
        attempt("GetPlatformApplicationAttributes",
                lambda: sns.get_platform_application_attributes(PlatformApplicationArn=r["PlatformApplicationArn"]))
    hook2 = S.add(c.opaque_token())
    sub = sns.subscribe(TopicArn=topic, Protocol="https",
                        Endpoint="https://alerts.example.net/hooks/sns?source=aws&token=%s&v=2" % hook2)
    sns.list_subscriptions_by_topic(TopicArn=topic)

    # SQS (JSON protocol in this botocore)
    sqs = cl("sqs")
    t2 = S.add(c.opaque_token())
    sqs.send_message(QueueUrl=qurl, MessageBody=json.dumps({"type": "password_reset", "user": "dave", "token": t2}))
    msgs = sqs.receive_message(QueueUrl=qurl, MaxNumberOfMessages=2).get("Messages", [])
    log.info("received %d reset jobs", len(msgs))

    # EC2
    ec2 = cl("ec2")
    pub2 = ed25519.Ed25519PrivateKey.generate().public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    ec2.import_key_pair(KeyName="dave-laptop", PublicKeyMaterial=pub2)
    kp = ec2.create_key_pair(KeyName="ci-runner")
    for line in kp["KeyMaterial"].splitlines():
        if line and not line.startswith("-----"):
            S.add(line)
    log.info("key pair %s created, fingerprint %s", kp["KeyName"], kp["KeyFingerprint"])
    db_pw2 = S.add(form_password(extra="%!"))
    script2 = "#!/bin/bash\nset -e\nexport DB_PASSWORD=\"%s\"\nexport APP_ENV=production\nsystemctl start orders-worker\n" % db_pw2
    S.add(base64.b64encode(script2.encode()).decode())
    inst = ec2.run_instances(ImageId="ami-0abcdef1234567890", InstanceType="t3.small", MinCount=1, MaxCount=1,
                             KeyName="ci-runner", UserData=script2)["Instances"][0]
    ec2.describe_instance_attribute(InstanceId=inst["InstanceId"], Attribute="userData")

    # the wire: http.client's debug output (print() to stdout, here the same file)
    log.info("http.client debuglevel=1 from here")
    http.client.HTTPConnection.debuglevel = 1
    with contextlib.redirect_stdout(raw):
        iam.create_user(UserName="erin")
        iam.create_login_profile(UserName="erin", Password=S.add(form_password()), PasswordResetRequired=True)
        rds.modify_db_instance(DBInstanceIdentifier="orders-db", MasterUserPassword=S.add(rds_password()),
                               ApplyImmediately=True)
        cfn.create_stack(StackName="reporting-api", TemplateBody=json.dumps(template),
                         Parameters=[{"ParameterKey": "DBPassword", "ParameterValue": S.add(spaced_password())}])
        cfn.describe_stacks(StackName="reporting-api")
    http.client.HTTPConnection.debuglevel = 0
    raw.flush()
    root.removeHandler(h)
    raw.close()

for sig in c.botocore_signatures(open(c.raw_path(NAME)).read()):
    S.add(sig)
S.save()
