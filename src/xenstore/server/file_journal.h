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
  // compactBytes: see wantsCompaction().
  static Expected<std::unique_ptr<FileJournal>, std::string> open(const std::string& dir,
                                                                  size_t compactBytes);
  ~FileJournal() override = default;

  // Reads snapshot + journal into an in-memory image (start-up only).
  Expected<LoadStats, std::string> load();
  // Re-creates the loaded state in a fresh engine (domains first, then nodes
  // parents-first in creation order) and frees the image. Returns the
  // restored domains, whose guest sockets the server re-creates.
  std::vector<DomId> restoreInto(Engine& engine);
  // Writes the engine's state (Engine::snapshot) as a new snapshot and starts
  // an empty journal. No second copy of the store is kept in memory.
  Expected<Ok, std::string> compact(const Engine& engine);

  // Journal (called by the engine): records are buffered until sync().
  void nodeWritten(std::string_view path, std::string_view value,
                   const std::vector<std::string>& perms) override;
  void nodeRemoved(std::string_view path) override;
  void domainIntroduced(DomId domid) override;
  void domainReleased(DomId domid) override;

  bool dirty() const { return !pending_.empty(); }
  // Appends the buffered records and fdatasyncs the journal.
  Expected<Ok, std::string> sync();
  // True once the journal exceeds both compactBytes and twice the snapshot.
  bool wantsCompaction() const;

  const std::string& dir() const { return dir_; }

 private:
  FileJournal(std::string dir, UniqueFd lock, size_t compactBytes);
  // Creates name.tmp, lets fill() write it, fsyncs, renames it to name and
  // fsyncs the directory.
  template <class F>
  Expected<Ok, std::string> writeFileAtomically(const std::string& name, F&& fill);

  std::string dir_;
  UniqueFd lock_;
  UniqueFd journal_;
  uint64_t epoch_ = 0;
  size_t journalBytes_ = 0;
  size_t snapshotBytes_ = 0;
  size_t compactBytes_;
  std::string pending_;
  persist::StoreImage image_;  // only between load() and restoreInto()
};

}  // namespace xenia::xs
