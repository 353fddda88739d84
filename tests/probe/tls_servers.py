"""Start `tests/apps/probe-tls` (one Node process, one HTTPS + HTTP listener per profile) and stop it by PID.

The app prints `READY {...ports...}` once every listener is up; the wait for
that line is bounded (select on the pipe, then a deadline), so a broken start
fails the test instead of hanging it.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.probe.certs import CertFiles

APP = Path(__file__).resolve().parent.parent / "apps" / "probe-tls"
START_TIMEOUT = 15.0


@dataclass
class TlsProfiles:
    proc: subprocess.Popen[bytes]
    ports: dict[str, dict[str, int]]

    def http_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]['http']}/"

    def https_url(self, name: str, host: str = "127.0.0.1") -> str:
        return f"https://{host}:{self.ports[name]['https']}/"

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        if self.proc.stdout is not None:
            self.proc.stdout.close()


def node_missing() -> str | None:
    return None if shutil.which("node") else "node is not installed"


def start_profiles(folder: Path, certs: dict[str, CertFiles], profiles: dict[str, dict[str, Any]]) -> TlsProfiles:
    config = {
        "certs": {kind: {"key": str(c.key), "cert": str(c.cert)} for kind, c in certs.items()},
        "profiles": profiles,
    }
    path = folder / "profiles.json"
    path.write_text(json.dumps(config))
    env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp"), "PROFILES": str(path)}
    proc = subprocess.Popen(["node", str(APP / "server.js")], cwd=APP, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert proc.stdout is not None
    deadline = time.monotonic() + START_TIMEOUT
    buf = b""
    while time.monotonic() < deadline and b"\n" not in buf:
        ready, _, _ = select.select([proc.stdout], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            break
        chunk = os.read(proc.stdout.fileno(), 65536)
        if not chunk:
            break
        buf += chunk
    line = buf.decode(errors="replace").split("\n", 1)[0]
    running = TlsProfiles(proc, {})
    if not line.startswith("READY "):
        running.stop()
        raise RuntimeError(f"probe-tls did not start: {buf.decode(errors='replace')[-2000:]}")
    running.ports = json.loads(line[len("READY "):])
    return running
