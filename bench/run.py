#!/usr/bin/env python3
"""loadcheck's benchmark: analysis time and memory against the parse time.

Usage (from the repository root, after `bash scripts/build.sh`):

    python3 bench/run.py            # default run, ~10 minutes on 2 quiet cores
    python3 bench/run.py --quick    # one run, fewer TUs: a smoke test (~2 min)

Per translation unit of three corpora (the project's own compilation
database, the example service, the heavy-header TUs of bench/tus), it times
side by side, interleaved, the median of --runs runs of:

    parse     clang++-19 -fsyntax-only with the TU's own flags (the limit)
    checks    loadcheck -j1 --checks='-*,loadcheck-*'
    profile   loadcheck -j1 with the high-traffic profile's checks
    tidy      clang-tidy-19 -load=libloadcheck.so with the same checks

and the peak RSS of each (getrusage of the child, which covers the
loadcheck worker the driver waits for). Then -j1 against -j2 over the heavy
corpus and, when the driver has --cache-dir, a cold against a warm cache.
It prints a table of ratios to the parse time and writes a JSON file
(shape: bench/README.md). See bench/README.md for the targets.
"""

import argparse
import datetime
import json
import os
import platform
import re
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLANGXX = "clang++-19"
CLANG_TIDY = "clang-tidy-19"
VARIANTS = ["parse", "checks", "profile", "tidy"]
CHECKS_ONLY = "-*,loadcheck-*"


def fail(message):
    sys.exit(f"bench: error: {message}")


def profile_checks():
    """The Checks value of docs/profile/high-traffic.clang-tidy, one string."""
    path = os.path.join(ROOT, "docs", "profile", "high-traffic.clang-tidy")
    text = open(path, encoding="utf-8").read()
    match = re.search(r"^Checks: >-\n((?:  .*\n)+)", text, re.M)
    if not match:
        fail(f"cannot read the Checks of {path}")
    return "".join(line.strip() for line in match.group(1).splitlines())


# --- compile commands -------------------------------------------------------

DROP_WITH_VALUE = {"-o", "-MF", "-MT", "-MQ"}
DROP_ALONE = {"-c", "-MD", "-MMD", "-fsyntax-only"}


def command_args(entry):
    if "arguments" in entry:
        return list(entry["arguments"])
    return shlex.split(entry["command"])


def syntax_only(entry):
    """The entry's compiler command, parsing only: -fsyntax-only, no output."""
    args = command_args(entry)
    out = [CLANGXX]
    skip = False
    for arg in args[1:]:
        if skip:
            skip = False
            continue
        if arg in DROP_WITH_VALUE:
            skip = True
            continue
        if arg in DROP_ALONE or arg.startswith("-o"):
            continue
        out.append(arg)
    out.append("-fsyntax-only")
    return out


def load_database(build_dir):
    path = os.path.join(build_dir, "compile_commands.json")
    if not os.path.isfile(path):
        fail(f"'{path}' does not exist: build first (bash scripts/build.sh)")
    with open(path, encoding="utf-8") as f:
        entries = json.load(f)
    for e in entries:
        e["file"] = os.path.normpath(os.path.join(e["directory"], e["file"]))
    return entries


# --- corpora ----------------------------------------------------------------


def sample(entries, count):
    """count entries spread evenly over the sorted list (0: all of them)."""
    entries = sorted(entries, key=lambda e: e["file"])
    if count and count < len(entries):
        step = len(entries) / count
        entries = [entries[int(i * step)] for i in range(count)]
    return entries


class Corpus:
    def __init__(self, name, db_dir, entries, note):
        self.name = name
        self.db_dir = db_dir
        self.entries = entries
        self.note = note


def own_corpus(build, count):
    """The project's own .cpp files (checks/, tool/, tests/ but fixtures)."""
    entries = [
        e for e in load_database(build)
        if e["file"].startswith(ROOT + os.sep) and e["file"].endswith(".cpp")
        and "/tests/fixtures/" not in e["file"]
        and "/tests/data/" not in e["file"]
    ]
    return Corpus("own", build, sample(entries, count),
                  f"the project's own sources ({build}/compile_commands.json)")


