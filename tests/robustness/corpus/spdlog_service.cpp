// Robustness corpus: every public header of spdlog; a rotating file logger,
// an async logger and structured fields.
#include "includes/spdlog.h"

#include <memory>
#include <string>

namespace corpus {

std::shared_ptr<spdlog::logger> makeLogger() {
  auto Console = std::make_shared<spdlog::sinks::stdout_color_sink_mt>();
  auto File = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
      "corpus.log", 1024 * 1024, 3);
  auto Logger = std::make_shared<spdlog::logger>(
      "corpus", spdlog::sinks_init_list{Console, File});
  Logger->set_level(spdlog::level::info);
  Logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %l %n %v");
  return Logger;
}

int runSpdlog() {
  auto Logger = makeLogger();
  Logger->info("request handled path={} status={} ms={}", "/health", 200, 3);
  spdlog::init_thread_pool(8192, 1);
  auto Async = spdlog::create_async<spdlog::sinks::basic_file_sink_mt>(
      "async", "async.log");
  Async->warn("queue depth={}", 17);
  spdlog::shutdown();
  return 0;
}

} // namespace corpus
