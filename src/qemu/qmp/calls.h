// Blocking, typed wrappers over Client::call for xend's synchronous paths
// (xm commands that wait for QEMU). Each sends one command from commands.h
// and decodes the reply with replies.h. The epoll path uses those two
// directly with Client::send.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "qemu/qmp/client.h"
#include "qemu/qmp/commands.h"
#include "qemu/qmp/replies.h"

namespace xenia::qmp {

using Timeout = std::chrono::milliseconds;
inline constexpr Timeout kDefaultTimeout{10000};

using Done = Expected<Ok, Error>;

Expected<StatusInfo, Error> queryStatus(Client& c, Timeout t = kDefaultTimeout);
Done cont(Client& c, Timeout t = kDefaultTimeout);
Done stop(Client& c, Timeout t = kDefaultTimeout);
Done systemPowerdown(Client& c, Timeout t = kDefaultTimeout);
Done systemReset(Client& c, Timeout t = kDefaultTimeout);
// QEMU may close the socket before its reply reaches us; that counts as done.
Done quit(Client& c, Timeout t = kDefaultTimeout);
Done injectNmi(Client& c, Timeout t = kDefaultTimeout);
Expected<std::vector<CpuInfo>, Error> queryCpusFast(Client& c, Timeout t = kDefaultTimeout);
Done balloon(Client& c, int64_t bytes, Timeout t = kDefaultTimeout);
Expected<int64_t, Error> queryBalloon(Client& c, Timeout t = kDefaultTimeout);
Done deviceAdd(Client& c, const std::string& driver, const std::string& id,
               const nlohmann::json& props = nlohmann::json::object(),
               Timeout t = kDefaultTimeout);
// Returns once QEMU accepted the request; removal completes with the
// DEVICE_DELETED event (the guest must cooperate for PCI devices).
Done deviceDel(Client& c, const std::string& id, Timeout t = kDefaultTimeout);
Done netdevAdd(Client& c, const std::string& type, const std::string& id,
               const nlohmann::json& props = nlohmann::json::object(),
               Timeout t = kDefaultTimeout);
Done netdevDel(Client& c, const std::string& id, Timeout t = kDefaultTimeout);
Done blockdevAdd(Client& c, const nlohmann::json& options, Timeout t = kDefaultTimeout);
Done blockdevDel(Client& c, const std::string& nodeName, Timeout t = kDefaultTimeout);
Done blockdevChangeMedium(Client& c, const std::string& id, const std::string& filename,
                          const std::optional<std::string>& format = std::nullopt,
                          bool readOnly = false, Timeout t = kDefaultTimeout);
Done eject(Client& c, const std::string& id, bool force = false, Timeout t = kDefaultTimeout);
Done blockResize(Client& c, const std::string& nodeName, int64_t bytes,
                 Timeout t = kDefaultTimeout);
Done sendKey(Client& c, const std::vector<std::string>& keys, Timeout t = kDefaultTimeout);
Expected<std::string, Error> humanMonitorCommand(Client& c, const std::string& commandLine,
                                                 Timeout t = kDefaultTimeout);
Expected<VncInfo, Error> queryVnc(Client& c, Timeout t = kDefaultTimeout);
Done dumpGuestMemory(Client& c, const std::string& protocol, bool paging = false,
                     Timeout t = kDefaultTimeout);
Done migrate(Client& c, const std::string& uri, Timeout t = kDefaultTimeout);
Expected<MigrationInfo, Error> queryMigrate(Client& c, Timeout t = kDefaultTimeout);
Done getfd(Client& c, const std::string& name, UniqueFd fd, Timeout t = kDefaultTimeout);
Done closefd(Client& c, const std::string& name, Timeout t = kDefaultTimeout);
Expected<FdsetInfo, Error> addFd(Client& c, UniqueFd fd, Timeout t = kDefaultTimeout);

}  // namespace xenia::qmp
