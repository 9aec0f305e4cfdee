"""data/README.md documents every file and field of the schemas."""

from synthesis.paths import DATA_DIR
from synthesis.schemas import schema_markdown


def test_files_and_fields_section_is_current():
    """The generated "Files and fields" section equals what the schemas generate now."""
    text = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    assert text.endswith(schema_markdown()), "run: python -m synthesis.schemas and paste into data/README.md"
