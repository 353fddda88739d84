// A configurable server for the Observatory agreement benchmark (bench/probe_observatory.py --variants).
// VARIANT (JSON): { headers: [[name, value], ...], cookies: [setCookie, ...], body: "<html>",
//                   redirect: "https" | "none" | "http-first" }
// TLS_KEY/TLS_CERT: PEM paths. Listens on 127.0.0.1:80 and :443 (Observatory scans default ports).
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';

const cfg = JSON.parse(process.env.VARIANT);

function page(req, res) {
  if (req.url !== '/' && req.url !== '/index.html') {
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    return res.end('Not Found');
  }
  const headers = [['Content-Type', 'text/html; charset=utf-8'], ...cfg.headers];
  for (const c of cfg.cookies) headers.push(['Set-Cookie', c]);
  res.writeHead(200, headers.flat());
  res.end(cfg.body);
}

http
  .createServer((req, res) => {
    if (cfg.redirect === 'https') {
      res.writeHead(301, { Location: `https://127.0.0.1${req.url}` });
      return res.end();
    }
    if (cfg.redirect === 'http-first' && req.url === '/') {
      res.writeHead(301, { Location: 'http://127.0.0.1/index.html' });
      return res.end();
    }
    if (cfg.redirect === 'http-first') {
      res.writeHead(301, { Location: `https://127.0.0.1${req.url}` });
      return res.end();
    }
    return page(req, res);
  })
  .listen(80, '127.0.0.1');

https
  .createServer({ key: fs.readFileSync(process.env.TLS_KEY), cert: fs.readFileSync(process.env.TLS_CERT) }, page)
  .listen(443, '127.0.0.1', () => console.log('ready'));
