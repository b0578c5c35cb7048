#!/usr/bin/env python3
"""Runs the CI snippets of docs/ci.md as written, on the example service.

The README's snippets are one job each (readme_ci_test.py); docs/ci.md's are
whole pipelines: a job building the package, a matrix (GitHub) or
`parallel:` (GitLab) of shards, and a job merging the shards' results. Each
job runs as the CI service runs it, in a fresh checkout at the same path
(as the service's workspace is), one after the other in the order of
`needs:` (GitHub) or `stages:` (GitLab), every matrix entry or parallel
index in turn; files pass from job to job only as the service passes them:

  GithubShards  `actions/upload-artifact` and `actions/download-artifact`
      (by name, or by pattern with merge-multiple) copy files between jobs;
      `${{ matrix.* }}`, `${{ env.* }}` and `${{ github.* }}` in step names,
      `env:` and `with:` are substituted as GitHub does. Other `uses:`
      steps are not run (the caches start empty; the SARIF upload must find
      its file).
  GitlabShards  each job's `artifacts:paths` are copied into the jobs that
      need it; `after_script` runs after the script and its failure does not
      count, as on the runner.
  ChangedLinesGithub, ChangedLinesGitlab  the two lines of the changed-lines
      block, after the build that writes compile_commands.json, on a branch
      that changes one line holding a finding of the service: the findings
      reported are exactly those of that line.

As in readme_ci_test.py, the scripts that only build or install the loadcheck
package are skipped and LOADCHECK names the build's driver; a `loadcheck` on
the PATH (the package's) is the build's driver too. Each pipeline analyses
the service once (its shards a quarter each).

Usage: docs_ci_test.py CASE --source-dir S --loadcheck BINARY
"""
import argparse
import fnmatch
import glob
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import readme_ci_test as readme  # noqa: E402
from readme_ci_test import check  # noqa: E402

# The artifact of the job that builds the package: its build is skipped (the
# test uses the build's driver), so nothing uploads it.
PACKAGE_ARTIFACT = "loadcheck-package"

CONFIGURE = ["cmake", "-S", ".", "-B", "build", "-G", "Ninja",
             "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON", "-DCMAKE_C_COMPILER=clang-19",
             "-DCMAKE_CXX_COMPILER=clang++-19"]


def docs_block(docs, first_line):
    """The ```yaml block of docs/ci.md whose first line is first_line."""
    for block in re.findall(r"^```yaml\n(.*?)^```", docs, re.M | re.S):
        if block.splitlines()[0].strip() == first_line:
            return yaml.safe_load(block)
    sys.exit(f"FAIL: no ```yaml block starting with {first_line!r} in "
             "docs/ci.md")


class Pipeline:
    """A fresh checkout per job at one path, and the files jobs pass on."""

    def __init__(self, source_dir, loadcheck, tmp):
        self.tmp = Path(tmp)
        self.pristine = readme.make_repository(source_dir, self.tmp / "origin")
        self.workspace = self.tmp / "workspace" / "service"
        self.artifacts = self.tmp / "artifacts"
        self.artifacts.mkdir()
        self.loadcheck = loadcheck
        bin_dir = self.tmp / "bin"
        bin_dir.mkdir()
        (bin_dir / "loadcheck").symlink_to(loadcheck)
        self.path = f"{bin_dir}:{os.environ['PATH']}"

    def checkout(self):
        shutil.rmtree(self.workspace, ignore_errors=True)
        shutil.copytree(self.pristine, self.workspace, symlinks=True)
        return self.workspace

    def env(self, variables, extra):
        env = readme.environment(variables, self.loadcheck, extra)
        env["PATH"] = self.path
        return env

    def store(self, name, paths):
        """Copies paths (relative to the workspace; globs) into artifact
        name; returns how many files it holds."""
        target = self.artifacts / name
        for pattern in paths:
            for match in glob.glob(str(self.workspace / pattern)):
                relative = Path(match).relative_to(self.workspace)
                if Path(match).is_dir():
                    shutil.copytree(match, target / relative,
                                    dirs_exist_ok=True)
                else:
                    (target / relative).parent.mkdir(parents=True,
                                                     exist_ok=True)
                    shutil.copy2(match, target / relative)
        return sum(1 for p in target.rglob("*") if p.is_file()) \
            if target.exists() else 0

    def fetch(self, name, into):
        """Copies artifact name into the workspace directory into."""
        source = self.artifacts / name
        if not source.exists():
            return False
        shutil.copytree(source, self.workspace / into, dirs_exist_ok=True)
        return True

    def names(self):
        return sorted(p.name for p in self.artifacts.iterdir())


