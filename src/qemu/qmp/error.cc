// Text forms of QMP errors, for logs and for xm's error messages.
#include "qemu/qmp/error.h"

namespace xenia::qmp {

const char* errorKindName(ErrorKind k) {
  switch (k) {
    case ErrorKind::kCommand:
      return "command";
    case ErrorKind::kProtocol:
      return "protocol";
    case ErrorKind::kIo:
      return "io";
    case ErrorKind::kClosed:
      return "closed";
    case ErrorKind::kTimeout:
      return "timeout";
    case ErrorKind::kUsage:
      return "usage";
  }
  return "unknown";
}

std::string Error::message() const {
  if (kind == ErrorKind::kCommand) {
    return "QEMU command error " + cls + ": " + desc;
  }
  return std::string("QMP ") + errorKindName(kind) + " error: " + desc;
}

}  // namespace xenia::qmp
