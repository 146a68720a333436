"""The built-in check list: complete, and cheap to load (no CLI, adapter or client library)."""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys

import eks_refarch.conformance
from eks_refarch.conformance.builtin import MODULES, load_builtin_checks

# The distributions loading the catalog may import: the design model's own. Anything else
# (boto3, kubernetes, testinfra, paramiko, pytest, click, rich, urllib3) would make every
# reader of check metadata pay for a client library.
ALLOWED = {"pydantic", "pydantic_core", "annotated-types", "typing_extensions", "typing-inspection"}
ALLOWED |= {"PyYAML"}

PROBE = """
import json, sys
before = set(sys.modules)
from eks_refarch.conformance.builtin import load_builtin_checks
registry = load_builtin_checks()
registry.checks()
from importlib.metadata import packages_distributions
owners = packages_distributions()  # top-level import name -> the distributions providing it
new = {name.split(".")[0] for name in set(sys.modules) - before}
print(json.dumps(sorted({d for name in new for d in owners.get(name, ())} - {"eks-refarch"})))
"""


def test_loading_the_catalog_imports_only_the_design_models_libraries() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=60
    )
    imported = set(json.loads(done.stdout))
    assert imported <= ALLOWED, sorted(imported - ALLOWED)
    # The probe really loaded the design model's library, so an empty answer cannot pass.
    assert "pydantic" in imported


def test_the_list_names_every_module_that_registers_a_check_or_collector() -> None:
    registry = load_builtin_checks()
    package = eks_refarch.conformance
    for module in pkgutil.walk_packages(package.__path__, prefix=package.__name__ + "."):
        importlib.import_module(module.name)
    registering = {spec.module for spec in registry.checks()} | {
        spec.func.__module__ for spec in registry.collectors()
    }
    assert registering == set(MODULES)
