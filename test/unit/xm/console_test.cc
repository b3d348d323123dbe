// The console session on a real pseudo-terminal: raw mode while attached,
// the terminal restored after Ctrl-], bytes both ways; and the end of the
// session when the domain's side closes.
#include "xm/console.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <thread>

#include "common/unique_fd.h"

namespace xenia::xm {
namespace {

struct Pty {
  UniqueFd master, slave;
  Pty() {
    master.reset(::posix_openpt(O_RDWR | O_NOCTTY));
    if (master && ::grantpt(master.get()) == 0 && ::unlockpt(master.get()) == 0) {
      slave.reset(::open(::ptsname(master.get()), O_RDWR | O_NOCTTY));
    }
  }
};

bool canonical(int fd) {
  termios t{};
  ::tcgetattr(fd, &t);
  return (t.c_lflag & ICANON) != 0;
}

TEST(Console, RawWhileAttachedRestoredAfterEscape) {
  Pty pty;
  ASSERT_TRUE(pty.slave) << "no pseudo-terminal";
  ASSERT_TRUE(canonical(pty.slave.get()));
  int sv[2], out[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  ASSERT_EQ(::pipe(out), 0);
  UniqueFd domain(sv[0]), xmSide(sv[1]), outR(out[0]), outW(out[1]);
  bool rawDuringSession = false;
  std::thread user([&] {
    char buf[16];
    // The domain speaks first; once its bytes show up on stdout the session
    // is running, so the terminal must be raw by now.
    ssize_t n = ::read(outR.get(), buf, sizeof(buf));
    EXPECT_EQ(std::string(buf, n > 0 ? static_cast<size_t>(n) : 0), "login: ");
    rawDuringSession = !canonical(pty.slave.get());
    (void)!::write(pty.master.get(), "root\r\x1d", 6);
  });
  (void)!::write(domain.get(), "login: ", 7);
  std::string error;
  int rc = runConsole(xmSide.get(), pty.slave.get(), outW.get(), &error);
  user.join();
  EXPECT_EQ(rc, 0) << error;
  EXPECT_TRUE(rawDuringSession);
  EXPECT_TRUE(canonical(pty.slave.get()));
  xmSide.reset();
  char buf[16];
  ssize_t n = ::read(domain.get(), buf, sizeof(buf));
  EXPECT_EQ(std::string(buf, n > 0 ? static_cast<size_t>(n) : 0), "root\r");
}

TEST(Console, EndsWhenTheDomainSideCloses) {
  int sv[2], in[2], out[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  ASSERT_EQ(::pipe(in), 0);
  ASSERT_EQ(::pipe(out), 0);
  UniqueFd domain(sv[0]), xmSide(sv[1]), inR(in[0]), inW(in[1]), outR(out[0]), outW(out[1]);
  (void)!::write(domain.get(), "bye\n", 4);
  domain.reset();
  inW.reset();  // stdin at EOF too: output is still shown until the domain goes
  std::string error;
  EXPECT_EQ(runConsole(xmSide.get(), inR.get(), outW.get(), &error), 0) << error;
  outW.reset();
  char buf[16];
  ssize_t n = ::read(outR.get(), buf, sizeof(buf));
  EXPECT_EQ(std::string(buf, n > 0 ? static_cast<size_t>(n) : 0), "bye\n");
}

}  // namespace
}  // namespace xenia::xm
