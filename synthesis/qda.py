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

__all__ = ["QdaProject", "read_qda", "codebook_from_theory", "write_codebook", "write_project", "memo_table",
           "case_table", "memos_for", "case_attributes", "PROJECT_NS", "CODEBOOK_NS"]

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
_CODEBOOK_NAMESPACES = {"urn:QDA-XML:codebook:1.0", "urn:QDA-XML:codebook:1:0", "urn:QDA-XML:codebook:0:4"}

_CODE_COLUMNS = ["code_id", "name", "parent_id", "path", "codable", "description", "color"]
_CODING_COLUMNS = ["source", "selection_id", "code_id", "code_name", "start", "end", "text", "user", "source_id",
                   "coding_id"]
_SOURCE_COLUMNS = ["source_id", "name", "path", "characters"]
_NOTE_COLUMNS = ["note_id", "name", "text", "user", "created", "about", "target_id", "source_id"]
_CASE_COLUMNS = ["case_id", "name", "description", "source_ids"]
_VARIABLE_COLUMNS = ["variable_id", "name", "type", "description"]
_VALUE_COLUMNS = ["owner_id", "owner", "variable_id", "value"]
#: Elements a ``<NoteRef>`` can sit in, and what the note is then about.
_ANNOTATED = {"Project": "project", "Code": "code", "TextSource": "source", "PictureSource": "source",
              "PDFSource": "source", "AudioSource": "source", "VideoSource": "source",
              "PlainTextSelection": "selection",
              "PictureSelection": "selection", "PDFSelection": "selection", "AudioSelection": "selection",
              "VideoSelection": "selection", "TranscriptSelection": "selection", "Coding": "coding", "Link": "link",
              "Set": "set", "Graph": "graph"}
#: REFI-QDA variable types and the element holding a value of each.
_VALUE_ELEMENTS = {"Text": "TextValue", "Boolean": "BooleanValue", "Integer": "IntegerValue", "Float": "FloatValue",
                   "Date": "DateValue", "DateTime": "DateTimeValue"}


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
    notes : DataFrame
        The memos (``<Notes>``), one row per note and thing it annotates: ``note_id``, ``name``, ``text``,
        ``user``, ``created``, ``about`` (project, code, source, selection, coding, case, link, set, graph, or
        empty for a note nothing refers to) and ``target_id`` (the guid of what it annotates).
    cases : DataFrame
        ``case_id``, ``name``, ``description``, ``source_ids`` (list: the sources the case covers, directly or
        through a selection).
    variables : DataFrame
        The variable definitions: ``variable_id``, ``name``, ``type`` (Text, Boolean, Integer, Float, Date,
        DateTime), ``description``.
    values : DataFrame
        Variable values: ``owner_id`` (a case's or a source's guid), ``owner`` (case or source),
        ``variable_id``, ``value`` (as written in the file).
    texts : dict
        source guid -> its plain text, where the file holds it.
    """

    codes: pd.DataFrame
    codings: pd.DataFrame
    sources: pd.DataFrame = field(default_factory=pd.DataFrame)
    users: dict = field(default_factory=dict)
    sets: pd.DataFrame = field(default_factory=pd.DataFrame)
    namespace: str = ""
    origin: str = ""
    notes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=_NOTE_COLUMNS))
    cases: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=_CASE_COLUMNS))
    variables: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=_VARIABLE_COLUMNS))
    values: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=_VALUE_COLUMNS))
    texts: dict = field(default_factory=dict)


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
    root, texts = _project_root(path)
    namespace = _namespace(root.tag)
    codes: list[dict] = []
    codebook = _codebook(root, path)
    if codebook is not None:
        _codes(codebook, codes)
    code_table = pd.DataFrame(codes, columns=_CODE_COLUMNS)
    users = {u.get("guid"): u.get("name", "") for users in _children(root, "Users") for u in _children(users, "User")}
    sources, codings, source_texts, source_values = _sources(root, texts, dict(zip(code_table["code_id"],
                                                                                   code_table["name"])), users, path)
    cases, case_values = _cases(root, path)
    return QdaProject(code_table, pd.DataFrame(codings, columns=_CODING_COLUMNS),
                      pd.DataFrame(sources, columns=_SOURCE_COLUMNS), users,
                      pd.DataFrame(_sets(root), columns=["set", "member_type", "member_id"]), namespace,
                      root.get("origin", ""), _notes(root, texts, users),
                      pd.DataFrame(cases, columns=_CASE_COLUMNS), pd.DataFrame(_variables(root, path),
                                                                               columns=_VARIABLE_COLUMNS),
                      pd.DataFrame(source_values + case_values, columns=_VALUE_COLUMNS), source_texts)


def _project_root(path: Path) -> tuple:
    """The root element of a project (a ``.qdpx`` archive, or its bare XML) or codebook, and the archive's texts."""
    if not path.is_file():
        raise ReviewError(path, "no such file", field="file", hint="check the path")
    with path.open("rb") as handle:
        is_zip = handle.read(2) == b"PK"
    if is_zip or path.suffix.lower() == ".qdpx":
        project_xml, texts = _read_archive(path)
    else:
        project_xml, texts = path.read_bytes(), {}
    return _parse_xml(project_xml, str(path)), texts


