"""Evidence file samples: the magic bytes the server checks, then filler; and PDFs built to order."""

from __future__ import annotations

import functools
import zlib

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x11" * 200
PNG = b"\x89PNG\r\n\x1a\n" + b"\x22" * 200
PDF = b"%PDF-1.7\n" + b"\x33" * 200


def pdf(*objects: bytes) -> bytes:
    """A minimal PDF holding these objects' bodies (numbered from 1)."""
    body = b"".join(b"%d 0 obj\n%s\nendobj\n" % (i, o) for i, o in enumerate(objects, start=1))
    return b"%PDF-1.7\n" + body + b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"


def flate_object(data: bytes, extra: bytes = b"") -> bytes:
    packed = zlib.compress(data, 9)
    return b"<< /Length %d /Filter /FlateDecode %s>>\nstream\n%s\nendstream" % (len(packed), extra, packed)


@functools.cache
def bomb_pdf(inflated_mb: int) -> bytes:
    """A PDF of a few kilobytes whose one compressed stream inflates to `inflated_mb` MB."""
    return pdf(b"<< /Type /Catalog >>", flate_object(b"\0" * (inflated_mb * 1024 * 1024)))
