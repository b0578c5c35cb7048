#!/usr/bin/env python3
"""Runs the CI snippets of the README as written, on the example service.

The README's GitHub Actions workflow and GitLab CI job are read from their
```yaml blocks (the block opening with `# .github/workflows/loadcheck.yml`,
the one opening with `# .gitlab-ci.yml`) and their shell is run, as the CI
service runs it, in a fresh git repository holding examples/service:

  GithubWorkflow  every `run:` step of the job, in order, with the job's
      shell (`bash --noprofile --norc -eo pipefail`, GitHub's for
      `shell: bash`) and the workflow's `env:`; GITHUB_WORKSPACE is the
      repository. `uses:` steps are not run: actions/checkout is the
      repository itself, the cache starts empty, and the file the SARIF
      upload reads (its `sarif_file`) must exist. The permissions a SARIF
      upload needs in a private repository are checked.
  GitlabJob  `before_script` and `script` as one bash script (`set -eo
      pipefail`, as the runner's), with the job's `variables:`;
      CI_PROJECT_DIR is the repository. The Code Quality artifact
      (`artifacts:reports:codequality`) must exist.

Substitution. This machine builds loadcheck; it cannot install packages.
The snippets name the driver through the LOADCHECK variable (default
`loadcheck`, which the package puts on the PATH); the test sets LOADCHECK to
the driver of the build, and skips the scripts (a GitHub step, a GitLab
script entry) that only build and install the package: those whose every
command matches INSTALL_COMMANDS below. A script that mixes such commands
with others fails the test, so nothing else is ever skipped.

Each snippet runs twice: without a baseline file (the first run of a new
adopter: the analysis must exit 1 for the service's findings, not 2, and
write every report), then with a baseline of every finding committed (exit
0, reports written and empty).

Usage: readme_ci_test.py CASE --source-dir S --loadcheck BINARY
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

# The commands of a script that only builds or installs the loadcheck
# package (or the compiler next to it); one regex per logical line.
INSTALL_COMMANDS = [
    r"apt-get update",
    r"apt-get install -y .*",
    r"git clone --depth 1 --branch \"\$LOADCHECK_REF\" \S+/loadcheck \S+",
    r"bash \S+/scripts/install-deps\.sh",
    r"bash \S+/scripts/build\.sh( -D\S+)*",
    r"\(cd \S+ && cpack -G DEB\)",
    r"mkdir -p \.loadcheck-package && cp \S+\.deb \.loadcheck-package/",
    r"if ! ls \.loadcheck-package/\S+ >/dev/null 2>&1; then",
    r"fi",
]

FAILURES = []


def check(condition, message):
    if not condition:
        FAILURES.append(message)
    return condition


def yaml_block(readme, first_line):
    """The ```yaml block of the README whose first line is first_line."""
    for block in re.findall(r"^```yaml\n(.*?)^```", readme, re.M | re.S):
        if block.splitlines()[0].strip() == first_line:
            return yaml.safe_load(block)
    sys.exit(f"FAIL: no ```yaml block starting with {first_line!r} in "
             "README.md")


