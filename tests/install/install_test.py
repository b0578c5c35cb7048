#!/usr/bin/env python3
"""Tests of loadcheck's installation and Debian package (cmake/Install.cmake).

Each case installs into a temporary directory and never touches the system:
  StagedInstallRunsExampleService  `cmake --install --prefix TMP`: the layout,
      the installed driver over the example service (its findings are exactly
      the service's BAD markers), --explain reading the installed pages.
  ManPageMatchesHelp  the options of docs/loadcheck.1 are those of
      `loadcheck --help` and `loadcheck merge --help`.
  DebPackage  `cpack -G DEB` into TMP: control fields (runtime dependencies
      only), the file list, the copyright file, and the unpacked driver runs.

Usage: install_test.py CASE --build-dir B --source-dir S --cmake C --cpack P
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

FAILURES = []


def check(condition, message):
    if not condition:
        FAILURES.append(message)
    return condition


def run(command, cwd=None):
    env = dict(os.environ)
    env.pop("LOADCHECK_DOCS_DIR", None)  # the installed pages must be found
    env.pop("NO_COLOR", None)
    return subprocess.run([str(c) for c in command], cwd=cwd, env=env,
                          capture_output=True, text=True)


def require(result, what):
    if result.returncode != 0:
        sys.exit(f"FAIL: {what} exited {result.returncode}:\n"
                 f"{result.stdout}\n{result.stderr}")
    return result


def llvm_major(build_dir):
    """The LLVM major version of the build (its clang resource directory)."""
    cache = (Path(build_dir) / "CMakeCache.txt").read_text()
    match = re.search(r"^LOADCHECK_CLANG_RESOURCE_DIR:PATH=.*/(\d+)$", cache,
                      re.M)
    return match.group(1)


def check_pages(source_dir):
    return sorted(p.name for p in (Path(source_dir) / "docs/checks").glob(
        "loadcheck-*.md"))


# ---- the layout and the installed driver ----------------------------------

def expected_files(source_dir):
    """Installed files, relative to the prefix."""
    files = ["bin/loadcheck", "lib/loadcheck/libloadcheck.so",
             "share/loadcheck/profile/high-traffic.clang-tidy",
             "share/man/man1/loadcheck.1", "share/doc/loadcheck/copyright",
             "share/doc/loadcheck/LICENSE", "share/doc/loadcheck/README.md"]
    files += ["share/loadcheck/docs/checks/" + p
              for p in check_pages(source_dir)]
    return files


def check_explain_reads(binary, docs_dir):
    """--explain prints the page below docs_dir, not the source tree's."""
    page = Path(docs_dir) / "loadcheck-unjoined-thread.md"
    marker = "(this copy is the installed page)"
    page.write_text(page.read_text() + marker + "\n")
    result = run([binary, "--explain", "loadcheck-unjoined-thread"], cwd="/")
    check(result.returncode == 0 and marker in result.stdout,
          f"{binary} --explain did not print the page in {docs_dir}:\n"
          f"{result.stdout[-300:]}{result.stderr}")


def bad_markers(source_dir):
    """(file, line, check) of every `// BAD(loadcheck-x)` marker of the example
    service; a marker applies to the next line that is not a comment."""
    marker = re.compile(r"// BAD\((loadcheck-[a-z-]+)\)")
    sites = set()
    for path in sorted((Path(source_dir) / "examples/service").rglob("*")):
        if path.suffix not in (".c", ".cpp", ".h"):
            continue
        pending = []
        for number, line in enumerate(path.read_text().splitlines(), 1):
            found = marker.search(line)
            if found:
                pending.append(found.group(1))
            elif not line.strip().startswith("//"):
                sites.update((str(path), number, c) for c in pending)
                pending = []
    return sites


