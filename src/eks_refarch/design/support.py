"""Support calendars: when each version the design names leaves standard support.

The calendars (support.yaml beside this module) are facts about the outside world, each
with its source and the day it was read. ``lapses`` compares a design, and the Helm
charts the GitOps repository installs, with them on a given day: ``refarch design
validate --today`` prints what it finds as warnings, the EKS cluster-version check reads
the Kubernetes calendar, and the site shows the calendars.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from pydantic import ValidationError

from eks_refarch.design.model import Design, Model, Str, Text
from eks_refarch.errors import Problem, UserInputError
from eks_refarch.yamlio import load_document

CALENDAR_FILE = Path(__file__).with_name("support.yaml")


class Release(Model):
    """One version: when it was released and when its standard support ends."""

    released: datetime.date
    end_of_standard_support: datetime.date
    end_of_extended_support: datetime.date | None = None
    installs: Str | None = None  # for a chart: the application release it installs
    # True when the source had not published the date on the day it was recorded and
    # the date was derived from the project's published policy.
    estimated: bool = False


class Calendar(Model):
    title: Text
    source: Str
    recorded: datetime.date
    policy: Text
    versions: dict[Str, Release]


class ChartCalendar(Model):
    source: Str
    versions: dict[Str, Release]


class Charts(Model):
    title: Text
    recorded: datetime.date
    policy: Text
    charts: dict[Str, ChartCalendar]


class Calendars(Model):
    kubernetes: Calendar
    istio: Calendar
    charts: Charts


M = TypeVar("M", bound=Model)


def load_data(path: Path, model: type[M], what: str) -> M:
    """A YAML data file validated as ``model``; UserInputError names each problem's line."""
    document = load_document(path, what=what)
    try:
        return model.model_validate(document.data)
    except ValidationError as exc:
        raise UserInputError(
            [
                Problem(path, document.line_of(tuple(e["loc"])), tuple(e["loc"]), e["msg"])
                for e in exc.errors()
            ]
        ) from None


@functools.cache
def calendars(path: Path = CALENDAR_FILE) -> Calendars:
    """The calendars, read and validated once; a malformed file names its line."""
    return load_data(path, Calendars, "support calendar")


def minor(version: str) -> str:
    """``1.28.1`` -> ``1.28``: calendars of Kubernetes and Istio list minor versions."""
    return ".".join(version.split(".")[:2])


@dataclass(frozen=True)
class Lapse:
    """A designed version that is out of standard support, or missing from its calendar."""

    field: str  # where the design names it: ``eks.version_floor``, ``charts.loki``
    what: str  # ``Istio 1.28``
    release: Release | None  # None: the calendar does not list the version
    source: str

    def __str__(self) -> str:
        if self.release is None:
            return (
                f"{self.field}: {self.what} is not in the support calendar ({self.source}); "
                "its end of standard support is unknown"
            )
        when = self.release.end_of_standard_support.isoformat()
        estimated = " (estimated)" if self.release.estimated else ""
        return (
            f"{self.field}: {self.what} left standard support on {when}{estimated} ({self.source})"
        )


@dataclass(frozen=True)
class DesignedVersion:
    """A version the design (or a chart it installs) names, and its calendar entry."""

    field: str
    what: str
    release: Release | None
    source: str


def designed_versions(
    design: Design, charts: Iterable[tuple[str, str]], calendar: Calendars | None = None
) -> Iterator[DesignedVersion]:
    """Every version the design names, with its release in the calendars (or None).

    ``charts`` are ``(chart, version)`` pairs of the Helm charts the GitOps repository
    pins; the Istio charts, which follow ``mesh.istio_version``, are left out by the caller.
    """
    cal = calendar or calendars()
    floor = design.eks.version_floor
    yield DesignedVersion(
        "eks.version_floor",
        f"Kubernetes {floor}",
        cal.kubernetes.versions.get(floor),
        cal.kubernetes.source,
    )
    istio = design.mesh.istio_version
    yield DesignedVersion(
        "mesh.istio_version",
        f"Istio {minor(istio)}",
        cal.istio.versions.get(minor(istio)),
        cal.istio.source,
    )
    for chart, version in charts:
        entry = cal.charts.charts.get(chart)
        yield DesignedVersion(
            f"charts.{chart}",
            f"chart {chart} {version}",
            entry.versions.get(version) if entry else None,
            entry.source if entry else "support.yaml",
        )


def lapses(versions: Iterable[DesignedVersion], today: datetime.date) -> list[Lapse]:
    """The versions out of standard support on ``today``, or not in their calendar."""
    return [
        Lapse(v.field, v.what, v.release, v.source)
        for v in versions
        if v.release is None or v.release.end_of_standard_support < today
    ]


def kubernetes_release(version: str, calendar: Calendars | None = None) -> Release | None:
    """The EKS calendar's entry for a cluster version such as ``1.33`` or ``1.33.5``."""
    return (calendar or calendars()).kubernetes.versions.get(minor(version))


def by_version(releases: Mapping[str, Release]) -> list[tuple[str, Release]]:
    """Releases in version order: ``1.9`` before ``1.10``."""

    def key(item: tuple[str, Release]) -> tuple[int, ...]:
        return tuple(int(p) if p.isdigit() else 0 for p in item[0].split("."))

    return sorted(releases.items(), key=key)
