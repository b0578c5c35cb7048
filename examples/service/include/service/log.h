//===--- log.h - Tiny structured (logfmt) logger ----------------*- C++ -*-===//
//
// The "project logger" that loadcheck-unstructured-logging asks handlers and
// thread entries to use instead of printf/std::cout.
//
//===----------------------------------------------------------------------===//
#ifndef EXAMPLE_SERVICE_LOG_H
#define EXAMPLE_SERVICE_LOG_H

#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <string_view>

namespace service::slog {

enum class Level : std::uint8_t { kInfo, kWarn, kError };

/// One key=value pair of a log line. Numbers are kept as numbers so that
/// logging them does not allocate a string.
struct Field {
  Field(std::string_view name, std::string_view value) noexcept
      : key(name), text(value) {}
  template <std::integral Int>
  Field(std::string_view name, Int value) noexcept
      : key(name), number(static_cast<std::int64_t>(value)), is_number(true) {}

  std::string_view key;
  std::string_view text;
  std::int64_t number = 0;
  bool is_number = false;
};

/// Writes "ts_ms=... level=... event=... key=value..." to stderr. Never
/// allocates, never takes a lock, never throws: safe on the request path.
void emit(Level level, std::string_view event,
          std::initializer_list<Field> fields = {}) noexcept;

inline void info(std::string_view event,
                 std::initializer_list<Field> fields = {}) noexcept {
  emit(Level::kInfo, event, fields);
}
inline void warn(std::string_view event,
                 std::initializer_list<Field> fields = {}) noexcept {
  emit(Level::kWarn, event, fields);
}
inline void error(std::string_view event,
                  std::initializer_list<Field> fields = {}) noexcept {
  emit(Level::kError, event, fields);
}

} // namespace service::slog

#endif // EXAMPLE_SERVICE_LOG_H
