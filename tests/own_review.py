"""A small review in progress, coded only through excerpts, shared by the evidence and refinement tests."""

from pathlib import Path

from synthesis.scaffold import new_review

__all__ = ["STUDIES", "NODES", "EXCERPTS", "INITIAL", "write_coded_review"]

STUDIES = """study_id,authors,year,title,type,source
a2020,Ade A,2020,Peer support at home,article,Search 2025
b2021,Bo B,2021,Peer support in groups,article,Search 2025
c2022,Cy C,2022,Peer workers in wards,article,Search 2025
"""
NODES = """node_id,kind,label,source
C-home,context,At home,Coding
M-understood,mechanism,Feels understood,Coding
O-uptake,outcome,Takes up support,Coding
"""
EXCERPTS = """excerpt_id,document,quote,nodes,source
X1,a2020,She knew what I meant,C-home;M-understood,Sheet row 2
X2,b2021,I could talk at home,C-home,Sheet row 3
X3,b2021,Someone who had been there,M-understood,Sheet row 4
"""
INITIAL = """published: false
areas: [{id: a, label: Engagement, source: Protocol}]
topics: [{id: t, area: a, label: Being understood, source: Protocol}]
theories:
  - {id: T1, label: "1", topic: t, statement: Being understood at home, nodes: [C-home, M-understood], source: Protocol}
  - {id: T2, label: "2", topic: t, statement: Understanding leads to uptake, nodes: [M-understood, O-uptake],
     source: Protocol}
  - {id: T3, label: "3", topic: t, statement: Uptake alone, nodes: [O-uptake], source: Protocol}
source: Protocol
"""


def write_coded_review(folder: Path) -> Path:
    """Write the review into ``folder`` (made by `synthesis new`, then its studies, nodes, excerpts and theory)."""
    new_review(folder)
    for name, text in {"studies.csv": STUDIES, "coding/nodes.csv": NODES, "coding/excerpts.csv": EXCERPTS,
                       "theory/initial.yml": INITIAL}.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder
