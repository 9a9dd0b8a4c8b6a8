import { renderHook, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { eventItem, fakeApi, sse } from "../test/fakeApi";
import { useJobEvents } from "./useJobEvents";

describe("useJobEvents", () => {
  it("shows each event once when a reconnect replays events it already has", async () => {
    let connection = 0;
    const { requests } = fakeApi((request) => {
      connection += 1;
      if (connection === 1) {
        return sse([
          { event: "stream-open", data: "" },
          eventItem("j", 1, "job.created"),
          eventItem("j", 2, "job.running"),
        ]);
      }
      // A server that replays from before the id it was given: the hook must not duplicate.
      return sse([eventItem("j", 1, "job.created"), eventItem("j", 2, "job.running"), eventItem("j", 3, "task.ready", "a")], {
        keepOpen: true,
        signal: request.signal,
      });
    });
    const { result } = renderHook(() => useJobEvents("j", { minMs: 5 }));
    await waitFor(() => expect(result.current.events.map((e) => e.seq)).toEqual([1, 2, 3]));
    expect(requests[1]!.headers.get("Last-Event-ID")).toBe("job-j:2");
    expect(result.current.status).toBe("open");
  });

  it("merges events from the details without duplicates", async () => {
    fakeApi((request) => sse([eventItem("j", 1, "job.created"), eventItem("j", 2, "job.running")], { keepOpen: true, signal: request.signal }));
    const { result } = renderHook(() => useJobEvents("j"));
    await waitFor(() => expect(result.current.events).toHaveLength(2));
    result.current.merge([{ seq: 2, type: "job.running", task: null, payload: {}, at: "" }, { seq: 3, type: "plan.created", task: null, payload: {}, at: "" }]);
    await waitFor(() => expect(result.current.events.map((e) => e.seq)).toEqual([1, 2, 3]));
  });

  it("starts afresh for another job", async () => {
    fakeApi((request) => {
      const job = request.path.split("/")[3]!;
      return sse([eventItem(job, 1, "job.created")], { keepOpen: true, signal: request.signal });
    });
    const { result, rerender } = renderHook(({ id }) => useJobEvents(id), { initialProps: { id: "one" } });
    await waitFor(() => expect(result.current.events[0]?.job).toBe("one"));
    rerender({ id: "two" });
    await waitFor(() => expect(result.current.events.map((e) => e.job)).toEqual(["two"]));
  });
});
