"""A %%tftrace output's weight: the payload stored packed, the HTML fallback carrying the same
payload and the views compressed, with a static summary in front."""

from __future__ import annotations

import base64
import gzip
import html
import json
import re

import pytest

from tftrace import load, payload
from tftrace.assets import bundle_js
from tftrace.display import NOTEBOOK_LIMITS, ProfileDisplay, pack, unpack

HOSTILE = "<img src=x onerror=alert(1)>&</pre>"


@pytest.fixture(scope="module")
def shown(gpu_fixture):
    profile = load(gpu_fixture)
    profile.ops[0].name = HOSTILE
    return profile, ProfileDisplay(profile, run_id="r1")._repr_mimebundle_()


def srcdoc(bundle: dict) -> str:
    return html.unescape(re.search(r'srcdoc="([^"]*)"', bundle["text/html"]).group(1))


def inflate(text: str) -> str:
    return gzip.decompress(base64.b64decode(text)).decode("utf-8")


def test_pack_and_unpack_round_trip_and_plain_payloads_pass():
    data = {"schema": payload.SCHEMA, "names": ["ü", "<x>"], "n": [1, 2.5]}
    packed = pack(data)
    assert packed["schema"] == "tftrace.packed/1" and packed["encoding"] == "gzip+base64"
    assert unpack(packed) == data and unpack(data) is data
    assert pack(data) == packed  # deterministic: a re-run cell does not change the notebook


def test_the_stored_payload_is_the_bounded_notebook_payload(shown):
    profile, bundle = shown
    data = unpack(bundle[payload.MIME_TYPE])
    assert data["schema"] == payload.SCHEMA and data["charts"] == {}
    assert data["timeline"]["count"] == NOTEBOOK_LIMITS["max_events"]
    assert data["timeline"]["dropped"] == profile.event_count - NOTEBOOK_LIMITS["max_events"]
    assert data["strings"][data["ops"]["columns"]["name"][0]] == HOSTILE


def test_the_fallback_carries_the_same_payload_and_the_views_compressed(shown):
    _, bundle = shown
    page = srcdoc(bundle)
    scripts = dict(re.findall(r'<script type="application/octet-stream" id="([^"]+)">([^<]*)</script>', page))
    assert json.loads(inflate(scripts["tftrace-payload-gz"])) == unpack(bundle[payload.MIME_TYPE])
    assert inflate(scripts["tftrace-views-gz"]) == bundle_js()
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    # the page is a fraction of the inline report (bundle and payload as JSON, attribute-escaped)
    assert len(bundle["text/html"]) < 0.5 * (len(html.escape(bundle_js())) + len(html.escape(json.dumps(unpack(
        bundle[payload.MIME_TYPE])))))


def test_the_static_summary_is_the_text_output_escaped(shown):
    profile, bundle = shown
    page = srcdoc(bundle)
    root = re.search(r'<div id="tftrace-root">(.*?)</div><script', page, re.S).group(1)
    assert f"{profile.event_count:,} events" in root
    assert html.escape(HOSTILE) in root and HOSTILE not in root  # names are text, never markup
    assert html.unescape(re.search(r"<pre[^>]*>(.*)</pre>", root, re.S).group(1)) == bundle["text/plain"]
