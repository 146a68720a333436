"""Links to the project's own files in its hosted repository, from mkdocs.yml's ``edit_uri``.

The edit links already name the repository, its branch and the docs folder; a file
elsewhere in the repository is the same URL with the docs folder replaced by its path.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Repository:
    """URLs of files by their path from the repository root (``manifests/namespaces.yaml``)."""

    edit_base: str  # ends with "/", like ``.../edit/main/``

    @classmethod
    def from_edit_uri(cls, edit_uri: str, docs_dir: str) -> Repository:
        """``edit_uri`` must be a full URL ending with the docs folder (``docs_dir``)."""
        folder = docs_dir.strip("/") + "/"
        if not edit_uri.startswith(("https://", "http://")) or not edit_uri.endswith("/" + folder):
            raise ValueError(
                f"mkdocs.yml: edit_uri {edit_uri!r} must be a full URL ending with the docs "
                f"folder {folder!r}, so that links to other files of the repository can be "
                "derived from it"
            )
        return cls(edit_base=edit_uri.removesuffix(folder))

    def edit_url(self, path: str) -> str:
        return self.edit_base + path

    def view_url(self, path: str) -> str:
        """Where a reader sees the file. GitHub and GitLab both show a file at the edit URL
        with ``/blob/`` in place of ``/edit/``; generated files are for reading, not editing.
        """
        return self.edit_url(path).replace("/edit/", "/blob/", 1)
