"""The OSV API: `POST /v1/querybatch` for ids, then `GET /v1/vulns/{id}` for each record.

querybatch answers with ids and `modified` stamps only; full records are cached
on disk by id and refetched only when `modified` changed.  Pagination
(`next_page_token`) is followed a bounded number of times.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nodeward.deps.advisories.base import AdvisorySource
from nodeward.deps.advisories.http import make_client, request_json
from nodeward.deps.advisories.model import Advisory, parse_osv
from nodeward.errors import AdvisorySourceError

__all__ = ["DEFAULT_OSV_URL", "OsvApiSource"]

DEFAULT_OSV_URL = "https://api.osv.dev"
BATCH = 1000
"""OSV's documented maximum queries per querybatch request."""
MAX_PAGES = 20
FETCH_WORKERS = 8
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]+$")
_HINT = "check the network or use the offline database: `nodeward db update --from PATH` then `--source offline`"


@dataclass
class OsvApiSource(AdvisorySource):
    base_url: str = DEFAULT_OSV_URL
    timeout: float = 10.0
    cache_dir: Path | None = None
    name: str = "osv-api"

    def describe(self) -> str:
        return f"OSV API at {self.base_url}"

    def query(self, packages: Sequence[tuple[str, str]]) -> list[Advisory]:
        base = self.base_url.rstrip("/")
        wanted: dict[str, str] = {}
        with make_client(self.timeout) as client:
            for i in range(0, len(packages), BATCH):
                chunk = list(packages[i : i + BATCH])
                queries: list[dict[str, Any]] = [{"package": {"name": n, "ecosystem": "npm"}, "version": v} for n, v in chunk]
                for _ in range(MAX_PAGES):
                    data = request_json(client, "POST", f"{base}/v1/querybatch", _HINT, json={"queries": queries})
                    results = data.get("results") if isinstance(data, dict) else None
                    if not isinstance(results, list) or len(results) != len(queries):
                        raise AdvisorySourceError(f"{base}/v1/querybatch: malformed response (expected {len(queries)} results)")
                    again = []
                    for q, res in zip(queries, results, strict=True):
                        if not isinstance(res, dict):
                            continue
                        for v in res.get("vulns") or []:
                            if isinstance(v, dict) and isinstance(v.get("id"), str):
                                wanted[v["id"]] = str(v.get("modified") or "")
                        token = res.get("next_page_token")
                        if isinstance(token, str) and token:
                            again.append({**q, "page_token": token})
                    if not again:
                        break
                    queries = again
            # Records are independent GETs: fetch a few at a time (httpx clients are thread-safe).
            from concurrent.futures import ThreadPoolExecutor

            items = sorted(wanted.items())
            with ThreadPoolExecutor(max_workers=FETCH_WORKERS) as pool:
                records = list(pool.map(lambda kv: self._fetch(client, base, kv[0], kv[1]), items))
        return [parse_osv(rec, "osv-api") for rec in records]

    def _cache_path(self, vid: str) -> Path | None:
        if self.cache_dir is None or not _SAFE_ID.match(vid):
            return None
        return self.cache_dir / "osv" / f"{vid}.json"

    def _fetch(self, client: Any, base: str, vid: str, modified: str) -> dict[str, Any]:
        cache = self._cache_path(vid)
        if cache is not None and cache.is_file():
            try:
                rec = json.loads(cache.read_text(encoding="utf-8"))
                if isinstance(rec, dict) and modified and rec.get("modified") == modified:
                    return rec
            except (OSError, ValueError):
                pass
        if not _SAFE_ID.match(vid):
            raise AdvisorySourceError(f"{base}: refusing odd advisory id {vid!r}")
        rec = request_json(client, "GET", f"{base}/v1/vulns/{vid}", _HINT)
        if not isinstance(rec, dict) or rec.get("id") != vid:
            raise AdvisorySourceError(f"{base}/v1/vulns/{vid}: malformed record")
        if cache is not None:
            try:
                cache.parent.mkdir(parents=True, exist_ok=True)
                cache.write_text(json.dumps(rec), encoding="utf-8")
            except OSError:
                pass
        return rec
