"""A moto server for the proofs: its own process on 127.0.0.1, with two IAM fixes applied.

Run as ``python -m tests.proof.motoserver PORT`` from the repository root. Its own
process because moto's backends are module globals: an in-process ThreadedMotoServer
shares its state (and the IAM enforcement switch) with every other moto server and
``mock_aws`` in the test process, so one proof resetting its account would reset
theirs. Both fixes below must be applied inside the server, which a plain
``moto_server`` process would not do; this launcher applies them and then runs moto's
own ``main``.
"""

from __future__ import annotations

import sys

import moto.server
from moto.iam.access_control import IAMRequestBase
from moto.s3 import responses as s3_responses

from tests.demo.fixtures import empty_body_signing


def fix_moto() -> None:
    IAMRequestBase._create_aws_request = empty_body_signing(IAMRequestBase._create_aws_request)  # type: ignore[method-assign,assignment]
    # moto 5.2.5 authorizes GET /BUCKET?publicAccessBlock as s3:ListBucket: its ACTION_MAP
    # keys that query parameter "public_access_block", which never matches the query
    # string "publicAccessBlock" (moto/s3/responses.py _set_action), so the DEFAULT
    # action is used. AWS authorizes the GetPublicAccessBlock API with the IAM action
    # s3:GetBucketPublicAccessBlock, which is what this maps it to.
    s3_responses.ACTION_MAP["BUCKET"]["GET"]["publicAccessBlock"] = "GetBucketPublicAccessBlock"


if __name__ == "__main__":
    fix_moto()
    moto.server.main(["-H", "127.0.0.1", "-p", sys.argv[1]])
