from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dbkit import Databases, execute, rows, store_url
from docket.cli import app

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "reports"
COMMANDS = ["setup", "ingest", "incidents", "show", "documents", "export", "verify"]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory, databases: Databases) -> Iterator[tuple[Path, str | None]]:
    data = tmp_path_factory.mktemp("cli") / "data"
    url = databases.create()  # None on SQLite: the store's own file
    result = CliRunner().invoke(app, ["--data-dir", str(data), "ingest", str(EXAMPLES)], env={"DOCKET_DATABASE_URL": url})
    assert result.exit_code == 0, result.output
    yield data, url
    databases.drop(url)


@pytest.fixture
def data(
    ingested: tuple[Path, str | None], tmp_path: Path, new_database: Callable, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A private copy of the examples' store (ingesting once per module keeps the suite fast)."""
    path, url = ingested
    if url:
        monkeypatch.setenv("DOCKET_DATABASE_URL", new_database(template=url))
    return Path(shutil.copytree(path, tmp_path / "data"))


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(runner, command):
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0 and "Usage" in result.output


def test_missing_path_is_a_one_line_error_without_traceback(runner, tmp_path):
    result = runner.invoke(app, ["--data-dir", str(tmp_path / "d"), "ingest", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert "error:" in result.output and "nowhere" in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1


def test_unknown_incident_is_a_user_error(runner, data):
    result = runner.invoke(app, ["--data-dir", str(data), "show", "inc_nope"])
    assert result.exit_code == 2 and "no incident inc_nope" in result.output


def test_ingest_twice_says_skipped(runner, data):
    result = runner.invoke(app, ["--data-dir", str(data), "ingest", str(EXAMPLES)])
    assert result.exit_code == 0
    assert "10 skipped" in result.output and "same bytes as kopeysk-verbovka.html" in result.output


def test_documents_lists_every_example_and_failed_filter(runner, data, tmp_path):
    result = runner.invoke(app, ["--data-dir", str(data), "documents"], terminal_width=250)
    assert result.exit_code == 0
    names = [p.name for p in EXAMPLES.iterdir() if not p.name.endswith(".meta.json")]
    assert all(n in result.output for n in names)
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 nothing")
    runner.invoke(app, ["--data-dir", str(data), "ingest", str(tmp_path / "broken.pdf")])
    failed = runner.invoke(app, ["--data-dir", str(data), "documents", "--failed"], terminal_width=200)
    assert "broken.pdf" in failed.output and "kopeysk" not in failed.output and "1 documents" in failed.output


def test_export_writes_jsonl_and_csv_and_logs_custody(runner, data, tmp_path):
    out = tmp_path / "register.jsonl"
    result = runner.invoke(app, ["--data-dir", str(data), "export", "--format", "jsonl", "-o", str(out)])
    assert result.exit_code == 0, result.output
    for line in out.read_text(encoding="utf-8").splitlines():
        assert json.loads(line)["sources"]
    csv_out = tmp_path / "register.csv"
    assert runner.invoke(app, ["--data-dir", str(data), "export", "--format", "csv", "-o", str(csv_out)]).exit_code == 0
    assert csv_out.read_text(encoding="utf-8").startswith("id,types,")
    exports = rows(store_url(data), "SELECT object_id FROM custody WHERE action = 'export' ORDER BY seq")
    assert exports == [("jsonl:register.jsonl",), ("csv:register.csv",)]
    bad = runner.invoke(app, ["--data-dir", str(data), "export", "--format", "xml"])
    assert bad.exit_code != 0


def test_verify_exits_1_and_names_the_problem(runner, data):
    assert runner.invoke(app, ["--data-dir", str(data), "verify"]).exit_code == 0
    execute(store_url(data), "UPDATE custody SET action = 'forged' WHERE seq = 1")
    result = runner.invoke(app, ["--data-dir", str(data), "verify"], terminal_width=200)
    assert result.exit_code == 1 and "entry #1" in result.output


def test_incidents_and_show(runner, data):
    result = runner.invoke(app, ["--data-dir", str(data), "incidents"], terminal_width=250)
    assert result.exit_code == 0 and "incidents" in result.output
    row = next(iter(rows(store_url(data), "SELECT id FROM incidents ORDER BY id LIMIT 1")), None)
    if row is None:
        pytest.skip("the extractor found no incident in the examples")
    shown = runner.invoke(app, ["--data-dir", str(data), "show", row[0]], terminal_width=250)
    assert shown.exit_code == 0 and row[0] in shown.output and "origin:" in shown.output and "\u201c" in shown.output
    none = runner.invoke(app, ["--data-dir", str(data), "incidents", "--country", "ZZ"], terminal_width=250)
    assert "0 incidents" in none.output
