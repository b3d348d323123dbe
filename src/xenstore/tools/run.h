// One run of a xenstore-* tool, as main() of the host's multi-call binary and
// of the guest's static one (src/xenstore/guest) do it.
#pragma once

namespace xenia::xs::tools {

// Parses argv (the mode from argv[0] or argv[1]), connects with Client::open()
// ($XENSTORED_PATH first), performs the mode; returns the exit status.
int runTool(int argc, char** argv);

}  // namespace xenia::xs::tools
