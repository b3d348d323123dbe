// xm reader, the edges: every refused construct with its file:line:col,
// Python runtime errors, list aliasing, xm's command-line override rules,
// settings xm ignores, and the size/depth bounds on hostile input.
#include <gtest/gtest.h>

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

ParseError fail(std::string_view text, const std::vector<XmOverride>& ov = {},
                const XmLimits& limits = {}) {
  auto r = parseXm(text, "vm.cfg", ov, limits);
  EXPECT_FALSE(r.has_value()) << text;
  return r ? ParseError{} : r.error();
}

Value S(std::string s) { return makeValue(std::move(s)); }
Value I(int64_t i) { return makeValue(i); }

struct Refusal {
  const char* text;
  int line;
  int col;
  const char* message;
};

class XmRefusals : public ::testing::TestWithParam<Refusal> {};

TEST_P(XmRefusals, NamesTheConstructAndWhere) {
  const Refusal& c = GetParam();
  ParseError e = fail(c.text);
  EXPECT_EQ(e.loc.file, "vm.cfg");
  EXPECT_EQ(e.loc.line, c.line) << c.text;
  EXPECT_EQ(e.loc.col, c.col) << c.text;
  EXPECT_EQ(e.message, c.message) << c.text;
}

INSTANTIATE_TEST_SUITE_P(
    Statements, XmRefusals,
    ::testing::Values(
        Refusal{"import os\n", 1, 1, "`import` is not supported"},
        Refusal{"name = 'a'\nfrom os import path\n", 2, 1, "`import` is not supported"},
        Refusal{"x = 1\ndef check(v):\n    return v\n", 2, 1,
                "function definitions (`def`) are not supported"},
        Refusal{"class A: pass\n", 1, 1, "class definitions are not supported"},
        Refusal{"if 1:\n    x = 2\n", 1, 1, "`if` statements are not supported"},
        Refusal{"for i in [1]: pass\n", 1, 1, "loops (`for`) are not supported"},
        Refusal{"while 0: pass\n", 1, 1, "loops (`while`) are not supported"},
        Refusal{"try: pass\n", 1, 1, "`try` is not supported"},
        Refusal{"with x: pass\n", 1, 1, "`with` is not supported"},
        Refusal{"print 'x'\n", 1, 1, "`print` is not supported"},
        Refusal{"x = 1; del x\n", 1, 8, "`del` is not supported"},
        Refusal{"global x\n", 1, 1, "`global` is not supported"},
        Refusal{"exec 'x = 1'\n", 1, 1, "`exec` is not supported"},
        Refusal{"assert 1\n", 1, 1, "`assert` is not supported"},
        Refusal{"raise X\n", 1, 1, "`raise` is not supported"},
        Refusal{"@dec\n", 1, 1, "decorators are not supported"},
        Refusal{"a, b = 1, 2\n", 1, 1, "unpacking assignments (a, b = ...) are not supported"},
        Refusal{"[a, b] = 1, 2\n", 1, 1, "unpacking assignments (a, b = ...) are not supported"},
        Refusal{"1 = x\n", 1, 1, "can't assign to literal"},
        Refusal{"None = 1\n", 1, 1, "cannot assign to None"},
        Refusal{"True = 0\n", 1, 1, "cannot assign to True"},
        Refusal{"x + 1 = 2\n", 1, 1, "can't assign to operator"},
        Refusal{"(a, b) += 1\n", 1, 1, "illegal expression for augmented assignment"},
        Refusal{"x = 1\nx |= 2\n", 2, 3, "bitwise operators (`|=`) are not supported"},
        Refusal{" x = 1\n", 1, 2, "unexpected indent"},
        Refusal{"x = 1\n\ty = 2\n", 2, 2, "unexpected indent"}));

