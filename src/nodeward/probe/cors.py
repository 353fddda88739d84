"""CORS: does the server trust an origin it has never heard of?

The canary is `https://<random>.invalid` (a reserved TLD that can never be a
real site, RFC 2606) plus `Origin: null` (sandboxed iframes, `file:` pages),
each sent on a simple GET and on a preflight `OPTIONS`.  Four requests, fixed.
"""

from __future__ import annotations

import secrets

from nodeward.model import Finding
from nodeward.probe import rules as R
from nodeward.probe.client import Exchange, ProbeSession
from nodeward.probe.evidence import make_finding

__all__ = ["check_cors", "judge_cors"]


def judge_cors(ex: Exchange, sent_origin: str) -> Finding | None:
    acao = (ex.header("access-control-allow-origin") or "").strip()
    creds = (ex.header("access-control-allow-credentials") or "").strip().lower() == "true"
    if not acao:
        return None
    header = f"Access-Control-Allow-Origin: {acao}" + ("; Access-Control-Allow-Credentials: true" if creds else "")
    kind = "preflight" if ex.method == "OPTIONS" else "GET"
    if acao == sent_origin and creds:
        return make_finding(R.CORS_REFLECTS_WITH_CREDENTIALS, ex,
                            f"CORS ({kind}) reflects the untrusted origin `{sent_origin}` and allows credentials",
                            header=header, key=f"{kind} {'null' if sent_origin == 'null' else 'canary'}",
                            fix="Allow-list the exact origins that need access (`cors({ origin: ['https://app.example.com'], credentials: true })`); never reflect `Origin`.")
    if acao == "*" and creds:
        return make_finding(R.CORS_WILDCARD_WITH_CREDENTIALS, ex, f"CORS ({kind}) sends `*` with `Allow-Credentials: true`",
                            header=header, key=kind, fix="Use an explicit origin list when credentials are needed, or drop `Allow-Credentials`.")
    if acao == "*" or acao == sent_origin:
        return make_finding(R.CORS_WILDCARD, ex, f"CORS ({kind}) allows any origin to read responses (`{acao}`), without credentials",
                            header=header, key=kind, fix="Fine for public data; otherwise allow-list origins.")
    return None


def check_cors(session: ProbeSession, url: str) -> list[Finding]:
    canary = f"https://nodeward-{secrets.token_hex(4)}.invalid"
    found: dict[str, Finding] = {}
    for origin in (canary, "null"):
        get = session.request("GET", url, headers={"Origin": origin})
        pre = session.request("OPTIONS", url, headers={
            "Origin": origin,
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "content-type",
        })
        for ex in (get, pre):
            if ex is None:
                continue
            f = judge_cors(ex, origin)
            # One finding per rule: the worst case already says what is wrong.
            if f is not None and f.rule_id not in found:
                found[f.rule_id] = f
    return list(found.values())
