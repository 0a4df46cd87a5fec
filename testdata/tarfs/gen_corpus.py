#!/usr/bin/env python3
"""Writes the tarfs edge-case corpus: gzip layers whose tarfs dm-verity roots (--verity tarfs and
tarfs-aks) are compared with the roots the node's own indexer produced (expected.tsv, README.md).

Every header is crafted byte by byte here (no tarfile module), so each quirk is exactly what the
case name says. The output is deterministic: gzip with mtime 0 and no file name, fixed seeds.

    python3 testdata/tarfs/gen_corpus.py testdata/tarfs/corpus
"""
import gzip
import os
import random
import sys

BLOCK = 512


def octal(value, width):
    """A NUL-terminated zero-padded octal field of `width` bytes."""
    text = ("%0*o" % (width - 1, value)).encode()
    assert len(text) == width - 1, (value, width)
    return text + b"\0"


def base256(value, width):
    """GNU base-256: high bit of the first byte set, big-endian value."""
    out = bytearray(value.to_bytes(width, "big"))
    out[0] |= 0x80
    return bytes(out)


def field(value, width):
    if isinstance(value, int):
        return octal(value, width)
    value = value.encode() if isinstance(value, str) else value
    assert len(value) <= width, (value, width)
    return value + b"\0" * (width - len(value))


def header(name, typ=b"0", size=0, mode=0o644, uid=0, gid=0, mtime=1700000000, link=b"",
           magic=b"ustar\0", version=b"00", prefix=b"", major=None, minor=None, chksum=None,
           raw=None):
    """One 512-byte header. Any numeric argument may be bytes (written raw into the field)."""
    h = bytearray(BLOCK)

    def put(off, width, value):
        h[off:off + width] = field(value, width)

    put(0, 100, name)
    put(100, 8, mode)
    put(108, 8, uid)
    put(116, 8, gid)
    put(124, 12, size)
    put(136, 12, mtime)
    h[156:157] = typ if isinstance(typ, bytes) else typ.encode()
    put(157, 100, link)
    h[257:263] = magic
    h[263:265] = version
    put(265, 32, "root")
    put(297, 32, "root")
    if major is not None:
        put(329, 8, major)
    if minor is not None:
        put(337, 8, minor)
    put(345, 155, prefix)
    for off, value in (raw or {}).items():
        h[off:off + len(value)] = value
    h[148:156] = b" " * 8
    if chksum is None:
        h[148:156] = ("%06o" % sum(h)).encode() + b"\0 "
    elif chksum == "signed":  # the historic signed-char sum, which some readers also accept
        h[148:156] = ("%06o" % sum(b - 256 if b > 127 else b for b in h)).encode() + b"\0 "
    elif chksum == "spaces":  # right-aligned with leading spaces, as some writers do
        h[148:156] = ("%7o" % sum(h)).encode() + b"\0"
    else:
        h[148:156] = chksum
    return bytes(h)


def pad(data):
    return data + b"\0" * (-len(data) % BLOCK)


class Tar:
    def __init__(self):
        self.out = b""

    def raw(self, data):
        self.out += data
        return self

    def add(self, name, typ=b"0", data=b"", size=None, **kw):
        data = data.encode() if isinstance(data, str) else data
        self.out += header(name, typ, len(data) if size is None else size, **kw) + pad(data)
        return self

    def file(self, name, data=b"x", **kw):
        return self.add(name, b"0", data, **kw)

    def dir(self, name, **kw):
        return self.add(name, b"5", mode=kw.pop("mode", 0o755), **kw)

    def sym(self, name, target, **kw):
        return self.add(name, b"2", link=target, mode=0o777, **kw)

    def hard(self, name, target, **kw):
        return self.add(name, b"1", link=target, **kw)

    def pax(self, records, typ=b"x", name="PaxHeaders/x", **kw):
        """records: list of (key, value) or raw bytes lines."""
        body = b""
        for r in records:
            if isinstance(r, bytes):
                body += r
                continue
            k, v = (x.encode() if isinstance(x, str) else x for x in r)
            rest = b" " + k + b"=" + v + b"\n"
            n = len(rest) + 1
            while len(str(n)) + len(rest) != n:
                n = len(str(n)) + len(rest)
            body += str(n).encode() + rest
        return self.add(name, typ, body, **kw)

    def gnu_long(self, typ, value, **kw):
        kw.setdefault("magic", b"ustar ")
        kw.setdefault("version", b" \0")
        return self.add("././@LongLink", typ, value, **kw)

    def end(self):
        self.out += b"\0" * (2 * BLOCK)
        return self


