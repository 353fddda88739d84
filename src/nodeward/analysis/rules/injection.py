"""Taint rules: request data proven to reach a dangerous sink (NW11x, NW210, NW65x).

One rule per sink kind.  Each supersedes the per-file pattern rule that only saw a
non-literal argument at the same place (NW101 eval, NW102 exec, NW103 spawn with
shell, NW601 deserialization, NW603 dynamic RegExp): a proven flow is the
stronger, better-explained finding.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from nodeward.analysis.rules.base import flow_finding
from nodeward.analysis.taint.propagate import Flow
from nodeward.analysis.taint.stores import STORE_READ
from nodeward.model import Confidence, Finding, Rule, Severity
from nodeward.ruledocs import make_docs

__all__ = ["RULES", "RULE_BY_KIND", "check_flows"]

_A03 = ("A03:2021",)


def _rule(id: str, name: str, summary: str, sev: Severity, cwe: int, guide: str, what: str, why: str, example: str, use: str, refs: list[str], supersedes: tuple[str, ...] = (), owasp: tuple[str, ...] = _A03) -> Rule:
    return Rule(
        id=id,
        name=name,
        summary=summary,
        severity=sev,
        confidence=Confidence.HIGH,
        cwe=(cwe,),
        owasp=owasp,
        guide_section=guide,
        family="app",
        supersedes=supersedes,
        docs=make_docs(what=what, why=why, example=example, use_instead=use, references=refs),
    )


COMMAND = _rule(
    "NW110", "command-injection-from-request", "Request data reaches a shell command", Severity.CRITICAL, 78,
    "Securing Against Injection Attacks",
    "Reports request data (query, body, params, headers, cookies) that flows, possibly through helpers in other files, into `child_process.exec`/`execSync`, `spawn` or `execFile` (command position, or any argument with `shell: true`), `shelljs.exec` or `execa`.",
    "The shell interprets `;`, `|`, `$()` and backticks, so `?file=x;rm -rf /` runs the attacker's command with the server's privileges.",
    """
const express = require('express');
const { exec } = require('child_process');
const app = express();

app.get('/thumb', (req, res) => {
  const name = req.query.name;
  exec(`convert uploads/${name} thumbs/${name}`, () => res.end());
});
""",
    """
const express = require('express');
const { execFile } = require('child_process');
const app = express();

app.get('/thumb', (req, res) => {
  const id = parseInt(req.query.id, 10);
  execFile('convert', [`uploads/${id}.png`, `thumbs/${id}.png`], () => res.end());
});
""",
    ["https://owasp.org/www-community/attacks/Command_Injection", "https://nodejs.org/api/child_process.html#child_processexecfilefile-args-options-callback"],
    supersedes=("NW102", "NW103"),
)

CODE = _rule(
    "NW111", "code-injection-from-request", "Request data is evaluated as code", Severity.CRITICAL, 94,
    "Securing Against Injection Attacks",
    "Reports request data that reaches `eval`, `new Function`, `vm.runIn*Context`, `vm.Script` or a string passed to `setTimeout`/`setInterval`.",
    "Evaluating attacker text runs arbitrary JavaScript inside the server process: reading secrets, spawning shells, changing data.",
    """
const express = require('express');
const app = express();
app.use(express.json());

app.post('/calc', (req, res) => {
  res.json({ result: eval(req.body.expression) });
});
""",
    """
const express = require('express');
const app = express();
app.use(express.json());

app.post('/calc', (req, res) => {
  const a = Number(req.body.a);
  const b = Number(req.body.b);
  res.json({ result: a + b });
});
""",
    ["https://owasp.org/www-community/attacks/Code_Injection", "https://cwe.mitre.org/data/definitions/94.html"],
    supersedes=("NW101",),
)

SQL = _rule(
    "NW112", "sql-injection-from-request", "Request data is concatenated into a SQL query", Severity.CRITICAL, 89,
    "Securing Against Injection Attacks",
    "Reports request data built into the SQL text passed to `query`, `execute`, `raw`, `whereRaw` or `$queryRawUnsafe`, including through helper functions in other modules. A parameterised query (placeholders plus a values array) is not reported: only the SQL text argument is a sink.",
    "Concatenated SQL lets `' OR 1=1 --` read or rewrite any table the database user can reach.",
    """
const express = require('express');
const mysql = require('mysql');
const pool = mysql.createPool({});
const app = express();

app.get('/notes', (req, res) => {
  pool.query("SELECT * FROM notes WHERE title = '" + req.query.title + "'", (err, rows) => res.json(rows));
});
""",
    """