INSTANTIATE_TEST_SUITE_P(
    Expressions, XmRefusals,
    ::testing::Values(
        Refusal{"x = lambda: 1\n", 1, 5, "`lambda` is not supported"},
        Refusal{"vmid = int(vmid)\n", 1, 11, "function calls (`int(...)`) are not supported"},
        Refusal{"arch = os.uname()[4]\n", 1, 10, "attribute access (`os.uname`) is not supported"},
        Refusal{"x = [1][0]\n", 1, 8, "subscripts and slices (`x[...]`) are not supported"},
        Refusal{"x = 'abc'[1:]\n", 1, 10, "subscripts and slices (`x[...]`) are not supported"},
        Refusal{"x = 1 < 2\n", 1, 7, "comparisons (`<`) are not supported"},
        Refusal{"x = 1 == 2\n", 1, 7, "comparisons (`==`) are not supported"},
        Refusal{"x = 1 in [1]\n", 1, 7, "comparisons (`in`) are not supported"},
        Refusal{"x = 1 and 2\n", 1, 7, "boolean operators (`and`) are not supported"},
        Refusal{"x = not 1\n", 1, 5, "boolean operators (`not`) are not supported"},
        Refusal{"x = 1 | 2\n", 1, 7, "bitwise operators (`|`) are not supported"},
        Refusal{"x = 1 << 2\n", 1, 7, "bitwise operators (`<<`) are not supported"},
        Refusal{"x = ~1\n", 1, 5, "bitwise operators (`~`) are not supported"},
        Refusal{"x = 1 if y else 2\n", 1, 7,
                "conditional expressions (x if c else y) are not supported"},
        Refusal{"x = [i for i in 'ab']\n", 1, 8,
                "comprehensions and generator expressions are not supported"},
        Refusal{"x = (i for i in 'ab')\n", 1, 8,
                "comprehensions and generator expressions are not supported"},
        Refusal{"x = {1, 2}\n", 1, 7, "set literals are not supported"},
        Refusal{"x = `1`\n", 1, 5, "backquote repr (`x`) is not supported"},
        Refusal{"x[0] = 1\n", 1, 2, "subscripts and slices (`x[...]`) are not supported"}));

INSTANTIATE_TEST_SUITE_P(
    Lexical, XmRefusals,
    ::testing::Values(
        Refusal{"x = 1L\n", 1, 5, "long integer literals (1L) are not supported"},
        Refusal{"x = 1j\n", 1, 5, "complex number literals are not supported"},
        Refusal{"x = u'a'\n", 1, 5, "unicode string literals are not supported"},
        Refusal{"x = 09\n", 1, 5, "invalid token"}, Refusal{"x = 0x\n", 1, 5, "invalid token"},
        Refusal{"x = 99999999999999999999\n", 1, 5,
                "integer literal 99999999999999999999 does not fit in 64 bits"},
        Refusal{"x = 9223372036854775808\n", 1, 5,
                "integer literal 9223372036854775808 does not fit in 64 bits"},
        Refusal{"x = -(9223372036854775808)\n", 1, 7,
                "integer literal 9223372036854775808 does not fit in 64 bits"},
        Refusal{"x = 'abc\n", 1, 5, "EOL while scanning string literal"},
        Refusal{"x = '''abc\n\n", 1, 5, "EOF while scanning triple-quoted string literal"},
        Refusal{"x = 'ok'\ny = '\\x4'\n", 2, 6, "invalid \\x escape"},
        Refusal{"x = (1,\n", 2, 1, "unexpected EOF while parsing"},
        Refusal{"x = 1 +\n", 1, 8, "invalid syntax"}, Refusal{"x = 1 2\n", 1, 7, "invalid syntax"},
        Refusal{"x = 1;; y = 2\n", 1, 7, "invalid syntax"},
        Refusal{"x = 1e\n", 1, 6, "invalid syntax"},
        Refusal{"x = 1 \\ y\n", 1, 7, "unexpected character after line continuation character"},
        Refusal{"x = $\n", 1, 5, "invalid syntax: unexpected '$' (0x24)"},
        Refusal{"x = \xc3\xa9\n", 1, 5, "invalid syntax: unexpected non-ASCII character (0xc3)"}));

