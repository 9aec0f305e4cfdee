"""Tests for synthesis.qda (REFI-QDA projects and codebooks)."""

import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from synthesis import archives
from synthesis.errors import ReviewError
from synthesis.qda import (
    CODEBOOK_NS,
    PROJECT_NS,
    codebook_from_theory,
    read_qda,
    write_codebook,
)

COLUMNS = ["code_id", "name", "parent_id", "path", "codable", "description"]


def _qdpx(tmp_path, project: str, members: dict | None = None, name="p.qdpx"):
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", project)
        for member, data in (members or {}).items():
            archive.writestr(member, data)
    return path


def test_qc_project(shared):
    """The qc project imports with all 262 codes, 205 codings and the excerpt text of each."""
    project = read_qda(shared / "fixtures/qdpx/qc-demo.qdpx")
    assert (len(project.codes), len(project.codings), project.origin) == (262, 205, "qc 1.3.2")
    assert (project.codes["parent_id"] == "").sum() == 3
    assert project.codes.loc[2, "path"] == "rq1_definition/competencies/programming"
    assert project.codings.loc[0, "text"].startswith("This district goal is engage every student")
    assert (project.codings["text"].str.len() == project.codings["end"] - project.codings["start"]).all()


def test_written_files_validate_against_the_standard(shared, mcleish, tmp_path):
    """A project written from a theory validates against REFI-QDA's Project.xsd, as the qc project does."""
    import xmlschema

    schema = xmlschema.XMLSchema(str(shared / "fixtures/qdpx/Project.xsd"))
    assert schema.is_valid(zipfile.ZipFile(shared / "fixtures/qdpx/qc-demo.qdpx").read("project.qde").decode())
    write_codebook(codebook_from_theory(mcleish), tmp_path / "project.qde", PROJECT_NS)
    schema.validate(str(tmp_path / "project.qde"))


def test_codebook_round_trip(mcleish, tmp_path):
    """A .qdc written from the initial theory imports back unchanged, and twice written is byte-identical."""
    codes = codebook_from_theory(mcleish)
    write_codebook(codes, tmp_path / "a.qdc")
    write_codebook(codes, tmp_path / "b.qdc")
    back = read_qda(tmp_path / "a.qdc")
    assert back.namespace == CODEBOOK_NS and back.codes[COLUMNS].equals(codes[COLUMNS])
    assert (tmp_path / "a.qdc").read_bytes() == (tmp_path / "b.qdc").read_bytes()
    assert len(codes) == 3 + 22 + 34


@pytest.mark.parametrize("namespace", ["urn:QDA-XML:codebook:1.0", "urn:QDA-XML:codebook:1:0",
                                       "urn:QDA-XML:codebook:0:4"])
def test_three_codebook_namespaces(tmp_path, namespace):
    """Codebooks in each namespace found in the wild (Taguette writes 1:0) are read."""
    path = tmp_path / "c.qdc"
    path.write_text(f'<?xml version="1.0"?><CodeBook xmlns="{namespace}"><Codes>'
                    '<Code guid="A" name="Context" isCodable="true"><Code guid="B" name="Trust" isCodable="true">'
                    '<Description>Feeling others are safe</Description></Code></Code></Codes></CodeBook>')
    codes = read_qda(path).codes
    assert list(codes["path"]) == ["Context", "Context/Trust"] and codes.loc[1, "description"] == "Feeling others are safe"


def test_nvivo_style_internal_paths_users_and_sets(tmp_path):
    """NVivo-style internal:// source paths, users and sets are resolved."""
    project = (f'<Project xmlns="{PROJECT_NS}" origin="NVivo 14"><Users><User guid="U1" name="JM"/></Users>'
               '<CodeBook><Codes><Code guid="C1" name="Empathy" isCodable="true" color="#FF0000"/></Codes></CodeBook>'
               '<Sources><TextSource guid="S1" name="Interview 1" plainTextPath="internal://S1.txt">'
               '<PlainTextSelection guid="P1" startPosition="4" endPosition="9"><Coding guid="K1" creatingUser="U1">'
               '<CodeRef targetGUID="C1"/></Coding></PlainTextSelection></TextSource></Sources>'
               '<Sets><Set guid="T1" name="Mothers"><MemberSource targetGUID="S1"/></Set></Sets></Project>')
    result = read_qda(_qdpx(tmp_path, project, {"sources/S1.txt": "She felt heard."}))
    row = result.codings.iloc[0]
    assert (row["source"], row["text"], row["user"], row["code_name"]) == ("Interview 1", "felt ", "JM", "Empathy")
    assert result.codes.loc[0, "color"] == "#FF0000" and result.sets.to_dict("records") == [
        {"set": "Mothers", "member_type": "source", "member_id": "S1"}]


