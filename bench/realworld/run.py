#!/usr/bin/env python3
"""Runs loadcheck over the real-world corpus and scores its findings.

Usage (from the repository root, after a build and after setting the projects
up as bench/realworld/README.md says):

    python3 bench/realworld/run.py
    python3 bench/realworld/run.py --project curl --checks='-*,loadcheck-unguarded-*'
    python3 bench/realworld/run.py --loadcheck ../other/build/tool/loadcheck --out /tmp/rw

For every project of projects.tsv set up under --corpus-dir (a directory
<corpus-dir>/<project> holding the project's source and its compilation
database), it runs

    loadcheck -q -p <database> --root <project> --format=json -j2
              --checks=<checks> [--header-filter=<the project's headers>]

writes <out>/<project>.json and <out>/<project>.meta.json (time, options,
exit code), then runs score.py over <out>. It builds and fetches nothing: a
project that is not set up is skipped with a message saying how to set it up.
Exit code 0 when every run produced a report, 1 otherwise.
"""

import argparse
import json
import os
import re
import resource
import shlex
import shutil
import subprocess
import sys
import time

from tsv import read_rows

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PROJECT_COLUMNS = ("project", "repo", "commit", "language", "database",
                   "header_filter", "extra_args", "holds")
LOADCHECK_CANDIDATES = ("build/tool/loadcheck", "build/loadcheck",
                        "build/bin/loadcheck")
REGEX_SPECIALS = set(".[]()*+?{}|^$\\")


def fail(message):
    sys.exit(f"run: error: {message}")


def read_projects():
    return read_rows(os.path.join(HERE, "projects.tsv"), PROJECT_COLUMNS, fail)


def default_loadcheck():
    for candidate in LOADCHECK_CANDIDATES:
        path = os.path.join(ROOT, candidate)
        if os.access(path, os.X_OK):
            return path
    return shutil.which("loadcheck")


def regex_literal(text):
    """text as a POSIX extended regular expression matching itself."""
    return "".join("\\" + c if c in REGEX_SPECIALS else c for c in text)


def header_filter(project_dir, own_headers):
    """The --header-filter for the project's own headers.

    projects.tsv gives them as a regex relative to the project root; the
    filter matches the paths the compiler sees, which are neither absolute
    nor normalised: `-I..` from example/ makes `../httplib.h`, and
    `#include "./threadpool/threadpool.h"` makes `<root>/./threadpool/...`.
    """
    prefix = f"{regex_literal(project_dir)}/|\\./|\\.\\./|.*/\\.\\./"
    return f"^({prefix})*({own_headers})$"


def setup_hint(row, project_dir):
    return (f"{row['project']}: not set up (no {row['database']}/"
            f"compile_commands.json under {project_dir}); fetch "
            f"{row['repo']} at {row['commit']}, extract it into {project_dir} "
            "and make its compile_commands.json with its own build system, "
            "as bench/realworld/README.md says")


def command(args, row, project_dir, report):
    cmd = [args.loadcheck, "-q", "-p",
           os.path.join(project_dir, row["database"]), "--root", project_dir,
           "--format=json", "-o", report, f"-j{args.jobs}",
           f"--checks={args.checks}"]
    if row["header_filter"] != "-" and not args.no_header_filter:
        cmd.append("--header-filter=" +
                   header_filter(project_dir, row["header_filter"]))
    if row["extra_args"] != "-":
        cmd += [f"--extra-arg={arg}" for arg in row["extra_args"].split()]
    return cmd + args.loadcheck_arg