def gz(data):
    return gzip.compress(data, compresslevel=6, mtime=0)


CASES = {}


def case(name):
    def register(fn):
        assert name not in CASES
        CASES[name] = fn
        return fn
    return register


def simple(name, build):
    """A case whose body is one Tar chain."""
    CASES[name] = lambda: gz(build(Tar()).end().out)


# --- ordinary layers ---------------------------------------------------------------------------
simple("plain-files", lambda t: t.dir("./").dir("etc/").file("etc/passwd", "root:x:0:0::/root:/bin/sh\n")
       .file("etc/hosts", "127.0.0.1 localhost\n").dir("usr/").dir("usr/bin/").file("usr/bin/sh", b"\x7fELF" * 300))
simple("implicit-parents", lambda t: t.file("a/b/c/d", "deep").file("a/x", "x"))
simple("empty-tar", lambda t: t)
simple("root-dir-entry-mode", lambda t: t.dir("./", mode=0o700, uid=5, gid=6).file("f"))
simple("root-dir-dot", lambda t: t.dir(".", mode=0o711).file("./g", "g"))
simple("short-symlink", lambda t: t.file("target", "t").sym("link", "target").sym("abs", "/etc/passwd"))
simple("fifo-and-devices", lambda t: t.add("p", b"6").add("c", b"3", major=1, minor=3)
       .add("b", b"4", major=8, minor=1).add("big", b"3", major=4095, minor=1048575))
simple("setuid-sticky-dropped", lambda t: t.file("su", mode=0o4755).dir("tmp/", mode=0o1777).file("sg", mode=0o2755))
simple("mtime-high-bits", lambda t: t.file("f", mtime=base256(0x7_1234_5678, 12)).file("g", mtime=0o77777777777))
simple("mtime-base256-huge", lambda t: t.file("f", mtime=base256(0xFFFF_FFFF_FFFF, 12)))
simple("file-data-offsets", lambda t: t.file("a", "A" * 700).file("b", "").file("c", "C" * 512).file("d", "D" * 1025))
simple("duplicate-file-then-dir", lambda t: t.file("x", "1").dir("x/").file("x/y", "2"))
simple("duplicate-dir-then-file", lambda t: t.dir("x/").file("x/y", "2").file("x", "1"))
simple("file-with-children", lambda t: t.file("f", "1").file("f/child", "2"))
simple("names-sorted-bytewise", lambda t: t.file("b").file("B").file("a").file("\xe9").file("_").file("A0"))
simple("trailing-garbage-after-end", lambda t: t.file("a").end().raw(b"garbage" * 100))
simple("no-end-marker", lambda t: t.file("a", "data"))

# --- whiteouts and opaque markers ----------------------------------------------------------------
simple("whiteout-file", lambda t: t.file("a").file(".wh.a").file("d/.wh.gone"))
simple("whiteout-dir-with-children", lambda t: t.dir("d/").file("d/x").file("d/y").file(".wh.d"))
simple("whiteout-before-file", lambda t: t.file(".wh.a").file("a", "back"))
simple("whiteout-empty-name", lambda t: t.file(".wh.").file("d/.wh."))
simple("opaque-after-dir", lambda t: t.dir("d/").file("d/.wh..wh..opq").file("d/x"))
simple("opaque-before-dir", lambda t: t.file("d/.wh..wh..opq").dir("d/").file("d/x"))
simple("opaque-root", lambda t: t.file(".wh..wh..opq").file("x"))
simple("opaque-before-file-same-name", lambda t: t.file("d/.wh..wh..opq").file("d", "now a file"))
simple("whiteout-of-hardlink-name", lambda t: t.file("a", "data").hard(".wh.b", "a").file("b"))
simple("whiteout-dir-entry", lambda t: t.dir(".wh.d/").file("d/x"))
simple("whiteout-symlink-short", lambda t: t.sym(".wh.s", "target").file("s"))

