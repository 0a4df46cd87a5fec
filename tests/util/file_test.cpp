// SPDX-License-Identifier: Apache-2.0
// Writing outputs over special files (issue 12.2), all-or-none output sets (18.3), temporary
// files removed on SIGINT/SIGTERM (18.6), endless and directory inputs (18.1, 18.2).
#include <catch2/catch.hpp>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#include <filesystem>
#include <cstring>
#include <fstream>
#include <future>
#include <set>
#include <sstream>

#include "support/support.h"
#include "util/error.h"
#include "util/file.h"

using namespace coco;
using Catch::Contains;
using coco::test::TempDir;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

mode_t mode_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::lstat(path.c_str(), &st) == 0);
  return st.st_mode;
}

// Names in the directory other than `keep`: left-over temporary files.
std::vector<std::string> others(const TempDir& dir, const std::set<std::string>& keep) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir.path()))
    if (!keep.count(e.path().filename().string())) out.push_back(e.path().filename().string());
  return out;
}

}  // namespace

TEST_CASE("writing over a FIFO writes into it and leaves it a FIFO", "[util][hostile][file]") {
  TempDir dir;
  const std::string fifo = dir.file("pipe");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  auto reader = std::async(std::launch::async, [&] { return slurp(fifo); });
  write_file_atomic(fifo, "through the pipe\n");
  CHECK(reader.get() == "through the pipe\n");
  CHECK(S_ISFIFO(mode_of(fifo)));
  CHECK(others(dir, {"pipe"}).empty());
}

TEST_CASE("writing over a character device writes in place (root: mknod in a temp dir)", "[util][hostile][file]") {
  TempDir dir;
  const std::string dev = dir.file("null");
  if (::mknod(dev.c_str(), S_IFCHR | 0666, makedev(1, 3)) != 0) {  // the same device as /dev/null
    WARN("skipped: mknod needs root (" << errno_text(errno) << ")");
    return;
  }
  write_file_atomic(dev, std::string(100000, 'x'));
  CHECK(S_ISCHR(mode_of(dev)));
  struct stat st {};
  REQUIRE(::stat(dev.c_str(), &st) == 0);
  CHECK(st.st_rdev == makedev(1, 3));
  CHECK(others(dir, {"null"}).empty());
}

