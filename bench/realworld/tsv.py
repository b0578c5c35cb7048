"""Reading the corpus' tab-separated tables (projects.tsv, labels.tsv).

One home for what run.py and score.py both need: the rows of a table as
dicts, every row checked for the columns it must have.
"""

import csv


def read_rows(path, columns, fail):
    """The rows of the TSV file at path as dicts, in file order.

    Calls fail(message) (which must not return) when the file cannot be read
    or a row lacks one of columns (an empty cell counts as missing).
    """
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle, delimiter="\t",
                                       quoting=csv.QUOTE_NONE))
    except OSError as error:
        fail(f"cannot read {path}: {error}")
    for number, row in enumerate(rows, start=2):
        missing = [column for column in columns if not row.get(column)]
        if missing:
            fail(f"{path}:{number}: the row lacks {', '.join(missing)}")
    return rows
