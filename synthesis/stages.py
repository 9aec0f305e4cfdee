"""The stages of a review in the notebooks' order, and the modules each owns.

The one source for the order of the flow: a module may import modules of its own stage or of an earlier one,
never of a later one (``tests/test_imports.py`` checks it), and the registry of computed values and checks
(:mod:`synthesis.registry`) imports the stage modules in this order to let each register what it computes.
"""

from __future__ import annotations

__all__ = ["STAGES"]

#: (stage, notebook or None, modules of ``synthesis/``), in the order the flow runs.
STAGES: tuple[tuple[str, str | None, tuple[str, ...]], ...] = (
    ("foundation", None,
     ("__init__", "errors", "paths", "textfile", "csvrows", "yamlfile", "archives", "schemas", "stages", "registry", "review",
      "tables", "reliability", "outputs", "wording", "diagrams", "figurecheck", "notebook", "scaffold")),
    ("exploratory search", "01_exploratory_search",
     ("records", "dedup", "search", "citations", "screening", "prisma", "studies")),
    ("initial theory", "02_initial_theory", ("initial_theory",)),
    ("coding tallies", "03_coding_tallies", ("evidence", "coding", "qda", "tallies", "appraisal", "agreement")),
    ("final theory", "04_final_theory",
     ("final_theory", "refinement", "cerqual", "consistency", "interpretations", "reproduction")),
    ("measure validation", "05_measure_validation", ("measure",)),
    ("presentation and running", None, ("report", "pipeline", "cli")),
)
