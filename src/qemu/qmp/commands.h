// Builders for the QMP commands xend issues (QEMU 7.2 argument names), as
// Command values for Client::send/call. Pure. Reply decoders: replies.h.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/unique_fd.h"
#include "qemu/qmp/session.h"

namespace xenia::qmp::cmd {

// Run state.
Command queryStatus();
Command cont();
Command stop();
Command systemPowerdown();
Command systemReset();
Command quit();
Command injectNmi();
Command queryCpusFast();  // vCPU thread ids (for pinning)

// Memory balloon; bytes is the guest's target size.
Command balloon(int64_t bytes);
Command queryBalloon();

// Devices. props are the device's/backend's own properties (flat object).
Command deviceAdd(const std::string& driver, const std::string& id,
                  const nlohmann::json& props = nlohmann::json::object());
Command deviceDel(const std::string& id);
Command netdevAdd(const std::string& type, const std::string& id,
                  const nlohmann::json& props = nlohmann::json::object());
Command netdevDel(const std::string& id);

// Block layer. options is a whole BlockdevOptions object (with node-name).
Command blockdevAdd(const nlohmann::json& options);
Command blockdevDel(const std::string& nodeName);
// id is the qdev id of the drive's device (ide-cd, scsi-cd...).
Command blockdevChangeMedium(const std::string& id, const std::string& filename,
                             const std::optional<std::string>& format = std::nullopt,
                             bool readOnly = false);
Command eject(const std::string& id, bool force = false);
Command blockResize(const std::string& nodeName, int64_t bytes);

// Console and debugging. keys are QKeyCode names ("ctrl", "alt", "delete").
Command sendKey(const std::vector<std::string>& keys, std::optional<int64_t> holdTimeMs = {});
Command humanMonitorCommand(const std::string& commandLine);
Command queryVnc();

// protocol: "file:/path" or "fd:NAME" (after getfd). detach returns at once;
// progress then comes as a DUMP_COMPLETED event.
Command dumpGuestMemory(const std::string& protocol, bool paging = false, bool detach = false,
                        const std::optional<std::string>& format = std::nullopt);

// Migration. xm save/restore use uri "fd:NAME" after getfd (QEMU 7.2 has no
// "file:" URI, and "exec:" would run a shell).
Command migrate(const std::string& uri);
Command queryMigrate();
Command migrateCancel();

// File descriptor passing. getfd names an fd for later commands (netdev
// "fd", migrate "fd:NAME"); add-fd puts it in an fdset (/dev/fdset/N paths).
Command getfd(const std::string& name, UniqueFd fd);
Command closefd(const std::string& name);
Command addFd(UniqueFd fd, std::optional<int64_t> fdsetId = {},
              const std::optional<std::string>& opaque = std::nullopt);

}  // namespace xenia::qmp::cmd
