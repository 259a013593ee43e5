"""Encryption library (issue 7): formats, keys, detection, batch."""

from __future__ import annotations

import base64
import csv
import os
import shutil
import stat
import string
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cfgtool import crypto
from cfgtool.crypto import (
    BUILTIN_KEY,
    KEY_ALPHABET,
    WRONG_KEY,
    NotEncryptedError,
    decrypt_bytes,
    decrypt_keyfile,
    decrypt_paths,
    decrypt_rsa,
    encrypt_bytes,
    encrypt_keyfile,
    encrypt_paths,
    encrypt_rsa,
)
from cfgtool.diagnostics import Diagnostic
from cfgtool.errors import CfgIOError, CryptoError

KEY16 = "0123456789abcdef"
KEY32 = "Yealink#Key$2024-AES256:Test=OK~"
OTHER16 = "fedcba9876543210"
PLAIN = b"#!version:1.0.0.1\naccount.1.label = Reception\n"
CFG = b"#!version:1.0.0.1\naccount.1.label = Reception\naccount.1.password = s3cret\n"

OPENSSL = shutil.which("openssl")
needs_openssl = pytest.mark.skipif(OPENSSL is None, reason="openssl is not installed")

key16s = st.text(alphabet=KEY_ALPHABET, min_size=16, max_size=16)
key32s = st.text(alphabet=KEY_ALPHABET, min_size=32, max_size=32)
any_keys = key16s | key32s
# Text cfg files: a header, then anything but NUL (zero padding is stripped on decryption).
cfg_texts = st.text(st.characters(codec="utf-8", exclude_characters="\x00")).map(
    lambda body: ("#!version:1.0.0.1\n" + body).encode("utf-8")
)


def zero_padded(data: bytes) -> bytes:
    """The padding of the facts, written out here independently of crypto.zero_pad."""
    while len(data) % 16:
        data += b"\x00"
    return data


def openssl(*args: str, data: bytes) -> bytes:
    assert OPENSSL is not None
    return subprocess.run([OPENSSL, *args], input=data, capture_output=True, check=True).stdout


def openssl_aes(data: bytes, key: str, *, decrypt: bool = False) -> bytes:
    cipher = f"-aes-{len(key) * 8}-ecb"
    flags = ["-d"] if decrypt else []
    return openssl("enc", cipher, *flags, "-nopad", "-K", key.encode().hex(), data=data)


@pytest.fixture(scope="session")
def rsa_keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One 2048-bit key pair for the session (plus a small unrelated private key)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    directory = tmp_path_factory.mktemp("rsa")
    paths = {}
    for name, bits in (("", 2048), ("other-", 1024)):
        private = rsa.generate_private_key(public_exponent=65537, key_size=bits)
        paths[name + "private"] = directory / f"{name}private.pem"
        paths[name + "private"].write_bytes(
            private.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        paths[name + "public"] = directory / f"{name}public.pem"
        paths[name + "public"].write_bytes(
            private.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )
    return paths


# --- keys ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    [KEY16, KEY32, "#$%*+,-.:=?@[]^_", "{}~ABCDEFGHIJKLM", "a" * 32, "Z9" * 8],
)
def test_valid_keys_pass(key: str) -> None:
    assert crypto.validate_aes_key(key) == key


@pytest.mark.parametrize("length", [0, 1, 15, 17, 24, 31, 33, 64])
def test_key_length_rule(length: int) -> None:
    with pytest.raises(CryptoError, match=rf"AES key is {length} characters long; .*16.*32"):
        crypto.validate_aes_key("a" * length)


@pytest.mark.parametrize(
    ("key", "position", "shown"),
    [
        ("0123456789abcde!", 16, "'!'"),
        (" 123456789abcdef", 1, "' ' (U+0020)"),
        ("0123456789abcdef ", 17, "' ' (U+0020)"),
        ("01234567/9abcdef", 9, "'/'"),
        ("0123é56789abcdef", 5, "'é'"),
        ("01\t3456789abcdef", 3, "'\\t' (U+0009)"),
        ("abc&", 4, "'&'"),
        ('01"3456789abcdef', 3, "'\"'"),
    ],
)
def test_key_character_rule(key: str, position: int, shown: str) -> None:
    with pytest.raises(CryptoError) as info:
        crypto.validate_aes_key(key)
    message = str(info.value)
    assert f"AES key character {position} is not allowed" in message
    # Issue 16 item 13: no part of a key is ever echoed, not even the bad character.
    assert shown not in message and key not in message and key[:4] not in message


def test_alphabet_is_the_documented_one() -> None:
    documented = [
        "#",
        "$",
        "%",
        "*",
        "+",
        ",",
        "-",
        ".",
        ":",
        "=",
        "?",
        "@",
        "[",
        "]",
        "^",
        "_",
        "{",
        "}",
        "~",
    ]
    assert len(KEY_ALPHABET) == len(set(KEY_ALPHABET)) == 10 + 26 + 26 + len(documented) == 81
    assert set(KEY_ALPHABET) - set(documented) == set(string.digits + string.ascii_letters)
    assert not set(" !\"&'()/;<>\\`|") & set(KEY_ALPHABET)


