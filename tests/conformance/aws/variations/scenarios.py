"""Variations of the design's account, each a few boto3 calls against the demo account.

A *departure* opens a path around the design or weakens it: the check it names must fail
with a message naming the path. A *harmless* variation is what real accounts carry
beside a conforming design (a stricter policy, another team's resources, a maintenance
page): it must add no fail and no error. Every value the design holds is read from it.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from eks_refarch.conformance.aws.settings import Scope
from eks_refarch.demo.drift import (
    DRIFTS,
    gateway_copy,
    undeclared_cidr,
)
from eks_refarch.demo.provision import Account, launch_template_data, self_signed_certificate

Apply = Callable[[Account], None]


@dataclass(frozen=True)
class Departure:
    name: str
    check: str  # the check that must fail
    says: tuple[str, ...]  # what its failure message must contain: the path, by name
    apply: Apply
    listed: bool = False  # one of the departures the issue lists
    scope: Scope = "account"  # the run's --scope


@dataclass(frozen=True)
class Harmless:
    name: str
    apply: Apply
    listed: bool = False
    scope: Scope = "account"  # the run's --scope
    # (check, text) a finding must show, so that the test proves the variation was seen.
    seen: tuple[tuple[str, str], ...] = field(default_factory=tuple)


# Helpers: the calls a console user or a Terraform change would make.


def _web_acl(account: Account) -> tuple[Any, dict[str, Any], str]:
    waf = account.client("wafv2")
    name = account.design.edge.waf.name
    summary = next(a for a in waf.list_web_acls(Scope="REGIONAL")["WebACLs"] if a["Name"] == name)
    current = waf.get_web_acl(Name=name, Scope="REGIONAL", Id=summary["Id"])
    return waf, current, summary["Id"]


def _update_acl(
    account: Account,
    rules: Callable[[list[dict[str, Any]]], list[dict[str, Any]]],
    default: dict[str, Any] | None = None,
) -> None:
    waf, current, acl_id = _web_acl(account)
    acl = current["WebACL"]
    waf.update_web_acl(
        Name=acl["Name"],
        Scope="REGIONAL",
        Id=acl_id,
        DefaultAction=default or acl["DefaultAction"],
        VisibilityConfig=acl["VisibilityConfig"],
        Rules=rules([dict(r) for r in acl["Rules"]]),
        LockToken=current["LockToken"],
    )


VISIBILITY = {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True}
MATCH_PARTNER = {
    "ByteMatchStatement": {
        "SearchString": "partner",
        "FieldToMatch": {"UriPath": {}},
        "TextTransformations": [{"Priority": 0, "Type": "NONE"}],
        "PositionalConstraint": "CONTAINS",
    }
}


def _own_rule(name: str, priority: int, action: str, statement: dict[str, Any]) -> dict[str, Any]:
    return {
        "Name": name,
        "Priority": priority,
        "Statement": statement,
        "Action": {action: {}},
        "VisibilityConfig": {**VISIBILITY, "MetricName": name},
    }


def _shifted(rules: list[dict[str, Any]], by: int) -> list[dict[str, Any]]:
    return [{**r, "Priority": r["Priority"] + by} for r in rules]


def _first_group(
    rules: list[dict[str, Any]], how: Callable[[dict[str, Any]], None]
) -> list[dict[str, Any]]:
    first = dict(rules[0])
    statement = {"ManagedRuleGroupStatement": dict(first["Statement"]["ManagedRuleGroupStatement"])}
    how(statement["ManagedRuleGroupStatement"])
    return [{**first, "Statement": statement}, *rules[1:]]


def _node_ingress(account: Account, port: int, **ranges: Any) -> None:
    account.client("ec2").authorize_security_group_ingress(
        GroupId=account.ids["sg:nodes"],
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": port, "ToPort": port, **ranges}],
    )


def _rule(account: Account, listener: str, priority: int, path: str, *actions: Any) -> None:
    account.client("elbv2").create_rule(
        ListenerArn=account.ids[listener],
        Priority=priority,
        Conditions=[{"Field": "path-pattern", "Values": [path]}],
        Actions=list(actions),
    )


def _forward(arn: str, order: int = 1) -> dict[str, Any]:
    return {"Type": "forward", "TargetGroupArn": arn, "Order": order}


OIDC = {
    "Type": "authenticate-oidc",
    "Order": 1,
    "AuthenticateOidcConfig": {
        "Issuer": "https://login.example.com",
        "AuthorizationEndpoint": "https://login.example.com/authorize",
        "TokenEndpoint": "https://login.example.com/token",
        "UserInfoEndpoint": "https://login.example.com/userinfo",
        "ClientId": "refarch",
        "ClientSecret": "not-a-secret",
    },
}


def _certificate(account: Account, domain: str, issued_days_ago: int) -> str:
    cert, key = self_signed_certificate(
        account.design, datetime.now(UTC) - timedelta(days=issued_days_ago), domain=domain
    )
    arn: str = account.client("acm").import_certificate(Certificate=cert, PrivateKey=key)[
        "CertificateArn"
    ]
    return arn


def _sni(account: Account, domain: str, issued_days_ago: int = 1) -> None:
    arn = _certificate(account, domain, issued_days_ago)
    account.client("elbv2").add_listener_certificates(
        ListenerArn=account.ids["listener:https"], Certificates=[{"CertificateArn": arn}]
    )


def _subnet(account: Account, cidr: str, *, public: bool, to: str) -> str:
    """A subnet of the design's VPC the design does not list, routed to ``to``."""
    ec2 = account.client("ec2")
    subnet: str = ec2.create_subnet(
        VpcId=account.ids["vpc"],
        CidrBlock=cidr,
        AvailabilityZone=account.design.network.availability_zones[0],
    )["Subnet"]["SubnetId"]
    ec2.modify_subnet_attribute(SubnetId=subnet, MapPublicIpOnLaunch={"Value": public})
    table = ec2.create_route_table(VpcId=account.ids["vpc"])["RouteTable"]["RouteTableId"]
    target = {"GatewayId": to} if to.startswith("igw-") else {"NatGatewayId": to}
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", **target)
    ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
    return subnet


