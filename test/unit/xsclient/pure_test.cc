// Client pieces without I/O: Perm text form, DIRECTORY_PART reassembly,
// socket path resolution, watch path matching, the tools' value escaping and
// command-line parsing.
#include <gtest/gtest.h>

#include <string>

#include "xenstore/client/dir_part.h"
#include "xenstore/client/paths.h"
#include "xenstore/client/perm.h"
#include "xenstore/tools/cli.h"
#include "xenstore/tools/escape.h"

namespace xenia::xs {
namespace {

using namespace std::string_view_literals;

TEST(Perm, ParsesEveryLetterAndFormatsBack) {
  for (const char* s : {"n0", "r5", "w7", "b32752"}) {
    auto p = Perm::parse(s);
    ASSERT_TRUE(p) << s;
    EXPECT_EQ(p->toString(), s);
  }
  EXPECT_EQ(Perm::parse("r5")->access, Perm::Access::Read);
  EXPECT_EQ(Perm::parse("b0")->access, Perm::Access::Both);
  EXPECT_TRUE(Perm::parse("b0")->canRead());
  EXPECT_FALSE(Perm::parse("w1")->canRead());
}

TEST(Perm, NumberIsReadLikeStrtolBaseZero) {
  EXPECT_EQ(Perm::parse("r0x10")->domid, 16u);
  EXPECT_EQ(Perm::parse("r010")->domid, 8u);
}

TEST(Perm, RejectsMalformedEntries) {
  for (std::string_view s : {""sv, "x1"sv, "r"sv, "r1a"sv, "B0"sv, "r 1x"sv}) {
    EXPECT_FALSE(Perm::parse(s)) << s;
  }
}

TEST(Perm, PayloadListsAndFormatting) {
  auto perms = parsePermsPayload("n0\0r5\0b7\0"sv);
  ASSERT_TRUE(perms);
  ASSERT_EQ(perms->size(), 3u);
  EXPECT_EQ(formatPerms(*perms), "n0,r5,b7");
  EXPECT_FALSE(parsePermsPayload("n0\0q5\0"sv));
  EXPECT_FALSE(parsePermsPayload("n0\0\0"sv));  // an empty entry is malformed
}

TEST(DirPart, AssemblesPartsUntilDoubleNul) {
  DirPartAssembler a;
  EXPECT_EQ(a.offset(), 0u);
  EXPECT_EQ(a.feed("3\0alpha\0beta\0"sv), DirPartAssembler::Step::Continue);
  EXPECT_EQ(a.offset(), 11u);  // bytes of "alpha\0beta\0"
  EXPECT_EQ(a.feed("3\0gamma\0\0"sv), DirPartAssembler::Step::Done);
  EXPECT_EQ(a.children(), (std::vector<std::string>{"alpha", "beta", "gamma"}));
}

TEST(DirPart, RestartsWhenTheGenerationChanges) {
  DirPartAssembler a;
  EXPECT_EQ(a.feed("3\0alpha\0"sv), DirPartAssembler::Step::Continue);
  EXPECT_EQ(a.feed("4\0beta\0"sv), DirPartAssembler::Step::Continue);
  EXPECT_EQ(a.offset(), 0u);
  EXPECT_EQ(a.feed("4\0x\0y\0\0"sv), DirPartAssembler::Step::Done);
  EXPECT_EQ(a.children(), (std::vector<std::string>{"x", "y"}));
}

TEST(DirPart, EmptyListAndMalformedReplies) {
  DirPartAssembler empty;
  EXPECT_EQ(empty.feed("1\0\0"sv), DirPartAssembler::Step::Done);
  EXPECT_TRUE(empty.children().empty());

  DirPartAssembler noGen;
  EXPECT_EQ(noGen.feed("abc"sv), DirPartAssembler::Step::Error);
  EXPECT_EQ(noGen.error(), Err::EIO_);

  DirPartAssembler stuck;  // a reply with no names would never advance
  EXPECT_EQ(stuck.feed("1\0"sv), DirPartAssembler::Step::Error);
}

TEST(DirPart, EndlessGenerationChangesGiveUp) {
  DirPartAssembler a;
  DirPartAssembler::Step s = DirPartAssembler::Step::Continue;
  for (int gen = 0; gen < 1000 && s == DirPartAssembler::Step::Continue; ++gen) {
    std::string reply = std::to_string(gen) + std::string("\0a\0"sv);
    s = a.feed(reply);
  }
  EXPECT_EQ(s, DirPartAssembler::Step::Error);
  EXPECT_EQ(a.error(), Err::EAGAIN_);
}

TEST(Paths, DaemonSocketFollowsLibxenstore) {
  EXPECT_EQ(daemonSocketPath(nullptr, nullptr), "/var/run/xenstored/socket");
  EXPECT_EQ(daemonSocketPath(nullptr, "/tmp/rd"), "/tmp/rd/socket");
  EXPECT_EQ(daemonSocketPath("/tmp/s", "/tmp/rd"), "/tmp/s");
}

TEST(Paths, WatchCoversDescendantsOnly) {
  EXPECT_TRUE(watchCovers("/a", "/a"));
  EXPECT_TRUE(watchCovers("/a", "/a/b/c"));
  EXPECT_FALSE(watchCovers("/a", "/ab"));
  EXPECT_FALSE(watchCovers("/a/b", "/a"));
  EXPECT_TRUE(watchCovers("/", "/x"));
  EXPECT_FALSE(watchCovers("/", "rel"));
  EXPECT_TRUE(watchCovers("rel", "rel/x"));
  EXPECT_TRUE(watchCovers("@introduceDomain", "@introduceDomain"));
}

TEST(Escape, SanitiseMatchesXenstoreRead) {
  EXPECT_EQ(tools::sanitiseValue("plain text"), "plain text");
  EXPECT_EQ(tools::sanitiseValue("a\tb\nc\rd\\e"), "a\\tb\\nc\\rd\\\\e");
  EXPECT_EQ(tools::sanitiseValue("\0\x07\x08\x7f\xff"sv), "\\000\\007\\x08\\x7f\\xff");
}

TEST(Escape, UnsanitiseIsTheInverseWithXensLeniency) {
  EXPECT_EQ(tools::unsanitiseValue("a\\tb\\x41\\101\\\\"), "a\tbAA\\");
  EXPECT_EQ(tools::unsanitiseValue("\\q"), "q");                 // unknown escape
  EXPECT_EQ(tools::unsanitiseValue("end\\"), std::string("end\0", 4));  // trailing '\'
  EXPECT_EQ(tools::unsanitiseValue("\\xZZ"), "xZZ");             // no hex digits
  for (std::string raw : {std::string("\0\1\2 \x7f\xfe~", 8), std::string("tab\there")}) {
    EXPECT_EQ(tools::unsanitiseValue(tools::sanitiseValue(raw)), raw);
  }
}

// getopt keeps global state; each parse starts it afresh.
std::optional<tools::Options> parse(std::vector<std::string> args) {
  optind = 0;
  std::vector<char*> argv;
  for (auto& a : args) {
    argv.push_back(a.data());
  }
  argv.push_back(nullptr);
  return tools::parseCommandLine(static_cast<int>(args.size()), argv.data());
}

TEST(Cli, ModeFromProgramNameOrFirstArgument) {
  auto a = parse({"/usr/bin/xenstore-read", "-p", "/x", "/y"});
  ASSERT_TRUE(a);
  EXPECT_EQ(a->mode, tools::Mode::Read);
  EXPECT_TRUE(a->prefix);
  EXPECT_EQ(a->args, (std::vector<std::string>{"/x", "/y"}));

  auto b = parse({"xenstore", "ls", "-f"});
  ASSERT_TRUE(b);
  EXPECT_EQ(b->mode, tools::Mode::Ls);
  EXPECT_TRUE(b->wholePath);
  EXPECT_TRUE(b->args.empty());

  auto c = parse({"xenstore-watch", "-n", "3", "/w"});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->nrWatches, 3);
}

TEST(Cli, UsageErrors) {
  EXPECT_FALSE(parse({"xenstore-read"}));                   // no key
  EXPECT_FALSE(parse({"xenstore-write", "/a"}));            // key without value
  EXPECT_FALSE(parse({"xenstore-rm", "-p", "/a"}));         // -p is not an rm option
  EXPECT_FALSE(parse({"xenstore"}));                        // no mode
  EXPECT_FALSE(parse({"xenstore", "frob", "/a"}));          // unknown mode
  EXPECT_TRUE(parse({"xenstore-read", "-s", "/a"}));        // -s is accepted and ignored
}

}  // namespace
}  // namespace xenia::xs