INSTANTIATE_TEST_SUITE_P(
    Runtime, XmRefusals,
    ::testing::Values(
        Refusal{"x = y\n", 1, 5, "NameError: name 'y' is not defined"},
        Refusal{"a = 1\nb = a + zz\n", 2, 9, "NameError: name 'zz' is not defined"},
        Refusal{"x += 1\n", 1, 1, "NameError: name 'x' is not defined"},
        Refusal{"x = 1 / 0\n", 1, 7, "ZeroDivisionError: integer division or modulo by zero"},
        Refusal{"x = 1.0 % 0\n", 1, 9, "ZeroDivisionError: float modulo"},
        Refusal{"x = 'a' + 1\n", 1, 9, "TypeError: cannot concatenate 'str' and 'int' objects"},
        Refusal{"x = [1] + (2,)\n", 1, 9,
                "TypeError: can only concatenate list (not \"tuple\") to list"},
        Refusal{"x = 'a' * 2.0\n", 1, 9,
                "TypeError: can't multiply sequence by non-int of type 'float'"},
        Refusal{"x = -'a'\n", 1, 5, "TypeError: bad operand type for unary -: 'str'"},
        Refusal{"x = 'a' ** 2\n", 1, 9,
                "TypeError: unsupported operand type(s) for ** or pow(): 'str' and 'int'"},
        Refusal{"x = (-8) ** 0.5\n", 1, 10,
                "ValueError: negative number cannot be raised to a fractional power"},
        Refusal{"x = 2 ** 63\n", 1, 7, "OverflowError: integer result does not fit in 64 bits"},
        Refusal{"x = 2.0 ** 10000\n", 1, 9, "OverflowError: (34, 'Numerical result out of range')"},
        Refusal{"x = '%d' % 'x'\n", 1, 10, "TypeError: %d format: a number is required, not str"},
        Refusal{"x = '%s %s' % (1,)\n", 1, 13, "TypeError: not enough arguments for format string"},
        Refusal{"x = '%s' % (1, 2)\n", 1, 10,
                "TypeError: not all arguments converted during string formatting"},
        Refusal{"x = 'abc' % 5\n", 1, 11,
                "TypeError: not all arguments converted during string formatting"},
        Refusal{"x = '%q' % 1\n", 1, 10,
                "ValueError: unsupported format character 'q' (0x71) at index 1"},
        Refusal{"x = '%(a' % {}\n", 1, 11, "ValueError: incomplete format key"},
        Refusal{"x = '%(a)s' % {'b': 1}\n", 1, 13, "KeyError: 'a'"},
        Refusal{"x = '%(a)s' % (1,)\n", 1, 13, "TypeError: format requires a mapping"},
        Refusal{"x = '%*d' % ('a', 1)\n", 1, 11, "TypeError: * wants int"},
        Refusal{"x = '%c' % 'ab'\n", 1, 10, "TypeError: %c requires int or char"},
        Refusal{"x = {1: 'a'}\n", 1, 6, "only string dict keys are supported, not int"},
        Refusal{"<domain type='xen'/>\n", 1, 1,
                "XML domain configuration files are not supported"}));

TEST(XmHints, SayWhatIsSupported) {
  ParseError e = fail("import os\n");
  EXPECT_NE(e.hint.find("Python subset"), std::string::npos);
  EXPECT_NE(fail("x = os\n").hint.find("modules"), std::string::npos);
  EXPECT_NE(fail("xm_vars.check()\n").message.find("attribute access"), std::string::npos);
  EXPECT_NE(fail("x = xm_file\n").hint.find("xm_vars"), std::string::npos);
  EXPECT_NE(fail("x = 1L\n").hint.find("long"), std::string::npos);
  EXPECT_EQ(
      fail("import os\n").format().rfind("vm.cfg:1:1: `import` is not supported\n  hint: ", 0), 0u);
}

TEST(XmHints, SyntaxErrorsComeBeforeRuntimeErrors) {
  // Python compiles the whole file first.
  ParseError e = fail("x = undefined\nimport os\n");
  EXPECT_EQ(e.loc.line, 2);
}

TEST(XmHints, XenExampleWithFunctionsIsRefusedAtTheDef) {
  std::string text = testing::readData("xm/xmexample2");
  ASSERT_FALSE(text.empty());
  ParseError e = fail(text);
  EXPECT_EQ(e.loc.line, 23);
  EXPECT_EQ(e.loc.col, 1);
  EXPECT_EQ(e.message, "function definitions (`def`) are not supported");
}

// --- lists changed in place -------------------------------------------------------

TEST(XmAliasing, InPlaceChangesVisibleElsewhereAreRefused) {
  ParseError e = fail("a = [1]\nb = a\na += [2]\n");
  EXPECT_EQ(e.loc.line, 3);
  EXPECT_NE(e.message.find("would also change"), std::string::npos);
  EXPECT_EQ(fail("a = [1]\nb = [a]\na += [2]\n").loc.line, 3);
  EXPECT_EQ(fail("a = [1]\nb = a\na *= 2\n").loc.line, 3);
  EXPECT_EQ(fail("a = [1]\na += [a]\n").message, "a list cannot contain itself");
  // Once the other holder is gone the change is invisible, as in Python.
  ConfigFile c = run("a = [1]\nb = a\nb = 0\na += [2]\ns = 'x'\nt = s\ns += 'y'\n");
  EXPECT_EQ(c.find("a")->value, makeValue(List{I(1), I(2)}));
  EXPECT_EQ(c.find("t")->value, S("x"));
  EXPECT_EQ(c.find("s")->value, S("xy"));
}

