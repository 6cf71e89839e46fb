// The identity provider the auth_entra tests talk to: oauth2-mock-server's
// token endpoint (real HTTP, real RS256 tokens) with hooks that make it
// behave like Entra ID for our clients, a stand-in for Azure's managed
// identity endpoints, and a control port for the tests.
//
//   node idp.js CONFIG.json
//
// CONFIG: { "ttl_s": 3, "tls_key": path?, "tls_cert": path?, "redis_socket": path?,
//           "clients": { "<client_id>": { "secret": "...", "oid": "..." } |
//                                     { "cert": "<PEM path>", "oid": "..." } },
//           "identities": { "system": "<oid>", "<client_id|object_id|resource_id>": "<oid>" },
//           "identity_header": "..." }
//
// Prints "READY <idp_port> <control_port> <msi_port>" when listening.
//
// Token endpoint: POST /<tenant>/oauth2/v2.0/token (client-credentials).
// A wrong secret or a bad assertion is answered 401 invalid_client, as Entra
// does. Every token gets `oid`, `tid` and exp = now + ttl_s.
//
// Redis cannot verify JWTs, so this IdP stands in for that trust too: each
// token it issues becomes a password of the ACL user named by its oid (on
// the redis_socket server) before the answer leaves, and the token from two
// issues back is retired, so a client is accepted exactly while its token
// is current.
//
// The managed-identity port serves GET /metadata/identity/oauth2/token
// (instance metadata: header "Metadata: true") and GET /msi/token (App
// Service: header X-IDENTITY-HEADER). Azure's metadata service exists only
// inside Azure, so this small server stands in for it: same paths, query
// parameters, headers and answer shape, tokens from the same issuer.
//
// Control port (plain HTTP, GET):
//   /set?ttl_s=N            token lifetime from now on
//   /fail?status=S&count=N&retry_after=SECS  the next N token or identity
//                           requests are answered S (with Retry-After)
//   /down  /up              stop and restart listening on the IdP port
//   /answer?body=TEXT       the next token request is answered 200 TEXT
//   /stall?count=N          the next N token requests are never answered
//   /revoke?client_id=X     X's credentials are refused from now on
//   /stats                  {"token": n, "msi": n, "times": [ms...], "issued": n}
//   /reset                  clears counters, failures and revocations; up again
'use strict';

const fs = require('node:fs');
const http = require('node:http');
const https = require('node:https');
const net = require('node:net');
const crypto = require('node:crypto');
const { OAuth2Server } = require('oauth2-mock-server');

const cfg = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const state = {
  ttl: cfg.ttl_s || 3,
  fail: [],
  revoked: new Set(),
  stats: { token: 0, msi: 0, times: [], issued: 0 },
  jtis: new Set(),
  history: new Map(), // oid -> tokens issued, newest last
};

