//===--- BlockingApis.cpp -------------------------------------------------===//
#include "checks/model/BlockingApis.h"
#include "llvm/ADT/STLExtras.h"

namespace loadcheck::model {

/// Blocking free functions: sleeps, POSIX socket and file I/O (a flush of a
/// stdio stream writes it out; fsync waits for the disk), system(), and
/// the blocking calls of libcurl, libpq, MySQL, SQLite and hiredis.
static constexpr llvm::StringRef DefaultFunctions[] = {
    "::std::this_thread::sleep_for",
    "::std::this_thread::sleep_until",
    "::sleep",
    "::usleep",
    "::nanosleep",
    "::clock_nanosleep",
    "::read",
    "::write",
    "::pread",
    "::pwrite",
    "::recv",
    "::recvfrom",
    "::recvmsg",
    "::send",
    "::sendto",
    "::sendmsg",
    "::connect",
    "::accept",
    "::accept4",
    "::poll",
    "::ppoll",
    "::select",
    "::pselect",
    "::epoll_wait",
    "::fread",
    "::fwrite",
    "::fflush",
    "::fsync",
    "::fdatasync",
    "::getline",
    "::std::getline",
    "::system",
    "::curl_easy_perform",
    "::PQexec",
    "::PQexecParams",
    "::PQexecPrepared",
    "::PQprepare",
    "::mysql_query",
    "::mysql_real_query",
    "::sqlite3_exec",
    "::redisCommand",
    "::redisCommandArgv",
    "::redisGetReply",
};

llvm::ArrayRef<llvm::StringRef> defaultBlockingFunctions() {
  return DefaultFunctions;
}

bool isDefaultBlockingFunction(llvm::StringRef QualifiedName) {
  return llvm::is_contained(DefaultFunctions, QualifiedName);
}

} // namespace loadcheck::model
