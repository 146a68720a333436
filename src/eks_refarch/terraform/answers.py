"""What each AWS read would answer for the resources a Terraform module declares.

One table: for every (service, method) the AWS collectors call, the IAM action it stands
for, the Terraform attributes it reads (the site's catalog names them per check) and a
handler that builds the response in the AWS API's own shape from the module's
instances. Collectors then run unchanged: the facts are the ones they build from AWS.

Three outcomes besides a response:

- ``NotApplicable`` for what only exists after apply (a certificate's status and expiry):
  the checks that need it are skipped, with the reason;
- ``CollectionError`` for a value the module does not fix statically (a variable without
  a default, a module output), naming the attribute and its expression;
- ``Absent`` where AWS would answer "no such resource" and the caller expects it.

A call missing from the table is an error naming it, never an empty answer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from eks_refarch.conformance.aws.outcomes import Absent
from eks_refarch.conformance.facts import CollectionError, NotApplicable
from eks_refarch.i18n import msg
from eks_refarch.terraform.computed import ACCOUNT, region_of
from eks_refarch.terraform.reader import Body, Instance, Module, Unknown, Unresolved

Handler = Callable[["Stack", Mapping[str, Any]], dict[str, Any]]
NEEDS_STATIC = msg("a value Terraform knows before apply (a default or a .tfvars value)")


@dataclass(frozen=True)
class Answer:
    service: str
    method: str
    action: str  # the IAM action the live call needs
    reads: tuple[str, ...]  # the Terraform resource.attribute it is answered from
    handler: Handler


class Stack:
    """The module's instances by type, with the lookups the handlers share."""

    def __init__(self, module: Module) -> None:
        self.module = module

    def all(self, rtype: str, mode: str = "resource") -> list[Instance]:
        found = []
        for declaration in self.module.of_type(rtype, mode):
            try:
                found += self.module.instances(declaration)
            except Unresolved as exc:
                raise unresolved(exc.unknown) from None
        return found

    def region(self, instance: Instance) -> str:
        return region_of(instance)

    def subnet_vpc(self, subnet_id: Any) -> Any:
        return next(
            (s.get("vpc_id") for s in self.all("aws_subnet") if s.attribute("id") == subnet_id),
            None,
        )

    def subnet_az(self, subnet_id: Any) -> Any:
        return next(
            (
                s.get("availability_zone")
                for s in self.all("aws_subnet")
                if s.attribute("id") == subnet_id
            ),
            None,
        )

    def bucket(self, name: str) -> Instance | None:
        return next((b for b in self.all("aws_s3_bucket") if b.get("bucket") == name), None)

    def for_bucket(self, rtype: str, name: str) -> Instance | None:
        return next((r for r in self.all(rtype) if r.get("bucket") == name), None)


def unresolved(unknown: Unknown) -> CollectionError:
    return CollectionError(unknown.where or "the Terraform module", NEEDS_STATIC, unknown.reason)


