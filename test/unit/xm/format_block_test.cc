// xm block-list's layouts (X40 main.py xm_block_list / parse_dev_info) and
// cd-insert's target-to-uname rule.
#include <gtest/gtest.h>

#include "xm/format_block.h"

namespace xenia::xm {
namespace {

using xend::Json;

Json twoDisks() {
  return Json::parse(R"({"devices":[
    {"devid":51712,"vdev":"xvda","uname":"file:/img/a.raw","mode":"w","device-type":"disk",
     "backend-id":0,"state":4,"backend":"/local/domain/0/backend/vbd/3/51712"},
    {"devid":5632,"vdev":"hdc","uname":"","mode":"r","device-type":"cdrom",
     "backend-id":0,"state":4,"backend":"/local/domain/0/backend/vbd/3/5632"}]})");
}

TEST(FormatBlock, ShortListAsXm) {
  auto t = formatBlockList(twoDisks(), false);
  ASSERT_TRUE(t) << t.error();
  EXPECT_EQ(*t,
            "Vdev  BE handle state evt-ch ring-ref BE-path\n"
            "51712  0    0     4      -1     -1    /local/domain/0/backend/vbd/3/51712  \n"
            "5632   0    0     4      -1     -1    /local/domain/0/backend/vbd/3/5632  \n");
}

TEST(FormatBlock, NoDevicesNoHeader) {
  auto t = formatBlockList(Json::parse(R"({"devices":[]})"), false);
  ASSERT_TRUE(t);
  EXPECT_EQ(*t, "");
  EXPECT_FALSE(formatBlockList(Json::parse(R"({"x":1})"), false));
  EXPECT_FALSE(formatBlockList(Json::parse(R"({"devices":[{"vdev":"xvda"}]})"), false));
}

TEST(FormatBlock, LongListIsSxp) {
  auto t = formatBlockList(twoDisks(), true);
  ASSERT_TRUE(t) << t.error();
  EXPECT_NE(t->find("(51712"), std::string::npos) << *t;
  EXPECT_NE(t->find("file:/img/a.raw"), std::string::npos) << *t;
  EXPECT_NE(t->find("(device-type cdrom)"), std::string::npos) << *t;
  EXPECT_NE(t->find("/local/domain/0/backend/vbd/3/5632"), std::string::npos) << *t;
}

TEST(FormatBlock, CdUname) {
  EXPECT_EQ(cdUname("/iso/x.iso"), "file:/iso/x.iso");
  EXPECT_EQ(cdUname("tap:cdrom:/iso/x.iso"), "tap:cdrom:/iso/x.iso");
  EXPECT_EQ(cdUname("phy:/dev/sr0"), "phy:/dev/sr0");
  EXPECT_EQ(cdUname("/iso/a:b.iso"), "file:/iso/a:b.iso");
}

}  // namespace
}  // namespace xenia::xm