# ---- GitHub Actions ---------------------------------------------------------

def expressions(text, context):
    """text with the ${{ scope.name }} expressions GitHub would substitute."""
    def value(match):
        scope, _, name = match.group(1).strip().partition(".")
        if check(name in context.get(scope, {}),
                 f"the test cannot evaluate ${{{{ {match.group(1).strip()} }}}}"):
            return str(context[scope][name])
        return ""
    return re.sub(r"\$\{\{(.*?)\}\}", value, str(text))


def job_order(jobs):
    """Job names so that each comes after those it needs."""
    order = []
    def visit(name):
        if name in order:
            return
        needs = jobs[name].get("needs", [])
        for need in [needs] if isinstance(needs, str) else needs:
            visit(need)
        order.append(name)
    for name in jobs:
        visit(name)
    return order


def matrix_entries(job):
    matrix = job.get("strategy", {}).get("matrix")
    if not matrix:
        return [{}]
    keys = [k for k in matrix if k not in ("include", "exclude")]
    return [dict(zip(keys, values))
            for values in itertools.product(*(matrix[k] for k in keys))]


def run_uses(step, pipeline, context, name):
    uses = step["uses"]
    inputs = {k: expressions(v, context) for k, v in
              (step.get("with") or {}).items()}
    if uses.startswith("actions/upload-artifact@"):
        paths = [p for p in inputs["path"].splitlines() if p.strip()]
        if pipeline.store(inputs["name"], paths) == 0:
            check(inputs["name"] == PACKAGE_ARTIFACT,
                  f"step {name!r} uploads no file: {paths}")
    elif uses.startswith("actions/download-artifact@"):
        into = inputs.get("path", ".")
        if "name" in inputs:
            if not pipeline.fetch(inputs["name"], into):
                check(inputs["name"] == PACKAGE_ARTIFACT,
                      f"step {name!r}: no artifact {inputs['name']!r}")
        else:
            matched = fnmatch.filter(pipeline.names(), inputs["pattern"])
            check(matched, f"step {name!r}: no artifact matches "
                  f"{inputs['pattern']!r}")
            for artifact in matched:
                merged = inputs.get("merge-multiple") == "True" or \
                    inputs.get("merge-multiple") == "true"
                pipeline.fetch(artifact, into if merged else
                               f"{into}/{artifact}")
    elif "upload-sarif" in uses:
        sarif = pipeline.workspace / inputs["sarif_file"]
        check(sarif.is_file(), f"the SARIF upload finds no {sarif}")
        check("always()" in str(step.get("if", "")),
              "the SARIF upload does not run after a failed step")


def run_github_job(workflow, job, pipeline, context):
    """Runs the job's steps; returns {step name: CompletedProcess}."""
    repo = pipeline.checkout()
    variables = dict(workflow.get("env") or {})
    variables.update(job.get("env") or {})
    shell = ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c"]
    results, failed = {}, False
    for index, step in enumerate(job["steps"]):
        name = expressions(step.get("name", step.get("uses",
                                                     f"step {index + 1}")),
                           context)
        runs_after_failure = "always()" in str(step.get("if", ""))
        if failed and not runs_after_failure:
            check(False, f"step {name!r} is skipped: a step before it failed")
            continue
        if "uses" in step:
            run_uses(step, pipeline, context, name)
            continue
        script = step["run"]
        check("${{" not in script, f"step {name!r} uses an expression in "
              "its script: the test cannot run it as GitHub would")
        if readme.installs_only(script, f"step {name!r}"):
            continue
        step_env = {k: expressions(v, context)
                    for k, v in (step.get("env") or {}).items()}
        env = pipeline.env(variables, {"GITHUB_WORKSPACE": str(repo),
                                       **step_env})
        result = readme.run_script(shell, script, repo, env, name)
        results[name] = result
        failed = failed or result.returncode != 0
    return results


