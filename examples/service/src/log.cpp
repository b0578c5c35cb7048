//===--- log.cpp - Tiny structured (logfmt) logger ------------------------===//
#include "service/log.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <unistd.h>

namespace service::slog {
namespace {

// A fixed-size line on the stack: logging must not allocate or fail, so an
// over-long line is truncated instead.
class LineBuffer {
public:
  void append(std::string_view text) noexcept {
    const std::size_t n = std::min(text.size(), kCapacity - size_);
    std::copy_n(text.begin(), n, data_.begin() + size_);
    size_ += n;
  }

  void appendNumber(std::int64_t value) noexcept {
    std::array<char, 24> digits{};
    const auto result =
        std::to_chars(digits.data(), digits.data() + digits.size(), value);
    append(
        {digits.data(), static_cast<std::size_t>(result.ptr - digits.data())});
  }

  // Values with spaces, quotes or '=' are quoted so the line stays parseable.
  void appendValue(std::string_view value) noexcept {
    if (!value.empty() && value.find_first_of(" \"=") == std::string_view::npos)
      return append(value);
    append("\"");
    for (char c : value)
      append(c == '"' ? std::string_view("\\\"") : std::string_view(&c, 1));
    append("\"");
  }

  std::string_view finish() noexcept {
    data_[size_++] = '\n'; // kCapacity leaves room for it
    return {data_.data(), size_};
  }

private:
  static constexpr std::size_t kCapacity = 1023;
  std::array<char, kCapacity + 1> data_{};
  std::size_t size_ = 0;
};

std::string_view levelName(Level level) noexcept {
  switch (level) {
  case Level::kInfo:
    return "info";
  case Level::kWarn:
    return "warn";
  case Level::kError:
    return "error";
  }
  return "unknown";
}

} // namespace

void emit(Level level, std::string_view event,
          std::initializer_list<Field> fields) noexcept {
  using namespace std::chrono;
  LineBuffer line;
  line.append("ts_ms=");
  line.appendNumber(
      duration_cast<milliseconds>(system_clock::now().time_since_epoch())
          .count());
  line.append(" level=");
  line.append(levelName(level));
  line.append(" event=");
  line.appendValue(event);
  for (const Field &field : fields) {
    line.append(" ");
    line.append(field.key);
    line.append("=");
    if (field.is_number)
      line.appendNumber(field.number);
    else
      line.appendValue(field.text);
  }
  // One write(2) per line, no lock: concurrent lines do not interleave on a
  // pipe (atomic up to PIPE_BUF). A failed log write is deliberately ignored.
  const std::string_view out = line.finish();
  [[maybe_unused]] const ssize_t written =
      ::write(STDERR_FILENO, out.data(), out.size());
}

} // namespace service::slog
