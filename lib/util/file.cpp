// SPDX-License-Identifier: Apache-2.0
#include "util/file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <csignal>
#include <mutex>
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

// Temporary files of writes under way, removed by the SIGINT/SIGTERM handler. Fixed slots with
// plain char buffers: the handler may only use async-signal-safe calls (unlink, sigaction, raise).
constexpr int kTempSlots = 64;
constexpr std::size_t kTempPathMax = 4096;
std::atomic<int> g_slot_state[kTempSlots];  // 0 free, 1 being filled, 2 holds a path
char g_slot_path[kTempSlots][kTempPathMax];
struct sigaction g_previous[2];
constexpr int kCleanupSignals[2] = {SIGINT, SIGTERM};

void remove_temps_and_reraise(int sig) {
  for (int i = 0; i < kTempSlots; ++i)
    if (g_slot_state[i].load() == 2) ::unlink(g_slot_path[i]);
  for (int k = 0; k < 2; ++k)
    if (kCleanupSignals[k] == sig) ::sigaction(sig, &g_previous[k], nullptr);
  ::raise(sig);
}

void install_cleanup_handler() {
  static std::once_flag once;
  std::call_once(once, [] {
    for (int k = 0; k < 2; ++k) {
      struct sigaction now {};
      ::sigaction(kCleanupSignals[k], nullptr, &g_previous[k]);
      if (g_previous[k].sa_handler != SIG_DFL) continue;  // ignored or handled by someone else: leave it
      now.sa_handler = remove_temps_and_reraise;
      sigemptyset(&now.sa_mask);
      ::sigaction(kCleanupSignals[k], &now, nullptr);
    }
  });
}

// A temporary file that is removed unless released; registered with the signal handler.
class TempFile {
 public:
  TempFile() = default;
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() { remove(); }
  void track(const std::string& path) {
    path_ = path;
    install_cleanup_handler();
    if (path.size() >= kTempPathMax) return;
    for (int i = 0; i < kTempSlots; ++i) {
      int expected = 0;
      if (!g_slot_state[i].compare_exchange_strong(expected, 1)) continue;
      std::memcpy(g_slot_path[i], path.c_str(), path.size() + 1);
      g_slot_state[i].store(2);
      slot_ = i;
      return;
    }
  }
  void remove() {
    if (path_.empty()) return;
    ::unlink(path_.c_str());
    release();
  }
  void release() {  // the file was renamed into place: nothing to remove any more
    if (slot_ >= 0) g_slot_state[slot_].store(0);
    slot_ = -1;
    path_.clear();
  }

 private:
  std::string path_;
  int slot_ = -1;
};

enum class Target { New, Regular, InPlace };

// One output as the writers below see it: the content is not copied (a policy run writes MBs).
struct OutputView {
  std::string path;
  std::string_view content;
  unsigned mode = 0644;
};

struct PendingWrite {
  const OutputView* file = nullptr;
  Target target = Target::New;
  struct stat st {};
  std::string tmp;
  TempFile temp;
  bool renamed = false;
};

Target classify_target(const std::string& path, struct stat& st) {
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return Target::New;
    fail(path, "cannot write: " + errno_text(errno));
  }
  if (S_ISREG(st.st_mode)) return Target::Regular;
  if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) return Target::InPlace;
  if (S_ISDIR(st.st_mode)) fail(path, "is a directory; name a file to write");
  if (S_ISSOCK(st.st_mode)) fail(path, "is a socket; coco writes regular files, FIFOs and character devices");
  if (S_ISBLK(st.st_mode)) fail(path, "is a block device; coco writes regular files, FIFOs and character devices");
  fail(path, "is not a regular file, FIFO or character device");
}

void write_all(int fd, std::string_view content, const std::string& path) {
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(path, "write failed: " + errno_text(errno));
    }
    done += static_cast<std::size_t>(n);
  }
}

// A FIFO or character device: opened and written as a shell redirection would.
void write_in_place(const OutputView& f) {
  Fd out{::open(f.path.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC)};
  if (out.fd < 0) fail(f.path, "cannot open for writing: " + errno_text(errno));
  write_all(out.fd, f.content, f.path);
}

void prepare_temp(PendingWrite& p) {
  const std::string& path = p.file->path;
  p.tmp = path + ".tmp-XXXXXX";
  Fd fd{::mkstemp(p.tmp.data())};
  if (fd.fd < 0) fail(path, "cannot create a temporary file beside it: " + errno_text(errno));
  p.temp.track(p.tmp);
  const bool replacing = p.target == Target::Regular;
  // A replaced file keeps its mode, except that a secret (requested without group or other
  // bits, e.g. a private key at 0600) never becomes readable by others.
  unsigned mode = p.file->mode;
  if (replacing) mode = (p.st.st_mode & 07777) & ((p.file->mode & 0077) == 0 ? ~0077u : ~0u);
  if (::fchmod(fd.fd, mode) != 0)
    fail(path, "cannot set permissions: " + errno_text(errno));
  // Keep the owner of a replaced file; only root (or the owner, for the group) may, so a refusal
  // leaves the writer as the owner, as any editor's save would.
  if (replacing && (p.st.st_uid != ::geteuid() || p.st.st_gid != ::getegid()))
    if (::fchown(fd.fd, p.st.st_uid, p.st.st_gid) != 0 && errno != EPERM)
      fail(path, "cannot keep the owner: " + errno_text(errno));
  write_all(fd.fd, p.file->content, path);
  if (::fsync(fd.fd) != 0) fail(path, "fsync failed: " + errno_text(errno));
  const int raw = fd.fd;
  fd.fd = -1;
  if (::close(raw) != 0) fail(path, "close failed: " + errno_text(errno));
}

}  // namespace

