// SPDX-License-Identifier: Apache-2.0
// A second thread for the hashes of one layer's uncompressed bytes (issue 17): the thread that
// inflates hands each piece over and goes on inflating, while this one feeds the SHA-256 of the
// diff_id and the dm-verity trees. So one large layer keeps two cores busy. The pieces travel in
// a ring of kHashWorkerSlots buffers of kDecompressChunk bytes (2 MiB in all): when the hashing
// falls behind, the inflating thread waits for a free buffer, so memory stays bounded.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "util/bytes.h"

namespace coco::oci {

inline constexpr std::size_t kHashWorkerSlots = 8;

class HashWorker {
 public:
  using Consumer = std::function<void(Bytes)>;
  explicit HashWorker(Consumer consume);
  ~HashWorker();  // stops the thread (pieces not yet hashed are dropped)
  HashWorker(const HashWorker&) = delete;
  HashWorker& operator=(const HashWorker&) = delete;

  void push(Bytes data);  // copies `data` (any size) and returns once it is queued
  void finish();          // waits until every piece pushed has been consumed; rethrows its error

 private:
  void run();
  Consumer consume_;
  std::mutex m_;
  std::condition_variable cv_;
  std::vector<ByteVec> slots_;
  std::vector<std::size_t> fill_;       // bytes used in each slot
  std::size_t head_ = 0, count_ = 0;    // ring: the oldest queued slot, how many are queued
  bool closing_ = false, stopping_ = false;
  std::exception_ptr error_;
  std::thread thread_;
};

}  // namespace coco::oci
