// Pipelined requests: encode many independent requests into one buffer, send
// them in large chunks (one send() per chunk, a bounded number in flight) and
// match every reply to its request by req_id.
//
//   auto batch = client.batch();
//   batch.write("/a", "1");
//   size_t r = batch.read("/b");
//   auto results = batch.run();   // results[r] holds the value of /b
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.h"
#include "xenstore/client/perm.h"
#include "xenstore/wire/wire.h"

namespace xenia::xs {

class Client;

class Batch {
 public:
  // Requests in flight at once; more are sent as replies come back.
  static constexpr size_t kWindow = 1024;

  Batch(Client& client, uint32_t tx);

  // Each returns the request's index in run()'s results.
  size_t read(std::string_view path);
  size_t write(std::string_view path, std::string_view value);
  size_t mkdir(std::string_view path);
  size_t rm(std::string_view path);
  size_t directory(std::string_view path);  // one DIRECTORY: E2BIG is not retried
  size_t getPerms(std::string_view path);
  size_t setPerms(std::string_view path, const Perms& perms);
  size_t request(MsgType type, std::string_view payload);

  size_t size() const { return entries_.size(); }
  void clear();

  // Sends every request and waits for all replies. results[i]: the reply
  // payload of request i (READ: the value; DIRECTORY, GET_PERMS: NUL-separated
  // list; requests answered "OK": empty), or its error. A request that could
  // not be encoded (NUL in a path, payload over 4096) fails alone, unsent; a
  // broken connection fails the unanswered ones with EIO.
  std::vector<Expected<std::string, Err>> run();

 private:
  struct Entry {
    uint32_t offset;   // of its header in buf_
    uint8_t type;
    int8_t localErr;   // -1, or the Err that kept it from being sent
  };
  size_t add(MsgType type, std::string_view path, std::string_view extra, bool extraNul);
  size_t addLocalError(MsgType type, Err e);

  Client* client_;
  uint32_t tx_;
  std::string buf_;
  std::vector<Entry> entries_;
};

}  // namespace xenia::xs
