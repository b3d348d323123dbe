// Blocking typed QMP calls: command builder + Client::call + reply decoder.
#include "qemu/qmp/calls.h"

namespace xenia::qmp {

namespace {

Done unit(Client& c, Command cmd, Timeout t) {
  auto r = c.call(std::move(cmd), t);
  if (!r) {
    return unexpected(r.error());
  }
  return Ok{};
}

template <class T, class Parse>
Expected<T, Error> typed(Client& c, Command cmd, Timeout t, Parse parse) {
  auto r = c.call(std::move(cmd), t);
  if (!r) {
    return unexpected(r.error());
  }
  return parse(*r);
}

}  // namespace

Expected<StatusInfo, Error> queryStatus(Client& c, Timeout t) {
  return typed<StatusInfo>(c, cmd::queryStatus(), t, parseStatus);
}
Done cont(Client& c, Timeout t) { return unit(c, cmd::cont(), t); }
Done stop(Client& c, Timeout t) { return unit(c, cmd::stop(), t); }
Done systemPowerdown(Client& c, Timeout t) { return unit(c, cmd::systemPowerdown(), t); }
Done systemReset(Client& c, Timeout t) { return unit(c, cmd::systemReset(), t); }

Done quit(Client& c, Timeout t) {
  auto r = c.call(cmd::quit(), t);
  if (!r && r.error().kind != ErrorKind::kClosed) {
    return unexpected(r.error());
  }
  return Ok{};
}

Done injectNmi(Client& c, Timeout t) { return unit(c, cmd::injectNmi(), t); }

Expected<std::vector<CpuInfo>, Error> queryCpusFast(Client& c, Timeout t) {
  return typed<std::vector<CpuInfo>>(c, cmd::queryCpusFast(), t, parseCpusFast);
}

Done balloon(Client& c, int64_t bytes, Timeout t) { return unit(c, cmd::balloon(bytes), t); }

Expected<int64_t, Error> queryBalloon(Client& c, Timeout t) {
  return typed<int64_t>(c, cmd::queryBalloon(), t, parseBalloon);
}

Done deviceAdd(Client& c, const std::string& driver, const std::string& id,
               const nlohmann::json& props, Timeout t) {
  return unit(c, cmd::deviceAdd(driver, id, props), t);
}
Done deviceDel(Client& c, const std::string& id, Timeout t) {
  return unit(c, cmd::deviceDel(id), t);
}
Done netdevAdd(Client& c, const std::string& type, const std::string& id,
               const nlohmann::json& props, Timeout t) {
  return unit(c, cmd::netdevAdd(type, id, props), t);
}
Done netdevDel(Client& c, const std::string& id, Timeout t) {
  return unit(c, cmd::netdevDel(id), t);
}
Done blockdevAdd(Client& c, const nlohmann::json& options, Timeout t) {
  return unit(c, cmd::blockdevAdd(options), t);
}
Done blockdevDel(Client& c, const std::string& nodeName, Timeout t) {
  return unit(c, cmd::blockdevDel(nodeName), t);
}
Done blockdevChangeMedium(Client& c, const std::string& id, const std::string& filename,
                          const std::optional<std::string>& format, bool readOnly, Timeout t) {
  return unit(c, cmd::blockdevChangeMedium(id, filename, format, readOnly), t);
}
Done eject(Client& c, const std::string& id, bool force, Timeout t) {
  return unit(c, cmd::eject(id, force), t);
}
Done blockResize(Client& c, const std::string& nodeName, int64_t bytes, Timeout t) {
  return unit(c, cmd::blockResize(nodeName, bytes), t);
}
Done sendKey(Client& c, const std::vector<std::string>& keys, Timeout t) {
  return unit(c, cmd::sendKey(keys), t);
}

Expected<std::string, Error> humanMonitorCommand(Client& c, const std::string& commandLine,
                                                 Timeout t) {
  return typed<std::string>(c, cmd::humanMonitorCommand(commandLine), t, parseHumanMonitor);
}

Expected<VncInfo, Error> queryVnc(Client& c, Timeout t) {
  return typed<VncInfo>(c, cmd::queryVnc(), t, parseVnc);
}

Done dumpGuestMemory(Client& c, const std::string& protocol, bool paging, Timeout t) {
  return unit(c, cmd::dumpGuestMemory(protocol, paging), t);
}

Done migrate(Client& c, const std::string& uri, Timeout t) { return unit(c, cmd::migrate(uri), t); }

Expected<MigrationInfo, Error> queryMigrate(Client& c, Timeout t) {
  return typed<MigrationInfo>(c, cmd::queryMigrate(), t, parseMigration);
}

Done getfd(Client& c, const std::string& name, UniqueFd fd, Timeout t) {
  return unit(c, cmd::getfd(name, std::move(fd)), t);
}
Done closefd(Client& c, const std::string& name, Timeout t) {
  return unit(c, cmd::closefd(name), t);
}

Expected<FdsetInfo, Error> addFd(Client& c, UniqueFd fd, Timeout t) {
  return typed<FdsetInfo>(c, cmd::addFd(std::move(fd)), t, parseAddFd);
}

}  // namespace xenia::qmp
