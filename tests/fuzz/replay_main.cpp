// SPDX-License-Identifier: Apache-2.0
// coco_fuzz_replay: runs a harness over every file of its corpus directory (seeds and regression
// inputs under testdata/fuzz/<name>/), so the normal compiler and the ASan build check them in
// every ctest run without libFuzzer. Each harness source is compiled here with its
// LLVMFuzzerTestOneInput renamed to coco_fuzz_<name> (tests/fuzz/CMakeLists.txt).
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz_replay_table.h"  // generated: kHarnesses[] = {{"name", coco_fuzz_name}, …}

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  if (argc < 3) {
    std::fprintf(stderr, "usage: coco_fuzz_replay HARNESS DIR|FILE...\n");
    return 2;
  }
  const std::string name = argv[1];
  const auto* h = std::find_if(std::begin(kHarnesses), std::end(kHarnesses),
                               [&](const Harness& x) { return name == x.name; });
  if (h == std::end(kHarnesses)) {
    std::fprintf(stderr, "coco_fuzz_replay: no harness named '%s'\n", name.c_str());
    return 2;
  }
  std::vector<fs::path> files;
  for (int i = 2; i < argc; ++i) {
    const fs::path p = argv[i];
    if (fs::is_directory(p)) {
      for (const auto& e : fs::directory_iterator(p))
        if (e.is_regular_file()) files.push_back(e.path());
    } else if (fs::is_regular_file(p)) {
      files.push_back(p);
    } else {
      std::fprintf(stderr, "coco_fuzz_replay: %s: no such file or directory\n", p.c_str());
      return 1;
    }
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) {  // a corpus that runs nothing would pass without testing anything
    std::fprintf(stderr, "coco_fuzz_replay: %s: no inputs\n", name.c_str());
    return 1;
  }
  for (const fs::path& f : files) {
    std::ifstream in(f, std::ios::binary);
    const std::vector<char> data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.eof() && in.fail()) {
      std::fprintf(stderr, "coco_fuzz_replay: %s: cannot read\n", f.c_str());
      return 1;
    }
    std::fprintf(stderr, "%s: %s\n", name.c_str(), f.filename().c_str());  // names the input before a crash
    h->run(reinterpret_cast<const std::uint8_t*>(data.data()), data.size());
  }
  std::printf("%s: %zu inputs ran\n", name.c_str(), files.size());
  return 0;
}
