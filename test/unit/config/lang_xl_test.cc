// xl config reader against libxlu: the research brief's §3.1 vectors, real
// example configs, and error texts/expectation lists checked against Debian's
// libxlutil.so.4.17 (xl's own parser) while this was written.
#include <gtest/gtest.h>

#include "config/lang/xl.h"
#include "lang_test_util.h"

namespace xenia::config {
namespace {

using testing::makeValue;

ConfigFile ok(std::string_view text) {
  auto r = parseXl(text, "guest.cfg");
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().format());
  return r ? *r : ConfigFile{};
}

ParseError bad(std::string_view text) {
  auto r = parseXl(text, "guest.cfg");
  EXPECT_FALSE(r.has_value()) << text;
  return r ? ParseError{} : r.error();
}

const Value& get(const ConfigFile& c, const std::string& name) {
  static const Value kMissing;
  const Assignment* a = c.find(name);
  EXPECT_NE(a, nullptr) << name;
  return a ? a->value : kMissing;
}

Value S(std::string s) { return makeValue(std::move(s)); }
Value I(int64_t i) { return makeValue(i); }
Value Lst(List l) { return makeValue(std::move(l)); }

constexpr const char* kPythonHint =
    "Config file looks like it contains Python code. Arbitrary Python is no longer supported. "
    "See https://wiki.xen.org/wiki/PythonInXlConfig";

// --- research brief §3.1 test vectors -------------------------------------

TEST(XlVectors, SemicolonSeparatedAssignments) {
  ConfigFile c = ok("name=\"h0\"; type=\"hvm\"");
  ASSERT_EQ(c.entries.size(), 2u);
  EXPECT_EQ(get(c, "name"), S("h0"));
  EXPECT_EQ(get(c, "type"), S("hvm"));
}

TEST(XlVectors, ArithmeticWithPythonCharsGetsTheHint) {
  ParseError e = bad("memory = 512 + 2\n");
  EXPECT_EQ(e.format(),
            std::string("guest.cfg:1:14: config parsing error near `+': lexical error\n  hint: ") +
                kPythonHint);
}

TEST(XlVectors, OtherArithmeticIsAPlainLexicalError) {
  ParseError e = bad("memory = 512 * 2\n");
  EXPECT_EQ(e.format(), "guest.cfg:1:14: config parsing error near `*': lexical error");
  EXPECT_TRUE(e.hint.empty());
}

TEST(XlVectors, PlusEqualsAppends) {
  ConfigFile c = ok("disk = ['phy:/dev/vg/a,xvda,w']\ndisk += ['phy:/dev/vg/b,xvdb,w']\n");
  EXPECT_EQ(get(c, "disk"), Lst({S("phy:/dev/vg/a,xvda,w"), S("phy:/dev/vg/b,xvdb,w")}));
  EXPECT_EQ(c.find("disk")->loc.line, 2);
}

TEST(XlVectors, TrailingCommaAndMultiLineLists) {
  ConfigFile c = ok("vif = [ 'a', 'b', ]\ndisk = [\n  'x',\n\n  'y'\n  ,\n]\n");
  EXPECT_EQ(get(c, "vif"), Lst({S("a"), S("b")}));
  EXPECT_EQ(get(c, "disk"), Lst({S("x"), S("y")}));
}

TEST(XlVectors, UnquotedWordIsNotAValue) {
  ParseError e = bad("a = b\n");
  EXPECT_EQ(e.format(),
            "guest.cfg:1:5: config parsing error near `b': syntax error, unexpected IDENT, "
            "expecting STRING or NUMBER or '['");
}

// --- values -----------------------------------------------------------------

TEST(XlValues, NumbersAreStrtolBaseZero) {
  ConfigFile c = ok("a = 512\nb = 0x1f\nc = 0777\nd = 0\ne = 9223372036854775807\n");
  EXPECT_EQ(get(c, "a"), I(512));
  EXPECT_EQ(get(c, "b"), I(31));
  EXPECT_EQ(get(c, "c"), I(511));
  EXPECT_EQ(get(c, "d"), I(0));
  EXPECT_EQ(get(c, "e"), I(INT64_MAX));
}

TEST(XlValues, UpperCaseHexDigitsAreNotPartOfANumber) {
  EXPECT_EQ(bad("b = 0x1F\n").message, "config parsing error near `F': lexical error");
}

TEST(XlValues, NumberTokensStrtolRejectsStayText) {
  // The lexer accepts [0-9][0-9a-fx]*; xl only complains when a number is
  // asked for, so these are kept as the text.
  ConfigFile c = ok("a = 08\nb = 1x\nc = 0x\nd = 12abc\ne = 99999999999999999999\n");
  EXPECT_EQ(get(c, "a"), S("08"));
  EXPECT_EQ(get(c, "b"), S("1x"));
  EXPECT_EQ(get(c, "c"), S("0x"));
  EXPECT_EQ(get(c, "d"), S("12abc"));
  EXPECT_EQ(get(c, "e"), S("99999999999999999999"));
}

TEST(XlValues, StringsAndEscapes) {
  ConfigFile c = ok(R"(a = 'single "x"'
b = "double 'y'"
c = "\\ \' \" \a\b\f\n\r\t\v"
d = ''
e = "caf)"
                    "\xc3\xa9"
                    R"("
)");
  EXPECT_EQ(get(c, "a"), S("single \"x\""));
  EXPECT_EQ(get(c, "b"), S("double 'y'"));
  EXPECT_EQ(get(c, "c"), S("\\ ' \" \a\b\f\n\r\t\v"));
  EXPECT_EQ(get(c, "d"), S(""));
  EXPECT_EQ(get(c, "e"), S("caf\xc3\xa9"));
}

TEST(XlValues, NestedHeterogeneousLists) {
  ConfigFile c = ok("a = [[1], \"x\", [], [[2, 'y']]]\nb = []\n");
  EXPECT_EQ(get(c, "a"), Lst({Lst({I(1)}), S("x"), Lst({}), Lst({Lst({I(2), S("y")})})}));
  EXPECT_EQ(get(c, "b"), Lst({}));
}

TEST(XlValues, IdentifiersAndSeparators) {
  ConfigFile c = ok("\n;; a.b_c9 = 1 ;\n\t x=2 # note\n# whole line\ny=3;z=4");
  EXPECT_EQ(get(c, "a.b_c9"), I(1));
  EXPECT_EQ(get(c, "x"), I(2));
  EXPECT_EQ(get(c, "y"), I(3));
  EXPECT_EQ(get(c, "z"), I(4));
  EXPECT_TRUE(ok("").entries.empty());
  EXPECT_TRUE(ok("# only a comment\n").entries.empty());
}

TEST(XlValues, LastAssignmentWinsKeepingFirstOrder) {
  ConfigFile c = ok("a = 1\nb = 2\na = 'again'\n");
  ASSERT_EQ(c.entries.size(), 2u);
  EXPECT_EQ(c.entries[0].name, "a");
  EXPECT_EQ(c.entries[0].value, S("again"));
  EXPECT_EQ(c.entries[0].loc.line, 3);
  EXPECT_EQ(c.entries[1].name, "b");
}

TEST(XlValues, PlusEqualsOnAtomsConcatenatesText) {
  ConfigFile c = ok("a = 'x'\na += 1\nb = 0x10\nb += 'y'\nc += 'fresh'\nd += 5\n");
  EXPECT_EQ(get(c, "a"), S("x1"));
  EXPECT_EQ(get(c, "b"), S("0x10y"));
  EXPECT_EQ(get(c, "c"), S("fresh"));
  EXPECT_EQ(get(c, "d"), S("5"));  // libxlu refuses += numbers when read as a number
  ConfigFile l = ok("d += ['a']\nd += [['b']]\n");
  EXPECT_EQ(get(l, "d"), Lst({S("a"), Lst({S("b")})}));
}

TEST(XlValues, Locations) {
  ConfigFile c = ok("# c\nname = \"web\"\ndisk = [\n  'a',\n 7 ]\n");
  const Assignment* n = c.find("name");
  EXPECT_EQ(n->loc.file, "guest.cfg");
  EXPECT_EQ(n->loc.line, 2);
  EXPECT_EQ(n->loc.col, 1);
  EXPECT_EQ(n->value.loc.col, 8);
  const Value& d = get(c, "disk");
  EXPECT_EQ(d.loc.line, 3);
  EXPECT_EQ(d.loc.col, 8);
  const List& items = std::get<List>(d.v);
  EXPECT_EQ(items[0].loc.line, 4);
  EXPECT_EQ(items[0].loc.col, 3);
  EXPECT_EQ(items[1].loc.line, 5);
  EXPECT_EQ(items[1].loc.col, 2);
}

// --- errors (texts as printed by libxlutil 4.17) ------------------------------

struct ErrCase {
  const char* text;
  int line;
  int col;
  const char* message;
  bool python;
};

class XlErrors : public ::testing::TestWithParam<ErrCase> {};

TEST_P(XlErrors, MatchLibxlu) {
  const ErrCase& c = GetParam();
  ParseError e = bad(c.text);
  EXPECT_EQ(e.message, c.message) << c.text;
  EXPECT_EQ(e.loc.file, "guest.cfg");
  EXPECT_EQ(e.loc.line, c.line) << c.text;
  EXPECT_EQ(e.loc.col, c.col) << c.text;
  EXPECT_EQ(e.hint == kPythonHint, c.python) << c.text << ": " << e.hint;
}

INSTANTIATE_TEST_SUITE_P(
    Libxlu, XlErrors,
    ::testing::Values(
        ErrCase{"a=[=]", 1, 4,
                "config parsing error near `=': syntax error, unexpected '=', expecting ']'",
                false},
        ErrCase{"a=[1 2]", 1, 6,
                "config parsing error near `2': syntax error, unexpected NUMBER, expecting ']'",
                false},
        ErrCase{
            "a b", 1, 3,
            "config parsing error near `b': syntax error, unexpected IDENT, expecting += or '='",
            false},
        ErrCase{"a=1 2", 1, 5,
                "config parsing error near `2': syntax error, unexpected NUMBER, expecting $end",
                false},
        ErrCase{"a=\n", 1, 3,
                "config parsing error near <newline>: syntax error, unexpected NEWLINE, expecting "
                "STRING or NUMBER or '['",
                false},
        ErrCase{"a= # why\n", 1, 4,
                "config parsing error near `# why': syntax error, unexpected NEWLINE, expecting "
                "STRING or NUMBER or '['",
                false},
        ErrCase{"a=[1", 1, 5,
                "config parsing error near `': syntax error, unexpected $end, expecting ']'",
                false},
        ErrCase{"a+=", 1, 4,
                "config parsing error near `': syntax error, unexpected $end, expecting STRING or "
                "NUMBER or '['",
                false},
        ErrCase{"a=1,", 1, 4,
                "config parsing error near `,': syntax error, unexpected ',', expecting $end",
                false},
        ErrCase{"a=[1]]", 1, 6,
                "config parsing error near `]': syntax error, unexpected ']', expecting $end",
                false},
        ErrCase{"a=[1,,2]", 1, 6,
                "config parsing error near `,': syntax error, unexpected ',', expecting ']'",
                false},
        ErrCase{"=1", 1, 1,
                "config parsing error near `=': syntax error, unexpected '=', expecting $end or "
                "IDENT or NEWLINE or ';'",
                false},
        ErrCase{",", 1, 1,
                "config parsing error near `,': syntax error, unexpected ',', expecting $end or "
                "IDENT or NEWLINE or ';'",
                false},
        ErrCase{"a=;", 1, 3,
                "config parsing error near `;': syntax error, unexpected ';', expecting STRING or "
                "NUMBER or '['",
                false},
        ErrCase{"a=]", 1, 3,
                "config parsing error near `]': syntax error, unexpected ']', expecting STRING or "
                "NUMBER or '['",
                false},
        ErrCase{"a='s' 'b'", 1, 7,
                "config parsing error near `'b'': syntax error, unexpected STRING, expecting $end",
                false},
        ErrCase{"a='it''s'", 1, 7,
                "config parsing error near `'s'': syntax error, unexpected STRING, expecting $end",
                false},
        ErrCase{"a=1;b", 1, 6,
                "config parsing error near `': syntax error, unexpected $end, expecting += or '='",
                false},
        ErrCase{
            "a=1\nb c", 2, 3,
            "config parsing error near `c': syntax error, unexpected IDENT, expecting += or '='",
            false},
        ErrCase{"a=[1,2\n", 2, 1,
                "config parsing error near `': syntax error, unexpected $end, expecting ']'",
                false},
        ErrCase{"A=1", 1, 1, "config parsing error near `A=1': lexical error", false},
        ErrCase{"a=-1", 1, 3, "config parsing error near `-1': lexical error", true},
        ErrCase{"x=1\ny=(2)\nz=3", 2, 3, "config parsing error near `(2)': lexical error", true},
        ErrCase{"a='unterminated", 1, 3, "config parsing error near `'unterminated': lexical error",
                false},
        ErrCase{"a=\"x\\\ny\"", 1, 3, "config parsing error near `\"x\\': lexical error", false},
        ErrCase{"a=1\n# c", 2, 1, "config parsing error near `#': lexical error", false},
        ErrCase{"a=1 # c", 1, 5, "config parsing error near `#': lexical error", false},
        ErrCase{"a=1\r\n", 1, 4, "config parsing error near `\r': lexical error", false},
        ErrCase{"a=1.5\n", 1, 4, "config parsing error near `.5': lexical error", true},
        ErrCase{"a=\"x\\q\"", 1, 3,
                "config parsing error near `\"x\\q\"': invalid character after backlash in quoted "
                "string",
                false},
        ErrCase{"a=\"\\x41\"", 1, 3,
                "config parsing error near `\"\\x41\"': invalid digit after backslash hexnumerical "
                "character escape in quoted string",
                false},
        ErrCase{"a=\"\\1\"", 1, 3,
                "config parsing error near `\"\\1\"': invalid digit after backslash octalnumerical "
                "character escape in quoted string",
                false},
        ErrCase{"a=\"\\12\"", 1, 3,
                "config parsing error near `\"\\12\"': invalid digit after backslash "
                "octalnumerical character escape in quoted string",
                false},
        ErrCase{"a=\"x\"\na+=[1]", 2, 6,
                "config parsing error near `]': can't add [list] to \"string\" or vice versa",
                false},
        ErrCase{"a=[1]\na+=\"s\"", 2, 4,
                "config parsing error near `\"s\"': can't add [list] to \"string\" or vice versa",
                false}));

TEST(XlErrorsMore, PythonHintLooksAtTheWholeFile) {
  // The first error is a syntax error; a later '(' still marks the file as
  // Python, as xl keeps scanning after errors.
  ParseError e = bad("a b\nc=(1)\n");
  EXPECT_EQ(e.loc.line, 1);
  EXPECT_EQ(e.hint, kPythonHint);
  // Python characters inside strings and comments do not count.
  e = bad("a b\nc='(1)' # (x)\n");
  EXPECT_TRUE(e.hint.empty());
  // An error right after a complete assignment makes bison abort, so xl
  // never reads the '(' and prints no warning.
  e = bad("a=1 b\nc=(1)\n");
  EXPECT_EQ(e.message,
            "config parsing error near `b': syntax error, unexpected IDENT, expecting $end");
  EXPECT_TRUE(e.hint.empty());
  // Recovery skips to the next newline and goes on.
  e = bad("a=[1,2\nb\nc=(1)\n");
  EXPECT_EQ(e.loc.line, 2);
  EXPECT_EQ(e.hint, kPythonHint);
}

TEST(XlErrorsMore, BadLastByteIsDroppedLikeFlexDoes) {
  ConfigFile c = ok("a=1\n*");
  EXPECT_EQ(get(c, "a"), I(1));
  ok("a=1\n#");
  ok("a=1 )");
  // ...but stays in yytext for the $end that follows.
  EXPECT_EQ(bad("a=*").message,
            "config parsing error near `*': syntax error, unexpected $end, expecting STRING or "
            "NUMBER or '['");
  EXPECT_EQ(bad("a=1\n*x").message, "config parsing error near `*x': lexical error");
}

TEST(XlErrorsMore, HelpfulHintsForCommonMistakes) {
  EXPECT_NE(bad("Name = 'x'\n").hint.find("lower case"), std::string::npos);
  EXPECT_NE(bad("a=1\r\n").hint.find("CRLF"), std::string::npos);
  EXPECT_NE(bad("a=1 # c").hint.find("newline"), std::string::npos);
}

TEST(XlErrorsMore, OctalEscapesThatXlDeletesAreRefused) {
  ParseError e = bad("a=\"A\\101B\"\n");
  EXPECT_EQ(e.message.rfind("config parsing error near `\"A\\101B\"': octal escape", 0), 0u);
}

TEST(XlErrorsMore, NulInStringAndDeepNesting) {
  EXPECT_NE(bad(std::string("a=\"x\0y\"\n", 8)).message.find("NUL byte"), std::string::npos);
  std::string deep = "a=" + std::string(200, '[') + std::string(200, ']');
  EXPECT_NE(bad(deep).message.find("nested deeper"), std::string::npos);
  std::string fine = "a=" + std::string(60, '[') + std::string(60, ']');
  ok(fine);
}

// --- real configs -------------------------------------------------------------

TEST(XlReal, XenExamples) {
  std::string hvm = testing::readData("xl/xlexample.hvm");
  ASSERT_FALSE(hvm.empty());
  ConfigFile c = ok(hvm);
  EXPECT_EQ(get(c, "builder"), S("hvm"));
  EXPECT_EQ(get(c, "name"), S("example.hvm"));
  EXPECT_EQ(get(c, "memory"), I(128));
  EXPECT_EQ(get(c, "vcpus"), I(2));
  EXPECT_EQ(get(c, "vif"), Lst({S("")}));
  EXPECT_EQ(get(c, "disk"), Lst({S("/dev/vg/guest-volume,raw,xvda,rw")}));
  EXPECT_EQ(get(c, "sdl"), I(1));

  ConfigFile p = ok(testing::readData("xl/xlexample.pvlinux"));
  EXPECT_EQ(get(p, "kernel"), S("/boot/vmlinuz"));
  EXPECT_EQ(get(p, "extra"), S("root=/dev/xvda1"));
}

TEST(XlReal, HandWrittenGuest) {
  ConfigFile c = ok(testing::readData("xl/web1.cfg"));
  EXPECT_EQ(get(c, "type"), S("pv"));
  EXPECT_EQ(get(c, "memory"), I(1024));
  EXPECT_EQ(get(c, "maxmem"), I(2048));
  EXPECT_EQ(get(c, "cpus"), S("0-3"));
  EXPECT_EQ(get(c, "disk"),
            Lst({S("format=raw, vdev=xvda, access=rw, target=/dev/vg0/web1-root"),
                 S("format=qcow2, vdev=xvdb, access=rw, target=/srv/xen/web1-data.qcow2"),
                 S("vdev=xvdc,access=ro,devtype=cdrom,target=/isos/debian.iso")}));
  EXPECT_EQ(get(c, "vif"), Lst({S("mac=00:16:3e:00:00:01,bridge=xenbr0"),
                                S("mac=00:16:3e:00:00:02,bridge=xenbr1,rate=10Mb/s")}));
  EXPECT_EQ(get(c, "pci"), Lst({}));
  EXPECT_EQ(get(c, "cpuid"), Lst({Lst({S("0x1"), S("ecx")}), I(7)}));
}

}  // namespace
}  // namespace xenia::config