def findings(output, cwd):
    warning = re.compile(r"^(.+):(\d+):\d+: warning: .* \[(loadcheck-[a-z-]+)\]$")
    sites = set()
    for line in output.splitlines():
        match = warning.match(line)
        if match:
            path = Path(cwd) / match.group(1)
            sites.add((str(path.resolve()), int(match.group(2)),
                       match.group(3)))
    return sites


def staged_install(args):
    with tempfile.TemporaryDirectory(prefix="loadcheck-install-") as tmp:
        prefix = Path(tmp) / "prefix"
        require(run([args.cmake, "--install", args.build_dir, "--prefix",
                     prefix]), "cmake --install")
        for relative in expected_files(args.source_dir):
            check((prefix / relative).is_file(), f"not installed: {relative}")
        binary = prefix / "bin/loadcheck"
        readelf = run(["readelf", "-d", binary]).stdout
        check(str(args.build_dir) not in readelf,
              "the installed loadcheck has a run path into the build tree")
        check_explain_reads(binary, prefix / "share/loadcheck/docs/checks")

        source = Path(args.source_dir).resolve()
        result = run([binary, "--checks=-*,loadcheck-*", "-p",
                      Path(args.build_dir) / "example-service",
                      "examples/service"], cwd=source)
        check(result.returncode == 1,
              f"installed loadcheck on the example service exited "
              f"{result.returncode}, expected 1:\n{result.stderr}")
        expected = bad_markers(source)
        found = findings(result.stdout, source)
        check(expected, "no BAD marker in examples/service")
        for site in sorted(expected - found):
            check(False, f"no finding for the BAD marker {site}")
        for site in sorted(found - expected):
            check(False, f"finding without a BAD marker {site}")


# ---- the man page ----------------------------------------------------------

def help_options(text):
    """Option names of a CLI11 help text (its Options: section)."""
    names = set()
    in_options = False
    for line in text.splitlines():
        if line.startswith("Options:"):
            in_options = True
            continue
        if in_options:
            match = re.match(r"^  (-[\w-]+(?:,--[\w-]+)?)", line)
            if match:
                names.update(match.group(1).split(","))
    return names


def man_options(text, section):
    """Option names of the .TP entries of a man page section."""
    names = set()
    lines = text.splitlines()
    current = None
    for index, line in enumerate(lines):
        if line.startswith(".SH "):
            current = line[4:].strip().strip('"')
        elif current == section and line == ".TP" and index + 1 < len(lines):
            tag = lines[index + 1].replace("\\-", "-")
            names.update(re.findall(r"\\fB(--?[\w-]+)\\fR", tag))
    return names


def man_page_matches_help(args):
    binary = Path(args.build_dir) / "tool/loadcheck"
    page = (Path(args.source_dir) / "docs/loadcheck.1").read_text()
    for command, section in (([binary, "--help"], "OPTIONS"),
                             ([binary, "merge", "--help"], "MERGE OPTIONS")):
        expected = help_options(require(run(command), " ".join(
            map(str, command))).stdout)
        documented = man_options(page, section)
        label = " ".join(map(str, command[1:]))
        check(expected, f"no option parsed from `loadcheck {label}`")
        for name in sorted(expected - documented):
            check(False, f"{name} of `loadcheck {label}` is missing from "
                  f"section {section} of docs/loadcheck.1")
        for name in sorted(documented - expected):
            check(False, f"{name} in section {section} of docs/loadcheck.1 "
                  f"is not an option of `loadcheck {label}`")
    manual = run(["man", "--warnings", "-l", "-Tutf8",
                  Path(args.source_dir) / "docs/loadcheck.1"])
    if manual.returncode == 0 or "not found" not in manual.stderr:
        check(manual.returncode == 0 and not manual.stderr.strip(),
              f"man reports problems in docs/loadcheck.1:\n{manual.stderr}")


# ---- the Debian package ----------------------------------------------------

def control_field(control, name):
    match = re.search(rf"^{name}: (.*(?:\n .*)*)", control, re.M)
    return match.group(1) if match else ""


