// File I/O of the persistence layer: load, group-commit sync, compaction.
#include "xenstore/server/file_journal.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "xenstore/server/unix_socket.h"

namespace xenia::xs {
namespace {

using persist::FileHeader;
using persist::Record;
using persist::RecordType;

std::string errnoText(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno) + ".";
}

bool writeAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return false;
    }
    data += n;
    size -= size_t(n);
  }
  return true;
}

// Whole file, or nullopt-like false when missing (error text set otherwise).
bool readFile(const std::string& path, std::string& out, std::string& error) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    if (errno != ENOENT) {
      error = errnoText("Cannot open", path);
    }
    return false;
  }
  out.clear();
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof(buf));
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      error = errnoText("Cannot read", path);
      return false;
    }
    if (n == 0) {
      return true;
    }
    out.append(buf, size_t(n));
  }
}

}  // namespace

FileJournal::FileJournal(std::string dir, UniqueFd lock, size_t compactBytes)
    : dir_(std::move(dir)), lock_(std::move(lock)), compactBytes_(compactBytes) {}

Expected<std::unique_ptr<FileJournal>, std::string> FileJournal::open(const std::string& dir,
                                                                      size_t compactBytes) {
  if (auto made = makeDirs(dir, 0700); !made) {
    return unexpected(made.error());
  }
  std::string lockPath = dir + "/lock";
  UniqueFd lock(::open(lockPath.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!lock) {
    return unexpected(errnoText("Cannot open", lockPath));
  }
  if (::flock(lock.get(), LOCK_EX | LOCK_NB) != 0) {
    return unexpected("Persistence directory " + dir + " is in use by another daemon.");
  }
  return std::unique_ptr<FileJournal>(new FileJournal(dir, std::move(lock), compactBytes));
}

Expected<FileJournal::LoadStats, std::string> FileJournal::load() {
  LoadStats stats;
  std::string bytes;
  std::string error;
  FileHeader hdr;
  const std::string snapPath = dir_ + "/snapshot";
  const std::string journalPath = dir_ + "/journal";
  bool haveSnapshot = false;

  if (readFile(snapPath, bytes, error)) {
    if (!persist::parseFileHeader(bytes, hdr) || !hdr.snapshot) {
      return unexpected("Snapshot " + snapPath + " has no valid header.");
    }
    bool ended = false;
    uint64_t before = 0;
    auto res = persist::scanRecords(
        std::string_view(bytes).substr(persist::kFileHeaderSize), [&](const Record& r) {
          if (r.type == RecordType::End) {
            ended = r.count == before;
          } else if (!ended) {
            image_.apply(r);
            ++before;
          }
        });
    // Snapshots are renamed into place only when complete: a bad one is not
    // a torn write but damage, and starting from half a store would be worse.
    if (!res.clean || !ended) {
      return unexpected("Snapshot " + snapPath + " is damaged (bad record at byte " +
                        std::to_string(persist::kFileHeaderSize + res.goodBytes) + ").");
    }
    haveSnapshot = true;
    epoch_ = hdr.epoch;
    snapshotBytes_ = bytes.size();
    stats.snapshotRecords = res.records;
  } else if (!error.empty()) {
    return unexpected(error);
  }

  if (readFile(journalPath, bytes, error)) {
    if (!persist::parseFileHeader(bytes, hdr) || hdr.snapshot) {
      return unexpected("Journal " + journalPath + " has no valid header.");
    }
    if (hdr.epoch > epoch_ || (!haveSnapshot && hdr.epoch != 0)) {
      return unexpected("Journal " + journalPath + " is newer than snapshot " + snapPath +
                        "; the snapshot is missing or old.");
    }
    // An older journal was already folded into the snapshot (a crash between
    // writing the snapshot and replacing the journal).
    if (hdr.epoch == epoch_) {
      auto res = persist::scanRecords(std::string_view(bytes).substr(persist::kFileHeaderSize),
                                      [&](const Record& r) { image_.apply(r); });
      stats.journalRecords = res.records;
      stats.tornBytes = bytes.size() - persist::kFileHeaderSize - res.goodBytes;
    }
  } else if (!error.empty()) {
    return unexpected(error);
  }
  return stats;
}

std::vector<DomId> FileJournal::restoreInto(Engine& engine) {
  std::vector<DomId> domains(image_.domains().begin(), image_.domains().end());
  for (DomId d : domains) {
    engine.restoreDomain(d);
  }
  image_.forEachNode([&](const std::string& path, const persist::StoreImage::Node& n) {
    engine.restoreNode(path, n.value, n.perms);
  });
  image_ = persist::StoreImage();
  return domains;
}

namespace {

// Streams Engine::snapshot() into a file as snapshot records.
class SnapshotWriter : public Journal {
 public:
  explicit SnapshotWriter(int fd) : fd_(fd) {}
  void nodeWritten(std::string_view path, std::string_view value,
                   const std::vector<std::string>& perms) override {
    persist::appendNode(buf_, path, value, perms);
    added();
  }
  void domainIntroduced(DomId domid) override {
    persist::appendDomain(buf_, RecordType::Domain, domid);
    added();
  }
  // A snapshot only describes what exists.
  void nodeRemoved(std::string_view) override {}
  void domainReleased(DomId) override {}

  bool finish() {
    persist::appendEnd(buf_, count_);
    flush();
    return ok_;
  }
  size_t bytes() const { return bytes_; }

 private:
  void added() {
    ++count_;
    if (buf_.size() >= 1024 * 1024) {
      flush();
    }
  }
  void flush() {
    ok_ = ok_ && writeAll(fd_, buf_.data(), buf_.size());
    bytes_ += buf_.size();
    buf_.clear();
  }

  int fd_;
  std::string buf_;
  uint64_t count_ = 0;
  size_t bytes_ = 0;
  bool ok_ = true;
};

}  // namespace

template <class F>
Expected<Ok, std::string> FileJournal::writeFileAtomically(const std::string& name, F&& fill) {
  std::string path = dir_ + "/" + name;
  std::string tmp = path + ".tmp";
  {
    UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (!fd) {
      return unexpected(errnoText("Cannot create", tmp));
    }
    if (!fill(fd.get()) || ::fsync(fd.get()) != 0) {
      return unexpected(errnoText("Cannot write", tmp));
    }
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    return unexpected(errnoText("Cannot rename to", path));
  }
  UniqueFd dirFd(::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dirFd || ::fsync(dirFd.get()) != 0) {
    return unexpected(errnoText("Cannot sync directory", dir_));
  }
  return Ok{};
}

Expected<Ok, std::string> FileJournal::compact(const Engine& engine) {
  // Anything buffered is already in the engine, so the snapshot covers it.
  pending_.clear();
  uint64_t epoch = epoch_ + 1;
  size_t snapshotBytes = 0;
  auto wrote = writeFileAtomically("snapshot", [&](int fd) {
    std::string hdr;
    persist::appendFileHeader(hdr, FileHeader{true, persist::kVersion, epoch});
    if (!writeAll(fd, hdr.data(), hdr.size())) {
      return false;
    }
    SnapshotWriter w(fd);
    engine.snapshot(w);
    snapshotBytes = hdr.size() + w.bytes();
    return w.finish();
  });
  if (!wrote) {
    return wrote;
  }
  snapshotBytes_ = snapshotBytes;
  epoch_ = epoch;
  std::string hdr;
  persist::appendFileHeader(hdr, FileHeader{false, persist::kVersion, epoch});
  auto fresh = writeFileAtomically("journal", [&](int fd) {
    return writeAll(fd, hdr.data(), hdr.size());
  });
  if (!fresh) {
    // The open journal is now older than the snapshot and would be ignored on
    // load: never append to it again.
    journal_.reset();
    return fresh;
  }
  std::string path = dir_ + "/journal";
  journal_.reset(::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC));
  if (!journal_) {
    return unexpected(errnoText("Cannot open", path));
  }
  journalBytes_ = hdr.size();
  return Ok{};
}