const express = require('express');
const mysql = require('mysql');
const pool = mysql.createPool({});
const app = express();

app.get('/notes', (req, res) => {
  pool.query('SELECT * FROM notes WHERE title = ?', [req.query.title], (err, rows) => res.json(rows));
});
""",
    ["https://owasp.org/www-community/attacks/SQL_Injection", "https://github.com/mysqljs/mysql#escaping-query-values"],
)

NOSQL = _rule(
    "NW113", "nosql-injection-from-request", "Request data that may be an object is used in a MongoDB query", Severity.HIGH, 943,
    "Securing Against Injection Attacks",
    "Reports `req.body`/`req.query` values placed into a MongoDB/Mongoose filter or update (`find`, `findOne`, `updateOne`, `deleteMany`, ...). Values that are always strings (route params, headers, cookies) or converted with `String()`, a template literal, `mongo-sanitize` or `parseInt` are not reported, nor are projects whose package.json files and imports name no MongoDB client (`mongodb`, `mongoose`, `monk`, NeDB, TypeORM, ...): `find({...})` on Bookshelf or Sequelize takes no `$` operators. "
    "Each query's receiver is judged too: a `mongoose.model(...)` value, a model imported from a module built on mongoose or the MongoDB driver (through an index that re-exports it, judged by the module that defines it), or a `db.collection(...)` value is reported at high confidence; a model whose module (or the project modules it imports, a few levels down) reaches a SQL ORM or query builder (Bookshelf, Sequelize, TypeORM outside its `MongoRepository`, Objection, knex) is not reported (Prisma is not among them: its filters take operator objects such as `{ not: '' }`); a receiver nothing identifies is reported at medium confidence.",
    "Body parsers and `qs` turn `?owner[$ne]=x` into `{ $ne: 'x' }`, so the filter matches every document: authentication bypass and data disclosure.",
    """
const express = require('express');
const mongoose = require('mongoose');
const Note = mongoose.model('Note', new mongoose.Schema({ owner: String, text: String }));
const app = express();

app.get('/notes', async (req, res) => {
  res.json(await Note.find({ owner: req.query.owner }));
});
""",
    """
const express = require('express');
const mongoose = require('mongoose');
const Note = mongoose.model('Note', new mongoose.Schema({ owner: String, text: String }));
const app = express();

app.get('/notes', async (req, res) => {
  res.json(await Note.find({ owner: String(req.query.owner) }));
});
""",
    ["https://owasp.org/www-project-web-security-testing-guide/latest/4-Web_Application_Security_Testing/07-Input_Validation_Testing/05.6-Testing_for_NoSQL_Injection", "https://www.npmjs.com/package/mongo-sanitize"],
)

PATH = _rule(
    "NW114", "path-traversal-from-request", "Request data is used as a file path", Severity.HIGH, 22,
    "Securing Against Injection Attacks",
    "Reports request data reaching `fs` read/write/delete functions, `res.sendFile` (without a `root` option) or `res.download`, directly or through `path.join`/`path.resolve`. `path.basename` ends the flow.",
    "`../../etc/passwd` (or an absolute path) escapes the intended folder: source code, keys and configuration can be read or overwritten.",
    """
const express = require('express');
const path = require('path');
const app = express();

app.get('/download', (req, res) => {
  res.sendFile(path.join(__dirname, 'uploads', req.query.name));
});
""",
    """
const express = require('express');
const path = require('path');
const app = express();

app.get('/download', (req, res) => {
  res.sendFile(path.basename(req.query.name), { root: path.join(__dirname, 'uploads') });
});
""",
    ["https://owasp.org/www-community/attacks/Path_Traversal", "https://expressjs.com/en/api.html#res.sendFile"],
)

SSRF = _rule(
    "NW115", "ssrf-from-request", "Request data chooses the URL of a server-side request", Severity.HIGH, 918,
    "Securing Against Injection Attacks",
    "Reports request data used as the URL of `http(s).get/request`, `axios`, `fetch`, `got`, `request`, `needle` or `superagent` calls.",
    "The server can be made to call internal services (cloud metadata at 169.254.169.254, admin ports, databases) on the attacker's behalf.",
    """
const express = require('express');
const axios = require('axios');
const app = express();

app.get('/preview', async (req, res) => {
  const page = await axios.get(req.query.url);
  res.json({ length: page.data.length });
});
""",
    """
