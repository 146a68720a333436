"""The as-built picture: `refarch demo [--drift NAME] --as-built FILE.svg` marks exactly what
the run saw, laid out like the design's network view (the SVG parsed)."""

from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from eks_refarch import cli
from eks_refarch.conformance.aws import facts as aws
from eks_refarch.conformance.model import Finding, Status
from eks_refarch.conformance.runner import RunResult
from eks_refarch.demo.drift import DRIFTS
from eks_refarch.demo.provision import provision
from eks_refarch.demo.server import moto_server, reset
from eks_refarch.design import Design
from eks_refarch.i18n import Lang
from eks_refarch.rendering import asbuilt
from eks_refarch.rendering.network import TIERS, subnet_in
from eks_refarch.site import asbuilt as site_asbuilt
from tests.helpers import REPO, SHIPPED_DESIGN
from tests.rendering.svgtext import NS, read

pytestmark = pytest.mark.slow

STATUSES = {"pass", "fail", "error", "missing", "unexpected"}
# What the emulator cannot answer, and the element it leaves unverified: moto 5.2.5 has
# no EKS add-on API.
EMULATOR_GAP = ("eks-addons/sakura-shop", "eks:ListAddons")


@dataclass(frozen=True)
class Drawn:
    """One resource's group in an as-built SVG."""

    node: str
    status: str
    element: str
    checks: tuple[str, ...]


def resources(svg: Path) -> list[Drawn]:
    """Every group the picture marks as a resource."""
    found = []
    for group in ET.parse(svg).getroot().iter(f"{{{NS['svg']}}}g"):
        classes = (group.get("class") or "").split()
        if "resource" not in classes:
            continue
        status = [c.removeprefix("status-") for c in classes if c.startswith("status-")]
        assert len(status) == 1, classes
        checks = group.get("data-checks")
        assert checks is not None, group.get("id")
        found.append(
            Drawn(
                group.findtext("svg:title", default="", namespaces=NS),
                status[0],
                group.get("data-element", ""),
                tuple(checks.split()),
            )
        )
    return found


@pytest.fixture(scope="module")
def emulator() -> Iterator[str]:
    """A moto server of this process: `refarch demo` runs here too and starts one of its
    own, and the emulator's backends are shared, so each run starts from a reset."""
    with moto_server() as url:
        yield url