def example_corpus(build, count):
    db = os.path.join(build, "example-service")
    return Corpus("example", db, sample(load_database(db), count),
                  "examples/service")


def heavy_corpus(work, count):
    """bench/tus/*.cpp with a generated gRPC stub and a compile_commands.json
    in the work directory, next to a .clang-tidy holding the profile (so that
    both tools read the same check options)."""
    gen = os.path.join(work, "generated")
    os.makedirs(gen, exist_ok=True)
    grpc_plugin = shutil.which("grpc_cpp_plugin")
    if not shutil.which("protoc") or not grpc_plugin:
        fail("protoc and grpc_cpp_plugin are needed (scripts/install-deps.sh)")
    subprocess.run([
        "protoc", "-I" + os.path.join(ROOT, "bench", "proto"),
        "--cpp_out=" + gen, "--grpc_out=" + gen,
        "--plugin=protoc-gen-grpc=" + grpc_plugin,
        os.path.join(ROOT, "bench", "proto", "orders.proto")
    ], check=True)
    # The TUs are copied next to the profile's .clang-tidy: both tools then
    # read exactly the profile (checks and options), not the repository's
    # own lint configuration.
    src = os.path.join(ROOT, "bench", "tus")
    tus = os.path.join(work, "tus")
    os.makedirs(tus, exist_ok=True)
    shutil.copyfile(
        os.path.join(ROOT, "docs", "profile", "high-traffic.clang-tidy"),
        os.path.join(tus, ".clang-tidy"))
    entries = []
    for name in sorted(os.listdir(src)):
        if not name.endswith(".cpp"):
            continue
        path = os.path.join(tus, name)
        shutil.copyfile(os.path.join(src, name), path)
        entries.append({
            "directory": work,
            "file": path,
            "arguments": [
                CLANGXX, "-std=c++20", "-O2", "-Wall", "-Wextra", "-I" + gen,
                "-c", path, "-o", "/dev/null"
            ],
        })
    with open(os.path.join(work, "compile_commands.json"), "w") as f:
        json.dump(entries, f, indent=1)
    return Corpus("heavy", work, sample(entries, count),
                  "bench/tus: cpp-httplib, grpc++, Boost.Asio/Beast, Poco, "
                  "libpqxx, spdlog, libcurl+OpenSSL, hiredis+SQLite")


# --- measuring ----------------------------------------------------------------


