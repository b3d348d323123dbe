// xm's entry point without the process around it: argv (without "xm") in,
// exit status out, every byte written through the Env. main.cc and the
// tests both call this.
#pragma once

#include <string>
#include <vector>

#include "xm/ctx.h"

namespace xenia::xm {

int runXm(const std::vector<std::string>& argv, Env& env);

}  // namespace xenia::xm
