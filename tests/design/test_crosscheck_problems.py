"""Each cross-field rule of the design, exactly: the path it names and the message it gives."""

from __future__ import annotations

import copy
import ipaddress
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from eks_refarch.design import Design, load
from eks_refarch.design.crosscheck import _MISSING, Issue, cross_check, resolve
from eks_refarch.design.model import EXTERNAL_PARTIES
from eks_refarch.errors import UserInputError

Case = Callable[[dict[str, Any]], list[Issue]]


def _issues(data: dict[str, Any]) -> list[Issue]:
    return cross_check(Design.model_validate(data))


def test_the_shipped_design_has_no_cross_field_problem(design_data: dict[str, Any]) -> None:
    assert _issues(design_data) == []


# Network: zones, subnets inside the VPC, one subnet per tier per zone.


def _zone_listed_twice(d: dict[str, Any]) -> list[Issue]:
    zones = d["network"]["availability_zones"]
    zones.append(zones[0])
    return [(("network", "availability_zones"), f"availability zone {zones[0]!r} is listed twice")]


def _subnet_outside_the_vpc(d: dict[str, Any]) -> list[Issue]:
    net = d["network"]
    last = len(net["subnets"]) - 1
    net["subnets"][last]["cidr"] = "192.168.0.0/24"
    return [
        (
            ("network", "subnets", last, "cidr"),
            f"subnet 192.168.0.0/24 is not inside the VPC CIDR {net['vpc_cidr']}",
        )
    ]


def _subnet_overlapping_two_earlier_ones(d: dict[str, Any]) -> list[Issue]:
    subnets = d["network"]["subnets"]
    first, second = (ipaddress.IPv4Network(s["cidr"]) for s in subnets[:2])
    wider = first.supernet()
    assert second.subnet_of(wider)  # the shipped design's first two subnets are neighbours
    subnets[2]["cidr"] = str(wider)
    loc = ("network", "subnets", 2, "cidr")
    return [
        (loc, f"subnet {wider} overlaps network.subnets[0] ({first})"),
        (loc, f"subnet {wider} overlaps network.subnets[1] ({second})"),
    ]


def _subnet_in_an_undeclared_zone(d: dict[str, Any]) -> list[Issue]:
    net = d["network"]
    last = len(net["subnets"]) - 1
    subnet = net["subnets"][last]
    tier, zone = subnet["tier"], subnet["az"]
    subnet["az"] = "ap-northeast-1x"
    return [
        (
            ("network", "subnets", last, "az"),
            f"expected one of the availability zones {net['availability_zones']}, "
            "found 'ap-northeast-1x'",
        ),
        (("network", "subnets"), f"no {tier} subnet in {zone} (expected one per tier per AZ)"),
    ]


def _three_public_subnets_in_one_zone(d: dict[str, Any]) -> list[Issue]:
    net = d["network"]
    zones = net["availability_zones"]
    public = [i for i, s in enumerate(net["subnets"]) if s["tier"] == "public"]
    assert [net["subnets"][i]["az"] for i in public] == zones
    for i in public[1:]:
        net["subnets"][i]["az"] = zones[0]
    second = f"(expected one per tier per AZ; the first is network.subnets[{public[0]}])"
    return [
        (("network", "subnets", public[1]), f"a second public subnet in {zones[0]} {second}"),
        (("network", "subnets", public[2]), f"a second public subnet in {zones[0]} {second}"),
        *[
            (("network", "subnets"), f"no public subnet in {z} (expected one per tier per AZ)")
            for z in zones[1:]
        ],
    ]


def _same_node_port_twice(d: dict[str, Any]) -> list[Issue]:
    ports = d["mesh"]["ingress_gateway"]["node_ports"]
    ports["status"] = ports["http"]
    return [
        (
            ("mesh", "ingress_gateway", "node_ports", "status"),
            f"expected a nodePort distinct from node_ports.http, found {ports['http']} for both",
        )
    ]


# Owners and KMS keys.


def _owners_of(d: dict[str, Any]) -> list[str]:
    return sorted(d["owners"])


def _aliases_of(d: dict[str, Any]) -> list[str]:
    return sorted(k["alias"] for k in d["security"]["kms_keys"])


