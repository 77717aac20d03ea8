// The page's listener. It binds at start-up, but loads the page's code (Elysia, the views) on the first
// request: an agent that has been set up idles for weeks without anyone opening the page, and should not
// carry a web framework in memory for that.

export type PageHandler = (req: Request) => Response | Promise<Response>;

export interface PageServerOptions {
  hostname: string;
  port: number;
  load: () => Promise<PageHandler>;
  onError: (err: unknown) => void;
}

/** servePage listens on hostname:port and hands every request to the handler load() makes once. */
export function servePage(opts: PageServerOptions): { stop: () => void } {
  let handler: Promise<PageHandler> | null = null;
  const server = Bun.serve({
    hostname: opts.hostname,
    port: opts.port,
    // Bun's default is exclusive, but say so: with SO_REUSEPORT another process could share the port
    // and take some of the page's connections.
    reusePort: false,
    // The page's forms are small; refuse big bodies, chunked ones too, before they are read.
    maxRequestBodySize: 64 * 1024,
    async fetch(req) {
      handler ??= opts.load().catch((err: unknown) => {
        handler = null;
        throw err;
      });
      return (await handler)(req);
    },
    error(err) {
      opts.onError(err);
      return new Response("The agent hit an unexpected error; see its log.", { status: 500, headers: { "content-type": "text/plain; charset=utf-8" } });
    },
  });
  return { stop: () => void server.stop(true) };
}
