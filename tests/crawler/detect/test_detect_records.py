"""JSON-lines classification and the ``classify`` command: order, bad input, big input."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from akimwatch.commands.classify import classify
from detect import classify_lines, classify_record, detect

GOOD = {
    "id": "a1",
    "title": "Токаев принял акима Туркестанской области",
    "text": "Глава государства принял акима Туркестанской области Нуралхана Кушерова.",
    "published": "2025-03-03T10:00:00+05:00",
    "language": "ru",
}


def test_classify_record_output_shape() -> None:
    out = classify_record(GOOD)
    assert out["id"] == "a1" and out["relevant"] is True
    (meeting,) = out["meetings"]
    assert meeting["region"] == "Turkistan" and meeting["date"] == "2025-03-03"


def test_lines_keep_order_and_report_bad_lines() -> None:
    lines = [
        json.dumps(GOOD, ensure_ascii=False),
        "{not json",
        json.dumps({"id": "b", "title": "x"}),
        json.dumps({"id": "c", "text": 5}),
        json.dumps({"id": "d", "text": "ok", "published": "yesterday"}),
        json.dumps([1, 2]),
        json.dumps({"id": "e", "text": ""}),
    ]
    out = [json.loads(x) for x in classify_lines(lines)]
    assert [o.get("id") for o in out] == ["a1", None, "b", "c", "d", None, "e"]
    assert out[0]["relevant"] is True
    assert all("error" in o for o in out[1:6])
    assert out[6] == {"id": "e", "relevant": False, "meetings": []}


def test_html_mixed_scripts_and_huge_text() -> None:
    html = "<html><script>var a='<p>';</script><p>Глава государства <i>принял</i> акима"
    html += " Костанайской области.</p></html>"
    assert [m.region for m in detect("", html)] == ["Kostanay"]
    mixed = "Tokayev Тоқаев قاسىم 習近平 " * 1000
    assert detect(mixed, mixed) == []
    huge = ("Погода в регионах страны будет теплой, сообщили синоптики. " * 90_000)[:5_000_000]
    assert detect("Погода", huge) == []


def test_language_detected_when_missing() -> None:
    record = {
        "id": "k",
        "title": "",
        "text": "Memleket basshysy Pavlodar oblysynyń ákimin qabyldady. "
        "Toqaev ákimge tapsyrma berdi.",
    }
    assert classify_record(record)["meetings"][0]["region"] == "Pavlodar"


def test_cli_reads_file_and_stdin(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(GOOD, ensure_ascii=False) + "\n{bad\n", encoding="utf-8")
    result = CliRunner().invoke(classify, [str(path)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(x) for x in result.output.splitlines()]
    assert rows[0]["relevant"] is True and "error" in rows[1]
    result = CliRunner().invoke(classify, [], input=json.dumps(GOOD))
    assert json.loads(result.output)["id"] == "a1"
