// The guest end of XenStore: the virtio-serial port org.xenproject.xenstore
// that QEMU connects to the domain's xenstored socket. Finding its device
// node (udev's /dev/virtio-ports/<name> link, or sysfs where no udev made
// it), and starting a session on it.
#pragma once

#include <string>

namespace xenia::xs::guest {

inline constexpr const char* kPortName = "org.xenproject.xenstore";
// xend gives each domain this many ports: kPortName, then kPortName.1 ...
// (each its own xenstored connection), so as many tools can run at once.
inline constexpr int kMaxPorts = 8;

// Port `index`'s name: kPortName, then "org.xenproject.xenstore.<index>".
std::string portName(int index);

// /dev/virtio-ports/<name> if present, else /dev/vportNpM whose
// /sys/class/virtio-ports/vportNpM/name is `name`; "" if none.
std::string findPort(const std::string& devRoot = "/dev",
                     const std::string& sysRoot = "/sys/class/virtio-ports",
                     const std::string& name = kPortName);

// A port is one byte stream shared by every process that opens it in turn
// (the kernel lets one open it at a time; EBUSY: try the next port), and
// xenstored's end outlives each of them: a previous tool may have left watches, a transaction, or replies
// and events nobody read. Sends RESET_WATCHES (which also ends the
// connection's transactions) and discards everything up to its reply.
// Returns 0 or an errno value.
int resetSession(const std::string& device, int timeoutMs = 10000);

}  // namespace xenia::xs::guest
