#include "xend/model/long_sxp.h"
namespace xenia::xend {
config::Sexp longListSexp(const config::DomainConfig& d, const LongListFacts& f) {
  return config::domainToSxp(d, f.rt);
}
std::string longListSxp(const config::DomainConfig& d, const LongListFacts& f) {
  return config::prettySxp(longListSexp(d, f));
}
}  // namespace xenia::xend