def resolved(value: Any) -> Any:
    """The response, with every Unknown inside turned into an error naming it."""
    if isinstance(value, Unknown):
        raise unresolved(value)
    if isinstance(value, Mapping):
        return {k: resolved(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [resolved(v) for v in value]
    if isinstance(value, str):
        return str(value)  # a Computed placeholder is a plain string in a response
    return value


def _or(value: Any, default: Any) -> Any:
    return default if value is None else value


def _list(value: Any) -> Any:
    return [] if value is None else value


def _bool(value: Any, default: bool) -> Any:
    return default if value is None else value


def _absent(code: str, absent: Iterable[str], what: str) -> Exception:
    if code in absent:
        return Absent(code)
    return CollectionError(
        what, msg("a resource the module declares"), msg("{code}: not in the module", code=code)
    )


# EC2: the network.


def _vpcs(stack: Stack, params: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "Vpcs": [
            {
                "VpcId": v.attribute("id"),
                "CidrBlock": v.get("cidr_block"),
                "CidrBlockAssociationSet": [
                    {"CidrBlock": v.get("cidr_block"), "CidrBlockState": {"State": "associated"}}
                ],
            }
            for v in stack.all("aws_vpc")
        ]
    }


def _subnets(stack: Stack, params: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "Subnets": [
            {
                "SubnetId": s.attribute("id"),
                "VpcId": s.get("vpc_id"),
                "CidrBlock": s.get("cidr_block"),
                "AvailabilityZone": s.get("availability_zone"),
                "MapPublicIpOnLaunch": _bool(s.get("map_public_ip_on_launch"), False),
            }
            for s in stack.all("aws_subnet")
        ]
    }


ROUTE_TARGETS = {
    "nat_gateway_id": "NatGatewayId",
    "gateway_id": "GatewayId",
    "transit_gateway_id": "TransitGatewayId",
    "network_interface_id": "NetworkInterfaceId",
    "vpc_peering_connection_id": "VpcPeeringConnectionId",
    "egress_only_gateway_id": "EgressOnlyInternetGatewayId",
    "vpc_endpoint_id": "GatewayId",
}


def _route(body: Body, cidr_key: str) -> dict[str, Any]:
    route: dict[str, Any] = {}
    if body.get(cidr_key) is not None:
        route["DestinationCidrBlock"] = body.get(cidr_key)
    ipv6 = "ipv6_cidr_block" if cidr_key == "cidr_block" else "destination_ipv6_cidr_block"
    if body.get(ipv6) is not None:
        route["DestinationIpv6CidrBlock"] = body.get(ipv6)
    prefix_key = "destination_prefix_list_id"
    if body.get(prefix_key) is not None:
        route["DestinationPrefixListId"] = body.get(prefix_key)
    for argument, key in ROUTE_TARGETS.items():
        if body.get(argument) is not None:
            route[key] = body.get(argument)
    return route


def _route_tables(stack: Stack, params: Mapping[str, Any]) -> dict[str, Any]:
    tables = []
    associations = stack.all("aws_route_table_association")
    routes = stack.all("aws_route")
    for vpc in stack.all("aws_vpc"):
        # AWS gives every VPC a main route table; subnets without an association use it.
        tables.append(
            {
                "RouteTableId": f"rtb-main{str(vpc.attribute('id'))[4:]}"[:21],
                "VpcId": vpc.attribute("id"),
                "Associations": [{"Main": True}],
                "Routes": [{"DestinationCidrBlock": vpc.get("cidr_block"), "GatewayId": "local"}],
            }
        )
    for table in stack.all("aws_route_table"):
        table_id = table.attribute("id")
        vpc_cidr = next(
            (
                v.get("cidr_block")
                for v in stack.all("aws_vpc")
                if v.attribute("id") == table.get("vpc_id")
            ),
            None,
        )
        tables.append(
            {
                "RouteTableId": table_id,
                "VpcId": table.get("vpc_id"),
                "Associations": [
                    {"SubnetId": a.get("subnet_id"), "Main": False}
                    for a in associations
                    if a.get("route_table_id") == table_id and a.get("subnet_id") is not None
                ],
                "Routes": [
                    *(
                        [{"DestinationCidrBlock": vpc_cidr, "GatewayId": "local"}]
                        if vpc_cidr
                        else []
                    ),
                    *(_route(r, "cidr_block") for r in table.blocks("route")),
                    *(
                        _route(r, "destination_cidr_block")
                        for r in routes
                        if r.get("route_table_id") == table_id
                    ),
                ],
            }
        )
    return {"RouteTables": tables}


def _nat_gateways(stack: Stack, params: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "NatGateways": [
            {
                "NatGatewayId": n.attribute("id"),
                "VpcId": stack.subnet_vpc(n.get("subnet_id")),
                "SubnetId": n.get("subnet_id"),
                "State": "available",
                "ConnectivityType": _or(n.get("connectivity_type"), "public"),
                "NatGatewayAddresses": [
                    {
                        "AllocationId": n.get("allocation_id"),
                        "NetworkInterfaceId": n.attribute("network_interface_id"),
                    }
                ],
            }
            for n in stack.all("aws_nat_gateway")
        ]
    }


def _internet_gateways(stack: Stack, params: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "InternetGateways": [
            {
                "InternetGatewayId": i.attribute("id"),
                "Attachments": [{"VpcId": i.get("vpc_id"), "State": "available"}]
                if i.get("vpc_id") is not None
                else [],
            }
            for i in stack.all("aws_internet_gateway")
        ]
    }


def _vpc_endpoints(stack: Stack, params: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "VpcEndpoints": [
            {
                "VpcEndpointId": e.attribute("id"),
                "VpcId": e.get("vpc_id"),
                "ServiceName": e.get("service_name"),
                "VpcEndpointType": _or(e.get("vpc_endpoint_type"), "Gateway"),
                "State": "available",
                "SubnetIds": _list(e.get("subnet_ids")),
                "RouteTableIds": _list(e.get("route_table_ids")),
                "PrivateDnsEnabled": _bool(e.get("private_dns_enabled"), False),
            }
            for e in stack.all("aws_vpc_endpoint")
        ]
    }


def _flow_logs(stack: Stack, params: Mapping[str, Any]) -> dict[str, Any]:
    logs = []
    for f in stack.all("aws_flow_log"):
        resource = next(
            (f.get(k) for k in ("vpc_id", "subnet_id", "eni_id", "transit_gateway_id") if f.get(k)),
            None,
        )
        kind = _or(f.get("log_destination_type"), "cloud-watch-logs")
        group = f.get("log_group_name")
        destination = f.get("log_destination")
        if group is None and kind == "cloud-watch-logs" and isinstance(destination, str):
            group = destination.split(":log-group:", 1)[-1].removesuffix(":*")
        entry = {
            "FlowLogId": f.attribute("id"),
            "ResourceId": resource,
            "TrafficType": f.get("traffic_type"),
            "LogDestinationType": kind,
            "FlowLogStatus": "ACTIVE",
        }
        if group is not None:
            entry["LogGroupName"] = group
        if destination is not None:
            entry["LogDestination"] = destination
        logs.append(entry)
    return {"FlowLogs": logs}


def _network_interfaces(stack: Stack, params: Mapping[str, Any]) -> dict[str, Any]:
    """The interfaces the module places in subnets itself. Load balancers' own interfaces
    are not listed: a load balancer is judged by the load balancer checks."""
    interfaces: list[dict[str, Any]] = []
    for nat in stack.all("aws_nat_gateway"):
        interfaces.append(
            {
                "NetworkInterfaceId": nat.attribute("network_interface_id"),
                "SubnetId": nat.get("subnet_id"),
                "InterfaceType": "nat_gateway",
                "Description": f"Interface for NAT Gateway {nat.attribute('id')}",
            }
        )
    for endpoint in stack.all("aws_vpc_endpoint"):
        if _or(endpoint.get("vpc_endpoint_type"), "Gateway") != "Interface":
            continue
        for subnet in _list(endpoint.get("subnet_ids")):
            interfaces.append(
                {
                    "NetworkInterfaceId": f"eni-{str(endpoint.attribute('id'))[5:]}"[:21],
                    "SubnetId": subnet,
                    "InterfaceType": "vpc_endpoint",
                    "Description": f"VPC Endpoint Interface {endpoint.attribute('id')}",
                }
            )
    for instance in stack.all("aws_instance"):
        interfaces.append(
            {
                "NetworkInterfaceId": f"eni-{str(instance.attribute('id'))[2:]}"[:21],
                "SubnetId": instance.get("subnet_id"),
                "InterfaceType": "interface",
                "Description": "",
                "Attachment": {"InstanceId": instance.attribute("id")},
                "Groups": [
                    {"GroupId": group} for group in _list(instance.get("vpc_security_group_ids"))
                ],
                **(
                    {"Association": {"PublicIp": "198.51.100.1"}}
                    if instance.get("associate_public_ip_address") is True
                    else {}
                ),
            }
        )
    for eni in stack.all("aws_network_interface"):
        interfaces.append(
            {
                "NetworkInterfaceId": eni.attribute("id"),
                "SubnetId": eni.get("subnet_id"),
                "InterfaceType": "interface",
                "Description": _or(eni.get("description"), ""),
            }
        )
    return {"NetworkInterfaces": interfaces}


def _permission(
    protocol: Any,
    from_port: Any,
    to_port: Any,
    cidrs: Iterable[Any] = (),
    ipv6: Iterable[Any] = (),
    groups: Iterable[Any] = (),
) -> dict[str, Any]:
    protocol = "-1" if protocol in ("-1", -1, "all") else protocol
    permission: dict[str, Any] = {
        "IpProtocol": protocol,
        "IpRanges": [{"CidrIp": c} for c in cidrs],
        "Ipv6Ranges": [{"CidrIpv6": c} for c in ipv6],
        "UserIdGroupPairs": [{"GroupId": g} for g in groups],
    }
    if protocol != "-1":
        permission["FromPort"] = from_port
        permission["ToPort"] = to_port
    return permission


def _security_groups(stack: Stack, params: Mapping[str, Any]) -> dict[str, Any]:
    groups: dict[Any, dict[str, Any]] = {}
    for group in stack.all("aws_security_group"):
        group_id = group.attribute("id")
        groups[group_id] = {
            "GroupId": group_id,
            "GroupName": _or(group.get("name"), group.get("name_prefix")),
            "VpcId": group.get("vpc_id"),
            "IpPermissions": [
                _permission(
                    b.get("protocol"),
                    b.get("from_port"),
                    b.get("to_port"),
                    _list(b.get("cidr_blocks")),
                    _list(b.get("ipv6_cidr_blocks")),
                    [*_list(b.get("security_groups")), *([group_id] if b.get("self") else [])],
                )
                for b in group.blocks("ingress")
            ],
        }
    for cluster in stack.all("aws_eks_cluster"):
        # EKS creates the cluster security group; it admits itself.
        vpc = cluster.block("vpc_config")
        sg = cluster.attribute("vpc_config")[0].attribute("cluster_security_group_id")
        groups[sg] = {
            "GroupId": sg,
            "GroupName": f"eks-cluster-sg-{cluster.get('name')}",
            "VpcId": stack.subnet_vpc(
                next(iter(_list(vpc.get("subnet_ids") if vpc else None)), None)
            ),
            "IpPermissions": [_permission("-1", None, None, groups=[sg])],
        }
    for rule in stack.all("aws_vpc_security_group_ingress_rule"):
        found = groups.get(rule.get("security_group_id"))
        if found is None:
            continue
        found["IpPermissions"].append(
            _permission(
                rule.get("ip_protocol"),
                rule.get("from_port"),
                rule.get("to_port"),
                [c for c in [rule.get("cidr_ipv4")] if c is not None],
                [c for c in [rule.get("cidr_ipv6")] if c is not None],
                [g for g in [rule.get("referenced_security_group_id")] if g is not None],
            )
        )
    for rule in stack.all("aws_security_group_rule"):
        target = groups.get(rule.get("security_group_id"))
        if target is None or rule.get("type") != "ingress":
            continue
        sources = (
            [rule.get("source_security_group_id")] if rule.get("source_security_group_id") else []
        )
        if rule.get("self"):
            sources.append(rule.get("security_group_id"))
        target["IpPermissions"].append(
            _permission(
                rule.get("protocol"),
                rule.get("from_port"),
                rule.get("to_port"),
                _list(rule.get("cidr_blocks")),
                _list(rule.get("ipv6_cidr_blocks")),
                sources,
            )
        )
    return {"SecurityGroups": list(groups.values())}


def _launch_template_versions(stack: Stack, params: Mapping[str, Any]) -> dict[str, Any]:
    wanted_id, wanted_name = params.get("LaunchTemplateId"), params.get("LaunchTemplateName")
    versions = [str(v) for v in params.get("Versions", ["$Default"])]
    found = []
    for template in stack.all("aws_launch_template"):
        if wanted_id not in (None, template.attribute("id")):
            continue
        if wanted_name not in (None, template.get("name")):
            continue
        # A template the module declares has one version, 1, which is both default and latest.
        if not {"1", "$Default", "$Latest"} & set(versions):
            continue
        data: dict[str, Any] = {}
        metadata = template.block("metadata_options")
        if metadata is not None:
            data["MetadataOptions"] = {
                k: v
                for k, v in {
                    "HttpEndpoint": metadata.get("http_endpoint"),
                    "HttpTokens": metadata.get("http_tokens"),
                    "HttpPutResponseHopLimit": metadata.get("http_put_response_hop_limit"),
                }.items()
                if v is not None
            }
        data["BlockDeviceMappings"] = [
            {
                "DeviceName": b.get("device_name"),
                **(
                    {
                        "Ebs": {
                            "Encrypted": _bool(ebs.get("encrypted"), False),
                            "VolumeType": ebs.get("volume_type"),
                            "VolumeSize": ebs.get("volume_size"),
                        }
                    }
                    if (ebs := b.block("ebs")) is not None
                    else {}
                ),
            }
            for b in template.blocks("block_device_mappings")
        ]
        data["SecurityGroupIds"] = _list(template.get("vpc_security_group_ids"))
        data["NetworkInterfaces"] = [
            {"Groups": _list(n.get("security_groups"))}
            for n in template.blocks("network_interfaces")
        ]
        found.append(
            {
                "LaunchTemplateId": template.attribute("id"),
                "LaunchTemplateName": template.get("name"),
                "VersionNumber": 1,
                "DefaultVersion": True,
                "LaunchTemplateData": data,
            }
        )
    return {"LaunchTemplateVersions": found}


# Auto Scaling and EKS.


def _node_group_asg(group: Instance) -> Any:
    return group.attribute("resources")[0]["autoscaling_groups"][0]["name"]


def _auto_scaling_groups(stack: Stack, params: Mapping[str, Any]) -> dict[str, Any]:
    attachments = stack.all("aws_autoscaling_attachment")
    names = [_node_group_asg(g) for g in stack.all("aws_eks_node_group")]
    explicit = {a.get("name"): a for a in stack.all("aws_autoscaling_group")}
    groups = []
    for name in [*names, *explicit]:
        declared = explicit.get(name)
        arns = [
            a.get("lb_target_group_arn")
            for a in attachments
            if a.get("autoscaling_group_name") == name
        ]
        if declared is not None:
            arns += _list(declared.get("target_group_arns"))
        groups.append({"AutoScalingGroupName": name, "TargetGroupARNs": [a for a in arns if a]})
    return {"AutoScalingGroups": groups}


def _cluster(stack: Stack, name: Any, absent: Iterable[str]) -> Instance:
    found = next((c for c in stack.all("aws_eks_cluster") if c.get("name") == name), None)
    if found is None:
        raise _absent("ResourceNotFoundException", absent, f"EKS cluster {name}")
    return found


def _describe_cluster(stack: Stack, params: Mapping[str, Any]) -> dict[str, Any]:
    cluster = _cluster(stack, params.get("name"), params["__absent__"])
    vpc = cluster.block("vpc_config")
    computed = cluster.attribute("vpc_config")[0]
    public = _bool(vpc.get("endpoint_public_access") if vpc else None, True)
    cidrs = vpc.get("public_access_cidrs") if vpc else None
    version = cluster.get("version")
    if version is None:
        version = Unknown(
            msg("the version is not set, so EKS picks its default at creation"),
            f"{cluster.address}.version",
        )
    logs = _list(cluster.get("enabled_cluster_log_types"))
    encryption = [
        {
            "resources": _list(e.get("resources")),
            "provider": {"keyArn": p.get("key_arn") if (p := e.block("provider")) else None},
        }
        for e in cluster.blocks("encryption_config")
    ]
    return {
        "cluster": {
            "name": cluster.get("name"),
            "arn": cluster.attribute("arn"),
            "version": version,
            "status": "ACTIVE",
            "resourcesVpcConfig": {
                "subnetIds": _list(vpc.get("subnet_ids") if vpc else None),
                "securityGroupIds": _list(vpc.get("security_group_ids") if vpc else None),
                "endpointPublicAccess": public,
                "endpointPrivateAccess": _bool(
                    vpc.get("endpoint_private_access") if vpc else None, False
                ),
                "publicAccessCidrs": cidrs if cidrs is not None else ["0.0.0.0/0"],
                "clusterSecurityGroupId": computed.attribute("cluster_security_group_id"),
            },
            "logging": {"clusterLogging": [{"types": logs, "enabled": True}] if logs else []},
            "encryptionConfig": encryption,
            "identity": {"oidc": {"issuer": cluster.attribute("identity")[0]["oidc"][0]["issuer"]}},
        }
    }


def _node_groups_of(stack: Stack, cluster: Any) -> list[Instance]:
    return [g for g in stack.all("aws_eks_node_group") if g.get("cluster_name") == cluster]


def _list_nodegroups(stack: Stack, params: Mapping[str, Any]) -> dict[str, Any]:
    cluster = _cluster(stack, params.get("clusterName"), params["__absent__"])
    return {
        "nodegroups": [
            g.get("node_group_name") for g in _node_groups_of(stack, cluster.get("name"))
        ]
    }


def _describe_nodegroup(stack: Stack, params: Mapping[str, Any]) -> dict[str, Any]:
    group = next(
        (
            g
            for g in _node_groups_of(stack, params.get("clusterName"))
            if g.get("node_group_name") == params.get("nodegroupName")
        ),
        None,
    )
    if group is None:
        raise _absent(
            "ResourceNotFoundException",
            params["__absent__"],
            f"node group {params.get('nodegroupName')}",
        )
    template = group.block("launch_template")
    reference = None
    if template is not None:
        reference = {
            k: v
            for k, v in {
                "id": template.get("id"),
                "name": template.get("name"),
                "version": None
                if template.get("version") is None
                else str(template.get("version")),
            }.items()
            if v is not None
        }
    return {
        "nodegroup": {
            "nodegroupName": group.get("node_group_name"),
            "clusterName": group.get("cluster_name"),
            "subnets": _list(group.get("subnet_ids")),
            "resources": {"autoScalingGroups": [{"name": _node_group_asg(group)}]},
            **({"launchTemplate": reference} if reference else {}),
        }
    }


def _list_addons(stack: Stack, params: Mapping[str, Any]) -> dict[str, Any]:
    cluster = _cluster(stack, params.get("clusterName"), params["__absent__"])
    return {
        "addons": [
            a.get("addon_name")
            for a in stack.all("aws_eks_addon")
            if a.get("cluster_name") == cluster.get("name")
        ]
    }


def _oidc_providers(stack: Stack, params: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "OpenIDConnectProviderList": [
            {"Arn": p.attribute("arn")} for p in stack.all("aws_iam_openid_connect_provider")
        ]
    }


# The edge.


def _lb_type(lb: Instance) -> Any:
    return _or(lb.get("load_balancer_type"), "application")


def _lb_subnets(lb: Instance) -> list[Any]:
    mapped = [m.get("subnet_id") for m in lb.blocks("subnet_mapping")]
    return [*_list(lb.get("subnets")), *mapped]


def _load_balancers(stack: Stack, params: Mapping[str, Any]) -> dict[str, Any]:
    result = []
    for lb in [*stack.all("aws_lb"), *stack.all("aws_alb")]:
        subnets = _lb_subnets(lb)
        result.append(
            {
                "LoadBalancerArn": lb.attribute("arn"),
                "LoadBalancerName": lb.get("name"),
                "Type": _lb_type(lb),
                "Scheme": "internal" if lb.get("internal") is True else "internet-facing",
                "DNSName": lb.attribute("dns_name"),
                "CanonicalHostedZoneId": lb.attribute("zone_id"),
                "VpcId": stack.subnet_vpc(subnets[0]) if subnets else None,
                "AvailabilityZones": [
                    {"SubnetId": s, "ZoneName": stack.subnet_az(s)} for s in subnets
                ],
                "SecurityGroups": _list(lb.get("security_groups")),
            }
        )
    return {"LoadBalancers": result}


def _classic_load_balancers(stack: Stack, params: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "LoadBalancerDescriptions": [
            {
                "LoadBalancerName": lb.get("name"),
                "Scheme": "internal" if lb.get("internal") is True else "internet-facing",
                "DNSName": f"{lb.get('name')}.elb.amazonaws.com",
                "Subnets": _list(lb.get("subnets")),
                "SecurityGroups": _list(lb.get("security_groups")),
            }
            for lb in stack.all("aws_elb")
        ]
    }


def _lb_by_arn(stack: Stack, arn: Any) -> Instance:
    found = next(
        (lb for lb in [*stack.all("aws_lb"), *stack.all("aws_alb")] if lb.attribute("arn") == arn),
        None,
    )
    if found is None:
        raise CollectionError(
            f"load balancer {arn}", msg("a load balancer the module declares"), msg("not found")
        )
    return found


def _lb_attributes(stack: Stack, params: Mapping[str, Any]) -> dict[str, Any]:
    lb = _lb_by_arn(stack, params.get("LoadBalancerArn"))
    logs = lb.block("access_logs")
    values = {
        "deletion_protection.enabled": _bool(lb.get("enable_deletion_protection"), False),
        "routing.http.drop_invalid_header_fields.enabled": _bool(
            lb.get("drop_invalid_header_fields"), False
        ),
        "idle_timeout.timeout_seconds": _or(lb.get("idle_timeout"), 60),
        # The provider's default is false even when a bucket is named.
        "access_logs.s3.enabled": _bool(logs.get("enabled") if logs else None, False),
        "access_logs.s3.bucket": _or(logs.get("bucket") if logs else None, ""),
        "access_logs.s3.prefix": _or(logs.get("prefix") if logs else None, ""),
        "routing.http2.enabled": _bool(lb.get("enable_http2"), True),
        "waf.fail_open.enabled": _bool(lb.get("enable_waf_fail_open"), False),
    }
    return {"Attributes": [{"Key": k, "Value": _attribute_text(v)} for k, v in values.items()]}


def _attribute_text(value: Any) -> Any:
    if isinstance(value, Unknown):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _action(body: Body) -> dict[str, Any]:
    action: dict[str, Any] = {"Type": body.get("type")}
    if body.get("order") is not None:
        action["Order"] = body.get("order")
    if body.get("target_group_arn") is not None:
        action["TargetGroupArn"] = body.get("target_group_arn")
    forward = body.block("forward")
    if forward is not None:
        action["ForwardConfig"] = {
            "TargetGroups": [
                {"TargetGroupArn": g.get("arn"), "Weight": _or(g.get("weight"), 1)}
                for g in forward.blocks("target_group")
            ]
        }
    redirect = body.block("redirect")
    if redirect is not None:
        action["RedirectConfig"] = {
            "Protocol": _or(redirect.get("protocol"), "#{protocol}"),
            "Port": _attribute_text(_or(redirect.get("port"), "#{port}")),
            "Host": _or(redirect.get("host"), "#{host}"),
            "Path": _or(redirect.get("path"), "/#{path}"),
            "Query": _or(redirect.get("query"), "#{query}"),
            "StatusCode": redirect.get("status_code"),
        }
    fixed = body.block("fixed_response")
    if fixed is not None:
        action["FixedResponseConfig"] = {
            "ContentType": fixed.get("content_type"),
            "StatusCode": _attribute_text(fixed.get("status_code")),
        }
    return action


def _listeners_of(stack: Stack, lb_arn: Any) -> list[Instance]:
    return [
        li
        for li in [*stack.all("aws_lb_listener"), *stack.all("aws_alb_listener")]
        if li.get("load_balancer_arn") == lb_arn
    ]


def _listeners(stack: Stack, params: Mapping[str, Any]) -> dict[str, Any]:
    lb = _lb_by_arn(stack, params.get("LoadBalancerArn"))
    result = []
    for li in _listeners_of(stack, lb.attribute("arn")):
        protocol = _or(li.get("protocol"), "HTTP" if _lb_type(lb) == "application" else "TCP")
        entry: dict[str, Any] = {
            "ListenerArn": li.attribute("arn"),
            "LoadBalancerArn": lb.attribute("arn"),
            "Port": li.get("port"),
            "Protocol": protocol,
            "DefaultActions": [_action(a) for a in li.blocks("default_action")],
        }
        if protocol in ("HTTPS", "TLS"):
            # AWS's default policy when none is given.
            entry["SslPolicy"] = _or(li.get("ssl_policy"), "ELBSecurityPolicy-2016-08")
        if li.get("certificate_arn") is not None:
            entry["Certificates"] = [{"CertificateArn": li.get("certificate_arn")}]
        result.append(entry)
    return {"Listeners": result}


def _listener(stack: Stack, arn: Any) -> Instance:
    found = next(
        (
            li
            for li in [*stack.all("aws_lb_listener"), *stack.all("aws_alb_listener")]
            if li.attribute("arn") == arn
        ),
        None,
    )
    if found is None:
        raise CollectionError(
            f"listener {arn}", msg("a listener the module declares"), msg("not found")
        )
    return found


def _rules(stack: Stack, params: Mapping[str, Any]) -> dict[str, Any]:
    listener = _listener(stack, params.get("ListenerArn"))
    rules: list[dict[str, Any]] = [
        {
            "RuleArn": f"{listener.attribute('arn')}/default",
            "Priority": "default",
            "IsDefault": True,
            "Conditions": [],
            "Actions": [_action(a) for a in listener.blocks("default_action")],
        }
    ]
    for rule in stack.all("aws_lb_listener_rule"):
        if rule.get("listener_arn") != listener.attribute("arn"):
            continue
        conditions = []
        for c in rule.blocks("condition"):
            for field, key in (("host_header", "host-header"), ("path_pattern", "path-pattern")):
                block = c.block(field)
                if block is not None:
                    conditions.append({"Field": key, "Values": _list(block.get("values"))})
        rules.append(
            {
                "RuleArn": rule.attribute("arn"),
                "Priority": _attribute_text(rule.get("priority")),
                "IsDefault": False,
                "Conditions": conditions,
                "Actions": [_action(a) for a in rule.blocks("action")],
            }
        )
    return {"Rules": rules}


def _listener_certificates(stack: Stack, params: Mapping[str, Any]) -> dict[str, Any]:
    listener = _listener(stack, params.get("ListenerArn"))
    certificates = []
    if listener.get("certificate_arn") is not None:
        certificates.append({"CertificateArn": listener.get("certificate_arn"), "IsDefault": True})
    certificates += [
        {"CertificateArn": c.get("certificate_arn"), "IsDefault": False}
        for c in stack.all("aws_lb_listener_certificate")
        if c.get("listener_arn") == listener.attribute("arn")
    ]
    return {"Certificates": certificates}


def _target_groups(stack: Stack, params: Mapping[str, Any]) -> dict[str, Any]:
    forwards: dict[Any, set[Any]] = {}
    for lb in [*stack.all("aws_lb"), *stack.all("aws_alb")]:
        for li in _listeners_of(stack, lb.attribute("arn")):
            for action in li.blocks("default_action"):
                described = _action(action)
                arns = [described.get("TargetGroupArn")] + [
                    g["TargetGroupArn"]
                    for g in described.get("ForwardConfig", {}).get("TargetGroups", [])
                ]
                for arn in arns:
                    if arn:
                        forwards.setdefault(arn, set()).add(lb.attribute("arn"))
    result = []
    for tg in [*stack.all("aws_lb_target_group"), *stack.all("aws_alb_target_group")]:
        check = tg.block("health_check")
        protocol = tg.get("protocol")
        result.append(
            {
                "TargetGroupArn": tg.attribute("arn"),
                "TargetGroupName": tg.get("name"),
                "Port": tg.get("port"),
                "Protocol": protocol,
                "TargetType": _or(tg.get("target_type"), "instance"),
                "VpcId": tg.get("vpc_id"),
                "HealthCheckProtocol": _or(check.get("protocol") if check else None, protocol),
                "HealthCheckPort": _attribute_text(
                    _or(check.get("port") if check else None, "traffic-port")
                ),
                "HealthCheckPath": _or(check.get("path") if check else None, "/"),
                "HealthCheckIntervalSeconds": _or(check.get("interval") if check else None, 30),
                "HealthyThresholdCount": _or(check.get("healthy_threshold") if check else None, 3),
                "UnhealthyThresholdCount": _or(
                    check.get("unhealthy_threshold") if check else None, 3
                ),
                "LoadBalancerArns": sorted(forwards.get(tg.attribute("arn"), set())),
            }
        )
    return {"TargetGroups": result}


def _certificate_state(stack: Stack, params: Mapping[str, Any]) -> dict[str, Any]:
    raise NotApplicable(
        f"certificate {params.get('CertificateArn')}",
        msg(
            "a certificate's status and expiry exist only once ACM has issued it; Terraform "
            "declares the request, so check the live account after apply"
        ),
    )


# WAF.


def _acls(stack: Stack, scope: Any) -> list[Instance]:
    return [a for a in stack.all("aws_wafv2_web_acl") if a.get("scope") == scope]


def _list_web_acls(stack: Stack, params: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "WebACLs": [
            {"Name": a.get("name"), "Id": a.attribute("id"), "ARN": a.attribute("arn")}
            for a in _acls(stack, params.get("Scope"))
        ]
    }


def _rule_action(body: Body | None) -> dict[str, Any]:
    if body is None:
        return {}
    for kind in ("allow", "block", "count", "captcha", "challenge", "none"):
        if body.block(kind) is not None:
            return {kind.capitalize(): {}}
    return {}


def _statement(body: Body | None) -> dict[str, Any]:
    managed = body.block("managed_rule_group_statement") if body else None
    if managed is None:
        return {}
    statement: dict[str, Any] = {
        "VendorName": managed.get("vendor_name"),
        "Name": managed.get("name"),
    }
    if managed.get("version") is not None:
        statement["Version"] = managed.get("version")
    overrides = [
        {"Name": o.get("name"), "ActionToUse": _rule_action(o.block("action_to_use"))}
        for o in managed.blocks("rule_action_override")
    ]
    if overrides:
        statement["RuleActionOverrides"] = overrides
    return {"ManagedRuleGroupStatement": statement}


def _get_web_acl(stack: Stack, params: Mapping[str, Any]) -> dict[str, Any]:
    acl = next(
        (
            a
            for a in _acls(stack, params.get("Scope"))
            if a.attribute("id") == params.get("Id") and a.get("name") == params.get("Name")
        ),
        None,
    )
    if acl is None:
        raise _absent(
            "WAFNonexistentItemException", params["__absent__"], f"web ACL {params.get('Name')}"
        )
    return {"WebACL": _web_acl(acl), "LockToken": "terraform"}


def _web_acl(acl: Instance) -> dict[str, Any]:
    """A web ACL as GetWebACL and GetWebACLForResource describe it."""
    rules = []
    for rule in acl.blocks("rule"):
        entry: dict[str, Any] = {
            "Name": rule.get("name"),
            "Priority": rule.get("priority"),
            "Statement": _statement(rule.block("statement")),
        }
        if rule.block("override_action") is not None:
            entry["OverrideAction"] = _rule_action(rule.block("override_action"))
        if rule.block("action") is not None:
            entry["Action"] = _rule_action(rule.block("action"))
        rules.append(entry)
    return {
        "Name": acl.get("name"),
        "Id": acl.attribute("id"),
        "ARN": acl.attribute("arn"),
        "DefaultAction": _rule_action(acl.block("default_action")),
        "Rules": rules,
    }


def _web_acl_for_resource(stack: Stack, params: Mapping[str, Any]) -> dict[str, Any]:
    association = next(
        (
            a
            for a in stack.all("aws_wafv2_web_acl_association")
            if a.get("resource_arn") == params.get("ResourceArn")
        ),
        None,
    )
    if association is None:
        return {}
    acl = next(
        (
            a
            for a in stack.all("aws_wafv2_web_acl")
            if a.attribute("arn") == association.get("web_acl_arn")
        ),
        None,
    )
    if acl is None:
        return {"WebACL": {"ARN": association.get("web_acl_arn"), "Name": None}}
    return {"WebACL": _web_acl(acl)}


# Route 53.


def _zones(stack: Stack, params: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "HostedZones": [
            {
                "Id": f"/hostedzone/{z.attribute('zone_id')}",
                "Name": str(z.get("name")).rstrip(".") + ".",
                "Config": {"PrivateZone": bool(z.blocks("vpc"))},
            }
            for z in stack.all("aws_route53_zone")
        ]
    }


def _record_sets(stack: Stack, params: Mapping[str, Any]) -> dict[str, Any]:
    zone_id = str(params.get("HostedZoneId", "")).removeprefix("/hostedzone/")
    zone = next(
        (z for z in stack.all("aws_route53_zone") if z.attribute("zone_id") == zone_id), None
    )
    if zone is None:
        raise _absent("NoSuchHostedZone", params["__absent__"], f"hosted zone {zone_id}")
    apex = str(zone.get("name")).rstrip(".")
    records: dict[tuple[str, Any], dict[str, Any]] = {
        (f"{apex}.", "NS"): {"Name": f"{apex}.", "Type": "NS"},
        (f"{apex}.", "SOA"): {"Name": f"{apex}.", "Type": "SOA"},
    }
    for record in stack.all("aws_route53_record"):
        if record.get("zone_id") != zone.attribute("zone_id"):
            continue
        name = record.get("name")
        if isinstance(name, Unknown):
            raise unresolved(name)
        name = str(name).rstrip(".")
        if name != apex and not name.endswith("." + apex):
            name = f"{name}.{apex}"
        entry: dict[str, Any] = {"Name": name.lower() + ".", "Type": record.get("type")}
        alias = record.block("alias")
        if alias is not None:
            target = alias.get("name")
            entry["AliasTarget"] = {
                "DNSName": target.lower().rstrip(".") + "." if isinstance(target, str) else target,
                "HostedZoneId": alias.get("zone_id"),
                "EvaluateTargetHealth": _bool(alias.get("evaluate_target_health"), False),
            }
        else:
            entry["TTL"] = record.get("ttl")
            entry["ResourceRecords"] = [{"Value": v} for v in _list(record.get("records"))]
        records[(entry["Name"], entry["Type"])] = entry
    return {"ResourceRecordSets": list(records.values())}


# KMS.


def _key_id(key: Instance) -> Any:
    return key.attribute("key_id")


def _aliases(stack: Stack, params: Mapping[str, Any]) -> dict[str, Any]:
    keys = {k.attribute("arn"): _key_id(k) for k in stack.all("aws_kms_key")}
    result = []
    for alias in stack.all("aws_kms_alias"):
        target = alias.get("target_key_id")
        result.append(
            {
                "AliasName": alias.get("name"),
                "AliasArn": alias.attribute("arn"),
                "TargetKeyId": keys.get(target, target),
            }
        )
    return {"Aliases": result}


def _key(stack: Stack, reference: Any) -> Instance:
    aliases = {a.get("name"): a.get("target_key_id") for a in stack.all("aws_kms_alias")}
    reference = aliases.get(reference, reference)
    for key in stack.all("aws_kms_key"):
        if reference in (key.attribute("arn"), _key_id(key)):
            return key
    raise CollectionError(
        f"KMS key {reference}", msg("a key the module declares"), "NotFoundException"
    )


def _describe_key(stack: Stack, params: Mapping[str, Any]) -> dict[str, Any]:
    key = _key(stack, params.get("KeyId"))
    enabled = _bool(key.get("is_enabled"), True)
    return {
        "KeyMetadata": {
            "KeyId": _key_id(key),
            "Arn": key.attribute("arn"),
            "AWSAccountId": ACCOUNT,
            "KeyManager": "CUSTOMER",
            "Enabled": enabled,
            "KeyState": "Enabled" if enabled is True else "Disabled",
            "Description": _or(key.get("description"), ""),
            "KeyUsage": _or(key.get("key_usage"), "ENCRYPT_DECRYPT"),
        }
    }


def _rotation(stack: Stack, params: Mapping[str, Any]) -> dict[str, Any]:
    key = _key(stack, params.get("KeyId"))
    return {"KeyRotationEnabled": _bool(key.get("enable_key_rotation"), False)}


# Registry and data.


def _repositories(stack: Stack, params: Mapping[str, Any]) -> dict[str, Any]:
    result = []
    for repo in stack.all("aws_ecr_repository"):
        scanning = repo.block("image_scanning_configuration")
        encryption = repo.block("encryption_configuration")
        config: dict[str, Any] = {
            "encryptionType": _or(
                encryption.get("encryption_type") if encryption else None, "AES256"
            )
        }
        if encryption is not None and encryption.get("kms_key") is not None:
            config["kmsKey"] = encryption.get("kms_key")
        result.append(
            {
                "repositoryName": repo.get("name"),
                "repositoryArn": repo.attribute("arn"),
                "imageTagMutability": _or(repo.get("image_tag_mutability"), "MUTABLE"),
                "imageScanningConfiguration": {
                    "scanOnPush": _bool(scanning.get("scan_on_push") if scanning else None, False)
                },
                "encryptionConfiguration": config,
            }
        )
    return {"repositories": result}


def _db_clusters(stack: Stack, params: Mapping[str, Any]) -> dict[str, Any]:
    groups = {g.attribute("id"): g.get("name") for g in stack.all("aws_db_subnet_group")}
    result = []
    for c in stack.all("aws_rds_cluster"):
        entry = {
            "DBClusterIdentifier": c.get("cluster_identifier"),
            "DBClusterArn": c.attribute("arn"),
            "Engine": c.get("engine"),
            "StorageEncrypted": _bool(c.get("storage_encrypted"), False),
            "DeletionProtection": _bool(c.get("deletion_protection"), False),
            "DBSubnetGroup": groups.get(
                c.get("db_subnet_group_name"), c.get("db_subnet_group_name")
            ),
        }
        if c.get("kms_key_id") is not None:
            entry["KmsKeyId"] = c.get("kms_key_id")
        result.append(entry)
    return {"DBClusters": result}


def _db_instances(stack: Stack, params: Mapping[str, Any]) -> dict[str, Any]:
    clusters = {
        c.attribute("id"): c.get("cluster_identifier") for c in stack.all("aws_rds_cluster")
    }
    return {
        "DBInstances": [
            {
                "DBInstanceIdentifier": i.get("identifier"),
                "DBClusterIdentifier": clusters.get(
                    i.get("cluster_identifier"), i.get("cluster_identifier")
                ),
                "PubliclyAccessible": _bool(i.get("publicly_accessible"), False),
            }
            for i in stack.all("aws_rds_cluster_instance")
        ]
    }


def _db_subnet_groups(stack: Stack, params: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "DBSubnetGroups": [
            {
                "DBSubnetGroupName": g.get("name"),
                "Subnets": [{"SubnetIdentifier": s} for s in _list(g.get("subnet_ids"))],
            }
            for g in stack.all("aws_db_subnet_group")
        ]
    }


def _replication_groups(stack: Stack, params: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "ReplicationGroups": [
            {
                "ReplicationGroupId": g.get("replication_group_id"),
                "ARN": g.attribute("arn"),
                "TransitEncryptionEnabled": _bool(g.get("transit_encryption_enabled"), False),
                "AtRestEncryptionEnabled": _bool(g.get("at_rest_encryption_enabled"), False),
                **({"KmsKeyId": g.get("kms_key_id")} if g.get("kms_key_id") is not None else {}),
            }
            for g in stack.all("aws_elasticache_replication_group")
        ]
    }


def _cache_subnet_groups(stack: Stack, params: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "CacheSubnetGroups": [
            {
                "CacheSubnetGroupName": g.get("name"),
                "Subnets": [{"SubnetIdentifier": s} for s in _list(g.get("subnet_ids"))],
            }
            for g in stack.all("aws_elasticache_subnet_group")
        ]
    }


def _bucket_or_absent(stack: Stack, params: Mapping[str, Any]) -> str:
    name = str(params.get("Bucket"))
    if stack.bucket(name) is None:
        raise _absent("NoSuchBucket", params["__absent__"], f"S3 bucket {name}")
    return name


def _public_access_block(stack: Stack, params: Mapping[str, Any]) -> dict[str, Any]:
    name = _bucket_or_absent(stack, params)
    block = stack.for_bucket("aws_s3_bucket_public_access_block", name)
    if block is None:
        raise _absent(
            "NoSuchPublicAccessBlockConfiguration", params["__absent__"], f"S3 bucket {name}"
        )
    return {
        "PublicAccessBlockConfiguration": {
            key: _bool(block.get(argument), False)
            for key, argument in (
                ("BlockPublicAcls", "block_public_acls"),
                ("IgnorePublicAcls", "ignore_public_acls"),
                ("BlockPublicPolicy", "block_public_policy"),
                ("RestrictPublicBuckets", "restrict_public_buckets"),
            )
        }
    }


def _bucket_encryption(stack: Stack, params: Mapping[str, Any]) -> dict[str, Any]:
    name = _bucket_or_absent(stack, params)
    config = stack.for_bucket("aws_s3_bucket_server_side_encryption_configuration", name)
    rules = []
    for rule in config.blocks("rule") if config else []:
        default = rule.block("apply_server_side_encryption_by_default")
        entry: dict[str, Any] = {"BucketKeyEnabled": _bool(rule.get("bucket_key_enabled"), False)}
        if default is not None:
            entry["ApplyServerSideEncryptionByDefault"] = {
                "SSEAlgorithm": default.get("sse_algorithm"),
                **(
                    {"KMSMasterKeyID": default.get("kms_master_key_id")}
                    if default.get("kms_master_key_id") is not None
                    else {}
                ),
            }
        rules.append(entry)
    # Since January 2023 every bucket without a configuration is encrypted with SSE-S3.
    rules = rules or [
        {
            "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
            "BucketKeyEnabled": False,
        }
    ]
    return {"ServerSideEncryptionConfiguration": {"Rules": rules}}


def _bucket_versioning(stack: Stack, params: Mapping[str, Any]) -> dict[str, Any]:
    name = _bucket_or_absent(stack, params)
    versioning = stack.for_bucket("aws_s3_bucket_versioning", name)
    config = versioning.block("versioning_configuration") if versioning else None
    return {"Status": config.get("status")} if config is not None else {}


def _bucket_policy(stack: Stack, params: Mapping[str, Any]) -> dict[str, Any]:
    name = _bucket_or_absent(stack, params)
    policy = stack.for_bucket("aws_s3_bucket_policy", name)
    if policy is None:
        raise _absent("NoSuchBucketPolicy", params["__absent__"], f"S3 bucket {name}")
    return {"Policy": policy.get("policy")}


def _secrets(stack: Stack, params: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "SecretList": [
            {
                "Name": s.get("name"),
                "ARN": s.attribute("arn"),
                **({"KmsKeyId": s.get("kms_key_id")} if s.get("kms_key_id") is not None else {}),
            }
            for s in stack.all("aws_secretsmanager_secret")
        ]
    }


# CloudTrail.


def _trail(stack: Stack, name: Any, absent: Iterable[str]) -> Instance:
    for trail in stack.all("aws_cloudtrail"):
        if name in (trail.get("name"), trail.attribute("arn")):
            return trail
    raise _absent("TrailNotFoundException", absent, f"trail {name}")


def _describe_trails(stack: Stack, params: Mapping[str, Any]) -> dict[str, Any]:
    wanted = params.get("trailNameList")
    result = []
    for trail in stack.all("aws_cloudtrail"):
        if wanted and trail.get("name") not in wanted and trail.attribute("arn") not in wanted:
            continue
        entry: dict[str, Any] = {
            "Name": trail.get("name"),
            "TrailARN": trail.attribute("arn"),
            "HomeRegion": trail.attribute("home_region"),
            "S3BucketName": trail.get("s3_bucket_name"),
            "IncludeGlobalServiceEvents": _bool(trail.get("include_global_service_events"), True),
            "IsMultiRegionTrail": _bool(trail.get("is_multi_region_trail"), False),
            "IsOrganizationTrail": _bool(trail.get("is_organization_trail"), False),
            "LogFileValidationEnabled": _bool(trail.get("enable_log_file_validation"), False),
            "HasCustomEventSelectors": bool(trail.blocks("event_selector")),
            "HasInsightSelectors": bool(trail.blocks("insight_selector")),
        }
        for key, argument in (
            ("S3KeyPrefix", "s3_key_prefix"),
            ("KmsKeyId", "kms_key_id"),
            ("CloudWatchLogsLogGroupArn", "cloud_watch_logs_group_arn"),
            ("SnsTopicName", "sns_topic_name"),
        ):
            if trail.get(argument) is not None:
                entry[key] = trail.get(argument)
        result.append(entry)
    return {"trailList": result}


def _trail_status(stack: Stack, params: Mapping[str, Any]) -> dict[str, Any]:
    trail = _trail(stack, params.get("Name"), params["__absent__"])
    return {"IsLogging": _bool(trail.get("enable_logging"), True)}


def _event_selectors(stack: Stack, params: Mapping[str, Any]) -> dict[str, Any]:
    trail = _trail(stack, params.get("TrailName"), params["__absent__"])
    advanced = trail.blocks("advanced_event_selector")
    if advanced:
        return {
            "TrailARN": trail.attribute("arn"),
            "AdvancedEventSelectors": [
                {
                    "Name": a.get("name"),
                    "FieldSelectors": [
                        {
                            "Field": f.get("field"),
                            **{
                                key: f.get(argument)
                                for key, argument in (
                                    ("Equals", "equals"),
                                    ("NotEquals", "not_equals"),
                                    ("StartsWith", "starts_with"),
                                )
                                if f.get(argument) is not None
                            },
                        }
                        for f in a.blocks("field_selector")
                    ],
                }
                for a in advanced
            ],
        }
    selectors = [
        {
            "ReadWriteType": _or(s.get("read_write_type"), "All"),
            "IncludeManagementEvents": _bool(s.get("include_management_events"), True),
            "DataResources": [
                {"Type": d.get("type"), "Values": _list(d.get("values"))}
                for d in s.blocks("data_resource")
            ],
            "ExcludeManagementEventSources": _list(s.get("exclude_management_event_sources")),
        }
        for s in trail.blocks("event_selector")
    ]
    # A trail created without selectors logs every management event.
    selectors = selectors or [
        {
            "ReadWriteType": "All",
            "IncludeManagementEvents": True,
            "DataResources": [],
            "ExcludeManagementEventSources": [],
        }
    ]
    return {"TrailARN": trail.attribute("arn"), "EventSelectors": selectors}


def _caller_identity(stack: Stack, params: Mapping[str, Any]) -> dict[str, Any]:
    return {"Account": ACCOUNT, "Arn": f"arn:aws:iam::{ACCOUNT}:root", "UserId": ACCOUNT}


ANSWERS: dict[tuple[str, str], Answer] = {
    (a.service, a.method): a
    for a in (
        Answer("ec2", "describe_vpcs", "ec2:DescribeVpcs", ("aws_vpc.cidr_block",), _vpcs),
        Answer(
            "ec2",
            "describe_subnets",
            "ec2:DescribeSubnets",
            (
                "aws_subnet.cidr_block",
                "aws_subnet.availability_zone",
                "aws_subnet.map_public_ip_on_launch",
            ),
            _subnets,
        ),
        Answer(
            "ec2",
            "describe_route_tables",
            "ec2:DescribeRouteTables",
            ("aws_route_table.route", "aws_route", "aws_route_table_association"),
            _route_tables,
        ),
        Answer(
            "ec2",
            "describe_nat_gateways",
            "ec2:DescribeNatGateways",
            ("aws_nat_gateway.subnet_id",),
            _nat_gateways,
        ),
        Answer(
            "ec2",
            "describe_internet_gateways",
            "ec2:DescribeInternetGateways",
            ("aws_internet_gateway.vpc_id",),
            _internet_gateways,
        ),
        Answer(
            "ec2",
            "describe_vpc_endpoints",
            "ec2:DescribeVpcEndpoints",
            ("aws_vpc_endpoint.service_name", "aws_vpc_endpoint.vpc_endpoint_type"),
            _vpc_endpoints,
        ),
        Answer(
            "ec2",
            "describe_flow_logs",
            "ec2:DescribeFlowLogs",
            ("aws_flow_log.vpc_id", "aws_flow_log.traffic_type", "aws_flow_log.log_destination"),
            _flow_logs,
        ),
        Answer(
            "ec2",
            "describe_network_interfaces",
            "ec2:DescribeNetworkInterfaces",
            (
                "aws_nat_gateway.subnet_id",
                "aws_vpc_endpoint.subnet_ids",
                "aws_instance.subnet_id",
                "aws_instance.vpc_security_group_ids",
            ),
            _network_interfaces,
        ),
        Answer(
            "ec2",
            "describe_security_groups",
            "ec2:DescribeSecurityGroups",
            (
                "aws_security_group.ingress",
                "aws_vpc_security_group_ingress_rule",
                "aws_security_group_rule",
            ),
            _security_groups,
        ),
        Answer(
            "ec2",
            "describe_launch_template_versions",
            "ec2:DescribeLaunchTemplateVersions",
            (
                "aws_launch_template.metadata_options",
                "aws_launch_template.block_device_mappings",
                "aws_launch_template.vpc_security_group_ids",
            ),
            _launch_template_versions,
        ),
        Answer(
            "autoscaling",
            "describe_auto_scaling_groups",
            "autoscaling:DescribeAutoScalingGroups",
            ("aws_autoscaling_attachment.lb_target_group_arn",),
            _auto_scaling_groups,
        ),
        Answer(
            "eks",
            "describe_cluster",
            "eks:DescribeCluster",
            (
                "aws_eks_cluster.version",
                "aws_eks_cluster.vpc_config",
                "aws_eks_cluster.enabled_cluster_log_types",
                "aws_eks_cluster.encryption_config",
            ),
            _describe_cluster,
        ),
        Answer(
            "eks",
            "list_nodegroups",
            "eks:ListNodegroups",
            ("aws_eks_node_group.node_group_name",),
            _list_nodegroups,
        ),
        Answer(
            "eks",
            "describe_nodegroup",
            "eks:DescribeNodegroup",
            ("aws_eks_node_group.subnet_ids", "aws_eks_node_group.launch_template"),
            _describe_nodegroup,
        ),
        Answer("eks", "list_addons", "eks:ListAddons", ("aws_eks_addon.addon_name",), _list_addons),
        Answer(
            "iam",
            "list_open_id_connect_providers",
            "iam:ListOpenIDConnectProviders",
            ("aws_iam_openid_connect_provider.url",),
            _oidc_providers,
        ),
        Answer(
            "elbv2",
            "describe_load_balancers",
            "elasticloadbalancing:DescribeLoadBalancers",
            ("aws_lb.name", "aws_lb.internal", "aws_lb.subnets", "aws_lb.security_groups"),
            _load_balancers,
        ),
        Answer(
            "elb",
            "describe_load_balancers",
            "elasticloadbalancing:DescribeLoadBalancers",
            ("aws_elb.internal",),
            _classic_load_balancers,
        ),
        Answer(
            "elbv2",
            "describe_load_balancer_attributes",
            "elasticloadbalancing:DescribeLoadBalancerAttributes",
            (
                "aws_lb.drop_invalid_header_fields",
                "aws_lb.enable_deletion_protection",
                "aws_lb.access_logs",
            ),
            _lb_attributes,
        ),
        Answer(
            "elbv2",
            "describe_listeners",
            "elasticloadbalancing:DescribeListeners",
            (
                "aws_lb_listener.port",
                "aws_lb_listener.protocol",
                "aws_lb_listener.ssl_policy",
                "aws_lb_listener.certificate_arn",
                "aws_lb_listener.default_action",
            ),
            _listeners,
        ),
        Answer(
            "elbv2",
            "describe_rules",
            "elasticloadbalancing:DescribeRules",
            ("aws_lb_listener.default_action", "aws_lb_listener_rule.action"),
            _rules,
        ),
        Answer(
            "elbv2",
            "describe_listener_certificates",
            "elasticloadbalancing:DescribeListenerCertificates",
            ("aws_lb_listener.certificate_arn", "aws_lb_listener_certificate.certificate_arn"),
            _listener_certificates,
        ),
        Answer(
            "elbv2",
            "describe_target_groups",
            "elasticloadbalancing:DescribeTargetGroups",
            (
                "aws_lb_target_group.port",
                "aws_lb_target_group.protocol",
                "aws_lb_target_group.target_type",
                "aws_lb_target_group.health_check",
            ),
            _target_groups,
        ),
        Answer(
            "acm",
            "describe_certificate",
            "acm:DescribeCertificate",
            ("aws_acm_certificate (not applicable: status and expiry exist after apply)",),
            _certificate_state,
        ),
        Answer(
            "wafv2",
            "list_web_acls",
            "wafv2:ListWebACLs",
            ("aws_wafv2_web_acl.name",),
            _list_web_acls,
        ),
        Answer(
            "wafv2",
            "get_web_acl",
            "wafv2:GetWebACL",
            ("aws_wafv2_web_acl.rule", "aws_wafv2_web_acl.default_action"),
            _get_web_acl,
        ),
        Answer(
            "wafv2",
            "get_web_acl_for_resource",
            "wafv2:GetWebACLForResource",
            (
                "aws_wafv2_web_acl_association.resource_arn",
                "aws_wafv2_web_acl.rule",
                "aws_wafv2_web_acl.default_action",
            ),
            _web_acl_for_resource,
        ),
        Answer(
            "route53",
            "list_hosted_zones",
            "route53:ListHostedZones",
            ("aws_route53_zone.name",),
            _zones,
        ),
        Answer(
            "route53",
            "list_resource_record_sets",
            "route53:ListResourceRecordSets",
            ("aws_route53_record.name", "aws_route53_record.alias"),
            _record_sets,
        ),
        Answer("kms", "list_aliases", "kms:ListAliases", ("aws_kms_alias.name",), _aliases),
        Answer("kms", "describe_key", "kms:DescribeKey", ("aws_kms_key",), _describe_key),
        Answer(
            "kms",
            "get_key_rotation_status",
            "kms:GetKeyRotationStatus",
            ("aws_kms_key.enable_key_rotation",),
            _rotation,
        ),
        Answer(
            "ecr",
            "describe_repositories",
            "ecr:DescribeRepositories",
            (
                "aws_ecr_repository.image_tag_mutability",
                "aws_ecr_repository.image_scanning_configuration",
                "aws_ecr_repository.encryption_configuration",
            ),
            _repositories,
        ),
        Answer(
            "rds",
            "describe_db_clusters",
            "rds:DescribeDBClusters",
            (
                "aws_rds_cluster.storage_encrypted",
                "aws_rds_cluster.kms_key_id",
                "aws_rds_cluster.deletion_protection",
            ),
            _db_clusters,
        ),
        Answer(
            "rds",
            "describe_db_instances",
            "rds:DescribeDBInstances",
            ("aws_rds_cluster_instance.publicly_accessible",),
            _db_instances,
        ),
        Answer(
            "rds",
            "describe_db_subnet_groups",
            "rds:DescribeDBSubnetGroups",
            ("aws_db_subnet_group.subnet_ids",),
            _db_subnet_groups,
        ),
        Answer(
            "elasticache",
            "describe_replication_groups",
            "elasticache:DescribeReplicationGroups",
            (
                "aws_elasticache_replication_group.transit_encryption_enabled",
                "aws_elasticache_replication_group.at_rest_encryption_enabled",
            ),
            _replication_groups,
        ),
        Answer(
            "elasticache",
            "describe_cache_subnet_groups",
            "elasticache:DescribeCacheSubnetGroups",
            ("aws_elasticache_subnet_group.subnet_ids",),
            _cache_subnet_groups,
        ),
        Answer(
            "s3",
            "get_public_access_block",
            "s3:GetBucketPublicAccessBlock",
            ("aws_s3_bucket_public_access_block",),
            _public_access_block,
        ),
        Answer(
            "s3",
            "get_bucket_encryption",
            "s3:GetEncryptionConfiguration",
            ("aws_s3_bucket_server_side_encryption_configuration",),
            _bucket_encryption,
        ),
        Answer(
            "s3",
            "get_bucket_versioning",
            "s3:GetBucketVersioning",
            ("aws_s3_bucket_versioning",),
            _bucket_versioning,
        ),
        Answer(
            "s3",
            "get_bucket_policy",
            "s3:GetBucketPolicy",
            ("aws_s3_bucket_policy",),
            _bucket_policy,
        ),
        Answer(
            "secretsmanager",
            "list_secrets",
            "secretsmanager:ListSecrets",
            ("aws_secretsmanager_secret.kms_key_id",),
            _secrets,
        ),
        Answer(
            "cloudtrail",
            "describe_trails",
            "cloudtrail:DescribeTrails",
            (
                "aws_cloudtrail.is_multi_region_trail",
                "aws_cloudtrail.enable_log_file_validation",
                "aws_cloudtrail.kms_key_id",
                "aws_cloudtrail.s3_bucket_name",
            ),
            _describe_trails,
        ),
        Answer(
            "cloudtrail",
            "get_trail_status",
            "cloudtrail:GetTrailStatus",
            ("aws_cloudtrail.enable_logging",),
            _trail_status,
        ),
        Answer(
            "cloudtrail",
            "get_event_selectors",
            "cloudtrail:GetEventSelectors",
            ("aws_cloudtrail.event_selector", "aws_cloudtrail.advanced_event_selector"),
            _event_selectors,
        ),
        Answer("sts", "get_caller_identity", "sts:GetCallerIdentity", (), _caller_identity),
    )
}


def reads_for_actions(actions: Iterable[str]) -> tuple[str, ...]:
    """The Terraform attributes behind IAM actions, in table order (for the catalog)."""
    wanted = set(actions)
    seen: dict[str, None] = {}
    for answer in ANSWERS.values():
        if answer.action in wanted:
            seen.update(dict.fromkeys(answer.reads))
    return tuple(seen)
