// XenStore path rules: canonicalisation of relative paths against a
// connection's home (/local/domain/<domid>), C xenstored's is_valid_nodename()
// (characters, "//", trailing "/", path-max with the domain prefix not
// counted, the absolute 3072-byte cap) and small path helpers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace xenia::xs::store {

// Writes the absolute form of path into out: absolute and "@..." paths are
// copied, anything else becomes "<home>/<path>". Returns whether the input was
// relative.
bool canonicalize(std::string_view home, std::string_view path, std::string& out);

// C's is_valid_nodename(): absolute, no trailing "/" (except "/"), no "//",
// only [A-Za-z0-9-/_@], length without a "/local/domain/<N>/" prefix at most
// pathMax (0 = no limit), never longer than XENSTORE_ABS_PATH_MAX.
bool isValidNodePath(std::string_view path, uint32_t pathMax);

// Length of a leading "/local/domain/<up to 5 digits>/" (sscanf %5u rules), or 0.
size_t domainPrefixLength(std::string_view path);

// Parent of an absolute path ("/a/b" -> "/a", "/a" -> "/", "/" -> "/").
std::string_view parentPath(std::string_view path);
// Last component ("/a/b" -> "b"; "/" -> "").
std::string_view baseName(std::string_view path);

// Watch matching (C is_child): path equals watch or lies below it; "/" matches all.
bool isChildPath(std::string_view path, std::string_view watch);

}  // namespace xenia::xs::store
