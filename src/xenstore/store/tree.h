// The committed node tree. Each node stores only its own name (inline, after
// the fixed fields), its value (inline up to 8 bytes), a compact permission
// list and a 64-bit generation: 54 bytes plus the name. Children form a
// singly linked list in creation order; directories with many children get a
// hash index that also knows each child's predecessor and the last child, so
// adding, finding and removing a child never costs O(children). Nodes do not
// point to their parents: every operation starts from a path.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "xenstore/store/perms.h"
#include "xenstore/store/pool.h"

namespace xenia::xs::store {

inline constexpr uint64_t kNoGeneration = ~uint64_t{0};

struct ChildIndex;

class Node {
 public:
  std::string_view name() const { return {nameData(), nameLen_}; }
  std::string_view value() const {
    return {valLen_ <= kInlineValue ? val_.inl : val_.heap, valLen_};
  }

  PermList& perms() { return perms_; }
  const PermList& perms() const { return perms_; }
  uint32_t owner() const { return perms_.size() ? perms_.get(0).id : 0; }

  Node* firstChild() const;
  Node* nextSibling() const { return next_; }
  bool hasChildren() const { return kids_ != 0; }
  // Sum over children of (name length + 1): C's childlen.
  uint32_t childLen() const { return childLen_; }

  uint64_t generation() const { return gen_; }
  void setGeneration(uint64_t g) { gen_ = g; }

 private:
  friend class Tree;
  friend struct ChildIndex;
  static constexpr uint32_t kInlineValue = 8;
  Node() = default;
  static Node* create(Pool& pool, std::string_view name);
  static void destroy(Pool& pool, Node* n);  // this node only; children must be gone
  static size_t allocSize(size_t nameLen);
  char* nameData() const {
    return reinterpret_cast<char*>(const_cast<Node*>(this)) + kNameOffset;
  }

  Node* next_ = nullptr;  // next sibling
  uintptr_t kids_ = 0;    // first child, or ChildIndex* | 1
  uint64_t gen_ = 0;
  union {
    char* heap;
    char inl[kInlineValue];
  } val_ = {};
  uint32_t valLen_ = 0;
  uint32_t childLen_ = 0;
  PermList perms_;
  uint16_t nameLen_ = 0;
  // The name follows nameLen_ directly (inside the struct's tail padding).
  static const size_t kNameOffset;
};

// Owner of all nodes; path lookups and structural changes.
class Tree {
 public:
  Tree();
  ~Tree();
  Tree(const Tree&) = delete;
  Tree& operator=(const Tree&) = delete;

  Node* root() const { return root_; }
  // Node at an absolute, valid path, or nullptr. If deepest is given it
  // receives the deepest existing node on the way (at least the root) and
  // deepestLen the length of that node's path.
  Node* find(std::string_view path, Node** deepest = nullptr, size_t* deepestLen = nullptr) const;
  Node* child(const Node* parent, std::string_view name) const;
  // Appends a new, empty child (name must not exist yet).
  Node* addChild(Node* parent, std::string_view name);
  // Unlinks child n from parent and frees n's whole subtree.
  void remove(Node* parent, Node* n);
  // Moves an existing child to the end of its parent's child list.
  void moveToEnd(Node* parent, Node* n);
  void setValue(Node* n, std::string_view v);

  size_t nodeCount() const { return count_; }
  // Bytes of nodes, values and child indexes.
  size_t bytes() const;

 private:
  void unlink(Node* parent, Node* n);
  void link(Node* parent, Node* n);
  void freeSubtree(Node* n);

  Pool pool_;
  Node* root_;
  size_t indexBytes_ = 0;
  size_t count_ = 1;
};

}  // namespace xenia::xs::store