// --- command-line overrides (xm opts.py) -------------------------------------------

TEST(XmOverrides, Split) {
  auto o = splitXmOverride("extra=console=hvc0 root=/dev/xvda1");
  ASSERT_TRUE(o.has_value());
  EXPECT_EQ(o->name, "extra");
  EXPECT_EQ(o->value, "console=hvc0 root=/dev/xvda1");
  EXPECT_FALSE(splitXmOverride("no-equals").has_value());
  EXPECT_EQ(xmCreateOption("memory"), XmOptionKind::kInt);
  EXPECT_EQ(xmCreateOption("disk"), XmOptionKind::kAppend);
  EXPECT_EQ(xmCreateOption("vncunused"), XmOptionKind::kBool);
  EXPECT_EQ(xmCreateOption("kernel"), XmOptionKind::kValue);
  EXPECT_EQ(xmCreateOption("vcpu_avail"), XmOptionKind::kInt);
  EXPECT_EQ(xmCreateOption("vmid"), std::nullopt);
}

TEST(XmOverrides, OtherNamesArePreBoundStrings) {
  ConfigFile c = run("name = 'vm%s' % vmid\n", {{"vmid", "3"}});
  EXPECT_EQ(c.find("name")->value, S("vm3"));
  ASSERT_NE(c.find("vmid"), nullptr);
  EXPECT_EQ(c.find("vmid")->value, S("3"));
  EXPECT_EQ(c.entries[0].name, "vmid");
  EXPECT_EQ(c.find("vmid")->loc.line, 0);
  EXPECT_EQ(c.find("vmid")->loc.file, "");
  // Whitespace is stripped from both sides; later duplicates win.
  EXPECT_EQ(run("", {{" vmid ", " 3 "}}).find("vmid")->value, S("3"));
  EXPECT_EQ(run("", {{"vmid", "1"}, {"vmid", "2"}}).find("vmid")->value, S("2"));
  // The file may rebind them; its value wins.
  ConfigFile r = run("vmid = 7\n", {{"vmid", "3"}});
  EXPECT_EQ(r.find("vmid")->value, I(7));
  EXPECT_EQ(r.find("vmid")->loc.line, 1);
}

TEST(XmOverrides, XmOptionsWinAndAreHiddenFromTheFile) {
  ConfigFile c = run("memory = 128\nmaxmem = memory * 2\nname = 'f'\nlabel = name\n",
                     {{"memory", "512"}, {"name", " web "}});
  EXPECT_EQ(c.find("memory")->value, I(512));
  EXPECT_EQ(c.find("maxmem")->value, I(256));    // the file saw its own memory
  EXPECT_EQ(c.find("name")->value, S(" web "));  // set_value keeps the text as given
  EXPECT_EQ(c.find("label")->value, S("f"));
  EXPECT_EQ(c.entries[0].name, "memory");
  EXPECT_EQ(c.entries[1].name, "name");
  EXPECT_EQ(c.find("memory")->loc.line, 0);
  ParseError e = fail("x = memory\n", {{"memory", "512"}});
  EXPECT_EQ(e.message, "NameError: name 'memory' is not defined");
  EXPECT_NE(e.hint.find("command line"), std::string::npos);
}

TEST(XmOverrides, OptionConversions) {
  EXPECT_EQ(run("", {{"memory", " 42 "}}).find("memory")->value, I(42));
  EXPECT_EQ(run("", {{"vcpus", "-2"}}).find("vcpus")->value, I(-2));
  EXPECT_EQ(run("", {{"vncunused", "yes"}}).find("vncunused")->value, I(1));
  EXPECT_EQ(run("", {{"vncunused", "n"}}).find("vncunused")->value, I(0));
  ConfigFile d = run("disk = ['phy:/dev/a,xvda,w']\n",
                     {{"disk", "phy:/dev/b,xvdb,w"}, {"disk", "phy:/dev/c,xvdc,w"}});
  EXPECT_EQ(d.find("disk")->value, makeValue(List{S("phy:/dev/b,xvdb,w"), S("phy:/dev/c,xvdc,w")}));
  EXPECT_EQ(d.entries.size(), 1u);

  ParseError e = fail("", {{"memory", "abc"}});
  EXPECT_EQ(e.message, "Invalid value: abc");
  EXPECT_EQ(e.format().rfind("<command line>: Invalid value: abc", 0), 0u);
  EXPECT_EQ(fail("", {{"memory", "0x10"}}).message, "Invalid value: 0x10");
  EXPECT_EQ(fail("", {{"vncunused", "true"}}).message, "Invalid value:true");
}

