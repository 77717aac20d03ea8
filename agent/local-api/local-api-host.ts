/**
 * LOCAL_API_HOST is the only Host the CLI's API answers. A browser can never send it, which, with the
 * refusal of any Origin or Referer, keeps web pages out of this API even if the socket were reachable.
 */
export const LOCAL_API_HOST = "local-akash-home.sock";
