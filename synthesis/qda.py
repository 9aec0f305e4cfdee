"""REFI-QDA exchange files: ``.qdpx`` projects and ``.qdc`` codebooks from NVivo, ATLAS.ti, MAXQDA, QualCoder,
Taguette and qc, read as untrusted input; and the initial theory written as a ``.qdc`` codebook.

A ``.qdpx`` is a zip holding ``project.qde`` (XML, namespace ``urn:QDA-XML:project:1.0``) and ``sources/``. A
``.qdc`` is a standalone codebook (``urn:QDA-XML:codebook:1.0``; files in the wild also carry ``1:0`` and ``0:4``).
Archives are read in memory, never extracted: member count and sizes are limited, paths that escape the archive
and symbolic links are refused, and XML is parsed without DTDs, so entity expansion and external entities fail.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from xml.etree.ElementTree import Element, SubElement, tostring

import pandas as pd
from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from synthesis.archives import open_archive, read_member
from synthesis.errors import ReviewError
from synthesis.review import Review

__all__ = ["QdaProject", "read_qda", "codebook_from_theory", "write_codebook", "PROJECT_NS", "CODEBOOK_NS"]

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
_CODEBOOK_NAMESPACES = {"urn:QDA-XML:codebook:1.0", "urn:QDA-XML:codebook:1:0", "urn:QDA-XML:codebook:0:4"}

#: Limits for untrusted archives: members, one member's size, all members' size, compression ratio.
_CODE_COLUMNS = ["code_id", "name", "parent_id", "path", "codable", "description", "color"]
_CODING_COLUMNS = ["source", "selection_id", "code_id", "code_name", "start", "end", "text", "user"]


@dataclass
class QdaProject:
    """What a REFI-QDA file holds, as tables.

    Attributes
    ----------
    codes : DataFrame
        ``code_id`` (guid), ``name``, ``parent_id`` (empty for a top-level code), ``path`` (names from the top,
        joined with ``/``), ``codable``, ``description``, ``color``.
    codings : DataFrame
        One row per coding of a text selection: ``source``, ``selection_id``, ``code_id``, ``code_name``,
        ``start``, ``end`` (character positions), ``text`` (cut from the source), ``user``.
    sources : DataFrame
        ``source_id``, ``name``, ``path``, ``characters`` (None where the text is not in the file).
    users : dict
        guid -> name.
    sets : DataFrame
        ``set``, ``member_type`` (code or source), ``member_id``.
    namespace : str
    origin : str
        The tool that wrote the file, where it says.
    """

    codes: pd.DataFrame
    codings: pd.DataFrame
    sources: pd.DataFrame = field(default_factory=pd.DataFrame)
    users: dict = field(default_factory=dict)
    sets: pd.DataFrame = field(default_factory=pd.DataFrame)
    namespace: str = ""
    origin: str = ""


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _namespace(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def _children(element, name: str):
    return [child for child in element if _local(child.tag) == name]


def _child(element, name: str):
    return next(iter(_children(element, name)), None)


def _parse_xml(data: bytes, where: str):
    try:
        return ElementTree.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise ReviewError(where, f"refused: the XML declares a DTD or entities ({type(exc).__name__})", field="xml",
                          hint="REFI-QDA files need no DTD; a file with one may be an entity-expansion attack") from None
    except ElementTree.ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        raise ReviewError(where, f"not well-formed XML: {exc}", line=line, field="xml",
                          hint="export the project again from the QDA program") from None


def _read_archive(path: Path) -> tuple[bytes, dict[str, bytes]]:
    """project.qde and the text sources of a .qdpx, read in memory within :data:`synthesis.archives.LIMITS`."""
    with open_archive(path, "REFI-QDA project (.qdpx)") as archive:
        members = archive.infolist()
        names = {m.filename: m for m in members}
        project = next((n for n in names if n.lower().endswith(".qde")), None)
        if project is None:
            raise ReviewError(path, "no project.qde in the archive", field="member",
                              hint="is this a REFI-QDA project export?")
        texts = {PurePosixPath(name).name: read_member(path, archive, member) for name, member in names.items()
                 if name.lower().endswith(".txt")}
        return read_member(path, archive, names[project]), texts


def _codes(codebook, codes_out: list[dict]) -> None:
    def walk(parent, parent_id: str, parent_path: str) -> None:
        for code in _children(parent, "Code"):
            guid = code.get("guid") or ""
            name = code.get("name") or ""
            description = _child(code, "Description")
            code_path = f"{parent_path}/{name}" if parent_path else name
            codes_out.append({"code_id": guid, "name": name, "parent_id": parent_id, "path": code_path,
                              "codable": (code.get("isCodable") or "true").lower() == "true",
                              "description": (description.text or "").strip() if description is not None else "",
                              "color": code.get("color") or ""})
            walk(code, guid, code_path)

    codes_parent = _child(codebook, "Codes")
    walk(codes_parent if codes_parent is not None else codebook, "", "")


def _source_text(source, texts: dict[str, bytes]) -> str | None:
    content = _child(source, "PlainTextContent")
    if content is not None and content.text is not None:
        return content.text
    if source.get("plainTextContent"):
        return source.get("plainTextContent")
    path = source.get("plainTextPath") or ""
    name = PurePosixPath(path.replace("internal://", "").replace("relative://", "")).name
    data = texts.get(name)
    if data is None:
        return None
    return data.decode("utf-8-sig", errors="replace")


def read_qda(path: str | Path) -> QdaProject:
    """Read a ``.qdpx`` project or a ``.qdc`` codebook.

    Raises
    ------
    ReviewError
        For a file that is not REFI-QDA, is malformed, or is refused as unsafe; the message says which.
    """
    path = Path(path)
    if not path.is_file():
        raise ReviewError(path, "no such file", field="file", hint="check the path")
    with path.open("rb") as handle:
        is_zip = handle.read(2) == b"PK"
    if is_zip or path.suffix.lower() == ".qdpx":
        project_xml, texts = _read_archive(path)
    else:
        project_xml, texts = path.read_bytes(), {}
    root = _parse_xml(project_xml, str(path))
    namespace, kind = _namespace(root.tag), _local(root.tag)
    if kind == "CodeBook" and namespace in _CODEBOOK_NAMESPACES | {PROJECT_NS}:
        codebook = root
    elif kind == "Project" and namespace == PROJECT_NS:
        codebook = _child(root, "CodeBook")
    else:
        raise ReviewError(path, f"root element {kind!r} in namespace {namespace!r} is not REFI-QDA", field="root",
                          hint="expected Project (urn:QDA-XML:project:1.0) or CodeBook (urn:QDA-XML:codebook:1.0)")
    codes: list[dict] = []
    if codebook is not None:
        _codes(codebook, codes)
    code_table = pd.DataFrame(codes, columns=_CODE_COLUMNS)
    names = dict(zip(code_table["code_id"], code_table["name"]))
    users = {u.get("guid"): u.get("name", "") for users in _children(root, "Users") for u in _children(users, "User")}
    codings, sources = [], []
    for sources_node in _children(root, "Sources"):
        for source in sources_node:
            source_name = source.get("name") or source.get("plainTextPath") or source.get("guid")
            text = _source_text(source, texts) if _local(source.tag) == "TextSource" else None
            sources.append({"source_id": source.get("guid"), "name": source_name,
                            "path": source.get("plainTextPath") or "", "characters": len(text) if text else None})
            for selection in _children(source, "PlainTextSelection"):
                start, end = int(selection.get("startPosition", 0)), int(selection.get("endPosition", 0))
                excerpt = text[start:end] if text is not None and 0 <= start <= end <= len(text) else ""
                for coding in _children(selection, "Coding"):
                    for ref in _children(coding, "CodeRef"):
                        target = ref.get("targetGUID")
                        codings.append({"source": source_name, "selection_id": selection.get("guid"),
                                        "code_id": target, "code_name": names.get(target, ""), "start": start,
                                        "end": end, "text": excerpt,
                                        "user": users.get(coding.get("creatingUser"), coding.get("creatingUser", ""))})
    sets = [{"set": s.get("name"), "member_type": "code" if _local(m.tag) == "MemberCode" else "source",
             "member_id": m.get("targetGUID")}
            for sets_node in _children(root, "Sets") for s in _children(sets_node, "Set") for m in s]
    return QdaProject(code_table, pd.DataFrame(codings, columns=_CODING_COLUMNS),
                      pd.DataFrame(sources, columns=["source_id", "name", "path", "characters"]), users,
                      pd.DataFrame(sets, columns=["set", "member_type", "member_id"]), namespace,
                      root.get("origin", ""))


def _guid(review_slug: str, item: str) -> str:
    """A guid fixed by the review and item, so a codebook written twice is identical."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"synthesis:{review_slug}:{item}")).upper()


