"""XML bodies printed by real software:
- botocore DEBUG logs of query-protocol services (STS, IAM, RDS) against a real moto_server: request
  bodies (form-encoded `Password=…`, `MasterUserPassword=…`, `WebIdentityToken=…`) and XML responses
  (`<SecretAccessKey>`, `<SessionToken>`, IAM `CreateAccessKey`), both as bytes reprs;
- zeep (SOAP) with a WS-Security UsernameToken against a small SOAP endpoint on 127.0.0.1: zeep's
  `zeep.transports` DEBUG log of the request and response envelopes;
- configuration XML written by ElementTree, lxml, minidom and xmltodict (tomcat-users.xml, Maven
  settings.xml, NuGet.config, web.config connection strings, Spring beans), logged as text and as a
  JSON field of a structured log line.
"""
import http.server
import json
import logging
import os
import re
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
import xml.dom.minidom
import xml.etree.ElementTree as ET

import common as c

NAME = "xml"
S = c.Secrets(NAME)
logfile = open(c.raw_path(NAME), "w", newline="\n")

# ------------------------------------------------------------------ botocore against moto_server
port = c.free_port()
endpoint = "http://127.0.0.1:%d" % port
moto_log = open(os.path.join(c.OUT, "moto_server_xml.stderr"), "w")
server = subprocess.Popen([os.path.join(os.path.dirname(sys.executable), "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
                          stdout=moto_log, stderr=subprocess.STDOUT)
try:
    for _ in range(100):
        try:
            urllib.request.urlopen(endpoint + "/moto-api/", timeout=1)
            break
        except Exception:
            time.sleep(0.2)
    import boto3

    boto3.set_stream_logger("", logging.DEBUG)
    root = logging.getLogger("")
    for h in root.handlers:
        h.setStream(logfile)

    akid = S.add(c.aws_access_key_id())
    secret = S.add(c.aws_secret_access_key())
    sess = boto3.session.Session(aws_access_key_id=akid, aws_secret_access_key=secret, region_name="us-east-1")
    iam = sess.client("iam", endpoint_url=endpoint)
    sts = sess.client("sts", endpoint_url=endpoint)
    rds = sess.client("rds", endpoint_url=endpoint)
    app = logging.getLogger("app.provision")

    def creds(d):
        for k in ("SecretAccessKey", "SessionToken", "AccessKeyId"):
            if k in d:
                S.add(d[k])

    iam.create_user(UserName="deploy-bot", Tags=[{"Key": "auth_method", "Value": "access-key"}, {"Key": "author", "Value": "ops"}])
    iam.create_login_profile(UserName="deploy-bot", Password=S.add(c.password()), PasswordResetRequired=True)
    iam.update_login_profile(UserName="deploy-bot", Password=S.add(c.nasty_password()), PasswordResetRequired=False)
    k1 = iam.create_access_key(UserName="deploy-bot")["AccessKey"]
    creds(k1)
    app.info("created access key %s for %s (status %s)", k1["AccessKeyId"], k1["UserName"], k1["Status"])
    iam.list_access_keys(UserName="deploy-bot")
    iam.create_role(RoleName="deploy", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                                                "Action": "sts:AssumeRole"}]}))
    r = sts.assume_role(RoleArn="arn:aws:iam::123456789012:role/deploy", RoleSessionName="botocore-session-1795000000",
                        DurationSeconds=900)
    creds(r["Credentials"])
    r = sts.get_session_token(DurationSeconds=3600)
    creds(r["Credentials"])
    r = sts.get_federation_token(Name="token-service", DurationSeconds=900)
    creds(r["Credentials"])
    wit = S.add(c.b64url(json.dumps({"alg": "RS256", "kid": uuid.uuid4().hex[:16]}).encode()) + "." +
                c.b64url(json.dumps({"sub": "system:serviceaccount:prod:api", "aud": "sts.amazonaws.com"}).encode()) + "." +
                c.rand(342, c.URLSAFE))
    r = sts.assume_role_with_web_identity(RoleArn="arn:aws:iam::123456789012:role/deploy", RoleSessionName="web-identity-session",
                                          WebIdentityToken=wit)
    creds(r["Credentials"])
    sts.get_caller_identity()
    rds.create_db_instance(DBInstanceIdentifier="billing-db", DBInstanceClass="db.t3.micro", Engine="postgres",
                           MasterUsername="app", MasterUserPassword=S.add(c.password()), AllocatedStorage=20)
    rds.modify_db_instance(DBInstanceIdentifier="billing-db", MasterUserPassword=S.add(c.human_password()), ApplyImmediately=True)
    rds.describe_db_instances(DBInstanceIdentifier="billing-db")
    app.info("secret rotation scheduled for arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-x1y2")
    logfile.flush()
    for h in list(root.handlers):
        root.removeHandler(h)
