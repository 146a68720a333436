"""The example report: the embedded demo account and the shipped manifests, checked at build time.

The run is the one `refarch demo provision` and `refarch check --endpoint-url URL
--manifests manifests` make: a moto server on 127.0.0.1 provisioned exactly as the
design says, the AWS checks against it, and the cluster checks, the cross-layer one
included, against the manifests. It takes seconds, so its findings are cached under
``.cache/site`` keyed by a fingerprint of everything that decides them: the design file,
the manifests, the package's source and the emulator's version. A rebuild with the same
inputs reads the cache; the page shows the fingerprint instead of a build time, so two
builds of the same inputs publish the same page.
"""

from __future__ import annotations

import hashlib
import json
import logging
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import eks_refarch
from eks_refarch.conformance.model import Finding, Status
from eks_refarch.conformance.registry import Registry
from eks_refarch.conformance.report import Report
from eks_refarch.conformance.report.data import severity_label, status_label
from eks_refarch.conformance.report.json import read_report, render_json
from eks_refarch.conformance.runner import RunResult
from eks_refarch.demo.run import check_demo
from eks_refarch.demo.server import moto_server, require_loopback
from eks_refarch.design import Design
from eks_refarch.i18n import LANGUAGES, tr
from eks_refarch.output import write_file
from eks_refarch.site.labels import quote_values
from eks_refarch.site.markdown import code, prose, table

CACHE_DIR = Path(".cache") / "site" / "example-report"
# Entries kept: the shipped design's, and a few others (a test's changed copy, a design
# being edited) without evicting it.
CACHE_ENTRIES = 4
# The libraries whose behaviour shapes the findings besides the package itself.
DEPENDENCIES = ("moto", "boto3", "botocore")
# Seeds moto's id generator, so that regenerating the report for changed inputs does
# not also change every resource id in it.
MOTO_SEED = 4242

log = logging.getLogger("mkdocs.plugins.refarch")


@dataclass(frozen=True)
class Fingerprint:
    """What the report was made from, each part as a SHA-256 digest."""

    design: str
    manifests: str
    manifest_files: int
    source: str
    versions: tuple[tuple[str, str], ...]

    @property
    def key(self) -> str:
        parts = [self.design, self.manifests, self.source, *(f"{n}=={v}" for n, v in self.versions)]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _digest(root: Path, files: list[Path]) -> str:
    sha = hashlib.sha256()
    for path in files:
        sha.update(path.relative_to(root).as_posix().encode() + b"\0")
        sha.update(path.read_bytes() + b"\0")
    return sha.hexdigest()