def _bucket_names(d: dict[str, Any]) -> list[str]:
    return [b["name"] for b in d["data"]["buckets"]]


def _audit_trail_into_an_undeclared_bucket(d: dict[str, Any]) -> list[Issue]:
    d["security"]["audit_trail"]["bucket"] = "nowhere-logs"
    return [
        (
            ("security", "audit_trail", "bucket"),
            f"expected a bucket declared in data.buckets {_bucket_names(d)}, found 'nowhere-logs'",
        )
    ]


# Edge: buckets, the ALB's tier and ports, names inside the zone and the certificate.


def _access_logs_into_an_undeclared_bucket(d: dict[str, Any]) -> list[Issue]:
    d["edge"]["alb"]["access_logs"]["bucket"] = "nowhere-logs"
    return [
        (
            ("edge", "alb", "access_logs", "bucket"),
            f"expected a bucket declared in data.buckets {sorted(_bucket_names(d))}, "
            "found 'nowhere-logs'",
        )
    ]


def _internet_facing_alb_in_a_private_tier(d: dict[str, Any]) -> list[Issue]:
    d["edge"]["alb"]["subnet_tier"] = "private-app"
    return [
        (
            ("edge", "alb", "subnet_tier"),
            "an internet-facing ALB needs the public tier, found 'private-app'",
        )
    ]


def _internal_alb_in_a_private_tier(d: dict[str, Any]) -> list[Issue]:
    d["edge"]["alb"]["scheme"] = "internal"
    d["edge"]["alb"]["subnet_tier"] = "private-app"
    return []


def _redirect_on_the_https_port(d: dict[str, Any]) -> list[Issue]:
    alb = d["edge"]["alb"]
    alb["http_redirect_port"] = alb["https_port"]
    return [(("edge", "alb", "http_redirect_port"), "expected a port distinct from https_port")]


def _record(d: dict[str, Any], record: str, inside: bool) -> list[Issue]:
    dns = d["edge"]["dns"]
    dns["record"] = record.format(zone=dns["zone"])
    message = f"expected a name inside the zone {dns['zone']!r}, found {dns['record']!r}"
    return [] if inside else [(("edge", "dns", "record"), message)]


def _record_outside_the_zone(d: dict[str, Any]) -> list[Issue]:
    return _record(d, "shop.example.org", inside=False)


def _record_that_only_ends_like_the_zone(d: dict[str, Any]) -> list[Issue]:
    return _record(d, "evil{zone}", inside=False)


def _record_below_the_zone(d: dict[str, Any]) -> list[Issue]:
    return _record(d, "www.{zone}", inside=True)


def _certificate_names(d: dict[str, Any]) -> list[str]:
    cert = d["edge"]["certificate"]
    return [cert["domain"], *cert.get("subject_alternative_names", [])]


def _uncovered(d: dict[str, Any], i: int) -> Issue:
    host = d["microservices"][i]["route"]["host"]
    return (
        ("microservices", i, "route", "host"),
        f"host {host!r} is not covered by the certificate's names {_certificate_names(d)}",
    )


def _outside_the_zone(d: dict[str, Any], i: int) -> Issue:
    host = d["microservices"][i]["route"]["host"]
    zone = d["edge"]["dns"]["zone"]
    return (
        ("microservices", i, "route", "host"),
        f"expected a host inside the zone {zone!r}, found {host!r}",
    )


def _host_outside_the_zone(d: dict[str, Any]) -> list[Issue]:
    d["microservices"][0]["route"]["host"] = "shop.example.org"
    return [_outside_the_zone(d, 0), _uncovered(d, 0)]


def _host_two_labels_below_the_zone(d: dict[str, Any]) -> list[Issue]:
    d["microservices"][0]["route"]["host"] = "a.b." + d["edge"]["dns"]["zone"]
    return [_uncovered(d, 0)]


def _host_covered_by_the_wildcard(d: dict[str, Any]) -> list[Issue]:
    zone = d["edge"]["dns"]["zone"]
    assert f"*.{zone}" in _certificate_names(d)
    d["microservices"][0]["route"]["host"] = "api." + zone
    return []