def github_shards(args, docs):
    workflow = docs_block(docs, "# .github/workflows/loadcheck.yml")
    jobs = workflow["jobs"]
    check(list(jobs) == ["package", "analyse", "report"],
          f"jobs {list(jobs)}, expected package, analyse, report")
    readme.check_permissions(workflow, jobs["report"])
    check(jobs["report"].get("if") == "always()",
          "the report job does not run when a shard failed")
    env = dict(workflow.get("env") or {})
    entries = matrix_entries(jobs["analyse"])
    check(len(entries) == int(env.get("SHARDS", 0)),
          f"{len(entries)} matrix entries for SHARDS={env.get('SHARDS')}")
    with tempfile.TemporaryDirectory(prefix="loadcheck-docs-gh-") as tmp:
        pipeline = Pipeline(args.source_dir, args.loadcheck, tmp)
        github = {"workspace": str(pipeline.workspace), "sha": "0" * 40,
                  "run_attempt": "1"}
        merge = None
        for name in job_order(jobs):
            for matrix in matrix_entries(jobs[name]):
                context = {"matrix": matrix, "env": env, "github": github}
                results = run_github_job(workflow, jobs[name], pipeline,
                                         context)
                for step, result in results.items():
                    if '"$LOADCHECK" merge' in result.args[-1]:
                        merge = result
                    else:
                        check(result.returncode == 0,
                              f"job {name} {matrix}: step {step!r} exited "
                              f"{result.returncode}")
            if name == "report":
                check_github_reports(pipeline.workspace, merge)


def check_github_reports(repo, merge):
    if not check(merge is not None, "no step runs \"$LOADCHECK\" merge"):
        return
    check(merge.returncode == 1, f"the merge exited {merge.returncode}, "
          f"expected 1 (the service's findings): {merge.stderr[-1000:]}")
    annotations = [line for line in merge.stdout.splitlines()
                   if line.startswith("::warning file=")]
    check(annotations, "the merge printed no annotation")
    check(all(re.match(r"::warning file=(src|include)/", a)
              for a in annotations),
          f"annotation paths are not relative to the workspace: "
          f"{annotations[:2]}")
    for report in ("loadcheck.sarif", "loadcheck.json"):
        check((repo / report).is_file(), f"the merge wrote no {report}")
    if (repo / "loadcheck.sarif").is_file():
        log = json.loads((repo / "loadcheck.sarif").read_text())
        check(log["runs"][0]["results"], "the SARIF report has no result")


# ---- GitLab CI --------------------------------------------------------------

def run_gitlab_job(config, name, pipeline, extra):
    job = config[name]
    repo = pipeline.checkout()
    for need in job.get("needs", []):
        for artifact in pipeline.names():
            if artifact == need or artifact.startswith(need + "#"):
                pipeline.fetch(artifact, ".")
    variables = dict(config.get("variables") or {})
    variables.update(job.get("variables") or {})
    env = pipeline.env(variables, {"CI_PROJECT_DIR": str(repo), **extra})
    lines = [entry for index, entry in
             enumerate(job.get("before_script", []) + job["script"])
             if not readme.installs_only(entry,
                                         f"{name}: script entry {index + 1}")]
    script = "\n".join(["set -eo pipefail",
                        "trap 'echo \"failed: $BASH_COMMAND\" >&2' ERR"] +
                       lines)
    label = f"{name} {extra}" if extra else name
    result = readme.run_script(["bash", "-c"], script, repo, env, label)
    if job.get("after_script"):
        readme.run_script(["bash", "-c", "\n".join(job["after_script"])],
                          "", repo, env, f"{label}: after_script")
    artifacts = job.get("artifacts") or {}
    when = artifacts.get("when", "on_success")
    if artifacts.get("paths") and (result.returncode == 0 or
                                   when == "always"):
        index = extra.get("CI_NODE_INDEX")
        pipeline.store(name if index is None else f"{name}#{index}",
                       artifacts["paths"])
    return result


def gitlab_shards(args, docs):
    config = docs_block(docs, "# .gitlab-ci.yml")
    stages = config["stages"]
    jobs = [name for name, job in config.items()
            if isinstance(job, dict) and "script" in job]
    jobs.sort(key=lambda name: stages.index(config[name]["stage"]))
    check(jobs == ["loadcheck-package", "loadcheck", "loadcheck-report"],
          f"jobs {jobs}, expected loadcheck-package, loadcheck, "
          "loadcheck-report")
    report_job = config["loadcheck-report"]
    check(report_job.get("when") == "always",
          "the report job does not run when a shard failed")
    with tempfile.TemporaryDirectory(prefix="loadcheck-docs-gl-") as tmp:
        pipeline = Pipeline(args.source_dir, args.loadcheck, tmp)
        report = None
        for name in jobs:
            total = config[name].get("parallel")
            runs = [{}] if not total else \
                [{"CI_NODE_INDEX": str(i), "CI_NODE_TOTAL": str(total)}
                 for i in range(1, total + 1)]
            for extra in runs:
                result = run_gitlab_job(config, name, pipeline, extra)
                if name == "loadcheck-report":
                    report = result
                else:
                    check(result.returncode == 0,
                          f"job {name} {extra} exited {result.returncode}: "
                          f"{result.stderr[-500:]}")
        check(report.returncode == 1, f"the report job exited "
              f"{report.returncode}, expected 1 (the service's findings): "
              f"{report.stderr[-1000:]}")
        check("failed: $LOADCHECK merge" in report.stderr,
              f"the report job failed elsewhere than in the merge: "
              f"{report.stderr[-500:]}")
        check(re.search(r"^\S*src/\S+:\d+:\d+: warning: .* \[loadcheck-",
                        report.stdout, re.M),
              "the report job's log shows no finding")
        quality = pipeline.workspace / \
            report_job["artifacts"]["reports"]["codequality"]
        if check(quality.is_file(), f"no Code Quality report {quality}"):
            check(json.loads(quality.read_text()),
                  "the Code Quality report has no issue")
        check(report_job["artifacts"].get("when") == "always",
              "the report is not kept when the job fails")


