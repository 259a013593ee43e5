"""Batches that write many files (render, encrypt, decrypt): nothing lost, nothing half-written.

Issue 16, items 4-10: every file is staged first and all are committed together
(keys.csv and the manifest with them); a failure or Ctrl-C leaves the old tree
exactly as it was and no temp file; one run at a time per output directory;
rewritten files keep owner, group and mode; nothing is written outside --out.
"""

from __future__ import annotations

import functools
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

import cfgtool
from cfgtool.cli import main
from cfgtool.crypto import decrypt_paths, read_keys_csv
from cfgtool.dirlock import LOCK_NAME, locked
from cfgtool.errors import CfgIOError
from cfgtool.fsutil import SLOW_WRITES_ENV, TEMP_NAME, Staging, atomic_write_bytes
from cfgtool.rendering import parse_inventory, render_batch
from cfgtool.runners.encrypt_batch import encrypt_paths

HEADER = "#!version:1.0.0.1\n"
TEMPLATE = HEADER + "account.1.enable = 1\naccount.1.label = {{ label }}\n"
MAC1, MAC2, MAC3 = "001565113001", "001565113002", "001565113003"
KEY = "0123456789abcdef"


def template() -> cfgtool.Document:
    return cfgtool.loads(TEMPLATE, filename="phones.cfg.tmpl")


def inventory(*rows: str, header: str = "mac,model,label") -> cfgtool.rendering.Inventory:
    return parse_inventory("\n".join([header, *rows]) + "\n", "phones.csv")


def three_phones(label: str = "Desk") -> cfgtool.rendering.Inventory:
    return inventory(*(f"{mac},T46G,{label} {i}" for i, mac in enumerate((MAC1, MAC2, MAC3))))


def snapshot(root: Path) -> dict[str, bytes | str]:
    """Every entry under ``root``: file bytes, or what a directory or link is."""
    found: dict[str, bytes | str] = {}
    for path in sorted(root.rglob("*")):
        name = str(path.relative_to(root))
        if path.is_symlink():
            found[name] = f"-> {os.readlink(path)}"
        elif path.is_dir():
            found[name] = "dir"
        else:
            found[name] = path.read_bytes()
    return found


def temp_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if TEMP_NAME.fullmatch(path.name)]


# --- item 5: stage everything, then commit; a failure changes nothing -----------------------


def test_render_failing_part_way_leaves_the_old_tree_exactly(tmp_path: Path) -> None:
    out = tmp_path / "out"
    render_batch(template(), three_phones("Old"), out)
    (out / f"{MAC3}.cfg").unlink()
    (out / f"{MAC3}.cfg").mkdir()  # the last row's target cannot be written
    before = snapshot(out)
    with pytest.raises(CfgIOError, match=rf"{MAC3}\.cfg: it is a directory"):
        render_batch(template(), three_phones("New"), out, jobs=1)
    assert snapshot(out) == before
    assert temp_files(out) == []


@pytest.mark.parametrize("command", ["encrypt", "decrypt"])
def test_crypto_batch_failing_part_way_leaves_the_old_tree_exactly(
    tmp_path: Path, command: str
) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    for name in ("a.cfg", "b.cfg", "c.cfg"):
        (plain / name).write_text(HEADER + f"account.1.label = {name}\n")
    source = plain
    if command == "decrypt":
        source = tmp_path / "enc"
        encrypt_paths([plain], source, key=KEY)
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.cfg").write_bytes(b"old a")
    (out / "c.cfg").mkdir()  # one target cannot be written
    before = snapshot(out)
    with pytest.raises(CfgIOError, match=r"c\.cfg: it is a directory"):
        if command == "encrypt":
            encrypt_paths([source], out, key=KEY, jobs=1)
        else:
            decrypt_paths([source], out, key=KEY, jobs=1)
    assert snapshot(out) == before


# --- item 4: keys.csv always matches the files beside it ------------------------------------


