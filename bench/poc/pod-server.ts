// pod-server <device-name> <port> [<kubelet port>]: what answers for a home device's pods in the POC. KWOK
// pods run no containers, so the device's namespace answers in their place: the device's pod CIDR is routed
// to its own loopback (`ip route add local <podCIDR> dev lo`, set up by region.ts), so a connection to any
// pod IP that reaches the device over the tailnet lands here, and the answer names the pod IP it was
// addressed to.
// What is real is the path: ingress namespace → tailnet (WireGuard through the NAT, the pod route the
// device advertises and Headscale approved, the region's ACL) → this device.
import { createServer } from "node:http";

const [device, portText, kubeletPortText] = process.argv.slice(2);
if (!device || !portText) {
  console.error("usage: pod-server.ts <device-name> <port> [<kubelet port>]");
  process.exit(2);
}

let served = 0;
const server = createServer((req, res) => {
  served++;
  const body = JSON.stringify({ device, podIP: req.socket.localAddress?.replace(/^::ffff:/, ""), path: req.url, served });
  res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  res.end(body);
});
server.keepAliveTimeout = 30_000;
server.listen(Number(portText), "0.0.0.0", () => console.log(`pod server for ${device} listening on 0.0.0.0:${portText}`));
if (kubeletPortText) {
  createServer((_req, res) => res.end(JSON.stringify({ device, kubelet: true }))).listen(Number(kubeletPortText), "0.0.0.0");
}
