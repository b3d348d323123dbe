// Node storage and the child containers of the committed tree.
#include "xenstore/store/tree.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <new>
#include <vector>

namespace xenia::xs::store {

const size_t Node::kNameOffset = offsetof(Node, nameLen_) + sizeof(uint16_t);

namespace {

// Directories switch to a hash index at this many children.
constexpr uint32_t kIndexThreshold = 12;

size_t hashName(std::string_view s) { return std::hash<std::string_view>{}(s); }

}  // namespace

// Open-addressing (linear probing) index of a big directory's children,
// keeping each child's predecessor in the list so removal stays O(1).
struct ChildIndex {
  struct Slot {
    Node* node;
    Node* prev;
  };
  Node* first = nullptr;
  Node* last = nullptr;
  uint32_t count = 0;
  uint32_t mask = 0;
  Slot* slots = nullptr;
  size_t& bytes;  // the tree's count of index memory

  ChildIndex(uint32_t capacity, size_t& counter) : mask(capacity - 1), bytes(counter) {
    slots = static_cast<Slot*>(std::calloc(capacity, sizeof(Slot)));
    if (!slots) {
      throw std::bad_alloc();
    }
    bytes += sizeof(ChildIndex) + capacity * sizeof(Slot);
  }
  ~ChildIndex() {
    bytes -= sizeof(ChildIndex) + (mask + 1) * sizeof(Slot);
    std::free(slots);
  }

