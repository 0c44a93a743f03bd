r"""Every code block of the docs and of every README is checked, and no block is skipped.

The pages are ``README.md``, ``adapters/*/README.md``, ``plugins/*/README.md``,
``docs/**/*.md`` and ``CHANGELOG.md`` (which the site includes). Each page gets a fresh
temporary folder, and its fenced blocks are taken in order, by their fence language:

``python``
    A block whose first line is ``# file: <relative path>`` is written to that path in the
    page's folder, not run. Every other block is executed, in order, in one namespace for the
    whole page, with the page's folder as the working directory and on ``sys.path``, and
    ``SMS_DATABASE_URL`` / ``SMS_FAKE_STATE`` pointing at files in it.
``toml``
    ``# file: <relative path>`` writes it like a python file; any other block must parse.
``json``
    Must parse as one or more JSON values, one after the other.
``console``, ``bash``, ``sh``, ``shell``
    Commands (a ``$ `` prompt is dropped; in a block that uses prompts, the other lines are
    output and not checked; ``\`` continues a line, ``#`` starts a comment, ``&&`` ``;``
    ``|`` separate commands). Each command is checked by the program it calls:

    * ``smsadmin``: in a ``console`` block it is **run** in a subprocess in the page's folder
      (same database and sandbox as the python blocks) and must exit 0; in ``bash``/``sh``
      blocks, which show commands whose state the page does not build (the reader's own
      account, a public server, carrier credentials), it is **parsed** by the real command
      tree: every command, option and argument must exist and fit.
    * ``pip install``: what it names must exist here (a requirements file, a folder with a
      ``pyproject.toml``, one of the six distributions' names, extras those declare).
    * ``tox``: every ``-e`` environment must be defined in ``tox.ini``.
    * ``python``/``python3``: ``-m venv`` or a script that exists in the repository.
    * ``. x/bin/activate``, ``export NAME=...``: accepted as they are.
    * a path (``.ci/start-postgres``): an executable file in the repository.
    * :data:`EXTERNAL_PROGRAMS` (another vendor's tool, documented by its vendor): accepted.

    Anything else fails, naming the program.
``text``
    Output, layouts and diagrams: not checked. This is the only way to mark a block as not
    code; a fence with no language or another one fails the test and says so.

After the page's blocks, every written file named ``test_*.py`` is run with pytest in a
subprocess (cwd the page's folder) and must pass with nothing skipped.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import shlex
import subprocess
import sys
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs
import pytest
import typer
from typer.core import TyperGroup

ROOT = Path(__file__).parent.parent
PAGES = sorted(
    [
        ROOT / "README.md",
        ROOT / "CHANGELOG.md",  # the docs site includes it
        *ROOT.glob("adapters/*/README.md"),
        *ROOT.glob("plugins/*/README.md"),
        *(page for page in ROOT.glob("docs/**/*.md") if "_hooks" not in page.parts),
    ]
)
DISTRIBUTION_FOLDERS = (
    ".",
    "adapters/fake",
    "adapters/twilio",
    "adapters/telnyx",
    "plugins/hcm_widget",
    "plugins/ats_seats",
)
SHELL = frozenset({"console", "bash", "sh", "shell"})
KNOWN = frozenset({"python", "toml", "json", "text", *SHELL})
#: Other vendors' command-line tools a page may show, with why they are not checked here.
EXTERNAL_PROGRAMS: Mapping[str, str] = {
    "twilio": "the Twilio CLI, documented by Twilio; it talks to a live Twilio account",
}
#: Pages whose blocks another change of issue 12 rewrites (the hosts' "Other settings" blocks
#: use an activity sink they never define, beside the load_entry_points=False advice that
#: change replaces). Strict: the test fails as soon as a page passes, so the entry goes then.
PENDING: Mapping[str, str] = {}
ENV_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=.*")
FILE_MARKER = re.compile(r"#\s*file:\s*(?P<path>\S+)\s*$")
FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
COMMAND_TIMEOUT = 300
#: click's ``UsageError`` (no such option, extra argument), which Typer vendors unexported.
USAGE_ERROR: type[Exception] = typer.BadParameter.__mro__[1]


@attrs.frozen(kw_only=True)
class Block:
    """One fenced code block of a page."""

    page: Path
    line: int
    language: str
    code: str

    @property
    def where(self) -> str:
        """``path:line`` of the block's opening fence, for messages."""
        page = self.page.relative_to(ROOT) if self.page.is_relative_to(ROOT) else self.page.name
        return f"{page}:{self.line}"

    @property
    def file_path(self) -> str | None:
        """The relative path a ``# file:`` block is written to, else ``None``."""
        first = self.code.split("\n", 1)[0]
        match = FILE_MARKER.fullmatch(first.strip())
        return match["path"] if match else None


