// What each xenstore-* tool does with its operands once connected: the
// equivalent of xenstore_client.c's perform(), on our client library.
#pragma once

#include <string>

#include "xenstore/client/client.h"
#include "xenstore/tools/cli.h"

namespace xenia::xs::tools {

enum class Outcome {
  Ok,      // exit 0
  Failed,  // exit 1 after ending the transaction and printing the output
  Fatal,   // exit 1 at once: the transaction is dropped, buffered output lost
};

// Modes run inside one transaction (retried on EAGAIN), as Xen's tools do.
bool usesTransaction(const Options& o);

// Runs the mode. Buffered output (read, list) goes to out; ls and watch print
// directly, as Xen's do.
Outcome perform(Client& xs, TxId tx, const Options& o, std::string& out);

}  // namespace xenia::xs::tools