def _wildcard_alone_does_not_cover_the_apex(d: dict[str, Any]) -> list[Issue]:
    cert = d["edge"]["certificate"]
    cert["domain"] = "*." + d["edge"]["dns"]["zone"]
    cert["subject_alternative_names"] = []
    routed = [i for i, m in enumerate(d["microservices"]) if m.get("route")]
    return [_uncovered(d, i) for i in routed]


def _unrouted_service_before_a_bad_host(d: dict[str, Any]) -> list[Issue]:
    d["microservices"][0]["route"] = None
    d["microservices"][1]["route"]["host"] = "shop.example.org"
    return [_outside_the_zone(d, 1), _uncovered(d, 1)]


def _two_services_on_one_route(d: dict[str, Any]) -> list[Issue]:
    first, second = d["microservices"][1]["route"], d["microservices"][2]["route"]
    second.update(first)
    return [
        (("microservices",), f"route {first['host']}{first['path']} is served by two microservices")
    ]


# The EKS endpoint.


def _endpoint(d: dict[str, Any], private: bool, public: bool, cidrs: list[str]) -> None:
    d["eks"]["endpoint"] = {
        "private_access": private,
        "public_access": public,
        "public_access_cidrs": cidrs,
    }


def _endpoint_reachable_from_nowhere(d: dict[str, Any]) -> list[Issue]:
    _endpoint(d, private=False, public=False, cidrs=[])
    return [(("eks", "endpoint"), "expected private_access or public_access (or both) to be true")]


def _cidrs_for_a_private_endpoint(d: dict[str, Any]) -> list[Issue]:
    _endpoint(d, private=True, public=False, cidrs=["203.0.113.0/24"])
    return [
        (
            ("eks", "endpoint", "public_access_cidrs"),
            "expected no CIDRs while public_access is false",
        )
    ]


def _open_public_endpoint(d: dict[str, Any]) -> list[Issue]:
    _endpoint(d, private=False, public=True, cidrs=[])
    return [
        (
            ("eks", "endpoint", "public_access_cidrs"),
            "expected the CIDRs allowed to reach the public endpoint "
            "(an open endpoint is not a design)",
        )
    ]


def _public_endpoint_open_to_everyone(d: dict[str, Any]) -> list[Issue]:
    _endpoint(d, private=True, public=True, cidrs=["203.0.113.0/24", "0.0.0.0/0"])
    return [
        (
            ("eks", "endpoint", "public_access_cidrs", 1),
            "expected a restricted CIDR, found 0.0.0.0/0",
        )
    ]


def _restricted_public_endpoint(d: dict[str, Any]) -> list[Issue]:
    _endpoint(d, private=False, public=True, cidrs=["203.0.113.0/24"])
    return []


# Sidecar injection.


def _revision_label_without_a_revision(d: dict[str, Any]) -> list[Issue]:
    d["mesh"]["injection"]["label"] = "istio.io/rev"
    d["mesh"]["injection"].pop("revision", None)
    return [
        (("mesh", "injection", "revision"), "expected a revision when the label is istio.io/rev")
    ]


def _revision_label_with_a_revision(d: dict[str, Any]) -> list[Issue]:
    d["mesh"]["injection"]["label"] = "istio.io/rev"
    d["mesh"]["injection"]["revision"] = "stable"
    return []


def _injection_label_with_a_revision(d: dict[str, Any]) -> list[Issue]:
    d["mesh"]["injection"]["label"] = "istio-injection"
    d["mesh"]["injection"]["revision"] = "stable"
    return [
        (("mesh", "injection", "revision"), "expected no revision with the istio-injection label")
    ]


def _service_in_an_unlabelled_namespace(d: dict[str, Any]) -> list[Issue]:
    last = len(d["microservices"]) - 1
    d["microservices"][last]["namespace"] = "elsewhere"
    labelled = sorted(d["mesh"]["injection"]["namespaces"])
    return [
        (
            ("microservices", last, "namespace"),
            "namespace 'elsewhere' is not injection-labelled "
            f"(expected it in mesh.injection.namespaces {labelled})",
        )
    ]


