"""The views the renderer draws, their titles in both languages, and the outputs it offers."""

from __future__ import annotations

from typing import Literal

Lang = Literal["en", "ja"]

LANGS: tuple[Lang, ...] = ("en", "ja")
FORMATS: tuple[str, ...] = ("svg", "png")

# The order is the order of the site's gallery: from the AWS account inwards, then the
# alternatives the design rejected.
VIEWS: tuple[str, ...] = (
    "aws-architecture",
    "app-domain",
    "infra-domain",
    "ownership",
    "ecs-alternative",
    "lambda-alternative",
)

VIEW_TITLES: dict[str, dict[Lang, str]] = {
    "aws-architecture": {
        "en": "AWS architecture",
        "ja": "AWS アーキテクチャ",
    },
    "app-domain": {
        "en": "Application domain: north-south and east-west traffic",
        "ja": "アプリケーションドメイン：南北と東西のトラフィック",
    },
    "infra-domain": {
        "en": "Infrastructure domain: the platform around the workloads",
        "ja": "インフラストラクチャドメイン：ワークロードを支えるプラットフォーム",
    },
    "ownership": {
        "en": "Ownership: what Terraform owns and what GitOps owns",
        "ja": "管理の境界：Terraform が持つもの、GitOps が持つもの",
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
