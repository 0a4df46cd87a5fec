// SPDX-License-Identifier: Apache-2.0
#include "oci/tarfs.h"

#include <set>
#include <utility>

#include "oci/tar_stream.h"
#include "util/encoding.h"
#include "util/error.h"

namespace coco::oci {
namespace {

// <sys/stat.h> values, spelled out: the index format fixes them, not the build host.
constexpr std::uint32_t kIfmt = 0170000, kIfsock = 0140000, kIflnk = 0120000, kIfreg = 0100000,
                        kIfblk = 0060000, kIfdir = 0040000, kIfchr = 0020000, kIfifo = 0010000;
constexpr std::uint64_t kSymlinkField = 157;  // offset of the ustar linkname field in a header
constexpr std::size_t kRecord = 32;           // inode and dirent records
// Paths through the tree (visits of the breadth-first walk): each writes a dirent array, so a
// tree of hard-linked directories nested in each other could ask for exponentially many.
constexpr std::size_t kMaxVisits = std::size_t{1} << 24;

std::uint8_t dirent_type(std::uint32_t mode) {
  switch (mode & kIfmt) {
    case kIfsock: return 12;
    case kIflnk: return 10;
    case kIfreg: return 8;
    case kIfblk: return 6;
    case kIfdir: return 4;
    case kIfchr: return 2;
    case kIfifo: return 1;
    default: return 0;
  }
}


std::uint64_t round_up_4096(std::uint64_t v) { return (v + 4095) / 4096 * 4096; }

}  // namespace

struct TarfsIndex::Node {
  std::uint16_t mode = 0;  // 0: created implicitly as somebody's parent
  std::uint8_t flags = 0;  // 1 = opaque
  std::uint32_t uid = 0, gid = 0;
  std::uint64_t mtime = 0, size = 0, offset = 0;
  std::map<std::string, std::shared_ptr<Node>> children;  // byte order, as Rust's BTreeMap<Vec<u8>>
  std::uint64_t ino = 0;
};

TarfsIndex::TarfsIndex(TarfsVariant v) : variant_(v), root_(std::make_shared<Node>()) {
  root_->mode = static_cast<std::uint16_t>(kIfdir | 0555);
}
// Iterative: a path nested 100,000 deep would otherwise be destroyed by as many nested calls.
TarfsIndex::~TarfsIndex() {
  std::vector<std::shared_ptr<Node>> pending{std::move(root_)};
  special_links_.clear();
  while (!pending.empty()) {
    const std::shared_ptr<Node> n = std::move(pending.back());
    pending.pop_back();
    for (auto& [name, child] : n->children) pending.push_back(std::move(child));
    n->children.clear();
  }
}

bool TarfsIndex::reaches(const Node& from, const Node& to) {
  std::vector<const Node*> stack{&from};
  std::set<const Node*> seen;
  while (!stack.empty()) {
    const Node* n = stack.back();
    stack.pop_back();
    if (n == &to) return true;
    if (!seen.insert(n).second) continue;
    for (const auto& [name, child] : n->children) stack.push_back(child.get());
  }
  return false;
}

std::shared_ptr<TarfsIndex::Node> TarfsIndex::find_or_create(const std::vector<std::string>& parts) {
  std::shared_ptr<Node> n = root_;
  for (const std::string& p : parts) {
    auto& child = n->children[p];
    if (!child) child = std::make_shared<Node>();
    n = child;
  }
  return n;
}

void TarfsIndex::place(const std::vector<std::string>& parts, const Node& entry) {
  if (!parts.empty()) {
    const std::string& name = parts.back();
    if (name == ".wh..wh..opq") {
      find_or_create({parts.begin(), parts.end() - 1})->flags |= 1;
      return;
    }
    if (name.starts_with(".wh.")) {  // a 0/0 character device: overlayfs looks no further down
      std::vector<std::string> target = parts;
      target.back() = name.substr(4);
      const auto node = find_or_create(target);
      node->children.clear();
      node->mode = static_cast<std::uint16_t>((node->mode & ~kIfmt) | kIfchr);
      node->size = 0;
      node->offset = 0;
      return;
    }
  }
  // The node is replaced in place (a hard link to it sees the change): children and flags go.
  const auto node = find_or_create(parts);
  node->children.clear();
  node->mode = entry.mode;
  node->flags = 0;
  node->size = entry.size;
  node->offset = entry.offset;
  node->mtime = entry.mtime;
  node->uid = entry.uid;
  node->gid = entry.gid;
}

void TarfsIndex::hard_link(const TarfsEntry& e) {
  std::vector<std::string> target_parts, parts;
  if (!split_tar_path(*e.link, target_parts)) return;
  const auto target = find_or_create(target_parts);  // the reference creates the path as it looks
  if ((target->mode & kIfmt) != kIfreg) return;
  if (!split_tar_path(e.path, parts)) return;
  if (parts.empty()) {
    root_ = target;
    return;
  }
  const std::string last = parts.back();
  parts.pop_back();
  const auto parent = find_or_create(parts);
  // `a`, then `a/b` -> `a`: the file would become its own child and the index a cycle, which the
  // node's breadth-first walk never leaves.
  if (reaches(*target, *parent))
    fail("tarfs index", "hard link '" + e.path + "' at offset " + hex_number(e.header_pos) + " to '" + *e.link +
                            "' makes the directory tree a cycle: the node's indexer would never finish this layer");
  parent->children[last] = target;
}

bool TarfsIndex::add(const TarfsEntry& e) {
  if (!e.mode) return false;  // tarindex skips an entry whose mode does not parse
  Node entry;
  entry.mode = static_cast<std::uint16_t>(*e.mode & 0777);  // setuid, setgid and sticky are dropped
  entry.uid = static_cast<std::uint32_t>(e.uid);  // tarindex keeps the low 32 bits
  entry.gid = static_cast<std::uint32_t>(e.gid);
  entry.mtime = e.mtime;
  switch (e.type) {
    case '0':
    case '\0':
      entry.mode |= kIfreg;
      entry.size = e.size;
      entry.offset = e.file_pos;
      break;
    case '5': entry.mode |= kIfdir; break;
    case '6': entry.mode |= kIfifo; break;
    case '3':
    case '4':
      if (!e.devmajor || !e.devminor) return false;
      entry.mode |= e.type == '3' ? kIfchr : kIfblk;
      entry.offset = *e.devminor | (static_cast<std::uint64_t>(*e.devmajor) << 32);
      break;
    case '2':
      if (!e.link) return false;
      entry.mode |= kIflnk;
      entry.size = e.link->size();
      if (*e.link != e.header_link.value_or("")) {  // longer than (or not) the header's field
        if (variant_ == TarfsVariant::Upstream) return false;  // upstream skips it
        special_links_.push_back(*e.link);  // AKS: offset 0 marks it, assigned in finish()
      } else {
        entry.offset = e.header_pos + kSymlinkField;
      }
      break;
    case '1':
      if (!e.link) return false;
      hard_link(e);
      return true;
    default: return false;  // GNU sparse, contiguous, pax globals …: not in the index
  }
  std::vector<std::string> parts;
  if (!split_tar_path(e.path, parts)) return false;  // climbs above the root: skipped
  place(parts, entry);
  return true;
}

ByteVec TarfsIndex::finish(std::uint64_t n) {
  // The reference walks the tree breadth first, children in name order, once per path to a node
  // (a node shared by hard links is visited, and its children queued, on every path). All its
  // passes see this same sequence; a node's inode is its first visit.
  std::vector<Node*> visits{root_.get()};
  for (std::size_t i = 0; i < visits.size(); ++i) {
    for (auto& [name, child] : visits[i]->children) visits.push_back(child.get());
    if (visits.size() > kMaxVisits)
      fail("tarfs index", "the directory tree has more than " + std::to_string(kMaxVisits) +
                              " paths (hard-linked directories nested in each other)");
  }
  std::vector<Node*> inodes;
  for (Node* v : visits)
    if (v->ino == 0) v->ino = inodes.size() + 1, inodes.push_back(v);
  const std::uint64_t dirent_start = n + kRecord * inodes.size();
  std::uint64_t cursor = dirent_start;
  std::uint64_t dirent_bytes = 0, name_bytes = 0;
  for (Node* v : visits) {  // init_direntry_offset: a directory visited twice ends up with its last offset
    if ((v->mode & kIfmt) != kIfdir) continue;
    v->offset = cursor;
    v->size = kRecord * v->children.size();
    cursor += v->size;
    dirent_bytes += v->size;
    for (auto& [name, child] : v->children) name_bytes += name.size();
  }
  const std::uint64_t string_table = cursor;
  ByteVec out;
  out.reserve(kRecord * inodes.size() + dirent_bytes + 2 * name_bytes + 8192);
  std::uint64_t symlink_cursor = string_table;  // AKS: long symlink targets, in inode order
  for (Node* node : inodes) {
    std::uint64_t offset = node->offset;
    if (variant_ == TarfsVariant::Aks && (node->mode & kIfmt) == kIflnk && offset == 0)
      offset = symlink_cursor, symlink_cursor += node->size;
    put_le<std::uint16_t>(out, node->mode);
    out.push_back(node->flags);
    out.push_back(static_cast<std::uint8_t>((node->mtime >> 32) & 0xf));
    put_le<std::uint32_t>(out, node->uid);
    put_le<std::uint32_t>(out, node->gid);
    put_le<std::uint32_t>(out, static_cast<std::uint32_t>(node->mtime));
    put_le<std::uint64_t>(out, node->size);
    put_le<std::uint64_t>(out, offset);
  }
  std::uint64_t end = symlink_cursor;
  for (Node* v : visits) {
    if ((v->mode & kIfmt) != kIfdir) continue;
    for (auto& [name, child] : v->children) {
      put_le<std::uint64_t>(out, child->ino);
      put_le<std::uint64_t>(out, end);
      put_le<std::uint64_t>(out, name.size());
      out.push_back(dirent_type(child->mode));
      out.insert(out.end(), 7, 0);
      end += name.size();
    }
  }
  for (const std::string& s : special_links_) {
    out.insert(out.end(), s.begin(), s.end());
    end += s.size();
  }
  for (Node* v : visits) {
    if ((v->mode & kIfmt) != kIfdir) continue;
    for (auto& [name, child] : v->children) out.insert(out.end(), name.begin(), name.end());
  }
  end = round_up_4096(end + name_bytes);  // the reference counts the names twice
  out.resize(end + 4096 - n, 0);
  const std::uint64_t super = end + 4096 - 512 - n;  // {u64 inode table offset, u64 inode count}
  store_le<std::uint64_t>(out, super, n);
  store_le<std::uint64_t>(out, super + 8, inodes.size());
  return out;
}

TarfsLayer::TarfsLayer(std::string name, TarfsVariant v, TarfsReader::EntryFn on_entry, TarfsReader::DataFn on_data)
    : index_(v),
      reader_(std::move(name), [this](const TarfsEntry& e) {
        index_.add(e);
        if (on_entry_) on_entry_(e);
      }, std::move(on_data)),
      on_entry_(std::move(on_entry)) {}

void TarfsLayer::update(Bytes tar) {
  bytes_ += tar.size();
  verity_.update(tar);
  reader_.update(tar);
}

std::string TarfsLayer::finish() {
  reader_.finish();
  verity_.update(index_.finish(bytes_));
  return to_hex(verity_.finish());
}

}  // namespace coco::oci
