// xl lexer: the rules of libxlu_cfg_l.l in order of precedence, including
// the lexerr start condition (a bad character plus the following run of
// non-blanks is one "lexical error") and its end-of-file quirk (a bad
// character that is the very last byte is dropped without an error, and
// stays in yytext for a following "unexpected $end").
#include "config/lang/xl_lexer.h"

namespace xenia::config::xl {
namespace {

bool isLower(char c) { return c >= 'a' && c <= 'z'; }
bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isIdentChar(char c) { return isLower(c) || isDigit(c) || c == '.' || c == '_'; }
bool isNumberChar(char c) { return isDigit(c) || (c >= 'a' && c <= 'f') || c == 'x'; }

}  // namespace

const char* tokName(Tok t) {
  switch (t) {
    case Tok::kEnd:
      return "$end";
    case Tok::kIdent:
      return "IDENT";
    case Tok::kString:
      return "STRING";
    case Tok::kNumber:
      return "NUMBER";
    case Tok::kNewline:
      return "NEWLINE";
    case Tok::kOpAdd:
      return "+=";
    case Tok::kEq:
      return "'='";
    case Tok::kSemi:
      return "';'";
    case Tok::kLBracket:
      return "'['";
    case Tok::kRBracket:
      return "']'";
    case Tok::kComma:
      return "','";
  }
  return "?";
}

Problem problemAt(const Token& t, std::string message, std::string hint) {
  std::string_view text = t.text;
  bool nl = false;
  if (!text.empty() && text.back() == '\n') {
    text.remove_suffix(1);
    nl = text.empty();
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return Problem{t.line, t.col, std::string(text), nl, std::move(message), std::move(hint)};
}

void Lexer::step() {
  if (text_[pos_] == '\n') {
    ++line_;
    col_ = 1;
  } else {
    ++col_;
  }
  ++pos_;
}

Token Lexer::next() {
  while (true) {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) {
      step();
    }
    Token tok;
    tok.line = line_;
    tok.col = col_;
    size_t start = pos_;
    if (pos_ >= text_.size()) {
      tok.kind = Tok::kEnd;
      return tok;
    }
    auto finish = [&](Tok kind) {
      tok.kind = kind;
      tok.text = text_.substr(start, pos_ - start);
      return tok;
    };
    char c = text_[pos_];
    if (isLower(c)) {
      while (pos_ < text_.size() && isIdentChar(text_[pos_])) {
        step();
      }
      return finish(Tok::kIdent);
    }
    if (isDigit(c)) {
      while (pos_ < text_.size() && isNumberChar(text_[pos_])) {
        step();
      }
      return finish(Tok::kNumber);
    }
    switch (c) {
      case ',':
        step();
        return finish(Tok::kComma);
      case '[':
        step();
        return finish(Tok::kLBracket);
      case ']':
        step();
        return finish(Tok::kRBracket);
      case ';':
        step();
        return finish(Tok::kSemi);
      case '=':
        step();
        return finish(Tok::kEq);
      case '\n':
        step();
        return finish(Tok::kNewline);
      default:
        break;
    }
    if (c == '+' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '=') {
      step();
      step();
      return finish(Tok::kOpAdd);
    }
    const char* hint = "";
    if (c == '#') {
      size_t nl = text_.find('\n', pos_);
      if (nl != std::string_view::npos) {
        while (pos_ <= nl) {
          step();
        }
        return finish(Tok::kNewline);
      }
      hint = "a comment must end with a newline, even on the last line";
    } else if (c == '\'' || c == '"') {
      size_t end = matchString(pos_);
      if (end != std::string_view::npos) {
        while (pos_ < end) {
          step();
        }
        finish(Tok::kString);
        dequote(tok);
        return tok;
      }
      hint = "strings must be closed on the line where they start";
    } else if (c == '+' || c == '-' || c == '.' || c == '(' || c == ')' || c == ':') {
      likelyPython_ = true;
    } else if ((c >= 'A' && c <= 'Z') || c == '_') {
      hint = "setting names are lower case: [a-z][._0-9a-z]*";
    } else if (c == '\r') {
      hint = "the file has DOS (CRLF) line endings; xl accepts only \\n";
    }
    if (lexError(start, tok, hint)) {
      return tok;
    }
  }
}

// End (exclusive) of a quoted string starting at `from`, or npos when the
// STRING rule does not match (no closing quote before newline/EOF).
size_t Lexer::matchString(size_t from) const {
  char q = text_[from];
  for (size_t i = from + 1; i < text_.size(); ++i) {
    char c = text_[i];
    if (c == q) {
      return i + 1;
    }
    if (c == '\n') {
      return std::string_view::npos;
    }
    if (c == '\\') {
      if (i + 1 >= text_.size() || text_[i + 1] == '\n') {
        return std::string_view::npos;
      }
      ++i;
    }
  }
  return std::string_view::npos;
}

// Returns true with `tok` set when the error produced a token (NEWLINE, or
// $end for a bad last byte); false when lexing should simply continue.
bool Lexer::lexError(size_t start, Token& tok, const char* hint) {
  int line = line_;
  int col = col_;
  step();
  if (pos_ >= text_.size()) {
    tok.kind = Tok::kEnd;  // flex never matches the lexerr rules: no error
    tok.text = text_.substr(start, 1);
    return true;
  }
  while (pos_ < text_.size() && text_[pos_] != ' ' && text_[pos_] != '\t' && text_[pos_] != '\n') {
    step();
  }
  bool newline = false;
  if (pos_ == start + 1) {
    newline = text_[pos_] == '\n';
    step();  // the "[ \t]" or "\n" alternative: one more character
  }
  Token bad;
  bad.line = line;
  bad.col = col;
  bad.text = text_.substr(start, pos_ - start);
  problems_.push_back(problemAt(bad, "lexical error", hint));
  if (newline) {
    tok = bad;
    tok.kind = Tok::kNewline;
    return true;
  }
  return false;
}

// libxlu_cfg.c xlu__cfgl_dequote. Errors are reported and the (truncated)
// string is still returned, as libxlu does.
void Lexer::dequote(Token& tok) {
  std::string_view body = tok.text.substr(1, tok.text.size() - 2);
  auto err = [&](std::string msg, std::string hint = "") {
    problems_.push_back(problemAt(tok, std::move(msg), std::move(hint)));
  };
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c == '\0') {
      return err("NUL byte in quoted string");
    }
    if (c != '\\') {
      tok.str += c;
      continue;
    }
    char nc = body[++i];  // the STRING rule guarantees a character here
    switch (nc) {
      case '"':
      case '\'':
      case '\\':
        tok.str += nc;
        continue;
      case 'a':
        tok.str += '\a';
        continue;
      case 'b':
        tok.str += '\b';
        continue;
      case 'f':
        tok.str += '\f';
        continue;
      case 'n':
        tok.str += '\n';
        continue;
      case 'r':
        tok.str += '\r';
        continue;
      case 't':
        tok.str += '\t';
        continue;
      case 'v':
        tok.str += '\v';
        continue;
      default:
        break;
    }
    if (nc == 'x') {
      // libxlu skips the first hex digit before parsing, so every \x
      // escape fails there.
      return err("invalid digit after backslash hexnumerical character escape in quoted string",
                 "xl cannot read \\x escapes; write the character itself");
    }
    if (nc >= '0' && nc <= '7') {
      // libxlu parses up to 3 following characters with strtoul(base 10)
      // and, when that reads at least 2 of them, deletes them without
      // storing anything.
      std::string_view rest = tok.text.substr(1 + i + 1, 3);
      size_t k = 0;
      while (k < rest.size() && (rest[k] == ' ' || (rest[k] >= '\t' && rest[k] <= '\r'))) {
        ++k;
      }
      if (k < rest.size() && (rest[k] == '+' || rest[k] == '-')) {
        ++k;
      }
      size_t digits = k;
      while (k < rest.size() && isDigit(rest[k])) {
        ++k;
      }
      if (k == digits || k <= 1) {
        return err(
            "invalid digit after backslash octalnumerical character escape in quoted "
            "string");
      }
      return err("octal escape in quoted string: xl would silently delete it and the " +
                     std::to_string(k) + " characters after it",
                 "write the character itself");
    }
    return err("invalid character after backlash in quoted string",
               "xl understands \\\\ \\' \\\" \\a \\b \\f \\n \\r \\t \\v");
  }
}

}  // namespace xenia::config::xl