std::string errno_text(int err) { return std::strerror(err); }

std::uint64_t max_input_size() {
  const char* env = std::getenv("COCO_MAX_INPUT_SIZE");
  if (env == nullptr || *env == '\0') return kDefaultMaxInputSize;
  const std::string text = env;
  std::uint64_t v = 0;
  std::size_t i = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    if (v > (UINT64_MAX - 9) / 10) usage_error("COCO_MAX_INPUT_SIZE: '" + text + "' is too large");
    v = v * 10 + static_cast<std::uint64_t>(text[i] - '0');
  }
  int shift = 0;
  if (i + 1 == text.size()) {
    const std::string_view units = "KMGT";
    const auto u = units.find(static_cast<char>(std::toupper(static_cast<unsigned char>(text[i]))));
    if (u != std::string_view::npos) shift = 10 * static_cast<int>(u + 1), ++i;
  }
  if (i == 0 || i != text.size() || v == 0)
    usage_error("COCO_MAX_INPUT_SIZE: expected a positive number of bytes (e.g. 8G), got '" + text + "'");
  if (shift > 0 && v > (UINT64_MAX >> shift)) usage_error("COCO_MAX_INPUT_SIZE: '" + text + "' is too large");
  return v << shift;
}

namespace {
[[noreturn]] void too_large(const std::string& path, std::uint64_t max_size) {
  fail(path, "is larger than " + std::to_string(max_size) +
                 " bytes, the limit for this input (COCO_MAX_INPUT_SIZE raises it for file inputs)");
}
}  // namespace

MappedFile::MappedFile(const std::string& path) : path_(path) {
  struct stat st {};
  Fd f{open_for_reading(path, st)};
  if (!S_ISREG(st.st_mode)) {  // a FIFO or device reports size 0: read what it gives
    const std::uint64_t cap = std::min(max_input_size(), kMaxStreamedMap);
    std::uint8_t buf[65536];
    for (;;) {
      const ssize_t n = ::read(f.fd, buf, sizeof buf);
      if (n < 0) {
        if (errno == EINTR) continue;
        fail(path, "read failed: " + errno_text(errno));
      }
      if (n == 0) break;
      if (static_cast<std::uint64_t>(n) > cap - streamed_.size()) too_large(path, cap);
      streamed_.insert(streamed_.end(), buf, buf + n);
    }
    data_ = streamed_.data();
    size_ = streamed_.size();
    return;
  }
  size_ = static_cast<std::size_t>(st.st_size);
  if (size_ == 0) return;
  data_ = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, f.fd, 0);
  if (data_ == MAP_FAILED) {
    data_ = nullptr;
    fail(path, "cannot map: " + errno_text(errno));
  }
  mapped_ = true;
}

MappedFile::MappedFile(MappedFile&& other) noexcept
    : path_(std::move(other.path_)), data_(other.data_), size_(other.size_), mapped_(other.mapped_),
      streamed_(std::move(other.streamed_)) {
  other.data_ = nullptr;
  other.size_ = 0;
  other.mapped_ = false;
}

MappedFile::~MappedFile() {
  if (mapped_ && data_) ::munmap(data_, size_);
}

std::uint64_t for_each_chunk(const std::string& path, const std::function<void(Bytes)>& sink,
                             std::size_t chunk_size, std::uint64_t max_size) {
  if (max_size == 0) max_size = max_input_size();
  struct stat st {};
  Fd f{open_for_reading(path, st)};
  if (S_ISREG(st.st_mode) && static_cast<std::uint64_t>(st.st_size) > max_size) too_large(path, max_size);
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
    if (static_cast<std::uint64_t>(n) > max_size - total) too_large(path, max_size);
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
  if (S_ISDIR(st.st_mode)) fail(path, "is a directory, expected a file");
  if (!S_ISREG(st.st_mode)) fail(path, "is not a regular file; its size is needed, so a FIFO or device cannot stand for it");
  return static_cast<std::uint64_t>(st.st_size);
}

bool file_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

namespace {

void write_views_atomic(const std::vector<OutputView>& files) {
  std::vector<PendingWrite> pending(files.size());
  for (std::size_t i = 0; i < files.size(); ++i) {
    pending[i].file = &files[i];
    pending[i].target = classify_target(files[i].path, pending[i].st);
  }
  try {
    for (auto& p : pending)
      if (p.target != Target::InPlace) prepare_temp(p);
    for (auto& p : pending)
      if (p.target == Target::InPlace) write_in_place(*p.file);
    for (std::size_t i = 0; i < pending.size(); ++i) {
      PendingWrite& p = pending[i];
      if (p.target == Target::InPlace) continue;
      if (::rename(p.tmp.c_str(), p.file->path.c_str()) != 0) {
        const int err = errno;
        for (std::size_t k = 0; k < i; ++k)  // undo what can be undone: the new files
          if (pending[k].renamed && pending[k].target == Target::New) ::unlink(pending[k].file->path.c_str());
        fail(p.file->path, "cannot rename into place: " + errno_text(err));
      }
      p.renamed = true;
      p.temp.release();
    }
  } catch (...) {
    for (auto& p : pending) p.temp.remove();
    throw;
  }
}

}  // namespace

void write_file_atomic(const std::string& path, std::string_view content, unsigned mode) {
  write_views_atomic({OutputView{path, content, mode}});
}

void write_files_atomic(const std::vector<OutputFile>& files) {
  std::vector<OutputView> views;
  views.reserve(files.size());
  for (const auto& f : files) views.push_back({f.path, f.content, f.mode});
  write_views_atomic(views);
}

}  // namespace coco
