#!/usr/bin/env python3
"""Scores loadcheck's JSON reports on the real-world corpus against labels.tsv.

Usage (from the repository root):

    python3 bench/realworld/score.py                       # reports of build/realworld/
    python3 bench/realworld/score.py --reports DIR --check loadcheck-unguarded-shared-state
    python3 bench/realworld/score.py curl.json --project curl

A report is one `loadcheck --format=json` output per project, named
`<project>.json` (the name of labels.tsv's `project` column; run.py writes them
so). Next to it, run.py's `<project>.meta.json` says whether the run used the
project's header filter and how long it took; without it the run counts as one
with the header filter.

A finding is keyed by (project, file, line, check); every key a label holds is
counted once as TP, FP or DEB. It prints, per check, overall, per stratum and
per project: the labelled findings, precision TP/(TP+FP), the findings no label
covers (NEW) and the labels whose finding is no longer reported (gone), with
"TP labels still found: N of M". Recall counts the lines a reviewer flags: the
TP labels and missed.tsv's lines; found / (TP labels + missed lines). A missed
line that is now reported counts as found and is listed: move it to
labels.tsv as TP. Then the NEW findings, one line each, and the TP labels that
are gone. Exit code 0 whatever the scores; 2 on unreadable input.
"""

import argparse
import collections
import json
import os
import re
import sys

from tsv import read_rows

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
LABELS = ("TP", "FP", "DEB")
STRATA = ("library", "example", "test")
LABEL_COLUMNS = ("project", "path", "line", "check", "label", "reason",
                 "stratum", "run")
MISSED_COLUMNS = ("project", "path", "line", "check", "reason")
HEADER_SUFFIXES = (".h", ".hh", ".hpp", ".hxx", ".inc", ".ipp", ".tcc")
TEST_PATH = re.compile(r"(^|/)(tests?|testing|fuzz\w*|unittests?)(/|$)|"
                       r"(^|/)[^/]*(_test|_tests|test_|Test)[^/]*$")
EXAMPLE_PATH = re.compile(r"(^|/)(examples?|samples?|demos?)(/|$)")


def fail(message):
    print(f"score: error: {message}", file=sys.stderr)
    sys.exit(2)


def read_labels(path):
    """labels.tsv as a dict (project, path, line, check) -> row."""
    labels = {}
    for number, row in enumerate(read_rows(path, LABEL_COLUMNS, fail),
                                 start=2):
        if row["label"] not in LABELS:
            fail(f"{path}:{number}: label not one of {'/'.join(LABELS)}")
        key = (row["project"], row["path"], int(row["line"]), row["check"])
        if key in labels:
            fail(f"{path}:{number}: duplicate label for {key}")
        labels[key] = row
    return labels


def read_missed(path):
    """missed.tsv as a dict (project, path, line, check) -> row."""
    missed = {}
    for number, row in enumerate(read_rows(path, MISSED_COLUMNS, fail),
                                 start=2):
        key = (row["project"], row["path"], int(row["line"]), row["check"])
        if key in missed:
            fail(f"{path}:{number}: duplicate line {key}")
        missed[key] = row
    return missed


def report_files(args):
    """[(project, report path)] from the positional files or --reports."""
    if args.files:
        paths = args.files
    else:
        if not os.path.isdir(args.reports):
            fail(f"no reports in {args.reports}: run bench/realworld/run.py "
                 "first, or name the JSON files")
        paths = sorted(os.path.join(args.reports, name)
                       for name in os.listdir(args.reports)
                       if name.endswith(".json")
                       and not name.endswith(".meta.json"))
    return [(os.path.basename(p)[:-len(".json")], p) for p in paths]


def read_json(path):
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError) as error:
        fail(f"cannot read {path}: {error}")


def read_meta(report_path):
    """run.py's sidecar of a report, or {} when there is none."""
    meta_path = report_path[:-len(".json")] + ".meta.json"
    return read_json(meta_path) if os.path.exists(meta_path) else {}