def test_keys_csv_is_committed_with_the_files_it_describes(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "a.cfg").write_text(HEADER + "account.1.label = a\n")
    (plain / "b.cfg").write_text(HEADER + "account.1.label = b\n")
    out = tmp_path / "out"
    first = encrypt_paths([plain], out, generate=True)
    assert first.written
    before = snapshot(out)
    (out / "b.cfg").unlink()
    (out / "b.cfg").mkdir()  # the second run fails on b.cfg
    before = snapshot(out)
    with pytest.raises(CfgIOError):
        encrypt_paths([plain], out, generate=True, jobs=1)
    assert snapshot(out) == before  # keys.csv still holds the key a.cfg is encrypted with
    decrypted = decrypt_paths(
        [out / "a.cfg"], tmp_path / "check", keys=read_keys_csv(out / "keys.csv")
    )
    assert decrypted.written


def test_decrypt_with_keys_csv_opens_every_file_in_it(tmp_path: Path) -> None:
    out = tmp_path / "out"
    for name in ("a.cfg", "b.cfg"):  # two runs: two different generated keys
        source = tmp_path / name
        source.write_text(HEADER + f"account.1.label = {name}\n")
        encrypt_paths([source], out, generate=True)
    keys = read_keys_csv(out / "keys.csv")
    assert sorted(keys) == ["a.cfg", "b.cfg"] and keys["a.cfg"] != keys["b.cfg"]
    plain = tmp_path / "plain"
    result = CliRunner().invoke(
        main, ["decrypt", str(out), "--out", str(plain), "--keys", str(out / "keys.csv")]
    )
    assert result.exit_code == 0, result.output
    assert (plain / "a.cfg").read_text().endswith("account.1.label = a.cfg\n")
    assert (plain / "b.cfg").read_text().endswith("account.1.label = b.cfg\n")


def test_decrypt_names_a_file_missing_from_the_keys_file(tmp_path: Path) -> None:
    source = tmp_path / "a.cfg"
    source.write_text(HEADER + "account.1.label = a\n")
    encrypt_paths([source], tmp_path / "out", key=KEY)
    result = decrypt_paths([tmp_path / "out"], tmp_path / "plain", keys={"other.cfg": KEY})
    assert not result.written
    assert "it is not in the keys file" in (result.files[0].message or "")


# --- item 6: Ctrl-C during the write phase ----------------------------------------------------


def new_files(parent: Path, name: str = "out") -> list[Path]:
    """The files in the hidden directories a render into the new ``parent/name`` writes."""
    return [path for path in parent.glob(f".{name}.*.new/*") if path.suffix == ".cfg"]


# cfgtool with Python's own Ctrl-C handling, however the suite was started: a shell
# starts a background job (`pytest &`) with SIGINT ignored, and a child inherits that.
_WITH_CTRL_C = (
    "import signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "from cfgtool.cli import main; main()"
)


