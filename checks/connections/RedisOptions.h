//===--- RedisOptions.h - hiredis 1.x connection options --------*- C++ -*-===//
//
// hiredis 1.x connects through `redisConnectWithOptions(&opts)`: a
// `redisOptions` struct that names the endpoint (`REDIS_OPTIONS_SET_TCP`)
// and, optionally, `connect_timeout` and `command_timeout`. Options filled in
// by the function itself and never set a timeout connect with none: a dead
// Redis blocks the connect for minutes, a stalled one every command.
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_CHECKS_CONNECTIONS_REDISOPTIONS_H
#define LOADCHECK_CHECKS_CONNECTIONS_REDISOPTIONS_H

namespace clang {
class Stmt;
class VarDecl;
} // namespace clang

namespace loadcheck::connections {

/// Whether \p Options is a `redisOptions` (hiredis spells it as a typedef of
/// an unnamed struct).
bool isRedisOptions(const clang::VarDecl &Options);

/// True when the local \p Options, as \p Body fills it in, connects over TCP
/// with neither `connect_timeout` nor `command_timeout` set. False as soon as
/// a timeout may be set: a timeout field named in its initializer or
/// written, the options passed to a function other than the connect or
/// `memset` (a helper may set one), their address taken for later, or a
/// Unix-socket or file-descriptor endpoint (nothing to wait for).
bool redisOptionsLackTimeout(const clang::VarDecl &Options,
                             const clang::Stmt *Body);

} // namespace loadcheck::connections

#endif // LOADCHECK_CHECKS_CONNECTIONS_REDISOPTIONS_H
