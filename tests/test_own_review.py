"""README's "Your review, step by step", followed literally: real exports to the appendix, through the command line."""

import shutil

import pandas as pd
import pytest

from synthesis.cli import main

EXPORTS = ["PubMed_example.txt", "Scopus_ris_example.ris", "Ovid_ris_example.ris", "WoS_ciw_example.ciw",
           "Scopus_bib_example.bib"]

NODES = """node_id,kind,label,source
C-rural,context,Farmland,Codebook
M-management,mechanism,Managed margins,Codebook
O-water,outcome,Water quality,Codebook
O-biodiversity,outcome,Biodiversity,Codebook
"""

INITIAL = """published: false
areas: [{id: land, label: Land management, source: Protocol}]
topics: [{id: margins, area: land, label: Field margins, source: Protocol}]
theories:
  - {id: T1, label: "1", topic: margins, statement: Managed margins on farmland protect water,
     nodes: [C-rural, M-management, O-water], source: Protocol}
  - {id: T2, label: "2", topic: margins, statement: Margins raise biodiversity, nodes: [O-biodiversity],
     source: Protocol}
source: Protocol
"""


def _run(*argv) -> int:
    return main([str(a) for a in argv])


@pytest.mark.notebooks
def test_your_review_step_by_step(shared, tmp_path, capsys):
    """new -> exports -> import -> de-duplicate -> screen (a conflict, resolved) -> studies -> theory -> code -> report."""
    review = tmp_path / "data" / "my-review"
    work = tmp_path / "work"
    # 1. Start the folder.
    assert _run("new", review) == 0
    # 2. Exports, unedited.
    for name in EXPORTS:
        shutil.copy(shared / "fixtures" / "exports" / "synthesisr" / name, review / "search" / "exports" / name)
    assert _run("check", review) == 0
    # 3. Import and de-duplicate.
    assert _run("records", "import", *sorted((review / "search" / "exports").iterdir()), "-o",
                work / "records.csv") == 0
    assert _run("records", "dedup", work / "records.csv", "-o", work / "dedup") == 0
    records = pd.read_csv(work / "records.csv", dtype=str)
    unique = pd.read_csv(work / "dedup" / "unique.csv", dtype=str)["record_id"].tolist()
    # 5. Screen: two reviewers, one conflict on the third record, resolved by a third reviewer.
    anna = pd.DataFrame({"record_id": unique, "decision": ["1", "1", "1"] + ["2"] * (len(unique) - 3)})
    ben = pd.DataFrame({"record_id": unique, "decision": ["1", "1", "2"] + ["2"] * (len(unique) - 3)})
    full_text = pd.DataFrame({"record_id": unique[:2], "decision": ["1", "2"], "reason": ["", "Wrong setting"]})
    for reviewer, sheet, stage in (("anna", anna, "title-abstract"), ("ben", ben, "title-abstract"),
                                   ("anna", full_text, "full text"), ("ben", full_text, "full text")):
        path = work / f"{reviewer}-{stage}.csv"
        sheet.to_csv(path, index=False)
        reasons = ["--reason-column", "reason"] if "reason" in sheet else []
        assert _run("screening", "import", path, "--review", review, "--reviewer", reviewer, "--stage", stage,
                    "--map", "1=include,2=exclude", *reasons) == 0
    assert _run("screening", "conflicts", review) == 1
    (review / "screening" / "resolutions.csv").write_text(
        "resolution_id,record_id,stage,decision,resolved_by,source\n"
        f"R1,{unique[2]},title-abstract,exclude,carol,Third reviewer 2025-02-01\n", encoding="utf-8")
    assert _run("screening", "conflicts", review) == 0
    # 6. The included studies.
    assert _run("studies", review) == 0
    studies = pd.read_csv(review / "studies.csv", dtype=str)
    assert len(studies) == 1
    study = studies["study_id"].item()
    # 7-8. The initial theory, its nodes, and a coding sheet coded by label, brought in against the review.
    (review / "coding" / "nodes.csv").write_text(NODES, encoding="utf-8")
    (review / "theory" / "initial.yml").write_text(INITIAL, encoding="utf-8")
    sheet = work / "coding.csv"
    sheet.write_text("Document,Page,Quote,Code\n"
                     f"{study},3,Buffers on farmland cut nitrate,Farmland;Managed margins;Water quality\n",
                     encoding="utf-8")
    assert _run("coding", "import", sheet, "--review", review, "-o", review / "coding" / "excerpts.csv") == 0
    assert _run("check", review) == 0
    # 10. Report.
    out = tmp_path / "outputs"
    assert _run("report", review, "--out", out) == 0
    capsys.readouterr()
    tables = out / "my-review" / "tables"
    prisma = pd.read_csv(tables / "prisma_counts.csv").set_index("box")
    derived = prisma["n"].to_dict()
    assert derived["database_results"] == len(records)
    assert derived["duplicates"] == len(records) - len(unique)
    assert derived["records_screened"] == len(unique)
    assert derived["dbr_assessed"] == 2 and derived["dbr_excluded"] == 1 and derived["total_studies"] == 1
    assert set(prisma.loc[["database_results", "duplicates", "records_screened"], "status"]) == {"derived"}
    evidence = pd.read_csv(tables / "theory_evidence.csv").set_index("theory")
    assert evidence.loc["T1", "from the evidence"] == "kept" and evidence.loc["T1", "documents"] == study
    assert evidence.loc["T2", "from the evidence"] == "unsupported"
    appendix = (out / "my-review" / "appendix" / "appendix.html").read_text(encoding="utf-8")
    import html

    from synthesis.wording import missing_sentences

    text = html.unescape(appendix)
    said_of_a_paper = [forms["published"] for forms in missing_sentences().values()
                       if forms["published"] != forms["own"]]
    assert not [sentence for sentence in said_of_a_paper if sentence in text]
    assert "stated by the paper" not in text