def _gateway_namespace_labelled(d: dict[str, Any]) -> list[Issue]:
    gateway_ns = d["mesh"]["ingress_gateway"]["namespace"]
    d["mesh"]["injection"]["namespaces"].append(gateway_ns)
    return [
        (
            ("mesh", "injection", "namespaces"),
            f"the ingress gateway namespace {gateway_ns!r} runs its own Envoy "
            "and must not be injection-labelled",
        )
    ]


# References between microservices, data stores, secrets, components and decisions.


def _service_names(d: dict[str, Any]) -> list[str]:
    return sorted(m["name"] for m in d["microservices"])


def _service_depending_on_itself(d: dict[str, Any]) -> list[Issue]:
    last = len(d["microservices"]) - 1
    service = d["microservices"][last]
    j = len(service.get("depends_on", []))
    service["depends_on"] = [*service.get("depends_on", []), service["name"]]
    return [
        (
            ("microservices", last, "depends_on", j),
            f"microservice {service['name']!r} depends on itself",
        )
    ]


def _dependency_on_nothing(d: dict[str, Any]) -> list[Issue]:
    service = d["microservices"][0]
    j = len(service["depends_on"])
    service["depends_on"].append("inventory")
    stores = [x["name"] for x in d["data"]["databases"] + d["data"]["caches"]]
    return [
        (
            ("microservices", 0, "depends_on", j),
            "expected a microservice or data store name "
            f"{sorted(_service_names(d) + stores)}, found 'inventory'",
        )
    ]


def _secret_used_by_nobody_known(d: dict[str, Any]) -> list[Issue]:
    last = len(d["data"]["secrets"]) - 1
    users = d["data"]["secrets"][last]["used_by"]
    users.append("nobody")
    return [
        (
            ("data", "secrets", last, "used_by", len(users) - 1),
            f"expected a microservice name {_service_names(d)}, found 'nobody'",
        )
    ]


def _component_referring_to_nothing(field: str) -> Case:
    def case(d: dict[str, Any]) -> list[Issue]:
        last = len(d["platform"]["components"]) - 1
        refs = d["platform"]["components"][last][field]
        refs.append("nowhere")
        return [
            (
                ("platform", "components", last, field, len(refs) - 1),
                f"expected a component name or one of {list(EXTERNAL_PARTIES)}, found 'nowhere'",
            )
        ]

    case.__name__ = f"_component_{field}_nothing"
    return case


def _decision_ids(d: dict[str, Any]) -> list[str]:
    return sorted(x["id"] for x in d["decisions"])


def _component_under_an_undeclared_decision(d: dict[str, Any]) -> list[Issue]:
    last = len(d["platform"]["components"]) - 1
    d["platform"]["components"][last]["decision"] = "ADR-0999"
    return [
        (
            ("platform", "components", last, "decision"),
            f"expected a decision id declared in decisions {_decision_ids(d)}, found 'ADR-0999'",
        )
    ]


def _decision_governing_nothing(d: dict[str, Any]) -> list[Issue]:
    last = len(d["decisions"]) - 1
    governs = d["decisions"][last]["governs"]
    governs.append("edge.loadbalancer")
    return [
        (
            ("decisions", last, "governs", len(governs) - 1),
            "expected a path into the design such as 'edge.alb' or 'platform.argo-cd', "
            "found 'edge.loadbalancer', which does not resolve",
        )
    ]


