#include "oci/tarfs.h"

#include <deque>
#include <set>
#include <utility>

namespace coco::oci {
namespace {

// <sys/stat.h> values, spelled out: the index format fixes them, not the build host.
constexpr std::uint32_t kIfmt = 0170000, kIfsock = 0140000, kIflnk = 0120000, kIfreg = 0100000,
                        kIfblk = 0060000, kIfdir = 0040000, kIfchr = 0020000, kIfifo = 0010000;
constexpr std::uint64_t kSymlinkField = 157;  // offset of the ustar linkname field in a header
constexpr std::size_t kRecord = 32;           // inode and dirent records

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
  std::uint32_t mode = 0;  // 0: created implicitly as somebody's parent
  std::uint8_t flags = 0;  // 1 = opaque
  std::uint32_t uid = 0, gid = 0;
  std::uint64_t mtime = 0, size = 0, offset = 0;
  std::map<std::string, std::shared_ptr<Node>> children;  // byte order, as Rust's BTreeMap<Vec<u8>>
  std::uint64_t ino = 0;
  std::string special_target;  // AKS: a symlink target too long for the header field
};

TarfsIndex::TarfsIndex(TarfsVariant v) : variant_(v), root_(std::make_shared<Node>()) {
  root_->mode = kIfdir | 0555;
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

bool TarfsIndex::add(const TarEntry& e) {
  std::vector<std::string> parts;
  if (!split_tar_path(e.path, parts)) return false;  // climbs above the root: skipped, as the reference does
  const std::string name = parts.empty() ? "" : parts.back();
  if (name == ".wh..wh..opq") {
    parts.pop_back();
    find_or_create(parts)->flags |= 1;
    return true;
  }
  if (name.starts_with(".wh.")) {
    parts.back() = name.substr(4);
    const auto target = find_or_create(parts);
    target->mode = (target->mode & ~kIfmt) | kIfchr;
    target->size = 0;
    target->offset = 0;
    target->children.clear();
    return true;
  }
  Node entry;
  entry.mode = e.mode & 0777;  // setuid, setgid and sticky are dropped
  entry.uid = e.uid;
  entry.gid = e.gid;
  entry.mtime = e.mtime;
  switch (e.type) {
    case '0':
      entry.mode |= kIfreg;
      entry.size = e.size;
      entry.offset = e.data_offset;
      break;
    case '5': entry.mode |= kIfdir; break;
    case '6': entry.mode |= kIfifo; break;
    case '3':
    case '4':
      if (!e.has_device) return false;
      entry.mode |= e.type == '3' ? kIfchr : kIfblk;
      entry.offset = e.devminor | (static_cast<std::uint64_t>(e.devmajor) << 32);
      break;
    case '2':
      if (e.linkname.empty()) return false;
      entry.mode |= kIflnk;
      entry.size = e.linkname.size();
      if (e.long_link) {
        if (variant_ == TarfsVariant::Upstream) return false;  // upstream skips long symlinks
        entry.special_target = e.linkname;
      } else {
        entry.offset = e.header_offset + kSymlinkField;
      }
      break;
    case '1': {
      std::vector<std::string> target_parts;
      if (!split_tar_path(e.linkname, target_parts)) return false;
      const auto target = find_or_create(target_parts);  // the reference creates the path as it looks
      if ((target->mode & kIfmt) != kIfreg) return false;
      if (parts.empty()) {
        root_ = target;
      } else {
        const std::string last = parts.back();
        parts.pop_back();
        const auto parent = find_or_create(parts);
        // `a`, then `a/b` -> `a`: the file would become its own child and the index a cycle.
        if (reaches(*target, *parent)) return false;
        parent->children[last] = target;
      }
      return true;
    }
    default: return false;  // GNU sparse, contiguous, pax globals …: not in the index
  }
  // The node is updated in place (a hard link to it sees the change); its children go.
  const auto node = find_or_create(parts);
  node->children.clear();
  node->mode = entry.mode;
  node->size = entry.size;
  node->offset = entry.offset;
  node->mtime = entry.mtime;
  node->uid = entry.uid;
  node->gid = entry.gid;
  node->special_target = entry.special_target;
  if (!node->special_target.empty()) special_links_.push_back(node);
  return true;
}

ByteVec TarfsIndex::finish(std::uint64_t n) {
  // Inode numbers: breadth first from the root, children in name order, shared nodes once.
  std::vector<Node*> inodes;
  std::deque<Node*> queue{root_.get()};
  root_->ino = 1;
  inodes.push_back(root_.get());
  for (; !queue.empty(); queue.pop_front())
    for (auto& [name, child] : queue.front()->children)
      if (child->ino == 0) {
        child->ino = inodes.size() + 1;
        inodes.push_back(child.get());
        queue.push_back(child.get());
      }
  std::uint64_t dirents = 0, name_bytes = 0, special_bytes = 0;
  for (Node* d : inodes)
    if ((d->mode & kIfmt) == kIfdir)
      for (auto& [name, child] : d->children) ++dirents, name_bytes += name.size();
  for (const auto& s : special_links_) special_bytes += s->special_target.size();
  const std::uint64_t dirent_start = n + kRecord * inodes.size();
  const std::uint64_t s_start = dirent_start + kRecord * dirents;
  // AKS: long symlink targets sit between the dirents and the names; offsets in inode order.
  std::uint64_t special_cursor = s_start;
  for (Node* node : inodes)
    if (!node->special_target.empty()) node->offset = special_cursor, special_cursor += node->special_target.size();
  const std::uint64_t names_start = s_start + special_bytes;
  const std::uint64_t end = round_up_4096(names_start + 2 * name_bytes + special_bytes);  // the reference's double count
  const std::uint64_t total = end + 4096 - n;

  ByteVec out;
  out.reserve(total);
  std::uint64_t dirent_cursor = dirent_start;
  for (Node* node : inodes) {
    std::uint64_t size = node->size, offset = node->offset;
    if ((node->mode & kIfmt) == kIfdir) {
      size = kRecord * node->children.size();
      offset = dirent_cursor;
      dirent_cursor += size;
    }
    put_le<std::uint16_t>(out, static_cast<std::uint16_t>(node->mode));
    out.push_back(node->flags);
    out.push_back(static_cast<std::uint8_t>((node->mtime >> 32) & 0xf));
    put_le<std::uint32_t>(out, node->uid);
    put_le<std::uint32_t>(out, node->gid);
    put_le<std::uint32_t>(out, static_cast<std::uint32_t>(node->mtime));
    put_le<std::uint64_t>(out, size);
    put_le<std::uint64_t>(out, offset);
  }
  std::uint64_t name_cursor = names_start;
  for (Node* d : inodes) {
    if ((d->mode & kIfmt) != kIfdir) continue;
    for (auto& [name, child] : d->children) {
      put_le<std::uint64_t>(out, child->ino);
      put_le<std::uint64_t>(out, name_cursor);
      put_le<std::uint64_t>(out, name.size());
      out.push_back(dirent_type(child->mode));
      out.insert(out.end(), 7, 0);
      name_cursor += name.size();
    }
  }
  for (const auto& s : special_links_) out.insert(out.end(), s->special_target.begin(), s->special_target.end());
  for (Node* d : inodes)
    if ((d->mode & kIfmt) == kIfdir)
      for (auto& [name, child] : d->children) out.insert(out.end(), name.begin(), name.end());
  out.resize(total, 0);
  const std::uint64_t super = end + 4096 - 512 - n;  // {u64 inode table offset, u64 inode count}
  store_le<std::uint64_t>(out, super, n);
  store_le<std::uint64_t>(out, super + 8, inodes.size());
  return out;
}

}  // namespace coco::oci
