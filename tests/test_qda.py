"""Tests for synthesis.qda (REFI-QDA projects and codebooks)."""

import zipfile

import pytest

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