def _codebook(root, path: Path):
    """The codebook element: the root of a ``.qdc``, a child of a project's root (None if it has none)."""
    namespace, kind = _namespace(root.tag), _local(root.tag)
    if kind == "CodeBook" and namespace in _CODEBOOK_NAMESPACES | {PROJECT_NS}:
        return root
    if kind == "Project" and namespace == PROJECT_NS:
        return _child(root, "CodeBook")
    raise ReviewError(path, f"root element {kind!r} in namespace {namespace!r} is not REFI-QDA", field="root",
                      hint="expected Project (urn:QDA-XML:project:1.0) or CodeBook (urn:QDA-XML:codebook:1.0)")


def _sources(root, texts: dict[str, bytes], code_names: dict[str, str], users: dict,
             path: Path) -> tuple[list[dict], list[dict], dict[str, str], list[dict]]:
    """The project's sources, the codings of their text selections, each text source's text, their variable
    values."""
    sources, codings, source_texts, values = [], [], {}, []
    for sources_node in _children(root, "Sources"):
        for source in sources_node:
            source_id = source.get("guid")
            source_name = source.get("name") or source.get("plainTextPath") or source_id
            text = _source_text(source, texts) if _local(source.tag) == "TextSource" else None
            if text is not None:
                source_texts[source_id] = text
            sources.append({"source_id": source_id, "name": source_name,
                            "path": source.get("plainTextPath") or "", "characters": len(text) if text else None})
            values += _values(source, source_id, "source", path)
            for selection in _children(source, "PlainTextSelection"):
                start, end = _position(selection, "startPosition", path), _position(selection, "endPosition", path)
                excerpt = text[start:end] if text is not None and 0 <= start <= end <= len(text) else ""
                for coding in _children(selection, "Coding"):
                    for ref in _children(coding, "CodeRef"):
                        target = ref.get("targetGUID")
                        codings.append({"source": source_name, "selection_id": selection.get("guid"),
                                        "code_id": target, "code_name": code_names.get(target, ""), "start": start,
                                        "end": end, "text": excerpt,
                                        "user": users.get(coding.get("creatingUser"), coding.get("creatingUser", "")),
                                        "source_id": source_id, "coding_id": coding.get("guid") or ""})
    return sources, codings, source_texts, values


def _sets(root) -> list[dict]:
    """One row per member (code, source or note) of each set."""
    members = {"MemberCode": "code", "MemberSource": "source", "MemberNote": "note"}
    return [{"set": s.get("name"), "member_type": members[_local(m.tag)], "member_id": m.get("targetGUID")}
            for sets_node in _children(root, "Sets") for s in _children(sets_node, "Set") for m in s
            if _local(m.tag) in members]


