// Specs of the smaller devices: PCI passthrough ("[DDDD:]BB:SS.F[@VSLOT][,k=v]"),
// the vfb string ("type=vnc,vncunused=1"), HVM boot order, memory sizes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/expected.h"
#include "config/model/domain.h"

namespace xenia::config {

// One PCI spec; a function list/range ("01:00.0-3", "01:00.0,2") expands to
// several devices. Both xm's options (msitranslate, power_mgmt) and xl's
// (permissive, seize, vslot, rdm_policy, name, "bdf=") are understood.
Expected<std::vector<PciDevice>, std::string> parsePciSpec(std::string_view spec);

// "DDDD:BB:SS.F" as xm/xl print it.
std::string formatPciBdf(const PciDevice& d);

// The vfb string; `type=vnc`/`type=sdl` is the legacy spelling of vnc=1/sdl=1.
// Unknown keys are errors, as in xm.
Expected<Graphics, std::string> parseVfbSpec(std::string_view spec);

// HVM boot order: letters from "acdn", each at most once ("dc", "cdn").
Expected<std::string, std::string> parseBootOrder(std::string_view s);

// A memory size in MiB: a plain number is MiB; a suffix K/M/G/T (any case,
// optional trailing B) scales it. Must come out as a whole number of MiB.
Expected<int64_t, std::string> parseMemoryMiB(std::string_view s);

}  // namespace xenia::config
