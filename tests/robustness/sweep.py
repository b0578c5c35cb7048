#!/usr/bin/env python3
"""Robustness sweep: runs the loadcheck driver with every check enabled over
real code and fails on a crash, on a finding inside a system header and on a
corpus file that does not compile.

The corpus is tests/robustness/corpus/*.cpp (translation units including
every public header of the installed service libraries, see
gen_includes.py) and, with --set full, every source of loadcheck itself from
<build>/compile_commands.json. Each set is analysed twice: with
--checks='-*,loadcheck-*' and with the default high-traffic profile.

    python3 tests/robustness/sweep.py --build-dir build            # full
    python3 tests/robustness/sweep.py --build-dir build --set ci   # bounded

Lines are counted as the lines of every file a TU includes (from the
compiler's dependency list, `clang++ -M`), each file once per TU: the amount
of code the checks' matchers walk. Exit status: 0 clean, 1 the sweep failed,
2 usage error.
"""
import argparse
import concurrent.futures
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.dirname(os.path.dirname(HERE))
CORPUS_DIR = os.path.join(HERE, "corpus")
CXX = "clang++-19"

# The bounded CI set: one TU per library family that stresses a different
# part of the checks' models (threads and handlers, gRPC stubs, async I/O,
# database clients), plus a few of loadcheck's own sources.
CI_CORPUS = ["grpc_service.cpp", "asio_service.cpp", "httplib_service.cpp",
             "pqxx_service.cpp", "hiredis_service.cpp", "curl_service.cpp"]
CI_OWN = ["tool/run/Worker.cpp", "checks/concurrency/BlockingUnderLockCheck.cpp"]

MODES = {
    "loadcheck-only": ["--checks=-*,loadcheck-*"],
    # tests/robustness/corpus/.clang-tidy sets no checks: the driver's
    # default profile applies. Own sources get it through --checks (their
    # .clang-tidy would override it).
    "profile": [],
}


def corpus_flags(build_dir):
    return ["-std=c++20", "-I/usr/include/postgresql",
            "-I" + os.path.join(build_dir, "tests", "generated")]


def write_corpus_database(directory, files, build_dir):
    entries = [{"directory": CORPUS_DIR, "file": f,
                "arguments": [CXX] + corpus_flags(build_dir) + ["-c", f]}
               for f in files]
    with open(os.path.join(directory, "compile_commands.json"), "w") as out:
        json.dump(entries, out, indent=1)


def own_sources(build_dir):
    with open(os.path.join(build_dir, "compile_commands.json")) as f:
        entries = json.load(f)
    out = {}
    for e in entries:
        path = os.path.normpath(os.path.join(e["directory"], e["file"]))
        if path.startswith(SOURCE_DIR + os.sep) and path.endswith(".cpp"):
            out[path] = e
    return out


def dependency_args(entry):
    """The compile command of an entry, turned into `-M` (precompiled
    headers dropped: -M reads the headers they were made from)."""
    args = entry.get("arguments") or shlex.split(entry["command"])
    out, skip = [CXX], 0
    for i, a in enumerate(args[1:], 1):
        if skip:
            skip -= 1
            continue
        if a in ("-o", "-MF", "-MT", "-MQ"):
            skip = 1
        elif a == "-Xclang" and i + 1 < len(args) and \
                args[i + 1] in ("-include-pch", "-include"):
            skip = 3  # -Xclang -include-pch -Xclang <file>
        elif a in ("-c", "-MD", "-MMD", "-Winvalid-pch") or \
                a.startswith("-fpch"):
            continue
        else:
            out.append(a)
    return out + ["-M", "-MF", "-"]


def count_lines(entry):
    """(files, lines) of everything the TU includes, or (0, 0)."""
    run = subprocess.run(dependency_args(entry), cwd=entry["directory"],
                         capture_output=True, text=True)
    if run.returncode != 0:
        return 0, 0
    deps = run.stdout.replace("\\\n", " ").split(":", 1)[-1].split()
    files, lines = 0, 0
    for d in set(deps):
        path = os.path.join(entry["directory"], d)
        try:
            with open(path, "rb") as f:
                lines += f.read().count(b"\n")
            files += 1
        except OSError:
            pass
    return files, lines


def run_driver(loadcheck, build_path, files, extra, jobs, cwd):
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as tmp:
        report = tmp.name
    cmd = [loadcheck, "-q", "-p", build_path, "-j", str(jobs),
           "--format=json", "--output=" + report] + extra + files
    start = time.monotonic()
    run = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    elapsed = time.monotonic() - start
    try:
        with open(report) as f:
            data = json.load(f)
    except (OSError, ValueError):
        data = None
    os.unlink(report)
    return run, data, elapsed


def is_system_path(path):
    return not (path.startswith(SOURCE_DIR + os.sep))


def analyse(name, run, data, problems, findings_out):
    """Classifies one driver run; appends failures to problems."""
    crashes = 0
    if run.returncode < 0 or run.returncode not in (0, 1, 3):
        problems.append(f"{name}: driver exited with {run.returncode}: "
                        f"{run.stderr.strip()}")
        return 1
    if data is None:
        problems.append(f"{name}: no JSON report: {run.stderr.strip()}")
        return 1
    root = data.get("root", SOURCE_DIR)
    for failure in data.get("failures", []):
        reason = failure.get("reason", "")
        if "does not compile" in reason:
            problems.append(f"{name}: corpus file does not compile: {reason}")
        else:
            crashes += 1
            problems.append(f"{name}: analysis failed: {reason}")
    for f in data.get("findings", []):
        path = os.path.normpath(os.path.join(root, f["file"]))
        if f["check"].startswith("clang-diagnostic-"):
            continue  # compiler diagnostics: counted through failures
        where = f"{path}:{f['line']}:{f['column']}"
        if is_system_path(path):
            problems.append(f"{name}: finding in a system header: {where}: "
                            f"{f['message']} [{f['check']}]")
        findings_out.append(f"{where}: {f['message']} [{f['check']}]")
    return crashes


