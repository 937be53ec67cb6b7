"""The repository keeps its promises: the README quick start and .ci/run agree; schemas load."""

from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path

import pytest

from dedup.schema import fingerprint, parse_type, schema

REPO = Path(__file__).resolve().parents[1]


def quick_start_commands() -> list[str]:
    readme = (REPO / "README.md").read_text("utf-8")
    section = readme.split("## Quick start", 1)[1]
    block = re.search(r"```\n(.*?)```", section, re.S).group(1)
    return [line.strip() for line in block.splitlines() if line.strip()]


def test_quick_start_is_two_commands_and_ci_runs_them():
    commands = quick_start_commands()
    assert len(commands) == 2
    # the first installs the tool alone and builds the sample; the second adds the test stack and tests
    assert "'.[test]'" not in commands[0] and "dedup build" in commands[0]
    assert "'.[test]'" in commands[1] and "pytest" in commands[1]
    ci_lines = [l.strip() for l in (REPO / ".ci" / "run").read_text("utf-8").splitlines()]
    for command in commands:
        assert command in ci_lines, f"{command!r} is in the README quick start but not in .ci/run"


def test_ci_runs_the_tests_a_plain_pytest_leaves_out():
    """The quick start's `pytest` deselects the slow set (pyproject addopts): CI must run it as well."""
    ini = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["tool"]["pytest"]["ini_options"]
    args = shlex.split(ini.get("addopts", ""))
    marks = [args[i + 1] for i, a in enumerate(args[:-1]) if a == "-m"]
    ci_lines = [l.strip() for l in (REPO / ".ci" / "run").read_text("utf-8").splitlines()]
    if marks:
        assert marks == ["not slow"], f"addopts selects {marks}: CI's second run must cover the rest"
        assert "python3 -m pytest -m slow" in ci_lines
    assert any(m.startswith("slow:") for m in ini["markers"])


def test_no_absolute_machine_paths_in_tracked_text():
    bad = re.compile(r"/(work|root|home)/[A-Za-z]")
    for path in list((REPO / "dedup").rglob("*.py")) + list((REPO / "docs").rglob("*.md")) + [REPO / "README.md"]:
        assert not bad.search(path.read_text("utf-8")), path


@pytest.mark.parametrize("name", ["raw", "docs", "documents", "duplicates", "rejects"])
def test_schemas_load(name):
    sch = schema(name)
    assert sch.field("doc_id").nullable is False
    assert len(fingerprint(sch)) == 16


def test_parse_type_nested():
    t = parse_type("list<struct<kind: string, value: string, confidence: float64>>")
    assert str(t) == "list<item: struct<kind: string, value: string, confidence: double>>"
    with pytest.raises(ValueError):
        parse_type("decimal")


def test_readme_usage_names_every_option_of_every_command():
    """The README's usage block is where a user looks for the options: it left out --progress/--no-progress,
    --resume/--fresh (which the exit-code table tells the user to pass) and --dashboard."""
    import typer

    from dedup.cli import app

    readme = (REPO / "README.md").read_text("utf-8")
    block = re.search(r"```\n(dedup build .*?)```", readme, re.S).group(1)
    lines = {}
    for line in block.splitlines():
        if line.startswith("dedup "):
            current = line.split()[1]
        lines[current] = lines.get(current, "") + " " + line
    group = typer.main.get_command(app)
    missing = []
    for name, command in group.commands.items():
        for param in command.params:
            if getattr(param, "param_type_name", "") != "option" or "--help" in param.opts:
                continue
            names = [o for o in [*param.opts, *param.secondary_opts] if o.startswith("--")]
            missing += [f"{name} {o}" for o in names if not re.search(re.escape(o) + r"(?![\w-])", lines.get(name, ""))]
    assert not missing, missing
