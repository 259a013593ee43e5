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

Modules: :mod:`~cfgtool.crypto.keys`, :mod:`~cfgtool.crypto.aes`,
:mod:`~cfgtool.crypto.keyfile`, :mod:`~cfgtool.crypto.rsa`,
:mod:`~cfgtool.crypto.formats` (format detection, phone settings) and
:mod:`~cfgtool.crypto.batch` (many files). Their names are importable from
here and load on first use, so that ``import cfgtool`` (and lint's CFG402,
which needs the key alphabet) stays cheap; ``cryptography`` itself is only
imported inside the functions that need it. :func:`encrypt_paths` lints what
it encrypts, so its home is :mod:`cfgtool.runners.encrypt_batch`, above the
lint engine; it is importable from here by name as before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cfgtool._lazy import homes, lazy_getattr

if TYPE_CHECKING:
    from cfgtool.crypto.aes import decrypt_bytes as decrypt_bytes
    from cfgtool.crypto.aes import encrypt_bytes as encrypt_bytes
    from cfgtool.crypto.aes import zero_pad as zero_pad
    from cfgtool.crypto.batch import ProgressCallback as ProgressCallback
    from cfgtool.crypto.batch import Refusal as Refusal
    from cfgtool.crypto.batch import collect_inputs as collect_inputs
    from cfgtool.crypto.batch import decrypt_paths as decrypt_paths
    from cfgtool.crypto.batch import default_jobs as default_jobs
    from cfgtool.crypto.batch import encrypt_files as encrypt_files
    from cfgtool.crypto.batch import read_keys_csv as read_keys_csv
    from cfgtool.crypto.formats import detect_format as detect_format
    from cfgtool.crypto.formats import phone_config_lines as phone_config_lines
    from cfgtool.crypto.keyfile import KeyFileCiphertext as KeyFileCiphertext
    from cfgtool.crypto.keyfile import decrypt_keyfile as decrypt_keyfile
    from cfgtool.crypto.keyfile import encrypt_keyfile as encrypt_keyfile
    from cfgtool.crypto.keyfile import make_security_file as make_security_file
    from cfgtool.crypto.keyfile import read_security_file as read_security_file
    from cfgtool.crypto.keyfile import security_file_name as security_file_name
    from cfgtool.crypto.keyfile import security_file_path as security_file_path
    from cfgtool.crypto.keys import BLOCK_SIZE as BLOCK_SIZE
    from cfgtool.crypto.keys import BUILTIN_KEY as BUILTIN_KEY
    from cfgtool.crypto.keys import DEFAULT_RSA_KEY_LENGTH as DEFAULT_RSA_KEY_LENGTH
    from cfgtool.crypto.keys import KEY_ALPHABET as KEY_ALPHABET
    from cfgtool.crypto.keys import KEY_LENGTHS as KEY_LENGTHS
    from cfgtool.crypto.keys import KEY_SPECIAL_CHARACTERS as KEY_SPECIAL_CHARACTERS
    from cfgtool.crypto.keys import KEYFILE_WARNING as KEYFILE_WARNING
    from cfgtool.crypto.keys import KEYS_FILE_NAME as KEYS_FILE_NAME
    from cfgtool.crypto.keys import KEYS_FILE_WARNING as KEYS_FILE_WARNING
    from cfgtool.crypto.keys import MODES as MODES
    from cfgtool.crypto.keys import SECURITY_SUFFIX as SECURITY_SUFFIX
    from cfgtool.crypto.keys import WRONG_KEY as WRONG_KEY
    from cfgtool.crypto.keys import Mode as Mode
    from cfgtool.crypto.keys import NotEncryptedError as NotEncryptedError
    from cfgtool.crypto.keys import Status as Status
    from cfgtool.crypto.keys import generate_key as generate_key
    from cfgtool.crypto.keys import key_from_env as key_from_env
    from cfgtool.crypto.keys import read_key_file as read_key_file
    from cfgtool.crypto.keys import resolve_key as resolve_key
    from cfgtool.crypto.keys import validate_aes_key as validate_aes_key
    from cfgtool.crypto.results import BatchResult as BatchResult
    from cfgtool.crypto.results import FileResult as FileResult
    from cfgtool.crypto.rsa import RSA_BEGIN as RSA_BEGIN
    from cfgtool.crypto.rsa import RSA_END as RSA_END
    from cfgtool.crypto.rsa import RSA_MAGIC as RSA_MAGIC
    from cfgtool.crypto.rsa import RSA_SIGNATURE as RSA_SIGNATURE
    from cfgtool.crypto.rsa import RSA_VERSION as RSA_VERSION
    from cfgtool.crypto.rsa import decrypt_rsa as decrypt_rsa
    from cfgtool.crypto.rsa import encrypt_rsa as encrypt_rsa
    from cfgtool.crypto.rsa import is_rsa_envelope as is_rsa_envelope
    from cfgtool.crypto.rsa import load_rsa_private_key as load_rsa_private_key
    from cfgtool.crypto.rsa import load_rsa_public_key as load_rsa_public_key
    from cfgtool.sources import is_plausible_cfg as is_plausible_cfg

_HOMES: dict[str, str] = {
    **homes(
        "cfgtool.crypto.keys",
        (
            "Mode",
            "MODES",
            "Status",
            "BLOCK_SIZE",
            "KEY_LENGTHS",
            "KEY_SPECIAL_CHARACTERS",
            "KEY_ALPHABET",
            "BUILTIN_KEY",
            "SECURITY_SUFFIX",
            "KEYS_FILE_NAME",
            "WRONG_KEY",
            "DEFAULT_RSA_KEY_LENGTH",
            "KEYFILE_WARNING",
            "KEYS_FILE_WARNING",
            "NotEncryptedError",
            "validate_aes_key",
            "generate_key",
            "read_key_file",
            "key_from_env",
            "resolve_key",
        ),
    ),
    **homes("cfgtool.crypto.aes", ("zero_pad", "encrypt_bytes", "decrypt_bytes")),
    **homes(
        "cfgtool.crypto.keyfile",
        (
            "KeyFileCiphertext",
            "security_file_name",
            "make_security_file",
            "read_security_file",
            "encrypt_keyfile",
            "decrypt_keyfile",
            "security_file_path",
        ),
    ),
    **homes(
        "cfgtool.crypto.rsa",
        (
            "RSA_MAGIC",
            "RSA_VERSION",
            "RSA_SIGNATURE",
            "RSA_BEGIN",
            "RSA_END",
            "load_rsa_public_key",
            "load_rsa_private_key",
            "is_rsa_envelope",
            "encrypt_rsa",
            "decrypt_rsa",
        ),
    ),
    **homes("cfgtool.crypto.formats", ("detect_format", "phone_config_lines")),
    **homes("cfgtool.crypto.results", ("FileResult", "BatchResult")),
    **homes(
        "cfgtool.crypto.batch",
        (
            "ProgressCallback",
            "Refusal",
            "collect_inputs",
            "default_jobs",
            "encrypt_files",
            "decrypt_paths",
            "read_keys_csv",
        ),
    ),
    "is_plausible_cfg": "cfgtool.sources",
    **homes("cfgtool.runners.encrypt_batch", ("encrypt_paths", "lint_refusal")),
}

__getattr__ = lazy_getattr(__name__, _HOMES)
__all__ = sorted(_HOMES)
