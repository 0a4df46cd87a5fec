// SPDX-License-Identifier: Apache-2.0
#include "util/sha256_lanes.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <string_view>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "util/error.h"

namespace coco {

namespace {

#if defined(__x86_64__)
// FIPS 180-4 §4.2.2 and §5.3.3.
constexpr std::array<std::uint32_t, 64> kRoundConstants = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};
constexpr std::array<std::uint32_t, 8> kInitialHash = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                                       0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
constexpr std::size_t kBlock = 64;  // SHA-256 message block

// Message block `j` of lane `lane`'s padded message (prefix ‖ data ‖ 0x80 ‖ 0… ‖ bit length) where it
// does not lie wholly inside the data: the first blocks (they hold the prefix) and the last ones.
void assemble_block(Bytes prefix, const std::uint8_t* data, std::size_t data_size, std::size_t j, bool last,
                    std::uint8_t* out) {
  const std::size_t message = prefix.size() + data_size;
  const std::size_t start = j * kBlock, end = start + kBlock;
  std::memset(out, 0, kBlock);
  if (start < prefix.size()) std::memcpy(out, prefix.data() + start, std::min(end, prefix.size()) - start);
  const std::size_t from = std::max(start, prefix.size()), to = std::min(end, message);
  if (from < to) std::memcpy(out + (from - start), data + (from - prefix.size()), to - from);
  if (message >= start && message < end) out[message - start] = 0x80;
  if (last) {
    const std::uint64_t bits = static_cast<std::uint64_t>(message) * 8;
    for (std::size_t i = 0; i < 8; ++i) out[kBlock - 1 - i] = static_cast<std::uint8_t>(bits >> (8 * i));
  }
}

#define COCO_AVX512 __attribute__((target("avx512f,avx512bw")))
// GCC 12's own intrinsics start some results from _mm512_undefined_epi32(), which its
// -Wuninitialized then reports at every inlined use (a known false positive).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

// Rows (one lane's 16 message words each) into columns (word t of every lane), in place.
COCO_AVX512 inline void transpose_16x16(__m512i r[16]) {
  __m512i t[16], u[16];
  for (int i = 0; i < 8; ++i) {
    t[2 * i] = _mm512_unpacklo_epi32(r[2 * i], r[2 * i + 1]);
    t[2 * i + 1] = _mm512_unpackhi_epi32(r[2 * i], r[2 * i + 1]);
  }
  for (int i = 0; i < 4; ++i) {  // u[4i + k]: 128-bit quarter q holds word 4q + k of rows 4i … 4i + 3
    u[4 * i + 0] = _mm512_unpacklo_epi64(t[4 * i], t[4 * i + 2]);
    u[4 * i + 1] = _mm512_unpackhi_epi64(t[4 * i], t[4 * i + 2]);
    u[4 * i + 2] = _mm512_unpacklo_epi64(t[4 * i + 1], t[4 * i + 3]);
    u[4 * i + 3] = _mm512_unpackhi_epi64(t[4 * i + 1], t[4 * i + 3]);
  }
  for (int k = 0; k < 4; ++k) {
    const __m512i a = _mm512_shuffle_i32x4(u[k], u[4 + k], 0x88);
    const __m512i b = _mm512_shuffle_i32x4(u[k], u[4 + k], 0xDD);
    const __m512i c = _mm512_shuffle_i32x4(u[8 + k], u[12 + k], 0x88);
    const __m512i d = _mm512_shuffle_i32x4(u[8 + k], u[12 + k], 0xDD);
    r[k] = _mm512_shuffle_i32x4(a, c, 0x88);
    r[8 + k] = _mm512_shuffle_i32x4(a, c, 0xDD);
    r[4 + k] = _mm512_shuffle_i32x4(b, d, 0x88);
    r[12 + k] = _mm512_shuffle_i32x4(b, d, 0xDD);
  }
}

// σ0/σ1 of the message schedule and Σ0/Σ1 of the rounds (FIPS 180-4 §4.1.2); 0x96 is a three-way XOR.
COCO_AVX512 inline __m512i small_sigma0(__m512i x) {
  return _mm512_ternarylogic_epi32(_mm512_ror_epi32(x, 7), _mm512_ror_epi32(x, 18), _mm512_srli_epi32(x, 3), 0x96);
}
COCO_AVX512 inline __m512i small_sigma1(__m512i x) {
  return _mm512_ternarylogic_epi32(_mm512_ror_epi32(x, 17), _mm512_ror_epi32(x, 19), _mm512_srli_epi32(x, 10), 0x96);
}
COCO_AVX512 inline __m512i big_sigma0(__m512i x) {
  return _mm512_ternarylogic_epi32(_mm512_ror_epi32(x, 2), _mm512_ror_epi32(x, 13), _mm512_ror_epi32(x, 22), 0x96);
}
COCO_AVX512 inline __m512i big_sigma1(__m512i x) {
  return _mm512_ternarylogic_epi32(_mm512_ror_epi32(x, 6), _mm512_ror_epi32(x, 11), _mm512_ror_epi32(x, 25), 0x96);
}

// One round; the caller rotates the names instead of the values. 0xCA is Ch(e, f, g), 0xE8 Maj(a, b, c).
#define COCO_SHA256_ROUND(a, b, c, d, e, f, g, h, wk)                                                              \
  do {                                                                                                           \
    const __m512i t1 = _mm512_add_epi32(_mm512_add_epi32(h, big_sigma1(e)),                                     \
                                        _mm512_add_epi32(_mm512_ternarylogic_epi32(e, f, g, 0xCA), wk));         \
    d = _mm512_add_epi32(d, t1);                                                                                 \
    h = _mm512_add_epi32(t1, _mm512_add_epi32(big_sigma0(a), _mm512_ternarylogic_epi32(a, b, c, 0xE8)));        \
  } while (0)

// Sixteen rounds from t0; w[i] holds W[t0 + i]. Beyond the first sixteen, W is extended in place.
#define COCO_SHA256_ROUNDS16(t0, extend)                                                                          \
  do {                                                                                                           \
    for (int i = 0; i < 16; i += 8) {                                                                            \
      __m512i wk[8];                                                                                             \
      for (int k = 0; k < 8; ++k) {                                                                              \
        const int idx = i + k;                                                                                   \
        if (extend)                                                                                              \
          w[idx] = _mm512_add_epi32(_mm512_add_epi32(w[idx], small_sigma0(w[(idx + 1) & 15])),                  \
                                    _mm512_add_epi32(w[(idx + 9) & 15], small_sigma1(w[(idx + 14) & 15])));    \
        wk[k] = _mm512_add_epi32(w[idx], _mm512_set1_epi32(static_cast<int>(kRoundConstants[(t0) + idx])));     \
      }                                                                                                          \
      COCO_SHA256_ROUND(a, b, c, d, e, f, g, h, wk[0]);                                                          \
      COCO_SHA256_ROUND(h, a, b, c, d, e, f, g, wk[1]);                                                          \
      COCO_SHA256_ROUND(g, h, a, b, c, d, e, f, wk[2]);                                                          \
      COCO_SHA256_ROUND(f, g, h, a, b, c, d, e, wk[3]);                                                          \
      COCO_SHA256_ROUND(e, f, g, h, a, b, c, d, wk[4]);                                                          \
      COCO_SHA256_ROUND(d, e, f, g, h, a, b, c, wk[5]);                                                          \
      COCO_SHA256_ROUND(c, d, e, f, g, h, a, b, wk[6]);                                                          \
      COCO_SHA256_ROUND(b, c, d, e, f, g, h, a, wk[7]);                                                          \
    }                                                                                                            \
  } while (0)

// One 64-byte block per lane, lane l's at p[l], into the lanes' states (FIPS 180-4 §6.2.2).
COCO_AVX512 void compress_lanes(__m512i state[8], const std::uint8_t* const p[kSha256Lanes]) {
  const __m512i big_endian = _mm512_broadcast_i32x4(_mm_set_epi8(12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3));
  __m512i w[16];
  for (std::size_t l = 0; l < kSha256Lanes; ++l) w[l] = _mm512_shuffle_epi8(_mm512_loadu_si512(p[l]), big_endian);
  transpose_16x16(w);
  __m512i a = state[0], b = state[1], c = state[2], d = state[3], e = state[4], f = state[5], g = state[6], h = state[7];
  COCO_SHA256_ROUNDS16(0, false);
  COCO_SHA256_ROUNDS16(16, true);
  COCO_SHA256_ROUNDS16(32, true);
  COCO_SHA256_ROUNDS16(48, true);
  state[0] = _mm512_add_epi32(state[0], a);
  state[1] = _mm512_add_epi32(state[1], b);
  state[2] = _mm512_add_epi32(state[2], c);
  state[3] = _mm512_add_epi32(state[3], d);
  state[4] = _mm512_add_epi32(state[4], e);
  state[5] = _mm512_add_epi32(state[5], f);
  state[6] = _mm512_add_epi32(state[6], g);
  state[7] = _mm512_add_epi32(state[7], h);
}

#undef COCO_SHA256_ROUNDS16
#undef COCO_SHA256_ROUND

COCO_AVX512 void prefixed_lanes_avx512(Bytes prefix, const std::uint8_t* blocks, std::size_t block_size,
                                       std::uint8_t* digests) {
  const std::size_t message = prefix.size() + block_size;
  const std::size_t message_blocks = (message + 8) / kBlock + 1;  // room for 0x80 and the 8-byte length
  __m512i state[8];
  for (std::size_t i = 0; i < 8; ++i) state[i] = _mm512_set1_epi32(static_cast<int>(kInitialHash[i]));
  alignas(64) std::uint8_t assembled[kSha256Lanes][kBlock];
  const std::uint8_t* p[kSha256Lanes];
  for (std::size_t j = 0; j < message_blocks; ++j) {
    const bool inside = j * kBlock >= prefix.size() && j * kBlock + kBlock <= message;
    for (std::size_t l = 0; l < kSha256Lanes; ++l) {
      const std::uint8_t* data = blocks + l * block_size;
      if (inside) {
        p[l] = data + (j * kBlock - prefix.size());
      } else {
        assemble_block(prefix, data, block_size, j, j + 1 == message_blocks, assembled[l]);
        p[l] = assembled[l];
      }
    }
    compress_lanes(state, p);
  }
  alignas(64) std::uint32_t words[8][kSha256Lanes];
  for (std::size_t i = 0; i < 8; ++i) _mm512_store_si512(words[i], state[i]);
  for (std::size_t l = 0; l < kSha256Lanes; ++l)
    for (std::size_t i = 0; i < 8; ++i)
      for (std::size_t k = 0; k < 4; ++k)
        digests[32 * l + 4 * i + k] = static_cast<std::uint8_t>(words[i][l] >> (24 - 8 * k));
}

#pragma GCC diagnostic pop

bool cpu_runs_avx512() {
  __builtin_cpu_init();
  // libgcc also checks, through XGETBV, that the OS saves the AVX-512 registers.
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw");
}
#else
bool cpu_runs_avx512() { return false; }
#endif

}  // namespace

bool sha256_lanes_available() {
  static const bool available = [] {
    const char* env = std::getenv("COCO_SHA256_LANES");
    if (env != nullptr && std::string_view(env) == "off") return false;
    return cpu_runs_avx512();
  }();
  return available;
}

void sha256_prefixed_lanes(Bytes prefix, const std::uint8_t* blocks, std::size_t block_size, std::uint8_t* digests) {
  if (!sha256_lanes_available()) throw Error(Exit::Failure, "sha256", "SHA-256 lanes called on a CPU without AVX-512");
#if defined(__x86_64__)
  prefixed_lanes_avx512(prefix, blocks, block_size, digests);
#endif
}

}  // namespace coco