def _cases(root, path: Path) -> tuple[list[dict], list[dict]]:
    """The cases with the sources each holds (named directly, or through a selection of theirs), and their
    variable values."""
    cases, values = [], []
    for cases_node in _children(root, "Cases"):
        for case in _children(cases_node, "Case"):
            description = _child(case, "Description")
            cases.append({"case_id": case.get("guid"), "name": case.get("name") or "",
                          "description": (description.text or "").strip() if description is not None else "",
                          "source_ids": list(dict.fromkeys(r.get("targetGUID") for r in _children(case, "SourceRef")))})
            values += _values(case, case.get("guid"), "case", path)
    selection_sources = {selection.get("guid"): source.get("guid") for sources_node in _children(root, "Sources")
                         for source in sources_node for selection in source
                         if _local(selection.tag).endswith("Selection")}
    for case, element in zip(cases, (c for n in _children(root, "Cases") for c in _children(n, "Case"))):
        through = [selection_sources.get(r.get("targetGUID")) for r in _children(element, "SelectionRef")]
        case["source_ids"] = list(dict.fromkeys(case["source_ids"] + [s for s in through if s]))
    return cases, values


def _variables(root, path: Path) -> list[dict]:
    """The project's variables with their types (an unknown type is an error)."""
    return [{"variable_id": v.get("guid"), "name": v.get("name") or "", "type": _variable_type(v, path),
             "description": (_child(v, "Description").text or "").strip() if _child(v, "Description") is not None
             else ""} for node in _children(root, "Variables") for v in _children(node, "Variable")]


def _variable_type(variable, path: Path) -> str:
    kind = variable.get("typeOfVariable") or "Text"
    if kind not in _VALUE_ELEMENTS:
        raise ReviewError(path, f"variable {variable.get('name')!r} has the type {kind!r}", field="typeOfVariable",
                          hint="REFI-QDA variable types are " + ", ".join(_VALUE_ELEMENTS))
    return kind


def _position(selection, name: str, path: Path) -> int:
    """A selection's character position, which must be a whole number of at least 0."""
    value = selection.get(name, "0")
    try:
        position = int(value)
    except ValueError:
        position = -1
    if position < 0:
        raise ReviewError(path, f"selection {selection.get('guid')} has {name} {value!r}", field=name,
                          hint="a position is a whole number of characters from the start of the source; "
                               "export the project again")
    return position


def _values(owner, owner_id: str, kind: str, path: Path) -> list[dict]:
    """The ``<VariableValue>`` children of a case or a source, each value as the file writes it."""
    rows = []
    for value in _children(owner, "VariableValue"):
        ref = _child(value, "VariableRef")
        if ref is None or not ref.get("targetGUID"):
            raise ReviewError(path, f"a variable value of {kind} {owner_id} names no variable", field="VariableRef",
                              hint="each VariableValue starts with <VariableRef targetGUID=...> naming a Variable")
        held = next((child for child in value if _local(child.tag) != "VariableRef"), None)
        rows.append({"owner_id": owner_id, "owner": kind, "variable_id": ref.get("targetGUID"),
                     "value": (held.text or "").strip() if held is not None else ""})
    return rows


def _notes(root, texts: dict[str, bytes], users: dict) -> pd.DataFrame:
    """One row per note and element that refers to it (``<NoteRef>``); a note nothing refers to gets one row."""
    annotated: dict[str, list[tuple[str, str, str]]] = {}

    def visit(element, source_id: str) -> None:
        kind = _ANNOTATED.get(_local(element.tag))
        if kind == "source":
            source_id = element.get("guid") or ""
        if kind is not None:
            for ref in _children(element, "NoteRef"):
                annotated.setdefault(ref.get("targetGUID"), []).append(
                    (kind, element.get("guid") or "", source_id if kind in ("source", "selection", "coding") else ""))
        for child in element:
            visit(child, source_id)

    visit(root, "")
    rows = []
    for notes_node in _children(root, "Notes"):
        for note in _children(notes_node, "Note"):
            guid = note.get("guid")
            base = {"note_id": guid, "name": note.get("name") or "", "text": _source_text(note, texts) or "",
                    "user": users.get(note.get("creatingUser"), note.get("creatingUser") or ""),
                    "created": note.get("creationDateTime") or ""}
            for about, target, source_id in annotated.get(guid) or [("", "", "")]:
                rows.append(base | {"about": about, "target_id": target, "source_id": source_id})
    return pd.DataFrame(rows, columns=_NOTE_COLUMNS)