@pytest.mark.parametrize("length", [16, 32])
def test_generate_key_is_valid_and_random(length: int) -> None:
    keys = {crypto.generate_key(length) for _ in range(20)}
    assert len(keys) == 20
    assert all(len(key) == length and crypto.validate_aes_key(key) for key in keys)


def test_generate_key_draws_from_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    # generate_key imports secrets when it runs (lint never makes keys): patch the module.
    monkeypatch.setattr("secrets.choice", lambda alphabet: alphabet[-1])
    assert crypto.generate_key() == "~" * 16


@pytest.mark.parametrize("length", [0, 15, 24, 64])
def test_generate_key_refuses_other_lengths(length: int) -> None:
    with pytest.raises(CryptoError, match="16 or 32"):
        crypto.generate_key(length)


@pytest.mark.parametrize(
    "content",
    [
        KEY16.encode(),
        KEY16.encode() + b"\n",
        KEY16.encode() + b"\r\nsecond line is ignored\n",
        b"  " + KEY16.encode() + b"  \n",
        b"\xef\xbb\xbf" + KEY16.encode() + b"\n",
    ],
)
def test_read_key_file_takes_the_first_line(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "k").write_bytes(content)
    assert crypto.read_key_file(tmp_path / "k") == KEY16


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "has no key on its first line"),
        (b"\n" + KEY16.encode(), "has no key on its first line"),
        (b"\xff\xfe", "is not text"),
        (b"0123456789abcde\n", "AES key is 15 characters long"),
        (b"0123456789abcd e\n", "AES key character 15 is not allowed"),
    ],
)
def test_read_key_file_errors_name_the_file(tmp_path: Path, content: bytes, message: str) -> None:
    (tmp_path / "k").write_bytes(content)
    with pytest.raises(CryptoError, match=f"key file {tmp_path / 'k'}.*{message}"):
        crypto.read_key_file(tmp_path / "k")


def test_read_key_file_missing(tmp_path: Path) -> None:
    with pytest.raises(CfgIOError, match="no such file"):
        crypto.read_key_file(tmp_path / "absent")


def test_key_from_env() -> None:
    assert crypto.key_from_env("K", {"K": KEY32 + "\n"}) == KEY32
    with pytest.raises(CryptoError, match="K is not set or empty"):
        crypto.key_from_env("K", {})
    with pytest.raises(CryptoError, match="K is not set or empty"):
        crypto.key_from_env("K", {"K": " "})
    with pytest.raises(CryptoError, match="variable K: AES key is 3 characters"):
        crypto.key_from_env("K", {"K": "abc"})


def test_resolve_key_sources(tmp_path: Path) -> None:
    (tmp_path / "k").write_text(KEY16)
    assert crypto.resolve_key() is None
    assert crypto.resolve_key(key_file=tmp_path / "k") == KEY16
    assert crypto.resolve_key(key_env="K", environ={"K": KEY32}) == KEY32
    assert crypto.resolve_key(key=OTHER16) == OTHER16
    with pytest.raises(CryptoError, match="one way only, not --key-file and --key"):
        crypto.resolve_key(key_file=tmp_path / "k", key=KEY16)
    with pytest.raises(CryptoError, match="AES key character"):
        crypto.resolve_key(key="not a key at all")


# --- plain AES mode --------------------------------------------------------------------


@pytest.mark.parametrize(("size", "padded"), [(0, 0), (1, 16), (15, 16), (16, 16), (17, 32)])
def test_zero_pad(size: int, padded: int) -> None:
    data = b"x" * size
    assert crypto.zero_pad(data) == data + b"\x00" * (padded - size)


# Computed with: openssl enc -aes-{128,256}-ecb -nopad -K <hex of key> over PLAIN zero-padded.
KNOWN_ANSWERS = [
    (
        KEY16,
        "22e88b18521c9155c78839d7ac8c1c4483e95e968e5518def524d89ff73ba408"
        "84db32c517f46808e75d2b30ad826f33",
    ),
    (
        KEY32,
        "a681da533837064a611986d4366db94059f6e3ba3a010b2496f2f825f0d77eb2"
        "bb687a14b869b93f1ff5481c7cb0588b",
    ),
]


@pytest.mark.parametrize(("key", "expected"), KNOWN_ANSWERS)
def test_known_answer_recorded(key: str, expected: str) -> None:
    assert encrypt_bytes(PLAIN, key).hex() == expected
    assert decrypt_bytes(bytes.fromhex(expected), key) == PLAIN