def blocks(page: Path) -> list[Block]:
    """The page's fenced blocks, in order (a fence's info string starts with the language)."""
    found: list[Block] = []
    lines = page.read_text(encoding="utf-8").splitlines()
    index = 0
    while index < len(lines):
        opening = FENCE.match(lines[index])
        if opening is None:
            index += 1
            continue
        indent, fence = opening["indent"], opening["fence"]
        language = opening["info"].strip().split(" ", 1)[0].split("{", 1)[0]
        body: list[str] = []
        end = index + 1
        while end < len(lines) and not re.fullmatch(
            rf"[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*", lines[end]
        ):
            body.append(lines[end].removeprefix(indent))
            end += 1
        found.append(Block(page=page, line=index + 1, language=language, code="\n".join(body)))
        index = end + 1
    return found


def _destination(folder: Path, relative: str, block: Block) -> Path:
    target = (folder / relative).resolve()
    if not target.is_relative_to(folder.resolve()):
        pytest.fail(f"{block.where}: '# file: {relative}' leaves the page's folder")
    return target


# -- shell commands ------------------------------------------------------------------------------


def commands(block: Block) -> Iterator[list[str]]:
    """The commands of a shell block, each as its words."""
    lines = block.code.splitlines()
    prompted = any(line.lstrip().startswith("$ ") for line in lines)
    joined: list[str] = []
    for raw in lines:
        line = raw.strip()
        if prompted:
            if joined and joined[-1].endswith("\\"):
                joined[-1] = joined[-1][:-1] + " " + line
                continue
            if not line.startswith("$ "):
                continue  # output
            line = line[2:]
        elif joined and joined[-1].endswith("\\"):
            joined[-1] = joined[-1][:-1] + " " + line
            continue
        joined.append(line)
    for line in joined:
        lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|")
        lexer.whitespace_split = True
        lexer.commenters = "#"
        command: list[str] = []
        for word in lexer:
            if word in {";", "&&", "||", "|", "&"}:
                if command:
                    yield command
                command = []
            else:
                command.append(word)
        if command:
            yield command


def _check_pip(words: list[str], block: Block) -> None:
    if words[:1] != ["install"]:
        pytest.fail(f"{block.where}: only 'pip install' is checked, not {shlex.join(words)!r}")
    names: dict[str, set[str]] = {}
    for folder in DISTRIBUTION_FOLDERS:
        with (ROOT / folder / "pyproject.toml").open("rb") as file:
            project = tomllib.load(file)["project"]
        names[project["name"]] = set(project.get("optional-dependencies", {}))
    arguments = iter(words[1:])
    for word in arguments:
        if word in {"-r", "--requirement"}:
            requirement = next(arguments, "")
            assert (ROOT / requirement).is_file(), f"{block.where}: no file {requirement!r}"
        elif word in {"-e", "--editable"}:
            _check_pip_target(next(arguments, ""), names, block)
        elif word.startswith("-"):
            continue  # -q, --upgrade: how pip installs, not what
        else:
            _check_pip_target(word, names, block)