def _guid(review_slug: str, item: str) -> str:
    """A guid fixed by the review and item, so a codebook written twice is identical."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"synthesis:{review_slug}:{item}")).upper()


def codebook_from_theory(review: Review) -> pd.DataFrame:
    """The initial theory as a code tree: areas, their topics, and under each topic its theories.

    A theory's description carries its statement and its published contexts, mechanisms and outcomes, so coders
    see what each node means.
    """
    from synthesis.initial_theory import theory_table

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
    _code_elements(codes, parent, {})
    text = tostring(root, encoding="unicode", xml_declaration=False)
    write_text_atomic(Path(path), '<?xml version="1.0" encoding="utf-8"?>\n' + text + "\n")


def _code_elements(codes: pd.DataFrame, parent: Element, note_refs: dict[str, list[str]]) -> None:
    """``<Code>`` elements for a code tree (parents listed before their children) under ``parent``."""
    elements = {"": parent}
    for code in codes.to_dict("records"):
        attributes = {"guid": code["code_id"], "name": code["name"], "isCodable": str(bool(code["codable"])).lower()}
        if code.get("color"):
            attributes["color"] = code["color"]
        element = SubElement(elements[code["parent_id"] or ""], "Code", attributes)
        if code.get("description"):
            SubElement(element, "Description").text = code["description"]
        _note_refs(element, note_refs, code["code_id"])
        elements[code["code_id"]] = element


def _note_refs(element: Element, note_refs: dict[str, list[str]], target: str) -> None:
    for note in note_refs.get(target, []):
        SubElement(element, "NoteRef", {"targetGUID": note})


def _variable_values(element: Element, values: pd.DataFrame, owner_id: str, types: dict[str, str]) -> None:
    for value in values[values["owner_id"] == owner_id].to_dict("records"):
        holder = SubElement(element, "VariableValue")
        SubElement(holder, "VariableRef", {"targetGUID": value["variable_id"]})
        kind = types.get(value["variable_id"], "Text")
        SubElement(holder, _VALUE_ELEMENTS.get(kind, "TextValue")).text = value["value"]


def write_project(project: QdaProject, path: str | Path, name: str = "synthesis project") -> None:
    """Write a whole project as a REFI-QDA ``.qdpx``: users, codes, variables, cases, text sources with their coded
    selections, notes (memos) with what each annotates, and sets; it validates against ``Project.xsd``.

    Reading the file back with :func:`read_qda` gives the same tables. Source texts go into the archive under
    ``sources/`` when the source names a ``plainTextPath``, and into the XML otherwise. A memo on a selection
    that nothing is coded to has no place to go (the tables keep only coded selections) and is not written.
    """
    from synthesis.outputs import write_bytes_atomic

    root = Element("Project", {"xmlns": PROJECT_NS, "name": name, "origin": project.origin or "synthesis"})
    notes = project.notes.fillna("")
    note_refs: dict[str, list[str]] = {}
    for note in notes[notes["about"] != ""].to_dict("records"):
        note_refs.setdefault(note["target_id"], []).append(note["note_id"])
    user_ids = {user: guid for guid, user in project.users.items()}
    if project.users:
        users = SubElement(root, "Users")
        for guid, user in project.users.items():
            SubElement(users, "User", {"guid": guid, "name": user})
    if not project.codes.empty:
        _code_elements(project.codes, SubElement(SubElement(root, "CodeBook"), "Codes"), note_refs)
    types = dict(zip(project.variables["variable_id"], project.variables["type"]))
    _variable_elements(root, project.variables)
    _case_elements(root, project, types)
    members = _source_elements(root, project, note_refs, user_ids, types)
    _note_elements(root, notes, user_ids)
    _set_elements(root, project.sets, name)
    for note in notes[notes["about"] == "project"].to_dict("records"):
        SubElement(root, "NoteRef", {"targetGUID": note["note_id"]})
    xml = '<?xml version="1.0" encoding="utf-8"?>\n' + tostring(root, encoding="unicode") + "\n"
    write_bytes_atomic(Path(path), _qdpx_bytes(xml, members))


def _variable_elements(root: Element, variables: pd.DataFrame) -> None:
    """``<Variables>``: each variable with its type and description."""
    if variables.empty:
        return
    parent = SubElement(root, "Variables")
    for variable in variables.to_dict("records"):
        element = SubElement(parent, "Variable", {"guid": variable["variable_id"], "name": variable["name"],
                                                  "typeOfVariable": variable["type"]})
        if variable["description"]:
            SubElement(element, "Description").text = variable["description"]


def _case_elements(root: Element, project: QdaProject, types: dict[str, str]) -> None:
    """``<Cases>``: each case with its description, variable values and sources."""
    if project.cases.empty:
        return
    cases = SubElement(root, "Cases")
    for case in project.cases.to_dict("records"):
        element = SubElement(cases, "Case", {"guid": case["case_id"], "name": case["name"]})
        if case["description"]:
            SubElement(element, "Description").text = case["description"]
        _variable_values(element, project.values, case["case_id"], types)
        for source_id in case["source_ids"]:
            SubElement(element, "SourceRef", {"targetGUID": source_id})


def _source_elements(root: Element, project: QdaProject, note_refs: dict[str, list[str]], user_ids: dict[str, str],
                     types: dict[str, str]) -> dict[str, bytes]:
    """``<Sources>``: each text source with its coded selections, notes and variable values.

    Returns the archive members holding the texts of sources that name a ``plainTextPath``.
    """
    members: dict[str, bytes] = {}
    if project.sources.empty:
        return members
    sources = SubElement(root, "Sources")
    for source in project.sources.to_dict("records"):
        source_id = source["source_id"]
        element = SubElement(sources, "TextSource", {"guid": source_id, "name": source["name"]})
        text = project.texts.get(source_id)
        if source["path"]:
            element.set("plainTextPath", source["path"])
            if text is not None:
                member = PurePosixPath(source["path"].replace("internal://", "").replace("relative://", "")).name
                members[f"sources/{member}"] = text.encode("utf-8")
        else:
            SubElement(element, "PlainTextContent").text = text or ""
        codings = project.codings[project.codings["source_id"] == source_id]
        for selection_id, selection in codings.groupby("selection_id", sort=False):
            _selection_element(element, selection_id, selection, note_refs, user_ids)
        _note_refs(element, note_refs, source_id)
        _variable_values(element, project.values, source_id, types)
    return members


def _selection_element(source: Element, selection_id: str, selection: pd.DataFrame, note_refs: dict[str, list[str]],
                       user_ids: dict[str, str]) -> None:
    """One ``<PlainTextSelection>`` of a source with a ``<Coding>`` per code it was coded to."""
    first = selection.iloc[0]
    selected = SubElement(source, "PlainTextSelection", {
        "guid": selection_id, "startPosition": str(first["start"]), "endPosition": str(first["end"])})
    for coding in selection.to_dict("records"):
        coding_id = coding["coding_id"] or _guid(selection_id, f"coding:{coding['code_id']}")
        attributes = {"guid": coding_id}
        if coding["user"]:
            attributes["creatingUser"] = user_ids.get(coding["user"], coding["user"])
        coded = SubElement(selected, "Coding", attributes)
        SubElement(coded, "CodeRef", {"targetGUID": coding["code_id"]})
        _note_refs(coded, note_refs, coding_id)
    _note_refs(selected, note_refs, selection_id)


def _note_elements(root: Element, notes: pd.DataFrame, user_ids: dict[str, str]) -> None:
    """``<Notes>``: each note once, with its author, date and text."""
    if notes.empty:
        return
    parent = SubElement(root, "Notes")
    for note in notes.drop_duplicates("note_id").to_dict("records"):
        attributes = {"guid": note["note_id"], "name": note["name"]}
        if note["user"]:
            attributes["creatingUser"] = user_ids.get(note["user"], note["user"])
        if note["created"]:
            attributes["creationDateTime"] = note["created"]
        SubElement(SubElement(parent, "Note", attributes), "PlainTextContent").text = note["text"]


def _set_elements(root: Element, sets: pd.DataFrame, project_name: str) -> None:
    """``<Sets>``: each set with its members, codes then sources then notes."""
    if sets.empty:
        return
    parent = SubElement(root, "Sets")
    members_of = {"code": "MemberCode", "source": "MemberSource", "note": "MemberNote"}
    for set_name, group in sets.groupby("set", sort=False):
        element = SubElement(parent, "Set", {"guid": _guid(project_name, f"set:{set_name}"), "name": set_name})
        for kind in ("code", "source", "note"):  # the order Project.xsd requires
            for member in group[group["member_type"] == kind]["member_id"]:
                SubElement(element, members_of[kind], {"targetGUID": member})


def _qdpx_bytes(xml: str, members: dict[str, bytes]) -> bytes:
    """The ``.qdpx`` archive: ``project.qde`` and the source texts, with fixed dates so two writes are identical."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in [("project.qde", xml.encode("utf-8"))] + sorted(members.items()):
            info = zipfile.ZipInfo(member, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


# --- memos and cases in the review folder ------------------------------------------------------------------------

_MEMO_COLUMNS = ["memo_id", "title", "about", "node", "document", "excerpt", "text", "coder", "date", "source"]
_MEMO_ABOUT = {"project": "project", "code": "node", "source": "document", "selection": "excerpt", "coding": "coding",
               "link": "link", "set": "set", "graph": "graph", "": "unattached"}
_CASE_FILE_COLUMNS = ["case_id", "label", "documents", "units", "variable", "value", "type", "description", "source"]


def memo_table(project: QdaProject, file_name: str) -> pd.DataFrame:
    """The project's memos in the layout of a review's ``coding/memos.csv``.

    Nodes are code paths and documents source names, as ``synthesis coding import`` writes excerpts; a memo on a
    coding names its code and document, one on a selection its document and the selection guid. ``source``
    names the file and the note's guid, so two rows of one memo (about two things) are seen to be one.
    """
    paths = dict(zip(project.codes["code_id"], project.codes["path"]))
    source_names = dict(zip(project.sources["source_id"], project.sources["name"]))
    coding_codes = dict(zip(project.codings["coding_id"], project.codings["code_id"]))
    rows = []
    for index, note in enumerate(project.notes.fillna("").to_dict("records")):
        about = note["about"]
        node = paths.get(note["target_id"], "") if about == "code" else \
            paths.get(coding_codes.get(note["target_id"], ""), "") if about == "coding" else ""
        rows.append({"memo_id": f"M{index + 1:04d}", "title": note["name"], "about": _MEMO_ABOUT.get(about, about),
                     "node": node, "document": source_names.get(note["source_id"], ""),
                     "excerpt": note["target_id"] if about == "selection" else "", "text": note["text"],
                     "coder": note["user"], "date": note["created"], "source": f"{file_name}, note {note['note_id']}"})
    return pd.DataFrame(rows, columns=_MEMO_COLUMNS)


def case_table(project: QdaProject, file_name: str) -> pd.DataFrame:
    """The project's case variables in the layout of a review's ``coding/cases.csv``: one row per case and variable.

    Variables set on a source (not on a case) become a case of that one document. Documents are source names,
    joined with ``;``; a case without a value of any variable has no row (it carries no attribute).
    """
    variables = project.variables.set_index("variable_id")
    source_names = dict(zip(project.sources["source_id"], project.sources["name"]))
    owners = {case["case_id"]: (case["name"], [source_names.get(s, s) for s in case["source_ids"]],
                                case["description"]) for case in project.cases.to_dict("records")}
    owners |= {source_id: (name, [name], "") for source_id, name in source_names.items()}
    case_ids: dict[str, str] = {}
    counted = {"C": 0, "S": 0}
    rows = []
    for value in project.values.to_dict("records"):
        label, documents, description = owners.get(value["owner_id"], ("", [], ""))
        if value["owner_id"] not in case_ids:
            prefix = "C" if value["owner"] == "case" else "S"  # cases C001 ..., sources with variables S001 ...
            counted[prefix] += 1
            case_ids[value["owner_id"]] = f"{prefix}{counted[prefix]:03d}"
        case_id = case_ids[value["owner_id"]]
        known = value["variable_id"] in variables.index
        rows.append({"case_id": case_id, "label": label, "documents": ";".join(documents), "units": "",
                     "variable": variables.at[value["variable_id"], "name"] if known else value["variable_id"],
                     "value": value["value"],
                     "type": (variables.at[value["variable_id"], "type"] if known else "Text").lower(),
                     "description": description, "source": f"{file_name}, {value['owner']} {value['owner_id']}"})
    return pd.DataFrame(rows, columns=_CASE_FILE_COLUMNS)


def memos_for(review: Review, nodes: list[str] | tuple = (), documents: list[str] | tuple = (),
              excerpts: list[str] | tuple = ()) -> pd.DataFrame:
    """The memos of ``coding/memos.csv`` about any of ``nodes``, ``documents`` (including memos on an excerpt or a
    coding in one of the documents) or ``excerpts``, in file order, for the audit trail to show beside the excerpts.

    Returns the columns of ``coding/memos.csv`` without ``source``; empty when the review has no memos.
    """
    memos = review.table("coding/memos.csv")
    columns = [c for c in _MEMO_COLUMNS if c != "source"]
    if memos is None:
        return pd.DataFrame(columns=columns)
    wanted = memos["node"].isin(list(nodes)) | memos["document"].isin(list(documents)) | \
        memos["excerpt"].isin(list(excerpts))
    return memos.loc[wanted, columns].reset_index(drop=True)


def case_attributes(review: Review, unit: str = "document") -> pd.DataFrame:
    """Case variables as attributes of the counted units, for subgroup tallies.

    One row per document of ``studies.csv`` (``unit="document"``, first column ``study_id``) or per unit of
    ``units.csv`` (any other unit, first column ``unit_id``; a case's documents count for the units they
    describe), one column per variable in the order ``coding/cases.csv`` first names it. A cell holds the list of
    the unit's values (two cases can give one unit two values; a tally counts it under each), or None where no
    case gives it one: "not reported", never a guess.
    """
    cases = review.table("coding/cases.csv")
    by_document = unit == "document"
    table = review.table("studies.csv") if by_document else review.table("units.csv")
    id_column = "study_id" if by_document else "unit_id"
    ids = list(table[id_column]) if table is not None else []
    if cases is None:
        return pd.DataFrame({id_column: ids})
    studies = review.table("studies.csv")
    units_of = {} if studies is None else {s: u or [] for s, u in zip(studies["study_id"], studies["units"])}
    values: dict[str, dict[str, list]] = {}
    for case in cases.to_dict("records"):
        documents = case["documents"] or []
        members = documents if by_document else list(dict.fromkeys(
            (case["units"] or []) + [u for d in documents for u in units_of.get(d, [])]))
        column = values.setdefault(case["variable"], {})
        for member in members:
            if case["value"] is not None and case["value"] not in column.setdefault(member, []):
                column[member].append(case["value"])
    return pd.DataFrame({id_column: ids, **{variable: [sorted(column[i]) if column.get(i) else None for i in ids]
                                            for variable, column in values.items()}})