const express = require('express');
const axios = require('axios');
const app = express();
const FEEDS = { news: 'https://feeds.example.com/news.xml' };

app.get('/preview', async (req, res) => {
  const page = await axios.get(FEEDS.news);
  res.json({ length: page.data.length });
});
""",
    ["https://owasp.org/Top10/A10_2021-Server-Side_Request_Forgery_%28SSRF%29/", "https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html"],
    owasp=("A10:2021",),
)

REDIRECT = _rule(
    "NW116", "open-redirect-from-request", "Request data chooses a redirect target", Severity.MEDIUM, 601,
    "Input Validation and Sanitization",
    "Reports request data passed to `res.redirect`, `res.location`, `ctx.redirect` or a `Location` header (also set through a header object, `res.writeHead(302, { Location })`, `res.set({ Location })`; not on a 201/202, whose Location browsers do not follow). "
    "Targets pinned to a host are not: a literal `https://example.com/` or `/path` prefix, the request's own host "
    "followed by its own path (`'https://' + req.hostname + req.originalUrl`, `url.format({ host: req.get('host'), ... })`), "
    "a value whose leading slashes were collapsed (`url.replace(/^\\/+/, '/')`), the `search` and `hash` of a parsed URL "
    "as they are (they start with `?`/`#`; `.slice(1)` or a decoder makes them request data again), a path that starts with `/` (the `pathname` of `new URL(req.originalUrl, base)`, "
    "`path.posix.join('/', x)`) placed after a constant origin such as `'https://shop.example.org'`, and a value checked "
    "with `startsWith` against the site's configured URL or a literal origin ending in `/` (under `||` only when every "
    "side pins it). A path alone is still "
    "reported (`/.//evil.example` has the pathname `//evil.example`), as are `url.parse(x).pathname` (it keeps "
    "`@evil.example`) and `startsWith('/')`. In a handler whose routes all start with a literal segment, the request's "
    "own `req.originalUrl` is not reported (the match fixes where it starts), but its query string is "
    "(`new URL(req.originalUrl, base).searchParams.get('next')`, `req.url.split('?')[1]`).",
    "A link on your domain that bounces to an attacker's look-alike page is a phishing tool, and can leak OAuth codes and tokens in the URL.",
    """
const express = require('express');
const app = express();

app.get('/go', (req, res) => {
  res.redirect(req.query.next);
});
""",
    """
const express = require('express');
const app = express();
const ALLOWED = new Set(['/home', '/account']);

app.get('/go', (req, res) => {
  const next = req.query.next;
  if (ALLOWED.has(next)) {
    return res.redirect(next);
  }
  res.redirect('/home');
});
""",
    ["https://cheatsheetseries.owasp.org/cheatsheets/Unvalidated_Redirects_and_Forwards_Cheat_Sheet.html"],
    owasp=("A01:2021",),
)

XSS = _rule(
    "NW210", "reflected-xss-from-request", "Request data is written into an HTML response unescaped", Severity.HIGH, 79,
    "Input Validation and Sanitization",
    "Reports request data sent with `res.send`, `res.write`, `res.end` or assigned to a Koa `ctx.body` string without HTML escaping (`escape-html`, `he`, DOMPurify, `validator.escape`), also when a middleware (in any file) parked it in `res.locals`, `req.app.locals` or `ctx.state` first. `res.json` is not a sink.\n\n"
    "The output of a command is not treated as request data, even when the request chose the command: `exec('ls ' + req.query.dir, (e, stdout) => res.send(stdout))` is reported once, as command injection (NW110) at `exec`. Whether a program echoes its arguments depends on the program (`echo` does, `ls` prints file names, `grep` prints file contents); flagging every command's output would report each `execFile` whose output is sent back. Known gap: a program that echoes attacker text (`execFile('echo', [req.query.x])`) sent back as HTML is not reported.",
    "A string response is served as `text/html`: `?name=<script>...</script>` runs in the victim's browser with their session.",
    """
const express = require('express');
const app = express();

app.get('/', (req, res) => {
  res.send('<h1>Hello ' + req.query.name + '</h1>');
});
""",
    """
const express = require('express');
const escapeHtml = require('escape-html');
const app = express();

