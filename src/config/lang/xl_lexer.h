// The xl config lexer, equal to libxlu_cfg_l.l (flex, longest match) with
// libxlu_cfg.c's string dequoting and error texts. Internal to the xl reader.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace xenia::config::xl {

enum class Tok {
  kEnd,
  kIdent,
  kString,
  kNumber,
  kNewline,
  kOpAdd,
  kEq,
  kSemi,
  kLBracket,
  kRBracket,
  kComma
};

// Bison's name for a token in "unexpected X, expecting Y" messages.
const char* tokName(Tok t);

struct Token {
  Tok kind = Tok::kEnd;
  std::string_view text;  // yytext: what "near `...'" shows
  int line = 1;
  int col = 1;
  std::string str;  // dequoted STRING
};

// One message libxlu would print ("config parsing error near ...").
struct Problem {
  int line;
  int col;
  std::string near;  // text for "near `...'" (already stripped)
  bool newline;      // print "near <newline>" instead
  std::string message;
  std::string hint;
};

// xlu__cfg_yyerror's rendering of yytext: one trailing newline and then
// trailing blanks dropped; an empty result after a newline is <newline>.
Problem problemAt(const Token& t, std::string message, std::string hint = "");

class Lexer {
 public:
  // Lexical errors are appended to `problems`; like flex, the lexer then
  // carries on with the next token.
  Lexer(std::string_view text, std::vector<Problem>& problems) : text_(text), problems_(problems) {}

  bool likelyPython() const { return likelyPython_; }
  Token next();

 private:
  void step();
  size_t matchString(size_t from) const;
  bool lexError(size_t start, Token& tok, const char* hint);
  void dequote(Token& tok);

  std::string_view text_;
  std::vector<Problem>& problems_;
  size_t pos_ = 0;
  int line_ = 1;
  int col_ = 1;
  bool likelyPython_ = false;
};

}  // namespace xenia::config::xl