def test_known_answer_security_file_recorded() -> None:
    # openssl enc -aes-128-ecb -nopad -K <hex of EKs35XacP6eybA25> over the 16 key bytes
    expected = bytes.fromhex("9ac2c3f3eaec7479d009d9feb0080c5c")
    assert crypto.make_security_file("Ab3#kX9$qZ1%mN7*") == expected
    assert crypto.read_security_file(expected) == "Ab3#kX9$qZ1%mN7*"


@needs_openssl
@pytest.mark.parametrize("key", [KEY16, KEY32, "#$%*+,-.:=?@[]^_"])
@pytest.mark.parametrize(
    "plaintext", [b"k=v", PLAIN, CFG, b"#!version:1.0.0.1\n" + b"a = b\n" * 100]
)
def test_known_answer_openssl(key: str, plaintext: bytes) -> None:
    expected = openssl_aes(zero_padded(plaintext), key)
    assert encrypt_bytes(plaintext, key) == expected
    # ...and what another tool made decrypts with cfgtool.
    assert decrypt_bytes(expected, key) == plaintext


@needs_openssl
@pytest.mark.parametrize("key", ["Ab3#kX9$qZ1%mN7*", "{}~ABCDEFGHIJKLM"])
def test_known_answer_openssl_keyfile_mode(key: str) -> None:
    security = openssl_aes(key.encode(), BUILTIN_KEY)
    assert len(security) == 16
    assert crypto.make_security_file(key) == security
    ciphertext = openssl_aes(zero_padded(CFG), key)
    assert encrypt_keyfile(CFG, key) == (ciphertext, security, key)
    assert decrypt_keyfile(ciphertext, security) == CFG


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=300), key=any_keys)
def test_round_trip_any_bytes(data: bytes, key: str) -> None:
    ciphertext = encrypt_bytes(data, key)
    assert len(ciphertext) == len(data) + (-len(data) % 16)
    assert decrypt_bytes(ciphertext, key, check=False) == data.rstrip(b"\x00")


@settings(max_examples=40, deadline=None)
@given(data=cfg_texts, key=any_keys)
def test_round_trip_cfg_text_checked(data: bytes, key: str) -> None:
    assert decrypt_bytes(encrypt_bytes(data, key), key) == data


@settings(max_examples=40, deadline=None)
@given(data=cfg_texts, key=any_keys, wrong=any_keys)
def test_wrong_key_is_detected(data: bytes, key: str, wrong: str) -> None:
    if wrong == key:
        return
    with pytest.raises(NotEncryptedError, match=WRONG_KEY):
        decrypt_bytes(encrypt_bytes(data, key), wrong)


@pytest.mark.parametrize("size", [1, 15, 17, 33, 1000])
def test_ciphertext_not_whole_blocks(size: int) -> None:
    with pytest.raises(NotEncryptedError, match=rf"16-byte blocks, and this is {size} bytes"):
        decrypt_bytes(b"\x01" * size, KEY16)


def test_empty_ciphertext() -> None:
    assert decrypt_bytes(b"", KEY16, check=False) == b""
    with pytest.raises(NotEncryptedError, match=WRONG_KEY):
        decrypt_bytes(b"", KEY16)


@pytest.mark.parametrize(
    "plaintext",
    [b"#!version:1.0.0.1\n" + b"k" * 14, b"sixteen = bytes\n", bytes(range(256))],
)
def test_not_encrypted_input_is_refused(plaintext: bytes) -> None:
    assert len(plaintext) % 16 == 0
    with pytest.raises(NotEncryptedError, match=WRONG_KEY):
        decrypt_bytes(plaintext, KEY16)


@pytest.mark.parametrize(
    ("data", "plausible"),
    [
        (b"#!version:1.0.0.1\n", True),
        (b"#!version:1.0.0.1", True),
        (b"\xef\xbb\xbf#!version:1.0.0.1\r\nk = v\r\n", True),
        (b"account.1.label = Reception\n", True),
        (b"# only a comment\n", False),
        (b"", False),
        (b"no equals\n", False),
        (b"#!version:1.0.0.1\n\xff", False),
        (bytes(range(16)), False),
    ],
)
def test_is_plausible_cfg(data: bytes, plausible: bool) -> None:
    assert crypto.is_plausible_cfg(data) is plausible


# --- key-file mode -----------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(data=cfg_texts, key=key16s | st.none())
def test_round_trip_keyfile(data: bytes, key: str | None) -> None:
    encrypted = encrypt_keyfile(data, key)
    assert len(encrypted.security) == 16
    assert key is None or encrypted.key == key
    assert crypto.read_security_file(encrypted.security) == encrypted.key
    assert decrypt_keyfile(encrypted.ciphertext, encrypted.security) == data


def test_keyfile_mode_keys_are_fresh_per_file() -> None:
    assert encrypt_keyfile(CFG).key != encrypt_keyfile(CFG).key


def test_keyfile_mode_needs_16_characters() -> None:
    with pytest.raises(CryptoError, match="16-character key"):
        crypto.make_security_file(KEY32)


