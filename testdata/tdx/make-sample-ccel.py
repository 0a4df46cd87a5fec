#!/usr/bin/env python3
"""Writes sample-ccel.bin: a small synthetic TDX event log (CCEL) in the TCG crypto-agile format
that `coco tdx replay` reads, standing in for a guest's /sys/firmware/acpi/tables/data/CCEL:

- the Spec ID event (TCG PC Client PFP §10.4.5.1) in the SHA-1 record layout, listing SHA-384 only;
- then TCG_PCR_EVENT2 records {u32 MR index (1..4 = RTMR0..3), u32 type, u32 count = 1,
  u16 TPM_ALG_SHA384, 48-byte digest, u32 size, data}: the SecureBoot variable and a separator in
  RTMR0; the boot-option action, the EFI application (digest: the Authenticode SHA-384 of
  testdata/kernel/tiny-vmlinuz, made by make-tiny-kernel.py), a separator and the two
  ExitBootServices actions in RTMR1; the kernel command line in RTMR2;
- 0xff filling the rest of the 4 KiB area, as firmware leaves the unused log.

Each digest is SHA-384 of the event data, except the application's (its image hash), as EDK2
measures them. The log is not that of any real boot: a `--expected` comparison with
`coco measure tdx` shows where they diverge.
Run from anywhere: python3 testdata/tdx/make-sample-ccel.py [OUT]
"""
import hashlib
import os
import struct
import sys
import uuid

EV_NO_ACTION, EV_SEPARATOR, EV_IPL = 0x3, 0x4, 0xD
EV_EFI_VARIABLE_DRIVER_CONFIG, EV_EFI_BOOT_SERVICES_APPLICATION, EV_EFI_ACTION = 0x80000001, 0x80000003, 0x80000007
TPM_ALG_SHA384 = 0x000C
EFI_GLOBAL_VARIABLE = "8be4df61-93ca-11d2-aa0d-00e098032b8c"
# `coco tdx authenticode testdata/kernel/tiny-vmlinuz`
TINY_KERNEL_AUTHENTICODE = ("d6bb9857840a8300217186d6c906a9bc2d93ed191a1f1559"
                            "feb0c0068f45f1692a4fa7d9f8798dfeabbd955759f0ae0a")
AREA = 4096


def spec_id_event():
    data = b"Spec ID Event03\0" + struct.pack("<IBBBBI", 0, 0, 2, 0, 2, 1)
    data += struct.pack("<HH", TPM_ALG_SHA384, 48) + b"\0"
    return struct.pack("<II", 0, EV_NO_ACTION) + bytes(20) + struct.pack("<I", len(data)) + data


def event(mr_index, kind, data, digest=None):
    digest = digest if digest is not None else hashlib.sha384(data).digest()
    return (struct.pack("<IIIH", mr_index, kind, 1, TPM_ALG_SHA384) + digest
            + struct.pack("<I", len(data)) + data)


def variable(name, value):  # UEFI_VARIABLE_DATA: GUID, u64 name length, u64 data length, UTF-16 name, data
    encoded = name.encode("utf-16-le")
    return uuid.UUID(EFI_GLOBAL_VARIABLE).bytes_le + struct.pack("<QQ", len(name), len(value)) + encoded + value


def build():
    log = spec_id_event()
    log += event(1, EV_EFI_VARIABLE_DRIVER_CONFIG, variable("SecureBoot", b"\0"))
    log += event(1, EV_SEPARATOR, bytes(4))
    log += event(2, EV_EFI_ACTION, b"Calling EFI Application from Boot Option")
    log += event(2, EV_EFI_BOOT_SERVICES_APPLICATION, bytes(32), bytes.fromhex(TINY_KERNEL_AUTHENTICODE))
    log += event(2, EV_SEPARATOR, bytes(4))
    log += event(2, EV_EFI_ACTION, b"Exit Boot Services Invocation")
    log += event(2, EV_EFI_ACTION, b"Exit Boot Services Returned with Success")
    log += event(3, EV_IPL, "console=ttyS0 root=/dev/vda1".encode("utf-16-le") + b"\0\0")
    assert len(log) <= AREA
    return log + b"\xff" * (AREA - len(log))


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                             "sample-ccel.bin")
    with open(out, "wb") as f:
        f.write(build())