# --- symlinks with long targets (upstream skips them; AKS keeps them) ----------------------------
LONG = "/very/long/target/" + "x" * 120
LONG2 = "/another/long/target/" + "y" * 140
simple("long-symlink-gnu", lambda t: t.gnu_long(b"K", LONG + "\0").sym("l", LONG[:99]))
simple("long-symlink-pax", lambda t: t.pax([("linkpath", LONG)]).sym("l", LONG[:99]))
simple("pax-linkpath-equal-header", lambda t: t.pax([("linkpath", "short")]).sym("l", "short"))
simple("pax-linkpath-differs-short", lambda t: t.pax([("linkpath", "other")]).sym("l", "short"))
simple("pax-linkpath-empty", lambda t: t.pax([("linkpath", "")]).sym("l", "short"))
simple("pax-linkpath-header-empty", lambda t: t.pax([("linkpath", "tgt")]).sym("l", ""))
simple("symlink-no-target", lambda t: t.sym("l", "").file("f"))
simple("long-symlinks-tar-vs-inode-order", lambda t: t.pax([("linkpath", LONG)]).sym("z/l", "")
       .pax([("linkpath", LONG2)]).sym("a", "").file("m"))
simple("long-symlinks-three", lambda t: t.pax([("linkpath", LONG2)]).sym("c", "")
       .pax([("linkpath", LONG)]).sym("b/x", "").pax([("linkpath", LONG + "zz")]).sym("a", ""))
simple("long-symlink-whiteout-name", lambda t: t.file("s").pax([("linkpath", LONG)]).sym(".wh.s", ""))
simple("long-symlink-replaced-by-file", lambda t: t.pax([("linkpath", LONG)]).sym("s", "").file("s", "f"))
simple("long-symlink-under-whiteout-dir", lambda t: t.pax([("linkpath", LONG)]).sym("d/s", "").file(".wh.d"))
simple("long-symlink-hardlinked", lambda t: t.pax([("linkpath", LONG)]).sym("s", "").hard("h", "s"))
simple("long-symlink-opaque-name", lambda t: t.dir("d/").pax([("linkpath", LONG)]).sym("d/.wh..wh..opq", ""))
simple("long-symlink-and-short", lambda t: t.sym("a", "short").pax([("linkpath", LONG)]).sym("b", "").sym("c", "s2"))

# --- hard links ----------------------------------------------------------------------------------
simple("hardlink-basic", lambda t: t.file("a", "data").hard("b", "a").hard("d/c", "./a"))
simple("hardlink-dangling", lambda t: t.hard("b", "missing").file("c"))
simple("hardlink-dangling-deep", lambda t: t.hard("b", "x/y/z").file("c"))
simple("hardlink-to-dir", lambda t: t.dir("d/").hard("h", "d"))
simple("hardlink-to-symlink", lambda t: t.sym("s", "a").hard("h", "s"))
simple("hardlink-to-device", lambda t: t.add("c", b"3", major=1, minor=3).hard("h", "c"))
simple("hardlink-target-escapes", lambda t: t.file("a").hard("h", "../a"))
simple("hardlink-name-escapes", lambda t: t.file("a").hard("../h", "a"))
simple("hardlink-replaces-root", lambda t: t.file("a", "root file").hard("./", "a"))
simple("hardlink-replaces-root-then-file", lambda t: t.file("a", "r").hard(".", "a").file("b"))
simple("hardlink-over-dir", lambda t: t.file("a").dir("d/").file("d/x").hard("d", "a"))
simple("hardlinked-file-becomes-dir", lambda t: t.file("a", "data").hard("b", "a").dir("a/").file("a/x", "1"))
simple("hardlinked-file-becomes-dir-nested", lambda t: t.file("p/a", "data").hard("q/b", "p/a").dir("p/a/")
       .file("p/a/x").dir("p/a/sub/").file("p/a/sub/y"))
