"""Encrypting and decrypting many files: all succeed or nothing is written."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from cfgtool.dirlock import locked
from cfgtool.errors import CfgDecodeError, CfgError, CfgIOError, CryptoError
from cfgtool.fsutil import Staging, remove_stale_temps
from cfgtool.parser import decode
from cfgtool.reading import check_regular, read_bytes

if TYPE_CHECKING:
    pass
from cfgtool.crypto.aes import decrypt_bytes, encrypt_bytes
from cfgtool.crypto.formats import detect_format, phone_config_lines
from cfgtool.crypto.keyfile import (
    decrypt_keyfile,
    encrypt_keyfile,
    security_file_name,
    security_file_path,
)
from cfgtool.crypto.keys import (
    DEFAULT_RSA_KEY_LENGTH,
    KEY_LENGTHS,
    KEYFILE_WARNING,
    KEYS_FILE_NAME,
    KEYS_FILE_WARNING,
    MODES,
    WRONG_KEY,
    Mode,
    NotEncryptedError,
    generate_key,
    validate_aes_key,
)
from cfgtool.crypto.results import BatchResult, FileResult
from cfgtool.crypto.rsa import (
    decrypt_rsa,
    encrypt_rsa,
    load_rsa_private_key,
    load_rsa_public_key,
    rsa_key_weakness,
)
from cfgtool.inputs import CFG_SUFFIX, walk
from cfgtool.nodes import Invalid
from cfgtool.parallel import default_threads, thread_map
from cfgtool.parser import loads
from cfgtool.sources import cfg_text, is_encrypted, is_plausible_cfg

_In = TypeVar("_In")
_Out = TypeVar("_Out")

ProgressCallback = Callable[[str, int, int], None]
"""Called as ``progress(stage, done, total)`` from the calling thread."""


@dataclass(slots=True)
class _Outcome:
    result: FileResult
    writes: list[tuple[Path, bytes]] = field(default_factory=list)
    generated_key: str | None = None


def default_jobs() -> int:
    """Worker threads by default: :func:`cfgtool.parallel.default_threads` (the 0.1 name)."""
    return default_threads()


def collect_inputs(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Files to process: each file as given, and the ``*.cfg`` files directly in each
    directory (any letter case, hidden ones too; not below it: every output goes into
    one directory, under its own name), sorted; duplicates dropped."""
    inputs: list[Path] = []
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            names = walk(
                os.fspath(path), suffixes=(CFG_SUFFIX,), ignore_case=True, max_depth=0, hidden=True
            )
            found = [Path(name) for name in names if os.path.isfile(name)]
            if not found:
                raise CfgIOError(f"{path}: no {CFG_SUFFIX} files in this directory")
        else:
            check_regular(path)
            found = [path]
        for file in found:
            resolved = file.resolve()
            if resolved not in seen:
                seen.add(resolved)
                inputs.append(file)
    if not inputs:
        raise CfgIOError("no input files given")
    return inputs


Refusal = Callable[[bytes, Path], "str | None"]
"""Why a file should not be encrypted as it is, or None (``cfgtool.runners.encrypt_batch``)."""