def commands(script):
    """The logical lines of a shell script, comments and blanks left out,
    continuation lines joined."""
    joined = re.sub(r"\\\n\s*", " ", script)
    lines = (line.split(" #")[0].strip() for line in joined.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def installs_only(script, where):
    """Whether every command of script builds or installs the package. A
    script mixing those with other commands is a failure."""
    matched = [any(re.fullmatch(p, c) for p in INSTALL_COMMANDS)
               for c in commands(script)]
    if all(matched):
        return True
    check(not any(matched), f"{where} mixes installing the package with "
          "other commands: the test could neither run nor skip it")
    return False


def make_repository(source_dir, tmp):
    repo = Path(tmp) / "service"
    shutil.copytree(Path(source_dir) / "examples/service", repo)
    for command in (["git", "init", "-q"], ["git", "add", "."],
                    ["git", "-c", "user.name=ci", "-c", "user.email=ci@example",
                     "commit", "-qm", "service"]):
        subprocess.run(command, cwd=repo, check=True)
    return repo


def environment(variables, loadcheck, extra):
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR",)}
    env.update({k: str(v) for k, v in (variables or {}).items()})
    check("LOADCHECK" in (variables or {}),
          "the snippet declares no LOADCHECK variable for the driver")
    env["LOADCHECK"] = loadcheck
    env.update(extra)
    env["CI"] = "true"
    return env


def run_script(shell, script, cwd, env, label):
    result = subprocess.run(shell + [script], cwd=cwd, env=env,
                            capture_output=True, text=True)
    print(f"--- {label}: exit {result.returncode}\n{result.stdout[-2000:]}"
          f"{result.stderr[-2000:]}")
    return result


def write_baseline(loadcheck, repo):
    result = subprocess.run([loadcheck, "-p", "build", "--quiet",
                             "--write-baseline", ".loadcheck-baseline.json"],
                            cwd=repo, capture_output=True, text=True)
    check(result.returncode in (0, 1) and
          (repo / ".loadcheck-baseline.json").is_file(),
          f"--write-baseline failed: {result.stderr}")


# ---- GitHub Actions ---------------------------------------------------------

def github_steps(workflow):
    jobs = workflow["jobs"]
    check(len(jobs) == 1, f"the workflow has {len(jobs)} jobs, expected 1")
    job = next(iter(jobs.values()))
    shell = job.get("defaults", {}).get("run", {}).get("shell", "bash")
    check(shell == "bash", f"the job's shell is {shell!r}, expected bash")
    return job, job["steps"]


def check_permissions(workflow, job):
    permissions = dict(workflow.get("permissions") or {})
    permissions.update(job.get("permissions") or {})
    for name, level in (("contents", "read"), ("actions", "read"),
                        ("security-events", "write")):
        check(permissions.get(name) == level,
              f"permissions: {name}: {level} is missing (SARIF upload)")


def github_round(workflow, loadcheck, repo, expected_code):
    job, steps = github_steps(workflow)
    variables = dict(workflow.get("env") or {})
    variables.update(job.get("env") or {})
    output = repo.parent / "github_output"
    output.write_text("")
    env = environment(variables, loadcheck,
                      {"GITHUB_WORKSPACE": str(repo),
                       "GITHUB_OUTPUT": str(output)})
    shell = ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c"]
    analysis = None
    failed = False  # GitHub skips the steps after a failed one
    for index, step in enumerate(steps):
        name = step.get("name", step.get("uses", f"step {index + 1}"))
        if "uses" in step:
            if "upload-sarif" in step["uses"]:
                sarif = repo / step["with"]["sarif_file"]
                check(sarif.is_file(), f"the SARIF upload finds no {sarif}")
                check("always()" in str(step.get("if", "")),
                      "the SARIF upload does not run after a failed step")
            continue
        script = step["run"]
        check("${{" not in script, f"step {name!r} uses an expression in "
              "its script: the test cannot run it as GitHub would")
        if installs_only(script, f"step {name!r}"):
            continue
        if not check(not failed, f"step {name!r} is skipped: a step "
                     "before it failed"):
            continue
        result = run_script(shell, script, repo, env, name)
        failed = result.returncode != 0
        if '"$LOADCHECK"' in script:
            analysis = result
        else:
            check(result.returncode == 0,
                  f"step {name!r} exited {result.returncode}")
    if not check(analysis is not None, "no step runs $LOADCHECK"):
        return
    check(analysis.returncode == expected_code,
          f"the loadcheck step exited {analysis.returncode}, expected "
          f"{expected_code}: {analysis.stderr[-1000:]}")
    annotations = [line for line in analysis.stdout.splitlines()
                   if line.startswith("::warning file=")]
    log = json.loads((repo / "loadcheck.sarif").read_text())
    results = log["runs"][0]["results"]
    if expected_code == 1:
        check(annotations, "the loadcheck step printed no annotation")
        check(all(re.match(r"::warning file=(src|include)/", a)
                  for a in annotations),
              f"annotation paths are not relative to the workspace: "
              f"{annotations[:2]}")
        check(results, "the SARIF report has no result")
    else:
        check(not annotations and not results,
              f"with the baseline: {len(annotations)} annotations, "
              f"{len(results)} SARIF results")


def github_workflow(args, readme):
    workflow = yaml_block(readme, "# .github/workflows/loadcheck.yml")
    job, _ = github_steps(workflow)
    check_permissions(workflow, job)
    with tempfile.TemporaryDirectory(prefix="loadcheck-readme-gh-") as tmp:
        repo = make_repository(args.source_dir, tmp)
        github_round(workflow, args.loadcheck, repo, expected_code=1)
        write_baseline(args.loadcheck, repo)
        github_round(workflow, args.loadcheck, repo, expected_code=0)


# ---- GitLab CI --------------------------------------------------------------

def gitlab_round(config, loadcheck, repo, expected_code):
    job = config["loadcheck"]
    env = environment(job.get("variables"), loadcheck,
                      {"CI_PROJECT_DIR": str(repo)})
    lines = []
    for index, entry in enumerate(job.get("before_script", []) +
                                  job["script"]):
        if not installs_only(entry, f"script entry {index + 1}"):
            lines.append(entry)
    # The runner stops at the first failing entry; the trap names it.
    script = "\n".join(["set -eo pipefail",
                        "trap 'echo \"failed: $BASH_COMMAND\" >&2' ERR"] +
                       lines)
    result = run_script(["bash", "-c"], script, repo, env, "gitlab job")
    check(result.returncode == expected_code,
          f"the job exited {result.returncode}, expected {expected_code}: "
          f"{result.stderr[-1000:]}")
    if expected_code:
        check("failed: $LOADCHECK -p build" in result.stderr,
              f"the job failed elsewhere than in loadcheck: "
              f"{result.stderr[-500:]}")
    report = repo / job["artifacts"]["reports"]["codequality"]
    if not check(report.is_file(), f"no Code Quality report {report}"):
        return
    issues = json.loads(report.read_text())
    check(bool(issues) == (expected_code == 1),
          f"{len(issues)} Code Quality issues with exit {expected_code}")
    if expected_code == 1:
        check(re.search(r"^\S+/src/\S+:\d+:\d+: warning: .* \[loadcheck-",
                        result.stdout, re.M),
              "the job log shows no finding")
    check(job["artifacts"].get("when") == "always",
          "the report is not kept when the job fails")


def gitlab_job(args, readme):
    config = yaml_block(readme, "# .gitlab-ci.yml")
    with tempfile.TemporaryDirectory(prefix="loadcheck-readme-gl-") as tmp:
        repo = make_repository(args.source_dir, tmp)
        gitlab_round(config, args.loadcheck, repo, expected_code=1)
        write_baseline(args.loadcheck, repo)
        gitlab_round(config, args.loadcheck, repo, expected_code=0)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("case", choices=["GithubWorkflow", "GitlabJob"])
    parser.add_argument("--source-dir", required=True)
    parser.add_argument("--loadcheck", required=True)
    args = parser.parse_args()
    args.loadcheck = str(Path(args.loadcheck).resolve())
    readme = (Path(args.source_dir) / "README.md").read_text()
    {"GithubWorkflow": github_workflow, "GitlabJob": gitlab_job}[args.case](
        args, readme)
    for failure in FAILURES:
        print(f"FAIL: {failure}")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
