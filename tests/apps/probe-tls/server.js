'use strict';
// HTTPS servers with the TLS and HSTS set-ups the probe's cipher review and HSTS preload
// checks must tell apart (test fixture). Node built-ins only: nothing to install.
//
//   PROFILES=/path/profiles.json node server.js
//
// profiles.json: { "certs": { "rsa": {"key": "...", "cert": "..."}, "ec": {...} },
//                  "profiles": { "<name>": { "cert": "rsa"|"ec", "ciphers"?: "...", "minVersion"?: "TLSv1.2",
//                    "maxVersion"?: "TLSv1.3", "hsts"?: "max-age=...", "redirect"?: 301|302|"none",
//                    "httpsRedirect"?: "/home" } } }
// Every profile gets an HTTPS listener and a plain-HTTP one, both on 127.0.0.1 with ports chosen
// by the OS. When all listen, one line is printed: READY {"<name>": {"http": port, "https": port}}.
const fs = require('fs');
const http = require('http');
const https = require('https');

const host = '127.0.0.1';
const config = JSON.parse(fs.readFileSync(process.env.PROFILES, 'utf8'));

// The headers helmet 8 sends, so the probe's header checks stay quiet and the TLS/HSTS findings stand out.
const PAGE_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': "default-src 'self'; base-uri 'self'; object-src 'none'; script-src 'self'; frame-ancestors 'self'; form-action 'self'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'SAMEORIGIN',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-XSS-Protection': '0',
  'Permissions-Policy': 'camera=(), microphone=()',
};
const PAGE = '<!doctype html><title>Acme status</title><h1>All systems normal</h1>';

function httpsHandler(profile) {
  return (req, res) => {
    const path = (req.url || '/').split('?')[0];
    if (profile.httpsRedirect && path === '/') {
      // A redirect on the HTTPS origin itself; the preload list wants HSTS on this response too.
      res.writeHead(301, { Location: profile.httpsRedirect, 'Content-Length': '0' });
      res.end();
      return;
    }
    if (path !== '/' && path !== profile.httpsRedirect) {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end('{"error":"not found"}');
      return;
    }
    const headers = { ...PAGE_HEADERS };
    if (profile.hsts) headers['Strict-Transport-Security'] = profile.hsts;
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : PAGE);
  };
}

function httpHandler(profile, httpsPort) {
  return (req, res) => {
    const redirect = profile.redirect === undefined ? 301 : profile.redirect;
    if (redirect === 'none') {
      res.writeHead(200, PAGE_HEADERS);
      res.end(PAGE);
      return;
    }
    // Same host name the client used (127.0.0.1 or localhost), on the HTTPS port.
    const name = (req.headers.host || host).replace(/:\d+$/, '');
    const target = `https://${name}:${httpsPort}${(req.url || '/').startsWith('/') ? req.url : '/'}`;
    res.writeHead(redirect, { Location: target, 'Content-Length': '0' });
    res.end();
  };
}

function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve(server.address().port));
  });
}

async function main() {
  const ports = {};
  for (const [name, profile] of Object.entries(config.profiles)) {
    const pair = config.certs[profile.cert || 'ec'];
    const options = {
      key: fs.readFileSync(pair.key),
      cert: fs.readFileSync(pair.cert),
      minVersion: profile.minVersion || 'TLSv1.2',
      maxVersion: profile.maxVersion || 'TLSv1.3',
    };
    if (profile.ciphers) options.ciphers = profile.ciphers;
    const tlsServer = https.createServer(options, httpsHandler(profile));
    const httpsPort = await listen(tlsServer);
    const httpPort = await listen(http.createServer(httpHandler(profile, httpsPort)));
    ports[name] = { http: httpPort, https: httpsPort };
  }
  console.log(`READY ${JSON.stringify(ports)}`);
}

main().catch((e) => {
  console.error(`probe-tls: ${e.message}`);
  process.exit(1);
});
