"""What AWS assigns at apply time, stood in for by placeholders derived from addresses.

Ids, ARNs, DNS names and the cluster's OIDC issuer are not in the configuration; a plan
shows them as "known after apply". The reader gives each a stable placeholder shaped
like the real thing (``vpc-`` and 17 hex digits, an ARN with the placeholder account),
derived from the resource's address, so references between resources resolve and the
same run always sees the same ids. Nothing a check judges is a placeholder: checks
compare configured values, and placeholders only tell resources apart.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from typing import Any

from eks_refarch.i18n import msg
from eks_refarch.terraform.reader import Computed, Instance, Unknown

# Not an account: twelve zeros, which AWS never assigns.
ACCOUNT = "000000000000"
ID_PREFIXES = {
    "aws_vpc": "vpc",
    "aws_subnet": "subnet",
    "aws_internet_gateway": "igw",
    "aws_nat_gateway": "nat",
    "aws_route_table": "rtb",
    "aws_security_group": "sg",
    "aws_vpc_endpoint": "vpce",
    "aws_eip": "eipalloc",
    "aws_flow_log": "fl",
    "aws_launch_template": "lt",
    "aws_vpc_security_group_ingress_rule": "sgr",
    "aws_vpc_security_group_egress_rule": "sgr",
    "aws_instance": "i",
    "aws_network_interface": "eni",
}


def digest(address: str, length: int = 17) -> str:
    return hashlib.sha256(address.encode()).hexdigest()[:length]


def _uuid(address: str) -> str:
    h = digest(address, 32)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _text(value: Any, fallback: str) -> str:
    return value if isinstance(value, str) else fallback


def region_of(instance: Instance) -> str:
    region = instance.module.provider_attribute("region")
    return region if isinstance(region, str) else "unknown-region"


def _arn(instance: Instance, service: str, resource: str, *, regional: bool = True) -> str:
    region = region_of(instance) if regional else ""
    return f"arn:aws:{service}:{region}:{ACCOUNT}:{resource}"


def computed(instance: Instance) -> Mapping[str, Any]:
    """The computed attributes of one instance, by resource type."""
    address = instance.address
    make = COMPUTED.get(instance.type)
    base: dict[str, Any] = {}
    prefix = ID_PREFIXES.get(instance.type)
    if prefix:
        base["id"] = f"{prefix}-{digest(address)}"
    else:
        base["id"] = f"{instance.type.removeprefix('aws_')}-{digest(address, 12)}"
    if make:
        base.update(make(instance))
    return {k: Computed(v) if isinstance(v, str) else v for k, v in base.items()}


def _name(instance: Instance, attribute: str = "name") -> str:
    value = instance.get(attribute)
    return _text(value, f"name-of-{digest(instance.address, 8)}")


def _lb(instance: Instance) -> dict[str, Any]:
    name = _name(instance)
    kind = "net" if instance.get("load_balancer_type") == "network" else "app"
    internal = "internal-" if instance.get("internal") is True else ""
    number = int(digest(instance.address, 8), 16) % 10**9
    region = region_of(instance)
    arn = _arn(
        instance,
        "elasticloadbalancing",
        f"loadbalancer/{kind}/{name}/{digest(instance.address, 16)}",
    )
    return {
        "arn": arn,
        "id": arn,
        "dns_name": f"{internal}{name}-{number}.{region}.elb.amazonaws.com",
        "zone_id": "Z" + digest(instance.address + "#zone", 13).upper(),
    }


def _target_group(instance: Instance) -> dict[str, Any]:
    name = _name(instance)
    arn = _arn(
        instance, "elasticloadbalancing", f"targetgroup/{name}/{digest(instance.address, 16)}"
    )
    return {"arn": arn, "id": arn}


def _listener(instance: Instance) -> dict[str, Any]:
    arn = _arn(instance, "elasticloadbalancing", f"listener/app/{digest(instance.address, 16)}")
    return {"arn": arn, "id": arn}


def _listener_rule(instance: Instance) -> dict[str, Any]:
    arn = _arn(
        instance, "elasticloadbalancing", f"listener-rule/app/{digest(instance.address, 16)}"
    )
    return {"arn": arn, "id": arn}


def _certificate(instance: Instance) -> dict[str, Any]:
    domain = instance.get("domain_name")
    sans = instance.get("subject_alternative_names")
    names = [domain, *(sans if isinstance(sans, list) else [])]
    options = []
    for name in dict.fromkeys(n for n in names if isinstance(n, str)):
        base = name.removeprefix("*.")
        options.append(
            {
                "domain_name": name,
                "resource_record_name": Computed(f"_{digest(base, 32)}.{base}."),
                "resource_record_type": "CNAME",
                "resource_record_value": Computed(
                    f"_{digest(base + '#v', 32)}.acm-validations.aws."
                ),
            }
        )
    arn = _arn(instance, "acm", f"certificate/{_uuid(instance.address)}")
    return {"arn": arn, "id": arn, "domain_validation_options": options}


def _web_acl(instance: Instance) -> dict[str, Any]:
    uid = _uuid(instance.address)
    scope = "global" if instance.get("scope") == "CLOUDFRONT" else "regional"
    return {"id": uid, "arn": _arn(instance, "wafv2", f"{scope}/webacl/{_name(instance)}/{uid}")}


def _kms_key(instance: Instance) -> dict[str, Any]:
    uid = _uuid(instance.address)
    return {"id": uid, "key_id": uid, "arn": _arn(instance, "kms", f"key/{uid}")}


def _kms_alias(instance: Instance) -> dict[str, Any]:
    name = _name(instance)
    return {"id": name, "arn": _arn(instance, "kms", name)}


def _eks_cluster(instance: Instance) -> dict[str, Any]:
    name = _name(instance)
    region = region_of(instance)
    hexid = digest(instance.address, 32).upper()
    return {
        "id": name,
        "arn": _arn(instance, "eks", f"cluster/{name}"),
        "endpoint": f"https://{hexid}.gr7.{region}.eks.amazonaws.com",
        "identity": [{"oidc": [{"issuer": f"https://oidc.eks.{region}.amazonaws.com/id/{hexid}"}]}],
        "vpc_config": [
            {
                "cluster_security_group_id": f"sg-{digest(instance.address + '#cluster-sg')}",
                "vpc_id": f"vpc-{digest(instance.address + '#vpc')}",
            }
        ],
    }


def _node_group(instance: Instance) -> dict[str, Any]:
    name = _name(instance, "node_group_name")
    cluster = _text(instance.get("cluster_name"), "cluster")
    return {
        "id": f"{cluster}:{name}",
        "arn": _arn(instance, "eks", f"nodegroup/{cluster}/{name}/{_uuid(instance.address)}"),
        "resources": [
            {"autoscaling_groups": [{"name": f"eks-{name}-{_uuid(instance.address + '#asg')}"}]}
        ],
    }


def _oidc_provider(instance: Instance) -> dict[str, Any]:
    url = instance.get("url")
    host = url.removeprefix("https://") if isinstance(url, str) else digest(instance.address)
    arn = _arn(instance, "iam", f"oidc-provider/{host}", regional=False)
    return {"arn": arn, "id": arn}


def _role(instance: Instance) -> dict[str, Any]:
    name = _name(instance)
    return {"id": name, "name": name, "arn": _arn(instance, "iam", f"role/{name}", regional=False)}


def _log_group(instance: Instance) -> dict[str, Any]:
    name = _name(instance)
    return {"id": name, "arn": _arn(instance, "logs", f"log-group:{name}")}


def _bucket(instance: Instance) -> dict[str, Any]:
    name = _name(instance, "bucket")
    region = region_of(instance)
    return {
        "id": name,
        "bucket": name,
        "arn": f"arn:aws:s3:::{name}",
        "bucket_regional_domain_name": f"{name}.s3.{region}.amazonaws.com",
    }


def _zone(instance: Instance) -> dict[str, Any]:
    zone_id = "Z" + digest(instance.address, 20).upper()
    return {"id": zone_id, "zone_id": zone_id, "arn": f"arn:aws:route53:::hostedzone/{zone_id}"}


def _record(instance: Instance) -> dict[str, Any]:
    name = instance.get("name")
    return {
        "fqdn": name.rstrip(".")
        if isinstance(name, str)
        else Unknown(msg("the record's name is not known statically"))
    }


def _named_id(attribute: str) -> Callable[[Instance], dict[str, Any]]:
    def make(instance: Instance) -> dict[str, Any]:
        name = _name(instance, attribute)
        return {"id": name, "name": name}

    return make


def _rds_cluster(instance: Instance) -> dict[str, Any]:
    name = _name(instance, "cluster_identifier")
    return {"id": name, "arn": _arn(instance, "rds", f"cluster:{name}")}


def _rds_instance(instance: Instance) -> dict[str, Any]:
    name = _name(instance, "identifier")
    return {"id": name, "arn": _arn(instance, "rds", f"db:{name}")}


def _replication_group(instance: Instance) -> dict[str, Any]:
    name = _name(instance, "replication_group_id")
    return {"id": name, "arn": _arn(instance, "elasticache", f"replicationgroup:{name}")}


def _secret(instance: Instance) -> dict[str, Any]:
    arn = _arn(
        instance, "secretsmanager", f"secret:{_name(instance)}-{digest(instance.address, 6)}"
    )
    return {"id": arn, "arn": arn}


def _repository(instance: Instance) -> dict[str, Any]:
    name = _name(instance)
    region = region_of(instance)
    return {
        "id": name,
        "arn": _arn(instance, "ecr", f"repository/{name}"),
        "repository_url": f"{ACCOUNT}.dkr.ecr.{region}.amazonaws.com/{name}",
    }


def _launch_template(instance: Instance) -> dict[str, Any]:
    # A new template's first version is 1, and it is the default.
    return {"latest_version": 1, "default_version": 1}


def _trail(instance: Instance) -> dict[str, Any]:
    arn = _arn(instance, "cloudtrail", f"trail/{_name(instance)}")
    return {"id": arn, "arn": arn, "home_region": region_of(instance)}


def _eip(instance: Instance) -> dict[str, Any]:
    number = int(digest(instance.address, 6), 16)
    return {
        "allocation_id": f"eipalloc-{digest(instance.address)}",
        "public_ip": f"198.51.100.{number % 254 + 1}",  # TEST-NET-2, never routed
    }


def _nat(instance: Instance) -> dict[str, Any]:
    return {"network_interface_id": f"eni-{digest(instance.address + '#eni')}"}


def _caller(instance: Instance) -> dict[str, Any]:
    return {"account_id": ACCOUNT, "arn": f"arn:aws:iam::{ACCOUNT}:root", "id": ACCOUNT}


def _elb_account(instance: Instance) -> dict[str, Any]:
    return {"arn": f"arn:aws:iam::{ACCOUNT}:root", "id": ACCOUNT}


COMPUTED: dict[str, Callable[[Instance], dict[str, Any]]] = {
    "aws_lb": _lb,
    "aws_lb_target_group": _target_group,
    "aws_lb_listener": _listener,
    "aws_lb_listener_rule": _listener_rule,
    "aws_acm_certificate": _certificate,
    "aws_wafv2_web_acl": _web_acl,
    "aws_kms_key": _kms_key,
    "aws_kms_alias": _kms_alias,
    "aws_eks_cluster": _eks_cluster,
    "aws_eks_node_group": _node_group,
    "aws_iam_openid_connect_provider": _oidc_provider,
    "aws_iam_role": _role,
    "aws_cloudwatch_log_group": _log_group,
    "aws_s3_bucket": _bucket,
    "aws_route53_zone": _zone,
    "aws_route53_record": _record,
    "aws_db_subnet_group": _named_id("name"),
    "aws_elasticache_subnet_group": _named_id("name"),
    "aws_rds_cluster": _rds_cluster,
    "aws_rds_cluster_instance": _rds_instance,
    "aws_elasticache_replication_group": _replication_group,
    "aws_secretsmanager_secret": _secret,
    "aws_ecr_repository": _repository,
    "aws_launch_template": _launch_template,
    "aws_cloudtrail": _trail,
    "aws_eip": _eip,
    "aws_nat_gateway": _nat,
    "aws_caller_identity": _caller,
    "aws_partition": lambda _: {"partition": "aws", "dns_suffix": "amazonaws.com"},
    "aws_elb_service_account": _elb_account,
}