def _tree(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def fingerprint(design_path: Path, manifests_dir: Path) -> Fingerprint:
    package = Path(eks_refarch.__file__).parent
    manifests = _tree(manifests_dir)
    return Fingerprint(
        design=hashlib.sha256(design_path.read_bytes()).hexdigest(),
        manifests=_digest(manifests_dir, manifests),
        manifest_files=len(manifests),
        source=_digest(package, _tree(package)),
        versions=(
            ("eks-refarch", metadata.version("eks-refarch")),
            *((name, metadata.version(name)) for name in DEPENDENCIES),
        ),
    )


def seed(endpoint_url: str) -> None:
    """Seed moto's id generator, so that unchanged inputs give unchanged resource ids."""
    request = urllib.request.Request(
        f"{require_loopback(endpoint_url)}/moto-api/seed?a={MOTO_SEED}", data=b"", method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()


@dataclass(frozen=True)
class ExampleReport:
    """The demo's findings as JSON reports read back, one per language, and the run's time."""

    findings: Mapping[str, tuple[Finding, ...]]
    seconds: float


def run_demo(design: Design, manifests_dir: Path) -> RunResult:
    """Provision the design into a fresh emulator on 127.0.0.1, then check it and the manifests."""
    with moto_server() as url:
        seed(url)
        return check_demo(design, url, manifests=manifests_dir)


def _reports(result: RunResult, registry: Registry) -> str:
    """The cache entry: the run's JSON report in every language, and its time."""
    reports = {
        lang: json.loads(render_json(Report.of(result, registry, lang=lang))) for lang in LANGUAGES
    }
    return json.dumps({"seconds": result.seconds, "reports": reports}, indent=1, ensure_ascii=False)


def _read(entry: Path) -> ExampleReport:
    data = json.loads(entry.read_text(encoding="utf-8"))
    return ExampleReport(
        findings={lang: read_report(document, entry) for lang, document in data["reports"].items()},
        seconds=data["seconds"],
    )


def cached_run(
    design: Design, design_path: Path, manifests_dir: Path, cache_root: Path, registry: Registry
) -> tuple[ExampleReport, Fingerprint]:
    """The demo's reports for these inputs: from the cache, or run now and cached."""
    inputs = fingerprint(design_path, manifests_dir)
    cache = cache_root / CACHE_DIR
    entry = cache / f"{inputs.key}.json"
    if entry.is_file():
        entry.touch()  # most recently used: the last to be evicted
        return _read(entry), inputs
    log.info("example report: running the demo account (inputs changed or no cache)")
    write_file(entry, _reports(run_demo(design, manifests_dir), registry))
    entries = sorted(cache.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    for stale in entries[CACHE_ENTRIES:]:
        stale.unlink()
    return _read(entry), inputs


def provenance(inputs: Fingerprint, design_name: str, manifests_name: str, lang: str) -> str:
    """What the report was generated from: each input's digest, and the libraries' versions."""

    def short(digest: str) -> str:
        return code(digest[:16])

    design = tr(lang, "The design")
    manifests = tr(lang, "The manifests ({n} files)", n=inputs.manifest_files)
    source = tr(lang, "The package source")
    rows = [
        [f"{design}: {code(design_name)}", short(inputs.design)],
        [f"{manifests}: {code(manifests_name)}", short(inputs.manifests)],
        [f"{source}: {code('eks_refarch')}", short(inputs.source)],
        *([code(name), code(version)] for name, version in inputs.versions),
        [tr(lang, "Cache key (all of the above)"), short(inputs.key)],
    ]
    return table([tr(lang, "Input"), tr(lang, "SHA-256 or version")], rows)


def render(
    example: ExampleReport, registry: Registry, lang: str, check_link: Callable[[str], str]
) -> str:
    """The report as part of a page in ``lang``: the summary, then what needs attention,
    then the passes grouped by check, each group folded.

    Not the generic Markdown report (``refarch check --format markdown``), which lists
    every finding under its check: on a page of ~100 passes the few findings a reader
    came for would be lost.
    """
    findings = example.findings[lang]
    judged = {f.check for f in findings}
    report = Report(
        findings=findings,
        checks={spec.id: spec for spec in registry.checks() if spec.id in judged},
        seconds=example.seconds,
        lang=lang,
        title=tr(lang, "Demo account and shipped manifests, as designed"),
    )
    return "\n\n".join(
        [
            f"## {report.heading}",
            _summary(report),
            *_attention(report, check_link),
            *_skipped(report, check_link),
            *_passed(report, check_link),
        ]
    )


_STATUSES = (Status.PASS, Status.FAIL, Status.ERROR, Status.SKIP)


def _summary(report: Report) -> str:
    lang = report.lang
    counts = report.summary()
    return table(
        [*(status_label(s, lang) for s in _STATUSES), tr(lang, "checks"), tr(lang, "seconds")],
        [
            [
                *(str(counts[s.value]) for s in _STATUSES),
                str(len(report.check_ids())),
                f"{report.seconds:.1f}",
            ]
        ],
    )


def _check_ref(report: Report, check: str, link: Callable[[str], str], status: Status) -> str:
    label = status_label(status, report.lang)
    shown = f"**{label}**" if status in (Status.FAIL, Status.ERROR) else label
    return f"[{code(check)}]({link(check)}): {shown}"


def _attention(report: Report, link: Callable[[str], str]) -> list[str]:
    """Every failure and error, worst first, each with what to change."""
    lang = report.lang
    heading = tr(lang, "Failures and errors")
    severity, fix = tr(lang, "Severity"), tr(lang, "How to fix")
    parts = [f"### {heading}"]
    findings = report.by_status(Status.FAIL) + report.by_status(Status.ERROR)
    if not findings:
        parts.append(tr(lang, "No check failed, and every check could read what it needed."))
    for finding in findings:
        spec = report.spec(finding)
        text = report.text(spec)
        parts += [
            f"#### {_check_ref(report, finding.check, link, finding.status)}",
            f"**{quote_values(prose(text.title), lang)}** "
            f"{severity}: {severity_label(spec.severity, lang)}.",
            table(
                [tr(lang, "Resource"), tr(lang, "Message")],
                [[code(finding.resource), quote_values(prose(report.message(finding)), lang)]],
            ),
            f"{fix}: {quote_values(prose(text.steps), lang)}",
        ]
    return parts


def _skipped(report: Report, link: Callable[[str], str]) -> list[str]:
    lang = report.lang
    skipped = report.by_status(Status.SKIP)
    if not skipped:
        return []
    heading = tr(lang, "Skipped, with the reason")
    return [
        f"### {heading}",
        table(
            [tr(lang, "Check"), tr(lang, "Resource"), tr(lang, "Why it did not apply")],
            [
                [
                    _check_ref(report, f.check, link, f.status),
                    code(f.resource),
                    quote_values(prose(report.message(f)), lang),
                ]
                for f in skipped
            ],
        ),
    ]


def _passed(report: Report, link: Callable[[str], str]) -> list[str]:
    """One folded block per check that passed, listing the resources it judged."""
    lang = report.lang
    by_check: dict[str, list[Finding]] = {}
    for finding in report.by_status(Status.PASS):
        by_check.setdefault(finding.check, []).append(finding)
    blocks = []
    for check in sorted(by_check):
        passes = by_check[check]
        if any(f.status is not Status.PASS for f in report.findings if f.check == check):
            continue  # shown above, under what needs attention
        title = quote_values(prose(report.text(report.checks[check]).title), lang).replace(
            '"', "\u201d"
        )
        count = tr(lang, "{n} resources", n=len(passes))
        rows = table(
            [tr(lang, "Resource"), tr(lang, "Message")],
            [[code(f.resource), quote_values(prose(report.message(f)), lang)] for f in passes],
        )
        # Translators: a check and its verdict, as a sentence.
        verdict = tr(lang, "Check {verdict}.", verdict=_check_ref(report, check, link, Status.PASS))
        body = "\n\n".join([verdict, rows])
        blocks.append(f'??? success "{title}: {count}"\n' + _indent(body))
    if not blocks:
        return []
    heading = tr(lang, "Passed, by check")
    return [
        f"### {heading}",
        tr(lang, "Open a check to see each resource it judged."),
        *blocks,
    ]


def _indent(text: str) -> str:
    return "\n".join(f"    {line}" if line else "" for line in text.splitlines())
