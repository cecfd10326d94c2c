"""Command-line logins under `bash -x`: maintenance and deploy scripts really run with xtrace on,
calling Debian's command-line tools with passwords on their command lines, and what the tools
print themselves (connection errors, prompts they skip, generated passwords, hashes).

Tools (Debian 12 packages): ldap-utils (ldapwhoami, ldapsearch, ldapadd, ldapmodify, ldapdelete,
ldappasswd `-w`/`-a`/`-s`) against `FakeLdap` below (a small LDAPv3 server answering binds,
searches, adds/modifies/deletes, WhoAmI and the Password Modify extended operation, so the clients
print their real results and `New password: …` when the server generates one) and against a
closed port; zip/unzip `-P`, 7z `-p` (p7zip-full); htpasswd `-b`/`-nb`/`-bc`/`-vb`
(apache2-utils); smbclient/rpcclient `-U user%pw`, `--password=`, the positional password
(closed port: their real NT_STATUS errors); mysql/mariadb/mysqladmin/mysqldump `-p…`,
`--password=`, `MYSQL_PWD=` (closed port: `ERROR 2002`); sshpass `-p`/`-e` with ssh/scp (closed
port); `docker login --password-stdin` and `-p` against a closed 127.0.0.1 port; curl `-u`; then
a rotation script with a PS4 showing file:line:function, `local`, an argument array and
`declare -p`, whose mysql/mysqladmin logins `FakeMysqlDeny` (a MariaDB handshake, then ERR 1045)
refuses, so they print `Access denied for user … (using password: YES)`.
Ports are the tools' standard ones (22, 389, 445, 3306) when nothing listens there on this machine,
else a free port: their `-p 22` / `-P 3306` flags are the clean look-alikes next to `-p"$PW"`.
"""
import base64
import hashlib
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading

import common as c

NAME = "shell_logins"
S = c.Secrets(NAME)
raw = open(c.raw_path(NAME), "w", newline="\n")


def emit(text):
    raw.write(text)
    raw.flush()


def closed(port):
    s = socket.socket()
    try:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) != 0
    finally:
        s.close()


def port_or_free(p):
    return p if closed(p) else c.free_port()


DEAD = c.free_port()  # nothing listens here
SSH_PORT = port_or_free(22)
MYSQL_PORT = port_or_free(3306)
SMB_PORT = port_or_free(445)

work = tempfile.mkdtemp(prefix="scrubd-logins-")
home = os.path.join(work, "home")
os.makedirs(home)
BASE_ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", "HOME": home, "LANG": "C.UTF-8", "TERM": "dumb",
            "DOCKER_CONFIG": os.path.join(home, ".docker"), "DEAD": str(DEAD), "SSH_PORT": str(SSH_PORT),
            "MYSQL_PORT": str(MYSQL_PORT), "SMB_PORT": str(SMB_PORT)}


