"""Security checks: secrets stay out of output, hostile text cannot inject HTML or break JSON, and
the documented webhook signature check rejects a modified body."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from akimwatch.cli import cli
from notify.channels.webhook import encode, signature
from notify.document import sample
from notify.render import render

ROOT = Path(__file__).resolve().parents[2]
SECRET = "s3cr3t-Pa55w0rd-XYZ"
HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'&\u2028\u0000}{"


def _verify_from_docs() -> Any:
    """The ``verify`` function exactly as docs/webhook.md prints it."""
    text = (ROOT / "docs" / "webhook.md").read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```python\n(.*?)```", text, re.S) if "def verify" in b)
    namespace: dict[str, Any] = {}
    exec(block, namespace)
    return namespace["verify"]


def test_config_output_and_errors_hide_secrets(tmp_path: Path) -> None:
    config = tmp_path / "akimwatch.toml"
    config.write_text(
        f'[database]\nurl = "postgresql+psycopg://aw:{SECRET}@127.0.0.1:1/aw"\n'
        '[[channels]]\nname = "hook"\nkind = "webhook"\nurl = "http://127.0.0.1:9/h"\n'
        'secret_env = "AW_TEST_SECRET"\n',
        encoding="utf-8",
    )
    runner = CliRunner()
    env = {"AW_TEST_SECRET": SECRET, "AKIMWATCH_CONFIG": str(config)}
    shown = runner.invoke(cli, ["config"], env=env)
    assert shown.exit_code == 0, shown.output
    failed = runner.invoke(cli, ["notify"], env=env)
    assert failed.exit_code != 0
    for result in (shown, failed):
        text = result.output + repr(result.exception) + str(result.exception or "")
        assert SECRET not in text


def test_hostile_text_cannot_inject_html_or_break_json() -> None:
    document = sample("test:security")
    blob = json.dumps(document)
    title = f'"title": {json.dumps(HOSTILE)}'
    hostile = json.loads(re.sub(r'"title": "[^"]*"', lambda _: title, blob))
    assert repr(HOSTILE)[1:-1] in repr(hostile)
    subject, _plain, html = render(hostile, "ru")
    assert "<script>" not in html and "<img src=x" not in html
    assert "\n" not in subject and "\r" not in subject
    body = encode(hostile)
    assert json.loads(body) == hostile


def test_documented_signature_check_rejects_a_modified_body() -> None:
    verify = _verify_from_docs()
    body = encode(sample("test:sig"))
    stamp = str(int(time.time()))
    headers = {"X-Akimwatch-Timestamp": stamp, "X-Akimwatch-Signature": signature("k", stamp, body)}
    assert verify("k", headers, body)
    assert not verify("k", headers, body.replace(b"{", b"{ ", 1))
    assert not verify("other", headers, body)
