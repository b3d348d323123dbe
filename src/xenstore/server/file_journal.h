// Durable storage for --persist DIR: implements the engine's Journal by
// appending records to DIR/journal, made durable with one fdatasync per
// event-loop iteration (group commit) before any reply leaves the daemon.
// DIR/snapshot holds the compacted state; see
// docs/design/xenstored-persistence.md for the crash-safety argument.
#pragma once

#include <memory>
#include <string>

#include "common/expected.h"
#include "common/unique_fd.h"
#include "xenstore/server/journal_format.h"
#include "xenstore/store/engine.h"

namespace xenia::xs {

class FileJournal : public Journal {
 public:
  struct LoadStats {
    size_t snapshotRecords = 0;
    size_t journalRecords = 0;
    size_t tornBytes = 0;  // dropped from the journal's tail
  };

  // Creates DIR if needed and locks it (one daemon per directory).
  static Expected<std::unique_ptr<FileJournal>, std::string> open(const std::string& dir);
  ~FileJournal() override = default;

  // Reads snapshot + journal into the in-memory image.
  Expected<LoadStats, std::string> load();
  // Re-creates the loaded state in a fresh engine (domains first, then nodes
  // parents-first in creation order).
  void restoreInto(Engine& engine) const;
  // Writes the image as a new snapshot and starts an empty journal.
  Expected<Ok, std::string> compact();

  // Journal (called by the engine): records are buffered until sync().
  void nodeWritten(std::string_view path, std::string_view value,
                   const std::vector<std::string>& perms) override;
  void nodeRemoved(std::string_view path) override;
  void domainIntroduced(DomId domid) override;
  void domainReleased(DomId domid) override;

  bool dirty() const { return !pending_.empty(); }
  // Appends the buffered records and fdatasyncs the journal.
  Expected<Ok, std::string> sync();
  // True once the journal has grown well past the last snapshot.
  bool wantsCompaction() const;

  const persist::StoreImage& image() const { return image_; }
  const std::string& dir() const { return dir_; }

 private:
  explicit FileJournal(std::string dir, UniqueFd lock);
  Expected<Ok, std::string> writeFileAtomically(const std::string& name,
                                                const std::string& bytes);

  std::string dir_;
  UniqueFd lock_;
  UniqueFd journal_;
  uint64_t epoch_ = 0;
  size_t journalBytes_ = 0;
  size_t snapshotBytes_ = 0;
  std::string pending_;
  persist::StoreImage image_;
};

}  // namespace xenia::xs
