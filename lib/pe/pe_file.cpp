// SPDX-License-Identifier: Apache-2.0
#include "pe/pe_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "pe/authenticode.h"
#include "util/error.h"

namespace coco::pe {
namespace {

std::uint64_t le(Bytes b, std::uint64_t off, unsigned width) {
  std::uint64_t v = 0;
  for (unsigned i = width; i-- > 0;) v = (v << 8) | b[off + i];
  return v;
}

}  // namespace

std::uint64_t pe_headers_extent(Bytes prefix, std::uint64_t file_size) {
  // Only what lies inside the file: a header that runs past its end fails the parse before any
  // byte beyond is read.
  std::uint64_t need = 0x40;  // the DOS header, e_lfanew at 0x3c
  std::uint64_t pe = 0;
  if (prefix.size() >= need && le(prefix, 0, 2) == 0x5a4d) pe = le(prefix, 0x3c, 4);
  if (pe < file_size) need = std::max(need, std::min(pe + 24, file_size));  // signature + COFF header
  if (pe + 24 <= file_size && prefix.size() >= pe + 24) {
    const std::uint64_t optional_end = pe + 24 + le(prefix, pe + 20, 2);
    const std::uint64_t table_end = optional_end + 40 * le(prefix, pe + 6, 2);
    if (optional_end <= file_size) need = std::max(need, optional_end);
    if (table_end <= file_size) need = std::max(need, table_end);
  }
  return std::min(std::max<std::uint64_t>(need, 4096), file_size);
}

PeFile::PeFile(const std::string& path) : path_(path) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat st {};
  if (fd_ >= 0 && ::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode)) {
    size_ = static_cast<std::uint64_t>(st.st_size);
    ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
    for (std::uint64_t want = pe_headers_extent({}, size_); want > head_.size();
         want = pe_headers_extent(head_, size_)) {
      if (want > kMaxPeHeaders)
        fail(path_, "the PE headers would end at " + hex_number(want) + ", past the first " +
                        std::to_string(kMaxPeHeaders >> 20) + " MiB: not a kernel image");
      const std::size_t have = head_.size();
      head_.resize(want);
      read_at(have, head_.data() + have, want - have);
    }
    return;
  }
  // Not a regular file (or not openable): MappedFile reads a FIFO or device whole, and reports
  // a missing file or a directory the way every other input does.
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  whole_.emplace(path);
  size_ = whole_->bytes().size();
  head_.assign(whole_->bytes().begin(), whole_->bytes().end());
}

PeFile::~PeFile() {
  if (fd_ >= 0) ::close(fd_);
}

void PeFile::read_at(std::uint64_t off, std::uint8_t* out, std::size_t n) const {
  while (n > 0) {
    const ssize_t got = ::pread(fd_, out, n, static_cast<off_t>(off));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) fail(path_, "read at offset " + hex_number(off) + " failed: " + errno_text(errno));
    if (got == 0) fail(path_, "offset " + hex_number(off) + ": the file shrank while it was read");
    out += got, off += static_cast<std::uint64_t>(got), n -= static_cast<std::size_t>(got);
  }
}

ByteVec PeFile::authenticode_hash(Algo algo, Bytes head) const {
  if (whole_) return pe::authenticode_hash(whole_->reader(path_), algo, head);
  const PeLayout l = parse_pe_layout(headers(), size_);
  Hasher h(algo);
  ByteVec buf(kPeReadChunk);
  for (const Range& r : l.hashed) {
    std::uint64_t off = r.offset, left = r.size;
    if (off < head.size()) {  // the part of the range inside the replaced head
      const std::uint64_t n = std::min<std::uint64_t>(left, head.size() - off);
      h.update(head.subspan(off, n));
      off += n;
      left -= n;
    }
    while (left > 0) {
      const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left, buf.size()));
      read_at(off, buf.data(), n);
      h.update(Bytes(buf).first(n));
      off += n;
      left -= n;
    }
  }
  return h.finish();
}

}  // namespace coco::pe
