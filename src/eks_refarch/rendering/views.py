"""The views the renderer draws, their titles in both languages, and the outputs it offers."""

from __future__ import annotations

from typing import Literal

Lang = Literal["en", "ja"]

LANGS: tuple[Lang, ...] = ("en", "ja")
FORMATS: tuple[str, ...] = ("svg", "png")

# The order is the order of the site's gallery: from the AWS account inwards, then the
# alternatives the design rejected.
VIEWS: tuple[str, ...] = (
    "aws-network",
    "aws-edge",
    "app-north-south",
    "app-east-west",
    "ownership",
    "infra-control",
    "infra-telemetry",
    "ecs-alternative",
    "lambda-alternative",
)

VIEW_TITLES: dict[str, dict[Lang, str]] = {
    "aws-network": {
        "en": "AWS network: three tiers in each Availability Zone",
        "ja": "AWS のネットワーク：アベイラビリティーゾーンごとに三つの層",
    },
    "aws-edge": {
        "en": "The edge: a request's way in, and the health check",
        "ja": "エッジ：リクエストの入り口とヘルスチェック",
    },
    "app-north-south": {
        "en": "Application domain: north-south, from the client to a pod",
        "ja": "アプリケーションドメイン：南北、クライアントから Pod まで",
    },
    "app-east-west": {
        "en": "Application domain: east-west, between the pods",
        "ja": "アプリケーションドメイン：東西、Pod の間",
    },
    "ownership": {
        "en": "Ownership: what Terraform owns and what GitOps owns",
        "ja": "管理の境界：Terraform が持つもの、GitOps が持つもの",
    },
    "infra-control": {
        "en": "Infrastructure domain: desired state and capacity",
        "ja": "インフラストラクチャドメイン：あるべき姿とキャパシティ",
    },
    "infra-telemetry": {
        "en": "Infrastructure domain: telemetry",
        "ja": "インフラストラクチャドメイン：テレメトリー",
    },
    "ecs-alternative": {
        "en": "Alternative not chosen: the same product on Amazon ECS",
        "ja": "採らなかった案：同じプロダクトを Amazon ECS で動かす",
    },
    "lambda-alternative": {
        "en": "Alternative not chosen: the same product as event-driven Lambda functions",
        "ja": "採らなかった案：同じプロダクトをイベント駆動の Lambda 関数で作る",
    },
}