@pytest.mark.parametrize(
    ("security", "message"),
    [
        (b"", "must be 16 bytes, and it is 0"),
        (b"\x00" * 32, "must be 16 bytes, and it is 32"),
        (b"\x00" * 16, "holds no valid key"),
        (encrypt_bytes(b"0123456789abcd!!", BUILTIN_KEY), "holds no valid key"),
    ],
)
def test_bad_security_file(security: bytes, message: str) -> None:
    with pytest.raises(NotEncryptedError, match=message):
        decrypt_keyfile(encrypt_bytes(CFG, KEY16), security)


@pytest.mark.parametrize(
    ("name", "security"),
    [
        ("y000000000028.cfg", "y000000000028_Security.enc"),
        ("001565aabbcc.cfg", "001565aabbcc_Security.enc"),
        ("site.a.cfg", "site.a_Security.enc"),
        ("plain", "plain_Security.enc"),
    ],
)
def test_security_file_name(name: str, security: str) -> None:
    assert crypto.security_file_name(name) == security


# --- RSA mode ----------------------------------------------------------------------------


@settings(max_examples=15, deadline=None)
@given(data=cfg_texts, key=any_keys)
def test_round_trip_rsa(rsa_keys: dict[str, Path], data: bytes, key: str) -> None:
    envelope = encrypt_rsa(data, rsa_keys["public"].read_bytes(), key)
    lines = envelope.split(b"\r\n")
    assert lines[:3] == [
        b"#!encrypt:1.0.0.0",
        b"#!key_signatue:RSA_256",
        f"#!conf_encryption:AES_{len(key) * 8}".encode(),
    ]
    assert lines[3].startswith(b"#!key_ciphertext:")
    assert lines[4:] == [
        b"#!---BEGIN CONFIG DATA---",
        base64.b64encode(encrypt_bytes(data, key)),
        b"#!---END CONFIG DATA---",
        b"",
    ]
    assert b"\n" not in envelope.replace(b"\r\n", b"")
    assert decrypt_rsa(envelope, rsa_keys["private"].read_bytes()) == data


def test_rsa_default_key_is_aes_256(rsa_keys: dict[str, Path]) -> None:
    envelope = encrypt_rsa(CFG, rsa_keys["public"].read_bytes())
    assert b"#!conf_encryption:AES_256\r\n" in envelope
    assert encrypt_rsa(CFG, rsa_keys["public"].read_bytes()) != envelope


@needs_openssl
@pytest.mark.parametrize("key", [KEY16, KEY32])
def test_rsa_file_opens_with_openssl(rsa_keys: dict[str, Path], key: str) -> None:
    envelope = encrypt_rsa(CFG, rsa_keys["public"].read_bytes(), key).decode().split("\r\n")
    key_ciphertext = base64.b64decode(envelope[3].removeprefix("#!key_ciphertext:"))
    recovered = openssl(
        "pkeyutl", "-decrypt", "-inkey", str(rsa_keys["private"]),
        "-pkeyopt", "rsa_padding_mode:pkcs1", data=key_ciphertext,
    )  # fmt: skip
    assert recovered.decode() == key
    assert openssl_aes(base64.b64decode(envelope[5]), key, decrypt=True) == zero_padded(CFG)


@needs_openssl
@pytest.mark.parametrize("key", [KEY16, KEY32])
def test_rsa_file_made_by_openssl_opens(rsa_keys: dict[str, Path], key: str) -> None:
    key_ciphertext = openssl(
        "pkeyutl", "-encrypt", "-pubin", "-inkey", str(rsa_keys["public"]),
        "-pkeyopt", "rsa_padding_mode:pkcs1", data=key.encode(),
    )  # fmt: skip
    lines = [
        "#!encrypt:1.0.0.0",
        "#!key_signatue:RSA_256",
        f"#!conf_encryption:AES_{len(key) * 8}",
        "#!key_ciphertext:" + base64.b64encode(key_ciphertext).decode(),
        "#!---BEGIN CONFIG DATA---",
        base64.b64encode(openssl_aes(zero_padded(CFG), key)).decode(),
        "#!---END CONFIG DATA---",
    ]
    envelope = ("\r\n".join(lines) + "\r\n").encode()
    assert decrypt_rsa(envelope, rsa_keys["private"].read_bytes()) == CFG
    assert decrypt_rsa(envelope.replace(b"\r\n", b"\n"), rsa_keys["private"].read_bytes()) == CFG


