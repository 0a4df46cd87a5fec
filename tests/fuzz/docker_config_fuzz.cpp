// SPDX-License-Identifier: Apache-2.0
// Docker / containers auth files (oci/auth.h find_credentials): auths entries with base64
// user:password and identity tokens, credHelpers and credsStore. The harness empties PATH, so a
// helper named by the input is never found and its spawn is a named refusal, never a program run.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "fuzz.h"
#include "oci/auth.h"

namespace {

const std::string& scratch_file() {
  static const std::string path = [] {
    setenv("PATH", "/nonexistent-coco-fuzz", 1);
    return (std::filesystem::temp_directory_path() / ("coco-fuzz-auth-" + std::to_string(getpid()) + ".json")).string();
  }();
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace coco;
  const fuzz::Split in = fuzz::split_selector(data, size);
  static const char* const kHosts[] = {"docker.io", "registry.example:5000", "ghcr.io", "127.0.0.1"};
  const std::string& path = scratch_file();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(in.data), static_cast<std::streamsize>(in.size));
  }
  fuzz::refusals_allowed([&] { (void)oci::find_credentials(kHosts[in.selector % 4], path); });
  return 0;
}
