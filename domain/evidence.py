"""Evidence files are recognised by their content (magic bytes), never by their name alone."""

from __future__ import annotations

from dataclasses import dataclass

ALLOWED = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf", "image/heic": ".heic"}
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
SNIFF_BYTES = 64
MAX_FILES = 10
MAX_BYTES = 10 * 1024 * 1024


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


@dataclass(frozen=True, slots=True)
class EvidenceProblem:
    name: str
    code: str  # "too_large", "empty", "bad_type", "too_many"
    message: str
    message_en: str


def check_file(name: str, size: int, head: bytes, max_bytes: int) -> str | EvidenceProblem:
    """Return the detected content type, or the reason the file is refused."""
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
    return kind
