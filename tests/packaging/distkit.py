"""Build tftrace's wheel and sdist as a release would, and install them into fresh venvs.

The build runs with npm out of reach (``PATH`` holds no npm): the front-end built by
``make`` is reused (hatch-jupyter-builder's ``skip-if-exists``), and ``python -m build``
builds the wheel from the sdist, so a wheel that builds proves the sdist carries the
built front-end. The venvs have no system site packages; pip installs into them with
``requirements.lock`` as constraints (the versions CI installed already, from pip's cache),
without byte-compiling (quicker, and nothing here needs the .pyc files).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tarfile
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

from serverkit import wait_until_answering

REPO = Path(__file__).resolve().parents[2]
LOCK = REPO / "requirements.lock"
LABEXTENSION = "tftrace-labextension"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass
class Dists:
    wheel: Path
    sdist: Path
    log: str

    def wheel_names(self) -> list[str]:
        with zipfile.ZipFile(self.wheel) as z:
            return z.namelist()

    def wheel_text(self, name: str) -> str:
        with zipfile.ZipFile(self.wheel) as z:
            return z.read(name).decode()

    def sdist_names(self) -> list[str]:
        with tarfile.open(self.sdist) as t:
            return [name.split("/", 1)[1] for name in t.getnames() if "/" in name]

    def unpack_sdist(self, into: Path) -> Path:
        """The sdist's tree under INTO: the source the wheel was built from, frozen."""
        with tarfile.open(self.sdist) as t:
            t.extractall(into, filter="data")
        (top,) = into.iterdir()
        return top


def from_source(tree: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    """``python -m tftrace ARGS`` of this interpreter (the checkout's venv, every extra
    installed) on the tftrace package in TREE."""
    env = dict(os.environ, PYTHONPATH=str(tree))
    code = f"import sys, tftrace; assert tftrace.__file__.startswith({str(tree)!r}); sys.argv[0] = 'tftrace'; " \
           "from tftrace.cli import run; run()"
    return subprocess.run([sys.executable, "-c", code, *args], env=env, cwd=cwd, capture_output=True, text=True,
                          check=True)


def build(out: Path) -> Dists:
    """``python -m build`` of the checkout (sdist, then the wheel from that sdist), npm hidden."""
    no_npm = out / "bin"
    no_npm.mkdir(parents=True)
    env = {"HOME": os.environ.get("HOME", str(out)), "PATH": str(no_npm), "LANG": "C.UTF-8"}
    assert shutil.which("npm", path=env["PATH"]) is None
    done = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out / "dist"), str(REPO)],
                          env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    (wheel,) = (out / "dist").glob("tftrace-*.whl")
    (sdist,) = (out / "dist").glob("tftrace-*.tar.gz")
    return Dists(wheel, sdist, done.stdout + done.stderr)


class Venv:
    """A fresh virtualenv (no system site packages) and commands run with it first on PATH."""

    def __init__(self, path: Path, *requirements: str):
        self.path = path
        self.bin = path / "bin"
        subprocess.run([sys.executable, "-m", "venv", str(path)], check=True, capture_output=True)
        done = self.run("python", "-m", "pip", "install", "-q", "--no-compile", "-c", str(LOCK), *requirements)
        assert done.returncode == 0, done.stderr[-3000:]

    def env(self, **extra: str) -> dict:
        env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
        env.update(PATH=f"{self.bin}{os.pathsep}/usr/bin{os.pathsep}/bin", **extra)
        return env

    def run(self, command: str, *args: str, cwd: Path | None = None, **env: str) -> subprocess.CompletedProcess:
        """COMMAND from the venv's bin with ARGS; ANSI colours stripped from its output."""
        done = subprocess.run([str(self.bin / command), *args], capture_output=True, text=True,
                              cwd=cwd, env=self.env(**env), timeout=300)
        done.stdout, done.stderr = _ANSI.sub("", done.stdout), _ANSI.sub("", done.stderr)
        return done

    def installed(self) -> set[str]:
        """Names of the distributions installed in the venv (normalised, lower case)."""
        listed = json.loads(self.run("python", "-m", "pip", "list", "--format", "json").stdout)
        return {re.sub(r"[-_.]+", "-", d["name"]).lower() for d in listed}


class Server:
    """``jupyter server`` of VENV on loopback with a token, stopped by ``stop``."""

    TOKEN = "tftrace-packaging-test"

    def __init__(self, venv: Venv, root: Path, **env: str):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.proc = subprocess.Popen(
            [str(venv.bin / "jupyter"), "server", "--no-browser", "--ip=127.0.0.1", f"--port={self.port}",
             f"--ServerApp.token={self.TOKEN}", f"--ServerApp.root_dir={root}", "--ServerApp.allow_root=True"],
            env=venv.env(**env), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until_answering(lambda: self.get("api/status"), self.stop, "jupyter server")

    def get(self, path: str) -> tuple[int, bytes]:
        sep = "&" if "?" in path else "?"
        url = f"http://127.0.0.1:{self.port}/{path}{sep}token={self.TOKEN}"
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