def codebook_from_theory(review: Review) -> pd.DataFrame:
    """The initial theory as a code tree: areas, their topics, and under each topic its theories.

    A theory's description carries its statement and its published contexts, mechanisms and outcomes, so coders
    see what each node means.
    """
    from synthesis.theory import theory_table

    initial = review.document("theory/initial.yml") or {}
    table = theory_table(review)
    rows = []
    for area in initial.get("areas") or []:
        area_id = _guid(review.slug, f"area:{area['id']}")
        rows.append({"code_id": area_id, "name": area["label"], "parent_id": "", "path": area["label"],
                     "codable": False, "description": f"Area {area['id']}", "color": ""})
        for topic in (t for t in initial.get("topics") or [] if t["area"] == area["id"]):
            topic_id = _guid(review.slug, f"topic:{topic['id']}")
            rows.append({"code_id": topic_id, "name": topic["label"], "parent_id": area_id,
                         "path": f"{area['label']}/{topic['label']}", "codable": True,
                         "description": f"Topic {topic['id']}", "color": ""})
            for theory in table[table["topic"] == topic["id"]].to_dict("records"):
                parts = [theory["statement"]] + [f"{kind}: {'; '.join(theory[kind])}" for kind in
                                                  ("contexts", "mechanisms", "outcomes") if theory[kind]]
                name = f"Theory {theory['label']}"
                rows.append({"code_id": _guid(review.slug, f"theory:{theory['id']}"), "name": name,
                             "parent_id": topic_id, "path": f"{area['label']}/{topic['label']}/{name}",
                             "codable": True, "description": " | ".join(p for p in parts if p), "color": ""})
    return pd.DataFrame(rows, columns=_CODE_COLUMNS)


