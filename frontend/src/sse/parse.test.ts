import { describe, expect, it } from "vitest";

import { SseParser } from "./parse";

describe("SseParser", () => {
  it("parses named events with ids and skips comments", () => {
    const parser = new SseParser();
    const messages = parser.feed(":padding\n\nevent: task.running\nid: job-1:7\ndata: {\"seq\": 7}\n\n");
    expect(messages).toEqual([{ event: "task.running", id: "job-1:7", data: '{"seq": 7}' }]);
  });

  it("joins multi-line data and defaults the event name", () => {
    expect(new SseParser().feed("data: a\ndata: b\n\n")).toEqual([{ event: "message", id: null, data: "a\nb" }]);
  });

  it("completes messages split across chunks, including CRLF split between chunks", () => {
    const parser = new SseParser();
    expect(parser.feed("event: x\r")).toEqual([]);
    expect(parser.feed("\ndata: {\"se")).toEqual([]);
    expect(parser.feed("q\": 1}\r\n\r\n")).toEqual([{ event: "x", id: null, data: '{"seq": 1}' }]);
  });

  it("ignores a message without data and remembers retry", () => {
    const parser = new SseParser();
    expect(parser.feed("event: keep-alive\n\nretry: 2500\n\n")).toEqual([]);
    expect(parser.retryMs).toBe(2500);
  });
});