finally:
    server.terminate()
    server.wait(10)

raw_boto = open(c.raw_path(NAME)).read()
for sig in re.findall(r"Signature=([0-9a-f]{64})", raw_boto):
    S.add(sig)
for sig in re.findall(r"\[DEBUG\] Signature:\n([0-9a-f]{64})\n", raw_boto):
    S.add(sig)

# ------------------------------------------------------------------ zeep SOAP client with WS-Security
h = logging.StreamHandler(logfile)
h.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
root = logging.getLogger()
root.handlers[:] = [h]
root.setLevel(logging.INFO)
logging.getLogger("zeep.transports").setLevel(logging.DEBUG)
soaplog = logging.getLogger("app.soap")

WSDL = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
    xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:tns="urn:example:auth" targetNamespace="urn:example:auth">
  <types>
    <xsd:schema targetNamespace="urn:example:auth" elementFormDefault="qualified">
      <xsd:element name="Login"><xsd:complexType><xsd:sequence>
        <xsd:element name="username" type="xsd:string"/><xsd:element name="password" type="xsd:string"/>
        <xsd:element name="apiKey" type="xsd:string" minOccurs="0"/></xsd:sequence></xsd:complexType></xsd:element>
      <xsd:element name="LoginResponse"><xsd:complexType><xsd:sequence>
        <xsd:element name="sessionToken" type="xsd:string"/><xsd:element name="token_type" type="xsd:string"/>
        <xsd:element name="expiresIn" type="xsd:int"/></xsd:sequence></xsd:complexType></xsd:element>
      <xsd:element name="RotateSecret"><xsd:complexType><xsd:sequence>
        <xsd:element name="secretArn" type="xsd:string"/><xsd:element name="clientSecret" type="xsd:string"/>
      </xsd:sequence></xsd:complexType></xsd:element>
      <xsd:element name="RotateSecretResponse"><xsd:complexType><xsd:sequence>
        <xsd:element name="status" type="xsd:string"/></xsd:sequence></xsd:complexType></xsd:element>
    </xsd:schema>
  </types>
  <message name="LoginIn"><part name="parameters" element="tns:Login"/></message>
  <message name="LoginOut"><part name="parameters" element="tns:LoginResponse"/></message>
  <message name="RotateIn"><part name="parameters" element="tns:RotateSecret"/></message>
  <message name="RotateOut"><part name="parameters" element="tns:RotateSecretResponse"/></message>
  <portType name="AuthPort">
    <operation name="Login"><input message="tns:LoginIn"/><output message="tns:LoginOut"/></operation>
    <operation name="RotateSecret"><input message="tns:RotateIn"/><output message="tns:RotateOut"/></operation>
  </portType>
  <binding name="AuthBinding" type="tns:AuthPort">
    <soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
    <operation name="Login"><soap:operation soapAction="urn:example:auth#Login"/>
      <input><soap:body use="literal"/></input><output><soap:body use="literal"/></output></operation>
    <operation name="RotateSecret"><soap:operation soapAction="urn:example:auth#RotateSecret"/>
      <input><soap:body use="literal"/></input><output><soap:body use="literal"/></output></operation>
  </binding>
  <service name="AuthService"><port name="AuthPort" binding="tns:AuthBinding"><soap:address location="http://127.0.0.1:PORT/soap"/></port></service>
