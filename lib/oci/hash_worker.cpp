// SPDX-License-Identifier: Apache-2.0
#include "oci/hash_worker.h"

#include <algorithm>
#include <cstring>
#include <exception>

#include "oci/decompress.h"

namespace coco::oci {

HashWorker::HashWorker(Consumer consume)
    : consume_(std::move(consume)),
      slots_(kHashWorkerSlots, ByteVec(kDecompressChunk)),
      fill_(kHashWorkerSlots, 0),
      thread_([this] { run(); }) {}

HashWorker::~HashWorker() {
  {
    std::lock_guard lock(m_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void HashWorker::push(Bytes data) {
  while (!data.empty()) {
    std::unique_lock lock(m_);
    cv_.wait(lock, [&] { return count_ < slots_.size() || error_; });
    if (error_) return;  // finish() reports it
    const std::size_t slot = (head_ + count_) % slots_.size();
    lock.unlock();  // the slot is ours until count_ covers it
    const std::size_t n = std::min(data.size(), slots_[slot].size());
    std::memcpy(slots_[slot].data(), data.data(), n);
    fill_[slot] = n;
    data = data.subspan(n);
    lock.lock();
    ++count_;
    cv_.notify_all();
  }
}

void HashWorker::run() {
  for (;;) {
    std::unique_lock lock(m_);
    cv_.wait(lock, [&] { return count_ > 0 || closing_ || stopping_; });
    if (stopping_ || (count_ == 0 && closing_)) return;
    const std::size_t slot = head_;
    lock.unlock();
    try {
      consume_(Bytes(slots_[slot]).first(fill_[slot]));
    } catch (...) {
      lock.lock();
      error_ = std::current_exception();
      cv_.notify_all();
      return;
    }
    lock.lock();
    head_ = (head_ + 1) % slots_.size();
    --count_;
    cv_.notify_all();
  }
}

void HashWorker::finish() {
  {
    std::lock_guard lock(m_);
    closing_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (error_) std::rethrow_exception(error_);
}

}  // namespace coco::oci
