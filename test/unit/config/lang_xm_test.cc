// xm reader, the accepted subset: literals, layout, arithmetic, sequences,
// % formatting, names and real configs. Expected values were checked
// against CPython 2.7 running the same text through execfile (xm's way).
#include <gtest/gtest.h>

#include <cmath>

#include "config/lang/xm.h"
#include "lang_test_util.h"

namespace xenia::config {
namespace {

using testing::makeValue;

ConfigFile run(std::string_view text, const std::vector<XmOverride>& ov = {}) {
  auto r = parseXm(text, "vm.cfg", ov);
  EXPECT_TRUE(r.has_value()) << text << "\n" << (r ? "" : r.error().format());
  return r ? *r : ConfigFile{};
}

// The value of `x` after running `x = <expr>`.
Value x(const std::string& expr) {
  ConfigFile c = run("x = " + expr + "\n");
  const Assignment* a = c.find("x");
  EXPECT_NE(a, nullptr) << expr;
  return a ? a->value : Value{};
}

Value S(std::string s) { return makeValue(std::move(s)); }
Value I(int64_t i) { return makeValue(i); }
Value F(double d) { return makeValue(d); }
Value Lst(List l) { return makeValue(std::move(l)); }
Value Tup(List l) {
  Value v = makeValue(std::move(l));
  v.isTuple = true;
  return v;
}

// --- literals -----------------------------------------------------------------

TEST(XmLiterals, Integers) {
  EXPECT_EQ(x("42"), I(42));
  EXPECT_EQ(x("0x1F"), I(31));
  EXPECT_EQ(x("0o17"), I(15));
  EXPECT_EQ(x("0b101"), I(5));
  EXPECT_EQ(x("0777"), I(511));  // Python 2 legacy octal
  EXPECT_EQ(x("00"), I(0));
  EXPECT_EQ(x("9223372036854775807"), I(INT64_MAX));
  EXPECT_EQ(x("-9223372036854775808"), I(INT64_MIN));
  EXPECT_EQ(x("-5"), I(-5));
}

TEST(XmLiterals, Floats) {
  EXPECT_EQ(x("1.5"), F(1.5));
  EXPECT_EQ(x("1."), F(1.0));
  EXPECT_EQ(x(".5"), F(0.5));
  EXPECT_EQ(x("1e3"), F(1000.0));
  EXPECT_EQ(x("1E-3"), F(0.001));
  EXPECT_EQ(x("09.5"), F(9.5));
  EXPECT_EQ(x("-2.5"), F(-2.5));
}

TEST(XmLiterals, StringQuotesAndEscapes) {
  EXPECT_EQ(x("'single \"q\"'"), S("single \"q\""));
  EXPECT_EQ(x("\"double 'q'\""), S("double 'q'"));
  EXPECT_EQ(x("'''tri\nple'''"), S("tri\nple"));
  EXPECT_EQ(x(R"X("""it's "quoted" """)X"), S("it's \"quoted\" "));
  EXPECT_EQ(x(R"('\\ \' \" \a\b\f\n\r\t\v')"), S("\\ ' \" \a\b\f\n\r\t\v"));
  EXPECT_EQ(x(R"('\x41\101\1011\0\777')"), S(std::string("AA"
                                                         "A1\0\xff",
                                                         6)));
  // Unknown escapes keep their backslash (Python 2 str).
  EXPECT_EQ(x(R"('\q\N{x}\u1234')"), S("\\q\\N{x}\\u1234"));
  EXPECT_EQ(x("'a\\\nb'"), S("ab"));  // backslash-newline inside a string
  EXPECT_EQ(x("'caf\xc3\xa9'"), S("caf\xc3\xa9"));
}

TEST(XmLiterals, PrefixesAndConcatenation) {
  EXPECT_EQ(x(R"(r'\n\'' + R"\d")"), S("\\n\\'\\d"));
  EXPECT_EQ(x("r'a\\\nb'"), S("a\\\nb"));
  EXPECT_EQ(x("b'bytes' B\"x\" br'\\d'"), S("bytesx\\d"));
  EXPECT_EQ(x("'a' \"b\" '''c'''"), S("abc"));
  EXPECT_EQ(x("('multi '\n     'line')"), S("multi line"));
}

TEST(XmLiterals, ContainersNestAndKeepTuplesInside) {
  EXPECT_EQ(x("[]"), Lst({}));
  EXPECT_EQ(x("[1, 'a', 2.5, [3, [4]], (5,), (), (6, 7), None, True]"),
            Lst({I(1), S("a"), F(2.5), Lst({I(3), Lst({I(4)})}), Tup({I(5)}), Tup({}),
                 Tup({I(6), I(7)}), makeValue(None{}), makeValue(true)}));
  EXPECT_EQ(x("[1, 2,]"), Lst({I(1), I(2)}));
  EXPECT_EQ(x("(1)"), I(1));
  EXPECT_EQ(x("[{'b': 1, 'a': [2]}]"), Lst({makeValue(Dict{{"b", I(1)}, {"a", Lst({I(2)})}})}));
  EXPECT_EQ(x("[{'a': 1, 'a': 2, 'b': 3}]"), Lst({makeValue(Dict{{"a", I(2)}, {"b", I(3)}})}));
}

// --- layout ---------------------------------------------------------------------

TEST(XmLayout, CommentsContinuationsSeparators) {
  ConfigFile ok =
      run("# comment\n\n   # indented comment\na = 1  # trailing\nb = [1,  # inside\n     2]\n"
          "c = 1 + \\\n    2\nd = 1; e = 2;\npass\n\f\ng = (\n 'x')\n");
  EXPECT_EQ(ok.find("a")->value, I(1));
  EXPECT_EQ(ok.find("b")->value, Lst({I(1), I(2)}));
  EXPECT_EQ(ok.find("c")->value, I(3));
  EXPECT_EQ(ok.find("d")->value, I(1));
  EXPECT_EQ(ok.find("e")->value, I(2));
  EXPECT_EQ(ok.find("g")->value, S("x"));
}

TEST(XmLayout, CrLfLineEndingsAndNoFinalNewline) {
  ConfigFile c = run("a = 1\r\nb = '''x\r\ny'''\r\nc = 3");
  EXPECT_EQ(c.find("a")->value, I(1));
  EXPECT_EQ(c.find("b")->value, S("x\ny"));
  EXPECT_EQ(c.find("c")->value, I(3));
  EXPECT_TRUE(run("").entries.empty());
  EXPECT_TRUE(run("# nothing\n\n").entries.empty());
}

// --- arithmetic -------------------------------------------------------------------

TEST(XmArith, PrecedenceAndPython2Division) {
  EXPECT_EQ(x("1 + 2 * 3 - 4 / 3"), I(6));
  EXPECT_EQ(x("7 / 2"), I(3));
  EXPECT_EQ(x("-7 / 2"), I(-4));
  EXPECT_EQ(x("7 // 2"), I(3));
  EXPECT_EQ(x("-7 // 2"), I(-4));
  EXPECT_EQ(x("-7 % 3"), I(2));
  EXPECT_EQ(x("7 % -3"), I(-2));
  EXPECT_EQ(x("(1 + 2) * 3"), I(9));
  EXPECT_EQ(x("- - 5"), I(5));
  EXPECT_EQ(x("+4"), I(4));
  EXPECT_EQ(x("-True"), I(-1));
  EXPECT_EQ(x("True + True"), I(2));
}

TEST(XmArith, Floats) {
  EXPECT_EQ(x("10 / 4.0"), F(2.5));
  EXPECT_EQ(x("-7.0 // 2"), F(-4.0));
  EXPECT_EQ(x("-7.5 % 2"), F(0.5));
  EXPECT_EQ(x("7.5 % -2"), F(-0.5));
  EXPECT_EQ(x("5.5 // 2"), F(2.0));
  EXPECT_EQ(x("0.1 + 0.2"), F(0.1 + 0.2));
  EXPECT_EQ(x("3 * 0.5"), F(1.5));
  EXPECT_EQ(std::get<double>(x("1e308 * 10").v), HUGE_VAL);  // inf, as Python
}

TEST(XmArith, Power) {
  EXPECT_EQ(x("2 ** 10"), I(1024));
  EXPECT_EQ(x("2 ** -2"), F(0.25));
  EXPECT_EQ(x("-2 ** 2"), I(-4));
  EXPECT_EQ(x("2 ** 3 ** 2"), I(512));
  EXPECT_EQ(x("(-2) ** 3"), I(-8));
  EXPECT_EQ(x("4 ** 0.5"), F(2.0));
  EXPECT_EQ(x("2 ** 62 + (2 ** 62 - 1)"), I(INT64_MAX));
}

// --- sequences ---------------------------------------------------------------------

TEST(XmSeq, ConcatAndRepeat) {
  EXPECT_EQ(x("'ab' + 'cd'"), S("abcd"));
  EXPECT_EQ(x("'ab' * 3"), S("ababab"));
  EXPECT_EQ(x("2 * 'ab'"), S("abab"));
  EXPECT_EQ(x("'ab' * -1"), S(""));
  EXPECT_EQ(x("'ab' * True"), S("ab"));
  EXPECT_EQ(x("[1] + [2, 3]"), Lst({I(1), I(2), I(3)}));
  EXPECT_EQ(x("[0] * 3"), Lst({I(0), I(0), I(0)}));
  EXPECT_EQ(x("[[1], 'a'] * 2"), Lst({Lst({I(1)}), S("a"), Lst({I(1)}), S("a")}));
  EXPECT_EQ(x("[(1,) + (2,)]"), Lst({Tup({I(1), I(2)})}));
  EXPECT_EQ(x("[(1, 2) * 2]"), Lst({Tup({I(1), I(2), I(1), I(2)})}));
}

// --- % formatting (every case checked against CPython 2.7) ----------------------------

struct FmtCase {
  const char* expr;
  const char* want;
};

class XmFormat : public ::testing::TestWithParam<FmtCase> {};

TEST_P(XmFormat, MatchesCPython27) { EXPECT_EQ(x(GetParam().expr), S(GetParam().want)); }

INSTANTIATE_TEST_SUITE_P(
    Py27, XmFormat,
    ::testing::Values(
        FmtCase{"'%s-%d' % ('a', 5)", "a-5"}, FmtCase{"'%s' % 'single'", "single"},
        FmtCase{"'%s' % [1, 2]", "[1, 2]"}, FmtCase{"'%s' % ((1,),)", "(1,)"},
        FmtCase{"'%s' % ([1, 'a', (2,), 1.5, None, True],)", "[1, 'a', (2,), 1.5, None, True]"},
        FmtCase{"'%(name)s is %(age)d' % {'name': 'web', 'age': 3}", "web is 3"},
        FmtCase{"'%(a(b))s' % {'a(b)': 5}", "5"}, FmtCase{"'%s %(a)s' % {'a': 1}", "{'a': 1} 1"},
        FmtCase{"'%s' % {}", "{}"}, FmtCase{"'abc' % []", "abc"}, FmtCase{"'%%' % ()", "%"},
        FmtCase{"'%%'", "%%"}, FmtCase{"'%s%%' % 5", "5%"},
        FmtCase{"'%5%|%-5%|' % ()", "    %|%    |"},
        FmtCase{"'%r %r %r' % ('a', \"b'c\", 'd\"e')", "'a' \"b'c\" 'd\"e'"},
        FmtCase{"'%5.2f|%-6s|%03d' % (3.14159, 'ab', 7)", " 3.14|ab    |007"},
        FmtCase{"'%x %X %o %#x %#o %#X' % (255, 255, 8, 255, 8, 255)", "ff FF 10 0xff 010 0XFF"},
        FmtCase{"'%e %E %g %G' % (12345.678, 0.000012, 1e20, 1e-20)",
                "1.234568e+04 1.200000E-05 1e+20 1E-20"},
        FmtCase{"'%+d % d %+05d %-5d|' % (5, 5, 42, 42)", "+5  5 +0042 42   |"},
        FmtCase{"'%-05d|% +d|% d' % (42, 5, -5)", "42   |+5|-5"},
        FmtCase{"'%.3s|%10.4f|%-10.2e|' % ('abcdef', 3.14159, 314.159)",
                "abc|    3.1416|3.14e+02  |"},
        FmtCase{"'%*d|%-*d|%.*f' % (5, 3, 4, 2, 2, 3.14159)", "    3|2   |3.14"},
        FmtCase{"'%*d|%.*f' % (-5, 3, -2, 1.5)", "3    |2"},
        FmtCase{"'%#.3x %#5x %#05x %.0d %.0x %#x' % (5, 5, 5, 0, 0, 0)", "0x005   0x5 0x005   0x0"},
        FmtCase{"'%u %o %x %#x' % (-3, -8, -255, -255)", "-3 -10 -ff -0xff"},
        FmtCase{"'%#o %#.0o %#8.3o|' % (0, 0, 8)", "0 0      010|"},
        FmtCase{"'%d %d %x %i %c' % (3.99, -3.99, 3.7, True, True)", "3 -3 3 1 \x01"},
        FmtCase{"'%ld %hd %Lf' % (5, 6, 1.5)", "5 6 1.500000"},
        FmtCase{"'%c%c|%5c|' % (65, 'b', 'z')", "Ab|    z|"},
        FmtCase{"'%s|%s|%s|%s' % (1e16, 0.1, 1.0 / 3, 123456789012.0)",
                "1e+16|0.1|0.333333333333|1.23456789012e+11"},
        FmtCase{"'%r|%r|%r|%r' % (1.0 / 3, 1e22, 1e15, 0.00001)",
                "0.3333333333333333|1e+22|1000000000000000.0|1e-05"},
        FmtCase{"'%s|%s|%s|%s' % (1.0, 100.0, 1e11, 12345678901.0)",
                "1.0|100.0|1e+11|12345678901.0"},
        FmtCase{"'%s %s' % (-0.0, 0.1 + 0.2)", "-0.0 0.3"},
        FmtCase{"'%#g|%#.0e|%+.1e' % (1, 1, 12345)", "1.00000|1.e+00|+1.2e+04"},
        FmtCase{"'%08.3f|%08.2f' % (-0.0, -3.14159)", "-000.000|-0003.14"},
        FmtCase{"'%.3g %.3g %g %g' % (1234.5, 0.0001234, 100000, 1000000)",
                "1.23e+03 0.000123 100000 1e+06"},
        FmtCase{"'%.0f %.0f %.f' % (2.5, 3.5, 2.567)", "2 4 3"},
        FmtCase{"'%5.2r|%.2s|%.s|' % ('abc', [1, 2], 'ab')", "   'a|[1||"},
        FmtCase{"'%05s|%+s' % ('ab', 'a')", "   ab|a"}, FmtCase{"'%s' % 'x' % ()", "x"},
        FmtCase{"'vm%02d' % 7 + '-' + '%s' % 'web'", "vm07-web"}));

// --- names --------------------------------------------------------------------------

TEST(XmNames, EarlierBindingsAndChainedAssignment) {
  ConfigFile c = run("a = b = 'same'\nn = 2\nname = 'vm%d' % n\nn = 5\nm = n * 2\n");
  EXPECT_EQ(c.find("a")->value, S("same"));
  EXPECT_EQ(c.find("b")->value, S("same"));
  EXPECT_EQ(c.find("name")->value, S("vm2"));
  EXPECT_EQ(c.find("n")->value, I(5));
  EXPECT_EQ(c.find("m")->value, I(10));
  std::vector<std::string> order;
  for (const auto& e : c.entries) {
    order.push_back(e.name);
  }
  EXPECT_EQ(order, (std::vector<std::string>{"a", "b", "n", "name", "m"}));
}

TEST(XmNames, AugmentedAssignment) {
  ConfigFile c = run(
      "a = 1\na += 2\ns = 'x'\ns += 'y'\nl = [1]\nl += [2]\nl += (3,)\nl += 'xy'\n"
      "l += {'k': 1}\nr = [0]\nr *= 3\ny = 5\ny -= 2\ny *= 3\ny /= 2\ny //= 1\ny %= 7\ny **= 2\n"
      "f = 1.5\nf += 1\nt = (1,)\nt += (2,)\nq = [t]\n");
  EXPECT_EQ(c.find("a")->value, I(3));
  EXPECT_EQ(c.find("s")->value, S("xy"));
  EXPECT_EQ(c.find("l")->value, Lst({I(1), I(2), I(3), S("x"), S("y"), S("k")}));
  EXPECT_EQ(c.find("r")->value, Lst({I(0), I(0), I(0)}));
  EXPECT_EQ(c.find("y")->value, I(16));
  EXPECT_EQ(c.find("f")->value, F(2.5));
  EXPECT_EQ(c.find("q")->value, Lst({Tup({I(1), I(2)})}));
  ConfigFile self = run("l = [1, 2]\nl += l\n");
  EXPECT_EQ(self.find("l")->value, Lst({I(1), I(2), I(1), I(2)}));
}

TEST(XmNames, Locations) {
  ConfigFile c =
      run("# header\nmemory = 512\nname = \\\n  'web'\ndisk = [\n 'a',\n   'b']\n"
          "memory = memory * 2\n");
  const Assignment* mem = c.find("memory");
  EXPECT_EQ(mem->loc.file, "vm.cfg");
  EXPECT_EQ(mem->loc.line, 8);  // the last assignment
  EXPECT_EQ(mem->loc.col, 1);
  EXPECT_EQ(mem->value.loc.line, 8);
  EXPECT_EQ(mem->value.loc.col, 10);
  const Assignment* name = c.find("name");
  EXPECT_EQ(name->value.loc.line, 4);
  EXPECT_EQ(name->value.loc.col, 3);
  const Value& disk = c.find("disk")->value;
  EXPECT_EQ(disk.loc.line, 5);
  EXPECT_EQ(disk.loc.col, 8);
  EXPECT_EQ(std::get<List>(disk.v)[1].loc.line, 7);
  EXPECT_EQ(std::get<List>(disk.v)[1].loc.col, 4);
}

// --- real configs ---------------------------------------------------------------------

TEST(XmReal, XenExamples) {
  ConfigFile c = run(testing::readData("xm/xmexample1"));
  EXPECT_EQ(c.find("kernel")->value, S("/boot/vmlinuz-2.6.10-xenU"));
  EXPECT_EQ(c.find("memory")->value, I(64));
  EXPECT_EQ(c.find("name")->value, S("ExampleDomain"));
  EXPECT_EQ(c.find("vif")->value, Lst({S("")}));
  EXPECT_EQ(c.find("disk")->value, Lst({S("phy:hda1,hda1,w")}));
  EXPECT_EQ(c.find("extra")->value, S("4"));
  EXPECT_EQ(c.entries.size(), 7u);

  ConfigFile h = run(testing::readData("xm/xmexample.hvm"));
  EXPECT_EQ(h.find("builder")->value, S("hvm"));
  EXPECT_EQ(h.find("disk")->value,
            Lst({S("file:/var/images/min-el3-i386.img,hda,w"), S(",hdc:cdrom,r")}));
  EXPECT_EQ(h.find("vif")->value, Lst({S("type=ioemu, bridge=xenbr0")}));
  EXPECT_EQ(h.find("serial")->value, S("pty"));

  EXPECT_EQ(run(testing::readData("xm/xmexample.nbd")).find("disk")->value,
            Lst({S("nbd:134.100.233.115 20004,hda1,w")}));
  EXPECT_EQ(run(testing::readData("xm/xmexample.pv-grub")).find("extra")->value,
            S("(hd0,0)/boot/grub/menu.lst"));
}

TEST(XmReal, SeedCorpusConfigs) {
  ConfigFile n = run(testing::readData("xm/netbsd.cfg"));
  EXPECT_EQ(n.find("kernel")->value, S("/boot/netbsd-INSTALL_XEN3_DOMU"));
  EXPECT_EQ(n.find("memory")->value, I(256));
  EXPECT_EQ(n.find("on_crash")->value, S("restart"));
  EXPECT_EQ(n.find("vif")->value, Lst({S("mac=00:16:3e:00:00:44, bridge=xenbr10"),
                                       S("mac=00:16:e3:00:00:45, bridge=xenbr20")}));
  EXPECT_EQ(n.find("vif")->loc.line, 11);
  ConfigFile b = run(testing::readData("xm/book-of-xen.cfg"));
  EXPECT_EQ(b.find("pci")->value, Lst({S("00:1a.1"), S("00:1a.7")}));
  EXPECT_EQ(b.find("vfb")->value, Lst({S("type=vnc, vncunused=1")}));
}

TEST(XmReal, PythonIdioms) {
  ConfigFile c = run(testing::readData("xm/python-idioms.cfg"));
  EXPECT_EQ(c.find("name")->value, S("vm3"));
  EXPECT_EQ(c.find("memory")->value, I(512));
  EXPECT_EQ(c.find("maxmem")->value, I(1024));
  EXPECT_EQ(c.find("disk")->value,
            Lst({S("phy:/dev/vg0/vm3-root,xvda1,w"), S("phy:/dev/vg0/vm3-swap,xvda2,w"),
                 S("file:/srv/iso/install.iso,hdc:cdrom,r")}));
  EXPECT_EQ(c.find("vif")->value, Lst({S("mac=00:16:3e:00:00:03, bridge=xenbr0")}));
  EXPECT_EQ(c.find("extra")->value, S("root=/dev/xvda1 ro console=hvc0 ip=10.0.0.103"));
  EXPECT_EQ(c.find("cpu_weight")->value, I(512));
  EXPECT_EQ(c.find("description")->value, S("A test guest\non two lines"));
  EXPECT_TRUE(c.warnings.empty());
}

}  // namespace
}  // namespace xenia::config
