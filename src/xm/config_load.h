// How xm create/new turn their command line into a validated domain model:
// xm's option rules (create.py gopts, opts.py Opts.parse), the config file
// search (load_defconfig), then config/lang and config/model. Everything is
// checked here, before xend is contacted.
#pragma once

#include <string>
#include <vector>

#include "common/expected.h"
#include "config/lang/xm.h"
#include "config/model/domain.h"
#include "config/model/random.h"

namespace xenia::xm {

struct CreateOptions {
  bool help = false;
  bool helpConfig = false;
  bool quiet = false;
  std::string path = ".:/etc/xen";
  std::string defconfig = "xmdefconfig";
  std::string sxpConfig;  // -F
  bool dryrun = false;
  bool xmlDryrun = false;
  bool paused = false;
  bool console = false;
  bool vncviewer = false;          // --vncviewer: start a viewer once it runs
  bool vncviewerAutopass = false;  // --vncviewer-autopass: with the password (Xen:
                                   // only together with --vncviewer)
  std::vector<config::XmOverride> overrides;  // trailing name=value
};

// Pure: Opts.parse over create's options. Errors are getopt's messages.
Expected<CreateOptions, std::string> parseCreateArgs(const std::vector<std::string>& args);

// load_defconfig's search: "" then each PATH entry; relative results get
// "./" in front. The first existing file, or "" when none exists.
std::string findConfigFile(const std::string& defconfig, const std::string& path);

struct LoadedConfig {
  config::DomainConfig domain;
  std::vector<std::string> messages;  // "Using config file ..." (unless -q)
  std::vector<std::string> warnings;  // printed as "Warning: ..."
};

// Where loading failed: an option-style error (xm printed usage after it)
// or a config error (file:line: message).
struct LoadError {
  bool usage = false;
  std::string message;
};

// Reads the file (-F SXP or the xm config found on the path), applies the
// overrides and the default name (the file's base name, as xm did),
// builds and validates the model.
Expected<LoadedConfig, LoadError> loadDomainConfig(const CreateOptions& o, config::Random& rng);

// Random numbers from the kernel, for generated UUIDs and MACs.
class OsRandom : public config::Random {
 public:
  uint64_t next() override;
};

}  // namespace xenia::xm