def write_codebook(codes: pd.DataFrame, path: str | Path, namespace: str = CODEBOOK_NS, origin: str = "synthesis"
                   ) -> None:
    """Write a code tree (the columns of :attr:`QdaProject.codes`) as a REFI-QDA codebook.

    With ``namespace=CODEBOOK_NS`` the file is a ``.qdc``; with :data:`PROJECT_NS` it is a ``project.qde`` with
    only a codebook, which validates against the REFI-QDA ``Project.xsd``.
    """
    from synthesis.outputs import write_text_atomic

    if namespace == PROJECT_NS:
        root = Element("Project", {"xmlns": PROJECT_NS, "name": "synthesis codebook", "origin": origin})
        parent = SubElement(SubElement(root, "CodeBook"), "Codes")
    else:
        root = Element("CodeBook", {"xmlns": namespace, "origin": origin})
        parent = SubElement(root, "Codes")
    elements = {"": parent}
    for code in codes.to_dict("records"):
        attributes = {"guid": code["code_id"], "name": code["name"], "isCodable": str(bool(code["codable"])).lower()}
        if code.get("color"):
            attributes["color"] = code["color"]
        element = SubElement(elements[code["parent_id"] or ""], "Code", attributes)
        if code.get("description"):
            SubElement(element, "Description").text = code["description"]
        elements[code["code_id"]] = element
    text = tostring(root, encoding="unicode", xml_declaration=False)
    write_text_atomic(Path(path), '<?xml version="1.0" encoding="utf-8"?>\n' + text + "\n")
