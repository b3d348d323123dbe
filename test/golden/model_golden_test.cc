// cfg -> model golden suites: <name>.json (canonical JSON) and <name>.sxp
// (xend's SXP layout). Each conversion also checks its round trip, so a case
// fails if JSON -> model or SXP -> model does not give the same model back.
#include <gtest/gtest.h>

#include "config/model/json.h"
#include "config/model/sxp.h"
#include "test/golden/harness.h"
#include "test/golden/model_case.h"

namespace xenia::golden {

void registerModelCases(Golden& g);  // model_golden_cases.cc

namespace {

Expected<std::string, std::string> toJson(const CaseInput& in) {
  auto d = caseToModel(in);
  if (!d) {
    return unexpected(d.error());
  }
  std::string text = config::domainToJsonText(*d);
  config::SeededRandom rng(2);
  auto back = config::domainFromJsonText(text, rng);
  if (!back) {
    return unexpected("JSON does not read back: " + back.error().format());
  }
  if (!(*back == *d)) {
    return unexpected(std::string("JSON round trip changed the model"));
  }
  return text;
}

Expected<std::string, std::string> toSxp(const CaseInput& in) {
  auto d = caseToModel(in);
  if (!d) {
    return unexpected(d.error());
  }
  std::string text = config::domainToSxpText(*d);
  config::SeededRandom rng(2);
  auto back = config::domainFromSxpText(text, in.name + ".sxp", rng);
  if (!back) {
    return unexpected("SXP does not read back: " + back.error().format());
  }
  if (!(*back == *d)) {
    return unexpected("SXP round trip changed the model; it reads back as\n" +
                      config::domainToJsonText(*back));
  }
  return text;
}

TEST(ModelGolden, CfgToJsonAndSxp) {
  Golden g("test/golden/cases");
  g.addSuite("json", toJson);
  g.addSuite("sxp", toSxp);
  registerModelCases(g);
  expectGolden(g);
}

}  // namespace
}  // namespace xenia::golden
