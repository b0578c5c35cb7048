#!/usr/bin/env python3
"""Generates the include lists of the robustness corpus.

Every public header of each installed service library is listed in
tests/robustness/corpus/includes/<library>.h, so that a corpus TU including
that list includes the whole library. The lists are committed (the corpus is
reproducible and reviewable); rerun this script after a library upgrade:

    python3 tests/robustness/gen_includes.py            # rewrite the lists
    python3 tests/robustness/gen_includes.py --check    # fail if stale

"Public" means: not under a detail/, impl/, internal/ or similar directory
(those are included by the public headers anyway). Headers that cannot be
compiled on Linux or on their own are excluded below, each with the reason;
the generated file repeats the exclusions as comments.
"""
import argparse
import fnmatch
import os
import sys

INCLUDE = "/usr/include"
MULTIARCH = "/usr/include/x86_64-linux-gnu"

# Directory names whose headers are implementation details, included by the
# public headers that need them.
PRIVATE_DIRS = {"detail", "details", "impl", "internal", "thirdparty"}

# (pattern relative to the include root, reason). fnmatch patterns.
COMMON_EXCLUDES = [
    ("*_WIN32*.h", "Windows implementation (needs <windows.h>)"),
    ("*_WINCE*.h", "Windows CE implementation"),
    ("*_VX*.h", "VxWorks implementation"),
    ("*_VMS*.h", "OpenVMS implementation"),
    ("*_DEC*.h", "Tru64 implementation"),
    ("*_QNX.h", "QNX implementation"),
    ("*_SUN.h", "Solaris implementation (needs <ieeefp.h>)"),
    ("*_HPUX.h", "HP-UX implementation"),
    ("*_Android.h", "Android implementation"),
    ("*_DUMMY*.h", "stand-in for platforms without the feature"),
    ("*-inl.h", "inline part of a header, included by it (spdlog)"),
]

LIBRARIES = {
    "httplib": {
        "root": INCLUDE,
        "files": ["httplib.h"],
    },
    "grpcpp": {
        "root": INCLUDE,
        "dirs": ["grpcpp"],
        "ext": (".h",),
        "exclude": [
            ("grpcpp/test/*", "test helpers: need gmock and gRPC's test "
             "libraries, not part of a service"),
            ("grpcpp/impl/codegen/*", "deprecated forwarding headers of "
             "grpc++ 1.51 kept for old generated code"),
        ],
    },
    "asio": {
        "root": INCLUDE,
        "files": ["boost/asio.hpp"],
        "dirs": ["boost/asio"],
        "ext": (".hpp",),
        "exclude": [
            ("boost/asio/windows/*", "Windows-only (overlapped I/O)"),
            ("boost/asio/experimental/*", "experimental, not installed "
             "as a stable interface"),
        ],
    },
    "beast": {
        "root": INCLUDE,
        "files": ["boost/beast.hpp"],
        "dirs": ["boost/beast"],
        "ext": (".hpp",),
        "exclude": [
            ("boost/beast/_experimental/*", "experimental, not part of the "
             "stable interface"),
            ("boost/beast/src.hpp", "Beast's separate-compilation source: "
             "for one TU of a library build, refuses header-only mode"),
        ],
    },
    "poco_foundation": {
        "root": INCLUDE,
        "dirs": ["Poco"],
        "recursive": False,
        "ext": (".h",),
        "exclude": [
            ("Poco/UnWindows.h", "Windows only (includes <windows.h>)"),
            ("Poco/EventLogChannel.h", "Windows event log"),
            ("Poco/Windows*.h", "Windows console channels"),
            ("Poco/PriorityDelegate.h", "bug in Poco 1.12: the void "
             "specialisations use a member _pTarget they do not declare; "
             "clang rejects the template, GCC only on instantiation"),
        ],
    },
    "poco_net": {
        "root": INCLUDE,
        "dirs": ["Poco/Net"],
        "ext": (".h",),
        "exclude": [
            ("Poco/Net/MultiSocketPoller.h", "does not include what it uses "
             "(PollSet, UDPServerParams): valid only through UDPServer.h, "
             "which is included"),
            ("Poco/Net/SingleSocketPoller.h", "does not include what it uses "
             "(UDPServerParams): valid only through UDPServer.h, which is "
             "included"),
        ],
    },
    "poco_util": {
        "root": INCLUDE,
        "dirs": ["Poco/Util"],
        "ext": (".h",),
        "exclude": [
            ("Poco/Util/WinRegistryConfiguration.h", "Windows registry"),
            ("Poco/Util/WinRegistryKey.h", "Windows registry"),
            ("Poco/Util/WinService.h", "Windows service"),
        ],
    },
    "poco_data": {
        "root": INCLUDE,
        "dirs": ["Poco/Data"],
        "ext": (".h",),
        "exclude": [
            ("Poco/Data/ODBC/*", "needs <sql.h> of unixODBC, not a "
             "dependency of loadcheck"),
            ("Poco/Data/MySQL/*", "needs <mysql/mysql.h> under the name "
             "Debian does not install (<mysql.h>)"),
        ],
    },
    "poco_json": {"root": INCLUDE, "dirs": ["Poco/JSON"], "ext": (".h",)},
    "pqxx": {
        "root": INCLUDE,
        "dirs": ["pqxx"],
        "recursive": False,
        # The public headers have no extension; each includes its .hxx.
        "ext": ("",),
    },
    "hiredis": {
        "root": INCLUDE,
        "dirs": ["hiredis"],
        "ext": (".h",),
        "exclude": [
            ("hiredis/adapters/ae.h", "needs Redis's own event loop (ae.h)"),
            ("hiredis/adapters/glib.h", "needs GLib"),
            ("hiredis/adapters/ivykis.h", "needs libivykis"),
            ("hiredis/adapters/libev.h", "needs libev"),
            ("hiredis/adapters/libevent.h", "needs libevent"),
            ("hiredis/adapters/libuv.h", "needs libuv"),
            ("hiredis/adapters/macosx.h", "needs macOS CoreFoundation"),
            ("hiredis/adapters/qt.h", "needs Qt"),
        ],
    },
    "curl": {
        "root": MULTIARCH,
        "dirs": ["curl"],
        "ext": (".h",),
        "exclude": [
            ("curl/typecheck-gcc.h", "internal part of curl.h, only valid "
             "when included by it"),
            ("curl/stdcheaders.h", "declares C library functions with "
             "pre-standard signatures; never included by curl.h"),
        ],
    },
    "spdlog": {
        "root": INCLUDE,
        "dirs": ["spdlog"],
        "ext": (".h",),
        "exclude": [
            ("spdlog/sinks/android_sink.h", "Android only"),
            ("spdlog/sinks/msvc_sink.h", "Windows only"),
            ("spdlog/sinks/win_eventlog_sink.h", "Windows only"),
            ("spdlog/sinks/wincolor_sink.h", "Windows only"),
            ("spdlog/sinks/qt_sinks.h", "needs Qt"),
            ("spdlog/sinks/systemd_sink.h", "needs libsystemd headers"),
            ("spdlog/sinks/mongo_sink.h", "needs mongocxx"),
        ],
    },
    "nlohmann_json": {
        "root": INCLUDE,
        "dirs": ["nlohmann"],
        "ext": (".hpp",),
    },
}