def test_inline_text_content(tmp_path):
    """A source whose text is inline (PlainTextContent) gives its excerpts too."""
    project = (f'<Project xmlns="{PROJECT_NS}"><CodeBook><Codes><Code guid="C1" name="Hope" isCodable="true"/>'
               '</Codes></CodeBook><Sources><TextSource guid="S1" name="Note"><PlainTextContent>I feel hope now'
               '</PlainTextContent><PlainTextSelection guid="P1" startPosition="7" endPosition="11"><Coding guid="K">'
               '<CodeRef targetGUID="C1"/></Coding></PlainTextSelection></TextSource></Sources></Project>')
    assert read_qda(_qdpx(tmp_path, project)).codings.loc[0, "text"] == "hope"


def test_path_escaping_member_is_refused(tmp_path):
    """A member whose path escapes the archive (zip slip) is refused."""
    path = _qdpx(tmp_path, f'<Project xmlns="{PROJECT_NS}"/>', {"../evil.txt": "x"})
    with pytest.raises(ReviewError, match="outside the archive"):
        read_qda(path)


def test_symlink_member_is_refused(tmp_path):
    """A symbolic link inside the archive is refused."""
    path = tmp_path / "link.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", f'<Project xmlns="{PROJECT_NS}"/>')
        info = zipfile.ZipInfo("sources/link.txt")
        info.external_attr = (0o120777 << 16)
        archive.writestr(info, "/etc/passwd")
    with pytest.raises(ReviewError, match="symbolic link"):
        read_qda(path)


def test_zip_bomb_is_refused(tmp_path, monkeypatch):
    """A member that expands far beyond its compressed size is refused before it is read."""

    monkeypatch.setitem(archives.LIMITS, "member_bytes", 1_000_000)
    path = _qdpx(tmp_path, f'<Project xmlns="{PROJECT_NS}"/>', {"sources/big.txt": "0" * 5_000_000})
    with pytest.raises(ReviewError, match="zip bomb"):
        read_qda(path)


