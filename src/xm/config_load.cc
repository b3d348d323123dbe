// xm create/new config loading: option parsing, file search, evaluation and
// model building. File reads are bounded by the xm reader's input limit.
#include "xm/config_load.h"

#include <sys/random.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "config/model/build.h"
#include "config/model/sxp.h"
#include "xm/getopt.h"

namespace xenia::xm {
namespace {

constexpr size_t kMaxConfigBytes = size_t{1} << 20;

bool exists(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0;
}

std::string joinPath(const std::string& dir, const std::string& name) {
  if (!name.empty() && name[0] == '/') {
    return name;
  }
  if (dir.empty() || dir.back() == '/') {
    return dir + name;
  }
  return dir + "/" + name;
}

std::string baseName(const std::string& p) {
  auto slash = p.rfind('/');
  return slash == std::string::npos ? p : p.substr(slash + 1);
}

// Up to kMaxConfigBytes + 1 bytes, so the reader's own size limit reports
// oversized files.
Expected<std::string, std::string> readFile(const std::string& p) {
  std::ifstream f(p, std::ios::binary);
  if (!f) {
    return unexpected(std::string(std::strerror(errno)));
  }
  std::string text(kMaxConfigBytes + 1, '\0');
  f.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (f.bad()) {
    return unexpected(std::string("read error"));
  }
  text.resize(static_cast<size_t>(f.gcount()));
  return text;
}

}  // namespace

Expected<CreateOptions, std::string> parseCreateArgs(const std::vector<std::string>& argv) {
  CreateOptions o;
  std::vector<std::string> args = argv;
  const std::vector<std::string> longs = {"help",
                                          "help_config",
                                          "quiet",
                                          "path=",
                                          "defconfig=",
                                          "config=",
                                          "dryrun",
                                          "xmldryrun",
                                          "skipdtd",
                                          "paused",
                                          "console_autoconnect",
                                          "vncviewer",
                                          "vncviewer-autopass"};
  while (!args.empty()) {
    auto r = pyGetopt(args, "hqf:F:nxspc", longs);
    if (!r) {
      return unexpected(r.error());
    }
    for (const auto& [k, v] : r->opts) {
      if (k == "-h" || k == "--help") {
        o.help = true;
      } else if (k == "--help_config") {
        o.helpConfig = true;
      } else if (k == "-q" || k == "--quiet") {
        o.quiet = true;
      } else if (k == "--path") {
        o.path = v;
      } else if (k == "-f" || k == "--defconfig") {
        o.defconfig = v;
      } else if (k == "-F" || k == "--config") {
        o.sxpConfig = v;
      } else if (k == "-n" || k == "--dryrun") {
        o.dryrun = true;
      } else if (k == "-x" || k == "--xmldryrun") {
        o.xmlDryrun = true;
      } else if (k == "-p" || k == "--paused") {
        o.paused = true;
      } else if (k == "-c" || k == "--console_autoconnect") {
        o.console = true;
      } else if (k == "--vncviewer") {
        o.vncviewer = true;
      } else if (k == "--vncviewer-autopass") {
        o.vncviewerAutopass = true;
      }
      // -s/--skipdtd only mattered for XML configs.
    }
    if (r->params.empty()) {
      break;
    }
    const std::string& arg = r->params.front();
    if (auto ov = config::splitXmOverride(arg)) {
      o.overrides.push_back(*ov);
    } else {
      o.defconfig = arg;  // the default option takes operands
    }
    args.assign(r->params.begin() + 1, r->params.end());
  }
  return o;
}

std::string findConfigFile(const std::string& defconfig, const std::string& path) {
  std::vector<std::string> dirs = {""};
  std::stringstream ss(path);
  std::string dir;
  while (std::getline(ss, dir, ':')) {
    dirs.push_back(dir);
  }
  if (!path.empty() && path.back() == ':') {
    dirs.push_back("");
  }
  for (const auto& d : dirs) {
    std::string p = d.empty() ? defconfig : joinPath(d, defconfig);
    if (p.empty() || p[0] != '/') {
      p = joinPath(".", p);
    }
    if (exists(p)) {
      return p;
    }
  }
  return "";
}

Expected<LoadedConfig, LoadError> loadDomainConfig(const CreateOptions& o, config::Random& rng) {
  LoadedConfig out;
  if (!o.sxpConfig.empty()) {
    auto text = readFile(o.sxpConfig);
    if (!text) {
      return unexpected(LoadError{true, "Cannot read file " + o.sxpConfig + ": " + text.error()});
    }
    auto d = config::domainFromSxpText(*text, o.sxpConfig, rng);
    if (!d) {
      return unexpected(LoadError{false, d.error().format()});
    }
    out.domain = std::move(*d);
    return out;
  }
  std::string p = findConfigFile(o.defconfig, o.path);
  if (p.empty()) {
    return unexpected(LoadError{true, "Unable to open config file: " + o.defconfig});
  }
  out.messages.push_back("Using config file \"" + p + "\".");
  auto text = readFile(p);
  if (!text) {
    return unexpected(LoadError{true, "Cannot read file " + p + ": " + text.error()});
  }
  auto file = config::parseXm(*text, p, o.overrides);
  if (!file) {
    return unexpected(LoadError{false, file.error().format()});
  }
  for (const auto& w : file->warnings) {
    out.warnings.push_back(w.format());
  }
  if (file->find("name") == nullptr) {
    // create.py: name defaults to the config file's base name.
    config::Assignment a;
    a.name = "name";
    a.value.v = baseName(o.defconfig);
    file->entries.push_back(std::move(a));
  }
  auto d = config::buildDomain(*file, config::Dialect::kXm, rng);
  if (!d) {
    return unexpected(LoadError{false, d.error().format()});
  }
  out.domain = std::move(*d);
  return out;
}

uint64_t OsRandom::next() {
  uint64_t v = 0;
  auto* p = reinterpret_cast<unsigned char*>(&v);
  size_t got = 0;
  while (got < sizeof(v)) {
    ssize_t n = ::getrandom(p + got, sizeof(v) - got, 0);
    if (n > 0) {
      got += static_cast<size_t>(n);
    }
  }
  return v;
}

}  // namespace xenia::xm
