// xenstore: our multi-call XenStore tool. Run as xenstore-read, -write, -ls,
// -list, -rm, -chmod, -watch or -exists (or "xenstore <mode> ..."); options,
// output and exit codes are those of Debian's xenstore-utils.
#include "xenstore/tools/run.h"

int main(int argc, char** argv) { return xenia::xs::tools::runTool(argc, argv); }