simple("hardlink-then-target-rewritten", lambda t: t.file("a", "old").hard("b", "a").file("a", "newer data"))
simple("hardlink-chain", lambda t: t.file("a").hard("b", "a").hard("c", "b"))
simple("hardlink-no-linkname", lambda t: t.file("a").hard("b", ""))
simple("hardlink-bad-mode", lambda t: t.file("a").hard("b", "a", mode=b"zzz\0"))
simple("hardlink-gnu-longlink", lambda t: t.gnu_long(b"L", "a" * 120 + "\0").file("a" * 99).gnu_long(b"K", "a" * 120 + "\0").hard("h", "a" * 99))

# --- names -------------------------------------------------------------------------------------
simple("name-escapes-root", lambda t: t.file("../x").file("a/../../y").file("ok"))
simple("name-dotdot-inside", lambda t: t.file("a/b/../c").file("./d/./e"))
simple("name-double-slashes", lambda t: t.file("a//b///c").dir("//d//"))
simple("ustar-prefix", lambda t: t.file("name", prefix="some/prefix").file("n2", prefix="p/"))
simple("gnu-magic-prefix-ignored", lambda t: t.file("name", magic=b"ustar ", version=b" \0", prefix="pre"))
simple("ustar-magic-bad-version", lambda t: t.file("name", magic=b"ustar\0", version=b"  ", prefix="pre"))
simple("v7-header-prefix-ignored", lambda t: t.file("name", magic=b"\0" * 6, version=b"\0\0", prefix="pre"))
simple("ustar-backslash-name", lambda t: t.file("a\\b").file("c\\d", prefix="p"))
simple("gnu-longname", lambda t: t.gnu_long(b"L", "long/" + "n" * 150 + "\0").file("trunc"))
simple("gnu-longname-no-nul", lambda t: t.gnu_long(b"L", "long/" + "m" * 150).file("trunc"))
simple("gnu-longname-two-nuls", lambda t: t.gnu_long(b"L", "ln" + "\0\0").file("trunc"))
simple("gnu-longname-vs-pax-path", lambda t: t.gnu_long(b"L", "from-gnu\0").pax([("path", "from-pax")]).file("hdr"))
simple("pax-path-vs-gnu-longname", lambda t: t.pax([("path", "from-pax")]).gnu_long(b"L", "from-gnu\0").file("hdr"))
simple("gnu-longname-ustar-magic", lambda t: t.gnu_long(b"L", "via-ustar\0", magic=b"ustar\0", version=b"00").file("h"))
simple("gnu-longname-v7-magic", lambda t: t.gnu_long(b"L", "via-v7\0", magic=b"\0" * 6, version=b"\0\0").file("h"))
simple("pax-path", lambda t: t.pax([("path", "pax/path/" + "p" * 120)]).file("short"))
simple("pax-path-twice-first-wins", lambda t: t.pax([("path", "first"), ("path", "second")]).file("hdr"))
simple("pax-v7-magic-not-applied", lambda t: t.pax([("path", "pax")], magic=b"\0" * 6, version=b"\0\0").file("hdr"))
simple("pax-global-header", lambda t: t.pax([("path", "glob")], typ=b"g").file("hdr"))
simple("pax-then-global", lambda t: t.pax([("path", "p1")]).pax([("path", "g")], typ=b"g").file("hdr"))
simple("name-with-nul-in-longname", lambda t: t.gnu_long(b"L", "a\0b\0").file("h"))

# --- PAX record parsing --------------------------------------------------------------------------
simple("pax-newline-in-value", lambda t: t.pax([("path", "a\nb")]).file("hdr"))
simple("pax-newline-value-then-size", lambda t: t.pax([("path", "x\ny"), ("size", "3")]).file("hdr", "abc", size=0))
simple("pax-bad-length", lambda t: t.pax([b"99 path=wrong\n", ("path", "good")]).file("hdr"))
simple("pax-bad-length-then-size", lambda t: t.pax([b"99 path=wrong\n", ("size", "4")]).file("hdr", "abcd", size=0)
       .file("next"))
