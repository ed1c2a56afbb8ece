"""Evidence files on disk, outside the database, addressed by SHA-256 so a repeated write is harmless.

Uploads are streamed into a staging file while hashed (never held whole in memory); a checked file is
then moved into place with an atomic rename.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from domain.evidence import SNIFF_BYTES

CHUNK = 256 * 1024


@dataclass(frozen=True, slots=True)
class StagedFile:
    name: str  # as the consumer named it (shown back to staff only)
    path: Path
    size: int  # bytes read; stops counting past the limit
    sha256: str
    head: bytes

    def discard(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


async def stage(root: Path, name: str, chunks: AsyncIterator[bytes], max_bytes: int) -> StagedFile:
    """Stream an upload into root/tmp; reading stops one chunk past max_bytes (the file is refused anyway)."""
    tmp_dir = root / "tmp"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    digest, size, head = hashlib.sha256(), 0, b""
    fd, tmp = tempfile.mkstemp(dir=tmp_dir)
    with os.fdopen(fd, "wb") as out:
        async for chunk in chunks:
            if len(head) < SNIFF_BYTES:
                head += chunk[: SNIFF_BYTES - len(head)]
            size += len(chunk)
            if size > max_bytes:
                break
            digest.update(chunk)
            out.write(chunk)
    return StagedFile(
        name=os.path.basename(name or "")[:200],
        path=Path(tmp),
        size=size,
        sha256=digest.hexdigest(),
        head=head,
    )


def commit(root: Path, staged: StagedFile) -> Path:
    """Move a checked file to its content address; a file already there is the same bytes."""
    target = root / staged.sha256[:2] / staged.sha256
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(staged.path, target)
    return target


def path_of(root: Path, sha256: str) -> Path:
    return root / sha256[:2] / sha256
