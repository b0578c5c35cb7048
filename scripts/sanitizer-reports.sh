# Sourced by scripts/sanitize.sh and scripts/test-llvm.sh: the reports a
# sanitized run's processes wrote (their log_path is $2) fail the run.
#   sanitizer_reports_found <script name> <reports directory>
# prints them and returns 1 when there are any.
sanitizer_reports_found() {
  if compgen -G "$2/*" >/dev/null; then
    echo "$1: sanitizer reports in $2:" >&2
    cat "$2"/* >&2
    return 1
  fi
}
