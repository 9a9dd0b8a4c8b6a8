/**
 * A fake AWE server for component tests: `fetch` answers from a routing function, JSON or
 * server-sent events, and every request is recorded.
 */
import { vi } from "vitest";

export interface FakeRequest {
  method: string;
  url: URL;
  path: string;
  headers: Headers;
  body: unknown;
  signal: AbortSignal | null;
}

export type Route = (request: FakeRequest) => Response | Promise<Response> | undefined;

export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

export interface SseItem {
  event: string;
  id?: string;
  data: string;
}

export function sseText(items: readonly SseItem[]): string {
  return items
    .map((item) => `event: ${item.event}\n${item.id ? `id: ${item.id}\n` : ""}data: ${item.data}\n\n`)
    .join("");
}

/**
 * An event-stream response sending `items`, then ending, or (keepOpen) staying open until the
 * request is aborted, like a live stream.
 */
export function sse(items: readonly SseItem[], options: { keepOpen?: boolean; signal?: AbortSignal | null } = {}): Response {
  const bytes = new TextEncoder().encode(`:${" ".repeat(16)}\n\n${sseText(items)}`);
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes);
      if (!options.keepOpen) {
        controller.close();
        return;
      }
      options.signal?.addEventListener("abort", () => {
        try {
          controller.error(new DOMException("aborted", "AbortError"));
        } catch {
          // already closed
        }
      });
    },
  });
  return new Response(stream, { status: 200, headers: { "content-type": "text/event-stream" } });
}

/** Replaces fetch; a request no route answers gets a 404 like Django's. */
export function fakeApi(route: Route) {
  const requests: FakeRequest[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input), "http://testserver");
    const request: FakeRequest = {
      method: (init.method ?? "GET").toUpperCase(),
      url,
      path: url.pathname,
      headers: new Headers(init.headers),
      body: typeof init.body === "string" ? JSON.parse(init.body) : undefined,
      signal: init.signal ?? null,
    };
    requests.push(request);
    if (request.signal?.aborted) throw new DOMException("aborted", "AbortError");
    return (await route(request)) ?? json({ detail: "Not found." }, 404);
  });
  vi.stubGlobal("fetch", fetchMock);
  return { requests, fetchMock };
}

/** A job event as the stream sends it. */
export function eventItem(job: string, seq: number, type: string, task: string | null = null, payload = {}): SseItem {
  return {
    event: type,
    id: `job-${job}:${seq}`,
    data: JSON.stringify({ seq, job, type, task, payload, at: `2026-01-01T00:00:${String(seq).padStart(2, "0")}Z` }),
  };
}

/** A stream the test feeds while it is open: `respond` answers a request, `push` sends events. */
export function liveStream() {
  const controllers = new Set<ReadableStreamDefaultController<Uint8Array>>();
  const encoder = new TextEncoder();
  return {
    respond(initial: readonly SseItem[] = [], signal: AbortSignal | null = null): Response {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controllers.add(controller);
          controller.enqueue(encoder.encode(sseText([{ event: "stream-open", data: "" }, ...initial])));
          signal?.addEventListener("abort", () => {
            controllers.delete(controller);
            try {
              controller.error(new DOMException("aborted", "AbortError"));
            } catch {
              // already closed
            }
          });
        },
      });
      return new Response(body, { headers: { "content-type": "text/event-stream" } });
    },
    push(items: readonly SseItem[]): void {
      for (const controller of controllers) controller.enqueue(encoder.encode(sseText(items)));
    },
  };
}
