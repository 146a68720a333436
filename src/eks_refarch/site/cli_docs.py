"""Tables of `refarch check` options and report formats, read from the option spec.

Names, defaults and help come from conformance/options.py, the spec the click command and
the pytest adapter are built from, so the page lists exactly what the command accepts, in
the page's language (the help's translation is in the catalog).
"""

from __future__ import annotations

from eks_refarch.conformance.options import FORMATS, OPTIONS, Option
from eks_refarch.i18n import tr
from eks_refarch.site.markdown import code, table


def _use(fmt: str, lang: str) -> str:
    """What each report format is for; a new format fails the build until it is described."""
    uses = {
        "text": tr(lang, "a person at a terminal"),
        "json": tr(lang, "other programs"),
        "junit": tr(lang, "CI systems that show test reports"),
        "sarif": tr(lang, "code-scanning dashboards"),
        "markdown": tr(lang, "a pull-request comment or a report page"),
        "openmetrics": tr(lang, "Prometheus and Grafana, as metrics"),
    }
    if fmt not in uses:
        raise ValueError(
            f"`refarch check` has the report format {fmt!r}, which has no description for "
            f"the site: add it to {__name__}"
        )
    return uses[fmt]


def _default(option: Option, lang: str) -> str:
    """The default, where the command's own help shows one."""
    if not option.show_default or option.is_flag:
        return ""
    if isinstance(option.show_default, str):  # a default computed at run time, described
        return tr(lang, option.show_default)
    return code(option.default)


def options_table(lang: str) -> str:
    return table(
        [tr(lang, "Option"), tr(lang, "Default"), tr(lang, "What it does")],
        [
            [", ".join(code(f) for f in o.flags), _default(o, lang), tr(lang, o.help)]
            for o in OPTIONS
        ],
    )


def formats_table(lang: str) -> str:
    return table(
        [tr(lang, "Format"), tr(lang, "For")],
        [[code(f), _use(f, lang)] for f in FORMATS],
    )
