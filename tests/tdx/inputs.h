// SPDX-License-Identifier: Apache-2.0
// Inputs the TDX tests share: Debian's ovmf files (checked by sha256), the Debian kernel that
// tdx.tsv rows name (apt-get download into a cache when reachable, sha256 checked, else the
// rows are skipped visibly), the vector table itself, and builders of small synthetic images.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "support/support.h"
#include "util/digest.h"
#include "util/encoding.h"
#include "util/file.h"

namespace coco::test::tdx {

inline const char* kOvmfFd = "/usr/share/ovmf/OVMF.fd";
inline const char* kOvmfFdSha256 = "7b456907dd0786d415999e801a1ac4637b8ed4d7cf5378cfc6edbe5e574dd773";
inline const char* kKernelPackage = "linux-image-6.1.0-56-cloud-amd64-unsigned=6.1.192-2";
inline const char* kKernelMember = "./boot/vmlinuz-6.1.0-56-cloud-amd64";
inline const char* kKernelSha256 = "6aa38b0cef36a423251ee101cf94967dbd604cfd8f56f0c5f767be8d903f6d86";

inline std::string file_sha256(const std::string& path) { return to_hex(digest_file(Algo::Sha256, path)); }

// The file at `path` when it exists with the expected sha256 (Debian may ship other builds).
inline std::optional<std::string> debian_file(const std::string& path, const std::string& sha256) {
  if (!file_exists(path)) return std::nullopt;
  if (file_sha256(path) != sha256) {
    std::cerr << "tdx tests: " << path << " has another sha256 than the vectors expect; skipping its rows\n";
    return std::nullopt;
  }
  return path;
}

inline std::string cache_dir() {
  if (const char* d = std::getenv("COCO_TEST_CACHE"); d && *d) return d;
  if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.cache/coco-tests";
  return (std::filesystem::temp_directory_path() / "coco-tests-cache").string();
}

// The vmlinuz of the Debian kernel package the vectors name: from the cache, else downloaded
// with apt-get download (once per cache) and checked against the vectors' sha256.
inline std::optional<std::string> debian_kernel() {
  static const std::optional<std::string> kernel = []() -> std::optional<std::string> {
    const std::string dir = cache_dir();
    const std::string vmlinuz = dir + "/vmlinuz-6.1.0-56-cloud-amd64";
    if (auto k = debian_file(vmlinuz, kKernelSha256)) return k;
    std::filesystem::create_directories(dir);
    const auto got = run_program({"sh", "-c",
                                  "cd '" + dir + "' && apt-get download -q " + kKernelPackage +
                                      " >/dev/null 2>&1 && dpkg-deb --fsys-tarfile linux-image-6.1.0-56-cloud-amd64-unsigned_*.deb"
                                      " | tar -xO " + kKernelMember + " > vmlinuz.tmp && mv vmlinuz.tmp vmlinuz-6.1.0-56-cloud-amd64"});
    if (got.exit_code != 0) {
      std::cerr << "tdx tests: SKIPPING Debian kernel rows: apt-get download " << kKernelPackage << " failed (offline?)\n";
      return std::nullopt;
    }
    return debian_file(vmlinuz, kKernelSha256);
  }();
  return kernel;
}

inline std::optional<std::string> debian_ovmf() { return debian_file(kOvmfFd, kOvmfFdSha256); }

struct VectorRow {
  int line = 0;
  std::map<std::string, std::string> f;  // column name -> value
  const std::string& operator[](const std::string& k) const { return f.at(k); }
};

inline std::vector<VectorRow> read_vectors() {
  std::istringstream in(read_text_file(shared_path("vectors/tdx.tsv")));
  std::vector<std::string> header;
  std::vector<VectorRow> rows;
  std::string line;
  int n = 0;
  auto split = [](const std::string& s) {
    std::vector<std::string> out;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= s.size(); ++i)
      if (i == s.size() || s[i] == '\t') out.push_back(s.substr(start, i - start)), start = i + 1;
    return out;
  };
  while (std::getline(in, line)) {
    ++n;
    if (line.empty()) continue;
    const auto cells = split(line);
    if (header.empty()) {
      header = cells;
      continue;
    }
    VectorRow r;
    r.line = n;
    for (std::size_t i = 0; i < header.size(); ++i) r.f[header[i]] = i < cells.size() ? cells[i] : "";
    rows.push_back(std::move(r));
  }
  return rows;
}

}  // namespace coco::test::tdx
