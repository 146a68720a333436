"""Keeps rendered files under a key of everything that decides their bytes, to copy, not redraw."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


def digest(parts: Iterable[tuple[str, bytes]]) -> str:
    """SHA-256 over named parts, each length-prefixed so no two inputs collide."""
    h = hashlib.sha256()
    for name, data in parts:
        for piece in (name.encode(), data):
            h.update(len(piece).to_bytes(8, "big"))
            h.update(piece)
    return h.hexdigest()


@dataclass(frozen=True)
class RenderCache:
    """One file per view, language, format and key; a new key replaces the old entry."""

    directory: Path

    def _entry(self, view: str, lang: str, fmt: str, key: str) -> Path:
        return self.directory / f"{view}.{lang}.{key[:32]}.{fmt}"

    def get(self, view: str, lang: str, fmt: str, key: str) -> Path | None:
        entry = self._entry(view, lang, fmt, key)
        return entry if entry.is_file() else None

    def put(self, view: str, lang: str, fmt: str, key: str, source: Path) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        entry = self._entry(view, lang, fmt, key)
        for stale in self.directory.glob(f"{view}.{lang}.*.{fmt}"):
            if stale != entry:
                stale.unlink()
        # Written under a temporary name and renamed, so a render killed halfway
        # never leaves a truncated file that a later run would take for a hit.
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".partial-")
        os.close(fd)
        shutil.copyfile(source, tmp)
        os.replace(tmp, entry)
