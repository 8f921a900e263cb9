"""Ed25519 keys and signatures through the ``cryptography`` library (the ``register`` extra).

Keys belong to their users: :func:`write_key_pair` writes a new pair into files the user
names (never replacing a file), the register keeps only public keys, and a private key is
read from its file only for the moment of signing.  Signatures cover a domain tag and the
canonical bytes of the operation, so a signature made for one purpose cannot be replayed
as another.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

from xlspectrum.core.validation import MissingExtraError, WrongTypeError

__all__ = ["SIGNATURE_DOMAIN", "public_key_hex", "read_private_key", "read_public_key", "sign", "signature_valid",
           "write_key_pair"]

#: Prefixed to every signed message: a signature over a register operation means only that
SIGNATURE_DOMAIN = b"xlspectrum-register-operation/1\x00"
#: Environment variable holding the passphrase of an encrypted private key file
PASSPHRASE_VARIABLE = "XLSPECTRUM_KEY_PASSPHRASE"


class KeyError_(WrongTypeError):
    """A key file that cannot be read or used."""


@functools.cache
def _crypto():
    try:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ed25519
    except ImportError:
        raise MissingExtraError('signing and verifying the register needs cryptography: pip install "xlspectrum[register]"') from None
    return ed25519, serialization, InvalidSignature


def generate_private_key() -> Any:
    """A new Ed25519 private key (from the operating system's random source)."""
    ed25519, _, _ = _crypto()
    return ed25519.Ed25519PrivateKey.generate()


def public_key_hex(key: Any) -> str:
    """The 32-byte raw public key as 64 hex digits (of a private or a public key)."""
    _, serialization, _ = _crypto()
    public = key.public_key() if hasattr(key, "public_key") else key
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


@functools.lru_cache(maxsize=1024)
def public_key_from_hex(text: str) -> Any:
    ed25519, _, _ = _crypto()
    try:
        raw = bytes.fromhex(text)
        return ed25519.Ed25519PublicKey.from_public_bytes(raw)
    except (ValueError, TypeError):
        raise KeyError_(f"public key {text[:16]!r}... is not 64 hex digits of an Ed25519 key") from None


def sign(key: Any, message: bytes) -> str:
    """Ed25519 signature of the domain tag and ``message``, as 128 hex digits."""
    _crypto()
    if not hasattr(key, "sign") or not hasattr(key, "public_key"):
        raise KeyError_("key must be an Ed25519 private key (read_private_key reads one from its file)")
    return key.sign(SIGNATURE_DOMAIN + message).hex()


def signature_valid(public_key: str, message: bytes, signature: str) -> bool:
    """Whether ``signature`` (hex) signs the domain tag and ``message`` under ``public_key`` (hex)."""
    _, _, invalid = _crypto()
    try:
        raw = bytes.fromhex(signature)
    except (ValueError, TypeError):
        return False
    try:
        public_key_from_hex(public_key).verify(raw, SIGNATURE_DOMAIN + message)
    except invalid:
        return False
    return True


def _create(path: Path, data: bytes, mode: int) -> None:
    """Write a new file; refuse if anything is at ``path`` already (O_EXCL: no race, no overwrite)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except FileExistsError:
        raise KeyError_(f"{path} exists; a key file is never replaced: choose another name") from None
    except OSError as error:
        raise KeyError_(f"cannot write {path}: {error.strerror}") from None
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def write_key_pair(private_path: str | os.PathLike[str], public_path: str | os.PathLike[str],
                   passphrase: bytes | None = None) -> str:
    """Generate an Ed25519 key pair into two new files; return the public key (hex).

    The private key is PKCS#8 PEM, readable by its owner only (mode 0600), encrypted when a
    passphrase is given; the public key is SubjectPublicKeyInfo PEM.  Neither file may exist.
    """
    _, serialization, _ = _crypto()
    private_path, public_path = Path(private_path), Path(public_path)
    if private_path.resolve() == public_path.resolve():
        raise KeyError_("the private and the public key need two different files")
    for path in (private_path, public_path):
        if path.exists():
            raise KeyError_(f"{path} exists; a key file is never replaced: choose another name")
    key = generate_private_key()
    encryption = (serialization.BestAvailableEncryption(passphrase) if passphrase
                  else serialization.NoEncryption())
    private_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
    public_pem = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    _create(private_path, private_pem, 0o600)
    try:
        _create(public_path, public_pem, 0o644)
    except KeyError_:
        private_path.unlink()
        raise
    return public_key_hex(key)


def _key_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise KeyError_(f"cannot read the key file {path}: {error.strerror}") from None


def read_private_key(path: str | os.PathLike[str], passphrase: bytes | None = None) -> Any:
    """An Ed25519 private key from a PEM file (passphrase from the argument or $XLSPECTRUM_KEY_PASSPHRASE)."""
    ed25519, serialization, _ = _crypto()
    path = Path(path)
    data = _key_file(path)
    if passphrase is None and os.environ.get(PASSPHRASE_VARIABLE):
        passphrase = os.environ[PASSPHRASE_VARIABLE].encode()
    try:
        key = serialization.load_pem_private_key(data, password=passphrase)
    except TypeError:
        raise KeyError_(f"{path} is encrypted: set {PASSPHRASE_VARIABLE} to its passphrase") from None
    except ValueError:
        raise KeyError_(f"{path} is not a readable PEM private key (or the passphrase is wrong)") from None
    if not isinstance(key, ed25519.Ed25519PrivateKey):
        raise KeyError_(f"{path} holds a {type(key).__name__}, not an Ed25519 private key")
    return key


def read_public_key(path: str | os.PathLike[str]) -> str:
    """An Ed25519 public key from a PEM file (or a file of 64 hex digits), as hex."""
    ed25519, serialization, _ = _crypto()
    path = Path(path)
    data = _key_file(path)
    stripped = data.strip()
    if len(stripped) == 64:
        return public_key_hex(public_key_from_hex(stripped.decode("ascii", "replace")))
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError:
        raise KeyError_(f"{path} is not a PEM public key") from None
    if not isinstance(key, ed25519.Ed25519PublicKey):
        raise KeyError_(f"{path} holds a {type(key).__name__}, not an Ed25519 public key")
    return public_key_hex(key)
