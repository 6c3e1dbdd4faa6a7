"""Downloads that are verified before use: checksums (pooch), content validation,
retries with back-off, atomic placement. A corrupt or partial file is removed and
reported, never used.

>>> fetch("https://zenodo.org/record/1466993/files/deepsea_predict.pth",
...       "results/downloads/deepsea/deepsea_predict.pth",
...       known_hash="md5:89e640bf6bdbe1ff165f484d9796efc7")          # doctest: +SKIP
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlparse

import pooch

log = logging.getLogger(__name__)

Validator = Callable[[Path], None]


class DownloadError(RuntimeError):
    """A file could not be fetched and verified."""


def fetch(
    url: str,
    path: str | os.PathLike,
    known_hash: str | None = None,
    retries: int = 3,
    validate: Validator | None = None,
    backoff: float = 2.0,
    timeout: float = 60.0,
    progress: bool = False,
) -> Path:
    """Make ``path`` a verified copy of ``url`` and return it.

    ``known_hash`` is ``"md5:..."``/``"sha256:..."`` (pooch's format) or ``None`` when no
    checksum is published; ``validate(path)`` raises ``ValueError`` if the content is
    wrong (use it to check the format when there is no checksum). An existing ``path``
    that fails either check is removed and downloaded again. ``http(s)``, ``ftp`` and
    ``file://`` URLs are supported. Raises :class:`DownloadError` after ``retries`` failed
    attempts, with each attempt's reason.
    """
    path = Path(path)
    if path.exists():
        try:
            _verify(path, known_hash, validate)
            return path
        except ValueError as err:
            log.warning(
                "%s exists but fails verification (%s); removing and downloading again", path, err
            )
            path.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in path.parent.glob(f".{path.name}.*"):
        # the temporary folder of a download that was killed (a job never cleans up then)
        log.warning("removing %s, left by an interrupted download", stale)
        shutil.rmtree(stale, ignore_errors=True)
    errors = []
    for attempt in range(1, retries + 1):
        with tempfile.TemporaryDirectory(prefix=f".{path.name}.", dir=path.parent) as tmp:
            try:
                got = Path(
                    pooch.retrieve(
                        url, known_hash=known_hash, fname=path.name, path=tmp,
                        downloader=_downloader(url, timeout, progress), progressbar=False,
                    )
                )  # fmt: skip
                _verify(got, None, validate)  # pooch already checked the hash
                mask = os.umask(0)
                os.umask(mask)
                os.chmod(got, 0o666 & ~mask)  # pooch's temporary file is 0600
                os.replace(got, path)
                log.info("fetched %s -> %s", url, path)
                return path
            except Exception as err:  # noqa: BLE001 - every failure is retried and reported
                errors.append(f"attempt {attempt}: {type(err).__name__}: {err}")
                log.warning("download of %s failed (%s)", url, errors[-1])
        if attempt < retries:
            time.sleep(backoff * 2 ** (attempt - 1))
    raise DownloadError(f"could not fetch {url} to {path}:\n  " + "\n  ".join(errors))


_DIGEST_LENGTH = {"md5": 32, "sha256": 64}


def read_checksums(path: str | os.PathLike, alg: str = "md5") -> dict[str, str]:
    """A folder's checksum listing (``md5sum.txt``, ``SHA256SUMS``: ``<digest>  <name>``
    per line, ``*`` before binary names, as ``md5sum``/``sha256sum`` write) as name ->
    digest; raises ``ValueError`` naming the file and line on anything else, or when it
    lists nothing."""
    if alg not in _DIGEST_LENGTH:
        raise ValueError(f"alg must be one of {sorted(_DIGEST_LENGTH)}, got {alg!r}")
    path = Path(path)
    sums = {}
    try:
        text = path.read_text()
    except UnicodeDecodeError as err:
        raise ValueError(f"{path}: not a {alg} checksum listing ({err})") from err
    for i, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        digest, _, name = line.strip().partition(" ")
        name = name.strip().lstrip("*")
        hexdigits = all(c in "0123456789abcdefABCDEF" for c in digest)
        if len(digest) != _DIGEST_LENGTH[alg] or not hexdigits or not name:
            raise ValueError(f"{path}: line {i} is not '<{alg}>  <file name>': {line[:80]!r}")
        sums[name] = digest.lower()
    if not sums:
        raise ValueError(f"{path}: lists no files")
    return sums


def fetch_listed(url: str, path: str | os.PathLike, md5sums: str | os.PathLike, **kwargs) -> Path:
    """:func:`fetch` ``url`` to ``path``, checked against the md5 that the folder's listing
    ``md5sums`` (a downloaded ``md5sum.txt``, :func:`read_checksums`) gives for the URL's
    file name; ``KeyError`` naming both when the listing lacks it."""
    name = unquote(urlparse(url).path).rsplit("/", 1)[-1]
    sums = read_checksums(md5sums, "md5")
    if name not in sums:
        raise KeyError(f"{md5sums} lists no md5 for {name!r} (of {url})")
    return fetch(url, path, known_hash=f"md5:{sums[name]}", **kwargs)


def file_hash(path: str | os.PathLike, alg: str = "sha256") -> str:
    """``"alg:hexdigest"`` of a file, in the form ``known_hash`` takes."""
    return f"{alg}:{pooch.file_hash(str(path), alg=alg)}"


def _verify(path: Path, known_hash: str | None, validate: Validator | None) -> None:
    if path.stat().st_size == 0:
        raise ValueError(f"{path} is empty")
    if known_hash is not None:
        alg, _, expected = known_hash.partition(":")
        if not expected:
            alg, expected = "sha256", alg
        actual = pooch.file_hash(str(path), alg=alg)
        if actual != expected.lower():
            raise ValueError(f"{path}: {alg} is {actual}, expected {expected}")
    if validate is not None:
        validate(path)


def _downloader(url: str, timeout: float, progress: bool):
    if urlparse(url).scheme == "file":
        return _copy_file
    if urlparse(url).scheme in ("http", "https"):
        return pooch.HTTPDownloader(progressbar=progress, timeout=timeout)
    return None  # pooch chooses (ftp, sftp, doi)


def _copy_file(url: str, output_file: str, pooch_obj: object, check_only: bool = False) -> bool:
    """pooch downloader for ``file://`` URLs (local mirrors)."""
    source = Path(unquote(urlparse(url).path))
    if check_only:
        return source.exists()
    if not source.exists():
        raise FileNotFoundError(f"{source} does not exist")
    with open(source, "rb") as src, open(output_file, "wb") as dst:  # streams (pipes too)
        shutil.copyfileobj(src, dst, length=1 << 20)
    return True
