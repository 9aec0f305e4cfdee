"""data/README.md documents every file and field of the schemas."""

from synthesis.paths import DATA_DIR
from synthesis.schemas import file_schemas


def test_every_file_and_field_is_documented():
    """Each schema's file has a section in data/README.md naming each of its fields."""
    text = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    for path, schema in file_schemas().items():
        section = text.split(f"### `{path}`", 1)
        assert len(section) == 2, f"{path} has no section"
        body = section[1].split("\n### ", 1)[0]
        missing = [name for name in schema.json_schema["properties"] if f"`{name}`" not in body]
        assert missing == [], (path, missing)