@pytest.fixture(scope="module")
def demo_pictures(emulator: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """`refarch demo --as-built` for the account as designed and after each drift."""
    out = tmp_path_factory.mktemp("as-built")
    pictures = {}
    for name in ("as-designed", *sorted(DRIFTS)):
        reset(emulator)
        target = out / "nested" / f"{name}.svg"
        drift = [] if name == "as-designed" else ["--drift", name]
        argv = ["demo", "--design", str(SHIPPED_DESIGN), *drift, "--as-built", str(target)]
        argv += ["--format", "json", "--output", str(out / f"{name}.json")]
        assert cli.run(argv) in (0, 1), name
        pictures[name] = target
    reset(emulator)
    return pictures


def test_the_account_as_designed_is_conformant_but_for_the_named_emulator_gap(
    demo_pictures: dict[str, Path], design: Design
) -> None:
    drawn = resources(demo_pictures["as-designed"])
    not_passing = {(d.element, d.status) for d in drawn if d.status != "pass"}
    assert not_passing == {(EMULATOR_GAP[0], "error")}
    text = " ".join(read(demo_pictures["as-designed"]).texts)
    assert EMULATOR_GAP[1] in text, "the picture names the gap"
    # Every designed element is drawn.
    elements = {d.element for d in drawn}
    assert {f"subnet/{s.cidr}" for s in design.network.subnets} <= elements
    assert {f"ecr-repository/{r}" for r in design.registry.repositories} <= elements
    assert {f"kms-key/{k.alias}" for k in design.security.kms_keys} <= elements
    assert {f"s3-bucket/{b.name}" for b in design.data.buckets} <= elements
    assert {f"secret/{s.name}" for s in design.data.secrets} <= elements
    assert f"cloudtrail-trail/{design.security.audit_trail.name}" in elements
    assert {f"nat-gateway/{az}" for az in design.network.availability_zones} <= elements
    for key in ("alb", "target-group", "web-acl", "dns-record", "certificate", "eks-cluster"):
        assert any(e.startswith(f"{key}/") for e in elements), key


@pytest.mark.parametrize("name", sorted(DRIFTS))
def test_a_drift_marks_its_element_with_its_check_and_fails_nothing_else(
    demo_pictures: dict[str, Path], name: str, design: Design
) -> None:
    check = DRIFTS[name].check
    drawn = resources(demo_pictures[name])
    failing = [d for d in drawn if d.status == "fail"]
    marked = [d for d in drawn if check in d.checks and d.status != "pass"]
    assert marked, f"no element carries {check}"
    assert all(check in d.checks for d in failing), "nothing else is drifted"
    designed = {d.element for d in resources(demo_pictures["as-designed"])}
    for element in marked:
        if element.element in designed:
            assert element.status == "fail", element
        else:
            # A resource the design does not have (the second load balancer) is
            # unexpected, with the check that judged it.
            assert element.status == "unexpected", element
            assert not failing
    others = {(d.element, d.status) for d in drawn if d not in marked and d.status != "pass"}
    assert others == {(EMULATOR_GAP[0], "error")}


def test_every_drawn_resource_has_one_status_and_the_checks_that_judged_it(
    demo_pictures: dict[str, Path],
) -> None:
    drawn = resources(demo_pictures["as-designed"])
    assert len(drawn) > 40
    assert {d.status for d in drawn} <= STATUSES
    judged = [d for d in drawn if d.checks]
    assert len(judged) > 35
    assert all(re.fullmatch(r"[a-z0-9_]+", c) for d in judged for c in d.checks)


def test_the_picture_is_laid_out_like_the_network_view(
    demo_pictures: dict[str, Path], design: Design, rendered_dir: Path
) -> None:
    picture = read(demo_pictures["target-group-port"])
    view = read(rendered_dir / "en" / "aws-network.svg")
    zones = list(design.network.availability_zones)
    for d in (picture, view):
        for tier in TIERS:
            subnets = [f"subnet-{subnet_in(design, tier, az).cidr}" for az in zones]
            xs = [d.nodes[s].left for s in subnets]
            assert xs == sorted(xs), tier
    shared = {n for n in view.nodes if not n.startswith("service-") and n != "internet"}
    assert shared <= set(picture.nodes), "every resource of the view is in the picture"


@pytest.fixture(scope="module")
def as_designed(emulator: str, design: Design) -> RunResult:
    """The account as designed, run the way the site runs it (a seeded emulator)."""
    return site_asbuilt.demo_run(design, None)


def test_the_same_facts_draw_the_same_bytes(as_designed: RunResult, design: Design) -> None:
    for lang in ("en", "ja"):
        first = asbuilt.render_svg(design, as_designed, lang)
        assert asbuilt.render_svg(design, as_designed, lang) == first


def test_a_second_seeded_run_draws_the_same_bytes(as_designed: RunResult, design: Design) -> None:
    # The site seeds the emulator, so a rebuild without the cache publishes the same file.
    again = site_asbuilt.demo_run(design, None)
    assert asbuilt.render_svg(design, again) == asbuilt.render_svg(design, as_designed)


def test_an_element_whose_facts_were_not_collected_could_not_be_verified(
    as_designed: RunResult, design: Design
) -> None:
    needs_routing = {s.id for s in as_designed.checks if aws.Routing in s.needs}
    errors = tuple(
        Finding(f.check, Status.ERROR, "route tables", "could not verify", f.severity)
        if f.check in needs_routing
        else f
        for f in as_designed.findings
    )
    facts = {k: v for k, v in as_designed.facts.items() if k is not aws.Routing}
    collections = tuple(
        dataclasses.replace(c, error="AccessDenied") if c.kind == "Routing" else c
        for c in as_designed.collections
    )
    blind = dataclasses.replace(as_designed, facts=facts, findings=errors, collections=collections)
    observation = asbuilt.observe(design, blind)
    for az in design.network.availability_zones:
        mark = observation.marks[f"nat-{az}"]
        assert mark.status == "error"
        assert "vpc_nat_gateways_one_per_az" in mark.checks
    assert observation.marks["igw"].status == "error"
    assert observation.marks["alb"].status == "pass"


def test_the_legend_is_in_the_pictures_language(as_designed: RunResult, design: Design) -> None:
    legends: tuple[tuple[Lang, str], ...] = (("en", "could not verify"), ("ja", "確認できず"))
    for lang, words in legends:
        svg = asbuilt.render_svg(design, as_designed, lang).decode()
        assert words in svg
    assert "確認できず" not in asbuilt.render_svg(design, as_designed, "en").decode()


def test_check_draws_an_account_with_a_subnet_the_design_lacks_unexpected_in_its_zone(
    emulator: str, design: Design, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reset(emulator)
    account = provision(emulator, design)
    zone = design.network.availability_zones[1]
    account.client("ec2").create_subnet(
        VpcId=account.ids["vpc"], CidrBlock="10.20.200.0/24", AvailabilityZone=zone
    )
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "as-built-test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "as-built-test")
    # Empty files, not /dev/null: botocore in this process fails to parse that.
    (tmp_path / "aws").write_text("")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws"))
    target = tmp_path / "account.svg"
    argv = ["check", "--design", str(SHIPPED_DESIGN), "--endpoint-url", emulator]
    code = cli.run([*argv, "--as-built", str(target), "--format", "json", "-o", "/dev/null"])
    reset(emulator)
    assert code in (0, 1, 2)
    assert not list(tmp_path.glob(".account.svg.*")), "written atomically"
    drawn = resources(target)
    extra = [d for d in drawn if d.element == "subnet/10.20.200.0/24"]
    assert [d.status for d in extra] == ["unexpected"]
    assert read(target).inside(extra[0].node, zone)
    others = {(d.element, d.status) for d in drawn if d not in extra and d.status != "pass"}
    assert others == {(EMULATOR_GAP[0], "error")}


def test_the_site_draws_its_pictures_once_for_the_same_inputs(
    as_designed: RunResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs: list[str | None] = []

    def counted(design: Design, drift: str | None) -> RunResult:
        runs.append(drift)
        return as_designed

    monkeypatch.setattr(site_asbuilt, "demo_run", counted)
    manifests = REPO / "manifests"
    first = site_asbuilt.pictures(SHIPPED_DESIGN, manifests, tmp_path)
    assert runs == list(site_asbuilt.SCENARIOS)
    assert set(first) == {
        f"assets/as-built/{lang}/{name}.svg"
        for lang in ("en", "ja")
        for name in ("as-designed", site_asbuilt.DRIFT)
    }
    assert site_asbuilt.pictures(SHIPPED_DESIGN, manifests, tmp_path) == first
    assert runs == list(site_asbuilt.SCENARIOS), "the second build reads the cache"
    changed = tmp_path / "architecture.yaml"
    changed.write_text(SHIPPED_DESIGN.read_text(encoding="utf-8") + "\n# edited\n")
    site_asbuilt.pictures(changed, manifests, tmp_path)
    assert len(runs) == 2 * len(site_asbuilt.SCENARIOS), "a changed design draws them again"