def encrypt_files(
    paths: Iterable[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    *,
    mode: Mode = "aes",
    key: str | None = None,
    generate: bool = False,
    key_length: int | None = None,
    rsa_public_key: bytes | None = None,
    refuse: Refusal | None = None,
    jobs: int | None = None,
    progress: ProgressCallback | None = None,
    phone_config: bool = False,
) -> BatchResult:
    """Encrypt files (directories: their ``*.cfg`` files) into ``out_dir``, same names.

    * ``aes``: with ``key``, or with one fresh key (``generate``, 16 characters
      unless ``key_length`` is 32) listed in ``out_dir/keys.csv`` (mode 0600).
    * ``keyfile``: a fresh 16-character key per file (or ``key``), plus
      ``<name>_Security.enc``; generated keys are listed in ``keys.csv`` too.
    * ``rsa``: ``rsa_public_key`` (PEM) wraps ``key`` or a fresh key per file,
      which the file carries, so no ``keys.csv``.

    Files ``refuse`` gives a reason for are refused (``cfgtool.runners.encrypt_batch``
    refuses input that is no cfg text or has lint errors). Nothing is written unless every file
    succeeds, and nothing is ever written over an input file.
    """
    _check_encrypt_options(mode, key, generate, key_length, rsa_public_key, phone_config)
    inputs = collect_inputs(paths)
    out = Path(out_dir)
    rsa_key = load_rsa_public_key(rsa_public_key) if rsa_public_key is not None else None
    run_key = generate_key(key_length or 16) if mode == "aes" and generate else key
    writes_keys = (mode == "aes" and generate) or (mode == "keyfile" and key is None)
    planned = [out / source.name for source in inputs]
    if mode == "keyfile":
        planned += [out / security_file_name(source.name) for source in inputs]
    keys_path = out / KEYS_FILE_NAME
    _check_targets(inputs, [*planned, keys_path] if writes_keys else planned)

    def encrypt_one(source: Path) -> _Outcome:
        data = read_bytes(source)
        if refuse is not None:
            refusal = refuse(data, source)
            if refusal:
                return _Outcome(FileResult(str(source), "refused", mode, message=refusal))
        target = out / source.name
        if mode == "aes":
            assert run_key is not None
            return _Outcome(
                FileResult(str(source), "ok", mode, output=str(target)),
                [(target, encrypt_bytes(data, run_key))],
                run_key if writes_keys else None,
            )
        if mode == "keyfile":
            encrypted = encrypt_keyfile(data, run_key)
            security = out / security_file_name(source.name)
            return _Outcome(
                FileResult(
                    str(source), "ok", mode, output=str(target), security_file=str(security)
                ),
                [(target, encrypted.ciphertext), (security, encrypted.security)],
                encrypted.key if writes_keys else None,
            )
        assert rsa_key is not None
        file_key = run_key or generate_key(key_length or DEFAULT_RSA_KEY_LENGTH)
        return _Outcome(
            FileResult(str(source), "ok", mode, output=str(target)),
            [(target, encrypt_rsa(data, rsa_key, file_key))],
        )

    outcomes = _map(_guarded(encrypt_one, mode), inputs, jobs, progress, "encrypting")
    written = all(outcome.result.status == "ok" for outcome in outcomes)
    keys_file = None
    weakness = rsa_key_weakness(rsa_key) if rsa_key is not None else None
    warnings: list[str] = [weakness] if weakness else []
    if written:
        extra: list[tuple[Path, bytes, int | None]] = []
        if writes_keys:
            rows = {Path(o.result.source).name: o.generated_key for o in outcomes}
            extra.append((keys_path, _keys_csv(keys_path, rows), 0o600))
            keys_file = str(keys_path)
            warnings.append(KEYS_FILE_WARNING.format(path=keys_path))
        _write_all(out, extra, outcomes, None, jobs, progress)
        if mode == "keyfile":
            warnings.insert(0, KEYFILE_WARNING)
        else:
            warnings += [
                f"{stale} is left from a keyfile-mode run: delete it, or phones and "
                "cfgtool decrypt will use it instead of the key"
                for stale in (out / security_file_name(source.name) for source in inputs)
                if stale.exists()
            ]
    lines = phone_config_lines(mode, run_key) if phone_config and written else []
    return BatchResult(
        "encrypt",
        str(out),
        tuple(o.result for o in outcomes),
        written,
        mode,
        keys_file,
        tuple(warnings),
        tuple(lines),
    )


def _check_encrypt_options(
    mode: Mode,
    key: str | None,
    generate: bool,
    key_length: int | None,
    rsa_public_key: bytes | None,
    phone_config: bool,
) -> None:
    """Raise :class:`CryptoError` for option combinations that make no sense."""
    if mode not in MODES:
        raise CryptoError(f"unknown mode {mode!r}; choose one of {', '.join(MODES)}")
    if key is not None:
        validate_aes_key(key)
    if key is not None and generate:
        raise CryptoError("give a key or generate one, not both")
    if key_length is not None and key_length not in KEY_LENGTHS:
        raise CryptoError(f"key length must be 16 or 32, not {key_length}")
    if key is not None and key_length is not None:
        raise CryptoError(
            f"a key length is for generated keys; the key given has {len(key)} characters"
        )
    if mode == "aes" and key is None and not generate:
        raise CryptoError(
            "aes mode needs a key: give one (--key-file, --key-env or --key) "
            "or let cfgtool make one (--generate-key)"
        )
    if mode == "keyfile" and (key_length == 32 or (key is not None and len(key) != 16)):
        raise CryptoError("keyfile mode uses 16-character keys only")
    if mode != "rsa" and rsa_public_key is not None:
        raise CryptoError("an RSA public key is only used with --mode rsa")
    if mode == "rsa" and rsa_public_key is None:
        raise CryptoError("rsa mode needs the RSA public key (--rsa-public PEM)")
    if phone_config and mode == "rsa":
        raise CryptoError("rsa mode has no AES key setting on the phone (--print-phone-config)")


def decrypt_paths(
    paths: Iterable[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    *,
    key: str | None = None,
    rsa_private_key: bytes | None = None,
    jobs: int | None = None,
    progress: ProgressCallback | None = None,
    keys: Mapping[str, str] | None = None,
) -> BatchResult:
    """Decrypt files (directories: their ``*.cfg`` files) into ``out_dir`` (mode 0600).

    Each file's format is detected (:func:`detect_format`): RSA files need
    ``rsa_private_key`` (PEM), key-file mode files use their ``_Security.enc``,
    others need their key: the one ``keys`` (file name -> key, as
    :func:`read_keys_csv` reads ``keys.csv``) lists for them, else ``key``.
    Nothing is written unless every file decrypts to a plausible cfg file, and
    nothing is ever written over an input file.
    """
    if key is not None:
        validate_aes_key(key)
    for listed in (keys or {}).values():
        validate_aes_key(listed)
    inputs = collect_inputs(paths)
    out = Path(out_dir)
    _check_targets(inputs, [out / source.name for source in inputs])
    rsa_key = load_rsa_private_key(rsa_private_key) if rsa_private_key is not None else None

    def decrypt_one(source: Path) -> _Outcome:
        data = read_bytes(source)
        mode = detect_format(data, source)
        if mode != "rsa" and is_plausible_cfg(data):
            message = f"{WRONG_KEY} (it is plain text already)"
            return _Outcome(FileResult(str(source), "refused", None, message=message))
        if mode == "rsa":
            if rsa_key is None:
                raise CryptoError(
                    "it is RSA-encrypted: give the private key with --rsa-private PEM"
                )
            plaintext = decrypt_rsa(data, rsa_key)
        elif mode == "keyfile" and (
            explicit := _opened_by(data, (keys or {}).get(source.name) or key)
        ):
            # The key given wins over a NAME_Security.enc left from an older keyfile-mode run.
            plaintext, mode = explicit, "aes"
        elif mode == "keyfile":
            plaintext = decrypt_keyfile(data, read_bytes(security_file_path(source)))
        elif (file_key := (keys or {}).get(source.name) or key) is None:
            where = "it is not in the keys file and " if keys is not None else ""
            raise CryptoError(
                f"no {security_file_name(source.name)} next to it, so it needs a key: "
                f"{where}give --keys keys.csv, --key-file, --key-env or --key"
            )
        else:
            plaintext = decrypt_bytes(data, file_key)
        target = out / source.name
        return _Outcome(
            FileResult(str(source), "ok", mode, output=str(target)), [(target, plaintext)]
        )

    outcomes = _map(_guarded(decrypt_one, None), inputs, jobs, progress, "decrypting")
    written = all(outcome.result.status == "ok" for outcome in outcomes)
    if written:
        _write_all(out, [], outcomes, 0o600, jobs, progress)
    warnings = [
        f"{outcome.result.source}: {damage}"
        for outcome in outcomes
        if outcome.writes and (damage := damage_reason(outcome.writes[0][1]))
    ]
    return BatchResult(
        "decrypt", str(out), tuple(o.result for o in outcomes), written, warnings=tuple(warnings)
    )


def _opened_by(data: bytes, key: str | None) -> bytes | None:
    """The plaintext when ``key`` opens ``data`` as an aes-mode file, else None."""
    if key is None:
        return None
    try:
        return decrypt_bytes(data, key)
    except NotEncryptedError:
        return None


def damage_reason(plaintext: bytes) -> str | None:
    """Why decrypted text looks cut or damaged (the format has no integrity check), or None.

    Lints the shape of the text: a line that is no setting, or a last line
    without its line break, is what a truncated ciphertext decrypts to.
    """
    text = cfg_text(plaintext)
    if text is None:
        return None
    hint = "; the file may be truncated or damaged (the format has no integrity check)"
    invalid = [item for item in loads(text).items if isinstance(item, Invalid)]
    if invalid:
        return f"decrypted line {invalid[0].line} is not a setting ({invalid[0].reason}){hint}"
    if text and not text.endswith(("\n", "\r")):
        return f"the decrypted text does not end with a line break{hint}"
    return None


def _guarded(work: Callable[[Path], _Outcome], mode: Mode | None) -> Callable[[Path], _Outcome]:
    """``work`` with user errors turned into a refused (exit 1) or error (exit 2) result."""

    def run(source: Path) -> _Outcome:
        try:
            return work(source)
        except NotEncryptedError as exc:
            return _Outcome(FileResult(str(source), "refused", mode, message=str(exc)))
        except CfgError as exc:
            return _Outcome(FileResult(str(source), "error", mode, message=str(exc)))

    return run


def text_refusal(data: bytes) -> tuple[str | None, str | None]:
    """``(refusal, text)``: why ``data`` is no cfg text to encrypt, else ``(None, its text)``."""
    if is_encrypted(data):
        return "it is already encrypted (RSA mode); use --no-lint to encrypt it anyway", None
    try:
        return None, decode(data)
    except CfgDecodeError as exc:
        return f"{exc}; use --no-lint to encrypt it anyway", None


def _check_targets(inputs: Sequence[Path], targets: Sequence[Path]) -> None:
    """Refuse a batch that would write over an input or write one name twice."""
    out_dir = targets[0].parent if targets else None
    if out_dir is not None and out_dir.exists() and not out_dir.is_dir():
        raise CfgIOError(f"{out_dir}: exists and is not a directory")
    input_paths = {source.resolve(): source for source in inputs}
    input_inodes = {(st.st_dev, st.st_ino): source for source in inputs for st in [source.stat()]}
    seen: dict[Path, Path] = {}
    for target in targets:
        resolved = target.resolve()
        over = input_paths.get(resolved)
        if over is None and target.exists():
            st = target.stat()
            over = input_inodes.get((st.st_dev, st.st_ino))
        if over is not None:
            raise CryptoError(
                f"refusing to write {target} over the input file {over}; "
                "choose an --out directory other than the input's"
            )
        if resolved in seen:
            raise CryptoError(
                f"two inputs would both be written to {target}; process them separately"
            )
        seen[resolved] = target


def read_keys_csv(path: str | os.PathLike[str]) -> dict[str, str]:
    """The ``file -> key`` rows of a ``keys.csv`` (header ``file,key``) that encrypt wrote."""
    try:
        rows = list(csv.reader(io.StringIO(read_bytes(path).decode("utf-8"))))
    except UnicodeDecodeError:
        rows = []
    if not rows or rows[0] != ["file", "key"]:
        raise CryptoError(f"{path} is not a keys file (a CSV with the header file,key)")
    return {row[0]: row[1] for row in rows[1:] if len(row) == 2}


def _keys_csv(path: Path, rows: Mapping[str, str | None]) -> bytes:
    """``keys.csv`` (header ``file,key``): the rows of an existing one, updated with ``rows``."""
    merged: dict[str, str] = {}
    if path.exists():
        try:
            merged.update(read_keys_csv(path))
        except CryptoError:
            raise CryptoError(
                f"{path} exists and is not a keys file (file,key); move it away"
            ) from None
    merged.update((name, key) for name, key in rows.items() if key is not None)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["file", "key"])
    writer.writerows(merged.items())
    return buffer.getvalue().encode("utf-8")


def _write_all(
    out: Path,
    first: Sequence[tuple[Path, bytes, int | None]],
    outcomes: Sequence[_Outcome],
    mode: int | None,
    jobs: int | None,
    progress: ProgressCallback | None,
) -> None:
    """Create ``out``, stage ``first`` (``keys.csv``) and every outcome's files, commit them.

    All are renamed into place together after one disk sync, so ``keys.csv``
    always matches the files beside it; on any failure (or Ctrl-C) every temp
    file is removed and nothing in ``out`` has changed.
    """
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CfgIOError(f"cannot create {out}: {exc.strerror or exc}") from None
    with locked(out, "encrypt or decrypt"), Staging() as staging:
        remove_stale_temps(out)
        for path, data, file_mode in first:
            staging.stage(path, data, mode=file_mode)

        def write(outcome: _Outcome) -> None:
            for path, data in outcome.writes:
                staging.stage(path, data, mode=mode)

        _map(write, outcomes, jobs, progress, "writing")
        staging.commit()


def _map(
    work: Callable[[_In], _Out],
    items: Sequence[_In],
    jobs: int | None,
    progress: ProgressCallback | None,
    stage: str,
) -> list[_Out]:
    """``[work(item) for item in items]`` on ``jobs`` threads, reporting progress."""

    def on_done(done: int, total: int) -> None:
        if progress:
            progress(stage, done, total)

    return thread_map(work, items, jobs, on_done)
