"""Evidence files on disk, outside the database, addressed by SHA-256 so a repeated write is harmless.

Uploads are streamed into a staging file while hashed (never held whole in memory); a checked file is
then moved into place with an atomic rename. The name the browser sent is kept only as a label: it is
cut to its last component and cleaned (safe_name), and never becomes a path.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import mmap
import os
import re
import tempfile
import unicodedata
import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from domain.evidence import HEAD_BYTES, MAX_INFLATED_BYTES

CHUNK = 256 * 1024
NAME_MAX = 200
_PATH_SEPARATORS = re.compile(r"[/\\]")
_WINDOWS_RESERVED = re.compile(r'[<>:"|?*]')
_STREAM = re.compile(rb"(?<!end)stream\r?\n")


@dataclass(frozen=True, slots=True)
class StagedFile:
    name: str  # as the consumer named it, cleaned by safe_name (shown back to staff only)
    path: Path
    size: int  # bytes read; stops counting past the limit
    sha256: str
    head: bytes  # the first HEAD_BYTES
    inflated: int = 0  # what a PDF's compressed streams expand to, counted to just past the budget

    def discard(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


def safe_name(name: str) -> str:
    """A label from a browser's file name: its last path component (either separator), without control,
    format (text-direction) or Windows-reserved characters, leading dots or spaces, at most NAME_MAX
    characters with the extension kept. May be empty."""
    base = _PATH_SEPARATORS.split(unicodedata.normalize("NFC", name or ""))[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Zl", "Zp"))
    base = _WINDOWS_RESERVED.sub("_", base).strip().lstrip(".").strip()
    if len(base) > NAME_MAX:
        stem, dot, ext = base.rpartition(".")
        base = f"{stem[: NAME_MAX - len(ext) - 1]}.{ext}" if dot and 0 < len(ext) <= 10 else base[:NAME_MAX]
    return base


async def stage(root: Path, name: str, chunks: AsyncIterator[bytes], max_bytes: int) -> StagedFile:
    """Stream an upload into root/tmp; reading stops one chunk past max_bytes (the file is refused anyway)."""
    tmp_dir = root / "tmp"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    digest, size, head = hashlib.sha256(), 0, b""
    fd, tmp = tempfile.mkstemp(dir=tmp_dir)
    with os.fdopen(fd, "wb") as out:
        async for chunk in chunks:
            if len(head) < HEAD_BYTES:
                head += chunk[: HEAD_BYTES - len(head)]
            size += len(chunk)
            if size > max_bytes:
                break
            digest.update(chunk)
            out.write(chunk)
    inflated = 0
    if head.startswith(b"%PDF-") and 0 < size <= max_bytes:
        inflated = await asyncio.to_thread(pdf_inflated_size, Path(tmp), MAX_INFLATED_BYTES)
    return StagedFile(
        name=safe_name(name),
        path=Path(tmp),
        size=size,
        sha256=digest.hexdigest(),
        head=head,
        inflated=inflated,
    )


def pdf_inflated_size(path: Path, budget: int) -> int:
    """What the zlib (FlateDecode) streams of a PDF expand to, counted in bounded steps and stopped just
    past `budget`: a small file that claims gigabytes is found without holding them."""
    total = 0
    with path.open("rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
        for match in _STREAM.finditer(data):  # type: ignore[call-overload]
            inflater, pos = zlib.decompressobj(), match.end()
            try:
                while pos < len(data) and not inflater.eof:
                    pending, pos = data[pos : pos + CHUNK], pos + CHUNK
                    while pending and not inflater.eof:
                        total += len(inflater.decompress(pending, 1024 * 1024))
                        if total > budget:
                            return total
                        pending = inflater.unconsumed_tail
            except zlib.error:
                continue  # not a zlib stream (a JPEG image, say), or a damaged one
    return total


_SUFFIXES = {
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    "application/pdf": (".pdf",),
    "image/heic": (".heic", ".heif"),
}


def download_name(original: str | None, content_type: str, fallback: str) -> str:
    """The name a stored file is downloaded under: its cleaned label, ending in the extension of what
    the file really is (a PDF labelled 'setup.exe' downloads as 'setup.exe.pdf')."""
    name = safe_name(original or "") or fallback
    suffixes = _SUFFIXES.get(content_type, ())
    if suffixes and not name.lower().endswith(suffixes):
        name = f"{name[: NAME_MAX - len(suffixes[0])]}{suffixes[0]}"
    return name


def commit(root: Path, staged: StagedFile) -> Path:
    """Move a checked file to its content address; a file already there is the same bytes."""
    target = root / staged.sha256[:2] / staged.sha256
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(staged.path, target)
    return target


def path_of(root: Path, sha256: str) -> Path:
    return root / sha256[:2] / sha256
