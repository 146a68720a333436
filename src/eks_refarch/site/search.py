"""One search index per language, and Japanese words findable wherever they start.

Two things stand between a reader and a word on a page, both measured in the built site:

- The i18n plugin merges the entries of every language into one index at the site root,
  and Material fetches ``search/search_index.json`` relative to ``config.base``, which
  is the site root on every page. An English search therefore returned Japanese pages.
  ``split`` writes each language its own index (``/search/`` and ``/en/search/``), and
  ``page_base`` points each English page's ``config.base`` at ``/en/``.
- Material splits Japanese text with TinySegmenter when the index is built in the
  browser, but leaves the query whole (lunr's query lexer splits on single separator
  characters only), so a query such as イベント駆動 had to equal one indexed token,
  which the segmenter had cut into イベント and 駆動: nothing was found. Material's own
  segmentation of queries covers Han characters only. ``keys`` gives every Japanese
  entry a hidden field holding, for each position in each run of Japanese text, the
  text from there on (``KEY_LENGTH`` characters; longer at script boundaries, where
  compound words start). Material appends a wildcard to every query term, so a query is
  found when it starts at any position of a run on the page. The Japanese index is built
  without TinySegmenter, which would cut those keys again.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

INDEX = Path("search") / "search_index.json"
# The hidden field of the Japanese index that holds the keys.
KEYS_FIELD = "keys"
# Every position of a Japanese run starts a key this long: any query of up to this many
# characters that appears on a page finds it.
KEY_LENGTH = 8
# Where the script changes (katakana to kanji, hiragana to kanji...), a word starts, and
# its key runs this long, so that longer compound words are found whole.
WORD_KEY_LENGTH = 24

# Kana, kanji and the marks that belong to them (the iteration mark 々, the long-vowel ー).
_JAPANESE = re.compile(r"[\u3041-\u3096\u30a1-\u30fa\u30fc\u3005\u4e00-\u9fff]+")
_SCRIPTS = (
    re.compile(r"[\u3041-\u3096]"),  # hiragana
    re.compile(r"[\u30a1-\u30fa\u30fc]"),  # katakana and the long-vowel mark
    re.compile(r"[\u4e00-\u9fff\u3005]"),  # kanji
)
_TAG = re.compile(r"<[^>]+>")


def _script(char: str) -> int:
    return next(i for i, pattern in enumerate(_SCRIPTS) if pattern.match(char))


def keys(text: str) -> str:
    """The keys of a Japanese text: every run's tail from every position, space-separated.

    A key that reaches the end of its run ends with ``_``. Material segments a query's
    kanji by looking its parts up in the index, and a key equal to a part (遅延 ending a
    run gives the key 延) made it drop the rest of the query (延長サポート searched as
    延サポート). A query still finds the key: it only has to be its beginning.
    """
    found: dict[str, None] = {}
    for run in _JAPANESE.findall(_TAG.sub(" ", text)):
        for i in range(len(run)):
            starts_word = i == 0 or _script(run[i]) != _script(run[i - 1])
            for length in (KEY_LENGTH, WORD_KEY_LENGTH) if starts_word else (KEY_LENGTH,):
                key = run[i : i + length]
                found[key + "_" if i + length >= len(run) else key] = None
    return " ".join(found)


def _with_keys(entry: dict[str, Any]) -> dict[str, Any]:
    return {**entry, KEYS_FIELD: keys(f"{entry.get('title', '')} {entry.get('text', '')}")}


def split(site_dir: Path, other: str) -> bool:
    """Split the merged index at ``site_dir`` into the default language's and ``other``'s.

    The default language's index stays at the root and gains the keys; ``other``'s goes
    under ``<other>/``, its locations relative to that folder. Returns False, changing
    nothing, when the root index holds no entry of ``other`` (a build of one language,
    or an index already split).
    """
    path = site_dir / INDEX
    if not path.is_file():
        return False
    index = json.loads(path.read_text(encoding="utf-8"))
    prefix = f"{other}/"
    docs = index["docs"]
    theirs = [d for d in docs if d["location"].startswith(prefix)]
    if not theirs:
        return False
    ours = [_with_keys(d) for d in docs if not d["location"].startswith(prefix)]
    config = index["config"]
    # Latin-script search for both: the Japanese one finds words through its keys, which
    # TinySegmenter (loaded for "ja") would cut apart again.
    default = {**config, "lang": ["en"], "fields": {**config["fields"], KEYS_FIELD: {"boost": 1}}}
    second = {**config, "lang": ["en"]}
    located = [{**d, "location": d["location"].removeprefix(prefix)} for d in theirs]
    _write(path, {**index, "config": default, "docs": ours})
    _write(site_dir / other / INDEX, {**index, "config": second, "docs": located})
    return True


def _write(path: Path, index: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), "utf-8")


_BASE = re.compile(r'("base":\s*")([^"]*)(")')


def page_base(html: str) -> str:
    """A page of a language folder with ``config.base`` at that folder instead of the
    site root (one level up), so that Material fetches that language's index."""

    def up_one(match: re.Match[str]) -> str:
        base = match.group(2)
        parts = base.split("/")
        if not parts or parts[0] != "..":
            raise ValueError(f"a page of a language folder has the base {base!r}")
        inner = "/".join(parts[1:]) or "."
        return match.group(1) + inner + match.group(3)

    head, sep, body = html.partition('<script id="__config"')
    if not sep:
        return html
    config, end, rest = body.partition("</script>")
    return head + sep + _BASE.sub(up_one, config, count=1) + end + rest