def test_entity_expansion_is_refused(tmp_path):
    """A project declaring entities (billion laughs, external entities) is refused."""
    project = ('<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
               f'<Project xmlns="{PROJECT_NS}" name="&b;"/>')
    with pytest.raises(ReviewError, match="DTD"):
        read_qda(_qdpx(tmp_path, project))
    external = (f'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                f'<Project xmlns="{PROJECT_NS}" name="&x;"/>')
    with pytest.raises(ReviewError, match="DTD"):
        read_qda(_qdpx(tmp_path, external, name="e.qdpx"))


def test_not_refi_qda(tmp_path):
    """A zip without a project, XML of another kind, or broken XML get clear errors."""
    path = tmp_path / "x.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(ReviewError, match="no project.qde"):
        read_qda(path)
    (tmp_path / "o.qdc").write_text("<Other/>")
    with pytest.raises(ReviewError, match="not REFI-QDA"):
        read_qda(tmp_path / "o.qdc")
    (tmp_path / "b.qdc").write_text("<CodeBook><Codes>")
    with pytest.raises(ReviewError, match="not well-formed"):
        read_qda(tmp_path / "b.qdc")


# --- memos (Notes) and cases (Cases, Variables) --------------------------------------------------------------------

def _g(n: int) -> str:
    """A guid of the form Project.xsd requires."""
    return f"00000000-0000-4000-8000-{n:012d}"


MEMO_PROJECT = (
    f'<Project xmlns="{PROJECT_NS}" name="memos" origin="NVivo 14"><Users><User guid="{_g(1)}" name="JM"/></Users>'
    f'<CodeBook><Codes><Code guid="{_g(10)}" name="Context" isCodable="false"><Code guid="{_g(11)}" name="Trust" '
    f'isCodable="true"><Description>Feeling safe</Description><NoteRef targetGUID="{_g(50)}"/></Code></Code>'
    f'</Codes></CodeBook>'
    f'<Variables><Variable guid="{_g(30)}" name="Setting" typeOfVariable="Text"/>'
    f'<Variable guid="{_g(31)}" name="Participants" typeOfVariable="Integer"><Description>n interviewed'
    f'</Description></Variable></Variables>'
    f'<Cases><Case guid="{_g(40)}" name="Site A"><Description>Urban</Description>'
    f'<VariableValue><VariableRef targetGUID="{_g(30)}"/><TextValue>community</TextValue></VariableValue>'
    f'<VariableValue><VariableRef targetGUID="{_g(31)}"/><IntegerValue>12</IntegerValue></VariableValue>'
    f'<SourceRef targetGUID="{_g(20)}"/></Case>'
    f'<Case guid="{_g(41)}" name="Site B"><VariableValue><VariableRef targetGUID="{_g(30)}"/>'
    f'<TextValue>hospital</TextValue></VariableValue><SelectionRef targetGUID="{_g(60)}"/></Case></Cases>'
    f'<Sources><TextSource guid="{_g(20)}" name="Interview 1"><PlainTextContent>She felt heard at last.'
    f'</PlainTextContent><PlainTextSelection guid="{_g(60)}" startPosition="4" endPosition="14">'
    f'<Coding guid="{_g(70)}" creatingUser="{_g(1)}"><CodeRef targetGUID="{_g(11)}"/>'
    f'<NoteRef targetGUID="{_g(53)}"/></Coding><NoteRef targetGUID="{_g(51)}"/></PlainTextSelection>'
    f'<NoteRef targetGUID="{_g(52)}"/><VariableValue><VariableRef targetGUID="{_g(31)}"/>'
    f'<IntegerValue>3</IntegerValue></VariableValue></TextSource></Sources>'
    f'<Notes><Note guid="{_g(50)}" name="Trust memo" creatingUser="{_g(1)}" creationDateTime="2024-05-01T10:00:00Z">'
    f'<PlainTextContent>Trust comes before disclosure.</PlainTextContent></Note>'
    f'<Note guid="{_g(51)}" name="On this quote" plainTextPath="internal://{_g(51)}.txt"/>'
    f'<Note guid="{_g(52)}" name="Interview memo"><PlainTextContent>Long interview.</PlainTextContent></Note>'
    f'<Note guid="{_g(53)}" name="Why trust"><PlainTextContent>Coded as trust: she names it.</PlainTextContent></Note>'
    f'<Note guid="{_g(54)}" name="Project memo"><PlainTextContent>Round 1 done.</PlainTextContent></Note></Notes>'
    f'<NoteRef targetGUID="{_g(54)}"/></Project>')


def _memo_project(tmp_path):
    return _qdpx(tmp_path, MEMO_PROJECT, {f"sources/{_g(51)}.txt": "Heard: the mechanism?"}, name="memos.qdpx")


def test_notes_with_what_they_annotate(tmp_path):
    """Every note is read with its text (inline or in the archive) and what it annotates, and its source."""
    notes = read_qda(_memo_project(tmp_path)).notes.set_index("note_id")
    assert notes.loc[_g(50), ["about", "target_id", "user", "created"]].tolist() == [
        "code", _g(11), "JM", "2024-05-01T10:00:00Z"]
    assert notes.loc[_g(51), ["text", "about", "target_id", "source_id"]].tolist() == [
        "Heard: the mechanism?", "selection", _g(60), _g(20)]
    assert notes.loc[_g(52), "about"] == "source" and notes.loc[_g(53), "about"] == "coding"
    assert notes.loc[_g(54), ["about", "text"]].tolist() == ["project", "Round 1 done."]


def test_cases_and_variables(tmp_path):
    """Cases with their sources (directly or through a selection), variables with types, and every value."""
    project = read_qda(_memo_project(tmp_path))
    assert project.cases["source_ids"].tolist() == [[_g(20)], [_g(20)]]
    assert project.variables[["name", "type", "description"]].values.tolist() == [
        ["Setting", "Text", ""], ["Participants", "Integer", "n interviewed"]]
    assert project.values[["owner", "value"]].values.tolist() == [
        ["source", "3"], ["case", "community"], ["case", "12"], ["case", "hospital"]]


def test_project_round_trip_with_memos_and_cases(tmp_path, shared):
    """A written project validates against Project.xsd and reads back with the same tables, memos and cases."""
    import xmlschema

    schema = xmlschema.XMLSchema(str(shared / "fixtures/qdpx/Project.xsd"))
    schema.validate(MEMO_PROJECT)
    from synthesis.qda import write_project

    original = read_qda(_memo_project(tmp_path))
    write_project(original, tmp_path / "a.qdpx")
    write_project(original, tmp_path / "b.qdpx")
    schema.validate(zipfile.ZipFile(tmp_path / "a.qdpx").read("project.qde").decode())
    back = read_qda(tmp_path / "a.qdpx")
    for table in ("codes", "codings", "sources", "sets", "notes", "cases", "variables", "values"):
        assert getattr(back, table).equals(getattr(original, table)), table
    assert (back.users, back.texts, back.origin) == (original.users, original.texts, original.origin)
    assert (tmp_path / "a.qdpx").read_bytes() == (tmp_path / "b.qdpx").read_bytes()


def test_real_project_round_trip(tmp_path, shared):
    """The qc project written back holds the same codes, codings and source texts (in sources/)."""
    from synthesis.qda import write_project

    original = read_qda(shared / "fixtures/qdpx/qc-demo.qdpx")
    write_project(original, tmp_path / "qc.qdpx")
    back = read_qda(tmp_path / "qc.qdpx")
    assert back.codes.equals(original.codes) and back.codings.equals(original.codings)
    assert back.sources.equals(original.sources) and len(back.texts) == 2
    assert sorted(zipfile.ZipFile(tmp_path / "qc.qdpx").namelist()) == [
        "project.qde", "sources/admin-1.txt", "sources/board_2017.txt"]


def test_memo_and_case_tables_in_the_review_layout(tmp_path):
    """Memos and case values come out in coding/memos.csv and coding/cases.csv layout, a source on every row."""
    from synthesis.qda import case_table, memo_table
    from synthesis.schemas import schema_for

    project = read_qda(_memo_project(tmp_path))
    memos = memo_table(project, "memos.qdpx")
    assert list(memos.columns) == schema_for("coding/memos.csv").columns
    by_title = memos.set_index("title")
    assert by_title.loc["Trust memo", ["about", "node", "document"]].tolist() == ["node", "Context/Trust", ""]
    assert by_title.loc["Why trust", ["about", "node", "document"]].tolist() == ["coding", "Context/Trust",
                                                                                 "Interview 1"]
    assert by_title.loc["On this quote", ["about", "document", "excerpt"]].tolist() == ["excerpt", "Interview 1",
                                                                                        _g(60)]
    assert by_title.loc["Project memo", "source"] == f"memos.qdpx, note {_g(54)}"
    cases = case_table(project, "memos.qdpx")
    assert list(cases.columns) == schema_for("coding/cases.csv").columns
    assert cases[["case_id", "label", "documents", "variable", "value", "type"]].values.tolist() == [
        ["S001", "Interview 1", "Interview 1", "Participants", "3", "integer"],
        ["C001", "Site A", "Interview 1", "Setting", "community", "text"],
        ["C001", "Site A", "Interview 1", "Participants", "12", "integer"],
        ["C002", "Site B", "Interview 1", "Setting", "hospital", "text"]]


def test_qda_command_writes_memos_and_cases(tmp_path, capsys):
    """`synthesis qda` writes memos.csv and cases.csv beside codes.csv and codings.csv and counts them."""
    from synthesis.cli import main

    assert main(["qda", str(_memo_project(tmp_path)), "-o", str(tmp_path / "out")]) == 0
    assert "5 memos, 2 cases with 4 values" in capsys.readouterr().out
    assert (tmp_path / "out/memos.csv").read_text().count("memos.qdpx, note") == 5
    assert (tmp_path / "out/cases.csv").read_text().startswith("case_id,label,documents,units,variable,value,type")


def _with_memos_and_cases(review_copy, memos: list[str], cases: list[str]):
    from synthesis import load_review

    folder = review_copy("peer-relationship-appear")
    (folder / "coding" / "memos.csv").write_text(
        "\n".join(["memo_id,title,about,node,document,excerpt,text,coder,date,source"] + memos) + "\n")
    (folder / "coding" / "cases.csv").write_text(
        "\n".join(["case_id,label,documents,units,variable,value,type,description,source"] + cases) + "\n")
    return folder, load_review


def test_memos_for_nodes_and_documents(review_copy):
    """The memos about a node, an excerpt, or a document (its excerpts and codings too), in file order."""
    from synthesis.qda import memos_for

    folder, load = _with_memos_and_cases(review_copy, [
        "M1,Trust,node,,,,Trust comes first,JM,,test", "M2,Quote,excerpt,,barr2020,X00001,A telling quote,JM,,test",
        "M3,Study,document,,tse2017,,Long interviews,JM,,test", "M4,,project,,,,Round 1 done,JM,,test"], [])
    nodes = load(folder).table("coding/nodes.csv")
    node = nodes["node_id"].iloc[0]
    (folder / "coding" / "memos.csv").write_text((folder / "coding" / "memos.csv").read_text().replace(
        "M1,Trust,node,,", f"M1,Trust,node,{node},"))
    review = load(folder)
    assert memos_for(review, nodes=[node])["memo_id"].tolist() == ["M1"]
    assert memos_for(review, nodes=[node], documents=["barr2020"])["memo_id"].tolist() == ["M1", "M2"]
    assert memos_for(review, documents=["tse2017"]).loc[0, "text"] == "Long interviews"
    assert memos_for(review, excerpts=["X00001"])["memo_id"].tolist() == ["M2"]
    assert memos_for(review, documents=["nobody"]).empty


def test_case_attributes_for_subgroups(review_copy):
    """Case variables become one column per variable beside every document; gaps stay empty, two values a list."""
    from synthesis.qda import case_attributes

    folder, load = _with_memos_and_cases(review_copy, [], [
        "C1,Site A,barr2020;tse2017,,setting,community,text,,test", "C1,Site A,barr2020;tse2017,,size,12,integer,,test",
        "C2,Site B,barr2020,,setting,hospital,text,,test"])
    attributes = case_attributes(load(folder)).set_index("study_id")
    assert list(attributes.columns) == ["setting", "size"]
    assert attributes.at["barr2020", "setting"] == ["community", "hospital"]
    assert attributes.at["tse2017", "size"] == ["12"] and attributes.at["gidugu2015", "setting"] is None


def test_a_case_gives_a_variable_once(review_copy):
    """A case naming one variable twice in coding/cases.csv is a located problem; an unknown document too."""
    from synthesis.review import check_review

    folder, _ = _with_memos_and_cases(review_copy, ["M1,,document,,nobody,,Text,JM,,test"], [
        "C1,Site A,barr2020,,setting,community,text,,test", "C1,Site A,barr2020,,setting,hospital,text,,test"])
    problems = [(p.line, p.field, p.message) for p in check_review(folder) if "coding/" in p.file]
    assert (3, "variable", "case 'C1' already has 'setting' on line 2") in problems
    assert (2, "document", "'nobody' is not an id in studies.csv") in problems


_WORDS = "abcdefghij ÄéŒ’“”&<>"


@st.composite
def _projects(draw):
    """A random project: codes, text sources with coded selections, notes about any of them, cases and variables."""
    import pandas as pd

    from synthesis.qda import QdaProject

    text = st.text(alphabet=_WORDS, min_size=1, max_size=20).map(str.strip).filter(bool)
    n_codes, n_sources = draw(st.integers(1, 4)), draw(st.integers(1, 3))
    codes = pd.DataFrame([{"code_id": _g(100 + i), "name": draw(text), "parent_id": "", "path": "", "codable": True,
                           "description": draw(st.sampled_from(["", "described"])), "color": ""}
                          for i in range(n_codes)])
    codes["path"] = codes["name"]
    texts = {_g(200 + i): draw(st.text(alphabet=_WORDS, min_size=10, max_size=40)) for i in range(n_sources)}
    sources = pd.DataFrame([{"source_id": s, "name": f"Source {i}", "path": "", "characters": len(t) or None}
                            for i, (s, t) in enumerate(texts.items())])
    codings = []
    for number in range(draw(st.integers(0, 4))):
        source_id = _g(200 + draw(st.integers(0, n_sources - 1)))
        start = draw(st.integers(0, 5))
        code = draw(st.integers(0, n_codes - 1))
        codings.append({"source": sources.set_index("source_id").at[source_id, "name"],
                        "selection_id": _g(300 + number), "code_id": _g(100 + code),
                        "code_name": codes.at[code, "name"], "start": start, "end": start + 4,
                        "text": texts[source_id][start:start + 4], "user": "JM", "source_id": source_id,
                        "coding_id": _g(400 + number)})
    codings.sort(key=lambda c: c["source_id"])  # a project lists the selections source by source
    codings = pd.DataFrame(codings, columns=["source", "selection_id", "code_id", "code_name", "start", "end", "text",
                                             "user", "source_id", "coding_id"])
    targets = [("project", "", "")] + [("code", c, "") for c in codes["code_id"]] + \
        [("source", s, s) for s in sources["source_id"]] + \
        [("selection", c["selection_id"], c["source_id"]) for c in codings.to_dict("records")] + \
        [("coding", c["coding_id"], c["source_id"]) for c in codings.to_dict("records")]
    notes = []
    for number in range(draw(st.integers(0, 4))):
        about, target, source_id = draw(st.sampled_from(targets))
        notes.append({"note_id": _g(500 + number), "name": draw(text), "text": draw(text), "user": "JM",
                      "created": "", "about": about, "target_id": target, "source_id": source_id})
    types = ["Text", "Integer", "Boolean"]
    variables = pd.DataFrame([{"variable_id": _g(600 + i), "name": f"V{i}", "type": types[i], "description": ""}
                              for i in range(3)])
    cases = pd.DataFrame([{"case_id": _g(700 + i), "name": draw(text), "description": "",
                           "source_ids": sorted(draw(st.sets(st.sampled_from(list(texts)))))}
                          for i in range(draw(st.integers(0, 3)))], columns=["case_id", "name", "description",
                                                                               "source_ids"])
    owners = [("case", c) for c in cases["case_id"]] + [("source", s) for s in sources["source_id"]]
    values = []
    for owner, owner_id in owners:
        for i in sorted(draw(st.sets(st.integers(0, 2)))):
            value = draw([text, st.integers(-5, 50).map(str), st.sampled_from(["true", "false"])][i])
            values.append({"owner_id": owner_id, "owner": owner, "variable_id": _g(600 + i), "value": value})
    # The reader lists the values of sources first, then those of cases.
    values = pd.DataFrame(sorted(values, key=lambda v: v["owner"] == "case"),
                          columns=["owner_id", "owner", "variable_id", "value"])
    return QdaProject(codes, codings, sources, {_g(1): "JM"}, namespace=PROJECT_NS, origin="hypothesis",
                      notes=pd.DataFrame(notes, columns=["note_id", "name", "text", "user", "created", "about",
                                                         "target_id", "source_id"]),
                      cases=cases, variables=variables, values=values, texts=texts)


@settings(max_examples=30, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(project=_projects())
def test_memos_and_cases_survive_a_round_trip(tmp_path, project):
    """Any project of notes, cases and variable values written as .qdpx reads back with the same memos and cases."""
    from synthesis.qda import case_table, memo_table, write_project

    path = tmp_path / "p.qdpx"
    write_project(project, path)
    back = read_qda(path)
    assert memo_table(back, "p").equals(memo_table(project, "p"))
    assert case_table(back, "p").equals(case_table(project, "p"))
    for table in ("notes", "cases", "values", "codings"):
        assert getattr(back, table).reset_index(drop=True).astype(object).equals(
            getattr(project, table).reset_index(drop=True).astype(object)), table