def guessed_stratum(path):
    if TEST_PATH.search(path):
        return "test"
    if EXAMPLE_PATH.search(path):
        return "example"
    return "library"


def in_header(path):
    return path.endswith(HEADER_SUFFIXES) or "." not in os.path.basename(path)


class Tally:
    """Counts of one row of a table."""

    def __init__(self):
        self.counts = collections.Counter()

    def add(self, what):
        self.counts[what] += 1

    def precision(self):
        decided = self.counts["TP"] + self.counts["FP"]
        return f"{self.counts['TP'] / decided:.2f}" if decided else "-"

    def flagged(self):
        """Lines a reviewer flags: TP labels, found or not, and missed."""
        c = self.counts
        return c["TP"] + c["gone TP"] + c["missed"]

    def recall(self):
        flagged = self.flagged()
        return f"{self.counts['TP'] / flagged:.2f}" if flagged else "-"

    def cells(self):
        c = self.counts
        gone = "/".join(str(c["gone " + label]) for label in LABELS)
        tp_labels = c["TP"] + c["gone TP"]
        found = f"{c['TP']}/{tp_labels}" if tp_labels else "-"
        return [c["TP"], c["FP"], c["DEB"], self.precision(), c["NEW"], gone,
                found, c["missed"], self.recall()]


HEADINGS = ["TP", "FP", "DEB", "precision", "NEW", "gone TP/FP/DEB",
            "TP found", "missed", "recall"]


def print_table(title, first, tallies, markdown):
    rows = [[name] + tally.cells() for name, tally in tallies]
    heads = [first] + HEADINGS
    if markdown:
        print(f"\n{title}\n")
        print("| " + " | ".join(heads) + " |")
        print("|" + "---|" * len(heads))
        for row in rows:
            print("| " + " | ".join(str(cell) for cell in row) + " |")
        return
    widths = [max(len(str(row[i])) for row in rows + [heads])
              for i in range(len(heads))]
    print(f"\n{title}")
    for row in [heads] + rows:
        print("  ".join(str(cell).ljust(widths[i]) if i == 0
                        else str(cell).rjust(widths[i])
                        for i, cell in enumerate(row)))


def wanted(args, project, check):
    if args.project and project not in args.project:
        return False
    return not args.check or any(re.fullmatch(glob.replace("*", ".*"), check)
                                 for glob in args.check)