def _check_pip_target(word: str, names: Mapping[str, set[str]], block: Block) -> None:
    match = re.fullmatch(r"(?P<target>[^\[\]]+)(\[(?P<extras>[^\]]*)\])?", word)
    assert match, f"{block.where}: cannot read the pip target {word!r}"
    target, extras = match["target"], {e for e in (match["extras"] or "").split(",") if e}
    if target.startswith(".") or "/" in target:
        pyproject = ROOT / target / "pyproject.toml"
        assert pyproject.is_file(), f"{block.where}: {target!r} is no folder with a pyproject"
        with pyproject.open("rb") as file:
            declared = set(tomllib.load(file)["project"].get("optional-dependencies", {}))
    else:
        assert target in names, f"{block.where}: {target!r} is none of {sorted(names)}"
        declared = names[target]
    assert extras <= declared, f"{block.where}: {word!r} names extras {extras - declared}"


def _check_tox(words: list[str], block: Block) -> None:
    defined = set(re.findall(r"^\[testenv:([^\]]+)\]", (ROOT / "tox.ini").read_text(), re.M))
    arguments = iter(words)
    for word in arguments:
        if word == "-e":
            wanted = set(next(arguments, "").split(","))
            assert wanted <= defined, f"{block.where}: no tox env {wanted - defined} in tox.ini"


def _check_python(words: list[str], block: Block) -> None:
    if words[:2] == ["-m", "venv"]:
        return
    assert words, f"{block.where}: a bare python command"
    script = ROOT / words[0]
    assert script.suffix == ".py", f"{block.where}: only python -m venv or a script is checked"
    assert script.is_file(), f"{block.where}: no script {words[0]!r} in the repository"


def parse_smsadmin(arguments: list[str]) -> None:
    """Parse ``smsadmin`` arguments with the real command tree, running nothing.

    Every command and option must exist, every option get its value and every argument its
    place; the values are not converted, since they name the reader's world (a form file, an
    account), so click's parser runs without the conversion step of a real invocation.

    Raises:
        AssertionError: When a command does not exist or arguments are left over.
        USAGE_ERROR: When an option does not exist or lacks its value.
    """
    from sms_core.cli import app  # noqa: PLC0415 - loads every plugin's command group

    command: Any = typer.main.get_command(app)
    path = ["smsadmin"]
    rest = list(arguments)
    context = typer.Context(command, info_name="smsadmin")
    while True:
        _, rest, _ = command.make_parser(context).parse_args(rest)
        if not isinstance(command, TyperGroup):
            break
        if not rest and ("--help" in arguments or command.invoke_without_command):
            return
        assert rest, f"{' '.join(path)} needs a command"
        sub = command.get_command(context, rest[0])
        assert sub is not None, f"No such command {rest[0]!r} in {' '.join(path)}"
        path.append(rest[0])
        command, rest = sub, rest[1:]
        context = typer.Context(command, info_name=path[-1], parent=context)
    assert not rest, f"{' '.join(path)} got unexpected extra arguments {rest}"


def _check_smsadmin(
    words: list[str], block: Block, folder: Path, environ: Mapping[str, str]
) -> None:
    if block.language != "console":
        try:
            parse_smsadmin(words)
        except (AssertionError, USAGE_ERROR) as err:
            pytest.fail(f"{block.where}: smsadmin {shlex.join(words)}: {err}")
        return
    result = subprocess.run(
        [sys.executable, "-c", "from sms_core.cli import main; main()", *words],
        cwd=folder,
        env={**environ, "COLUMNS": "100"},
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
        check=False,
    )
    assert 0 == result.returncode, (
        f"{block.where}: smsadmin {shlex.join(words)} exited {result.returncode}:\n"
        f"{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
    )


