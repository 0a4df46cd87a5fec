// SPDX-License-Identifier: Apache-2.0
#include "oci/decompress.h"

#include <zlib.h>
#include <zstd.h>
#ifdef COCO_HAVE_ISAL
#include <isa-l/igzip_lib.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif
#endif

#include <utility>
#include <vector>

#include "util/error.h"

namespace coco::oci {

std::string compression_name(Compression c) {
  switch (c) {
    case Compression::None: return "none";
    case Compression::Gzip: return "gzip";
    case Compression::Zstd: return "zstd";
  }
  return "?";
}

Compression sniff_compression(Bytes head) {
  if (head.size() >= 2 && head[0] == 0x1f && head[1] == 0x8b) return Compression::Gzip;
  if (head.size() >= 4 && head[0] == 0x28 && head[1] == 0xb5 && head[2] == 0x2f && head[3] == 0xfd)
    return Compression::Zstd;
  if (head.size() >= 4 && (head[0] & 0xf0) == 0x50 && head[1] == 0x2a && head[2] == 0x4d && head[3] == 0x18)
    return Compression::Zstd;  // skippable frame first (zstd:chunked)
  return Compression::None;
}

bool gzip_backend_available(GzipBackend b) {
#ifdef COCO_HAVE_ISAL
  (void)b;
  return true;
#else
  return b != GzipBackend::Isal;
#endif
}

std::string gzip_backend_name(GzipBackend b) {
  switch (b) {
    case GzipBackend::Zlib: return "zlib";
    case GzipBackend::Isal: return "isa-l";
    case GzipBackend::Auto: return gzip_backend_available(GzipBackend::Isal) ? "isa-l" : "zlib";
  }
  return "?";
}

#ifdef COCO_HAVE_ISAL
namespace {

// isa-l 2.30's inflate returns with the upper halves of the vector registers in use. Until a
// VZEROUPPER, legacy-SSE code on the same thread runs slower: on this machine's EPYC, OpenSSL's
// SHA-NI SHA-256 of a layer's 264 MB took 0.20 s after isa-l calls against 0.15 s without (zstd
// and zlib leave no such state). The diff_id and blob digests follow every call, so each call is
// followed by a VZEROUPPER: `image hash --jobs 1` went from 2.97 s to 2.6-2.8 s on 1 GB.
#if defined(__x86_64__)
__attribute__((target("avx"))) void zero_upper_vector_halves() { _mm256_zeroupper(); }
const bool kCpuHasAvx = [] {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx");
}();
void after_isal_call() {
  if (kCpuHasAvx) zero_upper_vector_halves();
}
#else
void after_isal_call() {}
#endif

std::string isal_error_text(int rc) {
  switch (rc) {
    case ISAL_INVALID_BLOCK: return "invalid deflate block";
    case ISAL_INVALID_SYMBOL: return "invalid deflate symbol";
    case ISAL_INVALID_LOOKBACK: return "invalid distance too far back";
    case ISAL_INCORRECT_CHECKSUM: return "incorrect data check";
    default: return "isa-l error " + std::to_string(rc);
  }
}

// The gzip member header (RFC 1952 §2.3) read the way zlib's inflate reads it, so both backends
// refuse the same bytes at the same point: magic and method+flags in pairs, reserved flags,
// FEXTRA, FNAME, FCOMMENT, and FHCRC checked (isa-l 2.30 skips that check, and reports a
// header cut short as truncated where zlib already saw a bad magic). isa-l inflates from the
// deflate data on and checks the trailer.
class GzipHeader {
 public:
  bool done() const { return step_ == Step::Done; }
  void reset() { *this = GzipHeader(); }
  // Consumes header bytes from p[0, n); returns how many. Sets `error` on a bad header.
  std::size_t feed(const std::uint8_t* p, std::size_t n, const char*& error) {
    std::size_t i = 0;
    while (i < n && step_ != Step::Done && !error) {
      switch (step_) {
        case Step::Magic:
        case Step::MethodFlags:
        case Step::ExtraLength:
        case Step::HeaderCrc:
          if (step_ != Step::HeaderCrc) crc_ = crc32(crc_, p + i, 1);
          pair_[have_++] = p[i++];
          if (have_ == 2) {
            have_ = 0;
            error = pair_done();
          }
          break;
        case Step::Fixed:
        case Step::Extra: {
          const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(left_, n - i));
          crc_ = crc32(crc_, p + i, static_cast<uInt>(take));
          i += take;
          left_ -= take;
          if (left_ == 0) next(step_ == Step::Fixed ? Step::ExtraLength : Step::Name);
          break;
        }
        case Step::Name:
        case Step::Comment: {
          const std::size_t start = i;
          while (i < n && p[i] != 0) ++i;
          const bool ended = i < n;
          if (ended) ++i;  // the NUL
          crc_ = crc32(crc_, p + start, static_cast<uInt>(i - start));
          if (ended) next(step_ == Step::Name ? Step::Comment : Step::HeaderCrc);
          break;
        }
        case Step::Done: break;
      }
    }
    return i;
  }

