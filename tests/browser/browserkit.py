"""Playwright on Debian's Chromium (never a downloaded browser), with the network blocked."""

from __future__ import annotations

import os
import shutil
from urllib.parse import urlparse

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
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