def run_script(name, script, env):
    path = os.path.join(work, name)
    open(path, "w").write(script)
    emit("$ bash -x ./%s\n" % name)
    r = subprocess.run(["bash", "-x", "./" + name], cwd=work, env=dict(BASE_ENV, **env),
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
    out = r.stdout.decode("utf-8", "replace")
    emit(out)
    emit("[exit %d]\n" % r.returncode)
    return out


# ---------------------------------------------------------------------------------------------------
# A small LDAPv3 server (BER over TCP): enough for ldap-utils to bind, search, add, modify, delete,
# ask WhoAmI and Password Modify, and print what they print against slapd.
# ---------------------------------------------------------------------------------------------------
def tlv(tag, content):
    n = len(content)
    if n < 0x80:
        ln = bytes([n])
    else:
        b = n.to_bytes((n.bit_length() + 7) // 8, "big")
        ln = bytes([0x80 | len(b)]) + b
    return bytes([tag]) + ln + content


def parse(buf, i=0):
    """(tag, content, next index) of the TLV at buf[i]; None if incomplete."""
    if len(buf) < i + 2:
        return None
    tag, ln = buf[i], buf[i + 1]
    j = i + 2
    if ln & 0x80:
        k = ln & 0x7F
        if len(buf) < j + k:
            return None
        ln = int.from_bytes(buf[j:j + k], "big")
        j += k
    if len(buf) < j + ln:
        return None
    return tag, buf[j:j + ln], j + ln


def children(content):
    out, i = [], 0
    while i < len(content):
        t, v, i = parse(content, i)
        out.append((t, v))
    return out


def ldap_result(code, diag=b""):
    return tlv(0x0A, bytes([code])) + tlv(0x04, b"") + tlv(0x04, diag)


def ssha(pw):
    salt = os.urandom(4)
    return "{SSHA}" + base64.b64encode(hashlib.sha1(pw.encode() + salt).digest() + salt).decode()


class FakeLdap:
    def __init__(self, users, entries):
        self.users = users  # dn -> password
        self.entries = entries  # list of (dn, [(attr, [values])])
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.generated = []
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            conn, _ = self.sock.accept()
            threading.Thread(target=self.handle, args=(conn,), daemon=True).start()

    def handle(self, conn):
        buf, bound = b"", None
        with conn:
            while True:
                p = parse(buf)
                if p is None:
                    d = conn.recv(65536)
                    if not d:
                        return
                    buf += d
                    continue
                _, msg, nxt = p
                buf = buf[nxt:]
                (_, msgid), (op, body) = children(msg)[:2]

                def send(tag, content):
                    conn.sendall(tlv(0x30, tlv(0x02, msgid) + tlv(tag, content)))

                if op == 0x42:  # unbind
                    return
                if op == 0x60:  # bind: version, name, [0] simple password
                    _, name = children(body)[1]
                    auth_tag, pw = children(body)[2]
                    dn = name.decode()
                    if not dn and not pw:  # anonymous
                        send(0x61, ldap_result(0))
                    elif self.users.get(dn) == pw.decode("utf-8", "replace"):
                        bound = dn
                        send(0x61, ldap_result(0))
                    else:
                        send(0x61, ldap_result(49))
                elif op == 0x63:  # search: base, scope, deref, size, time, typesOnly, filter, attributes
                    req = children(body)
                    base, want = req[0][1].decode(), [v.decode().lower() for _, v in children(req[7][1])]
                    for dn, attrs in self.entries:
                        if not dn.endswith(base):
                            continue
                        # slapd's default ACL: userPassword only for the rootdn; requested attributes only
                        attrs = [(a, vs) for a, vs in attrs if (not want or a.lower() in want)
                                 and (a != "userPassword" or bound == admin_dn)]
                        al = b"".join(tlv(0x30, tlv(0x04, a.encode()) + tlv(0x31, b"".join(tlv(0x04, v.encode()) for v in vs)))
                                      for a, vs in attrs)
                        send(0x64, tlv(0x04, dn.encode()) + tlv(0x30, al))
                    send(0x65, ldap_result(0))
                elif op in (0x68, 0x66):  # add, modify
                    send(op + 1, ldap_result(0 if bound else 50, b"" if bound else b"no write access to parent"))
                elif op == 0x4A:  # delete (primitive)
                    send(0x6B, ldap_result(32))  # noSuchObject
                elif op == 0x77:  # extended
                    parts = dict(children(body))
                    oid = parts.get(0x80, b"")
                    if oid == b"1.3.6.1.4.1.4203.1.11.3":  # WhoAmI
                        send(0x78, ldap_result(0) + tlv(0x8B, ("dn:" + bound).encode() if bound else b""))
                    elif oid == b"1.3.6.1.4.1.4203.1.11.1":  # Password Modify
                        rv = parse(parts.get(0x81, b""))
                        req = dict(children(rv[1])) if rv else {}
                        if 0x82 in req:
                            send(0x78, ldap_result(0))
                        else:
                            gen = c.rand(12, c.ALNUM)
                            self.generated.append(gen)
                            send(0x78, ldap_result(0) + tlv(0x8B, tlv(0x30, tlv(0x80, gen.encode()))))
                    else:
                        send(0x78, ldap_result(2))
                else:
                    send(op + 1, ldap_result(53))


# ---------------------------------------------------------------------------------------------------
# 1. LDAP directory maintenance (ldap-utils)
# ---------------------------------------------------------------------------------------------------
admin_dn = "cn=admin,dc=example,dc=org"
ldap_admin = S.add(c.human_password())
bob_old = S.add(c.password())
bob_new = S.add(c.nasty_password())
carol_pw = S.add(c.password(16))
dave_pw = S.add(c.nasty_password())
ldap_wrong = S.add(c.human_password())
svc_pw = S.add(c.password())
bob_hash = ssha(bob_new)
S.add(bob_hash[len("{SSHA}"):])
S.add(base64.b64encode(bob_hash.encode()).decode())  # ldapsearch prints userPassword base64 (`userPassword:: …`)
legacy_plain = S.add(c.nasty_password())  # a plaintext userPassword with é/ß: ldapsearch prints it base64
S.add(base64.b64encode(legacy_plain.encode()).decode())
ldap = FakeLdap({admin_dn: ldap_admin, "uid=bob,ou=people,dc=example,dc=org": bob_old},
                [("uid=bob,ou=people,dc=example,dc=org", [("cn", ["Bob Builder"]), ("mail", ["bob@example.org"]),
                                                         ("userPassword", [bob_hash])]),
                 ("uid=legacy-app,ou=services,dc=example,dc=org", [("cn", ["legacy-app"]),
                                                                   ("userPassword", [legacy_plain])])])
carol_ldif_pw = S.add(c.password())
open(os.path.join(work, "users.ldif"), "w").write(
    "dn: uid=carol,ou=people,dc=example,dc=org\nobjectClass: inetOrgPerson\ncn: Carol\nsn: Example\n"
    "uid: carol\nmail: carol@example.org\nuserPassword: %s\n\n"
    "dn: uid=erin,ou=people,dc=example,dc=org\nobjectClass: inetOrgPerson\ncn: Erin\nsn: Example\n"
    "uid: erin\nuserPassword:: %s\n" % (carol_ldif_pw, base64.b64encode(dave_pw.encode()).decode()))
S.add(base64.b64encode(dave_pw.encode()).decode())
open(os.path.join(work, "ldap.secret"), "w").write(ldap_admin)
ldap_sh = r"""#!/usr/bin/env bash
# nightly directory maintenance
LDAP_URI="ldap://127.0.0.1:$LDAP_PORT"
BASE=dc=example,dc=org
BIND_DN="cn=admin,$BASE"
BIND_PW="$LDAP_ADMIN_PASSWORD"
ldapwhoami -x -H "$LDAP_URI" -D "$BIND_DN" -w "$BIND_PW"
ldapwhoami -x -H "$LDAP_URI" -D "$BIND_DN" -w "$LDAP_WRONG" || echo "bind failed (retrying with the stored secret)"
ldapwhoami -x -H "$LDAP_URI" -D "$BIND_DN" -y ./ldap.secret
ldapsearch -x -LLL -H "$LDAP_URI" -D "$BIND_DN" -w "$BIND_PW" -b "ou=people,$BASE" '(uid=bob)' cn mail userPassword
ldapsearch -x -LLL -H "$LDAP_URI" -b "$BASE" -z 10 '(objectClass=inetOrgPerson)' cn
cat users.ldif
ldapadd -x -H "$LDAP_URI" -D "$BIND_DN" -w "$BIND_PW" -f users.ldif
ldapadd -x -H "$LDAP_URI" -f users.ldif || true
printf 'dn: uid=dave,ou=people,%s\nchangetype: modify\nreplace: userPassword\nuserPassword: %s\n' "$BASE" "$DAVE_PASSWORD" > reset.ldif
ldapmodify -x -H "$LDAP_URI" -D "$BIND_DN" -w "$BIND_PW" -f reset.ldif
ldappasswd -x -H "$LDAP_URI" -D "uid=bob,ou=people,$BASE" -w "$BOB_OLD" -a "$BOB_OLD" -s "$BOB_NEW"
ldappasswd -x -H "$LDAP_URI" -D "$BIND_DN" -w "$BIND_PW" -s "$CAROL_PASSWORD" "uid=carol,ou=people,$BASE"
ldappasswd -x -H "$LDAP_URI" -D "$BIND_DN" -w "$BIND_PW" "uid=svc-backup,ou=services,$BASE"
ldapsearch -x -LLL -H "$LDAP_URI" -D "$BIND_DN" -w "$BIND_PW" -b "ou=services,$BASE" '(uid=legacy-app)'
ldapdelete -x -H "$LDAP_URI" -D "$BIND_DN" -w "$BIND_PW" "uid=old-intern,ou=people,$BASE"
ldapsearch -x -H "ldap://127.0.0.1:$DEAD" -D "uid=svc-mail,ou=services,$BASE" -w "$SVC_PASSWORD" -b "$BASE" '(mail=*)' mail
ldapsearch -x -H "ldap://127.0.0.1:$DEAD" -b "$BASE" -s base '(objectClass=*)' namingContexts
echo "directory maintenance done: 2 entries added, password_changed=true, max_retries=3"
"""
out = run_script("ldap_maint.sh", ldap_sh, {"LDAP_PORT": str(ldap.port), "LDAP_ADMIN_PASSWORD": ldap_admin,
                                             "LDAP_WRONG": ldap_wrong, "BOB_OLD": bob_old, "BOB_NEW": bob_new,
                                             "CAROL_PASSWORD": carol_pw, "DAVE_PASSWORD": dave_pw,
                                             "SVC_PASSWORD": svc_pw})
for g in ldap.generated:  # "New password: …" that ldappasswd prints
    S.add(g)

# ---------------------------------------------------------------------------------------------------
# 2. encrypted backups (zip/unzip -P, 7z -p)
# ---------------------------------------------------------------------------------------------------
zip_pw = S.add(c.nasty_password())
zip_pw2 = S.add(c.human_password())
zip_wrong = S.add(c.password())
seven_pw = S.add(c.password(24))
seven_wrong = S.add(c.human_password())
seven_pw2 = S.add(c.nasty_password())
for d in ("data", "logs", "secrets"):
    os.makedirs(os.path.join(work, d))
open(os.path.join(work, "data", "customers.csv"), "w").write("id,name,plan\n1,acme,pro\n2,globex,free\n")
open(os.path.join(work, "data", "orders.csv"), "w").write("id,customer,total\n10,1,99.00\n")
open(os.path.join(work, "logs", "app.log"), "w").write("started\nstopped\n")
open(os.path.join(work, "secrets", "tls.key.pem"), "w").write("(placeholder)\n")
backup_sh = r"""#!/usr/bin/env bash
set -u
STAMP=2024-11-30
ARCHIVE_PASS="$BACKUP_ARCHIVE_PASSWORD"
zip -r -q -P "$ARCHIVE_PASS" "backup-$STAMP.zip" data/
zip -r -q "logs-$STAMP.zip" logs/
unzip -l "backup-$STAMP.zip"
unzip -o -P "$WRONG_ZIP_PASSWORD" -d restore-test "backup-$STAMP.zip" || echo "restore test with old password failed"
unzip -o -P "$ARCHIVE_PASS" -d restore-test "backup-$STAMP.zip"
zip --password "$EXPORT_ZIP_PASSWORD" -j "export-$STAMP.zip" data/orders.csv
unzip -t -P "$EXPORT_ZIP_PASSWORD" "export-$STAMP.zip"
VAULT_PASS=$SEVEN_PASSWORD
7z a -bd -t7z -mhe=on -p"$VAULT_PASS" "vault-$STAMP.7z" secrets/
7z l -bd -p"$VAULT_PASS" "vault-$STAMP.7z" | tail -n 5
7z x -bd -y -p"$SEVEN_WRONG" -orestore7 "vault-$STAMP.7z" || echo "7z: wrong password rejected"
7z x -bd -y "-p$VAULT_PASS" -orestore7 "vault-$STAMP.7z"
7z a -bd -tzip -mem=AES256 -p"$SEVEN_PASSWORD2" "handover-$STAMP.zip" data/customers.csv
7z a -bd -tzip "public-$STAMP.zip" logs/app.log
ls -1 *.zip *.7z
"""
run_script("backup.sh", backup_sh, {"BACKUP_ARCHIVE_PASSWORD": zip_pw, "WRONG_ZIP_PASSWORD": zip_wrong,
                                    "EXPORT_ZIP_PASSWORD": zip_pw2, "SEVEN_PASSWORD": seven_pw,
                                    "SEVEN_WRONG": seven_wrong, "SEVEN_PASSWORD2": seven_pw2})

# ---------------------------------------------------------------------------------------------------
# 3. basic-auth users for the reverse proxy (htpasswd)
# ---------------------------------------------------------------------------------------------------
ht_admin = S.add(c.human_password())
ht_deploy = S.add(c.password())
ht_ci = S.add(c.nasty_password())
ht_mon = S.add(c.password(14))
ht_graf = S.add(c.human_password())
ht_legacy = S.add(c.password())
ht_wrong = S.add(c.password())
web_sh = r"""#!/usr/bin/env bash
ADMIN_PW="$HT_ADMIN"
htpasswd -bc .htpasswd admin "$ADMIN_PW"
htpasswd -b .htpasswd deploy "$HT_DEPLOY"
htpasswd -bB -C 5 .htpasswd ci "$HT_CI"
htpasswd -nb monitor "$HT_MON"
htpasswd -nbB -C 5 grafana "$HT_GRAF"
htpasswd -nbs legacy "$HT_LEGACY"
htpasswd -vb .htpasswd admin "$ADMIN_PW"
htpasswd -vb .htpasswd admin "$HT_WRONG" || echo "verification failed as expected"
htpasswd -D .htpasswd deploy
cat .htpasswd
curl -sS -u "admin:$ADMIN_PW" "http://127.0.0.1:$DEAD/status" || echo "proxy not up yet"
curl -sS --user "ci:$HT_CI" -o /dev/null "http://127.0.0.1:$DEAD/deploy" || true
"""
out = run_script("web_users.sh", web_sh, {"HT_ADMIN": ht_admin, "HT_DEPLOY": ht_deploy, "HT_CI": ht_ci,
                                          "HT_MON": ht_mon, "HT_GRAF": ht_graf, "HT_LEGACY": ht_legacy,
                                          "HT_WRONG": ht_wrong})
# the hashes htpasswd printed: the part after the algorithm/cost header (README's hash convention)
for m in re.finditer(r"\$apr1\$([./0-9A-Za-z]{1,8}\$[./0-9A-Za-z]{22})", out):
    S.add(m.group(1))
for m in re.finditer(r"\$2y\$\d\d\$([./0-9A-Za-z]{53})", out):
    S.add(m.group(1))
for m in re.finditer(r"\{SHA\}([A-Za-z0-9+/]{27}=)", out):
    S.add(m.group(1))

# ---------------------------------------------------------------------------------------------------
# 4. SMB file shares (smbclient, rpcclient): nothing listens, the tools print their connect errors
# ---------------------------------------------------------------------------------------------------
smb_pw = S.add(c.password())
smb_pw2 = S.add(c.nasty_password())
smb_pw3 = S.add(c.human_password())
smb_pw4 = S.add(c.password())
smb_pw5 = S.add(c.password(18))
smb_sh = r"""#!/usr/bin/env bash
SHARE=//127.0.0.1/backups
smbclient "$SHARE" -p "$SMB_PORT" -U "backup%$SMB_PASSWORD" -c 'ls'
smbclient -L //127.0.0.1 -p "$SMB_PORT" -U 'CORP\svc_backup%'"$SMB_DOMAIN_PASSWORD"
smbclient "$SHARE" --port="$SMB_PORT" --user=svc_reports --password="$SMB_REPORTS_PASSWORD" -c 'put report.csv'
smbclient "$SHARE" "$SMB_POSITIONAL" -U archiver -p "$SMB_PORT" -c 'mget *.zip'
printf 'username = svc_sync\npassword = %s\ndomain = CORP\n' "$SMB_AUTHFILE_PASSWORD" > smb.auth
smbclient "$SHARE" -p "$SMB_PORT" -A ./smb.auth -c 'ls'
smbclient -N -L //127.0.0.1 -p "$SMB_PORT"
rpcclient -U "backup%$SMB_PASSWORD" -p "$SMB_PORT" 127.0.0.1 -c 'enumdomusers'
"""
run_script("smb_sync.sh", smb_sh, {"SMB_PASSWORD": smb_pw, "SMB_DOMAIN_PASSWORD": smb_pw2,
                                   "SMB_REPORTS_PASSWORD": smb_pw3, "SMB_POSITIONAL": smb_pw4,
                                   "SMB_AUTHFILE_PASSWORD": smb_pw5})

# ---------------------------------------------------------------------------------------------------
# 5. MariaDB/MySQL operations (mariadb-client): closed port, ERROR 2002
# ---------------------------------------------------------------------------------------------------
my_root = S.add(c.password())
my_app = S.add(c.nasty_password())
my_backup = S.add(c.human_password())
my_report = S.add(c.password())
my_new = S.add(c.nasty_password())
my_cnf = S.add(c.password(20))
db_sh = r"""#!/usr/bin/env bash
DB_HOST=127.0.0.1
ROOT_PW=$MYSQL_ROOT_PASSWORD
mysql -h "$DB_HOST" -P "$MYSQL_PORT" -u root -p"$ROOT_PW" -e 'SHOW DATABASES'
mariadb -h "$DB_HOST" --port="$MYSQL_PORT" -u app --password="$APP_DB_PASSWORD" app -e 'select count(*) from sessions'
mysqladmin -h "$DB_HOST" -P "$MYSQL_PORT" -u root -p"$ROOT_PW" --connect-timeout=2 ping
mysqldump -h "$DB_HOST" -P "$MYSQL_PORT" -u backup "-p$BACKUP_DB_PASSWORD" --single-transaction --all-databases > dump.sql || echo "dump failed, keeping yesterday's"
MYSQL_PWD="$REPORT_DB_PASSWORD" mysql -h "$DB_HOST" -P "$MYSQL_PORT" -u report -e 'select 1'
mysql -h "$DB_HOST" -P "$MYSQL_PORT" -u root -p"$ROOT_PW" -e "ALTER USER 'app'@'%' IDENTIFIED BY '$NEW_APP_PASSWORD'; FLUSH PRIVILEGES"
printf '[client]\nuser=app\npassword=%s\nhost=%s\nport=%s\n' "$CNF_PASSWORD" "$DB_HOST" "$MYSQL_PORT" > my.cnf
mysql --defaults-extra-file=./my.cnf -e 'select 1'
mysql -h "$DB_HOST" -P "$MYSQL_PORT" -u readonly --skip-password -e 'select 1'
echo "db tasks done: password_changed=1 max_connections=151 port=$MYSQL_PORT"
"""
run_script("db_ops.sh", db_sh, {"MYSQL_ROOT_PASSWORD": my_root, "APP_DB_PASSWORD": my_app,
                                "BACKUP_DB_PASSWORD": my_backup, "REPORT_DB_PASSWORD": my_report,
                                "NEW_APP_PASSWORD": my_new, "CNF_PASSWORD": my_cnf})

# ---------------------------------------------------------------------------------------------------
# 6. remote restarts with sshpass (closed port) and a generated password
# ---------------------------------------------------------------------------------------------------
ssh_pw = S.add(c.human_password())
ssh_pw2 = S.add(c.password())
ssh_pw3 = S.add(c.nasty_password())
ssh_pw4 = S.add(c.password())
open(os.path.join(work, "release.tar.gz"), "w").write("x")
open(os.path.join(work, ".sshpass"), "w").write(ssh_pw2 + "\n")
remote_sh = r"""#!/usr/bin/env bash
SSH_OPTS="-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o ConnectTimeout=3"
DEPLOY_PW="$SSH_DEPLOY_PASSWORD"
sshpass -p "$DEPLOY_PW" ssh -p "$SSH_PORT" $SSH_OPTS deploy@127.0.0.1 'sudo systemctl restart app'
sshpass -p "$DEPLOY_PW" scp -P "$SSH_PORT" $SSH_OPTS release.tar.gz deploy@127.0.0.1:/srv/releases/
SSHPASS="$SSH_OPS_PASSWORD" sshpass -e ssh -p "$SSH_PORT" $SSH_OPTS ops@127.0.0.1 uptime
sshpass -f ./.sshpass ssh -p "$SSH_PORT" $SSH_OPTS ops@127.0.0.1 uptime
export SSHPASS=$SSH_ROOT_PASSWORD
sshpass -e ssh -p "$SSH_PORT" $SSH_OPTS root@127.0.0.1 'passwd -S root'
unset SSHPASS
NEW_PW=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
sshpass -p "$DEPLOY_PW" ssh -p "$SSH_PORT" $SSH_OPTS deploy@127.0.0.1 "echo 'deploy:$NEW_PW' | sudo chpasswd"
ssh -p "$SSH_PORT" -i ./id_deploy $SSH_OPTS -o BatchMode=yes deploy@127.0.0.1 true || echo "key login failed, port $SSH_PORT"
"""
out = run_script("remote.sh", remote_sh, {"SSH_DEPLOY_PASSWORD": ssh_pw, "SSH_OPS_PASSWORD": ssh_pw3,
                                          "SSH_ROOT_PASSWORD": ssh_pw4})
for m in re.finditer(r"^\+ NEW_PW=(\S+)$", out, re.M):
    S.add(m.group(1))

# ---------------------------------------------------------------------------------------------------
# 7. container registry logins (docker CLI, closed port) and curl -u
# ---------------------------------------------------------------------------------------------------
reg_pw = S.add(c.password())
reg_token = S.add(c.opaque_token())
reg_pw2 = S.add(c.human_password())
reg_sh = r"""#!/usr/bin/env bash
REGISTRY="127.0.0.1:$DEAD"
REGISTRY_PASSWORD=$CI_REGISTRY_PASSWORD
echo "$REGISTRY_PASSWORD" | docker login --username ci --password-stdin "$REGISTRY" || echo "registry login failed"
printf '%s' "$REGISTRY_TOKEN" | docker login -u oauth2accesstoken --password-stdin "$REGISTRY" || true
docker login -u deployer -p "$DEPLOYER_PASSWORD" "$REGISTRY" || true
docker login --username ci --password-stdin "$REGISTRY" < /dev/null || true
curl -sS -u "ci:$REGISTRY_PASSWORD" "http://$REGISTRY/v2/_catalog" || echo "catalog unavailable"
echo "done: registry=$REGISTRY user=ci password_stdin=true"
"""
run_script("registry.sh", reg_sh, {"CI_REGISTRY_PASSWORD": reg_pw, "REGISTRY_TOKEN": reg_token,
                                   "DEPLOYER_PASSWORD": reg_pw2})

# ---------------------------------------------------------------------------------------------------
# 8. credential rotation: a PS4 with file:line and function, `local`, arrays, `declare -p`, and a
#    MariaDB-protocol server that refuses every login (`FakeMysqlDeny`), so the clients print their
#    real `ERROR 1045 (28000): Access denied … (using password: YES)`
# ---------------------------------------------------------------------------------------------------
class FakeMysqlDeny:
    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        n = 40
        while True:
            conn, _ = self.sock.accept()
            n += 1
            threading.Thread(target=self.handle, args=(conn, n), daemon=True).start()

    @staticmethod
    def packet(seq, payload):
        return len(payload).to_bytes(3, "little") + bytes([seq]) + payload

    def handle(self, conn, conn_id):
        import struct
        with conn:
            scramble = os.urandom(20).replace(b"\0", b"\1")
            caps = 0x0001 | 0x0004 | 0x0008 | 0x0200 | 0x2000 | 0x8000 | 0x10000 | 0x20000 | 0x80000
            hs = (b"\x0a" + b"10.11.6-MariaDB-0+deb12u1\0" + struct.pack("<I", conn_id) + scramble[:8] + b"\0"
                  + struct.pack("<H", caps & 0xFFFF) + b"\x2d" + struct.pack("<H", 2) + struct.pack("<H", caps >> 16)
                  + bytes([21]) + b"\0" * 10 + scramble[8:] + b"\0" + b"mysql_native_password\0")
            conn.sendall(self.packet(0, hs))
            buf = b""
            while len(buf) < 4 or len(buf) < 4 + int.from_bytes(buf[:3], "little"):
                d = conn.recv(65536)
                if not d:
                    return
                buf += d
            body = buf[4:4 + int.from_bytes(buf[:3], "little")]
            user_end = body.index(b"\0", 32)
            user = body[32:user_end].decode("utf-8", "replace")
            auth_len = body[user_end + 1] if len(body) > user_end + 1 else 0
            msg = "Access denied for user '%s'@'localhost' (using password: %s)" % (user, "YES" if auth_len else "NO")
            conn.sendall(self.packet(buf[3] + 1, b"\xff" + struct.pack("<H", 1045) + b"#28000" + msg.encode()))


mysql_deny = FakeMysqlDeny()
rot_old = S.add(c.password())
rot_new = S.add(c.password(symbols="!#%^*-_.~@"))
rot_app = S.add(c.nasty_password())
rot_ro = S.add(c.human_password())
rotate_sh = r"""#!/usr/bin/env bash
export PS4='+ ${BASH_SOURCE}:${LINENO}:${FUNCNAME[0]:+ ${FUNCNAME[0]}():} '
set -o xtrace
DB_PORT=$DENY_PORT
try_login() {
  local user=$1 pass=$2
  mysql -h 127.0.0.1 -P "$DB_PORT" -u "$user" -p"$pass" -e 'select current_user()' 2>&1 || return 1
}
rotate() {
  local old_pw="$1"
  local new_pw="$2"
  try_login root "$old_pw" || echo "old root password rejected, trying the new one"
  try_login root "$new_pw" || echo "new root password rejected as well"
}
rotate "$ROTATE_OLD" "$ROTATE_NEW"
MYSQL_ARGS=(-h 127.0.0.1 -P "$DB_PORT" -u app -p"$ROTATE_APP" --connect-timeout=2)
mysql "${MYSQL_ARGS[@]}" app -e 'select 1' || true
mysqladmin -h 127.0.0.1 -P "$DB_PORT" -u app --password="$ROTATE_APP" status || true
mysql -h 127.0.0.1 -P "$DB_PORT" -u nobody -e 'select 1' || true
declare -p ROTATE_NEW
mysql --host=127.0.0.1 --port="$DB_PORT" --user=readonly "--password=$RO_PASSWORD" -e 'show grants' || true
set +o xtrace
echo "rotation finished (password_changed=0, retries=2, port=$DB_PORT)"
"""
emit("$ ./rotate.sh\n")
rpath = os.path.join(work, "rotate.sh")
open(rpath, "w").write(rotate_sh)
r = subprocess.run(["bash", "./rotate.sh"], cwd=work, env=dict(BASE_ENV, DENY_PORT=str(mysql_deny.port),
                                                               ROTATE_OLD=rot_old, ROTATE_NEW=rot_new,
                                                               ROTATE_APP=rot_app, RO_PASSWORD=rot_ro),
                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
emit(r.stdout.decode("utf-8", "replace"))
emit("[exit %d]\n" % r.returncode)

shutil.rmtree(work, ignore_errors=True)
raw.close()
S.save()
