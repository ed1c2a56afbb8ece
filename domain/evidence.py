"""Evidence files are recognised by their content (magic bytes), never by their name alone."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

ALLOWED = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf", "image/heic": ".heic"}
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
SNIFF_BYTES = 64
HEAD_BYTES = 256 * 1024  # enough to reach an image's dimensions past its metadata
MAX_FILES = 10
MAX_BYTES = 10 * 1024 * 1024
# What a file may become when opened (decompression bombs): a 200-megapixel phone photo passes,
# a PNG declaring 100000×100000 does not; a PDF whose compressed streams inflate past the budget
# is refused before any viewer of staff's tries to open it.
MAX_PIXELS = 250_000_000
MAX_INFLATED_BYTES = 200 * 1024 * 1024
# The files of one upload share that budget: ten PDFs of 100 MB each are refused after the second,
# without inflating the other eight.
MAX_INFLATED_BYTES_PER_UPLOAD = MAX_INFLATED_BYTES
# PDF names that run code when a desktop reader opens the file: scripts (also what an /OpenAction or
# /AA entry runs) and launching programs. An /OpenAction that only sets the first view is harmless.
ACTIVE_PDF_NAMES = ("JS", "JavaScript", "Launch")
_JPEG_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def sniff(head: bytes) -> str | None:
    """The content type of a file from its first bytes, or None when it is not an accepted kind."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    # ISO-BMFF: a 'ftyp' box whose major or a compatible brand is HEIF
    if len(head) >= 12 and head[4:8] == b"ftyp":
        box = min(int.from_bytes(head[:4], "big"), len(head))
        brands = {head[8:12]} | {head[i : i + 4] for i in range(16, box - 3, 4)}
        if brands & _HEIF_BRANDS:
            return "image/heic"
    return None


def pixel_size(kind: str, head: bytes) -> tuple[int, int] | None:
    """(width, height) an image declares in its first bytes, or None when they do not say."""
    if kind == "image/png" and head[12:16] == b"IHDR" and len(head) >= 24:
        return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
    if kind == "image/jpeg":
        return _jpeg_size(head)
    if kind == "image/heic":  # every 'ispe' (image spatial extents) property: the largest counts
        sizes = [
            (int.from_bytes(head[i + 8 : i + 12], "big"), int.from_bytes(head[i + 12 : i + 16], "big"))
            for i in (m.start() for m in re.finditer(b"ispe", head))
            if i + 16 <= len(head)
        ]
        return max(sizes, key=lambda s: s[0] * s[1]) if sizes else None
    return None


def _jpeg_size(head: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 4 <= len(head):
        if head[i] != 0xFF:
            return None
        marker = head[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker == 0x01 or 0xD0 <= marker <= 0xD8:  # markers without a length
            i += 2
            continue
        if marker == 0xDA:  # image data before any frame header
            return None
        if marker in _JPEG_SOF:
            if i + 9 > len(head):
                return None
            return int.from_bytes(head[i + 7 : i + 9], "big"), int.from_bytes(head[i + 5 : i + 7], "big")
        i += 2 + int.from_bytes(head[i + 2 : i + 4], "big")
    return None


@dataclass(frozen=True, slots=True)
class EvidenceProblem:
    name: str
    code: str  # "too_large", "empty", "bad_type", "too_many", "decompression_bomb", "pdf_script"
    message: str
    message_en: str


def check_file(
    name: str,
    size: int,
    head: bytes,
    max_bytes: int,
    *,
    inflated: int = 0,
    inflate_budget: int = MAX_INFLATED_BYTES,
    active: Sequence[str] = (),
) -> str | EvidenceProblem:
    """Return the detected content type, or the reason the file is refused.

    `inflated` is what the file's compressed streams expand to, counted up to just past
    `inflate_budget` (less than MAX_INFLATED_BYTES when earlier files of the same upload used some);
    `active` the script or launch names found in a PDF; `head` should reach past an image's metadata
    (HEAD_BYTES)."""
    shown = name[:80] or "文件"
    if size == 0:
        return EvidenceProblem(name, "empty", f"“{shown}”是空文件", f"{shown!r} is empty")
    if size > max_bytes:
        mb = max_bytes // (1024 * 1024)
        return EvidenceProblem(name, "too_large", f"“{shown}”超过{mb}MB", f"{shown!r} is larger than {mb} MB")
    kind = sniff(head)
    if kind is None:
        return EvidenceProblem(
            name,
            "bad_type",
            f"“{shown}”不是可接受的格式（仅限 JPEG、PNG、PDF、HEIC）",
            f"{shown!r} is not a JPEG, PNG, PDF or HEIC file",
        )
    dims = pixel_size(kind, head)
    if dims is not None and dims[0] * dims[1] > MAX_PIXELS:
        w, h = dims
        return EvidenceProblem(
            name,
            "decompression_bomb",
            f"“{shown}”声明的图像尺寸过大（{w}×{h}像素），无法作为证据接收",
            f"{shown!r} declares an image too large to open ({w}×{h} pixels)",
        )
    if inflated > inflate_budget and inflate_budget < MAX_INFLATED_BYTES:  # earlier files used the rest
        mb = MAX_INFLATED_BYTES_PER_UPLOAD // (1024 * 1024)
        return EvidenceProblem(
            name,
            "decompression_bomb",
            f"本次上传的PDF文件解压后合计超过{mb}MB（至“{shown}”），请分批上传",
            f"The PDFs of this upload expand to more than {mb} MB together (at {shown!r}); upload fewer",
        )
    if inflated > MAX_INFLATED_BYTES:
        mb = MAX_INFLATED_BYTES // (1024 * 1024)
        return EvidenceProblem(
            name,
            "decompression_bomb",
            f"“{shown}”解压后超过{mb}MB，无法作为证据接收",
            f"{shown!r} expands to more than {mb} MB when opened",
        )
    if kind == "application/pdf" and active:
        names = ", ".join("/" + a for a in active)
        return EvidenceProblem(
            name,
            "pdf_script",
            f"“{shown}”含有脚本或启动程序的指令（{names}），为安全起见不予接收；"
            "请用“打印为PDF”另存一份或改为上传截图、照片",
            f"{shown!r} contains scripts or launch actions ({names}) and is refused; "
            "print it to a new PDF or upload a screenshot instead",
        )
    return kind