void FileJournal::nodeWritten(std::string_view path, std::string_view value,
                              const std::vector<std::string>& perms) {
  persist::appendNode(pending_, path, value, perms);
}

void FileJournal::nodeRemoved(std::string_view path) {
  persist::appendRemove(pending_, path);
}

void FileJournal::domainIntroduced(DomId domid) {
  persist::appendDomain(pending_, RecordType::Domain, domid);
}

void FileJournal::domainReleased(DomId domid) {
  persist::appendDomain(pending_, RecordType::Release, domid);
}

Expected<Ok, std::string> FileJournal::sync() {
  if (pending_.empty()) {
    return Ok{};
  }
  if (!journal_) {
    return unexpected("Journal in " + dir_ + " is not open.");
  }
  if (!writeAll(journal_.get(), pending_.data(), pending_.size()) ||
      ::fdatasync(journal_.get()) != 0) {
    return unexpected(errnoText("Cannot write journal in", dir_));
  }
  journalBytes_ += pending_.size();
  // Keep the buffer's capacity unless a burst made it large.
  if (pending_.capacity() > 1024 * 1024) {
    std::string().swap(pending_);
  } else {
    pending_.clear();
  }
  return Ok{};
}

bool FileJournal::wantsCompaction() const {
  return journalBytes_ > std::max(compactBytes_, 2 * snapshotBytes_);
}

}  // namespace xenia::xs
