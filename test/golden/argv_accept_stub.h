// The substitutions that let the QEMU acceptance test (argv_accept.cc) start
// a golden command line on a machine without the golden's host resources.
// Host resources the goldens name cannot exist on a test machine, so exactly
// these substitutions are made (see qemu-translation.md, "Acceptance test");
// every other argument is passed as written in the .args file:
//   1. Paths under the fake run dir /run/xenia/domain/7 and the xenstore
//      socket /run/xenstored/domain/7/socket move to a temporary directory.
//   2. -chardev backends with a path (files, pipes, unix sockets) get a path in
//      the temporary directory (a FIFO for pipes); TCP sockets become unix
//      sockets there; host ttys become the slave of a pty the test opens.
//      Where QEMU connects (xenstore, client sockets) the test listens.
//   3. -blockdev protocol nodes (file, host_device, host_cdrom, nbd, iscsi)
//      become "file" nodes on fresh 16 MiB images, created with qemu-img in
//      the format of the format node above them. Firmware nodes (fw-code,
//      fw-vars) use the host's OVMF code and a copy of its variable store.
//   4. -netdev tap becomes -netdev user,restrict=on with the same id (no host
//      network changes); the guest NIC -device is unchanged.
//   5. -kernel and -initrd point at a stub bzImage and a stub initrd.
//   6. -vnc listens on a unix socket instead of a TCP display (keeping its
//      options except to=), so parallel runs cannot collide on ports.
//   7. vfio-pci devices are dropped: there is no host device to assign.
//   8. -S is added if absent.
// The environment gets SDL_VIDEODRIVER=dummy so `-display sdl` needs no X.
#pragma once

#include <string>
#include <vector>

#include "common/expected.h"

namespace xenia::golden {

using Argv = std::vector<std::string>;

// A unix stream socket bound and listening on `path` (listen=true) or
// connected to it; -1 on failure.
int unixSocket(const std::string& path, bool listen);

struct Stubbed {
  Argv argv;
  std::string qmpPath;
  std::string skip;  // non-empty: the case cannot run here, and why
};

// Applies the substitutions for one case, creating stub files in `dir`. Holds
// the pty masters and listening sockets QEMU will use until destroyed.
class Substituter {
 public:
  explicit Substituter(std::string dir) : dir_(std::move(dir)) {}
  ~Substituter();
  Substituter(const Substituter&) = delete;
  Substituter& operator=(const Substituter&) = delete;

  Expected<Stubbed, std::string> run(const Argv& golden);

 private:
  std::string relocate(std::string arg) const;
  Expected<std::string, std::string> chardev(const std::string& value);
  Expected<Ok, std::string> blockdevs(Argv& argv);

  std::string dir_;
  int counter_ = 0;
  std::vector<int> fds_;  // pty masters and listening sockets held for QEMU
};

}  // namespace xenia::golden
