"""Playwright on Debian's Chromium (never a downloaded browser), with the network blocked."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

from serverkit import wait_until_answering

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
TOKEN = "tftrace-test-token"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-dev-shm-usage"]


def launch(pw):
    assert os.path.exists(CHROMIUM), "Chromium missing: `make test` installs Debian's chromium"
    return pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)


class Page:
    """A page whose requests other than file://, data:, blob: (and allowed loopback ports) are
    aborted and logged, with console errors and page errors collected."""

    def __init__(self, browser, allow_hosts=()):
        self.context = browser.new_context(viewport={"width": 1400, "height": 900})
        self.page = self.context.new_page()
        self.blocked: list[str] = []
        self.blocked_from_srcdoc: list[str] = []  # requests made inside <iframe srcdoc> (our reports)
        self.errors: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

        def route(r):
            url = urlparse(r.request.url)
            if url.scheme in ("file", "data", "blob") or (url.hostname in ("127.0.0.1", "localhost")
                                                          and url.port in allow_hosts):
                return r.continue_()
            self.blocked.append(r.request.url)
            try:
                if r.request.frame.url == "about:srcdoc":
                    self.blocked_from_srcdoc.append(r.request.url)
            except Exception:  # requests without a frame (workers)
                pass
            return r.abort()

        self.context.route("**/*", route)

    def close(self):
        self.context.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    """A JupyterLab server on loopback (its own config dir and TFTRACE_HOME), stopped by ``stop``."""

    def __init__(self, root: Path, home: Path, *extra: str):
        self.port = free_port()
        env = dict(os.environ, TFTRACE_HOME=str(home), TF_CPP_MIN_LOG_LEVEL="2",
                   JUPYTER_CONFIG_DIR=str(root.parent / "jupyter-config"))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={self.port}",
             f"--ServerApp.token={TOKEN}", "--ServerApp.password=", f"--ServerApp.root_dir={root}",
             "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", "--ServerApp.allow_root=True",
             *extra],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        wait_until_answering(lambda: self.api("status"), self.stop, "JupyterLab")

    def api(self, path: str, method: str = "GET", prefix: str = "api", token: bool = True, timeout: float = 10):
        sep = "&" if "?" in path else "?"
        query = f"{sep}token={TOKEN}" if token else ""
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/{prefix}/{path}{query}", method=method)
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
            return json.loads(body) if body else None

    def url(self, notebook: str) -> str:
        return f"http://127.0.0.1:{self.port}/lab/tree/{notebook}?token={TOKEN}"

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
