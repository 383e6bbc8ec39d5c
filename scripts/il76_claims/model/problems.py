"""The one shape every check reports in.

Checks never print and never raise on bad input: they return ``Problem``
values, and ``report`` turns a list of them into text, JSON or GitHub
annotations. Codes are stable; ``CODES`` is the registry that
``docs/error-codes.md`` is generated from.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .record import Record


@dataclass(frozen=True, order=True)
class Problem:
    # Field order is the sort order: by file, then position, then code.
    path: str
    line: int
    col: int
    code: str
    message: str
    # The JSON path inside the record ("$.positions[0].stance"), when known.
    pointer: str = field(default="", compare=False)

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Code:
    code: str
    title: str
    example: str
    fix: str


def _codes(*items: Code) -> dict[str, Code]:
    return {c.code: c for c in items}


# Grouped by the stage that reports them. A code is never reused for a
# different meaning once released; retire it instead.
CODES: dict[str, Code] = _codes(
    # Files and layout (F)
    Code(
        "F001",
        "File outside records/<kind>/",
        "records/notes.yaml",
        "Move it to records/<kind>/<id>.yaml, where <kind> is one of the record kinds.",
    ),
    Code(
        "F002",
        "Unknown record kind folder",
        "records/statments/x.yaml",
        "Use one of the kind folders listed in the message.",
    ),
    Code(
        "F003", "Wrong file extension", "records/actor/tass.yml", "Rename the file to end in .yaml."
    ),
    Code(
        "F004",
        "Symbolic link",
        "records/actor/tass.yaml -> elsewhere",
        "Replace the link with a regular file; links are never followed.",
    ),
    Code(
        "F005",
        "File names that differ only by case",
        "records/actor/TASS.yaml and records/actor/tass.yaml",
        "Keep one file; ids are lower case.",
    ),
    Code(
        "F006",
        "File too large",
        "a 2 MB record",
        "Split the text or shorten it; the limit is in the message.",
    ),
    Code(
        "F007",
        "Unreadable file or folder",
        "permission denied",
        "Make the file readable; replace a pipe, socket or device with a regular file.",
    ),
    Code(
        "F008",
        "File name is not a valid id",
        "records/actor/Tass News.yaml",
        "Name the file <id>.yaml with a lower-case ASCII slug id.",
    ),
    Code(
        "F009",
        "Source archive folder absent",
        "--sources points nowhere",
        "Pass --sources DIR or set IL76_SOURCES to the folder of archived texts.",
    ),
    # Encoding (E)
    Code(
        "E001",
        "Byte-order mark",
        "a file saved as 'UTF-8 with BOM'",
        "Save the file as UTF-8 without a byte-order mark.",
    ),
    Code("E002", "Not UTF-8", "a file saved as UTF-16 or Latin-1", "Save the file as UTF-8."),
    Code(
        "E003",
        "Carriage return",
        "CRLF line ends",
        "Use LF line ends (git config core.autocrlf false).",
    ),
    Code("E004", "Control character", "a NUL byte or \\x1b", "Delete the character."),
    Code("E005", "Tab character", "indentation with tabs", "Indent with spaces."),
    Code(
        "E006",
        "Line or paragraph separator",
        "U+2028",
        "Replace it with a normal line break or a space.",
    ),
    # YAML (Y)
    Code("Y001", "YAML syntax error", "an unclosed quote", "Fix the syntax at the position given."),
    Code(
        "Y002",
        "Duplicate key",
        "two 'name:' lines",
        "Keep one of them; YAML would silently keep only the last.",
    ),
    Code(
        "Y003",
        "Ambiguous unquoted value",
        "country: NO",
        "Quote the value ('NO') if it is text; write true/false for booleans.",
    ),
    Code(
        "Y004",
        "Number that YAML versions read differently",
        "count: 012",
        "Write a plain decimal integer (12), or quote it if it is text.",
    ),
    Code(
        "Y005",
        "Text cut by a comment",
        "name: A #1 fan",
        "Quote the value: a space followed by # starts a comment.",
    ),
    Code(
        "Y006",
        "Tag",
        "!!python/object",
        "Remove the tag; records hold plain text, numbers and booleans.",
    ),
    Code(
        "Y007",
        "Anchor, alias or merge key",
        "&a / *a / <<",
        "Write the value out in full; records do not share nodes.",
    ),
    Code(
        "Y008",
        "More than one document, or a directive",
        "--- twice, %YAML",
        "Keep one record per file with no directives.",
    ),
    Code(
        "Y009",
        "Record is not a mapping",
        "a top-level list",
        "Write the record as key: value lines.",
    ),
    Code("Y010", "Key is not plain text", "a list used as a key", "Use a field name as the key."),
    Code(
        "Y011",
        "Empty file or empty value",
        "name:",
        "Write a value, or null where the schema allows it.",
    ),
    Code(
        "Y012",
        "Nesting too deep",
        "lists inside lists inside lists",
        "Flatten the structure; the limit is in the message.",
    ),
    Code(
        "Y013", "Value too long", "a 1 MB string", "Shorten the value; the limit is in the message."
    ),
    Code("Y014", "Float", "count: 3.0", "Write a whole number."),
    # Text (T)
    Code(
        "T001",
        "Text not in Unicode NFC",
        "e + combining acute",
        "Normalize the text to NFC (most editors have a command for it).",
    ),
    Code(
        "T002",
        "Invisible or direction-changing character",
        "U+200B zero-width space",
        "Delete the character.",
    ),
    Code(
        "T003", "Leading or trailing whitespace", "name: ' TASS'", "Remove the spaces at the ends."
    ),
    Code(
        "T004",
        "Line break in a single-line field",
        "name with a newline",
        "Put the value on one line.",
    ),
    Code(
        "T005",
        "Value starts with '='",
        "quote: '=SUM(A1)'",
        "Spreadsheets would run it as a formula; rephrase or add context before '='.",
    ),
    Code(
        "T006",
        "Loaded term outside a verbatim quote",
        "summary: ... regime ...",
        "Use the neutral wording from docs/editorial-policy.md; loaded words belong only in quote fields.",
    ),
    # Schema (S)
    Code(
        "S001",
        "Missing required field",
        "no 'speaker_id'",
        "Add the field; write null where unknown and the schema allows it.",
    ),
    Code(
        "S002",
        "Unknown field",
        "qoute: ...",
        "Check the spelling against the schema; remove fields it does not define.",
    ),
    Code("S003", "Wrong type", "count: 'sixty'", "Write a value of the type given in the message."),
    Code(
        "S004",
        "Value not in the codelist",
        "speech: quoted",
        "Use one of the codes listed in the message (see docs/codebook.md).",
    ),
    Code(
        "S005",
        "Value does not match the required pattern",
        "id: Robert_Wood",
        "Follow the pattern described in the message.",
    ),
    Code(
        "S006",
        "Invalid format",
        "date: 2024-02-30",
        "Write a real calendar date (YYYY-MM-DD) or an http(s) URL.",
    ),
    Code(
        "S007", "Value out of range", "count: -1", "Use a value within the limits in the message."
    ),
    Code(
        "S008",
        "Fields that must go together",
        "count with count_low",
        "Follow the rule in the message.",
    ),
    Code("S009", "Other schema rule", "an empty list", "Follow the rule in the message."),
    # Cross-record (X)
    Code(
        "X001",
        "Duplicate id",
        "two records with id 'tass'",
        "Give one of them a new id (and rename its file).",
    ),
    Code(
        "X002",
        "Id differs from file name",
        "id: tass in ria.yaml",
        "Make the id and the file name agree.",
    ),
    Code(
        "X003",
        "Reference to a missing record",
        "speaker_id: nobody",
        "Create the record or fix the id.",
    ),
    Code(
        "X004",
        "Reference to a record of the wrong kind",
        "speaker_id: a statement id",
        "Point at a record of the kind named in the message.",
    ),
    Code(
        "X005",
        "Inconsistent records",
        "block beyond the source's length",
        "Follow the rule in the message.",
    ),
    # Quotes against the archived source (Q)
    Code(
        "Q001",
        "Quote not found in the source",
        "a changed word in a quote",
        "Copy the text exactly as the source prints it, typographic quotes included.",
    ),
    Code(
        "Q002",
        "Archived text missing or changed",
        "SHA-256 differs",
        "Restore the archived file, or fix archive_sha256 if the source record is wrong.",
    ),
    Code(
        "Q003",
        "Block number out of range",
        "block: 40 in a 32-block text",
        "Cite a block that exists.",
    ),
    # Later codes are appended here, so no existing code moves.
    Code(
        "Y015",
        "Plain or quoted text over several lines",
        "a summary continued on a second line without '>-'",
        "Write it on one line, or use '>-' (lines joined) or '|-' (line breaks kept).",
    ),
    Code(
        "Y016",
        "Too many problems in one file",
        "a file of 300 'key: yes' lines",
        "Fix the problems listed; the rest of the file is read on the next run.",
    ),
    Code(
        "F010",
        "File name reserved on Windows",
        "records/actor/con.yaml",
        "Choose another id; Windows cannot create CON, PRN, AUX, NUL, COM1-9 or LPT1-9 files.",
    ),
    Code(
        "T007",
        "Private-use or noncharacter code point",
        "U+E000 or U+FFFF in a name",
        "Replace it with the character it stands for, or delete it.",
    ),
    Code(
        "Q004",
        "Direct quote not inside quotation marks",
        "kind: direct_speech with the source's own sentence",
        "Quote only the words between the quotation marks, or set kind: indirect_speech.",
    ),
    Code(
        "Q005",
        "Quote not verified (a warning)",
        "a new quote, checked without the archived text",
        "Nothing to fix in the record: a check with the archived text verifies it and records it in quote-checks.csv. Until then quote_verified is false.",
    ),
    Code(
        "Q006",
        "Own words that copy a source",
        "a summary that repeats a sentence of the archived text",
        "Paraphrase in the project's own words, or put the source's words inside quotation marks.",
    ),
    Code(
        "X007",
        "Position taken by someone other than the statement's speaker",
        "actor_id: ukraine, statement by the Pentagon",
        "Set actor_id to the speaker, or cite that actor's statement.",
    ),
    Code(
        "X008",
        "The source's own voice and its speaker disagree",
        "kind: narration by a ministry; the publisher in direct speech",
        "Narration and characterisation are the publisher's or author's, in a media report, relayed by no one.",
    ),
    Code(
        "X009",
        "Statement dated before the event it is about",
        "a remark on the crash dated the day before it",
        "Date the statement on or after the event, or fix event_id.",
    ),
    Code(
        "X010",
        "Characterisation without the party it describes",
        "kind: characterisation, described_actor_id: null",
        "Name the described party, or choose another kind.",
    ),
    Code(
        "X011",
        "Position basis contradicts its statement",
        "characterised_by_source on a statement of direct speech",
        "Choose the basis the words give, or cite the characterisation of that actor.",
    ),
    Code(
        "X012",
        "Figure fields that do not fit its basis",
        "a computed figure with claimed_by_id: rt",
        "A computed figure has no claimant, statement, source or quote; a stated or inferred one has them.",
    ),
    Code(
        "X013",
        "Figures computed from each other in a circle",
        "a total listed in its own derived_from",
        "Compute each figure only from figures that do not depend on it.",
    ),
    Code(
        "X014",
        "Claims related in a circle",
        "A narrower than B, B narrower than A",
        "Remove the relation that closes the circle, or merge claims that say the same.",
    ),
    Code(
        "X015",
        "Block missing for an archived source",
        "block: null for a source with archive_file",
        "Cite the block of the archived text that holds the quote.",
    ),
    Code(
        "X016",
        "Source fields that do not fit text_held",
        "text_held: false with url: null",
        "A held text has archive_file, archive_sha256 and block_count; a source known only by its address has a url and none of them.",
    ),
    Code(
        "X017",
        "Quote on a source whose text is not held",
        "quote: set on a statement whose source has text_held: false",
        "The project copies no sentence from a source it does not hold: set quote, block, quote_language and quote_translation to null and write the summary in the project's words.",
    ),
    Code(
        "X018",
        "Statement resting on a source that cannot stand alone",
        "source_id: a reprint",
        "Cite the page the reprint copies as source_id, and list the reprint under carried_by.",
    ),
    Code(
        "X019",
        "Carried-by list that repeats or leaves out what it must say",
        "carried_by: the statement's own source_id",
        "List each further source once, never the source_id; say how a conflicting copy differs in its notes.",
    ),
    Code(
        "X020",
        "Stance and basis disagree",
        "stance: asserts with basis: hedged",
        "A hedged position is stance: suggests; a suggestion is basis: hedged or implied.",
    ),
    Code(
        "X021",
        "The source's publisher listed as a relay",
        "relayed_by: [interfax-ukraine] on a source Interfax-Ukraine publishes",
        "List only the outlets the words passed through before the source.",
    ),
    Code(
        "X022",
        "Former id that is a current id",
        "former_ids: [{id: tass}] while records/actor/tass.yaml exists",
        "A former id is one no record of that kind has now: remove it, or give the other record another id.",
    ),
    Code(
        "X023",
        "Former id listed twice",
        "two actors that both list former id 'david-dudge'",
        "An old id leads to one record: keep it on the record it was renamed to and remove it elsewhere.",
    ),
    Code(
        "X024",
        "Former id with a version that did not rename it",
        "version: 3.1.0 while dataset.yaml says 3.0.0",
        "Give the release that first had the new id: a version with a section in CHANGELOG.md, no later than dataset.yaml's.",
    ),
    Code(
        "X025",
        "Reference to a former id",
        "speaker_id: david-dudge after the actor was renamed david-dadge",
        "Use the record's id now, which the message gives.",
    ),
    Code(
        "R001",
        "Not in canonical form",
        'name: "TASS" where the canonical form is name: TASS',
        "Run il76-claims fmt on the file (CONTRIBUTING.md: The canonical form of a record).",
    ),
    Code(
        "R002",
        "Cannot be formatted without loss",
        "a comment after a value: title: 'X' # check",
        "Move a comment to its own line or remove an unknown field, as the message says; run fmt again.",
    ),
    # Version files and the bump (V): il76-claims version-check, and release.
    Code(
        "V001",
        "Version file missing or unreadable",
        "CITATION.cff is missing",
        "Restore the file (make writes CITATION.cff from dataset.yaml); run il76-claims check for a file that cannot be read.",
    ),
    Code(
        "V002",
        "Version not MAJOR.MINOR.PATCH",
        "version: '1.2'",
        "Write the version as three numbers, e.g. 1.2.0 (docs/versioning.md).",
    ),
    Code(
        "V003",
        "CITATION.cff gives another version",
        "version: 0.2.0 in CITATION.cff, 0.1.0 in dataset.yaml",
        "Run make, which writes CITATION.cff from dataset.yaml.",
    ),
    Code(
        "V004",
        "No CHANGELOG.md section for the version",
        "version: 0.2.0 with no '## [0.2.0]' heading",
        "Add a '## [<version>] - YYYY-MM-DD' section saying what changed.",
    ),
    Code(
        "V005",
        "CHANGELOG.md dates the version otherwise than dataset.yaml",
        "released: 2024-03-01, '## [0.2.0] - 2024-03-02'",
        "Give the same day in dataset.yaml's released and the CHANGELOG.md heading.",
    ),
    Code(
        "V006",
        "Version lower than the base's",
        "version: 0.1.0 where the base has 0.2.0",
        "Versions only go up: set a version above the base's.",
    ),
    Code(
        "V007",
        "Version bump smaller than the changes need",
        "a field added with version 0.1.0 -> 0.1.1",
        "Set the version the message names, date it in dataset.yaml and CHANGELOG.md, then run make.",
    ),
    Code(
        "V008",
        "Rename recorded with a version that does not release it",
        "former_ids: [{id: old, version: 0.1.0}] for a rename new since 0.1.0",
        "Give the version that first releases the new id, as the message says.",
    ),
    Code(
        "V009",
        "No build of the working tree to compare",
        "records with problems",
        "Fix the problems il76-claims check reports, then run the version check again.",
    ),
    # Block coverage (C): il76-claims coverage and docs/uncited-blocks.yaml.
    Code(
        "C001",
        "Block cited by no record and not explained",
        "block 3 of a source that no statement cites",
        "Cite the block from a statement or casualty figure, or give the reason in docs/uncited-blocks.yaml.",
    ),
    Code(
        "C002",
        "Reason given for a block that is cited",
        "block 2 listed in docs/uncited-blocks.yaml and cited by a statement",
        "Remove the block from docs/uncited-blocks.yaml.",
    ),
    Code(
        "C003",
        "Reason given for a block the source does not have",
        "block 40 of a 32-block source",
        "Give a block within the source's block_count.",
    ),
    Code(
        "C004",
        "Block listed twice",
        "two entries for block 5 of one source",
        "Keep one entry per block.",
    ),
    Code(
        "C005",
        "Not the id of a source record",
        "an entry under 'tass-2024-01-24-typo'",
        "Use the id of a source record.",
    ),
    Code(
        "C006",
        "'see' names no record",
        "see: nobody",
        "Name the record that carries the block's content, or remove see.",
    ),
    Code(
        "C007",
        "Entry that breaks the file's schema",
        "block: 0",
        "Follow schemas/uncited-blocks.schema.json, as the message says.",
    ),
    Code(
        "C008",
        "Schema of docs/uncited-blocks.yaml unreadable",
        "schemas/uncited-blocks.schema.json is not JSON",
        "Restore schemas/uncited-blocks.schema.json.",
    ),
    # The release archive (A): il76-claims release.
    Code(
        "A001",
        "Package not built or unreadable",
        "no datapackage.json",
        "Run make (il76-claims build).",
    ),
    Code(
        "A002",
        "Table differs from what datapackage.json describes",
        "data/events.csv edited after the build",
        "Run make (il76-claims build).",
    ),
    Code(
        "A003",
        "Built file missing",
        "no dist/site/index.html",
        "Run the command the message names (make, il76-claims site --no-archived-text).",
    ),
    Code(
        "A004",
        "Site shows archived text",
        "dist/site built without --no-archived-text",
        "Run il76-claims site --no-archived-text (make release does).",
    ),
    Code(
        "A005",
        "Document missing",
        "no docs/codebook.md",
        "Restore the file, or run make docs for a generated one.",
    ),
    Code(
        "A006",
        "Licence files disagree",
        "LICENSE names another data licence than datapackage.json",
        "Make LICENSE and dataset.yaml's licenses name the same licence, then run make.",
    ),
    Code(
        "A007",
        "Package version differs from dataset.yaml's",
        "datapackage.json 0.1.0, dataset.yaml 0.2.0",
        "Run make (il76-claims build).",
    ),
    Code(
        "A008",
        "Release day unusable",
        "released: 1979-12-31",
        "Set dataset.yaml's released to the day of the release, as CHANGELOG.md dates the version.",
    ),
    Code(
        "A009",
        "Archive file and PARTS disagree",
        "a new file under dist/ that no part names",
        "Name the file in PARTS (publish/release.py), or remove the part that names no file.",
    ),
    Code(
        "A010",
        "Archive of the version exists with other content",
        "dist/x-1.0.0.zip from an earlier build",
        "Bump the version, or pass --force to replace an archive that was never published.",
    ),
    Code(
        "A011",
        "Tag is not v<version>",
        "--tag v0.2.0 for version 0.1.0",
        "Tag the commit v<version>, or set the version in dataset.yaml and run make.",
    ),
)


def problem(path: str, line: int, col: int, code: str, message: str, pointer: str = "") -> Problem:
    if code not in CODES:
        # A programming error, not a data error: fail loudly in tests.
        raise KeyError(f"unregistered problem code {code}")
    return Problem(path, line, col, code, message, pointer)


def add_at(out: list[Problem], rec: Record, pointer: str, code: str, message: str) -> None:
    """A problem at a value of a record, unless the loader already said what
    is wrong with that value."""
    if pointer in rec.reported:
        return
    line, col = rec.mark(pointer)
    out.append(problem(rec.path, line, col, code, message, pointer))


def file_problem(path: str, code: str, message: str) -> Problem:
    """A problem with a file as a whole (its name, its kind, its bytes),
    reported at its first line."""
    return problem(path, 1, 1, code, message)