 private:
  enum class Step { Magic, MethodFlags, Fixed, ExtraLength, Extra, Name, Comment, HeaderCrc, Done };
  static constexpr std::uint8_t kHeaderCrc = 2, kExtra = 4, kName = 8, kComment = 16, kReserved = 0xe0;

  // Moves to `s` or the first step after it that the flags ask for.
  void next(Step s) {
    if (s == Step::ExtraLength && !(flags_ & kExtra)) s = Step::Name;
    if (s == Step::Name && !(flags_ & kName)) s = Step::Comment;
    if (s == Step::Comment && !(flags_ & kComment)) s = Step::HeaderCrc;
    if (s == Step::HeaderCrc && !(flags_ & kHeaderCrc)) s = Step::Done;
    step_ = s;
  }
  const char* pair_done() {
    const unsigned v = pair_[0] | (pair_[1] << 8);
    switch (step_) {
      case Step::Magic:
        if (v != 0x8b1f) return "incorrect header check";
        step_ = Step::MethodFlags;
        return nullptr;
      case Step::MethodFlags:
        if (pair_[0] != Z_DEFLATED) return "unknown compression method";
        flags_ = pair_[1];
        if (flags_ & kReserved) return "unknown header flags set";
        left_ = 6;  // MTIME, XFL, OS
        step_ = Step::Fixed;
        return nullptr;
      case Step::ExtraLength:
        left_ = v;
        if (left_ == 0) next(Step::Name);
        else step_ = Step::Extra;
        return nullptr;
      default:  // HeaderCrc
        if (v != (crc_ & 0xffff)) return "header crc mismatch";
        step_ = Step::Done;
        return nullptr;
    }
  }

  Step step_ = Step::Magic;
  std::uint8_t pair_[2] = {0, 0};
  std::size_t have_ = 0;
  std::uint64_t left_ = 0;
  std::uint8_t flags_ = 0;
  uLong crc_ = crc32(0, nullptr, 0);
};

}  // namespace
#endif

struct Decompressor::Impl {
#ifdef COCO_HAVE_ISAL
  std::unique_ptr<inflate_state> isal;  // ~60 KiB of tables: only for the isa-l backend
  GzipHeader header;
#endif
  z_stream z{};
  bool z_init = false;
  bool member_done = false;  // the last gzip member ended and nothing followed (yet)
  ZSTD_DStream* zs = nullptr;
  std::size_t zstd_hint = 0;  // last ZSTD_decompressStream result: 0 = at a frame boundary
  std::vector<std::uint8_t> out = std::vector<std::uint8_t>(kDecompressChunk);
  std::size_t out_fill = 0;  // bytes of `out` not handed on yet
  ~Impl() {
    if (z_init) inflateEnd(&z);
    if (zs) ZSTD_freeDStream(zs);
  }
};

