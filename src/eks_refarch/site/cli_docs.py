"""Tables of `refarch check` options and report formats, read from the command itself.

The option names, defaults and choices come from the click command, so the page lists
exactly what the installed command accepts. Each option and format also needs a
description in both languages here: one without it fails the build, naming it.
"""

from __future__ import annotations

import click

from eks_refarch.conformance.cli import FORMATS, check
from eks_refarch.site.markdown import code, table

_H = {
    "option": {"en": "Option", "ja": "オプション"},
    "default": {"en": "Default", "ja": "既定値"},
    "meaning": {"en": "What it does", "ja": "内容"},
    "format": {"en": "Format", "ja": "形式"},
    "for": {"en": "For", "ja": "用途"},
}

OPTIONS = {
    "design_file": {
        "en": "The design file to check against.",
        "ja": "照合に使う設計ファイル。",
    },
    "region": {
        "en": "The AWS region; the design's region when not given.",
        "ja": "AWS のリージョン。指定しなければ設計のリージョン。",
    },
    "profile": {
        "en": "A profile from the AWS shared configuration files.",
        "ja": "AWS の共有設定ファイルにあるプロファイル。",
    },
    "role_arn": {
        "en": "A read-only role to assume through STS before reading anything.",
        "ja": "読み取りを始める前に STS で引き受ける読み取り専用のロール。",
    },
    "endpoint_url": {
        "en": "Send every AWS call to this endpoint, such as a local emulator.",
        "ja": "すべての AWS の呼び出しをこのエンドポイント（ローカルのエミュレーターなど）に送る。",
    },
    "retry_mode": {
        "en": "How botocore retries throttled or failed calls.",
        "ja": "スロットリングや失敗した呼び出しを botocore がどう再試行するか。",
    },
    "max_attempts": {
        "en": "Attempts per AWS call, the first one included.",
        "ja": "AWS の呼び出し一回あたりの試行回数（最初の一回を含む）。",
    },
    "connect_timeout": {
        "en": "Seconds to wait for a connection to an AWS endpoint.",
        "ja": "AWS のエンドポイントへの接続を待つ秒数。",
    },
    "read_timeout": {
        "en": "Seconds to wait for an AWS endpoint to answer.",
        "ja": "AWS のエンドポイントの応答を待つ秒数。",
    },
    "kubeconfig": {
        "en": "Check the live cluster of this kubeconfig (list calls only), and its nodes' "
        "kubelets through the API server unless --hosts is given.",
        "ja": "この kubeconfig が指すクラスターを実際に確認する（呼び出しは list のみ）。"
        "--hosts がなければ、各ノードの kubelet も API サーバー経由で確認する。",
    },
    "context": {
        "en": "The kubeconfig context to use; its current context when not given.",
        "ja": "使う kubeconfig のコンテキスト。指定しなければ現在のコンテキスト。",
    },
    "manifests": {
        "en": "Check the manifests in this directory (plain or Helm-rendered YAML) instead "
        "of a live cluster.",
        "ja": "稼働中のクラスターの代わりに、このディレクトリのマニフェスト（そのままの YAML "
        "や Helm で展開したもの）を確認する。",
    },
    "hosts": {
        "en": "Check the kubelet on this node, a testinfra host URL (ssh://, paramiko://, "
        "local://); repeat it, or separate URLs with commas.",
        "ja": "このノードの kubelet を確認する。testinfra のホスト URL（ssh://、paramiko://、"
        "local://）で指定し、複数のノードは繰り返すかカンマで区切る。",
    },
    "output_format": {
        "en": "The report format (see below).",
        "ja": "レポートの形式（下記）。",
    },
    "output": {
        "en": "Write the report to this file, atomically, instead of standard output.",
        "ja": "レポートを標準出力ではなくこのファイルに書く（書き込みはアトミック）。",
    },
    "as_built": {
        "en": "Also draw the account as the run observed it, as an SVG laid out like the "
        "design's network view: each resource marked conformant, drifted (with its failing "
        "checks), missing or not verified, and what the design does not have, unexpected.",
        "ja": "実行が観測したアカウントを、設計のネットワークの図と同じ配置の SVG にも描く。"
        "各リソースに、設計どおり、ずれ（不合格のチェック付き）、存在しない、確認できず、"
        "の印を付け、設計にないものには設計外の印を付ける。",
    },
    "only": {
        "en": "Run only these checks (comma-separated check ids).",
        "ja": "指定したチェックだけを実行する（チェック ID をカンマ区切りで）。",
    },
    "stats": {
        "en": "Print the calls, retries and time of each AWS operation to standard error.",
        "ja": "AWS の操作ごとの呼び出し回数、再試行、所要時間を標準エラー出力に書く。",
    },
}

FORMAT_USES = {
    "text": {"en": "a person at a terminal", "ja": "端末の前にいる人"},
    "json": {"en": "other programs", "ja": "他のプログラム"},
    "junit": {"en": "CI systems that show test reports", "ja": "テストレポートを表示する CI"},
    "sarif": {"en": "code-scanning dashboards", "ja": "コードスキャンのダッシュボード"},
    "markdown": {
        "en": "a pull-request comment or a report page",
        "ja": "プルリクエストのコメントやレポートのページ",
    },
}


def _described(table_of: dict[str, dict[str, str]], key: str, what: str) -> dict[str, str]:
    if key not in table_of:
        raise ValueError(
            f"`refarch check` has the {what} {key!r}, which has no description for the site: "
            f"add it to {__name__}"
        )
    return table_of[key]


def _names(option: click.Option) -> str:
    return ", ".join(code(o) for o in [*option.opts, *option.secondary_opts])


def _default(option: click.Option) -> str:
    """The default, where the command's own help shows one."""
    return code(option.default) if option.show_default and not option.is_flag else ""


def options_table(lang: str) -> str:
    options = [p for p in check.params if isinstance(p, click.Option)]
    return table(
        [_H["option"][lang], _H["default"][lang], _H["meaning"][lang]],
        [
            [_names(o), _default(o), _described(OPTIONS, str(o.name), "option")[lang]]
            for o in options
        ],
    )


def formats_table(lang: str) -> str:
    return table(
        [_H["format"][lang], _H["for"][lang]],
        [[code(f), _described(FORMAT_USES, f, "report format")[lang]] for f in FORMATS],
    )