simple("pax-no-equals", lambda t: t.pax([b"12 pathfoo\n", ("path", "good")]).file("hdr"))
simple("pax-plus-length", lambda t: t.pax([b"+14 path=plus\n"]).file("hdr"))
simple("pax-empty-line-stops", lambda t: t.pax([b"\n", ("path", "unseen")]).file("hdr"))
simple("pax-no-trailing-newline", lambda t: t.pax([b"13 path=last"]).file("hdr"))
simple("pax-nonutf8-key", lambda t: t.pax([b"11 \xffath=x\n", ("path", "good")]).file("hdr"))
simple("pax-uid-gid-large", lambda t: t.pax([("uid", "3000000000"), ("gid", "70000")]).file("f", uid=1, gid=2))
simple("pax-uid-only", lambda t: t.pax([("uid", "123456")]).file("f", uid=0o7777777))
simple("pax-mtime", lambda t: t.pax([("mtime", "1234567890.5")]).file("f", mtime=99))
simple("pax-size-header-zero", lambda t: t.pax([("size", "5")]).file("f", "hello", size=0).file("g"))
simple("pax-size-header-nonzero", lambda t: t.pax([("size", "5")]).file("f", "hi", size=2).file("g"))
simple("pax-size-header-larger", lambda t: t.pax([("size", "2")]).file("f", "hello", size=5).file("g"))
simple("pax-size-plus", lambda t: t.pax([("size", "+3")]).file("f", "abc", size=0))
simple("pax-size-bad-ignored", lambda t: t.pax([("size", "3x")]).file("f", "", size=0).file("g"))
simple("pax-size-applies-to-longname", lambda t: t.pax([("size", "6")]).gnu_long(b"L", b"", size=0)
       .raw(b"named\0" + b"\0" * 506).file("h", "", size=0))
simple("pax-size-on-dir", lambda t: t.pax([("size", "600")]).add("d/", b"5", b"z" * 600, size=0, mode=0o755).file("d/x"))
simple("pax-size-on-symlink", lambda t: t.pax([("size", "10")]).add("s", b"2", b"0123456789", size=0, link="tgt")
       .file("f"))

# --- numeric fields ------------------------------------------------------------------------------
simple("mode-empty", lambda t: t.file("f", mode=b"\0" * 8).file("g"))
simple("mode-spaces", lambda t: t.file("f", mode=b"  644   ").file("g", mode=b"0000755 "))
simple("mode-plus", lambda t: t.file("f", mode=b"+755\0"))
simple("mode-garbage", lambda t: t.file("f", mode=b"07x5\0").file("g"))
simple("mode-nonutf8", lambda t: t.file("f", mode=b"\xff\xfe\0").file("g"))
simple("mode-base256", lambda t: t.file("f", mode=base256(0o755, 8)).file("g"))
simple("mode-tab-newline", lambda t: t.file("f", mode=b"\t755\n\0"))
simple("mode-on-dir-empty", lambda t: t.dir("d/", mode=b"\0" * 8).file("d/x"))
simple("mode-wide", lambda t: t.file("f", mode=b"77777777"))
simple("uid-garbage", lambda t: t.file("f", uid=b"abc\0", gid=b"\xff\0"))
simple("uid-empty", lambda t: t.file("f", uid=b"\0" * 8, gid=b" " * 8))
simple("uid-base256", lambda t: t.file("f", uid=base256(0x7fffffff, 8), gid=base256(0x1_0000_0005, 8)))
simple("mtime-garbage", lambda t: t.file("f", mtime=b"notanumber\0"))
simple("size-garbage", lambda t: t.file("a").file("f", mode=0o644, size=b"12x\0"))
simple("size-empty", lambda t: t.file("a").file("f", size=b"\0" * 12))
simple("size-base256", lambda t: t.file("f", "0123456789", size=base256(10, 12)).file("g"))
simple("size-spaces", lambda t: t.file("f", "abc", size=b"  3  \0"))
simple("device-empty-major", lambda t: t.add("c", b"3", major=b"\0" * 8, minor=3).file("f"))
simple("device-garbage-minor", lambda t: t.add("b", b"4", major=8, minor=b"zz\0").file("f"))
simple("device-v7-header", lambda t: t.add("c", b"3", magic=b"\0" * 6, version=b"\0\0", major=1, minor=3).file("f"))
simple("device-gnu-header", lambda t: t.add("c", b"3", magic=b"ustar ", version=b" \0", major=1, minor=3))
simple("checksum-mismatch", lambda t: t.file("a").file("b", chksum=b"0000001\0"))
simple("checksum-signed-only", lambda t: t.file("\xe9\xe9\xe9", chksum="signed").file("ok"))
simple("checksum-spaces", lambda t: t.file("a", chksum=None))

