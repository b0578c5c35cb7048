//===--- SqlLink.cpp - SQL joined in one function, executed in another ----===//
//
// The verdict on a query that arrives whole at the call that executes it
// (ProgramGraph.h, (k)): kept when the function it is the result of, or a
// method writing the member it is read from, joins a run-time value into it.
//
//===----------------------------------------------------------------------===//
#include "checks/model/ProgramGraph.h"

namespace loadcheck::model {

/// `'name' is joined into the query in 'build_query' here`.
static std::string joinNote(const JoinFact &J, llvm::StringRef Function) {
  std::string Value = J.Part.empty() ? "a run-time value" : "'" + J.Part + "'";
  return Value + " is joined into the query in '" + Function.str() + "' here";
}

LinkVerdict ProgramGraph::judgeSqlConcatenation(const CandidateFact &C) const {
  if (C.Source.empty())
    return {false, {}};
  // A helper's result: the string it returns.
  if (const Node *Helper = node(C.Source)) {
    for (const JoinFact &J : Helper->Facts.Joins)
      if (J.Member.empty())
        return {true, {note(J.At, joinNote(J, Helper->Facts.Name))}};
    return {false, {}};
  }
  // A member: any method of the program that joins a value into it.
  for (const Node &N : Nodes)
    for (const JoinFact &J : N.Facts.Joins)
      if (J.Member == C.Source)
        return {true, {note(J.At, joinNote(J, N.Facts.Name))}};
  return {false, {}};
}

} // namespace loadcheck::model