// ---- redis: one RESP command at a time over the Unix socket ----------------
function redisCommand(args) {
  return new Promise((resolve, reject) => {
    const sock = net.createConnection(cfg.redis_socket);
    let out = `*${args.length}\r\n`;
    for (const a of args) out += `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
    let got = '';
    sock.on('connect', () => sock.write(out));
    sock.on('data', (d) => {
      got += d.toString();
      if (got.endsWith('\r\n')) {
        sock.end();
        if (got[0] === '-') reject(new Error(got.trim()));
        else resolve(got.trim());
      }
    });
    sock.on('error', reject);
  });
}

async function register(oid, token) {
  state.stats.issued++;
  if (!cfg.redis_socket) return;
  const h = state.history.get(oid) || [];
  h.push(token);
  const rule = ['ACL', 'SETUSER', oid, 'on', '~*', '&*', '+@all', `>${token}`];
  if (h.length > 2) rule.push(`<${h.shift()}`);
  state.history.set(oid, h);
  await redisCommand(rule);
}

// ---- the OAuth2 server -------------------------------------------------------
const server = new OAuth2Server(undefined, undefined, {
  endpoints: { token: '/:tenant/oauth2/v2.0/token' },
});
const service = server.service;
// An unmodified oauth2-mock-server under /plain (its default /token), for
// the test that the provider works with any standards-compliant endpoint.
const plain = new OAuth2Server();

function b64url(buf) {
  return Buffer.from(buf).toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromB64url(s) {
  return Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

// Checks an RFC 7523 client assertion the way Entra does; returns an error
// text or null.
function checkAssertion(req, client) {
  const body = req.body;
  if (body.client_assertion_type !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer')
    return 'wrong client_assertion_type';
  const parts = String(body.client_assertion || '').split('.');
  if (parts.length !== 3) return 'client_assertion is not a JWT';
  let hdr, pl;
  try {
    hdr = JSON.parse(fromB64url(parts[0]));
    pl = JSON.parse(fromB64url(parts[1]));
  } catch (e) {
    return 'client_assertion is not JSON';
  }
  const cert = new crypto.X509Certificate(fs.readFileSync(client.cert));
  if (hdr.alg !== 'RS256') return 'alg is not RS256';
  if (hdr.x5t !== b64url(Buffer.from(cert.fingerprint.replace(/:/g, ''), 'hex'))) return 'x5t mismatch';
  if (hdr['x5t#S256'] !== b64url(Buffer.from(cert.fingerprint256.replace(/:/g, ''), 'hex')))
    return 'x5t#S256 mismatch';
  const signed = Buffer.from(`${parts[0]}.${parts[1]}`);
  if (!crypto.verify('sha256', signed, cert.publicKey, fromB64url(parts[2]))) return 'bad signature';
  const proto = cfg.tls_key ? 'https' : 'http';
  const aud = `${proto}://${req.headers.host}${req.originalUrl}`;
  if (pl.aud !== aud) return `aud is not ${aud}`;
  if (pl.iss !== body.client_id || pl.sub !== body.client_id) return 'iss/sub are not the client';
  const now = Date.now() / 1000;
  if (!(pl.nbf <= now + 5) || !(pl.exp > now)) return 'assertion not valid now';
  if (!pl.jti || state.jtis.has(pl.jti)) return 'jti missing or replayed';
  state.jtis.add(pl.jti);
  return null;
}

function clientError(req) {
  const client = cfg.clients[req.body.client_id];
  if (!client) return `AADSTS700016: Application '${req.body.client_id}' not found.`;
  if (state.revoked.has(req.body.client_id)) return 'AADSTS7000222: The provided client secret keys are expired.';
  if (client.secret !== undefined) {
    if (req.body.client_secret !== client.secret) return 'AADSTS7000215: Invalid client secret provided.';
    return null;
  }
  const why = checkAssertion(req, client);
  return why ? `AADSTS700027: Client assertion failed signature validation: ${why}` : null;
}

service.on('beforeTokenSigning', (token, req) => {
  const client = cfg.clients[req.body.client_id] || {};
  token.payload.oid = client.oid || 'unknown';
  token.payload.tid = req.params.tenant;
  token.payload.exp = Math.floor(Date.now() / 1000) + state.ttl;
  // Entra's unique token id: two tokens issued within a second differ.
  token.payload.uti = crypto.randomUUID();
});

service.on('beforeResponse', (resp, req) => {
  const why = clientError(req);
  if (why) {
    resp.statusCode = 401;
    resp.body = { error: 'invalid_client', error_description: why };
    return;
  }
  resp.body.expires_in = state.ttl;
  req.registered = register(cfg.clients[req.body.client_id].oid, resp.body.access_token);
});

// The next failure queued by /fail, if any, answered here.
function failNext(res) {
  const f = state.fail[0];
  if (!f) return false;
  if (--f.count <= 0) state.fail.shift();
  const headers = { 'Content-Type': 'application/json' };
  if (f.retry_after) headers['Retry-After'] = String(f.retry_after);
  res.writeHead(f.status, headers);
  res.end(JSON.stringify({ error: 'temporarily_unavailable', error_description: `test failure ${f.status}` }));
  return true;
}

function idpHandler(req, res) {
  state.stats.token++;
  state.stats.times.push(Date.now());
  if (failNext(res)) return;
  if (state.stall > 0) {
    state.stall--; // never answered: the client's timeout has to end it
    return;
  }
  if (state.answer) {
    const a = state.answer;
    state.answer = null;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(a);
    return;
  }
  if (req.url.startsWith('/plain/')) {
    req.url = req.url.slice('/plain'.length);
    plain.service.requestHandler(req, res);
    return;
  }
  // Hold the answer until the token is registered with redis. (Express
  // gives `res` its json method when the request reaches the app.)
  res.json = function (body) {
    const json = Object.getPrototypeOf(this).json;
    const p = req.registered || Promise.resolve();
    req.registered = null;
    p.then(() => json.call(this, body), (e) => {
      process.stderr.write(`registering a token with redis failed: ${e.message.slice(0, 60)}\n`);
      this.status(500);
      json.call(this, { error: 'server_error', error_description: 'the token could not be registered' });
    });
    return this;
  };
  service.requestHandler(req, res);
}

// ---- the managed-identity stand-in -------------------------------------------
async function msiHandler(req, res) {
  state.stats.msi++;
  state.stats.times.push(Date.now());
  const url = new URL(req.url, 'http://x');
  const q = url.searchParams;
  const send = (status, body) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (failNext(res)) return;
  let idKey;
  if (url.pathname === '/metadata/identity/oauth2/token') {
    if (req.headers.metadata !== 'true') return send(400, { error: 'invalid_request', error_description: 'Required metadata header not specified' });
    if (!q.get('api-version')) return send(400, { error: 'invalid_request', error_description: 'api-version missing' });
    idKey = q.get('client_id') || q.get('object_id') || q.get('msi_res_id') || 'system';
  } else if (url.pathname === '/msi/token') {
    if (req.headers['x-identity-header'] !== cfg.identity_header) return send(401, { error: 'unauthorized', message: 'X-IDENTITY-HEADER is wrong' });
    if (q.get('api-version') !== '2019-08-01') return send(400, { error: 'invalid_request', message: 'api-version' });
    idKey = q.get('client_id') || q.get('principal_id') || q.get('mi_res_id') || 'system';
  } else {
    return send(404, { error: 'not_found' });
  }
  const oid = (cfg.identities || {})[idKey];
  if (!oid) return send(400, { error: 'invalid_request', error_description: 'Identity not found' });
  if (!q.get('resource')) return send(400, { error: 'invalid_request', error_description: 'resource missing' });
  const exp = Math.floor(Date.now() / 1000) + state.ttl;
  const token = await server.issuer.buildToken({
    scopesOrTransform: (_h, p) => Object.assign(p, { oid, aud: q.get('resource'), exp, uti: crypto.randomUUID() }),
  });
  await register(oid, token);
  send(200, {
    access_token: token,
    expires_in: String(state.ttl),
    expires_on: String(exp),
    resource: q.get('resource'),
    token_type: 'Bearer',
  });
}

// ---- listeners ---------------------------------------------------------------
let idp;
let idpPort = 0;
const sockets = new Set();

function listenIdp() {
  return new Promise((resolve) => {
    idp = cfg.tls_key
      ? https.createServer({ key: fs.readFileSync(cfg.tls_key), cert: fs.readFileSync(cfg.tls_cert) }, idpHandler)
      : http.createServer(idpHandler);
    idp.on('connection', (s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    idp.listen(idpPort, '127.0.0.1', () => {
      idpPort = idp.address().port;
      resolve();
    });
  });
}

function downIdp() {
  return new Promise((resolve) => {
    idp.close(() => resolve());
    for (const s of sockets) s.destroy();
  });
}

async function control(req, res) {
  const url = new URL(req.url, 'http://x');
  const q = url.searchParams;
  const ok = (body) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body || { ok: true }));
  };
  switch (url.pathname) {
    case '/set':
      state.ttl = Number(q.get('ttl_s'));
      return ok();
    case '/stall': // the next N token requests get no answer at all
      state.stall = Number(q.get('count') || 1);
      return ok();
    case '/answer': // the next token request is answered 200 with this body
      state.answer = q.get('body');
      return ok();
    case '/fail':
      state.fail.push({ status: Number(q.get('status')), count: Number(q.get('count') || 1), retry_after: q.get('retry_after') });
      return ok();
    case '/down':
      await downIdp();
      return ok();
    case '/up':
      await listenIdp();
      return ok();
    case '/revoke':
      state.revoked.add(q.get('client_id'));
      return ok();
    case '/stats':
      return ok(state.stats);
    case '/reset':
      if (!idp.listening) await listenIdp(); // a test that failed while it was down
      state.fail = [];
      state.stall = 0;
      state.answer = null;
      state.revoked.clear();
      state.stats = { token: 0, msi: 0, times: [], issued: 0 };
      return ok();
    default:
      res.writeHead(404);
      res.end();
  }
}

async function main() {
  await server.issuer.keys.generate('RS256');
  await plain.issuer.keys.generate('RS256');
  await listenIdp();
  server.issuer.url = `${cfg.tls_key ? 'https' : 'http'}://127.0.0.1:${idpPort}`;
  plain.issuer.url = `${server.issuer.url}/plain`;
  const ctl = http.createServer((req, res) => {
    control(req, res).catch((e) => {
      res.writeHead(500);
      res.end(String(e));
    });
  });
  const msi = http.createServer((req, res) => {
    msiHandler(req, res).catch((e) => {
      res.writeHead(500);
      process.stderr.write(`msi: ${e.message.slice(0, 60)}\n`);
      res.end("{\"error\":\"server_error\"}");
    });
  });
  await new Promise((r) => ctl.listen(0, '127.0.0.1', r));
  await new Promise((r) => msi.listen(0, '127.0.0.1', r));
  process.stdout.write(`READY ${idpPort} ${ctl.address().port} ${msi.address().port}\n`);
}

// The harness closes our stdin when it is done: leave with it.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
main().catch((e) => {
  process.stderr.write(`idp failed: ${e.stack}\n`);
  process.exit(1);
});