app.get('/', (req, res) => {
  res.send('<h1>Hello ' + escapeHtml(req.query.name) + '</h1>');
});
""",
    ["https://owasp.org/www-community/attacks/xss/", "https://cheatsheetseries.owasp.org/cheatsheets/Cross_Site_Scripting_Prevention_Cheat_Sheet.html"],
)

PROTO = _rule(
    "NW650", "prototype-pollution-from-request", "Request data is deep-merged or used as nested property names", Severity.HIGH, 1321,
    "Advanced vulnerabilities",
    "Reports request objects passed to deep-merge helpers (`_.merge`, `_.defaultsDeep`, `deepmerge`, `merge`, `mixin-deep`, `deep-extend`), request strings used as paths for `_.set`/`set-value`, and `obj[a][b] = v` where a key comes from the request (also a string: a path parameter or `String(x)` can be `'__proto__'`).",
    "`{\"__proto__\": {\"isAdmin\": true}}` changes `Object.prototype` for the whole process: authorization checks, template options and child_process options can all be subverted.",
    """
const express = require('express');
const _ = require('lodash');
const app = express();
app.use(express.json());

app.post('/settings', (req, res) => {
  const settings = {};
  _.merge(settings, req.body);
  res.json(settings);
});
""",
    """
const express = require('express');
const app = express();
app.use(express.json());

app.post('/settings', (req, res) => {
  const settings = { theme: String(req.body.theme), lang: String(req.body.lang) };
  res.json(settings);
});
""",
    ["https://portswigger.net/web-security/prototype-pollution", "https://cwe.mitre.org/data/definitions/1321.html"],
    owasp=("A08:2021",),
)

REGEX = _rule(
    "NW651", "regexp-from-request", "Request data is compiled into a regular expression", Severity.MEDIUM, 1333,
    "Advanced vulnerabilities",
    "Reports request data reaching `new RegExp(...)`/`RegExp(...)` without `escape-string-regexp`/`_.escapeRegExp`.",
    "An attacker-chosen pattern such as `(a+)+$` backtracks exponentially and blocks Node's single event loop (ReDoS); it can also change what the pattern matches.",
    """
const express = require('express');
const app = express();
const names = ['ada', 'grace'];

app.get('/search', (req, res) => {
  const re = new RegExp(req.query.q);
  res.json(names.filter((n) => re.test(n)));
});
""",
    """
const express = require('express');
const escapeStringRegexp = require('escape-string-regexp');
const app = express();
const names = ['ada', 'grace'];

app.get('/search', (req, res) => {
  const re = new RegExp(escapeStringRegexp(req.query.q));
  res.json(names.filter((n) => re.test(n)));
});
""",
    ["https://owasp.org/www-community/attacks/Regular_expression_Denial_of_Service_-_ReDoS"],
    supersedes=("NW603",),
    owasp=("A05:2021",),
)

DESER = _rule(
    "NW652", "deserialization-of-request-data", "Request data is deserialised with a code-executing deserialiser", Severity.CRITICAL, 502,
    "Advanced vulnerabilities",
    "Reports request data (often a cookie) passed to `node-serialize.unserialize`, `serialize-to-js.deserialize` or `funcster.deepDeserialize`.",
    "These deserialisers revive functions: an `_$$ND_FUNC$$_` payload runs code on the server (CVE-2017-5941).",
    """
const express = require('express');
const cookieParser = require('cookie-parser');
const serialize = require('node-serialize');
const app = express();
app.use(cookieParser());

app.get('/prefs', (req, res) => {
  res.json(serialize.unserialize(req.cookies.prefs));
});
""",
    """
const express = require('express');
const cookieParser = require('cookie-parser');
const app = express();
app.use(cookieParser());

app.get('/prefs', (req, res) => {
  res.json(JSON.parse(req.cookies.prefs || '{}'));
});
""",
    ["https://nvd.nist.gov/vuln/detail/CVE-2017-5941", "https://cheatsheetseries.owasp.org/cheatsheets/Deserialization_Cheat_Sheet.html"],
    supersedes=("NW601",),
    owasp=("A08:2021",),
)

XXE = _rule(
    "NW653", "xxe-from-request", "Request data is parsed as XML with external entities enabled", Severity.HIGH, 611,
    "Advanced vulnerabilities",
    "Reports request data parsed by `libxmljs`/`libxmljs2` `parseXml`/`parseXmlString` with `noent: true` (entity substitution).",
    "External entities read local files (`<!ENTITY x SYSTEM \"file:///etc/passwd\">`) or make the server fetch internal URLs.",
    """
const express = require('express');
const libxmljs = require('libxmljs');
const app = express();
app.use(express.text({ type: 'application/xml' }));

app.post('/import', (req, res) => {
  const doc = libxmljs.parseXml(req.body, { noent: true });
  res.json({ root: doc.root().name() });
});
""",
    """
