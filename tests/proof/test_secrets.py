"""No secret in any output: reports in every format, standard error with --stats, report
files, and log records, in passing runs and in runs that error.

The canaries are distinctive AWS credentials (access key id, secret key, session token)
in the environment, the keys of a real IAM user in the emulator, a bearer token in a
kubeconfig, and a value stored in the account's Secrets Manager (tests/proof/conftest.py).
A deliberately leaking variant of the code must be caught, so the scan is not vacuous.

Logging. refarch itself logs nothing during a check. botocore's own DEBUG records do
hold credentials: botocore.endpoint logs every prepared request with its Authorization
header (the access key id) and X-Amz-Security-Token (the session token), as a test below
shows. They reach no output unless the program running refarch configures logging:
refarch adds no handler and sets no level (a test below checks a run leaves logging as
it found it), has no debug flag that would, and botocore turns on no logging from the
environment (its source reads SSLKEYLOGFILE, which writes TLS session keys, not
credentials; with a packet capture those would expose the session token, which is the
deliberate act of whoever sets it). REFARCH_DEBUG only prints an internal error's
traceback, whose text is an exception message like any error line.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from eks_refarch.conformance.aws import context as aws_context
from eks_refarch.conformance.facts import CollectionError
from eks_refarch.conformance.report import RENDERERS
from eks_refarch.errors import EXIT_ERRORED, EXIT_OK
from tests.conformance.cluster import apiserver
from tests.helpers import free_port
from tests.proof.conftest import (
    CANARY_SECRET_VALUE,
    ProofAccount,
    credentials,
    enforced,
    refarch_check,
)

CANARY_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "AKIACANARYQ7W2E4R6T8",
    "AWS_SECRET_ACCESS_KEY": "canarySecretKeyZ9y8X7w6V5u4T3s2R1q0PoNmLk",
    "AWS_SESSION_TOKEN": "CanarySessionTokenIQoJb3JpZ2luX2VjEPb8W3Ng==",
}
CANARY_BEARER = "canary-bearer-token-3c9f1d7e0b2a"
FORMATS = tuple(RENDERERS)
# Written to a file rather than standard output, so both paths are scanned.
TO_FILE = {"junit", "sarif"}
SECRET = {"secret value": CANARY_SECRET_VALUE}
# A check that reads Secrets Manager, where the canary secret lives.
ONE_SECRET_CHECK = "secretsmanager_secret_encrypted_with_designed_key"


@dataclass
class Outputs:
    """Every text a set of runs produced, by where it appeared."""

    texts: dict[str, str] = field(default_factory=dict)
    codes: set[int] = field(default_factory=set)
    records: list[logging.LogRecord] = field(default_factory=list)

    def leaks(self, canaries: Mapping[str, str]) -> list[str]:
        """Each place a canary, or a distinctive 16-character piece of one, appears.
        botocore's own records are left out: they hold credentials by design (above)."""
        places = dict(self.texts)
        places.update(
            (f"log {r.name} #{i}", r.getMessage())
            for i, r in enumerate(self.records)
            if not r.name.startswith("botocore")
        )
        return [
            f"{name} in {where}"
            for name, canary in canaries.items()
            for where, text in places.items()
            if canary in text or canary[:16] in text
        ]


class _Records(logging.Handler):
    def __init__(self, into: list[logging.LogRecord]) -> None:
        super().__init__(logging.DEBUG)
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        self.into.append(record)


@contextmanager
def debug_logging(into: list[logging.LogRecord]) -> Iterator[None]:
    """Every log record of every logger, down to DEBUG, for the block."""
    root = logging.getLogger()
    handler, level = _Records(into), root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def every_format(tmp_path: Path, *args: str) -> Outputs:
    """`refarch check ARGS` once per format, with --stats, two of them into report files."""
    outputs = Outputs()
    with debug_logging(outputs.records):
        for output_format in FORMATS:
            extra = ["--format", output_format, "--stats"]
            report = tmp_path / f"report.{output_format}"
            if output_format in TO_FILE:
                extra += ["--output", str(report)]
            run = refarch_check(*args, *extra)
            outputs.codes.add(run.code)
            outputs.texts[f"{output_format} stdout"] = run.stdout
            outputs.texts[f"{output_format} stderr"] = run.stderr
            if output_format in TO_FILE:
                outputs.texts[f"{output_format} file"] = report.read_text(encoding="utf-8")
    return outputs