def check_shell(block: Block, folder: Path, environ: Mapping[str, str]) -> None:
    """Check every command of a shell block by the program it calls."""
    for command in commands(block):
        # NAME=value before a command sets its environment.
        words = list(itertools.dropwhile(lambda w: bool(ENV_ASSIGNMENT.fullmatch(w)), command))
        if not words:
            continue
        program, arguments = words[0], words[1:]
        if program == "smsadmin":
            _check_smsadmin(arguments, block, folder, environ)
        elif program == "pip":
            _check_pip(arguments, block)
        elif program == "tox":
            _check_tox(arguments, block)
        elif program in {"python", "python3"}:
            _check_python(arguments, block)
        elif program in {".", "source"}:
            assert arguments[:1], f"{block.where}: {program} of what?"
            assert arguments[0].endswith("bin/activate"), f"{block.where}: only a venv's activate"
        elif program == "export":
            assert all("=" in word for word in arguments), f"{block.where}: export NAME=value"
        elif program in EXTERNAL_PROGRAMS:
            continue
        elif "/" in program:
            script = ROOT / program
            assert script.is_file(), f"{block.where}: no {program!r} in the repository"
            assert os.access(script, os.X_OK), f"{block.where}: {program!r} is not executable"
        else:
            pytest.fail(
                f"{block.where}: no check for the program {program!r}; add one to "
                f"tests/test_docs_examples.py (or EXTERNAL_PROGRAMS for another vendor's tool)"
            )


# -- pages ---------------------------------------------------------------------------------------


def _run_tests(written: list[Path], folder: Path, environ: Mapping[str, str]) -> None:
    for test_file in (path for path in written if re.fullmatch(r"test_.*\.py", path.name)):
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rA", str(test_file)],
            cwd=folder,
            env=environ,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )
        report = result.stdout[-4000:] + result.stderr[-2000:]
        assert 0 == result.returncode, f"{test_file.name} failed:\n{report}"
        summary = result.stdout.strip().splitlines()[-1]
        for outcome in ("skipped", "xfailed", "xpassed", "deselected"):
            assert outcome not in summary, f"{test_file.name}: {summary}"