def children_cpu():
    """user + sys CPU seconds of every waited-for child so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def parse_cpu(database):
    """user + sys CPU seconds of `-fsyntax-only` over every distinct compile
    of the database, with each TU's own command (the limit loadcheck is held
    to)."""
    with open(database, encoding="utf-8") as handle:
        entries = json.load(handle)
    before = children_cpu()
    seen = set()
    for entry in entries:
        argv = entry.get("arguments") or shlex.split(entry["command"])
        kept, skip = [], False
        for arg in argv[1:]:
            if skip:
                skip = False
            elif arg in ("-o", "-MF", "-MT", "-MQ"):
                skip = True
            elif arg == "-c" or arg.startswith(("-M", "-o")):
                continue
            else:
                kept.append(arg)
        # A command that differs from another of the same file only by its
        # object file (a static and a shared build) is one compile, as
        # loadcheck analyses it once.
        key = (entry["directory"], tuple(kept))
        if key in seen:
            continue
        seen.add(key)
        subprocess.run([argv[0], "-fsyntax-only", "-w"] + kept,
                       cwd=entry["directory"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=False)
    return round(children_cpu() - before, 1)


LINK_LINE = re.compile(r"link: .* in ([0-9.]+) ms; driver peak RSS (\d+) MiB")


def run_project(args, row, project_dir):
    """Runs loadcheck over one project; True when it wrote a report."""
    name = row["project"]
    report = os.path.join(args.out, f"{name}.json")
    if os.path.exists(report):
        os.remove(report)
    cmd = command(args, row, project_dir, report)
    if args.cost:
        cmd.append("-v")
    print(f"run: {name}: {' '.join(cmd)}", flush=True)
    start = time.monotonic()
    cpu_before = children_cpu()
    result = subprocess.run(cmd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, check=False)
    cpu = round(children_cpu() - cpu_before, 1)
    seconds = round(time.monotonic() - start, 1)
    # 1: findings; 3: some files not analysed (listed in the report).
    ok = result.returncode in (0, 1, 3) and os.path.exists(report)
    if not ok:
        print(f"run: {name}: loadcheck exited {result.returncode} without a "
              f"report:\n{result.stderr[-2000:]}", file=sys.stderr)
        return False
    meta = {"project": name, "repo": row["repo"], "commit": row["commit"],
            "seconds": seconds, "exit_code": result.returncode,
            "checks": args.checks, "command": cmd,
            "header_filter": None if args.no_header_filter
            or row["header_filter"] == "-" else row["header_filter"]}
    link = LINK_LINE.search(result.stderr)  # with -v, from --cost
    meta["cost"] = {"cpu_seconds": cpu,
                    "link_ms": float(link.group(1)) if link else None,
                    "driver_peak_mib": int(link.group(2)) if link else None}
    if args.cost:
        parse = parse_cpu(os.path.join(project_dir, row["database"],
                                       "compile_commands.json"))
        meta["cost"]["parse_cpu_seconds"] = parse
        meta["cost"]["ratio"] = round(cpu / max(parse, 0.1), 2)
    print(f"run: {name}: cost {json.dumps(meta['cost'])}", flush=True)
    with open(os.path.join(args.out, f"{name}.meta.json"), "w",
              encoding="utf-8") as handle:
        json.dump(meta, handle, indent=2)
    print(f"run: {name}: {seconds} s, exit code {result.returncode}",
          flush=True)
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loadcheck", default=default_loadcheck(),
                        help="the loadcheck binary (default: the build's)")
    parser.add_argument("--corpus-dir", default="/work/corpus",
                        help="where the projects are set up, one directory "
                        "per project (default: /work/corpus)")
    parser.add_argument("--out", default=os.path.join(ROOT, "build",
                                                      "realworld"),
                        help="directory of the reports (default: "
                        "build/realworld)")
    parser.add_argument("--checks", default="-*,loadcheck-*")
    parser.add_argument("-j", "--jobs", type=int, default=2)
    parser.add_argument("--project", action="append",
                        help="run only this project (repeatable)")
    parser.add_argument("--no-header-filter", action="store_true",
                        help="a plain run: findings in main files only")
    parser.add_argument("--loadcheck-arg", action="append", default=[],
                        help="one more argument for loadcheck (repeatable), "
                        "e.g. --loadcheck-arg=--cache-dir=/tmp/rw-cache")
    parser.add_argument("--cost", action="store_true",
                        help="also measure: loadcheck's user+sys CPU seconds "
                        "(workers included), the same for clang -fsyntax-only "
                        "over every TU, the link stage's time and the "
                        "driver's peak RSS (-v); into <project>.meta.json")
    parser.add_argument("--no-score", action="store_true",
                        help="write the reports, do not score them")
    args = parser.parse_args()
    if not args.loadcheck or not os.access(args.loadcheck, os.X_OK):
        fail("no loadcheck binary: build it (bash scripts/build.sh) or give "
             "--loadcheck")
    args.loadcheck = os.path.abspath(args.loadcheck)
    os.makedirs(args.out, exist_ok=True)
    all_ok, ran = True, []
    for row in read_projects():
        if args.project and row["project"] not in args.project:
            continue
        project_dir = os.path.abspath(os.path.join(args.corpus_dir,
                                                   row["project"]))
        database = os.path.join(project_dir, row["database"],
                                "compile_commands.json")
        if not os.path.exists(database):
            print(f"run: {setup_hint(row, project_dir)}", file=sys.stderr)
            continue
        if run_project(args, row, project_dir):
            ran.append(row["project"])
        else:
            all_ok = False
    if not ran:
        fail(f"no project is set up under {args.corpus_dir}")
    if not args.no_score:
        score = [sys.executable, os.path.join(HERE, "score.py")]
        score += [os.path.join(args.out, f"{name}.json") for name in ran]
        subprocess.run(score, check=False)
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