</definitions>
"""


class Soap(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_GET(self):
        b = WSDL.replace("PORT", str(self.server.server_address[1])).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(b)))
        self.end_headers()
        self.wfile.write(b)

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if b"RotateSecret" in body:
            inner = "<tns:RotateSecretResponse><tns:status>secret rotation scheduled</tns:status></tns:RotateSecretResponse>"
        else:
            tok = S.add(c.opaque_token("st_"))
            inner = ("<tns:LoginResponse><tns:sessionToken>%s</tns:sessionToken><tns:token_type>Bearer</tns:token_type>"
                     "<tns:expiresIn>3600</tns:expiresIn></tns:LoginResponse>" % tok)
        b = ('<?xml version="1.0" encoding="utf-8"?>\n<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" '
             'xmlns:tns="urn:example:auth"><soap:Body>%s</soap:Body></soap:Envelope>' % inner).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/xml; charset=utf-8")
        self.send_header("Content-Length", str(len(b)))
        self.end_headers()
        self.wfile.write(b)


soap_srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Soap)
threading.Thread(target=soap_srv.serve_forever, daemon=True).start()
wsdl_url = "http://127.0.0.1:%d/auth?wsdl" % soap_srv.server_address[1]

import zeep
from zeep.wsse.username import UsernameToken

for i in range(3):
    wsse_pw = S.add([c.password, c.nasty_password, c.human_password][i]())
    client = zeep.Client(wsdl_url, wsse=UsernameToken("svc-billing", wsse_pw))
    login_pw = S.add(c.nasty_password() if i == 1 else c.password())
    api_key = S.add(c.api_key())
    res = client.service.Login(username="user%d@example.com" % i, password=login_pw, apiKey=api_key)
    soaplog.info("login ok token_type=%s expires_in=%s", res.token_type, res.expiresIn)
client = zeep.Client(wsdl_url, wsse=UsernameToken("svc-rotation", S.add(c.password()), use_digest=True))
client.service.RotateSecret(secretArn="arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-x1y2",
                            clientSecret=S.add(c.rand(40, c.URLSAFE)))
soap_srv.shutdown()
logfile.flush()

# ------------------------------------------------------------------ configuration XML dumps
cfg = logging.getLogger("app.config")
logging.getLogger().setLevel(logging.DEBUG)

# tomcat-users.xml, ElementTree (one line), attributes password="…"
tu = ET.Element("tomcat-users", {"xmlns": "http://tomcat.apache.org/xml", "version": "1.0"})
ET.SubElement(tu, "role", {"rolename": "manager-gui"})
ET.SubElement(tu, "user", {"username": "admin", "password": S.add(c.nasty_password()), "roles": "manager-gui,admin-gui"})
ET.SubElement(tu, "user", {"username": "deployer", "password": S.add(c.human_password()), "roles": "manager-script"})
ET.SubElement(tu, "user", {"username": "monitor", "password": "********", "roles": "manager-status"})
cfg.debug("loaded tomcat-users.xml: %s", ET.tostring(tu, encoding="unicode"))

# Maven settings.xml, lxml pretty-printed (multi-line)
from lxml import etree as LET

st = LET.Element("settings", nsmap={None: "http://maven.apache.org/SETTINGS/1.0.0"})
servers = LET.SubElement(st, "servers")
for sid, user, pw in (("nexus-releases", "deploy", S.add(c.password())), ("github", "ci-bot", S.add(c.api_key("github"))),
                      ("docker.io", "acme", S.add("dckr_pat_" + c.rand(27, c.URLSAFE)))):
    s = LET.SubElement(servers, "server")
    LET.SubElement(s, "id").text = sid
    LET.SubElement(s, "username").text = user
    LET.SubElement(s, "password").text = pw
s = LET.SubElement(servers, "server")
LET.SubElement(s, "id").text = "central-mirror"
LET.SubElement(s, "username").text = "anonymous"
LET.SubElement(s, "password")
s = LET.SubElement(servers, "server")
LET.SubElement(s, "id").text = "signing"
LET.SubElement(s, "passphrase").text = S.add(c.human_password())
LET.SubElement(s, "privateKey").text = "${user.home}/.m2/signing.asc"
profiles = LET.SubElement(st, "profiles")
p = LET.SubElement(profiles, "profile")
LET.SubElement(p, "id").text = "release"
props = LET.SubElement(p, "properties")
LET.SubElement(props, "gpg.keyname").text = "0x" + uuid.uuid4().hex[:16].upper()
LET.SubElement(props, "sonar.token").text = S.add("squ_" + c.rand(40, c.LOW + c.DIG))
LET.SubElement(props, "jjwt.coordinates").text = "io.jsonwebtoken:jjwt-api:0.12.6"
cfg.info("effective settings.xml:\n%s", LET.tostring(st, pretty_print=True, encoding="unicode").rstrip("\n"))

# NuGet.config: key/value attribute pairs, minidom pretty print
doc = xml.dom.minidom.Document()
conf = doc.createElement("configuration")
doc.appendChild(conf)
src = doc.createElement("packageSourceCredentials")
conf.appendChild(src)
feed = doc.createElement("AcmeFeed")
src.appendChild(feed)
for k, v in (("Username", "ci@acme.example"), ("ClearTextPassword", S.add(c.nasty_password())), ("ValidAuthenticationTypes", "basic")):
    a = doc.createElement("add")
    a.setAttribute("key", k)
    a.setAttribute("value", v)
    feed.appendChild(a)
keys = doc.createElement("apikeys")
conf.appendChild(keys)
a = doc.createElement("add")
a.setAttribute("key", "https://api.nuget.org/v3/index.json")
a.setAttribute("value", S.add("oy2" + c.rand(43, c.LOW + c.DIG)))
keys.appendChild(a)
cfg.debug("NuGet.config:\n%s", doc.toprettyxml(indent="  ").rstrip("\n"))

# web.config connection strings and appSettings (ElementTree, indented)
wc = ET.Element("configuration")
cs = ET.SubElement(wc, "connectionStrings")
sql_pw = S.add(c.nasty_password())
ET.SubElement(cs, "add", {"name": "Default", "providerName": "System.Data.SqlClient",
                          "connectionString": "Server=tcp:sql.internal,1433;Database=billing;User Id=sa;Password=%s;Encrypt=True" % sql_pw})
ET.SubElement(cs, "add", {"name": "ReadOnly", "connectionString": "Server=sql-ro.internal;Database=billing;Integrated Security=SSPI"})
aps = ET.SubElement(wc, "appSettings")
for k, v in (("stripeSecretKey", S.add(c.api_key("stripe"))), ("apiKey", S.add(c.api_key("google"))),
             ("PRIVATE_KEY", S.add(c.rand(44, c.B64))), ("token_count", "5"), ("auth_provider", "azuread"),
             ("AuthorizationHeaderMissingMessage", "Authorization header missing"), ("MONGO_NO_AUTH", "mongodb://mongo.internal:27017")):
    ET.SubElement(aps, "add", {"key": k, "value": v})
ET.indent(wc)
cfg.info("web.config after transform:\n%s", ET.tostring(wc, encoding="unicode"))

# Spring beans with <property name="password" value="…"/> and element text with CDATA
beans = ("<beans xmlns=\"http://www.springframework.org/schema/beans\">\n"
         "  <bean id=\"dataSource\" class=\"com.zaxxer.hikari.HikariDataSource\">\n"
         "    <property name=\"jdbcUrl\" value=\"jdbc:postgresql://db.internal:5432/billing\"/>\n"
         "    <property name=\"username\" value=\"billing\"/>\n"
         "    <property name=\"password\" value=\"%s\"/>\n"
         "  </bean>\n"
         "  <bean id=\"jwt\" class=\"io.jsonwebtoken.security.Keys\">\n"
         "    <property name=\"signingKey\"><value><![CDATA[%s]]></value></property>\n"
         "    <property name=\"tokenType\" value=\"Bearer\"/>\n"
         "  </bean>\n"
         "</beans>") % (S.add(c.password()), S.add(c.rand(64, c.B64)))
parsed = ET.fromstring(beans)
cfg.debug("spring context:\n%s", beans)
cfg.debug("spring context (re-serialised): %s", ET.tostring(parsed, encoding="unicode").replace("\n", ""))

# xmltodict: dict -> XML and XML -> dict (an OrderedDict/dict repr of XML)
import xmltodict

ev = {"event": {"@type": "user.credentials.updated", "user": {"@id": str(uuid.uuid4()), "login_password": S.add(c.password()),
                                                             "db_pass": S.add(c.nasty_password()), "push_token": S.add(c.rand(64, c.URLSAFE)),
                                                             "device_secret": S.add(c.rand(32)), "session_count": "2",
                                                             "password_reset_sent": "false", "author": "self-service"}}}
x = xmltodict.unparse(ev)
cfg.info("outbound event: %s", x.replace("\n", ""))
cfg.info("parsed back: %s", xmltodict.parse(x))
ev2 = {"ApiCredentials": {"X-Partner-Key": S.add(c.rand(40, c.URLSAFE)), "CSRF_COOKIE": S.add(c.rand(43, c.URLSAFE)),
                          "refresh": S.add(c.refresh_token()), "token2": S.add(c.opaque_token()),
                          "clientSecret": S.add(c.rand(40, c.URLSAFE)), "todo_secret_do_not_commit": S.add(c.rand(32)),
                          "tokenizer_name": "cl100k_base", "max_tokens": "4096", "sort_key": "created_at"}}
cfg.debug("credentials document:\n%s", xmltodict.unparse(ev2, pretty=True, indent="  "))

# the same XML as a field of a JSON log line (JSON-escaped XML)
for doc_ in (ET.tostring(tu, encoding="unicode"), xmltodict.unparse(ev2)):
    logfile.write(json.dumps({"ts": time.time(), "level": "debug", "logger": "app.config", "msg": "xml payload", "body": doc_}) + "\n")
# clean look-alikes
for line in ("<Credentials><AccessKeyId>(none)</AccessKeyId><SecretAccessKey/></Credentials>",
             '<user username="monitor" password="" roles="manager-status"/>',
             "<password>${env.DB_PASSWORD}</password>",
             "<token_count>5</token_count><max_tokens>4096</max_tokens><auth_method>saml</auth_method>",
             '<RoleSessionName>botocore-session-1795000000</RoleSessionName>',
             "<Password>[FILTERED]</Password><ApiKey>&lt;redacted&gt;</ApiKey>"):
    cfg.info("template: %s", line)
logfile.close()
# a WS-Security PasswordDigest proves the password like a SigV4 signature does: labelled as such
for d in re.findall(r'#PasswordDigest">([^<]+)</wsse:Password>', open(c.raw_path(NAME)).read()):
    S.add(d)
S.save()
