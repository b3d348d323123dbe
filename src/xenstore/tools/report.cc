// err.h-style messages (see report.h).
#include "xenstore/tools/report.h"

#include <errno.h>

#include <cstdarg>
#include <cstdio>
#include <cstring>

namespace xenia::xs::tools {

void warnx(const char* fmt, ...) {
  std::fprintf(stderr, "%s: ", program_invocation_short_name);
  va_list ap;
  va_start(ap, fmt);
  std::vfprintf(stderr, fmt, ap);
  va_end(ap);
  std::fputc('\n', stderr);
}

void warnErrno(int errnum, const char* fmt, ...) {
  std::fprintf(stderr, "%s: ", program_invocation_short_name);
  va_list ap;
  va_start(ap, fmt);
  std::vfprintf(stderr, fmt, ap);
  va_end(ap);
  std::fprintf(stderr, ": %s\n", std::strerror(errnum));
}

}  // namespace xenia::xs::tools
