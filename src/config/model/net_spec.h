// Network interface specs: the vif string ("mac=..,bridge=..,rate=10Mb/s@20ms"),
// its rate grammar (xend's netif.py and xl's libxlu_vif.c) and MAC addresses.
#pragma once

#include <string>
#include <string_view>

#include "common/expected.h"
#include "config/model/domain.h"
#include "config/model/random.h"

namespace xenia::config {

// "key=value,key=value"; '' is a vif with every default. Unknown keys are errors.
// A missing MAC stays empty here (the builder generates one).
Expected<Vif, std::string> parseVifSpec(std::string_view spec);

// "RATE/s[@INTERVAL]": RATE = N[GMK]{B|b} (lower-case k/m/g accepted), INTERVAL =
// N[s|ms|us] (default unit s, default interval 50ms). Zero or overflowing
// results are errors (xend silently fell back to "unlimited").
Expected<Rate, std::string> parseRate(std::string_view spec);

// Six hex octets separated by ':' (or '-'); returns lower-case "xx:xx:..".
Expected<std::string, std::string> parseMac(std::string_view s);

// 00:16:3e:XX:XX:XX with the first random octet below 0x80, as xend's randomMAC.
std::string randomMac(Random& rng);

}  // namespace xenia::config
