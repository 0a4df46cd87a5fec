#include "util/file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "util/error.h"

namespace coco {
namespace {

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

int open_for_reading(const std::string& path, struct stat& st) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail(path, "cannot open: " + errno_text(errno));
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    fail(path, "cannot stat: " + errno_text(err));
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    fail(path, "is a directory, expected a file");
  }
  return fd;
}

}  // namespace

std::string errno_text(int err) { return std::strerror(err); }

MappedFile::MappedFile(const std::string& path) : path_(path) {
  struct stat st {};
  Fd f{open_for_reading(path, st)};
  size_ = static_cast<std::size_t>(st.st_size);
  if (size_ == 0) return;
  data_ = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, f.fd, 0);
  if (data_ == MAP_FAILED) {
    data_ = nullptr;
    fail(path, "cannot map: " + errno_text(errno));
  }
}

MappedFile::MappedFile(MappedFile&& other) noexcept
    : path_(std::move(other.path_)), data_(other.data_), size_(other.size_) {
  other.data_ = nullptr;
  other.size_ = 0;
}

MappedFile::~MappedFile() {
  if (data_) ::munmap(data_, size_);
}

std::uint64_t for_each_chunk(const std::string& path, const std::function<void(Bytes)>& sink,
                             std::size_t chunk_size) {
  struct stat st {};
  Fd f{open_for_reading(path, st)};
  ::posix_fadvise(f.fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  std::vector<std::uint8_t> buf(chunk_size);
  std::uint64_t total = 0;
  for (;;) {
    const ssize_t n = ::read(f.fd, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(path, "read failed at offset " + hex_number(total) + ": " + errno_text(errno));
    }
    if (n == 0) break;
    sink(Bytes(buf.data(), static_cast<std::size_t>(n)));
    total += static_cast<std::uint64_t>(n);
  }
  return total;
}

ByteVec read_binary_file(const std::string& path, std::uint64_t max_size) {
  struct stat st {};
  Fd f{open_for_reading(path, st)};
  if (S_ISREG(st.st_mode) && static_cast<std::uint64_t>(st.st_size) > max_size)
    fail(path, "is " + std::to_string(st.st_size) + " bytes, more than the " + std::to_string(max_size) +
                   " this input may have");
  ByteVec out;
  std::uint8_t buf[65536];
  for (;;) {
    const ssize_t n = ::read(f.fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(path, "read failed: " + errno_text(errno));
    }
    if (n == 0) break;
    if (out.size() + static_cast<std::size_t>(n) > max_size)
      fail(path, "is more than the " + std::to_string(max_size) + " bytes this input may have");
    out.insert(out.end(), buf, buf + n);
  }
  return out;
}

std::string read_text_file(const std::string& path, std::uint64_t max_size) {
  const ByteVec b = read_binary_file(path, max_size);
  return std::string(b.begin(), b.end());
}

std::uint64_t file_size(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) fail(path, "cannot stat: " + errno_text(errno));
  return static_cast<std::uint64_t>(st.st_size);
}

bool file_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

void write_file_atomic(const std::string& path, std::string_view content, unsigned mode) {
  std::string tmp = path + ".tmp-XXXXXX";
  const int fd = ::mkstemp(tmp.data());
  if (fd < 0) fail(path, "cannot create a temporary file beside it: " + errno_text(errno));
  auto give_up = [&](const std::string& what) {
    const int err = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    fail(path, what + ": " + errno_text(err));
  };
  if (::fchmod(fd, mode) != 0) give_up("cannot set permissions");
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      give_up("write failed");
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) give_up("fsync failed");
  if (::close(fd) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    fail(path, "close failed: " + errno_text(err));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    fail(path, "cannot rename into place: " + errno_text(err));
  }
}

}  // namespace coco
