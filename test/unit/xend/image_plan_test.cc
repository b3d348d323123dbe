// xenia-image's pure decisions: sizes, format detection from the header,
// qcow2's virtual size, and the refusals (shrink, in use, QEMU lock).
#include <gtest/gtest.h>

#include <array>

#include "xend/image/image_plan.h"

namespace xenia::image {
namespace {

TEST(ImagePlan, Sizes) {
  EXPECT_EQ(parseSize("1024").value(), int64_t{1024} << 20);
  EXPECT_EQ(parseSize("10G").value(), int64_t{10} << 30);
  EXPECT_EQ(parseSize("512m").value(), int64_t{512} << 20);
  EXPECT_EQ(parseSize("4K").value(), 4096);
  EXPECT_EQ(parseSize("123B").value(), 123);
  EXPECT_EQ(parseSize("2t").value(), int64_t{2} << 40);
  for (const char* bad : {"", "G", "10GB", "-5", "1.5G", "10X", "9999999999999999"}) {
    EXPECT_FALSE(parseSize(bad)) << bad;
  }
  EXPECT_FALSE(parseSize("99999999T"));  // overflows 63 bits
}

TEST(ImagePlan, FormatAndVirtualSize) {
  std::array<unsigned char, 32> h{'Q', 'F', 'I', 0xfb, 0, 0, 0, 3};
  h[24 + 4] = 0x40;  // 0x40 << 24 = 1 GiB
  EXPECT_EQ(detectFormat(h), Format::kQcow2);
  EXPECT_EQ(qcow2VirtualSize(h).value(), int64_t{1} << 30);
  h[7] = 9;  // unknown version: treated as raw data
  EXPECT_EQ(detectFormat(h), Format::kRaw);
  std::array<unsigned char, 4> shortHeader{'Q', 'F', 'I', 0xfb};
  EXPECT_EQ(detectFormat(shortHeader), Format::kRaw);
  EXPECT_FALSE(qcow2VirtualSize(shortHeader));
}

TEST(ImagePlan, RefusesShrinkAndImagesInUse) {
  Users none;
  EXPECT_FALSE(refuseGrow("/i", 100, 200, none));
  EXPECT_FALSE(refuseGrow("/i", 100, 100, none));
  auto shrink = refuseGrow("/i", 200, 100, none);
  ASSERT_TRUE(shrink);
  EXPECT_NE(shrink->find("never shrinks"), std::string::npos);
  Users used;
  used.domains = {"web (xvdb, w)"};
  auto u = refuseGrow("/i", 100, 200, used);
  ASSERT_TRUE(u);
  EXPECT_NE(u->find("web (xvdb, w)"), std::string::npos);
  Users locked;
  locked.lockedByQemu = true;
  EXPECT_TRUE(refuseGrow("/i", 100, 200, locked));
}

}  // namespace
}  // namespace xenia::image