# --- entry types and structure -------------------------------------------------------------------
simple("dir-with-size", lambda t: t.add("d/", b"5", b"dirdata" * 100, mode=0o755).file("d/x"))
simple("fifo-with-size", lambda t: t.add("p", b"6", b"fifo" * 200).file("after"))
simple("symlink-with-size", lambda t: t.add("s", b"2", b"sym" * 200, link="t").file("after"))
simple("hardlink-with-size", lambda t: t.file("a").add("h", b"1", b"h" * 600, link="a").file("after"))
simple("device-with-size", lambda t: t.add("c", b"3", b"d" * 513, major=1, minor=2).file("after"))
simple("contiguous-type", lambda t: t.add("c7", b"7", "contig").file("after"))
simple("unknown-type", lambda t: t.add("z", b"Z", "zz").add("v", b"V", "").file("after"))
simple("nul-typeflag", lambda t: t.add("n", b"\0", "nul type"))
simple("two-pax-headers", lambda t: t.pax([("path", "a")]).pax([("path", "b")]).file("f"))
simple("two-longnames", lambda t: t.gnu_long(b"L", "a\0").gnu_long(b"L", "b\0").file("f"))
simple("pax-at-end", lambda t: t.file("a").pax([("path", "dangling")]))
simple("truncated-data", lambda t: t.file("a").raw(header("big", b"0", 5000)).raw(b"x" * 1024))
simple("truncated-header", lambda t: t.file("a").raw(b"\x41" * 100))
simple("zero-block-then-more", lambda t: t.file("a").raw(b"\0" * 512).file("hidden"))
simple("longlink-on-file", lambda t: t.gnu_long(b"K", "ignored-target\0").file("f"))
simple("pax-linkpath-on-hardlink", lambda t: t.file("real").pax([("linkpath", "real")]).hard("h", "wrong"))

simple("hardlinked-dir-with-long-symlink", lambda t: t.file("a", "data").hard("b", "a").dir("a/")
       .pax([("linkpath", LONG)]).sym("a/s", "").file("a/f").sym("a/t", "short"))
simple("hardlinked-dirs-two-levels", lambda t: t.file("p").hard("q", "p").dir("p/").file("p/r").hard("p/s", "p/r")
       .dir("p/r/").file("p/r/leaf"))
simple("hardlink-target-whited-out", lambda t: t.file("a", "data").hard("h", "a").file(".wh.a"))
simple("hardlink-into-whited-out-dir", lambda t: t.dir("d/").file("d/x").hard("h", "d/x").file(".wh.d"))
simple("hardlink-named-opaque-marker", lambda t: t.file("x").hard("d/.wh..wh..opq", "x").file("d/y"))
simple("pax-path-escapes", lambda t: t.pax([("path", "../../etc/x")]).file("hdr").file("ok"))
simple("gnu-longlink-equal-header", lambda t: t.gnu_long(b"K", "same\0").sym("s", "same"))
simple("symlink-target-100-no-nul", lambda t: t.sym("s", "t" * 100).sym("r", "u" * 99))
simple("name-100-no-nul", lambda t: t.file("n" * 100).file("m" * 99))
simple("prefix-155-no-nul", lambda t: t.file("name", prefix="p" * 155))
simple("uid-8-digits-no-nul", lambda t: t.file("f", uid=b"12345670", gid=b"77777777"))
simple("mtime-base256-negative", lambda t: t.file("f", mtime=b"\xff" * 12))
simple("pax-size-huge", lambda t: t.pax([("size", "99999999999")]).file("f", "", size=0))
simple("checksum-leading-spaces", lambda t: t.file("a", chksum="spaces").file("b"))
simple("whiteout-then-hardlink-same-name", lambda t: t.file("a").file(".wh.b").hard("b", "a"))
simple("dir-replaces-hardlinked-root", lambda t: t.file("a").hard("./", "a").dir("./", mode=0o700).file("c"))
simple("opaque-on-implicit-then-file-child", lambda t: t.file("d/.wh..wh..opq").file("d/e"))
simple("device-major-minor-wide", lambda t: t.add("c", b"3", major=b"77777777", minor=b"7777777\0"))


