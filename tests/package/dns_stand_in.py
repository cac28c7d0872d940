#!/usr/bin/env python3
"""A DNS server stand-in for the chroot test: answers A queries for the names
given on the command line with 127.0.0.1, AAAA queries for them with no
record, and anything else with NXDOMAIN. UDP only (glibc's stub resolver asks
over UDP). Prints "listening" once bound, then logs every question, so the
test can prove the bootstrap's lookups really went over DNS.

  dns_stand_in.py ADDRESS PORT NAME...
"""
import socket
import struct
import sys


def question_of(packet):
    labels, at = [], 12
    while packet[at] != 0:
        length = packet[at]
        labels.append(packet[at + 1:at + 1 + length].decode("ascii", "replace"))
        at += 1 + length
    qtype, qclass = struct.unpack("!HH", packet[at + 1:at + 5])
    return ".".join(labels).lower(), qtype, qclass, packet[12:at + 5]


def answer(packet, names):
    ident, flags = struct.unpack("!HH", packet[:4])
    name, qtype, qclass, question = question_of(packet)
    known = name in names
    rcode = 0 if known else 3  # NXDOMAIN
    records = b""
    if known and qtype == 1 and qclass == 1:
        records = struct.pack("!HHHIH", 0xC00C, 1, 1, 60, 4) + socket.inet_aton("127.0.0.1")
    response_flags = 0x8000 | (flags & 0x0100) | 0x0080 | rcode  # QR, RD copied, RA
    header = struct.pack("!HHHHHH", ident, response_flags, 1, 1 if records else 0, 0, 0)
    return header + question + records, name, qtype


def main():
    address, port, names = sys.argv[1], int(sys.argv[2]), {n.lower() for n in sys.argv[3:]}
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind((address, port))
    print("listening", flush=True)
    while True:
        packet, peer = server.recvfrom(512)
        try:
            response, name, qtype = answer(packet, names)
        except (IndexError, struct.error):
            continue
        print(f"question {name} type {qtype}", flush=True)
        server.sendto(response, peer)


if __name__ == "__main__":
    main()