Decompressor::Decompressor(Compression c, std::string name, Sink sink, std::uint64_t limit, GzipBackend backend)
    : c_(c),
      backend_(backend),
      name_(std::move(name)),
      sink_(std::move(sink)),
      limit_(limit),
      impl_(std::make_unique<Impl>()) {
  if (!gzip_backend_available(backend_)) fail(name_, "this coco was built without isa-l (libisal-dev)");
  if (backend_ == GzipBackend::Auto)
    backend_ = gzip_backend_available(GzipBackend::Isal) ? GzipBackend::Isal : GzipBackend::Zlib;
  if (c_ == Compression::Gzip && backend_ == GzipBackend::Isal) {
#ifdef COCO_HAVE_ISAL
    impl_->isal = std::make_unique<inflate_state>();
    isal_inflate_init(impl_->isal.get());
    impl_->isal->crc_flag = ISAL_GZIP_NO_HDR_VER;  // deflate data, then the trailer checked
#endif
  } else if (c_ == Compression::Gzip) {
    if (inflateInit2(&impl_->z, 16 + MAX_WBITS) != Z_OK) fail(name_, "cannot initialise zlib");
    impl_->z_init = true;
  } else if (c_ == Compression::Zstd) {
    impl_->zs = ZSTD_createDStream();
    if (!impl_->zs || ZSTD_isError(ZSTD_initDStream(impl_->zs))) fail(name_, "cannot initialise zstd");
  }
}

Decompressor::~Decompressor() = default;

// The decoder just filled `out` up to `fill`: a full buffer goes on to the sink at once.
void Decompressor::filled_to(std::size_t fill) {
  impl_->out_fill = fill;
  if (fill == impl_->out.size()) flush();
}

void Decompressor::flush() {
  const std::size_t n = std::exchange(impl_->out_fill, 0);
  emit(impl_->out.data(), n);
}

// A member's output reaches the sink before the member counts as done (gzip_members_done()).
void Decompressor::end_member() {
  flush();
  impl_->member_done = true;
  ++members_done_;
}

void Decompressor::emit(const std::uint8_t* data, std::size_t n) {
  if (n == 0) return;
  if (n > limit_ - out_bytes_)
    fail(name_, "decompressed size exceeds the limit of " + std::to_string(limit_) +
                    " bytes (a decompression bomb? raise --max-layer-size if the layer is genuine)");
  out_bytes_ += n;
  sink_(Bytes(data, n));
}

void Decompressor::update_zlib(Bytes in, std::uint64_t start) {
  Impl& m = *impl_;
  m.z.next_in = const_cast<Bytef*>(in.data());
  m.z.avail_in = static_cast<uInt>(in.size());  // callers pass chunks far below 4 GiB
  while (m.z.avail_in > 0) {
    if (m.member_done) {  // another member follows (multi-member gzip): start it
      inflateReset(&m.z);
      m.member_done = false;
    }
    m.z.next_out = m.out.data() + m.out_fill;
    m.z.avail_out = static_cast<uInt>(m.out.size() - m.out_fill);
    const int rc = inflate(&m.z, Z_NO_FLUSH);
    filled_to(m.out.size() - m.z.avail_out);
    if (rc == Z_STREAM_END) {
      end_member();
    } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
      const std::uint64_t at = start + (in.size() - m.z.avail_in);
      fail(name_, "compressed offset " + hex_number(at) + ": gzip data is corrupt (" +
                      (m.z.msg ? m.z.msg : "zlib error " + std::to_string(rc)) + ")");
    }
  }
  // inflate may still hold output for input it has consumed
  while (!m.member_done) {
    m.z.next_out = m.out.data() + m.out_fill;
    m.z.avail_out = static_cast<uInt>(m.out.size() - m.out_fill);
    const std::size_t before = m.out_fill;
    const int rc = inflate(&m.z, Z_NO_FLUSH);
    const std::size_t filled = m.out.size() - m.z.avail_out;
    filled_to(filled);
    if (rc == Z_STREAM_END) end_member();
    if (filled == before || rc != Z_OK) break;  // no progress, an error, or the member's end
  }
}

