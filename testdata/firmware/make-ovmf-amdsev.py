#!/usr/bin/env python3
"""Writes ovmf-amdsev-4k.bin: a synthetic 4 KiB stand-in for the top of an OVMF AmdSev build, with
exactly the tables `coco measure snp` reads there and nothing else (no code):

- the OVMF footer GUID table that ends 32 bytes before the end of the image (its 18-byte trailer
  {u16 table size, footer GUID} last; each entry is {data, u16 entry size, GUID}, read backwards):
  the SEV-ES reset block (u32 AP reset EIP), the SEV metadata offset (u32, counted from the end
  of the image), the SEV hash table block (u32 GPA, u32 size: where QEMU puts the kernel-hashes
  table) and the SEV secret block (u32 GPA, u32 size);
- the SEV metadata "ASEV" {u32 signature, u32 size, u32 version = 1, u32 count} followed by
  {u32 GPA, u32 size, u32 type} per section: the layout of an AmdSev build (pre-validated
  memory, secrets page, CPUID page, SVSM calling area, kernel-hashes page).

The image maps just below 4 GiB, as QEMU maps the firmware. README's `measure snp --kernel`
example uses it: Debian's own OVMF builds have no kernel-hashes section.
Run from anywhere: python3 testdata/firmware/make-ovmf-amdsev.py [OUT]
"""
import os
import struct
import sys
import uuid

SIZE = 4096
FOOTER_TABLE = "96b582de-1fb2-45f7-baea-a366c55a082d"
SEV_ES_RESET_BLOCK = "00f771de-1a7e-4fcb-890e-68c77e2fb44e"
SEV_METADATA = "dc886566-984a-4798-a75e-5585a7bf67cc"
SEV_HASH_TABLE_BLOCK = "7255371f-3a3b-4b04-927b-1da6efa8d454"
SEV_SECRET_BLOCK = "4c2eb361-7d9b-4cc3-8081-127c90d3d294"

# SEV metadata section types (OVMF's OvmfPkg/ResetVector, SEV-SNP firmware ABI).
SNP_SEC_MEM, SNP_SECRETS, CPUID, SVSM_CAA, SNP_KERNEL_HASHES = 1, 2, 3, 4, 0x10
SECTIONS = [
    (0x800000, 0x9000, SNP_SEC_MEM),
    (0x80A000, 0x3000, SNP_SEC_MEM),
    (0x80D000, 0x1000, SNP_SECRETS),
    (0x80E000, 0x1000, CPUID),
    (0x80F000, 0x1000, SVSM_CAA),
    (0x810000, 0x1000, SNP_KERNEL_HASHES),
    (0x811000, 0xF000, SNP_SEC_MEM),
]
AP_RESET_EIP = 0x80B004
HASH_TABLE = (0x810C00, 0x400)
SECRETS = (0x80D000, 0x1000)
METADATA_OFFSET = 0x800  # where the ASEV block sits in the image


def guid(text):
    return uuid.UUID(text).bytes_le  # EFI GUIDs: the first three fields little-endian


def entry(data, guid_text):
    return data + struct.pack("<H", len(data) + 18) + guid(guid_text)


def build():
    image = bytearray(SIZE)
    metadata = b"ASEV" + struct.pack("<III", 16 + 12 * len(SECTIONS), 1, len(SECTIONS))
    metadata += b"".join(struct.pack("<III", *s) for s in SECTIONS)
    image[METADATA_OFFSET:METADATA_OFFSET + len(metadata)] = metadata
    entries = (entry(struct.pack("<I", AP_RESET_EIP), SEV_ES_RESET_BLOCK)
               + entry(struct.pack("<I", SIZE - METADATA_OFFSET), SEV_METADATA)
               + entry(struct.pack("<II", *HASH_TABLE), SEV_HASH_TABLE_BLOCK)
               + entry(struct.pack("<II", *SECRETS), SEV_SECRET_BLOCK))
    table = entries + struct.pack("<H", len(entries) + 18) + guid(FOOTER_TABLE)
    end = SIZE - 32  # the reset vector area: the last 32 bytes
    image[end - len(table):end] = table
    image[SIZE - 16:SIZE - 13] = b"\x90\x90\xe9"  # nop, nop, jmp: the shape of a reset vector
    return bytes(image)


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                             "ovmf-amdsev-4k.bin")
    with open(out, "wb") as f:
        f.write(build())
