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

from domain.evidence import ACTIVE_PDF_NAMES, HEAD_BYTES, MAX_INFLATED_BYTES

CHUNK = 256 * 1024
NAME_MAX = 200
_PATH_SEPARATORS = re.compile(r"[/\\]")
_WINDOWS_RESERVED = re.compile(r'[<>:"|?*]')
_STREAM = re.compile(rb"(?<!end)stream\r?\n")


def _name_pattern(word: str) -> bytes:
    """A PDF name as it may be written: each character itself or #hh (/JavaScript is /J#61vaScript too),
    ended by whitespace or a delimiter so that /JSON is not /JS."""

    def char(c: str) -> str:
        hi, lo = f"{ord(c):02X}"[0], f"{ord(c):02X}"[1]
        return f"(?:{re.escape(c)}|#{hi}[{lo}{lo.lower()}])"

    return ("/" + "".join(char(c) for c in word) + r"(?=[\s()<>\[\]{}/%]|$)").encode()


_ACTIVE = re.compile(b"|".join(_name_pattern(w) for w in ACTIVE_PDF_NAMES))
_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_TAIL = 64  # a name cut by an inflation step is found with the next one


@dataclass(frozen=True, slots=True)
class StagedFile:
    name: str  # as the consumer named it, cleaned by safe_name (shown back to staff only)
    path: Path
    size: int  # bytes read; stops counting past the limit
    sha256: str
    head: bytes  # the first HEAD_BYTES
    inflated: int = 0  # what a PDF's compressed streams expand to, counted to just past the budget
    inflate_budget: int = MAX_INFLATED_BYTES  # what was left of the upload's budget for this file
    active: tuple[str, ...] = ()  # a PDF's script or launch names (/JS, /JavaScript, /Launch) found

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


async def stage(
    root: Path,
    name: str,
    chunks: AsyncIterator[bytes],
    max_bytes: int,
    inflate_budget: int = MAX_INFLATED_BYTES,
) -> StagedFile:
    """Stream an upload into root/tmp; reading stops one chunk past max_bytes (the file is refused anyway).
    A PDF's streams are inflated up to `inflate_budget` (what is left of its upload's budget)."""
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
    inflated, active = 0, tuple[str, ...]()
    if head.startswith(b"%PDF-") and 0 < size <= max_bytes:
        inflated, active = await asyncio.to_thread(inspect_pdf, Path(tmp), max(inflate_budget, 0))
    return StagedFile(
        name=safe_name(name),
        path=Path(tmp),
        size=size,
        sha256=digest.hexdigest(),
        head=head,
        inflated=inflated,
        inflate_budget=inflate_budget,
        active=active,
    )


def pdf_inflated_size(path: Path, budget: int) -> int:
    return inspect_pdf(path, budget)[0]


def inspect_pdf(path: Path, budget: int) -> tuple[int, tuple[str, ...]]:
    """What the zlib (FlateDecode) streams of a PDF expand to, counted in bounded steps and stopped just
    past `budget` (a small file that claims gigabytes is found without holding them); and the script or
    launch names (/JS, /JavaScript, /Launch) written in the file or in its inflated streams (object
    streams hide dictionaries there)."""
    total, found = 0, set()
    with path.open("rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
        found.update(_active_names(data))
        for match in _STREAM.finditer(data):  # type: ignore[call-overload]
            inflater, pos, tail = zlib.decompressobj(), match.end(), b""
            try:
                while pos < len(data) and not inflater.eof:
                    pending, pos = data[pos : pos + CHUNK], pos + CHUNK
                    while pending and not inflater.eof:
                        piece = inflater.decompress(pending, 1024 * 1024)
                        total += len(piece)
                        found.update(_active_names(tail + piece))
                        if total > budget:
                            return total, tuple(sorted(found))
                        tail, pending = piece[-_TAIL:], inflater.unconsumed_tail
            except zlib.error:
                continue  # not a zlib stream (a JPEG image, say), or a damaged one
    return total, tuple(sorted(found))


def _active_names(data: bytes | mmap.mmap) -> set[str]:
    return {
        _ESCAPE.sub(lambda m: bytes.fromhex(m.group(1).decode()), m.group()).decode("latin-1")[1:]
        for m in _ACTIVE.finditer(data)  # type: ignore[call-overload]
    }


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
