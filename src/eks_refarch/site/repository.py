"""Links to the project's own files in its hosted repository, from one setting.

The repository's URL is the refarch plugin's ``repository`` option in mkdocs.yml
(``REFARCH_REPOSITORY`` in the environment). From it come the edit link of every page,
the repository link in the header and the links to files outside the docs folder. When
it is empty, the site shows none of them rather than links to a placeholder.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Repository:
    """URLs of files by their path from the repository root (``manifests/namespaces.yaml``)."""

    url: str  # ``https://github.com/owner/name``, without a trailing "/"
    branch: str = "main"

    @classmethod
    def from_setting(cls, url: str, branch: str = "main") -> Repository | None:
        """The repository of a setting, or None when the setting is empty."""
        url = url.strip().rstrip("/")
        if not url:
            return None
        if not url.startswith(("https://", "http://")) or url.count("/") < 4:
            raise ValueError(
                f"mkdocs.yml: the refarch plugin's repository {url!r} must be the repository's "
                "web address, such as https://github.com/owner/name, or empty for no links"
            )
        return cls(url, branch)

    def edit_url(self, path: str) -> str:
        return f"{self.url}/edit/{self.branch}/{path}"

    def view_url(self, path: str) -> str:
        """Where a reader sees the file. GitHub and GitLab both show a file at the edit URL
        with ``/blob/`` in place of ``/edit/``; generated files are for reading, not editing.
        """
        return f"{self.url}/blob/{self.branch}/{path}"

    @property
    def social(self) -> dict[str, Any]:
        """The header's link to the repository, as Material's ``extra.social`` entry."""
        icon = "github" if "://github.com/" in self.url else "git-alt"
        return {"icon": f"fontawesome/brands/{icon}", "link": self.url}