CASES: list[Case] = [
    _zone_listed_twice,
    _subnet_outside_the_vpc,
    _subnet_overlapping_two_earlier_ones,
    _subnet_in_an_undeclared_zone,
    _three_public_subnets_in_one_zone,
    _same_node_port_twice,
    _audit_trail_into_an_undeclared_bucket,
    _access_logs_into_an_undeclared_bucket,
    _internet_facing_alb_in_a_private_tier,
    _internal_alb_in_a_private_tier,
    _redirect_on_the_https_port,
    _record_outside_the_zone,
    _record_that_only_ends_like_the_zone,
    _record_below_the_zone,
    _host_outside_the_zone,
    _host_two_labels_below_the_zone,
    _host_covered_by_the_wildcard,
    _wildcard_alone_does_not_cover_the_apex,
    _unrouted_service_before_a_bad_host,
    _two_services_on_one_route,
    _endpoint_reachable_from_nowhere,
    _cidrs_for_a_private_endpoint,
    _open_public_endpoint,
    _public_endpoint_open_to_everyone,
    _restricted_public_endpoint,
    _revision_label_without_a_revision,
    _revision_label_with_a_revision,
    _injection_label_with_a_revision,
    _service_in_an_unlabelled_namespace,
    _gateway_namespace_labelled,
    _service_depending_on_itself,
    _dependency_on_nothing,
    _secret_used_by_nobody_known,
    _component_referring_to_nothing("watches"),
    _component_referring_to_nothing("feeds"),
    _component_under_an_undeclared_decision,
    _decision_governing_nothing,
]


@pytest.mark.parametrize("case", CASES, ids=[c.__name__.strip("_") for c in CASES])
def test_a_cross_field_rule_names_the_path_and_what_it_expected(
    design_data: dict[str, Any], case: Case
) -> None:
    expected = case(design_data)
    assert _issues(design_data) == expected


# One owner per section, from the declared owners.

SECTIONS = ["network", "security", "edge", "eks", "mesh", "platform", "data", "registry"]


@pytest.mark.parametrize("section", SECTIONS)
def test_a_section_owned_by_an_undeclared_owner_is_named(
    design_data: dict[str, Any], section: str
) -> None:
    design_data[section]["owner"] = "nobody"
    assert _issues(design_data) == [
        (
            (section, "owner"),
            f"expected one of the owners {_owners_of(design_data)}, found 'nobody'",
        )
    ]


@pytest.mark.parametrize(
    "path",
    [
        ("eks", "secrets_encryption", "kms_key"),
        ("registry", "kms_key"),
        ("security", "audit_trail", "kms_key"),
        ("data", "databases", -1, "kms_key"),
        ("data", "secrets", -1, "kms_key"),
    ],
    ids=lambda path: ".".join(str(p) for p in path),
)
def test_a_reference_to_an_undeclared_kms_alias_is_named(
    design_data: dict[str, Any], path: tuple[str | int, ...]
) -> None:
    listed: Any = design_data[str(path[0])][path[1]]
    loc = tuple(len(listed) - 1 if p == -1 else p for p in path)
    node: Any = design_data
    for key in loc[:-1]:
        node = node[key]
    node[loc[-1]] = "alias/nowhere"
    assert _issues(design_data) == [
        (
            loc,
            f"expected a KMS alias declared in security.kms_keys {_aliases_of(design_data)}, "
            "found 'alias/nowhere'",
        )
    ]


# Names: unique within their list, and one namespace for what dependencies refer to.

NAMED_LISTS = [
    (("platform", "components"), "name", "component"),
    (("microservices",), "name", "microservice"),
    (("eks", "node_groups"), "name", "node group"),
    (("data", "databases"), "name", "database"),
    (("data", "caches"), "name", "cache"),
    (("data", "buckets"), "name", "bucket"),
    (("data", "secrets"), "name", "secret"),
    (("security", "kms_keys"), "alias", "KMS alias"),
    (("decisions",), "id", "decision id"),
]


@pytest.mark.parametrize(
    ("path", "key", "what"), NAMED_LISTS, ids=[what for _, _, what in NAMED_LISTS]
)
def test_a_name_used_twice_in_its_list_is_named_at_the_second_use(
    design_data: dict[str, Any], path: tuple[str, ...], key: str, what: str
) -> None:
    items: Any = design_data
    for part in path:
        items = items[part]
    items.append(copy.deepcopy(items[-1]))
    name = items[-1][key]
    assert _issues(design_data) == [
        ((*path, len(items) - 1, key), f"{what} name {name!r} is used twice")
    ]