def check_page(page: Path, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Check every block of ``page``, in order, in ``folder``."""
    monkeypatch.chdir(folder)
    monkeypatch.syspath_prepend(str(folder))
    monkeypatch.setenv("SMS_DATABASE_URL", f"sqlite:///{folder / 'smsadmin.sqlite3'}")
    monkeypatch.setenv("SMS_FAKE_STATE", str(folder / "sandbox-carrier.sqlite3"))
    python_path = os.pathsep.join([str(folder), *filter(None, [os.environ.get("PYTHONPATH")])])
    monkeypatch.setenv("PYTHONPATH", python_path)
    environ = dict(os.environ)
    namespace: dict[str, object] = {"__name__": "__docs_example__"}
    written: list[Path] = []
    modules_before = set(sys.modules)
    try:
        for block in blocks(page):
            if block.language not in KNOWN:
                pytest.fail(
                    f"{block.where}: a ```{block.language} block is not checked; mark it "
                    f"```text if it is output or a diagram, or use one of {sorted(KNOWN)} "
                    "(tests/test_docs_examples.py says how each is checked)"
                )
            relative = block.file_path
            if block.language in {"python", "toml"} and relative is not None:
                target = _destination(folder, relative, block)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(block.code.split("\n", 1)[1] + "\n", encoding="utf-8")
                written.append(target)
            elif block.language == "python":
                code = compile(block.code, block.where, "exec")
                exec(code, namespace)  # running our own documentation
            elif block.language == "toml":
                tomllib.loads(block.code)
            elif block.language == "json":
                decoder, text, position = json.JSONDecoder(), block.code.strip(), 0
                while position < len(text):
                    _, position = decoder.raw_decode(text, position)
                    position = len(text) - len(text[position:].lstrip())
            elif block.language in SHELL:
                check_shell(block, folder, environ)
        _run_tests(written, folder, environ)
    finally:
        # Modules the page wrote must not leak into the next page under the same name.
        for name in set(sys.modules) - modules_before:
            origin = getattr(sys.modules[name], "__file__", None) or ""
            if origin.startswith(str(folder)):
                del sys.modules[name]


def _page_param(page: Path) -> Any:
    name = str(page.relative_to(ROOT))
    pending = [
        pytest.mark.xfail(raises=NameError, strict=True, reason=PENDING[name])
        for _ in [name]
        if name in PENDING
    ]
    return pytest.param(page, id=name, marks=pending)


PAGE_PARAMS = [_page_param(page) for page in PAGES]


class TestDocsExamples:
    """The pages' code blocks, checked as the module docstring says."""

    def test_every_readme_and_docs_page_is_covered(self) -> None:
        """The README of every distribution and the docs pages are among the pages."""
        readmes = {ROOT / folder / "README.md" for folder in DISTRIBUTION_FOLDERS}
        assert readmes <= set(PAGES)
        assert (ROOT / "docs" / "index.md") in PAGES

    @pytest.mark.parametrize("page", PAGE_PARAMS)
    def test_page(self, page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """Every block of the page runs, is written, parses or names what exists."""
        check_page(page, tmp_path, monkeypatch)


class TestTheChecker:
    """The checker itself refuses what it must: each case would pass a checker that skips."""

    def _page(self, tmp_path: Path, text: str) -> Path:
        page = tmp_path / "page.md"
        page.write_text(text, encoding="utf-8")
        return page

    def _check(self, tmp_path: Path, text: str, monkeypatch: pytest.MonkeyPatch) -> None:
        folder = tmp_path / "work"
        folder.mkdir()
        page = self._page(tmp_path, text)
        check_page(page, folder, monkeypatch)

    @pytest.mark.parametrize(
        ("text", "reason"),
        [
            ("```\nplain\n```\n", "mark it ```text"),
            ("```yaml\na: 1\n```\n", "```yaml block is not checked"),
            ("```python\nraise ValueError('boom')\n```\n", "boom"),
            (
                "```python\nx = 1\n```\n\n```python\nassert x == 1\nassert x == 2, 'x is 1'\n```\n",
                "x is 1",
            ),
            ('```json\n{"a": 1,}\n```\n', "Expecting property name"),
            ("```toml\na = \n```\n", "Invalid value"),
            ("```bash\nsmsadmin numbers serch --area-code 415\n```\n", "No such command"),
            ("```bash\nsmsadmin numbers search --area 415\n```\n", "No such option"),
            ("```console\n$ smsadmin --account nobody numbers list\n```\n", "exited 1"),
            ("```bash\npip install sms-core-nope\n```\n", "'sms-core-nope' is none of"),
            ("```bash\npip install -e .[nope]\n```\n", "names extras"),
            ("```bash\ntox -e nope\n```\n", "no tox env"),
            ("```bash\nmake docs\n```\n", "no check for the program 'make'"),
            (
                "```python\n# file: test_it.py\ndef test_it():\n    assert False\n```\n",
                "test_it.py failed",
            ),
            (
                "```python\n# file: test_it.py\nimport pytest\n"
                "def test_it():\n    pytest.skip('later')\n```\n",
                "skipped",
            ),
        ],
        ids=[
            "no-language",
            "unknown-language",
            "python-raises",
            "python-namespace-in-order",
            "json",
            "toml",
            "smsadmin-command",
            "smsadmin-option",
            "smsadmin-run",
            "pip-name",
            "pip-extra",
            "tox-env",
            "unknown-program",
            "test-file-fails",
            "test-file-skips",
        ],
    )
    def test_refuses(
        self, text: str, reason: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A broken block fails the page, for its own reason."""
        with pytest.raises(
            (AssertionError, ValueError, pytest.fail.Exception), match=re.escape(reason)
        ):
            self._check(tmp_path, text, monkeypatch)

    def test_accepts(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """Written files are importable by later blocks, and a passing test file passes."""
        self._check(
            tmp_path,
            "```python\n# file: pkg_x/__init__.py\nVALUE = 3\n```\n"
            "```toml\n# file: pyproject.toml\n[project]\nname = 'x'\n```\n"
            "```python\nimport pkg_x\nassert pkg_x.VALUE == 3\n```\n"
            "```python\n# file: test_x.py\nimport pkg_x\ndef test_x():\n"
            "    assert pkg_x.VALUE == 3\n```\n"
            "```console\n$ smsadmin --help\nUsage: ...\n```\n"
            "```bash\nsmsadmin --account acme --as dana numbers search --area-code 415 \\\n"
            "    --limit 3  # a comment\npip install -r requirements-dev.txt\n"
            "tox -e docs,lint\n```\n"
            "```text\nanything\n```\n",
            monkeypatch,
        )
