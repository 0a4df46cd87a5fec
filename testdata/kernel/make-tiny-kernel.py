#!/usr/bin/env python3
"""Writes tiny-vmlinuz: a synthetic 8 KiB stand-in for an x86-64 EFI-stub bzImage, with exactly the
structure the measurement commands read and no code:

- a PE32+ image (MZ stub, e_lfanew = 0x40, COFF header for x86-64, optional header with 16 data
  directories, two sections .setup and .text) as EDK2 loads and Authenticode-hashes it
  (`coco tdx authenticode`, RTMR1 in `coco measure tdx`);
- the Linux boot protocol setup header at 0x1f1 ("HdrS" at 0x202, protocol 2.15, LOADED_HIGH,
  XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G), which QEMU rewrites before measuring the kernel
  (`--kernel-header qemu-rewrite`) and which `measure snp --kernel` hashes as any file.

The section bytes are a fixed pattern, so the file is the same on every run.
Run from anywhere: python3 testdata/kernel/make-tiny-kernel.py [OUT]
"""
import os
import struct
import sys

FILE_SIZE = 0x2000
HEADERS = 0x400  # SizeOfHeaders: the PE headers and the setup header both sit in the first 1 KiB
LFANEW = 0x40
SECTIONS = [(b".setup", 0x400, 0x400), (b".text", 0x800, 0x1800)]  # name, file offset, size


def put(buf, offset, fmt, *values):
    struct.pack_into("<" + fmt, buf, offset, *values)


def build():
    b = bytearray(FILE_SIZE)
    b[0:2] = b"MZ"
    put(b, 0x3C, "I", LFANEW)
    put(b, LFANEW, "I", 0x00004550)  # "PE\0\0"
    coff = LFANEW + 4
    optional_size = 112 + 16 * 8
    put(b, coff, "HHIIIHH", 0x8664, len(SECTIONS), 0, 0, 0, optional_size, 0x0206)
    opt = coff + 20
    put(b, opt, "HBB", 0x20B, 2, 20)             # PE32+ magic, linker version
    put(b, opt + 4, "III", 0x1800, 0, 0)          # SizeOfCode, initialised, uninitialised data
    put(b, opt + 16, "II", 0x800, 0x800)          # AddressOfEntryPoint, BaseOfCode
    put(b, opt + 24, "Q", 0)                      # ImageBase
    put(b, opt + 32, "II", 0x200, 0x200)          # SectionAlignment, FileAlignment
    put(b, opt + 56, "II", FILE_SIZE, HEADERS)    # SizeOfImage, SizeOfHeaders
    put(b, opt + 64, "I", 0)                      # CheckSum (excluded from the Authenticode hash)
    put(b, opt + 68, "HH", 10, 0)                 # Subsystem: EFI application
    put(b, opt + 108, "I", 16)                    # NumberOfRvaAndSizes (all zero: no certificate)
    table = opt + optional_size
    for i, (name, offset, size) in enumerate(SECTIONS):
        e = table + 40 * i
        b[e:e + 8] = name.ljust(8, b"\0")
        put(b, e + 8, "IIII", size, offset, size, offset)  # VirtualSize, VirtualAddress, raw size, raw offset
        put(b, e + 36, "I", 0x60000020)                    # code, execute, read
    assert table + 40 * len(SECTIONS) <= 0x1F1, "the PE headers must end before the setup header"
    # Linux boot protocol setup header (Documentation/arch/x86/boot.rst).
    b[0x1F1] = 1                                  # setup_sects: 1 sector after the boot sector
    put(b, 0x1F4, "I", (FILE_SIZE - 0x400) // 16)  # syssize, in 16-byte paragraphs
    put(b, 0x1FE, "H", 0xAA55)                    # boot_flag
    put(b, 0x202, "I", 0x53726448)                # "HdrS"
    put(b, 0x206, "H", 0x020F)                    # protocol 2.15
    b[0x211] = 0x01                               # loadflags: LOADED_HIGH
    put(b, 0x22C, "I", 0x7FFFFFFF)                # initrd_addr_max
    put(b, 0x230, "I", 0x200000)                  # kernel_alignment
    b[0x234] = 1                                  # relocatable_kernel
    put(b, 0x236, "H", 0x0003)                    # xloadflags: XLF_KERNEL_64, CAN_BE_LOADED_ABOVE_4G
    put(b, 0x238, "I", 2048)                      # cmdline_size
    put(b, 0x260, "I", 0x100000)                  # init_size
    for i in range(HEADERS, FILE_SIZE):
        b[i] = (i * 13 + 5) & 0xFF
    return bytes(b)


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                             "tiny-vmlinuz")
    with open(out, "wb") as f:
        f.write(build())