def test_a_duplicate_kms_alias_points_at_the_line_of_its_alias(
    design_data: dict[str, Any], tmp_path: Path
) -> None:
    keys = design_data["security"]["kms_keys"]
    keys.append({**copy.deepcopy(keys[0]), "purpose": {"en": "A twin.", "ja": "双子。"}})
    text = yaml.safe_dump(design_data, sort_keys=False, allow_unicode=True)
    path = tmp_path / "architecture.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UserInputError) as caught:
        load(path)
    [problem] = caught.value.problems
    twin = text.index("A twin.")
    alias_line = text.rfind("alias:", 0, twin)
    assert problem.line == text.count("\n", 0, alias_line) + 1
    assert str(problem) == (
        f"{path}:{problem.line}: security.kms_keys[{len(keys) - 1}].alias: "
        f"KMS alias name {keys[0]['alias']!r} is used twice"
    )


def test_a_component_and_a_microservice_cannot_share_a_name(design_data: dict[str, Any]) -> None:
    component = design_data["platform"]["components"][0]["name"]
    design_data["microservices"][0]["name"] = component
    assert _issues(design_data) == [
        (("microservices", 0, "name"), f"name {component!r} is already used by a component")
    ]


def test_a_cache_named_like_a_database_is_named_and_so_is_its_lost_dependency(
    design_data: dict[str, Any],
) -> None:
    data = design_data["data"]
    old, database = data["caches"][0]["name"], data["databases"][0]["name"]
    data["caches"][0]["name"] = database
    users = [
        (i, j)
        for i, m in enumerate(design_data["microservices"])
        for j, dep in enumerate(m["depends_on"])
        if dep == old
    ]
    targets = sorted(_service_names(design_data) + [d["name"] for d in data["databases"]])
    assert _issues(design_data) == [
        (("data", "caches", 0, "name"), f"name {database!r} is already used by a database"),
        *[
            (
                ("microservices", i, "depends_on", j),
                f"expected a microservice or data store name {targets}, found {old!r}",
            )
            for i, j in users
        ],
    ]


@pytest.mark.parametrize(
    "where", [("eks", "node_groups"), ("data", "buckets"), ("data", "secrets")]
)
def test_names_outside_the_shared_namespace_may_repeat_a_service_name(
    design_data: dict[str, Any], where: tuple[str, str]
) -> None:
    """Node groups, buckets and secrets are never a dependency, so they may share a name."""
    service = design_data["microservices"][-1]["name"]
    referenced = {
        design_data["edge"]["alb"]["access_logs"]["bucket"],
        design_data["security"]["audit_trail"]["bucket"],
    }
    items = design_data[where[0]][where[1]]
    index = next(i for i, item in enumerate(items) if item["name"] not in referenced)
    items[index]["name"] = service
    assert _issues(design_data) == []


# Paths into the design, as decisions name what they govern.


def test_a_design_path_resolves_to_what_it_names(design: Design) -> None:
    tree = design.model_dump(mode="json")
    component = tree["platform"]["components"][-1]
    database = tree["data"]["databases"][-1]
    key = tree["security"]["kms_keys"][-1]
    decision = tree["decisions"][-1]
    service = tree["microservices"][-1]
    assert resolve(tree, "edge.alb") is tree["edge"]["alb"]
    assert resolve(tree, f"platform.{component['name']}") is component
    assert resolve(tree, f"platform.components.{component['name']}") is component
    assert resolve(tree, f"platform.{component['name']}.workload") is component["workload"]
    assert resolve(tree, f"data.databases.{database['name']}") is database
    assert resolve(tree, f"security.kms_keys.{key['alias']}") is key
    assert resolve(tree, f"decisions.{decision['id']}") is decision
    assert resolve(tree, f"microservices.{service['name']}") is service


def test_a_design_path_that_names_nothing_does_not_resolve(design: Design) -> None:
    tree = design.model_dump(mode="json")
    database = tree["data"]["databases"][-1]["name"]
    addon = tree["eks"]["addons"][0]
    for ref in [
        "nowhere",
        "edge.loadbalancer",
        f"data.{database}",  # data holds several lists: which one is not implied
        f"eks.addons.{addon}",  # a list of names, not of named items
        "edge.alb.scheme.more",
        "platform.no-such-component",
        f"platform.{tree['platform']['components'][0]['name']}.no-such-field",
    ]:
        assert resolve(tree, ref) is _MISSING, ref