def _interrupt(
    args: list[str],
    cwd: Path,
    out: Path,
    delay: str = "0.01",
    started: Callable[[], object] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run cfgtool with slowed writes, send SIGINT once its first temp file exists (or
    once ``started()`` is true)."""
    if started is None:

        def started() -> object:
            return out.is_dir() and temp_files(out)

    env = {**os.environ, SLOW_WRITES_ENV: delay}
    process = subprocess.Popen(
        [sys.executable, "-c", _WITH_CTRL_C, *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not started():
        assert process.poll() is None, process.communicate()
        time.sleep(0.005)
    assert started(), "the write phase never started"
    sent = time.monotonic()
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=20)
    assert time.monotonic() - sent < 5, "Ctrl-C did not stop the run promptly"
    return subprocess.CompletedProcess(args, process.returncode, stdout, stderr)


@pytest.mark.parametrize("new", [True, False], ids=["new-out", "existing-out"])
def test_sigint_during_a_parallel_render_stops_every_worker_and_cleans_up(
    tmp_path: Path, new: bool
) -> None:
    rows = [f"{0x001565000000 + i:012x},T46G,Desk {i}" for i in range(2000)]
    (tmp_path / "phones.csv").write_text("mac,model,label\n" + "\n".join(rows) + "\n")
    (tmp_path / "t.cfg.tmpl").write_text(TEMPLATE)
    out = tmp_path / "out"
    if not new:
        out.mkdir()
    args = ["render", "t.cfg.tmpl", "--inventory", "phones.csv", "--out", "out", "-q"]
    started = functools.partial(new_files, tmp_path) if new else None
    done = _interrupt([*args, "--jobs", "2"], tmp_path, out, delay="0.002", started=started)
    assert done.returncode == 130, done.stderr
    assert "Traceback" not in done.stderr
    left = sorted(os.listdir(tmp_path))
    assert left == sorted(["phones.csv", "t.cfg.tmpl", *([] if new else ["out"])])
    assert not out.exists() or sorted(os.listdir(out)) == []


def test_sigint_during_render_exits_130_and_leaves_no_temp_file(tmp_path: Path) -> None:
    rows = [f"{0x001565000000 + i:012x},T46G,Desk {i}" for i in range(300)]
    (tmp_path / "phones.csv").write_text("mac,model,label\n" + "\n".join(rows) + "\n")
    (tmp_path / "t.cfg.tmpl").write_text(TEMPLATE)
    out = tmp_path / "out"
    out.mkdir()
    (out / f"{0x001565000000:012x}.cfg").write_text("old\n")
    args = ["render", "t.cfg.tmpl", "--inventory", "phones.csv", "--out", "out", "-q"]
    done = _interrupt([*args, "--jobs", "1"], tmp_path, out)
    assert done.returncode == 130, done.stderr
    assert "interrupted" in done.stderr and "Traceback" not in done.stderr
    assert temp_files(out) == []
    assert sorted(os.listdir(out)) == [f"{0x001565000000:012x}.cfg"]  # the old file, untouched
    assert (out / f"{0x001565000000:012x}.cfg").read_text() == "old\n"


def test_sigint_during_encrypt_exits_130_and_leaves_no_temp_file(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    for index in range(300):
        (plain / f"{index:03d}.cfg").write_text(HEADER + f"account.1.label = {index}\n")
    out = tmp_path / "out"
    args = ["encrypt", "plain", "--out", "out", "--generate-key", "-q", "--jobs", "2"]
    done = _interrupt(args, tmp_path, out)
    assert done.returncode == 130, done.stderr
    assert "Traceback" not in done.stderr and "Aborted" not in done.stderr
    assert temp_files(out) == [] and sorted(os.listdir(out)) == []


def test_later_runs_remove_stale_temp_files_of_their_own_naming(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    stale = out / f".{MAC1}.cfg.0badc0de.tmp"
    stale.write_bytes(b"")
    foreign = out / ".notes.tmp"  # not cfgtool's naming: left alone
    foreign.write_bytes(b"mine")
    render_batch(template(), three_phones(), out)
    assert not stale.exists() and foreign.exists()
    assert temp_files(out) == []


def test_staging_removes_its_temp_files_when_interrupted(tmp_path: Path) -> None:
    target = tmp_path / "a.cfg"
    target.write_bytes(b"old")
    with pytest.raises(KeyboardInterrupt), Staging() as staging:
        staging.stage(target, b"new")
        raise KeyboardInterrupt
    assert os.listdir(tmp_path) == ["a.cfg"] and target.read_bytes() == b"old"


# --- item 7: one run at a time per output directory ------------------------------------------


def test_a_second_render_into_the_same_out_is_refused_naming_the_holder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with locked(out, "render"):
        with pytest.raises(CfgIOError, match=rf"pid {os.getpid()} on .*cfgtool render, started"):
            render_batch(template(), three_phones(), out)
        assert sorted(os.listdir(out)) == [LOCK_NAME]
    render_batch(template(), three_phones(), out)  # free again once the first run is done
    assert LOCK_NAME not in os.listdir(out)


def test_a_second_encrypt_into_the_same_out_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "a.cfg"
    source.write_text(HEADER + "account.1.label = a\n")
    out = tmp_path / "out"
    out.mkdir()
    with locked(out, "render"), pytest.raises(CfgIOError, match="another cfgtool run"):
        encrypt_paths([source], out, key=KEY)
    assert os.listdir(out) == []


# --- item 8: --manifest checked before anything is written -----------------------------------


@pytest.mark.parametrize("where", ["missing/manifest.json", "a-file/manifest.json", "a-dir"])
def test_an_unwritable_manifest_is_refused_before_any_file(tmp_path: Path, where: str) -> None:
    (tmp_path / "a-file").write_text("")
    (tmp_path / "a-dir").mkdir()
    out = tmp_path / "out"
    with pytest.raises(CfgIOError, match="cannot write the manifest"):
        render_batch(template(), three_phones(), out, manifest=tmp_path / where)
    assert not out.exists()


def test_a_manifest_in_the_output_directory_being_made_is_fine(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = render_batch(template(), three_phones(), out, manifest=out / "manifest.json")
    assert result.manifest and (out / "manifest.json").exists()


# --- item 9: a rewritten file keeps owner, group and mode ------------------------------------


def _rewrite(kind: str, path: Path, tmp_path: Path) -> None:
    if kind == "render":
        render_batch(template(), inventory(f"{MAC1},T46G,New"), path.parent)
    elif kind == "encrypt":
        source = tmp_path / path.name
        source.write_text(HEADER + "account.1.label = new\n")
        encrypt_paths([source], path.parent, key=KEY)
    elif kind == "fmt":
        assert CliRunner().invoke(main, ["fmt", str(path)]).exit_code == 0
    else:
        atomic_write_bytes(path, b"new\n")


@pytest.mark.parametrize("kind", ["render", "encrypt", "fmt", "atomic_write_bytes"])
def test_rewriting_keeps_owner_group_and_mode(tmp_path: Path, kind: str) -> None:
    out = tmp_path / "out"
    out.mkdir()
    path = out / f"{MAC1}.cfg"
    path.write_text(HEADER + "account.1.label  =  Old\n")
    os.chmod(path, 0o640)
    owner = (os.getuid(), os.getgid())
    if os.geteuid() == 0:
        owner = (65534, 65534)  # as root: a tftp daemon's user, say
        os.chown(path, *owner)
    before = path.read_bytes()
    _rewrite(kind, path, tmp_path)
    assert path.read_bytes() != before
    st = path.stat()
    assert (st.st_mode & 0o7777, st.st_uid, st.st_gid) == (0o640, *owner)


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file another owner needs root")
def test_rewriting_keeps_set_user_id_mode_bits_along_with_the_owner(tmp_path: Path) -> None:
    path = tmp_path / "a.cfg"
    path.write_bytes(b"old")
    os.chown(path, 65534, 65534)
    os.chmod(path, 0o4750)
    atomic_write_bytes(path, b"new")
    st = path.stat()
    assert (st.st_mode & 0o7777, st.st_uid, st.st_gid) == (0o4750, 65534, 65534)


def test_rewriting_replaces_a_hard_link_rather_than_writing_through_it(tmp_path: Path) -> None:
    """The documented choice: atomic replacement gives the path a new file, and another
    hard link keeps the old content (writing in place could show a half-written file)."""
    path = tmp_path / "a.cfg"
    path.write_bytes(b"old")
    os.link(path, tmp_path / "link.cfg")
    atomic_write_bytes(path, b"new")
    assert path.read_bytes() == b"new" and (tmp_path / "link.cfg").read_bytes() == b"old"


# --- item 10: nothing is written outside --out ------------------------------------------------


def test_pn_layout_refuses_a_symlinked_model_directory(tmp_path: Path) -> None:
    out = tmp_path / "out"
    escape = tmp_path / "escape"
    out.mkdir()
    escape.mkdir()
    (out / "T46G").symlink_to("../escape")
    with pytest.raises(CfgIOError, match="T46G is a symbolic link"):
        render_batch(template(), three_phones(), out, layout="pn")
    assert list(escape.iterdir()) == []
    assert sorted(os.listdir(out)) == ["T46G"]


def test_keep_going_with_every_row_refused_still_writes_the_manifest(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = render_batch(
        template(), inventory("not-a-mac,T46G,x"), out, keep_going=True, manifest=out / "m.json"
    )
    assert result.failed_rows == [2] and result.phones == []
    assert (out / "m.json").read_text() == "{}\n"


def test_write_errors_name_the_target_never_the_temp_file(tmp_path: Path) -> None:
    """Issue 16 item 19: 'cannot write td/.0015651130f9.cfg.<hex>.tmp' named the temp file."""
    missing_dir = tmp_path / "gone" / "0015651130f9.cfg"
    as_directory = tmp_path / "0015651130f9.cfg"
    as_directory.mkdir()
    for target in (missing_dir, as_directory):
        with pytest.raises(CfgIOError) as caught, Staging() as staging:
            staging.stage(target, b"#!version:1.0.0.1\n")
        message = str(caught.value)
        assert message.startswith(f"cannot write {target}:"), message
        assert ".tmp" not in message
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")]