def package_names(field):
    """Package names of a Depends-like field (alternatives included)."""
    return {re.match(r"\s*([^\s(]+)", alternative).group(1)
            for part in field.split(",") if part.strip()
            for alternative in part.split("|")}


def check_copyright(text):
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p]
    check(paragraphs[0].startswith(
        "Format: https://www.debian.org/doc/packaging-manuals/"
        "copyright-format/1.0/"), "copyright: no Format header")
    used = set(re.findall(r"^Files: .*\n(?:.*\n)*?License: (.+)$",
                          text, re.M))
    standalone = {p.split("\n", 1)[0][len("License: "):]
                  for p in paragraphs if p.startswith("License: ")}
    check("Apache-2.0 WITH LLVM-exception" in used,
          "copyright: the package's files are not Apache-2.0 WITH "
          "LLVM-exception")
    for licence in used:
        check(licence in standalone,
              f"copyright: licence {licence!r} has no text paragraph")


def deb_package(args):
    major = llvm_major(args.build_dir)
    with tempfile.TemporaryDirectory(prefix="loadcheck-deb-") as tmp:
        require(run([args.cpack, "-G", "DEB", "--config",
                     Path(args.build_dir) / "CPackConfig.cmake", "-B", tmp]),
                "cpack -G DEB")
        debs = list(Path(tmp).glob("*.deb"))
        if len(debs) != 1:
            sys.exit(f"FAIL: cpack made {len(debs)} .deb files")
        deb = debs[0]
        control = require(run(["dpkg-deb", "-f", deb]), "dpkg-deb -f").stdout
        check(control_field(control, "Package") == "loadcheck",
              "Package is not loadcheck")
        depends = package_names(control_field(control, "Depends"))
        for needed in ("libc6", "libstdc++6", f"libllvm{major}",
                       f"libclang-cpp{major}", f"libclang-common-{major}-dev"):
            check(needed in depends, f"Depends lacks {needed}: {depends}")
        # Runtime packages only; clang's builtin headers are the exception.
        for name in depends:
            check(not name.endswith("-dev") or
                  name == f"libclang-common-{major}-dev",
                  f"Depends on a development package: {name}")
        check(f"clang-tidy-{major}" in package_names(
            control_field(control, "Suggests")),
              f"Suggests lacks clang-tidy-{major} (for the plugin)")

        listing = require(run(["dpkg-deb", "-c", deb]), "dpkg-deb -c").stdout
        paths = {line.split()[-1].lstrip(".") for line in listing.splitlines()}
        for relative in expected_files(args.source_dir):
            check("/usr/" + relative in paths, f"not in the package: "
                  f"/usr/{relative}")
        for path in paths:
            check(path.startswith("/usr/") or path == "/",
                  f"outside /usr: {path}")
            check("test" not in Path(path).name,
                  f"a test file in the package: {path}")

        root = Path(tmp) / "root"
        require(run(["dpkg-deb", "-x", deb, root]), "dpkg-deb -x")
        check_copyright(
            (root / "usr/share/doc/loadcheck/copyright").read_text())
        version = run([root / "usr/bin/loadcheck", "--version"])
        check(version.returncode == 0 and control_field(
            control, "Version") in version.stdout,
              f"the packaged loadcheck --version: {version.stdout}"
              f"{version.stderr}")
        check_explain_reads(root / "usr/bin/loadcheck",
                            root / "usr/share/loadcheck/docs/checks")


CASES = {"StagedInstallRunsExampleService": staged_install,
         "ManPageMatchesHelp": man_page_matches_help,
         "DebPackage": deb_package}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("case", choices=sorted(CASES))
    parser.add_argument("--build-dir", required=True)
    parser.add_argument("--source-dir", required=True)
    parser.add_argument("--cmake", default="cmake")
    parser.add_argument("--cpack", default="cpack")
    args = parser.parse_args()
    CASES[args.case](args)
    for failure in FAILURES:
        print("FAIL:", failure)
    if not FAILURES:
        print("ok:", args.case)
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
