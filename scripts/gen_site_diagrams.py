"""mkdocs-gen-files script (mkdocs.yml): adds the design's diagrams to both language folders."""

import mkdocs_gen_files

from eks_refarch.site.diagrams import generate
from eks_refarch.site.plugin import RefarchPlugin

config = mkdocs_gen_files.config
refarch = config.plugins["refarch"]
assert isinstance(refarch, RefarchPlugin), "mkdocs.yml must list the refarch plugin"
generate(config, refarch.design_file(config), mkdocs_gen_files.open)