# ---- Changed lines on a pull request ----------------------------------------

def changed_line(repo):
    """Appends a comment to the first line of src/bad_*.cpp that detaches a
    thread, commits it on a branch off main (origin/main), and returns
    (file, line)."""
    def git(*command):
        subprocess.run(["git", "-c", "user.name=ci", "-c",
                        "user.email=ci@example", *command], cwd=repo,
                       check=True, capture_output=True)
    git("branch", "-M", "main")
    git("update-ref", "refs/remotes/origin/main", "HEAD")
    git("checkout", "-q", "-b", "feature")
    for path in sorted((repo / "src").glob("bad_*.cpp")):
        lines = path.read_text().splitlines(keepends=True)
        for number, text in enumerate(lines, 1):
            if re.search(r"\.detach\(\);\s*$", text):
                lines[number - 1] = text.rstrip("\n") + " // changed\n"
                path.write_text("".join(lines))
                git("commit", "-qam", "change one line")
                return f"src/{path.name}", number
    sys.exit("FAIL: the service has no line detaching a thread")


def changed_lines(args, docs, where):
    steps = docs_block(docs, "# GitHub Actions, on: pull_request (after the "
                       "build that writes compile_commands.json)")
    check(len(steps) == 2, f"{len(steps)} snippets, expected a GitHub step "
          "and a GitLab script line")
    with tempfile.TemporaryDirectory(prefix="loadcheck-docs-diff-") as tmp:
        pipeline = Pipeline(args.source_dir, args.loadcheck, tmp)
        repo = pipeline.checkout()
        file, line = changed_line(repo)
        subprocess.run(CONFIGURE, cwd=repo, check=True, capture_output=True)
        if where == "github":
            script = expressions(steps[0]["run"],
                                 {"github": {"base_ref": "main"}})
            env = pipeline.env({"LOADCHECK": "loadcheck"},
                               {"GITHUB_WORKSPACE": str(repo)})
            result = readme.run_script(
                ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c"],
                script, repo, env, "pull request step")
            places = re.findall(r"^::warning file=([^,]+),line=(\d+),",
                                result.stdout, re.M)
        else:
            env = pipeline.env({"LOADCHECK": "loadcheck"},
                               {"CI_PROJECT_DIR": str(repo),
                                "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main"})
            result = readme.run_script(
                ["bash", "-c"], "set -eo pipefail\n" + steps[1], repo, env,
                "merge request script")
            report = repo / "gl-code-quality-report.json"
            places = []
            if check(report.is_file(), "no gl-code-quality-report.json"):
                places = [(i["location"]["path"],
                           str(i["location"]["lines"]["begin"]))
                          for i in json.loads(report.read_text())]
        check(result.returncode == 1, f"exit {result.returncode}, expected 1 "
              f"(a finding on the changed line): {result.stderr[-1000:]}")
        check(places and set(places) == {(file, str(line))},
              f"findings at {sorted(set(places))}, expected only {file}:{line}")


def main():
    cases = {"GithubShards": github_shards, "GitlabShards": gitlab_shards,
             "ChangedLinesGithub":
                 lambda a, d: changed_lines(a, d, "github"),
             "ChangedLinesGitlab":
                 lambda a, d: changed_lines(a, d, "gitlab")}
    parser = argparse.ArgumentParser()
    parser.add_argument("case", choices=sorted(cases))
    parser.add_argument("--source-dir", required=True)
    parser.add_argument("--loadcheck", required=True)
    args = parser.parse_args()
    args.loadcheck = str(Path(args.loadcheck).resolve())
    docs = (Path(args.source_dir) / "docs/ci.md").read_text()
    cases[args.case](args, docs)
    for failure in readme.FAILURES:
        print(f"FAIL: {failure}")
    return 1 if readme.FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