// --- settings xm ignores ------------------------------------------------------------

TEST(XmIgnored, NonStrListIntFloatValuesBecomeWarnings) {
  ConfigFile c =
      run("acpi = True\npae = False\nx = None\nt = (1, 2)\nd = {'a': 1}\nok = 1\n"
          "l = [True, (1,)]\n");
  std::vector<std::string> names;
  for (const auto& e : c.entries) {
    names.push_back(e.name);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"ok", "l"}));
  ASSERT_EQ(c.warnings.size(), 5u);
  EXPECT_EQ(c.warnings[0].format(),
            "vm.cfg:1:1: `acpi` is ignored: xm only takes str, list, int and float settings, "
            "and this is a bool\n  hint: write 1 or 0 instead of True or False");
  EXPECT_EQ(c.warnings[3].loc.line, 4);
  EXPECT_NE(c.warnings[3].message.find("tuple"), std::string::npos);
}

// --- bounds ---------------------------------------------------------------------------

TEST(XmLimits, RunawayValuesAreErrorsNotAllocations) {
  ParseError e = fail("x = 'a' * 10**9\n");
  EXPECT_EQ(e.loc.col, 9);
  EXPECT_NE(e.message.find("too long"), std::string::npos);
  EXPECT_NE(fail("x = 'ab' * 2**62\n").message.find("too long"), std::string::npos);
  EXPECT_NE(fail("x = [0] * 10**9\n").message.find("too large"), std::string::npos);
  EXPECT_NE(fail("x = '%2000000d' % 1\n").message.find("too long"), std::string::npos);
  EXPECT_NE(fail("x = '%.2000000f' % 1\n").message.find("too long"), std::string::npos);
  EXPECT_NE(fail("x = 'a' * 1000000\ny = x + x\n").message.find("too long"), std::string::npos);

  std::string doubling = "a = [0]\n";
  for (int i = 0; i < 40; ++i) {
    doubling += "a = a + a\n";
  }
  EXPECT_NE(fail(doubling).message.find("too large"), std::string::npos);

  std::string shared = "a = [0] * 1000\n";
  for (int i = 0; i < 30; ++i) {
    shared += "a = [a, a]\n";
  }
  EXPECT_NE(fail(shared).message.find("too large"), std::string::npos);

  std::string work = "s = 'x' * 1000000\n";
  for (int i = 0; i < 80; ++i) {
    work += "t = s + 'y'\n";
  }
  EXPECT_NE(fail(work).message.find("MiB"), std::string::npos);

  std::string total = "s = 'x' * 1000000\n";
  for (int i = 0; i < 80; ++i) {
    total += "v" + std::to_string(i) + " = s\n";
  }
  EXPECT_NE(fail(total).message.find("too large in total"), std::string::npos);
}

TEST(XmLimits, NestingAndExpressionSize) {
  std::string nest70 = "x = " + std::string(70, '[') + std::string(70, ']') + "\n";
  EXPECT_NE(fail(nest70).message.find("nested deeper than 64"), std::string::npos);
  std::string nest200 = "x = " + std::string(200, '[') + std::string(200, ']') + "\n";
  EXPECT_NE(fail(nest200).message.find("nested too deeply"), std::string::npos);
  std::string grow = "a = []\n";
  for (int i = 0; i < 100; ++i) {
    grow += "a = [a]\n";
  }
  EXPECT_NE(fail(grow).message.find("nested deeper"), std::string::npos);
  std::string chain = "x = 1";
  for (int i = 0; i < 1000; ++i) {
    chain += " + 1";
  }
  EXPECT_NE(fail(chain + "\n").message.find("too long"), std::string::npos);
  std::string okChain = "x = 1";
  for (int i = 0; i < 300; ++i) {
    okChain += " + 1";
  }
  EXPECT_EQ(run(okChain + "\n").find("x")->value, I(301));
  EXPECT_NE(fail("x = " + std::string(150, '-') + "1\n").message.find("nested too deeply"),
            std::string::npos);
  XmLimits small;
  small.maxInputBytes = 8;
  EXPECT_NE(fail("memory = 512\n", {}, small).message.find("file too large"), std::string::npos);
}

}  // namespace
}  // namespace xenia::config
