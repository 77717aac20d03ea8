import { expect, test } from "bun:test";
import { fakeSources, healthyMachine } from "./fake-sources.ts";
import { parseProcNet, readPortsInUse } from "./listening-ports.ts";

const HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";
const TCP = `${HEADER}   0: 00000000:280A 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 21 1
   1: 0100007F:1E61 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 22 1
   2: 0A00000A:A8E6 507100CB:280A 01 00000000:00000000 00:00000000 00000000     0        0 23 1
`;
const TCP6 = `${HEADER}   0: 00000000000000000000000000000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 24 1
`;
const UDP = `${HEADER}  900: 00000000:A369 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 25 2
`;

test("TCP: only listening sockets count, not connections to a remote port", () => {
  // 0x280A = 10250 listening; 0x1E61 = 7777; the third line is an established connection *to* 10250.
  expect(parseProcNet(TCP, "tcp")).toEqual([7777, 10250]);
  expect(parseProcNet(TCP6, "tcp")).toEqual([22]);
});

test("UDP: any bound socket counts", () => {
  expect(parseProcNet(UDP, "udp")).toEqual([41833]);
});

test("readPortsInUse merges IPv4 and IPv6 tables, and says null when /proc/net is unreadable", async () => {
  const m = healthyMachine();
  m.files["/proc/net/tcp"] = TCP;
  m.files["/proc/net/tcp6"] = TCP6;
  m.files["/proc/net/udp"] = UDP;
  expect(await readPortsInUse(fakeSources(m))).toEqual({ tcpListening: [22, 7777, 10250], udpBound: [41833] });
  delete m.files["/proc/net/tcp"];
  delete m.files["/proc/net/tcp6"];
  expect(await readPortsInUse(fakeSources(m))).toBeNull();
});
