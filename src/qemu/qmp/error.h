// The error value every QMP operation returns: a QEMU command error (class and
// desc as QEMU sent them) or a local failure (protocol, I/O, closed, timeout).
#pragma once

#include <string>

namespace xenia::qmp {

enum class ErrorKind {
  kCommand,   // QEMU answered {"error": {"class", "desc"}}; the connection stays usable
  kProtocol,  // QEMU sent something we refuse (bad JSON, oversize, unexpected id); closed
  kIo,        // a socket call failed; closed
  kClosed,    // the connection is (or was) closed
  kTimeout,   // a blocking call gave up waiting; the connection stays usable
  kUsage,     // the caller misused the API (e.g. a blocking call from inside a callback)
};

struct Error {
  ErrorKind kind = ErrorKind::kProtocol;
  std::string cls;   // QEMU's error class for kCommand ("GenericError", "DeviceNotFound"...)
  std::string desc;  // QEMU's desc for kCommand, otherwise our explanation

  // One line for logs: "QEMU command error DeviceNotFound: Device 'x' not found".
  std::string message() const;
};

const char* errorKindName(ErrorKind k);

inline Error commandError(std::string cls, std::string desc) {
  return Error{ErrorKind::kCommand, std::move(cls), std::move(desc)};
}
inline Error localError(ErrorKind k, std::string desc) { return Error{k, "", std::move(desc)}; }

}  // namespace xenia::qmp
