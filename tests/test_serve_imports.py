"""The serve extra stays out of `import cfgtool`, `cfgtool lint` and `cfgtool --help`."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO

HEAVY = ("aiohttp", "tftpy", "pyftpdlib", "bcrypt")


def imported_after(code: str) -> set[str]:
    probe = f"import sys\n{code}\nprint(' '.join(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, cwd=REPO
    )
    return set(done.stdout.split())


def test_import_cfgtool_loads_no_server() -> None:
    modules = imported_after("import cfgtool")
    assert not [m for m in modules if m.startswith(("cfgtool.server", *HEAVY))]


def test_cfgtool_lint_loads_no_server() -> None:
    code = (
        "from cfgtool.cli import main\n"
        "try:\n    main(['lint', 'examples/y000000000028.cfg'])\nexcept SystemExit:\n    pass"
    )
    modules = imported_after(code)
    assert "cfgtool.linting.engine" in modules
    assert not [m for m in modules if m.startswith(("cfgtool.server", *HEAVY))]


def test_help_and_the_serve_module_load_no_third_party_server() -> None:
    code = (
        "from cfgtool.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "import cfgtool.cli.serve, cfgtool.cli.passwd"
    )
    modules = imported_after(code)
    assert "cfgtool.server.app" in modules
    assert not [m for m in modules if m.startswith(HEAVY)]
