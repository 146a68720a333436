"""The shipped icons are what iconart draws, and their notice names source and licence."""

from __future__ import annotations

import struct
import zlib

import pytest

from eks_refarch.rendering import iconart
from eks_refarch.rendering.iconart import ICON_DIR


def _chunks(data: bytes) -> dict[bytes, bytes]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    chunks: dict[bytes, bytes] = {}
    offset = 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        chunks[kind] = chunks.get(kind, b"") + data[offset + 8 : offset + 8 + length]
        offset += 12 + length
    return chunks


@pytest.mark.parametrize("name", sorted(iconart.ICONS))
def test_the_committed_icon_is_what_the_generator_draws(name: str) -> None:
    chunks = _chunks((ICON_DIR / name).read_bytes())
    width, height, depth, colour = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert (width, height, depth, colour) == (iconart.SIZE, iconart.SIZE, 8, 6)
    # Pixels, not bytes, are compared: another zlib may compress the same rows differently.
    assert zlib.decompress(chunks[b"IDAT"]) == iconart.rasterise(iconart.ICONS[name]())


def test_the_generator_writes_a_well_formed_png() -> None:
    rows = iconart.rasterise(iconart.kiali())
    chunks = _chunks(iconart.png(rows))
    assert set(chunks) == {b"IHDR", b"IDAT", b"IEND"}
    assert len(rows) == iconart.SIZE * (1 + 4 * iconart.SIZE)


def test_the_notice_names_each_icon_its_source_and_licence() -> None:
    notice = (ICON_DIR / "NOTICE.md").read_text(encoding="utf-8")
    for name in iconart.ICONS:
        assert f"`{name}`" in notice
    assert "drawn by this project" in notice
    assert "Apache-2.0" in notice
    assert "python -m eks_refarch.rendering.iconart" in notice
