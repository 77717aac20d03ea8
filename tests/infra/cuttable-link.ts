// A network outage on demand, between a component under test and a server it talks to.

/**
 * CuttableLink is a TCP relay in front of a server (the API server, Headscale): cut() drops every
 * connection through it and refuses new ones until restore(), as a network outage between the registry
 * and a region would.
 */
export class CuttableLink {
  private readonly sockets = new Set<{ end(): void }>();
  private down = false;
  private readonly listener: Bun.TCPSocketListener<Relay>;

  constructor(private readonly target: URL) {
    const sockets = this.sockets;
    const isDown = () => this.down;
    const send = (to: Bun.Socket<any>, queue: Uint8Array[], chunk?: Uint8Array) => {
      if (chunk) queue.push(chunk);
      while (queue.length > 0) {
        const head = queue[0]!;
        const written = to.write(head);
        if (written < head.byteLength) {
          queue[0] = head.subarray(Math.max(0, written));
          return;
        }
        queue.shift();
      }
    };
    this.listener = Bun.listen<Relay>({
      hostname: "127.0.0.1",
      port: 0,
      socket: {
        open(client) {
          if (isDown()) return void client.end();
          client.data = { toUp: [], toClient: [] };
          sockets.add(client);
          void Bun.connect<Relay>({
            hostname: target.hostname,
            port: Number(target.port),
            socket: {
              open(up) {
                up.data = client.data;
                client.data.up = up;
                sockets.add(up);
                send(up, client.data.toUp);
              },
              data: (_up, chunk) => send(client, client.data.toClient, new Uint8Array(chunk)),
              drain: (up) => send(up, client.data.toUp),
              close(up) {
                sockets.delete(up);
                client.end();
              },
              error() {
                client.end();
              },
            },
          }).catch(() => client.end());
        },
        data(client, chunk) {
          if (client.data.up) send(client.data.up, client.data.toUp, new Uint8Array(chunk));
          else client.data.toUp.push(new Uint8Array(chunk));
        },
        drain: (client) => send(client, client.data.toClient),
        close(client) {
          sockets.delete(client);
          client.data?.up?.end();
        },
      },
    });
  }

  /** url is the target's URL with the relay's address in it. */
  get url(): string {
    return `${this.target.protocol}//127.0.0.1:${this.listener.port}`;
  }

  cut(): void {
    this.down = true;
    for (const s of [...this.sockets]) s.end();
    this.sockets.clear();
  }

  restore(): void {
    this.down = false;
  }

  stop(): void {
    this.cut();
    this.listener.stop(true);
  }
}

interface Relay {
  up?: Bun.Socket<Relay>;
  toUp: Uint8Array[];
  toClient: Uint8Array[];
}
