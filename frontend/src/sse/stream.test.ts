import { describe, expect, it, vi } from "vitest";

import { eventItem, json, sse } from "../test/fakeApi";
import type { SseMessage } from "./parse";
import { openEventStream, type StreamStatus } from "./stream";

function recorder() {
  const messages: SseMessage[] = [];
  const statuses: { status: StreamStatus; http?: number }[] = [];
  return {
    messages,
    statuses,
    handlers: {
      onMessage: (m: SseMessage) => messages.push(m),
      onStatus: (status: StreamStatus, http?: number) => statuses.push({ status, http }),
    },
  };
}

describe("openEventStream", () => {
  it("reconnects after the stream ends, sending the last id as Last-Event-ID", async () => {
    const headers: (string | null)[] = [];
    const responses = [
      () => sse([eventItem("j", 1, "job.created"), eventItem("j", 2, "job.running")]),
      () => sse([eventItem("j", 3, "task.ready", "a")], { keepOpen: true }),
    ];
    const fetchImpl = vi.fn(async (_url: RequestInfo | URL, init?: RequestInit) => {
      headers.push(new Headers(init?.headers).get("Last-Event-ID"));
      return responses[headers.length - 1]!();
    });
    const rec = recorder();
    const stream = openEventStream("/api/jobs/j/events", rec.handlers, { fetchImpl, minMs: 5 });
    await vi.waitFor(() => expect(rec.messages).toHaveLength(3));
    expect(headers).toEqual([null, "job-j:2"]);
    expect(rec.messages.map((m) => m.event)).toEqual(["job.created", "job.running", "task.ready"]);
    expect(rec.statuses.map((s) => s.status)).toEqual(["connecting", "open", "retrying", "open"]);
    stream.close();
    expect(rec.statuses.at(-1)?.status).toBe("closed");
  });

  it("stops, without retrying, when the server refuses the stream", async () => {
    const fetchImpl = vi.fn(async () => json({ detail: "Not found." }, 404));
    const rec = recorder();
    openEventStream("/api/events", rec.handlers, { fetchImpl, minMs: 1 });
    await vi.waitFor(() => expect(rec.statuses.at(-1)).toEqual({ status: "unavailable", http: 404 }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fetchImpl).toHaveBeenCalledTimes(1);
  });

  it("retries with a growing delay after network failures", async () => {
    let calls = 0;
    const fetchImpl = vi.fn(async () => {
      calls += 1;
      if (calls < 3) throw new TypeError("Failed to fetch");
      return sse([eventItem("j", 1, "job.created")], { keepOpen: true });
    });
    const rec = recorder();
    const stream = openEventStream("/x", rec.handlers, { fetchImpl, minMs: 2, maxMs: 4 });
    await vi.waitFor(() => expect(rec.messages).toHaveLength(1));
    expect(calls).toBe(3);
    stream.close();
  });

  it("reconnects at once on request, resuming after the last id", async () => {
    const headers: (string | null)[] = [];
    const fetchImpl = vi.fn(async (_url: RequestInfo | URL, init?: RequestInit) => {
      headers.push(new Headers(init?.headers).get("Last-Event-ID"));
      const seq = headers.length;
      return sse([eventItem("j", seq, "job.running")], { keepOpen: true, signal: init?.signal });
    });
    const rec = recorder();
    const stream = openEventStream("/x", rec.handlers, { fetchImpl, minMs: 60_000 });
    await vi.waitFor(() => expect(rec.messages).toHaveLength(1));
    stream.reconnect();
    await vi.waitFor(() => expect(rec.messages).toHaveLength(2));
    expect(headers).toEqual([null, "job-j:1"]);
    stream.close();
  });
});
