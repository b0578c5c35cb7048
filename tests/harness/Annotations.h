//===--- Annotations.h - expectations written in fixture files --*- C++ -*-===//
//
// Parses the fixture format (strict in both directions):
//   code;   // expect-warning[@+N|@-N][:COL] CHECK-NAME[: MESSAGE]
//   // expect-note:12 CHECK-NAME: {{.*}}acquired here
// A trailing annotation targets its own line, a standalone one the next code
// line; @+N/@-N are relative to the annotation's line. MESSAGE is a
// substring in which {{...}} is a regex. A fixture whose translation unit
// must produce nothing at all (a whole-TU lookalike) says so with a line
// `// expect-no-diagnostics`, as clang's -verify does.
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_TESTS_HARNESS_ANNOTATIONS_H
#define LOADCHECK_TESTS_HARNESS_ANNOTATIONS_H

#include "llvm/ADT/StringRef.h"
#include <optional>
#include <string>
#include <vector>

namespace loadcheck::testing {

struct Expectation {
  bool IsNote = false;
  unsigned Line = 0;              ///< 1-based line the diagnostic must be on
  std::optional<unsigned> Column; ///< 1-based, when given
  std::string Check;
  std::string MessagePattern;  ///< regex (literal parts escaped); "" = any
  unsigned AnnotationLine = 0; ///< where it is written, for messages
};

struct ParsedFixture {
  std::vector<std::string> RunArgs; ///< from `// RUN-ARGS:` lines
  std::vector<Expectation> Expectations;
  std::vector<std::string> Errors;  ///< malformed annotations
  bool ExpectNoDiagnostics = false; ///< `// expect-no-diagnostics`
};

/// Parses a fixture; RUN-ARGS go through expandRunArg.
ParsedFixture parseFixture(llvm::StringRef Text);

/// Expands the substitutions a `// RUN-ARGS:` argument may contain:
///   %{generated}  the directory of the sources the test build generates from
///                 tests/proto/*.proto (`<stem>.pb.h`, `<stem>.grpc.pb.h`),
///                 e.g. `-I%{generated}` for a fixture using a gRPC stub.
std::string expandRunArg(llvm::StringRef Arg);

/// Turns `text {{re}} text` into a regex matching the literal text and the
/// embedded regexes.
std::string messagePatternToRegex(llvm::StringRef Message);

} // namespace loadcheck::testing

#endif