const express = require('express');
const libxmljs = require('libxmljs');
const app = express();
app.use(express.text({ type: 'application/xml' }));

app.post('/import', (req, res) => {
  const doc = libxmljs.parseXml(req.body, { noent: false, nonet: true });
  res.json({ root: doc.root().name() });
});
""",
    ["https://owasp.org/www-community/vulnerabilities/XML_External_Entity_(XXE)_Processing", "https://cheatsheetseries.owasp.org/cheatsheets/XML_External_Entity_Prevention_Cheat_Sheet.html"],
    supersedes=("NW602",),
    owasp=("A05:2021",),
)

RULE_BY_KIND: dict[str, Rule] = {
    "command": COMMAND,
    "code": CODE,
    "sql": SQL,
    "nosql": NOSQL,
    "path": PATH,
    "ssrf": SSRF,
    "redirect": REDIRECT,
    "xss": XSS,
    "proto": PROTO,
    "protokey": PROTO,
    "regex": REGEX,
    "deser": DESER,
    "xxe": XXE,
}

_FIX = {
    "command": "Use `execFile`/`spawn` with an argument array and no shell, and validate the value against an allow-list.",
    "code": "Never evaluate request data; parse it (`JSON.parse`, `Number`) or map it to predefined functions.",
    "sql": "Use placeholders with a values array (`query('... WHERE id = ?', [id])`) or the ORM's bound parameters.",
    "nosql": "Cast to the expected type (`String(x)`), validate with a schema, or strip operators with `mongo-sanitize`.",
    "path": "Take `path.basename()` of the value and serve it with `res.sendFile(name, { root })`, or map ids to files.",
    "ssrf": "Only call URLs from an allow-list of hosts; never let the request choose scheme, host or port.",
    "redirect": "Redirect only to relative paths from an allow-list (or check the host against your own).",
    "xss": "Escape with `escape-html`, or render through a template engine that escapes by default; send JSON with `res.json`.",
    "proto": "Copy known fields explicitly, validate the body with a schema, or create the target with `Object.create(null)`.",
    "protokey": "Check the keys against an allow-list (or refuse `__proto__`, `constructor`, `prototype`), or keep the data in a `Map` or an `Object.create(null)` object.",
    "regex": "Escape the value with `escape-string-regexp`, or match with `includes()` instead of a pattern.",
    "deser": "Use `JSON.parse` for data; never deserialise formats that can revive functions.",
    "xxe": "Leave entity substitution off (`noent: false`, the default) and set `nonet: true`.",
}

RULES: tuple[Rule, ...] = tuple(dict.fromkeys(RULE_BY_KIND.values()))
"""Each rule once (`proto` and `protokey` share NW650)."""


def check_flows(flows: Iterable[Flow]) -> list[Finding]:
    """One finding per proven source -> sink flow."""
    out: list[Finding] = []
    for flow in flows:
        rule = RULE_BY_KIND.get(flow.kind)
        if rule is None:
            continue
        src = flow.label.display
        where = ""
        if flow.steps and flow.steps[0].path != flow.sink.path:
            where = f" (from {flow.steps[0].path}:{flow.steps[0].line})"
        store = next((s.message[len(STORE_READ):] for s in flow.steps if s.message.startswith(STORE_READ)), "")
        if store:
            where += f" via {store}"
        if src.startswith("process.argv"):
            # A CLI's own arguments: real only when the tool runs for someone else (a CI job,
            # a wrapper fed by a web request), hence low confidence, and low severity so that a
            # script running the command its operator typed does not fail `--fail-on high`.
            message = f"Command-line argument `{src}`{where} reaches `{flow.sink.snippet[:60]}`"
            out.append(replace(flow_finding(rule, flow, message, _FIX[flow.kind]), confidence=Confidence.LOW, severity=min(rule.severity, Severity.LOW)))
            continue
        if flow.kind == "nosql" and flow.receiver == "other":
            continue  # a SQL ORM's model or query builder: values are bound, never operators
        message = f"{rule.summary}: `{src}`{where} reaches `{flow.sink.snippet[:60]}`"
        finding = flow_finding(rule, flow, message, _FIX[flow.kind])
        if flow.kind == "nosql" and flow.receiver != "mongo":
            # Neither the receiver nor the module it comes from names a MongoDB package: the
            # flow is proven, whether the receiver takes query operators is not.
            finding = replace(finding, confidence=Confidence.MEDIUM)
        out.append(finding)
    return out