def profile_checks(loadcheck):
    """The default profile's check list, as the driver enables it in a
    directory without .clang-tidy (the corpus)."""
    run = subprocess.run([loadcheck, "--list-checks"], cwd=CORPUS_DIR,
                         capture_output=True, text=True, check=True)
    # "Enabled checks:" then one "    <name>  [<section>]" line per check.
    names = [l.split()[0] for l in run.stdout.splitlines()
             if l.startswith("    ") and l.strip()]
    if not names:
        raise RuntimeError("no checks in --list-checks: " + run.stdout)
    return "-*," + ",".join(names)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", default=os.path.join(SOURCE_DIR,
                                                            "build"))
    parser.add_argument("--loadcheck", help="default: <build>/tool/loadcheck")
    parser.add_argument("--set", choices=["ci", "full"], default="full")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count())
    parser.add_argument("--show-findings", action="store_true",
                        help="list the findings in the corpus's own files")
    parser.add_argument("--only", action="append", default=[],
                        metavar="FILE", help="analyse only this corpus TU "
                        "(repeatable; no own sources)")
    parser.add_argument("--add-checks", metavar="GLOBS",
                        help="also enable these checks in every mode (the "
                        "test-only checks of loadcheck_crashtest)")
    parser.add_argument("--driver-arg", action="append", default=[],
                        metavar="ARG", help="pass this option to every "
                        "driver run (repeatable)")
    args = parser.parse_args()
    build_dir = os.path.abspath(args.build_dir)
    loadcheck = args.loadcheck or os.path.join(build_dir, "tool", "loadcheck")
    if not os.access(loadcheck, os.X_OK):
        print(f"sweep: error: no loadcheck binary at {loadcheck}",
              file=sys.stderr)
        return 2

    if args.only:
        corpus, own = args.only, []
        unknown = [f for f in corpus
                   if not os.path.isfile(os.path.join(CORPUS_DIR, f))]
        if unknown:
            print("sweep: error: not in the corpus: " + " ".join(unknown),
                  file=sys.stderr)
            return 2
    elif args.set == "ci":
        corpus = CI_CORPUS
        own = [os.path.join(SOURCE_DIR, p) for p in CI_OWN]
    else:
        corpus = sorted(f for f in os.listdir(CORPUS_DIR)
                        if f.endswith(".cpp"))
        own = sorted(own_sources(build_dir))
    own_db = own_sources(build_dir)
    missing = [p for p in own if p not in own_db]
    if missing:
        print("sweep: error: not in compile_commands.json: " +
              " ".join(missing), file=sys.stderr)
        return 2

    start = time.monotonic()
    problems, findings = [], []
    crashes = 0
    per_mode = {}
    with tempfile.TemporaryDirectory(prefix="loadcheck-sweep") as tmp:
        write_corpus_database(tmp, corpus, build_dir)
        corpus_paths = [os.path.join(CORPUS_DIR, f) for f in corpus]
        for mode, extra in MODES.items():
            checks = list(extra)  # [] = the default profile
            if args.add_checks:
                checks = [(checks[0] if checks else
                           "--checks=" + profile_checks(loadcheck)) +
                          "," + args.add_checks]
            corpus_extra = checks + args.driver_arg
            own_extra = (checks or ["--checks=" + profile_checks(loadcheck)]
                         ) + args.driver_arg
            for label, build_path, files, flags in (
                    ("corpus", tmp, corpus_paths, corpus_extra),
                    ("own", build_dir, own, own_extra)):
                if not files:
                    continue
                run, data, elapsed = run_driver(loadcheck, build_path, files,
                                                flags, args.jobs, CORPUS_DIR)
                found = []
                crashes += analyse(f"{label}/{mode}", run, data, problems,
                                   found)
                per_mode[f"{label}/{mode}"] = (len(files), len(found), elapsed)
                findings += [f"[{mode}] {f}" for f in found]

        entries = [{"directory": CORPUS_DIR, "file": p,
                    "arguments": [CXX] + corpus_flags(build_dir) + ["-c", p]}
                   for p in corpus_paths] + [own_db[p] for p in own]
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            counts = list(pool.map(count_lines, entries))
    total_lines = sum(lines for _, lines in counts)
    total_files = sum(files for files, _ in counts)
    elapsed = time.monotonic() - start

    tus = len(corpus) + len(own)
    print(f"sweep ({'only' if args.only else args.set}): {tus} translation units ({len(corpus)} "
          f"corpus, {len(own)} own sources), each analysed in "
          f"{len(MODES)} modes")
    print(f"sweep: {total_lines} lines analysed per mode (all files each TU "
          f"includes, counted once per TU; {total_files} file inclusions)")
    for name, (n, found, secs) in per_mode.items():
        print(f"sweep:   {name}: {n} TUs, {found} findings, {secs:.1f} s")
    print(f"sweep: {crashes} crashes, {len(findings)} findings in the "
          f"corpus's own files, {elapsed:.1f} s")
    if args.show_findings:
        for f in findings:
            print("  " + f)
    for p in problems:
        print("sweep: error: " + p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