def test_rsa_wrong_private_key(rsa_keys: dict[str, Path]) -> None:
    envelope = encrypt_rsa(CFG, rsa_keys["public"].read_bytes())
    with pytest.raises(NotEncryptedError, match=WRONG_KEY):
        decrypt_rsa(envelope, rsa_keys["other-private"].read_bytes())


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda e: e.replace(b"#!---END CONFIG DATA---\r\n", b""), "BEGIN/END"),
        (lambda e: e.replace(b"#!key_ciphertext:", b"#!key_other:"), "lacks the key"),
        (lambda e: e.replace(b"#!---BEGIN CONFIG DATA---\r\n", b"#!---BEGIN CONFIG DATA---\r\n!"),
         "base64 is damaged"),
        (lambda e: e + "é".encode(), "not ASCII text"),
        (lambda e: b"\r\n" + e, "does not start with #!encrypt:"),
        (lambda e: e.replace(b"AES_128", b"AES_256"), WRONG_KEY),
    ],
)  # fmt: skip
def test_rsa_damaged_envelope(
    rsa_keys: dict[str, Path], damage: Callable[[bytes], bytes], message: str
) -> None:
    envelope = damage(encrypt_rsa(CFG, rsa_keys["public"].read_bytes(), KEY16))
    with pytest.raises(NotEncryptedError, match=message):
        decrypt_rsa(envelope, rsa_keys["private"].read_bytes())


def test_rsa_public_key_from_certificate(rsa_keys: dict[str, Path]) -> None:
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.x509.oid import NameOID

    private = serialization.load_pem_private_key(rsa_keys["private"].read_bytes(), None)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "phone")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())  # type: ignore[arg-type]
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(private, hashes.SHA256())  # type: ignore[arg-type]
    )
    pem = certificate.public_bytes(serialization.Encoding.PEM)
    assert decrypt_rsa(encrypt_rsa(CFG, pem), rsa_keys["private"].read_bytes()) == CFG


def test_rsa_key_loading_errors(rsa_keys: dict[str, Path]) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    with pytest.raises(CryptoError, match="not a PEM public key"):
        crypto.load_rsa_public_key(b"garbage")
    with pytest.raises(CryptoError, match="not a PEM private key"):
        crypto.load_rsa_private_key(rsa_keys["public"].read_bytes())
    ec_key = ec.generate_private_key(ec.SECP256R1())
    ec_public = ec_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    with pytest.raises(CryptoError, match="not an RSA public key"):
        crypto.load_rsa_public_key(ec_public)
    private = serialization.load_pem_private_key(rsa_keys["private"].read_bytes(), None)
    locked = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"pw"),
    )
    with pytest.raises(CryptoError, match="password-protected"):
        crypto.load_rsa_private_key(locked)


# --- detection and phone settings ----------------------------------------------------------


def test_detect_format(tmp_path: Path, rsa_keys: dict[str, Path]) -> None:
    envelope = encrypt_rsa(CFG, rsa_keys["public"].read_bytes())
    assert crypto.detect_format(envelope) == "rsa"
    assert crypto.detect_format(b"\xef\xbb\xbf" + envelope) == "rsa"
    target = tmp_path / "y000000000028.cfg"
    assert crypto.detect_format(b"\x01" * 16, target) == "aes"
    assert crypto.detect_format(b"\x01" * 16) == "aes"
    (tmp_path / "y000000000028_Security.enc").write_bytes(b"\x00" * 16)
    assert crypto.detect_format(b"\x01" * 16, target) == "keyfile"
    assert crypto.detect_format(envelope, target) == "rsa"


def test_phone_config_lines() -> None:
    assert crypto.phone_config_lines("aes", KEY16) == [
        "static.auto_provision.aes_key_in_file = 0",
        f"static.auto_provision.aes_key.com = {KEY16}",
        f"static.auto_provision.aes_key.mac = {KEY16}",
    ]
    assert crypto.phone_config_lines("keyfile") == ["static.auto_provision.aes_key_in_file = 1"]
    with pytest.raises(CryptoError):
        crypto.phone_config_lines("aes")
    with pytest.raises(CryptoError, match="rsa mode"):
        crypto.phone_config_lines("rsa")


# --- batch -------------------------------------------------------------------------------


@pytest.fixture
def plain_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "plain"
    directory.mkdir()
    (directory / "y000000000028.cfg").write_bytes(CFG)
    (directory / "001565aabbcc.cfg").write_bytes(b"#!version:1.0.0.1\r\nlang.gui = English\r\n")
    (directory / "notes.txt").write_bytes(b"not a cfg file, not picked from a directory")
    return directory


def tree(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir())}


def test_batch_aes_round_trip(plain_dir: Path, tmp_path: Path) -> None:
    result = encrypt_paths([plain_dir], tmp_path / "enc", key=KEY16, lint=False)
    assert result.exit_code == 0 and result.written and result.keys_file is None
    assert [Path(f.source).name for f in result.files] == ["001565aabbcc.cfg", "y000000000028.cfg"]
    encrypted = tree(tmp_path / "enc")
    assert encrypted == {
        name: encrypt_bytes(data, KEY16)
        for name, data in tree(plain_dir).items()
        if name != "notes.txt"
    }
    back = decrypt_paths([tmp_path / "enc"], tmp_path / "dec", key=KEY16)
    assert back.exit_code == 0
    assert tree(tmp_path / "dec") == {k: v for k, v in tree(plain_dir).items() if k != "notes.txt"}
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in (tmp_path / "dec").iterdir())


