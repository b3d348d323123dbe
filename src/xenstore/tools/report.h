// Messages in the format of BSD <err.h> as glibc prints them
// ("xenstore-read: couldn't read path /x"), so our tools' stderr matches
// Debian's xenstore-utils exactly. The exit code is the caller's business.
#pragma once

namespace xenia::xs::tools {

// "<prog>: <message>\n"
void warnx(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
// "<prog>: <message>: <strerror(errnum)>\n"
void warnErrno(int errnum, const char* fmt, ...) __attribute__((format(printf, 2, 3)));

}  // namespace xenia::xs::tools