def score(args):
    labels = read_labels(args.labels)
    missed = read_missed(args.missed)
    reports = report_files(args)
    if not reports:
        fail("no report to score")
    per_check = collections.defaultdict(Tally)
    per_stratum = collections.defaultdict(Tally)
    per_project = collections.defaultdict(Tally)
    per_project_check = collections.defaultdict(Tally)
    overall = Tally()
    new, gone_tp, notes, now_found = [], [], [], []

    def count(project, check, stratum, what):
        for tally in (per_check[check], per_stratum[stratum],
                      per_project[project],
                      per_project_check[(project, check)], overall):
            tally.add(what)

    for project, path in reports:
        if args.project and project not in args.project:
            continue
        report, meta = read_json(path), read_meta(path)
        with_headers = meta.get("header_filter") is not None or not meta
        seen = set()
        for finding in report.get("findings", []):
            check, file = finding["check"], finding["file"]
            key = (project, file, finding["line"], check)
            if key in seen or not wanted(args, project, check):
                continue
            if args.run == "default":
                label = labels.get(key)
                if (label["run"] if label else
                        ("header-filter" if in_header(file) else "default")
                        ) != "default":
                    continue
            seen.add(key)
            label = labels.get(key)
            if label:
                count(project, check, label["stratum"], label["label"])
            elif key in missed:
                count(project, check, guessed_stratum(file), "TP")
                now_found.append(key)
            else:
                count(project, check, guessed_stratum(file), "NEW")
                new.append((key, finding))
        for key, label in labels.items():
            if key[0] != project or key in seen:
                continue
            if not wanted(args, project, key[3]):
                continue
            if label["run"] == "header-filter" and (
                    not with_headers or args.run == "default"):
                continue
            count(project, key[3], label["stratum"], "gone " + label["label"])
            if label["label"] == "TP":
                gone_tp.append((key, label))
        for key in missed:
            if (key[0] == project and key not in seen
                    and wanted(args, project, key[3])):
                count(project, key[3], guessed_stratum(key[1]), "missed")
        if report.get("failures"):
            notes.append(f"{project}: {len(report['failures'])} files not "
                         "analysed (their findings are missing)")
        if meta:
            notes.append(f"{project}: {meta.get('seconds', '?')} s, "
                         f"{report.get('filesAnalysed', '?')} files, header "
                         f"filter {'on' if with_headers else 'off'}")
    labelled_projects = {key[0] for key in labels}
    scored = {project for project, _ in reports}
    for project in sorted(labelled_projects - scored):
        if not args.project or project in args.project:
            notes.append(f"{project}: no report, its labels are not scored")

    md = args.markdown
    print_table("per check", "check", sorted(per_check.items()), md)
    print_table("per stratum", "stratum",
                [(s, per_stratum[s]) for s in STRATA if s in per_stratum], md)
    print_table("per project", "project", sorted(per_project.items()), md)
    if args.detail:
        for project in sorted(per_project):
            print_table(f"{project}, per check", "check",
                        sorted((check, tally) for (p, check), tally
                               in per_project_check.items() if p == project),
                        md)
    print_table("overall", "all", [("all", overall)], md)
    c = overall.counts
    print(f"\nTP labels still found: {c['TP'] - len(now_found)} of "
          f"{c['TP'] - len(now_found) + c['gone TP']}")
    print(f"recall: {c['TP']} of {overall.flagged()} lines a reviewer flags "
          f"({overall.recall()}), {c['missed']} still missed")
    if now_found:
        print(f"\nmissed lines now reported ({len(now_found)}; move them to "
              "labels.tsv as TP):")
        for key in sorted(now_found):
            print("  " + "\t".join(str(part) for part in key))
    for note in notes:
        print(f"note: {note}")
    if new:
        print(f"\nNEW findings without a label ({len(new)}):")
        for (project, file, line, check), finding in sorted(new, key=lambda
                                                            n: n[0]):
            print(f"  {project}\t{file}\t{line}\t{check}\t"
                  f"{finding.get('function', '')}\t{finding['message']}")
    if gone_tp:
        print(f"\nTP labels no longer reported ({len(gone_tp)}):")
        for (project, file, line, check), label in sorted(gone_tp):
            print(f"  {project}\t{file}\t{line}\t{check}\t{label['reason']}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*",
                        help="JSON reports named <project>.json (default: "
                        "those of --reports)")
    parser.add_argument("--reports", default=os.path.join(ROOT, "build",
                                                          "realworld"),
                        help="directory of run.py's reports "
                        "(default: build/realworld)")
    parser.add_argument("--labels", default=os.path.join(HERE, "labels.tsv"))
    parser.add_argument("--missed", default=os.path.join(HERE, "missed.tsv"))
    parser.add_argument("--project", action="append",
                        help="score only this project (repeatable)")
    parser.add_argument("--check", action="append",
                        help="score only this check, globs allowed "
                        "(repeatable)")
    parser.add_argument("--run", choices=("all", "default"), default="all",
                        help="'default': only what a run without a header "
                        "filter reports (labels' run column; unlabelled "
                        "findings in headers are left out)")
    parser.add_argument("--detail", action="store_true",
                        help="also a per-check table for every project")
    parser.add_argument("--markdown", action="store_true",
                        help="tables in Markdown")
    score(parser.parse_args())
    return 0


if __name__ == "__main__":
    sys.exit(main())
