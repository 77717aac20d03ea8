// tcp-forward LISTEN_HOST:PORT TARGET_HOST:PORT: a plain TCP port forward. The tests' API server listens on
// the region's lab address; this makes it answer on the control node's tailnet address too, where a k3s
// server started with --node-ip on the tailnet would listen by itself.
import { connect, createServer } from "node:net";

const [listen, target] = process.argv.slice(2) as [string, string];
const split = (s: string) => ({ host: s.slice(0, s.lastIndexOf(":")), port: Number(s.slice(s.lastIndexOf(":") + 1)) });
const from = split(listen);
const to = split(target);

createServer((client) => {
  const upstream = connect(to.port, to.host);
  client.pipe(upstream);
  upstream.pipe(client);
  client.on("error", () => upstream.destroy());
  upstream.on("error", () => client.destroy());
}).listen(from.port, from.host, () => console.log(`forwarding ${listen} -> ${target}`));