class Runner:
    def __init__(self, args):
        self.args = args
        self.loadcheck = args.loadcheck
        self.plugin = args.plugin
        self.profile = profile_checks()
        self.errors = []
        self.last_stderr = ""

    def argv(self, variant, corpus, entry):
        f = entry["file"]
        if variant == "parse":
            return syntax_only(entry)
        if variant == "checks":
            return [self.loadcheck, "-q", "-j1", "-p", corpus.db_dir,
                    "--checks=" + CHECKS_ONLY, f]
        if variant == "profile":
            return [self.loadcheck, "-q", "-j1", "-p", corpus.db_dir,
                    "--checks=" + self.profile, f]
        return [CLANG_TIDY, "-load=" + self.plugin, "-p", corpus.db_dir,
                "--quiet", "--checks=" + self.profile, f]

    def measure(self, corpora):
        """Per TU and variant: median wall seconds and peak RSS, interleaved:
        every round runs each TU's variants in a rotating order."""
        results = {}
        rows = [(c, e) for c in corpora for e in c.entries]
        samples = {(c.name, e["file"], v): [] for c, e in rows
                   for v in VARIANTS}
        peaks = {(c.name, e["file"], v): 0 for c, e in rows for v in VARIANTS}
        total = len(rows) * len(VARIANTS) * self.args.runs
        done = 0
        for rnd in range(self.args.runs):
            for i, (c, e) in enumerate(rows):
                order = VARIANTS[(rnd + i) % 4:] + VARIANTS[:(rnd + i) % 4]
                for v in order:
                    argv = self.argv(v, c, e)
                    cwd = e["directory"] if v == "parse" else ROOT
                    wall, code, err, rss = timed_with_rss(argv, cwd)
                    ok = {0, 1} if v in ("checks", "profile") else {0}
                    if code not in ok:
                        last = err.strip().splitlines()[-1:] or [""]
                        self.errors.append(
                            f"{v} of {rel(e['file'])} exited {code}: {last[0]}")
                    key = (c.name, e["file"], v)
                    samples[key].append(wall)
                    peaks[key] = max(peaks[key], rss)
                    done += 1
                    progress(f"[{done}/{total}] {v:8} {rel(e['file'])}")
        progress("")
        for c in corpora:
            tus = []
            for e in c.entries:
                tu = {"file": rel(e["file"]), "seconds": {}, "peak_kib": {}}
                for v in VARIANTS:
                    key = (c.name, e["file"], v)
                    tu["seconds"][v] = round(statistics.median(samples[key]),
                                             4)
                    tu["peak_kib"][v] = peaks[key]
                tu["ratio"] = {
                    v: round(tu["seconds"][v] / tu["seconds"]["parse"], 3)
                    for v in VARIANTS
                }
                tu["memory_ratio"] = {
                    v: round(tu["peak_kib"][v] / tu["peak_kib"]["parse"], 3)
                    for v in VARIANTS
                }
                tus.append(tu)
            totals = {v: round(sum(t["seconds"][v] for t in tus), 3)
                      for v in VARIANTS}
            results[c.name] = {
                "description": c.note,
                "tus": tus,
                "total_seconds": totals,
                "total_ratio": {
                    v: round(totals[v] / totals["parse"], 3) for v in VARIANTS
                },
                "median_ratio": {
                    v: round(statistics.median(t["ratio"][v] for t in tus), 3)
                    for v in VARIANTS
                },
                "max_memory_ratio": {
                    v: max(t["memory_ratio"][v] for t in tus)
                    for v in VARIANTS
                },
            }
        return results

    def whole_run(self, corpus, extra):
        argv = [self.loadcheck, "-q", "-p", corpus.db_dir,
                "--checks=" + CHECKS_ONLY] + extra + [
                    e["file"] for e in corpus.entries]
        wall, code, err, _ = timed_with_rss(argv, ROOT)
        if code not in (0, 1):
            self.errors.append(f"loadcheck {' '.join(extra)} over "
                               f"{corpus.name} exited {code}: {err.strip()}")
        self.last_stderr = err
        return wall

    def parallel(self, corpus):
        """-j1 against -j2 over the whole corpus, interleaved; the -j2 runs
        with --verbose also give the link stage's time and the driver's
        peak RSS (its own line on stderr)."""
        verbose = ["-v"] if "--verbose" in subprocess.run(
            [self.loadcheck, "--help"], capture_output=True,
            text=True).stdout else []
        j1, j2, links = [], [], []
        for rnd in range(self.args.parallel_runs):
            for jobs in ((1, 2) if rnd % 2 == 0 else (2, 1)):
                progress(f"parallel: -j{jobs} over {len(corpus.entries)} TUs "
                         f"(round {rnd + 1})")
                extra = [f"-j{jobs}"] + (verbose if jobs == 2 else [])
                (j1 if jobs == 1 else j2).append(
                    self.whole_run(corpus, extra))
                if jobs == 2 and verbose:
                    links += link_statistics(self.last_stderr)
        progress("")
        m1, m2 = statistics.median(j1), statistics.median(j2)
        return {"corpus": corpus.name, "tus": len(corpus.entries),
                "j1_seconds": round(m1, 3), "j2_seconds": round(m2, 3),
                "speedup": round(m1 / m2, 3), "link": summarise_links(links)}

    def cache(self, corpus):
        """A cold run into an empty --cache-dir, then a warm one over the
        unchanged tree; only when the driver has the option."""
        help_text = subprocess.run([self.loadcheck, "--help"],
                                   capture_output=True, text=True).stdout
        if "--cache-dir" not in help_text:
            return {"available": False,
                    "reason": "this loadcheck has no --cache-dir option "
                              "(not in `loadcheck --help`)"}
        cold, warm = [], []
        for rnd in range(self.args.parallel_runs):
            with tempfile.TemporaryDirectory(prefix="bench-cache-") as d:
                progress(f"cache: cold run (round {rnd + 1})")
                cold.append(self.whole_run(corpus, ["-j2", "--cache-dir", d]))
                progress(f"cache: warm run (round {rnd + 1})")
                warm.append(self.whole_run(corpus, ["-j2", "--cache-dir", d]))
        progress("")
        c, w = statistics.median(cold), statistics.median(warm)
        return {"available": True, "corpus": corpus.name,
                "tus": len(corpus.entries), "jobs": 2,
                "cold_seconds": round(c, 3), "warm_seconds": round(w, 3),
                "warm_over_cold": round(w / c, 4)}


    def check_profile(self, corpus):
        """Seconds per check (matchers and callbacks, summed over the TUs) of
        the profile's checks, through loadcheck (LOADCHECK_CHECK_PROFILE_DIR)
        and through clang-tidy-19 --enable-check-profile."""
        out = {}
        for tool in ("loadcheck", "clang_tidy"):
            with tempfile.TemporaryDirectory(prefix="bench-profile-") as d:
                for e in corpus.entries:
                    progress(f"check profile: {tool} {rel(e['file'])}")
                    if tool == "loadcheck":
                        argv = self.argv("profile", corpus, e)
                        env = dict(os.environ, LOADCHECK_CHECK_PROFILE_DIR=d)
                    else:
                        argv = self.argv("tidy", corpus, e) + [
                            "--enable-check-profile",
                            "--store-check-profile=" + d]
                        env = None
                    subprocess.run(argv, cwd=ROOT, env=env,
                                   stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
                totals = {}
                for name in os.listdir(d):
                    with open(os.path.join(d, name), encoding="utf-8") as f:
                        data = json.load(f).get("profile", {})
                    for key, value in data.items():
                        m = re.fullmatch(r"time\.clang-tidy\.(.+)\.wall", key)
                        if m:
                            totals[m.group(1)] = totals.get(m.group(1), 0) + value
                out[tool] = {k: round(v, 4) for k, v in sorted(
                    totals.items(), key=lambda kv: -kv[1])}
        progress("")
        return {"corpus": corpus.name, "tus": len(corpus.entries),
                "seconds_per_check": out}


def timed_with_rss(argv, cwd):
    """Wall seconds, exit code, stderr and the peak RSS (KiB) of one command
    and the children it waited for (wait4's rusage)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    err = b""
    # wait4 gives this child's own rusage: ru_maxrss is the larger of its own
    # peak and that of the descendants it reaped (the loadcheck worker).
    while True:
        chunk = proc.stderr.read(65536)
        if not chunk:
            break
        err += chunk
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, proc.returncode, err.decode(errors="replace"), usage.ru_maxrss


LINK_LINE = re.compile(
    r"loadcheck: link: (\d+) translation units?, (\d+) functions, (\d+) "
    r"calls, (\d+) candidates \((\d+) dropped, (\d+) with notes\) in "
    r"([0-9.]+) ms; driver peak RSS (\d+) MiB")


def link_statistics(stderr):
    """The link stage's statistics of a --verbose run, [] if it printed
    none."""
    out = []
    for m in LINK_LINE.finditer(stderr):
        tus, funcs, calls, cands, dropped, notes, ms, rss = m.groups()
        out.append({"tus": int(tus), "functions": int(funcs),
                    "calls": int(calls), "candidates": int(cands),
                    "dropped": int(dropped), "with_notes": int(notes),
                    "milliseconds": float(ms), "driver_peak_mib": int(rss)})
    return out


def summarise_links(links):
    """Median link time and the largest driver peak over the runs."""
    if not links:
        return None
    last = links[-1]
    return {"tus": last["tus"], "functions": last["functions"],
            "calls": last["calls"], "candidates": last["candidates"],
            "dropped": last["dropped"], "with_notes": last["with_notes"],
            "milliseconds": round(statistics.median(
                l["milliseconds"] for l in links), 1),
            "driver_peak_mib": max(l["driver_peak_mib"] for l in links)}


def rel(path):
    return os.path.relpath(path, ROOT) if path.startswith(ROOT) else path


_last_progress = [0]


def progress(text):
    if not sys.stderr.isatty():
        return
    pad = max(0, _last_progress[0] - len(text))
    sys.stderr.write("\r" + text + " " * pad + ("\n" if not text else ""))
    sys.stderr.flush()
    _last_progress[0] = len(text)


# --- report -------------------------------------------------------------------

TARGETS = [
    ("checks_median_ratio", "loadcheck-* checks / parse, median over the "
     "heavy TUs", "<= 1.25"),
    ("profile_vs_tidy", "profile via loadcheck / via clang-tidy-19 plugin, "
     "total", "< 1"),
    ("j2_speedup", "-j2 speedup over -j1 (>= 8 TUs)", ">= 1.8"),
    ("warm_over_cold", "warm cache / cold cache", "<= 0.05"),
    ("memory_ratio", "peak RSS per worker / clang++ -fsyntax-only, worst TU",
     "<= 1.5"),
]


def evaluate(results, par, cache):
    first = "heavy" if "heavy" in results else next(iter(results))
    heavy = results[first]
    measured = {
        "checks_median_ratio": heavy["median_ratio"]["checks"],
        "profile_vs_tidy": round(
            sum(r["total_seconds"]["profile"] for r in results.values()) /
            sum(r["total_seconds"]["tidy"] for r in results.values()), 3),
        "j2_speedup": par["speedup"] if par else None,
        "warm_over_cold": cache.get("warm_over_cold"),
        "memory_ratio": max(
            max(r["max_memory_ratio"]["checks"],
                r["max_memory_ratio"]["profile"]) for r in results.values()),
    }
    out = []
    for key, what, target in TARGETS:
        what = what.replace("the heavy TUs", f"the {first} TUs")
        value = measured[key]
        op, bound = target.split()
        bound = float(bound)
        met = None if value is None else {
            "<=": value <= bound, "<": value < bound, ">=": value >= bound
        }[op]
        out.append({"target": key, "description": what, "bound": target,
                    "measured": value, "met": met})
    return out


def print_table(results, par, cache, targets, out):
    w = out.write
    for name, r in results.items():
        w(f"\n== {name}: {r['description']} ({len(r['tus'])} TUs, medians)\n")
        w(f"{'TU':44} {'parse s':>8} {'checks':>7} {'profile':>7} "
          f"{'tidy':>7} {'parse MiB':>9} {'mem chk':>7} {'mem prf':>7}\n")
        for t in r["tus"]:
            s, x, m = t["seconds"], t["ratio"], t["memory_ratio"]
            w(f"{t['file'][-44:]:44} {s['parse']:8.2f} {x['checks']:6.2f}x "
              f"{x['profile']:6.2f}x {x['tidy']:6.2f}x "
              f"{t['peak_kib']['parse'] / 1024:9.0f} {m['checks']:6.2f}x "
              f"{m['profile']:6.2f}x\n")
        tot, tr, mr = r["total_seconds"], r["total_ratio"], r["median_ratio"]
        w(f"{'total (sum of medians)':44} {tot['parse']:8.2f} "
          f"{tr['checks']:6.2f}x {tr['profile']:6.2f}x {tr['tidy']:6.2f}x\n")
        w(f"{'median of the per-TU ratios':44} {'':8} {mr['checks']:6.2f}x "
          f"{mr['profile']:6.2f}x {mr['tidy']:6.2f}x\n")
    if par:
        w(f"\n-j1 vs -j2 over {par['tus']} {par['corpus']} TUs "
          f"(--checks='{CHECKS_ONLY}'): {par['j1_seconds']:.2f} s vs "
          f"{par['j2_seconds']:.2f} s, speedup {par['speedup']:.2f}x\n")
        link = par.get("link")
        if link:
            w(f"link stage over {link['tus']} {par['corpus']} TUs (-j2): "
              f"{link['milliseconds']:.1f} ms (median), {link['functions']} "
              f"functions, {link['calls']} calls, {link['candidates']} "
              f"candidates; driver peak RSS {link['driver_peak_mib']} MiB\n")
        else:
            w("link stage: not measured (this loadcheck has no --verbose)\n")
    if cache.get("available"):
        w(f"cache over {cache['tus']} {cache['corpus']} TUs (-j2): cold "
          f"{cache['cold_seconds']:.2f} s, warm {cache['warm_seconds']:.2f} s"
          f" = {100 * cache['warm_over_cold']:.1f}% of cold\n")
    else:
        w(f"cache: not measured: {cache['reason']}\n")
    w("\ntargets:\n")
    for t in targets:
        state = {True: "met", False: "NOT MET", None: "not measured"}[t["met"]]
        value = "-" if t["measured"] is None else t["measured"]
        w(f"  {t['description']:64} {t['bound']:>8}  measured {value!s:>7}  "
          f"{state}\n")


def print_check_profile(profile, out):
    per = profile["seconds_per_check"]
    out.write(f"\nper-check time (matchers + callbacks, summed over "
              f"{profile['tus']} {profile['corpus']} TUs):\n")
    for tool, checks in per.items():
        total = sum(checks.values())
        top = ", ".join(f"{k} {v:.3f}" for k, v in list(checks.items())[:6])
        out.write(f"  {tool:10} total {total:7.3f} s; top: {top}\n")


def machine():
    cpu = ""
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cores": os.cpu_count(), "cpu": cpu,
            "loadavg_at_start": list(os.getloadavg()),
            "system": platform.platform()}


def version(argv):
    try:
        return subprocess.run(argv, capture_output=True,
                              text=True).stdout.strip().splitlines()[0]
    except (OSError, IndexError):
        return ""


def main():
    p = argparse.ArgumentParser(
        description="Benchmark loadcheck against the parse time "
        "(see bench/README.md).")
    p.add_argument("--build", default=os.path.join(ROOT, "build"),
                   help="loadcheck's build directory (default: build)")
    p.add_argument("--quick", action="store_true",
                   help="1 run, 3/2/1 TUs of heavy/example/own, 1 round of "
                   "-j1/-j2 and cold/warm")
    p.add_argument("--runs", type=int, help="runs per TU and variant "
                   "(default 3; medians are reported)")
    p.add_argument("--parallel-runs", type=int,
                   help="rounds of -j1/-j2 and cold/warm (default 2; 0 skips "
                   "them)")
    p.add_argument("--parallel-tus", type=int, default=0,
                   help="heavy TUs of -j1/-j2 and cold/warm (default 0 = all "
                   "12; at least 8)")
    p.add_argument("--corpus", default="heavy,example,own",
                   help="comma-separated subset of heavy,example,own")
    p.add_argument("--own-tus", type=int,
                   help="TUs sampled from the project's own database "
                   "(default 3; 0 = all)")
    p.add_argument("--example-tus", type=int,
                   help="TUs of the example service (default 8; 0 = all 17)")
    p.add_argument("--heavy-tus", type=int,
                   help="TUs of bench/tus (default 0 = all)")
    p.add_argument("--check-profile", action="store_true",
                   help="also sum clang-tidy's per-check matcher profile over "
                   "the heavy TUs, for loadcheck and for clang-tidy-19 with "
                   "the plugin (profile checks)")
    p.add_argument("--loadcheck", help="the driver (default "
                   "<build>/tool/loadcheck)")
    p.add_argument("--plugin", help="the plugin (default "
                   "<build>/checks/libloadcheck.so)")
    p.add_argument("--json", help="result file (default "
                   "<build>/bench/results.json)")
    args = p.parse_args()

    quick = args.quick
    args.runs = args.runs or (1 if quick else 3)
    if args.parallel_runs is None:
        args.parallel_runs = 1 if quick else 2
    own_n = args.own_tus if args.own_tus is not None else (1 if quick else 3)
    example_n = args.example_tus if args.example_tus is not None else (
        2 if quick else 8)
    heavy_n = args.heavy_tus if args.heavy_tus is not None else (
        3 if quick else 0)
    build = os.path.abspath(args.build)
    args.loadcheck = args.loadcheck or os.path.join(build, "tool",
                                                    "loadcheck")
    args.plugin = args.plugin or os.path.join(build, "checks",
                                              "libloadcheck.so")
    for tool in (args.loadcheck, args.plugin):
        if not os.path.isfile(tool):
            fail(f"'{tool}' does not exist: build first "
                 "(bash scripts/build.sh)")
    for tool in (CLANGXX, CLANG_TIDY):
        if not shutil.which(tool):
            fail(f"'{tool}' is not on PATH (scripts/install-deps.sh)")
    if args.parallel_tus and args.parallel_tus < 8:
        fail("--parallel-tus must be at least 8 (or 0: all)")
    work = os.path.join(build, "bench")
    os.makedirs(work, exist_ok=True)

    wanted = [c.strip() for c in args.corpus.split(",") if c.strip()]
    corpora = []
    for name in wanted:
        if name == "heavy":
            corpora.append(heavy_corpus(work, heavy_n))
        elif name == "example":
            corpora.append(example_corpus(build, example_n))
        elif name == "own":
            corpora.append(own_corpus(build, own_n))
        else:
            fail(f"unknown corpus '{name}' (heavy, example, own)")

    runner = Runner(args)
    started = time.time()
    info = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(
            timespec="seconds"),
        "machine": machine(),
        "tools": {"loadcheck": version([args.loadcheck, "--version"]),
                  "clang++": version([CLANGXX, "--version"]),
                  "clang-tidy": version([CLANG_TIDY, "--version"])},
        "runs": args.runs,
        "parallel_runs": args.parallel_runs,
        "profile_checks": runner.profile,
    }
    results = runner.measure(corpora)
    # -j1/-j2 and the cache need >= 8 TUs: the heavy corpus, whole.
    big = heavy_corpus(work, args.parallel_tus)
    if args.parallel_runs > 0:
        par = runner.parallel(big)
        cache = runner.cache(big)
    else:
        par = None
        cache = {"available": False, "reason": "skipped (--parallel-runs 0)"}
    measured_heavy = next((c for c in corpora if c.name == "heavy"), big)
    checks_profile = (runner.check_profile(measured_heavy)
                      if args.check_profile else None)
    targets = evaluate(results, par, cache)
    info.update({"check_profile": checks_profile,"corpora": results, "parallel": par, "cache": cache,
                 "targets": targets, "errors": runner.errors,
                 "elapsed_seconds": round(time.time() - started, 1),
                 "loadavg_at_end": list(os.getloadavg())})
    out_path = args.json or os.path.join(work, "results.json")
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(info, f, indent=1)
        f.write("\n")
    print_table(results, par, cache, targets, sys.stdout)
    if checks_profile:
        print_check_profile(checks_profile, sys.stdout)
    print(f"\n{info['date']}, {info['machine']['cores']} cores "
          f"({info['machine']['cpu']}), load {info['machine']['loadavg_at_start'][0]:.1f} at start, "
          f"{info['elapsed_seconds']:.0f} s; results: {out_path}")
    if runner.errors:
        print("\nerrors (the numbers of these runs are not meaningful):")
        for e in runner.errors:
            print("  " + e)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