def test_a_passing_run_shows_no_credential_and_no_secret_value(
    proof_account: ProofAccount, tmp_path: Path
) -> None:
    with credentials(CANARY_CREDENTIALS):
        outputs = every_format(tmp_path, "--endpoint-url", proof_account.url)
    assert outputs.codes == {EXIT_OK}
    assert outputs.leaks({**CANARY_CREDENTIALS, **SECRET}) == []
    assert not [r for r in outputs.records if r.name.startswith("eks_refarch")]
    # The canaries were in use, and the docstring's warning about botocore is true.
    sent = "\n".join(r.getMessage() for r in outputs.records if r.name == "botocore.endpoint")
    assert CANARY_CREDENTIALS["AWS_ACCESS_KEY_ID"] in sent
    assert CANARY_CREDENTIALS["AWS_SESSION_TOKEN"] in sent


def test_rejected_credentials_are_reported_without_being_shown(
    proof_account: ProofAccount, tmp_path: Path
) -> None:
    with credentials(CANARY_CREDENTIALS), enforced(proof_account.url):
        outputs = every_format(tmp_path, "--endpoint-url", proof_account.url)
    assert outputs.codes == {EXIT_ERRORED}
    assert "the credentials were rejected" in outputs.texts["json stdout"]
    assert outputs.leaks({**CANARY_CREDENTIALS, **SECRET}) == []


def test_denied_actions_are_reported_without_the_keys_of_the_denied_user(
    proof_account: ProofAccount, tmp_path: Path
) -> None:
    keys = proof_account.without["secretsmanager:ListSecrets"]
    with credentials(keys.env()), enforced(proof_account.url):
        outputs = every_format(tmp_path, "--endpoint-url", proof_account.url)
    assert outputs.codes == {EXIT_ERRORED}
    assert "(needs secretsmanager:ListSecrets)" in outputs.texts["json stdout"]
    canaries = {"key id": keys.access_key_id, "secret key": keys.secret_access_key}
    assert outputs.leaks({**canaries, **SECRET}) == []


def test_an_unreachable_endpoint_is_reported_without_the_credentials(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with credentials(CANARY_CREDENTIALS):
        outputs = every_format(tmp_path, "--endpoint-url", url, "--max-attempts", "1")
    assert outputs.codes == {EXIT_ERRORED}
    assert outputs.leaks(CANARY_CREDENTIALS) == []


@pytest.mark.parametrize("token_accepted", [True, False])
def test_a_kubeconfig_bearer_token_is_never_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, token_accepted: bool
) -> None:
    if token_accepted:
        monkeypatch.setattr(apiserver, "TOKEN", CANARY_BEARER)
    with apiserver.serve() as server:
        config = apiserver.kubeconfig(tmp_path, server.url, token=CANARY_BEARER)
        outputs = every_format(tmp_path, "--kubeconfig", str(config))
    assert ("401 Unauthorized" in outputs.texts["json stdout"]) is not token_accepted
    assert outputs.leaks({"bearer token": CANARY_BEARER}) == []


def test_the_scan_catches_a_leaking_variant(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A translation that quotes the secret key, and a debug line that logs it, are found."""
    translate = aws_context.AwsContext._translate

    def leaky(
        self: aws_context.AwsContext,
        service: str,
        method: str,
        exc: Exception,
        endpoint: str | None = None,
    ) -> Exception:
        error = translate(self, service, method, exc, endpoint)
        secret = self._session_factory(self.options).get_credentials().secret_key
        logging.getLogger("eks_refarch.leak").debug("signed with %s", secret)
        return CollectionError(service, "x", f"{error} (signed with {secret})")

    monkeypatch.setattr(aws_context.AwsContext, "_translate", leaky)
    url = f"http://127.0.0.1:{free_port()}"
    with credentials(CANARY_CREDENTIALS):
        outputs = every_format(tmp_path, "--endpoint-url", url, "--max-attempts", "1")
    found = outputs.leaks(CANARY_CREDENTIALS)
    secret = "AWS_SECRET_ACCESS_KEY in "
    # OpenMetrics carries no messages (only ids, statuses and counts): nothing to leak.
    quoting = [f for f in FORMATS if f != "openmetrics"]
    assert {f"{secret}{f} stdout" for f in quoting if f not in TO_FILE} <= set(found)
    assert {f"{secret}{f} file" for f in TO_FILE} <= set(found)
    assert any(f.startswith(f"{secret}log eks_refarch.leak") for f in found)


def test_a_run_leaves_logging_as_it_found_it(proof_account: ProofAccount) -> None:
    loggers = ("", "botocore", "boto3", "urllib3", "kubernetes", "eks_refarch")

    def state() -> list[tuple[str, int, list[logging.Handler]]]:
        return [
            (name, logging.getLogger(name).level, list(logging.getLogger(name).handlers))
            for name in loggers
        ]

    before = state()
    with credentials(CANARY_CREDENTIALS):
        run = refarch_check("--endpoint-url", proof_account.url, "--only", ONE_SECRET_CHECK)
    assert run.code == EXIT_OK, run.stderr
    assert state() == before
    assert logging.getLogger("botocore").getEffectiveLevel() >= logging.WARNING