def _instance(account: Account, subnet: str, *groups: str) -> None:
    account.client("ec2").run_instances(
        ImageId="ami-12c6146b",
        MinCount=1,
        MaxCount=1,
        InstanceType="t3.micro",
        SubnetId=subnet,
        SecurityGroupIds=list(groups),
    )


def _other_cidr(account: Account, offset: int) -> str:
    """Another free /24 of the design's VPC, below the one undeclared_cidr gives."""
    last = undeclared_cidr(account.design)
    octets = last.split("/")[0].split(".")
    return f"{octets[0]}.{octets[1]}.{int(octets[2]) - offset}.0/24"


def _other_team_vpc(account: Account, cidr: str, name: str = "payments-team") -> dict[str, str]:
    """Another team's VPC: its subnets (one per designed AZ), an internet gateway, a public
    route table and an instance, as real accounts carry beside the design's."""
    ec2 = account.client("ec2")
    vpc: str = ec2.create_vpc(
        CidrBlock=cidr,
        TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": name}]}],
    )["Vpc"]["VpcId"]
    blocks = ipaddress.ip_network(cidr).subnets(new_prefix=24)
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=str(block), AvailabilityZone=az)["Subnet"][
            "SubnetId"
        ]
        for az, block in zip(account.design.network.availability_zones, blocks, strict=False)
    ]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    for subnet in subnets:
        ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
    group = ec2.create_security_group(
        GroupName=f"{name}-open", Description="another team's", VpcId=vpc
    )["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=group,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 22,
                "ToPort": 22,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            }
        ],
    )
    _instance(account, subnets[0], group)
    return {"vpc": vpc, "subnet": subnets[0], "subnet2": subnets[1], "sg": group}


def _internal_alb(account: Account, name: str, subnets: list[str]) -> str:
    arn: str = account.client("elbv2").create_load_balancer(
        Name=name, Subnets=subnets, Scheme="internal", Type="application"
    )["LoadBalancers"][0]["LoadBalancerArn"]
    return arn


# Departures: the six, then more of the same kinds.


def _plain_http_listener_to_gateway(account: Account) -> None:
    account.client("elbv2").create_listener(
        LoadBalancerArn=account.ids["alb"],
        Protocol="HTTP",
        Port=8080,
        DefaultActions=[_forward(account.ids["target_group"])],
    )


def _split_default(account: Account, name: str, port: int, gateway: int, other: int) -> None:
    """The HTTPS listener's default action split between the gateway's target group and
    a copy of it on another port, by weight."""
    copy = gateway_copy(account, name, port)
    account.client("elbv2").modify_listener(
        ListenerArn=account.ids["listener:https"],
        DefaultActions=[
            {
                "Type": "forward",
                "ForwardConfig": {
                    "TargetGroups": [
                        {"TargetGroupArn": account.ids["target_group"], "Weight": gateway},
                        {"TargetGroupArn": copy, "Weight": other},
                    ]
                },
            }
        ],
    )


