"""Encrypt and decrypt provisioning files exactly as Yealink phones expect them.

Three formats, all byte-compatible with Yealink's own encryption tool:

* **aes** — AES-ECB under the key's ASCII bytes (16 characters: AES-128,
  32: AES-256) over the plaintext padded with ``0x00`` bytes to a multiple of
  16. Raw binary, same file name. The phone holds the key
  (``static.auto_provision.aes_key.com`` / ``.mac``).
* **keyfile** — the same with a random 16-character key per file, plus
  ``<name>_Security.enc``: that key, AES-128-ECB encrypted under the key built
  into every phone (:data:`BUILTIN_KEY`). That key is public, so this mode hides
  nothing from anyone who gets both files.
* **rsa** — a CRLF text envelope holding the AES key encrypted with an RSA
  public key (PKCS#1 v1.5) and the AES ciphertext in base64.

``cryptography`` is imported inside the functions that need it, so that
``import cfgtool`` stays cheap.
"""

from __future__ import annotations

import base64
import binascii
import csv
import io
import os
import re
import secrets
import string
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, TypeVar, cast

from cfgtool.errors import CfgDecodeError, CfgError, CfgIOError, CryptoError
from cfgtool.fsutil import atomic_write_bytes, read_bytes
from cfgtool.nodes import Entry
from cfgtool.parser import decode, format_entry, loads

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey
    from cryptography.hazmat.primitives.ciphers import Cipher

Mode = Literal["aes", "keyfile", "rsa"]
MODES: tuple[Mode, ...] = ("aes", "keyfile", "rsa")
Status = Literal["ok", "refused", "error"]

BLOCK_SIZE = 16
KEY_LENGTHS = (16, 32)
KEY_SPECIAL_CHARACTERS = "#$%*+,-.:=?@[]^_{}~"
KEY_ALPHABET = (
    string.digits + string.ascii_uppercase + string.ascii_lowercase + KEY_SPECIAL_CHARACTERS
)
BUILTIN_KEY = "EKs35XacP6eybA25"
"""The key built into every Yealink phone that opens ``_Security.enc`` files. Public."""
SECURITY_SUFFIX = "_Security.enc"
KEYS_FILE_NAME = "keys.csv"
WRONG_KEY = "wrong key, or not an encrypted cfg file"
DEFAULT_RSA_KEY_LENGTH = 32

RSA_MAGIC = "#!encrypt:"
RSA_VERSION = "1.0.0.0"
RSA_SIGNATURE = "RSA_256"  # the vendor's header is spelled "key_signatue"
RSA_BEGIN = "#!---BEGIN CONFIG DATA---"
RSA_END = "#!---END CONFIG DATA---"

KEYFILE_WARNING = (
    f"keyfile mode hides nothing: the key that opens {SECURITY_SUFFIX} files ({BUILTIN_KEY}) "
    "is built into every phone and published, so anyone who gets both files can decrypt "
    "them; use --mode aes or --mode rsa to keep the files secret"
)
KEYS_FILE_WARNING = (
    "{path} holds the keys in plain text (mode 0600): keep it, and this directory's copy of it, "
    "off the provisioning server"
)

_KEY_PATTERN = re.compile("[" + re.escape(KEY_ALPHABET) + "]+")
_CFG_SUFFIX = ".cfg"


class NotEncryptedError(CryptoError):
    """Decryption gave no plausible cfg file: the key is wrong, or the input is not encrypted."""


# --- keys --------------------------------------------------------------------------


def validate_aes_key(key: str) -> str:
    """Return ``key`` if it is a valid AES key, else raise :class:`CryptoError`.

    A key is 16 (AES-128) or 32 (AES-256) characters from ``0-9 A-Z a-z`` and
    ``# $ % * + , - . : = ? @ [ ] ^ _ { } ~``. The error names the rule broken:
    the first bad character and its 1-based position, or the length.
    """
    if len(key) in KEY_LENGTHS and _KEY_PATTERN.fullmatch(key):
        return key
    for position, char in enumerate(key, start=1):
        if char not in KEY_ALPHABET:
            raise CryptoError(
                f"AES key character {position} is {_describe_char(char)}, which is not allowed; "
                f"a key uses only 0-9 A-Z a-z and {' '.join(KEY_SPECIAL_CHARACTERS)}"
            )
    raise CryptoError(
        f"AES key is {len(key)} characters long; it must be exactly 16 (AES-128) "
        "or 32 (AES-256) characters"
    )


