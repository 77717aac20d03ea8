// free-udp-port: a loopback UDP port nobody uses right now (STUN listeners); TCP ports come from
// tests/support/free-port.ts.
import { createSocket } from "node:dgram";

export function freeUdpPort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket("udp4");
    socket.once("error", reject);
    socket.bind(0, host, () => {
      const port = socket.address().port;
      socket.close(() => resolve(port));
    });
  });
}
