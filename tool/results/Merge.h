//===--- Merge.h - `loadcheck merge`: combine sharded results ---*- C++ -*-===//
//
// `loadcheck merge [-o FILE] [--format json|sarif|gitlab] RESULT...` reads
// results written by `loadcheck --format=json` or `--format=sarif` (the
// shards of a --shard run, say) and prints one result as a single run would
// have: findings deduplicated as the analyser deduplicates them (same file,
// position, check and message: a header finding reported by several shards
// is kept once), sorted in the analyser's order, failures and file counts
// added up, one SARIF run with the union of the rules. JSON results merge
// into any of the three formats; SARIF results into SARIF only (SARIF lacks
// the enclosing function and the fix-it line/columns that JSON carries).
//
// Exit code as the analyser's: 2 if an input is unreadable or not a
// loadcheck result (the other inputs are still merged and written), else 3
// if an input records a file that could not be analysed, else 1 if the
// merged result has findings, else 0 - so a CI merge job can gate.
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_TOOL_RESULTS_MERGE_H
#define LOADCHECK_TOOL_RESULTS_MERGE_H

namespace loadcheck {

/// Runs `loadcheck merge`; \p Argv[0] is "merge". Returns the exit code.
int runMerge(int Argc, const char **Argv);

} // namespace loadcheck

#endif // LOADCHECK_TOOL_RESULTS_MERGE_H