def _describe_char(char: str) -> str:
    if char.isprintable() and not char.isspace():
        return repr(char)
    return f"{char!r} (U+{ord(char):04X})"


def generate_key(length: int = 16) -> str:
    """A random key of ``length`` (16 or 32) characters, from :mod:`secrets`."""
    if length not in KEY_LENGTHS:
        raise CryptoError(f"key length must be 16 or 32, not {length}")
    return "".join(secrets.choice(KEY_ALPHABET) for _ in range(length))


def read_key_file(path: str | os.PathLike[str]) -> str:
    """The key on the first line of a file (surrounding whitespace ignored), validated."""
    name = os.fspath(path)
    try:
        text = read_bytes(name).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CryptoError(
            f"key file {name} is not text; put just the key on its first line"
        ) from None
    lines = text.splitlines()
    first_line = lines[0].strip() if lines else ""
    if not first_line:
        raise CryptoError(f"key file {name} has no key on its first line")
    try:
        return validate_aes_key(first_line)
    except CryptoError as exc:
        raise CryptoError(f"key file {name}: {exc}") from None


def key_from_env(variable: str, environ: Mapping[str, str] | None = None) -> str:
    """The key held by environment variable ``variable`` (surrounding whitespace ignored)."""
    value = (os.environ if environ is None else environ).get(variable)
    if value is None or not value.strip():
        raise CryptoError(f"environment variable {variable} is not set or empty")
    try:
        return validate_aes_key(value.strip())
    except CryptoError as exc:
        raise CryptoError(f"environment variable {variable}: {exc}") from None


