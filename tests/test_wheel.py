"""The built wheel carries grammar/ and schemas/ and works from any directory (issue 2, point 1)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

from tests.conftest import REPO


def test_wheel_installs_and_runs_outside_the_checkout(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(dist),
            str(REPO),
        ],
        check=True,
    )
    [wheel] = dist.glob("cfgtool-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "cfgtool/grammar/cfg.lark" in names
    assert any(name.startswith("cfgtool/schemas/") for name in names)

    env_dir = tmp_path / "venv"
    # A PYTHONPATH naming a checkout (as a developer's shell may have) would put that
    # checkout's cfgtool before the wheel's: the venv's processes run without it.
    clean_env = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    # The dependencies come from the test environment itself, never from the base
    # interpreter's site-packages (which on a fresh machine has no lark): an isolated
    # venv, plus a .pth naming the running interpreter's own site directories. Paths
    # from a .pth come after the venv's site-packages, so cfgtool comes from the wheel.
    venv.EnvBuilder(system_site_packages=False, with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    env_site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    # Install the wheel before the .pth exists: with it, pip would see the test
    # environment's own cfgtool as already installed and skip the wheel.
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "-q",
            str(wheel),
        ],
        check=True,
    )
    test_env_paths = dict.fromkeys(sysconfig.get_paths()[name] for name in ("purelib", "platlib"))
    (env_site / "test_environment.pth").write_text("".join(f"{path}\n" for path in test_env_paths))
    base_site = {
        sysconfig.get_path(name, vars={"base": sys.base_prefix, "platbase": sys.base_prefix})
        for name in ("purelib", "platlib")
    }
    child_path = json.loads(
        subprocess.run(
            [str(python), "-c", "import json, sys; print(json.dumps(sys.path))"],
            capture_output=True,
            text=True,
            check=True,
            env=clean_env,
        ).stdout
    )
    if sys.prefix != sys.base_prefix:
        assert not base_site & set(child_path), (base_site, child_path)
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    sample = workdir / "y000000000028.cfg"
    sample.write_text("#!version:1.0.0.1\nlang.gui = English\n")
    where = subprocess.run(
        [str(python), "-c", "import cfgtool; print(cfgtool.__file__)"],
        cwd=workdir,
        capture_output=True,
        text=True,
        check=True,
        env=clean_env,
    ).stdout
    assert str(env_dir) in where, where
    version = subprocess.run(
        [str(env_dir / "bin" / "cfgtool"), "--version"],
        cwd=workdir,
        capture_output=True,
        text=True,
        check=True,
        env=clean_env,
    )
    assert "cfgtool" in version.stdout
    parsed = subprocess.run(
        [str(env_dir / "bin" / "cfgtool"), "parse", "--format", "json", sample.name],
        cwd=workdir,
        capture_output=True,
        text=True,
        env={"XDG_CACHE_HOME": str(tmp_path / "c")},
    )
    assert parsed.returncode == 0, parsed.stderr
    assert '"lang.gui"' in parsed.stdout
    # the console script's plain `cfgtool lint FILE` path (no click) works from the wheel
    linted = subprocess.run(
        [str(env_dir / "bin" / "cfgtool"), "lint", sample.name],
        cwd=workdir,
        capture_output=True,
        text=True,
        env={"XDG_CACHE_HOME": str(tmp_path / "c")},
    )
    assert (linted.returncode, linted.stdout) == (
        0,
        "Checked 1 file: 0 errors, 0 warnings, 0 info.\n",
    ), linted.stderr