def _weighted_canary(account: Account) -> None:
    _split_default(account, "canary", 8081, gateway=90, other=10)


def _authenticated_admin(account: Account) -> None:
    admin = gateway_copy(account, "admin-console", 8080)
    account.client("elbv2").create_rule(
        ListenerArn=account.ids["listener:https"],
        Priority=2,
        Conditions=[{"Field": "host-header", "Values": [f"admin.{account.design.edge.dns.zone}"]}],
        Actions=[OIDC, _forward(admin, order=2)],
    )


def _https_rule_redirects_to_http(account: Account) -> None:
    _rule(
        account,
        "listener:https",
        3,
        "/legacy/*",
        {
            "Type": "redirect",
            "RedirectConfig": {"Protocol": "HTTP", "Port": "80", "StatusCode": "HTTP_302"},
        },
    )


def _http_rule_forwards(account: Account) -> None:
    _rule(account, "listener:http", 1, "/admin/*", _forward(account.ids["target_group"]))


def _second_https_listener_weak(account: Account) -> None:
    account.client("elbv2").create_listener(
        LoadBalancerArn=account.ids["alb"],
        Protocol="HTTPS",
        Port=8443,
        SslPolicy="ELBSecurityPolicy-TLS-1-1-2017-01",
        Certificates=[{"CertificateArn": account.ids["certificate"]}],
        DefaultActions=[_forward(account.ids["target_group"])],
    )


def _waf_rule_counted(account: Account) -> None:
    def count(group: dict[str, Any]) -> None:
        group["RuleActionOverrides"] = [
            {"Name": "SizeRestrictions_BODY", "ActionToUse": {"Count": {}}}
        ]

    _update_acl(account, lambda rules: _first_group(rules, count))


def _waf_allow_first(account: Account) -> None:
    _update_acl(
        account,
        lambda rules: [_own_rule("allow-partners", 0, "Allow", MATCH_PARTNER), *_shifted(rules, 1)],
    )


def _waf_scope_down(account: Account) -> None:
    def scope(group: dict[str, Any]) -> None:
        group["ScopeDownStatement"] = MATCH_PARTNER

    _update_acl(account, lambda rules: _first_group(rules, scope))


def _ssh_from_one_address(account: Account) -> None:
    _node_ingress(account, 22, IpRanges=[{"CidrIp": "203.0.113.10/32"}])


def _ipv6_halves(account: Account) -> None:
    port = account.design.edge.target_group.port
    _node_ingress(account, port, Ipv6Ranges=[{"CidrIpv6": "::/1"}, {"CidrIpv6": "8000::/1"}])


def _second_group_on_nodes(account: Account) -> None:
    ec2 = account.client("ec2")
    debug = ec2.create_security_group(
        GroupName="node-debug", Description="metrics, opened by hand", VpcId=account.ids["vpc"]
    )["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=debug,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 9100,
                "ToPort": 9100,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            }
        ],
    )
    group = account.design.eks.node_groups[0].name
    template = account.ids[f"launch_template:{group}"]
    data = launch_template_data(account, group)
    data["SecurityGroupIds"] = [account.ids["sg:nodes"], debug]
    version = ec2.create_launch_template_version(
        LaunchTemplateId=template, LaunchTemplateData=data
    )["LaunchTemplateVersion"]["VersionNumber"]
    ec2.modify_launch_template(LaunchTemplateId=template, DefaultVersion=str(version))


def _private_route_in_halves(account: Account) -> None:
    ec2 = account.client("ec2")
    table = account.ids[f"rt:private:{account.design.network.availability_zones[0]}"]
    for half in ("0.0.0.0/1", "128.0.0.0/1"):
        ec2.create_route(
            RouteTableId=table, DestinationCidrBlock=half, GatewayId=account.ids["igw"]
        )


def _undeclared_subnet_with_data(account: Account) -> None:
    subnet = _subnet(account, _other_cidr(account, 1), public=False, to=account.ids["igw"])
    data = account.subnet_ids("private-data")
    account.client("rds").create_db_subnet_group(
        DBSubnetGroupName="reporting-db-subnets",
        DBSubnetGroupDescription="a reporting replica, added by hand",
        SubnetIds=[subnet, data[1]],
    )


