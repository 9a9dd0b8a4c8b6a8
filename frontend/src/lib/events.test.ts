import { describe, expect, it } from "vitest";

import type { JobEvent } from "../api/types";
import {
  describePayload,
  lastStatusSeq,
  liveJobStatus,
  liveTaskStatuses,
  mergeEvents,
  newestSeq,
  parseEventData,
  taskRevision,
  toJobEvent,
} from "./events";

const ev = (seq: number, type = "task.running", task: string | null = "a"): JobEvent => ({
  seq,
  type,
  task,
  payload: {},
  at: "",
});

describe("mergeEvents", () => {
  it("keeps each seq once when a replay repeats events", () => {
    const first = mergeEvents([], [ev(1), ev(2), ev(3)]);
    const replayed = mergeEvents(first, [ev(2), ev(3), ev(4)]);
    expect(replayed.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
  });

  it("orders events that arrive out of order", () => {
    expect(mergeEvents([ev(1), ev(4)], [ev(3), ev(2)]).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
  });

  it("drops duplicates within one batch", () => {
    expect(mergeEvents([], [ev(2), ev(2), ev(1)]).map((e) => e.seq)).toEqual([1, 2]);
  });

  it("returns the same array when nothing is new, so React does not re-render", () => {
    const current = [ev(1), ev(2)];
    expect(mergeEvents(current, [ev(2)])).toBe(current);
  });
});

describe("toJobEvent", () => {
  it("reads the stream's data and the details' recent_events alike", () => {
    expect(toJobEvent({ seq: 3, type: "job.running", task: "", payload: { from: "queued" }, at: "t" })).toEqual({
      seq: 3,
      job: undefined,
      type: "job.running",
      task: null,
      payload: { from: "queued" },
      at: "t",
    });
  });

  it("refuses what is not an event", () => {
    expect(toJobEvent({ type: "x" })).toBeNull();
    expect(toJobEvent([1])).toBeNull();
    expect(parseEventData("not json")).toBeNull();
    expect(parseEventData("")).toBeNull();
  });
});

describe("live statuses", () => {
  const tasks = [
    { id: "a", status: "pending" as const },
    { id: "b", status: "pending" as const },
  ];

  it("moves tasks on with events newer than the details", () => {
    const events = [ev(5, "task.succeeded", "a"), ev(6, "task.running", "b"), ev(7, "task.failed", "b")];
    expect(liveTaskStatuses(tasks, events, 5)).toEqual({ a: "pending", b: "failed" });
  });

  it("ignores events the details already include, unknown tasks and non-status events", () => {
    const events = [ev(2, "task.succeeded", "a"), ev(9, "task.running", "zz"), ev(10, "task.dead_lettered", "a")];
    expect(liveTaskStatuses(tasks, events, 4)).toEqual({ a: "pending", b: "pending" });
  });

  it("takes the job's latest job.<status> event", () => {
    const events = [ev(3, "job.running", null), ev(8, "job.failed", null), ev(9, "job.replanned", null)];
    expect(liveJobStatus("running", events, 3)).toBe("failed");
    expect(liveJobStatus("running", events, 8)).toBe("running");
  });

  it("finds the newest seq", () => {
    expect(newestSeq([ev(3), ev(9), ev(4)])).toBe(9);
    expect(newestSeq([])).toBe(0);
  });
});

describe("task revision", () => {
  const task = { id: "a", status: "running" as const, attempts: 1 };

  it("finds the newest event that moved the task, ignoring other tasks and other events", () => {
    const events = [ev(2, "task.running", "a"), ev(3, "task.succeeded", "b"), ev(4, "artifact.created", "a"), ev(5, "job.running", null)];
    expect(lastStatusSeq(events, "a")).toBe(2);
    expect(lastStatusSeq(events, "c")).toBe(0);
  });

  it("changes when the task moves, even back to the status it had", () => {
    const before = taskRevision(task, "running", [ev(2, "task.running", "a")]);
    const after = taskRevision(task, "running", [ev(2, "task.running", "a"), ev(6, "task.retrying", "a"), ev(7, "task.running", "a")]);
    expect(after).not.toBe(before);
    expect(taskRevision({ ...task, attempts: 2 }, "running", [ev(2, "task.running", "a")])).not.toBe(before);
    expect(taskRevision(task, "running", [ev(2, "task.running", "a"), ev(9, "task.running", "b")])).toBe(before);
  });
});

describe("describePayload", () => {
  it("summarises the fields the catalogue documents", () => {
    const event = { ...ev(1, "task.retrying"), payload: { from: "running", error: "timeout", error_class: "transient", retry_in_s: 2 } };
    expect(describePayload(event)).toBe("from running · retry in 2 s · [transient] · timeout");
    const replanned = { ...ev(2, "job.replanned", null), payload: { version: 2, instructions: "add a review" } };
    expect(describePayload(replanned)).toBe("version 2 · instructions: add a review");
  });
});