  Slot* findSlot(std::string_view name) const {
    for (size_t i = hashName(name) & mask;; i = (i + 1) & mask) {
      Node* n = slots[i].node;
      if (!n) {
        return nullptr;
      }
      if (n->name() == name) {
        return &slots[i];
      }
    }
  }
  Node* find(std::string_view name) const {
    Slot* s = findSlot(name);
    return s ? s->node : nullptr;
  }
  void insertSlot(Slot s) {
    size_t i = hashName(s.node->name()) & mask;
    while (slots[i].node) {
      i = (i + 1) & mask;
    }
    slots[i] = s;
  }
  void insert(Node* n, Node* prev) {
    if ((count + 1) * 4 > (mask + 1) * 3) {
      grow();
    }
    insertSlot({n, prev});
    ++count;
  }
  void grow() {
    uint32_t oldCap = mask + 1;
    Slot* old = slots;
    mask = oldCap * 2 - 1;
    slots = static_cast<Slot*>(std::calloc(oldCap * 2, sizeof(Slot)));
    if (!slots) {
      throw std::bad_alloc();
    }
    for (uint32_t i = 0; i < oldCap; ++i) {
      if (old[i].node) {
        insertSlot(old[i]);
      }
    }
    std::free(old);
    bytes += oldCap * sizeof(Slot);
  }
  // Backward-shift deletion keeps probe chains intact without tombstones.
  void erase(Node* n) {
    size_t i = hashName(n->name()) & mask;
    while (slots[i].node != n) {
      i = (i + 1) & mask;
    }
    size_t j = i;
    for (;;) {
      slots[i] = Slot{};
      for (;;) {
        j = (j + 1) & mask;
        if (!slots[j].node) {
          --count;
          return;
        }
        size_t home = hashName(slots[j].node->name()) & mask;
        // Move slots[j] into the hole at i unless its home lies in (i, j].
        bool between = (i <= j) ? (i < home && home <= j) : (i < home || home <= j);
        if (!between) {
          break;
        }
      }
      slots[i] = slots[j];
      i = j;
    }
  }
};

size_t Node::allocSize(size_t nameLen) {
  // The name overlaps the struct's tail padding; never less than the struct.
  return std::max(sizeof(Node), kNameOffset + nameLen);
}

Node* Node::create(Pool& pool, std::string_view name) {
  void* mem = pool.alloc(allocSize(name.size()));
  Node* n = new (mem) Node();
  n->nameLen_ = static_cast<uint16_t>(name.size());
  std::memcpy(n->nameData(), name.data(), name.size());
  return n;
}

void Node::destroy(Pool& pool, Node* n) {
  if (n->valLen_ > kInlineValue) {
    pool.release(n->val_.heap, n->valLen_);
  }
  size_t size = allocSize(n->nameLen_);
  n->~Node();
  pool.release(n, size);
}

void Tree::setValue(Node* n, std::string_view v) {
  if (n->valLen_ > Node::kInlineValue) {
    if (v.size() == n->valLen_) {
      std::memcpy(n->val_.heap, v.data(), v.size());
      return;
    }
    pool_.release(n->val_.heap, n->valLen_);
  }
  n->valLen_ = static_cast<uint32_t>(v.size());
  if (v.size() <= Node::kInlineValue) {
    if (!v.empty()) {
      std::memcpy(n->val_.inl, v.data(), v.size());
    }
    return;
  }
  n->val_.heap = static_cast<char*>(pool_.alloc(v.size()));
  std::memcpy(n->val_.heap, v.data(), v.size());
}

Node* Node::firstChild() const {
  if (kids_ & 1) {
    return reinterpret_cast<ChildIndex*>(kids_ & ~uintptr_t{1})->first;
  }
  return reinterpret_cast<Node*>(kids_);
}

Tree::Tree() : root_(Node::create(pool_, "")) {}

Tree::~Tree() { freeSubtree(root_); }

Node* Tree::child(const Node* parent, std::string_view name) const {
  if (parent->kids_ & 1) {
    return reinterpret_cast<ChildIndex*>(parent->kids_ & ~uintptr_t{1})->find(name);
  }
  for (Node* c = reinterpret_cast<Node*>(parent->kids_); c; c = c->next_) {
    if (c->nameLen_ == name.size() && std::memcmp(c->nameData(), name.data(), name.size()) == 0) {
      return c;
    }
  }
  return nullptr;
}

Node* Tree::find(std::string_view path, Node** deepest, size_t* deepestLen) const {
  Node* n = root_;
  size_t i = 1;  // skip the leading "/"
  size_t matched = 1;
  while (i < path.size()) {
    size_t slash = path.find('/', i);
    if (slash == std::string_view::npos) {
      slash = path.size();
    }
    Node* c = child(n, path.substr(i, slash - i));
    if (!c) {
      break;
    }
    n = c;
    matched = slash;
    i = slash + 1;
  }
  if (deepest) {
    *deepest = n;
  }
  if (deepestLen) {
    *deepestLen = matched;
  }
  return i >= path.size() ? n : nullptr;
}

void Tree::link(Node* parent, Node* n) {
  n->next_ = nullptr;
  parent->childLen_ += n->nameLen_ + 1;
  if (parent->kids_ & 1) {
    auto* ix = reinterpret_cast<ChildIndex*>(parent->kids_ & ~uintptr_t{1});
    Node* last = ix->last;
    if (last) {
      last->next_ = n;
    } else {
      ix->first = n;
    }
    ix->last = n;
    ix->insert(n, last);
    return;
  }
  Node* first = reinterpret_cast<Node*>(parent->kids_);
  if (!first) {
    parent->kids_ = reinterpret_cast<uintptr_t>(n);
    return;
  }
  // Small directory: append, and build an index once it gets big.
  uint32_t count = 1;
  Node* last = first;
  while (last->next_) {
    last = last->next_;
    ++count;
  }
  last->next_ = n;
  if (count + 1 >= kIndexThreshold) {
    auto* ix = new ChildIndex(32, indexBytes_);
    ix->first = first;
    Node* prev = nullptr;
    for (Node* c = first; c; prev = c, c = c->next_) {
      ix->insert(c, prev);
    }
    ix->last = n;
    parent->kids_ = reinterpret_cast<uintptr_t>(ix) | 1;
  }
}

void Tree::unlink(Node* parent, Node* n) {
  parent->childLen_ -= n->nameLen_ + 1;
  Node* next = n->next_;
  n->next_ = nullptr;
  if (parent->kids_ & 1) {
    auto* ix = reinterpret_cast<ChildIndex*>(parent->kids_ & ~uintptr_t{1});
    Node* prev = ix->findSlot(n->name())->prev;
    if (prev) {
      prev->next_ = next;
    } else {
      ix->first = next;
    }
    if (next) {
      ix->findSlot(next->name())->prev = prev;
    } else {
      ix->last = prev;
    }
    ix->erase(n);
    if (!ix->first) {
      delete ix;
      parent->kids_ = 0;
    }
    return;
  }
  Node* first = reinterpret_cast<Node*>(parent->kids_);
  if (first == n) {
    parent->kids_ = reinterpret_cast<uintptr_t>(next);
    return;
  }
  Node* prev = first;
  while (prev->next_ != n) {
    prev = prev->next_;
  }
  prev->next_ = next;
}

Node* Tree::addChild(Node* parent, std::string_view name) {
  Node* n = Node::create(pool_, name);
  link(parent, n);
  ++count_;
  return n;
}

void Tree::moveToEnd(Node* parent, Node* n) {
  unlink(parent, n);
  link(parent, n);
}

void Tree::remove(Node* parent, Node* n) {
  unlink(parent, n);
  freeSubtree(n);
}

void Tree::freeSubtree(Node* top) {
  // Iterative post-order so deep trees cannot overflow the stack.
  std::vector<Node*> stack{top};
  while (!stack.empty()) {
    Node* n = stack.back();
    Node* c = n->firstChild();
    if (c) {
      // Detach the first child and descend; n is revisited afterwards. A
      // dying directory's index is not kept up to date, only its head.
      Node* next = c->next_;
      if (n->kids_ & 1) {
        auto* ix = reinterpret_cast<ChildIndex*>(n->kids_ & ~uintptr_t{1});
        ix->first = next;
        if (!next) {
          delete ix;
          n->kids_ = 0;
        }
      } else {
        n->kids_ = reinterpret_cast<uintptr_t>(next);
      }
      stack.push_back(c);
      continue;
    }
    stack.pop_back();
    if (n != root_) {
      --count_;
    }
    Node::destroy(pool_, n);
  }
}

size_t Tree::bytes() const { return pool_.inUse() + indexBytes_; }

}  // namespace xenia::xs::store