def excluded(rel, spec):
    for pattern, reason in COMMON_EXCLUDES + spec.get("exclude", []):
        if fnmatch.fnmatch(rel, pattern):
            return reason
    return None


def collect(spec):
    """Returns (included, [(header, reason)]) for one library."""
    root = spec["root"]
    candidates = list(spec.get("files", []))
    for top in spec.get("dirs", []):
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
            dirnames[:] = sorted(d for d in dirnames if d not in PRIVATE_DIRS)
            if not spec.get("recursive", True):
                dirnames[:] = []
            for name in sorted(filenames):
                _, ext = os.path.splitext(name)
                if ext in spec["ext"]:
                    candidates.append(
                        os.path.relpath(os.path.join(dirpath, name), root))
    included, skipped = [], []
    for rel in sorted(set(candidates)):
        reason = excluded(rel, spec)
        if reason:
            skipped.append((rel, reason))
        else:
            included.append(rel)
    return included, skipped


def render(name, included, skipped):
    out = [f"// Generated by tests/robustness/gen_includes.py: every public "
           f"header of {name}.",
           "// Do not edit; rerun the script after a library upgrade.",
           f"// {len(included)} headers included, {len(skipped)} excluded."]
    for rel, reason in skipped:
        out.append(f"// excluded: {rel}: {reason}")
    out.append("#pragma once")
    out += [f"#include <{rel}>" for rel in included]
    return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="fail if a committed list differs")
    parser.add_argument("--out", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "corpus", "includes"))
    args = parser.parse_args()
    stale = []
    for name, spec in LIBRARIES.items():
        included, skipped = collect(spec)
        if not included:
            print(f"gen_includes: error: no headers of {name} under "
                  f"{spec['root']}", file=sys.stderr)
            return 1
        text = render(name, included, skipped)
        path = os.path.join(args.out, name + ".h")
        if args.check:
            try:
                with open(path) as f:
                    if f.read() != text:
                        stale.append(path)
            except OSError:
                stale.append(path)
        else:
            os.makedirs(args.out, exist_ok=True)
            with open(path, "w") as f:
                f.write(text)
            print(f"{path}: {len(included)} headers, {len(skipped)} excluded")
    if stale:
        print("gen_includes: error: stale include lists (rerun "
              "tests/robustness/gen_includes.py): " + " ".join(stale),
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
