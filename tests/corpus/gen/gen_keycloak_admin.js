// @keycloak/keycloak-admin-client against gen_keycloak_admin.py's stand-in server (run by it):
// an admin service with a fetch logging wrapper (method, URL, headers, body; status and body of
// the reply) as apps add while debugging, NODE_DEBUG=http, and console.log of results.
const P = JSON.parse(process.env.KC_PLANTED);
const url = process.argv[2];
const modpath = process.env.KC_ADMIN_CLIENT || "@keycloak/keycloak-admin-client";

const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init = {}) => {
  const headers = init.headers instanceof Headers ? Object.fromEntries(init.headers) : init.headers;
  console.log("[kc-fetch] -> %s %s headers=%j body=%s", init.method || "GET", String(input), headers || {}, init.body ?? "");
  const res = await realFetch(input, init);
  const text = await res.clone().text();
  console.log("[kc-fetch] <- %d %s %s", res.status, String(input), text);
  return res;
};

(async () => {
  const { default: KcAdminClient } = await import(modpath);
  const kc = new KcAdminClient({ baseUrl: url, realmName: "master" });
  await kc.auth({ username: "admin", password: P.admin_pw, grantType: "password", clientId: "admin-cli" });
  console.log("admin access token:", kc.accessToken);
  console.log("admin refresh token: %s", kc.refreshToken);
  kc.setConfig({ realmName: "shop" });
  const u = P.node_user;
  const created = await kc.users.create({
    username: u.username, email: u.username + "@example.com", enabled: true,
    credentials: [{ type: "password", value: u.pw, temporary: true }],
  });
  console.log("created user", created);
  await kc.users.resetPassword({ id: created.id, credential: { temporary: false, type: "password", value: P.node_reset_pw } });
  console.log("password reset for %s", created.id);
  const sec = await kc.clients.generateNewClientSecret({ id: P.billing_id });
  console.log("new client secret:", sec);
  const svc = new KcAdminClient({ baseUrl: url, realmName: "shop" });
  await svc.auth({ grantType: "client_credentials", clientId: "billing-api", clientSecret: sec.value });
  console.log({ accessToken: svc.accessToken, realm: "shop", clientId: "billing-api" });
})().catch((e) => { console.error(e); process.exit(1); });