def test_batch_generated_key_goes_to_keys_csv(plain_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "enc"
    result = encrypt_paths(
        [plain_dir], out, generate=True, key_length=32, lint=False, phone_config=True
    )
    keys_file = out / "keys.csv"
    assert result.keys_file == str(keys_file)
    assert stat.S_IMODE(keys_file.stat().st_mode) == 0o600
    rows = list(csv.reader(keys_file.read_text().splitlines()))
    assert rows[0] == ["file", "key"]
    assert [row[0] for row in rows[1:]] == ["001565aabbcc.cfg", "y000000000028.cfg"]
    key = rows[1][1]
    assert len(key) == 32 and rows[2][1] == key
    assert f"static.auto_provision.aes_key.com = {key}" in result.phone_config
    assert decrypt_bytes((out / "y000000000028.cfg").read_bytes(), key) == CFG
    assert any("keys.csv holds the keys" in warning for warning in result.warnings)


def test_keys_csv_keeps_earlier_rows_and_stays_0600(plain_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "enc"
    out.mkdir()
    (out / "keys.csv").write_text("file,key\nold.cfg,AAAAAAAAAAAAAAAA\ny000000000028.cfg,stale\n")
    os.chmod(out / "keys.csv", 0o644)
    encrypt_paths([plain_dir / "y000000000028.cfg"], out, mode="keyfile", lint=False)
    rows = list(csv.reader((out / "keys.csv").read_text().splitlines()))
    assert rows[:2] == [["file", "key"], ["old.cfg", "AAAAAAAAAAAAAAAA"]]
    assert rows[2][0] == "y000000000028.cfg" and rows[2][1] != "stale"
    assert stat.S_IMODE((out / "keys.csv").stat().st_mode) == 0o600


def test_foreign_keys_csv_is_not_overwritten(plain_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "enc"
    out.mkdir()
    (out / "keys.csv").write_text("name,password\n")
    with pytest.raises(CryptoError, match="not a keys file"):
        encrypt_paths([plain_dir], out, generate=True, lint=False)
    assert tree(out) == {"keys.csv": b"name,password\n"}


def test_batch_keyfile_mode(plain_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "enc"
    result = encrypt_paths([plain_dir], out, mode="keyfile", lint=False)
    assert result.warnings[0] == crypto.KEYFILE_WARNING
    assert BUILTIN_KEY in result.warnings[0] and "anyone who gets both files" in result.warnings[0]
    assert sorted(tree(out)) == [
        "001565aabbcc.cfg",
        "001565aabbcc_Security.enc",
        "keys.csv",
        "y000000000028.cfg",
        "y000000000028_Security.enc",
    ]
    keys = dict(csv.reader((out / "keys.csv").read_text().splitlines()[1:]))
    assert (
        crypto.read_security_file((out / "y000000000028_Security.enc").read_bytes())
        == keys["y000000000028.cfg"]
    )
    assert decrypt_paths([out], tmp_path / "dec").exit_code == 0
    assert (tmp_path / "dec" / "y000000000028.cfg").read_bytes() == CFG


def test_batch_keyfile_mode_with_given_key_writes_no_keys_csv(
    plain_dir: Path, tmp_path: Path
) -> None:
    result = encrypt_paths([plain_dir], tmp_path / "enc", mode="keyfile", key=KEY16, lint=False)
    assert result.keys_file is None and not (tmp_path / "enc" / "keys.csv").exists()
    with pytest.raises(CryptoError, match="16-character keys only"):
        encrypt_paths([plain_dir], tmp_path / "enc2", mode="keyfile", key=KEY32, lint=False)


def test_stale_security_file_is_reported(plain_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "enc"
    encrypt_paths([plain_dir], out, mode="keyfile", lint=False)
    result = encrypt_paths([plain_dir / "y000000000028.cfg"], out, key=KEY16, lint=False)
    assert result.warnings == (
        f"{out / 'y000000000028_Security.enc'} is left from a keyfile-mode run: delete it, "
        "or phones and cfgtool decrypt will use it instead of the key",
    )


def test_batch_rsa_mode(plain_dir: Path, tmp_path: Path, rsa_keys: dict[str, Path]) -> None:
    out = tmp_path / "enc"
    result = encrypt_paths(
        [plain_dir], out, mode="rsa", rsa_public_key=rsa_keys["public"].read_bytes(), lint=False
    )
    assert result.exit_code == 0 and sorted(tree(out)) == ["001565aabbcc.cfg", "y000000000028.cfg"]
    missing = decrypt_paths([out], tmp_path / "dec")
    assert missing.exit_code == 2 and "--rsa-private" in (missing.files[0].message or "")
    back = decrypt_paths([out], tmp_path / "dec", rsa_private_key=rsa_keys["private"].read_bytes())
    assert back.exit_code == 0 and [f.mode for f in back.files] == ["rsa", "rsa"]
    assert (tmp_path / "dec" / "y000000000028.cfg").read_bytes() == CFG


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "aes mode needs a key"),
        ({"key": KEY16, "generate": True}, "not both"),
        ({"mode": "rsa"}, "needs the RSA public key"),
        ({"key": KEY16, "rsa_public_key": b"x"}, "only used with --mode rsa"),
        ({"key": KEY16, "key_length": 20}, "16 or 32"),
        ({"key": KEY16, "key_length": 32}, "the key given has 16 characters"),
        ({"key": "short"}, "AES key is 5 characters"),
        ({"mode": "des", "key": KEY16}, "unknown mode"),
    ],
)
def test_batch_usage_errors(
    plain_dir: Path, tmp_path: Path, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(CryptoError, match=message):
        encrypt_paths([plain_dir], tmp_path / "enc", lint=False, **kwargs)  # type: ignore[arg-type]
    assert not (tmp_path / "enc").exists()


def test_never_writes_over_the_input(plain_dir: Path) -> None:
    before = tree(plain_dir)
    with pytest.raises(CryptoError, match=r"refusing to write .* over the input file"):
        encrypt_paths([plain_dir], plain_dir, key=KEY16, lint=False)
    with pytest.raises(CryptoError, match="over the input file"):
        encrypt_paths(
            [plain_dir / "y000000000028.cfg"], plain_dir / "." / "", key=KEY16, lint=False
        )
    with pytest.raises(CryptoError, match="over the input file"):
        decrypt_paths([plain_dir / "y000000000028.cfg"], plain_dir, key=KEY16)
    assert tree(plain_dir) == before


def test_never_writes_over_the_input_through_a_symlink(plain_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "link").symlink_to(plain_dir)
    with pytest.raises(CryptoError, match="over the input file"):
        encrypt_paths([plain_dir], tmp_path / "link", key=KEY16, lint=False)


def test_two_inputs_with_one_name(plain_dir: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "y000000000028.cfg").write_bytes(CFG)
    with pytest.raises(CryptoError, match="both be written to"):
        encrypt_paths([plain_dir, other], tmp_path / "enc", key=KEY16, lint=False)


def test_inputs_are_collected_once(plain_dir: Path, tmp_path: Path) -> None:
    result = encrypt_paths(
        [plain_dir, plain_dir / "y000000000028.cfg", plain_dir / "notes.txt"],
        tmp_path / "enc",
        key=KEY16,
        lint=False,
    )
    assert [Path(f.source).name for f in result.files] == [
        "001565aabbcc.cfg",
        "y000000000028.cfg",
        "notes.txt",
    ]


@pytest.mark.parametrize("make", ["missing", "empty-dir", "out-is-file"])
def test_input_and_output_errors(tmp_path: Path, plain_dir: Path, make: str) -> None:
    out = tmp_path / "enc"
    paths = [plain_dir]
    if make == "missing":
        paths = [tmp_path / "absent.cfg"]
    elif make == "empty-dir":
        (tmp_path / "empty").mkdir()
        paths = [tmp_path / "empty"]
    else:
        out.write_text("")
    with pytest.raises(CfgIOError):
        encrypt_paths(paths, out, key=KEY16, lint=False)


def test_one_wrong_key_writes_nothing(plain_dir: Path, tmp_path: Path) -> None:
    encrypted = tmp_path / "enc"
    encrypt_paths([plain_dir], encrypted, key=KEY16, lint=False)
    (encrypted / "y000000000028.cfg").write_bytes(encrypt_bytes(CFG, OTHER16))
    result = decrypt_paths([encrypted], tmp_path / "dec", key=KEY16)
    assert result.exit_code == 1 and not result.written
    assert [f.status for f in result.files] == ["ok", "refused"]
    assert result.files[1].message == WRONG_KEY
    assert not (tmp_path / "dec").exists()


def test_decrypting_plain_files_is_refused(plain_dir: Path, tmp_path: Path) -> None:
    result = decrypt_paths([plain_dir], tmp_path / "dec", key=KEY16)
    assert result.exit_code == 1
    assert all(WRONG_KEY in (f.message or "") for f in result.files)
    assert not (tmp_path / "dec").exists()


def test_decrypt_without_key(plain_dir: Path, tmp_path: Path) -> None:
    encrypt_paths([plain_dir], tmp_path / "enc", key=KEY16, lint=False)
    result = decrypt_paths([tmp_path / "enc"], tmp_path / "dec")
    assert result.exit_code == 2
    assert "no y000000000028_Security.enc next to it" in (result.files[1].message or "")


def test_unreadable_input_is_an_error(
    plain_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cfgtool.fsutil import read_bytes as real_read

    def read(path: Path) -> bytes:
        if Path(path).name == "y000000000028.cfg":
            raise CfgIOError(f"{path}: cannot read: Permission denied")
        return real_read(path)

    monkeypatch.setattr("cfgtool.crypto.batch.read_bytes", read)
    result = encrypt_paths([plain_dir], tmp_path / "enc", key=KEY16, lint=False)
    assert result.exit_code == 2 and not (tmp_path / "enc").exists()
    assert [f.status for f in result.files] == ["ok", "error"]
    assert "Permission denied" in (result.files[1].message or "")


def test_lint_refuses_binary_and_encrypted_input(
    plain_dir: Path, tmp_path: Path, rsa_keys: dict[str, Path]
) -> None:
    (plain_dir / "y000000000028.cfg").write_bytes(encrypt_bytes(CFG, KEY16))
    (plain_dir / "001565aabbcc.cfg").write_bytes(encrypt_rsa(CFG, rsa_keys["public"].read_bytes()))
    result = encrypt_paths([plain_dir], tmp_path / "enc", key=KEY16)
    assert result.exit_code == 1 and not (tmp_path / "enc").exists()
    assert "already encrypted (RSA mode)" in (result.files[0].message or "")
    assert "not valid UTF-8 text" in (result.files[1].message or "")
    assert all("--no-lint" in (f.message or "") for f in result.files)
    assert encrypt_paths([plain_dir], tmp_path / "enc", key=KEY16, lint=False).exit_code == 0


def test_lint_errors_refuse_the_file(
    plain_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = pytest.importorskip("cfgtool.linting.engine")
    seen = []

    def fake_lint(doc: object, config: object = None) -> list[Diagnostic]:
        seen.append(getattr(doc, "filename", None))
        return [
            Diagnostic("W1", "warning", "only a warning", line=2),
            Diagnostic("E9", "error", "broken", line=3),
        ]

    monkeypatch.setattr(engine, "lint", fake_lint)
    result = encrypt_paths([plain_dir / "y000000000028.cfg"], tmp_path / "enc", key=KEY16)
    assert seen == [str(plain_dir / "y000000000028.cfg")]
    assert result.exit_code == 1 and not (tmp_path / "enc").exists()
    assert result.files[0].message == (
        "1 lint error (first: line 3: E9 broken); fix them, or use --no-lint to encrypt it anyway"
    )


def test_clean_file_passes_the_real_linter(plain_dir: Path, tmp_path: Path) -> None:
    result = encrypt_paths([plain_dir / "y000000000028.cfg"], tmp_path / "enc", key=KEY16)
    assert result.exit_code == 0, result.files[0].message


def test_real_lint_errors_refuse_unless_the_project_config_ignores_them(tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    (source / "y000000000028.cfg").write_bytes(b"#!version:1.0.0.1\nkey value\n")
    refused = encrypt_paths([source], tmp_path / "enc", key=KEY16)
    assert refused.exit_code == 1 and "CFG103" in (refused.files[0].message or "")
    (source / ".cfgtool.toml").write_text('ignore = ["CFG103"]\n')
    assert encrypt_paths([source], tmp_path / "enc", key=KEY16).exit_code == 0


@pytest.mark.parametrize("jobs", [1, 3, None])
def test_jobs_and_progress(tmp_path: Path, jobs: int | None) -> None:
    source = tmp_path / "src"
    source.mkdir()
    files = {f"{n:012x}.cfg": b"#!version:1.0.0.1\nk = %d\n" % n for n in range(12)}
    for name, data in files.items():
        (source / name).write_bytes(data)
    calls: list[tuple[str, int, int]] = []
    result = encrypt_paths(
        [source], tmp_path / "enc", key=KEY16, lint=False, jobs=jobs,
        progress=lambda *call: calls.append(call),
    )  # fmt: skip
    assert [Path(f.source).name for f in result.files] == sorted(files)
    assert tree(tmp_path / "enc") == {n: encrypt_bytes(d, KEY16) for n, d in files.items()}
    assert [c for c in calls if c[0] == "encrypting"][-1] == ("encrypting", 12, 12)
    assert [c for c in calls if c[0] == "writing"][-1] == ("writing", 12, 12)
    assert len(calls) == 24


def test_batch_result_json_shape(plain_dir: Path, tmp_path: Path) -> None:
    result = encrypt_paths([plain_dir], tmp_path / "enc", generate=True, lint=False)
    data = result.to_dict()
    assert set(data) == {
        "command", "out_dir", "mode", "written", "exit_code", "keys_file", "warnings",
        "phone_config", "files",
    }  # fmt: skip
    assert data["files"][0]["status"] == "ok"
    key = next(csv.reader((tmp_path / "enc" / "keys.csv").read_text().splitlines()[1:]))[1]
    assert key not in repr(data)