def _update_trail(**settings: Any) -> Apply:
    def apply(account: Account) -> None:
        account.client("cloudtrail").update_trail(Name=account.ids["trail"], **settings)

    return apply


def _public_classic_elb_elsewhere(account: Account) -> None:
    other = _other_team_vpc(account, "172.20.0.0/16", "legacy-team")
    account.client("elb").create_load_balancer(
        LoadBalancerName="legacy-web",
        Listeners=[{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstancePort": 8080}],
        Subnets=[other["subnet"]],
        Scheme="internet-facing",
    )


def _ip_targets_on_the_nodeport(account: Account) -> None:
    tg = account.design.edge.target_group
    ip_group = account.client("elbv2").create_target_group(
        Name="gateway-ip",
        Protocol=tg.protocol,
        Port=tg.port,
        VpcId=account.ids["vpc"],
        TargetType="ip",
        HealthCheckProtocol=tg.health_check.protocol,
        HealthCheckPort=str(tg.health_check_port),
        HealthCheckPath=tg.health_check_path,
    )["TargetGroups"][0]["TargetGroupArn"]
    _rule(account, "listener:https", 4, "/api/*", _forward(ip_group))


def _other_acl_associated(account: Account) -> None:
    waf = account.client("wafv2")
    other = waf.create_web_acl(
        Name="platform-team-acl",
        Scope="REGIONAL",
        DefaultAction={"Allow": {}},
        VisibilityConfig={**VISIBILITY, "MetricName": "platform-team-acl"},
        Rules=[],
    )["Summary"]["ARN"]
    waf.disassociate_web_acl(ResourceArn=account.ids["alb"])
    waf.associate_web_acl(WebACLArn=other, ResourceArn=account.ids["alb"])


DEPARTURES = (
    Departure(
        "https-rule-sends-every-path-elsewhere",
        "elbv2_alb_forwards_to_gateway_nodeport",
        ("listener HTTPS:443, rule 1 (path-pattern /*) forwards to target group admin-console",),
        DRIFTS["listener-rule-bypass"].apply,
        listed=True,
    ),
    Departure(
        "second-listener-forwards-plain-http-to-the-gateway",
        "elbv2_alb_http_redirects_to_https",
        (
            "listener HTTP:8080, default action forwards plain HTTP to target group "
            "sakura-shop-istio-gateway: the gateway is reached without TLS",
        ),
        _plain_http_listener_to_gateway,
        listed=True,
    ),
    Departure(
        "waf-groups-all-count",
        "wafv2_web_acl_managed_rule_groups_present",
        ("rule AWSManagedRulesSQLiRuleSet overrides the whole group to Count",),
        DRIFTS["waf-count"].apply,
        listed=True,
    ),
    Departure(
        "health-check-protocol-switched",
        "elbv2_target_group_health_checks_gateway_status_port",
        ("checks HTTPS port 30021 path /healthz/ready; the design checks HTTP port 30021",),
        DRIFTS["health-check-protocol"].apply,
        listed=True,
    ),
    Departure(
        "world-open-as-two-halves",
        "ec2_node_security_group_closed_to_internet",
        ("tcp/30080 from 0.0.0.0/1", "tcp/30080 from 128.0.0.0/1"),
        DRIFTS["node-open-in-halves"].apply,
        listed=True,
    ),
    Departure(
        "undeclared-subnet-routes-a-node-to-the-internet",
        "vpc_undeclared_subnets_keep_nodes_and_data_off_internet",
        (
            "routes 0.0.0.0/0 to igw-",
            "assigns public IPv4 addresses on launch, and holds nodes: i-",
            "a route from the internet to them around the ALB",
        ),
        DRIFTS["undeclared-public-subnet"].apply,
        listed=True,
    ),
    Departure(
        "weighted-canary-to-another-port",
        "elbv2_alb_forwards_to_gateway_nodeport",
        ("listener HTTPS:443, default action forwards to target group canary",),
        _weighted_canary,
    ),
    Departure(
        "authenticated-host-rule-to-another-target",
        "elbv2_alb_forwards_to_gateway_nodeport",
        ("rule 2 (host-header admin.shop.example.com) forwards to target group admin-console",),
        _authenticated_admin,
    ),
    Departure(
        "https-rule-redirects-to-plain-http",
        "elbv2_alb_forwards_to_gateway_nodeport",
        ("rule 3 (path-pattern /legacy/*) redirects to HTTP (HTTP_302)",),
        _https_rule_redirects_to_http,
    ),
    Departure(
        "http-listener-rule-forwards-to-the-gateway",
        "elbv2_alb_http_redirects_to_https",
        ("listener HTTP:80, rule 1 (path-pattern /admin/*) forwards plain HTTP",),
        _http_rule_forwards,
    ),
    Departure(
        "second-https-listener-with-a-weaker-policy",
        "elbv2_alb_https_listener_uses_designed_tls_policy",
        ("listener HTTPS:8443 of ALB sakura-shop-edge uses ELBSecurityPolicy-TLS-1-1-2017-01",),
        _second_https_listener_weak,
    ),
    Departure(
        "sni-certificate-near-expiry",
        "acm_certificate_issued_not_expiring",
        ("SNI certificate for partner.example.org on listener HTTPS:443: it expires",),
        DRIFTS["sni-certificate-expiring"].apply,
    ),
    Departure(
        "waf-rule-of-a-group-counted",
        "wafv2_web_acl_managed_rule_groups_present",
        ("overrides rules of the group to Count or Allow: SizeRestrictions_BODY (count)",),
        _waf_rule_counted,
    ),
    Departure(
        "waf-allow-rule-before-the-groups",
        "wafv2_web_acl_managed_rule_groups_present",
        ("rules allow-partners allow requests before rule AWSManagedRulesCommonRuleSet",),
        _waf_allow_first,
    ),
    Departure(
        "waf-group-scoped-down",
        "wafv2_web_acl_managed_rule_groups_present",
        ("inspects only the requests its scope-down statement matches",),
        _waf_scope_down,
    ),
    Departure(
        "ssh-from-one-public-address",
        "ec2_node_security_group_closed_to_internet",
        ("tcp/22 from 203.0.113.10/32",),
        _ssh_from_one_address,
    ),
    Departure(
        "ipv6-world-as-two-halves",
        "ec2_node_security_group_closed_to_internet",
        ("from ::/1", "from 8000::/1"),
        _ipv6_halves,
    ),
    Departure(
        "second-security-group-on-the-nodes",
        "ec2_node_security_group_closed_to_internet",
        ("tcp/9100 from 0.0.0.0/0",),
        _second_group_on_nodes,
    ),
    Departure(
        "private-default-route-in-halves",
        "vpc_private_subnets_route_through_nat",
        ("routes 0.0.0.0/1 to igw-", "128.0.0.0/1 to igw-", "to the internet"),
        _private_route_in_halves,
    ),
    Departure(
        "undeclared-subnet-in-a-db-subnet-group",
        "vpc_undeclared_subnets_keep_nodes_and_data_off_internet",
        ("holds data: DB subnet group reporting-db-subnets",),
        _undeclared_subnet_with_data,
    ),
    Departure(
        "trail-log-file-validation-off",
        "cloudtrail_log_file_validation_enabled",
        ("trail sakura-shop-audit: log file validation is off",),
        _update_trail(EnableLogFileValidation=False),
    ),
    Departure(
        "trail-single-region",
        "cloudtrail_trail_multi_region_logging",
        ("trail sakura-shop-audit: it records only its home region",),
        _update_trail(IsMultiRegionTrail=False),
    ),
    Departure(
        "public-classic-elb-in-another-vpc",
        "elbv2_internet_facing_only_designed_alb",
        ("classic load balancer legacy-web is internet-facing", "in the whole account"),
        _public_classic_elb_elsewhere,
    ),
    Departure(
        "second-public-alb-in-the-design-vpc-with-scope-vpc",
        "elbv2_internet_facing_only_designed_alb",
        ("load balancer sakura-shop-edge-test is internet-facing", "(--scope vpc)"),
        DRIFTS["second-public-alb"].apply,
        scope="vpc",
    ),
    Departure(
        "ip-targets-on-the-gateway-nodeport",
        "elbv2_alb_forwards_to_gateway_nodeport",
        ("rule 4 (path-pattern /api/*) forwards to target group gateway-ip (ip targets",),
        _ip_targets_on_the_nodeport,
    ),
    Departure(
        "another-web-acl-associated",
        "wafv2_web_acl_associated_with_alb",
        ("is associated with web ACL platform-team-acl; the design associates sakura-shop-edge",),
        _other_acl_associated,
    ),
)


# Harmless variations: the four, then what else real accounts carry.


def _policy(name: str) -> Apply:
    def apply(account: Account) -> None:
        account.client("elbv2").modify_listener(
            ListenerArn=account.ids["listener:https"], SslPolicy=name
        )

    return apply


def _requested_sni_certificate(account: Account) -> None:
    """A certificate requested for another domain and still awaiting DNS validation."""
    arn = account.client("acm").request_certificate(
        DomainName="partner.example.org", ValidationMethod="DNS"
    )["CertificateArn"]
    account.client("elbv2").add_listener_certificates(
        ListenerArn=account.ids["listener:https"], Certificates=[{"CertificateArn": arn}]
    )


def _same_cidr_vpc(account: Account) -> None:
    """Another team's copy of the network: the same CIDR block and subnets, an internet
    gateway, and an internal load balancer and a node of its own in it."""
    ec2 = account.client("ec2")
    net = account.design.network
    vpc = ec2.create_vpc(CidrBlock=net.vpc_cidr)["Vpc"]["VpcId"]
    subnets = {
        s.cidr: ec2.create_subnet(VpcId=vpc, CidrBlock=s.cidr, AvailabilityZone=s.az)["Subnet"][
            "SubnetId"
        ]
        for s in net.subnets
    }
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    public = [subnets[s.cidr] for s in net.subnets_in("public")]
    for subnet in public:
        ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
    _internal_alb(account, "payments-internal", public)


def _zone(
    account: Account, name: str, *, private: bool = False, alias_to: str | None = None
) -> None:
    route53 = account.client("route53")
    extra: dict[str, Any] = {}
    if private:
        extra = {
            "HostedZoneConfig": {"PrivateZone": True, "Comment": "internal"},
            "VPC": {"VPCRegion": account.design.product.region, "VPCId": account.ids["vpc"]},
        }
    zone = route53.create_hosted_zone(
        Name=name, CallerReference=f"variation-{name}-{private}-{alias_to}", **extra
    )["HostedZone"]["Id"]
    if alias_to:
        route53.change_resource_record_sets(
            HostedZoneId=zone,
            ChangeBatch={
                "Changes": [
                    {
                        "Action": "UPSERT",
                        "ResourceRecordSet": {
                            "Name": account.design.edge.dns.record,
                            "Type": "A",
                            "AliasTarget": {
                                "HostedZoneId": "Z14GRHDCWA56QT",
                                "DNSName": alias_to,
                                "EvaluateTargetHealth": False,
                            },
                        },
                    }
                ]
            },
        )


def _stale_zone(account: Account) -> None:
    _zone(account, account.design.edge.dns.zone)


def _stale_zone_pointing_elsewhere(account: Account) -> None:
    _zone(account, account.design.edge.dns.zone, alias_to="old-edge-123.elb.amazonaws.com")


def _private_zone(account: Account) -> None:
    _zone(account, account.design.edge.dns.zone, private=True, alias_to="internal.example.com")


def _maintenance_page(account: Account) -> None:
    _rule(
        account,
        "listener:https",
        5,
        "/maintenance",
        {
            "Type": "fixed-response",
            "FixedResponseConfig": {"StatusCode": "503", "ContentType": "text/plain"},
        },
    )


def _redirect_to_other_https_host(account: Account) -> None:
    _rule(
        account,
        "listener:https",
        6,
        "/old/*",
        {
            "Type": "redirect",
            "RedirectConfig": {
                "Protocol": "HTTPS",
                "Host": "www.example.com",
                "StatusCode": "HTTP_301",
            },
        },
    )


def _weight_zero_elsewhere(account: Account) -> None:
    _split_default(account, "idle-blue", 8082, gateway=100, other=0)


def _authenticated_gateway(account: Account) -> None:
    account.client("elbv2").create_rule(
        ListenerArn=account.ids["listener:https"],
        Priority=7,
        Conditions=[{"Field": "host-header", "Values": [f"staff.{account.design.edge.dns.zone}"]}],
        Actions=[OIDC, _forward(account.ids["target_group"], order=2)],
    )


def _acme_challenge_on_http(account: Account) -> None:
    _rule(
        account,
        "listener:http",
        1,
        "/.well-known/acme-challenge/*",
        {
            "Type": "fixed-response",
            "FixedResponseConfig": {"StatusCode": "200", "ContentType": "text/plain"},
        },
    )


def _rate_limit_rule(account: Account) -> None:
    rate = {"RateBasedStatement": {"Limit": 2000, "AggregateKeyType": "IP"}}
    _update_acl(account, lambda rules: [*rules, _own_rule("rate-limit", 10, "Block", rate)])


def _extra_managed_group(account: Account) -> None:
    linux = {
        "Name": "AWSManagedRulesLinuxRuleSet",
        "Priority": 10,
        "Statement": {
            "ManagedRuleGroupStatement": {
                "VendorName": "AWS",
                "Name": "AWSManagedRulesLinuxRuleSet",
            }
        },
        "OverrideAction": {"None": {}},
        "VisibilityConfig": {**VISIBILITY, "MetricName": "linux"},
    }
    _update_acl(account, lambda rules: [*rules, linux])


def _counting_rule(account: Account) -> None:
    _update_acl(
        account, lambda rules: [*rules, _own_rule("watch-partners", 10, "Count", MATCH_PARTNER)]
    )


def _waf_blocks_by_default(account: Account) -> None:
    _update_acl(account, lambda rules: rules, default={"Block": {}})


def _kubelet_from_the_vpc(account: Account) -> None:
    _node_ingress(account, 10250, IpRanges=[{"CidrIp": account.design.network.vpc_cidr}])


def _ssh_from_the_corporate_network(account: Account) -> None:
    _node_ingress(account, 22, IpRanges=[{"CidrIp": "10.0.0.0/8"}, {"CidrIp": "192.168.0.0/16"}])


def _undeclared_private_subnet_with_a_node(account: Account) -> None:
    az = account.design.network.availability_zones[0]
    subnet = _subnet(account, _other_cidr(account, 2), public=False, to=account.ids[f"nat:{az}"])
    _instance(account, subnet, account.ids["sg:nodes"])


def _undeclared_empty_public_subnet(account: Account) -> None:
    _subnet(account, _other_cidr(account, 3), public=True, to=account.ids["igw"])


def _look_alike_internal_alb(account: Account) -> None:
    _internal_alb(
        account, f"{account.design.edge.alb.name}-internal", account.subnet_ids("private-app")
    )


def _public_alb_in_another_vpc(account: Account) -> None:
    other = _other_team_vpc(account, "172.21.0.0/16", "marketing-team")
    account.client("elbv2").create_load_balancer(
        Name="marketing-site",
        Subnets=[other["subnet"], other["subnet2"]],
        Scheme="internet-facing",
        Type="application",
    )


def _second_trail(account: Account) -> None:
    s3 = account.client("s3")
    s3.create_bucket(
        Bucket="data-team-trail",
        CreateBucketConfiguration={"LocationConstraint": account.design.product.region},
    )
    account.client("cloudtrail").create_trail(
        Name="data-team-trail", S3BucketName="data-team-trail"
    )


def _trail_with_data_events(account: Account) -> None:
    account.client("cloudtrail").put_event_selectors(
        TrailName=account.ids["trail"],
        EventSelectors=[
            {
                "ReadWriteType": "All",
                "IncludeManagementEvents": True,
                "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}],
            }
        ],
    )


def _rules_with_gaps_to_the_gateway(account: Account) -> None:
    gateway = account.ids["target_group"]
    for priority, path in ((10, "/api/*"), (20, "/static/*")):
        _rule(account, "listener:https", priority, path, _forward(gateway))


def _other_team_acl_on_their_alb(account: Account) -> None:
    other = _other_team_vpc(account, "172.22.0.0/16", "search-team")
    alb = _internal_alb(account, "search-internal", [other["subnet"], other["subnet2"]])
    waf = account.client("wafv2")
    acl = waf.create_web_acl(
        Name="search-team-acl",
        Scope="REGIONAL",
        DefaultAction={"Allow": {}},
        VisibilityConfig={**VISIBILITY, "MetricName": "search-team-acl"},
        Rules=[],
    )["Summary"]["ARN"]
    waf.associate_web_acl(WebACLArn=acl, ResourceArn=alb)


HARMLESS = (
    Harmless(
        "stricter-tls-policy",
        _policy("ELBSecurityPolicy-TLS13-1-2-Res-2021-06"),
        listed=True,
        seen=(
            (
                "elbv2_alb_https_listener_uses_designed_tls_policy",
                "uses ELBSecurityPolicy-TLS13-1-2-Res-2021-06, at least as strict",
            ),
        ),
    ),
    Harmless(
        "extra-sni-certificate-for-another-domain",
        lambda account: _sni(account, "partner.example.org"),
        listed=True,
        seen=(("acm_certificate_issued_not_expiring", "SNI certificate for partner.example.org"),),
    ),
    Harmless(
        "sni-certificate-for-another-domain-awaiting-validation",
        _requested_sni_certificate,
        seen=(("acm_certificate_issued_not_expiring", "SNI certificate for partner.example.org"),),
    ),
    Harmless(
        "another-teams-vpc-with-the-same-cidr",
        _same_cidr_vpc,
        listed=True,
        seen=(("vpc_cidr_matches_design", "because it holds ALB sakura-shop-edge"),),
    ),
    Harmless(
        "stale-duplicate-public-zone",
        _stale_zone,
        listed=True,
        seen=(("route53_record_aliases_alb", "because it holds the alias"),),
    ),
    Harmless(
        "tls-1-3-only-policy",
        _policy("ELBSecurityPolicy-TLS13-1-3-2021-06"),
        seen=(("elbv2_alb_https_listener_uses_designed_tls_policy", "at least as strict"),),
    ),
    Harmless(
        "forward-secrecy-policy-tls-1-2-only",
        _policy("ELBSecurityPolicy-FS-1-2-Res-2020-10"),
        seen=(("elbv2_alb_https_listener_uses_designed_tls_policy", "at least as strict"),),
    ),
    Harmless(
        "stale-duplicate-zone-pointing-at-an-old-alb",
        _stale_zone_pointing_elsewhere,
        seen=(("route53_record_aliases_alb", "because it holds the alias"),),
    ),
    Harmless("private-zone-with-the-same-name", _private_zone),
    Harmless(
        "maintenance-page-rule",
        _maintenance_page,
        seen=(("elbv2_alb_forwards_to_gateway_nodeport", "answers a fixed response (503)"),),
    ),
    Harmless(
        "redirect-to-another-https-host",
        _redirect_to_other_https_host,
        seen=(("elbv2_alb_forwards_to_gateway_nodeport", "redirects to HTTPS (HTTP_301)"),),
    ),
    Harmless(
        "weight-zero-target-group",
        _weight_zero_elsewhere,
        seen=(
            ("elbv2_alb_forwards_to_gateway_nodeport", "default action forwards to target group"),
        ),
    ),
    Harmless(
        "authenticated-rule-to-the-gateway",
        _authenticated_gateway,
        seen=(
            (
                "elbv2_alb_forwards_to_gateway_nodeport",
                "rule 7 (host-header staff.shop.example.com)",
            ),
        ),
    ),
    Harmless(
        "acme-challenge-answered-on-http",
        _acme_challenge_on_http,
        seen=(("elbv2_alb_http_redirects_to_https", "answers a fixed response (200)"),),
    ),
    Harmless("waf-rate-limit-rule", _rate_limit_rule),
    Harmless("waf-extra-managed-group", _extra_managed_group),
    Harmless("waf-counting-rule-after-the-groups", _counting_rule),
    Harmless(
        "waf-blocks-by-default",
        _waf_blocks_by_default,
        seen=(("wafv2_web_acl_managed_rule_groups_present", "has the default action block"),),
    ),
    Harmless("kubelet-port-open-to-the-vpc", _kubelet_from_the_vpc),
    Harmless("ssh-from-private-networks", _ssh_from_the_corporate_network),
    Harmless(
        "undeclared-private-subnet-with-a-node",
        _undeclared_private_subnet_with_a_node,
        seen=(("vpc_undeclared_subnets_keep_nodes_and_data_off_internet", "undeclared subnet"),),
    ),
    Harmless(
        "undeclared-public-subnet-holding-nothing",
        _undeclared_empty_public_subnet,
        seen=(
            (
                "vpc_undeclared_subnets_keep_nodes_and_data_off_internet",
                "and holds none of the nodes or data",
            ),
        ),
    ),
    Harmless("look-alike-internal-alb", _look_alike_internal_alb),
    Harmless(
        "public-alb-of-another-team-with-scope-vpc",
        _public_alb_in_another_vpc,
        scope="vpc",
        seen=(("elbv2_internet_facing_only_designed_alb", "(--scope vpc)"),),
    ),
    Harmless("second-single-region-trail", _second_trail),
    Harmless("trail-records-data-events-too", _trail_with_data_events),
    Harmless(
        "rules-with-gaps-to-the-gateway",
        _rules_with_gaps_to_the_gateway,
        seen=(("elbv2_alb_forwards_to_gateway_nodeport", "rule 20 (path-pattern /static/*)"),),
    ),
    Harmless("other-teams-web-acl-on-their-alb", _other_team_acl_on_their_alb),
)
