// The xm program: the process environment around runXm().
#include <csignal>
#include <iostream>

#include "xm/run.h"

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  std::ios::sync_with_stdio(true);
  xenia::xm::Env env = xenia::xm::systemEnv();
  std::vector<std::string> args(argv + 1, argv + argc);
  int rc = xenia::xm::runXm(args, env);
  std::cout.flush();
  return rc;
}
