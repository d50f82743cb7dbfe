"""Turn an organization's social media playbook, kept as YAML, into a site.

The core (`load`, `rules`, `pages`, `diagrams`) needs neither mkdocs nor click; the
mkdocs plugin and the `playbook` command are thin front doors over it.
"""

from .errors import Location, PlaybookError, Problem, ProjectError
from .project import Result, validate

__version__ = "0.1.0"

__all__ = ["Location", "PlaybookError", "Problem", "ProjectError", "Result", "validate", "__version__"]