TEST_CASE("writing over a directory or a socket is refused and changes nothing", "[util][hostile][file]") {
  TempDir dir;
  std::filesystem::create_directory(dir.file("d"));
  CHECK_THROWS_WITH(write_file_atomic(dir.file("d"), "x"), Contains("d: is a directory"));
  CHECK(std::filesystem::is_directory(dir.file("d")));

  const std::string sock_path = dir.file("s");
  const int s = ::socket(AF_UNIX, SOCK_STREAM, 0);
  REQUIRE(s >= 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (sock_path.size() < sizeof addr.sun_path) {
    std::memcpy(addr.sun_path, sock_path.c_str(), sock_path.size() + 1);
    REQUIRE(::bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    CHECK_THROWS_WITH(write_file_atomic(sock_path, "x"), Contains("is a socket"));
    CHECK(S_ISSOCK(mode_of(sock_path)));
  }
  ::close(s);
  CHECK(others(dir, {"d", "s"}).empty());
}

TEST_CASE("a replaced regular file keeps its mode, a new one gets the requested mode", "[util][hostile][file]") {
  TempDir dir;
  const std::string f = dir.write("f", "old");
  ::chmod(f.c_str(), 0640);
  write_file_atomic(f, "new", 0644);
  CHECK(slurp(f) == "new");
  CHECK((mode_of(f) & 07777) == 0640);
  write_file_atomic(dir.file("n"), "n", 0604);
  CHECK((mode_of(dir.file("n")) & 07777) == 0604);
  // A secret written over a readable file does not stay readable by others.
  const std::string key = dir.write("k", "old");
  ::chmod(key.c_str(), 0644);
  write_file_atomic(key, "secret", 0600);
  CHECK((mode_of(key) & 07777) == 0600);
  CHECK(others(dir, {"f", "n", "k"}).empty());
}

TEST_CASE("several outputs are written all or none", "[util][hostile][file]") {
  TempDir dir;
  std::filesystem::create_directory(dir.file("R.sigstore.json"));
  CHECK_THROWS_WITH(write_files_atomic({{dir.file("R"), "doc"}, {dir.file("R.sigstore.json"), "bundle"}}),
                    Contains("is a directory"));
  CHECK_FALSE(file_exists(dir.file("R")));
  CHECK(others(dir, {"R.sigstore.json"}).empty());
  // A target in a missing directory fails while preparing, before anything is renamed.
  const std::string kept = dir.write("A", "old A");
  CHECK_THROWS(write_files_atomic({{kept, "new A"}, {dir.file("missing/B"), "B"}}));
  CHECK(slurp(kept) == "old A");
  CHECK(others(dir, {"R.sigstore.json", "A"}).empty());
  write_files_atomic({{dir.file("X"), "x"}, {dir.file("Y"), "y"}});
  CHECK(slurp(dir.file("X")) == "x");
  CHECK(slurp(dir.file("Y")) == "y");
}

TEST_CASE("refvals -o R --sign-key K writes both files or neither", "[util][hostile][file][cli]") {
  TempDir dir;
  REQUIRE(coco::test::run_coco({"key", "generate", "-o", dir.file("k.key")}).exit_code == 0);
  std::filesystem::create_directory(dir.file("R.sigstore.json"));
  const std::string snp = coco::test::source_path("testdata/refvals/snp-a.json");
  const auto r = coco::test::run_coco({"refvals", "--snp", snp, "-o", dir.file("R"), "--sign-key", dir.file("k.key")});
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Contains("R.sigstore.json: is a directory"));
  CHECK_FALSE(file_exists(dir.file("R")));
  CHECK(others(dir, {"k.key", "k.pub", "R.sigstore.json"}).empty());
}

TEST_CASE("SIGTERM during a write leaves no temporary file", "[util][hostile][file][cli]") {
  if (!coco::test::have_program("timeout")) {
    WARN("skipped: timeout(1) is missing");
    return;
  }
  TempDir dir;
  REQUIRE(coco::test::run_coco({"key", "generate", "-o", dir.file("k.key")}).exit_code == 0);
  // R's temporary file is written first; then coco blocks opening the FIFO (nobody reads it)
  // until timeout(1) sends SIGTERM.
  REQUIRE(::mkfifo(dir.file("R.sigstore.json").c_str(), 0600) == 0);
  const std::string snp = coco::test::source_path("testdata/refvals/snp-a.json");
  for (const char* sig : {"TERM", "INT"}) {
    const auto r = coco::test::run_program({"timeout", "-s", sig, "2", COCO_BINARY, "refvals", "--snp", snp, "-o",
                                            dir.file("R"), "--sign-key", dir.file("k.key")});
    INFO(sig << ": " << r.err);
    CHECK(r.exit_code == 124);  // timed out, i.e. it was blocked on the FIFO and got the signal
    CHECK(others(dir, {"k.key", "k.pub", "R.sigstore.json"}).empty());
  }
}

TEST_CASE("endless inputs stop at the size limit", "[util][hostile][file]") {
  ::setenv("COCO_MAX_INPUT_SIZE", "1M", 1);
  CHECK(max_input_size() == 1u << 20);
  CHECK_THROWS_WITH(for_each_chunk("/dev/zero", [](Bytes) {}), Contains("/dev/zero: is larger than 1048576 bytes"));
  CHECK_THROWS_WITH(MappedFile("/dev/zero"), Contains("is larger than 1048576 bytes"));
  ::setenv("COCO_MAX_INPUT_SIZE", "12x", 1);
  CHECK_THROWS_WITH(max_input_size(), Contains("COCO_MAX_INPUT_SIZE"));
  ::unsetenv("COCO_MAX_INPUT_SIZE");
  CHECK(max_input_size() == std::uint64_t{4} << 30);
  TempDir dir;
  const std::string big = dir.write("big", std::string(5000, 'b'));
  CHECK_THROWS_WITH(for_each_chunk(big, [](Bytes) {}, kDefaultChunk, 4096), Contains("is larger than 4096 bytes"));
  CHECK(for_each_chunk(big, [](Bytes) {}, kDefaultChunk, 5000) == 5000);
  // A FIFO is still read as a stream, and a mapped FIFO holds what was written.
  const std::string fifo = dir.file("p");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  auto writer = std::async(std::launch::async, [&] { std::ofstream(fifo) << "streamed"; });
  const MappedFile m(fifo);
  writer.get();
  CHECK(std::string(as_chars(m.bytes())) == "streamed");
}

TEST_CASE("a directory given as a file input is an error", "[util][hostile][file]") {
  TempDir dir;
  std::filesystem::create_directory(dir.file("d"));
  CHECK_THROWS_WITH(file_size(dir.file("d")), Contains("d: is a directory"));
  CHECK_THROWS_WITH(MappedFile(dir.file("d")), Contains("is a directory"));
  CHECK_THROWS_WITH(for_each_chunk(dir.file("d"), [](Bytes) {}), Contains("is a directory"));
  CHECK_THROWS_WITH(read_text_file(dir.file("d")), Contains("is a directory"));
  CHECK_THROWS_WITH(file_size("/dev/zero"), Contains("not a regular file"));
}

TEST_CASE("commands refuse endless and directory inputs", "[util][hostile][file][cli]") {
  TempDir dir;
  std::filesystem::create_directory(dir.file("d"));
  const std::vector<std::string> small = {"COCO_MAX_INPUT_SIZE=1M"};
  REQUIRE(coco::test::run_coco({"key", "generate", "-o", dir.file("k.key")}).exit_code == 0);
  const auto sign = coco::test::run_coco({"sign", "/dev/zero", "--key", dir.file("k.key"), "-o", dir.file("s.json")}, "", small);
  CHECK(sign.exit_code == 1);
  CHECK_THAT(sign.err, Contains("/dev/zero: is larger than 1048576 bytes"));
  if (coco::test::shared_available("fixtures/sev-snp-measure")) {
    const std::string ovmf = coco::test::shared_path("fixtures/sev-snp-measure/ovmf_AmdSev_suffix.bin");
    const auto kernel = coco::test::run_coco({"measure", "snp", "--ovmf", ovmf, "--kernel", "/dev/zero"}, "", small);
    CHECK(kernel.exit_code == 1);
    CHECK_THAT(kernel.err, Contains("/dev/zero: is larger than"));
    const auto vars = coco::test::run_coco({"measure", "snp", "--mode", "snp:svsm", "--ovmf",
                                            coco::test::shared_path("fixtures/sev-snp-measure/svsm_ovmf.fd"), "--svsm",
                                            coco::test::shared_path("fixtures/sev-snp-measure/svsm.bin"), "--vars-file",
                                            dir.file("d")});
    CHECK(vars.exit_code == 1);
    CHECK_THAT(vars.err, Contains("is a directory"));
  }
  if (file_exists("/usr/share/ovmf/OVMF.fd")) {
    const std::string kernel = dir.write("vmlinuz", std::string(8192, 'k'));
    const auto tdx = coco::test::run_coco(
        {"measure", "tdx", "--firmware", "/usr/share/ovmf/OVMF.fd", "--kernel", kernel, "--initrd", "/dev/zero"}, "", small);
    CHECK(tdx.exit_code != 0);
    CHECK(tdx.exit_code != 3);
    CHECK_THAT(tdx.err, Contains("/dev/zero"));
  }
}
