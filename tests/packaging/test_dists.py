"""What the wheel and the sdist hold: the built front-end (both), the lab extension once,
JupyterLab's install.json and server config, and dependencies without TensorFlow or Jupyter.

GIVEN ``python -m build`` of the checkout with npm out of reach (the wheel is built from
the sdist), THEN both carry the front-end ``make`` built, byte for byte.
"""

from __future__ import annotations

import json
from email.parser import Parser

import pytest

from distkit import LABEXTENSION, REPO

pytestmark = pytest.mark.packaging

DATA = "tftrace-0.1.0.data/data/"
SHARED_LABEXT = f"{DATA}share/jupyter/labextensions/{LABEXTENSION}/"
BUILT_LABEXT = REPO / "tftrace" / "labextension"


def built_labextension_files() -> set[str]:
    return {p.relative_to(BUILT_LABEXT).as_posix() for p in BUILT_LABEXT.rglob("*") if p.is_file()}


def metadata(dists):
    return Parser().parsestr(dists.wheel_text("tftrace-0.1.0.dist-info/METADATA"))


def test_wheel_ships_the_lab_extension_once_as_shared_data(dists):
    names = dists.wheel_names()
    assert not [n for n in names if n.startswith("tftrace/labextension/")]
    shipped = {n[len(SHARED_LABEXT):] for n in names if n.startswith(SHARED_LABEXT)}
    assert shipped == built_labextension_files() | {"install.json"}
    assert "package.json" in shipped
    assert any(n.startswith("static/remoteEntry.") for n in shipped)
    assert [n for n in names if "labextensions/" in n and not n.startswith(SHARED_LABEXT)] == []


def test_wheel_carries_the_views_bundle_built_by_make(dists):
    with open(REPO / "tftrace" / "static" / "tftrace.js", encoding="utf-8") as built:
        assert dists.wheel_text("tftrace/static/tftrace.js") == built.read()


def test_install_json_names_the_python_package(dists):
    text = dists.wheel_text(SHARED_LABEXT + "install.json")
    assert text == (REPO / "labextension" / "install.json").read_text(encoding="utf-8")
    install = json.loads(text)
    assert install["packageManager"] == "python"
    assert install["packageName"] == "tftrace"
    assert "uninstall" in install["uninstallInstructions"] and "tftrace" in install["uninstallInstructions"]


def test_server_config_enables_the_package_so_enable_disable_tftrace_work(dists):
    # `jupyter server extension disable tftrace` rewrites jupyter_server_config.d/tftrace.json
    # with the key "tftrace": the shipped file must be that one, with that key
    config = json.loads(dists.wheel_text(f"{DATA}etc/jupyter/jupyter_server_config.d/tftrace.json"))
    assert config == {"ServerApp": {"jpserver_extensions": {"tftrace": True}}}
    assert [n for n in dists.wheel_names() if n.startswith(f"{DATA}etc/")] == [
        f"{DATA}etc/jupyter/jupyter_server_config.d/tftrace.json"]


def test_dependencies_hold_neither_tensorflow_nor_jupyter(dists):
    meta = metadata(dists)
    required = sorted(r for r in meta.get_all("Requires-Dist") if "extra ==" not in r)
    assert required == ["numpy>=1.26", "orjson>=3.9", "protobuf>=5.26"]
    extras = set(meta.get_all("Provides-Extra"))
    assert {"jupyter", "stacks", "all", "test"} <= extras
    jupyter = {r.split(">=")[0] for r in meta.get_all("Requires-Dist") if "extra == 'jupyter'" in r}
    assert {"ipython", "jupyterlab"} <= jupyter and "tensorflow" not in jupyter


def test_jupyterlab_classifiers(dists):
    classifiers = set(metadata(dists).get_all("Classifier"))
    assert {"Framework :: Jupyter", "Framework :: Jupyter :: JupyterLab",
            "Framework :: Jupyter :: JupyterLab :: 4", "Framework :: Jupyter :: JupyterLab :: Extensions",
            "Framework :: Jupyter :: JupyterLab :: Extensions :: Prebuilt"} <= classifiers


def test_sdist_carries_the_built_front_end_and_its_sources(dists):
    names = set(dists.sdist_names())
    assert {f"tftrace/labextension/{n}" for n in built_labextension_files()} <= names
    assert "tftrace/static/tftrace.js" in names
    assert {"labextension/package.json", "labextension/package-lock.json", "labextension/install.json",
            "jupyter-config/jupyter_server_config.d/tftrace.json"} <= names
    assert not [n for n in names if "node_modules/" in n]


def test_wheel_was_built_from_the_sdist_with_npm_out_of_reach(dists):
    # distkit.build: PATH holds no npm; had hatch-jupyter-builder wanted to run it, the
    # build would have failed. `python -m build` makes the wheel from the unpacked sdist.
    assert "Building wheel from sdist" in dists.log
    assert dists.wheel.name == "tftrace-0.1.0-py3-none-any.whl"