def resolve_key(
    *,
    key_file: str | os.PathLike[str] | None = None,
    key_env: str | None = None,
    key: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> str | None:
    """The key from at most one source (file, environment variable, literal), or None."""
    given = [
        name
        for name, value in (("--key-file", key_file), ("--key-env", key_env), ("--key", key))
        if value is not None
    ]
    if len(given) > 1:
        raise CryptoError(f"give the key one way only, not {' and '.join(given)}")
    if key_file is not None:
        return read_key_file(key_file)
    if key_env is not None:
        return key_from_env(key_env, environ)
    if key is not None:
        return validate_aes_key(key)
    return None


# --- plain AES mode ----------------------------------------------------------------


def _aes_ecb(key: str) -> Cipher[Any]:
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    return Cipher(algorithms.AES(key.encode("ascii")), modes.ECB())


def zero_pad(data: bytes) -> bytes:
    """``data`` padded with 0x00 bytes to a multiple of 16 (unchanged if it already is one)."""
    return data + b"\0" * (-len(data) % BLOCK_SIZE)


def encrypt_bytes(data: bytes, key: str) -> bytes:
    """AES-ECB encrypt ``data`` (zero-padded) under ``key``: what the phone decrypts.

    >>> len(encrypt_bytes(b"#!version:1.0.0.1\\n", "0123456789abcdef"))
    32
    """
    encryptor = _aes_ecb(validate_aes_key(key)).encryptor()
    return encryptor.update(zero_pad(data)) + encryptor.finalize()


def decrypt_bytes(data: bytes, key: str, *, check: bool = True) -> bytes:
    """Decrypt what :func:`encrypt_bytes` made, with the zero padding stripped.

    With ``check`` (the default), raise :class:`NotEncryptedError` unless the
    result is a plausible cfg file (see :func:`is_plausible_cfg`): that is how a
    wrong key shows. Trailing 0x00 bytes of the plaintext itself are stripped
    too; text files have none.
    """
    validate_aes_key(key)
    if len(data) % BLOCK_SIZE:
        raise NotEncryptedError(
            f"{WRONG_KEY}: AES ciphertext is a whole number of 16-byte blocks, "
            f"and this is {len(data)} bytes"
        )
    decryptor = _aes_ecb(key).decryptor()
    plaintext = (decryptor.update(data) + decryptor.finalize()).rstrip(b"\0")
    if check and not is_plausible_cfg(plaintext):
        raise NotEncryptedError(WRONG_KEY)
    return plaintext


def is_plausible_cfg(data: bytes) -> bool:
    """True when ``data`` is UTF-8 text with a ``#!version`` header or a ``key = value`` line."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    doc = loads(text)
    return doc.header is not None or any(isinstance(item, Entry) for item in doc.items)


# --- key-file ("compatibility") mode ------------------------------------------------


class KeyFileCiphertext(NamedTuple):
    """What key-file mode writes: the encrypted file, its ``_Security.enc``, and the key."""

    ciphertext: bytes
    security: bytes
    key: str


def security_file_name(name: str) -> str:
    """``y000000000028.cfg`` → ``y000000000028_Security.enc``."""
    return Path(name).stem + SECURITY_SUFFIX


def make_security_file(key: str) -> bytes:
    """The 16 bytes of a ``_Security.enc``: ``key`` under :data:`BUILTIN_KEY`."""
    if len(validate_aes_key(key)) != 16:
        raise CryptoError(f"keyfile mode needs a 16-character key, not {len(key)} characters")
    return encrypt_bytes(key.encode("ascii"), BUILTIN_KEY)


def read_security_file(data: bytes) -> str:
    """The key inside a ``_Security.enc`` file; :class:`NotEncryptedError` if it holds none."""
    if len(data) != 16:
        raise NotEncryptedError(
            f"not a {SECURITY_SUFFIX} file: it must be 16 bytes, and it is {len(data)}"
        )
    key_bytes = decrypt_bytes(data, BUILTIN_KEY, check=False)
    try:
        return validate_aes_key(key_bytes.decode("ascii"))
    except (UnicodeDecodeError, CryptoError):
        raise NotEncryptedError(f"not a {SECURITY_SUFFIX} file: it holds no valid key") from None


def encrypt_keyfile(data: bytes, key: str | None = None) -> KeyFileCiphertext:
    """Encrypt ``data`` in key-file mode, with ``key`` or a fresh random 16-character one."""
    key = generate_key(16) if key is None else key
    security = make_security_file(key)
    return KeyFileCiphertext(encrypt_bytes(data, key), security, key)


def decrypt_keyfile(data: bytes, security: bytes, *, check: bool = True) -> bytes:
    """Decrypt a key-file mode file with the contents of its ``_Security.enc``."""
    return decrypt_bytes(data, read_security_file(security), check=check)


# --- RSA mode ----------------------------------------------------------------------


def load_rsa_public_key(pem: bytes) -> RSAPublicKey:
    """An RSA public key from PEM (a public key or a certificate)."""
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    try:
        if b"-----BEGIN CERTIFICATE-----" in pem:
            key: object = x509.load_pem_x509_certificate(pem).public_key()
        else:
            key = load_pem_public_key(pem)
    except ValueError as exc:
        raise CryptoError(f"not a PEM public key or certificate: {exc}") from None
    if not isinstance(key, RSAPublicKey):
        raise CryptoError(f"not an RSA public key (it is {type(key).__name__})")
    return key


def load_rsa_private_key(pem: bytes) -> RSAPrivateKey:
    """An unencrypted RSA private key from PEM."""
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        key: object = load_pem_private_key(pem, password=None)
    except TypeError:
        raise CryptoError(
            "the RSA private key is password-protected, which is not supported"
        ) from None
    except ValueError as exc:
        raise CryptoError(f"not a PEM private key: {exc}") from None
    if not isinstance(key, RSAPrivateKey):
        raise CryptoError(f"not an RSA private key (it is {type(key).__name__})")
    return key


def is_rsa_envelope(data: bytes) -> bool:
    """True when ``data`` starts like an RSA-mode file (``#!encrypt:``)."""
    return data.removeprefix(b"\xef\xbb\xbf").startswith(RSA_MAGIC.encode("ascii"))


def encrypt_rsa(data: bytes, public_key: bytes | RSAPublicKey, key: str | None = None) -> bytes:
    """Encrypt ``data`` in RSA mode: the CRLF text file the vendor tool writes.

    ``key`` is the AES key (a random 32-character one by default); it travels
    inside the file, encrypted with ``public_key`` (PEM or a loaded key).
    """
    from cryptography.hazmat.primitives.asymmetric import padding

    key = generate_key(DEFAULT_RSA_KEY_LENGTH) if key is None else validate_aes_key(key)
    rsa_key = load_rsa_public_key(public_key) if isinstance(public_key, bytes) else public_key
    key_ciphertext = rsa_key.encrypt(key.encode("ascii"), padding.PKCS1v15())
    lines = [
        f"{RSA_MAGIC}{RSA_VERSION}",
        f"#!key_signatue:{RSA_SIGNATURE}",
        f"#!conf_encryption:AES_{len(key) * 8}",
        f"#!key_ciphertext:{base64.b64encode(key_ciphertext).decode('ascii')}",
        RSA_BEGIN,
        base64.b64encode(encrypt_bytes(data, key)).decode("ascii"),
        RSA_END,
    ]
    return ("\r\n".join(lines) + "\r\n").encode("ascii")


def decrypt_rsa(data: bytes, private_key: bytes | RSAPrivateKey, *, check: bool = True) -> bytes:
    """Decrypt an RSA-mode file with the private key matching the one it was made for."""
    from cryptography.hazmat.primitives.asymmetric import padding

    headers, payload = _parse_rsa_envelope(data)
    rsa_key = load_rsa_private_key(private_key) if isinstance(private_key, bytes) else private_key
    try:
        key_ciphertext = base64.b64decode(headers["key_ciphertext"], validate=True)
        ciphertext = base64.b64decode(payload, validate=True)
    except binascii.Error:
        raise NotEncryptedError("not an RSA-encrypted cfg file: its base64 is damaged") from None
    try:
        key = validate_aes_key(rsa_key.decrypt(key_ciphertext, padding.PKCS1v15()).decode("ascii"))
    except (ValueError, UnicodeDecodeError, CryptoError):
        # ValueError is also what a wrong private key gives; newer OpenSSL returns
        # random bytes instead (implicit rejection), which fail validation.
        raise NotEncryptedError(f"{WRONG_KEY} (the RSA private key does not open it)") from None
    if headers.get("conf_encryption", f"AES_{len(key) * 8}") != f"AES_{len(key) * 8}":
        raise NotEncryptedError(f"{WRONG_KEY} (the RSA private key does not open it)")
    return decrypt_bytes(ciphertext, key, check=check)


def _parse_rsa_envelope(data: bytes) -> tuple[dict[str, str], str]:
    """Header fields (``name`` → value) and the base64 payload of an RSA-mode file."""
    try:
        lines = data.decode("ascii").removeprefix("\ufeff").splitlines()
    except UnicodeDecodeError:
        raise NotEncryptedError("not an RSA-encrypted cfg file: it is not ASCII text") from None
    if not lines or not lines[0].startswith(RSA_MAGIC):
        raise NotEncryptedError(
            f"not an RSA-encrypted cfg file: it does not start with {RSA_MAGIC}"
        )
    headers: dict[str, str] = {}
    payload: list[str] = []
    section = "headers"
    for line in (raw.strip() for raw in lines):
        if line == RSA_BEGIN:
            section = "data"
        elif line == RSA_END:
            section = "end"
        elif section == "headers" and line.startswith("#!"):
            name, _, value = line[2:].partition(":")
            headers[name] = value
        elif section == "data":
            payload.append(line)
    if section != "end" or "key_ciphertext" not in headers:
        raise NotEncryptedError(
            "not an RSA-encrypted cfg file: it lacks the key or the BEGIN/END CONFIG DATA lines"
        )
    return headers, "".join(payload)


# --- format detection and phone settings -------------------------------------------


def security_file_path(path: str | os.PathLike[str]) -> Path:
    """Where a file's ``_Security.enc`` lives: next to it."""
    target = Path(path)
    return target.with_name(security_file_name(target.name))


def detect_format(data: bytes, path: str | os.PathLike[str] | None = None) -> Mode:
    """``rsa`` for an RSA envelope, ``keyfile`` when ``path`` has a ``_Security.enc``
    next to it, else ``aes`` (a key is needed)."""
    if is_rsa_envelope(data):
        return "rsa"
    if path is not None and security_file_path(path).is_file():
        return "keyfile"
    return "aes"


def phone_config_lines(mode: Mode, key: str | None = None) -> list[str]:
    """The settings that let a phone decrypt files of ``mode`` (for its web UI or boot file)."""
    if mode == "keyfile":
        return [format_entry("static.auto_provision.aes_key_in_file", "1")]
    if mode == "aes" and key is not None:
        return [
            format_entry("static.auto_provision.aes_key_in_file", "0"),
            format_entry("static.auto_provision.aes_key.com", key),
            format_entry("static.auto_provision.aes_key.mac", key),
        ]
    if mode == "aes":
        raise CryptoError("the phone settings of aes mode need the key")
    raise CryptoError("rsa mode has no AES key setting on the phone; install its private key")


# --- batch over files --------------------------------------------------------------

ProgressCallback = Callable[[str, int, int], None]
"""Called as ``progress(stage, done, total)`` from the calling thread."""


@dataclass(frozen=True, slots=True)
class FileResult:
    """What happened to one input file. ``status``: ``ok``, ``refused`` (wrong key,
    not encrypted, lint errors: exit 1) or ``error`` (unreadable, no key: exit 2)."""

    source: str
    status: Status
    mode: Mode | None = None
    output: str | None = None
    security_file: str | None = None
    message: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "status": self.status,
            "mode": self.mode,
            "output": self.output,
            "security_file": self.security_file,
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class BatchResult:
    """The outcome of :func:`encrypt_paths` or :func:`decrypt_paths`.

    Files are written only when every input succeeded (``written``); keys are
    never part of it, except ``phone_config`` when it was asked for.
    """

    command: Literal["encrypt", "decrypt"]
    out_dir: str
    files: tuple[FileResult, ...]
    written: bool
    mode: Mode | None = None
    keys_file: str | None = None
    warnings: tuple[str, ...] = ()
    phone_config: tuple[str, ...] = ()

    @property
    def exit_code(self) -> int:
        """0 all done, 2 when a file had an error, 1 when a file was refused."""
        statuses = {result.status for result in self.files}
        return 2 if "error" in statuses else 1 if "refused" in statuses else 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "command": self.command,
            "out_dir": self.out_dir,
            "mode": self.mode,
            "written": self.written,
            "exit_code": self.exit_code,
            "keys_file": self.keys_file,
            "warnings": list(self.warnings),
            "phone_config": list(self.phone_config),
            "files": [result.to_dict() for result in self.files],
        }


@dataclass(slots=True)
class _Outcome:
    result: FileResult
    writes: list[tuple[Path, bytes]] = field(default_factory=list)
    generated_key: str | None = None


def collect_inputs(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Files to process: each file as given, and the ``*.cfg`` files directly in each
    directory, sorted; duplicates dropped."""
    inputs: list[Path] = []
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = sorted(
                child
                for child in path.iterdir()
                if child.suffix.lower() == _CFG_SUFFIX and child.is_file()
            )
            if not found:
                raise CfgIOError(f"{path}: no {_CFG_SUFFIX} files in this directory")
        elif path.is_file():
            found = [path]
        else:
            raise CfgIOError(f"{path}: no such file or directory")
        for file in found:
            resolved = file.resolve()
            if resolved not in seen:
                seen.add(resolved)
                inputs.append(file)
    if not inputs:
        raise CfgIOError("no input files given")
    return inputs


def default_jobs() -> int:
    """Worker threads by default: enough to overlap file I/O on any machine."""
    return min(32, (os.cpu_count() or 1) + 4)


def encrypt_paths(
    paths: Iterable[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    *,
    mode: Mode = "aes",
    key: str | None = None,
    generate: bool = False,
    key_length: int | None = None,
    rsa_public_key: bytes | None = None,
    lint: bool = True,
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

    With ``lint``, files that do not decode as UTF-8, are already encrypted, or
    have lint errors are refused. Nothing is written unless every file
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
        if lint:
            refusal = _lint_refusal(data, source)
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
    warnings: list[str] = []
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
) -> BatchResult:
    """Decrypt files (directories: their ``*.cfg`` files) into ``out_dir`` (mode 0600).

    Each file's format is detected (:func:`detect_format`): RSA files need
    ``rsa_private_key`` (PEM), key-file mode files use their ``_Security.enc``,
    others need ``key``. Nothing is written unless every file decrypts to a
    plausible cfg file, and nothing is ever written over an input file.
    """
    if key is not None:
        validate_aes_key(key)
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
        elif mode == "keyfile":
            plaintext = decrypt_keyfile(data, read_bytes(security_file_path(source)))
        elif key is None:
            raise CryptoError(
                f"no {security_file_name(source.name)} next to it, so it needs a key: "
                "give --key-file, --key-env or --key"
            )
        else:
            plaintext = decrypt_bytes(data, key)
        target = out / source.name
        return _Outcome(
            FileResult(str(source), "ok", mode, output=str(target)), [(target, plaintext)]
        )

    outcomes = _map(_guarded(decrypt_one, None), inputs, jobs, progress, "decrypting")
    written = all(outcome.result.status == "ok" for outcome in outcomes)
    if written:
        _write_all(out, [], outcomes, 0o600, jobs, progress)
    return BatchResult("decrypt", str(out), tuple(o.result for o in outcomes), written)


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


def _lint_refusal(data: bytes, source: Path) -> str | None:
    """Why ``data`` should not be encrypted as it is, or None."""
    if is_rsa_envelope(data):
        return "it is already encrypted (RSA mode); use --no-lint to encrypt it anyway"
    try:
        text = decode(data)
    except CfgDecodeError as exc:
        return f"{exc}; use --no-lint to encrypt it anyway"
    from cfgtool.linting.config import config_for
    from cfgtool.linting.engine import lint as run_lint

    # The same configuration `cfgtool lint` uses for this file (select, ignore, severity).
    diagnostics = run_lint(loads(text, filename=str(source)), config_for(source))
    errors = [d for d in diagnostics if d.severity == "error"]
    if not errors:
        return None
    first = errors[0]
    return (
        f"{len(errors)} lint error{'s' if len(errors) > 1 else ''} (first: line {first.line}: "
        f"{first.code} {first.message}); fix them, or use --no-lint to encrypt it anyway"
    )


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


def _keys_csv(path: Path, rows: Mapping[str, str | None]) -> bytes:
    """``keys.csv`` (header ``file,key``): the rows of an existing one, updated with ``rows``."""
    merged: dict[str, str] = {}
    if path.exists():
        try:
            existing = list(csv.reader(io.StringIO(read_bytes(path).decode("utf-8"))))
        except UnicodeDecodeError:
            existing = []
        if not existing or existing[0] != ["file", "key"]:
            raise CryptoError(f"{path} exists and is not a keys file (file,key); move it away")
        merged.update((row[0], row[1]) for row in existing[1:] if len(row) == 2)
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
    """Create ``out``, write ``first`` (keys, so none are lost), then every outcome's files."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CfgIOError(f"cannot create {out}: {exc.strerror or exc}") from None
    for path, data, file_mode in first:
        atomic_write_bytes(path, data, mode=file_mode)

    def write(outcome: _Outcome) -> None:
        for path, data in outcome.writes:
            atomic_write_bytes(path, data, mode=mode)

    _map(write, outcomes, jobs, progress, "writing")


_In = TypeVar("_In")
_Out = TypeVar("_Out")


def _map(
    work: Callable[[_In], _Out],
    items: Sequence[_In],
    jobs: int | None,
    progress: ProgressCallback | None,
    stage: str,
) -> list[_Out]:
    """``[work(item) for item in items]`` on ``jobs`` threads, reporting progress."""
    total = len(items)
    workers = default_jobs() if jobs is None else max(1, jobs)
    if workers == 1 or total <= 1:
        results = []
        for done, item in enumerate(items, start=1):
            results.append(work(item))
            if progress:
                progress(stage, done, total)
        return results
    slots: list[_Out | None] = [None] * total
    with ThreadPoolExecutor(max_workers=min(workers, total)) as pool:
        futures = {pool.submit(work, item): index for index, item in enumerate(items)}
        for done, future in enumerate(as_completed(futures), start=1):
            slots[futures[future]] = future.result()
            if progress:
                progress(stage, done, total)
    return cast("list[_Out]", slots)
