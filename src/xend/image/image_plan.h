// Pure decisions of xenia-image (the administrators' sparse-image helper,
// docs/design/disks.md): sizes as written on the command line, the format of
// an image from its first bytes, its virtual size, and whether a change is
// allowed (never a shrink, never while a domain uses the image).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/expected.h"

namespace xenia::image {

enum class Format { kRaw, kQcow2 };

// "1024" (MiB, like xm's memory arguments), "10G", "512M", "4096K", "123B".
Expected<int64_t, std::string> parseSize(const std::string& text);

// qcow2 starts with "QFI\xfb" and version 2 or 3; anything else is raw.
Format detectFormat(std::span<const unsigned char> header);
// A qcow2 header's virtual size (bytes 24-31, big-endian); nullopt if the
// header is too short.
std::optional<int64_t> qcow2VirtualSize(std::span<const unsigned char> header);

// Who uses the image (xend's host.image_users answer, and QEMU's lock probe).
struct Users {
  std::vector<std::string> domains;  // "name (xvdb, w)"
  bool lockedByQemu = false;         // some process holds QEMU's image locks
};

// An error sentence when growing `path` from `current` to `wanted` bytes is
// not allowed.
std::optional<std::string> refuseGrow(const std::string& path, int64_t current, int64_t wanted,
                                      const Users& users);

}  // namespace xenia::image
