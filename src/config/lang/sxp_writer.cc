// SXP writers: sxp.show (compact) and PrettyPrint.prettyprint (xm's layout),
// the latter a direct port of PrettyPrint.py's block/break algorithm as
// SXPPrettyPrinter drives it (one line per block, no explicit newlines).
#include <memory>
#include <string>

#include "config/lang/py_str.h"
#include "config/lang/sexp.h"

namespace xenia::config {

bool sxpAtomIsBare(std::string_view atom) {
  if (atom == "@") {
    return true;
  }
  for (char c : atom) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == '_' || c == ':' || c == '/' || c == '~';
    if (!ok) {
      return false;
    }
  }
  return true;  // including "", which xend prints as nothing
}

namespace {

std::string showAtom(const std::string& atom) { return sxpAtomIsBare(atom) ? atom : pyRepr(atom); }

void showInto(const Sexp& s, std::string& out) {
  if (!s.isList) {
    out += showAtom(s.atom);
    return;
  }
  out += '(';
  for (size_t i = 0; i < s.items.size(); ++i) {
    if (i) {
      out += ' ';
    }
    showInto(s.items[i], out);
  }
  out += ')';
}

// PrettyPrint.py's items. A block holds exactly one line (SXP never adds
// PrettyNewline), so block and line are merged here.
struct Item {
  enum Kind { kString, kBreak, kBlock } kind;
  int width = 0;
  std::string text;                            // kString
  int indent = 0;                              // kBreak: extra indent; kBlock: set when printed
  int space = 0;                               // kBreak: width up to the next break
  bool broken = false;                         // kBlock
  std::vector<std::unique_ptr<Item>> content;  // kBlock
};

std::unique_ptr<Item> makeString(std::string text) {
  auto it = std::make_unique<Item>();
  it->kind = Item::kString;
  it->width = static_cast<int>(text.size());
  it->text = std::move(text);
  return it;
}

std::unique_ptr<Item> makeBreak(int width, int indent) {
  auto it = std::make_unique<Item>();
  it->kind = Item::kBreak;
  it->width = width;
  it->indent = indent;
  return it;
}

// PrettyLine.end: each break's space is the width from it to the next break.
void endBlock(Item& block) {
  int width = 0;
  int lastWidth = 0;
  Item* lastBreak = nullptr;
  for (auto& x : block.content) {
    if (x->kind == Item::kBreak) {
      if (lastBreak) {
        lastBreak->space = width - lastWidth;
      }
      lastBreak = x.get();
      lastWidth = width;
    }
    width += x->width;
  }
  if (lastBreak) {
    lastBreak->space = width - lastWidth;
  }
  block.width = width;
}

// SXPPrettyPrinter.pprint
std::unique_ptr<Item> build(const Sexp& s) {
  if (!s.isList) {
    return makeString(showAtom(s.atom));
  }
  auto block = std::make_unique<Item>();
  block->kind = Item::kBlock;
  block->content.push_back(makeString("("));
  for (size_t i = 0; i < s.items.size(); ++i) {
    if (i) {
      block->content.push_back(makeBreak(1, 4));
    }
    block->content.push_back(build(s.items[i]));
  }
  block->content.push_back(makeBreak(0, 0));
  block->content.push_back(makeString(")"));
  endBlock(*block);
  return block;
}

// PrettyPrint.Line
class Line {
 public:
  Line(std::string& out, int width) : out_(out), width_(width), space_(width) {}

  void print(Item& item) {
    switch (item.kind) {
      case Item::kString:
        output(item.width, item.text);
        break;
      case Item::kBreak:
        if ((block_->broken) || !fits(item.space)) {
          newline(item.indent);
        } else {
          output(item.width, std::string(item.width, ' '));
        }
        break;
      case Item::kBlock: {
        Item* parent = block_;
        item.indent = used_;
        block_ = &item;
        if (!fits(item.width)) {
          item.broken = true;
        }
        for (auto& x : item.content) {
          print(*x);
        }
        block_ = parent;
        break;
      }
    }
  }

 private:
  bool fits(int n) const { return space_ - n >= 0; }

  void newline(int indent) {
    indent += block_->indent;
    out_ += '\n';
    out_.append(indent, ' ');
    used_ = indent;
    space_ = width_ - used_;
  }

  void output(int n, const std::string& text) {
    space_ -= n;
    used_ += n;
    if (space_ < 0) {
      space_ = 0;
    }
    out_ += text;
  }

  std::string& out_;
  int width_;
  int used_ = 0;
  int space_;
  Item* block_ = nullptr;
};

}  // namespace

std::string writeSxp(const Sexp& s) {
  std::string out;
  showInto(s, out);
  return out;
}

std::string prettySxp(const Sexp& s, int width) {
  std::string out;
  if (!s.isList) {
    out = showAtom(s.atom);
  } else {
    std::unique_ptr<Item> top = build(s);
    Line line(out, width);
    line.print(*top);
  }
  out += '\n';
  return out;
}

}  // namespace xenia::config
