import { SseParser, type SseMessage } from "./parse";

/**
 * connecting/retrying: (re)opening; open: receiving; unavailable: the server refused the stream
 * (no such endpoint, not signed in, not yours) and it is not retried; closed: closed by the caller.
 */
export type StreamStatus = "connecting" | "open" | "retrying" | "unavailable" | "closed";

export interface StreamHandlers {
  onMessage(message: SseMessage): void;
  onStatus?(status: StreamStatus, httpStatus?: number): void;
}

export interface StreamOptions {
  /** Resume after this id (sent as Last-Event-ID); later ids are tracked from the stream. */
  lastEventId?: string | null;
  fetchImpl?: typeof fetch;
  /** Reconnection delay: doubles from minMs up to maxMs (or the server's `retry:`). */
  minMs?: number;
  maxMs?: number;
}

export interface EventStream {
  close(): void;
  /** Drop the connection and open a new one at once, resuming after the last id received. */
  reconnect(): void;
}

const REFUSED = new Set([401, 403, 404, 405, 410]);

/**
 * Reads a server-sent event stream with fetch (not EventSource) so that every `event:` type is
 * delivered, a refusal (404, 401) stops instead of retrying forever, and reconnects send the
 * last id received as Last-Event-ID, like EventSource does.
 */
export function openEventStream(url: string, handlers: StreamHandlers, options: StreamOptions = {}): EventStream {
  const fetchImpl = options.fetchImpl ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  const minMs = options.minMs ?? 1000;
  const maxMs = options.maxMs ?? 15000;
  let lastEventId = options.lastEventId ?? null;
  let closed = false;
  let connection: AbortController | null = null;
  let wake: (() => void) | null = null;
  let skipWait = false;

  const status = (value: StreamStatus, httpStatus?: number) => {
    if (!closed || value === "closed") handlers.onStatus?.(value, httpStatus);
  };

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  async function readOnce(parser: SseParser): Promise<"refused" | "ended"> {
    connection = new AbortController();
    const headers: Record<string, string> = { Accept: "text/event-stream" };
    if (lastEventId) headers["Last-Event-ID"] = lastEventId;
    const response = await fetchImpl(url, {
      headers,
      credentials: "same-origin",
      cache: "no-store",
      signal: connection.signal,
    });
    const type = response.headers.get("content-type") ?? "";
    if (REFUSED.has(response.status) || (response.ok && !type.includes("text/event-stream"))) {
      await response.body?.cancel().catch(() => undefined);
      status("unavailable", response.status);
      return "refused";
    }
    if (!response.ok || !response.body) throw new Error(`event stream answered ${response.status}`);
    status("open");
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return "ended";
      for (const message of parser.feed(decoder.decode(value, { stream: true }))) {
        if (message.id !== null) lastEventId = message.id;
        if (closed) return "ended";
        handlers.onMessage(message);
      }
    }
  }

  async function run(): Promise<void> {
    let delay = minMs;
    let first = true;
    while (!closed) {
      status(first ? "connecting" : "retrying");
      first = false;
      const parser = new SseParser();
      try {
        if ((await readOnce(parser)) === "refused") return;
        delay = minMs; // the stream was open: start backing off afresh
      } catch {
        // A dropped connection or a network failure: retried below with a growing delay.
      }
      if (closed) return;
      if (skipWait) {
        skipWait = false;
        continue;
      }
      await wait(parser.retryMs ?? delay);
      skipWait = false;
      delay = Math.min(delay * 2, maxMs);
    }
  }

  void run();

  return {
    close() {
      if (closed) return;
      closed = true;
      connection?.abort();
      wake?.();
      status("closed");
    },
    reconnect() {
      if (closed) return;
      skipWait = true;
      connection?.abort();
      wake?.();
    },
  };
}
