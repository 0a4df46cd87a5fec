// SPDX-License-Identifier: Apache-2.0
// Byte views and the checked little-endian Reader (STYLE.md "Reading a little-endian structure").
// Every failure reads "<name>: offset 0x…: <what>", with the offset in the whole input.
#pragma once

#include <concepts>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace coco {

using Bytes = std::span<const std::uint8_t>;
using ByteVec = std::vector<std::uint8_t>;

inline Bytes as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
inline std::string_view as_chars(Bytes b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

// "0x1f" style, as every offset in a message is written.
std::string hex_number(std::uint64_t value);

class Reader {
 public:
  Reader() = default;
  Reader(Bytes data, std::string name, std::uint64_t base = 0);

  std::uint64_t size() const { return data_.size(); }
  Bytes data() const { return data_; }
  const std::string& name() const { return name_; }
  std::uint64_t base() const { return base_; }  // offset of data()[0] in the whole input

  Bytes bytes(std::uint64_t off, std::uint64_t len) const {
    if (off > data_.size() || len > data_.size() - off)  // never off + len: it can wrap
      fail(off, "needs " + std::to_string(len) + " bytes, the input has " +
                    std::to_string(data_.size() > off ? data_.size() - off : 0) + " left");
    return data_.subspan(off, len);
  }
  Reader sub(std::uint64_t off, std::uint64_t len) const {
    return Reader(bytes(off, len), name_, base_ + off);
  }
  template <std::unsigned_integral T>
  T le(std::uint64_t off) const {
    const Bytes b = bytes(off, sizeof(T));
    T v = 0;
    for (std::size_t i = sizeof(T); i-- > 0;) v = static_cast<T>((v << 8) | b[i]);
    return v;
  }
  [[noreturn]] void fail(std::uint64_t off, const std::string& what) const;

 private:
  Bytes data_;
  std::string name_;
  std::uint64_t base_ = 0;
};

// Appending little-endian fields when building a structure to hash.
template <std::unsigned_integral T>
void put_le(ByteVec& out, T value) {
  for (std::size_t i = 0; i < sizeof(T); ++i) out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
}
template <std::unsigned_integral T>
void store_le(std::span<std::uint8_t> out, std::uint64_t off, T value) {
  for (std::size_t i = 0; i < sizeof(T); ++i) out[off + i] = static_cast<std::uint8_t>(value >> (8 * i));
}
inline void append(ByteVec& out, Bytes b) { out.insert(out.end(), b.begin(), b.end()); }

}  // namespace coco