// isa-l copies input it cannot use yet into its own buffer, so every call consumes all of `in`;
// the output buffer fills until a call leaves room in it.
void Decompressor::update_isal([[maybe_unused]] Bytes in, [[maybe_unused]] std::uint64_t start) {
#ifdef COCO_HAVE_ISAL
  Impl& m = *impl_;
  inflate_state& st = *m.isal;
  st.next_in = const_cast<std::uint8_t*>(in.data());
  st.avail_in = static_cast<std::uint32_t>(in.size());  // callers pass chunks far below 4 GiB
  while (true) {
    if (m.member_done) {  // another member follows (multi-member gzip): start it
      if (st.avail_in == 0) break;
      isal_inflate_reset(&st);
      st.crc_flag = ISAL_GZIP_NO_HDR_VER;
      m.header.reset();
      m.member_done = false;
    }
    if (!m.header.done()) {
      const char* error = nullptr;
      const std::size_t used = m.header.feed(st.next_in, st.avail_in, error);
      st.next_in += used;
      st.avail_in -= static_cast<std::uint32_t>(used);
      if (error)
        fail(name_, "compressed offset " + hex_number(start + (in.size() - st.avail_in)) + ": gzip data is corrupt (" +
                        error + ")");
      if (!m.header.done()) break;  // the rest of the header is in later input
    }
    st.next_out = m.out.data() + m.out_fill;
    st.avail_out = static_cast<std::uint32_t>(m.out.size() - m.out_fill);
    const int rc = isal_inflate(&st);
    after_isal_call();
    const bool room_left = st.avail_out > 0;
    filled_to(m.out.size() - st.avail_out);
    if (rc != ISAL_DECOMP_OK && rc != ISAL_END_INPUT && rc != ISAL_OUT_OVERFLOW) {
      const std::uint64_t at = start + (in.size() - st.avail_in);
      fail(name_, "compressed offset " + hex_number(at) + ": gzip data is corrupt (" + isal_error_text(rc) + ")");
    }
    if (st.block_state == ISAL_BLOCK_FINISH) {
      end_member();
      continue;
    }
    if (st.avail_in == 0 && room_left) break;  // input used up and output drained
  }
#endif
}

void Decompressor::update(Bytes in) {
  const std::uint64_t start = in_bytes_;
  in_bytes_ += in.size();
  if (c_ == Compression::None) {
    emit(in.data(), in.size());
    return;
  }
  if (c_ == Compression::Gzip) {
    if (backend_ == GzipBackend::Isal) update_isal(in, start);
    else update_zlib(in, start);
    return;
  }
  Impl& m = *impl_;
  ZSTD_inBuffer ib{in.data(), in.size(), 0};
  while (true) {
    ZSTD_outBuffer ob{m.out.data(), m.out.size(), m.out_fill};
    m.zstd_hint = ZSTD_decompressStream(m.zs, &ob, &ib);
    if (ZSTD_isError(m.zstd_hint))
      fail(name_, "compressed offset " + hex_number(start + ib.pos) + ": zstd data is corrupt (" +
                      ZSTD_getErrorName(m.zstd_hint) + ")");
    const bool room_left = ob.pos < ob.size;
    filled_to(ob.pos);
    if (ib.pos == ib.size && room_left) break;  // input used up and output drained
  }
}

void Decompressor::finish() {
  if (c_ == Compression::Gzip && !impl_->member_done)
    fail(name_, "gzip stream is truncated after " + std::to_string(in_bytes_) + " compressed bytes");
  if (c_ == Compression::Zstd && impl_->zstd_hint != 0)
    fail(name_, "zstd stream is truncated after " + std::to_string(in_bytes_) + " compressed bytes");
  flush();
}

}  // namespace coco::oci
