// Internal to the disk spec parsers: the "word:" prefixes of unames and of
// xl's deprecated DISKSPEC form ("phy:", "tap:aio:", "qcow2:", "nbd:"...),
// shared by the xm/uname parser (disk_spec.cc) and the xl one (disk_xl.cc).
#pragma once

#include <string>
#include <string_view>

#include "config/model/domain.h"

namespace xenia::config::detail {

// [a-z][a-z0-9]*
bool isWord(std::string_view w);
// A prefix the parsers know, supported or not (npiv is known, and refused).
bool isKnownPrefix(std::string_view w);
DiskFormat formatOfTap(TapDriver t);
// Empty target: an empty CD drive (no backend). Relative paths get /dev/,
// except a block script's target (iscsi, nbd, drbd, script=), which is the
// script's parameter and kept verbatim.
void normalizeTarget(Disk& d);
// xl's script=block-iscsi / block-nbd / block-drbd mean what its deprecated
// iscsi:/nbd:/drbd: prefixes mean (libxlu sets the script for those), so both
// forms become the same backend here: QEMU's own initiator, no script.
void applyNativeScript(Disk& d);
// An item of block-iscsi's target after the first ("portal=…", "lun=…",
// "multipath=…", "iqn=…"): in a uname such items follow a comma, so the spec
// parsers fold them back into the iscsi: target.
bool isIscsiTargetItem(std::string_view item);

// Prefix state while reading "tap:aio:qcow2:/img"-style unames.
struct Prefixes {
  Disk& d;
  bool formatSet = false;
  bool afterTap = false;  // the previous word was tap:, so a driver may follow

  // Applies one "word:". Returns false when prefix processing must stop
  // (network/script backends own the rest, colons included). Unsupported
  // prefixes set *error.
  bool apply(std::string_view word, std::string* error);
};

}  // namespace xenia::config::detail