# --- multi-member gzip and non-gzip blobs --------------------------------------------------------
@case("multi-member-gzip")
def _multi():
    first = Tar().file("a", "first member").out
    second = Tar().file("b", "second member").end().out
    return gz(first) + gz(second)


@case("multi-member-gzip-split-header")
def _multi_split():
    whole = Tar().file("a", "x" * 700).file("b", "y").end().out
    return gz(whole[:800]) + gz(whole[800:])


@case("multi-member-gzip-first-complete")
def _multi_complete():
    return gz(Tar().file("a").end().out) + gz(Tar().file("b").end().out)


@case("gzip-empty-member")
def _gzip_empty():
    return gz(b"")


@case("not-gzip")
def _not_gzip():
    return Tar().file("a").end().out


@case("gzip-header-name-and-extra")
def _gzip_fname():
    body = gz(Tar().file("a", "named").end().out)
    # FLG = FEXTRA | FNAME: add a 4-byte extra field and a file name after the 10-byte header.
    return body[:3] + bytes([0x04 | 0x08]) + body[4:10] + b"\x04\x00ABCD" + b"layer.tar\0" + body[10:]


# --- seeded mixtures -----------------------------------------------------------------------------
NAMES = ["a", "b", "c", "d/e", "d/f", "d/g/h", "x/y", "z"]


def mixture(seed):
    rnd = random.Random(seed)
    t = Tar()
    files = []
    for i in range(rnd.randint(4, 18)):
        name = rnd.choice(NAMES)
        op = rnd.choice(["file", "file", "dir", "sym", "longsym", "hard", "wh", "opq", "pax", "dev"])
        if op == "file":
            t.file(name, rnd.choice(["", "s", "m" * 600]), uid=rnd.randint(0, 70000), mtime=rnd.randint(0, (1 << 33) - 1))
            files.append(name)
        elif op == "dir":
            t.dir(name + "/", mode=rnd.choice([0o755, 0o700]))
        elif op == "sym":
            t.sym(name, rnd.choice(NAMES))
        elif op == "longsym":
            t.pax([("linkpath", "/t/" + str(i) + "q" * rnd.randint(100, 200))]).sym(name, "")
        elif op == "hard":
            # A hard link always at the top level: its target is never the root, so no cycle.
            t.hard("h%d" % i, rnd.choice(files) if files and rnd.random() < 0.8 else rnd.choice(NAMES))
        elif op == "wh":
            parts = name.split("/")
            t.file("/".join(parts[:-1] + [".wh." + parts[-1]]))
        elif op == "opq":
            parent = name.rsplit("/", 1)[0] if "/" in name else ""
            t.file((parent + "/" if parent else "") + ".wh..wh..opq")
        elif op == "pax":
            t.pax([("uid", str(rnd.randint(0, 1 << 32))), ("path", name)]).file("ignored", "p")
        else:
            t.add(name, rnd.choice([b"3", b"4", b"6"]), major=rnd.randint(0, 300), minor=rnd.randint(0, 300))
    return gz(t.end().out)


for _seed in range(40):
    CASES["mix-%02d" % _seed] = (lambda s: lambda: mixture(s))(_seed)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus")
    os.makedirs(out, exist_ok=True)
    for name, fn in sorted(CASES.items()):
        with open(os.path.join(out, name + ".tar.gz"), "wb") as f:
            f.write(fn())
    print("%d layers in %s" % (len(CASES), out))


if __name__ == "__main__":
    main()
