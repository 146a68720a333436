"""mkdocs-gen-files script (mkdocs.yml): adds the design's diagrams, and the example report's
as-built pictures, to the site."""

from pathlib import Path

import mkdocs_gen_files

from eks_refarch.site import asbuilt
from eks_refarch.site.diagrams import generate
from eks_refarch.site.plugin import RefarchPlugin

config = mkdocs_gen_files.config
refarch = config.plugins["refarch"]
assert isinstance(refarch, RefarchPlugin), "mkdocs.yml must list the refarch plugin"
design = refarch.design_file(config)
generate(config, design, mkdocs_gen_files.open)
manifests = Path(config.config_file_path).parent / refarch.config.manifests
asbuilt.generate(config, design, manifests, mkdocs_gen_files.open)
