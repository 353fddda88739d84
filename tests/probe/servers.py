"""Start the Express test apps on 127.0.0.1 with random ports, and stop them by PID.

Ports are picked by binding port 0 and releasing it (a tiny race, retried by the
bounded start-up wait); certificates come from `certs.make_certs`.  A server is
stopped by its own PID in a finalizer, whatever the test outcome.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

APPS = Path(__file__).resolve().parent.parent / "apps"
START_TIMEOUT = 15.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def node_available(app: str) -> str | None:
    """None when `node` and the app's installed packages are there, else the reason to skip."""
    if shutil.which("node") is None:
        return "node is not installed"
    if not (APPS / app / "node_modules").is_dir():
        return f"tests/apps/{app}: run scripts/install-test-apps.sh (npm ci --ignore-scripts) first"
    return None


@dataclass
class RunningApp:
    proc: subprocess.Popen[bytes]
    http_port: int
    https_port: int
    log: Path

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/"

    @property
    def https_url(self) -> str:
        return f"https://127.0.0.1:{self.https_port}/"

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


START_ATTEMPTS = 3
"""Random ports can be taken between picking and binding; retry with fresh ones (bounded)."""


def start_app(app: str, env: Mapping[str, str], log: Path, ports: tuple[int, int] | None = None) -> RunningApp:
    """Start `tests/apps/<app>/server.js`; `ports` pins (http, https) (the Observatory bench needs 80/443)."""
    error: RuntimeError | None = None
    for _ in range(1 if ports else START_ATTEMPTS):
        try:
            return _start_once(app, env, log, ports or (free_port(), free_port()))
        except RuntimeError as e:  # noqa: PERF203 - a bounded retry, not a hot loop
            error = e
    assert error is not None
    raise error


def _start_once(app: str, env: Mapping[str, str], log: Path, ports: tuple[int, int]) -> RunningApp:
    http_port, https_port = ports
    full_env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", "/tmp"),
        "HTTP_PORT": str(http_port),
        "HTTPS_PORT": str(https_port),
        **env,
    }
    out = log.open("wb")
    proc = subprocess.Popen(["node", str(APPS / app / "server.js")], cwd=APPS / app, env=full_env, stdout=out, stderr=subprocess.STDOUT)
    out.close()
    running = RunningApp(proc, http_port, https_port, log)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{app} exited with {proc.returncode}: {log.read_text(errors='replace')[-2000:]}")
        if _answers(http_port) and _answers(https_port):
            return running
        time.sleep(0.1)
    running.stop()
    raise RuntimeError(f"{app} did not start within {START_TIMEOUT}s: {log.read_text(errors='replace')[-2000:]}")
