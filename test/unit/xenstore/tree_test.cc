// The committed node tree's child containers against a simple model: random
// adds, removals and moves in small and indexed (big) directories must keep
// creation order, lookups, child-list lengths and the node count right.
#include "xenstore/store/tree.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

namespace xenia::xs::store {
namespace {

std::vector<std::string> childNames(const Node* n) {
  std::vector<std::string> out;
  for (const Node* c = n->firstChild(); c; c = c->nextSibling()) {
    out.emplace_back(c->name());
  }
  return out;
}

uint32_t childLenOf(const std::vector<std::string>& names) {
  uint32_t len = 0;
  for (const auto& n : names) {
    len += static_cast<uint32_t>(n.size()) + 1;
  }
  return len;
}

TEST(Tree, RandomChildOperationsMatchAModel) {
  for (int maxChildren : {5, 11, 12, 13, 40, 400}) {
    Tree t;
    Node* dir = t.addChild(t.root(), "dir");
    std::vector<std::string> model;
    std::mt19937 rng(static_cast<unsigned>(maxChildren));
    for (int step = 0; step < 4000; ++step) {
      int op = static_cast<int>(rng() % 3);
      std::string name = "c" + std::to_string(rng() % static_cast<unsigned>(maxChildren));
      auto it = std::find(model.begin(), model.end(), name);
      Node* found = t.child(dir, name);
      ASSERT_EQ(found != nullptr, it != model.end()) << name;
      if (op == 0 && !found) {
        Node* n = t.addChild(dir, name);
        t.setValue(n, name);
        model.push_back(name);
      } else if (op == 1 && found) {
        t.remove(dir, found);
        model.erase(it);
      } else if (op == 2 && found) {
        t.moveToEnd(dir, found);
        model.erase(it);
        model.push_back(name);
      }
      ASSERT_EQ(childNames(dir), model) << "step " << step;
      ASSERT_EQ(dir->childLen(), childLenOf(model));
    }
    for (const auto& n : model) {
      Node* c = t.child(dir, n);
      ASSERT_NE(c, nullptr);
      EXPECT_EQ(c->value(), n);
    }
    EXPECT_EQ(t.nodeCount(), 2 + model.size());
    t.remove(t.root(), dir);
    EXPECT_EQ(t.nodeCount(), 1u);
    EXPECT_EQ(t.root()->firstChild(), nullptr);
  }
}

TEST(Tree, FindReportsTheDeepestExistingNode) {
  Tree t;
  Node* a = t.addChild(t.root(), "a");
  Node* b = t.addChild(a, "b");
  Node* deepest = nullptr;
  size_t len = 0;
  EXPECT_EQ(t.find("/a/b", &deepest, &len), b);
  EXPECT_EQ(deepest, b);
  EXPECT_EQ(len, 4u);
  EXPECT_EQ(t.find("/a/x/y", &deepest, &len), nullptr);
  EXPECT_EQ(deepest, a);
  EXPECT_EQ(len, 2u);
  EXPECT_EQ(t.find("/q", &deepest, &len), nullptr);
  EXPECT_EQ(deepest, t.root());
  EXPECT_EQ(len, 1u);
  EXPECT_EQ(t.find("/"), t.root());
}

TEST(Tree, ValuesInlineAndOnTheHeap) {
  Tree t;
  Node* n = t.addChild(t.root(), "v");
  std::vector<std::string> values{"",  "12345678", "123456789", std::string(300, 'x'), "x",
                                  std::string(5000, 'y'), std::string(5000, 'z'),
                                  std::string("\0a", 2)};
  for (const std::string& v : values) {
    t.setValue(n, v);
    EXPECT_EQ(n->value(), v);
  }
  size_t before = t.bytes();
  Node* big = t.addChild(t.root(), std::string(300, 'n'));
  EXPECT_EQ(big->name(), std::string(300, 'n'));
  EXPECT_GT(t.bytes(), before);
  t.remove(t.root(), big);
  EXPECT_EQ(t.bytes(), before);
}

TEST(Tree, DeepTreesAreFreedWithoutRecursion) {
  Tree t;
  Node* n = t.root();
  for (int i = 0; i < 100000; ++i) {
    n = t.addChild(n, "d");
  }
  EXPECT_EQ(t.nodeCount(), 100001u);
  t.remove(t.root(), t.child(t.root(), "d"));
  EXPECT_EQ(t.nodeCount(), 1u);
}

}  // namespace
}  // namespace xenia::xs::store
